//! The timeline: the stored schedule drawn as an SVG Gantt chart on the
//! server. Bars are grouped by phase; dependencies are arrows; the critical
//! path is marked; total slack trails each bar; the newest baseline (or
//! the one asked for) shows under each bar; milestones are diamonds; a
//! flag marks each due date, red where the schedule finishes after it; a
//! line marks today. Zoom sets the pixels per day, or fits the whole plan
//! in the browser's width; the chart always fills that width. The names
//! are drawn apart from the bars so they stay in view. A page draws
//! a window of [`WINDOW`] task rows on the whole plan's calendar: every
//! row is ordered from what the plan reads of each task, and whole tasks
//! are read for the window alone. Nothing is computed in the browser: a
//! dragged bar posts a new start date (a resized one a new estimate, a
//! ring dropped on another bar a new link), and the page is drawn again
//! from the new plan.

use std::collections::HashMap;
use std::fmt::Write;

use axum::extract::{Path, Query, State};
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};
use maud::{Markup, PreEscaped, html};
use tandem_domain::{Id, Scheduling, StoredSchedule, Task, TaskSchedule};

use super::Viewer;
use super::common::WebError;
use super::layout::{ProjectNav, Section, Tab, page};
use super::my_work::today;
use crate::AppState;
use crate::error::ApiError;
use crate::planning::{current_schedule_with_plan_tasks, stored_if_current};
use tandem_store::{MAX_TASK_PAGE, TaskFilter};

const LABEL_WIDTH: f64 = 300.0;
/// Month abbreviations, written directly: chrono's `format` parses its
/// pattern on every call, which at thousands of bars was a third of the
/// drawing time.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const ROW: f64 = 24.0;
/// Task rows one page of the chart draws; the others are a link away
/// (`?from=`), drawn on the same calendar.
const WINDOW: usize = 250;
const HEADER: f64 = 44.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zoom {
    Day,
    Week,
    Month,
    /// The whole plan in the width the browser has.
    Fit,
}

impl Zoom {
    /// Pixels per day; `Fit`'s depends on the plan's length and the width.
    fn pixels_per_day(self) -> f64 {
        match self {
            Zoom::Day => 32.0,
            Zoom::Week | Zoom::Fit => 10.0,
            Zoom::Month => 3.0,
        }
    }

    /// The calendar a scale is labelled like: days, weeks or months.
    fn scale_of(ppd: f64) -> Zoom {
        if ppd >= 20.0 {
            Zoom::Day
        } else if ppd >= 6.0 {
            Zoom::Week
        } else {
            Zoom::Month
        }
    }
}

/// The width a chart is drawn to fill when the page does not say (the
/// script sends the browser's, `?width=`).
const DEFAULT_WIDTH: f64 = 1200.0;
/// The pixels a month's name needs ("September 2027"; the month zoom's
/// "Sep 2027" six tenths of it): the month the chart opens in is named
/// only when the next month's name is at least this far.
const MONTH_ROOM: f64 = 100.0;

/// Text escaped for SVG content and double-quoted attributes, as maud
/// escapes everything else on the page.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    maud::Render::render_to(text, &mut out);
    out
}

