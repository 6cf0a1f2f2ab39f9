//! The task list in every order but id and due date (those have their
//! own tests): paged a few at a time, it gives exactly the filtered tasks
//! in the order made here in Rust, ties by id and missing values last;
//! and the counts per group agree with the list.

use std::collections::HashMap;

use tandem_store::{GroupKey, OwnerFilter, TaskGroup, TaskOrder};

use super::paging::paged;
use super::*;

const WORDS: [&str; 6] = ["delta", "Alpha", "charlie", "alpha", "Bravo", "echo"];

#[tokio::test]
async fn every_order_pages_through_exactly_the_filtered_tasks_in_order() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        store
            .create_project(w.owner.writer().unwrap(), &project("ORD"))
            .await
            .unwrap();
        let statuses = [
            TaskStatus::InReview,
            TaskStatus::Backlog,
            TaskStatus::Done,
            TaskStatus::Todo,
            TaskStatus::InProgress,
        ];
        let priorities = [
            Priority::Low,
            Priority::Urgent,
            Priority::None,
            Priority::High,
            Priority::Medium,
        ];
        let owners = [Some("ben@example.org"), None, Some("ana@example.org")];
        let tasks: Vec<TaskFields> = (0..37u32)
            .map(|n| {
                let mut t = TaskFields::titled(WORDS[n as usize % WORDS.len()]);
                t.status = statuses[n as usize % statuses.len()];
                t.priority = priorities[n as usize % priorities.len()];
                t.owner = owners[n as usize % owners.len()].map(|e| Email::parse(e).unwrap());
                t.start_date =
                    (n % 4 != 0).then(|| NaiveDate::from_ymd_opt(2026, 11, 1 + n % 9).unwrap());
                t
            })
            .collect();
        store
            .import_tasks(w.owner.writer().unwrap(), "ORD", &tasks)
            .await
            .unwrap();
        let everything = TaskFilter {
            project: Some("ORD".into()),
            ..Default::default()
        };
        let filters = [
            ("all", everything.clone()),
            (
                "open",
                TaskFilter {
                    open: true,
                    ..everything.clone()
                },
            ),
            (
                "Ben's",
                TaskFilter {
                    owner: Some(OwnerFilter::User(w.member.user_id)),
                    ..everything.clone()
                },
            ),
        ];
        let rank = |all: &[Priority], p: Priority| all.iter().position(|x| *x == p).unwrap();
        let place = |s: TaskStatus| TaskStatus::ALL.iter().position(|x| *x == s).unwrap();
        for (name, filter) in &filters {
            let by_id = paged(store, w.member, filter, 500).await;
            assert!(!by_id.is_empty(), "{backend} {name}");
            for order in [
                TaskOrder::Start,
                TaskOrder::Priority,
                TaskOrder::Status,
                TaskOrder::Title,
                TaskOrder::Owner,
                TaskOrder::Board,
            ] {
                let found = paged(
                    store,
                    w.member,
                    &TaskFilter {
                        order,
                        ..filter.clone()
                    },
                    3,
                )
                .await;
                let mut expected = by_id.clone();
                match order {
                    TaskOrder::Start => {
                        expected.sort_by_key(|t| (t.start_date.is_none(), t.start_date, t.id))
                    }
                    TaskOrder::Priority => {
                        expected.sort_by_key(|t| (rank(Priority::ALL, t.priority), t.id))
                    }
                    TaskOrder::Status => expected.sort_by_key(|t| (place(t.status), t.id)),
                    TaskOrder::Title => expected.sort_by_key(|t| (t.title.to_lowercase(), t.id)),
                    TaskOrder::Owner => expected.sort_by_key(|t| {
                        let name = t.owner.as_ref().map(|o| o.name.to_lowercase());
                        (name.is_none(), name, t.id)
                    }),
                    // Never moved, every card sits by its id.
                    _ => expected.sort_by_key(|t| t.id),
                }
                let keys = |tasks: &[Task]| tasks.iter().map(|t| t.key.clone()).collect::<Vec<_>>();
                assert_eq!(keys(&found), keys(&expected), "{backend} {name} {order:?}");
            }
            // The counts per group are the list's, group by group.
            for by in [TaskGroup::Status, TaskGroup::Owner, TaskGroup::Phase] {
                let counts: HashMap<GroupKey, u64> = store
                    .count_tasks_by(w.member, filter, by)
                    .await
                    .unwrap()
                    .into_iter()
                    .collect();
                let mut expected: HashMap<GroupKey, u64> = HashMap::new();
                for t in &by_id {
                    let key = match by {
                        TaskGroup::Status => GroupKey::Status(t.status),
                        TaskGroup::Owner => t
                            .owner
                            .as_ref()
                            .map_or(GroupKey::Nobody, |o| GroupKey::Id(o.id)),
                        TaskGroup::Phase => t.phase_id.map_or(GroupKey::Nobody, GroupKey::Id),
                    };
                    *expected.entry(key).or_default() += 1;
                }
                assert_eq!(counts, expected, "{backend} {name} {by:?}");
            }
        }
        // Another workspace neither lists nor counts the project's tasks.
        let theirs = TaskFilter {
            order: TaskOrder::Title,
            ..everything.clone()
        };
        assert!(
            paged(store, w.other, &theirs, 3).await.is_empty(),
            "{backend}"
        );
        assert!(
            store
                .count_tasks_by(w.other, &everything, TaskGroup::Status)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
    }
}
