//! Catching a stored schedule up with tasks added to its plan
//! (`planning::catch_up_schedule`) against scheduling the whole plan
//! again: after any sequence of writes, a schedule caught up is the one a
//! whole run stores, and a write that is not a loose task's create or
//! edit is never caught up with. On a fresh SQLite file, and a fresh PostgreSQL
//! database when `TANDEM_TEST_POSTGRES_URL` is set.

use chrono::{Days, NaiveDate, Utc};
use tandem_domain::{
    ConstraintType, DependencyKind, LagFormat, NewDependency, NewProject, NewTask, ProjectFields,
    ProjectKey, Role, Slug, StoredSchedule, TaskFields, TaskStatus, UserRef,
};
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};
use tandem_store::{Scope, Store};
use tandem_usecases::{Actor, dependencies, planning, projects, tasks};

/// A small deterministic generator, so a failure names its seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// The whole plan's schedule, as a run of the rescheduler computes it.
async fn whole(store: &dyn Store, scope: Scope, today: NaiveDate) -> StoredSchedule {
    let loaded = planning::load(store, scope, "PLAN", today).await.unwrap();
    let result = tandem_schedule::schedule(&loaded.planned.plan).unwrap();
    let mut schedule = loaded.planned.stored(&result, Utc::now());
    schedule.tasks.sort_by_key(|t| t.task_id);
    schedule
}

async fn store_whole(store: &dyn Store, scope: Scope, today: NaiveDate) {
    let loaded = planning::load(store, scope, "PLAN", today).await.unwrap();
    let result = tandem_schedule::schedule(&loaded.planned.plan).unwrap();
    let schedule = loaded.planned.stored(&result, Utc::now());
    store
        .save_schedule(loaded.access, &schedule, loaded.stamp)
        .await
        .unwrap();
}

/// A task's fields drawn from the dice: an estimate, and sometimes a
/// start, a due date (some already past) or a constraint.
fn drawn(dice: &mut Dice, title: String, today: NaiveDate) -> TaskFields {
    let mut f = TaskFields::titled(title);
    f.estimate_days = Some(dice.below(6) as f64);
    match dice.below(6) {
        0 => f.start_date = today.checked_add_days(Days::new(dice.below(30))),
        1 => f.due_date = today.checked_add_days(Days::new(dice.below(60))),
        2 => f.due_date = today.checked_sub_days(Days::new(1 + dice.below(5))),
        3 => f.schedule.constraint_type = Some(ConstraintType::Alap),
        _ => {}
    }
    f
}

