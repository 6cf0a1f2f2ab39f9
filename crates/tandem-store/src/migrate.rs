//! A minimal, append-only migration runner: each migration is embedded in
//! the binary, applied once, and recorded in `schema_migrations` with the
//! SHA-256 of its SQL. A database newer than this binary, or one where an
//! applied migration's checksum differs from the embedded one (somebody
//! edited a migration that had shipped), is refused. It does not roll
//! back, and it does not repair a database.
//!
//! Chosen over `sqlx::migrate!`, which needs sqlx's macros feature (a
//! heavier build), for the same guarantees: ordered, checksummed, one
//! transaction.

/// The migrations of one backend, in order.
#[derive(Debug)]
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
    Migration {
        version: 8,
        description: "roll-ups kept by each write",
        sql: include_str!("../migrations/sqlite/0008_rollups.sql"),
    },
    Migration {
        version: 9,
        description: "the plan version a stored schedule was computed from",
        sql: include_str!("../migrations/sqlite/0009_plan_versions.sql"),
    },
    Migration {
        version: 10,
        description: "an index of each person's open tasks by due date",
        sql: include_str!("../migrations/sqlite/0010_my_work.sql"),
    },
    Migration {
        version: 11,
        description: "indexes of the task list's filters: text search, tags, priority",
        sql: include_str!("../migrations/sqlite/0011_search.sql"),
    },
    Migration {
        version: 12,
        description: "what adding tasks to a stored schedule needs: its plan's start, late finish, and events by plan version",
        sql: include_str!("../migrations/sqlite/0012_schedule_basis.sql"),
    },
    Migration {
        version: 13,
        description: "a stored schedule's rows indexed by project and task, in the order they are read",
        sql: include_str!("../migrations/sqlite/0013_schedule_rows_by_project.sql"),
    },
    Migration {
        version: 14,
        description: "a person's open tasks by due date, kept by each write, for My Work's counts",
        sql: include_str!("../migrations/sqlite/0014_owner_open_due.sql"),
    },
    Migration {
        version: 15,
        description: "when a project was archived",
        sql: include_str!("../migrations/sqlite/0015_project_archive.sql"),
    },
    Migration {
        version: 16,
        description: "saved views of a project's list",
        sql: include_str!("../migrations/sqlite/0016_saved_views.sql"),
    },
    Migration {
        version: 17,
        description: "the board's order by project and status, for its windows",
        sql: include_str!("../migrations/sqlite/0017_board_order_index.sql"),
    },
    Migration {
        version: 18,
        description: "levellings applied, to take back",
        sql: include_str!("../migrations/sqlite/0018_levellings.sql"),
    },
    Migration {
        version: 19,
        description: "milestones in an order of their own",
        sql: include_str!("../migrations/sqlite/0019_milestone_order.sql"),
    },
    Migration {
        version: 20,
        description: "a project's tasks with their phases, from an index alone",
        sql: include_str!("../migrations/sqlite/0020_task_phases_index.sql"),
    },
    Migration {
        version: 21,
        description: "status updates, and a baseline's finish kept with it",
        sql: include_str!("../migrations/sqlite/0021_status_updates.sql"),
    },
    Migration {
        version: 22,
        description: "portfolios of projects and of portfolios",
        sql: include_str!("../migrations/sqlite/0022_portfolios.sql"),
    },
    Migration {
        version: 23,
        description: "goals, their key results and what serves them",
        sql: include_str!("../migrations/sqlite/0023_goals.sql"),
    },
    Migration {
        version: 24,
        description: "status updates on portfolios and goals; a project's update cadence",
        sql: include_str!("../migrations/sqlite/0024_updates_everywhere.sql"),
    },
    Migration {
        version: 25,
        description: "recurring tasks: series and the dates they made",
        sql: include_str!("../migrations/sqlite/0025_recurrences.sql"),
    },
    Migration {
        version: 26,
        description: "webhooks and their deliveries; the fields an event's change touched",
        sql: include_str!("../migrations/sqlite/0026_webhooks.sql"),
    },
    Migration {
        version: 27,
        description: "templates in versions; the template a project was made from",
        sql: include_str!("../migrations/sqlite/0027_templates.sql"),
    },
    Migration {
        version: 28,
        description: "approvals and their answers; the day a milestone was reached",
        sql: include_str!("../migrations/sqlite/0028_approvals.sql"),
    },
    Migration {
        version: 29,
        description: "automation rules and their runs; the rule behind an event and a history row",
        sql: include_str!("../migrations/sqlite/0029_rules.sql"),
    },
    Migration {
        version: 30,
        description: "an index of the tasks of each recurring series",
        sql: include_str!("../migrations/sqlite/0030_tasks_recurrence.sql"),
    },
    Migration {
        version: 31,
        description: "the health last judged of each project",
        sql: include_str!("../migrations/sqlite/0031_project_health.sql"),
    },
    Migration {
        version: 32,
        description: "comments, the texts their edits replaced, and reactions",
        sql: include_str!("../migrations/sqlite/0032_comments.sql"),
    },
    Migration {
        version: 33,
        description: "notifications, follows and what each person wants to hear of",
        sql: include_str!("../migrations/sqlite/0033_notifications.sql"),
    },
    Migration {
        version: 34,
        description: "an invitation's link",
        sql: include_str!("../migrations/sqlite/0034_invitation_links.sql"),
    },
    Migration {
        version: 35,
        description: "one search across the workspace",
        sql: include_str!("../migrations/sqlite/0035_search.sql"),
    },
    Migration {
        version: 36,
        description: "files attached, their bytes once per content",
        sql: include_str!("../migrations/sqlite/0036_attachments.sql"),
    },
    Migration {
        version: 37,
        description: "notifications by email",
        sql: include_str!("../migrations/sqlite/0037_email.sql"),
    },
    Migration {
        version: 38,
        description: "search prefixes of two and three characters",
        sql: include_str!("../migrations/sqlite/0038_search_prefixes.sql"),
    },
    Migration {
        version: 39,
        description: "comments on status updates",
        sql: include_str!("../migrations/sqlite/0039_comments_on_updates.sql"),
    },
    Migration {
        version: 40,
        description: "deactivated members",
        sql: include_str!("../migrations/sqlite/0040_deactivated_members.sql"),
    },
    Migration {
        version: 41,
        description: "avatars",
        sql: include_str!("../migrations/sqlite/0041_avatars.sql"),
    },
    Migration {
        version: 42,
        description: "lint rules off",
        sql: include_str!("../migrations/sqlite/0042_lint_rules_off.sql"),
    },
    Migration {
        version: 43,
        description: "task and project levels",
        sql: include_str!("../migrations/sqlite/0043_levels.sql"),
    },
    Migration {
        version: 44,
        description: "what-if scenarios",
        sql: include_str!("../migrations/sqlite/0044_scenarios.sql"),
    },
    Migration {
        version: 45,
        description: "dated or scheduled tasks",
        sql: include_str!("../migrations/sqlite/0045_task_scheduling.sql"),
    },
    Migration {
        version: 46,
        description: "levelling delay",
        sql: include_str!("../migrations/sqlite/0046_levelling_delay.sql"),
    },
    Migration {
        version: 47,
        description: "scenario calendars",
        sql: include_str!("../migrations/sqlite/0047_scenario_calendar.sql"),
    },
    Migration {
        version: 48,
        description: "cost rates",
        sql: include_str!("../migrations/sqlite/0048_cost_rates.sql"),
    },
    Migration {
        version: 49,
        description: "what a scenario lost with deleted tasks",
        sql: include_str!("../migrations/sqlite/0049_scenario_lost.sql"),
    },
    Migration {
        version: 50,
        description: "task indexes of parents, phases and milestones kept for tasks that have one",
        sql: include_str!("../migrations/sqlite/0050_partial_task_indexes.sql"),
    },
    Migration {
        version: 51,
        description: "half of each page of tasks left free for updates",
        sql: include_str!("../migrations/sqlite/0051_tasks_fillfactor.sql"),
    },
    Migration {
        version: 52,
        description: "each searchable word's matches, newest first",
        sql: include_str!("../migrations/sqlite/0052_search_words.sql"),
    },
    Migration {
        version: 53,
        description: "each word's weight in its text, beside it",
        sql: include_str!("../migrations/sqlite/0053_search_word_scores.sql"),
    },
    Migration {
        version: 54,
        description: "beginnings of words up to eight characters as terms",
        sql: include_str!("../migrations/sqlite/0054_search_longer_prefixes.sql"),
    },
    Migration {
        version: 55,
        description: "users kept; the job's rows' references checked a statement at a time",
        sql: include_str!("../migrations/sqlite/0055_references_by_statement.sql"),
    },
    Migration {
        version: 56,
        description: "reference checks read their statement's rows once and find parents by key",
        sql: include_str!("../migrations/sqlite/0056_reference_checks_by_array.sql"),
    },
    Migration {
        version: 57,
        description: "a series' last date written in place",
        sql: include_str!("../migrations/sqlite/0057_recurrences_updated_in_place.sql"),
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
    Migration {
        version: 8,
        description: "roll-ups kept by each write",
        sql: include_str!("../migrations/postgres/0008_rollups.sql"),
    },
    Migration {
        version: 9,
        description: "the plan version a stored schedule was computed from",
        sql: include_str!("../migrations/postgres/0009_plan_versions.sql"),
    },
    Migration {
        version: 10,
        description: "an index of each person's open tasks by due date",
        sql: include_str!("../migrations/postgres/0010_my_work.sql"),
    },
    Migration {
        version: 11,
        description: "indexes of the task list's filters: text search, tags, priority",
        sql: include_str!("../migrations/postgres/0011_search.sql"),
    },
    Migration {
        version: 12,
        description: "what adding tasks to a stored schedule needs: its plan's start, late finish, and events by plan version",
        sql: include_str!("../migrations/postgres/0012_schedule_basis.sql"),
    },
    Migration {
        version: 13,
        description: "a stored schedule's rows indexed by project and task, in the order they are read",
        sql: include_str!("../migrations/postgres/0013_schedule_rows_by_project.sql"),
    },
    Migration {
        version: 14,
        description: "a person's open tasks by due date, kept by each write, for My Work's counts",
        sql: include_str!("../migrations/postgres/0014_owner_open_due.sql"),
    },
    Migration {
        version: 15,
        description: "when a project was archived",
        sql: include_str!("../migrations/postgres/0015_project_archive.sql"),
    },
    Migration {
        version: 16,
        description: "saved views of a project's list",
        sql: include_str!("../migrations/postgres/0016_saved_views.sql"),
    },
    Migration {
        version: 17,
        description: "the board's order by project and status, for its windows",
        sql: include_str!("../migrations/postgres/0017_board_order_index.sql"),
    },
    Migration {
        version: 18,
        description: "levellings applied, to take back",
        sql: include_str!("../migrations/postgres/0018_levellings.sql"),
    },
    Migration {
        version: 19,
        description: "milestones in an order of their own",
        sql: include_str!("../migrations/postgres/0019_milestone_order.sql"),
    },
    Migration {
        version: 20,
        description: "a project's tasks with their phases, from an index alone",
        sql: include_str!("../migrations/postgres/0020_task_phases_index.sql"),
    },
    Migration {
        version: 21,
        description: "status updates, and a baseline's finish kept with it",
        sql: include_str!("../migrations/postgres/0021_status_updates.sql"),
    },
    Migration {
        version: 22,
        description: "portfolios of projects and of portfolios",
        sql: include_str!("../migrations/postgres/0022_portfolios.sql"),
    },
    Migration {
        version: 23,
        description: "goals, their key results and what serves them",
        sql: include_str!("../migrations/postgres/0023_goals.sql"),
    },
    Migration {
        version: 24,
        description: "status updates on portfolios and goals; a project's update cadence",
        sql: include_str!("../migrations/postgres/0024_updates_everywhere.sql"),
    },
    Migration {
        version: 25,
        description: "recurring tasks: series and the dates they made",
        sql: include_str!("../migrations/postgres/0025_recurrences.sql"),
    },
    Migration {
        version: 26,
        description: "webhooks and their deliveries; the fields an event's change touched",
        sql: include_str!("../migrations/postgres/0026_webhooks.sql"),
    },
    Migration {
        version: 27,
        description: "templates in versions; the template a project was made from",
        sql: include_str!("../migrations/postgres/0027_templates.sql"),
    },
    Migration {
        version: 28,
        description: "approvals and their answers; the day a milestone was reached",
        sql: include_str!("../migrations/postgres/0028_approvals.sql"),
    },
    Migration {
        version: 29,
        description: "automation rules and their runs; the rule behind an event and a history row",
        sql: include_str!("../migrations/postgres/0029_rules.sql"),
    },
    Migration {
        version: 30,
        description: "an index of the tasks of each recurring series",
        sql: include_str!("../migrations/postgres/0030_tasks_recurrence.sql"),
    },
    Migration {
        version: 31,
        description: "the health last judged of each project",
        sql: include_str!("../migrations/postgres/0031_project_health.sql"),
    },
    Migration {
        version: 32,
        description: "comments, the texts their edits replaced, and reactions",
        sql: include_str!("../migrations/postgres/0032_comments.sql"),
    },
    Migration {
        version: 33,
        description: "notifications, follows and what each person wants to hear of",
        sql: include_str!("../migrations/postgres/0033_notifications.sql"),
    },
    Migration {
        version: 34,
        description: "an invitation's link",
        sql: include_str!("../migrations/postgres/0034_invitation_links.sql"),
    },
    Migration {
        version: 35,
        description: "one search across the workspace",
        sql: include_str!("../migrations/postgres/0035_search.sql"),
    },
    Migration {
        version: 36,
        description: "files attached, their bytes once per content",
        sql: include_str!("../migrations/postgres/0036_attachments.sql"),
    },
    Migration {
        version: 37,
        description: "notifications by email",
        sql: include_str!("../migrations/postgres/0037_email.sql"),
    },
    Migration {
        version: 38,
        description: "search prefixes of two and three characters",
        sql: include_str!("../migrations/postgres/0038_search_prefixes.sql"),
    },
    Migration {
        version: 39,
        description: "comments on status updates",
        sql: include_str!("../migrations/postgres/0039_comments_on_updates.sql"),
    },
    Migration {
        version: 40,
        description: "deactivated members",
        sql: include_str!("../migrations/postgres/0040_deactivated_members.sql"),
    },
    Migration {
        version: 41,
        description: "avatars",
        sql: include_str!("../migrations/postgres/0041_avatars.sql"),
    },
    Migration {
        version: 42,
        description: "lint rules off",
        sql: include_str!("../migrations/postgres/0042_lint_rules_off.sql"),
    },
    Migration {
        version: 43,
        description: "task and project levels",
        sql: include_str!("../migrations/postgres/0043_levels.sql"),
    },
    Migration {
        version: 44,
        description: "what-if scenarios",
        sql: include_str!("../migrations/postgres/0044_scenarios.sql"),
    },
    Migration {
        version: 45,
        description: "dated or scheduled tasks",
        sql: include_str!("../migrations/postgres/0045_task_scheduling.sql"),
    },
    Migration {
        version: 46,
        description: "levelling delay",
        sql: include_str!("../migrations/postgres/0046_levelling_delay.sql"),
    },
    Migration {
        version: 47,
        description: "scenario calendars",
        sql: include_str!("../migrations/postgres/0047_scenario_calendar.sql"),
    },
    Migration {
        version: 48,
        description: "cost rates",
        sql: include_str!("../migrations/postgres/0048_cost_rates.sql"),
    },
    Migration {
        version: 49,
        description: "what a scenario lost with deleted tasks",
        sql: include_str!("../migrations/postgres/0049_scenario_lost.sql"),
    },
    Migration {
        version: 50,
        description: "task indexes of parents, phases and milestones kept for tasks that have one",
        sql: include_str!("../migrations/postgres/0050_partial_task_indexes.sql"),
    },
    Migration {
        version: 51,
        description: "half of each page of tasks left free for updates",
        sql: include_str!("../migrations/postgres/0051_tasks_fillfactor.sql"),
    },
    Migration {
        version: 52,
        description: "each searchable word's matches, newest first",
        sql: include_str!("../migrations/postgres/0052_search_words.sql"),
    },
    Migration {
        version: 53,
        description: "each word's weight in its text, beside it",
        sql: include_str!("../migrations/postgres/0053_search_word_scores.sql"),
    },
    Migration {
        version: 54,
        description: "beginnings of words up to eight characters as terms",
        sql: include_str!("../migrations/postgres/0054_search_longer_prefixes.sql"),
    },
    Migration {
        version: 55,
        description: "users kept; the job's rows' references checked a statement at a time",
        sql: include_str!("../migrations/postgres/0055_references_by_statement.sql"),
    },
    Migration {
        version: 56,
        description: "reference checks read their statement's rows once and find parents by key",
        sql: include_str!("../migrations/postgres/0056_reference_checks_by_array.sql"),
    },
    Migration {
        version: 57,
        description: "a series' last date written in place",
        sql: include_str!("../migrations/postgres/0057_recurrences_updated_in_place.sql"),
    },
];

