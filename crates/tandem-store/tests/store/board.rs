//! Board moves order cards and keep versions.

use super::*;
use tandem_store::TaskOrder;

#[tokio::test]
async fn board_moves_order_cards_and_keep_versions() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let project = store
            .create_project(w.owner.writer().unwrap(), &project("BOARD"))
            .await
            .unwrap();
        let mut cards = Vec::new();
        for title in ["A", "B", "C"] {
            cards.push(
                store
                    .create_task(w.owner.writer().unwrap(), &task(Some("BOARD"), title))
                    .await
                    .unwrap(),
            );
        }
        let ids: Vec<Id> = cards.iter().map(|t| t.id).collect();
        assert_eq!(board_order(store, w.owner, "BOARD").await, ids);

        // C goes between A and B, and to In progress, in one write.
        let c = &cards[2];
        let mut fields = c.fields();
        fields.status = TaskStatus::InProgress;
        let moved = store
            .move_task(
                w.owner.writer().unwrap(),
                &c.key,
                c.version,
                &fields,
                Some(&cards[0].key),
                Some(&cards[1].key),
            )
            .await
            .unwrap();
        assert_eq!(
            (moved.status, moved.version),
            (TaskStatus::InProgress, c.version + 1)
        );
        assert_eq!(
            board_order(store, w.owner, "BOARD").await,
            [ids[0], ids[2], ids[1]]
        );
        // A to the bottom, after B.
        let a = &cards[0];
        store
            .move_task(
                w.owner.writer().unwrap(),
                &a.key,
                a.version,
                &a.fields(),
                Some(&cards[1].key),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            board_order(store, w.owner, "BOARD").await,
            [ids[2], ids[1], ids[0]]
        );
        // A stale move changes neither the status nor the order.
        let mut fields = cards[1].fields();
        fields.status = TaskStatus::Done;
        assert!(matches!(
            store
                .move_task(
                    w.owner.writer().unwrap(),
                    &cards[1].key,
                    cards[1].version - 1,
                    &fields,
                    None,
                    Some(&cards[2].key)
                )
                .await,
            Err(StoreError::VersionMismatch { .. })
        ));
        assert_eq!(
            store.get_task(w.owner, &cards[1].key).await.unwrap().status,
            TaskStatus::Todo
        );
        assert_eq!(
            board_order(store, w.owner, "BOARD").await,
            [ids[2], ids[1], ids[0]]
        );
        // Sixty moves into the same ever-narrower gap: the order stays
        // right (the column is renumbered when halving runs out).
        let mut between = (cards[2].key.clone(), cards[1].key.clone());
        for i in 0..60 {
            let card = store
                .create_task(
                    w.owner.writer().unwrap(),
                    &task(Some("BOARD"), &format!("Squeezed {i}")),
                )
                .await
                .unwrap();
            store
                .move_task(
                    w.owner.writer().unwrap(),
                    &card.key,
                    card.version,
                    &card.fields(),
                    Some(&between.0),
                    Some(&between.1),
                )
                .await
                .unwrap();
            let ranks = board_order(store, w.owner, "BOARD").await;
            let place = |id: Id| ranks.iter().position(|r| *r == id).unwrap();
            let after = store.get_task(w.owner, &between.0).await.unwrap().id;
            let before = store.get_task(w.owner, &between.1).await.unwrap().id;
            assert_eq!(
                (place(after) + 1, place(card.id) + 1),
                (place(card.id), place(before)),
                "move {i}"
            );
            between.1 = card.key.clone();
        }
        // Another workspace cannot open the project, so it reads no cards.
        assert!(matches!(
            store.open_project(w.other, &project.key).await,
            Err(StoreError::NotFound(_))
        ));
    }
}

/// The project's cards in board order, read two at a time so every page
/// after the first starts from a cursor.
async fn board_order(store: &dyn Store, scope: Scope, project: &str) -> Vec<Id> {
    let mut filter = TaskFilter {
        project: Some(project.into()),
        order: TaskOrder::Board,
        limit: 2,
        ..Default::default()
    };
    let mut ids = Vec::new();
    loop {
        let page = store.list_tasks(scope, &filter).await.unwrap();
        ids.extend(page.tasks.iter().map(|t| t.id));
        match page.next {
            Some(next) => filter.after = Some(next),
            None => return ids,
        }
    }
}
