//! The quick-add language: one line such as `Write brief @ana #LAUNCH due
//! fri !high` becomes a task's title, owner, project, due date and
//! priority, and `every monday` (or `daily`, `weekly`, `monthly on the
//! 15th`, …) a recurrence rule. Words that are none of those make up the
//! title, in order.
//!
//! Parsing is pure; finding who `@ana` is takes the workspace's members as
//! plain values ([`resolve_person`]).

use chrono::NaiveDate;

use crate::dates::parse_date;
use crate::model::{Priority, ProjectKey, UserRef};
use crate::recurrence::Rule;
use crate::validate::{FieldError, Validation};

/// A parsed quick-add line, before `@person` is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickAdd {
    pub title: String,
    /// What followed `@`, as typed.
    pub person: Option<String>,
    pub project: Option<ProjectKey>,
    pub due: Option<NaiveDate>,
    pub priority: Option<Priority>,
    /// How it repeats, when the line said so (`every 2 weeks on mon`).
    pub repeat: Option<Rule>,
}

/// Parses a quick-add line. `due` takes the longest run of up to three
/// words that reads as a date (`due next fri`, `due in 3 days`), and is a
/// plain word of the title when none does; `!` takes
/// a priority (`!high`, or `!1` to `!4` from urgent to low).
pub fn parse_quick_add(text: &str, today: NaiveDate) -> Result<QuickAdd, Vec<FieldError>> {
    let mut v = Validation::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut title = Vec::new();
    let mut quick = QuickAdd {
        title: String::new(),
        person: None,
        project: None,
        due: None,
        priority: None,
        repeat: None,
    };
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if let Some(name) = word.strip_prefix('@').filter(|n| !n.is_empty()) {
            if quick.person.replace(name.to_string()).is_some() {
                v.push("owner", "name one owner (@name) only");
            }
        } else if let Some(key) = word.strip_prefix('#').filter(|k| !k.is_empty()) {
            match ProjectKey::parse(key) {
                Ok(key) if quick.project.is_none() => quick.project = Some(key),
                Ok(_) => v.push("project", "name one project (#KEY) only"),
                Err(e) => v.push("project", format!("#{key}: {e}")),
            }
        } else if let Some(level) = word.strip_prefix('!').filter(|l| !l.is_empty()) {
            match priority(level) {
                Some(p) => quick.priority = Some(p),
                None => v.push(
                    "priority",
                    format!("!{level} is not a priority: use !urgent, !high, !medium or !low"),
                ),
            }
        } else if word.eq_ignore_ascii_case("due") && i < words.len() {
            let longest = (1..=3.min(words.len() - i)).rev().find_map(|n| {
                parse_date(&words[i..i + n].join(" "), today)
                    .ok()
                    .map(|d| (n, d))
            });
            match longest {
                Some((n, date)) => {
                    quick.due = Some(date);
                    i += n;
                }
                // Not a date: "due" is part of the title ("Pay the due
                // amount").
                None => title.push(word),
            }
        } else if quick.repeat.is_none() && starts_rule(word) {
            // The longest run of words up to the next marker that reads
            // as a rule; none does, and the word is the title's ("Review
            // every PR").
            let end = words[i..]
                .iter()
                .position(|w| is_marker(w))
                .map_or(words.len(), |p| i + p);
            let longest = (i..=end).rev().find_map(|stop| {
                Rule::parse(&words[i - 1..stop].join(" "))
                    .ok()
                    .map(|r| (stop, r))
            });
            match longest {
                Some((stop, rule)) => {
                    quick.repeat = Some(rule);
                    i = stop;
                }
                None => title.push(word),
            }
        } else {
            title.push(word);
        }
    }
    quick.title = title.join(" ");
    if quick.title.is_empty() {
        v.push(
            "title",
            "the task needs a title besides @owner, #project, due and !priority",
        );
    } else if quick.title.chars().count() > 500 {
        v.push("title", "must be at most 500 characters");
    }
    v.finish(|| quick)
}

/// A word a recurrence rule begins with.
fn starts_rule(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "every" | "daily" | "weekly" | "monthly" | "yearly" | "annually"
    )
}

/// A word that begins another part of the line.
fn is_marker(word: &str) -> bool {
    word.starts_with(['@', '#', '!']) || word.eq_ignore_ascii_case("due")
}

fn priority(level: &str) -> Option<Priority> {
    Some(match level.to_ascii_lowercase().as_str() {
        "urgent" | "u" | "1" => Priority::Urgent,
        "high" | "h" | "2" => Priority::High,
        "medium" | "med" | "m" | "3" => Priority::Medium,
        "low" | "l" | "4" => Priority::Low,
        _ => return None,
    })
}

