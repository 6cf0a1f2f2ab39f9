//! The PostgreSQL backend, for teams that run several Tandem nodes against
//! one database.
//!
//! Graph edits (dependencies) take a transaction-scoped advisory lock per
//! workspace, so two nodes cannot each add half of a cycle.
//!
//! The URL's `sslmode` decides TLS (rustls on ring): `prefer` (the
//! default) encrypts when the server offers it, `require` refuses a server
//! that does not, `verify-ca` and `verify-full` also check its certificate
//! against `sslrootcert` or the system's roots.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::Result;

pub struct PgStore {
    pool: PgPool,
    feed: std::sync::OnceLock<tokio::sync::broadcast::Sender<crate::events::Event>>,
    /// The newest event when the store opened: the feed starts after it,
    /// as SQLite's does, however late its listening connection is up.
    feed_start: i64,
    /// Where attachments' bytes go when not in the database.
    pub(crate) blobs: Option<std::sync::Arc<dyn crate::blobs::BlobStore>>,
}

/// `NOTIFY` of each event row of the `FROM` that follows.
macro_rules! notify_select {
    () => {
        "SELECT pg_notify('tandem_events', json_build_object('id', id, 'workspace_id', workspace_id, \
         'project_id', project_id, 'kind', kind, 'action', action, 'key', object_key, \
         'actor_id', actor_id, 'at', at, 'rule_id', rule_id, 'depth', depth)::text)"
    };
}

impl PgStore {
    pub async fn open(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| crate::StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        run_migrations(&pool).await?;
        let feed_start: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
            .fetch_one(&pool)
            .await?;
        Ok(Self {
            pool,
            feed: std::sync::OnceLock::new(),
            feed_start: feed_start.unwrap_or(0),
            blobs: None,
        })
    }

