//! A project's schedule (critical path, slack, variance against a
//! baseline), its baselines, the Monte Carlo forecast and levelling.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tandem_api::*;
use tandem_domain::*;
use tandem_store::{ProjectAccess, Store, TaskName};
use tandem_usecases::planning;

use super::ApiResult;
use crate::AppState;
use crate::error::{ApiError, path_id};
use crate::extract::{Ctx, JsonBody};
use crate::planning::*;
use crate::routes::*;

const SCHEDULE_QUERY: &[Param] = &[
    Param {
        name: "baseline",
        description: "The baseline's id (default: the newest)",
        schema: id_schema,
    },
    Param {
        name: "limit",
        description: "Rows per page, 1 to 5000 (default: every task in one answer). A page carries no critical path and no milestone variances: each row says whether its task is critical",
        schema: || json!({"type": "integer", "minimum": 1, "maximum": MAX_SCHEDULE_PAGE}),
    },
    Param {
        name: "cursor",
        description: "`next_cursor` of the previous page",
        schema: || json!({"type": "string"}),
    },
    Param {
        name: "form",
        description: "`full` (default) or `compact`: only key, early start and finish, slack and criticality per task, in `rows`",
        schema: || json!({"type": "string", "enum": ["full", "compact"]}),
    },
];

/// The most rows one page of a schedule holds.
const MAX_SCHEDULE_PAGE: usize = 5000;

pub(crate) const FORECAST_QUERY: &[Param] = &[
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

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/schedule", "The critical path, the finish, each task's dates and slack, and variance against a baseline", none(), json::<ScheduleView>(), 200, project_schedule).query(SCHEDULE_QUERY),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/baselines", "The project's baselines, newest first", none(), json::<Vec<BaselineView>>(), 200, list_baselines),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/baselines", "Save the current schedule as a baseline", json::<CreateBaseline>(), json::<BaselineView>(), 201, create_baseline),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/baselines/{id}", "Delete a baseline", none(), none(), 204, delete_baseline),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/forecast", "P50/P80/P95 finish and criticality from three-point estimates", none(), json::<ForecastView>(), 200, project_forecast).query(FORECAST_QUERY),
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/levelling", "Preview of levelling by owner, around each owner's work in the workspace's other active projects: delays, over-allocation before and after (counting that work), finish cost", none(), json::<LevellingView>(), 200, project_levelling),
        route!(get "/api/v1/workspaces/{ws}/levelling", "Preview of levelling across every active project, one after another (earliest start first, then by key), each around its people's work in the projects levelled before it: the earlier keep their place", none(), json::<WorkspaceLevellingView>(), 200, workspace_levelling),
        route!(post "/api/v1/workspaces/{ws}/levelling", "Level across every active project and apply: each project's levelling written as its own (levelling delays, its own undo)", none(), json::<WorkspaceLevellingView>(), 200, apply_workspace_levelling),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/levelling", "Level by owner and apply: each task gets the levelling delay that puts it where levelling did (an older levelling's delays are replaced)", none(), json::<LevellingView>(), 200, apply_levelling),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/levelling/clear", "Clear levelling: every task's levelling delay back to none, recorded so that levelling/undo puts them back", none(), json::<ClearedLevellingView>(), 200, clear_levelling),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/levelling/undo", "Take back the newest levelling applied or cleared: each task it changed gets back the levelling delay (or, for levellings before delays, the constraint) it had; 404 if none was applied, 409 if a task changed since or it was taken back already", none(), json::<AppliedLevellingView>(), 200, undo_levelling),
    ]
}

fn local(instant: chrono::NaiveDateTime) -> String {
    format_local(instant)
}

fn days(minutes: i64, per_day: i64) -> f64 {
    let days = minutes as f64 / per_day.max(1) as f64;
    (days * 100.0).round() / 100.0
}

