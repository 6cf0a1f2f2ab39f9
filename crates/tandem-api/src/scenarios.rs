//! What-if scenarios of a project's plan: their changes, and how their
//! schedule compares with the plan's.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::calendar::WorkWeek;
use tandem_domain::scenarios::{CalendarChange, CalendarEdit, Edit, TaskEdit};
use tandem_domain::{DependencyKind, FieldError, Id, UserRef, Validation};

use crate::common::local_time;
use crate::tasks::constraint_hour;
use crate::{CalendarExceptionView, UpdateTask};

/// A new scenario: a name free in the project.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateScenario {
    #[schemars(required)]
    pub name: Option<String>,
}

/// Which fields of a task a scenario may change: those that shape its
/// dates.
pub const SCENARIO_FIELDS: &str = "estimate_days, effort_hours, three_point, start_date, due_date, owner, constraint_type, constraint_date";

/// A task's edit in a scenario from a task's patch (`PATCH …/tasks/{key}`
/// takes the same body): only the fields that shape the plan, each set or
/// cleared (null).
pub fn scenario_edit(patch: UpdateTask) -> Result<TaskEdit, Vec<FieldError>> {
    let mut v = Validation::new();
    let other = [
        ("title", patch.title.is_some()),
        ("description", patch.description.is_some()),
        ("collaborators", patch.collaborators.is_some()),
        ("status", patch.status.is_some()),
        ("priority", patch.priority.is_some()),
        ("percent_complete", patch.percent_complete.is_some()),
        ("actual_start", patch.actual_start.is_some()),
        ("actual_finish", patch.actual_finish.is_some()),
        ("parent", patch.parent.is_some()),
        ("phase_id", patch.phase_id.is_some()),
        ("milestone_id", patch.milestone_id.is_some()),
        ("tags", patch.tags.is_some()),
        ("blocked_reason", patch.blocked_reason.is_some()),
    ];
    for (field, given) in other {
        if given {
            v.push(
                field,
                format!("is not part of a scenario, which changes {SCENARIO_FIELDS}"),
            );
        }
    }
    fn edit<T>(patch: Option<Option<T>>) -> Option<Edit<T>> {
        patch.map(|value| match value {
            Some(v) => Edit::Set(v),
            None => Edit::Clear,
        })
    }
    let constraint_type = patch.constraint_type.flatten();
    let constraint_date = match patch.constraint_date {
        None => None,
        Some(None) => Some(Edit::Clear),
        Some(Some(text)) => local_time(
            &mut v,
            "constraint_date",
            Some(&text),
            constraint_hour(constraint_type),
        )
        .map(Edit::Set),
    };
    let result = TaskEdit {
        estimate_days: edit(patch.estimate_days),
        effort_hours: edit(patch.effort_hours),
        three_point: edit(
            patch
                .three_point
                .map(|tp| tp.map(|t| [t.optimistic, t.likely, t.pessimistic])),
        ),
        start_date: edit(patch.start_date),
        due_date: edit(patch.due_date),
        owner: edit(
            patch
                .owner
                .map(|o| o.map(|email| email.trim().to_ascii_lowercase())),
        ),
        constraint_type: edit(patch.constraint_type),
        constraint_date,
        // Levelling the scenario sets it, as levelling the plan does.
        levelling_delay: None,
    };
    // An edit that changes nothing is the caller's to refuse, once it
    // knows the body's fields were all read: a field refused as
    // unreadable leaves the edit empty too, and is the whole answer.
    v.finish(|| result)
}

/// A link the scenario adds or, with `removed`, takes away: both ends
/// tasks of the project.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioLinkInput {
    #[schemars(required)]
    pub predecessor: Option<String>,
    #[schemars(required)]
    pub successor: Option<String>,
    /// fs (default), ss, ff or sf.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DependencyKind>,
    /// Working days, negative for a lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag_days: Option<f64>,
    /// True: the scenario takes this link away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<bool>,
}

