//! Recurrence rules of recurring tasks: RFC 5545 `RRULE` values, typed as
//! such (`FREQ=MONTHLY;BYDAY=1MO`) or in plain words ("every 2 weeks on
//! tue, thu", "monthly on the last fri", "every weekday"), and the dates
//! they give, expanded by the `rrule` crate, landed on working days when a
//! series asks for it.
//!
//! Dates only: an occurrence is a day, as a task's due date is. What this
//! module is not: the series a task belongs to, or making the tasks (the
//! store and the jobs do that).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, TimeZone};
use rrule::{RRule, RRuleSet, Tz, Unvalidated};

mod series;
mod words;

pub use series::{Mode, Recurrence, Reuse, Series};
use words::{Parts, words};

/// The most occurrences a preview or a catch-up asks for at once.
pub const MAX_OCCURRENCES: usize = 1000;

/// A recurrence rule, kept as its `RRULE` value in the order RFC 5545
/// writes it; checked against the `rrule` crate when made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule(String);

impl Rule {
    /// A rule from what a person typed: an `RRULE` value (with or without
    /// the `RRULE:` prefix) or plain words. The error says what was not
    /// understood, in words.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(
                "is empty: write a rule such as \"every 2 weeks on tue\" or FREQ=WEEKLY;BYDAY=TU"
                    .into(),
            );
        }
        let value = text
            .strip_prefix("RRULE:")
            .or_else(|| text.strip_prefix("rrule:"))
            .unwrap_or(text);
        let rule = if value.to_ascii_uppercase().contains("FREQ=") {
            Rule(normalise_value(value)?)
        } else {
            Rule(words(value)?.value())
        };
        rule.check()?;
        Ok(rule)
    }

    /// The `RRULE` value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many occurrences the rule gives at most (its COUNT).
    pub fn count(&self) -> Option<u32> {
        self.part("COUNT").and_then(|n| n.parse().ok())
    }

    /// The same rule without its COUNT: the series keeps its own.
    pub fn without_count(&self) -> Rule {
        Rule(
            self.0
                .split(';')
                .filter(|p| !p.starts_with("COUNT="))
                .collect::<Vec<_>>()
                .join(";"),
        )
    }

    fn part(&self, name: &str) -> Option<&str> {
        self.0
            .split(';')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    }

    fn check(&self) -> Result<(), String> {
        // RFC 5545 reads BYDAY=TU,1TH as every Tuesday and the first
        // Thursday, but the `rrule` crate (as python-dateutil) then gives
        // no date at all: refused rather than a series that never comes.
        if let Some(days) = self.part("BYDAY") {
            let placed = days.split(',').filter(|d| d.len() > 2).count();
            if placed > 0 && placed < days.split(',').count() {
                return Err(format!(
                    "mixes days with and without their place in the month (BYDAY={days}): make them two series"
                ));
            }
        }
        let parsed: RRule<Unvalidated> = self
            .0
            .parse()
            .map_err(|e: rrule::RRuleError| format!("is not a rule: {e}"))?;
        let start = midnight(NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"));
        parsed
            .validate(start)
            .map(|_| ())
            .map_err(|e| format!("is not a rule: {e}"))
    }

    /// The days this rule gives from `from` (counted as its first day, the
    /// series' start), none of `except`, landed as `landing` says, at most
    /// `limit` (and at most [`MAX_OCCURRENCES`]).
    pub fn dates(
        &self,
        from: NaiveDate,
        except: &[NaiveDate],
        landing: Landing,
        working: impl Fn(NaiveDate) -> bool,
        limit: usize,
    ) -> Vec<NaiveDate> {
        let limit = limit.min(MAX_OCCURRENCES);
        let mut days: Vec<NaiveDate> = Vec::new();
        for day in self
            .iter(from, except)
            .filter_map(|day| landing.land(day, &working))
        {
            if days.len() >= limit {
                break;
            }
            // Moved to the next working day, two can meet: one is kept.
            if days.last().is_none_or(|last| *last < day) {
                days.push(day);
            }
        }
        days
    }

    /// [`Rule::dates`] up to `through` and the first one after it, read
    /// lazily: a series' dates to come are not expanded to find today's
    /// (the rule's own bound, 400 years or 20,000 dates, holds). Those
    /// before `since` may be left out: where the rule allows, it is
    /// expanded from a later start, so that a series' day costs the same
    /// however old it is.
    pub fn dates_through(
        &self,
        from: NaiveDate,
        except: &[NaiveDate],
        landing: Landing,
        working: impl Fn(NaiveDate) -> bool,
        since: NaiveDate,
        through: NaiveDate,
    ) -> Vec<NaiveDate> {
        let start = self.rebased(from, landing.first_raw_date(since, &working));
        let mut days: Vec<NaiveDate> = Vec::new();
        for day in self
            .iter_from(start, from, except)
            .filter_map(|day| landing.land(day, &working))
        {
            // No cap on the dates before `through`: a daily series years
            // old still reaches today (what is owed is capped by the
            // caller, against what was made).
            if days.last().is_none_or(|last| *last < day) {
                days.push(day);
                if day > through {
                    break;
                }
            }
        }
        days
    }

    /// The first day this rule gives after `after` (from `from`, the
    /// series' start), as [`Rule::dates`] lands it.
    pub fn next_after(
        &self,
        from: NaiveDate,
        after: NaiveDate,
        except: &[NaiveDate],
        landing: Landing,
        working: impl Fn(NaiveDate) -> bool,
    ) -> Option<NaiveDate> {
        // A date the rule gives by `after` is past even where it lands
        // later (its own occurrence, moved off a day off).
        let start = self.rebased(from, after.succ_opt().unwrap_or(after));
        self.iter_from(start, from, except)
            .filter(|day| *day > after)
            .filter_map(|day| landing.land(day, &working))
            .find(|day| *day > after)
    }

    /// The raw days, lazily, bounded (400 years, [`MAX_OCCURRENCES`] ×
    /// 20 days) so that a rule that lands nowhere (every Saturday,
    /// skipped) ends.
    fn iter(&self, from: NaiveDate, except: &[NaiveDate]) -> impl Iterator<Item = NaiveDate> {
        self.iter_from(from, from, except)
    }

    /// [`Rule::iter`] of the series started on `from`, expanded from
    /// `start` ([`Rule::rebased`]), its bounds still counted from `from`.
    fn iter_from(
        &self,
        start: NaiveDate,
        from: NaiveDate,
        except: &[NaiveDate],
    ) -> impl Iterator<Item = NaiveDate> {
        // Built from the value and the days themselves, not from a text
        // with DTSTART and EXDATE lines: the crate reads each line with
        // regular expressions: 6 % of the job's own time (not the
        // database's) on a day of 10,000 series.
        let set: Option<RRuleSet> = self
            .0
            .parse::<RRule<Unvalidated>>()
            .and_then(|rule| rule.build(midnight(start)))
            .ok()
            .map(|set| {
                except
                    .iter()
                    .fold(set, |set, day| set.exdate(midnight(*day)))
            });
        set.into_iter()
            .flat_map(|set| set.into_iter())
            .map(|at| at.date_naive())
            .take_while(move |day| day.year() <= from.year() + 400)
            .take(MAX_OCCURRENCES * 20)
    }

    /// The latest start, no later than `limit`, from which the rule gives
    /// the same dates as from `from` (from that start on): `from` moved on
    /// by whole intervals of the rule's frequency, which keeps both what
    /// the rule counts its intervals from and the weekday, day of the
    /// month or day of the year that fills in what it leaves out (every
    /// week falls on the start's weekday). `from` itself where the rule
    /// counts its dates (COUNT), or no such start exists.
    fn rebased(&self, from: NaiveDate, limit: NaiveDate) -> NaiveDate {
        if limit <= from || self.count().is_some() {
            return from;
        }
        let interval: u32 = self
            .part("INTERVAL")
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(1);
        // An interval in days or in months, and how many whole ones fit
        // between `from` and `limit`.
        let (days, months) = match self.part("FREQ") {
            Some("DAILY") => (interval, 0),
            Some("WEEKLY") => (7 * interval, 0),
            Some("MONTHLY") => (0, interval),
            Some("YEARLY") => (0, 12 * interval),
            _ => return from,
        };
        let periods = if days > 0 {
            (limit - from).num_days().max(0) as u64 / u64::from(days)
        } else {
            months_between(from, limit) / u64::from(months)
        };
        let shifted = |k: u32| -> Option<NaiveDate> {
            if days > 0 {
                from.checked_add_days(chrono::Days::new(u64::from(k) * u64::from(days)))
            } else {
                // Only on the start's own day of the month: a later month
                // without it (the 31st) is no start.
                let moved = from.checked_add_months(chrono::Months::new(k.checked_mul(months)?))?;
                (moved.day() == from.day()).then_some(moved)
            }
        };
        let periods = u32::try_from(periods).unwrap_or(u32::MAX);
        // A start whose day the month lacks moves back an interval; a
        // dozen tries find one unless the rule is only ever on 29 February
        // of a year a leap year never meets.
        (0..12)
            .filter_map(|back| periods.checked_sub(back))
            .filter(|k| *k > 0)
            .find_map(|k| shifted(k).filter(|start| *start <= limit))
            .unwrap_or(from)
    }

    /// The rule in words, as pages and the CLI show it: "Every 2 weeks on
    /// Tue, Thu". A rule typed with parts words do not say is shown as it
    /// is.
    pub fn describe(&self) -> String {
        Parts::from_value(&self.0)
            .and_then(|p| p.describe())
            .unwrap_or_else(|| self.0.clone())
    }
}

