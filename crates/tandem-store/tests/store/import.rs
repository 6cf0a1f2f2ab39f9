//! A big import is built where nobody sees it and leaves nothing when it fails.

use super::*;

#[tokio::test]
async fn a_big_import_is_built_unseen_and_leaves_nothing_when_it_fails() {
    use tandem_domain::interop::{ImportLink, ProjectImport};
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let mut new = project("BIG");
        new.fields.owner = None;
        let tasks: Vec<TaskFields> = (1..=2_500)
            .map(|n| {
                let mut t = TaskFields::titled(format!("Imported {n}"));
                // Parents across batches: every task after the first
                // thousand hangs under task 1.
                if n > 1_000 {
                    t.parent = Some("BIG-1".into());
                }
                t
            })
            .collect();
        let dependencies = (0..2_499)
            .map(|i| ImportLink {
                predecessor: i,
                successor: i + 1,
                kind: DependencyKind::Fs,
                lag_days: 0.0,
                lag_format: LagFormat::WorkingDays,
            })
            .collect();
        let mut import = ProjectImport {
            project: new,
            exceptions: Vec::new(),
            tasks,
            dependencies,
            baseline: Vec::new(),
        };
        // A bad task in the third batch: the first two were written to the
        // staging workspace and must go.
        import.tasks[2_200].percent_complete = 150;
        let failed = store
            .import_project(w.owner.writer().unwrap(), &import)
            .await;
        assert!(matches!(failed, Err(StoreError::Invalid(_))), "{failed:?}");
        assert!(matches!(
            store.get_project(w.owner, "BIG").await,
            Err(StoreError::NotFound(_))
        ));
        let page = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            page.tasks.is_empty(),
            "no task of the failed import is left"
        );
        assert_eq!(
            store
                .purge_abandoned_imports(chrono::Utc::now() + chrono::Duration::hours(1))
                .await
                .unwrap(),
            0,
            "the failed import removed its staging workspace itself"
        );

        import.tasks[2_200].percent_complete = 0;
        let project = store
            .import_project(w.owner.writer().unwrap(), &import)
            .await
            .unwrap();
        assert_eq!(project.key, "BIG");
        let child = store.get_task(w.owner, "BIG-2500").await.unwrap();
        assert_eq!(child.fields().parent.as_deref(), Some("BIG-1"));
        let (_, access) = store.open_project(w.owner, &project.key).await.unwrap();
        let links = store.project_links(access).await.unwrap();
        assert_eq!(links.len(), 2_499);
        let history = store
            .list_activity(
                w.owner,
                &ActivityFilter {
                    project_id: Some(project.id),
                    limit: 5,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(history[0].action, "imported");
        // A second import of the same key is refused, naming the key.
        let again = store
            .import_project(w.owner.writer().unwrap(), &import)
            .await;
        assert!(
            matches!(&again, Err(StoreError::Invalid(e)) if e[0].field == "key"),
            "{again:?}"
        );
    }
}