/// The bookkeeping table as this binary creates it. Databases created
/// before checksums have it without the `checksum` column, which
/// `run_migrations` adds.
pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT)";

/// Counts the `checksum` column of `schema_migrations` (0 or 1), per
/// backend: SQLite and PostgreSQL describe their tables differently, and
/// neither lets `ADD COLUMN` be conditional in a way the other accepts.
pub(crate) const SQLITE_HAS_CHECKSUM: &str =
    "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'";
pub(crate) const POSTGRES_HAS_CHECKSUM: &str = "SELECT COUNT(*) FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'checksum'";

/// The hex SHA-256 of a migration's SQL, as stored in `schema_migrations`.
pub(crate) fn checksum(sql: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What a start has to do to a database, given what it has applied
/// (version, recorded checksum).
#[derive(Debug)]
pub(crate) struct Plan<'m> {
    /// Applied before checksums were kept: record the embedded one.
    pub record: Vec<&'m Migration>,
    /// Not applied yet, in order.
    pub apply: Vec<&'m Migration>,
}

/// Decides what to do, or refuses: a database newer than `migrations`, or
/// an applied migration whose recorded checksum is not the embedded one.
pub(crate) fn plan<'m>(
    migrations: &'m [Migration],
    applied: &[(i64, Option<String>)],
) -> crate::Result<Plan<'m>> {
    let newest_known = migrations.last().map(|m| m.version).unwrap_or(0);
    if let Some(newest) = applied.iter().map(|(version, _)| *version).max()
        && newest > newest_known
    {
        return Err(crate::StoreError::Config(format!(
            "the database is at schema version {newest}, newer than this binary's {newest_known}"
        )));
    }
    let mut plan = Plan {
        record: Vec::new(),
        apply: Vec::new(),
    };
    for migration in migrations {
        match applied
            .iter()
            .find(|(version, _)| *version == migration.version)
        {
            None => plan.apply.push(migration),
            Some((_, None)) => plan.record.push(migration),
            Some((_, Some(recorded))) => {
                let embedded = checksum(migration.sql);
                if *recorded != embedded {
                    return Err(crate::StoreError::Config(format!(
                        "migration {} ({}) was changed after it was applied to this database: \
                         its recorded checksum is {recorded}, this binary's is {embedded}; \
                         migrations are append-only, so run the binary that applied it or \
                         restore the database",
                        migration.version, migration.description
                    )));
                }
            }
        }
    }
    Ok(plan)
}

