//! Resource levelling: delay work so that nobody is booked twice at once.
//!
//! Priority-rule serial schedule generation: tasks are placed one by one,
//! a task becoming eligible once every task it depends on is placed; among
//! the eligible, the one with the earliest late start in the unlevelled
//! schedule goes first (the minimum-LST rule: what can wait least), then
//! the one with least slack. Each is placed at the earliest
//! instant its links allow (against the levelled dates of its
//! predecessors) at which its owner is free for its whole duration. Time
//! off is booked before anything else. Tasks with fixed dates (must start
//! or finish on, dates kept as given, an actual start) and work already begun stay where they
//! are, even if that overlaps; finished work books no one (it is behind
//! its owner, not in their way). The result is a preview; nothing is
//! changed until the caller applies it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::cpm::{Constraint, LinkKind, Plan, Prepared, ScheduleError, Source};

/// Who does each task, and when people are away.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    /// Per task, the index of its owner, if any.
    pub owner: Vec<Option<usize>>,
    /// Per person, periods of time off as working-minute ranges
    /// `[from, to)` on the plan's timeline.
    pub time_off: Vec<Vec<(i64, i64)>>,
    /// Per person, their work outside this plan (other projects), as
    /// working-minute ranges on this plan's timeline: it stays where it
    /// is, work here is placed around it, and what overlaps it counts as
    /// booked twice.
    pub elsewhere: Vec<Vec<(i64, i64)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Levelling {
    /// Each task's start before levelling, and its levelled start and
    /// finish (working minutes).
    pub start_before: Vec<i64>,
    pub start: Vec<i64>,
    pub finish: Vec<i64>,
    pub finish_before: i64,
    pub finish_after: i64,
    /// Per person, working minutes during which they were booked on more
    /// than one thing, before and after levelling.
    pub overallocated_before: Vec<i64>,
    pub overallocated_after: Vec<i64>,
    /// Tasks the levelling moved later.
    pub delayed: Vec<usize>,
    /// Per task, the working minutes between where its links (against
    /// its levelled predecessors), constraint and the status date let it
    /// start and where levelling put it: the levelling delay that, given to
    /// the plan's [`TaskSpec::levelling_delay`](crate::TaskSpec), schedules
    /// it where levelling did. A task pushed by a delayed predecessor alone
    /// has none of its own.
    pub delay: Vec<i64>,
}

pub fn level(plan: &Plan, resources: &Resources) -> Result<Levelling, ScheduleError> {
    Ok(level_prepared(&Prepared::new(plan)?, resources))
}

/// As [`level`], on a plan already prepared.
pub fn level_prepared(prepared: &Prepared<'_>, resources: &Resources) -> Levelling {
    level_against(prepared, None, resources)
}

