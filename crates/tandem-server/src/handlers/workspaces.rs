//! Workspaces and who is in them: members and roles, invitations,
//! availability (hours a week) and time off.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tandem_api::*;
use tandem_domain::*;
use tandem_usecases::members;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::error::{ApiError, path_id};
use crate::extract::{Caller, Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(post "/api/v1/workspaces", "Create a workspace owned by the caller", json::<CreateWorkspace>(), json::<WorkspaceView>(), 201, create_workspace),
        route!(patch "/api/v1/workspaces/{ws}", "Rename the workspace (owners and admins); its address stays", json::<UpdateWorkspace>(), json::<WorkspaceView>(), 200, update_workspace),
        route!(get "/api/v1/workspaces/{ws}/members", "Members and their roles", none(), json::<Vec<MemberView>>(), 200, list_members),
        route!(post "/api/v1/workspaces/{ws}/members", "Invite a person by email (owners and admins); they join when they accept. The answer is the same whether the email has an account", json::<AddMember>(), json::<InvitationView>(), 202, add_member),
        route!(get "/api/v1/workspaces/{ws}/invitations", "The workspace's open invitations (owners and admins)", none(), json::<Vec<InvitationView>>(), 200, list_invitations),
        route!(delete "/api/v1/workspaces/{ws}/invitations/{id}", "Withdraw an invitation (owners and admins)", none(), none(), 204, delete_invitation),
        route!(get "/api/v1/invitations", "Invitations waiting for the caller", none(), json::<Vec<InvitationView>>(), 200, my_invitations),
        route!(post "/api/v1/invitations/accept", "Accept the invitation whose link's token is given, signed in with the invited email", json::<AcceptInvitation>(), json::<WorkspaceView>(), 200, accept_invitation_link),
        route!(post "/api/v1/invitations/{id}/accept", "Accept an invitation: join its workspace with its role", none(), json::<WorkspaceView>(), 200, accept_invitation),
        route!(delete "/api/v1/invitations/{id}", "Decline an invitation", none(), none(), 204, decline_invitation),
        route!(patch "/api/v1/workspaces/{ws}/members/{user_id}", "Change a member's role", json::<UpdateMember>(), json::<MemberView>(), 200, update_member).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/members/{user_id}", "Remove a member", none(), none(), 204, remove_member),
        route!(get "/api/v1/workspaces/{ws}/members/deactivated", "Deactivated members, with their open project tasks counted (owners and admins)", none(), json::<Vec<DeactivatedMemberView>>(), 200, deactivated_members),
        route!(post "/api/v1/workspaces/{ws}/members/{user_id}/deactivate", "Deactivate a member (owners and admins): they no longer open the workspace and are not given work; their history stays. Their open project tasks go to `reassign_to`, or stay theirs, flagged", json::<DeactivateMember>(), json::<DeactivationView>(), 200, deactivate_member),
        route!(post "/api/v1/workspaces/{ws}/members/{user_id}/reactivate", "Bring a deactivated member back with the role and hours they had (owners and admins)", none(), json::<MemberView>(), 200, reactivate_member),
        route!(put "/api/v1/workspaces/{ws}/members/{user_id}/cost-rate", "Set what an hour of a member's work costs, in the workspace's currency, or null (owners and admins); scenarios compare their plans' cost by it", json::<SetCostRate>(), json::<MemberView>(), 200, set_cost_rate).if_match().etag(),
        route!(patch "/api/v1/workspaces/{ws}/members/{user_id}/availability", "Set a member's hours a week (the member, owners and admins)", json::<UpdateAvailability>(), json::<MemberView>(), 200, update_availability).if_match().etag(),
        route!(get "/api/v1/workspaces/{ws}/members/{user_id}/time-off", "A member's time off", none(), json::<Vec<TimeOffView>>(), 200, list_time_off),
        route!(post "/api/v1/workspaces/{ws}/members/{user_id}/time-off", "Add time off; levelling keeps work off those days", json::<CreateTimeOff>(), json::<TimeOffView>(), 201, create_time_off),
        route!(delete "/api/v1/workspaces/{ws}/members/{user_id}/time-off/{id}", "Remove time off", none(), none(), 204, delete_time_off),
    ]
}

pub async fn create_workspace(
    State(state): State<AppState>,
    Caller(user): Caller,
    body: JsonBody<CreateWorkspace>,
) -> ApiResult<Response> {
    let (slug, name) = body.into_domain(|b| {
        let mut v = Validation::new();
        let slug = v.take("slug", Slug::parse(&b.slug));
        let name = validate::required_text(Some(&b.name), "name", 200, &mut v);
        v.finish(|| (slug.expect("checked"), name))
    })?;
    let workspace = members::create_workspace(state.store.as_ref(), &user, &slug, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(WorkspaceView {
            slug: workspace.slug,
            name: workspace.name,
            role: Role::Owner,
        }),
    )
        .into_response())
}

