//! Milestones across projects in the web app: one timeline of every
//! milestone of the workspace or of a portfolio, each drawn at its planned
//! date and at the date the schedule gives it, with the dependencies
//! between projects' tasks drawn from milestone to milestone; below it,
//! the same as a table. The chart is SVG drawn here, readable without
//! JavaScript.

use std::collections::HashMap;

use axum::extract::{Query, State};
use chrono::{Datelike, Days, NaiveDate};
use maud::{Markup, html};
use tandem_domain::Id;
use tandem_usecases::milestones::{self, Entry};
use tandem_usecases::portfolios;

use super::Viewer;
use super::common::WebError;
use super::layout::{self, Section, page};
use super::my_work::today;
use crate::AppState;
use crate::handlers::milestones::portfolio_of;

const WIDTH: f64 = 1000.0;
const LABELS: f64 = 110.0;
const ROW: f64 = 34.0;
const TOP: f64 = 28.0;

/// `GET /w/{ws}/milestones[?portfolio=ID]`.
pub async fn milestones_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let portfolio = portfolio_of(&query)?;
    let timeline = milestones::across(store, scope, portfolio).await?;
    let all = portfolios::list(store, scope).await?;
    let today = today();
    let content = html! {
        form.inline-form method="get" action=(viewer.url("/milestones")) {
            label for="ms-portfolio" { "Projects" }
            select #ms-portfolio name="portfolio" {
                option value="" { "Every project" }
                @for s in &all {
                    option value=(s.portfolio.id) selected[portfolio == Some(s.portfolio.id)] { "Portfolio: " (s.portfolio.name) }
                }
            }
            button type="submit" { "Show" }
        }
        @if timeline.milestones.is_empty() {
            p.muted { "No milestones here yet: a project's milestones are set on its settings page." }
        } @else {
            (chart(&timeline, today))
            p.muted.legend { "◇ planned · ◆ scheduled (from the stored schedule) · arrows: dependencies between projects' tasks" }
            div.table-wrap tabindex="0" role="region" aria-label="Milestones table" {
                table.grid {
                    caption.visually-hidden { "Milestones by date" }
                    thead { tr { th scope="col" { "Project" } th scope="col" { "Milestone" } th scope="col" { "Planned" } th scope="col" { "Scheduled" } th scope="col" { "Slip" } } }
                    tbody {
                        @for e in &timeline.milestones {
                            tr {
                                td { a.key href=(viewer.url(&format!("/p/{}", e.project.key))) { (e.project.key) } }
                                td { (e.milestone.name) }
                                td { (layout::date(e.milestone.date, today)) }
                                td { (layout::date(e.scheduled, today)) }
                                td { @match e.slip_days() { Some(d) if d > 0 => { span.late { "+" (d) "\u{a0}d" } } Some(d) => { (d) "\u{a0}d" } None => { "—" } } }
                            }
                        }
                    }
                }
            }
        }
        @if !timeline.links.is_empty() {
            section aria-labelledby="h-cross" {
                h2 #h-cross { "Dependencies between projects" }
                ul.plain {
                    @for l in &timeline.links {
                        li {
                            a.key href=(viewer.url(&format!("/t/{}", l.predecessor.key))) { (l.predecessor.key) } " " (l.predecessor.title)
                            " → "
                            a.key href=(viewer.url(&format!("/t/{}", l.successor.key))) { (l.successor.key) } " " (l.successor.title)
                            " " span.muted { "(" (l.kind.as_str().to_uppercase()) ")" }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "Milestones across projects",
        Section::Portfolios,
        None,
        content,
    ))
}

/// The SVG timeline: a row per project, a mark per milestone.
fn chart(timeline: &milestones::Timeline, today: NaiveDate) -> Markup {
    let dates: Vec<NaiveDate> = timeline
        .milestones
        .iter()
        .flat_map(|e| [e.milestone.date, e.scheduled])
        .flatten()
        .collect();
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return html! {};
    };
    let start = first.checked_sub_days(Days::new(7)).unwrap_or(*first);
    let end = last.checked_add_days(Days::new(7)).unwrap_or(*last);
    let span = (end - start).num_days().max(1) as f64;
    let x = |d: NaiveDate| LABELS + (d - start).num_days() as f64 / span * (WIDTH - LABELS - 10.0);
    let mut rows: Vec<&str> = Vec::new();
    for e in &timeline.milestones {
        if !rows.contains(&e.project.key.as_str()) {
            rows.push(&e.project.key);
        }
    }
    rows.sort();
    let y =
        |key: &str| TOP + rows.iter().position(|k| *k == key).unwrap_or(0) as f64 * ROW + ROW / 2.0;
    let height = TOP + rows.len() as f64 * ROW + 8.0;
    // Where a milestone is drawn: scheduled, else planned.
    let at: HashMap<Id, (f64, f64)> = timeline
        .milestones
        .iter()
        .filter_map(|e| Some((e.milestone.id, (x(e.when()?), y(&e.project.key)))))
        .collect();
    let months: Vec<NaiveDate> = {
        let mut m = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
        let mut out = Vec::new();
        while m <= end {
            if m >= start {
                out.push(m);
            }
            m = m
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(end.succ_opt().unwrap_or(end));
        }
        out
    };
    let diamond = |cx: f64, cy: f64| format!("M{:.1} {:.1} l6 6 l-6 6 l-6 -6 z", cx, cy - 6.0);
    html! {
        div.milestone-chart {
            svg viewBox=(format!("0 0 {WIDTH} {height:.0}")) role="img" aria-labelledby="ms-chart-title" {
                title #ms-chart-title { "Milestones across " (rows.len()) @if rows.len() == 1 { " project" } @else { " projects" } ", planned and scheduled" }
                defs {
                    marker #arrow viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse" {
                        path d="M0 0 L10 5 L0 10 z" class="arrow-head" {}
                    }
                }
                @for m in &months {
                    line.month x1=(format!("{:.1}", x(*m))) x2=(format!("{:.1}", x(*m))) y1="18" y2=(format!("{height:.0}")) {}
                    text.month x=(format!("{:.1}", x(*m) + 3.0)) y="14" { (m.format("%b %Y")) }
                }
                @if today >= start && today <= end {
                    line.today x1=(format!("{:.1}", x(today))) x2=(format!("{:.1}", x(today))) y1="18" y2=(format!("{height:.0}")) {}
                }
                @for key in &rows {
                    text.project x="4" y=(format!("{:.1}", y(key) + 4.0)) { (key) }
                }
                @for e in &timeline.milestones {
                    (mark(e, &x, y(&e.project.key), &diamond))
                }
                @for l in &timeline.links {
                    @if let (Some(a), Some(b)) = (
                        l.predecessor_milestone.and_then(|m| at.get(&m)),
                        l.successor_milestone.and_then(|m| at.get(&m)),
                    ) {
                        path.cross d=(format!("M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}", a.0, a.1, a.0 + 40.0, a.1, b.0 - 40.0, b.1, b.0 - 7.0, b.1)) marker-end="url(#arrow)" {
                            title { (l.predecessor.key) " → " (l.successor.key) }
                        }
                    }
                }
            }
        }
    }
}

fn mark(
    e: &Entry,
    x: &dyn Fn(NaiveDate) -> f64,
    y: f64,
    diamond: &dyn Fn(f64, f64) -> String,
) -> Markup {
    let late = e.slip_days().is_some_and(|d| d > 0);
    html! {
        g.milestone.late[late] {
            title {
                (e.project.key) ": " (e.milestone.name)
                @if let Some(d) = e.milestone.date { ", planned " (d) }
                @if let Some(d) = e.scheduled { ", scheduled " (d) }
            }
            @if let (Some(p), Some(s)) = (e.milestone.date, e.scheduled) {
                @if p != s { line.slip x1=(format!("{:.1}", x(p))) x2=(format!("{:.1}", x(s))) y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) {} }
            }
            @if let Some(p) = e.milestone.date { path.planned d=(diamond(x(p), y)) {} }
            @if let Some(s) = e.scheduled { path.scheduled d=(diamond(x(s), y)) {} }
        }
    }
}
