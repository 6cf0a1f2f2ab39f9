//! Links between tasks: a project's, and adding, changing and removing
//! one (a cycle is refused).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_domain::*;
use tandem_usecases::dependencies;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/dependencies", "Links into or out of the project's tasks", none(), json::<Vec<DependencyView>>(), 200, project_dependencies),
        route!(post "/api/v1/workspaces/{ws}/dependencies", "Link two tasks; a cycle is refused with 409, a link between a summary task and its own subtask with 422", json::<CreateDependency>(), json::<DependencyView>(), 201, create_dependency).etag(),
        route!(patch "/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}", "Change a link's type or lag", json::<UpdateDependency>(), json::<DependencyView>(), 200, update_dependency).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}", "Remove a link", none(), none(), 204, delete_dependency),
    ]
}

pub async fn project_dependencies(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<DependencyView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .project_dependencies(access)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn create_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateDependency>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let dependency = body.into_domain(CreateDependency::into_domain)?;
    let dependency = dependencies::create(state.store.as_ref(), &writer, &dependency).await?;
    Ok(versioned(
        StatusCode::CREATED,
        dependency.version,
        DependencyView::from(dependency),
    ))
}

pub async fn update_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, pred, succ)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateDependency>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current: NewDependency| {
        body.to_patch(|b| {
            Ok(NewDependency {
                kind: b.kind.unwrap_or(current.kind),
                lag_days: b.lag_days.unwrap_or(current.lag_days),
                lag_format: b.lag_format.unwrap_or(current.lag_format),
                ..current
            })
        })
    };
    let store = state.store.as_ref();
    let dependency = dependencies::update(store, &writer, &pred, &succ, expected, &change).await?;
    Ok(versioned(
        StatusCode::OK,
        dependency.version,
        DependencyView::from(dependency),
    ))
}

pub async fn delete_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, pred, succ)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    dependencies::delete(state.store.as_ref(), &writer, &pred, &succ).await?;
    Ok(StatusCode::NO_CONTENT)
}
