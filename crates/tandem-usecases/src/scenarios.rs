//! What-if scenarios: branched, edited, applied, discarded (anyone who
//! may write the project), and a scenario's plan laid over the project's
//! and scheduled (`tandem_domain::scenarios` lays it over; the scheduler
//! schedules it).

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use tandem_domain::planning::{People, PlanTask, ProjectPlan, project_plan};
use tandem_domain::scenarios::{CalendarChange, Edit, LinkEdit, TaskEdit, lay_over};
use tandem_domain::{DependencyKind, Id, Link, Member, Project, StoredSchedule, TimeOff};
use tandem_store::{Applied, ProjectAccess, Scenario, Scope, Store};

use crate::planning::{
    Levelled, Loaded, bookings_by_project, elsewhere, level_off_executor, load_with_plan_tasks,
    schedule_error,
};
use crate::{Result, Writer};

pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
) -> Result<Scenario> {
    Ok(store.create_scenario(writer.scope(), access, name).await?)
}

pub async fn discard(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
) -> Result<()> {
    Ok(store.delete_scenario(writer.scope(), access, name).await?)
}

pub async fn edit_task(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
    key: &str,
    edit: &TaskEdit,
) -> Result<Scenario> {
    Ok(store
        .edit_scenario_tasks(
            writer.scope(),
            access,
            name,
            &[(key.to_string(), edit.clone())],
        )
        .await?)
}

