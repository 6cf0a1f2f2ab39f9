//! What the backends share that does not touch a connection, compiled
//! once: per feature, the SELECT lists, row mappers (generic over either
//! backend's rows through [`Columns`], `row.rs`) and history snapshots;
//! and the decoding, retrying and version helpers every feature uses.
//!
//! Not here: the queries themselves (`queries/`, compiled once per
//! backend), which backend does what differently (`sqlite.rs`,
//! `postgres.rs` and their associated consts), or the migrations
//! (`migrate.rs`).

mod accounts;
mod activity;
mod approvals;
mod clauses;
mod dependencies;
mod goals;
mod plans;
mod portfolios;
mod projects;
mod risks;
mod row;
mod search;
mod stakeholders;
mod status_updates;
mod task_list;
mod task_row;
mod tasks;
mod workspaces;

pub(crate) use accounts::*;
pub(crate) use activity::*;
pub(crate) use approvals::*;
pub(crate) use clauses::*;
pub(crate) use dependencies::*;
pub(crate) use goals::*;
pub(crate) use plans::*;
pub(crate) use portfolios::*;
pub(crate) use projects::*;
pub(crate) use risks::*;
pub(crate) use row::*;
pub(crate) use search::*;
pub(crate) use stakeholders::*;
pub(crate) use status_updates::*;
pub(crate) use task_list::*;
pub(crate) use task_row::*;
pub(crate) use tasks::*;
pub(crate) use workspaces::*;

use serde_json::{Map, Value, json};
use tandem_domain::TaskKey;
use tandem_domain::activity::FieldChange;

use crate::{Result, StoreError};

fn date(value: Option<chrono::NaiveDate>) -> Value {
    value.map(|d| json!(d.to_string())).unwrap_or(Value::Null)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub(crate) fn changes_json(changes: &[FieldChange]) -> String {
    serde_json::to_string(changes).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn decode_error(message: String) -> crate::StoreError {
    crate::StoreError::Database(sqlx::Error::Decode(message.into()))
}

pub(crate) fn vocab<T: std::str::FromStr<Err = String>>(text: &str) -> crate::Result<T> {
    text.parse()
        .map_err(|e: String| decode_error(format!("stored value '{text}': {e}")))
}

/// A unique-constraint violation becomes a conflict naming what clashed;
/// anything else stays a database error.
pub(crate) fn unique_to_conflict(error: sqlx::Error, what: &str) -> crate::StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            crate::StoreError::Conflict(format!("{what} already exists"))
        }
        _ => crate::StoreError::from(error),
    }
}

/// Runs a write again when the database chose it as a deadlock victim or
/// could not serialize it: the attempt left nothing behind, and the one it
/// lost to is about to finish. Other errors, and the tenth failure, are
/// the caller's.
pub(crate) async fn retry_transient<T, Fut>(mut attempt: impl FnMut() -> Fut) -> crate::Result<T>
where
    Fut: std::future::Future<Output = crate::Result<T>>,
{
    let mut failures = 0u32;
    loop {
        match attempt().await {
            Err(e) if e.is_transient() && failures < 10 => {
                failures += 1;
                // Back off a little longer each time, up to ~64 ms, so the
                // writers that collided do not collide again in step.
                let millis = (1u64 << failures.min(6)) + u64::from(rand_jitter());
                tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            }
            other => return other,
        }
    }
}

/// A few milliseconds that differ between concurrent retries.
fn rand_jitter() -> u8 {
    use std::hash::{BuildHasher, RandomState};
    (RandomState::new().hash_one(std::time::Instant::now()) % 8) as u8
}

/// Plan instants (local to the project's calendar, no time zone) are kept
/// as text in both backends, to the minute.
pub(crate) fn local_time(value: Option<chrono::NaiveDateTime>) -> Option<String> {
    value.map(tandem_domain::minutes::format)
}

pub(crate) fn parse_local_time(
    value: Option<&str>,
) -> crate::Result<Option<chrono::NaiveDateTime>> {
    value
        .map(|v| {
            tandem_domain::minutes::parse(v)
                .map_err(|e| decode_error(format!("local time '{v}': {e}")))
        })
        .transpose()
}

/// A key that cannot be a task's names none: 404, as a missing task.
pub(crate) fn parse_task_key(key: &str) -> Result<TaskKey> {
    TaskKey::parse(key).map_err(|_| StoreError::NotFound("task"))
}

/// Applies an update's change to the current fields.
pub(crate) fn patched<F>(change: crate::Patch<'_, F>, current: F) -> Result<F> {
    change(current).map_err(StoreError::Invalid)
}

pub(crate) fn check_version(expected: Option<i64>, current: i64) -> Result<()> {
    match expected {
        Some(expected) if expected != current => Err(StoreError::VersionMismatch { current }),
        _ => Ok(()),
    }
}
