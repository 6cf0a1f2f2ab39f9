//! Tandem's use cases: one function per thing a user can do (create a
//! task, move a card, edit many tasks at once, …). Each takes the caller
//! and a typed domain input, checks what the caller's role allows, makes
//! the write through the [`Store`](tandem_store::Store) (again, where a
//! write without a version met a concurrent one), and returns domain
//! values or an [`Error`].
//!
//! The JSON API, the web pages and the background jobs are adapters over
//! this layer: they turn a request into an input and an answer out of the
//! result. What this crate is not: an adapter. It knows no HTTP, JSON or
//! HTML (no axum, hyper, tandem-api or tandem-server), and it announces no
//! events; what a write sets off is the adapters' for now.
//!
//! Role checks come first and are types: a write takes a [`Writer`], which
//! only [`Actor::writer`] and its stricter siblings make, so an adapter can
//! read a request body after the check (a guest hears 403 whatever they
//! sent) but cannot write without it.

/// Approvals: asked, answered, resubmitted, withdrawn.
pub mod approvals;
/// Files attached to tasks, projects and comments.
pub mod attachments;
/// Automation rules: who keeps them, and a rule's dry run.
pub mod automation;
/// A project's calendar exceptions.
pub mod calendars;
pub mod comments;
/// Links between tasks.
pub mod dependencies;
/// Goals, their key results and the tree of their progress.
pub mod goals;
/// Promoting a task to a project and demoting a project to a task.
pub mod levels;
/// The plan lint's fixes: dangling constraints cleared, milestones moved.
pub mod lint;
/// Workspaces and their people: members, roles, invitations, hours and
/// time off.
pub mod members;
/// Milestones across projects, with the dependencies between them.
pub mod milestones;
/// A person's open tasks by when they are due, a page at a time.
pub mod my_work;
/// A project's phases and milestones.
pub mod phases;
/// Levelling applied and Microsoft Project files imported, and a project
/// read as a plan.
pub mod planning;
/// Portfolios of projects and their table.
pub mod portfolios;
/// Projects: create, update and delete.
pub mod projects;
/// Recurrence rules tried before saving.
pub mod recurrence;
/// Reports over a period: burn-up, burn-down, throughput, cycle time.
pub mod reports;
/// A project's risk register.
pub mod risks;
/// What-if scenarios of a project's plan.
pub mod scenarios;
/// One ranked search across the workspace, its matches marked.
pub mod search;
/// Is it a task or a project.
pub mod signals;
/// A project's stakeholders.
pub mod stakeholders;
/// A project's derived health and the status updates its people post.
pub mod status;
/// Tasks: create, quick add, update, delete, bulk edit and board moves.
pub mod tasks;
/// Templates: a project saved as one, the starters, a project made from
/// one.
pub mod templates;
/// Saved views of a project's list.
pub mod views;
/// Webhooks: subscriptions, their delivery log, and deliveries by hand.
pub mod webhooks;

use tandem_domain::{FieldError, Id, UserRef};
use tandem_store::{AdminScope, Scope, StoreError, WriteScope};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Who is asking, and in which workspace with which role.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: UserRef,
    pub scope: Scope,
}

/// A caller whose role lets them write in their workspace. Only the role
/// checks of [`Actor`] make one.
#[derive(Debug, Clone)]
pub struct Writer {
    user: UserRef,
    scope: WriteScope,
}

impl Writer {
    pub fn scope(&self) -> WriteScope {
        self.scope
    }

    pub fn user(&self) -> &UserRef {
        &self.user
    }
}

impl Actor {
    /// Guests read; everyone else may write.
    pub fn writer(&self) -> Result<Writer> {
        match self.scope.writer() {
            Some(scope) => Ok(Writer {
                user: self.user.clone(),
                scope,
            }),
            None => Err(Error::Forbidden("guests have read-only access".into())),
        }
    }

    /// Members write their own availability and time off; owners and
    /// admins anyone's.
    pub fn for_member(&self, user_id: Id) -> Result<MemberWriter> {
        let writer = self.writer()?;
        if self.user.id == user_id || self.scope.role.can_manage_members() {
            Ok(MemberWriter {
                writer,
                member: user_id,
            })
        } else {
            Err(Error::Forbidden(
                "only owners, admins and the member themself may change this".into(),
            ))
        }
    }

    /// Owners and admins: members, invitations, deleting projects.
    pub fn admin(&self) -> Result<Admin> {
        if let Some(scope) = self.scope.admin() {
            Ok(Admin(scope))
        } else {
            Err(Error::Forbidden(
                "only owners and admins may do this".into(),
            ))
        }
    }
}

/// A caller who may manage the workspace's people (an owner or admin).
/// Only [`Actor::admin`] makes one.
#[derive(Debug, Clone)]
pub struct Admin(AdminScope);

impl Admin {
    pub fn scope(&self) -> AdminScope {
        self.0
    }
}

/// A caller who may change what belongs to one member (their hours, their
/// time off): the member, or an owner or admin. Only
/// [`Actor::for_member`] makes one.
#[derive(Debug, Clone)]
pub struct MemberWriter {
    writer: Writer,
    member: Id,
}

impl MemberWriter {
    pub fn scope(&self) -> WriteScope {
        self.writer.scope
    }

    /// The member whose things may be changed.
    pub fn member(&self) -> Id {
        self.member
    }
}

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller's role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The input breaks a rule, field by field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// One of several objects written together was at another version
    /// than the caller saw: nothing was written. The versions came in the
    /// input, not in `If-Match`, so this is a conflict rather than a failed
    /// precondition. `key` is the object's, where known, and `current` its
    /// stored version.
    #[error("stale version of {}", key.as_deref().unwrap_or("an object"))]
    StaleInBatch { key: Option<String>, current: i64 },
    /// The write conflicts with what happened meanwhile; reading again and
    /// retrying may succeed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The plan's links close a cycle through these tasks.
    #[error("dependency cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
    /// The scheduler refused a plan for a reason of its own making (a
    /// parent or link naming no task of the plan): a fault, not the
    /// caller's.
    #[error("schedule: {0}")]
    Schedule(String),
    /// What the store said: not found, a conflict, a stale `If-Match`, a
    /// cycle, or a failure of its own.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Self {
        Error::Invalid(errors)
    }
}

/// How many times a write without an expected version is tried when
/// another write keeps getting in between its reading and its writing.
const ATTEMPTS: usize = 3;
