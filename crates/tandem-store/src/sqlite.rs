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

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use tandem_domain::{Id, UserRef};

use crate::group_commit::{GroupCommit, Member};
use crate::sql::{
    ListPart, Search, SqlParam, SqlText, TaskRow, push_collaborators, push_task_list,
};
use crate::{Result, Scope, StoreError, TaskFilter};

pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    group: GroupCommit,
    lists: ListReaders,
    feed: std::sync::OnceLock<tokio::sync::broadcast::Sender<crate::events::Event>>,
    /// The newest event when the store opened: the feed tells what
    /// comes after.
    feed_start: i64,
}

/// Read-only connections of SQLite's own driver (rusqlite) for the task
/// list, the hottest read. sqlx copies every column value of every row
/// into its own allocation before handing it over; on a page of 100 tasks
/// that was most of the request (see docs/benchmarks.md). rusqlite reads
/// the columns in place on a blocking thread. Everything else goes through
/// sqlx like the PostgreSQL backend.
#[derive(Clone)]
struct ListReaders {
    path: PathBuf,
    idle: Arc<Mutex<Vec<rusqlite::Connection>>>,
}

const IDLE_LIST_READERS: usize = 8;

impl ListReaders {
    fn connection(&self) -> Result<rusqlite::Connection> {
        if let Some(connection) = self.idle.lock().map_err(|_| poisoned())?.pop() {
            return Ok(connection);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection =
            rusqlite::Connection::open_with_flags(&self.path, flags).map_err(driver)?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(driver)?;
        Ok(connection)
    }

    fn give_back(&self, connection: rusqlite::Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_LIST_READERS
        {
            idle.push(connection);
        }
    }

    /// Runs `read` on an idle connection, on a blocking thread: rusqlite
    /// waits on the file, which must not hold up the executor.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let lists = self.clone();
        tokio::task::spawn_blocking(move || {
            let connection = lists.connection()?;
            let result = read(&connection);
            lists.give_back(connection);
            result
        })
        .await
        .map_err(|e| StoreError::Config(format!("the list reader stopped: {e}")))?
    }
}

fn poisoned() -> StoreError {
    StoreError::Config("a list reader lock was poisoned".into())
}

fn driver(e: rusqlite::Error) -> StoreError {
    crate::sql::decode_error(format!("SQLite: {e}"))
}

fn params(sql: &SqlText) -> Vec<rusqlite::types::Value> {
    sql.params
        .iter()
        .map(|p| match p {
            SqlParam::Int(v) => rusqlite::types::Value::Integer(*v),
            SqlParam::Text(v) => rusqlite::types::Value::Text(v.clone()),
        })
        .collect()
}

/// sqlx stores dates as ISO text and times as RFC 3339.
fn date(text: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn time(text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
    })
    .transpose()
}

fn task_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: row.get(0)?,
        project_id: row.get(1)?,
        project_key: row.get(2)?,
        number: row.get(3)?,
        title: row.get(4)?,
        description: row.get(5)?,
        owner_id: row.get(6)?,
        owner_email: row.get(7)?,
        owner_name: row.get(8)?,
        status: row.get(9)?,
        priority: row.get(10)?,
        start_date: date(row.get(11)?)?,
        due_date: date(row.get(12)?)?,
        estimate_days: row.get(13)?,
        effort_hours: row.get(14)?,
        optimistic_days: row.get(15)?,
        likely_days: row.get(16)?,
        pessimistic_days: row.get(17)?,
        percent_complete: row.get(18)?,
        parent_id: row.get(19)?,
        parent_number: row.get(20)?,
        parent_title: row.get(21)?,
        phase_id: row.get(22)?,
        milestone_id: row.get(23)?,
        blocked_reason: row.get(24)?,
        created_by: row.get(25)?,
        creator_email: row.get(26)?,
        creator_name: row.get(27)?,
        version: row.get(28)?,
        created_at: time(row.get(29)?)?.unwrap_or_default(),
        updated_at: time(row.get(30)?)?.unwrap_or_default(),
        completed_at: time(row.get(31)?)?,
        tags: row.get(32)?,
        constraint_type: row.get(33)?,
        constraint_date: row.get(34)?,
        actual_start: row.get(35)?,
        actual_finish: row.get(36)?,
    })
}

