//! Is it a task or a project: the signals of a task or a project read
//! from the store and judged (`tandem_domain::signals`).

use tandem_domain::signals::{Verdict, project_verdict, task_verdict};
use tandem_domain::{ProjectSignal, Task, TaskSignal};
use tandem_store::{Scope, Store};

use crate::Result;

/// The task `key` as the caller may open it, and whether it behaves like
/// a project.
pub async fn task(
    store: &dyn Store,
    scope: Scope,
    key: &str,
) -> Result<(Task, Verdict<TaskSignal>)> {
    let (task, facts) = store.task_facts(scope, key).await?;
    Ok((task, task_verdict(&facts)))
}

/// Whether the project `key` could be a task.
pub async fn project(store: &dyn Store, scope: Scope, key: &str) -> Result<Verdict<ProjectSignal>> {
    let (_, access) = store.open_project(scope, key).await?;
    let facts = store.project_facts(access).await?;
    Ok(project_verdict(&facts))
}
