//! `casebook serve` end to end: a real server on a free port of 127.0.0.1,
//! fetched with a minimal HTTP/1.1 client, while the test edits the project.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REPORT: &str = "/internal/clients/hinode-foods/2026-10.html";
const NOTE: &str = "content/clients/hinode-foods/notes/2026-10.md";
const INVOICES: &str = "data/clients/hinode-foods/invoices.csv";
const RELOAD: &str = "casebook-serve-reload";
const OVERLAY: &str = "casebook-serve-error";

/// How long a change may take to be served.
const CHANGE_SERVED: Duration = Duration::from_secs(10);

/// A running `casebook serve`, killed when dropped (also when a test fails).
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
    stderr: Arc<Mutex<String>>,
}

/// `casebook serve` on any free port, with both output pipes to read.
fn spawn_serve(root: &Path, today: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0", "--today", today])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_COLOR", "1")
        .spawn()
        .expect("casebook serve starts")
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = spawn_serve(root, "2026-11-25");
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let mut server = Server {
            child,
            addr: String::new(),
            stderr: Arc::new(Mutex::new(String::new())),
        };
        // Both pipes are drained for the whole run, so the server never
        // blocks on a full pipe.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let sink = server.stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no URL printed; stderr:\n{}", server.stderr()));
            if let Some(url) = line.strip_prefix("serving ") {
                let rest = url.strip_prefix("http://127.0.0.1:").expect("served on 127.0.0.1");
                assert!(rest.ends_with("/internal/index.html"), "{url}");
                let port = rest.split('/').next().unwrap();
                assert_ne!(port, "0");
                server.addr = format!("127.0.0.1:{port}");
                break;
            }
        }
        // Keep draining stdout.
        std::thread::spawn(move || while rx.recv().is_ok() {});
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// GET `path`: (status, headers, body).
    fn get(&self, path: &str) -> (u16, String, String) {
        self.get_with(path, &format!("Host: {}\r\n", self.addr))
    }

    /// GET `path` with the header lines `headers` (each ending in CRLF).
    fn get_with(&self, path: &str, headers: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("response");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response");
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    /// GETs `path` until `ok` holds for its body, or panics after `within`.
    fn wait_for(&self, path: &str, within: Duration, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let (status, _, body) = self.get(path);
            if ok(status, &body) {
                return body;
            }
            if Instant::now() > deadline {
                panic!("{what}: not served within {within:?}; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("casebook serve stderr:\n{}", self.stderr());
        }
    }
}

/// The `<main>` of a page (what the report shows, without what serve adds).
fn main_part(html: &str) -> &str {
    let start = html.find("<main").expect("<main>");
    let end = html.find("</main>").expect("</main>");
    &html[start..end]
}

/// Reads server-sent events until `needle` has arrived.
fn read_events_until(stream: &mut TcpStream, seen: &mut String, needle: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    while !seen.contains(needle) {
        if Instant::now() > deadline {
            return false;
        }
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(e) => panic!("event stream: {e}"),
        }
    }
    true
}

