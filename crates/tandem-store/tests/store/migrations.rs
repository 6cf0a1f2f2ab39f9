//! Migrations are checksummed: a database where an applied migration was
//! edited is refused, naming the version; a database from before checksums
//! gets them recorded on its first start; a refused start changes nothing.
//! On SQLite and, with `TANDEM_TEST_POSTGRES_URL`, PostgreSQL.

use sha2::{Digest, Sha256};
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};

/// A fresh database of one backend, reached both through the store and
/// directly, to do to it what the store never would.
enum Database {
    Sqlite(String),
    Postgres(String),
}

impl Database {
    async fn all() -> Vec<Database> {
        let mut databases = vec![Database::Sqlite(fresh_sqlite_url())];
        match postgres_url() {
            Some(admin) => databases.push(Database::Postgres(
                fresh_postgres_database(&admin).await.unwrap(),
            )),
            None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
        }
        databases
    }

    fn url(&self) -> &str {
        match self {
            Database::Sqlite(url) | Database::Postgres(url) => url,
        }
    }

    fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }

    /// Opens the store, migrating, and closes it again.
    async fn start(&self) -> tandem_store::Result<()> {
        tandem_store::open(self.url()).await.map(drop)
    }

    async fn execute(&self, sql: &str) {
        match self {
            Database::Sqlite(url) => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Database::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// Whether `schema_migrations` has the `checksum` column.
    async fn has_checksum_column(&self) -> bool {
        let count: i64 = match self {
            Database::Sqlite(url) => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                let count = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') \
                     WHERE name = 'checksum'",
                )
                .fetch_one(&pool)
                .await
                .unwrap();
                pool.close().await;
                count
            }
            Database::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let count = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.columns \
                     WHERE table_schema = current_schema() \
                     AND table_name = 'schema_migrations' AND column_name = 'checksum'",
                )
                .fetch_one(&pool)
                .await
                .unwrap();
                pool.close().await;
                count
            }
        };
        count == 1
    }

    /// `schema_migrations` as (version, checksum); no checksums where the
    /// column is missing.
    async fn recorded(&self) -> Vec<(i64, Option<String>)> {
        let query = if self.has_checksum_column().await {
            "SELECT version, checksum FROM schema_migrations ORDER BY version"
        } else {
            // PostgreSQL types a bare NULL as text, which reads as Option<String>.
            "SELECT version, NULL FROM schema_migrations ORDER BY version"
        };
        match self {
            Database::Sqlite(url) => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                let rows = sqlx::query_as(query).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows
            }
            Database::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let rows = sqlx::query_as(query).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows
            }
        }
    }

    /// This backend's migration files, in order, read from the source
    /// tree: what the binary embedded.
    fn migrations(&self) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(self.backend());
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect()
    }

    /// The SHA-256 of each migration, in order.
    fn expected(&self) -> Vec<(i64, Option<String>)> {
        self.migrations()
            .iter()
            .enumerate()
            .map(|(index, sql)| {
                let digest = Sha256::digest(sql.as_bytes());
                let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
                (index as i64 + 1, Some(hex))
            })
            .collect()
    }

    /// Brings the empty database to schema version `version` as a runner
    /// of that time would have (one without checksums, which the next
    /// start records), without opening the store.
    async fn migrate_to(&self, version: usize) {
        // The store creates the SQLite file on first use; here it is not
        // used yet.
        let setup = match self {
            Database::Sqlite(url) => Database::Sqlite(format!("{url}?mode=rwc")),
            Database::Postgres(url) => Database::Postgres(url.clone()),
        };
        for sql in self.migrations().iter().take(version) {
            setup.execute(sql).await;
        }
        setup
            .execute(
                "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, \
                 description TEXT NOT NULL, applied_at TEXT NOT NULL)",
            )
            .await;
        for applied in 1..=version {
            setup
                .execute(&format!(
                    "INSERT INTO schema_migrations (version, description, applied_at) \
                     VALUES ({applied}, 'before', '2026-11-01T00:00:00Z')"
                ))
                .await;
        }
    }
}

