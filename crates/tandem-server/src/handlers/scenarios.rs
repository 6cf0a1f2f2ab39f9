//! What-if scenarios of a project's plan: branched, listed, compared with
//! the plan, their tasks and links changed, applied, discarded.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

use axum::extract::Query;
use tandem_api::{
    CreateCalendarException, CreateScenario, ForecastView, LevellingView, SCENARIO_FIELDS,
    ScenarioAppliedView, ScenarioComparisonView, ScenarioLinkInput, ScenarioView,
    ScenarioWeekInput, UpdateTask, scenario_edit,
};
use tandem_domain::scenarios::CalendarChange;
use tandem_domain::{DependencyKind, FieldError};
use tandem_usecases::scenarios;

use super::ApiResult;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;
use crate::scenarios::{compare, scenario_view};

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/scenarios", "The project's what-if scenarios, each with the changes it makes (task fields set or cleared, links added or taken away)", none(), json::<Vec<ScenarioView>>(), 200, list_scenarios),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios", "Branch the plan: a new, empty scenario (a name free in the project); the plan is untouched", json::<CreateScenario>(), json::<ScenarioView>(), 201, create_scenario),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}", "The scenario beside the plan: plan_finish and scenario_finish (YYYY-MM-DDTHH:MM), the latest baseline's finish, the tasks whose finish moved, both critical paths as chains, milestones' work, each person's open hours, cost, conflicts, and the scheduler's warnings the scenario brings or settles", none(), json::<ScenarioComparisonView>(), 200, compare_scenario),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/forecast", "The Monte Carlo forecast of the scenario's plan, as the project's forecast (runs: 1 to 20000, default 2000; seed)", none(), json::<ForecastView>(), 200, forecast_scenario).query(super::schedule::FORECAST_QUERY),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/levelling", "Preview of levelling the scenario's plan by owner, as the project's levelling preview (around each owner's work in the other active projects); nothing is changed", none(), json::<LevellingView>(), 200, preview_scenario_levelling),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/levelling", "Level the scenario's plan: each task's levelling delay is changed in the scenario only (applying the scenario writes them to the plan)", none(), json::<LevellingView>(), 200, level_scenario),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/levelling/clear", "Clear levelling in the scenario: every task's levelling delay back to none there, the plan untouched", none(), json::<ScenarioView>(), 200, clear_scenario_levelling),
        route!(patch "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/calendar", "Change the working week in the scenario only, on top of its own (or the plan's): work_week (seven days, Monday first, e.g. \"08:00-12:00 13:00-17:00\", \"\" for a day off) and hours_per_day; work_week null puts the plan's back", json::<ScenarioWeekInput>(), json::<ScenarioView>(), 200, edit_scenario_week),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/calendar/exceptions", "Add a holiday or days of other hours in the scenario only (its id is below zero)", json::<CreateCalendarException>(), json::<ScenarioView>(), 200, add_scenario_exception),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/calendar/exceptions/{id}", "Take a calendar exception away in the scenario only: one of the plan's (its id), or one the scenario added (below zero)", none(), json::<ScenarioView>(), 200, remove_scenario_exception),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/calendar/exceptions/{id}/restore", "Put back, in the scenario, one of the plan's calendar exceptions it took away", none(), json::<ScenarioView>(), 200, restore_scenario_exception),
        route!(patch "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/tasks/{task}", "Change a task in the scenario only: the body of a task's PATCH, with the fields that shape the plan (estimate_days, effort_hours, three_point, start_date, due_date, owner, constraint_type, constraint_date); null clears one", json::<UpdateTask>(), json::<ScenarioView>(), 200, edit_task),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/links", "Add a link in the scenario only, or with removed: true take one away (both ends tasks of the project)", json::<ScenarioLinkInput>(), json::<ScenarioView>(), 200, edit_link),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}/apply", "Write the scenario's changes to the plan and discard it, in one transaction; refused (409, naming them) while the plan changed a field or link it changes since it did. If-Match: the scenario's version, to apply only what the caller saw", none(), json::<ScenarioAppliedView>(), 200, apply_scenario).if_match(),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/scenarios/{name}", "Discard the scenario; the plan is untouched", none(), none(), 204, discard_scenario),
    ]
}

pub async fn list_scenarios(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ScenarioView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let all = state.store.list_scenarios(access).await?;
    Ok(Json(all.iter().map(scenario_view).collect()))
}

pub async fn create_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<CreateScenario>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let name = body.into_domain(|b| {
        b.name
            .ok_or_else(|| vec![FieldError::new("name", "is required")])
    })?;
    let made = scenarios::create(state.store.as_ref(), &writer, access, &name).await?;
    Ok((StatusCode::CREATED, Json(scenario_view(&made))).into_response())
}

pub async fn compare_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
) -> ApiResult<Json<ScenarioComparisonView>> {
    Ok(Json(
        compare(state.store.as_ref(), ctx.scope, &key, &name).await?,
    ))
}

pub async fn edit_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name, task)): Path<(String, String, String, String)>,
    body: JsonBody<UpdateTask>,
) -> ApiResult<Json<ScenarioView>> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let edit = body
        .into_domain(scenario_edit)
        .map_err(unknown_is_not_in_a_scenario)?;
    if edit.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "estimate_days",
            format!("change at least one of {SCENARIO_FIELDS}"),
        )]));
    }
    let changed =
        scenarios::edit_task(state.store.as_ref(), &writer, access, &name, &task, &edit).await?;
    Ok(Json(scenario_view(&changed)))
}

