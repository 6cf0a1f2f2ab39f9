//! The list's bulk edit: the fields its form sets, applied to the
//! selected rows at the versions the page showed, all or none.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use tandem_api::TaskView;
use tandem_domain::{Email, FieldError, Id, Priority, TaskStatus};
use tandem_usecases::Error as UseCaseError;
use tandem_usecases::tasks::{self, BulkChange};

use crate::AppState;
use crate::error::ApiError;
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, back, from_script, posted, refused};

/// `POST /w/{ws}/tasks/bulk`: the list's form applies the bulk fields to
/// the selected rows, each at the version the page showed (`v.KEY`), all
/// in one transaction or none. A bad value is named by row, as the list
/// shows it (`LAUNCH-10.due_date`), and a stale row is the page's "changed
/// since you opened it".
pub async fn bulk_edit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let writer = (viewer.ctx.actor().writer()).map_err(|e| refused(&headers, e.into()))?;
    let bulk = |name: &str| {
        form.get(&format!("bulk_{name}"))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let keys = form.all("sel");
    if keys.is_empty() {
        return Err(refused(
            &headers,
            ApiError::field("sel", "select at least one row"),
        ));
    }
    let mut errors = Vec::new();
    let mut bad = |field: &str, message: String| {
        for key in &keys {
            errors.push(FieldError::new(format!("{key}.{field}"), message.clone()));
        }
    };
    let mut change = BulkChange::default();
    match bulk("status").map(str::parse::<TaskStatus>) {
        Some(Ok(s)) => change.status = Some(s),
        Some(Err(e)) => bad("status", e),
        None => {}
    }
    // Blocked says why, for every task it blocks.
    if change.status == Some(TaskStatus::Blocked) {
        match bulk("blocked_reason") {
            Some(reason) => change.blocked_reason = Some(reason.to_string()),
            None => bad(
                "blocked_reason",
                "must say why the tasks are blocked".into(),
            ),
        }
    }
    match bulk("priority").map(str::parse::<Priority>) {
        Some(Ok(p)) => change.priority = Some(p),
        Some(Err(e)) => bad("priority", e),
        None => {}
    }
    match bulk("owner") {
        Some("none") => change.owner = Some(None),
        Some(owner) => match Email::parse(owner) {
            Ok(email) => change.owner = Some(Some(email)),
            Err(e) => bad("owner", e),
        },
        None => {}
    }
    match bulk("due").map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")) {
        Some(Ok(d)) => change.due_date = Some(Some(d)),
        Some(Err(_)) => bad("due_date", "must be a date, YYYY-MM-DD".into()),
        None => {}
    }
    for (field, name) in [("phase", "phase_id"), ("milestone", "milestone_id")] {
        let chosen = match bulk(field) {
            Some("none") => Some(None),
            Some(id) => match id.parse::<Id>() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    bad(name, format!("must be one of the project's {field}s"));
                    continue;
                }
            },
            None => continue,
        };
        if field == "phase" {
            change.phase_id = chosen;
        } else {
            change.milestone_id = chosen;
        }
    }
    if !errors.is_empty() {
        return Err(refused(&headers, ApiError::Invalid(errors)));
    }
    let seen: Vec<tasks::Seen> = keys
        .iter()
        .map(|key| tasks::Seen {
            key: key.to_string(),
            version: form.get(&format!("v.{key}")).and_then(|v| v.parse().ok()),
        })
        .collect();
    let store = state.store.as_ref();
    let written = match tasks::bulk_edit(store, &writer, &seen, &change).await {
        Ok(written) => written,
        Err(UseCaseError::StaleInBatch { current, .. }) => {
            return Err(refused(&headers, ApiError::PreconditionFailed { current }));
        }
        Err(UseCaseError::Invalid(errors)) => {
            let by_row = errors.into_iter().map(|e| FieldError {
                field: row_field(&e.field, &keys),
                message: e.message,
            });
            return Err(refused(&headers, ApiError::Invalid(by_row.collect())));
        }
        Err(other) => return Err(refused(&headers, other.into())),
    };
    // A script gets the rows as written: what its Undo compares with.
    if from_script(&headers) {
        let rows: Vec<TaskView> = written.into_iter().map(TaskView::from).collect();
        return Ok(Json(rows).into_response());
    }
    Ok(posted(&headers, &back(&headers, &viewer.url("/my"))))
}

/// `tasks[1].due_date` as the list names it: `LAUNCH-11.due_date`.
fn row_field(field: &str, keys: &[&str]) -> String {
    let row = field
        .strip_prefix("tasks[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(index, rest)| Some((keys.get(index.parse::<usize>().ok()?)?, rest)));
    match row {
        Some((key, rest)) => format!("{key}.{rest}"),
        None => field.to_string(),
    }
}
