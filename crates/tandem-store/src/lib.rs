//! Tandem's storage: the [`Store`] trait the server speaks to, and its two
//! implementations, [`SqliteStore`] (the embedded default) and [`PgStore`]
//! (PostgreSQL, for several nodes), chosen by URL in [`open`].
//!
//! [`Store`] is the sum of one trait per feature, each in its own module
//! with the types it speaks in: [`AccountStore`], [`WorkspaceStore`],
//! [`ProjectStore`], [`PortfolioStore`], [`GoalStore`], [`StakeholderStore`], [`StatusUpdateStore`], [`RiskStore`], [`ViewStore`], [`TaskStore`], [`RecurrenceStore`],
//! [`DependencyStore`], [`PlanStore`], [`ImportStore`], [`ActivityStore`],
//! [`EventStore`], [`WebhookStore`] and [`TemplateStore`]. Callers hold a `dyn Store` and call any of them.
//!
//! The traits are in domain terms: they take the domain's parsed inputs and
//! return domain entities. Every call that touches a workspace takes a
//! [`Scope`], and every query is confined to that workspace; guests see only
//! the projects they are a stakeholder of, and personal tasks are seen only
//! by their owner and creator. A write takes a [`WriteScope`] (managing
//! people an [`AdminScope`]), which only the role check on a scope makes;
//! a per-project read takes a [`ProjectAccess`], which only reading the
//! project in the caller's scope makes. Writes run in one transaction each,
//! check the object's version, and record what changed in the activity
//! history and the outbox.
//!
//! What this crate does not do: word refusals or decide finer rules (a
//! member changing only their own hours: the use-case layer), speak HTTP,
//! or know JSON beyond the activity log.

pub mod accounts;
pub mod activity;
pub mod approvals;
pub mod attachments;
pub mod blobs;
pub mod comments;
pub mod dependencies;
pub mod events;
pub mod goals;
mod group_commit;
pub mod imports;
pub mod levels;
pub mod lint;
mod migrate;
pub mod notifications;
pub mod plans;
pub mod portfolios;
mod postgres;
pub mod projects;
pub mod recurrences;
pub mod risks;
pub mod rules;
pub mod scenarios;
mod scope;
pub mod search;
pub mod signals;
mod sql;
mod sqlite;
mod sqlite_reads;
pub mod stakeholders;
pub mod status_updates;
pub mod tasks;
pub mod templates;
pub mod views;
pub mod webhooks;
pub mod workspaces;

use async_trait::async_trait;
use tandem_domain::FieldError;

pub use accounts::{AccountStore, ApiToken, Avatar};
pub use activity::{ActivityEntry, ActivityFilter, ActivityStore};
pub use approvals::{ApprovalFilter, ApprovalStore};
pub use attachments::AttachmentStore;
pub use comments::{COMMENT_PAGE, CommentStore};
pub use dependencies::DependencyStore;
pub use events::{Delivery, Event, EventStore};
pub use goals::{GoalStore, GoalTask};
pub use imports::ImportStore;
pub use levels::{DemoteTo, Demoted, LevelStore, Promoted, Promotion};
pub use lint::LintStore;
pub use notifications::{
    DueWork, Following, INBOX_PAGE, InboxFilter, MailRecipient, NewNotification, NotificationStore,
    Preference,
};
pub use plans::{
    DelayChange, NamedSchedule, PlanChange, PlanStamp, PlanStore, ScheduleHead, TaskName,
};
pub use portfolios::PortfolioStore;
pub use postgres::PgStore;
pub use projects::{CrossLink, HealthReads, ProjectProgress, ProjectStore};
pub use recurrences::RecurrenceStore;
pub use risks::RiskStore;
pub use rules::{RuleMark, RuleRun, RuleStore, as_rule};
pub use scenarios::{Applied, LostChange, Scenario, ScenarioLink, ScenarioStore, ScenarioTask};
pub use scope::{AdminScope, ProjectAccess, Scope, WriteScope};
pub use search::{SEARCH_LIMIT, SearchQuery, SearchStore};
pub use signals::SignalStore;
pub use sqlite::SqliteStore;
pub use stakeholders::StakeholderStore;
pub use status_updates::{StatusUpdateStore, UpdateOn};
pub use tandem_domain::Link;
pub use tandem_domain::search::SearchHit;
pub use tasks::{
    GroupKey, MAX_TASK_PAGE, OwnerFilter, SortValue, TaskCursor, TaskFilter, TaskGroup, TaskOrder,
    TaskPage, TaskStore,
};
pub use templates::{Template, TemplateStore};
pub use views::ViewStore;
pub use webhooks::{Webhook, WebhookDelivery, WebhookFields, WebhookStore};
pub use workspaces::{Invitation, Membership, WorkspaceStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist, or is not visible in this scope; the two
    /// are deliberately indistinguishable.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input breaks a rule, field by field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The write conflicts with the stored state (a duplicate key, the last
    /// owner leaving).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The dependency would close a cycle through these task keys.
    #[error("dependency cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
    /// The caller's copy is stale: the stored object is at `current`.
    #[error("version mismatch: stored version is {current}")]
    VersionMismatch { current: i64 },
    /// The caller may not do this, whatever their role allows elsewhere.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("configuration: {0}")]
    Config(String),
    /// A service the store relies on (the blob store) did not answer;
    /// trying again later may work. Nothing was changed.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, message)])
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What an update makes of an object's current fields. The store applies
/// it inside the transaction that writes, after locking the object, so an
/// update without an expected version applies to whatever is current
/// instead of failing when someone else wrote first. Its errors are the
/// caller's field errors (the update's input did not fit).
pub type Patch<'a, F> = &'a (dyn Fn(F) -> std::result::Result<F, Vec<FieldError>> + Send + Sync);

impl StoreError {
    /// A deadlock victim or a serialization failure: nothing of the attempt
    /// was kept, and running it again may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => matches!(
                db.code().as_deref(),
                // PostgreSQL: serialization_failure, deadlock_detected;
                // SQLite: SQLITE_BUSY (another process holds the lock).
                Some("40001") | Some("40P01") | Some("5") | Some("517")
            ),
            _ => false,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            // A row the write refers to went away between the write's
            // reading and its writing (another request deleted it).
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Conflict(
                "an object this refers to was deleted meanwhile; read it again".into(),
            ),
            _ => StoreError::Database(error),
        }
    }
}

