//! End-to-end in a real browser: the sample project's dashboard and one
//! monthly review report are loaded in headless Chromium (Debian's
//! `chromium`), which must see no JavaScript error and no failed request, and
//! every chart must be drawn and visible. The dashboard's clients table must
//! sort when its Health header is clicked, and the report (a self-contained
//! file) must make no request at all.
//!
//! How: the page is copied beside itself with a probe script injected right
//! after `<head>`, the site folder is served by a small HTTP server in this
//! test (so every request the browser makes is seen, with its status), and
//! `chromium --headless --dump-dom` loads it. The probe listens for `error`
//! (capture phase: script errors and failed `<img>`/`<link>`/`<script>`
//! loads), `unhandledrejection` and `console.error`; after `load` it measures
//! every `figure.chart svg`, lists the resource-timing entries, clicks the
//! sort header, and writes a JSON summary into `<pre id="probe-result">`,
//! which this test reads back from the dumped DOM.
//!
//! The `probe_*` tests run the same probe on small pages with deliberate faults
//! and check that each fault is reported, so a passing run means something.
//!
//! Without Chromium the tests print a note and pass, except under CI (`CI` set),
//! where they fail: `.ci/run` installs Debian's `chromium`.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::common::{build, copy_project, repo, tree};

/// Injected right after `<head>`. `window.__probeConfig` is set before it.
const PROBE_JS: &str = r#"
(function () {
  "use strict";
  var cfg = window.__probeConfig || {};
  var R = { js_errors: [], failed_loads: [], rejections: [], console_errors: [], figures: 0, charts: [],
            resources: [], sort: null, done: false, viewport: 0, scroll_width: 0, too_wide: [] };
  var out = null;
  function write() {
    if (!document.body) return;
    if (!out) {
      out = document.createElement("pre");
      out.id = "probe-result";
      out.hidden = true;
      document.body.appendChild(out);
    }
    // Characters that the DOM serializer would escape are written as JSON escapes.
    out.textContent = JSON.stringify(R).replace(/[<>&\u00a0]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  function describe(t) {
    var url = t.currentSrc || t.src || t.href || t.data || "";
    if (url && typeof url === "object") url = url.baseVal;
    return (t.tagName || "?").toLowerCase() + " " + url;
  }
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && t.nodeType === 1) R.failed_loads.push(describe(t));
    else R.js_errors.push(String(e.message) + " (" + e.filename + ":" + e.lineno + ")");
    if (R.done) write();
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    var r = e.reason;
    R.rejections.push(String(r && r.stack ? r.stack : r));
    if (R.done) write();
  });
  var consoleError = console.error;
  console.error = function () {
    R.console_errors.push(Array.prototype.map.call(arguments, String).join(" "));
    if (R.done) write();
    return consoleError.apply(console, arguments);
  };
  function shown(el) {
    if (getComputedStyle(el).visibility !== "visible") return false;
    for (var n = el; n && n.nodeType === 1; n = n.parentElement) {
      var s = getComputedStyle(n);
      if (s.display === "none" || parseFloat(s.opacity) === 0) return false;
    }
    return true;
  }
  function measure() {
    R.figures = document.querySelectorAll("figure.chart").length;
    var pageWidth = document.documentElement.clientWidth;
    var svgs = document.querySelectorAll("figure.chart svg");
    for (var i = 0; i < svgs.length; i++) {
      var svg = svgs[i];
      if (svg.ownerSVGElement) continue; // an <svg> nested in a chart is part of it
      var title = svg.querySelector("title");
      var r = svg.getBoundingClientRect();
      R.charts.push({
        label: title ? title.textContent.trim() : "untitled chart #" + (i + 1),
        width: r.width, height: r.height, left: r.left, right: r.right, page_width: pageWidth,
        visible: shown(svg),
        marks: svg.querySelectorAll("rect, path, line, polyline, polygon, circle, ellipse").length
      });
    }
    // Anything wider than the window, unless it sits in a box that scrolls
    // (or clips) sideways: a phone reader would have to pan the page.
    R.viewport = pageWidth;
    R.scroll_width = document.documentElement.scrollWidth;
    var els = document.body.querySelectorAll("*");
    for (var k = 0; k < els.length; k++) {
      var el = els[k], box = el.getBoundingClientRect();
      if (box.width === 0 || el.id === "probe-result") continue;
      var clipped = false;
      for (var a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        var ox = getComputedStyle(a).overflowX;
        if (ox === "auto" || ox === "scroll" || ox === "hidden") { clipped = true; break; }
      }
      if (!clipped && (box.right > pageWidth + 1 || box.left < -1)) {
        R.too_wide.push(el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? "." + el.className : "") +
          " " + Math.round(box.left) + ".." + Math.round(box.right));
        if (R.too_wide.length > 20) break;
      }
    }
    R.resources = performance.getEntriesByType("resource").map(function (e) {
      return { name: e.name, kind: e.initiatorType,
               status: typeof e.responseStatus === "number" ? e.responseStatus : null,
               transfer: e.transferSize, decoded: e.decodedBodySize };
    });
  }
  function sortTest() {
    if (!cfg.sort_header) return;
    var S = { header: cfg.sort_header, found: false, before: [], ascending: [], descending: [] };
    R.sort = S;
    var table = document.querySelector(cfg.sort_table);
    if (!table || !table.tHead || !table.tBodies.length) return;
    var heads = table.tHead.rows[0].cells, col = -1;
    for (var i = 0; i < heads.length; i++) if (heads[i].textContent.trim() === cfg.sort_header) col = i;
    if (col < 0) return;
    S.found = true;
    function rows() {
      return Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
        return { name: tr.cells[0].textContent.trim(), value: tr.cells[col].getAttribute("data-v") || "" };
      });
    }
    S.before = rows();
    heads[col].click();
    S.ascending = rows();
    heads[col].click();
    S.descending = rows();
  }
  window.addEventListener("load", function () {
    setTimeout(function () {
      try { measure(); sortTest(); } catch (e) { R.js_errors.push("probe: " + (e && e.stack ? e.stack : e)); }
      R.done = true;
      write();
    }, 250);
  });
})();
"#;

