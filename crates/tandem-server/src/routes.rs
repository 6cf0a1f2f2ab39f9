//! The route table. Each row names a method, a path, what it does and the
//! shapes it takes and returns; [`router`] mounts the handlers and
//! [`openapi`] writes the OpenAPI 3.1 document from the same rows, so the
//! document cannot drift from what is served.

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, delete, get, patch, post};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};
use tandem_api::*;

use crate::AppState;
use crate::handlers as h;
use crate::planning as p;

type SchemaFn = fn(&mut SchemaGenerator) -> schemars::Schema;

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    pub success: u16,
    pub handler: MethodRouter<AppState>,
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

macro_rules! route {
    ($method:ident $path:literal, $summary:literal, $req:ty, $resp:ty, $status:literal, $handler:path) => {
        Route {
            method: stringify!($method),
            path: $path,
            summary: $summary,
            request: route!(@schema $req),
            response: route!(@schema $resp),
            success: $status,
            handler: $method($handler),
        }
    };
    (@schema ()) => { None };
    (@schema $t:ty) => { Some(schema::<$t> as SchemaFn) };
}

const WS: &str = "/api/v1/workspaces/{ws}";

pub fn table() -> Vec<Route> {
    vec![
        route!(get "/healthz", "Liveness and database reachability", (), Health, 200, h::healthz),
        route!(post "/api/v1/auth/login", "Sign in with email and password; sets the session cookie", LoginRequest, Me, 200, h::login),
        route!(post "/api/v1/auth/logout", "Sign out of this browser session", (), (), 204, h::logout),
        route!(get "/api/v1/me", "The caller and their workspaces", (), Me, 200, h::me),
        route!(get "/api/v1/tokens", "The caller's API tokens", (), Vec<TokenView>, 200, h::list_tokens),
        route!(post "/api/v1/tokens", "Create an API token; the secret is shown once", CreateToken, TokenView, 201, h::create_token),
        route!(delete "/api/v1/tokens/{id}", "Revoke one of the caller's tokens", (), (), 204, h::revoke_token),
        route!(post "/api/v1/workspaces", "Create a workspace owned by the caller", CreateWorkspace, WorkspaceView, 201, h::create_workspace),
        route!(get "/api/v1/workspaces/{ws}/members", "Members and their roles", (), Vec<MemberView>, 200, h::list_members),
        route!(post "/api/v1/workspaces/{ws}/members", "Invite a person by email (owners and admins); they join when they accept. The answer is the same whether the email has an account", AddMember, InvitationView, 202, h::add_member),
        route!(get "/api/v1/workspaces/{ws}/invitations", "The workspace's open invitations (owners and admins)", (), Vec<InvitationView>, 200, h::list_invitations),
        route!(delete "/api/v1/workspaces/{ws}/invitations/{id}", "Withdraw an invitation (owners and admins)", (), (), 204, h::delete_invitation),
        route!(get "/api/v1/invitations", "Invitations waiting for the caller", (), Vec<InvitationView>, 200, h::my_invitations),
        route!(post "/api/v1/invitations/{id}/accept", "Accept an invitation: join its workspace with its role", (), WorkspaceView, 200, h::accept_invitation),
        route!(delete "/api/v1/invitations/{id}", "Decline an invitation", (), (), 204, h::decline_invitation),
        route!(patch "/api/v1/workspaces/{ws}/members/{user_id}", "Change a member's role", UpdateMember, MemberView, 200, h::update_member),
        route!(delete "/api/v1/workspaces/{ws}/members/{user_id}", "Remove a member", (), (), 204, h::remove_member),
        route!(patch "/api/v1/workspaces/{ws}/members/{user_id}/availability", "Set a member's hours a week (the member, owners and admins)", UpdateAvailability, MemberView, 200, h::update_availability),
        route!(get "/api/v1/workspaces/{ws}/members/{user_id}/time-off", "A member's time off", (), Vec<TimeOffView>, 200, h::list_time_off),
        route!(post "/api/v1/workspaces/{ws}/members/{user_id}/time-off", "Add time off; levelling keeps work off those days", CreateTimeOff, TimeOffView, 201, h::create_time_off),
        route!(delete "/api/v1/workspaces/{ws}/members/{user_id}/time-off/{id}", "Remove time off", (), (), 204, h::delete_time_off),
        route!(get "/api/v1/workspaces/{ws}/projects", "Projects visible to the caller", (), Vec<ProjectView>, 200, h::list_projects),
        route!(post "/api/v1/workspaces/{ws}/projects", "Create a project", CreateProject, ProjectView, 201, h::create_project),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}", "A project with its rolled-up progress", (), ProjectView, 200, h::get_project),
        route!(patch "/api/v1/workspaces/{ws}/projects/{key}", "Update a project (If-Match: version)", UpdateProject, ProjectView, 200, h::update_project),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}", "Delete a project and its work (owners and admins)", (), (), 204, h::delete_project),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/phases", "Phases with progress", (), Vec<PhaseView>, 200, h::list_phases),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/phases", "Add a phase", PhaseInput, PhaseView, 201, h::create_phase),
        route!(patch "/api/v1/workspaces/{ws}/phases/{id}", "Update a phase", PhaseInput, PhaseView, 200, h::update_phase),
        route!(delete "/api/v1/workspaces/{ws}/phases/{id}", "Delete a phase", (), (), 204, h::delete_phase),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/milestones", "Milestones with progress", (), Vec<MilestoneView>, 200, h::list_milestones),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/milestones", "Add a milestone", MilestoneInput, MilestoneView, 201, h::create_milestone),
        route!(patch "/api/v1/workspaces/{ws}/milestones/{id}", "Update a milestone", MilestoneInput, MilestoneView, 200, h::update_milestone),
        route!(delete "/api/v1/workspaces/{ws}/milestones/{id}", "Delete a milestone", (), (), 204, h::delete_milestone),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/dependencies", "Links into or out of the project's tasks", (), Vec<DependencyView>, 200, h::project_dependencies),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/stakeholders", "Stakeholders", (), Vec<StakeholderView>, 200, h::list_stakeholders),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/stakeholders", "Add a stakeholder (a member or an external person)", StakeholderInput, StakeholderView, 201, h::create_stakeholder),
        route!(patch "/api/v1/workspaces/{ws}/stakeholders/{id}", "Update a stakeholder", StakeholderInput, StakeholderView, 200, h::update_stakeholder),
        route!(delete "/api/v1/workspaces/{ws}/stakeholders/{id}", "Remove a stakeholder", (), (), 204, h::delete_stakeholder),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/risks", "The risk register, highest score first", (), Vec<RiskView>, 200, h::list_risks),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/risks", "Add a risk", RiskInput, RiskView, 201, h::create_risk),
        route!(get "/api/v1/workspaces/{ws}/risks/{id}", "A risk", (), RiskView, 200, h::get_risk),
        route!(patch "/api/v1/workspaces/{ws}/risks/{id}", "Update a risk", RiskInput, RiskView, 200, h::update_risk),
        route!(delete "/api/v1/workspaces/{ws}/risks/{id}", "Delete a risk", (), (), 204, h::delete_risk),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/schedule", "The critical path, the finish, each task's dates and slack, and variance against a baseline (query: baseline)", (), ScheduleView, 200, p::project_schedule),
        Route {
            method: "post",
            path: "/api/v1/workspaces/{ws}/imports/mspdi",
            summary: "Import a Microsoft Project XML file (the body, application/xml) as a new project (query: key, name)",
            request: None,
            response: Some(schema::<ProjectView> as SchemaFn),
            success: 201,
            // Project files are larger than any JSON body.
            handler: post(p::import_mspdi).layer(axum::extract::DefaultBodyLimit::max(
                crate::IMPORT_LIMIT_BYTES,
            )),
        },
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/mspdi", "The project as Microsoft Project XML (application/xml)", (), (), 200, p::export_mspdi),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions", "Holidays and days of other hours in the project's calendar", (), Vec<CalendarExceptionView>, 200, p::list_calendar_exceptions),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions", "Add a holiday or days of other hours; the project is rescheduled", CreateCalendarException, CalendarExceptionView, 201, p::create_calendar_exception),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions/{id}", "Remove a calendar exception", (), (), 204, p::delete_calendar_exception),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/baselines", "The project's baselines, newest first", (), Vec<BaselineView>, 200, p::list_baselines),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/baselines", "Save the current schedule as a baseline", CreateBaseline, BaselineView, 201, p::create_baseline),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/baselines/{id}", "Delete a baseline", (), (), 204, p::delete_baseline),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/forecast", "P50/P80/P95 finish and criticality from three-point estimates (query: runs, seed)", (), ForecastView, 200, p::project_forecast),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/levelling", "Preview of levelling by owner: delays, over-allocation before and after, finish cost", (), LevellingView, 200, p::project_levelling),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/levelling", "Level by owner and apply: delayed tasks start no earlier than their levelled start", (), LevellingView, 200, p::apply_levelling),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/activity", "Recent changes in the project, newest first", (), Vec<ActivityView>, 200, h::project_activity),
        route!(get "/api/v1/workspaces/{ws}/tasks", "Tasks, filtered, by cursor pages", (), TaskPage, 200, h::list_tasks),
        route!(post "/api/v1/workspaces/{ws}/tasks", "Create a task (no project: a personal task)", CreateTask, TaskView, 201, h::create_task),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}", "A task", (), TaskView, 200, h::get_task),
        route!(patch "/api/v1/workspaces/{ws}/tasks/{key}", "Update a task (If-Match: version)", UpdateTask, TaskView, 200, h::update_task),
        route!(delete "/api/v1/workspaces/{ws}/tasks/{key}", "Delete a task and its subtasks", (), (), 204, h::delete_task),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/dependencies", "A task's links, both ways", (), Vec<DependencyView>, 200, h::task_dependencies),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/activity", "A task's history, newest first", (), Vec<ActivityView>, 200, h::task_activity),
        route!(post "/api/v1/workspaces/{ws}/dependencies", "Link two tasks; a cycle is refused with 409", CreateDependency, DependencyView, 201, h::create_dependency),
        route!(patch "/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}", "Change a link's type or lag", UpdateDependency, DependencyView, 200, h::update_dependency),
        route!(delete "/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}", "Remove a link", (), (), 204, h::delete_dependency),
        route!(get "/api/v1/openapi.json", "This document", (), (), 200, openapi_handler),
    ]
}

