//! What the server tells its operators about each request: a request id
//! (the client's `X-Request-Id` when it is sane, else a new one) carried
//! by a tracing span around the request, so every log line written while
//! handling it names it, and returned on every answer; one log line per
//! answered request; and the request's count and latency in the
//! [`Metrics`]. Also how the log is written (text or JSON lines).
//!
//! Not here: the metrics registry itself (`metrics.rs`) and anything a
//! handler decides.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::metrics::{Metrics, UNMATCHED};

/// The header that carries a request's id both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest client-chosen request id kept; longer ones are replaced,
/// so a client cannot make every log line of its requests long.
const MAX_ID_LEN: usize = 64;

/// A request's id, also in the request's extensions for whoever needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// The id the client sent if it is 1 to [`MAX_ID_LEN`] visible ASCII
/// characters (what fits a log line and a header unchanged), else a new
/// random one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(&REQUEST_ID)
        .map(HeaderValue::as_bytes)
        .filter(|id| (1..=MAX_ID_LEN).contains(&id.len()))
        .filter(|id| id.iter().all(|b| b.is_ascii_graphic()))
        .and_then(|id| std::str::from_utf8(id).ok())
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:016x}", rand::random::<u64>()))
}

/// The outermost layer: gives the request its id and span, counts it, logs
/// its answer, and puts the id on the answer whatever the layers inside
/// made of the request (a 404, a refusal, a caught panic).
pub(crate) async fn observe(
    State(metrics): State<Metrics>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    // The template, not the path: one series per route however many
    // workspaces and tasks there are.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let method = request.method().clone();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        route = %route,
    );
    request.extensions_mut().insert(RequestId(id.clone()));
    let in_flight = metrics.started();
    let path = request.uri().path().to_string();
    let mut response = next.run(request).instrument(span.clone()).await;
    drop(in_flight);
    let elapsed = started.elapsed();
    let status = response.status();
    metrics.answered(&route, &method, status, elapsed);
    span.in_scope(|| {
        // Microseconds are all a log reader needs of the float.
        let millis = (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0;
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), millis, path = %path, "answered");
        } else {
            tracing::info!(status = status.as_u16(), millis, path = %path, "answered");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, with the request's span (and its id)
    /// under `span`.
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!(
                "unknown log format '{other}' (allowed: text, json)"
            )),
        }
    }
}

/// Sends the process's log to standard error in `format`, filtered by
/// `TANDEM_LOG` (a tracing filter; default `info,sqlx=warn`). Standard
/// output stays for what the binary says to people, so a JSON log is only
/// JSON.
pub fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &[u8]) -> Request {
        let mut request = Request::new(axum::body::Body::empty());
        request
            .headers_mut()
            .insert(REQUEST_ID, HeaderValue::from_bytes(id).unwrap());
        request
    }

    #[test]
    fn a_sane_incoming_id_is_kept() {
        assert_eq!(request_id(&with_id(b"abc-123_X.y")), "abc-123_X.y");
    }

    #[test]
    fn spaces_long_ids_and_empty_ones_are_replaced() {
        for bad in [&b"has space"[..], &[b'a'; 65][..], b""] {
            let id = request_id(&with_id(bad));
            assert_eq!(id.len(), 16, "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        }
    }

    #[test]
    fn log_formats_are_named() {
        assert_eq!("json".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert!(
            "xml"
                .parse::<LogFormat>()
                .unwrap_err()
                .contains("text, json")
        );
    }
}
