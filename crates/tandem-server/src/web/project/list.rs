//! A project's list page: filters, sort, grouping, columns and saved
//! views, a window of rows at a time from a keyset cursor, inline edits.
//! Not the bulk edit its form posts (`bulk`), nor the task page's edits.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use maud::{Markup, html};
use tandem_domain::{Id, Task};
use tandem_store::{GroupKey, OwnerFilter, TaskFilter, TaskGroup, TaskOrder};

use super::{Params, nav};
use crate::AppState;
use crate::error::ApiError;
use crate::handlers::tasks::{format_cursor, parse_cursor};
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, encode};
use crate::web::layout::{self, Section, Tab, page};
use crate::web::my_work::today;

const SORTS: [(&str, &str, TaskOrder); 7] = [
    ("key", "Key", TaskOrder::Id),
    ("due", "Due date", TaskOrder::Due),
    ("priority", "Priority", TaskOrder::Priority),
    ("status", "Status", TaskOrder::Status),
    ("title", "Title", TaskOrder::Title),
    ("owner", "Owner", TaskOrder::Owner),
    ("start", "Start date", TaskOrder::Start),
];

/// Rows a page of the ungrouped list shows; the next are read after the
/// last one's place in the order (a keyset cursor), whatever the order.
const LIST_PAGE: usize = 200;

/// Rows each group of a grouped list shows before its "more" link, which
/// continues that group alone.
const GROUP_PAGE: usize = 50;

const GROUPS: [(&str, &str); 4] = [
    ("none", "Nothing"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("phase", "Phase"),
];

fn rank<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).unwrap_or(all.len())
}

/// The columns a list may show besides key and title, and what it shows
/// when the address does not say (`cols`).
const COLUMNS: [(&str, &str); 10] = [
    ("status", "Status"),
    ("priority", "Priority"),
    ("owner", "Owner"),
    ("due", "Due"),
    ("phase", "Phase"),
    ("milestone", "Milestone"),
    ("start", "Start"),
    ("estimate", "Estimate (days)"),
    ("three_point", "Three-point (O / M / P days)"),
    ("variance", "Finish vs baseline"),
];
const DEFAULT_COLUMNS: [&str; 5] = ["status", "priority", "owner", "due", "phase"];

