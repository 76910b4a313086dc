//! Orchestration of a build: load → metrics → charts → render → write.
