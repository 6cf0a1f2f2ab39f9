//! Bad input, stale updates, restarts, the task list's filters and pages,
//! and quick add.

use super::*;

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_changes_nothing() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let before = fingerprint(&ana).await;
        let big = "x".repeat(300 * 1024);
        let cases: Vec<(Method, String, Value, StatusCode, &[&str])> = vec![
            (
                Method::POST,
                format!("{WS}/projects"),
                json!({}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["key", "name"],
            ),
            (
                Method::POST,
                format!("{WS}/projects"),
                json!({"key": "1x", "name": 5, "budget": "lots", "extra": true}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["name", "budget", "extra", "key"],
            ),
            (
                Method::POST,
                format!("{WS}/projects"),
                json!({"key": "LAUNCH", "name": "Again"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["key"],
            ),
            (
                Method::POST,
                format!("{WS}/projects"),
                json!({"key": "OPS", "name": "Ops", "ongoing": true, "target_date": "2027-01-01"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["target_date"],
            ),
            (
                Method::PATCH,
                format!("{WS}/projects/LAUNCH"),
                json!({"status": "finished"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["status"],
            ),
            (
                Method::PATCH,
                format!("{WS}/projects/NOPE"),
                json!({"name": "x"}),
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/tasks"),
                json!({"project": "LAUNCH"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["title"],
            ),
            (
                Method::POST,
                format!("{WS}/tasks"),
                json!({"title": 1, "priority": "soon", "due_date": "friday", "percent_complete": "half"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["title", "priority", "due_date", "percent_complete"],
            ),
            (
                Method::POST,
                format!("{WS}/tasks"),
                json!({"title": "x", "project": "NOPE"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["project"],
            ),
            (
                Method::POST,
                format!("{WS}/tasks"),
                json!({"title": "x", "project": "LAUNCH", "owner": "stranger@x.org", "parent": "LAUNCH-99"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["owner", "parent"],
            ),
            (
                Method::POST,
                format!("{WS}/tasks"),
                json!({"title": "x", "start_date": "2026-02-02", "due_date": "2300-02-01", "percent_complete": 101}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["due_date", "percent_complete"],
            ),
            (
                Method::POST,
                format!("{WS}/tasks"),
                json!({"title": big}),
                StatusCode::PAYLOAD_TOO_LARGE,
                &[],
            ),
            (
                Method::PATCH,
                format!("{WS}/tasks/LAUNCH-1"),
                json!({"title": big}),
                StatusCode::PAYLOAD_TOO_LARGE,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/status-updates"),
                json!({"text": big}),
                StatusCode::PAYLOAD_TOO_LARGE,
                &[],
            ),
            (
                Method::PATCH,
                format!("{WS}/tasks/LAUNCH-1"),
                json!({"status": "finished", "colour": "red"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["status", "colour"],
            ),
            (
                Method::PATCH,
                format!("{WS}/tasks/LAUNCH-1"),
                json!({"parent": "LAUNCH-1"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["parent"],
            ),
            (
                Method::PATCH,
                format!("{WS}/tasks/LAUNCH-404"),
                json!({"title": "x"}),
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::DELETE,
                format!("{WS}/tasks/LAUNCH-404"),
                Value::Null,
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1"}),
                StatusCode::CONFLICT,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-2"}),
                StatusCode::CONFLICT,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-1"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["successor"],
            ),
            (
                Method::POST,
                format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-77", "type": "xx", "lag_days": "2d"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["type", "lag_days"],
            ),
            (
                Method::POST,
                format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-77"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["successor"],
            ),
            (
                Method::DELETE,
                format!("{WS}/dependencies/LAUNCH-1/LAUNCH-3"),
                Value::Null,
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/risks"),
                json!({"title": "", "probability": 6, "impact": 0}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["title", "probability", "impact"],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/risks"),
                json!({"title": "x", "probability": 1, "impact": 1, "tasks": ["LAUNCH-50"]}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["tasks"],
            ),
            (
                Method::PATCH,
                format!("{WS}/risks/999"),
                json!({"title": "x"}),
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/stakeholders"),
                json!({"role": "king"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["role"],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/stakeholders"),
                json!({"role": "sponsor"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["name"],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/phases"),
                json!({"name": "P", "start_date": "2026-03-02", "end_date": "2026-03-01"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["end_date"],
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/milestones"),
                json!({"date": "soon"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["date"],
            ),
            (
                Method::PATCH,
                format!("{WS}/phases/999"),
                json!({"name": "x"}),
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::PATCH,
                format!("{WS}/milestones/999"),
                json!({"name": "x"}),
                StatusCode::NOT_FOUND,
                &[],
            ),
            (
                Method::POST,
                format!("{WS}/members"),
                json!({"email": "not an email", "role": "member"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["email"],
            ),
            (
                Method::POST,
                format!("{WS}/members"),
                json!({"email": "mel@x.org", "role": "member"}),
                StatusCode::CONFLICT,
                &[],
            ),
            (
                Method::DELETE,
                format!("{WS}/members/1"),
                Value::Null,
                StatusCode::CONFLICT,
                &[],
            ),
            (
                Method::POST,
                "/api/v1/tokens".to_string(),
                json!({"name": ""}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["name"],
            ),
            (
                Method::POST,
                "/api/v1/workspaces".to_string(),
                json!({"slug": "Bad Slug!", "name": "x"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &["slug"],
            ),
            (
                Method::POST,
                "/api/v1/workspaces".to_string(),
                json!({"slug": "acme", "name": "Again"}),
                StatusCode::CONFLICT,
                &[],
            ),
        ];
        for (method, path, body, expect, fields) in cases {
            let body = (!body.is_null()).then_some(body);
            let (status, problem) = ana.call(method.clone(), &path, body).await;
            assert_eq!(status, expect, "{method} {path}: {problem}");
            let named: Vec<&str> = problem["errors"]
                .as_array()
                .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
                .unwrap_or_default();
            for field in fields {
                assert!(
                    named.contains(field),
                    "{method} {path}: {field} not named in {problem}"
                );
            }
            assert_eq!(problem["status"].as_u64(), Some(expect.as_u16() as u64));
        }
        // A cycle names its tasks.
        let (_, problem) = ana
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1"}),
            )
            .await;
        assert_eq!(
            problem["cycle"],
            json!(["LAUNCH-3", "LAUNCH-1", "LAUNCH-2", "LAUNCH-3"])
        );
        // Wrong media type, unknown query parameters and bad filters.
        let response = reqwest::Client::new()
            .post(format!("{}{WS}/tasks", server.base))
            .bearer_auth(ana.token.as_ref().unwrap())
            .body("title=x")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        // So is a change in another type than JSON.
        let response = reqwest::Client::new()
            .patch(format!("{}{WS}/projects/LAUNCH", server.base))
            .bearer_auth(ana.token.as_ref().unwrap())
            .header("content-type", "text/plain")
            .body(r#"{"name": "x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (status, problem) = ana
            .get(&format!("{WS}/tasks?colour=red&status=nope&limit=0"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"].as_array().unwrap().len(), 3);
        assert_eq!(
            fingerprint(&ana).await,
            before,
            "a refused request changed the database"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn stale_updates_get_412_and_data_survives_a_restart() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let (status, task) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(status, StatusCode::OK);
        let version = task["version"].as_i64().unwrap().to_string();
        let etag = format!("\"{version}\"");
        let (status, updated) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/tasks/LAUNCH-1"),
                Some(json!({"status": "in_progress", "percent_complete": 30})),
                &[("if-match", &etag)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        let (status, problem) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/tasks/LAUNCH-1"),
                Some(json!({"title": "Overwritten"})),
                &[("if-match", &etag)],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
        let (_, project) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        let stale = format!("\"{}\"", project["version"].as_i64().unwrap() - 1);
        let (status, _) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/projects/LAUNCH"),
                Some(json!({"name": "Renamed"})),
                &[("if-match", &stale)],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (status, _) = ana
            .call_with(
                Method::DELETE,
                &format!("{WS}/tasks/LAUNCH-1"),
                None,
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (_, task) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(task["title"], "Brief");
        assert_eq!(task["status"], "in_progress");

        // History records who changed what.
        let (_, history) = ana.get(&format!("{WS}/tasks/LAUNCH-1/activity")).await;
        let last = &history[0];
        assert_eq!(last["actor"]["email"], "ana@x.org");
        assert!(
            last["changes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["field"] == "status"
                    && c["before"] == "todo"
                    && c["after"] == "in_progress")
        );

        // Progress rolls up: 30 % of one of three equal leaves.
        let (_, project) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(project["progress"]["percent"], 10.0);

        // Everything acknowledged is there after a restart.
        let snapshot = fingerprint(&ana).await;
        let url = server.stop().await;
        let server = Server::start(&url).await;
        let ana_again = Api {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            token: ana.token.clone(),
        };
        assert_eq!(fingerprint(&ana_again).await, snapshot);
        server.stop().await;
    }
}

#[tokio::test]
async fn task_list_filters_and_pages() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    for i in 0..7 {
        let (status, _) = ana
            .post(&format!("{WS}/tasks"), json!({"project": "LAUNCH", "title": format!("Extra {i}"), "priority": if i % 2 == 0 { "high" } else { "low" }, "due_date": format!("2026-12-0{}", i + 1), "tags": ["extra"]}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, page) = ana.get(&format!("{WS}/tasks?limit=4")).await;
    assert_eq!(page["tasks"].as_array().unwrap().len(), 4);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = ana
        .get(&format!("{WS}/tasks?limit=4&cursor={cursor}"))
        .await;
    assert_eq!(next["tasks"][0]["key"], "LAUNCH-5");
    let (_, high) = ana
        .get(&format!("{WS}/tasks?priority=high&tag=extra"))
        .await;
    assert_eq!(high["tasks"].as_array().unwrap().len(), 4);
    let (_, due) = ana
        .get(&format!(
            "{WS}/tasks?due_after=2026-12-02&due_before=2026-12-05"
        ))
        .await;
    // Both bounds include their day: 2 to 5 December, four tasks.
    let dues: Vec<&str> = due["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["due_date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dues,
        ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]
    );
    let (_, owned) = ana.get(&format!("{WS}/tasks?owner=mel@x.org")).await;
    assert_eq!(owned["tasks"].as_array().unwrap().len(), 3);
    let (_, text) = ana.get(&format!("{WS}/tasks?q=design")).await;
    assert_eq!(text["tasks"][0]["key"], "LAUNCH-2");
    server.stop().await;
}

#[tokio::test]
async fn a_task_is_added_from_one_line() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    let (status, task) = ana
        .post(
            &format!("{WS}/quick"),
            json!({"text": "Ship the kit @mel #LAUNCH due 2027-03-01 !urgent"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    assert_eq!(task["title"], "Ship the kit");
    assert_eq!(task["key"], "LAUNCH-4");
    assert_eq!(task["owner"]["email"], "mel@x.org");
    assert_eq!(task["priority"], "urgent");
    assert_eq!(task["due_date"], "2027-03-01");
    // Without a project, a personal task of the caller's.
    let (status, task) = ana
        .post(&format!("{WS}/quick"), json!({"text": "Buy stamps"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    assert_eq!(task["owner"]["email"], "ana@x.org");
    for (body, field) in [
        (json!({}), "text"),
        (json!({"text": "   "}), "title"),
        (json!({"text": "Call @nobody"}), "owner"),
        (json!({"text": "Plan #NOPE"}), "project"),
    ] {
        let (status, problem) = ana.post(&format!("{WS}/quick"), body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        let fields = problem["errors"].to_string();
        assert!(fields.contains(field), "{body}: {problem}");
    }
    server.stop().await;
}

#[tokio::test]
async fn work_may_start_after_its_due_date_and_is_shown_late() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let (status, task) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Survey", "start_date": "2027-01-04", "due_date": "2027-01-15"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        let key = task["key"].as_str().unwrap().to_string();
        let path = format!("{WS}/tasks/{key}");
        // The start moved past the due date: a late task, not a refusal;
        // and put back, as an Undo does, in either order.
        let (status, moved) = ana.patch(&path, json!({"start_date": "2027-01-20"})).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["due_date"], "2027-01-15");
        let (status, _) = ana.patch(&path, json!({"due_date": "2027-01-25"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, back) = ana.patch(&path, json!({"due_date": "2027-01-15"})).await;
        assert_eq!(status, StatusCode::OK, "{back}");
        // Its schedule says it finishes after its due date.
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let warnings = schedule["warnings"].to_string();
        assert!(
            warnings.contains(&format!("{key} finishes after its due date")),
            "{schedule}"
        );
    }
}
