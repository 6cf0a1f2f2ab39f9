//! A project's phases and milestones, with their rolled-up progress.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_domain::*;
use tandem_usecases::phases;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/phases", "Phases with progress", none(), json::<Vec<PhaseView>>(), 200, list_phases),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/phases", "Add a phase", creating::<PhaseInput>("CreatePhase", &["name"]), json::<PhaseView>(), 201, create_phase).etag(),
        route!(put "/api/v1/workspaces/{ws}/projects/{key}/phases/order", "Put the project's phases in this order (each once, first first): positions become 1, 2, 3, …", json::<PhaseOrder>(), json::<Vec<PhaseView>>(), 200, reorder_phases),
        route!(patch "/api/v1/workspaces/{ws}/phases/{id}", "Update a phase", json::<PhaseInput>(), json::<PhaseView>(), 200, update_phase).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/phases/{id}", "Delete a phase", none(), none(), 204, delete_phase).if_match(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/milestones", "Milestones with progress", none(), json::<Vec<MilestoneView>>(), 200, list_milestones),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/milestones", "Add a milestone", creating::<MilestoneInput>("CreateMilestone", &["name"]), json::<MilestoneView>(), 201, create_milestone).etag(),
        route!(put "/api/v1/workspaces/{ws}/projects/{key}/milestones/order", "Put the project's milestones in this order (each once, first first): positions become 1, 2, 3, …", json::<MilestoneOrder>(), json::<Vec<MilestoneView>>(), 200, reorder_milestones),
        route!(patch "/api/v1/workspaces/{ws}/milestones/{id}", "Update a milestone", json::<MilestoneInput>(), json::<MilestoneView>(), 200, update_milestone).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/milestones/{id}", "Delete a milestone", none(), none(), 204, delete_milestone).if_match(),
    ]
}

/// The rolled-up progress of one phase or milestone.
fn progress_of(list: &[(Id, tandem_domain::rollup::Progress)], id: Id) -> Option<ProgressView> {
    list.iter()
        .find(|(of, _)| *of == id)
        .map(|(_, progress)| (*progress).into())
}

pub async fn list_phases(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<PhaseView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let progress = state.store.project_progress(access).await?;
    let phases = state.store.list_phases(access).await?;
    Ok(Json(
        phases
            .into_iter()
            .map(|p| {
                let id = p.id;
                let mut view = PhaseView::from(p);
                view.progress = progress_of(&progress.phases, id);
                view
            })
            .collect(),
    ))
}

pub async fn create_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<PhaseInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let phase = phases::create_phase(state.store.as_ref(), &writer, &key, &fields).await?;
    Ok(versioned(
        StatusCode::CREATED,
        phase.version,
        PhaseView::from(phase),
    ))
}

pub async fn reorder_phases(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<PhaseOrder>,
) -> ApiResult<Json<Vec<PhaseView>>> {
    let writer = ctx.actor().writer()?;
    let order = body.into_domain(|b| {
        b.phases.ok_or_else(|| {
            vec![FieldError::new(
                "phases",
                "is required: every phase's id, first first",
            )]
        })
    })?;
    phases::reorder_phases(state.store.as_ref(), &writer, &key, &order).await?;
    list_phases(State(state), ctx, Path((String::new(), key))).await
}

pub async fn reorder_milestones(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<MilestoneOrder>,
) -> ApiResult<Json<Vec<MilestoneView>>> {
    let writer = ctx.actor().writer()?;
    let order = body.into_domain(|b| {
        b.milestones.ok_or_else(|| {
            vec![FieldError::new(
                "milestones",
                "is required: every milestone's id, first first",
            )]
        })
    })?;
    phases::reorder_milestones(state.store.as_ref(), &writer, &key, &order).await?;
    list_milestones(State(state), ctx, Path((String::new(), key))).await
}

pub async fn update_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<PhaseInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let store = state.store.as_ref();
    let phase = phases::update_phase(store, &writer, id, expected, &change).await?;
    Ok(versioned(
        StatusCode::OK,
        phase.version,
        PhaseView::from(phase),
    ))
}

pub async fn delete_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    phases::delete_phase(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_milestones(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<MilestoneView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let progress = state.store.project_progress(access).await?;
    let milestones = state.store.list_milestones(access).await?;
    Ok(Json(
        milestones
            .into_iter()
            .map(|m| {
                let id = m.id;
                let mut view = MilestoneView::from(m);
                view.progress = progress_of(&progress.milestones, id);
                view
            })
            .collect(),
    ))
}

pub async fn create_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<MilestoneInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let milestone = phases::create_milestone(state.store.as_ref(), &writer, &key, &fields).await?;
    Ok(versioned(
        StatusCode::CREATED,
        milestone.version,
        MilestoneView::from(milestone),
    ))
}

pub async fn update_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<MilestoneInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let store = state.store.as_ref();
    let milestone = phases::update_milestone(store, &writer, id, expected, &change).await?;
    Ok(versioned(
        StatusCode::OK,
        milestone.version,
        MilestoneView::from(milestone),
    ))
}

pub async fn delete_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    phases::delete_milestone(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
