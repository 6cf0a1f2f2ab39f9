//! HTTPS end to end: `tandem serve --tls-cert --tls-key` with a
//! certificate made here, and the CLI trusting it through `SSL_CERT_FILE`,
//! or refusing it, with a message that says what to do.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_tandem");
const PASSWORD: &str = "correct horse battery";

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
    let dir = std::env::temp_dir().join(format!("tandem-tls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The built binary with `args`, its config in `dir`, `stdin` fed in;
/// `env` adds variables (`None` removes one).
fn tandem(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, Option<&str>)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("TANDEM_CONFIG_DIR", dir.join("config"))
        .env_remove("TANDEM_SERVER")
        .env_remove("TANDEM_TOKEN")
        .env_remove("TANDEM_WORKSPACE")
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let mut child = command.spawn().unwrap();
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

fn succeeds(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A self-signed certificate for localhost and 127.0.0.1 in `dir`:
/// (certificate file, key file).
fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let cert_path = dir.join(format!("{name}.crt"));
    let key_path = dir.join(format!("{name}.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key_pair.serialize_pem()).unwrap();
    (cert_path, key_path)
}

/// A database with ana, owner of "acme".
fn database(dir: &Path) -> String {
    let url = format!("sqlite://{}", dir.join("tandem.db").display());
    succeeds(&tandem(
        dir,
        &[
            "admin",
            "workspace",
            "add",
            "acme",
            "--name",
            "Acme",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    succeeds(&tandem(
        dir,
        &[
            "admin",
            "user",
            "add",
            "ana@x.org",
            "--name",
            "Ana",
            "--workspace",
            "acme",
            "--role",
            "owner",
            "--password-stdin",
            "--database",
            &url,
        ],
        Some(PASSWORD),
        &[],
    ));
    url
}

/// `tandem serve` over HTTPS on a free port, once it says where.
fn serve_https(database: &str, cert: &Path, key: &Path) -> ServerProcess {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .arg("--tls-cert")
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
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

#[test]
fn the_cli_speaks_https_to_a_server_it_trusts_through_ssl_cert_file() {
    let dir = temp_dir("trusted");
    let url = database(&dir);
    let (cert, key) = certificate(&dir, "server");
    let server = serve_https(&url, &cert, &key);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let trust = cert.to_str().unwrap();

    let login = [
        "login",
        "--server",
        &server.url,
        "--email",
        "ana@x.org",
        "--password-stdin",
    ];
    succeeds(&tandem(
        &dir,
        &login,
        Some(PASSWORD),
        &[("SSL_CERT_FILE", Some(trust))],
    ));
    succeeds(&tandem(
        &dir,
        &["project", "add", "SAFE", "--name", "Over TLS"],
        None,
        &[("SSL_CERT_FILE", Some(trust))],
    ));
    let listed = succeeds(&tandem(
        &dir,
        &["project", "list"],
        None,
        &[("SSL_CERT_FILE", Some(trust))],
    ));
    assert!(listed.contains("SAFE"), "{listed}");

    // The system's roots alone do not know this certificate.
    let refused = fails(&tandem(&dir, &["project", "list"], None, &[]));
    assert!(refused.contains("not trusted"), "{refused}");
    assert!(refused.contains("SSL_CERT_FILE"), "{refused}");
    // Nor does another certificate.
    let (other, _) = certificate(&dir, "other");
    let refused = fails(&tandem(
        &dir,
        &["project", "list"],
        None,
        &[("SSL_CERT_FILE", Some(other.to_str().unwrap()))],
    ));
    assert!(refused.contains("not trusted"), "{refused}");
    // A file that is not there is named.
    let missing = dir.join("missing.crt");
    let refused = fails(&tandem(
        &dir,
        &["project", "list"],
        None,
        &[("SSL_CERT_FILE", Some(missing.to_str().unwrap()))],
    ));
    assert!(
        refused.contains("SSL_CERT_FILE") && refused.contains("missing.crt"),
        "{refused}"
    );
    drop(server);
}

#[test]
fn serve_refuses_half_or_unreadable_tls_settings() {
    let dir = temp_dir("flags");
    let url = format!("sqlite://{}", dir.join("tandem.db").display());
    let (cert, key) = certificate(&dir, "server");
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let serve = |flags: &[&str]| {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0", "--database", &url];
        args.extend_from_slice(flags);
        tandem(&dir, &args, None, &[("TANDEM_LOG", Some("warn"))])
    };

    let alone = fails(&serve(&["--tls-cert", cert]));
    assert!(alone.contains("--tls-key"), "{alone}");
    let alone = fails(&serve(&["--tls-key", key]));
    assert!(alone.contains("--tls-cert"), "{alone}");

    let missing = dir.join("missing.crt");
    let unreadable = fails(&serve(&[
        "--tls-cert",
        missing.to_str().unwrap(),
        "--tls-key",
        key,
    ]));
    assert!(
        unreadable.contains("certificate file") && unreadable.contains("missing.crt"),
        "{unreadable}"
    );
    // The certificate given as its own key.
    let swapped = fails(&serve(&["--tls-cert", cert, "--tls-key", cert]));
    assert!(swapped.contains("private key file"), "{swapped}");
}