/// Levels `prepared`, a plan without levelling delays, and measures the
/// result against `standing`, the same plan as it stands (with the delays
/// of a levelling applied before): what was booked twice, the finish and
/// each task's start before are the standing plan's, so a plan levelled
/// already shows nothing left to move. Without `standing`, against
/// `prepared` itself.
pub fn level_against(
    prepared: &Prepared<'_>,
    standing: Option<&Prepared<'_>>,
    resources: &Resources,
) -> Levelling {
    let plan = prepared.plan;
    let before = prepared.run(&prepared.durations);
    let shown = standing.map(|s| s.run(&s.durations));
    let shown = shown.as_ref().unwrap_or(&before);
    let n = plan.tasks.len();
    let people = resources.time_off.len().max(resources.elsewhere.len()).max(
        resources
            .owner
            .iter()
            .flatten()
            .map(|&p| p + 1)
            .max()
            .unwrap_or(0),
    );
    let finished = |t: usize| {
        let task = &plan.tasks[t];
        task.percent_complete >= 100 || task.actual_finish.is_some()
    };
    let begun = |t: usize| {
        let task = &plan.tasks[t];
        task.percent_complete > 0 || task.actual_start.is_some()
    };
    // Finished work occupies nobody.
    let owner = |t: usize| {
        resources
            .owner
            .get(t)
            .copied()
            .flatten()
            .filter(|_| !finished(t))
    };
    let duration = |t: usize| prepared.durations[t].max(0);
    let leaves: Vec<usize> = prepared.order.clone();

    // Whether each person works elsewhere at a minute, not how often: how
    // other projects book them twice is theirs to level.
    let outside: Vec<Vec<(i64, i64)>> = resources.elsewhere.iter().map(|w| merged(w)).collect();
    // When each person is taken, as disjoint ranges in order: a free gap
    // is found by a binary search, not a walk past every booking before it
    // (a person's work elsewhere grows with each project levelled before).
    let mut busy: Vec<Vec<(i64, i64)>> = (0..people)
        .map(|person| {
            let off = resources.time_off.get(person).map_or(&[][..], |o| o);
            let work = outside.get(person).map_or(&[][..], |w| w);
            merged(&[off, work].concat())
        })
        .collect();

    // How many predecessors each leaf waits for (ordering edges).
    let mut waiting = vec![0usize; n];
    for &t in &leaves {
        for &e in prepared.outgoing.get(t) {
            waiting[prepared.edges[e].to] += 1;
        }
    }
    // Minimum late start first (the work that can wait least), then least
    // slack, then earliest start.
    let priority = |t: usize| {
        let d = &before.tasks[t];
        (
            Reverse(d.late_start),
            Reverse(d.total_slack),
            Reverse(d.early_start),
            Reverse(t),
        )
    };
    let mut eligible: BinaryHeap<_> = leaves
        .iter()
        .copied()
        .filter(|&t| waiting[t] == 0)
        .map(|t| (priority(t), t))
        .collect();

    let mut start = vec![0i64; n];
    let mut finish = vec![0i64; n];
    let mut placed = vec![false; n];
    let mut delay = vec![0i64; n];
    let timeline = &prepared.timeline;
    let shift = |base: i64, lag: i64, elapsed: bool, from_finish: bool| {
        if elapsed {
            timeline.add_elapsed(base, lag, from_finish)
        } else {
            base + lag
        }
    };
    while let Some((_, t)) = eligible.pop() {
        let d = duration(t);
        let fixed = begun(t)
            || prepared.constraints[t].actual_start.is_some()
            || prepared.constraints[t].fixed.is_some()
            || matches!(
                prepared.constraints[t].kind,
                Constraint::MustStartOn(_) | Constraint::MustFinishOn(_)
            );
        let mut earliest = before.tasks[t].early_start;
        if !fixed {
            for &e in prepared.incoming.get(t) {
                let edge = &prepared.edges[e];
                let (pred_start, pred_finish) = match edge.from {
                    Source::Leaf(p) => (start[p], finish[p]),
                    Source::EarliestLeafOf(s) => (
                        prepared
                            .outline
                            .leaves(s)
                            .iter()
                            .map(|&l| start[l])
                            .min()
                            .unwrap_or(0),
                        0,
                    ),
                };
                let required = match edge.kind {
                    LinkKind::FinishToStart => shift(pred_finish, edge.lag, edge.elapsed, true),
                    LinkKind::StartToStart => shift(pred_start, edge.lag, edge.elapsed, false),
                    LinkKind::FinishToFinish => {
                        shift(pred_finish, edge.lag, edge.elapsed, true) - d
                    }
                    LinkKind::StartToFinish => shift(pred_start, edge.lag, edge.elapsed, false) - d,
                };
                earliest = earliest.max(required);
            }
        }
        let at = match owner(t) {
            Some(person) if d > 0 && !fixed => first_free(&busy[person], earliest, d),
            _ => earliest,
        };
        start[t] = at;
        delay[t] = at - earliest;
        finish[t] = at + (before.tasks[t].early_finish - before.tasks[t].early_start).max(d);
        if let Some(person) = owner(t).filter(|_| d > 0) {
            book(&mut busy[person], (at, at + d));
        }
        placed[t] = true;
        for &e in prepared.outgoing.get(t) {
            let s = prepared.edges[e].to;
            waiting[s] -= 1;
            if waiting[s] == 0 && !placed[s] {
                eligible.push((priority(s), s));
            }
        }
    }

    let bookings = |starts: &dyn Fn(usize) -> (i64, i64)| {
        let mut per_person: Vec<Vec<(i64, i64)>> = vec![Vec::new(); people];
        for &t in &leaves {
            if let Some(person) = owner(t).filter(|_| duration(t) > 0) {
                let (a, _) = starts(t);
                per_person[person].push((a, a + duration(t)));
            }
        }
        per_person
            .iter()
            .enumerate()
            .map(|(person, own)| overlap(own, outside.get(person).map_or(&[][..], |o| o)))
            .collect::<Vec<_>>()
    };
    let overallocated_before =
        bookings(&|t| (shown.tasks[t].early_start, shown.tasks[t].early_finish));
    let overallocated_after = bookings(&|t| (start[t], finish[t]));
    let finish_after = leaves
        .iter()
        .map(|&t| finish[t])
        .max()
        .unwrap_or(before.finish)
        .max(before.start);
    let delayed = leaves
        .iter()
        .copied()
        .filter(|&t| start[t] > shown.tasks[t].early_start)
        .collect();
    Levelling {
        start_before: shown.tasks.iter().map(|d| d.early_start).collect(),
        start,
        finish,
        finish_before: shown.finish,
        finish_after,
        overallocated_before,
        overallocated_after,
        delayed,
        delay,
    }
}