/// The project's schedule: critical path, finish, each task's dates and
/// slack, and its variance against a baseline when there is one.
pub async fn project_schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let mut v = Validation::new();
    for name in query
        .keys()
        .filter(|k| !["baseline", "limit", "cursor", "form"].contains(&k.as_str()))
    {
        v.push(
            name,
            "unknown query parameter (allowed: baseline, limit, cursor, form)",
        );
    }
    let baseline_id = query.get("baseline").and_then(|b| {
        v.take(
            "baseline",
            b.parse::<Id>()
                .map_err(|_| "must be a baseline id".to_string()),
        )
    });
    let limit = query.get("limit").and_then(|l| {
        v.take(
            "limit",
            l.parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_SCHEDULE_PAGE).contains(n))
                .ok_or_else(|| format!("must be a whole number from 1 to {MAX_SCHEDULE_PAGE}")),
        )
    });
    let after = query
        .get("cursor")
        .and_then(|c| {
            v.take(
                "cursor",
                i64::from_str_radix(c, 16).map_err(|_| "is not a cursor from this API".to_string()),
            )
        })
        .unwrap_or(0);
    let compact = match query.get("form").map(String::as_str) {
        None | Some("full") => false,
        Some("compact") => true,
        Some(_) => {
            v.push("form", "must be full or compact");
            false
        }
    };
    v.into_result()?;
    let store = state.store.as_ref();
    let page = limit.map(|limit| Page { after, limit });
    let (mut stored, names, calendar, access) =
        schedule_and_names(store, ctx.scope, &key, page).await?;
    // The critical path spans the project: a page leaves it out (each row
    // says whether its task is critical).
    if page.is_some() {
        stored.critical_path.clear();
    }
    let next_cursor = match (limit, stored.tasks.last()) {
        (Some(limit), Some(last)) if stored.tasks.len() == limit => {
            Some(format!("{:x}", last.task_id))
        }
        _ => None,
    };
    // The compact form shows no variance: it reads a baseline only when
    // one is named (a wrong id is still a 404).
    let baseline = match baseline_id {
        Some(id) => Some(store.get_baseline(access, id).await?),
        None if compact => None,
        None => match store.list_baselines(access).await?.first() {
            Some(newest) => Some(store.get_baseline(access, newest.id).await?),
            None => None,
        },
    };
    let calendar = &calendar;
    let variances: HashMap<Id, tandem_domain::planning::Variance> = baseline
        .as_ref()
        .map(|b| tandem_domain::planning::variance(calendar, &b.tasks, &stored.tasks))
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.task_id, v))
        .collect();
    let milestones = match (&baseline, page, compact) {
        (Some(b), None, false) => {
            milestone_variances(store, access, calendar, &names, b, &stored).await?
        }
        _ => Vec::new(),
    };
    let in_baseline: HashMap<Id, BaselineTask> = baseline
        .as_ref()
        .map(|b| b.tasks.iter().map(|t| (t.task_id, *t)).collect())
        .unwrap_or_default();
    let names: HashMap<Id, TaskName> = names.into_iter().map(|t| (t.id, t)).collect();
    let key_of = |id: &Id| names.get(id).map(|t| t.key.clone()).unwrap_or_default();
    let critical_path = stored.critical_path.iter().map(key_of).collect();
    // The path's tasks joined by the links that join them, not by arrows
    // that suggest links that do not exist.
    let critical_chains = if stored.critical_path.is_empty() {
        Vec::new()
    } else {
        let links: Vec<(Id, Id)> = store
            .project_links(access)
            .await?
            .iter()
            .map(|l| (l.predecessor_id, l.successor_id))
            .collect();
        tandem_domain::graph::critical_chains(&stored.critical_path, &links)
            .iter()
            .map(|chain| chain.iter().map(key_of).collect())
            .collect()
    };
    let answer = ScheduleAnswer {
        start: local(stored.start),
        finish: local(stored.finish),
        computed_at: stored.computed_at,
        critical_path,
        critical_chains,
        compact,
        rows: stored.tasks,
        names,
        variances,
        in_baseline,
        minutes_per_day: calendar.minutes_per_day,
        next_cursor,
        warnings: stored.warnings,
        baseline: baseline.map(BaselineView::from),
        milestones,
    };
    Ok(crate::streamed::json(answer, &headers))
}

