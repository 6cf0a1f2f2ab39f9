//! The web pages as a browser sees them: Debian's headless Chromium,
//! driven over WebDriver (chromedriver), on the `--web` bench's server.
//! Per page, the browser's own navigation timing (first byte, DOM ready,
//! load event, bytes over the wire); then an inline edit in the list,
//! from the change to the saved value shown; then a change made elsewhere
//! (through the API) until the open list shows it, and what that cost
//! the page in bytes.
//!
//! It measures, it does not judge: the figures go to docs/benchmarks.md.
//! Chromium's and ChromeDriver's paths are Debian's unless
//! `TANDEM_CHROMIUM` and `TANDEM_CHROMEDRIVER` say otherwise.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::PASSWORD;

/// A chromedriver in its own process group; dropping it ends the group
/// (chromedriver and the Chromium it started) and removes the profile.
struct Driver {
    process: tokio::process::Child,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.process.id() {
            // `--` before the negative id: without it procps' kill signals
            // far more than the group.
            let _ = std::process::Command::new("kill")
                .args(["-s", "TERM", "--", &format!("-{pid}")])
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn tool(variable: &str, default: &str) -> Result<PathBuf> {
    let path = PathBuf::from(std::env::var_os(variable).unwrap_or_else(|| default.into()));
    if !path.is_file() {
        bail!(
            "--browser needs {} (apt-get install -y chromium chromium-driver, or set {variable})",
            path.display()
        );
    }
    Ok(path)
}

/// A headless Chromium at 1440×900 with a fresh profile, and the driver
/// that ends it.
async fn launch() -> Result<(Driver, Client)> {
    let chromium = tool("TANDEM_CHROMIUM", "/usr/bin/chromium")?;
    let chromedriver = tool("TANDEM_CHROMEDRIVER", "/usr/bin/chromedriver")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut process = tokio::process::Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .process_group(0)
        .spawn()
        .context("starting chromedriver")?;
    let profile =
        std::env::temp_dir().join(format!("tandem-bench-chromium-{}", std::process::id()));
    let mut lines = BufReader::new(process.stdout.take().context("chromedriver's output")?).lines();
    let driver = Driver { process, profile };
    // chromedriver says when it listens.
    while let Some(line) = lines.next_line().await? {
        if line.contains("started successfully") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1440,900",
                format!("--user-data-dir={}", driver.profile.display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .context("a WebDriver session")?;
    Ok((driver, client))
}

fn pick(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// What the browser's navigation timing says of the page just loaded:
/// first byte, DOM ready and load event (ms from the navigation's start),
/// and bytes over the wire.
async fn navigation(client: &Client) -> Result<[f64; 4]> {
    // WebDriver returns from a navigation once the load event has run,
    // but `loadEventEnd` is set only when its handlers are done.
    for _ in 0..100 {
        let timing = client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0];\
                 return n ? [n.responseStart, n.domContentLoadedEventEnd, n.loadEventEnd, n.transferSize] : null;",
                vec![],
            )
            .await?;
        if let Some(values) = timing.as_array() {
            let v: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
            if v.len() == 4 && v[2] > 0.0 {
                return Ok([v[0], v[1], v[2], v[3]]);
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bail!("the page's load event never ended")
}

pub struct BrowserArgs<'a> {
    pub base: &'a str,
    pub pages: &'a [(&'static str, String)],
    pub runs: usize,
    pub http: &'a reqwest::Client,
    pub cookie: &'a str,
}

pub async fn run(args: BrowserArgs<'_>) -> Result<()> {
    let (_driver, client) = launch().await?;
    let base = args.base;
    client.goto(&format!("{base}/signin")).await?;
    client
        .find(Locator::Css("input#email"))
        .await?
        .send_keys("person0@bench.example")
        .await?;
    client
        .find(Locator::Css("input#password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    client
        .find(Locator::Css(".signin button[type=submit]"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .for_element(Locator::Css("main#main"))
        .await
        .context("signing in")?;

    println!();
    println!(
        "| page in Chromium | first byte p50 ms | DOM ready p50 ms | load event p50 ms | load event p95 ms | transfer KB |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, path) in args.pages {
        let url = format!("{base}{path}");
        let mut first_byte = Vec::new();
        let mut ready = Vec::new();
        let mut load = Vec::new();
        let mut transfer = 0.0;
        // The first visit warms the caches, the browser's included.
        for i in 0..=args.runs {
            client.goto(&url).await?;
            let [byte, dom, loaded, bytes] = navigation(&client).await?;
            if i > 0 {
                first_byte.push(byte);
                ready.push(dom);
                load.push(loaded);
                transfer = bytes;
            }
        }
        for v in [&mut first_byte, &mut ready, &mut load] {
            v.sort_by(f64::total_cmp);
        }
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
            pick(&first_byte, 0.5),
            pick(&ready, 0.5),
            pick(&load, 0.5),
            pick(&load, 0.95),
            transfer / 1024.0
        );
    }

    // An inline edit: a row's priority cell opened, another priority
    // chosen, until the list shows it saved (the API's answer applied).
    client.goto(&format!("{base}/w/bench/p/WEB/list")).await?;
    let mut edits = Vec::new();
    for i in 0..args.runs {
        let answered = client
            .execute_async(
                r#"const [i, done] = arguments;
                const rows = document.querySelectorAll('#rows tr[data-key]');
                const row = rows[i % rows.length];
                row.querySelector('button.cell[data-field="priority"]').click();
                const control = row.querySelector('select[data-field="priority"]');
                const other = [...control.options].find((o) => o.value && o.value !== control.value);
                control.value = other.value;
                const started = performance.now();
                control.addEventListener('tandem:saved', () => done(performance.now() - started), { once: true });
                control.dispatchEvent(new Event('change', { bubbles: true }));"#,
                vec![json!(i)],
            )
            .await?;
        edits.push(answered.as_f64().context("the edit's time")?);
    }
    edits.sort_by(f64::total_cmp);
    println!();
    println!("| in Chromium, on the list's first window | p50 ms | p95 ms | max ms |");
    println!("|---|---:|---:|---:|");
    println!(
        "| inline edit (priority), change to saved value shown | {:.0} | {:.0} | {:.0} |",
        pick(&edits, 0.5),
        pick(&edits, 0.95),
        edits[edits.len() - 1]
    );

    // A change elsewhere: another task of the open window renamed through
    // the API; the list fetches that row alone and swaps it in.
    let mut heard = Vec::new();
    let mut fetched = 0.0;
    for i in 0..args.runs {
        client.goto(&format!("{base}/w/bench/p/WEB/list")).await?;
        client
            .wait()
            .for_element(Locator::Css("body[data-live='on']"))
            .await
            .context("the list's live updates")?;
        let key = client
            .execute(
                r#"const rows = document.querySelectorAll('#rows tr[data-key]');
                const row = rows[(arguments[0] * 7 + 3) % rows.length];
                window.benchSwapped = new Promise((resolve) => {
                    new MutationObserver((_, observer) => {
                        if (!row.isConnected) {
                            observer.disconnect();
                            resolve(performance.timeOrigin + performance.now());
                        }
                    }).observe(row.parentNode, { childList: true });
                });
                return row.dataset.key;"#,
                vec![json!(i)],
            )
            .await?;
        let key = key.as_str().context("a row's key")?.to_string();
        let url = format!("{base}/api/v1/workspaces/bench/tasks/{key}");
        let task: Value = args
            .http
            .get(&url)
            .header("cookie", args.cookie)
            .send()
            .await?
            .json()
            .await?;
        let sent = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64() * 1000.0;
        let answer = args
            .http
            .patch(&url)
            .header("cookie", args.cookie)
            .header("origin", base)
            .header("if-match", format!("\"{}\"", task["version"]))
            .json(&json!({"title": format!("Renamed elsewhere {i}")}))
            .send()
            .await?;
        if !answer.status().is_success() {
            bail!("renaming {key} answered {}", answer.status());
        }
        let swapped = client
            .execute_async(
                "const done = arguments[0]; window.benchSwapped.then(done);",
                vec![],
            )
            .await?;
        heard.push(swapped.as_f64().context("the swap's time")? - sent);
        let bytes = client
            .execute(
                "return performance.getEntriesByType('resource')\
                   .filter((r) => r.name.includes('only=')).map((r) => r.transferSize).pop() || 0;",
                vec![],
            )
            .await?;
        fetched = bytes.as_f64().unwrap_or(0.0);
    }
    heard.sort_by(f64::total_cmp);
    println!(
        "| a task renamed elsewhere, API write to row swapped ({:.1} KB fetched) | {:.0} | {:.0} | {:.0} |",
        fetched / 1024.0,
        pick(&heard, 0.5),
        pick(&heard, 0.95),
        heard[heard.len() - 1]
    );
    client.close().await?;
    Ok(())
}
