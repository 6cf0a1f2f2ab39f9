//! Tandem's HTTP server: the JSON API under `/api/v1` and the web pages,
//! two thin adapters that extract a request, call the store in domain
//! terms, and shape the answer (JSON, or HTML).
//!
//! Modules:

/// Passwords, sessions and API tokens.
pub mod auth;
/// The demo workspace `serve --demo` loads.
pub mod demo;
/// The API's error type and its problem-details responses.
pub mod error;
/// Extractors for the caller, the workspace scope, bodies and `If-Match`.
pub mod extract;
/// The JSON API's handlers, one module per feature, each with its rows
/// of the route table.
pub(crate) mod handlers;
/// Background work: the outbox's once-only consumers and periodic jobs.
pub mod jobs;
/// Schedules of Tandem's projects: a project read as a plan and its stored
/// schedule.
pub mod planning;
/// The route table, from which both the router and the OpenAPI document
/// are built.
pub mod routes;
/// The accept loop, and each connection's timeouts.
mod serving;
/// Sign-in throttling and the bound on concurrent password hashing.
pub mod throttle;
/// The web pages, server-rendered, and their live updates.
pub mod web;

pub use serving::{BODY_MIN_RATE, ServeOptions};

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tandem_store::Store;
use tokio::net::TcpListener;

/// The largest request body accepted.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// The largest Microsoft Project file accepted for import (a plan of some
/// 50,000 tasks).
pub const IMPORT_LIMIT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub live: web::live::Live,
    pub throttle: throttle::SignInThrottle,
}

/// The whole application as a router, ready to serve, and the live-update
/// hub to close on shutdown. Starts the background rescheduler, so it must
/// be called within a tokio runtime.
pub fn app(store: Arc<dyn Store>) -> (Router, web::live::Live) {
    jobs::start_rescheduler(store.clone());
    jobs::start(store.clone());
    let live = web::live::Live::new();
    let state = AppState {
        store,
        live: live.clone(),
        throttle: throttle::SignInThrottle::new(),
    };
    let api = routes::router().layer(axum::middleware::from_fn(extract::api_same_origin));
    let router = web::router()
        .merge(api)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(finish))
        .layer(axum::middleware::from_fn(refuse_nul))
        .layer(axum::middleware::from_fn(catch_panics))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state);
    (router, live)
}

/// A handler that panics answers 500 with a problem, and the panic is
/// logged, instead of the connection dropping with no answer.
async fn catch_panics(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(next.run(request))
        .catch_unwind()
        .await
    {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            error::ApiError::Internal(format!("handler panicked: {what}")).into_response()
        }
    }
}

/// Refuses a NUL in the path or the query before anything reads them: no
/// key, slug or search word has one, and PostgreSQL refuses the byte in
/// text, which would surface as a server error. A path with one names
/// nothing (404); a query with one is a bad request.
async fn refuse_nul(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let has_nul = |text: &str| {
        text.contains('\0')
            || text
                .as_bytes()
                .windows(3)
                .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    if has_nul(request.uri().path()) {
        return error::ApiError::NotFound("nothing has a NUL in its name".into()).into_response();
    }
    if request.uri().query().is_some_and(has_nul) {
        return error::ApiError::BadRequest("the query must not contain NUL characters".into())
            .into_response();
    }
    next.run(request).await
}

/// The content security policy of every answer: the app's own script and
/// stylesheet by path, no inline script or style, no plugins, no framing,
/// forms and fetches only to this site.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
    base-uri 'none'; frame-ancestors 'none'";

/// Headers that tell browsers what this site allows: see
/// [`CONTENT_SECURITY_POLICY`]; never sniff a type into script; no framing
/// (also for browsers that predate `frame-ancestors`); the address of a
/// page goes only to this site (form posts go back to the page they came
/// from by its `Referer`). Behind a proxy that says the client used HTTPS,
/// the session cookie is marked `Secure`.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let https = request
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let personal = extract::has_credential(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // What a signed-in person reads stays out of shared and browser caches.
    if personal && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if https {
        let cookies: Vec<HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| {
                let text = v.to_str().ok()?;
                HeaderValue::from_str(&format!("{text}; Secure")).ok()
            })
            .collect();
        headers.remove(header::SET_COOKIE);
        for cookie in cookies {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// Whether a content type is text worth compressing.
fn compressible(content_type: &str) -> bool {
    [
        "text/html",
        "text/css",
        "text/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    ]
    .iter()
    .any(|t| content_type.starts_with(t))
}

/// Adds `Server-Timing: app;dur=<ms>` (the time the server spent on the
/// request, body included, so clients and browsers' developer tools can
/// tell server time from network time) and gzips text for clients that
/// accept it. Event streams pass untouched: they never end.
async fn finish(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let started = std::time::Instant::now();
    let accepts_gzip = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let response = next.run(request).await;
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("text/event-stream") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Other bodies are complete buffers, so this measures the whole answer.
    let mut bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if accepts_gzip
        && bytes.len() > 1024
        && compressible(&content_type)
        && !parts.headers.contains_key(header::CONTENT_ENCODING)
    {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(bytes.len() / 4),
            // Level 6 gives most of the size for a fraction of level 9's
            // time; big pages (a long list, a timeline) take level 1, a
            // third of the time for a fifth more bytes.
            if bytes.len() > 256 * 1024 {
                flate2::Compression::fast()
            } else {
                flate2::Compression::new(6)
            },
        );
        if encoder.write_all(&bytes).is_ok()
            && let Ok(compressed) = encoder.finish()
        {
            bytes = compressed.into();
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
        }
        parts
            .headers
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.3}")) {
        parts.headers.insert("server-timing", value);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Serves with the default [`ServeOptions`] until `shutdown` resolves,
/// then finishes in-flight requests.
pub async fn serve(
    store: Arc<dyn Store>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(store, listener, ServeOptions::default(), shutdown).await
}

/// Serves until `shutdown` resolves: then stops accepting, ends the event
/// streams, lets requests in flight finish, and returns once every
/// connection has closed. Handlers see the peer as `ConnectInfo<SocketAddr>`.
pub async fn serve_with(
    store: Arc<dyn Store>,
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (router, live) = app(store);
    serving::run(router, listener, options, async move {
        shutdown.await;
        live.close();
    })
    .await
}
