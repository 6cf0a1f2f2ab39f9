//! A change made in one browser shows in another without a reload.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_one_browser_shows_in_another() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let (ana, ben) = (browser(&driver).await, browser(&driver).await);
    let base = server.base.clone();
    sign_in(&ana, &base, "ana@demo.tandem").await;
    sign_in(&ben, &base, "ben@demo.tandem").await;

    // Ben watches the launch's list; the page is connected for live updates.
    ben.goto(&format!("{base}/w/demo/p/LAUNCH/list"))
        .await
        .unwrap();
    wait_for(&ben, "body[data-live=on] table.tasks").await;
    // Ana renames a task on its page.
    ana.goto(&format!("{base}/w/demo/t/LAUNCH-3"))
        .await
        .unwrap();
    submit_form(
        &ana,
        &[("#t-title", "Renamed while Ben watches")],
        "form.task-form button.primary",
    )
    .await;
    let saved = Instant::now();
    wait_for_text(&ben, TASK_TABLE, "Renamed while Ben watches").await;
    eprintln!(
        "the rename reached the other browser {} ms after Ana's save was sent",
        saved.elapsed().as_millis()
    );

    // And a board move shows on the other's board without a reload.
    ben.goto(&format!("{base}/w/demo/p/LAUNCH/board"))
        .await
        .unwrap();
    wait_for(&ben, "body[data-live=on] .board").await;
    // A mark on the window survives a swap of the content, not a reload.
    let marker = ben
        .execute("window.tandemMark = 'same page'; return 1", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!(1));
    let task: Value = ana
        .execute(
            "return fetch('/api/v1/workspaces/demo/tasks/LAUNCH-3').then(r => r.json())",
            vec![],
        )
        .await
        .unwrap();
    let status = if task["status"] == "done" {
        "in_review"
    } else {
        "done"
    };
    let moved = ana
        .execute_async(
            "const [key, version, status, done] = arguments;
             fetch('/w/demo/t/' + key + '/move', {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded', 'x-tandem': 'fetch'},
                    body: new URLSearchParams({status, version})}).then(r => done(r.status))",
            vec![json!("LAUNCH-3"), task["version"].clone(), json!(status)],
        )
        .await
        .unwrap();
    assert_eq!(moved, json!(200));
    wait_for(
        &ben,
        &format!("ul.cards[data-status={status}] li.card[data-key=LAUNCH-3]"),
    )
    .await;
    let same = ben
        .execute("return window.tandemMark || null", vec![])
        .await
        .unwrap();
    assert_eq!(
        same,
        json!("same page"),
        "the board changed without a reload"
    );
    let url = ben.current_url().await.unwrap();
    assert!(url.path().ends_with("/board"));

    ana.close().await.unwrap();
    ben.close().await.unwrap();
    server.stop().await;
}

