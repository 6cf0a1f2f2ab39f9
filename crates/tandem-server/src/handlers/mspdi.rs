//! Microsoft Project XML files: a new project from one, and a project as one.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tandem_api::*;
use tandem_domain::*;
use tandem_usecases::planning;

use super::ApiResult;
use crate::AppState;
use crate::extract::Ctx;
use crate::planning::*;
use crate::routes::*;

const IMPORT_QUERY: &[Param] = &[
    Param {
        name: "key",
        description: "The new project's key (default: made from the file's name)",
        schema: query_text,
    },
    Param {
        name: "name",
        description: "The new project's name (default: the file's)",
        schema: query_text,
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(post "/api/v1/workspaces/{ws}/imports/mspdi", "Import a Microsoft Project XML file as a new project", xml(), json::<ProjectView>(), 201, import_mspdi)
            .query(IMPORT_QUERY)
            // Project files are larger than any JSON body.
            .body_limit(crate::IMPORT_LIMIT_BYTES),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/mspdi", "The project as a Microsoft Project XML file", none(), xml(), 200, export_mspdi),
    ]
}

/// Imports a Microsoft Project XML file as a new project (query: `key`,
/// else one made from the file's name; `name`). The file's plan is
/// scheduled first, so a file whose links form a cycle is refused whole.
pub async fn import_mspdi(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let mut v = Validation::new();
    for name in query
        .keys()
        .filter(|k| !["key", "name"].contains(&k.as_str()))
    {
        v.push(name, "unknown query parameter (allowed: key, name)");
    }
    v.into_result()?;
    let import = planning::MspdiImport {
        file: &body,
        key: query.get("key").map(String::as_str),
        name: query.get("name").map(String::as_str),
    };
    let project = planning::import_mspdi(state.store.as_ref(), &writer, import).await?;
    Ok((StatusCode::CREATED, Json(ProjectView::from(project))).into_response())
}

/// The project as a Microsoft Project XML file: its calendar, tasks with
/// their outline, scheduled dates, constraints, actuals and progress,
/// links, and the newest baseline.
pub async fn export_mspdi(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let store = state.store.as_ref();
    let (loaded, tasks) = load_with_tasks(store, ctx.scope, &key).await?;
    let result = tandem_schedule::schedule(&loaded.planned.plan)
        .map_err(|e| schedule_error(e, &loaded.planned))?;
    let baseline = match store.list_baselines(loaded.access).await?.first() {
        Some(newest) => store.get_baseline(loaded.access, newest.id).await?.tasks,
        None => Vec::new(),
    };
    let baseline: HashMap<Id, &BaselineTask> = baseline.iter().map(|b| (b.task_id, b)).collect();
    let by_id: HashMap<Id, &Task> = tasks.iter().map(|t| (t.id, t)).collect();
    let extras: Vec<tandem_schedule::mspdi::ExportTask> = loaded
        .planned
        .task_ids
        .iter()
        .map(|id| {
            let task = by_id[id];
            tandem_schedule::mspdi::ExportTask {
                name: task.title.clone(),
                code: task.key.clone(),
                percent_complete: task.percent_complete,
                notes: task.description.clone(),
                baseline: baseline
                    .get(id)
                    .map(|b| tandem_schedule::mspdi::MspdiBaseline {
                        start: b.start,
                        finish: b.finish,
                        duration_minutes: b.duration_minutes,
                    }),
            }
        })
        .collect();
    let xml =
        tandem_schedule::mspdi::write(&loaded.project.name, &loaded.planned.plan, &result, &extras);
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.xml\"", loaded.project.key),
            ),
        ],
        xml,
    )
        .into_response())
}
