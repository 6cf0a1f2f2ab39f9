//! Approvals over the API: asked of approvers on a task, a milestone or a
//! project's stage change, answered, resubmitted, withdrawn.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use tandem_api::*;
use tandem_domain::{ApprovalState, Validation};
use tandem_store::ApprovalFilter;
use tandem_usecases::approvals;

use super::{ApiResult, QueryParams, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

const LIST_QUERY: &[Param] = &[
    Param {
        name: "project",
        description: "Only approvals in this project (its key)",
        schema: query_text,
    },
    Param {
        name: "task",
        description: "Only approvals of this task (its key)",
        schema: query_text,
    },
    Param {
        name: "milestone",
        description: "Only approvals of this milestone (its id)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1})),
    },
    Param {
        name: "state",
        description: "Only approvals in this state: pending, changes_requested, approved, rejected or cancelled",
        schema: || {
            or_empty(
                json!({"type": "string", "enum": ["pending", "changes_requested", "approved", "rejected", "cancelled"]}),
            )
        },
    },
    Param {
        name: "mine",
        description: "`true`: only those waiting for the caller's answer",
        schema: || or_empty(json!({"type": "string", "enum": ["true", "false"]})),
    },
    Param {
        name: "requested_by_me",
        description: "`true`: only those the caller asked for",
        schema: || or_empty(json!({"type": "string", "enum": ["true", "false"]})),
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/approvals", "Approvals in projects the caller may open, newest first (at most 200)", none(), json::<Vec<ApprovalView>>(), 200, list_approvals).query(LIST_QUERY),
        route!(post "/api/v1/workspaces/{ws}/approvals", "Ask for an approval of a task, a milestone (it cannot be marked reached until approved) or a project's move to a stage (made when approved); approvers default to the project's approver stakeholders", json::<ApprovalInput>(), json::<ApprovalView>(), 201, request_approval).etag(),
        route!(get "/api/v1/workspaces/{ws}/approvals/{id}", "An approval with every approver's answer", none(), json::<ApprovalView>(), 200, get_approval).etag(),
        route!(post "/api/v1/workspaces/{ws}/approvals/{id}/answer", "Answer as one of its approvers: approve, request_changes (with a comment) or reject. One rejection rejects, one request for changes sends it back, every approver approving approves", json::<AnswerBody>(), json::<ApprovalView>(), 200, answer_approval).if_match().etag(),
        route!(post "/api/v1/workspaces/{ws}/approvals/{id}/resubmit", "Ask again after changes were requested: every answer is cleared (its requester, owners, admins)", none(), json::<ApprovalView>(), 200, resubmit_approval).if_match().etag(),
        route!(post "/api/v1/workspaces/{ws}/approvals/{id}/cancel", "Withdraw an approval not yet decided (its requester, owners, admins)", none(), json::<ApprovalView>(), 200, cancel_approval).if_match().etag(),
    ]
}

pub async fn list_approvals(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<ApprovalView>>> {
    let mut v = Validation::new();
    let allowed: Vec<&str> = LIST_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(&query, &allowed, &mut v);
    let milestone = params.get("milestone").and_then(|m| {
        v.take(
            "milestone",
            m.parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .ok_or_else(|| "must be a milestone's id (1 or more)".to_string()),
        )
    });
    let approval_state = params
        .get("state")
        .and_then(|s| v.take("state", s.parse::<ApprovalState>()));
    let mine = params.flag("mine", &mut v);
    let requested_by_me = params.flag("requested_by_me", &mut v);
    v.into_result()?;
    let filter = ApprovalFilter {
        project: params.get("project").map(str::to_string),
        task: params.get("task").map(str::to_string),
        milestone,
        state: approval_state,
        waiting_for: mine.then_some(ctx.scope.user_id),
        requested_by: requested_by_me.then_some(ctx.scope.user_id),
    };
    let list = state.store.list_approvals(ctx.scope, &filter).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

pub async fn request_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<ApprovalInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let request = body.into_domain(|b| b.into_request())?;
    let approval = approvals::request(state.store.as_ref(), &writer, &request).await?;
    Ok(versioned(
        StatusCode::CREATED,
        approval.version,
        ApprovalView::from(approval),
    ))
}

pub async fn get_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let approval = state.store.get_approval(ctx.scope, id).await?;
    Ok(versioned(
        StatusCode::OK,
        approval.version,
        ApprovalView::from(approval),
    ))
}

pub async fn answer_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<AnswerBody>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let answer = body.into_domain(|b| b.into_answer())?;
    let approval = approvals::answer(state.store.as_ref(), &writer, id, expected, &answer).await?;
    Ok(versioned(
        StatusCode::OK,
        approval.version,
        ApprovalView::from(approval),
    ))
}

pub async fn resubmit_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let approval = approvals::resubmit(state.store.as_ref(), &writer, id, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        approval.version,
        ApprovalView::from(approval),
    ))
}

pub async fn cancel_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let approval = approvals::cancel(state.store.as_ref(), &writer, id, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        approval.version,
        ApprovalView::from(approval),
    ))
}
