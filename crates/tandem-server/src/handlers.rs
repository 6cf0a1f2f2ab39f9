//! The JSON API's handlers. Each extracts, checks the caller's role, calls
//! the store, and converts the result to its `tandem-api` view.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};
use serde::Serialize;
use tandem_api::*;
use tandem_domain::*;
use tandem_store::{ActivityFilter, OwnerFilter, Scope, TaskFilter};
use tandem_usecases::tasks;

use crate::AppState;
use crate::auth;
use crate::error::{ApiError, path_id};
use crate::extract::{
    Caller, ClientAddr, Ctx, IfMatch, JsonBody, SESSION_COOKIE, hash_secret, session_cookie,
};

type ApiResult<T> = Result<T, ApiError>;

const SESSION_DAYS: i64 = 30;

/// A JSON answer with the object's version as its ETag.
fn versioned<T: Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

// --- health and identity ----------------------------------------------------

pub async fn healthz(State(state): State<AppState>) -> Response {
    let ok = state.store.ping().await.is_ok();
    let body = Health {
        status: if ok { "ok" } else { "unavailable" }.into(),
        database: state.store.backend().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

async fn me_of(state: &AppState, user: UserRef) -> ApiResult<Me> {
    let workspaces = state
        .store
        .memberships(user.id)
        .await?
        .into_iter()
        .map(|m| WorkspaceView {
            slug: m.workspace.slug,
            name: m.workspace.name,
            role: m.role,
        })
        .collect();
    Ok(Me { user, workspaces })
}

/// Checks an email and password and opens a session: the user and the
/// `Set-Cookie` value. Shared by the API's login and the sign-in page.
/// Wrong passwords are counted per client address and per address and
/// account (`throttle`); past the limit the answer is 429 before any hash
/// is computed.
pub(crate) async fn start_session(
    state: &AppState,
    email: &str,
    password: &str,
    address: Option<std::net::IpAddr>,
) -> ApiResult<(UserRef, String)> {
    let email = Email::parse(email).map_err(|e| ApiError::field("email", e))?;
    let throttle = &state.throttle;
    throttle
        .attempt(address, email.as_str(), std::time::Instant::now())
        .map_err(|wait| ApiError::TooManyRequests {
            retry_after: wait.as_secs().max(1),
        })?;
    let found = state.store.credentials(&email).await?;
    let password = password.to_string();
    let (hash, user) = match found {
        Some((user, hash)) => (hash, Some(user)),
        None => (auth::dummy_hash().to_string(), None),
    };
    let verified = {
        let _turn = throttle.hashing_turn().await;
        tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
    };
    let user = match user {
        Some(user) if verified => user,
        // The attempt was counted as a failure when it was let through.
        _ => return Err(ApiError::WrongCredentials),
    };
    throttle.succeeded(address, email.as_str());
    let secret = auth::new_secret("tds_");
    state
        .store
        .create_session(
            user.id,
            &hash_secret(&secret),
            Utc::now() + Duration::days(SESSION_DAYS),
        )
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_DAYS * 24 * 3600
    );
    Ok((user, cookie))
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: JsonBody<LoginRequest>,
) -> ApiResult<Response> {
    let request = body.into_domain(Ok)?;
    let (user, cookie) = start_session(&state, &request.email, &request.password, address).await?;
    let me = me_of(&state, user).await?;
    let mut response = Json(me).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(secret) = session_cookie(&headers) {
        state.store.delete_session(&hash_secret(&secret)).await?;
        state.live.access_changed();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("tandem_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

pub async fn me(State(state): State<AppState>, Caller(user): Caller) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, user).await?))
}

pub async fn list_tokens(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> ApiResult<Json<Vec<TokenView>>> {
    let tokens = state.store.list_api_tokens(user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                revoked_at: t.revoked_at,
                token: None,
            })
            .collect(),
    ))
}

pub async fn create_token(
    State(state): State<AppState>,
    Caller(user): Caller,
    body: JsonBody<CreateToken>,
) -> ApiResult<Response> {
    let name = body.into_domain(|b| {
        let mut v = Validation::new();
        let name = validate::required_text(Some(&b.name), "name", 100, &mut v);
        v.finish(|| name)
    })?;
    let secret = auth::new_secret("tdm_");
    let token = state
        .store
        .create_api_token(user.id, &name, &hash_secret(&secret))
        .await?;
    let view = TokenView {
        id: token.id,
        name: token.name,
        created_at: token.created_at,
        revoked_at: None,
        token: Some(secret),
    };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.revoke_api_token(user.id, id).await?;
    state.live.access_changed();
    Ok(StatusCode::NO_CONTENT)
}

