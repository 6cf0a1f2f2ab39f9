//! A project as the scheduler sees it ([`load`]), and what a user does
//! with a plan that writes: levelling applied ([`apply_levelling`]) and a
//! Microsoft Project file imported as a new project ([`import_mspdi`]),
//! and baselines saved and deleted.
//! The scheduling is `tandem-schedule`'s and the mapping of a project onto
//! a plan `tandem_domain::planning`'s; this module reads, decides and
//! writes. Reading the stored schedule, and keeping it current, is the
//! server's.

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

/// A project levelled by task owner: what a preview shows and what
/// applying writes. Times are working minutes where not instants.
#[derive(Debug, Clone, PartialEq)]
pub struct Levelled {
    /// The project's key as stored.
    pub project_key: String,
    pub finish_before: NaiveDateTime,
    pub finish_after: NaiveDateTime,
    /// How much later the project finishes, in working minutes.
    pub cost_minutes: i64,
    /// The working minutes of one of the project's days.
    pub minutes_per_day: i64,
    pub overallocations: Vec<Overallocation>,
    pub delayed: Vec<Delayed>,
    /// Each task's levelling delay that schedules it where levelling put
    /// it (working minutes), for the tasks that have one.
    pub delays: HashMap<Id, i64>,
    /// Where the levelled plan books its people: what other projects'
    /// levelling works around.
    pub bookings: Vec<Booking>,
}

/// A person's work on a task from `start` to `finish`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Booking {
    pub owner: Id,
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
}

/// Each person's work in other projects, as bookings: what a project's
/// levelling places its own work around.
pub type Elsewhere = HashMap<Id, Vec<(NaiveDateTime, NaiveDateTime)>>;

/// The bookings of every active project the caller may open, by project:
/// each open task's scheduled dates, for its owner: the stored schedule's
/// where it is current, else the plan's scheduled now (a plan the
/// scheduler refuses books no one).
pub async fn bookings_by_project(
    store: &dyn Store,
    scope: Scope,
    today: NaiveDate,
) -> Result<HashMap<Id, Vec<Booking>>> {
    let mut all = HashMap::new();
    for (project, access) in store.open_projects(scope).await? {
        if project.status != tandem_domain::ProjectStatus::Active {
            continue;
        }
        let stored = match store.schedule_is_current(access, today).await? {
            true => store.stored_schedule(access).await?,
            false => None,
        };
        let (tasks, schedule) = match stored {
            Some(schedule) => (store.plan_tasks(access).await?, schedule),
            None => {
                let (loaded, tasks) =
                    load_with_plan_tasks(store, scope, &project.key, today).await?;
                let Ok(result) = tandem_schedule::schedule(&loaded.planned.plan) else {
                    continue;
                };
                (tasks, loaded.planned.stored(&result, chrono::Utc::now()))
            }
        };
        let owner_of: HashMap<Id, Id> = tasks
            .iter()
            .filter(|t| !t.status.is_closed() && t.percent_complete < 100)
            .filter_map(|t| Some((t.id, t.owner_id?)))
            .collect();
        let bookings: Vec<Booking> = schedule
            .tasks
            .iter()
            .filter(|row| !row.summary && !row.milestone)
            .filter_map(|row| {
                Some(Booking {
                    owner: *owner_of.get(&row.task_id)?,
                    start: row.early_start,
                    finish: row.early_finish,
                })
            })
            .collect();
        all.insert(project.id, bookings);
    }
    Ok(all)
}

/// Everyone's work in the projects of `bookings` but `except`.
pub fn elsewhere(bookings: &HashMap<Id, Vec<Booking>>, except: Id) -> Elsewhere {
    let mut out: Elsewhere = HashMap::new();
    for (_, list) in bookings.iter().filter(|(id, _)| **id != except) {
        for b in list {
            out.entry(b.owner).or_default().push((b.start, b.finish));
        }
    }
    out
}

/// One owner's working minutes booked on more than one thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Overallocation {
    pub owner: UserRef,
    pub minutes_before: i64,
    pub minutes_after: i64,
}

