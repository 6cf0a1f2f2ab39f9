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

use chrono::{Datelike, NaiveDate, TimeZone, Weekday};
use rrule::{RRule, RRuleSet, Tz, Unvalidated};

use crate::dates::weekday as weekday_word;

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
        self.iter(from, except)
            .filter_map(|day| landing.land(day, &working))
            .find(|day| *day > after)
    }

    /// The raw days, lazily, bounded (400 years, [`MAX_OCCURRENCES`] ×
    /// 20 days) so that a rule that lands nowhere (every Saturday,
    /// skipped) ends.
    fn iter(&self, from: NaiveDate, except: &[NaiveDate]) -> impl Iterator<Item = NaiveDate> {
        let mut text = format!("DTSTART:{}\nRRULE:{}", stamp(from), self.0);
        for day in except {
            text.push_str(&format!("\nEXDATE:{}", stamp(*day)));
        }
        let set: Option<RRuleSet> = text.parse().ok();
        set.into_iter()
            .flat_map(|set| set.into_iter())
            .map(|at| at.date_naive())
            .take_while(move |day| day.year() <= from.year() + 400)
            .take(MAX_OCCURRENCES * 20)
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

fn midnight(day: NaiveDate) -> chrono::DateTime<Tz> {
    Tz::UTC.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
}

fn stamp(day: NaiveDate) -> String {
    format!("{}T000000Z", day.format("%Y%m%d"))
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

/// The parts of a rule that plain words can say.
#[derive(Debug, Clone, PartialEq, Default)]
struct Parts {
    freq: Freq,
    interval: u32,
    /// Days, each with its ordinal in the month or year (1MO, -1FR).
    by_day: Vec<(Option<i32>, Weekday)>,
    by_month_day: Vec<i32>,
    by_month: Vec<u32>,
    by_set_pos: Option<i32>,
    count: Option<u32>,
    until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum Freq {
    #[default]
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Freq {
    fn name(self) -> &'static str {
        match self {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
            Freq::Yearly => "YEARLY",
        }
    }
    fn unit(self) -> &'static str {
        match self {
            Freq::Daily => "day",
            Freq::Weekly => "week",
            Freq::Monthly => "month",
            Freq::Yearly => "year",
        }
    }
}

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn day_code(day: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day.num_days_from_monday() as usize]
}

fn day_label(day: Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day.num_days_from_monday() as usize]
}

fn ordinal_word(n: i32) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        4 => "fourth".into(),
        5 => "fifth".into(),
        -1 => "last".into(),
        -2 => "second last".into(),
        n if n > 0 => format!("{n}th"),
        n => format!("{}th last", -n),
    }
}

