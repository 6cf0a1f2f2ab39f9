//! Plan lint over the API: a plan's mistakes found by name, with their
//! severity and objects; a rule switched off says nothing more (and the
//! switch is in the history); the fixes Tandem offers change what they
//! say and nothing else; bad input is refused by field; a guest lints
//! only what it may open and switches nothing.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Local};

use super::*;

fn rules(lint: &Value) -> BTreeSet<String> {
    lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn finding<'a>(lint: &'a Value, rule: &str) -> &'a Value {
    lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {lint}"))
}

#[tokio::test]
async fn a_plans_mistakes_are_found_switched_off_and_fixed() {
    // A Monday two to three weeks ahead: inside the weeks the
    // over-allocation rule reads, and after the plan's start.
    let today = Local::now().date_naive();
    let monday =
        today + Days::new(14 + (7 - u64::from(today.weekday().num_days_from_monday())) % 7);
    let friday = monday + Days::new(4);
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;
        let lint = format!("{WS}/projects/LINT/lint");

        // No owner, a start date, fifteen tasks nobody owns or estimated,
        // no shape; made today, it owes no status update yet.
        let (status, body) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": "LINT", "name": "Lint me", "start_date": monday}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        for i in 1..=15 {
            let (status, body) = ana
                .post(
                    &format!("{WS}/tasks"),
                    json!({"project": "LINT", "title": format!("Step {i}")}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, found) = ana.get(&lint).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["project"], "LINT");
        assert_eq!(
            rules(&found),
            BTreeSet::from(
                [
                    "flat-list",
                    "no-outcome-owner",
                    "unowned-tasks",
                    "unestimated-work",
                ]
                .map(String::from)
            ),
            "{found}"
        );
        let unowned = finding(&found, "unowned-tasks");
        assert_eq!(unowned["severity"], "warning");
        assert_eq!(unowned["count"], 15);
        assert_eq!(unowned["objects"][0]["kind"], "task");
        assert_eq!(unowned["objects"][0]["key"], "LINT-1");
        assert!(unowned["why"].as_str().unwrap().len() > 20);
        assert_eq!(
            finding(&found, "flat-list")["objects"][0]["kind"],
            "project"
        );
        assert_eq!(found["rules"].as_array().unwrap().len(), 12);
        assert!(
            found["rules"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["on"] == true)
        );
        // LAUNCH is owned, linked and small: none of this.
        let (_, launch) = ana.get(&format!("{WS}/projects/LAUNCH/lint")).await;
        for rule in ["flat-list", "no-outcome-owner", "orphan-task"] {
            assert!(!rules(&launch).contains(rule), "{launch}");
        }

        // A severe risk nobody mitigates is the worst of it.
        let (status, body) = ana
            .post(
                &format!("{WS}/projects/LINT/risks"),
                json!({"title": "Vendor late", "probability": 5, "impact": 5}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, found) = ana.get(&lint).await;
        assert_eq!(found["findings"][0]["rule"], "risk-without-mitigation");
        assert_eq!(found["findings"][0]["severity"], "error");
        assert_eq!(found["findings"][0]["objects"][0]["name"], "Vendor late");

        // A milestone on the Monday its week of work starts.
        let (status, beta) = ana
            .post(
                &format!("{WS}/projects/LINT/milestones"),
                json!({"name": "Beta", "date": monday}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{beta}");
        let (status, body) = ana
            .patch(
                &format!("{WS}/tasks/LINT-2"),
                json!({"milestone_id": beta["id"], "estimate_days": 5, "start_date": monday}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, found) = ana.get(&lint).await;
        let early = finding(&found, "milestone-before-its-work");
        assert_eq!(early["severity"], "error");
        assert_eq!(early["action"], "move_milestone");
        assert_eq!(early["fix_date"], json!(friday));
        assert_eq!(early["objects"][0]["kind"], "milestone");
        assert_eq!(early["objects"][1]["key"], "LINT-2");
        // With milestones the list has shape; flat-list is gone.
        assert!(!rules(&found).contains("flat-list"), "{found}");
        let (status, fixed) = ana
            .post(&format!("{lint}/milestone-before-its-work/fix"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{fixed}");
        assert_eq!(fixed["done"], format!("moved Beta to {friday}"));
        let (_, milestones) = ana.get(&format!("{WS}/projects/LINT/milestones")).await;
        assert_eq!(milestones[0]["date"], json!(friday), "{milestones}");
        let (_, found) = ana.get(&lint).await;
        assert!(
            !rules(&found).contains("milestone-before-its-work"),
            "{found}"
        );

        // A start-no-earlier-than date that holds work back for nothing.
        let held = monday + Days::new(21);
        let (status, body) = ana
            .patch(
                &format!("{WS}/tasks/LINT-3"),
                json!({"constraint_type": "snet", "constraint_date": format!("{held}T08:00")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, found) = ana.get(&lint).await;
        let dangling = finding(&found, "dangling-constraints");
        assert_eq!(dangling["action"], "clear_constraints");
        assert_eq!(dangling["objects"][0]["key"], "LINT-3");
        let (status, fixed) = ana
            .post(&format!("{lint}/dangling-constraints/fix"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{fixed}");
        assert_eq!(
            fixed["done"],
            "cleared the start-no-earlier-than date of 1 task"
        );
        let (_, task) = ana.get(&format!("{WS}/tasks/LINT-3")).await;
        assert!(task["constraint_type"].is_null(), "{task}");
        let (_, found) = ana.get(&lint).await;
        assert!(!rules(&found).contains("dangling-constraints"), "{found}");

        // Mel: 25 hours here and 25 in LAUNCH on the same Monday.
        for (key, start) in [("LINT-4", monday), ("LAUNCH-1", monday)] {
            let (status, body) = ana
                .patch(
                    &format!("{WS}/tasks/{key}"),
                    json!({"owner": "mel@x.org", "effort_hours": 25, "start_date": start, "due_date": start}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (_, found) = ana.get(&lint).await;
        let over = finding(&found, "over-allocation");
        assert_eq!(over["objects"][0]["kind"], "person");
        assert!(
            over["message"].as_str().unwrap().starts_with("mel")
                && over["message"].as_str().unwrap().contains("50 h"),
            "{over}"
        );

        // A fix for a rule without one, or with nothing to fix, is refused
        // by name and changes nothing.
        let written = |history: Value| -> Vec<Value> {
            // Tandem's own judgements of health come in the background.
            history
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["action"] != "health changed")
                .cloned()
                .collect()
        };
        let before = written(ana.get(&format!("{WS}/projects/LINT/activity")).await.1);
        let (status, body) = ana
            .post(&format!("{lint}/unowned-tasks/fix"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "rule");
        let (status, body) = ana
            .post(&format!("{lint}/orphan-task/fix"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let said = body["errors"][0]["message"].as_str().unwrap();
        assert!(said.contains("has no fix"), "{said}");
        let (status, body) = ana
            .post(&format!("{lint}/milestone-before-its-work/fix"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let said = body["errors"][0]["message"].as_str().unwrap();
        assert!(said.contains("finds nothing"), "{said}");
        let (status, body) = ana
            .post(&format!("{lint}/no-such-rule/fix"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("orphan-task")
        );
        let (status, body) = ana
            .put(&format!("{lint}/rules/unestimated-work"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "on");
        assert_eq!(
            written(ana.get(&format!("{WS}/projects/LINT/activity")).await.1),
            before
        );

        // Switched off, a rule says nothing; the history says who did it.
        let (status, switched) = ana
            .put(
                &format!("{lint}/rules/unestimated-work"),
                json!({"on": false}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{switched}");
        assert_eq!(
            switched,
            json!({"rule": "unestimated-work", "on": false, "why": switched["why"]})
        );
        let (_, found) = ana.get(&lint).await;
        assert!(!rules(&found).contains("unestimated-work"), "{found}");
        let off: Vec<&Value> = found["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["on"] == false)
            .collect();
        assert_eq!(off.len(), 1);
        assert_eq!(off[0]["rule"], "unestimated-work");
        let (_, history) = ana.get(&format!("{WS}/projects/LINT/activity")).await;
        let switch = written(history.clone()).into_iter().next().unwrap();
        assert_eq!(switch["action"], "lint rule switched off", "{history}");
        // Back on, it speaks again.
        ana.put(
            &format!("{lint}/rules/unestimated-work"),
            json!({"on": true}),
        )
        .await;
        assert!(rules(&ana.get(&lint).await.1).contains("unestimated-work"));

        // A guest: a shared plan's findings, nothing else, no switch.
        let (status, _) = gus.get(&format!("{WS}/projects/LAUNCH/lint")).await;
        assert_eq!(status, StatusCode::OK);
        for path in [&lint, &format!("{WS}/projects/HIDDEN/lint")] {
            let (status, body) = gus.get(path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        }
        let (status, _) = gus
            .put(
                &format!("{WS}/projects/LAUNCH/lint/rules/flat-list"),
                json!({"on": false}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = gus
            .post(
                &format!("{WS}/projects/LAUNCH/lint/stale-status/fix"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        server.stop().await;
    }
}