// --- workspaces and members -------------------------------------------------

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
    let workspace = state
        .store
        .create_workspace(&slug, &name, Some(user.id))
        .await?;
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
            .map(Into::into)
            .collect(),
    ))
}

/// How long an invitation waits for its answer.
const INVITATION_DAYS: i64 = 14;

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
    }
}

/// Adding someone invites them: nobody joins a workspace without saying
/// yes, and the answer is the same whether the email has an account (the
/// inviter cannot use it to find out who uses Tandem).
pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<AddMember>,
) -> ApiResult<Response> {
    let scope = ctx.admin()?;
    let (email, role) = body.into_domain(|b| {
        let mut v = Validation::new();
        let email = v.take("email", Email::parse(&b.email));
        v.finish(|| (email.expect("checked"), b.role))
    })?;
    let invitation = state
        .store
        .create_invitation(
            scope,
            &email,
            role,
            Utc::now() + Duration::days(INVITATION_DAYS),
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(invitation_view(invitation))).into_response())
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
    let scope = ctx.admin()?;
    state.store.delete_invitation(scope, id).await?;
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

pub async fn accept_invitation(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WorkspaceView>> {
    let membership = state.store.accept_invitation(&user, id, Utc::now()).await?;
    state.live.access_changed();
    Ok(Json(WorkspaceView {
        slug: membership.workspace.slug,
        name: membership.workspace.name,
        role: membership.role,
    }))
}

pub async fn decline_invitation(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.decline_invitation(&user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn update_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateMember>,
) -> ApiResult<Response> {
    let scope = ctx.admin()?;
    let role = body.into_domain(|b| Ok(b.role))?;
    let member = state
        .store
        .set_member_role(scope, user_id, role, expected)
        .await?;
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
    let scope = ctx.for_member(user_id)?;
    let hours = body.into_domain(|b| match b.capacity_hours {
        Some(hours) => check_capacity(hours).map(|_| hours),
        None => Err(vec![FieldError::new("capacity_hours", "is required")]),
    })?;
    let member = state
        .store
        .set_member_capacity(scope, user_id, hours, expected)
        .await?;
    for project in state.store.list_projects(scope).await? {
        state.rescheduler.touch(scope, &project.key);
    }
    Ok(versioned(
        StatusCode::OK,
        member.version,
        MemberView::from(member),
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
    let scope = ctx.for_member(user_id)?;
    let (start, end, note) = body.into_domain(|b| {
        let Some(start) = b.start_date else {
            return Err(vec![FieldError::new("start_date", "is required")]);
        };
        let end = b.end_date.unwrap_or(start);
        check_time_off(start, end, b.note.as_deref())?;
        Ok((start, end, b.note))
    })?;
    let created = state
        .store
        .create_time_off(scope, user_id, start, end, note.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(TimeOffView::from(created))).into_response())
}

pub async fn delete_time_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id, id)): Path<(String, i64, String)>,
) -> ApiResult<StatusCode> {
    let scope = ctx.for_member(user_id)?;
    let id = path_id(&id, "time off")?;
    state.store.delete_time_off(scope, user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let scope = ctx.admin()?;
    state.store.remove_member(scope, user_id).await?;
    state.live.access_changed();
    Ok(StatusCode::NO_CONTENT)
}

// --- projects ---------------------------------------------------------------

pub async fn list_projects(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<ProjectView>>> {
    Ok(Json(
        state
            .store
            .list_projects(ctx.scope)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

async fn project_view(state: &AppState, scope: Scope, project: Project) -> ApiResult<ProjectView> {
    let progress = state.store.project_progress(scope, project.id).await?;
    let mut view = ProjectView::from(project);
    view.progress = Some(progress.project.into());
    Ok(view)
}

pub async fn create_project(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateProject>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let project = body.into_domain(CreateProject::into_domain)?;
    let project = state.store.create_project(scope, &project).await?;
    let version = project.version;
    Ok(versioned(
        StatusCode::CREATED,
        version,
        project_view(&state, scope, project).await?,
    ))
}

pub async fn get_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    let version = project.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        project_view(&state, ctx.scope, project).await?,
    ))
}

pub async fn update_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateProject>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let project = state
        .store
        .update_project(scope, &key, expected, &|current| {
            body.to_patch(|b| b.apply(current))
        })
        .await?;
    state.rescheduler.touch(scope, &project.key);
    let version = project.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        project_view(&state, scope, project).await?,
    ))
}

