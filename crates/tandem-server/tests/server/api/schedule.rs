//! A project's schedule: the critical path, constraints and actuals, the
//! stored schedule, baselines, forecasts and levelling.
//!
//! The plans here began on Monday 2026-11-23 and are read as of that day
//! (their status date), so their dates are the same whenever the tests
//! run; an active project without one plans its open work from today
//! (`open_work_is_planned_from_today_when_no_status_date_says_otherwise`).

use super::*;

#[tokio::test]
async fn a_project_schedule_has_its_critical_path_and_slack() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        // LAUNCH-1 → 2 → 3 take a day each; a side task of one day.
        let (status, _) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Side", "estimate_days": 1.0}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        let (status, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(status, StatusCode::OK, "{schedule}");
        assert_eq!(
            schedule["critical_path"],
            json!(["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"])
        );
        assert_eq!(
            schedule["critical_chains"],
            json!([["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"]])
        );
        assert_eq!(schedule["start"], "2026-11-23T08:00");
        assert_eq!(schedule["finish"], "2026-11-25T17:00");
        let side = schedule["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "LAUNCH-4")
            .unwrap();
        assert_eq!(side["total_slack_minutes"], 960);
        assert_eq!(side["critical"], false);
        // Read again, the stored schedule is current for the plan as it
        // is (its stamp says so) and is served without reading the plan:
        // the same answer, to the computed_at.
        let (_, again) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(again, schedule);
        // A change to the plan is seen at once, stamp or not.
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-4"),
            json!({"estimate_days": 4.0}),
        )
        .await;
        let (_, changed) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(changed["finish"], "2026-11-26T17:00", "{changed}");
        // Now the side task alone is critical: a chain of its own, never
        // an arrow from a task no link joins it to.
        assert_eq!(
            changed["critical_chains"],
            json!([["LAUNCH-4"]]),
            "{changed}"
        );
        let (_, again) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(again, changed);
        // Pages of it, full and compact, visit every task once, in order.
        super::paging::schedule_pages_visit_every_task(&ana, &changed).await;
        server.stop().await;
    }
}

