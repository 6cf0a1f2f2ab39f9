//! Work changing level (issue 16 item 2, seed 001: work "switches between
//! levels as it evolves"): what a task promoted to a project becomes, what
//! a project demoted to a task becomes, and what stands in the way of a
//! demotion. Pure: the store moves the rows in one transaction; this
//! decides the fields and the refusals.
//!
//! Not here: which signals say a task behaves like a project (`signals`).

use crate::calendar::WorkWeek;
use crate::model::*;

/// What a promotion makes: the new project's key, and its name when it is
/// not to be the task's title.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion {
    pub key: ProjectKey,
    pub name: Option<String>,
}

/// Where a demoted project goes: under a new task of another project (its
/// key), or as one of the caller's personal tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoteTo {
    Project(String),
    Personal,
}

/// The project a task becomes: its title the name, its description the
/// objective, its owner the outcome owner, its dates the project's, and
/// the calendar of the project it was in (a personal task has none: the
/// default week).
pub fn project_of_task(task: &Task, name: Option<&str>, work_week: WorkWeek) -> ProjectFields {
    let mut fields = ProjectFields::named(name.unwrap_or(&task.title).trim());
    fields.objective = task.description.clone();
    fields.owner = task
        .owner
        .as_ref()
        .and_then(|o| Email::parse(&o.email).ok());
    fields.start_date = task.start_date;
    fields.target_date = task.due_date;
    // A task started or finished is a project under way or over.
    fields.status = match task.status {
        TaskStatus::Done => ProjectStatus::Done,
        TaskStatus::Cancelled => ProjectStatus::Cancelled,
        _ => ProjectStatus::Active,
    };
    fields.stage = match task.status {
        TaskStatus::Backlog | TaskStatus::Todo => Stage::Planning,
        TaskStatus::Done | TaskStatus::Cancelled => Stage::Closing,
        _ => Stage::Execution,
    };
    if let (Some(start), Some(target)) = (fields.start_date, fields.target_date)
        && target < start
    {
        // A task may be due before it starts by mistake; a project may
        // not, and the promotion should not fail on it.
        fields.target_date = Some(start);
    }
    fields.work_week = work_week;
    fields
}

/// The task a project becomes: its name the title, its objective and
/// scope the description (nothing a task has no field for is dropped
/// unsaid), its owner and dates the task's. `started`: whether any of its
/// work has begun.
pub fn task_of_project(project: &Project, started: bool) -> TaskFields {
    let mut fields = TaskFields::titled(project.name.clone());
    let mut parts: Vec<String> = Vec::new();
    if let Some(objective) = project
        .objective
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        parts.push(objective.to_string());
    }
    for (label, text) in [
        ("In scope", &project.scope_in),
        ("Out of scope", &project.scope_out),
    ] {
        if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
            parts.push(format!("{label}: {text}"));
        }
    }
    if let Some(budget) = project.budget {
        parts.push(format!("Budget: {budget}"));
    }
    fields.description = (!parts.is_empty()).then(|| parts.join("\n\n"));
    fields.owner = project
        .owner
        .as_ref()
        .and_then(|o| Email::parse(&o.email).ok());
    fields.start_date = project.start_date;
    fields.due_date = project.target_date;
    fields.status = match project.status {
        ProjectStatus::Done => TaskStatus::Done,
        ProjectStatus::Cancelled => TaskStatus::Cancelled,
        ProjectStatus::Proposed => TaskStatus::Backlog,
        ProjectStatus::OnHold => TaskStatus::Blocked,
        ProjectStatus::Active if started => TaskStatus::InProgress,
        ProjectStatus::Active => TaskStatus::Todo,
    };
    if fields.status == TaskStatus::Blocked {
        fields.blocked_reason = Some("the project was on hold".into());
    }
    if fields.status == TaskStatus::Done {
        fields.percent_complete = 100;
    }
    fields
}

/// What a project holds that a task cannot, counted: a demotion is
/// refused while any is there, so nothing is lost on the way down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoteBlockers {
    pub phases: i64,
    pub milestones: i64,
    pub risks: i64,
    pub status_updates: i64,
    pub baselines: i64,
    pub portfolios: i64,
    /// Stakeholders who are not members (a name and an email only): a
    /// task's collaborators are members.
    pub outside_stakeholders: i64,
    pub calendar_exceptions: i64,
    pub automation_rules: i64,
    /// Approvals of the project's stage changes.
    pub stage_approvals: i64,
    /// Saved views of its list, which a task has none of.
    pub saved_views: i64,
    /// For a personal task only: tasks neither owned nor made by the
    /// caller, which the caller could no longer open once personal.
    pub others_tasks: i64,
    /// For a personal task only: approvals asked on its tasks, which
    /// belong to a project.
    pub task_approvals: i64,
    /// For a personal task only: goals it serves; a goal is served by
    /// projects and their tasks.
    pub goals: i64,
    /// What-if scenarios of its plan.
    pub scenarios: i64,
}

impl DemoteBlockers {
    /// Why the demotion is refused, in words; `None` when nothing stands
    /// in its way.
    pub fn refusal(&self, key: &str) -> Option<String> {
        let counted = [
            (self.phases, "phase", "phases"),
            (self.milestones, "milestone", "milestones"),
            (self.risks, "risk", "risks"),
            (self.status_updates, "status update", "status updates"),
            (self.baselines, "baseline", "baselines"),
            (self.portfolios, "portfolio it is in", "portfolios it is in"),
            (
                self.outside_stakeholders,
                "stakeholder who is not a member",
                "stakeholders who are not members",
            ),
            (
                self.calendar_exceptions,
                "calendar exception",
                "calendar exceptions",
            ),
            (self.automation_rules, "automation rule", "automation rules"),
            (self.stage_approvals, "stage approval", "stage approvals"),
            (self.saved_views, "saved view", "saved views"),
            (
                self.others_tasks,
                "task of someone else",
                "tasks of someone else",
            ),
            (
                self.task_approvals,
                "task with approvals",
                "tasks with approvals",
            ),
            (self.goals, "goal it serves", "goals it serves"),
            (self.scenarios, "what-if scenario", "what-if scenarios"),
        ];
        let what: Vec<String> = counted
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect();
        if what.is_empty() {
            return None;
        }
        Some(format!(
            "{key} has {}, which a task cannot hold: move or remove {} first",
            join_words(&what),
            if counted.iter().map(|(n, _, _)| n).sum::<i64>() == 1 {
                "it"
            } else {
                "them"
            }
        ))
    }
}

fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
