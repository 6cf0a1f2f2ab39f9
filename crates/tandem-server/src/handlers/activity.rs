//! What changed in a project, newest first.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use tandem_api::*;
use tandem_store::ActivityFilter;

use super::ApiResult;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Ctx;
use crate::routes::*;

const ACTIVITY_PAGE: &[Param] = &[Param {
    name: "before",
    description: "Only changes older than this activity id",
    schema: id_schema,
}];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/activity", "Recent changes in the project, newest first", none(), json::<Vec<ActivityView>>(), 200, project_activity).query(ACTIVITY_PAGE),
    ]
}

pub(crate) fn activity_view(a: tandem_store::ActivityEntry) -> ActivityView {
    ActivityView {
        id: a.id,
        actor: a.actor,
        at: a.at,
        entity_kind: a.entity_kind,
        entity_id: a.entity_id,
        entity_label: a.entity_label,
        action: a.action,
        changes: a.changes,
        rule: a.rule,
    }
}

pub async fn project_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<ActivityView>>> {
    let project = state.store.get_project(ctx.scope, &key).await?;
    let before_id = match query.get("before") {
        Some(b) => Some(
            b.parse()
                .map_err(|_| ApiError::field("before", "must be an activity id"))?,
        ),
        None => None,
    };
    let filter = ActivityFilter {
        project_id: Some(project.id),
        before_id,
        limit: 100,
        ..Default::default()
    };
    Ok(Json(
        state
            .store
            .list_activity(ctx.scope, &filter)
            .await?
            .into_iter()
            .map(activity_view)
            .collect(),
    ))
}
