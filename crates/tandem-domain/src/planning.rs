//! A project's tasks and dependencies as a plan for the scheduler: how
//! Tandem's fields map onto Microsoft Project's model.
//!
//! - Duration: the estimate in working days; without one, effort hours at
//!   eight hours a day; without either, one day. A task estimated at zero
//!   is a milestone.
//! - A task's start date is "start no earlier than"; its due date is a
//!   deadline (it caps the late finish and is reported when missed), not a
//!   hard constraint, so a late task shows negative slack instead of
//!   bending the plan.
//! - Subtasks make their parent a summary. Cancelled tasks are left out,
//!   with the links that touch them.
//! - A three-point estimate (in days) feeds the forecast; the owner is the
//!   person levelling books.
//! - The plan starts at the project's start date, or else at the earliest
//!   task start, or else at `today`; on the default calendar (Monday to
//!   Friday, 08:00–12:00 and 13:00–17:00).

use std::collections::HashMap;

use chrono::NaiveDate;
use tandem_schedule::{Calendar, Constraint, Lag, LinkKind, LinkSpec, Plan, TaskSpec};

use crate::model::{Dependency, DependencyKind, Id, Project, Task, TaskStatus};
use crate::rollup::HOURS_PER_DAY;

/// The plan, which task each of its entries is, each task's three-point
/// estimate (for the forecast) and owner (for levelling).
pub struct ProjectPlan {
    pub plan: Plan,
    pub task_ids: Vec<Id>,
    pub estimates: Vec<Option<tandem_schedule::forecast::Estimate>>,
    pub owners: Vec<Option<Id>>,
}

const MINUTES_PER_DAY: f64 = HOURS_PER_DAY * 60.0;

pub fn project_plan(
    project: &Project,
    tasks: &[Task],
    dependencies: &[Dependency],
    today: NaiveDate,
) -> ProjectPlan {
    let tasks: Vec<&Task> = tasks
        .iter()
        .filter(|t| t.status != TaskStatus::Cancelled)
        .collect();
    let index: HashMap<Id, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let start = project
        .start_date
        .or_else(|| tasks.iter().filter_map(|t| t.start_date).min())
        .unwrap_or(today);
    let specs = tasks
        .iter()
        .map(|t| {
            let days = match (t.estimate_days, t.effort_hours) {
                (Some(days), _) => days,
                (None, Some(hours)) => hours / HOURS_PER_DAY,
                (None, None) => 1.0,
            };
            let duration = (days.max(0.0) * MINUTES_PER_DAY).round() as i64;
            let mut spec = TaskSpec::new(t.id, t.key.clone(), duration);
            spec.parent = t.parent.as_ref().and_then(|p| index.get(&p.id).copied());
            if let Some(day) = t.start_date {
                spec.constraint = Constraint::StartNoEarlierThan(tandem_schedule::cpm::day(day, 8));
            }
            spec.deadline = t.due_date.map(|day| tandem_schedule::cpm::day(day, 17));
            spec
        })
        .collect();
    let links = dependencies
        .iter()
        .filter_map(|d| {
            let predecessor = *index.get(&d.predecessor.id)?;
            let successor = *index.get(&d.successor.id)?;
            let kind = match d.kind {
                DependencyKind::Fs => LinkKind::FinishToStart,
                DependencyKind::Ss => LinkKind::StartToStart,
                DependencyKind::Ff => LinkKind::FinishToFinish,
                DependencyKind::Sf => LinkKind::StartToFinish,
            };
            let lag = Lag::Work((d.lag_days * MINUTES_PER_DAY).round() as i64);
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
            calendar: Calendar::default(),
            calendars: Vec::new(),
            start: tandem_schedule::cpm::day(start, 8),
            tasks: specs,
            links,
        },
        task_ids: tasks.iter().map(|t| t.id).collect(),
        estimates: tasks
            .iter()
            .map(|t| {
                t.three_point.as_ref().map(|tp| {
                    let minutes = |days: f64| (days.max(0.0) * MINUTES_PER_DAY).round() as i64;
                    tandem_schedule::forecast::Estimate {
                        optimistic: minutes(tp.optimistic),
                        likely: minutes(tp.likely),
                        pessimistic: minutes(tp.pessimistic),
                    }
                })
            })
            .collect(),
        owners: tasks
            .iter()
            .map(|t| t.owner.as_ref().map(|o| o.id))
            .collect(),
    }
}