// ---------------------------------------------------------------- the probe's report

#[derive(Debug, Deserialize)]
struct Probe {
    js_errors: Vec<String>,
    failed_loads: Vec<String>,
    rejections: Vec<String>,
    console_errors: Vec<String>,
    figures: usize,
    charts: Vec<Chart>,
    resources: Vec<Resource>,
    sort: Option<SortTest>,
    done: bool,
    /// The window's width, the page's scrolling width, and the elements
    /// that stick out of the window (outside any sideways-scrolling box).
    viewport: f64,
    scroll_width: f64,
    too_wide: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Chart {
    label: String,
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    page_width: f64,
    visible: bool,
    marks: usize,
}

#[derive(Debug, Deserialize)]
struct Resource {
    name: String,
    kind: String,
    status: Option<u16>,
    transfer: f64,
    decoded: f64,
}

#[derive(Debug, Deserialize)]
struct SortTest {
    header: String,
    found: bool,
    before: Vec<Row>,
    ascending: Vec<Row>,
    descending: Vec<Row>,
}

#[derive(Debug, Clone, Deserialize)]
struct Row {
    name: String,
    value: String,
}

/// One page as the browser saw it.
struct Loaded {
    /// The URL path of the page itself on the test server.
    page_path: String,
    /// `<figure class="chart"` in the page's source.
    source_figures: usize,
    probe: Probe,
    /// Every request that reached the test server.
    requests: Vec<Request>,
}

/// What a page may request besides itself.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Requests {
    /// Anything on the same server, as long as it loads.
    MustSucceed,
    /// Nothing at all: the page is a self-contained file.
    Forbidden,
}

