//! `tandem repeat preview`: a rule's dates, one a line, without a server;
//! on a project's working days through one.

use super::project_parts::{json, parts_server};
use super::*;

#[test]
fn a_rule_prints_its_dates_one_a_line() {
    // No server and no sign-in: a rule alone is expanded by the CLI.
    let config = temp_dir("repeat-alone").join("config");
    let dates = ok(
        &config,
        &[
            "repeat",
            "preview",
            "FREQ=MONTHLY;BYDAY=1MO",
            "--from",
            "2027-01-01",
            "--count",
            "3",
        ],
    );
    assert_eq!(dates, "2027-01-04\n2027-02-01\n2027-03-01\n");
    let out = tandem(
        &config,
        &[
            "repeat",
            "preview",
            "every 2 weeks on tue, thu",
            "--from",
            "2027-01-04",
            "--count",
            "4",
        ],
        None,
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2027-01-05\n2027-01-07\n2027-01-19\n2027-01-21\n"
    );
    // The rule in words, on standard error where it does not mix with
    // the dates.
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Every 2 weeks on Tue, Thu (FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH)")
    );
    // Days off: the 15th of May 2027 is a Saturday.
    let moved = ok(
        &config,
        &[
            "repeat",
            "preview",
            "monthly on the 15th",
            "--from",
            "2027-05-01",
            "--count",
            "2",
            "--working-days",
            "next",
        ],
    );
    assert_eq!(moved, "2027-05-17\n2027-06-15\n");

    let said = fails(&config, &["repeat", "preview", "every blue moon"]);
    assert!(said.contains("\"blue\""), "{said}");
    let said = fails(&config, &["repeat", "preview", "daily", "--count", "0"]);
    assert!(said.contains("--count"), "{said}");
    let said = fails(
        &config,
        &["repeat", "preview", "daily", "--working-days", "often"],
    );
    assert!(said.contains("--working-days"), "{said}");
}

#[test]
fn a_rule_lands_on_a_projects_working_days_through_the_server() {
    let (config, _server) = parts_server("repeat");
    ok(
        &config,
        &[
            "calendar",
            "add",
            "PARTS",
            "Founders' day",
            "--from",
            "2027-02-15",
        ],
    );
    let dates = ok(
        &config,
        &[
            "repeat",
            "preview",
            "monthly on the 15th",
            "--from",
            "2027-01-01",
            "--count",
            "2",
            "--project",
            "PARTS",
            "--working-days",
            "skip",
        ],
    );
    assert_eq!(dates, "2027-01-15\n2027-03-15\n");
    let said = fails(
        &config,
        &["repeat", "preview", "daily", "--project", "NOPE"],
    );
    assert!(said.to_lowercase().contains("not found"), "{said}");
}

