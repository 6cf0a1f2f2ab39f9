//! Links between tasks, checked for cycles under the graph lock; the queries,
//! compiled once per backend (see `mod.rs`).

use super::*;

/// A link's columns: id, predecessor, successor, kind, lag, lag format
/// and version.
pub(crate) type LinkRow = (Id, Id, Id, String, f64, String, i64);

pub(crate) fn links_from(rows: Vec<LinkRow>) -> Result<Vec<crate::Link>> {
    rows.into_iter()
        .map(
            |(id, predecessor_id, successor_id, kind, lag_days, lag_format, version)| {
                Ok(crate::Link {
                    id,
                    predecessor_id,
                    successor_id,
                    kind: vocab(&kind)?,
                    lag_days,
                    lag_format: vocab(&lag_format)?,
                    version,
                })
            },
        )
        .collect()
}

/// The links (predecessor, successor) and outline (task, parent) among
/// the tasks that come after `from` in the plan's order
/// (`tandem_domain::graph::Point`), read in one query: all that a cycle
/// through a new link or a new summary could pass.
pub(super) async fn order_after(
    tx: &mut Tx,
    scope: Scope,
    from: Point,
) -> Result<(Vec<(Id, Id)>, Vec<(Id, Id)>)> {
    let (id, entered): (Id, i32) = match from {
        Point::Start(id) => (id, 1),
        Point::Finish(id) => (id, 0),
    };
    let sql = format!(
        "{ORDER_REACH} \
         SELECT CAST(0 AS INTEGER), d.predecessor_id, d.successor_id FROM dependencies d \
         JOIN (SELECT DISTINCT id FROM reach) r ON d.predecessor_id = r.id \
         WHERE d.workspace_id = $1 \
         UNION ALL SELECT CAST(1 AS INTEGER), t.id, t.parent_id FROM tasks t \
         JOIN (SELECT DISTINCT id FROM reach) r ON t.id = r.id WHERE t.parent_id IS NOT NULL"
    );
    let rows: Vec<(i32, Id, Id)> = sqlx::query_as(&sql)
        .bind(scope.workspace_id)
        .bind(id)
        .bind(entered)
        .fetch_all(&mut **tx)
        .await?;
    let (links, parents): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(kind, ..)| *kind == 0);
    let pairs = |rows: Vec<(i32, Id, Id)>| rows.into_iter().map(|(_, a, b)| (a, b)).collect();
    Ok((pairs(links), pairs(parents)))
}

/// The tasks of a cycle by key; those the caller cannot open are named,
/// but not by key.
pub(super) async fn cycle_keys(tx: &mut Tx, scope: Scope, cycle: Vec<Id>) -> Result<Vec<String>> {
    let mut keys = Vec::with_capacity(cycle.len());
    for id in cycle {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT t.id, t.number, p.key FROM tasks t LEFT JOIN projects p ON p.id = t.project_id WHERE t.id = ",
        );
        qb.push_bind(id);
        push_task_visibility(&mut qb, scope);
        match qb.build().fetch_optional(&mut **tx).await? {
            Some(row) => {
                let key: Option<String> = row.try_get("key")?;
                keys.push(TaskKey::format(key.as_deref(), row.try_get("number")?, id));
            }
            None => keys.push(HIDDEN_TASK.to_string()),
        }
    }
    Ok(keys)
}