/// Everything wrong with a loaded page; empty when it is fine.
fn page_problems(page: &Loaded, requests: Requests) -> Vec<String> {
    let p = &page.probe;
    let mut out = Vec::new();
    if !p.done {
        out.push("the probe did not finish (no load event?)".to_string());
    }
    out.extend(p.js_errors.iter().map(|e| format!("JavaScript error: {e}")));
    out.extend(p.rejections.iter().map(|e| format!("unhandled promise rejection: {e}")));
    out.extend(p.console_errors.iter().map(|e| format!("console.error: {e}")));
    out.extend(p.failed_loads.iter().map(|e| format!("failed to load {e}")));
    for r in &p.resources {
        let failed = match r.status {
            Some(status) => status == 0 || status >= 400,
            None => r.transfer == 0.0 && r.decoded == 0.0,
        };
        if failed {
            out.push(format!("request failed (status {:?}): {} {}", r.status, r.kind, r.name));
        }
        if requests == Requests::Forbidden {
            out.push(format!("a self-contained page requested {} {}", r.kind, r.name));
        }
    }
    for r in page.requests.iter().filter(|r| r.path != page.page_path) {
        if r.status != 200 {
            out.push(format!("the server answered {} for {}", r.status, r.path));
        }
        if requests == Requests::Forbidden {
            out.push(format!(
                "a self-contained page made a request to the server: {}",
                r.path
            ));
        }
    }
    if !page
        .requests
        .iter()
        .any(|r| r.path == page.page_path && r.status == 200)
    {
        out.push(format!("the page itself was not served: {}", page.page_path));
    }

    if page.source_figures == 0 {
        out.push("the page has no charts".to_string());
    }
    if p.figures != page.source_figures {
        out.push(format!(
            "the source has {} charts, the browser found {}",
            page.source_figures, p.figures
        ));
    }
    if p.charts.len() != p.figures {
        out.push(format!(
            "{} chart figures but {} SVG charts in them",
            p.figures,
            p.charts.len()
        ));
    }
    for c in &p.charts {
        if !c.visible {
            out.push(format!("chart “{}” is not visible", c.label));
        }
        if c.width <= 100.0 || c.height <= 50.0 {
            out.push(format!(
                "chart “{}” is too small: {:.0}×{:.0} px",
                c.label, c.width, c.height
            ));
        }
        if c.left < -1.0 || c.right > c.page_width + 1.0 {
            out.push(format!(
                "chart “{}” sticks out of the page: {:.0}..{:.0} px of {:.0}",
                c.label, c.left, c.right, c.page_width
            ));
        }
        if c.marks == 0 {
            out.push(format!("chart “{}” draws nothing", c.label));
        }
    }
    out
}

/// What is wrong with the click test of a sortable column (numeric `data-v`).
fn sort_problems(sort: Option<&SortTest>) -> Vec<String> {
    let Some(s) = sort else {
        return vec!["the sort test did not run".to_string()];
    };
    if !s.found {
        return vec![format!("no sortable column headed “{}”", s.header)];
    }
    let mut out = Vec::new();
    if s.before.len() < 2 {
        out.push(format!(
            "the table has {} rows; the sort test needs two or more",
            s.before.len()
        ));
        return out;
    }
    let value = |r: &Row| r.value.parse::<f64>().unwrap_or(f64::NAN);
    if let Some(bad) = s.before.iter().find(|r| value(r).is_nan()) {
        out.push(format!("row “{}” has no numeric sort value: {:?}", bad.name, bad.value));
        return out;
    }
    let names = |rows: &[Row]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    // The page's script uses a stable sort, ascending on the first click and
    // descending on the second.
    let mut ascending = s.before.clone();
    ascending.sort_by(|a, b| value(a).total_cmp(&value(b)));
    let mut descending = ascending.clone();
    descending.sort_by(|a, b| value(b).total_cmp(&value(a)));
    if names(&ascending) == names(&s.before) {
        out.push("the table is already in ascending order, so the click test would prove nothing".to_string());
    }
    if names(&s.ascending) != names(&ascending) {
        out.push(format!(
            "first click on “{}”: expected ascending order starting {:?}, got {:?}",
            s.header,
            &names(&ascending)[..3.min(ascending.len())],
            &names(&s.ascending)[..3.min(s.ascending.len())]
        ));
    }
    if names(&s.descending) != names(&descending) {
        out.push(format!(
            "second click on “{}”: expected descending order starting {:?}, got {:?}",
            s.header,
            &names(&descending)[..3.min(descending.len())],
            &names(&s.descending)[..3.min(s.descending.len())]
        ));
    }
    out
}

