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

/// The next `count` numbers of the project's tasks, taken: the first.
pub(super) async fn take_task_numbers(tx: &mut Tx, project_id: Id, count: usize) -> Result<i64> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let last: i64 = sqlx::query_scalar(
        "UPDATE projects SET next_task_number = next_task_number + $2 WHERE id = $1 \
         RETURNING next_task_number",
    )
    .bind(project_id)
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - count + 1)
}

/// Inserts one task with its tags, collaborators and history row;
/// returns its key.
pub(super) async fn insert_task_tx(
    tx: &mut Tx,
    scope: Scope,
    project: Option<&Project>,
    fields: &TaskFields,
    owner: Owner,
    batch: &mut Batch,
) -> Result<(Id, String)> {
    // A project's next number is taken by the command that inserts the
    // task (a statement before it on SQLite, a `WITH` clause of it on
    // PostgreSQL): one round trip fewer, which is what a short write
    // costs.
    let number = match project {
        Some(_) => None,
        None => Some(0),
    };
    insert_numbered_task_tx(tx, scope, project, fields, number, owner, batch).await
}

/// [`insert_task_tx`] with the task's number already taken, or (`None`)
/// taken by the insert itself.
async fn insert_numbered_task_tx(
    tx: &mut Tx,
    scope: Scope,
    project: Option<&Project>,
    fields: &TaskFields,
    number: Option<i64>,
    owner: Owner,
    batch: &mut Batch,
) -> Result<(Id, String)> {
    let mut fields = fields.clone();
    fields.normalize();
    fields.check().map_err(StoreError::Invalid)?;
    let refs = resolve_task_refs(
        tx,
        scope,
        project.map(|p| (p.id, p.key.as_str())),
        None,
        &fields,
        owner,
        &[],
    )
    .await?;
    let watch = RollupWatch::before(tx, refs.parent_id).await?;
    let now = Utc::now();
    let row = TaskRowValues {
        project_id: project.map(|p| p.id),
        number,
        fields: &fields,
        owner_id: refs.owner_id,
        parent_id: refs.parent_id,
        now,
    };
    let mut qb = match (number, project) {
        (None, Some(p)) if DbStore::WITH_WRITES => {
            let mut qb = QueryBuilder::<Db>::new(
                "WITH n AS (UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = ",
            );
            qb.push_bind(p.id);
            qb.push(" RETURNING next_task_number) ");
            qb.push(TASK_INSERT.as_str());
            qb
        }
        (None, Some(p)) => {
            let mut qb = QueryBuilder::<Db>::new(
                "UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = ",
            );
            qb.push_bind(p.id);
            qb.push(";\n");
            qb.push(TASK_INSERT.as_str());
            qb
        }
        _ => QueryBuilder::<Db>::new(TASK_INSERT.as_str()),
    };
    qb.push_values([row], |mut b, row| push_task_row(&mut b, scope, &row));
    qb.push(" RETURNING id, number");
    let (id, number): (i64, i64) = qb.build_query_as().fetch_one(&mut **tx).await?;
    push_task_sets(
        batch,
        scope,
        id,
        TaskSets::Fresh,
        &fields.tags,
        &refs.collaborator_ids,
    );
    let created = Contribution::created(
        scope.workspace_id,
        project.map(|p| p.id),
        refs.owner_id,
        &fields,
    );
    watch.settle(tx, batch, Some(created)).await?;
    let key = TaskKey::format(project.map(|p| p.key.as_str()), number, id);
    record_in(
        batch,
        scope,
        project.map(|p| p.id),
        EntityKind::Task,
        id,
        &key,
        "created",
        &activity::created(&task_snapshot(&fields)),
    );
    Ok((id, key))
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

/// A new task's row: its fields and what the store resolved.
pub(super) struct TaskRowValues<'a> {
    pub(super) project_id: Option<Id>,
    /// `None`: the project's next, which the same command has just taken
    /// (on PostgreSQL, the insert's clause `n`).
    pub(super) number: Option<i64>,
    pub(super) fields: &'a TaskFields,
    pub(super) owner_id: Option<Id>,
    pub(super) parent_id: Option<Id>,
    pub(super) now: DateTime<Utc>,
}

/// The columns of a new task's row, in [`push_task_row`]'s order, with
/// their types for rows given as JSON (`json_to_recordset`).
const TASK_COLUMNS: [(&str, &str); 30] = [
    ("workspace_id", "BIGINT"),
    ("project_id", "BIGINT"),
    ("number", "BIGINT"),
    ("title", "TEXT"),
    ("description", "TEXT"),
    ("owner_id", "BIGINT"),
    ("status", "TEXT"),
    ("priority", "TEXT"),
    ("start_date", "DATE"),
    ("due_date", "DATE"),
    ("estimate_days", "DOUBLE PRECISION"),
    ("effort_hours", "DOUBLE PRECISION"),
    ("optimistic_days", "DOUBLE PRECISION"),
    ("likely_days", "DOUBLE PRECISION"),
    ("pessimistic_days", "DOUBLE PRECISION"),
    ("percent_complete", "BIGINT"),
    ("parent_id", "BIGINT"),
    ("phase_id", "BIGINT"),
    ("milestone_id", "BIGINT"),
    ("blocked_reason", "TEXT"),
    ("created_by", "BIGINT"),
    ("created_at", "TIMESTAMPTZ"),
    ("updated_at", "TIMESTAMPTZ"),
    ("completed_at", "TIMESTAMPTZ"),
    ("constraint_type", "TEXT"),
    ("constraint_date", "TEXT"),
    ("actual_start", "TEXT"),
    ("actual_finish", "TEXT"),
    ("scheduling", "TEXT"),
    ("levelling_delay", "BIGINT"),
];

