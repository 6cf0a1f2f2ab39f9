//! Dates as people type them ("today", "fri", "next week", "2026-12-01")
//! and durations ("3d", "4h", "2w"), resolved against a given today; and the
//! My Work buckets (overdue, today, this week, later) and the due dates
//! each holds.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::rollup::HOURS_PER_DAY;

/// Parses an ISO date or one of the words people use for dates, relative to
/// `today`. A bare weekday is the next such day on or after today; "next"
/// before a weekday means that day in next week.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let text = input.trim().to_lowercase();
    if let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Ok(date);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let resolved = match words.as_slice() {
        ["today"] | ["tod"] => Some(today),
        ["tomorrow"] | ["tom"] | ["tmr"] => today.succ_opt(),
        ["yesterday"] => today.pred_opt(),
        ["next", "week"] => Some(start_of_week(today) + Days::new(7)),
        ["this", "week"] | ["eow"] | ["end", "of", "week"] => {
            Some(start_of_week(today) + Days::new(4))
        }
        ["next", "month"] => today
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1))),
        ["eom"] | ["end", "of", "month"] => today
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .and_then(|d| d.pred_opt()),
        [day] if weekday(day).is_some() => weekday(day).map(|w| next_on_or_after(today, w)),
        ["next", day] if weekday(day).is_some() => weekday(day)
            .map(|w| start_of_week(today) + Days::new(7 + w.num_days_from_monday() as u64)),
        ["in", n, unit] => offset(n, unit).and_then(|days| add_days(today, days)),
        [one] if one.starts_with('+') => {
            let (n, unit) = split_number(&one[1..]);
            offset(n, unit).and_then(|days| add_days(today, days))
        }
        _ => None,
    };
    resolved.ok_or_else(|| {
        format!(
            "'{input}' is not a date: use YYYY-MM-DD, today, tomorrow, a weekday, next week, or +3d"
        )
    })
}

/// A duration in working days: "3d", "1.5d", "4h" (at 8 h a day), "2w"
/// (5 working days a week), or a bare number of days. Negative values are
/// allowed (a lead, for lags).
pub fn parse_work_days(input: &str) -> Result<f64, String> {
    let text = input.trim().to_lowercase();
    let (number, unit) = split_number(&text);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{input}' is not a duration: use a number of days, or 3d, 4h, 2w"))?;
    let days = match unit.trim() {
        "" | "d" | "day" | "days" => value,
        "h" | "hour" | "hours" => value / HOURS_PER_DAY,
        "w" | "wk" | "week" | "weeks" => value * 5.0,
        other => return Err(format!("'{other}' is not a unit: use d, h or w")),
    };
    if !days.is_finite() {
        return Err(format!("'{input}' is not a finite duration"));
    }
    Ok(days)
}

/// Where a task with this due date sits in My Work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Overdue,
    Today,
    ThisWeek,
    Later,
}

impl Bucket {
    pub const ALL: [Bucket; 4] = [
        Bucket::Overdue,
        Bucket::Today,
        Bucket::ThisWeek,
        Bucket::Later,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Bucket::Overdue => "Overdue",
            Bucket::Today => "Today",
            Bucket::ThisWeek => "This week",
            Bucket::Later => "Later",
        }
    }

    /// The bucket's name in URLs and JSON: `overdue`, `today`,
    /// `this_week`, `later`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Overdue => "overdue",
            Bucket::Today => "today",
            Bucket::ThisWeek => "this_week",
            Bucket::Later => "later",
        }
    }

    pub fn parse(name: &str) -> Result<Bucket, String> {
        Bucket::ALL
            .into_iter()
            .find(|b| b.as_str() == name)
            .ok_or_else(|| {
                format!("'{name}' is not a bucket: use overdue, today, this_week or later")
            })
    }

    /// The due dates the buckets hold, as the days each after the first
    /// starts on: overdue is before `edges[0]`, today from `edges[0]` to
    /// before `edges[1]`, this week to before `edges[2]`, later from
    /// `edges[2]` on, and no due date. The buckets are contiguous in due
    /// date order (no date last), so each is one range of it.
    pub fn edges(today: NaiveDate) -> [NaiveDate; 3] {
        let tomorrow = today + Days::new(1);
        let next_monday = start_of_week(today) + Days::new(7);
        [today, tomorrow, next_monday]
    }

    /// The first and the last-plus-one day of this bucket's due dates;
    /// `None` where it is open (overdue has no first day; later no end,
    /// and it holds the tasks with no due date).
    pub fn range(self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let [today, tomorrow, next_monday] = Bucket::edges(today);
        match self {
            Bucket::Overdue => (None, Some(today)),
            Bucket::Today => (Some(today), Some(tomorrow)),
            Bucket::ThisWeek => (Some(tomorrow), Some(next_monday)),
            Bucket::Later => (Some(next_monday), None),
        }
    }
}

