//! Goals; the queries, compiled once per backend (see `mod.rs`).

use tandem_domain::rollup::Progress;
use tandem_domain::{Goal, GoalFields, KeyResultFields, goal_cycle, task_key_text};

use super::*;
use crate::{GoalStore, GoalTask};

const PROJECTS_SERVING: &str = "SELECT l.goal_id, l.project_id FROM goal_projects l \
    JOIN goals g ON g.id = l.goal_id WHERE g.workspace_id = $1 AND ($2 = 0 OR g.id = $2) ORDER BY l.goal_id, l.position";
const TASKS_SERVING: &str = "SELECT l.goal_id, l.task_id FROM goal_tasks l \
    JOIN goals g ON g.id = l.goal_id WHERE g.workspace_id = $1 AND ($2 = 0 OR g.id = $2) ORDER BY l.goal_id, l.position";

/// Every goal of the workspace (or only goal `only`) with its key results
/// and links.
async fn goals_of(tx: &mut Tx, workspace_id: Id, only: Option<Id>) -> Result<Vec<Goal>> {
    // 0 is no goal's id: then every goal is read.
    let only = only.unwrap_or(0);
    let rows = sqlx::query(&format!(
        "{GOAL_SELECT} WHERE g.workspace_id = $1 AND ($2 = 0 OR g.id = $2) ORDER BY g.title, g.id"
    ))
    .bind(workspace_id)
    .bind(only)
    .fetch_all(&mut **tx)
    .await?;
    let krs = sqlx::query(&format!(
        "{KEY_RESULT_SELECT} JOIN goals g ON g.id = k.goal_id WHERE g.workspace_id = $1 \
         AND ($2 = 0 OR g.id = $2) ORDER BY k.goal_id, k.position, k.id"
    ))
    .bind(workspace_id)
    .bind(only)
    .fetch_all(&mut **tx)
    .await?;
    let mut key_results: HashMap<Id, Vec<KeyResult>> = HashMap::new();
    for row in &krs {
        let (goal, kr) = key_result_from_row(row)?;
        key_results.entry(goal).or_default().push(kr);
    }
    let mut projects = grouped(
        sqlx::query_as(PROJECTS_SERVING)
            .bind(workspace_id)
            .bind(only)
            .fetch_all(&mut **tx)
            .await?,
    );
    let mut tasks = grouped(
        sqlx::query_as(TASKS_SERVING)
            .bind(workspace_id)
            .bind(only)
            .fetch_all(&mut **tx)
            .await?,
    );
    rows.iter()
        .map(|row| {
            let mut g = goal_from_row(row)?;
            g.key_results = key_results.remove(&g.id).unwrap_or_default();
            g.project_ids = projects.remove(&g.id).unwrap_or_default();
            g.task_ids = tasks.remove(&g.id).unwrap_or_default();
            Ok(g)
        })
        .collect()
}

