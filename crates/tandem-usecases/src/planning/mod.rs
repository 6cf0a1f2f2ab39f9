//! A project as the scheduler sees it ([`load`]), and what a user does
//! with a plan that writes: levelling applied ([`apply_levelling`], in
//! `levelling`) and a Microsoft Project file imported as a new project
//! ([`import_mspdi`], in `import`), and baselines saved and deleted.
//! The scheduling is `tandem-schedule`'s and the mapping of a project onto
//! a plan `tandem_domain::planning`'s; this module reads, decides and
//! writes. Reading the stored schedule, and keeping it current, is the
//! server's.

mod import;
mod levelling;

pub use import::{MspdiImport, import_mspdi};
pub(crate) use levelling::level_off_executor;
pub use levelling::{
    Booking, Delayed, Levelled, Overallocation, apply_levelling, bookings_by_project,
    clear_levelling, elsewhere, level, level_workspace, preview_levelling, standing_levelling,
    undo_levelling,
};

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use tandem_domain::planning::{People, PlanTask, ProjectPlan, project_plan};
use tandem_domain::{
    AppliedLevelling, Baseline, FieldError, Id, Link, Project, ProjectKey, Task, TimeOff, UserRef,
    Validation,
};
use tandem_schedule::ScheduleError;
use tandem_store::{DelayChange, PlanStamp, ProjectAccess, Scope, Store, StoreError, TaskFilter};

use crate::{Error, Result, Writer};

/// A project as the scheduler sees it, with what it was made from. It
/// holds no task: a plan of a million tasks is what the scheduler needs
/// of them ([`PlanTask`], read and dropped by [`load`]); a caller that shows
/// tasks reads them with the plan ([`load_with_tasks`]).
pub struct Loaded {
    pub project: Project,
    /// The caller's proof of access, for the project's other reads.
    pub access: ProjectAccess,
    /// The plan version and day the plan was read at: what its schedule
    /// is stamped with.
    pub stamp: PlanStamp,
    pub dependencies: Vec<Link>,
    pub planned: ProjectPlan,
}

/// Reads what the plan needs of a project's tasks, its links, calendar
/// and its people's capacity, and maps them onto a plan; work not done is
/// planned from `today`.
pub async fn load(store: &dyn Store, scope: Scope, key: &str, today: NaiveDate) -> Result<Loaded> {
    Ok(load_with_plan_tasks(store, scope, key, today).await?.0)
}

/// [`load`], and what the plan read of each task (its phase too): a
/// page that draws the plan a window at a time orders every task by
/// these, and reads whole tasks for the window alone.
pub async fn load_with_plan_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
) -> Result<(Loaded, Vec<PlanTask>)> {
    read_plan(store, scope, key, today, plan_people(store, scope)).await
}

/// [`load_with_plan_tasks`] with the workspace's people read already: a
/// caller reading many plans of one workspace reads them once.
async fn load_among(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
    people: &People,
) -> Result<(Loaded, Vec<PlanTask>)> {
    read_plan(store, scope, key, today, std::future::ready(Ok(people))).await
}

/// Reads a project's plan, its people from `people`. The reads after the
/// plan version wait together, not one after another: a plan read is
/// mostly waiting where the database is over a network. `people` is
/// polled only after the version is read, as the rest: people's hours
/// and time off are plan too.
async fn read_plan<P: std::borrow::Borrow<People>>(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
    people: impl std::future::Future<Output = Result<P>>,
) -> Result<(Loaded, Vec<PlanTask>)> {
    let (project, access, stamp) = open_for_plan(store, scope, key, today).await?;
    let reads = async {
        Ok::<_, Error>(tokio::try_join!(
            store.plan_tasks(access),
            store.project_links(access),
            store.list_calendar_exceptions(access),
        )?)
    };
    let ((tasks, dependencies, exceptions), people) = tokio::try_join!(reads, people)?;
    let planned = project_plan(
        &project,
        &exceptions,
        &tasks,
        &dependencies,
        people.borrow(),
        stamp.planned_on,
    );
    let loaded = Loaded {
        project,
        access,
        stamp,
        dependencies,
        planned,
    };
    Ok((loaded, tasks))
}

/// [`load`], and every task of the project as a page shows it: one read
/// of the tasks serves both.
pub async fn load_with_tasks(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
) -> Result<(Loaded, Vec<Task>)> {
    let (project, access, stamp) = open_for_plan(store, scope, key, today).await?;
    let tasks = project_tasks(store, scope, &project.key).await?;
    let planned: Vec<PlanTask> = tasks.iter().map(PlanTask::from).collect();
    let loaded = plan_of(store, scope, project, access, stamp, &planned).await?;
    Ok((loaded, tasks))
}

