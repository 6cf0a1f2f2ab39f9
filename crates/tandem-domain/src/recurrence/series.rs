//! A recurring task's series: when its occurrences come, on a fixed
//! schedule or counted from the day the last one was done, each date once
//! whatever happened in between (a server down for a week, two nodes
//! generating at once: the store keeps one occurrence per date, and these
//! functions never ask for a date twice).
//!
//! Not here: the tasks an occurrence makes or re-opens, or the job that
//! asks (the store and the server's jobs).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{Landing, MAX_OCCURRENCES, Rule};

/// When a series' next occurrence comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// On the rule's dates, whether or not the last one was done.
    #[default]
    Schedule,
    /// The rule counted from the day the last one was done ("2 weeks
    /// after I finish it").
    AfterDone,
}

/// What a new occurrence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reuse {
    /// A task of its own, with its own history.
    #[default]
    NewTask,
    /// The same task, opened again with the new date.
    Reopen,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Schedule, Mode::AfterDone];
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Schedule => "schedule",
            Mode::AfterDone => "after_done",
        }
    }
    pub fn parse(text: &str) -> Result<Mode, String> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == text.trim().replace('-', "_"))
            .ok_or_else(|| format!("\"{text}\" is not one of schedule, after_done"))
    }
}

impl Reuse {
    pub const ALL: [Reuse; 2] = [Reuse::NewTask, Reuse::Reopen];
    pub fn as_str(self) -> &'static str {
        match self {
            Reuse::NewTask => "new_task",
            Reuse::Reopen => "reopen",
        }
    }
    pub fn parse(text: &str) -> Result<Reuse, String> {
        Reuse::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim().replace('-', "_"))
            .ok_or_else(|| format!("\"{text}\" is not one of new_task, reopen"))
    }
}

/// A series: its rule from its first date, how it recurs, and the dates
/// taken out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub rule: Rule,
    pub mode: Mode,
    pub reuse: Reuse,
    pub landing: Landing,
    /// The first occurrence's date: the rule's start.
    pub starts_on: NaiveDate,
    /// Dates with no occurrence (one deleted, or skipped by hand).
    pub except: Vec<NaiveDate>,
}

/// A series as kept: the task it began with is one of its occurrences.
#[derive(Debug, Clone, PartialEq)]
pub struct Recurrence {
    pub id: crate::Id,
    pub series: Series,
    /// Ended by hand, or by its rule: no occurrence after those made.
    pub ended: bool,
    /// The newest date it made an occurrence for.
    pub last_on: NaiveDate,
}

