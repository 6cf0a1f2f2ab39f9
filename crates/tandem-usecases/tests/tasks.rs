//! The task use cases against a real store: a fresh SQLite file, and a
//! fresh PostgreSQL database when `TANDEM_TEST_POSTGRES_URL` is set.

use chrono::NaiveDate;
use tandem_domain::{
    Email, NewProject, NewTask, Priority, ProjectFields, ProjectKey, Role, Slug, TaskFields,
    TaskStatus, UserRef,
};
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};
use tandem_store::{Scope, Store, StoreError};
use tandem_usecases::tasks::{self, BulkChange, Move, QuickLine, Seen};
use tandem_usecases::{Actor, Error, projects};

struct World {
    store: Box<dyn Store>,
    owner: Actor,
    member: Actor,
    guest: Actor,
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
        let mut people: Vec<UserRef> = Vec::new();
        for name in ["ana", "mel", "gus"] {
            let email = Email::parse(&format!("{name}@x.org")).unwrap();
            people.push(store.create_user(&email, name, "not a hash").await.unwrap());
        }
        let ws = store
            .create_workspace(&Slug::parse("acme").unwrap(), "Acme", Some(people[0].id))
            .await
            .unwrap();
        let actor = |user: &UserRef, role| Actor {
            user: user.clone(),
            scope: Scope {
                workspace_id: ws.id,
                user_id: user.id,
                role,
            },
        };
        let owner = actor(&people[0], Role::Owner);
        store
            .add_member(owner.scope.admin().unwrap(), people[1].id, Role::Member)
            .await
            .unwrap();
        store
            .add_member(owner.scope.admin().unwrap(), people[2].id, Role::Guest)
            .await
            .unwrap();
        let member = actor(&people[1], Role::Member);
        let guest = actor(&people[2], Role::Guest);
        worlds.push(World {
            store,
            owner,
            member,
            guest,
        });
    }
    worlds
}

