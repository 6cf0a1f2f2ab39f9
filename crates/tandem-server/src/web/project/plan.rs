//! A project's planning tools, the ones the API had and the pages did
//! not: baselines (saved, compared on the timeline, deleted), the Monte
//! Carlo forecast from three-point estimates, levelling by owner (preview,
//! apply, take back), what-if scenarios (listed, branched; each one's
//! page is `scenarios.rs`) and the Microsoft Project file out.
//!
//! The forecast and the levelling preview are computed when asked for
//! (they cost a schedule run or thousands of them), not on every visit.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{AppliedLevellingView, BaselineView, CreateBaseline, ForecastView, LevellingView};

use super::{Params, nav};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, answer};
use crate::web::layout::{self, Section, Tab, page};

/// `2027-01-18T17:00` as people read it.
fn when(local: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
        .map(|t| t.format("%a %-d %b %Y").to_string())
        .unwrap_or_else(|_| local.to_string())
}

pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((ws, key)): Path<(String, String)>,
    Query(query): Params,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let (project, access) = store.open_project(viewer.ctx.scope, &key).await?;
    let scenarios: Vec<tandem_api::ScenarioView> = store
        .list_scenarios(access)
        .await?
        .iter()
        .map(crate::scenarios::scenario_view)
        .collect();
    let path = || Path((ws.clone(), key.clone()));
    let Json(baselines): Json<Vec<BaselineView>> =
        crate::handlers::schedule::list_baselines(State(state.clone()), viewer.ctx.clone(), path())
            .await?;
    let forecast: Option<ForecastView> = match query.get("runs") {
        Some(runs) => {
            let mut asked = HashMap::new();
            asked.insert("runs".to_string(), runs.clone());
            let Json(view) = crate::handlers::schedule::project_forecast(
                State(state.clone()),
                viewer.ctx.clone(),
                path(),
                Query(asked),
            )
            .await?;
            Some(view)
        }
        None => None,
    };
    let levelling: Option<LevellingView> = if query.contains_key("level") {
        let Json(view) = crate::handlers::schedule::project_levelling(
            State(state.clone()),
            viewer.ctx.clone(),
            path(),
        )
        .await?;
        Some(view)
    } else {
        None
    };
    let standing: Option<AppliedLevellingView> =
        tandem_usecases::planning::standing_levelling(store, viewer.ctx.scope, &key)
            .await
            .map_err(ApiError::from)?
            .map(Into::into);
    let url = |rest: &str| viewer.url(&format!("/p/{}{rest}", project.key));
    let writes = viewer.can_write();
    let content = html! {
        div.settings.plan {
        section.card-panel aria-labelledby="h-baselines" {
            h2 #h-baselines { "Baselines" }
            p.muted { "A baseline keeps the schedule as it is now; the timeline and the schedule show how far each task has moved since." }
            @if baselines.is_empty() { p.muted { "None saved yet." } }
            ol.rows {
                @for b in &baselines {
                    li {
                        span.who { strong { (b.name) } " " span.muted { "saved " (b.created_at.format("%-d %b %Y %H:%M")) @if let Some(by) = &b.created_by { " by " (by.name) } } }
                        a href=(url(&format!("/timeline?baseline={}", b.id))) { "Compare on the timeline" }
                        @if writes {
                            form.inline.confirm method="post" action=(url(&format!("/baselines/{}/delete", b.id)))
                                data-confirm={ "Delete the baseline " (b.name) "?" } {
                                button.link type="submit" aria-label={ "Delete baseline " (b.name) } { "Delete" }
                            }
                        }
                    }
                }
            }
            @if writes {
                form.inline-form method="post" action=(url("/baselines")) {
                    label for="bl-name" { "Name" }
                    input #bl-name name="name" required maxlength="200" placeholder="Signed off";
                    button.primary type="submit" { "Save baseline" }
                }
            }
        }

        (super::scenarios::section(&viewer, &project.key, &scenarios))

        section.card-panel aria-labelledby="h-forecast" {
            h2 #h-forecast { "Forecast" }
            p.muted { "Runs the schedule many times, each task's duration drawn from its three-point estimate (optimistic, most likely, pessimistic: set them on the task's page); tasks without one keep their estimate." }
            form.inline-form method="get" action=(url("/plan")) {
                label for="fc-runs" { "Runs" }
                input #fc-runs name="runs" type="number" min="1" max="20000" value=(query.get("runs").map(String::as_str).unwrap_or("2000"));
                button type="submit" { "Run forecast" }
            }
            @if let Some(f) = &forecast {
                @if let Some(warning) = &f.warning { p.update-due role="note" { (warning) } }
                dl.facts {
                    dt { "Planned finish" } dd { (when(&f.planned_finish)) }
                    dt { abbr title="Half the runs finish by then" { "P50" } } dd { (when(&f.finish.p50)) }
                    dt { abbr title="Four runs in five finish by then" { "P80" } } dd { (when(&f.finish.p80)) }
                    dt { abbr title="Nineteen runs in twenty finish by then" { "P95" } } dd { (when(&f.finish.p95)) }
                }
                @if !f.milestones.is_empty() {
                    h3 { "Milestones" }
                    div.table-wrap tabindex="0" role="region" aria-label="Milestone forecast" { table.grid {
                        caption.visually-hidden { "Milestone finish percentiles" }
                        thead { tr { th scope="col" { "Milestone" } th scope="col" { "P50" } th scope="col" { "P80" } th scope="col" { "P95" } } }
                        tbody { @for (name, p) in &f.milestones { tr { th scope="row" { (name) } td { (when(&p.p50)) } td { (when(&p.p80)) } td { (when(&p.p95)) } } } }
                    } }
                }
                h3 { "Most often critical" }
                ul.plain {
                    @for c in f.criticality.iter().take(10) {
                        li { a.key href=(viewer.url(&format!("/t/{}", c.key))) { (c.key) } " " (format!("{:.0} %", c.index * 100.0)) " of runs" }
                    }
                }
            }
        }

        section.card-panel aria-labelledby="h-levelling" {
            h2 #h-levelling { "Levelling" }
            p.muted { "Moves tasks later so nobody is booked beyond their hours a week; applying it gives each task it moves a levelling delay (working time after its links and constraint), which clearing levelling takes away. Dates and constraints are left as they were." }
            @if let Some(applied) = &standing { (standing_levelling(&viewer, &project.key, applied)) }
            @match &levelling {
                None => {
                    form.inline-form method="get" action=(url("/plan")) {
                        input type="hidden" name="level" value="1";
                        button type="submit" { "Preview levelling" }
                    }
                }
                Some(l) => {
                    (levelling_result(&viewer, l))
                    @if writes && !l.delayed.is_empty() {
                        form.inline.confirm method="post" action=(url("/plan/level"))
                            data-confirm={ "Delay " (l.delayed.len()) " tasks as previewed?" } {
                            button.primary type="submit" { "Apply levelling" }
                        }
                    }
                }
            }
            @if writes {
                form.inline.confirm method="post" action=(url("/plan/level/clear"))
                    data-confirm="Take every task's levelling delay away? An undo puts them back." {
                    button type="submit" { "Clear levelling" }
                }
            }
        }

        section.card-panel aria-labelledby="h-files" {
            h2 #h-files { "Microsoft Project" }
            p {
                a href={ "/api/v1/workspaces/" (viewer.slug()) "/projects/" (project.key) "/mspdi" } download={ (project.key) ".xml" } { "Download as Microsoft Project XML" }
            }
            p.muted { "To bring a Microsoft Project file in as a new project, use Import on the Projects page." }
        }
        }
    };
    Ok(page(
        &viewer,
        "Plan",
        Section::Projects,
        nav(&project, Tab::Plan),
        content,
    ))
}