/// The working week in a scenario, on top of the scenario's (or, where
/// it has none, the plan's): as a project's `work_week` and
/// `hours_per_day`; `work_week: null` puts the plan's week back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioWeekInput {
    /// Seven days of working hours, Monday first, e.g.
    /// `"08:00-12:00 13:00-17:00"`; `""` is a day off. Null: the plan's
    /// week again.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub work_week: Option<Option<Vec<String>>>,
    /// Hours in a day of estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_day: Option<f64>,
}

impl ScenarioWeekInput {
    /// The change asked for, checked as a week on top of `current` (the
    /// scenario's week): the days and hours given, or the plan's week.
    pub fn change(self, current: WorkWeek) -> Result<CalendarChange, Vec<FieldError>> {
        let mut v = Validation::new();
        if let Some(hours) = self.hours_per_day
            && !hours.is_finite()
        {
            v.push("hours_per_day", "must be a number of hours");
        }
        let change = match self.work_week {
            Some(None) => {
                if self.hours_per_day.is_some() {
                    v.push(
                        "hours_per_day",
                        "goes with a working week, not with putting the plan's back",
                    );
                }
                CalendarChange::PlanWeek
            }
            days => {
                if days.is_none() && self.hours_per_day.is_none() {
                    v.push("work_week", "give a working week, hours_per_day, or null");
                }
                let week = crate::projects::work_week(
                    &mut v,
                    days.clone().flatten(),
                    self.hours_per_day,
                    current,
                );
                CalendarChange::Week {
                    days: days.flatten().map(|_| week.texts()),
                    hours_per_day: self.hours_per_day,
                }
            }
        };
        v.finish(|| change)
    }
}

/// What a scenario changes of its project's calendar.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioCalendarView {
    /// The working week's days in the scenario, Monday first; absent:
    /// the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_week: Option<Vec<String>>,
    /// Hours in a day of estimate in the scenario; absent: the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_day: Option<f64>,
    /// Holidays and days of other hours it adds (ids below zero).
    pub added: Vec<CalendarExceptionView>,
    /// The plan's exceptions it takes away, by id.
    pub removed: Vec<Id>,
}

impl ScenarioCalendarView {
    /// How many changes it makes, as `CalendarEdit::count` counts them:
    /// the days and the hours of a day one each.
    pub fn changes(&self) -> usize {
        usize::from(self.work_week.is_some())
            + usize::from(self.hours_per_day.is_some())
            + self.added.len()
            + self.removed.len()
    }
}

