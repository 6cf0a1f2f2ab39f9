//! A project's stakeholders: the people with a stake in it, members of
//! the workspace or not, and their role in it.
//!
//! A member who is a stakeholder may open the project as a guest; that
//! rule is a clause of every project query, not this module's.

use async_trait::async_trait;
use tandem_domain::{Id, Stakeholder, StakeholderFields};

use crate::{Patch, ProjectAccess, Result, Scope, WriteScope};

/// The stakeholders of a project.
#[async_trait]
pub trait StakeholderStore: Send + Sync {
    async fn create_stakeholder(
        &self,
        scope: WriteScope,
        project_id: Id,
        stakeholder: &StakeholderFields,
    ) -> Result<Stakeholder>;
    async fn list_stakeholders(&self, project: ProjectAccess) -> Result<Vec<Stakeholder>>;
    async fn update_stakeholder(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, StakeholderFields>,
    ) -> Result<Stakeholder>;
    async fn get_stakeholder(&self, scope: Scope, id: Id) -> Result<Stakeholder>;
    async fn delete_stakeholder(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
