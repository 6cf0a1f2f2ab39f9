//! The health of a project, a portfolio or a goal, and their status
//! updates.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::health::{Reason, StatusFigures};
use tandem_domain::{
    FieldError, Health, Id, StatusUpdate, StatusUpdateFields, UpdateSubject, UserRef, Validation,
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
    /// The project's key, for an update on a project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The portfolio's id, for an update on a portfolio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<Id>,
    /// The goal's id, for an update on a goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Id>,
    /// The author's verdict.
    pub health: Health,
    /// Markdown.
    pub text: String,
    pub author: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// The figures when it was posted, with the health Tandem derived
    /// then. A portfolio's or goal's are its projects' taken together:
    /// counts added up, the latest finish and target, the worst slips; a
    /// goal's target is its period's end.
    pub figures: StatusFigures,
}

impl StatusUpdateView {
    /// The update as shown; `project_key` names the project of an update
    /// on one.
    pub fn new(update: StatusUpdate, project_key: Option<&str>) -> Self {
        let (portfolio, goal) = match update.subject {
            UpdateSubject::Project(_) => (None, None),
            UpdateSubject::Portfolio(id) => (Some(id), None),
            UpdateSubject::Goal(id) => (None, Some(id)),
        };
        StatusUpdateView {
            id: update.id,
            project: project_key.map(str::to_string),
            portfolio,
            goal,
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
    /// No update yet, or the latest is older than the project's cadence.
    pub update_due: bool,
    /// How often an update is expected, in days; 0 expects none.
    pub update_cadence_days: i64,
}

/// Where a portfolio or a goal stands as Tandem derives it, what it
/// proposes for a status update, and the latest update.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StandingView {
    /// The derived verdict: the worst of `reasons`. A portfolio is off
    /// track when a quarter of its projects are, at risk when any is off
    /// track or a quarter are at risk; a goal by its derived status, its
    /// projects' health and whether their work finishes after its period.
    pub health: Health,
    /// Everything found, worst first.
    pub reasons: Vec<Reason>,
    /// The figures of its projects taken together (see
    /// `StatusUpdateView.figures`).
    pub figures: StatusFigures,
    /// The latest status update, if any.
    pub latest_update: Option<StatusUpdateView>,
}
