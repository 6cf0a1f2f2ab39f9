//! What operators see of a running server, through a real server on
//! ephemeral ports: request ids on every answer, the Prometheus metrics on
//! their own address (and not on the main one), gzip that leaves event
//! streams alone, and HTTPS served directly with a `Secure` session cookie.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tandem_domain::{Email, Slug};
use tandem_store::Store;
use tandem_store::testing::fresh_sqlite_url;
use tokio::sync::oneshot;

const PASSWORD: &str = "correct horse battery";

/// A server started in this process; stops when `stop` is sent.
struct Running {
    base: String,
    metrics: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(30), self.done)
            .await
            .expect("the server did not stop in time")
            .unwrap()
            .unwrap();
    }
}

/// A fresh SQLite store with ana, owner of the workspace "acme".
async fn store_with_ana() -> Arc<dyn Store> {
    store_with_ana_at(&fresh_sqlite_url()).await
}

/// The store at `url` (a fresh database) with ana, owner of "acme".
async fn store_with_ana_at(url: &str) -> Arc<dyn Store> {
    let store: Arc<dyn Store> = Arc::from(tandem_store::open(url).await.unwrap());
    let hash = tandem_server::auth::hash_password(PASSWORD).unwrap();
    let ana = store
        .create_user(&Email::parse("ana@x.org").unwrap(), "Ana", &hash)
        .await
        .unwrap();
    store
        .create_workspace(&Slug::parse("acme").unwrap(), "Acme", Some(ana.id))
        .await
        .unwrap();
    store
}

async fn start(
    store: Arc<dyn Store>,
    tls: Option<tandem_server::tls::Tls>,
    with_metrics: bool,
) -> Running {
    start_with(
        store,
        tls,
        with_metrics,
        tandem_server::ServeOptions::default(),
    )
    .await
}

async fn start_with(
    store: Arc<dyn Store>,
    tls: Option<tandem_server::tls::Tls>,
    with_metrics: bool,
    options: tandem_server::ServeOptions,
) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{}", listener.local_addr().unwrap());
    let metrics_listener = if with_metrics {
        Some(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap())
    } else {
        None
    };
    let metrics = metrics_listener
        .as_ref()
        .map(|l| format!("http://{}/metrics", l.local_addr().unwrap()));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tandem_server::Server {
        options,
        tls,
        metrics_listener,
        ..tandem_server::Server::new(store, listener)
    };
    let done = tokio::spawn(server.run(async {
        stopped.await.ok();
    }));
    Running {
        base,
        metrics,
        stop: Some(stop),
        done,
    }
}

/// Signs ana in; gives the session cookie as `name=value` and the whole
/// `Set-Cookie` header.
async fn sign_in(http: &reqwest::Client, base: &str) -> (String, String) {
    let response = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "ana@x.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    (cookie, set_cookie)
}

fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .unwrap_or_else(|| panic!("no X-Request-Id on a {}", response.status()))
        .to_str()
        .unwrap()
        .to_string()
}

fn is_generated(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let server = start(store_with_ana().await, None, false).await;
    let http = reqwest::Client::new();
    let get = |path: &str, id: Option<&str>| {
        let mut request = http.get(format!("{}{path}", server.base));
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        request.send()
    };

    let ok = get("/api/v1/openapi.json", None).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let first = request_id(&ok);
    assert!(is_generated(&first), "{first}");
    let again = request_id(&get("/api/v1/openapi.json", None).await.unwrap());
    assert_ne!(first, again, "two requests got one id");

    let echoed = get("/api/v1/openapi.json", Some("deploy-7.check_1"))
        .await
        .unwrap();
    assert_eq!(request_id(&echoed), "deploy-7.check_1");
    // Not visible ASCII, or too long: the server picks its own.
    for bad in ["has space", &"x".repeat(65)] {
        let replaced = request_id(&get("/api/v1/openapi.json", Some(bad)).await.unwrap());
        assert!(is_generated(&replaced), "{bad:?} became {replaced}");
    }

    // Refusals and problems carry it too.
    for (path, status) in [
        ("/api/v1/me", StatusCode::UNAUTHORIZED),
        ("/api/v1/no-such-endpoint", StatusCode::NOT_FOUND),
        ("/api/v1/me?q=%00", StatusCode::BAD_REQUEST),
        ("/no/such/page", StatusCode::NOT_FOUND),
    ] {
        let response = get(path, Some("problem-1")).await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(request_id(&response), "problem-1", "{path}");
    }
    let problem = get("/api/v1/me", None).await.unwrap();
    assert_eq!(
        problem.headers()["content-type"],
        "application/problem+json"
    );
    assert!(is_generated(&request_id(&problem)));
    server.stop().await;
}

