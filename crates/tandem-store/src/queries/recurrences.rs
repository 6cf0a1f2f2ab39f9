//! Recurring tasks: series and the occurrence that follows one done; the
//! queries, compiled once per backend (see `mod.rs`). The job's making of
//! many series' occurrences at once is `occurrences.rs`.

use tandem_domain::calendar::WorkWeek;
use tandem_domain::recurrence::{Landing, Mode, Recurrence, Reuse, Rule, Series};

use super::occurrences::make_occurrences_tx;
use super::*;

pub(super) const RECURRENCE_SELECT: &str = "SELECT id, workspace_id, project_id, created_by, rule, mode, reuse, \
    landing, starts_on, except_dates, last_on, ended FROM recurrences";

pub(super) fn recurrence_from_row(row: &impl Columns) -> Result<Recurrence> {
    let word = |e: String| decode_error(format!("stored series: {e}"));
    Ok(Recurrence {
        id: row.get("id")?,
        series: Series {
            rule: Rule::parse(row.text("rule")?).map_err(word)?,
            mode: Mode::parse(row.text("mode")?).map_err(word)?,
            reuse: Reuse::parse(row.text("reuse")?).map_err(word)?,
            landing: Landing::parse(row.text("landing")?).map_err(word)?,
            starts_on: row.get("starts_on")?,
            except: Series::parse_except(row.text("except_dates")?),
        },
        ended: row.get("ended")?,
        last_on: row.get("last_on")?,
    })
}

/// Whether a day is worked, for an occurrence of a task to land on.
pub(super) type Working = Box<dyn Fn(NaiveDate) -> bool + Send>;

/// A task's project (none for a personal task), read once for both what
/// an occurrence needs of it: its working week and holidays (Monday to
/// Friday for a personal task), and the project a new occurrence goes in.
pub(super) async fn home_tx(
    tx: &mut Tx,
    scope: Scope,
    task: &Task,
) -> Result<(Option<Project>, Working)> {
    let Some(project) = &task.project else {
        let calendar = WorkWeek::default().calendar(&[]);
        return Ok((None, Box::new(move |day| !calendar.periods(day).is_empty())));
    };
    let project = fetch_project_tx(&mut *tx, scope, &project.key).await?;
    let rows = sqlx::query(CALENDAR_EXCEPTIONS)
        .bind(scope.workspace_id)
        .bind(project.id)
        .fetch_all(&mut **tx)
        .await?;
    let exceptions = rows
        .iter()
        .map(exception_from_row)
        .collect::<Result<Vec<_>>>()?;
    let calendar = project.work_week.calendar(&exceptions);
    Ok((
        Some(project),
        Box::new(move |day| !calendar.periods(day).is_empty()),
    ))
}

