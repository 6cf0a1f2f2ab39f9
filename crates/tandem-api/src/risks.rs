//! A project's risk register.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

use crate::common::{double_option, patch_email, patch_text};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    /// 1 (rare) to 5 (almost certain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<i64>,
    /// 1 (negligible) to 5 (severe).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<i64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub mitigation: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<RiskStatus>,
    /// Keys of linked tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
    /// Ids of linked milestones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones: Option<Vec<Id>>,
}

impl RiskInput {
    pub fn apply(self, current: Option<RiskFields>) -> Result<RiskFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = match (self.title, &current) {
            (Some(t), _) => validate::required_text(Some(&t), "title", 500, &mut v),
            (None, Some(c)) => c.title.clone(),
            (None, None) => validate::required_text(None, "title", 500, &mut v),
        };
        let mut number =
            |field: &str, given: Option<i64>, current: Option<i64>| match given.or(current) {
                Some(n) => n,
                None => {
                    v.push(field, "is required");
                    0
                }
            };
        let probability = number(
            "probability",
            self.probability,
            current.as_ref().map(|c| c.probability),
        );
        let impact = number("impact", self.impact, current.as_ref().map(|c| c.impact));
        let fields = RiskFields {
            title,
            description: patch_text(
                &mut v,
                "description",
                self.description,
                current.as_ref().and_then(|c| c.description.clone()),
            ),
            probability,
            impact,
            owner: patch_email(
                &mut v,
                "owner",
                self.owner,
                current.as_ref().and_then(|c| c.owner.clone()),
            ),
            mitigation: patch_text(
                &mut v,
                "mitigation",
                self.mitigation,
                current.as_ref().and_then(|c| c.mitigation.clone()),
            ),
            status: self
                .status
                .or(current.as_ref().map(|c| c.status))
                .unwrap_or(RiskStatus::Open),
            task_keys: self
                .tasks
                .or(current.as_ref().map(|c| c.task_keys.clone()))
                .unwrap_or_default(),
            milestone_ids: self
                .milestones
                .or(current.as_ref().map(|c| c.milestone_ids.clone()))
                .unwrap_or_default(),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RiskView {
    pub id: Id,
    pub title: String,
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    /// Probability × impact, 1 to 25.
    pub score: i64,
    /// low, medium or high.
    pub level: String,
    pub owner: Option<UserRef>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub tasks: Vec<TaskRef>,
    pub milestones: Vec<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Risk> for RiskView {
    fn from(r: Risk) -> Self {
        let score = r.score();
        RiskView {
            id: r.id,
            title: r.title,
            description: r.description,
            probability: r.probability,
            impact: r.impact,
            score,
            level: risk_level(score).to_string(),
            owner: r.owner,
            mitigation: r.mitigation,
            status: r.status,
            tasks: r.tasks,
            milestones: r.milestone_ids,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
