//! `casebook serve`: builds the site, serves it on 127.0.0.1, rebuilds it
//! when a file of the project changes and reloads the open browser pages.
//!
//! * Builds run one at a time on a blocking thread; a change during a build
//!   starts one more build after it (never two at once, never a queue).
//! * Browser pages learn about builds through server-sent events on
//!   [`EVENTS`]: the script that listens to them, and the overlay that shows
//!   the errors of a failed build, are added to HTML responses as they are
//!   served; the files on disk are never touched.
//! * A failed build leaves the last good site in place (see
//!   [`crate::output`]), so it stays served under the overlay.

use std::collections::{BTreeSet, HashSet};
use std::convert::Infallible;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use jiff::civil::Date;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::{Notify, watch};

use crate::build::{self, BuildOptions};
use crate::cli::{self, Ui};
use crate::command;
use crate::month::Month;
use crate::progress::{Colour, paint};

/// The server-sent events stream that served pages listen to.
pub const EVENTS: &str = "/__casebook/events";

/// Marks the injected reload script (and lets tests find it).
pub const RELOAD_ID: &str = "casebook-serve-reload";

/// Marks the injected error overlay.
pub const OVERLAY_ID: &str = "casebook-serve-error";

/// The folders watched recursively; `casebook.toml` is watched too.
const WATCHED_DIRS: [&str; 3] = ["data", "content", "templates"];

/// How long the watcher waits for a burst of changes (an editor's save,
/// a `git checkout`) to settle before a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Exit code for a server that could not start.
const FAILED: u8 = 1;

pub struct ServeOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the dashboard in the default browser once serving.
    pub open: bool,
    pub month: Option<Month>,
    /// The build date for consent expiry; `None`: the day of each build.
    pub today: Option<Date>,
}

/// What served pages need to know about the builds.
#[derive(Clone, Debug, Default)]
struct Status {
    /// Counts finished builds, failed or not: a page reloads when it changes.
    generation: u64,
    /// The errors of the last build, if it failed.
    error: Option<String>,
}

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(opts: ServeOptions, ui: Ui) -> Result<(), u8> {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            cli::print_failure(&format!("cannot start the server: {e}"));
            return Err(FAILED);
        }
    };
    let result = runtime.block_on(serve(opts, ui));
    // A build still running is left to finish on its own thread only this long.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