/// Generates `run_migrations(pool)` for one backend: the logic is the same,
/// the pool type, the lock and the column query differ. Everything happens
/// in one transaction (both backends have transactional DDL), so a refused
/// or failed start leaves the database as it found it.
///
/// With `keys_off`, foreign keys are not enforced while the migrations run
/// and are checked, all of them, before the commit: SQLite changes a
/// table's constraints only by building the table anew, and dropping the
/// old one would otherwise cascade to every row that refers to it (SQLite's
/// own procedure for "other kinds of table schema changes"). The pragma is
/// a no-op inside a transaction, so it is set on the connection around it.
macro_rules! migrator {
    ($db:ty, $migrations:expr, $lock:expr, $has_checksum:expr, $keys_off:expr) => {
        pub(crate) async fn run_migrations(pool: &sqlx::Pool<$db>) -> crate::Result<()> {
            let mut conn = pool.acquire().await?;
            if $keys_off {
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
            }
            let outcome = migrate_on(&mut conn).await;
            if $keys_off
                && sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await
                    .is_err()
            {
                // Back to the pool with its keys enforced, or not at all.
                conn.detach();
            }
            outcome
        }

        async fn migrate_on(conn: &mut sqlx::pool::PoolConnection<$db>) -> crate::Result<()> {
            use crate::migrate::{CREATE_TABLE, checksum, plan};
            use sqlx::Connection as _;
            let mut tx = conn.begin().await?;
            if let Some(lock) = $lock {
                // Several nodes starting at once migrate one at a time.
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            sqlx::query(CREATE_TABLE).execute(&mut *tx).await?;
            let has_checksum: i64 = sqlx::query_scalar($has_checksum)
                .fetch_one(&mut *tx)
                .await?;
            if has_checksum == 0 {
                sqlx::query("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT")
                    .execute(&mut *tx)
                    .await?;
            }
            let applied: Vec<(i64, Option<String>)> =
                sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
                    .fetch_all(&mut *tx)
                    .await?;
            let plan = plan($migrations, &applied)?;
            for migration in plan.record {
                sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = $2")
                    .bind(checksum(migration.sql))
                    .bind(migration.version)
                    .execute(&mut *tx)
                    .await?;
            }
            for migration in plan.apply {
                tracing::info!(
                    version = migration.version,
                    "applying migration: {}",
                    migration.description
                );
                sqlx::raw_sql(migration.sql).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO schema_migrations (version, description, applied_at, checksum) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(migration.version)
                .bind(migration.description)
                .bind(chrono::Utc::now().to_rfc3339())
                .bind(checksum(migration.sql))
                .execute(&mut *tx)
                .await?;
            }
            if $keys_off {
                let broken = sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut *tx)
                    .await?;
                if !broken.is_empty() {
                    return Err(crate::StoreError::Config(format!(
                        "the migrations would leave {} rows referring to rows that do not exist; \
                         nothing was changed",
                        broken.len()
                    )));
                }
            }
            tx.commit().await?;
            Ok(())
        }
    };
}
pub(crate) use migrator;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one_on_both_backends() {
        for migrations in [SQLITE, POSTGRES] {
            let versions: Vec<i64> = migrations.iter().map(|m| m.version).collect();
            let expected: Vec<i64> = (1..=migrations.len() as i64).collect();
            assert_eq!(versions, expected);
        }
        assert_eq!(SQLITE.len(), POSTGRES.len());
    }

    #[test]
    fn the_checksum_is_the_sha256_of_the_sql() {
        // SHA-256 of the empty string and of "abc" (FIPS 180-2's example).
        assert_eq!(
            checksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            checksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_fresh_database_applies_everything() {
        let plan = plan(SQLITE, &[]).unwrap();
        assert!(plan.record.is_empty());
        assert_eq!(plan.apply.len(), SQLITE.len());
    }

    #[test]
    fn applied_migrations_without_a_checksum_get_one_recorded() {
        let applied = [(1, None), (2, Some(checksum(SQLITE[1].sql)))];
        let plan = plan(SQLITE, &applied).unwrap();
        let recorded: Vec<i64> = plan.record.iter().map(|m| m.version).collect();
        let applying: Vec<i64> = plan.apply.iter().map(|m| m.version).collect();
        assert_eq!(recorded, [1]);
        assert_eq!(applying, (3..=SQLITE.len() as i64).collect::<Vec<_>>());
    }

    #[test]
    fn an_edited_migration_is_refused_by_its_version() {
        let mut applied: Vec<(i64, Option<String>)> = SQLITE
            .iter()
            .map(|m| (m.version, Some(checksum(m.sql))))
            .collect();
        applied[2].1 = Some(checksum("DROP TABLE tasks"));
        let error = plan(SQLITE, &applied).unwrap_err().to_string();
        assert!(
            error.contains("migration 3 (working calendars of projects) was changed"),
            "{error}"
        );
    }

    #[test]
    fn a_newer_database_is_refused() {
        let error = plan(SQLITE, &[(1, None), (999, None)])
            .unwrap_err()
            .to_string();
        assert!(error.contains("schema version 999"), "{error}");
    }
}
