//! The web pages' benchmark: a project of 2,000 tasks (phases, milestones,
//! a dependency network, risks, twenty people), served on loopback, each
//! page fetched as a browser fetches it (session cookie, gzip accepted).
//! Prints, per page, the server's own time (its `Server-Timing`), the
//! client's time, and the bytes over the wire compressed and not; with
//! `--browser`, the same pages in Chromium after (`browser.rs`).

use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{Days, Local};
use rand::{Rng, SeedableRng};
use tandem_domain::*;
use tandem_store::Store;

use crate::{PASSWORD, PEOPLE};

pub struct WebArgs {
    pub tasks: usize,
    pub requests: usize,
    pub seed: u64,
    /// Only the pages whose name holds one of these (any case); all if
    /// none.
    pub only: Vec<String>,
    /// Then load the same pages in headless Chromium (see `browser.rs`).
    pub browser: bool,
}

pub async fn run(store: std::sync::Arc<dyn Store>, args: WebArgs) -> Result<()> {
    let seeded = Instant::now();
    seed(store.as_ref(), args.tasks, args.seed).await?;
    eprintln!(
        "seeded a project of {} tasks in {:.1} s",
        args.tasks,
        seeded.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = tandem_server::serve(store, listener, std::future::pending()).await;
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = session_cookie(&http, &base).await?;
    settle(&http, &base, &cookie).await?;
    let mid = args.tasks / 2;
    let pages = [
        ("My Work (person0's open tasks)", "/w/bench/my".to_string()),
        ("Projects", "/w/bench/projects".to_string()),
        ("Project overview", "/w/bench/p/WEB".to_string()),
        ("List, all tasks", "/w/bench/p/WEB/list".to_string()),
        (
            "List, grouped by phase, by due date",
            "/w/bench/p/WEB/list?group=phase&sort=due".to_string(),
        ),
        ("Board", "/w/bench/p/WEB/board".to_string()),
        (
            "Timeline (week zoom)",
            "/w/bench/p/WEB/timeline".to_string(),
        ),
        (
            "Timeline (day zoom)",
            "/w/bench/p/WEB/timeline?zoom=day".to_string(),
        ),
        ("Task page", format!("/w/bench/t/WEB-{mid}")),
        ("Workload (project)", "/w/bench/p/WEB/workload".to_string()),
        ("Workload (workspace)", "/w/bench/workload".to_string()),
        ("Risks", "/w/bench/p/WEB/risks".to_string()),
        (
            "List, filtered (to do, by due date)",
            "/w/bench/p/WEB/list?status=todo&sort=due".to_string(),
        ),
        ("Plan (baselines)", "/w/bench/p/WEB/plan".to_string()),
        ("Plan lint", "/w/bench/p/WEB/lint".to_string()),
        (
            "Plan lint (API)",
            "/api/v1/workspaces/bench/projects/WEB/lint".to_string(),
        ),
        ("Project settings", "/w/bench/p/WEB/settings".to_string()),
        ("Workspace settings", "/w/bench/settings".to_string()),
        (
            "Search (\"task 1\")",
            "/w/bench/search?q=task+1".to_string(),
        ),
    ];
    println!("| page | server p50 ms | server p95 ms | client p50 ms | gzip KB | raw KB |");
    println!("|---|---:|---:|---:|---:|---:|");
    let wanted = |name: &str| {
        args.only.is_empty()
            || args
                .only
                .iter()
                .any(|only| name.to_lowercase().contains(&only.to_lowercase()))
    };
    let pages: Vec<_> = pages.into_iter().filter(|(name, _)| wanted(name)).collect();
    for (name, path) in &pages {
        measure(&http, &base, &cookie, name, path, args.requests).await?;
    }
    if wanted("scenario") {
        scenarios(&http, &base, &cookie, mid, args.requests).await?;
    }
    if args.browser {
        crate::browser::run(crate::browser::BrowserArgs {
            base: &base,
            pages: &pages,
            runs: args.requests,
            http: &http,
            cookie: &cookie,
        })
        .await?;
    }
    Ok(())
}

/// Fetches `path` as a browser does, `requests` times after three that
/// warm the caches, and prints its row: the server's time (its
/// `Server-Timing`) p50 and p95, the client's p50, and the bytes gzipped
/// and not.
pub(crate) async fn measure(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    name: &str,
    path: &str,
    requests: usize,
) -> Result<()> {
    let url = format!("{base}{path}");
    let raw = http.get(&url).header("cookie", cookie).send().await?;
    if !raw.status().is_success() {
        bail!("{path} answered {}", raw.status());
    }
    let raw_bytes = raw.bytes().await?.len();
    let mut server = Vec::with_capacity(requests);
    let mut client = Vec::with_capacity(requests);
    let mut gzip_bytes = 0;
    for i in 0..requests + 3 {
        let sent = Instant::now();
        let response = http
            .get(&url)
            .header("cookie", cookie)
            .header("accept-encoding", "gzip")
            .send()
            .await?;
        let timing = response
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("app;dur="))
            .and_then(|v| v.parse::<f64>().ok());
        let body = response.bytes().await?;
        // The first three warm the caches and the connection.
        if i >= 3 {
            server.extend(timing);
            client.push(sent.elapsed().as_secs_f64() * 1000.0);
            gzip_bytes = body.len();
        }
    }
    server.sort_by(f64::total_cmp);
    client.sort_by(f64::total_cmp);
    let pick = |v: &[f64], q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    println!(
        "| {name} | {:.1} | {:.1} | {:.1} | {:.0} | {:.0} |",
        pick(&server, 0.5),
        pick(&server, 0.95),
        pick(&client, 0.5),
        gzip_bytes as f64 / 1024.0,
        raw_bytes as f64 / 1024.0
    );
    Ok(())
}

