(function(){var built="__BUILT__";if(!window.EventSource)return;var s=new EventSource("__EVENTS__");s.addEventListener("build",function(e){if(e.data!==built){s.close();location.reload();}});})();