// ---------------------------------------------------------------- Chromium

/// Chromium, or `None` (with a note) when it is missing outside CI.
pub(crate) fn chromium() -> Option<PathBuf> {
    let candidates = ["chromium", "chromium-browser"];
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    let found = std::env::var_os("CASEBOOK_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            on_path
                .iter()
                .flat_map(|dir| candidates.iter().map(move |c| dir.join(c))),
        )
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|p| p.is_file());
    if found.is_none() {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(
            !ci,
            "CI is set but Chromium was not found (looked for `chromium` and `chromium-browser` on PATH, \
             /usr/bin/chromium and $CASEBOOK_CHROMIUM): install Debian's `chromium` package, as .ci/run does"
        );
        eprintln!("note: Chromium not found; skipping the browser test (install Debian's `chromium` to run it)");
    }
    found
}

/// Loads `url` in headless Chromium in a window `width` pixels wide (at
/// least 500: narrower windows are not made) and returns the DOM after load.
fn dump_dom_at(chromium: &Path, url: &str, width: u32) -> String {
    let work = tempfile::tempdir().unwrap();
    let dom = work.path().join("dom.html");
    let log = work.path().join("chromium.log");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--mute-audio",
            &format!("--window-size={width},900"),
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", work.path().join("profile").display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&dom).unwrap())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish loading {url} in 120 s:\n{}", tail(&log));
        }
        thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "Chromium failed ({status}) on {url}:\n{}", tail(&log));
    fs::read_to_string(&dom).unwrap()
}

/// The probe's result for `url` laid out on a phone `width` CSS pixels
/// wide. A headless window is at least 500 px wide, so narrower layouts go
/// through the DevTools protocol's device emulation (casebook's own client,
/// the one `casebook pdf` prints with).
fn phone_probe(chromium: &Path, url: &str, width: u32) -> String {
    let mut b = casebook::pdf::cdp::Browser::start(chromium).expect("Chromium starts");
    b.phone(width, 844).unwrap();
    b.open(url).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = b
            .evaluate("(function(){var e=document.getElementById('probe-result');return e?e.textContent:''})()")
            .unwrap();
        let text = v.as_str().unwrap_or_default().to_string();
        if text.contains("\"done\":true") {
            b.close();
            return text;
        }
        assert!(Instant::now() < deadline, "the probe did not finish on {url}");
        thread::sleep(Duration::from_millis(100));
    }
}

fn tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Writes `html` with the probe injected as `rel` (a path under `root`),
/// serves `root` and loads the page in Chromium.
fn probe_html(chromium: &Path, root: &Path, rel: &str, html: &str, sort_header: Option<&str>) -> Loaded {
    probe_html_at(chromium, root, rel, html, sort_header, 1280)
}