/// What-if scenarios of WEB (issue 16): one created (the API's POST,
/// each a new name), and one rescheduled after an edit (a task's estimate
/// changed in the scenario, then the scenario compared with the plan,
/// which schedules the plan with the change laid over it: the compare's
/// time is the row's). Server times from `Server-Timing`.
async fn scenarios(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    mid: usize,
    requests: usize,
) -> Result<()> {
    let api = format!("{base}/api/v1/workspaces/bench/projects/WEB/scenarios");
    let timing = |response: &reqwest::Response| {
        response
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("app;dur="))
            .and_then(|v| v.parse::<f64>().ok())
    };
    let row = |name: &str, mut server: Vec<f64>, mut client: Vec<f64>| {
        server.sort_by(f64::total_cmp);
        client.sort_by(f64::total_cmp);
        let pick = |v: &[f64], q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | | |",
            pick(&server, 0.5),
            pick(&server, 0.95),
            pick(&client, 0.5)
        );
    };
    let (mut server, mut client) = (Vec::new(), Vec::new());
    for i in 0..requests + 3 {
        let sent = Instant::now();
        let response = http
            .post(&api)
            .header("cookie", cookie)
            .json(&serde_json::json!({ "name": format!("bench {i}") }))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("creating a scenario answered {}", response.status());
        }
        if i >= 3 {
            server.extend(timing(&response));
            client.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
    }
    row("Scenario created (API)", server, client);
    let (mut server, mut client) = (Vec::new(), Vec::new());
    for i in 0..requests + 3 {
        let edited = http
            .patch(format!("{api}/bench%200/tasks/WEB-{mid}"))
            .header("cookie", cookie)
            .json(&serde_json::json!({ "estimate_days": 2 + i % 7 }))
            .send()
            .await?;
        if !edited.status().is_success() {
            bail!("editing in a scenario answered {}", edited.status());
        }
        let sent = Instant::now();
        let response = http
            .get(format!("{api}/bench%200"))
            .header("cookie", cookie)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("comparing a scenario answered {}", response.status());
        }
        let t = timing(&response);
        response.bytes().await?;
        if i >= 3 {
            server.extend(t);
            client.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
    }
    row(
        "Scenario rescheduled after an edit (API compare)",
        server,
        client,
    );
    Ok(())
}

