//! The signals' facts; the queries, compiled once per backend (see
//! `mod.rs`).

use tandem_domain::signals::{ProjectFacts, SMALL_PROJECT_TASKS, TaskFacts};

use super::*;
use crate::signals::SignalStore;

/// What is not done or cancelled.
const OPEN: &str = "status NOT IN ('done', 'cancelled')";

#[async_trait]
impl SignalStore for DbStore {
    async fn task_facts(&self, scope: Scope, key: &str) -> Result<(Task, TaskFacts)> {
        let mut tx = self.read_tx().await?;
        let task = fetch_task_tx(&mut tx, scope, key).await?;
        let (subtasks, subtask_owners): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT owner_id) FROM tasks WHERE parent_id = $1",
        )
        .bind(task.id)
        .fetch_one(&mut *tx)
        .await?;
        let (people,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT owner_id AS who FROM tasks WHERE id = $1 \
             UNION SELECT owner_id FROM tasks WHERE parent_id = $1 \
             UNION SELECT user_id FROM task_collaborators WHERE task_id = $1) p WHERE who IS NOT NULL",
        )
        .bind(task.id)
        .fetch_one(&mut *tx)
        .await?;
        let (approvals,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM approvals WHERE task_id = $1")
                .bind(task.id)
                .fetch_one(&mut *tx)
                .await?;
        let (links,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM dependencies WHERE predecessor_id = $1) \
             + (SELECT COUNT(*) FROM dependencies WHERE successor_id = $1)",
        )
        .bind(task.id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let facts = TaskFacts {
            start: task.start_date,
            due: task.due_date,
            estimate_days: task.estimate_days,
            effort_hours: task.effort_hours,
            people: people.max(0) as usize,
            approvals: approvals.max(0) as usize,
            links: links.max(0) as usize,
            subtasks: subtasks.max(0) as usize,
            subtask_owners: subtask_owners.max(0) as usize,
        };
        Ok((task, facts))
    }

    async fn project_facts(&self, access: ProjectAccess) -> Result<ProjectFacts> {
        let project = access.project_id();
        let mut tx = self.read_tx().await?;
        // A big project's facts are not read (the overview costs the same
        // at any size): its task count says enough.
        let (counted,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE project_id = $1 LIMIT $2) few",
        )
        .bind(project)
        .bind(SMALL_PROJECT_TASKS as i64 + 1)
        .fetch_one(&mut *tx)
        .await?;
        if counted as usize > SMALL_PROJECT_TASKS {
            tx.commit().await?;
            return Ok(ProjectFacts {
                tasks: counted as usize,
                ..ProjectFacts::default()
            });
        }
        let (start, target, owner): (Option<NaiveDate>, Option<NaiveDate>, Option<Id>) =
            sqlx::query_as("SELECT start_date, target_date, owner_id FROM projects WHERE id = $1")
                .bind(project)
                .fetch_one(&mut *tx)
                .await?;
        let (tasks, first, last, estimate): (
            i64,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<f64>,
        ) = sqlx::query_as(&format!(
            "SELECT COUNT(*), MIN(start_date), MAX(due_date), \
                 SUM(CASE WHEN {OPEN} THEN estimate_days ELSE 0 END) \
                 FROM tasks WHERE project_id = $1"
        ))
        .bind(project)
        .fetch_one(&mut *tx)
        .await?;
        let owners: Vec<(Id,)> = sqlx::query_as(
            "SELECT DISTINCT owner_id FROM tasks WHERE project_id = $1 AND owner_id IS NOT NULL",
        )
        .bind(project)
        .fetch_all(&mut *tx)
        .await?;
        let (links,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM dependencies d JOIN tasks t ON t.id = d.predecessor_id \
             WHERE t.project_id = $1",
        )
        .bind(project)
        .fetch_one(&mut *tx)
        .await?;
        let (milestones,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM milestones WHERE project_id = $1")
                .bind(project)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        let mut people: Vec<Id> = owners.into_iter().map(|(id,)| id).chain(owner).collect();
        people.sort_unstable();
        people.dedup();
        Ok(ProjectFacts {
            start: start.or(first),
            finish: target.or(last),
            estimate_days: estimate.unwrap_or(0.0),
            people: people.len(),
            tasks: tasks.max(0) as usize,
            links: links.max(0) as usize,
            milestones: milestones.max(0) as usize,
        })
    }
}
