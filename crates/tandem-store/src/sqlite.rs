//! The embedded backend: one SQLite file in WAL mode, created on first use.
//!
//! Writes go through a pool of exactly one connection, so they queue in
//! process instead of failing with "database is locked"; reads use their own
//! pool and run beside the writer, as WAL allows. `synchronous = FULL` makes
//! every acknowledged commit durable across a power cut, not just a crash;
//! concurrent writes share that commit (`group_commit.rs`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use std::sync::Arc;

use tandem_domain::Id;

use crate::group_commit::{GroupCommit, Member};
use crate::sql::{ListPart, Search, SqlText, push_task_list};
use crate::sqlite_reads::{
    ListReaders, PageRows, driver, read_links, read_page, read_plan_tasks, read_schedule,
    read_task_phases,
};
use crate::{Result, Scope, TaskFilter};

pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    group: GroupCommit,
    lists: ListReaders,
    feed: std::sync::OnceLock<tokio::sync::broadcast::Sender<crate::events::Event>>,
    /// The newest event when the store opened: the feed tells what
    /// comes after.
    feed_start: i64,
    /// Where attachments' bytes go when not in the database.
    pub(crate) blobs: Option<Arc<dyn crate::blobs::BlobStore>>,
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
        // The writer's statement journals (what undoes one statement or
        // savepoint of a transaction, every write here being a savepoint
        // of a commit group) stay in memory rather than spilling to a
        // file past 64 KiB; and the log is copied back into the database
        // every 10,000 pages (40 MB) rather than 1,000, so a page that
        // every commit changes (an index's last leaf) is written back
        // once for many commits. A day of 10,000 recurring occurrences
        // wrote 168,000 pages and took 1.29–1.48 s; 83,000 and 0.9–1.1 s.
        let writer_options = options
            .clone()
            .pragma("temp_store", "MEMORY")
            .pragma("wal_autocheckpoint", "10000");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(writer_options)
            .await?;
        run_migrations(&writer).await?;
        let feed_start: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
            .fetch_one(&writer)
            .await?;
        let feed_start = feed_start.unwrap_or(0);
        let lists = ListReaders {
            path: options.get_filename().to_path_buf(),
            idle: Arc::default(),
        };
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Self {
            reader,
            group: GroupCommit::new(writer.clone()),
            writer,
            lists,
            feed: std::sync::OnceLock::new(),
            feed_start,
            blobs: None,
        })
    }

    fn blobs(&self) -> Option<&dyn crate::blobs::BlobStore> {
        self.blobs.as_deref()
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// For what runs outside any write transaction (a purge, a login's
    /// timestamp); it queues behind an open commit group for the one
    /// connection.
    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// A write transaction: a savepoint in the writer's open commit group.
    async fn write_tx(&self) -> Result<SqliteTx> {
        Ok(SqliteTx::Write(self.group.begin().await?))
    }

    /// [`Self::write_tx`] whose savepoint opens with its first statement,
    /// which must start with the transaction's [`SqliteTx::opening`].
    async fn write_tx_deferred(&self) -> Result<SqliteTx> {
        Ok(SqliteTx::Write(self.group.begin_deferred().await?))
    }

    /// A write transaction for a long write: committed on its own, after
    /// the writes already in the open group (see `GroupCommit::begin_alone`).
    async fn write_tx_alone(&self) -> Result<SqliteTx> {
        Ok(SqliteTx::Write(self.group.begin_alone().await?))
    }

    async fn read_tx(&self) -> Result<SqliteTx> {
        Ok(SqliteTx::Read(self.reader.begin().await?))
    }

    fn commit_counts(&self) -> Option<crate::CommitCounts> {
        let (commits, writes) = self.group.stats();
        Some(crate::CommitCounts { commits, writes })
    }

    /// Single writer: the process-wide queue already serialises graph edits.
    const GRAPH_LOCK: Option<&'static str> = None;
    /// One writer connection: a write transaction is never interleaved with
    /// another, so it needs no row locks.
    const PROJECT_LOCK: Option<&'static str> = None;
    const TASK_LOCK: Option<&'static str> = None;
    /// One process: the feed reads the table itself (see [`Self::feed`]).
    const NOTIFY: Option<&'static str> = None;
    const NOTIFY_EVENTS: Option<&'static str> = None;
    const SKIP_LOCKED: &'static str = "";
    /// One writer: a row read in a write is the writer's already.
    const ROW_LOCK: &'static str = "";
    /// SQLite reads a consumer's deliveries by the key already.
    const QUEUE_PLAN: Option<&'static str> = None;
    /// SQLite plans a prepared statement once already.
    const JOB_PLAN: Option<&'static str> = None;
    /// No statistics (see `Store::refresh_statistics`).
    const STALE_STATISTICS: Option<&'static str> = None;
    const ANALYZES: bool = false;
    /// A statement costs a round trip to the connection's own thread, most
    /// of its time (50 µs against well under 1 µs of SQLite's work, on a
    /// two-core VM); one command may hold several statements.
    const ONE_COMMAND_BATCHES: bool = true;
    /// No statement that changes rows may be a `WITH` clause; one command
    /// holds a write's statements instead ([`Self::ONE_COMMAND_BATCHES`]).
    const WITH_WRITES: bool = false;
    /// Many rows go in as a `VALUES` list, as they were measured.
    const JSON_ROWS: bool = false;
    /// One writer connection: writes queue whatever they change.
    const CONCURRENT_WRITES: bool = false;

    /// The event feed. One process writes this file, and its single writer
    /// commits events in id order, so reading past the last id seen misses
    /// nothing; a fifth of a second between reads keeps a page's update
    /// well within a second for the price of one indexed query.
    fn feed(&self) -> tokio::sync::broadcast::Receiver<crate::events::Event> {
        self.feed
            .get_or_init(|| {
                let (sender, _) = tokio::sync::broadcast::channel(crate::events::FEED_CAPACITY);
                let reader = self.reader.clone();
                let feeding = sender.clone();
                let mut last = self.feed_start;
                tokio::spawn(async move {
                    let mut tick = tokio::time::interval(std::time::Duration::from_millis(200));
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        tick.tick().await;
                        if reader.is_closed() {
                            return;
                        }
                        match queries::events_after(&reader, last, 500).await {
                            Ok(events) => {
                                for event in events {
                                    last = event.id;
                                    let _ = feeding.send(event);
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "reading the event feed"),
                        }
                    }
                });
                sender
            })
            .subscribe()
    }

    async fn task_page_rows(
        &self,
        scope: Scope,
        filter: &TaskFilter,
        search: &Search,
        part: ListPart<'_>,
        limit: usize,
    ) -> Result<PageRows> {
        let mut page = SqlText::default();
        push_task_list(
            &mut page,
            queries::task_select(),
            &backend::TEXT_MATCH,
            scope,
            filter,
            search,
            part,
            limit,
        );
        self.lists
            .read(move |connection| read_page(connection, &page).map_err(driver))
            .await
    }

    /// Planning reads every link of a project; through rusqlite that is a
    /// few milliseconds for thousands, where sqlx took tens.
    async fn link_rows(&self, scope: Scope, project_id: Id) -> Result<Vec<crate::Link>> {
        self.lists
            .read(move |connection| read_links(connection, scope.workspace_id, project_id))
            .await
    }

    /// A whole-plan schedule reads every task of the project; through
    /// rusqlite, decoded row by row.
    async fn plan_task_rows(
        &self,
        access: crate::ProjectAccess,
    ) -> Result<Vec<tandem_domain::planning::PlanTask>> {
        let (workspace_id, project_id) = (access.scope().workspace_id, access.project_id());
        self.lists
            .read(move |connection| read_plan_tasks(connection, workspace_id, project_id))
            .await
    }

    /// Every task's phase, a row per task: through rusqlite, as the plan's
    /// tasks are (sqlx's row channel cost 20,000 rows a hundred ms).
    async fn task_phase_rows(&self, access: crate::ProjectAccess) -> Result<Vec<(Id, Option<Id>)>> {
        let (workspace_id, project_id) = (access.scope().workspace_id, access.project_id());
        self.lists
            .read(move |connection| read_task_phases(connection, workspace_id, project_id))
            .await
    }

    /// A whole schedule is a row per task; through rusqlite 10,000 of them
    /// take a few milliseconds, where sqlx took about a hundred.
    async fn schedule_rows(
        &self,
        access: crate::ProjectAccess,
        after: Id,
        limit: Option<usize>,
    ) -> Result<Option<crate::NamedSchedule>> {
        let (workspace_id, project_id) = (access.scope().workspace_id, access.project_id());
        self.lists
            .read(move |connection| {
                read_schedule(connection, workspace_id, project_id, after, limit)
            })
            .await
    }

    fn pool_stats(&self) -> Vec<crate::PoolStats> {
        vec![
            crate::PoolStats::of("reader", &self.reader),
            crate::PoolStats::of("writer", &self.writer),
        ]
    }

    /// Closes both pools, waiting for their connections to finish.
    async fn close_pools(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// A transaction as the shared queries see it: a read on a reader
/// connection, or a write in the writer's commit group.
pub(crate) enum SqliteTx {
    Read(sqlx::Transaction<'static, sqlx::Sqlite>),
    Write(Member),
}

impl SqliteTx {
    /// What a write begun deferred sends ahead of its first statement
    /// (see `Member::opening`); empty otherwise.
    pub(crate) fn opening(&mut self) -> &'static str {
        match self {
            SqliteTx::Read(_) => "",
            SqliteTx::Write(member) => member.opening(),
        }
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            SqliteTx::Read(transaction) => Ok(transaction.commit().await?),
            SqliteTx::Write(member) => member.commit().await,
        }
    }
}

impl std::ops::Deref for SqliteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        match self {
            SqliteTx::Read(transaction) => transaction,
            SqliteTx::Write(member) => member,
        }
    }
}