pub async fn delete_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let scope = ctx.admin()?;
    state.store.delete_project(scope, &key, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- phases and milestones --------------------------------------------------

/// The rolled-up progress of one phase or milestone.
fn progress_of(list: &[(Id, tandem_domain::rollup::Progress)], id: Id) -> Option<ProgressView> {
    list.iter()
        .find(|(of, _)| *of == id)
        .map(|(_, progress)| (*progress).into())
}

pub async fn list_phases(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<PhaseView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    let progress = state.store.project_progress(ctx.scope, project.id).await?;
    let phases = state.store.list_phases(ctx.scope, project.id).await?;
    Ok(Json(
        phases
            .into_iter()
            .map(|p| {
                let id = p.id;
                let mut view = PhaseView::from(p);
                view.progress = progress_of(&progress.phases, id);
                view
            })
            .collect(),
    ))
}

pub async fn create_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<PhaseInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let project = state.store.get_project(scope, &key).await?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let phase = state.store.create_phase(scope, project.id, &fields).await?;
    Ok(versioned(
        StatusCode::CREATED,
        phase.version,
        PhaseView::from(phase),
    ))
}

pub async fn update_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<PhaseInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let phase = state
        .store
        .update_phase(scope, id, expected, &|current| {
            body.to_patch(|b| b.apply(Some(current)))
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        phase.version,
        PhaseView::from(phase),
    ))
}

pub async fn delete_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_phase(ctx.writer()?, id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_milestones(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<MilestoneView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    let progress = state.store.project_progress(ctx.scope, project.id).await?;
    let milestones = state.store.list_milestones(ctx.scope, project.id).await?;
    Ok(Json(
        milestones
            .into_iter()
            .map(|m| {
                let id = m.id;
                let mut view = MilestoneView::from(m);
                view.progress = progress_of(&progress.milestones, id);
                view
            })
            .collect(),
    ))
}

pub async fn create_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<MilestoneInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let project = state.store.get_project(scope, &key).await?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let milestone = state
        .store
        .create_milestone(scope, project.id, &fields)
        .await?;
    Ok(versioned(
        StatusCode::CREATED,
        milestone.version,
        MilestoneView::from(milestone),
    ))
}

pub async fn update_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<MilestoneInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let milestone = state
        .store
        .update_milestone(scope, id, expected, &|current| {
            body.to_patch(|b| b.apply(Some(current)))
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        milestone.version,
        MilestoneView::from(milestone),
    ))
}

