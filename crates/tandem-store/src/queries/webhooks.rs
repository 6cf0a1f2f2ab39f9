//! Webhooks and their deliveries; the queries, compiled once per backend
//! (see `mod.rs`).

use crate::webhooks::{
    Attempt, Busy, DELIVERED, DueDelivery, FAILED, NewDelivery, PENDING, Webhook, WebhookDelivery,
    WebhookFields, WebhookStore,
};

use super::*;

const WEBHOOK_COLUMNS: &str = "id, workspace_id, url, secret, events, active, disabled_reason, \
    failures_in_a_row, created_by, created_at, version, \
    (SELECT slug FROM workspaces s WHERE s.id = webhooks.workspace_id) AS workspace";

const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.event_id, d.event, d.body, d.status, \
    d.attempts, d.next_attempt_at, d.response_code, d.error, d.duration_ms, d.redelivery_of, \
    d.created_at, d.last_attempt_at";

fn webhook_from_row(row: &impl Columns) -> Result<Webhook> {
    Ok(Webhook {
        id: row.get("id")?,
        workspace_id: row.get("workspace_id")?,
        workspace: row.get("workspace")?,
        url: row.get("url")?,
        secret: row.get("secret")?,
        events: row
            .text("events")?
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
        active: row.get("active")?,
        disabled_reason: row.get("disabled_reason")?,
        failures_in_a_row: row.get("failures_in_a_row")?,
        created_by: row.get("created_by")?,
        created_at: row.get("created_at")?,
        version: row.get("version")?,
    })
}

fn delivery_from_row(row: &impl Columns) -> Result<WebhookDelivery> {
    Ok(WebhookDelivery {
        id: row.get("id")?,
        webhook_id: row.get("webhook_id")?,
        event_id: row.get("event_id")?,
        event: row.get("event")?,
        body: row.get("body")?,
        status: row.get("status")?,
        attempts: row.get("attempts")?,
        next_attempt_at: row.get("next_attempt_at")?,
        response_code: row.get("response_code")?,
        error: row.get("error")?,
        duration_ms: row.get("duration_ms")?,
        redelivery_of: row.get("redelivery_of")?,
        created_at: row.get("created_at")?,
        last_attempt_at: row.get("last_attempt_at")?,
    })
}

async fn fetch_webhook(
    executor: impl sqlx::Executor<'_, Database = Db>,
    scope: Scope,
    id: Id,
) -> Result<Webhook> {
    let row = sqlx::query(&format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND workspace_id = $2"
    ))
    .bind(id)
    .bind(scope.workspace_id)
    .fetch_optional(executor)
    .await?
    .ok_or(StoreError::NotFound("webhook"))?;
    webhook_from_row(&row)
}

async fn fetch_delivery(
    executor: impl sqlx::Executor<'_, Database = Db>,
    scope: Scope,
    webhook_id: Id,
    id: Id,
) -> Result<WebhookDelivery> {
    let row = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.id = $1 AND d.webhook_id = $2 AND w.workspace_id = $3"
    ))
    .bind(id)
    .bind(webhook_id)
    .bind(scope.workspace_id)
    .fetch_optional(executor)
    .await?
    .ok_or(StoreError::NotFound("delivery"))?;
    delivery_from_row(&row)
}

#[async_trait]
impl WebhookStore for DbStore {
    async fn create_webhook(&self, scope: AdminScope, fields: &WebhookFields) -> Result<Webhook> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (workspace_id, url, secret, events, active, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(&fields.url)
        .bind(&fields.secret)
        .bind(fields.events.join(","))
        .bind(fields.active)
        .bind(scope.user_id)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        let created = fetch_webhook(&mut *tx, *scope, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_webhooks(&self, scope: AdminScope) -> Result<Vec<Webhook>> {
        let rows = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE workspace_id = $1 ORDER BY id"
        ))
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(webhook_from_row).collect()
    }

    async fn get_webhook(&self, scope: AdminScope, id: Id) -> Result<Webhook> {
        fetch_webhook(self.reader(), *scope, id).await
    }

