//! The SQLite backend's reads through SQLite's own driver (rusqlite): the
//! task list's pages, a plan's tasks and links, and a stored schedule, each
//! many rows where sqlx's per-value copies were most of the request.
//!
//! Not here: anything that writes (everything writes through sqlx, in the
//! writer's commit group, `sqlite.rs`), or the SQL, written once in `sql/`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tandem_domain::{Id, UserRef};

use crate::sql::*;
use crate::{Result, StoreError};

/// Read-only connections of SQLite's own driver (rusqlite) for the task
/// list, the hottest read. sqlx copies every column value of every row
/// into its own allocation before handing it over; on a page of 100 tasks
/// that was most of the request (see docs/benchmarks.md). rusqlite reads
/// the columns in place on a blocking thread. Everything else goes through
/// sqlx like the PostgreSQL backend.
#[derive(Clone)]
pub(crate) struct ListReaders {
    pub(crate) path: PathBuf,
    pub(crate) idle: Arc<Mutex<Vec<rusqlite::Connection>>>,
}

const IDLE_LIST_READERS: usize = 8;

impl ListReaders {
    fn connection(&self) -> Result<rusqlite::Connection> {
        if let Some(connection) = self.idle.lock().map_err(|_| poisoned())?.pop() {
            return Ok(connection);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection =
            rusqlite::Connection::open_with_flags(&self.path, flags).map_err(driver)?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(driver)?;
        Ok(connection)
    }

    fn give_back(&self, connection: rusqlite::Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_LIST_READERS
        {
            idle.push(connection);
        }
    }

    /// Runs `read` on an idle connection, on a blocking thread: rusqlite
    /// waits on the file, which must not hold up the executor.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let lists = self.clone();
        tokio::task::spawn_blocking(move || {
            let connection = lists.connection()?;
            let result = read(&connection);
            lists.give_back(connection);
            result
        })
        .await
        .map_err(|e| StoreError::Config(format!("the list reader stopped: {e}")))?
    }
}

fn poisoned() -> StoreError {
    StoreError::Config("a list reader lock was poisoned".into())
}

pub(crate) fn driver(e: rusqlite::Error) -> StoreError {
    crate::sql::decode_error(format!("SQLite: {e}"))
}

fn params(sql: &SqlText) -> Vec<rusqlite::types::Value> {
    sql.params
        .iter()
        .map(|p| match p {
            SqlParam::Int(v) => rusqlite::types::Value::Integer(*v),
            SqlParam::Text(v) => rusqlite::types::Value::Text(v.clone()),
        })
        .collect()
}

/// sqlx stores dates as ISO text and times as RFC 3339.
fn date(text: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn time(text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
    })
    .transpose()
}

fn task_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: row.get(0)?,
        project_id: row.get(1)?,
        project_key: row.get(2)?,
        number: row.get(3)?,
        title: row.get(4)?,
        description: row.get(5)?,
        owner_id: row.get(6)?,
        owner_email: row.get(7)?,
        owner_name: row.get(8)?,
        status: row.get(9)?,
        priority: row.get(10)?,
        start_date: date(row.get(11)?)?,
        due_date: date(row.get(12)?)?,
        estimate_days: row.get(13)?,
        effort_hours: row.get(14)?,
        optimistic_days: row.get(15)?,
        likely_days: row.get(16)?,
        pessimistic_days: row.get(17)?,
        percent_complete: row.get(18)?,
        parent_id: row.get(19)?,
        parent_number: row.get(20)?,
        parent_title: row.get(21)?,
        phase_id: row.get(22)?,
        milestone_id: row.get(23)?,
        blocked_reason: row.get(24)?,
        created_by: row.get(25)?,
        creator_email: row.get(26)?,
        creator_name: row.get(27)?,
        version: row.get(28)?,
        created_at: time(row.get(29)?)?.unwrap_or_default(),
        updated_at: time(row.get(30)?)?.unwrap_or_default(),
        completed_at: time(row.get(31)?)?,
        tags: row.get(32)?,
        constraint_type: row.get(33)?,
        constraint_date: row.get(34)?,
        actual_start: row.get(35)?,
        actual_finish: row.get(36)?,
        scheduling: row.get(37)?,
        tied: row.get(38)?,
        levelling_delay: row.get(39)?,
    })
}

pub(crate) type PageRows = (Vec<TaskRow>, Vec<(Id, UserRef)>);

pub(crate) fn read_task_phases(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
) -> Result<Vec<(Id, Option<Id>)>> {
    let mut statement = connection
        .prepare_cached(crate::sql::TASK_PHASE_SELECT)
        .map_err(driver)?;
    statement
        .query_map(rusqlite::params![workspace_id, project_id], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?))
        })
        .map_err(driver)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(driver)
}

pub(crate) fn read_links(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
) -> Result<Vec<crate::Link>> {
    let mut statement = connection
        .prepare_cached(crate::sql::LINK_SELECT)
        .map_err(driver)?;
    let rows = statement
        .query_map(rusqlite::params![workspace_id, project_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, f64>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, i64>(6)?,
            ))
        })
        .map_err(driver)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(driver)?;
    rows.into_iter()
        .map(
            |(id, predecessor_id, successor_id, kind, lag_days, lag_format, version)| {
                Ok(crate::Link {
                    id,
                    predecessor_id,
                    successor_id,
                    kind: crate::sql::vocab(&kind)?,
                    lag_days,
                    lag_format: crate::sql::vocab(&lag_format)?,
                    version,
                })
            },
        )
        .collect()
}