/// The body is a task's patch, whose unknown-field message lists every
/// field of a task: a scenario changes fewer, and says which.
fn unknown_is_not_in_a_scenario(error: ApiError) -> ApiError {
    match error {
        ApiError::Invalid(mut errors) => {
            for e in &mut errors {
                if e.message.starts_with("unknown field") {
                    e.message = format!("unknown field (a scenario changes {SCENARIO_FIELDS})");
                }
            }
            ApiError::Invalid(errors)
        }
        other => other,
    }
}

pub async fn edit_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
    body: JsonBody<ScenarioLinkInput>,
) -> ApiResult<Json<ScenarioView>> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let input = body.into_domain(|b| {
        let mut errors = Vec::new();
        for (field, value) in [("predecessor", &b.predecessor), ("successor", &b.successor)] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                errors.push(FieldError::new(field, "is required: a task's key"));
            }
        }
        if errors.is_empty() {
            Ok(b)
        } else {
            Err(errors)
        }
    })?;
    let changed = scenarios::edit_link(
        state.store.as_ref(),
        &writer,
        access,
        &name,
        input.predecessor.as_deref().unwrap_or_default().trim(),
        input.successor.as_deref().unwrap_or_default().trim(),
        input.kind.unwrap_or(DependencyKind::Fs),
        input.lag_days.unwrap_or(0.0),
        input.removed.unwrap_or(false),
    )
    .await?;
    Ok(Json(scenario_view(&changed)))
}

pub async fn apply_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Json<ScenarioAppliedView>> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let applied = scenarios::apply(state.store.as_ref(), &writer, access, &name, expected).await?;
    Ok(Json(ScenarioAppliedView {
        name: name.trim().to_string(),
        tasks: applied.tasks,
        links: applied.links,
        calendar: applied.calendar,
    }))
}

pub async fn discard_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    scenarios::discard(state.store.as_ref(), &writer, access, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn forecast_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ForecastView>> {
    let (runs, seed) = super::schedule::forecast_params(&query)?;
    let store = state.store.as_ref();
    let (loaded, tasks) = tandem_usecases::planning::load_with_plan_tasks(
        store,
        ctx.scope,
        &key,
        crate::planning::server_today(),
    )
    .await?;
    let (scenario, members, time_off) = tokio::try_join!(
        store.get_scenario(loaded.access, &name),
        store.list_members(ctx.scope),
        store.list_time_off(ctx.scope, None),
    )?;
    let read = scenarios::PlanRead::of(&loaded, &tasks);
    let (planned, _, _) =
        scenarios::scenario_plan(store, read, &members, &time_off, &scenario).await?;
    Ok(Json(
        super::schedule::run_forecast(planned, runs, seed).await?,
    ))
}

pub async fn preview_scenario_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
) -> ApiResult<Json<LevellingView>> {
    let today = crate::planning::server_today();
    let store = state.store.as_ref();
    let levelled = scenarios::level(store, ctx.scope, None, &key, &name, today).await?;
    Ok(Json(super::schedule::levelling_view(levelled, false, None)))
}

pub async fn level_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
) -> ApiResult<Json<LevellingView>> {
    let writer = ctx.actor().writer()?;
    let today = crate::planning::server_today();
    let store = state.store.as_ref();
    let levelled = scenarios::level(store, ctx.scope, Some(&writer), &key, &name, today).await?;
    Ok(Json(super::schedule::levelling_view(levelled, true, None)))
}

pub async fn clear_scenario_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
) -> ApiResult<Json<ScenarioView>> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let cleared = scenarios::clear_levelling(state.store.as_ref(), &writer, access, &name).await?;
    Ok(Json(scenario_view(&cleared)))
}

pub async fn edit_scenario_week(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
    body: JsonBody<ScenarioWeekInput>,
) -> ApiResult<Json<ScenarioView>> {
    let writer = ctx.actor().writer()?;
    let store = state.store.as_ref();
    let (project, access) = store.open_project(ctx.scope, &key).await?;
    let scenario = store.get_scenario(access, &name).await?;
    // On top of the week the scenario has: its own, or the plan's.
    let current = scenario.calendar.week(&project.work_week);
    let change = body.into_domain(|b| b.change(current))?;
    let changed = scenarios::edit_calendar(store, &writer, access, &name, change).await?;
    Ok(Json(scenario_view(&changed)))
}

pub async fn add_scenario_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name)): Path<(String, String, String)>,
    body: JsonBody<CreateCalendarException>,
) -> ApiResult<Json<ScenarioView>> {
    let writer = ctx.actor().writer()?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let exception = body.into_domain(CreateCalendarException::into_domain)?;
    let change = CalendarChange::Add(exception);
    let changed =
        scenarios::edit_calendar(state.store.as_ref(), &writer, access, &name, change).await?;
    Ok(Json(scenario_view(&changed)))
}

pub async fn remove_scenario_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name, id)): Path<(String, String, String, String)>,
) -> ApiResult<Json<ScenarioView>> {
    exception_change(state, ctx, key, name, &id, CalendarChange::Remove).await
}

pub async fn restore_scenario_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, name, id)): Path<(String, String, String, String)>,
) -> ApiResult<Json<ScenarioView>> {
    exception_change(state, ctx, key, name, &id, CalendarChange::Restore).await
}

async fn exception_change(
    state: AppState,
    ctx: Ctx,
    key: String,
    name: String,
    id: &str,
    change: fn(tandem_domain::Id) -> CalendarChange,
) -> ApiResult<Json<ScenarioView>> {
    let writer = ctx.actor().writer()?;
    // Below zero for one the scenario added: not a path id of the plan's.
    let id: tandem_domain::Id = id
        .trim()
        .parse()
        .map_err(|_| ApiError::field("id", "must be a calendar exception's id"))?;
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    let changed =
        scenarios::edit_calendar(state.store.as_ref(), &writer, access, &name, change(id)).await?;
    Ok(Json(scenario_view(&changed)))
}