async fn serve(opts: ServeOptions, ui: Ui) -> Result<(), u8> {
    let listener = match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port))).await {
        Ok(l) => l,
        Err(e) => {
            cli::print_failure(&format!(
                "cannot listen on 127.0.0.1:{}: {e} (pass --port 0 for any free port)",
                opts.port
            ));
            return Err(FAILED);
        }
    };
    let addr = listener.local_addr().map_err(|e| {
        cli::print_failure(&format!("cannot listen: {e}"));
        FAILED
    })?;
    if !opts.root.is_dir() {
        cli::print_failure(&format!("{}: no such folder", opts.root.display()));
        return Err(FAILED);
    }
    // Never serve (nor build into) the project itself or a folder that
    // casebook did not make.
    cli::refuse_output(&opts.out, &opts.root)?;
    if let Err(e) = command::check_month(
        opts.month,
        opts.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
    ) {
        cli::print_failure(&e.to_string());
        return Err(FAILED);
    }
    // Ctrl-C (or SIGTERM) asks everything to stop, a running build too (it
    // ends at its next client and removes its unfinished folder); a second
    // one stops at once.
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_build = Arc::new(AtomicBool::new(false));
    let stop_flag = stop_build.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        stop_flag.store(true, Ordering::Relaxed);
        let _ = stop_tx.send(true);
        shutdown_signal().await;
        std::process::exit(130);
    });
    tokio::task::yield_now().await;
    let site = absolute(&opts.out);
    let builder = Arc::new(Builder {
        root: opts.root.clone(),
        out: opts.out.clone(),
        month: opts.month,
        today: opts.today,
        ui,
        stop: stop_build,
    });
    let (status_tx, status_rx) = watch::channel(Status::default());
    let status_tx = Arc::new(status_tx);
    let trigger = Arc::new(Notify::new());

    // Watch before the first build, so that an edit during it is not lost.
    let watcher = match Watcher::start(&opts.root, &site, trigger.clone(), ui) {
        Ok(w) => Some(Arc::new(w)),
        Err(e) => {
            warn(&format!("cannot watch {} for changes: {e}", opts.root.display()), ui);
            None
        }
    };
    rebuild(&builder, watcher.as_ref(), &status_tx, &[]).await;
    if *stop_rx.borrow() {
        if !ui.quiet {
            say("stopped");
        }
        return Ok(());
    }

    let app = Arc::new(App {
        site,
        status: status_rx,
        stop: stop_rx.clone(),
    });
    let router = Router::new()
        .route(EVENTS, get(events))
        .fallback(file)
        .layer(axum::middleware::from_fn_with_state(addr.port(), only_local_hosts))
        .with_state(app);
    let mut server_stop = stop_rx.clone();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = server_stop.wait_for(|s| *s).await;
    });
    let mut server = tokio::spawn(server.into_future());

    let url = format!("http://{addr}/internal/index.html");
    say(&format!("serving {url}"));
    if !ui.quiet {
        say("watching casebook.toml, data/, content/ and templates/; Ctrl-C stops");
    }
    if opts.open {
        open_browser(&url);
    }

    let build_loop = {
        let mut stop = stop_rx.clone();
        let trigger = trigger.clone();
        let status_tx = status_tx.clone();
        let watcher = watcher.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = trigger.notified() => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                let changed = watcher.as_ref().map(|w| w.take_changes()).unwrap_or_default();
                rebuild(&builder, watcher.as_ref(), &status_tx, &changed).await;
            }
        })
    };

    let mut stop = stop_rx.clone();
    tokio::select! {
        biased;
        _ = stop.wait_for(|s| *s) => {
            // Open event streams end with the stop; idle connections are closed.
            let _ = tokio::time::timeout(Duration::from_secs(3), server).await;
        }
        r = &mut server => {
            // The server stopped by itself: only an error does that.
            let message = match r {
                Ok(Err(e)) => e.to_string(),
                Ok(Ok(())) => "stopped".into(),
                Err(e) => e.to_string(),
            };
            cli::print_failure(&format!("the server stopped: {message}"));
            build_loop.abort();
            return Err(FAILED);
        }
    }
    // Let a build that is running finish, so that it leaves no half-written
    // folder behind; builds of a project take seconds at most.
    let _ = tokio::time::timeout(Duration::from_secs(30), build_loop).await;
    drop(watcher);
    if !ui.quiet {
        say("stopped");
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix. Never returns when no handler can be set up.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Runs one build on a blocking thread and publishes its outcome.
async fn rebuild(
    builder: &Arc<Builder>,
    watcher: Option<&Arc<Watcher>>,
    status: &watch::Sender<Status>,
    changed: &[String],
) {
    let ui = builder.ui;
    if !changed.is_empty() && !ui.quiet {
        let mut list = changed.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
        if changed.len() > 3 {
            list.push_str(&format!(" and {} more", changed.len() - 3));
        }
        say(&format!("changed: {list}"));
    }
    let task = {
        let builder = builder.clone();
        let watcher = watcher.cloned();
        tokio::task::spawn_blocking(move || {
            // A watched folder created (or re-created) since the last build
            // gets its watch now.
            if let Some(w) = &watcher {
                w.refresh();
            }
            builder.build_once()
        })
    };
    let outcome = task
        .await
        .unwrap_or_else(|e| Err(format!("the build stopped unexpectedly: {e}")));
    match &outcome {
        Ok(summary) => {
            if !ui.quiet {
                say(&summary.to_string());
            }
        }
        // Stopped by Ctrl-C: nothing failed.
        Err(_) if builder.stop.load(Ordering::Relaxed) => {}
        Err(errors) => {
            let mut err = std::io::stderr().lock();
            for line in errors.lines() {
                let _ = writeln!(err, "{line}");
            }
            drop(err);
            cli::print_failure("the build failed; the last good site is still served, with the errors over every page");
        }
    }
    status.send_modify(|s| {
        s.generation += 1;
        s.error = outcome.err();
    });
}

/// Everything a build needs, shared with the blocking thread.
struct Builder {
    root: PathBuf,
    out: PathBuf,
    month: Option<Month>,
    today: Option<Date>,
    ui: Ui,
    /// Set on Ctrl-C: the running build stops (see [`BuildOptions::stop`]).
    stop: Arc<AtomicBool>,
}

impl Builder {
    /// Loads and builds the project: a line for the terminal, or the errors.
    fn build_once(&self) -> Result<String, String> {
        let started = Instant::now();
        let loaded = build::load_project(&self.root, self.ui.cache);
        let mut diags = loaded.diagnostics;
        let result = match loaded.project {
            None => Err(build::problems(&diags)),
            Some(project) => {
                let opts = BuildOptions {
                    root: self.root.clone(),
                    out: self.out.clone(),
                    month: self.month,
                    today: self.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
                    archive: false,
                    jobs: None,
                    incremental: self.ui.cache,
                    progress: !self.ui.quiet,
                    stop: Some(self.stop.clone()),
                    // Served together with the private site, whatever
                    // `[public] out` says.
                    base_url: None,
                    public_out: Some(self.out.join("public")),
                };
                build::build_project(&project, &opts, &mut diags)
                    .map(|s| {
                        use crate::format::count_of;
                        let mut line = format!(
                            "built as of {} in {} ms: {} ({}), {}",
                            s.as_of,
                            started.elapsed().as_millis(),
                            count_of(s.internal_pages, "internal page", "internal pages"),
                            count_of(s.reports, "report", "reports"),
                            count_of(s.stories, "public story", "public stories")
                        );
                        if self.ui.verbose {
                            for (stage, took) in &s.timings {
                                line.push_str(&format!("\n  {stage:<28} {:>8.1} ms", took.as_secs_f64() * 1000.0));
                            }
                        }
                        line
                    })
                    .map_err(|e| e.to_string())
            }
        };
        cli::print_warnings(&diags, self.ui);
        result
    }
}

/// The file watcher: the project's folders and `casebook.toml`, debounced.
struct Watcher {
    root: PathBuf,
    debouncer: Mutex<Debouncer<notify::RecommendedWatcher, RecommendedCache>>,
    /// Watched folders, by name.
    watched: Mutex<HashSet<&'static str>>,
    /// Watched folders that were created, moved or removed since: their
    /// watch may be stale.
    stale: Arc<Mutex<HashSet<&'static str>>>,
    /// Changed files (relative to the root) since the last build started.
    changes: Arc<Mutex<BTreeSet<String>>>,
}

impl Watcher {
    fn start(root: &Path, site: &Path, trigger: Arc<Notify>, ui: Ui) -> Result<Watcher, String> {
        let root = absolute(root);
        let stale = Arc::new(Mutex::new(HashSet::new()));
        let changes = Arc::new(Mutex::new(BTreeSet::new()));
        let filter = Filter {
            root: root.clone(),
            site: site.to_path_buf(),
        };
        let handler = {
            let stale = stale.clone();
            let changes = changes.clone();
            move |result: DebounceEventResult| match result {
                Ok(events) => {
                    let mut any = false;
                    for event in &events {
                        if matches!(event.kind, EventKind::Access(_)) {
                            continue;
                        }
                        if event.need_rescan() {
                            any = true;
                        }
                        for path in &event.paths {
                            let Some(rel) = filter.relevant(path) else {
                                continue;
                            };
                            if let Some(dir) = WATCHED_DIRS.iter().find(|d| Path::new(d) == rel) {
                                lock(&stale).insert(*dir);
                            }
                            lock(&changes).insert(rel.to_string_lossy().replace('\\', "/"));
                            any = true;
                        }
                    }
                    if any {
                        trigger.notify_one();
                    }
                }
                Err(errors) => {
                    for e in errors {
                        warn(&format!("watching for changes: {e}"), ui);
                    }
                }
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler).map_err(|e| e.to_string())?;
        // The root itself, not recursively: casebook.toml (an editor may
        // replace the file, which a watch on the file would not survive) and
        // the watched folders appearing or going.
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("{}: {e}", root.display()))?;
        let watcher = Watcher {
            root,
            debouncer: Mutex::new(debouncer),
            watched: Mutex::new(HashSet::new()),
            stale,
            changes,
        };
        watcher.refresh();
        Ok(watcher)
    }

    /// Watches the folders that exist and are not watched yet, and renews
    /// the watch of those that were re-created.
    fn refresh(&self) {
        let stale: Vec<&'static str> = lock(&self.stale).drain().collect();
        let mut watched = lock(&self.watched);
        let mut debouncer = lock(&self.debouncer);
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if watched.contains(dir) && stale.contains(&dir) {
                let _ = debouncer.unwatch(&path);
                watched.remove(dir);
            }
            if !watched.contains(dir) && path.is_dir() && debouncer.watch(&path, RecursiveMode::Recursive).is_ok() {
                watched.insert(dir);
            }
        }
    }

    /// The changed files noted since the last call.
    fn take_changes(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.changes)).into_iter().collect()
    }
}

