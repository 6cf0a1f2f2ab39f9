//! `tandem serve`: the demo, timeouts and the connection cap.

use super::*;

#[test]
fn the_demo_loads_once_and_signs_in() {
    let dir = temp_dir("demo");
    let database = format!("sqlite://{}", dir.join("demo.db").display());
    let config = dir.join("config");
    for _ in 0..2 {
        let server = serve_demo(&database, &config);
        let tasks: serde_json::Value = serde_json::from_str(&ok(
            &config,
            &["--json", "task", "list", "--project", "LAUNCH"],
        ))
        .unwrap();
        assert_eq!(
            tasks.as_array().unwrap().len(),
            43,
            "the demo is loaded exactly once"
        );
        let deps: serde_json::Value =
            serde_json::from_str(&ok(&config, &["--json", "dep", "list", "LAUNCH-31"])).unwrap();
        assert!(deps.as_array().unwrap().len() >= 4);
        assert!(ok(&config, &["project", "list"]).contains("OPS"));
        drop(server);
    }
}

#[test]
fn serve_takes_timeouts_and_a_connection_cap_and_refuses_zero() {
    let dir = temp_dir("timeouts");
    let database = format!("sqlite://{}", dir.join("t.db").display());
    let config = dir.join("config");
    for (flag, message) in [
        ("--header-timeout", "at least 1 second"),
        ("--body-timeout", "at least 1 second"),
        ("--idle-timeout", "at least 1 second"),
        ("--max-connections", "at least 1"),
    ] {
        let error = fails(&config, &["serve", "--database", &database, flag, "0"]);
        assert!(error.contains(flag) && error.contains(message), "{error}");
    }
    let refused = Command::new(BIN)
        .args(["serve", "--database", &database])
        .env("TANDEM_IDLE_TIMEOUT", "0")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("at least 1 second"));

    // The help states the library's defaults.
    let help = ok(&config, &["serve", "--help"]);
    let defaults = tandem_server::ServeOptions::default();
    for (flag, default, env) in [
        (
            "--header-timeout <SECONDS>",
            defaults.header_read_timeout.as_secs() as usize,
            "TANDEM_HEADER_TIMEOUT",
        ),
        (
            "--body-timeout <SECONDS>",
            defaults.body_read_timeout.as_secs() as usize,
            "TANDEM_BODY_TIMEOUT",
        ),
        (
            "--idle-timeout <SECONDS>",
            defaults.idle_timeout.as_secs() as usize,
            "TANDEM_IDLE_TIMEOUT",
        ),
        (
            "--max-connections <N>",
            defaults.max_connections,
            "TANDEM_MAX_CONNECTIONS",
        ),
    ] {
        let (_, text) = help
            .split_once(flag)
            .unwrap_or_else(|| panic!("{flag}: {help}"));
        let text = text.split("\n  -").next().unwrap();
        assert!(
            text.contains(&format!("[default: {default}]")),
            "{flag}: {text}"
        );
        assert!(text.contains(env), "{flag}: {text}");
    }

    // A silent connection is closed after --header-timeout.
    let server = serve_with(&database, &dir, &["--header-timeout", "1"]);
    let address = server.url.strip_prefix("http://").unwrap();
    let started = std::time::Instant::now();
    let mut silent = std::net::TcpStream::connect(address).unwrap();
    silent
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 16];
    let read = std::io::Read::read(&mut silent, &mut buf);
    let waited = started.elapsed();
    assert!(
        matches!(read, Ok(0))
            || matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
        "{read:?}"
    );
    assert!(
        waited >= std::time::Duration::from_millis(950)
            && waited < std::time::Duration::from_secs(10),
        "closed after {waited:?}"
    );
    drop(server);
}
