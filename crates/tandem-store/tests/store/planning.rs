//! Stored schedules, baselines and batch updates.

use std::collections::HashMap;

use tandem_store::PlanStamp;

use super::*;

#[tokio::test]
async fn schedules_baselines_and_batch_updates() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let project = store
            .create_project(w.owner.writer().unwrap(), &project("PLAN"))
            .await
            .unwrap();
        let (_, access) = store.open_project(w.owner, &project.key).await.unwrap();
        let mut ids = Vec::new();
        for title in ["One", "Two"] {
            ids.push(
                store
                    .create_task(w.owner.writer().unwrap(), &task(Some("PLAN"), title))
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
            loose_digest: Some(7),
        };
        let schedule = StoredSchedule {
            fingerprint: "abc".into(),
            computed_at: chrono::Utc::now(),
            start: at(23, 8),
            finish: at(24, 17),
            critical_path: vec![ids[1].id, ids[0].id],
            warnings: vec!["one".into(), "two".into()],
            tasks: vec![row(&ids[0], 23, true), row(&ids[1], 24, false)],
            basis: Some(tandem_domain::ScheduleBasis {
                plan_start: at(23, 0),
                late_from: 2 * 480,
            }),
        };
        assert_eq!(store.schedule_fingerprint(access).await.unwrap(), None);
        assert_eq!(store.stored_schedule(access).await.unwrap(), None);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let stamp = PlanStamp {
            version: store.plan_version(access).await.unwrap(),
            planned_on: today,
        };
        assert!(!store.schedule_is_current(access, today).await.unwrap());
        assert!(store.save_schedule(access, &schedule, stamp).await.unwrap());
        // Current for the plan it was stamped with, on that day only.
        assert!(store.schedule_is_current(access, today).await.unwrap());
        assert!(
            !store
                .schedule_is_current(access, today.succ_opt().unwrap())
                .await
                .unwrap()
        );
        let read = store.stored_schedule(access).await.unwrap().unwrap();
        assert_eq!(read.critical_path, schedule.critical_path);
        assert_eq!(read.warnings, schedule.warnings);
        assert_eq!(read.tasks, schedule.tasks);
        assert_eq!((read.start, read.finish), (schedule.start, schedule.finish));
        assert_eq!(read.basis, schedule.basis);
        let shorter = StoredSchedule {
            fingerprint: "def".into(),
            tasks: vec![row(&ids[0], 25, true)],
            critical_path: Vec::new(),
            warnings: Vec::new(),
            ..schedule.clone()
        };
        assert!(store.save_schedule(access, &shorter, stamp).await.unwrap());
        let read = store.stored_schedule(access).await.unwrap().unwrap();
        assert_eq!(read.tasks, shorter.tasks);
        // A schedule of the same plan, or of an older reading, is not
        // written over what is stored.
        let again = StoredSchedule {
            computed_at: chrono::Utc::now(),
            ..shorter.clone()
        };
        assert!(!store.save_schedule(access, &again, stamp).await.unwrap());
        let older = StoredSchedule {
            fingerprint: "old".into(),
            computed_at: shorter.computed_at - chrono::Duration::seconds(1),
            ..schedule.clone()
        };
        assert!(!store.save_schedule(access, &older, stamp).await.unwrap());
        assert!(read.critical_path.is_empty() && read.warnings.is_empty());
        assert_eq!(
            store.schedule_fingerprint(access).await.unwrap().as_deref(),
            Some("def")
        );
        // A change to the plan makes the stored schedule stale at once;
        // stamping it (the same plan, read again) makes it current, and
        // an older stamp never overwrites a newer one.
        assert!(store.schedule_is_current(access, today).await.unwrap());
        let change = |mut f: TaskFields| {
            f.estimate_days = Some(3.0);
            Ok(f)
        };
        store
            .update_task(w.owner.writer().unwrap(), &ids[0].key, None, &change)
            .await
            .unwrap();
        assert!(!store.schedule_is_current(access, today).await.unwrap());
        let newer = PlanStamp {
            version: store.plan_version(access).await.unwrap(),
            planned_on: today,
        };
        assert!(newer.version > stamp.version);
        store.stamp_schedule(access, "other", newer).await.unwrap();
        assert!(!store.schedule_is_current(access, today).await.unwrap());
        store.stamp_schedule(access, "def", newer).await.unwrap();
        assert!(store.schedule_is_current(access, today).await.unwrap());
        store.stamp_schedule(access, "def", stamp).await.unwrap();
        assert!(store.schedule_is_current(access, today).await.unwrap());
        // Saving writes only the rows that changed; what it reads back is
        // still exactly the new schedule: a row kept, one added, one
        // changed in a single flag.
        let grown = StoredSchedule {
            fingerprint: "ghi".into(),
            computed_at: chrono::Utc::now(),
            tasks: vec![row(&ids[0], 25, true), row(&ids[1], 26, true)],
            ..shorter.clone()
        };
        assert!(store.save_schedule(access, &grown, newer).await.unwrap());
        assert_eq!(
            store.stored_schedule(access).await.unwrap().unwrap().tasks,
            grown.tasks
        );
        let mut flipped = StoredSchedule {
            fingerprint: "jkl".into(),
            computed_at: chrono::Utc::now(),
            ..grown.clone()
        };
        flipped.tasks[1].critical = false;
        assert!(store.save_schedule(access, &flipped, newer).await.unwrap());
        assert_eq!(
            store.stored_schedule(access).await.unwrap().unwrap().tasks,
            flipped.tasks
        );
        // Read with its tasks' names, whole or a page at a time: the same
        // rows, each named by its task's key and title.
        let named = store
            .named_schedule(access, 0, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(named.schedule.tasks, flipped.tasks);
        assert_eq!(named.schedule.basis, flipped.basis);
        assert_eq!(named.schedule.critical_path, flipped.critical_path);
        let drift = named.schedule.computed_at - flipped.computed_at;
        assert!(drift.num_milliseconds().abs() < 1, "{drift}");
        let keys: Vec<(Id, &str, &str)> = named
            .names
            .iter()
            .map(|n| (n.id, n.key.as_str(), n.title.as_str()))
            .collect();
        assert_eq!(
            keys,
            [&ids[0], &ids[1]]
                .map(|t| (t.id, t.key.as_str(), t.title.as_str()))
                .to_vec()
        );
        let page = store
            .named_schedule(access, ids[0].id, Some(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(page.schedule.tasks, flipped.tasks[1..]);
        assert_eq!(page.names, named.names[1..]);
        let past_the_end = store
            .named_schedule(access, ids[1].id, Some(5))
            .await
            .unwrap()
            .unwrap();
        assert!(past_the_end.schedule.tasks.is_empty() && past_the_end.names.is_empty());
        let shrunk = StoredSchedule {
            fingerprint: "mno".into(),
            computed_at: chrono::Utc::now(),
            tasks: shorter.tasks.clone(),
            ..flipped.clone()
        };
        assert!(store.save_schedule(access, &shrunk, newer).await.unwrap());
        assert_eq!(
            store.stored_schedule(access).await.unwrap().unwrap().tasks,
            shrunk.tasks
        );
        let names = store.task_names(access).await.unwrap();
        assert_eq!(names.len(), ids.len());
        // In no promised order: the plan decides it (with statistics,
        // PostgreSQL reads the table, where an update moved the first
        // task last).
        let first = names.iter().find(|n| n.id == ids[0].id).unwrap();
        assert_eq!(first.key.as_str(), ids[0].key.as_str());
        // Another workspace cannot open the project, so it reads and
        // writes none of its schedule.
        assert!(matches!(
            store.open_project(w.other, &project.key).await,
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
            .create_baseline(w.owner.writer().unwrap(), project.id, "First", &planned)
            .await
            .unwrap();
        assert_eq!(first.tasks, planned);
        assert_eq!(
            first.created_by.as_ref().map(|u| u.email.as_str()),
            Some("ana@example.org")
        );
        let second = store
            .create_baseline(
                w.member.writer().unwrap(),
                project.id,
                " Second ",
                &planned[..1],
            )
            .await
            .unwrap();
        assert_eq!(second.name, "Second");
        let list = store.list_baselines(access).await.unwrap();
        assert_eq!(
            list.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            ["Second", "First"]
        );
        assert!(list.iter().all(|b| b.tasks.is_empty()));
        assert_eq!(store.get_baseline(access, first.id).await.unwrap(), first);
        assert!(matches!(
            store
                .create_baseline(w.owner.writer().unwrap(), project.id, "  ", &planned)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .create_baseline(w.other.writer().unwrap(), project.id, "Theirs", &planned)
                .await,
            Err(StoreError::NotFound(_))
        ));
        store
            .delete_baseline(w.owner.writer().unwrap(), project.id, second.id)
            .await
            .unwrap();
        assert_eq!(store.list_baselines(access).await.unwrap().len(), 1);
        // Deleting a task takes it out of baselines and the schedule.
        store
            .delete_task(w.owner.writer().unwrap(), &ids[0].key, None)
            .await
            .unwrap();
        let first = store.get_baseline(access, first.id).await.unwrap();
        assert_eq!(first.tasks, planned[1..]);
        assert!(
            store
                .stored_schedule(access)
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
            .create_task(w.owner.writer().unwrap(), &task(Some("PLAN"), "Three"))
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
            store.update_tasks(w.owner.writer().unwrap(), &stale).await,
            Err(StoreError::VersionMismatch { .. })
        ));
        assert_eq!(store.get_task(w.owner, &two.key).await.unwrap(), two);
        let updated = store
            .update_tasks(
                w.owner.writer().unwrap(),
                &[(two.key.clone(), two.version, constrained)],
            )
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

/// What a whole-plan schedule reads of the tasks (`plan_tasks`, a read of
/// its own for memory's sake) is what the whole tasks say, field by field,
/// on every backend: every field the plan uses set, none set, a subtask, a
/// cancelled task; and only the project's own tasks.
#[tokio::test]
async fn the_plan_reads_every_task_of_the_project_as_it_is() {
    use tandem_domain::planning::PlanTask;
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        for key in ["PLAN", "ELSE"] {
            store.create_project(writer, &project(key)).await.unwrap();
        }
        let plain = store
            .create_task(writer, &task(Some("PLAN"), "Plain"))
            .await
            .unwrap();
        let mut full = task(Some("PLAN"), "Everything the plan reads");
        full.fields.owner = Some(Email::parse("ben@example.org").unwrap());
        full.fields.status = TaskStatus::InProgress;
        full.fields.start_date = NaiveDate::from_ymd_opt(2026, 11, 23);
        full.fields.due_date = NaiveDate::from_ymd_opt(2026, 12, 4);
        full.fields.estimate_days = Some(2.5);
        full.fields.effort_hours = Some(12.0);
        full.fields.three_point = Some(ThreePoint {
            optimistic: 1.0,
            likely: 2.0,
            pessimistic: 4.5,
        });
        full.fields.percent_complete = 40;
        full.fields.schedule = TaskScheduling {
            constraint_type: Some(ConstraintType::Mfo),
            constraint_date: Some(at(27, 17)),
            actual_start: Some(at(23, 9)),
            actual_finish: None,
            mode: SchedulingMode::Auto,
            levelling_delay: 0,
        };
        full.fields.parent = Some(plain.key.clone());
        store.create_task(writer, &full).await.unwrap();
        let mut cancelled = task(Some("PLAN"), "Dropped");
        cancelled.fields.status = TaskStatus::Cancelled;
        cancelled.fields.schedule.actual_start = Some(at(23, 10));
        cancelled.fields.schedule.actual_finish = Some(at(24, 12));
        store.create_task(writer, &cancelled).await.unwrap();
        store
            .create_task(writer, &task(Some("ELSE"), "Another project's"))
            .await
            .unwrap();
        store
            .create_task(writer, &task(None, "Personal"))
            .await
            .unwrap();

        let (_, access) = store.open_project(w.owner, "PLAN").await.unwrap();
        let mut read = store.plan_tasks(access).await.unwrap();
        read.sort_by_key(|t| t.id);
        let filter = TaskFilter {
            project: Some("PLAN".into()),
            limit: 100,
            ..Default::default()
        };
        let mut expected: Vec<PlanTask> = store
            .list_tasks(w.owner, &filter)
            .await
            .unwrap()
            .tasks
            .iter()
            .map(PlanTask::from)
            .collect();
        expected.sort_by_key(|t| t.id);
        assert_eq!(expected.len(), 3, "{}", store.backend());
        assert_eq!(read, expected, "{}", store.backend());
        assert!(read.iter().any(|t| t.parent_id == Some(plain.id)));
    }
}

/// Found by a session: a link into a summary holds its subtasks and a link
/// out of it waits for them (the scheduler binds a summary's links to its
/// leaves), so the store refuses, on every backend, a link or a move
/// under a summary that would have a task wait for itself through one,
/// names the tasks of the cycle, and changes nothing; siblings linked
/// through another task are no cycle.
#[tokio::test]
async fn links_on_a_summary_close_no_cycle_through_its_subtasks() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        store.create_project(writer, &project("OUT")).await.unwrap();
        let mut made: HashMap<&str, String> = HashMap::new();
        for (name, parent) in [
            ("summary", None),
            ("first", Some("summary")),
            ("second", Some("summary")),
            ("before", None),
            ("after", None),
            ("beside", None),
            ("loose", None),
            ("spare", None),
        ] {
            let mut new = task(Some("OUT"), name);
            new.fields.parent = parent.map(|p: &str| made[p].clone());
            let created = store.create_task(writer, &new).await.unwrap();
            made.insert(name, created.key);
        }
        let key = |name: &str| made[name].clone();
        let link = |p: &str, s: &str| NewDependency {
            predecessor: key(p),
            successor: key(s),
            kind: DependencyKind::Fs,
            lag_days: 0.0,
            lag_format: LagFormat::WorkingDays,
        };
        for (p, s) in [
            ("before", "summary"),
            ("summary", "after"),
            ("first", "beside"),
        ] {
            store.create_dependency(writer, &link(p, s)).await.unwrap();
        }
        let refused = [
            // The summary waits for `before`, and so does `first`.
            (("first", "before"), ["first", "before", "summary", "first"]),
            // `after` waits for the summary, which waits for `second`.
            (("after", "second"), ["after", "second", "summary", "after"]),
        ];
        for ((p, s), cycle) in refused {
            match store.create_dependency(writer, &link(p, s)).await {
                Err(StoreError::Cycle(keys)) => {
                    assert_eq!(keys, cycle.map(key), "{backend}: {p} → {s}")
                }
                other => panic!("{backend}: {p} → {s}: {other:?}"),
            }
        }
        // `first` → `beside` → `second` under one summary: no cycle.
        store
            .create_dependency(writer, &link("beside", "second"))
            .await
            .unwrap();

        // `loose` comes before `before`; under the summary it would also
        // come after it.
        store
            .create_dependency(writer, &link("loose", "before"))
            .await
            .unwrap();
        let mut moved = store
            .get_task(w.owner, &key("loose"))
            .await
            .unwrap()
            .fields();
        moved.parent = Some(key("summary"));
        let err = store
            .update_task(writer, &key("loose"), None, &|_| Ok(moved.clone()))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(e) if e[0].field == "parent"
                && e[0].message.contains(&format!("{} → {}", key("loose"), key("before")))),
            "{backend}: {err:?}"
        );
        assert_eq!(
            store.get_task(w.owner, &key("loose")).await.unwrap().parent,
            None,
            "{backend}"
        );
        // A task tied to nothing goes under the summary and takes on its
        // links.
        let mut fine = store
            .get_task(w.owner, &key("spare"))
            .await
            .unwrap()
            .fields();
        fine.parent = Some(key("summary"));
        store
            .update_task(writer, &key("spare"), None, &|_| Ok(fine.clone()))
            .await
            .unwrap();
        let (_, access) = store.open_project(w.owner, "OUT").await.unwrap();
        assert_eq!(
            store.project_links(access).await.unwrap().len(),
            5,
            "{backend}"
        );
    }
}

