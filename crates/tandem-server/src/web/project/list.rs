//! A project's list page (filter, sort, group, inline edits; by key or due
//! date a page of rows at a time) and the bulk edit its form posts. Not
//! the task page's own edits.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use tandem_domain::{Email, FieldError, Id, Priority, Task, TaskStatus};
use tandem_store::{TaskFilter, TaskOrder};
use tandem_usecases::Error as UseCaseError;
use tandem_usecases::tasks::{self, BulkChange};

use super::{Params, nav};
use crate::AppState;
use crate::error::ApiError;
use crate::handlers::tasks::{format_cursor, parse_cursor};
use crate::planning::all_tasks;
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, back, encode, posted, refused};
use crate::web::layout::{self, Section, Tab, page};
use crate::web::my_work::today;

const SORTS: [(&str, &str); 7] = [
    ("key", "Key"),
    ("due", "Due date"),
    ("priority", "Priority"),
    ("status", "Status"),
    ("title", "Title"),
    ("owner", "Owner"),
    ("start", "Start date"),
];

/// Rows a page of the list shows when it is paged (by key or due date,
/// ungrouped).
const LIST_PAGE: usize = 200;

const GROUPS: [(&str, &str); 4] = [
    ("none", "Nothing"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("phase", "Phase"),
];

fn rank<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).unwrap_or(all.len())
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
    Query(query): Params,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut filter = TaskFilter {
        project: Some(project.key.clone()),
        ..Default::default()
    };
    if let Some(status) = get("status") {
        match status {
            "open" => filter.open = true,
            s => {
                filter.statuses = vec![
                    s.parse()
                        .map_err(|e: String| ApiError::field("status", e))?,
                ]
            }
        }
    }
    filter.owner = crate::handlers::tasks::owner_filter(viewer.user().id, get("owner"))?;
    filter.text = get("q").map(str::to_string);
    filter.phase = match get("phase") {
        None => None,
        Some("none") => Some(None),
        Some(id) => {
            Some(Some(id.parse().map_err(|_| {
                ApiError::field("phase", "must be a phase id")
            })?))
        }
    };
    let sort = get("sort").unwrap_or("key");
    if !SORTS.iter().any(|(s, _)| *s == sort) {
        return Err(ApiError::field(
            "sort",
            "must be key, due, priority, status, title, owner or start",
        )
        .into());
    }
    let group = get("group").unwrap_or("none");
    if !GROUPS.iter().any(|(g, _)| *g == group) {
        return Err(ApiError::field("group", "must be none, status, owner or phase").into());
    }
    // By key or due date and ungrouped, the list is read a page at a time
    // in the store's order. The other orders and the groups are made here
    // from every task the filters select: the store has no index for them
    // (yet), so they still read the whole selection.
    let order = match (sort, group) {
        ("key", "none") => Some(TaskOrder::Id),
        ("due", "none") => Some(TaskOrder::Due),
        _ => None,
    };
    let (mut tasks, after, next) = match order {
        Some(order) => {
            filter.order = order;
            filter.limit = LIST_PAGE;
            filter.after = get("cursor")
                .map(|c| {
                    parse_cursor(order, c)
                        .ok_or_else(|| ApiError::field("cursor", "is not a link from this list"))
                })
                .transpose()?;
            let page = store.list_tasks(scope, &filter).await?;
            (page.tasks, filter.after, page.next)
        }
        None => (all_tasks(store, scope, filter).await?, None, None),
    };
    // The filters and the order go with the links to other pages.
    let kept: Vec<String> = ["q", "status", "owner", "phase", "sort", "group"]
        .into_iter()
        .filter_map(|name| get(name).map(|v| format!("{name}={}", encode(v))))
        .collect();
    let list_url =
        |pairs: &[String]| viewer.url(&format!("/p/{}/list?{}", project.key, pairs.join("&")));
    let first = list_url(&kept);
    let more = next.map(|next| {
        let mut pairs = kept.clone();
        pairs.push(format!(
            "cursor={}",
            format_cursor(order.unwrap_or_default(), next)
        ));
        list_url(&pairs)
    });
    let members = store.list_members(scope).await?;
    let phases = store.list_phases(access).await?;
    let milestones = store.list_milestones(access).await?;
    let phase_name: HashMap<Id, &str> = phases.iter().map(|p| (p.id, p.name.as_str())).collect();
    let owner_name = |t: &Task| t.owner.as_ref().map(|u| u.name.to_lowercase());
    match sort {
        // A page comes in the store's order already.
        _ if order.is_some() => {}
        "due" => tasks.sort_by_key(|t| (t.due_date.is_none(), t.due_date, t.number)),
        "start" => tasks.sort_by_key(|t| (t.start_date.is_none(), t.start_date, t.number)),
        "priority" => tasks.sort_by_key(|t| (rank(&layout::PRIORITIES, &t.priority), t.number)),
        "status" => tasks.sort_by_key(|t| (rank(&layout::STATUSES, &t.status), t.number)),
        "title" => tasks.sort_by_key(|t| (t.title.to_lowercase(), t.number)),
        "owner" => tasks.sort_by_key(|t| (owner_name(t).is_none(), owner_name(t), t.number)),
        _ => tasks.sort_by_key(|t| t.number),
    }
    // Groups in a meaningful order (status order, phase position, names).
    let mut groups: Vec<(String, Vec<&Task>)> = Vec::new();
    let group_of = |t: &Task| -> (usize, String) {
        match group {
            "status" => (
                rank(&layout::STATUSES, &t.status),
                layout::status_label(t.status).to_string(),
            ),
            "owner" => match &t.owner {
                Some(u) => (0, u.name.clone()),
                None => (1, "Unassigned".into()),
            },
            "phase" => match t.phase_id {
                Some(id) => (
                    phases.iter().position(|p| p.id == id).unwrap_or(0),
                    phase_name.get(&id).unwrap_or(&"?").to_string(),
                ),
                None => (usize::MAX, "No phase".into()),
            },
            _ => (0, String::new()),
        }
    };
    let mut keyed: Vec<((usize, String), &Task)> = tasks.iter().map(|t| (group_of(t), t)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for ((_, name), task) in keyed {
        match groups.last_mut() {
            Some((last, list)) if *last == name => list.push(task),
            _ => groups.push((name, vec![task])),
        }
    }
    let today = today();
    let writer = viewer.can_write();
    let selected = |name: &str, value: &str| get(name) == Some(value);
    let content = html! {
        form.filters method="get" aria-label="Filter, sort and group" {
            label for="f-q" { "Search" }
            input #f-q name="q" type="search" value=[get("q")];
            label for="f-status" { "Status" }
            select #f-status name="status" {
                option value="" { "Any" }
                option value="open" selected[selected("status", "open")] { "Open" }
                @for s in layout::STATUSES { option value=(s) selected[selected("status", s.as_str())] { (layout::status_label(s)) } }
            }
            label for="f-owner" { "Owner" }
            select #f-owner name="owner" {
                option value="" { "Anyone" }
                option value="me" selected[selected("owner", "me")] { "Me" }
                option value="none" selected[selected("owner", "none")] { "Unassigned" }
                @for m in &members { option value=(m.user.email) selected[selected("owner", &m.user.email)] { (m.user.name) } }
            }
            label for="f-phase" { "Phase" }
            select #f-phase name="phase" {
                option value="" { "Any" }
                option value="none" selected[selected("phase", "none")] { "No phase" }
                @for p in &phases { option value=(p.id) selected[selected("phase", &p.id.to_string())] { (p.name) } }
            }
            label for="f-sort" { "Sort by" }
            select #f-sort name="sort" {
                @for (value, label) in SORTS { option value=(value) selected[sort == value] { (label) } }
            }
            label for="f-group" { "Group by" }
            select #f-group name="group" {
                @for (value, label) in GROUPS { option value=(value) selected[group == value] { (label) } }
            }
            button type="submit" { "Apply" }
        }
        p.muted {
            @if more.is_some() || after.is_some() {
                (tasks.len()) " tasks shown, " (LIST_PAGE) " at a time"
                @if after.is_some() { " · " a href=(first) { "back to the first" } }
            } @else {
                (tasks.len()) " tasks"
            }
        }
        datalist #members { @for m in &members { option value=(m.user.email) { (m.user.name) } } }
        form #list-form method="post" action=(viewer.url("/tasks/bulk")) {
            @if writer {
                fieldset.bulk {
                    legend { "Change the selected rows" }
                    label for="b-status" { "Status" }
                    select #b-status name="bulk_status" { option value="" { "—" } @for s in layout::STATUSES { option value=(s) { (layout::status_label(s)) } } }
                    label for="b-priority" { "Priority" }
                    select #b-priority name="bulk_priority" { option value="" { "—" } @for p in layout::PRIORITIES { option value=(p) { (layout::priority_label(p)) } } }
                    label for="b-owner" { "Owner" }
                    select #b-owner name="bulk_owner" { option value="" { "—" } option value="none" { "Unassigned" } @for m in &members { option value=(m.user.email) { (m.user.name) } } }
                    label for="b-due" { "Due" }
                    input #b-due name="bulk_due" type="date";
                    @if !phases.is_empty() {
                        label for="b-phase" { "Phase" }
                        select #b-phase name="bulk_phase" { option value="" { "—" } option value="none" { "No phase" } @for p in &phases { option value=(p.id) { (p.name) } } }
                    }
                    @if !milestones.is_empty() {
                        label for="b-milestone" { "Milestone" }
                        select #b-milestone name="bulk_milestone" { option value="" { "—" } option value="none" { "No milestone" } @for m in &milestones { option value=(m.id) { (m.name) } } }
                    }
                    button type="submit" { "Apply to selected" }
                    span.selected-count aria-live="polite" {}
                }
            }
            div.table-wrap tabindex="0" role="region" aria-label="Tasks table" {
                table.grid.tasks {
                    caption.visually-hidden { "Tasks of " (project.name) }
                    thead { tr {
                        @if writer { th scope="col" { input type="checkbox" data-select-all aria-label="Select all rows"; } }
                        th scope="col" { "Key" } th scope="col" { "Title" } th scope="col" { "Status" } th scope="col" { "Priority" } th scope="col" { "Owner" } th scope="col" { "Due" } th scope="col" { "Phase" }
                    } }
                    @for (name, list) in &groups {
                        tbody {
                            @if group != "none" {
                                tr.group { th colspan="8" scope="rowgroup" { (name) " " span.count { (list.len()) } } }
                            }
                            @for t in list {
                                tr data-key=(t.key) data-version=(t.version) {
                                    @if writer {
                                        td {
                                            input type="checkbox" name="sel" value=(t.key) aria-label={ "Select " (t.key) };
                                            input type="hidden" name={ "v." (t.key) } value=(t.version);
                                        }
                                    }
                                    td { a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } }
                                    td.title { a href=(viewer.url(&format!("/t/{}", t.key))) { (t.title) } }
                                    @if writer {
                                        // Click to edit: app.js swaps the button for a control.
                                        td { button.cell type="button" data-field="status" data-value=(t.status) { (layout::status_label(t.status)) } }
                                        td { button.cell type="button" data-field="priority" data-value=(t.priority) { (layout::priority_label(t.priority)) } }
                                        td { button.cell type="button" data-field="owner" data-value=(t.owner.as_ref().map(|u| u.email.as_str()).unwrap_or("")) { (t.owner.as_ref().map(|u| u.name.as_str()).unwrap_or("—")) } }
                                        td { button.cell type="button" data-field="due_date" data-value=[t.due_date] { (layout::due(t, today)) } }
                                        td { button.cell type="button" data-field="phase_id" data-value=[t.phase_id] { (t.phase_id.and_then(|id| phase_name.get(&id).copied()).unwrap_or("—")) } }
                                    } @else {
                                        td { (layout::status_badge(t.status)) }
                                        td { (layout::priority_badge(t.priority)) }
                                        td { (layout::person(t.owner.as_ref())) }
                                        td { (layout::due(t, today)) }
                                        td { (t.phase_id.and_then(|id| phase_name.get(&id).copied()).unwrap_or("—")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(href) = &more {
            p.more { a href=(href) rel="next" { "Show the next " (LIST_PAGE) } }
        }
        @if writer {
            template #tpl-status { select aria-label="Status" { @for st in layout::STATUSES { option value=(st) { (layout::status_label(st)) } } } }
            template #tpl-priority { select aria-label="Priority" { @for p in layout::PRIORITIES { option value=(p) { (layout::priority_label(p)) } } } }
            template #tpl-owner { input list="members" aria-label="Owner (email)" size="16"; }
            template #tpl-due_date { input type="date" aria-label="Due date"; }
            template #tpl-phase_id { select aria-label="Phase" data-kind="id" { option value="" { "—" } @for p in &phases { option value=(p.id) { (p.name) } } } }
        }
            @if writer {
            section {
                h2 { "Add a task" }
                form.inline-form method="post" action=(viewer.url("/tasks")) {
                    input type="hidden" name="project" value=(project.key);
                    label for="nt-title" { "Title" }
                    input #nt-title name="title" required;
                    label for="nt-owner" { "Owner" }
                    input #nt-owner name="owner" list="members" size="14";
                    label for="nt-due" { "Due" }
                    input #nt-due name="due_date" type="date";
                    button type="submit" { "Add" }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "List",
        Section::Projects,
        nav(&project, Tab::List),
        content,
    ))
}

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
    match tasks::bulk_edit(store, &writer, &seen, &change).await {
        Ok(_) => {}
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
