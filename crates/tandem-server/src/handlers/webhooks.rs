//! Webhooks, their delivery log, redelivery and pings. Owners and admins
//! only: a webhook sends the whole workspace's changes out.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use tandem_api::{WebhookDeliveryView, WebhookInput, WebhookView};
use tandem_domain::{Id, Validation};
use tandem_store::{Webhook, WebhookDelivery};
use tandem_usecases::webhooks::{self, Change, LOG_PAGE, New};

use super::{ApiResult, QueryParams, versioned};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

const LOG_QUERY: &[Param] = &[
    Param {
        name: "before",
        description: "Only deliveries older than this one (its id): the next page",
        schema: || or_empty(json!({"type": "integer", "minimum": 1})),
    },
    Param {
        name: "limit",
        description: "How many, newest first (default and most 100)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1, "maximum": LOG_PAGE})),
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/webhooks", "The workspace's webhooks (owners and admins)", none(), json::<Vec<WebhookView>>(), 200, list_webhooks),
        route!(post "/api/v1/workspaces/{ws}/webhooks", "Subscribe an address to events: each is POSTed as JSON, signed in X-Tandem-Signature-256", creating::<WebhookInput>("CreateWebhook", &["url", "secret", "events"]), json::<WebhookView>(), 201, create_webhook).etag(),
        route!(get "/api/v1/workspaces/{ws}/webhooks/{id}", "A webhook", none(), json::<WebhookView>(), 200, get_webhook).etag(),
        route!(patch "/api/v1/workspaces/{ws}/webhooks/{id}", "Change a webhook's address, secret or events, or turn it off or on", json::<WebhookInput>(), json::<WebhookView>(), 200, update_webhook).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/webhooks/{id}", "Delete a webhook and its delivery log", none(), none(), 204, delete_webhook).if_match(),
        route!(get "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries", "A webhook's deliveries, newest first: event, status, attempts, the last answer", none(), json::<Vec<WebhookDeliveryView>>(), 200, list_deliveries).query(LOG_QUERY),
        route!(get "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries/{delivery}", "One delivery, with the body it sends", none(), json::<WebhookDeliveryView>(), 200, get_delivery),
        route!(post "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries/{delivery}/redeliver", "Send a delivery again: the same body (signed with the current secret), as a new delivery", none(), json::<WebhookDeliveryView>(), 202, redeliver),
        route!(post "/api/v1/workspaces/{ws}/webhooks/{id}/ping", "Send a ping event to try the webhook", none(), json::<WebhookDeliveryView>(), 202, ping),
    ]
}

pub(crate) fn view(w: &Webhook) -> WebhookView {
    WebhookView {
        id: w.id,
        url: w.url.clone(),
        events: w.events.clone(),
        active: w.active,
        disabled_reason: w.disabled_reason.clone(),
        failures_in_a_row: w.failures_in_a_row,
        created_at: w.created_at,
        version: w.version,
    }
}

pub(crate) fn delivery_view(d: &WebhookDelivery, with_body: bool) -> WebhookDeliveryView {
    WebhookDeliveryView {
        id: d.id,
        webhook: d.webhook_id,
        event: d.event.clone(),
        status: d.status.clone(),
        attempts: d.attempts,
        response_code: d.response_code,
        error: d.error.clone(),
        duration_ms: d.duration_ms,
        next_attempt_at: (d.status == tandem_store::webhooks::PENDING).then_some(d.next_attempt_at),
        redelivery_of: d.redelivery_of,
        created_at: d.created_at,
        last_attempt_at: d.last_attempt_at,
        body: with_body.then(|| serde_json::from_str(&d.body).unwrap_or(json!(d.body))),
    }
}

/// Refuses an event name holding a comma: the list is the API's, not a
/// text to split.
fn check_events(events: Option<&Vec<String>>, v: &mut Validation) {
    if events.is_some_and(|e| e.iter().any(|name| name.contains(','))) {
        v.push("events", "name one event per item of the list");
    }
}

/// A webhook's change from the API's input: events as a list, joined as
/// the use case reads them.
pub(crate) fn change_of(input: WebhookInput) -> Change {
    Change {
        url: input.url,
        secret: input.secret,
        events: input.events.map(|e| e.join(",")),
        active: input.active,
    }
}

/// The body of a ping: what a receiver needs to see the hook works.
pub(crate) fn ping_body(webhook: &Webhook) -> String {
    json!({
        "event": webhooks::PING,
        "at": chrono::Utc::now(),
        "workspace": webhook.workspace,
        "webhook": {"id": webhook.id, "url": webhook.url, "events": webhook.events},
    })
    .to_string()
}