/// A task levelling moved later.
#[derive(Debug, Clone, PartialEq)]
pub struct Delayed {
    pub task_id: Id,
    pub key: String,
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    /// How much later it starts, in working minutes.
    pub delay_minutes: i64,
}

/// Levels the plan by task owner, keeping work off their time off and off
/// their work in other projects (`elsewhere`), which counts in what they
/// are booked beyond their hours; `names` are the owners as pages show
/// them. Levelling starts from the plan without the delays of any
/// levelling before (as Project clears levelling before it levels).
pub fn level(
    loaded: &Loaded,
    names: &HashMap<Id, UserRef>,
    time_off: &[TimeOff],
    elsewhere: &Elsewhere,
) -> Result<Levelled> {
    // Only a plan levelled before differs from its cleared self: the rest
    // is levelled and measured as it is, without a copy or a second
    // preparation.
    let levelled_before = loaded
        .planned
        .plan
        .tasks
        .iter()
        .any(|t| t.levelling_delay != 0);
    let cleared_plan;
    let planned = if levelled_before {
        let mut cleared = loaded.planned.plan.clone();
        for task in &mut cleared.tasks {
            task.levelling_delay = 0;
        }
        cleared_plan = ProjectPlan {
            plan: cleared,
            task_ids: loaded.planned.task_ids.clone(),
            estimates: Vec::new(),
            owners: loaded.planned.owners.clone(),
        };
        &cleared_plan
    } else {
        &loaded.planned
    };
    let mut people: Vec<UserRef> = Vec::new();
    let owner_index: Vec<Option<usize>> = planned
        .owners
        .iter()
        .map(|owner| {
            let id = (*owner)?;
            let user = names.get(&id).cloned().unwrap_or_else(|| UserRef {
                id,
                email: String::new(),
                name: "a former member".into(),
            });
            Some(match people.iter().position(|p| p.id == id) {
                Some(i) => i,
                None => {
                    people.push(user);
                    people.len() - 1
                }
            })
        })
        .collect();
    let prepared = tandem_schedule::cpm::Prepared::new(&planned.plan)
        .map_err(|e| schedule_error(e, planned))?;
    let timeline = prepared.timeline();
    // Whole days away, as working-minute ranges of the plan.
    let away = |person: &UserRef| -> Vec<(i64, i64)> {
        time_off
            .iter()
            .filter(|t| t.user_id == person.id)
            .map(|t| {
                let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default();
                (
                    timeline.to_work(midnight(t.start)),
                    timeline.to_work(midnight(t.end + chrono::Days::new(1))),
                )
            })
            .filter(|(from, to)| from < to)
            .collect()
    };
    let outside = |person: &UserRef| -> Vec<(i64, i64)> {
        elsewhere
            .get(&person.id)
            .map(|work| {
                work.iter()
                    .map(|&(start, finish)| (timeline.to_work(start), timeline.to_work(finish)))
                    .filter(|(from, to)| from < to)
                    .collect()
            })
            .unwrap_or_default()
    };
    let resources = tandem_schedule::level::Resources {
        owner: owner_index.clone(),
        time_off: people.iter().map(away).collect(),
        elsewhere: people.iter().map(outside).collect(),
    };
    let standing = match levelled_before {
        true => Some(
            tandem_schedule::cpm::Prepared::new(&loaded.planned.plan)
                .map_err(|e| schedule_error(e, planned))?,
        ),
        false => None,
    };
    let result = tandem_schedule::level::level_against(&prepared, standing.as_ref(), &resources);
    let t = prepared.timeline();
    let bookings: Vec<Booking> = owner_index
        .iter()
        .enumerate()
        .filter(|&(i, owner)| {
            owner.is_some()
                && !prepared.is_summary(i)
                && result.finish[i] > result.start[i]
                && planned.plan.tasks[i].percent_complete < 100
                && planned.plan.tasks[i].actual_finish.is_none()
        })
        .map(|(i, owner)| Booking {
            owner: people[owner.unwrap_or_default()].id,
            start: t.start_instant(result.start[i]),
            finish: t.finish_instant(result.finish[i]),
        })
        .collect();
    Ok(Levelled {
        project_key: loaded.project.key.clone(),
        finish_before: t.finish_instant(result.finish_before),
        finish_after: t.finish_instant(result.finish_after),
        cost_minutes: result.finish_after - result.finish_before,
        minutes_per_day: t.minutes_per_day,
        overallocations: people
            .into_iter()
            .enumerate()
            .map(|(i, owner)| Overallocation {
                owner,
                minutes_before: result.overallocated_before.get(i).copied().unwrap_or(0),
                minutes_after: result.overallocated_after.get(i).copied().unwrap_or(0),
            })
            .collect(),
        delayed: result
            .delayed
            .iter()
            .map(|&i| Delayed {
                task_id: planned.task_ids[i],
                key: planned.plan.tasks[i].name.clone(),
                start: t.start_instant(result.start[i]),
                finish: t.finish_instant(result.finish[i]),
                delay_minutes: result.start[i] - result.start_before[i],
            })
            .collect(),
        delays: result
            .delay
            .iter()
            .enumerate()
            .filter(|&(_, &d)| d > 0)
            .map(|(i, &d)| (planned.task_ids[i], d))
            .collect(),
        bookings,
    })
}

