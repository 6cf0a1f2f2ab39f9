//! What scheduling keeps: working calendars' exceptions, the stored
//! schedule of each project, and baselines.
//!
//! The scheduling itself is `tandem-schedule`'s (pure); a working week is
//! a field of the project ([`crate::ProjectStore`]).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use tandem_domain::{Baseline, BaselineTask, Id, StoredSchedule};

use crate::{ProjectAccess, Result, WriteScope};

/// Calendars, schedules and baselines of projects.
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
    /// The fingerprint of the project's stored schedule, if there is one.
    async fn schedule_fingerprint(&self, project: ProjectAccess) -> Result<Option<String>>;
    /// The finish of the project's stored schedule, without its tasks:
    /// what a page that shows only the date reads.
    async fn stored_finish(&self, project: ProjectAccess) -> Result<Option<NaiveDateTime>>;
    async fn stored_schedule(&self, project: ProjectAccess) -> Result<Option<StoredSchedule>>;
    /// Replaces the stored schedule, unless the one stored was computed
    /// from the same plan (same fingerprint) or from a later reading of it
    /// (a later `computed_at`): a slow writer never overwrites a newer
    /// result. Returns whether it wrote. Any reader of the project may
    /// store it: it is the plan's schedule, whoever computed it, not a
    /// change to the plan.
    async fn save_schedule(
        &self,
        project: ProjectAccess,
        schedule: &StoredSchedule,
    ) -> Result<bool>;

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
    /// One baseline of the project, with its tasks.
    async fn get_baseline(&self, project: ProjectAccess, id: Id) -> Result<Baseline>;
    async fn delete_baseline(&self, scope: WriteScope, project_id: Id, id: Id) -> Result<()>;
}
