//! Microsoft Project XML (MSPDI) as a Tandem project: what an imported file
//! becomes. The reading and writing of the XML itself is
//! `tandem_schedule::mspdi`'s; this module maps its tasks, outline, links,
//! constraints, calendar, actuals and baseline onto Tandem's model, and
//! refuses (with the task named) what Tandem cannot keep without loss.
//!
//! - The file's project summary task (outline level 0) is the project
//!   itself; every other task becomes a task, its outline parent a parent
//!   task (so summaries are parents), in the file's order.
//! - A duration becomes an estimate in days of the file's minutes per day;
//!   a deadline a due date; percent complete and actual dates are kept, and
//!   set the status (done at 100 % or with an actual finish, in progress
//!   with an actual start).
//! - Constraints keep their type and date. Links keep their type and their
//!   lag: in working days, elapsed days or a percentage, as the file's lag
//!   format says. Links to the project summary and two links between the
//!   same tasks are refused.
//! - The calendar becomes the project's working week and exceptions; the
//!   file's baseline 0 becomes a baseline.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use tandem_schedule::mspdi::MspdiProject;

use crate::calendar::{ExceptionFields, WorkWeek};
use crate::model::{
    ConstraintType, DependencyKind, LagFormat, NewProject, Priority, ProjectFields, ProjectKey,
    SchedulingMode, TaskFields, TaskScheduling, TaskStatus,
};
use crate::validate::{FieldError, Validation};

