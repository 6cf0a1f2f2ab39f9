//! Calendar exceptions, stored schedules and baselines.

use chrono::NaiveDateTime;
use tandem_domain::calendar::CalendarException;
use tandem_domain::{Baseline, BaselineTask, StoredSchedule, TaskSchedule};

use super::{Columns, decode_error, parse_local_time, user_ref};
use crate::{Result, StoreError};

pub(crate) const BASELINE_SELECT: &str = "SELECT b.id, b.project_id, b.name, b.created_by, \
    u.email AS creator_email, u.name AS creator_name, b.created_at \
    FROM baselines b LEFT JOIN users u ON u.id = b.created_by";

pub(crate) fn exception_from_row(row: &impl Columns) -> Result<CalendarException> {
    let hours: String = row.get("hours")?;
    Ok(CalendarException {
        id: row.get("id")?,
        name: row.get("name")?,
        start: row.get("start_date")?,
        end: row.get("end_date")?,
        hours: tandem_domain::calendar::parse_hours(&hours)
            .map_err(|e| decode_error(format!("exception hours '{hours}': {e}")))?,
    })
}

pub(crate) fn baseline_from_row(row: &impl Columns) -> Result<Baseline> {
    Ok(Baseline {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        name: row.get("name")?,
        created_by: user_ref(row, "created_by", "creator_email", "creator_name")?,
        created_at: row.get("created_at")?,
        tasks: Vec::new(),
    })
}

/// A plan instant stored as text; an unreadable one is a decoding error.
fn instant(row: &impl Columns, column: &str) -> Result<NaiveDateTime> {
    let text: String = row.get(column)?;
    Ok(parse_local_time(Some(&text))?.unwrap_or_default())
}

pub(crate) fn baseline_task_from_row(row: &impl Columns) -> Result<BaselineTask> {
    Ok(BaselineTask {
        task_id: row.get("task_id")?,
        start: instant(row, "start")?,
        finish: instant(row, "finish")?,
        duration_minutes: row.get("duration_minutes")?,
    })
}

/// A stored schedule's own row, without its tasks.
pub(crate) fn schedule_from_row(row: &impl Columns) -> Result<StoredSchedule> {
    let critical_path: String = row.get("critical_path")?;
    let warnings: String = row.get("warnings")?;
    Ok(StoredSchedule {
        fingerprint: row.get("fingerprint")?,
        computed_at: row.get("computed_at")?,
        start: instant(row, "start")?,
        finish: instant(row, "finish")?,
        critical_path: critical_path
            .split_whitespace()
            .map(|id| {
                id.parse()
                    .map_err(|_| decode_error(format!("critical path '{critical_path}'")))
            })
            .collect::<Result<_>>()?,
        warnings: warnings.lines().map(str::to_string).collect(),
        tasks: Vec::new(),
    })
}

pub(crate) fn task_schedule_from_row(row: &impl Columns) -> Result<TaskSchedule> {
    Ok(TaskSchedule {
        task_id: row.get("task_id")?,
        early_start: instant(row, "early_start")?,
        early_finish: instant(row, "early_finish")?,
        late_start: instant(row, "late_start")?,
        late_finish: instant(row, "late_finish")?,
        total_slack: row.get("total_slack")?,
        free_slack: row.get("free_slack")?,
        critical: row.get("critical")?,
        summary: row.get("summary")?,
        milestone: row.get("milestone")?,
    })
}

/// A baseline's name, checked as every name is.
pub(crate) fn baseline_name(name: &str) -> Result<String> {
    let mut v = tandem_domain::Validation::new();
    let name = tandem_domain::validate::required_text(Some(name), "name", 200, &mut v);
    v.into_result().map_err(StoreError::Invalid)?;
    Ok(name)
}

