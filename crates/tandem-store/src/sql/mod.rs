//! The SQL both backends share. The statements are written once, in the
//! dialect SQLite and PostgreSQL have in common (`$N` parameters,
//! `RETURNING`, ISO dates), and [`store_impl!`] instantiates every feature's
//! trait for each backend's concrete sqlx types; only pool setup, migrations
//! and locking differ, and those live in `sqlite.rs` and `postgres.rs`.
//!
//! One file per feature, as the traits are: each holds its plain Rust
//! (SELECT lists, row mappers, history snapshots, checks) and a macro,
//! `<feature>_impl!`, with the queries, expanded inside `store_impl!`'s
//! module where `Db`, `Tx` and the store type are in scope. Row mappers
//! read either backend's rows through [`Columns`] (`row.rs`). This file
//! holds what the features share: decoding and retrying helpers, and the
//! skeleton with the transaction helpers every write uses (locks,
//! versions, history).
//!
//! Not here: which backend does what differently (the backends' own files
//! and their associated consts), or the migrations (`migrate.rs`).

mod accounts;
mod activity;
mod clauses;
mod dependencies;
mod imports;
mod plans;
mod projects;
mod risks;
mod row;
mod stakeholders;
mod task_list;
mod tasks;
mod workspaces;

pub(crate) use accounts::*;
pub(crate) use activity::*;
pub(crate) use clauses::*;
pub(crate) use dependencies::*;
pub(crate) use imports::*;
pub(crate) use plans::*;
pub(crate) use projects::*;
pub(crate) use risks::*;
pub(crate) use row::*;
pub(crate) use stakeholders::*;
pub(crate) use task_list::*;
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
    value.map(|v| v.format("%Y-%m-%dT%H:%M").to_string())
}

pub(crate) fn parse_local_time(
    value: Option<&str>,
) -> crate::Result<Option<chrono::NaiveDateTime>> {
    value
        .map(|v| {
            chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
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

/// Every feature's trait for one backend: `$store` with its sqlx database
/// `$db`, its name for `Store::backend` and its function joining tags.
/// Expanded once in `sqlite.rs` and once in `postgres.rs`.
macro_rules! store_impl {
    ($store:ident, $db:ty, $backend:literal, $tag_aggregate:literal) => {
        mod store_impl {
            use super::$store;
            use std::collections::HashMap;

            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use sqlx::{QueryBuilder, Row};
            use tandem_domain::activity::{self, FieldChange};
            use tandem_domain::graph::cycle_through;
            use tandem_domain::rollup::rollup;
            use tandem_domain::*;
            use tandem_domain::calendar::{CalendarException, ExceptionFields};

            use crate::sql::*;
            use crate::*;

            type Db = $db;

            static TASK_SELECT: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| TASK_SELECT_TEMPLATE.replace("{TAG_AGGREGATE}", $tag_aggregate));
            type Tx = sqlx::Transaction<'static, $db>;

            impl SqlSink for QueryBuilder<'_, Db> {
                fn sql(&mut self, text: &str) {
                    self.push(text);
                }
                fn int(&mut self, value: i64) {
                    self.push_bind(value);
                }
                fn text(&mut self, value: String) {
                    self.push_bind(value);
                }
                fn date(&mut self, value: chrono::NaiveDate) {
                    self.push_bind(value);
                }
            }

            /// Takes the project's write lock (see the backends'
            /// `PROJECT_LOCK`); `true` when one was taken, so what was
            /// read before must be read again.
            async fn lock_project_tx(tx: &mut Tx, project_id: Id) -> Result<bool> {
                let Some(lock) = $store::PROJECT_LOCK else { return Ok(false) };
                sqlx::query(lock).bind(project_id).fetch_optional(&mut **tx).await?;
                Ok(true)
            }

            /// The task a key names, read after taking its project's lock
            /// (or its own, for a personal task): what it is now, which no
            /// other writer changes before this transaction ends.
            async fn locked_task_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Task> {
                let task = fetch_task_tx(&mut *tx, scope, key).await?;
                let locked = match &task.project {
                    Some(project) => lock_project_tx(&mut *tx, project.id).await?,
                    None => match $store::TASK_LOCK {
                        Some(lock) => {
                            sqlx::query(lock).bind(task.id).fetch_optional(&mut **tx).await?;
                            true
                        }
                        None => false,
                    },
                };
                if locked { fetch_task_tx(&mut *tx, scope, key).await } else { Ok(task) }
            }

            // One row of history has this many independent parts; a struct
            // would only be built to be taken apart again.
            #[allow(clippy::too_many_arguments)]
            async fn record(
                tx: &mut Tx,
                scope: Scope,
                project_id: Option<Id>,
                kind: EntityKind,
                entity_id: Id,
                label: &str,
                action: &str,
                changes: &[FieldChange],
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(scope.workspace_id)
                .bind(project_id)
                .bind(scope.user_id)
                .bind(Utc::now())
                .bind(kind.as_str())
                .bind(entity_id)
                .bind(label)
                .bind(action)
                .bind(changes_json(changes))
                .execute(&mut **tx)
                .await?;
                // Titles stay out of events: tasks, projects and
                // workspaces go by key, everything else by number.
                let key = match kind {
                    EntityKind::Task | EntityKind::Project | EntityKind::Workspace => label.to_string(),
                    _ => entity_id.to_string(),
                };
                emit(tx, scope.workspace_id, project_id, kind.as_str(), action, &key, Some(scope.user_id)).await
            }

            crate::events::events_impl!($store);

            /// The member of this workspace with this email, or a field error.
            async fn member_id(tx: &mut Tx, scope: Scope, email: &Email, field: &str) -> Result<Id> {
                let id: Option<i64> = sqlx::query_scalar(
                    "SELECT u.id FROM users u JOIN members m ON m.user_id = u.id AND m.workspace_id = $1 WHERE u.email = $2",
                )
                .bind(scope.workspace_id)
                .bind(email.as_str())
                .fetch_optional(&mut **tx)
                .await?;
                id.ok_or_else(|| StoreError::invalid(field, format!("{email} is not a member of this workspace")))
            }

            async fn optional_member(tx: &mut Tx, scope: Scope, email: Option<&Email>, field: &str) -> Result<Option<Id>> {
                match email {
                    Some(email) => Ok(Some(member_id(tx, scope, email, field).await?)),
                    None => Ok(None),
                }
            }

            // Every feature's part, each in its own file.
            crate::sql::accounts_impl!($store);
            crate::sql::workspaces_impl!($store);
            crate::sql::projects_impl!($store);
            crate::sql::stakeholders_impl!($store);
            crate::sql::risks_impl!($store);
            crate::sql::task_list_impl!($store);
            crate::sql::tasks_impl!($store);
            crate::sql::dependencies_impl!($store);
            crate::sql::plans_impl!($store);
            crate::sql::imports_impl!($store);
            crate::sql::activity_impl!($store);

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                fn pools(&self) -> Vec<crate::PoolStats> {
                    self.pool_stats()
                }

                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(self.reader()).await?;
                    Ok(())
                }
            }
        }
    };
}
pub(crate) use store_impl;
