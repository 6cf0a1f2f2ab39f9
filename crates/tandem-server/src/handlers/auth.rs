//! Signing in and out (the session cookie), the caller's identity, and
//! their API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use tandem_api::*;
use tandem_domain::*;

use super::ApiResult;
use crate::AppState;
use crate::auth;
use crate::error::ApiError;
use crate::extract::{Caller, ClientAddr, JsonBody, SESSION_COOKIE, hash_secret, session_cookie};
use crate::routes::*;

const SESSION_DAYS: i64 = 30;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(post "/api/v1/auth/login", "Sign in with email and password; sets the session cookie", json::<LoginRequest>(), json::<Me>(), 200, login).public(),
        route!(post "/api/v1/invitations/join", "Someone invited who has no account: make it for the invited email with this name and password, accept the invitation whose link's token is given, and sign in (sets the session cookie). 409 where the email has an account: sign in to accept", json::<JoinInvitation>(), json::<Me>(), 201, join_invitation).public(),
        route!(post "/api/v1/auth/logout", "Sign out of this browser session (its cookie, if any) and clear the cookie", none(), none(), 204, logout).public(),
        route!(get "/api/v1/me", "The caller and their workspaces", none(), json::<Me>(), 200, me),
        route!(patch "/api/v1/me", "Change the caller's name", json::<UpdateMe>(), json::<Me>(), 200, update_me),
        route!(post "/api/v1/me/password", "Change the caller's password, giving the current one; their other sign-in sessions end", json::<ChangePassword>(), none(), 204, change_password),
        route!(get "/api/v1/tokens", "The caller's API tokens", none(), json::<Vec<TokenView>>(), 200, list_tokens),
        route!(post "/api/v1/tokens", "Create an API token; the secret is shown once", json::<CreateToken>(), json::<TokenView>(), 201, create_token),
        route!(delete "/api/v1/tokens/{id}", "Revoke one of the caller's tokens", none(), none(), 204, revoke_token),
    ]
}

async fn me_of(state: &AppState, user: UserRef) -> ApiResult<Me> {
    let workspaces = state
        .store
        .memberships(user.id)
        .await?
        .into_iter()
        .map(workspace_view)
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
        .map_err(ApiError::throttled("wrong passwords"))?;
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
    let cookie = open_session(state, &user).await?;
    Ok((user, cookie))
}

/// A new session of `user`: its `Set-Cookie` value.
async fn open_session(state: &AppState, user: &UserRef) -> ApiResult<String> {
    let secret = auth::new_secret("tds_");
    state
        .store
        .create_session(
            user.id,
            &hash_secret(&secret),
            Utc::now() + Duration::days(SESSION_DAYS),
        )
        .await?;
    Ok(format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_DAYS * 24 * 3600
    ))
}

/// Makes the account of someone invited who has none, joins them as the
/// invitation says and opens their session: the user, their workspace
/// and the `Set-Cookie` value. Shared by the API and the invitation's
/// page. Each try is counted by the sign-in throttle (per address), as
/// the password is hashed before the link is checked.
pub(crate) async fn join_by_invitation(
    state: &AppState,
    request: JoinInvitation,
    address: Option<std::net::IpAddr>,
) -> ApiResult<(UserRef, WorkspaceView, String)> {
    let (token, name, password) = {
        let mut v = Validation::new();
        let token = request
            .token
            .as_deref()
            .map(invitation_token)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            v.push("token", "is required: the token of the invitation's link");
        }
        let name = validate::required_text(request.name.as_deref(), "name", 200, &mut v);
        let password = new_password("password", request.password, &mut v);
        v.finish(|| {
            (
                token.unwrap_or_default(),
                name,
                password.unwrap_or_default(),
            )
        })
        .map_err(ApiError::from)?
    };
    let throttle = &state.throttle;
    throttle
        .attempt(address, "invitation", std::time::Instant::now())
        .map_err(ApiError::throttled("tries at joining"))?;
    let hash = {
        let _turn = throttle.hashing_turn().await;
        tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(ApiError::Internal)?
    };
    let (user, membership) = tandem_usecases::members::join_as_new_user(
        state.store.as_ref(),
        &hash_secret(&token),
        &name,
        &hash,
        Utc::now(),
    )
    .await?;
    throttle.succeeded(address, "invitation");
    state.live.access_changed();
    let cookie = open_session(state, &user).await?;
    Ok((user, workspace_view(membership), cookie))
}

