//! Recurring tasks: a rule tried before saving (its dates from a day, on
//! a project's working days when asked), a task made to repeat, its
//! series ended, and the occurrences fixed schedules owe (the job's).

use chrono::NaiveDate;
use tandem_domain::calendar::WorkWeek;
use tandem_domain::recurrence::{Landing, Recurrence, Rule, Series};
use tandem_domain::{Email, FieldError, NewTask, Task, Validation};
use tandem_store::{Scope, Store};

use crate::{Error, Result, Writer};

/// What a preview asks: a rule as typed, from a day, how many dates, and
/// whose working days they land on (none: Monday to Friday).
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub rule: String,
    pub from: NaiveDate,
    pub count: usize,
    pub project: Option<String>,
    pub landing: Landing,
}

/// A rule understood: its `RRULE` value, in words, and its next dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub rule: Rule,
    pub dates: Vec<NaiveDate>,
}

/// The most dates a preview shows.
pub const MAX_PREVIEW: usize = 100;

/// The first `count` dates of the rule from `from`. A rule not understood
/// is refused naming `rule`, with what was not understood.
pub async fn preview(store: &dyn Store, scope: Scope, ask: &Ask) -> Result<Preview> {
    let mut v = Validation::new();
    let rule = v.take("rule", Rule::parse(&ask.rule));
    if !(1..=MAX_PREVIEW).contains(&ask.count) {
        v.push("count", format!("must be 1 to {MAX_PREVIEW}"));
    }
    let rule = v.finish(|| rule.expect("a rule when none was refused"))?;
    let calendar = match &ask.project {
        Some(key) => {
            let (project, access) = store.open_project(scope, key).await?;
            let exceptions = store.list_calendar_exceptions(access).await?;
            project.work_week.calendar(&exceptions)
        }
        None => WorkWeek::default().calendar(&[]),
    };
    let dates = rule.dates(
        ask.from,
        &[],
        ask.landing,
        |day| !calendar.periods(day).is_empty(),
        ask.count,
    );
    Ok(Preview { rule, dates })
}

/// Creates a task that repeats as `series` says, from its due date; a
/// personal task is the caller's, as [`crate::tasks::create`] makes it.
pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    mut task: NewTask,
    series: &Series,
) -> Result<(Task, Recurrence)> {
    if task.fields.due_date.is_none() {
        return Err(Error::Invalid(vec![FieldError::new(
            "due_date",
            "is required for a task that repeats: it is the first date",
        )]));
    }
    if task.project.is_none() && task.fields.owner.is_none() {
        task.fields.owner = Email::parse(&writer.user().email).ok();
    }
    Ok(store
        .create_recurring_task(writer.scope(), &task, series)
        .await?)
}

/// Makes the task `key` repeat from its due date, the task its first
/// occurrence.
pub async fn start(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    series: &Series,
) -> Result<Recurrence> {
    Ok(store.start_recurrence(writer.scope(), key, series).await?)
}

/// Changes the series of the task `key` for the occurrences still to
/// come: those made stay, the next follows the new rule.
pub async fn change(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    series: &Series,
) -> Result<Recurrence> {
    Ok(store.change_recurrence(writer.scope(), key, series).await?)
}

/// Ends the series of the task `key`: the occurrences made stay, no
/// other comes.
pub async fn stop(store: &dyn Store, writer: &Writer, key: &str) -> Result<Recurrence> {
    Ok(store.end_recurrence(writer.scope(), key).await?)
}

/// The most series one pass of [`generate`] reads.
pub const GENERATE_BATCH: usize = 500;

/// Makes every occurrence the series on a fixed schedule owe by `today`,
/// of every workspace: the background job's one pass, and the catch-up
/// after a server was down. Each date once however many nodes run it.
/// The keys of the tasks made.
pub async fn generate(store: &dyn Store, today: NaiveDate) -> Result<Vec<String>> {
    let mut made = Vec::new();
    let mut fresh_at = 0;
    loop {
        // Thousands of tasks at once (a first day, a catch-up) leave the
        // planner's picture of the tables behind: PostgreSQL then checks
        // each date's task by reading the whole table, until statistics
        // catch up (autovacuum may be off; the hourly refresh is an hour
        // away). Refreshed as the pass goes, only for the tables that
        // outgrew theirs: analysing each that changed by a tenth cost a
        // fifth of a day's pass (100 ms a table of 30,000 rows) and
        // changed no plan.
        if made.len() >= fresh_at + REFRESH_AFTER {
            store
                .refresh_statistics(tandem_store::Staleness::Outgrown)
                .await?;
            fresh_at = made.len();
        }
        let owing = store.recurrences_owing(today, GENERATE_BATCH).await?;
        if owing.is_empty() {
            return finished(store, made, fresh_at).await;
        }
        let before = made.len();
        // A transaction per hundred series: one sync for them all, and
        // other writes wait no more than a hundred series' work.
        for ids in owing.chunks(GENERATE_BATCH) {
            match store.make_occurrences(ids, today).await {
                Ok(keys) => made.extend(keys),
                // One series that cannot be made (its maker's access
                // gone, a row deleted meanwhile) must not hold up the
                // others: each alone, and those that fail are left for
                // the next pass.
                Err(_) => {
                    for id in ids {
                        if let Ok(keys) = store.make_occurrences(&[*id], today).await {
                            made.extend(keys);
                        }
                    }
                }
            }
        }
        // A pass that made nothing (another node made them, or what was
        // owed has ended) ends here, however many it read.
        if made.len() == before {
            return finished(store, made, fresh_at).await;
        }
    }
}

/// A pass that made many leaves the statistics fresh for the next.
async fn finished(store: &dyn Store, made: Vec<String>, fresh_at: usize) -> Result<Vec<String>> {
    if made.len() >= REFRESH_AFTER && made.len() > fresh_at {
        store
            .refresh_statistics(tandem_store::Staleness::Outgrown)
            .await?;
    }
    Ok(made)
}

/// Occurrences made after which the planner's statistics are refreshed.
const REFRESH_AFTER: usize = 1_000;
