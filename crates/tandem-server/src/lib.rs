//! Tandem's HTTP server: the JSON API under `/api/v1` and the web pages,
//! two thin adapters that extract a request, call the store in domain
//! terms, and shape the answer (JSON, or HTML).
//!
//! Modules:

/// Passwords, sessions and API tokens.
pub mod auth;
/// Running automation rules: on the outbox's events and on the clock.
pub mod automation;
/// The demo workspace `serve --demo` loads.
pub mod demo;
/// The API's error type and its problem-details responses.
pub mod error;
/// Extractors for the caller, the workspace scope, bodies and `If-Match`.
pub mod extract;
/// The JSON API's handlers, one module per feature, each with its rows
/// of the route table.
pub(crate) mod handlers;
/// Background work: the outbox's once-only consumers and periodic jobs,
/// started and stopped together.
pub mod jobs;
/// A project's plan lint, read and judged for both adapters.
pub(crate) mod lint;
/// The Prometheus metrics and their `/metrics` router.
pub mod metrics;
/// Who is told of what: the notifications events and the clock make.
pub mod notices;
/// Request ids, the request span and log line, and the log's format.
pub mod observe;
/// Schedules of Tandem's projects: a project read as a plan and its stored
/// schedule.
pub mod planning;
/// The route table, from which both the router and the OpenAPI document
/// are built.
pub mod routes;
/// A scenario beside its project's plan.
pub(crate) mod scenarios;
/// The accept loop, and each connection's timeouts.
mod serving;
/// JSON answers serialized while they are sent.
mod streamed;
/// Sign-in throttling and the bound on concurrent password hashing.
pub mod throttle;
/// HTTPS served directly: the certificate and key.
pub mod tls;
/// The web pages, server-rendered, and their live updates.
pub mod web;
/// Webhook deliveries on the wire: their body, signature and client.
pub mod webhooks;
/// Everyone's open work across projects, for the workload and the lint.
pub(crate) mod workload;

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

/// The largest attachment's body: the domain's limit on a file.
pub const ATTACHMENT_LIMIT_BYTES: usize = tandem_domain::MAX_ATTACHMENT_BYTES;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub live: web::live::Live,
    pub throttle: throttle::SignInThrottle,
    pub metrics: metrics::Metrics,
    pub webhooks: webhooks::WebhookOptions,
    /// Wakes this node's webhook sender for a delivery asked for by hand.
    pub webhook_wake: Arc<tokio::sync::Notify>,
    /// How email is sent (`--smtp-url`); none: it is not.
    pub mail: Option<jobs::mail::MailOptions>,
}

/// The application: its router, ready to serve, and what shutdown stops.
pub struct App {
    pub router: Router,
    /// The live-update hub, whose streams end at shutdown.
    pub live: web::live::Live,
    /// The background jobs, stopped after the last request.
    pub jobs: jobs::Jobs,
    pub metrics: metrics::Metrics,
}

/// The whole application. Starts the background jobs, so it must be
/// called within a tokio runtime.
pub fn app(store: Arc<dyn Store>) -> App {
    app_with(store, webhooks::WebhookOptions::default())
}

/// [`app`] with how webhooks are delivered.
pub fn app_with(store: Arc<dyn Store>, webhooks: webhooks::WebhookOptions) -> App {
    app_mailing(store, webhooks, None)
}

/// [`app_with`] with how email is sent, if it is.
pub fn app_mailing(
    store: Arc<dyn Store>,
    webhooks: webhooks::WebhookOptions,
    mail: Option<jobs::mail::MailOptions>,
) -> App {
    let metrics = metrics::Metrics::new();
    let jobs = jobs::Jobs::new(metrics.clone());
    let webhook_wake = Arc::new(tokio::sync::Notify::new());
    jobs::start(
        store.clone(),
        &jobs,
        webhooks,
        webhook_wake.clone(),
        mail.clone(),
    );
    let live = web::live::Live::new();
    let state = AppState {
        store,
        live: live.clone(),
        throttle: throttle::SignInThrottle::new(),
        metrics: metrics.clone(),
        webhooks,
        webhook_wake,
        mail,
    };
    let api = routes::router().layer(axum::middleware::from_fn(extract::api_same_origin));
    let router = web::router()
        .merge(api)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(finish))
        // The inner layer takes the big bodies; the outer one never
        // compresses what already is.
        .layer(Compression::above(256 * 1024, 1))
        .layer(Compression::above(1024, 6))
        .layer(axum::middleware::from_fn(refuse_nul))
        .layer(axum::middleware::from_fn(catch_panics))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            observe::observe,
        ))
        .with_state(state);
    App {
        router,
        live,
        jobs,
        metrics,
    }
}

/// gzip for clients that accept it, of text worth it: bodies from 1 KiB
/// (smaller ones gain less than the header costs), never event streams
/// (each event must leave at once) nor images. Level 6 gives most of the
/// size for a fraction of level 9's time; a body over 256 KiB (a long
/// list, a timeline) takes level 1, a third of the time for a fifth more
/// bytes (docs/benchmarks.md).
struct Compression;

impl Compression {
    fn above(
        bytes: u64,
        level: i32,
    ) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
        use tower_http::compression::predicate::{NotForContentType, Predicate};
        tower_http::compression::CompressionLayer::new()
            .gzip(true)
            .quality(tower_http::CompressionLevel::Precise(level))
            .compress_when(
                BodyOver(bytes)
                    .and(NotForContentType::GRPC)
                    .and(NotForContentType::IMAGES)
                    .and(NotForContentType::SSE),
            )
    }
}

