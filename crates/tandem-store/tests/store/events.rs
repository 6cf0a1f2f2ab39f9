//! The outbox: an event per accepted write, in its transaction; deliveries
//! claimed once across nodes; jobs claimed by one node; the feed heard on
//! every node.

use super::*;

const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

#[tokio::test]
async fn every_write_leaves_an_event_in_its_transaction_and_a_refused_one_none() {
    use tandem_store::events::RESCHEDULER;
    for store in backends().await {
        let w = world(store.as_ref()).await;
        let before = store.last_event_id().await.unwrap();
        let project = store
            .create_project(w.owner.writer().unwrap(), &project("OUT"))
            .await
            .unwrap();
        let first = store
            .create_task(w.owner.writer().unwrap(), &task(Some("OUT"), "First"))
            .await
            .unwrap();
        let mut mine = task(None, "Mine");
        mine.fields.owner = Some(Email::parse("ben@example.org").unwrap());
        let personal = store
            .create_task(w.member.writer().unwrap(), &mine)
            .await
            .unwrap();
        let events = store.events_after(before, 100).await.unwrap();
        type Seen<'a> = (&'a str, &'a str, &'a str, Option<Id>, Option<Id>);
        let seen: Vec<Seen> = events
            .iter()
            .map(|e| {
                (
                    e.kind.as_str(),
                    e.action.as_str(),
                    e.key.as_str(),
                    e.project_id,
                    e.actor_id,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "project",
                    "created",
                    "OUT",
                    Some(project.id),
                    Some(w.owner.user_id)
                ),
                (
                    "task",
                    "created",
                    first.key.as_str(),
                    Some(project.id),
                    Some(w.owner.user_id)
                ),
                (
                    "task",
                    "created",
                    personal.key.as_str(),
                    None,
                    Some(w.member.user_id)
                ),
            ],
            "{}",
            store.backend()
        );
        assert!(
            events
                .iter()
                .all(|e| e.workspace_id == w.owner.workspace_id)
        );

        // Refused writes leave no event: a stale version, a missing project.
        let last = store.last_event_id().await.unwrap();
        let stale = store
            .update_task(
                w.owner.writer().unwrap(),
                &first.key,
                Some(first.version + 7),
                &|f| Ok(f),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::VersionMismatch { .. })));
        assert!(
            store
                .create_task(w.owner.writer().unwrap(), &task(Some("NOPE"), "Lost"))
                .await
                .is_err()
        );
        assert_eq!(store.last_event_id().await.unwrap(), last);

        // The rescheduler is owed the project's events, not the personal
        // task's; a claim holds them until its lease ends.
        let claimed = store
            .claim_deliveries(RESCHEDULER, 100, LEASE)
            .await
            .unwrap();
        let ids: Vec<Id> = claimed.iter().map(|d| d.event.id).collect();
        assert_eq!(ids, [events[0].id, events[1].id], "{}", store.backend());
        assert!(
            claimed
                .iter()
                .all(|d| d.project_key.as_deref() == Some("OUT"))
        );
        let (pending, oldest) = store
            .outbox_backlog(RESCHEDULER, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(pending, 2);
        assert!(oldest.is_some());
        assert!(
            store
                .claim_deliveries(RESCHEDULER, 100, LEASE)
                .await
                .unwrap()
                .is_empty()
        );
        store.complete_deliveries(RESCHEDULER, &ids).await.unwrap();
        assert_eq!(
            store
                .outbox_backlog(RESCHEDULER, chrono::Utc::now())
                .await
                .unwrap(),
            (0, None)
        );

        // Notifications are owed every task created for someone (whom to
        // tell is theirs to read), none created for nobody: handled too,
        // nothing is left owed.
        let told = store
            .claim_deliveries(tandem_store::events::NOTIFICATIONS, 100, LEASE)
            .await
            .unwrap();
        let keys: Vec<&str> = told.iter().map(|d| d.event.key.as_str()).collect();
        assert_eq!(keys, [personal.key.as_str()], "{}", store.backend());
        let told: Vec<Id> = told.iter().map(|d| d.event.id).collect();
        store
            .complete_deliveries(tandem_store::events::NOTIFICATIONS, &told)
            .await
            .unwrap();

        // Handled events older than the cut are purged; the rest stay.
        let later = chrono::Utc::now() + chrono::Duration::seconds(1);
        assert!(store.purge_events(later).await.unwrap() >= 3);
        assert!(store.events_after(before, 100).await.unwrap().is_empty());
    }
}

/// Two stores on one PostgreSQL database are two nodes.
async fn two_nodes() -> Option<(Box<dyn Store>, Box<dyn Store>)> {
    let url = postgres_url()?;
    let db = fresh_postgres_database(&url).await.unwrap();
    Some((
        tandem_store::open(&db).await.unwrap(),
        tandem_store::open(&db).await.unwrap(),
    ))
}