/// The bucket of a due date: before today is overdue; this week runs to
/// Sunday; no due date is later.
pub fn bucket(due: Option<NaiveDate>, today: NaiveDate) -> Bucket {
    match due {
        Some(d) if d < today => Bucket::Overdue,
        Some(d) if d == today => Bucket::Today,
        Some(d) if d <= start_of_week(today) + Days::new(6) => Bucket::ThisWeek,
        _ => Bucket::Later,
    }
}

pub fn start_of_week(day: NaiveDate) -> NaiveDate {
    day - Days::new(day.weekday().num_days_from_monday() as u64)
}

fn next_on_or_after(today: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    today + Days::new(ahead as u64)
}

pub(crate) fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

fn split_number(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Calendar days for "3 days", "2 weeks", "d", "w".
fn offset(n: &str, unit: &str) -> Option<i64> {
    let n: i64 = n.parse().ok()?;
    let per = match unit {
        "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        _ => return None,
    };
    Some(n * per)
}

fn add_days(day: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        day.checked_add_days(Days::new(days as u64))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    // 2026-11-18 is a Wednesday.
    const WED: (i32, u32, u32) = (2026, 11, 18);

    fn check(input: &str, expect: NaiveDate) {
        let today = d(WED.0, WED.1, WED.2);
        assert_eq!(parse_date(input, today).unwrap(), expect, "{input}");
    }

    #[test]
    fn words() {
        check("2026-12-01", d(2026, 12, 1));
        check("today", d(2026, 11, 18));
        check("Tomorrow", d(2026, 11, 19));
        check("fri", d(2026, 11, 20));
        check("wed", d(2026, 11, 18));
        check("mon", d(2026, 11, 23));
        check("next fri", d(2026, 11, 27));
        check("next week", d(2026, 11, 23));
        check("next month", d(2026, 12, 1));
        check("eom", d(2026, 11, 30));
        check("in 3 days", d(2026, 11, 21));
        check("+2w", d(2026, 12, 2));
        check("+3d", d(2026, 11, 21));
    }

    #[test]
    fn nonsense_is_refused_with_the_input_named() {
        let err = parse_date("someday", d(2026, 1, 1)).unwrap_err();
        assert!(err.contains("someday"));
        assert!(parse_date("2026-02-30", d(2026, 1, 1)).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_work_days("3d").unwrap(), 3.0);
        assert_eq!(parse_work_days("4h").unwrap(), 0.5);
        assert_eq!(parse_work_days("2w").unwrap(), 10.0);
        assert_eq!(parse_work_days("-1d").unwrap(), -1.0);
        assert_eq!(parse_work_days("1.5").unwrap(), 1.5);
        assert!(parse_work_days("3y").is_err());
        assert!(parse_work_days("abc").is_err());
    }

    #[test]
    fn buckets() {
        let today = d(2026, 11, 18);
        assert_eq!(bucket(Some(d(2026, 11, 17)), today), Bucket::Overdue);
        assert_eq!(bucket(Some(today), today), Bucket::Today);
        assert_eq!(bucket(Some(d(2026, 11, 22)), today), Bucket::ThisWeek);
        assert_eq!(bucket(Some(d(2026, 11, 23)), today), Bucket::Later);
        assert_eq!(bucket(None, today), Bucket::Later);
    }

    #[test]
    fn each_bucket_is_the_range_of_due_dates_it_holds() {
        // Every weekday as today, Sunday (an empty "this week") included.
        for today in (16..=22).map(|day| d(2026, 11, day)) {
            for offset in -10i64..20 {
                let due = add_days(today, offset).unwrap();
                let holder = bucket(Some(due), today);
                for b in Bucket::ALL {
                    let (start, end) = b.range(today);
                    let inside = start.is_none_or(|s| due >= s) && end.is_none_or(|e| due < e);
                    assert_eq!(inside, b == holder, "{due} on {today}: {b:?}");
                }
            }
            assert_eq!(Bucket::Later.range(today).1, None);
            let edges = Bucket::edges(today);
            assert!(edges.windows(2).all(|w| w[0] <= w[1]));
        }
        for b in Bucket::ALL {
            assert_eq!(Bucket::parse(b.as_str()), Ok(b));
        }
        assert!(Bucket::parse("soon").unwrap_err().contains("soon"));
    }
}