/// Waits until the seed's background work is over: the rescheduler
/// recomputes the plan after the seed's writes, a few seconds of CPU on
/// this 2-core machine that would otherwise be measured as the pages'
/// (the timeline read 56 ms in its wake, 30 ms once it was done). Over
/// when the stored schedule's `computed_at` holds for two seconds.
async fn settle(http: &reqwest::Client, base: &str, cookie: &str) -> Result<()> {
    let url = format!("{base}/api/v1/workspaces/bench/projects/WEB/schedule?limit=1&form=compact");
    let started = Instant::now();
    let (mut last, mut same) = (String::new(), 0);
    while same < 4 && started.elapsed() < std::time::Duration::from_secs(120) {
        let view: serde_json::Value = http
            .get(&url)
            .header("cookie", cookie)
            .send()
            .await?
            .json()
            .await?;
        let computed = view["computed_at"].to_string();
        same = if computed == last { same + 1 } else { 0 };
        last = computed;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    eprintln!(
        "background settled after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A session cookie of person0's, through the sign-in form.
pub(crate) async fn session_cookie(http: &reqwest::Client, base: &str) -> Result<String> {
    let signin = http
        .post(format!("{base}/signin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email=person0%40bench.example&password={PASSWORD}&next=%2F"
        ))
        .send()
        .await?;
    Ok(signin
        .headers()
        .get("set-cookie")
        .context("signing in set no cookie")?
        .to_str()?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Workspace "bench": twenty people; project WEB with eight phases, six
/// milestones, `tasks` tasks linked into a
/// network (most tasks wait for one or two of the twenty before them),
/// and twenty risks.
async fn seed(store: &dyn Store, tasks: usize, seed: u64) -> Result<()> {
    let owner = crate::bench_workspace(store).await?;
    let today = Local::now().date_naive();
    let project = store
        .create_project(
            owner.writer().expect("the bench works as an owner"),
            &NewProject {
                key: ProjectKey::parse("WEB").map_err(anyhow::Error::msg)?,
                fields: ProjectFields {
                    name: "Website rebuild".into(),
                    objective: Some("A new site, measured".into()),
                    scope_in: Some("Every page".into()),
                    scope_out: None,
                    owner: Email::parse("person0@bench.example").ok(),
                    status: ProjectStatus::Active,
                    stage: Stage::Execution,
                    start_date: Some(today - Days::new(30)),
                    target_date: Some(today + Days::new(200)),
                    budget: None,
                    ongoing: false,
                    work_week: WorkWeek::default(),
                    status_date: None,
                    update_cadence_days: 7,
                },
            },
        )
        .await?;
    let mut phases = Vec::new();
    for (i, name) in [
        "Discovery",
        "Design",
        "Content",
        "Build",
        "Integrations",
        "Testing",
        "Launch",
        "Follow-up",
    ]
    .iter()
    .enumerate()
    {
        let fields = PhaseFields {
            name: name.to_string(),
            position: i as i64,
            start_date: None,
            end_date: None,
        };
        phases.push(
            store
                .create_phase(
                    owner.writer().expect("the bench works as an owner"),
                    project.id,
                    &fields,
                )
                .await?
                .id,
        );
    }
    for (i, name) in [
        "Scope signed",
        "Designs approved",
        "Content frozen",
        "Feature complete",
        "Go / no-go",
        "Launch",
    ]
    .iter()
    .enumerate()
    {
        let fields = MilestoneFields {
            name: name.to_string(),
            date: Some(today + Days::new(30 * i as u64 + 10)),
            description: None,
            phase_id: Some(phases[i.min(phases.len() - 1)]),
            reached: None,
        };
        store
            .create_milestone(
                owner.writer().expect("the bench works as an owner"),
                project.id,
                &fields,
            )
            .await?;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let statuses = [
        TaskStatus::Backlog,
        TaskStatus::Todo,
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::InReview,
        TaskStatus::Done,
        TaskStatus::Blocked,
    ];
    let mut batch = Vec::with_capacity(tasks);
    for i in 0..tasks {
        let mut fields = TaskFields::titled(format!(
            "{} the {} for section {}",
            ["Write", "Review", "Design", "Build", "Test", "Plan"][i % 6],
            [
                "brief",
                "page",
                "component",
                "copy",
                "integration",
                "checklist"
            ][(i / 6) % 6],
            i / 36 + 1
        ));
        fields.owner =
            Email::parse(&format!("person{}@bench.example", rng.gen_range(0..PEOPLE))).ok();
        fields.status = statuses[rng.gen_range(0..statuses.len())];
        fields.priority = Priority::ALL[rng.gen_range(0..Priority::ALL.len())];
        fields.due_date = Some(today + Days::new(rng.gen_range(0..180)));
        fields.estimate_days = Some(rng.gen_range(1..8) as f64);
        fields.effort_hours = Some(rng.gen_range(2..40) as f64);
        fields.percent_complete = if fields.status == TaskStatus::InProgress {
            40
        } else {
            0
        };
        fields.phase_id = Some(phases[i * phases.len() / tasks]);
        fields.tags = vec![["web", "api", "ops", "docs"][rng.gen_range(0..4)].to_string()];
        batch.push(fields);
    }
    let keys = store
        .import_tasks(
            owner.writer().expect("the bench works as an owner"),
            "WEB",
            &batch,
        )
        .await?;
    for (i, key) in keys.iter().enumerate().skip(1) {
        for _ in 0..rng.gen_range(1..=2) {
            let before = &keys[i.saturating_sub(rng.gen_range(1..=20.min(i)))];
            let link = NewDependency {
                predecessor: before.clone(),
                successor: key.clone(),
                kind: DependencyKind::Fs,
                lag_days: 0.0,
                lag_format: LagFormat::WorkingDays,
            };
            match store
                .create_dependency(owner.writer().expect("the bench works as an owner"), &link)
                .await
            {
                Ok(_) => {}
                // The same pair drawn twice.
                Err(tandem_store::StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    for i in 0..20 {
        let fields = RiskFields {
            title: format!("Risk {i}: a supplier is late"),
            description: None,
            probability: rng.gen_range(1..=5),
            impact: rng.gen_range(1..=5),
            owner: Email::parse("person1@bench.example").ok(),
            mitigation: Some("Weekly check-in".into()),
            status: RiskStatus::Open,
            task_keys: Vec::new(),
            milestone_ids: Vec::new(),
        };
        store
            .create_risk(
                owner.writer().expect("the bench works as an owner"),
                project.id,
                &fields,
            )
            .await?;
    }
    Ok(())
}