/// A schedule's answer as [`ScheduleView`] shows it, with each task's row
/// made as it is written: a whole schedule is a row per task, and the
/// rows of a million-task project would take a gigabyte as views and as
/// text held at once (see `crate::streamed`).
struct ScheduleAnswer {
    start: String,
    finish: String,
    computed_at: chrono::DateTime<chrono::Utc>,
    critical_path: Vec<String>,
    critical_chains: Vec<Vec<String>>,
    /// The compact form: `rows` instead of `tasks`.
    compact: bool,
    rows: Vec<TaskSchedule>,
    names: HashMap<Id, TaskName>,
    variances: HashMap<Id, tandem_domain::planning::Variance>,
    in_baseline: HashMap<Id, BaselineTask>,
    minutes_per_day: i64,
    next_cursor: Option<String>,
    warnings: Vec<String>,
    baseline: Option<BaselineView>,
    milestones: Vec<MilestoneVarianceView>,
}

impl ScheduleAnswer {
    fn key_and_title(&self, id: Id) -> (String, String) {
        self.names
            .get(&id)
            .map(|t| (t.key.clone(), t.title.clone()))
            .unwrap_or_default()
    }

    fn task(&self, s: &TaskSchedule) -> ScheduledTaskView {
        let (key, title) = self.key_and_title(s.task_id);
        let per_day = self.minutes_per_day;
        ScheduledTaskView {
            key,
            title,
            early_start: local(s.early_start),
            early_finish: local(s.early_finish),
            late_start: local(s.late_start),
            late_finish: local(s.late_finish),
            total_slack_minutes: s.total_slack,
            free_slack_minutes: s.free_slack,
            critical: s.critical,
            summary: s.summary,
            milestone: s.milestone,
            variance: self.variances.get(&s.task_id).and_then(|v| {
                let b = self.in_baseline.get(&s.task_id)?;
                Some(VarianceView {
                    baseline_start: local(b.start),
                    baseline_finish: local(b.finish),
                    start_days: days(v.start, per_day),
                    finish_days: days(v.finish, per_day),
                    duration_days: days(v.duration, per_day),
                })
            }),
        }
    }

    fn compact_row(&self, s: &TaskSchedule) -> CompactScheduleRow {
        CompactScheduleRow(
            self.key_and_title(s.task_id).0,
            local(s.early_start),
            local(s.early_finish),
            s.total_slack,
            s.critical,
        )
    }

    /// The same answer held whole, for the test that both write the same.
    #[cfg(test)]
    fn collected(&self) -> ScheduleView {
        let each = |show: bool| show.then_some(self.rows.iter()).into_iter().flatten();
        ScheduleView {
            start: self.start.clone(),
            finish: self.finish.clone(),
            computed_at: self.computed_at,
            critical_path: self.critical_path.clone(),
            critical_chains: self.critical_chains.clone(),
            tasks: each(!self.compact).map(|s| self.task(s)).collect(),
            rows: each(self.compact).map(|s| self.compact_row(s)).collect(),
            next_cursor: self.next_cursor.clone(),
            warnings: self.warnings.clone(),
            baseline: self.baseline.clone(),
            milestones: self.milestones.clone(),
        }
    }
}

/// Rows made one at a time as they are written.
struct Each<'a, T>(&'a ScheduleAnswer, fn(&ScheduleAnswer, &TaskSchedule) -> T);

impl<T: serde::Serialize> serde::Serialize for Each<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Each(answer, row) = *self;
        serializer.collect_seq(answer.rows.iter().map(|s| row(answer, s)))
    }
}

/// Field for field what `ScheduleView`'s derived serializer writes (the
/// test below holds the two to it).
impl serde::Serialize for ScheduleAnswer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("ScheduleView", 11)?;
        out.serialize_field("start", &self.start)?;
        out.serialize_field("finish", &self.finish)?;
        out.serialize_field("computed_at", &self.computed_at)?;
        out.serialize_field("critical_path", &self.critical_path)?;
        out.serialize_field("critical_chains", &self.critical_chains)?;
        if self.compact {
            out.serialize_field("tasks", &[(); 0])?;
            match self.rows.is_empty() {
                true => out.skip_field("rows")?,
                false => out.serialize_field("rows", &Each(self, Self::compact_row))?,
            }
        } else {
            out.serialize_field("tasks", &Each(self, Self::task))?;
            out.skip_field("rows")?;
        }
        match &self.next_cursor {
            Some(cursor) => out.serialize_field("next_cursor", cursor)?,
            None => out.skip_field("next_cursor")?,
        }
        out.serialize_field("warnings", &self.warnings)?;
        match &self.baseline {
            Some(baseline) => out.serialize_field("baseline", baseline)?,
            None => out.skip_field("baseline")?,
        }
        match self.milestones.is_empty() {
            true => out.skip_field("milestones")?,
            false => out.serialize_field("milestones", &self.milestones)?,
        }
        out.end()
    }
}