/// Bodies of more than this many bytes; tower-http's own `SizeAbove`
/// stops at 64 KiB. A body of unknown size (a stream) is not one.
#[derive(Clone, Copy)]
struct BodyOver(u64);

impl tower_http::compression::Predicate for BodyOver {
    fn should_compress<B: http_body::Body>(&self, response: &axum::http::Response<B>) -> bool {
        response
            .body()
            .size_hint()
            .exact()
            .is_some_and(|size| size > self.0)
    }
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
/// from by its `Referer`). Over HTTPS, served here or behind a proxy that
/// says the client used it, the session cookie is marked `Secure`.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let https = request.extensions().get::<serving::Encrypted>().is_some()
        || request
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let personal = extract::has_credential(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // What a signed-in person reads, and an answer that signs one in
    // (its cookie), stay out of shared and browser caches.
    let personal = personal || headers.contains_key(header::SET_COOKIE);
    if personal && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A handler's own policy is a stricter one (a downloaded file's).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
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

/// Adds `Server-Timing: app;dur=<ms>`: the time the server spent on the
/// request, so clients and browsers' developer tools can tell server time
/// from network time. Handlers answer with whole bodies (event streams
/// aside), so this is the time to the whole answer, before compression.
async fn finish(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = axum::http::HeaderValue::from_str(&format!("app;dur={millis:.3}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
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

/// Serves until `shutdown` resolves, like [`Server::run`], with neither
/// TLS nor a metrics address.
pub async fn serve_with(
    store: Arc<dyn Store>,
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    Server {
        options,
        ..Server::new(store, listener)
    }
    .run(shutdown)
    .await
}

/// A server to run: where it listens and how.
pub struct Server {
    pub store: Arc<dyn Store>,
    pub listener: TcpListener,
    pub options: ServeOptions,
    /// Serve HTTPS on `listener` instead of HTTP.
    pub tls: Option<tls::Tls>,
    /// Where `/metrics` is served (never on `listener`); none by default.
    pub metrics_listener: Option<TcpListener>,
    pub webhooks: webhooks::WebhookOptions,
    /// How email is sent (`--smtp-url`); none: it is not.
    pub mail: Option<jobs::mail::MailOptions>,
}

impl Server {
    pub fn new(store: Arc<dyn Store>, listener: TcpListener) -> Server {
        Server {
            store,
            listener,
            options: ServeOptions::default(),
            tls: None,
            metrics_listener: None,
            webhooks: webhooks::WebhookOptions::default(),
            mail: None,
        }
    }

    /// Serves until `shutdown` resolves: then stops accepting, ends the
    /// event streams, lets requests in flight finish (within the shutdown
    /// timeout), stops the background jobs after the unit each is doing,
    /// and returns. Handlers see the peer as `ConnectInfo<SocketAddr>`.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = app_mailing(self.store.clone(), self.webhooks, self.mail.clone());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let stop = Arc::new(stop);
        let live = app.live.clone();
        let signal = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            live.close();
            let _ = signal.send(true);
        });
        let stopping = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|stopping| *stopping).await;
        };
        let main = async {
            let served = serving::run(
                app.router,
                self.listener,
                self.options,
                self.tls,
                stopping(stopped.clone()),
            )
            .await;
            // Also when the main address failed at once: the metrics
            // address must not outlive it.
            let _ = stop.send(true);
            served
        };
        let metrics = async {
            match self.metrics_listener {
                Some(listener) => {
                    let router = metrics::router(app.metrics.clone(), self.store.clone());
                    let options = ServeOptions {
                        max_connections: 16,
                        ..ServeOptions::default()
                    };
                    serving::run(router, listener, options, None, stopping(stopped.clone())).await
                }
                None => Ok(()),
            }
        };
        let (served, metrics_served) = tokio::join!(main, metrics);
        if tokio::time::timeout(self.options.shutdown_timeout, app.jobs.stop())
            .await
            .is_err()
        {
            tracing::warn!("background jobs still busy at the shutdown timeout; leaving them");
        }
        served.and(metrics_served)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{Request, header};
    use tower_service::Service;

    use super::Compression;

    /// A router answering `size` bytes of text at `/`, behind the two
    /// gzip layers as `app` stacks them.
    async fn fetch(size: usize) -> axum::http::Response<axum::body::Body> {
        let text = "tandem ".repeat(size / 7 + 1)[..size].to_string();
        let mut router = axum::Router::new()
            .route("/", axum::routing::get(move || async move { text }))
            .layer(Compression::above(256 * 1024, 1))
            .layer(Compression::above(1024, 6));
        let request = Request::get("/")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router.call(request).await.unwrap();
        response.map(axum::body::Body::new)
    }

    async fn gunzip(response: axum::http::Response<axum::body::Body>) -> usize {
        use std::io::Read;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert!(plain.starts_with("tandem tandem"), "compressed twice?");
        plain.len()
    }

    #[tokio::test]
    async fn small_bodies_stay_plain_and_big_ones_are_gzipped_once() {
        let small = fetch(1000).await;
        assert!(!small.headers().contains_key(header::CONTENT_ENCODING));
        for size in [10_000, 300 * 1024] {
            let response = fetch(size).await;
            assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
            assert_eq!(response.headers()[header::VARY], "accept-encoding");
            assert_eq!(gunzip(response).await, size);
        }
    }
}
