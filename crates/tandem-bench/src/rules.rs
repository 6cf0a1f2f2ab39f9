//! The automation benchmark of issue 14: `--rules N` rules on one project
//! (each waiting for a different tag, so none acts: what is measured is
//! deciding), then the same task update made 200 times: the write's
//! latency with no rule and with N (what a rule costs the request: the
//! automation delivery row), and the automation job's work for each
//! event (reading the task once, matching every rule), p50 and p95.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use tandem_domain::automation::{Action, Condition, Field, Op, RuleFields, Trigger};
use tandem_domain::*;
use tandem_server::automation::{RuleCache, on_event};
use tandem_store::Store;

const WRITES: usize = 200;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

async fn writes(store: &dyn Store, owner: tandem_store::Scope) -> Result<Vec<Duration>> {
    let mut took = Vec::with_capacity(WRITES);
    for i in 0..WRITES {
        let priority = if i % 2 == 0 {
            Priority::High
        } else {
            Priority::Low
        };
        let change = move |mut f: TaskFields| {
            f.priority = priority;
            Ok(f)
        };
        let started = Instant::now();
        store
            .update_task(
                owner.writer().expect("an owner writes"),
                "RUL-1",
                None,
                &change,
            )
            .await?;
        took.push(started.elapsed());
    }
    Ok(took)
}

pub async fn run(store: Arc<dyn Store>, count: usize) -> Result<()> {
    let owner = crate::bench_workspace(store.as_ref()).await?;
    let writer = || owner.writer().expect("the bench works as an owner");
    let key = ProjectKey::parse("RUL").map_err(anyhow::Error::msg)?;
    store
        .create_project(
            writer(),
            &NewProject {
                key: key.clone(),
                fields: ProjectFields::named("Rules"),
            },
        )
        .await?;
    store
        .create_task(
            writer(),
            &NewTask {
                project: Some(key.clone()),
                fields: TaskFields::titled("Watched"),
            },
        )
        .await?;
    let mut without = writes(store.as_ref(), owner).await?;
    for i in 0..count {
        store
            .create_rule(
                writer(),
                &RuleFields {
                    name: format!("Rule {i}"),
                    project: Some("RUL".into()),
                    enabled: true,
                    trigger: Trigger::FieldChanged {
                        field: Field::Priority,
                        to: None,
                    },
                    conditions: vec![Condition {
                        field: Field::Tag,
                        op: Op::Contains,
                        value: Some(format!("never-{i}")),
                    }],
                    actions: vec![Action::Set {
                        field: Field::Status,
                        value: "done".into(),
                    }],
                },
            )
            .await?;
    }
    let mut with = writes(store.as_ref(), owner).await?;
    // The job's part: each event of the writes above, decided against
    // every rule, the rules read once and kept (as the job keeps them).
    let cache = RuleCache::default();
    let events = store.events_after(0, 100_000).await?;
    let events: Vec<_> = events
        .into_iter()
        .filter(|e| e.kind == "task" && e.action == "updated")
        .rev()
        .take(WRITES)
        .collect();
    let today = chrono::Local::now().date_naive();
    let mut deciding = Vec::with_capacity(events.len());
    for event in &events {
        let started = Instant::now();
        let rules = cache.rules(store.as_ref(), event.workspace_id).await?;
        let ran = on_event(store.as_ref(), event, &rules, today).await?;
        deciding.push(started.elapsed());
        assert_eq!(ran, 0, "no rule's conditions hold");
    }
    println!(
        "{} rules on {}: a task update p50 {:.2} ms / p95 {:.2} ms without rules, {:.2} ms / {:.2} ms with them \
         (added p50 {:+.2} ms); the automation job decides an event against them in p50 {:.2} ms / p95 {:.2} ms",
        count,
        store.backend(),
        percentile(&mut without, 0.5),
        percentile(&mut without, 0.95),
        percentile(&mut with, 0.5),
        percentile(&mut with, 0.95),
        percentile(&mut with, 0.5) - percentile(&mut without, 0.5),
        percentile(&mut deciding, 0.5),
        percentile(&mut deciding, 0.95),
    );
    Ok(())
}
