//! Working calendars and working time.
//!
//! A calendar says when work happens: periods of each weekday (08:00–12:00
//! and 13:00–17:00 by default) and exceptions for given dates (a holiday has
//! none). A [`Timeline`] lays a calendar out over a range of days with the
//! working minutes before each day precomputed, so converting an instant to
//! its working-minute index and back is a table lookup and a binary search,
//! never a walk over days: the scheduler does it millions of times.
//!
//! Working-minute indices are the scheduler's only unit of time. The same
//! index names the end of one working period and the start of the next
//! (Friday 17:00 and Monday 08:00), so a start is shown at the beginning of
//! the period it opens and a finish at the end of the period it closes.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// A working period within a day, in minutes after midnight, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub start: u16,
    pub end: u16,
}

impl Period {
    pub fn new(start: u16, end: u16) -> Self {
        Self { start, end }
    }

    fn minutes(self) -> i64 {
        i64::from(self.end - self.start)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Periods of each weekday, Monday first, sorted and disjoint.
    pub week: [Vec<Period>; 7],
    /// Dates that differ from their weekday: a holiday maps to no periods.
    pub exceptions: BTreeMap<NaiveDate, Vec<Period>>,
    /// How many working minutes make "a day" of duration.
    pub minutes_per_day: i64,
}

impl Default for Calendar {
    /// Monday to Friday, 08:00–12:00 and 13:00–17:00, eight hours a day.
    fn default() -> Self {
        let day = vec![Period::new(8 * 60, 12 * 60), Period::new(13 * 60, 17 * 60)];
        Calendar {
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            exceptions: BTreeMap::new(),
            minutes_per_day: 480,
        }
    }
}

impl Calendar {
    pub fn periods(&self, date: NaiveDate) -> &[Period] {
        match self.exceptions.get(&date) {
            Some(periods) => periods,
            None => &self.week[date.weekday().num_days_from_monday() as usize],
        }
    }

    fn has_work(&self) -> bool {
        self.week.iter().any(|d| !d.is_empty())
    }
}

/// A calendar laid out over `[first, first + days)`. Instants outside the
/// range are clamped to it.
#[derive(Debug, Clone)]
pub struct Timeline {
    first: NaiveDate,
    /// Working minutes before each day; one more entry than days.
    before: Vec<i64>,
    /// Each day's periods, as a range into `periods`.
    day_periods: Vec<(u32, u32)>,
    periods: Vec<Period>,
    pub minutes_per_day: i64,
}

impl Timeline {
    /// Lays `calendar` out from `first` for `days` days. A calendar with no
    /// working time at all is given the default week, so time can advance.
    pub fn new(calendar: &Calendar, first: NaiveDate, days: usize) -> Timeline {
        let fallback;
        let calendar = if calendar.has_work() {
            calendar
        } else {
            fallback = Calendar::default();
            &fallback
        };
        let mut before = Vec::with_capacity(days + 1);
        let mut day_periods = Vec::with_capacity(days);
        let mut periods = Vec::new();
        let mut total = 0i64;
        let mut date = first;
        for _ in 0..days {
            before.push(total);
            let today = calendar.periods(date);
            day_periods.push((periods.len() as u32, (periods.len() + today.len()) as u32));
            periods.extend_from_slice(today);
            total += today.iter().map(|p| p.minutes()).sum::<i64>();
            date = date.succ_opt().unwrap_or(date);
        }
        before.push(total);
        Timeline {
            first,
            before,
            day_periods,
            periods,
            minutes_per_day: calendar.minutes_per_day.max(1),
        }
    }

    fn day_index(&self, date: NaiveDate) -> Option<usize> {
        let offset = (date - self.first).num_days();
        (0..self.day_periods.len() as i64)
            .contains(&offset)
            .then_some(offset as usize)
    }

    fn periods_of(&self, day: usize) -> &[Period] {
        let (from, to) = self.day_periods[day];
        &self.periods[from as usize..to as usize]
    }

    fn date_of(&self, day: usize) -> NaiveDate {
        self.first + Days::new(day as u64)
    }

    /// The working minutes before `instant`.
    pub fn to_work(&self, instant: NaiveDateTime) -> i64 {
        let Some(day) = self.day_index(instant.date()) else {
            return if instant.date() < self.first {
                0
            } else {
                *self.before.last().unwrap_or(&0)
            };
        };
        let minute = (instant.time().num_seconds_from_midnight() / 60) as u16;
        let within: i64 = self
            .periods_of(day)
            .iter()
            .map(|p| i64::from(minute.clamp(p.start, p.end) - p.start))
            .sum();
        self.before[day] + within
    }