impl Series {
    /// Dates with no occurrence, as kept: ISO dates, comma-separated.
    pub fn except_text(&self) -> String {
        self.except
            .iter()
            .map(NaiveDate::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// [`Series::except_text`] read back; what is not a date is dropped.
    pub fn parse_except(text: &str) -> Vec<NaiveDate> {
        text.split(',')
            .filter_map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
            .collect()
    }

    /// On a fixed schedule, the occurrences to make on `today`: every
    /// date of the rule up to today not `made` yet (so none is skipped
    /// while nothing ran), and the first date after today, so the next
    /// occurrence is always there to see. Oldest first; at most
    /// [`MAX_OCCURRENCES`]. Nothing after completion counts here.
    ///
    /// Dates before `since` count as made: a kept series passes its last
    /// date ([`Recurrence::last_on`]), before which every date was made
    /// oldest first or passed over by a change (which starts the rule
    /// again from it), so only the dates made from it on need reading,
    /// however old the series.
    pub fn due(
        &self,
        made: &BTreeSet<NaiveDate>,
        since: NaiveDate,
        today: NaiveDate,
        working: impl Fn(NaiveDate) -> bool,
    ) -> Vec<NaiveDate> {
        if self.mode != Mode::Schedule {
            return Vec::new();
        }
        let mut due = Vec::new();
        let dates = self.rule.dates_through(
            self.starts_on,
            &self.except,
            self.landing,
            working,
            since,
            today,
        );
        for date in dates {
            if date >= since && !made.contains(&date) {
                due.push(date);
            }
            if date > today || due.len() >= MAX_OCCURRENCES {
                break;
            }
        }
        due
    }

    /// The date of the occurrence that follows one done: on a fixed
    /// schedule the rule's next date after `occurrence`; after completion
    /// the rule counted from `done_on`, its first date after it. `made`
    /// occurrences so far count against the rule's COUNT; none when the
    /// series has ended.
    pub fn after_done(
        &self,
        occurrence: NaiveDate,
        done_on: NaiveDate,
        made: usize,
        working: impl Fn(NaiveDate) -> bool,
    ) -> Option<NaiveDate> {
        match self.mode {
            Mode::Schedule => self.rule.next_after(
                self.starts_on,
                occurrence,
                &self.except,
                self.landing,
                working,
            ),
            Mode::AfterDone => {
                if self
                    .rule
                    .count()
                    .is_some_and(|count| made >= count as usize)
                {
                    return None;
                }
                // Counted from the day it was done, its COUNT aside (the
                // series keeps its own count): the rule's first date after.
                let from_done = self.rule.without_count();
                from_done.next_after(done_on, done_on, &self.except, self.landing, working)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn series(rule: &str, mode: Mode, starts_on: NaiveDate) -> Series {
        Series {
            rule: Rule::parse(rule).unwrap(),
            mode,
            reuse: Reuse::NewTask,
            landing: Landing::AsIs,
            starts_on,
            except: Vec::new(),
        }
    }

    #[test]
    fn a_fixed_schedule_catches_up_and_keeps_the_next_one_ahead() {
        let weekly = series("weekly on mon", Mode::Schedule, d(2027, 1, 4));
        let mut made = BTreeSet::from([d(2027, 1, 4)]);
        // Down for three weeks: the Mondays missed, and the next.
        let due = weekly.due(&made, weekly.starts_on, d(2027, 1, 27), |_| true);
        assert_eq!(
            due,
            [
                d(2027, 1, 11),
                d(2027, 1, 18),
                d(2027, 1, 25),
                d(2027, 2, 1)
            ]
        );
        made.extend(due);
        assert!(
            weekly
                .due(&made, weekly.starts_on, d(2027, 1, 29), |_| true)
                .is_empty()
        );
        assert_eq!(
            weekly.due(&made, weekly.starts_on, d(2027, 2, 1), |_| true),
            [d(2027, 2, 8)]
        );
        // Done early: the next date after its own, not after today.
        assert_eq!(
            weekly.after_done(d(2027, 2, 8), d(2027, 1, 30), made.len(), |_| true),
            Some(d(2027, 2, 15))
        );
    }

    #[test]
    fn a_daily_series_years_old_still_reaches_today() {
        let daily = series("daily", Mode::Schedule, d(2023, 1, 1));
        let made: BTreeSet<NaiveDate> = daily
            .rule
            .dates_through(
                d(2023, 1, 1),
                &[],
                Landing::AsIs,
                |_| true,
                d(2023, 1, 1),
                d(2027, 1, 4),
            )
            .into_iter()
            .filter(|day| *day < d(2027, 1, 4))
            .collect();
        assert!(made.len() > MAX_OCCURRENCES, "{}", made.len());
        assert_eq!(
            daily.due(&made, daily.starts_on, d(2027, 1, 4), |_| true),
            [d(2027, 1, 4), d(2027, 1, 5)]
        );
    }

    #[test]
    fn after_completion_counts_from_the_day_it_was_done() {
        let fortnight = series("every 2 weeks", Mode::AfterDone, d(2027, 1, 4));
        assert_eq!(
            fortnight.after_done(d(2027, 1, 4), d(2027, 1, 9), 1, |_| true),
            Some(d(2027, 1, 23))
        );
        // Nothing is made by the schedule.
        assert!(
            fortnight
                .due(&BTreeSet::new(), d(2027, 1, 4), d(2027, 3, 1), |_| true)
                .is_empty()
        );
        // On working days: the 23rd is a Saturday.
        let weekdays = |day: NaiveDate| day.weekday().num_days_from_monday() < 5;
        let mut moved = fortnight.clone();
        moved.landing = Landing::NextWorkingDay;
        assert_eq!(
            moved.after_done(d(2027, 1, 4), d(2027, 1, 9), 1, weekdays),
            Some(d(2027, 1, 25))
        );
        // Three times, then no more.
        let three = series("every 2 weeks 3 times", Mode::AfterDone, d(2027, 1, 4));
        assert!(
            three
                .after_done(d(2027, 2, 1), d(2027, 2, 1), 2, |_| true)
                .is_some()
        );
        assert_eq!(
            three.after_done(d(2027, 2, 15), d(2027, 2, 15), 3, |_| true),
            None
        );
    }

    #[test]
    fn an_ended_series_makes_nothing_more() {
        let until = series("daily until 2027-01-03", Mode::Schedule, d(2027, 1, 1));
        let made = BTreeSet::from([d(2027, 1, 1), d(2027, 1, 2), d(2027, 1, 3)]);
        assert!(
            until
                .due(&made, until.starts_on, d(2027, 2, 1), |_| true)
                .is_empty()
        );
        assert_eq!(
            until.after_done(d(2027, 1, 3), d(2027, 1, 3), 3, |_| true),
            None
        );
    }

    proptest! {
        /// However often the job runs (any days, in order), every date of
        /// the rule up to the last run comes exactly once, and the next one
        /// after it is there.
        #[test]
        fn each_date_comes_once_however_often_the_job_runs(
            rule in prop::sample::select(vec![
                "daily", "every 3 days", "every weekday", "every 2 weeks on tue, thu",
                "monthly on the last fri", "monthly on the 31st", "first monday of each month",
            ]),
            gaps in prop::collection::vec(0u64..20, 1..15),
        ) {
            let start = d(2027, 1, 1);
            let s = series(rule, Mode::Schedule, start);
            let mut made = BTreeSet::new();
            let mut day = start;
            for gap in gaps {
                day = day + chrono::Days::new(gap);
                let due = s.due(&made, start, day, |_| true);
                // What the store reads: the dates from the last one made.
                let last = made.last().copied().unwrap_or(start);
                let since: BTreeSet<_> = made.range(last..).copied().collect();
                prop_assert_eq!(&s.due(&since, last, day, |_| true), &due);
                for date in due {
                    prop_assert!(made.insert(date), "{} twice", date);
                }
            }
            let all = s.rule.dates(start, &[], Landing::AsIs, |_| true, MAX_OCCURRENCES);
            let upto: BTreeSet<_> = all.iter().copied().filter(|x| *x <= day).collect();
            let next = all.iter().copied().find(|x| *x > day);
            let mut expected = upto;
            expected.extend(next);
            prop_assert_eq!(made, expected);
        }
    }
}
