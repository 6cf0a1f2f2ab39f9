//! People's pictures: one's own, set or taken away; anyone's, as a member
//! of a workspace they are (or were) in sees it: the picture they chose,
//! or their initials drawn on a colour of their own.
//!
//! Served as the files are (`attachments::sandbox`): a picture is
//! only ever one of the raster types `avatar_type` accepts, and the
//! initials' SVG is written here, its one text escaped.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tandem_domain::{MAX_AVATAR_BYTES, UserRef, initials};
use tandem_store::Avatar;
use tandem_usecases::members;

use super::ApiResult;
use crate::AppState;
use crate::extract::{Caller, Ctx};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(put "/api/v1/me/avatar", "Set the caller's picture: the body is a PNG, JPEG, GIF or WebP image of at most 512 KiB", file(), none(), 204, set_avatar)
            // Past the picture's limit by a little, so a picture too big is
            // told its size rather than cut off.
            .body_limit(MAX_AVATAR_BYTES + 64 * 1024),
        route!(delete "/api/v1/me/avatar", "Take the caller's picture away: their initials stand in again", none(), none(), 204, remove_avatar),
        route!(get "/api/v1/workspaces/{ws}/members/{user_id}/avatar", "A member's picture (or a deactivated member's): the image they set, or an SVG of their initials", none(), download(), 200, avatar),
    ]
}

pub async fn set_avatar(
    State(state): State<AppState>,
    Caller(user): Caller,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    members::set_avatar(state.store.as_ref(), &user, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_avatar(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> ApiResult<StatusCode> {
    members::remove_avatar(state.store.as_ref(), &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn avatar(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, user_id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (user, picture) = state.store.avatar_of(ctx.scope, user_id).await?;
    Ok(picture_response(&user, picture, &headers))
}

/// The picture, or the initials; `304` when the caller's copy is this
/// one. Pages revalidate each time (`no-cache`), so a new picture shows
/// on the next page drawn.
pub(crate) fn picture_response(
    user: &UserRef,
    picture: Option<Avatar>,
    request: &HeaderMap,
) -> Response {
    let (kind, tag, body) = match picture {
        Some(p) => (
            p.content_type,
            format!("\"p{}-{}\"", user.id, p.version),
            p.content,
        ),
        None => {
            let svg = initials_svg(user);
            let tag = format!("\"i{}-{:x}\"", user.id, fnv1a(svg.as_bytes()));
            ("image/svg+xml".to_string(), tag, svg.into_bytes())
        }
    };
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let headers = response.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(&kind) {
        headers.insert(header::CONTENT_TYPE, kind);
    }
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    super::attachments::sandbox(headers);
    response
}

/// A round badge of the person's initials, white on a colour their id
/// picks (the same everywhere, and dark enough for white text).
fn initials_svg(user: &UserRef) -> String {
    let letters: String = initials(&user.name)
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect();
    let hue = user.id.unsigned_abs().wrapping_mul(47) % 360;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\
         <circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"hsl({hue},45%,32%)\"/>\
         <text x=\"32\" y=\"32\" dy=\".35em\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" \
         font-size=\"26\" fill=\"#fff\">{letters}</text></svg>"
    )
}

/// FNV-1a: a stable tag for the drawn initials (no secret, only change).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x100000001b3)
    })
}
