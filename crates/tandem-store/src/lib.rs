//! Tandem's storage: the [`Store`] trait the server speaks to, and its two
//! implementations, [`SqliteStore`] (the embedded default) and [`PgStore`]
//! (PostgreSQL, for several nodes), chosen by URL in [`open`].
//!
//! The trait is in domain terms: it takes the domain's parsed inputs and
//! returns domain entities. Every call that touches a workspace takes a
//! [`Scope`], and every query is confined to that workspace; guests see only
//! the projects they are a stakeholder of, and personal tasks are seen only
//! by their owner and creator. Writes run in one transaction each, check the
//! object's version, and record what changed in the activity history.
//!
//! What this crate does not do: decide who may call what (the server checks
//! roles before calling), speak HTTP, or know JSON beyond the activity log.

pub mod events;
mod migrate;
mod postgres;
mod sql;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use tandem_domain::activity::FieldChange;
use tandem_domain::rollup::Progress;
use tandem_domain::{
    Baseline, BaselineTask, Dependency, Email, EntityKind, FieldError, Id, Member, Milestone,
    MilestoneFields, NewDependency, NewProject, NewTask, Phase, PhaseFields, Priority, Project,
    ProjectFields, Risk, RiskFields, Role, Slug, Stakeholder, StakeholderFields, StoredSchedule,
    Task, TaskFields, TaskStatus, TimeOff, UserRef, Workspace,
};

pub use events::{Delivery, Event, EventStore};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use tandem_domain::Link;

/// Who is asking, and in which workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub workspace_id: Id,
    pub user_id: Id,
    pub role: Role,
}

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

#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub workspace: Workspace,
    pub role: Role,
}

/// An open invitation to join a workspace with a role. The person whose
/// email it names accepts or declines it; until then they are no member.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: Id,
    pub workspace: Workspace,
    pub email: Email,
    pub role: Role,
    pub invited_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Filters of the task list. Everything given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    pub project: Option<String>,
    pub owner: Option<OwnerFilter>,
    pub statuses: Vec<TaskStatus>,
    pub priorities: Vec<Priority>,
    pub tag: Option<String>,
    pub due_before: Option<NaiveDate>,
    pub due_after: Option<NaiveDate>,
    /// Words that must appear in the title or description.
    pub text: Option<String>,
    /// Only tasks that are neither done nor cancelled.
    pub open: bool,
    pub parent: Option<Id>,
    /// Tasks with no project only.
    pub personal: bool,
    /// Cursor: tasks after this id.
    pub after_id: Option<Id>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerFilter {
    User(Id),
    /// Resolved inside the list query, saving a lookup.
    Email(String),
    Unassigned,
}