#[test]
fn an_edited_note_is_served_and_open_pages_are_told_to_reload() {
    let project = crate::common::copy_project(&crate::common::repo());
    let root = project.path();
    let server = Server::start(root);

    let (status, headers, before) = server.get(REPORT);
    assert_eq!(status, 200);
    assert!(headers.contains("content-type: text/html; charset=utf-8"), "{headers}");
    assert!(before.contains(RELOAD), "the served page carries the reload script");
    assert!(!before.contains(OVERLAY));
    let on_disk = root.join("site").join(REPORT.trim_start_matches('/'));
    let file = fs::read_to_string(&on_disk).unwrap();
    assert!(
        !file.contains(RELOAD) && !file.contains("__casebook"),
        "built files are never touched"
    );

    // An open page listens to the build events: the current build at once.
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    write!(
        events,
        "GET /__casebook/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut seen = String::new();
    assert!(
        read_events_until(
            &mut events,
            &mut seen,
            "event: build\ndata: 1\n",
            Duration::from_secs(10)
        ),
        "{seen}"
    );
    assert!(
        seen.to_ascii_lowercase().contains("content-type: text/event-stream"),
        "{seen}"
    );

    let sentence = "Kenji will bring the winter sales sheet to the zebra-7f3 meeting.";
    let mut note = fs::read_to_string(root.join(NOTE)).unwrap();
    assert!(!note.contains(sentence));
    note.push_str(&format!("\n{sentence}\n"));
    fs::write(root.join(NOTE), note).unwrap();

    let after = server.wait_for(REPORT, CHANGE_SERVED, "the edited note", |status, body| {
        status == 200 && body.contains(sentence)
    });
    assert!(after.contains(RELOAD));
    assert!(
        read_events_until(&mut events, &mut seen, "data: 2\n", CHANGE_SERVED),
        "open pages are told about the new build: {seen}"
    );
    let file = fs::read_to_string(&on_disk).unwrap();
    assert!(file.contains(sentence), "the site on disk is rebuilt too");
    assert!(!file.contains(RELOAD) && !file.contains("__casebook"));
    assert!(!server.stderr().contains("error"), "{}", server.stderr());
}

#[test]
fn a_broken_csv_shows_an_overlay_over_the_last_good_site_until_it_is_fixed() {
    let project = crate::common::copy_project(&crate::common::repo());
    let root = project.path();
    let server = Server::start(root);
    let (status, _, good) = server.get(REPORT);
    assert_eq!(status, 200);
    assert!(!good.contains(OVERLAY));
    let on_disk = root.join("site").join(REPORT.trim_start_matches('/'));
    let file_before = fs::read(&on_disk).unwrap();

    let csv_path = root.join(INVOICES);
    let original = fs::read_to_string(&csv_path).unwrap();
    assert!(original.ends_with('\n'));
    fs::write(
        &csv_path,
        format!("{original}2026-13-45,600000,Performance ads,,a date that does not exist\n"),
    )
    .unwrap();

    let broken = server.wait_for(REPORT, CHANGE_SERVED, "the error overlay", |status, body| {
        status == 200 && body.contains(OVERLAY)
    });
    let overlay = &broken[broken.find(OVERLAY).unwrap()..];
    assert!(overlay.contains(INVOICES), "the overlay names the file: {overlay}");
    assert!(overlay.contains("2026-13-45"), "{overlay}");
    assert_eq!(
        main_part(&broken),
        main_part(&good),
        "the last good report stays served"
    );
    assert!(broken.contains(RELOAD), "the page reloads once the file is fixed");
    assert_eq!(
        fs::read(&on_disk).unwrap(),
        file_before,
        "the site on disk is left as it was"
    );
    assert!(server.stderr().contains(INVOICES), "the terminal shows the errors too");
    // Every page shows it, not only the one that was open.
    let (_, _, dashboard) = server.get("/internal/index.html");
    assert!(dashboard.contains(OVERLAY));

    fs::write(&csv_path, &original).unwrap();
    let fixed = server.wait_for(REPORT, CHANGE_SERVED, "the fixed site", |status, body| {
        status == 200 && !body.contains(OVERLAY)
    });
    assert_eq!(main_part(&fixed), main_part(&good));
    assert!(fixed.contains(RELOAD));
}

#[test]
fn only_files_of_the_site_are_served() {
    let project = crate::common::copy_project(&crate::common::repo());
    let root = project.path();
    let server = Server::start(root);
    let settings = fs::read_to_string(root.join("casebook.toml")).unwrap();
    let secret_line = settings.lines().find(|l| !l.trim().is_empty()).unwrap().to_string();

    for path in [
        "/../casebook.toml",
        "/internal/../../casebook.toml",
        "/%2e%2e/casebook.toml",
        "/%2E%2E/%2E%2E/casebook.toml",
        "/internal/..%2f..%2fcasebook.toml",
        "/internal/..%5c..%5ccasebook.toml",
        "/..%2fcasebook.toml",
    ] {
        let (status, _, body) = server.get(path);
        assert_ne!(status, 200, "{path}");
        assert!(!body.contains(&secret_line), "{path} must not serve the settings");
    }

    // A directory serves its index.html; without the slash it redirects.
    let (status, _, body) = server.get("/public/");
    assert_eq!(status, 200);
    assert!(body.contains(RELOAD));
    let (status, headers, _) = server.get("/public");
    assert_eq!(status, 307);
    assert!(headers.contains("location: /public/"), "{headers}");
    let (status, headers, _) = server.get("/");
    assert_eq!(status, 307);
    assert!(headers.contains("location: /internal/"), "{headers}");

    for (path, kind) in [
        ("/public/assets/style.css", "text/css"),
        ("/public/feed.xml", "application/xml"),
        ("/internal/metrics.json", "application/json"),
    ] {
        let (status, headers, body) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(headers.contains(&format!("content-type: {kind}")), "{path}: {headers}");
        assert!(!body.contains(RELOAD), "{path}: only HTML gets the script");
        let file = fs::read_to_string(root.join("site").join(path.trim_start_matches('/'))).unwrap();
        assert_eq!(body, file, "{path}");
    }

    let (status, _, body) = server.get("/internal/clients/no-such-client/");
    assert_eq!(status, 404);
    assert!(body.contains(RELOAD), "a missing page reloads once it is built");
}

/// DNS rebinding: a page of another site whose name a hostile DNS points at
/// 127.0.0.1 sends its own name as `Host`, and gets nothing.
#[test]
fn only_requests_for_the_loopback_names_are_answered() {
    let project = crate::common::copy_project(&crate::common::repo());
    let server = Server::start(project.path());
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _, body) = server.get_with(REPORT, &format!("Host: {host}\r\n"));
        assert_eq!(status, 200, "{host}");
        assert!(body.contains("Hinode"), "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_string(),
        "localhost".to_string(),
        format!("127.0.0.1:{}", port.parse::<u32>().unwrap() + 1),
    ] {
        for path in [REPORT, "/internal/metrics.json", "/__casebook/events", "/"] {
            let (status, _, body) = server.get_with(path, &format!("Host: {host}\r\n"));
            assert_eq!(status, 403, "{host} {path}");
            assert!(
                !body.contains("Hinode") && !body.contains(RELOAD),
                "{host} {path}: {body}"
            );
        }
    }
    // No Host at all (HTTP/1.1 requires one).
    let (status, _, _) = server.get_with("/internal/metrics.json", "");
    assert!(status == 403 || status == 400, "{status}");
}

/// Ctrl-C while the first build runs stops that build at its next client:
/// serve exits cleanly, the build never finishes, and its unfinished folder
/// is removed.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_running_build_and_leaves_no_half_written_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("big");
    let status = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["-q", "demo-data", "--clients", "1500", "--out"])
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = spawn_serve(&root, "2026-11-01");
    let drain = |pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(pipe).read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let building = |root: &Path| {
        fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".site.building-"))
            .collect::<Vec<_>>()
    };
    // Wait until the build writes pages (a hang guard, not a speed check).
    let deadline = Instant::now() + Duration::from_secs(120);
    while building(&root).is_empty() {
        assert!(child.try_wait().unwrap().is_none(), "serve ended before building");
        assert!(Instant::now() < deadline, "the build never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let code = child.wait().unwrap();
    let (out, err) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(code.success(), "exit {code:?}\n{out}\n{err}");
    assert!(
        !out.contains("built as of"),
        "the build was stopped, not finished:\n{out}"
    );
    assert!(!root.join("site").exists(), "nothing was published");
    assert_eq!(
        building(&root),
        Vec::<String>::new(),
        "the unfinished folder is removed"
    );
    assert!(!err.contains("error"), "{err}");
}
