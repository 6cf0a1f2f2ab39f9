//! `tandem lint`: a plan's findings from the terminal, on SQLite and
//! PostgreSQL; rules switched off and on; a fix Tandem makes; bad rule
//! names and fixes that do not exist refused by what was wrong.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Local};

use super::project_parts::json;
use super::*;

fn rules(lint: &serde_json::Value) -> BTreeSet<String> {
    lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_plan_is_linted_switched_and_fixed_from_the_terminal() {
    let today = Local::now().date_naive();
    let monday =
        today + Days::new(14 + (7 - u64::from(today.weekday().num_days_from_monday())) % 7);
    let (start, held) = (monday.to_string(), (monday + Days::new(21)).to_string());
    for (ana, server) in super::above_projects::parts_servers("lint") {
        ok(
            &ana,
            &[
                "project", "add", "LNT", "--name", "Lint me", "--start", &start,
            ],
        );
        for title in ["Survey", "Draft", "Review"] {
            ok(&ana, &["task", "add", title, "--project", "LNT"]);
        }
        ok(
            &ana,
            &[
                "task",
                "edit",
                "LNT-3",
                "--constraint",
                "snet",
                "--constraint-date",
                &held,
            ],
        );
        let found = json(&ana, &["lint", "LNT"]);
        for f in found["findings"].as_array().unwrap() {
            assert!(f["severity"].is_string() && f["objects"].is_array(), "{f}");
        }
        let named = rules(&found);
        for rule in ["unowned-tasks", "unestimated-work", "dangling-constraints"] {
            assert!(named.contains(rule), "{rule} missing: {found}");
        }
        let unowned = found["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "unowned-tasks")
            .unwrap();
        assert_eq!(unowned["objects"][0]["key"], "LNT-1", "{unowned}");

        // In words: the rule, why, and the fix with its command.
        let said = ok(&ana, &["lint", "LNT"]);
        assert!(
            said.contains("unowned-tasks") && said.contains("why: "),
            "{said}"
        );
        assert!(
            said.contains("tandem lint LNT --fix dangling-constraints"),
            "{said}"
        );

        // Switched off, a rule says nothing; the others still speak.
        let quiet = json(&ana, &["lint", "LNT", "--off", "unestimated-work"]);
        assert!(!rules(&quiet).contains("unestimated-work"), "{quiet}");
        assert!(rules(&quiet).contains("unowned-tasks"));
        let said = ok(&ana, &["lint", "LNT"]);
        assert!(
            said.contains("Switched off here: unestimated-work."),
            "{said}"
        );
        let loud = json(&ana, &["lint", "LNT", "--on", "unestimated-work"]);
        assert!(rules(&loud).contains("unestimated-work"), "{loud}");

        // The fix Tandem can make.
        let said = ok(&ana, &["lint", "LNT", "--fix", "dangling-constraints"]);
        assert!(
            said.contains(
                "Fixed dangling-constraints: cleared the start-no-earlier-than date of 1 task."
            ),
            "{said}"
        );
        let task = json(&ana, &["task", "show", "LNT-3"]);
        assert!(task["constraint_type"].is_null(), "{task}");

        // What was wrong, and nothing changed.
        let wrong = fails(&ana, &["lint", "LNT", "--off", "stale"]);
        assert!(
            wrong.contains("must be one of") && wrong.contains("orphan-task"),
            "{wrong}"
        );
        let both = fails(
            &ana,
            &["lint", "LNT", "--off", "flat-list", "--on", "flat-list"],
        );
        assert!(both.contains("one way at a time"), "{both}");
        let no_fix = fails(&ana, &["lint", "LNT", "--fix", "unowned-tasks"]);
        assert!(no_fix.contains("has no fix"), "{no_fix}");
        let missing = fails(&ana, &["lint", "NOPE"]);
        assert!(missing.contains("not found"), "{missing}");
        let mut left = rules(&loud);
        left.remove("dangling-constraints");
        assert_eq!(rules(&json(&ana, &["lint", "LNT"])), left);
        drop(server);
    }
}