/// The earliest start at or after `from` of a free gap of `length` among
/// bookings that are disjoint and in order.
fn first_free(bookings: &[(i64, i64)], from: i64, length: i64) -> i64 {
    let mut at = from;
    let first = bookings.partition_point(|&(_, b)| b <= from);
    for &(a, b) in &bookings[first..] {
        if a >= at + length {
            break;
        }
        at = at.max(b);
    }
    at
}

/// Adds `range` to bookings that are disjoint and in order, keeping them
/// so: it is joined with every booking it overlaps or touches (a task
/// with fixed dates may overlap work already booked).
fn book(bookings: &mut Vec<(i64, i64)>, (from, to): (i64, i64)) {
    let first = bookings.partition_point(|&(_, b)| b < from);
    let past = bookings.partition_point(|&(a, _)| a <= to);
    if first < past {
        let joined = (from.min(bookings[first].0), to.max(bookings[past - 1].1));
        bookings.splice(first..past, [joined]);
    } else {
        bookings.insert(first, (from, to));
    }
}

/// Minutes during which one of `own` runs beside another of them or
/// beside `outside` (disjoint and sorted: work elsewhere).
fn overlap(own: &[(i64, i64)], outside: &[(i64, i64)]) -> i64 {
    let (Some(from), Some(to)) = (own.iter().map(|b| b.0).min(), own.iter().map(|b| b.1).max())
    else {
        return 0;
    };
    // (instant, change of own, change of outside)
    let mut events: Vec<(i64, i32, i32)> = own
        .iter()
        .flat_map(|&(a, b)| [(a, 1, 0), (b, -1, 0)])
        .collect();
    let first = outside.partition_point(|&(_, b)| b <= from);
    for &(a, b) in outside[first..].iter().take_while(|&&(a, _)| a < to) {
        events.extend([(a, 0, 1), (b, 0, -1)]);
    }
    events.sort_unstable();
    let (mut mine, mut theirs, mut last, mut total) = (0i32, 0i32, 0i64, 0i64);
    for (at, own_change, outside_change) in events {
        if mine > 1 || (mine > 0 && theirs > 0) {
            total += at - last;
        }
        mine += own_change;
        theirs += outside_change;
        last = at;
    }
    total
}

