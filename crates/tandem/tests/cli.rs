//! The built `tandem` binary against a real `tandem serve` process.

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
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database",
            database,
        ])
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

#[test]
fn a_team_plans_a_project_from_the_terminal() {
    let dir = temp_dir("story");
    let database = format!("sqlite://{}", dir.join("tandem.db").display());
    let config = dir.join("config");
    let admin = |args: &[&str], stdin: Option<&str>| {
        let mut full: Vec<&str> = args.to_vec();
        full.extend(["--database", database.as_str()]);
        let out = tandem(&config, &full, stdin);
        assert!(
            out.status.success(),
            "{:?}: {}",
            args,
            String::from_utf8_lossy(&out.stderr)
        );
    };
    admin(
        &["admin", "workspace", "add", "acme", "--name", "Acme"],
        None,
    );
    admin(
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
        ],
        Some("s3cret-pass\n"),
    );
    admin(
        &[
            "admin",
            "user",
            "add",
            "ben@x.org",
            "--name",
            "Ben",
            "--workspace",
            "acme",
            "--role",
            "member",
            "--password-stdin",
        ],
        Some("s3cret-pass\n"),
    );
    // A bad role is refused before anything is written.
    let out = tandem(
        &config,
        &[
            "admin",
            "user",
            "add",
            "x@x.org",
            "--name",
            "X",
            "--workspace",
            "acme",
            "--role",
            "king",
            "--password-stdin",
            "--database",
            &database,
        ],
        Some("s3cret-pass\n"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--role"));

    let server = serve(&database, &dir);
    let out = tandem(
        &config,
        &[
            "login",
            "--server",
            &server.url,
            "--email",
            "ana@x.org",
            "--password-stdin",
        ],
        Some("wrong-password\n"),
    );
    assert!(!out.status.success(), "a wrong password must not sign in");
    let out = tandem(
        &config,
        &[
            "login",
            "--server",
            &server.url,
            "--email",
            "ana@x.org",
            "--password-stdin",
        ],
        Some("s3cret-pass\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let token = ok(&config, &["token", "create", "ci"]);
    assert!(token.trim().starts_with("tdm_"), "{token}");

    ok(
        &config,
        &[
            "project",
            "add",
            "LAUNCH",
            "--name",
            "Launch",
            "--objective",
            "Ship",
            "--owner",
            "ana@x.org",
            "--start",
            "2026-11-02",
            "--target",
            "2026-12-18",
        ],
    );
    assert!(ok(&config, &["project", "list"]).contains("LAUNCH"));
    ok(
        &config,
        &[
            "project",
            "edit",
            "LAUNCH",
            "--stage",
            "execution",
            "--budget",
            "5000",
        ],
    );
    let shown = ok(&config, &["project", "show", "LAUNCH"]);
    assert!(
        shown.contains("execution") && shown.contains("5000"),
        "{shown}"
    );

    let created = ok(
        &config,
        &[
            "task",
            "add",
            "Write brief",
            "--project",
            "LAUNCH",
            "--owner",
            "ben@x.org",
            "--due",
            "tomorrow",
            "--priority",
            "high",
            "--estimate",
            "3d",
        ],
    );
    assert!(created.contains("LAUNCH-1"), "{created}");
    ok(
        &config,
        &[
            "task",
            "add",
            "Design",
            "--project",
            "LAUNCH",
            "--due",
            "2026-12-01",
            "--parent",
            "LAUNCH-1",
        ],
    );
    ok(
        &config,
        &[
            "task",
            "add",
            "Build",
            "--project",
            "LAUNCH",
            "--owner",
            "ana@x.org",
            "--due",
            "yesterday",
        ],
    );
    ok(&config, &["task", "add", "Call the bank", "--due", "today"]);
    ok(
        &config,
        &[
            "task",
            "edit",
            "LAUNCH-2",
            "--status",
            "in progress",
            "--tag",
            "design",
        ],
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "task", "show", "LAUNCH-1"])).unwrap();
    assert_eq!(json["task"]["estimate_days"], 3.0);
    assert_eq!(json["task"]["owner"]["email"], "ben@x.org");

    ok(
        &config,
        &[
            "dep", "add", "LAUNCH-1", "LAUNCH-3", "--type", "SS", "--lag", "2d",
        ],
    );
    ok(
        &config,
        &["dep", "add", "LAUNCH-3", "LAUNCH-2", "--lag", "-1d"],
    );
    let cycle = fails(&config, &["dep", "add", "LAUNCH-2", "LAUNCH-1"]);
    assert!(
        cycle.contains("LAUNCH-2 → LAUNCH-1 → LAUNCH-3 → LAUNCH-2"),
        "{cycle}"
    );
    ok(&config, &["dep", "rm", "LAUNCH-3", "LAUNCH-2"]);
    // Elapsed and percentage lags.
    let added = ok(
        &config,
        &[
            "dep", "add", "LAUNCH-2", "LAUNCH-3", "--type", "FF", "--lag", "3ed",
        ],
    );
    assert!(added.contains("lag +3ed"), "{added}");
    assert!(ok(&config, &["dep", "list", "LAUNCH-3"]).contains("+3ed"));
    ok(&config, &["dep", "rm", "LAUNCH-2", "LAUNCH-3"]);
    let added = ok(
        &config,
        &["dep", "add", "LAUNCH-2", "LAUNCH-3", "--lag", "50%"],
    );
    assert!(added.contains("lag +50%"), "{added}");
    ok(&config, &["dep", "rm", "LAUNCH-2", "LAUNCH-3"]);
    assert!(
        fails(
            &config,
            &["dep", "add", "LAUNCH-2", "LAUNCH-3", "--lag", "3xd"]
        )
        .contains("--lag")
    );
    assert!(fails(&config, &["dep", "rm", "LAUNCH-3", "LAUNCH-2"]).contains("not found"));

    ok(
        &config,
        &[
            "risk",
            "add",
            "LAUNCH",
            "Supplier late",
            "--probability",
            "4",
            "--impact",
            "3",
            "--mitigation",
            "Second supplier",
        ],
    );
    let risks = ok(&config, &["risk", "list", "LAUNCH"]);
    assert!(
        risks.contains("Supplier late") && risks.contains("12") && risks.contains("high"),
        "{risks}"
    );
    let bad = fails(
        &config,
        &[
            "risk",
            "add",
            "LAUNCH",
            "x",
            "--probability",
            "9",
            "--impact",
            "0",
        ],
    );
    assert!(
        bad.contains("probability") && bad.contains("impact"),
        "{bad}"
    );

    let mine = ok(&config, &["task", "list", "--mine"]);
    assert!(
        mine.contains("LAUNCH-3") && !mine.contains("LAUNCH-1 "),
        "{mine}"
    );
    let filtered = ok(
        &config,
        &[
            "task",
            "list",
            "--project",
            "LAUNCH",
            "--status",
            "in_progress",
        ],
    );
    assert!(
        filtered.contains("LAUNCH-2") && !filtered.contains("LAUNCH-3"),
        "{filtered}"
    );

    let my = ok(&config, &["my"]);
    let overdue = my.find("Overdue").expect("an overdue group");
    let today = my.find("Today").expect("a today group");
    assert!(
        overdue < my.find("LAUNCH-3").unwrap() && my.find("LAUNCH-3").unwrap() < today,
        "{my}"
    );
    assert!(my.contains("Call the bank"), "{my}");

    ok(&config, &["task", "done", "LAUNCH-3"]);
    assert!(!ok(&config, &["my"]).contains("LAUNCH-3"));

    // Errors go to stderr with a non-zero exit; the bad date is named.
    let err = fails(&config, &["task", "add", "x", "--due", "someday"]);
    assert!(err.contains("--due"), "{err}");
    let err = fails(&config, &["task", "show", "LAUNCH-99"]);
    assert!(err.contains("not found"), "{err}");

    // The environment overrides the config file.
    let other = dir.join("elsewhere");
    let out = Command::new(BIN)
        .args(["project", "list"])
        .env("TANDEM_CONFIG_DIR", &other)
        .env("TANDEM_SERVER", &server.url)
        .env("TANDEM_TOKEN", token.trim())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("LAUNCH"));
}

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
fn a_project_owner_baselines_forecasts_and_levels_from_the_terminal() {
    let dir = temp_dir("planning");
    let database = format!("sqlite://{}", dir.join("demo.db").display());
    let config = dir.join("config");
    let server = serve_demo(&database, &config);

    let schedule = ok(&config, &["schedule", "LAUNCH"]);
    assert!(schedule.contains("Critical path: LAUNCH-"), "{schedule}");
    assert!(
        !schedule.contains("FINISH VARIANCE"),
        "no baseline yet: {schedule}"
    );
    let saved = ok(
        &config,
        &["baseline", "save", "LAUNCH", "--name", "Signed off"],
    );
    assert!(saved.contains("Signed off"), "{saved}");
    let list = ok(&config, &["baseline", "list", "LAUNCH"]);
    assert!(
        list.contains("Signed off") && list.contains("ana@demo.tandem"),
        "{list}"
    );

    // The first task on the critical path slips by a week: the finish
    // variance shows it.
    let plan: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "schedule", "LAUNCH"])).unwrap();
    let first = plan["critical_path"][0].as_str().unwrap().to_string();
    let finish_before = plan["finish"].as_str().unwrap().to_string();
    ok(
        &config,
        &[
            "task",
            "edit",
            &first,
            "--constraint",
            "snet",
            "--constraint-date",
            "+7d",
        ],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "task", "show", &first])).unwrap();
    assert_eq!(shown["task"]["constraint_type"], "snet");
    let schedule = ok(&config, &["schedule", "LAUNCH"]);
    assert!(
        schedule.contains("FINISH VARIANCE") && schedule.contains("Baseline: Signed off"),
        "{schedule}"
    );
    let plan: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "schedule", "LAUNCH"])).unwrap();
    assert!(
        plan["finish"].as_str().unwrap() > finish_before.as_str(),
        "{plan}"
    );
    let last = plan["critical_path"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    let row = plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == last)
        .unwrap();
    assert!(
        row["variance"]["finish_days"].as_f64().unwrap() > 0.0,
        "{row}"
    );

    // A constraint without its date is refused, naming the field.
    let err = fails(
        &config,
        &[
            "task",
            "edit",
            &first,
            "--constraint",
            "mso",
            "--constraint-date",
            "none",
        ],
    );
    assert!(err.contains("constraint_date"), "{err}");
    let err = fails(
        &config,
        &["task", "edit", &first, "--actual-start", "soonish"],
    );
    assert!(err.contains("--actual-start"), "{err}");

    let forecast = ok(
        &config,
        &["forecast", "LAUNCH", "--runs", "500", "--seed", "7"],
    );
    assert!(
        forecast.contains("P50") && forecast.contains("500 runs (seed 7)"),
        "{forecast}"
    );
    assert_eq!(
        forecast,
        ok(
            &config,
            &["forecast", "LAUNCH", "--runs", "500", "--seed", "7"]
        ),
        "the same seed gives the same forecast"
    );
    assert!(fails(&config, &["forecast", "LAUNCH", "--runs", "0"]).contains("runs"));

    let preview = ok(&config, &["level", "LAUNCH"]);
    assert!(preview.contains("OVERBOOKED BEFORE"), "{preview}");
    let levelling: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "level", "LAUNCH"])).unwrap();
    if !levelling["delayed"].as_array().unwrap().is_empty() {
        assert!(preview.contains("--apply"), "{preview}");
        let applied = ok(&config, &["level", "LAUNCH", "--apply"]);
        assert!(applied.contains("Applied"), "{applied}");
    }
    let after: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "level", "LAUNCH"])).unwrap();
    assert_eq!(after["delayed"], serde_json::json!([]), "{after}");

    let id = list
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    ok(&config, &["baseline", "rm", "LAUNCH", &id]);
    assert!(fails(&config, &["baseline", "rm", "LAUNCH", &id]).contains("not found"));
    drop(server);
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

