//! The judge of project health: keeps each project's derived health
//! (on track, at risk, off track) and tells of a change as an event
//! (`project.health_changed` to webhooks, a row in the project's history).
//!
//! Every node hears every event on the feed and judges the projects
//! whose figures it may have moved (their tasks, links, milestones,
//! risks, baselines, stored schedule), at most twice a second, each
//! judgement taking every change heard since the last; the store keeps
//! a change once however many nodes judge it at the same moment. What
//! moves with the clock alone (work falling overdue, a target or a
//! milestone's date passing) is judged for every project on start and
//! each hour after, by one node (`claim_job`).
//!
//! Not here: what health is (`tandem_domain::health`), or the figures it
//! is judged on (`tandem_usecases::status`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tandem_domain::{Id, Role};
use tandem_store::{Event, Scope, Store};
use tokio::sync::Notify;

use super::Jobs;

/// How often every project is judged, for what the clock moves.
const EVERY: Duration = Duration::from_secs(3600);

/// The least time between two judgements set off by changes. Health is
/// judged on a project's every figure (ten reads), and a burst of edits
/// judged once per change spent more of the database than the edits
/// themselves (200 task creations: 177 judgements, each beside the next
/// creation); paced, a burst is judged at its start and then at most
/// twice a second, each run taking every change heard meanwhile.
const PACE: Duration = Duration::from_millis(500);

/// Projects named by events since the last run, by workspace; `None` in
/// place of the set when events were missed and every project is judged.
#[derive(Default)]
struct Pending {
    projects: BTreeMap<Id, BTreeSet<Id>>,
    everything: bool,
}

/// Whether a change of this kind may move a project's health.
fn moves_health(event: &Event) -> bool {
    event.project_id.is_some()
        && matches!(
            event.kind.as_str(),
            "task" | "dependency" | "milestone" | "risk" | "baseline" | "schedule" | "project"
        )
        && event.action != "health changed"
}

pub fn start(store: Arc<dyn Store>, jobs: &Jobs) {
    let pending = Arc::new(Mutex::new(Pending::default()));
    let wake = Arc::new(Notify::new());
    let (heard, waker) = (pending.clone(), wake.clone());
    let mut feed = store.event_feed();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let event = feed.recv().await;
            {
                let mut heard = heard.lock().expect("pending health judgements");
                match &event {
                    Ok(event) if event.is_resync() => heard.everything = true,
                    Ok(event) if moves_health(event) => {
                        heard
                            .projects
                            .entry(event.workspace_id)
                            .or_default()
                            .extend(event.project_id);
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => heard.everything = true,
                    Err(RecvError::Closed) => return,
                }
            }
            waker.notify_one();
        }
    });
    let worker = jobs.clone();
    jobs.spawn(move |mut stopping| async move {
        // The first tick is at once: the clock moved while the server was
        // down.
        let mut hourly = tokio::time::interval(EVERY);
        hourly.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_run: Option<tokio::time::Instant> = None;
        loop {
            let mut everything = tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = wake.notified() => false,
                _ = hourly.tick() => {
                    let now = chrono::Utc::now();
                    store.claim_job("health", now, EVERY).await.unwrap_or(false)
                }
            };
            if let Some(last) = last_run {
                tokio::select! {
                    biased;
                    () = stopping.wait() => return,
                    () = tokio::time::sleep_until(last + PACE) => {}
                }
            }
            last_run = Some(tokio::time::Instant::now());
            // Taken at once: events that arrive while this run judges wait
            // for the next, which serves them all.
            let projects = {
                let mut pending = pending.lock().expect("pending health judgements");
                everything |= std::mem::take(&mut pending.everything);
                std::mem::take(&mut pending.projects)
            };
            let today = crate::planning::server_today();
            let run = async {
                let projects = match everything {
                    true => every_project(store.as_ref()).await?,
                    false => projects,
                };
                judge(store.as_ref(), &projects, today).await
            };
            match worker.unit("health", run, Result::is_ok).await {
                Ok(0) => {}
                Ok(changed) => tracing::info!(projects = changed, "project health changed"),
                Err(e) => tracing::warn!(error = %e, "judging project health"),
            }
        }
    });
}

async fn every_project(store: &dyn Store) -> tandem_store::Result<BTreeMap<Id, BTreeSet<Id>>> {
    let mut projects: BTreeMap<Id, BTreeSet<Id>> = BTreeMap::new();
    for (workspace_id, project_id) in store.projects_to_judge().await? {
        projects.entry(workspace_id).or_default().insert(project_id);
    }
    Ok(projects)
}

/// Judges the projects named, by workspace: how many changed health.
async fn judge(
    store: &dyn Store,
    projects: &BTreeMap<Id, BTreeSet<Id>>,
    today: chrono::NaiveDate,
) -> tandem_store::Result<usize> {
    let mut changed = 0;
    for (workspace_id, ids) in projects {
        // The whole workspace's view, whoever's change set it off.
        let scope = Scope {
            workspace_id: *workspace_id,
            user_id: 0,
            role: Role::Owner,
        };
        let named: Vec<_> = store
            .open_projects(scope)
            .await?
            .into_iter()
            .filter(|(p, _)| ids.contains(&p.id))
            .collect();
        let finish = |access, key: String| async move {
            crate::planning::scheduled_finish(store, access, &key)
                .await
                .ok()
                .flatten()
        };
        match tandem_usecases::status::note_health(store, &named, today, finish).await {
            Ok(keys) => changed += keys.len(),
            Err(tandem_usecases::Error::Store(e)) => return Err(e),
            Err(e) => {
                tracing::warn!(error = %e, workspace = workspace_id, "judging project health")
            }
        }
    }
    Ok(changed)
}