impl Rule {
    /// The rule as a person would edit it: its words where they read back
    /// as the same rule, its `RRULE` value else.
    pub fn editable(&self) -> String {
        let words = self.describe();
        match Rule::parse(&words) {
            Ok(same) if same == *self => words,
            _ => self.0.clone(),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::parse(s)
    }
}

/// Where an occurrence that falls on a day off goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Landing {
    /// Where the rule puts it.
    #[default]
    AsIs,
    /// Not at all: that date has no occurrence.
    Skip,
    /// To the next working day.
    NextWorkingDay,
}

impl Landing {
    pub const ALL: [Landing; 3] = [Landing::AsIs, Landing::Skip, Landing::NextWorkingDay];

    pub fn as_str(self) -> &'static str {
        match self {
            Landing::AsIs => "as_is",
            Landing::Skip => "skip",
            Landing::NextWorkingDay => "next_working_day",
        }
    }

    pub fn parse(text: &str) -> Result<Landing, String> {
        match text.trim().replace('-', "_").as_str() {
            "as_is" | "" => Ok(Landing::AsIs),
            "skip" => Ok(Landing::Skip),
            "next_working_day" | "next" | "move" => Ok(Landing::NextWorkingDay),
            other => Err(format!(
                "\"{other}\" is not one of as_is, skip, next_working_day"
            )),
        }
    }

    /// The earliest date the rule may give and still land on `since` or
    /// later: `since` itself unless occurrences move, else the day after
    /// the last working day before it (a date from then on moves to
    /// `since` or later), or a year and a day before it where no working
    /// day is that near (a date lands at most 366 days on).
    fn first_raw_date(self, since: NaiveDate, working: impl Fn(NaiveDate) -> bool) -> NaiveDate {
        match self {
            Landing::AsIs | Landing::Skip => since,
            Landing::NextWorkingDay => {
                let mut day = since;
                for _ in 0..367 {
                    let Some(before) = day.pred_opt() else {
                        return day;
                    };
                    if working(before) {
                        return day;
                    }
                    day = before;
                }
                day
            }
        }
    }

    fn land(self, day: NaiveDate, working: impl Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
        match self {
            Landing::AsIs => Some(day),
            Landing::Skip => working(day).then_some(day),
            // A calendar of no working day at all leaves it where it was.
            Landing::NextWorkingDay => day
                .iter_days()
                .take(366)
                .find(|d| working(*d))
                .or(Some(day)),
        }
    }
}

