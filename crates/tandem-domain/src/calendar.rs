//! Working calendars as Tandem keeps them: a project's working week (the
//! hours of each weekday) and hours per day, and dated exceptions to it
//! (holidays, short days), turned into the scheduler's [`Calendar`].
//!
//! Hours are written as people write them, `08:00-12:00 13:00-17:00`; an
//! empty text is a day off. What this module is not: the arithmetic of
//! working time, which is `tandem_schedule::calendar`'s.

use chrono::{Datelike, NaiveDate};
use tandem_schedule::Calendar;
pub use tandem_schedule::Period;

use crate::model::Id;
use crate::validate::Validation;

/// A project's working week, Monday first, and how many hours make a day
/// of duration.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkWeek {
    pub days: [Vec<Period>; 7],
    pub hours_per_day: f64,
}

impl Default for WorkWeek {
    /// Monday to Friday, 08:00–12:00 and 13:00–17:00, eight hours a day.
    fn default() -> Self {
        let c = Calendar::default();
        WorkWeek {
            days: c.week,
            hours_per_day: 8.0,
        }
    }
}

/// A stretch of days that differ from the working week: no work (a
/// holiday) or other hours.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarException {
    pub id: Id,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The hours worked on each of those days; empty for none.
    pub hours: Vec<Period>,
}

/// A new exception, as a caller gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionFields {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub hours: Vec<Period>,
}

impl ExceptionFields {
    pub fn check(&self) -> Result<(), Vec<crate::FieldError>> {
        let mut v = Validation::new();
        crate::validate::required_text(Some(&self.name), "name", 200, &mut v);
        crate::validate::check_date(Some(self.start), "start_date", &mut v);
        crate::validate::check_date(Some(self.end), "end_date", &mut v);
        if self.end < self.start {
            v.push("end_date", "must not be before start_date");
        } else if (self.end - self.start).num_days() > 3660 {
            v.push("end_date", "an exception spans at most ten years");
        }
        v.into_result()
    }
}

fn minute(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Parses a day's hours, `08:00-12:00 13:00-17:00`: periods in order, not
/// overlapping. An empty text (or `off`) is no work.
pub fn parse_hours(text: &str) -> Result<Vec<Period>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(Vec::new());
    }
    let mut periods: Vec<Period> = Vec::new();
    for part in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        let (from, to) = part
            .split_once('-')
            .ok_or_else(|| format!("'{part}' is not like 08:00-12:00"))?;
        let (Some(start), Some(end)) = (minute(from), minute(to)) else {
            return Err(format!("'{part}' is not like 08:00-12:00"));
        };
        if end <= start {
            return Err(format!("'{part}' ends before it starts"));
        }
        if periods.last().is_some_and(|last| last.end > start) {
            return Err(format!(
                "'{part}' overlaps or precedes the period before it"
            ));
        }
        periods.push(Period::new(start, end));
    }
    Ok(periods)
}