/// One group of a grouped list (or the one "group" of an ungrouped one):
/// its first rows, how many it has, and where the rest continue.
struct Group {
    name: String,
    count: Option<u64>,
    tasks: Vec<Task>,
    more: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
    Query(query): Params,
    RawQuery(raw): RawQuery,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    // Columns come as one list (`cols=owner,due`, from a link) or one
    // parameter each (the form's boxes).
    let chosen: Vec<String> = FormPairs::parse(&Bytes::from(raw.unwrap_or_default()))
        .all("cols")
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(bad) = chosen.iter().find(|c| !COLUMNS.iter().any(|(n, _)| n == c)) {
        return Err(ApiError::field(
            "cols",
            format!(
                "must name status, priority, owner, due, phase, milestone, start, estimate, three_point or variance (not {bad})"
            ),
        )
        .into());
    }
    let cols: Vec<&str> = if chosen.is_empty() {
        DEFAULT_COLUMNS.to_vec()
    } else {
        COLUMNS
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| chosen.iter().any(|c| c == n))
            .collect()
    };
    let shows = |column: &str| cols.contains(&column);
    let cols_pair = (!chosen.is_empty()).then(|| format!("cols={}", cols.join(",")));
    let mut filter = shared_filter(&viewer, &project.key, &query)?;
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
    let sort = get("sort").unwrap_or("key");
    let Some(&(_, _, order)) = SORTS.iter().find(|(s, _, _)| *s == sort) else {
        return Err(ApiError::field(
            "sort",
            "must be key, due, priority, status, title, owner or start",
        )
        .into());
    };
    filter.order = order;
    let group = get("group").unwrap_or("none");
    if !GROUPS.iter().any(|(g, _)| *g == group) {
        return Err(ApiError::field("group", "must be none, status, owner or phase").into());
    }
    let members = store.list_members(scope).await?;
    let phases = store.list_phases(access).await?;
    let milestones = store.list_milestones(access).await?;
    let phase_name: HashMap<Id, &str> = phases.iter().map(|p| (p.id, p.name.as_str())).collect();
    let milestone_name: HashMap<Id, &str> =
        milestones.iter().map(|m| (m.id, m.name.as_str())).collect();
    // The filters and the order go with the links to other pages.
    let kept = |leave: &[&str]| -> Vec<String> {
        ["q", "status", "owner", "phase", "sort", "group"]
            .into_iter()
            .filter(|name| !leave.contains(name))
            .filter_map(|name| get(name).map(|v| format!("{name}={}", encode(v))))
            .chain(cols_pair.clone())
            .collect()
    };
    let views = store.list_views(access).await?;
    let current_query = kept(&[]).join("&");
    let list_url =
        |pairs: &[String]| viewer.url(&format!("/p/{}/list?{}", project.key, pairs.join("&")));
    let first = list_url(std::slice::from_ref(&current_query));
    let after = get("cursor")
        .map(|c| {
            parse_cursor(order, c)
                .ok_or_else(|| ApiError::field("cursor", "is not a link from this list"))
        })
        .transpose()?;
    let paged = after.is_some();
    let mut groups: Vec<Group> = Vec::new();
    if let Some(only) = get("only") {
        // One row, as a live update redraws it.
        let task = store.get_task(scope, only).await?;
        if task.project.as_ref().is_some_and(|p| p.id == project.id) {
            groups.push(Group {
                name: String::new(),
                count: None,
                tasks: vec![task],
                more: None,
            });
        }
    } else if group == "none" {
        filter.limit = LIST_PAGE;
        filter.after = after;
        let page = store.list_tasks(scope, &filter).await?;
        let more = page.next.map(|next| {
            let mut pairs = kept(&[]);
            pairs.push(format!("cursor={}", format_cursor(order, &next)));
            list_url(&pairs)
        });
        groups.push(Group {
            name: String::new(),
            count: None,
            tasks: page.tasks,
            more,
        });
    } else {
        // A group's window is read with the list's filters narrowed to it;
        // its "more" link is that narrowed list, ungrouped, after the
        // window's last row.
        let by = match group {
            "status" => TaskGroup::Status,
            "owner" => TaskGroup::Owner,
            _ => TaskGroup::Phase,
        };
        let mut counts = store.count_tasks_by(scope, &filter, by).await?;
        let member = |id: Id| members.iter().find(|m| m.user.id == id);
        let place = |key: &GroupKey| -> (usize, String) {
            match key {
                GroupKey::Status(s) => (rank(&layout::STATUSES, s), String::new()),
                GroupKey::Id(id) if by == TaskGroup::Owner => (
                    0,
                    member(*id)
                        .map(|m| m.user.name.to_lowercase())
                        .unwrap_or_default(),
                ),
                GroupKey::Id(id) => (
                    phases.iter().position(|p| p.id == *id).unwrap_or(0),
                    String::new(),
                ),
                GroupKey::Nobody => (usize::MAX, String::new()),
            }
        };
        counts.sort_by_key(|(key, _)| place(key));
        for (key, count) in counts {
            let (name, narrowed_pair) = match key {
                GroupKey::Status(s) => (layout::status_label(s).to_string(), format!("status={s}")),
                GroupKey::Id(id) if by == TaskGroup::Owner => {
                    let Some(m) = member(id) else { continue };
                    (
                        m.user.name.clone(),
                        format!("owner={}", encode(&m.user.email)),
                    )
                }
                GroupKey::Id(id) => (
                    phase_name.get(&id).unwrap_or(&"?").to_string(),
                    format!("phase={id}"),
                ),
                GroupKey::Nobody if by == TaskGroup::Owner => {
                    ("Unassigned".into(), "owner=none".into())
                }
                GroupKey::Nobody => ("No phase".into(), "phase=none".into()),
            };
            let mut narrowed = filter.clone();
            narrowed.limit = GROUP_PAGE;
            match key {
                GroupKey::Status(s) => {
                    narrowed.open = false;
                    narrowed.statuses = vec![s];
                }
                GroupKey::Id(id) if by == TaskGroup::Owner => {
                    narrowed.owner = Some(OwnerFilter::User(id))
                }
                GroupKey::Id(id) => narrowed.phase = Some(Some(id)),
                GroupKey::Nobody if by == TaskGroup::Owner => {
                    narrowed.owner = Some(OwnerFilter::Unassigned)
                }
                GroupKey::Nobody => narrowed.phase = Some(None),
            }
            let page = store.list_tasks(scope, &narrowed).await?;
            let more = page.next.map(|next| {
                let mut pairs = kept(&["group", group]);
                pairs.push(narrowed_pair);
                pairs.push(format!("cursor={}", format_cursor(order, &next)));
                list_url(&pairs)
            });
            groups.push(Group {
                name,
                count: Some(count),
                tasks: page.tasks,
                more,
            });
        }
    }
    // Finish variance: the schedule's finish against the newest
    // baseline's, in calendar days (late is positive). Read only when the
    // column is shown: it needs the project's current schedule.
    let variance: HashMap<Id, i64> = if shows("variance") {
        variance_days(&state, &viewer, &project.key, access).await?
    } else {
        HashMap::new()
    };
    let today = today();
    let writer = viewer.can_write();
    let milestone_of = |t: &Task| {
        t.milestone_id
            .and_then(|id| milestone_name.get(&id).copied())
            .unwrap_or("—")
    };
    let phase_of = |t: &Task| {
        t.phase_id
            .and_then(|id| phase_name.get(&id).copied())
            .unwrap_or("—")
    };
    let row = |t: &Task| {
        html! {
            tr data-key=(t.key) data-version=(t.version) {
                @if writer {
                    td {
                        input type="checkbox" name="sel" value=(t.key) aria-label={ "Select " (t.key) };
                        input type="hidden" name={ "v." (t.key) } value=(t.version);
                    }
                }
                td { a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } }
                td.title { a href=(viewer.url(&format!("/t/{}", t.key))) { (t.title) } }
                @for column in &cols {
                    @match (*column, writer) {
                        // Click to edit: app.js swaps the button for a control.
                        ("status", true) => td { button.cell type="button" data-field="status" data-value=(t.status) { (layout::status_label(t.status)) } },
                        ("priority", true) => td { button.cell type="button" data-field="priority" data-value=(t.priority) { (layout::priority_label(t.priority)) } },
                        ("owner", true) => td { button.cell type="button" data-field="owner" data-value=(t.owner.as_ref().map(|u| u.email.as_str()).unwrap_or("")) { (t.owner.as_ref().map(|u| u.name.as_str()).unwrap_or("—")) } @if let Some(o) = t.owner.as_ref().filter(|o| layout::gone(o, &members)) { (layout::gone_flag()) span.visually-hidden { (o.name) } } },
                        ("due", true) => td { button.cell type="button" data-field="due_date" data-value=[t.due_date] { (layout::due(t, today)) } },
                        ("phase", true) => td { button.cell type="button" data-field="phase_id" data-value=[t.phase_id] { (phase_of(t)) } },
                        ("milestone", true) => td { button.cell type="button" data-field="milestone_id" data-value=[t.milestone_id] { (milestone_of(t)) } },
                        ("start", true) => td { button.cell type="button" data-field="start_date" data-value=[t.start_date] { (layout::day(t.start_date, today)) } },
                        ("estimate", true) => td.num { button.cell type="button" data-field="estimate_days" data-value=[t.estimate_days] { (days(t.estimate_days)) } },
                        ("three_point", true) => td.num { button.cell type="button" data-field="three_point" data-value=(three_point(t)) { (three_point_label(t)) } },
                        ("estimate", false) => td.num { (days(t.estimate_days)) },
                        ("three_point", false) => td.num { (three_point_label(t)) },
                        ("status", false) => td { (layout::status_badge(t.status)) },
                        ("priority", false) => td { (layout::priority_badge(t.priority)) },
                        ("owner", false) => td { (layout::person(t.owner.as_ref())) @if t.owner.as_ref().is_some_and(|o| layout::gone(o, &members)) { (layout::gone_flag()) } },
                        ("due", false) => td { (layout::due(t, today)) },
                        ("phase", false) => td { (phase_of(t)) },
                        ("milestone", false) => td { (milestone_of(t)) },
                        ("variance", _) => td {
                            @match variance.get(&t.id) {
                                Some(days) if *days > 0 => span.late title="Finishes after the baseline" { "+" (days) " d" },
                                Some(days) => { (days) " d" },
                                None => "—",
                            }
                        },
                        (_, _) => td { (t.start_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) },
                    }
                }
            }
        }
    };
    let content = html! {
        (views_nav(&viewer, &project.key, "list", &views, &current_query))
        form.filters method="get" aria-label="Filter, sort and group" {
            (filter_fields(&query, &members, &phases))
            label for="f-sort" { "Sort by" }
            select #f-sort name="sort" {
                @for (value, label, _) in SORTS { option value=(value) selected[sort == value] { (label) } }
            }
            label for="f-group" { "Group by" }
            select #f-group name="group" {
                @for (value, label) in GROUPS { option value=(value) selected[group == value] { (label) } }
            }
            fieldset.cols {
                legend.visually-hidden { "Columns" }
                span { "Columns:" }
                @for (name, label) in COLUMNS {
                    label { input type="checkbox" name="cols" value=(name) checked[shows(name)]; " " (label) }
                }
            }
            button type="submit" { "Apply" }
        }
        p.muted {
            @if group == "none" {
                @let shown = groups.first().map_or(0, |g| g.tasks.len());
                @if groups.first().is_some_and(|g| g.more.is_some()) || paged {
                    span.shown-count { (shown) } " tasks shown, " (LIST_PAGE) " at a time"
                    @if paged { " · " a href=(first) { "back to the first" } }
                } @else {
                    (shown) " tasks"
                }
            } @else {
                (groups.iter().filter_map(|g| g.count).sum::<u64>()) " tasks in " (groups.len()) " groups, the first " (GROUP_PAGE) " of each shown"
            }
        }
        datalist #members { @for m in &members { option value=(m.user.email) { (m.user.name) } } }
        form #list-form method="post" action=(viewer.url("/tasks/bulk")) {
            @if writer {
                fieldset.bulk {
                    legend { "Change the selected rows" }
                    label for="b-status" { "Status" }
                    select #b-status name="bulk_status" { option value="" { "—" } @for s in layout::STATUSES { option value=(s) { (layout::status_label(s)) } } }
                    label for="b-blocked" { "Blocked because" }
                    input #b-blocked name="bulk_blocked_reason" maxlength="2000" placeholder="when the status is Blocked";
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
                        th scope="col" { "Key" } th scope="col" { "Title" }
                        @for (name, label) in COLUMNS { @if shows(name) { th scope="col" { (label) } } }
                    } }
                    @for (i, g) in groups.iter().enumerate() {
                        @let id = if group == "none" { "rows".to_string() } else { format!("g-{i}") };
                        tbody id=(id) {
                            @if let Some(count) = g.count {
                                tr.group { th colspan=(cols.len() + 3) scope="rowgroup" { (g.name) " " span.count { (count) } } }
                            }
                            @for t in &g.tasks { (row(t)) }
                        }
                    }
                }
            }
        }
        @if writer { (save_view(&viewer, &project.key, "list", &current_query, "Save these filters, sort, grouping and columns as a view:")) }
        @for (i, g) in groups.iter().enumerate() {
            @if let Some(href) = &g.more {
                @let target = if group == "none" { "#rows".to_string() } else { format!("#g-{i}") };
                p.more { a href=(href) rel="next" data-append=(target) data-from="#rows" {
                    @if group == "none" { "Show the next " (LIST_PAGE) } @else { "Show more of " (g.name) }
                } }
            }
        }
        @if writer {
            template #tpl-status { select aria-label="Status" { @for st in layout::STATUSES { option value=(st) { (layout::status_label(st)) } } } }
            template #tpl-priority { select aria-label="Priority" { @for p in layout::PRIORITIES { option value=(p) { (layout::priority_label(p)) } } } }
            template #tpl-owner { input list="members" aria-label="Owner (type a name)" data-kind="person" size="16"; }
            template #tpl-due_date { input type="date" aria-label="Due date"; }
            template #tpl-start_date { input type="date" aria-label="Start date"; }
            template #tpl-estimate_days { input type="number" min="0" step="0.25" aria-label="Estimate (working days)" data-kind="number" data-unit=" d" size="5"; }
            template #tpl-three_point { input aria-label="Three-point estimate: optimistic / most likely / pessimistic working days" placeholder="2 / 3 / 6" data-kind="three-point" data-unit=" d" size="10"; }
            template #tpl-phase_id { select aria-label="Phase" data-kind="id" { option value="" { "—" } @for p in &phases { option value=(p.id) { (p.name) } } } }
            template #tpl-milestone_id { select aria-label="Milestone" data-kind="id" { option value="" { "—" } @for m in &milestones { option value=(m.id) { (m.name) } } } }
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

/// Each task's finish in the project's current schedule against its
/// finish in the newest baseline, in days; empty without a baseline or a
/// schedule (a plan with a cycle has none).
/// Working days, as the list shows an estimate.
fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |d| format!("{d} d"))
}

