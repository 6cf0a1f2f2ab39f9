//! The signals' facts; the queries, compiled once per backend (see
//! `mod.rs`).

use tandem_domain::signals::{ProjectFacts, SMALL_PROJECT_TASKS, TaskFacts};

use super::*;
use crate::signals::SignalStore;

#[async_trait]
impl SignalStore for DbStore {
    async fn task_facts(&self, task: &Task) -> Result<TaskFacts> {
        let (subtasks, subtask_owners, people, approvals, links): (i64, i64, i64, i64, i64) =
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM tasks WHERE parent_id = $1), \
                 (SELECT COUNT(DISTINCT owner_id) FROM tasks WHERE parent_id = $1), \
                 (SELECT COUNT(*) FROM (SELECT owner_id AS who FROM tasks WHERE id = $1 \
                  UNION SELECT owner_id FROM tasks WHERE parent_id = $1 \
                  UNION SELECT user_id FROM task_collaborators WHERE task_id = $1) p \
                  WHERE who IS NOT NULL), \
                 (SELECT COUNT(*) FROM approvals WHERE task_id = $1), \
                 (SELECT COUNT(*) FROM dependencies WHERE predecessor_id = $1) \
                 + (SELECT COUNT(*) FROM dependencies WHERE successor_id = $1)",
            )
            .bind(task.id)
            .fetch_one(self.reader())
            .await?;
        let count = |n: i64| n.max(0) as usize;
        Ok(TaskFacts {
            start: task.start_date,
            due: task.due_date,
            estimate_days: task.estimate_days,
            effort_hours: task.effort_hours,
            people: count(people),
            approvals: count(approvals),
            links: count(links),
            subtasks: count(subtasks),
            subtask_owners: count(subtask_owners),
        })
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
        let tasks = counted.max(0) as usize;
        if tasks > SMALL_PROJECT_TASKS {
            tx.commit().await?;
            return Ok(ProjectFacts {
                tasks,
                ..ProjectFacts::default()
            });
        }
        type Row = (
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<f64>,
            i64,
            i64,
            i64,
        );
        let (start, target, first, last, estimate, people, links, milestones): Row =
            sqlx::query_as(&format!(
                "SELECT p.start_date, p.target_date, \
                 (SELECT MIN(start_date) FROM tasks WHERE project_id = $1), \
                 (SELECT MAX(due_date) FROM tasks WHERE project_id = $1), \
                 (SELECT SUM(estimate_days) FROM tasks WHERE project_id = $1 AND {OPEN_TASK}), \
                 (SELECT COUNT(*) FROM (SELECT owner_id AS who FROM tasks WHERE project_id = $1 \
                  UNION SELECT owner_id FROM projects WHERE id = $1) o WHERE who IS NOT NULL), \
                 (SELECT COUNT(*) FROM dependencies d JOIN tasks t ON t.id = d.predecessor_id \
                  WHERE t.project_id = $1), \
                 (SELECT COUNT(*) FROM milestones WHERE project_id = $1) \
                 FROM projects p WHERE p.id = $1"
            ))
            .bind(project)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let count = |n: i64| n.max(0) as usize;
        Ok(ProjectFacts {
            start: start.or(first),
            finish: target.or(last),
            estimate_days: estimate.unwrap_or(0.0),
            people: count(people),
            tasks,
            links: count(links),
            milestones: count(milestones),
        })
    }
}
