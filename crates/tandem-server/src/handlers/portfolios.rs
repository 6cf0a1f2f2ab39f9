//! Portfolios and their tables.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_domain::{Health, Id};
use tandem_usecases::portfolios::{self, Row, Seen, Totals};

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::planning::{scheduled_finish, server_today};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/portfolios", "Portfolios, by name", none(), json::<Vec<PortfolioSummaryView>>(), 200, list_portfolios),
        route!(post "/api/v1/workspaces/{ws}/portfolios", "Create a portfolio of projects (and of portfolios)", creating::<PortfolioInput>("CreatePortfolio", &["name"]), json::<PortfolioSummaryView>(), 201, create_portfolio).etag(),
        route!(get "/api/v1/workspaces/{ws}/portfolios/{id}", "A portfolio's table: each project's health, progress, dates and slip, with totals", none(), json::<PortfolioView>(), 200, get_portfolio).etag(),
        route!(patch "/api/v1/workspaces/{ws}/portfolios/{id}", "Rename a portfolio, change its owner, or replace what it holds", json::<PortfolioInput>(), json::<PortfolioSummaryView>(), 200, update_portfolio).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/portfolios/{id}", "Delete a portfolio (its projects stay)", none(), none(), 204, delete_portfolio).if_match(),
    ]
}

pub(crate) fn summary(seen: &Seen) -> PortfolioSummaryView {
    let p = &seen.portfolio;
    PortfolioSummaryView {
        id: p.id,
        name: p.name.clone(),
        owner: p.owner.clone(),
        projects: seen.projects.iter().map(|(p, _)| p.key.clone()).collect(),
        portfolios: refs(&seen.children),
        version: p.version,
        created_at: p.created_at,
    }
}

fn refs(children: &[(Id, String)]) -> Vec<PortfolioRef> {
    children
        .iter()
        .map(|(id, name)| PortfolioRef {
            id: *id,
            name: name.clone(),
        })
        .collect()
}

pub(crate) fn row_view(row: &Row) -> PortfolioProjectView {
    let (p, h) = (&row.project, &row.health);
    PortfolioProjectView {
        key: p.key.clone(),
        name: p.name.clone(),
        owner: p.owner.clone(),
        stage: p.stage,
        status: p.status,
        health: h.assessment.health,
        progress: h.figures.progress,
        start_date: p.start_date,
        target_date: p.target_date,
        scheduled_finish: h.figures.scheduled_finish,
        slip_days: h.figures.slip_days,
        baseline_slip_days: h.figures.baseline_slip_days,
        next_milestone: h.next_milestone.as_ref().map(|(name, date)| MilestoneDate {
            name: name.clone(),
            date: *date,
        }),
        open_high_risks: h.high_risks,
        overdue_tasks: h.figures.overdue_tasks,
        budget: p.budget,
        latest_update: h.latest.as_ref().map(|u| LatestUpdate {
            health: u.health,
            text: u.text.clone(),
            author: u.author.clone(),
            created_at: u.created_at,
        }),
        update_due: h.update_due,
    }
}

fn totals_view(t: &Totals) -> PortfolioTotals {
    let count = |h: Health| {
        t.by_health
            .iter()
            .find(|(health, _)| *health == h)
            .map_or(0, |(_, n)| *n)
    };
    PortfolioTotals {
        projects: t.projects,
        progress: t.progress,
        budget: t.budget,
        health: HealthCounts {
            on_track: count(Health::OnTrack),
            at_risk: count(Health::AtRisk),
            off_track: count(Health::OffTrack),
        },
    }
}

/// A portfolio's table, read from the stored schedules.
pub(crate) async fn table(state: &AppState, seen: &Seen) -> ApiResult<(Vec<Row>, Totals)> {
    let store = state.store.as_ref();
    Ok(
        portfolios::table(store, seen, server_today(), |access, key| async move {
            scheduled_finish(store, access, &key).await.ok().flatten()
        })
        .await?,
    )
}

pub async fn list_portfolios(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<PortfolioSummaryView>>> {
    let seen = portfolios::list(state.store.as_ref(), ctx.scope).await?;
    Ok(Json(seen.iter().map(summary).collect()))
}

pub async fn create_portfolio(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<PortfolioInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let store = state.store.as_ref();
    let created = portfolios::create(store, &writer, &fields).await?;
    let seen = portfolios::get(store, ctx.scope, created.id).await?;
    Ok(versioned(
        StatusCode::CREATED,
        created.version,
        summary(&seen),
    ))
}

pub async fn get_portfolio(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let seen = portfolios::get(state.store.as_ref(), ctx.scope, id).await?;
    let (rows, totals) = table(&state, &seen).await?;
    let p = &seen.portfolio;
    let view = PortfolioView {
        id: p.id,
        name: p.name.clone(),
        owner: p.owner.clone(),
        portfolios: refs(&seen.children),
        projects: rows.iter().map(row_view).collect(),
        totals: totals_view(&totals),
        version: p.version,
    };
    Ok(versioned(StatusCode::OK, p.version, view))
}

pub async fn update_portfolio(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<PortfolioInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let store = state.store.as_ref();
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let updated = portfolios::update(store, &writer, id, expected, &change).await?;
    let seen = portfolios::get(store, ctx.scope, updated.id).await?;
    Ok(versioned(StatusCode::OK, updated.version, summary(&seen)))
}

pub async fn delete_portfolio(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    portfolios::delete(state.store.as_ref(), &writer, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
