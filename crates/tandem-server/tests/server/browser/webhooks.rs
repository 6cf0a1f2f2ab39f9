//! Webhooks in the browser: one added from the settings with the events
//! ticked, a ping sent and seen delivered in its log with its body, sent
//! again, and the webhook turned off.

use super::*;
use crate::common::receiver::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_is_added_pinged_and_its_deliveries_read_in_the_browser() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo_webhooks(tandem_server::webhooks::WebhookOptions {
        allow_private: true,
        ..Default::default()
    })
    .await;
    let mut receiver = Receiver::start().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/settings"))
        .await
        .unwrap();
    click(&client, "a[href='/w/demo/settings/webhooks']").await;
    wait_for(&client, "#hook-url")
        .await
        .send_keys(&receiver.url)
        .await
        .unwrap();
    wait_for(&client, "#hook-secret")
        .await
        .send_keys("browser secret")
        .await
        .unwrap();
    click(&client, "#add-task-created").await;
    click(&client, "#add-task-status_changed").await;
    look(&client, "webhooks-new").await;
    click(
        &client,
        "form[action='/w/demo/settings/webhooks'] button[type=submit]",
    )
    .await;
    wait_for_text(
        &client,
        "//section[@aria-labelledby='h-hooks']",
        &receiver.url,
    )
    .await;
    let hooks = api_json(&client, "/webhooks").await;
    assert_eq!(
        hooks[0]["events"],
        json!(["task.created", "task.status_changed"])
    );
    let id = hooks[0]["id"].as_i64().unwrap();

    // A task made is delivered; a ping too, after which the page's log
    // has both.
    let (status, task) = api(
        &client,
        "POST",
        "/tasks",
        json!({"project": "LAUNCH", "title": "Heard by the hook"}),
    )
    .await;
    assert_eq!(status, 201, "{task}");
    let made = receiver.next().await;
    assert_eq!(made.json()["task"]["key"], task["key"]);
    client
        .goto(&format!("{base}/w/demo/settings/webhooks"))
        .await
        .unwrap();
    click(
        &client,
        &format!("form[action='/w/demo/settings/webhooks/{id}/ping'] button"),
    )
    .await;
    assert_eq!(receiver.next().await.event, "ping");
    client
        .goto(&format!("{base}/w/demo/settings/webhooks"))
        .await
        .unwrap();
    wait_for_text(&client, "//table[@class='deliveries']", "task.created").await;
    wait_for_text(&client, "//table[@class='deliveries']", "Delivered").await;
    // The body as sent, under its event.
    click(&client, "table.deliveries tr:last-child summary").await;
    wait_for_text(
        &client,
        "//table[@class='deliveries']//pre",
        task["key"].as_str().unwrap(),
    )
    .await;
    look(&client, "webhooks-log").await;
    fits_width(&client, "the webhooks page with a body open").await;

    // Sent again by hand: the same body.
    click(&client, "table.deliveries tr:last-child form button").await;
    let again = receiver.next().await;
    assert_eq!(again.body, made.body);

    // Off: the page says so and pings are no longer offered.
    click(
        &client,
        &format!("form[action='/w/demo/settings/webhooks/{id}/active'] button"),
    )
    .await;
    wait_for_text(&client, &format!("//article[@id='hook-{id}']"), "Off").await;
    let ping_disabled: Value = client
        .execute(
            &format!("return document.querySelector(\"form[action='/w/demo/settings/webhooks/{id}/ping'] button\").disabled"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ping_disabled, json!(true));
    assert_eq!(
        api_json(&client, &format!("/webhooks/{id}")).await["active"],
        false
    );
    client.set_window_size(390, 844).await.unwrap();
    fits_width(&client, "the webhooks page on a phone").await;
    client.close().await.unwrap();
    server.stop().await;
}
