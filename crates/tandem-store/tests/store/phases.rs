//! A project's phases in order: a new one goes last, and a reorder
//! renumbers them all in one write or, refused, changes none.

use super::*;

#[tokio::test]
async fn phases_go_last_and_are_reordered_whole_or_not_at_all() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        let launch = store
            .create_project(writer, &project("LAUNCH"))
            .await
            .unwrap();
        let other = store
            .create_project(writer, &project("OTHER"))
            .await
            .unwrap();
        let phase = |name: &str, position: i64| PhaseFields {
            name: name.into(),
            position,
            start_date: None,
            end_date: None,
        };
        let mut ids = Vec::new();
        for name in ["Plan", "Build", "Ship"] {
            let made = store
                .create_phase(writer, launch.id, &phase(name, 0))
                .await
                .unwrap();
            ids.push(made.id);
        }
        let elsewhere = store
            .create_phase(writer, other.id, &phase("Elsewhere", 0))
            .await
            .unwrap();
        let (_, access) = store.open_project(w.owner, "LAUNCH").await.unwrap();
        let listed = |phases: Vec<Phase>| -> Vec<(String, i64)> {
            phases.into_iter().map(|p| (p.name, p.position)).collect()
        };
        let first = listed(store.list_phases(access).await.unwrap());
        assert_eq!(
            first,
            [("Plan".into(), 1), ("Build".into(), 2), ("Ship".into(), 3)]
        );
        assert_eq!(elsewhere.position, 1, "positions count per project");

        let (plan, build, ship) = (ids[0], ids[1], ids[2]);
        let moved = store
            .reorder_phases(writer, launch.id, &[ship, plan, build])
            .await
            .unwrap();
        let order = vec![("Ship".into(), 1), ("Plan".into(), 2), ("Build".into(), 3)];
        assert_eq!(listed(moved), order);
        assert_eq!(listed(store.list_phases(access).await.unwrap()), order);
        // Each phase that moved is recorded, and its version moved on.
        let history = store
            .list_activity(
                w.owner,
                &ActivityFilter {
                    project_id: Some(launch.id),
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let reordered = history
            .iter()
            .filter(|a| a.entity_kind == EntityKind::Phase && a.action == "updated")
            .count();
        assert_eq!(reordered, 3);

        // Orders that are not each of the project's phases once.
        for wrong in [
            vec![ship, plan],
            vec![ship, plan, build, build],
            vec![ship, plan, elsewhere.id],
            vec![],
        ] {
            let refused = store.reorder_phases(writer, launch.id, &wrong).await;
            assert!(
                matches!(&refused, Err(StoreError::Invalid(errors)) if errors[0].field == "phases"),
                "{wrong:?}: {refused:?}"
            );
            assert_eq!(listed(store.list_phases(access).await.unwrap()), order);
        }
    }
}

#[tokio::test]
async fn milestones_go_last_and_are_reordered_whole_or_not_at_all() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        let launch = store
            .create_project(writer, &project("LAUNCH"))
            .await
            .unwrap();
        let other = store
            .create_project(writer, &project("OTHER"))
            .await
            .unwrap();
        let milestone = |name: &str, date: Option<&str>| MilestoneFields {
            name: name.into(),
            date: date.map(|d| d.parse().unwrap()),
            description: None,
            phase_id: None,
            reached: None,
        };
        // Added in an order their dates do not follow: a new one goes
        // last, whatever its date, until someone moves it.
        let mut ids = Vec::new();
        for (name, date) in [
            ("Beta", Some("2027-03-01")),
            ("Alpha", Some("2027-01-15")),
            ("Launch", None),
        ] {
            let made = store
                .create_milestone(writer, launch.id, &milestone(name, date))
                .await
                .unwrap();
            ids.push(made.id);
        }
        let elsewhere = store
            .create_milestone(writer, other.id, &milestone("Elsewhere", None))
            .await
            .unwrap();
        assert_eq!(elsewhere.position, 1, "positions count per project");
        let (_, access) = store.open_project(w.owner, "LAUNCH").await.unwrap();
        let listed = |milestones: Vec<Milestone>| -> Vec<(String, i64)> {
            milestones
                .into_iter()
                .map(|m| (m.name, m.position))
                .collect()
        };
        assert_eq!(
            listed(store.list_milestones(access).await.unwrap()),
            [
                ("Beta".into(), 1),
                ("Alpha".into(), 2),
                ("Launch".into(), 3)
            ]
        );

        let (beta, alpha, ship) = (ids[0], ids[1], ids[2]);
        let moved = store
            .reorder_milestones(writer, launch.id, &[alpha, beta, ship])
            .await
            .unwrap();
        let order = vec![
            ("Alpha".into(), 1),
            ("Beta".into(), 2),
            ("Launch".into(), 3),
        ];
        assert_eq!(listed(moved), order);
        assert_eq!(listed(store.list_milestones(access).await.unwrap()), order);
        // The two that moved are recorded; the one that stayed is not.
        let history = store
            .list_activity(
                w.owner,
                &ActivityFilter {
                    project_id: Some(launch.id),
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let reordered = history
            .iter()
            .filter(|a| a.entity_kind == EntityKind::Milestone && a.action == "updated")
            .count();
        assert_eq!(reordered, 2);

        for wrong in [
            vec![alpha, beta],
            vec![alpha, beta, ship, ship],
            vec![alpha, beta, elsewhere.id],
            vec![],
        ] {
            let refused = store.reorder_milestones(writer, launch.id, &wrong).await;
            assert!(
                matches!(&refused, Err(StoreError::Invalid(errors)) if errors[0].field == "milestones"),
                "{wrong:?}: {refused:?}"
            );
            assert_eq!(listed(store.list_milestones(access).await.unwrap()), order);
        }
    }
}
