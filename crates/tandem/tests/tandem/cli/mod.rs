//! The built `tandem` binary against a real `tandem serve` process.

mod above_projects;
mod approvals;
mod attachments;
mod board;
mod comments;
mod invitations;
mod levels;
mod lint;
mod my_work;
mod planning;
mod profile;
mod project_parts;
mod repeat;
mod rules;
mod scenarios;
mod search;
mod serve;
mod signals;
mod team;
mod templates;
mod webhooks;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_tandem");

struct ServerProcess {
    child: Child,
    url: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `tandem serve` on a free port and waits for its "listening" line.
fn serve(database: &str, dir: &Path) -> ServerProcess {
    serve_with(database, dir, &[])
}

/// `serve` with more flags.
fn serve_with(database: &str, dir: &Path, flags: &[&str]) -> ServerProcess {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .args(flags)
        .current_dir(dir)
        .env("TANDEM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let url = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Tandem is listening on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    ServerProcess { child, url }
}

/// Starts `tandem serve --demo` on a free port and signs Ana in with
/// `config`; the server stops when dropped.
fn serve_demo(database: &str, config: &Path) -> ServerProcess {
    serve_demo_with(database, config, &[])
}

/// `serve_demo` with more flags.
fn serve_demo_with(database: &str, config: &Path, flags: &[&str]) -> ServerProcess {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database",
            database,
        ])
        .args(flags)
        .env("TANDEM_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Tandem is listening on ") {
            let url = rest.split_whitespace().next().unwrap().to_string();
            let server = ServerProcess { child, url };
            let out = tandem(
                config,
                &[
                    "login",
                    "--server",
                    &server.url,
                    "--email",
                    "ana@demo.tandem",
                    "--password-stdin",
                ],
                Some("tandem-demo"),
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            return server;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the demo server exited before listening");
}

fn tandem(config: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("TANDEM_CONFIG_DIR", config)
        .env_remove("TANDEM_SERVER")
        .env_remove("TANDEM_TOKEN")
        .env_remove("TANDEM_WORKSPACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(config: &Path, args: &[&str]) -> String {
    let out = tandem(config, args, None);
    assert!(
        out.status.success(),
        "tandem {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(config: &Path, args: &[&str]) -> String {
    let out = tandem(config, args, None);
    assert!(!out.status.success(), "tandem {args:?} should have failed");
    String::from_utf8(out.stderr).unwrap()
}
