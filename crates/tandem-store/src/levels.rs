//! Work changing level: a task promoted to a project, a project demoted
//! to a task (`tandem_domain::levels` decides the fields and the
//! refusals). Each is one transaction, in the history of everything it
//! moves; a task's former keys keep finding it.

use async_trait::async_trait;
pub use tandem_domain::levels::{DemoteTo, Promotion};
use tandem_domain::{Id, Project, ProjectRef, Task, TaskRef};

use crate::{Result, Scope, WriteScope};

/// A promotion done: the project made, the task left where it was (now
/// pointing at the project), and how many subtasks became its tasks.
#[derive(Debug, Clone)]
pub struct Promoted {
    pub project: Project,
    pub task: Task,
    pub moved: usize,
    /// The task's collaborators, now the project's stakeholders.
    pub stakeholders: usize,
}

/// A demotion done: the task the project became (the task it was
/// promoted from, when it goes back there), and how many of its tasks
/// became subtasks.
#[derive(Debug, Clone)]
pub struct Demoted {
    pub task: Task,
    pub moved: usize,
    /// Whether the task is the one the project was promoted from.
    pub restored: bool,
}

#[async_trait]
pub trait LevelStore: Send + Sync {
    /// Makes project `promotion.key` of the task `key`: its subtasks become
    /// the project's tasks (hierarchy, owners, dates, estimates, links and
    /// history kept), its collaborators stakeholders, its owner the
    /// outcome owner, its comments, files and history the project's; the
    /// task stays where it was, pointing at the project.
    async fn promote_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        promotion: &Promotion,
    ) -> Result<Promoted>;

    /// Makes the project `key` a task of `to`: its tasks become the task's
    /// subtasks, its member stakeholders collaborators, its comments,
    /// files and history the task's, its goals the task's; then the
    /// project is gone. A project promoted from a task of `to` goes back
    /// under that task. Refused while the project holds what a task
    /// cannot (`DemoteBlockers`).
    async fn demote_project(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        to: &DemoteTo,
    ) -> Result<Demoted>;

    /// The project the task was promoted to, when the caller may open it.
    async fn promoted_to(&self, scope: Scope, task_id: Id) -> Result<Option<ProjectRef>>;

    /// The task the project was promoted from, when the caller may open it.
    async fn promoted_from(&self, scope: Scope, project_id: Id) -> Result<Option<TaskRef>>;

    /// The key the task that once had `key` has now, when the caller may
    /// open it: a link to a task that moved still finds it.
    async fn moved_task_key(&self, scope: Scope, key: &str) -> Result<Option<String>>;
}
