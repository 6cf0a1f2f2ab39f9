//! Is it a task or a project? Seed 001's checklist read from what a task
//! or a project holds: a task that spans weeks, needs several people,
//! approvals and other work, and has steps of its own behaves like a
//! project; a project that is one person's few days, with nothing linked
//! and no milestone, could be a task. The verdict speaks only when the
//! signals agree (three of a task's six, all four of a project's), so
//! ordinary work is never nagged about.
//!
//! Not here: reading the facts (the store) or showing the verdict (the
//! pages say it only when it is not what the thing already is).

use chrono::NaiveDate;

use crate::model::{ProjectSignal, TaskSignal, WorkLevel};
use crate::templates::working_days_between;
use crate::workload::is_weekday;

/// What a task holds, as the signals read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFacts {
    pub start: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    /// Distinct people: its owner, collaborators and subtasks' owners.
    pub people: usize,
    pub approvals: usize,
    /// Links to other tasks, either way.
    pub links: usize,
    pub subtasks: usize,
    /// Distinct owners among its subtasks.
    pub subtask_owners: usize,
}

/// What a project holds, as the signals read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFacts {
    /// Its start and target, or else its work's first start and last due
    /// date.
    pub start: Option<NaiveDate>,
    pub finish: Option<NaiveDate>,
    /// Its open work's estimates added up, in days.
    pub estimate_days: f64,
    /// Distinct people: the project's owner and its tasks' owners.
    pub people: usize,
    pub tasks: usize,
    pub links: usize,
    pub milestones: usize,
}

/// The signals that hold, and what the work behaves like.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict<S> {
    pub signals: Vec<S>,
    pub verdict: WorkLevel,
}

/// Working days (Monday to Friday) from `start` to `end`, both counted;
/// none when `end` comes first.
pub fn weekdays_between(start: NaiveDate, end: NaiveDate) -> i64 {
    if end < start {
        return 0;
    }
    // The templates' count leaves the first day out.
    i64::from(is_weekday(start)) + working_days_between(start, end, is_weekday)
}

/// Two working weeks.
const WEEKS: f64 = 10.0;
/// One working week.
const FEW_DAYS: f64 = 5.0;
/// Two person-weeks of 40 hours.
const LARGE_EFFORT_HOURS: f64 = 80.0;
/// Signals a task needs before it is called a project.
const PROJECT_LIKE: usize = 3;

fn span(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<f64> {
    match (start, end) {
        (Some(start), Some(end)) => Some(weekdays_between(start, end) as f64),
        _ => None,
    }
}

/// A task's signals and verdict.
pub fn task_verdict(f: &TaskFacts) -> Verdict<TaskSignal> {
    let days = span(f.start, f.due)
        .into_iter()
        .chain(f.estimate_days)
        .fold(0.0, f64::max);
    let mut signals = Vec::new();
    if days >= WEEKS {
        signals.push(TaskSignal::SpansWeeks);
    }
    if f.people >= 3 {
        signals.push(TaskSignal::SeveralPeople);
    }
    if f.approvals > 0 {
        signals.push(TaskSignal::NeedsApproval);
    }
    if f.links >= 2 {
        signals.push(TaskSignal::DependsOnOtherWork);
    }
    if f.subtasks >= 5 || (f.subtasks >= 3 && f.subtask_owners >= 2) {
        signals.push(TaskSignal::ManySteps);
    }
    if f.effort_hours.is_some_and(|h| h >= LARGE_EFFORT_HOURS) {
        signals.push(TaskSignal::LargeEffort);
    }
    let verdict = if signals.len() >= PROJECT_LIKE {
        WorkLevel::Project
    } else {
        WorkLevel::Task
    };
    Verdict { signals, verdict }
}

/// More tasks than this and a project is a project, whatever else holds:
/// nobody's few days hold that much, and its facts are not read.
pub const SMALL_PROJECT_TASKS: usize = 50;

/// A project's signals and verdict.
pub fn project_verdict(f: &ProjectFacts) -> Verdict<ProjectSignal> {
    if f.tasks > SMALL_PROJECT_TASKS {
        return Verdict {
            signals: Vec::new(),
            verdict: WorkLevel::Project,
        };
    }
    // Neither dated nor estimated, its length is unknown, not short: a
    // list of unestimated work is no evidence of a few days.
    let days = span(f.start, f.finish).or((f.estimate_days > 0.0).then_some(f.estimate_days));
    let mut signals = Vec::new();
    if f.people <= 1 {
        signals.push(ProjectSignal::OnePerson);
    }
    if days.is_some_and(|d| d <= FEW_DAYS) {
        signals.push(ProjectSignal::FewDays);
    }
    if f.links == 0 {
        signals.push(ProjectSignal::NoLinks);
    }
    if f.milestones == 0 {
        signals.push(ProjectSignal::NoMilestones);
    }
    let verdict = if signals.len() == ProjectSignal::ALL.len() {
        WorkLevel::Task
    } else {
        WorkLevel::Project
    };
    Verdict { signals, verdict }
}

impl TaskSignal {
    /// As the task page says it.
    pub fn label(self) -> &'static str {
        match self {
            TaskSignal::SpansWeeks => "spans two weeks or more",
            TaskSignal::SeveralPeople => "involves three people or more",
            TaskSignal::NeedsApproval => "needs an approval",
            TaskSignal::DependsOnOtherWork => "is linked to other work",
            TaskSignal::ManySteps => "has many steps of its own",
            TaskSignal::LargeEffort => "takes two person-weeks or more",
        }
    }
}