/// A whole project to create in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectImport {
    pub project: NewProject,
    pub exceptions: Vec<ExceptionFields>,
    /// In order; a parent is named by its key, which is the key the task
    /// before it will get (`KEY-1`, `KEY-2`, …).
    pub tasks: Vec<TaskFields>,
    pub dependencies: Vec<ImportLink>,
    /// Per task index: its baseline start, finish and duration (minutes).
    pub baseline: Vec<(usize, NaiveDateTime, NaiveDateTime, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportLink {
    pub predecessor: usize,
    pub successor: usize,
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
}

/// Maps a read MSPDI file onto a new project `key` (named `name`, or else
/// the file's name).
pub fn mspdi_project(
    file: &MspdiProject,
    key: ProjectKey,
    name: Option<&str>,
) -> Result<ProjectImport, Vec<FieldError>> {
    let mut v = Validation::new();
    let minutes_per_day = file.minutes_per_day.max(1) as f64;
    let calendar = &file.calendar;
    let work_week = WorkWeek {
        days: calendar.week.clone(),
        hours_per_day: minutes_per_day / 60.0,
    };
    if work_week.days.iter().all(|d| d.is_empty()) {
        v.push("file", "the project calendar has no working time");
    }
    // Consecutive dates with the same hours make one exception.
    let mut exceptions: Vec<ExceptionFields> = Vec::new();
    for (date, hours) in &calendar.exceptions {
        match exceptions.last_mut() {
            Some(e) if e.end.succ_opt() == Some(*date) && &e.hours == hours => e.end = *date,
            _ => exceptions.push(ExceptionFields {
                name: if hours.is_empty() {
                    "Non-working".into()
                } else {
                    "Other hours".into()
                },
                start: *date,
                end: *date,
                hours: hours.clone(),
            }),
        }
    }
    let name = name
        .map(str::to_string)
        .or_else(|| file.name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| key.as_str().to_string());
    let project = NewProject {
        fields: ProjectFields {
            start_date: file.start.map(|s| s.date()),
            work_week,
            // Project keeps a status date but does not schedule by it
            // unless asked to; the import keeps the file's dates too. An
            // active project's open work is otherwise planned from today
            // (`planning::status_date`); a status date at the plan's start
            // moves nothing, and clearing it plans the rest from today.
            status_date: file.start,
            ..ProjectFields::named(name.chars().take(200).collect::<String>())
        },
        key,
    };
    let key = project.key.as_str().to_string();

    let kept: Vec<usize> = (0..file.tasks.len())
        .filter(|&i| file.tasks[i].outline_level >= 1)
        .collect();
    let index: HashMap<i64, usize> = kept
        .iter()
        .enumerate()
        .map(|(k, &i)| (file.tasks[i].uid, k))
        .collect();
    let mut tasks = Vec::with_capacity(kept.len());
    let mut baseline = Vec::new();
    let mut open: Vec<(u32, usize)> = Vec::new();
    for (k, &i) in kept.iter().enumerate() {
        let t = &file.tasks[i];
        while open
            .last()
            .is_some_and(|&(level, _)| level >= t.outline_level)
        {
            open.pop();
        }
        let parent = open.last().map(|&(_, p)| format!("{key}-{}", p + 1));
        open.push((t.outline_level, k));
        let title: String = if t.name.trim().is_empty() {
            format!("Task {}", t.uid)
        } else {
            t.name.trim().chars().take(500).collect()
        };
        let constraint_type = match t.constraint_type {
            1 => Some(ConstraintType::Alap),
            2 => Some(ConstraintType::Mso),
            3 => Some(ConstraintType::Mfo),
            4 => Some(ConstraintType::Snet),
            5 => Some(ConstraintType::Snlt),
            6 => Some(ConstraintType::Fnet),
            7 => Some(ConstraintType::Fnlt),
            _ => None,
        };
        let constraint_date = constraint_type
            .filter(|c| c.has_date())
            .and(t.constraint_date);
        if constraint_type.is_some_and(|c| c.has_date()) && constraint_date.is_none() {
            v.push(
                "file",
                format!("task {} has a constraint without a date", t.uid),
            );
        }
        let status = if t.percent_complete >= 100 || t.actual_finish.is_some() {
            TaskStatus::Done
        } else if t.actual_start.is_some() || t.percent_complete > 0 {
            TaskStatus::InProgress
        } else {
            TaskStatus::Todo
        };
        let mut fields = TaskFields::titled(title);
        fields.status = status;
        fields.priority = Priority::None;
        fields.estimate_days = (!t.summary).then(|| {
            (t.duration_minutes.max(0) as f64 / minutes_per_day * 1000.0).round() / 1000.0
        });
        fields.due_date = t.deadline.map(|d| d.date());
        fields.percent_complete = t.percent_complete.clamp(0, 100);
        fields.description = t.notes.clone().filter(|n| !n.trim().is_empty());
        fields.parent = parent;
        fields.schedule = TaskScheduling {
            constraint_type,
            constraint_date,
            actual_start: t.actual_start,
            // A finish without a start is Project's way of saying both.
            actual_finish: t.actual_finish.filter(|_| t.actual_start.is_some()),
            // Project placed them; a deadline is not a finish to keep.
            mode: SchedulingMode::Scheduled,
            levelling_delay: 0,
        };
        if let Some(b) = t.baseline {
            baseline.push((k, b.start, b.finish, b.duration_minutes));
        }
        tasks.push(fields);
    }

    let mut dependencies: Vec<ImportLink> = Vec::new();
    for &i in &kept {
        let t = &file.tasks[i];
        for l in &t.predecessors {
            let Some(&predecessor) = index.get(&l.predecessor_uid) else {
                v.push(
                    "file",
                    format!(
                        "says task {} follows task {}, which is the project summary or not in it",
                        t.uid, l.predecessor_uid
                    ),
                );
                continue;
            };
            let successor = index[&t.uid];
            // Tenths of a minute, or of a percent; formats above 32 are the
            // "estimated" variants of the same.
            let (lag_days, lag_format) = match l.lag_format % 32 {
                4 | 6 | 8 | 10 | 12 => {
                    (l.lag as f64 / 10.0 / (24.0 * 60.0), LagFormat::ElapsedDays)
                }
                19 | 20 => (l.lag as f64 / 10.0, LagFormat::Percent),
                _ => (
                    (l.lag as f64 / 10.0) / minutes_per_day,
                    LagFormat::WorkingDays,
                ),
            };
            if let Err(message) = crate::check_lag(lag_days, lag_format) {
                v.push(
                    "file",
                    format!(
                        "the lag of the link from task {} to task {}: {message}",
                        l.predecessor_uid, t.uid
                    ),
                );
                continue;
            }
            if dependencies
                .iter()
                .any(|d| d.predecessor == predecessor && d.successor == successor)
            {
                v.push(
                    "file",
                    format!(
                        "task {} is linked twice from task {}",
                        t.uid, l.predecessor_uid
                    ),
                );
                continue;
            }
            let kind = match l.kind {
                0 => DependencyKind::Ff,
                2 => DependencyKind::Sf,
                3 => DependencyKind::Ss,
                _ => DependencyKind::Fs,
            };
            dependencies.push(ImportLink {
                predecessor,
                successor,
                kind,
                lag_days: (lag_days * 10_000.0).round() / 10_000.0,
                lag_format,
            });
        }
    }
    v.merge(project.fields.check());
    for (k, t) in tasks.iter().enumerate() {
        if let Err(errors) = t.check() {
            for e in errors {
                v.push(
                    "file",
                    format!(
                        "task {}: {}: {}",
                        file.tasks[kept[k]].uid, e.field, e.message
                    ),
                );
            }
        }
    }
    for e in &exceptions {
        if let Err(errors) = e.check() {
            for error in errors {
                v.push(
                    "file",
                    format!("calendar exception {}: {}", e.start, error.message),
                );
            }
        }
    }
    v.finish(|| ProjectImport {
        project,
        exceptions,
        tasks,
        dependencies,
        baseline,
    })
}

/// A project key made from a name: its letters and digits, upper-cased,
/// starting with a letter, at most ten; `IMPORT` when nothing is left.
pub fn suggested_key(name: &str) -> ProjectKey {
    let letters: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .skip_while(|c| !c.is_ascii_alphabetic())
        .take(10)
        .collect::<String>()
        .to_ascii_uppercase();
    ProjectKey::parse(&letters)
        .or_else(|_| ProjectKey::parse("IMPORT"))
        .expect("IMPORT is a valid key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_maps_onto_a_project() {
        let xml = "<Project><Name>Plan</Name><StartDate>2026-11-23T08:00:00</StartDate><MinutesPerDay>480</MinutesPerDay>\
            <Tasks><Task><UID>0</UID><OutlineLevel>0</OutlineLevel><Name>Plan</Name><Summary>1</Summary></Task>\
            <Task><UID>1</UID><OutlineLevel>1</OutlineLevel><Name>Phase</Name><Summary>1</Summary><Duration>PT16H0M0S</Duration></Task>\
            <Task><UID>2</UID><OutlineLevel>2</OutlineLevel><Name>Dig</Name><Duration>PT12H0M0S</Duration>\
              <ConstraintType>4</ConstraintType><ConstraintDate>2026-11-24T08:00:00</ConstraintDate>\
              <ActualStart>2026-11-24T08:00:00</ActualStart><PercentComplete>40</PercentComplete>\
              <Baseline><Number>0</Number><Start>2026-11-23T08:00:00</Start><Finish>2026-11-24T12:00:00</Finish><Duration>PT12H0M0S</Duration></Baseline></Task>\
            <Task><UID>3</UID><OutlineLevel>2</OutlineLevel><Name>Pour</Name><Duration>PT8H0M0S</Duration>\
              <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type><LinkLag>14400</LinkLag><LagFormat>8</LagFormat></PredecessorLink></Task>\
            <Task><UID>4</UID><OutlineLevel>1</OutlineLevel><Name>Done</Name><Milestone>1</Milestone><Duration>PT0H0M0S</Duration>\
              <PredecessorLink><PredecessorUID>3</PredecessorUID><Type>0</Type><LinkLag>500</LinkLag><LagFormat>19</LagFormat></PredecessorLink></Task>\
            </Tasks></Project>";
        let file = tandem_schedule::mspdi::read(xml).unwrap();
        let import = mspdi_project(&file, ProjectKey::parse("PLAN").unwrap(), None).unwrap();
        assert_eq!(import.project.fields.name, "Plan");
        let titles: Vec<&str> = import.tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Phase", "Dig", "Pour", "Done"]);
        let parents: Vec<Option<&str>> = import.tasks.iter().map(|t| t.parent.as_deref()).collect();
        assert_eq!(parents, [None, Some("PLAN-1"), Some("PLAN-1"), None]);
        assert_eq!(import.tasks[0].estimate_days, None, "a summary rolls up");
        assert_eq!(import.tasks[1].estimate_days, Some(1.5));
        assert_eq!(import.tasks[3].estimate_days, Some(0.0));
        let dig = &import.tasks[1];
        assert_eq!(dig.schedule.constraint_type, Some(ConstraintType::Snet));
        assert_eq!(
            (dig.status, dig.percent_complete),
            (TaskStatus::InProgress, 40)
        );
        assert_eq!(import.baseline.len(), 1);
        let links: Vec<(usize, usize, DependencyKind, f64, LagFormat)> = import
            .dependencies
            .iter()
            .map(|d| (d.predecessor, d.successor, d.kind, d.lag_days, d.lag_format))
            .collect();
        assert_eq!(
            links,
            [
                (1, 2, DependencyKind::Fs, 1.0, LagFormat::ElapsedDays),
                (2, 3, DependencyKind::Ff, 50.0, LagFormat::Percent)
            ]
        );
        // A link to the project summary cannot be kept.
        let bad = xml.replace(
            "<PredecessorUID>3</PredecessorUID>",
            "<PredecessorUID>0</PredecessorUID>",
        );
        let errors = mspdi_project(
            &tandem_schedule::mspdi::read(&bad).unwrap(),
            ProjectKey::parse("PLAN").unwrap(),
            None,
        )
        .unwrap_err();
        assert!(errors[0].message.contains("task 4"), "{errors:?}");
    }

    #[test]
    fn keys_are_suggested_from_names() {
        assert_eq!(suggested_key("2027 launch plan.xml").as_str(), "LAUNCHPLAN");
        assert_eq!(suggested_key("Sample").as_str(), "SAMPLE");
        assert_eq!(suggested_key("42").as_str(), "IMPORT");
    }
}
