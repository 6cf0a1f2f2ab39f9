//! A project's health as Tandem derives it from its figures, with the
//! reasons in words, and the figures a status update keeps of the moment
//! it was written.
//!
//! Each finding has a severity of its own; the verdict is the worst of
//! them. The thresholds are a PMO's usual red-amber-green: the schedule
//! past its target or well past its baseline, or a quarter of the open
//! work overdue, is off track; any slip, a missed milestone, a severe open
//! risk or a noticeable share of overdue work is at risk. What is only
//! worth knowing (one overdue task among forty) is said, and leaves the
//! project on track.
//!
//! Not here: where the figures come from (the store keeps them, the
//! scheduler computes the finish) or how a status update is stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Health;

/// Days a baseline may slip before the project is off track.
pub const BASELINE_SLIP_OFF_TRACK_DAYS: i64 = 10;
/// The lowest risk score (probability × impact, 1 to 25) that puts a
/// project at risk while the risk is open.
pub const SEVERE_RISK_SCORE: i64 = 15;
/// How often a project is expected to post a status update, in days,
/// unless it says otherwise.
pub const UPDATE_CADENCE_DAYS: i64 = 7;
/// The longest cadence a project may set, in days.
pub const MAX_UPDATE_CADENCE_DAYS: i64 = 365;

/// What health is judged on, read from what writes keep and from the
/// stored schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealthInput<'a> {
    pub today: NaiveDate,
    pub target: Option<NaiveDate>,
    /// The scheduled finish; `None` when the plan cannot be scheduled.
    pub finish: Option<NaiveDate>,
    /// The latest baseline's name and finish.
    pub baseline: Option<(&'a str, NaiveDate)>,
    /// Tasks neither done nor cancelled.
    pub open_tasks: usize,
    /// Open tasks whose due date has passed.
    pub overdue_tasks: usize,
    /// The score of each open risk.
    pub risk_scores: &'a [i64],
    /// Milestones whose date has passed while work in them is not done:
    /// name and date.
    pub missed_milestones: &'a [(&'a str, NaiveDate)],
}

/// One thing found, and how much it weighs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reason {
    pub health: Health,
    pub text: String,
}

/// The verdict and everything that led to it, worst first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Assessment {
    pub health: Health,
    pub reasons: Vec<Reason>,
}

/// Judges a project on its figures.
pub fn assess(input: &HealthInput<'_>) -> Assessment {
    let mut reasons = Vec::new();
    let mut found = |health: Health, text: String| reasons.push(Reason { health, text });
    match (input.target, input.finish) {
        (Some(target), Some(finish)) if finish > target => found(
            Health::OffTrack,
            format!(
                "The schedule finishes {finish}, {} after the target date {target}.",
                days((finish - target).num_days())
            ),
        ),
        (Some(target), None) if target < input.today && input.open_tasks > 0 => found(
            Health::OffTrack,
            format!(
                "The target date {target} has passed with {} open.",
                tasks(input.open_tasks)
            ),
        ),
        _ => {}
    }
    if let (Some((name, planned)), Some(finish)) = (input.baseline, input.finish)
        && finish > planned
    {
        let slip = (finish - planned).num_days();
        let health = if slip >= BASELINE_SLIP_OFF_TRACK_DAYS {
            Health::OffTrack
        } else {
            Health::AtRisk
        };
        found(
            health,
            format!(
                "The schedule finishes {}, later than baseline “{name}” ({planned}).",
                days(slip)
            ),
        );
    }
    let (overdue, open) = (
        input.overdue_tasks,
        input.open_tasks.max(input.overdue_tasks),
    );
    if overdue > 0 {
        // A quarter of the work late is a plan no longer followed; a
        // twentieth, or ten tasks, is a trend to act on; less is noise
        // worth naming.
        let health = if overdue >= 3 && overdue * 4 >= open {
            Health::OffTrack
        } else if overdue * 20 >= open || overdue >= 10 {
            Health::AtRisk
        } else {
            Health::OnTrack
        };
        let verb = if overdue == 1 { "is" } else { "are" };
        found(
            health,
            format!("{overdue} of {} {verb} overdue.", tasks(open)),
        );
    }
    for (name, date) in input.missed_milestones {
        found(
            Health::AtRisk,
            format!("Milestone “{name}” was due {date} and its work is not done."),
        );
    }
    let severe: Vec<i64> = input
        .risk_scores
        .iter()
        .copied()
        .filter(|s| *s >= SEVERE_RISK_SCORE)
        .collect();
    if let Some(worst) = severe.iter().max() {
        let text = if severe.len() == 1 {
            format!("An open risk scores {worst} of 25.")
        } else {
            format!(
                "{} open risks score {SEVERE_RISK_SCORE} or more (the worst {worst} of 25).",
                severe.len()
            )
        };
        found(Health::AtRisk, text);
    }
    // Worst first; as found within the same weight.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.health));
    Assessment {
        health: verdict(&reasons),
        reasons,
    }
}

