//! A headless Chromium, Chrome or Edge driven over the DevTools protocol:
//! one browser process, one tab, any number of pages printed to PDF.
//!
//! The protocol runs over a WebSocket on 127.0.0.1 (the browser is started
//! with `--remote-debugging-port=0` and writes the port it chose into its
//! profile folder as `DevToolsActivePort`). The few commands needed
//! (`Target.createTarget`, `Target.attachToTarget`, `Page.enable`,
//! `Page.navigate`, `Page.printToPDF`, `Browser.close`) and a minimal
//! WebSocket client (RFC 6455: masked text frames out, fragmented frames,
//! ping and close in) are written here: a client crate such as
//! chromiumoxide brings 120 crates and about 160 s of CPU to a debug build
//! for these six commands.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long the browser may take to start, and one page to load or print.
const START_TIMEOUT: Duration = Duration::from_secs(60);
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);

/// Program names looked for on `PATH`, in order.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
];

/// Where browsers are installed outside `PATH` (macOS, Windows).
const KNOWN_PLACES: &[&str] = &[
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
];

/// The browser to use: `asked` (`--browser`), else `CASEBOOK_BROWSER`, else
/// the first of `chromium`, `google-chrome`, `msedge` and their usual names
/// on `PATH`, else a usual install place. An asked
/// browser that does not exist is an error, not a fallback.
pub fn find_browser(asked: Option<&Path>) -> Result<PathBuf, String> {
    let env = std::env::var_os("CASEBOOK_BROWSER").filter(|v| !v.is_empty());
    if let Some(p) = asked.map(Path::to_path_buf).or(env.map(PathBuf::from)) {
        return if p.is_file() {
            Ok(p)
        } else {
            match search_path(&p.to_string_lossy()) {
                Some(found) => Ok(found),
                None => Err(format!(
                    "browser {} not found (from --browser or CASEBOOK_BROWSER)",
                    p.display()
                )),
            }
        };
    }
    NAMES
        .iter()
        .find_map(|n| search_path(n))
        .or_else(|| KNOWN_PLACES.iter().map(PathBuf::from).find(|p| p.is_file()))
        .ok_or_else(|| {
            "no Chromium, Chrome or Edge found; install one (Debian/Ubuntu: `sudo apt install chromium`; \
             macOS: Google Chrome from google.com/chrome), or name it with --browser PATH or CASEBOOK_BROWSER"
                .to_string()
        })
}

/// `name` as found on `PATH` (a bare program name only).
fn search_path(name: &str) -> Option<PathBuf> {
    if name.contains(['/', '\\']) {
        return None;
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).find_map(|dir| {
        let exe = dir.join(name);
        let windows = dir.join(format!("{name}.exe"));
        [exe, windows].into_iter().find(|p| p.is_file())
    })
}

/// A running browser with one tab attached.
pub struct Browser {
    child: Child,
    profile: PathBuf,
    socket: WebSocket,
    session: String,
    next_id: u64,
    /// Events received while waiting for something else.
    events: Vec<Value>,
}

/// Whether this process runs as root (Chromium's sandbox refuses root).
#[cfg(target_os = "linux")]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(not(target_os = "linux"))]
fn running_as_root() -> bool {
    false
}

impl Browser {
    /// Starts `program` headless with a fresh profile and attaches to a tab.
    pub fn start(program: &Path) -> io::Result<Browser> {
        let profile = std::env::temp_dir().join(format!(
            "casebook-pdf-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&profile)?;
        let mut cmd = Command::new(program);
        cmd.args([
            "--headless",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            "--hide-scrollbars",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
        if running_as_root() {
            cmd.arg("--no-sandbox");
        }
        let log = std::fs::File::create(profile.join("casebook-browser.log"))?;
        let child = cmd
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot start {}: {e}", program.display()),
                ));
            }
        };
        let mut starting = Starting {
            child: Some(child),
            profile: profile.clone(),
        };
        let (port, path) = starting.wait_for_port()?;
        let socket = WebSocket::connect(port, &path)?;
        let mut browser = Browser {
            child: starting.child.take().expect("the child is kept until here"),
            profile,
            socket,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].as_str().unwrap_or_default().to_string();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        browser.session = attached["sessionId"].as_str().unwrap_or_default().to_string();
        browser.call("Page.enable", json!({}))?;
        Ok(browser)
    }

