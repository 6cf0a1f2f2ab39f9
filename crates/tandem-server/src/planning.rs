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
use tandem_store::{ProjectAccess, Scope, Store, TaskFilter};
use tandem_usecases::planning;

use crate::error::ApiError;

type ApiResult<T> = Result<T, ApiError>;

pub(crate) use tandem_usecases::planning::Loaded;

/// Reads a project and maps it onto a plan from the server's today.
pub(crate) async fn load(store: &dyn Store, scope: Scope, key: &str) -> ApiResult<Loaded> {
    Ok(planning::load(store, scope, key, server_today()).await?)
}

/// [`load`], and the project's tasks as pages show them.
pub(crate) async fn load_with_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<(Loaded, Vec<Task>)> {
    Ok(planning::load_with_tasks(store, scope, key, server_today()).await?)
}

pub(crate) fn server_today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The project's scheduled finish, as the stored schedule has it (what
/// writes keep; no task is read), for pages and reads that may trail a
/// write by the moment the rescheduler takes. A plan never scheduled yet
/// is scheduled now; one the scheduler refuses has none.
pub(crate) async fn scheduled_finish(
    store: &dyn Store,
    access: ProjectAccess,
    key: &str,
) -> ApiResult<Option<chrono::NaiveDate>> {
    Ok(match store.stored_finish(access).await? {
        Some(finish) => Some(finish.date()),
        None => current_finish(store, access, key).await,
    })
}

/// The finish of the plan as it is now, scheduled first if the stored
/// schedule trails it: what a status update keeps of its moment.
pub(crate) async fn current_finish(
    store: &dyn Store,
    access: ProjectAccess,
    key: &str,
) -> Option<chrono::NaiveDate> {
    fresh_schedule(store, access.scope(), key, access)
        .await
        .ok()
        .map(|stored| stored.finish.date())
}

/// Every task the filter selects, page after page.
pub(crate) async fn all_tasks(
    store: &dyn Store,
    scope: Scope,
    filter: TaskFilter,
) -> ApiResult<Vec<Task>> {
    Ok(planning::all_tasks(store, scope, filter).await?)
}

pub(crate) fn schedule_error(
    e: tandem_schedule::ScheduleError,
    planned: &tandem_domain::planning::ProjectPlan,
) -> ApiError {
    planning::schedule_error(e, planned).into()
}

/// The project's schedule as stored, recomputed and stored first if the
/// plan has changed since.
pub(crate) async fn current_schedule(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<(Loaded, StoredSchedule)> {
    let read_at = read_now();
    let loaded = load(store, scope, key).await?;
    let schedule = schedule_of(store, &loaded, read_at).await?;
    Ok((loaded, schedule))
}

/// Whether the project's stored schedule is current: it was, or only
/// tasks were added since and their rows were added to it now
/// (`planning::catch_up_schedule`). `false`, or any doubt, means the plan
/// must be scheduled whole ([`current_schedule`]).
pub(crate) async fn caught_up(store: &dyn Store, scope: Scope, key: &str) -> bool {
    match planning::catch_up_schedule(store, scope, key, server_today()).await {
        Ok(caught_up) => caught_up,
        Err(e) => {
            tracing::debug!(project = %key, error = ?e, "adding to the stored schedule");
            false
        }
    }
}

/// The schedule of the project's plan as it is now, at the least cost:
/// the stored copy when it is current ([`stored_if_current`]), else
/// computed.
pub(crate) async fn fresh_schedule(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    access: tandem_store::ProjectAccess,
) -> ApiResult<StoredSchedule> {
    if let Some(stored) = stored_if_current(store, scope, key, access).await? {
        return Ok(std::sync::Arc::unwrap_or_clone(stored));
    }
    Ok(current_schedule(store, scope, key).await?.1)
}

/// The project's stored schedule if it is current, without reading the
/// plan: current by the plan version alone ([`caught_up`]), and kept by
/// this process under the stored copy's fingerprint (a schedule is a
/// function of its plan) or else read, shared rather than copied (20,000
/// rows are 2 MB). None when the plan must be read and scheduled
/// ([`current_schedule`]).
pub(crate) async fn stored_if_current(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    access: tandem_store::ProjectAccess,
) -> ApiResult<Option<std::sync::Arc<StoredSchedule>>> {
    if !caught_up(store, scope, key).await {
        return Ok(None);
    }
    let Some(head) = store.schedule_head(access).await? else {
        return Ok(None);
    };
    let project_id = access.project_id();
    if let Some((known, _)) = recent::get(store, project_id, &head.fingerprint) {
        return Ok(Some(known));
    }
    let Some(stored) = store.stored_schedule(access).await? else {
        return Ok(None);
    };
    // Kept with the stamp read alongside its fingerprint only if they are
    // one copy's (a write may have landed between the two reads).
    if stored.fingerprint == head.fingerprint {
        recent::put(store, project_id, &stored, head.stamp);
    }
    Ok(Some(std::sync::Arc::new(stored)))
}

/// [`current_schedule`], and the project's tasks as pages show them.
pub(crate) async fn current_schedule_with_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<(Loaded, Vec<Task>, StoredSchedule)> {
    let read_at = read_now();
    let (loaded, tasks) = load_with_tasks(store, scope, key).await?;
    let schedule = schedule_of(store, &loaded, read_at).await?;
    Ok((loaded, tasks, schedule))
}

/// [`current_schedule_with_tasks`] for a page that draws a window of the
/// plan: what the plan read of each task instead of whole tasks.
pub(crate) async fn current_schedule_with_plan_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> ApiResult<(
    Loaded,
    Vec<tandem_domain::planning::PlanTask>,
    StoredSchedule,
)> {
    let read_at = read_now();
    let (loaded, tasks) = planning::load_with_plan_tasks(store, scope, key, server_today()).await?;
    let schedule = schedule_of(store, &loaded, read_at).await?;
    Ok((loaded, tasks, schedule))
}

/// Microseconds: what PostgreSQL keeps, so a stored time reads back equal.
pub(crate) fn read_now() -> chrono::DateTime<chrono::Utc> {
    chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6)
}

