//! Recurrence rules tried before saving.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::recurrence::{Landing, Mode, Recurrence, Reuse, Rule, Series};
use tandem_domain::{FieldError, Id, Validation, validate};

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

/// The most dates a series may skip.
pub const MAX_SKIPPED: usize = 366;

/// How a task repeats.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatInput {
    /// An RFC 5545 RRULE value (`FREQ=MONTHLY;BYDAY=1MO`) or plain words
    /// (`every 2 weeks on tue, thu`, `monthly on the last fri`, `every
    /// weekday`).
    #[schemars(required)]
    pub rule: Option<String>,
    /// `schedule` (the default: on the rule's dates, whether or not the
    /// last one was done) or `after_done` (the rule counted from the day
    /// the last one was done).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(schedule|after_done)$"))]
    pub mode: Option<String>,
    /// `new_task` (the default: each occurrence a task with its own
    /// history) or `reopen` (the same task opened again with the next
    /// date).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(new_task|reopen)$"))]
    pub reuse: Option<String>,
    /// An occurrence on a day off of the project: `as_is` (the default),
    /// `skip`, or `next_working_day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(as_is|skip|next_working_day)$"))]
    pub landing: Option<String>,
    /// Dates no occurrence comes on (RFC 5545's EXDATE): a holiday, a week
    /// away. Given, it replaces the list; `[]` empties it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<Vec<NaiveDate>>,
}

impl RepeatInput {
    /// The series, its fields named under `at` (`repeat.rule`); it starts
    /// where the task's due date says (the store sets it).
    pub fn into_series(self, at: &str) -> Result<Series, Vec<FieldError>> {
        let mut v = Validation::new();
        let field = |name: &str| format!("{at}.{name}");
        let rule = match self.rule.as_deref() {
            Some(text) => v.take(&field("rule"), Rule::parse(text)),
            None => {
                v.push(&field("rule"), "is required");
                None
            }
        };
        let mode = match self.mode.as_deref() {
            Some(m) => v.take(&field("mode"), Mode::parse(m)),
            None => Some(Mode::default()),
        };
        let reuse = match self.reuse.as_deref() {
            Some(r) => v.take(&field("reuse"), Reuse::parse(r)),
            None => Some(Reuse::default()),
        };
        let landing = match self.landing.as_deref() {
            Some(l) => v.take(&field("landing"), Landing::parse(l)),
            None => Some(Landing::default()),
        };
        let mut except = self.skip.unwrap_or_default();
        except.sort();
        except.dedup();
        for day in &except {
            validate::check_date(Some(*day), &field("skip"), &mut v);
        }
        if except.len() > MAX_SKIPPED {
            v.push(&field("skip"), format!("at most {MAX_SKIPPED} dates"));
        }
        v.finish(|| Series {
            rule: rule.expect("a rule when none was refused"),
            mode: mode.unwrap_or_default(),
            reuse: reuse.unwrap_or_default(),
            landing: landing.unwrap_or_default(),
            starts_on: NaiveDate::default(),
            except,
        })
    }
}

impl RepeatInput {
    /// A change of `current`: what is not given stays as it is.
    pub fn over(self, current: &Series) -> Result<Series, Vec<FieldError>> {
        let filled = RepeatInput {
            rule: Some(self.rule.unwrap_or_else(|| current.rule.to_string())),
            mode: Some(self.mode.unwrap_or_else(|| current.mode.as_str().into())),
            reuse: Some(self.reuse.unwrap_or_else(|| current.reuse.as_str().into())),
            landing: Some(
                self.landing
                    .unwrap_or_else(|| current.landing.as_str().into()),
            ),
            skip: Some(self.skip.unwrap_or_else(|| current.except.clone())),
        };
        filled.into_series("repeat")
    }
}

/// The series a recurring task is an occurrence of.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RecurrenceView {
    pub id: Id,
    /// The `RRULE` value.
    pub rule: String,
    /// The rule in words.
    pub words: String,
    /// `schedule` or `after_done`.
    pub mode: String,
    /// `new_task` or `reopen`.
    pub reuse: String,
    /// `as_is`, `skip` or `next_working_day`.
    pub landing: String,
    /// The first occurrence's date.
    pub starts_on: NaiveDate,
    /// The newest date an occurrence was made for.
    pub last_on: NaiveDate,
    /// No occurrence comes after those made.
    pub ended: bool,
    /// Dates no occurrence comes on.
    pub skip: Vec<NaiveDate>,
}

impl From<Recurrence> for RecurrenceView {
    fn from(r: Recurrence) -> Self {
        RecurrenceView {
            id: r.id,
            words: r.series.rule.describe(),
            rule: r.series.rule.to_string(),
            mode: r.series.mode.as_str().into(),
            reuse: r.series.reuse.as_str().into(),
            landing: r.series.landing.as_str().into(),
            starts_on: r.series.starts_on,
            last_on: r.last_on,
            ended: r.ended,
            skip: r.series.except.clone(),
        }
    }
}
