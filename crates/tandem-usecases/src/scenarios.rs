//! What-if scenarios: branched, edited, applied, discarded (anyone who
//! may write the project), and a scenario's plan laid over the project's
//! and scheduled (`tandem_domain::scenarios` lays it over; the scheduler
//! schedules it).

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use tandem_domain::planning::{People, PlanTask, ProjectPlan, project_plan};
use tandem_domain::scenarios::{LinkEdit, TaskEdit, lay_over};
use tandem_domain::{DependencyKind, Id, Link, Member, Project, StoredSchedule, TimeOff};
use tandem_store::{Applied, ProjectAccess, Scenario, Store};

use crate::planning::{Loaded, schedule_error};
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
        .edit_scenario_task(writer.scope(), access, name, key, edit)
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
    let exceptions = store.list_calendar_exceptions(plan.access).await?;
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
        plan.project,
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