/// The 408 for a body that does not arrive is made outside the router,
/// and still names the request.
#[tokio::test]
async fn a_late_body_is_refused_with_the_request_id() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let options = tandem_server::ServeOptions {
        body_read_timeout: Duration::from_secs(1),
        ..tandem_server::ServeOptions::default()
    };
    let server = start_with(store_with_ana().await, None, false, options).await;
    let address = server.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n\
              content-length: 100\r\nx-request-id: late-body-1\r\n\r\n{\"email\"",
        )
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(20), socket.read_to_string(&mut answer))
        .await
        .expect("no answer in time")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("x-request-id: late-body-1\r\n"), "{answer}");
    server.stop().await;
}

/// The value of the first sample of `series` (name and labels exactly).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_on_their_own_address() {
    let mut urls = vec![fresh_sqlite_url()];
    match tandem_store::testing::postgres_url() {
        Some(admin) => urls.push(
            tandem_store::testing::fresh_postgres_database(&admin)
                .await
                .unwrap(),
        ),
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    for url in urls {
        metrics_of_one_server(&url).await;
    }
}

async fn metrics_of_one_server(url: &str) {
    let server = start(store_with_ana_at(url).await, None, true).await;
    let metrics_url = server.metrics.clone().unwrap();
    let http = reqwest::Client::new();
    let (cookie, _) = sign_in(&http, &server.base).await;
    let created = http
        .post(format!("{}/api/v1/workspaces/acme/projects", server.base))
        .header("cookie", &cookie)
        .json(&json!({"key": "LAUNCH", "name": "Launch"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    // A task changes the project's plan, which asks for a reschedule.
    let task = http
        .post(format!("{}/api/v1/workspaces/acme/tasks", server.base))
        .header("cookie", &cookie)
        .json(&json!({"title": "Write the brief", "project": "LAUNCH"}))
        .send()
        .await
        .unwrap();
    assert_eq!(task.status(), StatusCode::CREATED);
    for _ in 0..2 {
        let listed = http
            .get(format!("{}/api/v1/workspaces/acme/projects", server.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), StatusCode::OK);
    }
    let unknown = http
        .get(format!("{}/api/v1/workspaces/acme/nothing", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // Not on the main address, whatever the caller.
    let hidden = http
        .get(format!("{}/metrics", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let elsewhere = metrics_url.trim_end_matches("/metrics").to_string() + "/";
    assert_eq!(
        http.get(elsewhere).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // The rescheduler runs after the project's creation, in the
    // background: poll, within a bound, until it has counted a run.
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let response = http.get(&metrics_url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain; version=0.0.4")
        );
        let text = response.text().await.unwrap();
        if sample(&text, "tandem_job_runs_total{job=\"rescheduler\"}").is_some_and(|n| n >= 1.0) {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "no rescheduler run counted:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let route = "/api/v1/workspaces/{ws}/projects";
    assert_eq!(
        sample(
            &text,
            &format!(
                "tandem_http_requests_total{{route=\"{route}\",method=\"GET\",status=\"200\"}}"
            )
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(
                "tandem_http_requests_total{{route=\"{route}\",method=\"POST\",status=\"201\"}}"
            )
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(
                "tandem_http_request_duration_seconds_count{{route=\"{route}\",method=\"GET\"}}"
            )
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(
                "tandem_http_request_duration_seconds_bucket{{route=\"{route}\",method=\"GET\",le=\"+Inf\"}}"
            )
        ),
        Some(2.0),
        "{text}"
    );
    // Paths no route matched share one series; raw paths never appear.
    assert!(
        sample(
            &text,
            "tandem_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"
        )
        .is_some_and(|n| n >= 2.0),
        "{text}"
    );
    assert!(!text.contains("/workspaces/acme"), "{text}");
    assert_eq!(
        sample(&text, "tandem_job_failures_total{job=\"rescheduler\"}"),
        Some(0.0),
        "{text}"
    );
    let (pool, max) = if url.starts_with("sqlite:") {
        // One writer, by design.
        assert_eq!(
            sample(&text, "tandem_db_pool_max_connections{pool=\"writer\"}"),
            Some(1.0),
            "{text}"
        );
        ("reader", 4.0)
    } else {
        ("main", 16.0)
    };
    assert_eq!(
        sample(
            &text,
            &format!("tandem_db_pool_max_connections{{pool=\"{pool}\"}}")
        ),
        Some(max),
        "{text}"
    );
    let open: f64 = ["idle", "busy"]
        .iter()
        .map(|state| {
            sample(
                &text,
                &format!("tandem_db_pool_connections{{pool=\"{pool}\",state=\"{state}\"}}"),
            )
            .unwrap_or_else(|| panic!("no {state} count of {pool}:\n{text}"))
        })
        .sum();
    assert!((1.0..=max).contains(&open), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn pages_are_gzipped_and_event_streams_are_not_and_end_at_shutdown() {
    let server = start(store_with_ana().await, None, false).await;
    let http = reqwest::Client::new();
    let (cookie, _) = sign_in(&http, &server.base).await;
    // app.css is text well over the threshold.
    let css = http
        .get(format!("{}/assets/app.css", server.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["content-encoding"], "gzip");
    assert!(css.headers().contains_key("server-timing"));
    let bytes = css.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "not a gzip stream");

    let mut events = http
        .get(format!("{}/w/acme/events", server.base))
        .header("cookie", &cookie)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    assert!(!events.headers().contains_key("content-encoding"));
    let created = http
        .post(format!("{}/api/v1/workspaces/acme/projects", server.base))
        .header("cookie", &cookie)
        .json(&json!({"key": "LIVE", "name": "Live"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let chunk = tokio::time::timeout(Duration::from_secs(10), events.chunk())
        .await
        .expect("the event did not arrive: is the stream buffered?")
        .unwrap()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&chunk).contains("change"),
        "{chunk:?}"
    );
    // Shutdown ends the stream rather than waiting the shutdown timeout
    // (25 s) for the browser to hang up.
    let stopping = tokio::spawn(server.stop());
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = events.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the event stream outlived the shutdown");
    stopping.await.unwrap();
}

/// A self-signed certificate for localhost and 127.0.0.1, as PEM files.
fn certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key_pair.serialize_pem()).unwrap();
    (cert_path, key_path, cert.pem())
}

#[tokio::test]
async fn https_is_served_with_a_secure_session_cookie() {
    let dir = std::env::temp_dir().join(format!("tandem-operable-tls-{}", std::process::id()));
    let (cert_path, key_path, cert_pem) = certificate(&dir);
    let tls = tandem_server::tls::Tls::from_pem_files(&cert_path, &key_path).unwrap();
    let server = start(store_with_ana().await, Some(tls), false).await;
    let address: std::net::SocketAddr = server.base.trim_start_matches("https://").parse().unwrap();
    let https = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .resolve("localhost", address)
        .build()
        .unwrap();
    let base = format!("https://localhost:{}", address.port());
    let (cookie, set_cookie) = sign_in(&https, &base).await;
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    let me = https
        .get(format!("{base}/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert!(is_generated(&request_id(&me)));

    // A client that does not trust the certificate gets no answer.
    let stranger = reqwest::Client::builder()
        .resolve("localhost", address)
        .build()
        .unwrap();
    assert!(
        stranger
            .get(format!("{base}/api/v1/me"))
            .send()
            .await
            .is_err()
    );
    // Plain HTTP on the TLS port is not served either.
    let plain = reqwest::Client::new()
        .get(format!("http://{address}/api/v1/me"))
        .send()
        .await;
    assert!(plain.is_err(), "{plain:?}");
    server.stop().await;

    // Over plain HTTP the cookie is not marked Secure.
    let server = start(store_with_ana().await, None, false).await;
    let (_, set_cookie) = sign_in(&reqwest::Client::new(), &server.base).await;
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    server.stop().await;
}

#[tokio::test]
async fn bad_certificate_files_are_named_in_the_error() {
    let dir = std::env::temp_dir().join(format!("tandem-operable-badtls-{}", std::process::id()));
    let (cert_path, key_path, _) = certificate(&dir);
    let missing = dir.join("missing.pem");
    let error = tandem_server::tls::Tls::from_pem_files(&missing, &key_path)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("certificate file") && error.contains("missing.pem"),
        "{error}"
    );
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "not a key").unwrap();
    let error = tandem_server::tls::Tls::from_pem_files(&cert_path, &garbage)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("private key file") && error.contains("garbage.pem"),
        "{error}"
    );
    // The key of another certificate.
    let (_, other_key, _) = certificate(&dir.join("other"));
    let error = tandem_server::tls::Tls::from_pem_files(&cert_path, &other_key)
        .unwrap_err()
        .to_string();
    assert!(error.contains("cannot be used together"), "{error}");
}
