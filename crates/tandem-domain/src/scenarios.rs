//! What-if scenarios (issue 16 item 4): a branch of a project's plan kept
//! as the changes made to it (each task's edits, links added or taken
//! away), never as a copy of the plan. A scenario's plan is the project's
//! plan as it is now with its changes laid over it, so it costs its
//! changes to keep and what a plan costs to schedule; applying it writes
//! those changes to the tasks they were made on, refused where a task
//! changed since. Pure: reading, scheduling and writing are the callers'.
//!
//! Not here: what a plan is (`planning`), or the comparison's schedules
//! (`tandem-schedule`).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::planning::PlanTask;
use crate::validate::FieldError;

/// One field's change: set to a value, or cleared.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edit<T> {
    Set(T),
    Clear,
}

impl<T: Clone> Edit<T> {
    fn value(&self) -> Option<T> {
        match self {
            Edit::Set(v) => Some(v.clone()),
            Edit::Clear => None,
        }
    }
}

/// What a scenario changes of one task: the fields that shape its dates.
/// A field left `None` is the plan's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate_days: Option<Edit<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<Edit<f64>>,
    /// Optimistic, most likely, pessimistic working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_point: Option<Edit<[f64; 3]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Edit<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<Edit<NaiveDate>>,
    /// The owner's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<Edit<ConstraintType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_date: Option<Edit<NaiveDateTime>>,
    /// Working minutes levelling the scenario put the task's start off by
    /// (a levelling delay, as levelling the plan writes one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levelling_delay: Option<Edit<i64>>,
}

/// What a task holds now of the fields a scenario may change, read from
/// its fields or from the plan: what an edit's base is compared with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Held {
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub three_point: Option<[f64; 3]>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    /// The owner's email, in lower case.
    pub owner: Option<String>,
    pub constraint_type: Option<ConstraintType>,
    pub constraint_date: Option<NaiveDateTime>,
    pub levelling_delay: i64,
}

impl Held {
    fn of(
        dates: (Option<NaiveDate>, Option<NaiveDate>),
        work: (Option<f64>, Option<f64>, Option<&ThreePoint>),
        owner: Option<String>,
        schedule: &TaskScheduling,
    ) -> Held {
        Held {
            estimate_days: work.0,
            effort_hours: work.1,
            three_point: work.2.map(|t| [t.optimistic, t.likely, t.pessimistic]),
            start_date: dates.0,
            due_date: dates.1,
            owner: owner.map(|e| e.to_ascii_lowercase()),
            constraint_type: schedule.constraint_type,
            constraint_date: schedule.constraint_date,
            levelling_delay: schedule.levelling_delay,
        }
    }

    /// The plan's task, whose owner's email is `owner`.
    pub fn of_plan(task: &PlanTask, owner: Option<String>) -> Held {
        Held::of(
            (task.start_date, task.due_date),
            (
                task.estimate_days,
                task.effort_hours,
                task.three_point.as_ref(),
            ),
            owner,
            &task.schedule,
        )
    }
}

impl From<&TaskFields> for Held {
    fn from(f: &TaskFields) -> Held {
        Held::of(
            (f.start_date, f.due_date),
            (f.estimate_days, f.effort_hours, f.three_point.as_ref()),
            f.owner.as_ref().map(|e| e.as_str().to_string()),
            &f.schedule,
        )
    }
}

impl TaskEdit {
    pub fn is_empty(&self) -> bool {
        self.fields().is_empty()
    }

