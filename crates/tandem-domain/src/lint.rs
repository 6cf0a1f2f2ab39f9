//! Plan lint: the mistakes seed 001 names (a project run as a flat list,
//! project overhead on simple work, nobody answerable for the outcome)
//! and a planner's usual ones (unowned or unestimated work, a milestone
//! dated before its work, constraints that now only delay, people booked
//! past their hours, a status nobody has reported), each found from what
//! the plan holds, with a severity, the objects involved, why it matters
//! and the fix where there is one.
//!
//! Not here: reading the plan, its schedule and people's loads (the
//! server gathers them), applying a fix (the use cases), or which rules a
//! project has switched off (the store keeps that; it arrives as `off`).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::health;
use crate::model::{
    ConstraintType, Id, Milestone, Project, ProjectSignal, ProjectStatus, Risk, RiskStatus,
    StoredSchedule, WorkLevel,
};
use crate::planning::PlanTask;
use crate::signals::Verdict;

macro_rules! rules {
    ($($variant:ident = $text:literal: $why:literal),+ $(,)?) => {
        /// A lint rule, by the name the API, the CLI and the pages use.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "kebab-case")]
        pub enum LintRule { $($variant),+ }

        impl LintRule {
            pub const ALL: &'static [LintRule] = &[$(LintRule::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(LintRule::$variant => $text),+ }
            }

            /// Whether Tandem can make this rule's fix itself.
            pub fn fixable(self) -> bool {
                matches!(self, LintRule::DanglingConstraints | LintRule::MilestoneBeforeItsWork)
            }

            /// Why a finding of this rule matters, in a sentence.
            pub fn why(self) -> &'static str {
                match self { $(LintRule::$variant => $why),+ }
            }
        }
    };
}

rules! {
    FlatList = "flat-list": "A project run as a flat list of tasks hides its shape: nobody can see which work leads to which outcome, what waits on what, or when it will finish.",
    OverheadOnSimpleWork = "overhead-on-simple-work": "Project overhead (a plan, phases, status updates) on one person's few days costs more than the work; a task is enough.",
    NoOutcomeOwner = "no-outcome-owner": "Without a project owner nobody answers for the outcome, whoever owns each task, and execution and outcome drift apart.",
    UnownedTasks = "unowned-tasks": "Work with no owner in a dated plan is work nobody has agreed to do; the plan's dates assume someone will.",
    RiskWithoutMitigation = "risk-without-mitigation": "A high-scoring risk with no mitigation or no owner is a surprise already written down.",
    MilestoneBeforeItsWork = "milestone-before-its-work": "A milestone dated before its own work is scheduled to finish promises a date the plan cannot keep.",
    UnestimatedWork = "unestimated-work": "The scheduler counts an unestimated task as one day of nobody's effort, so the finish, the workload and the cost are guesses.",
    DanglingConstraints = "dangling-constraints": "A start-no-earlier-than date left by levelling or by hand now holds work back that its links would let start sooner.",
    OverAllocation = "over-allocation": "Someone booked past their hours across all their projects will finish late somewhere, whatever each plan says.",
    StaleStatus = "stale-status": "Without a recent status update, the people who depend on the project read figures nobody has explained.",
    OrphanTask = "orphan-task": "Work in no phase of a phased plan shows in no phase's progress and is easy to forget.",
    StartsBeforeProject = "starts-before-project": "A start-to-finish link can schedule its successor before the project begins; that is rarely meant, and usually a finish-to-start link read backwards.",
}

impl fmt::Display for LintRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LintRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        LintRule::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = LintRule::ALL.iter().map(|r| r.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

/// How much a finding weighs: `error` is a plan that says something
/// untrue, `warning` a plan likely to go wrong, `info` worth knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LintObject {
    /// `project`, `task`, `milestone`, `risk` or `person`.
    pub kind: String,
    pub id: Id,
    /// A task's key (`ACME-12`) or the project's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A milestone's, risk's or person's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl LintObject {
    fn task(t: &PlanTask) -> LintObject {
        LintObject {
            kind: "task".into(),
            id: t.id,
            key: Some(t.key.clone()),
            name: None,
        }
    }

    fn named(kind: &str, id: Id, name: &str) -> LintObject {
        LintObject {
            kind: kind.into(),
            id,
            key: None,
            name: Some(name.to_string()),
        }
    }
}

