//! Work changing level: promote a task to a project, demote a project to
//! a task.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tandem_api::{DemoteProject, DemotionView, PromoteTask, PromotionView, TaskView};
use tandem_usecases::levels;

use super::ApiResult;
use super::projects::project_view;
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(post "/api/v1/workspaces/{ws}/tasks/{key}/promote", "Promote a task to a project (one transaction, in the history): its subtasks become the project's tasks with their hierarchy, owners, dates, estimates and links; its collaborators stakeholders; its owner the outcome owner; its comments, files and history the project's. The task stays where it was, pointing at the project; old keys of moved tasks still find them. If-Match: the task's version", json::<PromoteTask>(), json::<PromotionView>(), 201, promote_task),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/demote", "Demote a project to a task of another project (or a personal task): its tasks become the task's subtasks, its member stakeholders collaborators, its comments, files, history and goals the task's; a project promoted from a task of that project goes back under it (the promotion undone). Refused (409) while the project has phases, milestones, risks, status updates, baselines, portfolios, outside stakeholders, calendar exceptions, automation rules or stage approvals. Owners, admins and the project's owner. If-Match: the project's version", json::<DemoteProject>(), json::<DemotionView>(), 200, demote_project),
    ]
}

pub async fn promote_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<PromoteTask>,
) -> ApiResult<Response> {
    let view = promote(&state, &ctx, &key, expected, body).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// The promotion of task `key`, for the API and the task page.
pub(crate) async fn promote(
    state: &AppState,
    ctx: &Ctx,
    key: &str,
    expected: Option<i64>,
    body: JsonBody<PromoteTask>,
) -> ApiResult<PromotionView> {
    let writer = ctx.actor().writer()?;
    let promotion = body.into_domain(PromoteTask::into_domain)?;
    let store = state.store.as_ref();
    let promoted = levels::promote(store, &writer, key, expected, &promotion).await?;
    let (project, access) = store
        .open_project(*writer.scope(), &promoted.project.key)
        .await?;
    let mut task = TaskView::from(promoted.task);
    task.promoted_to = Some(project.key.clone());
    Ok(PromotionView {
        project: project_view(state, access, project).await?,
        task,
        moved: promoted.moved,
        stakeholders: promoted.stakeholders,
    })
}

pub async fn demote_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<DemoteProject>,
) -> ApiResult<Json<DemotionView>> {
    Ok(Json(demote(&state, &ctx, &key, expected, body).await?))
}

/// The demotion of project `key`, for the API and the project's settings.
pub(crate) async fn demote(
    state: &AppState,
    ctx: &Ctx,
    key: &str,
    expected: Option<i64>,
    body: JsonBody<DemoteProject>,
) -> ApiResult<DemotionView> {
    let actor = ctx.actor();
    levels::may_demote(state.store.as_ref(), &actor, key).await?;
    let to = body.into_domain(DemoteProject::into_domain)?;
    let demoted = levels::demote(state.store.as_ref(), &actor, key, expected, &to).await?;
    Ok(DemotionView {
        task: demoted.task.into(),
        moved: demoted.moved,
        restored: demoted.restored,
    })
}
