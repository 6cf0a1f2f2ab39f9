//! Helpers the request types of several features share: telling an absent
//! field from a `null` one, reading emails, texts to clear and plan
//! instants. No wire type lives here.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer};
use tandem_domain::validate::optional_text;
use tandem_domain::*;

/// Distinguishes an absent field (`None`) from an explicit `null`
/// (`Some(None)`) in partial updates.
pub(crate) fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

pub(crate) fn email_field(v: &mut Validation, field: &str, value: Option<&str>) -> Option<Email> {
    value
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| v.take(field, Email::parse(s)))
}

pub(crate) fn patch_text(
    v: &mut Validation,
    field: &str,
    value: Option<Option<String>>,
    current: Option<String>,
) -> Option<String> {
    match value {
        None => current,
        Some(None) => None,
        Some(Some(text)) => optional_text(Some(&text), field, 10_000, v),
    }
}

pub(crate) fn patch_email(
    v: &mut Validation,
    field: &str,
    value: Option<Option<String>>,
    current: Option<Email>,
) -> Option<Email> {
    match value {
        None => current,
        Some(None) => None,
        Some(Some(text)) => email_field(v, field, Some(&text)),
    }
}

/// A plan instant as the API takes it: `YYYY-MM-DDTHH:MM` (seconds
/// allowed), or a bare date at `default_hour`.
pub(crate) fn local_time(
    v: &mut Validation,
    field: &str,
    value: Option<&str>,
    default_hour: u32,
) -> Option<NaiveDateTime> {
    let text = value?.trim();
    let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(default_hour, 0, 0))
        });
    if parsed.is_none() {
        v.push(field, "must be YYYY-MM-DDTHH:MM or YYYY-MM-DD");
    }
    parsed
}

/// Formats a plan instant as the API writes it.
pub fn format_local(instant: NaiveDateTime) -> String {
    tandem_domain::minutes::format(instant)
}
