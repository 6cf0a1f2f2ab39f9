//! The JSON API through a real server on an ephemeral port, on SQLite and
//! (when `TANDEM_TEST_POSTGRES_URL` is set) PostgreSQL.

mod common;

use common::Server;
use common::api::*;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tandem_store::testing::fresh_sqlite_url;

#[tokio::test]
async fn roles_and_workspaces_are_enforced() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let ada = Api::login(&server.base, "ada").await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        let zoe = Api::login(&server.base, "zoe").await;

        // Owner: everything, including members and roles.
        let (status, _) = ana
            .patch(&format!("{WS}/members/2"), json!({"role": "member"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = ana
            .patch(&format!("{WS}/members/2"), json!({"role": "admin"}))
            .await;
        assert_eq!(status, StatusCode::OK);

        // Admin: manages members (adding one invites them), but cannot
        // make or unmake owners.
        let (status, body) = ada
            .post(
                &format!("{WS}/members"),
                json!({"email": "new@x.org", "role": "member"}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let (status, _) = ada
            .patch(&format!("{WS}/members/1"), json!({"role": "member"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Member: works on tasks, but does not manage members.
        let (status, _) = mel
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Mine"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = mel
            .patch(&format!("{WS}/members/4"), json!({"role": "member"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = mel
            .call(Method::DELETE, &format!("{WS}/members/4"), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Guest: sees only projects shared with them, and writes nothing.
        let (status, projects) = gus.get(&format!("{WS}/projects")).await;
        assert_eq!(
            (status, projects.as_array().unwrap().len()),
            (StatusCode::OK, 0)
        );
        let (status, _) = gus.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/stakeholders"),
                json!({"member": "gus@x.org", "role": "approver"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, task) = gus.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(
            (status, task["title"].as_str()),
            (StatusCode::OK, Some("Brief"))
        );
        let before = fingerprint(&ana).await;
        for (method, path, body) in [
            (
                Method::POST,
                format!("{WS}/tasks"),
                Some(json!({"project": "LAUNCH", "title": "x"})),
            ),
            (
                Method::PATCH,
                format!("{WS}/tasks/LAUNCH-1"),
                Some(json!({"status": "done"})),
            ),
            (Method::DELETE, format!("{WS}/tasks/LAUNCH-1"), None),
            (
                Method::POST,
                format!("{WS}/projects"),
                Some(json!({"key": "GUEST", "name": "x"})),
            ),
            (
                Method::POST,
                format!("{WS}/dependencies"),
                Some(json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-3"})),
            ),
            (
                Method::POST,
                format!("{WS}/projects/LAUNCH/risks"),
                Some(json!({"title": "x", "probability": 1, "impact": 1})),
            ),
        ] {
            let (status, _) = gus.call(method.clone(), &path, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "guest {method} {path}");
        }
        assert_eq!(fingerprint(&ana).await, before);

        // Another workspace: its member sees nothing of ours, ids and all.
        for path in [
            format!("{WS}/projects"),
            format!("{WS}/projects/LAUNCH"),
            format!("{WS}/tasks/LAUNCH-1"),
            format!("{WS}/tasks"),
            format!("{WS}/risks/1"),
            format!("{WS}/members"),
        ] {
            let (status, _) = zoe.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "zoe GET {path}");
        }
        let (status, _) = zoe
            .patch(
                &format!("{WS}/tasks/LAUNCH-1"),
                json!({"title": "mine now"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = zoe
            .post(
                "/api/v1/workspaces/other/dependencies",
                json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-2"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "ids of another workspace are unknown there"
        );
        assert_eq!(fingerprint(&ana).await, before);

        // No credentials, or a revoked token: 401.
        let anonymous = Api {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            token: None,
        };
        assert_eq!(
            anonymous.get(&format!("{WS}/projects")).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (_, tokens) = mel.get("/api/v1/tokens").await;
        let id = tokens[0]["id"].as_i64().unwrap();
        assert_eq!(
            mel.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), None)
                .await
                .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            mel.get(&format!("{WS}/projects")).await.0,
            StatusCode::UNAUTHORIZED
        );
        server.stop().await;
    }
}

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
                json!({"title": "x", "start_date": "2026-02-02", "due_date": "2026-02-01", "percent_complete": 101}),
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
    assert_eq!(due["tasks"].as_array().unwrap().len(), 2);
    let (_, owned) = ana.get(&format!("{WS}/tasks?owner=mel@x.org")).await;
    assert_eq!(owned["tasks"].as_array().unwrap().len(), 3);
    let (_, text) = ana.get(&format!("{WS}/tasks?q=design")).await;
    assert_eq!(text["tasks"][0]["key"], "LAUNCH-2");
    server.stop().await;
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let url = fresh_sqlite_url();
    let server = Server::start(&url).await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for route in tandem_server::routes::table() {
        let operation = &doc["paths"][route.path][route.method];
        assert!(
            operation.is_object(),
            "{} {} missing from the document",
            route.method,
            route.path
        );
        // Only what takes a body documents one; a GET or DELETE never does.
        let takes_body = !matches!(route.request, tandem_server::routes::Body::Empty);
        assert_eq!(
            operation["requestBody"].is_object(),
            takes_body,
            "{} {}",
            route.method,
            route.path
        );
        assert!(!takes_body || !matches!(route.method, "get" | "delete"));
    }
    let create_task = &doc["paths"]["/api/v1/workspaces/{ws}/tasks"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["$ref"];
    assert_eq!(create_task, "#/components/schemas/CreateTask");
    assert!(doc["components"]["schemas"]["CreateTask"]["properties"]["priority"].is_object());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let body = &operation["requestBody"];
            for content in body["content"]
                .as_object()
                .into_iter()
                .flat_map(|c| c.values())
            {
                assert_ne!(
                    content["schema"],
                    json!({"type": "null"}),
                    "{method} {path}"
                );
            }
            if let Some(no_content) = operation["responses"].get("204") {
                assert!(
                    no_content.get("content").is_none(),
                    "{method} {path}: {no_content}"
                );
            }
            // Every refusal is a problem.
            assert_eq!(
                operation["responses"]["default"]["content"]["application/problem+json"]["schema"]
                    ["$ref"],
                "#/components/schemas/Problem",
                "{method} {path}"
            );
        }
    }
    // Ids are numbers, keys text; fields the server refuses without are
    // required.
    let params = &doc["paths"]["/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}"]["delete"]
        ["parameters"];
    assert_eq!(params[1]["schema"]["type"], "string");
    let params = &doc["paths"]["/api/v1/workspaces/{ws}/risks/{id}"]["get"]["parameters"];
    assert_eq!(params[1]["schema"]["type"], "integer");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["CreateDependency"]["required"],
        json!(["predecessor", "successor"])
    );
    assert_eq!(
        schemas["UpdateAvailability"]["required"],
        json!(["capacity_hours"])
    );
    assert_eq!(
        schemas["CreateDependency"]["properties"]["predecessor"]["type"],
        "string"
    );
    // A create requires what the update of the same shape does not.
    let create_phase = &doc["paths"]["/api/v1/workspaces/{ws}/projects/{key}/phases"]["post"]["requestBody"]
        ["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(create_phase, "#/components/schemas/CreatePhase");
    assert_eq!(schemas["CreatePhase"]["required"], json!(["name"]));
    assert_eq!(
        schemas["CreatePhase"]["properties"]["name"]["type"],
        "string"
    );
    assert!(schemas["PhaseInput"].get("required").is_none());
    let import = &doc["paths"]["/api/v1/workspaces/{ws}/imports/mspdi"]["post"];
    assert!(import["requestBody"]["content"]["application/xml"].is_object());
    assert!(
        import["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "key")
    );
    let export = &doc["paths"]["/api/v1/workspaces/{ws}/projects/{key}/mspdi"]["get"];
    assert!(export["responses"]["200"]["content"]["application/xml"].is_object());
    let health: Value = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    server.stop().await;
}

/// axum refuses some requests before a handler runs; those answers are
/// problem details too (`call` checks every error's content type).
#[tokio::test]
async fn refusals_before_a_handler_are_problems() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;

    let (status, problem) = ana.get(&format!("{WS}/risks/not-a-number")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["type"], "/problems/bad-request");
    let (status, _) = ana.call(Method::DELETE, "/api/v1/tokens/x", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, problem) = ana.call(Method::PUT, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(problem["status"], 405);
    let (status, _) = ana.get("/api/v1/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A body over the import's limit is refused before it is read whole.
    let response = reqwest::Client::new()
        .post(format!("{}{WS}/imports/mspdi", server.base))
        .bearer_auth(ana.token.as_deref().unwrap())
        .header("content-type", "application/xml")
        .body(vec![b' '; tandem_server::IMPORT_LIMIT_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/payload-too-large");

    // If-Match: a list of entity tags none of which is a version can
    // match nothing (412); a value that is no entity tag is malformed.
    let task = format!("{WS}/tasks/LAUNCH-1");
    for (value, expected) in [
        ("\"abc\"", StatusCode::PRECONDITION_FAILED),
        ("", StatusCode::PRECONDITION_FAILED),
        ("\"99\", W/\"x\"", StatusCode::PRECONDITION_FAILED),
        ("abc", StatusCode::BAD_REQUEST),
        ("\"1\"", StatusCode::OK),
    ] {
        let (status, body) = ana
            .call_with(
                Method::PATCH,
                &task,
                Some(json!({"title": "Brief"})),
                &[("if-match", value)],
            )
            .await;
        assert_eq!(status, expected, "If-Match: {value}: {body}");
    }
    server.stop().await;
}

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
            json!({"start_date": "2026-11-23"}),
        )
        .await;
        let (status, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(status, StatusCode::OK, "{schedule}");
        assert_eq!(
            schedule["critical_path"],
            json!(["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"])
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
        json!({"start_date": "2026-11-23"}),
    )
    .await;
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

/// The scheduled row of one task in a schedule answer.
fn scheduled<'a>(schedule: &'a Value, key: &str) -> &'a Value {
    schedule["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .unwrap_or_else(|| panic!("{key} is not in {schedule}"))
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
            json!({"start_date": "2026-11-23"}),
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
            json!({"start_date": "2026-11-23"}),
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
            json!({"start_date": "2026-11-23"}),
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
            json!({"start_date": "2026-11-23"}),
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
        for d in &delayed {
            let (_, task) = ana
                .get(&format!("{WS}/tasks/{}", d["key"].as_str().unwrap()))
                .await;
            assert_eq!(task["constraint_type"], "snet", "{task}");
            assert_eq!(task["constraint_date"], d["start"], "{task}");
        }
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
        server.stop().await;
    }
}

#[tokio::test]
async fn a_project_calendar_with_holidays_moves_the_schedule() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        // A four-day week of 09:00-17:00 (eight hours, no lunch break).
        let day = "09:00-17:00";
        let (status, project) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"start_date": "2026-11-23", "work_week": [day, day, day, day, "", "", ""]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{project}");
        assert_eq!(project["work_week"][4], "");
        assert_eq!(project["hours_per_day"], 8.0);
        // Wednesday the 25th is a holiday.
        let (status, holiday) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Founders' day", "start_date": "2026-11-25"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{holiday}");
        assert_eq!(holiday["end_date"], "2026-11-25");
        assert_eq!(holiday["hours"], "");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        // Monday, Tuesday, then Thursday: Wednesday is off.
        assert_eq!(
            scheduled(&schedule, "LAUNCH-1")["early_start"],
            "2026-11-23T09:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_start"],
            "2026-11-24T09:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["early_start"],
            "2026-11-26T09:00"
        );
        assert_eq!(schedule["finish"], "2026-11-26T17:00");

        // Thursday becomes a half day: LAUNCH-3 spills into Monday.
        let (status, short) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Short day", "start_date": "2026-11-26", "hours": "09:00-13:00"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{short}");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-30T13:00");
        let (_, list) = ana
            .get(&format!("{WS}/projects/LAUNCH/calendar/exceptions"))
            .await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/projects/LAUNCH/calendar/exceptions/{}", short["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-26T17:00");

        // Bad calendars are refused, each field named, and change nothing.
        let before = fingerprint(&ana).await;
        for (body, field) in [
            (json!({"work_week": [day, day]}), "work_week"),
            (
                json!({"work_week": [day, day, day, "9 to 5", "", "", ""]}),
                "work_week[3]",
            ),
            (
                json!({"work_week": ["", "", "", "", "", "", ""]}),
                "work_week",
            ),
            (json!({"hours_per_day": 0}), "hours_per_day"),
        ] {
            let (status, problem) = ana
                .patch(&format!("{WS}/projects/LAUNCH"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        for (body, field) in [
            (json!({"name": "x"}), "start_date"),
            (json!({"start_date": "2026-12-24"}), "name"),
            (
                json!({"name": "x", "start_date": "2026-12-24", "end_date": "2026-12-20"}),
                "end_date",
            ),
            (
                json!({"name": "x", "start_date": "2026-12-24", "hours": "late"}),
                "hours",
            ),
        ] {
            let (status, problem) = ana
                .post(
                    &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                    body.clone(),
                )
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
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Mine", "start_date": "2026-12-01"}),
            )
            .await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/projects/LAUNCH/calendar/exceptions/99999"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(fingerprint(&ana).await, before);
        server.stop().await;
    }
}

fn fixtures() -> std::path::PathBuf {
    let dir = std::env::var_os("TANDEM_FIXTURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/fixtures/mspdi")
        });
    assert!(
        dir.is_dir(),
        "the MSPDI fixtures are missing at {} (set TANDEM_FIXTURES)",
        dir.display()
    );
    dir
}

impl Api {
    async fn send_xml(&self, path: &str, xml: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(self.token.as_deref().unwrap_or_default())
            .header("content-type", "application/xml")
            .body(xml)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.token.as_deref().unwrap_or_default())
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

/// Every Microsoft Project fixture imports with all its tasks, links and
/// constraints, schedules in Tandem as the file's own plan does (without
/// resource assignments, which Tandem does not import), and exports to a
/// file that reads back and schedules to the same dates.
#[tokio::test]
async fn microsoft_project_files_import_and_export() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mut files: Vec<_> = std::fs::read_dir(fixtures())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        assert!(files.len() >= 5);
        for (n, path) in files.iter().enumerate() {
            let xml = std::fs::read(path).unwrap();
            let file = tandem_schedule::mspdi::read(std::str::from_utf8(&xml).unwrap()).unwrap();
            let key = format!("IMP{n}");
            let (status, project) = ana
                .send_xml(&format!("{WS}/imports/mspdi?key={key}"), xml.clone())
                .await;
            assert_eq!(status, StatusCode::CREATED, "{}: {project}", path.display());
            let kept: Vec<_> = file.tasks.iter().filter(|t| t.outline_level >= 1).collect();
            let (_, tasks) = ana
                .get(&format!("{WS}/tasks?project={key}&limit=500"))
                .await;
            let tasks = tasks["tasks"].as_array().unwrap();
            assert_eq!(tasks.len(), kept.len(), "{}", path.display());
            let (_, links) = ana.get(&format!("{WS}/projects/{key}/dependencies")).await;
            let file_links: usize = kept.iter().map(|t| t.predecessors.len()).sum();
            assert_eq!(
                links.as_array().unwrap().len(),
                file_links,
                "{}",
                path.display()
            );
            assert_eq!(
                tasks.iter().filter(|t| !t["parent"].is_null()).count(),
                kept.iter().filter(|t| t.outline_level >= 2).count(),
                "{}: the outline becomes parents",
                path.display()
            );
            if !kept.is_empty() {
                let (_, history) = ana.get(&format!("{WS}/tasks/{key}-1/activity")).await;
                assert_eq!(history[0]["action"], "created", "{history}");
            }
            let constrained = kept.iter().filter(|t| t.constraint_type != 0).count();
            assert_eq!(
                tasks
                    .iter()
                    .filter(|t| t.get("constraint_type").is_some())
                    .count(),
                constrained,
                "{}",
                path.display()
            );

            // Tandem's schedule of the project is the file's plan's.
            let mut plan = file.plan().unwrap();
            for t in &mut plan.tasks {
                t.assignments.clear();
            }
            let expected = tandem_schedule::schedule(&plan).unwrap();
            let (status, schedule) = ana.get(&format!("{WS}/projects/{key}/schedule")).await;
            assert_eq!(status, StatusCode::OK, "{schedule}");
            for (k, task) in kept.iter().enumerate() {
                let i = file.tasks.iter().position(|t| t.uid == task.uid).unwrap();
                if expected.tasks[i].summary {
                    continue;
                }
                let [es, ef, ..] = expected.instants(i);
                let row = scheduled(&schedule, &format!("{key}-{}", k + 1));
                assert_eq!(
                    (
                        row["early_start"].as_str().unwrap(),
                        row["early_finish"].as_str().unwrap()
                    ),
                    (
                        es.format("%Y-%m-%dT%H:%M").to_string().as_str(),
                        ef.format("%Y-%m-%dT%H:%M").to_string().as_str()
                    ),
                    "{} task {} ({})",
                    path.display(),
                    task.uid,
                    task.name
                );
            }

            // Exported, read back and scheduled: the same dates again.
            let (status, exported) = ana.get_text(&format!("{WS}/projects/{key}/mspdi")).await;
            assert_eq!(status, StatusCode::OK);
            let back = tandem_schedule::mspdi::read(&exported).unwrap();
            assert_eq!(back.tasks.len(), kept.len());
            let again = tandem_schedule::schedule(&back.plan().unwrap()).unwrap();
            for k in 0..kept.len() {
                let row = scheduled(&schedule, &format!("{key}-{}", k + 1));
                let [es, ef, ls, lf] = again.instants(k);
                let text = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
                assert_eq!(
                    [text(es), text(ef), text(ls), text(lf)],
                    [
                        &row["early_start"],
                        &row["early_finish"],
                        &row["late_start"],
                        &row["late_finish"]
                    ]
                    .map(|v| v.as_str().unwrap().to_string()),
                    "{} exported task {k}",
                    path.display()
                );
            }
        }

        // A file that is not MSPDI, or whose links loop, changes nothing.
        let before = ana.get(&format!("{WS}/projects")).await.1;
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=BAD"),
                b"<Project><Tasks><Task>".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "file");
        let looped = "<Project><StartDate>2026-11-23T08:00:00</StartDate><Tasks>\
            <Task><UID>1</UID><ID>1</ID><Name>A</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
            <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type></PredecessorLink></Task>\
            <Task><UID>2</UID><ID>2</ID><Name>B</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
            <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task></Tasks></Project>";
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=LOOP"),
                looped.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let dangling = looped.replace(
            "<PredecessorUID>1</PredecessorUID><Type>1</Type>",
            "<PredecessorUID>9</PredecessorUID><Type>1</Type>",
        );
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=LOOP"),
                dangling.into_bytes(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=IMP0"),
                std::fs::read(&files[0]).unwrap(),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a taken key: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], "key");
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .send_xml(
                &format!("{WS}/imports/mspdi?key=GUS"),
                std::fs::read(&files[0]).unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(ana.get(&format!("{WS}/projects")).await.1, before);
        server.stop().await;
    }
}

#[tokio::test]
async fn part_time_capacity_and_time_off_shape_the_plan_and_levelling() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23"}),
        )
        .await;
        let (_, members) = ana.get(&format!("{WS}/members")).await;
        let id_of = |email: &str| {
            members
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["user"]["email"] == email)
                .unwrap()["user"]["id"]
                .as_i64()
                .unwrap()
        };
        let (mel_id, ada_id) = (id_of("mel@x.org"), id_of("ada@x.org"));
        assert_eq!(members[0]["capacity_hours"], 40.0);
        // LAUNCH-2 is eight hours of Mel's effort: a day at full time.
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-2"),
            json!({"effort_hours": 8.0}),
        )
        .await;
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-25T17:00");

        // Mel goes half time: the effort takes two days.
        let (status, member) = mel
            .patch(
                &format!("{WS}/members/{mel_id}/availability"),
                json!({"capacity_hours": 20}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{member}");
        assert_eq!(member["capacity_hours"], 20.0);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_finish"],
            "2026-11-25T17:00"
        );
        assert_eq!(schedule["finish"], "2026-11-26T17:00");

        // Mel is away on Tuesday and Wednesday: levelling moves her work
        // past them.
        let (status, away) = mel
            .post(
                &format!("{WS}/members/{mel_id}/time-off"),
                json!({"start_date": "2026-11-24", "end_date": "2026-11-25", "note": "Conference"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{away}");
        let (_, levelling) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        let delayed: Vec<&str> = levelling["delayed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap())
            .collect();
        assert_eq!(delayed, ["LAUNCH-2", "LAUNCH-3"], "{levelling}");
        assert_eq!(levelling["delayed"][0]["start"], "2026-11-26T08:00");
        assert_eq!(levelling["finish_after"], "2026-11-30T17:00");
        let (_, list) = mel.get(&format!("{WS}/members/{mel_id}/time-off")).await;
        assert_eq!(list.as_array().unwrap().len(), 1);

        // Who may change whose availability, and bad input.
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .patch(
                &format!("{WS}/members/{mel_id}/availability"),
                json!({"capacity_hours": 10}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = mel
            .post(
                &format!("{WS}/members/{ada_id}/time-off"),
                json!({"start_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = ana
            .post(
                &format!("{WS}/members/{ada_id}/time-off"),
                json!({"start_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "admins manage anyone's time off"
        );
        let before = ana.get(&format!("{WS}/members/{mel_id}/time-off")).await.1;
        for (path, body, field) in [
            (
                "availability",
                json!({"capacity_hours": 200}),
                "capacity_hours",
            ),
            ("availability", json!({}), "capacity_hours"),
            ("time-off", json!({"end_date": "2026-12-01"}), "start_date"),
            (
                "time-off",
                json!({"start_date": "2026-12-02", "end_date": "2026-12-01"}),
                "end_date",
            ),
        ] {
            let url = format!("{WS}/members/{mel_id}/{path}");
            let (status, problem) = if path == "availability" {
                mel.patch(&url, body.clone()).await
            } else {
                mel.post(&url, body.clone()).await
            };
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        assert_eq!(
            ana.get(&format!("{WS}/members/{mel_id}/time-off")).await.1,
            before
        );
        let (_, other) = Api::login(&server.base, "zoe")
            .await
            .get("/api/v1/workspaces/other/members")
            .await;
        let zoe_id = other[0]["user"]["id"].as_i64().unwrap();
        let (status, _) = ana
            .post(
                &format!("{WS}/members/{zoe_id}/time-off"),
                json!({"start_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not a member here");

        let (status, _) = mel
            .call(
                Method::DELETE,
                &format!("{WS}/members/{mel_id}/time-off/{}", away["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, levelling) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        assert_eq!(levelling["delayed"], json!([]), "{levelling}");
        server.stop().await;
    }
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
