//! A project's tasks and dependencies as a plan for the scheduler: how
//! Tandem's fields map onto Microsoft Project's model.
//!
//! - Duration: the estimate in working days; without one, the effort in
//!   working hours at the owner's share of a full week (capacity); without
//!   either, one day. A task estimated at zero
//!   is a milestone.
//! - Two kinds of dates, as in Microsoft Project
//!   ([`Scheduling`](crate::model::Scheduling)): a dated task keeps the
//!   start and due date a person gave it (a manually scheduled task:
//!   links, constraint and status date do not move it, and the plan's
//!   finish counts it); a scheduled one is placed by the rest of this list.
//!   Left to itself, a task with a start or due date and no link, subtask
//!   or constraint is dated.
//! - A task's explicit constraint (type and date) holds as in Microsoft
//!   Project; without one, its start date is "start no earlier than". Its
//!   due date is a deadline (it caps the late finish and is reported when
//!   missed), not a hard constraint, so a late task shows negative slack
//!   instead of bending the plan.
//! - Actual start and finish fix the dates of work that has begun or
//!   ended.
//! - The owner's calendar shapes the dates of their work, as Microsoft
//!   Project's resource calendars do: a task owned by someone away on
//!   some days (time off) runs on the project's calendar without those
//!   days, so it finishes later by what they are away.
//! - Subtasks make their parent a summary. Cancelled tasks are left out,
//!   with the links that touch them.
//! - A three-point estimate (in days) feeds the forecast; the owner is the
//!   person levelling books.
//! - The plan starts at the project's start date, or else at `today` or
//!   the earliest task start if that is earlier (a start date in the future
//!   holds only its own task, not the whole plan); on the project's working
//!   week with its
//!   exceptions (holidays). A day of estimate is the project's hours per
//!   day.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use tandem_schedule::calendar::Timeline;
use tandem_schedule::{
    Assignment, Calendar, Constraint, Fixed, Lag, LinkKind, LinkSpec, Plan, Schedule, TaskSpec,
};

use crate::calendar::CalendarException;
use crate::model::{
    BaselineTask, ConstraintType, DependencyKind, Id, LagFormat, Link, Member, Project,
    ProjectStatus, ScheduleBasis, Scheduling, StoredSchedule, Task, TaskSchedule, TaskScheduling,
    TaskStatus, ThreePoint, TimeOff,
};

/// A task as the plan reads it: what decides its place in the schedule
/// and nothing a page shows (title, description, tags, people's names).
/// A whole-plan run holds one per task of the project, so this is what a
/// million-task plan costs in memory: a third of a whole [`Task`] or less
/// (about 200 bytes and its key, against 560 and its texts).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTask {
    pub id: Id,
    pub key: String,
    pub status: TaskStatus,
    pub parent_id: Option<Id>,
    pub owner_id: Option<Id>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub three_point: Option<ThreePoint>,
    pub percent_complete: i64,
    /// Not the schedule's: where the timeline draws the task.
    pub phase_id: Option<Id>,
    /// Not the schedule's: the milestone it leads to, for the plan lint.
    pub milestone_id: Option<Id>,
    pub schedule: TaskScheduling,
    /// Not the schedule's: the version read, which a write of what the
    /// plan decides (levelling's delays) is checked against.
    pub version: i64,
}

impl From<&Task> for PlanTask {
    fn from(t: &Task) -> Self {
        PlanTask {
            id: t.id,
            key: t.key.clone(),
            status: t.status,
            parent_id: t.parent.as_ref().map(|p| p.id),
            owner_id: t.owner.as_ref().map(|o| o.id),
            start_date: t.start_date,
            due_date: t.due_date,
            estimate_days: t.estimate_days,
            effort_hours: t.effort_hours,
            three_point: t.three_point.clone(),
            percent_complete: t.percent_complete,
            phase_id: t.phase_id,
            milestone_id: t.milestone_id,
            schedule: t.schedule,
            version: t.version,
        }
    }
}

/// The people who own a plan's work, as the plan reads them: how much of
/// a week each works and the days each is away.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct People {
    /// Hours a week (40 for full time).
    pub capacity: HashMap<Id, f64>,
    /// Days away, each range inclusive.
    pub away: HashMap<Id, Vec<(NaiveDate, NaiveDate)>>,
}

impl People {
    pub fn new(members: &[Member], time_off: &[TimeOff]) -> People {
        let mut away: HashMap<Id, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
        for t in time_off {
            away.entry(t.user_id).or_default().push((t.start, t.end));
        }
        for days in away.values_mut() {
            days.sort_unstable();
        }
        People {
            capacity: members
                .iter()
                .map(|m| (m.user.id, m.capacity_hours))
                .collect(),
            away,
        }
    }

    /// `calendar` without the days `person` is away; None when they are
    /// never away, and so work on it as it is.
    pub fn calendar_of(&self, person: Id, calendar: &Calendar) -> Option<Calendar> {
        let days = self.away.get(&person).filter(|d| !d.is_empty())?;
        let mut own = calendar.clone();
        for &(from, to) in days {
            for day in from.iter_days().take_while(|d| *d <= to) {
                own.exceptions.insert(day, Vec::new());
            }
        }
        Some(own)
    }
}

