//! Webhooks: subscriptions of a workspace to events, and their deliveries.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::Id;

/// A webhook to create, or what changes of one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Where deliveries are POSTed: an http or https address. One on a
    /// private or loopback network is refused unless the server runs
    /// with `--allow-private-webhooks`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What signs each body: the receiver checks
    /// `X-Tandem-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>`.
    /// Never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Event names (`task.created`, `task.status_changed`, …), or `["*"]`
    /// for every event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// Whether deliveries go out; turning it on again forgets the failures
    /// that turned it off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A webhook. Its secret is never shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WebhookView {
    pub id: Id,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    /// Why Tandem turned it off (repeated failure), when it did.
    pub disabled_reason: Option<String>,
    /// Failed attempts since the last delivered one.
    pub failures_in_a_row: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

/// One event sent, or to be sent, to a webhook, and how its last attempt
/// went.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WebhookDeliveryView {
    pub id: Id,
    pub webhook: Id,
    /// The event's name (`ping` for a ping).
    pub event: String,
    /// `pending` (to be tried, again or for the first time), `delivered`
    /// (a 2xx answer) or `failed` (every attempt made).
    pub status: String,
    pub attempts: i64,
    /// The HTTP status of the last answer.
    pub response_code: Option<i64>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// How long the last attempt took, in milliseconds.
    pub duration_ms: Option<i64>,
    /// When it will be tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The delivery this one sends again, when redelivered by hand.
    pub redelivery_of: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The body as sent (on a single delivery's read; absent in lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}