/// Takes the locks of the projects of a link's two tasks, lower id first:
/// a link's write changes its projects' plans (their `plan_version`), and
/// every writer of a project takes its lock before anything else it
/// locks, so a link and a task deleted beside it queue instead of
/// deadlocking.
pub(super) async fn lock_projects_of(tx: &mut Tx, tasks: [&Task; 2]) -> Result<()> {
    let mut ids: Vec<Id> = tasks
        .iter()
        .filter_map(|t| t.project.as_ref().map(|p| p.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        lock_project_tx(tx, id).await?;
    }
    Ok(())
}

pub(super) async fn fetch_dependency_tx(
    tx: &mut Tx,
    scope: Scope,
    predecessor: &str,
    successor: &str,
) -> Result<(Dependency, Option<Id>)> {
    let pred = fetch_task_tx(tx, scope, predecessor).await?;
    let succ = fetch_task_tx(tx, scope, successor).await?;
    lock_projects_of(tx, [&pred, &succ]).await?;
    let row = sqlx::query(&format!(
        "{DEPENDENCY_SELECT} WHERE d.predecessor_id = $1 AND d.successor_id = $2"
    ))
    .bind(pred.id)
    .bind(succ.id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("dependency"))?;
    Ok((dependency_from_row(&row)?, succ.project.map(|p| p.id)))
}

/// Refuses a link between a summary task and its own subtask: a
/// summary's dates are its subtasks', so the link would make a task wait
/// for itself (Microsoft Project refuses it too). Told apart from other
/// cycles, which it also is.
pub(super) async fn refuse_summary_link(tx: &mut Tx, pred: &Task, succ: &Task) -> Result<()> {
    for (outer, inner, field) in [(pred, succ, "successor"), (succ, pred, "predecessor")] {
        if is_ancestor_tx(&mut *tx, outer.id, inner.id).await? {
            return Err(StoreError::invalid(
                field,
                format!(
                    "{} is a subtask of {}: a summary task and its own subtasks cannot be linked",
                    inner.key, outer.key
                ),
            ));
        }
    }
    Ok(())
}

/// Whether `ancestor` is `task`'s parent, or its parent's, and so on up.
async fn is_ancestor_tx(tx: &mut Tx, ancestor: Id, task: Id) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up(id) AS ( \
            SELECT parent_id FROM tasks WHERE id = $1 AND parent_id IS NOT NULL \
            UNION \
            SELECT t.parent_id FROM tasks t JOIN up ON t.id = up.id WHERE t.parent_id IS NOT NULL) \
         SELECT id FROM up WHERE id = $2",
    )
    .bind(task)
    .bind(ancestor)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Adds a link in the caller's transaction: the tasks found as the
