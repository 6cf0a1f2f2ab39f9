//! `tandem scenario` and the `--scenario` of `task edit`, `dep add|rm`,
//! `calendar` and `level`:
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
        // Sixteen more days of work miss the demo's due date, which the plan meets.
        let late = serde_json::json!("LAUNCH-9 finishes after its due date");
        assert!(c["new_warnings"].as_array().unwrap().contains(&late), "{c}");
        assert!(
            words.contains("warned of in the scenario, not in the plan (")
                && words.contains("  LAUNCH-9 finishes after its due date\n"),
            "{words}"
        );

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

        // The calendar and levelling, in the scenario only.
        let plan_week = json(&ana, &["calendar", "list", "LAUNCH"])["work_week"].clone();
        let said = ok(
            &ana,
            &[
                "calendar",
                "week",
                "LAUNCH",
                "--scenario",
                "Spare",
                "--work-week",
                "09:00-17:00|09:00-17:00|09:00-17:00|09:00-17:00|||",
            ],
        );
        assert!(said.contains("Fri  off"), "{said}");
        let added = json(
            &ana,
            &[
                "calendar",
                "add",
                "LAUNCH",
                "Offsite",
                "--from",
                "2027-01-05",
                "--scenario",
                "Spare",
            ],
        );
        assert_eq!(added["calendar"]["added"][0]["id"], -1, "{added}");
        let listed = ok(&ana, &["calendar", "list", "LAUNCH", "--scenario", "Spare"]);
        assert!(
            listed.contains("Scenario Spare adds #-1 Offsite"),
            "{listed}"
        );
        let taken = ok(
            &ana,
            &["calendar", "rm", "LAUNCH", "-1", "--scenario", "Spare"],
        );
        assert!(taken.contains("Took #-1 away"), "{taken}");
        let bad = fails(
            &ana,
            &["calendar", "rm", "LAUNCH", "-1", "--scenario", "Spare"],
        );
        assert!(bad.contains("adds no exception"), "{bad}");
        assert_eq!(
            json(&ana, &["calendar", "list", "LAUNCH"])["work_week"],
            plan_week,
            "the plan's week is untouched"
        );
        let preview = ok(&ana, &["level", "LAUNCH", "--scenario", "Spare"]);
        assert!(preview.contains("Finish"), "{preview}");
        let levelled = ok(&ana, &["level", "LAUNCH", "--scenario", "Spare", "--apply"]);
        assert!(
            levelled.contains("Levelled in scenario Spare only"),
            "{levelled}"
        );
        let cleared = ok(&ana, &["level", "LAUNCH", "--scenario", "Spare", "--clear"]);
        assert!(
            cleared.contains("Levelling cleared in scenario Spare"),
            "{cleared}"
        );
        // What work costs, by members' rates, beside the plan's.
        let said = ok(&ana, &["member", "rate", "ben@demo.tandem", "85"]);
        assert!(said.contains("costs 85"), "{said}");
        let bad = fails(&ana, &["member", "rate", "ben@demo.tandem", "lots"]);
        assert!(bad.contains("an amount an hour"), "{bad}");
        assert!(ok(&ana, &["member", "list"]).contains("85/h"));
        let words = ok(&ana, &["scenario", "compare", "LAUNCH", "Spare"]);
        assert!(words.contains("working week: 09:00-17:00"), "{words}");
        assert!(words.contains("cost "), "{words}");
        let c = json(&ana, &["scenario", "compare", "LAUNCH", "Spare"]);
        assert!(c["plan_cost"].as_f64().unwrap() > 0.0, "{c}");
        // A task the scenario changes, deleted from the plan: the scenario
        // says what went with it.
        let made = json(&ana, &["task", "add", "Throwaway", "--project", "LAUNCH"]);
        let throwaway = made["key"].as_str().unwrap().to_string();
        ok(
            &ana,
            &[
                "task",
                "edit",
                &throwaway,
                "--scenario",
                "Spare",
                "--estimate",
                "2d",
            ],
        );
        assert_eq!(
            ok(&ana, &["task", "rm", &throwaway]).trim(),
            format!("Deleted {throwaway}.")
        );
        assert!(fails(&ana, &["task", "show", &throwaway]).contains("not found"));
        let listed = ok(&ana, &["scenario", "list", "LAUNCH"]);
        assert!(
            listed.contains(&format!(
                "lost: {throwaway} (estimate_days) went with a task deleted from the plan"
            )),
            "{listed}"
        );
        let refused = fails(&ana, &["level", "--all", "--scenario", "Spare"]);
        assert!(refused.contains("--scenario"), "{refused}");
        ok(&ana, &["scenario", "rm", "LAUNCH", "Spare"]);
        assert!(ok(&ana, &["scenario", "list", "LAUNCH"]).contains("no scenario"));
        drop(server);
    }
}
