//! Work changing level: a task promoted to a project, a project demoted
//! to a task.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::levels::{DemoteTo, Promotion};
use tandem_domain::{FieldError, ProjectKey, Validation, validate};

use crate::{ProjectView, TaskView};

/// Makes a project of a task. Send `If-Match` with the task's version to
/// refuse a promotion of a task changed since it was read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoteTask {
    /// The new project's key: 2 to 10 capital letters or digits, starting
    /// with a letter, free in the workspace.
    #[schemars(required)]
    pub key: Option<String>,
    /// The project's name; the task's title when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl PromoteTask {
    pub fn into_domain(self) -> Result<Promotion, Vec<FieldError>> {
        let mut v = Validation::new();
        let key = match &self.key {
            Some(key) => v.take("key", ProjectKey::parse(key)),
            None => {
                v.push("key", "is required");
                None
            }
        };
        let name = self
            .name
            .as_deref()
            .map(|name| validate::required_text(Some(name), "name", 200, &mut v));
        v.finish(|| Promotion {
            key: key.expect("checked above"),
            name,
        })
    }
}

/// A promotion done.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PromotionView {
    /// The project made: the task's title, description (as objective),
    /// owner (as outcome owner) and dates.
    pub project: ProjectView,
    /// The task, still where it was, with `promoted_to` naming the
    /// project; its comments, files and history are the project's now.
    pub task: TaskView,
    /// How many of its subtasks became the project's tasks.
    pub moved: usize,
    /// How many of its collaborators became stakeholders (contributors).
    pub stakeholders: usize,
}

/// Makes a task of a project: under a new task of `to_project`, or (with
/// `personal: true`) one of the caller's personal tasks. A project
/// promoted from a task of `to_project` goes back under that task. Send
/// `If-Match` with the project's version to refuse a demotion of a project
/// changed since it was read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemoteProject {
    /// The key of the project the task goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_project: Option<String>,
    /// A personal task of the caller instead (only when every task of the
    /// project is the caller's or nobody's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal: Option<bool>,
}

impl DemoteProject {
    pub fn into_domain(self) -> Result<DemoteTo, Vec<FieldError>> {
        let mut v = Validation::new();
        let to = match (self.to_project.as_deref().map(str::trim), self.personal) {
            (Some(key), None | Some(false)) if !key.is_empty() => {
                Some(DemoteTo::Project(key.to_ascii_uppercase()))
            }
            (None, Some(true)) => Some(DemoteTo::Personal),
            (Some(_), Some(true)) => {
                v.push("to_project", "give a project or personal, not both");
                None
            }
            _ => {
                v.push(
                    "to_project",
                    "is required: the key of the project the task goes to (or personal: true)",
                );
                None
            }
        };
        v.finish(|| to.expect("checked above"))
    }
}

/// A demotion done.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DemotionView {
    /// The task the project became; its former tasks are its subtasks.
    pub task: TaskView,
    /// How many tasks became its subtasks.
    pub moved: usize,
    /// Whether the task is the one the project was promoted from (the
    /// promotion undone).
    pub restored: bool,
}