    /// The names of the fields it changes, in a fixed order.
    pub fn fields(&self) -> Vec<&'static str> {
        [
            ("estimate_days", self.estimate_days.is_some()),
            ("effort_hours", self.effort_hours.is_some()),
            ("three_point", self.three_point.is_some()),
            ("start_date", self.start_date.is_some()),
            ("due_date", self.due_date.is_some()),
            ("owner", self.owner.is_some()),
            ("constraint_type", self.constraint_type.is_some()),
            ("constraint_date", self.constraint_date.is_some()),
            ("levelling_delay", self.levelling_delay.is_some()),
        ]
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| name)
        .collect()
    }

    /// This edit with a later one laid over it: the later one's fields
    /// win.
    pub fn merged(mut self, later: TaskEdit) -> TaskEdit {
        macro_rules! over {
            ($($field:ident),*) => { $( if later.$field.is_some() { self.$field = later.$field; } )* };
        }
        over!(
            estimate_days,
            effort_hours,
            three_point,
            start_date,
            due_date,
            owner,
            constraint_type,
            constraint_date,
            levelling_delay
        );
        self
    }

    /// The task's fields with this edit made: what applying the scenario
    /// writes, checked by the task's own rules.
    pub fn apply_to_fields(&self, fields: &mut TaskFields) -> Result<(), Vec<FieldError>> {
        self.lay_dates(Dates {
            estimate_days: &mut fields.estimate_days,
            effort_hours: &mut fields.effort_hours,
            three_point: &mut fields.three_point,
            start_date: &mut fields.start_date,
            due_date: &mut fields.due_date,
            schedule: &mut fields.schedule,
        });
        if let Some(e) = &self.owner {
            fields.owner = match e.value() {
                Some(email) => {
                    Some(Email::parse(&email).map_err(|m| vec![FieldError::new("owner", m)])?)
                }
                None => None,
            };
        }
        fields.check()
    }

    /// The fields that shape a task's dates, set as this edit says: the
    /// one place both a task's fields and the plan's task take them from.
    fn lay_dates(&self, to: Dates<'_>) {
        if let Some(e) = &self.estimate_days {
            *to.estimate_days = e.value();
        }
        if let Some(e) = &self.effort_hours {
            *to.effort_hours = e.value();
        }
        if let Some(e) = &self.three_point {
            *to.three_point = e.value().map(|[o, l, p]| ThreePoint {
                optimistic: o,
                likely: l,
                pessimistic: p,
            });
        }
        if let Some(e) = &self.start_date {
            *to.start_date = e.value();
        }
        if let Some(e) = &self.due_date {
            *to.due_date = e.value();
        }
        if let Some(e) = &self.constraint_type {
            to.schedule.constraint_type = e.value();
        }
        if let Some(e) = &self.constraint_date {
            to.schedule.constraint_date = e.value();
        }
        if let Some(e) = &self.levelling_delay {
            to.schedule.levelling_delay = e.value().unwrap_or(0);
        }
    }

    /// What a task holds now (`held`) of the fields this edit changes:
    /// the base a later apply compares with, to tell whether the plan
    /// changed them meanwhile.
    pub fn base_in(&self, held: &Held) -> TaskEdit {
        fn now<T: Clone>(edit: &Option<Edit<T>>, value: &Option<T>) -> Option<Edit<T>> {
            edit.as_ref()
                .map(|_| value.clone().map_or(Edit::Clear, Edit::Set))
        }
        TaskEdit {
            estimate_days: now(&self.estimate_days, &held.estimate_days),
            effort_hours: now(&self.effort_hours, &held.effort_hours),
            three_point: now(&self.three_point, &held.three_point),
            start_date: now(&self.start_date, &held.start_date),
            due_date: now(&self.due_date, &held.due_date),
            owner: now(&self.owner, &held.owner),
            constraint_type: now(&self.constraint_type, &held.constraint_type),
            constraint_date: now(&self.constraint_date, &held.constraint_date),
            levelling_delay: now(&self.levelling_delay, &Some(held.levelling_delay)),
        }
    }

    /// This edit, and its `base`, without the fields whose value is what
    /// the task (`held`) holds now: a change to the plan's own value is no
    /// change, and a field changed back to it leaves the scenario.
    pub fn without_unchanged(&self, base: &TaskEdit, held: &Held) -> (TaskEdit, TaskEdit) {
        let now = self.base_in(held);
        let (mut edit, mut base) = (self.clone(), base.clone());
        macro_rules! drop_same {
            ($($field:ident),*) => { $(
                if edit.$field.is_some() && edit.$field == now.$field {
                    edit.$field = None;
                    base.$field = None;
                }
            )* };
        }
        drop_same!(
            estimate_days,
            effort_hours,
            three_point,
            start_date,
            due_date,
            constraint_type,
            constraint_date
        );
        // An email is the same in any case; no delay is a delay of 0.
        let email = |e: &Option<Edit<String>>| {
            e.as_ref().map(|e| match e {
                Edit::Set(email) => Some(email.to_ascii_lowercase()),
                Edit::Clear => None,
            })
        };
        if edit.owner.is_some() && email(&edit.owner) == email(&now.owner) {
            (edit.owner, base.owner) = (None, None);
        }
        let minutes = |e: &Option<Edit<i64>>| {
            e.as_ref().map(|e| match e {
                Edit::Set(m) => *m,
                Edit::Clear => 0,
            })
        };
        if edit.levelling_delay.is_some()
            && minutes(&edit.levelling_delay) == minutes(&now.levelling_delay)
        {
            (edit.levelling_delay, base.levelling_delay) = (None, None);
        }
        (edit, base)
    }

    /// The fields of this base that the task (`held`) no longer holds:
    /// what the plan changed since the scenario changed them.
    pub fn changed_since(&self, held: &Held) -> Vec<&'static str> {
        let now = self.base_in(held);
        let mut changed = Vec::new();
        macro_rules! compare {
            ($($field:ident),*) => { $( if self.$field != now.$field { changed.push(stringify!($field)); } )* };
        }
        compare!(
            estimate_days,
            effort_hours,
            three_point,
            start_date,
            due_date,
            owner,
            constraint_type,
            constraint_date,
            levelling_delay
        );
        changed
    }

    /// The plan's task with this edit made; `owner_id` finds a member by
    /// email.
    pub fn apply_to_plan(&self, task: &mut PlanTask, owner_id: &impl Fn(&str) -> Option<Id>) {
        self.lay_dates(Dates {
            estimate_days: &mut task.estimate_days,
            effort_hours: &mut task.effort_hours,
            three_point: &mut task.three_point,
            start_date: &mut task.start_date,
            due_date: &mut task.due_date,
            schedule: &mut task.schedule,
        });
        if let Some(e) = &self.owner {
            task.owner_id = e.value().and_then(|email| owner_id(&email));
        }
    }
}

