//! Templates: a project's plan kept apart from its dates and its people,
//! to start the next project like it. A template holds phases, milestones,
//! tasks (with their estimates, parents, dependencies and tags), risks and
//! stakeholder roles; every date is a number of working days from the
//! project's start, and every owner a role ("Designer") that a person
//! fills when a project is made from it. The project made schedules like
//! any plan: the same links and estimates give the same critical path,
//! shifted to the new start.
//!
//! What this is not: storing templates or their versions (the store's
//! `templates`), or the three starter templates' words (`starters.rs`).

mod capture;
mod starters;

pub use capture::{Source, capture};
pub use starters::{STARTERS, starter};

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkWeek;
use crate::interop::ImportLink;
use crate::model::{
    ConstraintType, DependencyKind, Email, LagFormat, MilestoneFields, NewProject, PhaseFields,
    Priority, ProjectFields, ProjectKey, RiskFields, RiskStatus, StakeholderFields,
    StakeholderRole, TaskFields, TaskScheduling, TaskStatus,
};
use crate::validate::{FieldError, Validation};

/// A project's plan, dates as working days from its start, people as roles.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProjectTemplate {
    /// What the template is for, in a sentence.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub objective: Option<String>,
    #[serde(default)]
    pub scope_in: Option<String>,
    #[serde(default)]
    pub scope_out: Option<String>,
    #[serde(default)]
    pub ongoing: bool,
    /// The target, in working days from the start.
    #[serde(default)]
    pub target: Option<i64>,
    /// Seven days of hours, Monday first ("09:00-17:00", "" for a day off).
    #[serde(default)]
    pub work_week: Vec<String>,
    #[serde(default = "eight")]
    pub hours_per_day: f64,
    /// The people a project from it needs, by what they do.
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub phases: Vec<PhasePart>,
    #[serde(default)]
    pub milestones: Vec<MilestonePart>,
    #[serde(default)]
    pub tasks: Vec<TaskPart>,
    #[serde(default)]
    pub dependencies: Vec<LinkPart>,
    #[serde(default)]
    pub risks: Vec<RiskPart>,
    #[serde(default)]
    pub stakeholders: Vec<StakeholderPart>,
}

fn eight() -> f64 {
    8.0
}

fn usual_priority() -> Priority {
    TaskFields::titled("").priority
}

fn finish_to_start() -> DependencyKind {
    DependencyKind::Fs
}

