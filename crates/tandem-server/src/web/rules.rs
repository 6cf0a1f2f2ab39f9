//! The automation page: the workspace's rules in words with their latest
//! runs, each turned off or on or deleted, and the form that makes one in
//! plain words (when / if / then) with a dry run before saving. Each
//! form goes through the API's own handler.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde_json::json;
use tandem_api::{DryRunView, RuleInput};

use super::Viewer;
use super::common::{FormPairs, WebError, answer, refused};
use super::layout::{Section, page};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::JsonBody;

/// Runs shown under each rule.
const RUNS: usize = 5;

/// The form's fields as the API's input: `if` and `then` a line each.
fn rule_input(form: &FormPairs) -> Result<JsonBody<RuleInput>, ApiError> {
    let lines = |name: &str| -> Vec<String> {
        form.get(name)
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let project = form.get("project").map(str::trim).filter(|p| !p.is_empty());
    let body = json!({
        "name": form.get("name").unwrap_or("").trim(),
        "project": project,
        "when": form.get("when").unwrap_or("").trim(),
        "if": lines("if"),
        "then": lines("then"),
    });
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    crate::extract::parse_collecting(&bytes)
        .map(|(value, errors)| JsonBody::from_parts(value, errors))
}

pub async fn rules_page(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, WebError> {
    draw(&state, &viewer, None, None).await
}

async fn draw(
    state: &AppState,
    viewer: &Viewer,
    form: Option<&FormPairs>,
    dry: Option<DryRunView>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let rules = store.list_rules(scope).await?;
    let mut runs = Vec::with_capacity(rules.len());
    for rule in &rules {
        let mut of = store.rule_runs(scope, rule.id).await?;
        of.truncate(RUNS);
        runs.push(of);
    }
    let projects = store.project_keys(scope).await?;
    let value = |name: &str| form.and_then(|f| f.get(name)).unwrap_or("").to_string();
    let writes = viewer.can_write();
    let content = html! {
        div.settings {
        @if writes {
            section.card-panel aria-labelledby="h-new-rule" {
                h2 #h-new-rule { "Make a rule" }
                p.muted {
                    "When something happens to a task (or on the clock), if the task's fields hold, do something. "
                    "A rule's changes are in the history under its name; a rule never reacts to its own change, "
                    "and a chain of rules setting each other off stops after three."
                }
                form.stacked method="post" action=(viewer.url("/rules")) {
                    label for="rule-name" { "Name" }
                    input #rule-name name="name" required maxlength="200" value=(value("name"));
                    label for="rule-project" { "Project " span.muted { "(none: every project; owners and admins)" } }
                    select #rule-project name="project" {
                        option value="" { "Every project" }
                        @for (_, key) in &projects { option value=(key) selected[value("project") == *key] { (key) } }
                    }
                    label for="rule-when" { "When " span.muted { "(created, status=done, priority=urgent, owner set, phase=ID, due in 2 days, overdue, milestone reached, slip > 5 days, every monday)" } }
                    input #rule-when name="when" required value=(value("when")) placeholder="priority=urgent";
                    label for="rule-if" { "If " span.muted { "(a condition a line, all must hold: status!=done, tag=web, owner empty, title~launch)" } }
                    textarea #rule-if name="if" rows="2" { (value("if")) }
                    label for="rule-then" { "Then " span.muted { "(an action a line: owner=EMAIL, status=in_progress, due=+3, tag=hot, create task: TITLE, create task from TEMPLATE, create project PREFIX from TEMPLATE, request approval, comment: TEXT, notify owner, followers or EMAILS: TEXT, webhook ID)" } }
                    textarea #rule-then name="then" rows="3" required { (value("then")) }
                    div.actions {
                        button type="submit" { "Save rule" }
                        button type="submit" formaction=(viewer.url("/rules/dry-run")) { "Dry run" }
                    }
                }
                @if let Some(dry) = &dry {
                    section.dry-run aria-labelledby="h-dry" {
                        h3 #h-dry { "Dry run" }
                        p { (dry.note) }
                        @if dry.tasks.is_empty() { p.muted { "No task now." } }
                        ul {
                            @for t in &dry.tasks {
                                li { a href=(viewer.url(&format!("/t/{}", t.key))) { span.key { (t.key) } " " (t.title) } }
                            }
                        }
                        p { "It would " (dry.actions.join(", then ")) "." }
                    }
                }
            }
        }
        section.card-panel aria-labelledby="h-rules" {
            h2 #h-rules { "Rules " span.count { (rules.len()) } }
            @if rules.is_empty() { p.muted { "None yet." } }
            @for (rule, runs) in rules.iter().zip(&runs) {
                @let view = tandem_api::RuleView::from(rule.clone());
                article.rule #{ "rule-" (rule.id) } aria-labelledby={ "rule-h-" (rule.id) } {
                    h3 id={ "rule-h-" (rule.id) } {
                        (rule.name) " "
                        span.muted { (rule.project.as_ref().map(|p| p.key.as_str()).unwrap_or("every project")) }
                        @if !rule.enabled { " " span.badge { "Off" } }
                    }
                    p { (view.description) }
                    p.muted { "Ran " (rule.runs) " times." }
                    @if !runs.is_empty() {
                        ul.runs {
                            @for r in runs {
                                li {
                                    (r.at.format("%-d %b %H:%M")) " · " (r.object) " · " strong { (r.outcome) }
                                    // What a run did may name what a guest may not open.
                                    @if let (Some(d), true) = (&r.detail, viewer.ctx.scope.role.sees_all_projects()) { " · " span.muted { (d) } }
                                }
                            }
                        }
                    }
                    @if writes {
                        div.actions {
                            form.inline method="post" action=(viewer.url(&format!("/rules/{}/state", rule.id))) {
                                input type="hidden" name="version" value=(rule.version);
                                input type="hidden" name="enabled" value=(if rule.enabled { "false" } else { "true" });
                                button.link type="submit" { @if rule.enabled { "Turn off " } @else { "Turn on " } span.visually-hidden { (rule.name) } }
                            }
                            form.inline method="post" action=(viewer.url(&format!("/rules/{}/delete", rule.id))) {
                                input type="hidden" name="version" value=(rule.version);
                                button.link type="submit" { "Delete " span.visually-hidden { (rule.name) } }
                            }
                        }
                    }
                }
            }
        }
        }
    };
    Ok(page(viewer, "Automation", Section::Settings, None, content))
}

