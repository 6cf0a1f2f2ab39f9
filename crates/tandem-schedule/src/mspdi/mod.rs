//! Microsoft Project XML (MSPDI): reading a project into a [`Plan`], and
//! writing a scheduled plan back out ([`write`]) for Microsoft Project,
//! MPXJ and anything else that reads the format.
//!
//! A streaming reader: it keeps the path of open elements and the fields of
//! the task or calendar being read, never the whole document, so a file of a
//! hundred thousand tasks reads in one pass. What it reads: the project's
//! start and calendar (weekdays, working times, exceptions as Project writes
//! them, base calendars), and each task's outline level, duration,
//! milestone flag, constraint, deadline, actual dates and predecessor links
//! with their lag and lag format.

mod reader;
#[cfg(test)]
mod tests;
mod writer;

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::calendar::Calendar;
use crate::cpm::{Assignment, Constraint, Lag, LinkKind, LinkSpec, Plan, TaskSpec};

pub use reader::read;
pub use writer::{ExportTask, write};

/// Why a file was not read. Each message reads after the word "File"
/// (the field it is shown beside): "File is not well-formed XML: …".
#[derive(Debug, thiserror::Error)]
pub enum MspdiError {
    #[error("is not well-formed XML: {0}")]
    Xml(String),
    #[error("{field} of task {uid}: {message}")]
    Field {
        uid: i64,
        field: &'static str,
        message: String,
    },
    #[error("has no <StartDate> and no task with a start")]
    NoStart,
    #[error("says task {task} follows task {predecessor}, which is not in it")]
    UnknownPredecessor { task: i64, predecessor: i64 },
}

/// A task as the file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MspdiTask {
    pub uid: i64,
    pub id: i64,
    pub name: String,
    pub outline_level: u32,
    pub summary: bool,
    pub milestone: bool,
    pub duration_minutes: i64,
    pub start: Option<NaiveDateTime>,
    pub constraint_type: u8,
    pub constraint_date: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDateTime>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_finish: Option<NaiveDateTime>,
    pub percent_complete: i64,
    pub notes: Option<String>,
    /// Baseline 0, the one Project compares against by default.
    pub baseline: Option<MspdiBaseline>,
    pub predecessors: Vec<MspdiLink>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MspdiBaseline {
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    pub duration_minutes: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MspdiLink {
    pub predecessor_uid: i64,
    /// 0 FF, 1 FS, 2 SF, 3 SS.
    pub kind: u8,
    /// Tenths of a minute (or of a percent, for percentage lags).
    pub lag: i64,
    pub lag_format: u8,
}

/// Work of a resource on a task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MspdiAssignment {
    pub task_uid: i64,
    pub resource_uid: i64,
    pub work_minutes: i64,
    pub units: f64,
}

#[derive(Debug, Clone, Default)]
pub struct MspdiProject {
    pub name: Option<String>,
    pub start: Option<NaiveDateTime>,
    pub minutes_per_day: i64,
    pub calendar: Calendar,
    pub tasks: Vec<MspdiTask>,
    /// Each resource's calendar, by resource UID.
    pub resource_calendars: HashMap<i64, Calendar>,
    pub assignments: Vec<MspdiAssignment>,
}

impl MspdiProject {
    /// The plan to schedule, with the project summary task (UID 0) kept as
    /// the root summary, and the file's order of tasks.
    pub fn plan(&self) -> Result<Plan, MspdiError> {
        let start = self.start.ok_or(MspdiError::NoStart)?;
        let index: HashMap<i64, usize> = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.uid, i))
            .collect();
        let mut specs = Vec::with_capacity(self.tasks.len());
        // Parents from outline levels: the last task seen at each level.
        let mut open: Vec<(u32, usize)> = Vec::new();
        for (i, t) in self.tasks.iter().enumerate() {
            while open
                .last()
                .is_some_and(|&(level, _)| level >= t.outline_level)
            {
                open.pop();
            }
            let parent = open.last().map(|&(_, p)| p);
            open.push((t.outline_level, i));
            let constraint = match (t.constraint_type, t.constraint_date) {
                (1, _) => Constraint::AsLateAsPossible,
                (2, Some(d)) => Constraint::MustStartOn(d),
                (3, Some(d)) => Constraint::MustFinishOn(d),
                (4, Some(d)) => Constraint::StartNoEarlierThan(d),
                (5, Some(d)) => Constraint::StartNoLaterThan(d),
                (6, Some(d)) => Constraint::FinishNoEarlierThan(d),
                (7, Some(d)) => Constraint::FinishNoLaterThan(d),
                _ => Constraint::AsSoonAsPossible,
            };
            specs.push(TaskSpec {
                percent_complete: t.percent_complete.clamp(0, 100) as u8,
                fixed: None,
                levelling_delay: 0,
                assignments: Vec::new(),
                uid: t.uid,
                name: t.name.clone(),
                parent,
                duration: t.duration_minutes,
                milestone: t.milestone,
                constraint,
                deadline: t.deadline,
                actual_start: t.actual_start,
                actual_finish: t.actual_finish,
            });
        }
        // Assignments of real resources (Project writes placeholders with
        // resource -1) on calendars of their own.
        let mut calendars: Vec<Calendar> = Vec::new();
        let mut calendar_of: HashMap<i64, usize> = HashMap::new();
        for a in &self.assignments {
            let (Some(&task), Some(calendar)) = (
                index.get(&a.task_uid),
                self.resource_calendars.get(&a.resource_uid),
            ) else {
                continue;
            };
            if a.resource_uid < 0 || a.units <= 0.0 || self.tasks[task].summary {
                continue;
            }
            let slot = *calendar_of.entry(a.resource_uid).or_insert_with(|| {
                calendars.push(calendar.clone());
                calendars.len() - 1
            });
            let minutes = (a.work_minutes as f64 / a.units).round() as i64;
            specs[task].assignments.push(Assignment {
                calendar: slot,
                minutes,
            });
        }
        let mut links = Vec::new();
        for (successor, t) in self.tasks.iter().enumerate() {
            for l in &t.predecessors {
                let predecessor =
                    *index
                        .get(&l.predecessor_uid)
                        .ok_or(MspdiError::UnknownPredecessor {
                            task: t.uid,
                            predecessor: l.predecessor_uid,
                        })?;
                let kind = match l.kind {
                    0 => LinkKind::FinishToFinish,
                    2 => LinkKind::StartToFinish,
                    3 => LinkKind::StartToStart,
                    _ => LinkKind::FinishToStart,
                };
                // Formats above 32 are the "estimated" variants of the same.
                let lag = match l.lag_format % 32 {
                    4 | 6 | 8 | 10 | 12 => Lag::Elapsed(l.lag / 10),
                    19 | 20 => Lag::Percent(l.lag as f64 / 10.0),
                    _ => Lag::Work(l.lag / 10),
                };
                links.push(LinkSpec {
                    predecessor,
                    successor,
                    kind,
                    lag,
                });
            }
        }
        Ok(Plan {
            status_date: None,
            calendar: self.calendar.clone(),
            calendars,
            start,
            tasks: specs,
            links,
        })
    }
}
