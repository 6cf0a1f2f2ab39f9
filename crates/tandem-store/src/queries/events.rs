//! The outbox: events written with each write, deliveries claimed by once-
//! only consumers, and jobs claimed by one node; the queries, compiled once
//! per backend (see `mod.rs`).

use super::*;

/// A row of an object's history that goes with an event ([`record_in`]):
/// the rest of the row is the event's (workspace, project, actor, time,
/// kind as the entity's, action).
pub(super) struct HistoryRow {
    pub(super) entity_id: Id,
    pub(super) label: String,
    /// The changes as [`changes_json`] writes them.
    pub(super) changes: String,
    /// Whether anyone may hear of the change ([`crate::events::notifies`]
    /// still decides who): a task created for nobody is nobody's news, and
    /// the notifications job would read it only to find no owner.
    pub(super) news: bool,
}

/// Adds an event to the write's batch, with a delivery for each once-only
/// consumer that needs it, and (PostgreSQL) the word to every node that is
/// sent at commit; with the change's history row where it keeps one
/// (`history`), on PostgreSQL a clause of the event's own statement, one
/// round trip fewer for every write that keeps history.
// An event's parts, each a column of its row; a struct would be built
// only to be taken apart again (as `record`'s).
#[allow(clippy::too_many_arguments)]
pub(super) fn emit(
    batch: &mut Batch,
    workspace_id: Id,
    project_id: Option<Id>,
    kind: &str,
    action: &str,
    key: &str,
    actor_id: Option<Id>,
    fields: &[&str],
    history: Option<HistoryRow>,
) {
    let reschedules = crate::events::reschedules(kind, action, project_id);
    let mark = crate::rules::current_mark();
    // The plan changed: a stored schedule stamped with the version before
    // is no longer current. A change to a person's hours changes every
    // plan of the workspace. The event keeps the version a project's
    // change made, so the changes since a stored schedule can be found.
    let bump = match (reschedules, project_id) {
        (false, _) => Bump::None,
        // Once a write: its events all keep the version it made.
        (true, Some(project_id)) if batch.versioned.contains(&project_id) => Bump::Done,
        (true, Some(project_id)) => {
            batch.versioned.push(project_id);
            Bump::Project
        }
        (true, None) => Bump::Workspace,
    };
    // The project whose new version the event keeps, read back in SQL.
    let versioned = if reschedules { project_id } else { None };
    // Once-only consumers that hear of every such event; webhooks and
    // automation hear of every event of a workspace that has one (whether
    // it concerns a subscription or rule is theirs to decide), and a
    // workspace without them pays one indexed read a write.
    let consumers: Vec<&str> = [
        reschedules.then_some(crate::events::RESCHEDULER),
        (crate::events::notifies(kind, action, fields) && history.as_ref().is_none_or(|h| h.news))
            .then_some(crate::events::NOTIFICATIONS),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The history row's: a write without one names no rule there.
    let rule_name = history
        .as_ref()
        .and_then(|_| mark.as_ref().map(|m| m.name.clone()));
    if DbStore::WITH_WRITES {
        match history {
            Some(_) => batch.push(&RECORDED_EVENT_WITH[bump as usize]),
            None => batch.push(&EVENT_WITH[bump as usize]),
        };
    } else {
        if let Some(history) = &history {
            batch
                .push(
                    "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes, rule_name) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(workspace_id)
                .bind(project_id)
                .bind(actor_id)
                .bind(Utc::now())
                .bind(kind.to_string())
                .bind(history.entity_id)
                .bind(history.label.clone())
                .bind(action.to_string())
                .bind(history.changes.clone())
                .bind(rule_name.clone());
        }
        match bump {
            Bump::Project => {
                batch
                    .push("UPDATE projects SET plan_version = plan_version + 1 WHERE id = $1")
                    .bind(project_id);
            }
            Bump::Workspace => {
                batch
                    .push("UPDATE projects SET plan_version = plan_version + 1 WHERE workspace_id = $1")
                    .bind(workspace_id);
            }
            Bump::None | Bump::Done => {}
        }
        batch.push(EVENT_INSERT);
    }
    batch
        .bind(workspace_id)
        .bind(project_id)
        .bind(kind.to_string())
        .bind(action.to_string())
        .bind(key.to_string())
        .bind(actor_id)
        .bind(Utc::now())
        .bind(versioned)
        .bind((!fields.is_empty()).then(|| fields.join(",")))
        .bind(mark.as_ref().map(|m| m.rule_id))
        .bind(mark.as_ref().map_or(0, |m| m.depth));
    if DbStore::WITH_WRITES {
        batch.bind(consumers.join(","));
        if let Some(history) = history {
            batch
                .bind(history.entity_id)
                .bind(history.label)
                .bind(history.changes)
                .bind(rule_name);
        }
        return;
    }
    for consumer in consumers {
        batch.push(&DELIVERY_INSERT).bind(consumer);
    }
    batch.push(&WEBHOOK_DELIVERY_INSERT).bind(workspace_id);
    batch.push(&AUTOMATION_DELIVERY_INSERT).bind(workspace_id);
}

/// Which plan versions an event moves on.
#[derive(Clone, Copy)]
enum Bump {
    /// None: the event changes no plan, or the write moved its project's
    /// version on already.
    None,
    Done,
    /// Its project's.
    Project,
    /// Every project's of the workspace (a person's hours changed).
    Workspace,
}

/// An event's row: $1 workspace, $2 project, $3 kind, $4 action, $5 key,
/// $6 actor, $7 at, $8 the project whose plan version it keeps (none),
/// $9 fields, $10 rule, $11 depth.
const EVENT_INSERT: &str = "INSERT INTO events (workspace_id, project_id, kind, action, object_key, actor_id, at, plan_version, fields, rule_id, depth) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT plan_version FROM projects WHERE id = $8), $9, $10, $11)";

/// [`EVENT_INSERT`] as one statement with all that goes with it, by
/// [`Bump`]: the plan version moved on, the deliveries ($12, the
/// once-only consumers, joined by commas, and webhooks' and automation's
/// where the workspace has them) and the word to every node (`NOTIFY`,
/// sent at commit). The clauses see the database as it was before the
/// statement, so the version the event keeps is the one its own `UPDATE`
/// returns.
pub(crate) static EVENT_WITH: std::sync::LazyLock<[String; 4]> =
    std::sync::LazyLock::new(|| event_with(""));

/// [`EVENT_WITH`] with the change's history row as one more clause: $13
/// the entity's id, $14 its label, $15 the changes, $16 the rule's name;
/// the rest of the row is the event's.
static RECORDED_EVENT_WITH: std::sync::LazyLock<[String; 4]> = std::sync::LazyLock::new(|| {
    event_with(
        "a AS (INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes, rule_name) \
         VALUES ($1, $2, $6, $7, $3, $13, $14, $4, $15, $16)), ",
    )
});

/// The four statements of [`EVENT_WITH`], by [`Bump`], each opening with
/// the clauses `first`.
fn event_with(first: &str) -> [String; 4] {
    let statement = |bump: &str, version: &str| {
        format!(
            "WITH {first}{bump}e AS (INSERT INTO events (workspace_id, project_id, kind, action, object_key, actor_id, at, plan_version, fields, rule_id, depth) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, {version}, $9, $10, $11) \
             RETURNING id, workspace_id, project_id, kind, action, object_key, actor_id, at, rule_id, depth), \
             d AS (INSERT INTO event_deliveries (consumer, event_id) \
             SELECT c.consumer, e.id FROM e CROSS JOIN unnest(string_to_array(CAST($12 AS TEXT), ',')) AS c(consumer) \
             UNION ALL SELECT '{webhooks}', e.id FROM e WHERE EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = $1 AND active) \
             UNION ALL SELECT '{automation}', e.id FROM e WHERE EXISTS (SELECT 1 FROM rules WHERE workspace_id = $1 AND enabled)) \
             {notify}",
            webhooks = crate::events::WEBHOOKS,
            automation = crate::events::AUTOMATION,
            // A backend without a word to other nodes has one process.
            notify = DbStore::NOTIFY.unwrap_or("SELECT 1"),
        )
    };
    let read = "(SELECT plan_version FROM projects WHERE id = $8)";
    [
        statement("", read),
        statement("", read),
        statement(
            "v AS (UPDATE projects SET plan_version = plan_version + 1 WHERE id = $8 RETURNING plan_version), ",
            "(SELECT plan_version FROM v)",
        ),
        statement(
            "v AS (UPDATE projects SET plan_version = plan_version + 1 WHERE workspace_id = $1), ",
            read,
        ),
    ]
}

/// A delivery of the event the write inserted last.
static DELIVERY_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("INSERT INTO event_deliveries (consumer, event_id) VALUES ($1, {LAST_EVENT_ID})")
});