/// Takes `date` for series `id`; `false` when it was taken already (by
/// another node, or before a restart), so nothing more is made of it.
async fn take_date_tx(tx: &mut Tx, id: Id, date: NaiveDate) -> Result<bool> {
    // The job holds the series it makes occurrences of: wait for it, and
    // find its dates taken.
    sqlx::query(&format!(
        "SELECT id FROM recurrences WHERE id = $1{}",
        DbStore::ROW_LOCK
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let taken = sqlx::query(
        "INSERT INTO occurrences (recurrence_id, occurs_on) VALUES ($1, $2) \
         ON CONFLICT (recurrence_id, occurs_on) DO NOTHING",
    )
    .bind(id)
    .bind(date)
    .execute(&mut **tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE recurrences SET last_on = $2 WHERE id = $1 AND last_on < $2")
        .bind(id)
        .bind(date)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// The occurrence of series `id` on `date` made of `template` (its
/// latest occurrence): a new task like it, or the same task opened again,
/// as the series says. Its start keeps its distance to the due date.
async fn make_occurrence_tx(
    tx: &mut Tx,
    scope: Scope,
    project: Option<&Project>,
    recurrence: &Recurrence,
    template: &Task,
    date: NaiveDate,
) -> Result<String> {
    let fields = occurrence_fields(template, date);
    let (task_id, key) = match recurrence.series.reuse {
        Reuse::Reopen => {
            let current = locked_task_tx(&mut *tx, scope, &template.key).await?;
            // Opening it again is an update like any other (history,
            // roll-ups, events); it closes nothing, so it follows nothing.
            let opened = Box::pin(update_task_tx(&mut *tx, scope, current, fields)).await?;
            (opened.id, opened.key)
        }
        Reuse::NewTask => {
            let mut batch = Batch::default();
            let made = insert_task_tx(
                &mut *tx,
                scope,
                project,
                &fields,
                Owner::ToLookUp,
                &mut batch,
            )
            .await?;
            batch.run(&mut *tx).await?;
            sqlx::query("UPDATE tasks SET recurrence_id = $1 WHERE id = $2")
                .bind(recurrence.id)
                .bind(made.0)
                .execute(&mut **tx)
                .await?;
            made
        }
    };
    sqlx::query("UPDATE occurrences SET task_id = $3 WHERE recurrence_id = $1 AND occurs_on = $2")
        .bind(recurrence.id)
        .bind(date)
        .bind(task_id)
        .execute(&mut **tx)
        .await?;
    Ok(key)
}

/// Keeps a new series from `starts_on`, the task `task_id` its first
/// occurrence.
async fn insert_series_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Option<Id>,
    task_id: Id,
    series: &Series,
    starts_on: NaiveDate,
) -> Result<Recurrence> {
    let series = Series {
        starts_on,
        ..series.clone()
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO recurrences (workspace_id, project_id, created_by, rule, mode, reuse, landing, \
         starts_on, except_dates, last_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10) RETURNING id",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .bind(scope.user_id)
    .bind(series.rule.as_str())
    .bind(series.mode.as_str())
    .bind(series.reuse.as_str())
    .bind(series.landing.as_str())
    .bind(starts_on)
    .bind(series.except_text())
    .bind(Utc::now())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE tasks SET recurrence_id = $1 WHERE id = $2")
        .bind(id)
        .bind(task_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO occurrences (recurrence_id, occurs_on, task_id) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(starts_on)
        .bind(task_id)
        .execute(&mut **tx)
        .await?;
    Ok(Recurrence {
        id,
        series,
        ended: false,
        last_on: starts_on,
    })
}

/// The series of the task `task_id` in this transaction, if any.
async fn recurrence_of_task_tx(tx: &mut Tx, task_id: Id) -> Result<Option<Recurrence>> {
    let row = sqlx::query(&format!(
        "{RECURRENCE_SELECT} WHERE id = (SELECT recurrence_id FROM tasks WHERE id = $1)"
    ))
    .bind(task_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(recurrence_from_row).transpose()
}

/// After the task `closed` was done or cancelled: the occurrence that
/// follows it, if its series has one (and the date is not taken yet).
/// `true` when that occurrence is `closed` itself, opened again.
pub(super) async fn follow_closed_tx(tx: &mut Tx, scope: Scope, closed: &Task) -> Result<bool> {
    let Some(recurrence) = recurrence_of_task_tx(&mut *tx, closed.id).await? else {
        return Ok(false);
    };
    if recurrence.ended {
        return Ok(false);
    }
    let occurrence: Option<NaiveDate> = sqlx::query_scalar(
        "SELECT MAX(occurs_on) FROM occurrences WHERE recurrence_id = $1 AND task_id = $2",
    )
    .bind(recurrence.id)
    .bind(closed.id)
    .fetch_one(&mut **tx)
    .await?;
    let Some(occurrence) = occurrence.or(closed.due_date) else {
        return Ok(false);
    };
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM occurrences WHERE recurrence_id = $1")
        .bind(recurrence.id)
        .fetch_one(&mut **tx)
        .await?;
    let (project, working) = home_tx(&mut *tx, scope, closed).await?;
    let done_on = chrono::Local::now().date_naive();
    let next = recurrence
        .series
        .after_done(occurrence, done_on, made as usize, working);
    let Some(next) = next else {
        return Ok(false);
    };
    if !take_date_tx(&mut *tx, recurrence.id, next).await? {
        return Ok(false);
    }
    make_occurrence_tx(&mut *tx, scope, project.as_ref(), &recurrence, closed, next).await?;
    Ok(recurrence.series.reuse == Reuse::Reopen)
}

#[async_trait]
impl RecurrenceStore for DbStore {
    async fn create_recurring_task(
        &self,
        scope: WriteScope,
        task: &NewTask,
        series: &Series,
    ) -> Result<(Task, Recurrence)> {
        let scope = *scope;
        let Some(starts_on) = task.fields.due_date else {
            return Err(StoreError::invalid(
                "due_date",
                "is required for a task that repeats: it is the first date",
            ));
        };
        let mut tx = self.write_tx().await?;
        let project = match &task.project {
            Some(key) => Some(project_for_task(&mut tx, scope, key.as_str()).await?),
            None => None,
        };
        let mut batch = Batch::default();
        let (task_id, key) = insert_task_tx(
            &mut tx,
            scope,
            project.as_ref(),
            &task.fields,
            Owner::ToLookUp,
            &mut batch,
        )
        .await?;
        batch.run(&mut tx).await?;
        let recurrence = insert_series_tx(
            &mut tx,
            scope,
            project.as_ref().map(|p| p.id),
            task_id,
            series,
            starts_on,
        )
        .await?;
        let collaborators = !task.fields.collaborators.is_empty();
        let task =
            run_and_fetch_task(&mut tx, Batch::default(), scope, &key, collaborators).await?;
        tx.commit().await?;
        Ok((task, recurrence))
    }

    async fn start_recurrence(
        &self,
        scope: WriteScope,
        key: &str,
        series: &Series,
    ) -> Result<Recurrence> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let task = locked_task_tx(&mut tx, scope, key).await?;
        let Some(starts_on) = task.due_date else {
            return Err(StoreError::invalid(
                "due_date",
                "is required for a task that repeats: it is the first date",
            ));
        };
        if recurrence_of_task_tx(&mut tx, task.id).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} repeats already: end its series first",
                task.key
            )));
        }
        let recurrence = insert_series_tx(
            &mut tx,
            scope,
            task.project.as_ref().map(|p| p.id),
            task.id,
            series,
            starts_on,
        )
        .await?;
        let mut batch = Batch::default();
        record_in(
            &mut batch,
            scope,
            task.project.as_ref().map(|p| p.id),
            EntityKind::Task,
            task.id,
            &task.key,
            "updated",
            &[FieldChange {
                field: "repeat".into(),
                before: serde_json::Value::Null,
                after: serde_json::Value::String(recurrence.series.rule.describe()),
            }],
        );
        batch.run(&mut tx).await?;
        tx.commit().await?;
        Ok(recurrence)
    }

    async fn recurrence_of(&self, scope: Scope, task: &Task) -> Result<Option<Recurrence>> {
        // The task was read in this scope already: its series is read by
        // its id alone, confined to the workspace.
        let row = sqlx::query(&format!(
            "{RECURRENCE_SELECT} WHERE workspace_id = $2 \
             AND id = (SELECT recurrence_id FROM tasks WHERE id = $1)"
        ))
        .bind(task.id)
        .bind(scope.workspace_id)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(recurrence_from_row).transpose()
    }

    async fn change_recurrence(
        &self,
        scope: WriteScope,
        key: &str,
        change: &Series,
    ) -> Result<Recurrence> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let task = locked_task_tx(&mut tx, scope, key).await?;
        let Some(before) = recurrence_of_task_tx(&mut tx, task.id).await? else {
            return Err(StoreError::NotFound("series"));
        };
        if before.ended {
            return Err(StoreError::Conflict(format!(
                "the series of {} has ended: start a new one",
                task.key
            )));
        }
        let series = Series {
            starts_on: before.last_on,
            ..change.clone()
        };
        sqlx::query(
            "UPDATE recurrences SET rule = $2, mode = $3, reuse = $4, landing = $5, starts_on = $6, \
             except_dates = $7 WHERE id = $1",
        )
        .bind(before.id)
        .bind(series.rule.as_str())
        .bind(series.mode.as_str())
        .bind(series.reuse.as_str())
        .bind(series.landing.as_str())
        .bind(series.starts_on)
        .bind(series.except_text())
        .execute(&mut *tx)
        .await?;
        let mut batch = Batch::default();
        record_in(
            &mut batch,
            scope,
            task.project.as_ref().map(|p| p.id),
            EntityKind::Task,
            task.id,
            &task.key,
            "updated",
            &[FieldChange {
                field: "repeat".into(),
                before: serde_json::Value::String(before.series.rule.describe()),
                after: serde_json::Value::String(series.rule.describe()),
            }],
        );
        batch.run(&mut tx).await?;
        tx.commit().await?;
        Ok(Recurrence { series, ..before })
    }

    async fn end_recurrence(&self, scope: WriteScope, key: &str) -> Result<Recurrence> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let task = locked_task_tx(&mut tx, scope, key).await?;
        let Some(mut recurrence) = recurrence_of_task_tx(&mut tx, task.id).await? else {
            return Err(StoreError::NotFound("series"));
        };
        sqlx::query("UPDATE recurrences SET ended = $2 WHERE id = $1")
            .bind(recurrence.id)
            .bind(true)
            .execute(&mut *tx)
            .await?;
        let mut batch = Batch::default();
        record_in(
            &mut batch,
            scope,
            task.project.as_ref().map(|p| p.id),
            EntityKind::Task,
            task.id,
            &task.key,
            "updated",
            &[FieldChange {
                field: "repeat".into(),
                before: serde_json::Value::String(recurrence.series.rule.describe()),
                after: serde_json::Value::Null,
            }],
        );
        batch.run(&mut tx).await?;
        tx.commit().await?;
        recurrence.ended = true;
        Ok(recurrence)
    }

    async fn recurrences_owing(
        &self,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<(Id, Option<Id>)>> {
        // Of series owing since the same day, a project's together, so
        // that batches side by side (`Store::parallel_writes`) hold
        // different projects. (In id order instead, a batch's series share
        // pages; on SQLite, one batch at a time, that measured the same:
        // 1.31 s against 1.33 s for 10,000 series in twenty projects.)
        Ok(sqlx::query_as(
            "SELECT id, project_id FROM recurrences WHERE mode = 'schedule' AND reuse = 'new_task' AND NOT ended AND last_on <= $1 \
             ORDER BY last_on, project_id, id LIMIT $2",
        )
        .bind(today)
        .bind(limit as i64)
        .fetch_all(self.reader())
        .await?)
    }

    async fn make_occurrences(&self, ids: &[Id], today: NaiveDate) -> Result<Vec<String>> {
        // One transaction for the batch, its reads and writes a few
        // statements each for all its series (a statement per series, or
        // per occurrence, was most of the job's time). Nodes take the
        // series in the same order, so their locks never cross.
        let mut tx = self.write_tx_alone().await?;
        plan_tx(&mut tx, DbStore::JOB_PLAN).await?;
        let keys = make_occurrences_tx(&mut tx, ids, today).await?;
        tx.commit().await?;
        Ok(keys)
    }
}

/// An occurrence on `date` made like `template`: its start keeps its
/// distance to the due date; its progress starts again.
pub(super) fn occurrence_fields(template: &Task, date: NaiveDate) -> TaskFields {
    let mut fields = template.fields();
    fields.start_date = match (template.start_date, template.due_date) {
        (Some(start), Some(due)) => date.checked_sub_signed(due - start),
        _ => None,
    };
    fields.due_date = Some(date);
    fields.status = TaskStatus::Todo;
    fields.percent_complete = 0;
    fields.blocked_reason = None;
    fields.schedule.actual_start = None;
    fields.schedule.actual_finish = None;
    // A levelling placed the one before; this one is not levelled yet.
    fields.schedule.levelling_delay = 0;
    fields.normalize();
    fields
}