fn levelling_result(viewer: &Viewer, l: &LevellingView) -> Markup {
    html! {
        dl.facts {
            dt { "Finish now" } dd { (when(&l.finish_before)) }
            dt { "Finish levelled" } dd { (when(&l.finish_after)) " " span.muted { "(" (format!("{:+.1}", l.cost_days)) " working days)" } }
        }
        @if l.delayed.is_empty() {
            p { "Nobody is over their hours: nothing to move." }
        } @else {
            div.table-wrap tabindex="0" role="region" aria-label="Levelled tasks" { table.grid {
                caption { @if l.applied { "Delayed" } @else { "Would be delayed" } }
                thead { tr { th scope="col" { "Task" } th scope="col" { "Start" } th scope="col" { "Finish" } th scope="col" { "Later by" } } }
                tbody {
                    @for t in &l.delayed {
                        tr {
                            td { a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } }
                            td { (when(&t.start)) } td { (when(&t.finish)) }
                            td { (format!("{:.1}", t.delayed_days)) " days" }
                        }
                    }
                }
            } }
        }
        @if !l.overallocations.is_empty() {
            h3 { "Hours over capacity" }
            ul.plain {
                @for o in &l.overallocations {
                    li { (layout::person(Some(&o.owner))) ": " (format!("{:.0}", o.hours_before)) " h before, " (format!("{:.0}", o.hours_after)) " h after" }
                }
            }
        }
    }
}

