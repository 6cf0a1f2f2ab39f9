//! The webhooks page (owners and admins): the workspace's webhooks, a form
//! to add one, and each one's state, events and latest deliveries with
//! their answers and bodies, redelivery and a ping. Each form posts to a
//! route here that calls the API's own handler, so the rules are the
//! API's.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::WebhookInput;
use tandem_domain::webhooks::EVENTS;
use tandem_store::webhooks::{DELIVERED, FAILED};

use super::Viewer;
use super::common::{FormPairs, Kind, WebError, answer, forward, refused};
use super::layout::{Section, page};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, JsonBody};

/// Deliveries shown a webhook.
const SHOWN: usize = 20;

fn must_manage(viewer: &Viewer) -> Result<(), ApiError> {
    if viewer.can_manage_members() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the workspace's owners and admins manage its webhooks".into(),
        ))
    }
}

/// The events as checkboxes named `events`; `checked` says which are on.
fn event_picks(prefix: &str, checked: &[String]) -> Markup {
    let all = checked.iter().any(|e| e == tandem_domain::webhooks::ALL);
    html! {
        fieldset.events {
            legend { "Events" }
            input type="hidden" name="events" value="";
            label.check {
                input type="checkbox" name="events" value="*" checked[all];
                " Every event, now and to come"
            }
            @for (name, what) in EVENTS {
                @let id = format!("{prefix}-{}", name.replace('.', "-"));
                label.check for=(id) title=(what) {
                    input #(id) type="checkbox" name="events" value=(name) checked[!all && checked.iter().any(|e| e == name)];
                    " " code { (name) }
                }
            }
        }
    }
}

