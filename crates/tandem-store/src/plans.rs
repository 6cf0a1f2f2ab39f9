//! What scheduling keeps: working calendars' exceptions, the stored
//! schedule of each project, baselines, and the levellings applied.
//!
//! The scheduling itself is `tandem-schedule`'s (pure); a working week is
//! a field of the project ([`crate::ProjectStore`]).

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use tandem_domain::planning::PlanTask;
use tandem_domain::{
    AppliedLevelling, Baseline, BaselineTask, Id, ScheduleBasis, StoredSchedule, TaskSchedule,
};

use crate::{ProjectAccess, Result, WriteScope};

/// Calendars, schedules and baselines of projects.
/// Which plan a schedule is the schedule of: the project's plan version
/// (bumped by every write that changes the plan, in its transaction) and
/// the day it was planned from (work not done starts today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStamp {
    pub version: i64,
    pub planned_on: NaiveDate,
}

/// A stored schedule without its rows: which plan it is the schedule of,
/// and what tasks added to that plan are scheduled against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleHead {
    pub fingerprint: String,
    pub stamp: PlanStamp,
    pub basis: ScheduleBasis,
    pub warnings: Vec<String>,
}

/// A write that changed a project's plan, by the event it left: the plan
/// version it made, and what it did to which object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChange {
    pub version: i64,
    pub kind: String,
    pub action: String,
    pub key: String,
}

/// A task as a schedule's row shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskName {
    pub id: Id,
    pub key: String,
    pub title: String,
    pub milestone_id: Option<Id>,
}

/// A stored schedule and the names of its rows' tasks (a row whose task
/// has left the project has none).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSchedule {
    pub schedule: StoredSchedule,
    pub names: Vec<TaskName>,
}

/// A task's levelling delay as a levelling writes it: the task at the
/// version read (`before` is what it held then) gets `delay`.
#[derive(Debug, Clone, PartialEq)]
pub struct DelayChange {
    pub task_id: Id,
    pub key: String,
    pub version: i64,
    pub before: tandem_domain::TaskScheduling,
    pub delay: i64,
}

#[async_trait]
pub trait PlanStore: Send + Sync {
    // Working calendars: a project's working week is a field of the
    // project; these are the dated exceptions to it.
    async fn list_calendar_exceptions(
        &self,
        project: ProjectAccess,
    ) -> Result<Vec<tandem_domain::calendar::CalendarException>>;
    async fn create_calendar_exception(
        &self,
        scope: WriteScope,
        project_id: Id,
        exception: &tandem_domain::calendar::ExceptionFields,
    ) -> Result<tandem_domain::calendar::CalendarException>;
    async fn delete_calendar_exception(
        &self,
        scope: WriteScope,
        project_id: Id,
        id: Id,
    ) -> Result<()>;

