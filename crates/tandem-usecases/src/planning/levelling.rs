//! Levelling by task owner: a project's (or every active project's, for
//! people shared between them) work delayed until its owner is free,
//! previewed, applied as levelling delays, cleared and taken back. The
//! levelling itself is `tandem_schedule::level`'s; this module reads the
//! plans and bookings it needs, runs it off the executor and writes.
//! Not here: reading a plan (the parent module) or a scenario's levelling
//! (`crate::scenarios`, which calls in).

use super::*;

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
async fn member_names(store: &dyn Store, scope: Scope) -> Result<HashMap<Id, UserRef>> {
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
    let changes = delay_changes(&tasks, &levelled);
    Ok((
        levelled,
        write_levelling(store, writer, loaded.access, &changes).await?,
    ))
}

/// What a levelling changes in the plan it levelled: each task whose
/// levelling delay is not the one levelling gave it.
fn delay_changes(tasks: &[PlanTask], levelled: &Levelled) -> Vec<DelayChange> {
    tasks
        .iter()
        .filter_map(|task| {
            let delay = levelled.delays.get(&task.id).copied().unwrap_or(0);
            (task.schedule.levelling_delay != delay).then(|| delay_change(task, delay))
        })
        .collect()
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
    // Three things at once, each at its own pace: plans are read ahead,
    // each is levelled in turn (CPU), and the levellings are written one
    // after another. None needs what the others give: a levelling needs
    // the bookings of the projects levelled before it, not their writes,
    // and each write is its project's own transaction. Kept in step, a
    // project's slow read or write held up the other two stages each
    // time; apart, the pass takes as long as its slowest stage. A write
    // that fails (a task changed meanwhile) stops the pass there, as it
    // would one at a time: no later project is written.
    let people = &people;
    let count = projects.len();
    let (read, mut to_level) = tokio::sync::mpsc::channel(READ_AHEAD);
    let reading = async move {
        for project in &projects {
            let plan = load_among(store, scope, &project.key, today, people).await?;
            // Levelling is gone only when it failed: its error is the pass's.
            if read.send(plan).await.is_err() {
                break;
            }
        }
        Ok::<_, Error>(())
    };
    let (pending, mut to_write) =
        tokio::sync::mpsc::channel::<(usize, ProjectAccess, Vec<DelayChange>)>(WRITE_QUEUE);
    let levelling = async move {
        // Everyone's work in the projects levelled so far.
        let mut so_far = std::sync::Arc::new(Elsewhere::new());
        let mut out: Vec<(Levelled, Option<AppliedLevelling>)> = Vec::with_capacity(count);
        while let Some((loaded, tasks)) = to_level.recv().await {
            let (loaded, levelled) =
                level_off_executor(loaded, names.clone(), time_off.clone(), so_far.clone()).await?;
            let work = std::sync::Arc::make_mut(&mut so_far);
            for b in &levelled.bookings {
                work.entry(b.owner).or_default().push((b.start, b.finish));
            }
            // A preview writes nothing, so has nothing to compare.
            if writer.is_some() {
                let changes = delay_changes(&tasks, &levelled);
                // The writer is gone only when a write failed: its error
                // is the pass's.
                if pending
                    .send((out.len(), loaded.access, changes))
                    .await
                    .is_err()
                {
                    break;
                }
            }
            out.push((levelled, None));
        }
        Ok::<_, Error>(out)
    };
    let writing = async {
        let mut written = Vec::new();
        while let Some((at, access, changes)) = to_write.recv().await {
            if let Some(writer) = writer {
                written.push((at, write_levelling(store, writer, access, &changes).await?));
            }
        }
        Ok::<_, Error>(written)
    };
    let ((), mut out, written) = tokio::try_join!(reading, levelling, writing)?;
    for (at, applied) in written {
        out[at].1 = applied;
    }
    Ok(out)
}

/// Plans read ahead of the one being levelled: enough that a read is
/// never waited for, few enough that memory stays a few plans'.
const READ_AHEAD: usize = 1;
/// Levellings waiting to be written, beyond which levelling waits.
const WRITE_QUEUE: usize = 2;

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
