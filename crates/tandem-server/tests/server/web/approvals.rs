//! Approvals through the pages' forms, without a script: asked from a
//! task's page, waiting on the approver's My Work, answered on its page,
//! and a milestone's gate and a stage change from the project's settings.

use super::*;

async fn approvals(who: &Browser, query: &str) -> Value {
    who.get(&format!("/api/v1/workspaces/demo/approvals?{query}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn page(who: &Browser, path: &str) -> String {
    let response = who.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_approval_is_asked_answered_and_gates_a_milestone_from_the_pages() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let ben = Browser::sign_in(&server.base, "ben@demo.tandem").await;

    // Asked from the task's page, of Ben, and back to that page.
    let task = page(&ana, "/w/demo/t/LAUNCH-1").await;
    assert!(
        task.contains("Request approval"),
        "the task page offers the form"
    );
    let (status, _) = ana
        .post(
            "/w/demo/approvals",
            "task=LAUNCH-1&approvers=&approvers=ben%40demo.tandem&note=Please+check",
            &[("referer", &format!("{}/w/demo/t/LAUNCH-1", server.base))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let asked = approvals(&ana, "task=LAUNCH-1").await;
    let id = asked[0]["id"].as_i64().unwrap();
    assert_eq!(
        asked[0]["approvers"][0]["approver"]["email"],
        "ben@demo.tandem"
    );
    assert!(
        page(&ana, "/w/demo/t/LAUNCH-1")
            .await
            .contains(&format!("#{id}"))
    );

    // It waits on Ben's My Work; his page has the answer form.
    let my = page(&ben, "/w/demo/my").await;
    assert!(my.contains("Waiting for your approval"), "{my}");
    let shown = page(&ben, &format!("/w/demo/approvals/{id}")).await;
    assert!(
        shown.contains("Your answer") && shown.contains("Please check"),
        "{shown}"
    );
    // Changes asked for without a word are refused and change nothing.
    let (status, _) = ben
        .post(
            &format!("/w/demo/approvals/{id}/answer"),
            "version=1&decision=request_changes&comment=",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        approvals(&ana, "task=LAUNCH-1").await[0]["state"],
        "pending"
    );
    let to = ben
        .posted_to(
            &format!("/w/demo/approvals/{id}/answer"),
            "version=1&decision=approve&comment=Fine",
        )
        .await;
    assert_eq!(to, format!("/w/demo/approvals/{id}"));
    assert_eq!(
        approvals(&ana, "task=LAUNCH-1").await[0]["state"],
        "approved"
    );
    assert!(
        !page(&ben, "/w/demo/my")
            .await
            .contains("Waiting for your approval")
    );

    // A milestone's gate: asked from the settings page (the approver
    // stakeholder by default), it cannot be marked reached meanwhile.
    let milestones: Value = ana
        .get("/api/v1/workspaces/demo/projects/LAUNCH/milestones")
        .await
        .json()
        .await
        .unwrap();
    let milestone = milestones
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["reached"].is_null())
        .unwrap()
        .clone();
    let mid = milestone["id"].as_i64().unwrap();
    let settings = page(&ana, "/w/demo/p/LAUNCH/settings").await;
    assert!(settings.contains("Stage gate"), "{settings}");
    let (status, _) = ana
        .post(
            "/w/demo/approvals",
            &format!("milestone={mid}&approvers=&note="),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let gate = approvals(&ana, &format!("milestone={mid}")).await;
    let gate_id = gate[0]["id"].as_i64().unwrap();
    let (status, body) = ana
        .post(
            &format!("/w/demo/p/LAUNCH/milestones/{mid}"),
            &format!(
                "version={}&name={}&reached=2026-12-04",
                milestone["version"],
                milestone["name"].as_str().unwrap().replace(' ', "+")
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains(&format!("#{gate_id}")), "the page says why");
    ben.posted_to(
        &format!("/w/demo/approvals/{gate_id}/answer"),
        "version=1&decision=approve",
    )
    .await;
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/LAUNCH/milestones/{mid}"),
            &format!("version={}&reached=2026-12-04", milestone["version"]),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A stage change, withdrawn by its requester before anyone answers.
    ana.posted_to(
        "/w/demo/approvals",
        "project=LAUNCH&stage=closing&approvers=&approvers=ben%40demo.tandem",
    )
    .await;
    let stage = approvals(&ana, "project=LAUNCH&state=pending").await;
    let stage_id = stage[0]["id"].as_i64().unwrap();
    assert_eq!(stage[0]["subject"]["stage"], "closing");
    let (status, _) = ana
        .post(&format!("/w/demo/approvals/{stage_id}/cancel"), "", &[])
        .await;
    assert!(
        status.is_client_error(),
        "without its version nothing is withdrawn"
    );
    ana.posted_to(&format!("/w/demo/approvals/{stage_id}/cancel"), "version=1")
        .await;
    let listed = page(&ana, "/w/demo/approvals").await;
    assert!(
        listed.contains("Withdrawn") && listed.contains("Approved"),
        "{listed}"
    );
}
