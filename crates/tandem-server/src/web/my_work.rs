//! My Work (the viewer's open tasks across projects, by when they are
//! due, a page of each bucket at a time), the projects index, and the
//! forms that create things: a project, a task, and the quick-add line.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use tandem_api::{CreateProject, CreateTask};
use tandem_domain::dates::Bucket;
use tandem_domain::{ProjectStatus, Stage, Task, TaskStatus};
use tandem_store::TaskOrder;
use tandem_usecases::my_work::{self, BUCKET_PAGE, BucketPage};

use super::common::{FormPairs, Kind, WebError, answer, back, json_body, refused};
use super::layout::{self, Section, page};
use super::{Viewer, common};
use crate::AppState;
use crate::error::ApiError;
use crate::handlers::tasks::{format_cursor, parse_cursor};

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub async fn workspace_home(viewer: Viewer) -> Redirect {
    Redirect::to(&viewer.url("/my"))
}

/// One task as a row of a to-do list: tick it off, open it.
/// A task as a line of a to-do list; `serves` names the goals it serves
/// (id and title), shown after its due date.
pub fn todo_row(
    viewer: &Viewer,
    task: &Task,
    today: chrono::NaiveDate,
    serves: &[(tandem_domain::Id, String)],
) -> Markup {
    let done = task.status.is_closed();
    html! {
        li.todo.done[done] data-key=(task.key) data-status=(task.status) {
            @if viewer.can_write() && !done {
                form.tick method="post" action=(viewer.url(&format!("/t/{}/done", task.key))) {
                    input type="hidden" name="version" value=(task.version);
                    button.check type="submit" aria-label={ "Mark " (task.key) " done" } title="Mark done" {}
                }
            }
            a.key href=(viewer.url(&format!("/t/{}", task.key))) { (task.key) }
            a.title href=(viewer.url(&format!("/t/{}", task.key))) { (task.title) }
            span.meta {
                @match &task.project {
                    Some(p) => a.tag href=(viewer.url(&format!("/p/{}", p.key))) { (p.key) },
                    None => span.tag { "Personal" },
                }
                (layout::priority_badge(task.priority))
                @if task.status != TaskStatus::Todo { (layout::status_badge(task.status)) }
                (layout::due(task, today))
                @for (id, title) in serves {
                    a.goal-tag href=(viewer.url(&format!("/goals/{id}"))) title="A goal this task serves" { "◎ " (title) }
                }
            }
        }
    }
}

/// `GET /w/{ws}/my`: each bucket's count and its first tasks, first due
/// first; with `bucket` and `cursor` (a bucket's "more" link), the next
/// page of that bucket alone. No page reads more than a page of a bucket.
pub async fn my_work(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let only = get("bucket")
        .map(|b| Bucket::parse(b).map_err(|e| ApiError::field("bucket", e)))
        .transpose()?;
    let after = get("cursor")
        .map(|c| {
            parse_cursor(TaskOrder::Due, c)
                .ok_or_else(|| ApiError::field("cursor", "is not a link from My Work"))
        })
        .transpose()?;
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let today = today();
    let buckets = match only {
        Some(b) => vec![
            my_work::bucket(store, scope, today, b, after.clone(), BUCKET_PAGE)
                .await
                .map_err(ApiError::from)?,
        ],
        None => my_work::my_work(store, scope, today, BUCKET_PAGE)
            .await
            .map_err(ApiError::from)?,
    };
    let more = |b: &BucketPage| {
        b.next.as_ref().map(|next| {
            viewer.url(&format!(
                "/my?bucket={}&cursor={}",
                b.bucket.as_str(),
                format_cursor(TaskOrder::Due, next)
            ))
        })
    };
    let invitations = common::waiting_invitations(&state, viewer.user()).await?;
    let goals = tandem_usecases::goals::visible_goals(store, scope).await?;
    let serves = |task: &Task| {
        tandem_usecases::goals::served_by(&goals, task.id, task.project.as_ref().map(|p| p.id))
    };
    let total: u64 = buckets.iter().map(|b| b.count).sum();
    let waiting = tandem_store::ApprovalFilter {
        waiting_for: Some(scope.user_id),
        ..Default::default()
    };
    let approvals = store.list_approvals(scope, &waiting).await?;
    let content = html! {
        (common::invitations_block(&invitations))
        @if !approvals.is_empty() && only.is_none() {
            section.bucket aria-labelledby="b-approvals" {
                h2 #b-approvals { "Waiting for your approval " span.count { (approvals.len()) } }
                (super::approvals::approval_table(&viewer, "Approvals waiting for your answer", &approvals))
                p { a href=(viewer.url("/approvals")) { "All approvals" } }
            }
        }
        @if only.is_some() {
            p.lede { a href=(viewer.url("/my")) { "← All of My Work" } }
        } @else {
            p.lede { (total) " open tasks across your projects." }
        }
        @for b in &buckets {
            @let id = format!("b-{}", b.bucket.as_str());
            section.bucket aria-labelledby=(id) {
                h2 id=(id) { (b.bucket.label()) " " span.count { (b.count) } }
                @if b.tasks.is_empty() {
                    p.muted { @if after.is_some() { "Nothing more here." } @else { "Nothing here." } }
                } @else {
                    ul.todos { @for task in &b.tasks { (todo_row(&viewer, task, today, &serves(task))) } }
                }
                @if let Some(href) = more(b) {
                    p.more {
                        a href=(href) rel="next" {
                            "Show more of " (b.bucket.label().to_lowercase())
                            @if after.is_none() { " (" (b.count.saturating_sub(b.tasks.len() as u64)) " not shown)" }
                        }
                    }
                }
            }
        }
        @if viewer.can_write() && only.is_none() {
            section {
                h2 { "Add a personal task" }
                form.inline-form method="post" action=(viewer.url("/tasks")) {
                    label for="pt-title" { "Title" }
                    input #pt-title name="title" required;
                    label for="pt-due" { "Due" }
                    input #pt-due name="due_date" type="date";
                    button type="submit" { "Add" }
                }
            }
        }
    };
    Ok(page(&viewer, "My Work", Section::MyWork, None, content))
}

