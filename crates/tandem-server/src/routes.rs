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
use tandem_domain::{Priority, TaskStatus};

use crate::AppState;
use crate::handlers as h;
use crate::planning as p;

type SchemaFn = fn(&mut SchemaGenerator) -> schemars::Schema;

/// What an operation reads, or answers with, as its body.
#[derive(Clone, Copy)]
pub enum Body {
    /// No body at all.
    Empty,
    /// JSON of the shape the function describes.
    Json(SchemaFn),
    /// JSON of a shape shared by create and update, whose listed fields
    /// the create still refuses without (and refuses as `null`): the
    /// document names it apart.
    JsonRequiring {
        shared: SchemaFn,
        name: &'static str,
        required: &'static [&'static str],
    },
    /// A Microsoft Project XML file.
    Xml,
}

/// A query parameter an operation reads.
pub struct Param {
    pub name: &'static str,
    pub description: &'static str,
    pub schema: fn() -> Value,
}

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Body,
    pub response: Body,
    pub success: u16,
    pub query: &'static [Param],
    /// Takes `If-Match: "<version>"`.
    pub if_match: bool,
    /// Answers with the object's version as `ETag`.
    pub etag: bool,
    /// Answers without credentials.
    pub public: bool,
    /// An answer other than success and problems, with its status.
    pub other: Option<(u16, &'static str, Body)>,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    fn query(mut self, params: &'static [Param]) -> Self {
        self.query = params;
        self
    }

    fn if_match(mut self) -> Self {
        self.if_match = true;
        self
    }

    fn etag(mut self) -> Self {
        self.etag = true;
        self
    }

    fn public(mut self) -> Self {
        self.public = true;
        self
    }

    fn also(mut self, status: u16, description: &'static str, body: Body) -> Self {
        self.other = Some((status, description, body));
        self
    }

    fn body_limit(mut self, bytes: usize) -> Self {
        self.handler = self
            .handler
            .layer(axum::extract::DefaultBodyLimit::max(bytes));
        self
    }
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

/// The type's own object schema, to be named apart: a create demands
/// fields the shared type leaves optional for updates.
fn inline<T: JsonSchema>(generator: &mut SchemaGenerator) -> schemars::Schema {
    T::json_schema(generator)
}

fn none() -> Body {
    Body::Empty
}

fn json<T: JsonSchema>() -> Body {
    Body::Json(schema::<T>)
}

fn creating<T: JsonSchema>(name: &'static str, required: &'static [&'static str]) -> Body {
    Body::JsonRequiring {
        shared: inline::<T>,
        name,
        required,
    }
}

fn xml() -> Body {
    Body::Xml
}

macro_rules! route {
    ($method:ident $path:literal, $summary:literal, $req:expr, $resp:expr, $status:literal, $handler:path) => {
        Route {
            method: stringify!($method),
            path: $path,
            summary: $summary,
            request: $req,
            response: $resp,
            success: $status,
            query: &[],
            if_match: false,
            etag: false,
            public: false,
            other: None,
            handler: $method($handler),
        }
    };
}

/// Words of a closed vocabulary, as examples of a filter that takes them
/// comma-separated (in any case, with spaces or dashes for underscores).
fn words(words: impl IntoIterator<Item = &'static str>) -> Value {
    let mut schema = query_text();
    schema["examples"] = words.into_iter().collect::<Vec<_>>().into();
    schema
}

/// Text in a query: anything but NUL, which the server refuses in any
/// query (400) before a handler reads it.
fn query_text() -> Value {
    json!({"type": "string", "pattern": "^[^\\u0000]*$"})
}

/// A task filter given empty is no filter, as in a form's empty field.
fn or_empty(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "string", "maxLength": 0}]})
}

