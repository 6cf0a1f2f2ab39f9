//! Status updates of projects, portfolios and goals: their health in
//! their people's words, each with the figures of the moment it was
//! written. Kept, never edited: the history is the point.

use async_trait::async_trait;
use tandem_domain::health::StatusFigures;
use tandem_domain::{Id, StatusUpdate, StatusUpdateFields, UpdateSubject};

use crate::{ProjectAccess, Result, Scope, WriteScope};

/// What an update is posted on or read from: a project as the caller
/// opened it, or a portfolio or goal the caller was found to see.
#[derive(Debug, Clone, Copy)]
pub enum UpdateOn {
    Project(ProjectAccess),
    Portfolio(Id),
    Goal(Id),
}

impl UpdateOn {
    pub fn subject(&self) -> UpdateSubject {
        match self {
            UpdateOn::Project(access) => UpdateSubject::Project(access.project_id()),
            UpdateOn::Portfolio(id) => UpdateSubject::Portfolio(*id),
            UpdateOn::Goal(id) => UpdateSubject::Goal(*id),
        }
    }
}

/// The status updates of projects, portfolios and goals.
#[async_trait]
pub trait StatusUpdateStore: Send + Sync {
    /// Posts an update as the scope's user, with the figures the caller
    /// read for it.
    async fn create_status_update(
        &self,
        scope: WriteScope,
        on: UpdateOn,
        update: &StatusUpdateFields,
        figures: &StatusFigures,
    ) -> Result<StatusUpdate>;
    /// The update `id`, if the caller may read it (a guest only a
    /// project's they may open); not found otherwise.
    async fn get_status_update(&self, scope: Scope, id: Id) -> Result<StatusUpdate>;
    /// Newest first: at most `limit`, those older than `before` (an id)
    /// when it is given.
    async fn list_status_updates(
        &self,
        scope: Scope,
        on: UpdateOn,
        before: Option<Id>,
        limit: usize,
    ) -> Result<Vec<StatusUpdate>>;
}
