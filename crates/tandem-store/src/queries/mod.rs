//! The SQL both backends share, as plain Rust. The statements are written
//! once, in the dialect SQLite and PostgreSQL have in common (`$N`
//! parameters, `RETURNING`, ISO dates); this module is compiled twice, as
//! `sqlite::queries` and `postgres::queries` (each declares it with
//! `#[path]`), and reads its backend's sqlx database, store type and
//! dialect from the parent's `backend` module. So `Db`, `Tx` and `Store`
//! are concrete types here, not generics, and rustfmt and the IDE see every
//! line.
//!
//! One file per feature, as the store traits are: each holds that
//! feature's queries and its trait's `impl` for `Store`. The plain parts
//! (SELECT lists, row mappers, history snapshots) live in `crate::sql`,
//! compiled once. This file holds what every write uses: locks, the
//! history row and its event, and member lookups.
//!
//! Not here: which backend does what differently (the backends' own files
//! and their associated consts), or the migrations (`migrate.rs`).

mod accounts;
mod approvals;
mod attachments;
mod board;
mod comments;
mod created_tasks;
mod dependencies;
mod events;
mod goals;
mod health;
mod history;
mod imports;
mod levels;
mod lint;
mod notifications;
mod occurrences;
mod plans;
mod portfolios;
mod projects;
mod recurrences;
mod risks;
mod rollups;
mod rules;
mod scenarios;
mod schedule_save;
mod search;
mod signals;
mod stakeholders;
mod status_updates;
mod task_insert;
mod task_list;
mod task_refs;
mod tasks;
mod templates;
mod views;
mod webhooks;
mod workspaces;

// Each backend reads through a different few of these.
#[allow(unused_imports)]
pub(crate) use dependencies::{LinkRow, links_from};
#[allow(unused_imports)]
pub(crate) use events::{EVENT_WITH, events_after};
#[allow(unused_imports)]
pub(crate) use plans::{sqlx_plan_task_rows, sqlx_schedule_rows};
#[allow(unused_imports)]
pub(crate) use task_list::{sqlx_task_page_rows, task_select};

use approvals::latest_milestone_approval;
use board::*;
use created_tasks::*;
use dependencies::{
    cycle_keys, delete_dependency_tx, insert_dependency_tx, order_after, refuse_summary_link,
};
use events::*;
use projects::*;
use rollups::*;
use task_insert::*;
use task_list::*;
use task_refs::*;
use tasks::*;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::{QueryBuilder, Row};
use tandem_domain::activity::{self, FieldChange};
use tandem_domain::calendar::{CalendarException, ExceptionFields};
use tandem_domain::graph::{Order, Point, cycle_through, cycle_under};
use tandem_domain::planning::PlanTask;
use tandem_domain::rollup::RollupSums;
use tandem_domain::*;

use crate::sql::*;
use crate::*;

/// A read or write transaction of this backend (see its `write_tx`).
pub(super) use super::backend::Tx;
use super::backend::{
    DELAY_ROWS, Db, DbStore, LAST_EVENT_ID, NAME, ORDER_REACH, RANK_ENTRIES, RANK_TASKS,
    SERIES_DATES_SINCE_LAST, TAG_AGGREGATE, TEXT_MATCH, WORD_FORMS, WORD_PLAN, opening,
    rows_column,
};

pub(super) static TASK_SELECT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| TASK_SELECT_TEMPLATE.replace("{TAG_AGGREGATE}", TAG_AGGREGATE));

impl SqlSink for QueryBuilder<'_, Db> {
    fn sql(&mut self, text: &str) {
        self.push(text);
    }
    fn int(&mut self, value: i64) {
        self.push_bind(value);
    }
    fn text(&mut self, value: String) {
        self.push_bind(value);
    }
    fn date(&mut self, value: chrono::NaiveDate) {
        self.push_bind(value);
    }
}

/// ` IN (...)` of the ids bound, after a column; where rows go in as
/// parameters that hold them all (`JSON_ROWS`), ` = ANY(...)` of one array
/// instead: the recurring job's 500 ids were 500 parameters to bind (a
/// millisecond for its template tasks' read), and the statement's text,
/// so its plan, changed with the list's length. Callers skip empty lists.
pub(super) fn push_ids(qb: &mut QueryBuilder<'_, Db>, ids: impl IntoIterator<Item = Id>) {
    if DbStore::JSON_ROWS {
        qb.push(" = ANY(");
        qb.push_bind(rows_column(ids.into_iter().collect::<Vec<Id>>()));
        qb.push(")");
        return;
    }
    qb.push(" IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    qb.push(")");
}

