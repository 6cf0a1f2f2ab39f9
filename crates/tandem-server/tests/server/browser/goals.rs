//! Goals in the browser: a tree made from the goals page, a goal served by
//! a project and measured by a key result set in place, and the goal shown
//! where its work is (the task page, My Work), on a desktop and a phone;
//! and the milestones of every project on one timeline.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_goal_tree_is_made_measured_and_seen_from_the_work_it_serves() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;

    client.goto(&format!("{base}/w/demo/goals")).await.unwrap();
    submit_form(
        &client,
        &[("#ng-title", "Open the EU market"), ("#ng-period", "2027")],
        "form.stacked button.primary",
    )
    .await;
    wait_for_text(&client, "//table", "Open the EU market").await;
    let company = api_json(&client, "/goals")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "Open the EU market")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // A sub-goal, under the first.
    wait_for(&client, "#ng-title")
        .await
        .send_keys("Open the Frankfurt region")
        .await
        .unwrap();
    client
        .execute(
            "document.getElementById('ng-parent').value = arguments[0]; return true",
            vec![json!(company.to_string())],
        )
        .await
        .unwrap();
    click(&client, "form.stacked button.primary").await;
    wait_for_text(&client, "//table", "Open the Frankfurt region").await;
    let goals = api_json(&client, "/goals").await;
    let launch = goals
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "Open the Frankfurt region")
        .unwrap()
        .clone();
    assert_eq!(launch["parent"]["id"], company, "{launch}");
    look(&client, "goals").await;

    // Served by LAUNCH, from the goal's settings.
    let id = launch["id"].as_i64().unwrap();
    client
        .goto(&format!("{base}/w/demo/goals/{id}"))
        .await
        .unwrap();
    click(&client, "details.goal-settings summary").await;
    click(
        &client,
        "details.goal-settings input[name=projects][value=LAUNCH]",
    )
    .await;
    click(&client, "details.goal-settings form.stacked button.primary").await;
    wait_for_text(&client, "//section[@aria-labelledby='h-serving']", "LAUNCH").await;
    let served = api_json(&client, &format!("/goals/{id}")).await;
    assert_eq!(served["projects"][0]["key"], "LAUNCH", "{served}");
    assert_eq!(served["measured_by"], "projects");

    // A key result, added and then set in place: it measures the goal now.
    click(&client, "details.add-kr summary").await;
    submit_form(
        &client,
        &[
            ("#kr-name", "Paying teams"),
            ("#kr-start", "0"),
            ("#kr-target", "200"),
        ],
        "details.add-kr button.primary",
    )
    .await;
    wait_for_text(
        &client,
        "//section[@aria-labelledby='h-krs']//table",
        "Paying teams",
    )
    .await;
    let kr = api_json(&client, &format!("/goals/{id}")).await["key_results"][0]["id"]
        .as_i64()
        .unwrap();
    submit_form(
        &client,
        &[(&format!("#kr-{kr}"), "50")],
        "section[aria-labelledby=h-krs] form.inline button",
    )
    .await;
    wait_for_text(&client, "//section[@aria-labelledby='h-progress']", "25 %").await;
    let measured = api_json(&client, &format!("/goals/{id}")).await;
    assert_eq!(measured["progress"], 25.0, "{measured}");
    assert_eq!(measured["measured_by"], "key_results");
    look(&client, "goal").await;

    // The work shows the goal it serves.
    client
        .goto(&format!("{base}/w/demo/t/LAUNCH-1"))
        .await
        .unwrap();
    wait_for_text(&client, "//p[@class='serves']", "Open the Frankfurt region").await;
    client.goto(&format!("{base}/w/demo/my")).await.unwrap();
    wait_for_text(
        &client,
        "//a[@class='goal-tag']",
        "Open the Frankfurt region",
    )
    .await;

    // Every milestone across projects, on one timeline drawn by the
    // server.
    client
        .goto(&format!("{base}/w/demo/milestones"))
        .await
        .unwrap();
    wait_for(&client, "div.milestone-chart svg g.milestone").await;
    wait_for_text(&client, "//table", "LAUNCH").await;
    look(&client, "milestones").await;

    // The goal on a phone: nothing wider than the screen.
    client.set_window_size(390, 844).await.unwrap();
    client
        .goto(&format!("{base}/w/demo/goals/{id}"))
        .await
        .unwrap();
    wait_for(&client, "section[aria-labelledby=h-krs]").await;
    fits_width(&client, "the goal page on a phone").await;
    look(&client, "goal-phone").await;
    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_drawn_by_the_server_and_downloaded_as_markdown() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/reports"))
        .await
        .unwrap();
    client
        .execute(
            "document.getElementById('r-of').value = 'project:LAUNCH'; return true",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "form.report-form button").await;
    wait_for_text(&client, "//h2", "Status report: LAUNCH").await;
    let charts: Value = client
        .execute(
            "return document.querySelectorAll('figure.chart svg').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(charts, json!(6));
    let markdown: Value = client
        .execute_async(
            "const done = arguments[0];
             fetch(document.querySelector('a[download]').href).then(r => r.text()).then(done)",
            vec![],
        )
        .await
        .unwrap();
    let markdown = markdown.as_str().unwrap();
    assert!(
        markdown.starts_with("# Status report: LAUNCH") && markdown.contains("## Weeks"),
        "{markdown}"
    );
    look(&client, "report").await;

    // A person's report, and the page on a phone.
    client.set_window_size(390, 844).await.unwrap();
    client
        .goto(&format!("{base}/w/demo/reports?person=ben@demo.tandem"))
        .await
        .unwrap();
    wait_for(&client, "figure.chart svg rect.bar").await;
    fits_width(&client, "the report on a phone").await;
    look(&client, "report-phone").await;
    client.close().await.unwrap();
    server.stop().await;
}