#[tokio::test]
async fn every_applied_migration_is_recorded_with_its_checksum() {
    for database in Database::all().await {
        database.start().await.unwrap();
        assert_eq!(
            database.recorded().await,
            database.expected(),
            "{}",
            database.backend()
        );
        // A second start finds everything in place.
        database.start().await.unwrap();
        assert_eq!(
            database.recorded().await,
            database.expected(),
            "{}",
            database.backend()
        );
    }
}

#[tokio::test]
async fn an_edited_migration_is_refused_naming_its_version() {
    for database in Database::all().await {
        database.start().await.unwrap();
        database
            .execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 3")
            .await;
        let error = database.start().await.unwrap_err().to_string();
        assert!(
            error.contains(
                "migration 3 (working calendars of projects) was changed after it was applied"
            ),
            "{}: {error}",
            database.backend()
        );
        assert!(error.contains("recorded checksum is edited"), "{error}");
        // Refused, not repaired.
        let recorded = database.recorded().await;
        assert_eq!(recorded[2], (3, Some("edited".to_string())));
    }
}

#[tokio::test]
async fn a_database_from_before_checksums_gets_them_on_its_first_start() {
    for database in Database::all().await {
        database.start().await.unwrap();
        // What a database migrated by the runner without checksums looks like.
        database
            .execute("ALTER TABLE schema_migrations DROP COLUMN checksum")
            .await;
        assert!(!database.has_checksum_column().await);
        assert_eq!(database.recorded().await.len(), database.expected().len());

        database.start().await.unwrap();
        assert_eq!(
            database.recorded().await,
            database.expected(),
            "{}",
            database.backend()
        );
    }
}

#[tokio::test]
async fn a_refused_start_leaves_an_old_database_as_it_was() {
    for database in Database::all().await {
        database.start().await.unwrap();
        database
            .execute(
                "ALTER TABLE schema_migrations DROP COLUMN checksum; \
                 INSERT INTO schema_migrations (version, description, applied_at) \
                 VALUES (999, 'from the future', '2030-01-01T00:00:00Z')",
            )
            .await;
        let before = database.recorded().await;

        let error = database.start().await.unwrap_err().to_string();
        assert!(error.contains("schema version 999"), "{error}");
        // The start added the column before it saw version 999; its
        // transaction took the column back with it.
        assert!(
            !database.has_checksum_column().await,
            "{}",
            database.backend()
        );
        assert_eq!(database.recorded().await, before, "{}", database.backend());
    }
}

/// A database from before migration 8 gets its roll-ups from the
/// migration's backfill: the same figures the writes keep since.
#[tokio::test]
async fn the_roll_up_backfill_makes_what_writes_keep() {
    use tandem_domain::*;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    for db in Database::all().await {
        let store = tandem_store::open(db.url()).await.unwrap();
        let w = super::world(store.as_ref()).await;
        let writer = w.owner.writer().unwrap();
        store
            .create_project(writer, &super::project("FILL"))
            .await
            .unwrap();
        let add = |title: &str, f: &dyn Fn(&mut TaskFields)| {
            let mut fields = TaskFields::titled(title);
            f(&mut fields);
            NewTask {
                project: Some(ProjectKey::parse("FILL").unwrap()),
                fields,
            }
        };
        let parent = store
            .create_task(writer, &add("Parent", &|_| {}))
            .await
            .unwrap();
        let tasks = [
            add("Half", &|f| {
                f.parent = Some(parent.key.clone());
                f.percent_complete = 50;
                f.effort_hours = Some(12.345);
                f.due_date = chrono::NaiveDate::from_ymd_opt(2026, 11, 20);
            }),
            add("Done", &|f| {
                f.parent = Some(parent.key.clone());
                f.status = TaskStatus::Done;
                f.estimate_days = Some(1.25);
            }),
            add("Cancelled", &|f| f.status = TaskStatus::Cancelled),
            add("Later", &|f| {
                f.percent_complete = 33;
                f.due_date = chrono::NaiveDate::from_ymd_opt(2026, 12, 10);
            }),
        ];
        for task in &tasks {
            store.create_task(writer, task).await.unwrap();
        }
        let read = |store: Box<dyn tandem_store::Store>| async move {
            let (_, access) = store.open_project(w.owner, "FILL").await.unwrap();
            let progress = store.project_progress(access).await.unwrap();
            let overdue = store.overdue_tasks(access, today).await.unwrap();
            (progress, overdue)
        };
        let kept = read(store).await;
        assert_eq!(kept.0.project.leaf_tasks, 3, "{}", db.backend());
        assert_eq!((kept.0.open_tasks, kept.1), (3, 1), "{}", db.backend());
        let migration = match db.backend() {
            "sqlite" => include_str!("../../migrations/sqlite/0008_rollups.sql"),
            _ => include_str!("../../migrations/postgres/0008_rollups.sql"),
        };
        let backfill = &migration[migration.find("-- Backfill").unwrap()..];
        db.execute(&format!(
            "DELETE FROM rollup_cells; DELETE FROM project_open_due; {backfill}"
        ))
        .await;
        let filled = read(tandem_store::open(db.url()).await.unwrap()).await;
        assert_eq!(filled, kept, "{}", db.backend());
    }
}