const TASK_FILTERS: &[Param] = &[
    Param {
        name: "project",
        description: "A project's key",
        schema: query_text,
    },
    Param {
        name: "owner",
        description: "`me`, `none` (unassigned) or an owner's email",
        schema: query_text,
    },
    Param {
        name: "status",
        description: "Statuses, comma-separated",
        schema: || words(TaskStatus::ALL.iter().map(|s| s.as_str())),
    },
    Param {
        name: "priority",
        description: "Priorities, comma-separated",
        schema: || words(Priority::ALL.iter().map(|s| s.as_str())),
    },
    Param {
        name: "tag",
        description: "A tag, with or without `#`",
        schema: query_text,
    },
    Param {
        name: "due_before",
        description: "Due on or before this date",
        schema: || or_empty(json!({"type": "string", "format": "date"})),
    },
    Param {
        name: "due_after",
        description: "Due on or after this date",
        schema: || or_empty(json!({"type": "string", "format": "date"})),
    },
    Param {
        name: "q",
        description: "Text in the title or description",
        schema: query_text,
    },
    Param {
        name: "open",
        description: "Only tasks that are neither done nor cancelled",
        schema: || or_empty(json!({"type": "boolean"})),
    },
    Param {
        name: "parent",
        description: "Only the subtasks of this task (its key)",
        schema: query_text,
    },
    Param {
        name: "personal",
        description: "Only tasks outside any project",
        schema: || or_empty(json!({"type": "boolean"})),
    },
    Param {
        name: "cursor",
        description: "`next_cursor` of the previous page",
        schema: query_text,
    },
    Param {
        name: "limit",
        description: "Tasks a page (default 50)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1, "maximum": 500})),
    },
];

const ACTIVITY_PAGE: &[Param] = &[Param {
    name: "before",
    description: "Only changes older than this activity id",
    schema: id_schema,
}];

const SCHEDULE_QUERY: &[Param] = &[Param {
    name: "baseline",
    description: "The baseline's id (default: the newest)",
    schema: id_schema,
}];

const FORECAST_QUERY: &[Param] = &[
    Param {
        name: "runs",
        description: "Simulated runs (default 2000)",
        schema: || json!({"type": "integer", "minimum": 1, "maximum": 20000}),
    },
    Param {
        name: "seed",
        description: "The random seed, for repeatable answers (default 1)",
        schema: || json!({"type": "integer", "minimum": 0, "maximum": u64::MAX}),
    },
];

const IMPORT_QUERY: &[Param] = &[
    Param {
        name: "key",
        description: "The new project's key (default: made from the file's name)",
        schema: query_text,
    },
    Param {
        name: "name",
        description: "The new project's name (default: the file's)",
        schema: query_text,
    },
];

/// A small Microsoft Project XML file: two tasks, one after the other.
const MSPDI_EXAMPLE: &str = "<Project xmlns=\"http://schemas.microsoft.com/project\">\
<Name>Example</Name><StartDate>2026-01-05T08:00:00</StartDate><Tasks>\
<Task><UID>1</UID><ID>1</ID><Name>Design</Name><OutlineLevel>1</OutlineLevel><Duration>PT16H0M0S</Duration></Task>\
<Task><UID>2</UID><ID>2</ID><Name>Build</Name><OutlineLevel>1</OutlineLevel><Duration>PT24H0M0S</Duration>\
<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>\
</Tasks></Project>";

/// `*`, a version, or a list of entity tags (RFC 9110), as
/// [`crate::extract::IfMatch`] reads it.
const IF_MATCH_PATTERN: &str =
    r#"^[ \t]*(\*|[+-]?[0-9]{1,18}|((W/)?"[\x21\x23-\x7e]*"|[ \t,])*)[ \t]*$"#;

/// Ids are 64-bit integers; a number out of that range is a 400, another
/// in it that names nothing a 404.
fn id_schema() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX})
}