    fn blobs(&self) -> Option<&dyn crate::blobs::BlobStore> {
        self.blobs.as_deref()
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// The server flushes concurrent commits' WAL together itself, so a
    /// write is a transaction of its own.
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// The same as [`Self::write_tx`]: a transaction opens with `BEGIN`.
    async fn write_tx_deferred(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.write_tx().await
    }

    /// The same as [`Self::write_tx`]: commits are not grouped here.
    async fn write_tx_alone(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.write_tx().await
    }

    async fn read_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    fn commit_counts(&self) -> Option<crate::CommitCounts> {
        None
    }

    const GRAPH_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(7231, $1::int4)");

    /// Every write to a project's objects takes its project's row first, so
    /// writers of one project (requests, the rescheduler, other nodes)
    /// queue in one order instead of deadlocking, and read what they change
    /// only once the one before them committed. `NO KEY UPDATE` still lets
    /// new rows reference the project.
    const PROJECT_LOCK: Option<&'static str> =
        Some("SELECT id FROM projects WHERE id = $1 FOR NO KEY UPDATE");
    /// A personal task has no project: its own row is the lock.
    const TASK_LOCK: Option<&'static str> =
        Some("SELECT id FROM tasks WHERE id = $1 FOR NO KEY UPDATE");

    /// Events reach every node as `NOTIFY` on this channel, sent in the
    /// write's transaction: PostgreSQL delivers it only if that commits.
    /// The payload is the event as the feed reads it (`Event`'s fields),
    /// small (keys and numbers only), far below the 8,000-byte limit.
    /// This is the word of several events, their ids after `WHERE id IN`.
    const NOTIFY_EVENTS: Option<&'static str> = Some(concat!(notify_select!(), " FROM events"));
    /// The word of the one event the statement that emits it inserted,
    /// its row returned as `e` (`emit`): nothing is read back from the
    /// table (found by `currval(…)`, the row was a scan of every event).
    const NOTIFY: Option<&'static str> = Some(concat!(notify_select!(), " FROM e"));
    /// Of several nodes claiming deliveries at once, each takes rows the
    /// others do not hold instead of queueing behind them.
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    /// A row read to be changed by this write, held until it ends.
    const ROW_LOCK: &'static str = " FOR UPDATE";
    /// The outbox's reads, for their own transaction: by the key
    /// (consumer, event id), never the whole table. The outbox is a queue:
    /// a burst (an import's 918,000 notifications) leaves it and its key
    /// thousands of pages long for a few hundred rows, and the planner,
    /// pricing the key by its length, read the table whole at every claim
    /// (57 ms for 200 rows at a million tasks, 1.2 ms by the key) and at
    /// every report of the backlog (33 ms, 0.1).
    const QUEUE_PLAN: Option<&'static str> =
        Some("SELECT set_config('enable_seqscan', 'off', TRUE)");
    /// The recurring job's batches, for their own transaction: each
    /// statement planned once for all its runs. A connection plans a
    /// statement anew with its values for each of its first five runs,
    /// and a day of 10,000 occurrences runs each about seven times on each
    /// of three connections: planning was a fourteenth of the server's
    /// time. Planned with the values in hand, the checks of references
    /// (migration 56) also read every series for each batch, where the
    /// generic plan looks up each by its key.
    const JOB_PLAN: Option<&'static str> =
        Some("SELECT set_config('plan_cache_mode', 'force_generic_plan', TRUE)");
    /// Tables changed by at least `$2` of their rows (or `$1` rows) since
    /// their last analysis (`crate::Staleness`), and whether each is also
    /// owed a vacuum where `$3` asks for them, by autovacuum's own default
    /// rules (dead rows over 50 + a fifth, rows inserted since the last
    /// vacuum over 1,000 + a fifth). The counters are the server's own,
    /// kept whether or not autovacuum runs.
    const STALE_STATISTICS: Option<&'static str> = Some(
        "SELECT relname::text, vacuum FROM ( \
           SELECT relname, n_mod_since_analyze > GREATEST(CAST($1 AS BIGINT), n_live_tup * CAST($2 AS DOUBLE PRECISION)) AS outdated, \
                  CAST($3 AS BOOLEAN) AND (n_dead_tup > 50 + 0.2 * n_live_tup \
                    OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup) AS vacuum \
           FROM pg_stat_user_tables WHERE schemaname = current_schema()) t \
         WHERE outdated OR vacuum ORDER BY relname",
    );
    /// A bulk write (an import, a large batch of edits, a big schedule's
    /// save) analyses what it changed right after it: on a fresh database
    /// without statistics a project-filtered page took 175 ms instead of
    /// 4.5 ms, and a 10,000-task schedule read its rows through a nested
    /// loop and a sort (planned for 12 rows) in 30 ms instead of 10.
    const ANALYZES: bool = true;
    /// The extended protocol takes one statement per message.
    const ONE_COMMAND_BATCHES: bool = false;
    /// Statements that change rows join as the `WITH` clauses of one: an
    /// event, its plan version, deliveries and `NOTIFY` are one statement,
    /// one round trip instead of up to seven. Trips, not the server's work,
    /// were most of a short write's time once the two cores were busy.
    const WITH_WRITES: bool = true;
    /// Many rows go in as parameters that hold them all (one JSON text,
    /// or an array a column, `rows_column`): a `VALUES` list of thousands
    /// of parameters is taken apart and planned anew at each execution.
    const JSON_ROWS: bool = true;
    /// Writes to different projects take different rows and run side by
    /// side on the server's cores.
    const CONCURRENT_WRITES: bool = true;