impl ProjectSignal {
    /// As the project's overview says it.
    pub fn label(self) -> &'static str {
        match self {
            ProjectSignal::OnePerson => "one person does it",
            ProjectSignal::FewDays => "it takes a week at most",
            ProjectSignal::NoLinks => "nothing in it is linked",
            ProjectSignal::NoMilestones => "it has no milestone",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weekdays_are_counted_both_ends_included() {
        // Monday 2026-12-07 to Friday 2026-12-18: two working weeks.
        assert_eq!(weekdays_between(day("2026-12-07"), day("2026-12-18")), 10);
        assert_eq!(weekdays_between(day("2026-12-05"), day("2026-12-06")), 0);
        assert_eq!(weekdays_between(day("2026-12-07"), day("2026-12-07")), 1);
        assert_eq!(weekdays_between(day("2026-12-08"), day("2026-12-07")), 0);
    }

    #[test]
    fn ordinary_work_stays_a_task_however_it_is_dated() {
        let plain = TaskFacts {
            start: Some(day("2026-12-07")),
            due: Some(day("2026-12-09")),
            people: 1,
            ..TaskFacts::default()
        };
        let v = task_verdict(&plain);
        assert_eq!(v.verdict, WorkLevel::Task);
        assert!(v.signals.is_empty());
        // Two signals are not enough to call it anything else.
        let long_and_linked = TaskFacts {
            due: Some(day("2027-01-29")),
            start: Some(day("2026-12-07")),
            links: 2,
            ..plain.clone()
        };
        let v = task_verdict(&long_and_linked);
        assert_eq!(
            v.signals,
            [TaskSignal::SpansWeeks, TaskSignal::DependsOnOtherWork]
        );
        assert_eq!(v.verdict, WorkLevel::Task);
    }

    #[test]
    fn work_with_weeks_people_approvals_and_steps_behaves_like_a_project() {
        let big = TaskFacts {
            estimate_days: Some(15.0),
            people: 4,
            approvals: 1,
            links: 3,
            subtasks: 3,
            subtask_owners: 2,
            effort_hours: Some(120.0),
            ..TaskFacts::default()
        };
        let v = task_verdict(&big);
        assert_eq!(v.signals, TaskSignal::ALL);
        assert_eq!(v.verdict, WorkLevel::Project);
    }

    #[test]
    fn a_project_of_one_persons_few_days_could_be_a_task() {
        let small = ProjectFacts {
            start: Some(day("2026-12-07")),
            finish: Some(day("2026-12-10")),
            people: 1,
            tasks: 3,
            ..ProjectFacts::default()
        };
        let v = project_verdict(&small);
        assert_eq!(v.signals, ProjectSignal::ALL);
        assert_eq!(v.verdict, WorkLevel::Task);
        for bigger in [
            ProjectFacts {
                people: 2,
                ..small.clone()
            },
            ProjectFacts {
                finish: Some(day("2026-12-21")),
                ..small.clone()
            },
            ProjectFacts {
                links: 1,
                ..small.clone()
            },
            ProjectFacts {
                milestones: 1,
                ..small.clone()
            },
        ] {
            assert_eq!(
                project_verdict(&bigger).verdict,
                WorkLevel::Project,
                "{bigger:?}"
            );
        }
        // Undated, its estimates tell.
        let undated = ProjectFacts {
            start: None,
            finish: None,
            estimate_days: 12.0,
            ..small
        };
        assert_eq!(project_verdict(&undated).verdict, WorkLevel::Project);
    }
}