fn working_days() -> LagFormat {
    LagFormat::WorkingDays
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhasePart {
    pub name: String,
    #[serde(default)]
    pub start: Option<i64>,
    #[serde(default)]
    pub end: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestonePart {
    pub name: String,
    #[serde(default)]
    pub date: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
    /// The phase it closes, by its place in `phases`.
    #[serde(default)]
    pub phase: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPart {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "usual_priority")]
    pub priority: Priority,
    #[serde(default)]
    pub estimate_days: Option<f64>,
    #[serde(default)]
    pub effort_hours: Option<f64>,
    #[serde(default)]
    pub start: Option<i64>,
    #[serde(default)]
    pub due: Option<i64>,
    /// A "start no earlier than" (or other) constraint, its date in working
    /// days from the start.
    #[serde(default)]
    pub constraint: Option<(ConstraintType, Option<i64>)>,
    /// Places in `tasks`, `phases`, `milestones` and `roles`; a parent
    /// comes before its children.
    #[serde(default)]
    pub parent: Option<usize>,
    #[serde(default)]
    pub phase: Option<usize>,
    #[serde(default)]
    pub milestone: Option<usize>,
    #[serde(default)]
    pub role: Option<usize>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkPart {
    pub predecessor: usize,
    pub successor: usize,
    #[serde(default = "finish_to_start")]
    pub kind: DependencyKind,
    #[serde(default)]
    pub lag_days: f64,
    #[serde(default = "working_days")]
    pub lag_format: LagFormat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPart {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    #[serde(default)]
    pub mitigation: Option<String>,
    #[serde(default)]
    pub role: Option<usize>,
}

/// A role that is a stakeholder of the project (the approver, the
/// sponsor), filled by whoever fills the role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StakeholderPart {
    pub role: usize,
    #[serde(rename = "as")]
    pub as_: StakeholderRole,
}

/// Working days from `start` to `date` on `is_working` days: 0 for the
/// start itself (or a day off before the first working day), negative
/// before it.
pub fn working_days_between(
    start: NaiveDate,
    date: NaiveDate,
    is_working: impl Fn(NaiveDate) -> bool,
) -> i64 {
    let (from, to, sign) = if date >= start {
        (start, date, 1)
    } else {
        (date, start, -1)
    };
    let mut count = 0;
    let mut day = from;
    while day < to {
        day = day.succ_opt().unwrap_or(day);
        if is_working(day) {
            count += 1;
        }
    }
    sign * count
}

/// The day `offset` working days after `start` (before it when
/// negative); a start on a day off first moves to the next working day.
pub fn add_working_days(
    start: NaiveDate,
    offset: i64,
    is_working: impl Fn(NaiveDate) -> bool,
) -> NaiveDate {
    // A week without a working day would never end; `WorkWeek::parse`
    // refuses one, and this stops after a year regardless.
    let mut day = start;
    let mut guard = 0;
    while !is_working(day) && guard < 366 {
        day = day.succ_opt().unwrap_or(day);
        guard += 1;
    }
    let step = |d: NaiveDate| {
        if offset >= 0 {
            d.succ_opt().unwrap_or(d)
        } else {
            d.pred_opt().unwrap_or(d)
        }
    };
    let mut left = offset.abs();
    let mut guard = 0;
    while left > 0 && guard < 366 * 40 {
        day = step(day);
        if is_working(day) {
            left -= 1;
        }
        guard += 1;
    }
    day
}

/// A project to make from a template: everything in it, in the order it
/// is written, each part naming the others by place.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectPlan {
    pub project: NewProject,
    pub phases: Vec<PhaseFields>,
    /// With the phase each closes, by place.
    pub milestones: Vec<(MilestoneFields, Option<usize>)>,
    /// With each one's parent, phase and milestone, by place.
    pub tasks: Vec<PlannedTask>,
    pub dependencies: Vec<ImportLink>,
    pub risks: Vec<RiskFields>,
    pub stakeholders: Vec<StakeholderFields>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTask {
    pub fields: TaskFields,
    pub parent: Option<usize>,
    pub phase: Option<usize>,
    pub milestone: Option<usize>,
}

/// What a project from a template is asked to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub key: ProjectKey,
    pub name: String,
    pub start: NaiveDate,
    pub owner: Option<Email>,
    /// Who fills each role, by the role's name; a role left out leaves its
    /// work unassigned.
    pub people: HashMap<String, Email>,
}

/// The plan `template` makes for `instance`: dates from its start on the
/// template's working week. Refused, naming the field, when a role given
/// is not the template's or the template is not whole (a place that
/// names nothing).
pub fn plan(
    template: &ProjectTemplate,
    instance: &Instance,
) -> Result<ProjectPlan, Vec<FieldError>> {
    let mut v = Validation::new();
    for role in instance.people.keys() {
        if !template.roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
            v.push(
                "roles",
                format!(
                    "'{role}' is not a role of this template; its roles are {}",
                    if template.roles.is_empty() {
                        "none".to_string()
                    } else {
                        template.roles.join(", ")
                    }
                ),
            );
        }
    }
    let week = if template.work_week.len() == 7 {
        WorkWeek::parse(&template.work_week, template.hours_per_day, &mut v)
    } else {
        Some(WorkWeek::default())
    };
    check_places(template, &mut v);
    v.into_result()?;
    let week = week.unwrap_or_default();
    let calendar = week.calendar(&[]);
    let works = |d: NaiveDate| !calendar.periods(d).is_empty();
    let day = |offset: Option<i64>| offset.map(|o| add_working_days(instance.start, o, works));
    let person = |role: Option<usize>| -> Option<Email> {
        let name = template.roles.get(role?)?;
        instance
            .people
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(name))
            .map(|(_, e)| e.clone())
    };
    let mut fields = ProjectFields::named(instance.name.clone());
    fields.objective = template.objective.clone();
    fields.scope_in = template.scope_in.clone();
    fields.scope_out = template.scope_out.clone();
    fields.owner = instance.owner.clone();
    fields.ongoing = template.ongoing;
    fields.start_date = Some(instance.start);
    fields.target_date = if template.ongoing {
        None
    } else {
        day(template.target)
    };
    fields.work_week = week;
    let phases = template
        .phases
        .iter()
        .map(|p| PhaseFields {
            name: p.name.clone(),
            position: 0,
            start_date: day(p.start),
            end_date: day(p.end),
        })
        .collect();
    let milestones = template
        .milestones
        .iter()
        .map(|m| {
            (
                MilestoneFields {
                    name: m.name.clone(),
                    date: day(m.date),
                    description: m.description.clone(),
                    phase_id: None,
                    reached: None,
                },
                m.phase,
            )
        })
        .collect();
    let tasks = template
        .tasks
        .iter()
        .map(|t| {
            let mut fields = TaskFields::titled(t.title.clone());
            fields.description = t.description.clone();
            fields.priority = t.priority;
            fields.status = TaskStatus::Todo;
            fields.estimate_days = t.estimate_days;
            fields.effort_hours = t.effort_hours;
            fields.start_date = day(t.start);
            fields.due_date = day(t.due);
            fields.owner = person(t.role);
            fields.tags = t.tags.clone();
            fields.schedule = TaskScheduling {
                constraint_type: t.constraint.map(|(kind, _)| kind),
                constraint_date: t.constraint.and_then(|(_, at)| day(at)).map(start_of_day),
                ..Default::default()
            };
            PlannedTask {
                fields,
                parent: t.parent,
                phase: t.phase,
                milestone: t.milestone,
            }
        })
        .collect();
    let dependencies = template
        .dependencies
        .iter()
        .map(|l| ImportLink {
            predecessor: l.predecessor,
            successor: l.successor,
            kind: l.kind,
            lag_days: l.lag_days,
            lag_format: l.lag_format,
        })
        .collect();
    let risks = template
        .risks
        .iter()
        .map(|r| RiskFields {
            title: r.title.clone(),
            description: r.description.clone(),
            probability: r.probability,
            impact: r.impact,
            owner: person(r.role),
            mitigation: r.mitigation.clone(),
            status: RiskStatus::Open,
            task_keys: Vec::new(),
            milestone_ids: Vec::new(),
        })
        .collect();
    let stakeholders = template
        .stakeholders
        .iter()
        .filter_map(|s| {
            Some(StakeholderFields {
                member: Some(person(Some(s.role))?),
                name: None,
                email: None,
                role: s.as_,
            })
        })
        .collect();
    Ok(ProjectPlan {
        project: NewProject {
            key: instance.key.clone(),
            fields,
        },
        phases,
        milestones,
        tasks,
        dependencies,
        risks,
        stakeholders,
    })
}