pub async fn timeline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let zoom = match query.get("zoom").map(String::as_str) {
        None | Some("week") => Zoom::Week,
        Some("day") => Zoom::Day,
        Some("month") => Zoom::Month,
        Some("fit") => Zoom::Fit,
        Some(_) => return Err(ApiError::field("zoom", "must be day, week, month or fit").into()),
    };
    let width = match query.get("width") {
        None => DEFAULT_WIDTH,
        Some(w) => w
            .parse::<f64>()
            .ok()
            .filter(|w| (320.0..=10_000.0).contains(w))
            .ok_or_else(|| ApiError::field("width", "must be 320 to 10000 (pixels)"))?,
    };
    let from = match query.get("from") {
        None => 0,
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| ApiError::field("from", "must be a row number, 0 or more"))?,
    };
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let mut plan = read_plan(store, scope, &key).await?;
    let project = &plan.project;
    let access = plan.access;
    let stored = &plan.schedule;
    // The baseline asked for (`?baseline=ID`, from the Plan tab), else the
    // newest.
    let baselines = store.list_baselines(access).await?;
    let chosen = match query.get("baseline") {
        Some(id) => Some(
            id.parse::<Id>()
                .ok()
                .filter(|id| baselines.iter().any(|b| b.id == *id))
                .ok_or_else(|| {
                    ApiError::field("baseline", "must be one of the project's baselines")
                })?,
        ),
        None => baselines.first().map(|b| b.id),
    };
    let baseline = match chosen {
        Some(id) => Some(store.get_baseline(access, id).await?),
        None => None,
    };
    let phases = store.list_phases(access).await?;
    let milestones = store.list_milestones(access).await?;
    let today = today();
    // Every row is ordered; whole tasks are read for the window alone.
    let order = chart_order(&stored.tasks, &plan.phase_of, &phases);
    let total = order.len();
    let shown = from.min(total)..(from + WINDOW).min(total);
    let ids: Vec<Id> = order[shown.clone()].iter().map(|s| s.task_id).collect();
    let tasks = if ids.is_empty() {
        Vec::new()
    } else {
        let filter = TaskFilter {
            project: Some(project.key.clone()),
            ids: ids.clone(),
            limit: MAX_TASK_PAGE,
            ..Default::default()
        };
        store.list_tasks(scope, &filter).await?.tasks
    };
    let links = match plan.links.take() {
        Some(all) => all,
        None => store.links_among(access, &ids).await?,
    };
    let mut by_id: HashMap<Id, Task> = tasks.into_iter().map(|t| (t.id, t)).collect();
    let window: Vec<(Task, &TaskSchedule)> = order[shown.clone()]
        .iter()
        .filter_map(|s| by_id.remove(&s.task_id).map(|t| (t, *s)))
        .collect();
    let svg = draw(&Drawing {
        viewer: &viewer,
        window: &window,
        schedule: &stored.tasks,
        total,
        dependencies: &links,
        baseline: baseline.as_ref().map(|b| b.tasks.as_slice()).unwrap_or(&[]),
        phases: &phases,
        milestones: &milestones,
        calendar: &plan.calendar,
        today,
        zoom,
        width,
    });
    // The other windows, at the same zoom, width and baseline.
    let window_link = |start: usize| {
        let mut url = url_with(&query, &[("from", (start > 0).then(|| start.to_string()))]);
        url.insert_str(0, &viewer.url(&format!("/p/{}/timeline", project.key)));
        url
    };
    let critical = stored.critical_path.len();
    let zoom_link = |z: Zoom, label: &str, value: &str| {
        html! { a href=(viewer.url(&format!("/p/{}/timeline?zoom={value}", project.key))) aria-current=[(z == zoom).then_some("true")] { (label) } }
    };
    let content = html! {
        div.timeline-bar {
            nav.zoom aria-label="Zoom" { "Zoom: " (zoom_link(Zoom::Day, "Day", "day")) (zoom_link(Zoom::Week, "Week", "week")) (zoom_link(Zoom::Month, "Month", "month")) (zoom_link(Zoom::Fit, "Fit", "fit")) }
            p.muted {
                "Finish " strong { (stored.finish.format("%a %-d %b %Y")) } " · "
                (critical) " tasks on the critical path · "
                @match &baseline { Some(b) => { "baseline " (b.name) }, None => "no baseline saved" }
                @if viewer.can_write() { " · drag a bar (or focus it and press ← →) to move its start, its end (Shift+← →) to change its length, its ring onto another bar to link them" }
            }
            ul.legend aria-label="Legend" {
                li { span.sw.sw-bar {} "Task" } li { span.sw.sw-crit {} "Critical" } li { span.sw.sw-slack {} "Slack" }
                li { span.sw.sw-base {} "Baseline" } li { span.sw.sw-due {} "Due date" } li { span.sw.sw-today {} "Today" }
            }
        }
        (baselines_bar(&viewer, &project.key, &baselines, baseline.as_ref().map(|b| b.id), zoom_value(zoom)))
        (warnings(&stored.warnings))
        @if total > WINDOW {
            nav.windows aria-label="Rows of the timeline" {
                "Tasks " (shown.start + 1) "–" (shown.end) " of " (total) " "
                @if shown.start > 0 { a href=(window_link(shown.start.saturating_sub(WINDOW))) rel="prev" { "← Previous " (WINDOW) } " " }
                @if shown.end < total { a href=(window_link(shown.end)) rel="next" { "Next " ((total - shown.end).min(WINDOW)) " →" } }
            }
        }
        div.gantt-wrap tabindex="0" role="region" aria-label="Timeline chart" { (PreEscaped(svg)) }
    };
    Ok(page(
        &viewer,
        "Timeline",
        Section::Projects,
        Some(ProjectNav {
            key: &project.key,
            name: &project.name,
            archived: project.archived_at.is_some(),
            tab: Tab::Timeline,
        }),
        content,
    ))
}

