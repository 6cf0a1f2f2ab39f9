//! How a goal's progress and status follow from what measures it. Progress
//! is computed, never typed: from its key results, its sub-goals
//! (weighted), the projects or the tasks that serve it. Status is derived
//! from progress against the time gone in its period, unless its owner
//! sets one.
//!
//! Not here: which goals a reader may see (the use cases'), or reading the
//! projects' and tasks' own progress (the store's roll-ups).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::model::{GoalMeasure, GoalStatus, Id, KeyResult, Period};

/// One thing a goal is measured by: how far along it is, and how much it
/// counts against the others of its kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// 0 to 100.
    pub percent: f64,
    pub weight: f64,
}

/// What [`progress`] needs of a goal.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalInput {
    pub id: Id,
    pub parent: Option<Id>,
    /// Its weight in its parent's progress.
    pub weight: f64,
    /// Its owner's word, if any: a dropped goal counts in no parent.
    pub status: Option<GoalStatus>,
    pub measure: Option<GoalMeasure>,
    /// Each key result counts the same.
    pub key_results: Vec<Part>,
    /// Each project counts the same.
    pub projects: Vec<Part>,
    /// Each task by its effort, as in a project's roll-up.
    pub tasks: Vec<Part>,
}

/// A goal's progress and what it was measured by (`None`: by nothing yet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub percent: f64,
    pub measure: Option<GoalMeasure>,
}

/// How far a key result has moved from its start to its target, 0 to 100;
/// a target below the start is a metric meant to fall.
pub fn key_result_percent(kr: &KeyResult) -> f64 {
    let span = kr.target - kr.start;
    if span == 0.0 || !span.is_finite() {
        return if kr.current == kr.target { 100.0 } else { 0.0 };
    }
    // Adding 0.0 turns a -0.0 (no move on a falling metric) into 0.
    ((kr.current - kr.start) / span * 100.0).clamp(0.0, 100.0) + 0.0
}

/// The weighted mean of `parts`; each counts the same where no weight is
/// above zero. `None` when there are none.
fn mean(parts: &[Part]) -> Option<f64> {
    if parts.is_empty() {
        return None;
    }
    let weight: f64 = parts.iter().map(|p| p.weight.max(0.0)).sum();
    let value = if weight > 0.0 {
        parts
            .iter()
            .map(|p| p.percent.clamp(0.0, 100.0) * p.weight.max(0.0))
            .sum::<f64>()
            / weight
    } else {
        parts
            .iter()
            .map(|p| p.percent.clamp(0.0, 100.0))
            .sum::<f64>()
            / parts.len() as f64
    };
    Some(value.clamp(0.0, 100.0) + 0.0)
}

/// Every goal's progress. A goal's sub-goals are the goals naming it as
/// parent, its dropped ones left out. A parent that would lead back to a
/// goal (which the store refuses) is read as no sub-goal.
pub fn progress(goals: &[GoalInput]) -> HashMap<Id, Measured> {
    let by_id: HashMap<Id, &GoalInput> = goals.iter().map(|g| (g.id, g)).collect();
    let mut children: HashMap<Id, Vec<Id>> = HashMap::new();
    for g in goals {
        if let Some(parent) = g.parent.filter(|p| by_id.contains_key(p)) {
            children.entry(parent).or_default().push(g.id);
        }
    }
    let mut done = HashMap::new();
    for g in goals {
        measure(g.id, &by_id, &children, &mut HashSet::new(), &mut done);
    }
    done
}

fn measure(
    id: Id,
    by_id: &HashMap<Id, &GoalInput>,
    children: &HashMap<Id, Vec<Id>>,
    path: &mut HashSet<Id>,
    done: &mut HashMap<Id, Measured>,
) -> Measured {
    if let Some(m) = done.get(&id) {
        return *m;
    }
    let nothing = Measured {
        percent: 0.0,
        measure: None,
    };
    if !path.insert(id) {
        return nothing;
    }
    let goal = by_id[&id];
    let subs: Vec<Part> = children
        .get(&id)
        .into_iter()
        .flatten()
        .filter(|c| by_id[*c].status != Some(GoalStatus::Dropped))
        .map(|c| Part {
            percent: measure(*c, by_id, children, path, done).percent,
            weight: by_id[c].weight,
        })
        .collect();
    path.remove(&id);
    let of = |m: GoalMeasure| match m {
        GoalMeasure::KeyResults => &goal.key_results,
        GoalMeasure::SubGoals => &subs,
        GoalMeasure::Projects => &goal.projects,
        GoalMeasure::Tasks => &goal.tasks,
    };
    let chosen = goal.measure.or_else(|| {
        GoalMeasure::ALL
            .iter()
            .copied()
            .find(|m| !of(*m).is_empty())
    });
    let result = match chosen {
        Some(m) => Measured {
            percent: mean(of(m)).unwrap_or(0.0),
            measure: Some(m),
        },
        None => nothing,
    };
    done.insert(id, result);
    result
}

