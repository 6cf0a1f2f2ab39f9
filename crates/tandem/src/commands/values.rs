//! What the flags' text becomes in a request: dates, plan instants,
//! "none" for clearing a field, query encoding, and the password read from
//! standard input. Shared by the feature modules; no command lives here.

use std::io::Read;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Local, NaiveDate};
use serde_json::{Map, Value, json};
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

/// A date flag: ISO or words; "none" clears.
pub(super) fn date_value(flag: &str, text: &str) -> Result<Value> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(Value::Null);
    }
    parse_date(text, today())
        .map(|d| json!(d.to_string()))
        .map_err(|e| anyhow!("--{flag}: {e}"))
}

/// A plan instant for the API: `YYYY-MM-DDTHH:MM` as given, or a date
/// (words allowed) that the server places at the start or end of the day.
pub(super) fn when_value(flag: &str, text: &str) -> Result<Value> {
    if text.contains('T') {
        Ok(json!(text))
    } else {
        date_value(flag, text)
    }
}

pub(super) fn text_value(text: &str) -> Value {
    if text.eq_ignore_ascii_case("none") {
        Value::Null
    } else {
        json!(text)
    }
}

pub(super) fn put(body: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        body.insert(key.into(), value);
    }
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
