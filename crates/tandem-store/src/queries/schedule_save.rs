//! Saving a computed schedule: the project's row and, of its tasks' rows,
//! only those that changed. Not here: reading schedules back, stamps and
//! baselines (`plans.rs`).

use super::plans::stamp_tx;
use super::*;

/// One task's stored schedule, as its columns hold it.
type ScheduleRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    bool,
    bool,
    bool,
    Option<i64>,
);

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
        t.loose_digest,
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
) -> Result<usize> {
    let mut stored: HashMap<i64, u64> = HashMap::new();
    {
        let mut rows = sqlx::query(
            "SELECT task_id, early_start, early_finish, late_start, late_finish, total_slack, free_slack, \
             critical, summary, milestone, loose_digest FROM task_schedules WHERE project_id = $1",
        )
        .bind(project_id)
        .fetch(&mut **tx);
        use futures_util::TryStreamExt;
        while let Some(row) = rows.try_next().await? {
            let stored_row: ScheduleRow = (
                row.try_get("early_start")?,
                row.try_get("early_finish")?,
                row.try_get("late_start")?,
                row.try_get("late_finish")?,
                row.try_get("total_slack")?,
                row.try_get("free_slack")?,
                row.try_get("critical")?,
                row.try_get("summary")?,
                row.try_get("milestone")?,
                row.try_get("loose_digest")?,
            );
            stored.insert(row.try_get("task_id")?, row_hash(&stored_row));
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
    delete_rows(tx, &gone).await?;
    upsert_rows(tx, project_id, &changed).await?;
    Ok(gone.len() + changed.len())
}

/// Removes these tasks' rows from the stored schedule.
async fn delete_rows(tx: &mut Tx, ids: &[Id]) -> Result<()> {
    for chunk in ids.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM task_schedules WHERE task_id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes these task rows of the project's stored schedule, over what
/// is stored for the same tasks.
async fn upsert_rows(
    tx: &mut Tx,
    project_id: Id,
    rows: &[(&TaskSchedule, ScheduleRow)],
) -> Result<()> {
    // Twelve values a row: 500 rows stay within both backends' limits on
    // bound parameters.
    for chunk in rows.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO task_schedules (task_id, project_id, early_start, early_finish, late_start, late_finish, \
             total_slack, free_slack, critical, summary, milestone, loose_digest) ",
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
                .push_bind(row.8)
                .push_bind(row.9);
        });
        qb.push(
            " ON CONFLICT (task_id) DO UPDATE SET project_id = excluded.project_id, \
             early_start = excluded.early_start, early_finish = excluded.early_finish, \
             late_start = excluded.late_start, late_finish = excluded.late_finish, \
             total_slack = excluded.total_slack, free_slack = excluded.free_slack, \
             critical = excluded.critical, summary = excluded.summary, milestone = excluded.milestone, \
             loose_digest = excluded.loose_digest",
        );
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Tells the project's readers (live pages, other nodes) that its stored
/// schedule changed, and commits.
async fn computed(mut tx: Tx, scope: Scope, project_id: Id) -> Result<()> {
    let mut batch = Batch::default();
    emit(
        &mut batch,
        scope.workspace_id,
        Some(project_id),
        "schedule",
        "computed",
        &project_id.to_string(),
        None,
        &[],
        None,
    );
    batch.run(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// [`PlanStore::patch_schedule`], one attempt.
pub(super) async fn patch_schedule_once(
    store: &DbStore,
    scope: Scope,
    project_id: Id,
    head: &ScheduleHead,
    stamp: PlanStamp,
    patch: &tandem_domain::planning::Beside,
) -> Result<bool> {
    let mut tx = store.write_tx().await?;
    // Taken first, as by every writer of the project's tasks: no task of
    // it is written between the checks below and the rows.
    lock_project_tx(&mut tx, project_id).await?;
    let current: Option<(i64,)> = sqlx::query_as(
        "SELECT p.plan_version FROM projects p JOIN project_schedules s ON s.project_id = p.id \
         WHERE p.id = $1 AND p.workspace_id = $2 AND s.fingerprint = $3 AND s.plan_version = $4 \
         AND s.planned_on = $5",
    )
    .bind(project_id)
    .bind(scope.workspace_id)
    .bind(&head.fingerprint)
    .bind(head.stamp.version)
    .bind(head.stamp.planned_on)
    .fetch_optional(&mut *tx)
    .await?;
    // The stored schedule moved on meanwhile: whoever moved it did the
    // work. The plan may have moved on too (writes keep coming while tasks
    // are added): the schedule is stamped with the version the added
    // tasks were read at, so it reads as stale, and the writes after it
    // are the next run's, as their events are still to be handled.
    if current.is_none_or(|(version,)| version < stamp.version) {
        tx.commit().await?;
        return Ok(false);
    }
    let rows: Vec<(&TaskSchedule, ScheduleRow)> =
        patch.tasks.iter().map(|t| (t, schedule_row(t))).collect();
    upsert_rows(&mut tx, project_id, &rows).await?;
    delete_rows(&mut tx, &patch.removed).await?;
    sqlx::query(
        "UPDATE project_schedules SET fingerprint = $1, plan_version = $2, planned_on = $3, computed_at = $4 \
         WHERE project_id = $5",
    )
    .bind(&patch.fingerprint)
    .bind(stamp.version)
    .bind(stamp.planned_on)
    .bind(chrono::SubsecRound::trunc_subsecs(Utc::now(), 6))
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    computed(tx, scope, project_id).await?;
    Ok(true)
}

/// [`PlanStore::save_schedule`], one attempt: how many task rows it
/// wrote, or `None` if it wrote nothing.
pub(super) async fn save_schedule_once(
    store: &DbStore,
    scope: Scope,
    project_id: Id,
    schedule: &StoredSchedule,
    stamp: PlanStamp,
) -> Result<Option<usize>> {
    // A whole plan's save can hold the writer for a long while: the short
    // writes before it are not kept waiting for it.
    let mut tx = store.write_tx_alone().await?;
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
            return Ok(None);
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
         plan_version, planned_on, plan_start, late_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .bind(local_time(schedule.basis.map(|b| b.plan_start)))
    .bind(schedule.basis.map(|b| b.late_from))
    .execute(&mut *tx)
    .await?;
    let rows = save_changed_rows(&mut tx, project_id, schedule, &present).await?;
    computed(tx, scope, project_id).await?;
    Ok(Some(rows))
}
