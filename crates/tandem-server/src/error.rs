//! The API's one error type: every failure becomes an RFC 9457 problem
//! details body with the right status. Causes of server errors are logged,
//! never sent to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tandem_api::Problem;
use tandem_domain::FieldError;
use tandem_store::StoreError;

#[derive(Debug, Clone)]
pub enum ApiError {
    Unauthorized,
    WrongCredentials,
    Forbidden(String),
    NotFound(String),
    Invalid(Vec<FieldError>),
    BadRequest(String),
    Conflict(String),
    Cycle(Vec<String>),
    PreconditionFailed {
        current: i64,
    },
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests {
        retry_after: u64,
        /// What was tried too often, for the answer's detail ("wrong
        /// passwords").
        tries: &'static str,
    },
    /// A person holds as many live-update streams as one may.
    TooManyStreams,
    /// A service Tandem relies on (the blob store) did not answer.
    Unavailable(String),
    Internal(String),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError::new(field, message)])
    }

    /// A throttle's refusal: `tries` ("wrong passwords") were too many,
    /// and the next is allowed after `wait` (a second at least).
    pub fn throttled(tries: &'static str) -> impl FnOnce(std::time::Duration) -> Self {
        move |wait| ApiError::TooManyRequests {
            retry_after: wait.as_secs().max(1),
            tries,
        }
    }
}

/// An object's id from a path: anything but a number names no object, so
/// it is a 404 like a missing one.
pub fn path_id(text: &str, what: &str) -> Result<tandem_domain::Id, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("{what} not found")))
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Invalid(errors) => ApiError::Invalid(errors),
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::Cycle(keys) => ApiError::Cycle(keys),
            StoreError::VersionMismatch { current } => ApiError::PreconditionFailed { current },
            StoreError::Forbidden(message) => ApiError::Forbidden(message),
            StoreError::Unavailable(cause) => ApiError::Unavailable(cause),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<tandem_usecases::Error> for ApiError {
    fn from(e: tandem_usecases::Error) -> Self {
        use tandem_usecases::Error;
        match e {
            Error::Forbidden(message) => ApiError::Forbidden(message),
            Error::Invalid(errors) => ApiError::Invalid(errors),
            Error::StaleInBatch { key, current } => ApiError::Conflict(match key {
                Some(key) => format!(
                    "{key} changed since you read it (it is at version {current}); nothing was changed"
                ),
                None => "a task changed meanwhile; nothing was changed".into(),
            }),
            Error::Conflict(message) => ApiError::Conflict(message),
            Error::Cycle(keys) => ApiError::Cycle(keys),
            Error::Schedule(cause) => ApiError::Internal(cause),
            Error::Store(e) => e.into(),
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        ApiError::Invalid(errors)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title, detail, errors, cycle) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in or send a bearer token",
                None,
                vec![],
                None,
            ),
            ApiError::WrongCredentials => (
                StatusCode::UNAUTHORIZED,
                "wrong-credentials",
                "Wrong email or password",
                None,
                vec![],
                None,
            ),
            ApiError::Forbidden(detail) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Not allowed",
                Some(detail),
                vec![],
                None,
            ),
            ApiError::NotFound(detail) => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                Some(detail),
                vec![],
                None,
            ),
            ApiError::Invalid(errors) => {
                let detail = errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "Invalid input",
                    Some(detail),
                    errors,
                    None,
                )
            }
            ApiError::BadRequest(detail) => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Bad request",
                Some(detail),
                vec![],
                None,
            ),
            ApiError::Conflict(detail) => (
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                Some(detail),
                vec![],
                None,
            ),
            ApiError::Cycle(keys) => (
                StatusCode::CONFLICT,
                "dependency-cycle",
                "The dependency would close a cycle",
                Some(format!("cycle: {}", keys.join(" → "))),
                vec![],
                Some(keys),
            ),
            ApiError::PreconditionFailed { current } => (
                StatusCode::PRECONDITION_FAILED,
                "stale-version",
                "The object changed since you read it",
                Some(format!(
                    "the stored version is {current}; read it again and retry"
                )),
                vec![],
                None,
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Request body too large",
                Some(format!(
                    "the limit is {} bytes, {} for a file attached",
                    crate::BODY_LIMIT_BYTES,
                    crate::ATTACHMENT_LIMIT_BYTES
                )),
                vec![],
                None,
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Send the body as application/json",
                None,
                vec![],
                None,
            ),
            ApiError::TooManyRequests { retry_after, tries } => {
                let mut response = problem_response(Problem {
                    kind: "/problems/too-many-requests".into(),
                    title: "Too many attempts".into(),
                    status: StatusCode::TOO_MANY_REQUESTS.as_u16(),
                    detail: Some(format!(
                        "too many {tries} from this address; try again in {retry_after} s"
                    )),
                    errors: vec![],
                    cycle: None,
                });
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                return response;
            }
            ApiError::TooManyStreams => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-streams",
                "Too many open live-update streams",
                Some(format!(
                    "one person may hold {} at once; close a tab",
                    crate::web::live::STREAMS_PER_USER
                )),
                vec![],
                None,
            ),
            ApiError::Unavailable(cause) => {
                tracing::error!(%cause, "a service did not answer");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "A service Tandem relies on did not answer",
                    Some(
                        "the file store did not answer; nothing was changed, try again shortly"
                            .into(),
                    ),
                    vec![],
                    None,
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal server error",
                    None,
                    vec![],
                    None,
                )
            }
        };
        problem_response(Problem {
            kind: format!("/problems/{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail,
            errors,
            cycle,
        })
    }
}

pub fn problem_response(problem: Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// Whether a response already carries JSON (a problem, or a document such
/// as the health check's that has its own status).
fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"))
}

/// Middleware: an error answered without a JSON body becomes problem
/// details. axum answers some requests itself before any handler runs (a
/// path segment that is not a number, a method the path does not take, a
/// body over the limit) in plain text or with no body; API clients parse
/// one error shape. The answer's headers are kept.
pub async fn problems_only(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // axum's refusals are a line of text; a longer body is not worth reading.
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let (kind, title, detail) = match status {
        StatusCode::BAD_REQUEST => ("bad-request", "Bad request", Some(text)),
        StatusCode::NOT_FOUND => ("not-found", "Not found", Some(text)),
        // axum adds `Allow` outside this layer, after it.
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "Method not allowed",
            Some("the Allow header lists the methods this path takes".into()),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload-too-large",
            "Request body too large",
            Some(format!(
                "the limit is {} bytes, {} for a Microsoft Project file, {} for a file attached",
                crate::BODY_LIMIT_BYTES,
                crate::IMPORT_LIMIT_BYTES,
                crate::ATTACHMENT_LIMIT_BYTES
            )),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "Unsupported media type",
            Some(text),
        ),
        StatusCode::UNPROCESSABLE_ENTITY => ("validation", "Invalid input", Some(text)),
        _ if status.is_server_error() => {
            tracing::error!(%status, body = %text, "a server error without a problem body");
            ("internal", "Internal server error", None)
        }
        _ => (
            "http",
            status.canonical_reason().unwrap_or("Error"),
            Some(text),
        ),
    };
    let (_, body) = problem_response(Problem {
        kind: format!("/problems/{kind}"),
        title: title.into(),
        status: status.as_u16(),
        detail: detail.filter(|d| !d.is_empty()),
        errors: vec![],
        cycle: None,
    })
    .into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    Response::from_parts(parts, body)
}
