//! How PostgreSQL lays out the tasks' rows (migration 51): an update that
//! changes no indexed column is written on the row's own page, beside the
//! old version, and no index is touched (a HOT update).

use sqlx::Connection;
use tandem_store::DelayChange;
use tandem_store::testing::{fresh_postgres_database, postgres_url};

use super::*;

/// The page a row version is on, from its `ctid` ("(page,slot)").
fn page(ctid: &str) -> i64 {
    ctid.trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a ctid: {ctid}"))
}

#[tokio::test]
async fn a_levelling_delay_is_written_on_the_tasks_own_page() {
    let Some(admin) = postgres_url() else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let url = fresh_postgres_database(&admin).await.unwrap();
    let store = tandem_store::open(&url).await.unwrap();
    let w = world(store.as_ref()).await;
    let writer = w.owner.writer().unwrap();
    store
        .create_project(writer, &project("PAGE"))
        .await
        .unwrap();
    let rows: Vec<TaskFields> = (0..400)
        .map(|i| TaskFields::titled(format!("Paged task number {i}")))
        .collect();
    store.import_tasks(writer, "PAGE", &rows).await.unwrap();
    let (_, access) = store.open_project(w.owner, "PAGE").await.unwrap();
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    async fn placed(conn: &mut sqlx::PgConnection) -> Vec<(i64, i64, String)> {
        sqlx::query_as("SELECT id, version, CAST(ctid AS TEXT) FROM tasks ORDER BY id")
            .fetch_all(conn)
            .await
            .unwrap()
    }
    let before = placed(&mut conn).await;
    assert_eq!(before.len(), 400);
    let pages: std::collections::BTreeSet<i64> = before.iter().map(|r| page(&r.2)).collect();
    assert!(pages.len() > 1, "400 tasks on one page: {pages:?}");
    // Levelling moves most of a project's tasks, not all: three in four.
    let changes: Vec<DelayChange> = before
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 != 0)
        .map(|(i, (id, version, _))| DelayChange {
            task_id: *id,
            key: format!("PAGE-{}", i + 1),
            version: *version,
            before: TaskScheduling::default(),
            delay: 480,
        })
        .collect();
    store
        .apply_levelling(writer, access, &changes)
        .await
        .unwrap();
    let after = placed(&mut conn).await;
    let mut moved = Vec::new();
    for ((id, version, was), (_, now_version, is)) in before.iter().zip(&after) {
        if now_version != version && page(was) != page(is) {
            moved.push((*id, was.clone(), is.clone()));
        }
    }
    assert_eq!(
        after
            .iter()
            .zip(&before)
            .filter(|(a, b)| a.1 != b.1)
            .count(),
        300,
        "every change was written"
    );
    assert!(moved.is_empty(), "rows that left their page: {moved:?}");
}