/// A database from before migration 14 gets each person's open work by
/// due date from the migration's backfill: the counts the writes keep.
#[tokio::test]
async fn the_owner_count_backfill_makes_what_writes_keep() {
    use tandem_domain::*;
    let edges = [
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
    ];
    for db in Database::all().await {
        let store = tandem_store::open(db.url()).await.unwrap();
        let w = super::world(store.as_ref()).await;
        let writer = w.owner.writer().unwrap();
        store
            .create_project(writer, &super::project("FILL"))
            .await
            .unwrap();
        let dates = [None, Some((11, 20)), Some((12, 1)), Some((12, 10))];
        for (n, date) in dates.iter().enumerate() {
            for (project, owner, status) in [
                (Some("FILL"), "ana@example.org", TaskStatus::Todo),
                (Some("FILL"), "ben@example.org", TaskStatus::InProgress),
                (None, "ana@example.org", TaskStatus::Todo),
                (Some("FILL"), "ana@example.org", TaskStatus::Done),
            ] {
                let mut new = super::task(project, &format!("Task {n}"));
                new.fields.owner = Some(Email::parse(owner).unwrap());
                new.fields.status = status;
                new.fields.due_date =
                    date.and_then(|(m, d)| chrono::NaiveDate::from_ymd_opt(2026, m, d));
                store.create_task(writer, &new).await.unwrap();
            }
        }
        let read = |store: Box<dyn tandem_store::Store>| async move {
            let mut counts = Vec::new();
            for scope in [w.owner, w.member] {
                let filter = tandem_store::TaskFilter {
                    owner: Some(tandem_store::OwnerFilter::User(scope.user_id)),
                    open: true,
                    ..Default::default()
                };
                counts.push(
                    store
                        .count_tasks_by_due(scope, &filter, &edges)
                        .await
                        .unwrap(),
                );
            }
            counts
        };
        let kept = read(store).await;
        assert_eq!(kept, vec![vec![2, 2, 4], vec![1, 1, 2]], "{}", db.backend());
        let migration = match db.backend() {
            "sqlite" => include_str!("../../migrations/sqlite/0014_owner_open_due.sql"),
            _ => include_str!("../../migrations/postgres/0014_owner_open_due.sql"),
        };
        let backfill = &migration[migration.find("-- Backfill").unwrap()..];
        db.execute(&format!("DELETE FROM owner_open_due; {backfill}"))
            .await;
        let filled = read(tandem_store::open(db.url()).await.unwrap()).await;
        assert_eq!(filled, kept, "{}", db.backend());
    }
}

