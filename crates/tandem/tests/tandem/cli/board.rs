//! `tandem task bulk-edit` and `tandem task move`.

use super::*;

/// A task of the demo's LAUNCH project, as the API shows it.
fn task_json(config: &Path, key: &str) -> serde_json::Value {
    let list: serde_json::Value = serde_json::from_str(&ok(
        config,
        &[
            "--json",
            "task",
            "list",
            "--project",
            "LAUNCH",
            "--limit",
            "500",
        ],
    ))
    .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .cloned()
        .unwrap_or_else(|| panic!("no task {key}"))
}

#[test]
fn tasks_are_edited_in_bulk_and_moved_from_the_terminal() {
    let dir = temp_dir("bulk");
    let database = format!("sqlite://{}", dir.join("bulk.db").display());
    let config = dir.join("config");
    let _server = serve_demo(&database, &config);
    let list: serde_json::Value = serde_json::from_str(&ok(
        &config,
        &[
            "--json",
            "task",
            "list",
            "--project",
            "LAUNCH",
            "--limit",
            "2",
        ],
    ))
    .unwrap();
    let keys: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_string())
        .collect();
    let (one, two) = (keys[0].as_str(), keys[1].as_str());

    let out = ok(
        &config,
        &[
            "task",
            "bulk-edit",
            one,
            two,
            "--status",
            "in-progress",
            "--priority",
            "urgent",
            "--owner",
            "none",
            "--due",
            "2027-05-03",
        ],
    );
    assert!(out.starts_with("Updated 2 tasks"), "{out}");
    for key in [one, two] {
        let task = task_json(&config, key);
        assert_eq!(task["status"], "in_progress", "{task}");
        assert_eq!(task["priority"], "urgent", "{task}");
        assert_eq!(task["owner"], serde_json::Value::Null, "{task}");
        assert_eq!(task["due_date"], "2027-05-03", "{task}");
    }
    let answer: serde_json::Value = serde_json::from_str(&ok(
        &config,
        &["--json", "task", "bulk-edit", one, "--due", "none"],
    ))
    .unwrap();
    assert_eq!(answer[0]["key"], one);
    assert_eq!(answer[0]["due_date"], serde_json::Value::Null);
    ok(
        &config,
        &[
            "task",
            "bulk-edit",
            two,
            "--status",
            "blocked",
            "--blocked-reason",
            "Waiting on legal",
        ],
    );
    let blocked = task_json(&config, two);
    assert_eq!(blocked["status"], "blocked", "{blocked}");
    assert_eq!(blocked["blocked_reason"], "Waiting on legal", "{blocked}");

    // Bad input: the command says what was wrong, exits non-zero, and
    // nothing changes.
    let before = task_json(&config, one);
    for (args, says) in [
        (
            vec!["task", "bulk-edit", one, "--status", "finished"],
            "--status",
        ),
        (
            vec!["task", "bulk-edit", one, "--priority", "meh"],
            "--priority",
        ),
        (
            vec!["task", "bulk-edit", one, "--owner", "nobody"],
            "--owner",
        ),
        (vec!["task", "bulk-edit", one, "--due", "someday"], "--due"),
        (vec!["task", "bulk-edit", one], "nothing to change"),
        (vec!["task", "bulk-edit", "--status", "done"], "KEYS"),
        (
            vec!["task", "bulk-edit", one, "LAUNCH-9999", "--status", "done"],
            "not found",
        ),
        (
            vec!["task", "bulk-edit", one, "--owner", "stranger@x.org"],
            "owner",
        ),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(task_json(&config, one), before);
    let help = ok(&config, &["task", "bulk-edit", "--help"]);
    for word in ["in_progress", "cancelled", "urgent", "YYYY-MM-DD", "none"] {
        assert!(help.contains(word), "{help}");
    }

    // A move: to another column, after another card.
    let out = ok(
        &config,
        &["task", "move", one, "--status", "done", "--after", two],
    );
    assert!(
        out.starts_with(&format!("Moved {one}")) && out.contains("[done]"),
        "{out}"
    );
    assert_eq!(task_json(&config, one)["status"], "done");
    let before = task_json(&config, one);
    for (args, says) in [
        (vec!["task", "move", one], "nothing to do"),
        (vec!["task", "move", one, "--status", "bogus"], "--status"),
        (
            vec!["task", "move", "LAUNCH-9999", "--status", "todo"],
            "not found",
        ),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(task_json(&config, one), before);
    let help = ok(&config, &["task", "move", "--help"]);
    for word in ["in_progress", "--after", "--before", "--blocked-reason"] {
        assert!(help.contains(word), "{help}");
    }
    // Blocked, with why.
    ok(
        &config,
        &[
            "task",
            "move",
            two,
            "--status",
            "blocked",
            "--blocked-reason",
            "Waiting on legal",
        ],
    );
    let blocked = task_json(&config, two);
    assert_eq!(blocked["status"], "blocked");
    assert_eq!(blocked["blocked_reason"], "Waiting on legal");
}
