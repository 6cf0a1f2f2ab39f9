//! A project owner baselines, forecasts and levels from the terminal.

use super::*;

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
    // A page at a time, compact: each page ends with the command that
    // prints the next, and the pages together name every task once.
    let mut args: Vec<String> = ["schedule", "LAUNCH", "--limit", "5", "--compact"]
        .map(String::from)
        .to_vec();
    let mut keys = Vec::new();
    loop {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let page = ok(&config, &refs);
        keys.extend(
            page.lines()
                .filter_map(|l| l.split_whitespace().next())
                .filter(|w| w.starts_with("LAUNCH-"))
                .map(String::from),
        );
        match page.lines().find_map(|l| l.strip_prefix("More: tandem ")) {
            Some(next) => args = next.split_whitespace().map(String::from).collect(),
            None => break,
        }
    }
    let whole: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "schedule", "LAUNCH"])).unwrap();
    assert_eq!(
        keys.len(),
        whole["tasks"].as_array().unwrap().len(),
        "{keys:?}"
    );
    let refused = fails(&config, &["schedule", "LAUNCH", "--limit", "0"]);
    assert!(refused.contains("--limit"), "{refused}");
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

    // A three-point estimate, typed as three figures; out of order is
    // refused by the server, naming the field; "none" clears it.
    ok(&config, &["task", "edit", &first, "--three-point", "2/3/6"]);
    let shown = ok(&config, &["task", "show", &first]);
    assert!(shown.contains("three-point 2 / 3 / 6 days"), "{shown}");
    let err = fails(&config, &["task", "edit", &first, "--three-point", "6/3/2"]);
    assert!(err.contains("three_point"), "{err}");
    let err = fails(
        &config,
        &["task", "edit", &first, "--three-point", "a week"],
    );
    assert!(err.contains("--three-point"), "{err}");
    ok(&config, &["task", "edit", &first, "--three-point", "none"]);
    let shown = ok(&config, &["task", "show", &first]);
    assert!(!shown.contains("three-point"), "{shown}");

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
    // A plan of certain estimates is said to be one, not given a spread.
    ok(&config, &["project", "add", "SURE", "--name", "Sure"]);
    ok(
        &config,
        &[
            "task",
            "add",
            "Only step",
            "--project",
            "SURE",
            "--estimate",
            "2d",
        ],
    );
    let certain = ok(&config, &["forecast", "SURE", "--runs", "50"]);
    assert!(
        certain.contains("warning: No task has a three-point estimate"),
        "{certain}"
    );

    let preview = ok(&config, &["level", "LAUNCH"]);
    assert!(preview.contains("OVERBOOKED BEFORE"), "{preview}");
    let levelling: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "level", "LAUNCH"])).unwrap();
    // The demo's launch books people twice: levelling delays someone.
    assert!(
        !levelling["delayed"].as_array().unwrap().is_empty(),
        "{levelling}"
    );
    assert!(preview.contains("--apply"), "{preview}");
    let applied = ok(&config, &["level", "LAUNCH", "--apply"]);
    assert!(
        applied.contains("Applied") && applied.contains("--undo takes it back"),
        "{applied}"
    );
    let after: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "level", "LAUNCH"])).unwrap();
    assert_eq!(after["delayed"], serde_json::json!([]), "{after}");
    // Taken back: the plan levels as it did before, once only.
    let undone = ok(&config, &["level", "LAUNCH", "--undo"]);
    assert!(undone.contains("taken back"), "{undone}");
    let again: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "level", "LAUNCH"])).unwrap();
    assert_eq!(again["delayed"], levelling["delayed"], "{again}");
    assert!(again["standing"].is_null(), "{again}");
    assert!(fails(&config, &["level", "LAUNCH", "--undo"]).contains("taken back already"));
    assert!(fails(&config, &["level", "LAUNCH", "--undo", "--apply"]).contains("--apply"));
    // Levelled again, then cleared: no task keeps a levelling delay.
    ok(&config, &["level", "LAUNCH", "--apply"]);
    let delayed_key = levelling["delayed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["levelling_delay_days"].as_f64() > Some(0.0))
        .expect("a task with a delay of its own")["key"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = json_of(&config, &["task", "show", &delayed_key]);
    assert!(
        shown["task"]["levelling_delay_hours"].as_f64() > Some(0.0),
        "{shown}"
    );
    let cleared = ok(&config, &["level", "LAUNCH", "--clear"]);
    assert!(
        cleared.contains("Levelling cleared") && cleared.contains(&delayed_key),
        "{cleared}"
    );
    let shown = json_of(&config, &["task", "show", &delayed_key]);
    assert_eq!(shown["task"]["levelling_delay_hours"], 0.0, "{shown}");
    let nothing = ok(&config, &["level", "LAUNCH", "--clear"]);
    assert!(nothing.contains("nothing to clear"), "{nothing}");
    let help = ok(&config, &["level", "--help"]);
    assert!(help.contains("--clear") && help.contains("--all"), "{help}");
    // Every active project, each around the others.
    let all = ok(&config, &["level", "--all"]);
    assert!(
        all.contains("OVERBOOKED BEFORE") && all.contains("LAUNCH") && all.contains("--apply"),
        "{all}"
    );
    let refused = fails(&config, &["level"]);
    assert!(refused.contains("<KEY>"), "{refused}");
    let applied = ok(&config, &["level", "--all", "--apply"]);
    assert!(applied.contains("Applied"), "{applied}");
    let again = json_of(&config, &["level", "--all"]);
    assert!(
        again["projects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["levelling"]["delayed"] == serde_json::json!([])),
        "{again}"
    );

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

/// A task says whose dates rule it, and the terminal switches it.
#[test]
fn a_task_is_dated_or_scheduled_from_the_terminal() {
    let (config, _server) = super::project_parts::parts_server("dated");
    let json = |args: &[&str]| super::project_parts::json(&config, args);
    let task = json(&[
        "task",
        "add",
        "Launch party",
        "--project",
        "PARTS",
        "--due",
        "2026-12-18",
        "--estimate",
        "2d",
    ]);
    let key = task["key"].as_str().unwrap().to_string();
    assert_eq!(task["scheduling"], "dated", "{task}");
    let shown = ok(&config, &["task", "show", &key]);
    assert!(
        shown.contains("scheduling  dated: keeps its start and due date (auto)"),
        "{shown}"
    );
    ok(
        &config,
        &["task", "edit", &key, "--scheduling", "scheduled"],
    );
    let shown = ok(&config, &["task", "show", &key]);
    assert!(
        shown.contains("scheduling  scheduled: its plan's links and estimate place it"),
        "{shown}"
    );
    let task = json(&["task", "show", &key]);
    assert_eq!(task["task"]["scheduling_mode"], "scheduled", "{task}");
    let refused = fails(
        &config,
        &["task", "edit", &key, "--scheduling", "sometimes"],
    );
    assert!(
        refused.contains("scheduling") && refused.contains("auto, dated, scheduled"),
        "{refused}"
    );
    let refused = fails(
        &config,
        &[
            "task",
            "edit",
            &key,
            "--due",
            "none",
            "--scheduling",
            "dated",
        ],
    );
    assert!(
        refused.contains("a dated task keeps its start or due date"),
        "{refused}"
    );
    assert_eq!(
        json(&["task", "show", &key])["task"]["due_date"],
        "2026-12-18"
    );
    let help = ok(&config, &["task", "edit", "--help"]);
    assert!(
        help.contains("--scheduling") && help.contains("auto"),
        "{help}"
    );

    // Time off, recorded and taken back from the terminal.
    let said = ok(
        &config,
        &[
            "member",
            "away",
            "ben@demo.tandem",
            "--from",
            "2027-03-01",
            "--to",
            "2027-03-03",
        ],
    );
    assert!(said.contains("2027-03-01 → 2027-03-03"), "{said}");
    let list = json(&["member", "time-off", "ben@demo.tandem"]);
    let off = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["start_date"] == "2027-03-01")
        .expect("the time off just recorded")["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let said = ok(
        &config,
        &["member", "time-off", "ben@demo.tandem", "--rm", &off],
    );
    assert!(
        said.contains(&format!("Took back time off #{off}")),
        "{said}"
    );
    let list = json(&["member", "time-off", "ben@demo.tandem"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"].as_i64().map(|i| i.to_string()) != Some(off.clone())),
        "{list}"
    );
    let refused = fails(
        &config,
        &["member", "time-off", "ben@demo.tandem", "--rm", &off],
    );
    assert!(refused.to_lowercase().contains("not found"), "{refused}");
}

fn json_of(config: &Path, args: &[&str]) -> serde_json::Value {
    super::project_parts::json(config, args)
}