/// A three-point estimate as it is typed: `2 / 3 / 6`, empty for none.
fn three_point(t: &Task) -> String {
    t.three_point
        .as_ref()
        .map(|tp| format!("{} / {} / {}", tp.optimistic, tp.likely, tp.pessimistic))
        .unwrap_or_default()
}

fn three_point_label(t: &Task) -> String {
    match three_point(t) {
        text if text.is_empty() => "—".into(),
        text => format!("{text} d"),
    }
}

async fn variance_days(
    state: &AppState,
    viewer: &Viewer,
    key: &str,
    access: tandem_store::ProjectAccess,
) -> Result<HashMap<Id, i64>, WebError> {
    let store = state.store.as_ref();
    let Some(newest) = store.list_baselines(access).await?.into_iter().next() else {
        return Ok(HashMap::new());
    };
    let baseline = store.get_baseline(access, newest.id).await?;
    let Ok((_, schedule)) = crate::planning::current_schedule(store, viewer.ctx.scope, key).await
    else {
        return Ok(HashMap::new());
    };
    let finish: HashMap<Id, chrono::NaiveDate> = schedule
        .tasks
        .iter()
        .map(|s| (s.task_id, s.early_finish.date()))
        .collect();
    Ok(baseline
        .tasks
        .iter()
        .filter_map(|b| {
            let now = finish.get(&b.task_id)?;
            Some((b.task_id, (*now - b.finish.date()).num_days()))
        })
        .collect())
}