/// What levelling the project would do, without writing anything.
pub async fn preview_levelling(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    today: NaiveDate,
) -> Result<Levelled> {
    let (loaded, _) = load_with_plan_tasks(store, scope, key, today).await?;
    let time_off = store.list_time_off(scope, None).await?;
    let outside = elsewhere(
        &bookings_by_project(store, scope, today).await?,
        loaded.project.id,
    );
    let names = member_names(store, scope).await?;
    Ok(level_off_executor(loaded, names, time_off, outside.into())
        .await?
        .1)
}

/// The workspace's members by id, as pages name them.
pub(crate) async fn member_names(store: &dyn Store, scope: Scope) -> Result<HashMap<Id, UserRef>> {
    Ok(store
        .list_members(scope)
        .await?
        .into_iter()
        .map(|m| (m.user.id, m.user))
        .collect())
}

/// [`level`] on a blocking thread: levelling a big plan is seconds of CPU,
/// which must not hold up the executor's threads. Gives the plan back for
/// the write that follows.
pub(crate) async fn level_off_executor(
    loaded: Loaded,
    names: HashMap<Id, UserRef>,
    time_off: Vec<TimeOff>,
    elsewhere: std::sync::Arc<Elsewhere>,
) -> Result<(Loaded, Levelled)> {
    tokio::task::spawn_blocking(move || {
        let levelled = level(&loaded, &names, &time_off, &elsewhere)?;
        Ok((loaded, levelled))
    })
    .await
    .map_err(|e| Error::Schedule(format!("levelling stopped: {e}")))?
}

/// Levels the project and writes the result: each task gets the
/// levelling delay that puts it where levelling did (none for the rest,
/// clearing an older levelling's), all in one transaction, with a record
/// of what it replaced ([`undo_levelling`]). A task changed since the plan
/// was read fails the whole write (a conflict), so nothing is levelled
/// against a stale plan. No constraint is written: clearing levelling
/// ([`clear_levelling`]) leaves the plan as its links and dates make it.
pub async fn apply_levelling(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    today: NaiveDate,
) -> Result<(Levelled, Option<AppliedLevelling>)> {
    let scope = writer.scope();
    let loaded = load_with_plan_tasks(store, *scope, key, today).await?;
    let time_off = store.list_time_off(*scope, None).await?;
    let outside = elsewhere(
        &bookings_by_project(store, *scope, today).await?,
        loaded.0.project.id,
    );
    let names = member_names(store, *scope).await?;
    level_and_write(store, writer, loaded, names, time_off, outside.into()).await
}