/// A goal's status, what Tandem would say, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalAssessment {
    /// The owner's word where given, else the derived one.
    pub status: GoalStatus,
    pub derived: GoalStatus,
    pub reasons: Vec<String>,
}

/// Behind the time gone by more than this many points: at risk.
pub const AT_RISK_BEHIND: f64 = 10.0;
/// Behind by more than this: off track.
pub const OFF_TRACK_BEHIND: f64 = 25.0;

/// Judges a goal on `today`: achieved when all is done; missed when its
/// period has ended short of that; otherwise by how far progress trails
/// the share of the period gone. A goal nothing measures yet
/// (`measured` false) is not judged.
pub fn assess(
    percent: f64,
    measured: bool,
    period: Option<Period>,
    today: NaiveDate,
    said: Option<GoalStatus>,
) -> GoalAssessment {
    let mut reasons = Vec::new();
    let derived = if !measured {
        reasons.push(
            "nothing measures it yet: add a key result, a sub-goal, a project or a task"
                .to_string(),
        );
        GoalStatus::OnTrack
    } else if percent >= 99.95 {
        reasons.push("all of it is done".to_string());
        GoalStatus::Achieved
    } else {
        match period {
            Some(p) if today > p.end => {
                reasons.push(format!("its period ended on {} at {percent:.0}%", p.end));
                GoalStatus::Missed
            }
            Some(p) if today < p.start => {
                reasons.push(format!("its period starts on {}", p.start));
                GoalStatus::OnTrack
            }
            Some(p) => {
                let gone = p.elapsed(today) * 100.0;
                reasons.push(format!(
                    "{percent:.0}% done with {gone:.0}% of its period gone"
                ));
                let behind = gone - percent;
                if behind > OFF_TRACK_BEHIND {
                    GoalStatus::OffTrack
                } else if behind > AT_RISK_BEHIND {
                    GoalStatus::AtRisk
                } else {
                    GoalStatus::OnTrack
                }
            }
            None => {
                reasons.push(format!(
                    "{percent:.0}% done; no period, so not judged against time"
                ));
                GoalStatus::OnTrack
            }
        }
    };
    if let Some(s) = said.filter(|s| *s != derived) {
        reasons.insert(
            0,
            format!(
                "set to {} by hand (Tandem would say {})",
                s.label().to_lowercase(),
                derived.label().to_lowercase()
            ),
        );
    }
    GoalAssessment {
        status: said.unwrap_or(derived),
        derived,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn part(percent: f64, weight: f64) -> Part {
        Part { percent, weight }
    }

    fn goal(id: Id, parent: Option<Id>) -> GoalInput {
        GoalInput {
            id,
            parent,
            weight: 1.0,
            status: None,
            measure: None,
            key_results: vec![],
            projects: vec![],
            tasks: vec![],
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_key_result_counts_its_way_whichever_way_it_moves() {
        let kr = |start, target, current| KeyResult {
            id: 1,
            name: "x".into(),
            unit: None,
            start,
            target,
            current,
            updated_at: Default::default(),
        };
        assert_eq!(key_result_percent(&kr(0.0, 200.0, 50.0)), 25.0);
        assert_eq!(key_result_percent(&kr(10.0, 2.0, 4.0)), 75.0);
        assert_eq!(key_result_percent(&kr(0.0, 10.0, 14.0)), 100.0);
        assert_eq!(key_result_percent(&kr(0.0, 10.0, -3.0)), 0.0);
        // Not moved yet on a falling metric: 0, not -0.
        assert!(key_result_percent(&kr(40.0, 25.0, 40.0)).is_sign_positive());
    }

    #[test]
    fn the_first_measure_a_goal_has_is_taken_unless_one_is_chosen() {
        let mut company = goal(1, None);
        company.projects = vec![part(80.0, 1.0)];
        let mut team = goal(2, Some(1));
        team.key_results = vec![part(20.0, 1.0), part(40.0, 1.0)];
        team.tasks = vec![part(100.0, 8.0)];
        let mut dropped = goal(3, Some(1));
        dropped.status = Some(GoalStatus::Dropped);
        dropped.tasks = vec![part(100.0, 1.0)];
        let all = progress(&[company.clone(), team.clone(), dropped.clone()]);
        assert_eq!(all[&2].measure, Some(GoalMeasure::KeyResults));
        assert_eq!(all[&2].percent, 30.0);
        assert_eq!(all[&1].measure, Some(GoalMeasure::SubGoals));
        assert_eq!(all[&1].percent, 30.0, "the dropped sub-goal counts not");
        company.measure = Some(GoalMeasure::Projects);
        team.measure = Some(GoalMeasure::Tasks);
        let all = progress(&[company, team, dropped]);
        assert_eq!(all[&1].percent, 80.0);
        assert_eq!(all[&2].percent, 100.0);
        assert_eq!(progress(&[goal(9, None)])[&9].measure, None);
    }

    #[test]
    fn status_follows_progress_against_the_time_gone() {
        let h1 = Period::parse("2027-H1").unwrap();
        let on = |p, today| assess(p, true, Some(h1), d(today), None).status;
        assert_eq!(on(50.0, "2027-03-31"), GoalStatus::OnTrack);
        assert_eq!(on(35.0, "2027-03-31"), GoalStatus::AtRisk);
        assert_eq!(on(20.0, "2027-03-31"), GoalStatus::OffTrack);
        assert_eq!(on(0.0, "2026-12-01"), GoalStatus::OnTrack);
        assert_eq!(on(90.0, "2027-07-01"), GoalStatus::Missed);
        assert_eq!(on(100.0, "2027-07-01"), GoalStatus::Achieved);
        let said = assess(
            20.0,
            true,
            Some(h1),
            d("2027-03-31"),
            Some(GoalStatus::Dropped),
        );
        assert_eq!(said.status, GoalStatus::Dropped);
        assert_eq!(said.derived, GoalStatus::OffTrack);
        assert!(said.reasons[0].contains("by hand"), "{:?}", said.reasons);
        let fresh = assess(0.0, false, Some(h1), d("2027-07-01"), None);
        assert_eq!(
            fresh.status,
            GoalStatus::OnTrack,
            "nothing measures it: {fresh:?}"
        );
    }

    /// A forest of goals: each names as parent only an earlier one.
    fn forest() -> impl Strategy<Value = Vec<GoalInput>> {
        let parts = || prop::collection::vec((0.0..=100.0f64, 0.0..40.0f64), 0..4);
        let one = (
            any::<prop::sample::Index>(),
            any::<bool>(),
            0.0..10.0f64,
            prop::option::of(prop::sample::select(GoalMeasure::ALL.to_vec())),
            any::<bool>(),
            parts(),
            parts(),
            parts(),
        );
        prop::collection::vec(one, 1..14).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(
                    |(i, (pick, rooted, weight, measure, dropped, kr, pr, tk))| {
                        let to_parts = |v: Vec<(f64, f64)>| {
                            v.into_iter().map(|(p, w)| part(p, w)).collect::<Vec<_>>()
                        };
                        GoalInput {
                            id: i as Id,
                            parent: (i > 0 && !rooted).then(|| pick.index(i) as Id),
                            weight,
                            status: (dropped && i % 3 == 0).then_some(GoalStatus::Dropped),
                            measure,
                            key_results: to_parts(kr),
                            projects: to_parts(pr),
                            tasks: to_parts(tk),
                        }
                    },
                )
                .collect()
        })
    }

    fn no_lower(before: &HashMap<Id, Measured>, after: &HashMap<Id, Measured>) {
        for (id, m) in before {
            assert!(
                after[id].percent >= m.percent - 1e-9,
                "goal {id} fell from {} to {}",
                m.percent,
                after[id].percent
            );
        }
    }

    proptest! {
        #[test]
        fn progress_stays_between_nothing_and_all(goals in forest()) {
            for m in progress(&goals).values() {
                prop_assert!((0.0..=100.0).contains(&m.percent), "{}", m.percent);
            }
        }

        #[test]
        fn adding_done_work_never_lowers_a_goal(goals in forest(), at in any::<prop::sample::Index>(), hours in 0.1..40.0f64) {
            let before = progress(&goals);
            let mut more = goals.clone();
            let i = at.index(more.len());
            more[i].tasks.push(part(100.0, hours));
            no_lower(&before, &progress(&more));
            let mut finished = goals.clone();
            if let Some(t) = finished[i].tasks.first_mut() {
                t.percent = 100.0;
            }
            if let Some(kr) = finished[i].key_results.first_mut() {
                kr.percent = 100.0;
            }
            no_lower(&before, &progress(&finished));
        }

        #[test]
        fn sub_goals_count_by_their_weights(goals in forest()) {
            let all = progress(&goals);
            for g in &goals {
                if all[&g.id].measure != Some(GoalMeasure::SubGoals) {
                    continue;
                }
                let subs: Vec<&GoalInput> = goals
                    .iter()
                    .filter(|c| c.parent == Some(g.id) && c.status != Some(GoalStatus::Dropped))
                    .collect();
                let w: f64 = subs.iter().map(|c| c.weight).sum();
                let expected = if subs.is_empty() {
                    0.0
                } else if w > 0.0 {
                    subs.iter().map(|c| all[&c.id].percent * c.weight).sum::<f64>() / w
                } else {
                    subs.iter().map(|c| all[&c.id].percent).sum::<f64>() / subs.len() as f64
                };
                prop_assert!((all[&g.id].percent - expected).abs() < 1e-6);
            }
        }

        #[test]
        fn a_parent_under_its_own_descendant_is_refused(goals in forest(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
            let parents: HashMap<Id, Option<Id>> = goals.iter().map(|g| (g.id, g.parent)).collect();
            let (child, parent) = (a.index(goals.len()) as Id, b.index(goals.len()) as Id);
            let mut at = Some(parent);
            let mut descends = false;
            while let Some(p) = at {
                descends |= p == child;
                at = parents[&p];
            }
            prop_assert_eq!(crate::model::goal_cycle(child, Some(parent), &parents), descends);
        }
    }
}