/// [`TASK_COLUMNS`]' names, comma-separated.
pub(super) static TASK_COLUMN_LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    TASK_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
});

pub(super) static TASK_INSERT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("INSERT INTO tasks ({}) ", *TASK_COLUMN_LIST));

/// Binds one row of [`TASK_INSERT`]: one task created through
/// the API, or many in an import.
pub(super) fn push_task_row(
    b: &mut sqlx::query_builder::Separated<'_, '_, Db, &'static str>,
    scope: Scope,
    row: &TaskRowValues<'_>,
) {
    let f = row.fields;
    let tp = f.three_point.as_ref();
    b.push_bind(scope.workspace_id).push_bind(row.project_id);
    match row.number {
        Some(number) => b.push_bind(number),
        // The clause `n` of the insert took it; a clause's change is not
        // seen by a read of the table in the same statement.
        None if DbStore::WITH_WRITES => b.push("(SELECT next_task_number FROM n)"),
        None => b
            .push("(SELECT next_task_number FROM projects WHERE id = ")
            .push_bind_unseparated(row.project_id)
            .push_unseparated(")"),
    };
    b.push_bind(f.title.trim().to_string())
        .push_bind(f.description.clone())
        .push_bind(row.owner_id)
        .push_bind(f.status.as_str())
        .push_bind(f.priority.as_str())
        .push_bind(f.start_date)
        .push_bind(f.due_date)
        .push_bind(f.estimate_days)
        .push_bind(f.effort_hours)
        .push_bind(tp.map(|t| t.optimistic))
        .push_bind(tp.map(|t| t.likely))
        .push_bind(tp.map(|t| t.pessimistic))
        .push_bind(f.percent_complete)
        .push_bind(row.parent_id)
        .push_bind(f.phase_id)
        .push_bind(f.milestone_id)
        .push_bind(f.blocked_reason.clone())
        .push_bind(scope.user_id)
        .push_bind(row.now)
        .push_bind(row.now)
        .push_bind(f.status.is_closed().then_some(row.now))
        .push_bind(f.schedule.constraint_type.map(|c| c.as_str()))
        .push_bind(local_time(f.schedule.constraint_date))
        .push_bind(local_time(f.schedule.actual_start))
        .push_bind(local_time(f.schedule.actual_finish))
        .push_bind(f.schedule.mode.as_str())
        .push_bind(f.schedule.levelling_delay);
}

/// [`TASK_COLUMNS`] with their types, the column definitions of rows
/// given as one JSON parameter (PostgreSQL's `JSON_ROWS`): each row an
/// object keyed by column, made by [`task_row_json`].
pub(super) static TASK_JSON_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    TASK_COLUMNS
        .iter()
        .map(|(name, kind)| format!("{name} {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
});

/// One row of [`TASK_INSERT`] as [`push_task_row`] binds it, as a JSON
/// object keyed by [`TASK_JSON_COLUMNS`]; the number must be known.
pub(super) fn task_row_json(scope: Scope, row: &TaskRowValues<'_>) -> serde_json::Value {
    let f = row.fields;
    let tp = f.three_point.as_ref();
    let mut row = serde_json::json!({
        "workspace_id": scope.workspace_id,
        "project_id": row.project_id,
        "number": row.number,
        "title": f.title.trim(),
        "description": f.description,
        "owner_id": row.owner_id,
        "status": f.status.as_str(),
        "priority": f.priority.as_str(),
        "start_date": f.start_date,
        "due_date": f.due_date,
        "estimate_days": f.estimate_days,
        "effort_hours": f.effort_hours,
        "optimistic_days": tp.map(|t| t.optimistic),
        "likely_days": tp.map(|t| t.likely),
        "pessimistic_days": tp.map(|t| t.pessimistic),
        "percent_complete": f.percent_complete,
        "parent_id": row.parent_id,
        "phase_id": f.phase_id,
        "milestone_id": f.milestone_id,
        "blocked_reason": f.blocked_reason,
        "created_by": scope.user_id,
        "created_at": row.now,
        "updated_at": row.now,
        "completed_at": f.status.is_closed().then_some(row.now),
    });
    row.as_object_mut()
        .expect("an object")
        .extend(crate::sql::schedule_json(&f.schedule));
    row
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON rows name the columns the insert lists, in its order, and
    /// each row fills every one of them.
    #[test]
    fn the_json_columns_are_the_inserts() {
        let listed = TASK_INSERT
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(columns, _)| columns)
            .unwrap();
        let listed: Vec<&str> = listed.split(',').map(str::trim).collect();
        let typed: Vec<&str> = TASK_JSON_COLUMNS
            .split(',')
            .map(|c| c.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(typed, listed);
        let fields = TaskFields::titled("Drill");
        let row = TaskRowValues {
            project_id: Some(1),
            number: Some(7),
            fields: &fields,
            owner_id: None,
            parent_id: None,
            now: Utc::now(),
        };
        let scope = Scope {
            workspace_id: 1,
            user_id: 2,
            role: Role::Member,
        };
        let json = task_row_json(scope, &row);
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
    }
}