/// The plan, which task each of its entries is, each task's three-point
/// estimate (for the forecast) and owner (for levelling).
pub struct ProjectPlan {
    pub plan: Plan,
    pub task_ids: Vec<Id>,
    pub estimates: Vec<Option<tandem_schedule::forecast::Estimate>>,
    pub owners: Vec<Option<Id>>,
}

/// A task estimated by effort takes its owner effort ÷ (their share of the
/// project's working week, from `people`' capacity), so a half-time owner
/// takes twice as long; and it runs on its owner's calendar.
pub fn project_plan(
    project: &Project,
    exceptions: &[CalendarException],
    tasks: &[PlanTask],
    links: &[Link],
    people: &People,
    today: NaiveDate,
) -> ProjectPlan {
    let planned: Vec<&PlanTask> = tasks
        .iter()
        .filter(|t| t.status != TaskStatus::Cancelled)
        .collect();
    let start = project.start_date.unwrap_or_else(|| {
        planned
            .iter()
            .filter_map(|t| t.start_date)
            .min()
            .map_or(today, |earliest| earliest.min(today))
    });
    let start = start_of_day(start);
    plan_from(
        project,
        exceptions,
        &planned,
        links,
        people,
        start,
        status_date(project, start, today),
    )
}

/// Which dates rule the task in a plan where it is `tied` (linked, or
/// with subtasks) or not.
pub fn scheduling(task: &PlanTask, tied: bool) -> Scheduling {
    task.schedule.rule(task.start_date, task.due_date, tied)
}

/// The status date a project's plan is scheduled with: its own, or, for an
/// active project that began before today, the start of today, as
/// Microsoft Project's "reschedule uncompleted work to start after": work
/// not yet done is never planned in the past, so an ongoing project does
/// not show its open work on one past day with a finish already gone.
/// A proposed, paused, done or cancelled project keeps the dates it was
/// planned with.
pub fn status_date(
    project: &Project,
    plan_start: chrono::NaiveDateTime,
    today: NaiveDate,
) -> Option<chrono::NaiveDateTime> {
    project.status_date.or_else(|| {
        (project.status == ProjectStatus::Active && plan_start.date() < today)
            .then(|| start_of_day(today))
    })
}

/// [`project_plan`] of these tasks (none cancelled) from a start already
/// decided.
fn plan_from(
    project: &Project,
    exceptions: &[CalendarException],
    tasks: &[&PlanTask],
    links: &[Link],
    people: &People,
    start: chrono::NaiveDateTime,
    status_date: Option<chrono::NaiveDateTime>,
) -> ProjectPlan {
    let calendar = project.work_week.calendar(exceptions);
    let minutes_per_day = calendar.minutes_per_day as f64;
    let week_hours = calendar
        .week
        .iter()
        .flatten()
        .map(|p| f64::from(p.end - p.start) / 60.0)
        .sum::<f64>()
        .max(1.0);
    // At least a twentieth, so no one's work takes forever.
    let units = |task: &PlanTask| {
        task.owner_id
            .and_then(|o| people.capacity.get(&o))
            .map(|hours| (hours / week_hours).clamp(0.05, 1.0))
            .unwrap_or(1.0)
    };
    let index: HashMap<Id, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    // Owners who are away some days work on calendars of their own, in
    // the order their first task comes; the rest on the project's.
    let mut calendars: Vec<Calendar> = Vec::new();
    let mut calendar_of: HashMap<Id, Option<usize>> = HashMap::new();
    for owner in tasks.iter().filter_map(|t| t.owner_id) {
        calendar_of.entry(owner).or_insert_with(|| {
            let own = people.calendar_of(owner, &calendar)?;
            calendars.push(own);
            Some(calendars.len() - 1)
        });
    }
    let parents: std::collections::HashSet<Id> = tasks.iter().filter_map(|t| t.parent_id).collect();
    let linked: std::collections::HashSet<Id> = links
        .iter()
        .flat_map(|l| [l.predecessor_id, l.successor_id])
        .collect();
    let specs = tasks
        .iter()
        .map(|t| {
            let minutes = match (t.estimate_days, t.effort_hours) {
                (Some(days), _) => days * minutes_per_day,
                (None, Some(hours)) => hours * 60.0 / units(t),
                (None, None) => minutes_per_day,
            };
            let duration = minutes.max(0.0).round() as i64;
            let mut spec = TaskSpec::new(t.id, t.key.clone(), duration);
            spec.parent = t.parent_id.and_then(|p| index.get(&p).copied());
            spec.constraint = constraint(t);
            spec.actual_start = t.schedule.actual_start;
            spec.percent_complete = t.percent_complete.clamp(0, 100) as u8;
            spec.actual_finish = t.schedule.actual_finish;
            spec.deadline = t.due_date.map(end_of_day);
            spec.levelling_delay = t.schedule.levelling_delay;
            let tied = linked.contains(&t.id) || parents.contains(&t.id);
            if scheduling(t, tied) == Scheduling::Dated {
                // Its due date is its finish, not a deadline to miss; one
                // before its start leaves the finish to its estimate, and
                // is missed.
                let finish = t
                    .due_date
                    .filter(|due| t.start_date.is_none_or(|start| start <= *due));
                spec.constraint = Constraint::AsSoonAsPossible;
                if finish.is_some() {
                    spec.deadline = None;
                }
                spec.fixed = Some(Fixed {
                    start: t.start_date.map(start_of_day),
                    finish: finish.map(end_of_day),
                });
            }
            // A milestone is no one's work, and a summary's dates are its
            // subtasks'.
            let own = t
                .owner_id
                .and_then(|o| calendar_of.get(&o).copied().flatten());
            if let Some(calendar) = own.filter(|_| duration > 0 && !parents.contains(&t.id)) {
                spec.assignments.push(Assignment {
                    calendar,
                    minutes: duration,
                });
            }
            spec
        })
        .collect();
    let links = links
        .iter()
        .filter_map(|d| {
            let predecessor = *index.get(&d.predecessor_id)?;
            let successor = *index.get(&d.successor_id)?;
            let kind = match d.kind {
                DependencyKind::Fs => LinkKind::FinishToStart,
                DependencyKind::Ss => LinkKind::StartToStart,
                DependencyKind::Ff => LinkKind::FinishToFinish,
                DependencyKind::Sf => LinkKind::StartToFinish,
            };
            let lag = match d.lag_format {
                LagFormat::WorkingDays => Lag::Work((d.lag_days * minutes_per_day).round() as i64),
                LagFormat::ElapsedDays => Lag::Elapsed((d.lag_days * 24.0 * 60.0).round() as i64),
                LagFormat::Percent => Lag::Percent(d.lag_days),
            };
            Some(LinkSpec {
                predecessor,
                successor,
                kind,
                lag,
            })
        })
        .collect();
    ProjectPlan {
        plan: Plan {
            calendar,
            calendars,
            start,
            status_date,
            tasks: specs,
            links,
        },
        task_ids: tasks.iter().map(|t| t.id).collect(),
        estimates: tasks
            .iter()
            .map(|t| {
                t.three_point.as_ref().map(|tp| {
                    let minutes = |days: f64| (days.max(0.0) * minutes_per_day).round() as i64;
                    tandem_schedule::forecast::Estimate {
                        optimistic: minutes(tp.optimistic),
                        likely: minutes(tp.likely),
                        pessimistic: minutes(tp.pessimistic),
                    }
                })
            })
            .collect(),
        owners: tasks.iter().map(|t| t.owner_id).collect(),
    }
}