    /// The event feed: one listening connection per node, started by the
    /// first subscriber; once it listens it reads what was written since
    /// the store opened, so a write made before the connection was up is
    /// heard too. A lost connection is re-opened; what was said meanwhile
    /// is lost, so the feed says [`Event::resync`] instead.
    ///
    /// [`Event::resync`]: crate::events::Event::resync
    fn feed(&self) -> tokio::sync::broadcast::Receiver<crate::events::Event> {
        self.feed
            .get_or_init(|| {
                let (sender, _) = tokio::sync::broadcast::channel(crate::events::FEED_CAPACITY);
                let pool = self.pool.clone();
                let feeding = sender.clone();
                let feed_start = self.feed_start;
                tokio::spawn(async move {
                    let mut connected = false;
                    // Events read from the table when the feed first
                    // listens; their notifications may still come.
                    let mut caught = std::collections::HashSet::new();
                    loop {
                        if pool.is_closed() {
                            return;
                        }
                        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                            Ok(listener) => listener,
                            Err(e) => {
                                tracing::warn!(error = %e, "connecting the event feed");
                                tokio::time::sleep(Duration::from_secs(1)).await;
                                continue;
                            }
                        };
                        if let Err(e) = listener.listen("tandem_events").await {
                            tracing::warn!(error = %e, "listening for events");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            continue;
                        }
                        if connected {
                            let _ = feeding.send(crate::events::Event::resync());
                        } else {
                            // What was written between the store's opening
                            // and this LISTEN was notified to nobody here:
                            // read it, as SQLite's feed reads everything.
                            let mut after = feed_start;
                            loop {
                                match queries::events_after(&pool, after, 500).await {
                                    Ok(events) => {
                                        let done = events.len() < 500;
                                        for event in events {
                                            after = event.id;
                                            caught.insert(event.id);
                                            let _ = feeding.send(event);
                                        }
                                        if done {
                                            break;
                                        }
                                    }
                                    Err(e) => {
                                        tracing::warn!(error = %e, "reading the event feed");
                                        break;
                                    }
                                }
                            }
                        }
                        connected = true;
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(notification)) => {
                                    match serde_json::from_str::<crate::events::Event>(notification.payload()) {
                                        Ok(event) if caught.remove(&event.id) => {}
                                        Ok(event) => {
                                            let _ = feeding.send(event);
                                        }
                                        Err(e) => tracing::warn!(error = %e, "an event the feed cannot read"),
                                    }
                                }
                                // The connection dropped; it reconnects on
                                // the next receive, having missed whatever
                                // was said meanwhile.
                                Ok(None) => {
                                    let _ = feeding.send(crate::events::Event::resync());
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "the event feed's connection failed");
                                    break;
                                }
                            }
                        }
                    }
                });
                sender
            })
            .subscribe()
    }

    fn pool_stats(&self) -> Vec<crate::PoolStats> {
        vec![crate::PoolStats::of("main", &self.pool)]
    }

    async fn close_pools(&self) {
        self.pool.close().await;
    }

    async fn task_page_rows(
        &self,
        scope: crate::Scope,
        filter: &crate::TaskFilter,
        search: &crate::sql::Search,
        part: crate::sql::ListPart<'_>,
        limit: usize,
    ) -> Result<(
        Vec<crate::sql::TaskRow>,
        Vec<(tandem_domain::Id, tandem_domain::UserRef)>,
    )> {
        queries::sqlx_task_page_rows(&self.pool, scope, filter, search, part, limit).await
    }

    async fn link_rows(
        &self,
        scope: crate::Scope,
        project_id: tandem_domain::Id,
    ) -> Result<Vec<crate::Link>> {
        type Row = (
            tandem_domain::Id,
            Option<tandem_domain::Id>,
            Option<tandem_domain::Id>,
            Option<String>,
            Option<f64>,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(LINK_SELECT)
            .bind(scope.workspace_id)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?;
        let tasks: std::collections::HashSet<tandem_domain::Id> =
            rows.iter().map(|row| row.0).collect();
        let mut links: Vec<queries::LinkRow> = rows
            .into_iter()
            .filter_map(|(from, id, to, kind, lag, format, version)| {
                Some((id?, from, to?, kind?, lag?, format?, version?))
            })
            .filter(|link| tasks.contains(&link.2))
            .collect();
        links.sort_unstable_by_key(|link| link.0);
        queries::links_from(links)
    }

    async fn plan_task_rows(
        &self,
        access: crate::ProjectAccess,
    ) -> Result<Vec<tandem_domain::planning::PlanTask>> {
        queries::sqlx_plan_task_rows(&self.pool, access).await
    }

    async fn task_phase_rows(
        &self,
        access: crate::ProjectAccess,
    ) -> Result<Vec<(tandem_domain::Id, Option<tandem_domain::Id>)>> {
        Ok(sqlx::query_as(crate::sql::TASK_PHASE_SELECT)
            .bind(access.scope().workspace_id)
            .bind(access.project_id())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn schedule_rows(
        &self,
        access: crate::ProjectAccess,
        after: tandem_domain::Id,
        limit: Option<usize>,
    ) -> Result<Option<crate::NamedSchedule>> {
        queries::sqlx_schedule_rows(self, access, after, limit).await
    }
}

/// `crate::sql::LINK_SELECT` as PostgreSQL runs it: each of the project's
/// tasks (`$2`), with the links from it by the unique index (a task without
/// any: one row of nulls), a lateral read that `OFFSET 0` keeps apart
/// (flattened, the planner read every link of the workspace and hashed: 14
/// ms for a 500-task project among 100, against 3). Which successors are in
/// the project is checked in `link_rows`, against the rows' first column:
/// probing each successor's task row as well took 2.1 ms for a 500-task
/// project, this 0.9.
const LINK_SELECT: &str = "SELECT a.id, d.id, d.successor_id, d.kind, d.lag_days, d.lag_format, \
    d.version FROM tasks a LEFT JOIN LATERAL \
    (SELECT * FROM dependencies l WHERE l.predecessor_id = a.id OFFSET 0) d ON TRUE \
    WHERE a.workspace_id = $1 AND a.project_id = $2";

crate::migrate::migrator!(
    sqlx::Postgres,
    crate::migrate::POSTGRES,
    Some("SELECT pg_advisory_xact_lock(7230)"),
    crate::migrate::POSTGRES_HAS_CHECKSUM,
    false
);
/// What the shared queries are compiled for here.
mod backend {
    pub(super) type DbStore = super::PgStore;
    pub(super) type Db = sqlx::Postgres;
    pub(super) type Tx = sqlx::Transaction<'static, sqlx::Postgres>;

    /// Nothing: a write's transaction is open before its first statement.
    pub(super) fn opening(_: &mut Tx) -> &'static str {
        ""
    }
    /// One column of many rows, as one array parameter: `unnest` deals
    /// the rows out again. Sent in binary, read without a parse, where
    /// JSON rows cost the server a parse of their text (about 80 MB/s):
    /// 500 created tasks' history rows took json_to_recordset 9 ms.
    pub(super) fn rows_column<T>(values: Vec<T>) -> Vec<T> {
        values
    }
    /// This backend's name for `Store::backend`.
    pub(super) const NAME: &str = "postgres";
    /// The id the write's last `INSERT INTO events` gave its row.
    pub(super) const LAST_EVENT_ID: &str = "currval(pg_get_serial_sequence('events', 'id'))";
    /// The dates each of a batch of series made from its last date on,
    /// with their tasks; the ids follow (`= ANY` of an array). Each series'
    /// dates found in the key (series, date), the subquery kept whole
    /// (`OFFSET 0`): flattened, the planner hashed the whole table of
    /// dates instead (8 ms at seven dates a series for 10,000 series,
    /// and growing with every date made, against 3 ms that does not).
    pub(super) const SERIES_DATES_SINCE_LAST: &str = "SELECT r.id, o.occurs_on, o.task_id \
        FROM recurrences r CROSS JOIN LATERAL (SELECT o.occurs_on, o.task_id FROM occurrences o \
            WHERE o.recurrence_id = r.id AND o.occurs_on >= r.last_on OFFSET 0) o \
        WHERE r.id";
    /// How this dialect joins a task's tags into one text.
    pub(super) const TAG_AGGREGATE: &str = "string_agg(tt.tag, ' ')";
    /// Rows of (`id`, `version`, `delay`) from one JSON parameter, `$1`:
    /// a levelling's delays in one statement of three parameters, which
    /// PostgreSQL plans once, where a `VALUES` list of 300 rows was taken
    /// apart and planned anew for each chunk (a third of the write's time).
    pub(super) const DELAY_ROWS: &str = "(SELECT * FROM json_to_recordset(CAST($1 AS JSON)) \
        AS r(id BIGINT, version BIGINT, delay BIGINT))";
    /// What comes after a task's start ($3 = 1) or its finish ($3 = 0) in
    /// the plan's order (`tandem_domain::graph::Point`), $2 the task, $1
    /// the workspace: PostgreSQL takes the recursive reference once, so
    /// the ways on are one lateral union.
    pub(super) const ORDER_REACH: &str = "WITH RECURSIVE reach(id, entered) AS ( \
            SELECT CAST($2 AS BIGINT), CAST($3 AS INTEGER) \
            UNION SELECT x.id, x.entered FROM reach r CROSS JOIN LATERAL ( \
                SELECT d.successor_id AS id, 1 AS entered FROM dependencies d \
                    WHERE d.predecessor_id = r.id AND d.workspace_id = $1 \
                UNION ALL SELECT t.id, 1 FROM tasks t WHERE t.parent_id = r.id AND r.entered = 1 \
                UNION ALL SELECT t.parent_id, 0 FROM tasks t \
                    WHERE t.id = r.id AND t.parent_id IS NOT NULL) x)";
    /// A search is a condition on the generated `search` column, found
    /// through its GIN index (migration 11); `word:*` is a prefix.
    pub(super) const TEXT_MATCH: crate::sql::TextMatch = crate::sql::TextMatch {
        source: None,
        condition: (" AND t.search @@ to_tsquery('simple', ", ")"),
        term: ("", ":*"),
        exact: ("", ""),
        and: " & ",
        // PostgreSQL estimates a prefix search at a fixed share of the
        // rows, rare or not, and reads a page of one by walking the tasks
        // in id order: every task, when nothing matches. The probe is
        // planned on its own (a materialized CTE), where that estimate
        // chooses the index, and stops at its limit.
        probe: Some(
            "WITH m AS MATERIALIZED (SELECT id FROM tasks \
             WHERE workspace_id = $1 AND search @@ to_tsquery('simple', $2)) \
             SELECT id FROM m LIMIT $3",
        ),
    };
    /// Ranking by `ts_rank` over the weighted words (title A, text B,
    /// migration 35), divided by the log of the text's length so a long
    /// text does not win by length alone.
    /// Scored outside the window, so only the window's rows are.
    pub(super) const RANK_TASKS: crate::sql::Ranked = crate::sql::Ranked {
        from: "tasks t",
        condition: (" AND t.search @@ to_tsquery('simple', ", ")"),
        newest: "t.id",
        window: "t.search",
        score: (
            "CAST(ts_rank(w.rank_input, to_tsquery('simple', ",
            Some("), 1) AS DOUBLE PRECISION)"),
        ),
    };
    /// The index of words (migration 52): each word's matches newest
    /// first, read in order and left once a window is full, where the GIN
    /// index hands over every match of a word before any. The words that
    /// begin with `$2` in workspace `$1`, at most `$3`: one step down the
    /// index from each word to the next.
    pub(super) const WORD_FORMS: Option<&str> = Some(
        "WITH RECURSIVE f(word) AS ( \
            (SELECT word FROM search_words WHERE workspace_id = $1 AND word >= $2 ORDER BY word LIMIT 1) \
            UNION ALL \
            SELECT (SELECT s.word FROM search_words s WHERE s.workspace_id = $1 AND s.word > f.word \
                    ORDER BY s.word LIMIT 1) \
            FROM f WHERE starts_with(f.word, $2)) \
         SELECT word FROM f WHERE starts_with(word, $2) LIMIT $3",
    );
    /// How a search over the index of words is planned, for its own
    /// transaction: its lists are merged in order, never hashed (a hash
    /// reads a common word's list whole, and loses the order a window
    /// stops on), and never split among workers (their start cost more
    /// than the search on two cores). A lookup in a list costs what its
    /// pages in memory cost, not a disk's seek: at the default (4) two
    /// common words that seldom meet were merged, reading 150,000 entries
    /// of the commoner one (100 ms), where looking up each of the other's
    /// 2,000 took 26 ms.
    pub(super) const WORD_PLAN: Option<&str> = Some(
        "SELECT set_config('enable_hashjoin', 'off', TRUE), \
         set_config('max_parallel_workers_per_gather', '0', TRUE), \
         set_config('random_page_cost', '1.1', TRUE)",
    );
    pub(super) const RANK_ENTRIES: crate::sql::Ranked = crate::sql::Ranked {
        from: "search_entries e",
        condition: (" AND e.search @@ to_tsquery('simple', ", ")"),
        newest: "e.id",
        window: "e.search",
        score: (
            "CAST(ts_rank(w.rank_input, to_tsquery('simple', ",
            Some("), 1) AS DOUBLE PRECISION)"),
        ),
    };
}

// The same file is this backend's module and the other's, on purpose: one
// text of the queries, compiled over each backend's concrete types.
#[allow(clippy::duplicate_mod)]
#[path = "queries/mod.rs"]
mod queries;

#[cfg(test)]
mod tests {
    use super::PgStore;
    use crate::Store as _;
    use crate::testing::{fresh_postgres_database, postgres_url};

    /// An event's statement (its plan version, row, deliveries and the
    /// word to other nodes) reads nothing by a scan: the word was once a
    /// scan of every event on every write, found by `currval(…)`.
    #[tokio::test]
    async fn the_event_to_notify_is_found_by_its_key() {
        let Some(admin) = postgres_url() else {
            eprintln!("TANDEM_TEST_POSTGRES_URL is not set: skipped");
            return;
        };
        let url = fresh_postgres_database(&admin).await.unwrap();
        let store = PgStore::open(&url).await.unwrap();
        let mut tx = store.pool.begin().await.unwrap();
        // Scans cost so much here that the plan shows one only if no
        // index can serve the statement.
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await
            .unwrap();
        // The statement that moves its project's plan version on, the
        // most it does; planned (not run) for one set of parameters.
        let statement = &super::queries::EVENT_WITH[2];
        sqlx::query(&format!("PREPARE emitted AS {statement}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        let plan: Vec<String> = sqlx::query_scalar(
            "EXPLAIN EXECUTE emitted(1, 1, 'task', 'updated', 'K-1', 1, now(), 1, 'status', \
             NULL, 0, 'rescheduler')",
        )
        .fetch_all(&mut *tx)
        .await
        .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("Index"), "{plan}");
        assert!(!plan.contains("Seq Scan"), "{plan}");
        tx.rollback().await.unwrap();
        store.close().await;
    }

    /// `sslmode=require` in the URL: the store's own connections are
    /// encrypted, or it does not open.
    #[tokio::test]
    async fn sslmode_require_encrypts_the_connections() {
        let Some(admin) = postgres_url() else {
            eprintln!("TANDEM_TEST_POSTGRES_URL is not set: skipped");
            return;
        };
        let url = fresh_postgres_database(&admin).await.unwrap();
        let plain = PgStore::open(&format!("{url}?sslmode=disable"))
            .await
            .unwrap();
        let offered: String = sqlx::query_scalar("SHOW ssl")
            .fetch_one(&plain.pool)
            .await
            .unwrap();
        let encrypted: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(&plain.pool)
                .await
                .unwrap();
        assert!(!encrypted, "sslmode=disable still encrypted");
        plain.close().await;
        let required = PgStore::open(&format!("{url}?sslmode=require")).await;
        if offered != "on" {
            assert!(
                required.is_err(),
                "opened without TLS on a server without it"
            );
            eprintln!("the PostgreSQL server has ssl = off: only the refusal was checked");
            return;
        }
        let store = required.unwrap();
        let encrypted: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(&store.pool)
                .await
                .unwrap();
        assert!(encrypted, "sslmode=require gave an unencrypted connection");
        store.close().await;
    }
}
