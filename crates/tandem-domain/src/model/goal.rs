//! Goals: what the organisation wants to be true by the end of a period,
//! in a tree (company → team → personal), measured by key results, by
//! the projects and tasks that serve them, or by their sub-goals. How
//! progress and status follow from these is [`crate::goals`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::*;
use crate::validate::{FieldError, Validation, check_date, optional_text, required_text, text};

/// A goal's time period: the days it is judged over, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Reads `2027`, `2027-H1`, `2027-Q3`, `2027-03` or
    /// `2027-01-15..2027-04-30`.
    pub fn parse(s: &str) -> Result<Period, String> {
        const SHAPES: &str = "must be a year (2027), a half (2027-H1), a quarter (2027-Q3), a month (2027-03) \
             or two dates (2027-01-15..2027-04-30)";
        let s = s.trim().to_ascii_uppercase();
        if let Some((a, b)) = s.split_once("..") {
            let date = |d: &str| {
                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("{} is not a date (YYYY-MM-DD)", d.trim()))
            };
            let (start, end) = (date(a)?, date(b)?);
            if end < start {
                return Err("ends before it starts".into());
            }
            return Period::checked(start, end);
        }
        let (year, part) = match s.split_once('-') {
            Some((y, p)) => (y, Some(p)),
            None => (s.as_str(), None),
        };
        let year: i32 = year
            .parse()
            .ok()
            .filter(|y| (1900..=2199).contains(y))
            .ok_or_else(|| SHAPES.to_string())?;
        let months = match part {
            None => (1, 12),
            Some("H1") => (1, 6),
            Some("H2") => (7, 12),
            Some(q) if q.len() == 2 && q.starts_with('Q') => match &q[1..] {
                "1" => (1, 3),
                "2" => (4, 6),
                "3" => (7, 9),
                "4" => (10, 12),
                _ => return Err(SHAPES.into()),
            },
            Some(m) => match m.parse::<u32>() {
                Ok(m) if (1..=12).contains(&m) => (m, m),
                _ => return Err(SHAPES.into()),
            },
        };
        let start = NaiveDate::from_ymd_opt(year, months.0, 1).ok_or_else(|| SHAPES.to_string())?;
        Period::checked(start, last_day_of(year, months.1))
    }

    fn checked(start: NaiveDate, end: NaiveDate) -> Result<Period, String> {
        let mut v = Validation::new();
        check_date(Some(start), "period", &mut v);
        check_date(Some(end), "period", &mut v);
        match v.into_result() {
            Ok(()) => Ok(Period { start, end }),
            Err(_) => Err("must lie between 1900-01-01 and 2199-12-31".into()),
        }
    }

    /// Its shortest name: `2027-H1` where it is one, else `start..end`.
    pub fn label(&self) -> String {
        let (y, m0, m1) = (self.start.year(), self.start.month(), self.end.month());
        let whole = self.start.day() == 1 && self.end.year() == y && self.end == last_day_of(y, m1);
        match (whole, m0, m1) {
            (true, 1, 12) => format!("{y}"),
            (true, 1, 6) => format!("{y}-H1"),
            (true, 7, 12) => format!("{y}-H2"),
            (true, a, b) if b == a + 2 && a % 3 == 1 => format!("{y}-Q{}", a / 3 + 1),
            (true, a, b) if a == b => format!("{y}-{a:02}"),
            _ => format!("{}..{}", self.start, self.end),
        }
    }

    /// How much of it has passed on `today`, 0 to 1.
    pub fn elapsed(&self, today: NaiveDate) -> f64 {
        let days = (self.end - self.start).num_days() + 1;
        let gone = (today - self.start).num_days() + 1;
        (gone as f64 / days as f64).clamp(0.0, 1.0)
    }
}

fn last_day_of(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .expect("the day before the first of a month exists")
}

/// A measurable result of a goal: a metric moving from `start` to
/// `target` (up or down), its `current` value set by hand or by the API.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResult {
    pub id: Id,
    pub name: String,
    pub unit: Option<String>,
    pub start: f64,
    pub target: f64,
    pub current: f64,
    pub updated_at: DateTime<Utc>,
}