pub async fn edit_calendar(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
    change: CalendarChange,
) -> Result<Scenario> {
    Ok(store
        .edit_scenario_calendar(writer.scope(), access, name, change)
        .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn edit_link(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
    predecessor: &str,
    successor: &str,
    kind: DependencyKind,
    lag_days: f64,
    removed: bool,
) -> Result<Scenario> {
    Ok(store
        .edit_scenario_link(
            writer.scope(),
            access,
            name,
            predecessor,
            successor,
            kind,
            lag_days,
            removed,
        )
        .await?)
}

pub async fn apply(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
    expected_version: Option<i64>,
) -> Result<Applied> {
    Ok(store
        .apply_scenario(writer.scope(), access, name, expected_version)
        .await?)
}

/// Levels the scenario's plan as levelling the project would (around its
/// people's time off and their work in the workspace's other active
/// projects), the plan untouched. With a `writer`, each task's levelling
/// delay is written into the scenario (the plan's delays replaced where
/// they differ); without, a preview.
pub async fn level(
    store: &dyn Store,
    scope: Scope,
    writer: Option<&Writer>,
    key: &str,
    name: &str,
    today: NaiveDate,
) -> Result<Levelled> {
    let (loaded, tasks) = load_with_plan_tasks(store, scope, key, today).await?;
    let (scenario, members, time_off) = tokio::try_join!(
        store.get_scenario(loaded.access, name),
        store.list_members(scope),
        store.list_time_off(scope, None),
    )?;
    let (planned, laid, links) = scenario_plan(
        store,
        PlanRead::of(&loaded, &tasks),
        &members,
        &time_off,
        &scenario,
    )
    .await?;
    let outside = elsewhere(
        &bookings_by_project(store, scope, today).await?,
        loaded.project.id,
    );
    let names = members.into_iter().map(|m| (m.user.id, m.user)).collect();
    let branch = Loaded {
        project: loaded.project,
        access: loaded.access,
        stamp: loaded.stamp,
        dependencies: links,
        planned,
    };
    let (branch, levelled) = level_off_executor(branch, names, time_off, outside.into()).await?;
    if let Some(writer) = writer {
        // Every delay the levelling gives is the scenario's own, the
        // plan's same delays too: the plan's levelling cleared or redone
        // later is then a change the scenario names, not one it follows
        // unseen.
        let delay = |id| levelled.delays.get(&id).copied().unwrap_or(0);
        let edits: Vec<(String, TaskEdit)> = laid
            .iter()
            .filter(|t| delay(t.id) != 0 || t.schedule.levelling_delay != 0)
            .map(|t| (t.key.clone(), delay_edit(delay(t.id))))
            .collect();
        if !edits.is_empty() {
            store
                .edit_scenario_tasks(writer.scope(), branch.access, &scenario.name, &edits)
                .await?;
        }
    }
    Ok(levelled)
}

/// Takes every levelling delay out of the scenario's plan (the plan's
/// own delays too, in the scenario only).
pub async fn clear_levelling(
    store: &dyn Store,
    writer: &Writer,
    access: ProjectAccess,
    name: &str,
) -> Result<Scenario> {
    let (scenario, tasks) =
        tokio::try_join!(store.get_scenario(access, name), store.plan_tasks(access))?;
    let delay_of: HashMap<Id, i64> = scenario
        .tasks
        .iter()
        .filter_map(|t| match t.edit.levelling_delay? {
            Edit::Set(d) => Some((t.task_id, d)),
            Edit::Clear => Some((t.task_id, 0)),
        })
        .collect();
    let laid: Vec<PlanTask> = tasks
        .into_iter()
        .map(|mut t| {
            if let Some(d) = delay_of.get(&t.id) {
                t.schedule.levelling_delay = *d;
            }
            t
        })
        .collect();
    let edits: Vec<(String, TaskEdit)> = laid
        .iter()
        .filter(|t| t.schedule.levelling_delay != 0)
        .map(|t| (t.key.clone(), delay_edit(0)))
        .collect();
    if edits.is_empty() {
        return Ok(scenario);
    }
    Ok(store
        .edit_scenario_tasks(writer.scope(), access, &scenario.name, &edits)
        .await?)
}

fn delay_edit(minutes: i64) -> TaskEdit {
    TaskEdit {
        levelling_delay: Some(Edit::Set(minutes)),
        ..Default::default()
    }
}

/// The project's plan as read (`loaded`, with its `tasks`), for
/// [`scenario_plan`].
pub struct PlanRead<'a> {
    pub project: &'a Project,
    pub access: ProjectAccess,
    pub planned_on: NaiveDate,
    pub tasks: &'a [PlanTask],
    pub links: &'a [Link],
}

impl<'a> PlanRead<'a> {
    pub fn of(loaded: &'a Loaded, tasks: &'a [PlanTask]) -> Self {
        PlanRead {
            project: &loaded.project,
            access: loaded.access,
            planned_on: loaded.stamp.planned_on,
            tasks,
            links: &loaded.dependencies,
        }
    }
}

/// The scenario's plan: the project's (`plan`) with the scenario's
/// changes laid over it; its tasks and links too. `members` and their
/// `time_off`: the workspace's, read by the caller.
pub async fn scenario_plan(
    store: &dyn Store,
    plan: PlanRead<'_>,
    members: &[Member],
    time_off: &[TimeOff],
    scenario: &Scenario,
) -> Result<(ProjectPlan, Vec<PlanTask>, Vec<Link>)> {
    let mut exceptions = store.list_calendar_exceptions(plan.access).await?;
    let mut project = plan.project.clone();
    scenario
        .calendar
        .lay_over(&mut project.work_week, &mut exceptions);
    let by_email: HashMap<String, Id> = members
        .iter()
        .map(|m| (m.user.email.to_ascii_lowercase(), m.user.id))
        .collect();
    let people = People::new(members, time_off);
    let edits: HashMap<Id, TaskEdit> = scenario
        .tasks
        .iter()
        .map(|t| (t.task_id, t.edit.clone()))
        .collect();
    let link_edits: Vec<LinkEdit> = scenario
        .links
        .iter()
        .map(|l| LinkEdit {
            predecessor_id: l.predecessor.0,
            successor_id: l.successor.0,
            kind: l.kind,
            lag_days: l.lag_days,
            removed: l.removed,
        })
        .collect();
    let mut tasks = plan.tasks.to_vec();
    let mut links = plan.links.to_vec();
    let owner = |email: &str| by_email.get(&email.to_ascii_lowercase()).copied();
    lay_over(&mut tasks, &mut links, &edits, &link_edits, &owner);
    let planned = project_plan(
        &project,
        &exceptions,
        &tasks,
        &links,
        &people,
        plan.planned_on,
    );
    Ok((planned, tasks, links))
}

/// A plan scheduled: a scenario's links may close a cycle, which is the
/// caller's to hear of.
pub fn schedule(planned: &ProjectPlan, at: DateTime<Utc>) -> Result<StoredSchedule> {
    let result =
        tandem_schedule::schedule(&planned.plan).map_err(|e| schedule_error(e, planned))?;
    Ok(planned.stored(&result, at))
}
