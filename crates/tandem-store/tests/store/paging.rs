//! The task list paged by due date (`TaskOrder::Due`): every page starts
//! exactly after its cursor, ties on a date go by id, tasks without a due
//! date come last, and a range of due dates pages from its first day; the
//! counts per due-date band agree with the list.

use tandem_store::{OwnerFilter, TaskCursor, TaskOrder};

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// Every task the filter selects, page after page of `limit`.
pub(super) async fn paged(
    store: &dyn Store,
    scope: Scope,
    filter: &TaskFilter,
    limit: usize,
) -> Vec<Task> {
    let mut filter = TaskFilter {
        limit,
        ..filter.clone()
    };
    let mut tasks = Vec::new();
    loop {
        let page = store.list_tasks(scope, &filter).await.unwrap();
        assert!(page.tasks.len() <= limit);
        if page.next.is_some() {
            assert_eq!(page.tasks.len(), limit, "a page before the last is full");
        }
        tasks.extend(page.tasks);
        match page.next {
            Some(next) => filter.after = Some(next),
            None => return tasks,
        }
    }
}

/// The order by due date, made in Rust from a list by id.
fn by_due(mut tasks: Vec<Task>) -> Vec<(Option<NaiveDate>, Id)> {
    tasks.sort_by_key(|t| (t.due_date.is_none(), t.due_date, t.id));
    tasks.iter().map(|t| (t.due_date, t.id)).collect()
}

fn keys(tasks: &[Task]) -> Vec<(Option<NaiveDate>, Id)> {
    tasks.iter().map(|t| (t.due_date, t.id)).collect()
}

#[tokio::test]
async fn the_list_by_due_date_pages_through_ties_and_undated_tasks_once_each() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        store.create_project(writer, &project("DUE")).await.unwrap();
        // Ben's tasks: several on one day (ties), none due, some closed,
        // one personal; created out of date order so id order differs.
        let dues = [
            Some(12),
            None,
            Some(10),
            Some(12),
            Some(3),
            None,
            Some(12),
            Some(20),
            Some(10),
            None,
            Some(12),
            Some(3),
        ];
        for (n, due) in dues.iter().enumerate() {
            let mut fields = TaskFields::titled(format!("Ben {n}"));
            fields.owner = Some(Email::parse("ben@example.org").unwrap());
            fields.due_date = due.map(day);
            fields.status = match n % 5 {
                3 => TaskStatus::Done,
                4 if n > 5 => TaskStatus::Cancelled,
                1 => TaskStatus::InProgress,
                _ => TaskStatus::Todo,
            };
            let project = (n != 7).then(|| ProjectKey::parse("DUE").unwrap());
            store
                .create_task(writer, &NewTask { project, fields })
                .await
                .unwrap();
        }
        // Someone else's work is not Ben's.
        let mut other = TaskFields::titled("Ana's");
        other.owner = Some(Email::parse("ana@example.org").unwrap());
        other.due_date = Some(day(12));
        store
            .create_task(
                writer,
                &NewTask {
                    project: Some(ProjectKey::parse("DUE").unwrap()),
                    fields: other,
                },
            )
            .await
            .unwrap();
        // Ben's own personal task, which only Ben sees.
        let mut own = TaskFields::titled("Ben's own");
        own.due_date = Some(day(12));
        own.owner = Some(Email::parse("ben@example.org").unwrap());
        store
            .create_task(
                w.member.writer().unwrap(),
                &NewTask {
                    project: None,
                    fields: own,
                },
            )
            .await
            .unwrap();

        for (scope, owner) in [
            // Ben's own work: the list reads the index alone.
            (w.member, OwnerFilter::User(w.member.user_id)),
            // Ana looking at Ben's: the visibility clause applies.
            (w.owner, OwnerFilter::User(w.member.user_id)),
        ] {
            let open = TaskFilter {
                owner: Some(owner.clone()),
                open: true,
                ..Default::default()
            };
            let all = paged(store, scope, &open, 500).await;
            assert!(all.iter().all(|t| !t.status.is_closed()));
            let expected = by_due(all.clone());
            let personal = all.iter().filter(|t| t.project.is_none()).count();
            // Ben sees both personal tasks (one he created, one he owns);
            // Ana only the one she created.
            assert_eq!(personal, if scope == w.member { 2 } else { 1 });
            let due = TaskFilter {
                order: TaskOrder::Due,
                ..open.clone()
            };
            for limit in [1, 2, 3, 4, 7, 50] {
                let pages = paged(store, scope, &due, limit).await;
                assert_eq!(keys(&pages), expected, "limit {limit}");
            }

            // A range of due dates pages from its first day: after the
            // 10th, before the 20th (the 12th's ties), then the 20th on,
            // with the undated last.
            let range = TaskFilter {
                after: Some(TaskCursor::after_day(day(10))),
                due_before: Some(day(20)),
                ..due.clone()
            };
            let want: Vec<_> = expected
                .iter()
                .copied()
                .filter(|(d, _)| matches!(d, Some(d) if *d > day(10) && *d < day(20)))
                .collect();
            assert!(want.len() >= 3, "ties on the 12th: {want:?}");
            assert_eq!(keys(&paged(store, scope, &range, 2).await), want);
            let later = TaskFilter {
                after: Some(TaskCursor::after_day(day(19))),
                ..due.clone()
            };
            let want: Vec<_> = expected
                .iter()
                .copied()
                .filter(|(d, _)| d.is_none_or(|d| d >= day(20)))
                .collect();
            assert_eq!(want.last().unwrap().0, None);
            assert_eq!(keys(&paged(store, scope, &later, 1).await), want);

            // Counts per band: before the 10th, the 10th to the 19th,
            // the 20th on or undated.
            let counts = store
                .count_tasks_by_due(scope, &open, &[day(10), day(20)])
                .await
                .unwrap();
            let band = |keep: &dyn Fn(Option<NaiveDate>) -> bool| {
                expected.iter().filter(|(d, _)| keep(*d)).count() as u64
            };
            assert_eq!(
                counts,
                [
                    band(&|d| d.is_some_and(|d| d < day(10))),
                    band(&|d| d.is_some_and(|d| d >= day(10) && d < day(20))),
                    band(&|d| d.is_none_or(|d| d >= day(20))),
                ]
            );
            assert_eq!(counts.iter().sum::<u64>(), expected.len() as u64);
        }

        // The id order is unchanged by the new one.
        let by_id = paged(store, w.owner, &TaskFilter::default(), 3).await;
        assert!(by_id.windows(2).all(|p| p[0].id < p[1].id));
    }
}