/// What a forecast should say of its own spread: with no task uncertain
/// (a three-point estimate whose optimistic and pessimistic differ) every
/// run is the plan and P50 = P80 = P95 says nothing; with few, the spread
/// is narrower than it will be. `tasks` counts the work that could vary:
/// not summaries, milestones or finished work.
pub fn forecast_warning(uncertain: usize, tasks: usize) -> Option<String> {
    if tasks == 0 {
        return None;
    }
    if uncertain == 0 {
        return Some(format!(
            "No task has a three-point estimate, so every run is the plan: P50, P80 and P95 are all the planned finish. Give the uncertain ones of its {tasks} {} optimistic, likely and pessimistic days.",
            if tasks == 1 { "task" } else { "tasks" }
        ));
    }
    (uncertain * 4 < tasks).then(|| {
        format!(
            "Only {uncertain} of {tasks} tasks have a three-point estimate; the others count as certain, so the real spread is wider than this."
        )
    })
}

/// What a forecast says of tasks planned outside their own three-point
/// range (`keys`: a longer estimate given, its three points left as they
/// were): each run draws their duration from the range, so the runs
/// never take the planned time and the percentiles may fall before the
/// planned finish.
pub fn outside_range_warning(keys: &[String]) -> Option<String> {
    const NAMED: usize = 5;
    if keys.is_empty() {
        return None;
    }
    let named = keys[..keys.len().min(NAMED)].join(", ");
    let more = match keys.len().saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Some(format!(
        "{named}{more}: planned for a time outside {} three-point range, which every run draws from instead; bring the estimate and its three points together.",
        if keys.len() == 1 { "its" } else { "their" }
    ))
}

/// Tasks created or changed in a project, scheduled on their own against
/// the stored schedule of the plan before them: the rows to write, the
/// rows to remove (tasks cancelled), and the fingerprint of the plan as it
/// is now. The stored schedule's header (start, finish, critical path,
/// warnings) holds for that plan unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Beside {
    pub fingerprint: String,
    pub tasks: Vec<TaskSchedule>,
    pub removed: Vec<Id>,
}

