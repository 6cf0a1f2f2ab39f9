//! Reports over a period: burn-up and burn-down (scope and done, by count
//! and by effort), throughput per week, and the distribution of cycle
//! times (in progress → done), computed from each task's dates.
//!
//! Not here: which tasks a report covers (a project's, a portfolio's, a
//! person's, of those the reader may open: the use cases'), or where a
//! task's dates come from (the store: created and completed are kept on
//! the task, started is the first time its history shows it in
//! progress).

use chrono::{Datelike, Days, NaiveDate};

/// What a report needs of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTask {
    pub created: NaiveDate,
    /// When it first went in progress, if it ever did.
    pub started: Option<NaiveDate>,
    /// When it was done; `None` while open (or when cancelled).
    pub done: Option<NaiveDate>,
    /// Cancelled tasks leave the scope from the day they were closed.
    pub cancelled: Option<NaiveDate>,
    /// Its effort in hours, as a project's roll-up weighs it.
    pub hours: f64,
}

/// One week of a report, Monday to Sunday, as it stood at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Tasks in scope at the week's end: created by then, not cancelled.
    pub scope_tasks: usize,
    pub done_tasks: usize,
    pub scope_hours: f64,
    pub done_hours: f64,
    /// Tasks done within the week.
    pub throughput: usize,
}

impl Week {
    pub fn remaining_tasks(&self) -> usize {
        self.scope_tasks.saturating_sub(self.done_tasks)
    }

    pub fn remaining_hours(&self) -> f64 {
        (self.scope_hours - self.done_hours).max(0.0)
    }
}

/// How long tasks done in the period took from in progress to done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CycleTimes {
    /// Calendar days of each, shortest first.
    pub days: Vec<i64>,
    /// Tasks done in the period that never showed as in progress.
    pub never_started: usize,
}

/// The cycle-time buckets a histogram shows: label and the days it
/// holds, both ends included (`None`: no upper end).
pub const CYCLE_BUCKETS: &[(&str, i64, Option<i64>)] = &[
    ("same day", 0, Some(0)),
    ("1–2 days", 1, Some(2)),
    ("3–5 days", 3, Some(5)),
    ("6–10 days", 6, Some(10)),
    ("11–20 days", 11, Some(20)),
    ("21+ days", 21, None),
];

impl CycleTimes {
    /// How many fall in each of [`CYCLE_BUCKETS`].
    pub fn histogram(&self) -> Vec<usize> {
        CYCLE_BUCKETS
            .iter()
            .map(|(_, low, high)| {
                self.days
                    .iter()
                    .filter(|d| **d >= *low && high.is_none_or(|h| **d <= h))
                    .count()
            })
            .collect()
    }

    /// The `p`th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: f64) -> Option<i64> {
        if self.days.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * self.days.len() as f64).ceil() as usize;
        Some(self.days[rank.clamp(1, self.days.len()) - 1])
    }
}

/// The Monday of `day`'s week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Days::new(day.weekday().num_days_from_monday() as u64)
}

/// The report's weeks: each whole week from the one holding `from` to the
/// one holding `to`.
pub fn weeks(tasks: &[ReportTask], from: NaiveDate, to: NaiveDate) -> Vec<Week> {
    let mut out = Vec::new();
    let mut start = week_start(from);
    while start <= to {
        let end = start + Days::new(6);
        let in_scope = |t: &&ReportTask| t.created <= end && t.cancelled.is_none_or(|c| c > end);
        let done_by = |t: &&&ReportTask| t.done.is_some_and(|d| d <= end);
        let scope: Vec<&ReportTask> = tasks.iter().filter(in_scope).collect();
        out.push(Week {
            start,
            end,
            scope_tasks: scope.len(),
            done_tasks: scope.iter().filter(done_by).count(),
            // An empty sum of floats is -0.0; adding 0.0 makes it 0.0.
            scope_hours: scope.iter().map(|t| t.hours).sum::<f64>() + 0.0,
            done_hours: scope.iter().filter(done_by).map(|t| t.hours).sum::<f64>() + 0.0,
            throughput: tasks
                .iter()
                .filter(|t| t.done.is_some_and(|d| d >= start && d <= end))
                .count(),
        });
        start = start + Days::new(7);
    }
    out
}

/// Cycle times of the tasks done from `from` to `to`.
pub fn cycle_times(tasks: &[ReportTask], from: NaiveDate, to: NaiveDate) -> CycleTimes {
    let mut times = CycleTimes::default();
    for t in tasks {
        let Some(done) = t.done.filter(|d| *d >= from && *d <= to) else {
            continue;
        };
        match t.started {
            Some(started) => times.days.push((done - started).num_days().max(0)),
            None => times.never_started += 1,
        }
    }
    times.days.sort_unstable();
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn task(created: &str, started: Option<&str>, done: Option<&str>, hours: f64) -> ReportTask {
        ReportTask {
            created: d(created),
            started: started.map(d),
            done: done.map(d),
            cancelled: None,
            hours,
        }
    }

    #[test]
    fn weeks_count_scope_and_done_as_they_stood_at_each_end() {
        let mut cancelled = task("2027-01-04", None, None, 8.0);
        cancelled.cancelled = Some(d("2027-01-13"));
        let tasks = vec![
            task("2027-01-04", Some("2027-01-05"), Some("2027-01-06"), 8.0),
            task("2027-01-05", Some("2027-01-06"), Some("2027-01-14"), 16.0),
            task("2027-01-12", None, None, 4.0),
            cancelled,
        ];
        // 2027-01-06 is a Wednesday: its week runs from Monday the 4th.
        let w = weeks(&tasks, d("2027-01-06"), d("2027-01-17"));
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].start, w[0].end), (d("2027-01-04"), d("2027-01-10")));
        assert_eq!(
            (w[0].scope_tasks, w[0].done_tasks, w[0].throughput),
            (3, 1, 1)
        );
        assert_eq!((w[0].scope_hours, w[0].done_hours), (32.0, 8.0));
        // The second week: one more created, one cancelled, one done.
        assert_eq!(
            (w[1].scope_tasks, w[1].done_tasks, w[1].throughput),
            (3, 2, 1)
        );
        assert_eq!(w[1].remaining_tasks(), 1);
        assert_eq!(w[1].remaining_hours(), 4.0);
    }

    #[test]
    fn cycle_times_run_from_in_progress_to_done() {
        let tasks = vec![
            task("2027-01-01", Some("2027-01-04"), Some("2027-01-04"), 1.0),
            task("2027-01-01", Some("2027-01-04"), Some("2027-01-08"), 1.0),
            task("2027-01-01", Some("2027-01-01"), Some("2027-01-29"), 1.0),
            task("2027-01-01", None, Some("2027-01-05"), 1.0),
            // Done before the period: not counted.
            task("2026-12-01", Some("2026-12-01"), Some("2026-12-02"), 1.0),
        ];
        let c = cycle_times(&tasks, d("2027-01-01"), d("2027-01-31"));
        assert_eq!(c.days, vec![0, 4, 28]);
        assert_eq!(c.never_started, 1);
        assert_eq!(c.histogram(), vec![1, 0, 1, 0, 0, 1]);
        assert_eq!(c.percentile(50.0), Some(4));
        assert_eq!(c.percentile(85.0), Some(28));
        assert_eq!(CycleTimes::default().percentile(50.0), None);
    }
}
