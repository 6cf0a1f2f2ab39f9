//! Liveness: whether the server and its database answer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tandem_api::*;

use crate::AppState;
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/healthz", "Liveness and database reachability", none(), json::<ServiceHealth>(), 200, healthz)
            .also(503, "The database does not answer", json::<ServiceHealth>())
            .public(),
    ]
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    let ok = state.store.ping().await.is_ok();
    let body = ServiceHealth {
        status: if ok { "ok" } else { "unavailable" }.into(),
        database: state.store.backend().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
