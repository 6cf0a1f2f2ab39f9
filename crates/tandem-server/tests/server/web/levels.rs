//! Promote and demote through the pages, without a script: the task
//! page's form makes a project and says where the work went, an old key's
//! page leads to the task's new one, the project says where it came from,
//! and its settings' form makes it a task again, back where it was.

use super::*;

async fn api_post(ana: &Browser, path: &str, body: Value) -> Value {
    let response = ana
        .http
        .post(format!("{}/api/v1/workspaces/demo{path}", ana.base))
        .header("cookie", &ana.cookie)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn version(ana: &Browser, path: &str) -> i64 {
    let body: Value = ana
        .get(&format!("/api/v1/workspaces/demo{path}"))
        .await
        .json()
        .await
        .unwrap();
    body["version"].as_i64().unwrap()
}

#[tokio::test]
async fn a_task_is_promoted_and_its_project_demoted_back_from_the_pages() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let chloe = Browser::sign_in(&server.base, "chloe@demo.tandem").await;
    let move_task = api_post(
        &ana,
        "/tasks",
        serde_json::json!({"project": "OPS", "title": "Office move", "owner": "ben@demo.tandem"}),
    )
    .await;
    let key = move_task["key"].as_str().unwrap().to_string();
    let packing = api_post(
        &ana,
        "/tasks",
        serde_json::json!({"project": "OPS", "title": "Pack the desks", "parent": key}),
    )
    .await;
    let packing = packing["key"].as_str().unwrap().to_string();

    let page = ana
        .get(&format!("/w/demo/t/{key}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Promote to a project"), "{page}");
    // A stale page's form changes nothing.
    let (status, _) = ana
        .post(
            &format!("/w/demo/t/{key}/promote"),
            "version=999&key=MOVE",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let v = version(&ana, &format!("/tasks/{key}")).await;
    assert_eq!(
        ana.posted_to(
            &format!("/w/demo/t/{key}/promote"),
            &format!("version={v}&key=move")
        )
        .await,
        "/w/demo/p/MOVE"
    );
    let page = ana
        .get(&format!("/w/demo/t/{key}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Promoted to project") && page.contains("/w/demo/p/MOVE"),
        "{page}"
    );
    assert!(!page.contains("Promote to a project"), "once is enough");
    // The subtask's old key leads to its page under its new one.
    let old = ana.get(&format!("/w/demo/t/{packing}")).await;
    assert_eq!(old.status(), StatusCode::SEE_OTHER);
    assert_eq!(old.headers()["location"], "/w/demo/t/MOVE-1");
    let overview = ana.get("/w/demo/p/MOVE").await.text().await.unwrap();
    assert!(
        overview.contains("Promoted from the task") && overview.contains(&key),
        "{overview}"
    );

    // Chloe, a member who does not own it, is not offered the demotion
    // and may not post it.
    let settings = chloe
        .get("/w/demo/p/MOVE/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(!settings.contains("Make it a task"));
    let (status, _) = chloe
        .post("/w/demo/p/MOVE/demote", "version=1&to_project=OPS", &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let settings = ana
        .get("/w/demo/p/MOVE/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        settings.contains("Make it a task")
            && settings.contains(r#"<option value="OPS" selected>"#),
        "the project it came from is offered first: {settings}"
    );
    let v = version(&ana, "/projects/MOVE").await;
    assert_eq!(
        ana.posted_to(
            "/w/demo/p/MOVE/demote",
            &format!("version={v}&to_project=OPS")
        )
        .await,
        format!("/w/demo/t/{key}")
    );
    let page = ana
        .get(&format!("/w/demo/t/{key}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&packing) && page.contains("Pack the desks"),
        "{page}"
    );
    assert_eq!(
        ana.get("/w/demo/p/MOVE").await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}