impl From<&CalendarEdit> for ScenarioCalendarView {
    fn from(c: &CalendarEdit) -> Self {
        ScenarioCalendarView {
            work_week: c.days.clone(),
            hours_per_day: c.hours_per_day,
            added: c
                .added
                .iter()
                .map(|a| CalendarExceptionView {
                    id: a.id,
                    name: a.name.clone(),
                    start_date: a.start,
                    end_date: a.end,
                    hours: a.hours.clone(),
                })
                .collect(),
            removed: c.removed.iter().map(|r| r.id).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioView {
    pub name: String,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    /// The tasks it changes and how (each field set, or cleared: null).
    pub tasks: Vec<ScenarioTaskView>,
    pub links: Vec<ScenarioLinkView>,
    /// What it changes of the project's calendar.
    #[serde(default)]
    pub calendar: ScenarioCalendarView,
    /// Its changes that went with tasks deleted from the plan since (a
    /// task's edit, a link with a deleted task at one end): applying
    /// writes the rest.
    #[serde(default)]
    pub lost: Vec<ScenarioLostView>,
}

/// A scenario's change that a task's deletion from the plan took with it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioLostView {
    /// The deleted task's key, or the link as `KEY-1 → KEY-2`.
    pub object: String,
    /// The task's fields the scenario had changed (empty for a link).
    pub fields: Vec<String>,
    pub deleted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioTaskView {
    pub key: String,
    pub title: String,
    /// The fields it sets (a value) or clears (null); levelling the
    /// scenario sets `levelling_delay_hours` (working hours).
    pub changes: serde_json::Map<String, serde_json::Value>,
    /// What the plan held of those fields when the scenario changed them:
    /// applying is refused for a field the plan changed since (changing it
    /// again in the scenario takes the plan's value as it is then).
    pub plan_had: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioLinkView {
    pub predecessor: String,
    pub successor: String,
    #[serde(rename = "type")]
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub removed: bool,
}

/// A scenario's schedule beside the plan's. Times are the project's
/// local time, YYYY-MM-DDTHH:MM.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioComparisonView {
    pub project: String,
    pub scenario: ScenarioView,
    pub plan_finish: String,
    pub scenario_finish: String,
    /// The latest baseline's finish, when the project has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_finish: Option<String>,
    /// Tasks whose finish moved, the furthest first (at most 50).
    pub moved: Vec<MovedTaskView>,
    pub moved_count: usize,
    /// Critical chains (linked tasks, in order), the plan's and the
    /// scenario's.
    pub plan_critical_chains: Vec<Vec<String>>,
    pub scenario_critical_chains: Vec<Vec<String>>,
    /// Each milestone's date and when its work finishes in each.
    pub milestones: Vec<ScenarioMilestoneView>,
    /// Open work each person owns, in hours, in each.
    pub workload: Vec<ScenarioLoadView>,
    /// What the plan's work costs at completion: each task's work at its
    /// owner's cost rate, in the workspace's currency; absent when nobody
    /// who owns work has a rate, and for callers who may not see rates
    /// (all but owners and admins: a cost beside hours gives a rate away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_cost: Option<f64>,
    /// The same of the scenario's plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_cost: Option<f64>,
    /// Hours of the plan's work not in its cost: their owner has no rate,
    /// or they have none. Given with `plan_cost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_uncosted_hours: Option<f64>,
    /// The same of the scenario's plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_uncosted_hours: Option<f64>,
    /// The project's budget, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// What the scheduler says of the scenario's plan and not of the
    /// plan's, in words: a task that finishes after its due date, a
    /// constraint that puts a task before its link allows, dates past the
    /// sixty years a schedule covers (at most 50).
    pub new_warnings: Vec<String>,
    pub new_warnings_count: usize,
    /// What it says of the plan's and no longer of the scenario's: what
    /// the scenario settles (at most 50).
    pub settled_warnings: Vec<String>,
    pub settled_warnings_count: usize,
    /// What applying would refuse: what the plan changed since the
    /// scenario changed the same task fields, links or week (409), an
    /// exception the scenario adds on a day the plan has one since (409),
    /// an owner no longer a member (422). Changing it again in the
    /// scenario, or discarding the scenario, settles it.
    pub conflicts: Vec<ScenarioConflictView>,
}

/// What applying the scenario would refuse: a task field, link or the
/// working week both the plan and the scenario changed, an exception the
/// scenario adds on a day the plan has one since, an owner who is no
/// longer a member.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioConflictView {
    /// `task`, `link` or `calendar` (the working week, or an exception).
    pub kind: String,
    /// The task's key, the link as `KEY-1 → KEY-2`, `working week`, or the
    /// exception's name.
    pub object: String,
    /// The fields in question (a task's as the scenario names them, the
    /// week's, an exception's `start_date`; empty for a link).
    pub fields: Vec<String>,
    /// Why, in words.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MovedTaskView {
    pub key: String,
    pub plan_finish: String,
    pub scenario_finish: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioMilestoneView {
    pub name: String,
    pub date: Option<chrono::NaiveDate>,
    pub plan_work_finish: Option<String>,
    pub scenario_work_finish: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioLoadView {
    pub person: UserRef,
    pub plan_hours: f64,
    pub scenario_hours: f64,
}

/// What applying wrote.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioAppliedView {
    pub name: String,
    pub tasks: usize,
    pub links: usize,
    /// Changes to the calendar (the working week counts as one).
    #[serde(default)]
    pub calendar: usize,
}
