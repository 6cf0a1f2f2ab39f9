//! How the work grows with the size of a workspace: for each of
//! `--sizes` (10,000, 100,000 and 1,000,000 tasks in docs/benchmarks.md),
//! a fresh database with project BENCH of that many tasks, served on
//! loopback; once the rescheduler has caught up, the server's own time
//! (p50 of its `Server-Timing`) for the reads that used to grow with it,
//! the CPU that 50 creates leave behind, and the peak memory. Prints one
//! table, a column per size, so the growth is visible.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::json;
use tandem_store::Store;

pub struct ScaleArgs {
    pub sizes: Vec<usize>,
    pub requests: usize,
    pub seed: u64,
    /// A PostgreSQL server's URL (a database per size is made and dropped
    /// on it), or none for SQLite files.
    pub postgres: Option<String>,
}

/// One figure per row and size.
type Table = BTreeMap<(usize, &'static str), String>;

pub async fn run(args: ScaleArgs) -> Result<()> {
    let mut table = Table::new();
    let mut rows: Vec<&'static str> = Vec::new();
    for &size in &args.sizes {
        let (url, drop_after) = database(&args, size).await?;
        let store: Arc<dyn Store> = Arc::from(tandem_store::open(&url).await.context("opening")?);
        let seeded = Instant::now();
        let mut memory = Phases::start()?;
        crate::seed(store.as_ref(), size, args.seed).await?;
        eprintln!("{size}: seeded in {:.1} s", seeded.elapsed().as_secs_f64());
        memory.end("peak RSS MB (resident before): seeding")?;
        let figures = measure_size(store.clone(), size, &args, &mut memory).await?;
        for (row, figure) in figures.into_iter().chain(memory.rows) {
            if !rows.contains(&row) {
                rows.push(row);
            }
            table.insert((size, row), figure);
        }
        drop(store);
        if let Some(drop_after) = drop_after {
            drop_after.await?;
        }
    }
    let backend = if args.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    print!("| {backend}, server p50 ms |");
    for size in &args.sizes {
        print!(" {size} tasks |");
    }
    println!();
    print!("|---|");
    for _ in &args.sizes {
        print!("---:|");
    }
    println!();
    for row in rows {
        print!("| {row} |");
        for size in &args.sizes {
            print!(
                " {} |",
                table.get(&(*size, row)).map(String::as_str).unwrap_or("")
            );
        }
        println!();
    }
    Ok(())
}

type Dropper = std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>>>>;

/// A fresh database for one size, and what removes it afterwards.
async fn database(args: &ScaleArgs, size: usize) -> Result<(String, Option<Dropper>)> {
    match &args.postgres {
        None => {
            let dir =
                std::env::temp_dir().join(format!("tandem-bench-{}-{size}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite://{}", dir.join("bench.db").display());
            let dropper: Dropper = Box::pin(async move {
                std::fs::remove_dir_all(&dir)?;
                Ok(())
            });
            Ok((url, Some(dropper)))
        }
        Some(server) => {
            use sqlx::Executor;
            let name = format!("tandem_bench_{}_{size}", std::process::id());
            let admin = sqlx::PgPool::connect(server).await?;
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await?;
            // Options after the database's name (`?sslmode=disable`) are
            // kept for the new database.
            let (path, options) = server.split_once('?').unwrap_or((server, ""));
            let (base, _) = path
                .rsplit_once('/')
                .context("the PostgreSQL URL names no database")?;
            let url = match options {
                "" => format!("{base}/{name}"),
                options => format!("{base}/{name}?{options}"),
            };
            let dropper: Dropper = Box::pin(async move {
                admin
                    .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
                    .await?;
                Ok(())
            });
            Ok((url, Some(dropper)))
        }
    }
}

async fn measure_size(
    store: Arc<dyn Store>,
    size: usize,
    args: &ScaleArgs,
    memory: &mut Phases,
) -> Result<Vec<(&'static str, String)>> {
    let server = crate::Serving::start(store.clone()).await?;
    let base = server.base.clone();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let token = crate::token(&http, &base).await?;
    let cookie = crate::web::session_cookie(&http, &base).await?;
    // The first schedule of the seeded project is the rescheduler's work,
    // not the reads'.
    let first = caught_up(store.as_ref()).await?;
    eprintln!("{size}: rescheduler caught up in {first:.1} s");
    memory.end("peak RSS MB (resident before): the first whole-plan schedule")?;

    let ws = format!("{base}/api/v1/workspaces/bench");
    let n = args.requests;
    let api = |path: String| {
        let http = http.clone();
        let token = token.clone();
        move |_| http.get(path.clone()).bearer_auth(&token)
    };
    let page = |path: &str| {
        let http = http.clone();
        let cookie = cookie.clone();
        let url = format!("{base}{path}");
        move |_| http.get(url.clone()).header("cookie", &cookie)
    };
    let mut figures = Vec::new();
    let p50 = |summary: crate::Summary| format!("{:.1}", summary.server_p50);
    figures.push((
        "GET a project (API)",
        p50(crate::measure(n, api(format!("{ws}/projects/BENCH"))).await?),
    ));
    figures.push((
        "project overview page",
        p50(crate::measure(n, page("/w/bench/p/BENCH")).await?),
    ));
    figures.push((
        "projects page",
        p50(crate::measure(n, page("/w/bench/projects")).await?),
    ));
    figures.push((
        "show one task",
        p50(crate::measure(n, api(format!("{ws}/tasks/BENCH-{}", size / 2))).await?),
    ));
    figures.push(("list 100, owner and status", p50(
        crate::measure(
            n,
            api(format!(
                "{ws}/tasks?project=BENCH&status=todo,in_progress&owner=person3@bench.example&limit=100"
            )),
        )
        .await?)));
    figures.push((
        "text search, no hit",
        p50(crate::measure(n, api(format!("{ws}/tasks?q=zzyzx&limit=100"))).await?),
    ));
    figures.push((
        "tag filter",
        p50(crate::measure(n, api(format!("{ws}/tasks?tag=ops&limit=100"))).await?),
    ));
    figures.push((
        "priority filter",
        p50(crate::measure(n, api(format!("{ws}/tasks?priority=urgent&limit=100"))).await?),
    ));
    let my_work = crate::measure(n, page("/w/bench/my")).await?;
    figures.push((
        "My Work page of person0",
        format!(
            "{:.1} ({:.0} KB)",
            my_work.server_p50,
            my_work.bytes as f64 / 1024.0
        ),
    ));
    // A whole schedule grows with the project: every request up to
    // 100,000 tasks, five beyond (one takes most of a minute at 1M). Its
    // text is written while it is sent, after the server's own time
    // stops: the client's time (to the last byte) is shown beside it.
    let wholes = if size <= 100_000 { n } else { n.min(5) };
    let both = |summary: crate::Summary| format!("{:.1} ({:.1})", summary.server_p50, summary.p50);
    figures.push((
        "GET schedule (whole project), server (client)",
        both(crate::measure(wholes, api(format!("{ws}/projects/BENCH/schedule"))).await?),
    ));
    figures.push((
        "GET schedule, whole project, compact, server (client)",
        both(
            crate::measure(
                wholes,
                api(format!("{ws}/projects/BENCH/schedule?form=compact")),
            )
            .await?,
        ),
    ));
    figures.push((
        "GET schedule, compact page of 1,000, server (client)",
        both(
            crate::measure(
                n,
                api(format!(
                    "{ws}/projects/BENCH/schedule?form=compact&limit=1000&cursor={:x}",
                    size / 2
                )),
            )
            .await?,
        ),
    ));
    memory.end("peak RSS MB (resident before): the reads above, whole schedules included")?;

    // Background work a burst of writes sets off, until it is done.
    let cpu_before = cpu_seconds()?;
    let create = crate::measure(50, |i| {
        http.post(format!("{ws}/tasks"))
            .bearer_auth(&token)
            .json(&json!({"project": "BENCH", "title": format!("Scale create {i}"), "owner": "person1@bench.example"}))
    })
    .await?;
    figures.push(("create a task", p50(create)));
    let waited = caught_up(store.as_ref()).await?;
    figures.push((
        "CPU s after 50 creates, until rescheduled",
        format!("{:.2} ({waited:.1} s wall)", cpu_seconds()? - cpu_before),
    ));
    figures.push((
        "peak RSS MB (process so far)",
        format!("{:.0}", memory.overall.max(kb("VmHWM")?) / 1024.0),
    ));
    memory.end("peak RSS MB (resident before): 50 creates and their rescheduling")?;
    server.stop().await;
    Ok(figures)
}

/// Waits until the rescheduler has no event left to handle; its seconds.
pub(crate) async fn caught_up(store: &dyn Store) -> Result<f64> {
    let started = Instant::now();
    loop {
        let (backlog, _) = store
            .outbox_backlog("rescheduler", chrono::Utc::now())
            .await?;
        if backlog == 0 {
            return Ok(started.elapsed().as_secs_f64());
        }
        if started.elapsed() > Duration::from_secs(3600) {
            bail!("the rescheduler still had {backlog} events after an hour");
        }
        // A benchmark polling a counter, not a test waiting for a result.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// This process's user and system CPU time, in seconds.
fn cpu_seconds() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which may hold spaces, in its parentheses.
    let rest = stat.rsplit_once(')').context("odd /proc/self/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

/// A `/proc/self/status` figure in kB: `VmHWM` (peak resident) or `VmRSS`.
fn kb(field: &str) -> Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let prefix = format!("{field}:");
    Ok(status
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .with_context(|| format!("no {field}"))?
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()?)
}

/// The peak resident memory of each phase of a size's run: the kernel's
/// high-water mark, reset (`clear_refs`) when a phase starts, so a phase's
/// peak is what it held at most, what earlier phases left resident
/// included (shown beside it).
pub struct Phases {
    /// The highest mark of every phase so far, in kB.
    overall: f64,
    /// Resident at the start of the running phase, in kB.
    started_at: f64,
    rows: Vec<(&'static str, String)>,
}

impl Phases {
    fn start() -> Result<Self> {
        let mut phases = Self {
            overall: kb("VmHWM")?,
            started_at: 0.0,
            rows: Vec::new(),
        };
        phases.reset()?;
        Ok(phases)
    }

    fn reset(&mut self) -> Result<()> {
        std::fs::write("/proc/self/clear_refs", "5").context("resetting the peak")?;
        self.started_at = kb("VmRSS")?;
        Ok(())
    }

    /// Ends a phase: its row, its peak and what it started from, in MB.
    fn end(&mut self, row: &'static str) -> Result<()> {
        let peak = kb("VmHWM")?;
        self.overall = self.overall.max(peak);
        self.rows.push((
            row,
            format!("{:.0} ({:.0})", peak / 1024.0, self.started_at / 1024.0),
        ));
        self.reset()
    }
}