/// An import is one write: it takes its tasks' numbers at once, moves the
/// plan version on once, and leaves an event per task at that version
/// (what the rescheduler reads its changes from), on every backend.
#[tokio::test]
async fn an_import_is_one_plan_version_with_an_event_per_task() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        store
            .create_project(writer, &project("BULK"))
            .await
            .unwrap();
        store
            .create_task(writer, &task(Some("BULK"), "Before"))
            .await
            .unwrap();
        let (_, access) = store.open_project(w.owner, "BULK").await.unwrap();
        let before = store.plan_version(access).await.unwrap();
        let fields: Vec<TaskFields> = (0..3)
            .map(|n| TaskFields::titled(format!("Imported {n}")))
            .collect();
        let keys = store.import_tasks(writer, "BULK", &fields).await.unwrap();
        assert_eq!(keys, ["BULK-2", "BULK-3", "BULK-4"], "{backend}");
        let after = store.plan_version(access).await.unwrap();
        assert_eq!(after, before + 1, "{backend}");
        let changes = store.plan_changes(access, before, 10).await.unwrap();
        let mut named: Vec<_> = changes
            .iter()
            .map(|c| (c.version, c.action.as_str(), c.key.as_str()))
            .collect();
        named.sort();
        assert_eq!(
            named,
            [
                (after, "created", "BULK-2"),
                (after, "created", "BULK-3"),
                (after, "created", "BULK-4")
            ],
            "{backend}"
        );
        // The next create takes the next number.
        let next = store
            .create_task(writer, &task(Some("BULK"), "After"))
            .await
            .unwrap();
        assert_eq!(next.key, "BULK-5", "{backend}");
    }
}