    /// Sends a command (to the tab once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> io::Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket.send(&message.to_string())?;
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let v = self.receive(deadline)?;
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    return Err(io::Error::other(format!(
                        "{method}: {}",
                        e["message"].as_str().unwrap_or("error")
                    )));
                }
                return Ok(v["result"].clone());
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    fn receive(&mut self, deadline: Instant) -> io::Result<Value> {
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the browser did not answer in time",
            ));
        }
        let text = self.socket.receive()?;
        serde_json::from_str(&text).map_err(io::Error::other)
    }

    /// Waits for the event `method` of the tab.
    fn wait_event(&mut self, method: &str) -> io::Result<()> {
        let ours = |v: &Value, session: &str| v["method"] == method && v["sessionId"].as_str() == Some(session);
        if let Some(i) = self.events.iter().position(|v| ours(v, &self.session)) {
            self.events.drain(..=i);
            return Ok(());
        }
        self.events.clear();
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let v = self.receive(deadline)?;
            if ours(&v, &self.session) {
                return Ok(());
            }
        }
    }

    /// Loads `url` in the tab and waits for its `load` event.
    pub fn open(&mut self, url: &str) -> io::Result<()> {
        self.events.clear();
        let nav = self.call("Page.navigate", json!({ "url": url }))?;
        if let Some(e) = nav.get("errorText").and_then(Value::as_str) {
            return Err(io::Error::other(format!("{url}: {e}")));
        }
        self.wait_event("Page.loadEventFired")
    }

    /// Lays pages out as a phone of `width` × `height` CSS pixels would
    /// (the page's viewport meta tag applies).
    pub fn phone(&mut self, width: u32, height: u32) -> io::Result<()> {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true }),
        )
        .map(|_| ())
    }

    /// The value of a JavaScript expression in the page.
    pub fn evaluate(&mut self, expression: &str) -> io::Result<Value> {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        )?;
        Ok(r["result"]["value"].clone())
    }

    /// A PNG of the page as laid out, `height` pixels tall at most.
    pub fn screenshot(&mut self) -> io::Result<Vec<u8>> {
        let r = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        )?;
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap_or_default())
            .map_err(io::Error::other)
    }

    /// Loads `page` (an HTML file) and prints it as an A4 PDF with page
    /// numbers in the footer; returns the PDF's bytes.
    pub fn print(&mut self, page: &Path) -> io::Result<Vec<u8>> {
        self.open(&file_url(page)?)?;
        let result = self.call(
            "Page.printToPDF",
            json!({
                "paperWidth": 8.27,
                "paperHeight": 11.69,
                "marginTop": 0.55,
                "marginBottom": 0.7,
                "marginLeft": 0.5,
                "marginRight": 0.5,
                // The page's own `@page` size and margins win where it has them.
                "preferCSSPageSize": true,
                "printBackground": true,
                "displayHeaderFooter": true,
                "headerTemplate": "<span></span>",
                "footerTemplate": "<div style=\"width:100%;text-align:center;font:8px sans-serif;color:#5b6478\"><span class=\"pageNumber\"></span> / <span class=\"totalPages\"></span></div>",
            }),
        )?;
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(result["data"].as_str().unwrap_or_default())
            .map_err(io::Error::other)
    }

    /// Closes the browser and removes its profile.
    pub fn close(mut self) {
        self.session.clear();
        let _ = self
            .socket
            .send(&json!({ "id": 0, "method": "Browser.close" }).to_string());
        self.stop();
    }

    fn stop(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}

/// A browser that has not answered yet: killed and cleaned up if starting fails.
struct Starting {
    child: Option<Child>,
    profile: PathBuf,
}

