//! Webhooks' two loops. The queuer is the outbox's consumer: it turns each
//! event of a workspace with webhooks into a delivery for every webhook
//! subscribed to it, with the body read once (`crate::webhooks::body_of`).
//! The sender keeps up to 32 attempts in flight, eight per webhook and per
//! workspace at most, so a receiver that hangs holds back its own
//! workspace's deliveries only; it records each attempt: delivered, tried
//! again later, or failed.
//!
//! Both claim under a lease, so each event is queued and each attempt
//! made by one node; a node that dies leaves its claims to another when
//! they lapse. Queueing an event twice queues nothing twice (the store's
//! unique index), so an outbox delivery is completed only after its
//! webhook deliveries are written: nothing acknowledged is lost to a
//! crash or a restart.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tandem_domain::webhooks::{events_of, retry_after, wants};
use tandem_domain::{Id, Role, UserRef};
use tandem_store::webhooks::{Attempt, Busy, DueDelivery, NewDelivery};
use tandem_store::{Delivery, Scope, Store, Webhook};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::Jobs;
use crate::webhooks::{Sender, WebhookOptions, body_of, object_of};

/// Outbox events claimed at once.
const BATCH: usize = 200;

/// Attempts in flight at once on a node (they wait on the network, not
/// the CPU).
const SLOTS: usize = 32;

/// Attempts in flight at once for one workspace, and for one webhook: a
/// workspace's slow receivers take no more of the node than this, and a
/// busy one still gets several at a time.
const PER_WORKSPACE: usize = 8;
const PER_WEBHOOK: usize = 8;

/// Longer than a batch takes (reads of a few hundred objects; attempts of
/// at most the client's timeout each).
const LEASE: Duration = Duration::from_secs(120);

/// How often each loop looks for work nobody told it of: claims another
/// node let lapse, events written by another node.
const SWEEP: Duration = Duration::from_secs(5);

pub fn start(store: Arc<dyn Store>, jobs: &Jobs, options: WebhookOptions, send_wake: Arc<Notify>) {
    let queue_wake = super::woken_by_feed(&store);

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
        let mut flying: JoinSet<(Id, Id)> = JoinSet::new();
        let mut shares = Shares::default();
        // Claimed and waiting for their webhook's or workspace's share:
        // started as room comes, given back if they wait too long.
        let mut waiting: VecDeque<(DueDelivery, Instant)> = VecDeque::new();
        loop {
            let mut claimed_more = true;
            while flying.len() < SLOTS && !stopping.is_set() {
                // Those waiting first, in order, as their shares allow.
                if let Some(i) = waiting.iter().position(|(d, _)| shares.has_room(d)) {
                    let (d, _) = waiting.remove(i).expect("a position found");
                    shares.take(&d);
                    launch(&mut flying, &store, &sender, &worker, options, d);
                    continue;
                }
                // Claims come a batch at a time: a quarter of the slots
                // free, or none in flight.
                let free = SLOTS - flying.len();
                if !claimed_more
                    || waiting.len() >= SLOTS
                    || (free < SLOTS / 4 && !flying.is_empty())
                {
                    break;
                }
                let due = match store
                    .claim_webhook_deliveries(
                        SLOTS - flying.len(),
                        LEASE,
                        Utc::now(),
                        &shares.busy(),
                    )
                    .await
                {
                    Ok(due) => due,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming webhook deliveries");
                        break;
                    }
                };
                claimed_more = !due.is_empty();
                let now = Instant::now();
                waiting.extend(due.into_iter().map(|d| (d, now)));
            }
            // A claim held too long would lapse to another node while it
            // still waits here: given back before that.
            let stale: Vec<Id> = waiting
                .iter()
                .filter(|(_, since)| since.elapsed() > LEASE / 2)
                .map(|(d, _)| d.delivery.id)
                .collect();
            if !stale.is_empty() {
                waiting.retain(|(d, _)| !stale.contains(&d.delivery.id));
                if let Err(e) = store.release_webhook_deliveries(&stale).await {
                    tracing::warn!(error = %e, "giving webhook deliveries back");
                }
            }
            // Until an attempt ends, the soonest retry, a sweep, or word
            // of new deliveries; at shutdown, after those in flight, with
            // those waiting given back.
            let rest = if flying.is_empty() && waiting.is_empty() {
                match store.next_webhook_attempt().await {
                    Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or_default().min(SWEEP),
                    _ => SWEEP,
                }
            } else {
                SWEEP
            };
            tokio::select! {
                biased;
                () = stopping.wait() => {
                    let left: Vec<Id> = waiting.iter().map(|(d, _)| d.delivery.id).collect();
                    if let Err(e) = store.release_webhook_deliveries(&left).await {
                        tracing::warn!(error = %e, "giving webhook deliveries back");
                    }
                    while flying.join_next().await.is_some() {}
                    return;
                }
                Some(done) = flying.join_next(), if !flying.is_empty() => {
                    if let Ok(ids) = done {
                        shares.give_back(ids);
                    }
                    // And every other that ended meanwhile.
                    while let Some(done) = flying.try_join_next() {
                        if let Ok(ids) = done {
                            shares.give_back(ids);
                        }
                    }
                }
                _ = send_wake.notified() => {}
                () = tokio::time::sleep(rest) => {}
            }
        }
    });
}

