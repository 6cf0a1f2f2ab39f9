//! Webhooks' two loops. The queuer is the outbox's consumer: it turns each
//! event of a workspace with webhooks into a delivery for every webhook
//! subscribed to it, with the body read once (`crate::webhooks::body_of`).
//! The sender claims due deliveries, posts them a few at a time, and
//! records each attempt: delivered, tried again later, or failed.
//!
//! Both claim under a lease, so each event is queued and each attempt
//! made by one node; a node that dies leaves its claims to another when
//! they lapse. Queueing an event twice queues nothing twice (the store's
//! unique index), so an outbox delivery is completed only after its
//! webhook deliveries are written: nothing acknowledged is lost to a
//! crash or a restart.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use tandem_domain::webhooks::{events_of, retry_after, wants};
use tandem_domain::{Id, Role, UserRef};
use tandem_store::webhooks::{Attempt, DueDelivery, NewDelivery};
use tandem_store::{Delivery, Scope, Store, Webhook};
use tokio::sync::Notify;

use super::Jobs;
use crate::webhooks::{Sender, WebhookOptions, body_of};

/// Outbox events claimed at once.
const BATCH: usize = 200;

/// Deliveries claimed at once, and sent at once at most.
const SENDING: usize = 16;

/// Longer than a batch takes (reads of a few hundred objects; attempts of
/// at most the client's timeout each).
const LEASE: Duration = Duration::from_secs(120);

/// How often each loop looks for work nobody told it of: claims another
/// node let lapse, events written by another node.
const SWEEP: Duration = Duration::from_secs(5);

pub fn start(store: Arc<dyn Store>, jobs: &Jobs, options: WebhookOptions, send_wake: Arc<Notify>) {
    let queue_wake = Arc::new(Notify::new());
    let waker = queue_wake.clone();
    let mut feed = store.event_feed();
    tokio::spawn(async move {
        loop {
            match feed.recv().await {
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    waker.notify_one()
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });

    let (worker, queuer_store, sent_wake) = (jobs.clone(), store.clone(), send_wake.clone());
    jobs.spawn(move |mut stopping| async move {
        let mut sweep = tokio::time::interval(SWEEP);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = queue_wake.notified() => {}
                _ = sweep.tick() => {}
            }
            while !stopping.is_set() {
                let queued = worker
                    .unit(
                        "webhook_queue",
                        queue_batch(queuer_store.as_ref()),
                        Result::is_ok,
                    )
                    .await;
                match queued {
                    Ok((more, new)) => {
                        if new > 0 {
                            sent_wake.notify_one();
                        }
                        if !more {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "queueing webhook deliveries");
                        break;
                    }
                }
            }
        }
    });

    let worker = jobs.clone();
    let sender = Sender::new(options);
    jobs.spawn(move |mut stopping| async move {
        loop {
            while !stopping.is_set() {
                let sent = worker
                    .unit(
                        "webhook_send",
                        send_batch(store.as_ref(), &sender, options),
                        Result::is_ok,
                    )
                    .await;
                match sent {
                    Ok(0) => break,
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "sending webhook deliveries");
                        break;
                    }
                }
            }
            // Until the soonest retry, a sweep, or word of new deliveries.
            let rest = match store.next_webhook_attempt().await {
                Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or_default().min(SWEEP),
                _ => SWEEP,
            };
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = send_wake.notified() => {}
                () = tokio::time::sleep(rest) => {}
            }
        }
    });
}

