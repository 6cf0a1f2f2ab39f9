//! What a row refers to stays there, on both backends: a user is never
//! deleted; a task, history row or occurrence that names a missing user,
//! series or task is refused as a foreign key refuses it; and what the
//! foreign keys did when a parent went still happens. On PostgreSQL the
//! tables the recurring job fills by the thousand check these references
//! a statement at a time (migration 55), so these tests are what holds
//! that code to a foreign key's word.

use chrono::Days;
use tandem_domain::recurrence::{Landing, Mode, Reuse, Rule, Series};
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};

use super::*;

/// A store and a connection of its own to the same database, for the
/// statements Tandem never makes.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Raw::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
            Raw::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        })
    }

    async fn number(&self, sql: &str) -> Option<i64> {
        match self {
            Raw::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
            Raw::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Raw::Sqlite(_) => "SQLite",
            Raw::Postgres(_) => "PostgreSQL",
        }
    }
}

async fn backends_with_raw() -> Vec<(Box<dyn Store>, Raw)> {
    let url = fresh_sqlite_url();
    let store = tandem_store::open(&url).await.unwrap();
    let raw = Raw::Sqlite(sqlx::SqlitePool::connect(&url).await.unwrap());
    let mut both = vec![(store, raw)];
    match postgres_url() {
        Some(admin) => {
            let url = fresh_postgres_database(&admin).await.unwrap();
            let store = tandem_store::open(&url).await.unwrap();
            let raw = Raw::Postgres(sqlx::PgPool::connect(&url).await.unwrap());
            both.push((store, raw));
        }
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    both
}

fn refused_as_missing(result: Result<u64, sqlx::Error>, what: &str, backend: &str) {
    match result {
        Err(sqlx::Error::Database(db)) => assert!(
            db.is_foreign_key_violation(),
            "{backend}: {what} was refused, but not as a missing reference: {db}"
        ),
        other => panic!("{backend}: {what} was not refused: {other:?}"),
    }
}

#[tokio::test]
async fn references_hold_and_their_parents_take_them_along() {
    for (store, raw) in backends_with_raw().await {
        let backend = raw.name();
        let w = world(store.as_ref()).await;
        let writer = w.owner.writer().unwrap();
        store.create_project(writer, &project("REF")).await.unwrap();
        let today = chrono::Local::now().date_naive();
        let mut fields = TaskFields::titled("Backup restore drill");
        fields.due_date = Some(today - Days::new(7));
        fields.owner = Some(Email::parse("ben@example.org").unwrap());
        let weekly = Series {
            rule: Rule::parse("weekly").unwrap(),
            mode: Mode::Schedule,
            reuse: Reuse::NewTask,
            landing: Landing::AsIs,
            starts_on: today,
            except: Vec::new(),
        };
        let task = NewTask {
            project: Some(ProjectKey::parse("REF").unwrap()),
            fields,
        };
        let (first, series) = store
            .create_recurring_task(writer, &task, &weekly)
            .await
            .unwrap();
        let (_, other) = store
            .create_recurring_task(writer, &task, &weekly)
            .await
            .unwrap();
        let made = store.make_occurrences(&[series.id], today).await.unwrap();
        assert!(!made.is_empty(), "{backend}: the series made nothing");
        store.make_occurrences(&[other.id], today).await.unwrap();
        let ben = first.owner.as_ref().unwrap().id;

        // A user is never deleted, and their tasks keep them.
        let gone = raw
            .execute(&format!("DELETE FROM users WHERE id = {ben}"))
            .await;
        assert!(gone.is_err(), "{backend}: a user was deleted");
        let owned = raw
            .number(&format!(
                "SELECT COUNT(*) FROM tasks WHERE owner_id = {ben} AND project_id IS NOT NULL"
            ))
            .await;
        assert_eq!(owned, Some(2 * (1 + made.len() as i64)), "{backend}");

        // Rows naming what is not there are refused, and change nothing.
        let missing = 999_999;
        let task = first.id;
        refused_as_missing(
            raw.execute(&format!(
                "UPDATE tasks SET owner_id = {missing} WHERE id = {task}"
            ))
            .await,
            "an owner who is not a user",
            backend,
        );
        assert_eq!(
            raw.number(&format!("SELECT owner_id FROM tasks WHERE id = {task}"))
                .await,
            Some(ben),
            "{backend}"
        );
        for (what, column) in [
            ("a maker who is not a user", "created_by"),
            ("a series that is not there", "recurrence_id"),
            ("a project that is not there", "project_id"),
        ] {
            // The task copied, one reference made to name nothing.
            let columns = [
                "workspace_id",
                "project_id",
                "number",
                "title",
                "status",
                "priority",
                "created_at",
                "updated_at",
                "owner_id",
                "created_by",
                "recurrence_id",
            ];
            let values: Vec<String> = columns
                .iter()
                .map(|c| match *c {
                    c if c == column => missing.to_string(),
                    "number" => "number + 1000".to_string(),
                    c => c.to_string(),
                })
                .collect();
            let copy = format!(
                "INSERT INTO tasks ({}) SELECT {} FROM tasks WHERE id = {task}",
                columns.join(", "),
                values.join(", ")
            );
            refused_as_missing(raw.execute(&copy).await, what, backend);
        }
        refused_as_missing(
            raw.execute(&format!(
                "UPDATE tasks SET workspace_id = {missing} WHERE id = {task}"
            ))
            .await,
            "a task moved to no workspace",
            backend,
        );
        for (what, workspace, actor) in [
            (
                "a history row by someone who is not a user",
                "workspace_id",
                missing.to_string(),
            ),
            (
                "a history row of no workspace",
                &*missing.to_string(),
                "actor_id".to_string(),
            ),
        ] {
            refused_as_missing(
                raw.execute(&format!(
                    "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, \
                     entity_id, entity_label, action, changes) \
                     SELECT {workspace}, project_id, {actor}, at, entity_kind, entity_id, \
                     entity_label, action, changes FROM activity WHERE entity_id = {task}"
                ))
                .await,
                what,
                backend,
            );
        }
        let recurrence = series.id;
        for (what, values) in [
            (
                "a date of no task",
                format!("({recurrence}, '2030-01-07', {missing})"),
            ),
            (
                "a date of no series",
                format!("({missing}, '2030-01-07', {task})"),
            ),
        ] {
            refused_as_missing(
                raw.execute(&format!(
                    "INSERT INTO occurrences (recurrence_id, occurs_on, task_id) VALUES {values}"
                ))
                .await,
                what,
                backend,
            );
        }
        let dates = format!("SELECT COUNT(*) FROM occurrences WHERE recurrence_id = {recurrence}");
        let taken = raw.number(&dates).await.unwrap();
        assert_eq!(taken, 1 + made.len() as i64, "{backend}");

        // A task deleted leaves its date taken, with no task.
        let key = made.last().unwrap();
        store.delete_task(writer, key, None).await.unwrap();
        assert_eq!(raw.number(&dates).await, Some(taken), "{backend}");
        assert_eq!(
            raw.number(&format!(
                "SELECT COUNT(*) FROM occurrences WHERE recurrence_id = {recurrence} AND task_id IS NULL"
            ))
            .await,
            Some(1),
            "{backend}: the deleted task's date"
        );

        // A series deleted (Tandem ends one; only its project's or
        // workspace's delete takes it) takes its dates, and the tasks it
        // made forget it.
        let forgotten = format!("SELECT COUNT(*) FROM tasks WHERE recurrence_id = {recurrence}");
        assert_eq!(
            raw.number(&forgotten).await,
            Some(made.len() as i64),
            "{backend}"
        );
        raw.execute(&format!("DELETE FROM recurrences WHERE id = {recurrence}"))
            .await
            .unwrap();
        assert_eq!(raw.number(&dates).await, Some(0), "{backend}");
        assert_eq!(raw.number(&forgotten).await, Some(0), "{backend}");
        assert_eq!(
            raw.number(&format!("SELECT COUNT(*) FROM tasks WHERE id = {task}"))
                .await,
            Some(1),
            "{backend}: the series' first task"
        );

        // A workspace deleted (an import's staging one is) takes its
        // tasks, its personal ones too, and its history.
        let elsewhere = w.other.workspace_id;
        store
            .create_task(
                w.other.writer().unwrap(),
                &NewTask {
                    project: None,
                    fields: TaskFields::titled("Zoe's own"),
                },
            )
            .await
            .unwrap();
        for table in ["tasks", "activity"] {
            let rows = format!("SELECT COUNT(*) FROM {table} WHERE workspace_id = {elsewhere}");
            assert!(raw.number(&rows).await.unwrap() > 0, "{backend}: {table}");
        }
        raw.execute(&format!("DELETE FROM workspaces WHERE id = {elsewhere}"))
            .await
            .unwrap();
        for table in ["tasks", "activity"] {
            let rows = format!("SELECT COUNT(*) FROM {table} WHERE workspace_id = {elsewhere}");
            assert_eq!(raw.number(&rows).await, Some(0), "{backend}: {table}");
        }

        // The project deleted takes the other series, its dates and tasks.
        let others = format!(
            "SELECT COUNT(*) FROM occurrences WHERE recurrence_id = {}",
            other.id
        );
        assert!(raw.number(&others).await.unwrap() > 0, "{backend}");
        store
            .delete_project(w.owner.admin().unwrap(), "REF", None)
            .await
            .unwrap();
        assert_eq!(raw.number(&others).await, Some(0), "{backend}");
        assert_eq!(
            raw.number("SELECT COUNT(*) FROM recurrences").await,
            Some(0),
            "{backend}"
        );
        assert_eq!(
            raw.number(&format!(
                "SELECT COUNT(*) FROM tasks WHERE owner_id = {ben}"
            ))
            .await,
            Some(0),
            "{backend}"
        );
    }
}