async fn open_for_plan(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
) -> Result<(Project, ProjectAccess, PlanStamp)> {
    let (_, access) = store.open_project(scope, key).await?;
    // Read before the plan, the project included (its status date, start
    // and working week are plan): a write between the two leaves the
    // schedule stamped older than the plan, so it reads as stale, never
    // the reverse. The project read before the version once let a
    // schedule of the old status date be stamped current.
    let version = store.plan_version(access).await?;
    let project = store.get_project(scope, key).await?;
    Ok((
        project,
        access,
        PlanStamp {
            version,
            planned_on: today,
        },
    ))
}

async fn plan_of(
    store: &dyn Store,
    scope: Scope,
    project: Project,
    access: ProjectAccess,
    stamp: PlanStamp,
    tasks: &[PlanTask],
) -> Result<Loaded> {
    let (dependencies, planned) =
        links_and_plan(store, scope, &project, access, tasks, stamp.planned_on).await?;
    Ok(Loaded {
        project,
        access,
        stamp,
        dependencies,
        planned,
    })
}

/// The plan of the project's tasks the caller read already (all of
/// them), from `today`: its links, calendar and people are read, no task
/// again.
pub async fn plan_of_tasks(
    store: &dyn Store,
    scope: Scope,
    project: &Project,
    access: ProjectAccess,
    tasks: &[PlanTask],
    today: NaiveDate,
) -> Result<ProjectPlan> {
    Ok(links_and_plan(store, scope, project, access, tasks, today)
        .await?
        .1)
}

async fn links_and_plan(
    store: &dyn Store,
    scope: Scope,
    project: &Project,
    access: ProjectAccess,
    tasks: &[PlanTask],
    today: NaiveDate,
) -> Result<(Vec<Link>, ProjectPlan)> {
    // Links between the project's own tasks are all a plan uses. The
    // reads wait together, as `read_plan`'s do.
    let links = async {
        Ok::<_, Error>(tokio::try_join!(
            store.project_links(access),
            store.list_calendar_exceptions(access),
        )?)
    };
    let ((dependencies, exceptions), people) = tokio::try_join!(links, plan_people(store, scope))?;
    let planned = project_plan(project, &exceptions, tasks, &dependencies, &people, today);
    Ok((dependencies, planned))
}

/// The workspace's people as plans read them: hours a week and time off.
pub async fn plan_people(store: &dyn Store, scope: Scope) -> Result<People> {
    let (members, time_off) =
        tokio::try_join!(store.list_members(scope), store.list_time_off(scope, None))?;
    Ok(People::new(&members, &time_off))
}

/// The most writes since a stored schedule that [`catch_up_schedule`]
/// takes one by one; after more, the whole plan is scheduled again.
const MOST_CHANGES: usize = 1_000;

