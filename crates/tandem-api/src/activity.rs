//! The history of an object: who changed which fields, and when.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::activity::FieldChange;
use tandem_domain::*;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ActivityView {
    pub id: Id,
    pub actor: Option<UserRef>,
    pub at: DateTime<Utc>,
    pub entity_kind: EntityKind,
    pub entity_id: Id,
    pub entity_label: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
    /// The automation rule that made the change, by name, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}