pub async fn update_workspace(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<UpdateWorkspace>,
) -> ApiResult<Json<WorkspaceView>> {
    let admin = ctx.actor().admin()?;
    let name = body.into_domain(|b| {
        let mut v = Validation::new();
        let name = validate::required_text(b.name.as_deref(), "name", 200, &mut v);
        v.finish(|| name)
    })?;
    let workspace = state.store.rename_workspace(admin.scope(), &name).await?;
    state.live.access_changed();
    Ok(Json(WorkspaceView {
        slug: workspace.slug,
        name: workspace.name,
        role: ctx.scope.role,
    }))
}

pub async fn list_members(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<MemberView>>> {
    Ok(Json(
        state
            .store
            .list_members(ctx.scope)
            .await?
            .into_iter()
            .map(|m| member_view(m, &ctx))
            .collect(),
    ))
}

/// A member as the caller may see them: what their work costs is for
/// owners and admins.
fn member_view(member: tandem_domain::Member, ctx: &Ctx) -> MemberView {
    let mut view = MemberView::from(member);
    if ctx.admin().is_err() {
        view.cost_rate = None;
    }
    view
}

/// Sets what an hour of a member's work costs (owners and admins).
pub async fn set_cost_rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<SetCostRate>,
) -> ApiResult<Response> {
    let admin = ctx.actor().admin()?;
    let rate = body.into_domain(SetCostRate::into_domain)?;
    let member =
        members::set_cost_rate(state.store.as_ref(), &admin, user_id, rate, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        member.version,
        MemberView::from(member),
    ))
}

fn invitation_view(i: tandem_store::Invitation) -> InvitationView {
    InvitationView {
        id: i.id,
        workspace: i.workspace.slug,
        workspace_name: i.workspace.name,
        email: i.email.as_str().to_string(),
        role: i.role,
        invited_by: i.invited_by,
        created_at: i.created_at,
        expires_at: i.expires_at,
        link: None,
        mailed: false,
    }
}

/// A new invitation's link: the page that accepts it, with its secret.
pub(crate) fn invitation_link(token: &str) -> String {
    format!("/invitations/accept?token={token}")
}

/// Adding someone invites them: nobody joins a workspace without saying
/// yes, and the answer is the same whether the email has an account (the
/// inviter cannot use it to find out who uses Tandem).
pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<AddMember>,
) -> ApiResult<Response> {
    let admin = ctx.actor().admin()?;
    let (email, role) = body.into_domain(|b| {
        let mut v = Validation::new();
        let email = v.take("email", Email::parse(&b.email));
        v.finish(|| (email.expect("checked"), b.role))
    })?;
    // The link goes to the inviter, once; and by email too when the
    // server sends email.
    let token = crate::auth::new_secret("tdi_");
    let invitation = members::invite(
        state.store.as_ref(),
        &admin,
        &email,
        role,
        Utc::now(),
        &crate::extract::hash_secret(&token),
    )
    .await?;
    let link = invitation_link(&token);
    let mailed = match &state.mail {
        Some(mail) => match crate::jobs::mail::send_invitation(mail, &invitation, &link).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, invitation = invitation.id, "mailing an invitation");
                false
            }
        },
        None => false,
    };
    let view = InvitationView {
        link: Some(link),
        mailed,
        ..invitation_view(invitation)
    };
    Ok((StatusCode::ACCEPTED, Json(view)).into_response())
}