fn zoom_value(zoom: Zoom) -> &'static str {
    match zoom {
        Zoom::Day => "day",
        Zoom::Week => "week",
        Zoom::Month => "month",
        Zoom::Fit => "fit",
    }
}

/// Baselines where the bars are: which one the bars are compared with
/// (applied as it is chosen), a new one saved from the schedule as it is,
/// and the one shown deleted. Saving and deleting come back here.
fn baselines_bar(
    viewer: &Viewer,
    key: &str,
    baselines: &[tandem_domain::Baseline],
    shown: Option<Id>,
    zoom: &str,
) -> Markup {
    let url = |rest: &str| viewer.url(&format!("/p/{key}{rest}"));
    html! {
        div.baselines {
            @if !baselines.is_empty() {
                form.filters method="get" action=(url("/timeline")) {
                    input type="hidden" name="zoom" value=(zoom);
                    label for="tl-baseline" { "Compare with baseline" }
                    select #tl-baseline name="baseline" {
                        @for b in baselines {
                            option value=(b.id) selected[shown == Some(b.id)] { (b.name) " (" (b.created_at.format("%-d %b %Y")) ")" }
                        }
                    }
                    noscript { button type="submit" { "Compare" } }
                }
            }
            @if viewer.can_write() {
                form.inline-form method="post" action=(url("/baselines")) {
                    input type="hidden" name="back" value="timeline";
                    label for="tl-baseline-name" { "New baseline" }
                    input #tl-baseline-name name="name" placeholder="e.g. Approved plan" required;
                    button type="submit" { "Save baseline" }
                }
                @if let Some(b) = shown.and_then(|id| baselines.iter().find(|b| b.id == id)) {
                    form.inline.confirm method="post" action=(url(&format!("/baselines/{}/delete", b.id)))
                        data-confirm={ "Delete the baseline " (b.name) "?" } {
                        input type="hidden" name="back" value="timeline";
                        button.link type="submit" { "Delete baseline " (b.name) }
                    }
                }
            }
        }
    }
}

/// Warnings the plan gives shown at most [`FEW_WARNINGS`] at a time: the
/// rest are counted and folded, as a plan of thousands of late tasks has
/// thousands of them (they were most of such a page's bytes).
const FEW_WARNINGS: usize = 20;

fn warnings(all: &[String]) -> Markup {
    html! {
        @match all.len() {
            0 => {},
            n if n <= 3 => { @for w in all { p.warning { (w) } } },
            n => {
                details.warning {
                    summary { (n) " warnings, the first: " (all[0]) }
                    ul {
                        @for w in all.iter().take(FEW_WARNINGS) { li { (w) } }
                    }
                    @if n > FEW_WARNINGS { p { "… and " (n - FEW_WARNINGS) " more." } }
                }
            },
        }
    }
}

/// What the chart needs of the whole plan: its schedule, each task's
/// phase (the rows' order), the links (the arrows; `None` where only the
/// window's are to be read) and the calendar.
struct PlanRead {
    project: tandem_domain::Project,
    access: tandem_store::ProjectAccess,
    schedule: std::sync::Arc<StoredSchedule>,
    phase_of: HashMap<Id, Option<Id>>,
    links: Option<Vec<tandem_domain::Link>>,
    calendar: tandem_schedule::Calendar,
}