/// The levelling that stands, and the button that takes it back.
fn standing_levelling(viewer: &Viewer, key: &str, applied: &AppliedLevellingView) -> Markup {
    let count = applied.tasks.len();
    let tasks = if count == 1 { "task" } else { "tasks" };
    html! {
        div.standing {
            p {
                "Levelling applied " (applied.applied_at.format("%-d %b %Y %H:%M"))
                @if let Some(by) = &applied.applied_by { " by " (by.name) }
                " changed the levelling delay of " (count) " " (tasks) ": "
                @for (i, k) in applied.tasks.iter().take(12).enumerate() {
                    @if i > 0 { ", " }
                    a.key href=(viewer.url(&format!("/t/{k}"))) { (k) }
                }
                @if count > 12 { " and " (count - 12) " more" }
                "."
            }
            @if viewer.can_write() {
                form.inline.confirm method="post" action=(viewer.url(&format!("/p/{key}/plan/level/undo")))
                    data-confirm={ "Give the " (count) " " (tasks) " the levelling delays they had before?" } {
                    button type="submit" { "Undo levelling" }
                }
            }
        }
    }
}

/// `POST …/plan/level/clear`: takes every levelling delay away.
pub async fn clear_levelling(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let path = Path((ws, key.clone()));
    let result = crate::handlers::schedule::clear_levelling(State(state), ctx, path).await;
    back_to_levelling(
        &headers,
        &viewer,
        &key,
        result.map(IntoResponse::into_response),
    )
}

/// `POST …/plan/level/undo`: takes back the newest levelling.
pub async fn undo_levelling(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let path = Path((ws, key.clone()));
    let result = crate::handlers::schedule::undo_levelling(State(state), ctx, path).await;
    back_to_levelling(
        &headers,
        &viewer,
        &key,
        result.map(IntoResponse::into_response),
    )
}

/// A levelling form's answer: back to the plan's levelling section.
fn back_to_levelling(
    headers: &HeaderMap,
    viewer: &Viewer,
    key: &str,
    result: Result<Response, crate::error::ApiError>,
) -> Result<Response, WebError> {
    answer(
        headers,
        result,
        &viewer.url(&format!("/p/{key}/plan#h-levelling")),
    )
}

pub async fn create_baseline(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = CreateBaseline {
        name: form.get("name").map(|n| n.trim().to_string()),
    };
    let back = back_to(&form, &key);
    let result = crate::handlers::schedule::create_baseline(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key.clone())),
        JsonBody::new(input),
    )
    .await;
    answer(&headers, result, &viewer.url(&back))
}

/// Where a baseline's form came from: the timeline, or the Plan tab.
fn back_to(form: &FormPairs, key: &str) -> String {
    match form.get("back") {
        Some("timeline") => format!("/p/{key}/timeline"),
        _ => format!("/p/{key}/plan#h-baselines"),
    }
}

pub async fn delete_baseline(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let back = back_to(&FormPairs::parse(&body), &key);
    let result = crate::handlers::schedule::delete_baseline(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key.clone(), id)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url(&back))
}

/// `POST …/plan/level`: applies the levelling and shows what it did.
/// `GET …/plan/level`: the address the applied levelling's page is left
/// at, reloaded or bookmarked: the plan with a new levelling preview (a
/// GET applies nothing).
pub async fn levelling_preview(
    state: State<AppState>,
    viewer: Viewer,
    path: Path<(String, String)>,
) -> Result<Markup, WebError> {
    let query = HashMap::from([("level".to_string(), "1".to_string())]);
    plan(state, viewer, path, Query(query)).await
}

pub async fn apply_levelling(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let applied = crate::handlers::schedule::apply_levelling(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key.clone())),
    )
    .await;
    match applied {
        Ok(Json(view)) if !crate::web::common::from_script(&headers) => {
            let (project, _) = state
                .store
                .open_project(viewer.ctx.scope, &key)
                .await
                .map_err(ApiError::from)?;
            let content = html! {
                section.card-panel aria-labelledby="h-levelled" {
                    h2 #h-levelled { "Levelling applied" }
                    (levelling_result(&viewer, &view))
                    @if let Some(applied) = &view.standing { (standing_levelling(&viewer, &key, applied)) }
                    p { a href=(viewer.url(&format!("/p/{key}/timeline"))) { "See the timeline" } " · " a href=(viewer.url(&format!("/p/{key}/plan"))) { "Back to the plan" } }
                }
            };
            let mut response = page(
                &viewer,
                "Levelling applied",
                Section::Projects,
                nav(&project, Tab::Plan),
                content,
            )
            .into_response();
            // The page says what was done, as a page a form goes on to
            // does ("Levelling applied." in the toast).
            response.headers_mut().insert(
                axum::http::header::SET_COOKIE,
                axum::http::HeaderValue::from_static(
                    "tandem_flash=saved; Path=/; Max-Age=60; SameSite=Lax",
                ),
            );
            Ok(response)
        }
        other => answer(
            &headers,
            other.map(IntoResponse::into_response),
            &viewer.url(&format!("/p/{key}/plan")),
        ),
    }
}
