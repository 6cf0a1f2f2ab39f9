//! A project's risk register: what may go wrong, how likely and how bad,
//! who owns it and which tasks and milestones it threatens.

use async_trait::async_trait;
use tandem_domain::{Id, Risk, RiskFields};

use crate::{Patch, ProjectAccess, Result, Scope, WriteScope};

/// The risks of a project.
#[async_trait]
pub trait RiskStore: Send + Sync {
    async fn create_risk(
        &self,
        scope: WriteScope,
        project_id: Id,
        risk: &RiskFields,
    ) -> Result<Risk>;
    async fn list_risks(&self, project: ProjectAccess) -> Result<Vec<Risk>>;
    /// The score (probability × impact) of each risk still open or being
    /// mitigated, worst first: what health is judged on, in one read.
    async fn open_risk_scores(&self, project: ProjectAccess) -> Result<Vec<i64>>;
    async fn get_risk(&self, scope: Scope, id: Id) -> Result<Risk>;
    async fn update_risk(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, RiskFields>,
    ) -> Result<Risk>;
    async fn delete_risk(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
