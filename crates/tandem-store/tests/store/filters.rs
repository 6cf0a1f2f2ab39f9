//! The task list's filters read through their own indexes (migration 11):
//! a search finds words by their beginnings in the title and description,
//! whatever punctuation or search syntax it is typed with, and follows
//! every edit and deletion; tags, due ranges and priorities select exactly
//! their tasks, page after page, in either order; and the counts by due
//! date agree with the list.

use tandem_store::{OwnerFilter, TaskOrder};

use super::paging::paged;
use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn search(words: &str) -> TaskFilter {
    TaskFilter {
        text: Some(words.into()),
        limit: 50,
        ..Default::default()
    }
}

/// The titles of every task the filter selects, in id order.
async fn titles(store: &dyn Store, scope: Scope, filter: &TaskFilter) -> Vec<String> {
    paged(store, scope, filter, 2)
        .await
        .into_iter()
        .map(|t| t.title)
        .collect()
}

/// A project of the other workspace, where Ana is nobody.
fn theirs(key: &str) -> NewProject {
    let mut new = project(key);
    new.fields.owner = None;
    new
}

async fn add(
    store: &dyn Store,
    scope: Scope,
    project: Option<&str>,
    title: &str,
    description: Option<&str>,
) -> Task {
    let mut new = task(project, title);
    new.fields.description = description.map(str::to_string);
    store
        .create_task(scope.writer().unwrap(), &new)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_search_finds_words_by_their_beginnings_in_title_and_description() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        store
            .create_project(w.owner.writer().unwrap(), &project("FIND"))
            .await
            .unwrap();
        let brief = "Write the launch brief";
        let budget = "Review the budget";
        let ship = "Ship it";
        add(store, w.owner, Some("FIND"), brief, None).await;
        add(
            store,
            w.owner,
            Some("FIND"),
            budget,
            Some("Numbers for the café opening"),
        )
        .await;
        add(
            store,
            w.owner,
            Some("FIND"),
            ship,
            Some("Rename snake_case fields; ask ana@example.org"),
        )
        .await;
        add(
            store,
            w.owner,
            Some("FIND"),
            "Unrelated",
            Some("Nothing to see"),
        )
        .await;
        // Another workspace's brief is not this one's.
        store
            .create_project(w.other.writer().unwrap(), &theirs("ELSE"))
            .await
            .unwrap();
        add(store, w.other, Some("ELSE"), "Their launch brief", None).await;

        let cases: &[(&str, &[&str])] = &[
            ("brief", &[brief]),
            // Case does not matter, and a word is found by its beginning...
            ("BRI", &[brief]),
            ("Laun", &[brief]),
            // ...but not by its middle.
            ("rief", &[]),
            // In the description too.
            ("café", &[budget]),
            ("OPEN", &[budget]),
            // Every word must be found, in any order.
            ("brief launch", &[brief]),
            ("brief budget", &[]),
            // Punctuation separates words, in the search as in the text.
            ("snake_case", &[ship]),
            ("snakecase", &[]),
            ("example.org", &[ship]),
            ("ana@example", &[ship]),
        ];
        for (words, expected) in cases {
            assert_eq!(
                titles(store, w.owner, &search(words)).await,
                *expected,
                "{backend}: {words}"
            );
        }
    }
}