/// Finds who `@name` means among `people`: an exact email, the part of an
/// email before `@`, or a name or its first word, ignoring case. More than
/// one match is an error that lists them, as is none.
pub fn resolve_person<'a>(name: &str, people: &'a [UserRef]) -> Result<&'a UserRef, String> {
    let wanted = name.to_lowercase();
    let tests: [&dyn Fn(&UserRef) -> bool; 3] = [
        &|u| u.email.to_lowercase() == wanted,
        &|u| {
            u.email.split('@').next().map(str::to_lowercase) == Some(wanted.clone())
                || u.name.to_lowercase() == wanted
        },
        &|u| {
            u.name
                .split_whitespace()
                .next()
                .is_some_and(|first| first.to_lowercase() == wanted)
        },
    ];
    for test in tests {
        let found: Vec<&UserRef> = people.iter().filter(|u| test(u)).collect();
        match found.as_slice() {
            [one] => return Ok(one),
            [] => continue,
            many => {
                return Err(format!(
                    "@{name} could be {}",
                    many.iter()
                        .map(|u| u.email.as_str())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
        }
    }
    Err(format!("@{name} is not a member of this workspace"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        // A Wednesday.
        NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
    }

    fn check(
        text: &str,
        expect: (
            &str,
            Option<&str>,
            Option<&str>,
            Option<&str>,
            Option<Priority>,
        ),
    ) {
        let quick = parse_quick_add(text, today()).unwrap();
        let got = (
            quick.title.as_str(),
            quick.person.as_deref(),
            quick.project.as_ref().map(|p| p.as_str()),
            quick.due.map(|d| d.to_string()),
            quick.priority,
        );
        assert_eq!(
            (got.0, got.1, got.2, got.3.as_deref(), got.4),
            expect,
            "{text}"
        );
    }

    #[test]
    fn the_parts_of_a_line() {
        check(
            "Write brief @ana #LAUNCH due fri !high",
            (
                "Write brief",
                Some("ana"),
                Some("LAUNCH"),
                Some("2026-11-20"),
                Some(Priority::High),
            ),
        );
        check(
            "Call the printer",
            ("Call the printer", None, None, None, None),
        );
        check(
            "!1 due next mon Ship #ops it",
            (
                "Ship it",
                None,
                Some("OPS"),
                Some("2026-11-23"),
                Some(Priority::Urgent),
            ),
        );
        check(
            "Renew due in 3 days",
            ("Renew", None, None, Some("2026-11-21"), None),
        );
        // "due" not followed by a date is part of the title.
        check(
            "Pay what is due",
            ("Pay what is due", None, None, None, None),
        );
        check(
            "Pay the due amount",
            ("Pay the due amount", None, None, None, None),
        );
    }

    #[test]
    fn a_rule_in_the_line_makes_it_repeat() {
        let rule = |text: &str| {
            let quick = parse_quick_add(text, today()).unwrap();
            (
                quick.title,
                quick.repeat.map(|r| r.to_string()),
                quick.project.map(|p| p.as_str().to_string()),
            )
        };
        assert_eq!(
            rule("Water plants #OPS every 2 weeks on tue, thu due mon"),
            (
                "Water plants".into(),
                Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH".into()),
                Some("OPS".into())
            )
        );
        assert_eq!(
            rule("Pay rent monthly on the 1st @ana").1.as_deref(),
            Some("FREQ=MONTHLY;BYMONTHDAY=1")
        );
        assert_eq!(
            rule("Backup drill every weekday").1.as_deref(),
            Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
        );
        // Words that read as no rule stay in the title.
        assert_eq!(
            rule("Review every PR before lunch"),
            ("Review every PR before lunch".into(), None, None)
        );
    }

    #[test]
    fn bad_parts_are_named() {
        let fields = |text: &str| -> Vec<String> {
            parse_quick_add(text, today())
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields("@ana #LAUNCH"), ["title"]);
        assert_eq!(fields("Fix !soon"), ["priority"]);
        assert_eq!(fields("Fix #1x"), ["project"]);
        assert_eq!(fields("Fix @ana @bob"), ["owner"]);
    }

    #[test]
    fn people_by_email_name_or_first_name() {
        let people = vec![
            UserRef {
                id: 1,
                email: "ana@x.org".into(),
                name: "Ana Lima".into(),
            },
            UserRef {
                id: 2,
                email: "bob@x.org".into(),
                name: "Bob Stone".into(),
            },
            UserRef {
                id: 3,
                email: "bo@y.org".into(),
                name: "Bo Stone".into(),
            },
        ];
        assert_eq!(resolve_person("ana", &people).unwrap().id, 1);
        assert_eq!(resolve_person("Ana", &people).unwrap().id, 1);
        assert_eq!(resolve_person("bob@x.org", &people).unwrap().id, 2);
        assert_eq!(resolve_person("bo", &people).unwrap().id, 3);
        assert!(
            resolve_person("zed", &people)
                .unwrap_err()
                .contains("not a member")
        );
    }
}
