//! The request handlers: files of the site (HTML with the reload script),
//! the build events, and the check of the `Host` header.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::watch;

use super::inject::inject;
use super::{EVENTS, Status};

/// State shared by the request handlers.
pub(super) struct App {
    /// The output folder (absolute).
    pub(super) site: PathBuf,
    pub(super) status: watch::Receiver<Status>,
    pub(super) stop: watch::Receiver<bool>,
}
/// Serves the site on `listener` until `stop` turns true (answering only
/// requests for the server's own `port`).
pub(super) async fn server(
    listener: tokio::net::TcpListener,
    port: u16,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let router = Router::new()
        .route(EVENTS, get(events))
        .fallback(file)
        .layer(axum::middleware::from_fn_with_state(port, only_local_hosts))
        .with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
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
