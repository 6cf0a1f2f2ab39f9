//! Saved views of a project's list: each person's own, and those shared
//! with everyone who may open the project.
//!
//! Not here: what a view's query means (the list page reads it).

use async_trait::async_trait;
use tandem_domain::{Id, SavedView, ViewFields};

use crate::{ProjectAccess, Result, WriteScope};

#[async_trait]
pub trait ViewStore: Send + Sync {
    /// Saves a view of the project `access` opens, as the caller's.
    async fn create_view(
        &self,
        scope: WriteScope,
        access: ProjectAccess,
        view: &ViewFields,
    ) -> Result<SavedView>;
    /// The caller's views of the project and the shared ones, by name.
    async fn list_views(&self, access: ProjectAccess) -> Result<Vec<SavedView>>;
    /// Deletes a view: the caller's own, or a shared one if the caller is
    /// an owner or admin of the workspace. Anyone else's private view is
    /// not found; someone else's shared view is forbidden.
    async fn delete_view(&self, scope: WriteScope, id: Id) -> Result<()>;
}