pub fn table() -> Vec<Route> {
    vec![
        route!(get "/healthz", "Liveness and database reachability", none(), json::<Health>(), 200, h::healthz)
            .also(503, "The database does not answer", json::<Health>())
            .public(),
        route!(post "/api/v1/auth/login", "Sign in with email and password; sets the session cookie", json::<LoginRequest>(), json::<Me>(), 200, h::login).public(),
        route!(post "/api/v1/auth/logout", "Sign out of this browser session (its cookie, if any) and clear the cookie", none(), none(), 204, h::logout).public(),
        route!(get "/api/v1/me", "The caller and their workspaces", none(), json::<Me>(), 200, h::me),
        route!(get "/api/v1/tokens", "The caller's API tokens", none(), json::<Vec<TokenView>>(), 200, h::list_tokens),
        route!(post "/api/v1/tokens", "Create an API token; the secret is shown once", json::<CreateToken>(), json::<TokenView>(), 201, h::create_token),
        route!(delete "/api/v1/tokens/{id}", "Revoke one of the caller's tokens", none(), none(), 204, h::revoke_token),
        route!(post "/api/v1/workspaces", "Create a workspace owned by the caller", json::<CreateWorkspace>(), json::<WorkspaceView>(), 201, h::create_workspace),
        route!(get "/api/v1/workspaces/{ws}/members", "Members and their roles", none(), json::<Vec<MemberView>>(), 200, h::list_members),
        route!(post "/api/v1/workspaces/{ws}/members", "Invite a person by email (owners and admins); they join when they accept. The answer is the same whether the email has an account", json::<AddMember>(), json::<InvitationView>(), 202, h::add_member),
        route!(get "/api/v1/workspaces/{ws}/invitations", "The workspace's open invitations (owners and admins)", none(), json::<Vec<InvitationView>>(), 200, h::list_invitations),
        route!(delete "/api/v1/workspaces/{ws}/invitations/{id}", "Withdraw an invitation (owners and admins)", none(), none(), 204, h::delete_invitation),
        route!(get "/api/v1/invitations", "Invitations waiting for the caller", none(), json::<Vec<InvitationView>>(), 200, h::my_invitations),
        route!(post "/api/v1/invitations/{id}/accept", "Accept an invitation: join its workspace with its role", none(), json::<WorkspaceView>(), 200, h::accept_invitation),
        route!(delete "/api/v1/invitations/{id}", "Decline an invitation", none(), none(), 204, h::decline_invitation),
        route!(patch "/api/v1/workspaces/{ws}/members/{user_id}", "Change a member's role", json::<UpdateMember>(), json::<MemberView>(), 200, h::update_member).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/members/{user_id}", "Remove a member", none(), none(), 204, h::remove_member),
        route!(patch "/api/v1/workspaces/{ws}/members/{user_id}/availability", "Set a member's hours a week (the member, owners and admins)", json::<UpdateAvailability>(), json::<MemberView>(), 200, h::update_availability).if_match().etag(),
        route!(get "/api/v1/workspaces/{ws}/members/{user_id}/time-off", "A member's time off", none(), json::<Vec<TimeOffView>>(), 200, h::list_time_off),
        route!(post "/api/v1/workspaces/{ws}/members/{user_id}/time-off", "Add time off; levelling keeps work off those days", json::<CreateTimeOff>(), json::<TimeOffView>(), 201, h::create_time_off),
        route!(delete "/api/v1/workspaces/{ws}/members/{user_id}/time-off/{id}", "Remove time off", none(), none(), 204, h::delete_time_off),
        route!(get "/api/v1/workspaces/{ws}/projects", "Projects visible to the caller", none(), json::<Vec<ProjectView>>(), 200, h::list_projects),
        route!(post "/api/v1/workspaces/{ws}/projects", "Create a project", json::<CreateProject>(), json::<ProjectView>(), 201, h::create_project).etag(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}", "A project with its rolled-up progress", none(), json::<ProjectView>(), 200, h::get_project).etag(),
        route!(patch "/api/v1/workspaces/{ws}/projects/{key}", "Update a project", json::<UpdateProject>(), json::<ProjectView>(), 200, h::update_project).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}", "Delete a project and its work (owners and admins)", none(), none(), 204, h::delete_project).if_match(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/phases", "Phases with progress", none(), json::<Vec<PhaseView>>(), 200, h::list_phases),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/phases", "Add a phase", creating::<PhaseInput>("CreatePhase", &["name"]), json::<PhaseView>(), 201, h::create_phase).etag(),
        route!(patch "/api/v1/workspaces/{ws}/phases/{id}", "Update a phase", json::<PhaseInput>(), json::<PhaseView>(), 200, h::update_phase).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/phases/{id}", "Delete a phase", none(), none(), 204, h::delete_phase).if_match(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/milestones", "Milestones with progress", none(), json::<Vec<MilestoneView>>(), 200, h::list_milestones),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/milestones", "Add a milestone", creating::<MilestoneInput>("CreateMilestone", &["name"]), json::<MilestoneView>(), 201, h::create_milestone).etag(),
        route!(patch "/api/v1/workspaces/{ws}/milestones/{id}", "Update a milestone", json::<MilestoneInput>(), json::<MilestoneView>(), 200, h::update_milestone).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/milestones/{id}", "Delete a milestone", none(), none(), 204, h::delete_milestone).if_match(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/dependencies", "Links into or out of the project's tasks", none(), json::<Vec<DependencyView>>(), 200, h::project_dependencies),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/stakeholders", "Stakeholders", none(), json::<Vec<StakeholderView>>(), 200, h::list_stakeholders),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/stakeholders", "Add a stakeholder (a member or an external person)", creating::<StakeholderInput>("CreateStakeholder", &["role"]), json::<StakeholderView>(), 201, h::create_stakeholder).etag(),
        route!(patch "/api/v1/workspaces/{ws}/stakeholders/{id}", "Update a stakeholder", json::<StakeholderInput>(), json::<StakeholderView>(), 200, h::update_stakeholder).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/stakeholders/{id}", "Remove a stakeholder", none(), none(), 204, h::delete_stakeholder).if_match(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/risks", "The risk register, highest score first", none(), json::<Vec<RiskView>>(), 200, h::list_risks),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/risks", "Add a risk", creating::<RiskInput>("CreateRisk", &["title", "probability", "impact"]), json::<RiskView>(), 201, h::create_risk).etag(),
        route!(get "/api/v1/workspaces/{ws}/risks/{id}", "A risk", none(), json::<RiskView>(), 200, h::get_risk).etag(),
        route!(patch "/api/v1/workspaces/{ws}/risks/{id}", "Update a risk", json::<RiskInput>(), json::<RiskView>(), 200, h::update_risk).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/risks/{id}", "Delete a risk", none(), none(), 204, h::delete_risk).if_match(),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/schedule", "The critical path, the finish, each task's dates and slack, and variance against a baseline", none(), json::<ScheduleView>(), 200, p::project_schedule).query(SCHEDULE_QUERY),
        route!(post "/api/v1/workspaces/{ws}/imports/mspdi", "Import a Microsoft Project XML file as a new project", xml(), json::<ProjectView>(), 201, p::import_mspdi)
            .query(IMPORT_QUERY)
            // Project files are larger than any JSON body.
            .body_limit(crate::IMPORT_LIMIT_BYTES),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/mspdi", "The project as a Microsoft Project XML file", none(), xml(), 200, p::export_mspdi),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions", "Holidays and days of other hours in the project's calendar", none(), json::<Vec<CalendarExceptionView>>(), 200, p::list_calendar_exceptions),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions", "Add a holiday or days of other hours; the project is rescheduled", json::<CreateCalendarException>(), json::<CalendarExceptionView>(), 201, p::create_calendar_exception),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions/{id}", "Remove a calendar exception", none(), none(), 204, p::delete_calendar_exception),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/baselines", "The project's baselines, newest first", none(), json::<Vec<BaselineView>>(), 200, p::list_baselines),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/baselines", "Save the current schedule as a baseline", json::<CreateBaseline>(), json::<BaselineView>(), 201, p::create_baseline),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/baselines/{id}", "Delete a baseline", none(), none(), 204, p::delete_baseline),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/forecast", "P50/P80/P95 finish and criticality from three-point estimates", none(), json::<ForecastView>(), 200, p::project_forecast).query(FORECAST_QUERY),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/levelling", "Preview of levelling by owner: delays, over-allocation before and after, finish cost", none(), json::<LevellingView>(), 200, p::project_levelling),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/levelling", "Level by owner and apply: delayed tasks start no earlier than their levelled start", none(), json::<LevellingView>(), 200, p::apply_levelling),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/activity", "Recent changes in the project, newest first", none(), json::<Vec<ActivityView>>(), 200, h::project_activity).query(ACTIVITY_PAGE),
        route!(get "/api/v1/workspaces/{ws}/tasks", "Tasks, filtered, by cursor pages", none(), json::<TaskPage>(), 200, h::list_tasks).query(TASK_FILTERS),
        route!(post "/api/v1/workspaces/{ws}/tasks", "Create a task (no project: a personal task)", json::<CreateTask>(), json::<TaskView>(), 201, h::create_task).etag(),
        route!(post "/api/v1/workspaces/{ws}/quick", "Add a task from one line: 'Write brief @ana #WEB due fri !high' (title, @person, #PROJECT, due DATE WORDS, !priority)", json::<QuickAdd>(), json::<TaskView>(), 201, h::quick_add).etag(),
        route!(post "/api/v1/workspaces/{ws}/tasks/bulk", "Set status, priority, owner or due date on several tasks, each at the version read: all or none (409 when one changed since)", json::<BulkEditTasks>(), json::<Vec<TaskView>>(), 200, h::bulk_edit_tasks),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}", "A task", none(), json::<TaskView>(), 200, h::get_task).etag(),
        route!(patch "/api/v1/workspaces/{ws}/tasks/{key}", "Update a task", json::<UpdateTask>(), json::<TaskView>(), 200, h::update_task).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/tasks/{key}", "Delete a task and its subtasks", none(), none(), 204, h::delete_task).if_match(),
        route!(post "/api/v1/workspaces/{ws}/tasks/{key}/move", "Move a task on its project's board: into the column of `status`, between the cards `after` and `before`", json::<MoveTask>(), json::<TaskView>(), 200, h::move_task).if_match().etag(),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/dependencies", "A task's links, both ways", none(), json::<Vec<DependencyView>>(), 200, h::task_dependencies),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/activity", "A task's history, newest first", none(), json::<Vec<ActivityView>>(), 200, h::task_activity),
        route!(post "/api/v1/workspaces/{ws}/dependencies", "Link two tasks; a cycle is refused with 409", json::<CreateDependency>(), json::<DependencyView>(), 201, h::create_dependency).etag(),
        route!(patch "/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}", "Change a link's type or lag", json::<UpdateDependency>(), json::<DependencyView>(), 200, h::update_dependency).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/dependencies/{predecessor}/{successor}", "Remove a link", none(), none(), 204, h::delete_dependency),
        route!(get "/api/v1/openapi.json", "This document", none(), json::<Value>(), 200, openapi_handler).public(),
    ]
}

