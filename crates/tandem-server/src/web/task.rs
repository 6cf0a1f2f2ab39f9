//! The task page: every field in one form, subtasks, dependencies both
//! ways, and the task's history; and the small posts that tick a task off
//! and add or remove a link.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{CreateDependency, UpdateTask};
use tandem_domain::{EntityKind, Scheduling, SchedulingMode, TaskStatus};
use tandem_store::{ActivityFilter, TaskFilter};

use super::Viewer;
use super::common::{FormPairs, Kind, WebError, answer, form_version, json_body, refused};
use super::layout::{self, ProjectNav, Section, Tab, page};
use super::my_work::today;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::IfMatch;
use crate::planning::all_tasks;

pub async fn task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let task = tandem_usecases::tasks::get(store, scope, &key).await?;
    if !key.eq_ignore_ascii_case(&task.key) {
        // A key the task had before it moved: its page is under its key now.
        let to = viewer.url(&format!("/t/{}", task.key));
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    let promoted_to = store.promoted_to(scope, task.id).await?;
    let project = match &task.project {
        Some(p) => Some(store.get_project(scope, &p.key).await?),
        None => None,
    };
    let subtasks = all_tasks(
        store,
        scope,
        TaskFilter {
            parent: Some(task.id),
            ..Default::default()
        },
    )
    .await?;
    let links = store.task_dependencies(scope, &task.key).await?;
    let recurrence = store.recurrence_of(scope, &task).await?;
    let approvals = match &task.project {
        Some(_) => {
            let filter = tandem_store::ApprovalFilter {
                task: Some(task.key.clone()),
                ..Default::default()
            };
            store.list_approvals(scope, &filter).await?
        }
        None => Vec::new(),
    };
    let history = store
        .list_activity(
            scope,
            &ActivityFilter {
                entity: Some((EntityKind::Task, task.id)),
                limit: 50,
                ..Default::default()
            },
        )
        .await?;
    let thread = super::comments::thread(
        store,
        &viewer,
        &tandem_domain::CommentOn::Task(task.key.clone()),
    )
    .await?;
    let files = super::attachments::files(
        store,
        &viewer,
        &tandem_domain::AttachedTo::Task(task.key.clone()),
    )
    .await?;
    let members = store.list_members(scope).await?;
    // Said only when it holds: ordinary work is not nagged about.
    let behaves = tandem_usecases::signals::task(store, &task).await?;
    let (phases, milestones) = match &project {
        Some(p) => {
            let (_, access) = store.open_project(scope, &p.key).await?;
            (
                store.list_phases(access).await?,
                store.list_milestones(access).await?,
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    let today = today();
    let served = tandem_usecases::goals::served_by(
        &tandem_usecases::goals::visible_goals(store, scope).await?,
        task.id,
        task.project.as_ref().map(|p| p.id),
    );
    let writer = viewer.can_write();
    let url = viewer.url(&format!("/t/{}", task.key));
    let predecessors: Vec<_> = links.iter().filter(|d| d.successor.id == task.id).collect();
    let successors: Vec<_> = links
        .iter()
        .filter(|d| d.predecessor.id == task.id)
        .collect();
    let s = &task.schedule;
    let minutes = |t: Option<chrono::NaiveDateTime>| t.map(tandem_domain::minutes::format);
    let content = html! {
        div.task-page {
            div.task-main {
                // Drawn again by the script while the form below holds
                // an edit, so it never tells of an older task than the
                // form does.
                div data-region="task-head" {
                    h2.task-title { span.key { (task.key) } " " (task.title) }
                    p { (layout::status_badge(task.status)) " " (layout::priority_badge(task.priority)) " "
                        @if let Some(p) = &task.parent { "Subtask of " a href=(viewer.url(&format!("/t/{}", p.key))) { (p.key) " " (p.title) } } }
                    @if let (Some(start), Some(due)) = (task.start_date, task.due_date) && start > due && !task.status.is_closed() {
                        p.late { "Starts after its due date (" (layout::date(Some(due), today)) "): it will be late." }
                    }
                    @if behaves.verdict == tandem_domain::WorkLevel::Project {
                        p.signals role="note" {
                            strong { "This behaves like a project: " }
                            @for (i, s) in behaves.signals.iter().enumerate() { @if i > 0 { ", " } "it " (s.label()) }
                            ". Phases, milestones and links would serve it better than subtasks."
                            @if writer && promoted_to.is_none() { " " a href="#h-promote" { "Promote it to a project" } }
                        }
                    }
                    @if let Some(p) = &promoted_to {
                        p.promoted role="note" { "Promoted to project " a href=(viewer.url(&format!("/p/{}", p.key))) { (p.key) } ": its work continues there." }
                    }
                    @if !served.is_empty() {
                        p.serves { "Serves " @for (i, (gid, title)) in served.iter().enumerate() { @if i > 0 { ", " } a href=(viewer.url(&format!("/goals/{gid}"))) { (title) } } }
                    }
                }
                form.stacked.task-form.keeps method="post" action=(url) data-key=(task.key)
                    data-current={ "/api/v1/workspaces/" (viewer.slug()) "/tasks/" (task.key) } {
                    input type="hidden" name="version" value=(task.version);
                    fieldset disabled[!writer] {
                        legend.visually-hidden { "Task fields" }
                        label for="t-title" { "Title" }
                        input #t-title name="title" value=(task.title) required;
                        label for="t-description" { "Description" }
                        textarea #t-description name="description" rows="5" { (task.description.as_deref().unwrap_or("")) }
                        div.fields {
                            div { label for="t-status" { "Status" } (layout::status_select("status", "t-status", task.status, None)) }
                            div { label for="t-priority" { "Priority" }
                                select #t-priority name="priority" { @for p in layout::PRIORITIES { option value=(p) selected[p == task.priority] { (layout::priority_label(p)) } } } }
                            div { label for="t-owner" { "Owner" }
                                select #t-owner name="owner" data-find {
                                    option value="" { "Unassigned" }
                                    // Kept as it is unless someone chooses: a former member stays the owner, flagged.
                                    @if let Some(o) = task.owner.as_ref().filter(|o| layout::gone(o, &members)) {
                                        option value=(o.email) selected { (o.name) " (no longer a member)" }
                                    }
                                    @for m in &members { option value=(m.user.email) selected[task.owner.as_ref().is_some_and(|o| o.id == m.user.id)] { (m.user.name) } }
                                }
                                @if let Some(o) = task.owner.as_ref().filter(|o| layout::gone(o, &members)) { (layout::gone_flag()) span.visually-hidden { (o.name) } }
                            }
                            div { label for="t-collaborators" { "Collaborators " span.muted { "(Ctrl or ⌘ to pick several)" } }
                                input type="hidden" name="collaborators" value="";
                                select #t-collaborators name="collaborators" data-find multiple size=(members.len().clamp(2, 5)) {
                                    @for m in &members { option value=(m.user.email) selected[task.collaborators.iter().any(|c| c.id == m.user.id)] { (m.user.name) } }
                                } }
                            div { label for="t-start" { "Start" } input #t-start name="start_date" type="date" value=[task.start_date]; }
                            div { label for="t-due" { "Due" } input #t-due name="due_date" type="date" value=[task.due_date]; }
                            div { label for="t-scheduling" { "Dates" }
                                select #t-scheduling name="scheduling" aria-describedby="t-scheduling-now" {
                                    @for (mode, label) in [(SchedulingMode::Auto, "Auto"), (SchedulingMode::Dated, "Dated: kept as given"), (SchedulingMode::Scheduled, "Scheduled by the plan")] {
                                        option value=(mode) selected[s.mode == mode] { (label) }
                                    }
                                }
                                span #t-scheduling-now.muted { (match task.scheduling {
                                    Scheduling::Dated => "Now dated: it keeps its start and due date; links and the status date do not move it.",
                                    Scheduling::Scheduled => "Now scheduled: its links, estimate and constraint place it in the plan.",
                                }) }
                            }
                            div { label for="t-estimate" { "Estimate (working days)" } input #t-estimate name="estimate_days" type="number" step="any" min="0" value=[task.estimate_days]; }
                            fieldset.three-point {
                                legend { "Three-point estimate " span.muted { "(working days, for the forecast)" } }
                                @let tp = task.three_point.as_ref();
                                div { label for="t-tp-o" { "Optimistic" } input #t-tp-o name="three_point.optimistic" type="number" step="any" min="0" value=[tp.map(|t| t.optimistic)]; }
                                div { label for="t-tp-l" { "Most likely" } input #t-tp-l name="three_point.likely" type="number" step="any" min="0" value=[tp.map(|t| t.likely)]; }
                                div { label for="t-tp-p" { "Pessimistic" } input #t-tp-p name="three_point.pessimistic" type="number" step="any" min="0" value=[tp.map(|t| t.pessimistic)]; }
                            }
                            div { label for="t-effort" { "Effort (hours)" } input #t-effort name="effort_hours" type="number" step="any" min="0" value=[task.effort_hours]; }
                            div { label for="t-percent" { "% complete" } input #t-percent name="percent_complete" type="number" min="0" max="100" value=(task.percent_complete); }
                            div { label for="t-tags" { "Tags" } input #t-tags name="tags" value=(task.tags.join(" ")); }
                            @if !phases.is_empty() {
                                div { label for="t-phase" { "Phase" }
                                    select #t-phase name="phase_id" { option value="" { "—" } @for p in &phases { option value=(p.id) selected[task.phase_id == Some(p.id)] { (p.name) } } } }
                            }
                            @if !milestones.is_empty() {
                                div { label for="t-milestone" { "Milestone" }
                                    select #t-milestone name="milestone_id" { option value="" { "—" } @for m in &milestones { option value=(m.id) selected[task.milestone_id == Some(m.id)] { (m.name) } } } }
                            }
                            div { label for="t-constraint" { "Constraint" }
                                select #t-constraint name="constraint_type" {
                                    option value="" { "None" }
                                    @for c in ["asap", "alap", "snet", "snlt", "fnet", "fnlt", "mso", "mfo"] {
                                        option value=(c) selected[s.constraint_type.map(|t| t.as_str()) == Some(c)] { (c.to_uppercase()) }
                                    }
                                } }
                            div { label for="t-constraint-date" { "Constraint date" } input #t-constraint-date name="constraint_date" type="datetime-local" value=[minutes(s.constraint_date)]; }
                            div { label for="t-actual-start" { "Actual start" } input #t-actual-start name="actual_start" type="datetime-local" value=[minutes(s.actual_start)]; }
                            div { label for="t-actual-finish" { "Actual finish" } input #t-actual-finish name="actual_finish" type="datetime-local" value=[minutes(s.actual_finish)]; }
                            @if s.levelling_delay > 0 {
                                p.muted {
                                    "Levelling delays its start by " (format!("{:.1}", s.levelling_delay as f64 / 60.0)) " working hours. "
                                    @if let Some(p) = &task.project { a href=(viewer.url(&format!("/p/{}/plan#h-levelling", p.key))) { "Clear levelling" } " takes it away." }
                                }
                            }
                        }
                        label for="t-blocked" { "Blocked because " span.muted { "(when blocked)" } }
                        input #t-blocked name="blocked_reason" value=[task.blocked_reason.as_deref()];
                        @if writer { button.primary type="submit" { "Save" } }
                    }
                }
            }
            aside.task-side {
                section aria-labelledby="h-sub" {
                    h2 #h-sub { "Subtasks " span.count { (subtasks.len()) } }
                    ul.todos { @for t in &subtasks { (super::my_work::todo_row(&viewer, t, today, &[])) } }
                    @if writer && task.project.is_some() {
                        form.inline-form method="post" action=(viewer.url("/tasks")) {
                            input type="hidden" name="project" value=[task.project.as_ref().map(|p| p.key.as_str())];
                            input type="hidden" name="parent" value=(task.key);
                            label for="sub-title" { "New subtask" }
                            input #sub-title name="title" required;
                            button type="submit" { "Add" }
                        }
                    }
                }
                section aria-labelledby="h-links" {
                    h2 #h-links { "Dependencies" }
                    h3 { "Waits for" }
                    @if predecessors.is_empty() { p.muted { "Nothing." } }
                    ul.plain { @for d in &predecessors { li { (link_line(&viewer, &d.predecessor, d, &task.key, writer, true)) } } }
                    h3 { "Holds up" }
                    @if successors.is_empty() { p.muted { "Nothing." } }
                    ul.plain { @for d in &successors { li { (link_line(&viewer, &d.successor, d, &task.key, writer, false)) } } }
                    @if writer {
                        form.inline-form.keeps method="post" action={ (url) "/links" } {
                            label for="l-pred" { "Waits for " span.muted { "(a key, or type words of its title)" } }
                            input #l-pred name="predecessor" required size="24" list="task-search" autocomplete="off" data-task-search;
                            datalist #task-search {}
                            label for="l-type" { "Type" }
                            select #l-type name="type" { option value="fs" { "Finish → start" } option value="ss" { "Start → start" } option value="ff" { "Finish → finish" } option value="sf" { "Start → finish" } }
                            label for="l-lag" { "Lag (days)" }
                            input #l-lag name="lag_days" type="number" step="any" value="0" size="4";
                            button type="submit" { "Link" }
                        }
                    }
                }
                (super::repeat::repeat_section(&viewer, &task, recurrence.as_ref(), writer))
                @if project.is_some() { (super::approvals::task_section(&viewer, &task.key, &approvals, &members)) }
                (files)
                (thread)
                @if writer && viewer.ctx.scope.role.sees_all_projects() {
                    section aria-labelledby="h-task-template" {
                        h2 #h-task-template { "Save as a task template" }
                        form.inline-form method="post" action={ (url) "/template" } {
                            label for="tt-name" { "Name " span.muted { "(with its subtasks; add it again from Templates)" } }
                            input #tt-name name="name" required maxlength="100" value=(task.title);
                            button type="submit" { "Save" }
                        }
                    }
                }
                @if writer && promoted_to.is_none() {
                    section aria-labelledby="h-promote" {
                        h2 #h-promote { "Promote to a project" }
                        form.stacked method="post" action={ (url) "/promote" } {
                            input type="hidden" name="version" value=(task.version);
                            p.muted { "Its subtasks become the project's tasks, with their owners, dates, estimates and links; its collaborators become stakeholders and its owner the outcome owner; its comments, files and history move to the project. " (task.key) " stays here, pointing at the project." }
                            label for="pr-key" { "Project key " span.muted { "(2 to 10 capital letters or digits)" } }
                            input #pr-key name="key" required maxlength="10" autocomplete="off" autocapitalize="characters" pattern="[A-Za-z][A-Za-z0-9]{1,9}";
                            label for="pr-name" { "Name " span.muted { "(the task's title when left empty)" } }
                            input #pr-name name="name" maxlength="200" placeholder=(task.title);
                            div { button type="submit" { "Promote " (task.key) } }
                        }
                    }
                }
                @if writer {
                    section aria-labelledby="h-delete" {
                        h2 #h-delete { "Delete" }
                        // The script holds the delete back for a few
                        // seconds with an Undo; without it, the post asks
                        // nothing more.
                        form.delete-task.held method="post" action={ (url) "/delete" } data-name=(task.key)
                            data-then=(project.as_ref().map_or_else(|| viewer.url("/my"), |p| viewer.url(&format!("/p/{}/list", p.key)))) {
                            input type="hidden" name="version" value=(task.version);
                            p.muted { "Deletes the task and its subtasks, with their links." }
                            button.danger type="submit" { "Delete " (task.key) }
                        }
                    }
                }
                section aria-labelledby="h-history" {
                    h2 #h-history { "History" }
                    ol.activity {
                        @for a in &history {
                            li {
                                time datetime=(a.at.to_rfc3339()) { (a.at.format("%-d %b %H:%M")) } " "
                                strong { (a.actor.as_ref().map(|u| u.name.as_str()).unwrap_or("Someone")) } " "
                                @if let Some(rule) = &a.rule { span.muted { "(rule " (rule) ") " } }
                                @if a.action == "updated" && !a.changes.is_empty() {
                                    @let said = Names { members: &members, phases: &phases, milestones: &milestones };
                                    @if let [only] = a.changes.as_slice() {
                                        (said.change(only))
                                    } @else {
                                        "changed the task:"
                                        ul { @for c in &a.changes { li { (said.change(c)) } } }
                                    }
                                } @else {
                                    (a.action) " the task"
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let nav = project.as_ref().map(|p| ProjectNav {
        key: &p.key,
        name: &p.name,
        // A task's page names its project; the project's own pages say
        // whether it is archived.
        archived: false,
        tab: Tab::Task,
    });
    let section = if nav.is_some() {
        Section::Projects
    } else {
        Section::MyWork
    };
    Ok(page(&viewer, &task.key, section, nav, content).into_response())
}

fn link_line(
    viewer: &Viewer,
    other: &tandem_domain::TaskRef,
    d: &tandem_domain::Dependency,
    this: &str,
    writer: bool,
    other_is_predecessor: bool,
) -> Markup {
    let (pred, succ) = if other_is_predecessor {
        (other.key.as_str(), this)
    } else {
        (this, other.key.as_str())
    };
    html! {
        a href=(viewer.url(&format!("/t/{}", other.key))) { (other.key) } " " (other.title) " "
        span.muted { (d.kind.as_str().to_uppercase()) @if d.lag_days != 0.0 { " " (format!("{:+}", d.lag_days)) "d" } }
        @if writer {
            form.inline method="post" action=(viewer.url(&format!("/t/{this}/links/remove"))) {
                input type="hidden" name="predecessor" value=(pred);
                input type="hidden" name="successor" value=(succ);
                button.link type="submit" aria-label={ "Remove the link " (pred) " → " (succ) } { "remove" }
            }
        }
    }
}

/// What a history entry's values stand for, to write them as a person
/// reads them: names for people, phases and milestones, labels for
/// statuses and priorities, dates as dates.
struct Names<'a> {
    members: &'a [tandem_domain::Member],
    phases: &'a [tandem_domain::Phase],
    milestones: &'a [tandem_domain::Milestone],
}

impl Names<'_> {
    /// "set the due date to Fri 4 Dec", "changed the status from To do to
    /// In progress", "cleared the phase (was Discovery)".
    fn change(&self, c: &tandem_domain::activity::FieldChange) -> String {
        let field = match c.field.as_str() {
            "phase_id" => "phase".to_string(),
            "milestone_id" => "milestone".to_string(),
            "percent_complete" => "progress".to_string(),
            "three_point" => "three-point estimate".to_string(),
            other => other.replace('_', " "),
        };
        let (before, after) = (
            self.value(&c.field, &c.before),
            self.value(&c.field, &c.after),
        );
        match (before, after) {
            (None, Some(after)) => format!("set the {field} to {after}"),
            (Some(before), None) => format!("cleared the {field} (was {before})"),
            (Some(before), Some(after)) => format!("changed the {field} from {before} to {after}"),
            (None, None) => format!("changed the {field}"),
        }
    }

    fn value(&self, field: &str, value: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        let text = match value {
            Value::Null => return None,
            Value::Array(items) if items.is_empty() => return None,
            Value::String(s) if s.is_empty() => return None,
            Value::String(s) => s.clone(),
            Value::Array(items) if field == "three_point" => {
                items
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(" / ")
                    + " days"
            }
            Value::Array(items) => items
                .iter()
                .map(|v| self.value("owner", v).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        let id = || text.parse::<tandem_domain::Id>().ok();
        let named = match field {
            "owner" | "collaborators" => self
                .members
                .iter()
                .find(|m| m.user.email == text)
                .map(|m| m.user.name.clone()),
            "status" => text
                .parse::<TaskStatus>()
                .ok()
                .map(|s| layout::status_label(s).to_string()),
            "priority" => text
                .parse::<tandem_domain::Priority>()
                .ok()
                .map(|p| layout::priority_label(p).to_string()),
            "phase_id" => id()
                .and_then(|id| self.phases.iter().find(|p| p.id == id))
                .map(|p| p.name.clone()),
            "milestone_id" => id()
                .and_then(|id| self.milestones.iter().find(|m| m.id == id))
                .map(|m| m.name.clone()),
            "percent_complete" => Some(format!("{text} %")),
            "estimate_days" => Some(format!("{text} days")),
            "effort_hours" => Some(format!("{text} hours")),
            _ => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .map(|d| d.format("%a %-d %b %Y").to_string()),
        };
        Some(short(&Value::String(named.unwrap_or(text))))
    }
}

fn short(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// The task form's fields, as the API's `UpdateTask` names them.
const EDIT_FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("description", Kind::Optional),
    ("owner", Kind::Optional),
    ("collaborators", Kind::Picks),
    ("status", Kind::Optional),
    ("priority", Kind::Optional),
    ("start_date", Kind::Optional),
    ("due_date", Kind::Optional),
    ("estimate_days", Kind::Number),
    ("three_point", Kind::ThreePoint),
    ("effort_hours", Kind::Number),
    ("percent_complete", Kind::Number),
    ("tags", Kind::List),
    ("phase_id", Kind::Number),
    ("milestone_id", Kind::Number),
    ("constraint_type", Kind::Optional),
    ("constraint_date", Kind::Optional),
    ("actual_start", Kind::Optional),
    ("actual_finish", Kind::Optional),
    ("scheduling", Kind::Optional),
    ("blocked_reason", Kind::Optional),
];

/// `POST /w/{ws}/t/{key}`: the task form, saved through the API's update
/// (If-Match: the version the form was rendered with).
pub async fn edit_task(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let expected = form_version(&form)?;
    let result = async {
        // The page asks why a task is blocked, as the list and the board do.
        if form.get("status") == Some("blocked")
            && form
                .get("blocked_reason")
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(ApiError::field(
                "blocked_reason",
                "must say why the task is blocked",
            ));
        }
        let body = json_body::<UpdateTask>(&form, EDIT_FIELDS)?;
        crate::handlers::tasks::update_task(
            State(state.clone()),
            viewer.ctx.clone(),
            Path((ws, key.clone())),
            IfMatch(expected),
            body,
        )
        .await
    }
    .await;
    answer(&headers, result, &viewer.url(&format!("/t/{key}")))
}

/// `POST /w/{ws}/t/{key}/delete`: deletes the task at the version shown,
/// then on to its project's list (or My Work).
pub async fn delete_task(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = match tandem_domain::TaskKey::parse(&key) {
        Ok(tandem_domain::TaskKey::Project { project, .. }) => {
            viewer.url(&format!("/p/{project}/list"))
        }
        _ => viewer.url("/my"),
    };
    // A delete is of the task as the page showed it: never blind.
    let refuse = |e: ApiError| Err(super::common::refused(&headers, e));
    if let Err(e) = viewer.ctx.actor().writer() {
        return refuse(e.into());
    }
    if FormPairs::parse(&body).get("version").is_none() {
        return refuse(ApiError::field(
            "version",
            "is required: the version of the task the page showed",
        ));
    }
    let ctx = viewer.ctx.clone();
    super::common::forward(
        &headers,
        &body,
        &[],
        &to,
        |_: crate::extract::JsonBody<serde_json::Value>, if_match| async move {
            crate::handlers::tasks::delete_task(State(state), ctx, Path((ws, key)), if_match)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/t/{key}/done`: ticks a task off at the version shown.
pub async fn tick(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let expected = form_version(&form)?;
    let patch = UpdateTask {
        status: Some(TaskStatus::Done),
        ..Default::default()
    };
    let result = crate::handlers::tasks::update_task(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key)),
        IfMatch(expected),
        crate::extract::JsonBody::new(patch),
    )
    .await;
    answer(
        &headers,
        result,
        &super::common::back(&headers, &viewer.url("/my")),
    )
}

/// `POST /w/{ws}/t/{key}/links`: this task waits for `predecessor`.
pub async fn add_link(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut form = FormPairs::parse(&body);
    form.0.retain(|(name, _)| name != "successor");
    form.0.push(("successor".into(), key.clone()));
    let result = async {
        let typed = form.get("predecessor").unwrap_or("").trim().to_string();
        let found = predecessor_named(&state, &viewer, &typed, &key).await?;
        form.0.retain(|(name, _)| name != "predecessor");
        form.0.push(("predecessor".into(), found));
        let body = json_body::<CreateDependency>(
            &form,
            &[
                ("predecessor", Kind::Text),
                ("successor", Kind::Text),
                ("type", Kind::Optional),
                ("lag_days", Kind::Number),
            ],
        )?;
        crate::handlers::dependencies::create_dependency(
            State(state.clone()),
            viewer.ctx.clone(),
            body,
        )
        .await
    }
    .await;
    answer(&headers, result, &viewer.url(&format!("/t/{key}")))
}

/// The key of the predecessor `typed` names: a key as it is, else words
/// of a title that match exactly one other task the viewer may open, as
/// a person types "positioning brief" rather than LAUNCH-3.
async fn predecessor_named(
    state: &AppState,
    viewer: &Viewer,
    typed: &str,
    this: &str,
) -> Result<String, ApiError> {
    let looks_like_key = typed.split_once('-').is_some_and(|(project, number)| {
        project.starts_with(|c: char| c.is_ascii_alphabetic())
            && project.chars().all(|c| c.is_ascii_alphanumeric())
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
    });
    if typed.is_empty() || looks_like_key {
        return Ok(typed.to_string());
    }
    let filter = TaskFilter {
        text: Some(typed.to_string()),
        limit: 3,
        ..Default::default()
    };
    let page = state
        .store
        .list_tasks(viewer.ctx.scope, &filter)
        .await
        .map_err(ApiError::from)?;
    let others: Vec<_> = page.tasks.iter().filter(|t| t.key != this).collect();
    match others.as_slice() {
        [only] => Ok(only.key.clone()),
        [] => Err(ApiError::field(
            "predecessor",
            format!(
                "No task you can open matches “{typed}”: type other words of its title, or its key."
            ),
        )),
        _ => Err(ApiError::field(
            "predecessor",
            format!(
                "More than one task matches “{typed}”: pick one from the list, or type more of its title."
            ),
        )),
    }
}

/// `POST /w/{ws}/t/{key}/links/remove`: removes the link named by
/// `predecessor` and `successor`.
pub async fn remove_link(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    viewer.ctx.writer().map_err(|e| refused(&headers, e))?;
    let (Some(pred), Some(succ)) = (form.get("predecessor"), form.get("successor")) else {
        return Err(refused(
            &headers,
            ApiError::field("predecessor", "name both ends of the link"),
        ));
    };
    let result = crate::handlers::dependencies::delete_dependency(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, pred.to_string(), succ.to_string())),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url(&format!("/t/{key}")))
}