pub async fn delete_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_milestone(ctx.writer()?, id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- tasks ------------------------------------------------------------------

/// The task list's query parameters. Unknown ones are refused, like unknown
/// body fields.
const TASK_QUERY: &[&str] = &[
    "project",
    "owner",
    "status",
    "priority",
    "tag",
    "due_before",
    "due_after",
    "q",
    "open",
    "parent",
    "personal",
    "cursor",
    "limit",
];

/// The `owner` of a task filter: `me` (the caller), `none`, or an email.
pub(crate) fn owner_filter(caller: Id, owner: Option<&str>) -> ApiResult<Option<OwnerFilter>> {
    Ok(match owner {
        None => None,
        Some("me") => Some(OwnerFilter::User(caller)),
        Some("none") => Some(OwnerFilter::Unassigned),
        Some(email) => Some(OwnerFilter::Email(
            Email::parse(email)
                .map_err(|e| ApiError::field("owner", e))?
                .as_str()
                .to_string(),
        )),
    })
}

async fn task_filter(
    state: &AppState,
    ctx: &Ctx,
    query: &HashMap<String, String>,
) -> ApiResult<TaskFilter> {
    let mut v = Validation::new();
    for name in query.keys() {
        if !TASK_QUERY.contains(&name.as_str()) {
            v.push(
                name,
                format!(
                    "unknown query parameter (allowed: {})",
                    TASK_QUERY.join(", ")
                ),
            );
        }
    }
    let get = |name: &str| {
        query
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    };
    let list = |v: &mut Validation, name: &str| -> Vec<String> {
        let _ = v;
        get(name)
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let statuses = list(&mut v, "status")
        .iter()
        .filter_map(|s| v.take("status", s.parse()))
        .collect();
    let priorities = list(&mut v, "priority")
        .iter()
        .filter_map(|s| v.take("priority", s.parse()))
        .collect();
    let date = |v: &mut Validation, name: &str| {
        get(name).and_then(|s| {
            v.take(
                name,
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| "must be a date, YYYY-MM-DD".to_string()),
            )
        })
    };
    let due_before = date(&mut v, "due_before");
    let due_after = date(&mut v, "due_after");
    let boolean = |v: &mut Validation, name: &str| match get(name) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => {
            v.push(name, "must be true or false");
            false
        }
    };
    let open = boolean(&mut v, "open");
    let personal = boolean(&mut v, "personal");
    let limit = match get("limit") {
        None => 50,
        Some(s) => v
            .take(
                "limit",
                s.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| "must be 1 to 500".to_string()),
            )
            .unwrap_or(50),
    };
    let after_id = get("cursor").and_then(|c| {
        v.take(
            "cursor",
            i64::from_str_radix(c, 16).map_err(|_| "is not a cursor from this API".to_string()),
        )
    });
    let tag = get("tag").and_then(|t| v.take("tag", parse_tag(t)));
    v.into_result()?;
    let owner = owner_filter(ctx.user.id, get("owner"))?;
    let parent = match get("parent") {
        None => None,
        Some(key) => Some(
            state
                .store
                .get_task(ctx.scope, key)
                .await
                .map(|t| t.id)
                .unwrap_or(-1),
        ),
    };
    Ok(TaskFilter {
        project: get("project").map(str::to_string),
        owner,
        statuses,
        priorities,
        tag,
        due_before,
        due_after,
        text: get("q").map(str::to_string),
        open,
        parent,
        personal,
        after_id,
        limit,
    })
}

pub async fn list_tasks(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<tandem_api::TaskPage>> {
    let filter = task_filter(&state, &ctx, &query).await?;
    let page = state.store.list_tasks(ctx.scope, &filter).await?;
    Ok(Json(tandem_api::TaskPage {
        tasks: page.tasks.into_iter().map(Into::into).collect(),
        next_cursor: page.next_after_id.map(|id| format!("{id:x}")),
    }))
}

pub async fn create_task(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateTask>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let task = body.into_domain(CreateTask::into_domain)?;
    let task = tasks::create(state.store.as_ref(), &writer, task).await?;
    state
        .rescheduler
        .touch_tasks(writer.scope(), [task.key.as_str()]);
    Ok(versioned(
        StatusCode::CREATED,
        task.version,
        TaskView::from(task),
    ))
}

/// A task from one line (`Write brief @ana #LAUNCH due fri !high`): the
/// web's quick add, the CLI's `tandem add` and this route are one
/// operation. Dates are read against the server's today.
pub async fn quick_add(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<QuickAdd>,
) -> ApiResult<Response> {
    // The role first: a guest hears 403 whatever the line says.
    let writer = ctx.actor().writer()?;
    let text = body.into_domain(|b| {
        b.text
            .ok_or_else(|| vec![FieldError::new("text", "is required")])
    })?;
    let line = tasks::QuickLine {
        text,
        today: chrono::Local::now().date_naive(),
    };
    let task = tasks::quick_add(state.store.as_ref(), &writer, line).await?;
    state
        .rescheduler
        .touch_tasks(writer.scope(), [task.key.as_str()]);
    Ok(versioned(
        StatusCode::CREATED,
        task.version,
        TaskView::from(task),
    ))
}

pub async fn get_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let task = state.store.get_task(ctx.scope, &key).await?;
    Ok(versioned(
        StatusCode::OK,
        task.version,
        TaskView::from(task),
    ))
}

pub async fn update_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateTask>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let change = |current| body.to_patch(|b| b.apply(current));
    let task = tasks::update(state.store.as_ref(), &writer, &key, expected, &change).await?;
    state
        .rescheduler
        .touch_tasks(writer.scope(), [task.key.as_str()]);
    Ok(versioned(
        StatusCode::OK,
        task.version,
        TaskView::from(task),
    ))
}

pub async fn delete_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    tasks::delete(state.store.as_ref(), &writer, &key, expected).await?;
    state
        .rescheduler
        .touch_tasks(writer.scope(), [key.as_str()]);
    Ok(StatusCode::NO_CONTENT)
}