/// The tasks of `candidates` that their own start-no-earlier-than
/// constraint starts later than the plan would start them without it:
/// the plan scheduled with those constraints cleared (a task's start date
/// still holds), its starts against `current`, the plan's schedule as it
/// stands. None when the plan cannot be scheduled.
pub fn delayed_by_constraints(
    planned: &ProjectPlan,
    tasks: &[PlanTask],
    candidates: &std::collections::HashSet<Id>,
    current: &StoredSchedule,
) -> std::collections::HashSet<Id> {
    let mut found = std::collections::HashSet::new();
    if candidates.is_empty() {
        return found;
    }
    let by_id: HashMap<Id, &PlanTask> = tasks.iter().map(|t| (t.id, t)).collect();
    let mut without = planned.plan.clone();
    for (i, id) in planned.task_ids.iter().enumerate() {
        if let (true, Some(task)) = (candidates.contains(id), by_id.get(id)) {
            let mut cleared = (*task).clone();
            cleared.schedule.constraint_type = None;
            cleared.schedule.constraint_date = None;
            without.tasks[i].constraint = constraint(&cleared);
        }
    }
    let Ok(without) = tandem_schedule::schedule(&without) else {
        return found;
    };
    let starts: HashMap<Id, NaiveDateTime> = current
        .tasks
        .iter()
        .filter(|s| candidates.contains(&s.task_id))
        .map(|s| (s.task_id, s.early_start))
        .collect();
    for (i, id) in planned.task_ids.iter().enumerate() {
        if let Some(start) = starts.get(id)
            && without.instants(i)[0] < *start
        {
            found.insert(*id);
        }
    }
    found
}

/// What [`beside`] reads of the stored schedule it adds to: its
/// fingerprint, what it was scheduled against, and its warnings.
#[derive(Debug, Clone, Copy)]
pub struct StoredHead<'a> {
    pub fingerprint: &'a str,
    pub basis: ScheduleBasis,
    pub warnings: &'a [String],
}

/// Schedules tasks new to the project's plan or changed in it (`changed`:
/// each as it is now, with its row in the stored schedule if it had one)
/// against the plan's stored schedule (its `fingerprint`, `basis` and
/// `warnings`), without the rest of the plan: what the rescheduler does
/// after a burst of creates and edits, at a cost that does not grow with
/// the project. The caller vouches that no task of the project is linked
/// to any of them or has one as its parent, and that nothing else in the
/// plan changed.
///
/// None when the whole plan must be scheduled again, because the change
/// reaches beyond the tasks' own rows: a task was not loose before (its
/// row keeps no digest: it had a parent, subtasks or links) or was
/// critical or warned about (it may have set the finish, the critical
/// path or the warnings); or, as it is now, has a parent, starts before
/// the plan does (when the project has no start of its own), finishes
/// after the finish the late dates count back from, is critical, or earns
/// a warning.
pub fn beside(
    project: &Project,
    exceptions: &[CalendarException],
    changed: &[(PlanTask, Option<TaskSchedule>)],
    people: &People,
    stored: StoredHead<'_>,
    today: NaiveDate,
) -> Option<Beside> {
    let StoredHead {
        fingerprint,
        basis,
        warnings,
    } = stored;
    let mut digest = u64::from_str_radix(fingerprint, 16).ok()?;
    let named = |t: &PlanTask| {
        warnings
            .iter()
            .any(|w| w.starts_with(&format!("{} ", t.key)) || w.starts_with(&format!("{}'", t.key)))
    };
    let starts_within = |t: &PlanTask| match project.start_date {
        Some(day) => start_of_day(day) == basis.plan_start,
        None => t
            .start_date
            .is_none_or(|day| start_of_day(day) >= basis.plan_start),
    };
    let mut planned: Vec<&PlanTask> = Vec::new();
    let mut removed = Vec::new();
    for (task, stored) in changed {
        if let Some(row) = stored {
            let before = row.loose_digest?;
            if row.critical || named(task) {
                return None;
            }
            digest = digest.wrapping_sub(before as u64);
        }
        if task.status == TaskStatus::Cancelled {
            removed.extend(stored.map(|row| row.task_id));
            continue;
        }
        if task.parent_id.is_some() || !starts_within(task) {
            return None;
        }
        planned.push(task);
    }
    let plan = plan_from(
        project,
        exceptions,
        &planned,
        &[],
        people,
        basis.plan_start,
        status_date(project, basis.plan_start, today),
    );
    let result = tandem_schedule::schedule_beside(&plan.plan, basis.late_from).ok()?;
    let fits = result.finish == basis.late_from && result.late_from == basis.late_from;
    if !fits || !result.diagnostics.is_empty() || result.tasks.iter().any(|d| d.critical) {
        return None;
    }
    let digests = plan.plan.task_digests();
    Some(Beside {
        fingerprint: format!(
            "{:016x}",
            digest.wrapping_add(plan.plan.items_digest_with(&digests))
        ),
        tasks: plan.task_rows(&result, &digests),
        removed,
    })
}

/// A day's first working minute on any calendar: midnight, which working
/// time counts from the day's first period.
fn start_of_day(day: NaiveDate) -> chrono::NaiveDateTime {
    tandem_schedule::cpm::day(day, 0)
}

/// A day's last working minute on any calendar.
fn end_of_day(day: NaiveDate) -> chrono::NaiveDateTime {
    tandem_schedule::cpm::day(day, 23) + chrono::Duration::minutes(59)
}