/// The webhooks' delivery of the event the write inserted last, when its
/// workspace has an active webhook.
static WEBHOOK_DELIVERY_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO event_deliveries (consumer, event_id) SELECT '{}', {LAST_EVENT_ID} \
         WHERE EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = $1 AND active)",
        crate::events::WEBHOOKS,
    )
});

/// Automation's delivery of the event the write inserted last, when its
/// workspace has an enabled rule.
static AUTOMATION_DELIVERY_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO event_deliveries (consumer, event_id) SELECT '{}', {LAST_EVENT_ID} \
         WHERE EXISTS (SELECT 1 FROM rules WHERE workspace_id = $1 AND enabled)",
        crate::events::AUTOMATION,
    )
});

pub(super) const EVENT_COLUMNS: &str = "e.id, e.workspace_id, e.project_id, e.kind, e.action, e.object_key, e.actor_id, e.at, e.fields, e.rule_id, e.depth";

/// [`EventStore::events_after`](crate::events::EventStore::events_after)
/// on a pool, for the SQLite feed's own task.
pub(crate) async fn events_after(
    pool: &sqlx::Pool<Db>,
    after: Id,
    limit: usize,
) -> Result<Vec<crate::events::Event>> {
    let rows = sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM events e WHERE e.id > $1 ORDER BY e.id LIMIT $2"
    ))
    .bind(after)
    .bind(limit as i64)
    .fetch_all(pool)
    .await?;
    rows.iter().map(crate::events::event_from_row).collect()
}

