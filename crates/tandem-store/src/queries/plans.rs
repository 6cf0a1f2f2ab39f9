//! Calendars, stored schedules and baselines; the queries, compiled once per
//! backend (see `mod.rs`).

use super::*;

pub(super) async fn fetch_baseline_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    id: Id,
) -> Result<Baseline> {
    let row = sqlx::query(&format!(
        "{BASELINE_SELECT} WHERE b.id = $1 AND b.workspace_id = $2 AND b.project_id = $3"
    ))
    .bind(id)
    .bind(scope.workspace_id)
    .bind(project_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("baseline"))?;
    let mut baseline = baseline_from_row(&row)?;
    let rows = sqlx::query("SELECT task_id, start, finish, duration_minutes FROM baseline_tasks WHERE baseline_id = $1 ORDER BY task_id")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    baseline.tasks = rows
        .iter()
        .map(baseline_task_from_row)
        .collect::<Result<_>>()?;
    Ok(baseline)
}

/// Stamps the stored schedule of this fingerprint with `stamp`, unless it
/// carries a newer plan version already.
async fn stamp_tx(tx: &mut Tx, project_id: Id, fingerprint: &str, stamp: PlanStamp) -> Result<()> {
    sqlx::query(
        "UPDATE project_schedules SET plan_version = $1, planned_on = $2 \
         WHERE project_id = $3 AND fingerprint = $4 \
         AND (plan_version IS NULL OR plan_version < $1 OR (plan_version = $1 AND planned_on <> $2))",
    )
    .bind(stamp.version)
    .bind(stamp.planned_on)
    .bind(project_id)
    .bind(fingerprint)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The stored schedule with the rows of tasks after `after`, all or
/// `limit` of them, read in one transaction so header and rows agree.
async fn stored_schedule_rows(
    store: &DbStore,
    access: ProjectAccess,
    after: Id,
    limit: Option<usize>,
) -> Result<Option<StoredSchedule>> {
    let (scope, project_id) = (access.scope(), access.project_id());
    let mut tx = store.read_tx().await?;
    let Some(row) = sqlx::query(
        "SELECT s.fingerprint, s.computed_at, s.start, s.finish, s.critical_path, s.warnings \
         FROM project_schedules s JOIN projects p ON p.id = s.project_id \
         WHERE s.project_id = $1 AND p.workspace_id = $2",
    )
    .bind(project_id)
    .bind(scope.workspace_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let mut schedule = schedule_from_row(&row)?;
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT task_id, early_start, early_finish, late_start, late_finish, total_slack, free_slack, \
         critical, summary, milestone FROM task_schedules WHERE project_id = ",
    );
    qb.push_bind(project_id);
    qb.push(" AND task_id > ");
    qb.push_bind(after);
    qb.push(" ORDER BY task_id");
    if let Some(limit) = limit {
        qb.push(" LIMIT ");
        qb.push_bind(limit as i64);
    }
    let rows = qb.build().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    schedule.tasks = rows
        .iter()
        .map(task_schedule_from_row)
        .collect::<Result<_>>()?;
    Ok(Some(schedule))
}

/// The names of the project's tasks, or of those among `ids`.
async fn task_names_where(
    store: &DbStore,
    access: ProjectAccess,
    ids: Option<&[Id]>,
) -> Result<Vec<TaskName>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT t.id, t.number, t.title, t.milestone_id, p.key FROM tasks t \
         JOIN projects p ON p.id = t.project_id WHERE t.project_id = ",
    );
    qb.push_bind(access.project_id());
    qb.push(" AND t.workspace_id = ");
    qb.push_bind(access.scope().workspace_id);
    if let Some(ids) = ids {
        qb.push(" AND t.id IN (");
        let mut list = qb.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        qb.push(")");
    }
    let rows: Vec<(Id, i64, String, Option<Id>, String)> =
        qb.build_query_as().fetch_all(store.reader()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, title, milestone_id, key)| TaskName {
            id,
            key: TaskKey::format(Some(&key), number, id),
            title,
            milestone_id,
        })
        .collect())
}

/// [`PlanStore::save_schedule`], one attempt.
/// One task's stored schedule, as its columns hold it.
type ScheduleRow = (String, String, String, String, i64, i64, bool, bool, bool);

/// A row's fingerprint: the stored side of the comparison is kept as this,
/// not as the row, so a plan of a million tasks costs 16 MB to compare,
/// not hundreds.
fn row_hash(row: &ScheduleRow) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    row.hash(&mut hasher);
    hasher.finish()
}

