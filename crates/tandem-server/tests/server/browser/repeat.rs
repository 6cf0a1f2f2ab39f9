//! A task made to repeat from its page: the rule's next dates shown as it
//! is typed, what is not understood said, the series shown once made, the
//! next occurrence there when one is done, the series changed from the
//! next occurrence on, and stopped.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_is_made_to_repeat_from_its_page() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    let (status, task) = api(
        &client,
        "POST",
        "/tasks",
        json!({"project": "OPS", "title": "Restore drill", "due_date": "2027-01-04"}),
    )
    .await;
    assert_eq!(status, 201, "{task}");
    let key = task["key"].as_str().unwrap().to_string();
    client
        .goto(&format!("{base}/w/demo/t/{key}"))
        .await
        .unwrap();

    // Words not understood are said; a rule's dates are shown as typed.
    let rule = wait_for(&client, "#r-rule").await;
    rule.send_keys("every blue moon").await.unwrap();
    wait_for_text(&client, "//output[@id='r-dates']", "not understood").await;
    rule.clear().await.unwrap();
    rule.send_keys("first monday of each month").await.unwrap();
    wait_for_text(
        &client,
        "//output[@id='r-dates']",
        "Every month on the first Mon: Mon 4 Jan, Mon 1 Feb, Mon 1 Mar",
    )
    .await;
    look(&client, "repeat-form").await;
    click(&client, "form.repeat-form button[type=submit]").await;
    wait_for_text(
        &client,
        "//p[@class='repeats']",
        "Every month on the first Mon",
    )
    .await;
    wait_for(&client, "form[action$='/repeat/end'] button").await;

    // Done: the next occurrence is there, on the first Monday of February.
    let (status, _) = api(
        &client,
        "PATCH",
        &format!("/tasks/{key}"),
        json!({"status": "done"}),
    )
    .await;
    assert_eq!(status, 200);
    let page = api_json(&client, "/tasks?project=OPS&q=restore+drill&status=todo").await;
    let open: Vec<_> = page["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["due_date"] == "2027-02-01")
        .collect();
    assert_eq!(open.len(), 1, "{page}");

    // Changed from the next occurrence on, the form drawn with the rule
    // in words.
    let shown = wait_for(&client, "#rc-rule").await;
    assert_eq!(
        shown.prop("value").await.unwrap().as_deref(),
        Some("Every month on the first Mon")
    );
    // A live redraw (the schedule computed after the occurrence was made)
    // may replace the section, closed, between opening it and typing;
    // once something is typed the page waits for it. So: opened and
    // typed into again until the typing lands.
    let mut tries = 0;
    loop {
        tries += 1;
        client
            .execute(
                "document.querySelector('details.repeat-change').open = true",
                vec![],
            )
            .await
            .unwrap();
        let shown = wait_for(&client, "#rc-rule").await;
        let typed = match shown.clear().await {
            Ok(()) => shown.send_keys("every 2 weeks on mon").await,
            Err(e) => Err(e),
        };
        match typed {
            Ok(()) => break,
            Err(e) if tries < 5 => eprintln!("typing again after a redraw: {e}"),
            Err(e) => failed(&client, &format!("typing the new rule: {e}")).await,
        }
    }
    wait_for_text(&client, "//output[@id='rc-dates']", "Every 2 weeks on Mon:").await;
    click(&client, "details.repeat-change button[type=submit]").await;
    wait_for_text(&client, "//p[@class='repeats']", "Every 2 weeks on Mon").await;
    let changed = task_json(&client, &key).await;
    assert_eq!(
        changed["recurrence"]["rule"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "{changed}"
    );

    // A date skipped from the page, listed, and taken back.
    client
        .execute(
            "document.querySelector('#repeat-skip').value = '2031-03-03'",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "form[action$='/repeat/skip'] button[type=submit]").await;
    wait_for_text(&client, "//section[@aria-labelledby='h-repeat']", "Skips").await;
    let skipping = task_json(&client, &key).await;
    assert_eq!(
        skipping["recurrence"]["skip"],
        json!(["2031-03-03"]),
        "{skipping}"
    );
    look(&client, "repeat-skips").await;
    // The page this one is left for has no mark: its heading shows once
    // the form's answer is drawn.
    client
        .execute(
            "document.querySelector('#h-repeat').dataset.old = '1'",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "button[aria-label='Stop skipping 2031-03-03']").await;
    wait_for(&client, "#h-repeat:not([data-old])").await;
    let skipping = task_json(&client, &key).await;
    assert_eq!(skipping["recurrence"]["skip"], json!([]), "{skipping}");

    // Stopped from the page: said, and nothing more comes.
    click(&client, "form[action$='/repeat/end'] button").await;
    wait_for_text(&client, "//section[@aria-labelledby='h-repeat']", "Ended").await;
    let shown = task_json(&client, &key).await;
    assert_eq!(shown["recurrence"]["ended"], true, "{shown}");
    look(&client, "repeat-ended").await;
    client.close().await.unwrap();
    server.stop().await;
}
