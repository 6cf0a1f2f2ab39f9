//! Templates: the starters and the workspace's own, a project saved as
//! one, and (through `POST /projects` with `template`) a project made from
//! one.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::json;
use tandem_api::*;
use tandem_domain::templates::{ProjectTemplate, span};
use tandem_domain::{Email, FieldError, ProjectKey, Validation, validate};
use tandem_usecases::templates::{self, Listed, Save, Use};

use super::{ApiResult, QueryParams};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, JsonBody};
use crate::routes::*;

const VERSION_QUERY: &[Param] = &[Param {
    name: "version",
    description: "The version to read (its newest when left out)",
    schema: || or_empty(json!({"type": "integer", "minimum": 1})),
}];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/templates", "Templates: the three starters and the workspace's own (a guest sees the starters)", none(), json::<Vec<TemplateSummaryView>>(), 200, list_templates),
        route!(post "/api/v1/workspaces/{ws}/templates", "Save a project as a template (a new version when the name is taken): dates become working days from its start, owners roles", creating::<SaveTemplate>("CreateTemplate", &["project", "name"]), json::<TemplateView>(), 201, save_template),
        route!(get "/api/v1/workspaces/{ws}/templates/{name}", "A template with its phases, milestones, tasks, risks and versions", none(), json::<TemplateView>(), 200, get_template).query(VERSION_QUERY),
        route!(delete "/api/v1/workspaces/{ws}/templates/{name}", "Delete a template and its versions (projects made from it keep its name)", none(), none(), 204, delete_template),
        route!(get "/api/v1/workspaces/{ws}/task-templates", "Task templates: a task and its subtasks to add again (a guest sees none)", none(), json::<Vec<TaskTemplateView>>(), 200, list_task_templates),
        route!(post "/api/v1/workspaces/{ws}/task-templates", "Save a task and its subtasks as a task template (a new version when the name is taken); add one with POST /tasks and `template`", creating::<SaveTaskTemplate>("CreateTaskTemplate", &["task", "name"]), json::<TaskTemplateView>(), 201, save_task_template),
        route!(get "/api/v1/workspaces/{ws}/task-templates/{name}", "A task template", none(), json::<TaskTemplateView>(), 200, get_task_template).query(VERSION_QUERY),
        route!(delete "/api/v1/workspaces/{ws}/task-templates/{name}", "Delete a task template and its versions", none(), none(), 204, delete_task_template),
    ]
}

pub(crate) fn summary(t: &Listed) -> TemplateSummaryView {
    let body = &t.template;
    TemplateSummaryView {
        name: t.name.clone(),
        version: t.version,
        starter: t.starter,
        description: t.description.clone(),
        source_project: t.source.clone(),
        created_by: t.created_by.clone(),
        created_at: t.created_at,
        roles: body.roles.clone(),
        phase_count: body.phases.len(),
        milestone_count: body.milestones.len(),
        task_count: body.tasks.len(),
        risk_count: body.risks.len(),
        span_working_days: span(body),
    }
}

pub(crate) fn view(t: &Listed, versions: &[templates::Version]) -> TemplateView {
    let b: &ProjectTemplate = &t.template;
    let role = |r: Option<usize>| r.and_then(|r| b.roles.get(r)).cloned();
    let phase = |p: Option<usize>| p.and_then(|p| b.phases.get(p)).map(|p| p.name.clone());
    TemplateView {
        summary: summary(t),
        objective: b.objective.clone(),
        phases: b
            .phases
            .iter()
            .map(|p| TemplatePhaseView {
                name: p.name.clone(),
                start: p.start,
                end: p.end,
            })
            .collect(),
        milestones: b
            .milestones
            .iter()
            .map(|m| TemplateMilestoneView {
                name: m.name.clone(),
                date: m.date,
                phase: phase(m.phase),
            })
            .collect(),
        tasks: b
            .tasks
            .iter()
            .enumerate()
            .map(|(i, task)| TemplateTaskView {
                title: task.title.clone(),
                role: role(task.role),
                estimate_days: task.estimate_days,
                phase: phase(task.phase),
                after: b
                    .dependencies
                    .iter()
                    .filter(|l| l.successor == i)
                    .filter_map(|l| b.tasks.get(l.predecessor))
                    .map(|p| p.title.clone())
                    .collect(),
                parent: task
                    .parent
                    .and_then(|p| b.tasks.get(p))
                    .map(|p| p.title.clone()),
            })
            .collect(),
        risks: b
            .risks
            .iter()
            .map(|r| TemplateRiskView {
                title: r.title.clone(),
                probability: r.probability,
                impact: r.impact,
                role: role(r.role),
                mitigation: r.mitigation.clone(),
            })
            .collect(),
        versions: versions
            .iter()
            .map(|v| TemplateVersionView {
                version: v.version,
                source_project: v.source.clone(),
                created_by: v.created_by.clone(),
                created_at: v.created_at,
            })
            .collect(),
    }
}