/// The filters a project's list and board share (`q`, `owner`, `phase`),
/// as their addresses give them, over the project's tasks.
pub(super) fn shared_filter(
    viewer: &Viewer,
    project_key: &str,
    query: &HashMap<String, String>,
) -> Result<TaskFilter, ApiError> {
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    Ok(TaskFilter {
        project: Some(project_key.to_string()),
        owner: crate::handlers::tasks::owner_filter(viewer.user().id, get("owner"))?,
        text: get("q").map(str::to_string),
        phase: match get("phase") {
            None => None,
            Some("none") => Some(None),
            Some(id) => {
                Some(Some(id.parse().map_err(|_| {
                    ApiError::field("phase", "must be a phase id")
                })?))
            }
        },
        ..Default::default()
    })
}

/// The filter form's fields the list and board share: words, status,
/// owner and phase, as the address has them.
pub(super) fn filter_fields(
    query: &HashMap<String, String>,
    members: &[tandem_domain::Member],
    phases: &[tandem_domain::Phase],
) -> Markup {
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let selected = |name: &str, value: &str| get(name) == Some(value);
    html! {
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
            @for m in members { option value=(m.user.email) selected[selected("owner", &m.user.email)] { (m.user.name) } }
        }
        label for="f-phase" { "Phase" }
        select #f-phase name="phase" {
            option value="" { "Any" }
            option value="none" selected[selected("phase", "none")] { "No phase" }
            @for p in phases { option value=(p.id) selected[selected("phase", &p.id.to_string())] { (p.name) } }
        }
    }
}

