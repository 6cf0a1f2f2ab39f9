//! A project's health and its status updates.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::health::{Reason, StatusFigures};
use tandem_domain::{
    FieldError, Health, Id, StatusUpdate, StatusUpdateFields, UserRef, Validation,
};

/// A status update to post.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdateInput {
    /// The author's verdict; left out, the health Tandem derives now
    /// (`GET …/health`) is taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
    /// What happened, what is next, what is in the way: Markdown, up to
    /// 20,000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl StatusUpdateInput {
    /// The update as the domain takes it; `derived` stands in for a
    /// health left out.
    pub fn into_fields(self, derived: Health) -> Result<StatusUpdateFields, Vec<FieldError>> {
        let mut v = Validation::new();
        if self.text.is_none() {
            v.push("text", "is required");
        }
        let fields = StatusUpdateFields {
            health: self.health.unwrap_or(derived),
            // A browser's form sends a textarea's lines ended by CR LF.
            text: self.text.unwrap_or_default().replace("\r\n", "\n"),
        };
        if v.is_empty() {
            v.merge(fields.check());
        }
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StatusUpdateView {
    pub id: Id,
    /// The project's key.
    pub project: String,
    /// The author's verdict.
    pub health: Health,
    /// Markdown.
    pub text: String,
    pub author: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// The project's figures when it was posted, with the health Tandem
    /// derived then.
    pub figures: StatusFigures,
}

impl StatusUpdateView {
    pub fn new(update: StatusUpdate, project_key: &str) -> Self {
        StatusUpdateView {
            id: update.id,
            project: project_key.to_string(),
            health: update.health,
            text: update.text,
            author: update.author,
            created_at: update.created_at,
            figures: update.figures,
        }
    }
}

/// A project's health as Tandem derives it now, and its latest update.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProjectHealthView {
    /// The project's key.
    pub project: String,
    /// The derived verdict: the worst of `reasons`.
    pub health: Health,
    /// Everything found, worst first, each with its own weight.
    pub reasons: Vec<Reason>,
    pub figures: StatusFigures,
    /// The latest status update, if any.
    pub latest_update: Option<StatusUpdateView>,
    /// No update yet, or the latest is older than a week.
    pub update_due: bool,
}
