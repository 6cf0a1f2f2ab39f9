//! Calendar exceptions, stored schedules and baselines.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use tandem_domain::calendar::CalendarException;
use tandem_domain::planning::PlanTask;
use tandem_domain::{
    AppliedLevelling, Baseline, BaselineTask, Id, ScheduleBasis, StoredSchedule, TaskKey,
    TaskSchedule,
};

use super::{
    Columns, decode_error, parse_local_time, task_scheduling, three_point, user_ref, vocab,
};
use crate::{Result, StoreError, TaskName};

pub(crate) const BASELINE_SELECT: &str = "SELECT b.id, b.project_id, b.name, b.created_by, \
    u.email AS creator_email, u.name AS creator_name, b.created_at \
    FROM baselines b LEFT JOIN users u ON u.id = b.created_by";

/// A stored schedule's own row, and its project's key (what its rows'
/// tasks are named with): `$1` the project, `$2` its workspace.
pub(crate) const SCHEDULE_HEAD_SELECT: &str = "SELECT s.fingerprint, s.computed_at, s.start, \
    s.finish, s.critical_path, s.warnings, s.plan_start, s.late_from, p.key \
    FROM project_schedules s JOIN projects p ON p.id = s.project_id \
    WHERE s.project_id = $1 AND p.workspace_id = $2";

/// The rows of a stored schedule of tasks after `$2` (by id), at most
/// `$3`, each with its task's number, title and milestone (null where the
/// task has left the project since): `$1` the project. The join repeats
/// the cursor for the tasks: PostgreSQL does not carry it across the
/// outer join, and its merge join read the tasks from the first id (a
/// page in the middle of a million took 189 ms, 1.3 ms with it). `$1`
/// comes first: SQLite numbers `$` parameters in the order they appear.
pub(crate) const TASK_SCHEDULE_SELECT: &str = concat!(
    "SELECT ",
    task_schedule_columns!(),
    ", t.number, t.title, t.milestone_id \
    FROM task_schedules s LEFT JOIN tasks t \
    ON t.project_id = $1 AND t.id = s.task_id AND t.id > $2 \
    WHERE s.project_id = $1 AND s.task_id > $2 ORDER BY s.task_id LIMIT $3"
);

/// A stored schedule's row of a task (`task_schedules s`), first in every
/// SELECT of them, in the order [`task_schedule_from_row`] reads.
pub(crate) const TASK_SCHEDULE_COLUMNS: &str = task_schedule_columns!();

macro_rules! task_schedule_columns {
    () => {
        "s.task_id, s.early_start, s.early_finish, s.late_start, s.late_finish, \
         s.total_slack, s.free_slack, s.critical, s.summary, s.milestone, s.loose_digest"
    };
}
use task_schedule_columns;

/// A row limit that is none: both dialects take a bound `LIMIT`.
pub(crate) fn row_limit(limit: Option<usize>) -> i64 {
    limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX))
}

/// The name of a schedule row's task, from the columns
/// [`TASK_SCHEDULE_SELECT`] adds (none where the task is gone).
pub(crate) fn row_task_name(
    project_key: &str,
    task_id: Id,
    number: Option<i64>,
    title: Option<String>,
    milestone_id: Option<Id>,
) -> Option<TaskName> {
    Some(TaskName {
        id: task_id,
        key: TaskKey::format(Some(project_key), number?, task_id),
        title: title?,
        milestone_id,
    })
}

/// A project's calendar exceptions (`$1` the workspace, `$2` the
/// project), as [`exception_from_row`] reads them, in date order.
pub(crate) const CALENDAR_EXCEPTIONS: &str = "SELECT id, name, start_date, end_date, hours FROM calendar_exceptions \
     WHERE workspace_id = $1 AND project_id = $2 ORDER BY start_date, id";

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

/// Each task of a project with its phase: `$1` its workspace, `$2` it.
pub(crate) const TASK_PHASE_SELECT: &str =
    "SELECT id, phase_id FROM tasks WHERE workspace_id = $1 AND project_id = $2";

