//! The storage story: people, workspaces, projects, tasks, links, history
//! and visibility, told the same way on every backend.

use super::*;

#[tokio::test]
async fn storage_story() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;

        // Projects and keys.
        let launch = store
            .create_project(w.owner.writer().unwrap(), &project("LAUNCH"))
            .await
            .unwrap();
        let (_, launch_access) = store.open_project(w.owner, &launch.key).await.unwrap();
        assert_eq!(
            launch.owner.as_ref().unwrap().email,
            "ana@example.org",
            "{backend}"
        );
        let dup = store
            .create_project(w.owner.writer().unwrap(), &project("LAUNCH"))
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Invalid(ref e) if e[0].field == "key"),
            "{backend}: {dup:?}"
        );
        // Another workspace can use the same key, and cannot see ours.
        let mut theirs = project("LAUNCH");
        theirs.fields.owner = None;
        store
            .create_project(w.other.writer().unwrap(), &theirs)
            .await
            .unwrap();
        assert_eq!(store.list_projects(w.other).await.unwrap().len(), 1);

        // Tasks numbered per project, with people, tags and a parent.
        let mut first = task(Some("LAUNCH"), "Write brief");
        first.fields.owner = Some(Email::parse("ben@example.org").unwrap());
        first.fields.tags = vec!["docs".into(), "copy".into()];
        first.fields.collaborators = vec![Email::parse("ana@example.org").unwrap()];
        first.fields.effort_hours = Some(30.0);
        first.fields.due_date = NaiveDate::from_ymd_opt(2026, 11, 20);
        let t1 = store
            .create_task(w.owner.writer().unwrap(), &first)
            .await
            .unwrap();
        assert_eq!(t1.key, "LAUNCH-1");
        assert_eq!(t1.tags, ["copy", "docs"]);
        assert_eq!(t1.collaborators.len(), 1);
        let mut sub = task(Some("LAUNCH"), "Outline");
        sub.fields.parent = Some("LAUNCH-1".into());
        let t2 = store
            .create_task(w.member.writer().unwrap(), &sub)
            .await
            .unwrap();
        assert_eq!(t2.key, "LAUNCH-2");
        assert_eq!(t2.parent.as_ref().unwrap().key, "LAUNCH-1");
        let t3 = store
            .create_task(w.owner.writer().unwrap(), &task(Some("LAUNCH"), "Announce"))
            .await
            .unwrap();

        // A stranger's email and a parent from nowhere are named, and nothing is written.
        let mut bad = task(Some("LAUNCH"), "Bad");
        bad.fields.owner = Some(Email::parse("zoe@example.org").unwrap());
        bad.fields.parent = Some("LAUNCH-99".into());
        let err = store
            .create_task(w.owner.writer().unwrap(), &bad)
            .await
            .unwrap_err();
        match err {
            StoreError::Invalid(errors) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["owner", "parent"], "{backend}");
            }
            other => panic!("{backend}: {other:?}"),
        }
        let all = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.tasks.len(), 3, "{backend}");
        let t4 = store
            .create_task(w.owner.writer().unwrap(), &task(Some("LAUNCH"), "Next"))
            .await
            .unwrap();
        assert_eq!(
            t4.key, "LAUNCH-4",
            "{backend}: a refused task must not take a number"
        );

        // Personal tasks are their owner's alone.
        let mine = store
            .create_task(w.member.writer().unwrap(), &task(None, "Dentist"))
            .await
            .unwrap();
        assert!(mine.key.starts_with("TASK-"), "{}", mine.key);
        assert!(store.get_task(w.member, &mine.key).await.is_ok());
        assert!(matches!(
            store.get_task(w.owner, &mine.key).await,
            Err(StoreError::NotFound(_))
        ));

        // Filters and cursor pagination.
        let by_tag = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    tag: Some("docs".into()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(by_tag.tasks.len(), 1);
        let text = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    text: Some("BRIEF".into()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(text.tasks[0].key, "LAUNCH-1");
        // Search words are literal: '_' and '%' are not wildcards.
        for title in ["Rename snake_case fields", "Rename snakeXcase fields"] {
            store
                .create_task(w.owner.writer().unwrap(), &task(Some("LAUNCH"), title))
                .await
                .unwrap();
        }
        let literal = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    text: Some("snake_case".into()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(literal.tasks.len(), 1, "{backend}");
        assert_eq!(literal.tasks[0].title, "Rename snake_case fields");
        let all_snakes = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    text: Some("snake".into()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for t in &all_snakes.tasks {
            store
                .delete_task(w.owner.writer().unwrap(), &t.key, None)
                .await
                .unwrap();
        }
        let page1 = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    limit: 2,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page1.tasks.len(), 2);
        let page2 = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    limit: 2,
                    after: page1.next,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page2.tasks.len(), 2);
        assert_eq!(page2.next, None);
        let due = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    due_before: NaiveDate::from_ymd_opt(2026, 11, 21),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(due.tasks.len(), 1);

        // Optimistic concurrency: a stale version changes nothing.
        let mut fields = TaskFields::titled("Write the brief");
        fields.owner = Some(Email::parse("ben@example.org").unwrap());
        fields.status = TaskStatus::Done;
        fields.parent = Some("LAUNCH-1".into());
        let updated = store
            .update_task(
                w.owner.writer().unwrap(),
                "LAUNCH-2",
                Some(t2.version),
                &|_| Ok(fields.clone()),
            )
            .await
            .unwrap();
        assert_eq!(updated.percent_complete, 100);
        assert!(updated.completed_at.is_some());
        let stale = store
            .update_task(
                w.owner.writer().unwrap(),
                "LAUNCH-2",
                Some(t2.version),
                &|_| Ok(TaskFields::titled("x")),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::VersionMismatch { current } if current == t2.version + 1)
        );
        assert_eq!(
            store.get_task(w.owner, "LAUNCH-2").await.unwrap().title,
            "Write the brief"
        );

        // A task cannot become its own ancestor.
        let mut looped = TaskFields::titled("Write brief");
        looped.parent = Some("LAUNCH-2".into());
        let err = store
            .update_task(
                w.owner.writer().unwrap(),
                "LAUNCH-1",
                Some(t1.version),
                &|_| Ok(looped.clone()),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref e) if e[0].field == "parent"),
            "{err:?}"
        );

        // Dependencies: a cycle is refused with its tasks named.
        let dep = |p: &str, s: &str| NewDependency {
            predecessor: p.into(),
            successor: s.into(),
            kind: DependencyKind::Fs,
            lag_days: 0.0,
            lag_format: LagFormat::WorkingDays,
        };
        store
            .create_dependency(w.owner.writer().unwrap(), &dep("LAUNCH-1", "LAUNCH-3"))
            .await
            .unwrap();
        store
            .create_dependency(w.owner.writer().unwrap(), &dep("LAUNCH-3", "LAUNCH-4"))
            .await
            .unwrap();
        let cycle = store
            .create_dependency(w.owner.writer().unwrap(), &dep("LAUNCH-4", "LAUNCH-1"))
            .await
            .unwrap_err();
        match cycle {
            StoreError::Cycle(keys) => {
                assert_eq!(keys, ["LAUNCH-4", "LAUNCH-1", "LAUNCH-3", "LAUNCH-4"])
            }
            other => panic!("{backend}: {other:?}"),
        }
        // A summary task and its own subtask (LAUNCH-2's parent is
        // LAUNCH-1) are never linked, either way round.
        for (p, s, field) in [
            ("LAUNCH-1", "LAUNCH-2", "successor"),
            ("LAUNCH-2", "LAUNCH-1", "predecessor"),
        ] {
            let err = store
                .create_dependency(w.owner.writer().unwrap(), &dep(p, s))
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Invalid(ref e) if e[0].field == field
                    && e[0].message.contains("LAUNCH-2 is a subtask of LAUNCH-1")),
                "{backend}: {err:?}"
            );
        }
        assert!(
            store
                .task_dependencies(w.owner, "LAUNCH-2")
                .await
                .unwrap()
                .is_empty()
        );
        // Nor does moving a task under one it is linked to (LAUNCH-1 →
        // LAUNCH-3) make such a pair.
        let mut under = store.get_task(w.owner, "LAUNCH-3").await.unwrap().fields();
        under.parent = Some("LAUNCH-1".into());
        let err = store
            .update_task(w.owner.writer().unwrap(), "LAUNCH-3", None, &|_| {
                Ok(under.clone())
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref e) if e[0].field == "parent"),
            "{backend}: {err:?}"
        );
        assert_eq!(
            store.get_task(w.owner, "LAUNCH-3").await.unwrap().parent,
            None
        );
        let again = store
            .create_dependency(w.owner.writer().unwrap(), &dep("LAUNCH-1", "LAUNCH-3"))
            .await
            .unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
        assert_eq!(
            store
                .task_dependencies(w.owner, "LAUNCH-3")
                .await
                .unwrap()
                .len(),
            2
        );
        let changed = store
            .update_dependency(
                w.owner.writer().unwrap(),
                &NewDependency {
                    kind: DependencyKind::Ss,
                    lag_days: 50.0,
                    lag_format: LagFormat::Percent,
                    ..dep("LAUNCH-1", "LAUNCH-3")
                },
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            (changed.kind, changed.lag_days, changed.lag_format),
            (DependencyKind::Ss, 50.0, LagFormat::Percent)
        );
        let changed = store
            .update_dependency(
                w.owner.writer().unwrap(),
                &NewDependency {
                    kind: DependencyKind::Ss,
                    lag_days: -1.5,
                    ..dep("LAUNCH-1", "LAUNCH-3")
                },
                None,
            )
            .await
            .unwrap();
        assert_eq!((changed.kind, changed.lag_days), (DependencyKind::Ss, -1.5));
        store
            .delete_dependency(w.owner.writer().unwrap(), "LAUNCH-3", "LAUNCH-4")
            .await
            .unwrap();
        assert_eq!(
            store
                .project_dependencies(launch_access)
                .await
                .unwrap()
                .len(),
            1
        );

        // Phases, milestones and roll-up.
        let phase = store
            .create_phase(
                w.owner.writer().unwrap(),
                launch.id,
                &PhaseFields {
                    name: "Build".into(),
                    position: 1,
                    start_date: None,
                    end_date: None,
                },
            )
            .await
            .unwrap();
        let milestone = store
            .create_milestone(
                w.owner.writer().unwrap(),
                launch.id,
                &MilestoneFields {
                    name: "Beta".into(),
                    date: NaiveDate::from_ymd_opt(2026, 12, 1),
                    description: None,
                    phase_id: Some(phase.id),
                    reached: None,
                },
            )
            .await
            .unwrap();
        let mut in_phase = TaskFields::titled("Announce");
        in_phase.phase_id = Some(phase.id);
        in_phase.milestone_id = Some(milestone.id);
        in_phase.percent_complete = 50;
        store
            .update_task(
                w.owner.writer().unwrap(),
                "LAUNCH-3",
                Some(t3.version),
                &|_| Ok(in_phase.clone()),
            )
            .await
            .unwrap();
        let progress = store.project_progress(launch_access).await.unwrap();
        assert_eq!(progress.phases[0].1.percent, 50.0);
        assert_eq!(progress.milestones[0].1.leaf_tasks, 1);
        // Leaves: LAUNCH-2 done (8 h), LAUNCH-3 half (8 h), LAUNCH-4 none (8 h).
        assert_eq!(progress.project.leaf_tasks, 3);
        assert_eq!(progress.project.percent, 50.0);

        // Stakeholders decide what a guest sees.
        assert!(store.list_projects(w.guest).await.unwrap().is_empty());
        assert!(matches!(
            store.get_task(w.guest, "LAUNCH-1").await,
            Err(StoreError::NotFound(_))
        ));
        let_gus_in(store, &w, launch.id).await;
        store
            .create_stakeholder(
                w.owner.writer().unwrap(),
                launch.id,
                &StakeholderFields {
                    member: None,
                    name: Some("Pat Client".into()),
                    email: Some(Email::parse("pat@client.example").unwrap()),
                    role: StakeholderRole::Sponsor,
                },
            )
            .await
            .unwrap();
        assert_eq!(store.list_projects(w.guest).await.unwrap().len(), 1);
        assert_eq!(
            store.get_task(w.guest, "LAUNCH-1").await.unwrap().key,
            "LAUNCH-1"
        );
        assert_eq!(
            store.list_stakeholders(launch_access).await.unwrap().len(),
            2
        );

        // Risks with links.
        let risk = store
            .create_risk(
                w.owner.writer().unwrap(),
                launch.id,
                &RiskFields {
                    title: "Supplier late".into(),
                    description: None,
                    probability: 4,
                    impact: 3,
                    owner: Some(Email::parse("ben@example.org").unwrap()),
                    mitigation: Some("Second supplier".into()),
                    status: RiskStatus::Open,
                    task_keys: vec!["LAUNCH-3".into()],
                    milestone_ids: vec![milestone.id],
                },
            )
            .await
            .unwrap();
        assert_eq!(risk.score(), 12);
        assert_eq!(risk.tasks[0].key, "LAUNCH-3");
        assert_eq!(store.list_risks(launch_access).await.unwrap().len(), 1);

        // Members: the last owner stays.
        let err = store
            .remove_member(w.owner.admin().unwrap(), w.owner.user_id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)));
        // A member cannot manage people: no admin scope to do it with.
        assert!(w.member.admin().is_none());

        // The history names who changed which field, before and after.
        let history = store
            .list_activity(
                w.owner,
                &ActivityFilter {
                    entity: Some((EntityKind::Task, t2.id)),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(history.len(), 2, "{backend}");
        let update = &history[0];
        assert_eq!(update.action, "updated");
        assert_eq!(update.actor.as_ref().unwrap().email, "ana@example.org");
        let status = update.changes.iter().find(|c| c.field == "status").unwrap();
        assert_eq!(
            (status.before.as_str(), status.after.as_str()),
            (Some("todo"), Some("done"))
        );

        // Bulk import is all or nothing, and names the row that failed.
        let mut rows = vec![
            TaskFields::titled("Imported one"),
            TaskFields::titled("Imported two"),
        ];
        let keys = store
            .import_tasks(w.owner.writer().unwrap(), "LAUNCH", &rows)
            .await
            .unwrap();
        assert_eq!(keys, ["LAUNCH-7", "LAUNCH-8"], "{backend}");
        rows.push(TaskFields::titled(""));
        let err = store
            .import_tasks(w.owner.writer().unwrap(), "LAUNCH", &rows)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref e) if e[0].field == "tasks[2].title"),
            "{err:?}"
        );
        assert_eq!(
            store
                .get_task(w.owner, "LAUNCH-9")
                .await
                .unwrap_err()
                .to_string(),
            "task not found"
        );

        // Deleting a task takes its links and subtasks with it.
        store
            .delete_task(w.owner.writer().unwrap(), "LAUNCH-1", None)
            .await
            .unwrap();
        assert!(matches!(
            store.get_task(w.owner, "LAUNCH-2").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            store
                .project_dependencies(launch_access)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn misconfigured_urls_are_refused() {
    assert!(matches!(
        tandem_store::open("mysql://x").await,
        Err(StoreError::Config(_))
    ));
    assert!(matches!(
        tandem_store::open("sqlite::memory:").await,
        Err(StoreError::Config(_))
    ));
}