/// [`probe_html`] in a window `width` pixels wide.
fn probe_html_at(chromium: &Path, root: &Path, rel: &str, html: &str, sort_header: Option<&str>, width: u32) -> Loaded {
    let at = html.find("<head>").expect("the page has a <head>") + "<head>".len();
    let config = serde_json::json!({ "sort_header": sort_header, "sort_table": "table#clients" });
    // `<link rel="icon" href="data:,">` keeps the browser from asking for /favicon.ico.
    let injected = format!(
        "{}\n<link rel=\"icon\" href=\"data:,\"><script>window.__probeConfig = {config};{PROBE_JS}</script>{}",
        &html[..at],
        &html[at..]
    );
    let file = root.join(rel);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, injected).unwrap();

    let server = Server::start(root);
    let page_path = format!("/{rel}");
    let url = format!("http://127.0.0.1:{}{page_path}", server.port);
    let result = if width >= 500 {
        let dom = dump_dom_at(chromium, &url, width);
        let start = dom
            .find("<pre id=\"probe-result\"")
            .unwrap_or_else(|| panic!("the probe wrote no result into {rel}; the DOM was:\n{dom}"));
        let start = start + dom[start..].find('>').unwrap() + 1;
        let end = start + dom[start..].find("</pre>").unwrap();
        dom[start..end].replace("&amp;", "&")
    } else {
        phone_probe(chromium, &url, width)
    };
    let requests = server.requests();
    let probe: Probe =
        serde_json::from_str(&result).unwrap_or_else(|e| panic!("cannot read the probe's result ({e}): {result}"));
    Loaded {
        page_path,
        source_figures: html.matches("<figure class=\"chart\"").count(),
        probe,
        requests,
    }
}

/// Probes a copy of the page `rel` of `site`, saved beside it (so relative
/// references resolve as they do for the page itself).
fn probe_page(chromium: &Path, site: &Path, rel: &str, sort_header: Option<&str>) -> Loaded {
    let html = fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    probe_html(chromium, site, &probe_copy_name(rel), &html, sort_header)
}

fn probe_copy_name(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/__probe__{name}"),
        None => format!("__probe__{rel}"),
    }
}

fn prefixed(what: &str, problems: Vec<String>) -> Vec<String> {
    problems.into_iter().map(|p| format!("{what}: {p}")).collect()
}

fn summary(what: &str, page: &Loaded) {
    let charts: Vec<String> = page
        .probe
        .charts
        .iter()
        .map(|c| format!("{} ({:.0}×{:.0})", c.label, c.width, c.height))
        .collect();
    eprintln!(
        "{what}: {} charts visible [{}]; {} requests to the server, {} resource-timing entries",
        charts.len(),
        charts.join(", "),
        page.requests.len(),
        page.probe.resources.len()
    );
}

// ---------------------------------------------------------------- a static file server

#[derive(Debug, Clone)]
struct Request {
    path: String,
    status: u16,
}

/// Serves a folder on 127.0.0.1 and records every request with its status.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, log2, stop2) = (root.to_path_buf(), log.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, log) = (root.clone(), log2.clone());
                // One thread per connection: the browser may open connections it never uses.
                thread::spawn(move || {
                    let _ = answer(stream, &root, &log);
                });
            }
        });
        Server { port, log, stop }
    }

    fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        if let Ok(s) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

fn answer(mut stream: TcpStream, root: &Path, log: &Mutex<Vec<Request>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(()); // a connection opened and closed unused
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let file = if method == "GET" || method == "HEAD" {
        resolve(root, &path)
    } else {
        None
    };
    let (status, reason, body, content_type) = match file.and_then(|f| fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, bytes)) => (200, "OK", bytes, content_type(&f)),
        None => (404, "Not Found", b"not found".to_vec(), "text/plain; charset=utf-8"),
    };
    log.lock().unwrap().push(Request { path, status });
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// The file under `root` for a URL path; `None` if missing or outside `root`.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut file = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s => file.push(s),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

// ---------------------------------------------------------------- the tests

/// The monthly report with the most charts (the first such in path order).
fn busiest_report(site: &Path) -> String {
    let mut best: Option<(usize, String)> = None;
    for (path, bytes) in tree(&site.join("internal/clients")) {
        let name = path.rsplit('/').next().unwrap_or_default();
        if !name.ends_with(".html") || name == "index.html" {
            continue;
        }
        let charts = String::from_utf8_lossy(&bytes)
            .matches("<figure class=\"chart\"")
            .count();
        if best.as_ref().is_none_or(|(n, _)| charts > *n) {
            best = Some((charts, format!("internal/clients/{path}")));
        }
    }
    best.expect("the sample build writes monthly reports").1
}