/// caller may open them, a summary and its own subtask refused, a cycle
/// refused naming its tasks, the link recorded in history.
pub(super) async fn insert_dependency_tx(
    tx: &mut Tx,
    scope: Scope,
    dependency: &NewDependency,
) -> Result<Dependency> {
    if let Some(lock) = DbStore::GRAPH_LOCK {
        sqlx::query(lock)
            .bind(scope.workspace_id)
            .execute(&mut **tx)
            .await?;
    }
    let mut errors = Vec::new();
    let mut find = async |field: &str, key: &str, tx: &mut Tx| -> Result<Option<Task>> {
        match fetch_task_tx(tx, scope, key).await {
            Ok(task) => Ok(Some(task)),
            Err(StoreError::NotFound(_)) => {
                errors.push(FieldError::new(
                    field,
                    format!("must be the key of a task you can open, not {key}"),
                ));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    };
    let pred = find("predecessor", &dependency.predecessor, &mut *tx).await?;
    let succ = find("successor", &dependency.successor, &mut *tx).await?;
    let (Some(pred), Some(succ)) = (pred, succ) else {
        return Err(StoreError::Invalid(errors));
    };
    lock_projects_of(&mut *tx, [&pred, &succ]).await?;
    refuse_summary_link(&mut *tx, &pred, &succ).await?;
    // Only what comes after the successor's start can close a cycle
    // through the new link: that is read, not the workspace's graph.
    let (links, parents) = order_after(&mut *tx, scope, Point::Start(succ.id)).await?;
    if let Some(cycle) = cycle_through(&Order::new(&links, &parents), pred.id, succ.id) {
        return Err(StoreError::Cycle(cycle_keys(&mut *tx, scope, cycle).await?));
    }
    let id: i64 = sqlx::query_scalar(
            "INSERT INTO dependencies (workspace_id, predecessor_id, successor_id, kind, lag_days, lag_format) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(pred.id)
        .bind(succ.id)
        .bind(dependency.kind.as_str())
        .bind(dependency.lag_days)
        .bind(dependency.lag_format.as_str())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| unique_to_conflict(e, "a dependency between these tasks"))?;
    let label = format!("{} → {}", pred.key, succ.key);
    let changes = activity::created(&dependency_snapshot(
        dependency.kind,
        dependency.lag_days,
        dependency.lag_format,
    ));
    record(
        &mut *tx,
        scope,
        succ.project.as_ref().map(|p| p.id),
        EntityKind::Dependency,
        id,
        &label,
        "created",
        &changes,
    )
    .await?;
    let (dependency, _) = fetch_dependency_tx(&mut *tx, scope, &pred.key, &succ.key).await?;
    Ok(dependency)
}

/// Takes a link away in the caller's transaction, recorded in history.
pub(super) async fn delete_dependency_tx(
    tx: &mut Tx,
    scope: Scope,
    predecessor: &str,
    successor: &str,
) -> Result<()> {
    let (current, project_id) =
        fetch_dependency_tx(&mut *tx, scope, predecessor, successor).await?;
    sqlx::query("DELETE FROM dependencies WHERE id = $1")
        .bind(current.id)
        .execute(&mut **tx)
        .await?;
    let label = format!("{} → {}", current.predecessor.key, current.successor.key);
    let changes = activity::deleted(&dependency_snapshot(
        current.kind,
        current.lag_days,
        current.lag_format,
    ));
    record(
        &mut *tx,
        scope,
        project_id,
        EntityKind::Dependency,
        current.id,
        &label,
        "deleted",
        &changes,
    )
    .await?;
    Ok(())
}

#[async_trait]
impl DependencyStore for DbStore {
    async fn create_dependency(
        &self,
        scope: WriteScope,
        dependency: &NewDependency,
    ) -> Result<Dependency> {
        let scope = *scope;
        dependency.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let dependency = insert_dependency_tx(&mut tx, scope, dependency).await?;
        tx.commit().await?;
        Ok(dependency)
    }

    async fn task_dependencies(&self, scope: Scope, key: &str) -> Result<Vec<Dependency>> {
        let mut tx = self.read_tx().await?;
        let task = fetch_task_tx(&mut tx, scope, key).await?;
        let mut qb = QueryBuilder::<Db>::new(DEPENDENCY_SELECT);
        qb.push(" WHERE (d.predecessor_id = ");
        qb.push_bind(task.id);
        qb.push(" OR d.successor_id = ");
        qb.push_bind(task.id);
        qb.push(")");
        push_link_visibility(&mut qb, scope);
        qb.push(" ORDER BY d.id");
        let rows = qb.build().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(dependency_from_row).collect()
    }

    async fn project_dependencies(&self, access: ProjectAccess) -> Result<Vec<Dependency>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let mut qb = QueryBuilder::<Db>::new(DEPENDENCY_SELECT);
        qb.push(" WHERE d.workspace_id = ");
        qb.push_bind(scope.workspace_id);
        qb.push(" AND (a.project_id = ");
        qb.push_bind(project_id);
        qb.push(" OR b.project_id = ");
        qb.push_bind(project_id);
        qb.push(")");
        push_link_visibility(&mut qb, scope);
        qb.push(" ORDER BY d.id");
        let rows = qb.build().fetch_all(self.reader()).await?;
        rows.iter().map(dependency_from_row).collect()
    }

    async fn project_links(&self, access: ProjectAccess) -> Result<Vec<crate::Link>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        self.link_rows(scope, project_id).await
    }

    async fn update_dependency(
        &self,
        scope: WriteScope,
        change: &NewDependency,
        expected_version: Option<i64>,
    ) -> Result<Dependency> {
        let scope = *scope;
        change.check().map_err(StoreError::Invalid)?;
        let (predecessor, successor) = (change.predecessor.as_str(), change.successor.as_str());
        let mut tx = self.write_tx().await?;
        let (current, project_id) =
            fetch_dependency_tx(&mut tx, scope, predecessor, successor).await?;
        check_version(expected_version, current.version)?;
        sqlx::query("UPDATE dependencies SET kind = $1, lag_days = $2, lag_format = $3, version = version + 1 WHERE id = $4")
            .bind(change.kind.as_str())
            .bind(change.lag_days)
            .bind(change.lag_format.as_str())
            .bind(current.id)
            .execute(&mut *tx)
            .await?;
        let label = format!("{} → {}", current.predecessor.key, current.successor.key);
        let changes = activity::diff(
            &dependency_snapshot(current.kind, current.lag_days, current.lag_format),
            &dependency_snapshot(change.kind, change.lag_days, change.lag_format),
        );
        record(
            &mut tx,
            scope,
            project_id,
            EntityKind::Dependency,
            current.id,
            &label,
            "updated",
            &changes,
        )
        .await?;
        let (dependency, _) = fetch_dependency_tx(&mut tx, scope, predecessor, successor).await?;
        tx.commit().await?;
        Ok(dependency)
    }

    async fn delete_dependency(
        &self,
        scope: WriteScope,
        predecessor: &str,
        successor: &str,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        delete_dependency_tx(&mut tx, scope, predecessor, successor).await?;
        tx.commit().await?;
        Ok(())
    }
}