#[async_trait]
impl crate::events::EventStore for DbStore {
    async fn events_after(&self, after: Id, limit: usize) -> Result<Vec<crate::events::Event>> {
        events_after(self.reader(), after, limit).await
    }

    async fn last_event_id(&self) -> Result<Id> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
            .fetch_one(self.reader())
            .await?;
        Ok(id.unwrap_or(0))
    }

    async fn claim_deliveries(
        &self,
        consumer: &str,
        limit: usize,
        lease: std::time::Duration,
    ) -> Result<Vec<crate::events::Delivery>> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(1));
        retry_transient(|| async {
            let mut tx = self.write_tx().await?;
            plan_tx(&mut tx, DbStore::QUEUE_PLAN).await?;
            let claimed: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT event_id FROM event_deliveries \
                 WHERE consumer = $1 AND (claimed_until IS NULL OR claimed_until < $2) \
                 ORDER BY event_id LIMIT $3{}",
                DbStore::SKIP_LOCKED
            ))
            .bind(consumer)
            .bind(now)
            .bind(limit as i64)
            .fetch_all(&mut *tx)
            .await?;
            if claimed.is_empty() {
                tx.commit().await?;
                return Ok(Vec::new());
            }
            let mut update =
                QueryBuilder::<Db>::new("UPDATE event_deliveries SET claimed_until = ");
            update
                .push_bind(until)
                .push(" WHERE consumer = ")
                .push_bind(consumer)
                .push(" AND event_id IN (");
            let mut ids = update.separated(", ");
            for id in &claimed {
                ids.push_bind(*id);
            }
            update.push(")");
            update.build().execute(&mut *tx).await?;
            let mut select = QueryBuilder::<Db>::new(format!(
                "SELECT {EVENT_COLUMNS}, p.key AS project_key FROM events e \
                 LEFT JOIN projects p ON p.id = e.project_id WHERE e.id IN ("
            ));
            let mut ids = select.separated(", ");
            for id in &claimed {
                ids.push_bind(*id);
            }
            select.push(") ORDER BY e.id");
            let rows = select.build().fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows.iter().map(crate::events::delivery_from_row).collect()
        })
        .await
    }

    async fn complete_deliveries(&self, consumer: &str, event_ids: &[Id]) -> Result<()> {
        for chunk in event_ids.chunks(500) {
            let mut delete =
                QueryBuilder::<Db>::new("DELETE FROM event_deliveries WHERE consumer = ");
            delete.push_bind(consumer).push(" AND event_id IN (");
            let mut ids = delete.separated(", ");
            for id in chunk {
                ids.push_bind(*id);
            }
            delete.push(")");
            delete.build().execute(self.writer()).await?;
        }
        Ok(())
    }

    async fn complete_project_deliveries(
        &self,
        consumer: &str,
        project_id: Id,
        up_to: Id,
    ) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        plan_tx(&mut tx, DbStore::QUEUE_PLAN).await?;
        let done = sqlx::query(
            "DELETE FROM event_deliveries WHERE consumer = $1 AND event_id <= $2 \
             AND EXISTS (SELECT 1 FROM events e WHERE e.id = event_deliveries.event_id AND e.project_id = $3)",
        )
        .bind(consumer)
        .bind(up_to)
        .bind(project_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(done)
    }

    async fn outbox_backlog(
        &self,
        consumer: &str,
        now: DateTime<Utc>,
    ) -> Result<(u64, Option<std::time::Duration>)> {
        let mut tx = self.read_tx().await?;
        plan_tx(&mut tx, DbStore::QUEUE_PLAN).await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS pending, MIN(e.at) AS oldest FROM event_deliveries d \
             JOIN events e ON e.id = d.event_id WHERE d.consumer = $1",
        )
        .bind(consumer)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let pending: i64 = row.try_get("pending")?;
        let oldest: Option<DateTime<Utc>> = row.try_get("oldest")?;
        Ok((
            pending.max(0) as u64,
            oldest.map(|at| (now - at).to_std().unwrap_or_default()),
        ))
    }

    async fn claim_job(
        &self,
        name: &str,
        now: DateTime<Utc>,
        every: std::time::Duration,
    ) -> Result<bool> {
        let next = now + chrono::Duration::from_std(every).unwrap_or(chrono::Duration::hours(1));
        // A first run: the row appears already claimed by whoever
        // inserts it; the other nodes' inserts do nothing.
        let inserted = sqlx::query(
            "INSERT INTO jobs (name, due_at, last_run_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(next)
        .bind(now)
        .execute(self.writer())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(true);
        }
        // One statement: of nodes racing, one finds it due.
        let claimed = sqlx::query(
            "UPDATE jobs SET due_at = $1, last_run_at = $2 WHERE name = $3 AND due_at <= $2",
        )
        .bind(next)
        .bind(now)
        .bind(name)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    async fn purge_events(&self, before: DateTime<Utc>) -> Result<u64> {
        let purged = sqlx::query(
            "DELETE FROM events WHERE at < $1 \
             AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = events.id)",
        )
        .bind(before)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(purged)
    }

    fn event_feed(&self) -> tokio::sync::broadcast::Receiver<crate::events::Event> {
        self.feed()
    }
}
