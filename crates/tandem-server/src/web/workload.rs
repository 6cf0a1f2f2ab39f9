//! Workload: people × weeks, the open work each person owns against the
//! hours they have, over-allocation marked in colour and in words; work
//! dated before or after the weeks shown is counted beside them, so a
//! person's total is all their open dated work. Work is
//! placed on the schedule's dates where the project has a schedule, on its
//! start and due dates otherwise; the arithmetic is the domain's
//! (`tandem_domain::workload`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use chrono::{Days, NaiveDate};
use maud::{Markup, html};
use tandem_api::WorkspaceLevellingView;
use tandem_domain::planning::PlanTask;
use tandem_domain::workload::weekly_load;
use tandem_domain::{Id, TaskSchedule};

use super::Viewer;
use super::common::WebError;
use super::layout::{ProjectNav, Section, Tab, page};
use super::my_work::today;
use crate::AppState;
use crate::error::ApiError;
use crate::planning::fresh_schedule;

type Params = Query<HashMap<String, String>>;

fn weeks_asked(query: &HashMap<String, String>) -> Result<usize, WebError> {
    match query.get("weeks") {
        None => Ok(8),
        Some(w) => w
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=26).contains(n))
            .ok_or_else(|| ApiError::field("weeks", "must be 1 to 26").into()),
    }
}

pub async fn workspace_workload(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Params,
) -> Result<Markup, WebError> {
    let weeks = weeks_asked(&query)?;
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let work = crate::workload::open_work(store, scope, None).await?;
    let content = render(&state, &viewer, &work.tasks, &work.schedules, weeks, None).await?;
    let levelling = match query.contains_key("level") {
        true => Some(
            crate::handlers::schedule::workspace_levelling(
                State(state.clone()),
                viewer.ctx.clone(),
                Path(viewer.slug().to_string()),
            )
            .await?
            .0,
        ),
        false => None,
    };
    let content = html! {
        (content)
        (across_projects(&viewer, levelling.as_ref()))
    };
    Ok(page(&viewer, "Workload", Section::Workload, None, content))
}

