//! Progress of phases, milestones and projects, computed from their leaf
//! tasks and never typed in.
//!
//! Each leaf weighs its effort in hours; without effort, its duration
//! estimate in working days at 8 hours a day; without either, one day.
//! Cancelled leaves are left out of both sides of the ratio; done leaves
//! count as complete whatever their percentage says.

use crate::model::{Id, TaskStatus};

/// What roll-up needs of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressInput {
    pub id: Id,
    pub parent_id: Option<Id>,
    pub status: TaskStatus,
    pub percent_complete: i64,
    pub effort_hours: Option<f64>,
    pub estimate_days: Option<f64>,
}

/// Rolled-up progress of a set of tasks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    /// Weighted percent complete, 0 to 100; 0 when nothing counts.
    pub percent: f64,
    /// Leaf tasks counted (cancelled ones excluded).
    pub leaf_tasks: usize,
    pub done_tasks: usize,
    /// Hours of work the percentage is weighted by.
    pub total_weight_hours: f64,
}

pub const HOURS_PER_DAY: f64 = 8.0;

pub fn weight_hours(task: &ProgressInput) -> f64 {
    match (task.effort_hours, task.estimate_days) {
        (Some(hours), _) if hours > 0.0 => hours,
        (_, Some(days)) if days > 0.0 => days * HOURS_PER_DAY,
        _ => HOURS_PER_DAY,
    }
}

/// Progress over the leaves among `tasks` (a task is a leaf when no task in
/// `all_tasks` names it as parent).
pub fn rollup<'a>(
    tasks: impl IntoIterator<Item = &'a ProgressInput>,
    all_tasks: &[ProgressInput],
) -> Progress {
    let parents: std::collections::HashSet<Id> =
        all_tasks.iter().filter_map(|t| t.parent_id).collect();
    let mut progress = Progress::default();
    let mut done_weight = 0.0;
    for task in tasks {
        if parents.contains(&task.id) || task.status == TaskStatus::Cancelled {
            continue;
        }
        let weight = weight_hours(task);
        let fraction = if task.status == TaskStatus::Done {
            progress.done_tasks += 1;
            1.0
        } else {
            task.percent_complete.clamp(0, 100) as f64 / 100.0
        };
        progress.leaf_tasks += 1;
        progress.total_weight_hours += weight;
        done_weight += weight * fraction;
    }
    if progress.total_weight_hours > 0.0 {
        progress.percent = (done_weight / progress.total_weight_hours * 1000.0).round() / 10.0;
    }
    progress
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(
        id: Id,
        parent: Option<Id>,
        status: TaskStatus,
        pct: i64,
        effort: Option<f64>,
        days: Option<f64>,
    ) -> ProgressInput {
        ProgressInput {
            id,
            parent_id: parent,
            status,
            percent_complete: pct,
            effort_hours: effort,
            estimate_days: days,
        }
    }

    #[test]
    fn weights_by_effort_then_duration() {
        let tasks = vec![
            task(1, None, TaskStatus::Done, 0, Some(30.0), None),
            task(2, None, TaskStatus::InProgress, 50, None, Some(1.25)),
        ];
        let p = rollup(&tasks, &tasks);
        // (30 * 1 + 10 * 0.5) / 40
        assert_eq!(p.percent, 87.5);
        assert_eq!(p.leaf_tasks, 2);
        assert_eq!(p.done_tasks, 1);
    }

    #[test]
    fn cancelled_leaves_and_parents_do_not_count() {
        let tasks = vec![
            task(1, None, TaskStatus::InProgress, 90, Some(100.0), None),
            task(2, Some(1), TaskStatus::Done, 100, Some(4.0), None),
            task(3, Some(1), TaskStatus::Todo, 0, Some(4.0), None),
            task(4, None, TaskStatus::Cancelled, 0, Some(400.0), None),
        ];
        let p = rollup(&tasks, &tasks);
        assert_eq!(p.percent, 50.0);
        assert_eq!(p.leaf_tasks, 2);
    }

    #[test]
    fn nothing_to_count_is_zero() {
        assert_eq!(rollup(&[], &[]).percent, 0.0);
    }
}
