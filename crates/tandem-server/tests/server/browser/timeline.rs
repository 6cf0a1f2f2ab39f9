//! The timeline edited with the pointer, as a planner works a Gantt
//! chart: a bar moved (its start alone, even past its due date), a bar's end dragged to change its length, a ring
//! dragged onto another bar to link them; and the names column that stays
//! in view on a phone.

use super::*;
use fantoccini::actions::{KeyAction, KeyActions};

/// Drags from the middle of what `from` finds by `dx` pixels, or onto
/// the middle of what `to` finds; found again if a live refresh replaced
/// them between finding and dragging.
async fn drag(client: &Client, from: &str, to: Result<&str, f64>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let start = wait_for(client, from).await;
        let mut actions = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: start,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: fantoccini::actions::MOUSE_BUTTON_LEFT,
            });
        actions = match to {
            Ok(css) => actions.then(PointerAction::MoveToElement {
                element: wait_for(client, css).await,
                duration: Some(Duration::from_millis(200)),
                x: 0.0,
                y: 0.0,
            }),
            Err(dx) => actions.then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(200)),
                x: dx,
                y: 0.0,
            }),
        };
        let actions = actions.then(PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
        let done = client.perform_actions(actions).await;
        client.release_actions().await.unwrap();
        match done {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                    && Instant::now() < deadline => {}
            Err(e) => failed(client, &format!("dragging {from}: {e}")).await,
        }
    }
}