#[tokio::test]
async fn a_schedule_caught_up_with_added_tasks_is_the_whole_plans_schedule() {
    let mut urls = vec![fresh_sqlite_url()];
    match postgres_url() {
        Some(admin) => urls.push(fresh_postgres_database(&admin).await.unwrap()),
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    let today = chrono::Local::now().date_naive();
    for url in urls {
        let store = tandem_store::open(&url).await.unwrap();
        let store = store.as_ref();
        let email = tandem_domain::Email::parse("ana@x.org").unwrap();
        let ana: UserRef = store
            .create_user(&email, "Ana", "not a hash")
            .await
            .unwrap();
        let mut caught_up = 0;
        let mut refused = 0;
        let mut edits_caught_up = 0;
        for seed in 0..6u64 {
            let mut dice = Dice(seed);
            let slug = Slug::parse(&format!("ws{seed}")).unwrap();
            let ws = store
                .create_workspace(&slug, "Acme", Some(ana.id))
                .await
                .unwrap();
            let actor = Actor {
                user: ana.clone(),
                scope: Scope {
                    workspace_id: ws.id,
                    user_id: ana.id,
                    role: Role::Owner,
                },
            };
            let writer = actor.writer().unwrap();
            let fields = ProjectFields {
                // Half the projects start on a date of their own; the others
                // start with their earliest task or today.
                start_date: (seed % 2 == 0).then_some(today),
                ..ProjectFields::named("Plan")
            };
            let project = NewProject {
                key: ProjectKey::parse("PLAN").unwrap(),
                fields,
            };
            projects::create(store, &writer, &project).await.unwrap();
            let mut keys: Vec<String> = Vec::new();
            // Tasks in an outline, parents and subtasks: the links drawn
            // leave them out, as a link from a summary to its own subtask
            // is a cycle.
            let mut outlined = std::collections::HashSet::new();
            let mut linked = std::collections::HashSet::from([0, 1, 2, 3, 4]);
            let create = |fields: TaskFields| NewTask {
                project: Some(ProjectKey::parse("PLAN").unwrap()),
                fields,
            };
            for i in 0..8 {
                let task = tasks::create(
                    store,
                    &writer,
                    create(drawn(&mut dice, format!("T{i}"), today)),
                )
                .await
                .unwrap();
                keys.push(task.key);
            }
            for (p, s) in [(0, 1), (1, 2), (3, 4)] {
                let link = NewDependency {
                    predecessor: keys[p].clone(),
                    successor: keys[s].clone(),
                    kind: DependencyKind::Fs,
                    lag_days: 0.0,
                    lag_format: LagFormat::WorkingDays,
                };
                dependencies::create(store, &writer, &link).await.unwrap();
            }
            store_whole(store, actor.scope, today).await;

            for step in 0..25 {
                // One to three writes, then a run of the rescheduler.
                let mut only_loose_changes = true;
                let mut edited = false;
                for _ in 0..1 + dice.below(3) {
                    let title = format!("S{step}");
                    match dice.below(12) {
                        10 | 11 => {
                            // An edit: new dates, estimate or constraint, a
                            // new title, or the task cancelled.
                            // Mostly a loose task: those are the edits a
                            // catch-up can take.
                            let loose: Vec<usize> = (0..keys.len())
                                .filter(|i| !outlined.contains(i) && !linked.contains(i))
                                .collect();
                            let i = match dice.below(4) {
                                1..=3 if !loose.is_empty() => {
                                    loose[dice.below(loose.len() as u64) as usize]
                                }
                                _ => dice.below(keys.len() as u64) as usize,
                            };
                            let fresh = drawn(&mut dice, format!("E{step}"), today);
                            let cancel = dice.below(5) == 0;
                            let edit = move |current: TaskFields| {
                                Ok(TaskFields {
                                    title: fresh.title.clone(),
                                    estimate_days: fresh.estimate_days,
                                    start_date: fresh.start_date,
                                    due_date: fresh.due_date,
                                    schedule: fresh.schedule,
                                    status: if cancel {
                                        TaskStatus::Cancelled
                                    } else {
                                        current.status
                                    },
                                    ..current
                                })
                            };
                            tasks::update(store, &writer, &keys[i], None, &edit)
                                .await
                                .unwrap();
                            if outlined.contains(&i) || linked.contains(&i) {
                                only_loose_changes = false;
                            }
                            edited = true;
                        }
                        0 => {
                            let mut f = drawn(&mut dice, title, today);
                            let parent = dice.below(keys.len() as u64) as usize;
                            f.parent = Some(keys[parent].clone());
                            let task = tasks::create(store, &writer, create(f)).await.unwrap();
                            outlined.extend([parent, keys.len()]);
                            keys.push(task.key);
                            only_loose_changes = false;
                        }
                        1 => {
                            let n = keys.len() as u64;
                            let (a, b) = (dice.below(n) as usize, dice.below(n) as usize);
                            let link = NewDependency {
                                predecessor: keys[a.min(b)].clone(),
                                successor: keys[a.max(b)].clone(),
                                kind: DependencyKind::Fs,
                                lag_days: 0.0,
                                lag_format: LagFormat::WorkingDays,
                            };
                            // A link that would close a cycle, or is there
                            // already, is refused and changes nothing.
                            let loose = !outlined.contains(&a) && !outlined.contains(&b);
                            if a != b
                                && loose
                                && dependencies::create(store, &writer, &link).await.is_ok()
                            {
                                only_loose_changes = false;
                                linked.extend([a, b]);
                            }
                        }
                        9 => {
                            // An import of loose tasks: one write, one plan
                            // version, an event per task.
                            let batch: Vec<TaskFields> = (0..1 + dice.below(3))
                                .map(|n| drawn(&mut dice, format!("{title}-{n}"), today))
                                .collect();
                            let imported = store
                                .import_tasks(writer.scope(), "PLAN", &batch)
                                .await
                                .unwrap();
                            keys.extend(imported);
                        }
                        _ => {
                            let f = drawn(&mut dice, title, today);
                            let task = tasks::create(store, &writer, create(f)).await.unwrap();
                            keys.push(task.key);
                        }
                    }
                }
                let (_, access) = store.open_project(actor.scope, "PLAN").await.unwrap();
                let head_before = store.schedule_head(access).await.unwrap().unwrap();
                let done = planning::catch_up_schedule(store, actor.scope, "PLAN", today)
                    .await
                    .unwrap();
                if !done {
                    refused += 1;
                    store_whole(store, actor.scope, today).await;
                    continue;
                }
                assert!(
                    only_loose_changes,
                    "seed {seed} step {step}: caught up with a link, a subtask or an outlined task's edit"
                );
                caught_up += 1;
                edits_caught_up += usize::from(edited);
                let mut stored = store.stored_schedule(access).await.unwrap().unwrap();
                stored.tasks.sort_by_key(|t| t.task_id);
                let expected = whole(store, actor.scope, today).await;
                let context = format!("seed {seed} step {step}");
                assert_eq!(stored.fingerprint, expected.fingerprint, "{context}");
                assert_eq!(stored.tasks, expected.tasks, "{context}");
                assert_eq!(
                    (
                        stored.start,
                        stored.finish,
                        &stored.critical_path,
                        &stored.warnings,
                        stored.basis
                    ),
                    (
                        expected.start,
                        expected.finish,
                        &expected.critical_path,
                        &expected.warnings,
                        expected.basis
                    ),
                    "{context}"
                );
                assert!(
                    store.schedule_is_current(access, today).await.unwrap(),
                    "{context}: a schedule caught up is stamped current"
                );
                // Adding to a stored schedule that has moved on since its
                // head was read writes nothing.
                let head = store.schedule_head(access).await.unwrap().unwrap();
                if head != head_before {
                    let stale = tandem_domain::planning::Beside {
                        fingerprint: "0".into(),
                        tasks: stored.tasks[..1].to_vec(),
                        removed: vec![stored.tasks[1].task_id],
                    };
                    let late = store
                        .patch_schedule(access, &head_before, head.stamp, &stale)
                        .await
                        .unwrap();
                    assert!(!late, "{context}");
                    let after = store.schedule_head(access).await.unwrap();
                    assert_eq!(after, Some(head), "{context}");
                }
            }
        }
        // Both ways were taken: the comparison above ran, and so did the
        // refusals it guards.
        assert!(caught_up >= 20, "caught up only {caught_up} times");
        assert!(refused >= 20, "refused only {refused} times");
        assert!(
            edits_caught_up >= 5,
            "caught up with edits only {edits_caught_up} times"
        );
        eprintln!("caught up {caught_up} times ({edits_caught_up} with edits), refused {refused}");
    }
}
