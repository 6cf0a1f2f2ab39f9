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

/// A leaf's weight in whole milli-hours: sums of these kept by adding and
/// subtracting (the store's roll-up cells) equal sums made afresh, which
/// sums of floats would not.
pub fn weight_milli_hours(task: &ProgressInput) -> i64 {
    (weight_hours(task) * 1000.0).round() as i64
}

/// The sums a roll-up is made of; they add up, so a store can keep them
/// per project, phase and milestone as tasks change, and [`rollup`] makes
/// them from a list of tasks the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollupSums {
    pub leaf_tasks: i64,
    pub done_tasks: i64,
    /// Σ weight, milli-hours.
    pub weight_mh: i64,
    /// Σ weight × percent complete (a done task counts 100).
    pub done_mh_pct: i64,
}

impl RollupSums {
    /// What one task adds: nothing unless it is a leaf (no subtasks) and
    /// not cancelled.
    pub fn of(task: &ProgressInput, is_leaf: bool) -> Self {
        if !is_leaf || task.status == TaskStatus::Cancelled {
            return RollupSums::default();
        }
        let weight = weight_milli_hours(task);
        let (done, percent) = if task.status == TaskStatus::Done {
            (1, 100)
        } else {
            (0, task.percent_complete.clamp(0, 100))
        };
        RollupSums {
            leaf_tasks: 1,
            done_tasks: done,
            weight_mh: weight,
            done_mh_pct: weight * percent,
        }
    }

    pub fn add(&mut self, other: &RollupSums) {
        self.leaf_tasks += other.leaf_tasks;
        self.done_tasks += other.done_tasks;
        self.weight_mh += other.weight_mh;
        self.done_mh_pct += other.done_mh_pct;
    }

    pub fn subtract(&mut self, other: &RollupSums) {
        self.leaf_tasks -= other.leaf_tasks;
        self.done_tasks -= other.done_tasks;
        self.weight_mh -= other.weight_mh;
        self.done_mh_pct -= other.done_mh_pct;
    }

    pub fn is_zero(&self) -> bool {
        *self == RollupSums::default()
    }

    pub fn progress(&self) -> Progress {
        let percent = if self.weight_mh > 0 {
            (self.done_mh_pct as f64 / self.weight_mh as f64 * 10.0).round() / 10.0
        } else {
            0.0
        };
        Progress {
            percent,
            leaf_tasks: self.leaf_tasks.max(0) as usize,
            done_tasks: self.done_tasks.max(0) as usize,
            total_weight_hours: self.weight_mh as f64 / 1000.0,
        }
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
    let mut sums = RollupSums::default();
    for task in tasks {
        sums.add(&RollupSums::of(task, !parents.contains(&task.id)));
    }
    sums.progress()
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