pub(super) async fn fetch_goal_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Goal> {
    goals_of(tx, scope.workspace_id, Some(id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound("goal"))
}

/// A goal's fields as stored, its links by key.
async fn goal_fields_tx(tx: &mut Tx, scope: Scope, g: &Goal) -> Result<GoalFields> {
    let keys: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM projects WHERE workspace_id = $1")
            .bind(scope.workspace_id)
            .fetch_all(&mut **tx)
            .await?;
    let keys: HashMap<Id, String> = keys.into_iter().collect();
    let mut tasks = Vec::with_capacity(g.task_ids.len());
    for task_id in &g.task_ids {
        let (project_id, number): (i64, i64) =
            sqlx::query_as("SELECT project_id, number FROM tasks WHERE id = $1")
                .bind(task_id)
                .fetch_one(&mut **tx)
                .await?;
        if let Some(key) = keys.get(&project_id) {
            tasks.push(TaskKey::Project {
                project: key.clone(),
                number,
            });
        }
    }
    Ok(GoalFields {
        title: g.title.clone(),
        description: g.description.clone(),
        owner: g.owner.as_ref().and_then(|u| Email::parse(&u.email).ok()),
        period: g.period,
        parent: g.parent_id,
        status: g.status,
        measure: g.measure,
        weight: g.weight,
        projects: g
            .project_ids
            .iter()
            .filter_map(|id| keys.get(id))
            .filter_map(|key| ProjectKey::parse(key).ok())
            .collect(),
        tasks,
    })
}

/// Checks what `fields` names and writes it as goal `id`'s parent and
/// links.
async fn write_links_tx(tx: &mut Tx, scope: Scope, id: Id, fields: &GoalFields) -> Result<()> {
    if let Some(parent) = fields.parent {
        let parents: Vec<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, parent_id FROM goals WHERE workspace_id = $1")
                .bind(scope.workspace_id)
                .fetch_all(&mut **tx)
                .await?;
        let parents: HashMap<Id, Option<Id>> = parents.into_iter().collect();
        if !parents.contains_key(&parent) {
            return Err(StoreError::invalid("parent", format!("no goal {parent}")));
        }
        if goal_cycle(id, Some(parent), &parents) {
            return Err(StoreError::invalid(
                "parent",
                format!(
                    "goal {parent} is this goal or under it: a goal cannot be its own ancestor"
                ),
            ));
        }
    }
    sqlx::query("UPDATE goals SET parent_id = $1 WHERE id = $2")
        .bind(fields.parent)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let mut project_ids = Vec::with_capacity(fields.projects.len());
    for key in &fields.projects {
        match fetch_project_tx(tx, scope, key.as_str()).await {
            Ok(project) => project_ids.push(project.id),
            Err(StoreError::NotFound(_)) => {
                return Err(StoreError::invalid("projects", format!("no project {key}")));
            }
            Err(e) => return Err(e),
        }
    }
    let mut task_ids = Vec::with_capacity(fields.tasks.len());
    for key in &fields.tasks {
        let text = task_key_text(key);
        match fetch_task_tx(tx, scope, &text).await {
            Ok(task) if task.project.is_some() => task_ids.push(task.id),
            Ok(_) | Err(StoreError::NotFound(_)) => {
                return Err(StoreError::invalid("tasks", format!("no task {text}")));
            }
            Err(e) => return Err(e),
        }
    }
    for table in ["goal_projects", "goal_tasks"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE goal_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for (position, project_id) in project_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO goal_projects (goal_id, project_id, position) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(project_id)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    for (position, task_id) in task_ids.iter().enumerate() {
        sqlx::query("INSERT INTO goal_tasks (goal_id, task_id, position) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(task_id)
            .bind(position as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Takes goal `id` for a change: it must exist and be at the version the
/// caller read; its version moves on.
async fn bump_goal_tx(tx: &mut Tx, scope: Scope, id: Id, expected: Option<i64>) -> Result<Goal> {
    let current = fetch_goal_tx(tx, scope, id).await?;
    check_version(expected, current.version)?;
    let bumped = sqlx::query(
        "UPDATE goals SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(Utc::now())
    .bind(id)
    .bind(current.version)
    .execute(&mut **tx)
    .await?;
    if bumped.rows_affected() == 0 {
        return Err(StoreError::VersionMismatch {
            current: current.version + 1,
        });
    }
    Ok(current)
}

async fn record_goal(
    tx: &mut Tx,
    scope: Scope,
    goal: &Goal,
    action: &str,
    changes: &[FieldChange],
) -> Result<()> {
    record(
        tx,
        scope,
        None,
        EntityKind::Goal,
        goal.id,
        &goal.title,
        action,
        changes,
    )
    .await
}

fn key_result_taken(e: sqlx::Error, name: &str) -> StoreError {
    match unique_to_conflict(e, "a key result with this name") {
        StoreError::Conflict(_) => StoreError::invalid(
            "name",
            format!("this goal has a key result named {name} already"),
        ),
        other => other,
    }
}

#[async_trait]
impl GoalStore for DbStore {
    async fn create_goal(&self, scope: WriteScope, fields: &GoalFields) -> Result<Goal> {
        let scope = *scope;
        fields.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let owner = optional_member(&mut tx, scope, fields.owner.as_ref(), "owner").await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO goals (workspace_id, title, description, owner_id, period_start, period_end, \
             status, measure, weight, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(fields.title.trim())
        .bind(fields.description.as_deref().map(str::trim))
        .bind(owner)
        .bind(fields.period.map(|p| p.start))
        .bind(fields.period.map(|p| p.end))
        .bind(fields.status.map(|s| s.as_str()))
        .bind(fields.measure.map(|m| m.as_str()))
        .bind(fields.weight)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        write_links_tx(&mut tx, scope, id, fields).await?;
        let created = fetch_goal_tx(&mut tx, scope, id).await?;
        record_goal(
            &mut tx,
            scope,
            &created,
            "created",
            &activity::created(&goal_snapshot(fields)),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_goals(&self, scope: Scope) -> Result<Vec<Goal>> {
        let mut tx = self.read_tx().await?;
        let goals = goals_of(&mut tx, scope.workspace_id, None).await?;
        tx.commit().await?;
        Ok(goals)
    }

    async fn goal_tasks(&self, scope: Scope) -> Result<Vec<GoalTask>> {
        let rows = sqlx::query(
            "SELECT l.goal_id, t.id, t.project_id, p.key, t.number, t.title, t.status, \
             t.percent_complete, t.effort_hours, t.estimate_days \
             FROM goal_tasks l JOIN goals g ON g.id = l.goal_id \
             JOIN tasks t ON t.id = l.task_id JOIN projects p ON p.id = t.project_id \
             WHERE g.workspace_id = $1 ORDER BY l.goal_id, l.position",
        )
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(goal_task_from_row).collect()
    }

    async fn projects_progress(&self, scope: Scope) -> Result<HashMap<Id, Progress>> {
        let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT c.project_id, CAST(SUM(c.leaf_tasks) AS BIGINT), CAST(SUM(c.done_tasks) AS BIGINT), \
             CAST(SUM(c.weight_mh) AS BIGINT), CAST(SUM(c.done_mh_pct) AS BIGINT) \
             FROM rollup_cells c JOIN projects p ON p.id = c.project_id \
             WHERE p.workspace_id = $1 GROUP BY c.project_id",
        )
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, leaf_tasks, done_tasks, weight_mh, done_mh_pct)| {
                let sums = RollupSums {
                    leaf_tasks,
                    done_tasks,
                    weight_mh,
                    done_mh_pct,
                };
                (id, sums.progress())
            })
            .collect())
    }

    async fn update_goal(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, GoalFields>,
    ) -> Result<Goal> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = bump_goal_tx(&mut tx, scope, id, expected_version).await?;
        let before = goal_fields_tx(&mut tx, scope, &current).await?;
        let fields = &patched(change, before.clone())?;
        fields.check().map_err(StoreError::Invalid)?;
        let owner = optional_member(&mut tx, scope, fields.owner.as_ref(), "owner").await?;
        sqlx::query(
            "UPDATE goals SET title = $1, description = $2, owner_id = $3, period_start = $4, \
             period_end = $5, status = $6, measure = $7, weight = $8 WHERE id = $9",
        )
        .bind(fields.title.trim())
        .bind(fields.description.as_deref().map(str::trim))
        .bind(owner)
        .bind(fields.period.map(|p| p.start))
        .bind(fields.period.map(|p| p.end))
        .bind(fields.status.map(|s| s.as_str()))
        .bind(fields.measure.map(|m| m.as_str()))
        .bind(fields.weight)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        write_links_tx(&mut tx, scope, id, fields).await?;
        let updated = fetch_goal_tx(&mut tx, scope, id).await?;
        let changes = activity::diff(&goal_snapshot(&before), &goal_snapshot(fields));
        record_goal(&mut tx, scope, &updated, "updated", &changes).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn delete_goal(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_goal_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        let fields = goal_fields_tx(&mut tx, scope, &current).await?;
        // Its sub-goals move up to its parent; each is changed, so each
        // has a new version.
        sqlx::query("UPDATE goals SET parent_id = $2, version = version + 1 WHERE parent_id = $1")
            .bind(id)
            .bind(current.parent_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM goals WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record_goal(
            &mut tx,
            scope,
            &current,
            "deleted",
            &activity::deleted(&goal_snapshot(&fields)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_key_result(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        kr: &KeyResultFields,
    ) -> Result<Goal> {
        let scope = *scope;
        kr.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let current = bump_goal_tx(&mut tx, scope, id, expected_version).await?;
        let name = kr.name.trim();
        sqlx::query(
            "INSERT INTO key_results (goal_id, name, unit, start_value, target_value, current_value, position, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(name)
        .bind(kr.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()))
        .bind(kr.start)
        .bind(kr.target)
        .bind(kr.current)
        .bind(current.key_results.len() as i64)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await
        .map_err(|e| key_result_taken(e, name))?;
        let updated = fetch_goal_tx(&mut tx, scope, id).await?;
        let mut changes = activity::created(&key_result_snapshot(kr));
        for c in &mut changes {
            c.field = format!("key result {name}: {}", c.field);
        }
        record_goal(&mut tx, scope, &updated, "updated", &changes).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn update_key_result(
        &self,
        scope: WriteScope,
        id: Id,
        key_result_id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, KeyResultFields>,
    ) -> Result<Goal> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = bump_goal_tx(&mut tx, scope, id, expected_version).await?;
        let kr = current
            .key_results
            .iter()
            .find(|k| k.id == key_result_id)
            .ok_or(StoreError::NotFound("key result"))?;
        let before = kr.fields();
        let fields = patched(change, before.clone())?;
        fields.check().map_err(StoreError::Invalid)?;
        let name = fields.name.trim();
        sqlx::query(
            "UPDATE key_results SET name = $1, unit = $2, start_value = $3, target_value = $4, \
             current_value = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(name)
        .bind(
            fields
                .unit
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty()),
        )
        .bind(fields.start)
        .bind(fields.target)
        .bind(fields.current)
        .bind(Utc::now())
        .bind(key_result_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| key_result_taken(e, name))?;
        let updated = fetch_goal_tx(&mut tx, scope, id).await?;
        let mut changes =
            activity::diff(&key_result_snapshot(&before), &key_result_snapshot(&fields));
        for c in &mut changes {
            c.field = format!("key result {}: {}", before.name, c.field);
        }
        record_goal(&mut tx, scope, &updated, "updated", &changes).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn delete_key_result(
        &self,
        scope: WriteScope,
        id: Id,
        key_result_id: Id,
        expected_version: Option<i64>,
    ) -> Result<Goal> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = bump_goal_tx(&mut tx, scope, id, expected_version).await?;
        let kr = current
            .key_results
            .iter()
            .find(|k| k.id == key_result_id)
            .ok_or(StoreError::NotFound("key result"))?;
        sqlx::query("DELETE FROM key_results WHERE id = $1")
            .bind(key_result_id)
            .execute(&mut *tx)
            .await?;
        let updated = fetch_goal_tx(&mut tx, scope, id).await?;
        let mut changes = activity::deleted(&key_result_snapshot(&kr.fields()));
        for c in &mut changes {
            c.field = format!("key result {}: {}", kr.name, c.field);
        }
        record_goal(&mut tx, scope, &updated, "updated", &changes).await?;
        tx.commit().await?;
        Ok(updated)
    }
}