/// The `version` a read asks for: its newest when none.
fn version_asked(query: &HashMap<String, String>) -> Result<Option<i64>, ApiError> {
    let mut v = Validation::new();
    let params = QueryParams::read(query, &["version"], &mut v);
    let version = match params.get("version").map(str::parse::<i64>) {
        None => None,
        Some(Ok(n)) if n >= 1 => Some(n),
        Some(_) => {
            v.push("version", "must be a whole number from 1");
            None
        }
    };
    v.into_result().map_err(ApiError::Invalid)?;
    Ok(version)
}

pub async fn list_templates(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<TemplateSummaryView>>> {
    let all = templates::list(state.store.as_ref(), ctx.scope).await?;
    Ok(Json(all.iter().map(summary).collect()))
}

pub async fn save_template(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<SaveTemplate>,
) -> ApiResult<(StatusCode, Json<TemplateView>)> {
    let writer = ctx.actor().writer()?;
    let save = body.into_domain(|b| {
        let mut v = Validation::new();
        if b.project.is_none() {
            v.push("project", "is required");
        }
        if b.name.is_none() {
            v.push("name", "is required");
        }
        v.finish(|| Save {
            project: b.project.unwrap_or_default(),
            name: b.name.unwrap_or_default(),
            description: b.description,
            roles: b.roles.unwrap_or_default().into_iter().collect(),
        })
    })?;
    let store = state.store.as_ref();
    let saved = templates::save(store, &writer, &save).await?;
    let versions = templates::versions(store, ctx.scope, &saved.name).await?;
    Ok((StatusCode::CREATED, Json(view(&saved, &versions))))
}

pub async fn get_template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, name)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<TemplateView>> {
    let version = version_asked(&query)?;
    let store = state.store.as_ref();
    let found = templates::get(store, ctx.scope, &name, version).await?;
    let versions = templates::versions(store, ctx.scope, &found.name).await?;
    Ok(Json(view(&found, &versions)))
}

pub async fn delete_template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, name)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    templates::delete(state.store.as_ref(), &writer, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn task_view(t: &tandem_usecases::templates::ListedTask) -> TaskTemplateView {
    TaskTemplateView {
        name: t.name.clone(),
        version: t.version,
        description: t.description.clone(),
        source_task: t.source.clone(),
        created_by: t.created_by.clone(),
        created_at: t.created_at,
        tasks: t
            .template
            .tasks
            .iter()
            .map(|task| TaskTemplateTaskView {
                title: task.title.clone(),
                parent: task.parent,
                estimate_days: task.estimate_days,
                due_offset_days: task.due,
            })
            .collect(),
    }
}

pub async fn list_task_templates(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<TaskTemplateView>>> {
    let all = templates::list_task_templates(state.store.as_ref(), ctx.scope).await?;
    Ok(Json(all.iter().map(task_view).collect()))
}

pub async fn save_task_template(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<SaveTaskTemplate>,
) -> ApiResult<(StatusCode, Json<TaskTemplateView>)> {
    let writer = ctx.actor().writer()?;
    let (task, name, description) = body.into_domain(|b| {
        let mut v = Validation::new();
        if b.task.is_none() {
            v.push("task", "is required");
        }
        if b.name.is_none() {
            v.push("name", "is required");
        }
        v.finish(|| {
            (
                b.task.unwrap_or_default(),
                b.name.unwrap_or_default(),
                b.description,
            )
        })
    })?;
    let saved = templates::save_task(
        state.store.as_ref(),
        &writer,
        &task,
        &name,
        description.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(task_view(&saved))))
}

pub async fn get_task_template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, name)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<TaskTemplateView>> {
    let version = version_asked(&query)?;
    let found =
        templates::get_task_template(state.store.as_ref(), ctx.scope, &name, version).await?;
    Ok(Json(task_view(&found)))
}