#[tokio::test]
async fn two_nodes_claiming_at_once_handle_each_event_once() {
    use tandem_store::events::RESCHEDULER;
    let Some((a, b)) = two_nodes().await else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let w = world(a.as_ref()).await;
    a.create_project(w.owner.writer().unwrap(), &project("TWO"))
        .await
        .unwrap();
    for n in 0..120 {
        let node = if n % 2 == 0 { &a } else { &b };
        node.create_task(
            w.owner.writer().unwrap(),
            &task(Some("TWO"), &format!("Task {n}")),
        )
        .await
        .unwrap();
    }
    async fn drain(store: &dyn Store) -> Vec<Id> {
        let mut handled = Vec::new();
        loop {
            let claimed = store.claim_deliveries(RESCHEDULER, 7, LEASE).await.unwrap();
            if claimed.is_empty() {
                return handled;
            }
            let ids: Vec<Id> = claimed.iter().map(|d| d.event.id).collect();
            store.complete_deliveries(RESCHEDULER, &ids).await.unwrap();
            handled.extend(ids);
        }
    }
    let (mut from_a, from_b) = tokio::join!(drain(a.as_ref()), drain(b.as_ref()));
    assert!(!from_a.is_empty() || !from_b.is_empty());
    let total = from_a.len() + from_b.len();
    from_a.extend(from_b);
    from_a.sort();
    from_a.dedup();
    assert_eq!(from_a.len(), total, "an event was handled twice");
    assert_eq!(total, 121, "the project's and every task's event, once");
}

#[tokio::test]
async fn a_due_job_is_claimed_by_one_node() {
    let nodes: Vec<(Box<dyn Store>, Box<dyn Store>)> = match two_nodes().await {
        Some(pair) => vec![pair],
        None => {
            eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
            vec![]
        }
    };
    let hour = std::time::Duration::from_secs(3600);
    for (a, b) in nodes {
        let now = chrono::Utc::now();
        let (x, y) = tokio::join!(
            a.claim_job("purge", now, hour),
            b.claim_job("purge", now, hour)
        );
        assert!(x.unwrap() ^ y.unwrap(), "exactly one node runs a first run");
        let soon = now + chrono::Duration::minutes(30);
        assert!(!a.claim_job("purge", soon, hour).await.unwrap());
        assert!(!b.claim_job("purge", soon, hour).await.unwrap());
        let later = now + chrono::Duration::minutes(61);
        let (x, y) = tokio::join!(
            a.claim_job("purge", later, hour),
            b.claim_job("purge", later, hour)
        );
        assert!(x.unwrap() ^ y.unwrap(), "exactly one node runs a due job");
    }
    // One SQLite process: the same rules.
    let store = tandem_store::open(&fresh_sqlite_url()).await.unwrap();
    let now = chrono::Utc::now();
    assert!(store.claim_job("purge", now, hour).await.unwrap());
    assert!(!store.claim_job("purge", now, hour).await.unwrap());
}

#[tokio::test]
async fn the_feed_hears_writes_made_on_another_node() {
    type WriterAndListener = (Box<dyn Store>, Option<Box<dyn Store>>);
    let mut pairs: Vec<WriterAndListener> =
        vec![(tandem_store::open(&fresh_sqlite_url()).await.unwrap(), None)];
    if let Some((a, b)) = two_nodes().await {
        pairs.push((a, Some(b)));
    }
    for (writer, listener) in pairs {
        let listener = listener.as_deref().unwrap_or(writer.as_ref());
        let w = world(writer.as_ref()).await;
        // Bounded: a feed that never delivers fails here, not by hanging.
        let bound = std::time::Duration::from_secs(20);
        let project = writer
            .create_project(w.owner.writer().unwrap(), &project("FEED"))
            .await
            .unwrap();
        // Subscribed after the write, as a node's first subscriber may be
        // (its listening connection still coming up): it still hears it.
        let mut feed = listener.event_feed();
        let heard = tokio::time::timeout(bound, async {
            loop {
                let event = feed.recv().await.unwrap();
                if event.kind == "project" && event.key == "FEED" {
                    return event;
                }
            }
        })
        .await
        .expect("the feed did not deliver the write");
        assert_eq!(heard.project_id, Some(project.id));
        assert_eq!(heard.workspace_id, w.owner.workspace_id);
    }
}

#[tokio::test]
async fn one_run_serves_every_delivery_of_its_project_up_to_where_it_read() {
    use tandem_store::events::RESCHEDULER;
    for store in backends().await {
        let w = world(store.as_ref()).await;
        let a = store
            .create_project(w.owner.writer().unwrap(), &project("AAA"))
            .await
            .unwrap();
        for title in ["One", "Two", "Three"] {
            store
                .create_task(w.owner.writer().unwrap(), &task(Some("AAA"), title))
                .await
                .unwrap();
        }
        store
            .create_project(w.owner.writer().unwrap(), &project("BBB"))
            .await
            .unwrap();
        store
            .create_task(w.owner.writer().unwrap(), &task(Some("BBB"), "Other"))
            .await
            .unwrap();
        let horizon = store.last_event_id().await.unwrap();
        // Written after the run read its plan: still owed.
        let late = store
            .create_task(w.owner.writer().unwrap(), &task(Some("AAA"), "Late"))
            .await
            .unwrap();
        let done = store
            .complete_project_deliveries(RESCHEDULER, a.id, horizon)
            .await
            .unwrap();
        assert_eq!(done, 4, "AAA's creation and its three tasks");
        let left = store
            .claim_deliveries(RESCHEDULER, 100, LEASE)
            .await
            .unwrap();
        let left: Vec<(&str, &str)> = left
            .iter()
            .map(|d| (d.project_key.as_deref().unwrap(), d.event.key.as_str()))
            .collect();
        assert_eq!(
            left,
            [("BBB", "BBB"), ("BBB", "BBB-1"), ("AAA", late.key.as_str())],
            "{}",
            store.backend()
        );
    }
}