async fn openapi_handler() -> impl IntoResponse {
    axum::Json(openapi())
}

pub fn router() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        })
        .fallback(|| async { crate::error::ApiError::NotFound("no such endpoint".into()) })
        // axum refuses some requests before a handler runs (a path or
        // query that does not parse, a body over the limit, a method the
        // path lacks), in plain text; the API promises problem details.
        .layer(axum::middleware::from_fn(crate::error::problems_only))
}

/// How a path parameter is parsed: ids are numbers, the rest (workspace
/// slugs, project and task keys) text.
fn path_parameter(name: &str) -> Value {
    let schema = match name {
        "id" | "user_id" => id_schema(),
        _ => json!({"type": "string"}),
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

/// Removes `null` from a schema's accepted values.
fn non_null(schema: &mut Value) {
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            schema["type"] = types[0].clone();
        }
    }
    let alternatives = schema.get_mut("anyOf").and_then(Value::as_array_mut);
    if let Some(alternatives) = alternatives {
        alternatives.retain(|a| a != &json!({"type": "null"}));
        if alternatives.len() == 1 {
            let only = alternatives.remove(0);
            let map = schema
                .as_object_mut()
                .expect("a schema with anyOf is an object");
            map.remove("anyOf");
            if let Value::Object(only) = only {
                map.extend(only);
            }
        }
    }
}

