//! The status updates section a project's overview, a portfolio's page
//! and a goal's page share: the due note, the form with Tandem's
//! proposal preselected (and, where the page does not list them already,
//! its reasons), and the history with each update's figures; and the
//! form's posts of all three.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_domain::health::{Assessment, StatusFigures};
use tandem_domain::{Health, Id, StatusUpdate};

use super::Viewer;
use super::common::{Kind, WebError, forward};
use super::layout;
use super::markdown;
use crate::extract::JsonBody;
use crate::handlers::status::Above;
use crate::{AppState, handlers};

/// Status updates a page shows before its "Older updates" link.
pub const UPDATES_SHOWN: usize = 5;

/// What the section shows.
pub struct Updates<'a> {
    /// Tandem's verdict now; its reasons are listed when `reasons`.
    pub proposal: &'a Assessment,
    pub reasons: bool,
    /// Where the form posts; no form when the viewer may not write.
    pub action: Option<String>,
    /// The note that an update is due, if one is.
    pub due: Option<Markup>,
    /// Newest first, at most one more than [`UPDATES_SHOWN`].
    pub updates: &'a [StatusUpdate],
    /// The page itself, for the "Older updates" link.
    pub page: String,
    /// The discussion page, `/w/{ws}/discuss`: each update links to its
    /// thread there.
    pub discuss: String,
}

pub fn section(s: Updates<'_>) -> Markup {
    let health = s.proposal.health;
    let older = (s.updates.len() > UPDATES_SHOWN).then(|| s.updates[UPDATES_SHOWN - 1].id);
    html! {
        section.card-panel.wide aria-labelledby="h-updates" {
            h2 #h-updates { "Status updates" }
            @if let Some(due) = &s.due { p.update-due { (due) } }
            @if s.reasons {
                p { "Tandem suggests " (layout::health_badge(health)) }
                @if !s.proposal.reasons.is_empty() {
                    ul.reasons { @for r in &s.proposal.reasons { li { (layout::health_badge(r.health)) " " (r.text) } } }
                }
            }
            @if let Some(action) = &s.action {
                form.status-update method="post" action=(action) {
                    fieldset {
                        legend { "Health" }
                        @for h in Health::ALL {
                            label.choice {
                                input type="radio" name="health" value=(h) checked[*h == health];
                                (h.label())
                                @if *h == health { span.muted { " (suggested)" } }
                            }
                        }
                    }
                    label for="status-text" { "What happened, what is next, what is in the way " span.muted { "(Markdown)" } }
                    textarea #status-text name="text" required maxlength="20000" rows="4" {}
                    button type="submit" { "Post update" }
                }
            }
            @if s.updates.is_empty() { p.muted { "Nothing posted yet." } }
            ol.updates {
                @for u in s.updates.iter().take(UPDATES_SHOWN) { (update(u, Some(&s.discuss))) }
            }
            @if let Some(older) = older {
                p { a href={ (s.page) "?before=" (older) "#h-updates" } { "Older updates" } }
            }
        }
    }
}

/// One update: its verdict, author and day, its text, the figures it
/// was written on, and a link to its comments when `discuss` names their
/// page.
pub fn update(u: &StatusUpdate, discuss: Option<&str>) -> Markup {
    html! {
        li.update {
            p {
                (layout::health_badge(u.health)) " "
                strong { (u.author.as_ref().map(|a| a.name.as_str()).unwrap_or("Someone")) } " "
                time datetime=(u.created_at.to_rfc3339()) { (u.created_at.format("%-d %b %Y")) }
            }
            div.update-text { (markdown::render(&u.text)) }
            p.muted.figures { (figures(&u.figures)) @if u.figures.derived_health != u.health { " · Tandem judged it " (u.figures.derived_health.label()) } }
            @if let Some(discuss) = discuss {
                p { a href={ (discuss) "?update=" (u.id) } { "Comments on this update" } }
            }
        }
    }
}

fn figures(f: &StatusFigures) -> String {
    let mut out = format!("{:.0}% done · finish ", f.progress);
    match f.scheduled_finish {
        Some(d) => out.push_str(&d.format("%-d %b %Y").to_string()),
        None => out.push_str("unscheduled"),
    }
    if let Some(slip) = f.slip_days.filter(|s| *s > 0) {
        out.push_str(&format!(" ({slip} days after target)"));
    }
    out.push_str(&format!(
        " · {} overdue · {} open risks",
        f.overdue_tasks, f.open_risks
    ));
    out
}

/// The due note of a project's updates, given its latest update's day
/// and its cadence in days.
pub fn due_note(
    latest: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
    cadence_days: i64,
) -> Markup {
    let every = match cadence_days {
        7 => "each week".to_string(),
        14 => "every two weeks".to_string(),
        1 => "each day".to_string(),
        n => format!("every {n} days"),
    };
    html! {
        @match latest {
            Some(day) => { "The latest update is from " (layout::date(Some(day), today)) ": one is due " (every) "." }
            None => { "No status update yet: one is due " (every) "." }
        }
    }
}

/// A status update's form post, handed to the API's handler `call`.
async fn post<Fut>(
    headers: HeaderMap,
    to: String,
    body: Bytes,
    call: impl FnOnce(JsonBody<tandem_api::StatusUpdateInput>) -> Fut,
) -> Result<Response, WebError>
where
    Fut: std::future::Future<Output = Result<Response, crate::error::ApiError>>,
{
    forward(
        &headers,
        &body,
        &[("health", Kind::Optional), ("text", Kind::Text)],
        &to,
        |input, _| call(input),
    )
    .await
}

/// `POST /w/{ws}/p/{key}/status-updates`: a health left as Tandem
/// suggests it is sent as chosen, one left out is the derived one.
pub async fn post_project_update(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/p/{key}#h-updates"));
    let ctx = viewer.ctx;
    post(headers, to, body, |input| async move {
        handlers::status::post_status_update(State(state), ctx, Path((ws, key)), input)
            .await
            .map(IntoResponse::into_response)
    })
    .await
}

/// `POST /w/{ws}/portfolios/{id}/status-updates`.
pub async fn post_portfolio_update(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, id)): Path<(String, Id)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/portfolios/{id}#h-updates"));
    let ctx = viewer.ctx;
    post(headers, to, body, |input| async move {
        handlers::status::post_above(&state, &ctx, Above::Portfolio(id), input)
            .await
            .map(IntoResponse::into_response)
    })
    .await
}

/// `POST /w/{ws}/goals/{id}/status-updates`.
pub async fn post_goal_update(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, id)): Path<(String, Id)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/goals/{id}#h-updates"));
    let ctx = viewer.ctx;
    post(headers, to, body, |input| async move {
        handlers::status::post_above(&state, &ctx, Above::Goal(id), input)
            .await
            .map(IntoResponse::into_response)
    })
    .await
}
