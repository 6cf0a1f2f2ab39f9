//! A project's plan lint page: each finding with the objects it is about,
//! why it matters and its fix (a button where Tandem can make it), and
//! the project's rules, each switched on or off here. The overview shows
//! the findings in brief ([`summary`]). The findings are
//! `crate::lint`'s, the same the API answers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::LintSwitch;
use tandem_domain::lint::{Finding, LintObject, LintRule, Severity};

use super::nav;
use crate::AppState;
use crate::extract::JsonBody;
use crate::lint::{Linted, lint_project};
use crate::web::Viewer;
use crate::web::common::{FormPairs, WebError, answer};
use crate::web::layout::{Section, Tab, page};

pub async fn lint_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let linted = lint_project(state.store.as_ref(), viewer.ctx.scope, &key).await?;
    let project = &linted.project;
    let url = |path: &str| viewer.url(&format!("/p/{}/lint{path}", project.key));
    let writer = viewer.can_write();
    let content = html! {
        section.card-panel aria-labelledby="h-findings" {
            h2 #h-findings { "Findings" }
            @if linted.findings.is_empty() {
                p { "Nothing to say about this plan." }
            }
            ol.plain.findings {
                @for f in &linted.findings {
                    li.finding {
                        p { (badge(f.severity)) " " code { (f.rule.as_str()) } " " strong { (f.message) } }
                        (objects(&viewer, f))
                        p.muted { (f.why) }
                        @if let Some(fix) = &f.fix { p { "Fix: " (fix) } }
                        @if writer {
                            div.actions {
                                @if f.action.is_some() {
                                    form.inline method="post" action=(url(&format!("/{}/fix", f.rule))) {
                                        button.primary type="submit" { "Fix it" }
                                    }
                                }
                                form.inline method="post" action=(url(&format!("/rules/{}", f.rule))) {
                                    input type="hidden" name="on" value="false";
                                    button type="submit" { "Switch " (f.rule.as_str()) " off for this project" }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card-panel aria-labelledby="h-rules" {
            h2 #h-rules { "Rules" }
            table.rules {
                thead { tr { th scope="col" { "Rule" } th scope="col" { "Why" } th scope="col" { "Here" } } }
                tbody {
                    @for rule in LintRule::ALL {
                        @let on = !linted.off.contains(rule);
                        tr {
                            td { code { (rule.as_str()) } }
                            td { (rule.why()) }
                            td {
                                @if on { "On" } @else { strong { "Off" } }
                                @if writer {
                                    " "
                                    form.inline method="post" action=(url(&format!("/rules/{rule}"))) {
                                        input type="hidden" name="on" value=(if on { "false" } else { "true" });
                                        button type="submit" aria-label={ (if on { "Switch off " } else { "Switch on " }) (rule.as_str()) } { (if on { "Switch off" } else { "Switch on" }) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "Plan lint",
        Section::Projects,
        nav(project, Tab::Lint),
        content,
    ))
}

/// The findings in brief, for the overview: rule, severity and what was
/// found, with the lint page for the rest.
pub(super) fn summary(viewer: &Viewer, linted: &Linted) -> Markup {
    let key = &linted.project.key;
    html! {
        section.card-panel aria-labelledby="h-lint" {
            h2 #h-lint { "Plan lint" }
            @if linted.findings.is_empty() {
                p.muted { "Nothing to say about this plan." }
            }
            ul.plain {
                @for f in linted.findings.iter().take(6) {
                    li { (badge(f.severity)) " " code { (f.rule.as_str()) } " " (f.message) }
                }
            }
            p { a href=(viewer.url(&format!("/p/{key}/lint"))) {
                @if linted.findings.len() > 6 { "All " (linted.findings.len()) " findings, why and how to fix them" }
                @else { "Why, how to fix, and the rules" }
            } }
        }
    }
}

fn badge(severity: Severity) -> Markup {
    html! { span class={ "badge sev-" (severity.as_str()) } { (severity.as_str()) } }
}

fn objects(viewer: &Viewer, f: &Finding) -> Markup {
    let shown: Vec<&LintObject> = f.objects.iter().filter(|o| o.kind != "project").collect();
    if shown.is_empty() {
        return html! {};
    }
    let more = f.count.saturating_sub(f.objects.len());
    html! {
        p {
            @for (i, o) in shown.iter().enumerate() {
                @if i > 0 { ", " }
                @match (o.kind.as_str(), &o.key) {
                    ("task", Some(key)) => { a.key href=(viewer.url(&format!("/t/{key}"))) { (key) } }
                    _ => { span { (o.kind) " " (o.name.as_deref().unwrap_or("")) } }
                }
            }
            @if more > 0 { " and " (more) " more" }
        }
    }
}

/// Switches a rule on or off (the form's `on`), back to the lint page.
pub async fn switch_lint_rule(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, rule)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let on = match form.get("on") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(WebError::Invalid(vec![tandem_domain::FieldError::new(
                "on",
                "must be true or false",
            )]));
        }
    };
    let result = crate::handlers::lint::switch_rule(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key.clone(), rule)),
        JsonBody::new(LintSwitch { on }),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url(&format!("/p/{key}/lint")))
}

/// Makes a finding's fix, back to the lint page.
pub async fn fix_lint_finding(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, rule)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::lint::fix_finding(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key.clone(), rule)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url(&format!("/p/{key}/lint")))
}