/// [`crate::PlanStore`]'s SQL; expanded inside `store_impl!`.
macro_rules! plans_impl {
    ($store:ident) => {
        async fn fetch_baseline_tx(tx: &mut Tx, scope: Scope, project_id: Id, id: Id) -> Result<Baseline> {
            let row = sqlx::query(&format!("{BASELINE_SELECT} WHERE b.id = $1 AND b.workspace_id = $2 AND b.project_id = $3"))
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
            baseline.tasks = rows.iter().map(baseline_task_from_row).collect::<Result<_>>()?;
            Ok(baseline)
        }

        /// [`PlanStore::save_schedule`], one attempt.
        async fn save_schedule_once(store: &$store, scope: Scope, project_id: Id, schedule: &StoredSchedule) -> Result<bool> {
            let mut tx = store.writer().begin().await?;
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE id = $1 AND workspace_id = $2")
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
            let present: std::collections::HashSet<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE project_id = $1")
                .bind(project_id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
            let stored = sqlx::query("SELECT fingerprint, computed_at FROM project_schedules WHERE project_id = $1")
                .bind(project_id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = stored {
                let fingerprint: String = row.try_get("fingerprint")?;
                let computed_at: DateTime<Utc> = row.try_get("computed_at")?;
                if fingerprint == schedule.fingerprint || computed_at > schedule.computed_at {
                    tx.commit().await?;
                    return Ok(false);
                }
            }
            sqlx::query("DELETE FROM task_schedules WHERE project_id = $1").bind(project_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM project_schedules WHERE project_id = $1").bind(project_id).execute(&mut *tx).await?;
            let path = schedule.critical_path.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(" ");
            sqlx::query(
                "INSERT INTO project_schedules (project_id, fingerprint, computed_at, start, finish, critical_path, warnings) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(project_id)
            .bind(&schedule.fingerprint)
            .bind(schedule.computed_at)
            .bind(local_time(Some(schedule.start)))
            .bind(local_time(Some(schedule.finish)))
            .bind(path)
            .bind(schedule.warnings.join("\n"))
            .execute(&mut *tx)
            .await?;
            // Eleven values a row: 500 rows stay within both
            // backends' limits on bound parameters.
            let rows: Vec<&TaskSchedule> = schedule.tasks.iter().filter(|t| present.contains(&t.task_id)).collect();
            for chunk in rows.chunks(500) {
                let mut qb = QueryBuilder::<Db>::new(
                    "INSERT INTO task_schedules (task_id, project_id, early_start, early_finish, late_start, late_finish, \
                     total_slack, free_slack, critical, summary, milestone) ",
                );
                qb.push_values(chunk, |mut b, t| {
                    b.push_bind(t.task_id)
                        .push_bind(project_id)
                        .push_bind(local_time(Some(t.early_start)))
                        .push_bind(local_time(Some(t.early_finish)))
                        .push_bind(local_time(Some(t.late_start)))
                        .push_bind(local_time(Some(t.late_finish)))
                        .push_bind(t.total_slack)
                        .push_bind(t.free_slack)
                        .push_bind(t.critical)
                        .push_bind(t.summary)
                        .push_bind(t.milestone);
                });
                qb.build().execute(&mut *tx).await?;
            }
            emit(&mut tx, scope.workspace_id, Some(project_id), "schedule", "computed", &project_id.to_string(), None).await?;
            tx.commit().await?;
            Ok(true)
        }

        #[async_trait]
        impl PlanStore for $store {
            async fn list_calendar_exceptions(&self, scope: Scope, project_id: Id) -> Result<Vec<CalendarException>> {
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

            async fn create_calendar_exception(&self, scope: Scope, project_id: Id, exception: &ExceptionFields) -> Result<CalendarException> {
                exception.check().map_err(StoreError::Invalid)?;
                let mut tx = self.writer().begin().await?;
                let key: String = sqlx::query_scalar("SELECT key FROM projects WHERE id = $1 AND workspace_id = $2")
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
                record(&mut tx, scope, Some(project_id), EntityKind::Project, project_id, &key, "calendar exception added", &activity::created(&snapshot)).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn delete_calendar_exception(&self, scope: Scope, project_id: Id, id: Id) -> Result<()> {
                let mut tx = self.writer().begin().await?;
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
                record(&mut tx, scope, Some(project_id), EntityKind::Project, project_id, &key, "calendar exception removed", &changes).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn schedule_fingerprint(&self, scope: Scope, project_id: Id) -> Result<Option<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT s.fingerprint FROM project_schedules s JOIN projects p ON p.id = s.project_id \
                     WHERE s.project_id = $1 AND p.workspace_id = $2",
                )
                .bind(project_id)
                .bind(scope.workspace_id)
                .fetch_optional(self.reader())
                .await?)
            }

            async fn stored_schedule(&self, scope: Scope, project_id: Id) -> Result<Option<StoredSchedule>> {
                let mut tx = self.reader().begin().await?;
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
                let rows = sqlx::query(
                    "SELECT task_id, early_start, early_finish, late_start, late_finish, total_slack, free_slack, \
                     critical, summary, milestone FROM task_schedules WHERE project_id = $1 ORDER BY task_id",
                )
                .bind(project_id)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                schedule.tasks = rows.iter().map(task_schedule_from_row).collect::<Result<_>>()?;
                Ok(Some(schedule))
            }

            async fn save_schedule(&self, scope: Scope, project_id: Id, schedule: &StoredSchedule) -> Result<bool> {
                retry_transient(|| async move { save_schedule_once(self, scope, project_id, schedule).await }).await
            }

            async fn create_baseline(&self, scope: Scope, project_id: Id, name: &str, tasks: &[BaselineTask]) -> Result<Baseline> {
                let name = baseline_name(name)?;
                let name = name.as_str();
                let mut tx = self.writer().begin().await?;
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
                    let mut qb = QueryBuilder::<Db>::new("INSERT INTO baseline_tasks (baseline_id, task_id, start, finish, duration_minutes) ");
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
                record(&mut tx, scope, Some(project_id), EntityKind::Baseline, id, name, "created", &changes).await?;
                let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
                tx.commit().await?;
                Ok(baseline)
            }

            async fn list_baselines(&self, scope: Scope, project_id: Id) -> Result<Vec<Baseline>> {
                let rows = sqlx::query(&format!("{BASELINE_SELECT} WHERE b.workspace_id = $1 AND b.project_id = $2 ORDER BY b.id DESC"))
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_all(self.reader())
                    .await?;
                rows.iter().map(baseline_from_row).collect()
            }

            async fn get_baseline(&self, scope: Scope, project_id: Id, id: Id) -> Result<Baseline> {
                let mut tx = self.reader().begin().await?;
                let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
                tx.commit().await?;
                Ok(baseline)
            }

            async fn delete_baseline(&self, scope: Scope, project_id: Id, id: Id) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
                sqlx::query("DELETE FROM baselines WHERE id = $1").bind(id).execute(&mut *tx).await?;
                record(&mut tx, scope, Some(project_id), EntityKind::Baseline, id, &baseline.name, "deleted", &[]).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use plans_impl;
