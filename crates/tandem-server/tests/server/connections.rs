//! Connections that owe the server something are closed on time: a silent
//! socket, headers or a body sent a byte at a time, an idle kept-alive
//! connection; a cap on connections keeps the server answering; event
//! streams, large uploads and graceful shutdown are not cut by any of it.
//! All over real sockets to a real server, with timeouts of a fraction of
//! a second so the tests are quick.

use std::time::Duration;

use crate::common::Server;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use tandem_server::ServeOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};

const HEADER: Duration = Duration::from_millis(300);
const BODY: Duration = Duration::from_millis(300);
/// Much longer than `HEADER`, so a close can be told to be one or the other.
const IDLE: Duration = Duration::from_millis(1500);
/// Timers never fire early, but the test's clock starts a little before
/// the server's.
const EARLY: Duration = Duration::from_millis(20);
/// How long any one wait may take before the test fails.
const BOUND: Duration = Duration::from_secs(10);
/// The pace of a client that sends one byte at a time.
const TRICKLE: Duration = Duration::from_millis(25);

fn short() -> ServeOptions {
    ServeOptions {
        header_read_timeout: HEADER,
        body_read_timeout: BODY,
        idle_timeout: IDLE,
        ..ServeOptions::default()
    }
}

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.base.strip_prefix("http://").unwrap())
        .await
        .unwrap()
}

/// Reads until the server closes the connection (end of stream or reset),
/// failing past `BOUND`; gives back what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    timeout(BOUND, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("the server kept the connection open");
    received
}

/// Reads one response with a `content-length` body: its head and body.
async fn read_response(stream: &mut TcpStream) -> (String, Vec<u8>) {
    timeout(BOUND, async {
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8(received[..end].to_vec()).unwrap();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    return (head, received[end + 4..end + 4 + length].to_vec());
                }
            }
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed mid-response: {received:?}");
            received.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("no response in time")
}

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nhost: tandem\r\n\r\n";

#[tokio::test]
async fn a_silent_socket_is_closed_after_the_header_timeout() {
    let server = Server::with_options(short()).await;
    let started = Instant::now();
    let mut silent = connect(&server).await;
    let sent = read_until_closed(&mut silent).await;
    let waited = started.elapsed();
    assert!(sent.is_empty(), "{sent:?}");
    assert!(waited >= HEADER - EARLY, "closed after {waited:?}");
    assert!(waited < IDLE, "closed after {waited:?}");
    server.stop().await;
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_at_the_header_timeout() {
    let server = Server::with_options(short()).await;
    let request = format!(
        "GET /healthz HTTP/1.1\r\nhost: tandem\r\nx-padding: {}\r\n\r\n",
        "a".repeat(100)
    );
    // At this pace the headers would take seconds; the server must not wait.
    assert!(TRICKLE * request.len() as u32 > HEADER * 5);
    let started = Instant::now();
    let mut slow = connect(&server).await;
    let mut ticks = tokio::time::interval(TRICKLE);
    let mut sent = 0;
    let mut buf = [0u8; 1024];
    let closed = timeout(BOUND, async {
        loop {
            tokio::select! {
                read = slow.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return,
                    // hyper may answer before closing; whatever it says, it must close.
                    Ok(_) => {}
                },
                _ = ticks.tick(), if sent < request.len() => {
                    if slow.write_all(&request.as_bytes()[sent..=sent]).await.is_err() {
                        return;
                    }
                    sent += 1;
                }
            }
        }
    })
    .await;
    let waited = started.elapsed();
    assert!(closed.is_ok(), "still open after {BOUND:?}");
    assert!(sent < request.len(), "the whole request was sent");
    assert!(waited >= HEADER - EARLY, "closed after {waited:?}");
    assert!(waited < IDLE, "closed after {waited:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_body_sent_a_byte_at_a_time_is_refused_with_408() {
    let server = Server::with_options(short()).await;
    let body = json!({"email": "ana@x.org", "password": "x".repeat(200)}).to_string();
    assert!(TRICKLE * body.len() as u32 > BODY * 5);
    let mut slow = connect(&server).await;
    slow.write_all(
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nhost: tandem\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut ticks = tokio::time::interval(TRICKLE);
    let mut sent = 0;
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    timeout(BOUND, async {
        loop {
            tokio::select! {
                read = slow.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                },
                _ = ticks.tick(), if sent < body.len() && received.is_empty() => {
                    if slow.write_all(&body.as_bytes()[sent..=sent]).await.is_err() {
                        return;
                    }
                    sent += 1;
                }
            }
        }
    })
    .await
    .expect("the server kept the connection open");
    let waited = started.elapsed();
    assert!(sent < body.len(), "the whole body was sent");
    assert!(waited >= BODY - EARLY, "answered after {waited:?}");
    let response = String::from_utf8_lossy(&received);
    assert!(response.starts_with("HTTP/1.1 408 "), "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/problem+json"),
        "{response}"
    );
    assert!(lower.contains("connection: close"), "{response}");
    let (_, problem) = response.split_once("\r\n\r\n").unwrap();
    let problem: Value = serde_json::from_str(problem).unwrap();
    assert_eq!(problem["status"], 408);
    assert_eq!(problem["type"], "/problems/request-timeout");
    server.stop().await;
}

