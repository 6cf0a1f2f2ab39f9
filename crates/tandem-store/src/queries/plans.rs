//! Calendars, stored schedules and baselines; the queries, compiled once per
//! backend (see `mod.rs`).

use super::schedule_save::{patch_schedule_once, save_schedule_once};
use super::*;

/// What the plan reads of each task of a project, through sqlx, decoded
/// as the rows arrive so no row outlives its task (SQLite reads them with
/// its own driver instead).
#[allow(dead_code)]
pub(crate) async fn sqlx_plan_task_rows(
    pool: &sqlx::Pool<Db>,
    access: ProjectAccess,
) -> Result<Vec<PlanTask>> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query(PLAN_TASK_SELECT)
        .bind(access.scope().workspace_id)
        .bind(access.project_id())
        .fetch(pool);
    let mut tasks = Vec::new();
    while let Some(row) = rows.try_next().await? {
        let (columns, key) = plan_task_row(&row)?;
        tasks.push(columns.into_plan_task(key)?);
    }
    tasks.shrink_to_fit();
    Ok(tasks)
}

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
pub(super) async fn stamp_tx(
    tx: &mut Tx,
    project_id: Id,
    fingerprint: &str,
    stamp: PlanStamp,
) -> Result<()> {
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
/// `limit` of them, and their tasks' names, through sqlx, read in one
/// transaction so header and rows agree (SQLite reads them with its own
/// driver instead).
#[allow(dead_code)]
pub(crate) async fn sqlx_schedule_rows(
    store: &DbStore,
    access: ProjectAccess,
    after: Id,
    limit: Option<usize>,
) -> Result<Option<NamedSchedule>> {
    let (scope, project_id) = (access.scope(), access.project_id());
    let mut tx = store.read_tx().await?;
    let Some(head) = sqlx::query(SCHEDULE_HEAD_SELECT)
        .bind(project_id)
        .bind(scope.workspace_id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(None);
    };
    let key: String = Columns::get(&head, "key")?;
    let mut schedule = schedule_from_row(&head)?;
    let mut names = Vec::new();
    // Decoded as the rows arrive: a million rows held as driver rows
    // first took more memory than the schedule they make.
    {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(TASK_SCHEDULE_SELECT)
            .bind(project_id)
            .bind(after)
            .bind(row_limit(limit))
            .fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            let task = task_schedule_from_row(&row)?;
            names.extend(row_task_name(
                &key,
                task.task_id,
                row.at(11)?,
                row.at(12)?,
                row.at(13)?,
            ));
            schedule.tasks.push(task);
        }
    }
    tx.commit().await?;
    Ok(Some(NamedSchedule { schedule, names }))
}

