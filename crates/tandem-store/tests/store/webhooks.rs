//! Webhooks in the store: the outbox hears of a workspace's events only
//! once it has a webhook; queueing an event twice queues it once; a due
//! delivery is claimed by one caller; attempts are recorded, and a few
//! deliveries in a row that failed every attempt turn the webhook off.

use chrono::{Duration as Days, Utc};
use tandem_domain::webhooks::DISABLE_AFTER;
use tandem_store::events::WEBHOOKS;
use tandem_store::webhooks::{Attempt, NewDelivery, WebhookFields};

use super::*;

const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

fn failed(retry_in: Option<i64>) -> Attempt {
    Attempt {
        response_code: Some(500),
        error: Some("answered 500 Internal Server Error".into()),
        duration_ms: 3,
        retry_at: retry_in.map(|s| Utc::now() + Days::seconds(s)),
    }
}

#[tokio::test]
async fn deliveries_are_queued_once_claimed_once_and_failures_turn_a_webhook_off() {
    for store in backends().await {
        let w = world(store.as_ref()).await;
        store
            .create_project(w.owner.writer().unwrap(), &project("HOOK"))
            .await
            .unwrap();
        // No webhook: the outbox keeps nothing for webhooks.
        assert!(
            store
                .claim_deliveries(WEBHOOKS, 100, LEASE)
                .await
                .unwrap()
                .is_empty()
        );
        let admin = w.owner.admin().unwrap();
        let hook = store
            .create_webhook(
                admin,
                &WebhookFields {
                    url: "https://example.org/hook".into(),
                    secret: "s".into(),
                    events: vec!["*".into()],
                    active: true,
                },
            )
            .await
            .unwrap();
        // Another workspace's owner sees none of it.
        assert!(
            store
                .get_webhook(w.other.admin().unwrap(), hook.id)
                .await
                .is_err()
        );
        let made = store
            .create_task(w.owner.writer().unwrap(), &task(Some("HOOK"), "Hooked"))
            .await
            .unwrap();
        let claimed = store.claim_deliveries(WEBHOOKS, 100, LEASE).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].event.key, made.key);
        assert_eq!(claimed[0].project_key.as_deref(), Some("HOOK"));

        // Queued twice (a node that died after queueing): once.
        let queue = [NewDelivery {
            webhook_id: hook.id,
            event_id: Some(claimed[0].event.id),
            event: "task.created".into(),
            body: "{}".into(),
        }];
        assert_eq!(store.queue_deliveries(&queue).await.unwrap(), 1);
        assert_eq!(store.queue_deliveries(&queue).await.unwrap(), 0);

        // Claimed by one caller until its lease ends.
        let now = Utc::now();
        let due = store
            .claim_webhook_deliveries(10, LEASE, now, &Default::default())
            .await
            .unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].url, "https://example.org/hook");
        assert!(
            store
                .claim_webhook_deliveries(10, LEASE, now, &Default::default())
                .await
                .unwrap()
                .is_empty()
        );
        let id = due[0].delivery.id;
        store
            .finish_webhook_delivery(id, &failed(Some(3600)), Utc::now())
            .await
            .unwrap();
        let log = store
            .webhook_deliveries(admin, hook.id, None, 10)
            .await
            .unwrap();
        assert_eq!((log[0].status.as_str(), log[0].attempts), ("pending", 1));
        assert_eq!(log[0].response_code, Some(500));
        // Not due yet; due an hour on.
        assert!(
            store
                .claim_webhook_deliveries(10, LEASE, Utc::now(), &Default::default())
                .await
                .unwrap()
                .is_empty()
        );
        let later = Utc::now() + Days::seconds(3601);
        assert_eq!(
            store
                .claim_webhook_deliveries(10, LEASE, later, &Default::default())
                .await
                .unwrap()
                .len(),
            1
        );

        // Attempts that will be tried again never turn it off, however many.
        for _ in 0..40 {
            store
                .finish_webhook_delivery(id, &failed(Some(3600)), Utc::now())
                .await
                .unwrap();
        }
        let still = store.get_webhook(admin, hook.id).await.unwrap();
        assert!(still.active);
        assert_eq!(still.failures_in_a_row, 41);
        // Deliveries that failed every attempt do, DISABLE_AFTER in a row.
        for n in 1..=DISABLE_AFTER {
            store
                .finish_webhook_delivery(id, &failed(None), Utc::now())
                .await
                .unwrap();
            let now = store.get_webhook(admin, hook.id).await.unwrap();
            assert_eq!(now.active, n < DISABLE_AFTER, "after {n} given up");
        }
        let off = store.get_webhook(admin, hook.id).await.unwrap();
        assert!(off.disabled_reason.as_deref().unwrap().contains("500"));
        // An off webhook's deliveries wait; the outbox no longer keeps
        // its workspace's events.
        let delivery = store
            .get_webhook_delivery(admin, hook.id, id)
            .await
            .unwrap();
        assert_eq!(delivery.status, "failed");
        store
            .create_task(w.owner.writer().unwrap(), &task(Some("HOOK"), "Unheard"))
            .await
            .unwrap();
        assert!(
            store
                .claim_deliveries(WEBHOOKS, 100, LEASE)
                .await
                .unwrap()
                .is_empty()
        );
        // On again: the failures are forgotten.
        let mut fields = off.fields();
        fields.active = true;
        let on = store
            .update_webhook(admin, hook.id, Some(off.version), &fields)
            .await
            .unwrap();
        assert!(on.active && on.disabled_reason.is_none());
        assert_eq!(on.failures_in_a_row, 0);
        store
            .finish_webhook_delivery(
                id,
                &Attempt {
                    response_code: Some(204),
                    error: None,
                    duration_ms: 1,
                    retry_at: None,
                },
                Utc::now(),
            )
            .await
            .unwrap();
        let log = store
            .webhook_deliveries(admin, hook.id, None, 10)
            .await
            .unwrap();
        assert_eq!(log[0].status, "delivered");
    }
}