/// Presses `key` `times` on a task's bar, quickly. (WebDriver types only
/// into HTML elements: the bar is focused by script, the keys pressed on
/// the keyboard.)
async fn press_on_bar(client: &Client, task: &str, key: char, times: usize) {
    client
        .execute(
            &format!("document.querySelector('g.bar[data-key={task}]').focus()"),
            vec![],
        )
        .await
        .unwrap();
    let mut keys = KeyActions::new("keyboard".into());
    for _ in 0..times {
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    client.perform_actions(keys).await.unwrap();
    client.release_actions().await.unwrap();
}

#[tokio::test]
async fn bars_are_moved_resized_and_linked_with_the_pointer() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    // A plan that starts on a Monday: two tasks side by side, one with a
    // due date (and scheduled by the plan, so its due date is a
    // commitment, not its finish); and a dated one, kept where it was put.
    let (status, body) = api(
        &client,
        "POST",
        "/projects",
        json!({"key": "TL", "name": "Timeline", "start_date": "2027-01-04"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for (title, estimate, due, scheduling) in [
        ("Survey", 2.0, Some("2027-01-15"), "scheduled"),
        ("Report", 3.0, None, "auto"),
        ("Party", 1.0, Some("2027-01-08"), "auto"),
    ] {
        let (status, body) = api(
            &client,
            "POST",
            "/tasks",
            json!({"project": "TL", "title": title, "estimate_days": estimate, "due_date": due, "scheduling": scheduling}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    client
        .goto(&format!("{base}/w/demo/p/TL/timeline"))
        .await
        .unwrap();
    wait_for(&client, "g.bar[data-key=TL-1][data-start='2027-01-04']").await;
    wait_for(
        &client,
        "g.bar[data-key=TL-3][data-start='2027-01-08'][data-scheduling=dated]",
    )
    .await;
    look(&client, "timeline-edit").await;

    // The dated task moved a week on: its dates move together.
    drag(&client, "g.bar[data-key=TL-3] rect", Err(70.0)).await;
    wait_for_text(&client, TOAST, "TL-3 now runs Fri 15 Jan to Fri 15 Jan").await;
    wait_for(&client, "g.bar[data-key=TL-3][data-start='2027-01-15']").await;
    let party = task_json(&client, "TL-3").await;
    assert_eq!(party["due_date"], "2027-01-15", "{party}");
    assert_eq!(party["start_date"], Value::Null, "{party}");

    // Moved a week later (70 px at 10 px a day): the start moves, the due
    // date stays where it was.
    drag(&client, "g.bar[data-key=TL-1] rect", Err(70.0)).await;
    wait_for_text(&client, TOAST, "TL-1 now starts no earlier than Mon 11 Jan").await;
    wait_for(&client, "g.bar[data-key=TL-1][data-start='2027-01-11']").await;
    let survey = task_json(&client, "TL-1").await;
    assert_eq!(survey["start_date"], "2027-01-11", "{survey}");
    assert_eq!(survey["due_date"], "2027-01-15", "{survey}");

    // Its end dragged two days on (Wednesday to Friday): two working
    // days longer.
    drag(&client, "g.bar[data-key=TL-2] rect.grip", Err(20.0)).await;
    wait_for_text(&client, TOAST, "TL-2 now lasts 5 working days").await;
    wait_for(&client, "g.bar[data-key=TL-2][data-estimate='5']").await;
    assert_eq!(task_json(&client, "TL-2").await["estimate_days"], 5.0);
    // Shift+← takes a working day off again.
    // (WebDriver types only into HTML elements: the bar is focused by
    // script, the keys pressed on the keyboard.)
    client
        .execute(
            "document.querySelector('g.bar[data-key=TL-2]').focus()",
            vec![],
        )
        .await
        .unwrap();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: '\u{E008}' })
        .then(KeyAction::Down { value: '\u{E012}' })
        .then(KeyAction::Up { value: '\u{E012}' })
        .then(KeyAction::Up { value: '\u{E008}' });
    client.perform_actions(keys).await.unwrap();
    client.release_actions().await.unwrap();
    wait_for(&client, "g.bar[data-key=TL-2][data-estimate='4']").await;

    // The ring past TL-1's end dropped on TL-2: TL-2 waits for TL-1.
    drag(
        &client,
        "g.bar[data-key=TL-1] circle.link",
        Ok("g.bar[data-key=TL-2] rect"),
    )
    .await;
    wait_for_text(&client, TOAST, "TL-2 now waits for TL-1 to finish").await;
    wait_for(&client, "path.dep").await;
    let (status, links) = api(&client, "GET", "/tasks/TL-2/dependencies", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(links[0]["predecessor"]["key"], "TL-1", "{links}");
    // TL-1 ends on Tuesday 12 January, so TL-2 starts the day after.
    wait_for(&client, "g.bar[data-key=TL-2][data-start='2027-01-13']").await;

    // A late task still moves: past its due date the start moves alone,
    // the due date stays the commitment it was, and its flag turns red.
    drag(&client, "g.bar[data-key=TL-1] rect", Err(100.0)).await;
    wait_for_text(
        &client,
        TOAST,
        "TL-1 now starts no earlier than Thu 21 Jan, after its due date Fri 15 Jan",
    )
    .await;
    let survey = task_json(&client, "TL-1").await;
    assert_eq!(survey["start_date"], "2027-01-21", "{survey}");
    assert_eq!(survey["due_date"], "2027-01-15", "{survey}");
    wait_for(&client, "g.bar[data-key=TL-1][data-start='2027-01-21']").await;
    wait_for(&client, "g.due.late").await;
    // And again, from where it is now late.
    drag(&client, "g.bar[data-key=TL-1] rect", Err(10.0)).await;
    wait_for(&client, "g.bar[data-key=TL-1][data-start='2027-01-22']").await;
    let before = task_json(&client, "TL-1").await;
    assert_eq!(before["due_date"], "2027-01-15");
    // Three quick presses of → are one move of three days, one save:
    // from Friday the 22nd, Monday the 25th.
    press_on_bar(&client, "TL-1", '\u{E014}', 3).await;
    wait_for(&client, "g.bar[data-key=TL-1][data-start='2027-01-25']").await;
    let after = task_json(&client, "TL-1").await;
    assert_eq!(after["start_date"], "2027-01-25", "{after}");
    assert_eq!(
        after["version"].as_i64(),
        before["version"].as_i64().map(|v| v + 1)
    );
    // A move that ends on a weekend starts on the working day it was
    // heading for: one day back from Monday is Friday.
    press_on_bar(&client, "TL-1", '\u{E012}', 1).await;
    wait_for(&client, "g.bar[data-key=TL-1][data-start='2027-01-22']").await;
    assert_eq!(task_json(&client, "TL-1").await["start_date"], "2027-01-22");

    // On a phone the names stay at the left while the bars scroll.
    client.set_window_size(390, 844).await.unwrap();
    client.refresh().await.unwrap();
    wait_for(&client, "svg.gantt-names").await;
    let place: Value = client
        .execute(
            "const wrap = document.querySelector('.gantt-wrap');
             wrap.scrollLeft = 400;
             const names = wrap.querySelector('svg.gantt-names').getBoundingClientRect();
             return [wrap.scrollLeft, names.left - wrap.getBoundingClientRect().left, names.width, document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert!(place[0].as_f64().unwrap() > 0.0, "the bars scroll: {place}");
    assert!(
        place[1].as_f64().unwrap().abs() <= 1.0,
        "the names stay: {place}"
    );
    assert!(
        place[2].as_f64().unwrap() < 200.0,
        "and are narrow: {place}"
    );
    assert!(
        place[3].as_f64().unwrap() <= 390.0,
        "no page overflow: {place}"
    );
    look(&client, "timeline-phone").await;
    client.close().await.unwrap();
    server.stop().await;
}