#[async_trait]
impl PlanStore for DbStore {
    async fn list_calendar_exceptions(
        &self,
        access: ProjectAccess,
    ) -> Result<Vec<CalendarException>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let rows = sqlx::query(CALENDAR_EXCEPTIONS)
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
        // Read under the project's lock, so two overlapping exceptions
        // added at once cannot both find the calendar free.
        lock_project_tx(&mut tx, project_id).await?;
        let existing = sqlx::query(CALENDAR_EXCEPTIONS)
            .bind(scope.workspace_id)
            .bind(project_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(exception_from_row)
            .collect::<Result<Vec<_>>>()?;
        if let Some(other) =
            tandem_domain::calendar::overlapping(&existing, exception.start, exception.end)
        {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "start_date",
                tandem_domain::calendar::overlap_message(other),
            )]));
        }
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
        Ok(self
            .schedule_rows(access, 0, None)
            .await?
            .map(|named| named.schedule))
    }

    async fn plan_tasks(&self, access: ProjectAccess) -> Result<Vec<PlanTask>> {
        self.plan_task_rows(access).await
    }

    async fn named_schedule(
        &self,
        access: ProjectAccess,
        after: Id,
        limit: Option<usize>,
    ) -> Result<Option<NamedSchedule>> {
        self.schedule_rows(access, after, limit).await
    }

    async fn save_schedule(
        &self,
        access: ProjectAccess,
        schedule: &StoredSchedule,
        stamp: PlanStamp,
    ) -> Result<bool> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let rows = retry_transient(|| async move {
            save_schedule_once(self, scope, project_id, schedule, stamp).await
        })
        .await?;
        if rows.is_some_and(|rows| rows >= BULK_ROWS) {
            analyze_after_bulk(self, "task_schedules").await?;
        }
        Ok(rows.is_some())
    }

    async fn schedule_head(&self, access: ProjectAccess) -> Result<Option<ScheduleHead>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let Some(row) = sqlx::query(
            "SELECT s.fingerprint, s.plan_version, s.planned_on, s.plan_start, s.late_from, s.warnings \
             FROM project_schedules s JOIN projects p ON p.id = s.project_id \
             WHERE s.project_id = $1 AND p.workspace_id = $2",
        )
        .bind(project_id)
        .bind(scope.workspace_id)
        .fetch_optional(self.reader())
        .await?
        else {
            return Ok(None);
        };
        let warnings: String = row.try_get("warnings")?;
        let version: Option<i64> = row.try_get("plan_version")?;
        let planned_on: Option<NaiveDate> = row.try_get("planned_on")?;
        Ok(match (version, planned_on, basis_from_row(&row)?) {
            (Some(version), Some(planned_on), Some(basis)) => Some(ScheduleHead {
                fingerprint: row.try_get("fingerprint")?,
                stamp: PlanStamp {
                    version,
                    planned_on,
                },
                basis,
                warnings: warnings.lines().map(str::to_string).collect(),
            }),
            _ => None,
        })
    }

    async fn stored_rows_of(&self, access: ProjectAccess, ids: &[Id]) -> Result<Vec<TaskSchedule>> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut qb = QueryBuilder::<Db>::new(format!(
                "SELECT {TASK_SCHEDULE_COLUMNS} FROM task_schedules s WHERE s.project_id = "
            ));
            qb.push_bind(access.project_id());
            qb.push(" AND s.task_id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            for row in qb.build().fetch_all(self.reader()).await? {
                rows.push(task_schedule_from_row(&row)?);
            }
        }
        Ok(rows)
    }

    async fn plan_changes(
        &self,
        access: ProjectAccess,
        after: i64,
        limit: usize,
    ) -> Result<Vec<PlanChange>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT plan_version, kind, action, object_key FROM events \
             WHERE project_id = $1 AND plan_version > $2 ORDER BY plan_version LIMIT $3",
        )
        .bind(access.project_id())
        .bind(after)
        .bind(limit as i64)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(version, kind, action, key)| PlanChange {
                version,
                kind,
                action,
                key,
            })
            .collect())
    }

    async fn patch_schedule(
        &self,
        access: ProjectAccess,
        head: &ScheduleHead,
        stamp: PlanStamp,
        patch: &tandem_domain::planning::Beside,
    ) -> Result<bool> {
        let (scope, project_id) = (access.scope(), access.project_id());
        retry_transient(|| async move {
            patch_schedule_once(self, scope, project_id, head, stamp, patch).await
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
        let rows: Vec<(Id, i64, String, Option<Id>, String)> = sqlx::query_as(
            "SELECT t.id, t.number, t.title, t.milestone_id, p.key FROM tasks t \
             JOIN projects p ON p.id = t.project_id WHERE t.project_id = $1 AND t.workspace_id = $2",
        )
        .bind(access.project_id())
        .bind(access.scope().workspace_id)
        .fetch_all(self.reader())
        .await?;
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

    async fn task_phases(&self, access: ProjectAccess) -> Result<Vec<(Id, Option<Id>)>> {
        self.task_phase_rows(access).await
    }

    async fn links_among(&self, access: ProjectAccess, ids: &[Id]) -> Result<Vec<Link>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let among: std::collections::HashSet<Id> = ids.iter().copied().collect();
        let mut rows = Vec::new();
        // By predecessor, a thousand at a time (under every backend's
        // limit on parameters); the successors are checked here.
        for chunk in ids.chunks(1000) {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT d.id, d.predecessor_id, d.successor_id, d.kind, d.lag_days, d.lag_format, \
                 d.version FROM dependencies d WHERE d.workspace_id = ",
            );
            qb.push_bind(access.scope().workspace_id);
            qb.push(" AND d.predecessor_id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(") ORDER BY d.id");
            let found: Vec<super::dependencies::LinkRow> =
                qb.build_query_as().fetch_all(self.reader()).await?;
            rows.extend(found.into_iter().filter(|row| among.contains(&row.2)));
        }
        super::dependencies::links_from(rows)
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
            "INSERT INTO baselines (workspace_id, project_id, name, created_by, created_at, finish) \
             SELECT $1, id, $3, $4, $5, $6 FROM projects WHERE id = $2 AND workspace_id = $1 RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(name)
        .bind(scope.user_id)
        .bind(Utc::now())
        .bind(local_time(tasks.iter().map(|t| t.finish).max()))
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

    async fn latest_baseline_finish(
        &self,
        access: ProjectAccess,
    ) -> Result<Option<(String, NaiveDateTime)>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT name, finish FROM baselines WHERE workspace_id = $1 AND project_id = $2 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_optional(self.reader())
        .await?;
        match row {
            Some((name, Some(finish))) => Ok(Some((name, minute(&finish)?))),
            _ => Ok(None),
        }
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

    async fn apply_levelling(
        &self,
        scope: WriteScope,
        access: ProjectAccess,
        changes: &[crate::DelayChange],
    ) -> Result<AppliedLevelling> {
        let scope = *scope;
        if access.scope().workspace_id != scope.workspace_id {
            return Err(StoreError::NotFound("project"));
        }
        retry_transient(|| async move {
            let mut tx = self.write_tx().await?;
            let now = Utc::now();
            // Rows of (id, version read, new delay) as one JSON text; a
            // row whose version moved is not matched, and the count says so.
            let rows = serde_json::Value::Array(
                changes
                    .iter()
                    .map(|c| serde_json::json!({"id": c.task_id, "version": c.version, "delay": c.delay}))
                    .collect(),
            )
            .to_string();
            let written = sqlx::query(&format!(
                "WITH v AS MATERIALIZED {DELAY_ROWS} \
                 UPDATE tasks SET levelling_delay = v.delay, version = tasks.version + 1, updated_at = $2 \
                 FROM v WHERE tasks.id = v.id AND tasks.version = v.version AND tasks.project_id = $3"
            ))
            .bind(rows)
            .bind(now)
            .bind(access.project_id())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if written != changes.len() as u64 {
                return Err(StoreError::VersionMismatch { current: 0 });
            }
            let tasks: Vec<LevelledTask> = changes
                .iter()
                .map(|c| LevelledTask {
                    task_id: c.task_id,
                    key: c.key.clone(),
                    version: c.version + 1,
                    constraint_type: c.before.constraint_type,
                    constraint_date: c.before.constraint_date,
                    levelling_delay: c.before.levelling_delay,
                })
                .collect();
            // The project's key for the history, and who applies it as the
            // levelling will show them, in one read.
            let head = sqlx::query(
                "SELECT p.key, u.id AS applied_by, u.email AS applier_email, u.name AS applier_name \
                 FROM projects p LEFT JOIN users u ON u.id = $2 WHERE p.id = $1",
            )
            .bind(access.project_id())
            .bind(scope.user_id)
            .fetch_one(&mut *tx)
            .await?;
            let project_key: String = head.try_get("key")?;
            let applied_by = crate::sql::user_ref(&head, "applied_by", "applier_email", "applier_name")?;
            let delayed = changes.iter().filter(|c| c.delay > 0).count();
            let change = FieldChange {
                field: "levelling".into(),
                before: serde_json::Value::Null,
                after: serde_json::json!({
                    "tasks": changes.len(),
                    "delayed": delayed,
                    "cleared": changes.len() - delayed,
                }),
            };
            record(
                &mut tx,
                scope,
                Some(access.project_id()),
                EntityKind::Project,
                access.project_id(),
                &project_key,
                "levelled",
                &[change],
            )
            .await?;
            let json = serde_json::to_string(&tasks)
                .map_err(|e| decode_error(format!("a levelling's tasks: {e}")))?;
            // What was stored, from what is at hand: reading the row back
            // parsed its tasks again, one more trip for the same values.
            let (id, applied_at): (i64, chrono::DateTime<Utc>) = sqlx::query_as(
                "INSERT INTO levellings (workspace_id, project_id, applied_by, applied_at, tasks) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id, applied_at",
            )
            .bind(scope.workspace_id)
            .bind(access.project_id())
            .bind(scope.user_id)
            .bind(Utc::now())
            .bind(json)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(AppliedLevelling {
                id,
                project_id: access.project_id(),
                applied_by,
                applied_at,
                undone_at: None,
                tasks,
            })
        })
        .await
    }

    async fn last_levelling(&self, access: ProjectAccess) -> Result<Option<AppliedLevelling>> {
        let row = sqlx::query(&format!(
            "{LEVELLING_SELECT} WHERE l.workspace_id = $1 AND l.project_id = $2 \
             ORDER BY l.id DESC LIMIT 1"
        ))
        .bind(access.scope().workspace_id)
        .bind(access.project_id())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(levelling_from_row).transpose()
    }

    async fn undo_levelling(
        &self,
        scope: WriteScope,
        access: ProjectAccess,
    ) -> Result<AppliedLevelling> {
        let scope = *scope;
        if access.scope().workspace_id != scope.workspace_id {
            return Err(StoreError::NotFound("project"));
        }
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "{LEVELLING_SELECT} WHERE l.workspace_id = $1 AND l.project_id = $2 \
             ORDER BY l.id DESC LIMIT 1"
        ))
        .bind(scope.workspace_id)
        .bind(access.project_id())
        .fetch_optional(&mut *tx)
        .await?;
        let levelling = row
            .as_ref()
            .map(levelling_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound("levelling"))?;
        // Claimed first: of two undoing at once, one takes it back.
        let claimed =
            sqlx::query("UPDATE levellings SET undone_at = $1 WHERE id = $2 AND undone_at IS NULL")
                .bind(Utc::now())
                .bind(levelling.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if claimed == 0 {
            return Err(StoreError::Conflict(
                "the newest levelling was taken back already".into(),
            ));
        }
        let mut changed = Vec::new();
        for levelled in &levelling.tasks {
            let current = match locked_task_tx(&mut tx, scope, &levelled.key).await {
                Ok(task) if task.id == levelled.task_id => task,
                Ok(_) | Err(StoreError::NotFound(_)) => {
                    changed.push(levelled.key.clone());
                    continue;
                }
                Err(other) => return Err(other),
            };
            if current.version != levelled.version {
                changed.push(levelled.key.clone());
                continue;
            }
            let mut fields = current.fields();
            fields.schedule.constraint_type = levelled.constraint_type;
            fields.schedule.constraint_date = levelled.constraint_date;
            fields.schedule.levelling_delay = levelled.levelling_delay;
            update_task_tx(&mut tx, scope, current, fields).await?;
        }
        if !changed.is_empty() {
            return Err(StoreError::Conflict(format!(
                "{} changed since the levelling; change {} back by hand, or level again",
                changed.join(", "),
                if changed.len() == 1 { "it" } else { "them" }
            )));
        }
        let undone = fetch_levelling_tx(&mut tx, levelling.id).await?;
        tx.commit().await?;
        Ok(undone)
    }
}

async fn fetch_levelling_tx(tx: &mut Tx, id: Id) -> Result<AppliedLevelling> {
    let row = sqlx::query(&format!("{LEVELLING_SELECT} WHERE l.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    levelling_from_row(&row)
}