/// Whole months from `from` to `to` (not before `from`), a month being
/// from one day of the month to the same day of the next.
fn months_between(from: NaiveDate, to: NaiveDate) -> u64 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32
        - from.month() as i32
        - i32::from(to.day() < from.day());
    months.max(0) as u64
}

fn midnight(day: NaiveDate) -> chrono::DateTime<Tz> {
    Tz::UTC.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
}

/// An `RRULE` value typed by a person, in capitals, its `UNTIL` as a UTC
/// time (the series start at midnight UTC, and RFC 5545 wants both of a
/// kind), without parts a day-long occurrence has no use for refused.
fn normalise_value(value: &str) -> Result<String, String> {
    let mut parts = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, v) = part
            .split_once('=')
            .ok_or_else(|| format!("has \"{part}\", which is no NAME=VALUE part"))?;
        let name = name.trim().to_ascii_uppercase();
        let mut v = v.trim().to_ascii_uppercase();
        match name.as_str() {
            "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
                return Err(format!(
                    "has {name}: an occurrence is a day, so a rule gives days, not times"
                ));
            }
            "FREQ" if matches!(v.as_str(), "HOURLY" | "MINUTELY" | "SECONDLY") => {
                return Err("repeats more than daily: an occurrence is a day".into());
            }
            "DTSTART" => return Err("has DTSTART: a series starts on its first due date".into()),
            "UNTIL" if v.len() == 8 => v.push_str("T235959Z"),
            _ => {}
        }
        parts.push(format!("{name}={v}"));
    }
    Ok(parts.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn value(text: &str) -> String {
        Rule::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .0
    }

    #[test]
    fn plain_words_become_rules() {
        for (text, rule) in [
            (
                "every 2 weeks on tue, thu",
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
            ),
            ("monthly on the last fri", "FREQ=MONTHLY;BYDAY=-1FR"),
            ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            ("daily", "FREQ=DAILY"),
            ("every day", "FREQ=DAILY"),
            ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
            ("weekly", "FREQ=WEEKLY"),
            ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
            (
                "every other week on monday",
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            ),
            ("every tue and thu", "FREQ=WEEKLY;BYDAY=TU,TH"),
            ("first Monday of each month", "FREQ=MONTHLY;BYDAY=1MO"),
            ("the fourth friday of every month", "FREQ=MONTHLY;BYDAY=4FR"),
            ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
            (
                "monthly on the 1st and 15th",
                "FREQ=MONTHLY;BYMONTHDAY=1,15",
            ),
            ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
            (
                "monthly on the last weekday",
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            ),
            (
                "every 3 months on the second last fri",
                "FREQ=MONTHLY;INTERVAL=3;BYDAY=-2FR",
            ),
            ("yearly on mar 15", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"),
            (
                "every year on 1 january",
                "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
            ),
            (
                "weekly on mon until 2027-06-30",
                "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630T235959Z",
            ),
            ("daily 10 times", "FREQ=DAILY;COUNT=10"),
            ("every week for 4 times", "FREQ=WEEKLY;COUNT=4"),
            ("FREQ=MONTHLY;BYDAY=1MO", "FREQ=MONTHLY;BYDAY=1MO"),
            (
                "RRULE:freq=weekly;until=20270630",
                "FREQ=WEEKLY;UNTIL=20270630T235959Z",
            ),
        ] {
            assert_eq!(value(text), rule, "{text}");
        }
    }

    #[test]
    fn what_is_not_a_rule_is_said() {
        for (text, says) in [
            ("", "is empty"),
            ("sometimes", "\"sometimes\""),
            ("every 0 days", "every 0"),
            ("every blue moon", "\"blue\""),
            ("weekly until friday", "2027-06-30"),
            ("yearly on the 15th", "no month"),
            ("FREQ=HOURLY", "more than daily"),
            ("FREQ=DAILY;BYHOUR=9", "not times"),
            ("FREQ=SOMETIMES", "is not a rule"),
            ("FREQ=MONTHLY;BYMONTHDAY=40", "is not a rule"),
            ("monthly on tue and the first thu", "two series"),
            ("FREQ=MONTHLY;BYDAY=TU,1TH", "two series"),
        ] {
            let error = Rule::parse(text).unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn rules_say_themselves_in_words() {
        for (text, words) in [
            ("every 2 weeks on tue, thu", "Every 2 weeks on Tue, Thu"),
            ("monthly on the last fri", "Every month on the last Fri"),
            ("every weekday", "Every weekday"),
            (
                "monthly on the last weekday",
                "Every month on the last weekday",
            ),
            (
                "monthly on the 1st and 15th",
                "Every month on the 1st, the 15th",
            ),
            ("yearly on mar 15", "Every year in Mar on the 15th"),
            ("daily 10 times", "Every day, 10 times"),
            (
                "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630",
                "Every week on Mon, until 2027-06-30",
            ),
            ("FREQ=YEARLY;BYWEEKNO=20", "FREQ=YEARLY;BYWEEKNO=20"),
        ] {
            let rule = Rule::parse(text).unwrap();
            assert_eq!(rule.describe(), words, "{text}");
            // What a form shows to edit reads back as the same rule.
            assert_eq!(Rule::parse(&rule.editable()).unwrap(), rule, "{text}");
        }
        // Words that would not read back: the RRULE is shown to edit.
        let odd = Rule::parse("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1").unwrap();
        assert_eq!(odd.editable(), "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1");
    }

    #[test]
    fn dates_from_a_start_with_exceptions_and_days_off() {
        let every_day = |_: NaiveDate| true;
        let weekdays = |d: NaiveDate| d.weekday().num_days_from_monday() < 5;
        let first_monday = Rule::parse("FREQ=MONTHLY;BYDAY=1MO").unwrap();
        assert_eq!(
            first_monday.dates(d(2027, 1, 1), &[], Landing::AsIs, every_day, 3),
            [d(2027, 1, 4), d(2027, 2, 1), d(2027, 3, 1)]
        );
        // An exception is no occurrence.
        assert_eq!(
            first_monday.dates(d(2027, 1, 1), &[d(2027, 2, 1)], Landing::AsIs, every_day, 2),
            [d(2027, 1, 4), d(2027, 3, 1)]
        );
        // The 15th of each month, on working days: May 15th 2027 is a
        // Saturday.
        let fifteenth = Rule::parse("monthly on the 15th").unwrap();
        assert_eq!(
            fifteenth.dates(d(2027, 4, 1), &[], Landing::Skip, weekdays, 2),
            [d(2027, 4, 15), d(2027, 6, 15)]
        );
        assert_eq!(
            fifteenth.dates(d(2027, 4, 1), &[], Landing::NextWorkingDay, weekdays, 2),
            [d(2027, 4, 15), d(2027, 5, 17)]
        );
        // Daily moved off the weekend meets Monday's own: one Monday.
        let daily = Rule::parse("daily").unwrap();
        assert_eq!(
            daily.dates(d(2027, 1, 8), &[], Landing::NextWorkingDay, weekdays, 3),
            [d(2027, 1, 8), d(2027, 1, 11), d(2027, 1, 12)]
        );
        assert_eq!(
            daily.next_after(d(2027, 1, 8), d(2027, 1, 8), &[], Landing::Skip, weekdays),
            Some(d(2027, 1, 11))
        );
        // A rule that lands nowhere ends instead of searching for ever.
        let saturdays = Rule::parse("every sat").unwrap();
        assert!(
            saturdays
                .dates(d(2027, 1, 1), &[], Landing::Skip, weekdays, 5)
                .is_empty()
        );
        // COUNT counts from the start.
        assert_eq!(
            Rule::parse("daily 2 times").unwrap().dates(
                d(2027, 1, 1),
                &[],
                Landing::AsIs,
                every_day,
                10
            ),
            [d(2027, 1, 1), d(2027, 1, 2)]
        );
    }

    #[test]
    fn an_old_series_is_expanded_from_near_the_dates_asked_for() {
        let daily = Rule::parse("every 3 days").unwrap();
        let from = d(2020, 1, 1);
        let start = daily.rebased(from, d(2026, 12, 7));
        assert!(start > d(2026, 12, 3) && start <= d(2026, 12, 7), "{start}");
        assert_eq!((start - from).num_days() % 3, 0);
        // The 31st, every other month: a start on a month's 31st.
        let odd = Rule::parse("FREQ=MONTHLY;INTERVAL=2").unwrap();
        assert_eq!(odd.rebased(d(2025, 1, 31), d(2026, 12, 7)), d(2026, 7, 31));
        // Counted dates are counted from the first.
        let counted = Rule::parse("daily 5000 times").unwrap();
        assert_eq!(counted.rebased(from, d(2026, 12, 7)), from);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Expanded from a later start or not, a rule gives the same dates
        /// from `since` on, whatever its frequency, interval, month ends,
        /// leap days, landing and days off.
        #[test]
        fn a_later_start_gives_the_same_dates(
            rule in proptest::sample::select(vec![
                "FREQ=DAILY", "FREQ=DAILY;INTERVAL=5", "FREQ=DAILY;INTERVAL=3;BYMONTH=1,7",
                "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=MO,SU",
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                "FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=2", "FREQ=MONTHLY;INTERVAL=5",
                "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2MO",
                "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTHDAY=-1",
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
                "FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=2", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
                "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "FREQ=WEEKLY;UNTIL=20280301T235959Z",
            ]),
            start in 0u64..1500,
            since in 0u64..2500,
            ahead in 0u64..60,
            landing in proptest::sample::select(Landing::ALL.to_vec()),
            holidays in 0u64..1200,
            holiday_days in 0u64..40,
        ) {
            let rule = Rule::parse(rule).unwrap();
            let from = d(2024, 1, 1) + chrono::Days::new(start);
            let since = from + chrono::Days::new(since);
            let through = since + chrono::Days::new(ahead);
            // Weekdays, but for a block of days off (a shutdown).
            let off_from = d(2024, 1, 1) + chrono::Days::new(holidays);
            let off_to = off_from + chrono::Days::new(holiday_days);
            let working = |day: NaiveDate| {
                day.weekday().num_days_from_monday() < 5 && !(off_from..off_to).contains(&day)
            };
            let except = [from + chrono::Days::new(7), since + chrono::Days::new(1)];
            let later: Vec<NaiveDate> = rule
                .dates_through(from, &except, landing, working, since, through)
                .into_iter()
                .filter(|day| *day >= since)
                .collect();
            let whole: Vec<NaiveDate> = rule
                .dates_through(from, &except, landing, working, from, through)
                .into_iter()
                .filter(|day| *day >= since)
                .collect();
            proptest::prop_assert_eq!(later, whole);
            let after = rule.next_after(from, since, &except, landing, working);
            let whole_after = rule
                .iter(from, &except)
                .filter(|day| *day > since)
                .filter_map(|day| landing.land(day, working))
                .find(|day| *day > since);
            proptest::prop_assert_eq!(after, whole_after);
        }
    }
}
