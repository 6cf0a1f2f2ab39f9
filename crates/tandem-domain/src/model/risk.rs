//! A project's risks, their score and level, and their fields as an input.

use chrono::{DateTime, Utc};

use super::*;
use crate::validate::{FieldError, Validation, optional_text, required_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub id: Id,
    pub project_id: Id,
    pub title: String,
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    pub owner: Option<UserRef>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub tasks: Vec<TaskRef>,
    pub milestone_ids: Vec<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Risk {
    pub fn fields(&self) -> RiskFields {
        RiskFields {
            title: self.title.clone(),
            description: self.description.clone(),
            probability: self.probability,
            impact: self.impact,
            owner: self
                .owner
                .as_ref()
                .and_then(|u| Email::parse(&u.email).ok()),
            mitigation: self.mitigation.clone(),
            status: self.status,
            task_keys: self.tasks.iter().map(|t| t.key.clone()).collect(),
            milestone_ids: self.milestone_ids.clone(),
        }
    }

    /// Probability times impact, 1 to 25.
    pub fn score(&self) -> i64 {
        self.probability * self.impact
    }
}

/// Low below 5, medium below 12, high from 12: the usual thresholds of a
/// 5 × 5 matrix, so a "likely, major" risk (4 × 3) is high.
pub fn risk_level(score: i64) -> &'static str {
    match score {
        ..=4 => "low",
        5..=11 => "medium",
        _ => "high",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskFields {
    pub title: String,
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    pub owner: Option<Email>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub task_keys: Vec<String>,
    pub milestone_ids: Vec<Id>,
}

impl RiskFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.title), "title", 500, &mut v);
        if !(1..=5).contains(&self.probability) {
            v.push("probability", "must be between 1 and 5");
        }
        if !(1..=5).contains(&self.impact) {
            v.push("impact", "must be between 1 and 5");
        }
        optional_text(self.mitigation.as_deref(), "mitigation", 10_000, &mut v);
        v.into_result()
    }
}
