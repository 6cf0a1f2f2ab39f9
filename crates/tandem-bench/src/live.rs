//! `--live`: the outbox and live updates across nodes, on PostgreSQL.
//!
//! Two stores on one database are two nodes (each its own pool and its own
//! listening connection, as two `tandem serve` processes have; they share
//! this process's CPU). First the outbox alone: writers on both nodes make
//! events for `--seconds` while two consumers (one per node) claim and
//! complete their deliveries; it prints events written and handled per
//! second and the backlog left. Then two servers on loopback: a page's
//! event stream open on node 2, `--requests` task updates made one at a
//! time through node 1, and for each the time from the update's answer to
//! the stream's `change` naming that task.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tandem_domain::*;
use tandem_store::events::RESCHEDULER;
use tandem_store::{Scope, Store};

pub struct LiveArgs {
    pub requests: usize,
    pub seconds: u64,
}

pub async fn run(database: &str, args: LiveArgs) -> Result<()> {
    if !database.starts_with("postgres") {
        bail!("--live measures several nodes: give --database postgres://…");
    }
    let one: Arc<dyn Store> = Arc::from(tandem_store::open(database).await?);
    let two: Arc<dyn Store> = Arc::from(tandem_store::open(database).await?);
    let owner = crate::bench_workspace(one.as_ref()).await?;
    one.create_project(
        owner.writer().expect("the bench works as an owner"),
        &crate::bench_project("LIVE", "Live")?,
    )
    .await?;
    let mut keys = Vec::new();
    for i in 0..100 {
        let task = one
            .create_task(
                owner.writer().expect("the bench works as an owner"),
                &task(&format!("Live task {i}")),
            )
            .await?;
        keys.push(task.key);
    }
    outbox_throughput(&one, &two, owner, &keys, args.seconds).await?;
    live_latency(one, two, &keys, args.requests).await
}

fn task(title: &str) -> NewTask {
    NewTask {
        project: Some(ProjectKey::parse("LIVE").expect("a valid key")),
        fields: TaskFields::titled(title),
    }
}

async fn outbox_throughput(
    one: &Arc<dyn Store>,
    two: &Arc<dyn Store>,
    owner: Scope,
    keys: &[String],
    seconds: u64,
) -> Result<()> {
    // Deliveries the seeding left: not part of the measurement.
    drain(one.as_ref()).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let handled = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    // Four writers, two a node, each on its own tasks (no version fights).
    for w in 0..4 {
        let store = if w % 2 == 0 { one.clone() } else { two.clone() };
        let mine: Vec<String> = keys.iter().skip(w).step_by(4).cloned().collect();
        let (stop, written) = (stop.clone(), written.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let key = &mine[n % mine.len()];
                let title = format!("Live task {w}.{n}");
                let change = move |mut f: TaskFields| {
                    f.title = title.clone();
                    Ok(f)
                };
                if store
                    .update_task(
                        owner.writer().expect("the bench works as an owner"),
                        key,
                        None,
                        &change,
                    )
                    .await
                    .is_ok()
                {
                    written.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        }));
    }
    let mut consumers = Vec::new();
    for store in [one.clone(), two.clone()] {
        let (stop, handled) = (stop.clone(), handled.clone());
        consumers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let claimed = store
                    .claim_deliveries(RESCHEDULER, 500, Duration::from_secs(60))
                    .await
                    .unwrap_or_default();
                if claimed.is_empty() {
                    tokio::task::yield_now().await;
                    continue;
                }
                let ids: Vec<Id> = claimed.iter().map(|d| d.event.id).collect();
                if store.complete_deliveries(RESCHEDULER, &ids).await.is_ok() {
                    handled.fetch_add(ids.len(), Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for task in writers.into_iter().chain(consumers) {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (backlog, _) = one.outbox_backlog(RESCHEDULER, chrono::Utc::now()).await?;
    println!("| outbox, {seconds} s, 4 writers and 2 consumers on 2 nodes | events/s |");
    println!("|---|---:|");
    println!(
        "| written (task updates, one event each) | {:.0} |",
        written.load(Ordering::Relaxed) as f64 / elapsed
    );
    println!(
        "| handled (claimed and completed) | {:.0} |",
        handled.load(Ordering::Relaxed) as f64 / elapsed
    );
    println!("| backlog left at the end | {backlog} events |");
    drain(one.as_ref()).await?;
    Ok(())
}

async fn drain(store: &dyn Store) -> Result<()> {
    loop {
        let claimed = store
            .claim_deliveries(RESCHEDULER, 500, Duration::from_secs(60))
            .await?;
        if claimed.is_empty() {
            return Ok(());
        }
        let ids: Vec<Id> = claimed.iter().map(|d| d.event.id).collect();
        store.complete_deliveries(RESCHEDULER, &ids).await?;
    }
}

async fn serve(store: Arc<dyn Store>) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = tandem_server::serve(store, listener, std::future::pending()).await;
    });
    Ok(base)
}

async fn live_latency(
    one: Arc<dyn Store>,
    two: Arc<dyn Store>,
    keys: &[String],
    requests: usize,
) -> Result<()> {
    let node1 = serve(one).await?;
    let node2 = serve(two).await?;
    let http = reqwest::Client::new();
    let token = crate::token(&http, &node1).await?;
    let mut stream = http
        .get(format!("{node2}/w/bench/events"))
        .bearer_auth(&token)
        .send()
        .await?;
    if !stream.status().is_success() {
        bail!("the event stream answered {}", stream.status());
    }
    let mut heard = String::new();
    let mut latencies = Vec::with_capacity(requests);
    for i in 0..requests {
        let key = &keys[i % keys.len()];
        let response = http
            .patch(format!("{node1}/api/v1/workspaces/bench/tasks/{key}"))
            .bearer_auth(&token)
            .json(&json!({"title": format!("Heard {i}")}))
            .send()
            .await?;
        let answered = Instant::now();
        let version: Value = response.json().await?;
        version["version"].as_i64().context("no version")?;
        let wanted = format!(r#""kind":"task","action":"updated","key":"{key}""#);
        loop {
            if let Some(at) = heard.find(&wanted) {
                heard.drain(..at + wanted.len());
                break;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
                .await
                .context("no event within 10 s")??
                .context("the stream ended")?;
            heard.push_str(&String::from_utf8_lossy(&chunk));
        }
        latencies.push(answered.elapsed());
    }
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!();
    println!(
        "| live update, node 1 write → node 2 page ({requests} writes) | p50 ms | p95 ms | max ms |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| from the write's answer to the page's event | {:.1} | {:.1} | {:.1} |",
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.95).as_secs_f64() * 1e3,
        pick(1.0).as_secs_f64() * 1e3
    );
    Ok(())
}
