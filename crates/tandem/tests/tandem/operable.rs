//! Running `tandem serve` as an operator does: JSON log lines that carry
//! each request's id, metrics on `--metrics-listen`, a bad log format
//! refused, and SIGTERM letting a slow request in flight finish before the
//! process exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tandem");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A `tandem serve` process: its stdout's lines (after the listening
/// line) and stderr's, as they come.
struct Served {
    child: Child,
    address: String,
    metrics: Option<String>,
    /// Kept so the server's later lines have somewhere to go.
    _stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines_of(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if send.send(line).is_err() {
                return;
            }
        }
    });
    receive
}

/// The next line from `lines` that `wanted` accepts, within ten seconds.
fn wait_for(lines: &mpsc::Receiver<String>, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if wanted(&line) => return line,
            Ok(_) => {}
            Err(e) => panic!("the line did not come: {e}"),
        }
    }
}

fn serve(name: &str, flags: &[&str], env: &[(&str, &str)]) -> Served {
    let dir = temp_dir(name);
    let database = format!("sqlite://{}", dir.join("tandem.db").display());
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &database])
        .args(flags)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines_of(child.stdout.take().unwrap());
    let stderr = lines_of(child.stderr.take().unwrap());
    let listening = wait_for(&stdout, |l| l.starts_with("Tandem is listening on "));
    let address = listening
        .trim_start_matches("Tandem is listening on http://")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let metrics = if flags.contains(&"--metrics-listen") {
        let line = wait_for(&stdout, |l| l.starts_with("Metrics are at "));
        Some(line.trim_start_matches("Metrics are at ").to_string())
    } else {
        None
    };
    Served {
        child,
        address,
        metrics,
        _stdout: stdout,
        stderr,
    }
}

/// Sends a request over a fresh connection and reads the whole answer.
fn exchange(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The exit status, within a bound.
fn exit_status(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn json_logs_name_each_request_and_metrics_are_on_their_own_address() {
    let mut server = serve(
        "json",
        &["--metrics-listen", "127.0.0.1:0"],
        &[("TANDEM_LOG_FORMAT", "json"), ("TANDEM_LOG", "info")],
    );
    let answer = exchange(
        &server.address,
        "GET /api/v1/workspaces/acme/projects HTTP/1.1\r\nhost: t\r\nx-request-id: find-me-42\r\nconnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert!(answer.contains("x-request-id: find-me-42\r\n"), "{answer}");
    let not_here = exchange(
        &server.address,
        "GET /metrics HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
    );
    assert!(not_here.starts_with("HTTP/1.1 404 "), "{not_here}");

    let metrics = server.metrics.clone().unwrap();
    let metrics_address = metrics
        .trim_start_matches("http://")
        .trim_end_matches("/metrics");
    let scraped = exchange(
        metrics_address,
        "GET /metrics HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
    );
    assert!(scraped.starts_with("HTTP/1.1 200 "), "{scraped}");
    assert!(
        scraped.contains(
            "tandem_http_requests_total{route=\"/api/v1/workspaces/{ws}/projects\",method=\"GET\",status=\"401\"} 1\n"
        ),
        "{scraped}"
    );

    // Every line on stderr is one JSON object; the request's carry its id.
    let line = wait_for(&server.stderr, |l| l.contains("find-me-42"));
    let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["span"]["request_id"], "find-me-42", "{line}");
    assert_eq!(
        entry["span"]["route"], "/api/v1/workspaces/{ws}/projects",
        "{line}"
    );
    assert_eq!(entry["fields"]["message"], "answered", "{line}");
    assert_eq!(entry["fields"]["status"], 401, "{line}");
    terminate(&server.child);
    assert!(exit_status(&mut server.child).success());
    while let Ok(line) = server.stderr.recv_timeout(Duration::from_secs(5)) {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(&line);
        assert!(parsed.is_ok(), "not JSON: {line}");
    }
}

#[test]
fn an_unknown_log_format_is_refused() {
    let dir = temp_dir("format");
    let output = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", dir.join("tandem.db").display()))
        .env("TANDEM_LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("xml") && stderr.contains("text") && stderr.contains("json"),
        "{stderr}"
    );
}

#[test]
fn sigterm_lets_a_slow_request_finish_then_exits_0() {
    let mut server = serve(
        "drain",
        &["--metrics-listen", "127.0.0.1:0"],
        &[("TANDEM_LOG", "info")],
    );
    let body = r#"{"email": "nobody@x.org", "password": "not the password"}"#;
    let (first, rest) = body.split_at(10);
    let mut slow = TcpStream::connect(&server.address).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        slow,
        "POST /api/v1/auth/login HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: slow-1\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    slow.flush().unwrap();
    // The request is in flight once the server has its head and waits
    // for its body: the in-flight gauge says when.
    let metrics = server.metrics.clone().unwrap();
    let metrics_address = metrics
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !exchange(
        &metrics_address,
        "GET /metrics HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
    )
    .contains("\ntandem_http_requests_in_flight 1\n")
    {
        assert!(Instant::now() < deadline, "the slow request never began");
        std::thread::sleep(Duration::from_millis(20));
    }

    terminate(&server.child);
    wait_for(&server.stderr, |l| l.contains("shutting down"));
    // New connections are refused once the listener is closed.
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&server.address).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );

    slow.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert!(answer.contains("x-request-id: slow-1\r\n"), "{answer}");
    let status = exit_status(&mut server.child);
    assert_eq!(status.code(), Some(0), "{status:?}");
}
