//! Goals in the web app: the tree, each goal with its status and
//! progress, a form for a new one; and a goal's page (why its status is
//! what it is, its key results with their current values to set, its
//! sub-goals and what serves it) with its settings below. Every write is
//! the API's own handler, through `common::forward`.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_domain::goals::key_result_percent;
use tandem_domain::{GoalMeasure, GoalStatus, Id, Member, Project};
use tandem_store::{ProjectAccess, UpdateOn};
use tandem_usecases::goals::{self, Seen};

use super::Viewer;
use super::common::{Kind, WebError, forward, require_version};
use super::layout::{self, Section, page};
use super::my_work::today;
use super::{markdown, status};
use crate::AppState;
use crate::extract::JsonBody;
use crate::handlers;

/// The fields of a goal's forms, as the API's `GoalInput` names them.
const GOAL_FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("description", Kind::Optional),
    ("owner", Kind::Optional),
    ("period", Kind::Optional),
    ("parent", Kind::Number),
    ("status", Kind::Optional),
    ("measure", Kind::Optional),
    ("weight", Kind::Number),
    ("projects", Kind::Picks),
    ("tasks", Kind::List),
];

/// The fields of a key result's forms, as `KeyResultInput` names them.
const KEY_RESULT_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("unit", Kind::Optional),
    ("start", Kind::Number),
    ("target", Kind::Number),
    ("current", Kind::Number),
];

pub fn status_badge(status: GoalStatus) -> Markup {
    html! { span class={ "health h-" (status.as_str()) } { (status.label()) } }
}

fn measure_label(m: GoalMeasure) -> &'static str {
    match m {
        GoalMeasure::KeyResults => "key results",
        GoalMeasure::SubGoals => "sub-goals",
        GoalMeasure::Projects => "projects",
        GoalMeasure::Tasks => "tasks",
    }
}

