//! Goals: the tree, each goal measured, and their key results.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_domain::goals::key_result_percent;
use tandem_domain::{Id, TaskStatus};
use tandem_usecases::goals::{self, Seen};

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::planning::server_today;
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/goals", "Goals, by title, each with its computed progress and status", none(), json::<Vec<GoalView>>(), 200, list_goals),
        route!(post "/api/v1/workspaces/{ws}/goals", "Create a goal", creating::<GoalInput>("CreateGoal", &["title"]), json::<GoalView>(), 201, create_goal).etag(),
        route!(get "/api/v1/workspaces/{ws}/goals/{id}", "A goal: its progress, status and why, key results, and what serves it", none(), json::<GoalView>(), 200, get_goal).etag(),
        route!(patch "/api/v1/workspaces/{ws}/goals/{id}", "Change a goal, its parent, or what serves it", json::<GoalInput>(), json::<GoalView>(), 200, update_goal).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/goals/{id}", "Delete a goal and its key results (its sub-goals move up to its parent)", none(), none(), 204, delete_goal).if_match(),
        route!(post "/api/v1/workspaces/{ws}/goals/{id}/key-results", "Add a key result to a goal", creating::<KeyResultInput>("CreateKeyResult", &["name", "start", "target"]), json::<GoalView>(), 201, add_key_result).if_match().etag(),
        route!(patch "/api/v1/workspaces/{ws}/goals/{id}/key-results/{kr}", "Change a key result, or set its current value", json::<KeyResultInput>(), json::<GoalView>(), 200, update_key_result).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/goals/{id}/key-results/{kr}", "Delete a key result", none(), json::<GoalView>(), 200, delete_key_result).if_match().etag(),
    ]
}

fn goal_ref((id, title): &(Id, String)) -> GoalRef {
    GoalRef {
        id: *id,
        title: title.clone(),
    }
}

pub(crate) fn view(seen: &Seen) -> GoalView {
    let g = &seen.goal;
    GoalView {
        id: g.id,
        title: g.title.clone(),
        description: g.description.clone(),
        owner: g.owner.clone(),
        period: g.period.map(|p| PeriodView {
            label: p.label(),
            start: p.start,
            end: p.end,
        }),
        parent: seen.parent.as_ref().map(goal_ref),
        progress: (seen.progress * 10.0).round() / 10.0,
        measured_by: seen.measure,
        measure: g.measure,
        status: seen.assessment.status,
        derived_status: seen.assessment.derived,
        status_set: g.status.is_some(),
        reasons: seen.assessment.reasons.clone(),
        weight: g.weight,
        key_results: g
            .key_results
            .iter()
            .map(|kr| KeyResultView {
                id: kr.id,
                name: kr.name.clone(),
                unit: kr.unit.clone(),
                start: kr.start,
                target: kr.target,
                current: kr.current,
                progress: (key_result_percent(kr) * 10.0).round() / 10.0,
                updated_at: kr.updated_at,
            })
            .collect(),
        projects: seen
            .projects
            .iter()
            .map(|(p, progress)| GoalProjectView {
                key: p.key.clone(),
                name: p.name.clone(),
                progress: progress.percent,
            })
            .collect(),
        tasks: seen
            .tasks
            .iter()
            .map(|t| GoalTaskView {
                key: t.key.clone(),
                title: t.title.clone(),
                status: t.status,
                progress: if t.status == TaskStatus::Done {
                    100.0
                } else {
                    t.percent_complete as f64
                },
            })
            .collect(),
        goals: seen.children.iter().map(goal_ref).collect(),
        version: g.version,
        created_at: g.created_at,
        updated_at: g.updated_at,
    }
}

async fn seen(state: &AppState, ctx: &Ctx, id: Id) -> ApiResult<Seen> {
    Ok(goals::get(state.store.as_ref(), ctx.scope, id, server_today()).await?)
}

pub async fn list_goals(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Vec<GoalView>>> {
    let all = goals::list(state.store.as_ref(), ctx.scope, server_today()).await?;
    Ok(Json(all.iter().map(view).collect()))
}

pub async fn create_goal(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<GoalInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let created = goals::create(state.store.as_ref(), &writer, &fields).await?;
    let seen = seen(&state, &ctx, created.id).await?;
    Ok(versioned(StatusCode::CREATED, created.version, view(&seen)))
}

pub async fn get_goal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let seen = seen(&state, &ctx, id).await?;
    Ok(versioned(StatusCode::OK, seen.goal.version, view(&seen)))
}

pub async fn update_goal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<GoalInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let updated = goals::update(state.store.as_ref(), &writer, id, expected, &change).await?;
    let seen = seen(&state, &ctx, updated.id).await?;
    Ok(versioned(StatusCode::OK, updated.version, view(&seen)))
}

pub async fn delete_goal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    goals::delete(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_key_result(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<KeyResultInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let updated =
        goals::add_key_result(state.store.as_ref(), &writer, id, expected, &fields).await?;
    let seen = seen(&state, &ctx, updated.id).await?;
    Ok(versioned(StatusCode::CREATED, updated.version, view(&seen)))
}

pub async fn update_key_result(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, kr)): Path<(String, i64, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<KeyResultInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let updated =
        goals::update_key_result(state.store.as_ref(), &writer, id, kr, expected, &change).await?;
    let seen = seen(&state, &ctx, updated.id).await?;
    Ok(versioned(StatusCode::OK, updated.version, view(&seen)))
}

pub async fn delete_key_result(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, kr)): Path<(String, i64, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let updated = goals::delete_key_result(state.store.as_ref(), &writer, id, kr, expected).await?;
    let seen = seen(&state, &ctx, updated.id).await?;
    Ok(versioned(StatusCode::OK, updated.version, view(&seen)))
}