/// The project's saved views, each a link to `page` (the list or the
/// board) with its query; the one shown is marked, and its maker (or an
/// owner or admin, for a shared one) may delete it.
pub(super) fn views_nav(
    viewer: &Viewer,
    project_key: &str,
    page: &str,
    views: &[tandem_domain::SavedView],
    current_query: &str,
) -> Markup {
    let writer = viewer.can_write();
    html! {
        @if !views.is_empty() {
            nav.views aria-label="Saved views" {
                span { "Views:" }
                @for v in views {
                    span.view {
                        a href=(viewer.url(&format!("/p/{project_key}/{page}?{}", v.query))) aria-current=[(v.query == current_query).then_some("page")] { (v.name) }
                        @if v.shared { " " span.muted { "(shared by " (v.owner.name) ")" } }
                        @if writer && (v.owner.id == viewer.user().id || (v.shared && viewer.ctx.scope.role.can_manage_members())) {
                            " "
                            form method="post" action=(viewer.url(&format!("/p/{project_key}/views/{}/delete", v.id))) {
                                button.link type="submit" aria-label={ "Delete the view " (v.name) } { "×" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The form that saves what `page` (the list or the board) shows
/// (`query`) as a view.
pub(super) fn save_view(
    viewer: &Viewer,
    project_key: &str,
    page: &str,
    query: &str,
    prompt: &str,
) -> Markup {
    html! {
        form.save-view method="post" action=(viewer.url(&format!("/p/{project_key}/views"))) aria-label="Save this view" {
            input type="hidden" name="query" value=(query);
            input type="hidden" name="page" value=(page);
            label for="sv-name" { (prompt) }
            input #sv-name name="name" required maxlength="80" placeholder="Name";
            label { input type="checkbox" name="shared"; " Share with the project" }
            button type="submit" { "Save view" }
        }
    }
}
