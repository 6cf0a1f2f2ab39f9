//! Tasks: the filtered list, create (from fields or one line), read,
//! update, delete, bulk edit and board moves, and a task's links and
//! history. Writes go through `tandem_usecases::tasks`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::json;
use tandem_api::*;
use tandem_domain::*;
use tandem_store::{ActivityFilter, OwnerFilter, SortValue, TaskCursor, TaskFilter, TaskOrder};
use tandem_usecases::tasks;

use super::activity::activity_view;
use super::{ApiResult, QueryParams, versioned};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

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
        description: "Words, each the beginning of a word in the title or description (`plan` finds \"Planning\"; case does not matter, nor accents on SQLite); anything but letters and digits only separates words",
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
        name: "sort",
        description: "The order of the pages: `id` (default, the order tasks were created in), `due` or `start` (by date; tasks without one last), `priority` (urgent first), `status` (backlog to cancelled), `title` or `owner` (by name, ignoring case; unassigned last), or `board` (the board's order). Ties go by id",
        schema: || {
            or_empty(json!({"type": "string", "enum": [
                "id", "due", "start", "priority", "status", "title", "owner", "board"
            ]}))
        },
    },
    Param {
        name: "cursor",
        description: "`next_cursor` of the previous page, asked for with the same `sort`",
        schema: query_text,
    },
    Param {
        name: "limit",
        description: "Tasks a page (default 50)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1, "maximum": 500})),
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/tasks", "Tasks, filtered, by cursor pages", none(), json::<TaskPage>(), 200, list_tasks).query(TASK_FILTERS),
        route!(post "/api/v1/workspaces/{ws}/tasks", "Create a task (no project: a personal task)", json::<CreateTask>(), json::<TaskView>(), 201, create_task).etag(),
        route!(post "/api/v1/workspaces/{ws}/quick", "Add a task from one line: 'Write brief @ana #WEB due fri !high' (title, @person, #PROJECT, due DATE WORDS, !priority)", json::<QuickAdd>(), json::<TaskView>(), 201, quick_add).etag(),
        route!(post "/api/v1/workspaces/{ws}/tasks/bulk", "Set status, priority, owner or due date on several tasks, each at the version read: all or none (409 when one changed since)", json::<BulkEditTasks>(), json::<Vec<TaskView>>(), 200, bulk_edit_tasks),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}", "A task", none(), json::<TaskView>(), 200, get_task).etag(),
        route!(post "/api/v1/workspaces/{ws}/tasks/{key}/repeat", "Make the task repeat from its due date (required), the task its first occurrence; 409 if it repeats already", json::<RepeatInput>(), json::<RecurrenceView>(), 201, start_repeat),
        route!(patch "/api/v1/workspaces/{ws}/tasks/{key}/repeat", "Change the task's series for the occurrences still to come (this and following): those made stay; fields left out stay as they are; 404 if it does not repeat, 409 if its series has ended", json::<RepeatInput>(), json::<RecurrenceView>(), 200, change_repeat),
        route!(post "/api/v1/workspaces/{ws}/tasks/{key}/repeat/end", "End the series of a recurring task: the occurrences made stay, no other comes; 404 if it does not repeat", none(), json::<RecurrenceView>(), 200, end_repeat),
        route!(patch "/api/v1/workspaces/{ws}/tasks/{key}", "Update a task", json::<UpdateTask>(), json::<TaskView>(), 200, update_task).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/tasks/{key}", "Delete a task and its subtasks", none(), none(), 204, delete_task).if_match(),
        route!(post "/api/v1/workspaces/{ws}/tasks/{key}/move", "Move a task on its project's board: into the column of `status`, between the cards `after` and `before`", json::<MoveTask>(), json::<TaskView>(), 200, move_task).if_match().etag(),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/dependencies", "A task's links, both ways", none(), json::<Vec<DependencyView>>(), 200, task_dependencies),
        route!(get "/api/v1/workspaces/{ws}/tasks/{key}/activity", "A task's history, newest first", none(), json::<Vec<ActivityView>>(), 200, task_activity),
    ]
}

