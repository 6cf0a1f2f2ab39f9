//! The health of a project, a portfolio or a goal, as Tandem derives it,
//! and their status updates.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use tandem_api::*;
use tandem_domain::Id;
use tandem_store::{Scope, UpdateOn};
use tandem_usecases::status::{self, Standing};

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
        route!(get "/api/v1/workspaces/{ws}/portfolios/{id}/health", "The portfolio's health as derived from its projects', the reasons, and its latest status update", none(), json::<StandingView>(), 200, portfolio_health),
        route!(get "/api/v1/workspaces/{ws}/portfolios/{id}/status-updates", "The portfolio's status updates, newest first", none(), json::<Vec<StatusUpdateView>>(), 200, list_portfolio_updates).query(UPDATES_PAGE),
        route!(post "/api/v1/workspaces/{ws}/portfolios/{id}/status-updates", "Post a status update on a portfolio (health left out: the derived one)", creating::<StatusUpdateInput>("PostPortfolioStatusUpdate", &["text"]), json::<StatusUpdateView>(), 201, post_portfolio_update),
        route!(get "/api/v1/workspaces/{ws}/goals/{id}/health", "The goal's health as derived from its status and its projects', the reasons, and its latest status update", none(), json::<StandingView>(), 200, goal_health),
        route!(get "/api/v1/workspaces/{ws}/goals/{id}/status-updates", "The goal's status updates, newest first", none(), json::<Vec<StatusUpdateView>>(), 200, list_goal_updates).query(UPDATES_PAGE),
        route!(post "/api/v1/workspaces/{ws}/goals/{id}/status-updates", "Post a status update on a goal (health left out: the derived one)", creating::<StatusUpdateInput>("PostGoalStatusUpdate", &["text"]), json::<StatusUpdateView>(), 201, post_goal_update),
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
        latest_update: now
            .latest
            .map(|u| StatusUpdateView::new(u, Some(&project.key))),
        update_due: now.update_due,
        update_cadence_days: project.update_cadence_days,
    }))
}

/// The `before` and `limit` of a page of updates.
fn page(query: &HashMap<String, String>) -> ApiResult<(Option<Id>, usize)> {
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
    Ok((before, limit))
}

pub async fn list_status_updates(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<StatusUpdateView>>> {
    let store = state.store.as_ref();
    let (project, access) = store.open_project(ctx.scope, &key).await?;
    let (before, limit) = page(&query)?;
    let updates =
        status::history(store, ctx.scope, UpdateOn::Project(access), before, limit).await?;
    Ok(Json(
        updates
            .into_iter()
            .map(|u| StatusUpdateView::new(u, Some(&project.key)))
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
    body.check()?;
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
        Json(StatusUpdateView::new(update, Some(&project.key))),
    ))
}

/// What above projects takes a status update: a portfolio or a goal.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Above {
    Portfolio(Id),
    Goal(Id),
}

impl Above {
    fn on(self) -> UpdateOn {
        match self {
            Above::Portfolio(id) => UpdateOn::Portfolio(id),
            Above::Goal(id) => UpdateOn::Goal(id),
        }
    }
}

/// Where the portfolio or goal `on` names stands for the reader; one
/// they may not see is not found.
pub(crate) async fn standing(state: &AppState, scope: Scope, on: Above) -> ApiResult<Standing> {
    let store = state.store.as_ref();
    let finish = |access, key: String| async move {
        scheduled_finish(store, access, &key).await.ok().flatten()
    };
    Ok(match on {
        Above::Portfolio(id) => {
            status::portfolio_standing(store, scope, id, server_today(), finish).await?
        }
        Above::Goal(id) => status::goal_standing(store, scope, id, server_today(), finish).await?,
    })
}

/// Where a goal already read stands for the reader.
pub(crate) async fn goal_standing_of(
    state: &AppState,
    scope: Scope,
    seen: &tandem_usecases::goals::Seen,
) -> ApiResult<Standing> {
    let store = state.store.as_ref();
    let finish = |access, key: String| async move {
        scheduled_finish(store, access, &key).await.ok().flatten()
    };
    Ok(status::goal_standing_of(store, scope, seen, server_today(), finish).await?)
}

fn standing_view(now: Standing) -> StandingView {
    StandingView {
        health: now.assessment.health,
        reasons: now.assessment.reasons,
        figures: now.figures,
        latest_update: now.latest.map(|u| StatusUpdateView::new(u, None)),
    }
}

pub async fn portfolio_health(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Json<StandingView>> {
    let now = standing(&state, ctx.scope, Above::Portfolio(id)).await?;
    Ok(Json(standing_view(now)))
}

pub async fn goal_health(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Json<StandingView>> {
    let now = standing(&state, ctx.scope, Above::Goal(id)).await?;
    Ok(Json(standing_view(now)))
}

/// The updates of a portfolio or goal the reader sees.
async fn list_above(
    state: &AppState,
    scope: Scope,
    on: Above,
    query: &HashMap<String, String>,
) -> ApiResult<Json<Vec<StatusUpdateView>>> {
    let store = state.store.as_ref();
    let (before, limit) = page(query)?;
    // Whether the reader sees it: a guest sees only those holding or
    // served by a project shared with them.
    match on {
        Above::Portfolio(id) => {
            tandem_usecases::portfolios::get(store, scope, id).await?;
        }
        Above::Goal(id) => {
            tandem_usecases::goals::visible_goals(store, scope)
                .await?
                .iter()
                .find(|g| g.id == id)
                .ok_or(tandem_store::StoreError::NotFound("goal"))?;
        }
    }
    let updates = status::history(store, scope, on.on(), before, limit).await?;
    Ok(Json(
        updates
            .into_iter()
            .map(|u| StatusUpdateView::new(u, None))
            .collect(),
    ))
}

pub async fn list_portfolio_updates(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<StatusUpdateView>>> {
    list_above(&state, ctx.scope, Above::Portfolio(id), &query).await
}

pub async fn list_goal_updates(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<StatusUpdateView>>> {
    list_above(&state, ctx.scope, Above::Goal(id), &query).await
}

/// Posts an update on a portfolio or goal, with the figures of now.
pub(crate) async fn post_above(
    state: &AppState,
    ctx: &Ctx,
    on: Above,
    body: JsonBody<StatusUpdateInput>,
) -> ApiResult<(StatusCode, Json<StatusUpdateView>)> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let now = standing(state, ctx.scope, on).await?;
    let update = status::post_above(state.store.as_ref(), &writer, on.on(), &now, |derived| {
        body.to_patch(|b| b.into_fields(derived))
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(StatusUpdateView::new(update, None)),
    ))
}

pub async fn post_portfolio_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    body: JsonBody<StatusUpdateInput>,
) -> ApiResult<(StatusCode, Json<StatusUpdateView>)> {
    post_above(&state, &ctx, Above::Portfolio(id), body).await
}

pub async fn post_goal_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    body: JsonBody<StatusUpdateInput>,
) -> ApiResult<(StatusCode, Json<StatusUpdateView>)> {
    post_above(&state, &ctx, Above::Goal(id), body).await
}
