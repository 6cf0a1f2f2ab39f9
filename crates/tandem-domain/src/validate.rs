//! Collecting rule violations field by field, so that a caller hears about
//! every offending field at once rather than the first one.

use std::fmt;

/// One rule broken by one field of an input. `field` is the name the caller
/// used (a JSON key or a CLI flag name without dashes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// An accumulator of [`FieldError`]s.
#[derive(Debug, Default)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Records the error of a parse and returns its value when it succeeded.
    pub fn take<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    pub fn extend(&mut self, errors: Vec<FieldError>) {
        self.errors.extend(errors);
    }

    /// Adds the errors of a rule check, skipping fields already reported
    /// (a field that did not parse needs no second complaint).
    pub fn merge(&mut self, checked: Result<(), Vec<FieldError>>) {
        for error in checked.err().unwrap_or_default() {
            if !self.errors.iter().any(|seen| seen.field == error.field) {
                self.errors.push(error);
            }
        }
    }

    /// The value of a checked result, its errors kept with the rest.
    pub fn take_all<T>(&mut self, checked: Result<T, Vec<FieldError>>) -> Option<T> {
        match checked {
            Ok(value) => Some(value),
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value())
        } else {
            Err(self.errors)
        }
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        self.finish(|| ())
    }
}

/// Texts up to this long are names and titles: one line. Longer ones
/// (descriptions, objectives) may break lines and hold tabs.
const ONE_LINE_MAX: usize = 500;

/// Characters that take no room and show nothing: zero-width spaces and
/// joiners, direction marks and overrides, the byte-order mark, the soft
/// hyphen. A name of only these looks empty and may read as someone
/// else's.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// Combining marks of the common blocks: shown only on a character
/// before them.
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Direction overrides and isolates: in a name they can make text read in
/// another order than it is stored (a title that reads as someone else's).
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses control characters (NUL, escape, DEL…): they have no business
/// in text people read, and some break what stores or shows it. Line
/// breaks and tabs are allowed only in long, multi-line texts.
pub fn check_characters(value: &str, field: &str, multi_line: bool, v: &mut Validation) {
    let allowed = |c: char| multi_line && matches!(c, '\n' | '\r' | '\t');
    if !multi_line && value.chars().any(is_direction_control) {
        v.push(field, "must not contain direction overrides");
        return;
    }
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        v.push(
            field,
            if multi_line {
                "must not contain control characters (other than line breaks and tabs)"
            } else {
                "must be one line without control characters"
            },
        );
    }
}

/// Checks a required or optional text field's length and characters after
/// trimming and returns the trimmed text.
pub fn text(value: &str, field: &str, max_chars: usize, v: &mut Validation) -> String {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        v.push(field, format!("must be at most {max_chars} characters"));
    }
    check_characters(trimmed, field, max_chars > ONE_LINE_MAX, v);
    trimmed.to_string()
}

pub fn required_text(
    value: Option<&str>,
    field: &str,
    max_chars: usize,
    v: &mut Validation,
) -> String {
    match value.map(str::trim) {
        None => {
            v.push(field, "is required");
            String::new()
        }
        // Combining marks alone stack on nothing: no visible character.
        Some(s) if s.chars().all(|c| is_invisible(c) || is_combining(c)) => {
            v.push(field, "must not be empty (it has no visible character)");
            String::new()
        }
        Some(s) => text(s, field, max_chars, v),
    }
}

/// The dates Tandem takes: plans are made within these, and the scheduler
/// lays out sixty years from a project's start. A year such as -1 or 9999
/// is a typing slip, not a plan.
pub const EARLIEST_DATE: (i32, u32, u32) = (1900, 1, 1);
pub const LATEST_DATE: (i32, u32, u32) = (2199, 12, 31);

/// Refuses a date outside [`EARLIEST_DATE`]..=[`LATEST_DATE`].
pub fn check_date(value: Option<chrono::NaiveDate>, field: &str, v: &mut Validation) {
    use chrono::Datelike;
    if let Some(date) = value {
        let ymd = (date.year(), date.month(), date.day());
        if ymd < EARLIEST_DATE || ymd > LATEST_DATE {
            v.push(field, "must be a date between 1900-01-01 and 2199-12-31");
        }
    }
}

/// An optional text where an empty string means "none".
pub fn optional_text(
    value: Option<&str>,
    field: &str,
    max_chars: usize,
    v: &mut Validation,
) -> Option<String> {
    value
        .map(|s| text(s, field, max_chars, v))
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(check: impl FnOnce(&mut Validation)) -> Vec<FieldError> {
        let mut v = Validation::new();
        check(&mut v);
        v.into_result().err().unwrap_or_default()
    }

    #[test]
    fn names_of_nothing_visible_are_empty() {
        for name in [
            "\u{200B}\u{200B}",
            "\u{202E}\u{2066}",
            " \u{FEFF} ",
            "\u{00AD}",
        ] {
            let e = errors(|v| {
                required_text(Some(name), "title", 500, v);
            });
            assert_eq!(e[0].field, "title", "{name:?}");
        }
        assert!(
            errors(|v| {
                required_text(Some("Plan \u{200B}B"), "title", 500, v);
            })
            .is_empty()
        );
    }

    #[test]
    fn control_characters_are_refused_and_long_texts_keep_lines() {
        for bad in ["a\u{0}b", "a\u{1b}[31mb", "a\u{7f}", "two\nlines"] {
            assert_eq!(
                errors(|v| {
                    text(bad, "name", 200, v);
                })
                .len(),
                1,
                "{bad:?}"
            );
        }
        assert!(
            errors(|v| {
                text("two\nlines\tand a tab", "description", 10_000, v);
            })
            .is_empty()
        );
        assert_eq!(
            errors(|v| {
                text("nul\u{0}", "description", 10_000, v);
            })
            .len(),
            1
        );
    }

    #[test]
    fn dates_stay_within_plans() {
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        for bad in [
            date(-1, 1, 1),
            date(1899, 12, 31),
            date(2200, 1, 1),
            date(9999, 12, 31),
        ] {
            assert_eq!(
                errors(|v| check_date(bad, "due_date", v)).len(),
                1,
                "{bad:?}"
            );
        }
        for good in [
            date(1900, 1, 1),
            date(2026, 12, 2),
            date(2199, 12, 31),
            None,
        ] {
            assert!(
                errors(|v| check_date(good, "due_date", v)).is_empty(),
                "{good:?}"
            );
        }
    }
}
