//! Reports in the web app: pick a project, portfolio or person and a
//! period; see burn-up, burn-down, throughput and cycle times as SVG
//! charts drawn here (readable without JavaScript, and printable), the
//! status report beside them, and download it as Markdown. The numbers
//! are the API's own (`handlers::reports::report_view`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::ReportView;
use tandem_usecases::portfolios;

use super::Viewer;
use super::common::WebError;
use super::layout::{self, Section, page};
use crate::AppState;
use crate::handlers::reports::report_view;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;

/// The query a report reads: the form's `of` (`project:KEY`,
/// `portfolio:ID`, `person:EMAIL`) becomes the API's own parameter.
fn api_query(query: &HashMap<String, String>) -> HashMap<String, String> {
    let mut q = query.clone();
    if let Some((kind, value)) = query.get("of").and_then(|of| of.split_once(':')) {
        q.insert(kind.to_string(), value.to_string());
    }
    q.remove("of");
    q
}

/// `GET /w/{ws}/reports`.
pub async fn reports_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let q = api_query(&query);
    let asked = ["project", "portfolio", "person"]
        .iter()
        .any(|k| q.get(*k).is_some_and(|v| !v.trim().is_empty()));
    let report = if asked {
        Some(report_view(&state, &viewer.ctx, &q).await?)
    } else {
        None
    };
    let projects = store.open_projects(scope).await?;
    let all = portfolios::list(store, scope).await?;
    let members = store.list_members(scope).await?;
    let chosen = |kind: &str, value: &str| q.get(kind).is_some_and(|v| v == value);
    let markdown_link = {
        let pairs: Vec<String> = q
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        viewer.url(&format!("/reports.md?{}", pairs.join("&")))
    };
    let content = html! {
        form.inline-form.report-form method="get" action=(viewer.url("/reports")) {
            label for="r-of" { "Report on" }
            select #r-of name="of" required {
                option value="" { "—" }
                optgroup label="Projects" {
                    @for (p, _) in &projects { option value={ "project:" (p.key) } selected[chosen("project", &p.key)] { (p.key) " " (p.name) } }
                }
                @if !all.is_empty() {
                    optgroup label="Portfolios" {
                        @for s in &all { option value={ "portfolio:" (s.portfolio.id) } selected[chosen("portfolio", &s.portfolio.id.to_string())] { (s.portfolio.name) } }
                    }
                }
                optgroup label="People" {
                    @for m in &members { option value={ "person:" (m.user.email) } selected[chosen("person", &m.user.email)] { (m.user.name) } }
                }
            }
            label for="r-from" { "From" }
            input #r-from name="from" type="date" value=[report.as_ref().map(|r| r.from)];
            label for="r-to" { "To" }
            input #r-to name="to" type="date" value=[report.as_ref().map(|r| r.to)];
            button type="submit" { "Show" }
        }
        @match &report {
            None => { p.muted { "Pick a project, a portfolio or a person: the report shows how scope and done work moved week by week, how many tasks were done each week, and how long tasks took from in progress to done." } }
            Some(r) => { (report_body(r, &markdown_link)) }
        }
    };
    Ok(page(&viewer, "Reports", Section::Reports, None, content))
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// "1 task", "3 tasks".
fn tasks(n: usize) -> String {
    if n == 1 {
        "1 task".into()
    } else {
        format!("{n} tasks")
    }
}

fn report_body(r: &ReportView, markdown: &str) -> Markup {
    let labels: Vec<String> = r
        .weeks
        .iter()
        .map(|w| w.start.format("%-d %b").to_string())
        .collect();
    let last = r.weeks.last();
    let c = &r.cycle_time;
    let days = |d: Option<i64>| d.map_or("—".to_string(), |d| format!("{d} d"));
    html! {
        section.status-report aria-labelledby="h-report" {
            h2 #h-report { "Status report: " (r.subject) }
            p.muted { (r.from) " to " (r.to) " · " a href=(markdown) download { "Download as Markdown" } }
            @if let Some(h) = &r.health {
                p { "Health: " (layout::health_badge(h.health)) }
                ul.reasons { @for reason in &h.reasons { li { (reason.text) } } }
                @if let Some(u) = &h.latest_update {
                    p { "Latest update, " (u.created_at.format("%-d %b %Y")) ", " (u.health.label().to_lowercase()) ":" }
                    div.update-text { (super::markdown::render(&u.text)) }
                }
            }
            @if let Some(w) = last {
                dl.facts {
                    dt { "Scope" } dd { (tasks(w.scope_tasks)) ", " (format!("{:.0}", w.scope_hours)) " h" }
                    dt { "Done" } dd { (tasks(w.done_tasks)) ", " (format!("{:.0}", w.done_hours)) " h" }
                    dt { "Remaining" } dd { (tasks(w.remaining_tasks)) ", " (format!("{:.0}", w.remaining_hours)) " h" }
                    dt { "Done in the period" } dd { (tasks(r.done_in_period)) }
                    dt { "Cycle time" } dd { "median " (days(c.median_days)) ", 85th percentile " (days(c.p85_days)) " (" (tasks(c.tasks)) "; " (c.never_started) " done without being in progress)" }
                }
            }
        }
        div.report-charts {
            (line_chart("Burn-up: tasks in scope and done", "burnup", &labels, &[
                ("Scope", "s-scope", r.weeks.iter().map(|w| w.scope_tasks as f64).collect()),
                ("Done", "s-done", r.weeks.iter().map(|w| w.done_tasks as f64).collect()),
            ]))
            (line_chart("Burn-up by effort: hours in scope and done", "burnup-hours", &labels, &[
                ("Scope", "s-scope", r.weeks.iter().map(|w| w.scope_hours).collect()),
                ("Done", "s-done", r.weeks.iter().map(|w| w.done_hours).collect()),
            ]))
            (line_chart("Burn-down: tasks remaining", "burndown", &labels, &[
                ("Tasks", "s-scope", r.weeks.iter().map(|w| w.remaining_tasks as f64).collect()),
            ]))
            (line_chart("Burn-down by effort: hours remaining", "burndown-hours", &labels, &[
                ("Hours", "s-scope", r.weeks.iter().map(|w| w.remaining_hours).collect()),
            ]))
            (bar_chart("Throughput: tasks done each week", "throughput", &labels, &r.weeks.iter().map(|w| w.throughput as f64).collect::<Vec<_>>()))
            (bar_chart("Cycle time: tasks by days from in progress to done", "cycle", &c.buckets.iter().map(|b| b.label.clone()).collect::<Vec<_>>(), &c.buckets.iter().map(|b| b.count as f64).collect::<Vec<_>>()))
        }
        div.table-wrap tabindex="0" role="region" aria-label="Weeks table" {
            table.grid {
                caption { "Week by week" }
                thead { tr { th scope="col" { "Week of" } th scope="col" { "Scope" } th scope="col" { "Done" } th scope="col" { "Remaining" } th scope="col" { "Remaining hours" } th scope="col" { "Done that week" } } }
                tbody {
                    @for w in &r.weeks {
                        tr { td { (w.start) } td { (w.scope_tasks) } td { (w.done_tasks) } td { (w.remaining_tasks) } td { (format!("{:.1}", w.remaining_hours)) } td { (w.throughput) } }
                    }
                }
            }
        }
    }
}