/// A number as typed: no trailing zeros.
fn number(n: f64) -> String {
    let text = format!("{n:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The goals in tree order, each with its depth: roots by title, each
/// followed by its sub-goals.
fn tree(all: &[Seen]) -> Vec<(usize, &Seen)> {
    let by_id: HashMap<Id, &Seen> = all.iter().map(|s| (s.goal.id, s)).collect();
    let mut out = Vec::with_capacity(all.len());
    let mut stack: Vec<(usize, &Seen)> = all
        .iter()
        .filter(|s| s.parent.is_none())
        .rev()
        .map(|s| (0, s))
        .collect();
    let mut seen = HashSet::new();
    while let Some((depth, s)) = stack.pop() {
        if !seen.insert(s.goal.id) {
            continue;
        }
        out.push((depth, s));
        for (child, _) in s.children.iter().rev() {
            if let Some(c) = by_id.get(child) {
                stack.push((depth + 1, c));
            }
        }
    }
    out
}

/// `GET /w/{ws}/goals`.
pub async fn goals_page(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let today = today();
    let all = goals::list(store, scope, today).await?;
    let writer = viewer.can_write();
    let members = if writer {
        store.list_members(scope).await?
    } else {
        Vec::new()
    };
    let content = html! {
        @if all.is_empty() {
            p.muted { "No goals yet: a goal says what should be true by the end of a period, and Tandem measures it by its key results, sub-goals, or the projects and tasks that serve it." }
        } @else {
            div.table-wrap tabindex="0" role="region" aria-label="Goals table" {
                table.grid.goals {
                    caption.visually-hidden { "Goals, each followed by its sub-goals" }
                    thead { tr { th scope="col" { "Goal" } th scope="col" { "Status" } th scope="col" { "Progress" } th scope="col" { "Period" } th scope="col" { "Owner" } } }
                    tbody {
                        @for (depth, s) in tree(&all) {
                            tr data-depth=(depth) {
                                td class={ "depth-" (depth.min(4)) } {
                                    @if depth > 0 { span.muted aria-hidden="true" { "↳ " } }
                                    a href=(viewer.url(&format!("/goals/{}", s.goal.id))) { (s.goal.title) }
                                }
                                td { (status_badge(s.assessment.status)) }
                                td { (layout::progress(s.progress)) }
                                td { @match s.goal.period { Some(p) => { (p.label()) } None => { span.muted { "—" } } } }
                                td { (layout::person(s.goal.owner.as_ref())) }
                            }
                        }
                    }
                }
            }
        }
        @if writer {
            section aria-labelledby="h-new-goal" {
                h2 #h-new-goal { "New goal" }
                form.stacked method="post" action=(viewer.url("/goals")) {
                    (goal_fields(None, &members, &all, &[], "ng"))
                    div { button.primary type="submit" { "Create goal" } }
                }
            }
        }
    };
    Ok(page(&viewer, "Goals", Section::Goals, None, content))
}

/// The fields of a goal's form; `current` is the one edited, if any (its
/// status, measure and what serves it are edited only there).
fn goal_fields(
    current: Option<&Seen>,
    members: &[Member],
    all: &[Seen],
    projects: &[(Project, ProjectAccess)],
    id: &str,
) -> Markup {
    let own = current.map(|c| &c.goal);
    // A goal cannot sit under itself or under one of its own sub-goals.
    let mut below: HashSet<Id> = own.map(|g| g.id).into_iter().collect();
    loop {
        let more: Vec<Id> = all
            .iter()
            .filter(|s| !below.contains(&s.goal.id))
            .filter(|s| s.goal.parent_id.is_some_and(|p| below.contains(&p)))
            .map(|s| s.goal.id)
            .collect();
        if more.is_empty() {
            break;
        }
        below.extend(more);
    }
    html! {
        label for={ (id) "-title" } { "Title" }
        input id={ (id) "-title" } name="title" required maxlength="200" value=[own.map(|g| g.title.as_str())];
        label for={ (id) "-period" } { "Period " span.muted { "(2027, 2027-H1, 2027-Q3, 2027-03 or 2027-01-15..2027-04-30)" } }
        input id={ (id) "-period" } name="period" maxlength="40" value=[own.and_then(|g| g.period).map(|p| p.label())];
        label for={ (id) "-parent" } { "Part of" }
        select id={ (id) "-parent" } name="parent" {
            option value="" { "— (a top-level goal)" }
            @for (_, s) in tree(all).into_iter().filter(|(_, s)| !below.contains(&s.goal.id)) {
                option value=(s.goal.id) selected[own.and_then(|g| g.parent_id) == Some(s.goal.id)] { (s.goal.title) }
            }
        }
        label for={ (id) "-owner" } { "Owner" }
        (crate::web::project::member_select(&format!("{id}-owner"), "owner", members, own.and_then(|g| g.owner.as_ref()).map(|o| o.email.as_str())))
        label for={ (id) "-description" } { "Description" }
        textarea id={ (id) "-description" } name="description" rows="3" maxlength="10000" { (own.and_then(|g| g.description.as_deref()).unwrap_or("")) }
        @if let Some(g) = own {
            label for={ (id) "-status" } { "Status" }
            select id={ (id) "-status" } name="status" {
                option value="" { "Derived by Tandem" }
                @for s in GoalStatus::ALL {
                    option value=(s.as_str()) selected[g.status == Some(*s)] { (s.label()) }
                }
            }
            label for={ (id) "-measure" } { "Progress measured by" }
            select id={ (id) "-measure" } name="measure" {
                option value="" { "Automatic (the first it has)" }
                @for m in GoalMeasure::ALL {
                    option value=(m.as_str()) selected[g.measure == Some(*m)] { (measure_label(*m)) }
                }
            }
            label for={ (id) "-weight" } { "Weight in its parent's progress" }
            input id={ (id) "-weight" } name="weight" type="number" min="0" max="1000" step="any" value=(number(g.weight));
            fieldset.picks {
                legend { "Projects serving it" }
                input type="hidden" name="projects" value="";
                @for (p, _) in projects.iter().filter(|(p, _)| p.archived_at.is_none() || g.project_ids.contains(&p.id)) {
                    label.check { input type="checkbox" name="projects" value=(p.key) checked[g.project_ids.contains(&p.id)]; " " (p.key) " " span.muted { (p.name) } }
                }
            }
            label for={ (id) "-tasks" } { "Tasks serving it " span.muted { "(keys, like LAUNCH-12, separated by commas)" } }
            input id={ (id) "-tasks" } name="tasks" value=(current.map(|c| c.tasks.iter().map(|t| t.key.as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default());
        }
    }
}

/// `GET /w/{ws}/goals/{id}`.
pub async fn goal_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, id)): Path<(String, i64)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let today = today();
    let before = query.get("before");
    let all = goals::list(store, scope, today).await?;
    let s = all.iter().find(|s| s.goal.id == id).ok_or_else(|| {
        WebError::Page(axum::http::StatusCode::NOT_FOUND, "Goal not found".into())
    })?;
    let g = &s.goal;
    let writer = viewer.can_write();
    let (members, projects) = if writer {
        (
            store.list_members(scope).await?,
            store.open_projects(scope).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let by_id: HashMap<Id, &Seen> = all.iter().map(|s| (s.goal.id, s)).collect();
    let base = format!("/goals/{id}");
    // A goal's talk is the whole workspace's, as its updates are.
    let thread = match scope.role.sees_all_projects() {
        true => Some(
            crate::web::comments::thread(store, &viewer, &tandem_domain::CommentOn::Goal(id))
                .await?,
        ),
        false => None,
    };
    // Its status updates are its members' (see `status::history`).
    let updates = if scope.role.sees_all_projects() {
        let now = crate::handlers::status::goal_standing_of(&state, scope, s).await?;
        let query_before = before.and_then(|b| b.parse().ok());
        let updates = tandem_usecases::status::history(
            store,
            scope,
            UpdateOn::Goal(id),
            query_before,
            status::UPDATES_SHOWN + 1,
        )
        .await?;
        Some((now, updates))
    } else {
        None
    };
    let content = html! {
        p.muted {
            (status_badge(s.assessment.status))
            @if g.status.is_some() { " (set by hand)" }
            " · Owner: " (layout::person(g.owner.as_ref()))
            @if let Some(p) = g.period { " · " (p.label()) }
            @if let Some((pid, title)) = &s.parent { " · Part of " a href=(viewer.url(&format!("/goals/{pid}"))) { (title) } }
        }
        section.card-panel aria-labelledby="h-progress" {
            h2 #h-progress { "Progress" }
            p {
                (layout::progress(s.progress))
                @match s.measure {
                    Some(m) => { " " span.muted { "measured by its " (measure_label(m)) } }
                    None => { " " span.muted { "nothing measures it yet: add a key result, a sub-goal, a project or a task" } }
                }
            }
            ul.reasons { @for r in &s.assessment.reasons { li { (r) } } }
        }
        @if let Some(d) = &g.description { section aria-label="Description" { div.update-text { (markdown::render(d)) } } }
        section aria-labelledby="h-krs" {
            h2 #h-krs { "Key results" }
            @if g.key_results.is_empty() { p.muted { "None yet." } }
            @else {
                div.table-wrap tabindex="0" role="region" aria-label="Key results table" {
                    table.grid {
                        caption.visually-hidden { "Key results of " (g.title) }
                        thead { tr { th scope="col" { "Key result" } th scope="col" { "Start" } th scope="col" { "Target" } th scope="col" { "Current" } th scope="col" { "Progress" } @if writer { th scope="col" { span.visually-hidden { "Actions" } } } } }
                        tbody {
                            @for kr in &g.key_results {
                                @let unit = kr.unit.as_deref().unwrap_or("");
                                tr {
                                    th scope="row" { (kr.name) }
                                    td { (number(kr.start)) " " (unit) }
                                    td { (number(kr.target)) " " (unit) }
                                    td {
                                        @if writer {
                                            form.inline method="post" action=(viewer.url(&format!("{base}/key-results/{}", kr.id))) {
                                                input type="hidden" name="version" value=(g.version);
                                                label.visually-hidden for={ "kr-" (kr.id) } { "Current value of " (kr.name) }
                                                input id={ "kr-" (kr.id) } name="current" type="number" step="any" required value=(number(kr.current));
                                                " " (unit) " "
                                                button type="submit" { "Set" }
                                            }
                                        } @else { (number(kr.current)) " " (unit) }
                                    }
                                    td { (layout::progress(key_result_percent(kr))) }
                                    @if writer {
                                        td {
                                            form.confirm method="post" action=(viewer.url(&format!("{base}/key-results/{}/delete", kr.id))) data-confirm={ "Delete the key result " (kr.name) "?" } {
                                                input type="hidden" name="version" value=(g.version);
                                                button.link type="submit" { "Delete" span.visually-hidden { " " (kr.name) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if writer {
                details.add-kr {
                    summary { "Add a key result" }
                    form.stacked method="post" action=(viewer.url(&format!("{base}/key-results"))) {
                        input type="hidden" name="version" value=(g.version);
                        label for="kr-name" { "Name" }
                        input #kr-name name="name" required maxlength="200" placeholder="Weekly active teams";
                        label for="kr-unit" { "Unit " span.muted { "(optional: %, teams, ms)" } }
                        input #kr-unit name="unit" maxlength="40";
                        label for="kr-start" { "Start" }
                        input #kr-start name="start" type="number" step="any" required;
                        label for="kr-target" { "Target " span.muted { "(below the start for a metric meant to fall)" } }
                        input #kr-target name="target" type="number" step="any" required;
                        label for="kr-current" { "Current " span.muted { "(the start unless given)" } }
                        input #kr-current name="current" type="number" step="any";
                        div { button.primary type="submit" { "Add key result" } }
                    }
                }
            }
        }
        section aria-labelledby="h-subgoals" {
            h2 #h-subgoals { "Sub-goals" }
            @if s.children.is_empty() { p.muted { "None." } }
            @else {
                ul.plain {
                    @for (cid, title) in &s.children {
                        li {
                            a href=(viewer.url(&format!("/goals/{cid}"))) { (title) } " "
                            @if let Some(c) = by_id.get(cid) {
                                (status_badge(c.assessment.status)) " " (layout::progress(c.progress))
                                @if c.goal.weight != 1.0 { " " span.muted { "weight " (number(c.goal.weight)) } }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="h-serving" {
            h2 #h-serving { "Projects and tasks serving it" }
            @if s.projects.is_empty() && s.tasks.is_empty() { p.muted { "None." } }
            ul.plain {
                @for (p, progress) in &s.projects {
                    li { a.key href=(viewer.url(&format!("/p/{}", p.key))) { (p.key) } " " (p.name) " " (layout::progress(progress.percent)) }
                }
                @for t in &s.tasks {
                    li { a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } " " (t.title) " " (layout::status_badge(t.status)) }
                }
            }
        }
        @if let Some((now, updates)) = &updates {
            (status::section(status::Updates {
                proposal: &now.assessment,
                reasons: true,
                action: writer.then(|| viewer.url(&format!("{base}/status-updates"))),
                due: None,
                updates,
                page: viewer.url(&base),
                discuss: viewer.url("/discuss"),
            }))
        }
        @if let Some(thread) = &thread { (thread) }
        @if writer {
            details.goal-settings {
                summary { "Change this goal" }
                form.stacked method="post" action=(viewer.url(&base)) {
                    input type="hidden" name="version" value=(g.version);
                    (goal_fields(Some(s), &members, &all, &projects, "eg"))
                    div { button.primary type="submit" { "Save" } }
                }
                form.confirm method="post" action=(viewer.url(&format!("{base}/delete"))) data-confirm={ "Delete the goal " (g.title) "? Its sub-goals move up a level." } {
                    input type="hidden" name="version" value=(g.version);
                    button.danger type="submit" { "Delete goal" }
                }
            }
        }
    };
    Ok(page(&viewer, &g.title, Section::Goals, None, content))
}

/// `POST /w/{ws}/goals`.
pub async fn create_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(_): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url("/goals");
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        GOAL_FIELDS,
        &to,
        |input: JsonBody<tandem_api::GoalInput>, _| async move {
            handlers::goals::create_goal(State(state), ctx, input).await
        },
    )
    .await
}

/// `POST /w/{ws}/goals/{id}`: the whole form, at the version shown.
pub async fn update_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    require_version(&viewer, &body)?;
    let to = viewer.url(&format!("/goals/{id}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        GOAL_FIELDS,
        &to,
        |input: JsonBody<tandem_api::GoalInput>, if_match| async move {
            handlers::goals::update_goal(State(state), ctx, Path((ws, id)), if_match, input).await
        },
    )
    .await
}

/// `POST /w/{ws}/goals/{id}/delete`.
pub async fn delete_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    require_version(&viewer, &body)?;
    let to = viewer.url("/goals");
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[],
        &to,
        |_: JsonBody<serde_json::Value>, if_match| async move {
            handlers::goals::delete_goal(State(state), ctx, Path((ws, id)), if_match)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/goals/{id}/key-results`.
pub async fn add_key_result(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    require_version(&viewer, &body)?;
    let to = viewer.url(&format!("/goals/{id}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        KEY_RESULT_FIELDS,
        &to,
        |input: JsonBody<tandem_api::KeyResultInput>, if_match| async move {
            handlers::goals::add_key_result(State(state), ctx, Path((ws, id)), if_match, input)
                .await
        },
    )
    .await
}

/// `POST /w/{ws}/goals/{id}/key-results/{kr}`: its current value (or any
/// of its fields the form has).
pub async fn update_key_result(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id, kr)): Path<(String, i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    require_version(&viewer, &body)?;
    let to = viewer.url(&format!("/goals/{id}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        KEY_RESULT_FIELDS,
        &to,
        |input: JsonBody<tandem_api::KeyResultInput>, if_match| async move {
            handlers::goals::update_key_result(
                State(state),
                ctx,
                Path((ws, id, kr)),
                if_match,
                input,
            )
            .await
        },
    )
    .await
}

/// `POST /w/{ws}/goals/{id}/key-results/{kr}/delete`.
pub async fn delete_key_result(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id, kr)): Path<(String, i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    require_version(&viewer, &body)?;
    let to = viewer.url(&format!("/goals/{id}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[],
        &to,
        |_: JsonBody<serde_json::Value>, if_match| async move {
            handlers::goals::delete_key_result(State(state), ctx, Path((ws, id, kr)), if_match)
                .await
        },
    )
    .await
}