/// A fix the use cases can make for the person reading the finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FixAction {
    /// Clear the start-no-earlier-than constraints of the tasks named.
    ClearConstraints,
    /// Move the milestone to the date its work finishes.
    MoveMilestone,
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Finding {
    pub rule: LintRule,
    pub severity: Severity,
    /// What it is about, at most [`MAX_OBJECTS`] of them.
    pub objects: Vec<LintObject>,
    /// How many objects it is about, shown or not.
    pub count: usize,
    /// What was found, in words.
    pub message: String,
    /// Why it matters.
    pub why: String,
    /// What would put it right, in words; none when only judgement can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The fix Tandem can make itself (`tandem lint KEY --fix RULE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<FixAction>,
    /// For `move_milestone`: the date it moves to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_date: Option<NaiveDate>,
    /// Every object, not only those shown: what a fix works on.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub targets: Vec<LintObject>,
}

/// Objects a finding lists; the rest are counted.
pub const MAX_OBJECTS: usize = 50;
/// Tasks a project holds before a list without shape is called flat.
pub const FLAT_LIST_TASKS: usize = 15;

/// Someone booked past their hours in a week, across all their projects.
#[derive(Debug, Clone, PartialEq)]
pub struct Overbooked {
    pub person: Id,
    pub name: String,
    /// The Monday of the worst week.
    pub week: NaiveDate,
    pub assigned: f64,
    pub capacity: f64,
}

/// What the lint reads of a plan.
pub struct LintInput<'a> {
    pub today: NaiveDate,
    pub project: &'a Project,
    pub tasks: &'a [PlanTask],
    /// Whether any of the project's tasks has a link.
    pub linked: bool,
    /// The tasks a start-no-earlier-than constraint of their own starts
    /// later than the plan would without it
    /// (`planning::delayed_by_constraints`).
    pub delayed: &'a HashSet<Id>,
    pub phases: usize,
    pub milestones: &'a [Milestone],
    pub risks: &'a [Risk],
    /// The plan's current schedule; none when the scheduler refuses it.
    pub schedule: Option<&'a StoredSchedule>,
    /// Tasks whose constraint the standing levelling wrote.
    pub levelled: &'a HashSet<Id>,
    /// Whether the project could be a task (`signals::project_verdict`).
    pub signals: &'a Verdict<ProjectSignal>,
    /// The day of the latest status update.
    pub latest_update: Option<NaiveDate>,
    /// People who own open work here and are booked past their hours.
    pub overbooked: &'a [Overbooked],
    /// Rules the project switched off.
    pub off: &'a [LintRule],
}

