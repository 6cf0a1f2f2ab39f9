//! Creates in one project at once: each task takes the next number, and
//! a refused create takes none.

use super::*;

#[tokio::test]
async fn creates_at_once_number_a_projects_tasks_one_after_another() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        store
            .create_project(w.owner.writer().unwrap(), &project("LAUNCH"))
            .await
            .unwrap();
        let mut owned = task(Some("LAUNCH"), "Owned");
        owned.fields.owner = Some(Email::parse("ben@example.org").unwrap());
        let mut stranger = task(Some("LAUNCH"), "Stranger's");
        stranger.fields.owner = Some(Email::parse("nobody@example.org").unwrap());
        let creates = (0..12).map(|n| {
            let new = match n % 3 {
                0 => owned.clone(),
                1 => stranger.clone(),
                _ => task(Some("LAUNCH"), "Plain"),
            };
            async move { store.create_task(w.owner.writer().unwrap(), &new).await }
        });
        let results = futures_util::future::join_all(creates).await;
        let mut keys = Vec::new();
        for (n, result) in results.into_iter().enumerate() {
            match (n % 3, result) {
                (1, Err(StoreError::Invalid(errors))) => {
                    assert_eq!(errors[0].field, "owner", "{}", store.backend());
                    assert!(errors[0].message.contains("nobody@example.org"));
                }
                (0, Ok(task)) => {
                    assert_eq!(task.owner.unwrap().email, "ben@example.org");
                    keys.push(task.key);
                }
                (2, Ok(task)) => {
                    assert_eq!(task.owner, None);
                    keys.push(task.key);
                }
                (_, other) => panic!("create {n} on {}: {other:?}", store.backend()),
            }
        }
        keys.sort_by_key(|k| k[7..].parse::<u32>().unwrap());
        let expected: Vec<String> = (1..=8).map(|n| format!("LAUNCH-{n}")).collect();
        assert_eq!(keys, expected, "{}", store.backend());
        let next = store
            .create_task(w.member.writer().unwrap(), &task(Some("LAUNCH"), "Next"))
            .await
            .unwrap();
        assert_eq!(next.key, "LAUNCH-9", "{}", store.backend());
        let hidden = store
            .create_task(w.other.writer().unwrap(), &owned)
            .await
            .unwrap_err();
        assert!(
            matches!(&hidden, StoreError::Invalid(e) if e[0].field == "project"),
            "another workspace's project is not found: {hidden:?}"
        );
    }
}
