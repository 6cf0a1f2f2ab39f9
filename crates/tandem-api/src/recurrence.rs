//! Recurrence rules tried before saving.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::recurrence::Rule;

/// What a rule gives: the rule as RFC 5545 writes it, in words, and its
/// next dates.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RecurrencePreviewView {
    /// The `RRULE` value, `FREQ=MONTHLY;BYDAY=1MO`.
    pub rule: String,
    /// The rule in words, "Every month on the first Mon".
    pub words: String,
    /// Its dates from the day asked, in order.
    pub dates: Vec<NaiveDate>,
}

impl RecurrencePreviewView {
    pub fn new(rule: &Rule, dates: Vec<NaiveDate>) -> Self {
        RecurrencePreviewView {
            rule: rule.to_string(),
            words: rule.describe(),
            dates,
        }
    }
}
