//! Tasks: quick add, creating and changing one, how one is shown, and a
//! page of the task list. Links between tasks are in `dependencies`.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

use crate::common::{double_option, email_field, format_local, local_time, patch_email};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreePointView {
    pub optimistic: f64,
    pub likely: f64,
    pub pessimistic: f64,
}

/// One line that becomes a task: `Write brief @ana #WEB due fri !high`
/// (the title; `@person` by email, name or first name; `#PROJECT`; `due`
/// and a date or date words; `!priority`: low, medium, high or urgent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickAdd {
    #[schemars(required)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    #[schemars(required)]
    pub title: Option<String>,
    /// The project's key; none for a personal task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owner's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collaborators: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Duration estimate in working days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_point: Option<ThreePointView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<i64>,
    /// asap, alap, snet, snlt, fnet, fnlt, mso or mfo; without one, a start
    /// date means "start no earlier than".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<ConstraintType>,
    /// `YYYY-MM-DDTHH:MM`, or a date (the start of its working day for
    /// start constraints, the end for finish constraints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_date: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, or a date (08:00).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_start: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, or a date (17:00).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_finish: Option<String>,
    /// `dated` keeps the start and due date as given (a manually
    /// scheduled task in Microsoft Project); `scheduled` lets its links,
    /// estimate and constraint place it; `auto` (the default) is dated
    /// while it has a date and no link, subtask or constraint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<SchedulingMode>,
    /// The parent task's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
    /// Makes it a recurring task, its first occurrence on its due date
    /// (required then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<crate::RepeatInput>,
    /// Adds it from this task template, with its subtasks, their dates
    /// around `due_date`. With a template, only `title` (empty keeps the
    /// template's), `project`, `owner`, `due_date` and `template_version`
    /// may be given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The task template's version (its newest when left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_version: Option<i64>,
}

fn emails(v: &mut Validation, field: &str, list: &[String]) -> Vec<Email> {
    list.iter()
        .filter_map(|e| v.take(field, Email::parse(e)))
        .collect()
}

fn tags(v: &mut Validation, list: &[String]) -> Vec<String> {
    list.iter()
        .filter_map(|t| v.take("tags", parse_tag(t)))
        .collect()
}

/// Whether a bare constraint date means the start (08:00) or the end
/// (17:00) of its working day.
pub(crate) fn constraint_hour(kind: Option<ConstraintType>) -> u32 {
    match kind {
        Some(ConstraintType::Fnet | ConstraintType::Fnlt | ConstraintType::Mfo) => 17,
        _ => 8,
    }
}

fn three_point(tp: ThreePointView) -> ThreePoint {
    ThreePoint {
        optimistic: tp.optimistic,
        likely: tp.likely,
        pessimistic: tp.pessimistic,
    }
}

impl CreateTask {
    pub fn into_domain(self) -> Result<NewTask, Vec<FieldError>> {
        let mut v = Validation::new();
        for (field, given) in [
            ("template", self.template.is_some()),
            ("template_version", self.template_version.is_some()),
        ] {
            if given {
                v.push(field, "is only for a task added from a task template");
            }
        }
        let project = self
            .project
            .as_deref()
            .and_then(|k| v.take("project", ProjectKey::parse(k)));
        let title = validate::required_text(self.title.as_deref(), "title", 500, &mut v);
        let fields = TaskFields {
            title,
            description: self.description.filter(|d| !d.trim().is_empty()),
            owner: email_field(&mut v, "owner", self.owner.as_deref()),
            collaborators: emails(
                &mut v,
                "collaborators",
                self.collaborators.as_deref().unwrap_or_default(),
            ),
            status: self.status.unwrap_or(TaskStatus::Todo),
            priority: self.priority.unwrap_or(Priority::None),
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point: self.three_point.map(three_point),
            percent_complete: self.percent_complete.unwrap_or(0),
            schedule: TaskScheduling {
                constraint_type: self.constraint_type,
                constraint_date: local_time(
                    &mut v,
                    "constraint_date",
                    self.constraint_date.as_deref(),
                    constraint_hour(self.constraint_type),
                ),
                actual_start: local_time(&mut v, "actual_start", self.actual_start.as_deref(), 8),
                actual_finish: local_time(
                    &mut v,
                    "actual_finish",
                    self.actual_finish.as_deref(),
                    17,
                ),
                mode: self.scheduling.unwrap_or_default(),
                levelling_delay: 0,
            },
            parent: self.parent.filter(|p| !p.trim().is_empty()),
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            tags: tags(&mut v, self.tags.as_deref().unwrap_or_default()),
            blocked_reason: self.blocked_reason.filter(|r| !r.trim().is_empty()),
        };
        v.merge(fields.check());
        v.finish(|| NewTask { project, fields })
    }

