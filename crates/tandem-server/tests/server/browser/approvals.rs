//! Approvals in the browser: asked from a task's page with an approver
//! picked, then answered by him from his My Work; each page checked by
//! axe-core.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_is_asked_from_a_task_and_answered_from_my_work() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let base = server.base.clone();
    let client = browser(&driver).await;
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/t/LAUNCH-2"))
        .await
        .unwrap();
    click(&client, "details.request-approval summary").await;
    client
        .execute(
            "const s = document.querySelector('#ta-approvers');
             [...s.options].forEach(o => o.selected = o.textContent.includes('Ben'));",
            vec![],
        )
        .await
        .unwrap();
    wait_for(&client, "#ta-note")
        .await
        .send_keys("Is the copy final?")
        .await
        .unwrap();
    look(&client, "approval-request").await;
    click(&client, "details.request-approval button[type=submit]").await;
    wait_for_text(
        &client,
        "//section[@aria-labelledby='h-approvals']//table",
        "Waiting",
    )
    .await;
    let asked = api_json(&client, "/approvals?task=LAUNCH-2").await;
    let id = asked[0]["id"].as_i64().unwrap();
    assert_eq!(
        asked[0]["approvers"][0]["approver"]["email"],
        "ben@demo.tandem"
    );
    client.delete_all_cookies().await.unwrap();

    // Ben finds it on his My Work and approves it on its page.
    sign_in(&client, &base, "ben@demo.tandem").await;
    wait_for_text(
        &client,
        "//section[@aria-labelledby='b-approvals']//table",
        "LAUNCH-2",
    )
    .await;
    look(&client, "my-work-approvals").await;
    click(&client, &format!("a[href='/w/demo/approvals/{id}']")).await;
    wait_for_text(&client, "//main", "Is the copy final?").await;
    look(&client, "approval").await;
    wait_for(&client, "#answer-comment")
        .await
        .send_keys("Yes, final.")
        .await
        .unwrap();
    click(&client, "form[action$='/answer'] button[type=submit]").await;
    wait_for_text(
        &client,
        "//section[@aria-labelledby='h-answers']//table",
        "Yes, final.",
    )
    .await;
    let answered = api_json(&client, &format!("/approvals/{id}")).await;
    assert_eq!(answered["state"], "approved", "{answered}");
    client
        .goto(&format!("{base}/w/demo/approvals"))
        .await
        .unwrap();
    wait_for_text(&client, "//main", "Recent in your projects").await;
    look(&client, "approvals").await;
    client.close().await.unwrap();
}
