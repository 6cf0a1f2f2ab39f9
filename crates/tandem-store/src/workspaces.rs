//! Workspaces and who belongs to them: members and their roles,
//! invitations, and each member's capacity and time off.
//!
//! Not here: what a role allows (the server decides before calling), and
//! the accounts behind the members ([`crate::AccountStore`]).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use tandem_domain::{
    DeactivatedMember, Email, Id, Member, Role, Slug, TimeOff, UserRef, Workspace,
};

use crate::{AdminScope, Result, Scope, WriteScope};

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

/// Workspaces, their members, invitations and availability.
#[async_trait]
pub trait WorkspaceStore: Send + Sync {
    /// Creates a workspace; `owner` (if any) becomes its first owner.
    async fn create_workspace(
        &self,
        slug: &Slug,
        name: &str,
        owner: Option<Id>,
    ) -> Result<Workspace>;
    async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>>;
    /// The workspace's name (its slug, in every address, stays).
    async fn rename_workspace(&self, scope: AdminScope, name: &str) -> Result<Workspace>;
    async fn memberships(&self, user_id: Id) -> Result<Vec<Membership>>;
    async fn membership(&self, user_id: Id, slug: &str) -> Result<Option<Membership>>;
    async fn list_members(&self, scope: Scope) -> Result<Vec<Member>>;
    async fn add_member(&self, scope: AdminScope, user_id: Id, role: Role) -> Result<Member>;
    async fn set_member_role(
        &self,
        scope: AdminScope,
        user_id: Id,
        role: Role,
        expected_version: Option<i64>,
    ) -> Result<Member>;
    async fn remove_member(&self, scope: AdminScope, user_id: Id) -> Result<()>;
    /// Deactivates member `user_id`: out of the workspace, as a removal
    /// is, with their role and hours kept to bring them back. The last
    /// owner stays; only an owner deactivates an owner.
    async fn deactivate_member(&self, scope: AdminScope, user_id: Id) -> Result<DeactivatedMember>;
    /// Brings a deactivated member back with the role and hours they had.
    async fn reactivate_member(&self, scope: AdminScope, user_id: Id) -> Result<Member>;
    /// The deactivated members, by name, with the open project tasks
    /// each still owns.
    async fn deactivated_members(&self, scope: AdminScope) -> Result<Vec<DeactivatedMember>>;
    /// The open project tasks `user_id` owns in the workspace (a personal
    /// task is theirs alone): keys and versions, oldest first.
    async fn open_work_of(&self, scope: AdminScope, user_id: Id) -> Result<Vec<(String, i64)>>;

    // Availability: what the workload view plans with.
    /// Sets how many hours a week a member works.
    async fn set_member_capacity(
        &self,
        scope: WriteScope,
        user_id: Id,
        hours: f64,
        expected_version: Option<i64>,
    ) -> Result<Member>;
    /// Sets what an hour of a member's work costs (none: not costed).
    async fn set_member_cost_rate(
        &self,
        scope: AdminScope,
        user_id: Id,
        rate: Option<f64>,
        expected_version: Option<i64>,
    ) -> Result<Member>;
    /// Time off in the workspace, of one member or of everyone, by date.
    async fn list_time_off(&self, scope: Scope, user_id: Option<Id>) -> Result<Vec<TimeOff>>;
    async fn create_time_off(
        &self,
        scope: WriteScope,
        user_id: Id,
        start: NaiveDate,
        end: NaiveDate,
        note: Option<&str>,
    ) -> Result<TimeOff>;
    async fn delete_time_off(&self, scope: WriteScope, user_id: Id, id: Id) -> Result<()>;

    // Invitations. Adding a person to a workspace is an invitation they
    // accept: nobody joins a workspace without consenting, and inviting
    // answers the same whether the email has an account or not.
    /// Invites `email` with `role` (owners and admins; only owners invite
    /// owners). A second invitation of the same email replaces the first.
    /// `token_hash` is the hash of its link's secret.
    async fn create_invitation(
        &self,
        scope: AdminScope,
        email: &Email,
        role: Role,
        expires_at: DateTime<Utc>,
        token_hash: &str,
    ) -> Result<Invitation>;
    /// The open, unexpired invitation whose link's secret hashes to
    /// `token_hash`, if it is addressed to `user`'s email; not found
    /// otherwise (which of the three is not said).
    async fn invitation_by_token(
        &self,
        user: &UserRef,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Invitation>;
    /// The workspace's open invitations, expired ones included.
    async fn list_invitations(&self, scope: Scope) -> Result<Vec<Invitation>>;
    async fn delete_invitation(&self, scope: AdminScope, id: Id) -> Result<()>;
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
    /// Makes an account for the email the open, unexpired invitation
    /// whose link's secret hashes to `token_hash` is addressed to, and
    /// joins as it says, in one transaction: someone invited who has no
    /// account yet. Not found for a wrong, spent or expired link; a
    /// conflict where the email has an account (its owner signs in to
    /// accept).
    async fn join_as_new_user(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(UserRef, Membership)>;
    /// Closes invitation `id` addressed to `user` without joining.
    async fn decline_invitation(&self, user: &UserRef, id: Id) -> Result<()>;
}
