//! The route table. Each row names a method, a path, what it does and the
//! shapes it takes and returns; [`router`] mounts the handlers and
//! [`openapi`] writes the OpenAPI 3.1 document from the same rows, so the
//! document cannot drift from what is served.

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};
use tandem_api::*;

use crate::AppState;

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
    /// A file of any type, as it is, sent.
    File,
    /// A file answered with its own type (whatever it was kept as).
    Download,
}

/// A query parameter an operation reads.
#[derive(Clone, Copy)]
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
    pub(crate) fn query(mut self, params: &'static [Param]) -> Self {
        self.query = params;
        self
    }

    pub(crate) fn if_match(mut self) -> Self {
        self.if_match = true;
        self
    }

    pub(crate) fn etag(mut self) -> Self {
        self.etag = true;
        self
    }

    pub(crate) fn public(mut self) -> Self {
        self.public = true;
        self
    }

    pub(crate) fn also(mut self, status: u16, description: &'static str, body: Body) -> Self {
        self.other = Some((status, description, body));
        self
    }

    pub(crate) fn body_limit(mut self, bytes: usize) -> Self {
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

pub(crate) fn none() -> Body {
    Body::Empty
}

pub(crate) fn json<T: JsonSchema>() -> Body {
    Body::Json(schema::<T>)
}

pub(crate) fn creating<T: JsonSchema>(
    name: &'static str,
    required: &'static [&'static str],
) -> Body {
    Body::JsonRequiring {
        shared: inline::<T>,
        name,
        required,
    }
}

pub(crate) fn xml() -> Body {
    Body::Xml
}

pub(crate) fn file() -> Body {
    Body::File
}

pub(crate) fn download() -> Body {
    Body::Download
}

macro_rules! route {
    ($method:ident $path:literal, $summary:literal, $req:expr, $resp:expr, $status:literal, $handler:path) => {
        $crate::routes::Route {
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
            handler: axum::routing::$method($handler),
        }
    };
}
pub(crate) use route;

/// Words of a closed vocabulary, as examples of a filter that takes them
/// comma-separated (in any case, with spaces or dashes for underscores).
pub(crate) fn words(words: impl IntoIterator<Item = &'static str>) -> Value {
    let mut schema = query_text();
    schema["examples"] = words.into_iter().collect::<Vec<_>>().into();
    schema
}

/// Text in a query: anything but NUL, which the server refuses in any
/// query (400) before a handler reads it.
pub(crate) fn query_text() -> Value {
    json!({"type": "string", "pattern": "^[^\\u0000]*$"})
}

/// A task filter given empty is no filter, as in a form's empty field.
pub(crate) fn or_empty(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "string", "maxLength": 0}]})
}

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
pub(crate) fn id_schema() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX})
}

/// The whole route table: each feature's rows, and this document's.
pub fn table() -> Vec<Route> {
    use crate::handlers::*;
    [
        health::routes(),
        auth::routes(),
        avatars::routes(),
        workspaces::routes(),
        projects::routes(),
        portfolios::routes(),
        webhooks::routes(),
        templates::routes(),
        approvals::routes(),
        comments::routes(),
        notifications::routes(),
        search::routes(),
        signals::routes(),
        lint::routes(),
        levels::routes(),
        scenarios::routes(),
        attachments::routes(),
        automation::routes(),
        goals::routes(),
        milestones::routes(),
        reports::routes(),
        recurrence::routes(),
        phases::routes(),
        dependencies::routes(),
        stakeholders::routes(),
        status::routes(),
        views::routes(),
        risks::routes(),
        schedule::routes(),
        mspdi::routes(),
        calendars::routes(),
        activity::routes(),
        tasks::routes(),
        my_work::routes(),
        vec![
            route!(get "/api/v1/openapi.json", "This document", none(), json::<Value>(), 200, openapi_handler).public(),
        ],
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// No route has this path. A page's address with a trailing slash
/// (`/w/demo/my/`, as people type and paste them) is sent on to the page
/// (308 keeps the method and the body); the API's paths are exact, as its
/// document gives them; anything else is not found.
async fn unmatched(uri: axum::http::Uri) -> axum::response::Response {
    let path = uri.path();
    if path.len() > 1 && path.ends_with('/') && !path.starts_with("/api/") {
        let trimmed = path.trim_end_matches('/');
        let to = match uri.query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_string(),
        };
        // `//evil.example/` would trim to `//evil.example`, an address
        // elsewhere: only paths that stay paths are followed.
        if trimmed.starts_with('/') && !trimmed.starts_with("//") {
            return axum::response::Redirect::permanent(&to).into_response();
        }
    }
    crate::error::ApiError::NotFound("no such endpoint".into()).into_response()
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
        .fallback(unmatched)
        // axum refuses some requests before a handler runs (a path or
        // query that does not parse, a body over the limit, a method the
        // path lacks), in plain text; the API promises problem details.
        .layer(axum::middleware::from_fn(crate::error::problems_only))
}

/// How a path parameter is parsed: ids are numbers, the rest (workspace
/// slugs, project and task keys) text.
fn path_parameter(name: &str) -> Value {
    let schema = match name {
        "id" | "user_id" | "kr" | "delivery" => id_schema(),
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
        Body::File => Some(json!({"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"},
        }})),
        Body::Download => Some(json!({"*/*": {
            "schema": {"type": "string", "format": "binary"},
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
