//! A project's board: a column per status, cards ordered by hand, and the
//! move a dropped card posts.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::TaskView;
use tandem_domain::{Task, TaskStatus};
use tandem_store::{GroupKey, TaskFilter, TaskGroup, TaskOrder};
use tandem_usecases::tasks;

use super::{Params, nav};
use crate::AppState;
use crate::error::ApiError;
use crate::handlers::tasks::{format_cursor, parse_cursor};
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, answer, back, encode, form_version};
use crate::web::layout::{self, Section, Tab, page};
use crate::web::my_work::today;

/// The board's columns: every status but cancelled (cancelled work leaves the board).
fn board_columns() -> impl Iterator<Item = TaskStatus> {
    layout::STATUSES
        .into_iter()
        .filter(|s| *s != TaskStatus::Cancelled)
}

/// Cards each column shows before its "more" link.
const BOARD_PAGE: usize = 50;

/// One column as shown: its status, how many cards it has, the first of
/// them in the board's order, and where the rest continue.
struct Column {
    status: TaskStatus,
    count: u64,
    cards: Vec<Task>,
    more: Option<String>,
}

/// `GET /w/{ws}/p/{key}/board`: every column's first cards; with `status`
/// and `cursor` (a column's "more" link), that column alone, after the
/// cursor. No column reads more than its window.
pub async fn board(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
    Query(query): Params,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    let phases = store.list_phases(access).await?;
    let milestones = store.list_milestones(access).await?;
    let milestone_name = |id: Option<tandem_domain::Id>| {
        id.and_then(|id| milestones.iter().find(|m| m.id == id))
            .map_or("No milestone", |m| m.name.as_str())
    };
    let phase_name = |id: Option<tandem_domain::Id>| {
        id.and_then(|id| phases.iter().find(|p| p.id == id))
            .map_or("No phase", |p| p.name.as_str())
    };
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    // A status shows its column alone; "open", the columns of work not
    // done (as the list's filter of the same name).
    let open = get("status") == Some("open");
    let only: Option<TaskStatus> = get("status")
        .filter(|_| !open)
        .map(|s| s.parse().map_err(|e: String| ApiError::field("status", e)))
        .transpose()?;
    let after = get("cursor")
        .map(|c| {
            parse_cursor(TaskOrder::Board, c)
                .ok_or_else(|| ApiError::field("cursor", "is not a link from this board"))
        })
        .transpose()?;
    let filter = TaskFilter {
        order: TaskOrder::Board,
        limit: BOARD_PAGE,
        ..super::list::shared_filter(&viewer, &project.key, &query)?
    };
    // The filters the address holds, kept by the column's "more" links,
    // the views bar and a view saved here.
    let kept: Vec<String> = ["q", "status", "owner", "phase"]
        .into_iter()
        .filter_map(|name| get(name).map(|v| format!("{name}={}", encode(v))))
        .collect();
    let current_query = kept.join("&");
    let narrowed: String = kept
        .iter()
        .filter(|pair| !pair.starts_with("status="))
        .map(|pair| format!("&{pair}"))
        .collect();
    let counts: HashMap<TaskStatus, u64> = store
        .count_tasks_by(scope, &filter, TaskGroup::Status)
        .await?
        .into_iter()
        .filter_map(|(key, count)| match key {
            GroupKey::Status(s) => Some((s, count)),
            _ => None,
        })
        .collect();
    let cancelled = counts.get(&TaskStatus::Cancelled).copied().unwrap_or(0);
    let mut columns = Vec::new();
    for status in board_columns()
        .filter(|s| only.is_none_or(|o| o == *s))
        .filter(|s| !open || !matches!(s, TaskStatus::Done))
    {
        let count = counts.get(&status).copied().unwrap_or(0);
        let page = if count == 0 {
            tandem_store::TaskPage {
                tasks: Vec::new(),
                next: None,
            }
        } else {
            let column = TaskFilter {
                statuses: vec![status],
                after: after.clone().filter(|_| only.is_some()),
                ..filter.clone()
            };
            store.list_tasks(scope, &column).await?
        };
        let more = page.next.map(|next| {
            viewer.url(&format!(
                "/p/{}/board?status={status}&cursor={}{narrowed}",
                project.key,
                format_cursor(TaskOrder::Board, &next)
            ))
        });
        columns.push(Column {
            status,
            count,
            cards: page.tasks,
            more,
        });
    }
    let today = today();
    let writer = viewer.can_write();
    let members = store.list_members(scope).await?;
    let views = store.list_views(access).await?;
    let content = html! {
        (super::list::views_nav(&viewer, &project.key, "board", &views, &current_query))
        form.filters method="get" aria-label="Filter the board" {
            (super::list::filter_fields(&query, &members, &phases))
            button type="submit" { "Apply" }
        }
        p.muted.board-help {
            @if only.is_some() { a href=(viewer.url(&format!("/p/{}/board?{}", project.key, narrowed.trim_start_matches('&')))) { "← The whole board" } " " }
            @if writer { "Drag cards between and within columns, or focus a card and press Space, move it with the arrow keys, and press Space again. " }
            @if cancelled > 0 && only.is_none() { (cancelled) " cancelled tasks are not shown." }
        }
        div.board data-move=(viewer.url("/t/")) tabindex="0" role="region" aria-label="Board columns" {
            @for column in &columns {
                @let status = column.status;
                section.column aria-labelledby={ "col-" (status) } {
                    h2 id={ "col-" (status) } { (layout::status_label(status)) " " span.count data-total=(column.count) { (column.count) } }
                    @if writer {
                        form.add-card method="post" action=(viewer.url("/tasks")) {
                            input type="hidden" name="project" value=(project.key);
                            input type="hidden" name="status" value=(status);
                            // Added at the top, where it is typed: before
                            // the column's first card.
                            @if let Some(first) = column.cards.first() { input type="hidden" name="first" value=(first.key); }
                            label.visually-hidden for={ "add-" (status) } { "Add a card to " (layout::status_label(status)) }
                            input id={ "add-" (status) } name="title" required maxlength="500" placeholder="+ Add a card" autocomplete="off";
                            // A blocked card says why, as a card moved here does.
                            @if status == TaskStatus::Blocked {
                                label.visually-hidden for="add-blocked-reason" { "Why it is blocked" }
                                input #add-blocked-reason name="blocked_reason" required maxlength="2000" placeholder="Blocked because…" autocomplete="off";
                                button type="submit" { "Add" }
                            }
                        }
                    }
                    ul.cards id={ "cards-" (status) } data-status=(status) data-shown=(column.cards.len()) aria-label=(layout::status_label(status)) {
                        @for t in &column.cards {
                            li.card tabindex="0" data-movable=[writer.then_some("")] data-key=(t.key) data-version=(t.version) aria-describedby="board-help"
                                aria-label={ (t.key) ": " (t.title) ", " (layout::status_label(t.status)) @if let Some(o) = &t.owner { ", " (o.name) } } {
                                a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) }
                                span.title { (t.title) }
                                span.meta {
                                    (layout::priority_badge(t.priority))
                                    (layout::due(t, today))
                                    @if let Some(o) = &t.owner {
                                        span.avatar title=(o.name) aria-label={ "Owner " (o.name) } { (tandem_domain::initials(&o.name)) }
                                        @if layout::gone(o, &members) { (layout::gone_flag()) }
                                    }
                                }
                                // A card goes into a phase here, as a list
                                // row does: the list's inline edit.
                                @if writer && !phases.is_empty() {
                                    button.cell.phase type="button" data-field="phase_id" data-value=[t.phase_id]
                                        aria-label={ "Phase of " (t.key) ": " (phase_name(t.phase_id)) } { (phase_name(t.phase_id)) }
                                }
                                @if writer && !milestones.is_empty() {
                                    button.cell.phase type="button" data-field="milestone_id" data-value=[t.milestone_id]
                                        aria-label={ "Milestone of " (t.key) ": " (milestone_name(t.milestone_id)) } { (milestone_name(t.milestone_id)) }
                                }
                            }
                        }
                    }
                    @if let Some(href) = &column.more {
                        p.more { a href=(href) rel="next" data-append={ "#cards-" (status) } {
                            "Show more of " (layout::status_label(status))
                        } }
                    }
                }
            }
        }
        @if writer && !phases.is_empty() {
            template #tpl-phase_id { select aria-label="Phase" data-kind="id" { option value="" { "No phase" } @for p in &phases { option value=(p.id) { (p.name) } } } }
        }
        @if writer && !milestones.is_empty() {
            template #tpl-milestone_id { select aria-label="Milestone" data-kind="id" { option value="" { "No milestone" } @for m in &milestones { option value=(m.id) { (m.name) } } } }
        }
        @if writer { (super::list::save_view(&viewer, &project.key, "board", &current_query, "Save these filters as a view:")) }
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
