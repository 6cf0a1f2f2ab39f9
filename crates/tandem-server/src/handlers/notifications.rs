//! People's inboxes over the API: read them, mark them read, archive;
//! follow what to hear of; and say which kinds to hear of. Everyone
//! manages their own, guests too: none of it changes the workspace.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde_json::json;
use tandem_api::*;
use tandem_domain::Validation;
use tandem_store::{InboxFilter, Preference};

use super::{ApiResult, QueryParams};
use crate::AppState;
use crate::extract::{Caller, Ctx, JsonBody};
use crate::routes::*;

const INBOX_QUERY: &[Param] = &[
    Param {
        name: "unread",
        description: "`true`: only those not read",
        schema: || or_empty(json!({"type": "string", "enum": ["true", "false"]})),
    },
    Param {
        name: "archived",
        description: "`true`: the archived ones instead",
        schema: || or_empty(json!({"type": "string", "enum": ["true", "false"]})),
    },
    Param {
        name: "before",
        description: "Only those older than this notification (its id): the next page",
        schema: || or_empty(json!({"type": "integer", "minimum": 1})),
    },
    Param {
        name: "limit",
        description: "At most this many (1 to 200, 50 unless given)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1, "maximum": 200})),
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/inbox", "The caller's notifications in this workspace, newest first: mentions, work assigned, comments and status changes on what they follow, approvals, work due tomorrow or overdue, rules' messages; only about what they may open now", none(), json::<Vec<NotificationView>>(), 200, inbox).query(INBOX_QUERY),
        route!(get "/api/v1/workspaces/{ws}/inbox/count", "How many of the caller's notifications are unread", none(), json::<InboxCount>(), 200, inbox_count),
        route!(post "/api/v1/workspaces/{ws}/inbox/read", "Mark notifications read or unread (ids, or all)", json::<MarkRead>(), json::<InboxCount>(), 200, mark_read),
        route!(post "/api/v1/workspaces/{ws}/inbox/archive", "Archive notifications (they are read), or bring them back", json::<ArchiveBody>(), json::<InboxCount>(), 200, archive),
        route!(get "/api/v1/workspaces/{ws}/follows", "Whether the caller follows a task, project, milestone, risk, goal or status update (name one), and whether they chose to", none(), json::<FollowView>(), 200, following).query(super::comments::SUBJECT_QUERY),
        route!(put "/api/v1/workspaces/{ws}/follows", "Follow a task, project, milestone, risk, goal or status update (comments and status changes on it reach the inbox), or stop", json::<FollowInput>(), json::<FollowView>(), 200, follow),
        route!(get "/api/v1/me/notifications", "Which kinds of notification the caller keeps in the inbox, and which are mailed (in a digest, where the server sends email)", none(), json::<Vec<PreferenceView>>(), 200, preferences),
        route!(put "/api/v1/me/notifications", "Turn kinds of notification on or off in the caller's inbox, or by email", json::<PreferencesInput>(), json::<Vec<PreferenceView>>(), 200, set_preferences),
    ]
}

pub async fn inbox(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<NotificationView>>> {
    let mut v = Validation::new();
    let allowed: Vec<&str> = INBOX_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(&query, &allowed, &mut v);
    let filter = InboxFilter {
        unread: params.flag("unread", &mut v),
        archived: params.flag("archived", &mut v),
        before: params.get("before").and_then(|b| {
            v.take(
                "before",
                b.parse::<i64>()
                    .ok()
                    .filter(|id| *id >= 1)
                    .ok_or_else(|| "must be a notification's id".to_string()),
            )
        }),
        limit: params
            .get("limit")
            .and_then(|l| {
                v.take(
                    "limit",
                    l.parse::<usize>()
                        .ok()
                        .filter(|n| (1..=tandem_store::INBOX_PAGE).contains(n))
                        .ok_or_else(|| "must be 1 to 200".to_string()),
                )
            })
            .unwrap_or(50),
    };
    v.into_result()?;
    let list = state.store.inbox(ctx.scope, &filter).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

async fn count(state: &AppState, ctx: &Ctx) -> ApiResult<Json<InboxCount>> {
    Ok(Json(InboxCount {
        unread: state.store.unread_count(ctx.scope).await?,
    }))
}

pub async fn inbox_count(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<InboxCount>> {
    count(&state, &ctx).await
}

pub async fn mark_read(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<MarkRead>,
) -> ApiResult<Json<InboxCount>> {
    let (ids, read) = body.into_domain(|b| b.into_parts())?;
    state
        .store
        .mark_read(ctx.scope, ids.as_deref(), read)
        .await?;
    count(&state, &ctx).await
}

pub async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<ArchiveBody>,
) -> ApiResult<Json<InboxCount>> {
    let (ids, archived) = body.into_domain(|b| b.into_parts())?;
    state.store.archive(ctx.scope, &ids, archived).await?;
    count(&state, &ctx).await
}

fn follow_view(following: tandem_store::Following) -> FollowView {
    FollowView {
        following: following.yes(),
        chosen: matches!(following, tandem_store::Following::Chose(_)),
    }
}

pub async fn following(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<FollowView>> {
    let on = super::comments::subject_in(&query)?;
    Ok(Json(follow_view(
        state.store.following(ctx.scope, &on).await?,
    )))
}

pub async fn follow(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<FollowInput>,
) -> ApiResult<Json<FollowView>> {
    let (on, yes) = body.into_domain(|b| b.into_parts())?;
    Ok(Json(follow_view(
        state.store.follow(ctx.scope, &on, yes).await?,
    )))
}

fn preference_views(list: Vec<Preference>) -> Vec<PreferenceView> {
    list.into_iter()
        .map(|p| PreferenceView {
            kind: p.kind,
            label: p.kind.label().to_string(),
            inbox: p.inbox,
            email: p.email,
        })
        .collect()
}

pub async fn preferences(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> ApiResult<Json<Vec<PreferenceView>>> {
    Ok(Json(preference_views(
        state.store.preferences(user.id).await?,
    )))
}

pub async fn set_preferences(
    State(state): State<AppState>,
    Caller(user): Caller,
    body: JsonBody<PreferencesInput>,
) -> ApiResult<(StatusCode, Json<Vec<PreferenceView>>)> {
    let asked = body.into_domain(|input| {
        let Some(list) = input.preferences.filter(|l| !l.is_empty()) else {
            return Err(vec![tandem_domain::FieldError::new(
                "preferences",
                "is required: a list of {kind, inbox, email}",
            )]);
        };
        let mut errors = Vec::new();
        let mut kinds = Vec::new();
        for (i, item) in list.iter().enumerate() {
            match item.kind() {
                Ok(kind) => kinds.push((kind, item.inbox, item.email)),
                Err(e) => errors.extend(e.into_iter().map(|mut f| {
                    f.field = format!("preferences.{i}.{}", f.field);
                    f
                })),
            }
        }
        if errors.is_empty() {
            Ok(kinds)
        } else {
            Err(errors)
        }
    })?;
    let current = state.store.preferences(user.id).await?;
    let wanted: Vec<Preference> = asked
        .into_iter()
        .map(|(kind, inbox, email)| {
            let now = current
                .iter()
                .find(|p| p.kind == kind)
                .copied()
                .unwrap_or(Preference {
                    kind,
                    inbox: true,
                    email: true,
                });
            Preference {
                kind,
                inbox: inbox.unwrap_or(now.inbox),
                email: email.unwrap_or(now.email),
            }
        })
        .collect();
    state.store.set_preferences(user.id, &wanted).await?;
    Ok((
        StatusCode::OK,
        Json(preference_views(state.store.preferences(user.id).await?)),
    ))
}