/// The task list's query parameters. Unknown ones are refused, like unknown
/// body fields.
const TASK_QUERY: &[&str] = &[
    "project",
    "owner",
    "status",
    "priority",
    "tag",
    "due_before",
    "due_after",
    "q",
    "open",
    "parent",
    "personal",
    "sort",
    "cursor",
    "limit",
];

/// The `owner` of a task filter: `me` (the caller), `none`, or an email.
pub(crate) fn owner_filter(caller: Id, owner: Option<&str>) -> ApiResult<Option<OwnerFilter>> {
    Ok(match owner {
        None => None,
        Some("me") => Some(OwnerFilter::User(caller)),
        Some("none") => Some(OwnerFilter::Unassigned),
        Some(email) => Some(OwnerFilter::Email(
            Email::parse(email)
                .map_err(|e| ApiError::field("owner", e))?
                .as_str()
                .to_string(),
        )),
    })
}

async fn task_filter(
    state: &AppState,
    ctx: &Ctx,
    query: &HashMap<String, String>,
) -> ApiResult<TaskFilter> {
    let mut v = Validation::new();
    let params = QueryParams::read(query, TASK_QUERY, &mut v);
    let get = |name: &str| params.get(name);
    let list = |v: &mut Validation, name: &str| -> Vec<String> {
        let _ = v;
        get(name)
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let statuses = list(&mut v, "status")
        .iter()
        .filter_map(|s| v.take("status", s.parse()))
        .collect();
    let priorities = list(&mut v, "priority")
        .iter()
        .filter_map(|s| v.take("priority", s.parse()))
        .collect();
    let date = |v: &mut Validation, name: &str| {
        get(name).and_then(|s| {
            v.take(
                name,
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| "must be a date, YYYY-MM-DD".to_string()),
            )
        })
    };
    let due_before = date(&mut v, "due_before");
    let due_after = date(&mut v, "due_after");
    let boolean = |v: &mut Validation, name: &str| match get(name) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => {
            v.push(name, "must be true or false");
            false
        }
    };
    let open = boolean(&mut v, "open");
    let personal = boolean(&mut v, "personal");
    let limit = match get("limit") {
        None => 50,
        Some(s) => v
            .take(
                "limit",
                s.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| "must be 1 to 500".to_string()),
            )
            .unwrap_or(50),
    };
    let order = match get("sort") {
        None => TaskOrder::Id,
        Some(name) => match SORTS.iter().find(|(n, _)| *n == name) {
            Some((_, order)) => *order,
            None => {
                v.push(
                    "sort",
                    "must be id, due, start, priority, status, title, owner or board",
                );
                TaskOrder::Id
            }
        },
    };
    let after = get("cursor").and_then(|c| {
        v.take(
            "cursor",
            parse_cursor(order, c).ok_or_else(|| {
                "is not a cursor of this sort order: pass the `next_cursor` of a page with the same `sort`"
                    .to_string()
            }),
        )
    });
    let tag = get("tag").and_then(|t| v.take("tag", parse_tag(t)));
    v.into_result()?;
    let owner = owner_filter(ctx.user.id, get("owner"))?;
    let parent = match get("parent") {
        None => None,
        Some(key) => Some(
            state
                .store
                .get_task(ctx.scope, key)
                .await
                .map(|t| t.id)
                .unwrap_or(-1),
        ),
    };
    Ok(TaskFilter {
        project: get("project").map(str::to_string),
        owner,
        statuses,
        priorities,
        tag,
        // The API's bounds include their day; the store's do not.
        due_before: due_before.and_then(|d| d.succ_opt()),
        due_after: due_after.and_then(|d| d.pred_opt()),
        text: get("q").map(str::to_string),
        open,
        parent,
        phase: None,
        personal,
        ids: Vec::new(),
        order,
        after,
        limit,
    })
}

