//! PostgreSQL's index of words (migrations 52 and 53): every lexeme of
//! every task's and search entry's text with its weight in that text, and
//! nothing else, whatever wrote it.

use sqlx::Connection;
use tandem_store::testing::{fresh_postgres_database, postgres_url};

use super::*;

/// What the index of words holds that the texts do not, and the other
/// way round: a word's weight that its text no longer gives is both.
async fn differences(conn: &mut sqlx::PgConnection) -> (i64, i64) {
    const TEXTS: &str = "SELECT t.workspace_id, w, TRUE, t.id, \
        ts_rank(t.search, to_tsquery('simple', w), 1) FROM tasks t, \
        unnest(tsvector_to_array(t.search)) w \
        UNION ALL SELECT e.workspace_id, w, FALSE, e.id, \
        ts_rank(e.search, to_tsquery('simple', w), 1) FROM search_entries e, \
        unnest(tsvector_to_array(e.search)) w";
    const WORDS: &str = "SELECT workspace_id, word, of_task, ref_id, score FROM search_words";
    let extra: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM ({WORDS} EXCEPT ALL ({TEXTS})) x"
    ))
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let missing: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (({TEXTS}) EXCEPT ALL {WORDS}) x"
    ))
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    (extra, missing)
}

#[tokio::test]
async fn the_index_of_words_follows_every_write() {
    let Some(admin) = postgres_url() else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let url = fresh_postgres_database(&admin).await.unwrap();
    let store = tandem_store::open(&url).await.unwrap();
    let store = store.as_ref();
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let w = world(store).await;
    let ana = w.owner.writer().unwrap();
    store.create_project(ana, &project("WORDS")).await.unwrap();
    let rows: Vec<TaskFields> = (0..50)
        .map(|i| TaskFields {
            description: Some(format!("Shared text, and word{i} alone")),
            ..TaskFields::titled(format!("Imported task {i}"))
        })
        .collect();
    store.import_tasks(ana, "WORDS", &rows).await.unwrap();
    let t = store
        .create_task(ana, &task(Some("WORDS"), "Draft the brief brief"))
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
    let (extra, missing) = differences(&mut conn).await;
    assert_eq!((extra, missing), (0, 0));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM search_words WHERE of_task")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    // Each imported task: imported, task, N, shared, text, and, wordN,
    // alone; the created one: draft, the, brief (once).
    assert_eq!(count, 50 * 8 + 3);

    store
        .update_task(ana, &t.key, None, &|_| {
            Ok(TaskFields::titled("Final brief, the last"))
        })
        .await
        .unwrap();
    store
        .edit_comment(ana, comment.id, None, "narwhal sighting")
        .await
        .unwrap();
    // A write that does not touch the text leaves its words as they are.
    store
        .update_task(ana, &t.key, None, &|f| {
            Ok(TaskFields {
                priority: Priority::Urgent,
                ..f.clone()
            })
        })
        .await
        .unwrap();
    assert_eq!(differences(&mut conn).await, (0, 0));

    store.delete_comment(ana, comment.id, None).await.unwrap();
    store.delete_task(ana, &t.key, None).await.unwrap();
    assert_eq!(differences(&mut conn).await, (0, 0));
    store
        .delete_project(w.owner.admin().unwrap(), "WORDS", None)
        .await
        .unwrap();
    assert_eq!(differences(&mut conn).await, (0, 0));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM search_words WHERE of_task")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0);
}