#[tokio::test]
async fn a_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let server = Server::with_options(short()).await;
    let mut client = connect(&server).await;
    // Two requests on one connection: it is kept alive.
    for _ in 0..2 {
        client.write_all(HEALTHZ).await.unwrap();
        let (head, _) = read_response(&mut client).await;
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    }
    let started = Instant::now();
    let rest = read_until_closed(&mut client).await;
    let waited = started.elapsed();
    assert!(rest.is_empty(), "{rest:?}");
    // The idle timeout, not the (shorter) header timeout, closed it.
    assert!(waited >= IDLE - EARLY, "closed after {waited:?}");
    server.stop().await;
}

#[tokio::test]
async fn the_next_request_on_a_kept_alive_connection_has_the_header_timeout() {
    let server = Server::with_options(short()).await;
    let mut client = connect(&server).await;
    client.write_all(HEALTHZ).await.unwrap();
    let (head, _) = read_response(&mut client).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    // The start of a request, never finished.
    client
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    read_until_closed(&mut client).await;
    let waited = started.elapsed();
    assert!(waited >= HEADER - EARLY, "closed after {waited:?}");
    assert!(
        waited < IDLE,
        "closed after {waited:?}: the idle timeout, not the header's"
    );
    server.stop().await;
}

#[tokio::test]
async fn past_the_connection_cap_clients_wait_and_are_served_once_idle_ones_close() {
    const CAP: usize = 3;
    let server = Server::with_options(ServeOptions {
        max_connections: CAP,
        ..short()
    })
    .await;
    let started = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..CAP {
        silent.push(connect(&server).await);
    }
    // Connected (the kernel's backlog takes it) but not yet accepted.
    let mut waiting = connect(&server).await;
    waiting.write_all(HEALTHZ).await.unwrap();
    let (head, body) = read_response(&mut waiting).await;
    let waited = started.elapsed();
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["status"],
        "ok"
    );
    assert!(
        waited >= HEADER - EARLY,
        "answered after {waited:?}: before any silent connection timed out"
    );
    for mut socket in silent {
        read_until_closed(&mut socket).await;
    }
    server.stop().await;
}

