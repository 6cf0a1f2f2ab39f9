//! Recurring tasks: a rule tried before saving (its dates from a day, on
//! a project's working days when asked), a task made to repeat, its
//! series ended, and the occurrences fixed schedules owe (the job's).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures_util::StreamExt;
use tandem_domain::calendar::WorkWeek;
use tandem_domain::recurrence::{Landing, Recurrence, Rule, Series};
use tandem_domain::{Email, FieldError, Id, NewTask, Task, Validation};
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

/// The most series one transaction of [`generate`] makes occurrences
/// for.
pub const GENERATE_BATCH: usize = 500;

/// Makes every occurrence the series on a fixed schedule owe by `today`,
/// of every workspace: the background job's one pass, and the catch-up
/// after a server was down. Each date once however many nodes run it.
/// The keys of the tasks made.
pub async fn generate(store: &dyn Store, today: NaiveDate) -> Result<Vec<String>> {
    // Batches of different projects side by side where the database runs
    // writes at once: the job's day is the server's work on its rows and
    // indexes, a core's worth for each batch.
    let ways = store.parallel_writes();
    let mut made = Vec::new();
    let mut fresh_at = 0;
    loop {
        let owing = store
            .recurrences_owing(today, GENERATE_BATCH * ways * ROUND)
            .await?;
        if owing.is_empty() {
            return finished(store, made, fresh_at).await;
        }
        let before = made.len();
        let mut batches = futures_util::stream::iter(batches_by_project(owing))
            .map(|ids| make_batch(store, ids, today))
            .buffer_unordered(ways);
        while let Some(keys) = batches.next().await {
            made.extend(keys);
            // Thousands of tasks at once (a first day, a catch-up) leave
            // the planner's picture of the tables behind: PostgreSQL then
            // checks each date's task by reading the whole table, until
            // statistics catch up (autovacuum may be off; the periodic
            // refresh is minutes away). Refreshed as the pass goes, the
            // other batches still running, only for the tables that
            // outgrew theirs: analysing each that changed by a tenth cost
            // a fifth of a day's pass (100 ms a table of 30,000 rows) and
            // changed no plan.
            if made.len() >= fresh_at + REFRESH_AFTER {
                store
                    .refresh_statistics(tandem_store::Staleness::Outgrown)
                    .await?;
                fresh_at = made.len();
            }
        }
        // A pass that made nothing (another node made them, or what was
        // owed has ended) ends here, however many it read.
        if made.len() == before {
            return finished(store, made, fresh_at).await;
        }
    }
}

/// The series owing, in batches of at most [`GENERATE_BATCH`] with each
/// project's series together: a batch holds its projects' locks until it
/// commits, so batches side by side then hold different ones instead of
/// queueing behind each other.
fn batches_by_project(owing: Vec<(Id, Option<Id>)>) -> Vec<Vec<Id>> {
    let mut by_project: BTreeMap<Option<Id>, Vec<Id>> = BTreeMap::new();
    for (id, project) in owing {
        by_project.entry(project).or_default().push(id);
    }
    let mut batches = Vec::new();
    let mut batch: Vec<Id> = Vec::new();
    for ids in by_project.into_values() {
        for chunk in ids.chunks(GENERATE_BATCH) {
            if batch.len() + chunk.len() > GENERATE_BATCH {
                batches.push(std::mem::take(&mut batch));
            }
            batch.extend_from_slice(chunk);
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// One transaction's occurrences; the keys made.
async fn make_batch(store: &dyn Store, ids: Vec<Id>, today: NaiveDate) -> Vec<String> {
    match store.make_occurrences(&ids, today).await {
        Ok(keys) => keys,
        // One series that cannot be made (its maker's access gone, a row
        // deleted meanwhile) must not hold up the others: each alone, and
        // those that fail are left for the next pass.
        Err(_) => {
            let mut keys = Vec::new();
            for id in ids {
                if let Ok(made) = store.make_occurrences(&[id], today).await {
                    keys.extend(made);
                }
            }
            keys
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

/// Batches read for each of the ways a pass runs at once: the last batch
/// of a read leaves the others' cores idle until it commits.
const ROUND: usize = 4;

/// Occurrences made after which the planner's statistics are refreshed.
const REFRESH_AFTER: usize = 1_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_each_projects_series_together_and_stay_small() {
        // Projects of 300, 300, 150 and 1,200 series, and 10 personal ones,
        // owed in turn as the job reads them.
        let sizes = [
            (Some(1), 300),
            (Some(2), 300),
            (Some(3), 150),
            (Some(4), 1200),
            (None, 10),
        ];
        let mut owing = Vec::new();
        let mut next = 0;
        for round in 0..1200 {
            for (project, size) in sizes {
                if round < size {
                    next += 1;
                    owing.push((next, project));
                }
            }
        }
        let project_of: BTreeMap<Id, Option<Id>> = owing.iter().copied().collect();
        let batches = batches_by_project(owing.clone());
        let mut all: Vec<Id> = batches.concat();
        all.sort_unstable();
        assert_eq!(all, (1..=next).collect::<Vec<_>>(), "each series once");
        assert!(
            batches
                .iter()
                .all(|b| !b.is_empty() && b.len() <= GENERATE_BATCH)
        );
        // A project smaller than a batch is in one batch; a larger one
        // fills batches of its own but for its last.
        let batches_of = |project: Option<Id>| {
            batches
                .iter()
                .filter(|b| b.iter().any(|id| project_of[id] == project))
                .count()
        };
        assert_eq!(batches_of(Some(1)), 1);
        assert_eq!(batches_of(Some(2)), 1);
        assert_eq!(batches_of(Some(3)), 1);
        assert_eq!(batches_of(Some(4)), 3);
        assert_eq!(batches_of(None), 1);
        assert_eq!(
            batches.len(),
            5,
            "{:?}",
            batches.iter().map(Vec::len).collect::<Vec<_>>()
        );
    }
}