#[test]
fn dashboard_and_report_load_cleanly_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let project = copy_project(&repo());
    let (code, _out, err) = build(project.path(), &[]);
    assert_eq!(code, 0, "the sample must build: {err}");
    let site = project.path().join("site");

    let dashboard = probe_page(&chromium, &site, "internal/index.html", Some("Health"));
    summary("dashboard", &dashboard);
    let mut problems = prefixed("dashboard", page_problems(&dashboard, Requests::MustSucceed));
    problems.extend(prefixed("dashboard sort", sort_problems(dashboard.probe.sort.as_ref())));

    let report_rel = busiest_report(&site);
    let report = probe_page(&chromium, &site, &report_rel, None);
    summary(&report_rel, &report);
    problems.extend(prefixed(&report_rel, page_problems(&report, Requests::Forbidden)));

    assert!(problems.is_empty(), "problems in the browser:\n{}", problems.join("\n"));
}

#[test]
fn probe_reports_script_errors_failed_requests_and_hidden_charts() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let chart = |title: &str, style: &str, w: u32, h: u32| {
        format!(
            "<figure class=\"chart\" style=\"{style}\"><svg xmlns=\"http://www.w3.org/2000/svg\" \
             viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><title>{title}</title>\
             <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#0072b2\"/></svg></figure>"
        )
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"><title>broken</title></head>\n<body>\n\
         {}\n{}\n{}\n<img src=\"missing.png\" alt=\"\">\n\
         <script>undefinedFunction();</script>\n\
         <script>Promise.reject(new Error(\"deliberate rejection\"));</script>\n</body></html>\n",
        chart("Good chart", "", 400, 200),
        chart("Hidden chart", "visibility:hidden", 400, 200),
        chart("Tiny chart", "", 40, 20),
    );
    let page = probe_html(&chromium, dir.path(), "broken.html", &html, None);
    let problems = page_problems(&page, Requests::MustSucceed);
    eprintln!("problems found on the broken page:\n{}", problems.join("\n"));

    let has = |needles: &[&str]| problems.iter().any(|p| needles.iter().all(|n| p.contains(n)));
    assert!(
        has(&["JavaScript error", "undefinedFunction"]),
        "the script error is reported"
    );
    assert!(
        has(&["failed to load img", "missing.png"]),
        "the missing image's error event is reported"
    );
    assert!(
        has(&["request failed (status Some(404))", "missing.png"]),
        "its resource-timing entry is reported"
    );
    assert!(
        has(&["the server answered 404 for /missing.png"]),
        "its request is reported by the server"
    );
    assert!(
        has(&["unhandled promise rejection", "deliberate rejection"]),
        "the rejection is reported"
    );
    assert!(
        has(&["chart “Hidden chart” is not visible"]),
        "the hidden chart is reported"
    );
    assert!(
        has(&["chart “Tiny chart” is too small: 40×20 px"]),
        "the tiny chart is reported"
    );
    assert!(!has(&["Good chart"]), "the good chart is not reported");
    assert_eq!(
        problems.len(),
        7,
        "exactly the faults above are reported: {problems:#?}"
    );
}

#[test]
fn probe_reports_any_request_from_a_self_contained_page() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>",
    )
    .unwrap();
    let html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"><title>logo</title></head>\n<body>\n\
                <img src=\"logo.svg\" alt=\"logo\">\n<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" \
                viewBox=\"0 0 400 200\" width=\"400\" height=\"200\"><title>Chart</title>\
                <rect width=\"400\" height=\"200\" fill=\"#009e73\"/></svg></figure>\n</body></html>\n";
    let page = probe_html(&chromium, dir.path(), "page.html", html, None);

    // The image loads, so an ordinary page is fine...
    let ordinary = page_problems(&page, Requests::MustSucceed);
    assert!(ordinary.is_empty(), "a clean page has no problems: {ordinary:#?}");
    // ...but a self-contained one must not have asked for it.
    let contained = page_problems(&page, Requests::Forbidden);
    eprintln!(
        "problems found on the page that is not self-contained:\n{}",
        contained.join("\n")
    );
    assert!(
        contained
            .iter()
            .any(|p| p.contains("requested img") && p.contains("/logo.svg"))
    );
    assert!(
        contained
            .iter()
            .any(|p| p.contains("made a request to the server: /logo.svg"))
    );
}