#[tokio::test]
async fn a_search_is_never_read_as_search_syntax() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        store
            .create_project(w.owner.writer().unwrap(), &project("SYN"))
            .await
            .unwrap();
        let brief = "Write the brief";
        add(store, w.owner, Some("SYN"), brief, Some("for the team")).await;
        add(
            store,
            w.owner,
            Some("SYN"),
            "Book the room",
            Some("or the hall"),
        )
        .await;
        // Quotes, stars, operators, minus, brackets, column filters and
        // LIKE's wildcards are only what separates the word "brief".
        for words in [
            "\"brief",
            "brief\"",
            "\"brief\"",
            "brief*",
            "*brief",
            "-brief",
            "(brief",
            "brief)",
            "title:brief",
            "brief:",
            "'brief'",
            "brief\\",
            "%brief_",
            "brief^",
            "{brief}",
            "+brief",
            "brief;",
            "brief --",
        ] {
            let found = titles(store, w.owner, &search(words)).await;
            let expected: &[&str] = if words.contains("title") {
                &[]
            } else {
                &[brief]
            };
            assert_eq!(found, expected, "{backend}: {words}");
        }
        // Operators of either dialect are words like any other: all of
        // them must be found.
        for words in [
            "brief OR room",
            "brief | room",
            "brief & room",
            "NOT brief",
            "brief AND NOT room",
            "NEAR(brief room)",
            "brief <-> room",
            "!brief",
        ] {
            let found = titles(store, w.owner, &search(words)).await;
            let expected: &[&str] = if words == "!brief" { &[brief] } else { &[] };
            assert_eq!(found, expected, "{backend}: {words}");
        }
        assert_eq!(
            titles(store, w.owner, &search("the or")).await,
            ["Book the room"],
            "{backend}"
        );
        // A search of no words is no search, as an empty box is.
        for words in ["", "  ", "\"*:(-)", "''"] {
            assert_eq!(
                titles(store, w.owner, &search(words)).await.len(),
                2,
                "{backend}: {words:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_search_follows_edits_and_deletions() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        store
            .create_project(writer, &project("EDIT"))
            .await
            .unwrap();
        let draft = add(store, w.owner, Some("EDIT"), "Draft the plan", None).await;
        assert_eq!(
            titles(store, w.owner, &search("draft")).await,
            ["Draft the plan"]
        );

        let mut fields = TaskFields::titled("Final plan");
        fields.description = Some("Zebra crossing".into());
        store
            .update_task(writer, &draft.key, None, &|_| Ok(fields.clone()))
            .await
            .unwrap();
        assert!(
            titles(store, w.owner, &search("draft")).await.is_empty(),
            "{backend}"
        );
        assert_eq!(
            titles(store, w.owner, &search("final")).await,
            ["Final plan"]
        );
        assert_eq!(
            titles(store, w.owner, &search("zebra")).await,
            ["Final plan"]
        );

        // An edit of other fields leaves the words as they were.
        let mut done = fields.clone();
        done.status = TaskStatus::Done;
        store
            .update_task(writer, &draft.key, None, &|_| Ok(done.clone()))
            .await
            .unwrap();
        assert_eq!(
            titles(store, w.owner, &search("zebra plan")).await,
            ["Final plan"]
        );

        store.delete_task(writer, &draft.key, None).await.unwrap();
        assert!(
            titles(store, w.owner, &search("final")).await.is_empty(),
            "{backend}"
        );

        // Tasks deleted with their project leave the search too, even when
        // a new task takes the last one's id (SQLite reuses the highest).
        store
            .create_project(writer, &project("GONE"))
            .await
            .unwrap();
        add(store, w.owner, Some("GONE"), "Quokka census", None).await;
        store
            .delete_project(w.owner.admin().unwrap(), "GONE", None)
            .await
            .unwrap();
        add(store, w.owner, Some("EDIT"), "Something else", None).await;
        assert!(
            titles(store, w.owner, &search("quokka")).await.is_empty(),
            "{backend}"
        );
        assert_eq!(
            titles(store, w.owner, &search("something")).await,
            ["Something else"]
        );
    }
}

/// A task of the filter test: its due day, priority, tags, and whether
/// it is Ben's personal task (which Ana does not see).
struct Row {
    due: Option<u32>,
    priority: Priority,
    tags: &'static [&'static str],
    personal_of_ben: bool,
}