/// The project's schedule and its tasks' names. A stored schedule stamped
/// with the plan as it is now is served as it is, without reading the
/// plan (two rows say so); otherwise the plan is read and the schedule
/// made current first.
async fn schedule_and_names(
    store: &dyn Store,
    scope: tandem_store::Scope,
    key: &str,
    page: Option<Page>,
) -> ApiResult<(
    StoredSchedule,
    Vec<TaskName>,
    tandem_schedule::Calendar,
    ProjectAccess,
)> {
    let today = chrono::Local::now().date_naive();
    let (project, access) = store.open_project(scope, key).await?;
    if store.schedule_is_current(access, today).await? {
        let (after, limit) = page.map_or((0, None), |p| (p.after, Some(p.limit)));
        if let Some(named) = store.named_schedule(access, after, limit).await? {
            let exceptions = store.list_calendar_exceptions(access).await?;
            let calendar = project.work_week.calendar(&exceptions);
            return Ok((named.schedule, named.names, calendar, access));
        }
    }
    // Stale (or never stored): the plan is read and scheduled whole, and
    // the page cut from it.
    let (loaded, tasks, mut stored) = current_schedule_with_tasks(store, scope, key).await?;
    if let Some(page) = page {
        stored.tasks.sort_by_key(|t| t.task_id);
        stored.tasks.retain(|t| t.task_id > page.after);
        stored.tasks.truncate(page.limit);
    }
    let names = tasks
        .iter()
        .map(|t| TaskName {
            id: t.id,
            key: t.key.clone(),
            title: t.title.clone(),
            milestone_id: t.milestone_id,
        })
        .collect();
    Ok((stored, names, loaded.planned.plan.calendar, loaded.access))
}

/// Which rows of a schedule to answer with: those of the tasks after
/// `after` (by id), at most `limit`.
#[derive(Debug, Clone, Copy)]
struct Page {
    after: Id,
    limit: usize,
}

/// For each of the project's milestones, the latest finish of its tasks in
/// the baseline and now.
async fn milestone_variances(
    store: &dyn Store,
    access: ProjectAccess,
    calendar: &tandem_schedule::Calendar,
    names: &[TaskName],
    baseline: &Baseline,
    stored: &StoredSchedule,
) -> ApiResult<Vec<MilestoneVarianceView>> {
    let milestones = store.list_milestones(access).await?;
    let mut views = Vec::new();
    for m in milestones {
        let ids: Vec<Id> = names
            .iter()
            .filter(|t| t.milestone_id == Some(m.id))
            .map(|t| t.id)
            .collect();
        let then = baseline
            .tasks
            .iter()
            .filter(|b| ids.contains(&b.task_id))
            .map(|b| b.finish)
            .max();
        let now = stored
            .tasks
            .iter()
            .filter(|s| ids.contains(&s.task_id))
            .map(|s| s.early_finish)
            .max();
        let (Some(then), Some(now)) = (then, now) else {
            continue;
        };
        // One pseudo-task carries the milestone through the same variance
        // arithmetic as tasks.
        let point = |at| BaselineTask {
            task_id: m.id,
            start: at,
            finish: at,
            duration_minutes: 0,
        };
        let current = TaskSchedule {
            task_id: m.id,
            early_start: now,
            early_finish: now,
            late_start: now,
            late_finish: now,
            total_slack: 0,
            free_slack: 0,
            critical: false,
            summary: false,
            milestone: true,
            loose_digest: None,
        };
        let variance = tandem_domain::planning::variance(calendar, &[point(then)], &[current]);
        views.push(MilestoneVarianceView {
            id: m.id,
            name: m.name,
            finish: local(now),
            baseline_finish: local(then),
            finish_days: days(
                variance.first().map(|v| v.finish).unwrap_or(0),
                calendar.minutes_per_day,
            ),
        });
    }
    Ok(views)
}

