//! What the task-or-project signals read (`tandem_domain::signals`): a
//! task's span, people, approvals, links and subtasks; a project's
//! dates, people, links and milestones. Counts only, read in one
//! statement each, so the verdict costs a page one round trip.

use async_trait::async_trait;
use tandem_domain::Task;
use tandem_domain::signals::{ProjectFacts, TaskFacts};

use crate::{ProjectAccess, Result};

#[async_trait]
pub trait SignalStore: Send + Sync {
    /// The facts of `task`, as the caller read it (the store only gives
    /// a task to whoever may open it).
    async fn task_facts(&self, task: &Task) -> Result<TaskFacts>;
    /// The facts of the project the caller opened.
    async fn project_facts(&self, access: ProjectAccess) -> Result<ProjectFacts>;
}
