//! The JSON API through a real server on an ephemeral port, on SQLite and
//! (when `TANDEM_TEST_POSTGRES_URL` is set) PostgreSQL.

mod access;
mod across;
mod approvals;
mod attachments;
mod automation;
mod bulk;
mod calendars;
mod comments;
mod dated;
mod email;
mod goals;
mod input;
mod levels;
mod lint;
mod members;
mod milestones;
mod mspdi;
mod notifications;
mod paging;
mod portfolios;
mod recurrence;
mod reports;
mod scenarios;
mod schedule;
mod signals;
mod status;
mod templates;
mod webhooks;

use crate::common::Server;
use crate::common::api::*;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tandem_store::testing::fresh_sqlite_url;

/// The scheduled row of one task in a schedule answer.
fn scheduled<'a>(schedule: &'a Value, key: &str) -> &'a Value {
    schedule["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .unwrap_or_else(|| panic!("{key} is not in {schedule}"))
}