#[tokio::test]
async fn tags_due_ranges_and_priorities_select_exactly_their_tasks_page_by_page() {
    use Priority as P;
    let rows: [(Option<u32>, Priority, &'static [&'static str], bool); 12] = [
        (Some(3), P::Urgent, &["ops"], false),
        (None, P::High, &["ops", "web"], false),
        (Some(12), P::Low, &[], false),
        (Some(12), P::Urgent, &["web"], false),
        (Some(20), P::Urgent, &["ops"], false),
        (Some(5), P::Medium, &["ops"], true),
        (Some(12), P::High, &["ops"], false),
        (Some(25), P::None, &["docs"], false),
        (Some(11), P::Urgent, &["ops"], false),
        (None, P::Urgent, &[], false),
        (Some(12), P::High, &["ops"], false),
        (Some(1), P::Low, &["ops"], false),
    ];
    let rows = rows.map(|(due, priority, tags, personal_of_ben)| Row {
        due,
        priority,
        tags,
        personal_of_ben,
    });
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        store.create_project(writer, &project("FLT")).await.unwrap();
        let mut tasks = Vec::new();
        for (n, row) in rows.iter().enumerate() {
            let mut fields = TaskFields::titled(format!("Row {n}"));
            fields.due_date = row.due.map(day);
            fields.priority = row.priority;
            fields.tags = row.tags.iter().map(|t| t.to_string()).collect();
            let (scope, project) = if row.personal_of_ben {
                (w.member, None)
            } else {
                (w.owner, Some(ProjectKey::parse("FLT").unwrap()))
            };
            let task = store
                .create_task(scope.writer().unwrap(), &NewTask { project, fields })
                .await
                .unwrap();
            tasks.push((task, row));
        }
        // Another workspace's tasks of the same tag and priority.
        store
            .create_project(w.other.writer().unwrap(), &theirs("FLT"))
            .await
            .unwrap();
        let mut theirs = TaskFields::titled("Theirs");
        theirs.tags = vec!["ops".into()];
        theirs.priority = P::Urgent;
        theirs.due_date = Some(day(12));
        store
            .create_task(
                w.other.writer().unwrap(),
                &NewTask {
                    project: Some(ProjectKey::parse("FLT").unwrap()),
                    fields: theirs,
                },
            )
            .await
            .unwrap();
        // A retagged task is found by its new tag only.
        let retagged = &tasks[3].0;
        let mut fields = TaskFields::titled(retagged.title.clone());
        fields.due_date = retagged.due_date;
        fields.priority = retagged.priority;
        fields.tags = vec!["ops".into()];
        store
            .update_task(writer, &retagged.key, None, &|_| Ok(fields.clone()))
            .await
            .unwrap();
        let tags_of = |n: usize| -> Vec<&str> {
            if n == 3 {
                vec!["ops"]
            } else {
                rows[n].tags.to_vec()
            }
        };

        type Check<'a> = Box<dyn Fn(usize, &Row) -> bool + 'a>;
        let filters: Vec<(&str, TaskFilter, Check)> = vec![
            (
                "tag ops",
                TaskFilter {
                    tag: Some("ops".into()),
                    ..Default::default()
                },
                Box::new(move |n, _| tags_of(n).contains(&"ops")),
            ),
            (
                "tag web",
                TaskFilter {
                    tag: Some("web".into()),
                    ..Default::default()
                },
                Box::new(move |n, _| tags_of(n).contains(&"web")),
            ),
            (
                "no such tag",
                TaskFilter {
                    tag: Some("none".into()),
                    ..Default::default()
                },
                Box::new(|_, _| false),
            ),
            (
                "due after the 4th, before the 20th",
                TaskFilter {
                    due_after: Some(day(4)),
                    due_before: Some(day(20)),
                    ..Default::default()
                },
                Box::new(|_, r| r.due.is_some_and(|d| d > 4 && d < 20)),
            ),
            (
                "due before the 12th",
                TaskFilter {
                    due_before: Some(day(12)),
                    ..Default::default()
                },
                Box::new(|_, r| r.due.is_some_and(|d| d < 12)),
            ),
            (
                "urgent",
                TaskFilter {
                    priorities: vec![P::Urgent],
                    ..Default::default()
                },
                Box::new(|_, r| r.priority == P::Urgent),
            ),
            (
                "high or low",
                TaskFilter {
                    priorities: vec![P::High, P::Low],
                    ..Default::default()
                },
                Box::new(|_, r| matches!(r.priority, P::High | P::Low)),
            ),
            (
                "tag ops, urgent, due after the 2nd",
                TaskFilter {
                    tag: Some("ops".into()),
                    priorities: vec![P::Urgent],
                    due_after: Some(day(2)),
                    ..Default::default()
                },
                Box::new(move |n, r| {
                    tags_of(n).contains(&"ops")
                        && r.priority == P::Urgent
                        && r.due.is_some_and(|d| d > 2)
                }),
            ),
            (
                "tag ops and the word row",
                TaskFilter {
                    tag: Some("ops".into()),
                    text: Some("row".into()),
                    ..Default::default()
                },
                Box::new(move |n, _| tags_of(n).contains(&"ops")),
            ),
        ];
        for (scope, who) in [(w.owner, "ana"), (w.member, "ben")] {
            for (name, filter, check) in &filters {
                // Ana does not see Ben's personal task; Ben does.
                let expected: Vec<&Task> = tasks
                    .iter()
                    .enumerate()
                    .filter(|(n, (_, row))| {
                        check(*n, row) && (who == "ben" || !row.personal_of_ben)
                    })
                    .map(|(_, (task, _))| task)
                    .collect();
                let by_id: Vec<Id> = expected.iter().map(|t| t.id).collect();
                let mut by_due: Vec<(Option<NaiveDate>, Id)> =
                    expected.iter().map(|t| (t.due_date, t.id)).collect();
                by_due.sort_by_key(|(due, id)| (due.is_none(), *due, *id));
                for limit in [1, 2, 5] {
                    let found = paged(store, scope, filter, limit).await;
                    let found: Vec<Id> = found.iter().map(|t| t.id).collect();
                    assert_eq!(found, by_id, "{backend} {who}: {name}, pages of {limit}");
                    let due = TaskFilter {
                        order: TaskOrder::Due,
                        ..filter.clone()
                    };
                    let found = paged(store, scope, &due, limit).await;
                    let found: Vec<(Option<NaiveDate>, Id)> =
                        found.iter().map(|t| (t.due_date, t.id)).collect();
                    assert_eq!(
                        found, by_due,
                        "{backend} {who}: {name} by due date, pages of {limit}"
                    );
                }
                // The counts by due date agree with the list.
                let counts = store
                    .count_tasks_by_due(scope, filter, &[day(12)])
                    .await
                    .unwrap();
                let before = by_due
                    .iter()
                    .filter(|(due, _)| due.is_some_and(|d| d < day(12)))
                    .count();
                assert_eq!(
                    counts,
                    [before as u64, (by_id.len() - before) as u64],
                    "{backend} {who}: {name} counted"
                );
            }
        }
        // A person's own tasks of a tag, as My Work asks.
        let mine = TaskFilter {
            tag: Some("ops".into()),
            owner: Some(OwnerFilter::User(w.member.user_id)),
            ..Default::default()
        };
        let found = paged(store, w.member, &mine, 2).await;
        assert!(found.is_empty(), "{backend}: Ben owns none");
    }
}

