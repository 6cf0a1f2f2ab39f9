//! Workspaces, their members (roles, hours a week, time off) and
//! invitations.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WorkspaceView {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspace {
    pub slug: String,
    pub name: String,
}

/// A workspace's name (its slug, in every address, stays).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspace {
    #[schemars(required)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// Whom to invite. The answer is the same whether an account has this
    /// email or not; the person joins when they accept.
    pub email: String,
    pub role: Role,
}

/// An invitation to join a workspace, waiting for the person it names.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct InvitationView {
    pub id: Id,
    /// The workspace it invites to.
    pub workspace: String,
    pub workspace_name: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// After this it can no longer be accepted.
    pub expires_at: DateTime<Utc>,
    /// Its link, given once, to whoever invited: the invited person opens
    /// it signed in with the invited email (`/invitations/accept?token=…`,
    /// on this server), or gives its token to `POST /api/v1/invitations/accept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Whether the link was mailed to the invited email as well (the
    /// server sends email when it runs with `--smtp-url`).
    #[serde(default)]
    pub mailed: bool,
}

/// An invitation's token, from its link, to accept it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A person new to Tandem joining by an invitation's link: their account
/// is made for the invited email, with this name and password.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinInvitation {
    /// The token of the invitation's link (or the whole link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub name: Option<String>,
    /// At least 8 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    pub role: Role,
}

/// Deactivating a member: whom their open project tasks go to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeactivateMember {
    /// Another member's email: their open project tasks become this
    /// person's. Left out, the tasks stay theirs, flagged as the work of
    /// someone deactivated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassign_to: Option<String>,
}

/// A deactivated member: out of the workspace, with the role they get
/// back when reactivated.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DeactivatedMemberView {
    pub user: UserRef,
    pub role: Role,
    pub deactivated_at: DateTime<Utc>,
    pub deactivated_by: Option<UserRef>,
    /// Open project tasks still theirs.
    pub open_tasks: usize,
}

impl From<DeactivatedMember> for DeactivatedMemberView {
    fn from(m: DeactivatedMember) -> Self {
        DeactivatedMemberView {
            user: m.user,
            role: m.role,
            deactivated_at: m.deactivated_at,
            deactivated_by: m.deactivated_by,
            open_tasks: m.open_tasks,
        }
    }
}

/// What a deactivation did: the member, and their open project tasks,
/// handed on or kept in their name (by key).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DeactivationView {
    pub member: DeactivatedMemberView,
    pub reassigned: Vec<String>,
    pub kept: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MemberView {
    pub user: UserRef,
    pub role: Role,
    /// Hours a week they work.
    pub capacity_hours: f64,
    /// What an hour of their work costs, in the workspace's currency:
    /// shown to owners and admins only; absent when not costed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_rate: Option<f64>,
    pub version: i64,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            user: m.user,
            role: m.role,
            capacity_hours: m.capacity_hours,
            cost_rate: m.cost_rate,
            version: m.version,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAvailability {
    /// Hours a week (40 for full time).
    #[schemars(required)]
    pub capacity_hours: Option<f64>,
}

/// What an hour of a member's work costs (Microsoft Project's standard
/// rate), in the workspace's currency, 0 to 1000000; null: not costed.
/// `cost_rate` must be given (422 without it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCostRate {
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost_rate: Option<Option<f64>>,
}

impl SetCostRate {
    pub fn into_domain(self) -> Result<Option<f64>, Vec<FieldError>> {
        match self.cost_rate {
            None => Err(vec![FieldError::new(
                "cost_rate",
                "is required: an amount an hour, or null",
            )]),
            Some(rate) => tandem_domain::check_cost_rate(rate).map(|_| rate),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTimeOff {
    #[schemars(required)]
    pub start_date: Option<NaiveDate>,
    /// Defaults to the start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TimeOffView {
    pub id: Id,
    pub user_id: Id,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub note: Option<String>,
}

impl From<TimeOff> for TimeOffView {
    fn from(t: TimeOff) -> Self {
        TimeOffView {
            id: t.id,
            user_id: t.user_id,
            start_date: t.start,
            end_date: t.end,
            note: t.note,
        }
    }
}
