//! The templates page: the three starters and the workspace's own, each
//! with what it holds and a form that makes a project from it (a name, a
//! key, a start date and a person for each role); and the form on a
//! project's settings that saves it as a template. Each form posts to a
//! route here that calls the API's own handler, so the rules are the
//! API's.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{CreateProject, SaveTemplate};

use super::Viewer;
use super::common::{FormPairs, WebError, answer, refused};
use super::layout::{Section, page};
use crate::AppState;
use crate::extract::JsonBody;

pub async fn templates_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let all = tandem_usecases::templates::list(store, scope).await?;
    let task_templates = tandem_usecases::templates::list_task_templates(store, scope).await?;
    let projects = store.project_keys(scope).await?;
    let members = store.list_members(scope).await?;
    let today = super::today();
    let content = html! {
        p.muted {
            "A template is a plan without dates or people: its phases, milestones, tasks with their estimates and links, risks and roles. "
            "A project made from one is dated from its start and its work given to the people you name for each role; it schedules like any plan. "
            "Save one of your own from a project's settings."
        }
        @for (i, t) in all.iter().enumerate() {
            @let body = &t.template;
            @let id = format!("tpl-{i}");
            section.card-panel.template aria-labelledby={ (id) "-h" } {
                h2 #{ (id) "-h" } {
                    (t.name) " "
                    @if t.starter { span.badge { "Starter" } } @else { span.badge { "Version " (t.version) } }
                }
                @if let Some(d) = &t.description { p { (d) } }
                p.muted {
                    (body.tasks.len()) " tasks · " (body.phases.len()) " phases · " (body.milestones.len()) " milestones · "
                    (body.risks.len()) " risks · about " (tandem_domain::templates::span(body)) " working days"
                    @if let Some(source) = &t.source { " · saved from " (source) }
                }
                details {
                    summary { "What it holds" }
                    @if !body.phases.is_empty() {
                        h3 { "Phases" }
                        ol { @for p in &body.phases { li { (p.name) @if let (Some(s), Some(e)) = (p.start, p.end) { span.muted { " — days " (s) " to " (e) } } } } }
                    }
                    h3 { "Tasks" }
                    ol {
                        @for task in &body.tasks {
                            li {
                                (task.title)
                                @if let Some(role) = task.role.and_then(|r| body.roles.get(r)) { span.muted { " — " (role) } }
                                @if let Some(days) = task.estimate_days { span.muted { ", " (days) " d" } }
                            }
                        }
                    }
                    @if !body.risks.is_empty() {
                        h3 { "Risks" }
                        ul { @for r in &body.risks { li { (r.title) span.muted { " (" (r.probability) "×" (r.impact) ")" } } } }
                    }
                }
                @if viewer.can_write() {
                    h3 { "Make a project from it" }
                    form.stacked.use-template method="post" action=(viewer.url("/templates/use")) {
                        input type="hidden" name="template" value=(t.name);
                        input type="hidden" name="template_version" value=(t.version);
                        div.pair {
                            div {
                                label for={ (id) "-name" } { "Project name" }
                                input id={ (id) "-name" } name="name" required maxlength="200";
                            }
                            div {
                                label for={ (id) "-key" } { "Key " span.muted { "(2 to 10 letters or digits)" } }
                                input id={ (id) "-key" } name="key" required pattern="[A-Za-z][A-Za-z0-9]{1,9}" autocapitalize="characters" autocomplete="off";
                            }
                        }
                        div.pair {
                            div {
                                label for={ (id) "-start" } { "Start" }
                                input id={ (id) "-start" } name="start_date" type="date" required value=(today);
                            }
                            div {
                                label for={ (id) "-owner" } { "Outcome owner" }
                                (crate::web::project::member_select(&format!("{id}-owner"), "owner", &members, Some(viewer.user().email.as_str())))
                            }
                        }
                        @if !body.roles.is_empty() {
                            fieldset.roles {
                                legend { "Who does what " span.muted { "(a role left empty leaves its work unassigned)" } }
                                div.pair {
                                    @for (r, role) in body.roles.iter().enumerate() {
                                        div {
                                            label for={ (id) "-role-" (r) } { (role) }
                                            (crate::web::project::member_select(&format!("{id}-role-{r}"), &format!("role:{role}"), &members, None))
                                        }
                                    }
                                }
                            }
                        }
                        div { button.primary type="submit" { "Make a project from " (t.name) } }
                    }
                }
                @if !t.starter && viewer.can_write() {
                    form.inline.confirm method="post" action=(viewer.url(&format!("/templates/{}/delete", urlencode(&t.name))))
                        data-confirm={ "Delete the template " (t.name) " and its versions? Projects made from it stay." } {
                        button.link type="submit" aria-label={ "Delete template " (t.name) } { "Delete template" }
                    }
                }
            }
        }
        @if !task_templates.is_empty() {
            h2 { "Task templates" }
            p.muted { "A task with its subtasks, to add again: save one from a task's page." }
            @for (i, t) in task_templates.iter().enumerate() {
                @let id = format!("ttpl-{i}");
                section.card-panel.template aria-labelledby={ (id) "-h" } {
                    h3 #{ (id) "-h" } { (t.name) " " span.badge { "Version " (t.version) } }
                    @if let Some(d) = &t.description { p { (d) } }
                    ol { @for task in &t.template.tasks { li { (task.title) } } }
                    @if viewer.can_write() {
                        form.stacked.use-task-template method="post" action=(viewer.url("/templates/use-task")) {
                            input type="hidden" name="template" value=(t.name);
                            div.pair {
                                div {
                                    label for={ (id) "-title" } { "Title " span.muted { "(empty keeps the template's)" } }
                                    input id={ (id) "-title" } name="title" maxlength="500";
                                }
                                div {
                                    label for={ (id) "-project" } { "Project" }
                                    select id={ (id) "-project" } name="project" {
                                        option value="" { "None (a personal task)" }
                                        @for (_, key) in &projects { option value=(key) { (key) } }
                                    }
                                }
                                div {
                                    label for={ (id) "-due" } { "Due" }
                                    input id={ (id) "-due" } name="due_date" type="date";
                                }
                            }
                            div { button.primary type="submit" { "Add " (t.name) } }
                        }
                        form.inline.confirm method="post" action=(viewer.url(&format!("/templates/tasks/{}/delete", urlencode(&t.name))))
                            data-confirm={ "Delete the task template " (t.name) "?" } {
                            button.link type="submit" aria-label={ "Delete task template " (t.name) } { "Delete task template" }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&viewer, "Templates", Section::Projects, None, content))
}

/// `POST /w/{ws}/templates/use-task`: a task and its subtasks from a task
/// template, then the task's page.
pub async fn use_task_template(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let text = |name: &str| {
        form.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let due_date = match text("due_date").map(|d| d.parse::<chrono::NaiveDate>()) {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(_)) => {
            return Err(refused(
                &headers,
                crate::error::ApiError::field("due_date", "must be a date, YYYY-MM-DD"),
            ));
        }
    };
    let input = tandem_api::CreateTask {
        title: Some(text("title").unwrap_or_default()),
        project: text("project"),
        due_date,
        template: text("template"),
        ..Default::default()
    };
    let made =
        crate::handlers::tasks::create_task(State(state), viewer.ctx.clone(), JsonBody::new(input))
            .await;
    let made = match made {
        Ok(response) => response,
        Err(e) => return Err(refused(&headers, e)),
    };
    if super::common::from_script(&headers) {
        return Ok(made);
    }
    let bytes = axum::body::to_bytes(made.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let key = serde_json::from_slice::<tandem_api::TaskView>(&bytes)
        .map(|t| t.key)
        .unwrap_or_default();
    Ok(axum::response::Redirect::to(&viewer.url(&format!("/t/{key}"))).into_response())
}

/// `POST /w/{ws}/t/{key}/template`: the task and its subtasks saved as a
/// task template.
pub async fn save_task_template(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = tandem_api::SaveTaskTemplate {
        task: Some(key),
        name: form.get("name").map(|n| n.trim().to_string()),
        description: None,
    };
    let result = crate::handlers::templates::save_task_template(
        State(state),
        viewer.ctx.clone(),
        JsonBody::new(input),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/templates"))
}

/// `POST /w/{ws}/templates/tasks/{name}/delete`.
pub async fn delete_task_template(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, name)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::templates::delete_task_template(
        State(state),
        viewer.ctx.clone(),
        Path((ws, name)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/templates"))
}

/// A name in a path.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `POST /w/{ws}/templates/use`: a project from a template, then its page.
pub async fn use_template(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let text = |name: &str| {
        form.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let roles: std::collections::BTreeMap<String, String> = form
        .0
        .iter()
        .filter_map(|(name, value)| {
            let role = name.strip_prefix("role:")?;
            (!value.trim().is_empty()).then(|| (role.to_string(), value.trim().to_string()))
        })
        .collect();
    let key = text("key").map(|k| k.to_ascii_uppercase());
    let template = text("template");
    // What does not read is said, not taken for today or the newest.
    let start_date = match text("start_date").map(|d| d.parse::<chrono::NaiveDate>()) {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(_)) => {
            return Err(refused(
                &headers,
                crate::error::ApiError::field("start_date", "must be a date, YYYY-MM-DD"),
            ));
        }
    };
    let template_version = match text("template_version").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return Err(refused(
                &headers,
                crate::error::ApiError::field("template_version", "must be a whole number"),
            ));
        }
    };
    let input = CreateProject {
        key: key.clone(),
        name: text("name"),
        owner: text("owner"),
        start_date,
        roles: template.is_some().then_some(roles),
        template_version,
        template,
        ..Default::default()
    };
    let result = crate::handlers::projects::create_project(
        State(state),
        viewer.ctx.clone(),
        JsonBody::new(input),
    )
    .await;
    let to = viewer.url(&format!("/p/{}", key.unwrap_or_default()));
    answer(&headers, result, &to)
}

/// `POST /w/{ws}/p/{key}/template`: the project saved as a template.
pub async fn save_template(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = SaveTemplate {
        project: Some(key.clone()),
        name: form.get("name").map(|n| n.trim().to_string()),
        description: form
            .get("description")
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        roles: None,
    };
    let result = crate::handlers::templates::save_template(
        State(state),
        viewer.ctx.clone(),
        JsonBody::new(input),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/templates"))
}

/// `POST /w/{ws}/templates/{name}/delete`.
pub async fn delete_template(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, name)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::templates::delete_template(
        State(state),
        viewer.ctx.clone(),
        Path((ws, name)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/templates"))
}
