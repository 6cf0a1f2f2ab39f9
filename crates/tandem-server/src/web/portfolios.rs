//! Portfolios in the web app: the list with a form for a new one, and a
//! portfolio's table (a row per project the viewer may open, sortable
//! and groupable, with totals) with its settings below. Every write is
//! the API's own handler, through `common::forward`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_domain::{Health, Id};
use tandem_store::UpdateOn;
use tandem_usecases::portfolios::{self, Row};

use super::Viewer;
use super::common::{Kind, WebError, forward};
use super::layout::{self, Section, page};
use super::my_work::today;
use super::status;
use crate::AppState;
use crate::extract::JsonBody;
use crate::handlers;

/// The fields of a portfolio's forms, as the API's `PortfolioInput`
/// names them.
const PORTFOLIO_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("owner", Kind::Optional),
    ("projects", Kind::Texts),
    ("portfolios", Kind::Numbers),
];

/// `GET /w/{ws}/portfolios`.
pub async fn portfolios_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let seen = portfolios::list(store, scope).await?;
    // Each portfolio's latest word (none for a guest: see
    // `status::history`).
    let mut latest = HashMap::new();
    for s in &seen {
        let id = s.portfolio.id;
        let last = tandem_usecases::status::history(store, scope, UpdateOn::Portfolio(id), None, 1)
            .await?
            .pop();
        latest.insert(id, last);
    }
    let today = today();
    let writer = viewer.can_write();
    let (members, projects) = if writer {
        (
            store.list_members(scope).await?,
            store.open_projects(scope).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let content = html! {
        p { a href=(viewer.url("/milestones")) { "Milestones across every project" } }
        @if seen.is_empty() { p.muted { "No portfolios yet: a portfolio gathers projects (and other portfolios) into one table of their health, progress and dates." } }
        @else {
            div.table-wrap tabindex="0" role="region" aria-label="Portfolios table" {
                table.grid {
                    caption.visually-hidden { "Portfolios" }
                    thead { tr { th scope="col" { "Portfolio" } th scope="col" { "Owner" } th scope="col" { "Projects" } th scope="col" { "Portfolios in it" } th scope="col" { "Latest update" } } }
                    tbody {
                        @for s in &seen {
                            tr {
                                td { a href=(viewer.url(&format!("/portfolios/{}", s.portfolio.id))) { (s.portfolio.name) } }
                                td { (layout::person(s.portfolio.owner.as_ref())) }
                                td { (s.projects.len()) }
                                td { @for (i, (_, name)) in s.children.iter().enumerate() { @if i > 0 { ", " } (name) } }
                                td {
                                    @match latest.get(&s.portfolio.id).and_then(Option::as_ref) {
                                        Some(u) => { (layout::health_badge(u.health)) " " (layout::date(Some(u.created_at.date_naive()), today)) }
                                        None => { span.muted { "none" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if writer {
            section aria-labelledby="h-new-portfolio" {
                h2 #h-new-portfolio { "New portfolio" }
                form.stacked method="post" action=(viewer.url("/portfolios")) {
                    (portfolio_fields(&viewer, None, &members, &projects, &seen, "nf"))
                    div { button.primary type="submit" { "Create portfolio" } }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "Portfolios",
        Section::Portfolios,
        None,
        content,
    ))
}

/// The fields of a portfolio's form: its name, owner, projects and the
/// portfolios it holds; `current` is the one edited, if any.
fn portfolio_fields(
    viewer: &Viewer,
    current: Option<&portfolios::Seen>,
    members: &[tandem_domain::Member],
    projects: &[(tandem_domain::Project, tandem_store::ProjectAccess)],
    all: &[portfolios::Seen],
    id: &str,
) -> Markup {
    let _ = viewer;
    let own = current.map(|c| &c.portfolio);
    let holds_project = |pid: Id| own.is_some_and(|p| p.project_ids.contains(&pid));
    let holds_portfolio = |fid: Id| own.is_some_and(|p| p.child_ids.contains(&fid));
    html! {
        label for={ (id) "-name" } { "Name" }
        input id={ (id) "-name" } name="name" required maxlength="200" value=[own.map(|p| p.name.as_str())];
        label for={ (id) "-owner" } { "Owner" }
        (crate::web::project::member_select(&format!("{id}-owner"), "owner", members, own.and_then(|p| p.owner.as_ref()).map(|o| o.email.as_str())))
        fieldset.picks {
            legend { "Projects" }
            @for (p, _) in projects.iter().filter(|(p, _)| p.archived_at.is_none() || holds_project(p.id)) {
                label.check { input type="checkbox" name="projects" value=(p.key) checked[holds_project(p.id)]; " " (p.key) " " span.muted { (p.name) } }
            }
        }
        @let others: Vec<_> = all.iter().filter(|s| own.is_none_or(|p| p.id != s.portfolio.id)).collect();
        @if !others.is_empty() {
            fieldset.picks {
                legend { "Portfolios it holds" }
                @for s in others {
                    label.check { input type="checkbox" name="portfolios" value=(s.portfolio.id) checked[holds_portfolio(s.portfolio.id)]; " " (s.portfolio.name) }
                }
            }
        }
    }
}

/// How the table may be ordered: a query value, its header, and the
/// direction (`aria-sort`) it is ordered in.
const SORTS: &[(&str, &str, &str)] = &[
    ("key", "Project", "ascending"),
    // Worst first.
    ("health", "Health", "descending"),
    ("progress", "Progress", "ascending"),
    ("target", "Target", "ascending"),
    ("finish", "Scheduled finish", "ascending"),
    // Latest first.
    ("slip", "Slip", "descending"),
];

fn sort_rows(rows: &mut [Row], by: &str) {
    match by {
        // Worst first.
        "health" => rows.sort_by_key(|r| std::cmp::Reverse(r.health.assessment.health)),
        "progress" => rows.sort_by(|a, b| {
            a.health
                .figures
                .progress
                .total_cmp(&b.health.figures.progress)
        }),
        "target" => rows.sort_by_key(|r| (r.project.target_date.is_none(), r.project.target_date)),
        "finish" => rows.sort_by_key(|r| {
            (
                r.health.figures.scheduled_finish.is_none(),
                r.health.figures.scheduled_finish,
            )
        }),
        // Most late first.
        "slip" => {
            rows.sort_by_key(|r| std::cmp::Reverse(r.health.figures.slip_days.unwrap_or(i64::MIN)))
        }
        _ => rows.sort_by(|a, b| a.project.key.cmp(&b.project.key)),
    }
}

/// What rows are grouped by: a query value and its label.
const GROUPS: &[(&str, &str)] = &[
    ("", "None"),
    ("health", "Health"),
    ("stage", "Stage"),
    ("status", "Status"),
    ("owner", "Owner"),
];

fn group_of(row: &Row, by: &str) -> String {
    match by {
        "health" => row.health.assessment.health.label().to_string(),
        "stage" => crate::web::project::stage_label(row.project.stage).to_string(),
        "status" => crate::web::project::project_status_label(row.project.status).to_string(),
        "owner" => row
            .project
            .owner
            .as_ref()
            .map_or("No owner".to_string(), |o| o.name.clone()),
        _ => String::new(),
    }
}

/// `GET /w/{ws}/portfolios/{id}`: the table, its totals and settings.
pub async fn portfolio_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, id)): Path<(String, i64)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let seen = portfolios::get(store, scope, id).await?;
    let (mut rows, totals) = handlers::portfolios::table(&state, &seen).await?;
    let sort = query.get("sort").map(String::as_str).unwrap_or("key");
    let group = query.get("group").map(String::as_str).unwrap_or("");
    sort_rows(&mut rows, sort);
    // Groups in the order their first row comes, rows sorted within.
    let mut groups: Vec<(String, Vec<&Row>)> = Vec::new();
    for row in &rows {
        let name = group_of(row, group);
        match groups.iter_mut().find(|(g, _)| *g == name) {
            Some((_, members)) => members.push(row),
            None => groups.push((name, vec![row])),
        }
    }
    let writer = viewer.can_write();
    let (members, projects, all) = if writer {
        (
            store.list_members(scope).await?,
            store.open_projects(scope).await?,
            portfolios::list(store, scope).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let today = today();
    let base = format!("/portfolios/{id}");
    let link = |s: &str, g: &str| {
        let mut q = vec![];
        if s != "key" {
            q.push(format!("sort={s}"));
        }
        if !g.is_empty() {
            q.push(format!("group={g}"));
        }
        viewer.url(&if q.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", q.join("&"))
        })
    };
    let count = |h: Health| {
        totals
            .by_health
            .iter()
            .find(|(x, _)| *x == h)
            .map_or(0, |(_, n)| *n)
    };
    let p = &seen.portfolio;
    let (proposal, _) = tandem_usecases::status::portfolio_assessment(&rows, totals.progress);
    let before: Option<Id> = query.get("before").and_then(|b| b.parse().ok());
    let updates = tandem_usecases::status::history(
        store,
        scope,
        UpdateOn::Portfolio(id),
        before,
        status::UPDATES_SHOWN + 1,
    )
    .await?;
    let content = html! {
        p.muted {
            "Owner: " (layout::person(p.owner.as_ref()))
            @if !seen.children.is_empty() {
                " · Holds "
                @for (i, (cid, name)) in seen.children.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(viewer.url(&format!("/portfolios/{cid}"))) { (name) }
                }
            }
        }
        p { a href=(viewer.url(&format!("/milestones?portfolio={id}"))) { "This portfolio's milestones on one timeline" } }
        section.card-panel.totals aria-label="Totals" {
            p {
                strong { (totals.projects) } @if totals.projects == 1 { " project · " } @else { " projects · " }
                strong { (format!("{:.0}%", totals.progress)) } " done (weighted by effort) · "
                (layout::health_badge(Health::OnTrack)) " " (count(Health::OnTrack)) " "
                (layout::health_badge(Health::AtRisk)) " " (count(Health::AtRisk)) " "
                (layout::health_badge(Health::OffTrack)) " " (count(Health::OffTrack))
                @if let Some(b) = totals.budget { " · budget " (format!("{b:.2}")) }
            }
        }
        nav.views aria-label="Group by" {
            "Group by: "
            @for (value, label) in GROUPS {
                a href=(link(sort, value)) aria-current=[(*value == group).then_some("true")] { (label) } " "
            }
        }
        @if rows.is_empty() { p.muted { "No project of this portfolio is yours to see, or it has none yet." } }
        @else {
            div.table-wrap tabindex="0" role="region" aria-label="Portfolio table" {
                table.grid.portfolio {
                    caption.visually-hidden { (p.name) ": its projects" }
                    thead {
                        tr {
                            @for (value, label, order) in SORTS.iter().take(1) {
                                th scope="col" aria-sort=[(sort == *value).then_some(*order)] { a href=(link(value, group)) { (label) } }
                            }
                            th scope="col" { "Owner" } th scope="col" { "Stage" } th scope="col" { "Status" }
                            @for (value, label, order) in SORTS.iter().skip(1) {
                                th scope="col" aria-sort=[(sort == *value).then_some(*order)] { a href=(link(value, group)) { (label) } }
                            }
                            th scope="col" { "Baseline slip" } th scope="col" { "Next milestone" } th scope="col" { "High risks" } th scope="col" { "Latest update" }
                        }
                    }
                    @for (name, members) in &groups {
                        tbody {
                            @if !group.is_empty() { tr.group { th scope="rowgroup" colspan="14" { (name) " " span.count { (members.len()) } } } }
                            @for r in members {
                                @let f = &r.health.figures;
                                tr {
                                    td { a.key href=(viewer.url(&format!("/p/{}", r.project.key))) { (r.project.key) } " " (r.project.name) }
                                    td { (layout::person(r.project.owner.as_ref())) }
                                    td { (crate::web::project::stage_label(r.project.stage)) }
                                    td { (crate::web::project::project_status_label(r.project.status)) }
                                    td { (layout::health_badge(r.health.assessment.health)) }
                                    td { (layout::progress(f.progress)) }
                                    td { (layout::date(r.project.target_date, today)) }
                                    td { (layout::date(f.scheduled_finish, today)) }
                                    td { @match f.slip_days { Some(d) if d > 0 => { span.late { "+" (d) "\u{a0}d" } } Some(d) => { (d) "\u{a0}d" } None => { "—" } } }
                                    td { @match f.baseline_slip_days { Some(d) => { (d) "\u{a0}d" } None => { "—" } } }
                                    td { @match &r.health.next_milestone { Some((n, d)) => { (n) " " (layout::date(Some(*d), today)) } None => { "—" } } }
                                    td { (r.health.high_risks) }
                                    td {
                                        @match &r.health.latest {
                                            Some(u) => { (layout::health_badge(u.health)) " " time datetime=(u.created_at.to_rfc3339()) { (u.created_at.format("%-d %b")) } }
                                            None => { span.muted { "none" } }
                                        }
                                        @if r.health.update_due { " " span.update-due { "due" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if scope.role.sees_all_projects() {
            (status::section(status::Updates {
                proposal: &proposal,
                reasons: true,
                action: writer.then(|| viewer.url(&format!("/portfolios/{id}/status-updates"))),
                due: None,
                updates: &updates,
                page: viewer.url(&base),
                discuss: viewer.url("/discuss"),
            }))
        }
        @if writer {
            details.portfolio-settings {
                summary { "Change this portfolio" }
                form.stacked method="post" action=(viewer.url(&format!("/portfolios/{id}"))) {
                    input type="hidden" name="version" value=(p.version);
                    (portfolio_fields(&viewer, Some(&seen), &members, &projects, &all, "ef"))
                    div { button.primary type="submit" { "Save" } }
                }
                form.confirm method="post" action=(viewer.url(&format!("/portfolios/{id}/delete"))) data-confirm={ "Delete the portfolio " (p.name) "? Its projects stay." } {
                    input type="hidden" name="version" value=(p.version);
                    button.danger type="submit" { "Delete portfolio" }
                }
            }
        }
    };
    Ok(page(&viewer, &p.name, Section::Portfolios, None, content))
}

/// `POST /w/{ws}/portfolios`.
pub async fn create_portfolio(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(_): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url("/portfolios");
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        PORTFOLIO_FIELDS,
        &to,
        |input: JsonBody<tandem_api::PortfolioInput>, _| async move {
            handlers::portfolios::create_portfolio(State(state), ctx, input).await
        },
    )
    .await
}

/// `POST /w/{ws}/portfolios/{id}`: the whole form, at the version shown.
pub async fn update_portfolio(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/portfolios/{id}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        PORTFOLIO_FIELDS,
        &to,
        |input: JsonBody<tandem_api::PortfolioInput>, if_match| async move {
            handlers::portfolios::update_portfolio(
                State(state),
                ctx,
                Path((ws, id)),
                if_match,
                input,
            )
            .await
        },
    )
    .await
}

/// `POST /w/{ws}/portfolios/{id}/delete`.
pub async fn delete_portfolio(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    // Deleted only at the version the page showed: a form without one
    // (not drawn by this page) deletes nothing.
    super::common::require_version(&viewer, &body)?;
    let to = viewer.url("/portfolios");
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[],
        &to,
        |_: JsonBody<serde_json::Value>, if_match| async move {
            handlers::portfolios::delete_portfolio(State(state), ctx, Path((ws, id)), if_match)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}