fn nth(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl Parts {
    fn value(&self) -> String {
        let mut out = format!("FREQ={}", self.freq.name());
        if self.interval > 1 {
            out.push_str(&format!(";INTERVAL={}", self.interval));
        }
        if !self.by_month.is_empty() {
            let months: Vec<_> = self.by_month.iter().map(u32::to_string).collect();
            out.push_str(&format!(";BYMONTH={}", months.join(",")));
        }
        if !self.by_month_day.is_empty() {
            let days: Vec<_> = self.by_month_day.iter().map(i32::to_string).collect();
            out.push_str(&format!(";BYMONTHDAY={}", days.join(",")));
        }
        if !self.by_day.is_empty() {
            let days: Vec<_> = self
                .by_day
                .iter()
                .map(|(n, d)| {
                    format!(
                        "{}{}",
                        n.map(|n| n.to_string()).unwrap_or_default(),
                        day_code(*d)
                    )
                })
                .collect();
            out.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        if let Some(pos) = self.by_set_pos {
            out.push_str(&format!(";BYSETPOS={pos}"));
        }
        if let Some(count) = self.count {
            out.push_str(&format!(";COUNT={count}"));
        }
        if let Some(until) = self.until {
            out.push_str(&format!(";UNTIL={}T235959Z", until.format("%Y%m%d")));
        }
        out
    }

    /// The parts of an `RRULE` value, where words can say all of them.
    fn from_value(value: &str) -> Option<Parts> {
        let mut p = Parts {
            interval: 1,
            ..Parts::default()
        };
        for part in value.split(';') {
            let (name, v) = part.split_once('=')?;
            match name {
                "FREQ" => {
                    p.freq = match v {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        "YEARLY" => Freq::Yearly,
                        _ => return None,
                    }
                }
                "INTERVAL" => p.interval = v.parse().ok()?,
                "COUNT" => p.count = Some(v.parse().ok()?),
                "UNTIL" => p.until = NaiveDate::parse_from_str(v.get(..8)?, "%Y%m%d").ok(),
                "BYSETPOS" => p.by_set_pos = Some(v.parse().ok()?),
                "BYMONTH" => {
                    p.by_month = v
                        .split(',')
                        .map(|m| m.parse().ok())
                        .collect::<Option<_>>()?
                }
                "BYMONTHDAY" => {
                    p.by_month_day = v
                        .split(',')
                        .map(|m| m.parse().ok())
                        .collect::<Option<_>>()?
                }
                "BYDAY" => {
                    for code in v.split(',') {
                        let at = code.len().checked_sub(2)?;
                        let day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
                            .iter()
                            .position(|c| *c == &code[at..])?;
                        let n = if at == 0 {
                            None
                        } else {
                            Some(code[..at].trim_start_matches('+').parse().ok()?)
                        };
                        p.by_day.push((n, Weekday::try_from(day as u8).ok()?));
                    }
                }
                "WKST" if v == "MO" => {}
                _ => return None,
            }
        }
        Some(p)
    }

    fn describe(&self) -> Option<String> {
        let mut out = match (self.interval, self.freq) {
            (1, Freq::Daily) => "Every day".to_string(),
            (1, f) => format!("Every {}", f.unit()),
            (n, f) => format!("Every {n} {}s", f.unit()),
        };
        let plain_days = self.by_day.iter().all(|(n, _)| n.is_none());
        let days: Vec<Weekday> = self.by_day.iter().map(|(_, d)| *d).collect();
        let weekdays = days == WEEKDAYS;
        if !self.by_month.is_empty() {
            let months: Vec<_> = self
                .by_month
                .iter()
                .map(|m| MONTHS.get(*m as usize - 1).map(|s| capitalised(s)))
                .collect::<Option<_>>()?;
            out.push_str(&format!(" in {}", months.join(", ")));
        }
        if let Some(pos) = self.by_set_pos {
            if !plain_days || days.is_empty() {
                return None;
            }
            let what = if weekdays {
                "weekday".to_string()
            } else {
                days.iter()
                    .map(|d| day_label(*d))
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            out.push_str(&format!(" on the {} {what}", ordinal_word(pos)));
        } else if !self.by_day.is_empty() {
            if plain_days && weekdays && self.interval == 1 && self.freq == Freq::Weekly {
                out = "Every weekday".into();
            } else {
                let said: Vec<_> = self
                    .by_day
                    .iter()
                    .map(|(n, d)| match n {
                        Some(n) => format!("the {} {}", ordinal_word(*n), day_label(*d)),
                        None => day_label(*d).to_string(),
                    })
                    .collect();
                out.push_str(&format!(" on {}", said.join(", ")));
            }
        }
        if !self.by_month_day.is_empty() {
            let said: Vec<_> = self
                .by_month_day
                .iter()
                .map(|d| match d {
                    -1 => "the last day".to_string(),
                    d if *d < 0 => format!("the {} last day", nth(-d)),
                    d => format!("the {}", nth(*d)),
                })
                .collect();
            out.push_str(&format!(" on {}", said.join(", ")));
        }
        if let Some(count) = self.count {
            out.push_str(&format!(
                ", {count} time{}",
                if count == 1 { "" } else { "s" }
            ));
        }
        if let Some(until) = self.until {
            out.push_str(&format!(", until {until}"));
        }
        Some(out)
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn ordinal(word: &str) -> Option<i32> {
    Some(match word {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" => -1,
        _ => return None,
    })
}

/// A day of the month, "15th", "15", "1st".
fn month_day(word: &str) -> Option<i32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// A month by its name or the name's first three letters or more.
fn month(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (word.len() >= 3)
        .then(|| NAMES.iter().position(|m| m.starts_with(word)))
        .flatten()
        .map(|i| i as u32 + 1)
}

fn unit(word: &str) -> Option<Freq> {
    Some(match word.trim_end_matches('s') {
        "day" => Freq::Daily,
        "week" => Freq::Weekly,
        "month" => Freq::Monthly,
        "year" => Freq::Yearly,
        _ => return None,
    })
}

/// Days named in words: "tue", "tuesday", "weekday(s)", "weekend".
fn days_word(word: &str) -> Option<Vec<Weekday>> {
    match word {
        "weekday" | "weekdays" => Some(WEEKDAYS.to_vec()),
        "weekend" | "weekends" => Some(vec![Weekday::Sat, Weekday::Sun]),
        w => weekday_word(w.trim_end_matches('s'))
            .or_else(|| weekday_word(w))
            .map(|d| vec![d]),
    }
}

/// Plain words into parts. The grammar, loosely: a frequency ("daily",
/// "weekly", "every 2 weeks", "every weekday", "every tue and thu"), then
/// where in it ("on tue, thu", "on the last fri", "on the 15th", "on the
/// first weekday", "on mar 15"), then an end ("until 2027-06-30", "10
/// times"). "The fourth friday of each month" says it all at once.
fn words(text: &str) -> Result<Parts, String> {
    let lowered = text.to_lowercase().replace([',', '.'], " ");
    let words: Vec<&str> = lowered
        .split_whitespace()
        .filter(|w| !matches!(*w, "and" | "&"))
        .collect();
    let mut p = Parts {
        interval: 1,
        ..Parts::default()
    };
    let mut i = 0;
    let unknown = |w: &str| {
        format!(
            "has \"{w}\", which is not understood: try \"every 2 weeks on tue\", \"monthly on the last fri\" or FREQ=MONTHLY;BYDAY=-1FR"
        )
    };
    let at = |i: usize| words.get(i).copied();
    // The frequency.
    let mut freq = None;
    match at(i) {
        Some("daily") => freq = Some(Freq::Daily),
        Some("weekly") => freq = Some(Freq::Weekly),
        Some("fortnightly" | "biweekly") => {
            freq = Some(Freq::Weekly);
            p.interval = 2;
        }
        Some("monthly") => freq = Some(Freq::Monthly),
        Some("yearly" | "annually") => freq = Some(Freq::Yearly),
        Some("every" | "each") => {
            i += 1;
            if at(i) == Some("other") {
                p.interval = 2;
                i += 1;
            } else if let Some(n) = at(i).and_then(|w| w.parse::<u32>().ok()) {
                if n == 0 {
                    return Err("repeats every 0: give 1 or more".into());
                }
                p.interval = n;
                i += 1;
            }
            if let Some(f) = at(i).and_then(unit) {
                freq = Some(f);
            } else if let Some(days) = at(i).and_then(days_word) {
                // "every weekday", "every tue thu": weekly on those days.
                freq = Some(Freq::Weekly);
                p.by_day = days.into_iter().map(|d| (None, d)).collect();
                while let Some(more) = at(i + 1).and_then(days_word) {
                    p.by_day.extend(more.into_iter().map(|d| (None, d)));
                    i += 1;
                }
            } else {
                return Err(unknown(at(i).unwrap_or("every")));
            }
        }
        _ => {}
    }
    if freq.is_some() {
        i += 1;
    }
    // Where in it.
    while let Some(w) = at(i) {
        match w {
            "on" | "the" | "at" | "in" | "of" | "each" | "every" => {
                i += 1;
            }
            "month" | "months" if freq.is_none() || freq == Some(Freq::Monthly) => {
                freq = Some(Freq::Monthly);
                i += 1;
            }
            "until" => {
                let day = at(i + 1).ok_or("ends with \"until\": give a date, 2027-06-30")?;
                p.until =
                    Some(NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
                        format!("has \"until {day}\": write the date as 2027-06-30")
                    })?);
                i += 2;
            }
            "for" => i += 1,
            "times" | "time" | "occurrences" => i += 1,
            w if w.parse::<u32>().is_ok()
                && matches!(at(i + 1), Some("times" | "time" | "occurrences")) =>
            {
                let n: u32 = w.parse().expect("digits");
                if n == 0 {
                    return Err("repeats 0 times: give 1 or more".into());
                }
                p.count = Some(n);
                i += 2;
            }
            "count" => {
                let n = at(i + 1)
                    .and_then(|n| n.parse::<u32>().ok())
                    .filter(|n| *n > 0)
                    .ok_or("has \"count\" without a number of times")?;
                p.count = Some(n);
                i += 2;
            }
            w if ordinal(w).is_some() => {
                let n = ordinal(w).expect("an ordinal");
                // "the second last fri".
                let (n, next) = if n == 2 && at(i + 1) == Some("last") {
                    (-2, i + 2)
                } else {
                    (n, i + 1)
                };
                match at(next) {
                    Some("day") => {
                        p.by_month_day.push(n);
                        freq.get_or_insert(Freq::Monthly);
                        i = next + 1;
                    }
                    Some("weekday" | "weekdays") => {
                        p.by_day = WEEKDAYS.iter().map(|d| (None, *d)).collect();
                        p.by_set_pos = Some(n);
                        freq.get_or_insert(Freq::Monthly);
                        i = next + 1;
                    }
                    Some(d) if weekday_word(d).is_some() => {
                        p.by_day.push((Some(n), weekday_word(d).expect("a day")));
                        freq.get_or_insert(Freq::Monthly);
                        i = next + 1;
                    }
                    _ if n > 0 && w.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                        // "on the 1st": a day of the month.
                        p.by_month_day.push(n);
                        freq.get_or_insert(Freq::Monthly);
                        i = next;
                    }
                    _ => return Err(unknown(w)),
                }
            }
            w if month_day(w).is_some() => {
                p.by_month_day.push(month_day(w).expect("a day"));
                freq.get_or_insert(Freq::Monthly);
                i += 1;
            }
            w if month(w).is_some() => {
                p.by_month.push(month(w).expect("a month"));
                freq = Some(Freq::Yearly);
                i += 1;
            }
            w if days_word(w).is_some() => {
                p.by_day
                    .extend(days_word(w).expect("days").into_iter().map(|d| (None, d)));
                freq.get_or_insert(Freq::Weekly);
                i += 1;
            }
            w => return Err(unknown(w)),
        }
    }
    p.freq = freq.ok_or_else(|| unknown(text))?;
    // "monthly on tue" is every Tuesday of the month, as RFC 5545 reads it;
    // a yearly rule's day of month needs its month.
    if p.freq == Freq::Yearly && !p.by_month_day.is_empty() && p.by_month.is_empty() {
        return Err("gives a day of the month but no month: say \"yearly on mar 15\"".into());
    }
    if p.by_month.iter().any(|m| !(1..=12).contains(m)) {
        return Err("names no month".into());
    }
    p.by_day.dedup();
    Ok(p)
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
            assert_eq!(Rule::parse(text).unwrap().describe(), words, "{text}");
        }
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
}