/// Which changed paths matter to a build.
struct Filter {
    root: PathBuf,
    site: PathBuf,
}

impl Filter {
    /// The path relative to the root when a build reads it: casebook.toml
    /// and what is inside data/, content/ and templates/, less editors'
    /// swap and backup files and the output folder.
    fn relevant<'a>(&self, path: &'a Path) -> Option<&'a Path> {
        if path.starts_with(&self.site) {
            return None;
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut parts = rel.components();
        let first = parts.next()?.as_os_str().to_str()?;
        let nested = parts.next().is_some();
        let wanted = match first {
            "casebook.toml" => !nested,
            d => WATCHED_DIRS.contains(&d),
        };
        let name = rel.file_name()?.to_string_lossy();
        let scratch = name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913";
        (wanted && !scratch).then_some(rel)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An absolute path, through symlinks when it exists (file events name
/// paths the way the watch was set up).
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // A folder not built yet: resolve its parent.
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent().and_then(|p| p.canonicalize().ok()), abs.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => abs,
    }
}

/// State shared by the request handlers.
struct App {
    /// The output folder (absolute).
    site: PathBuf,
    status: watch::Receiver<Status>,
    stop: watch::Receiver<bool>,
}

/// Whether a request's `Host` header names this server on the loopback
/// address: `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT`. A page of
/// another site that a rebinding DNS points at 127.0.0.1 sends its own
/// name, and must not read the private dashboard.
fn local_host(host: Option<&HeaderValue>, port: u16) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    p == port.to_string() && (name == "127.0.0.1" || name == "[::1]" || name.eq_ignore_ascii_case("localhost"))
}

