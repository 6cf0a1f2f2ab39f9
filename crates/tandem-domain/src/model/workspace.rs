//! Users as others see them, workspaces, their members and members' time
//! off.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::*;
use crate::validate::{FieldError, Validation, check_date};

/// A user as others see them: enough to show and to address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserRef {
    pub id: Id,
    pub email: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub user: UserRef,
    pub role: Role,
    /// Hours a week they work (40 for full time); levelling and effort
    /// estimates go by it.
    pub capacity_hours: f64,
    /// What an hour of their work costs, in the workspace's currency (as
    /// a project's budget): Microsoft Project's standard rate. None: not
    /// costed.
    pub cost_rate: Option<f64>,
    pub version: i64,
}

/// A member deactivated: no longer in the workspace (they do not open it,
/// are not given work or mentioned), with what they were, so they can be
/// brought back; their history and their work keep their name.
#[derive(Debug, Clone, PartialEq)]
pub struct DeactivatedMember {
    pub user: UserRef,
    /// The role they had, and get back when reactivated.
    pub role: Role,
    pub deactivated_at: DateTime<Utc>,
    pub deactivated_by: Option<UserRef>,
    /// Open project tasks still theirs: work to hand on.
    pub open_tasks: usize,
}

/// Days a member is away (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeOff {
    pub id: Id,
    pub user_id: Id,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub note: Option<String>,
}

/// A member's capacity must be a week's hours.
pub fn check_capacity(hours: f64) -> Result<(), Vec<FieldError>> {
    let mut v = Validation::new();
    if !hours.is_finite() || !(0.0..=168.0).contains(&hours) {
        v.push("capacity_hours", "must be between 0 and 168 hours a week");
    }
    v.into_result()
}

/// A cost rate must be an amount an hour, none below zero.
pub fn check_cost_rate(rate: Option<f64>) -> Result<(), Vec<FieldError>> {
    let mut v = Validation::new();
    if let Some(rate) = rate
        && (!rate.is_finite() || !(0.0..=1_000_000.0).contains(&rate))
    {
        v.push(
            "cost_rate",
            "must be an amount an hour between 0 and 1000000",
        );
    }
    v.into_result()
}

/// Checks time off as given.
pub fn check_time_off(
    start: NaiveDate,
    end: NaiveDate,
    note: Option<&str>,
) -> Result<(), Vec<FieldError>> {
    let mut v = Validation::new();
    check_date(Some(start), "start_date", &mut v);
    check_date(Some(end), "end_date", &mut v);
    if end < start {
        v.push("end_date", "must not be before start_date");
    } else if (end - start).num_days() > 366 {
        v.push("end_date", "time off spans at most a year at a time");
    }
    if let Some(note) = note {
        crate::validate::text(note, "note", 500, &mut v);
    }
    v.into_result()
}
