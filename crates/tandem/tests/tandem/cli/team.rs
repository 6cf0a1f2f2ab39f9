//! A team plans a project from the terminal, and adds a task from one line.

use super::*;

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
    // LAUNCH-3 waits for LAUNCH-1, which finishes with its subtask
    // LAUNCH-2: LAUNCH-2 cannot also wait for LAUNCH-3.
    let cycle = fails(
        &config,
        &["dep", "add", "LAUNCH-3", "LAUNCH-2", "--lag", "-1d"],
    );
    assert!(
        cycle.contains("LAUNCH-3 → LAUNCH-2 → LAUNCH-1 → LAUNCH-3"),
        "{cycle}"
    );
    // A negative lag on a link that closes nothing.
    ok(
        &config,
        &["dep", "add", "LAUNCH-2", "LAUNCH-3", "--lag", "-1d"],
    );
    assert!(ok(&config, &["dep", "list", "LAUNCH-3"]).contains("-1d"));
    ok(&config, &["dep", "rm", "LAUNCH-2", "LAUNCH-3"]);
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
    // A wrong word is named by its flag before anything is sent; an edit
    // without a field flag is refused; "none" clears a field.
    let err = fails(&config, &["task", "add", "x", "--priority", "whenever"]);
    assert!(
        err.contains("--priority") && err.contains("urgent"),
        "{err}"
    );
    let err = fails(&config, &["task", "edit", "LAUNCH-1"]);
    assert!(err.contains("nothing to change"), "{err}");
    ok(
        &config,
        &[
            "task",
            "edit",
            "LAUNCH-1",
            "--owner",
            "none",
            "--estimate",
            "none",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "task", "show", "LAUNCH-1"])).unwrap();
    assert!(json["task"]["owner"].is_null(), "{json}");
    assert!(json["task"]["estimate_days"].is_null(), "{json}");
    assert_eq!(json["task"]["title"], "Write brief", "{json}");

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