/// The bulk edit's input: the tasks as read, and the fields to set. Every
/// bad field is named (`tasks[1].version`, `owner`).
fn bulk_input(b: BulkEditTasks) -> Result<(Vec<tasks::Seen>, tasks::BulkChange), Vec<FieldError>> {
    let mut v = Validation::new();
    let mut seen: Vec<tasks::Seen> = Vec::new();
    match b.tasks {
        None => v.push("tasks", "is required"),
        Some(list) if list.is_empty() => v.push("tasks", "must name at least one task"),
        Some(list) if list.len() > BULK_LIMIT => {
            v.push("tasks", format!("must name at most {BULK_LIMIT} tasks"))
        }
        Some(list) => {
            for (index, task) in list.into_iter().enumerate() {
                let (Some(key), Some(version)) = (&task.key, task.version) else {
                    for (field, given) in [
                        ("key", task.key.is_some()),
                        ("version", task.version.is_some()),
                    ] {
                        if !given {
                            v.push(&format!("tasks[{index}].{field}"), "is required");
                        }
                    }
                    continue;
                };
                if seen.iter().any(|s| s.key.eq_ignore_ascii_case(key.trim())) {
                    v.push(
                        &format!("tasks[{index}].key"),
                        "names a task already listed",
                    );
                }
                seen.push(tasks::Seen {
                    key: key.trim().to_string(),
                    version: Some(version),
                });
            }
        }
    }
    let owner = match b.owner {
        None => None,
        Some(None) => Some(None),
        Some(Some(email)) if email.trim().is_empty() => Some(None),
        Some(Some(email)) => v.take("owner", Email::parse(&email)).map(Some),
    };
    let change = tasks::BulkChange {
        status: b.status,
        priority: b.priority,
        owner,
        due_date: b.due_date,
    };
    v.finish(|| (seen, change))
}

/// Sets the same fields on several tasks, each at the version the caller
/// read: all or none; a task changed since is a conflict (409).
pub async fn bulk_edit_tasks(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<BulkEditTasks>,
) -> ApiResult<Json<Vec<TaskView>>> {
    let writer = ctx.actor().writer()?;
    let (seen, change) = body.into_domain(bulk_input)?;
    let written = tasks::bulk_edit(state.store.as_ref(), &writer, &seen, &change).await?;
    state
        .rescheduler
        .touch_tasks(writer.scope(), written.iter().map(|t| t.key.as_str()));
    Ok(Json(written.into_iter().map(TaskView::from).collect()))
}

/// Moves a task on its project's board: its column and its place. The
/// version read comes as `If-Match` or in the body; without either, the
/// move applies to whatever is current.
pub async fn move_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<MoveTask>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let neighbour = |key: Option<String>| key.filter(|k| !k.trim().is_empty());
    let to = body.into_domain(|b| {
        Ok(tasks::Move {
            status: b.status,
            after: neighbour(b.after),
            before: neighbour(b.before),
            version: expected.or(b.version),
        })
    })?;
    let task = tasks::move_card(state.store.as_ref(), &writer, &key, &to).await?;
    state
        .rescheduler
        .touch_tasks(writer.scope(), [task.key.as_str()]);
    Ok(versioned(
        StatusCode::OK,
        task.version,
        TaskView::from(task),
    ))
}

