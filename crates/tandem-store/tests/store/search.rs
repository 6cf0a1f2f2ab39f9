//! The workspace's search (migration 35): one ranked list over tasks,
//! projects, comments, goals and risks, with the title weighing above the
//! text; only what the caller may open; filters by kind, project, owner
//! and status; and every write (rename, edit, delete) seen by the next
//! search, because the index is written in the write's own transaction.

use tandem_store::{SearchHit, SearchQuery};

use super::*;

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: 50,
        ..Default::default()
    }
}

async fn found(store: &dyn Store, scope: Scope, query: &SearchQuery) -> Vec<String> {
    store
        .search(scope, query)
        .await
        .unwrap()
        .iter()
        .map(named)
        .collect()
}

/// A hit as "kind: title", a comment's with what it is on.
fn named(hit: &SearchHit) -> String {
    match &hit.on {
        Some(on) => format!("{}: {} ({})", hit.kind, hit.title, on.key),
        None => format!("{}: {}", hit.kind, hit.title),
    }
}

fn risk(title: &str, mitigation: &str) -> RiskFields {
    RiskFields {
        title: title.into(),
        description: None,
        probability: 3,
        impact: 4,
        owner: None,
        mitigation: Some(mitigation.into()),
        status: RiskStatus::Open,
        task_keys: Vec::new(),
        milestone_ids: Vec::new(),
    }
}

#[tokio::test]
async fn one_search_ranks_every_kind_and_shows_only_what_the_caller_may_open() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let (ana, ben) = (w.owner.writer().unwrap(), w.member.writer().unwrap());
        let alpha = store.create_project(ana, &project("ALPHA")).await.unwrap();
        let mut in_title = task(Some("ALPHA"), "Rocket launch checklist");
        in_title.fields.description = Some("Before the countdown".into());
        let in_title = store.create_task(ana, &in_title).await.unwrap();
        let mut in_text = task(Some("ALPHA"), "Order supplies");
        in_text.fields.description = Some("Fuel for the rocket, and snacks".into());
        store.create_task(ana, &in_text).await.unwrap();
        store
            .add_comment(
                ana,
                &NewComment {
                    on: CommentOn::Task(in_title.key.clone()),
                    parent: None,
                    body: "The **rocket** needs a second check".into(),
                },
            )
            .await
            .unwrap();
        store
            .create_risk(ana, alpha.id, &risk("Rocket engine delay", "Order spares"))
            .await
            .unwrap();
        let mut goal = GoalFields::new("Sell more rockets");
        goal.description = Some("Every rocket counts".into());
        store.create_goal(ana, &goal).await.unwrap();
        // Ben's own task, and a comment on it: his alone.
        let personal = store
            .create_task(ben, &task(None, "Rocket model for my desk"))
            .await
            .unwrap();
        store
            .add_comment(
                ben,
                &NewComment {
                    on: CommentOn::Task(personal.key.clone()),
                    parent: None,
                    body: "rocket glue".into(),
                },
            )
            .await
            .unwrap();
        // Another workspace's rocket.
        let mut zed = project("ZED");
        zed.fields.owner = None;
        store
            .create_project(w.other.writer().unwrap(), &zed)
            .await
            .unwrap();
        store
            .create_task(w.other.writer().unwrap(), &task(Some("ZED"), "Rocket"))
            .await
            .unwrap();

        let hits = found(store, w.owner, &query("rocket")).await;
        assert_eq!(hits.len(), 5, "{backend}: {hits:?}");
        for expected in [
            "task: Rocket launch checklist",
            "task: Order supplies",
            "comment: Rocket launch checklist (ALPHA-1)",
            "risk: Rocket engine delay",
        ] {
            assert!(hits.contains(&expected.to_string()), "{backend}: {hits:?}");
        }
        // "rockets" begins with "rocket": a goal's title matches too.
        assert!(hits.contains(&"goal: Sell more rockets".to_string()));
        // A word in the title weighs above the same word in a text.
        let position = |title: &str| hits.iter().position(|h| h == title).unwrap();
        assert!(
            position("task: Rocket launch checklist") < position("task: Order supplies"),
            "{backend}: {hits:?}"
        );

        // Ben, a member, sees the project's and his own, and the goal.
        let bens = found(store, w.member, &query("rocket")).await;
        assert_eq!(bens.len(), 7, "{backend}: {bens:?}");
        assert!(bens.contains(&format!(
            "comment: Rocket model for my desk ({})",
            personal.key
        )));
        // Gus, a guest of no project, finds nothing: no task, no comment,
        // no risk, no goal, not even the project's name.
        assert!(found(store, w.guest, &query("rocket")).await.is_empty());
        assert!(found(store, w.guest, &query("alpha")).await.is_empty());
        assert_eq!(
            found(store, w.owner, &query("alpha")).await,
            ["project: Project ALPHA"]
        );

        // Filters.
        let comments = SearchQuery {
            kinds: vec![SearchKind::Comment],
            ..query("rocket")
        };
        assert_eq!(
            found(store, w.owner, &comments).await,
            ["comment: Rocket launch checklist (ALPHA-1)"]
        );
        let todo = SearchQuery {
            status: Some(TaskStatus::Todo),
            ..query("rocket")
        };
        let todo = found(store, w.owner, &todo).await;
        assert!(todo.iter().all(|h| h.starts_with("task: ")), "{todo:?}");
        assert_eq!(todo.len(), 2, "{backend}: {todo:?}");
        let mine = SearchQuery {
            owner: Some(w.member.user_id),
            ..query("rocket")
        };
        // Ben wrote one comment and owns no task of ALPHA.
        let bens = found(store, w.member, &mine).await;
        assert!(
            bens.contains(&format!(
                "comment: Rocket model for my desk ({})",
                personal.key
            )),
            "{backend}: {bens:?}"
        );
        assert!(
            !bens.iter().any(|h| h.contains("ALPHA")),
            "{backend}: {bens:?}"
        );
        let in_alpha = SearchQuery {
            project: Some("ALPHA".into()),
            ..query("rocket")
        };
        assert_eq!(found(store, w.owner, &in_alpha).await.len(), 4, "{backend}");
        // Every word must be in a hit: whole, but the last, which may
        // still be being typed.
        assert_eq!(
            found(store, w.owner, &query("rocket eng")).await,
            ["risk: Rocket engine delay"]
        );
        assert!(
            found(store, w.owner, &query("rock engine"))
                .await
                .is_empty()
        );
        // Quotes, stars and brackets are nobody's syntax: only words.
        assert_eq!(
            found(store, w.owner, &query("\"rocket\" (eng*")).await,
            ["risk: Rocket engine delay"]
        );
        assert!(found(store, w.owner, &query("\"*) : (")).await.is_empty());
    }
}

