//! A minimal, append-only migration runner: each migration is embedded in
//! the binary, applied once in its own transaction, and recorded in
//! `schema_migrations`. A database newer than this binary is refused.

/// The migrations of one backend, in order.
pub(crate) struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "initial schema",
        sql: include_str!("../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        description: "scheduling: constraints, actuals, baselines, stored schedules",
        sql: include_str!("../migrations/sqlite/0002_scheduling.sql"),
    },
    Migration {
        version: 3,
        description: "working calendars of projects",
        sql: include_str!("../migrations/sqlite/0003_calendars.sql"),
    },
    Migration {
        version: 4,
        description: "people's capacity and time off",
        sql: include_str!("../migrations/sqlite/0004_availability.sql"),
    },
    Migration {
        version: 5,
        description: "board order of tasks",
        sql: include_str!("../migrations/sqlite/0005_board_order.sql"),
    },
    Migration {
        version: 6,
        description: "invitations to workspaces",
        sql: include_str!("../migrations/sqlite/0006_invitations.sql"),
    },
    Migration {
        version: 7,
        description: "the outbox of events, their deliveries, periodic jobs",
        sql: include_str!("../migrations/sqlite/0007_events.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "initial schema",
        sql: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        description: "scheduling: constraints, actuals, baselines, stored schedules",
        sql: include_str!("../migrations/postgres/0002_scheduling.sql"),
    },
    Migration {
        version: 3,
        description: "working calendars of projects",
        sql: include_str!("../migrations/postgres/0003_calendars.sql"),
    },
    Migration {
        version: 4,
        description: "people's capacity and time off",
        sql: include_str!("../migrations/postgres/0004_availability.sql"),
    },
    Migration {
        version: 5,
        description: "board order of tasks",
        sql: include_str!("../migrations/postgres/0005_board_order.sql"),
    },
    Migration {
        version: 6,
        description: "invitations to workspaces",
        sql: include_str!("../migrations/postgres/0006_invitations.sql"),
    },
    Migration {
        version: 7,
        description: "the outbox of events, their deliveries, periodic jobs",
        sql: include_str!("../migrations/postgres/0007_events.sql"),
    },
];

pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// Generates `run(pool)` for one backend: the logic is the same, the pool
/// type differs.
macro_rules! migrator {
    ($db:ty, $migrations:expr, $lock:expr) => {
        pub(crate) async fn run_migrations(pool: &sqlx::Pool<$db>) -> crate::Result<()> {
            use crate::migrate::CREATE_TABLE;
            let mut tx = pool.begin().await?;
            if let Some(lock) = $lock {
                // Several nodes starting at once migrate one at a time.
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            sqlx::query(CREATE_TABLE).execute(&mut *tx).await?;
            let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
                .fetch_all(&mut *tx)
                .await?;
            let newest_known = $migrations.last().map(|m| m.version).unwrap_or(0);
            if let Some(newest) = applied.last() {
                if *newest > newest_known {
                    return Err(crate::StoreError::Config(format!(
                        "the database is at schema version {newest}, newer than this binary's {newest_known}"
                    )));
                }
            }
            for migration in $migrations.iter().filter(|m| !applied.contains(&m.version)) {
                tracing::info!(version = migration.version, "applying migration: {}", migration.description);
                sqlx::raw_sql(migration.sql).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)")
                    .bind(migration.version)
                    .bind(migration.description)
                    .bind(chrono::Utc::now().to_rfc3339())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        }
    };
}
pub(crate) use migrator;
