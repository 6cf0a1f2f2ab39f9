//! Tasks: the entity as read back, how one is held in the plan, a
//! reference to one, and its fields as an input with their rules.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::*;
use crate::validate::{FieldError, Validation, check_characters, check_date, required_text};

#[derive(Debug, Clone, PartialEq)]
pub struct ThreePoint {
    pub optimistic: f64,
    pub likely: f64,
    pub pessimistic: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: Id,
    pub key: String,
    pub project: Option<ProjectRef>,
    pub number: i64,
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<UserRef>,
    pub collaborators: Vec<UserRef>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub three_point: Option<ThreePoint>,
    pub percent_complete: i64,
    pub schedule: TaskScheduling,
    /// Whose dates rule it, from `schedule.mode` and its shape as read.
    pub scheduling: Scheduling,
    pub parent: Option<TaskRef>,
    pub phase_id: Option<Id>,
    pub milestone_id: Option<Id>,
    pub tags: Vec<String>,
    pub blocked_reason: Option<String>,
    pub created_by: Option<UserRef>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// How a task is held in the plan beyond its estimate: an explicit
/// constraint (without one, a start date means "start no earlier than"),
/// and the actual start and finish of work, local to the project's
/// calendar. Minute precision, as Microsoft Project keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TaskScheduling {
    pub constraint_type: Option<ConstraintType>,
    pub constraint_date: Option<NaiveDateTime>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_finish: Option<NaiveDateTime>,
    /// Whether its own dates or the plan's rule it, as a person chose.
    pub mode: SchedulingMode,
    /// Working minutes levelling put its start off by (Microsoft
    /// Project's levelling delay); 0 for none. Levelling sets it, clearing
    /// levelling takes it away.
    pub levelling_delay: i64,
}

impl TaskScheduling {
    /// Which dates rule a task held so, dated from `start` to `due`, in a
    /// plan where it is `tied` (linked, or with subtasks) or not.
    pub fn rule(&self, start: Option<NaiveDate>, due: Option<NaiveDate>, tied: bool) -> Scheduling {
        Scheduling::of(
            self.mode,
            start.is_some() || due.is_some(),
            tied,
            self.constraint_type.is_some(),
        )
    }