pub async fn add_rule(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = rule_input(&form).map_err(|e| refused(&headers, e))?;
    let result = crate::handlers::automation::create_rule(State(state), viewer.ctx.clone(), input)
        .await
        .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/rules"))
}

pub async fn dry_run(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Markup, WebError> {
    let form = FormPairs::parse(&body);
    let input = rule_input(&form).map_err(|e| refused(&headers, e))?;
    let axum::Json(dry) =
        crate::handlers::automation::dry_run_draft(State(state.clone()), viewer.ctx.clone(), input)
            .await
            .map_err(|e| refused(&headers, e))?;
    draw(&state, &viewer, Some(&form), Some(dry)).await
}

pub async fn set_state(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let if_match = super::common::form_if_match(&viewer, &body)?;
    let form = FormPairs::parse(&body);
    let enabled = form.get("enabled") == Some("true");
    let bytes = serde_json::to_vec(&json!({ "enabled": enabled })).unwrap_or_default();
    let input = crate::extract::parse_collecting::<RuleInput>(&bytes)
        .map(|(value, errors)| JsonBody::from_parts(value, errors))
        .map_err(|e| refused(&headers, e))?;
    let result = crate::handlers::automation::update_rule(
        State(state),
        viewer.ctx.clone(),
        Path((ws, id)),
        if_match,
        input,
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url(&format!("/rules#rule-{id}")))
}

pub async fn delete_rule(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let if_match = super::common::form_if_match(&viewer, &body)?;
    let result = crate::handlers::automation::delete_rule(
        State(state),
        viewer.ctx.clone(),
        Path((ws, id)),
        if_match,
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/rules"))
}