/// The schedule of the plan `loaded` holds: kept, stored or computed.
async fn schedule_of(
    store: &dyn Store,
    loaded: &Loaded,
    read_at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<StoredSchedule> {
    let fingerprint = loaded.planned.fingerprint();
    let project_id = loaded.project.id;
    if let Some((known, stamp)) = recent::get(store, project_id, &fingerprint) {
        let known = std::sync::Arc::unwrap_or_clone(known);
        // Only a plan version the store has not heard of for this schedule
        // costs a write; a read of an unchanged plan writes nothing.
        if stamp != Some(loaded.stamp) {
            store
                .stamp_schedule(loaded.access, &fingerprint, loaded.stamp)
                .await?;
            recent::stamped(store, project_id, loaded.stamp);
        }
        return Ok(known);
    }
    let schedule = stored_or_computed(store, loaded, fingerprint, read_at).await?;
    recent::put(store, project_id, &schedule, loaded.stamp);
    Ok(schedule)
}

/// The schedules this process last read or computed, one per project, by
/// the fingerprint of their plan. A schedule is a function of its plan, so
/// one whose fingerprint matches the plan just read is the stored one
/// (whichever node stored it), without reading it back. Bounded by bytes,
/// not entries: the least recently used go first, and a schedule bigger
/// than a quarter of the budget is not kept at all.
mod recent {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    use tandem_domain::{Id, StoredSchedule, TaskSchedule};
    use tandem_store::{PlanStamp, Store};

    /// What the cache may hold: a few hundred schedules of a thousand
    /// tasks, or a handful of big ones.
    pub const BUDGET_BYTES: usize = 64 << 20;

    type Key = (usize, Id);

    #[derive(Default)]
    struct Cache {
        entries: HashMap<Key, Entry>,
        bytes: usize,
        clock: u64,
    }

    struct Entry {
        used: u64,
        bytes: usize,
        schedule: Arc<StoredSchedule>,
        /// The stamp this process last saw stored with it, if any: a hit
        /// with the same stamp needs no write to say so again.
        stamp: Option<PlanStamp>,
    }

    fn cache() -> &'static Mutex<Cache> {
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    /// Stores are told apart by address; were one dropped and another made
    /// at the same place, a hit still needs the same plan.
    fn key(store: &dyn Store, project_id: Id) -> Key {
        (store as *const dyn Store as *const () as usize, project_id)
    }

    /// What a schedule takes in memory, near enough.
    pub fn size_of(schedule: &StoredSchedule) -> usize {
        std::mem::size_of::<StoredSchedule>()
            + schedule.tasks.len() * std::mem::size_of::<TaskSchedule>()
            + schedule.critical_path.len() * std::mem::size_of::<Id>()
            + schedule.fingerprint.len()
            + schedule.warnings.iter().map(String::len).sum::<usize>()
    }

    /// Bytes held now, for `/metrics`.
    pub fn bytes() -> usize {
        cache().lock().map(|c| c.bytes).unwrap_or(0)
    }

    /// The schedule of this plan, if kept, and the stamp last seen stored
    /// with it.
    pub fn get(
        store: &dyn Store,
        project_id: Id,
        fingerprint: &str,
    ) -> Option<(Arc<StoredSchedule>, Option<PlanStamp>)> {
        let schedule = get_key(key(store, project_id), fingerprint)?;
        let stamp = cache()
            .lock()
            .ok()?
            .entries
            .get(&key(store, project_id))
            .and_then(|e| e.stamp);
        Some((schedule, stamp))
    }

    /// Keeps a schedule, stored with `stamp`. The stamp is a hint: were it
    /// wrong (another node stored a later reading first), reads of the
    /// stored schedule would only find it stale and take the slow path.
    pub fn put(store: &dyn Store, project_id: Id, schedule: &StoredSchedule, stamp: PlanStamp) {
        put_key(key(store, project_id), schedule);
        stamped(store, project_id, stamp);
    }

    /// Notes that the kept schedule is now stored with `stamp`.
    pub fn stamped(store: &dyn Store, project_id: Id, stamp: PlanStamp) {
        if let Ok(mut cache) = cache().lock()
            && let Some(entry) = cache.entries.get_mut(&key(store, project_id))
        {
            entry.stamp = Some(stamp);
        }
    }

    fn get_key(key: Key, fingerprint: &str) -> Option<Arc<StoredSchedule>> {
        let mut cache = cache().lock().ok()?;
        cache.clock += 1;
        let now = cache.clock;
        let entry = cache.entries.get_mut(&key)?;
        if entry.schedule.fingerprint != fingerprint {
            return None;
        }
        entry.used = now;
        Some(Arc::clone(&entry.schedule))
    }

    fn put_key(key: Key, schedule: &StoredSchedule) {
        let Ok(mut cache) = cache().lock() else {
            return;
        };
        if let Some(old) = cache.entries.remove(&key) {
            cache.bytes -= old.bytes;
        }
        let bytes = size_of(schedule);
        if bytes > BUDGET_BYTES / 4 {
            return;
        }
        while cache.bytes + bytes > BUDGET_BYTES {
            let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(gone) = cache.entries.remove(&oldest) {
                cache.bytes -= gone.bytes;
            }
        }
        cache.clock += 1;
        let used = cache.clock;
        cache.bytes += bytes;
        cache.entries.insert(
            key,
            Entry {
                used,
                bytes,
                schedule: Arc::new(schedule.clone()),
                stamp: None,
            },
        );
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn schedule(tasks: usize, fingerprint: &str) -> StoredSchedule {
            let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap();
            let task = TaskSchedule {
                task_id: 1,
                early_start: at,
                early_finish: at,
                late_start: at,
                late_finish: at,
                total_slack: 0,
                free_slack: 0,
                critical: true,
                summary: false,
                milestone: false,
                loose_digest: None,
            };
            StoredSchedule {
                fingerprint: fingerprint.into(),
                computed_at: chrono::Utc::now(),
                start: at,
                finish: at,
                critical_path: Vec::new(),
                warnings: Vec::new(),
                tasks: vec![task; tasks],
                basis: None,
            }
        }

        /// One test touches the process-wide cache, under keys no store
        /// has (address 0), so the bound is checked on what it holds.
        #[test]
        fn the_cache_stays_within_its_bytes_and_drops_the_least_used() {
            let big = schedule(100_000, "big");
            let each = size_of(&big);
            assert!(each < BUDGET_BYTES / 4 && each * 12 > BUDGET_BYTES);
            for project in 0..200 {
                put_key((0, project), &big);
                assert!(bytes() <= BUDGET_BYTES, "{} bytes held", bytes());
            }
            // The first projects went to make room; a recently read one stays.
            assert!(get_key((0, 0), "big").is_none());
            assert!(get_key((0, 199), "big").is_some());
            put_key((0, 1_000), &schedule(10, "small"));
            assert!(get_key((0, 199), "big").is_some());
            // Too big to keep at all.
            let huge = schedule(
                BUDGET_BYTES / 4 / std::mem::size_of::<TaskSchedule>() + 1,
                "huge",
            );
            put_key((0, 2_000), &huge);
            assert!(get_key((0, 2_000), "huge").is_none());
            assert!(bytes() <= BUDGET_BYTES);
        }
    }
}

/// Bytes of schedules this process keeps in memory (see `recent`).
pub(crate) fn cached_schedule_bytes() -> usize {
    recent::bytes()
}

async fn stored_or_computed(
    store: &dyn Store,
    loaded: &Loaded,
    fingerprint: String,
    read_at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<StoredSchedule> {
    let access = loaded.access;
    if store.schedule_fingerprint(access).await?.as_deref() == Some(&fingerprint)
        && let Some(stored) = store.stored_schedule(access).await?
        && stored.fingerprint == fingerprint
    {
        store
            .stamp_schedule(access, &fingerprint, loaded.stamp)
            .await?;
        return Ok(stored);
    }
    let result = tandem_schedule::schedule(&loaded.planned.plan)
        .map_err(|e| schedule_error(e, &loaded.planned))?;
    let computed = loaded.planned.stored(&result, read_at);
    let saved = match store.save_schedule(access, &computed, loaded.stamp).await {
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
        return Ok(stored);
    }
    Ok(computed)
}