#[tokio::test]
async fn forecast_and_levelling_previews() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    ana.patch(
        &format!("{WS}/projects/LAUNCH"),
        json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
    )
    .await;
    // Without a three-point estimate every run is the plan: said, not
    // printed as a spread.
    let (status, certain) = ana
        .get(&format!("{WS}/projects/LAUNCH/forecast?runs=200"))
        .await;
    assert_eq!(status, StatusCode::OK, "{certain}");
    assert_eq!(
        (
            certain["uncertain_tasks"].as_u64(),
            certain["tasks"].as_u64()
        ),
        (Some(0), Some(3))
    );
    assert_eq!(certain["finish"]["p50"], certain["finish"]["p95"]);
    assert!(
        certain["warning"]
            .as_str()
            .is_some_and(|w| w.starts_with("No task has a three-point estimate")),
        "{certain}"
    );
    // The three chained tasks are all Mel's; a fourth, unlinked, is Mel's too.
    for key in ["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"] {
        let (status, body) = ana
            .patch(&format!("{WS}/tasks/{key}"), json!({"estimate_days": 2.0, "three_point": {"optimistic": 1.0, "likely": 2.0, "pessimistic": 5.0}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, _) = ana.post(&format!("{WS}/tasks"), json!({"project": "LAUNCH", "title": "Parallel", "owner": "mel@x.org", "estimate_days": 2.0})).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, forecast) = ana
        .get(&format!("{WS}/projects/LAUNCH/forecast?runs=1000&seed=3"))
        .await;
    assert_eq!(status, StatusCode::OK, "{forecast}");
    assert_eq!(forecast["runs"], 1000);
    assert_eq!(
        (
            forecast["uncertain_tasks"].as_u64(),
            forecast["tasks"].as_u64()
        ),
        (Some(3), Some(4))
    );
    assert!(forecast.get("warning").is_none(), "{forecast}");
    let (p50, p80, p95) = (
        forecast["finish"]["p50"].as_str().unwrap(),
        forecast["finish"]["p80"].as_str().unwrap(),
        forecast["finish"]["p95"].as_str().unwrap(),
    );
    assert!(p50 <= p80 && p80 <= p95, "{forecast}");
    assert!(
        p50 > forecast["planned_finish"].as_str().unwrap(),
        "skewed estimates finish later than planned: {forecast}"
    );
    assert_eq!(forecast["criticality"][0]["index"], 1.0);
    let (_, again) = ana
        .get(&format!("{WS}/projects/LAUNCH/forecast?runs=1000&seed=3"))
        .await;
    assert_eq!(again, forecast, "the same seed gives the same forecast");
    assert_eq!(forecast["outside_range"], json!([]), "{forecast}");
    // A longer estimate in a scenario, its three points left at 1 / 2 / 5
    // days: every run draws from those, which the forecast says.
    let scenarios = format!("{WS}/projects/LAUNCH/scenarios");
    ana.post(&scenarios, json!({"name": "Long"})).await;
    let (status, body) = ana
        .patch(
            &format!("{scenarios}/Long/tasks/LAUNCH-2"),
            json!({"estimate_days": 8}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, long) = ana
        .get(&format!("{scenarios}/Long/forecast?runs=200"))
        .await;
    assert_eq!(status, StatusCode::OK, "{long}");
    assert_eq!(long["outside_range"], json!(["LAUNCH-2"]), "{long}");
    assert!(
        long["warning"].as_str().is_some_and(
            |w| w.starts_with("LAUNCH-2: planned for a time outside its three-point range")
        ),
        "{long}"
    );
    let (status, problem) = ana
        .get(&format!("{WS}/projects/LAUNCH/forecast?runs=0&colour=red"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);

    let (status, levelling) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
    assert_eq!(status, StatusCode::OK, "{levelling}");
    let mel = levelling["overallocations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["owner"]["email"] == "mel@x.org")
        .unwrap();
    assert_eq!(
        mel["hours_before"], 16.0,
        "Parallel overlaps LAUNCH-1 for two days"
    );
    assert_eq!(mel["hours_after"], 0.0);
    assert_eq!(levelling["delayed"].as_array().unwrap().len(), 1);
    // A preview changes nothing.
    let (_, task) = ana.get(&format!("{WS}/tasks/LAUNCH-4")).await;
    assert_eq!(task["version"], 1);
    server.stop().await;
}

#[tokio::test]
async fn constraints_and_actuals_hold_in_the_schedule() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        // LAUNCH-2 must start on Monday the 30th: LAUNCH-3 follows it.
        let (status, task) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-2"),
                json!({"constraint_type": "mso", "constraint_date": "2026-11-30"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{task}");
        assert_eq!(task["constraint_type"], "mso");
        assert_eq!(task["constraint_date"], "2026-11-30T08:00");
        // LAUNCH-1 really started on the Tuesday and took two days.
        let (status, task) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-1"),
                json!({"actual_start": "2026-11-24T08:00", "actual_finish": "2026-11-25T17:00", "status": "done"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{task}");
        let (status, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(status, StatusCode::OK, "{schedule}");
        let one = scheduled(&schedule, "LAUNCH-1");
        assert_eq!(one["early_start"], "2026-11-24T08:00");
        assert_eq!(one["early_finish"], "2026-11-25T17:00");
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_start"],
            "2026-11-30T08:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["early_start"],
            "2026-12-01T08:00"
        );
        assert_eq!(schedule["finish"], "2026-12-01T17:00");

        // Taking the constraint off lets LAUNCH-2 follow LAUNCH-1 again.
        let (status, task) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-2"),
                json!({"constraint_type": null, "constraint_date": null}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{task}");
        assert!(task.get("constraint_type").is_none(), "{task}");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_start"],
            "2026-11-26T08:00"
        );

        // An elapsed lag runs over the weekend: LAUNCH-2 ends Thursday
        // evening, two elapsed days later is Saturday evening, so LAUNCH-3
        // starts Monday.
        let (status, link) = ana
            .patch(
                &format!("{WS}/dependencies/LAUNCH-2/LAUNCH-3"),
                json!({"lag_days": 2, "lag_format": "elapsed_days"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{link}");
        assert_eq!(link["lag_format"], "elapsed_days");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["early_start"],
            "2026-11-30T08:00"
        );
        let (status, problem) = ana
            .patch(
                &format!("{WS}/dependencies/LAUNCH-2/LAUNCH-3"),
                json!({"lag_format": "fortnights"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        ana.patch(
            &format!("{WS}/dependencies/LAUNCH-2/LAUNCH-3"),
            json!({"lag_days": 0, "lag_format": "working_days"}),
        )
        .await;

        // Progress reported on Friday evening: work not started moves after
        // it; LAUNCH-1, done, stays.
        let (status, project) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"status_date": "2026-11-27"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{project}");
        assert_eq!(project["status_date"], "2026-11-27T17:00");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-1")["early_start"],
            "2026-11-24T08:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_start"],
            "2026-11-30T08:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["early_start"],
            "2026-12-01T08:00"
        );
        let (status, problem) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"status_date": "soon"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "status_date");
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"status_date": null}),
        )
        .await;

        // Bad constraints and actuals are refused, each field named, and
        // change nothing.
        let before = fingerprint(&ana).await;
        for (body, field) in [
            (json!({"constraint_type": "snet"}), "constraint_date"),
            (
                json!({"constraint_type": "alap", "constraint_date": "2026-12-01"}),
                "constraint_date",
            ),
            (json!({"constraint_date": "2026-12-01"}), "constraint_type"),
            (json!({"constraint_type": "soon"}), "constraint_type"),
            (
                json!({"constraint_type": "fnlt", "constraint_date": "next week"}),
                "constraint_date",
            ),
            (json!({"actual_finish": "2026-11-20"}), "actual_start"),
            (json!({"actual_start": "2026-11-24T25:00"}), "actual_start"),
            (
                json!({"actual_start": "2026-11-24", "actual_finish": "2026-11-23"}),
                "actual_finish",
            ),
        ] {
            let (status, problem) = ana
                .patch(&format!("{WS}/tasks/LAUNCH-3"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(
                problem["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == field),
                "{body} should name {field}: {problem}"
            );
        }
        assert_eq!(fingerprint(&ana).await, before);
        server.stop().await;
    }
}

#[tokio::test]
async fn the_schedule_is_stored_and_recomputed_when_the_plan_changes() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        // A start date, so the plan does not start "today" and change at
        // midnight.
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        let (status, first) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let (_, second) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            first, second,
            "an unchanged plan is served from the stored schedule"
        );
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-2"),
                json!({"estimate_days": 3.0}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, third) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_ne!(
            third["computed_at"], first["computed_at"],
            "a changed plan is rescheduled"
        );
        let two = scheduled(&third, "LAUNCH-2");
        let three = scheduled(&third, "LAUNCH-3");
        assert_ne!(
            two["early_finish"],
            scheduled(&first, "LAUNCH-2")["early_finish"]
        );
        // LAUNCH-3 starts the morning after LAUNCH-2's three days end.
        assert!(three["early_start"].as_str() > two["early_finish"].as_str());
        // The stored schedule survives a restart.
        let url = server.stop().await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let (_, after) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(after["computed_at"], third["computed_at"]);
        assert_eq!(after["tasks"], third["tasks"]);
        server.stop().await;
    }
}

#[tokio::test]
async fn baselines_measure_variance() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        let (status, milestone) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/milestones"),
                json!({"name": "Built", "date": "2026-11-27"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{milestone}");
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-3"),
                json!({"milestone_id": milestone["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        let (status, baseline) = ana
            .post(&format!("{WS}/projects/LAUNCH/baselines"), json!({}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{baseline}");
        assert_eq!(baseline["name"], "Baseline 1");
        assert_eq!(baseline["tasks"], 3);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["baseline"]["id"], baseline["id"]);
        for key in ["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"] {
            let v = &scheduled(&schedule, key)["variance"];
            assert_eq!(
                (v["start_days"].as_f64(), v["finish_days"].as_f64()),
                (Some(0.0), Some(0.0)),
                "{key}"
            );
        }

        // LAUNCH-1 grows from one day to three: everything after slips two.
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-1"),
                json!({"estimate_days": 3.0}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let one = &scheduled(&schedule, "LAUNCH-1")["variance"];
        assert_eq!(one["start_days"], 0.0);
        assert_eq!(one["finish_days"], 2.0);
        assert_eq!(one["duration_days"], 2.0);
        assert_eq!(one["baseline_finish"], "2026-11-23T17:00");
        let three = &scheduled(&schedule, "LAUNCH-3")["variance"];
        assert_eq!(three["start_days"], 2.0);
        assert_eq!(three["duration_days"], 0.0);
        let built = &schedule["milestones"][0];
        assert_eq!(built["name"], "Built");
        assert_eq!(built["baseline_finish"], "2026-11-25T17:00");
        assert_eq!(built["finish"], "2026-11-27T17:00");
        assert_eq!(built["finish_days"], 2.0);

        // A second baseline becomes the default; the first stays
        // addressable.
        let (status, second) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/baselines"),
                json!({"name": "Re-plan"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        let (_, list) = ana.get(&format!("{WS}/projects/LAUNCH/baselines")).await;
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Re-plan", "Baseline 1"]);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["variance"]["start_days"],
            0.0
        );
        let (_, schedule) = ana
            .get(&format!(
                "{WS}/projects/LAUNCH/schedule?baseline={}",
                baseline["id"]
            ))
            .await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["variance"]["start_days"],
            2.0
        );

        // Bad input, other people's baselines, guests.
        let before = fingerprint(&ana).await;
        let (status, problem) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/baselines"),
                json!({"colour": "red"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, problem) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/baselines"),
                json!({"name": "x".repeat(201)}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "name");
        let (status, problem) = ana
            .get(&format!("{WS}/projects/LAUNCH/schedule?baseline=first"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "baseline");
        let (status, _) = ana
            .get(&format!("{WS}/projects/LAUNCH/schedule?baseline=99999"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .post(&format!("{WS}/projects/LAUNCH/baselines"), json!({}))
            .await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
        assert_eq!(fingerprint(&ana).await, before);

        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/projects/LAUNCH/baselines/{}", second["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["baseline"]["id"], baseline["id"]);
        server.stop().await;
    }
}

#[tokio::test]
async fn levelling_applied_removes_the_overallocation() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        let (status, _) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Parallel", "owner": "mel@x.org", "estimate_days": 1.5}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, preview) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        assert_eq!(preview["applied"], false);
        let delayed = preview["delayed"].as_array().unwrap().clone();
        assert!(!delayed.is_empty(), "{preview}");

        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .post(&format!("{WS}/projects/LAUNCH/levelling"), json!({}))
            .await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);

        let (status, applied) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(applied["applied"], true);
        assert_eq!(applied["delayed"], preview["delayed"]);
        // Written as levelling delays, not constraints: each task its own
        // share of the move.
        for d in &delayed {
            let (_, task) = ana
                .get(&format!("{WS}/tasks/{}", d["key"].as_str().unwrap()))
                .await;
            assert!(task["constraint_type"].is_null(), "{task}");
            assert_eq!(
                task["levelling_delay_hours"].as_f64().unwrap(),
                d["levelling_delay_days"].as_f64().unwrap() * 8.0,
                "{task}"
            );
        }
        let keys: Vec<&str> = delayed
            .iter()
            .filter(|d| d["levelling_delay_days"].as_f64() > Some(0.0))
            .map(|d| d["key"].as_str().unwrap())
            .collect();
        assert!(!keys.is_empty(), "{preview}");
        // The plan now is the levelled plan: nothing left to level, and the
        // schedule has the levelled dates.
        let (_, again) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        assert_eq!(again["delayed"], json!([]), "{again}");
        assert!(
            again["overallocations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["hours_before"] == 0.0),
            "{again}"
        );
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], preview["finish_after"]);
        for d in &delayed {
            let row = scheduled(&schedule, d["key"].as_str().unwrap());
            assert_eq!(row["early_start"], d["start"]);
        }

        // The levelling stands until taken back, and says which tasks.
        assert_eq!(applied["standing"]["tasks"], json!(keys), "{applied}");
        assert_eq!(again["standing"]["id"], applied["standing"]["id"]);
        assert_eq!(applied["standing"]["applied_by"]["email"], "ana@x.org");
        // A task changed since: the undo is refused whole, nothing moves.
        let first = keys[0];
        let (status, _) = ana
            .patch(&format!("{WS}/tasks/{first}"), json!({"priority": "high"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, problem) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(first),
            "{problem}"
        );
        for key in &keys {
            let (_, task) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert!(task["levelling_delay_hours"].as_f64() > Some(0.0), "{task}");
        }
        // Refused, it still stands.
        let (_, latest) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        assert_eq!(latest["standing"]["id"], applied["standing"]["id"]);
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .post(&format!("{WS}/projects/LAUNCH/levelling/undo"), json!({}))
            .await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
        server.stop().await;
    }
}

#[tokio::test]
async fn a_levelling_is_taken_back_whole() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        ana.post(
            &format!("{WS}/tasks"),
            json!({"project": "LAUNCH", "title": "Parallel", "owner": "mel@x.org", "estimate_days": 1.5}),
        )
        .await;
        // Nothing applied yet: nothing to take back.
        let (status, _) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, before_schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let (_, applied) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling"), json!({}))
            .await;
        let keys: Vec<String> = applied["delayed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["levelling_delay_days"].as_f64() > Some(0.0))
            .map(|d| d["key"].as_str().unwrap().to_string())
            .collect();
        assert!(!keys.is_empty(), "{applied}");
        let mut before = Vec::new();
        for key in &keys {
            let (_, task) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert!(task["levelling_delay_hours"].as_f64() > Some(0.0), "{task}");
            before.push(task);
        }
        let (_, levelled_schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_ne!(levelled_schedule["finish"], before_schedule["finish"]);
        let (status, undone) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{undone}");
        assert_eq!(undone["tasks"], json!(keys));
        assert!(undone["undone_at"].is_string(), "{undone}");
        for (key, was) in keys.iter().zip(&before) {
            let (_, task) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert_eq!(task["levelling_delay_hours"], 0.0, "{task}");
            assert!(task["constraint_type"].is_null(), "{task}");
            assert!(task["version"].as_i64() > was["version"].as_i64());
        }
        // The schedule is the one before the levelling again.
        let (_, after_schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(after_schedule["finish"], before_schedule["finish"]);
        // Once only; and the preview no longer offers it.
        let (status, problem) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let (_, preview) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        assert!(preview["standing"].is_null(), "{preview}");

        // Levelled again, then cleared: every delay goes, nothing is left
        // behind to hold work back, and the plan is the unlevelled one.
        ana.post(&format!("{WS}/projects/LAUNCH/levelling"), json!({}))
            .await;
        let (status, cleared) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/clear"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{cleared}");
        assert_eq!(cleared["cleared"], json!(keys), "{cleared}");
        for key in &keys {
            let (_, task) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert_eq!(task["levelling_delay_hours"], 0.0, "{task}");
            assert!(task["constraint_type"].is_null(), "{task}");
        }
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], before_schedule["finish"]);
        // Nothing left to clear; and the clearing is taken back like any
        // levelling.
        let (_, again) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/clear"), json!({}))
            .await;
        assert_eq!(again["cleared"], json!([]), "{again}");
        assert!(again["levelling"].is_null(), "{again}");
        let (status, undone) = ana
            .post(&format!("{WS}/projects/LAUNCH/levelling/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{undone}");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], levelled_schedule["finish"]);
        let mel = Api::login(&server.base, "gus").await;
        let (status, _) = mel
            .post(&format!("{WS}/projects/LAUNCH/levelling/clear"), json!({}))
            .await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
        server.stop().await;
    }
}

#[tokio::test]
async fn open_work_is_planned_from_today_when_no_status_date_says_otherwise() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    // Begun weeks ago; its first task done then, the rest not started.
    ana.patch(
        &format!("{WS}/projects/LAUNCH"),
        json!({"start_date": "2026-11-02"}),
    )
    .await;
    let (status, body) = ana
        .patch(
            &format!("{WS}/tasks/LAUNCH-1"),
            json!({"status": "done", "actual_start": "2026-11-02T08:00", "actual_finish": "2026-11-02T17:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let today = chrono::Local::now().date_naive().to_string();
    let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
    let row = |key: &str| {
        schedule["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("LAUNCH-1")["early_start"],
        "2026-11-02T08:00",
        "done work keeps its dates"
    );
    for key in ["LAUNCH-2", "LAUNCH-3"] {
        let start = row(key)["early_start"].as_str().unwrap().to_string();
        assert!(
            start[..10] >= *today,
            "{key} starts {start}, before today {today}"
        );
    }
    assert!(
        schedule["finish"].as_str().unwrap()[..10] >= *today,
        "{schedule}"
    );
    // Its own status date puts the plan back as of that day.
    ana.patch(
        &format!("{WS}/projects/LAUNCH"),
        json!({"status_date": "2026-11-02T17:00"}),
    )
    .await;
    let (_, then) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
    assert_eq!(then["finish"], "2026-11-04T17:00", "{then}");
    server.stop().await;
}