/// Saves the project's current schedule as a baseline.
pub async fn create_baseline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<CreateBaseline>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let name = body.into_domain(|b| Ok(b.name))?;
    let today = chrono::Local::now().date_naive();
    let baseline =
        planning::create_baseline(state.store.as_ref(), &writer, &key, name, today).await?;
    Ok((StatusCode::CREATED, Json(BaselineView::from(baseline))).into_response())
}

pub async fn list_baselines(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<BaselineView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .list_baselines(access)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn delete_baseline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    let id = path_id(&id, "baseline")?;
    planning::delete_baseline(state.store.as_ref(), &writer, &key, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- forecast -------------------------------------------------------------

/// A Monte Carlo forecast of the project's finish from its tasks'
/// three-point estimates (tasks without one keep their estimate).
pub async fn project_forecast(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ForecastView>> {
    let (runs, seed) = forecast_params(&query)?;
    let Loaded { planned, .. } = load(state.store.as_ref(), ctx.scope, &key).await?;
    Ok(Json(run_forecast(planned, runs, seed).await?))
}

/// A forecast's `runs` (1 to 20,000; 2,000 when not given) and `seed`.
pub(crate) fn forecast_params(query: &HashMap<String, String>) -> ApiResult<(usize, u64)> {
    let mut v = Validation::new();
    for name in query
        .keys()
        .filter(|k| !["runs", "seed"].contains(&k.as_str()))
    {
        v.push(name, "unknown query parameter (allowed: runs, seed)");
    }
    let runs = match query.get("runs") {
        None => 2000,
        Some(r) => v
            .take(
                "runs",
                r.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=20_000).contains(n))
                    .ok_or_else(|| "must be 1 to 20000".to_string()),
            )
            .unwrap_or(0),
    };
    let seed = match query.get("seed") {
        None => 1,
        Some(s) => v
            .take(
                "seed",
                s.parse::<u64>()
                    .map_err(|_| "must be a whole number".to_string()),
            )
            .unwrap_or(0),
    };
    v.into_result()?;
    Ok((runs, seed))
}

/// The forecast of a plan (the project's, or a scenario's).
pub(crate) async fn run_forecast(
    planned: tandem_domain::planning::ProjectPlan,
    runs: usize,
    seed: u64,
) -> ApiResult<ForecastView> {
    // Thousands of schedules: seconds of CPU for a big plan, which must not
    // hold up the executor's threads that serve every other request.
    tokio::task::spawn_blocking(move || forecast_view(&planned, runs, seed))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
}

fn forecast_view(
    planned: &tandem_domain::planning::ProjectPlan,
    runs: usize,
    seed: u64,
) -> ApiResult<ForecastView> {
    let prepared = tandem_schedule::cpm::Prepared::new(&planned.plan)
        .map_err(|e| schedule_error(e, planned))?;
    let result =
        tandem_schedule::forecast::forecast_prepared(&prepared, &planned.estimates, runs, seed);
    let t = prepared.timeline();
    let view = |p: tandem_schedule::forecast::Percentiles| PercentilesView {
        p50: local(t.finish_instant(p.p50)),
        p80: local(t.finish_instant(p.p80)),
        p95: local(t.finish_instant(p.p95)),
    };
    let name = |i: usize| planned.plan.tasks[i].name.clone();
    let mut criticality: Vec<CriticalityView> = result
        .criticality
        .iter()
        .enumerate()
        .filter(|(i, _)| !prepared.is_summary(*i))
        .map(|(i, &index)| CriticalityView {
            key: name(i),
            index,
        })
        .collect();
    criticality.sort_by(|a, b| b.index.total_cmp(&a.index).then_with(|| a.key.cmp(&b.key)));
    let could_vary: Vec<usize> = (0..planned.plan.tasks.len())
        .filter(|&i| {
            let task = &planned.plan.tasks[i];
            !prepared.is_summary(i)
                && !task.milestone
                && task.actual_finish.is_none()
                && task.percent_complete < 100
        })
        .collect();
    let uncertain = could_vary
        .iter()
        .filter(|&&i| {
            planned.estimates[i]
                .as_ref()
                .is_some_and(|e| e.pessimistic > e.optimistic)
        })
        .count();
    let outside_range: Vec<String> = could_vary
        .iter()
        .filter(|&&i| {
            let planned_for = planned.plan.tasks[i].duration;
            planned.estimates[i].as_ref().is_some_and(|e| {
                e.pessimistic > e.optimistic
                    && (planned_for < e.optimistic || planned_for > e.pessimistic)
            })
        })
        .map(|&i| name(i))
        .collect();
    let warning = [
        tandem_domain::planning::forecast_warning(uncertain, could_vary.len()),
        tandem_domain::planning::outside_range_warning(&outside_range),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    Ok(ForecastView {
        uncertain_tasks: uncertain,
        tasks: could_vary.len(),
        outside_range,
        warning: (!warning.is_empty()).then(|| warning.join(" ")),
        runs: result.runs,
        seed,
        planned_finish: local(t.finish_instant(result.planned_finish)),
        finish: view(result.project),
        milestones: result
            .milestones
            .iter()
            .map(|&(i, p)| (name(i), view(p)))
            .collect(),
        criticality,
    })
}

// --- levelling --------------------------------------------------------------

/// What levelling by owner would do to the project: a preview that
/// changes nothing.
pub async fn project_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<LevellingView>> {
    let today = chrono::Local::now().date_naive();
    let store = state.store.as_ref();
    let levelled = planning::preview_levelling(store, ctx.scope, &key, today).await?;
    let standing = planning::standing_levelling(store, ctx.scope, &key).await?;
    Ok(Json(levelling_view(levelled, false, standing)))
}

/// Levels the project and writes the result (see
/// [`planning::apply_levelling`]): a task changed since the plan was read
/// fails the whole write (409).
pub async fn apply_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<LevellingView>> {
    let writer = ctx.actor().writer()?;
    let today = chrono::Local::now().date_naive();
    let store = state.store.as_ref();
    let (levelled, written) = planning::apply_levelling(store, &writer, &key, today).await?;
    // Nothing delayed writes nothing: the levelling standing is the older.
    let standing = match written {
        Some(written) => Some(written),
        None => planning::standing_levelling(store, ctx.scope, &key).await?,
    };
    Ok(Json(levelling_view(levelled, true, standing)))
}

/// What levelling every active project would do, each around the others.
pub async fn workspace_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(_): Path<String>,
) -> ApiResult<Json<WorkspaceLevellingView>> {
    let today = chrono::Local::now().date_naive();
    let levelled = planning::level_workspace(state.store.as_ref(), ctx.scope, None, today).await?;
    Ok(Json(workspace_levelling_view(levelled, false)))
}

/// Levels every active project, each around the others, and writes each.
pub async fn apply_workspace_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(_): Path<String>,
) -> ApiResult<Json<WorkspaceLevellingView>> {
    let writer = ctx.actor().writer()?;
    let today = chrono::Local::now().date_naive();
    let levelled =
        planning::level_workspace(state.store.as_ref(), ctx.scope, Some(&writer), today).await?;
    Ok(Json(workspace_levelling_view(levelled, true)))
}

