//! People's accounts and how they prove who they are: users, passwords,
//! sign-in sessions and API tokens.
//!
//! Nothing here is scoped to a workspace: an account precedes any. What a
//! holder may do inside a workspace is the membership's business
//! ([`crate::WorkspaceStore`]); this only says who is asking.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::{Email, Id, UserRef};

use crate::{Membership, Result, Scope};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A person's picture as stored, and its version (which changes with it,
/// for caches).
#[derive(Debug, Clone, PartialEq)]
pub struct Avatar {
    pub content_type: String,
    pub content: Vec<u8>,
    pub version: i64,
}

/// Users, sign-in sessions and API tokens. Secrets arrive hashed: the
/// store never sees a password, session or token in clear.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, email: &Email, name: &str, password_hash: &str) -> Result<UserRef>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<UserRef>>;
    /// A person's name, as everyone sees it.
    async fn rename_user(&self, user_id: Id, name: &str) -> Result<UserRef>;
    /// A person's new password hash; in the same transaction their other
    /// sign-in sessions end (all but `keep`, the one that changed it), so a
    /// stolen session does not outlive the change. API tokens stay.
    async fn set_password(
        &self,
        user_id: Id,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<()>;
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
    /// Sets the user's picture (its type already checked).
    async fn set_avatar(&self, user_id: Id, content_type: &str, content: &[u8]) -> Result<()>;
    /// Takes the user's picture away: their initials stand in again.
    async fn remove_avatar(&self, user_id: Id) -> Result<()>;
    /// User `user_id` as a reader in `scope` may see them (a member of
    /// the workspace, or one deactivated: their name stays on their
    /// history), with their picture if they have one; not found for
    /// anyone else.
    async fn avatar_of(&self, scope: Scope, user_id: Id) -> Result<(UserRef, Option<Avatar>)>;
}