/// Every finding of the rules not switched off, worst first.
pub fn lint(input: &LintInput<'_>) -> Vec<Finding> {
    let on = |rule: LintRule| !input.off.contains(&rule);
    let mut found = Vec::new();
    let parents: HashSet<Id> = input.tasks.iter().filter_map(|t| t.parent_id).collect();
    let open_leaves = || {
        input
            .tasks
            .iter()
            .filter(|t| !t.status.is_closed() && !parents.contains(&t.id))
    };
    let project_object = || LintObject {
        kind: "project".into(),
        id: input.project.id,
        key: Some(input.project.key.clone()),
        name: Some(input.project.name.clone()),
    };
    let closed = matches!(
        input.project.status,
        ProjectStatus::Done | ProjectStatus::Cancelled
    ) || input.project.archived_at.is_some();
    // A plan that is over (done, cancelled or archived) has nothing left
    // to put right.
    if closed {
        return found;
    }
    let planned = !input.project.ongoing
        && (input.linked
            || input.project.start_date.is_some()
            || input.project.target_date.is_some()
            || !input.milestones.is_empty());

    if on(LintRule::FlatList)
        && input.tasks.len() >= FLAT_LIST_TASKS
        && input.phases == 0
        && input.milestones.is_empty()
        && !input.linked
    {
        found.push(finding(
            LintRule::FlatList,
            Severity::Warning,
            vec![project_object()],
            format!(
                "{} tasks with no phase, no milestone and no link between them",
                input.tasks.len()
            ),
            Some("Group the work into phases, mark the milestones it leads to, and link the tasks that wait on others.".into()),
        ));
    }
    if on(LintRule::OverheadOnSimpleWork) && input.signals.verdict == WorkLevel::Task {
        found.push(finding(
            LintRule::OverheadOnSimpleWork,
            Severity::Info,
            vec![project_object()],
            "One person's few days, with no link and no milestone".into(),
            Some("Demote it to a task in another project or to a personal task.".into()),
        ));
    }
    if on(LintRule::NoOutcomeOwner) && input.project.owner.is_none() {
        found.push(finding(
            LintRule::NoOutcomeOwner,
            Severity::Warning,
            vec![project_object()],
            "The project has no owner".into(),
            Some(
                "Name the project's owner in its settings: the person answerable for the outcome."
                    .into(),
            ),
        ));
    }
    if on(LintRule::UnownedTasks) && planned {
        let unowned: Vec<&PlanTask> = open_leaves().filter(|t| t.owner_id.is_none()).collect();
        if !unowned.is_empty() {
            found.push(finding(
                LintRule::UnownedTasks,
                Severity::Warning,
                unowned.iter().map(|t| LintObject::task(t)).collect(),
                format!(
                    "{} open {} without an owner",
                    unowned.len(),
                    plural(unowned.len(), "task", "tasks")
                ),
                Some("Give each an owner, or assign them in bulk from the list.".into()),
            ));
        }
    }
    if on(LintRule::RiskWithoutMitigation) {
        for risk in input.risks.iter().filter(|r| {
            matches!(r.status, RiskStatus::Open | RiskStatus::Mitigating)
                && crate::model::risk_level(r.probability * r.impact) == "high"
        }) {
            let no_plan = risk
                .mitigation
                .as_deref()
                .is_none_or(|m| m.trim().is_empty());
            let missing = match (no_plan, risk.owner.is_none()) {
                (true, true) => "no mitigation and no owner",
                (true, false) => "no mitigation",
                (false, true) => "no owner",
                (false, false) => continue,
            };
            let score = risk.probability * risk.impact;
            found.push(finding(
                LintRule::RiskWithoutMitigation,
                if score >= health::SEVERE_RISK_SCORE {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                vec![LintObject::named("risk", risk.id, &risk.title)],
                format!(
                    "Risk \u{201c}{}\u{201d} scores {score} with {missing}",
                    risk.title
                ),
                Some("Write down how it will be mitigated and who watches it.".into()),
            ));
        }
    }
    if on(LintRule::MilestoneBeforeItsWork) {
        milestones_before_their_work(input, &parents, &mut found);
    }
    if on(LintRule::UnestimatedWork) && !input.project.ongoing {
        let unestimated: Vec<&PlanTask> = open_leaves()
            .filter(|t| {
                t.estimate_days.is_none() && t.effort_hours.is_none() && t.three_point.is_none()
            })
            .collect();
        if !unestimated.is_empty() {
            let open = open_leaves().count();
            found.push(finding(
                LintRule::UnestimatedWork,
                if unestimated.len() * 2 > open {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                unestimated.iter().map(|t| LintObject::task(t)).collect(),
                format!(
                    "{} of {open} open {} have no estimate",
                    unestimated.len(),
                    plural(open, "task", "tasks")
                ),
                Some(
                    "Estimate them in days or hours, or with three points for the forecast.".into(),
                ),
            ));
        }
    }
    if on(LintRule::DanglingConstraints) {
        dangling_constraints(input, &mut found);
    }
    if on(LintRule::OverAllocation) {
        for o in input.overbooked {
            found.push(finding(
                LintRule::OverAllocation,
                Severity::Warning,
                vec![LintObject::named("person", o.person, &o.name)],
                format!(
                    "{} is booked {:.0} h in the week of {} against {:.0} h, across the projects you can see",
                    o.name, o.assigned, o.week, o.capacity
                ),
                Some("Level the work, hand some of it to someone else, or move its dates.".into()),
            ));
        }
    }
    // A project younger than its cadence owes no update yet. Its age runs
    // from its start where that came first: a project made here today
    // that has run since August (brought in, or written down late) owes
    // one, as its health says.
    let made = input.project.created_at.date_naive();
    let since = input
        .project
        .start_date
        .map_or(made, |start| start.min(made));
    let new_project = input.latest_update.is_none()
        && (input.today - since).num_days() <= input.project.update_cadence_days;
    if on(LintRule::StaleStatus)
        && !new_project
        && health::update_due(
            input.latest_update,
            input.today,
            input.project.update_cadence_days,
        )
    {
        let message = match input.latest_update {
            Some(day) => format!(
                "The latest status update is {} days old; the project expects one every {} days",
                (input.today - day).num_days(),
                input.project.update_cadence_days
            ),
            None => "No status update has been posted".into(),
        };
        found.push(finding(
            LintRule::StaleStatus,
            Severity::Warning,
            vec![project_object()],
            message,
            Some("Post a status update, or set the project's cadence to what it needs.".into()),
        ));
    }
    if on(LintRule::OrphanTask) && input.phases > 0 {
        let orphans: Vec<&PlanTask> = input
            .tasks
            .iter()
            .filter(|t| !t.status.is_closed() && t.parent_id.is_none() && t.phase_id.is_none())
            .collect();
        if !orphans.is_empty() {
            found.push(finding(
                LintRule::OrphanTask,
                Severity::Info,
                orphans.iter().map(|t| LintObject::task(t)).collect(),
                format!(
                    "{} open {} in no phase",
                    orphans.len(),
                    plural(orphans.len(), "task is", "tasks are")
                ),
                Some("Move each into the phase its work belongs to.".into()),
            ));
        }
    }
    if on(LintRule::StartsBeforeProject)
        && let Some(schedule) = input.schedule
    {
        let early: HashSet<Id> = schedule
            .tasks
            .iter()
            .filter(|s| !s.summary && s.early_start < schedule.start)
            .map(|s| s.task_id)
            .collect();
        let before: Vec<&PlanTask> = input
            .tasks
            .iter()
            .filter(|t| {
                early.contains(&t.id) && !t.status.is_closed() && t.schedule.actual_start.is_none()
            })
            .collect();
        if !before.is_empty() {
            found.push(finding(
                LintRule::StartsBeforeProject,
                Severity::Warning,
                before.iter().map(|t| LintObject::task(t)).collect(),
                format!(
                    "{} {} scheduled to start before the project does",
                    before.len(),
                    plural(before.len(), "task is", "tasks are")
                ),
                Some("Check the start-to-finish links into them (finish-to-start is usually meant), or start the project earlier.".into()),
            ));
        }
    }
    // Worst first; in the rules' order within a severity.
    found.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.rule));
    found
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn finding(
    rule: LintRule,
    severity: Severity,
    mut objects: Vec<LintObject>,
    message: String,
    fix: Option<String>,
) -> Finding {
    let count = objects.len();
    let targets = objects.clone();
    objects.truncate(MAX_OBJECTS);
    Finding {
        targets,
        rule,
        severity,
        objects,
        count,
        message,
        why: rule.why().to_string(),
        fix,
        action: None,
        fix_date: None,
    }
}

/// Where each task finishes: on the schedule where the plan has one, by
/// its due date otherwise.
fn finishes(input: &LintInput<'_>) -> HashMap<Id, NaiveDate> {
    let mut finish: HashMap<Id, NaiveDate> = input
        .tasks
        .iter()
        .filter_map(|t| Some((t.id, t.due_date?)))
        .collect();
    if let Some(schedule) = input.schedule {
        for s in &schedule.tasks {
            finish.insert(s.task_id, s.early_finish.date());
        }
    }
    finish
}

fn milestones_before_their_work(
    input: &LintInput<'_>,
    parents: &HashSet<Id>,
    found: &mut Vec<Finding>,
) {
    let finish = finishes(input);
    let mut work: HashMap<Id, Vec<&PlanTask>> = HashMap::new();
    for t in input
        .tasks
        .iter()
        .filter(|t| !t.status.is_closed() && !parents.contains(&t.id))
    {
        if let Some(m) = t.milestone_id {
            work.entry(m).or_default().push(t);
        }
    }
    for m in input.milestones.iter().filter(|m| m.reached.is_none()) {
        let (Some(date), Some(tasks)) = (m.date, work.get(&m.id)) else {
            continue;
        };
        let mut late: Vec<(&PlanTask, NaiveDate)> = tasks
            .iter()
            .filter_map(|t| Some((*t, *finish.get(&t.id)?)))
            .filter(|(_, f)| *f > date)
            .collect();
        if late.is_empty() {
            continue;
        }
        late.sort_by_key(|(t, f)| (std::cmp::Reverse(*f), t.id));
        let last = late[0].1;
        let mut objects = vec![LintObject::named("milestone", m.id, &m.name)];
        objects.extend(late.iter().map(|(t, _)| LintObject::task(t)));
        let mut f = finding(
            LintRule::MilestoneBeforeItsWork,
            Severity::Error,
            objects,
            format!(
                "Milestone \u{201c}{}\u{201d} is dated {date}, but {} of its {} after it, the last on {last}",
                m.name,
                late.len(),
                plural(late.len(), "tasks finishes", "tasks finish"),
            ),
            Some(format!(
                "Move the milestone to {last}, or bring its work forward."
            )),
        );
        f.action = Some(FixAction::MoveMilestone);
        f.fix_date = Some(last);
        found.push(f);
    }
}

/// The tasks a start-no-earlier-than constraint of their own may hold
/// back: those the caller schedules without it to see whether it does,
/// leaving out the ones of `levelled`, the standing levelling's.
pub fn constrained(tasks: &[PlanTask], levelled: &HashSet<Id>) -> HashSet<Id> {
    tasks
        .iter()
        .filter(|t| held_back(t) && !levelled.contains(&t.id))
        .map(|t| t.id)
        .collect()
}

/// Not started, and starting no earlier than a date of its own.
fn held_back(t: &PlanTask) -> bool {
    !t.status.is_closed()
        && t.schedule.actual_start.is_none()
        && t.schedule.constraint_type == Some(ConstraintType::Snet)
}

/// Start-no-earlier-than constraints that hold a task not yet started
/// later than the plan would start it without them (`input.delayed`,
/// found by scheduling the plan both ways), set by hand: those of the
/// standing levelling are its own, taken back with it.
fn dangling_constraints(input: &LintInput<'_>, found: &mut Vec<Finding>) {
    let held: Vec<&PlanTask> = input
        .tasks
        .iter()
        .filter(|t| {
            held_back(t) && input.delayed.contains(&t.id) && !input.levelled.contains(&t.id)
        })
        .collect();
    if held.is_empty() {
        return;
    }
    let mut f = finding(
        LintRule::DanglingConstraints,
        Severity::Warning,
        held.iter().map(|t| LintObject::task(t)).collect(),
        format!(
            "{} {} held back by a start-no-earlier-than date that nothing else needs",
            held.len(),
            plural(held.len(), "task is", "tasks are"),
        ),
        Some("Clear the constraints and let the links schedule the work.".into()),
    );
    f.action = Some(FixAction::ClearConstraints);
    found.push(f);
}

#[cfg(test)]
mod tests;
