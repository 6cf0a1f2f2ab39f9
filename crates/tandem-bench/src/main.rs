//! Seeds a workspace with many tasks through the store, serves it on
//! loopback, and measures the API as a client would: latency of show, list
//! (a filtered page of 100), create and update, one request at a time; then
//! throughput of the list endpoint under 16 connections with `wrk`.
//!
//! With `--web`, it measures the web pages instead (see `web.rs`).
//!
//! This is a benchmark, not a test: it asserts nothing and prints figures
//! for `docs/benchmarks.md`. Only 127.0.0.1 is ever a target.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Days, Local};
use clap::Parser;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tandem_domain::*;
use tandem_store::{Scope, Store};

#[derive(Debug, Parser)]
struct Args {
    /// Tasks to seed in the workspace.
    #[arg(long, default_value_t = 100_000)]
    tasks: usize,
    /// Requests per latency phase.
    #[arg(long, default_value_t = 2_000)]
    requests: usize,
    /// Database URL; a fresh SQLite file under /tmp by default.
    #[arg(long)]
    database: Option<String>,
    /// How long wrk runs on the list endpoint (0 skips it).
    #[arg(long, default_value = "15s")]
    wrk_duration: String,
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Then run show, list, create and update again with this many clients
    /// at once each (comma-separated; empty skips it), `--requests`
    /// requests per phase: throughput under concurrency, as Redmine's
    /// `bench.py -c N` measures it.
    #[arg(long, value_delimiter = ',', default_value = "4,16")]
    clients: Vec<usize>,
    /// Seed of the generated data and the request mix.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Measure the web pages on one project of `--tasks` tasks (2,000 in
    /// docs/benchmarks.md), `--requests` fetches of each page.
    #[arg(long)]
    web: bool,
    /// With `--web`, only the pages whose name holds one of these
    /// (comma-separated, e.g. timeline,list).
    #[arg(long, requires = "web", value_delimiter = ',')]
    only: Vec<String>,
    /// With `--web`, then load the same pages in headless Chromium (Debian's
    /// `chromium` and `chromium-driver`): the browser's navigation timing
    /// per page (`--requests` loads each), an inline edit in the list, and
    /// a change made elsewhere until the open list shows it.
    #[arg(long, requires = "web")]
    browser: bool,
    /// Measure the outbox and live updates across two nodes (PostgreSQL
    /// only): events per second for `--seconds`, then `--requests` writes
    /// on node 1 heard by a page on node 2.
    #[arg(long)]
    live: bool,
    /// How long the outbox phase of `--live` runs, in seconds.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Measure how the work grows with the workspace: a fresh database per
    /// size (tasks, comma-separated, e.g. 10000,100000,1000000), each
    /// read `--requests` times; with `--database postgres://…` a database
    /// per size is made on that server and dropped after.
    #[arg(long, value_delimiter = ',')]
    sizes: Vec<usize>,
    /// Measure a portfolio's table and a goal tree (issue 13):
    /// `--projects` projects sharing `--tasks` tasks, one portfolio of
    /// them all, `--goals` goals served by them.
    #[arg(long)]
    portfolio: bool,
    /// With `--portfolio`, how many projects.
    #[arg(long, default_value_t = 200, requires = "portfolio")]
    projects: usize,
    /// With `--portfolio`, how many goals in the tree.
    #[arg(long, default_value_t = 500, requires = "portfolio")]
    goals: usize,
    /// Measure recurring tasks (issue 14): this many series on a fixed
    /// schedule, each owing today's occurrence, made by one pass of the
    /// job.
    #[arg(long)]
    recurrences: Option<usize>,
    /// With `--recurrences`, how many projects the series are spread
    /// over, in turn (a workspace's routines, a project a team).
    #[arg(long, default_value_t = 20, requires = "recurrences")]
    recurrence_projects: usize,
    /// Measure webhooks (issue 14): what an active webhook adds to a
    /// write, and this many deliveries sent from the outbox to a
    /// receiver on loopback.
    #[arg(long)]
    webhooks: Option<usize>,
    /// Measure automation (issue 14): this many rules on one project, and
    /// what they add to a task update and to the job's work per event.
    #[arg(long)]
    rules: Option<usize>,
    /// Measure the workspace's search (issue 15): this many tasks with
    /// half as many comments, `--requests` searches of each kind.
    #[arg(long)]
    search: Option<usize>,
    /// Measure levelling across projects (issue 16): this many active
    /// projects of `--per-project` linked tasks over `--people` people,
    /// levelled one after another.
    #[arg(long)]
    levelling: Option<usize>,
    /// With `--levelling`, tasks per project.
    #[arg(long, default_value_t = 500, requires = "levelling")]
    per_project: usize,
    /// With `--levelling`, people in the workspace (at least twenty).
    #[arg(long, default_value_t = 50, requires = "levelling")]
    people: usize,
}