/// A constraint's time on its day: the day's start, as the scheduler
/// reads a date without a time.
fn start_of_day(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// Refuses a template whose parts name places that are not there, or a
/// parent after its child.
pub fn check_places(t: &ProjectTemplate, v: &mut Validation) {
    let within = |place: Option<usize>, len: usize| place.is_none_or(|p| p < len);
    for (i, m) in t.milestones.iter().enumerate() {
        if !within(m.phase, t.phases.len()) {
            v.push(
                &format!("milestones[{i}].phase"),
                "names no phase of the template",
            );
        }
    }
    for (i, task) in t.tasks.iter().enumerate() {
        if task.parent.is_some_and(|p| p >= i) {
            v.push(
                &format!("tasks[{i}].parent"),
                "must be a task before this one",
            );
        }
        if !within(task.phase, t.phases.len()) {
            v.push(
                &format!("tasks[{i}].phase"),
                "names no phase of the template",
            );
        }
        if !within(task.milestone, t.milestones.len()) {
            v.push(
                &format!("tasks[{i}].milestone"),
                "names no milestone of the template",
            );
        }
        if !within(task.role, t.roles.len()) {
            v.push(&format!("tasks[{i}].role"), "names no role of the template");
        }
    }
    for (i, l) in t.dependencies.iter().enumerate() {
        if l.predecessor >= t.tasks.len()
            || l.successor >= t.tasks.len()
            || l.predecessor == l.successor
        {
            v.push(
                &format!("dependencies[{i}]"),
                "must link two tasks of the template",
            );
        }
    }
    for (i, r) in t.risks.iter().enumerate() {
        if !within(r.role, t.roles.len()) {
            v.push(&format!("risks[{i}].role"), "names no role of the template");
        }
    }
    for (i, s) in t.stakeholders.iter().enumerate() {
        if s.role >= t.roles.len() {
            v.push(
                &format!("stakeholders[{i}].role"),
                "names no role of the template",
            );
        }
    }
}

/// How long the template's plan is, in working days from its start to
/// its last dated part: for a list of templates.
pub fn span(t: &ProjectTemplate) -> i64 {
    let tasks = t.tasks.iter().flat_map(|x| [x.start, x.due]);
    let phases = t.phases.iter().flat_map(|p| [p.start, p.end]);
    let milestones = t.milestones.iter().map(|m| m.date);
    tasks
        .chain(phases)
        .chain(milestones)
        .chain([t.target])
        .flatten()
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;

/// A task with its subtasks, kept to add again: the top task first, each
/// subtask naming its parent by place; its dates as calendar days from
/// the top task's due date.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskTemplate {
    #[serde(default)]
    pub description: Option<String>,
    pub tasks: Vec<TaskPart>,
}

/// A task and its subtasks (`tasks[0]` the top one, each with its key and
/// fields, parents by key) as a task template. Owners, statuses and
/// progress stay behind: whoever adds it owns it.
pub fn capture_task(tasks: &[(String, TaskFields)]) -> TaskTemplate {
    let anchor = tasks.first().and_then(|(_, t)| t.due_date);
    let offset = |d: Option<NaiveDate>| match (d, anchor) {
        (Some(d), Some(a)) => Some((d - a).num_days()),
        _ => None,
    };
    let place = |key: &str| tasks.iter().position(|(k, _)| k == key);
    TaskTemplate {
        description: None,
        tasks: tasks
            .iter()
            .enumerate()
            .map(|(i, (_, t))| TaskPart {
                title: t.title.clone(),
                description: t.description.clone(),
                priority: t.priority,
                estimate_days: t.estimate_days,
                effort_hours: t.effort_hours,
                start: offset(t.start_date),
                due: offset(t.due_date),
                constraint: None,
                parent: if i == 0 {
                    None
                } else {
                    t.parent.as_deref().and_then(place)
                },
                phase: None,
                milestone: None,
                role: None,
                tags: t.tags.clone(),
            })
            .collect(),
    }
}

/// The tasks a task template makes: the top one titled `title` (the
/// template's own title when empty), due `due` with its subtasks' dates
/// around it, owned by `owner`.
pub fn plan_task(
    template: &TaskTemplate,
    title: &str,
    due: Option<NaiveDate>,
    owner: Option<Email>,
) -> Vec<PlannedTask> {
    let day = |offset: Option<i64>| match (offset, due) {
        (Some(o), Some(d)) => d.checked_add_signed(chrono::Duration::days(o)),
        _ => None,
    };
    template
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut fields = TaskFields::titled(if i == 0 && !title.trim().is_empty() {
                title.trim().to_string()
            } else {
                t.title.clone()
            });
            fields.description = t.description.clone();
            fields.priority = t.priority;
            fields.estimate_days = t.estimate_days;
            fields.effort_hours = t.effort_hours;
            fields.start_date = day(t.start);
            fields.due_date = if i == 0 {
                due.or(day(t.due))
            } else {
                day(t.due)
            };
            fields.owner = owner.clone();
            fields.tags = t.tags.clone();
            PlannedTask {
                fields,
                parent: t.parent.filter(|p| *p < i),
                phase: None,
                milestone: None,
            }
        })
        .collect()
}