async fn openapi_handler() -> impl IntoResponse {
    axum::Json(openapi())
}

pub fn router() -> Router<AppState> {
    let _ = WS;
    table()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        })
        .fallback(|| async { crate::error::ApiError::NotFound("no such endpoint".into()) })
}

/// The OpenAPI 3.1 document of every route in [`table`].
pub fn openapi() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let problem = generator.subschema_for::<Problem>();
    let mut paths: Map<String, Value> = Map::new();
    for route in table() {
        let mut operation = Map::new();
        operation.insert("summary".into(), route.summary.into());
        operation.insert(
            "operationId".into(),
            operation_id(route.method, route.path).into(),
        );
        let params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            operation.insert("parameters".into(), params.into());
        }
        if let Some(request) = route.request {
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": request(&mut generator)}}}),
            );
        }
        let mut responses = Map::new();
        let success = match route.response {
            Some(response) => {
                json!({"description": "Success", "content": {"application/json": {"schema": response(&mut generator)}}})
            }
            None => json!({"description": "Success"}),
        };
        responses.insert(route.success.to_string(), success);
        responses.insert(
            "default".into(),
            json!({"description": "A problem (RFC 9457)", "content": {"application/problem+json": {"schema": problem}}}),
        );
        operation.insert("responses".into(), responses.into());
        if !matches!(
            route.path,
            "/healthz" | "/api/v1/auth/login" | "/api/v1/openapi.json"
        ) {
            operation.insert("security".into(), json!([{"bearer": []}, {"session": []}]));
        }
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        entry[route.method] = operation.into();
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tandem API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Projects and tasks in one model. Errors are RFC 9457 problem details; updates take If-Match with the version from the ETag."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (tandem token create)"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::extract::SESSION_COOKIE}
            }
        }
    })
}

fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .filter(|s| !s.starts_with('{') && *s != "workspaces" && !s.is_empty())
        .collect();
    format!("{method}_{}", words.join("_"))
}