    /// The working minute at which the timeline ends: nothing is placed
    /// later, instants past it come back as its last day.
    pub fn end(&self) -> i64 {
        self.before.last().copied().unwrap_or(0)
    }

    /// The instant at which working minute `work` begins: the start of a
    /// working period when `work` falls between two.
    pub fn start_instant(&self, work: i64) -> NaiveDateTime {
        let last = self.day_periods.len().saturating_sub(1);
        // The first day that still has work after `work` minutes.
        let day = self.before[1..].partition_point(|&b| b <= work).min(last);
        self.instant_in_day(day, work - self.before[day], false)
    }

    /// The instant at which working minute `work` ends: the end of a
    /// working period when `work` falls between two.
    pub fn finish_instant(&self, work: i64) -> NaiveDateTime {
        if work <= 0 {
            return self.start_instant(0);
        }
        let last = self.day_periods.len().saturating_sub(1);
        // The first day whose work reaches `work`.
        let day = self.before[1..].partition_point(|&b| b < work).min(last);
        self.instant_in_day(day, work - self.before[day], true)
    }

    fn instant_in_day(&self, day: usize, mut offset: i64, at_end: bool) -> NaiveDateTime {
        let date = self.date_of(day);
        let periods = self.periods_of(day);
        for p in periods {
            let length = p.minutes();
            if offset < length || (at_end && offset == length) {
                return at(date, i64::from(p.start) + offset);
            }
            offset -= length;
        }
        // Past the range or on a day without work: its last minute.
        match periods.last() {
            Some(p) => at(date, i64::from(p.end)),
            None => at(date, 0),
        }
    }

    /// The working index reached `minutes` of elapsed (24 × 7) time after
    /// the instant where working minute `work` ends (or begins, for starts).
    pub fn add_elapsed(&self, work: i64, minutes: i64, from_finish: bool) -> i64 {
        let instant = if from_finish {
            self.finish_instant(work)
        } else {
            self.start_instant(work)
        };
        self.to_work(instant + chrono::Duration::minutes(minutes))
    }
}

fn at(date: NaiveDate, minutes: i64) -> NaiveDateTime {
    let minutes = minutes.clamp(0, 24 * 60);
    if minutes == 24 * 60 {
        return (date + Days::new(1)).and_time(NaiveTime::MIN);
    }
    date.and_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, 0)
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn timeline() -> Timeline {
        let mut calendar = Calendar::default();
        // Wednesday 2026-12-23 is a holiday.
        calendar
            .exceptions
            .insert(NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(), Vec::new());
        Timeline::new(
            &calendar,
            NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
            60,
        )
    }

    #[test]
    fn working_minutes_skip_nights_lunch_weekends_and_holidays() {
        let t = timeline();
        assert_eq!(t.to_work(dt("2026-12-21T08:00")), 0);
        assert_eq!(t.to_work(dt("2026-12-21T12:30")), 240);
        assert_eq!(t.to_work(dt("2026-12-21T17:00")), 480);
        assert_eq!(t.to_work(dt("2026-12-22T08:00")), 480);
        assert_eq!(
            t.to_work(dt("2026-12-23T10:00")),
            960,
            "a holiday has no work"
        );
        assert_eq!(
            t.to_work(dt("2026-12-28T08:00")),
            4 * 480,
            "the weekend is skipped"
        );
    }

    #[test]
    fn starts_open_periods_and_finishes_close_them() {
        let t = timeline();
        assert_eq!(t.start_instant(480), dt("2026-12-22T08:00"));
        assert_eq!(t.finish_instant(480), dt("2026-12-21T17:00"));
        assert_eq!(t.start_instant(240), dt("2026-12-21T13:00"));
        assert_eq!(t.finish_instant(240), dt("2026-12-21T12:00"));
        assert_eq!(
            t.start_instant(960),
            dt("2026-12-24T08:00"),
            "over the holiday"
        );
        assert_eq!(t.finish_instant(4 * 480), dt("2026-12-25T17:00"));
        assert_eq!(t.start_instant(4 * 480), dt("2026-12-28T08:00"));
    }

    #[test]
    fn round_trips() {
        let t = timeline();
        for w in (0..20 * 480).step_by(37) {
            assert_eq!(t.to_work(t.start_instant(w)), w);
            assert_eq!(t.to_work(t.finish_instant(w)), w);
        }
    }

    #[test]
    fn elapsed_time_runs_through_nights() {
        let t = timeline();
        // Monday 17:00 + 24 elapsed hours = Tuesday 17:00.
        assert_eq!(t.add_elapsed(480, 24 * 60, true), 960);
    }
}
