//! Phases and milestones of a project, as read back and as inputs.

use chrono::NaiveDate;

use super::*;
use crate::validate::{FieldError, Validation, check_date, optional_text, required_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub position: i64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub phase_id: Option<Id>,
    /// The day it was marked reached, if it was.
    pub reached: Option<NaiveDate>,
    /// Its place among its project's milestones: 1, 2, 3, …
    pub position: i64,
    pub version: i64,
}

impl Phase {
    pub fn fields(&self) -> PhaseFields {
        PhaseFields {
            name: self.name.clone(),
            position: self.position,
            start_date: self.start_date,
            end_date: self.end_date,
        }
    }
}

impl Milestone {
    pub fn fields(&self) -> MilestoneFields {
        MilestoneFields {
            name: self.name.clone(),
            date: self.date,
            description: self.description.clone(),
            phase_id: self.phase_id,
            reached: self.reached,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseFields {
    pub name: String,
    pub position: i64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// The largest position a phase takes: far more phases than any project
/// has, far from the ends of an integer.
pub const PHASE_POSITIONS: i64 = 1_000_000;

impl PhaseFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        if !(0..=PHASE_POSITIONS).contains(&self.position) {
            v.push(
                "position",
                format!("must be between 0 and {PHASE_POSITIONS}"),
            );
        }
        check_date(self.start_date, "start_date", &mut v);
        check_date(self.end_date, "end_date", &mut v);
        if let (Some(s), Some(e)) = (self.start_date, self.end_date)
            && e < s
        {
            v.push("end_date", "must not be before start_date");
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFields {
    pub name: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub phase_id: Option<Id>,
    /// The day it was reached; a milestone whose approval waits or was
    /// rejected cannot be marked reached (`approval::gate_refusal`).
    pub reached: Option<NaiveDate>,
}

impl MilestoneFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        optional_text(self.description.as_deref(), "description", 10_000, &mut v);
        check_date(self.date, "date", &mut v);
        check_date(self.reached, "reached", &mut v);
        v.into_result()
    }
}
