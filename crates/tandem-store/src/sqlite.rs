//! The embedded backend: one SQLite file in WAL mode, created on first use.
//!
//! Writes go through a pool of exactly one connection, so they queue in
//! process instead of failing with "database is locked"; reads use their own
//! pool and run beside the writer, as WAL allows. `synchronous = FULL` makes
//! every acknowledged commit durable across a power cut, not just a crash.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::Result;

pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<Self> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            // Each pool would see its own empty database.
            return Err(crate::StoreError::Config(
                "an in-memory SQLite database is not supported: give a file, sqlite://PATH".into(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| crate::StoreError::Config(format!("bad SQLite URL '{url}': {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        run_migrations(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Self { reader, writer })
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Single writer: the process-wide queue already serialises graph edits.
    const GRAPH_LOCK: Option<&'static str> = None;

    /// Closes both pools, waiting for their connections to finish.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

crate::migrate::migrator!(sqlx::Sqlite, crate::migrate::SQLITE, None::<&str>);
crate::sql::store_impl!(
    SqliteStore,
    sqlx::Sqlite,
    "sqlite",
    "group_concat(tt.tag, ' ')"
);