/// What the plan reads of each task of a project, row by row into the
/// answer: no row is held beyond its own task.
pub(crate) fn read_plan_tasks(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
) -> Result<Vec<tandem_domain::planning::PlanTask>> {
    let mut statement = connection
        .prepare_cached(crate::sql::PLAN_TASK_SELECT)
        .map_err(driver)?;
    let mut rows = statement
        .query(rusqlite::params![workspace_id, project_id])
        .map_err(driver)?;
    let mut tasks = Vec::new();
    while let Some(row) = rows.next().map_err(driver)? {
        let columns = crate::sql::PlanTaskRow {
            id: row.get(0).map_err(driver)?,
            number: row.get(1).map_err(driver)?,
            status: row.get(2).map_err(driver)?,
            parent_id: row.get(3).map_err(driver)?,
            owner_id: row.get(4).map_err(driver)?,
            start_date: date(row.get(5).map_err(driver)?).map_err(driver)?,
            due_date: date(row.get(6).map_err(driver)?).map_err(driver)?,
            estimate_days: row.get(7).map_err(driver)?,
            effort_hours: row.get(8).map_err(driver)?,
            optimistic_days: row.get(9).map_err(driver)?,
            likely_days: row.get(10).map_err(driver)?,
            pessimistic_days: row.get(11).map_err(driver)?,
            percent_complete: row.get(12).map_err(driver)?,
            constraint_type: row.get(13).map_err(driver)?,
            constraint_date: row.get(14).map_err(driver)?,
            actual_start: row.get(15).map_err(driver)?,
            actual_finish: row.get(16).map_err(driver)?,
            phase_id: row.get(17).map_err(driver)?,
            milestone_id: row.get(18).map_err(driver)?,
            scheduling: row.get(20).map_err(driver)?,
            levelling_delay: row.get(21).map_err(driver)?,
            version: row.get(22).map_err(driver)?,
        };
        let key = row
            .get_ref(19)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(driver)?;
        tasks.push(columns.into_plan_task(key)?);
    }
    tasks.shrink_to_fit();
    Ok(tasks)
}

/// The stored schedule's header and rows, read in one transaction so they
/// agree, and the names of the rows' tasks.
pub(crate) fn read_schedule(
    connection: &rusqlite::Connection,
    workspace_id: Id,
    project_id: Id,
    after: Id,
    limit: Option<usize>,
) -> Result<Option<crate::NamedSchedule>> {
    use crate::sql::{
        SCHEDULE_HEAD_SELECT, ScheduleHeadColumns, TASK_SCHEDULE_SELECT, minute, row_limit,
        row_task_name,
    };
    let transaction = connection.unchecked_transaction().map_err(driver)?;
    let head = transaction
        .prepare_cached(SCHEDULE_HEAD_SELECT)
        .map_err(driver)?
        .query_row(rusqlite::params![project_id, workspace_id], |row| {
            Ok((
                ScheduleHeadColumns {
                    fingerprint: row.get(0)?,
                    computed_at: time(row.get(1)?)?.unwrap_or_default(),
                    start: row.get(2)?,
                    finish: row.get(3)?,
                    critical_path: row.get(4)?,
                    warnings: row.get(5)?,
                    plan_start: row.get(6)?,
                    late_from: row.get(7)?,
                },
                row.get::<_, String>(8)?,
            ))
        });
    let (head, key) = match head {
        Ok(head) => head,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
        Err(e) => return Err(driver(e)),
    };
    let mut schedule = head.parse()?;
    let mut names = Vec::new();
    let mut statement = transaction
        .prepare_cached(TASK_SCHEDULE_SELECT)
        .map_err(driver)?;
    let mut rows = statement
        .query(rusqlite::params![project_id, after, row_limit(limit)])
        .map_err(driver)?;
    while let Some(row) = rows.next().map_err(driver)? {
        let at = |column: usize| -> Result<chrono::NaiveDateTime> {
            minute(
                row.get_ref(column)
                    .and_then(|v| Ok(v.as_str()?))
                    .map_err(driver)?,
            )
        };
        let task_id: Id = row.get(0).map_err(driver)?;
        schedule.tasks.push(tandem_domain::TaskSchedule {
            task_id,
            early_start: at(1)?,
            early_finish: at(2)?,
            late_start: at(3)?,
            late_finish: at(4)?,
            total_slack: row.get(5).map_err(driver)?,
            free_slack: row.get(6).map_err(driver)?,
            critical: row.get(7).map_err(driver)?,
            summary: row.get(8).map_err(driver)?,
            milestone: row.get(9).map_err(driver)?,
            loose_digest: row.get(10).map_err(driver)?,
        });
        names.extend(row_task_name(
            &key,
            task_id,
            row.get(11).map_err(driver)?,
            row.get(12).map_err(driver)?,
            row.get(13).map_err(driver)?,
        ));
    }
    Ok(Some(crate::NamedSchedule { schedule, names }))
}

pub(crate) fn read_page(
    connection: &rusqlite::Connection,
    page: &SqlText,
) -> rusqlite::Result<PageRows> {
    let mut statement = connection.prepare_cached(&page.text)?;
    let rows = statement
        .query_map(rusqlite::params_from_iter(params(page)), task_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok((rows, Vec::new()));
    }
    let mut people = SqlText::default();
    push_collaborators(&mut people, rows.iter().map(|r| r.id));
    let mut statement = connection.prepare_cached(&people.text)?;
    let collaborators = statement
        .query_map(rusqlite::params_from_iter(params(&people)), |row| {
            Ok((
                row.get(0)?,
                UserRef {
                    id: row.get(1)?,
                    email: row.get(2)?,
                    name: row.get(3)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, collaborators))
}
