//! Calendar exceptions, stored schedules and baselines.

use chrono::NaiveDateTime;
use tandem_domain::calendar::CalendarException;
use tandem_domain::{Baseline, BaselineTask, ScheduleBasis, StoredSchedule, TaskSchedule};

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
        basis: basis_from_row(row)?,
    })
}

/// A stored schedule's basis, where it was stored with one.
pub(crate) fn basis_from_row(row: &impl Columns) -> Result<Option<ScheduleBasis>> {
    let plan_start: Option<String> = row.get("plan_start")?;
    let late_from: Option<i64> = row.get("late_from")?;
    Ok(
        match (parse_local_time(plan_start.as_deref())?, late_from) {
            (Some(plan_start), Some(late_from)) => Some(ScheduleBasis {
                plan_start,
                late_from,
            }),
            _ => None,
        },
    )
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
        loose_digest: row.get("loose_digest")?,
    })
}

/// A baseline's name, checked as every name is.
pub(crate) fn baseline_name(name: &str) -> Result<String> {
    let mut v = tandem_domain::Validation::new();
    let name = tandem_domain::validate::required_text(Some(name), "name", 200, &mut v);
    v.into_result().map_err(StoreError::Invalid)?;
    Ok(name)
}
