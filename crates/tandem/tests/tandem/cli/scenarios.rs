//! `tandem scenario` and the `--scenario` of `task edit` and `dep add|rm`:
//! a what-if branch of a plan from the terminal, on SQLite and
//! PostgreSQL, compared, applied and discarded as the contract says.

use super::project_parts::json;
use super::*;

fn is_minute(text: &serde_json::Value) -> bool {
    text.as_str()
        .is_some_and(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").is_ok())
}

#[test]
fn a_scenario_is_branched_changed_compared_applied_and_removed() {
    for (ana, server) in super::above_projects::parts_servers("scenarios") {
        let estimate =
            |key: &str| json(&ana, &["task", "show", key])["task"]["estimate_days"].clone();
        let before = estimate("LAUNCH-9");
        ok(&ana, &["scenario", "add", "LAUNCH", "Late vendor"]);
        let said = ok(
            &ana,
            &[
                "task",
                "edit",
                "LAUNCH-9",
                "--scenario",
                "Late vendor",
                "--estimate",
                "20d",
            ],
        );
        assert!(said.contains("the plan is untouched"), "{said}");
        let said = ok(
            &ana,
            &[
                "dep",
                "add",
                "LAUNCH-9",
                "LAUNCH-25",
                "--scenario",
                "Late vendor",
            ],
        );
        assert!(
            said.contains("Linked LAUNCH-9 → LAUNCH-25 in scenario Late vendor"),
            "{said}"
        );
        assert_eq!(estimate("LAUNCH-9"), before, "the plan is untouched");

        let c = json(&ana, &["scenario", "compare", "LAUNCH", "Late vendor"]);
        assert!(
            is_minute(&c["plan_finish"]) && is_minute(&c["scenario_finish"]),
            "{c}"
        );
        assert!(
            c["scenario_finish"].as_str() > c["plan_finish"].as_str(),
            "twenty days on the critical path finish later: {c}"
        );
        let words = ok(&ana, &["scenario", "compare", "LAUNCH", "Late vendor"]);
        assert!(words.contains("critical path (scenario)"), "{words}");

        let f = json(
            &ana,
            &[
                "scenario",
                "forecast",
                "LAUNCH",
                "Late vendor",
                "--runs",
                "100",
            ],
        );
        assert_eq!(f["planned_finish"], c["scenario_finish"], "{f}");
        assert!(is_minute(&f["finish"]["p80"]), "{f}");
        // Wrong names and units say what was wrong.
        let missing = fails(
            &ana,
            &[
                "task",
                "edit",
                "LAUNCH-9",
                "--scenario",
                "Nope",
                "--estimate",
                "1d",
            ],
        );
        assert!(missing.contains("not found"), "{missing}");
        let elapsed = fails(
            &ana,
            &[
                "dep",
                "add",
                "LAUNCH-1",
                "LAUNCH-25",
                "--scenario",
                "Late vendor",
                "--lag",
                "3ed",
            ],
        );
        assert!(elapsed.contains("working time"), "{elapsed}");
        let other = fails(
            &ana,
            &[
                "task",
                "edit",
                "LAUNCH-9",
                "--scenario",
                "Late vendor",
                "--status",
                "done",
            ],
        );
        assert!(other.contains("not part of a scenario"), "{other}");

        let applied = ok(&ana, &["scenario", "apply", "LAUNCH", "Late vendor"]);
        assert!(applied.contains("1 task(s), 1 link(s)"), "{applied}");
        assert_eq!(estimate("LAUNCH-9"), serde_json::json!(20.0));
        let gone = fails(&ana, &["scenario", "compare", "LAUNCH", "Late vendor"]);
        assert!(gone.contains("not found"), "{gone}");

        ok(&ana, &["scenario", "add", "LAUNCH", "Spare"]);
        let listed = json(&ana, &["scenario", "list", "LAUNCH"]);
        assert_eq!(listed[0]["name"], "Spare", "{listed}");
        ok(&ana, &["scenario", "rm", "LAUNCH", "Spare"]);
        assert!(ok(&ana, &["scenario", "list", "LAUNCH"]).contains("no scenario"));
        drop(server);
    }
}