/// The list's orders by their names in `sort`, the API's and the CLI's.
pub(crate) const SORTS: [(&str, TaskOrder); 8] = [
    ("id", TaskOrder::Id),
    ("due", TaskOrder::Due),
    ("start", TaskOrder::Start),
    ("priority", TaskOrder::Priority),
    ("status", TaskOrder::Status),
    ("title", TaskOrder::Title),
    ("owner", TaskOrder::Owner),
    ("board", TaskOrder::Board),
];

/// A cursor as the API writes it: in id and board order the id in hex
/// (as before there were orders); in due order the due date and the id,
/// or `none` and the id for a task without a due date (`2026-11-20.1f`,
/// `none.2a`); in the others the value (a date, a place, or `x` and the
/// text's UTF-8 bytes in hex, so any title survives a URL) and the id.
/// Opaque to callers, but readable when debugging.
pub(crate) fn format_cursor(order: TaskOrder, cursor: &TaskCursor) -> String {
    let id = cursor.id;
    match order {
        TaskOrder::Id | TaskOrder::Board => format!("{id:x}"),
        TaskOrder::Due => match cursor.due_date {
            Some(day) => format!("{day}.{id:x}"),
            None => format!("none.{id:x}"),
        },
        _ => match &cursor.value {
            None => format!("none.{id:x}"),
            Some(SortValue::Date(day)) => format!("{day}.{id:x}"),
            Some(SortValue::Rank(place)) => format!("{place}.{id:x}"),
            Some(SortValue::Text(text)) => {
                let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
                format!("x{hex}.{id:x}")
            }
        },
    }
}

/// Reads what [`format_cursor`] wrote for the same order.
pub(crate) fn parse_cursor(order: TaskOrder, text: &str) -> Option<TaskCursor> {
    let id = |hex: &str| {
        i64::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.starts_with(['+', '-']))
    };
    let date = |day: &str| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
    if matches!(order, TaskOrder::Id | TaskOrder::Board) {
        return id(text).map(TaskCursor::after_id);
    }
    let (value, hex) = text.rsplit_once('.')?;
    let mut cursor = TaskCursor::after_id(id(hex)?);
    if value == "none" {
        return Some(cursor);
    }
    match order {
        TaskOrder::Due => cursor.due_date = Some(date(value)?),
        TaskOrder::Start => cursor.value = Some(SortValue::Date(date(value)?)),
        TaskOrder::Priority | TaskOrder::Status => {
            cursor.value = Some(SortValue::Rank(
                value.parse().ok().filter(|p: &i64| *p >= 0)?,
            ))
        }
        TaskOrder::Title | TaskOrder::Owner => {
            let hex = value.strip_prefix('x')?;
            if hex.len() % 2 != 0 {
                return None;
            }
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?;
            cursor.value = Some(SortValue::Text(String::from_utf8(bytes).ok()?));
        }
        TaskOrder::Id | TaskOrder::Board => unreachable!("read above"),
    }
    Some(cursor)
}

pub async fn list_tasks(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<tandem_api::TaskPage>> {
    let filter = task_filter(&state, &ctx, &query).await?;
    let page = state.store.list_tasks(ctx.scope, &filter).await?;
    Ok(Json(tandem_api::TaskPage {
        tasks: page.tasks.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|next| format_cursor(filter.order, &next)),
    }))
}

pub async fn create_task(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateTask>,
) -> ApiResult<Response> {
    create_task_before(State(state), ctx, body, None).await
}