/// Where [`TaskEdit::lay_dates`] writes: a task's fields or the plan's
/// task, which keep the same values under the same names.
struct Dates<'a> {
    estimate_days: &'a mut Option<f64>,
    effort_hours: &'a mut Option<f64>,
    three_point: &'a mut Option<ThreePoint>,
    start_date: &'a mut Option<NaiveDate>,
    due_date: &'a mut Option<NaiveDate>,
    schedule: &'a mut TaskScheduling,
}

/// A link a scenario adds, or (`removed`) takes away.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkEdit {
    pub predecessor_id: Id,
    pub successor_id: Id,
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub removed: bool,
}

/// The plan's tasks and links with a scenario's changes laid over them.
pub fn lay_over(
    tasks: &mut [PlanTask],
    links: &mut Vec<Link>,
    edits: &HashMap<Id, TaskEdit>,
    link_edits: &[LinkEdit],
    owner_id: &impl Fn(&str) -> Option<Id>,
) {
    for task in tasks.iter_mut() {
        if let Some(edit) = edits.get(&task.id) {
            edit.apply_to_plan(task, owner_id);
        }
    }
    let removed: HashSet<(Id, Id)> = link_edits
        .iter()
        .filter(|l| l.removed)
        .map(|l| (l.predecessor_id, l.successor_id))
        .collect();
    links.retain(|l| !removed.contains(&(l.predecessor_id, l.successor_id)));
    for added in link_edits.iter().filter(|l| !l.removed) {
        links.retain(|l| {
            (l.predecessor_id, l.successor_id) != (added.predecessor_id, added.successor_id)
        });
        links.push(Link {
            // Not a stored link: ids of links the plan has are positive.
            id: -(links.len() as Id) - 1,
            predecessor_id: added.predecessor_id,
            successor_id: added.successor_id,
            kind: added.kind,
            lag_days: added.lag_days,
            lag_format: LagFormat::WorkingDays,
            version: 0,
        });
    }
}

/// A task whose finish moved, in working-day terms of the schedules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub task_id: Id,
    pub plan_finish: NaiveDateTime,
    pub scenario_finish: NaiveDateTime,
}

/// A milestone's date as its work gives it: when its last task finishes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneDates {
    pub milestone_id: Id,
    pub plan: Option<NaiveDateTime>,
    pub scenario: Option<NaiveDateTime>,
}

/// How the scenario's schedule differs from the plan's.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub plan_finish: NaiveDateTime,
    pub scenario_finish: NaiveDateTime,
    /// Tasks whose finish moved, the furthest first; at most `limit`.
    pub moved: Vec<Moved>,
    /// How many tasks' finish moved in all.
    pub moved_count: usize,
    pub milestones: Vec<MilestoneDates>,
}