/// A workspace as one of its members sees it.
pub(crate) fn workspace_view(membership: tandem_store::Membership) -> WorkspaceView {
    WorkspaceView {
        slug: membership.workspace.slug,
        name: membership.workspace.name,
        role: membership.role,
    }
}

/// `response` that opens the session `cookie` names (`Set-Cookie`).
pub(crate) fn with_session(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// A new password, checked (`field` names it), or none with the
/// problem pushed.
fn new_password(field: &str, given: Option<String>, v: &mut Validation) -> Option<String> {
    match given {
        Some(p) => match check_password(&p) {
            Ok(()) => Some(p),
            Err(e) => {
                v.push(field, e);
                None
            }
        },
        None => {
            v.push(field, "is required");
            None
        }
    }
}

/// The token of an invitation's link, given whole or alone.
pub(crate) fn invitation_token(given: &str) -> &str {
    given
        .rsplit_once("token=")
        .map_or(given, |(_, token)| token)
        .trim()
}

pub async fn join_invitation(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: JsonBody<JoinInvitation>,
) -> ApiResult<Response> {
    let request = body.into_domain(Ok)?;
    let (user, _, cookie) = join_by_invitation(&state, request, address).await?;
    let me = me_of(&state, user).await?;
    Ok(with_session(
        (StatusCode::CREATED, Json(me)).into_response(),
        &cookie,
    ))
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: JsonBody<LoginRequest>,
) -> ApiResult<Response> {
    let request = body.into_domain(Ok)?;
    let (user, cookie) = start_session(&state, &request.email, &request.password, address).await?;
    let me = me_of(&state, user).await?;
    Ok(with_session(Json(me).into_response(), &cookie))
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

pub async fn update_me(
    State(state): State<AppState>,
    Caller(user): Caller,
    body: JsonBody<UpdateMe>,
) -> ApiResult<Json<Me>> {
    let name = body.into_domain(|b| {
        let mut v = Validation::new();
        let name = b
            .name
            .map(|name| validate::required_text(Some(&name), "name", 200, &mut v));
        v.finish(|| name)
    })?;
    let user = match name {
        Some(name) => {
            let user = state.store.rename_user(user.id, &name).await?;
            state.live.access_changed();
            user
        }
        None => user,
    };
    Ok(Json(me_of(&state, user).await?))
}

/// Checks the current password as signing in does (counted by the same
/// throttle, hashed in the same bounded turns), then stores the new one
/// and ends the caller's other sessions, keeping the one making the
/// change.
pub async fn change_password(
    State(state): State<AppState>,
    Caller(user): Caller,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    body: JsonBody<ChangePassword>,
) -> ApiResult<StatusCode> {
    let (current, new) = body.into_domain(|b| {
        let mut v = Validation::new();
        let current = match b.current_password {
            Some(p) if !p.is_empty() => Some(p),
            _ => {
                v.push("current_password", "is required");
                None
            }
        };
        let new = new_password("new_password", b.new_password, &mut v);
        v.finish(|| (current.unwrap_or_default(), new.unwrap_or_default()))
    })?;
    let email = Email::parse(&user.email).map_err(|e| ApiError::field("email", e))?;
    let throttle = &state.throttle;
    throttle
        .attempt(address, email.as_str(), std::time::Instant::now())
        .map_err(ApiError::throttled("wrong passwords"))?;
    let (_, hash) = state
        .store
        .credentials(&email)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let new_hash = {
        let _turn = throttle.hashing_turn().await;
        tokio::task::spawn_blocking(move || {
            if auth::verify_password(&current, &hash) {
                auth::hash_password(&new).map(Some)
            } else {
                Ok(None)
            }
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?
    };
    let Some(new_hash) = new_hash else {
        return Err(ApiError::field(
            "current_password",
            "is not your current password",
        ));
    };
    throttle.succeeded(address, email.as_str());
    let keep = session_cookie(&headers).map(|secret| hash_secret(&secret));
    state
        .store
        .set_password(user.id, &new_hash, keep.as_deref())
        .await?;
    state.live.access_changed();
    Ok(StatusCode::NO_CONTENT)
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
