//! Automation through the page's forms, without a script: a dry run
//! before saving, the rule saved in words, turned off and deleted.

use super::*;

#[tokio::test]
async fn a_rule_is_tried_saved_turned_off_and_deleted_from_its_page() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let form = "name=Done+is+closed&project=LAUNCH&when=status%3Ddone&if=&then=tag%3Dclosed";
    let (status, page) = ana.post("/w/demo/rules/dry-run", form, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Dry run") && page.contains("add the tag closed"),
        "{page}"
    );
    let rules: Value = ana
        .get("/api/v1/workspaces/demo/rules")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rules, serde_json::json!([]), "a dry run saves nothing");

    assert_eq!(ana.posted_to("/w/demo/rules", form).await, "/w/demo/rules");
    let rules: Value = ana
        .get("/api/v1/workspaces/demo/rules")
        .await
        .json()
        .await
        .unwrap();
    let id = rules[0]["id"].as_i64().unwrap();
    let page = ana.get("/w/demo/rules").await.text().await.unwrap();
    assert!(
        page.contains("When a task&#39;s status becomes done")
            || page.contains("When a task's status becomes done"),
        "{page}"
    );
    // Words that are no rule are refused, naming the field.
    let (status, page) = ana
        .post(
            "/w/demo/rules",
            "name=Bad&project=LAUNCH&when=someday&then=tag%3Dx",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no trigger"), "{page}");

    ana.posted_to(
        &format!("/w/demo/rules/{id}/state"),
        "version=1&enabled=false",
    )
    .await;
    let rule: Value = ana
        .get(&format!("/api/v1/workspaces/demo/rules/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rule["enabled"], false);
    ana.posted_to(&format!("/w/demo/rules/{id}/delete"), "version=2")
        .await;
    let rules: Value = ana
        .get("/api/v1/workspaces/demo/rules")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rules, serde_json::json!([]));
}
