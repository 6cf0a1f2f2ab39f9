//! The automation job: a once-only consumer of the outbox that runs the
//! rules each event sets off (`crate::automation::on_event`), woken by
//! the store's feed and sweeping every few seconds for what a node that
//! died left; and every minute, the rules the clock sets off
//! (`crate::automation::tick`) on every node, each run once by its fire
//! key.

use std::sync::Arc;
use std::time::Duration;

use tandem_store::Store;
use tokio::sync::Notify;

use super::Jobs;
use crate::automation::{RuleCache, on_event, tick};

/// Events claimed at a time.
const BATCH: usize = 100;
/// How long a claim holds before another node may take it.
const LEASE: Duration = Duration::from_secs(120);
/// How often unclaimed events are looked for without a wake-up.
const SWEEP: Duration = Duration::from_secs(5);
/// How often the clock's rules are looked at.
const EVERY: Duration = Duration::from_secs(60);

/// `webhook_wake` tells the webhook sender of what rules queued for it.
pub fn start(store: Arc<dyn Store>, jobs: &Jobs, webhook_wake: Arc<Notify>) {
    let wake = super::woken_by_feed(&store);
    let (worker, events_store, sent) = (jobs.clone(), store.clone(), webhook_wake.clone());
    jobs.spawn(move |mut stopping| async move {
        let cache = RuleCache::default();
        let mut sweep = tokio::time::interval(SWEEP);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = wake.notified() => {}
                _ = sweep.tick() => {}
            }
            while !stopping.is_set() {
                let handled = worker
                    .unit(
                        "automation",
                        batch(events_store.as_ref(), &cache),
                        Result::is_ok,
                    )
                    .await;
                match handled {
                    Ok((more, ran)) => {
                        if ran > 0 {
                            sent.notify_one();
                        }
                        if !more {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "running automation rules");
                        break;
                    }
                }
            }
        }
    });
    let worker = jobs.clone();
    jobs.spawn(move |mut stopping| async move {
        // The first tick is at once: what came due while the server was
        // down runs on start.
        let mut every = tokio::time::interval(EVERY);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = every.tick() => {}
            }
            let today = chrono::Local::now().date_naive();
            match worker
                .unit(
                    "automation_clock",
                    tick(store.as_ref(), today),
                    Result::is_ok,
                )
                .await
            {
                Ok(0) => {}
                Ok(ran) => {
                    webhook_wake.notify_one();
                    tracing::info!(runs = ran, "ran automation rules on the clock")
                }
                Err(e) => tracing::warn!(error = %e, "running automation rules on the clock"),
            }
        }
    });
}

/// Claims a batch of events and runs the rules they set off: whether
/// there may be more, and how many runs were made.
async fn batch(store: &dyn Store, cache: &RuleCache) -> tandem_store::Result<(bool, usize)> {
    let claimed = store
        .claim_deliveries(tandem_store::events::AUTOMATION, BATCH, LEASE)
        .await?;
    if claimed.is_empty() {
        return Ok((false, 0));
    }
    let mut ran = 0;
    let today = chrono::Local::now().date_naive();
    for delivery in &claimed {
        let event = &delivery.event;
        let rules = cache.rules(store, event.workspace_id).await?;
        if !rules.is_empty() {
            ran += on_event(store, event, &rules, today).await?;
        }
    }
    let handled: Vec<_> = claimed.iter().map(|d| d.event.id).collect();
    store
        .complete_deliveries(tandem_store::events::AUTOMATION, &handled)
        .await?;
    Ok((claimed.len() == BATCH, ran))
}