pub async fn list_invitations(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<InvitationView>>> {
    let scope = ctx.admin()?;
    let invitations = state.store.list_invitations(scope).await?;
    Ok(Json(invitations.into_iter().map(invitation_view).collect()))
}

pub async fn delete_invitation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let admin = ctx.actor().admin()?;
    members::withdraw_invitation(state.store.as_ref(), &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The invitations waiting for the caller.
pub async fn my_invitations(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> ApiResult<Json<Vec<InvitationView>>> {
    let email = Email::parse(&user.email).map_err(|e| ApiError::Internal(e.to_string()))?;
    let invitations = state.store.invitations_for(&email, Utc::now()).await?;
    Ok(Json(invitations.into_iter().map(invitation_view).collect()))
}

/// The invitation whose link holds `token`, for the caller.
pub(crate) async fn invitation_of_link(
    state: &AppState,
    user: &tandem_domain::UserRef,
    token: &str,
) -> ApiResult<tandem_store::Invitation> {
    Ok(state
        .store
        .invitation_by_token(user, &crate::extract::hash_secret(token.trim()), Utc::now())
        .await?)
}

/// Accepts the invitation whose link's token is given: the caller must be
/// signed in with the invited email.
pub async fn accept_invitation_link(
    State(state): State<AppState>,
    Caller(user): Caller,
    body: JsonBody<AcceptInvitation>,
) -> ApiResult<Json<WorkspaceView>> {
    let token = body.into_domain(|b| match b.token.filter(|t| !t.trim().is_empty()) {
        Some(token) => Ok(token),
        None => Err(vec![tandem_domain::FieldError::new(
            "token",
            "is required: the token of the invitation's link",
        )]),
    })?;
    let invitation = invitation_of_link(&state, &user, &token).await?;
    accept_invitation(State(state), Caller(user), Path(invitation.id)).await
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WorkspaceView>> {
    let membership =
        members::accept_invitation(state.store.as_ref(), &user, id, Utc::now()).await?;
    state.live.access_changed();
    Ok(Json(super::auth::workspace_view(membership)))
}

pub async fn decline_invitation(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    members::decline_invitation(state.store.as_ref(), &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn update_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateMember>,
) -> ApiResult<Response> {
    let admin = ctx.actor().admin()?;
    let role = body.into_domain(|b| Ok(b.role))?;
    let member = members::set_role(state.store.as_ref(), &admin, user_id, role, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        member.version,
        MemberView::from(member),
    ))
}

/// Sets a member's weekly capacity; their projects are rescheduled, since
/// effort-estimated work takes a part-timer longer.
pub async fn update_availability(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateAvailability>,
) -> ApiResult<Response> {
    let writer = ctx.actor().for_member(user_id)?;
    let hours = body.into_domain(|b| match b.capacity_hours {
        Some(hours) => check_capacity(hours).map(|_| hours),
        None => Err(vec![FieldError::new("capacity_hours", "is required")]),
    })?;
    let member = members::set_capacity(state.store.as_ref(), &writer, hours, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        member.version,
        member_view(member, &ctx),
    ))
}

pub async fn list_time_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
) -> ApiResult<Json<Vec<TimeOffView>>> {
    Ok(Json(
        state
            .store
            .list_time_off(ctx.scope, Some(user_id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn create_time_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    body: JsonBody<CreateTimeOff>,
) -> ApiResult<Response> {
    let writer = ctx.actor().for_member(user_id)?;
    let (start, end, note) = body.into_domain(|b| {
        let Some(start) = b.start_date else {
            return Err(vec![FieldError::new("start_date", "is required")]);
        };
        let end = b.end_date.unwrap_or(start);
        check_time_off(start, end, b.note.as_deref())?;
        Ok((start, end, b.note))
    })?;
    let store = state.store.as_ref();
    let created = members::add_time_off(store, &writer, start, end, note.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(TimeOffView::from(created))).into_response())
}

pub async fn delete_time_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id, id)): Path<(String, i64, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().for_member(user_id)?;
    let id = path_id(&id, "time off")?;
    members::remove_time_off(state.store.as_ref(), &writer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn deactivated_members(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<DeactivatedMemberView>>> {
    let admin = ctx.actor().admin()?;
    let list = members::deactivated(state.store.as_ref(), &admin).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

pub async fn deactivate_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    body: JsonBody<DeactivateMember>,
) -> ApiResult<Json<DeactivationView>> {
    let heir = body.into_domain(|b| {
        let mut v = Validation::new();
        let heir = b
            .reassign_to
            .as_deref()
            .and_then(|email| v.take("reassign_to", Email::parse(email)));
        v.finish(|| heir)
    })?;
    let done =
        members::deactivate(state.store.as_ref(), &ctx.actor(), user_id, heir.as_ref()).await?;
    state.live.access_changed();
    Ok(Json(DeactivationView {
        member: done.member.into(),
        reassigned: done.reassigned,
        kept: done.kept,
    }))
}

pub async fn reactivate_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
) -> ApiResult<Json<MemberView>> {
    let admin = ctx.actor().admin()?;
    let member = members::reactivate(state.store.as_ref(), &admin, user_id).await?;
    state.live.access_changed();
    Ok(Json(member.into()))
}

pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let admin = ctx.actor().admin()?;
    members::remove(state.store.as_ref(), &admin, user_id).await?;
    state.live.access_changed();
    Ok(StatusCode::NO_CONTENT)
}