type PageRows = (Vec<TaskRow>, Vec<(Id, UserRef)>);

fn read_links(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
) -> Result<Vec<crate::Link>> {
    let mut statement = connection
        .prepare_cached(crate::sql::LINK_SELECT)
        .map_err(driver)?;
    let rows = statement
        .query_map(rusqlite::params![workspace_id, project_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, f64>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, i64>(6)?,
            ))
        })
        .map_err(driver)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(driver)?;
    rows.into_iter()
        .map(
            |(id, predecessor_id, successor_id, kind, lag_days, lag_format, version)| {
                Ok(crate::Link {
                    id,
                    predecessor_id,
                    successor_id,
                    kind: crate::sql::vocab(&kind)?,
                    lag_days,
                    lag_format: crate::sql::vocab(&lag_format)?,
                    version,
                })
            },
        )
        .collect()
}

/// What the plan reads of each task of a project, row by row into the
/// answer: no row is held beyond its own task.
fn read_plan_tasks(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
) -> Result<Vec<tandem_domain::planning::PlanTask>> {
    let mut statement = connection
        .prepare_cached(crate::sql::PLAN_TASK_SELECT)
        .map_err(driver)?;
    let mut rows = statement
        .query(rusqlite::params![workspace_id, project_id])
        .map_err(driver)?;
    let mut tasks = Vec::new();
    while let Some(row) = rows.next().map_err(driver)? {
        let columns = crate::sql::PlanTaskRow {
            id: row.get(0).map_err(driver)?,
            number: row.get(1).map_err(driver)?,
            status: row.get(2).map_err(driver)?,
            parent_id: row.get(3).map_err(driver)?,
            owner_id: row.get(4).map_err(driver)?,
            start_date: date(row.get(5).map_err(driver)?).map_err(driver)?,
            due_date: date(row.get(6).map_err(driver)?).map_err(driver)?,
            estimate_days: row.get(7).map_err(driver)?,
            effort_hours: row.get(8).map_err(driver)?,
            optimistic_days: row.get(9).map_err(driver)?,
            likely_days: row.get(10).map_err(driver)?,
            pessimistic_days: row.get(11).map_err(driver)?,
            percent_complete: row.get(12).map_err(driver)?,
            constraint_type: row.get(13).map_err(driver)?,
            constraint_date: row.get(14).map_err(driver)?,
            actual_start: row.get(15).map_err(driver)?,
            actual_finish: row.get(16).map_err(driver)?,
        };
        let key = row
            .get_ref(17)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(driver)?;
        tasks.push(columns.into_plan_task(key)?);
    }
    tasks.shrink_to_fit();
    Ok(tasks)
}