pub async fn delete_task_template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, name)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    templates::delete_task_template(state.store.as_ref(), &writer, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /tasks` with a task template: what it asks, checked. With one
/// only the title, project, owner, due date and version may be given.
pub(crate) fn task_template_use(
    b: CreateTask,
    template: String,
) -> Result<tandem_usecases::templates::AddTask, Vec<FieldError>> {
    let mut v = Validation::new();
    let owner = b
        .owner
        .as_deref()
        .and_then(|e| v.take("owner", Email::parse(e)));
    let project = match b.project.as_deref() {
        Some(key) => v
            .take("project", ProjectKey::parse(key))
            .map(|k| k.as_str().to_string()),
        None => None,
    };
    let title = b.title.clone().unwrap_or_default();
    if title.chars().count() > 500 {
        v.push("title", "must be at most 500 characters");
    }
    validate::check_date(b.due_date, "due_date", &mut v);
    let from_template = [
        ("description", b.description.is_some()),
        ("collaborators", b.collaborators.is_some()),
        ("status", b.status.is_some()),
        ("priority", b.priority.is_some()),
        ("start_date", b.start_date.is_some()),
        ("estimate_days", b.estimate_days.is_some()),
        ("effort_hours", b.effort_hours.is_some()),
        ("three_point", b.three_point.is_some()),
        ("percent_complete", b.percent_complete.is_some()),
        ("constraint_type", b.constraint_type.is_some()),
        ("constraint_date", b.constraint_date.is_some()),
        ("actual_start", b.actual_start.is_some()),
        ("actual_finish", b.actual_finish.is_some()),
        ("parent", b.parent.is_some()),
        ("phase_id", b.phase_id.is_some()),
        ("milestone_id", b.milestone_id.is_some()),
        ("tags", b.tags.is_some()),
        ("blocked_reason", b.blocked_reason.is_some()),
        ("repeat", b.repeat.is_some()),
    ];
    for (field, given) in from_template {
        if given {
            v.push(
                field,
                "comes from the task template; change it once the task is added",
            );
        }
    }
    v.finish(|| tandem_usecases::templates::AddTask {
        template,
        version: b.template_version,
        project,
        title,
        due: b.due_date,
        owner,
    })
}

/// `POST /projects` with a template: what it asks, checked. With a
/// template only the key, name, owner, start, version and people may be
/// given; the rest of the project is the template's.
pub(crate) fn template_use(
    b: CreateProject,
    template: String,
    today: chrono::NaiveDate,
) -> Result<Use, Vec<FieldError>> {
    let mut v = Validation::new();
    let key = match &b.key {
        Some(key) => v.take("key", ProjectKey::parse(key)),
        None => {
            v.push("key", "is required");
            None
        }
    };
    let name = validate::required_text(b.name.as_deref(), "name", 200, &mut v);
    let owner = b
        .owner
        .as_deref()
        .and_then(|e| v.take("owner", Email::parse(e)));
    let from_template = [
        ("objective", b.objective.is_some()),
        ("scope_in", b.scope_in.is_some()),
        ("scope_out", b.scope_out.is_some()),
        ("status", b.status.is_some()),
        ("stage", b.stage.is_some()),
        ("target_date", b.target_date.is_some()),
        ("budget", b.budget.is_some()),
        ("ongoing", b.ongoing.is_some()),
        ("work_week", b.work_week.is_some()),
        ("hours_per_day", b.hours_per_day.is_some()),
        ("status_date", b.status_date.is_some()),
        ("update_cadence_days", b.update_cadence_days.is_some()),
    ];
    for (field, given) in from_template {
        if given {
            v.push(
                field,
                "comes from the template; change it once the project is made",
            );
        }
    }
    let mut people = HashMap::new();
    for (role, email) in b.roles.unwrap_or_default() {
        if let Some(email) = v.take(&format!("roles.{role}"), Email::parse(&email)) {
            people.insert(role, email);
        }
    }
    if let Some(version) = b.template_version
        && version < 1
    {
        v.push("template_version", "must be a whole number from 1");
    }
    let start = b.start_date.unwrap_or(today);
    validate::check_date(Some(start), "start_date", &mut v);
    v.finish(|| Use {
        key: key.expect("checked"),
        name,
        template,
        version: b.template_version,
        start,
        owner,
        people,
    })
}