/// Answers 403 to every request whose `Host` is not [`local_host`].
async fn only_local_hosts(
    State(port): State<u16>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if local_host(request.headers().get(header::HOST), port) {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            format!("casebook serve answers only http://127.0.0.1:{port}/ and http://localhost:{port}/\n"),
        )
            .into_response()
    }
}

/// Server-sent events: `build` with the build generation, at once and after
/// every build. A page reloads when it differs from the one it was served at.
async fn events(State(app): State<Arc<App>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let start = (app.status.clone(), app.stop.clone(), true);
    let stream = futures_util::stream::unfold(start, |(mut status, mut stop, first)| async move {
        if !first {
            tokio::select! {
                changed = status.changed() => changed.ok()?,
                _ = stop.wait_for(|s| *s) => return None,
            }
        }
        let generation = status.borrow_and_update().generation;
        let event = Event::default().event("build").data(generation.to_string());
        Some((Ok(event), (status, stop, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Serves a file of the site; HTML gets the reload script and, after a
/// failed build, the error overlay.
async fn file(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    let Some(rel) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    };
    let status = app.status.borrow().clone();
    let with_query = |path: String| match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    if rel.as_os_str().is_empty() && !app.site.join("index.html").is_file() {
        return redirect(&with_query("/internal/".into()));
    }
    let mut path = app.site.join(&rel);
    // The site folder is swapped for a new one at the end of a build: a file
    // looked up at that moment is not found for a few microseconds.
    let mut meta = tokio::fs::metadata(&path).await;
    for _ in 0..20 {
        if meta.is_ok() || app.site.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        meta = tokio::fs::metadata(&path).await;
    }
    if meta.as_ref().is_ok_and(|m| m.is_dir()) {
        if !uri.path().ends_with('/') {
            return redirect(&with_query(format!("{}/", uri.path())));
        }
        path.push("index.html");
    }
    let Some(bytes) = read_inside(&app.site, &path).await else {
        return not_found(uri.path(), &status);
    };
    let kind = content_type(&path);
    let body = if kind.starts_with("text/html") {
        inject(bytes, &status)
    } else {
        bytes
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// Reads `path` when it is a file that really lies inside `site` (no
/// symbolic link out of it).
async fn read_inside(site: &Path, path: &Path) -> Option<Vec<u8>> {
    let real = tokio::fs::canonicalize(path).await.ok()?;
    let site = tokio::fs::canonicalize(site).await.ok()?;
    if !real.starts_with(&site) {
        return None;
    }
    tokio::fs::read(&real).await.ok()
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "bad path\n").into_response(),
    }
}

fn not_found(path: &str, status: &Status) -> Response {
    let page = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body style=\"font-family:system-ui,sans-serif;margin:2rem\">\n<h1>Not found</h1>\n<p><code>{}</code> is not in the site.</p>\n<p><a href=\"/internal/index.html\">Dashboard</a> · <a href=\"/public/index.html\">Public site</a></p>\n</body></html>\n",
        crate::charts::escape(path)
    );
    let mut response = Response::new(Body::from(inject(page.into_bytes(), status)));
    *response.status_mut() = StatusCode::NOT_FOUND;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The site-relative path a URL path names, percent-decoded; `None` when a
/// segment would leave the site (`..`, an encoded separator, a drive).
fn site_path(url_path: &str) -> Option<PathBuf> {
    let mut rel = PathBuf::new();
    for raw in url_path.split('/') {
        let segment = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
        match &*segment {
            "" | "." => continue,
            s if s.contains(['/', '\\', ':', '\0']) => return None,
            s => {
                let mut parts = Path::new(s).components();
                match (parts.next(), parts.next()) {
                    (Some(Component::Normal(_)), None) => rel.push(s),
                    _ => return None,
                }
            }
        }
    }
    Some(rel)
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "js" => "text/javascript; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script, and the overlay after a failed build, before
/// the last `</body>` of a page (at its end when it has none).
fn inject(mut html: Vec<u8>, status: &Status) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(errors) = &status.error {
        extra.push_str(&overlay(errors));
    }
    extra.push_str(&reload_script(status.generation));
    let at = rfind_ignore_case(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, extra.into_bytes());
    html
}

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn reload_script(generation: u64) -> String {
    format!(
        "<script id=\"{RELOAD_ID}\">(function(){{var built=\"{generation}\";\
         if(!window.EventSource)return;var s=new EventSource(\"{EVENTS}\");\
         s.addEventListener(\"build\",function(e){{if(e.data!==built){{s.close();location.reload();}}}});}})();</script>\n"
    )
}

fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;max-height:85vh;overflow:auto;\
         z-index:2147483647;box-sizing:border-box;padding:1rem 1.5rem;background:#fff4f4;color:#5c0b0b;\
         border-bottom:4px solid #c62828;box-shadow:0 6px 24px rgba(0,0,0,.25);font:14px/1.5 system-ui,sans-serif;text-align:left\">\
         <button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"Hide\" style=\"float:right;font:inherit;\
         border:1px solid #c62828;background:#fff;color:#5c0b0b;border-radius:4px;cursor:pointer\">Hide</button>\
         <strong>casebook: the last build failed.</strong> This page is from the last good build; \
         it reloads when the files are fixed.\
         <pre style=\"margin:.75rem 0 0;white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace\">{}</pre></div>\n",
        crate::charts::escape(errors.trim_end())
    )
}

/// Opens `url` in the default browser; a failure only costs the user a click.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Ok(mut child) = command.spawn() {
        std::thread::spawn(move || {
            let _ = child.wait();
        });
    }
}

/// A line on stdout; a closed stdout is not worth stopping the server for.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn warn(message: &str, ui: Ui) {
    if !ui.quiet {
        eprintln!("{}", paint(&format!("warning: {message}"), Colour::Yellow));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_stay_inside_the_site() {
        assert_eq!(site_path("/").unwrap(), PathBuf::new());
        assert_eq!(
            site_path("/internal/clients/a%20b/2026-10.html").unwrap(),
            Path::new("internal/clients/a b/2026-10.html")
        );
        assert_eq!(
            site_path("/internal/./index.html").unwrap(),
            Path::new("internal/index.html")
        );
        for bad in [
            "/../casebook.toml",
            "/internal/../../casebook.toml",
            "/%2e%2e/casebook.toml",
            "/internal/..%2f..%2fcasebook.toml",
            "/internal/%2Fetc%2Fpasswd",
            "/..%5c..%5ccasebook.toml",
            "/c:/windows",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let status = Status {
            generation: 7,
            error: Some("data/x.csv:2:1: bad <date> & \"more\"".into()),
        };
        let html = inject(b"<html><body><p>x</p></BODY></html>".to_vec(), &status);
        let html = String::from_utf8(html).unwrap();
        let script = html.find(RELOAD_ID).unwrap();
        let overlay = html.find(OVERLAY_ID).unwrap();
        assert!(overlay < script && script < html.find("</BODY>").unwrap());
        assert!(html.contains("var built=\"7\""));
        assert!(html.contains("data/x.csv:2:1: bad &lt;date&gt; &amp; &quot;more&quot;"));
        assert!(html.ends_with("</BODY></html>"));

        let plain = inject(b"no body".to_vec(), &Status::default());
        let plain = String::from_utf8(plain).unwrap();
        assert!(plain.starts_with("no body<script"));
        assert!(!plain.contains(OVERLAY_ID));
    }

    #[test]
    fn only_project_inputs_trigger_builds() {
        let f = Filter {
            root: PathBuf::from("/p"),
            site: PathBuf::from("/p/site"),
        };
        for yes in [
            "/p/casebook.toml",
            "/p/data/clients/a/invoices.csv",
            "/p/content/clients/a/notes/2026-10.md",
            "/p/templates/report.html",
            "/p/data",
        ] {
            assert!(f.relevant(Path::new(yes)).is_some(), "{yes}");
        }
        for no in [
            "/p/site/internal/index.html",
            "/p/.site.building-12/x.html",
            "/p/README.md",
            "/p/content/clients/a/notes/.2026-10.md.swp",
            "/p/content/clients/a/notes/2026-10.md~",
            "/p/content/clients/a/notes/4913",
            "/p/casebook.toml.bak",
            "/elsewhere/casebook.toml",
        ] {
            assert!(f.relevant(Path::new(no)).is_none(), "{no}");
        }
    }

    #[test]
    fn only_loopback_host_names_with_the_port_are_answered() {
        let host = |h: &str| local_host(Some(&HeaderValue::from_str(h).unwrap()), 8000);
        for ok in ["127.0.0.1:8000", "localhost:8000", "LocalHost:8000", "[::1]:8000"] {
            assert!(host(ok), "{ok}");
        }
        for bad in [
            "evil.example:8000",
            "evil.example",
            "127.0.0.1",
            "localhost",
            "127.0.0.1:8001",
            "localhost.:8000",
            "127.0.0.2:8000",
            "0.0.0.0:8000",
            "[::1]",
            "localhost:8000.evil.example",
            "127.0.0.1:8000:8000",
            "",
        ] {
            assert!(!host(bad), "{bad}");
        }
        assert!(!local_host(None, 8000));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/index.html")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("assets/style.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("c.SVG")), "image/svg+xml");
        assert_eq!(content_type(Path::new("feed.xml")), "application/xml; charset=utf-8");
        assert_eq!(content_type(Path::new("metrics.json")), "application/json");
    }
}
