//! Dependencies between tasks, as read back, as links for planning, and as
//! an input with the rules of a lag.

use super::*;
use crate::validate::{FieldError, Validation};

#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub id: Id,
    pub predecessor: TaskRef,
    pub successor: TaskRef,
    pub kind: DependencyKind,
    /// The lag (negative for a lead), in `lag_format`'s unit.
    pub lag_days: f64,
    pub lag_format: LagFormat,
    pub version: i64,
}

/// A dependency by its ends' ids: all that planning and drawing need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub id: Id,
    pub predecessor_id: Id,
    pub successor_id: Id,
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
    pub version: i64,
}

impl Dependency {
    pub fn link(&self) -> Link {
        Link {
            id: self.id,
            predecessor_id: self.predecessor.id,
            successor_id: self.successor.id,
            kind: self.kind,
            lag_days: self.lag_days,
            lag_format: self.lag_format,
            version: self.version,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewDependency {
    pub predecessor: String,
    pub successor: String,
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
}

impl NewDependency {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        if let Err(message) = check_lag(self.lag_days, self.lag_format) {
            v.push("lag_days", message);
        }
        if self.predecessor.eq_ignore_ascii_case(&self.successor) {
            v.push("successor", "a task cannot depend on itself");
        }
        v.into_result()
    }
}

/// A link's lag as given: days within ten thousand either way; as a
/// percentage, a lead of the whole predecessor at most and a lag of ten
/// times it at most (5000 % is a slip for 50 %).
pub fn check_lag(lag: f64, format: LagFormat) -> Result<(), String> {
    if !lag.is_finite() || lag.abs() > 10_000.0 {
        return Err("must be between -10000 and 10000".into());
    }
    if format == LagFormat::Percent && !(-100.0..=1_000.0).contains(&lag) {
        return Err(
            "a percentage lag must be between -100 and 1000 (% of the predecessor's duration)"
                .into(),
        );
    }
    Ok(())
}