/// A database from before migration 11 gets its search index and its
/// tags' workspaces from the migration: what was there is found as what
/// is written since, and each workspace's only by that workspace.
#[tokio::test]
async fn the_search_and_tag_backfill_finds_what_was_there() {
    use tandem_domain::*;
    use tandem_store::{Scope, TaskFilter};
    for db in Database::all().await {
        let backend = db.backend();
        db.migrate_to(10).await;
        // Written as the version-10 store would have: two workspaces,
        // personal tasks of each one's owner, tags without a workspace.
        let at = "'2026-11-01T00:00:00Z'";
        db.execute(&format!(
            "INSERT INTO users (email, name, created_at) VALUES \
                 ('ana@example.org', 'Ana', {at}), ('zoe@example.org', 'Zoe', {at}); \
             INSERT INTO workspaces (slug, name, created_at) VALUES \
                 ('acme', 'Acme', {at}), ('other', 'Other', {at}); \
             INSERT INTO members (workspace_id, user_id, role) VALUES (1, 1, 'owner'), (2, 2, 'owner'); \
             INSERT INTO tasks (workspace_id, number, title, description, owner_id, created_by, \
                 status, priority, created_at, updated_at) VALUES \
                 (1, 1, 'Migrated brief', NULL, 1, 1, 'todo', 'high', {at}, {at}), \
                 (1, 2, 'Old budget', 'Kept from the migrated era', 1, 1, 'todo', 'low', {at}, {at}), \
                 (1, 3, 'Untagged', NULL, 1, 1, 'todo', 'low', {at}, {at}), \
                 (2, 4, 'Their migrated brief', NULL, 2, 2, 'todo', 'low', {at}, {at}); \
             INSERT INTO task_tags (task_id, tag) VALUES (1, 'old'), (2, 'old'), (2, 'kept'), (4, 'old')"
        ))
        .await;

        let store = tandem_store::open(db.url()).await.unwrap();
        let ana = Scope {
            workspace_id: 1,
            user_id: 1,
            role: Role::Owner,
        };
        let zoe = Scope {
            workspace_id: 2,
            user_id: 2,
            role: Role::Owner,
        };
        let titles = |scope: Scope, filter: TaskFilter| {
            let store = &store;
            async move {
                let page = store
                    .list_tasks(
                        scope,
                        &TaskFilter {
                            limit: 10,
                            ..filter
                        },
                    )
                    .await
                    .unwrap();
                page.tasks.into_iter().map(|t| t.title).collect::<Vec<_>>()
            }
        };
        let text = |words: &str| TaskFilter {
            text: Some(words.into()),
            ..Default::default()
        };
        let tag = |tag: &str| TaskFilter {
            tag: Some(tag.into()),
            ..Default::default()
        };
        assert_eq!(
            titles(ana, text("migrat")).await,
            ["Migrated brief", "Old budget"],
            "{backend}"
        );
        assert_eq!(
            titles(ana, tag("old")).await,
            ["Migrated brief", "Old budget"],
            "{backend}"
        );
        assert_eq!(titles(ana, tag("kept")).await, ["Old budget"], "{backend}");
        assert_eq!(
            titles(zoe, tag("old")).await,
            ["Their migrated brief"],
            "{backend}"
        );

        // What is written after the migration joins what was there.
        let mut fields = TaskFields::titled("New brief");
        fields.tags = vec!["old".into()];
        store
            .create_task(
                ana.writer().unwrap(),
                &NewTask {
                    project: None,
                    fields,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            titles(ana, tag("old")).await,
            ["Migrated brief", "Old budget", "New brief"],
            "{backend}"
        );
        assert_eq!(
            titles(ana, text("brief")).await,
            ["Migrated brief", "New brief"],
            "{backend}"
        );
        assert_eq!(
            titles(zoe, text("brief")).await,
            ["Their migrated brief"],
            "{backend}"
        );
        // The workspace's search finds them too (on PostgreSQL, from the
        // index of words migrations 52 and 53 filled and weighed), each
        // workspace its own.
        let searched = |scope: Scope, words: &str| {
            let store = &store;
            let words = words.to_string();
            async move {
                let query = tandem_store::SearchQuery {
                    text: words,
                    limit: 10,
                    ..Default::default()
                };
                let mut hits: Vec<String> = store
                    .search(scope, &query)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|hit| hit.title)
                    .collect();
                hits.sort();
                hits
            }
        };
        assert_eq!(
            searched(ana, "migrated").await,
            ["Migrated brief", "Old budget"],
            "{backend}"
        );
        assert_eq!(
            searched(zoe, "migrated bri").await,
            ["Their migrated brief"],
            "{backend}"
        );
    }
}