    fn check(&self, v: &mut Validation) {
        check_date(self.constraint_date.map(|d| d.date()), "constraint_date", v);
        check_date(self.actual_start.map(|d| d.date()), "actual_start", v);
        check_date(self.actual_finish.map(|d| d.date()), "actual_finish", v);
        // Ten years of eight-hour days is past any plan's horizon.
        if !(0..=10 * 366 * 24 * 60).contains(&self.levelling_delay) {
            v.push(
                "levelling_delay",
                "must be between 0 and ten years of working time",
            );
        }
        match (self.constraint_type, self.constraint_date) {
            (Some(kind), None) if kind.has_date() => v.push(
                "constraint_date",
                format!("a {kind} constraint needs a date"),
            ),
            (Some(kind), Some(_)) if !kind.has_date() => v.push(
                "constraint_date",
                format!("a {kind} constraint takes no date"),
            ),
            (None, Some(_)) => v.push("constraint_type", "a constraint date needs a type"),
            _ => {}
        }
        match (self.actual_start, self.actual_finish) {
            (None, Some(_)) => v.push("actual_start", "a task that finished has started"),
            (Some(start), Some(finish)) if finish < start => {
                v.push("actual_finish", "must not be before actual_start")
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TaskRef {
    pub id: Id,
    pub key: String,
    pub title: String,
}

impl Task {
    /// The task's fields as an input, for applying a partial update.
    pub fn fields(&self) -> TaskFields {
        TaskFields {
            title: self.title.clone(),
            description: self.description.clone(),
            owner: self
                .owner
                .as_ref()
                .and_then(|u| Email::parse(&u.email).ok()),
            collaborators: self
                .collaborators
                .iter()
                .filter_map(|u| Email::parse(&u.email).ok())
                .collect(),
            status: self.status,
            priority: self.priority,
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point: self.three_point.clone(),
            percent_complete: self.percent_complete,
            schedule: self.schedule,
            parent: self.parent.as_ref().map(|p| p.key.clone()),
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            tags: self.tags.clone(),
            blocked_reason: self.blocked_reason.clone(),
        }
    }
}

/// The fields of a task, complete, as for [`ProjectFields`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFields {
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<Email>,
    pub collaborators: Vec<Email>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub three_point: Option<ThreePoint>,
    pub percent_complete: i64,
    pub schedule: TaskScheduling,
    pub parent: Option<String>,
    pub phase_id: Option<Id>,
    pub milestone_id: Option<Id>,
    pub tags: Vec<String>,
    pub blocked_reason: Option<String>,
}

impl TaskFields {
    /// A task titled `title` with every other field at its default.
    pub fn titled(title: impl Into<String>) -> Self {
        TaskFields {
            title: title.into(),
            description: None,
            owner: None,
            collaborators: Vec::new(),
            status: TaskStatus::Todo,
            priority: Priority::None,
            start_date: None,
            due_date: None,
            estimate_days: None,
            effort_hours: None,
            three_point: None,
            percent_complete: 0,
            schedule: TaskScheduling::default(),
            parent: None,
            phase_id: None,
            milestone_id: None,
            tags: Vec::new(),
            blocked_reason: None,
        }
    }

    /// The rules of a task's fields. A due date is a commitment, as
    /// Microsoft Project's deadline is, not the task's end: work may
    /// start or finish after it (a start moved on the timeline, a plan
    /// that runs late), which the schedule and the pages show as late
    /// rather than refuse.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.title), "title", 500, &mut v);
        if let Some(description) = &self.description {
            if description.len() > 100_000 {
                v.push("description", "must be at most 100000 bytes");
            }
            check_characters(description, "description", true, &mut v);
        }
        check_date(self.start_date, "start_date", &mut v);
        check_date(self.due_date, "due_date", &mut v);
        for (field, value) in [
            ("estimate_days", self.estimate_days),
            ("effort_hours", self.effort_hours),
        ] {
            if value.is_some_and(|x| !x.is_finite() || !(0.0..=100_000.0).contains(&x)) {
                v.push(field, "must be between 0 and 100000");
            }
        }
        if let Some(tp) = &self.three_point {
            let all = [tp.optimistic, tp.likely, tp.pessimistic];
            if all.iter().any(|x| !x.is_finite() || *x < 0.0) {
                v.push("three_point", "must be zero or more days each");
            } else if !(tp.optimistic <= tp.likely && tp.likely <= tp.pessimistic) {
                v.push(
                    "three_point",
                    "must run from optimistic to most likely to pessimistic, each no more than the next",
                );
            }
        }
        if !(0..=100).contains(&self.percent_complete) {
            v.push("percent_complete", "must be between 0 and 100");
        }
        self.schedule.check(&mut v);
        if self.schedule.mode == SchedulingMode::Dated
            && self.start_date.is_none()
            && self.due_date.is_none()
        {
            v.push(
                "scheduling",
                "a dated task keeps its start or due date: give one, or choose scheduled or auto",
            );
        }
        if self.tags.len() > 50 {
            v.push("tags", "at most 50 tags");
        }
        if self.collaborators.len() > 100 {
            v.push("collaborators", "at most 100 collaborators");
        }
        if let Some(reason) = &self.blocked_reason {
            if reason.chars().count() > 2000 {
                v.push("blocked_reason", "must be at most 2000 characters");
            }
            check_characters(reason, "blocked_reason", true, &mut v);
        }
        v.into_result()
    }

    /// Keeps the fields consistent with the status: a done task is 100 %
    /// complete, and only a blocked task has a blocked reason.
    pub fn normalize(&mut self) {
        if self.status == TaskStatus::Done {
            self.percent_complete = 100;
        }
        if self.status != TaskStatus::Blocked {
            self.blocked_reason = None;
        }
        self.tags.sort();
        self.tags.dedup();
        self.collaborators
            .sort_by(|a, b| a.as_str().cmp(b.as_str()));
        self.collaborators.dedup();
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub project: Option<ProjectKey>,
    pub fields: TaskFields,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_rules_report_every_field() {
        let mut fields = TaskFields::titled("  ");
        fields.percent_complete = 120;
        fields.start_date = NaiveDate::from_ymd_opt(2026, 5, 2);
        fields.due_date = NaiveDate::from_ymd_opt(2300, 5, 1);
        fields.three_point = Some(ThreePoint {
            optimistic: 3.0,
            likely: 2.0,
            pessimistic: 4.0,
        });
        let errors = fields.check().unwrap_err();
        let named: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            named,
            ["title", "due_date", "three_point", "percent_complete"]
        );
    }

    #[test]
    fn work_may_start_after_its_due_date() {
        let mut fields = TaskFields::titled("Survey");
        fields.start_date = NaiveDate::from_ymd_opt(2027, 1, 20);
        fields.due_date = NaiveDate::from_ymd_opt(2027, 1, 15);
        assert_eq!(fields.check(), Ok(()));
    }

    #[test]
    fn done_tasks_are_complete_and_unblocked() {
        let mut fields = TaskFields::titled("x");
        fields.blocked_reason = Some("waiting".into());
        fields.status = TaskStatus::Done;
        fields.tags = vec!["b".into(), "a".into(), "b".into()];
        fields.normalize();
        assert_eq!(fields.percent_complete, 100);
        assert_eq!(fields.blocked_reason, None);
        assert_eq!(fields.tags, ["a", "b"]);
    }
}