pub async fn webhooks_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Markup, WebError> {
    must_manage(&viewer)?;
    let admin = viewer.ctx.actor().admin().map_err(ApiError::from)?;
    let store = state.store.as_ref();
    let hooks = tandem_usecases::webhooks::list(store, &admin).await?;
    let mut logs = Vec::with_capacity(hooks.len());
    for hook in &hooks {
        logs.push(
            tandem_usecases::webhooks::deliveries(store, &admin, hook.id, None, SHOWN).await?,
        );
    }
    let content = html! {
        div.settings {
        section.card-panel aria-labelledby="h-add-hook" {
            h2 #h-add-hook { "Add a webhook" }
            p.muted {
                "Tandem POSTs each event you pick to the address as JSON: its " code { "event" }
                " and the object (a task with its " code { "key" } "). Each body is signed: "
                code { "X-Tandem-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>" }
                ", as GitHub signs its webhooks. A failed delivery is tried again 8 times, waiting twice as long each time; three deliveries in a row that fail every attempt turn the webhook off."
                @if !state.webhooks.allow_private {
                    " Addresses on private or loopback networks are refused: this server runs without --allow-private-webhooks."
                }
            }
            form.stacked.keeps method="post" action=(viewer.url("/settings/webhooks")) {
                label for="hook-url" { "Address " span.muted { "(http or https)" } }
                input #hook-url name="url" type="url" required maxlength="2048" placeholder="https://example.com/hooks/tandem";
                label for="hook-secret" { "Secret " span.muted { "(the receiver checks signatures with it; not shown again)" } }
                input #hook-secret name="secret" required maxlength="256" autocomplete="off";
                (event_picks("add", &[]))
                div { button.primary type="submit" { "Add webhook" } }
            }
        }
        section.card-panel aria-labelledby="h-hooks" {
            h2 #h-hooks { "Webhooks " span.count { (hooks.len()) } }
            @if hooks.is_empty() { p.muted { "No webhooks yet." } }
            @for (hook, log) in hooks.iter().zip(&logs) {
                @let id = hook.id;
                article.webhook #{ "hook-" (id) } aria-labelledby={ "hook-h-" (id) } {
                    h3 #{ "hook-h-" (id) } { (hook.url) " " }
                    p {
                        @if hook.active {
                            span.badge.ok { "On" }
                            @if hook.failures_in_a_row > 0 { " " span.muted { (hook.failures_in_a_row) " failed attempts in a row" } }
                        } @else {
                            span.badge.late { "Off" }
                            @if let Some(reason) = &hook.disabled_reason { " " (reason) }
                        }
                    }
                    details {
                        summary { "Change" }
                        form.stacked.keeps method="post" action=(viewer.url(&format!("/settings/webhooks/{id}"))) {
                            input type="hidden" name="version" value=(hook.version);
                            label for={ "hu-" (id) } { "Address" }
                            input id={ "hu-" (id) } name="url" type="url" required maxlength="2048" value=(hook.url);
                            label for={ "hs-" (id) } { "New secret " span.muted { "(empty keeps the one it has)" } }
                            input id={ "hs-" (id) } name="secret" maxlength="256" autocomplete="off";
                            (event_picks(&format!("e{id}"), &hook.events))
                            div { button type="submit" { "Save webhook" } }
                        }
                    }
                    div.actions {
                        form.inline method="post" action=(viewer.url(&format!("/settings/webhooks/{id}/active"))) {
                            input type="hidden" name="version" value=(hook.version);
                            input type="hidden" name="active" value=(if hook.active { "false" } else { "true" });
                            button type="submit" { @if hook.active { "Turn off" } @else { "Turn on" } }
                        }
                        " "
                        form.inline method="post" action=(viewer.url(&format!("/settings/webhooks/{id}/ping"))) {
                            button type="submit" disabled[!hook.active] { "Send a ping" }
                        }
                        " "
                        form.inline.confirm method="post" action=(viewer.url(&format!("/settings/webhooks/{id}/delete")))
                            data-confirm={ "Delete the webhook to " (hook.url) " and its delivery log?" } {
                            input type="hidden" name="version" value=(hook.version);
                            button.link type="submit" aria-label={ "Delete the webhook to " (hook.url) } { "Delete" }
                        }
                    }
                    h4 { "Latest deliveries" }
                    @if log.is_empty() { p.muted { "None yet." } } @else {
                        table.deliveries {
                            caption.visually-hidden { "Deliveries to " (hook.url) ", newest first" }
                            thead { tr { th scope="col" { "Event" } th scope="col" { "Status" } th scope="col" { "Attempts" } th scope="col" { "Answer" } th scope="col" { "When" } th scope="col" { span.visually-hidden { "Actions" } } } }
                            tbody {
                                @for d in log {
                                    tr {
                                        td {
                                            details {
                                                summary { code { (d.event) } " #" (d.id) }
                                                // Scrolls when long: reachable from the keyboard.
                                                pre.body tabindex="0" aria-label={ "Body of " (d.event) " #" (d.id) } { (pretty(&d.body)) }
                                            }
                                        }
                                        td {
                                            @match d.status.as_str() {
                                                DELIVERED => span.badge.ok { "Delivered" },
                                                FAILED => span.badge.late { "Failed" },
                                                _ => span.badge { @if d.attempts == 0 { "Queued" } @else { "Retrying" } },
                                            }
                                        }
                                        td { (d.attempts) }
                                        td {
                                            @if let Some(code) = d.response_code { (code) " " }
                                            @if let Some(error) = &d.error { span.muted { (error) } }
                                            @if let Some(ms) = d.duration_ms { " " span.muted { "(" (ms) " ms)" } }
                                        }
                                        td { (d.last_attempt_at.unwrap_or(d.created_at).format("%-d %b %H:%M:%S")) }
                                        td {
                                            form.inline method="post" action=(viewer.url(&format!("/settings/webhooks/{id}/deliveries/{}/redeliver", d.id))) {
                                                button.link type="submit" disabled[!hook.active] aria-label={ "Redeliver " (d.event) " #" (d.id) } { "Redeliver" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
    };
    Ok(page(&viewer, "Webhooks", Section::Settings, None, content))
}

fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| body.to_string())
}

fn page_of(viewer: &Viewer, id: Option<i64>) -> String {
    match id {
        Some(id) => viewer.url(&format!("/settings/webhooks#hook-{id}")),
        None => viewer.url("/settings/webhooks"),
    }
}

pub async fn add_webhook(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[
            ("url", Kind::Text),
            ("secret", Kind::Text),
            ("events", Kind::Picks),
        ],
        &page_of(&viewer, None),
        |input: JsonBody<WebhookInput>, _| async move {
            crate::handlers::webhooks::create_webhook(State(state), ctx, input).await
        },
    )
    .await
}

pub async fn change_webhook(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    // An empty secret keeps the one it has: the form cannot show it.
    let form = FormPairs::parse(&body);
    let mut fields = vec![("url", Kind::Text), ("events", Kind::Picks)];
    if form.get("secret").is_some_and(|s| !s.trim().is_empty()) {
        fields.push(("secret", Kind::Text));
    }
    change(state, &viewer, &headers, ws, id, &body, &fields).await
}

pub async fn set_active(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    change(
        state,
        &viewer,
        &headers,
        ws,
        id,
        &body,
        &[("active", Kind::Flag)],
    )
    .await
}

async fn change(
    state: AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    ws: String,
    id: i64,
    body: &Bytes,
    fields: &[(&str, Kind)],
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    forward(
        headers,
        body,
        fields,
        &page_of(viewer, Some(id)),
        |input: JsonBody<WebhookInput>, if_match| async move {
            crate::handlers::webhooks::update_webhook(
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

pub async fn delete_webhook(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let if_match = super::common::form_if_match(&viewer, &body)?;
    let result = crate::handlers::webhooks::delete_webhook(
        State(state),
        viewer.ctx.clone(),
        Path((ws, id)),
        if_match,
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &page_of(&viewer, None))
}

pub async fn ping(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let ctx: Ctx = viewer.ctx.clone();
    let result = crate::handlers::webhooks::ping(State(state), ctx, Path((ws, id)))
        .await
        .map(IntoResponse::into_response);
    answer(&headers, result, &page_of(&viewer, Some(id)))
}

pub async fn redeliver(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id, delivery)): Path<(String, i64, i64)>,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let result = crate::handlers::webhooks::redeliver(
        State(state),
        viewer.ctx.clone(),
        Path((ws, id, delivery)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &page_of(&viewer, Some(id)))
}