/// The plan as the chart draws it. A current stored schedule (known from
/// the plan version, kept in memory by its fingerprint) spares reading
/// every task; else the plan is read and scheduled as the API does.
async fn read_plan(
    store: &dyn tandem_store::Store,
    scope: tandem_store::Scope,
    key: &str,
) -> Result<PlanRead, WebError> {
    let (project, access) = store.open_project(scope, key).await?;
    if let Some(schedule) = stored_if_current(store, scope, key, access).await? {
        let phase_of = store.task_phases(access).await?.into_iter().collect();
        let exceptions = store.list_calendar_exceptions(access).await?;
        let calendar = project.work_week.calendar(&exceptions);
        return Ok(PlanRead {
            project,
            access,
            schedule,
            phase_of,
            links: None,
            calendar,
        });
    }
    let (loaded, plan_tasks, schedule) =
        match current_schedule_with_plan_tasks(store, scope, key).await {
            Ok(found) => found,
            Err(ApiError::Cycle(keys)) => {
                return Err(WebError::Page(
                    axum::http::StatusCode::CONFLICT,
                    format!(
                        "The plan has a dependency cycle ({}); remove a link to see the timeline.",
                        keys.join(" → ")
                    ),
                ));
            }
            Err(e) => return Err(e.into()),
        };
    Ok(PlanRead {
        phase_of: plan_tasks.iter().map(|t| (t.id, t.phase_id)).collect(),
        calendar: loaded.planned.plan.calendar,
        links: Some(loaded.dependencies),
        project: loaded.project,
        access: loaded.access,
        schedule: std::sync::Arc::new(schedule),
    })
}

struct Drawing<'a> {
    viewer: &'a Viewer,
    /// The rows to draw, in order, with their tasks.
    window: &'a [(Task, &'a TaskSchedule)],
    /// Every row of the plan: its calendar and its critical tasks.
    schedule: &'a [TaskSchedule],
    /// How many task rows the plan has.
    total: usize,
    dependencies: &'a [tandem_domain::Link],
    baseline: &'a [tandem_domain::BaselineTask],
    phases: &'a [tandem_domain::Phase],
    milestones: &'a [tandem_domain::Milestone],
    /// The project's working time, which a resized bar's new length is
    /// counted in.
    calendar: &'a tandem_schedule::Calendar,
    today: NaiveDate,
    zoom: Zoom,
    /// The width to fill, in pixels: the chart is never narrower, and
    /// `Fit` puts the whole plan in it.
    width: f64,
}

/// One row of the chart.
enum Row<'a> {
    Phase(&'a str),
    Milestones,
    Task(&'a Task, &'a TaskSchedule),
}

/// The plan's rows in the chart's order (by phase, then early start),
/// each with its task's phase: every row is ordered, whichever are drawn.
fn chart_order<'a>(
    schedule: &'a [TaskSchedule],
    phase_of: &HashMap<Id, Option<Id>>,
    phases: &[tandem_domain::Phase],
) -> Vec<&'a TaskSchedule> {
    let phase_place: HashMap<Id, usize> =
        phases.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    // Each row's place worked out once, not at every comparison of the
    // sort (two hash lookups each, a quarter of a 20,000-row page).
    let mut keyed: Vec<((usize, NaiveDateTime, Id), &TaskSchedule)> = schedule
        .iter()
        .filter_map(|s| {
            let phase = phase_of.get(&s.task_id)?;
            let place = phase
                .and_then(|p| phase_place.get(&p).copied())
                .unwrap_or(usize::MAX);
            Some(((place, s.early_start, s.task_id), s))
        })
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, s)| s).collect()
}

