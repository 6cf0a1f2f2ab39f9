//! Saved views of a project's list.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewInput {
    /// 1 to 80 characters (required; a missing one is named as such with
    /// the other fields' errors).
    #[serde(default)]
    pub name: String,
    /// The list's query as its address has it, its parameters only: `q`,
    /// `status`, `owner`, `phase`, `sort`, `group` and `cols` (for
    /// example `status=open&sort=due&cols=owner,due`).
    #[serde(default)]
    pub query: String,
    /// Seen by everyone who may open the project; else by its maker only.
    #[serde(default)]
    pub shared: bool,
}

impl ViewInput {
    pub fn into_fields(self) -> Result<ViewFields, Vec<FieldError>> {
        let fields = ViewFields {
            name: self.name,
            query: self.query.trim_start_matches('?').to_string(),
            shared: self.shared,
        };
        fields.check().map(|()| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ViewView {
    pub id: Id,
    pub project_id: Id,
    pub owner: UserRef,
    pub name: String,
    pub query: String,
    pub shared: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<SavedView> for ViewView {
    fn from(v: SavedView) -> Self {
        ViewView {
            id: v.id,
            project_id: v.project_id,
            owner: v.owner,
            name: v.name,
            query: v.query,
            shared: v.shared,
            created_at: v.created_at,
        }
    }
}