/// Writes a day's hours as [`parse_hours`] reads them.
pub fn format_hours(periods: &[Period]) -> String {
    periods
        .iter()
        .map(|p| {
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                p.start / 60,
                p.start % 60,
                p.end / 60,
                p.end % 60
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl WorkWeek {
    /// Parses seven days of hours, Monday first, naming the field of each
    /// bad one (`work_week[4]`).
    pub fn parse(days: &[String], hours_per_day: f64, v: &mut Validation) -> Option<WorkWeek> {
        if days.len() != 7 {
            v.push("work_week", "must list seven days, Monday first");
            return None;
        }
        let mut week: [Vec<Period>; 7] = Default::default();
        let mut ok = true;
        for (i, text) in days.iter().enumerate() {
            match parse_hours(text) {
                Ok(periods) => week[i] = periods,
                Err(e) => {
                    v.push(&format!("work_week[{i}]"), e);
                    ok = false;
                }
            }
        }
        if ok && week.iter().all(|d| d.is_empty()) {
            v.push("work_week", "must have working hours on at least one day");
            ok = false;
        }
        if !hours_per_day.is_finite() || !(0.5..=24.0).contains(&hours_per_day) {
            v.push("hours_per_day", "must be between 0.5 and 24");
            ok = false;
        }
        ok.then_some(WorkWeek {
            days: week,
            hours_per_day,
        })
    }

    /// The week as seven texts, Monday first.
    pub fn texts(&self) -> Vec<String> {
        self.days.iter().map(|d| format_hours(d)).collect()
    }

    pub fn minutes_per_day(&self) -> i64 {
        (self.hours_per_day * 60.0).round() as i64
    }

    /// The scheduler's calendar: this week with the exceptions laid over
    /// it (a later exception wins where two overlap, which only an
    /// imported file or an older database brings: [`overlapping`]).
    pub fn calendar(&self, exceptions: &[CalendarException]) -> Calendar {
        let mut calendar = Calendar {
            week: self.days.clone(),
            exceptions: Default::default(),
            minutes_per_day: self.minutes_per_day(),
        };
        for e in exceptions {
            for day in e.start.iter_days().take_while(|d| *d <= e.end) {
                calendar.exceptions.insert(day, e.hours.clone());
            }
        }
        calendar
    }

    /// Working days a week, for turning weekly capacity into daily hours.
    pub fn working_days(&self) -> usize {
        self.days.iter().filter(|d| !d.is_empty()).count()
    }
}

/// The first of `exceptions` sharing a day with `start`..=`end`. A
/// calendar's exceptions do not overlap, as in Microsoft Project: where
/// two did, which one a day follows would hang on their order.
pub fn overlapping<'a>(
    exceptions: impl IntoIterator<Item = &'a CalendarException>,
    start: NaiveDate,
    end: NaiveDate,
) -> Option<&'a CalendarException> {
    exceptions
        .into_iter()
        .find(|e| e.start <= end && start <= e.end)
}

/// What a new exception that overlaps `other` is told.
pub fn overlap_message(other: &CalendarException) -> String {
    format!(
        "overlaps the exception \"{}\" ({} to {}): a day has one exception; change or remove that one",
        other.name, other.start, other.end
    )
}

/// Whether `date` is a working day of the week (exceptions aside).
pub fn works_on(week: &WorkWeek, date: NaiveDate) -> bool {
    !week.days[date.weekday().num_days_from_monday() as usize].is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_and_write_back() {
        let periods = parse_hours("08:00-12:00 13:00-17:30").unwrap();
        assert_eq!(periods, [Period::new(480, 720), Period::new(780, 1050)]);
        assert_eq!(format_hours(&periods), "08:00-12:00 13:00-17:30");
        assert_eq!(parse_hours(" off ").unwrap(), []);
        assert_eq!(parse_hours("00:00-24:00").unwrap(), [Period::new(0, 1440)]);
        for bad in [
            "8-12",
            "12:00-08:00",
            "08:00-12:00 11:00-13:00",
            "25:00-26:00",
            "08:60-09:00",
        ] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_week_names_its_bad_days() {
        let mut v = Validation::new();
        let mut days = vec!["08:00-16:00".to_string(); 5];
        days.extend(["".to_string(), "nine to five".to_string()]);
        assert!(WorkWeek::parse(&days, 8.0, &mut v).is_none());
        let errors = v.into_result().unwrap_err();
        assert_eq!(errors[0].field, "work_week[6]");
        let mut v = Validation::new();
        assert!(WorkWeek::parse(&days[..5], 8.0, &mut v).is_none());
        let mut v = Validation::new();
        let off = vec![String::new(); 7];
        assert!(WorkWeek::parse(&off, 8.0, &mut v).is_none());
    }

    #[test]
    fn exceptions_lay_over_the_week() {
        let week = WorkWeek::default();
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let calendar = week.calendar(&[
            CalendarException {
                id: 1,
                name: "Holidays".into(),
                start: day(24),
                end: day(26),
                hours: Vec::new(),
            },
            CalendarException {
                id: 2,
                name: "Short".into(),
                start: day(31),
                end: day(31),
                hours: vec![Period::new(480, 720)],
            },
        ]);
        assert!(calendar.periods(day(25)).is_empty());
        assert_eq!(calendar.periods(day(31)), [Period::new(480, 720)]);
        assert_eq!(calendar.periods(day(28)).len(), 2);
        assert!(works_on(&week, day(28)) && !works_on(&week, day(27)));
    }
}