#[test]
fn a_person_joins_a_workspace_by_accepting_an_invitation() {
    let dir = temp_dir("invite");
    let database = format!("sqlite://{}", dir.join("invite.db").display());
    let ana = dir.join("ana");
    let server = serve_demo(&database, &ana);
    // Someone with an account in a workspace of their own, made offline.
    ok(
        &ana,
        &[
            "admin",
            "workspace",
            "add",
            "solo",
            "--name",
            "Solo",
            "--database",
            &database,
        ],
    );
    let out = tandem(
        &ana,
        &[
            "admin",
            "user",
            "add",
            "newcomer@x.org",
            "--name",
            "Newcomer",
            "--workspace",
            "solo",
            "--role",
            "owner",
            "--password-stdin",
            "--database",
            &database,
        ],
        Some("a long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let invited = ok(
        &ana,
        &["member", "invite", "newcomer@x.org", "--role", "guest"],
    );
    assert!(
        invited.contains("Invited newcomer@x.org to demo as guest"),
        "{invited}"
    );
    assert!(ok(&ana, &["member", "invitations"]).contains("newcomer@x.org"));
    assert!(fails(&ana, &["member", "invite", "x@x.org", "--role", "boss"]).contains("boss"));

    let newcomer = dir.join("newcomer");
    let out = tandem(
        &newcomer,
        &[
            "login",
            "--server",
            &server.url,
            "--email",
            "newcomer@x.org",
            "--password-stdin",
        ],
        Some("a long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let waiting: serde_json::Value =
        serde_json::from_str(&ok(&newcomer, &["--json", "invitation", "list"])).unwrap();
    assert_eq!(waiting[0]["workspace"], "demo");
    let id = waiting[0]["id"].to_string();
    let joined = ok(&newcomer, &["invitation", "accept", &id]);
    assert!(
        joined.contains("Joined") && joined.contains("as guest"),
        "{joined}"
    );
    // A guest of the demo sees no project until made a stakeholder.
    let projects: serde_json::Value =
        serde_json::from_str(&ok(&newcomer, &["--json", "-w", "demo", "project", "list"])).unwrap();
    assert_eq!(projects.as_array().unwrap().len(), 0);
    assert!(ok(&ana, &["member", "list"]).contains("newcomer@x.org"));
    assert!(!ok(&ana, &["member", "invitations"]).contains("newcomer@x.org"));
    drop(server);
}

#[test]
fn a_task_is_added_from_one_line() {
    let dir = temp_dir("quick");
    let database = format!("sqlite://{}", dir.join("quick.db").display());
    let config = dir.join("config");
    let _server = serve_demo(&database, &config);
    let out = ok(&config, &["add", "Write brief @ben #LAUNCH due fri !high"]);
    assert!(out.starts_with("Created LAUNCH-"), "{out}");
    assert!(
        out.contains("Write brief") && out.contains("high priority"),
        "{out}"
    );
    let task: serde_json::Value = serde_json::from_str(&ok(
        &config,
        &["--json", "add", "Book the venue @ben #LAUNCH due fri !high"],
    ))
    .unwrap();
    assert_eq!(task["title"], "Book the venue");
    assert_eq!(task["priority"], "high");
    assert!(task["owner"]["email"].as_str().unwrap().starts_with("ben"));
    assert!(task["due_date"].is_string());
    // A line that names nobody known is refused, naming the field.
    let err = fails(&config, &["add", "Call @nobody-at-all about it"]);
    assert!(err.contains("owner"), "{err}");
}
