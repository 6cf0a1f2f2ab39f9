//! The rescheduler: the outbox's consumer that recomputes projects'
//! stored schedules after the writes that change their plans.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use tandem_domain::{Id, Role};
use tandem_store::{Scope, Store};
use tokio::sync::Notify;

use super::Jobs;
use crate::error::ApiError;
use crate::planning::current_schedule;

/// How long a node holds claimed deliveries before another may take them:
/// far longer than rescheduling the largest project takes (seconds).
const LEASE: Duration = Duration::from_secs(120);

/// Events claimed at once: one batch's projects are rescheduled once each.
const BATCH: usize = 500;

/// How often a consumer looks for work nobody told it of: deliveries whose
/// lease ran out (their node died) or that it missed while the feed was
/// reconnecting.
const SWEEP: Duration = Duration::from_secs(5);

/// After each run the rescheduler rests this many times as long as the
/// run took, so rescheduling takes at most a quarter of one core however
/// fast writes come: a burst of writes to a big plan is served by a few
/// runs, not one per write. The price is freshness: the stored schedule
/// (the overview's finish date, live pages) lags the plan by up to five
/// runs' time. A read of the schedule itself never waits for it: when its
/// plan stamp is stale the request computes (`planning::current_schedule`).
const REST: u32 = 3;

/// The longest rest, whatever the last run cost.
const MAX_REST: Duration = Duration::from_secs(60);

/// Starts the rescheduler on the current tokio runtime: it recomputes
/// projects' stored schedules after the writes that change their plans.
/// Writes reach it through the outbox (their events wake it); a burst of
/// writes to one project is served by one run.
pub fn start(store: Arc<dyn Store>, jobs: &Jobs) {
    let wake = Arc::new(Notify::new());
    let waker = wake.clone();
    let mut feed = store.event_feed();
    // The feed wakes the consumer on every node; the claims decide which
    // does the work.
    tokio::spawn(async move {
        loop {
            match feed.recv().await {
                Ok(event)
                    if event.is_resync()
                        || tandem_store::events::reschedules(
                            &event.kind,
                            &event.action,
                            event.project_id,
                        ) =>
                {
                    waker.notify_one()
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => waker.notify_one(),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    let worker = jobs.clone();
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
            // A batch is a unit: at shutdown the one under way finishes;
            // what is left stays in the outbox for the next start.
            let working = std::time::Instant::now();
            while !stopping.is_set() {
                let batch = worker.unit(
                    "rescheduler",
                    reschedule_batch(store.as_ref()),
                    Result::is_ok,
                );
                match batch.await {
                    Ok(true) => continue,
                    Ok(false) | Err(_) => break,
                }
            }
            match store
                .outbox_backlog(tandem_store::events::RESCHEDULER, chrono::Utc::now())
                .await
            {
                Ok((_, oldest)) => worker.metrics().set_outbox_lag(oldest.unwrap_or_default()),
                Err(e) => tracing::warn!(error = %e, "reading the outbox's backlog"),
            }
            // Writes that arrive meanwhile wait for the next run, which
            // serves them all at once (see `REST`).
            let rest = (working.elapsed() * REST).min(MAX_REST);
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                () = tokio::time::sleep(rest) => {}
            }
        }
    });
}

/// Claims a batch of the rescheduler's deliveries and reschedules each
/// project named in it once. `Ok(true)` when there may be more.
async fn reschedule_batch(store: &dyn Store) -> tandem_store::Result<bool> {
    let claimed = store
        .claim_deliveries(tandem_store::events::RESCHEDULER, BATCH, LEASE)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "claiming the rescheduler's events"))?;
    if claimed.is_empty() {
        return Ok(false);
    }
    let full = claimed.len() == BATCH;
    // (workspace, project, key) of every project to recompute.
    let mut projects: BTreeSet<(Id, Id, String)> = claimed
        .iter()
        .filter_map(|d| {
            Some((
                d.event.workspace_id,
                d.event.project_id?,
                d.project_key.clone()?,
            ))
        })
        .collect();
    // A member's availability changed: every project of the workspace.
    let workspaces: BTreeSet<Id> = claimed
        .iter()
        .filter(|d| d.event.project_id.is_none())
        .map(|d| d.event.workspace_id)
        .collect();
    for workspace_id in &workspaces {
        for (id, key) in store.project_keys(acting_as(*workspace_id)).await? {
            projects.insert((*workspace_id, id, key));
        }
    }
    let mut handled: Vec<Id> = claimed
        .iter()
        .filter(|d| d.event.project_id.is_none())
        .map(|d| d.event.id)
        .collect();
    for (workspace_id, project_id, key) in &projects {
        // Read before the plan: every event up to here is in the plan the
        // run reads, so their deliveries, claimed or still waiting, are
        // served by this one run. (On PostgreSQL an event below this id
        // may commit after the read; its delivery goes too, and the
        // stored schedule is then stale until the next read of it, which
        // recomputes on the fingerprint.)
        let horizon = store.last_event_id().await?;
        let scope = acting_as(*workspace_id);
        // Tasks only added since the stored schedule: theirs are the only
        // rows to compute. Anything else, or any doubt, schedules the
        // whole plan.
        let run = match crate::planning::caught_up(store, scope, key).await {
            true => Ok(()),
            false => current_schedule(store, scope, key).await.map(|_| ()),
        };
        match run {
            // The project, or what the plan was read from, went away
            // meanwhile: the write that removed it has its own event.
            Ok(_) | Err(ApiError::NotFound(_)) | Err(ApiError::Conflict(_)) => {
                store
                    .complete_project_deliveries(
                        tandem_store::events::RESCHEDULER,
                        *project_id,
                        horizon,
                    )
                    .await?;
            }
            // Left claimed: the lease runs out and the work is tried again.
            Err(e) => tracing::warn!(project = %key, error = ?e, "rescheduling failed"),
        }
    }
    // Events of projects deleted since need nothing.
    handled.extend(
        claimed
            .iter()
            .filter(|d| d.event.project_id.is_some() && d.project_key.is_none())
            .map(|d| d.event.id),
    );
    store
        .complete_deliveries(tandem_store::events::RESCHEDULER, &handled)
        .await?;
    Ok(full)
}

/// The rescheduler reads a whole project's plan, whoever's write asked for
/// it: it acts as the workspace, not as the writer.
fn acting_as(workspace_id: Id) -> Scope {
    Scope {
        workspace_id,
        user_id: 0,
        role: Role::Owner,
    }
}
