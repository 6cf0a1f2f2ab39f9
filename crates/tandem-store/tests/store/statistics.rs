//! PostgreSQL's planner statistics are Tandem's to keep: a bulk write
//! analyses what it changed right away, and `refresh_statistics` analyses
//! whatever changed much since, and vacuums what autovacuum would have,
//! autovacuum or not.

use sqlx::Connection;
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};

use super::*;

#[tokio::test]
async fn a_bulk_import_leaves_fresh_statistics_behind() {
    let sqlite = tandem_store::open(&fresh_sqlite_url()).await.unwrap();
    assert!(
        sqlite
            .refresh_statistics(tandem_store::Staleness::Changed)
            .await
            .unwrap()
            .is_empty()
    );
    let Some(admin) = postgres_url() else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let url = fresh_postgres_database(&admin).await.unwrap();
    let store = tandem_store::open(&url).await.unwrap();
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let pool = &raw;
    let analysed_table = |table: &'static str| async move {
        let at: Option<chrono::DateTime<chrono::Utc>> =
            sqlx::query_scalar("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = $1")
                .bind(table)
                .fetch_one(pool)
                .await
                .unwrap();
        at
    };
    let analysed = || analysed_table("tasks");
    let w = world(store.as_ref()).await;
    let writer = w.owner.writer().unwrap();
    store
        .create_project(writer, &project("BULK"))
        .await
        .unwrap();
    // Migration 11 analyses the tables it indexes, empty in a new
    // database; the import must analyse them again.
    let migrated = analysed().await;
    let rows: Vec<TaskFields> = (0..1_200)
        .map(|i| TaskFields::titled(format!("Imported {i}")))
        .collect();
    store.import_tasks(writer, "BULK", &rows).await.unwrap();
    assert!(
        analysed().await > migrated,
        "tasks was not analysed after a bulk import"
    );
    // Saving the schedule of those tasks is a bulk write too.
    let (_, access) = store.open_project(w.owner, "BULK").await.unwrap();
    let before = analysed_table("task_schedules").await;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let at = day.and_hms_opt(8, 0, 0).unwrap();
    let schedule = StoredSchedule {
        fingerprint: "bulk".into(),
        computed_at: chrono::Utc::now(),
        start: at,
        finish: at,
        critical_path: Vec::new(),
        warnings: Vec::new(),
        tasks: store
            .task_names(access)
            .await
            .unwrap()
            .iter()
            .map(|t| TaskSchedule {
                task_id: t.id,
                early_start: at,
                early_finish: at,
                late_start: at,
                late_finish: at,
                total_slack: 0,
                free_slack: 0,
                critical: true,
                summary: false,
                milestone: false,
                loose_digest: None,
            })
            .collect(),
        basis: None,
    };
    let stamp = tandem_store::PlanStamp {
        version: store.plan_version(access).await.unwrap(),
        planned_on: day,
    };
    assert!(store.save_schedule(access, &schedule, stamp).await.unwrap());
    assert!(
        analysed_table("task_schedules").await > before,
        "task_schedules was not analysed after a schedule of 1,200 rows was saved"
    );
    // Whatever it finds stale, it names real tables and analyses them.
    let refreshed = store
        .refresh_statistics(tandem_store::Staleness::Changed)
        .await
        .unwrap();
    for table in &refreshed {
        let known: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = $1 AND last_analyze IS NOT NULL",
        )
        .bind(table)
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(known, 1, "{table}");
    }
    raw.close().await;
}

/// A bulk writer mid-way refreshes only tables that outgrew their
/// statistics; the periodic refresh takes any that changed by a tenth.
#[tokio::test]
async fn an_outgrown_table_is_refreshed_and_a_changed_one_waits_for_the_hour() {
    let Some(admin) = postgres_url() else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let url = fresh_postgres_database(&admin).await.unwrap();
    let store = tandem_store::open(&url).await.unwrap();
    // One connection: the server takes a backend's counters from it at
    // most once a second unless told to (`pg_stat_force_next_flush`, at
    // the end of the statement that calls it).
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    async fn add_users(conn: &mut sqlx::PgConnection, from: i64, to: i64) {
        sqlx::query(
            "INSERT INTO users (email, name, created_at) \
             SELECT 'u' || n || '@stats.example', 'U', now() FROM generate_series($1, $2) n",
        )
        .bind(from)
        .bind(to)
        .execute(&mut *conn)
        .await
        .unwrap();
        sqlx::query("SELECT pg_stat_force_next_flush()")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    add_users(&mut conn, 1, 1_000).await;
    sqlx::query("ANALYZE users")
        .execute(&mut conn)
        .await
        .unwrap();
    // 300 more: a tenth changed, not half; and 1,300 rows inserted since
    // the table was last vacuumed (never), over autovacuum's 1,000 and a
    // fifth.
    add_users(&mut conn, 1_001, 1_300).await;
    async fn vacuumed(conn: &mut sqlx::PgConnection) -> Option<chrono::DateTime<chrono::Utc>> {
        sqlx::query_scalar("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'users'")
            .fetch_one(conn)
            .await
            .unwrap()
    }
    let outgrown = store
        .refresh_statistics(tandem_store::Staleness::Outgrown)
        .await
        .unwrap();
    assert!(!outgrown.contains(&"users".to_string()), "{outgrown:?}");
    assert_eq!(
        vacuumed(&mut conn).await,
        None,
        "a bulk writer mid-way vacuumed"
    );
    let changed = store
        .refresh_statistics(tandem_store::Staleness::Changed)
        .await
        .unwrap();
    assert!(changed.contains(&"users".to_string()), "{changed:?}");
    assert!(
        vacuumed(&mut conn).await.is_some(),
        "the periodic refresh left a freshly filled table unvacuumed"
    );
    // 1,400 more after that analysis: more than half of the 2,700.
    add_users(&mut conn, 1_301, 2_700).await;
    let outgrown = store
        .refresh_statistics(tandem_store::Staleness::Outgrown)
        .await
        .unwrap();
    assert!(outgrown.contains(&"users".to_string()), "{outgrown:?}");
}