/// The web pages in headless Chromium.
mod browser;
/// Levelling across many projects.
mod levelling;
/// The outbox and live updates across nodes.
mod live;
/// A portfolio of many projects.
mod portfolio;
/// Recurring tasks made by the job.
mod recurrences;
/// Automation rules decided on each write.
mod rules;
/// How the work grows with the size of the workspace.
mod scale;
/// The workspace's search over many tasks and comments.
mod search;
/// The web pages' benchmark.
mod web;
/// Webhook deliveries from the outbox.
mod webhooks;

pub(crate) const PEOPLE: usize = 20;
pub(crate) const PASSWORD: &str = "benchmark-password";

// The server binary's allocator, so that what is measured is what runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    // The scale runs make a database per size of their own.
    if !args.sizes.is_empty() {
        let postgres = args
            .database
            .clone()
            .filter(|url| url.starts_with("postgres"));
        return scale::run(scale::ScaleArgs {
            sizes: args.sizes.clone(),
            requests: args.requests,
            seed: args.seed,
            postgres,
        })
        .await;
    }
    let database = match &args.database {
        Some(url) => url.clone(),
        None => {
            let dir = std::env::temp_dir().join(format!("tandem-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            format!("sqlite://{}", dir.join("bench.db").display())
        }
    };
    if args.live {
        let live_args = live::LiveArgs {
            requests: args.requests,
            seconds: args.seconds,
        };
        return live::run(&database, live_args).await;
    }
    let store: Arc<dyn Store> = Arc::from(
        tandem_store::open(&database)
            .await
            .context("opening the database")?,
    );
    if let Some(series) = args.recurrences {
        return recurrences::run(store, &database, series, args.recurrence_projects).await;
    }
    if let Some(count) = args.rules {
        return rules::run(store, count).await;
    }
    if let Some(projects) = args.levelling {
        return levelling::run(
            store,
            levelling::LevellingArgs {
                projects,
                per_project: args.per_project,
                people: args.people.max(PEOPLE),
                seed: args.seed,
            },
        )
        .await;
    }
    if let Some(tasks) = args.search {
        return search::run(store, &database, tasks, args.requests, args.seed).await;
    }
    if let Some(count) = args.webhooks {
        return webhooks::run(store, &database, count).await;
    }
    if args.portfolio {
        let portfolio_args = portfolio::PortfolioArgs {
            projects: args.projects,
            tasks: args.tasks,
            requests: args.requests,
            goals: args.goals,
            seed: args.seed,
        };
        return portfolio::run(store, portfolio_args).await;
    }
    if args.web {
        let web_args = web::WebArgs {
            tasks: args.tasks,
            requests: args.requests,
            seed: args.seed,
            only: args.only.clone(),
            browser: args.browser,
        };
        return web::run(store, web_args).await;
    }
    let seeded = Instant::now();
    seed(store.as_ref(), args.tasks, args.seed).await?;
    eprintln!(
        "seeded {} tasks in {:.1} s ({database})",
        args.tasks,
        seeded.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server_store = store.clone();
    tokio::spawn(async move {
        let _ = tandem_server::serve(server_store, listener, std::future::pending()).await;
    });

    let http = reqwest::Client::new();
    let token = token(&http, &base).await?;
    let ws = format!("{base}/api/v1/workspaces/bench");
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let n = args.requests;

    let mut results = Vec::new();
    let show = measure(n, |_| {
        let key = format!("BENCH-{}", rng.gen_range(1..=args.tasks));
        http.get(format!("{ws}/tasks/{key}")).bearer_auth(&token)
    })
    .await?;
    results.push(("show one task", show));

    // A filtered page: open tasks of one owner, 100 at a time, from a
    // random point of the list (cursor = an id in hex).
    let list = measure(n, |_| {
        let owner = rng.gen_range(0..PEOPLE);
        let from = rng.gen_range(0..args.tasks as i64);
        http.get(format!("{ws}/tasks?project=BENCH&status=todo,in_progress&owner=person{owner}@bench.example&limit=100&cursor={from:x}")).bearer_auth(&token)
    })
    .await?;
    results.push(("list 100 (filtered)", list));

    let create = measure(n, |i| {
        http.post(format!("{ws}/tasks"))
            .bearer_auth(&token)
            .json(&json!({"project": "BENCH", "title": format!("Created by the benchmark {i}"), "owner": "person1@bench.example", "priority": "high", "due_date": "2027-01-15", "tags": ["bench"]}))
    })
    .await?;
    results.push(("create a task", create));

    let update = measure(n, |i| {
        http.patch(format!("{ws}/tasks/BENCH-{}", i + 1))
            .bearer_auth(&token)
            .json(&json!({"status": "in_progress", "percent_complete": 10}))
    })
    .await?;
    results.push(("update status", update));

    println!(
        "| operation | requests | server p50 ms | client p50 ms | client p95 ms | client p99 ms | req/s (1 client) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, r) in &results {
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} |",
            r.count, r.server_p50, r.p50, r.p95, r.p99, r.per_second
        );
    }

    if !args.clients.is_empty() {
        concurrent(&http, &ws, &token, store.as_ref(), &args).await?;
    }

    if args.wrk_duration != "0" {
        let url = format!("{ws}/tasks?project=BENCH&status=todo&limit=100");
        let output = tokio::process::Command::new("wrk")
            .args([
                "-t2",
                &format!("-c{}", args.connections),
                &format!("-d{}", args.wrk_duration),
                "--latency",
                "--timeout",
                "30s",
            ])
            .args(["-H", &format!("Authorization: Bearer {token}"), &url])
            .output()
            .await;
        match output {
            Ok(out) => println!(
                "\nwrk -t2 -c{} -d{} GET {url}\n{}",
                args.connections,
                args.wrk_duration,
                String::from_utf8_lossy(&out.stdout)
            ),
            Err(e) => eprintln!("wrk did not run ({e}); install it with apt-get install wrk"),
        }
    }
    Ok(())
}