fn workspace_levelling_view(
    levelled: Vec<(planning::Levelled, Option<AppliedLevelling>)>,
    applied: bool,
) -> WorkspaceLevellingView {
    WorkspaceLevellingView {
        projects: levelled
            .into_iter()
            .map(|(levelled, written)| ProjectLevellingView {
                project: levelled.project_key.clone(),
                levelling: levelling_view(levelled, applied, written),
            })
            .collect(),
        applied,
    }
}

/// Takes every levelling delay out of the project's plan (see
/// [`planning::clear_levelling`]).
pub async fn clear_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<ClearedLevellingView>> {
    let writer = ctx.actor().writer()?;
    let cleared = planning::clear_levelling(state.store.as_ref(), &writer, &key).await?;
    Ok(Json(ClearedLevellingView {
        cleared: cleared
            .iter()
            .flat_map(|l| l.tasks.iter().map(|t| t.key.clone()))
            .collect(),
        levelling: cleared.map(Into::into),
    }))
}

/// Takes back the project's newest levelling (see
/// [`planning::undo_levelling`]): 404 if none was applied, 409 if it was
/// taken back already or a task it delayed has changed since.
pub async fn undo_levelling(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<AppliedLevellingView>> {
    let writer = ctx.actor().writer()?;
    let undone = planning::undo_levelling(state.store.as_ref(), &writer, &key).await?;
    Ok(Json(undone.into()))
}

pub(crate) fn levelling_view(
    levelled: planning::Levelled,
    applied: bool,
    standing: Option<AppliedLevelling>,
) -> LevellingView {
    let per_day = levelled.minutes_per_day;
    LevellingView {
        finish_before: local(levelled.finish_before),
        finish_after: local(levelled.finish_after),
        cost_days: days(levelled.cost_minutes, per_day),
        overallocations: levelled
            .overallocations
            .into_iter()
            .map(|o| OverallocationView {
                owner: o.owner,
                hours_before: o.minutes_before as f64 / 60.0,
                hours_after: o.minutes_after as f64 / 60.0,
            })
            .collect(),
        delayed: levelled
            .delayed
            .into_iter()
            .map(|d| LevelledTaskView {
                key: d.key,
                start: local(d.start),
                finish: local(d.finish),
                delayed_days: days(d.delay_minutes, per_day),
                levelling_delay_days: days(
                    levelled.delays.get(&d.task_id).copied().unwrap_or(0),
                    per_day,
                ),
            })
            .collect(),
        applied,
        standing: standing.map(Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    fn answer(compact: bool, rows: usize) -> ScheduleAnswer {
        let row = |id: Id| TaskSchedule {
            task_id: id,
            early_start: at(23, 8),
            early_finish: at(24, 17),
            late_start: at(25, 8),
            late_finish: at(26, 17),
            total_slack: 960,
            free_slack: 480,
            critical: id == 1,
            summary: false,
            milestone: id == 2,
            loose_digest: None,
        };
        let rows: Vec<TaskSchedule> = (1..=rows as Id).map(row).collect();
        let names = rows
            .iter()
            .map(|r| {
                let name = TaskName {
                    id: r.task_id,
                    key: format!("P-{}", r.task_id),
                    title: format!("Task \"{}\"", r.task_id),
                    milestone_id: None,
                };
                (r.task_id, name)
            })
            .collect();
        let in_baseline = [(
            1,
            BaselineTask {
                task_id: 1,
                start: at(20, 8),
                finish: at(20, 17),
                duration_minutes: 480,
            },
        )]
        .into();
        let variances = [(
            1,
            tandem_domain::planning::Variance {
                task_id: 1,
                start: 960,
                finish: 1440,
                duration: 480,
            },
        )]
        .into();
        ScheduleAnswer {
            start: local(at(23, 8)),
            finish: local(at(26, 17)),
            computed_at: chrono::Utc::now(),
            critical_path: vec!["P-1".into()],
            critical_chains: vec![vec!["P-1".into()]],
            compact,
            rows,
            names,
            variances,
            in_baseline,
            minutes_per_day: 480,
            next_cursor: compact.then(|| "2".into()),
            warnings: vec!["P-2 finishes after its due date".into()],
            baseline: None,
            milestones: Vec::new(),
        }
    }

    /// The answer written row by row is the text `ScheduleView`'s own
    /// serializer makes of the same answer held whole, in either form,
    /// empty or not (the API's clients read it as a `ScheduleView`).
    #[test]
    fn a_schedule_written_row_by_row_is_its_view() {
        for (compact, rows) in [(false, 3), (true, 3), (false, 0), (true, 0)] {
            let answer = answer(compact, rows);
            let streamed = serde_json::to_string(&answer).unwrap();
            let whole = serde_json::to_string(&answer.collected()).unwrap();
            assert_eq!(streamed, whole, "compact {compact}, {rows} rows");
            let read: ScheduleView = serde_json::from_str(&streamed).unwrap();
            assert_eq!(read.tasks.len() + read.rows.len(), rows);
        }
        let full = serde_json::to_value(answer(false, 2)).unwrap();
        assert_eq!(full["tasks"][0]["variance"]["start_days"], 2.0);
        assert!(full["tasks"][1].get("variance").is_none());
    }
}
