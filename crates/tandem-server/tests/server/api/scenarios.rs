//! What-if scenarios over the API: a scenario's edits never touch the
//! plan, its schedule is compared with the plan's, applying writes its
//! changes in one go, a change made in the plan meanwhile is named and
//! nothing is written, bad input is refused naming the field, and a guest
//! reads but does not write.

use super::*;

const SC: &str = "/api/v1/workspaces/acme/projects/LAUNCH/scenarios";

async fn task(api: &Api, key: &str) -> Value {
    let (status, task) = api.get(&format!("{WS}/tasks/{key}")).await;
    assert_eq!(status, StatusCode::OK, "{task}");
    task
}

/// LAUNCH's three tasks, a chain, with estimates and a start.
async fn estimated(ana: &Api) {
    plan(ana).await;
    let (status, body) = ana
        .patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-12-07", "status_date": "2026-12-07T08:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (key, days) in [("LAUNCH-1", 2), ("LAUNCH-2", 3), ("LAUNCH-3", 1)] {
        let (status, body) = ana
            .patch(&format!("{WS}/tasks/{key}"), json!({"estimate_days": days}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn a_scenario_changes_nothing_until_applied_and_is_compared_with_the_plan() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        estimated(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;
        let (status, made) = ana.post(SC, json!({"name": "Slip"})).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(made["name"], "Slip");
        let before = task(&ana, "LAUNCH-2").await;

        // Longer work and a task off the chain, in the scenario only.
        let (status, changed) = ana
            .patch(
                &format!("{SC}/Slip/tasks/LAUNCH-2"),
                json!({"estimate_days": 8, "owner": "ada@x.org"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["tasks"][0]["key"], "LAUNCH-2");
        assert_eq!(changed["tasks"][0]["changes"]["estimate_days"], 8.0);
        let (status, changed) = ana
            .post(
                &format!("{SC}/Slip/links"),
                json!({"predecessor": "LAUNCH-2", "successor": "LAUNCH-3", "removed": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["links"][0]["removed"], true);
        let after = task(&ana, "LAUNCH-2").await;
        assert_eq!(after, before, "the plan is untouched");
        let (_, links) = ana.get(&format!("{WS}/tasks/LAUNCH-3/dependencies")).await;
        assert_eq!(links.as_array().unwrap().len(), 1, "{links}");

        let (status, c) = ana.get(&format!("{SC}/Slip")).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        // Plan: 2 + 3 + 1 days from Monday 7 December. Scenario: 2 + 8,
        // LAUNCH-3 no longer waits.
        assert_eq!(c["plan_finish"], "2026-12-14T17:00", "{c}");
        assert_eq!(c["scenario_finish"], "2026-12-18T17:00", "{c}");
        assert_eq!(c["moved_count"], 2, "{c}");
        assert_eq!(
            c["plan_critical_chains"],
            json!([["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"]])
        );
        assert_eq!(
            c["scenario_critical_chains"],
            json!([["LAUNCH-1", "LAUNCH-2"]])
        );
        let ada = c["workload"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["person"]["email"] == "ada@x.org")
            .unwrap()
            .clone();
        assert_eq!(
            (ada["plan_hours"].clone(), ada["scenario_hours"].clone()),
            (json!(0.0), json!(64.0))
        );
        // The forecast runs on the scenario's plan: its planned finish is
        // the scenario's.
        let (status, f) = ana.get(&format!("{SC}/Slip/forecast?runs=200")).await;
        assert_eq!(status, StatusCode::OK, "{f}");
        assert_eq!(f["planned_finish"], c["scenario_finish"], "{f}");
        assert_eq!(f["runs"], 200);
        let (status, _) = ana.get(&format!("{SC}/Slip/forecast?runs=0")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // A guest of LAUNCH reads it, and changes nothing.
        let (status, seen) = gus.get(&format!("{SC}/Slip")).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert!(!seen.to_string().contains("HIDDEN"));
        for (method, path, body) in [
            (Method::POST, SC.to_string(), json!({"name": "Mine"})),
            (
                Method::PATCH,
                format!("{SC}/Slip/tasks/LAUNCH-1"),
                json!({"estimate_days": 1}),
            ),
            (Method::POST, format!("{SC}/Slip/apply"), json!({})),
        ] {
            let (status, _) = gus.call(method, &path, Some(body)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }

        // The plan changes (a day more on LAUNCH-1): both sides follow.
        let (status, _) = ana
            .patch(&format!("{WS}/tasks/LAUNCH-1"), json!({"estimate_days": 3}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, c) = ana.get(&format!("{SC}/Slip")).await;
        assert_eq!(c["plan_finish"], "2026-12-15T17:00", "{c}");
        assert_eq!(c["scenario_finish"], "2026-12-21T17:00", "{c}");
        // Applied: the plan has its changes, in one go, and it is gone.
        let (status, applied) = ana.post(&format!("{SC}/Slip/apply"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(
            (applied["tasks"].clone(), applied["links"].clone()),
            (json!(1), json!(1))
        );
        let now = task(&ana, "LAUNCH-2").await;
        assert_eq!(now["estimate_days"], 8.0);
        assert_eq!(now["owner"]["email"], "ada@x.org");
        let (_, links) = ana.get(&format!("{WS}/tasks/LAUNCH-3/dependencies")).await;
        assert_eq!(links.as_array().unwrap().len(), 0, "{links}");
        assert_eq!(
            ana.get(&format!("{SC}/Slip")).await.0,
            StatusCode::NOT_FOUND
        );
        let (_, history) = ana.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        assert!(
            history.to_string().contains("scenario applied"),
            "{history}"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn applying_after_the_plan_changed_names_the_task_and_writes_nothing() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        estimated(&ana).await;
        ana.post(SC, json!({"name": "Fast"})).await;
        for (key, days) in [("LAUNCH-1", 1), ("LAUNCH-3", 4)] {
            let (status, body) = ana
                .patch(
                    &format!("{SC}/Fast/tasks/{key}"),
                    json!({"estimate_days": days}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        ana.post(
            &format!("{SC}/Fast/links"),
            json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-3", "type": "ss", "lag_days": 1}),
        )
        .await;
        // Meanwhile Mel changes LAUNCH-3's estimate, which the scenario
        // changes too, and LAUNCH-1's priority, which it does not.
        for (key, body) in [
            ("LAUNCH-3", json!({"estimate_days": 6})),
            ("LAUNCH-1", json!({"priority": "high"})),
        ] {
            let (status, _) = mel.patch(&format!("{WS}/tasks/{key}"), body).await;
            assert_eq!(status, StatusCode::OK);
        }
        // Shown before anyone applies: the comparison names it.
        let (_, c) = ana.get(&format!("{SC}/Fast")).await;
        assert_eq!(
            c["conflicts"],
            json!([{"kind": "task", "object": "LAUNCH-3", "fields": ["estimate_days"],
                    "reason": "the plan changed estimate_days since the scenario changed it"}]),
            "{c}"
        );
        let (status, problem) = ana.post(&format!("{SC}/Fast/apply"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("LAUNCH-3 (estimate_days)"), "{problem}");
        assert!(!detail.contains("LAUNCH-1"), "{problem}");
        // Nothing written: not LAUNCH-1's estimate either, nor the link.
        assert_eq!(task(&ana, "LAUNCH-1").await["estimate_days"], 2.0);
        assert_eq!(task(&ana, "LAUNCH-3").await["estimate_days"], 6.0);
        let (_, links) = ana.get(&format!("{WS}/tasks/LAUNCH-3/dependencies")).await;
        assert_eq!(links.as_array().unwrap().len(), 1, "{links}");
        // Changed again in the scenario, LAUNCH-3's estimate is the
        // scenario's choice over the plan's 6 days.
        let (_, again) = ana
            .patch(
                &format!("{SC}/Fast/tasks/LAUNCH-3"),
                json!({"estimate_days": 4}),
            )
            .await;
        assert_eq!(
            again["tasks"][1]["plan_had"]["estimate_days"], 6.0,
            "{again}"
        );
        // Applied only as the caller saw it.
        let (status, _) = ana
            .call_with(
                Method::POST,
                &format!("{SC}/Fast/apply"),
                None,
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let version = again["version"].to_string();
        let (status, applied) = ana
            .call_with(
                Method::POST,
                &format!("{SC}/Fast/apply"),
                None,
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        let one = task(&ana, "LAUNCH-1").await;
        assert_eq!(one["estimate_days"], 1.0);
        assert_eq!(one["priority"], "high", "Mel's change stands");
        assert_eq!(task(&ana, "LAUNCH-3").await["estimate_days"], 4.0);
        let (_, links) = ana.get(&format!("{WS}/tasks/LAUNCH-3/dependencies")).await;
        assert_eq!(links.as_array().unwrap().len(), 2, "{links}");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_scenario_levels_and_changes_its_calendar_leaving_the_plan_alone() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        estimated(&ana).await;
        // The plan has a holiday on Wednesday 9 December.
        let (status, holiday) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Closed", "start_date": "2026-12-09"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{holiday}");
        let closed = holiday["id"].as_i64().unwrap();
        ana.post(SC, json!({"name": "Weekend"})).await;
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        // 2 + 3 + 1 days from Monday 7 December, Wednesday off.
        assert_eq!(c["plan_finish"], "2026-12-15T17:00", "{c}");

        // Saturdays worked, the plan's holiday taken away and one of its
        // own added (Thursday 10th): in the scenario only.
        let changed_days = json!([
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            ""
        ]);
        let (status, changed) = ana
            .patch(
                &format!("{SC}/Weekend/calendar"),
                json!({"work_week": changed_days}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(
            changed["calendar"]["work_week"][5],
            "08:00-12:00 13:00-17:00"
        );
        let (status, changed) = ana
            .call(
                Method::DELETE,
                &format!("{SC}/Weekend/calendar/exceptions/{closed}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["calendar"]["removed"], json!([closed]));
        let (status, changed) = ana
            .post(
                &format!("{SC}/Weekend/calendar/exceptions"),
                json!({"name": "Offsite", "start_date": "2026-12-10"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["calendar"]["added"][0]["id"], -1, "{changed}");
        // A day has one exception: the Offsite has the 10th.
        let (status, problem) = ana
            .post(
                &format!("{SC}/Weekend/calendar/exceptions"),
                json!({"name": "Party", "start_date": "2026-12-08", "end_date": "2026-12-10"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "start_date", "{problem}");
        assert!(problem.to_string().contains("Offsite"), "{problem}");
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        assert_eq!(c["plan_finish"], "2026-12-15T17:00", "{c}");
        // Mon, Tue, Wed (no longer closed), Fri, Sat, Mon: Thursday off.
        assert_eq!(c["scenario_finish"], "2026-12-14T17:00", "{c}");
        let (_, plan) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(plan["work_week"][5], "", "the plan's week is untouched");
        let (_, exceptions) = ana
            .get(&format!("{WS}/projects/LAUNCH/calendar/exceptions"))
            .await;
        assert_eq!(exceptions.as_array().unwrap().len(), 1, "{exceptions}");

        // Without the link LAUNCH-2 → LAUNCH-3, Mel owns two tasks at
        // once: levelling the scenario delays one, in the scenario only.
        ana.post(
            &format!("{SC}/Weekend/links"),
            json!({"predecessor": "LAUNCH-2", "successor": "LAUNCH-3", "removed": true}),
        )
        .await;
        let (status, preview) = ana.get(&format!("{SC}/Weekend/levelling")).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["applied"], false);
        assert_eq!(preview["delayed"][0]["key"], "LAUNCH-3", "{preview}");
        let (_, unchanged) = ana.get(&format!("{SC}/Weekend")).await;
        assert_eq!(unchanged["scenario"]["tasks"], json!([]), "a preview");
        let (status, levelled) = ana
            .post(&format!("{SC}/Weekend/levelling"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{levelled}");
        assert_eq!(levelled["applied"], true);
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        let edits = c["scenario"]["tasks"].as_array().unwrap();
        assert_eq!(edits.len(), 1, "{c}");
        assert_eq!(edits[0]["key"], "LAUNCH-3");
        assert!(
            edits[0]["changes"]["levelling_delay_hours"]
                .as_f64()
                .unwrap()
                > 0.0,
            "{c}"
        );
        assert_eq!(task(&ana, "LAUNCH-3").await["levelling_delay_hours"], 0.0);
        // Cleared in the scenario, the delay is none there, as in the
        // plan: no change is left to list.
        let (status, cleared) = ana
            .post(&format!("{SC}/Weekend/levelling/clear"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{cleared}");
        assert_eq!(cleared["tasks"], json!([]), "{cleared}");
        ana.post(&format!("{SC}/Weekend/levelling"), json!({}))
            .await;

        // The plan's hours of a day change: the scenario changes the days
        // only, so that is no conflict.
        let (status, _) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"hours_per_day": 7}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        assert_eq!(c["conflicts"], json!([]), "{c}");
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"hours_per_day": 8}),
        )
        .await;
        // The plan's days change meanwhile: shown, and apply refused.
        let plan_days = json!([
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "08:00-12:00 13:00-17:00",
            "",
            "09:00-13:00"
        ]);
        let (status, body) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"work_week": plan_days}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        assert_eq!(
            c["conflicts"],
            json!([{"kind": "calendar", "object": "working week", "fields": ["work_week"],
                    "reason": "the plan changed work_week since the scenario changed it"}]),
            "{c}"
        );
        let (status, problem) = ana.post(&format!("{SC}/Weekend/apply"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("working week"));
        assert_eq!(task(&ana, "LAUNCH-3").await["levelling_delay_hours"], 0.0);
        // Given again in the scenario, the days are the scenario's choice.
        let (status, _) = ana
            .patch(
                &format!("{SC}/Weekend/calendar"),
                json!({"work_week": changed_days}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        assert_eq!(c["conflicts"], json!([]), "{c}");
        // The plan takes the Offsite's day meanwhile: a day has one
        // exception, so apply is refused, naming both, and writes nothing.
        let (status, board) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Board day", "start_date": "2026-12-10"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{board}");
        // The comparison says so before anyone tries.
        let (_, c) = ana.get(&format!("{SC}/Weekend")).await;
        let clash = &c["conflicts"][0];
        assert_eq!(
            (&clash["kind"], &clash["object"], &clash["fields"]),
            (
                &json!("calendar"),
                &json!("Offsite"),
                &json!(["start_date"])
            ),
            "{c}"
        );
        assert!(
            clash["reason"].as_str().unwrap().contains("Board day"),
            "{c}"
        );
        let (status, problem) = ana.post(&format!("{SC}/Weekend/apply"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("Offsite") && detail.contains("Board day"),
            "{detail}"
        );
        assert_eq!(task(&ana, "LAUNCH-3").await["levelling_delay_hours"], 0.0);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/projects/LAUNCH/calendar/exceptions/{}", board["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, applied) = ana.post(&format!("{SC}/Weekend/apply"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(applied["calendar"], 3, "{applied}");
        let (_, plan) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(plan["work_week"], changed_days);
        assert_eq!(plan["hours_per_day"], 8.0);
        let (_, exceptions) = ana
            .get(&format!("{WS}/projects/LAUNCH/calendar/exceptions"))
            .await;
        let names: Vec<&str> = exceptions
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Offsite"]);
        assert!(
            task(&ana, "LAUNCH-3").await["levelling_delay_hours"]
                .as_f64()
                .unwrap()
                > 0.0
        );
        // The plan scheduled now is what the scenario showed.
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], c["scenario_finish"], "{schedule}");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_scenario_costs_its_work_at_its_owners_rates_beside_the_budget() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        estimated(&ana).await;
        let (_, members) = ana.get(&format!("{WS}/members")).await;
        let id_of = |email: &str| {
            members
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["user"]["email"] == email)
                .unwrap()["user"]["id"]
                .clone()
        };
        let rate = |email: &str| format!("{WS}/members/{}/cost-rate", id_of(email));
        // Rates are set by owners and admins, and seen by them only.
        let (status, _) = mel.put(&rate("mel@x.org"), json!({"cost_rate": 500})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for (email, amount) in [("mel@x.org", 100), ("ada@x.org", 50)] {
            let (status, member) = ana.put(&rate(email), json!({"cost_rate": amount})).await;
            assert_eq!(status, StatusCode::OK, "{member}");
            assert_eq!(member["cost_rate"], amount as f64);
        }
        for (body, field) in [
            (json!({}), "cost_rate"),
            (json!({"cost_rate": -1}), "cost_rate"),
        ] {
            let (status, problem) = ana.put(&rate("ada@x.org"), body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
            assert!(problem.to_string().contains(field), "{problem}");
        }
        let (_, seen) = mel.get(&format!("{WS}/members")).await;
        assert!(!seen.to_string().contains("cost_rate"), "{seen}");
        let (_, seen) = ana.get(&format!("{WS}/members")).await;
        assert!(seen.to_string().contains("cost_rate"), "{seen}");
        ana.patch(&format!("{WS}/projects/LAUNCH"), json!({"budget": 4000}))
            .await;

        // Ada, at half Mel's rate, does LAUNCH-2 in the scenario.
        ana.post(SC, json!({"name": "Cheaper"})).await;
        ana.patch(
            &format!("{SC}/Cheaper/tasks/LAUNCH-2"),
            json!({"owner": "ada@x.org"}),
        )
        .await;
        let (_, c) = ana.get(&format!("{SC}/Cheaper")).await;
        // Six days of eight hours at 100; then three of them at 50.
        assert_eq!(c["plan_cost"], 4800.0, "{c}");
        assert_eq!(c["scenario_cost"], 3600.0, "{c}");
        assert_eq!(c["budget"], 4000.0, "{c}");
        // A member sees hours, not what they cost: a cost beside hours
        // would give a rate away.
        let (_, seen) = mel.get(&format!("{SC}/Cheaper")).await;
        assert!(seen.get("plan_cost").is_none(), "{seen}");
        assert!(seen.get("scenario_cost").is_none(), "{seen}");
        // A rate taken away is no cost; the plan is not rescheduled by it.
        let (_, before) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let (status, _) = ana
            .put(&rate("ada@x.org"), json!({"cost_rate": null}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, c) = ana.get(&format!("{SC}/Cheaper")).await;
        assert_eq!(c["scenario_cost"], 2400.0, "{c}");
        assert_eq!(c["scenario_uncosted_hours"], 24.0, "Ada's, told apart: {c}");
        assert_eq!(c["plan_uncosted_hours"], 0.0, "{c}");
        let (_, after) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            before["computed_at"], after["computed_at"],
            "not rescheduled"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_comparison_names_the_warnings_a_scenario_brings_and_settles() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        estimated(&ana).await;
        // The plan: 2 + 3 + 1 days from Monday 7 December, LAUNCH-3 done on
        // the 14th, due on the 11th.
        let (status, body) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-3"),
                json!({"due_date": "2026-12-11"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ana.post(SC, json!({"name": "Quicker"})).await;
        let (_, c) = ana.get(&format!("{SC}/Quicker")).await;
        assert_eq!(c["new_warnings"], json!([]), "{c}");
        assert_eq!(c["settled_warnings"], json!([]), "the same warning: {c}");

        // One day for LAUNCH-2 brings LAUNCH-3 in on the 10th; LAUNCH-1,
        // due the day it starts, now misses its date.
        for (key, edit) in [
            ("LAUNCH-2", json!({"estimate_days": 1})),
            ("LAUNCH-1", json!({"due_date": "2026-12-07"})),
        ] {
            let (status, body) = ana.patch(&format!("{SC}/Quicker/tasks/{key}"), edit).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (status, c) = ana.get(&format!("{SC}/Quicker")).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["scenario_finish"], "2026-12-10T17:00", "{c}");
        assert_eq!(
            c["new_warnings"],
            json!(["LAUNCH-1 finishes after its due date"]),
            "{c}"
        );
        assert_eq!(c["new_warnings_count"], 1, "{c}");
        assert_eq!(
            c["settled_warnings"],
            json!(["LAUNCH-3 finishes after its due date"]),
            "{c}"
        );
        assert_eq!(c["settled_warnings_count"], 1, "{c}");
        server.stop().await;
    }
}

#[tokio::test]
async fn an_owner_who_left_since_is_named_before_applying_refuses_it() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        estimated(&ana).await;
        ana.post(SC, json!({"name": "Handover"})).await;
        let (status, body) = ana
            .patch(
                &format!("{SC}/Handover/tasks/LAUNCH-2"),
                json!({"owner": "ada@x.org"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, c) = ana.get(&format!("{SC}/Handover")).await;
        assert_eq!(c["conflicts"], json!([]), "{c}");
        // Ada leaves the workspace meanwhile.
        let (_, members) = ana.get(&format!("{WS}/members")).await;
        let ada = members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user"]["email"] == "ada@x.org")
            .unwrap()["user"]["id"]
            .clone();
        let (status, body) = ana
            .post(&format!("{WS}/members/{ada}/deactivate"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, c) = ana.get(&format!("{SC}/Handover")).await;
        assert_eq!(
            c["conflicts"],
            json!([{"kind": "task", "object": "LAUNCH-2", "fields": ["owner"],
                    "reason": "ada@x.org is not a member of this workspace"}]),
            "{c}"
        );
        let (status, problem) = ana.post(&format!("{SC}/Handover/apply"), json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("ada@x.org"), "{problem}");
        assert_ne!(task(&ana, "LAUNCH-2").await["owner"]["email"], "ada@x.org");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_task_deleted_from_the_plan_takes_the_scenarios_change_with_it_and_says_so() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        estimated(&ana).await;
        ana.post(SC, json!({"name": "Trim"})).await;
        for (key, body) in [
            ("LAUNCH-1", json!({"estimate_days": 1})),
            (
                "LAUNCH-3",
                json!({"estimate_days": 4, "owner": "ada@x.org"}),
            ),
        ] {
            let (status, body) = ana.patch(&format!("{SC}/Trim/tasks/{key}"), body).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (status, seen) = ana
            .post(
                &format!("{SC}/Trim/links"),
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-3", "type": "ss"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["lost"], json!([]), "{seen}");

        let (status, _) = ana
            .call(Method::DELETE, &format!("{WS}/tasks/LAUNCH-3"), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, c) = ana.get(&format!("{SC}/Trim")).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        let scenario = &c["scenario"];
        let lost: Vec<(Value, Value)> = scenario["lost"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["object"].clone(), l["fields"].clone()))
            .collect();
        assert_eq!(
            lost,
            [
                (json!("LAUNCH-3"), json!(["estimate_days", "owner"])),
                (json!("LAUNCH-1 → LAUNCH-3"), json!([])),
            ],
            "{scenario}"
        );
        assert_eq!(scenario["tasks"].as_array().unwrap().len(), 1, "{scenario}");
        assert_ne!(
            scenario["version"], seen["version"],
            "what was seen moved on"
        );
        // Applying writes what is left.
        let (status, applied) = ana.post(&format!("{SC}/Trim/apply"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(
            (applied["tasks"].clone(), applied["links"].clone()),
            (json!(1), json!(0))
        );
        assert_eq!(task(&ana, "LAUNCH-1").await["estimate_days"], 1.0);
        server.stop().await;
    }
}

#[tokio::test]
async fn bad_scenario_input_is_refused_naming_the_field() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        estimated(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;
        ana.post(SC, json!({"name": "One"})).await;
        for (body, field) in [
            (json!({}), "name"),
            (json!({"name": "  "}), "name"),
            (json!({"name": "a/b"}), "name"),
            (json!({"name": "One"}), "name"),
            // Looks like "One" with a space: a zero-width one.
            (json!({"name": "On\u{200B}e"}), "name"),
        ] {
            let (status, problem) = ana.post(SC, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(problem.to_string().contains(field), "{body}: {problem}");
        }
        for (task, body, field) in [
            ("LAUNCH-1", json!({"title": "New"}), "title"),
            ("LAUNCH-1", json!({}), "estimate_days"),
            ("LAUNCH-1", json!({"estimate_days": -1}), "estimate_days"),
            ("LAUNCH-1", json!({"owner": "nobody@x.org"}), "owner"),
            ("HIDDEN-1", json!({"estimate_days": 1}), "task"),
        ] {
            let (status, problem) = ana
                .patch(&format!("{SC}/One/tasks/{task}"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(problem.to_string().contains(field), "{body}: {problem}");
        }
        // The plan's own value is no change, and a field set back to it
        // leaves the scenario.
        for (estimate, listed) in [(2, 0), (5, 1), (2, 0)] {
            let (status, body) = ana
                .patch(
                    &format!("{SC}/One/tasks/LAUNCH-1"),
                    json!({"estimate_days": estimate}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["tasks"].as_array().unwrap().len(), listed, "{body}");
        }
        // A date that is none is the whole answer: not also "change at
        // least one field", which the unread date left the edit without.
        let (status, problem) = ana
            .patch(
                &format!("{SC}/One/tasks/LAUNCH-1"),
                json!({"due_date": "soon"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "due_date", "{problem}");
        // An unknown field is told what a scenario changes, not every
        // field of a task.
        let (status, problem) = ana
            .patch(&format!("{SC}/One/tasks/LAUNCH-1"), json!({"bogus": 1}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let unknown = &problem["errors"][0];
        assert_eq!(unknown["field"], "bogus", "{problem}");
        let message = unknown["message"].as_str().unwrap();
        assert!(message.contains("constraint_date"), "{message}");
        assert!(!message.contains("title"), "{message}");
        for (body, field) in [
            (json!({"predecessor": "LAUNCH-1"}), "successor"),
            (
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-1"}),
                "successor",
            ),
            (
                json!({"predecessor": "HIDDEN-1", "successor": "LAUNCH-1"}),
                "predecessor",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{SC}/One/links"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(problem.to_string().contains(field), "{body}: {problem}");
        }
        for (method, path, body, field) in [
            (Method::PATCH, "calendar", json!({}), "work_week"),
            (
                Method::PATCH,
                "calendar",
                json!({"work_week": ["x"]}),
                "work_week",
            ),
            (
                Method::PATCH,
                "calendar",
                json!({"hours_per_day": -1}),
                "hours_per_day",
            ),
            (
                Method::POST,
                "calendar/exceptions",
                json!({"name": "Late", "start_date": "2026-12-10", "end_date": "2026-12-01"}),
                "end_date",
            ),
            (
                Method::POST,
                "calendar/exceptions",
                json!({"name": "No day"}),
                "start_date",
            ),
            (Method::DELETE, "calendar/exceptions/-4", json!(null), "id"),
            (
                Method::DELETE,
                "calendar/exceptions/999999",
                json!(null),
                "id",
            ),
            (Method::DELETE, "calendar/exceptions/x", json!(null), "id"),
            (
                Method::POST,
                "calendar/exceptions/5/restore",
                json!({}),
                "id",
            ),
        ] {
            let body = (!body.is_null()).then_some(body);
            let (status, problem) = ana
                .call(method, &format!("{SC}/One/{path}"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {body:?}: {problem}"
            );
            assert!(problem.to_string().contains(field), "{path}: {problem}");
        }
        // A link closing a cycle is refused when it is added, named, as
        // the plan's own link would be.
        let cycle = json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1"});
        let (status, problem) = ana.post(&format!("{SC}/One/links"), cycle.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert_eq!(problem["type"], "/problems/dependency-cycle", "{problem}");
        assert!(problem.to_string().contains("LAUNCH-2"), "{problem}");
        // With the plan's LAUNCH-2 → LAUNCH-3 taken away in the scenario,
        // the same link closes nothing ...
        let (status, body) = ana
            .post(
                &format!("{SC}/One/links"),
                json!({"predecessor": "LAUNCH-2", "successor": "LAUNCH-3", "removed": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = ana.post(&format!("{SC}/One/links"), cycle.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(ana.get(&format!("{SC}/One")).await.0, StatusCode::OK);
        // ... and putting the plan's link back, through the link the
        // scenario added, would close one.
        let (status, problem) = ana
            .post(
                &format!("{SC}/One/links"),
                json!({"predecessor": "LAUNCH-2", "successor": "LAUNCH-3"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(problem.to_string().contains("LAUNCH-1"), "{problem}");
        // Taken away again, the links the scenario changed are gone from it.
        for body in [
            json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1", "removed": true}),
            json!({"predecessor": "LAUNCH-2", "successor": "LAUNCH-3"}),
        ] {
            let (status, undone) = ana.post(&format!("{SC}/One/links"), body).await;
            assert_eq!(status, StatusCode::OK, "{undone}");
        }
        let (_, undone) = ana.get(SC).await;
        assert_eq!(undone[0]["links"], json!([]), "{undone}");
        // What the plan has already, or has not, is no change.
        for (body, said) in [
            (
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-2"}),
                "already",
            ),
            (
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-3", "removed": true}),
                "no link",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{SC}/One/links"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(problem.to_string().contains(said), "{body}: {problem}");
        }
        // None of it touched the plan or the scenario's edits.
        let (_, one) = ana.get(SC).await;
        assert_eq!(one[0]["tasks"], json!([]), "{one}");
        assert_eq!(task(&ana, "LAUNCH-1").await["estimate_days"], 2.0);
        assert_eq!(
            ana.get(&format!("{SC}/Nope")).await.0,
            StatusCode::NOT_FOUND
        );
        let (status, _) = ana.call(Method::DELETE, &format!("{SC}/One"), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(ana.get(SC).await.1, json!([]));
        server.stop().await;
    }
}
