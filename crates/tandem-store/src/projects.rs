//! Projects and their structure: the project itself, its phases and
//! milestones, and the progress rolled up over them.
//!
//! Not here: a project's tasks ([`crate::TaskStore`]), its people and
//! risks ([`crate::StakeholderStore`], [`crate::RiskStore`]), its plan
//! ([`crate::PlanStore`]) or a project arriving from a file
//! ([`crate::ImportStore`]).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use tandem_domain::rollup::Progress;
use tandem_domain::{
    Health, Id, Milestone, MilestoneFields, NewProject, Phase, PhaseFields, Project, ProjectFields,
    StatusUpdate,
};

use crate::{AdminScope, Patch, ProjectAccess, Result, Scope, WriteScope};

/// Progress of a project, and of each of its phases and milestones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectProgress {
    pub project: Progress,
    pub phases: Vec<(Id, Progress)>,
    pub milestones: Vec<(Id, Progress)>,
    /// Tasks neither done nor cancelled, parents included.
    pub open_tasks: usize,
}

/// Everything a project's health is judged on, as writes keep it: read
/// for many projects at once by [`ProjectStore::health_reads`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HealthReads {
    pub progress: ProjectProgress,
    /// Open tasks due before the day asked about.
    pub overdue_tasks: usize,
    /// The latest baseline's name and finish, if it has a finish.
    pub baseline: Option<(String, NaiveDateTime)>,
    /// The score of each open risk, highest first.
    pub risk_scores: Vec<i64>,
    /// In their order.
    pub milestones: Vec<Milestone>,
    pub latest_update: Option<StatusUpdate>,
    /// The stored schedule's finish; `None` when the plan was never
    /// scheduled.
    pub stored_finish: Option<NaiveDateTime>,
}

/// A dependency whose two tasks are in different projects, with each
/// end's project and milestone.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossLink {
    pub id: Id,
    pub kind: tandem_domain::DependencyKind,
    pub predecessor: tandem_domain::TaskRef,
    pub predecessor_project: Id,
    pub predecessor_milestone: Option<Id>,
    pub successor: tandem_domain::TaskRef,
    pub successor_project: Id,
    pub successor_milestone: Option<Id>,
}

/// Projects, their phases and milestones, and their progress.
#[async_trait]
pub trait ProjectStore: Send + Sync {
    async fn create_project(&self, scope: WriteScope, project: &NewProject) -> Result<Project>;
    async fn list_projects(&self, scope: Scope) -> Result<Vec<Project>>;
    /// The id and key of every project the caller may open: what a live
    /// stream needs to name projects and to drop the others' events.
    async fn project_keys(&self, scope: Scope) -> Result<Vec<(Id, String)>>;
    /// Every project the caller may open, each with its proof of access.
    async fn open_projects(&self, scope: Scope) -> Result<Vec<(Project, ProjectAccess)>> {
        let projects = self.list_projects(scope).await?;
        Ok(projects
            .into_iter()
            .map(|project| {
                let access = ProjectAccess::new(scope, project.id);
                (project, access)
            })
            .collect())
    }
    async fn get_project(&self, scope: Scope, key: &str) -> Result<Project>;
    /// The project a key names, with the proof that the caller may open
    /// it, which the per-project reads take.
    async fn open_project(&self, scope: Scope, key: &str) -> Result<(Project, ProjectAccess)> {
        let project = self.get_project(scope, key).await?;
        let access = ProjectAccess::new(scope, project.id);
        Ok((project, access))
    }
    async fn update_project(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        change: Patch<'_, ProjectFields>,
    ) -> Result<Project>;
    async fn delete_project(
        &self,
        scope: AdminScope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// Archives the project (`archived`) or brings it back: an archived
    /// project is kept whole and readable, out of the projects index.
    /// Archiving an archived project changes nothing.
    async fn archive_project(
        &self,
        scope: AdminScope,
        key: &str,
        expected_version: Option<i64>,
        archived: bool,
    ) -> Result<Project>;
    /// Read from the roll-ups each write keeps, not from the tasks.
    async fn project_progress(&self, project: ProjectAccess) -> Result<ProjectProgress>;
    /// Open tasks due before `today`.
    async fn overdue_tasks(&self, project: ProjectAccess, today: NaiveDate) -> Result<usize>;
    /// What the health of each of `projects` is judged on (see
    /// [`HealthReads`]), in a handful of queries whatever their number: a
    /// portfolio's table reads its projects' at once.
    async fn health_reads(
        &self,
        projects: &[ProjectAccess],
        today: NaiveDate,
    ) -> Result<HashMap<Id, HealthReads>>;
    /// Keeps `health` as the health Tandem judged the project to be in.
    /// A change from the kept one is written to its history, by nobody,
    /// and is an event (`health changed`): once, however many nodes judge
    /// at the same moment. The first judgement is kept without either.
    /// Whether it was a change.
    /// Every project not archived, of every workspace, as (workspace,
    /// project): what the judge of health looks at when the day changes.
    async fn projects_to_judge(&self) -> Result<Vec<(Id, Id)>>;
    async fn note_health(&self, project: ProjectAccess, health: Health) -> Result<bool>;

    // Phases.
    async fn create_phase(
        &self,
        scope: WriteScope,
        project_id: Id,
        phase: &PhaseFields,
    ) -> Result<Phase>;
    async fn list_phases(&self, project: ProjectAccess) -> Result<Vec<Phase>>;
    async fn get_phase(&self, scope: Scope, id: Id) -> Result<Phase>;
    async fn update_phase(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, PhaseFields>,
    ) -> Result<Phase>;
    async fn delete_phase(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// Puts the project's phases in `order` (each of them once, first
    /// first): their positions become 1, 2, 3, … in one transaction, and
    /// each phase that moved is recorded as changed.
    async fn reorder_phases(
        &self,
        scope: WriteScope,
        project_id: Id,
        order: &[Id],
    ) -> Result<Vec<Phase>>;

    // Milestones.
    async fn create_milestone(
        &self,
        scope: WriteScope,
        project_id: Id,
        milestone: &MilestoneFields,
    ) -> Result<Milestone>;
    /// The project's milestones in their order.
    async fn list_milestones(&self, project: ProjectAccess) -> Result<Vec<Milestone>>;
    /// Puts the project's milestones in `order` (each of them once, first
    /// first), as `reorder_phases` does phases.
    /// Every milestone of the workspace, each with its scheduled date:
    /// the latest finish of its tasks in the stored schedules (`None`
    /// while none of its tasks is scheduled). Which projects the reader
    /// may open is the caller's to apply.
    async fn workspace_milestones(
        &self,
        scope: Scope,
    ) -> Result<Vec<(Milestone, Option<NaiveDate>)>>;
    /// Every dependency of the workspace between tasks of two projects.
    /// Which projects the reader may open is the caller's to apply.
    async fn cross_project_links(&self, scope: Scope) -> Result<Vec<CrossLink>>;
    async fn reorder_milestones(
        &self,
        scope: WriteScope,
        project_id: Id,
        order: &[Id],
    ) -> Result<Vec<Milestone>>;
    async fn get_milestone(&self, scope: Scope, id: Id) -> Result<Milestone>;
    async fn update_milestone(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, MilestoneFields>,
    ) -> Result<Milestone>;
    async fn delete_milestone(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
