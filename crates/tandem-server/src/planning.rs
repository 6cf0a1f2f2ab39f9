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

use tandem_domain::*;
use tandem_store::{Scope, Store, TaskFilter};
use tandem_usecases::planning;

use crate::error::ApiError;

type ApiResult<T> = Result<T, ApiError>;

pub(crate) use tandem_usecases::planning::Loaded;

/// Reads a project and maps it onto a plan from the server's today.
pub(crate) async fn load(store: &dyn Store, scope: Scope, key: &str) -> ApiResult<Loaded> {
    let today = chrono::Local::now().date_naive();
    Ok(planning::load(store, scope, key, today).await?)
}

/// Every task of the project.
pub(crate) async fn project_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<Vec<Task>> {
    Ok(planning::project_tasks(store, scope, key).await?)
}

/// Every task the filter selects, page after page.
pub(crate) async fn all_tasks(
    store: &dyn Store,
    scope: Scope,
    filter: TaskFilter,
) -> ApiResult<Vec<Task>> {
    Ok(planning::all_tasks(store, scope, filter).await?)
}

pub(crate) fn schedule_error(e: tandem_schedule::ScheduleError, tasks: &[Task]) -> ApiError {
    planning::schedule_error(e, tasks).into()
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
    let (loaded, schedule) = stored_or_computed(store, loaded, fingerprint, read_at).await?;
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
    loaded: Loaded,
    fingerprint: String,
    read_at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<(Loaded, StoredSchedule)> {
    let access = loaded.access;
    if store.schedule_fingerprint(access).await?.as_deref() == Some(&fingerprint)
        && let Some(stored) = store.stored_schedule(access).await?
        && stored.fingerprint == fingerprint
    {
        return Ok((loaded, stored));
    }
    let result = tandem_schedule::schedule(&loaded.planned.plan)
        .map_err(|e| schedule_error(e, &loaded.tasks))?;
    let computed = loaded.planned.stored(&result, read_at);
    let saved = match store.save_schedule(access, &computed).await {
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
        && let Some(stored) = store.stored_schedule(access).await?
        && stored.fingerprint == fingerprint
    {
        // Someone stored this very plan's schedule first: answer with it,
        // so every reader sees one computed_at.
        return Ok((loaded, stored));
    }
    Ok((loaded, computed))
}
