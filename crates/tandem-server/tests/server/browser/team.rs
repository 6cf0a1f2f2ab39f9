//! A team plans and works through the pages: sign-in, forms, quick add, the
//! board, the timeline, a phone's width.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_plans_and_works_in_the_browser() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();

    client.goto(&format!("{base}/signin")).await.unwrap();
    look(&client, "01-sign-in").await;
    sign_in(&client, &base, "ana@demo.tandem").await;
    look(&client, "02-my-work").await;

    // A project, created through its form.
    client
        .goto(&format!("{base}/w/demo/projects"))
        .await
        .unwrap();
    look(&client, "03-projects").await;
    submit_form(
        &client,
        &[
            ("#np-key", "WEB"),
            ("#np-name", "Web relaunch"),
            ("#np-objective", "A faster site by spring"),
        ],
        "form.stacked button.primary",
    )
    .await;
    wait_for_text(&client, "//div[@class='project-head']/h1", "Web relaunch").await;

    // Tasks, through the list's form, then linked into a chain on their pages.
    client
        .goto(&format!("{base}/w/demo/p/WEB/list"))
        .await
        .unwrap();
    for title in ["Design pages", "Build pages", "Launch site"] {
        submit_form(
            &client,
            &[("#nt-title", title)],
            "form.inline-form button[type=submit]",
        )
        .await;
        wait_for_text(&client, TASK_TABLE, title).await;
    }
    for (task, waits_for) in [("WEB-2", "WEB-1"), ("WEB-3", "WEB-2")] {
        client
            .goto(&format!("{base}/w/demo/t/{task}"))
            .await
            .unwrap();
        submit_form(
            &client,
            &[("#l-pred", waits_for)],
            "form[action$='/links'] button",
        )
        .await;
        wait_for(
            &client,
            &format!("section[aria-labelledby=h-links] ul a[href$='/t/{waits_for}']"),
        )
        .await;
    }
    look(&client, "04-task-page").await;

    // Quick add, opened by its shortcut.
    client
        .goto(&format!("{base}/w/demo/p/WEB/list"))
        .await
        .unwrap();
    wait_for(&client, "table.tasks").await;
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("q")
        .await
        .unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("quick-add"),
        "q focuses quick add"
    );
    // Due today: a dated task that ends before the chain below does, so
    // the chain stays the critical path.
    focused
        .send_keys("Write brief @ben #WEB due today !high\u{E007}")
        .await
        .unwrap();
    wait_for_text(&client, TOAST, "Added WEB-4").await;
    wait_for_text(&client, TASK_TABLE, "Write brief").await;
    wait_for(
        &client,
        "tr[data-key=WEB-4] button.cell[data-field=owner][data-value='ben@demo.tandem']",
    )
    .await;
    wait_for(
        &client,
        "tr[data-key=WEB-4] button.cell[data-field=priority][data-value=high]",
    )
    .await;
    look(&client, "05-list").await;

    // Inline edit: click the status cell, pick a status; it is saved and
    // still there after a reload.
    client
        .find(Locator::Css(
            "tr[data-key=WEB-4] button.cell[data-field=status]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "tr[data-key=WEB-4] select[data-field=status]")
        .await
        .select_by_value("in_review")
        .await
        .unwrap();
    wait_for(
        &client,
        "tr[data-key=WEB-4] button.cell[data-field=status][data-value=in_review]",
    )
    .await;
    client.refresh().await.unwrap();
    wait_for(
        &client,
        "tr[data-key=WEB-4] button.cell[data-field=status][data-value=in_review]",
    )
    .await;

    // Bulk edit: select two rows, set their priority, apply.
    for key in ["WEB-1", "WEB-2"] {
        client
            .find(Locator::Css(&format!("input[name=sel][value={key}]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    client
        .find(Locator::Css("#b-priority"))
        .await
        .unwrap()
        .select_by_value("urgent")
        .await
        .unwrap();
    client
        .find(Locator::Css("fieldset.bulk button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        "tr[data-key=WEB-2] button.cell[data-field=priority][data-value=urgent]",
    )
    .await;
    wait_for(
        &client,
        "tr[data-key=WEB-1] button.cell[data-field=priority][data-value=urgent]",
    )
    .await;

    // The board: drag WEB-1 to Done; after a reload it is still done.
    client
        .goto(&format!("{base}/w/demo/p/WEB/board"))
        .await
        .unwrap();
    let card = wait_for(
        &client,
        "ul[data-status=todo] li.card[data-key=WEB-1] .title",
    )
    .await;
    let done_column = client
        .find(Locator::Css("ul.cards[data-status=done]"))
        .await
        .unwrap();
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: card,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 20.0,
            y: 5.0,
        })
        .then(PointerAction::MoveToElement {
            element: done_column,
            duration: Some(Duration::from_millis(200)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(drag).await.unwrap();
    client.release_actions().await.unwrap();
    wait_for_text(&client, TOAST, "WEB-1 moved").await;
    client.refresh().await.unwrap();
    wait_for(
        &client,
        "ul.cards[data-status=done] li.card[data-key=WEB-1]",
    )
    .await;
    let done_count = client
        .find(Locator::Css("#col-done .count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(done_count, "1");
    look(&client, "06-board").await;

    // The keyboard alternative: pick WEB-2 up, move it right, drop it.
    let card = client
        .find(Locator::Css("li.card[data-key=WEB-2]"))
        .await
        .unwrap();
    card.send_keys(" ").await.unwrap();
    card.send_keys("\u{E014}").await.unwrap(); // ArrowRight
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    wait_for_text(&client, TOAST, "WEB-2 moved").await;
    client.refresh().await.unwrap();
    wait_for(
        &client,
        "ul.cards[data-status=in_progress] li.card[data-key=WEB-2]",
    )
    .await;
    // Moved on to Blocked, which asks why; then taken back with Undo.
    let card = wait_for(&client, "li.card[data-key=WEB-2]").await;
    card.send_keys(" ").await.unwrap();
    card.send_keys("\u{E014}").await.unwrap();
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    client.send_alert_text("Waiting on legal").await.unwrap();
    client.accept_alert().await.unwrap();
    wait_for_text(&client, TOAST, "WEB-2 moved").await;
    let blocked = task_json(&client, "WEB-2").await;
    assert_eq!(blocked["status"], "blocked", "{blocked}");
    assert_eq!(blocked["blocked_reason"], "Waiting on legal", "{blocked}");
    client
        .find(Locator::Css("#toast button.undo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, TOAST, "WEB-2 is back where it was").await;
    client.refresh().await.unwrap();
    wait_for(
        &client,
        "ul.cards[data-status=in_progress] li.card[data-key=WEB-2]",
    )
    .await;

    // The timeline: the chain is the critical path.
    client
        .goto(&format!("{base}/w/demo/p/WEB/timeline"))
        .await
        .unwrap();
    wait_for(&client, "svg.gantt g.bar.crit[data-key=WEB-3]").await;
    wait_for(&client, "svg.gantt path.dep.crit").await;
    // Dragging a bar reschedules: WEB-3 a week later starts no earlier.
    let bar = client
        .find(Locator::Css("g.bar[data-key=WEB-3] rect"))
        .await
        .unwrap();
    let before = client
        .find(Locator::Css("g.bar[data-key=WEB-3]"))
        .await
        .unwrap()
        .attr("data-start")
        .await
        .unwrap()
        .unwrap();
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: bar,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(200)),
            x: 70.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(drag).await.unwrap();
    client.release_actions().await.unwrap();
    wait_for_text(&client, TOAST, "WEB-3 now starts no earlier than").await;
    // 70 px at a week's zoom (10 px a day) is seven days: the same weekday.
    let expected =
        chrono::NaiveDate::parse_from_str(&before, "%Y-%m-%d").unwrap() + chrono::Days::new(7);
    wait_for(
        &client,
        &format!("g.bar[data-key=WEB-3][data-start='{expected}']"),
    )
    .await;
    look(&client, "07-timeline-web").await;

    // Every page of the demo's launch, for people to look at.
    let pages = [
        ("08-overview", "/w/demo/p/LAUNCH", "section.health"),
        (
            "09-list-by-phase",
            "/w/demo/p/LAUNCH/list?group=phase&sort=due",
            "table.tasks",
        ),
        ("10-board", "/w/demo/p/LAUNCH/board", ".board"),
        (
            "11-timeline-week",
            "/w/demo/p/LAUNCH/timeline",
            "svg.gantt g.bar.crit",
        ),
        (
            "12-timeline-day",
            "/w/demo/p/LAUNCH/timeline?zoom=day",
            "svg.gantt",
        ),
        (
            "13-timeline-month",
            "/w/demo/p/LAUNCH/timeline?zoom=month",
            "svg.gantt",
        ),
        (
            "14-workload-project",
            "/w/demo/p/LAUNCH/workload",
            "table.workload",
        ),
        ("15-workload", "/w/demo/workload", "table.workload"),
        ("16-risks", "/w/demo/p/LAUNCH/risks", "table.heat"),
        ("17-task", "/w/demo/t/LAUNCH-5", "form.task-form"),
        ("17-lint", "/w/demo/p/LAUNCH/lint", "#h-rules"),
    ];
    for (name, path, ready) in pages {
        client.goto(&format!("{base}{path}")).await.unwrap();
        wait_for(&client, ready).await;
        look(&client, name).await;
        if name == "16-risks" {
            let heat_cells = client
                .find_all(Locator::Css("table.heat td"))
                .await
                .unwrap();
            assert_eq!(heat_cells.len(), 25, "a 5 × 5 heat map");
        }
    }

    // At 1440 px every board column shows, the last one too.
    client.set_window_size(1440, 900).await.unwrap();
    client
        .goto(&format!("{base}/w/demo/p/LAUNCH/board"))
        .await
        .unwrap();
    wait_for(&client, ".board").await;
    let hidden: Value = client
        .execute(
            "const b = document.querySelector('.board'); return b.scrollWidth - b.clientWidth",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        hidden.as_i64().unwrap() <= 0,
        "the board's last column is off screen at 1440 px ({hidden} px)"
    );

    // A phone's width: the same pages, narrowed.
    client.set_window_size(390, 844).await.unwrap();
    for (name, path, ready) in [
        ("18-phone-my-work", "/w/demo/my", "section.bucket"),
        ("19-phone-board", "/w/demo/p/LAUNCH/board", ".board"),
        ("19-phone-task", "/w/demo/t/LAUNCH-3", "#t-title"),
        ("19-phone-list", "/w/demo/p/LAUNCH/list", "table.tasks"),
        ("19-phone-risks", "/w/demo/p/LAUNCH/risks", "table.heat"),
        ("19-phone-plan", "/w/demo/p/LAUNCH/plan", "#h-levelling"),
        ("19-phone-lint", "/w/demo/p/LAUNCH/lint", "#h-rules"),
        ("19-phone-search", "/w/demo/search?q=launch", "ol.results"),
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
    // The task form's fields never run into each other, on a phone or
    // on a desktop.
    for width in [390, 760, 1440] {
        client.set_window_size(width, 900).await.unwrap();
        client
            .goto(&format!("{base}/w/demo/t/LAUNCH-3"))
            .await
            .unwrap();
        wait_for(&client, "#t-title").await;
        let overlaps: Value = client
            .execute(
                "const boxes = [...document.querySelectorAll('.task-form .fields input, .task-form .fields select, .task-form .fields label')]
                   .filter((e) => e.type !== 'hidden').map((e) => [e.id || e.htmlFor || e.name, e.getBoundingClientRect()]);
                 const out = [];
                 boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
                   if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1) out.push(a + ' / ' + b);
                 }));
                 return out;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            overlaps,
            json!([]),
            "task form fields overlap at {width} px"
        );
    }

    // Signing out ends the session: pages send you to sign in again.
    client.set_window_size(1440, 900).await.unwrap();
    client.goto(&format!("{base}/w/demo/my")).await.unwrap();
    client
        .find(Locator::Css("form.signout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "input#email").await;
    client.goto(&format!("{base}/w/demo/my")).await.unwrap();
    wait_for(&client, "input#email").await;

    client.close().await.unwrap();
    server.stop().await;
}