/// Claims a batch of the outbox's events for webhooks and queues their
/// deliveries: `(whether there may be more, how many were queued)`.
async fn queue_batch(store: &dyn Store) -> tandem_store::Result<(bool, u64)> {
    let claimed = store
        .claim_deliveries(tandem_store::events::WEBHOOKS, BATCH, LEASE)
        .await?;
    if claimed.is_empty() {
        return Ok((false, 0));
    }
    let mut workspaces: Vec<Id> = claimed.iter().map(|d| d.event.workspace_id).collect();
    workspaces.sort_unstable();
    workspaces.dedup();
    let webhooks = store.active_webhooks(&workspaces).await?;
    let mut people: HashMap<Id, Vec<UserRef>> = HashMap::new();
    let mut queue = Vec::new();
    for delivery in &claimed {
        queue.extend(deliveries_of(store, delivery, &webhooks, &mut people).await?);
    }
    let new = store.queue_deliveries(&queue).await?;
    let handled: Vec<Id> = claimed.iter().map(|d| d.event.id).collect();
    store
        .complete_deliveries(tandem_store::events::WEBHOOKS, &handled)
        .await?;
    Ok((claimed.len() == BATCH, new))
}

/// The deliveries one event makes: one per webhook of its workspace that
/// wants one of the events it is, each body read once.
async fn deliveries_of(
    store: &dyn Store,
    claimed: &Delivery,
    webhooks: &[Webhook],
    people: &mut HashMap<Id, Vec<UserRef>>,
) -> tandem_store::Result<Vec<NewDelivery>> {
    let event = &claimed.event;
    // A personal task is its owner's alone.
    if event.kind == "task" && event.project_id.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for name in events_of(&event.kind, &event.action, &event.fields) {
        let subscribed: Vec<&Webhook> = webhooks
            .iter()
            .filter(|w| w.workspace_id == event.workspace_id && wants(&w.events, name))
            .collect();
        let Some(first) = subscribed.first() else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(entry) = people.entry(event.workspace_id) {
            let scope = Scope {
                workspace_id: event.workspace_id,
                user_id: 0,
                role: Role::Owner,
            };
            let members = store.list_members(scope).await?;
            entry.insert(members.into_iter().map(|m| m.user).collect());
        }
        let actor = event
            .actor_id
            .and_then(|id| people[&event.workspace_id].iter().find(|u| u.id == id));
        let body = body_of(
            store,
            event,
            name,
            &first.workspace,
            claimed.project_key.as_deref(),
            actor,
        )
        .await
        .to_string();
        out.extend(subscribed.iter().map(|w| NewDelivery {
            webhook_id: w.id,
            event_id: Some(event.id),
            event: name.to_string(),
            body: body.clone(),
        }));
    }
    Ok(out)
}

/// Claims due deliveries, sends them at once, and records how each went;
/// how many were claimed.
async fn send_batch(
    store: &dyn Store,
    sender: &Sender,
    options: WebhookOptions,
) -> tandem_store::Result<usize> {
    let due = store
        .claim_webhook_deliveries(SENDING, LEASE, Utc::now())
        .await?;
    let count = due.len();
    let results: Vec<tandem_store::Result<()>> = futures_util::stream::iter(due)
        .map(|due| attempt(store, sender, options, due))
        .buffer_unordered(SENDING)
        .collect()
        .await;
    results.into_iter().collect::<tandem_store::Result<()>>()?;
    Ok(count)
}

async fn attempt(
    store: &dyn Store,
    sender: &Sender,
    options: WebhookOptions,
    due: DueDelivery,
) -> tandem_store::Result<()> {
    let d = &due.delivery;
    let sent = sender
        .send(&due.url, &due.secret, &d.event, d.id, &d.body)
        .await;
    let now = Utc::now();
    let retry_at = match &sent.error {
        None => None,
        Some(_) => retry_after((d.attempts + 1) as u32, options.retry_base)
            .and_then(|wait| chrono::Duration::from_std(wait).ok())
            .map(|wait| now + wait),
    };
    if let Some(error) = &sent.error {
        tracing::info!(delivery = d.id, webhook = d.webhook_id, %error, "a webhook delivery failed");
    }
    store
        .finish_webhook_delivery(
            d.id,
            &Attempt {
                response_code: sent.response_code,
                error: sent.error,
                duration_ms: sent.duration.as_millis() as i64,
                retry_at,
            },
            now,
        )
        .await
}
