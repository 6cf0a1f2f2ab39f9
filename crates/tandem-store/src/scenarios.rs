//! What-if scenarios of a project's plan, kept as their changes
//! (`tandem_domain::scenarios`): the tasks' edits, each with the version
//! of the task it was made on, the links added or taken away, and its
//! changes to the project's calendar.
//! Applying one writes its changes in one transaction, refused while a
//! task it edits changed since.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::scenarios::{CalendarChange, CalendarEdit, TaskEdit};
use tandem_domain::{DependencyKind, Id, UserRef};

use crate::{ProjectAccess, Result, WriteScope};

/// A scenario with its changes.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub id: Id,
    pub name: String,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    pub tasks: Vec<ScenarioTask>,
    pub links: Vec<ScenarioLink>,
    /// What it changes of the project's calendar.
    pub calendar: CalendarEdit,
    /// Its changes to tasks (and links) deleted from the plan since,
    /// which went with them: said, not dropped in silence.
    pub lost: Vec<LostChange>,
}

/// A scenario's change that a task's deletion from the plan took with
/// it: the task's edit, or a link with the task at one end.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LostChange {
    /// The task's key, or the link as `KEY-1 → KEY-2`.
    pub object: String,
    /// The task's fields the scenario changed (empty for a link).
    #[serde(default)]
    pub fields: Vec<String>,
    pub deleted_at: DateTime<Utc>,
}

/// A task as a scenario changes it.
#[derive(Debug, Clone)]
pub struct ScenarioTask {
    pub task_id: Id,
    pub key: String,
    pub title: String,
    pub edit: TaskEdit,
    /// What the task held of those fields when the scenario changed them:
    /// applying is refused for a field the plan changed since (changing
    /// the field again in the scenario takes the plan's value as it is).
    pub base: TaskEdit,
}

/// A link a scenario adds, or (`removed`) takes away; its ends by id and
/// key.
#[derive(Debug, Clone)]
pub struct ScenarioLink {
    pub predecessor: (Id, String),
    pub successor: (Id, String),
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub removed: bool,
    /// The plan's link between the two (type, lag) when the scenario
    /// changed it; none when there was none.
    pub base: Option<(DependencyKind, f64)>,
}

/// What applying a scenario wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub tasks: usize,
    pub links: usize,
    /// Changes to the calendar: the working week counts as one.
    pub calendar: usize,
}

#[async_trait]
pub trait ScenarioStore: Send + Sync {
    /// A new, empty scenario of the project; its name is free there.
    async fn create_scenario(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
    ) -> Result<Scenario>;
    /// The project's scenarios, with their changes, by name.
    async fn list_scenarios(&self, access: ProjectAccess) -> Result<Vec<Scenario>>;
    async fn get_scenario(&self, access: ProjectAccess, name: &str) -> Result<Scenario>;
    /// Discards a scenario; the plan is untouched.
    async fn delete_scenario(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
    ) -> Result<()>;
    /// Lays each edit over what the scenario already changes of its task
    /// (by key, a task of the project), all or none.
    async fn edit_scenario_tasks(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        edits: &[(String, TaskEdit)],
    ) -> Result<Scenario>;
    /// Adds a link to the scenario, or (`removed`) takes one away; both
    /// ends tasks of the project.
    #[allow(clippy::too_many_arguments)]
    async fn edit_scenario_link(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        predecessor: &str,
        successor: &str,
        kind: DependencyKind,
        lag_days: f64,
        removed: bool,
    ) -> Result<Scenario>;
    /// Changes the project's calendar in the scenario only.
    async fn edit_scenario_calendar(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        change: CalendarChange,
    ) -> Result<Scenario>;
    /// Writes the scenario's changes to the plan and discards it, in one
    /// transaction; refused (a conflict naming the tasks and fields, the
    /// links) while the plan changed what the scenario changes since, and
    /// (`expected_version`) when the scenario is not at the version the
    /// caller saw.
    async fn apply_scenario(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        expected_version: Option<i64>,
    ) -> Result<Applied>;
}