/// A database connection pool as it is now, for the server's metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStats {
    /// Which pool of the backend: `main`, or SQLite's `reader` and `writer`.
    pub name: &'static str,
    /// Connections open.
    pub size: u32,
    /// Of those, connections waiting for work.
    pub idle: usize,
    /// The most connections the pool opens.
    pub max: u32,
}

impl PoolStats {
    pub(crate) fn of<DB: sqlx::Database>(name: &'static str, pool: &sqlx::Pool<DB>) -> PoolStats {
        PoolStats {
            name,
            size: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        }
    }
}

/// Commits made and the writes they acknowledged (SQLite's group commit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitCounts {
    pub commits: usize,
    pub writes: usize,
}

/// Tandem's storage, in domain terms: every feature's part together. See
/// the crate docs for the rules every implementation keeps.
#[async_trait]
pub trait Store:
    AccountStore
    + WorkspaceStore
    + ProjectStore
    + PortfolioStore
    + GoalStore
    + StakeholderStore
    + StatusUpdateStore
    + RiskStore
    + ViewStore
    + TaskStore
    + RecurrenceStore
    + DependencyStore
    + PlanStore
    + ImportStore
    + ActivityStore
    + EventStore
    + WebhookStore
    + TemplateStore
    + ApprovalStore
    + CommentStore
    + NotificationStore
    + SearchStore
    + SignalStore
    + LintStore
    + LevelStore
    + ScenarioStore
    + AttachmentStore
    + RuleStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for logs and the health endpoint.
    fn backend(&self) -> &'static str;
    /// The connection pools' state now.
    fn pools(&self) -> Vec<PoolStats>;
    /// How many writes shared how many commits since the store opened;
    /// `None` where the server groups commits itself (PostgreSQL).
    fn commits(&self) -> Option<CommitCounts>;
    /// How many write transactions on different projects are worth
    /// running at once for a job with many (the recurrence job): one
    /// where a single writer commits everything (SQLite), else one more
    /// than the cores this node has, as a guess at the database server's.
    fn parallel_writes(&self) -> usize;
    async fn ping(&self) -> Result<()>;
    /// Closes the store's connections and waits for them to end: a
    /// PostgreSQL connection hands the server its last counts of rows
    /// changed as it ends (while it works, at most once a second), which
    /// `refresh_statistics` reads. The store takes no queries after.
    async fn close(&self);
    /// Refreshes the query planner's statistics of the tables at least
    /// `stale` since they were last analysed, so plans never depend on
    /// autovacuum being on; the names of the tables analysed. With
    /// [`Staleness::Changed`] it also vacuums the tables autovacuum would
    /// have: a freshly loaded table is read slowly until one has (every
    /// row's commit looked up and its page written back on first read, no
    /// page known all-visible). PostgreSQL only: SQLite's hot queries are
    /// written so their plan needs no statistics, and SQLite has none.
    async fn refresh_statistics(&self, stale: Staleness) -> Result<Vec<String>>;
}