/// The `content` of a body, or `None` when there is none.
fn content(body: Body, generator: &mut SchemaGenerator) -> Option<Value> {
    match body {
        Body::Empty => None,
        Body::Json(schema) => Some(json!({"application/json": {"schema": schema(generator)}})),
        Body::JsonRequiring {
            shared,
            name,
            required,
        } => {
            let mut schema = shared(generator).to_value();
            for field in required {
                non_null(&mut schema["properties"][field]);
                let list = schema
                    .as_object_mut()
                    .expect("a struct's schema is an object")
                    .entry("required")
                    .or_insert_with(|| json!([]));
                if let Some(list) = list.as_array_mut() {
                    list.push(json!(field));
                }
            }
            generator.definitions_mut().insert(name.into(), schema);
            let reference = format!("#/components/schemas/{name}");
            Some(json!({"application/json": {"schema": {"$ref": reference}}}))
        }
        // A file, sent and answered as it is: no JSON value wrapped in XML.
        Body::Xml => Some(json!({"application/xml": {
            "schema": {"type": "string", "format": "binary"},
            "example": MSPDI_EXAMPLE,
        }})),
    }
}

fn generator(settings: SchemaSettings) -> SchemaGenerator {
    let mut settings = settings;
    settings.definitions_path = "/components/schemas".into();
    settings.into_generator()
}