/// Whether a project's status update is due: none was ever posted, or the
/// latest is older than its cadence (`cadence_days`; 0 expects none).
pub fn update_due(latest: Option<NaiveDate>, today: NaiveDate, cadence_days: i64) -> bool {
    cadence_days > 0 && latest.is_none_or(|posted| (today - posted).num_days() > cadence_days)
}

/// The figures of a project when a status update was written, kept with
/// it so the update reads later as it did then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusFigures {
    /// Percent complete, 0 to 100, weighted by effort.
    pub progress: f64,
    pub scheduled_finish: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    /// Calendar days the scheduled finish is after the target (negative:
    /// before it).
    pub slip_days: Option<i64>,
    /// Calendar days the scheduled finish is after the latest baseline's.
    pub baseline_slip_days: Option<i64>,
    pub open_tasks: usize,
    pub overdue_tasks: usize,
    pub open_risks: usize,
    pub missed_milestones: usize,
    /// What Tandem judged the health to be.
    pub derived_health: Health,
}

impl StatusFigures {
    pub fn new(input: &HealthInput<'_>, progress: f64, open_risks: usize) -> StatusFigures {
        let slip = |planned: Option<NaiveDate>| {
            planned
                .zip(input.finish)
                .map(|(planned, finish)| (finish - planned).num_days())
        };
        StatusFigures {
            progress,
            scheduled_finish: input.finish,
            target_date: input.target,
            slip_days: slip(input.target),
            baseline_slip_days: slip(input.baseline.map(|(_, finish)| finish)),
            open_tasks: input.open_tasks,
            overdue_tasks: input.overdue_tasks,
            open_risks,
            missed_milestones: input.missed_milestones.len(),
            derived_health: assess(input).health,
        }
    }
}

impl StatusFigures {
    /// The figures of several projects taken together, as a portfolio or
    /// a goal keeps them: counts add up; the finish and the target are
    /// the latest of them; the slips are the worst project's. `progress`
    /// and the verdict are the whole's own.
    pub fn combined<'a>(
        parts: impl IntoIterator<Item = &'a StatusFigures>,
        progress: f64,
        derived_health: Health,
    ) -> StatusFigures {
        let mut all = StatusFigures {
            // As a project's: to a tenth of a percent.
            progress: (progress * 10.0).round() / 10.0,
            scheduled_finish: None,
            target_date: None,
            slip_days: None,
            baseline_slip_days: None,
            open_tasks: 0,
            overdue_tasks: 0,
            open_risks: 0,
            missed_milestones: 0,
            derived_health,
        };
        for f in parts {
            all.scheduled_finish = all.scheduled_finish.max(f.scheduled_finish);
            all.target_date = all.target_date.max(f.target_date);
            all.slip_days = worst(all.slip_days, f.slip_days);
            all.baseline_slip_days = worst(all.baseline_slip_days, f.baseline_slip_days);
            all.open_tasks += f.open_tasks;
            all.overdue_tasks += f.overdue_tasks;
            all.open_risks += f.open_risks;
            all.missed_milestones += f.missed_milestones;
        }
        all
    }
}

fn worst(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// One project's verdict, as a portfolio or a goal weighs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectVerdict<'a> {
    pub name: &'a str,
    pub health: Health,
}

