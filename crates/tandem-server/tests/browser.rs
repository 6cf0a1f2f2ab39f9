//! The web pages in a real browser: Debian's headless Chromium, driven over
//! WebDriver (chromedriver), against a real server on an ephemeral port
//! with the demo workspace on a fresh SQLite file. Every page visited is
//! checked for form controls without a label and saved as a screenshot
//! under `target/screenshots/`.
//!
//! `.ci/run` installs `chromium` and `chromium-driver` where they are
//! missing; without them these tests fail and say so.

mod common;

use common::Server;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a page may take to show what we wait for before the test
/// fails; a generous bound for a loaded 2-core machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(20);
const TASK_TABLE: &str = "//table[contains(@class, 'tasks')]";
const TOAST: &str = "//div[@id='toast']";

/// A chromedriver process in its own process group. Dropping it ends the
/// group (chromedriver and every Chromium it started, even when a test
/// panicked before closing its session) and removes the profiles.
struct Driver {
    url: String,
    process: tokio::process::Child,
    profiles: std::sync::Mutex<Vec<PathBuf>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.process.id() {
            // `--` before the negative group id: procps' kill without it
            // signals far more than the group (it took the test machine's
            // PostgreSQL down with it).
            let _ = std::process::Command::new("kill")
                .args(["-s", "TERM", "--", &format!("-{pid}")])
                .status();
        }
        for profile in self.profiles.lock().map(|p| p.clone()).unwrap_or_default() {
            let _ = std::fs::remove_dir_all(profile);
        }
    }
}

async fn chromedriver() -> Driver {
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut process = tokio::process::Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .process_group(0)
        .spawn()
        .expect("chromedriver starts");
    // chromedriver says when it listens; read until it does.
    let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.contains("started successfully") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Driver {
        url: format!("http://127.0.0.1:{port}"),
        process,
        profiles: std::sync::Mutex::new(Vec::new()),
    }
}

/// A fresh headless Chromium with its own profile.
async fn browser(driver: &Driver) -> Client {
    let profile = std::env::temp_dir().join(format!(
        "tandem-chromium-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    if let Ok(mut profiles) = driver.profiles.lock() {
        profiles.push(profile.clone());
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1360,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves a screenshot of the page and checks that every form control on it
/// has a label, as screen readers need.
async fn look(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
    let unlabelled = client
        .execute(
            "return [...document.querySelectorAll('input:not([type=hidden]),select,textarea,button')]
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
                .map(e => e.outerHTML.slice(0, 120))",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabelled, json!([]), "{name}: controls without a label");
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
    {
        Ok(element) => element,
        Err(e) => failed(client, &format!("waited for {css}: {e}")).await,
    }
}

/// Waits until the element `scope` (an XPath) contains `text`.
async fn wait_for_text(client: &Client, scope: &str, text: &str) {
    let xpath = format!(
        "{scope}[contains(normalize-space(.), '{}')]",
        text.replace('\'', "")
    );
    if let Err(e) = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(&xpath))
        .await
    {
        failed(client, &format!("waited for '{text}' in {scope}: {e}")).await;
    }
}

/// Fails the test with what the page showed: its address, its main text,
/// and a screenshot.
async fn failed(client: &Client, why: &str) -> ! {
    let png = client.screenshot().await.unwrap_or_default();
    std::fs::write(screenshots().join("failure.png"), png).ok();
    let url = client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    let text = match client.find(Locator::Css("main")).await {
        Ok(main) => main.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    panic!(
        "{why}\nat {url} (screenshot: target/screenshots/failure.png):\n{}",
        text.chars().take(1500).collect::<String>()
    );
}

async fn sign_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/w/demo/my")).await.unwrap();
    // Not signed in: sent to the sign-in page, which comes back here.
    wait_for(client, "input#email")
        .await
        .send_keys(email)
        .await
        .unwrap();
    client
        .find(Locator::Css("input#password"))
        .await
        .unwrap()
        .send_keys(tandem_server::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css(".signin button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "section.bucket").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/w/demo/my")
    );
}

async fn submit_form(client: &Client, fields: &[(&str, &str)], button: &str) {
    for (css, value) in fields {
        let input = client.find(Locator::Css(css)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    client
        .find(Locator::Css(button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_plans_and_works_in_the_browser() {
    let server = Server::with_demo().await;
    let driver = chromedriver().await;
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
    focused
        .send_keys("Write brief @ben #WEB due fri !high\u{E007}")
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

    // A phone's width: the same pages, narrowed.
    client.set_window_size(390, 844).await.unwrap();
    for (name, path, ready) in [
        ("18-phone-my-work", "/w/demo/my", "section.bucket"),
        ("19-phone-board", "/w/demo/p/LAUNCH/board", ".board"),
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

    // Signing out ends the session: pages send you to sign in again.
    client.set_window_size(1360, 900).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_one_browser_shows_in_another() {
    let server = Server::with_demo().await;
    let driver = chromedriver().await;
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
