//! What-if scenarios in the pages: the plan page's list and the form that
//! branches one; a scenario's page, beside the plan (finishes, moved
//! tasks, both critical paths, milestones, hours), with the forms that
//! change a task or a link in it only, level it, apply it or discard it.
//! What the plan changed meanwhile is shown before applying. Every post
//! goes through the API's handlers.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{
    CreateCalendarException, CreateScenario, ForecastView, ScenarioLinkInput, ScenarioView,
    ScenarioWeekInput, UpdateTask,
};

use super::{Params, nav};
use crate::AppState;
use crate::extract::JsonBody;
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, answer, refused};
use crate::web::layout::{Section, Tab, page};

/// An amount in the workspace's currency, or a dash.
fn money(amount: Option<f64>) -> String {
    amount.map_or_else(|| "—".to_string(), |a| format!("{a:.2}"))
}

/// `2027-01-18T17:00` as people read it.
fn when(local: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
        .map(|t| t.format("%a %-d %b %Y %H:%M").to_string())
        .unwrap_or_else(|_| local.to_string())
}

fn encode(name: &str) -> String {
    crate::web::common::encode(name)
}

/// The plan page's section: the scenarios, and the form that branches one.
pub(super) fn section(viewer: &Viewer, project: &str, scenarios: &[ScenarioView]) -> Markup {
    let url = |rest: &str| viewer.url(&format!("/p/{project}{rest}"));
    html! {
        section.card-panel aria-labelledby="h-scenarios" {
            h2 #h-scenarios { "What-if scenarios" }
            p.muted { "A scenario branches the plan: change estimates, dates, owners, links, the calendar and levelling in it only, see its finish, critical path, milestones, hours and cost beside the plan's, then apply it or discard it." }
            @if scenarios.is_empty() { p.muted { "None yet." } }
            ul.rows {
                @for s in scenarios {
                    li {
                        a href=(url(&format!("/scenarios/{}", encode(&s.name)))) { strong { (s.name) } }
                        " " span.muted { (s.tasks.len()) " task(s), " (s.links.len()) " link(s), " (s.calendar.changes()) " calendar change(s)" }
                    }
                }
            }
            @if viewer.can_write() {
                form.inline-form method="post" action=(url("/scenarios")) {
                    label for="sc-name" { "Name" }
                    input #sc-name name="name" required maxlength="60" placeholder="Vendor two weeks late";
                    button.primary type="submit" { "Branch the plan" }
                }
            }
        }
    }
}

