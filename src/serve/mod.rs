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
//!
//! The parts: `builds` (one build at a time), `watcher` (which changes
//! trigger one), `http` (the request handlers) and `inject` (the script
//! and overlay added to pages).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::civil::Date;
use tokio::sync::{Notify, watch};

use crate::cli::{self, Ui};
use crate::command;
use crate::month::Month;
use crate::progress::{Colour, paint};

mod builds;
mod http;
mod inject;
mod watcher;

use builds::{Builder, rebuild};
use http::App;
use watcher::Watcher;

/// The server-sent events stream that served pages listen to.
pub const EVENTS: &str = "/__casebook/events";

/// Marks the injected reload script (and lets tests find it).
pub const RELOAD_ID: &str = "casebook-serve-reload";

/// Marks the injected error overlay.
pub const OVERLAY_ID: &str = "casebook-serve-error";
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
    /// ProjectCounts finished builds, failed or not: a page reloads when it changes.
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
    let (listener, addr) = listen(opts.port).await?;
    check_project(&opts)?;
    let (stop_rx, stop_build) = stop_on_signal();
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
    let mut server = tokio::spawn(http::server(listener, addr.port(), app, stop_rx.clone()));

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

/// The listener on 127.0.0.1:`port`, and the address it got.
async fn listen(port: u16) -> Result<(tokio::net::TcpListener, SocketAddr), u8> {
    let listener = match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
        Ok(l) => l,
        Err(e) => {
            cli::print_failure(&format!(
                "cannot listen on 127.0.0.1:{port}: {e} (pass --port 0 for any free port)"
            ));
            return Err(FAILED);
        }
    };
    let addr = listener.local_addr().map_err(|e| {
        cli::print_failure(&format!("cannot listen: {e}"));
        FAILED
    })?;
    Ok((listener, addr))
}

/// Checks what can be checked before the first build: the project folder,
/// the output folder and the month.
fn check_project(opts: &ServeOptions) -> Result<(), u8> {
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
    Ok(())
}

/// Ctrl-C (or SIGTERM) asks everything to stop, a running build too (it
/// ends at its next client and removes its unfinished folder); a second
/// one stops at once. Returns the stop signal for the server and the build
/// loop, and the flag a running build reads.
fn stop_on_signal() -> (watch::Receiver<bool>, Arc<AtomicBool>) {
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
    (stop_rx, stop_build)
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
