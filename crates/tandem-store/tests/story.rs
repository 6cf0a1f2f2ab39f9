//! One storage story, run against every backend: SQLite always, PostgreSQL
//! when `TANDEM_TEST_POSTGRES_URL` names a server.

use chrono::NaiveDate;
use tandem_domain::*;
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};
use tandem_store::{ActivityFilter, Scope, Store, StoreError, TaskFilter};

async fn backends() -> Vec<Box<dyn Store>> {
    let mut stores = vec![tandem_store::open(&fresh_sqlite_url()).await.unwrap()];
    match postgres_url() {
        Some(url) => {
            let db = fresh_postgres_database(&url).await.unwrap();
            stores.push(tandem_store::open(&db).await.unwrap());
        }
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    stores
}

struct World {
    owner: Scope,
    member: Scope,
    guest: Scope,
    other: Scope,
}

async fn world(store: &dyn Store) -> World {
    let email = |s: &str| Email::parse(s).unwrap();
    let ana = store
        .create_user(&email("ana@example.org"), "Ana", "hash")
        .await
        .unwrap();
    let ben = store
        .create_user(&email("ben@example.org"), "Ben", "hash")
        .await
        .unwrap();
    let gus = store
        .create_user(&email("gus@example.org"), "Gus", "hash")
        .await
        .unwrap();
    let zoe = store
        .create_user(&email("zoe@example.org"), "Zoe", "hash")
        .await
        .unwrap();
    let ws = store
        .create_workspace(&Slug::parse("acme").unwrap(), "Acme", Some(ana.id))
        .await
        .unwrap();
    let other_ws = store
        .create_workspace(&Slug::parse("other").unwrap(), "Other", Some(zoe.id))
        .await
        .unwrap();
    let owner = Scope {
        workspace_id: ws.id,
        user_id: ana.id,
        role: Role::Owner,
    };
    store.add_member(owner, ben.id, Role::Member).await.unwrap();
    store.add_member(owner, gus.id, Role::Guest).await.unwrap();
    World {
        owner,
        member: Scope {
            workspace_id: ws.id,
            user_id: ben.id,
            role: Role::Member,
        },
        guest: Scope {
            workspace_id: ws.id,
            user_id: gus.id,
            role: Role::Guest,
        },
        other: Scope {
            workspace_id: other_ws.id,
            user_id: zoe.id,
            role: Role::Owner,
        },
    }
}

fn project(key: &str) -> NewProject {
    NewProject {
        key: ProjectKey::parse(key).unwrap(),
        fields: ProjectFields {
            name: format!("Project {key}"),
            objective: Some("Ship it".into()),
            scope_in: None,
            scope_out: None,
            owner: Some(Email::parse("ana@example.org").unwrap()),
            status: ProjectStatus::Active,
            stage: Stage::Planning,
            start_date: NaiveDate::from_ymd_opt(2026, 11, 2),
            target_date: NaiveDate::from_ymd_opt(2026, 12, 18),
            budget: Some(12_000.0),
            ongoing: false,
            work_week: WorkWeek::default(),
            status_date: None,
        },
    }
}

fn task(project: Option<&str>, title: &str) -> NewTask {
    NewTask {
        project: project.map(|k| ProjectKey::parse(k).unwrap()),
        fields: TaskFields::titled(title),
    }
}

#[tokio::test]
async fn storage_story() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;

        // Projects and keys.
        let launch = store
            .create_project(w.owner, &project("LAUNCH"))
            .await
            .unwrap();
        assert_eq!(
            launch.owner.as_ref().unwrap().email,
            "ana@example.org",
            "{backend}"
        );
        let dup = store
            .create_project(w.owner, &project("LAUNCH"))
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Invalid(ref e) if e[0].field == "key"),
            "{backend}: {dup:?}"
        );
        // Another workspace can use the same key, and cannot see ours.
        let mut theirs = project("LAUNCH");
        theirs.fields.owner = None;
        store.create_project(w.other, &theirs).await.unwrap();
        assert_eq!(store.list_projects(w.other).await.unwrap().len(), 1);

        // Tasks numbered per project, with people, tags and a parent.
        let mut first = task(Some("LAUNCH"), "Write brief");
        first.fields.owner = Some(Email::parse("ben@example.org").unwrap());
        first.fields.tags = vec!["docs".into(), "copy".into()];
        first.fields.collaborators = vec![Email::parse("ana@example.org").unwrap()];
        first.fields.effort_hours = Some(30.0);
        first.fields.due_date = NaiveDate::from_ymd_opt(2026, 11, 20);
        let t1 = store.create_task(w.owner, &first).await.unwrap();
        assert_eq!(t1.key, "LAUNCH-1");
        assert_eq!(t1.tags, ["copy", "docs"]);
        assert_eq!(t1.collaborators.len(), 1);
        let mut sub = task(Some("LAUNCH"), "Outline");
        sub.fields.parent = Some("LAUNCH-1".into());
        let t2 = store.create_task(w.member, &sub).await.unwrap();
        assert_eq!(t2.key, "LAUNCH-2");
        assert_eq!(t2.parent.as_ref().unwrap().key, "LAUNCH-1");
        let t3 = store
            .create_task(w.owner, &task(Some("LAUNCH"), "Announce"))
            .await
            .unwrap();

        // A stranger's email and a parent from nowhere are named, and nothing is written.
        let mut bad = task(Some("LAUNCH"), "Bad");
        bad.fields.owner = Some(Email::parse("zoe@example.org").unwrap());
        bad.fields.parent = Some("LAUNCH-99".into());
        let err = store.create_task(w.owner, &bad).await.unwrap_err();
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
            .create_task(w.owner, &task(Some("LAUNCH"), "Next"))
            .await
            .unwrap();
        assert_eq!(
            t4.key, "LAUNCH-4",
            "{backend}: a refused task must not take a number"
        );

        // Personal tasks are their owner's alone.
        let mine = store
            .create_task(w.member, &task(None, "Dentist"))
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
                .create_task(w.owner, &task(Some("LAUNCH"), title))
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
            store.delete_task(w.owner, &t.key, None).await.unwrap();
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
                    after_id: page1.next_after_id,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page2.tasks.len(), 2);
        assert_eq!(page2.next_after_id, None);
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
            .update_task(w.owner, "LAUNCH-2", Some(t2.version), &|_| {
                Ok(fields.clone())
            })
            .await
            .unwrap();
        assert_eq!(updated.percent_complete, 100);
        assert!(updated.completed_at.is_some());
        let stale = store
            .update_task(w.owner, "LAUNCH-2", Some(t2.version), &|_| {
                Ok(TaskFields::titled("x"))
            })
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
            .update_task(w.owner, "LAUNCH-1", Some(t1.version), &|_| {
                Ok(looped.clone())
            })
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
            .create_dependency(w.owner, &dep("LAUNCH-1", "LAUNCH-3"))
            .await
            .unwrap();
        store
            .create_dependency(w.owner, &dep("LAUNCH-3", "LAUNCH-4"))
            .await
            .unwrap();
        let cycle = store
            .create_dependency(w.owner, &dep("LAUNCH-4", "LAUNCH-1"))
            .await
            .unwrap_err();
        match cycle {
            StoreError::Cycle(keys) => {
                assert_eq!(keys, ["LAUNCH-4", "LAUNCH-1", "LAUNCH-3", "LAUNCH-4"])
            }
            other => panic!("{backend}: {other:?}"),
        }
        let again = store
            .create_dependency(w.owner, &dep("LAUNCH-1", "LAUNCH-3"))
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
                w.owner,
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
                w.owner,
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
            .delete_dependency(w.owner, "LAUNCH-3", "LAUNCH-4")
            .await
            .unwrap();
        assert_eq!(
            store
                .project_dependencies(w.owner, launch.id)
                .await
                .unwrap()
                .len(),
            1
        );

        // Phases, milestones and roll-up.
        let phase = store
            .create_phase(
                w.owner,
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
                w.owner,
                launch.id,
                &MilestoneFields {
                    name: "Beta".into(),
                    date: NaiveDate::from_ymd_opt(2026, 12, 1),
                    description: None,
                    phase_id: Some(phase.id),
                },
            )
            .await
            .unwrap();
        let mut in_phase = TaskFields::titled("Announce");
        in_phase.phase_id = Some(phase.id);
        in_phase.milestone_id = Some(milestone.id);
        in_phase.percent_complete = 50;
        store
            .update_task(w.owner, "LAUNCH-3", Some(t3.version), &|_| {
                Ok(in_phase.clone())
            })
            .await
            .unwrap();
        let progress = store.project_progress(w.owner, launch.id).await.unwrap();
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
        store
            .create_stakeholder(
                w.owner,
                launch.id,
                &StakeholderFields {
                    member: Some(Email::parse("gus@example.org").unwrap()),
                    name: None,
                    email: None,
                    role: StakeholderRole::Informed,
                },
            )
            .await
            .unwrap();
        store
            .create_stakeholder(
                w.owner,
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
            store
                .list_stakeholders(w.owner, launch.id)
                .await
                .unwrap()
                .len(),
            2
        );

        // Risks with links.
        let risk = store
            .create_risk(
                w.owner,
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
        assert_eq!(store.list_risks(w.owner, launch.id).await.unwrap().len(), 1);

        // Members: the last owner stays.
        let err = store
            .remove_member(w.owner, w.owner.user_id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)));
        let err = store
            .set_member_role(w.member, w.guest.user_id, Role::Member, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Forbidden(_)));

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
        let keys = store.import_tasks(w.owner, "LAUNCH", &rows).await.unwrap();
        assert_eq!(keys, ["LAUNCH-7", "LAUNCH-8"], "{backend}");
        rows.push(TaskFields::titled(""));
        let err = store
            .import_tasks(w.owner, "LAUNCH", &rows)
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
        store.delete_task(w.owner, "LAUNCH-1", None).await.unwrap();
        assert!(matches!(
            store.get_task(w.owner, "LAUNCH-2").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            store
                .project_dependencies(w.owner, launch.id)
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

fn at(day: u32, hour: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

#[tokio::test]
async fn schedules_baselines_and_batch_updates() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let project = store
            .create_project(w.owner, &project("PLAN"))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for title in ["One", "Two"] {
            ids.push(
                store
                    .create_task(w.owner, &task(Some("PLAN"), title))
                    .await
                    .unwrap(),
            );
        }

        // A stored schedule reads back as written, and is replaced whole.
        let row = |task: &Task, day: u32, critical: bool| TaskSchedule {
            task_id: task.id,
            early_start: at(day, 8),
            early_finish: at(day, 17),
            late_start: at(day, 8),
            late_finish: at(day, 17),
            total_slack: if critical { 0 } else { 480 },
            free_slack: 0,
            critical,
            summary: false,
            milestone: false,
        };
        let schedule = StoredSchedule {
            fingerprint: "abc".into(),
            computed_at: chrono::Utc::now(),
            start: at(23, 8),
            finish: at(24, 17),
            critical_path: vec![ids[1].id, ids[0].id],
            warnings: vec!["one".into(), "two".into()],
            tasks: vec![row(&ids[0], 23, true), row(&ids[1], 24, false)],
        };
        assert_eq!(
            store
                .schedule_fingerprint(w.owner, project.id)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store.stored_schedule(w.owner, project.id).await.unwrap(),
            None
        );
        assert!(
            store
                .save_schedule(w.owner, project.id, &schedule)
                .await
                .unwrap()
        );
        let read = store
            .stored_schedule(w.owner, project.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.critical_path, schedule.critical_path);
        assert_eq!(read.warnings, schedule.warnings);
        assert_eq!(read.tasks, schedule.tasks);
        assert_eq!((read.start, read.finish), (schedule.start, schedule.finish));
        let shorter = StoredSchedule {
            fingerprint: "def".into(),
            tasks: vec![row(&ids[0], 25, true)],
            critical_path: Vec::new(),
            warnings: Vec::new(),
            ..schedule.clone()
        };
        assert!(
            store
                .save_schedule(w.owner, project.id, &shorter)
                .await
                .unwrap()
        );
        let read = store
            .stored_schedule(w.owner, project.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.tasks, shorter.tasks);
        // A schedule of the same plan, or of an older reading, is not
        // written over what is stored.
        let again = StoredSchedule {
            computed_at: chrono::Utc::now(),
            ..shorter.clone()
        };
        assert!(
            !store
                .save_schedule(w.owner, project.id, &again)
                .await
                .unwrap()
        );
        let older = StoredSchedule {
            fingerprint: "old".into(),
            computed_at: shorter.computed_at - chrono::Duration::seconds(1),
            ..schedule.clone()
        };
        assert!(
            !store
                .save_schedule(w.owner, project.id, &older)
                .await
                .unwrap()
        );
        assert!(read.critical_path.is_empty() && read.warnings.is_empty());
        assert_eq!(
            store
                .schedule_fingerprint(w.owner, project.id)
                .await
                .unwrap()
                .as_deref(),
            Some("def")
        );
        // Another workspace sees none of it and cannot write it.
        assert_eq!(
            store.stored_schedule(w.other, project.id).await.unwrap(),
            None
        );
        assert!(matches!(
            store.save_schedule(w.other, project.id, &schedule).await,
            Err(StoreError::NotFound(_))
        ));

        // Baselines: saved whole, listed newest first, scoped, deleted.
        let planned = [
            BaselineTask {
                task_id: ids[0].id,
                start: at(23, 8),
                finish: at(23, 17),
                duration_minutes: 480,
            },
            BaselineTask {
                task_id: ids[1].id,
                start: at(24, 8),
                finish: at(24, 12),
                duration_minutes: 240,
            },
        ];
        let first = store
            .create_baseline(w.owner, project.id, "First", &planned)
            .await
            .unwrap();
        assert_eq!(first.tasks, planned);
        assert_eq!(
            first.created_by.as_ref().map(|u| u.email.as_str()),
            Some("ana@example.org")
        );
        let second = store
            .create_baseline(w.member, project.id, " Second ", &planned[..1])
            .await
            .unwrap();
        assert_eq!(second.name, "Second");
        let list = store.list_baselines(w.owner, project.id).await.unwrap();
        assert_eq!(
            list.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            ["Second", "First"]
        );
        assert!(list.iter().all(|b| b.tasks.is_empty()));
        assert_eq!(
            store
                .get_baseline(w.owner, project.id, first.id)
                .await
                .unwrap(),
            first
        );
        assert!(matches!(
            store.get_baseline(w.other, project.id, first.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store
                .create_baseline(w.owner, project.id, "  ", &planned)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .create_baseline(w.other, project.id, "Theirs", &planned)
                .await,
            Err(StoreError::NotFound(_))
        ));
        store
            .delete_baseline(w.owner, project.id, second.id)
            .await
            .unwrap();
        assert_eq!(
            store
                .list_baselines(w.owner, project.id)
                .await
                .unwrap()
                .len(),
            1
        );
        // Deleting a task takes it out of baselines and the schedule.
        store.delete_task(w.owner, &ids[0].key, None).await.unwrap();
        let first = store
            .get_baseline(w.owner, project.id, first.id)
            .await
            .unwrap();
        assert_eq!(first.tasks, planned[1..]);
        assert!(
            store
                .stored_schedule(w.owner, project.id)
                .await
                .unwrap()
                .unwrap()
                .tasks
                .is_empty()
        );

        // A batch of task updates is all or none: a stale version anywhere
        // leaves every task as it was.
        let two = store.get_task(w.owner, &ids[1].key).await.unwrap();
        let third = store
            .create_task(w.owner, &task(Some("PLAN"), "Three"))
            .await
            .unwrap();
        let mut constrained = two.fields();
        constrained.schedule.constraint_type = Some(ConstraintType::Snet);
        constrained.schedule.constraint_date = Some(at(30, 13));
        let stale = vec![
            (two.key.clone(), two.version, constrained.clone()),
            (third.key.clone(), third.version + 5, third.fields()),
        ];
        assert!(matches!(
            store.update_tasks(w.owner, &stale).await,
            Err(StoreError::VersionMismatch { .. })
        ));
        assert_eq!(store.get_task(w.owner, &two.key).await.unwrap(), two);
        let updated = store
            .update_tasks(w.owner, &[(two.key.clone(), two.version, constrained)])
            .await
            .unwrap();
        assert_eq!(updated[0].schedule.constraint_date, Some(at(30, 13)));
        assert_eq!(
            updated[0].schedule.constraint_type,
            Some(ConstraintType::Snet)
        );
        let history = store
            .list_activity(
                w.owner,
                &ActivityFilter {
                    entity: Some((EntityKind::Task, two.id)),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            history[0]
                .changes
                .iter()
                .any(|c| c.field == "constraint_date")
        );
    }
}

#[tokio::test]
async fn board_moves_order_cards_and_keep_versions() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let project = store
            .create_project(w.owner, &project("BOARD"))
            .await
            .unwrap();
        let mut cards = Vec::new();
        for title in ["A", "B", "C"] {
            cards.push(
                store
                    .create_task(w.owner, &task(Some("BOARD"), title))
                    .await
                    .unwrap(),
            );
        }
        let order =
            |ranks: Vec<(Id, f64)>| -> Vec<Id> { ranks.into_iter().map(|(id, _)| id).collect() };
        let ids: Vec<Id> = cards.iter().map(|t| t.id).collect();
        assert_eq!(
            order(store.board_ranks(w.owner, project.id).await.unwrap()),
            ids
        );

        // C goes between A and B, and to In progress, in one write.
        let c = &cards[2];
        let mut fields = c.fields();
        fields.status = TaskStatus::InProgress;
        let moved = store
            .move_task(
                w.owner,
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
            order(store.board_ranks(w.owner, project.id).await.unwrap()),
            [ids[0], ids[2], ids[1]]
        );
        // A to the bottom, after B.
        let a = &cards[0];
        store
            .move_task(
                w.owner,
                &a.key,
                a.version,
                &a.fields(),
                Some(&cards[1].key),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            order(store.board_ranks(w.owner, project.id).await.unwrap()),
            [ids[2], ids[1], ids[0]]
        );
        // A stale move changes neither the status nor the order.
        let mut fields = cards[1].fields();
        fields.status = TaskStatus::Done;
        assert!(matches!(
            store
                .move_task(
                    w.owner,
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
            order(store.board_ranks(w.owner, project.id).await.unwrap()),
            [ids[2], ids[1], ids[0]]
        );
        // Sixty moves into the same ever-narrower gap: the order stays
        // right (the column is renumbered when halving runs out).
        let mut between = (cards[2].key.clone(), cards[1].key.clone());
        for i in 0..60 {
            let card = store
                .create_task(w.owner, &task(Some("BOARD"), &format!("Squeezed {i}")))
                .await
                .unwrap();
            store
                .move_task(
                    w.owner,
                    &card.key,
                    card.version,
                    &card.fields(),
                    Some(&between.0),
                    Some(&between.1),
                )
                .await
                .unwrap();
            let ranks = store.board_ranks(w.owner, project.id).await.unwrap();
            let place = |id: Id| ranks.iter().position(|(r, _)| *r == id).unwrap();
            let after = store.get_task(w.owner, &between.0).await.unwrap().id;
            let before = store.get_task(w.owner, &between.1).await.unwrap().id;
            assert_eq!(
                (place(after) + 1, place(card.id) + 1),
                (place(card.id), place(before)),
                "move {i}"
            );
            between.1 = card.key.clone();
        }
        // Another workspace sees no ranks of this project.
        assert!(
            store
                .board_ranks(w.other, project.id)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn expired_sessions_are_purged_and_live_ones_kept() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let now = chrono::Utc::now();
        let day = chrono::Duration::days(1);
        store
            .create_session(w.owner.user_id, "expired", now - day)
            .await
            .unwrap();
        store
            .create_session(w.owner.user_id, "live", now + day)
            .await
            .unwrap();
        assert_eq!(store.purge_expired_sessions(now).await.unwrap(), 1);
        assert_eq!(store.purge_expired_sessions(now).await.unwrap(), 0);
        assert!(store.session_user("live", now).await.unwrap().is_some());
        // Read past its expiry, the expired one was never valid anyway;
        // the purge removed the row itself.
        assert!(
            store
                .session_user("expired", now - day * 2)
                .await
                .unwrap()
                .is_none()
        );
    }
}

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
        let failed = store.import_project(w.owner, &import).await;
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
        let project = store.import_project(w.owner, &import).await.unwrap();
        assert_eq!(project.key, "BIG");
        let child = store.get_task(w.owner, "BIG-2500").await.unwrap();
        assert_eq!(child.fields().parent.as_deref(), Some("BIG-1"));
        let links = store.project_links(w.owner, project.id).await.unwrap();
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
        let again = store.import_project(w.owner, &import).await;
        assert!(
            matches!(&again, Err(StoreError::Invalid(e)) if e[0].field == "key"),
            "{again:?}"
        );
    }
}

// --- the outbox --------------------------------------------------------------

const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

#[tokio::test]
async fn every_write_leaves_an_event_in_its_transaction_and_a_refused_one_none() {
    use tandem_store::events::RESCHEDULER;
    for store in backends().await {
        let w = world(store.as_ref()).await;
        let before = store.last_event_id().await.unwrap();
        let project = store
            .create_project(w.owner, &project("OUT"))
            .await
            .unwrap();
        let first = store
            .create_task(w.owner, &task(Some("OUT"), "First"))
            .await
            .unwrap();
        let personal = store
            .create_task(w.member, &task(None, "Mine"))
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
            .update_task(w.owner, &first.key, Some(first.version + 7), &|f| Ok(f))
            .await;
        assert!(matches!(stale, Err(StoreError::VersionMismatch { .. })));
        assert!(
            store
                .create_task(w.owner, &task(Some("NOPE"), "Lost"))
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
    a.create_project(w.owner, &project("TWO")).await.unwrap();
    for n in 0..120 {
        let node = if n % 2 == 0 { &a } else { &b };
        node.create_task(w.owner, &task(Some("TWO"), &format!("Task {n}")))
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
        let mut feed = listener.event_feed();
        // Bounded: a feed that never delivers fails here, not by hanging.
        let bound = std::time::Duration::from_secs(20);
        let project = writer
            .create_project(w.owner, &project("FEED"))
            .await
            .unwrap();
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
