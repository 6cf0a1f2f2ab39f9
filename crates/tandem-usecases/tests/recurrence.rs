//! Recurring tasks through the use cases, on a real SQLite file and (when
//! `TANDEM_TEST_POSTGRES_URL` is set) PostgreSQL: the next occurrence when
//! one is done, each mode and reuse, the job's catch-up after downtime,
//! and two nodes making the same dates at once.

use chrono::{Days, Local, NaiveDate};
use tandem_domain::recurrence::{Landing, Mode, Reuse, Rule, Series};
use tandem_domain::{
    Email, NewProject, NewTask, ProjectFields, ProjectKey, Role, Slug, Task, TaskFields, TaskStatus,
};
use tandem_store::events::RESCHEDULER;
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};
use tandem_store::{ActivityFilter, Scope, Store, TaskFilter};
use tandem_usecases::{Actor, projects, recurrence, tasks};

struct World {
    url: String,
    store: Box<dyn Store>,
    owner: Actor,
}

async fn worlds() -> Vec<World> {
    let mut urls = vec![fresh_sqlite_url()];
    match postgres_url() {
        Some(admin) => urls.push(fresh_postgres_database(&admin).await.unwrap()),
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    let mut worlds = Vec::new();
    for url in urls {
        let store = tandem_store::open(&url).await.unwrap();
        let email = Email::parse("ana@x.org").unwrap();
        let ana = store
            .create_user(&email, "Ana", "not a hash")
            .await
            .unwrap();
        let ws = store
            .create_workspace(&Slug::parse("acme").unwrap(), "Acme", Some(ana.id))
            .await
            .unwrap();
        let owner = Actor {
            user: ana.clone(),
            scope: Scope {
                workspace_id: ws.id,
                user_id: ana.id,
                role: Role::Owner,
            },
        };
        projects::create(
            store.as_ref(),
            &owner.writer().unwrap(),
            &NewProject {
                key: ProjectKey::parse("OPS").unwrap(),
                fields: ProjectFields::named("Operations"),
            },
        )
        .await
        .unwrap();
        worlds.push(World { url, store, owner });
    }
    worlds
}

fn series(rule: &str, mode: Mode, reuse: Reuse) -> Series {
    Series {
        rule: Rule::parse(rule).unwrap(),
        mode,
        reuse,
        landing: Landing::AsIs,
        starts_on: NaiveDate::default(),
        except: Vec::new(),
    }
}

async fn repeating(world: &World, title: &str, due: NaiveDate, series: &Series) -> Task {
    let mut fields = TaskFields::titled(title);
    fields.due_date = Some(due);
    let task = NewTask {
        project: Some(ProjectKey::parse("OPS").unwrap()),
        fields,
    };
    recurrence::create(
        world.store.as_ref(),
        &world.owner.writer().unwrap(),
        task,
        series,
    )
    .await
    .unwrap()
    .0
}

async fn done(world: &World, key: &str) -> Task {
    let close = |current: TaskFields| {
        Ok(TaskFields {
            status: TaskStatus::Done,
            ..current
        })
    };
    tasks::update(
        world.store.as_ref(),
        &world.owner.writer().unwrap(),
        key,
        None,
        &close,
    )
    .await
    .unwrap()
}

/// The open tasks of OPS titled `title`: their due dates, in order.
/// The job run by two makers at once: on PostgreSQL a second node on the
/// same database; on SQLite (one node) a second job of the same server.
/// The keys of the tasks both made.
async fn generate_at_once_twice(world: &World, today: NaiveDate) -> Vec<String> {
    let second_node;
    let other: &dyn Store = if world.url.starts_with("postgres") {
        second_node = tandem_store::open(&world.url).await.unwrap();
        second_node.as_ref()
    } else {
        world.store.as_ref()
    };
    let (one, two) = tokio::join!(
        recurrence::generate(world.store.as_ref(), today),
        recurrence::generate(other, today),
    );
    let mut keys = one.unwrap();
    keys.extend(two.unwrap());
    keys
}

/// The tasks of project `key` (at most 500), as its owner sees them.
async fn project_tasks(world: &World, key: &str) -> Vec<Task> {
    let filter = TaskFilter {
        project: Some(key.into()),
        limit: 500,
        ..TaskFilter::default()
    };
    world
        .store
        .list_tasks(world.owner.scope, &filter)
        .await
        .unwrap()
        .tasks
}

async fn open_dates(world: &World, title: &str) -> Vec<NaiveDate> {
    let mut dates: Vec<_> = project_tasks(world, "OPS")
        .await
        .iter()
        .filter(|t| t.title == title && !t.status.is_closed())
        .filter_map(|t| t.due_date)
        .collect();
    dates.sort();
    dates
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[tokio::test]
async fn an_occurrence_done_leaves_the_next_one_open() {
    for world in worlds().await {
        // On a fixed schedule, a new task each time.
        let monthly = series("FREQ=MONTHLY;BYDAY=1MO", Mode::Schedule, Reuse::NewTask);
        let first = repeating(&world, "Restore drill", d(2027, 1, 4), &monthly).await;
        let kept = world
            .store
            .recurrence_of(world.owner.scope, &first)
            .await
            .unwrap()
            .expect("a series");
        assert_eq!(kept.series.starts_on, d(2027, 1, 4));
        let closed = done(&world, &first.key).await;
        assert_eq!(closed.status, TaskStatus::Done);
        assert_eq!(open_dates(&world, "Restore drill").await, [d(2027, 2, 1)]);
        // Done again: the next, and the first stays done with its history.
        let second = project_tasks(&world, "OPS")
            .await
            .iter()
            .find(|t| t.due_date == Some(d(2027, 2, 1)))
            .unwrap()
            .clone();
        assert_ne!(second.key, first.key);
        done(&world, &second.key).await;
        assert_eq!(open_dates(&world, "Restore drill").await, [d(2027, 3, 1)]);

        // After completion, the same task opened again: two weeks from
        // the day it was done.
        let fortnight = series("every 2 weeks", Mode::AfterDone, Reuse::Reopen);
        let review = repeating(&world, "Access review", d(2027, 1, 4), &fortnight).await;
        let again = done(&world, &review.key).await;
        let today = Local::now().date_naive();
        assert_eq!(again.key, review.key);
        assert_eq!(again.status, TaskStatus::Todo);
        assert_eq!(again.due_date, Some(today + Days::new(14)));
        assert_eq!(
            open_dates(&world, "Access review").await,
            [today + Days::new(14)]
        );

        // Ended, a series makes nothing more.
        let writer = world.owner.writer().unwrap();
        let ended = recurrence::stop(world.store.as_ref(), &writer, &review.key)
            .await
            .unwrap();
        assert!(ended.ended);
        let closed = done(&world, &review.key).await;
        assert_eq!(closed.status, TaskStatus::Done);
        assert!(open_dates(&world, "Access review").await.is_empty());
    }
}

#[tokio::test]
async fn a_repeating_task_needs_its_first_date() {
    for world in worlds().await {
        let writer = world.owner.writer().unwrap();
        let task = NewTask {
            project: Some(ProjectKey::parse("OPS").unwrap()),
            fields: TaskFields::titled("Undated"),
        };
        let weekly = series("weekly", Mode::Schedule, Reuse::NewTask);
        let refused = recurrence::create(world.store.as_ref(), &writer, task, &weekly).await;
        match refused {
            Err(tandem_usecases::Error::Invalid(errors)) => assert_eq!(errors[0].field, "due_date"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(open_dates(&world, "Undated").await.is_empty());
    }
}

#[tokio::test]
async fn the_job_catches_up_and_two_nodes_make_each_date_once() {
    for world in worlds().await {
        let today = Local::now().date_naive();
        // Weekly from three weeks ago: the server was down since.
        let weekly = series("weekly", Mode::Schedule, Reuse::NewTask);
        let start = today - Days::new(21);
        let mut fields = TaskFields::titled("Check backups");
        fields.due_date = Some(start);
        fields.owner = Some(Email::parse("ana@x.org").unwrap());
        fields.tags = vec!["ops".into()];
        fields.estimate_days = Some(0.5);
        recurrence::create(
            world.store.as_ref(),
            &world.owner.writer().unwrap(),
            NewTask {
                project: Some(ProjectKey::parse("OPS").unwrap()),
                fields,
            },
            &weekly,
        )
        .await
        .unwrap();
        let events_before = world.store.last_event_id().await.unwrap();
        let mut keys = generate_at_once_twice(&world, today).await;
        let made = keys.len();
        let expected: Vec<_> = (0..=4).map(|w| start + Days::new(7 * w)).collect();
        // Each occurrence is made like the first: its owner and tags kept,
        // counted in the project's roll-ups as a task created by hand is.
        let tasks = project_tasks(&world, "OPS").await;
        for task in tasks.iter().filter(|t| t.title == "Check backups") {
            assert_eq!(
                task.owner.as_ref().map(|o| o.email.as_str()),
                Some("ana@x.org"),
                "{}",
                task.key
            );
            assert_eq!(task.tags, ["ops"], "{}", task.key);
            assert_eq!(task.estimate_days, Some(0.5), "{}", task.key);
        }
        let (_, access) = world
            .store
            .open_project(world.owner.scope, "OPS")
            .await
            .unwrap();
        let progress = world.store.project_progress(access).await.unwrap();
        assert_eq!(progress.open_tasks, 5, "{progress:?}");
        assert_eq!(progress.project.leaf_tasks, 5, "{progress:?}");
        assert_eq!(progress.project.total_weight_hours, 20.0, "{progress:?}");
        // The three weeks missed, today's, and the next ahead: once each.
        assert_eq!(made, 4, "{:?}", open_dates(&world, "Check backups").await);
        assert_eq!(open_dates(&world, "Check backups").await, expected);
        // Each made as a task made by hand is: its history says it was
        // created, an event says so (keeping the plan version it made),
        // and the rescheduler hears of it.
        keys.sort();
        let (_, access) = world
            .store
            .open_project(world.owner.scope, "OPS")
            .await
            .unwrap();
        let history = world
            .store
            .list_activity(
                world.owner.scope,
                &ActivityFilter {
                    project_id: Some(access.project_id()),
                    limit: 100,
                    ..ActivityFilter::default()
                },
            )
            .await
            .unwrap();
        let mut created: Vec<String> = history
            .iter()
            .filter(|e| e.action == "created" && keys.contains(&e.entity_label))
            .map(|e| {
                assert!(e.changes.iter().any(|c| c.field == "due_date"), "{e:?}");
                assert_eq!(e.actor.as_ref().map(|a| a.id), Some(world.owner.user.id));
                e.entity_label.clone()
            })
            .collect();
        created.sort();
        assert_eq!(created, keys);
        let events = world.store.events_after(events_before, 100).await.unwrap();
        let mut heard: Vec<String> = events
            .iter()
            .filter(|e| e.kind == "task" && e.action == "created")
            .map(|e| e.key.clone())
            .collect();
        heard.sort();
        assert_eq!(heard, keys);
        let claimed = world
            .store
            .claim_deliveries(RESCHEDULER, 100, std::time::Duration::from_secs(60))
            .await
            .unwrap();
        // The rescheduler serves a project's every event up to the one
        // it is given: the job's last in the project, once.
        let made: Vec<i64> = events
            .iter()
            .filter(|e| e.kind == "task")
            .map(|e| e.id)
            .collect();
        let told: Vec<i64> = claimed
            .iter()
            .map(|d| d.event.id)
            .filter(|id| made.contains(id))
            .collect();
        assert_eq!(told, [*made.iter().max().unwrap()], "{claimed:?}");
        // Run again, nothing more until the next is due.
        assert!(
            recurrence::generate(world.store.as_ref(), today)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(open_dates(&world, "Check backups").await.len(), 5);
    }
}

/// The job reads only the dates a series made from its last one on: when
/// that occurrence's task was deleted, the next is made like an older
/// one, and the deleted date is not made again.
#[tokio::test]
async fn a_series_whose_latest_task_was_deleted_goes_on_like_an_older_one() {
    for world in worlds().await {
        let today = Local::now().date_naive();
        let start = today - Days::new(14);
        let weekly = series("weekly", Mode::Schedule, Reuse::NewTask);
        let first = repeating(&world, "Rotate keys", start, &weekly).await;
        // The job a fortnight ago made the week after, ahead.
        let ahead = recurrence::generate(world.store.as_ref(), start)
            .await
            .unwrap();
        assert_eq!(ahead.len(), 1, "{ahead:?}");
        tasks::delete(
            world.store.as_ref(),
            &world.owner.writer().unwrap(),
            &ahead[0],
            None,
        )
        .await
        .unwrap();
        let made = recurrence::generate(world.store.as_ref(), today)
            .await
            .unwrap();
        assert_eq!(made.len(), 2, "{made:?}");
        assert_eq!(
            open_dates(&world, "Rotate keys").await,
            [start, today, today + Days::new(7)]
        );
        assert_ne!(first.key, made[0]);
    }
}

/// More series than one transaction makes, in several projects and one in
/// none: the job
/// runs a batch per group of projects side by side (on PostgreSQL), two
/// nodes at once, and each date is still made once, each project's numbers
/// follow on without a gap, and the counts kept by each write (a project's
/// open tasks, a person's by due date) add up.
#[tokio::test]
async fn many_projects_series_are_made_side_by_side_once_each() {
    for world in worlds().await {
        let today = Local::now().date_naive();
        let writer = world.owner.writer().unwrap();
        let keys = ["OPS", "FIN", "HR", "IT"];
        for key in &keys[1..] {
            projects::create(
                world.store.as_ref(),
                &writer,
                &NewProject {
                    key: ProjectKey::parse(key).unwrap(),
                    fields: ProjectFields::named(format!("Team {key}")),
                },
            )
            .await
            .unwrap();
        }
        let weekly = series("weekly", Mode::Schedule, Reuse::NewTask);
        let per_project = 150;
        for i in 0..per_project * keys.len() {
            let mut fields = TaskFields::titled(format!("Routine {i}"));
            fields.due_date = Some(today - Days::new(7));
            fields.owner = Some(Email::parse("ana@x.org").unwrap());
            recurrence::create(
                world.store.as_ref(),
                &writer,
                NewTask {
                    project: Some(ProjectKey::parse(keys[i % keys.len()]).unwrap()),
                    fields,
                },
                &weekly,
            )
            .await
            .unwrap();
        }
        // And one of Ana's own, in no project, among them.
        let mut fields = TaskFields::titled("Water the plants");
        fields.due_date = Some(today - Days::new(7));
        fields.owner = Some(Email::parse("ana@x.org").unwrap());
        recurrence::create(
            world.store.as_ref(),
            &writer,
            NewTask {
                project: None,
                fields,
            },
            &weekly,
        )
        .await
        .unwrap();
        let made = generate_at_once_twice(&world, today).await;
        // Today's and the next ahead, for each series.
        assert_eq!(made.len(), 2 * (per_project * keys.len() + 1));
        // The rescheduler hears of each project once a statement of the
        // job's, not once an occurrence.
        let claimed = world
            .store
            .claim_deliveries(RESCHEDULER, 10_000, std::time::Duration::from_secs(60))
            .await
            .unwrap();
        let told: Vec<&str> = claimed
            .iter()
            .filter(|d| made.contains(&d.event.key))
            .filter_map(|d| d.project_key.as_deref())
            .collect();
        for key in keys {
            assert!(told.contains(&key), "{key}: {told:?}");
        }
        assert!(told.len() <= 4 * keys.len(), "{told:?}");
        let plants = world
            .store
            .list_tasks(
                world.owner.scope,
                &TaskFilter {
                    text: Some("plants".into()),
                    limit: 10,
                    ..TaskFilter::default()
                },
            )
            .await
            .unwrap();
        let mut dates: Vec<NaiveDate> = plants.tasks.iter().filter_map(|t| t.due_date).collect();
        dates.sort();
        assert_eq!(
            dates,
            [0, 7, 14].map(|n| today - Days::new(7) + Days::new(n)),
            "{:?}",
            plants.tasks
        );
        assert!(plants.tasks.iter().all(|t| t.project.is_none()));
        for key in keys {
            let tasks = project_tasks(&world, key).await;
            let mut numbers: Vec<i64> = tasks
                .iter()
                .map(|t| t.key.rsplit('-').next().unwrap().parse().unwrap())
                .collect();
            numbers.sort_unstable();
            let all = 3 * per_project as i64;
            assert_eq!(numbers, (1..=all).collect::<Vec<_>>(), "{key}");
            let mut dates: Vec<(String, NaiveDate)> = tasks
                .iter()
                .map(|t| (t.title.clone(), t.due_date.unwrap()))
                .collect();
            dates.sort();
            dates.dedup();
            assert_eq!(dates.len(), tasks.len(), "{key}: a date made twice");
            let (_, access) = world
                .store
                .open_project(world.owner.scope, key)
                .await
                .unwrap();
            let progress = world.store.project_progress(access).await.unwrap();
            assert_eq!(progress.open_tasks, all as usize, "{key}: {progress:?}");
        }
        let mine = TaskFilter {
            owner: Some(tandem_store::OwnerFilter::User(world.owner.scope.user_id)),
            open: true,
            ..TaskFilter::default()
        };
        let bands = world
            .store
            .count_tasks_by_due(world.owner.scope, &mine, &[today])
            .await
            .unwrap();
        // Before today: the first tasks; today and after: the two made.
        let series = per_project * keys.len() + 1;
        assert_eq!(bands, [series, 2 * series].map(|n| n as u64).to_vec());
    }
}
