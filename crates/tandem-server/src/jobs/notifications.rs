//! The notifications job: a once-only consumer of the outbox that turns
//! events into people's notifications (`crate::notices::of_event`), woken
//! by the store's feed and sweeping every few seconds for what a node that
//! died left; and every hour, on every node, the ones the clock makes
//! (`crate::notices::of_the_day`), each kept once by its reason.

use std::sync::Arc;
use std::time::Duration;

use tandem_store::Store;

use super::Jobs;
use crate::notices::{People, of_event, of_the_day};

/// Events claimed at a time.
const BATCH: usize = 200;
/// How long a claim holds before another node may take it.
const LEASE: Duration = Duration::from_secs(120);
/// How often unclaimed events are looked for without a wake-up.
const SWEEP: Duration = Duration::from_secs(5);
/// How often the clock's notifications are looked for.
const EVERY: Duration = Duration::from_secs(3600);

pub fn start(store: Arc<dyn Store>, jobs: &Jobs) {
    let wake = super::woken_by_feed(&store);
    let (worker, events_store) = (jobs.clone(), store.clone());
    jobs.spawn(move |mut stopping| async move {
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
                match worker
                    .unit("notifications", batch(events_store.as_ref()), Result::is_ok)
                    .await
                {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "making notifications");
                        break;
                    }
                }
            }
        }
    });
    let worker = jobs.clone();
    jobs.spawn(move |mut stopping| async move {
        // The first tick is at once: what came due while the server was
        // down is told on start.
        let mut every = tokio::time::interval(EVERY);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = every.tick() => {}
            }
            let today = crate::planning::server_today();
            let run = async {
                let items = of_the_day(store.as_ref(), &mut People::default(), today).await?;
                store.notify(&items).await
            };
            match worker.unit("notifications_clock", run, Result::is_ok).await {
                Ok(0) => {}
                Ok(kept) => tracing::info!(notifications = kept, "told people of work due"),
                Err(e) => tracing::warn!(error = %e, "telling people of work due"),
            }
        }
    });
}

/// Claims a batch of events and keeps the notifications they make:
/// whether there may be more.
async fn batch(store: &dyn Store) -> tandem_store::Result<bool> {
    let claimed = store
        .claim_deliveries(tandem_store::events::NOTIFICATIONS, BATCH, LEASE)
        .await?;
    if claimed.is_empty() {
        return Ok(false);
    }
    let mut people = People::default();
    let mut items = Vec::new();
    for delivery in &claimed {
        items.extend(of_event(store, &mut people, &delivery.event).await?);
    }
    store.notify(&items).await?;
    let handled: Vec<_> = claimed.iter().map(|d| d.event.id).collect();
    store
        .complete_deliveries(tandem_store::events::NOTIFICATIONS, &handled)
        .await?;
    Ok(claimed.len() == BATCH)
}
