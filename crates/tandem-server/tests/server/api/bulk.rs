//! Bulk edits and board moves through the API.

use super::*;

fn version_of(task: &Value) -> i64 {
    task["version"].as_i64().unwrap()
}

/// Ana's personal task: one Mel may not open.
async fn personal_task_of(ana: &Api) -> String {
    let (status, task) = ana
        .post(&format!("{WS}/tasks"), json!({"title": "Ana's own"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["key"].as_str().unwrap().to_string()
}

/// A task in Zoe's workspace, where Ana and Mel are nobody.
async fn foreign_task(base: &str) -> String {
    let zoe = Api::login(base, "zoe").await;
    let (status, task) = zoe
        .post("/api/v1/workspaces/other/tasks", json!({"title": "Zoe's"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["key"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn tasks_are_edited_in_bulk_all_or_none() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        let bulk = format!("{WS}/tasks/bulk");
        let (_, one) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        let (_, two) = ana.get(&format!("{WS}/tasks/LAUNCH-2")).await;

        let (status, tasks) = mel
            .post(
                &bulk,
                json!({
                    "tasks": [{"key": "LAUNCH-1", "version": version_of(&one)},
                              {"key": "launch-2", "version": version_of(&two)}],
                    "status": "in_progress", "priority": "high",
                    "owner": null, "due_date": "2027-05-03"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{tasks}");
        let tasks = tasks.as_array().unwrap();
        assert_eq!(tasks.len(), 2);
        for (task, before) in tasks.iter().zip([&one, &two]) {
            assert_eq!(task["key"], before["key"]);
            assert_eq!(task["status"], "in_progress");
            assert_eq!(task["priority"], "high");
            assert_eq!(task["owner"], Value::Null);
            assert_eq!(task["due_date"], "2027-05-03");
            assert_eq!(version_of(task), version_of(before) + 1);
        }
        let (_, one) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(one["priority"], "high");

        // Blocked in bulk, with the reason each task keeps.
        let (status, blocked) = mel
            .post(
                &bulk,
                json!({
                    "tasks": [{"key": "LAUNCH-1", "version": version_of(&one)}],
                    "status": "blocked", "blocked_reason": "Waiting on legal"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{blocked}");
        assert_eq!(
            blocked[0]["blocked_reason"], "Waiting on legal",
            "{blocked}"
        );
        let (_, one) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;

        // One task read at an old version: nothing changes, and the
        // answer names it.
        let before = fingerprint(&ana).await;
        let (_, three) = ana.get(&format!("{WS}/tasks/LAUNCH-3")).await;
        let (status, problem) = mel
            .post(
                &bulk,
                json!({
                    "tasks": [{"key": "LAUNCH-3", "version": version_of(&three)},
                              {"key": "LAUNCH-1", "version": version_of(&one) - 1}],
                    "priority": "low"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("LAUNCH-1"));
        assert_eq!(fingerprint(&ana).await, before);

        // A guest hears 403 whatever they send.
        for body in [
            json!({"tasks": "nope"}),
            json!({"tasks": [{"key": "LAUNCH-1", "version": version_of(&one)}], "priority": "low"}),
        ] {
            let (status, problem) = gus.post(&bulk, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        }

        // Bad input is named field by field.
        let seen = json!({"key": "LAUNCH-1", "version": version_of(&one)});
        for (body, field) in [
            (json!({"tasks": [seen], "status": "finished"}), "status"),
            (
                json!({"tasks": [seen, {"key": "LAUNCH-2"}]}),
                "tasks[1].version",
            ),
            (json!({"tasks": [seen, {"version": 1}]}), "tasks[1].key"),
            (json!({"tasks": [seen, seen]}), "tasks[1].key"),
            (json!({"tasks": []}), "tasks"),
            (json!({"priority": "low"}), "tasks"),
            (json!({"tasks": [seen], "owner": "not an email"}), "owner"),
            (json!({"tasks": [seen], "due_date": "soon"}), "due_date"),
            (json!({"tasks": [seen], "colour": "red"}), "colour"),
        ] {
            let (status, problem) = mel.post(&bulk, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            let fields: Vec<&str> = problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|e| e["field"].as_str())
                .collect();
            assert!(fields.contains(&field), "{body}: {problem}");
        }
        // A task of another workspace, or one Mel may not open, is not
        // found; the others are left alone.
        let before = fingerprint(&ana).await;
        for key in [
            personal_task_of(&ana).await,
            foreign_task(&server.base).await,
        ] {
            let before = fingerprint(&ana).await;
            let (status, problem) = mel
                .post(
                    &bulk,
                    json!({"tasks": [seen, {"key": key, "version": 1}], "priority": "low"}),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{key}: {problem}");
            assert_eq!(fingerprint(&ana).await, before);
        }
        let (_, one_now) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(one_now, one, "{before}");

        // Into a phase and onto a milestone together; another project's
        // phase is refused for every task and changes nothing.
        let (_, phase) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/phases"),
                json!({"name": "Build"}),
            )
            .await;
        let (_, gate) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/milestones"),
                json!({"name": "Beta"}),
            )
            .await;
        let (status, other) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": "ELSE", "name": "Else"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{other}");
        let (_, elsewhere) = ana
            .post(
                &format!("{WS}/projects/ELSE/phases"),
                json!({"name": "There"}),
            )
            .await;
        let (_, three) = ana.get(&format!("{WS}/tasks/LAUNCH-3")).await;
        let seen_both = json!([{"key": "LAUNCH-1", "version": version_of(&one)},
                               {"key": "LAUNCH-3", "version": version_of(&three)}]);
        let before = fingerprint(&ana).await;
        let (status, problem) = mel
            .post(
                &bulk,
                json!({"tasks": seen_both, "phase_id": elsewhere["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("phase_id"), "{problem}");
        assert_eq!(fingerprint(&ana).await, before);
        let (status, tasks) = mel
            .post(
                &bulk,
                json!({"tasks": seen_both, "phase_id": phase["id"], "milestone_id": gate["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{tasks}");
        for task in tasks.as_array().unwrap() {
            assert_eq!(task["phase_id"], phase["id"], "{task}");
            assert_eq!(task["milestone_id"], gate["id"], "{task}");
        }
        let seen_both = json!(
            tasks
                .as_array()
                .unwrap()
                .iter()
                .map(|t| json!({"key": t["key"], "version": t["version"]}))
                .collect::<Vec<_>>()
        );
        let (status, tasks) = mel
            .post(&bulk, json!({"tasks": seen_both, "phase_id": null}))
            .await;
        assert_eq!(status, StatusCode::OK, "{tasks}");
        assert_eq!(tasks[0]["phase_id"], Value::Null, "{tasks}");
        assert_eq!(tasks[0]["milestone_id"], gate["id"], "{tasks}");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_card_moves_on_the_board() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        let (_, three) = ana.get(&format!("{WS}/tasks/LAUNCH-3")).await;
        let version = format!("\"{}\"", version_of(&three));

        // If-Match names the version; the answer carries the new one.
        let response = mel
            .http
            .post(format!("{}{WS}/tasks/LAUNCH-3/move", server.base))
            .bearer_auth(mel.token.as_ref().unwrap())
            .header("if-match", &version)
            .json(&json!({"status": "in_progress", "before": "LAUNCH-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let etag = response.headers()["etag"].to_str().unwrap().to_string();
        let moved: Value = response.json().await.unwrap();
        assert_eq!(moved["status"], "in_progress");
        assert_eq!(etag, format!("\"{}\"", version_of(&moved)));
        assert_eq!(version_of(&moved), version_of(&three) + 1);

        // The same version again is stale: 412, nothing changes.
        let before = fingerprint(&ana).await;
        let (status, problem) = mel
            .call_with(
                Method::POST,
                &format!("{WS}/tasks/LAUNCH-3/move"),
                Some(json!({"status": "done"})),
                &[("if-match", &version)],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
        // So is a stale version in the body.
        let (status, _) = mel
            .post(
                &format!("{WS}/tasks/LAUNCH-3/move"),
                json!({"status": "done", "version": version_of(&three)}),
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(fingerprint(&ana).await, before);

        // The current version in the body moves it.
        let (status, moved) = mel
            .post(
                &format!("{WS}/tasks/LAUNCH-3/move"),
                json!({"status": "done", "after": "LAUNCH-2", "version": version_of(&moved)}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["status"], "done");

        // Refusals: a guest, a bad status, a task Mel may not open or of
        // another workspace; none changes anything.
        let before = fingerprint(&ana).await;
        let (status, _) = gus
            .post(
                &format!("{WS}/tasks/LAUNCH-1/move"),
                json!({"status": "bogus"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, problem) = mel
            .post(
                &format!("{WS}/tasks/LAUNCH-1/move"),
                json!({"status": "bogus"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "status", "{problem}");
        // Neighbours must be other cards of the same board.
        let personal = personal_task_of(&ana).await;
        for (body, field) in [
            (json!({"after": "LAUNCH-99"}), "after"),
            (json!({"before": "LAUNCH-1"}), "before"),
            (json!({"after": personal}), "after"),
        ] {
            let before = fingerprint(&ana).await;
            let (status, problem) = ana
                .post(&format!("{WS}/tasks/LAUNCH-1/move"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
            assert_eq!(fingerprint(&ana).await, before);
        }
        for key in [personal, foreign_task(&server.base).await] {
            let before = fingerprint(&ana).await;
            let (status, problem) = mel
                .post(&format!("{WS}/tasks/{key}/move"), json!({"status": "done"}))
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{key}: {problem}");
            assert_eq!(fingerprint(&ana).await, before);
        }
        let (_, one) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_ne!(one["status"], "done", "{before}");

        // To Blocked with its reason; out of Blocked, the reason goes.
        let (status, task) = mel
            .post(
                &format!("{WS}/tasks/LAUNCH-3/move"),
                json!({"status": "blocked", "blocked_reason": "Waiting on legal"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{task}");
        assert_eq!(task["status"], "blocked");
        assert_eq!(task["blocked_reason"], "Waiting on legal");
        let (status, task) = mel
            .post(
                &format!("{WS}/tasks/LAUNCH-3/move"),
                json!({"status": "todo"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{task}");
        assert_eq!(task["blocked_reason"], Value::Null, "{task}");
        server.stop().await;
    }
}