/// What the timeline reads of a big plan instead of the plan: each task's
/// phase, and the links among a window of tasks only (both ends in it).
#[tokio::test]
async fn a_window_reads_each_tasks_phase_and_the_links_among_its_tasks() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        let win = store.create_project(writer, &project("WIN")).await.unwrap();
        store
            .create_project(writer, &project("OTHER"))
            .await
            .unwrap();
        let (_, access) = store.open_project(w.owner, "WIN").await.unwrap();
        let build = PhaseFields {
            name: "Build".into(),
            position: 0,
            start_date: None,
            end_date: None,
        };
        let phase = store.create_phase(writer, win.id, &build).await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..4 {
            let mut new = task(Some("WIN"), &format!("Step {n}"));
            new.fields.phase_id = (n % 2 == 0).then_some(phase.id);
            tasks.push(store.create_task(writer, &new).await.unwrap());
        }
        store
            .create_task(writer, &task(Some("OTHER"), "Elsewhere"))
            .await
            .unwrap();
        let link = |p: usize, s: usize| NewDependency {
            predecessor: tasks[p].key.clone(),
            successor: tasks[s].key.clone(),
            kind: DependencyKind::Fs,
            lag_days: 0.0,
            lag_format: LagFormat::WorkingDays,
        };
        for (p, s) in [(0, 1), (1, 2), (2, 3)] {
            store.create_dependency(writer, &link(p, s)).await.unwrap();
        }

        let mut phases = store.task_phases(access).await.unwrap();
        phases.sort();
        let expected: Vec<(i64, Option<i64>)> = tasks.iter().map(|t| (t.id, t.phase_id)).collect();
        assert_eq!(phases, expected, "{backend}");
        assert_eq!(expected[0].1, Some(phase.id), "{backend}");

        // Tasks 0, 1 and 2: the links 0→1 and 1→2, not 2→3.
        let window: Vec<i64> = tasks[..3].iter().map(|t| t.id).collect();
        let links = store.links_among(access, &window).await.unwrap();
        let pairs: Vec<(i64, i64)> = links
            .iter()
            .map(|l| (l.predecessor_id, l.successor_id))
            .collect();
        assert_eq!(
            pairs,
            [(tasks[0].id, tasks[1].id), (tasks[1].id, tasks[2].id)],
            "{backend}"
        );
        assert!(store.links_among(access, &[]).await.unwrap().is_empty());
    }
}