/// Show, list, create and update with several clients at once. Creates
/// and updates name tasks the single-client phases did not touch.
async fn concurrent(
    http: &reqwest::Client,
    ws: &str,
    token: &str,
    store: &dyn Store,
    args: &Args,
) -> Result<()> {
    println!(
        "\n| operation | clients | requests | client p50 ms | client p95 ms | client p99 ms | req/s | writes per commit |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let n = args.requests;
    let tasks = args.tasks;
    let mut created = 0;
    for (round, &clients) in args.clients.iter().enumerate() {
        let seed = args.seed + round as u64;
        let show = {
            let (ws, token) = (ws.to_string(), token.to_string());
            measure_concurrent(http, clients, n, move |i| {
                let key = 1 + (splitmix(seed ^ i as u64) % tasks as u64);
                http_get(&format!("{ws}/tasks/BENCH-{key}"), &token)
            })
        }
        .await?;
        let list = {
            let (ws, token) = (ws.to_string(), token.to_string());
            measure_concurrent(http, clients, n, move |i| {
                let draw = splitmix(seed ^ i as u64);
                let owner = draw % PEOPLE as u64;
                let from = (draw >> 8) % tasks as u64;
                http_get(&format!("{ws}/tasks?project=BENCH&status=todo,in_progress&owner=person{owner}@bench.example&limit=100&cursor={from:x}"), &token)
            })
        }
        .await?;
        let before = store.commits();
        let create = {
            let (ws, token) = (ws.to_string(), token.to_string());
            measure_concurrent(http, clients, n, move |i| {
                Request::Post(
                    format!("{ws}/tasks"),
                    token.clone(),
                    json!({"project": "BENCH", "title": format!("Created by {clients} clients {i}"), "owner": "person1@bench.example", "priority": "high", "due_date": "2027-01-15", "tags": ["bench"]}),
                )
            })
        }
        .await?;
        let create_grouping = per_commit(before, store.commits());
        // Tasks the single-client update phase did not touch.
        let first = n + created + 1;
        created += n;
        let before = store.commits();
        let update = {
            let (ws, token) = (ws.to_string(), token.to_string());
            measure_concurrent(http, clients, n, move |i| {
                Request::Patch(
                    format!("{ws}/tasks/BENCH-{}", first + i),
                    token.clone(),
                    json!({"status": "in_progress", "percent_complete": 10}),
                )
            })
        }
        .await?;
        let update_grouping = per_commit(before, store.commits());
        for (name, r, grouping) in [
            ("show one task", &show, None),
            ("list 100 (filtered)", &list, None),
            ("create a task", &create, create_grouping),
            ("update status", &update, update_grouping),
        ] {
            println!(
                "| {name} | {clients} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {} |",
                r.count,
                r.p50,
                r.p95,
                r.p99,
                r.per_second,
                grouping.map_or("".to_string(), |g| format!("{g:.1}"))
            );
        }
    }
    Ok(())
}

/// Writes per commit between two readings of the store's counts.
fn per_commit(
    before: Option<tandem_store::CommitCounts>,
    after: Option<tandem_store::CommitCounts>,
) -> Option<f64> {
    let (before, after) = (before?, after?);
    let commits = after.commits.checked_sub(before.commits)?.max(1);
    Some((after.writes - before.writes) as f64 / commits as f64)
}

/// A well-mixed 64-bit number from `x`: each client draws its own keys
/// without sharing a generator.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A request a client task can build on its own.
pub(crate) enum Request {
    Get(String, String),
    Post(String, String, Value),
    Patch(String, String, Value),
}

fn http_get(url: &str, token: &str) -> Request {
    Request::Get(url.to_string(), token.to_string())
}

impl Request {
    fn build(self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        match self {
            Request::Get(url, token) => http.get(url).bearer_auth(token),
            Request::Post(url, token, body) => http.post(url).bearer_auth(token).json(&body),
            Request::Patch(url, token, body) => http.patch(url).bearer_auth(token).json(&body),
        }
    }
}

/// `n` requests from `clients` tasks at once, each on its own keep-alive
/// connection, each taking the next request number when it is free.
pub(crate) async fn measure_concurrent(
    http: &reqwest::Client,
    clients: usize,
    n: usize,
    request: impl Fn(usize) -> Request + Send + Sync + 'static,
) -> Result<Summary> {
    let request = Arc::new(request);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (http, request, next) = (http.clone(), request.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, anyhow::Error>(times);
                }
                let sent = Instant::now();
                body_of(i, request(i).build(&http).send().await?).await?;
                times.push(sent.elapsed());
            }
        }));
    }
    let mut times = Vec::with_capacity(n);
    for worker in workers {
        times.extend(worker.await??);
    }
    Ok(Summary::of(times, started.elapsed(), 0, f64::NAN))
}

