//! Whole projects from files, built in batches in a staging workspace and
//! moved into place in one transaction; compiled once per backend (see
//! `mod.rs`).

use super::*;

/// The tasks of a new, imported project in a few statements: the
/// rows in batches, then their parents, then their history. The
/// tasks have no owners, collaborators, tags, phases or milestones,
/// and each parent comes before its children (`KEY-n` is the n-th).
/// Inserts `tasks`, the ones after the `earlier` tasks of the same
/// import (whose ids and keys are given): a parent may be any task
/// before its child, in this batch or an earlier one.
pub(super) async fn insert_imported_tasks_tx(
    tx: &mut Tx,
    scope: Scope,
    project: &Project,
    tasks: &[TaskFields],
    earlier: &[(Id, String)],
) -> Result<Vec<(Id, String)>> {
    let offset = earlier.len();
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(tasks.len());
    let mut checked = Vec::with_capacity(tasks.len());
    for (index, fields) in tasks.iter().enumerate() {
        let index = offset + index;
        let mut fields = fields.clone();
        fields.normalize();
        let row_error = |errors: Vec<FieldError>| {
            StoreError::Invalid(
                errors
                    .into_iter()
                    .map(|e| FieldError::new(format!("tasks[{index}].{}", e.field), e.message))
                    .collect(),
            )
        };
        fields.check().map_err(row_error)?;
        if fields.owner.is_some()
            || !fields.collaborators.is_empty()
            || !fields.tags.is_empty()
            || fields.phase_id.is_some()
            || fields.milestone_id.is_some()
        {
            return Err(row_error(vec![FieldError::new(
                "task",
                "an imported task has no owner, collaborators, tags, phase or milestone",
            )]));
        }
        let parent = match fields.parent.as_deref() {
            None => None,
            Some(parent) => Some(
                parent
                    .strip_prefix(&format!("{}-", project.key))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|&n| (1..=index).contains(&n))
                    .map(|n| n - 1)
                    .ok_or_else(|| {
                        row_error(vec![FieldError::new(
                            "parent",
                            format!("{parent} is not a task before this one"),
                        )])
                    })?,
            ),
        };
        parents.push(parent);
        checked.push(fields);
    }
    let now = Utc::now();
    let last_number: i64 = sqlx::query_scalar(
        "UPDATE projects SET next_task_number = next_task_number + $1 WHERE id = $2 RETURNING next_task_number",
    )
    .bind(checked.len() as i64)
    .bind(project.id)
    .fetch_one(&mut **tx)
    .await?;
    let first_number = last_number - checked.len() as i64 + 1;
    // 28 values a row: 500 rows stay within both backends' limits.
    for (chunk_index, chunk) in checked.chunks(500).enumerate() {
        let mut qb = QueryBuilder::<Db>::new(TASK_INSERT.as_str());
        qb.push_values(chunk.iter().enumerate(), |mut b, (i, fields)| {
            let row = TaskRowValues {
                project_id: Some(project.id),
                number: Some(first_number + (chunk_index * 500 + i) as i64),
                fields,
                owner_id: None,
                parent_id: None,
                now,
            };
            push_task_row(&mut b, scope, &row);
        });
        qb.build().execute(&mut **tx).await?;
    }
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT number, id FROM tasks WHERE project_id = $1 AND number >= $2 ORDER BY number",
    )
    .bind(project.id)
    .bind(first_number)
    .fetch_all(&mut **tx)
    .await?;
    let ids: Vec<(Id, String)> = rows
        .iter()
        .map(|&(number, id)| (id, TaskKey::format(Some(&project.key), number, id)))
        .collect();
    let id_of = |p: usize| {
        if p < offset {
            earlier[p].0
        } else {
            ids[p - offset].0
        }
    };
    let children: Vec<(Id, Id)> = parents
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (ids[i].0, id_of(p))))
        .collect();
    for chunk in children.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new("UPDATE tasks SET parent_id = CASE id");
        for (child, parent) in chunk {
            qb.push(" WHEN ")
                .push_bind(*child)
                .push(" THEN ")
                .push_bind(*parent);
        }
        qb.push(" END WHERE id IN (");
        let mut list = qb.separated(", ");
        for (child, _) in chunk {
            list.push_bind(*child);
        }
        qb.push(")");
        qb.build().execute(&mut **tx).await?;
    }
    let history: Vec<(Id, &String, String)> = checked
        .iter()
        .zip(&ids)
        .map(|(f, (id, key))| {
            (
                *id,
                key,
                changes_json(&activity::created(&task_snapshot(f))),
            )
        })
        .collect();
    for chunk in history.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes) ",
        );
        qb.push_values(chunk, |mut b, (id, key, changes)| {
            b.push_bind(scope.workspace_id)
                .push_bind(project.id)
                .push_bind(scope.user_id)
                .push_bind(now)
                .push_bind(EntityKind::Task.as_str())
                .push_bind(*id)
                .push_bind((*key).clone())
                .push_bind("created")
                .push_bind(changes.clone());
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(ids)
}

/// Rows of an import written per transaction: small enough that
/// a writer waiting behind one waits milliseconds, large enough
/// that the import is not slowed by commits.
pub(super) const IMPORT_BATCH: usize = 1000;

/// A workspace nobody belongs to, where an import is built
/// unseen. Its slug is one no person can choose (`~` is not
/// allowed in slugs).
pub(super) async fn stage_workspace(store: &DbStore) -> Result<Id> {
    use std::hash::{BuildHasher, RandomState};
    let tag = RandomState::new().hash_one(std::time::SystemTime::now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO workspaces (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(format!("~import-{tag:016x}"))
    .bind("import in progress")
    .bind(Utc::now())
    .fetch_one(store.writer())
    .await?;
    Ok(id)
}

/// Writes the import into the staging workspace of `staged`, a
/// batch per transaction; the new project's id.
pub(super) async fn import_staged(
    store: &DbStore,
    staged: Scope,
    import: &tandem_domain::interop::ProjectImport,
) -> Result<Id> {
    let key = import.project.key.as_str();
    let mut tx = store.write_tx().await?;
    let project_id = insert_project_tx(&mut tx, staged, &import.project).await?;
    for e in &import.exceptions {
        sqlx::query(
            "INSERT INTO calendar_exceptions (workspace_id, project_id, name, start_date, end_date, hours) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(staged.workspace_id)
        .bind(project_id)
        .bind(e.name.trim())
        .bind(e.start)
        .bind(e.end)
        .bind(tandem_domain::calendar::format_hours(&e.hours))
        .execute(&mut *tx)
        .await?;
    }
    let project = fetch_project_tx(&mut tx, staged, key).await?;
    tx.commit().await?;
    let mut ids: Vec<(Id, String)> = Vec::with_capacity(import.tasks.len());
    for batch in import.tasks.chunks(IMPORT_BATCH) {
        // A batch is a long write: committed on its own, so short writes
        // meanwhile are not kept in its group.
        let mut tx = store.write_tx_alone().await?;
        let more = insert_imported_tasks_tx(&mut tx, staged, &project, batch, &ids).await?;
        tx.commit().await?;
        ids.extend(more);
    }
    // Parents are set batch by batch, so who is a leaf is known only now.
    let mut tx = store.write_tx().await?;
    rebuild_rollups(&mut tx, project_id).await?;
    tx.commit().await?;
    for batch in import.dependencies.chunks(IMPORT_BATCH) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO dependencies (workspace_id, predecessor_id, successor_id, kind, lag_days, lag_format) ",
        );
        qb.push_values(batch, |mut b, d| {
            b.push_bind(staged.workspace_id)
                .push_bind(ids[d.predecessor].0)
                .push_bind(ids[d.successor].0)
                .push_bind(d.kind.as_str())
                .push_bind(d.lag_days)
                .push_bind(d.lag_format.as_str());
        });
        qb.build().execute(store.writer()).await?;
    }
    if !import.baseline.is_empty() {
        let baseline_id: i64 = sqlx::query_scalar(
            "INSERT INTO baselines (workspace_id, project_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(staged.workspace_id)
        .bind(project_id)
        .bind("Imported baseline")
        .bind(staged.user_id)
        .bind(Utc::now())
        .fetch_one(store.writer())
        .await?;
        for batch in import.baseline.chunks(IMPORT_BATCH) {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO baseline_tasks (baseline_id, task_id, start, finish, duration_minutes) ",
            );
            qb.push_values(batch, |mut b, (task, start, finish, minutes)| {
                b.push_bind(baseline_id)
                    .push_bind(ids[*task].0)
                    .push_bind(local_time(Some(*start)))
                    .push_bind(local_time(Some(*finish)))
                    .push_bind(*minutes);
            });
            qb.build().execute(store.writer()).await?;
        }
    }
    let mut tx = store.write_tx().await?;
    let changes = activity::created(&serde_json::Map::from_iter([
        ("tasks".to_string(), serde_json::json!(import.tasks.len())),
        (
            "dependencies".to_string(),
            serde_json::json!(import.dependencies.len()),
        ),
        (
            "calendar_exceptions".to_string(),
            serde_json::json!(import.exceptions.len()),
        ),
    ]));
    record(
        &mut tx,
        staged,
        Some(project_id),
        EntityKind::Project,
        project_id,
        key,
        "imported",
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(project_id)
}

/// Moves a built import from its staging workspace into the
/// caller's, all at once, and removes the staging workspace.
pub(super) async fn move_staged(store: &DbStore, staging: Id, scope: Scope) -> Result<()> {
    let mut tx = store.write_tx().await?;
    let imported: Option<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM projects WHERE workspace_id = $1")
            .bind(staging)
            .fetch_optional(&mut *tx)
            .await?;
    for table in [
        "projects",
        "tasks",
        // None yet (an import brings no tags), but a tag's workspace is
        // its task's.
        "task_tags",
        "dependencies",
        "calendar_exceptions",
        "baselines",
        "activity",
    ] {
        sqlx::query(&format!(
            "UPDATE {table} SET workspace_id = $1 WHERE workspace_id = $2"
        ))
        .bind(scope.workspace_id)
        .bind(staging)
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_to_conflict(e, "a project with this key") {
            // Taken while the import was being built.
            StoreError::Conflict(_) => StoreError::invalid(
                "key",
                "was taken in this workspace while the file was imported",
            ),
            other => other,
        })?;
    }
    sqlx::query("DELETE FROM workspaces WHERE id = $1")
        .bind(staging)
        .execute(&mut *tx)
        .await?;
    // The building's own events were seen by nobody (no one
    // belongs to the staging workspace); the caller's workspace
    // hears of the arrival once, now.
    sqlx::query("DELETE FROM events WHERE workspace_id = $1")
        .bind(staging)
        .execute(&mut *tx)
        .await?;
    if let Some((id, key)) = imported {
        let mut batch = Batch::default();
        emit(
            &mut batch,
            scope.workspace_id,
            Some(id),
            "project",
            "imported",
            &key,
            Some(scope.user_id),
            &[],
            None,
        );
        batch.run(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl ImportStore for DbStore {
    async fn import_project(
        &self,
        scope: WriteScope,
        import: &tandem_domain::interop::ProjectImport,
    ) -> Result<Project> {
        let scope = *scope;
        import.project.fields.check().map_err(StoreError::Invalid)?;
        let key = import.project.key.as_str();
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM projects WHERE workspace_id = $1 AND key = $2")
                .bind(scope.workspace_id)
                .bind(key)
                .fetch_optional(self.reader())
                .await?;
        if taken.is_some() {
            return Err(StoreError::invalid(
                "key",
                format!("{key} is taken in this workspace"),
            ));
        }
        // Built in a workspace of its own that nobody belongs to,
        // one short transaction per batch, so other writers
        // (SQLite has one writer) take turns with a big import;
        // then moved into place in one transaction. A failure
        // removes the staging workspace and everything in it.
        let staging = stage_workspace(self).await?;
        let staged = Scope {
            workspace_id: staging,
            ..scope
        };
        let built = import_staged(self, staged, import).await;
        let moved = match built {
            Ok(_) => move_staged(self, staging, scope).await,
            Err(e) => Err(e),
        };
        if moved.is_err() {
            // Best effort: an abandoned staging workspace is also
            // purged later (`purge_abandoned_imports`).
            let _ = sqlx::query("DELETE FROM workspaces WHERE id = $1")
                .bind(staging)
                .execute(self.writer())
                .await;
        }
        moved?;
        analyze_after_bulk(self, TASK_TABLES).await?;
        self.get_project(scope, key).await
    }

    async fn purge_abandoned_imports(&self, started_before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        // Events keep no reference to their workspace (they outlive
        // what they tell of), so a dead import's go with it here.
        sqlx::query(
            "DELETE FROM events WHERE workspace_id IN \
             (SELECT id FROM workspaces WHERE slug LIKE '~import-%' AND created_at < $1)",
        )
        .bind(started_before)
        .execute(&mut *tx)
        .await?;
        let done =
            sqlx::query("DELETE FROM workspaces WHERE slug LIKE '~import-%' AND created_at < $1")
                .bind(started_before)
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
