//! A project's risk register.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_usecases::risks;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/risks", "The risk register, highest score first", none(), json::<Vec<RiskView>>(), 200, list_risks),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/risks", "Add a risk", creating::<RiskInput>("CreateRisk", &["title", "probability", "impact"]), json::<RiskView>(), 201, create_risk).etag(),
        route!(get "/api/v1/workspaces/{ws}/risks/{id}", "A risk", none(), json::<RiskView>(), 200, get_risk).etag(),
        route!(patch "/api/v1/workspaces/{ws}/risks/{id}", "Update a risk", json::<RiskInput>(), json::<RiskView>(), 200, update_risk).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/risks/{id}", "Delete a risk", none(), none(), 204, delete_risk).if_match(),
    ]
}

pub async fn list_risks(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<RiskView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .list_risks(access)
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
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let risk = risks::create(state.store.as_ref(), &writer, &key, &fields).await?;
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
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let risk = risks::update(state.store.as_ref(), &writer, id, expected, &change).await?;
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
    let writer = ctx.actor().writer()?;
    risks::delete(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- activity ---------------------------------------------------------------
