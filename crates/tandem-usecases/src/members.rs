//! What a user does to a workspace and its people: create a workspace,
//! invite someone (nobody joins without saying yes), answer an invitation,
//! change a member's role, hours a week and time off, remove a member.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tandem_domain::{Email, Id, Member, Role, Slug, TimeOff, UserRef, Workspace};
use tandem_store::{Invitation, Membership, Store};

use crate::{Admin, MemberWriter, Result};

/// How long an invitation waits for its answer.
pub const INVITATION_DAYS: i64 = 14;

/// Creates a workspace owned by `user`.
pub async fn create_workspace(
    store: &dyn Store,
    user: &UserRef,
    slug: &Slug,
    name: &str,
) -> Result<Workspace> {
    Ok(store.create_workspace(slug, name, Some(user.id)).await?)
}

/// Invites `email` with `role`, open for [`INVITATION_DAYS`] from `now`;
/// `token_hash` is the hash of its link's secret (which the caller shows
/// the inviter once). The answer is the same whether the email has an
/// account, so an inviter cannot use it to find out who uses Tandem.
pub async fn invite(
    store: &dyn Store,
    admin: &Admin,
    email: &Email,
    role: Role,
    now: DateTime<Utc>,
    token_hash: &str,
) -> Result<Invitation> {
    let expires_at = now + Duration::days(INVITATION_DAYS);
    Ok(store
        .create_invitation(admin.scope(), email, role, expires_at, token_hash)
        .await?)
}

pub async fn withdraw_invitation(store: &dyn Store, admin: &Admin, id: Id) -> Result<()> {
    Ok(store.delete_invitation(admin.scope(), id).await?)
}

/// Joins the workspace an invitation to `user`'s email names, if it is
/// still open at `now`.
pub async fn accept_invitation(
    store: &dyn Store,
    user: &UserRef,
    id: Id,
    now: DateTime<Utc>,
) -> Result<Membership> {
    Ok(store.accept_invitation(user, id, now).await?)
}

pub async fn decline_invitation(store: &dyn Store, user: &UserRef, id: Id) -> Result<()> {
    Ok(store.decline_invitation(user, id).await?)
}

/// Changes a member's role; only owners make or unmake owners, and the
/// last owner stays (the store's rules).
pub async fn set_role(
    store: &dyn Store,
    admin: &Admin,
    user_id: Id,
    role: Role,
    expected_version: Option<i64>,
) -> Result<Member> {
    Ok(store
        .set_member_role(admin.scope(), user_id, role, expected_version)
        .await?)
}

pub async fn remove(store: &dyn Store, admin: &Admin, user_id: Id) -> Result<()> {
    Ok(store.remove_member(admin.scope(), user_id).await?)
}

/// Sets how many hours a week the member works.
pub async fn set_capacity(
    store: &dyn Store,
    member: &MemberWriter,
    hours: f64,
    expected_version: Option<i64>,
) -> Result<Member> {
    Ok(store
        .set_member_capacity(member.scope(), member.member(), hours, expected_version)
        .await?)
}

/// Adds the member's time off from `start` to `end`, both included.
pub async fn add_time_off(
    store: &dyn Store,
    member: &MemberWriter,
    start: NaiveDate,
    end: NaiveDate,
    note: Option<&str>,
) -> Result<TimeOff> {
    Ok(store
        .create_time_off(member.scope(), member.member(), start, end, note)
        .await?)
}

pub async fn remove_time_off(store: &dyn Store, member: &MemberWriter, id: Id) -> Result<()> {
    Ok(store
        .delete_time_off(member.scope(), member.member(), id)
        .await?)
}