impl std::ops::DerefMut for SqliteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            SqliteTx::Read(transaction) => transaction,
            SqliteTx::Write(member) => member,
        }
    }
}

crate::migrate::migrator!(
    sqlx::Sqlite,
    crate::migrate::SQLITE,
    None::<&str>,
    crate::migrate::SQLITE_HAS_CHECKSUM,
    true
);
/// What the shared queries are compiled for here.
mod backend {
    pub(super) type DbStore = super::SqliteStore;
    pub(super) type Db = sqlx::Sqlite;
    pub(super) type Tx = super::SqliteTx;

    /// What opens a deferred write's savepoint (`SqliteTx::opening`).
    pub(super) fn opening(tx: &mut Tx) -> &'static str {
        tx.opening()
    }
    /// One column of many rows as one parameter: a JSON array, which
    /// `json_each` deals out again (SQLite has no array type). Its
    /// statements bind rows one by one instead (`WITH_WRITES` is off).
    pub(super) fn rows_column<T: serde::Serialize>(values: Vec<T>) -> String {
        serde_json::to_string(&values).expect("plain values serialize")
    }
    /// This backend's name for `Store::backend`.
    pub(super) const NAME: &str = "sqlite";
    /// The id the write's last `INSERT INTO events` gave its row: the
    /// newest, since one connection writes at a time. Not
    /// `last_insert_rowid()`, which an event's first delivery changes.
    pub(super) const LAST_EVENT_ID: &str = "(SELECT MAX(id) FROM events)";
    /// The dates each of a batch of series made from its last date on,
    /// with their tasks; the ids follow (an `IN` list). SQLite looks
    /// each series' up in the key (series, date).
    pub(super) const SERIES_DATES_SINCE_LAST: &str = "SELECT o.recurrence_id, o.occurs_on, o.task_id FROM occurrences o \
         JOIN recurrences r ON r.id = o.recurrence_id \
         WHERE o.occurs_on >= r.last_on AND o.recurrence_id";
    /// How this dialect joins a task's tags into one text.
    pub(super) const TAG_AGGREGATE: &str = "group_concat(tt.tag, ' ')";
    /// Rows of (`id`, `version`, `delay`) from one JSON parameter, `$1`
    /// (see PostgreSQL's). Materialized, or SQLite reads the whole JSON
    /// text again for each of the project's tasks (8.5 s instead of 0.8 s
    /// for a workspace's levelling).
    pub(super) const DELAY_ROWS: &str = "(SELECT json_extract(value, '$.id') AS id, \
        json_extract(value, '$.version') AS version, json_extract(value, '$.delay') AS delay \
        FROM json_each($1))";
    /// What comes after a task's start ($3 = 1) or its finish ($3 = 0) in
    /// the plan's order (`tandem_domain::graph::Point`), $2 the task, $1
    /// the workspace: SQLite takes one recursive SELECT per way on.
    pub(super) const ORDER_REACH: &str = "WITH RECURSIVE reach(id, entered) AS ( \
            SELECT CAST($2 AS BIGINT), CAST($3 AS INTEGER) \
            UNION SELECT d.successor_id, 1 FROM dependencies d JOIN reach r ON d.predecessor_id = r.id \
                WHERE d.workspace_id = $1 \
            UNION SELECT t.id, 1 FROM tasks t JOIN reach r ON t.parent_id = r.id WHERE r.entered = 1 \
            UNION SELECT t.parent_id, 0 FROM tasks t JOIN reach r ON t.id = r.id \
                WHERE t.parent_id IS NOT NULL)";
    /// A search reads the FTS5 index `tasks_fts` (migration 11), which
    /// gives its matches in rowid (task id) order. A quoted word followed
    /// by `*` is a prefix of a word to FTS5, even one that spells an
    /// operator (`OR`, `NOT`, `NEAR`).
    pub(super) const TEXT_MATCH: crate::sql::TextMatch = crate::sql::TextMatch {
        source: Some(("tasks_fts", "tasks_fts.rowid")),
        condition: (" AND tasks_fts MATCH ", ""),
        term: ("\"", "\"*"),
        exact: ("\"", "\""),
        and: " AND ",
        // The page reads the index itself, in id order: no probe.
        probe: None,
    };
    /// Ranking by FTS5's BM25, the title weighing four times the text,
    /// scored in the window where the match is at hand.
    pub(super) const RANK_TASKS: crate::sql::Ranked = crate::sql::Ranked {
        from: "tasks_fts JOIN tasks t ON t.id = tasks_fts.rowid",
        condition: (" AND tasks_fts MATCH ", ""),
        newest: "tasks_fts.rowid",
        window: "-bm25(tasks_fts, 4.0, 1.0)",
        score: ("w.rank_input", None),
    };
    /// FTS5 reads a word's matches newest first itself: no index of words.
    pub(super) const WORD_FORMS: Option<&str> = None;
    pub(super) const WORD_PLAN: Option<&str> = None;
    pub(super) const RANK_ENTRIES: crate::sql::Ranked = crate::sql::Ranked {
        from: "search_fts JOIN search_entries e ON e.id = search_fts.rowid",
        condition: (" AND search_fts MATCH ", ""),
        newest: "search_fts.rowid",
        window: "-bm25(search_fts, 4.0, 1.0)",
        score: ("w.rank_input", None),
    };
}

// The same file is this backend's module and the other's, on purpose: one
// text of the queries, compiled over each backend's concrete types.
#[allow(clippy::duplicate_mod)]
#[path = "queries/mod.rs"]
mod queries;
