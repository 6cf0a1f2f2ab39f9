//! The occurrences recurring tasks on a fixed schedule owe: made when the
//! server starts (what came due while it was down) and every minute
//! after. Every node runs it without a claim: the store takes each date
//! once (`occurrences`' primary key), so two nodes at once make one
//! occurrence, and the query that finds work reads an index.

use std::sync::Arc;
use std::time::Duration;

use tandem_store::Store;

use super::Jobs;

/// How often a node looks for occurrences owed.
const EVERY: Duration = Duration::from_secs(60);

pub fn start(store: Arc<dyn Store>, jobs: &Jobs) {
    let worker = jobs.clone();
    jobs.spawn(move |mut stopping| async move {
        // The first tick is at once: the catch-up after a restart.
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = tick.tick() => {}
            }
            let today = chrono::Local::now().date_naive();
            let made = worker
                .unit(
                    "recurrences",
                    tandem_usecases::recurrence::generate(store.as_ref(), today),
                    Result::is_ok,
                )
                .await;
            match made {
                Ok(keys) if keys.is_empty() => {}
                Ok(keys) => {
                    tracing::info!(tasks = keys.len(), "made occurrences of recurring tasks")
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not make occurrences of recurring tasks")
                }
            }
        }
    });
}
