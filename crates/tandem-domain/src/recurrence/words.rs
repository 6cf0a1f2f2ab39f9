//! Plain words of recurrence rules: what people type ("every 2 weeks on
//! tue, thu", "monthly on the last fri") into the parts of an `RRULE`,
//! and a rule's parts back into words. Not here: checking or expanding a
//! rule (the parent module, through the `rrule` crate).

use chrono::{NaiveDate, Weekday};

use crate::dates::weekday as weekday_word;

/// The parts of a rule that plain words can say.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Parts {
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
    pub(super) fn value(&self) -> String {
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
    pub(super) fn from_value(value: &str) -> Option<Parts> {
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

    pub(super) fn describe(&self) -> Option<String> {
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
pub(super) fn words(text: &str) -> Result<Parts, String> {
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