pub async fn projects(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let projects = store.open_projects(viewer.ctx.scope).await?;
    let members = if viewer.can_write() {
        store.list_members(viewer.ctx.scope).await?
    } else {
        Vec::new()
    };
    let (archived, projects): (Vec<_>, Vec<_>) = projects
        .into_iter()
        .partition(|(p, _)| p.archived_at.is_some());
    let mut rows = Vec::with_capacity(projects.len());
    for (project, access) in projects {
        let progress = store.project_progress(access).await?;
        rows.push((project, progress.project));
    }
    let today = today();
    let content = html! {
        @if rows.is_empty() {
            p.muted { "No projects yet." }
        } @else {
            div.table-wrap tabindex="0" role="region" aria-label="Projects table" {
                table.grid {
                    caption.visually-hidden { "Projects" }
                    thead { tr { th scope="col" { "Key" } th scope="col" { "Project" } th scope="col" { "Owner" } th scope="col" { "Stage" } th scope="col" { "Status" } th scope="col" { "Target" } th scope="col" { "Progress" } } }
                    tbody {
                        @for (p, progress) in &rows {
                            tr {
                                td { a.key href=(viewer.url(&format!("/p/{}", p.key))) { (p.key) } }
                                td { a href=(viewer.url(&format!("/p/{}", p.key))) { (p.name) } }
                                td { (layout::person(p.owner.as_ref())) }
                                td { (super::project::stage_label(p.stage)) }
                                td { (super::project::project_status_label(p.status)) }
                                td { (layout::date(p.target_date, today)) }
                                td { (layout::progress(progress.percent)) }
                            }
                        }
                    }
                }
            }
        }
        @if !archived.is_empty() {
            details.archived-projects {
                summary { "Archived projects " span.count { (archived.len()) } }
                ul.plain {
                    @for (p, _) in &archived {
                        li {
                            a.key href=(viewer.url(&format!("/p/{}", p.key))) { (p.key) } " "
                            a href=(viewer.url(&format!("/p/{}", p.key))) { (p.name) } " "
                            @if let Some(at) = p.archived_at { span.muted { "archived " (at.format("%-d %b %Y")) } }
                        }
                    }
                }
            }
        }
        @if viewer.can_write() {
            section.needs-js aria-labelledby="h-import" {
                h2 #h-import { "Import a Microsoft Project file" }
                form.stacked.import method="post" action={ "/api/v1/workspaces/" (viewer.slug()) "/imports/mspdi" } {
                    label for="im-file" { "File " span.muted { "(Microsoft Project XML: File › Save As › XML)" } }
                    input #im-file name="file" type="file" accept=".xml,application/xml,text/xml" required;
                    label for="im-key" { "Key " span.muted { "(empty: made from the file's name)" } }
                    input #im-key name="key" pattern="[A-Za-z][A-Za-z0-9]{1,9}" autocapitalize="characters" autocomplete="off";
                    label for="im-name" { "Name " span.muted { "(empty: the file's)" } }
                    input #im-name name="name" maxlength="200";
                    div { button type="submit" { "Import" } }
                }
            }
        }
        @if viewer.can_write() {
            section {
                h2 { "New project" }
                p { a href=(viewer.url("/templates")) { "Start from a template" } span.muted { ": a product launch, a client onboarding, a quarter's planning, or one saved from your projects." } }
                form.stacked.new-project method="post" action=(viewer.url("/projects")) {
                    label for="np-name" { "Name" }
                    input #np-name name="name" required maxlength="200";
                    label for="np-key" { "Key " span.muted { "(2 to 10 letters or digits, starting with a letter; suggested from the name)" } }
                    input #np-key name="key" required pattern="[A-Za-z][A-Za-z0-9]{1,9}" autocapitalize="characters" autocomplete="off";
                    label for="np-objective" { "Objective " span.muted { "(the outcome this project exists for)" } }
                    textarea #np-objective name="objective" rows="2" {}
                    label for="np-scope-in" { "In scope" }
                    textarea #np-scope-in name="scope_in" rows="2" {}
                    label for="np-scope-out" { "Out of scope" }
                    textarea #np-scope-out name="scope_out" rows="2" {}
                    label for="np-owner" { "Outcome owner" }
                    (crate::web::project::member_select("np-owner", "owner", &members, Some(viewer.user().email.as_str())))
                    div.pair {
                        div {
                            label for="np-stage" { "Stage" }
                            select #np-stage name="stage" {
                                @for s in Stage::ALL { option value=(s) selected[*s == Stage::Initiation] { (crate::web::project::stage_label(*s)) } }
                            }
                        }
                        div {
                            label for="np-status" { "Status" }
                            select #np-status name="status" {
                                @for s in ProjectStatus::ALL { option value=(s) selected[*s == ProjectStatus::Active] { (crate::web::project::project_status_label(*s)) } }
                            }
                        }
                    }
                    div.pair {
                        div {
                            label for="np-start" { "Start" }
                            input #np-start name="start_date" type="date";
                        }
                        div {
                            label for="np-target" { "Target date" }
                            input #np-target name="target_date" type="date";
                        }
                    }
                    label for="np-budget" { "Budget " span.muted { "(empty for none)" } }
                    input #np-budget name="budget" type="number" min="0" step="0.01" inputmode="decimal";
                    label.check for="np-ongoing" {
                        input #np-ongoing name="ongoing" type="checkbox" value="true";
                        " Ongoing work " span.muted { "(no finish: operations, support)" }
                    }
                    div { button.primary type="submit" { "Create project" } }
                }
            }
        }
    };
    Ok(page(&viewer, "Projects", Section::Projects, None, content))
}