impl Starting {
    /// The DevTools port and WebSocket path, once the browser has written them.
    fn wait_for_port(&mut self) -> io::Result<(u16, String)> {
        let file = self.profile.join("DevToolsActivePort");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(text) = std::fs::read_to_string(&file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    if let Ok(port) = port.trim().parse() {
                        return Ok((port, path.trim().to_string()));
                    }
                }
            }
            let exited = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() > deadline {
                let log = std::fs::read_to_string(self.profile.join("casebook-browser.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(8).collect();
                let why = match exited {
                    Some(status) => format!("the browser exited ({status})"),
                    None => "the browser did not start in time".to_string(),
                };
                return Err(io::Error::other(format!(
                    "{why}; its last words:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Starting {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}

/// `file:///…` for a local file, percent-encoded.
fn file_url(path: &Path) -> io::Result<String> {
    let abs = std::fs::canonicalize(path)?;
    let text = abs.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("//?/").unwrap_or(&text);
    let encoded: String = percent_encoding::utf8_percent_encode(text, URL_PATH).to_string();
    Ok(if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    })
}

/// Characters escaped in a file URL's path.
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The client side of a WebSocket (RFC 6455) on 127.0.0.1: text messages
/// only, which is all the DevTools protocol sends.
struct WebSocket {
    stream: BufReader<TcpStream>,
}

impl WebSocket {
    fn connect(port: u16, path: &str) -> io::Result<WebSocket> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(PAGE_TIMEOUT))?;
        stream.set_nodelay(true)?;
        let mut w = stream.try_clone()?;
        // The key only proves the server speaks WebSocket; a fixed one is
        // allowed, and the browser is ours.
        write!(
            w,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: Y2FzZWJvb2stcGRmLWtleQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )?;
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status)?;
        if status.split_whitespace().nth(1) != Some("101") {
            return Err(io::Error::other(format!(
                "the browser refused the DevTools connection: {}",
                status.trim()
            )));
        }
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
        }
        Ok(WebSocket { stream: reader })
    }

    fn send(&mut self, text: &str) -> io::Result<()> {
        self.frame(0x1, text.as_bytes())
    }

    /// One masked frame (a client must mask what it sends).
    fn frame(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut out = Vec::with_capacity(payload.len() + 14);
        out.push(0x80 | opcode);
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n if n <= 0xffff => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x63, 0x62, 0x6b, 0x21];
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        let stream = self.stream.get_mut();
        stream.write_all(&out)?;
        stream.flush()
    }

    /// The next whole text message (fragments joined; pings answered).
    fn receive(&mut self) -> io::Result<String> {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.stream.read_exact(&mut head)?;
            let (fin, opcode) = (head[0] & 0x80 != 0, head[0] & 0x0f);
            let masked = head[1] & 0x80 != 0;
            let len = match head[1] & 0x7f {
                126 => {
                    let mut b = [0u8; 2];
                    self.stream.read_exact(&mut b)?;
                    u16::from_be_bytes(b) as u64
                }
                127 => {
                    let mut b = [0u8; 8];
                    self.stream.read_exact(&mut b)?;
                    u64::from_be_bytes(b)
                }
                n => n as u64,
            };
            let mut mask = [0u8; 4];
            if masked {
                self.stream.read_exact(&mut mask)?;
            }
            let mut payload = vec![0u8; usize::try_from(len).map_err(io::Error::other)?];
            self.stream.read_exact(&mut payload)?;
            if masked {
                for (i, b) in payload.iter_mut().enumerate() {
                    *b ^= mask[i % 4];
                }
            }
            match opcode {
                0x0..=0x2 => {
                    message.extend_from_slice(&payload);
                    if fin {
                        return String::from_utf8(message).map_err(io::Error::other);
                    }
                }
                0x8 => {
                    return Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "the browser closed the connection",
                    ));
                }
                0x9 => self.frame(0xA, &payload)?,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_absolute_and_encoded() {
        let dir = std::env::temp_dir().join("casebook pdf #test");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("レビュー.html");
        std::fs::write(&file, "x").unwrap();
        let url = file_url(&file).unwrap();
        assert!(url.starts_with("file:///"), "{url}");
        assert!(url.contains("casebook%20pdf%20%23test"), "{url}");
        assert!(!url.contains('#') && !url.contains(' '), "{url}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_asked_browser_that_is_missing_is_an_error() {
        let e = find_browser(Some(Path::new("/nonexistent/chrome"))).unwrap_err();
        assert!(e.contains("/nonexistent/chrome"), "{e}");
    }
}