/// PostgreSQL looks a search up in its index first and reads only the
/// matches when there are at most a thousand; past that it walks the
/// tasks in order. Either way a search pages through exactly its matches,
/// in either order.
#[tokio::test]
async fn a_search_common_or_rare_pages_through_exactly_its_matches() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        store
            .create_project(w.owner.writer().unwrap(), &project("BIG"))
            .await
            .unwrap();
        let tasks: Vec<TaskFields> = (0..1_100)
            .map(|n| {
                let word = if n % 275 == 0 { "rare" } else { "common" };
                let mut t = TaskFields::titled(format!("A {word} task {n}"));
                t.due_date = Some(day(1 + n % 28));
                t
            })
            .collect();
        let keys = store
            .import_tasks(w.owner.writer().unwrap(), "BIG", &tasks)
            .await
            .unwrap();
        assert_eq!(keys.len(), 1_100);
        for (words, expected) in [("comm", 1_096), ("RARE task", 4), ("rarely", 0)] {
            for order in [TaskOrder::Id, TaskOrder::Due] {
                let filter = TaskFilter {
                    order,
                    ..search(words)
                };
                let found = paged(store, w.member, &filter, 300).await;
                assert_eq!(found.len(), expected, "{words} {order:?} on {backend}");
                let ids: Vec<Id> = found.iter().map(|t| t.id).collect();
                let mut sorted = found.clone();
                match order {
                    TaskOrder::Id => sorted.sort_by_key(|t| t.id),
                    _ => sorted.sort_by_key(|t| (t.due_date, t.id)),
                }
                let in_order: Vec<Id> = sorted.iter().map(|t| t.id).collect();
                assert_eq!(ids, in_order, "{words} {order:?} on {backend}");
                let stem = words.split(' ').next().unwrap().to_lowercase();
                assert!(found.iter().all(|t| t.title.contains(stem.as_str())));
            }
        }
        // Another workspace's matches are neither found nor counted.
        let theirs = paged(store, w.other, &search("common"), 300).await;
        assert!(theirs.is_empty(), "{backend}");
    }
}