#[tokio::test]
async fn every_write_is_seen_by_the_next_search() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let ana = w.owner.writer().unwrap();
        let beta = store.create_project(ana, &project("BETA")).await.unwrap();
        let t = store
            .create_task(ana, &task(Some("BETA"), "Draft the brief"))
            .await
            .unwrap();
        let comment = store
            .add_comment(
                ana,
                &NewComment {
                    on: CommentOn::Task(t.key.clone()),
                    parent: None,
                    body: "walrus sighting".into(),
                },
            )
            .await
            .unwrap();
        let r = store
            .create_risk(ana, beta.id, &risk("Penguin strike", "Bring fish"))
            .await
            .unwrap();
        assert_eq!(found(store, w.owner, &query("walrus")).await.len(), 1);
        assert_eq!(
            found(store, w.owner, &query("fish")).await,
            ["risk: Penguin strike"]
        );

        store
            .edit_comment(ana, comment.id, None, "narwhal sighting")
            .await
            .unwrap();
        assert!(
            found(store, w.owner, &query("walrus")).await.is_empty(),
            "{backend}"
        );
        assert_eq!(found(store, w.owner, &query("narwhal")).await.len(), 1);
        store.delete_comment(ana, comment.id, None).await.unwrap();
        assert!(
            found(store, w.owner, &query("narwhal")).await.is_empty(),
            "{backend}"
        );

        store.delete_risk(ana, r.id, None).await.unwrap();
        assert!(
            found(store, w.owner, &query("penguin")).await.is_empty(),
            "{backend}"
        );

        let renamed = TaskFields::titled("Final brief");
        store
            .update_task(ana, &t.key, None, &|_| Ok(renamed.clone()))
            .await
            .unwrap();
        assert!(
            found(store, w.owner, &query("draft")).await.is_empty(),
            "{backend}"
        );
        assert_eq!(
            found(store, w.owner, &query("final")).await,
            ["task: Final brief"]
        );

        // Deleting the project takes everything of it out of the search.
        store
            .add_comment(
                ana,
                &NewComment {
                    on: CommentOn::Project("BETA".into()),
                    parent: None,
                    body: "orca".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(found(store, w.owner, &query("orca")).await.len(), 1);
        store
            .delete_project(w.owner.admin().unwrap(), "BETA", None)
            .await
            .unwrap();
        assert!(
            found(store, w.owner, &query("orca")).await.is_empty(),
            "{backend}"
        );
        assert!(
            found(store, w.owner, &query("beta")).await.is_empty(),
            "{backend}"
        );
        assert!(
            found(store, w.owner, &query("final")).await.is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_word_in_more_tasks_than_a_window_is_ranked_among_its_newest() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let ana = w.owner.writer().unwrap();
        store.create_project(ana, &project("MANY")).await.unwrap();
        // 700 tasks say "walrus"; the oldest also says "tusk".
        let mut fields = vec![TaskFields::titled("Walrus tusk")];
        fields.extend((1..700).map(|i| TaskFields::titled(format!("Walrus {i}"))));
        store.import_tasks(ana, "MANY", &fields).await.unwrap();
        store
            .refresh_statistics(tandem_store::Staleness::Changed)
            .await
            .unwrap();
        let hits = store
            .search(
                w.owner,
                &SearchQuery {
                    limit: 100,
                    ..query("walrus")
                },
            )
            .await
            .unwrap();
        assert_eq!(hits.len(), 100, "{backend}");
        assert!(
            hits.iter().all(|h| h.title.starts_with("Walrus")),
            "{backend}"
        );
        // Among the newest: none of the oldest hundred.
        let oldest: Vec<&str> = hits
            .iter()
            .map(|h| h.title.as_str())
            .filter(|t| {
                t.trim_start_matches("Walrus ")
                    .parse::<u32>()
                    .is_ok_and(|n| n < 100)
            })
            .collect();
        assert!(oldest.is_empty(), "{backend}: {oldest:?}");
        // Two words together are rare again, found wherever they are.
        assert_eq!(
            found(store, w.owner, &query("walrus tusk")).await,
            ["task: Walrus tusk"],
            "{backend}"
        );
        // A guest of no project sees none of them, common or not.
        assert!(
            found(store, w.guest, &query("walrus")).await.is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn words_in_the_title_rank_above_the_same_words_in_a_text() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let ana = w.owner.writer().unwrap();
        store.create_project(ana, &project("RANK")).await.unwrap();
        let fields = vec![
            TaskFields {
                description: Some("Rocket launch".into()),
                ..TaskFields::titled("Plan")
            },
            TaskFields {
                description: Some("Launch window".into()),
                ..TaskFields::titled("Rocket")
            },
            TaskFields::titled("Launch rocket"),
            TaskFields::titled("Rocket fuel"),
        ];
        store.import_tasks(ana, "RANK", &fields).await.unwrap();
        assert_eq!(
            found(store, w.owner, &query("rocket launch")).await,
            ["task: Launch rocket", "task: Rocket", "task: Plan"],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_guest_finds_older_matches_behind_a_window_of_newer_ones_it_may_not_open() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let ana = w.owner.writer().unwrap();
        let seen = store.create_project(ana, &project("SEEN")).await.unwrap();
        store.create_project(ana, &project("HIDDEN")).await.unwrap();
        let_gus_in(store, &w, seen.id).await;
        // Gus's three, then more newer ones than a window holds that he
        // may not open: ranked from the window alone he would find none.
        let mine: Vec<TaskFields> = (0..3)
            .map(|i| TaskFields::titled(format!("Beacon check {i}")))
            .collect();
        store.import_tasks(ana, "SEEN", &mine).await.unwrap();
        let hidden: Vec<TaskFields> = (0..600)
            .map(|i| TaskFields::titled(format!("Beacon {i}")))
            .collect();
        store.import_tasks(ana, "HIDDEN", &hidden).await.unwrap();
        store
            .refresh_statistics(tandem_store::Staleness::Changed)
            .await
            .unwrap();
        let mut hits = found(store, w.guest, &query("beacon")).await;
        hits.sort();
        assert_eq!(
            hits,
            [
                "task: Beacon check 0",
                "task: Beacon check 1",
                "task: Beacon check 2"
            ],
            "{backend}"
        );
        // The owner, who may open them all, gets a full page of the newest.
        let hits = found(store, w.owner, &query("beacon")).await;
        assert_eq!(hits.len(), 50, "{backend}");
        assert!(
            hits.iter().all(|h| !h.starts_with("task: Beacon check")),
            "{backend}: {hits:?}"
        );
    }
}

#[tokio::test]
async fn the_last_word_is_the_beginning_of_words_however_many_it_begins() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let ana = w.owner.writer().unwrap();
        store.create_project(ana, &project("PRE")).await.unwrap();
        let mut fields = vec![
            TaskFields::titled("Walrus count"),
            TaskFields::titled("Walnut harvest"),
            TaskFields::titled("Wall repair"),
            TaskFields::titled("Kelp and kelpie"),
            TaskFields::titled("Kelp forest"),
        ];
        // Seventy words beginning "zeta": more than a prefix is merged from
        // (PostgreSQL then reads the full-text index).
        fields.extend((0..70).map(|i| TaskFields::titled(format!("Zeta{i} drill"))));
        store.import_tasks(ana, "PRE", &fields).await.unwrap();
        let titles = |hits: Vec<String>| {
            let mut hits = hits;
            hits.sort();
            hits
        };
        assert_eq!(
            titles(found(store, w.owner, &query("wal")).await),
            [
                "task: Wall repair",
                "task: Walnut harvest",
                "task: Walrus count"
            ],
            "{backend}"
        );
        assert_eq!(
            found(store, w.owner, &query("walr")).await,
            ["task: Walrus count"],
            "{backend}"
        );
        // A word before the last is whole: "wal" is no word of these.
        assert!(
            found(store, w.owner, &query("wal count")).await.is_empty(),
            "{backend}"
        );
        assert_eq!(
            found(store, w.owner, &query("walrus co")).await,
            ["task: Walrus count"],
            "{backend}"
        );
        assert_eq!(
            found(store, w.owner, &query("w")).await.len(),
            3,
            "{backend}"
        );
        assert_eq!(
            found(store, w.owner, &query("zeta")).await.len(),
            50,
            "{backend}: the query's limit"
        );
        let mut hits = found(store, w.owner, &query("drill zeta1")).await;
        hits.sort();
        let mut expected: Vec<String> = std::iter::once(1)
            .chain(10..20)
            .map(|i| format!("task: Zeta{i} drill"))
            .collect();
        expected.sort();
        assert_eq!(hits, expected, "{backend}");
        // Two words a prefix begins in one task: one hit, and the next
        // hit still within the limit.
        let two = SearchQuery {
            limit: 2,
            ..query("kelp")
        };
        assert_eq!(
            titles(found(store, w.owner, &two).await),
            ["task: Kelp and kelpie", "task: Kelp forest"],
            "{backend}"
        );
        assert!(
            found(store, w.owner, &query("zetaq")).await.is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn two_common_words_find_the_tasks_that_have_both() {
    for store in backends().await {
        let store = store.as_ref();
        let backend = store.backend();
        let w = world(store).await;
        let ana = w.owner.writer().unwrap();
        store.create_project(ana, &project("BOTH")).await.unwrap();
        // Past the count that makes a word rare (2,000 on PostgreSQL):
        // the words' lists are merged, not looked up.
        let fields: Vec<TaskFields> = (0..2_200)
            .map(|i| {
                let other = if i < 2_100 { "beta" } else { "gamma" };
                TaskFields::titled(format!("Alpha {other} {i}"))
            })
            .collect();
        store.import_tasks(ana, "BOTH", &fields).await.unwrap();
        store
            .refresh_statistics(tandem_store::Staleness::Changed)
            .await
            .unwrap();
        let hits = found(store, w.owner, &query("beta alph")).await;
        assert_eq!(hits.len(), 50, "{backend}");
        assert!(
            hits.iter().all(|h| h.starts_with("task: Alpha beta ")),
            "{backend}: {hits:?}"
        );
        let hits = found(store, w.owner, &query("alpha gam")).await;
        assert_eq!(hits.len(), 50, "{backend}");
        assert!(
            hits.iter().all(|h| h.starts_with("task: Alpha gamma ")),
            "{backend}: {hits:?}"
        );
    }
}