/// `GET /w/{ws}/p/{key}/scenarios/{name}`.
pub async fn scenario_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((ws, key, name)): Path<(String, String, String)>,
    Query(query): Params,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let (project, access) = store.open_project(viewer.ctx.scope, &key).await?;
    let c = match crate::scenarios::compare(store, viewer.ctx.scope, &key, &name).await {
        Ok(c) => c,
        // The plan closed a cycle with a link of the scenario's: the page
        // says so and offers the way out, rather than no page at all.
        Err(crate::error::ApiError::Cycle(keys)) => {
            let scenario = store.get_scenario(access, &name).await?;
            let view = crate::scenarios::scenario_view(&scenario);
            return Ok(cycle_page(&viewer, &project, &view, &keys));
        }
        Err(e) => return Err(e.into()),
    };
    let plan_exceptions = store.list_calendar_exceptions(access).await?;
    // Thousands of schedules: run when asked for, not on every visit.
    let forecast: Option<ForecastView> = match query.get("runs") {
        Some(runs) => {
            let mut asked = std::collections::HashMap::new();
            asked.insert("runs".to_string(), runs.clone());
            let axum::Json(view) = crate::handlers::scenarios::forecast_scenario(
                State(state.clone()),
                viewer.ctx.clone(),
                Path((ws, key.clone(), name.clone())),
                Query(asked),
            )
            .await?;
            Some(view)
        }
        None => None,
    };
    let base = format!("/p/{}/scenarios/{}", project.key, encode(&c.scenario.name));
    let url = |rest: &str| viewer.url(&format!("{base}{rest}"));
    let writes = viewer.can_write();
    let later = c.scenario_finish > c.plan_finish;
    let content = html! {
        div.settings.plan {
        section.card-panel aria-labelledby="h-scenario" {
            h2 #h-scenario { "Scenario: " (c.scenario.name) }
            p.muted { "The plan is untouched until the scenario is applied. " a href=(viewer.url(&format!("/p/{}/plan#h-scenarios", project.key))) { "All scenarios" } }
            dl.facts {
                dt { "Plan finishes" } dd { (when(&c.plan_finish)) }
                dt { "Scenario finishes" } dd { (when(&c.scenario_finish))
                    @if c.scenario_finish != c.plan_finish { " " span.muted { @if later { "(later)" } @else { "(sooner)" } } } }
                @if let Some(b) = &c.baseline_finish { dt { "Baseline finishes" } dd { (when(b)) } }
                @if c.plan_cost.is_some() || c.scenario_cost.is_some() {
                    dt { "Plan costs" } dd { (money(c.plan_cost)) }
                    dt { "Scenario costs" } dd { (money(c.scenario_cost))
                        @if let (Some(p), Some(s)) = (c.plan_cost, c.scenario_cost) { @if s != p { " " span.muted { "(" (format!("{:+.2}", s - p)) ")" } } } }
                    @if let Some(h) = c.scenario_uncosted_hours.filter(|h| *h > 0.0) {
                        dt { "Not costed" } dd { (h) " hours of the scenario's work (owners without a rate, or none)" }
                    }
                    @if let Some(b) = c.budget { dt { "Budget" } dd { (money(Some(b))) @if c.scenario_cost.is_some_and(|s| s > b) { " " span.late { "(the scenario costs more)" } } } }
                }
            }
            h3 { "What it changes" }
            @if c.scenario.tasks.is_empty() && c.scenario.links.is_empty() && c.scenario.calendar.changes() == 0 && c.scenario.lost.is_empty() { p.muted { "Nothing yet: change a task, a link or the calendar below." } }
            ul.rows {
                @for t in &c.scenario.tasks {
                    li { a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } " " (t.title) ": "
                        @for (i, (field, value)) in t.changes.iter().enumerate() { @if i > 0 { ", " } (field.replace('_', " ")) " " @if value.is_null() { "cleared" } @else { (value.to_string().trim_matches('"')) } } }
                }
                @for l in &c.scenario.links {
                    li { @if l.removed { "Without the link " } @else { "With the link " } (l.predecessor) " → " (l.successor) " (" (l.kind.as_str().to_uppercase()) @if l.lag_days != 0.0 { ", " (format!("{:+}", l.lag_days)) "d" } ")" }
                }
                @if let Some(week) = &c.scenario.calendar.work_week {
                    li { "Working week: " (week_words(week)) }
                }
                @if let Some(h) = c.scenario.calendar.hours_per_day {
                    li { "A day of estimate: " (h) " hours" }
                }
                @for e in &c.scenario.calendar.added {
                    li { "With " (e.name) " (" (e.start_date) @if e.end_date != e.start_date { " to " (e.end_date) } ", " @if e.hours.is_empty() { "no work" } @else { (e.hours) } ")" }
                }
                @for l in &c.scenario.lost {
                    li.late { (l.object) @if !l.fields.is_empty() { " (" (l.fields.iter().map(|f| f.replace('_', " ")).collect::<Vec<_>>().join(", ")) ")" } ": lost, deleted from the plan on " (l.deleted_at.format("%Y-%m-%d")) }
                }
                @for id in &c.scenario.calendar.removed {
                    li { "Without " (plan_exceptions.iter().find(|e| e.id == *id).map_or_else(|| format!("exception #{id}"), |e| e.name.clone())) }
                }
            }
            @if !c.conflicts.is_empty() {
                div.notice.warning role="status" #sc-conflicts {
                    p { strong { "Applying is refused: " } "the plan changed what the scenario changes, or no longer allows it. Change each in the scenario again, or discard the scenario." }
                    ul {
                        @for x in &c.conflicts {
                            li { @if x.kind == "link" { "The link " } (x.object) ": " (x.reason) }
                        }
                    }
                }
            }
        }
        section.card-panel aria-labelledby="h-moved" {
            h2 #h-moved { "Tasks that finish at another time " span.count { (c.moved_count) } }
            @if c.moved.is_empty() { p.muted { "None." } } @else {
                div.table-wrap tabindex="0" role="region" aria-label="Moved tasks" { table.grid {
                    thead { tr { th scope="col" { "Task" } th scope="col" { "Plan" } th scope="col" { "Scenario" } } }
                    tbody { @for m in &c.moved { tr { td { a.key href=(viewer.url(&format!("/t/{}", m.key))) { (m.key) } } td { (when(&m.plan_finish)) } td { (when(&m.scenario_finish)) } } } }
                } }
            }
            @for (id, said, shown, count) in [
                ("sc-new-warnings", "Warned of in the scenario, not in the plan", &c.new_warnings, c.new_warnings_count),
                ("sc-settled-warnings", "Warned of in the plan, settled in the scenario", &c.settled_warnings, c.settled_warnings_count),
            ] {
                @if count > 0 {
                    h3 #(id) { (said) " " span.count { (count) } }
                    ul.rows aria-labelledby=(id) {
                        @for w in shown { li { (w) } }
                        @if count > shown.len() { li.muted { "… and " (count - shown.len()) " more" } }
                    }
                }
            }
            h3 { "Critical path" }
            div.fields {
                div { h4 { "Plan" } @for chain in &c.plan_critical_chains { p { (chain.join(" → ")) } } }
                div { h4 { "Scenario" } @for chain in &c.scenario_critical_chains { p { (chain.join(" → ")) } } }
            }
            @if !c.milestones.is_empty() {
                div.table-wrap tabindex="0" role="region" aria-label="Milestones" { table.grid {
                    caption { "Milestones: when their work finishes" }
                    thead { tr { th scope="col" { "Milestone" } th scope="col" { "Dated" } th scope="col" { "Plan" } th scope="col" { "Scenario" } } }
                    tbody { @for m in &c.milestones { tr { td { (m.name) } td { @if let Some(d) = m.date { (d) } @else { "—" } }
                        td { (m.plan_work_finish.as_deref().map(when).unwrap_or_else(|| "—".into())) }
                        td { (m.scenario_work_finish.as_deref().map(when).unwrap_or_else(|| "—".into())) } } } }
                } }
            }
            @if !c.workload.is_empty() {
                div.table-wrap tabindex="0" role="region" aria-label="Open hours" { table.grid {
                    caption { "Open hours by person" }
                    thead { tr { th scope="col" { "Person" } th scope="col" { "Plan" } th scope="col" { "Scenario" } } }
                    tbody { @for w in &c.workload { tr { td { (w.person.name) } td { (w.plan_hours) } td { (w.scenario_hours) } } } }
                } }
            }
        }
        section.card-panel aria-labelledby="h-sc-forecast" {
            h2 #h-sc-forecast { "Forecast of the scenario" }
            @match &forecast {
                None => {
                    form.inline-form method="get" action=(url("")) {
                        input type="hidden" name="runs" value="2000";
                        button type="submit" { "Run 2,000 schedules" }
                    }
                }
                Some(f) => {
                    @if let Some(w) = &f.warning { p.late { (w) } }
                    dl.facts {
                        dt { "P50" } dd { (when(&f.finish.p50)) }
                        dt { "P80" } dd { (when(&f.finish.p80)) }
                        dt { "P95" } dd { (when(&f.finish.p95)) }
                    }
                    p.muted { (f.runs) " runs of the scenario's plan, each task's duration drawn from its three-point estimate." }
                }
            }
        }
        @if writes {
            section.card-panel aria-labelledby="h-change" {
                h2 #h-change { "Change a task in the scenario" }
                p.muted { "Fields left empty stay as they are." }
                form.stacked method="post" action=(url("/tasks")) {
                    div.fields {
                        div { label for="sc-task" { "Task key" } input #sc-task name="task" required placeholder={ (project.key) "-1" }; }
                        div { label for="sc-estimate" { "Estimate (working days)" } input #sc-estimate name="estimate_days" type="number" step="any" min="0"; }
                        div { label for="sc-start" { "Start" } input #sc-start name="start_date" type="date"; }
                        div { label for="sc-due" { "Due" } input #sc-due name="due_date" type="date"; }
                        div { label for="sc-owner" { "Owner's email" } input #sc-owner name="owner" type="email"; }
                    }
                    div { button.primary type="submit" { "Change in the scenario" } }
                }
                h3 { "A link" }
                form.stacked method="post" action=(url("/links")) {
                    div.fields {
                        div { label for="sc-pred" { "Predecessor" } input #sc-pred name="predecessor" required; }
                        div { label for="sc-succ" { "Successor" } input #sc-succ name="successor" required; }
                        div { label for="sc-type" { "Type" } select #sc-type name="type" { @for k in ["fs", "ss", "ff", "sf"] { option value=(k) { (k.to_uppercase()) } } } }
                        div { label for="sc-lag" { "Lag (working days)" } input #sc-lag name="lag_days" type="number" step="any" value="0"; }
                        div { label for="sc-removed" { input #sc-removed name="removed" type="checkbox" value="true"; " Take this link away instead" } }
                    }
                    div { button type="submit" { "Change in the scenario" } }
                }
            }
            section.card-panel aria-labelledby="h-sc-calendar" {
                h2 #h-sc-calendar { "Calendar in the scenario" }
                p.muted { "The working week and holidays the scenario's plan is scheduled on; the plan's calendar is untouched." }
                @let week = c.scenario.calendar.work_week.clone().unwrap_or_else(|| project.work_week.texts());
                @let hours = c.scenario.calendar.hours_per_day.unwrap_or(project.work_week.hours_per_day);
                form.stacked method="post" action=(url("/calendar/week")) {
                    div.fields {
                        @for (i, day) in DAY_NAMES.iter().enumerate() {
                            div { label for={ "sc-day-" (i) } { (day) } input id={ "sc-day-" (i) } name={ "day" (i) } value=(week[i]) placeholder="off"; }
                        }
                        div { label for="sc-hpd" { "Hours in a day of estimate" } input #sc-hpd name="hours_per_day" type="number" step="any" min="0.5" max="24" value=(hours); }
                    }
                    div { button type="submit" { "Set the week in the scenario" } }
                }
                @if c.scenario.calendar.work_week.is_some() || c.scenario.calendar.hours_per_day.is_some() {
                    form.inline method="post" action=(url("/calendar/week")) {
                        input type="hidden" name="plan_week" value="true";
                        button type="submit" { "The plan's week again" }
                    }
                }
                h3 { "Holidays and days of other hours" }
                @let added = &c.scenario.calendar.added;
                @let removed = &c.scenario.calendar.removed;
                @if plan_exceptions.is_empty() && added.is_empty() { p.muted { "None." } }
                ul.rows {
                    @for e in &plan_exceptions {
                        li {
                            @if removed.contains(&e.id) { s { (e.name) } " (taken away in the scenario) " }
                            @else { (e.name) " " span.muted { (e.start) @if e.end != e.start { " to " (e.end) } } " " }
                            form.inline method="post" action=(url(&format!("/calendar/exceptions/{}/{}", e.id, if removed.contains(&e.id) { "restore" } else { "delete" }))) {
                                button type="submit" { @if removed.contains(&e.id) { "Put back" } @else { "Take away in the scenario" } }
                            }
                        }
                    }
                    @for e in added {
                        li { (e.name) " " span.muted { (e.start_date) @if e.end_date != e.start_date { " to " (e.end_date) } " (the scenario's)" } " "
                            form.inline method="post" action=(url(&format!("/calendar/exceptions/{}/delete", e.id))) { button type="submit" { "Remove" } }
                        }
                    }
                }
                form.stacked method="post" action=(url("/calendar/exceptions")) {
                    div.fields {
                        div { label for="sc-ex-name" { "Name" } input #sc-ex-name name="name" required maxlength="200" placeholder="Offsite"; }
                        div { label for="sc-ex-from" { "From" } input #sc-ex-from name="start_date" type="date" required; }
                        div { label for="sc-ex-to" { "To" } input #sc-ex-to name="end_date" type="date"; }
                        div { label for="sc-ex-hours" { "Hours (empty: no work)" } input #sc-ex-hours name="hours" placeholder="09:00-13:00"; }
                    }
                    div { button type="submit" { "Add in the scenario" } }
                }
            }
            section.card-panel aria-labelledby="h-sc-level" {
                h2 #h-sc-level { "Levelling in the scenario" }
                p.muted { "Levels the scenario's plan by owner, around their time off and their work in the other active projects, as levelling the plan does; the delays change in the scenario only." }
                form.inline method="post" action=(url("/levelling")) {
                    button type="submit" { "Level the scenario" }
                }
                " "
                form.inline method="post" action=(url("/levelling/clear")) {
                    button type="submit" { "Clear levelling in the scenario" }
                }
            }
            section.card-panel aria-labelledby="h-apply" {
                h2 #h-apply { "Apply or discard" }
                p { "Applying writes these changes to the plan in one go; where the plan changed a field or link since the scenario changed it, that is named and nothing is written." }
                form.inline.confirm method="post" action=(url("/apply")) data-confirm={ "Apply " (c.scenario.name) " to the plan?" } {
                    input type="hidden" name="version" value=(c.scenario.version);
                    button.primary type="submit" { "Apply to the plan" }
                }
                " "
                form.inline.confirm method="post" action=(url("/delete")) data-confirm={ "Discard " (c.scenario.name) "?" } {
                    button.danger type="submit" { "Discard" }
                }
            }
        }
        }
    };
    Ok(page(
        &viewer,
        &c.scenario.name,
        Section::Projects,
        nav(&project, Tab::Plan),
        content,
    ))
}

const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A week's hours in words: "Mon 08:00-12:00 13:00-17:00, …, Sat off".
fn week_words(week: &[String]) -> String {
    DAY_NAMES
        .iter()
        .zip(week)
        .map(|(day, hours)| {
            format!(
                "{} {}",
                &day[..3],
                if hours.is_empty() { "off" } else { hours }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A scenario whose links and the plan's close a cycle: it cannot be
/// scheduled until a link is taken away, in it or in the plan.
fn cycle_page(
    viewer: &Viewer,
    project: &tandem_domain::Project,
    s: &ScenarioView,
    cycle: &[String],
) -> Markup {
    let base = format!("/p/{}/scenarios/{}", project.key, encode(&s.name));
    let url = |rest: &str| viewer.url(&format!("{base}{rest}"));
    let content = html! {
        div.settings.plan {
        section.card-panel aria-labelledby="h-scenario" {
            h2 #h-scenario { "Scenario: " (s.name) }
            div.warning role="status" {
                p { strong { "The scenario cannot be scheduled: " } "its links and the plan's close a cycle, " (cycle.join(" → ")) ". Take one of the scenario's links away below, or one of the plan's, or discard the scenario." }
            }
            h3 { "Its links" }
            ul.rows {
                @for l in &s.links {
                    li { @if l.removed { "Without the link " } @else { "With the link " } (l.predecessor) " → " (l.successor) " "
                        @if viewer.can_write() && !l.removed {
                            form.inline method="post" action=(url("/links")) {
                                input type="hidden" name="predecessor" value=(l.predecessor);
                                input type="hidden" name="successor" value=(l.successor);
                                input type="hidden" name="removed" value="true";
                                button type="submit" { "Take it out of the scenario" }
                            }
                        }
                    }
                }
            }
            @if viewer.can_write() {
                form.inline.confirm method="post" action=(url("/delete")) data-confirm={ "Discard " (s.name) "?" } {
                    button.danger type="submit" { "Discard" }
                }
            }
        }
        }
    };
    page(
        viewer,
        &s.name,
        Section::Projects,
        nav(project, Tab::Plan),
        content,
    )
}

/// `POST /w/{ws}/p/{key}/scenarios`: on to the new scenario.
pub async fn create_scenario(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let name = form.get("name").map(|n| n.trim().to_string());
    let to = match &name {
        Some(n) => viewer.url(&format!("/p/{key}/scenarios/{}", encode(n))),
        None => viewer.url(&format!("/p/{key}/plan")),
    };
    let result = crate::handlers::scenarios::create_scenario(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key)),
        JsonBody::new(CreateScenario { name }),
    )
    .await;
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/tasks`: the filled fields change the task in
/// the scenario.
pub async fn change_task(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let filled = |field: &str| form.get(field).map(str::trim).filter(|v| !v.is_empty());
    let mut errors = Vec::new();
    let estimate = match filled("estimate_days").map(str::parse::<f64>) {
        None => None,
        Some(Ok(days)) => Some(Some(days)),
        Some(Err(_)) => {
            errors.push(tandem_domain::FieldError::new(
                "estimate_days",
                "must be a number of days",
            ));
            None
        }
    };
    let date = |field: &str, errors: &mut Vec<tandem_domain::FieldError>| match filled(field)
        .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d"))
    {
        None => None,
        Some(Ok(d)) => Some(Some(d)),
        Some(Err(_)) => {
            errors.push(tandem_domain::FieldError::new(
                field,
                "must be a date, YYYY-MM-DD",
            ));
            None
        }
    };
    let start = date("start_date", &mut errors);
    let due = date("due_date", &mut errors);
    if !errors.is_empty() {
        return Err(refused(&headers, crate::error::ApiError::Invalid(errors)));
    }
    let patch = UpdateTask {
        estimate_days: estimate,
        start_date: start,
        due_date: due,
        owner: filled("owner").map(|o| Some(o.to_string())),
        ..Default::default()
    };
    let task = filled("task").unwrap_or_default().to_string();
    let to = viewer.url(&format!("/p/{key}/scenarios/{}", encode(&name)));
    let result = crate::handlers::scenarios::edit_task(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name, task)),
        JsonBody::new(patch),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/links`.
pub async fn change_link(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let filled = |field: &str| form.get(field).map(str::trim).filter(|v| !v.is_empty());
    let lag = match filled("lag_days").map(str::parse::<f64>) {
        None => None,
        Some(Ok(lag)) => Some(lag),
        Some(Err(_)) => {
            return Err(refused(
                &headers,
                crate::error::ApiError::field("lag_days", "must be a number of working days"),
            ));
        }
    };
    let kind = match filled("type").map(str::parse::<tandem_domain::DependencyKind>) {
        None => None,
        Some(Ok(kind)) => Some(kind),
        Some(Err(e)) => {
            return Err(refused(&headers, crate::error::ApiError::field("type", e)));
        }
    };
    let input = ScenarioLinkInput {
        predecessor: filled("predecessor").map(str::to_string),
        successor: filled("successor").map(str::to_string),
        kind,
        lag_days: lag,
        removed: Some(filled("removed") == Some("true")),
    };
    let to = viewer.url(&format!("/p/{key}/scenarios/{}", encode(&name)));
    let result = crate::handlers::scenarios::edit_link(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
        JsonBody::new(input),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/apply`: back to the plan page.
pub async fn apply_scenario(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    // Only what the page showed is applied.
    let if_match = crate::web::common::form_if_match(&viewer, &body)?;
    let to = viewer.url(&format!("/p/{key}/plan#h-scenarios"));
    let result = crate::handlers::scenarios::apply_scenario(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
        if_match,
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/delete`: back to the plan page.
pub async fn discard_scenario(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/p/{key}/plan#h-scenarios"));
    let result = crate::handlers::scenarios::discard_scenario(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/levelling`: the scenario levelled, back to it.
pub async fn level_scenario(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/p/{key}/scenarios/{}#h-scenario", encode(&name)));
    let result = crate::handlers::scenarios::level_scenario(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/levelling/clear`: back to the scenario.
pub async fn clear_scenario_levelling(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/p/{key}/scenarios/{}#h-scenario", encode(&name)));
    let result = crate::handlers::scenarios::clear_scenario_levelling(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/calendar/week`: the week's form, or
/// `plan_week` for the plan's again.
pub async fn change_week(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = if form.get("plan_week") == Some("true") {
        ScenarioWeekInput {
            work_week: Some(None),
            hours_per_day: None,
        }
    } else {
        let days = (0..7)
            .map(|i| {
                form.get(&format!("day{i}"))
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .collect();
        let hours = match form.get("hours_per_day").map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<f64>() {
                Ok(h) => Some(h),
                Err(_) => {
                    return Err(refused(
                        &headers,
                        crate::error::ApiError::field("hours_per_day", "must be a number of hours"),
                    ));
                }
            },
        };
        ScenarioWeekInput {
            work_week: Some(Some(days)),
            hours_per_day: hours,
        }
    };
    let to = viewer.url(&format!(
        "/p/{key}/scenarios/{}#h-sc-calendar",
        encode(&name)
    ));
    let result = crate::handlers::scenarios::edit_scenario_week(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
        JsonBody::new(input),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/calendar/exceptions`: a holiday or days of
/// other hours, in the scenario.
pub async fn add_exception(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let filled = |field: &str| form.get(field).map(str::trim).filter(|v| !v.is_empty());
    let date = |field: &str| -> Result<Option<chrono::NaiveDate>, WebError> {
        filled(field)
            .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d"))
            .transpose()
            .map_err(|_| {
                refused(
                    &headers,
                    crate::error::ApiError::field(field, "must be a date, YYYY-MM-DD"),
                )
            })
    };
    let input = CreateCalendarException {
        name: filled("name").map(str::to_string),
        start_date: date("start_date")?,
        end_date: date("end_date")?,
        hours: filled("hours").map(str::to_string),
    };
    let to = viewer.url(&format!(
        "/p/{key}/scenarios/{}#h-sc-calendar",
        encode(&name)
    ));
    let result = crate::handlers::scenarios::add_scenario_exception(
        State(state),
        viewer.ctx.clone(),
        Path((ws, key, name)),
        JsonBody::new(input),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST …/scenarios/{name}/calendar/exceptions/{id}/delete|restore`.
pub async fn change_exception(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, name, id, action)): Path<(String, String, String, String, String)>,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!(
        "/p/{key}/scenarios/{}#h-sc-calendar",
        encode(&name)
    ));
    let path = Path((ws, key, name, id));
    let result = match action.as_str() {
        "restore" => {
            crate::handlers::scenarios::restore_scenario_exception(
                State(state),
                viewer.ctx.clone(),
                path,
            )
            .await
        }
        "delete" => {
            crate::handlers::scenarios::remove_scenario_exception(
                State(state),
                viewer.ctx.clone(),
                path,
            )
            .await
        }
        _ => return Err(crate::error::ApiError::NotFound("page".into()).into()),
    }
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}