/// Levelling across every active project: a preview when asked for, and
/// the button that writes it.
fn across_projects(viewer: &Viewer, levelling: Option<&WorkspaceLevellingView>) -> Markup {
    html! {
        section.card-panel aria-labelledby="h-level-all" {
            h2 #h-level-all { "Levelling across projects" }
            p.muted { "Levels every active project one after another, earliest start first, each around its people's work in the projects levelled before it: someone booked in two projects at once is booked once, and the earlier project keeps its place. Each project's levelling is written as levelling delays, with its own undo on its Plan tab." }
            @match levelling {
                None => {
                    form.inline-form method="get" action=(viewer.url("/workload")) {
                        input type="hidden" name="level" value="1";
                        button type="submit" { "Preview levelling across projects" }
                    }
                }
                Some(all) => {
                    div.table-wrap tabindex="0" role="region" aria-label="Levelling by project" { table.grid {
                        caption { @if all.applied { "Levelled" } @else { "Would be levelled" } }
                        thead { tr { th scope="col" { "Project" } th scope="col" { "Tasks delayed" } th scope="col" { "Hours booked twice, before" } th scope="col" { "After" } th scope="col" { "Finish" } } }
                        tbody {
                            @for p in &all.projects {
                                @let l = &p.levelling;
                                tr {
                                    td { a.key href=(viewer.url(&format!("/p/{}/plan?level=1#h-levelling", p.project))) { (p.project) } }
                                    td { (l.delayed.len()) }
                                    td { (format!("{:.0}", l.overallocations.iter().map(|o| o.hours_before).sum::<f64>())) }
                                    td { (format!("{:.0}", l.overallocations.iter().map(|o| o.hours_after).sum::<f64>())) }
                                    td { (l.finish_before) " → " (l.finish_after) " " span.muted { "(" (format!("{:+.1}", l.cost_days)) " working days)" } }
                                }
                            }
                        }
                    } }
                    @if viewer.can_write() && !all.applied && all.projects.iter().any(|p| !p.levelling.delayed.is_empty()) {
                        form.inline.confirm method="post" action=(viewer.url("/workload/level"))
                            data-confirm="Level every active project as previewed?" {
                            button.primary type="submit" { "Apply levelling across projects" }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /w/{ws}/workload/level`: levels every active project and shows
/// what it did.
pub async fn level_across_projects(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, WebError> {
    let result = crate::handlers::schedule::apply_workspace_levelling(
        State(state.clone()),
        viewer.ctx.clone(),
        Path(viewer.slug().to_string()),
    )
    .await
    .map(axum::response::IntoResponse::into_response);
    super::common::answer(
        &headers,
        result,
        &viewer.url("/workload?level=1#h-level-all"),
    )
}

pub async fn project_workload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
    Query(query): Params,
) -> Result<Markup, WebError> {
    let weeks = weeks_asked(&query)?;
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    // The schedule as the timeline reads it (current by the plan version,
    // kept in memory), and the open tasks alone: the closed carry no load.
    let stored = fresh_schedule(store, scope, &project.key, access).await?;
    let schedules: HashMap<Id, TaskSchedule> =
        stored.tasks.into_iter().map(|s| (s.task_id, s)).collect();
    let open = open_plan_tasks(store, access).await?;
    let content = render(
        &state,
        &viewer,
        &open,
        &schedules,
        weeks,
        Some(&project.key),
    )
    .await?;
    Ok(page(
        &viewer,
        "Workload",
        Section::Projects,
        Some(ProjectNav {
            key: &project.key,
            name: &project.name,
            archived: project.archived_at.is_some(),
            tab: Tab::Workload,
        }),
        content,
    ))
}

/// The project's open tasks, as its plan reads them: the closed carry no
/// load.
async fn open_plan_tasks(
    store: &dyn tandem_store::Store,
    access: tandem_store::ProjectAccess,
) -> Result<Vec<PlanTask>, WebError> {
    let mut tasks = store.plan_tasks(access).await.map_err(ApiError::from)?;
    tasks.retain(|t| !t.status.is_closed());
    Ok(tasks)
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    tasks: &[PlanTask],
    schedules: &HashMap<Id, TaskSchedule>,
    weeks: usize,
    project: Option<&str>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let members = store.list_members(scope).await?;
    let time_off = store.list_time_off(scope, None).await?;
    let (assignments, undated) = crate::workload::assignments(tasks, schedules, |_| true);
    let today = today();
    let people: Vec<(Id, f64)> = members
        .iter()
        .map(|m| (m.user.id, m.capacity_hours))
        .collect();
    let loads = weekly_load(&people, &time_off, &assignments, today, weeks);
    let monday = tandem_domain::dates::start_of_week(today);
    let week_start = |w: usize| -> NaiveDate { monday + Days::new(7 * w as u64) };
    let here = match project {
        Some(key) => viewer.url(&format!("/p/{key}/workload")),
        None => viewer.url("/workload"),
    };
    Ok(html! {
        p.muted {
            "Open work by owner and week: hours left (effort, or estimate × 8 h) over the hours each person has, less time off. "
            "Weeks: "
            @for w in [4usize, 8, 13, 26] {
                a href={ (here) "?weeks=" (w) } aria-current=[(w == weeks).then_some("true")] { (w) } " "
            }
        }
        div.table-wrap tabindex="0" role="region" aria-label="Workload by person and week" {
            table.grid.workload {
                caption.visually-hidden { "Assigned hours against capacity, by person and week" }
                thead { tr {
                    th scope="col" { "Person" }
                    th scope="col" { abbr title="Open work dated before this week: late" { "Earlier" } }
                    @for w in 0..weeks { th scope="col" { (week_start(w).format("%-d %b")) } }
                    th scope="col" { abbr title={ "Dated after the week of " (week_start(weeks - 1).format("%-d %b")) } { "Later" } }
                    th scope="col" { "Total" }
                    th scope="col" { abbr title="Open tasks with neither dates nor a schedule" { "Undated" } }
                } }
                tbody {
                    @for (member, load) in members.iter().zip(&loads) {
                        tr {
                            th scope="row" { (member.user.name) br; span.muted { (member.capacity_hours) " h/week" } }
                            td class=[(load.before > 0.0).then_some("load late")] { (format!("{:.0}", load.before)) }
                            @for w in 0..weeks {
                                @let ratio = load.ratio(w);
                                @let class = if ratio > 1.0 { "load over" } else if ratio >= 0.8 { "load full" } else if load.assigned[w] > 0.0 { "load ok" } else { "load none" };
                                td class=(class) title={ (format!("{:.1}", load.assigned[w])) " of " (format!("{:.1}", load.capacity[w])) " hours" } {
                                    (format!("{:.0}", load.assigned[w])) span.muted { " / " (format!("{:.0}", load.capacity[w])) }
                                    @if ratio > 1.0 { " " span.flag { "over" } }
                                }
                            }
                            td { (format!("{:.0}", load.after)) }
                            td.total data-hours=(format!("{:.1}", load.total())) { (format!("{:.0}", load.total())) }
                            td { (undated.get(&member.user.id).copied().unwrap_or(0)) }
                        }
                    }
                }
            }
        }
    })
}
