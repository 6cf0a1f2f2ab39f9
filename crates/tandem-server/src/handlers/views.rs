//! Saved views of a project's list: a person's own and the shared ones.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use tandem_api::*;
use tandem_usecases::views;

use super::ApiResult;
use crate::AppState;
use crate::extract::{Ctx, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/views", "The caller's saved views of the project's list, and the shared ones", none(), json::<Vec<ViewView>>(), 200, list_views),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/views", "Save a view of the project's list (its query), the caller's own or shared", creating::<ViewInput>("CreateView", &["name"]), json::<ViewView>(), 201, create_view),
        route!(delete "/api/v1/workspaces/{ws}/views/{id}", "Delete a saved view (one's own; a shared one also by owners and admins)", none(), none(), 204, delete_view),
    ]
}

pub async fn list_views(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ViewView>>> {
    let found = views::list(state.store.as_ref(), ctx.scope, &key).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

pub async fn create_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<ViewInput>,
) -> ApiResult<(StatusCode, Json<ViewView>)> {
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(ViewInput::into_fields)?;
    let view = views::create(state.store.as_ref(), &writer, &key, &fields).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

pub async fn delete_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    views::delete(state.store.as_ref(), &writer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