/// LAUNCH with three tasks, LAUNCH-1 to LAUNCH-3.
async fn launch(world: &World) {
    let writer = world.owner.writer().unwrap();
    let fields = ProjectFields::named("Launch");
    let project = NewProject {
        key: ProjectKey::parse("LAUNCH").unwrap(),
        fields,
    };
    projects::create(world.store.as_ref(), &writer, &project)
        .await
        .unwrap();
    for title in ["Brief", "Design", "Build"] {
        let task = NewTask {
            project: Some(ProjectKey::parse("LAUNCH").unwrap()),
            fields: TaskFields::titled(title),
        };
        tasks::create(world.store.as_ref(), &writer, task)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn only_the_role_checks_make_writers() {
    for world in worlds().await {
        let forbidden = |r: Result<(), Error>| matches!(r, Err(Error::Forbidden(_)));
        assert!(forbidden(world.guest.writer().map(drop)));
        assert!(forbidden(world.member.admin().map(drop)));
        assert!(forbidden(world.guest.admin().map(drop)));
        let owner_id = world.owner.user.id;
        assert!(forbidden(world.member.for_member(owner_id).map(drop)));
        let own = world.member.for_member(world.member.user.id).unwrap();
        assert_eq!(own.member(), world.member.user.id);
        assert_eq!(
            world.owner.admin().unwrap().scope(),
            world.owner.scope.admin().unwrap()
        );
        // Deleting a project checks for an owner or admin itself.
        launch(&world).await;
        let refused = projects::delete(world.store.as_ref(), &world.member, "LAUNCH", None).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
        let scope = world.owner.scope;
        assert!(world.store.get_project(scope, "LAUNCH").await.is_ok());
    }
}

#[tokio::test]
async fn a_bulk_edit_writes_every_task_or_none() {
    for world in worlds().await {
        launch(&world).await;
        let store = world.store.as_ref();
        let writer = world.member.writer().unwrap();
        let scope = world.owner.scope;
        let read = |key: &'static str| async move { store.get_task(scope, key).await.unwrap() };
        let seen = |task: &tandem_domain::Task| Seen {
            key: task.key.clone(),
            version: Some(task.version),
        };
        let (one, two) = (read("LAUNCH-1").await, read("LAUNCH-2").await);
        let change = BulkChange {
            priority: Some(Priority::High),
            ..Default::default()
        };

        // One task seen at an old version: nothing is written.
        let mut stale = seen(&two);
        stale.version = Some(two.version - 1);
        let refused = tasks::bulk_edit(store, &writer, &[seen(&one), stale], &change).await;
        match refused {
            Err(Error::StaleInBatch { key, current }) => {
                assert_eq!(key.as_deref(), Some("LAUNCH-2"));
                assert_eq!(current, two.version);
            }
            other => panic!("expected a stale batch, got {other:?}"),
        }
        assert_eq!(read("LAUNCH-1").await, one);

        // A change that breaks the tasks' rules names each by its place.
        let start = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
        let change_start = |current: TaskFields| {
            Ok(TaskFields {
                start_date: Some(start),
                ..current
            })
        };
        let three = tasks::update(store, &writer, "LAUNCH-3", None, &change_start)
            .await
            .unwrap();
        let too_long = BulkChange {
            status: Some(TaskStatus::Blocked),
            blocked_reason: Some("why ".repeat(600)),
            ..Default::default()
        };
        let refused =
            tasks::bulk_edit(store, &writer, &[seen(&one), seen(&three)], &too_long).await;
        match refused {
            Err(Error::Invalid(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(
                    fields,
                    ["tasks[0].blocked_reason", "tasks[1].blocked_reason"]
                );
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
        assert_eq!(read("LAUNCH-1").await, one);

        // Right: every task named comes back, in order; one already as
        // asked is not written again.
        let already = tasks::update(store, &writer, "LAUNCH-2", None, &|current| {
            Ok(TaskFields {
                priority: Priority::High,
                ..current
            })
        })
        .await
        .unwrap();
        let written = tasks::bulk_edit(
            store,
            &writer,
            &[
                seen(&three),
                seen(&already),
                Seen {
                    key: "launch-1".into(),
                    version: None,
                },
            ],
            &change,
        )
        .await
        .unwrap();
        let keys: Vec<&str> = written.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["LAUNCH-3", "LAUNCH-2", "LAUNCH-1"]);
        assert!(written.iter().all(|t| t.priority == Priority::High));
        assert_eq!(written[0].version, three.version + 1);
        assert_eq!(written[1].version, already.version);
        assert_eq!(written[2].version, one.version + 1);

        // A guest never gets as far as a writer; a task nobody here may
        // open is not found.
        assert!(world.guest.writer().is_err());
        let missing = Seen {
            key: "LAUNCH-99".into(),
            version: None,
        };
        let refused = tasks::bulk_edit(store, &writer, &[missing], &change).await;
        assert!(
            matches!(refused, Err(Error::Store(StoreError::NotFound(_)))),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn a_card_moves_between_its_neighbours() {
    for world in worlds().await {
        launch(&world).await;
        let store = world.store.as_ref();
        let writer = world.member.writer().unwrap();
        let scope = world.owner.scope;
        let order = || async {
            let filter = tandem_store::TaskFilter {
                project: Some("LAUNCH".into()),
                order: tandem_store::TaskOrder::Board,
                limit: tandem_store::MAX_TASK_PAGE,
                ..Default::default()
            };
            let page = store.list_tasks(scope, &filter).await.unwrap();
            page.tasks.into_iter().map(|t| t.key).collect::<Vec<_>>()
        };
        let to = Move {
            status: Some(TaskStatus::InProgress),
            before: Some("LAUNCH-1".into()),
            ..Default::default()
        };
        let moved = tasks::move_card(store, &writer, "LAUNCH-3", &to)
            .await
            .unwrap();
        assert_eq!(moved.status, TaskStatus::InProgress);
        assert_eq!(order().await, ["LAUNCH-3", "LAUNCH-1", "LAUNCH-2"]);
        // Without a version: whatever is current.
        let to = Move {
            after: Some("LAUNCH-2".into()),
            ..Default::default()
        };
        tasks::move_card(store, &writer, "LAUNCH-1", &to)
            .await
            .unwrap();
        assert_eq!(order().await, ["LAUNCH-3", "LAUNCH-2", "LAUNCH-1"]);
        // A version the caller saw that is no longer current is refused.
        let stale = Move {
            status: Some(TaskStatus::Done),
            version: Some(moved.version - 1),
            ..Default::default()
        };
        let refused = tasks::move_card(store, &writer, "LAUNCH-3", &stale).await;
        assert!(
            matches!(
                refused,
                Err(Error::Store(StoreError::VersionMismatch { .. }))
            ),
            "{refused:?}"
        );
        let task = store.get_task(scope, "LAUNCH-3").await.unwrap();
        assert_eq!(task.status, TaskStatus::InProgress);
    }
}

#[tokio::test]
async fn a_task_is_added_from_one_line() {
    for world in worlds().await {
        launch(&world).await;
        let store = world.store.as_ref();
        let writer = world.owner.writer().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let line = |text: &str| QuickLine {
            text: text.into(),
            today,
        };
        let (task, _) =
            tasks::quick_add(store, &writer, line("Ship it @mel #launch due fri !high"))
                .await
                .unwrap();
        assert_eq!(task.title, "Ship it");
        assert_eq!(task.project.unwrap().key, "LAUNCH");
        assert_eq!(task.owner.unwrap().email, "mel@x.org");
        assert_eq!(task.due_date, NaiveDate::from_ymd_opt(2026, 12, 4));
        assert_eq!(task.priority, Priority::High);
        // Without a project, the caller's own.
        let (task, series) = tasks::quick_add(store, &writer, line("Buy stamps"))
            .await
            .unwrap();
        assert_eq!(task.owner.unwrap().email, "ana@x.org");
        assert!(series.is_none());
        // Saying how it repeats starts a series, on the rule's first date
        // when no due date is given (2 December 2026 is a Wednesday).
        let (task, series) =
            tasks::quick_add(store, &writer, line("Water plants #launch every fri"))
                .await
                .unwrap();
        assert_eq!(task.title, "Water plants");
        assert_eq!(task.due_date, NaiveDate::from_ymd_opt(2026, 12, 4));
        assert_eq!(
            series.unwrap().series.rule.to_string(),
            "FREQ=WEEKLY;BYDAY=FR"
        );
        for (text, field) in [("Call @nobody", "owner"), ("   ", "title")] {
            match tasks::quick_add(store, &writer, line(text)).await {
                Err(Error::Invalid(errors)) => {
                    assert!(
                        errors.iter().any(|e| e.field == field),
                        "{text}: {errors:?}"
                    )
                }
                other => panic!("{text}: expected invalid input, got {other:?}"),
            }
        }
    }
}