/// The most tasks one page may hold; the server's own readers (a
/// project's plan, its pages) page by this many. Pages of 5,000 measured
/// slower than pages of 500 for a 2,000-task project (docs/benchmarks.md).
pub const MAX_TASK_PAGE: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    /// The id to pass as `after_id` for the next page, if there is one.
    pub next_after_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityEntry {
    pub id: Id,
    pub actor: Option<UserRef>,
    pub at: DateTime<Utc>,
    pub entity_kind: EntityKind,
    pub entity_id: Id,
    pub entity_label: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityFilter {
    pub entity: Option<(EntityKind, Id)>,
    pub project_id: Option<Id>,
    pub before_id: Option<Id>,
    pub limit: usize,
}

/// Progress of a project, and of each of its phases and milestones.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectProgress {
    pub project: Progress,
    pub phases: Vec<(Id, Progress)>,
    pub milestones: Vec<(Id, Progress)>,
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

/// Tandem's storage, in domain terms. See the crate docs for the rules every
/// implementation keeps.
#[async_trait]
pub trait Store: EventStore + Send + Sync + 'static {
    /// Which backend this is, for logs and the health endpoint.
    fn backend(&self) -> &'static str;
    /// The connection pools' state now.
    fn pools(&self) -> Vec<PoolStats>;
    async fn ping(&self) -> Result<()>;

    // Users, sign-in and tokens. Not scoped: they precede a workspace.
    async fn create_user(&self, email: &Email, name: &str, password_hash: &str) -> Result<UserRef>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<UserRef>>;
    /// The user and their password hash, for signing in.
    async fn credentials(&self, email: &Email) -> Result<Option<(UserRef, String)>>;
    async fn create_session(
        &self,
        user_id: Id,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<UserRef>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Deletes what imports that never finished (the process died) left
    /// in their staging workspaces, for imports started before
    /// `started_before`; how many went.
    async fn purge_abandoned_imports(&self, started_before: DateTime<Utc>) -> Result<u64>;
    /// Deletes the sessions that expired by `now`; how many went.
    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64>;
    async fn create_api_token(&self, user_id: Id, name: &str, token_hash: &str)
    -> Result<ApiToken>;
    async fn list_api_tokens(&self, user_id: Id) -> Result<Vec<ApiToken>>;
    async fn revoke_api_token(&self, user_id: Id, token_id: Id) -> Result<()>;
    async fn token_user(&self, token_hash: &str) -> Result<Option<UserRef>>;
    /// The holder of an API token (`session = false`) or a session, and
    /// their membership of the workspace `slug`, in one lookup: every
    /// workspace request starts with it. `None` if either is missing.
    async fn credential_membership(
        &self,
        secret_hash: &str,
        session: bool,
        slug: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserRef, Membership)>>;

    // Invitations. Adding a person to a workspace is an invitation they
    // accept: nobody joins a workspace without consenting, and inviting
    // answers the same whether the email has an account or not.
    /// Invites `email` with `role` (owners and admins; only owners invite
    /// owners). A second invitation of the same email replaces the first.
    async fn create_invitation(
        &self,
        scope: Scope,
        email: &Email,
        role: Role,
        expires_at: DateTime<Utc>,
    ) -> Result<Invitation>;
    /// The workspace's open invitations, expired ones included.
    async fn list_invitations(&self, scope: Scope) -> Result<Vec<Invitation>>;
    async fn delete_invitation(&self, scope: Scope, id: Id) -> Result<()>;
    /// The open, unexpired invitations of an email, across workspaces.
    async fn invitations_for(&self, email: &Email, now: DateTime<Utc>) -> Result<Vec<Invitation>>;
    /// Makes `user` a member as invitation `id` says, if it is addressed to
    /// their email and unexpired, and closes it; in one transaction.
    async fn accept_invitation(
        &self,
        user: &UserRef,
        id: Id,
        now: DateTime<Utc>,
    ) -> Result<Membership>;
    /// Closes invitation `id` addressed to `user` without joining.
    async fn decline_invitation(&self, user: &UserRef, id: Id) -> Result<()>;

    // Workspaces and members.
    /// Creates a workspace; `owner` (if any) becomes its first owner.
    async fn create_workspace(
        &self,
        slug: &Slug,
        name: &str,
        owner: Option<Id>,
    ) -> Result<Workspace>;
    async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>>;
    async fn memberships(&self, user_id: Id) -> Result<Vec<Membership>>;
    async fn membership(&self, user_id: Id, slug: &str) -> Result<Option<Membership>>;
    async fn list_members(&self, scope: Scope) -> Result<Vec<Member>>;
    async fn add_member(&self, scope: Scope, user_id: Id, role: Role) -> Result<Member>;
    async fn set_member_role(
        &self,
        scope: Scope,
        user_id: Id,
        role: Role,
        expected_version: Option<i64>,
    ) -> Result<Member>;
    async fn remove_member(&self, scope: Scope, user_id: Id) -> Result<()>;
    /// Sets how many hours a week a member works.
    async fn set_member_capacity(
        &self,
        scope: Scope,
        user_id: Id,
        hours: f64,
        expected_version: Option<i64>,
    ) -> Result<Member>;
    /// Time off in the workspace, of one member or of everyone, by date.
    async fn list_time_off(&self, scope: Scope, user_id: Option<Id>) -> Result<Vec<TimeOff>>;
    async fn create_time_off(
        &self,
        scope: Scope,
        user_id: Id,
        start: NaiveDate,
        end: NaiveDate,
        note: Option<&str>,
    ) -> Result<TimeOff>;
    async fn delete_time_off(&self, scope: Scope, user_id: Id, id: Id) -> Result<()>;

    // Projects and their parts.
    async fn create_project(&self, scope: Scope, project: &NewProject) -> Result<Project>;
    /// Creates a project with its calendar, tasks, links and baseline, all
    /// or nothing (an imported Microsoft Project file).
    async fn import_project(
        &self,
        scope: Scope,
        import: &tandem_domain::interop::ProjectImport,
    ) -> Result<Project>;
    async fn list_projects(&self, scope: Scope) -> Result<Vec<Project>>;
    /// The id and key of every project the caller may open: what a live
    /// stream needs to name projects and to drop the others' events.
    async fn project_keys(&self, scope: Scope) -> Result<Vec<(Id, String)>>;
    async fn get_project(&self, scope: Scope, key: &str) -> Result<Project>;
    async fn update_project(
        &self,
        scope: Scope,
        key: &str,
        expected_version: Option<i64>,
        change: Patch<'_, ProjectFields>,
    ) -> Result<Project>;
    async fn delete_project(
        &self,
        scope: Scope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()>;
    async fn project_progress(&self, scope: Scope, project_id: Id) -> Result<ProjectProgress>;

    async fn create_phase(
        &self,
        scope: Scope,
        project_id: Id,
        phase: &PhaseFields,
    ) -> Result<Phase>;
    async fn list_phases(&self, scope: Scope, project_id: Id) -> Result<Vec<Phase>>;
    async fn get_phase(&self, scope: Scope, id: Id) -> Result<Phase>;
    async fn update_phase(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, PhaseFields>,
    ) -> Result<Phase>;
    async fn delete_phase(&self, scope: Scope, id: Id, expected_version: Option<i64>)
    -> Result<()>;

    async fn create_milestone(
        &self,
        scope: Scope,
        project_id: Id,
        milestone: &MilestoneFields,
    ) -> Result<Milestone>;
    async fn list_milestones(&self, scope: Scope, project_id: Id) -> Result<Vec<Milestone>>;
    async fn get_milestone(&self, scope: Scope, id: Id) -> Result<Milestone>;
    async fn update_milestone(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, MilestoneFields>,
    ) -> Result<Milestone>;
    async fn delete_milestone(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;

    // Tasks.
    async fn create_task(&self, scope: Scope, task: &NewTask) -> Result<Task>;
    /// Creates many tasks in one project in one transaction: all or none.
    /// Returns their keys in order.
    async fn import_tasks(
        &self,
        scope: Scope,
        project: &str,
        tasks: &[TaskFields],
    ) -> Result<Vec<String>>;
    async fn get_task(&self, scope: Scope, key: &str) -> Result<Task>;
    async fn list_tasks(&self, scope: Scope, filter: &TaskFilter) -> Result<TaskPage>;
    async fn update_task(
        &self,
        scope: Scope,
        key: &str,
        expected_version: Option<i64>,
        change: Patch<'_, TaskFields>,
    ) -> Result<Task>;
    /// Updates several tasks in one transaction: all or none. Each names
    /// the version it expects.
    async fn update_tasks(
        &self,
        scope: Scope,
        updates: &[(String, i64, TaskFields)],
    ) -> Result<Vec<Task>>;
    /// Moves a task on the board: writes `fields` (a new status, say) as
    /// [`Store::update_task`] does and places the task between `after` and
    /// `before` (task keys of its new neighbours in the column, either
    /// absent at an end), in one transaction.
    async fn move_task(
        &self,
        scope: Scope,
        key: &str,
        expected_version: i64,
        fields: &TaskFields,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<Task>;
    /// Each task's place in its board column, lowest first, for the
    /// project's tasks (see [`Store::move_task`]).
    async fn board_ranks(&self, scope: Scope, project_id: Id) -> Result<Vec<(Id, f64)>>;
    async fn delete_task(
        &self,
        scope: Scope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()>;

    // Dependencies.
    async fn create_dependency(
        &self,
        scope: Scope,
        dependency: &NewDependency,
    ) -> Result<Dependency>;
    /// The links into and out of a task.
    async fn task_dependencies(&self, scope: Scope, key: &str) -> Result<Vec<Dependency>>;
    async fn project_dependencies(&self, scope: Scope, project_id: Id) -> Result<Vec<Dependency>>;
    /// The links between two tasks of the project, bare: what planning
    /// needs, without the ends' keys and titles (the caller has the tasks).
    async fn project_links(&self, scope: Scope, project_id: Id) -> Result<Vec<Link>>;
    /// Changes a link's type and lag; `change` names the link by its
    /// predecessor and successor keys.
    async fn update_dependency(
        &self,
        scope: Scope,
        change: &NewDependency,
        expected_version: Option<i64>,
    ) -> Result<Dependency>;
    async fn delete_dependency(
        &self,
        scope: Scope,
        predecessor: &str,
        successor: &str,
    ) -> Result<()>;

    // Stakeholders and risks.
    async fn create_stakeholder(
        &self,
        scope: Scope,
        project_id: Id,
        stakeholder: &StakeholderFields,
    ) -> Result<Stakeholder>;
    async fn list_stakeholders(&self, scope: Scope, project_id: Id) -> Result<Vec<Stakeholder>>;
    async fn update_stakeholder(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, StakeholderFields>,
    ) -> Result<Stakeholder>;
    async fn get_stakeholder(&self, scope: Scope, id: Id) -> Result<Stakeholder>;
    async fn delete_stakeholder(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;

    async fn create_risk(&self, scope: Scope, project_id: Id, risk: &RiskFields) -> Result<Risk>;
    async fn list_risks(&self, scope: Scope, project_id: Id) -> Result<Vec<Risk>>;
    async fn get_risk(&self, scope: Scope, id: Id) -> Result<Risk>;
    async fn update_risk(
        &self,
        scope: Scope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, RiskFields>,
    ) -> Result<Risk>;
    async fn delete_risk(&self, scope: Scope, id: Id, expected_version: Option<i64>) -> Result<()>;

    // Working calendars: a project's working week is a field of the
    // project; these are the dated exceptions to it.
    async fn list_calendar_exceptions(
        &self,
        scope: Scope,
        project_id: Id,
    ) -> Result<Vec<tandem_domain::calendar::CalendarException>>;
    async fn create_calendar_exception(
        &self,
        scope: Scope,
        project_id: Id,
        exception: &tandem_domain::calendar::ExceptionFields,
    ) -> Result<tandem_domain::calendar::CalendarException>;
    async fn delete_calendar_exception(&self, scope: Scope, project_id: Id, id: Id) -> Result<()>;

    // Schedules. The stored schedule is derived data: it is replaced whole
    // and recomputed when its fingerprint no longer matches the plan.
    /// The fingerprint of the project's stored schedule, if there is one.
    async fn schedule_fingerprint(&self, scope: Scope, project_id: Id) -> Result<Option<String>>;
    async fn stored_schedule(&self, scope: Scope, project_id: Id)
    -> Result<Option<StoredSchedule>>;
    /// Replaces the stored schedule, unless the one stored was computed
    /// from the same plan (same fingerprint) or from a later reading of it
    /// (a later `computed_at`): a slow writer never overwrites a newer
    /// result. Returns whether it wrote.
    async fn save_schedule(
        &self,
        scope: Scope,
        project_id: Id,
        schedule: &StoredSchedule,
    ) -> Result<bool>;

    /// Saves the planned dates of a project's tasks as a named baseline.
    async fn create_baseline(
        &self,
        scope: Scope,
        project_id: Id,
        name: &str,
        tasks: &[BaselineTask],
    ) -> Result<Baseline>;
    /// The project's baselines, newest first, without their tasks.
    async fn list_baselines(&self, scope: Scope, project_id: Id) -> Result<Vec<Baseline>>;
    /// One baseline of the project, with its tasks.
    async fn get_baseline(&self, scope: Scope, project_id: Id, id: Id) -> Result<Baseline>;
    async fn delete_baseline(&self, scope: Scope, project_id: Id, id: Id) -> Result<()>;

    // History.
    async fn list_activity(
        &self,
        scope: Scope,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityEntry>>;
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
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        let base = match admin_url.rsplit_once('/') {
            Some((base, _)) => base.to_string(),
            None => admin_url.to_string(),
        };
        Ok(format!("{base}/{name}"))
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
    if url.starts_with("sqlite:") {
        Ok(Box::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(url).await?))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL '{url}': use sqlite://PATH or postgres://…"
        )))
    }
}
