//! The web pages in a real browser: Debian's headless Chromium, driven over
//! WebDriver (chromedriver), against a real server on an ephemeral port
//! with the demo workspace on a fresh SQLite file. Every page visited is
//! checked with axe-core (from npm, see `axe_script`) and for form controls
//! without a label, and saved as a screenshot under `target/screenshots/`.
//!
//! Without Chromium or ChromeDriver each test passes without running and
//! the first one prints a banner saying the browser tests were skipped;
//! with `TANDEM_REQUIRE_BROWSER=1` (`.ci/run` sets it, after installing
//! `chromium` and `chromium-driver` where they are missing) their absence
//! fails the tests instead. `TANDEM_CHROMIUM` and `TANDEM_CHROMEDRIVER`
//! override the paths (Debian's by default).

mod approvals;
mod goals;
mod live;
mod repeat;
mod settings;
mod status;
mod team;
mod templates;
mod timeline;
mod webhooks;

use crate::common::Server;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Debian's paths; `TANDEM_CHROMIUM` and `TANDEM_CHROMEDRIVER` override.
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
    chromium: PathBuf,
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

/// Chromium and ChromeDriver, where they are installed. Where they are
/// not: a failure under `TANDEM_REQUIRE_BROWSER=1`, else `None` after a
/// banner saying the browser tests are skipped.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let path = |variable: &str, default: &str| {
        PathBuf::from(std::env::var_os(variable).unwrap_or_else(|| default.into()))
    };
    let chromium = path("TANDEM_CHROMIUM", CHROMIUM);
    let chromedriver = path("TANDEM_CHROMEDRIVER", CHROMEDRIVER);
    let missing: Vec<String> = [&chromium, &chromedriver]
        .into_iter()
        .filter(|tool| !tool.is_file())
        .map(|tool| tool.display().to_string())
        .collect();
    if missing.is_empty() {
        return Some((chromium, chromedriver));
    }
    let why = format!(
        "the browser tests need Chromium and ChromeDriver, and {} is missing \
         (apt-get install -y chromium chromium-driver, or point TANDEM_CHROMIUM \
         and TANDEM_CHROMEDRIVER at them)",
        missing.join(" and ")
    );
    assert!(
        std::env::var("TANDEM_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "{why}; TANDEM_REQUIRE_BROWSER=1 makes that a failure"
    );
    static BANNER: std::sync::Once = std::sync::Once::new();
    BANNER.call_once(|| {
        // Straight to the process's standard error: the test harness
        // captures `eprintln!` of a passing test, and a skip nobody sees
        // is what this banner is for.
        let rule = "=".repeat(72);
        let _ = writeln!(
            std::io::stderr(),
            "\n{rule}\nSKIPPED: every browser test (browser::*) passes without running:\n{why}.\n\
             Set TANDEM_REQUIRE_BROWSER=1 to make this a failure, as .ci/run does.\n{rule}\n"
        );
    });
    None
}

/// A chromedriver listening on an ephemeral port, or `None` where the
/// browser tests are skipped (see `browser_tools`).
async fn chromedriver() -> Option<Driver> {
    let (chromium, chromedriver) = browser_tools()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut process = tokio::process::Command::new(&chromedriver)
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
    Some(Driver {
        url: format!("http://127.0.0.1:{port}"),
        chromium,
        process,
        profiles: std::sync::Mutex::new(Vec::new()),
    })
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
            "binary": driver.chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1440,900",
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

/// axe-core's script, from npm (`.ci/run` installs it under
/// `target/axe`; `TANDEM_AXE` names another copy). Without it, under
/// `TANDEM_REQUIRE_BROWSER=1`, the browser tests fail; else they run
/// without it, as they do without a browser.
fn axe_script() -> Option<&'static str> {
    static SCRIPT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SCRIPT
        .get_or_init(|| {
            let path = std::env::var_os("TANDEM_AXE")
                .map(PathBuf::from)
                .unwrap_or_else(|| screenshots().join("../axe/node_modules/axe-core/axe.min.js"));
            match std::fs::read_to_string(&path) {
                Ok(script) => Some(script),
                Err(e) => {
                    assert!(
                        std::env::var("TANDEM_REQUIRE_BROWSER").as_deref() != Ok("1"),
                        "axe-core is missing at {} ({e}): npm install --prefix target/axe axe-core",
                        path.display()
                    );
                    None
                }
            }
        })
        .as_deref()
}

/// What axe-core finds wrong on the page: each violated rule with the
/// first places it fails.
async fn axe_violations(client: &Client) -> Vec<String> {
    let Some(script) = axe_script() else {
        return Vec::new();
    };
    client
        .execute(&format!("{script}\n;return true;"), vec![])
        .await
        .unwrap();
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v =>
               v.id + ': ' + v.help + ' (' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')')));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Saves a screenshot of the page and checks it as a screen reader's user
/// needs: axe-core finds nothing wrong, and every form control has a
/// label.
async fn look(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
    let violations = axe_violations(client).await;
    assert!(
        violations.is_empty(),
        "{name}: axe-core finds {violations:#?}"
    );
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
    // The last message shown, gone from the screen by now perhaps.
    let toast = client
        .execute(
            "const t = document.getElementById('toast'); return t ? t.textContent : ''",
            vec![],
        )
        .await
        .unwrap_or_default();
    panic!(
        "{why}\nat {url} (screenshot: target/screenshots/failure.png), last message {toast}:\n{}",
        text.chars().take(1500).collect::<String>()
    );
}

/// A task as the API answers it, fetched by the page itself (its session).
async fn task_json(client: &Client, key: &str) -> Value {
    client
        .execute_async(
            "const [key, done] = arguments;
             fetch('/api/v1/workspaces/demo/tasks/' + key).then(r => r.json()).then(done)",
            vec![json!(key)],
        )
        .await
        .unwrap()
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

/// Clicks what `css` finds; found again if a live refresh replaced it
/// between finding and clicking.
async fn click(client: &Client, css: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match wait_for(client, css).await.click().await {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                    && Instant::now() < deadline => {}
            Err(e) => failed(client, &format!("clicking {css}: {e}")).await,
        }
    }
}

/// What the page's session reads from the API at `path` (under the
/// workspace).
/// Sends `body` to the API with the page's session; the answer's status
/// and body.
async fn api(client: &Client, method: &str, path: &str, body: Value) -> (u16, Value) {
    let answer = client
        .execute_async(
            "const [method, path, body, done] = arguments;
             const init = body === null ? {method} : {method, headers: {'content-type': 'application/json'}, body: JSON.stringify(body)};
             fetch('/api/v1/workspaces/demo' + path, init)
               .then(async r => done([r.status, await r.json().catch(() => null)]))",
            vec![json!(method), json!(path), body],
        )
        .await
        .unwrap();
    (answer[0].as_u64().unwrap() as u16, answer[1].clone())
}

async fn api_json(client: &Client, path: &str) -> Value {
    client
        .execute_async(
            "const [path, done] = arguments;
             fetch('/api/v1/workspaces/demo' + path).then(r => r.json()).then(done)",
            vec![json!(path)],
        )
        .await
        .unwrap()
}

/// Fails unless the page fits the window's width: nothing makes it scroll
/// sideways. Says which elements stick out, outermost first.
async fn fits_width(client: &Client, what: &str) {
    let overflow: Value = client
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    if overflow.as_i64().unwrap_or(0) > 0 {
        let outermost = client
            .execute(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')",
                vec![],
            )
            .await
            .unwrap();
        failed(
            client,
            &format!("{what} is wider than the window ({overflow} px): {outermost}"),
        )
        .await;
    }
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