/// Waits until the page says it held a refresh back.
async fn wait_until_held(client: &Client) {
    wait_for(client, "body[data-stale]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_types_survives_a_change_made_elsewhere() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let (ana, ben) = (browser(&driver).await, browser(&driver).await);
    let base = server.base.clone();
    sign_in(&ana, &base, "ana@demo.tandem").await;
    sign_in(&ben, &base, "ben@demo.tandem").await;

    // Ana writes a description she has not saved, then clicks away.
    ana.goto(&format!("{base}/w/demo/t/LAUNCH-3"))
        .await
        .unwrap();
    wait_for(&ana, "body[data-live=on]").await;
    let typed = "Half a thought about the brief";
    let description = wait_for(&ana, "#t-description").await;
    description.clear().await.unwrap();
    description.send_keys(typed).await.unwrap();
    ana.find(Locator::Css("h1"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Ben changes another task of the project: Ana's page hears it, holds
    // its refresh back, and keeps her words.
    ben.goto(&format!("{base}/w/demo/t/LAUNCH-4"))
        .await
        .unwrap();
    submit_form(
        &ben,
        &[("#t-title", "Changed by Ben meanwhile")],
        "form.task-form button.primary",
    )
    .await;
    wait_until_held(&ana).await;
    let kept = ana
        .find(Locator::Css("#t-description"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(typed));

    // Saved, it is stored.
    ana.find(Locator::Css("form.task-form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&ana, "//main", typed).await;
    let task = task_json(&ana, "LAUNCH-3").await;
    assert_eq!(task["description"], typed, "{task}");
    ana.close().await.unwrap();
    ben.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_save_keeps_what_was_typed_and_shows_why_beside_it() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let (ana, ben) = (browser(&driver).await, browser(&driver).await);
    let base = server.base.clone();
    sign_in(&ana, &base, "ana@demo.tandem").await;
    sign_in(&ben, &base, "ben@demo.tandem").await;
    ana.goto(&format!("{base}/w/demo/t/LAUNCH-8"))
        .await
        .unwrap();

    // A three-point estimate out of order: refused, said beside it,
    // nothing lost.
    let title = wait_for(&ana, "#t-title").await;
    title.clear().await.unwrap();
    title.send_keys("Kept while refused").await.unwrap();
    ana.execute(
        "document.querySelector('#t-tp-o').value = '3';
         document.querySelector('#t-tp-l').value = '2';
         document.querySelector('#t-tp-p').value = '6';",
        vec![],
    )
    .await
    .unwrap();
    ana.find(Locator::Css("form.task-form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&ana, "#t-tp-o[aria-invalid=true] + .field-note.refused").await;
    wait_for_text(
        &ana,
        "//span[contains(@class,'refused')]",
        "Three-point estimate must run from optimistic",
    )
    .await;
    let kept = ana
        .find(Locator::Css("#t-title"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Kept while refused"));

    // Ben renames it and makes it urgent meanwhile: Ana's save is
    // refused (412), his title shows beside hers, his priority (which
    // she did not touch) is taken into her form, and her second save
    // keeps her title and his priority.
    ana.execute("document.querySelector('#t-tp-o').value = '1';", vec![])
        .await
        .unwrap();
    ben.goto(&format!("{base}/w/demo/t/LAUNCH-8"))
        .await
        .unwrap();
    wait_for(&ben, "#t-priority").await;
    ben.execute(
        "document.querySelector('#t-priority').value = 'urgent';",
        vec![],
    )
    .await
    .unwrap();
    submit_form(
        &ben,
        &[("#t-title", "Renamed by Ben")],
        "form.task-form button.primary",
    )
    .await;
    wait_for_text(&ben, TOAST, "Saved.").await;
    ana.find(Locator::Css("form.task-form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&ana, "//span[contains(@class,'merge')]", "Renamed by Ben").await;
    wait_for_text(
        &ana,
        "//span[contains(@class,'merge')]",
        "Taken from the change made meanwhile: Urgent",
    )
    .await;
    // The heading above her form tells of the task as it now is, not as
    // her page was first drawn.
    wait_for_text(
        &ana,
        "//h2[contains(@class,'task-title')]",
        "Renamed by Ben",
    )
    .await;
    wait_for_text(&ana, "//div[@data-region='task-head']//span", "Urgent").await;
    ana.find(Locator::Css("form.task-form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&ana, TOAST, "Saved.").await;
    let task = task_json(&ana, "LAUNCH-8").await;
    assert_eq!(task["title"], "Kept while refused", "{task}");
    assert_eq!(task["three_point"]["optimistic"], 1.0, "{task}");
    assert_eq!(task["priority"], "urgent", "{task}");
    ana.close().await.unwrap();
    ben.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_shows_on_the_open_page_of_another() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let (ana, ben) = (browser(&driver).await, browser(&driver).await);
    let base = server.base.clone();
    sign_in(&ana, &base, "ana@demo.tandem").await;
    sign_in(&ben, &base, "ben@demo.tandem").await;

    // Ben reads the task; Ana comments on it from her own page.
    ben.goto(&format!("{base}/w/demo/t/LAUNCH-3"))
        .await
        .unwrap();
    wait_for(&ben, "body[data-live=on] #comments").await;
    let marker = ben
        .execute("window.tandemMark = 'same page'; return 1", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!(1));
    ana.goto(&format!("{base}/w/demo/t/LAUNCH-3"))
        .await
        .unwrap();
    wait_for(&ana, "#comment-new").await;
    submit_form(
        &ana,
        &[("#comment-new", "Is the **brief** final? <b>raw</b>")],
        "form.comment-form button",
    )
    .await;
    // On Ben's page without a reload: Markdown drawn, HTML shown as text.
    wait_for_text(&ben, "//section[@id='comments']", "Is the brief final?").await;
    let drawn = wait_for(&ben, "#comments .markdown strong").await;
    assert_eq!(drawn.text().await.unwrap(), "brief");
    wait_for_text(&ben, "//section[@id='comments']", "<b>raw</b>").await;
    let same = ben
        .execute("return window.tandemMark || null", vec![])
        .await
        .unwrap();
    assert_eq!(same, json!("same page"), "the thread grew without a reload");
    // Ben answers in the thread; the page he reads is checked as a screen
    // reader's user needs it.
    ben.find(Locator::Css("#comments details.reply summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let reply = wait_for(&ben, "#comments details.reply textarea").await;
    reply.send_keys("Yes, signed off").await.unwrap();
    ben.find(Locator::Css("#comments details.reply button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&ben, "#comments ol.replies article.comment").await;
    look(&ben, "comments").await;
    wait_for_text(&ana, "//section[@id='comments']", "Yes, signed off").await;

    ana.close().await.unwrap();
    ben.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_reaches_the_open_inbox_of_the_one_mentioned() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let (ana, ben) = (browser(&driver).await, browser(&driver).await);
    let base = server.base.clone();
    sign_in(&ana, &base, "ana@demo.tandem").await;
    sign_in(&ben, &base, "ben@demo.tandem").await;

    // Ben reads everything first, and keeps his inbox open.
    ben.goto(&format!("{base}/w/demo/inbox")).await.unwrap();
    wait_for(&ben, "body[data-live=on]").await;
    if let Ok(all_read) = ben
        .find(Locator::XPath(
            "//button[normalize-space(.)='Mark all read']",
        ))
        .await
    {
        all_read.click().await.unwrap();
        wait_for_text(&ben, "//main", "Nothing new.").await;
    }
    wait_for(&ben, "body[data-live=on]").await;
    look(&ben, "inbox-empty").await;

    // Ana mentions him on a task; his open inbox shows it.
    ana.goto(&format!("{base}/w/demo/t/LAUNCH-3"))
        .await
        .unwrap();
    wait_for(&ana, "#comment-new").await;
    // She picks him from the form's mention picker, which writes
    // "@ben " where her text ends.
    let text = ana.find(Locator::Css("#comment-new")).await.unwrap();
    text.send_keys("can you size this?").await.unwrap();
    ana.find(Locator::Css("#comment-new-mention"))
        .await
        .unwrap()
        .select_by_value("ben")
        .await
        .unwrap();
    assert_eq!(
        text.prop("value").await.unwrap().as_deref(),
        Some("can you size this? @ben ")
    );
    ana.find(Locator::Css("form.comment-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&ben, "//ol[contains(@class,'inbox')]", "mentioned you on").await;
    look(&ben, "inbox").await;
    // Its link leads to the comment on the task's page.
    ben.find(Locator::Css("ol.inbox li a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&ben, "//section[@id='comments']", "can you size this?").await;
    let url = ben.current_url().await.unwrap();
    assert!(url.path().ends_with("/t/LAUNCH-3"), "{url}");
    assert!(url.fragment().is_some_and(|f| f.starts_with("comment-")));

    ana.close().await.unwrap();
    ben.close().await.unwrap();
    server.stop().await;
}

/// A click is a press and a release on one element: a refresh that lands
/// between them (let in by the press, which moves the focus) must not
/// swap the cell away, or the click opens nothing.
#[tokio::test]
async fn a_cell_pressed_as_a_held_refresh_lands_still_opens() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/list?cols=status,estimate"))
        .await
        .unwrap();
    wait_for(
        &client,
        "body[data-live=on] button.cell[data-field=estimate_days]",
    )
    .await;
    let keys: Value = client
        .execute(
            "return [...document.querySelectorAll('#list-form tr[data-key]')].slice(0, 2).map(r => r.dataset.key)",
            vec![],
        )
        .await
        .unwrap();
    let (first, second) = (keys[0].as_str().unwrap(), keys[1].as_str().unwrap());

    // The second row holds the focus when its task is renamed elsewhere:
    // the page holds that refresh back.
    client
        .execute(
            &format!("document.querySelector('tr[data-key={second}] button.cell[data-field=status]').focus()"),
            vec![],
        )
        .await
        .unwrap();
    let task = task_json(&client, second).await;
    let renamed = client
        .execute_async(
            "const [key, version, done] = arguments;
             fetch('/api/v1/workspaces/demo/tasks/' + key, {method: 'PATCH',
                    headers: {'content-type': 'application/json', 'if-match': '\"' + version + '\"'},
                    body: JSON.stringify({title: 'Renamed while a cell had the focus'})}).then(r => done(r.status))",
            vec![json!(second), task["version"].clone()],
        )
        .await
        .unwrap();
    assert_eq!(renamed, json!(200));
    wait_until_held(&client).await;

    // A press on the first row's estimate moves the focus, which lets the
    // held refresh go; the page is fetched again while the button is down.
    let cell = wait_for(
        &client,
        &format!("tr[data-key={first}] button.cell[data-field=estimate_days]"),
    )
    .await;
    let press = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: cell,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(press).await.unwrap();
    let fetched = client
        .execute_async(
            "const done = arguments[0]; fetch(location.href).then(r => r.text()).then(t => done(t.length > 0))",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fetched, json!(true));
    let release = MouseActions::new("mouse".into()).then(PointerAction::Up {
        button: fantoccini::actions::MOUSE_BUTTON_LEFT,
    });
    client.perform_actions(release).await.unwrap();
    client.release_actions().await.unwrap();

    // The click opened the cell; typed and saved, the held refresh then
    // shows the rename.
    let input = wait_for(
        &client,
        &format!("tr[data-key={first}] input[data-field=estimate_days]"),
    )
    .await;
    input.send_keys("\u{E009}a\u{E000}6\u{E007}").await.unwrap();
    wait_for_text(&client, TASK_TABLE, "Renamed while a cell had the focus").await;
    assert_eq!(task_json(&client, first).await["estimate_days"], 6.0);
    client.close().await.unwrap();
    server.stop().await;
}
