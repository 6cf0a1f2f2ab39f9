//! Plan lint through the pages, without a script: the overview's summary,
//! the lint page's findings and rules, a rule switched off and on, and a
//! fix made, each by a form.

use chrono::{Days, Local};

use super::*;

async fn lint(ana: &Browser) -> Value {
    ana.get("/api/v1/workspaces/demo/projects/LAUNCH/lint")
        .await
        .json()
        .await
        .unwrap()
}

fn has(lint: &Value, rule: &str) -> bool {
    lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == rule)
}

#[tokio::test]
async fn findings_are_read_switched_and_fixed_from_the_pages() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    // A task held far ahead by a constraint nothing else needs.
    let held = Local::now().date_naive() + Days::new(120);
    let response = ana
        .http
        .post(format!("{}/api/v1/workspaces/demo/tasks", server.base))
        .header("cookie", &ana.cookie)
        .json(
            &serde_json::json!({"project": "LAUNCH", "title": "Held back",
            "owner": "ana@demo.tandem", "estimate_days": 1,
            "constraint_type": "snet", "constraint_date": format!("{held}T08:00")}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let task: Value = response.json().await.unwrap();
    let key = task["key"].as_str().unwrap().to_string();
    assert!(has(&lint(&ana).await, "dangling-constraints"));

    let overview = ana.get("/w/demo/p/LAUNCH").await.text().await.unwrap();
    assert!(
        overview.contains("Plan lint") && overview.contains("dangling-constraints"),
        "{overview}"
    );
    let page = ana.get("/w/demo/p/LAUNCH/lint").await.text().await.unwrap();
    assert!(page.contains(&key) && page.contains("Fix it"), "{page}");
    for rule in [
        "flat-list",
        "orphan-task",
        "over-allocation",
        "stale-status",
    ] {
        assert!(page.contains(rule), "{rule} is not on the page");
    }

    // Switched off from its row, and back on.
    assert_eq!(
        ana.posted_to(
            "/w/demo/p/LAUNCH/lint/rules/dangling-constraints",
            "on=false"
        )
        .await,
        "/w/demo/p/LAUNCH/lint"
    );
    let quiet = lint(&ana).await;
    assert!(!has(&quiet, "dangling-constraints"), "{quiet}");
    let page = ana.get("/w/demo/p/LAUNCH/lint").await.text().await.unwrap();
    assert!(page.contains("Switch on"), "{page}");
    ana.posted_to(
        "/w/demo/p/LAUNCH/lint/rules/dangling-constraints",
        "on=true",
    )
    .await;
    assert!(has(&lint(&ana).await, "dangling-constraints"));

    // The fix, by its button.
    assert_eq!(
        ana.posted_to("/w/demo/p/LAUNCH/lint/dangling-constraints/fix", "")
            .await,
        "/w/demo/p/LAUNCH/lint"
    );
    assert!(ana.task(&key).await["constraint_type"].is_null());
    assert!(!has(&lint(&ana).await, "dangling-constraints"));

    // A form without `on` is refused by name and switches nothing.
    let (status, page) = ana
        .post("/w/demo/p/LAUNCH/lint/rules/flat-list", "", &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("true or false"), "{page}");
    // Nor does one that is neither.
    for on in ["maybe", "1", "TRUE", ""] {
        let (status, _) = ana
            .post(
                "/w/demo/p/LAUNCH/lint/rules/flat-list",
                &format!("on={on}"),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "on={on}");
    }
    let rules = lint(&ana).await["rules"].clone();
    assert!(
        rules.as_array().unwrap().iter().all(|r| r["on"] == true),
        "{rules}"
    );
}
