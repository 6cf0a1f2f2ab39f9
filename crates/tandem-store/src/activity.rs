//! The activity history: who changed what, when, and the fields before
//! and after. Every write records its row in its own transaction; this
//! module reads them.
//!
//! Not here: the outbox of events ([`crate::EventStore`]), which says
//! only that something happened, for consumers rather than readers.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::activity::FieldChange;
use tandem_domain::{EntityKind, Id, UserRef};

use crate::{Result, Scope};

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityEntry {
    pub id: Id,
    pub actor: Option<UserRef>,
    pub at: DateTime<Utc>,
    pub entity_kind: EntityKind,
    pub entity_id: Id,
    pub entity_label: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
    /// The automation rule that made the change, by name, if one did.
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityFilter {
    pub entity: Option<(EntityKind, Id)>,
    pub project_id: Option<Id>,
    pub before_id: Option<Id>,
    pub limit: usize,
}

/// The history of a workspace.
#[async_trait]
pub trait ActivityStore: Send + Sync {
    async fn list_activity(
        &self,
        scope: Scope,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityEntry>>;
}
