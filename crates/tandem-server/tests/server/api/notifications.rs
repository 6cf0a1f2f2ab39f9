//! Inboxes over the API, filled by the notifications job on a real
//! server: mentions, comments on what people follow, work assigned,
//! approvals, status changes; read, unread, archive; follow and unfollow;
//! preferences; and a guest told of nothing it may not open.

use std::time::Duration;

use super::*;

/// Waits, on the store's feed, until user `id`'s inbox grew.
async fn told(feed: &mut tokio::sync::broadcast::Receiver<tandem_store::events::Event>, id: i64) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match feed.recv().await {
                Ok(e) if e.kind == "inbox" && e.key == id.to_string() => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the feed ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("user {id} was told nothing within 30 s"));
}

async fn inbox(api: &Api) -> Vec<Value> {
    let (status, list) = api.get(&format!("{WS}/inbox")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

async fn id_of(api: &Api) -> i64 {
    api.get("/api/v1/me").await.1["user"]["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn people_are_told_what_concerns_them_once_and_only_what_they_may_open() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let watcher = tandem_store::open(&url).await.unwrap();
        let mut feed = watcher.event_feed();
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let ada = Api::login(&server.base, "ada").await;
        let gus = Api::login(&server.base, "gus").await;
        let (ana_id, mel_id, ada_id, gus_id) = (
            id_of(&ana).await,
            id_of(&mel).await,
            id_of(&ada).await,
            id_of(&gus).await,
        );
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;

        // A mention tells Ana and Gus (who may open LAUNCH); Mel, who
        // owns the task, hears of it as a follower. Nobody hears their own.
        let (_, c) = ada
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-1", "body": "@ana and @gus, the brief is late"}),
            )
            .await;
        told(&mut feed, ana_id).await;
        let items = inbox(&ana).await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0]["kind"], "mention");
        assert_eq!(
            items[0]["object"],
            json!({"kind": "task", "key": "LAUNCH-1", "title": "Brief", "project": "LAUNCH"})
        );
        assert_eq!(items[0]["comment"], c["id"]);
        assert_eq!(items[0]["read"], false);
        assert_eq!(items[0]["actor"]["email"], "ada@x.org");
        let gus_items = inbox(&gus).await;
        assert_eq!(gus_items[0]["kind"], "mention", "{gus_items:?}");
        let mel_items = inbox(&mel).await;
        assert!(
            mel_items.iter().any(|n| n["kind"] == "comment"),
            "{mel_items:?}"
        );
        assert!(inbox(&ada).await.is_empty(), "nobody hears their own");
        // Ana made the task and follows it; Gus, mentioned, follows it
        // from now on: the next comment reaches both as one.
        mel.post(
            &format!("{WS}/comments"),
            json!({"task": "LAUNCH-1", "body": "On it"}),
        )
        .await;
        told(&mut feed, ana_id).await;
        let items = inbox(&ana).await;
        assert_eq!(items[0]["kind"], "comment", "{items:?}");
        assert_eq!(inbox(&gus).await[0]["kind"], "comment");
        let (_, f) = gus.get(&format!("{WS}/follows?task=LAUNCH-1")).await;
        assert_eq!(f, json!({"following": true, "chosen": true}));

        // A mention on what a guest may not open tells the guest nothing,
        // title or not.
        let gus_items = inbox(&gus).await;
        ana.post(
            &format!("{WS}/comments"),
            json!({"task": "HIDDEN-1", "body": "@gus @mel between us"}),
        )
        .await;
        told(&mut feed, mel_id).await;
        let gus_now = inbox(&gus).await;
        assert_eq!(gus_now.len(), gus_items.len(), "{gus_now:?}");
        assert!(!serde_json::to_string(&gus_now).unwrap().contains("Hidden"));

        // Work given to someone tells them; approvals wait in the inbox.
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-2"),
            json!({"owner": "ada@x.org"}),
        )
        .await;
        told(&mut feed, ada_id).await;
        let items = inbox(&ada).await;
        assert_eq!(items[0]["kind"], "assigned", "{items:?}");
        assert_eq!(items[0]["object"]["key"], "LAUNCH-2");
        let (_, approval) = mel
            .post(
                &format!("{WS}/approvals"),
                json!({"task": "LAUNCH-3", "approvers": ["ada@x.org"]}),
            )
            .await;
        told(&mut feed, ada_id).await;
        let items = inbox(&ada).await;
        assert_eq!(items[0]["kind"], "approval", "{items:?}");
        assert_eq!(items[0]["approval"], approval["id"]);

        // Read, unread, all read, archived.
        let first = items[0]["id"].as_i64().unwrap();
        let unread = inbox_unread(&ada).await;
        assert_eq!(unread, items.len() as u64);
        let (_, count) = ada
            .post(&format!("{WS}/inbox/read"), json!({"ids": [first]}))
            .await;
        assert_eq!(count["unread"], unread - 1, "{count}");
        let (_, count) = ada
            .post(
                &format!("{WS}/inbox/read"),
                json!({"ids": [first], "read": false}),
            )
            .await;
        assert_eq!(count["unread"], unread);
        let (_, count) = ada
            .post(&format!("{WS}/inbox/read"), json!({"all": true}))
            .await;
        assert_eq!(count["unread"], 0);
        let (status, problem) = ada.post(&format!("{WS}/inbox/read"), json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "ids");
        ada.post(&format!("{WS}/inbox/archive"), json!({"ids": [first]}))
            .await;
        assert_eq!(inbox(&ada).await.len(), items.len() - 1);
        let (_, archived) = ada.get(&format!("{WS}/inbox?archived=true")).await;
        assert_eq!(archived[0]["id"], first);
        // Someone else's notification is not theirs to mark: not found,
        // and nothing is changed, theirs named beside it neither.
        let mel_unread = inbox_unread(&mel).await;
        let mel_first = inbox(&mel).await[0]["id"].as_i64().unwrap();
        let (status, problem) = mel
            .post(
                &format!("{WS}/inbox/read"),
                json!({"ids": [mel_first, first], "read": false}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
        let (status, _) = mel
            .post(
                &format!("{WS}/inbox/read"),
                json!({"ids": [mel_first, first]}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(inbox_unread(&mel).await, mel_unread);
        let (status, _) = mel
            .post(&format!("{WS}/inbox/archive"), json!({"ids": [first]}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, still) = ada.get(&format!("{WS}/inbox?archived=true")).await;
        assert_eq!(still[0]["read"], true);
        assert_eq!(still[0]["id"], first);

        // Unfollowing stops the comments; following starts them.
        let (_, f) = ana.get(&format!("{WS}/follows?task=LAUNCH-1")).await;
        assert_eq!(f, json!({"following": true, "chosen": false}));
        let (status, f) = ana
            .put(
                &format!("{WS}/follows"),
                json!({"task": "LAUNCH-1", "following": false}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{f}");
        let (_, f) = ada.get(&format!("{WS}/follows?task=LAUNCH-3")).await;
        assert_eq!(f, json!({"following": false, "chosen": false}));
        ada.put(&format!("{WS}/follows"), json!({"task": "LAUNCH-3"}))
            .await;
        let on_brief = |items: Vec<Value>| {
            items
                .iter()
                .filter(|n| n["object"]["key"] == "LAUNCH-1")
                .count()
        };
        let before = on_brief(inbox(&ana).await);
        mel.post(
            &format!("{WS}/comments"),
            json!({"task": "LAUNCH-1", "body": "Done with the brief"}),
        )
        .await;
        mel.post(
            &format!("{WS}/comments"),
            json!({"task": "LAUNCH-3", "body": "Build starts"}),
        )
        .await;
        // Ana, who made LAUNCH-3 too, hears of that one, with Ada.
        told(&mut feed, ana_id).await;
        told(&mut feed, ada_id).await;
        assert_eq!(
            on_brief(inbox(&ana).await),
            before,
            "Ana unfollowed LAUNCH-1"
        );
        assert_eq!(inbox(&ada).await[0]["kind"], "comment");
        let (status, _) = gus.get(&format!("{WS}/follows?task=HIDDEN-1")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // An update posted on a followed project tells its followers; its
        // author follows the talk on it.
        let (status, _) = mel
            .put(&format!("{WS}/follows"), json!({"project": "LAUNCH"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, update) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/status-updates"),
                json!({"health": "at_risk", "text": "Vendor late\nMore below"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{update}");
        told(&mut feed, mel_id).await;
        let items = inbox(&mel).await;
        assert_eq!(items[0]["kind"], "status", "{items:?}");
        assert_eq!(
            items[0]["object"],
            json!({"kind": "status_update", "key": update["id"].to_string(), "title": "Vendor late", "project": "LAUNCH"})
        );
        mel.post(
            &format!("{WS}/comments"),
            json!({"status_update": update["id"], "body": "Which vendor?"}),
        )
        .await;
        told(&mut feed, ana_id).await;
        let items = inbox(&ana).await;
        assert_eq!(items[0]["kind"], "comment", "{items:?}");
        assert_eq!(items[0]["object"]["kind"], "status_update");

        // Preferences: a kind turned off is not kept.
        let (status, prefs) = ana
            .put(
                "/api/v1/me/notifications",
                json!({"preferences": [{"kind": "mention", "inbox": false}]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{prefs}");
        let mention = prefs
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "mention")
            .unwrap();
        assert_eq!(mention["inbox"], false);
        let (status, problem) = ana
            .put(
                "/api/v1/me/notifications",
                json!({"preferences": [{"kind": "gossip"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "preferences.0.kind");
        let before = inbox(&ana).await.len();
        mel.post(
            &format!("{WS}/comments"),
            json!({"task": "LAUNCH-2", "body": "@ana quiet please; @ada fyi"}),
        )
        .await;
        told(&mut feed, ada_id).await;
        assert_eq!(inbox(&ana).await.len(), before);
        let _ = gus_id;
        server.stop().await;
    }
}

async fn inbox_unread(api: &Api) -> u64 {
    api.get(&format!("{WS}/inbox/count")).await.1["unread"]
        .as_u64()
        .unwrap()
}