/// SQLite builds the comments table anew in migration 39 (its check of
/// one subject changed): what refers to a comment (its earlier words,
/// reactions, files, search entry) stays, because the runner does not
/// enforce foreign keys while it migrates. On PostgreSQL the table is
/// altered in place; the test holds there too.
#[tokio::test]
async fn building_the_comments_table_anew_keeps_what_refers_to_them() {
    for db in Database::all().await {
        db.migrate_to(38).await;
        db.execute(
            "INSERT INTO workspaces (id, slug, name, created_at) VALUES (1, 'acme', 'Acme', '2026-11-01T00:00:00Z'); \
             INSERT INTO users (id, email, name, created_at) VALUES (1, 'ana@x.org', 'Ana', '2026-11-01T00:00:00Z'); \
             INSERT INTO members (workspace_id, user_id, role) VALUES (1, 1, 'owner'); \
             INSERT INTO tasks (id, workspace_id, number, title, status, priority, owner_id, created_by, created_at, updated_at) \
                 VALUES (1, 1, 1, 'Call the bank', 'todo', 'none', 1, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'); \
             INSERT INTO comments (id, workspace_id, subject_kind, task_id, author_id, body, created_at, edited_at) \
                 VALUES (1, 1, 'task', 1, 1, 'Ask about overdraft fees', '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z'); \
             INSERT INTO comment_edits (comment_id, body, replaced_at) VALUES (1, 'Ask about fees', '2026-11-03T00:00:00Z'); \
             INSERT INTO comment_reactions (comment_id, user_id, reaction) VALUES (1, 1, 'heart'); \
             INSERT INTO blobs (hash, size, content, created_at) VALUES ('h1', 2, NULL, '2026-11-02T00:00:00Z'); \
             INSERT INTO attachments (workspace_id, subject_kind, comment_id, name, version, content_type, size, hash, created_at) \
                 VALUES (1, 'comment', 1, 'statement.pdf', 1, 'application/pdf', 2, 'h1', '2026-11-02T00:00:00Z');",
        )
        .await;
        let store = tandem_store::open(db.url()).await.unwrap();
        let scope = tandem_store::Scope {
            workspace_id: 1,
            user_id: 1,
            role: tandem_domain::Role::Owner,
        };
        let comment = store.get_comment(scope, 1).await.unwrap();
        assert_eq!(
            comment.body.as_deref(),
            Some("Ask about overdraft fees"),
            "{}",
            db.backend()
        );
        assert_eq!(comment.reactions.len(), 1, "{}", db.backend());
        let edits = store.comment_edits(scope, 1).await.unwrap();
        assert_eq!(edits.len(), 1, "{}", db.backend());
        let files = store
            .list_attachments(scope, &tandem_domain::AttachedTo::Comment(1))
            .await
            .unwrap();
        assert_eq!(files.len(), 1, "{}", db.backend());
        let found = store
            .search(
                scope,
                &tandem_store::SearchQuery {
                    text: "overdraft".into(),
                    ..tandem_store::SearchQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{}: {found:?}", db.backend());
        // And a comment on a status update is now possible.
        store
            .add_comment(
                scope.writer().unwrap(),
                &tandem_domain::NewComment {
                    on: tandem_domain::CommentOn::StatusUpdate(1),
                    parent: None,
                    body: "None yet".into(),
                },
            )
            .await
            .expect_err("no update 1: not found");
    }
}
