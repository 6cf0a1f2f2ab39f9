//! A project's stakeholders: members or people from outside.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_usecases::stakeholders;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/stakeholders", "Stakeholders", none(), json::<Vec<StakeholderView>>(), 200, list_stakeholders),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/stakeholders", "Add a stakeholder (a member or an external person)", creating::<StakeholderInput>("CreateStakeholder", &["role"]), json::<StakeholderView>(), 201, create_stakeholder).etag(),
        route!(patch "/api/v1/workspaces/{ws}/stakeholders/{id}", "Update a stakeholder", json::<StakeholderInput>(), json::<StakeholderView>(), 200, update_stakeholder).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/stakeholders/{id}", "Remove a stakeholder", none(), none(), 204, delete_stakeholder).if_match(),
    ]
}

pub async fn list_stakeholders(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<StakeholderView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .list_stakeholders(access)
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
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let stakeholder = stakeholders::create(state.store.as_ref(), &writer, &key, &fields).await?;
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
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let stakeholder =
        stakeholders::update(state.store.as_ref(), &writer, id, expected, &change).await?;
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
    let writer = ctx.actor().writer()?;
    stakeholders::delete(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
