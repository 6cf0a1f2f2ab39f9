//! Recurrence rules expanded by Tandem (the `rrule` crate, through
//! `tandem_domain::recurrence`) against python-dateutil's rrule, an
//! implementation of RFC 5545 written apart from it, on a few hundred
//! generated rules: the same dates, or both refuse.
//!
//! The oracle is `scripts/rrule_oracle.py`, run by `TANDEM_TEST_PYTHON`
//! (`.ci/run` points it at a virtual environment with python-dateutil
//! from PyPI); without that variable, by `python3` if it has dateutil.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};
use tandem_domain::recurrence::{Landing, Rule};

/// A small deterministic generator: the same rules on every run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.roll(of.len() as u64) as usize]
    }
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn rule(dice: &mut Dice, start: NaiveDate) -> String {
    let freq = dice.pick(&["DAILY", "WEEKLY", "MONTHLY", "MONTHLY", "YEARLY"]);
    let mut parts = vec![format!("FREQ={freq}")];
    if dice.roll(2) == 0 {
        parts.push(format!("INTERVAL={}", 1 + dice.roll(4)));
    }
    let ordinals = matches!(freq, "MONTHLY" | "YEARLY");
    if freq == "YEARLY" && dice.roll(2) == 0 {
        parts.push(format!("BYMONTH={}", 1 + dice.roll(12)));
    }
    match dice.roll(5) {
        0 | 1 => {
            // Days all with their place in the month, or none with it:
            // Tandem refuses a mix (see `mixed_days_are_refused`).
            let placed = ordinals && dice.roll(2) == 0;
            let mut days: Vec<String> = Vec::new();
            for _ in 0..1 + dice.roll(3) {
                let day = dice.pick(&DAYS);
                let n = if placed {
                    dice.pick(&["1", "2", "3", "4", "-1", "-2"])
                } else {
                    ""
                };
                let code = format!("{n}{day}");
                if !days.contains(&code) {
                    days.push(code);
                }
            }
            parts.push(format!("BYDAY={}", days.join(",")));
        }
        2 if freq != "WEEKLY" => {
            let day = dice.pick(&["1", "15", "28", "29", "30", "31", "-1", "-3"]);
            parts.push(format!("BYMONTHDAY={day}"));
        }
        3 if ordinals => {
            parts.push("BYDAY=MO,TU,WE,TH,FR".into());
            parts.push(format!("BYSETPOS={}", dice.pick(&["1", "2", "-1", "-2"])));
        }
        _ => {}
    }
    match dice.roll(3) {
        0 => parts.push(format!("COUNT={}", 1 + dice.roll(12))),
        1 => {
            let until = start + chrono::Days::new(30 + dice.roll(700));
            parts.push(format!("UNTIL={}T235959Z", until.format("%Y%m%d")));
        }
        _ => {}
    }
    parts.join(";")
}

#[test]
fn generated_rules_give_the_dates_python_dateutil_gives() {
    let python = std::env::var("TANDEM_TEST_PYTHON").ok();
    let required = python.is_some();
    let python = python.unwrap_or_else(|| "python3".into());
    let has_dateutil = Command::new(&python)
        .args(["-c", "import dateutil.rrule"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_dateutil {
        assert!(!required, "{python} has no python-dateutil");
        eprintln!("skipped: {python} has no python-dateutil (set TANDEM_TEST_PYTHON)");
        return;
    }

    let mut dice = Dice(0x7a4d_3e11_9c05_b2f1);
    let mut cases = Vec::new();
    for _ in 0..400 {
        let start =
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(dice.roll(365 * 10));
        let text = rule(&mut dice, start);
        let except: Vec<NaiveDate> = (0..dice.roll(3))
            .map(|_| start + chrono::Days::new(dice.roll(60)))
            .collect();
        cases.push((start, text, except));
    }

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/rrule_oracle.py");
    let mut oracle = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the oracle starts");
    {
        let mut input = oracle.stdin.take().unwrap();
        for (start, text, except) in &cases {
            let line = json!({"start": start.to_string(), "rule": text, "except": except.iter().map(|d| d.to_string()).collect::<Vec<_>>(), "limit": 25});
            writeln!(input, "{line}").unwrap();
        }
    }
    let output = oracle.wait_with_output().unwrap();
    assert!(output.status.success());
    let answers: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());

    let mut compared = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for ((start, text, except), answer) in cases.iter().zip(&answers) {
        let ours = Rule::parse(text);
        match (ours, answer) {
            (Ok(rule), Value::Array(theirs)) => {
                let dates = rule.dates(*start, except, Landing::AsIs, |_| true, 25);
                let dates: Vec<Value> = dates.iter().map(|d| json!(d.to_string())).collect();
                assert_eq!(&dates, theirs, "{text} from {start}, except {except:?}");
                compared += 1;
                kinds.insert(text.split(';').next().unwrap().to_string());
                if text.contains("BYSETPOS") {
                    kinds.insert("BYSETPOS".into());
                }
                if text.contains("BYDAY=-") || text.contains(",-") {
                    kinds.insert("ordinal".into());
                }
            }
            (Err(ours), Value::Object(theirs)) => {
                eprintln!("both refuse {text}: {ours} / {}", theirs["error"]);
            }
            (ours, theirs) => panic!("{text} from {start}: Tandem {ours:?}, dateutil {theirs}"),
        }
    }
    // Most rules are real comparisons, of every kind generated.
    assert!(compared >= 350, "compared {compared}");
    assert!(kinds.len() >= 6, "{kinds:?}");
    // A year's dates are compared, not only the first few.
    assert!(cases.iter().any(|(s, _, _)| s.year() >= 2029));
}