/// The union of bookings, as disjoint ranges in order.
fn merged(bookings: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut sorted: Vec<(i64, i64)> = bookings.iter().copied().filter(|(a, b)| a < b).collect();
    sorted.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(sorted.len());
    for (a, b) in sorted {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::cpm::{Lag, LinkSpec, TaskSpec, day};
    use chrono::NaiveDate;

    const DAY: i64 = 480;

    #[test]
    fn a_booking_joins_what_it_overlaps_or_touches_and_gaps_are_found_past_them() {
        let mut busy = vec![(0, 10), (20, 30), (40, 50)];
        // A task with fixed dates over two bookings and the gap between.
        book(&mut busy, (25, 45));
        assert_eq!(busy, vec![(0, 10), (20, 50)]);
        book(&mut busy, (10, 20));
        assert_eq!(busy, vec![(0, 50)]);
        book(&mut busy, (60, 70));
        assert_eq!(busy, vec![(0, 50), (60, 70)]);
        assert_eq!(first_free(&busy, 0, 5), 50);
        assert_eq!(first_free(&busy, 0, 15), 70);
        assert_eq!(first_free(&busy, 52, 8), 52);
        assert_eq!(first_free(&busy, 65, 1), 70);
    }

    fn plan(days: &[i64], links: &[(usize, usize)]) -> Plan {
        Plan {
            status_date: None,
            calendar: Calendar::default(),
            calendars: Vec::new(),
            start: day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 8),
            tasks: days
                .iter()
                .enumerate()
                .map(|(i, d)| TaskSpec::new(i as i64, format!("T{i}"), d * DAY))
                .collect(),
            links: links
                .iter()
                .map(|&(p, s)| LinkSpec {
                    predecessor: p,
                    successor: s,
                    kind: LinkKind::FinishToStart,
                    lag: Lag::Work(0),
                })
                .collect(),
        }
    }

    #[test]
    fn one_person_does_one_thing_at_a_time() {
        let p = plan(&[2, 2, 1], &[]);
        let resources = Resources {
            owner: vec![Some(0), Some(0), Some(1)],
            time_off: vec![],
            elsewhere: vec![],
        };
        let result = level(&p, &resources).unwrap();
        assert_eq!(result.overallocated_before, [2 * DAY, 0]);
        assert_eq!(result.overallocated_after, [0, 0]);
        assert_eq!(
            result.finish_after - result.finish_before,
            2 * DAY,
            "the cost in finish date"
        );
        assert_eq!(result.delayed, [1]);
        assert_eq!(result.start[1], result.finish[0]);
    }

    #[test]
    fn the_task_with_least_slack_goes_first_and_links_still_hold() {
        // T0 (1 day) → T2 (3 days) is the long chain; T1 (1 day) has slack.
        // T0 and T1 share an owner: T0 goes first so the chain is not
        // delayed.
        let p = plan(&[1, 1, 3], &[(0, 2)]);
        let resources = Resources {
            owner: vec![Some(0), Some(0), Some(1)],
            time_off: vec![],
            elsewhere: vec![],
        };
        let result = level(&p, &resources).unwrap();
        assert_eq!(result.finish_after, result.finish_before);
        assert_eq!(result.delayed, [1]);
        assert!(result.start[2] >= result.finish[0]);
    }

    proptest::proptest! {
        #[test]
        fn nobody_is_double_booked_and_links_hold(
            days in proptest::collection::vec(0i64..4, 2..30),
            raw_links in proptest::collection::vec((0usize..30, 0usize..30), 0..40),
            owners in proptest::collection::vec(proptest::option::of(0usize..3), 30),
        ) {
            let n = days.len();
            let links: Vec<(usize, usize)> = raw_links.into_iter().filter(|&(a, b)| a < b && b < n).collect();
            let p = plan(&days, &links);
            let resources = Resources { owner: owners[..n].to_vec(), ..Resources::default() };
            let result = level(&p, &resources).unwrap();
            proptest::prop_assert!(result.overallocated_after.iter().all(|&m| m == 0), "{:?}", result.overallocated_after);
            for &(a, b) in &links {
                proptest::prop_assert!(result.start[b] >= result.finish[a]);
            }
            proptest::prop_assert!(result.finish_after >= result.finish_before);
            // Given as levelling delays, the plan schedules each task where
            // levelling put it.
            let mut delayed = p.clone();
            for (task, delay) in delayed.tasks.iter_mut().zip(&result.delay) {
                task.levelling_delay = *delay;
            }
            let replay = crate::cpm::schedule(&delayed).unwrap();
            for t in 0..n {
                proptest::prop_assert_eq!(replay.tasks[t].early_start, result.start[t], "task {}", t);
            }
        }
    }

    #[test]
    fn work_done_or_begun_is_never_delayed_and_done_work_books_no_one() {
        // T0 is done and T1 half done, both on the first days and both
        // Ana's, as is T2 (not started): neither is moved, and T2 waits
        // only for the work still to do (T1), not for T0's.
        let mut p = plan(&[2, 2, 2], &[]);
        p.tasks[0].percent_complete = 100;
        p.tasks[1].percent_complete = 50;
        let resources = Resources {
            owner: vec![Some(0), Some(0), Some(0)],
            time_off: vec![],
            elsewhere: vec![],
        };
        let result = level(&p, &resources).unwrap();
        assert_eq!(result.start[0], result.start_before[0]);
        assert_eq!(result.start[1], result.start_before[1]);
        assert_eq!(result.delayed, [2]);
        assert_eq!(result.start[2], result.finish[1]);
        assert_eq!(result.overallocated_before, [2 * DAY]);
        assert_eq!(result.overallocated_after, [0]);
    }

    #[test]
    fn booked_twice_counts_work_beside_work_here_or_elsewhere_once() {
        // 5..10 beside each other, 12..15 beside work elsewhere; work
        // elsewhere booked twice over (20..30) is not this plan's.
        let outside = merged(&[(12, 20), (20, 30), (25, 28)]);
        assert_eq!(outside, [(12, 30)]);
        assert_eq!(overlap(&[(0, 10), (5, 15)], &outside), 8);
        assert_eq!(overlap(&[], &outside), 0);
        assert_eq!(overlap(&[(40, 50)], &outside), 0);
    }

    #[test]
    fn work_elsewhere_is_worked_around_and_counted() {
        let p = plan(&[2], &[]);
        let start = crate::cpm::schedule(&p).unwrap().start;
        // Booked elsewhere on the first day.
        let resources = Resources {
            owner: vec![Some(0)],
            elsewhere: vec![vec![(start, start + DAY)]],
            ..Resources::default()
        };
        let result = level(&p, &resources).unwrap();
        assert_eq!(result.start[0], start + DAY);
        assert_eq!(result.overallocated_before, [DAY]);
        assert_eq!(result.overallocated_after, [0]);
    }

    #[test]
    fn time_off_is_worked_around() {
        let p = plan(&[2], &[]);
        let start = crate::cpm::schedule(&p).unwrap().start;
        // Away on the first day.
        let resources = Resources {
            owner: vec![Some(0)],
            time_off: vec![vec![(start, start + DAY)]],
            elsewhere: vec![],
        };
        let result = level(&p, &resources).unwrap();
        assert_eq!(result.start[0], start + DAY);
        assert_eq!(result.overallocated_after, [0]);
    }
}
