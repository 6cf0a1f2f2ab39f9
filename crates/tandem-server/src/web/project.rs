//! A project's pages: the overview, the list (filter, sort, group, inline
//! and bulk edits), the board (columns by status, ordered by hand) and the
//! risk register with its heat map.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{RiskInput, TaskView};
use tandem_domain::rollup::{ProgressInput, rollup};
use tandem_domain::workload::{HealthInput, project_health};
use tandem_domain::{Email, FieldError, Id, Priority, Task, TaskStatus, risk_level};
use tandem_store::{ActivityFilter, TaskFilter};
use tandem_usecases::Error as UseCaseError;
use tandem_usecases::tasks::{self, BulkChange};

use super::Viewer;
use super::common::{
    FormPairs, Kind, WebError, answer, back, form_version, json_body, posted, refused,
};
use super::layout::{self, ProjectNav, Section, Tab, page};
use super::my_work::today;
use crate::AppState;
use crate::error::ApiError;
use crate::planning::{all_tasks, current_schedule, project_tasks};

type Params = Query<HashMap<String, String>>;

fn nav<'a>(project: &'a tandem_domain::Project, tab: Tab) -> Option<ProjectNav<'a>> {
    Some(ProjectNav {
        key: &project.key,
        name: &project.name,
        tab,
    })
}

// --- overview ------------------------------------------------------------------

pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let today = today();
    let schedule = current_schedule(store, scope, &key).await;
    let (project, tasks, finish) = match schedule {
        Ok((loaded, stored)) => (loaded.project, loaded.tasks, Some(stored.finish.date())),
        Err(ApiError::NotFound(what)) => return Err(ApiError::NotFound(what).into()),
        Err(_) => {
            // A plan the scheduler refuses still has an overview.
            let project = store.get_project(scope, &key).await?;
            let tasks = project_tasks(store, scope, &project.key).await?;
            (project, tasks, None)
        }
    };
    // Roll-up from the tasks in hand, as the store would from the same rows.
    let inputs: Vec<ProgressInput> = tasks
        .iter()
        .map(|t| ProgressInput {
            id: t.id,
            parent_id: t.parent.as_ref().map(|p| p.id),
            status: t.status,
            percent_complete: t.percent_complete,
            effort_hours: t.effort_hours,
            estimate_days: t.estimate_days,
        })
        .collect();
    let project_progress = rollup(&inputs, &inputs);
    let milestones = store.list_milestones(scope, project.id).await?;
    let milestone_progress: HashMap<Id, f64> = milestones
        .iter()
        .map(|m| {
            let of_milestone = inputs
                .iter()
                .zip(&tasks)
                .filter(|(_, t)| t.milestone_id == Some(m.id))
                .map(|(input, _)| input);
            (m.id, rollup(of_milestone, &inputs).percent)
        })
        .collect();
    let risks = store.list_risks(scope, project.id).await?;
    let stakeholders = store.list_stakeholders(scope, project.id).await?;
    let activity = store
        .list_activity(
            scope,
            &ActivityFilter {
                project_id: Some(project.id),
                limit: 12,
                ..Default::default()
            },
        )
        .await?;
    let open: Vec<&Task> = tasks.iter().filter(|t| !t.status.is_closed()).collect();
    let overdue = open
        .iter()
        .filter(|t| t.due_date.is_some_and(|d| d < today))
        .count();
    let open_risks: Vec<_> = risks
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                tandem_domain::RiskStatus::Open | tandem_domain::RiskStatus::Mitigating
            )
        })
        .collect();
    let (health, reasons) = project_health(HealthInput {
        target: project.target_date,
        finish,
        open_tasks: open.len(),
        overdue_tasks: overdue,
        worst_risk: open_risks.iter().map(|r| r.score()).max().unwrap_or(0),
    });
    let mut upcoming: Vec<_> = milestones
        .iter()
        .filter(|m| m.date.is_none_or(|d| d >= today))
        .collect();
    upcoming.sort_by_key(|m| (m.date.is_none(), m.date));
    let content = html! {
        div.overview {
            section.card-panel.health aria-labelledby="h-health" {
                h2 #h-health { "Health" }
                p { span class={ "health h-" (health.as_str()) } { (health.label()) } }
                @if !reasons.is_empty() { ul { @for r in &reasons { li { (r) } } } }
                dl.facts {
                    dt { "Stage" } dd { (project.stage) }
                    dt { "Status" } dd { (project.status) }
                    dt { "Outcome owner" } dd { (layout::person(project.owner.as_ref())) }
                    dt { "Start" } dd { (layout::date(project.start_date, today)) }
                    dt { "Target" } dd { (layout::date(project.target_date, today)) }
                    dt { "Scheduled finish" } dd { (layout::date(finish, today)) }
                    dt { "Progress" } dd { (layout::progress(project_progress.percent)) " " span.muted { (project_progress.done_tasks) " of " (project_progress.leaf_tasks) " tasks done" } }
                    dt { "Open / overdue" } dd { (open.len()) " / " (overdue) }
                }
            }
            section.card-panel aria-labelledby="h-objective" {
                h2 #h-objective { "Objective" }
                p { (project.objective.as_deref().unwrap_or("No objective written yet.")) }
                h3 { "In scope" }
                p { (project.scope_in.as_deref().unwrap_or("—")) }
                h3 { "Out of scope" }
                p { (project.scope_out.as_deref().unwrap_or("—")) }
            }
            section.card-panel aria-labelledby="h-milestones" {
                h2 #h-milestones { "Next milestones" }
                @if upcoming.is_empty() { p.muted { "None ahead." } }
                ul.plain {
                    @for m in upcoming.iter().take(5) {
                        li { strong { (m.name) } " " (layout::date(m.date, today)) " " (layout::progress(milestone_progress.get(&m.id).copied().unwrap_or(0.0))) }
                    }
                }
            }
            section.card-panel aria-labelledby="h-risks" {
                h2 #h-risks { "Top risks" }
                @if open_risks.is_empty() { p.muted { "No open risks." } }
                ul.plain {
                    @for r in open_risks.iter().take(5) {
                        li { span class={ "score lv-" (risk_level(r.score())) } { (r.score()) } " " (r.title) " " span.muted { "(" (r.probability) " × " (r.impact) ")" } }
                    }
                }
                p { a href=(viewer.url(&format!("/p/{}/risks", project.key))) { "Risk register" } }
            }
            section.card-panel aria-labelledby="h-people" {
                h2 #h-people { "Stakeholders" }
                @if stakeholders.is_empty() { p.muted { "None listed." } }
                ul.plain {
                    @for s in &stakeholders {
                        li { (s.name) " " span.muted { "(" (s.role) ")" } }
                    }
                }
            }
            section.card-panel.wide aria-labelledby="h-activity" {
                h2 #h-activity { "Recent activity" }
                @if activity.is_empty() { p.muted { "Nothing yet." } }
                ol.activity {
                    @for a in &activity {
                        li {
                            time datetime=(a.at.to_rfc3339()) { (a.at.format("%-d %b %H:%M")) } " "
                            (a.actor.as_ref().map(|u| u.name.as_str()).unwrap_or("Someone")) " " (a.action) " " (a.entity_kind) " "
                            @if a.entity_kind == tandem_domain::EntityKind::Task {
                                a href=(viewer.url(&format!("/t/{}", a.entity_label))) { (a.entity_label) }
                            } @else { strong { (a.entity_label) } }
                            @if !a.changes.is_empty() {
                                span.muted { ": " (a.changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "Overview",
        Section::Projects,
        nav(&project, Tab::Overview),
        content,
    ))
}

// --- list --------------------------------------------------------------------------

const SORTS: [(&str, &str); 7] = [
    ("key", "Key"),
    ("due", "Due date"),
    ("priority", "Priority"),
    ("status", "Status"),
    ("title", "Title"),
    ("owner", "Owner"),
    ("start", "Start date"),
];

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
    let project = store.get_project(scope, &key).await?;
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
    let phase_filter: Option<Option<Id>> = match get("phase") {
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
    let mut tasks = all_tasks(store, scope, filter).await?;
    if let Some(phase) = phase_filter {
        tasks.retain(|t| t.phase_id == phase);
    }
    let members = store.list_members(scope).await?;
    let phases = store.list_phases(scope, project.id).await?;
    let phase_name: HashMap<Id, &str> = phases.iter().map(|p| (p.id, p.name.as_str())).collect();
    let owner_name = |t: &Task| t.owner.as_ref().map(|u| u.name.to_lowercase());
    match sort {
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
        p.muted { (tasks.len()) " tasks" }
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
                    button type="submit" { "Apply to selected" }
                    span.selected-count aria-live="polite" {}
                }
            }
            div.table-wrap {
                table.grid.tasks {
                    caption.visually-hidden { "Tasks of " (project.name) }
                    thead { tr {
                        @if writer { th scope="col" { input type="checkbox" data-select-all aria-label="Select all rows"; } }
                        th scope="col" { "Key" } th scope="col" { "Title" } th scope="col" { "Status" } th scope="col" { "Priority" } th scope="col" { "Owner" } th scope="col" { "Due" }
                    } }
                    @for (name, list) in &groups {
                        tbody {
                            @if group != "none" {
                                tr.group { th colspan="7" scope="rowgroup" { (name) " " span.count { (list.len()) } } }
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
                                    } @else {
                                        td { (layout::status_badge(t.status)) }
                                        td { (layout::priority_badge(t.priority)) }
                                        td { (layout::person(t.owner.as_ref())) }
                                        td { (layout::due(t, today)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if writer {
            template #tpl-status { select aria-label="Status" { @for st in layout::STATUSES { option value=(st) { (layout::status_label(st)) } } } }
            template #tpl-priority { select aria-label="Priority" { @for p in layout::PRIORITIES { option value=(p) { (layout::priority_label(p)) } } } }
            template #tpl-owner { input list="members" aria-label="Owner (email)" size="16"; }
            template #tpl-due_date { input type="date" aria-label="Due date"; }
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

// --- board ----------------------------------------------------------------------

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
    let project = store.get_project(scope, &key).await?;
    let tasks = project_tasks(store, scope, &project.key).await?;
    let ranks: HashMap<Id, usize> = store
        .board_ranks(scope, project.id)
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
        div.board data-move=(viewer.url("/t/")) {
            @for (status, cards) in board_columns().zip(&columns) {
                section.column aria-labelledby={ "col-" (status) } {
                    h2 id={ "col-" (status) } { (layout::status_label(status)) " " span.count { (cards.len()) } }
                    ul.cards data-status=(status) aria-label=(layout::status_label(status)) {
                        @for t in cards {
                            li.card tabindex="0" data-movable=[writer.then_some("")] data-key=(t.key) data-version=(t.version) aria-describedby="board-help" {
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
        p #board-help.visually-hidden { "Press Space to pick up this card, arrow keys to move it, Space to drop it, Escape to cancel." }
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

// --- risks ------------------------------------------------------------------------

pub async fn risks(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let project = store.get_project(scope, &key).await?;
    let risks = store.list_risks(scope, project.id).await?;
    let members = store.list_members(scope).await?;
    let mut cells: HashMap<(i64, i64), Vec<&tandem_domain::Risk>> = HashMap::new();
    for r in risks
        .iter()
        .filter(|r| r.status != tandem_domain::RiskStatus::Closed)
    {
        cells.entry((r.probability, r.impact)).or_default().push(r);
    }
    let content = html! {
        div.risks-layout {
            section aria-labelledby="h-heat" {
                h2 #h-heat { "Heat map " span.muted { "(open risks)" } }
                table.heat {
                    caption.visually-hidden { "Open risks by probability (rows) and impact (columns)" }
                    thead { tr { th scope="col" { span.visually-hidden { "Probability" } } @for i in 1..=5 { th scope="col" { "Impact " (i) } } } }
                    tbody {
                        @for p in (1..=5).rev() {
                            tr {
                                th scope="row" { "Probability " (p) }
                                @for i in 1..=5 {
                                    @let here = cells.get(&(p, i)).map(Vec::as_slice).unwrap_or(&[]);
                                    td class={ "lv-" (risk_level(p * i)) } data-score=(p * i) {
                                        @if !here.is_empty() {
                                            strong { (here.len()) }
                                            ul { @for r in here { li { a href={ "#risk-" (r.id) } { (r.title) } } } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="h-register" {
                h2 #h-register { "Register" }
                div.table-wrap {
                    table.grid {
                        caption.visually-hidden { "Risks, highest score first" }
                        thead { tr { th scope="col" { "Score" } th scope="col" { "Risk" } th scope="col" { "P × I" } th scope="col" { "Owner" } th scope="col" { "Status" } th scope="col" { "Mitigation" } } }
                        tbody {
                            @for r in &risks {
                                tr id={ "risk-" (r.id) } {
                                    td { span class={ "score lv-" (risk_level(r.score())) } { (r.score()) } }
                                    td { (r.title) }
                                    td { (r.probability) " × " (r.impact) }
                                    td { (layout::person(r.owner.as_ref())) }
                                    td { (r.status) }
                                    td { (r.mitigation.as_deref().unwrap_or("—")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if viewer.can_write() {
            section {
                h2 { "Add a risk" }
                form.stacked method="post" action=(viewer.url(&format!("/p/{}/risks", project.key))) {
                    label for="r-title" { "Risk" }
                    input #r-title name="title" required;
                    label for="r-p" { "Probability (1 rare – 5 almost certain)" }
                    input #r-p name="probability" type="number" min="1" max="5" value="3" required;
                    label for="r-i" { "Impact (1 negligible – 5 severe)" }
                    input #r-i name="impact" type="number" min="1" max="5" value="3" required;
                    label for="r-owner" { "Owner" }
                    select #r-owner name="owner" { option value="" { "—" } @for m in &members { option value=(m.user.email) { (m.user.name) } } }
                    label for="r-mitigation" { "Mitigation" }
                    textarea #r-mitigation name="mitigation" rows="2" {}
                    button.primary type="submit" { "Add risk" }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "Risks",
        Section::Projects,
        nav(&project, Tab::Risks),
        content,
    ))
}

pub async fn create_risk(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let result = async {
        let body = json_body::<RiskInput>(
            &form,
            &[
                ("title", Kind::Text),
                ("description", Kind::Optional),
                ("probability", Kind::Number),
                ("impact", Kind::Number),
                ("owner", Kind::Optional),
                ("mitigation", Kind::Optional),
            ],
        )?;
        crate::handlers::risks::create_risk(
            State(state.clone()),
            viewer.ctx.clone(),
            Path((ws, key.clone())),
            body,
        )
        .await
    }
    .await;
    answer(&headers, result, &viewer.url(&format!("/p/{key}/risks")))
}