pub(crate) struct Summary {
    count: usize,
    /// The last answer's body, in bytes as sent.
    bytes: usize,
    /// The server's own time (its `Server-Timing` header), p50 in ms.
    server_p50: f64,
    p50: f64,
    p95: f64,
    p99: f64,
    per_second: f64,
}

/// Sends `n` requests one after another on one keep-alive connection.
pub(crate) async fn measure(
    n: usize,
    mut request: impl FnMut(usize) -> reqwest::RequestBuilder,
) -> Result<Summary> {
    let mut times = Vec::with_capacity(n);
    let mut server_times = Vec::with_capacity(n);
    let mut bytes = 0;
    let started = Instant::now();
    for i in 0..n {
        let sent = Instant::now();
        let response = request(i).send().await?;
        if let Some(ms) = response
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("app;dur="))
            .and_then(|v| v.parse::<f64>().ok())
        {
            server_times.push(ms);
        }
        bytes = body_of(i, response).await?;
        times.push(sent.elapsed());
    }
    let total = started.elapsed();
    server_times.sort_by(f64::total_cmp);
    let server_p50 = server_times
        .get(server_times.len() / 2)
        .copied()
        .unwrap_or(f64::NAN);
    Ok(Summary::of(times, total, bytes, server_p50))
}

/// The length of request `i`'s answer, or an error naming its status. The
/// body is counted as it arrives, not kept: the benchmark's own memory is
/// the server's process's too, and a whole schedule of a million tasks is
/// hundreds of megabytes.
async fn body_of(i: usize, mut response: reqwest::Response) -> Result<usize> {
    let status = response.status();
    if !status.is_success() {
        bail!("request {i} answered {status}: {}", response.text().await?);
    }
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len();
    }
    Ok(bytes)
}

impl Summary {
    /// Percentiles and throughput of requests that took `times`, all of
    /// them in `total`.
    fn of(mut times: Vec<Duration>, total: Duration, bytes: usize, server_p50: f64) -> Summary {
        times.sort();
        let pick = |q: f64| {
            times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
        };
        Summary {
            count: times.len(),
            bytes,
            server_p50,
            p50: pick(0.50),
            p95: pick(0.95),
            p99: pick(0.99),
            per_second: times.len() as f64 / total.max(Duration::from_nanos(1)).as_secs_f64(),
        }
    }
}

/// A server of a store on a loopback port, until stopped.
pub(crate) struct Serving {
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    done: tokio::task::JoinHandle<()>,
}