pub async fn task_dependencies(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<DependencyView>>> {
    Ok(Json(
        state
            .store
            .task_dependencies(ctx.scope, &key)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn task_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ActivityView>>> {
    let task = state.store.get_task(ctx.scope, &key).await?;
    let filter = ActivityFilter {
        entity: Some((EntityKind::Task, task.id)),
        limit: 200,
        ..Default::default()
    };
    Ok(Json(
        state
            .store
            .list_activity(ctx.scope, &filter)
            .await?
            .into_iter()
            .map(activity_view)
            .collect(),
    ))
}

// --- dependencies -----------------------------------------------------------

pub async fn project_dependencies(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<DependencyView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .project_dependencies(ctx.scope, project.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn create_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateDependency>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let dependency = body.into_domain(CreateDependency::into_domain)?;
    let dependency = state.store.create_dependency(scope, &dependency).await?;
    state.rescheduler.touch_tasks(
        scope,
        [
            dependency.predecessor.key.as_str(),
            dependency.successor.key.as_str(),
        ],
    );
    Ok(versioned(
        StatusCode::CREATED,
        dependency.version,
        DependencyView::from(dependency),
    ))
}

pub async fn update_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, pred, succ)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateDependency>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let current = state
        .store
        .task_dependencies(scope, &succ)
        .await?
        .into_iter()
        .find(|d| {
            d.predecessor.key.eq_ignore_ascii_case(&pred)
                && d.successor.key.eq_ignore_ascii_case(&succ)
        })
        .ok_or_else(|| ApiError::NotFound("dependency not found".into()))?;
    let change = body.into_domain(|b| {
        let change = NewDependency {
            predecessor: pred.clone(),
            successor: succ.clone(),
            kind: b.kind.unwrap_or(current.kind),
            lag_days: b.lag_days.unwrap_or(current.lag_days),
            lag_format: b.lag_format.unwrap_or(current.lag_format),
        };
        change.check().map(|_| change)
    })?;
    let dependency = state
        .store
        .update_dependency(scope, &change, expected)
        .await?;
    state
        .rescheduler
        .touch_tasks(scope, [pred.as_str(), succ.as_str()]);
    Ok(versioned(
        StatusCode::OK,
        dependency.version,
        DependencyView::from(dependency),
    ))
}

pub async fn delete_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, pred, succ)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let scope = ctx.writer()?;
    state.store.delete_dependency(scope, &pred, &succ).await?;
    state
        .rescheduler
        .touch_tasks(scope, [pred.as_str(), succ.as_str()]);
    Ok(StatusCode::NO_CONTENT)
}

// --- stakeholders and risks ------------------------------------------------

pub async fn list_stakeholders(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<StakeholderView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .list_stakeholders(ctx.scope, project.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn create_stakeholder(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<StakeholderInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let project = state.store.get_project(scope, &key).await?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let stakeholder = state
        .store
        .create_stakeholder(scope, project.id, &fields)
        .await?;
    Ok(versioned(
        StatusCode::CREATED,
        stakeholder.version,
        StakeholderView::from(stakeholder),
    ))
}

pub async fn update_stakeholder(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<StakeholderInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let stakeholder = state
        .store
        .update_stakeholder(scope, id, expected, &|current| {
            body.to_patch(|b| b.apply(Some(current)))
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        stakeholder.version,
        StakeholderView::from(stakeholder),
    ))
}

pub async fn delete_stakeholder(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_stakeholder(ctx.writer()?, id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_risks(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<RiskView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .list_risks(ctx.scope, project.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn create_risk(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<RiskInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let project = state.store.get_project(scope, &key).await?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let risk = state.store.create_risk(scope, project.id, &fields).await?;
    Ok(versioned(
        StatusCode::CREATED,
        risk.version,
        RiskView::from(risk),
    ))
}

pub async fn get_risk(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let risk = state.store.get_risk(ctx.scope, id).await?;
    Ok(versioned(
        StatusCode::OK,
        risk.version,
        RiskView::from(risk),
    ))
}

pub async fn update_risk(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<RiskInput>,
) -> ApiResult<Response> {
    let scope = ctx.writer()?;
    let risk = state
        .store
        .update_risk(scope, id, expected, &|current| {
            body.to_patch(|b| b.apply(Some(current)))
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        risk.version,
        RiskView::from(risk),
    ))
}

pub async fn delete_risk(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    state.store.delete_risk(ctx.writer()?, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- activity ---------------------------------------------------------------

fn activity_view(a: tandem_store::ActivityEntry) -> ActivityView {
    ActivityView {
        id: a.id,
        actor: a.actor,
        at: a.at,
        entity_kind: a.entity_kind,
        entity_id: a.entity_id,
        entity_label: a.entity_label,
        action: a.action,
        changes: a.changes,
    }
}

pub async fn project_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<ActivityView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    let before_id = match query.get("before") {
        Some(b) => Some(
            b.parse()
                .map_err(|_| ApiError::field("before", "must be an activity id"))?,
        ),
        None => None,
    };
    let filter = ActivityFilter {
        project_id: Some(project.id),
        before_id,
        limit: 100,
        ..Default::default()
    };
    Ok(Json(
        state
            .store
            .list_activity(ctx.scope, &filter)
            .await?
            .into_iter()
            .map(activity_view)
            .collect(),
    ))
}