#[tokio::test]
async fn a_guest_pages_and_counts_only_the_projects_they_may_open() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        let seen = store
            .create_project(writer, &project("SEEN"))
            .await
            .unwrap();
        store
            .create_project(writer, &project("HIDDEN"))
            .await
            .unwrap();
        let_gus_in(store, &w, seen.id).await;
        for (n, key) in ["SEEN", "HIDDEN", "SEEN"].iter().enumerate() {
            let mut fields = TaskFields::titled(format!("Gus {n}"));
            fields.owner = Some(Email::parse("gus@example.org").unwrap());
            fields.due_date = (n > 0).then(|| day(5));
            store
                .create_task(
                    writer,
                    &NewTask {
                        project: Some(ProjectKey::parse(key).unwrap()),
                        fields,
                    },
                )
                .await
                .unwrap();
        }
        let filter = TaskFilter {
            owner: Some(OwnerFilter::User(w.guest.user_id)),
            open: true,
            order: TaskOrder::Due,
            ..Default::default()
        };
        let seen = paged(store, w.guest, &filter, 1).await;
        assert_eq!(seen.len(), 2);
        assert!(
            seen.iter()
                .all(|t| t.project.as_ref().unwrap().key == "SEEN")
        );
        let counts = store
            .count_tasks_by_due(w.guest, &filter, &[day(5)])
            .await
            .unwrap();
        assert_eq!(counts, [0, 2]);
    }
}

#[tokio::test]
async fn the_list_filters_by_phase_or_by_no_phase() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        let project = store.create_project(writer, &project("PH")).await.unwrap();
        let phase = store
            .create_phase(
                writer,
                project.id,
                &PhaseFields {
                    name: "Build".into(),
                    position: 0,
                    start_date: None,
                    end_date: None,
                },
            )
            .await
            .unwrap();
        for n in 0..5 {
            let mut fields = TaskFields::titled(format!("T{n}"));
            fields.phase_id = (n % 2 == 0).then_some(phase.id);
            store
                .create_task(
                    writer,
                    &NewTask {
                        project: Some(ProjectKey::parse("PH").unwrap()),
                        fields,
                    },
                )
                .await
                .unwrap();
        }
        let titles = |phase: Option<Id>| {
            let filter = TaskFilter {
                project: Some("PH".into()),
                phase: Some(phase),
                limit: 2,
                ..Default::default()
            };
            async move {
                paged(store, w.owner, &filter, 2)
                    .await
                    .into_iter()
                    .map(|t| t.title)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(titles(Some(phase.id)).await, ["T0", "T2", "T4"]);
        assert_eq!(titles(None).await, ["T1", "T3"]);
    }
}
