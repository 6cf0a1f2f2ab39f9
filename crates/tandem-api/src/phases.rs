//! Phases and milestones of a project.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

use crate::common::{double_option, patch_text};
use crate::projects::ProgressView;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where the phase sorts among the project's phases (lower first, 0 to
    /// 1,000,000); a new phase without one (or with 0) goes after the last.
    /// To move phases around, `PUT …/phases/order` renumbers them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<Option<NaiveDate>>,
}

impl PhaseInput {
    /// Applies the input to `current`, or builds a new phase when `None`.
    pub fn apply(self, current: Option<PhaseFields>) -> Result<PhaseFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match (self.name, &current) {
            (Some(name), _) => validate::required_text(Some(&name), "name", 200, &mut v),
            (None, Some(c)) => c.name.clone(),
            (None, None) => validate::required_text(None, "name", 200, &mut v),
        };
        let fields = PhaseFields {
            name,
            position: self
                .position
                .or(current.as_ref().map(|c| c.position))
                .unwrap_or(0),
            start_date: Patch::from_option(self.start_date)
                .apply(current.as_ref().and_then(|c| c.start_date)),
            end_date: Patch::from_option(self.end_date)
                .apply(current.as_ref().and_then(|c| c.end_date)),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

/// A project's phases in the order they should go: every phase of the
/// project once, first first. Their positions become 1, 2, 3, … in one
/// write.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseOrder {
    #[schemars(required)]
    pub phases: Option<Vec<Id>>,
}

/// The new order of a project's milestones: every milestone's id once,
/// first first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneOrder {
    #[schemars(required)]
    pub milestones: Option<Vec<Id>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhaseView {
    pub id: Id,
    pub name: String,
    pub position: i64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressView>,
    pub version: i64,
}

impl From<Phase> for PhaseView {
    fn from(p: Phase) -> Self {
        PhaseView {
            id: p.id,
            name: p.name,
            position: p.position,
            start_date: p.start_date,
            end_date: p.end_date,
            progress: None,
            version: p.version,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase_id: Option<Option<Id>>,
    /// The day it was reached; null to mark it not reached. A milestone
    /// whose latest approval waits, asks for changes or was rejected
    /// cannot be marked reached.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reached: Option<Option<NaiveDate>>,
}

impl MilestoneInput {
    pub fn apply(
        self,
        current: Option<MilestoneFields>,
    ) -> Result<MilestoneFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match (self.name, &current) {
            (Some(name), _) => validate::required_text(Some(&name), "name", 200, &mut v),
            (None, Some(c)) => c.name.clone(),
            (None, None) => validate::required_text(None, "name", 200, &mut v),
        };
        let fields = MilestoneFields {
            name,
            date: Patch::from_option(self.date).apply(current.as_ref().and_then(|c| c.date)),
            description: patch_text(
                &mut v,
                "description",
                self.description,
                current.as_ref().and_then(|c| c.description.clone()),
            ),
            phase_id: Patch::from_option(self.phase_id)
                .apply(current.as_ref().and_then(|c| c.phase_id)),
            reached: Patch::from_option(self.reached)
                .apply(current.as_ref().and_then(|c| c.reached)),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneView {
    pub id: Id,
    pub name: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub phase_id: Option<Id>,
    /// The day it was marked reached, if it was.
    pub reached: Option<NaiveDate>,
    /// Its place among the project's milestones: 1, 2, 3, …
    pub position: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressView>,
    pub version: i64,
}

impl From<Milestone> for MilestoneView {
    fn from(m: Milestone) -> Self {
        MilestoneView {
            id: m.id,
            name: m.name,
            date: m.date,
            description: m.description,
            phase_id: m.phase_id,
            reached: m.reached,
            position: m.position,
            progress: None,
            version: m.version,
        }
    }
}
