//! Projects: list, create, read (with rolled-up progress), update,
//! archive, delete.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_domain::*;
use tandem_store::ProjectAccess;
use tandem_usecases::projects;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects", "Projects visible to the caller: those in use, or with `archived` the archived ones or all", none(), json::<Vec<ProjectView>>(), 200, list_projects).query(PROJECTS_QUERY),
        route!(post "/api/v1/workspaces/{ws}/projects", "Create a project", json::<CreateProject>(), json::<ProjectView>(), 201, create_project).etag(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}", "A project with its rolled-up progress", none(), json::<ProjectView>(), 200, get_project).etag(),
        route!(patch "/api/v1/workspaces/{ws}/projects/{key}", "Update a project", json::<UpdateProject>(), json::<ProjectView>(), 200, update_project).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}", "Delete a project and its work (owners and admins)", none(), none(), 204, delete_project).if_match(),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/archive", "Archive a project (owners and admins): kept whole and readable, out of the projects index", none(), json::<ProjectView>(), 200, archive_project).if_match().etag(),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/unarchive", "Bring an archived project back (owners and admins)", none(), json::<ProjectView>(), 200, unarchive_project).if_match().etag(),
    ]
}

const PROJECTS_QUERY: &[Param] = &[Param {
    name: "archived",
    description: "false (the default): projects in use; true: the archived ones; any: both",
    schema: || or_empty(words(["false", "true", "any"])),
}];

pub async fn list_projects(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<ProjectView>>> {
    if let Some(name) = query.keys().find(|name| *name != "archived") {
        return Err(ApiError::field(
            name,
            "unknown query parameter (allowed: archived)",
        ));
    }
    let wanted = match query.get("archived").map(|v| v.trim().to_ascii_lowercase()) {
        None => Some(false),
        Some(v) if v.is_empty() || v == "false" => Some(false),
        Some(v) if v == "true" => Some(true),
        Some(v) if v == "any" => None,
        Some(_) => {
            return Err(ApiError::field(
                "archived",
                "must be one of false, true, any",
            ));
        }
    };
    Ok(Json(
        state
            .store
            .list_projects(ctx.scope)
            .await?
            .into_iter()
            .filter(|p| wanted.is_none_or(|archived| p.archived_at.is_some() == archived))
            .map(Into::into)
            .collect(),
    ))
}

pub async fn archive_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((ws, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    set_archived(state, ctx, (ws, key), expected, true).await
}

pub async fn unarchive_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((ws, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    set_archived(state, ctx, (ws, key), expected, false).await
}

async fn set_archived(
    state: AppState,
    ctx: Ctx,
    (_, key): (String, String),
    expected: Option<i64>,
    archived: bool,
) -> ApiResult<Response> {
    let project =
        projects::archive(state.store.as_ref(), &ctx.actor(), &key, expected, archived).await?;
    let (project, access) = state.store.open_project(ctx.scope, &project.key).await?;
    let version = project.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        project_view(&state, access, project).await?,
    ))
}

/// A single project as the API shows it: with its progress, and the
/// task it was promoted from when the caller may open that.
pub(crate) async fn project_view(
    state: &AppState,
    access: ProjectAccess,
    project: Project,
) -> ApiResult<ProjectView> {
    let (progress, origin) = tokio::try_join!(
        state.store.project_progress(access),
        state
            .store
            .promoted_from(access.scope(), access.project_id()),
    )?;
    let mut view = ProjectView::from(project);
    view.progress = Some(progress.project.into());
    view.promoted_from = origin.map(|t| t.key);
    Ok(view)
}

pub async fn create_project(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateProject>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    enum Asked {
        Plain(tandem_domain::NewProject),
        FromTemplate(tandem_usecases::templates::Use),
    }
    let today = crate::planning::server_today();
    let asked = body.into_domain(|b| match b.template.clone() {
        None => CreateProject::into_domain(b).map(Asked::Plain),
        Some(template) => {
            super::templates::template_use(b, template, today).map(Asked::FromTemplate)
        }
    })?;
    let store = state.store.as_ref();
    let project = match &asked {
        Asked::Plain(project) => projects::create(store, &writer, project).await?,
        Asked::FromTemplate(ask) => {
            tandem_usecases::templates::create_project(store, &writer, ask).await?
        }
    };
    let (project, access) = state
        .store
        .open_project(*writer.scope(), &project.key)
        .await?;
    let version = project.version;
    Ok(versioned(
        StatusCode::CREATED,
        version,
        project_view(&state, access, project).await?,
    ))
}

pub async fn get_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (project, access) = state.store.open_project(ctx.scope, &key).await?;
    let version = project.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        project_view(&state, access, project).await?,
    ))
}

pub async fn update_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateProject>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(current));
    let project = projects::update(state.store.as_ref(), &writer, &key, expected, &change).await?;
    let (project, access) = state
        .store
        .open_project(*writer.scope(), &project.key)
        .await?;
    let version = project.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        project_view(&state, access, project).await?,
    ))
}

pub async fn delete_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    projects::delete(state.store.as_ref(), &ctx.actor(), &key, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