#[test]
fn a_recurring_task_done_leaves_one_open_occurrence_on_its_next_date() {
    for (config, _server) in super::above_projects::parts_servers("repeat-task") {
        let made = ok(
            &config,
            &[
                "task",
                "add",
                "Restore drill",
                "--project",
                "PARTS",
                "--due",
                "2027-01-04",
                "--repeat",
                "FREQ=MONTHLY;BYDAY=1MO",
            ],
        );
        assert!(made.contains("Every month on the first Mon"), "{made}");
        let key = made.split_whitespace().nth(1).unwrap().to_string();
        ok(&config, &["task", "done", &key]);
        let open = |config: &std::path::Path| -> Vec<(String, String)> {
            let list = json(config, &["task", "list", "--project", "PARTS"]);
            list.as_array()
                .unwrap()
                .iter()
                .filter(|t| t["title"] == "Restore drill" && t["status"] != "done")
                .map(|t| {
                    (
                        t["key"].as_str().unwrap().to_string(),
                        t["due_date"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        let next = open(&config);
        assert_eq!(next.len(), 1, "{next:?}");
        assert_eq!(next[0].1, "2027-02-01");
        // The occurrence shows its series; ended, a series makes no more.
        let shown = ok(&config, &["task", "show", &next[0].0]);
        assert!(
            shown.contains("repeats     Every month on the first Mon"),
            "{shown}"
        );
        ok(&config, &["repeat", "end", &next[0].0]);
        ok(&config, &["task", "done", &next[0].0]);
        assert!(open(&config).is_empty());

        // After completion, reopened: the same task, due two weeks on.
        let made = ok(
            &config,
            &[
                "task",
                "add",
                "Pay invoices",
                "--project",
                "PARTS",
                "--due",
                "2027-01-15",
                "--repeat",
                "every 2 weeks",
                "--repeat-mode",
                "after-done",
                "--repeat-reuse",
                "reopen",
            ],
        );
        let key = made.split_whitespace().nth(1).unwrap().to_string();
        let again = json(&config, &["task", "done", &key]);
        assert_eq!(again["key"], key.as_str());
        assert_eq!(again["status"], "todo");
        let today = chrono::Local::now().date_naive();
        assert_eq!(
            again["due_date"],
            (today + chrono::Days::new(14)).to_string()
        );

        // A task made to repeat after it was made.
        let made = ok(
            &config,
            &[
                "task",
                "add",
                "Water plants",
                "--project",
                "PARTS",
                "--due",
                "2027-01-05",
            ],
        );
        let plants = made.split_whitespace().nth(1).unwrap().to_string();
        let said = ok(
            &config,
            &[
                "repeat",
                "start",
                &plants,
                "every weekday",
                "--working-days",
                "next",
            ],
        );
        assert!(said.contains("Every weekday"), "{said}");
        let shown = json(&config, &["task", "show", &plants]);
        assert_eq!(
            shown["task"]["recurrence"]["landing"], "next_working_day",
            "{shown}"
        );
        let said = fails(&config, &["repeat", "start", &plants, "daily"]);
        assert!(said.contains("repeats already"), "{said}");
        let said = ok(
            &config,
            &["repeat", "edit", &plants, "--rule", "every 2 weeks on tue"],
        );
        assert!(said.contains("Every 2 weeks on Tue"), "{said}");
        let shown = json(&config, &["task", "show", &plants]);
        assert_eq!(
            shown["task"]["recurrence"]["rule"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            "{shown}"
        );
        assert_eq!(
            shown["task"]["recurrence"]["landing"], "next_working_day",
            "{shown}"
        );

        // What is wrong is said, and nothing is made.
        let said = fails(
            &config,
            &[
                "task",
                "add",
                "Undated",
                "--project",
                "PARTS",
                "--repeat",
                "daily",
            ],
        );
        assert!(said.contains("due_date"), "{said}");
        let said = fails(
            &config,
            &[
                "task",
                "add",
                "Odd",
                "--project",
                "PARTS",
                "--due",
                "2027-01-04",
                "--repeat",
                "every blue moon",
            ],
        );
        assert!(
            said.contains("repeat.rule") && said.contains("\"blue\""),
            "{said}"
        );
        let said = fails(
            &config,
            &["task", "add", "Plain", "--repeat-mode", "schedule"],
        );
        assert!(said.contains("--repeat"), "{said}");
        let list = json(&config, &["task", "list", "--project", "PARTS"]);
        assert!(
            !list.to_string().contains("Undated") && !list.to_string().contains("\"Odd\""),
            "{list}"
        );
    }
}

#[test]
fn a_skipped_date_makes_no_occurrence_and_the_next_comes_after_it() {
    let (config, _server) = parts_server("repeat-skip");
    let made = json(
        &config,
        &[
            "task",
            "add",
            "Standup notes",
            "--project",
            "PARTS",
            "--due",
            "2027-01-04",
            "--repeat",
            "weekly",
        ],
    );
    let key = made["key"].as_str().unwrap().to_string();
    let skipped = ok(
        &config,
        &["repeat", "skip", &key, "2027-01-11", "2027-01-25"],
    );
    assert!(skipped.contains("2027-01-11, 2027-01-25"), "{skipped}");
    ok(&config, &["task", "done", &key]);
    let list = json(&config, &["task", "list", "--project", "PARTS"]);
    let open: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["title"] == "Standup notes" && t["status"] != "done")
        .map(|t| t["due_date"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["2027-01-18"]);
    // The list replaced, then emptied.
    let changed = json(&config, &["repeat", "edit", &key, "--skip", "2027-02-01"]);
    assert_eq!(changed["skip"], serde_json::json!(["2027-02-01"]));
    let changed = json(&config, &["repeat", "edit", &key, "--skip", "none"]);
    assert_eq!(changed["skip"], serde_json::json!([]));
    let said = fails(&config, &["repeat", "skip", &key, "someday"]);
    assert!(said.contains("skip"), "{said}");
    // One line says how it repeats.
    let added = ok(&config, &["add", "Check the backups #PARTS every weekday"]);
    assert!(
        added.contains("Check the backups") && added.contains("repeats every weekday"),
        "{added}"
    );
}
