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

/// Checks a required or optional text field's length after trimming and
/// returns the trimmed text.
pub fn text(value: &str, field: &str, max_chars: usize, v: &mut Validation) -> String {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        v.push(field, format!("must be at most {max_chars} characters"));
    }
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
        Some("") => {
            v.push(field, "must not be empty");
            String::new()
        }
        Some(s) => text(s, field, max_chars, v),
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