#[test]
fn probe_reports_a_table_that_does_not_sort() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rows = [("Alpha", 90), ("Bravo", 10), ("Charlie", 50)]
        .map(|(n, h)| format!("<tr><td data-v=\"{n}\">{n}</td><td data-v=\"{h}\">{h}</td></tr>"))
        .concat();
    // The dashboard's table without its sort script.
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"><title>table</title></head>\n<body>\n\
         <table id=\"clients\"><thead><tr><th data-sort=\"text\">Name</th><th data-sort=\"num\">Health</th></tr>\
         </thead><tbody>{rows}</tbody></table>\n</body></html>\n"
    );
    let page = probe_html(&chromium, dir.path(), "table.html", &html, Some("Health"));
    let problems = sort_problems(page.probe.sort.as_ref());
    eprintln!(
        "problems found on the table without a sort script:\n{}",
        problems.join("\n")
    );
    assert!(
        problems.iter().any(|p| p.contains("first click on “Health”")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("second click on “Health”")),
        "{problems:#?}"
    );
}

/// What sticks out of a phone's screen (empty when nothing does).
fn width_problems(page: &Loaded) -> Vec<String> {
    let p = &page.probe;
    let mut out: Vec<String> = p
        .too_wide
        .iter()
        .map(|e| format!("wider than the window: {e}"))
        .collect();
    if p.scroll_width > p.viewport + 1.0 {
        out.push(format!(
            "the page scrolls sideways: {:.0} px wide in a {:.0} px window",
            p.scroll_width, p.viewport
        ));
    }
    out
}

#[test]
fn both_editions_fit_a_390_px_phone() {
    let Some(chromium) = chromium() else { return };
    let project = copy_project(&repo());
    let (code, _out, err) = build(project.path(), &[]);
    assert_eq!(code, 0, "the sample must build: {err}");
    let site = project.path().join("site");
    let mut problems = Vec::new();
    let pages = [
        busiest_report(&site),
        "internal/clients/tsukimi-games/2026-10.html".to_string(),
        "client/hinode-foods/2026-10.html".to_string(),
        "client/tsukimi-games/2026-10.html".to_string(),
    ];
    for rel in &pages {
        let html = fs::read_to_string(site.join(rel)).unwrap();
        let page = probe_html_at(&chromium, &site, &probe_copy_name(rel), &html, None, 390);
        summary(rel, &page);
        assert!(
            page.probe.viewport > 300.0 && page.probe.viewport <= 400.0,
            "{}",
            page.probe.viewport
        );
        problems.extend(prefixed(rel, page_problems(&page, Requests::Forbidden)));
        problems.extend(prefixed(rel, width_problems(&page)));
    }
    assert!(problems.is_empty(), "problems at 390 px:\n{}", problems.join("\n"));
}

#[test]
fn probe_reports_what_is_wider_than_a_phone() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>wide</title></head>\n<body>\n\
        <div style=\"overflow-x:auto\"><table style=\"width:900px\"><tr><td>scrolls inside its box</td></tr></table></div>\n\
        <table id=\"wide\" style=\"width:700px\"><tr><td>sticks out</td></tr></table>\n</body></html>\n";
    let page = probe_html_at(&chromium, dir.path(), "wide.html", html, None, 390);
    let problems = width_problems(&page);
    assert!(problems.iter().any(|p| p.contains("table 8..708")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("scrolls sideways")), "{problems:?}");
    assert!(
        !problems.iter().any(|p| p.contains("900")),
        "the scrolling box holds its table: {problems:?}"
    );
}
