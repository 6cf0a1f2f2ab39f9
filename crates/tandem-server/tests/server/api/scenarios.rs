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
        // A link closing a cycle is the scenario's to hear of, named.
        ana.post(
            &format!("{SC}/One/links"),
            json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1"}),
        )
        .await;
        let (status, problem) = ana.get(&format!("{SC}/One")).await;
        assert!(status.is_client_error(), "{status}: {problem}");
        assert!(problem.to_string().contains("LAUNCH-1"), "{problem}");
        // Taken away again, the link the scenario added is gone from it.
        let (status, undone) = ana
            .post(
                &format!("{SC}/One/links"),
                json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1", "removed": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{undone}");
        assert_eq!(undone["links"], json!([]), "{undone}");
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
