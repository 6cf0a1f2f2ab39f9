//! Projects and their structure: the project itself, its phases and
//! milestones, and the progress rolled up over them.
//!
//! Not here: a project's tasks ([`crate::TaskStore`]), its people and
//! risks ([`crate::StakeholderStore`], [`crate::RiskStore`]), its plan
//! ([`crate::PlanStore`]) or a project arriving from a file
//! ([`crate::ImportStore`]).

use async_trait::async_trait;
use tandem_domain::rollup::Progress;
use tandem_domain::{
    Id, Milestone, MilestoneFields, NewProject, Phase, PhaseFields, Project, ProjectFields,
};

use crate::{Patch, Result, Scope};

/// Progress of a project, and of each of its phases and milestones.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectProgress {
    pub project: Progress,
    pub phases: Vec<(Id, Progress)>,
    pub milestones: Vec<(Id, Progress)>,
}

/// Projects, their phases and milestones, and their progress.
#[async_trait]
pub trait ProjectStore: Send + Sync {
    async fn create_project(&self, scope: Scope, project: &NewProject) -> Result<Project>;
    async fn list_projects(&self, scope: Scope) -> Result<Vec<Project>>;
    /// The id and key of every project the caller may open: what a live
    /// stream needs to name projects and to drop the others' events.
    async fn project_keys(&self, scope: Scope) -> Result<Vec<(Id, String)>>;
    async fn get_project(&self, scope: Scope, key: &str) -> Result<Project>;
    async fn update_project(
        &self,
        scope: Scope,
        key: &str,
        expected_version: Option<i64>,
        change: Patch<'_, ProjectFields>,
    ) -> Result<Project>;
    async fn delete_project(
        &self,
        scope: Scope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()>;
    async fn project_progress(&self, scope: Scope, project_id: Id) -> Result<ProjectProgress>;

    // Phases.
    async fn create_phase(
        &self,
        scope: Scope,
        project_id: Id,
        phase: &PhaseFields,
    ) -> Result<Phase>;
    async fn list_phases(&self, scope: Scope, project_id: Id) -> Result<Vec<Phase>>;
    async fn get_phase(&self, scope: Scope, id: Id) -> Result<Phase>;
    async fn update_phase(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, PhaseFields>,
    ) -> Result<Phase>;
    async fn delete_phase(&self, scope: Scope, id: Id, expected_version: Option<i64>)
    -> Result<()>;

    // Milestones.
    async fn create_milestone(
        &self,
        scope: Scope,
        project_id: Id,
        milestone: &MilestoneFields,
    ) -> Result<Milestone>;
    async fn list_milestones(&self, scope: Scope, project_id: Id) -> Result<Vec<Milestone>>;
    async fn get_milestone(&self, scope: Scope, id: Id) -> Result<Milestone>;
    async fn update_milestone(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, MilestoneFields>,
    ) -> Result<Milestone>;
    async fn delete_milestone(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
