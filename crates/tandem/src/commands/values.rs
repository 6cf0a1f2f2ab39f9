//! What the flags' text becomes in a request: dates, plan instants,
//! vocabulary words, "none" for clearing a field, the JSON body, query
//! encoding, and the password read from standard input. Shared by the feature modules; no command lives here.

use std::io::Read;
use std::str::FromStr;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Local, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use tandem_domain::dates::parse_date;

pub(super) fn today() -> NaiveDate {
    Local::now().date_naive()
}

pub(super) fn read_password() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from standard input")?;
    let password = text.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

/// A date flag: ISO or words; "none" clears (`None`).
pub(super) fn date_value(flag: &str, text: &str) -> Result<Option<NaiveDate>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    parse_date(text, today())
        .map(Some)
        .map_err(|e| anyhow!("--{flag}: {e}"))
}

/// A plan instant for the API: `YYYY-MM-DDTHH:MM` as given, or a date
/// (words allowed) that the server places at the start or end of the day.
pub(super) fn when_value(flag: &str, text: &str) -> Result<Option<String>> {
    if text.contains('T') {
        Ok(Some(text.to_string()))
    } else {
        Ok(date_value(flag, text)?.map(|date| date.to_string()))
    }
}

/// A text flag; "none" clears (`None`).
pub(super) fn text_value(text: &str) -> Option<String> {
    if text.eq_ignore_ascii_case("none") {
        None
    } else {
        Some(text.to_string())
    }
}

/// A word of a closed vocabulary (a status, a priority, a link type),
/// read as loosely as the domain reads it ("In progress" is in_progress),
/// so that a wrong one is named by its flag before anything is sent.
pub(super) fn choice<T: FromStr<Err = String>>(flag: &str, text: &str) -> Result<T> {
    // The domain names its words as the API spells them (on_track); the
    // command line writes them with hyphens, as its help does.
    text.parse()
        .map_err(|e: String| anyhow!("--{flag}: {}", e.replace('_', "-")))
}

/// The JSON body of an API request type. The request types leave out what
/// is not set, so a partial update says only what it changes.
pub(super) fn request_body(request: &impl Serialize) -> Result<Value> {
    serde_json::to_value(request).context("encoding the request")
}

/// Percent-encodes a query value.
pub(super) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A number that is one: NaN and infinities are refused, as JSON has no
/// way to send them (they would go as null, which clears a field).
pub(super) fn finite(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        Ok(_) => Err("must be a finite number".into()),
        Err(_) => Err(format!("{text} is not a number")),
    }
}
