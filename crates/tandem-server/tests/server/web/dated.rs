//! The task page says whose dates rule a task and its form switches it.

use super::*;

#[tokio::test]
async fn the_task_page_says_dated_or_scheduled_and_switches_it() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let response = ana
        .http
        .post(format!("{}/api/v1/workspaces/demo/tasks", ana.base))
        .header("cookie", &ana.cookie)
        .json(&serde_json::json!({"project": "OPS", "title": "Renew the lease", "due_date": "2027-01-29"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let task: Value = response.json().await.unwrap();
    let key = task["key"].as_str().unwrap().to_string();
    let shown = page(&ana, &key).await;
    assert!(
        shown.contains("Now dated: it keeps its start and due date"),
        "{shown}"
    );
    assert!(
        shown.contains(r#"<option value="auto" selected>"#),
        "{shown}"
    );

    ana.posted_to(
        &format!("/w/demo/t/{key}"),
        "version=1&scheduling=scheduled",
    )
    .await;
    let shown = page(&ana, &key).await;
    assert!(
        shown.contains("Now scheduled: its links, estimate and constraint place it"),
        "{shown}"
    );
    assert!(
        shown.contains(r#"<option value="scheduled" selected>"#),
        "{shown}"
    );
    // Dated needs a date: the form says so and nothing changes.
    let (status, answer) = ana
        .post(
            &format!("/w/demo/t/{key}"),
            "version=2&scheduling=dated&due_date=",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(
        answer.contains("a dated task keeps its start or due date"),
        "{answer}"
    );
    assert!(page(&ana, &key).await.contains("Now scheduled"));
}

async fn page(ana: &Browser, key: &str) -> String {
    ana.get(&format!("/w/demo/t/{key}"))
        .await
        .text()
        .await
        .unwrap()
}