/// [`create_task`], and then, for a card added at the top of a board's
/// column, its place before the card `first` that was first there. The
/// task is made either way: a place that cannot be taken (that card moved
/// away meanwhile) leaves it last.
pub async fn create_task_before(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<CreateTask>,
    first: Option<String>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let asked = body.into_domain(|b| match b.template.clone() {
        None => CreateTask::into_domain_repeating(b).map(Ok),
        Some(name) => super::templates::task_template_use(b, name).map(Err),
    })?;
    let (task, series) = match asked {
        Ok(plain) => plain,
        Err(ask) => {
            let task =
                tandem_usecases::templates::add_task(state.store.as_ref(), &writer, &ask).await?;
            return Ok(versioned(
                StatusCode::CREATED,
                task.version,
                TaskView::from(task),
            ));
        }
    };
    let (mut task, recurrence) = match series {
        Some(series) => {
            let (task, recurrence) =
                tandem_usecases::recurrence::create(state.store.as_ref(), &writer, task, &series)
                    .await?;
            (task, Some(recurrence))
        }
        None => (
            tasks::create(state.store.as_ref(), &writer, task).await?,
            None,
        ),
    };
    if let Some(first) = first {
        let to = tasks::Move {
            status: None,
            blocked_reason: None,
            after: None,
            before: Some(first),
            version: None,
        };
        match tasks::move_card(state.store.as_ref(), &writer, &task.key, &to).await {
            Ok(placed) => task = placed,
            Err(e) => {
                tracing::info!(task = %task.key, error = %e, "a new card stays last in its column")
            }
        }
    }
    Ok(versioned(
        StatusCode::CREATED,
        task.version,
        TaskView::with_recurrence(task, recurrence),
    ))
}

/// A task from one line (`Write brief @ana #LAUNCH due fri !high`): the
/// web's quick add, the CLI's `tandem add` and this route are one
/// operation. Dates are read against the server's today.
pub async fn quick_add(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<QuickAdd>,
) -> ApiResult<Response> {
    // The role first: a guest hears 403 whatever the line says.
    let writer = ctx.actor().writer()?;
    let text = body.into_domain(|b| {
        b.text
            .ok_or_else(|| vec![FieldError::new("text", "is required")])
    })?;
    let line = tasks::QuickLine {
        text,
        today: chrono::Local::now().date_naive(),
    };
    let (task, recurrence) = tasks::quick_add(state.store.as_ref(), &writer, line).await?;
    Ok(versioned(
        StatusCode::CREATED,
        task.version,
        TaskView::with_recurrence(task, recurrence),
    ))
}

pub async fn get_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let store = state.store.as_ref();
    let task = tasks::get(store, ctx.scope, &key).await?;
    let (recurrence, promoted_to) = tokio::try_join!(
        store.recurrence_of(ctx.scope, &task),
        store.promoted_to(ctx.scope, task.id),
    )?;
    let mut view = TaskView::with_recurrence(task, recurrence);
    view.promoted_to = promoted_to.map(|p| p.key);
    Ok(versioned(StatusCode::OK, view.version, view))
}

/// Makes a task repeat from its due date.
pub async fn start_repeat(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<RepeatInput>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let series = body.into_domain(|r| r.into_series("repeat"))?;
    let started =
        tandem_usecases::recurrence::start(state.store.as_ref(), &writer, &key, &series).await?;
    Ok(axum::response::IntoResponse::into_response((
        StatusCode::CREATED,
        Json(RecurrenceView::from(started)),
    )))
}

/// Changes a task's series for the occurrences still to come.
pub async fn change_repeat(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<RepeatInput>,
) -> ApiResult<Json<RecurrenceView>> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let task = state.store.get_task(ctx.scope, &key).await?;
    let current = state
        .store
        .recurrence_of(ctx.scope, &task)
        .await?
        .ok_or(tandem_store::StoreError::NotFound("series"))?;
    let series = body.into_domain(|r| r.over(&current.series))?;
    let changed =
        tandem_usecases::recurrence::change(state.store.as_ref(), &writer, &key, &series).await?;
    Ok(Json(changed.into()))
}

/// Ends the series of a recurring task: the occurrences made stay.
pub async fn end_repeat(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<RecurrenceView>> {
    let writer = ctx.actor().writer()?;
    let ended = tandem_usecases::recurrence::stop(state.store.as_ref(), &writer, &key).await?;
    Ok(Json(ended.into()))
}

pub async fn update_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<UpdateTask>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(current));
    let task = tasks::update(state.store.as_ref(), &writer, &key, expected, &change).await?;
    let recurrence = state.store.recurrence_of(ctx.scope, &task).await?;
    Ok(versioned(
        StatusCode::OK,
        task.version,
        TaskView::with_recurrence(task, recurrence),
    ))
}

