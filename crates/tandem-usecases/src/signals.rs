//! Is it a task or a project: the signals of a task or a project read
//! from the store and judged (`tandem_domain::signals`).

use tandem_domain::signals::{Verdict, project_verdict, task_verdict};
use tandem_domain::{ProjectSignal, Task, TaskSignal};
use tandem_store::{ProjectAccess, Store};

use crate::Result;

/// Whether `task`, as the caller read it, behaves like a project.
pub async fn task(store: &dyn Store, task: &Task) -> Result<Verdict<TaskSignal>> {
    Ok(task_verdict(&store.task_facts(task).await?))
}

/// Whether the project the caller opened could be a task.
pub async fn project(store: &dyn Store, access: ProjectAccess) -> Result<Verdict<ProjectSignal>> {
    Ok(project_verdict(&store.project_facts(access).await?))
}