/// Compares two schedules of the same project's tasks.
pub fn compare(
    plan: &StoredSchedule,
    scenario: &StoredSchedule,
    milestone_of: &HashMap<Id, Id>,
    limit: usize,
) -> Comparison {
    let plan_finish: HashMap<Id, NaiveDateTime> = plan
        .tasks
        .iter()
        .map(|t| (t.task_id, t.early_finish))
        .collect();
    let mut moved: Vec<Moved> = scenario
        .tasks
        .iter()
        .filter_map(|t| {
            let before = *plan_finish.get(&t.task_id)?;
            (before != t.early_finish).then_some(Moved {
                task_id: t.task_id,
                plan_finish: before,
                scenario_finish: t.early_finish,
            })
        })
        .collect();
    moved.sort_by_key(|m| {
        (
            std::cmp::Reverse((m.scenario_finish - m.plan_finish).num_minutes().abs()),
            m.task_id,
        )
    });
    let moved_count = moved.len();
    moved.truncate(limit);
    let last = |schedule: &StoredSchedule| {
        let mut by: BTreeMap<Id, NaiveDateTime> = BTreeMap::new();
        for t in &schedule.tasks {
            if let Some(m) = milestone_of.get(&t.task_id) {
                let at = by.entry(*m).or_insert(t.early_finish);
                *at = (*at).max(t.early_finish);
            }
        }
        by
    };
    let (in_plan, in_scenario) = (last(plan), last(scenario));
    let ids: std::collections::BTreeSet<Id> =
        in_plan.keys().chain(in_scenario.keys()).copied().collect();
    Comparison {
        plan_finish: plan.finish,
        scenario_finish: scenario.finish,
        moved,
        moved_count,
        milestones: ids
            .into_iter()
            .map(|id| MilestoneDates {
                milestone_id: id,
                plan: in_plan.get(&id).copied(),
                scenario: in_scenario.get(&id).copied(),
            })
            .collect(),
    }
}

/// Hours of open work each person owns in a plan: effort where given,
/// else the estimate at `hours_per_day`.
pub fn workload(tasks: &[PlanTask], hours_per_day: f64) -> BTreeMap<Id, f64> {
    let parents: HashSet<Id> = tasks.iter().filter_map(|t| t.parent_id).collect();
    let mut hours: BTreeMap<Id, f64> = BTreeMap::new();
    for t in tasks {
        if t.status.is_closed() || parents.contains(&t.id) {
            continue;
        }
        if let Some(owner) = t.owner_id {
            let h = t
                .effort_hours
                .or(t.estimate_days.map(|d| d * hours_per_day))
                .unwrap_or(0.0);
            *hours.entry(owner).or_default() +=
                h * (100 - t.percent_complete.clamp(0, 100)) as f64 / 100.0;
        }
    }
    hours
}

/// What a plan's work costs at completion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Each leaf task's work at its owner's rate.
    pub amount: f64,
    /// Hours of work whose owner has no rate, or that has no owner: not
    /// in `amount`.
    pub uncosted_hours: f64,
}

/// What a plan's work costs at completion: each leaf task's work (effort
/// where given, else the estimate at `hours_per_day`; a day of work for
/// a task with neither, as the scheduler counts it) at its owner's rate,
/// done work included, as Microsoft Project's cost of work. None when
/// nobody who owns work has a rate.
pub fn cost(
    tasks: &[PlanTask],
    hours_per_day: f64,
    rate: impl Fn(Id) -> Option<f64>,
) -> Option<Cost> {
    let parents: HashSet<Id> = tasks.iter().filter_map(|t| t.parent_id).collect();
    let (mut amount, mut uncosted, mut costed) = (0.0, 0.0, false);
    for t in tasks {
        if t.status == TaskStatus::Cancelled || parents.contains(&t.id) {
            continue;
        }
        let hours = t
            .effort_hours
            .or(t.estimate_days.map(|d| d * hours_per_day))
            .unwrap_or(hours_per_day);
        match t.owner_id.and_then(&rate) {
            Some(rate) => {
                amount += hours * rate;
                costed = true;
            }
            None => uncosted += hours,
        }
    }
    costed.then_some(Cost {
        amount,
        uncosted_hours: uncosted,
    })
}

/// A scenario's name: 1 to 60 characters, no control characters and
/// nothing that shows nothing but a space (a zero-width space or joiner,
/// a direction override: names that look alike are told apart by what
/// shows), kept as typed (trimmed).
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("is required".into());
    }
    if name.chars().count() > 60 {
        return Err("must be at most 60 characters".into());
    }
    if name.chars().any(char::is_control) || name.contains('/') {
        return Err("must not hold control characters or '/'".into());
    }
    if name
        .chars()
        .any(|c| c != ' ' && crate::validate::is_invisible(c))
    {
        return Err(
            "must not hold characters that show nothing (zero-width spaces, direction marks; spaces are fine)"
                .into(),
        );
    }
    // A path segment of dots alone is the folder or its parent.
    if name.chars().all(|c| c == '.') {
        return Err("must not be dots alone".into());
    }
    Ok(name.to_string())
}

mod calendar;
pub use calendar::*;

#[cfg(test)]
mod tests;
