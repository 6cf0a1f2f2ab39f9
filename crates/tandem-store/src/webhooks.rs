//! Webhooks: a workspace's subscriptions (managed by its owners and
//! admins), the deliveries queued for them, and what the sender needs:
//! claiming due deliveries once across nodes and recording each attempt.
//!
//! Not here: which events a change is, or when to try again (the domain's
//! `webhooks`), and sending (the server's webhook job).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::Id;

use crate::{AdminScope, Result};

/// A subscription of a workspace to some events.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: Id,
    pub workspace_id: Id,
    /// The workspace's slug.
    pub workspace: String,
    pub url: String,
    /// What signs each body; shown once, when it is set.
    pub secret: String,
    /// Event names, or `*` for every event.
    pub events: Vec<String>,
    pub active: bool,
    /// Why Tandem turned it off, when it did.
    pub disabled_reason: Option<String>,
    pub failures_in_a_row: i64,
    pub created_by: Id,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

/// What a webhook is made of, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookFields {
    pub url: String,
    pub secret: String,
    pub events: Vec<String>,
    pub active: bool,
}

impl Webhook {
    pub fn fields(&self) -> WebhookFields {
        WebhookFields {
            url: self.url.clone(),
            secret: self.secret.clone(),
            events: self.events.clone(),
            active: self.active,
        }
    }
}

/// Where a delivery stands.
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// One event sent, or to be sent, to one webhook: its body as sent, and
/// how its last attempt went.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    pub id: Id,
    pub webhook_id: Id,
    /// The outbox event it tells of; none for a ping.
    pub event_id: Option<Id>,
    pub event: String,
    pub body: String,
    /// [`PENDING`], [`DELIVERED`] or [`FAILED`] (every attempt made).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub response_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: Option<i64>,
    /// The delivery this one sends again, when it was asked for by hand.
    pub redelivery_of: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
}

/// A delivery for the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    pub webhook_id: Id,
    pub event_id: Option<Id>,
    pub event: String,
    pub body: String,
}

/// A claimed delivery with where it goes and what signs it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDelivery {
    pub delivery: WebhookDelivery,
    pub workspace_id: Id,
    pub url: String,
    pub secret: String,
}

/// What a sender has in flight and will not take more of now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Busy {
    pub webhooks: Vec<Id>,
    pub workspaces: Vec<Id>,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// The HTTP status, when an answer came.
    pub response_code: Option<i64>,
    /// Why it failed (a non-2xx answer, a refused connection, a timeout).
    pub error: Option<String>,
    pub duration_ms: i64,
    /// When to try again after a failure; none after a success or the
    /// last attempt.
    pub retry_at: Option<DateTime<Utc>>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook(&self, scope: AdminScope, fields: &WebhookFields) -> Result<Webhook>;
    async fn list_webhooks(&self, scope: AdminScope) -> Result<Vec<Webhook>>;
    async fn get_webhook(&self, scope: AdminScope, id: Id) -> Result<Webhook>;
    /// Writes `fields` over webhook `id` (checking its version). Turning it
    /// on again forgets the failures that turned it off.
    async fn update_webhook(
        &self,
        scope: AdminScope,
        id: Id,
        expected_version: Option<i64>,
        fields: &WebhookFields,
    ) -> Result<Webhook>;
    /// Removes a webhook and its delivery log.
    async fn delete_webhook(
        &self,
        scope: AdminScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// A webhook's deliveries, newest first, from before `before` (a
    /// delivery id) when given, at most `limit`.
    async fn webhook_deliveries(
        &self,
        scope: AdminScope,
        webhook_id: Id,
        before: Option<Id>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>>;
    async fn get_webhook_delivery(
        &self,
        scope: AdminScope,
        webhook_id: Id,
        delivery_id: Id,
    ) -> Result<WebhookDelivery>;
    /// Queues a delivery of webhook `webhook_id` asked for by hand: the
    /// same body again (`redelivery_of`), or a ping (`event_id` none).
    async fn queue_by_hand(
        &self,
        scope: AdminScope,
        webhook_id: Id,
        event: &str,
        body: &str,
        redelivery_of: Option<Id>,
    ) -> Result<WebhookDelivery>;

    /// The active webhooks of these workspaces (for the job that queues
    /// deliveries).
    async fn active_webhooks(&self, workspace_ids: &[Id]) -> Result<Vec<Webhook>>;
    /// Queues deliveries, each (webhook, event) once however often it is
    /// asked: a consumer that ran twice queues nothing twice. How many
    /// were new.
    async fn queue_deliveries(&self, deliveries: &[NewDelivery]) -> Result<u64>;
    /// Claims up to `limit` pending deliveries of active webhooks due by
    /// `now` that nobody holds, for `lease`, none of the webhooks or
    /// workspaces in `busy` (this node's, at their share). Soonest due
    /// first.
    async fn claim_webhook_deliveries(
        &self,
        limit: usize,
        lease: Duration,
        now: DateTime<Utc>,
        busy: &Busy,
    ) -> Result<Vec<DueDelivery>>;
    /// Gives claimed deliveries back, untried, for any node to take.
    async fn release_webhook_deliveries(&self, ids: &[Id]) -> Result<()>;
    /// Records an attempt of a claimed delivery: delivered, to be tried
    /// again at `retry_at`, or failed. Failures in a row past
    /// [`tandem_domain::webhooks::DISABLE_AFTER`] turn its webhook off.
    async fn finish_webhook_delivery(
        &self,
        delivery_id: Id,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// When the soonest pending delivery of an active webhook is due.
    async fn next_webhook_attempt(&self) -> Result<Option<DateTime<Utc>>>;
}
