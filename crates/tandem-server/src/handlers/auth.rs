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
        let new = match b.new_password {
            Some(p) => match check_password(&p) {
                Ok(()) => Some(p),
                Err(e) => {
                    v.push("new_password", e);
                    None
                }
            },
            None => {
                v.push("new_password", "is required");
                None
            }
        };
        v.finish(|| (current.unwrap_or_default(), new.unwrap_or_default()))
    })?;
    let email = Email::parse(&user.email).map_err(|e| ApiError::field("email", e))?;
    let throttle = &state.throttle;
    throttle
        .attempt(address, email.as_str(), std::time::Instant::now())
        .map_err(|wait| ApiError::TooManyRequests {
            retry_after: wait.as_secs().max(1),
        })?;
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
