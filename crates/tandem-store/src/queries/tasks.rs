//! Writing tasks: create, update, bulk edit, board moves, delete; the
//! queries, compiled once per backend (see `mod.rs`).

use super::*;

pub(super) async fn project_for_task(tx: &mut Tx, scope: Scope, key: &str) -> Result<Project> {
    match fetch_project_tx(tx, scope, key).await {
        Err(StoreError::NotFound(_)) => Err(no_project(key)),
        other => other,
    }
}

/// A task names a project the caller cannot open, or none at all.
fn no_project(key: &str) -> StoreError {
    StoreError::invalid("project", format!("no project {key}"))
}

/// [`project_for_task`], with the member `email` names read in the same
/// statement, which `opening` starts (see `write_tx_deferred`).
async fn project_and_member_tx(
    tx: &mut Tx,
    opening: &str,
    scope: Scope,
    key: &str,
    email: Option<&Email>,
) -> Result<(Project, Owner)> {
    let mut qb = QueryBuilder::<Db>::new(opening);
    qb.push("SELECT q.*");
    if let Some(email) = email {
        qb.push(", (");
        push_member_by_email(&mut qb, scope, email);
        qb.push(") AS member_id");
    }
    qb.push(" FROM (");
    push_project_by_key(&mut qb, scope, key);
    qb.push(") q");
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| no_project(key))?;
    let owner = match email {
        Some(_) => Owner::LookedUp(row.try_get("member_id")?),
        None => Owner::ToLookUp,
    };
    Ok((project_from_row(&row)?, owner))
}

/// Writes `fields` over `current`, a task read under its lock
/// ([`locked_task_tx`]) in this transaction.
pub(super) async fn update_task_tx(
    tx: &mut Tx,
    scope: Scope,
    current: Task,
    fields: TaskFields,
) -> Result<Task> {
    let mut fields = fields;
    fields.normalize();
    fields.check().map_err(StoreError::Invalid)?;
    let project = current.project.as_ref().map(|p| (p.id, p.key.as_str()));
    let present = (current.id, current.parent.as_ref().map(|p| p.id));
    // An owner kept as they were stays, member or not any more: the work
    // of someone deactivated or removed is still edited, and handed on
    // when someone chooses.
    let kept = match (&fields.owner, &current.owner) {
        (Some(email), Some(owner)) if email.as_str().eq_ignore_ascii_case(&owner.email) => {
            Owner::LookedUp(Some(owner.id))
        }
        _ => Owner::ToLookUp,
    };
    let refs = resolve_task_refs(
        &mut *tx,
        scope,
        project,
        Some(present),
        &fields,
        kept,
        &current.collaborators,
    )
    .await?;
    let now = Utc::now();
    let completed_at = match (current.status.is_closed(), fields.status.is_closed()) {
        (false, true) => Some(now),
        (true, true) => current.completed_at,
        _ => None,
    };
    let parents = [current.parent.as_ref().map(|p| p.id), refs.parent_id];
    let touched = parents.into_iter().flatten().chain([current.id]);
    let watch = RollupWatch::before(&mut *tx, touched).await?;
    let tp = fields.three_point.as_ref();
    let updated = sqlx::query(
        "UPDATE tasks SET title = $1, description = $2, owner_id = $3, status = $4, priority = $5, start_date = $6, \
         due_date = $7, estimate_days = $8, effort_hours = $9, optimistic_days = $10, likely_days = $11, \
         pessimistic_days = $12, percent_complete = $13, parent_id = $14, phase_id = $15, milestone_id = $16, \
         blocked_reason = $17, updated_at = $18, completed_at = $19, constraint_type = $22, \
         constraint_date = $23, actual_start = $24, actual_finish = $25, scheduling = $26, \
         levelling_delay = $27, \
         version = version + 1 \
         WHERE id = $20 AND version = $21",
    )
    .bind(fields.title.trim())
    .bind(&fields.description)
    .bind(refs.owner_id)
    .bind(fields.status.as_str())
    .bind(fields.priority.as_str())
    .bind(fields.start_date)
    .bind(fields.due_date)
    .bind(fields.estimate_days)
    .bind(fields.effort_hours)
    .bind(tp.map(|t| t.optimistic))
    .bind(tp.map(|t| t.likely))
    .bind(tp.map(|t| t.pessimistic))
    .bind(fields.percent_complete)
    .bind(refs.parent_id)
    .bind(fields.phase_id)
    .bind(fields.milestone_id)
    .bind(&fields.blocked_reason)
    .bind(now)
    .bind(completed_at)
    .bind(current.id)
    .bind(current.version)
    .bind(fields.schedule.constraint_type.map(|c| c.as_str()))
    .bind(local_time(fields.schedule.constraint_date))
    .bind(local_time(fields.schedule.actual_start))
    .bind(local_time(fields.schedule.actual_finish))
    .bind(fields.schedule.mode.as_str())
    .bind(fields.schedule.levelling_delay)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::VersionMismatch {
            current: current.version + 1,
        });
    }
    let mut batch = Batch::default();
    watch.settle(&mut *tx, &mut batch, None).await?;
    let before = current.fields();
    if before.tags != fields.tags || before.collaborators != fields.collaborators {
        push_task_sets(
            &mut batch,
            scope,
            current.id,
            TaskSets::Replace,
            &fields.tags,
            &refs.collaborator_ids,
        );
    }
    let changes = activity::diff(&task_snapshot(&before), &task_snapshot(&fields));
    record_in(
        &mut batch,
        scope,
        current.project.as_ref().map(|p| p.id),
        EntityKind::Task,
        current.id,
        &current.key,
        "updated",
        &changes,
    );
    let collaborators = !fields.collaborators.is_empty();
    let updated = run_and_fetch_task(&mut *tx, batch, scope, &current.key, collaborators).await?;
    // An occurrence of a series, closed: the next one comes now (or, for
    // a series that reopens, this task is it).
    if !current.status.is_closed()
        && updated.status.is_closed()
        && recurrences::follow_closed_tx(&mut *tx, scope, &updated).await?
    {
        return fetch_task_tx(&mut *tx, scope, &current.key).await;
    }
    Ok(updated)
}

