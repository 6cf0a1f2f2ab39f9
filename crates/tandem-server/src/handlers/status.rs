//! A project's health, as Tandem derives it, and its status updates.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use tandem_api::*;
use tandem_usecases::status;

use super::ApiResult;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, JsonBody};
use crate::planning::{current_finish, scheduled_finish, server_today};
use crate::routes::*;

const UPDATES_PAGE: &[Param] = &[
    Param {
        name: "before",
        description: "Only updates older than this update id",
        schema: id_schema,
    },
    Param {
        name: "limit",
        description: "How many updates, 1 to 100 (20 when left out)",
        schema: limit_schema,
    },
];

fn limit_schema() -> serde_json::Value {
    serde_json::json!({"type": "integer", "minimum": 1, "maximum": 100})
}

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/health", "The project's health as derived from its figures, the reasons, and its latest status update", none(), json::<ProjectHealthView>(), 200, project_health),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/status-updates", "The project's status updates, newest first", none(), json::<Vec<StatusUpdateView>>(), 200, list_status_updates).query(UPDATES_PAGE),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/status-updates", "Post a status update (health left out: the derived one)", creating::<StatusUpdateInput>("PostStatusUpdate", &["text"]), json::<StatusUpdateView>(), 201, post_status_update),
    ]
}

pub async fn project_health(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<ProjectHealthView>> {
    let store = state.store.as_ref();
    let (project, access) = store.open_project(ctx.scope, &key).await?;
    let finish = scheduled_finish(store, access, &project.key).await?;
    let now = status::project_health(store, &project, access, finish, server_today()).await?;
    Ok(Json(ProjectHealthView {
        project: project.key.clone(),
        health: now.assessment.health,
        reasons: now.assessment.reasons,
        figures: now.figures,
        latest_update: now.latest.map(|u| StatusUpdateView::new(u, &project.key)),
        update_due: now.update_due,
    }))
}

pub async fn list_status_updates(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<StatusUpdateView>>> {
    let store = state.store.as_ref();
    let (project, access) = store.open_project(ctx.scope, &key).await?;
    let before = query
        .get("before")
        .map(|b| {
            b.parse()
                .map_err(|_| ApiError::field("before", "must be a status update id"))
        })
        .transpose()?;
    let limit = query
        .get("limit")
        .map(|l| {
            l.parse::<usize>()
                .ok()
                .filter(|l| (1..=status::MAX_UPDATES_PAGE).contains(l))
                .ok_or_else(|| ApiError::field("limit", "must be a number from 1 to 100"))
        })
        .transpose()?
        .unwrap_or(20);
    let updates = status::history(store, access, before, limit).await?;
    Ok(Json(
        updates
            .into_iter()
            .map(|u| StatusUpdateView::new(u, &project.key))
            .collect(),
    ))
}

pub async fn post_status_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<StatusUpdateInput>,
) -> ApiResult<(StatusCode, Json<StatusUpdateView>)> {
    let writer = ctx.actor().writer()?;
    let store = state.store.as_ref();
    let (project, access) = store.open_project(ctx.scope, &key).await?;
    let finish = current_finish(store, access, &project.key).await;
    let update = status::post(
        store,
        &writer,
        &project.key,
        finish,
        server_today(),
        |derived| body.to_patch(|b| b.into_fields(derived)),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(StatusUpdateView::new(update, &project.key)),
    ))
}