/// A levelling as applied, with who applied it.
pub(crate) const LEVELLING_SELECT: &str = "SELECT l.id, l.project_id, l.applied_by, \
    u.email AS applier_email, u.name AS applier_name, l.applied_at, l.undone_at, l.tasks \
    FROM levellings l LEFT JOIN users u ON u.id = l.applied_by";

pub(crate) fn levelling_from_row(row: &impl Columns) -> Result<AppliedLevelling> {
    let tasks: String = row.get("tasks")?;
    Ok(AppliedLevelling {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        applied_by: user_ref(row, "applied_by", "applier_email", "applier_name")?,
        applied_at: row.get("applied_at")?,
        undone_at: row.get("undone_at")?,
        tasks: serde_json::from_str(&tasks)
            .map_err(|e| decode_error(format!("a levelling's tasks: {e}")))?,
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
    minute(row.text(column)?)
}

/// A plan instant's text (see `tandem_domain::minutes`).
pub(crate) fn minute(text: &str) -> Result<NaiveDateTime> {
    Ok(parse_local_time(Some(text))?.unwrap_or_default())
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
    ScheduleHeadColumns {
        fingerprint: row.get("fingerprint")?,
        computed_at: row.get("computed_at")?,
        start: row.get("start")?,
        finish: row.get("finish")?,
        critical_path: row.get("critical_path")?,
        warnings: row.get("warnings")?,
        plan_start: row.get("plan_start")?,
        late_from: row.get("late_from")?,
    }
    .parse()
}

/// A stored schedule's own row as its columns hold it, whichever driver
/// read them.
pub(crate) struct ScheduleHeadColumns {
    pub fingerprint: String,
    pub computed_at: DateTime<Utc>,
    pub start: String,
    pub finish: String,
    pub critical_path: String,
    pub warnings: String,
    pub plan_start: Option<String>,
    pub late_from: Option<i64>,
}

impl ScheduleHeadColumns {
    pub(crate) fn parse(self) -> Result<StoredSchedule> {
        let critical_path = &self.critical_path;
        Ok(StoredSchedule {
            fingerprint: self.fingerprint,
            computed_at: self.computed_at,
            start: minute(&self.start)?,
            finish: minute(&self.finish)?,
            critical_path: critical_path
                .split_whitespace()
                .map(|id| {
                    id.parse()
                        .map_err(|_| decode_error(format!("critical path '{critical_path}'")))
                })
                .collect::<Result<_>>()?,
            warnings: self.warnings.lines().map(str::to_string).collect(),
            tasks: Vec::new(),
            basis: basis(self.plan_start.as_deref(), self.late_from)?,
        })
    }
}

/// A stored schedule's basis, where it was stored with one.
pub(crate) fn basis_from_row(row: &impl Columns) -> Result<Option<ScheduleBasis>> {
    let plan_start: Option<String> = row.get("plan_start")?;
    basis(plan_start.as_deref(), row.get("late_from")?)
}

fn basis(plan_start: Option<&str>, late_from: Option<i64>) -> Result<Option<ScheduleBasis>> {
    Ok(match (parse_local_time(plan_start)?, late_from) {
        (Some(plan_start), Some(late_from)) => Some(ScheduleBasis {
            plan_start,
            late_from,
        }),
        _ => None,
    })
}

/// A task's row of a stored schedule, read by position: a whole
/// schedule is thousands of rows, and a column found by name is a lookup
/// per value ([`TASK_SCHEDULE_COLUMNS`] fixes the positions).
pub(crate) fn task_schedule_from_row(row: &impl Columns) -> Result<TaskSchedule> {
    let at = |i: usize| -> Result<NaiveDateTime> { minute(row.text_at(i)?) };
    Ok(TaskSchedule {
        task_id: row.at(0)?,
        early_start: at(1)?,
        early_finish: at(2)?,
        late_start: at(3)?,
        late_finish: at(4)?,
        total_slack: row.at(5)?,
        free_slack: row.at(6)?,
        critical: row.at(7)?,
        summary: row.at(8)?,
        milestone: row.at(9)?,
        loose_digest: row.at(10)?,
    })
}

/// A baseline's name, checked as every name is.
pub(crate) fn baseline_name(name: &str) -> Result<String> {
    let mut v = tandem_domain::Validation::new();
    let name = tandem_domain::validate::required_text(Some(name), "name", 200, &mut v);
    v.into_result().map_err(StoreError::Invalid)?;
    Ok(name)
}

/// What the plan reads of each task of a project (`$1` the workspace, `$2`
/// the project), the project's key next to last, in the order the backends fill
/// [`PlanTaskRow`] from. By the `(project, number)` index, without a sort.
pub(crate) const PLAN_TASK_SELECT: &str = "SELECT t.id, t.number, t.status, t.parent_id, \
    t.owner_id, t.start_date, t.due_date, t.estimate_days, t.effort_hours, t.optimistic_days, \
    t.likely_days, t.pessimistic_days, t.percent_complete, t.constraint_type, t.constraint_date, \
    t.actual_start, t.actual_finish, t.phase_id, t.milestone_id, p.key, t.scheduling, \
    t.levelling_delay, t.version \
    FROM tasks t JOIN projects p ON p.id = t.project_id \
    WHERE p.workspace_id = $1 AND t.project_id = $2 ORDER BY t.number";

/// A row of [`PLAN_TASK_SELECT`] as its columns hold it, whichever driver
/// read them (SQLite's dates are text to its own driver).
pub(crate) struct PlanTaskRow {
    pub id: Id,
    pub number: i64,
    pub status: String,
    pub parent_id: Option<Id>,
    pub owner_id: Option<Id>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub optimistic_days: Option<f64>,
    pub likely_days: Option<f64>,
    pub pessimistic_days: Option<f64>,
    pub percent_complete: i64,
    pub constraint_type: Option<String>,
    pub constraint_date: Option<String>,
    pub actual_start: Option<String>,
    pub actual_finish: Option<String>,
    pub phase_id: Option<Id>,
    pub milestone_id: Option<Id>,
    pub scheduling: String,
    pub levelling_delay: i64,
    pub version: i64,
}

impl PlanTaskRow {
    pub(crate) fn into_plan_task(self, project_key: &str) -> Result<PlanTask> {
        Ok(PlanTask {
            id: self.id,
            key: TaskKey::format(Some(project_key), self.number, self.id),
            status: vocab(&self.status)?,
            parent_id: self.parent_id,
            owner_id: self.owner_id,
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point: three_point(
                self.optimistic_days,
                self.likely_days,
                self.pessimistic_days,
            ),
            percent_complete: self.percent_complete,
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            schedule: task_scheduling(
                self.constraint_type.as_deref(),
                self.constraint_date.as_deref(),
                self.actual_start.as_deref(),
                self.actual_finish.as_deref(),
                &self.scheduling,
                self.levelling_delay,
            )?,
            version: self.version,
        })
    }
}

/// A row of [`PLAN_TASK_SELECT`] read through sqlx, and its project's key.
pub(crate) fn plan_task_row(row: &impl Columns) -> Result<(PlanTaskRow, &str)> {
    Ok((
        PlanTaskRow {
            id: row.at(0)?,
            number: row.at(1)?,
            status: row.at(2)?,
            parent_id: row.at(3)?,
            owner_id: row.at(4)?,
            start_date: row.at(5)?,
            due_date: row.at(6)?,
            estimate_days: row.at(7)?,
            effort_hours: row.at(8)?,
            optimistic_days: row.at(9)?,
            likely_days: row.at(10)?,
            pessimistic_days: row.at(11)?,
            percent_complete: row.at(12)?,
            constraint_type: row.at(13)?,
            constraint_date: row.at(14)?,
            actual_start: row.at(15)?,
            actual_finish: row.at(16)?,
            phase_id: row.at(17)?,
            milestone_id: row.at(18)?,
            scheduling: row.at(20)?,
            levelling_delay: row.at(21)?,
            version: row.at(22)?,
        },
        row.text_at(19)?,
    ))
}
