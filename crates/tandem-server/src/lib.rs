//! Tandem's HTTP server: the JSON API under `/api/v1` (and, later, the web
//! pages), each a thin adapter that extracts a request, calls the store in
//! domain terms, and shapes the answer.
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
/// The JSON API's handlers.
mod handlers;
/// Schedules of Tandem's projects: stored, kept current, baselines,
/// forecast and levelling.
pub mod planning;
/// The route table, from which both the router and the OpenAPI document
/// are built.
pub mod routes;

use std::net::SocketAddr;
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
    pub rescheduler: planning::Rescheduler,
}

/// The whole application as a router, ready to serve. Starts the
/// background rescheduler, so it must be called within a tokio runtime.
pub fn app(store: Arc<dyn Store>) -> Router {
    let rescheduler = planning::Rescheduler::start(store.clone());
    routes::router()
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(server_timing))
        .with_state(AppState { store, rescheduler })
}

/// Adds `Server-Timing: app;dur=<ms>`: the time the server spent on the
/// request, body included, so clients (and browsers' developer tools) can
/// tell server time from network time.
async fn server_timing(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    // Bodies here are complete buffers, so this measures the whole answer.
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = axum::http::HeaderValue::from_str(&format!("app;dur={millis:.3}")) {
        parts.headers.insert("server-timing", value);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    store: Arc<dyn Store>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(store).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