    /// [`CreateTask::into_domain`], and the series it starts when it
    /// repeats; every bad field of both at once.
    pub fn into_domain_repeating(
        mut self,
    ) -> Result<(NewTask, Option<tandem_domain::recurrence::Series>), Vec<FieldError>> {
        let repeat = self.repeat.take();
        let due = self.due_date;
        let mut v = Validation::new();
        let task = v.take_all(self.into_domain());
        let series = repeat.and_then(|r| v.take_all(r.into_series("repeat")));
        if series.is_some() && due.is_none() {
            v.push(
                "due_date",
                "is required for a task that repeats: it is the first date",
            );
        }
        v.finish(|| (task.expect("a task when nothing was refused"), series))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collaborators: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub estimate_days: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub effort_hours: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_point: Option<Option<ThreePointView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<i64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub constraint_type: Option<Option<ConstraintType>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub constraint_date: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub actual_start: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub actual_finish: Option<Option<String>>,
    /// `dated`, `scheduled` or `auto` (see [`CreateTask::scheduling`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<SchedulingMode>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub parent: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase_id: Option<Option<Id>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub milestone_id: Option<Option<Id>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub blocked_reason: Option<Option<String>>,
}

impl UpdateTask {
    pub fn apply(self, current: TaskFields) -> Result<TaskFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = match self.title {
            Some(title) => validate::required_text(Some(&title), "title", 500, &mut v),
            None => current.title,
        };
        let fields = TaskFields {
            title,
            description: Patch::from_option(self.description).apply(current.description),
            owner: patch_email(&mut v, "owner", self.owner, current.owner),
            collaborators: match self.collaborators {
                Some(list) => emails(&mut v, "collaborators", &list),
                None => current.collaborators,
            },
            status: self.status.unwrap_or(current.status),
            priority: self.priority.unwrap_or(current.priority),
            start_date: Patch::from_option(self.start_date).apply(current.start_date),
            due_date: Patch::from_option(self.due_date).apply(current.due_date),
            estimate_days: Patch::from_option(self.estimate_days).apply(current.estimate_days),
            effort_hours: Patch::from_option(self.effort_hours).apply(current.effort_hours),
            three_point: Patch::from_option(self.three_point)
                .map(three_point)
                .apply(current.three_point),
            percent_complete: self.percent_complete.unwrap_or(current.percent_complete),
            schedule: {
                let constraint_type = Patch::from_option(self.constraint_type)
                    .apply(current.schedule.constraint_type);
                let mut time = |field: &str, patch: Option<Option<String>>, old, hour| match patch {
                    None => old,
                    Some(None) => None,
                    Some(Some(text)) => local_time(&mut v, field, Some(&text), hour),
                };
                TaskScheduling {
                    constraint_type,
                    constraint_date: time(
                        "constraint_date",
                        self.constraint_date,
                        current.schedule.constraint_date,
                        constraint_hour(constraint_type),
                    ),
                    actual_start: time(
                        "actual_start",
                        self.actual_start,
                        current.schedule.actual_start,
                        8,
                    ),
                    actual_finish: time(
                        "actual_finish",
                        self.actual_finish,
                        current.schedule.actual_finish,
                        17,
                    ),
                    mode: self.scheduling.unwrap_or(current.schedule.mode),
                    // Levelling's to set and clear, not an edit's.
                    levelling_delay: current.schedule.levelling_delay,
                }
            },
            parent: Patch::from_option(self.parent).apply(current.parent),
            phase_id: Patch::from_option(self.phase_id).apply(current.phase_id),
            milestone_id: Patch::from_option(self.milestone_id).apply(current.milestone_id),
            tags: match self.tags {
                Some(list) => tags(&mut v, &list),
                None => current.tags,
            },
            blocked_reason: Patch::from_option(self.blocked_reason).apply(current.blocked_reason),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TaskView {
    pub id: Id,
    pub key: String,
    pub project: Option<ProjectRef>,
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
    pub three_point: Option<ThreePointView>,
    pub percent_complete: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<ConstraintType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_finish: Option<String>,
    /// Whose dates rule it: `dated` (its own start and due date, kept as
    /// given) or `scheduled` (placed by its links, estimate and
    /// constraint in its project's plan).
    pub scheduling: Scheduling,
    /// What was chosen: `dated`, `scheduled`, or `auto` (dated while it
    /// has a date and no link, subtask or constraint).
    pub scheduling_mode: SchedulingMode,
    /// Working hours levelling put its start off by, after its links and
    /// constraint (Microsoft Project's levelling delay); 0 for none.
    /// Levelling sets it and clearing levelling takes it away.
    #[serde(default)]
    pub levelling_delay_hours: f64,
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
    /// The series the task is an occurrence of: on a single task's
    /// reads and writes; lists leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<crate::RecurrenceView>,
    /// The project this task's work became when it was promoted (its key),
    /// when the caller may open it: on a single task's reads; lists leave
    /// it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_to: Option<String>,
}

impl TaskView {
    /// The view of a task with the series it belongs to.
    pub fn with_recurrence(
        task: Task,
        recurrence: Option<tandem_domain::recurrence::Recurrence>,
    ) -> Self {
        TaskView {
            recurrence: recurrence.map(Into::into),
            ..task.into()
        }
    }
}

impl From<Task> for TaskView {
    fn from(t: Task) -> Self {
        TaskView {
            id: t.id,
            key: t.key,
            project: t.project,
            title: t.title,
            description: t.description,
            owner: t.owner,
            collaborators: t.collaborators,
            status: t.status,
            priority: t.priority,
            start_date: t.start_date,
            due_date: t.due_date,
            estimate_days: t.estimate_days,
            effort_hours: t.effort_hours,
            three_point: t.three_point.map(|tp| ThreePointView {
                optimistic: tp.optimistic,
                likely: tp.likely,
                pessimistic: tp.pessimistic,
            }),
            percent_complete: t.percent_complete,
            constraint_type: t.schedule.constraint_type,
            constraint_date: t.schedule.constraint_date.map(format_local),
            actual_start: t.schedule.actual_start.map(format_local),
            actual_finish: t.schedule.actual_finish.map(format_local),
            scheduling: t.scheduling,
            scheduling_mode: t.schedule.mode,
            levelling_delay_hours: t.schedule.levelling_delay as f64 / 60.0,
            parent: t.parent,
            phase_id: t.phase_id,
            milestone_id: t.milestone_id,
            tags: t.tags,
            blocked_reason: t.blocked_reason,
            created_by: t.created_by,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
            completed_at: t.completed_at,
            recurrence: None,
            promoted_to: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TaskPage {
    pub tasks: Vec<TaskView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