/// The task's constraint in the scheduler's terms: its own, or "start no
/// earlier than" its start date.
pub fn constraint(task: &PlanTask) -> Constraint {
    let s = &task.schedule;
    match (s.constraint_type, s.constraint_date) {
        (Some(ConstraintType::Asap), _) => Constraint::AsSoonAsPossible,
        (Some(ConstraintType::Alap), _) => Constraint::AsLateAsPossible,
        (Some(ConstraintType::Snet), Some(d)) => Constraint::StartNoEarlierThan(d),
        (Some(ConstraintType::Snlt), Some(d)) => Constraint::StartNoLaterThan(d),
        (Some(ConstraintType::Fnet), Some(d)) => Constraint::FinishNoEarlierThan(d),
        (Some(ConstraintType::Fnlt), Some(d)) => Constraint::FinishNoLaterThan(d),
        (Some(ConstraintType::Mso), Some(d)) => Constraint::MustStartOn(d),
        (Some(ConstraintType::Mfo), Some(d)) => Constraint::MustFinishOn(d),
        _ => match task.start_date {
            Some(day) => Constraint::StartNoEarlierThan(start_of_day(day)),
            None => Constraint::AsSoonAsPossible,
        },
    }
}

impl ProjectPlan {
    /// The fingerprint a stored schedule of this plan carries.
    pub fn fingerprint(&self) -> String {
        format!("{:016x}", self.plan.fingerprint())
    }

    /// What is worth telling about a schedule of this plan, in words.
    pub fn warnings(&self, result: &Schedule) -> Vec<String> {
        let name = |i: usize| self.plan.tasks[i].name.as_str();
        result
            .diagnostics
            .iter()
            .map(|d| match d {
                tandem_schedule::Diagnostic::ConstraintBreaksLink { task, predecessor } => format!(
                    "{}'s {} it before its link from {} allows",
                    name(*task),
                    if self.plan.tasks[*task].fixed.is_some() {
                        "dates, kept as given, put"
                    } else {
                        "constraint puts"
                    },
                    name(*predecessor)
                ),
                tandem_schedule::Diagnostic::BeyondHorizon { task } => format!(
                    "{}'s dates run past what the schedule covers (sixty years from the project's start); check its dates",
                    name(*task)
                ),
                tandem_schedule::Diagnostic::DeadlineMissed { task } => {
                    format!("{} finishes after its due date", name(*task))
                }
            })
            .collect()
    }

    /// A schedule of this plan, in the form the store keeps.
    pub fn stored(&self, result: &Schedule, computed_at: DateTime<Utc>) -> StoredSchedule {
        let digests = self.plan.task_digests();
        StoredSchedule {
            fingerprint: format!(
                "{:016x}",
                self.plan
                    .context_digest()
                    .wrapping_add(self.plan.items_digest_with(&digests))
            ),
            computed_at,
            start: result.timeline.start_instant(result.start),
            // A plan with no work (no tasks, or milestones alone)
            // finishes where it starts, not at the end of the working
            // day before it, which is where a finish at its first minute
            // falls.
            finish: if result.finish > result.start {
                result.timeline.finish_instant(result.finish)
            } else {
                result.timeline.start_instant(result.start)
            },
            critical_path: result
                .critical_path()
                .into_iter()
                .map(|i| self.task_ids[i])
                .collect(),
            warnings: self.warnings(result),
            tasks: self.task_rows(result, &digests),
            basis: Some(ScheduleBasis {
                plan_start: self.plan.start,
                late_from: result.late_from,
            }),
        }
    }

    /// Each task's row of a schedule of this plan; `digests`, the plan's
    /// [`Plan::task_digests`](tandem_schedule::Plan::task_digests).
    fn task_rows(&self, result: &Schedule, digests: &[u64]) -> Vec<TaskSchedule> {
        let plan = &self.plan;
        let mut linked = vec![false; plan.tasks.len()];
        for l in &plan.links {
            linked[l.predecessor] = true;
            linked[l.successor] = true;
        }
        self.task_ids
            .iter()
            .enumerate()
            .map(|(i, &task_id)| {
                let loose =
                    plan.tasks[i].parent.is_none() && !result.tasks[i].summary && !linked[i];
                let d = &result.tasks[i];
                let [early_start, early_finish, late_start, late_finish] = result.instants(i);
                TaskSchedule {
                    task_id,
                    early_start,
                    early_finish,
                    late_start,
                    late_finish,
                    total_slack: d.total_slack,
                    free_slack: d.free_slack,
                    critical: d.critical,
                    summary: d.summary,
                    milestone: d.milestone,
                    // The digest's bits, as the databases keep signed integers.
                    loose_digest: loose.then(|| digests[i] as i64),
                }
            })
            .collect()
    }

    /// The planned dates of every task, to save as a baseline.
    pub fn baseline(&self, result: &Schedule) -> Vec<BaselineTask> {
        self.task_ids
            .iter()
            .enumerate()
            .map(|(i, &task_id)| {
                let d = &result.tasks[i];
                let [start, finish, _, _] = result.instants(i);
                BaselineTask {
                    task_id,
                    start,
                    finish,
                    duration_minutes: d.early_finish - d.early_start,
                }
            })
            .collect()
    }
}

/// How far a task has moved from its baseline, in working minutes on the
/// project's calendar: positive is later (or longer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variance {
    pub task_id: Id,
    pub start: i64,
    pub finish: i64,
    pub duration: i64,
}