/// A task's row for a report: id, status, created, completed, effort,
/// estimate, actual start and finish.
type ReportRow = (
    i64,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
);

#[async_trait]
impl TaskStore for DbStore {
    async fn report_tasks(
        &self,
        scope: Scope,
        projects: &[Id],
        owner: Option<Id>,
    ) -> Result<Vec<tandem_domain::reports::ReportTask>> {
        use tandem_domain::reports::ReportTask;
        if projects.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT t.id, t.status, t.created_at, t.completed_at, t.effort_hours, t.estimate_days, \
             t.actual_start, t.actual_finish FROM tasks t WHERE t.workspace_id = ",
        );
        qb.push_bind(scope.workspace_id);
        qb.push(" AND t.project_id IN (");
        let mut list = qb.separated(", ");
        for id in projects {
            list.push_bind(*id);
        }
        qb.push(") AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id)");
        if let Some(owner) = owner {
            qb.push(" AND t.owner_id = ");
            qb.push_bind(owner);
        }
        let rows: Vec<ReportRow> = qb.build_query_as().fetch_all(self.reader()).await?;
        // When each first went in progress: the earliest change of its
        // history to that status (a task made in progress counts from
        // its making).
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT entity_id, MIN(at) FROM activity WHERE workspace_id = ",
        );
        qb.push_bind(scope.workspace_id);
        qb.push(" AND entity_kind = 'task' AND changes LIKE '%\"after\":\"in_progress\"%' AND project_id IN (");
        let mut list = qb.separated(", ");
        for id in projects {
            list.push_bind(*id);
        }
        qb.push(") GROUP BY entity_id");
        let started: HashMap<Id, DateTime<Utc>> = qb
            .build_query_as::<(i64, DateTime<Utc>)>()
            .fetch_all(self.reader())
            .await?
            .into_iter()
            .collect();
        rows.into_iter()
            .map(
                |(
                    id,
                    status,
                    created,
                    completed,
                    effort,
                    estimate,
                    actual_start,
                    actual_finish,
                )| {
                    let status: TaskStatus = vocab(&status)?;
                    // The actual dates typed for the plan, where given, are
                    // when the work really began and ended.
                    let actual_start = parse_local_time(actual_start.as_deref())?.map(|t| t.date());
                    let actual_finish =
                        parse_local_time(actual_finish.as_deref())?.map(|t| t.date());
                    let closed = actual_finish
                        .filter(|_| status == TaskStatus::Done)
                        .or(completed.map(|c: DateTime<Utc>| c.date_naive()));
                    Ok(ReportTask {
                        created: created.date_naive(),
                        started: actual_start.or(started.get(&id).map(|s| s.date_naive())),
                        done: closed.filter(|_| status == TaskStatus::Done),
                        cancelled: closed.filter(|_| status == TaskStatus::Cancelled),
                        hours: tandem_domain::rollup::weight_hours(
                            &tandem_domain::rollup::ProgressInput {
                                id,
                                parent_id: None,
                                status,
                                percent_complete: 0,
                                effort_hours: effort,
                                estimate_days: estimate,
                            },
                        ),
                    })
                },
            )
            .collect()
    }

    async fn create_task(&self, scope: WriteScope, task: &NewTask) -> Result<Task> {
        let scope = *scope;
        // The savepoint opens with the first statement: one trip to
        // SQLite's connection thread fewer, on the write made most often.
        let mut tx = self.write_tx_deferred().await?;
        let opening = opening(&mut tx);
        let (project, owner) = match &task.project {
            Some(key) => {
                let owner = task.fields.owner.as_ref();
                let (project, owner) =
                    project_and_member_tx(&mut tx, opening, scope, key.as_str(), owner).await?;
                (Some(project), owner)
            }
            None => {
                if !opening.is_empty() {
                    sqlx::query(opening).execute(&mut *tx).await?;
                }
                (None, Owner::ToLookUp)
            }
        };
        let mut batch = Batch::default();
        let (_, key) = insert_task_tx(
            &mut tx,
            scope,
            project.as_ref(),
            &task.fields,
            owner,
            &mut batch,
        )
        .await?;
        let collaborators = !task.fields.collaborators.is_empty();
        let task = run_and_fetch_task(&mut tx, batch, scope, &key, collaborators).await?;
        tx.commit().await?;
        Ok(task)
    }

    async fn import_tasks(
        &self,
        scope: WriteScope,
        project: &str,
        tasks: &[TaskFields],
    ) -> Result<Vec<String>> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let project = project_for_task(&mut tx, scope, project).await?;
        let mut keys = Vec::with_capacity(tasks.len());
        // One batch for the whole import, run task by task (a later task
        // may name an earlier one as its parent): the project's counters
        // and roll-ups are each changed once, not once a task.
        let first = take_task_numbers(&mut tx, project.id, tasks.len()).await?;
        let mut batch = Batch::default();
        for ((index, fields), number) in tasks.iter().enumerate().zip(first..) {
            let inserted = insert_numbered_task_tx(
                &mut tx,
                scope,
                Some(&project),
                fields,
                Some(number),
                Owner::ToLookUp,
                &mut batch,
            )
            .await;
            let (_, key) = inserted.map_err(|e| match e {
                // Name the row as well as the field.
                StoreError::Invalid(errors) => StoreError::Invalid(
                    errors
                        .into_iter()
                        .map(|e| FieldError::new(format!("tasks[{index}].{}", e.field), e.message))
                        .collect(),
                ),
                other => other,
            })?;
            batch.flush(&mut tx).await?;
            keys.push(key);
        }
        batch.run(&mut tx).await?;
        tx.commit().await?;
        if keys.len() >= BULK_ROWS {
            analyze_after_bulk(self, TASK_TABLES).await?;
        }
        Ok(keys)
    }

    async fn get_task(&self, scope: Scope, key: &str) -> Result<Task> {
        let key = parse_task_key(key)?;
        let mut qb = QueryBuilder::<Db>::new(TASK_SELECT.as_str());
        push_task_key(&mut qb, scope, &key);
        push_task_visibility(&mut qb, scope);
        let mut conn = self.reader().acquire().await?;
        let row = qb
            .build()
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("task"))?;
        let mut task = task_from_row(&row)?;
        fill_tasks(&mut conn, std::slice::from_mut(&mut task)).await?;
        Ok(task)
    }

    async fn list_tasks(&self, scope: Scope, filter: &TaskFilter) -> Result<TaskPage> {
        task_page(self, scope, filter).await
    }

    async fn count_tasks_by_due(
        &self,
        scope: Scope,
        filter: &TaskFilter,
        edges: &[chrono::NaiveDate],
    ) -> Result<Vec<u64>> {
        due_counts(self.reader(), scope, filter, edges).await
    }

    async fn count_tasks_by(
        &self,
        scope: Scope,
        filter: &TaskFilter,
        by: crate::TaskGroup,
    ) -> Result<Vec<(crate::GroupKey, u64)>> {
        group_counts(self.reader(), scope, filter, by).await
    }

    async fn update_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        change: crate::Patch<'_, TaskFields>,
    ) -> Result<Task> {
        let scope = *scope;
        retry_transient(|| async move {
            let mut tx = self.write_tx().await?;
            let current = locked_task_tx(&mut tx, scope, key).await?;
            check_version(expected_version, current.version)?;
            let fields = patched(change, current.fields())?;
            let task = update_task_tx(&mut tx, scope, current, fields).await?;
            tx.commit().await?;
            Ok(task)
        })
        .await
    }

    async fn update_tasks(
        &self,
        scope: WriteScope,
        updates: &[(String, i64, TaskFields)],
    ) -> Result<Vec<Task>> {
        let scope = *scope;
        retry_transient(|| async move {
            let mut tx = self.write_tx().await?;
            let mut tasks = Vec::with_capacity(updates.len());
            for (key, expected_version, fields) in updates {
                let current = locked_task_tx(&mut tx, scope, key).await?;
                check_version(Some(*expected_version), current.version)?;
                tasks.push(update_task_tx(&mut tx, scope, current, fields.clone()).await?);
            }
            tx.commit().await?;
            if tasks.len() >= BULK_ROWS {
                analyze_after_bulk(self, TASK_TABLES).await?;
            }
            Ok(tasks)
        })
        .await
    }

    async fn move_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: i64,
        fields: &TaskFields,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<Task> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = locked_task_tx(&mut tx, scope, key).await?;
        check_version(Some(expected_version), current.version)?;
        let task = update_task_tx(&mut tx, scope, current, fields.clone()).await?;
        let mut after_rank = board_rank_tx(&mut tx, scope, after).await?;
        let mut before_rank = board_rank_tx(&mut tx, scope, before).await?;
        // Halving a gap runs out after some fifty moves into
        // it; then the project's cards are renumbered in their
        // order, a step apart, and the gap is wide again.
        if let (Some(a), Some(b), Some(project)) = (after_rank, before_rank, task.project.as_ref())
        {
            let middle = (a + b) / 2.0;
            if !(a < middle && middle < b) {
                renumber_board_tx(&mut tx, scope, project.id).await?;
                after_rank = board_rank_tx(&mut tx, scope, after).await?;
                before_rank = board_rank_tx(&mut tx, scope, before).await?;
            }
        }
        let rank = match (after_rank, before_rank) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            (Some(a), None) => Some(a + UNRANKED_STEP),
            (None, Some(b)) => Some(b - UNRANKED_STEP),
            (None, None) => None,
        };
        if let Some(rank) = rank {
            sqlx::query("UPDATE tasks SET board_rank = $1 WHERE id = $2")
                .bind(rank)
                .bind(task.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(task)
    }

    async fn delete_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        retry_transient(|| async move {
            let mut tx = self.write_tx().await?;
            let current = locked_task_tx(&mut tx, scope, key).await?;
            check_version(expected_version, current.version)?;
            // What the deletion takes with it, read once for the roll-ups
            // and the scenarios that changed any of it.
            let subtree = super::rollups::subtree_ids(&mut tx, current.id).await?;
            let watch = RollupWatch::before_deleting(&mut tx, &current, &subtree).await?;
            super::scenarios::lose_with_tasks_tx(&mut tx, &subtree, Utc::now()).await?;
            sqlx::query("DELETE FROM tasks WHERE id = $1")
                .bind(current.id)
                .execute(&mut *tx)
                .await?;
            let mut batch = Batch::default();
            watch.settle(&mut tx, &mut batch, None).await?;
            let changes = activity::deleted(&task_snapshot(&current.fields()));
            record_in(
                &mut batch,
                scope,
                current.project.as_ref().map(|p| p.id),
                EntityKind::Task,
                current.id,
                &current.key,
                "deleted",
                &changes,
            );
            batch.run(&mut tx).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