impl KeyResult {
    /// Its fields as an input, for a partial update.
    pub fn fields(&self) -> KeyResultFields {
        KeyResultFields {
            name: self.name.clone(),
            unit: self.unit.clone(),
            start: self.start,
            target: self.target,
            current: self.current,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyResultFields {
    pub name: String,
    pub unit: Option<String>,
    pub start: f64,
    pub target: f64,
    pub current: f64,
}

impl KeyResultFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        if let Some(unit) = &self.unit {
            text(unit, "unit", 40, &mut v);
        }
        for (field, value) in [
            ("start", self.start),
            ("target", self.target),
            ("current", self.current),
        ] {
            if !value.is_finite() || value.abs() > 1e15 {
                v.push(field, "must be a number between -1e15 and 1e15");
            }
        }
        if self.start == self.target {
            v.push(
                "target",
                "must differ from start (a result moves from one to the other)",
            );
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: Id,
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<UserRef>,
    pub period: Option<Period>,
    pub parent_id: Option<Id>,
    /// What its owner says it is; `None` lets Tandem derive it.
    pub status: Option<GoalStatus>,
    /// What its progress is measured by; `None` takes the first it has of
    /// key results, sub-goals, projects and tasks.
    pub measure: Option<GoalMeasure>,
    /// How much it counts in its parent's progress, against its siblings.
    pub weight: f64,
    pub key_results: Vec<KeyResult>,
    /// The projects and tasks that serve it, every one, whoever reads:
    /// callers show only those the reader may open.
    pub project_ids: Vec<Id>,
    pub task_ids: Vec<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A goal as written: its projects and tasks by key.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalFields {
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<Email>,
    pub period: Option<Period>,
    pub parent: Option<Id>,
    pub status: Option<GoalStatus>,
    pub measure: Option<GoalMeasure>,
    pub weight: f64,
    pub projects: Vec<ProjectKey>,
    pub tasks: Vec<TaskKey>,
}

pub const DEFAULT_GOAL_WEIGHT: f64 = 1.0;

impl GoalFields {
    pub fn new(title: impl Into<String>) -> Self {
        GoalFields {
            title: title.into(),
            description: None,
            owner: None,
            period: None,
            parent: None,
            status: None,
            measure: None,
            weight: DEFAULT_GOAL_WEIGHT,
            projects: Vec::new(),
            tasks: Vec::new(),
        }
    }

    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.title), "title", 200, &mut v);
        optional_text(self.description.as_deref(), "description", 10_000, &mut v);
        if !self.weight.is_finite() || !(0.0..=1000.0).contains(&self.weight) {
            v.push("weight", "must be a number from 0 to 1000");
        }
        let mut seen = HashSet::new();
        if let Some(twice) = self.projects.iter().find(|k| !seen.insert(k.as_str())) {
            v.push("projects", format!("names {twice} twice"));
        }
        let mut seen = HashSet::new();
        if let Some(twice) = self.tasks.iter().find(|k| !seen.insert(*k)) {
            v.push("tasks", format!("names {} twice", task_key_text(twice)));
        }
        if let Some(personal) = self
            .tasks
            .iter()
            .find(|k| matches!(k, TaskKey::Personal { .. }))
        {
            v.push(
                "tasks",
                format!(
                    "{} is a personal task: a goal is served by projects' tasks",
                    task_key_text(personal)
                ),
            );
        }
        v.into_result()
    }
}

pub fn task_key_text(key: &TaskKey) -> String {
    match key {
        TaskKey::Project { project, number } => TaskKey::format(Some(project), *number, 0),
        TaskKey::Personal { id } => TaskKey::format(None, 0, *id),
    }
}

/// Whether giving goal `id` the parent `parent` would make it its own
/// ancestor, given every goal's parent now (`parents`).
pub fn goal_cycle(id: Id, parent: Option<Id>, parents: &HashMap<Id, Option<Id>>) -> bool {
    let mut at = parent;
    let mut seen = HashSet::new();
    while let Some(p) = at {
        if p == id || !seen.insert(p) {
            return true;
        }
        at = parents.get(&p).copied().flatten();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_read_and_print_by_their_shortest_name() {
        for (text, start, end) in [
            ("2027", "2027-01-01", "2027-12-31"),
            ("2027-H1", "2027-01-01", "2027-06-30"),
            ("2027-h2", "2027-07-01", "2027-12-31"),
            ("2027-Q1", "2027-01-01", "2027-03-31"),
            ("2028-Q4", "2028-10-01", "2028-12-31"),
            ("2028-02", "2028-02-01", "2028-02-29"),
            ("2027-01-15..2027-04-30", "2027-01-15", "2027-04-30"),
        ] {
            let p = Period::parse(text).unwrap();
            assert_eq!((p.start, p.end), (d(start), d(end)), "{text}");
            assert_eq!(p.label(), text.to_ascii_uppercase(), "{text}");
        }
        for bad in [
            "H1",
            "2027-H3",
            "2027-Q5",
            "2027-13",
            "2027-04-30..2027-01-15",
            "9999",
            "",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn elapsed_runs_from_nothing_before_to_all_after() {
        let p = Period::parse("2027-Q1").unwrap();
        assert_eq!(p.elapsed(d("2026-12-01")), 0.0);
        assert_eq!(p.elapsed(d("2027-03-31")), 1.0);
        assert!((p.elapsed(d("2027-02-14")) - 45.0 / 90.0).abs() < 1e-9);
    }

    #[test]
    fn a_goal_is_never_its_own_ancestor() {
        let parents = HashMap::from([(1, None), (2, Some(1)), (3, Some(2))]);
        assert!(goal_cycle(1, Some(3), &parents));
        assert!(goal_cycle(2, Some(2), &parents));
        assert!(!goal_cycle(3, Some(1), &parents));
        assert!(!goal_cycle(1, None, &parents));
    }

    #[test]
    fn a_key_result_must_move() {
        let kr = KeyResultFields {
            name: "NPS".into(),
            unit: None,
            start: 30.0,
            target: 30.0,
            current: 30.0,
        };
        let errors = kr.check().unwrap_err();
        assert_eq!(errors[0].field, "target");
    }
}
