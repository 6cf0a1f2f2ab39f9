//! Schedules of Tandem's projects: a project read as a plan ([`load`])
//! and its stored schedule kept current ([`current_schedule`]); the
//! worker that recomputes it after writes is `crate::jobs`. The
//! scheduling itself is `tandem-schedule`'s, and the mapping of a project
//! onto a plan is `tandem_domain::planning`'s; this module loads and
//! stores. The HTTP handlers over it (schedule, baselines, forecast,
//! levelling, calendars, Microsoft Project files) are in `handlers`.
//!
//! The stored schedule is derived data. Every write that changes a
//! project's plan leaves an event the rescheduler (`crate::jobs`) consumes
//! to recompute it in the background (bursts coalesce into one run per
//! project), and every read
//! checks the stored copy's fingerprint against the plan as it is now and
//! recomputes on a mismatch, so a schedule lost to a crash between a write
//! and its rescheduling is never served stale.

use std::collections::HashMap;

use tandem_domain::planning::{ProjectPlan, project_plan};
use tandem_domain::*;
use tandem_store::{Scope, Store, TaskFilter};

use crate::error::ApiError;

type ApiResult<T> = Result<T, ApiError>;

/// A project as the scheduler sees it, with what it was made from.
pub(crate) struct Loaded {
    pub project: Project,
    pub tasks: Vec<Task>,
    pub dependencies: Vec<Link>,
    pub planned: ProjectPlan,
}

/// Reads a project's tasks and dependencies and maps them onto a plan.
pub(crate) async fn load(store: &dyn Store, scope: Scope, key: &str) -> ApiResult<Loaded> {
    let project = store.get_project(scope, key).await?;
    let tasks = project_tasks(store, scope, &project.key).await?;
    // Links between the project's own tasks are all a plan uses.
    let dependencies = store.project_links(scope, project.id).await?;
    let exceptions = store.list_calendar_exceptions(scope, project.id).await?;
    let members = store.list_members(scope).await?;
    let capacity: HashMap<Id, f64> = members
        .iter()
        .map(|m| (m.user.id, m.capacity_hours))
        .collect();
    let today = chrono::Local::now().date_naive();
    let planned = project_plan(
        &project,
        &exceptions,
        &tasks,
        &dependencies,
        &capacity,
        today,
    );
    Ok(Loaded {
        project,
        tasks,
        dependencies,
        planned,
    })
}

/// Every task of the project.
pub(crate) async fn project_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<Vec<Task>> {
    let filter = TaskFilter {
        project: Some(key.to_string()),
        ..Default::default()
    };
    all_tasks(store, scope, filter).await
}

/// Every task the filter selects, page after page.
pub(crate) async fn all_tasks(
    store: &dyn Store,
    scope: Scope,
    mut filter: TaskFilter,
) -> ApiResult<Vec<Task>> {
    filter.limit = tandem_store::MAX_TASK_PAGE;
    filter.after_id = None;
    let mut tasks = Vec::new();
    loop {
        let page = store.list_tasks(scope, &filter).await?;
        tasks.extend(page.tasks);
        match page.next_after_id {
            Some(after) => filter.after_id = Some(after),
            None => return Ok(tasks),
        }
    }
}

pub(crate) fn schedule_error(e: tandem_schedule::ScheduleError, tasks: &[Task]) -> ApiError {
    match e {
        tandem_schedule::ScheduleError::Cycle(ids) => ApiError::Cycle(
            ids.iter()
                .filter_map(|id| tasks.iter().find(|t| t.id == *id).map(|t| t.key.clone()))
                .collect(),
        ),
        other => ApiError::Internal(other.to_string()),
    }
}

/// The project's schedule as stored, recomputed and stored first if the
/// plan has changed since.
pub(crate) async fn current_schedule(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<(Loaded, StoredSchedule)> {
    // Microseconds: what PostgreSQL keeps, so a stored time reads back equal.
    let read_at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
    let loaded = load(store, scope, key).await?;
    let fingerprint = loaded.planned.fingerprint();
    let project_id = loaded.project.id;
    if let Some(known) = recent::get(store, project_id, &fingerprint) {
        return Ok((loaded, known));
    }
    let (loaded, schedule) = stored_or_computed(store, scope, loaded, fingerprint, read_at).await?;
    recent::put(store, project_id, &schedule);
    Ok((loaded, schedule))
}

/// The schedules this process last read or computed, one per project, by
/// the fingerprint of their plan. A schedule is a function of its plan, so
/// one whose fingerprint matches the plan just read is the stored one
/// (whichever node stored it), without reading it back.
mod recent {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    use tandem_domain::{Id, StoredSchedule};
    use tandem_store::Store;

    type Key = (usize, Id);

    fn cache() -> &'static Mutex<HashMap<Key, StoredSchedule>> {
        static CACHE: OnceLock<Mutex<HashMap<Key, StoredSchedule>>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    /// Stores are told apart by address; were one dropped and another made
    /// at the same place, a hit still needs the same plan.
    fn key(store: &dyn Store, project_id: Id) -> Key {
        (store as *const dyn Store as *const () as usize, project_id)
    }

    pub fn get(store: &dyn Store, project_id: Id, fingerprint: &str) -> Option<StoredSchedule> {
        let cache = cache().lock().ok()?;
        cache
            .get(&key(store, project_id))
            .filter(|s| s.fingerprint == fingerprint)
            .cloned()
    }

    pub fn put(store: &dyn Store, project_id: Id, schedule: &StoredSchedule) {
        if let Ok(mut cache) = cache().lock() {
            // A bound, not a policy: a busy server has few hot projects.
            if cache.len() >= 256 {
                cache.clear();
            }
            cache.insert(key(store, project_id), schedule.clone());
        }
    }
}

async fn stored_or_computed(
    store: &dyn Store,
    scope: Scope,
    loaded: Loaded,
    fingerprint: String,
    read_at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<(Loaded, StoredSchedule)> {
    let project_id = loaded.project.id;
    if store
        .schedule_fingerprint(scope, project_id)
        .await?
        .as_deref()
        == Some(&fingerprint)
        && let Some(stored) = store.stored_schedule(scope, project_id).await?
        && stored.fingerprint == fingerprint
    {
        return Ok((loaded, stored));
    }
    let result = tandem_schedule::schedule(&loaded.planned.plan)
        .map_err(|e| schedule_error(e, &loaded.tasks))?;
    let computed = loaded.planned.stored(&result, read_at);
    let saved = match store.save_schedule(scope, project_id, &computed).await {
        Ok(saved) => saved,
        // The stored schedule is a copy kept for readers. Saving it
        // conflicts when the plan changed between the read and this write
        // (a task deleted meanwhile: its rows are gone); the answer is
        // still the schedule of the plan that was read, and the change
        // reschedules.
        Err(tandem_store::StoreError::Conflict(_)) => true,
        Err(e) => return Err(e.into()),
    };
    if !saved
        && let Some(stored) = store.stored_schedule(scope, project_id).await?
        && stored.fingerprint == fingerprint
    {
        // Someone stored this very plan's schedule first: answer with it,
        // so every reader sees one computed_at.
        return Ok((loaded, stored));
    }
    Ok((loaded, computed))
}

