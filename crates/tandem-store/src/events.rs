//! The outbox: what every accepted write records in its own transaction,
//! and how consumers read it.
//!
//! Two kinds of consumer read events. Those that must act once however
//! many nodes run (the rescheduler, notifications, automation and
//! webhooks) get a delivery row per event, written with it, and claim
//! deliveries under a lease ([`EventStore::claim_deliveries`]): PostgreSQL
//! skips rows another node holds (`FOR UPDATE SKIP LOCKED`), SQLite has
//! one process. Those that every node must hear (live pages) follow the
//! feed ([`EventStore::event_feed`]): PostgreSQL's `NOTIFY`, sent in the
//! write's transaction and so delivered only if it commits, on every node;
//! SQLite's own table, polled by its one process.
//!
//! Periodic jobs (purges) are claimed the same way, once across nodes
//! ([`EventStore::claim_job`]).
//!
//! This module is not the event's meaning: consumers decide what an event
//! asks of them.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_domain::Id;

use crate::Result;
use crate::sql::Columns;

/// One thing that happened: in which workspace (and project), to which
/// object, by whom. It names objects by key or number, never by title, so
/// passing it on shows nothing a page would not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: Id,
    pub workspace_id: Id,
    pub project_id: Option<Id>,
    /// What kind of object: `task`, `project`, `dependency`, `phase`,
    /// `milestone`, `stakeholder`, `risk`, `member`, `baseline`,
    /// `workspace`, `schedule`.
    pub kind: String,
    /// What happened to it: `created`, `updated`, `deleted`, …
    pub action: String,
    /// The object: a task or project key, otherwise its number.
    pub key: String,
    pub actor_id: Option<Id>,
    pub at: DateTime<Utc>,
    /// The fields a change touched, by name (never by value); empty for
    /// anything but an update.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The automation rule whose action this change was, if one's was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<Id>,
    /// How deep a chain of rules' changes this is: 0 for a person's.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub depth: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Event {
    /// The feed's word that events may have been missed (a lost
    /// connection): listeners should assume anything changed.
    pub const RESYNC: &'static str = "resync";

    pub fn resync() -> Event {
        Event {
            id: 0,
            workspace_id: 0,
            project_id: None,
            kind: Event::RESYNC.into(),
            action: Event::RESYNC.into(),
            key: String::new(),
            actor_id: None,
            at: Utc::now(),
            fields: Vec::new(),
            rule_id: None,
            depth: 0,
        }
    }

    pub fn is_resync(&self) -> bool {
        self.kind == Event::RESYNC
    }
}

/// An event claimed by a once-only consumer, with the current key of its
/// project (a project's key is what the scheduler's reads take).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub event: Event,
    pub project_key: Option<String>,
}

/// The consumer that recomputes project schedules.
pub const RESCHEDULER: &str = "rescheduler";

/// The consumer that turns events into webhook deliveries.
pub const WEBHOOKS: &str = "webhooks";

/// The consumer that runs automation rules.
pub const AUTOMATION: &str = "automation";

/// The consumer that fills people's inboxes.
pub const NOTIFICATIONS: &str = "notifications";

/// Whether an event may tell someone something: a comment (mentions,
/// followers), a task made or given to someone or whose status moved, an
/// approval asked or decided, a project's status or health, an update
/// posted.
pub fn notifies(kind: &str, action: &str, fields: &[&str]) -> bool {
    match (kind, action) {
        ("comment", "created") | ("task", "created") => true,
        ("task", "updated") => fields.iter().any(|f| matches!(*f, "owner" | "status")),
        ("approval", "requested" | "resubmitted" | "decided") => true,
        ("project", "health changed") | ("status_update", "posted") => true,
        ("project", "updated") => fields.contains(&"status"),
        _ => false,
    }
}

/// Whether the rescheduler needs to hear of events of this kind: what
/// feeds a project's plan, and a member's availability (effort-estimated
/// work takes a part-timer longer), which feeds every project's.
pub fn reschedules(kind: &str, action: &str, project_id: Option<Id>) -> bool {
    match project_id {
        Some(_) => matches!(kind, "task" | "dependency" | "project"),
        // A member's hours and days away feed every plan of the
        // workspace, and one who leaves takes theirs away.
        None => {
            kind == "member"
                && matches!(
                    action,
                    "updated"
                        | "deleted"
                        | "deactivated"
                        | "reactivated"
                        | "time off added"
                        | "time off removed"
                )
        }
    }
}

/// The outbox's part of the store.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Events after `after` in the order they were recorded, at most `limit`.
    async fn events_after(&self, after: Id, limit: usize) -> Result<Vec<Event>>;

    /// The newest event's id (0 when there is none).
    async fn last_event_id(&self) -> Result<Id>;

    /// Claims up to `limit` of `consumer`'s deliveries that nobody holds,
    /// for `lease`: until then no other node gets them. Oldest first.
    async fn claim_deliveries(
        &self,
        consumer: &str,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Delivery>>;

    /// Marks claimed deliveries handled: they are never handed out again.
    async fn complete_deliveries(&self, consumer: &str, event_ids: &[Id]) -> Result<()>;

    /// Marks handled, claimed or not, every delivery of `consumer`'s for
    /// events of `project_id` up to `up_to` (an event id read before the
    /// work that handles them all began): a burst of writes to one project
    /// is then one run, not one per batch of deliveries.
    async fn complete_project_deliveries(
        &self,
        consumer: &str,
        project_id: Id,
        up_to: Id,
    ) -> Result<u64>;

    /// How many deliveries `consumer` has yet to handle and how old the
    /// oldest is.
    async fn outbox_backlog(
        &self,
        consumer: &str,
        now: DateTime<Utc>,
    ) -> Result<(u64, Option<Duration>)>;

    /// Claims the periodic job `name` if it is due (or has never run):
    /// `true` for exactly one caller across nodes, which then runs it; the
    /// job is next due `every` from `now`.
    async fn claim_job(&self, name: &str, now: DateTime<Utc>, every: Duration) -> Result<bool>;

    /// Removes events recorded before `before` that no consumer still has
    /// to handle.
    async fn purge_events(&self, before: DateTime<Utc>) -> Result<u64>;

    /// Every event as it commits, on this node, whichever node wrote it.
    /// A receiver that falls behind hears of it ([`tokio::sync::broadcast`]'s
    /// `Lagged`); after a lost connection the feed sends [`Event::resync`].
    fn event_feed(&self) -> tokio::sync::broadcast::Receiver<Event>;
}

/// How many events the feed holds for a slow receiver.
pub(crate) const FEED_CAPACITY: usize = 1024;

pub(crate) fn event_from_row(row: &impl Columns) -> Result<Event> {
    Ok(Event {
        id: row.get("id")?,
        workspace_id: row.get("workspace_id")?,
        project_id: row.get("project_id")?,
        kind: row.get("kind")?,
        action: row.get("action")?,
        key: row.get("object_key")?,
        actor_id: row.get("actor_id")?,
        at: row.get("at")?,
        fields: row
            .get::<Option<String>>("fields")?
            .map(|text| text.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        rule_id: row.get("rule_id")?,
        depth: row.get("depth")?,
    })
}

pub(crate) fn delivery_from_row(row: &impl Columns) -> Result<Delivery> {
    Ok(Delivery {
        event: event_from_row(row)?,
        project_key: row.get("project_key")?,
    })
}
