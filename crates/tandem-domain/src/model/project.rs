//! Projects: the entity as read back, a reference to one, and its fields as
//! an input with their rules.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::*;
use crate::validate::{FieldError, Validation, check_characters, check_date, required_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: Id,
    pub key: String,
    pub name: String,
    pub objective: Option<String>,
    pub scope_in: Option<String>,
    pub scope_out: Option<String>,
    pub owner: Option<UserRef>,
    pub status: ProjectStatus,
    pub stage: Stage,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    pub budget: Option<f64>,
    pub ongoing: bool,
    pub work_week: WorkWeek,
    pub status_date: Option<NaiveDateTime>,
    /// How often its people are expected to post a status update, in
    /// days; 0 expects none.
    pub update_cadence_days: i64,
    /// When it was archived: out of the projects index and the pickers,
    /// still readable, until it is unarchived.
    pub archived_at: Option<DateTime<Utc>>,
    /// The template it was made from, and that template's version.
    pub template: Option<(String, i64)>,
    /// The health Tandem last judged it to be in, from its figures (see
    /// `health`); `None` until first judged.
    pub health: Option<Health>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    pub fn fields(&self) -> ProjectFields {
        ProjectFields {
            name: self.name.clone(),
            objective: self.objective.clone(),
            scope_in: self.scope_in.clone(),
            scope_out: self.scope_out.clone(),
            owner: self
                .owner
                .as_ref()
                .and_then(|u| Email::parse(&u.email).ok()),
            status: self.status,
            stage: self.stage,
            start_date: self.start_date,
            target_date: self.target_date,
            budget: self.budget,
            ongoing: self.ongoing,
            work_week: self.work_week.clone(),
            status_date: self.status_date,
            update_cadence_days: self.update_cadence_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProjectRef {
    pub id: Id,
    pub key: String,
}

/// The fields of a project, complete: what is created, and what an update
/// yields once applied to the stored project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFields {
    pub name: String,
    pub objective: Option<String>,
    pub scope_in: Option<String>,
    pub scope_out: Option<String>,
    pub owner: Option<Email>,
    pub status: ProjectStatus,
    pub stage: Stage,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    pub budget: Option<f64>,
    pub ongoing: bool,
    /// The project's working calendar (exceptions are kept apart).
    pub work_week: WorkWeek,
    /// When progress was last reported: work not done is scheduled after
    /// it. None: the plan as planned.
    pub status_date: Option<NaiveDateTime>,
    /// How often a status update is expected, in days (0 to 365; 0
    /// expects none).
    pub update_cadence_days: i64,
}

impl ProjectFields {
    /// An active project in planning named `name`, with every other field
    /// at its default.
    pub fn named(name: impl Into<String>) -> Self {
        ProjectFields {
            name: name.into(),
            objective: None,
            scope_in: None,
            scope_out: None,
            owner: None,
            status: ProjectStatus::Active,
            stage: Stage::Planning,
            start_date: None,
            target_date: None,
            budget: None,
            ongoing: false,
            work_week: WorkWeek::default(),
            status_date: None,
            update_cadence_days: crate::health::UPDATE_CADENCE_DAYS,
        }
    }

    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        for (field, value) in [
            ("objective", &self.objective),
            ("scope_in", &self.scope_in),
            ("scope_out", &self.scope_out),
        ] {
            if let Some(text) = value {
                if text.chars().count() > 10_000 {
                    v.push(field, "must be at most 10000 characters");
                }
                check_characters(text, field, true, &mut v);
            }
        }
        check_date(self.start_date, "start_date", &mut v);
        check_date(self.target_date, "target_date", &mut v);
        check_date(self.status_date.map(|d| d.date()), "status_date", &mut v);
        if let (Some(start), Some(target)) = (self.start_date, self.target_date)
            && target < start
        {
            v.push("target_date", "must not be before start_date");
        }
        if let Some(budget) = self.budget
            && (!budget.is_finite() || budget < 0.0)
        {
            v.push("budget", "must be zero or more");
        }
        if !(0..=crate::health::MAX_UPDATE_CADENCE_DAYS).contains(&self.update_cadence_days) {
            v.push(
                "update_cadence_days",
                "must be from 0 (no updates expected) to 365 days",
            );
        }
        if self.ongoing && self.target_date.is_some() {
            v.push("target_date", "must be empty for an ongoing project");
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub key: ProjectKey,
    pub fields: ProjectFields,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ongoing_projects_have_no_target() {
        let fields = ProjectFields {
            name: "Ops".into(),
            objective: None,
            scope_in: None,
            scope_out: None,
            owner: None,
            status: ProjectStatus::Active,
            stage: Stage::Execution,
            start_date: None,
            target_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            budget: Some(-1.0),
            ongoing: true,
            work_week: WorkWeek::default(),
            status_date: None,
            update_cadence_days: 400,
        };
        let errors = fields.check().unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors.iter().any(|e| e.field == "update_cadence_days"));
    }
}
