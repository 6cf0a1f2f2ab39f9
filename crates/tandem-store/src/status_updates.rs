//! A project's status updates: its health in its people's words, each
//! with the figures of the moment it was written. Kept, never edited: the
//! history is the point.

use async_trait::async_trait;
use tandem_domain::health::StatusFigures;
use tandem_domain::{Id, StatusUpdate, StatusUpdateFields};

use crate::{ProjectAccess, Result, WriteScope};

/// The status updates of a project.
#[async_trait]
pub trait StatusUpdateStore: Send + Sync {
    /// Posts an update as the scope's user, with the figures the caller
    /// read for it.
    async fn create_status_update(
        &self,
        scope: WriteScope,
        project: ProjectAccess,
        update: &StatusUpdateFields,
        figures: &StatusFigures,
    ) -> Result<StatusUpdate>;
    /// Newest first: at most `limit`, those older than `before` (an id)
    /// when it is given.
    async fn list_status_updates(
        &self,
        project: ProjectAccess,
        before: Option<Id>,
        limit: usize,
    ) -> Result<Vec<StatusUpdate>>;
}