/// The attempts in flight per webhook and per workspace.
#[derive(Default)]
struct Shares {
    per_webhook: HashMap<Id, usize>,
    per_workspace: HashMap<Id, usize>,
}

impl Shares {
    fn has_room(&self, d: &DueDelivery) -> bool {
        self.per_webhook
            .get(&d.delivery.webhook_id)
            .copied()
            .unwrap_or(0)
            < PER_WEBHOOK
            && self
                .per_workspace
                .get(&d.workspace_id)
                .copied()
                .unwrap_or(0)
                < PER_WORKSPACE
    }

    fn take(&mut self, d: &DueDelivery) {
        *self.per_webhook.entry(d.delivery.webhook_id).or_default() += 1;
        *self.per_workspace.entry(d.workspace_id).or_default() += 1;
    }

    fn give_back(&mut self, (webhook, workspace): (Id, Id)) {
        release(&mut self.per_webhook, webhook);
        release(&mut self.per_workspace, workspace);
    }

    /// Those at their share: the next claim leaves them out.
    fn busy(&self) -> Busy {
        let full = |counts: &HashMap<Id, usize>, cap: usize| {
            counts
                .iter()
                .filter(|(_, n)| **n >= cap)
                .map(|(id, _)| *id)
                .collect()
        };
        Busy {
            webhooks: full(&self.per_webhook, PER_WEBHOOK),
            workspaces: full(&self.per_workspace, PER_WORKSPACE),
        }
    }
}

/// Sends `d` in the background; its webhook and workspace when done.
fn launch(
    flying: &mut JoinSet<(Id, Id)>,
    store: &Arc<dyn Store>,
    sender: &Sender,
    worker: &Jobs,
    options: WebhookOptions,
    d: DueDelivery,
) {
    let (store, sender, worker) = (store.clone(), sender.clone(), worker.clone());
    let ids = (d.delivery.webhook_id, d.workspace_id);
    flying.spawn(async move {
        let sent = worker
            .unit(
                "webhook_send",
                attempt(store.as_ref(), &sender, options, d),
                Result::is_ok,
            )
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "recording a webhook delivery");
        }
        ids
    });
}

/// One attempt fewer in flight for `id`.
fn release(counts: &mut HashMap<Id, usize>, id: Id) {
    if let Some(n) = counts.get_mut(&id) {
        *n -= 1;
        if *n == 0 {
            counts.remove(&id);
        }
    }
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
    // A personal task is its owner's alone, and so is talk on it; a
    // goal's talk is not told either (goals have no events of their own).
    if matches!(event.kind.as_str(), "task" | "comment") && event.project_id.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut object = None;
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
        if object.is_none() {
            object = Some(object_of(store, event).await);
        }
        let Some(read) = object.as_ref() else {
            continue;
        };
        let body = body_of(
            event,
            name,
            &first.workspace,
            claimed.project_key.as_deref(),
            actor,
            read,
        )
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
