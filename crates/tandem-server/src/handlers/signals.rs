//! Is it a task or a project: a task's signals and a project's.

use axum::Json;
use axum::extract::{Path, State};
use tandem_api::SignalsView;
use tandem_usecases::signals;

use super::ApiResult;
use crate::AppState;
use crate::extract::Ctx;
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/signals", "Whether the task behaves like a project: the signals of seed 001 that hold (weeks, people, approvals, links, steps, effort) and the verdict", none(), json::<SignalsView>(), 200, task_signals),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/signals", "Whether the project could be a task: one person, a week at most, nothing linked, no milestone", none(), json::<SignalsView>(), 200, project_signals),
    ]
}

pub async fn task_signals(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<SignalsView>> {
    let store = state.store.as_ref();
    let task = store.get_task(ctx.scope, &key).await?;
    let v = signals::task(store, &task).await?;
    Ok(Json(SignalsView {
        signals: v.signals.iter().map(|s| s.as_str().to_string()).collect(),
        reasons: v.signals.iter().map(|s| s.label().to_string()).collect(),
        verdict: v.verdict,
    }))
}

pub async fn project_signals(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<SignalsView>> {
    let store = state.store.as_ref();
    let (_, access) = store.open_project(ctx.scope, &key).await?;
    let v = signals::project(store, access).await?;
    Ok(Json(SignalsView {
        signals: v.signals.iter().map(|s| s.as_str().to_string()).collect(),
        reasons: v.signals.iter().map(|s| s.label().to_string()).collect(),
        verdict: v.verdict,
    }))
}
