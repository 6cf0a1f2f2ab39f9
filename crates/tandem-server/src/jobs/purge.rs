//! The periodic jobs, each run by whichever node claims it: the hourly
//! purge of expired sessions, abandoned imports, handled events and the
//! content no attached file names any more (in the database or the
//! bucket), and
//! the refresh of the database's planner statistics (and vacuum, where
//! autovacuum would have run) every ten minutes.

use std::sync::Arc;
use std::time::Duration;

use tandem_store::Store;

use super::Jobs;

/// A periodic job: its name (the claim's key), how often it runs, and
/// what it does.
struct Job {
    name: &'static str,
    every: Duration,
}

/// Expired sessions, abandoned imports and handled events older than a
/// week: each is refused or invisible already, but their rows would
/// otherwise stay for good.
const PURGE: Job = Job {
    name: "purge",
    every: Duration::from_secs(3600),
};

/// Tables changed much since their last analysis are analysed again, and
/// those autovacuum would vacuum are vacuumed, so query plans and reads
/// of freshly written pages never wait for autovacuum (which may be off).
const STATISTICS: Job = Job {
    name: "statistics",
    every: Duration::from_secs(600),
};

/// How often a node asks whether a job is due.
const POLL: Duration = Duration::from_secs(60);

/// Starts the periodic jobs among the node's jobs: each minute it asks
/// whether one is due, and runs it if this node claims it.
pub fn start(store: Arc<dyn Store>, jobs: &Jobs) {
    let worker = jobs.clone();
    jobs.spawn(move |mut stopping| async move {
        let mut poll = tokio::time::interval(POLL);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = poll.tick() => {}
            }
            let now = chrono::Utc::now();
            for job in [&PURGE, &STATISTICS] {
                match store.claim_job(job.name, now, job.every).await {
                    Ok(true) => {
                        let run = async {
                            if job.name == PURGE.name {
                                purge(store.as_ref(), now).await
                            } else {
                                refresh_statistics(store.as_ref()).await
                            }
                        };
                        worker.unit(job.name, run, |ok| *ok).await;
                    }
                    Ok(false) => {}
                    Err(e) => tracing::warn!(job = job.name, error = %e, "could not claim a job"),
                }
            }
        }
    });
}

/// Whether every part succeeded.
async fn purge(store: &dyn Store, now: chrono::DateTime<chrono::Utc>) -> bool {
    let mut ok = true;
    match store.purge_expired_sessions(now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(sessions = n, "purged expired sessions"),
        Err(e) => {
            ok = false;
            tracing::warn!(error = %e, "could not purge expired sessions")
        }
    }
    // An import running on another node takes minutes at most.
    match store
        .purge_abandoned_imports(now - chrono::Duration::hours(1))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(imports = n, "purged abandoned imports"),
        Err(e) => {
            ok = false;
            tracing::warn!(error = %e, "could not purge abandoned imports")
        }
    }
    // An upload is recorded within seconds of being kept; an hour leaves
    // any in flight alone.
    match store.sweep_blobs(now - chrono::Duration::hours(1)).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "swept the content of files no longer attached"),
        Err(e) => {
            ok = false;
            tracing::warn!(error = %e, "could not sweep unattached content")
        }
    }
    match store.purge_events(now - chrono::Duration::days(7)).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(events = n, "purged handled events"),
        Err(e) => {
            ok = false;
            tracing::warn!(error = %e, "could not purge events")
        }
    }
    ok
}

async fn refresh_statistics(store: &dyn Store) -> bool {
    match store
        .refresh_statistics(tandem_store::Staleness::Changed)
        .await
    {
        Ok(tables) if tables.is_empty() => true,
        Ok(tables) => {
            tracing::info!(tables = %tables.join(", "), "refreshed planner statistics");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not refresh planner statistics");
            false
        }
    }
}
