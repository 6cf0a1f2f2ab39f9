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

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
}

/// The whole application as a router, ready to serve.
pub fn app(store: Arc<dyn Store>) -> Router {
    routes::router()
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(AppState { store })
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