/// The stored schedule's header and rows, read in one transaction so they
/// agree, and the names of the rows' tasks.
fn read_schedule(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
    after: Id,
    limit: Option<usize>,
) -> Result<Option<crate::NamedSchedule>> {
    use crate::sql::{
        SCHEDULE_HEAD_SELECT, ScheduleHeadColumns, TASK_SCHEDULE_SELECT, minute, row_limit,
        row_task_name,
    };
    let transaction = connection.unchecked_transaction().map_err(driver)?;
    let head = transaction
        .prepare_cached(SCHEDULE_HEAD_SELECT)
        .map_err(driver)?
        .query_row(rusqlite::params![project_id, workspace_id], |row| {
            Ok((
                ScheduleHeadColumns {
                    fingerprint: row.get(0)?,
                    computed_at: time(row.get(1)?)?.unwrap_or_default(),
                    start: row.get(2)?,
                    finish: row.get(3)?,
                    critical_path: row.get(4)?,
                    warnings: row.get(5)?,
                    plan_start: row.get(6)?,
                    late_from: row.get(7)?,
                },
                row.get::<_, String>(8)?,
            ))
        });
    let (head, key) = match head {
        Ok(head) => head,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
        Err(e) => return Err(driver(e)),
    };
    let mut schedule = head.parse()?;
    let mut names = Vec::new();
    let mut statement = transaction
        .prepare_cached(TASK_SCHEDULE_SELECT)
        .map_err(driver)?;
    let mut rows = statement
        .query(rusqlite::params![project_id, after, row_limit(limit)])
        .map_err(driver)?;
    while let Some(row) = rows.next().map_err(driver)? {
        let at = |column: usize| -> Result<chrono::NaiveDateTime> {
            minute(
                row.get_ref(column)
                    .and_then(|v| Ok(v.as_str()?))
                    .map_err(driver)?,
            )
        };
        let task_id: Id = row.get(0).map_err(driver)?;
        schedule.tasks.push(tandem_domain::TaskSchedule {
            task_id,
            early_start: at(1)?,
            early_finish: at(2)?,
            late_start: at(3)?,
            late_finish: at(4)?,
            total_slack: row.get(5).map_err(driver)?,
            free_slack: row.get(6).map_err(driver)?,
            critical: row.get(7).map_err(driver)?,
            summary: row.get(8).map_err(driver)?,
            milestone: row.get(9).map_err(driver)?,
            loose_digest: row.get(10).map_err(driver)?,
        });
        names.extend(row_task_name(
            &key,
            task_id,
            row.get(11).map_err(driver)?,
            row.get(12).map_err(driver)?,
            row.get(13).map_err(driver)?,
        ));
    }
    Ok(Some(crate::NamedSchedule { schedule, names }))
}

fn read_page(connection: &rusqlite::Connection, page: &SqlText) -> rusqlite::Result<PageRows> {
    let mut statement = connection.prepare_cached(&page.text)?;
    let rows = statement
        .query_map(rusqlite::params_from_iter(params(page)), task_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok((rows, Vec::new()));
    }
    let mut people = SqlText::default();
    push_collaborators(&mut people, rows.iter().map(|r| r.id));
    let mut statement = connection.prepare_cached(&people.text)?;
    let collaborators = statement
        .query_map(rusqlite::params_from_iter(params(&people)), |row| {
            Ok((
                row.get(0)?,
                UserRef {
                    id: row.get(1)?,
                    email: row.get(2)?,
                    name: row.get(3)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, collaborators))
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
        })
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
    const SKIP_LOCKED: &'static str = "";
    /// No statistics (see `Store::refresh_statistics`).
    const STALE_STATISTICS: Option<&'static str> = None;
    const ANALYZES: bool = false;
    /// A statement costs a round trip to the connection's own thread, most
    /// of its time (50 µs against well under 1 µs of SQLite's work, on a
    /// two-core VM); one command may hold several statements.
    const ONE_COMMAND_BATCHES: bool = true;

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
        part: ListPart,
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
    pub async fn close(&self) {
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
    pub(crate) fn opening(&mut self) -> String {
        match self {
            SqliteTx::Read(_) => String::new(),
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
    crate::migrate::SQLITE_HAS_CHECKSUM
);
/// What the shared queries are compiled for here.
mod backend {
    pub(super) type DbStore = super::SqliteStore;
    pub(super) type Db = sqlx::Sqlite;
    pub(super) type Tx = super::SqliteTx;

    /// What opens a deferred write's savepoint (`SqliteTx::opening`).
    pub(super) fn opening(tx: &mut Tx) -> String {
        tx.opening()
    }
    /// This backend's name for `Store::backend`.
    pub(super) const NAME: &str = "sqlite";
    /// The id the write's last `INSERT INTO events` gave its row.
    pub(super) const LAST_EVENT_ID: &str = "last_insert_rowid()";
    /// How this dialect joins a task's tags into one text.
    pub(super) const TAG_AGGREGATE: &str = "group_concat(tt.tag, ' ')";
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
        and: " AND ",
        // The page reads the index itself, in id order: no probe.
        probe: None,
    };
}

// The same file is this backend's module and the other's, on purpose: one
// text of the queries, compiled over each backend's concrete types.
#[allow(clippy::duplicate_mod)]
#[path = "queries/mod.rs"]
mod queries;