impl Serving {
    pub(crate) async fn start(store: Arc<dyn Store>) -> Result<Serving> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let done = tokio::spawn(async move {
            let _ = tandem_server::serve(store, listener, async move {
                let _ = stopped.await;
            })
            .await;
        });
        Ok(Serving { base, stop, done })
    }

    /// Stops it; returns once it has.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.done.await;
    }
}

/// An API token of person0's, through the sign-in a script would use.
pub(crate) async fn token(http: &reqwest::Client, base: &str) -> Result<String> {
    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "person0@bench.example", "password": PASSWORD}))
        .send()
        .await?;
    let cookie = login.headers()["set-cookie"]
        .to_str()?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let token: Value = http
        .post(format!("{base}/api/v1/tokens"))
        .header("cookie", cookie)
        .json(&json!({"name": "bench"}))
        .send()
        .await?
        .json()
        .await?;
    Ok(token["token"].as_str().context("no token")?.to_string())
}

/// Workspace "bench": `PEOPLE` people (person0, the owner, to person19),
/// each with the password `PASSWORD`.
pub(crate) async fn bench_workspace(store: &dyn Store) -> Result<Scope> {
    let hash = tandem_server::auth::hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    let mut ids = Vec::new();
    for i in 0..PEOPLE {
        let email =
            Email::parse(&format!("person{i}@bench.example")).map_err(anyhow::Error::msg)?;
        ids.push(
            store
                .create_user(&email, &format!("Person {i}"), &hash)
                .await?
                .id,
        );
    }
    let workspace = store
        .create_workspace(
            &Slug::parse("bench").map_err(anyhow::Error::msg)?,
            "Bench",
            Some(ids[0]),
        )
        .await?;
    let owner = Scope {
        workspace_id: workspace.id,
        user_id: ids[0],
        role: Role::Owner,
    };
    for id in &ids[1..] {
        store
            .add_member(owner.admin().unwrap(), *id, Role::Member)
            .await?;
    }
    Ok(owner)
}

/// An active, ongoing project on the default working week.
pub(crate) fn bench_project(key: &str, name: &str) -> Result<NewProject> {
    Ok(NewProject {
        key: ProjectKey::parse(key).map_err(anyhow::Error::msg)?,
        fields: ProjectFields {
            name: name.into(),
            objective: None,
            scope_in: None,
            scope_out: None,
            owner: None,
            status: ProjectStatus::Active,
            stage: Stage::Execution,
            start_date: None,
            target_date: None,
            budget: None,
            ongoing: true,
            work_week: WorkWeek::default(),
            status_date: None,
            update_cadence_days: 7,
        },
    })
}

/// Workspace "bench" with a project BENCH of `tasks` tasks with varied
/// owners, statuses, priorities, due dates and tags.
pub(crate) async fn seed(store: &dyn Store, tasks: usize, seed: u64) -> Result<()> {
    let owner = bench_workspace(store).await?;
    store
        .create_project(
            owner.writer().expect("the bench works as an owner"),
            &bench_project("BENCH", "Benchmark")?,
        )
        .await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let today = Local::now().date_naive();
    let statuses = [
        TaskStatus::Backlog,
        TaskStatus::Todo,
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::InReview,
        TaskStatus::Done,
        TaskStatus::Done,
    ];
    let priorities = Priority::ALL;
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..tasks {
        let mut fields = TaskFields::titled(format!(
            "Task {i}: {} the {}",
            ["Write", "Review", "Ship", "Fix", "Plan"][i % 5],
            ["brief", "API", "page", "release", "budget"][(i / 5) % 5]
        ));
        fields.owner = Some(
            Email::parse(&format!("person{}@bench.example", rng.gen_range(0..PEOPLE)))
                .map_err(anyhow::Error::msg)?,
        );
        fields.status = statuses[rng.gen_range(0..statuses.len())];
        fields.priority = priorities[rng.gen_range(0..priorities.len())];
        fields.due_date = Some(today + Days::new(rng.gen_range(0..120)));
        fields.estimate_days = Some(rng.gen_range(1..10) as f64);
        fields.tags = vec![["web", "api", "ops", "docs"][rng.gen_range(0..4)].to_string()];
        batch.push(fields);
        if batch.len() == 10_000 || i + 1 == tasks {
            store
                .import_tasks(
                    owner.writer().expect("the bench works as an owner"),
                    "BENCH",
                    &batch,
                )
                .await?;
            batch.clear();
        }
    }
    Ok(())
}