/// Levels a project read already against `outside` and writes it.
async fn level_and_write(
    store: &dyn Store,
    writer: &Writer,
    loaded: (Loaded, Vec<PlanTask>),
    names: HashMap<Id, UserRef>,
    time_off: Vec<TimeOff>,
    outside: std::sync::Arc<Elsewhere>,
) -> Result<(Levelled, Option<AppliedLevelling>)> {
    let (loaded, tasks) = loaded;
    let (loaded, levelled) = level_off_executor(loaded, names, time_off, outside).await?;
    let changes: Vec<DelayChange> = tasks
        .iter()
        .filter_map(|task| {
            let delay = levelled.delays.get(&task.id).copied().unwrap_or(0);
            (task.schedule.levelling_delay != delay).then(|| delay_change(task, delay))
        })
        .collect();
    Ok((
        levelled,
        write_levelling(store, writer, loaded.access, &changes).await?,
    ))
}

fn delay_change(task: &PlanTask, delay: i64) -> DelayChange {
    DelayChange {
        task_id: task.id,
        key: task.key.clone(),
        version: task.version,
        before: task.schedule,
        delay,
    }
}

/// Levels every active project the caller may open, one after another,
/// each around everyone's work in the projects levelled before it: a
/// person booked in several projects is booked once. Earlier-starting
/// projects go first (then by key) and keep their place; later ones give
/// way, as lower-priority projects do in a shared resource pool. With a `writer`, each project's
/// levelling is written as [`apply_levelling`] writes one (its own
/// transaction and undo); without, a preview.
pub async fn level_workspace(
    store: &dyn Store,
    scope: Scope,
    writer: Option<&Writer>,
    today: NaiveDate,
) -> Result<Vec<(Levelled, Option<AppliedLevelling>)>> {
    // Everyone's work in the projects levelled so far.
    let mut so_far = std::sync::Arc::new(Elsewhere::new());
    let mut projects: Vec<Project> = store
        .open_projects(scope)
        .await?
        .into_iter()
        .map(|(project, _)| project)
        .filter(|p| p.status == tandem_domain::ProjectStatus::Active)
        .collect();
    projects.sort_by(|a, b| (a.start_date, &a.key).cmp(&(b.start_date, &b.key)));
    let (members, time_off) =
        tokio::try_join!(store.list_members(scope), store.list_time_off(scope, None))?;
    let people = People::new(&members, &time_off);
    let names: HashMap<Id, UserRef> = members.into_iter().map(|m| (m.user.id, m.user)).collect();
    let mut out = Vec::with_capacity(projects.len());
    // Each project's plan is read while the one before it is levelled
    // (and written): the reads are waits on the database, the levelling
    // is CPU, and the next read needs nothing the levelling gives.
    let mut next = match projects.first() {
        Some(first) => Some(load_among(store, scope, &first.key, today, &people).await?),
        None => None,
    };
    let mut rest = projects.iter().skip(1);
    while let Some((loaded, tasks)) = next.take() {
        let following = rest.next();
        let outside = so_far.clone();
        let names = names.clone();
        let time_off = time_off.clone();
        let level_this = async {
            match writer {
                Some(writer) => {
                    level_and_write(store, writer, (loaded, tasks), names, time_off, outside).await
                }
                None => Ok((
                    level_off_executor(loaded, names, time_off, outside)
                        .await?
                        .1,
                    None,
                )),
            }
        };
        let read_next = async {
            match following {
                Some(project) => load_among(store, scope, &project.key, today, &people)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        };
        let ((levelled, applied), read) = tokio::try_join!(level_this, read_next)?;
        next = read;
        let work = std::sync::Arc::make_mut(&mut so_far);
        for b in &levelled.bookings {
            work.entry(b.owner).or_default().push((b.start, b.finish));
        }
        out.push((levelled, applied));
    }
    Ok(out)
}

/// Takes every levelling delay out of the project's plan (Project's "clear
/// levelling"), recorded as a levelling so that an undo puts them back.
/// None when no task had one.
pub async fn clear_levelling(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
) -> Result<Option<AppliedLevelling>> {
    let (_, access) = store.open_project(*writer.scope(), key).await?;
    let changes: Vec<DelayChange> = store
        .plan_tasks(access)
        .await?
        .iter()
        .filter(|t| t.schedule.levelling_delay != 0)
        .map(|t| delay_change(t, 0))
        .collect();
    write_levelling(store, writer, access, &changes).await
}

/// Writes a levelling's changes in one transaction; none for no changes.
async fn write_levelling(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    changes: &[DelayChange],
) -> Result<Option<AppliedLevelling>> {
    if changes.is_empty() {
        return Ok(None);
    }
    match store.apply_levelling(writer.scope(), access, changes).await {
        Ok(applied) => Ok(Some(applied)),
        Err(StoreError::VersionMismatch { .. }) => Err(Error::Conflict(
            "a task changed while levelling; preview and apply again".into(),
        )),
        Err(other) => Err(other.into()),
    }
}

/// The project's newest levelling, if it still stands: what an undo
/// would take back.
pub async fn standing_levelling(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> Result<Option<AppliedLevelling>> {
    let (_, access) = store.open_project(scope, key).await?;
    Ok(store
        .last_levelling(access)
        .await?
        .filter(|l| l.undone_at.is_none()))
}

/// Takes back the project's newest levelling: every task it delayed gets
/// the constraint it had before, in one transaction, or nothing changes
/// (a task changed since, or it was taken back already).
pub async fn undo_levelling(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
) -> Result<AppliedLevelling> {
    let (_, access) = store.open_project(*writer.scope(), key).await?;
    Ok(store.undo_levelling(writer.scope(), access).await?)
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

/// A Microsoft Project XML file to import, with the new project's key
/// (else one made from the file's name) and name (else the file's).
#[derive(Debug, Clone, Copy)]
pub struct MspdiImport<'a> {
    pub file: &'a [u8],
    pub key: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// Imports a Microsoft Project file as a new project. The file's plan is
/// scheduled first, so a file whose links form a cycle is refused whole;
/// a bad key and a bad file are reported together.
pub async fn import_mspdi(
    store: &dyn Store,
    writer: &Writer,
    import: MspdiImport<'_>,
) -> Result<Project> {
    // Reading and scheduling a file of tens of thousands of tasks is
    // seconds of CPU, which must not hold up the executor's threads.
    let file = import.file.to_vec();
    let key = import.key.map(str::to_string);
    let name = import.name.map(str::to_string);
    let project =
        tokio::task::spawn_blocking(move || read_mspdi(&file, key.as_deref(), name.as_deref()))
            .await
            .map_err(|e| Error::Schedule(format!("reading the file stopped: {e}")))??;
    Ok(store.import_project(writer.scope(), &project).await?)
}

/// What a Microsoft Project file becomes, or every fault of it and of the
/// key asked for.
fn read_mspdi(
    file: &[u8],
    key: Option<&str>,
    name: Option<&str>,
) -> Result<tandem_domain::interop::ProjectImport> {
    let import = MspdiImport { file, key, name };
    let mut v = Validation::new();
    let key = import.key.and_then(|k| v.take("key", ProjectKey::parse(k)));
    let text = std::str::from_utf8(import.file)
        .map(|t| t.trim_start_matches('\u{feff}'))
        .map_err(|_| "is not UTF-8 text".to_string());
    let file = v.take("file", text).and_then(|t| {
        v.take(
            "file",
            tandem_schedule::mspdi::read(t).map_err(|e| e.to_string()),
        )
    });
    v.into_result()?;
    let file = file.expect("checked");
    let plan = file
        .plan()
        .map_err(|e| Error::Invalid(vec![FieldError::new("file", e.to_string())]))?;
    if let Err(ScheduleError::Cycle(uids)) = tandem_schedule::schedule(&plan) {
        return Err(Error::Cycle(
            uids.iter().map(|uid| format!("task {uid}")).collect(),
        ));
    }
    let key = key.unwrap_or_else(|| {
        tandem_domain::interop::suggested_key(file.name.as_deref().unwrap_or_default())
    });
    Ok(tandem_domain::interop::mspdi_project(
        &file,
        key,
        import.name,
    )?)
}