/// Brings a project's stored schedule up to its plan without reading the
/// plan, when every write since it was stored created or edited a loose
/// task (no parent, subtask or link): each such task is scheduled on its
/// own against the stored schedule, and its row written
/// (`tandem_domain::planning::beside`). That is the common stream (tasks
/// added to a big project, their status and dates changed), and it costs
/// what those tasks cost, where scheduling the whole plan costs what the
/// project does. Returns whether the stored schedule is now the schedule
/// of the plan as of the version read here (writes that came after are
/// left to the next run, by their events); when not, nothing was written
/// and the caller schedules the whole plan.
///
/// Why nothing else can have changed unseen: every write that changes a
/// plan leaves an event with the plan version it made
/// (`PlanStore::plan_changes`), and here all of them are creates and
/// edits of tasks. A task created or edited with links is refused below;
/// one that had a parent, subtasks or links before is refused by
/// `beside` (its stored row keeps no digest); a subtask created under one
/// of them has a parent and is refused too.
pub async fn catch_up_schedule(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
) -> Result<bool> {
    let (project, access) = store.open_project(scope, key).await?;
    let Some(head) = store.schedule_head(access).await? else {
        return Ok(false);
    };
    if head.stamp.planned_on != today {
        return Ok(false);
    }
    let version = store.plan_version(access).await?;
    if version == head.stamp.version {
        return Ok(true);
    }
    let changes = store
        .plan_changes(access, head.stamp.version, MOST_CHANGES + 1)
        .await?;
    let since: Vec<_> = changes.iter().filter(|c| c.version <= version).collect();
    // Every version from the stored schedule's to the plan's, in order,
    // each with its write's events (a write of many tasks leaves them all
    // at the one version it made), and every event a task created or
    // edited.
    let mut next = head.stamp.version + 1;
    let every_version = since.iter().all(|c| {
        let in_order = if c.version == next {
            next += 1;
            true
        } else {
            c.version + 1 == next && c.version > head.stamp.version
        };
        in_order && c.kind == "task" && matches!(c.action.as_str(), "created" | "updated")
    });
    if since.len() > MOST_CHANGES || next != version + 1 || !every_version {
        return Ok(false);
    }
    // Each task once, as it is now, however often it changed.
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<&str> = since
        .iter()
        .map(|c| c.key.as_str())
        .filter(|key| seen.insert(*key))
        .collect();
    let mut tasks = Vec::with_capacity(keys.len());
    for key in keys {
        let task = match store.get_task(scope, key).await {
            Ok(task) => task,
            Err(StoreError::NotFound(_)) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let here = task.project.as_ref().is_some_and(|p| p.id == project.id);
        if !here || !store.task_dependencies(scope, &task.key).await?.is_empty() {
            return Ok(false);
        }
        tasks.push(task);
    }
    let ids: Vec<Id> = tasks.iter().map(|t| t.id).collect();
    let mut stored: HashMap<Id, tandem_domain::TaskSchedule> = store
        .stored_rows_of(access, &ids)
        .await?
        .into_iter()
        .map(|row| (row.task_id, row))
        .collect();
    let changed: Vec<_> = tasks
        .iter()
        .map(|t| (PlanTask::from(t), stored.remove(&t.id)))
        .collect();
    let exceptions = store.list_calendar_exceptions(access).await?;
    let people = plan_people(store, scope).await?;
    let Some(patch) = tandem_domain::planning::beside(
        &project,
        &exceptions,
        &changed,
        &people,
        tandem_domain::planning::StoredHead {
            fingerprint: &head.fingerprint,
            basis: head.basis,
            warnings: &head.warnings,
        },
        today,
    ) else {
        return Ok(false);
    };
    let stamp = PlanStamp {
        version,
        planned_on: today,
    };
    Ok(store.patch_schedule(access, &head, stamp, &patch).await?)
}

/// Every task of the project.
pub async fn project_tasks(store: &dyn Store, scope: Scope, key: &str) -> Result<Vec<Task>> {
    let filter = TaskFilter {
        project: Some(key.to_string()),
        ..Default::default()
    };
    all_tasks(store, scope, filter).await
}

/// Every task the filter selects, page after page.
pub async fn all_tasks(
    store: &dyn Store,
    scope: Scope,
    mut filter: TaskFilter,
) -> Result<Vec<Task>> {
    filter.limit = tandem_store::MAX_TASK_PAGE;
    filter.after = None;
    let mut tasks = Vec::new();
    loop {
        let page = store.list_tasks(scope, &filter).await?;
        tasks.extend(page.tasks);
        match page.next {
            Some(after) => filter.after = Some(after),
            None => return Ok(tasks),
        }
    }
}

/// The scheduler's refusal of a plan, its cycle named by task keys.
pub fn schedule_error(e: ScheduleError, planned: &ProjectPlan) -> Error {
    match e {
        ScheduleError::Cycle(ids) => Error::Cycle(
            ids.iter()
                .filter_map(|id| {
                    let i = planned.task_ids.iter().position(|t| t == id)?;
                    Some(planned.plan.tasks[i].name.clone())
                })
                .collect(),
        ),
        other => Error::Schedule(other.to_string()),
    }
}

/// Saves the project's schedule as it is now as a baseline, named
/// `name` or else "Baseline N".
pub async fn create_baseline(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    name: Option<String>,
    today: NaiveDate,
) -> Result<Baseline> {
    let scope = writer.scope();
    let loaded = load(store, *scope, key, today).await?;
    let result = tandem_schedule::schedule(&loaded.planned.plan)
        .map_err(|e| schedule_error(e, &loaded.planned))?;
    let name = match name.filter(|n| !n.trim().is_empty()) {
        Some(name) => name,
        None => format!(
            "Baseline {}",
            store.list_baselines(loaded.access).await?.len() + 1
        ),
    };
    let tasks = loaded.planned.baseline(&result);
    Ok(store
        .create_baseline(scope, loaded.project.id, &name, &tasks)
        .await?)
}

pub async fn delete_baseline(store: &dyn Store, writer: &Writer, key: &str, id: Id) -> Result<()> {
    let project = store.get_project(*writer.scope(), key).await?;
    Ok(store
        .delete_baseline(writer.scope(), project.id, id)
        .await?)
}