/// The OpenAPI 3.1 document of every route in [`table`].
pub fn openapi() -> Value {
    // A request is read and an answer written: a field a reader may go
    // without can still be one the server always writes.
    let mut requests = generator(SchemaSettings::draft2020_12().for_deserialize());
    let mut answers = generator(SchemaSettings::draft2020_12().for_serialize());
    let problem = answers.subschema_for::<Problem>();
    let problem = json!({"description": "A problem (RFC 9457)", "content": {"application/problem+json": {"schema": problem}}});
    let mut paths: Map<String, Value> = Map::new();
    for route in table() {
        let mut operation = Map::new();
        operation.insert("summary".into(), route.summary.into());
        operation.insert(
            "operationId".into(),
            operation_id(route.method, route.path).into(),
        );
        let mut params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(path_parameter)
            .collect();
        params.extend(route.query.iter().map(|param| {
            json!({"name": param.name, "in": "query", "required": false,
                   "description": param.description, "schema": (param.schema)()})
        }));
        if route.if_match {
            params.push(json!({
                "name": "If-Match", "in": "header", "required": false,
                "description": "The version this change is based on, from the ETag: a stale one, or tags that are no version, are refused with 412",
                "schema": {"type": "string", "pattern": IF_MATCH_PATTERN}
            }));
        }
        if !params.is_empty() {
            operation.insert("parameters".into(), params.into());
        }
        if let Some(content) = content(route.request, &mut requests) {
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": content}),
            );
        }
        let mut success = json!({"description": "Success"});
        if let Some(content) = content(route.response, &mut answers) {
            success["content"] = content;
        }
        if route.etag {
            success["headers"] = json!({"ETag": {
                "description": "The object's version, for If-Match",
                "required": true,
                "schema": {"type": "string", "pattern": "^\"[0-9]+\"$"}
            }});
        }
        let mut responses = Map::new();
        responses.insert(route.success.to_string(), success);
        if let Some((status, description, body)) = route.other {
            let mut other = json!({"description": description});
            if let Some(content) = content(body, &mut answers) {
                other["content"] = content;
            }
            responses.insert(status.to_string(), other);
        }
        responses.insert("default".into(), problem.clone());
        operation.insert("responses".into(), responses.into());
        if !route.public {
            operation.insert("security".into(), json!([{"bearer": []}, {"session": []}]));
        }
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        entry[route.method] = operation.into();
    }
    let mut schemas: Map<String, Value> = answers.take_definitions(true).into_iter().collect();
    for (name, schema) in requests.take_definitions(true) {
        if let Some(answer) = schemas.get(&name) {
            assert_eq!(
                answer, &schema,
                "{name} reads and writes differently: give the request its own type"
            );
        }
        schemas.insert(name, schema);
    }
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