/// The SVG of one window of task rows, written straight into a string
/// (every number formatted once; text escaped by `esc`). The calendar is
/// the whole plan's, so every window lines up with the others.
fn draw(d: &Drawing<'_>) -> String {
    let scheduled = d.window;
    let mut rows: Vec<Row> = Vec::with_capacity(scheduled.len() + d.phases.len() + 1);
    let dated_milestones: Vec<_> = d.milestones.iter().filter(|m| m.date.is_some()).collect();
    if !dated_milestones.is_empty() {
        rows.push(Row::Milestones);
    }
    let mut current_phase: Option<Option<Id>> = None;
    for (task, s) in scheduled {
        if current_phase != Some(task.phase_id) && !d.phases.is_empty() {
            current_phase = Some(task.phase_id);
            let name = task
                .phase_id
                .and_then(|p| d.phases.iter().find(|ph| ph.id == p))
                .map(|p| p.name.as_str())
                .unwrap_or("No phase");
            rows.push(Row::Phase(name));
        }
        rows.push(Row::Task(task, s));
    }
    let first = d
        .schedule
        .iter()
        .map(|s| s.early_start.date())
        .chain(dated_milestones.iter().filter_map(|m| m.date))
        .min()
        .unwrap_or(d.today)
        .min(d.today);
    let last = d
        .schedule
        .iter()
        .map(|s| s.late_finish.date().max(s.early_finish.date()))
        .chain(d.baseline.iter().map(|b| b.finish.date()))
        .chain(dated_milestones.iter().filter_map(|m| m.date))
        .max()
        .unwrap_or(d.today)
        .max(d.today);
    let origin = first - Days::new(u64::from(first.weekday().num_days_from_monday()) + 7);
    let mut end = last + Days::new(14);
    let span = (end - origin).num_days() as f64;
    let ppd = match d.zoom {
        Zoom::Fit => ((d.width - LABEL_WIDTH) / span).clamp(0.5, 32.0),
        zoom => zoom.pixels_per_day(),
    };
    let scale = Zoom::scale_of(ppd);
    // A short plan still fills the width: the calendar runs on.
    // Whole days that fit: never wider than the width asked, so the
    // browser shows no scroll bar for a chart that fits.
    let filled = ((d.width - LABEL_WIDTH) / ppd).floor();
    if filled > span {
        end = end + Days::new((filled - span) as u64);
    }
    let days = (end - origin).num_days() as f64;
    let width = LABEL_WIDTH + days * ppd;
    let height = HEADER + rows.len() as f64 * ROW + 8.0;
    // Whole pixels: an integral f64 prints without a fraction, through
    // the fast shortest-form path (fixed precision formatting was a tenth
    // of the time of a 2,000-task chart).
    let midnight = origin.and_hms_opt(0, 0, 0).unwrap_or_default();
    let x_of = |t: NaiveDateTime| -> f64 {
        (LABEL_WIDTH + (t - midnight).num_minutes() as f64 / 1440.0 * ppd).round()
    };
    let x_day = |day: NaiveDate| (LABEL_WIDTH + (day - origin).num_days() as f64 * ppd).round();
    let mut svg = String::with_capacity(rows.len() * 700 + d.dependencies.len() * 100 + 8192);
    // The names are a chart of their own beside the bars, so that they
    // stay in view (CSS `sticky`) while the bars scroll; the bars' chart
    // keeps the names' coordinates by starting its view at their width.
    let mut names = String::with_capacity(rows.len() * 200 + 512);
    let _ = write!(
        names,
        r#"<svg class="gantt-names" xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH}" height="{height}" role="group" aria-label="Tasks"><rect class="hdr" x="0" y="0" width="{LABEL_WIDTH}" height="{HEADER}"/>"#
    );
    // Which days have working time, one digit a day from the origin: what
    // a resized bar's new length is counted in by the script.
    let work: String = origin
        .iter_days()
        .take_while(|day| *day < end)
        .map(|day| {
            if d.calendar.periods(day).is_empty() {
                '0'
            } else {
                '1'
            }
        })
        .collect();
    let chart_width = width - LABEL_WIDTH;
    let _ = write!(
        svg,
        r#"<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="{chart_width}" height="{height}" viewBox="{LABEL_WIDTH} 0 {chart_width} {height}" role="group" aria-labelledby="gantt-title" data-ppd="{ppd}" data-origin="{origin}" data-work="{work}"><title id="gantt-title">Timeline: {n} tasks from {first} to {last}</title><defs><marker id="arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L6,3L0,6z"/></marker></defs>"#,
        n = d.total,
    );
    // Weekends, one rect filled with a week's pattern (the origin is a
    // Monday), then the calendar header. A rect a weekend was a tenth of
    // a long plan's page.
    if scale != Zoom::Month {
        let _ = write!(
            svg,
            r#"<defs><pattern id="wkends" patternUnits="userSpaceOnUse" x="{LABEL_WIDTH}" y="0" width="{week}" height="8"><rect class="wkend" x="{sat}" y="0" width="{two}" height="8"/></pattern></defs><rect fill="url(#wkends)" x="{LABEL_WIDTH}" y="{HEADER}" width="{chart_width}" height="{}"/>"#,
            height - HEADER,
            week = 7.0 * ppd,
            sat = 5.0 * ppd,
            two = 2.0 * ppd,
        );
    }
    let _ = write!(
        svg,
        r#"<rect class="hdr" x="0" y="0" width="{width}" height="{HEADER}"/>"#
    );
    // A line a day or a week, as one rect filled with its pattern.
    if scale != Zoom::Month {
        let period = if scale == Zoom::Day { ppd } else { 7.0 * ppd };
        let _ = write!(
            svg,
            r#"<defs><pattern id="gridlines" patternUnits="userSpaceOnUse" x="{LABEL_WIDTH}" y="0" width="{period}" height="8"><rect class="gridp" x="0" y="0" width="1" height="8"/></pattern></defs><rect fill="url(#gridlines)" x="{LABEL_WIDTH}" y="24" width="{chart_width}" height="{}"/>"#,
            height - 24.0,
        );
    }
    let mut day = origin;
    while day < end {
        let x = x_day(day);
        let label = match scale {
            Zoom::Day => Some((
                day.format("%-d").to_string(),
                day.day() == 1 || day == origin,
            )),
            Zoom::Week if day.weekday().num_days_from_monday() == 0 => {
                Some((day.format("%-d %b").to_string(), day.day() <= 7))
            }
            Zoom::Month if day.day() == 1 => {
                Some((day.format("%b %Y").to_string(), day.month() == 1))
            }
            _ => None,
        };
        if let Some((text, major)) = label {
            // Minor lines of days and weeks come from the pattern.
            if major || scale == Zoom::Month {
                let _ = write!(
                    svg,
                    r#"<line class="{}" x1="{x}" y1="{y0}" x2="{x}" y2="{height}"/>"#,
                    if major { "grid major" } else { "grid" },
                    y0 = if major { 0.0 } else { 24.0 }
                );
            }
            let _ = write!(
                svg,
                r#"<text class="tick" x="{}" y="36">{text}</text>"#,
                x + 2.0,
            );
        }
        // Every month is named where it begins, whatever weekday that is,
        // and the month the chart opens in where there is room before the
        // next one's name.
        let next_month = day.with_day(1).unwrap_or(day) + Months::new(1);
        let room = x_day(next_month) - x;
        let needs = if scale == Zoom::Month {
            MONTH_ROOM * 0.6
        } else {
            MONTH_ROOM
        };
        let named = day.day() == 1 || (day == origin && room >= needs);
        if named {
            let _ = match scale {
                Zoom::Month if day.day() != 1 => write!(
                    svg,
                    r#"<text class="tick" x="{}" y="36">{}</text>"#,
                    x + 2.0,
                    day.format("%b %Y")
                ),
                Zoom::Month => Ok(()),
                _ => write!(
                    svg,
                    r#"<text class="month" x="{}" y="16">{}</text>"#,
                    x + 2.0,
                    day.format("%B %Y")
                ),
            };
        }
        day = day + Days::new(1);
    }
    let mut place: HashMap<Id, (f64, f64, f64)> = HashMap::with_capacity(scheduled.len());
    let baseline: HashMap<Id, &tandem_domain::BaselineTask> =
        d.baseline.iter().map(|b| (b.task_id, b)).collect();
    let task_url = d.viewer.url("/t/");
    for (i, row) in rows.iter().enumerate() {
        let y = HEADER + i as f64 * ROW;
        match row {
            Row::Phase(name) => {
                let _ = write!(
                    svg,
                    r#"<rect class="phase" x="{LABEL_WIDTH}" y="{y}" width="{chart_width}" height="{ROW}"/>"#
                );
                let _ = write!(
                    names,
                    r#"<rect class="phase" x="0" y="{y}" width="{LABEL_WIDTH}" height="{ROW}"/><text class="phase-name" x="8" y="{}">{}</text>"#,
                    y + 16.0,
                    esc(name)
                );
            }
            Row::Milestones => {
                let _ = write!(
                    names,
                    r#"<text class="phase-name" x="8" y="{}">Milestones</text>"#,
                    y + 16.0
                );
                let mut by_date: Vec<_> = dated_milestones
                    .iter()
                    .filter_map(|m| Some((m.date?, m)))
                    .collect();
                by_date.sort_by_key(|(date, _)| *date);
                // A name that would run into the next one's diamond is left
                // to its tooltip.
                let mut free_from = f64::MIN;
                for (i, (date, m)) in by_date.iter().enumerate() {
                    let x = x_day(*date) + ppd;
                    let next = by_date
                        .get(i + 1)
                        .map_or(f64::MAX, |(d, _)| x_day(*d) + ppd);
                    let name = esc(&m.name);
                    let fits = x >= free_from
                        && x + 9.0 + 7.0 * m.name.chars().count() as f64 <= next - 8.0;
                    let _ = write!(
                        svg,
                        r#"<g class="pm"><title>{name}: {date}</title><path d="M{x},{}l7,7l-7,7l-7,-7z"/>"#,
                        y + 5.0,
                    );
                    if fits {
                        let _ = write!(
                            svg,
                            r#"<text x="{}" y="{}">{name}</text>"#,
                            x + 9.0,
                            y + 16.0
                        );
                        free_from = x + 9.0 + 7.0 * m.name.chars().count() as f64;
                    }
                    svg.push_str("</g>");
                }
            }
            Row::Task(task, s) => {
                let (x0, x1) = (x_of(s.early_start), x_of(s.early_finish));
                let mid = y + ROW / 2.0;
                place.insert(task.id, (x0, x1, mid));
                let critical = if s.critical { " crit" } else { "" };
                let title = esc(&task.title);
                let _ = write!(
                    names,
                    r#"<a href="{task_url}{key}"><text class="label" x="8" y="{}"><tspan class="k">{key}</tspan> {}</text></a>"#,
                    y + 16.0,
                    truncate(&title, 44),
                    key = task.key
                );
                if let Some(b) = baseline.get(&task.id) {
                    let (b0, b1) = (x_of(b.start), x_of(b.finish));
                    let _ = write!(
                        svg,
                        r#"<rect class="base" x="{b0}" y="{}" width="{}" height="4"/>"#,
                        y + ROW - 6.0,
                        (b1 - b0).max(2.0)
                    );
                }
                if s.late_finish > s.early_finish && s.total_slack > 0 {
                    let _ = write!(
                        svg,
                        r#"<line class="slack" x1="{x1}" y1="{mid}" x2="{}" y2="{mid}"/>"#,
                        x_of(s.late_finish)
                    );
                }
                let (from, to) = (s.early_start.date(), s.early_finish.date());
                let tip = format!(
                    "{key} {title}: {} {} to {} {}, slack {} d{}{}",
                    from.day(),
                    MONTHS[from.month0() as usize],
                    to.day(),
                    MONTHS[to.month0() as usize],
                    tenths(s.total_slack as f64 / 480.0),
                    if s.critical { ", critical" } else { "" },
                    if task.scheduling == Scheduling::Dated {
                        ", dated: keeps its dates"
                    } else {
                        ""
                    },
                    key = task.key,
                );
                if s.milestone {
                    let _ = write!(
                        svg,
                        r#"<g class="ms{critical}" data-key="{key}"><title>{tip}</title><path d="M{x0},{}l7,7l-7,7l-7,-7z"/></g>"#,
                        y + 5.0,
                        key = task.key,
                    );
                } else if s.summary {
                    let _ = write!(
                        svg,
                        r#"<g class="sum"><title>{tip}</title><path d="M{x0},{}h{}v9l-4,-4h{}l-4,4z"/></g>"#,
                        y + 6.0,
                        (x1 - x0).max(8.0),
                        -(x1 - x0).max(8.0) + 8.0
                    );
                } else {
                    let w = (x1 - x0).max(3.0);
                    let done = (w * task.percent_complete as f64 / 100.0).round();
                    let start = s.early_start.date();
                    let _ = write!(
                        svg,
                        r#"<g class="bar{critical}" tabindex="0" role="button" data-key="{key}" data-version="{v}" data-start="{start}" data-finish="{finish}" data-set-start="{set_start}" data-due="{due}" data-estimate="{estimate}" data-scheduling="{scheduling}"><title>{tip}</title><rect x="{x0}" y="{}" width="{w}" height="14" rx="3"/>"#,
                        y + 5.0,
                        key = task.key,
                        v = task.version,
                        finish = s.early_finish.date(),
                        set_start = task.start_date.map(|d| d.to_string()).unwrap_or_default(),
                        due = task.due_date.map(|d| d.to_string()).unwrap_or_default(),
                        scheduling = task.scheduling,
                        estimate = task
                            .estimate_days
                            .map(|e| e.to_string())
                            .unwrap_or_default(),
                    );
                    if done > 0.0 {
                        let _ = write!(
                            svg,
                            r#"<rect class="pct" x="{x0}" y="{}" width="{done}" height="4" rx="2"/>"#,
                            y + 15.0
                        );
                    }
                    // Grips for who may change the plan: the bar's end
                    // (drag to change its length) and a ring past it (drag
                    // to another bar to link them, finish to start).
                    // A short bar keeps most of its length for moving.
                    if d.viewer.can_write() {
                        let grip = (w / 3.0).clamp(2.0, 8.0).round();
                        let _ = write!(
                            svg,
                            r#"<rect class="grip" x="{}" y="{}" width="{grip}" height="14"/><circle class="link" cx="{}" cy="{mid}" r="4"/>"#,
                            x0 + w - (grip / 2.0).round(),
                            y + 5.0,
                            x0 + w + 8.0,
                        );
                    }
                    svg.push_str("</g>");
                }
                // The due date, at the end of its day: red where the
                // schedule finishes after it, or it has passed with the
                // work not done.
                if let Some(due) = task.due_date
                    && !s.summary
                {
                    let passed = due < d.today && !task.status.is_closed();
                    let late = if s.early_finish.date() > due || passed {
                        " late"
                    } else {
                        ""
                    };
                    let _ = write!(
                        svg,
                        r#"<g class="due{late}"><title>{key} due {} {}</title><path d="M{},{}v16l-4,-4h4"/></g>"#,
                        due.day(),
                        MONTHS[due.month0() as usize],
                        x_day(due) + ppd,
                        y + 4.0,
                        key = task.key,
                    );
                }
            }
        }
    }
    // Arrows once every bar's place is known.
    let critical_ids: std::collections::HashSet<Id> = d
        .schedule
        .iter()
        .filter(|s| s.critical)
        .map(|s| s.task_id)
        .collect();
    for dep in d.dependencies {
        let (Some(&(p0, p1, py)), Some(&(s0, s1, sy))) =
            (place.get(&dep.predecessor_id), place.get(&dep.successor_id))
        else {
            continue;
        };
        let (from, to) = match dep.kind {
            tandem_domain::DependencyKind::Fs => (p1, s0),
            tandem_domain::DependencyKind::Ss => (p0, s0),
            tandem_domain::DependencyKind::Ff => (p1, s1),
            tandem_domain::DependencyKind::Sf => (p0, s1),
        };
        let critical =
            critical_ids.contains(&dep.predecessor_id) && critical_ids.contains(&dep.successor_id);
        let bend = from + 5.0;
        let turn_y = if sy > py {
            sy - ROW / 2.0 + 2.0
        } else {
            sy + ROW / 2.0 - 2.0
        };
        let path = if to >= bend + 4.0 {
            format!("M{from},{py}H{bend}V{sy}H{to}")
        } else {
            format!("M{from},{py}H{bend}V{turn_y}H{}V{sy}H{to}", to - 8.0)
        };
        let _ = write!(
            svg,
            r#"<path class="dep{}" d="{path}" marker-end="url(#arrow)"/>"#,
            if critical { " crit" } else { "" }
        );
    }
    let tx = x_day(d.today) + ppd / 2.0;
    let _ = write!(
        svg,
        r#"<line class="today" x1="{tx}" y1="0" x2="{tx}" y2="{height}"><title>Today</title></line></svg>"#
    );
    let mut out = String::with_capacity(names.len() + svg.len() + 64);
    let _ = write!(out, r#"<div class="gantt-rows">{names}</svg>{svg}</div>"#);
    out
}

/// The page's query with `changes` made (`None` removes the parameter),
/// as `?a=1&b=2`, in a stable order.
fn url_with(query: &HashMap<String, String>, changes: &[(&str, Option<String>)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(name, _)| name == k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    pairs.extend(
        changes
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v))),
    );
    pairs.sort();
    if pairs.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", super::common::encode(v)))
        .collect();
    format!("?{}", joined.join("&"))
}

/// A number to one decimal, without fixed-precision float formatting.
fn tenths(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        // Never cut an entity in half.
        if let Some(amp) = cut.rfind('&')
            && !cut[amp..].contains(';')
        {
            cut.truncate(amp);
        }
        cut.push('…');
        cut
    }
}
