//! Webhooks over the API against a receiver on loopback: who may manage
//! them, what is refused and why, the signed body, retries after a 500,
//! redelivery, pings, and nothing lost across a restart.
//!
//! The sender claims a batch and records every attempt of it before it
//! claims the next, so once a ping queued later has arrived, every
//! attempt before it is in the log: the tests read the log after one.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tandem_server::webhooks::WebhookOptions;

use super::*;
use crate::common::receiver::{Received, Receiver};

const SECRET: &str = "s3cret-of-acme";

fn loopback() -> WebhookOptions {
    WebhookOptions {
        allow_private: true,
        retry_base: Duration::from_millis(20),
    }
}

fn signed_by(secret: &str, got: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&got.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    got.signature == format!("sha256={hex}")
}

/// Pings webhook `id` and waits for the ping: every attempt queued before
/// it is then in the log.
async fn settle(ada: &Api, id: i64, receiver: &mut Receiver) {
    let (status, ping) = ada
        .post(&format!("{WS}/webhooks/{id}/ping"), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ping}");
    loop {
        if receiver.next().await.event == "ping" {
            return;
        }
    }
}

#[tokio::test]
async fn deliveries_are_signed_retried_and_sent_again_by_hand() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::with_webhooks(&url, loopback()).await;
        let mut receiver = Receiver::start().await;
        let (ada, mel, gus, zoe) = (
            Api::login(&server.base, "ada").await,
            Api::login(&server.base, "mel").await,
            Api::login(&server.base, "gus").await,
            Api::login(&server.base, "zoe").await,
        );
        let hook = json!({
            "url": receiver.url,
            "secret": SECRET,
            "events": ["task.created", "task.status_changed"],
        });

        // Owners and admins only: a webhook sends the whole workspace out.
        for someone in [&mel, &gus] {
            let (status, _) = someone.post(&format!("{WS}/webhooks"), hook.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            let (status, _) = someone.get(&format!("{WS}/webhooks")).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        // What is wrong is named, and nothing is made.
        for (body, field, says) in [
            (
                json!({"secret": SECRET, "events": ["task.created"]}),
                "url",
                "required",
            ),
            (
                json!({"url": receiver.url, "events": ["task.created"]}),
                "secret",
                "required",
            ),
            (
                json!({"url": receiver.url, "secret": SECRET}),
                "events",
                "required",
            ),
            (
                json!({"url": "ftp://x.org/h", "secret": SECRET, "events": ["task.created"]}),
                "url",
                "http or https",
            ),
            (
                json!({"url": receiver.url, "secret": " ", "events": ["task.created"]}),
                "secret",
                "secret",
            ),
            (
                json!({"url": receiver.url, "secret": SECRET, "events": ["task.exploded"]}),
                "events",
                "task.exploded",
            ),
            (
                json!({"url": receiver.url, "secret": SECRET, "events": ["task.created"], "colour": 1}),
                "colour",
                "",
            ),
        ] {
            let (status, problem) = ada.post(&format!("{WS}/webhooks"), body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
            let named = problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == field)
                .unwrap_or_else(|| panic!("{field} not named: {problem}"));
            assert!(
                named["message"].as_str().unwrap().contains(says),
                "{problem}"
            );
        }
        let (_, none) = ada.get(&format!("{WS}/webhooks")).await;
        assert_eq!(none, json!([]));

        let (status, created) = ada.post(&format!("{WS}/webhooks"), hook.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(
            created["events"],
            json!(["task.created", "task.status_changed"])
        );
        assert!(created.get("secret").is_none(), "the secret is never shown");
        // Another workspace's owner does not see it.
        let (status, _) = zoe
            .get(&format!("/api/v1/workspaces/other/webhooks/{id}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A task made: its event and the task, signed with the secret.
        plan(&ada).await;
        let got = receiver.next().await;
        assert_eq!(got.event, "task.created");
        assert!(signed_by(SECRET, &got), "the signature verifies");
        assert!(!signed_by("another secret", &got));
        let body = got.json();
        assert_eq!(body["event"], "task.created");
        assert_eq!(body["workspace"], "acme");
        assert_eq!(body["project_key"], "LAUNCH");
        assert_eq!(body["task"]["key"], "LAUNCH-1");
        assert_eq!(body["actor"]["email"], "ada@x.org");
        for _ in 1..3 {
            assert_eq!(receiver.next().await.event, "task.created");
        }

        // A title changed is no event it asked for; a status changed is,
        // and the receiver's 500 makes the sender try again.
        let (status, _) = ada
            .patch(&format!("{WS}/tasks/LAUNCH-2"), json!({"title": "Renamed"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        receiver.answer(&[500, 503]);
        let (status, _) = ada
            .patch(
                &format!("{WS}/tasks/LAUNCH-2"),
                json!({"status": "in_progress"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let first = receiver.next().await;
        assert_eq!(first.event, "task.status_changed");
        assert_eq!(first.json()["changed"], json!(["status"]));
        assert_eq!(first.json()["task"]["status"], "in_progress");
        let (second, third) = (receiver.next().await, receiver.next().await);
        for again in [&second, &third] {
            assert_eq!(again.delivery, first.delivery, "the same delivery");
            assert_eq!(again.body, first.body, "the same body");
            assert_eq!(again.signature, first.signature);
        }
        settle(&ada, id, &mut receiver).await;
        // The receiver has the third attempt; its outcome is recorded by
        // the sender after the answer, which the ping can overtake (the
        // sender sends deliveries side by side): read the log until the
        // record is there.
        let wanted = first.delivery.parse::<i64>().unwrap();
        let mut log = Value::Null;
        for _ in 0..10_000 {
            let (status, read) = ada.get(&format!("{WS}/webhooks/{id}/deliveries")).await;
            assert_eq!(status, StatusCode::OK, "{read}");
            log = read;
            let recorded = log
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["id"] == wanted && d["attempts"] == 3);
            if recorded {
                break;
            }
            tokio::task::yield_now().await;
        }
        let retried = log
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == wanted)
            .unwrap();
        assert_eq!(retried["status"], "delivered", "{retried}");
        assert_eq!(retried["attempts"], 3);
        assert_eq!(retried["response_code"], 200);
        assert!(retried["next_attempt_at"].is_null());
        assert!(retried.get("body").is_none(), "lists leave bodies out");
        let events: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["event"].as_str().unwrap())
            .collect();
        assert_eq!(
            events.iter().filter(|e| **e == "task.created").count(),
            3,
            "{events:?}"
        );
        assert!(!events.contains(&"task.updated"));
        let (_, page) = ada
            .get(&format!("{WS}/webhooks/{id}/deliveries?limit=2"))
            .await;
        assert_eq!(page.as_array().unwrap().len(), 2);
        let (status, problem) = ada
            .get(&format!("{WS}/webhooks/{id}/deliveries?limit=1000"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");

        // Sent again by hand: the same body and signature, a delivery of
        // its own.
        let (status, again) = ada
            .post(
                &format!("{WS}/webhooks/{id}/deliveries/{}/redeliver", first.delivery),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{again}");
        assert_eq!(again["redelivery_of"].to_string(), first.delivery);
        let resent = receiver.next().await;
        assert_eq!(resent.delivery, again["id"].to_string());
        assert_eq!(resent.body, first.body);
        assert_eq!(resent.signature, first.signature);
        let (status, one) = ada
            .get(&format!("{WS}/webhooks/{id}/deliveries/{}", first.delivery))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["body"]["task"]["key"], "LAUNCH-2");

        // Off: nothing goes out, and nothing can be sent by hand.
        let (status, off) = ada
            .call_with(
                Method::PATCH,
                &format!("{WS}/webhooks/{id}"),
                Some(json!({"active": false})),
                &[("if-match", &format!("\"{}\"", created["version"]))],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{off}");
        assert_eq!(off["active"], false);
        let (status, problem) = ada
            .post(&format!("{WS}/webhooks/{id}/ping"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        // A stale version is refused.
        let (status, _) = ada
            .call_with(
                Method::DELETE,
                &format!("{WS}/webhooks/{id}"),
                None,
                &[("if-match", &format!("\"{}\"", created["version"]))],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (status, _) = ada
            .call(Method::DELETE, &format!("{WS}/webhooks/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = ada.get(&format!("{WS}/webhooks/{id}/deliveries")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        server.stop().await;
    }
}

#[tokio::test]
async fn private_targets_are_refused_unless_the_server_allows_them() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ada = Api::login(&server.base, "ada").await;
    for target in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let (status, problem) = ada
            .post(
                &format!("{WS}/webhooks"),
                json!({"url": target, "secret": SECRET, "events": ["*"]}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{target}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], "url", "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("--allow-private-webhooks"),
            "{problem}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn an_event_written_while_the_server_was_down_is_delivered_when_it_starts() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::with_webhooks(&url, loopback()).await;
        let mut receiver = Receiver::start().await;
        let ada = Api::login(&server.base, "ada").await;
        let (status, created) = ada
            .post(
                &format!("{WS}/webhooks"),
                json!({"url": receiver.url, "secret": SECRET, "events": ["project.created", "task.deleted"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let url = server.stop().await;

        // Written with no server running: only the outbox knows.
        let store = tandem_store::open(&url).await.unwrap();
        let acme = store.workspace_by_slug("acme").await.unwrap().unwrap();
        let ada_id = store
            .user_by_email(&tandem_domain::Email::parse("ada@x.org").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        let scope = tandem_store::Scope {
            workspace_id: acme.id,
            user_id: ada_id,
            role: tandem_domain::Role::Admin,
        };
        let fields = tandem_domain::NewProject {
            key: tandem_domain::ProjectKey::parse("DARK").unwrap(),
            fields: tandem_domain::ProjectFields::named("Made in the dark"),
        };
        store
            .create_project(scope.writer().unwrap(), &fields)
            .await
            .unwrap();
        drop(store);

        let server = Server::with_webhooks(&url, loopback()).await;
        let got = receiver.next().await;
        assert_eq!(got.event, "project.created");
        assert!(signed_by(SECRET, &got));
        assert_eq!(got.json()["project_key"], "DARK");
        assert_eq!(got.json()["project"]["name"], "Made in the dark");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_change_that_is_two_events_is_delivered_as_both() {
    let url = fresh_sqlite_url();
    seed(&url).await;
    let server = Server::with_webhooks(&url, loopback()).await;
    let mut receiver = Receiver::start().await;
    let ada = Api::login(&server.base, "ada").await;
    let (status, hook) = ada
        .post(
            &format!("{WS}/webhooks"),
            json!({"url": receiver.url, "secret": SECRET, "events": ["*"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    plan(&ada).await;
    let (status, _) = ada
        .patch(
            &format!("{WS}/tasks/LAUNCH-1"),
            json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Whatever else the plan sent first, the status change comes as both
    // names, with the same event id.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let got = receiver.next().await;
        let body = got.json();
        if body["task"]["key"] == "LAUNCH-1" && body["changed"] == json!(["status"]) {
            seen.push((got.event.clone(), body["id"].clone()));
        }
    }
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(seen[0].0, "task.status_changed");
    assert_eq!(seen[1].0, "task.updated");
    assert_eq!(seen[0].1, seen[1].1);
    // Secrets are kept as given, so spaces around one are refused.
    let (status, problem) = ada
        .post(
            &format!("{WS}/webhooks"),
            json!({"url": receiver.url, "secret": " padded ", "events": ["*"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "secret");
    server.stop().await;
}

/// Waits for the next delivery of `project.health_changed`.
async fn health_changed(receiver: &mut Receiver) -> Value {
    loop {
        let got = receiver.next().await;
        if got.event == "project.health_changed" {
            return got.json();
        }
    }
}

#[tokio::test]
async fn a_change_of_a_projects_health_is_told_once_by_nobody() {
    for url in databases().await {
        seed(&url).await;
        // On PostgreSQL two nodes judge every change; each change of
        // health is told once. (SQLite has one process.)
        let server = Server::with_webhooks(&url, loopback()).await;
        let other = match url.starts_with("postgres") {
            true => Some(Server::with_webhooks(&url, loopback()).await),
            false => None,
        };
        let mut receiver = Receiver::start().await;
        let ada = Api::login(&server.base, "ada").await;
        let (status, hook) = ada
            .post(
                &format!("{WS}/webhooks"),
                json!({"url": receiver.url, "secret": SECRET, "events": ["project.health_changed"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{hook}");
        plan(&ada).await;
        let (_, before) = ada.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(before["health"], "on_track", "{before}");

        // A severe open risk puts the project at risk.
        let (status, risk) = ada
            .post(
                &format!("{WS}/projects/LAUNCH/risks"),
                json!({"title": "Vendor may fold", "probability": 5, "impact": 4}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{risk}");
        let body = health_changed(&mut receiver).await;
        assert_eq!(body["project"]["key"], "LAUNCH", "{body}");
        assert_eq!(body["project"]["health"], "at_risk", "{body}");
        assert_eq!(body["changed"], json!(["health"]));
        assert!(body["actor"].is_null(), "a judgement is nobody's: {body}");
        // A judgement is not an edit: nobody's If-Match goes stale.
        let (_, after) = ada.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(after["health"], "at_risk");
        assert_eq!(after["version"], before["version"]);

        // Closing the risk puts it back on track: the second change.
        let (status, closed) = ada
            .patch(
                &format!("{WS}/risks/{}", risk["id"]),
                json!({"status": "closed"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        let body = health_changed(&mut receiver).await;
        assert_eq!(body["project"]["health"], "on_track", "{body}");

        // Each change is one row of the project's history, whichever
        // node judged it; the ping sent after them finds no third.
        settle(&ada, hook["id"].as_i64().unwrap(), &mut receiver).await;
        let (_, history) = ada.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        let judged: Vec<&Value> = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["action"] == "health changed")
            .collect();
        assert_eq!(judged.len(), 2, "{history}");
        assert!(judged.iter().all(|h| h["actor"].is_null()), "{history}");
        let (_, log) = ada
            .get(&format!("{WS}/webhooks/{}/deliveries", hook["id"]))
            .await;
        let told = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["event"] == "project.health_changed")
            .count();
        assert_eq!(told, 2, "{log}");
        if let Some(other) = other {
            other.stop().await;
        }
        server.stop().await;
    }
}