/// What the health of several projects says of the whole they make up.
/// Off track when a quarter or more of them are; at risk when any is
/// off track or a quarter or more are at risk; fewer at risk are named
/// and leave the whole on track.
pub fn assess_projects(projects: &[ProjectVerdict<'_>]) -> Vec<Reason> {
    let n = projects.len();
    let named = |health: Health| -> Vec<&str> {
        projects
            .iter()
            .filter(|p| p.health == health)
            .map(|p| p.name)
            .collect()
    };
    let mut reasons = Vec::new();
    let (off, at) = (named(Health::OffTrack), named(Health::AtRisk));
    if !off.is_empty() {
        reasons.push(Reason {
            health: if off.len() * 4 >= n {
                Health::OffTrack
            } else {
                Health::AtRisk
            },
            text: format!("{} off track: {}.", of_projects(off.len(), n), list(&off)),
        });
    }
    if !at.is_empty() {
        reasons.push(Reason {
            health: if at.len() * 4 >= n {
                Health::AtRisk
            } else {
                Health::OnTrack
            },
            text: format!("{} at risk: {}.", of_projects(at.len(), n), list(&at)),
        });
    }
    reasons
}

/// The verdict of a set of reasons: the worst of them.
pub fn verdict(reasons: &[Reason]) -> Health {
    reasons
        .iter()
        .map(|r| r.health)
        .max()
        .unwrap_or(Health::OnTrack)
}

fn of_projects(some: usize, all: usize) -> String {
    let verb = if some == 1 { "is" } else { "are" };
    let noun = if all == 1 { "project" } else { "projects" };
    format!("{some} of {all} {noun} {verb}")
}

/// Names, at most five of them, and how many more.
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let shown = names[..names.len().min(SHOWN)].join(", ");
    match names.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn tasks(n: usize) -> String {
    if n == 1 {
        "1 open task".into()
    } else {
        format!("{n} open tasks")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_portfolio_is_judged_on_the_share_of_its_projects_in_trouble() {
        let p = |name, health| ProjectVerdict { name, health };
        let calm = [
            p("A", Health::OnTrack),
            p("B", Health::AtRisk),
            p("C", Health::OnTrack),
            p("D", Health::OnTrack),
            p("E", Health::OnTrack),
        ];
        let reasons = assess_projects(&calm);
        assert_eq!(verdict(&reasons), Health::OnTrack);
        assert_eq!(reasons[0].text, "1 of 5 projects is at risk: B.");
        let one_off = [
            p("A", Health::OffTrack),
            p("B", Health::OnTrack),
            p("C", Health::OnTrack),
            p("D", Health::OnTrack),
            p("E", Health::OnTrack),
        ];
        assert_eq!(verdict(&assess_projects(&one_off)), Health::AtRisk);
        let many_off = [
            p("A", Health::OffTrack),
            p("B", Health::OffTrack),
            p("C", Health::OnTrack),
        ];
        let reasons = assess_projects(&many_off);
        assert_eq!(verdict(&reasons), Health::OffTrack);
        assert_eq!(reasons[0].text, "2 of 3 projects are off track: A, B.");
        assert!(assess_projects(&[]).is_empty());
        let names: Vec<String> = (0..8).map(|i| format!("P{i}")).collect();
        let eight: Vec<_> = names.iter().map(|n| p(n, Health::OffTrack)).collect();
        assert!(assess_projects(&eight)[0].text.ends_with("P4 and 3 more."));
    }

    #[test]
    fn combined_figures_add_counts_and_keep_the_latest_dates_and_worst_slips() {
        let one = StatusFigures::new(&base(), 50.0, 2);
        let late = StatusFigures::new(
            &HealthInput {
                finish: Some(day(30) + chrono::Days::new(4)),
                overdue_tasks: 3,
                ..base()
            },
            10.0,
            1,
        );
        let all = StatusFigures::combined([&one, &late], 30.0, Health::AtRisk);
        assert_eq!(all.open_tasks, 80);
        assert_eq!(all.overdue_tasks, 3);
        assert_eq!(all.open_risks, 3);
        assert_eq!(all.slip_days, Some(4));
        assert_eq!(all.scheduled_finish, late.scheduled_finish);
        assert_eq!((all.progress, all.derived_health), (30.0, Health::AtRisk));
        let none = StatusFigures::combined([], 0.0, Health::OnTrack);
        assert_eq!((none.slip_days, none.open_tasks), (None, 0));
    }

    fn base() -> HealthInput<'static> {
        HealthInput {
            today: day(16),
            target: Some(day(30)),
            finish: Some(day(27)),
            baseline: None,
            open_tasks: 40,
            overdue_tasks: 0,
            risk_scores: &[6],
            missed_milestones: &[],
        }
    }

    #[test]
    fn a_finish_after_the_target_is_off_track_and_says_by_how_much() {
        let late = assess(&HealthInput {
            finish: Some(day(30) + chrono::Days::new(3)),
            ..base()
        });
        assert_eq!(late.health, Health::OffTrack);
        assert!(late.reasons[0].text.contains("3 days after"), "{late:?}");
        assert_eq!(assess(&base()).health, Health::OnTrack);
        assert!(assess(&base()).reasons.is_empty());
    }

    #[test]
    fn overdue_work_weighs_by_its_share() {
        let with = |overdue| {
            assess(&HealthInput {
                overdue_tasks: overdue,
                ..base()
            })
        };
        // One of forty: said, not held against the project.
        let one = with(1);
        assert_eq!(one.health, Health::OnTrack);
        assert_eq!(one.reasons[0].text, "1 of 40 open tasks is overdue.");
        assert_eq!(with(2).health, Health::AtRisk);
        assert_eq!(with(10).health, Health::OffTrack);
        // The case an ongoing project read "On track" with: 128 overdue
        // among 700 open, nothing else wrong.
        let ongoing = assess(&HealthInput {
            target: None,
            open_tasks: 700,
            overdue_tasks: 128,
            ..base()
        });
        assert_eq!(ongoing.health, Health::AtRisk);
    }

    #[test]
    fn baseline_slip_missed_milestones_and_severe_risks_are_counted() {
        let slipped = |by: u64| {
            assess(&HealthInput {
                baseline: Some(("Approved", day(27) - chrono::Days::new(by))),
                ..base()
            })
        };
        assert_eq!(slipped(0).health, Health::OnTrack);
        assert_eq!(slipped(4).health, Health::AtRisk);
        assert!(
            slipped(4).reasons[0]
                .text
                .contains("4 days, later than baseline “Approved”")
        );
        assert_eq!(slipped(10).health, Health::OffTrack);
        let missed = assess(&HealthInput {
            missed_milestones: &[("Beta", day(12))],
            ..base()
        });
        assert_eq!(missed.health, Health::AtRisk);
        assert!(missed.reasons[0].text.contains("“Beta” was due 2026-11-12"));
        let risky = assess(&HealthInput {
            risk_scores: &[16, 20, 4],
            ..base()
        });
        assert_eq!(risky.health, Health::AtRisk);
        assert!(risky.reasons[0].text.contains("2 open risks"), "{risky:?}");
    }

    #[test]
    fn a_passed_target_with_open_work_and_no_schedule_is_off_track() {
        let passed = assess(&HealthInput {
            target: Some(day(10)),
            finish: None,
            ..base()
        });
        assert_eq!(passed.health, Health::OffTrack);
    }

    #[test]
    fn an_update_is_due_after_a_week_or_when_there_is_none() {
        assert!(update_due(None, day(16), 7));
        assert!(!update_due(Some(day(9)), day(16), 7));
        assert!(update_due(Some(day(8)), day(16), 7));
        assert!(!update_due(Some(day(8)), day(16), 14));
        assert!(!update_due(None, day(16), 0), "no cadence, nothing due");
    }

    proptest! {
        /// The verdict is the worst reason, and reasons come worst first.
        #[test]
        fn the_verdict_is_the_worst_reason(
            open in 0usize..200,
            overdue in 0usize..200,
            finish in 0u64..30,
            baseline in proptest::option::of(0u64..30),
            risks in proptest::collection::vec(1i64..=25, 0..4),
        ) {
            let input = HealthInput {
                finish: Some(day(1) + chrono::Days::new(finish)),
                baseline: baseline.map(|b| ("B", day(1) + chrono::Days::new(b))),
                open_tasks: open,
                overdue_tasks: overdue,
                risk_scores: &risks,
                ..base()
            };
            let a = assess(&input);
            let worst = a.reasons.iter().map(|r| r.health).max().unwrap_or(Health::OnTrack);
            prop_assert_eq!(a.health, worst);
            prop_assert!(a.reasons.windows(2).all(|w| w[0].health >= w[1].health));
            // More overdue work never makes a project healthier.
            let more = assess(&HealthInput { overdue_tasks: overdue + 1, ..input });
            prop_assert!(more.health >= a.health);
        }
    }
}