/// A scale's top: the largest value rounded up to a round number.
fn top_of(values: impl Iterator<Item = f64>) -> f64 {
    let max = values.fold(0.0f64, f64::max);
    if max <= 2.0 {
        return 2.0;
    }
    let step = 10f64.powf(max.log10().floor());
    // An even number of steps, so the middle line is a whole number too.
    let steps = (max / step).ceil();
    (steps + steps % 2.0) * step
}

fn axes(top: f64, labels: &[String], x: &dyn Fn(usize) -> f64) -> Markup {
    let every = labels.len().div_ceil(8).max(1);
    html! {
        line.axis x1=(LEFT) x2=(W) y1=(H - BOTTOM) y2=(H - BOTTOM) {}
        line.axis x1=(LEFT) x2=(LEFT) y1="8" y2=(H - BOTTOM) {}
        @for frac in [0.0, 0.5, 1.0] {
            @let y = (H - BOTTOM) - frac * (H - BOTTOM - 8.0);
            line.grid x1=(LEFT) x2=(W) y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) {}
            text.tick x=(LEFT - 4.0) y=(format!("{:.1}", y + 4.0)) text-anchor="end" { (format!("{}", (top * frac).round())) }
        }
        @for (i, l) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
            text.tick x=(format!("{:.1}", x(i))) y=(H - 10.0) text-anchor="middle" { (l) }
        }
    }
}

fn line_chart(
    title: &str,
    id: &str,
    labels: &[String],
    series: &[(&str, &str, Vec<f64>)],
) -> Markup {
    let top = top_of(series.iter().flat_map(|(_, _, v)| v.iter().copied()));
    let n = labels.len().max(2);
    let x = move |i: usize| LEFT + 8.0 + i as f64 / (n - 1) as f64 * (W - LEFT - 16.0);
    let y = move |v: f64| (H - BOTTOM) - v / top * (H - BOTTOM - 8.0);
    html! {
        figure.chart {
            figcaption #{ "c-" (id) } { (title) }
            svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-labelledby={ "c-" (id) } {
                (axes(top, labels, &x))
                @for (name, class, values) in series {
                    polyline class={ "series " (class) } points=(values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ")) {
                        title { (name) }
                    }
                }
            }
            p.chart-legend {
                @for (name, class, values) in series {
                    span class={ "legend-key " (class) } { (name) ": " (values.last().map(|v| format!("{v:.0}")).unwrap_or_default()) } " "
                }
            }
        }
    }
}

fn bar_chart(title: &str, id: &str, labels: &[String], values: &[f64]) -> Markup {
    let top = top_of(values.iter().copied());
    let n = values.len().max(1);
    let slot = (W - LEFT - 8.0) / n as f64;
    let x = move |i: usize| LEFT + 4.0 + slot * (i as f64 + 0.5);
    let y = move |v: f64| (H - BOTTOM) - v / top * (H - BOTTOM - 8.0);
    html! {
        figure.chart {
            figcaption #{ "c-" (id) } { (title) }
            svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-labelledby={ "c-" (id) } {
                (axes(top, labels, &x))
                @for (i, v) in values.iter().enumerate() {
                    rect.bar x=(format!("{:.1}", x(i) - slot * 0.35)) y=(format!("{:.1}", y(*v))) width=(format!("{:.1}", slot * 0.7)) height=(format!("{:.1}", (H - BOTTOM) - y(*v))) {
                        title { (labels.get(i).map(String::as_str).unwrap_or("")) ": " (v) }
                    }
                }
            }
        }
    }
}

/// `GET /w/{ws}/reports.md`: the status report as a Markdown file.
pub async fn report_markdown(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let report = report_view(&state, &viewer.ctx, &api_query(&query)).await?;
    let name: String = report
        .subject
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"status-{name}-{}.md\"", report.to),
            ),
        ],
        report.markdown(),
    )
        .into_response())
}
