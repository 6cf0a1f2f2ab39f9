//! Workload: how much work each person has in each week against what
//! they can do. Pure arithmetic
//! over plain values; the caller brings the tasks' planned dates (from the
//! schedule where there is one) and people's capacity and time off.

use chrono::{Datelike, Days, NaiveDate};

use crate::dates::start_of_week;
use crate::model::{Id, TaskSchedule, TimeOff};
use crate::planning::PlanTask;

/// Work on someone's plate: `hours` of effort spread evenly over the
/// weekdays from `start` to `finish` (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub person: Id,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub hours: f64,
}

/// One person's weeks: hours assigned and hours available in each, and
/// the open work dated outside them, so none of it goes uncounted.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLoad {
    pub person: Id,
    pub assigned: Vec<f64>,
    pub capacity: Vec<f64>,
    /// Hours of open work dated before the first week: late, still owed.
    pub before: f64,
    /// Hours dated after the last week.
    pub after: f64,
}

impl PersonLoad {
    /// Every hour of the person's open dated work, in the window or not.
    pub fn total(&self) -> f64 {
        self.before + self.assigned.iter().sum::<f64>() + self.after
    }

    /// Assigned over capacity in a week, as a fraction (1.0 = exactly full);
    /// infinite when someone with no hours that week has work.
    pub fn ratio(&self, week: usize) -> f64 {
        let (assigned, capacity) = (self.assigned[week], self.capacity[week]);
        if capacity > 0.0 {
            assigned / capacity
        } else if assigned > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }
}

/// Monday to Friday.
pub(crate) fn is_weekday(day: NaiveDate) -> bool {
    day.weekday().num_days_from_monday() < 5
}

/// Where and how much: the hours left of a task, on its scheduled dates
/// (or its own), or `None` when it has no dates at all.
pub fn assignment(task: &PlanTask, schedule: Option<&TaskSchedule>) -> Option<Assignment> {
    let person = task.owner_id?;
    let hours = task
        .effort_hours
        .or(task.estimate_days.map(|d| d * crate::rollup::HOURS_PER_DAY))
        .unwrap_or(0.0)
        * (100 - task.percent_complete).max(0) as f64
        / 100.0;
    let (start, finish) = match schedule.filter(|s| !s.summary) {
        Some(s) => (s.early_start.date(), s.early_finish.date()),
        None => match (task.start_date, task.due_date) {
            (Some(s), Some(f)) => (s, f),
            (Some(d), None) | (None, Some(d)) => (d, d),
            (None, None) => return None,
        },
    };
    Some(Assignment {
        person,
        start,
        finish,
        hours,
    })
}

/// Loads of `people` (id, hours a week) over `weeks` weeks from the week of
/// `first_day`. Work dated before the window counts as `before` (late),
/// after it as `after`; time off takes its weekdays out of capacity (work
/// planned on them still counts: that is the over-allocation to show).
pub fn weekly_load(
    people: &[(Id, f64)],
    time_off: &[TimeOff],
    assignments: &[Assignment],
    first_day: NaiveDate,
    weeks: usize,
) -> Vec<PersonLoad> {
    let first = start_of_week(first_day);
    let last = first + Days::new(7 * weeks as u64 - 1);
    let week_of = |day: NaiveDate| ((day - first).num_days() / 7) as usize;
    people
        .iter()
        .map(|&(person, hours_a_week)| {
            let mut load = PersonLoad {
                person,
                assigned: vec![0.0; weeks],
                capacity: vec![hours_a_week; weeks],
                before: 0.0,
                after: 0.0,
            };
            let per_day = hours_a_week / 5.0;
            for off in time_off.iter().filter(|t| t.user_id == person) {
                let mut day = off.start.max(first);
                while day <= off.end.min(last) {
                    if is_weekday(day) {
                        load.capacity[week_of(day)] -= per_day;
                    }
                    day = day + Days::new(1);
                }
            }
            for a in assignments.iter().filter(|a| a.person == person) {
                let (start, finish) = (a.start.min(a.finish), a.start.max(a.finish));
                let weekdays = (0..=(finish - start).num_days())
                    .filter(|&n| is_weekday(start + Days::new(n as u64)))
                    .count();
                // Work dated on a weekend only lands on that weekend.
                let (days, per_weekday) = if weekdays == 0 {
                    (
                        (finish - start).num_days() + 1,
                        a.hours / ((finish - start).num_days() + 1) as f64,
                    )
                } else {
                    ((finish - start).num_days() + 1, a.hours / weekdays as f64)
                };
                for n in 0..days {
                    let day = start + Days::new(n as u64);
                    if weekdays > 0 && !is_weekday(day) {
                        continue;
                    }
                    if day < first {
                        load.before += per_weekday;
                    } else if day > last {
                        load.after += per_weekday;
                    } else {
                        load.assigned[week_of(day)] += per_weekday;
                    }
                }
            }
            load
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        // November 2026: the 16th is a Monday.
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn effort_spreads_over_weekdays_and_time_off_cuts_capacity() {
        let work = [
            // Two weeks of 80 hours: 8 a weekday.
            Assignment {
                person: 1,
                start: day(16),
                finish: day(27),
                hours: 80.0,
            },
            // A day's job on the Wednesday.
            Assignment {
                person: 1,
                start: day(18),
                finish: day(18),
                hours: 6.0,
            },
            Assignment {
                person: 2,
                start: day(23),
                finish: day(24),
                hours: 10.0,
            },
        ];
        let off = [TimeOff {
            id: 1,
            user_id: 2,
            start: day(23),
            end: day(29),
            note: None,
        }];
        let load = weekly_load(&[(1, 40.0), (2, 20.0)], &off, &work, day(18), 3);
        assert_eq!(load[0].assigned, [46.0, 40.0, 0.0]);
        assert_eq!(load[0].capacity, [40.0, 40.0, 40.0]);
        assert!(load[0].ratio(0) > 1.0 && load[0].ratio(1) == 1.0);
        assert_eq!(load[1].assigned, [0.0, 10.0, 0.0]);
        assert_eq!(load[1].capacity, [20.0, 0.0, 20.0]);
        assert!(load[1].ratio(1).is_infinite());
    }

    #[test]
    fn work_outside_the_window_is_counted_before_or_after_it() {
        let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let work = [
            // Late: the week of 2 November.
            (date(11, 2), date(11, 6), 10.0),
            // Wed 11 to Fri 20 November: 8 weekdays, 3 before the window.
            (date(11, 11), date(11, 20), 16.0),
            // Fri 4 and Mon 7 December: the window ends on Sunday the 6th.
            (date(12, 4), date(12, 7), 4.0),
            (date(12, 8), date(12, 8), 2.0),
        ]
        .map(|(start, finish, hours)| Assignment {
            person: 1,
            start,
            finish,
            hours,
        });
        let load = weekly_load(&[(1, 40.0)], &[], &work, day(16), 3);
        assert_eq!(load[0].before, 10.0 + 6.0);
        assert_eq!(load[0].assigned, [10.0, 0.0, 2.0]);
        assert_eq!(load[0].after, 2.0 + 2.0);
        assert_eq!(load[0].total(), 10.0 + 16.0 + 4.0 + 2.0);
    }
}
