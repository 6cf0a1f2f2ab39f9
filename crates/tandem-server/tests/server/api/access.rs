//! Who may do what through the API, refusals made before any handler runs,
//! and the OpenAPI document covering every route.

use super::*;

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
