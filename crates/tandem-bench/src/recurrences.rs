//! The recurring-task benchmark of issue 14: `--recurrences N` series on
//! a fixed schedule ("weekly", each a new task), spread in turn over
//! `--recurrence-projects` projects, each made a week ago so
//! that today's occurrence (and, as every fixed schedule keeps one, the
//! next one ahead) is owed; then one pass of the job that makes them
//! (`tandem_usecases::recurrence::generate`, what every node runs each
//! minute), timed, a second pass that finds nothing owed, and the pass a
//! week on, when each series owes its one next occurrence: the job's
//! day, on a store opened anew after what the week would have run (the
//! server's statistics job). On a database seeded by an earlier run
//! (`--database`) only the day is measured again, a week after the last
//! one made, so that comparing builds costs no seeding.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use chrono::{Days, Local};
use tandem_domain::recurrence::{Landing, Mode, Reuse, Rule, Series};
use tandem_domain::*;
use tandem_store::Store;

pub async fn run(
    store: Arc<dyn Store>,
    database: &str,
    count: usize,
    projects: usize,
) -> Result<()> {
    let today = Local::now().date_naive();
    let person0 = Email::parse("person0@bench.example").map_err(anyhow::Error::msg)?;
    if store.user_by_email(&person0).await?.is_some() {
        let store = a_week_passes(store, database).await?;
        return again(store.as_ref(), count, today).await;
    }
    let owner = crate::bench_workspace(store.as_ref()).await?;
    let writer = || owner.writer().expect("the bench works as an owner");
    let mut keys = Vec::with_capacity(projects.max(1));
    for p in 0..projects.max(1) {
        let key = ProjectKey::parse(&format!("REC{p}")).map_err(anyhow::Error::msg)?;
        store
            .create_project(
                writer(),
                &NewProject {
                    key: key.clone(),
                    fields: ProjectFields::named(format!("Routines {p}")),
                },
            )
            .await?;
        keys.push(key);
    }
    let series = Series {
        rule: Rule::parse("weekly").map_err(anyhow::Error::msg)?,
        mode: Mode::Schedule,
        reuse: Reuse::NewTask,
        landing: Landing::AsIs,
        starts_on: today,
        except: Vec::new(),
    };
    let seeded = Instant::now();
    for i in 0..count {
        let mut fields = TaskFields::titled(format!("Routine {i}"));
        fields.due_date = Some(today - Days::new(7));
        fields.owner = Email::parse(&format!("person{}@bench.example", i % crate::PEOPLE)).ok();
        let task = NewTask {
            project: Some(keys[i % keys.len()].clone()),
            fields,
        };
        store
            .create_recurring_task(writer(), &task, &series)
            .await?;
    }
    eprintln!(
        "seeded {count} recurring tasks in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let made = tandem_usecases::recurrence::generate(store.as_ref(), today).await?;
    let first = started.elapsed();
    let started = Instant::now();
    let again = tandem_usecases::recurrence::generate(store.as_ref(), today).await?;
    let second = started.elapsed();
    // A week on, the day each series' next date comes: one occurrence
    // each, the job's work on an ordinary day.
    let store = a_week_passes(store, database).await?;
    let next_week = today + Days::new(7);
    let started = Instant::now();
    let day = tandem_usecases::recurrence::generate(store.as_ref(), next_week).await?;
    let ordinary = started.elapsed();
    println!("| pass of the job | series | occurrences made | seconds | per occurrence ms |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| first: today's and the next owed | {count} | {} | {:.2} | {:.3} |",
        made.len(),
        first.as_secs_f64(),
        first.as_secs_f64() * 1000.0 / made.len().max(1) as f64
    );
    println!(
        "| second: nothing owed | {count} | {} | {:.3} | |",
        again.len(),
        second.as_secs_f64()
    );
    println!(
        "| a week on: each series' day, one owed each | {count} | {} | {:.2} | {:.3} |",
        day.len(),
        ordinary.as_secs_f64(),
        ordinary.as_secs_f64() * 1000.0 / day.len().max(1) as f64
    );
    Ok(())
}

/// What a week between two days of the job leaves behind, on a store
/// opened anew: the server's statistics job, every ten minutes, has
/// analysed and vacuumed what the passes before changed. Its connections
/// closed first, so that the server has their last counts of rows changed
/// (a busy connection hands them over at most once a second). Run back to
/// back on the same connections, the day sometimes inherited the passes'
/// statistics still owed and analysed four tables in its first refresh,
/// a third of a second that a real day a week on never pays: the day
/// measured 0.65-0.80 s, or 0.98-1.14 s when it did.
async fn a_week_passes(store: Arc<dyn Store>, database: &str) -> Result<Arc<dyn Store>> {
    store.close().await;
    drop(store);
    let store: Arc<dyn Store> = Arc::from(tandem_store::open(database).await?);
    store
        .refresh_statistics(tandem_store::Staleness::Changed)
        .await?;
    Ok(store)
}

/// The job's day once more on a database seeded before: the series made
/// their occurrences up to some week ahead, so the first week on that
/// owes anything is the day to measure (the passes before it find
/// nothing owed, a query each).
async fn again(store: &dyn Store, count: usize, today: chrono::NaiveDate) -> Result<()> {
    for week in 1..=520 {
        let day = today + Days::new(7 * week);
        let started = Instant::now();
        let made = tandem_usecases::recurrence::generate(store, day).await?;
        let took = started.elapsed();
        if made.is_empty() {
            continue;
        }
        println!("| pass of the job | series | occurrences made | seconds | per occurrence ms |");
        println!("|---|---:|---:|---:|---:|");
        println!(
            "| {week} weeks on (seeded before): one owed each | {count} | {} | {:.2} | {:.3} |",
            made.len(),
            took.as_secs_f64(),
            took.as_secs_f64() * 1000.0 / made.len() as f64
        );
        return Ok(());
    }
    anyhow::bail!("no series of the seeded database owes anything in the next ten years")
}