pub async fn delete_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    tasks::delete(state.store.as_ref(), &writer, &key, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The bulk edit's input: the tasks as read, and the fields to set. Every
/// bad field is named (`tasks[1].version`, `owner`).
fn bulk_input(b: BulkEditTasks) -> Result<(Vec<tasks::Seen>, tasks::BulkChange), Vec<FieldError>> {
    let mut v = Validation::new();
    let mut seen: Vec<tasks::Seen> = Vec::new();
    match b.tasks {
        None => v.push("tasks", "is required"),
        Some(list) if list.is_empty() => v.push("tasks", "must name at least one task"),
        Some(list) if list.len() > BULK_LIMIT => {
            v.push("tasks", format!("must name at most {BULK_LIMIT} tasks"))
        }
        Some(list) => {
            for (index, task) in list.into_iter().enumerate() {
                let (Some(key), Some(version)) = (&task.key, task.version) else {
                    for (field, given) in [
                        ("key", task.key.is_some()),
                        ("version", task.version.is_some()),
                    ] {
                        if !given {
                            v.push(&format!("tasks[{index}].{field}"), "is required");
                        }
                    }
                    continue;
                };
                if seen.iter().any(|s| s.key.eq_ignore_ascii_case(key.trim())) {
                    v.push(
                        &format!("tasks[{index}].key"),
                        "names a task already listed",
                    );
                }
                seen.push(tasks::Seen {
                    key: key.trim().to_string(),
                    version: Some(version),
                });
            }
        }
    }
    let owner = match b.owner {
        None => None,
        Some(None) => Some(None),
        Some(Some(email)) if email.trim().is_empty() => Some(None),
        Some(Some(email)) => v.take("owner", Email::parse(&email)).map(Some),
    };
    let change = tasks::BulkChange {
        status: b.status,
        priority: b.priority,
        owner,
        due_date: b.due_date,
        phase_id: b.phase_id,
        milestone_id: b.milestone_id,
        blocked_reason: b.blocked_reason.filter(|r| !r.trim().is_empty()),
    };
    v.finish(|| (seen, change))
}

/// Sets the same fields on several tasks, each at the version the caller
/// read: all or none; a task changed since is a conflict (409).
pub async fn bulk_edit_tasks(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<BulkEditTasks>,
) -> ApiResult<Json<Vec<TaskView>>> {
    let writer = ctx.actor().writer()?;
    let (seen, change) = body.into_domain(bulk_input)?;
    let written = tasks::bulk_edit(state.store.as_ref(), &writer, &seen, &change).await?;
    Ok(Json(written.into_iter().map(TaskView::from).collect()))
}

/// Moves a task on its project's board: its column and its place. The
/// version read comes as `If-Match` or in the body; without either, the
/// move applies to whatever is current.
pub async fn move_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<MoveTask>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let neighbour = |key: Option<String>| key.filter(|k| !k.trim().is_empty());
    let to = body.into_domain(|b| {
        Ok(tasks::Move {
            status: b.status,
            blocked_reason: b.blocked_reason,
            after: neighbour(b.after),
            before: neighbour(b.before),
            version: expected.or(b.version),
        })
    })?;
    let task = tasks::move_card(state.store.as_ref(), &writer, &key, &to).await?;
    Ok(versioned(
        StatusCode::OK,
        task.version,
        TaskView::from(task),
    ))
}

pub async fn task_dependencies(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<DependencyView>>> {
    Ok(Json(
        state
            .store
            .task_dependencies(ctx.scope, &key)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn task_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ActivityView>>> {
    let task = state.store.get_task(ctx.scope, &key).await?;
    let filter = ActivityFilter {
        entity: Some((EntityKind::Task, task.id)),
        limit: 200,
        ..Default::default()
    };
    Ok(Json(
        state
            .store
            .list_activity(ctx.scope, &filter)
            .await?
            .into_iter()
            .map(activity_view)
            .collect(),
    ))
}