/// How far behind a table's statistics must be for
/// [`Store::refresh_statistics`] to analyse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// A tenth of its rows (or 50) changed since: autovacuum's own rule,
    /// for the periodic refresh, which vacuums by autovacuum's rules too.
    Changed,
    /// Half its rows (or 500) changed since: it has about doubled, or
    /// was analysed nearly empty, and a plan made from that picture may
    /// read a whole table for one row. For a bulk writer mid-way (the
    /// recurrence job), which would otherwise spend more time analysing
    /// (100 ms a table of 30,000 rows) than the plans gain.
    Outgrown,
}

impl Staleness {
    /// Whether tables owed a vacuum get one as well: the periodic refresh
    /// does, a bulk writer mid-way does not (a vacuum reads every page
    /// written since the last, and every page of a GIN index).
    pub(crate) fn vacuums(self) -> bool {
        self == Staleness::Changed
    }

    /// The rows, and the share of a table's rows, that must have changed
    /// since its last analysis (whichever is more).
    pub(crate) fn threshold(self) -> (i64, f64) {
        match self {
            Staleness::Changed => (50, 0.1),
            Staleness::Outgrown => (500, 0.5),
        }
    }
}

/// Throwaway databases for tests of this crate and the crates above it;
/// not part of the production API (the `testing` feature, which only
/// dev-dependencies turn on).
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use sqlx::Connection;

    /// The PostgreSQL server tests should use, from `TANDEM_TEST_POSTGRES_URL`.
    pub fn postgres_url() -> Option<String> {
        std::env::var("TANDEM_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
    }

    /// Creates a new, empty database on the server `admin_url` points at and
    /// returns its URL.
    pub async fn fresh_postgres_database(admin_url: &str) -> crate::Result<String> {
        let name = format!("tandem_test_{}_{}", std::process::id(), unique());
        let mut conn = sqlx::PgConnection::connect(admin_url).await?;
        static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
        SWEPT.get_or_init(|| drop_abandoned(admin_url)).await;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        sqlx::query(&format!(
            "COMMENT ON DATABASE {name} IS '{}'",
            owner_mark(std::process::id())
        ))
        .execute(&mut conn)
        .await?;
        let base = match admin_url.rsplit_once('/') {
            Some((base, _)) => base.to_string(),
            None => admin_url.to_string(),
        };
        Ok(format!("{base}/{name}"))
    }

    /// Who made a test database: this machine and a process id, so a later
    /// run can tell a database whose process has ended from one in use.
    fn owner_mark(pid: u32) -> String {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        format!("tandem test {} {pid}", host.trim())
    }

    /// Drops the test databases this machine's ended processes left (the
    /// suite creates dozens a run; nothing else would ever drop them).
    /// Databases made elsewhere, or by a process still running, stay.
    async fn drop_abandoned(admin_url: &str) {
        let Ok(mut conn) = sqlx::PgConnection::connect(admin_url).await else {
            return;
        };
        let marked: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT datname::text, shobj_description(oid, 'pg_database') FROM pg_database \
             WHERE datname LIKE 'tandem\\_test\\_%'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
        for (name, mark) in marked {
            let Some(pid) = mark
                .as_deref()
                .and_then(|m| m.rsplit(' ').next()?.parse::<u32>().ok())
            else {
                continue;
            };
            let ended = !std::path::Path::new(&format!("/proc/{pid}")).exists();
            if ended && mark.as_deref() == Some(owner_mark(pid).as_str()) {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }

    /// A fresh SQLite URL in a new temporary directory.
    pub fn fresh_sqlite_url() -> String {
        let dir =
            std::env::temp_dir().join(format!("tandem-test-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir).expect("create temporary directory");
        format!("sqlite://{}", dir.join("tandem.db").display())
    }

    fn unique() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64)
            .unwrap_or(0);
        nanos * 1000 + NEXT.fetch_add(1, Ordering::Relaxed)
    }
}

/// Opens the store a URL names: `sqlite://PATH` (created on first use) or
/// `postgres://…`. Anything else is refused rather than guessed at.
pub async fn open(url: &str) -> Result<Box<dyn Store>> {
    open_with(url, None).await
}

/// [`open`], with attachments' bytes kept in `blobs` (a bucket) rather
/// than in the database; files kept in the database before stay there.
pub async fn open_with(
    url: &str,
    blobs: Option<std::sync::Arc<dyn blobs::BlobStore>>,
) -> Result<Box<dyn Store>> {
    if url.starts_with("sqlite:") {
        let mut store = SqliteStore::open(url).await?;
        store.blobs = blobs;
        Ok(Box::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut store = PgStore::open(url).await?;
        store.blobs = blobs;
        Ok(Box::new(store))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL '{url}': use sqlite://PATH or postgres://…"
        )))
    }
}