fn schedule_row(t: &TaskSchedule) -> ScheduleRow {
    let at = |v| local_time(Some(v)).unwrap_or_default();
    (
        at(t.early_start),
        at(t.early_finish),
        at(t.late_start),
        at(t.late_finish),
        t.total_slack,
        t.free_slack,
        t.critical,
        t.summary,
        t.milestone,
    )
}

/// Writes only the task rows that differ from what is stored: a write
/// moves a few tasks of a big plan, and rewriting all of them held the
/// writer (and every write queued behind it) for seconds at a million.
async fn save_changed_rows(
    tx: &mut Tx,
    project_id: Id,
    schedule: &StoredSchedule,
    present: &std::collections::HashSet<i64>,
) -> Result<()> {
    let mut stored: HashMap<i64, u64> = HashMap::new();
    {
        let mut rows = sqlx::query_as::<_, (i64, String, String, String, String, i64, i64, bool, bool, bool)>(
            "SELECT task_id, early_start, early_finish, late_start, late_finish, total_slack, free_slack, \
             critical, summary, milestone FROM task_schedules WHERE project_id = $1",
        )
        .bind(project_id)
        .fetch(&mut **tx);
        use futures_util::TryStreamExt;
        while let Some((id, es, ef, ls, lf, ts, fs, c, s, m)) = rows.try_next().await? {
            stored.insert(id, row_hash(&(es, ef, ls, lf, ts, fs, c, s, m)));
        }
    }
    let mut changed: Vec<(&TaskSchedule, ScheduleRow)> = Vec::new();
    for t in &schedule.tasks {
        if !present.contains(&t.task_id) {
            continue;
        }
        let row = schedule_row(t);
        if stored.remove(&t.task_id) != Some(row_hash(&row)) {
            changed.push((t, row));
        }
    }
    // What is left was stored for tasks the plan no longer has.
    let gone: Vec<i64> = stored.into_keys().collect();
    for chunk in gone.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM task_schedules WHERE task_id IN (");
        let mut ids = qb.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut **tx).await?;
    }
    // Eleven values a row: 500 rows stay within both backends' limits on
    // bound parameters.
    for chunk in changed.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO task_schedules (task_id, project_id, early_start, early_finish, late_start, late_finish, \
             total_slack, free_slack, critical, summary, milestone) ",
        );
        qb.push_values(chunk, |mut b, (t, row)| {
            b.push_bind(t.task_id)
                .push_bind(project_id)
                .push_bind(row.0.clone())
                .push_bind(row.1.clone())
                .push_bind(row.2.clone())
                .push_bind(row.3.clone())
                .push_bind(row.4)
                .push_bind(row.5)
                .push_bind(row.6)
                .push_bind(row.7)
                .push_bind(row.8);
        });
        qb.push(
            " ON CONFLICT (task_id) DO UPDATE SET project_id = excluded.project_id, \
             early_start = excluded.early_start, early_finish = excluded.early_finish, \
             late_start = excluded.late_start, late_finish = excluded.late_finish, \
             total_slack = excluded.total_slack, free_slack = excluded.free_slack, \
             critical = excluded.critical, summary = excluded.summary, milestone = excluded.milestone",
        );
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(super) async fn save_schedule_once(
    store: &DbStore,
    scope: Scope,
    project_id: Id,
    schedule: &StoredSchedule,
    stamp: PlanStamp,
) -> Result<bool> {
    let mut tx = store.write_tx().await?;
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM projects WHERE id = $1 AND workspace_id = $2")
            .bind(project_id)
            .bind(scope.workspace_id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Err(StoreError::NotFound("project"));
    }
    // The project's lock, as every writer of its tasks
    // takes it first: two nodes, or a request and the
    // background worker saving at once, take turns.
    lock_project_tx(&mut tx, project_id).await?;
    // Tasks deleted since the plan was read have no row to
    // hang a schedule on; the plan's fingerprint no longer
    // matches either, so the next read recomputes.
    let present: std::collections::HashSet<i64> =
        sqlx::query_scalar("SELECT id FROM tasks WHERE project_id = $1")
            .bind(project_id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let stored =
        sqlx::query("SELECT fingerprint, computed_at FROM project_schedules WHERE project_id = $1")
            .bind(project_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(row) = stored {
        let fingerprint: String = row.try_get("fingerprint")?;
        let computed_at: DateTime<Utc> = row.try_get("computed_at")?;
        if fingerprint == schedule.fingerprint || computed_at > schedule.computed_at {
            if fingerprint == schedule.fingerprint {
                stamp_tx(&mut tx, project_id, &fingerprint, stamp).await?;
            }
            tx.commit().await?;
            return Ok(false);
        }
    }
    sqlx::query("DELETE FROM project_schedules WHERE project_id = $1")
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    let path = schedule
        .critical_path
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    sqlx::query(
        "INSERT INTO project_schedules (project_id, fingerprint, computed_at, start, finish, critical_path, warnings, \
         plan_version, planned_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(project_id)
    .bind(&schedule.fingerprint)
    .bind(schedule.computed_at)
    .bind(local_time(Some(schedule.start)))
    .bind(local_time(Some(schedule.finish)))
    .bind(path)
    .bind(schedule.warnings.join("\n"))
    .bind(stamp.version)
    .bind(stamp.planned_on)
    .execute(&mut *tx)
    .await?;
    save_changed_rows(&mut tx, project_id, schedule, &present).await?;
    emit(
        &mut tx,
        scope.workspace_id,
        Some(project_id),
        "schedule",
        "computed",
        &project_id.to_string(),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[async_trait]
impl PlanStore for DbStore {
    async fn list_calendar_exceptions(
        &self,
        access: ProjectAccess,
    ) -> Result<Vec<CalendarException>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let rows = sqlx::query(
            "SELECT id, name, start_date, end_date, hours FROM calendar_exceptions \
             WHERE workspace_id = $1 AND project_id = $2 ORDER BY start_date, id",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(exception_from_row).collect()
    }

    async fn create_calendar_exception(
        &self,
        scope: WriteScope,
        project_id: Id,
        exception: &ExceptionFields,
    ) -> Result<CalendarException> {
        let scope = *scope;
        exception.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let key: String =
            sqlx::query_scalar("SELECT key FROM projects WHERE id = $1 AND workspace_id = $2")
                .bind(project_id)
                .bind(scope.workspace_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("project"))?;
        let hours = tandem_domain::calendar::format_hours(&exception.hours);
        let row = sqlx::query(
            "INSERT INTO calendar_exceptions (workspace_id, project_id, name, start_date, end_date, hours) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, name, start_date, end_date, hours",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(exception.name.trim())
        .bind(exception.start)
        .bind(exception.end)
        .bind(&hours)
        .fetch_one(&mut *tx)
        .await?;
        let created = exception_from_row(&row)?;
        let snapshot = serde_json::Map::from_iter([(
            "calendar_exception".to_string(),
            serde_json::json!({"name": created.name, "start_date": created.start.to_string(),
                               "end_date": created.end.to_string(), "hours": hours}),
        )]);
        record(
            &mut tx,
            scope,
            Some(project_id),
            EntityKind::Project,
            project_id,
            &key,
            "calendar exception added",
            &activity::created(&snapshot),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn delete_calendar_exception(
        &self,
        scope: WriteScope,
        project_id: Id,
        id: Id,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "DELETE FROM calendar_exceptions WHERE id = $1 AND project_id = $2 AND workspace_id = $3 \
             RETURNING id, name, start_date, end_date, hours",
        )
        .bind(id)
        .bind(project_id)
        .bind(scope.workspace_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("calendar exception"))?;
        let gone = exception_from_row(&row)?;
        let key: String = sqlx::query_scalar("SELECT key FROM projects WHERE id = $1")
            .bind(project_id)
            .fetch_one(&mut *tx)
            .await?;
        let changes = [FieldChange {
            field: "calendar_exception".into(),
            before: serde_json::json!({"name": gone.name, "start_date": gone.start.to_string(), "end_date": gone.end.to_string()}),
            after: serde_json::Value::Null,
        }];
        record(
            &mut tx,
            scope,
            Some(project_id),
            EntityKind::Project,
            project_id,
            &key,
            "calendar exception removed",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn schedule_fingerprint(&self, access: ProjectAccess) -> Result<Option<String>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        Ok(sqlx::query_scalar(
            "SELECT s.fingerprint FROM project_schedules s JOIN projects p ON p.id = s.project_id \
             WHERE s.project_id = $1 AND p.workspace_id = $2",
        )
        .bind(project_id)
        .bind(scope.workspace_id)
        .fetch_optional(self.reader())
        .await?)
    }

    async fn stored_finish(&self, access: ProjectAccess) -> Result<Option<NaiveDateTime>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let finish: Option<String> = sqlx::query_scalar(
            "SELECT s.finish FROM project_schedules s JOIN projects p ON p.id = s.project_id \
             WHERE s.project_id = $1 AND p.workspace_id = $2",
        )
        .bind(project_id)
        .bind(scope.workspace_id)
        .fetch_optional(self.reader())
        .await?;
        parse_local_time(finish.as_deref())
    }

    async fn stored_schedule(&self, access: ProjectAccess) -> Result<Option<StoredSchedule>> {
        stored_schedule_rows(self, access, 0, None).await
    }

    async fn stored_schedule_page(
        &self,
        access: ProjectAccess,
        after: Id,
        limit: usize,
    ) -> Result<Option<StoredSchedule>> {
        stored_schedule_rows(self, access, after, Some(limit)).await
    }

    async fn save_schedule(
        &self,
        access: ProjectAccess,
        schedule: &StoredSchedule,
        stamp: PlanStamp,
    ) -> Result<bool> {
        let (scope, project_id) = (access.scope(), access.project_id());
        retry_transient(|| async move {
            save_schedule_once(self, scope, project_id, schedule, stamp).await
        })
        .await
    }

    async fn plan_version(&self, access: ProjectAccess) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT plan_version FROM projects WHERE id = $1")
                .bind(access.project_id())
                .fetch_one(self.reader())
                .await?,
        )
    }

    async fn stamp_schedule(
        &self,
        access: ProjectAccess,
        fingerprint: &str,
        stamp: PlanStamp,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        stamp_tx(&mut tx, access.project_id(), fingerprint, stamp).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn schedule_is_current(&self, access: ProjectAccess, today: NaiveDate) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT s.project_id FROM project_schedules s JOIN projects p ON p.id = s.project_id \
             WHERE s.project_id = $1 AND s.plan_version = p.plan_version AND s.planned_on = $2",
        )
        .bind(access.project_id())
        .bind(today)
        .fetch_optional(self.reader())
        .await?;
        Ok(found.is_some())
    }

    async fn task_names(&self, access: ProjectAccess) -> Result<Vec<TaskName>> {
        task_names_where(self, access, None).await
    }

    async fn task_names_of(&self, access: ProjectAccess, ids: &[Id]) -> Result<Vec<TaskName>> {
        let mut names = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            names.extend(task_names_where(self, access, Some(chunk)).await?);
        }
        Ok(names)
    }

    async fn create_baseline(
        &self,
        scope: WriteScope,
        project_id: Id,
        name: &str,
        tasks: &[BaselineTask],
    ) -> Result<Baseline> {
        let scope = *scope;
        let name = baseline_name(name)?;
        let name = name.as_str();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO baselines (workspace_id, project_id, name, created_by, created_at) \
             SELECT $1, id, $3, $4, $5 FROM projects WHERE id = $2 AND workspace_id = $1 RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(name)
        .bind(scope.user_id)
        .bind(Utc::now())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("project"))?;
        for chunk in tasks.chunks(1000) {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO baseline_tasks (baseline_id, task_id, start, finish, duration_minutes) ",
            );
            qb.push_values(chunk, |mut b, t| {
                b.push_bind(id)
                    .push_bind(t.task_id)
                    .push_bind(local_time(Some(t.start)))
                    .push_bind(local_time(Some(t.finish)))
                    .push_bind(t.duration_minutes);
            });
            qb.build().execute(&mut *tx).await?;
        }
        let changes = activity::created(&serde_json::Map::from_iter([
            ("name".to_string(), serde_json::json!(name)),
            ("tasks".to_string(), serde_json::json!(tasks.len())),
        ]));
        record(
            &mut tx,
            scope,
            Some(project_id),
            EntityKind::Baseline,
            id,
            name,
            "created",
            &changes,
        )
        .await?;
        let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
        tx.commit().await?;
        Ok(baseline)
    }

    async fn list_baselines(&self, access: ProjectAccess) -> Result<Vec<Baseline>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let rows = sqlx::query(&format!(
            "{BASELINE_SELECT} WHERE b.workspace_id = $1 AND b.project_id = $2 ORDER BY b.id DESC"
        ))
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(baseline_from_row).collect()
    }

    async fn get_baseline(&self, access: ProjectAccess, id: Id) -> Result<Baseline> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let mut tx = self.read_tx().await?;
        let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
        tx.commit().await?;
        Ok(baseline)
    }

    async fn delete_baseline(&self, scope: WriteScope, project_id: Id, id: Id) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
        sqlx::query("DELETE FROM baselines WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            scope,
            Some(project_id),
            EntityKind::Baseline,
            id,
            &baseline.name,
            "deleted",
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
