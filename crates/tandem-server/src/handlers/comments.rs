//! Comments over the API: on a task, a project, a milestone, a risk or a
//! goal; replies, edits (with what they replaced), deletion, reactions.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use tandem_api::*;
use tandem_domain::{CommentOn, Reaction, Validation};
use tandem_usecases::comments;

use super::{ApiResult, QueryParams, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

fn id_schema() -> serde_json::Value {
    or_empty(json!({"type": "integer", "minimum": 1}))
}

/// What a thread is on, named in a query by exactly one of these: the
/// comments' list and whether one follows it read it the same way.
pub(crate) const SUBJECT_QUERY: &[Param] = &[
    Param {
        name: "task",
        description: "A task (its key)",
        schema: query_text,
    },
    Param {
        name: "project",
        description: "A project itself (its key)",
        schema: query_text,
    },
    Param {
        name: "milestone",
        description: "A milestone (its id)",
        schema: id_schema,
    },
    Param {
        name: "risk",
        description: "A risk (its id)",
        schema: id_schema,
    },
    Param {
        name: "goal",
        description: "A goal (its id)",
        schema: id_schema,
    },
    Param {
        name: "status_update",
        description: "A status update of a project, a portfolio or a goal (its id)",
        schema: id_schema,
    },
];

/// The subject a query of [`SUBJECT_QUERY`] names; every fault said.
pub(crate) fn subject_in(query: &HashMap<String, String>) -> ApiResult<CommentOn> {
    let mut v = Validation::new();
    let allowed: Vec<&str> = SUBJECT_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(query, &allowed, &mut v);
    let asked = CommentQuery {
        task: params.get("task").map(str::to_string),
        project: params.get("project").map(str::to_string),
        milestone: params.id("milestone", &mut v),
        risk: params.id("risk", &mut v),
        goal: params.id("goal", &mut v),
        status_update: params.id("status_update", &mut v),
    };
    v.into_result()?;
    Ok(asked.into_on()?)
}

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/comments", "The comments on one task, project, milestone, risk, goal or status update (name exactly one): each thread's first comment, oldest first, followed by its replies (at most 500)", none(), json::<Vec<CommentView>>(), 200, list_comments).query(SUBJECT_QUERY),
        route!(post "/api/v1/workspaces/{ws}/comments", "Comment on a task, a project, a milestone, a risk, a goal or a status update, or reply in a thread (Markdown)", json::<CommentInput>(), json::<CommentView>(), 201, add_comment).etag(),
        route!(get "/api/v1/workspaces/{ws}/comments/{id}", "A comment", none(), json::<CommentView>(), 200, get_comment).etag(),
        route!(patch "/api/v1/workspaces/{ws}/comments/{id}", "Edit a comment (its author only); the text it replaces is kept", json::<CommentEditBody>(), json::<CommentView>(), 200, edit_comment).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/comments/{id}", "Delete a comment (its author, owners, admins): its words and reactions go, its place in its thread stays", none(), none(), 204, delete_comment).if_match(),
        route!(get "/api/v1/workspaces/{ws}/comments/{id}/edits", "What a comment said before each edit, oldest first", none(), json::<Vec<CommentEditView>>(), 200, comment_edits),
        route!(post "/api/v1/workspaces/{ws}/comments/{id}/reactions", "React to a comment: thumbs_up, thumbs_down, heart, tada, laugh, eyes, rocket or confused", json::<ReactionBody>(), json::<CommentView>(), 200, add_reaction),
        route!(delete "/api/v1/workspaces/{ws}/comments/{id}/reactions/{reaction}", "Take back the caller's reaction", none(), json::<CommentView>(), 200, remove_reaction),
    ]
}

pub async fn list_comments(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<CommentView>>> {
    let on = subject_in(&query)?;
    let list = state.store.list_comments(ctx.scope, &on).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

pub async fn add_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CommentInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let new = body.into_domain(|b| b.into_new())?;
    let comment = comments::add(state.store.as_ref(), &writer, &new).await?;
    Ok(versioned(
        StatusCode::CREATED,
        comment.version,
        CommentView::from(comment),
    ))
}

pub async fn get_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let comment = state.store.get_comment(ctx.scope, id).await?;
    Ok(versioned(
        StatusCode::OK,
        comment.version,
        CommentView::from(comment),
    ))
}

pub async fn edit_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<CommentEditBody>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let text = body.into_domain(|b| b.into_body())?;
    let comment = comments::edit(state.store.as_ref(), &writer, id, expected, &text).await?;
    Ok(versioned(
        StatusCode::OK,
        comment.version,
        CommentView::from(comment),
    ))
}

pub async fn delete_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    comments::delete(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn comment_edits(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Json<Vec<CommentEditView>>> {
    let edits = state.store.comment_edits(ctx.scope, id).await?;
    Ok(Json(edits.into_iter().map(Into::into).collect()))
}

pub async fn add_reaction(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    body: JsonBody<ReactionBody>,
) -> ApiResult<Json<CommentView>> {
    let writer = ctx.actor().writer()?;
    let reaction = body.into_domain(|b| b.into_reaction())?;
    let comment = comments::react(state.store.as_ref(), &writer, id, reaction, true).await?;
    Ok(Json(comment.into()))
}

pub async fn remove_reaction(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, reaction)): Path<(String, i64, String)>,
) -> ApiResult<Json<CommentView>> {
    let writer = ctx.actor().writer()?;
    let reaction = reaction
        .parse::<Reaction>()
        .map_err(|e| vec![tandem_domain::FieldError::new("reaction", e)])?;
    let comment = comments::react(state.store.as_ref(), &writer, id, reaction, false).await?;
    Ok(Json(comment.into()))
}
