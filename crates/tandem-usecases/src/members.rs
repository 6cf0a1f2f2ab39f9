//! What a user does to a workspace and its people: create a workspace,
//! invite someone (nobody joins without saying yes), answer an invitation,
//! change a member's role, hours a week and time off, deactivate a member
//! (handing their work on) and bring them back, remove a member.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tandem_domain::{
    DeactivatedMember, Email, FieldError, Id, Member, Role, Slug, TimeOff, UserRef, Workspace,
};
use tandem_store::{Invitation, Membership, Store};

use crate::tasks::{BulkChange, Seen, bulk_edit};
use crate::{Actor, Admin, Error, MemberWriter, Result};

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

/// Someone invited who has no account yet: their account, made for the
/// invited email, joins as the invitation whose link's secret hashes to
/// `token_hash` says; nothing is kept if either cannot be done.
pub async fn join_as_new_user(
    store: &dyn Store,
    token_hash: &str,
    name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(UserRef, Membership)> {
    Ok(store
        .join_as_new_user(token_hash, name, password_hash, now)
        .await?)
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

/// Sets what an hour of a member's work costs (owners and admins).
pub async fn set_cost_rate(
    store: &dyn Store,
    admin: &Admin,
    user_id: Id,
    rate: Option<f64>,
    expected_version: Option<i64>,
) -> Result<Member> {
    Ok(store
        .set_member_cost_rate(admin.scope(), user_id, rate, expected_version)
        .await?)
}

pub async fn remove(store: &dyn Store, admin: &Admin, user_id: Id) -> Result<()> {
    Ok(store.remove_member(admin.scope(), user_id).await?)
}

/// A member deactivated, and what became of their open project work:
/// handed on (by key), or kept in their name for someone to pick up.
#[derive(Debug, Clone, PartialEq)]
pub struct Deactivation {
    pub member: DeactivatedMember,
    pub reassigned: Vec<String>,
    pub kept: Vec<String>,
}

/// How many tasks one write hands on.
const HAND_ON_BATCH: usize = 200;

/// Deactivates member `user_id` (owners and admins): they no longer open
/// the workspace, are given work or mentioned; their history keeps their
/// name. Their open project tasks go to `reassign_to`, another member, or
/// else stay theirs, flagged wherever their owner is shown.
pub async fn deactivate(
    store: &dyn Store,
    actor: &Actor,
    user_id: Id,
    reassign_to: Option<&Email>,
) -> Result<Deactivation> {
    let admin = actor.admin()?;
    let writer = actor.writer()?;
    let members = store.list_members(*admin.scope()).await?;
    if !members.iter().any(|m| m.user.id == user_id) {
        return Err(tandem_store::StoreError::NotFound("member").into());
    }
    let heir = match reassign_to {
        None => None,
        Some(email) => match members
            .iter()
            .find(|m| m.user.id != user_id && m.user.email.eq_ignore_ascii_case(email.as_str()))
        {
            Some(_) => Some(email.clone()),
            None => {
                return Err(Error::Invalid(vec![FieldError::new(
                    "reassign_to",
                    format!("{email} is not another member of the workspace"),
                )]));
            }
        },
    };
    let work = store.open_work_of(admin.scope(), user_id).await?;
    // Deactivated first: a refusal (the last owner, an admin and an
    // owner) leaves their work where it was.
    let member = store.deactivate_member(admin.scope(), user_id).await?;
    let keys: Vec<String> = work.into_iter().map(|(key, _)| key).collect();
    let Some(heir) = heir else {
        return Ok(Deactivation {
            member,
            reassigned: Vec::new(),
            kept: keys,
        });
    };
    let change = BulkChange {
        owner: Some(Some(heir)),
        ..BulkChange::default()
    };
    for batch in keys.chunks(HAND_ON_BATCH) {
        // Whatever each is now: an edit meanwhile is not undone.
        let seen: Vec<Seen> = batch
            .iter()
            .map(|key| Seen {
                key: key.clone(),
                version: None,
            })
            .collect();
        bulk_edit(store, &writer, &seen, &change).await?;
    }
    let mut member = member;
    member.open_tasks = 0;
    Ok(Deactivation {
        member,
        reassigned: keys,
        kept: Vec::new(),
    })
}

/// Brings a deactivated member back with the role and hours they had.
pub async fn reactivate(store: &dyn Store, admin: &Admin, user_id: Id) -> Result<Member> {
    Ok(store.reactivate_member(admin.scope(), user_id).await?)
}

/// The deactivated members (owners and admins), with their open work
/// counted.
pub async fn deactivated(store: &dyn Store, admin: &Admin) -> Result<Vec<DeactivatedMember>> {
    Ok(store.deactivated_members(admin.scope()).await?)
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

/// Sets `user`'s picture: a PNG, JPEG, GIF or WebP of at most 512 KiB
/// (refused on the field `avatar` otherwise).
pub async fn set_avatar(store: &dyn Store, user: &UserRef, bytes: &[u8]) -> Result<()> {
    let kind = tandem_domain::avatar_type(bytes).map_err(|e| Error::Invalid(vec![e]))?;
    Ok(store.set_avatar(user.id, kind, bytes).await?)
}

/// Takes `user`'s picture away: their initials stand in again.
pub async fn remove_avatar(store: &dyn Store, user: &UserRef) -> Result<()> {
    Ok(store.remove_avatar(user.id).await?)
}
