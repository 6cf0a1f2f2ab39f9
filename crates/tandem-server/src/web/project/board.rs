//! A project's board: a column per status, cards ordered by hand, and the
//! move a dropped card posts.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::TaskView;
use tandem_domain::{Id, Task, TaskStatus};
use tandem_usecases::tasks;

use super::nav;
use crate::AppState;
use crate::error::ApiError;
use crate::planning::project_tasks;
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, answer, back, form_version};
use crate::web::layout::{self, Section, Tab, page};
use crate::web::my_work::today;

/// The board's columns: every status but cancelled (cancelled work leaves the board).
fn board_columns() -> impl Iterator<Item = TaskStatus> {
    layout::STATUSES
        .into_iter()
        .filter(|s| *s != TaskStatus::Cancelled)
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

pub async fn board(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    let tasks = project_tasks(store, scope, &project.key).await?;
    let ranks: HashMap<Id, usize> = store
        .board_ranks(access)
        .await?
        .into_iter()
        .enumerate()
        .map(|(place, (id, _))| (id, place))
        .collect();
    let mut columns: Vec<Vec<&Task>> = vec![Vec::new(); board_columns().count()];
    let mut cancelled = 0;
    for task in &tasks {
        match board_columns().position(|s| s == task.status) {
            Some(i) => columns[i].push(task),
            None => cancelled += 1,
        }
    }
    for column in &mut columns {
        column.sort_by_key(|t| ranks.get(&t.id).copied().unwrap_or(usize::MAX));
    }
    let today = today();
    let writer = viewer.can_write();
    let content = html! {
        p.muted.board-help {
            @if writer { "Drag cards between and within columns, or focus a card and press Space, move it with the arrow keys, and press Space again. " }
            @if cancelled > 0 { (cancelled) " cancelled tasks are not shown." }
        }
        div.board data-move=(viewer.url("/t/")) tabindex="0" role="region" aria-label="Board columns" {
            @for (status, cards) in board_columns().zip(&columns) {
                section.column aria-labelledby={ "col-" (status) } {
                    h2 id={ "col-" (status) } { (layout::status_label(status)) " " span.count { (cards.len()) } }
                    @if writer {
                        form.add-card method="post" action=(viewer.url("/tasks")) {
                            input type="hidden" name="project" value=(project.key);
                            input type="hidden" name="status" value=(status);
                            label.visually-hidden for={ "add-" (status) } { "Add a card to " (layout::status_label(status)) }
                            input id={ "add-" (status) } name="title" required maxlength="500" placeholder="+ Add a card" autocomplete="off";
                        }
                    }
                    ul.cards data-status=(status) aria-label=(layout::status_label(status)) {
                        @for t in cards {
                            li.card tabindex="0" data-movable=[writer.then_some("")] data-key=(t.key) data-version=(t.version) aria-describedby="board-help"
                                aria-label={ (t.key) ": " (t.title) ", " (layout::status_label(t.status)) @if let Some(o) = &t.owner { ", " (o.name) } } {
                                a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) }
                                span.title { (t.title) }
                                span.meta {
                                    (layout::priority_badge(t.priority))
                                    (layout::due(t, today))
                                    @if let Some(o) = &t.owner { span.avatar title=(o.name) aria-label={ "Owner " (o.name) } { (initials(&o.name)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p #board-help.visually-hidden { "Arrow keys or j and k go from card to card. Press Space to pick up this card, arrow keys to move it, Space to drop it, Escape to cancel." }
    };
    Ok(page(
        &viewer,
        "Board",
        Section::Projects,
        nav(&project, Tab::Board),
        content,
    ))
}

/// `POST /w/{ws}/t/{key}/move`: a card dropped into a column (`status`)
/// between `after` and `before`, at `version`. A script gets the task's new
/// version.
pub async fn move_card(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let result: Result<tandem_domain::Task, ApiError> = async {
        let writer = viewer.ctx.actor().writer()?;
        let version =
            form_version(&form).map_err(|_| ApiError::field("version", "must be a number"))?;
        let given = |name: &str| form.get(name).filter(|s| !s.is_empty());
        let to = tasks::Move {
            status: match given("status") {
                Some(s) => Some(
                    s.parse()
                        .map_err(|e: String| ApiError::field("status", e))?,
                ),
                None => None,
            },
            blocked_reason: form.get("blocked_reason").map(str::to_string),
            after: given("after").map(str::to_string),
            before: given("before").map(str::to_string),
            version,
        };
        let task = tasks::move_card(state.store.as_ref(), &writer, &key, &to).await?;
        Ok(task)
    }
    .await;
    let to = back(&headers, &viewer.url(&format!("/t/{key}")));
    answer(
        &headers,
        result.map(|task| Json(TaskView::from(task)).into_response()),
        &to,
    )
}
