//! What the task-or-project signals read (`tandem_domain::signals`): a
//! task's span, people, approvals, links and subtasks; a project's
//! dates, people, links and milestones. Counts only, each one indexed
//! query, so the verdict costs a page nothing noticeable.

use async_trait::async_trait;
use tandem_domain::Task;
use tandem_domain::signals::{ProjectFacts, TaskFacts};

use crate::{ProjectAccess, Result, Scope};

#[async_trait]
pub trait SignalStore: Send + Sync {
    /// The task `key`, as the caller may open it, and its facts.
    async fn task_facts(&self, scope: Scope, key: &str) -> Result<(Task, TaskFacts)>;
    /// The facts of the project the caller opened.
    async fn project_facts(&self, access: ProjectAccess) -> Result<ProjectFacts>;
}