    async fn update_webhook(
        &self,
        scope: AdminScope,
        id: Id,
        expected_version: Option<i64>,
        fields: &WebhookFields,
    ) -> Result<Webhook> {
        let mut tx = self.write_tx().await?;
        let current = fetch_webhook(&mut *tx, *scope, id).await?;
        check_version(expected_version, current.version)?;
        let turned_on = fields.active && !current.active;
        sqlx::query(
            "UPDATE webhooks SET url = $1, secret = $2, events = $3, active = $4, \
             disabled_reason = CASE WHEN $4 THEN NULL ELSE disabled_reason END, \
             failures_in_a_row = CASE WHEN $5 THEN 0 ELSE failures_in_a_row END, \
             given_up_in_a_row = CASE WHEN $5 THEN 0 ELSE given_up_in_a_row END, \
             version = version + 1 WHERE id = $6",
        )
        .bind(&fields.url)
        .bind(&fields.secret)
        .bind(fields.events.join(","))
        .bind(fields.active)
        .bind(turned_on)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let updated = fetch_webhook(&mut *tx, *scope, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn delete_webhook(
        &self,
        scope: AdminScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let current = fetch_webhook(&mut *tx, *scope, id).await?;
        check_version(expected_version, current.version)?;
        sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn webhook_deliveries(
        &self,
        scope: AdminScope,
        webhook_id: Id,
        before: Option<Id>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>> {
        fetch_webhook(self.reader(), *scope, webhook_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             WHERE d.webhook_id = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3"
        ))
        .bind(webhook_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit as i64)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    async fn get_webhook_delivery(
        &self,
        scope: AdminScope,
        webhook_id: Id,
        delivery_id: Id,
    ) -> Result<WebhookDelivery> {
        fetch_delivery(self.reader(), *scope, webhook_id, delivery_id).await
    }

    async fn queue_by_hand(
        &self,
        scope: AdminScope,
        webhook_id: Id,
        event: &str,
        body: &str,
        redelivery_of: Option<Id>,
    ) -> Result<WebhookDelivery> {
        let mut tx = self.write_tx().await?;
        let webhook = fetch_webhook(&mut *tx, *scope, webhook_id).await?;
        if !webhook.active {
            return Err(StoreError::invalid(
                "webhook",
                "the webhook is off: turn it on first, and its pending deliveries go out too",
            ));
        }
        let event_id = match redelivery_of {
            Some(of) => {
                fetch_delivery(&mut *tx, *scope, webhook_id, of)
                    .await?
                    .event_id
            }
            None => None,
        };
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (webhook_id, event_id, event, body, status, next_attempt_at, redelivery_of, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING id",
        )
        .bind(webhook_id)
        .bind(event_id)
        .bind(event)
        .bind(body)
        .bind(PENDING)
        .bind(now)
        .bind(redelivery_of)
        .fetch_one(&mut *tx)
        .await?;
        let queued = fetch_delivery(&mut *tx, *scope, webhook_id, id).await?;
        tx.commit().await?;
        Ok(queued)
    }

    async fn active_webhooks(&self, workspace_ids: &[Id]) -> Result<Vec<Webhook>> {
        if workspace_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut select = QueryBuilder::<Db>::new(format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE active AND workspace_id IN ("
        ));
        let mut ids = select.separated(", ");
        for id in workspace_ids {
            ids.push_bind(*id);
        }
        select.push(") ORDER BY id");
        let rows = select.build().fetch_all(self.reader()).await?;
        rows.iter().map(webhook_from_row).collect()
    }

    async fn queue_deliveries(&self, deliveries: &[NewDelivery]) -> Result<u64> {
        let mut queued = 0;
        let now = Utc::now();
        // A few hundred rows a statement keep under either backend's limit
        // of bound parameters.
        for chunk in deliveries.chunks(200) {
            let mut insert = QueryBuilder::<Db>::new(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, event, body, status, next_attempt_at, created_at) ",
            );
            insert.push_values(chunk, |mut row, d| {
                row.push_bind(d.webhook_id)
                    .push_bind(d.event_id)
                    .push_bind(d.event.clone())
                    .push_bind(d.body.clone())
                    .push_bind(PENDING)
                    .push_bind(now)
                    .push_bind(now);
            });
            insert.push(
                " ON CONFLICT (webhook_id, event_id, event) WHERE redelivery_of IS NULL AND event_id IS NOT NULL DO NOTHING",
            );
            queued += insert.build().execute(self.writer()).await?.rows_affected();
        }
        Ok(queued)
    }

    async fn claim_webhook_deliveries(
        &self,
        limit: usize,
        lease: std::time::Duration,
        now: DateTime<Utc>,
        busy: &Busy,
    ) -> Result<Vec<DueDelivery>> {
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(1));
        retry_transient(|| async {
            let mut tx = self.write_tx().await?;
            let mut pick = QueryBuilder::<Db>::new("SELECT id FROM webhook_deliveries WHERE status = ");
            pick.push_bind(PENDING)
                .push(" AND next_attempt_at <= ")
                .push_bind(now)
                .push(" AND (claimed_until IS NULL OR claimed_until < ")
                .push_bind(now)
                .push(") AND webhook_id IN (SELECT id FROM webhooks WHERE active");
            if !busy.workspaces.is_empty() {
                pick.push(" AND workspace_id NOT IN (");
                let mut ids = pick.separated(", ");
                for id in &busy.workspaces {
                    ids.push_bind(*id);
                }
                pick.push(")");
            }
            pick.push(")");
            if !busy.webhooks.is_empty() {
                pick.push(" AND webhook_id NOT IN (");
                let mut ids = pick.separated(", ");
                for id in &busy.webhooks {
                    ids.push_bind(*id);
                }
                pick.push(")");
            }
            pick.push(" ORDER BY next_attempt_at, id LIMIT ")
                .push_bind(limit as i64)
                .push(DbStore::SKIP_LOCKED);
            let claimed: Vec<i64> = pick.build_query_scalar().fetch_all(&mut *tx).await?;
            if claimed.is_empty() {
                tx.commit().await?;
                return Ok(Vec::new());
            }
            let mut update =
                QueryBuilder::<Db>::new("UPDATE webhook_deliveries SET claimed_until = ");
            update.push_bind(until).push(" WHERE id IN (");
            let mut ids = update.separated(", ");
            for id in &claimed {
                ids.push_bind(*id);
            }
            update.push(")");
            update.build().execute(&mut *tx).await?;
            let mut select = QueryBuilder::<Db>::new(format!(
                "SELECT {DELIVERY_COLUMNS}, w.url, w.secret, w.workspace_id FROM webhook_deliveries d \
                 JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN ("
            ));
            let mut ids = select.separated(", ");
            for id in &claimed {
                ids.push_bind(*id);
            }
            select.push(") ORDER BY d.next_attempt_at, d.id");
            let rows = select.build().fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows.iter()
                .map(|row| {
                    Ok(DueDelivery {
                        delivery: delivery_from_row(row)?,
                        workspace_id: Columns::get(row, "workspace_id")?,
                        url: Columns::get(row, "url")?,
                        secret: Columns::get(row, "secret")?,
                    })
                })
                .collect()
        })
        .await
    }

    async fn release_webhook_deliveries(&self, ids: &[Id]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut update = QueryBuilder::<Db>::new(
            "UPDATE webhook_deliveries SET claimed_until = NULL WHERE id IN (",
        );
        let mut list = update.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        update.push(")");
        update.build().execute(self.writer()).await?;
        Ok(())
    }

    async fn finish_webhook_delivery(
        &self,
        delivery_id: Id,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let status = match (attempt.succeeded(), attempt.retry_at) {
            (true, _) => DELIVERED,
            (false, Some(_)) => PENDING,
            (false, None) => FAILED,
        };
        let mut tx = self.write_tx().await?;
        let webhook_id: Option<i64> = sqlx::query_scalar(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, \
             next_attempt_at = $2, claimed_until = NULL, response_code = $3, error = $4, \
             duration_ms = $5, last_attempt_at = $6 WHERE id = $7 RETURNING webhook_id",
        )
        .bind(status)
        .bind(attempt.retry_at.unwrap_or(now))
        .bind(attempt.response_code)
        .bind(&attempt.error)
        .bind(attempt.duration_ms)
        .bind(now)
        .bind(delivery_id)
        .fetch_optional(&mut *tx)
        .await?;
        // The webhook was deleted meanwhile: nothing is left to record.
        let Some(webhook_id) = webhook_id else {
            tx.commit().await?;
            return Ok(());
        };
        if attempt.succeeded() {
            sqlx::query(
                "UPDATE webhooks SET failures_in_a_row = 0, given_up_in_a_row = 0 \
                 WHERE id = $1 AND (failures_in_a_row > 0 OR given_up_in_a_row > 0)",
            )
            .bind(webhook_id)
            .execute(&mut *tx)
            .await?;
        } else {
            // Turned off only after whole deliveries failed, every attempt
            // of each: a burst of events during a short outage is retried,
            // not the end of the webhook.
            let limit = tandem_domain::webhooks::DISABLE_AFTER as i64;
            let given_up = i64::from(attempt.retry_at.is_none());
            let reason = format!(
                "Turned off after {limit} deliveries in a row failed every attempt; the last: {}",
                attempt.error.as_deref().unwrap_or("no answer")
            );
            sqlx::query(
                "UPDATE webhooks SET failures_in_a_row = failures_in_a_row + 1, \
                 given_up_in_a_row = given_up_in_a_row + $4, \
                 active = CASE WHEN given_up_in_a_row + $4 >= $1 THEN FALSE ELSE active END, \
                 disabled_reason = CASE WHEN given_up_in_a_row + $4 >= $1 THEN $2 ELSE disabled_reason END, \
                 version = CASE WHEN given_up_in_a_row + $4 >= $1 AND active THEN version + 1 ELSE version END \
                 WHERE id = $3",
            )
            .bind(limit)
            .bind(reason)
            .bind(webhook_id)
            .bind(given_up)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn next_webhook_attempt(&self) -> Result<Option<DateTime<Utc>>> {
        let next: Option<DateTime<Utc>> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = $1 \
             AND webhook_id IN (SELECT id FROM webhooks WHERE active)",
        )
        .bind(PENDING)
        .fetch_one(self.reader())
        .await?;
        Ok(next)
    }
}
