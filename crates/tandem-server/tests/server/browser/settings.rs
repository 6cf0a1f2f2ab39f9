//! A project set up in the browser: its key suggested from its name, its
//! phases added, moved and deleted (with an Undo), its fields
//! changed, on a desktop's width and a phone's.

use super::*;

/// The names in the phases list, in the order shown.
async fn phase_names(client: &Client) -> Value {
    client
        .execute(
            "return [...document.querySelectorAll('section[aria-labelledby=h-phases] ol.rows input[name=name]')].map(i => i.value)",
            vec![],
        )
        .await
        .unwrap()
}

/// Waits until the phases list shows `names`, in that order.
async fn wait_for_phases(client: &Client, names: &[&str]) {
    let wanted = json!(names);
    let deadline = Instant::now() + PATIENCE;
    loop {
        if phase_names(client).await == wanted {
            return;
        }
        if Instant::now() > deadline {
            failed(client, &format!("waited for the phases {wanted}")).await;
        }
        // Polling the page as a person looks again; no fixed sleep.
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_is_set_up_found_and_imported_in_the_browser() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;

    // The key follows the name until it is typed in.
    client
        .goto(&format!("{base}/w/demo/projects"))
        .await
        .unwrap();
    wait_for(&client, "#np-name")
        .await
        .send_keys("Office move")
        .await
        .unwrap();
    let key = client
        .find(Locator::Css("#np-key"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(key.as_deref(), Some("OM"));
    client
        .find(Locator::Css("#np-objective"))
        .await
        .unwrap()
        .send_keys("Everyone at the new office by June")
        .await
        .unwrap();
    look(&client, "20-new-project").await;
    click(&client, "form.new-project button.primary").await;
    wait_for_text(&client, "//div[@class='project-head']/h1", "Office move").await;

    // Phases: added, the second moved up, the other deleted after a yes.
    client
        .goto(&format!("{base}/w/demo/p/OM/settings"))
        .await
        .unwrap();
    for name in ["Find a site", "Fit out"] {
        submit_form(
            &client,
            &[("#np-phase", name)],
            "form[action$='/phases'] button",
        )
        .await;
        wait_for(
            &client,
            &format!("section[aria-labelledby=h-phases] input[value='{name}']"),
        )
        .await;
    }
    wait_for_phases(&client, &["Find a site", "Fit out"]).await;
    click(&client, "button[aria-label='Move Fit out up']").await;
    wait_for_phases(&client, &["Fit out", "Find a site"]).await;
    // A delete is held back while its Undo shows: taken back, the phase
    // stays; let go, it is deleted.
    click(&client, "button[aria-label='Delete Find a site']").await;
    wait_for_text(&client, TOAST, "The phase Find a site will be deleted.").await;
    wait_for(&client, "li[hidden] input[value='Find a site']").await;
    click(&client, "#toast button.undo").await;
    wait_for_text(&client, TOAST, "The phase Find a site kept.").await;
    wait_for_phases(&client, &["Fit out", "Find a site"]).await;
    let phases = api_json(&client, "/projects/OM/phases").await;
    assert_eq!(phases.as_array().map(Vec::len), Some(2), "{phases}");
    click(&client, "button[aria-label='Delete Find a site']").await;
    // Another row saved meanwhile draws the page again: the phase held
    // for deletion stays hidden, and goes when its time is up.
    client
        .execute(
            "const f = [...document.querySelectorAll('section[aria-labelledby=h-phases] form.row-form')]
                .find(f => f.elements.name.value === 'Fit out');
             f.elements.name.value = 'Fit out and move in';
             f.requestSubmit();",
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &client,
        "section[aria-labelledby=h-phases] input[value='Fit out and move in']",
    )
    .await;
    wait_for(&client, "li[hidden] input[value='Find a site']").await;
    wait_for_text(&client, TOAST, "The phase Find a site deleted.").await;
    wait_for_phases(&client, &["Fit out and move in"]).await;
    let phases = api_json(&client, "/projects/OM/phases").await;
    assert_eq!(phases[0]["name"], "Fit out and move in", "{phases}");
    assert_eq!(phases.as_array().map(Vec::len), Some(1), "{phases}");
    // A refused phase is said beside its field, in words, and what was
    // typed stays in the form.
    client
        .execute(
            "const f = document.querySelector('section[aria-labelledby=h-phases] form.row-form');
             f.elements.start_date.value = '2027-03-10'; f.elements.end_date.value = '2027-03-01';
             f.requestSubmit();",
            vec![],
        )
        .await
        .unwrap();
    wait_for_text(
        &client,
        "//section[@aria-labelledby='h-phases']//span[contains(@class,'refused')]",
        "End date must not be before start date",
    )
    .await;
    let kept: Value = client
        .execute(
            "return document.querySelector('section[aria-labelledby=h-phases] form.row-form').elements.end_date.value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, "2027-03-01");
    client.refresh().await.unwrap();

    // The project's own fields, saved from the same page.
    let name = wait_for(&client, "#ps-name").await;
    name.clear().await.unwrap();
    name.send_keys("Office move 2027").await.unwrap();
    click(&client, "form[action$='/settings'] button.primary").await;
    wait_for_text(
        &client,
        "//div[@class='project-head']/h1",
        "Office move 2027",
    )
    .await;
    look(&client, "21-project-settings").await;
    client
        .execute(
            "document.getElementById('h-stakeholders').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    look(&client, "21-project-settings-people").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/settings"))
        .await
        .unwrap();
    wait_for(&client, "#ps-name").await;
    look(&client, "23-launch-settings").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/risks"))
        .await
        .unwrap();
    click(&client, "td.risk details.edit summary").await;
    look(&client, "24-risk-edit").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/plan?runs=200&level=1"))
        .await
        .unwrap();
    wait_for(&client, "#h-levelling").await;
    look(&client, "27-plan").await;
    // Applied and taken back, each said in a toast.
    click(&client, "form[action$='/plan/level'] button").await;
    client.accept_alert().await.unwrap();
    wait_for(&client, "#h-levelled").await;
    wait_for_text(&client, TOAST, "Levelling applied.").await;
    click(&client, "form[action$='/plan/level/undo'] button").await;
    client.accept_alert().await.unwrap();
    wait_for_text(&client, TOAST, "Levelling taken back.").await;
    client
        .goto(&format!("{base}/w/demo/settings"))
        .await
        .unwrap();
    wait_for(&client, "#inv-email").await;
    look(&client, "25-workspace-settings").await;

    client.set_window_size(390, 844).await.unwrap();
    for (name, path, ready) in [
        (
            "22-phone-project-settings",
            "/w/demo/p/OM/settings",
            "#ps-name",
        ),
        (
            "26-phone-workspace-settings",
            "/w/demo/settings",
            "#inv-email",
        ),
    ] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        wait_for(&client, ready).await;
        let overflow: Value = client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{name}: the page is wider than the phone ({overflow} px)"
        );
        look(&client, name).await;
    }

    // Ctrl-K: the palette finds a task by words of its title and opens it.
    client.goto(&format!("{base}/w/demo/my")).await.unwrap();
    wait_for(&client, "section.bucket").await;
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E009}k\u{E000}")
        .await
        .unwrap();
    let input = wait_for(&client, "dialog#palette[open] #palette-q").await;
    input.send_keys("positioning").await.unwrap();
    wait_for(&client, "#palette-results a[href*='/t/LAUNCH-']").await;
    look(&client, "28-palette").await;
    input.send_keys("\u{E015}").await.unwrap();
    client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    wait_for(&client, "section[aria-labelledby=h-links]").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/w/demo/t/LAUNCH-"),
        "the palette opened the task"
    );

    // A Microsoft Project file brought in from the Projects page.
    let file = std::env::temp_dir().join(format!("tandem-import-{}.xml", rand_suffix()));
    std::fs::write(
        &file,
        "<Project xmlns=\"http://schemas.microsoft.com/project\"><Name>Fit-out</Name>\
         <StartDate>2027-01-04T08:00:00</StartDate><Tasks>\
         <Task><UID>1</UID><ID>1</ID><Name>Walls</Name><OutlineLevel>1</OutlineLevel><Duration>PT16H0M0S</Duration></Task>\
         <Task><UID>2</UID><ID>2</ID><Name>Paint</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
         <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>\
         </Tasks></Project>",
    )
    .unwrap();
    client
        .goto(&format!("{base}/w/demo/projects"))
        .await
        .unwrap();
    wait_for(&client, "#im-file")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    wait_for(&client, "#im-key")
        .await
        .send_keys("FIT")
        .await
        .unwrap();
    click(&client, "form.import button").await;
    wait_for_text(&client, "//div[@class='project-head']/h1", "FIT").await;
    wait_for(&client, "svg.gantt").await;
    std::fs::remove_file(&file).ok();

    client.close().await.unwrap();
    server.stop().await;
}