pub async fn list_webhooks(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<WebhookView>>> {
    let admin = ctx.actor().admin()?;
    let all = webhooks::list(state.store.as_ref(), &admin).await?;
    Ok(Json(all.iter().map(view).collect()))
}

pub async fn create_webhook(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<WebhookInput>,
) -> ApiResult<Response> {
    let admin = ctx.actor().admin()?;
    let new = body.into_domain(|b| {
        let mut v = Validation::new();
        check_events(b.events.as_ref(), &mut v);
        for (field, given) in [
            ("url", b.url.is_some()),
            ("secret", b.secret.is_some()),
            ("events", b.events.is_some()),
        ] {
            if !given {
                v.push(field, "is required");
            }
        }
        v.finish(|| New {
            url: b.url.unwrap_or_default(),
            secret: b.secret.unwrap_or_default(),
            events: b.events.unwrap_or_default().join(","),
        })
    })?;
    let created = webhooks::add(
        state.store.as_ref(),
        &admin,
        &new,
        state.webhooks.allow_private,
    )
    .await?;
    Ok(versioned(
        StatusCode::CREATED,
        created.version,
        view(&created),
    ))
}

pub async fn get_webhook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
) -> ApiResult<Response> {
    let admin = ctx.actor().admin()?;
    let found = webhooks::get(state.store.as_ref(), &admin, id).await?;
    Ok(versioned(StatusCode::OK, found.version, view(&found)))
}

pub async fn update_webhook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<WebhookInput>,
) -> ApiResult<Response> {
    let admin = ctx.actor().admin()?;
    let change = body.into_domain(|b| {
        let mut v = Validation::new();
        check_events(b.events.as_ref(), &mut v);
        v.finish(|| change_of(b))
    })?;
    let updated = webhooks::update(
        state.store.as_ref(),
        &admin,
        id,
        expected,
        &change,
        state.webhooks.allow_private,
    )
    .await?;
    Ok(versioned(StatusCode::OK, updated.version, view(&updated)))
}

pub async fn delete_webhook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let admin = ctx.actor().admin()?;
    webhooks::delete(state.store.as_ref(), &admin, id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_deliveries(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<WebhookDeliveryView>>> {
    let admin = ctx.actor().admin()?;
    let mut v = Validation::new();
    let allowed: Vec<&str> = LOG_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(&query, &allowed, &mut v);
    let number = |name: &str, v: &mut Validation, max: i64| -> Option<i64> {
        let text = params.get(name)?;
        match text.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                v.push(name, format!("must be a whole number from 1 to {max}"));
                None
            }
        }
    };
    let before = number("before", &mut v, i64::MAX);
    let limit = number("limit", &mut v, LOG_PAGE as i64).unwrap_or(LOG_PAGE as i64);
    v.into_result().map_err(ApiError::Invalid)?;
    let log =
        webhooks::deliveries(state.store.as_ref(), &admin, id, before, limit as usize).await?;
    Ok(Json(log.iter().map(|d| delivery_view(d, false)).collect()))
}

pub async fn get_delivery(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, delivery)): Path<(String, Id, Id)>,
) -> ApiResult<Json<WebhookDeliveryView>> {
    let admin = ctx.actor().admin()?;
    let found = webhooks::delivery(state.store.as_ref(), &admin, id, delivery).await?;
    Ok(Json(delivery_view(&found, true)))
}

pub async fn redeliver(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, delivery)): Path<(String, Id, Id)>,
) -> ApiResult<(StatusCode, Json<WebhookDeliveryView>)> {
    let admin = ctx.actor().admin()?;
    let queued = webhooks::redeliver(state.store.as_ref(), &admin, id, delivery).await?;
    state.webhook_wake.notify_one();
    Ok((StatusCode::ACCEPTED, Json(delivery_view(&queued, true))))
}

pub async fn ping(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
) -> ApiResult<(StatusCode, Json<WebhookDeliveryView>)> {
    let admin = ctx.actor().admin()?;
    let store = state.store.as_ref();
    let webhook = webhooks::get(store, &admin, id).await?;
    let queued = webhooks::ping(store, &admin, id, &ping_body(&webhook)).await?;
    state.webhook_wake.notify_one();
    Ok((StatusCode::ACCEPTED, Json(delivery_view(&queued, true))))
}
