//! Milestones across projects: the timeline of a workspace or portfolio.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use tandem_api::*;
use tandem_usecases::milestones::{self, Timeline};

use super::ApiResult;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Ctx;
use crate::routes::*;

const TIMELINE_OF: &[Param] = &[Param {
    name: "portfolio",
    description: "Only the milestones of this portfolio's projects (its id)",
    schema: portfolio_schema,
}];

/// A portfolio's id, or empty for none (a form's "every project").
fn portfolio_schema() -> serde_json::Value {
    or_empty(id_schema())
}

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/milestones", "Every milestone across projects, planned and scheduled, with the dependencies between their projects", none(), json::<MilestoneTimelineView>(), 200, timeline).query(TIMELINE_OF),
    ]
}

pub(crate) fn timeline_view(t: &Timeline) -> MilestoneTimelineView {
    MilestoneTimelineView {
        milestones: t
            .milestones
            .iter()
            .map(|e| MilestoneAcrossView {
                id: e.milestone.id,
                project: e.project.key.clone(),
                project_name: e.project.name.clone(),
                name: e.milestone.name.clone(),
                date: e.milestone.date,
                scheduled: e.scheduled,
                slip_days: e.slip_days(),
            })
            .collect(),
        dependencies: t
            .links
            .iter()
            .map(|l| CrossDependencyView {
                id: l.id,
                kind: l.kind,
                predecessor: l.predecessor.key.clone(),
                predecessor_title: l.predecessor.title.clone(),
                predecessor_milestone: l.predecessor_milestone,
                successor: l.successor.key.clone(),
                successor_title: l.successor.title.clone(),
                successor_milestone: l.successor_milestone,
            })
            .collect(),
    }
}

/// The `portfolio` a query names, if any.
pub(crate) fn portfolio_of(query: &HashMap<String, String>) -> Result<Option<i64>, ApiError> {
    query
        .get("portfolio")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| ApiError::field("portfolio", "must be a portfolio's id (a number)"))
        })
        .transpose()
}

pub async fn timeline(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<MilestoneTimelineView>> {
    let portfolio = portfolio_of(&query)?;
    let t = milestones::across(state.store.as_ref(), ctx.scope, portfolio).await?;
    Ok(Json(timeline_view(&t)))
}
