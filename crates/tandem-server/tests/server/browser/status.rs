//! Status updates and portfolios in the browser: an update posted from a
//! project's overview, a portfolio's page and a goal's page with the
//! health Tandem suggests chosen to begin with, its Markdown shown
//! formatted; a portfolio made and read as one table, on a desktop and a
//! phone.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_update_is_posted_from_the_overview_with_the_health_suggested() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH"))
        .await
        .unwrap();
    // The health Tandem derives is the one chosen to begin with.
    let derived = api_json(&client, "/projects/LAUNCH/health").await;
    let suggested: Value = client
        .execute(
            "return document.querySelector('form.status-update input[name=health]:checked').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(suggested, derived["health"]);
    look(&client, "overview-status").await;
    click(&client, "form.status-update input[value=off_track]").await;
    wait_for(&client, "#status-text")
        .await
        .send_keys("Vendor late.\nBuild starts a week later.")
        .await
        .unwrap();
    click(&client, "form.status-update button[type=submit]").await;
    wait_for_text(&client, "//ol[@class='updates']", "Vendor late.").await;
    let list = api_json(&client, "/projects/LAUNCH/status-updates").await;
    assert_eq!(list[0]["health"], "off_track", "{list}");
    assert_eq!(list[0]["text"], "Vendor late.\nBuild starts a week later.");
    assert_eq!(list[0]["author"]["email"], "ana@demo.tandem");
    look(&client, "overview-status-posted").await;
    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portfolio_is_made_in_the_browser_and_read_as_one_table() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/portfolios"))
        .await
        .unwrap();
    wait_for(&client, "#nf-name")
        .await
        .send_keys("All of it")
        .await
        .unwrap();
    // Every project of the workspace, ticked.
    client
        .execute(
            "document.querySelectorAll('input[name=projects]').forEach(c => c.checked = true); return true",
            vec![],
        )
        .await
        .unwrap();
    look(&client, "portfolios").await;
    click(&client, "form.stacked button.primary").await;
    wait_for_text(&client, "//table", "All of it").await;
    let list = api_json(&client, "/portfolios").await;
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "All of it")
        .expect("the new portfolio")["id"]
        .as_i64()
        .unwrap();
    let table = api_json(&client, &format!("/portfolios/{id}")).await;
    let keys = table["projects"].as_array().unwrap().len();
    assert!(keys >= 2, "{table}");

    // The table, grouped by health and sorted worst first.
    client
        .goto(&format!(
            "{base}/w/demo/portfolios/{id}?sort=health&group=health"
        ))
        .await
        .unwrap();
    wait_for(&client, "table.portfolio tr.group").await;
    let rows: Value = client
        .execute(
            "return document.querySelectorAll('table.portfolio tbody tr:not(.group)').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.as_u64().unwrap() as usize, keys);
    let totals: Value = client
        .execute(
            "return document.querySelector('section.totals').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        totals
            .as_str()
            .unwrap()
            .contains(&format!("{keys} projects")),
        "{totals}"
    );
    look(&client, "portfolio-table").await;
    client.set_window_size(390, 844).await.unwrap();
    client.refresh().await.unwrap();
    wait_for(&client, "table.portfolio").await;
    fits_width(&client, "the portfolio page on a phone").await;
    look(&client, "portfolio-table-phone").await;
    client.set_window_size(1280, 900).await.unwrap();

    // An update on the portfolio, with the health Tandem proposes and its
    // reasons; its Markdown is shown formatted.
    let proposed = api_json(&client, &format!("/portfolios/{id}/health")).await;
    client
        .goto(&format!("{base}/w/demo/portfolios/{id}"))
        .await
        .unwrap();
    let suggested: Value = client
        .execute(
            "return document.querySelector('form.status-update input[name=health]:checked').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(suggested, proposed["health"]);
    wait_for(&client, "#status-text")
        .await
        .send_keys("**Billing** is late.\n\n- trials\n- invoices")
        .await
        .unwrap();
    click(&client, "form.status-update button[type=submit]").await;
    wait_for_text(&client, "//ol[@class='updates']", "Billing").await;
    let bold: Value = client
        .execute(
            "return document.querySelector('li.update .update-text strong').textContent + '|' + document.querySelectorAll('li.update .update-text li').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bold, "Billing|2");
    let list = api_json(&client, &format!("/portfolios/{id}/status-updates")).await;
    assert_eq!(list[0]["health"], proposed["health"], "{list}");
    look(&client, "portfolio-status-posted").await;

    // And on a goal, from its page.
    let goal = api_json(&client, "/goals").await[0]["id"].as_i64().unwrap();
    client
        .goto(&format!("{base}/w/demo/goals/{goal}"))
        .await
        .unwrap();
    click(&client, "form.status-update input[value=at_risk]").await;
    wait_for(&client, "#status-text")
        .await
        .send_keys("Signups trail the plan.")
        .await
        .unwrap();
    click(&client, "form.status-update button[type=submit]").await;
    wait_for_text(&client, "//ol[@class='updates']", "Signups trail the plan.").await;
    let list = api_json(&client, &format!("/goals/{goal}/status-updates")).await;
    assert_eq!(list[0]["health"], "at_risk", "{list}");
    look(&client, "goal-status-posted").await;
    client.close().await.unwrap();
    server.stop().await;
}
