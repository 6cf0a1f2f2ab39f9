//! Workspaces, members, invitations, capacity and time off.

use tandem_domain::{Email, Member, Role, TimeOff, UserRef, Workspace};

use super::{Columns, decode_error, user_ref, vocab};
use crate::{Membership, Result, Scope, StoreError};

pub(crate) const INVITATION_SELECT: &str = "SELECT i.id, i.email, i.role, i.invited_by, \
    u.email AS inviter_email, u.name AS inviter_name, i.created_at, i.expires_at, \
    w.id AS ws_id, w.slug AS ws_slug, w.name AS ws_name, w.version AS ws_version, \
    w.created_at AS ws_created_at \
    FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
    LEFT JOIN users u ON u.id = i.invited_by";

pub(crate) fn member_from_row(row: &impl Columns) -> Result<Member> {
    Ok(Member {
        user: UserRef {
            id: row.get("id")?,
            email: row.get("email")?,
            name: row.get("name")?,
        },
        role: vocab(row.text("role")?)?,
        capacity_hours: row.get("capacity_hours")?,
        cost_rate: row.get("cost_rate")?,
        version: row.get("version")?,
    })
}

pub(crate) fn time_off_from_row(row: &impl Columns) -> Result<TimeOff> {
    Ok(TimeOff {
        id: row.get("id")?,
        user_id: row.get("user_id")?,
        start: row.get("start_date")?,
        end: row.get("end_date")?,
        note: row.get("note")?,
    })
}

pub(crate) fn workspace_from_row(row: &impl Columns) -> Result<Workspace> {
    Ok(Workspace {
        id: row.get("id")?,
        slug: row.get("slug")?,
        name: row.get("name")?,
        version: row.get("version")?,
        created_at: row.get("created_at")?,
    })
}

pub(crate) fn invitation_from_row(row: &impl Columns) -> Result<crate::Invitation> {
    let email: String = row.get("email")?;
    Ok(crate::Invitation {
        id: row.get("id")?,
        workspace: Workspace {
            id: row.get("ws_id")?,
            slug: row.get("ws_slug")?,
            name: row.get("ws_name")?,
            version: row.get("ws_version")?,
            created_at: row.get("ws_created_at")?,
        },
        email: Email::parse(&email).map_err(decode_error)?,
        role: vocab(row.text("role")?)?,
        invited_by: user_ref(row, "invited_by", "inviter_email", "inviter_name")?,
        created_at: row.get("created_at")?,
        expires_at: row.get("expires_at")?,
    })
}

pub(crate) fn membership_from_row(row: &impl Columns) -> Result<Membership> {
    Ok(Membership {
        workspace: workspace_from_row(row)?,
        role: vocab(row.text("role")?)?,
    })
}

/// Who may change a member's role or remove them: owners for
/// anything touching an owner, admins for the rest.
pub(crate) fn check_member_change(
    scope: Scope,
    target_role: Role,
    new_role: Option<Role>,
) -> Result<()> {
    if !scope.role.can_manage_members() {
        return Err(StoreError::Forbidden(
            "only owners and admins manage members".into(),
        ));
    }
    let touches_owner = target_role == Role::Owner || new_role == Some(Role::Owner);
    if touches_owner && scope.role != Role::Owner {
        return Err(StoreError::Forbidden(
            "only an owner can grant or take the owner role".into(),
        ));
    }
    Ok(())
}