/// Rows of (holder, item) as each holder's items, in the rows' order: what
/// a portfolio or a goal holds, read for the whole workspace at once.
pub(super) fn grouped(rows: Vec<(i64, i64)>) -> HashMap<Id, Vec<Id>> {
    let mut by: HashMap<Id, Vec<Id>> = HashMap::new();
    for (holder, item) in rows {
        by.entry(holder).or_default().push(item);
    }
    by
}

/// Sets how the rest of this transaction is planned, where the backend
/// says (`WORD_PLAN`, `QUEUE_PLAN`, `JOB_PLAN`: `set_config(…, TRUE)`
/// lasts until it ends).
pub(super) async fn plan_tx(tx: &mut Tx, plan: Option<&str>) -> Result<()> {
    if let Some(plan) = plan {
        sqlx::query(plan).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Takes the project's write lock (see the backends'
/// `PROJECT_LOCK`); `true` when one was taken, so what was
/// read before must be read again.
pub(super) async fn lock_project_tx(tx: &mut Tx, project_id: Id) -> Result<bool> {
    let Some(lock) = DbStore::PROJECT_LOCK else {
        return Ok(false);
    };
    sqlx::query(lock)
        .bind(project_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(true)
}

/// The task a key names, read after taking its project's lock
/// (or its own, for a personal task): what it is now, which no
/// other writer changes before this transaction ends.
pub(super) async fn locked_task_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Task> {
    let task = fetch_task_tx(&mut *tx, scope, key).await?;
    let locked = match &task.project {
        Some(project) => lock_project_tx(&mut *tx, project.id).await?,
        None => match DbStore::TASK_LOCK {
            Some(lock) => {
                sqlx::query(lock)
                    .bind(task.id)
                    .fetch_optional(&mut **tx)
                    .await?;
                true
            }
            None => false,
        },
    };
    if locked {
        fetch_task_tx(&mut *tx, scope, key).await
    } else {
        Ok(task)
    }
}

// One row of history has this many independent parts; a struct
// would only be built to be taken apart again.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record(
    tx: &mut Tx,
    scope: Scope,
    project_id: Option<Id>,
    kind: EntityKind,
    entity_id: Id,
    label: &str,
    action: &str,
    changes: &[FieldChange],
) -> Result<()> {
    let mut batch = Batch::default();
    record_in(
        &mut batch, scope, project_id, kind, entity_id, label, action, changes,
    );
    batch.run(tx).await
}

/// Who a write is by: user 0 is Tandem itself (a judgement of health),
/// which is nobody's.
fn actor_of(scope: Scope) -> Option<Id> {
    (scope.user_id != 0).then_some(scope.user_id)
}

/// [`record`] as statements of a batch the write runs with its others.
#[allow(clippy::too_many_arguments)]
pub(super) fn record_in(
    batch: &mut Batch,
    scope: Scope,
    project_id: Option<Id>,
    kind: EntityKind,
    entity_id: Id,
    label: &str,
    action: &str,
    changes: &[FieldChange],
) {
    // Titles stay out of events: tasks, projects and
    // workspaces go by key, everything else by number.
    let key = match kind {
        EntityKind::Task | EntityKind::Project | EntityKind::Workspace => label.to_string(),
        _ => entity_id.to_string(),
    };
    emit(
        batch,
        scope.workspace_id,
        project_id,
        kind.as_str(),
        action,
        &key,
        actor_of(scope),
        // What a creation or a deletion "changed" is everything; only an
        // update's fields tell which.
        &if matches!(action, "updated" | "reached" | "health changed") {
            changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>()
        } else {
            Vec::new()
        },
        Some(HistoryRow {
            entity_id,
            label: label.to_string(),
            changes: changes_json(changes),
            // A creation lists the fields given: an owner, or nobody.
            news: kind != EntityKind::Task
                || action != "created"
                || changes.iter().any(|c| c.field == "owner"),
        }),
    );
}

/// Statements of one write that return nothing it reads, sent together:
/// as one command where the backend runs several statements in one
/// ([`DbStore::ONE_COMMAND_BATCHES`], SQLite), so a write's history,
/// event and roll-ups cost one round trip to the connection's thread
/// instead of one each; one by one where it does not (PostgreSQL's
/// extended protocol takes one statement per message).
///
/// Each statement numbers its parameters from `$1`, as a lone statement
/// would; joined, they are renumbered after the ones before. A `$` that
/// is not a parameter (in a string literal) is not supported.
#[derive(Default)]
pub(super) struct Batch {
    commands: Vec<Command>,
    /// Projects whose plan version this write has moved on: the write's
    /// later events keep that version (`emit`).
    versioned: Vec<Id>,
    /// What the write's tasks contribute to the roll-ups, added up and
    /// written when the batch runs: a write of many tasks changes each
    /// roll-up row once, not once a task (PostgreSQL walks every version
    /// of a row its own transaction updated to find the live one).
    rollups: RollupDelta,
}

/// Statements sent as one command: their text, their parameters, and how
/// many they are.
struct Command {
    text: String,
    args: <Db as sqlx::Database>::Arguments<'static>,
    statements: usize,
}

impl Command {
    /// Whether the connection keeps the command prepared. A short write's
    /// command (a create's joins about ten statements) has the same text
    /// every time, and preparing it again would cost more than running it;
    /// a bulk write's roll-ups join one statement per row they change, a
    /// text seen once whose thousands of prepared statements would stay in
    /// the connection's cache (700 MB while a million tasks were imported,
    /// until this).
    fn kept_prepared(&self) -> bool {
        self.statements <= 32
    }
}

impl Batch {
    /// Adds a statement; its parameters follow with [`Self::bind`].
    pub(super) fn push(&mut self, sql: &str) -> &mut Self {
        match self.commands.last_mut() {
            Some(command) if DbStore::ONE_COMMAND_BATCHES => {
                command.text.push_str(";\n");
                let offset = sqlx::Arguments::len(&command.args);
                push_renumbered(&mut command.text, sql, offset);
                command.statements += 1;
            }
            _ => self.commands.push(Command {
                text: sql.to_string(),
                args: Default::default(),
                statements: 1,
            }),
        }
        self
    }

    /// The next parameter of the statement pushed last.
    pub(super) fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Send + sqlx::Encode<'static, Db> + sqlx::Type<Db>,
    {
        let args = &mut self.last().args;
        // Encoding an owned value into the backend's own buffer cannot
        // fail for the types bound here; an error would be a bug.
        sqlx::Arguments::add(args, value).expect("a parameter this backend encodes");
        self
    }

    /// Runs the statements in order, in the write's transaction, the
    /// roll-ups last.
    pub(super) async fn run(mut self, tx: &mut Tx) -> Result<()> {
        self.push_rollups();
        self.flush(tx).await
    }

    /// The roll-up rows the write's tasks change, as statements.
    fn push_rollups(&mut self) {
        let rollups = std::mem::take(&mut self.rollups);
        rollups.write(self);
    }

    /// Runs the statements pushed so far, for a write of many tasks whose
    /// later ones read what the earlier ones wrote; the plan versions it
    /// moved on and its roll-ups stay for the rest of the write.
    pub(super) async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        for command in std::mem::take(&mut self.commands) {
            let persistent = command.kept_prepared();
            sqlx::query_with(&command.text, command.args)
                .persistent(persistent)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Adds the query [`Self::run_fetching`] answers with, after the
    /// roll-ups: on SQLite the whole write then goes as one command.
    pub(super) fn push_query(&mut self, sql: &str) -> &mut Self {
        self.push_rollups();
        self.push(sql)
    }

    /// Runs the statements in order, the last of them a query (pushed with
    /// [`Self::push_query`], written through [`SqlSink`]) whose first row
    /// this returns: what a write reads back once its changes are made.
    pub(super) async fn run_fetching(
        mut self,
        tx: &mut Tx,
    ) -> Result<Option<<Db as sqlx::Database>::Row>> {
        let Some(query) = self.commands.pop() else {
            return Ok(None);
        };
        self.run(&mut *tx).await?;
        let persistent = query.kept_prepared();
        Ok(sqlx::query_with(&query.text, query.args)
            .persistent(persistent)
            .fetch_optional(&mut **tx)
            .await?)
    }

    fn last(&mut self) -> &mut Command {
        self.commands
            .last_mut()
            .expect("a statement is pushed before its parameters")
    }

    fn placeholder<T>(&mut self, value: T)
    where
        T: 'static + Send + sqlx::Encode<'static, Db> + sqlx::Type<Db>,
    {
        self.bind(value);
        let command = self.last();
        command.text.push('$');
        command
            .text
            .push_str(&sqlx::Arguments::len(&command.args).to_string());
    }
}

/// The rest of the statement pushed last, clause by clause.
impl SqlSink for Batch {
    fn sql(&mut self, text: &str) {
        self.last().text.push_str(text);
    }
    fn int(&mut self, value: i64) {
        self.placeholder(value);
    }
    fn text(&mut self, value: String) {
        self.placeholder(value);
    }
    fn date(&mut self, value: chrono::NaiveDate) {
        self.placeholder(value);
    }
}

/// Appends `sql` to `text` with each `$N` moved up by `offset`.
fn push_renumbered(text: &mut String, sql: &str, offset: usize) {
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => text.push_str(&(n + offset).to_string()),
            Err(_) => text.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    text.push_str(rest);
}

/// Rows one write must change for its tables' statistics to be refreshed
/// right after it (smaller ones wait for `Store::refresh_statistics`).
pub(super) const BULK_ROWS: usize = 1000;

/// What a bulk write of tasks (an import, a large batch of edits) changes.
pub(super) const TASK_TABLES: &str = "tasks, task_tags, task_collaborators, dependencies, \
    activity, events, event_deliveries, rollup_cells, project_open_due";

/// Refreshes the statistics of these tables after a bulk write changed
/// them (PostgreSQL; outside its transaction, which `ANALYZE` needs to
/// see).
pub(super) async fn analyze_after_bulk(store: &DbStore, tables: &str) -> Result<()> {
    if DbStore::ANALYZES {
        sqlx::query(&format!("ANALYZE {tables}"))
            .execute(store.writer())
            .await?;
    }
    Ok(())
}

/// A task still to do, neither done nor cancelled (`TaskStatus::is_closed`),
/// as a condition on its `status`: prefixed with a table's alias where
/// the query has several.
pub(super) const OPEN_TASK: &str = "status NOT IN ('done', 'cancelled')";

/// The id of the member of the caller's workspace whose email this is.
pub(super) fn push_member_by_email(qb: &mut QueryBuilder<'_, Db>, scope: Scope, email: &Email) {
    qb.push("SELECT u.id FROM users u JOIN members m ON m.user_id = u.id AND m.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    qb.push(" WHERE u.email = ");
    qb.push_bind(email.as_str().to_string());
}

/// The member of this workspace with this email, or a field error.
pub(super) async fn member_id(tx: &mut Tx, scope: Scope, email: &Email, field: &str) -> Result<Id> {
    let mut qb = QueryBuilder::<Db>::new("");
    push_member_by_email(&mut qb, scope, email);
    let id: Option<i64> = qb.build_query_scalar().fetch_optional(&mut **tx).await?;
    id.ok_or_else(|| not_a_member(email, field))
}

pub(super) fn not_a_member(email: &Email, field: &str) -> StoreError {
    StoreError::invalid(field, format!("{email} is not a member of this workspace"))
}

pub(super) async fn optional_member(
    tx: &mut Tx,
    scope: Scope,
    email: Option<&Email>,
    field: &str,
) -> Result<Option<Id>> {
    match email {
        Some(email) => Ok(Some(member_id(tx, scope, email, field).await?)),
        None => Ok(None),
    }
}

#[async_trait]
impl Store for DbStore {
    fn backend(&self) -> &'static str {
        NAME
    }

    fn pools(&self) -> Vec<crate::PoolStats> {
        self.pool_stats()
    }

    fn commits(&self) -> Option<crate::CommitCounts> {
        self.commit_counts()
    }

    async fn close(&self) {
        self.close_pools().await;
    }

    fn parallel_writes(&self) -> usize {
        if DbStore::CONCURRENT_WRITES {
            // One more than the cores: each batch leaves the server idle
            // while the job reads its rows and makes the next statement's,
            // and a third batch on two cores fills that (a day of 10,000
            // occurrences 0.85-0.88 s against 0.94-1.03 s with two).
            std::thread::available_parallelism().map_or(2, |n| n.get().min(8) + 1)
        } else {
            1
        }
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.reader()).await?;
        Ok(())
    }

    async fn refresh_statistics(&self, stale: crate::Staleness) -> Result<Vec<String>> {
        let Some(query) = DbStore::STALE_STATISTICS else {
            return Ok(Vec::new());
        };
        let (rows, share) = stale.threshold();
        let tables: Vec<(String, bool)> = sqlx::query_as(query)
            .bind(rows)
            .bind(share)
            .bind(stale.vacuums())
            .fetch_all(self.writer())
            .await?;
        for (table, vacuum) in &tables {
            // Names from the catalogue, quoted as identifiers.
            let table = table.replace('"', "\"\"");
            let command = if *vacuum {
                format!("VACUUM (ANALYZE) \"{table}\"")
            } else {
                format!("ANALYZE \"{table}\"")
            };
            sqlx::query(&command).execute(self.writer()).await?;
        }
        Ok(tables.into_iter().map(|(table, _)| table).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::push_renumbered;

    #[test]
    fn a_joined_statement_numbers_its_parameters_after_the_ones_before() {
        let mut text = String::from("UPDATE a SET x = $1 WHERE id = $2;\n");
        push_renumbered(
            &mut text,
            "INSERT INTO b (y, z) VALUES ($1, $2), ($10, $1)",
            2,
        );
        assert_eq!(
            text,
            "UPDATE a SET x = $1 WHERE id = $2;\nINSERT INTO b (y, z) VALUES ($3, $4), ($12, $3)"
        );
        let mut text = String::new();
        push_renumbered(&mut text, "SELECT $ || $x, $7", 0);
        assert_eq!(text, "SELECT $ || $x, $7", "offset 0 changes nothing");
    }
}
