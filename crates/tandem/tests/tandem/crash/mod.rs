//! Tests that run the real `tandem` binary as separate processes against
//! one database: kill -9 in the middle of a write load (`rounds`), and two
//! servers sharing PostgreSQL (`two_nodes`). Here: what they share, a
//! running server that dies with its test, `tandem admin`, signing in.

mod rounds;
mod two_nodes;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_tandem");

const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

const WORKSPACE: &str = "crash";
const PROJECT: &str = "CRASH";
const EMAIL: &str = "writer@crash.test";
const PASSWORD: &str = "crash-test-pass";

/// Signs in with the password and trades the session for an API token, as
/// a script would.
async fn sign_in(http: &reqwest::Client, url: &str) -> String {
    let login = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    let token = http
        .post(format!("{url}/api/v1/tokens"))
        .header("cookie", cookie)
        .json(&json!({"name": "crash test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 201);
    let token: Value = token.json().await.unwrap();
    token["token"]
        .as_str()
        .expect("the token's secret")
        .to_string()
}

/// A running `tandem serve`, killed when dropped so that a failing test
/// leaves no server behind.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts the binary itself (no shell in between, so the kill reaches
    /// the server) on a free port, reads the port from its "listening"
    /// line, and waits until /healthz answers.
    async fn start(database: &str, dir: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
            .current_dir(dir)
            .env("TANDEM_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tandem serve");
        let stdout = child.stdout.take().unwrap();
        let mut server = Server {
            child,
            url: String::new(),
        };
        let (sender, receiver) = tokio::sync::oneshot::channel();
        // The thread keeps reading to the end, so the server never writes
        // into a pipe that nobody drains or that is closed.
        std::thread::spawn(move || {
            let mut sender = Some(sender);
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("Tandem is listening on ")
                    && let Some(sender) = sender.take()
                {
                    let url = rest.split_whitespace().next().unwrap_or_default();
                    let _ = sender.send(url.to_string());
                }
            }
        });
        server.url = tokio::time::timeout(STARTUP_TIMEOUT, receiver)
            .await
            .expect("tandem serve printed no listening line in time")
            .expect("tandem serve exited before listening");
        server.wait_healthy().await;
        server
    }

    async fn wait_healthy(&self) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        // Bounded: 200 polls 25 ms apart is five seconds of trying.
        for _ in 0..200 {
            if let Ok(response) = http.get(format!("{}/healthz", self.url)).send().await
                && response.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{} never answered /healthz", self.url);
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reaps the process.
    fn kill_9(&mut self) -> ExitStatus {
        self.child.kill().expect("kill -9 the server");
        self.child.wait().expect("reap the server")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The workspace and its owner (the writer), made offline with `tandem
/// admin` as an operator would.
fn seed_writer(database: &str) {
    admin(
        database,
        &["admin", "workspace", "add", WORKSPACE, "--name", "Crash"],
        None,
    );
    admin(
        database,
        &[
            "admin",
            "user",
            "add",
            EMAIL,
            "--name",
            "Writer",
            "--workspace",
            WORKSPACE,
            "--role",
            "owner",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
}

/// Runs `tandem admin …` against the database, with `stdin` as its input.
fn admin(database: &str, args: &[&str], stdin: Option<&str>) {
    let mut child = Command::new(BIN)
        .args(args)
        .args(["--database", database])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "tandem {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-crash-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
