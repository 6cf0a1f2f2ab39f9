//! The posts that change a piece of work's level: a task promoted to a
//! project (from the task page), a project demoted to a task (from its
//! settings). Both go through the API's handlers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use tandem_api::{DemoteProject, PromoteTask};

use super::Viewer;
use super::common::{FormPairs, WebError, answer, form_if_match, refused};
use crate::AppState;
use crate::extract::JsonBody;
use crate::handlers::levels::{demote, promote};

/// `POST /w/{ws}/t/{key}/promote`: on to the new project.
pub async fn promote_task(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let if_match = form_if_match(&viewer, &body)?;
    let form = FormPairs::parse(&body);
    let input = PromoteTask {
        key: form.get("key").map(|k| k.trim().to_string()),
        name: form
            .get("name")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
    };
    let result = promote(&state, &viewer.ctx, &key, if_match.0, JsonBody::new(input)).await;
    let to = match &result {
        Ok(done) => viewer.url(&format!("/p/{}", done.project.key)),
        Err(_) => viewer.url(&format!("/t/{key}")),
    };
    answer(
        &headers,
        result.map(|done| axum::Json(done).into_response()),
        &to,
    )
}

/// `POST /w/{ws}/p/{key}/demote`: `to_project` names where the task goes
/// (empty: one of the caller's personal tasks); on to the task.
pub async fn demote_project(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let actor = viewer.ctx.actor();
    if let Err(e) = tandem_usecases::levels::may_demote(state.store.as_ref(), &actor, &key).await {
        return Err(refused(&headers, e.into()));
    }
    let if_match = form_if_match(&viewer, &body)?;
    let form = FormPairs::parse(&body);
    let input = match form
        .get("to_project")
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(other) => DemoteProject {
            to_project: Some(other.to_string()),
            personal: None,
        },
        None => DemoteProject {
            to_project: None,
            personal: Some(true),
        },
    };
    let result = demote(&state, &viewer.ctx, &key, if_match.0, JsonBody::new(input)).await;
    let to = match &result {
        Ok(done) => viewer.url(&format!("/t/{}", done.task.key)),
        Err(_) => viewer.url(&format!("/p/{key}/settings")),
    };
    answer(
        &headers,
        result.map(|done| axum::Json(done).into_response()),
        &to,
    )
}