/// Waits until the list row of `key` shows a version other than `from`.
async fn wait_for_new_version(client: &Client, key: &str, from: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let version = client
            .execute(
                "return document.querySelector(`tr[data-key='${arguments[0]}']`).dataset.version",
                vec![json!(key)],
            )
            .await
            .unwrap();
        if version.as_str() != Some(from) {
            return;
        }
        if Instant::now() > deadline {
            failed(client, &format!("waited for {key} to be saved")).await;
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_arrowed_cell_saves_once_and_a_predecessor_is_found_by_title() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/list"))
        .await
        .unwrap();
    let row = "tr[data-key='LAUNCH-20']";
    let before = task_json(&client, "LAUNCH-20").await;
    let version = before["version"].to_string();

    // Two steps down the status options, then Enter: one save, of the
    // option it settled on.
    click(&client, &format!("{row} button.cell[data-field=status]")).await;
    let select = wait_for(&client, &format!("{row} select[data-field=status]")).await;
    select.send_keys("\u{E015}").await.unwrap();
    select.send_keys("\u{E015}").await.unwrap();
    let settled = select.prop("value").await.unwrap().unwrap();
    assert_ne!(json!(settled), before["status"]);
    select.send_keys("\u{E007}").await.unwrap();
    // Blocked asks why before it saves.
    if settled == "blocked" {
        client
            .send_alert_text("Waiting on the vendor")
            .await
            .unwrap();
        client.accept_alert().await.unwrap();
    }
    wait_for_new_version(&client, "LAUNCH-20", &version).await;
    let after = task_json(&client, "LAUNCH-20").await;
    assert_eq!(after["status"], json!(settled), "{after}");
    if settled == "blocked" {
        assert_eq!(after["blocked_reason"], "Waiting on the vendor", "{after}");
    }
    assert_eq!(
        after["version"].as_i64(),
        before["version"].as_i64().map(|v| v + 1),
        "one save for two steps and Enter: {after}"
    );

    // The phase column puts the task in a phase (its id, a number).
    let version = after["version"].to_string();
    click(&client, &format!("{row} button.cell[data-field=phase_id]")).await;
    let select = wait_for(&client, &format!("{row} select[data-field=phase_id]")).await;
    select.send_keys("\u{E015}").await.unwrap();
    select.send_keys("\u{E007}").await.unwrap();
    wait_for_new_version(&client, "LAUNCH-20", &version).await;
    let placed = task_json(&client, "LAUNCH-20").await;
    assert!(placed["phase_id"].is_i64(), "{placed}");
    assert_ne!(placed["phase_id"], before["phase_id"], "{placed}");

    // The owner cell takes a name, not an email.
    let version = placed["version"].to_string();
    click(&client, &format!("{row} button.cell[data-field=owner]")).await;
    wait_for(&client, &format!("{row} input[data-field=owner]"))
        .await
        .send_keys("Okafor\u{E007}")
        .await
        .unwrap();
    wait_for_new_version(&client, "LAUNCH-20", &version).await;
    let owned = task_json(&client, "LAUNCH-20").await;
    assert_eq!(owned["owner"]["email"], "ben@demo.tandem", "{owned}");
    wait_for_text(&client, "//tr[@data-key='LAUNCH-20']", "Ben Okafor").await;
    // Every inline save says so, with an Undo that puts the value back.
    wait_for_text(&client, TOAST, "LAUNCH-20: Owner saved.").await;
    click(&client, "#toast button.undo").await;
    wait_for_text(&client, TOAST, "LAUNCH-20: Owner is as it was.").await;
    let owned = task_json(&client, "LAUNCH-20").await;
    assert_eq!(owned["owner"], placed["owner"], "{owned}");

    // Two arrows up in a date cell's year, then Enter: one save, of the
    // date it settled on (each arrow changes the date).
    let version = owned["version"].to_string();
    let due = owned["due_date"].as_str().unwrap().to_string();
    click(&client, &format!("{row} button.cell[data-field=due_date]")).await;
    let date = wait_for(&client, &format!("{row} input[data-field=due_date]")).await;
    // Month, day, year: two steps right, then up twice.
    date.send_keys("\u{E014}\u{E014}\u{E013}\u{E013}")
        .await
        .unwrap();
    let settled = date.prop("value").await.unwrap().unwrap();
    let two_years_on = format!("{}{}", due[..4].parse::<i32>().unwrap() + 2, &due[4..]);
    assert_eq!(settled, two_years_on);
    date.send_keys("\u{E007}").await.unwrap();
    wait_for_new_version(&client, "LAUNCH-20", &version).await;
    let dated = task_json(&client, "LAUNCH-20").await;
    assert_eq!(dated["due_date"], json!(settled), "{dated}");
    assert_eq!(
        dated["version"].as_i64(),
        owned["version"].as_i64().map(|v| v + 1),
        "one save for two arrows and Enter: {dated}"
    );

    // The keyboard goes from row to row (j, k) and card to card (arrows).
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/list"))
        .await
        .unwrap();
    let first = wait_for(&client, "table.tasks tr[data-key] a.key").await;
    let focused = |client: &Client| {
        let client = client.clone();
        async move {
            client
                .execute(
                    "const e = document.activeElement; return (e.closest('[data-key]') || e).dataset.key || null",
                    vec![],
                )
                .await
                .unwrap()
        }
    };
    first.send_keys("j").await.unwrap();
    let second: Value = client
        .execute(
            "return document.querySelectorAll('table.tasks tr[data-key]')[1].dataset.key",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused(&client).await, second);
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/board"))
        .await
        .unwrap();
    // A card added at the top of a column lands in that column.
    wait_for(&client, "#add-in_review")
        .await
        .send_keys("Card from the board\u{E007}")
        .await
        .unwrap();
    wait_for_text(
        &client,
        "//ul[@data-status='in_review']",
        "Card from the board",
    )
    .await;
    let card = wait_for(&client, "ul.cards li.card").await;
    let name = card.attr("aria-label").await.unwrap().unwrap();
    let key = card.attr("data-key").await.unwrap().unwrap();
    assert!(name.starts_with(&format!("{key}: ")), "{name}");
    card.send_keys("\u{E015}").await.unwrap();
    let below: Value = client
        .execute(
            "const c = document.querySelector('ul.cards li.card'); const n = c.nextElementSibling; return n ? n.dataset.key : c.dataset.key",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused(&client).await, below);

    // Ticked off by mistake: the toast's Undo puts the task back.
    client.goto(&format!("{base}/w/demo/my")).await.unwrap();
    let todo = wait_for(&client, "li.todo[data-key^='LAUNCH-'] form.tick").await;
    let item: Value = client
        .execute(
            "const li = document.querySelector(\"li.todo[data-key^='LAUNCH-']\"); return [li.dataset.key, li.dataset.status]",
            vec![],
        )
        .await
        .unwrap();
    let (key, status) = (item[0].as_str().unwrap(), item[1].clone());
    todo.find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, TOAST, &format!("{key} done.")).await;
    assert_eq!(task_json(&client, key).await["status"], "done");
    click(&client, "#toast button.undo").await;
    wait_for_text(&client, TOAST, "again").await;
    assert_eq!(task_json(&client, key).await["status"], status);

    // A predecessor found by words of its title, not a typed key.
    client
        .goto(&format!("{base}/w/demo/t/LAUNCH-20"))
        .await
        .unwrap();
    wait_for(&client, "#l-pred")
        .await
        .send_keys("positioning")
        .await
        .unwrap();
    let offered = wait_for(&client, "#task-search option").await;
    let key = offered.attr("value").await.unwrap().unwrap();
    let title = offered.attr("label").await.unwrap().unwrap();
    assert!(title.to_lowercase().contains("positioning"), "{title}");
    submit_form(
        &client,
        &[("#l-pred", &key)],
        "form[action$='/links'] button",
    )
    .await;
    wait_for(
        &client,
        &format!("section[aria-labelledby=h-links] ul a[href$='/t/{key}']"),
    )
    .await;

    // The owner found by a part of a name (not the first letters, not an
    // email), and saved.
    client
        .goto(&format!("{base}/w/demo/t/LAUNCH-20"))
        .await
        .unwrap();
    wait_for(&client, "#t-owner")
        .await
        .find(Locator::XPath("preceding-sibling::input[@type='search']"))
        .await
        .unwrap()
        .send_keys("kafo")
        .await
        .unwrap();
    let picked = client
        .find(Locator::Css("#t-owner"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(picked.as_deref(), Some("ben@demo.tandem"));
    click(&client, "form.task-form button.primary").await;
    wait_for_text(&client, TOAST, "Saved.").await;
    assert_eq!(
        task_json(&client, "LAUNCH-20").await["owner"]["email"],
        "ben@demo.tandem"
    );

    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn a_bulk_edit_and_a_delete_are_taken_back_with_undo() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/list?sort=key"))
        .await
        .unwrap();
    // Two rows with different priorities go to Urgent together; Undo
    // puts each back to its own.
    let keys = ["LAUNCH-2", "LAUNCH-3"];
    let before: Vec<Value> = {
        let mut tasks = Vec::new();
        for key in keys {
            tasks.push(task_json(&client, key).await);
        }
        tasks
    };
    for key in keys {
        click(&client, &format!("input[name=sel][value='{key}']")).await;
    }
    client
        .execute(
            "const s = document.getElementById('b-priority'); s.value = 'urgent';",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "fieldset.bulk button[type=submit]").await;
    wait_for_text(&client, TOAST, "2 tasks changed.").await;
    for key in keys {
        assert_eq!(task_json(&client, key).await["priority"], "urgent", "{key}");
    }
    click(&client, "#toast button.undo").await;
    wait_for_text(&client, TOAST, "2 put back.").await;
    for (key, was) in keys.iter().zip(&before) {
        assert_eq!(
            task_json(&client, key).await["priority"],
            was["priority"],
            "{key}"
        );
    }

    // A delete is held back while its Undo shows: taken back, the task
    // stays; let go, it is deleted and the page moves on to the list.
    client
        .goto(&format!("{base}/w/demo/t/LAUNCH-4"))
        .await
        .unwrap();
    click(&client, "form.delete-task button").await;
    wait_for_text(&client, TOAST, "LAUNCH-4 will be deleted.").await;
    click(&client, "#toast button.undo").await;
    wait_for_text(&client, TOAST, "LAUNCH-4 kept.").await;
    assert_eq!(task_json(&client, "LAUNCH-4").await["key"], "LAUNCH-4");
    click(&client, "form.delete-task button").await;
    wait_for_text(&client, TOAST, "LAUNCH-4 will be deleted.").await;
    wait_for(&client, "form#list-form").await;
    let gone = task_json(&client, "LAUNCH-4").await;
    assert_eq!(gone["status"], 404, "{gone}");
    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_edit_is_undone_a_row_edited_meanwhile_is_merged_and_risk_tasks_are_found() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;

    // Marked done on its page by mistake: the toast's Undo puts back the
    // status it had.
    client
        .goto(&format!("{base}/w/demo/t/LAUNCH-20"))
        .await
        .unwrap();
    wait_for(&client, "#t-status").await;
    let was = task_json(&client, "LAUNCH-20").await["status"].clone();
    assert_ne!(was, "done");
    client
        .execute(
            "document.getElementById('t-status').value = 'done';",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "form.task-form button.primary").await;
    wait_for_text(&client, TOAST, "LAUNCH-20 done.").await;
    assert_eq!(task_json(&client, "LAUNCH-20").await["status"], "done");
    click(&client, "#toast button.undo").await;
    wait_for_text(&client, TOAST, "Put back as it was.").await;
    assert_eq!(task_json(&client, "LAUNCH-20").await["status"], was);

    // A phase renamed here while someone else dates it: the save is
    // refused, their end date is taken into the form, and saving again
    // keeps both.
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/settings"))
        .await
        .unwrap();
    let phases = api_json(&client, "/projects/LAUNCH/phases").await;
    let phase = &phases[0];
    let id = phase["id"].as_i64().unwrap();
    let name = wait_for(&client, &format!("#ph-name-{id}")).await;
    name.clear().await.unwrap();
    name.send_keys("Renamed here").await.unwrap();
    let answer: Value = client
        .execute_async(
            "const [id, version, done] = arguments;
             fetch('/api/v1/workspaces/demo/phases/' + id, {method: 'PATCH',
               headers: {'content-type': 'application/json', 'if-match': '\"' + version + '\"'},
               body: JSON.stringify({end_date: '2027-05-31'})}).then(r => done(r.status))",
            vec![json!(id), phase["version"].clone()],
        )
        .await
        .unwrap();
    assert_eq!(answer, 200);
    click(
        &client,
        &format!("#phase-{id} form.row-form button[type=submit]"),
    )
    .await;
    wait_for_text(
        &client,
        "//span[contains(@class,'merge')]",
        "Taken from the change made meanwhile: 2027-05-31",
    )
    .await;
    click(
        &client,
        &format!("#phase-{id} form.row-form button[type=submit]"),
    )
    .await;
    wait_for_text(&client, TOAST, "Saved.").await;
    let phases = api_json(&client, "/projects/LAUNCH/phases").await;
    let saved = phases
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap();
    assert_eq!(saved["name"], "Renamed here", "{saved}");
    assert_eq!(saved["end_date"], "2027-05-31", "{saved}");

    // Deleting with the wrong key typed is refused beside the box, on the
    // same page, and the project stays.
    // (Enter in the box: the last save's toast covers the button.)
    wait_for(&client, "#pd-confirm")
        .await
        .send_keys("NOPE\u{E007}")
        .await
        .unwrap();
    wait_for(
        &client,
        "#pd-confirm[aria-invalid=true] + .field-note.refused",
    )
    .await;
    wait_for_text(
        &client,
        "//span[contains(@class,'refused')]",
        "LAUNCH, to delete it",
    )
    .await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/p/LAUNCH/settings")
    );
    assert_eq!(api_json(&client, "/projects/LAUNCH").await["key"], "LAUNCH");

    // A task a risk threatens, found by words of its title after the
    // keys already there; the keys kept, the one found added.
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/risks"))
        .await
        .unwrap();
    let risks = api_json(&client, "/projects/LAUNCH/risks").await;
    let risk = risks
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Billing provider approval slips")
        .unwrap()
        .clone();
    let rid = risk["id"].as_i64().unwrap();
    click(&client, &format!("#risk-{rid} details.edit summary")).await;
    let tasks = wait_for(&client, &format!("#rk-tasks-{rid}")).await;
    tasks.send_keys(", positioning").await.unwrap();
    let offered = wait_for(&client, &format!("#rk-found-{rid} option")).await;
    let picked = offered.attr("value").await.unwrap().unwrap();
    let label = offered.attr("label").await.unwrap().unwrap();
    assert!(label.to_lowercase().contains("positioning"), "{label}");
    let added = picked
        .strip_prefix("LAUNCH-17, ")
        .unwrap_or_else(|| panic!("the kept keys lead: {picked}"))
        .to_string();
    assert!(added.starts_with("LAUNCH-"), "{picked}");
    tasks.clear().await.unwrap();
    tasks.send_keys(&picked).await.unwrap();
    click(&client, &format!("#risk-{rid} form.stacked button.primary")).await;
    wait_for_text(&client, TOAST, "Saved.").await;
    let mut linked: Vec<String> = api_json(&client, &format!("/risks/{rid}")).await["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_string())
        .collect();
    linked.sort();
    let mut wanted = vec!["LAUNCH-17".to_string(), added];
    wanted.sort();
    assert_eq!(linked, wanted);

    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_apply_as_they_are_chosen_and_words_as_they_are_typed() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/list"))
        .await
        .unwrap();
    let rows = |client: &Client| {
        let client = client.clone();
        async move {
            let keys: Value = client
                .execute(
                    "return [...document.querySelectorAll('#rows tr[data-key]')].map(r => r.dataset.key)",
                    vec![],
                )
                .await
                .unwrap();
            keys.as_array().unwrap().len()
        }
    };
    wait_for(&client, "#rows tr[data-key]").await;
    let all = rows(&client).await;

    // Words typed: after a moment the rows are the matching ones, the
    // address says so, and the caret is still in the box.
    wait_for(&client, "#f-q")
        .await
        .send_keys("positioning")
        .await
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while !client
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or("")
        .contains("q=positioning")
        || rows(&client).await == all
    {
        if Instant::now() > deadline {
            failed(&client, "waited for the list to narrow to the words").await;
        }
        tokio::task::yield_now().await;
    }
    assert!(rows(&client).await >= 1);
    let focused: Value = client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "f-q");
    // And a status chosen applies at once.
    client
        .execute(
            "const s = document.getElementById('f-status'); s.value = 'done'; s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while !client
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or("")
        .contains("status=done")
    {
        if Instant::now() > deadline {
            failed(&client, "waited for the status to apply").await;
        }
        tokio::task::yield_now().await;
    }
    let query = client.current_url().await.unwrap();
    assert!(
        query.query().unwrap_or("").contains("q=positioning"),
        "{query}"
    );
    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn a_card_is_put_into_a_phase_from_the_board() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/board"))
        .await
        .unwrap();
    look(&client, "board-phases").await;
    let card = wait_for(&client, "li.card[data-key] button.cell.phase").await;
    let key: Value = client
        .execute(
            "return document.querySelector('li.card button.cell.phase').closest('li.card').dataset.key",
            vec![],
        )
        .await
        .unwrap();
    let key = key.as_str().unwrap().to_string();
    let before = task_json(&client, &key).await;
    card.click().await.unwrap();
    let select = wait_for(&client, "li.card select[data-field=phase_id]").await;
    // The last phase, whatever the card had.
    let chosen: Value = client
        .execute(
            "const s = document.querySelector('li.card select[data-field=phase_id]'); const o = s.options[s.options.length - 1]; return [o.value, o.textContent]",
            vec![],
        )
        .await
        .unwrap();
    let (phase, name) = (chosen[0].as_str().unwrap(), chosen[1].as_str().unwrap());
    select.select_by_value(phase).await.unwrap();
    wait_for_text(&client, &format!("//li[@data-key='{key}']//button"), name).await;
    let after = task_json(&client, &key).await;
    assert_eq!(after["phase_id"].to_string(), phase, "{after}");
    assert_eq!(
        after["status"], before["status"],
        "the card stays in its column"
    );
    // And into a milestone, the same way.
    click(
        &client,
        &format!("li.card[data-key='{key}'] button.cell[data-field=milestone_id]"),
    )
    .await;
    let select = wait_for(&client, "li.card select[data-field=milestone_id]").await;
    let chosen: Value = client
        .execute(
            "const s = document.querySelector('li.card select[data-field=milestone_id]'); const o = s.options[s.options.length - 1]; return [o.value, o.textContent]",
            vec![],
        )
        .await
        .unwrap();
    let (milestone, name) = (chosen[0].as_str().unwrap(), chosen[1].as_str().unwrap());
    select.select_by_value(milestone).await.unwrap();
    wait_for_text(&client, &format!("//li[@data-key='{key}']//button"), name).await;
    let after = task_json(&client, &key).await;
    assert_eq!(after["milestone_id"].to_string(), milestone, "{after}");
    // The count is the column's total, not the cards shown.
    let counts: Value = client
        .execute(
            "return [...document.querySelectorAll('.column h2 .count')].map(c => [c.textContent, c.dataset.total])",
            vec![],
        )
        .await
        .unwrap();
    for pair in counts.as_array().unwrap() {
        assert_eq!(pair[0], pair[1], "{counts}");
    }
    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn estimates_and_three_point_estimates_are_typed_in_the_list() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!(
            "{base}/w/demo/p/LAUNCH/list?cols=status,estimate,three_point"
        ))
        .await
        .unwrap();
    wait_for(&client, "button.cell[data-field=three_point]").await;
    look(&client, "list-estimates").await;
    let key: Value = client
        .execute(
            "return document.querySelector('#list-form tr[data-key]').dataset.key",
            vec![],
        )
        .await
        .unwrap();
    let key = key.as_str().unwrap().to_string();
    let row = format!("#list-form tr[data-key={key}]");
    let version = task_json(&client, &key).await["version"].clone();

    // Typed as a person writes it: three numbers with slashes, over what
    // is there (selected with Ctrl+A: WebDriver's clear would leave the
    // field, which saves it).
    click(
        &client,
        &format!("{row} button.cell[data-field=three_point]"),
    )
    .await;
    let input = wait_for(&client, &format!("{row} input[data-field=three_point]")).await;
    // The demo's estimate is there to change.
    assert_eq!(input.prop("value").await.unwrap().unwrap(), "3.75 / 5 / 9");
    input
        .send_keys("\u{E009}a\u{E000}2 / 3 / 7\u{E007}")
        .await
        .unwrap();
    wait_for_text(
        &client,
        &format!("//tr[@data-key='{key}']//button[@data-field='three_point']"),
        "2 / 3 / 7 d",
    )
    .await;
    let task = task_json(&client, &key).await;
    assert_eq!(
        task["three_point"],
        json!({"optimistic": 2, "likely": 3, "pessimistic": 7}),
        "{task}"
    );
    assert_ne!(task["version"], version, "{task}");

    // The estimate beside it, in working days.
    click(
        &client,
        &format!("{row} button.cell[data-field=estimate_days]"),
    )
    .await;
    let input = wait_for(&client, &format!("{row} input[data-field=estimate_days]")).await;
    input
        .send_keys("\u{E009}a\u{E000}4.5\u{E007}")
        .await
        .unwrap();
    wait_for_text(
        &client,
        &format!("//tr[@data-key='{key}']//button[@data-field='estimate_days']"),
        "4.5 d",
    )
    .await;
    assert_eq!(task_json(&client, &key).await["estimate_days"], 4.5);

    // Out of order, the server refuses it in words and nothing changes.
    click(
        &client,
        &format!("{row} button.cell[data-field=three_point]"),
    )
    .await;
    let input = wait_for(&client, &format!("{row} input[data-field=three_point]")).await;
    input
        .send_keys("\u{E009}a\u{E000}7 / 3 / 2\u{E007}")
        .await
        .unwrap();
    wait_for_text(
        &client,
        TOAST,
        "from optimistic to most likely to pessimistic",
    )
    .await;
    // The cell opens again with what was typed, the reason beside it.
    wait_for(
        &client,
        &format!("{row} input[data-field=three_point][aria-invalid=true] + .field-note.refused"),
    )
    .await;
    let input = wait_for(
        &client,
        &format!("{row} input[data-field=three_point][aria-invalid=true]"),
    )
    .await;
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some("7 / 3 / 2")
    );
    // Not three numbers: said so before anything is sent.
    input
        .send_keys("\u{E009}a\u{E000}about a week\u{E007}")
        .await
        .unwrap();
    wait_for_text(&client, TOAST, "optimistic / most likely / pessimistic").await;
    assert_eq!(
        task_json(&client, &key).await["three_point"],
        json!({"optimistic": 2, "likely": 3, "pessimistic": 7})
    );
    client.close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn a_new_token_is_shown_once_in_place_and_a_reload_makes_no_other() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ben@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/settings"))
        .await
        .unwrap();
    submit_form(
        &client,
        &[("#tok-name", "laptop CLI")],
        "form.token-new button",
    )
    .await;
    let secret = wait_for(&client, "#new-token").await;
    wait_for_text(&client, TOAST, "Token laptop CLI created.").await;
    let value = secret.prop("value").await.unwrap().unwrap_or_default();
    assert!(value.len() > 20, "{value}");
    // The address is still the page's own: a reload shows the list, with
    // the one token, and no secret.
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/w/demo/settings"),
        "{}",
        client.current_url().await.unwrap()
    );
    client.refresh().await.unwrap();
    wait_for(&client, "#tok-name").await;
    let names: Value = client
        .execute(
            "return [...document.querySelectorAll('section[aria-labelledby=h-tokens] li strong')].map(s => s.textContent)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(names, json!(["laptop CLI"]));
    assert!(client.find(Locator::Css("#new-token")).await.is_err());
    look(&client, "28-tokens").await;
    client.close().await.unwrap();
    server.stop().await;
}