/// The variance of each task in both the baseline and the current
/// schedule (tasks added since, or deleted, have none).
pub fn variance(
    calendar: &Calendar,
    baseline: &[BaselineTask],
    current: &[TaskSchedule],
) -> Vec<Variance> {
    let Some(first) = baseline
        .iter()
        .map(|b| b.start)
        .chain(current.iter().map(|c| c.early_start))
        .min()
    else {
        return Vec::new();
    };
    let last = baseline
        .iter()
        .map(|b| b.finish)
        .chain(current.iter().map(|c| c.early_finish))
        .max()
        .unwrap_or(first);
    let first = first.date() - chrono::Days::new(1);
    let days = (last.date() - first).num_days().max(0) as usize + 2;
    let timeline = Timeline::new(calendar, first, days);
    let work = |instant| timeline.to_work(instant);
    let baseline: HashMap<Id, &BaselineTask> = baseline.iter().map(|b| (b.task_id, b)).collect();
    current
        .iter()
        .filter_map(|c| {
            let b = baseline.get(&c.task_id)?;
            let duration = work(c.early_finish) - work(c.early_start);
            Some(Variance {
                task_id: c.task_id,
                start: work(c.early_start) - work(b.start),
                finish: work(c.early_finish) - work(b.finish),
                duration: duration - b.duration_minutes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Priority, TaskScheduling, WorkWeek};

    #[test]
    fn tasks_planned_outside_their_range_are_named_five_at_most() {
        assert_eq!(outside_range_warning(&[]), None);
        let one = outside_range_warning(&["P-1".to_string()]).unwrap();
        assert!(
            one.starts_with("P-1: planned for a time outside its three-point range"),
            "{one}"
        );
        let keys: Vec<String> = (1..=7).map(|i| format!("P-{i}")).collect();
        let many = outside_range_warning(&keys).unwrap();
        assert!(
            many.starts_with(
                "P-1, P-2, P-3, P-4, P-5 and 2 more: planned for a time outside their"
            ),
            "{many}"
        );
    }

    fn at(day: u32, hour: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    fn task(id: Id) -> Task {
        Task {
            id,
            key: format!("P-{id}"),
            project: None,
            number: id,
            title: format!("Task {id}"),
            description: None,
            owner: None,
            collaborators: Vec::new(),
            status: TaskStatus::Todo,
            priority: Priority::None,
            start_date: None,
            due_date: None,
            estimate_days: Some(1.0),
            effort_hours: None,
            three_point: None,
            percent_complete: 0,
            schedule: TaskScheduling::default(),
            scheduling: crate::model::Scheduling::Scheduled,
            parent: None,
            phase_id: None,
            milestone_id: None,
            tags: Vec::new(),
            blocked_reason: None,
            created_by: None,
            version: 1,
            created_at: DateTime::<Utc>::default(),
            updated_at: DateTime::<Utc>::default(),
            completed_at: None,
        }
    }

    fn planned(tasks: &[Task]) -> Vec<PlanTask> {
        tasks.iter().map(PlanTask::from).collect()
    }

    #[test]
    fn an_explicit_constraint_rules_and_a_start_date_is_start_no_earlier_than() {
        let mut t = task(1);
        assert_eq!(constraint(&(&t).into()), Constraint::AsSoonAsPossible);
        t.start_date = NaiveDate::from_ymd_opt(2026, 11, 24);
        assert_eq!(
            constraint(&(&t).into()),
            Constraint::StartNoEarlierThan(at(24, 0))
        );
        t.schedule.constraint_type = Some(ConstraintType::Mfo);
        t.schedule.constraint_date = Some(at(27, 17));
        assert_eq!(
            constraint(&(&t).into()),
            Constraint::MustFinishOn(at(27, 17))
        );
        t.schedule.constraint_type = Some(ConstraintType::Asap);
        t.schedule.constraint_date = None;
        assert_eq!(constraint(&(&t).into()), Constraint::AsSoonAsPossible);
    }

    #[test]
    fn variance_counts_working_time() {
        let baseline = [BaselineTask {
            task_id: 1,
            start: at(20, 8),
            finish: at(20, 17),
            duration_minutes: 480,
        }];
        // Friday's task now runs Monday and Tuesday: a weekend is no slip.
        let current = TaskSchedule {
            task_id: 1,
            early_start: at(23, 8),
            early_finish: at(24, 17),
            late_start: at(23, 8),
            late_finish: at(24, 17),
            total_slack: 0,
            free_slack: 0,
            critical: true,
            summary: false,
            milestone: false,
            loose_digest: None,
        };
        let unrelated = TaskSchedule {
            task_id: 2,
            ..current
        };
        let v = variance(&Calendar::default(), &baseline, &[current, unrelated]);
        assert_eq!(
            v,
            [Variance {
                task_id: 1,
                start: 480,
                finish: 960,
                duration: 480
            }]
        );
    }

    fn sample_project() -> Project {
        Project {
            template: None,
            id: 1,
            key: "P".into(),
            name: "P".into(),
            objective: None,
            scope_in: None,
            scope_out: None,
            owner: None,
            status: crate::model::ProjectStatus::Active,
            stage: crate::model::Stage::Planning,
            start_date: NaiveDate::from_ymd_opt(2026, 11, 23),
            target_date: None,
            budget: None,
            ongoing: false,
            work_week: WorkWeek::default(),
            status_date: None,
            update_cadence_days: 7,
            archived_at: None,
            health: None,
            version: 1,
            created_at: DateTime::<Utc>::default(),
            updated_at: DateTime::<Utc>::default(),
        }
    }

    #[test]
    fn open_work_of_an_active_project_is_planned_from_today_not_in_the_past() {
        // Begun on Monday the 23rd; today is Wednesday, December 2nd.
        let mut project = sample_project();
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let mut done = task(1);
        done.status = TaskStatus::Done;
        done.schedule.actual_start = Some(at(23, 8));
        done.schedule.actual_finish = Some(at(23, 17));
        let tasks = planned(&[done, task(2)]);
        let first_start = |project: &Project| {
            let plan = project_plan(project, &[], &tasks, &[], &People::default(), today);
            let result = tandem_schedule::schedule(&plan.plan).unwrap();
            (plan.plan.status_date, result.instants(1)[0])
        };
        let december = |day: u32, hour: u32| {
            NaiveDate::from_ymd_opt(2026, 12, day)
                .unwrap()
                .and_hms_opt(hour, 0, 0)
                .unwrap()
        };
        let (status, open) = first_start(&project);
        assert_eq!(status, Some(december(2, 0)));
        assert_eq!(open, december(2, 8), "open work starts today");
        // Its own status date rules, as does a plan not under way.
        project.status_date = Some(at(23, 8));
        assert_eq!(first_start(&project), (Some(at(23, 8)), at(23, 8)));
        project.status_date = None;
        project.status = crate::model::ProjectStatus::Proposed;
        assert_eq!(first_start(&project), (None, at(23, 8)));
        // A project that starts later has nothing in the past to move.
        project.status = crate::model::ProjectStatus::Active;
        project.start_date = NaiveDate::from_ymd_opt(2026, 12, 7);
        assert_eq!(first_start(&project).0, None);
    }

    #[test]
    fn work_runs_on_its_owners_calendar_and_days_away_push_it_later() {
        // From Monday the 23rd. Ana (7) is away Tuesday and Wednesday;
        // Ben (8) never is.
        let project = sample_project();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let owned = |id: Id, owner: Id, days: f64| {
            let mut t = task(id);
            t.owner = Some(crate::model::UserRef {
                id: owner,
                email: format!("{owner}@x.test"),
                name: format!("P{owner}"),
            });
            t.estimate_days = Some(days);
            t
        };
        // 1: Ana's three days; 2: Ben's; 3: follows 1; 4: Ana's
        // milestone; 5: Ana's summary of 6, Ben's day.
        let mut tasks = vec![
            owned(1, 7, 3.0),
            owned(2, 8, 3.0),
            task(3),
            owned(4, 7, 0.0),
            owned(5, 7, 1.0),
            owned(6, 8, 1.0),
        ];
        tasks[5].parent = Some(crate::model::TaskRef {
            id: 5,
            key: "P-5".into(),
            title: "Task 5".into(),
        });
        let links = [Link {
            id: 1,
            predecessor_id: 1,
            successor_id: 3,
            kind: DependencyKind::Fs,
            lag_days: 0.0,
            lag_format: LagFormat::WorkingDays,
            version: 1,
        }];
        let away = People {
            capacity: HashMap::new(),
            away: [(7, vec![(day(24), day(25))])].into_iter().collect(),
        };
        let plan_tasks = planned(&tasks);
        let finish = |people: &People| {
            let plan = project_plan(&project, &[], &plan_tasks, &links, people, today);
            let result = tandem_schedule::schedule(&plan.plan).unwrap();
            let finishes: Vec<_> = (0..6).map(|i| result.instants(i)[1]).collect();
            (plan.fingerprint(), finishes, result.instants(2)[0])
        };
        let (at_work, usual, follows) = finish(&People::default());
        assert_eq!(usual[0], at(25, 17));
        assert_eq!(follows, at(26, 8));
        let (away_print, moved, follows_later) = finish(&away);
        assert_eq!(moved[0], at(27, 17), "Monday, then Thursday and Friday");
        assert_eq!(follows_later, at(30, 8), "its successor waits for it");
        assert_eq!(moved[1], usual[1], "Ben's work is not Ana's");
        assert_eq!(moved[3], usual[3], "a milestone is no one's work");
        assert_eq!(moved[5], usual[5], "a summary rolls up, it is not worked");
        assert_ne!(at_work, away_print, "a stored schedule goes stale");

        // A task's part of the fingerprint is the same alone as in the
        // whole plan, so a loose task rescheduled on its own (`beside`)
        // keeps the stored fingerprint true.
        let whole = project_plan(&project, &[], &plan_tasks, &links, &away, today);
        let alone = project_plan(&project, &[], &plan_tasks[..1], &[], &away, today);
        assert_eq!(whole.plan.task_digests()[0], alone.plan.task_digests()[0]);
    }

    #[test]
    fn started_work_left_after_the_status_date_waits_for_its_owner() {
        // Begun Monday the 23rd, half of four days done by Thursday the
        // 26th, its owner away Friday: the two days left run Thursday
        // and Monday (from its start, the four days would end Thursday).
        let mut project = sample_project();
        project.status_date = Some(at(26, 0));
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut t = task(1);
        t.owner = Some(crate::model::UserRef {
            id: 7,
            email: "7@x.test".into(),
            name: "P7".into(),
        });
        t.estimate_days = Some(4.0);
        t.status = TaskStatus::InProgress;
        t.percent_complete = 50;
        t.schedule.actual_start = Some(at(23, 8));
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let away = People {
            capacity: HashMap::new(),
            away: [(7, vec![(day(27), day(27))])].into_iter().collect(),
        };
        let plan = project_plan(&project, &[], &planned(&[t]), &[], &away, today);
        let result = tandem_schedule::schedule(&plan.plan).unwrap();
        assert_eq!(result.instants(0)[1], at(30, 17));
    }

    #[test]
    fn a_constraint_delays_a_task_only_when_the_plan_would_start_it_sooner() {
        let project = sample_project();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let snet = |day: u32| TaskScheduling {
            constraint_type: Some(ConstraintType::Snet),
            constraint_date: Some(at(day, 8)),
            ..TaskScheduling::default()
        };
        // 1 runs Monday the 23rd. 2 follows it (Tuesday), 4 follows it two
        // working days later (Thursday): each constrained to that very
        // day. 3 has no link and waits for Friday; 5 for the start.
        let mut tasks = vec![task(1), task(2), task(3), task(4), task(5)];
        tasks[1].schedule = snet(24);
        tasks[2].schedule = snet(27);
        tasks[3].schedule = snet(26);
        tasks[4].schedule = snet(23);
        let link = |id: Id, successor: Id, lag_days: f64| Link {
            id,
            predecessor_id: 1,
            successor_id: successor,
            kind: DependencyKind::Fs,
            lag_days,
            lag_format: LagFormat::WorkingDays,
            version: 1,
        };
        let links = [link(1, 2, 0.0), link(2, 4, 2.0)];
        let plan_tasks = planned(&tasks);
        let plan = project_plan(
            &project,
            &[],
            &plan_tasks,
            &links,
            &People::default(),
            today,
        );
        let current = plan.stored(&tandem_schedule::schedule(&plan.plan).unwrap(), Utc::now());
        let candidates = [2, 3, 4, 5].into_iter().collect();
        assert_eq!(
            delayed_by_constraints(&plan, &plan_tasks, &candidates, &current),
            [3].into_iter().collect()
        );
    }

    #[test]
    fn the_fingerprint_follows_what_decides_the_schedule() {
        let project = sample_project();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let tasks = vec![task(1), task(2)];
        let print = |tasks: &[Task]| {
            project_plan(
                &project,
                &[],
                &planned(tasks),
                &[],
                &People::default(),
                today,
            )
            .fingerprint()
        };
        assert_eq!(print(&tasks), print(&tasks.clone()));
        let mut changed = tasks.clone();
        changed[1].title = "Renamed".into();
        assert_eq!(print(&changed), print(&tasks), "titles do not schedule");
        changed[1].estimate_days = Some(2.0);
        assert_ne!(print(&changed), print(&tasks));
        let mut constrained = tasks.clone();
        constrained[0].schedule.actual_start = Some(at(23, 8));
        assert_ne!(print(&constrained), print(&tasks));
    }

    /// Found in the browser: a new project starting on a Monday showed a
    /// scheduled finish on the Friday before.
    #[test]
    fn a_plan_with_no_work_finishes_on_its_start() {
        let mut project = sample_project();
        project.start_date = NaiveDate::from_ymd_opt(2027, 1, 4);
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let plan = project_plan(&project, &[], &[], &[], &People::default(), today);
        let result = tandem_schedule::cpm::schedule(&plan.plan).unwrap();
        let stored = plan.stored(&result, chrono::DateTime::from_timestamp(0, 0).unwrap());
        assert_eq!(
            stored.finish.date(),
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
        );
        assert!(stored.finish >= stored.start, "{stored:?}");
    }

    /// Found in the browser: dragging one bar of a project without a start
    /// date to next week moved every unlinked task there too.
    #[test]
    fn a_future_start_date_holds_its_own_task_only() {
        let mut project = sample_project();
        project.start_date = None;
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut tasks = vec![task(1), task(2)];
        tasks[1].start_date = NaiveDate::from_ymd_opt(2026, 12, 2);
        let plan = project_plan(
            &project,
            &[],
            &planned(&tasks),
            &[],
            &People::default(),
            today,
        );
        assert_eq!(plan.plan.start, at(23, 0));
        // An earlier start date still starts the plan earlier.
        tasks[1].start_date = NaiveDate::from_ymd_opt(2026, 11, 16);
        let plan = project_plan(
            &project,
            &[],
            &planned(&tasks),
            &[],
            &People::default(),
            today,
        );
        assert_eq!(
            plan.plan.start.date(),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
    }
}