pub async fn create_project(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let result = async {
        // The settings form's fields, and the key only a new project takes.
        let fields: Vec<(&str, Kind)> = std::iter::once(("key", Kind::Text))
            .chain(crate::web::project::PROJECT_FIELDS.iter().copied())
            .collect();
        let body = json_body::<CreateProject>(&form, &fields)?;
        crate::handlers::projects::create_project(State(state.clone()), viewer.ctx.clone(), body)
            .await
    }
    .await;
    let key = form.get("key").unwrap_or("").trim().to_ascii_uppercase();
    answer(&headers, result, &viewer.url(&format!("/p/{key}")))
}

/// The task form's fields, as the API's `CreateTask` names them.
const TASK_FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("project", Kind::Optional),
    ("owner", Kind::Optional),
    ("status", Kind::Optional),
    ("priority", Kind::Optional),
    ("start_date", Kind::Optional),
    ("due_date", Kind::Optional),
    ("estimate_days", Kind::Number),
    ("parent", Kind::Optional),
    ("phase_id", Kind::Number),
    ("blocked_reason", Kind::Optional),
];

pub async fn create_task(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let result = async {
        let body = json_body::<CreateTask>(&form, TASK_FIELDS)?;
        let first = form
            .get("first")
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        crate::handlers::tasks::create_task_before(
            State(state.clone()),
            viewer.ctx.clone(),
            body,
            first,
        )
        .await
    }
    .await;
    answer(&headers, result, &back(&headers, &viewer.url("/my")))
}

/// `POST /w/{ws}/quick`: one line, parsed, becomes a task. A script gets
/// the new task (201); a plain form goes to the task's page.
pub async fn quick_add(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let mut text = form.get("text").unwrap_or("").to_string();
    // From a project's page the task goes to that project, unless the
    // line names one itself.
    if let Some(key) = form.get("project").map(str::trim).filter(|k| !k.is_empty())
        && !text
            .split_whitespace()
            .any(|word| word.starts_with('#') && word.len() > 1)
    {
        text = format!("{text} #{key}");
    }
    let input = tandem_api::QuickAdd { text: Some(text) };
    let result = crate::handlers::tasks::quick_add(
        State(state.clone()),
        viewer.ctx.clone(),
        crate::extract::JsonBody::new(input),
    )
    .await;
    match result {
        Ok(response) if common::from_script(&headers) => Ok(response),
        Ok(response) => {
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap_or_default();
            let key = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["key"].as_str().map(str::to_string))
                .unwrap_or_default();
            Ok(Redirect::to(&viewer.url(&format!("/t/{key}"))).into_response())
        }
        Err(e) => Err(refused(&headers, e)),
    }
}