/// A browser-like client signed in to the demo; it never reuses a
/// connection, so the server's closing an idle one cannot race a request.
async fn sign_in(server: &Server) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let response = http
        .post(format!("{}/signin", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email=ana%40demo.tandem&password={}&next=%2Fw%2Fdemo%2Fmy",
            tandem_server::demo::DEMO_PASSWORD
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = crate::common::session_cookie_of(&response);
    (http, cookie)
}

#[tokio::test]
async fn an_event_stream_outlives_every_timeout() {
    let server = Server::with_demo_and(ServeOptions {
        idle_timeout: HEADER,
        ..short()
    })
    .await;
    let (http, cookie) = sign_in(&server).await;
    // The stream is the second request of a kept-alive connection, as
    // a browser may send it: the first request's end must not start the
    // idle timeout on the second.
    let mut client = connect(&server).await;
    client.write_all(HEALTHZ).await.unwrap();
    let (head, _) = read_response(&mut client).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    client
        .write_all(
            format!("GET /w/demo/events HTTP/1.1\r\nhost: tandem\r\ncookie: {cookie}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while !received.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = timeout(BOUND, client.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed before the stream's head");
        received.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&received).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 "), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");

    // Three times every timeout with nothing written: still open. The
    // only things it may say meanwhile are Tandem's own: the demo's plans
    // scheduled, its projects' health judged, the reader's inbox filled
    // with what the demo gave them.
    let deadline = tokio::time::Instant::now() + HEADER * 3;
    while let Ok(read) = tokio::time::timeout_at(deadline, client.read(&mut buf)).await {
        let n = read.unwrap();
        assert!(n > 0, "the stream ended");
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(
            text.lines()
                .filter(|l| l.starts_with("data:"))
                .all(|l| l.contains(r#""kind":"schedule""#)
                    || l.contains(r#""action":"health changed""#)
                    || l.contains(r#""kind":"inbox""#)),
            "the stream spoke of a write nobody made: {text}"
        );
    }

    let written = http
        .post(format!("{}/w/demo/quick", server.base))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-tandem", "fetch")
        .body("text=Still+listening+%23LAUNCH")
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), StatusCode::CREATED);
    let mut text = String::new();
    while !text.contains(r#""kind":"task""#) {
        let n = timeout(BOUND, client.read(&mut buf))
            .await
            .expect("no event in time")
            .unwrap();
        assert!(n > 0, "the stream ended");
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(text.contains("event: change"), "{text}");
    drop(client);
    server.stop().await;
}

#[tokio::test]
async fn a_large_upload_at_full_speed_is_not_cut_by_the_body_timeout() {
    let server = Server::with_demo_and(short()).await;
    let (http, cookie) = sign_in(&server).await;
    let token: Value = http
        .post(format!("{}/api/v1/tokens", server.base))
        .header("cookie", &cookie)
        .json(&json!({"name": "upload"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap();
    // Near the import limit, and not a Microsoft Project file: the answer
    // is about its content, so the whole of it arrived.
    let file = vec![b'x'; tandem_server::IMPORT_LIMIT_BYTES - 1024];
    let response = http
        .post(format!(
            "{}/api/v1/workspaces/demo/imports/mspdi?key=BIG",
            server.base
        ))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(file)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");
    server.stop().await;
}

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_and_does_not_wait_for_idle_connections() {
    // The default timeouts: shutdown must not wait for any of them.
    let server = Server::with_demo_and(ServeOptions::default()).await;
    let (http, cookie) = sign_in(&server).await;
    let mut events = http
        .get(format!("{}/w/demo/events", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    let mut silent = connect(&server).await;
    let mut idle = connect(&server).await;
    idle.write_all(HEALTHZ).await.unwrap();
    read_response(&mut idle).await;
    // A request whose handler is reading its body: hyper sends `100
    // Continue` only once the body is asked for.
    let body = json!({"email": "nobody@x.org", "password": "wrong password"}).to_string();
    let mut in_flight = connect(&server).await;
    in_flight
        .write_all(
            format!(
                "POST /api/v1/auth/login HTTP/1.1\r\nhost: tandem\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = timeout(BOUND, in_flight.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 100 "), "{:?}", &buf[..n]);

    let stopped = timeout(BOUND, server.stop());
    let finished = async {
        in_flight.write_all(body.as_bytes()).await.unwrap();
        read_until_closed(&mut in_flight).await
    };
    let (stopped, answer) = tokio::join!(stopped, finished);
    stopped.expect("shutdown waited on an idle connection or the event stream");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    for socket in [&mut silent, &mut idle] {
        assert!(read_until_closed(socket).await.is_empty());
    }
    let end = timeout(BOUND, events.chunk())
        .await
        .expect("the stream stayed open");
    assert!(matches!(end, Ok(None) | Err(_)), "{end:?}");
}