    // Schedules. The stored schedule is derived data: it is replaced whole
    // and recomputed when its fingerprint no longer matches the plan.
    /// What the plan reads of every task of the project (`project_plan`'s
    /// input), in one read: a whole-plan schedule holds these, not whole
    /// tasks.
    async fn plan_tasks(&self, project: ProjectAccess) -> Result<Vec<PlanTask>>;
    /// The fingerprint of the project's stored schedule, if there is one.
    async fn schedule_fingerprint(&self, project: ProjectAccess) -> Result<Option<String>>;
    /// The finish of the project's stored schedule, without its tasks:
    /// what a page that shows only the date reads.
    async fn stored_finish(&self, project: ProjectAccess) -> Result<Option<NaiveDateTime>>;
    async fn stored_schedule(&self, project: ProjectAccess) -> Result<Option<StoredSchedule>>;
    /// The stored schedule with the names of its rows' tasks, read
    /// together: every row, or with `limit` only the rows of the tasks
    /// after `after` (by id), at most `limit` (a page of a big project's
    /// schedule).
    async fn named_schedule(
        &self,
        project: ProjectAccess,
        after: Id,
        limit: Option<usize>,
    ) -> Result<Option<NamedSchedule>>;
    /// Replaces the stored schedule, unless the one stored was computed
    /// from the same plan (same fingerprint) or from a later reading of it
    /// (a later `computed_at`): a slow writer never overwrites a newer
    /// result. Returns whether it wrote. Any reader of the project may
    /// store it: it is the plan's schedule, whoever computed it, not a
    /// change to the plan. `stamp` is the plan it was computed from (see
    /// [`PlanStamp`]); a schedule stored with the same fingerprint is
    /// stamped with it instead.
    async fn save_schedule(
        &self,
        project: ProjectAccess,
        schedule: &StoredSchedule,
        stamp: PlanStamp,
    ) -> Result<bool>;
    /// The stored schedule's head, when it has one and keeps its basis and
    /// stamp (schedules stored before them do not).
    async fn schedule_head(&self, project: ProjectAccess) -> Result<Option<ScheduleHead>>;
    /// The writes that changed the project's plan after version `after`,
    /// oldest first, at most `limit`: what its stored schedule has not seen.
    async fn plan_changes(
        &self,
        project: ProjectAccess,
        after: i64,
        limit: usize,
    ) -> Result<Vec<PlanChange>>;
    /// The stored rows of these tasks (those that have one).
    async fn stored_rows_of(&self, project: ProjectAccess, ids: &[Id])
    -> Result<Vec<TaskSchedule>>;
    /// Writes and removes the rows a patch names in the stored schedule
    /// and gives it the patch's fingerprint and `stamp`, if the stored
    /// schedule is still the one `head` describes; otherwise writes
    /// nothing. Returns whether it wrote. `stamp` is the plan version the
    /// patched tasks were read at; the plan may be past it already. The
    /// patch comes from `tandem_domain::planning::beside`.
    async fn patch_schedule(
        &self,
        project: ProjectAccess,
        head: &ScheduleHead,
        stamp: PlanStamp,
        patch: &tandem_domain::planning::Beside,
    ) -> Result<bool>;
    /// The project's plan version now: read before the plan, it is what a
    /// schedule computed from that plan is stamped with.
    async fn plan_version(&self, project: ProjectAccess) -> Result<i64>;
    /// Records that the stored schedule, if its fingerprint is this one,
    /// is the schedule of the plan `stamp` names (never stamping an older
    /// version over a newer).
    async fn stamp_schedule(
        &self,
        project: ProjectAccess,
        fingerprint: &str,
        stamp: PlanStamp,
    ) -> Result<()>;
    /// Whether the stored schedule is the schedule of the plan as it is
    /// now, planned from `today`: answered from two rows, without reading
    /// the plan.
    async fn schedule_is_current(&self, project: ProjectAccess, today: NaiveDate) -> Result<bool>;
    /// Each task's id, key, title and milestone: what a schedule's rows
    /// are shown with, without reading whole tasks.
    async fn task_names(&self, project: ProjectAccess) -> Result<Vec<TaskName>>;
    /// Each task of the project with its phase: what a chart grouped by
    /// phase needs of every task, without reading the tasks.
    async fn task_phases(&self, project: ProjectAccess) -> Result<Vec<(Id, Option<Id>)>>;
    /// The links between tasks of `ids` (of the project): the arrows of a
    /// window of its chart.
    async fn links_among(
        &self,
        project: ProjectAccess,
        ids: &[Id],
    ) -> Result<Vec<tandem_domain::Link>>;

    // Baselines.
    /// Saves the planned dates of a project's tasks as a named baseline.
    async fn create_baseline(
        &self,
        scope: WriteScope,
        project_id: Id,
        name: &str,
        tasks: &[BaselineTask],
    ) -> Result<Baseline>;
    /// The project's baselines, newest first, without their tasks.
    async fn list_baselines(&self, project: ProjectAccess) -> Result<Vec<Baseline>>;
    /// The latest baseline's name and its last task's finish, kept with
    /// it (a baseline of no task has none).
    async fn latest_baseline_finish(
        &self,
        project: ProjectAccess,
    ) -> Result<Option<(String, NaiveDateTime)>>;
    /// One baseline of the project, with its tasks.
    async fn get_baseline(&self, project: ProjectAccess, id: Id) -> Result<Baseline>;
    async fn delete_baseline(&self, scope: WriteScope, project_id: Id, id: Id) -> Result<()>;

    // Levelling written and taken back.
    /// Writes a levelling: each task of the project, at the version it
    /// names (else nothing is written: a version mismatch), gets its new
    /// levelling delay; with a record of what each had before, and one
    /// entry in the project's history, in one transaction. A bulk write:
    /// a workspace's levelling changes tens of thousands of tasks.
    async fn apply_levelling(
        &self,
        scope: WriteScope,
        access: ProjectAccess,
        changes: &[DelayChange],
    ) -> Result<AppliedLevelling>;
    /// The project's newest levelling, taken back or not.
    async fn last_levelling(&self, access: ProjectAccess) -> Result<Option<AppliedLevelling>>;
    /// Takes back the project's newest levelling: each task's constraint as
    /// it was before, in one transaction. Refused whole if it was taken
    /// back already (a conflict) or a task changed since (a version
    /// mismatch, named in the conflict); not found if there is none.
    async fn undo_levelling(
        &self,
        scope: WriteScope,
        access: ProjectAccess,
    ) -> Result<AppliedLevelling>;
}
