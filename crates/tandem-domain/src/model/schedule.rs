//! What the scheduler made of a project, as stored, and baselines of it.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::*;

/// A saved copy of a project's schedule, to measure variance against.
/// `tasks` is empty where only the list of baselines was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub tasks: Vec<BaselineTask>,
}

/// A levelling written to a project: who applied it and when, and what
/// each task it delayed had before, so that it can be taken back.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedLevelling {
    pub id: Id,
    pub project_id: Id,
    pub applied_by: Option<UserRef>,
    pub applied_at: DateTime<Utc>,
    /// When it was taken back; `None` while it stands.
    pub undone_at: Option<DateTime<Utc>>,
    pub tasks: Vec<LevelledTask>,
}

/// A task a levelling changed: the version the levelling wrote (an undo
/// of a task changed since is refused) and what it replaced: its levelling
/// delay, and (for levellings written before delays, as constraints) its
/// constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelledTask {
    pub task_id: Id,
    pub key: String,
    pub version: i64,
    pub constraint_type: Option<ConstraintType>,
    pub constraint_date: Option<NaiveDateTime>,
    /// Working minutes; levellings kept before delays have none.
    #[serde(default)]
    pub levelling_delay: i64,
}

/// A task's planned dates when the baseline was saved (local instants).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaselineTask {
    pub task_id: Id,
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    pub duration_minutes: i64,
}

/// A project's schedule as computed and stored, with the fingerprint of
/// the plan it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchedule {
    pub fingerprint: String,
    /// When the plan it was computed from was read: of two schedules of a
    /// project, the later reading is the newer.
    pub computed_at: DateTime<Utc>,
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    /// Task ids, in order along the path.
    pub critical_path: Vec<Id>,
    pub warnings: Vec<String>,
    pub tasks: Vec<TaskSchedule>,
    /// What tasks added to the plan unlinked are scheduled against, alone
    /// (see `planning::ProjectPlan::beside`); none in schedules stored
    /// before it was kept.
    pub basis: Option<ScheduleBasis>,
}

/// Where a schedule's working minutes count from and back from. Tasks
/// added to the plan with no link, parent or subtask take the dates the
/// whole plan would give them when scheduled on their own against it,
/// so long as they finish by `late_from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleBasis {
    /// The plan's start: the first instant of its timeline.
    pub plan_start: NaiveDateTime,
    /// The finish, in working minutes on that timeline, the late dates
    /// count back from.
    pub late_from: i64,
}

/// One task's computed dates (local instants) and slack (working minutes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskSchedule {
    pub task_id: Id,
    pub early_start: NaiveDateTime,
    pub early_finish: NaiveDateTime,
    pub late_start: NaiveDateTime,
    pub late_finish: NaiveDateTime,
    pub total_slack: i64,
    pub free_slack: i64,
    pub critical: bool,
    pub summary: bool,
    pub milestone: bool,
    /// The task's part of its plan's fingerprint, when it was loose (no
    /// parent, subtask or link) in that plan: what an edit of it takes
    /// out of the fingerprint (see `planning::beside`).
    pub loose_digest: Option<i64>,
}
