//! The critical path method's unit tests: worked examples for each
//! choice in the module docs, and property tests over arbitrary plans.

use super::*;
use proptest::prelude::*;

fn monday() -> NaiveDateTime {
    day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 8)
}

fn plan(durations_days: &[i64], links: &[(usize, usize, LinkKind, i64)]) -> Plan {
    Plan {
        status_date: None,
        calendar: Calendar::default(),
        calendars: Vec::new(),
        start: monday(),
        tasks: durations_days
            .iter()
            .enumerate()
            .map(|(i, d)| TaskSpec::new(i as i64 + 1, format!("T{i}"), d * 480))
            .collect(),
        links: links
            .iter()
            .map(|&(p, s, kind, lag_days)| LinkSpec {
                predecessor: p,
                successor: s,
                kind,
                lag: Lag::Work(lag_days * 480),
            })
            .collect(),
    }
}

#[test]
fn a_chain_is_critical_and_a_side_task_has_slack() {
    use LinkKind::*;
    let result = schedule(&plan(&[2, 3, 1], &[(0, 1, FinishToStart, 0)])).unwrap();
    let s = result.start;
    assert_eq!(
        (
            result.tasks[1].early_start - s,
            result.tasks[1].early_finish - s
        ),
        (960, 2400)
    );
    assert!(result.tasks[0].critical && result.tasks[1].critical);
    assert_eq!(result.tasks[2].total_slack, 4 * 480);
    assert_eq!(result.tasks[2].free_slack, 4 * 480);
    assert_eq!(result.critical_path(), [0, 1]);
}

#[test]
fn cycles_are_named_by_uid() {
    use LinkKind::*;
    let err = schedule(&plan(
        &[1, 1, 1],
        &[
            (0, 1, FinishToStart, 0),
            (1, 2, FinishToStart, 0),
            (2, 1, StartToStart, 0),
        ],
    ))
    .err()
    .unwrap();
    match err {
        ScheduleError::Cycle(uids) => {
            assert_eq!(uids.first(), uids.last());
            assert!(
                uids.contains(&2) && uids.contains(&3) && !uids.contains(&1),
                "{uids:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn work_not_done_is_scheduled_after_the_status_date() {
    use LinkKind::*;
    let at = |d: u32, h: u32| day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap(), h);
    // A 4-day task started on Monday, half done by Wednesday evening;
    // a 1-day task after it; a 2-day side task not started; a 1-day
    // task that must start on Tuesday (fixed dates stay).
    let mut p = plan(&[4, 1, 2, 1], &[(0, 1, FinishToStart, 0)]);
    p.tasks[0].actual_start = Some(at(23, 8));
    p.tasks[0].percent_complete = 50;
    p.tasks[3].constraint = Constraint::MustStartOn(at(24, 8));
    let planned = schedule(&p).unwrap();
    p.status_date = Some(at(25, 17));
    let result = schedule(&p).unwrap();
    let instants = |i| result.instants(i);
    // Two days left from Thursday: Friday evening, not Thursday's.
    assert_eq!(planned.instants(0)[1], at(26, 17));
    assert_eq!(instants(0)[0], at(23, 8), "the actual start stays");
    assert_eq!(instants(0)[1], at(27, 17));
    assert_eq!(instants(1)[0], at(30, 8));
    assert_eq!(
        instants(2)[0],
        at(26, 8),
        "not started: after the status date"
    );
    assert_eq!(instants(3)[0], at(24, 8), "a must-start-on date stays");
    // Ahead of plan: nothing moves earlier than planned.
    p.tasks[0].percent_complete = 90;
    assert_eq!(schedule(&p).unwrap().instants(0)[1], at(26, 17));
    assert_ne!(p.fingerprint(), {
        let mut q = p.clone();
        q.status_date = None;
        q.fingerprint()
    });
}

#[test]
fn a_finish_to_finish_successor_is_held_at_the_project_start_a_start_to_finish_one_is_not() {
    use LinkKind::*;
    // A 5-day task finishing with a 1-day one (FF), and one that must
    // finish when a 1-day one starts (SF): both would start early.
    let result = schedule(&plan(
        &[1, 5, 1, 5],
        &[(0, 1, FinishToFinish, 0), (2, 3, StartToFinish, 0)],
    ))
    .unwrap();
    assert_eq!(result.tasks[1].early_start, result.start);
    // As Microsoft Project's scheduler in MPXJ: five days before the
    // start of the task it finishes at.
    assert_eq!(result.tasks[3].early_start, result.start - 5 * 480);
    assert_eq!(result.tasks[3].early_finish, result.start);
}

#[test]
fn a_no_later_than_constraint_pulls_against_links_and_says_so() {
    use LinkKind::*;
    let mut p = plan(&[3, 1], &[(0, 1, FinishToStart, 0)]);
    p.tasks[1].constraint =
        Constraint::StartNoLaterThan(day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), 8));
    let result = schedule(&p).unwrap();
    assert_eq!(result.tasks[1].early_start - result.start, 480);
    assert_eq!(
        result.diagnostics,
        [Diagnostic::ConstraintBreaksLink {
            task: 1,
            predecessor: 0
        }]
    );
    assert!(
        result.tasks[0].total_slack < 0,
        "the predecessor shows negative slack"
    );
}

#[test]
fn elapsed_lags_run_through_the_weekend() {
    let mut p = plan(&[5, 1], &[]);
    // Friday 17:00 + 2 elapsed days = Sunday 17:00 → Monday 08:00.
    p.links.push(LinkSpec {
        predecessor: 0,
        successor: 1,
        kind: LinkKind::FinishToStart,
        lag: Lag::Elapsed(2 * 24 * 60),
    });
    let result = schedule(&p).unwrap();
    assert_eq!(result.tasks[1].early_start - result.start, 5 * 480);
}

#[test]
fn an_alap_task_sits_at_its_late_dates_and_its_successor_follows() {
    use LinkKind::*;
    // A 1-day ALAP task before a 1-day task, beside a 5-day task that
    // sets the finish: the pair slides to the end.
    let mut p = plan(&[1, 1, 5], &[(0, 1, FinishToStart, 0)]);
    p.tasks[0].constraint = Constraint::AsLateAsPossible;
    let result = schedule(&p).unwrap();
    let s = result.start;
    assert_eq!(
        result.tasks[0].early_start - s,
        0,
        "its early dates stay ASAP"
    );
    assert_eq!(
        result.tasks[0].total_slack, 0,
        "measured from where it is scheduled"
    );
    assert_eq!(
        result.tasks[1].early_start - s,
        4 * 480,
        "the successor follows its late position"
    );
    assert!(result.tasks[1].critical);
}

fn arbitrary_plan() -> impl Strategy<Value = Plan> {
    (2usize..25).prop_flat_map(|n| {
        let durations = prop::collection::vec(0i64..5, n);
        let links = prop::collection::vec((0..n, 0..n, 0u8..4, -2i64..3), 0..(2 * n));
        (durations, links).prop_map(|(durations, raw)| {
            let kinds = [
                LinkKind::FinishToStart,
                LinkKind::StartToStart,
                LinkKind::FinishToFinish,
                LinkKind::StartToFinish,
            ];
            // Only forward links: the plan is acyclic by construction.
            let links: Vec<_> = raw
                .into_iter()
                .filter(|(a, b, _, _)| a < b)
                .map(|(a, b, k, lag)| (a, b, kinds[k as usize], lag))
                .collect();
            plan(&durations, &links)
        })
    })
}

proptest! {
    #[test]
    fn links_hold_and_slack_agrees_with_the_dates(p in arbitrary_plan()) {
        let result = schedule(&p).unwrap();
        for link in &p.links {
            let (a, b) = (&result.tasks[link.predecessor], &result.tasks[link.successor]);
            let Lag::Work(lag) = link.lag else { unreachable!() };
            let holds = match link.kind {
                LinkKind::FinishToStart => b.early_start >= a.early_finish + lag,
                LinkKind::StartToStart => b.early_start >= a.early_start + lag,
                LinkKind::FinishToFinish => b.early_finish >= a.early_finish + lag,
                LinkKind::StartToFinish => b.early_finish >= a.early_start + lag,
            };
            prop_assert!(holds, "{:?} broken", link);
        }
        for (i, d) in result.tasks.iter().enumerate() {
            // Only a start-to-finish successor starts before the project.
            prop_assert!(
                d.early_start >= result.start
                    || p.links.iter().any(|l| l.successor == i && l.kind == LinkKind::StartToFinish)
            );
            prop_assert!(d.late_start >= d.early_start, "no constraints, so no negative slack");
            prop_assert_eq!(d.total_slack, (d.late_start - d.early_start).min(d.late_finish - d.early_finish));
            prop_assert_eq!(d.critical, d.total_slack <= 0);
            prop_assert!(d.free_slack <= d.total_slack.max(0));
        }
        prop_assert!(result.tasks.iter().any(|d| d.critical));
    }

    #[test]
    fn the_order_tasks_are_given_in_does_not_matter(p in arbitrary_plan(), seed in 0u64..1000) {
        let n = p.tasks.len();
        // A permutation from the seed.
        let mut order: Vec<usize> = (0..n).collect();
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        for i in (1..n).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let position: Vec<usize> = { let mut pos = vec![0; n]; for (new, &old) in order.iter().enumerate() { pos[old] = new; } pos };
        let shuffled = Plan {
            tasks: order.iter().map(|&old| p.tasks[old].clone()).collect(),
            links: p.links.iter().map(|l| LinkSpec { predecessor: position[l.predecessor], successor: position[l.successor], ..l.clone() }).collect(),
            ..p.clone()
        };
        let a = schedule(&p).unwrap();
        let b = schedule(&shuffled).unwrap();
        for (old, &new) in position.iter().enumerate() {
            prop_assert_eq!(a.tasks[old], b.tasks[new]);
        }
    }
}

/// Tasks to add beside a plan: unlinked, without parents, each with one
/// of the ways a task is held (a constraint, a deadline, work begun).
fn arbitrary_loose_tasks() -> impl Strategy<Value = Vec<TaskSpec>> {
    prop::collection::vec((0i64..8, 0u8..6, 0i64..15), 1..5).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (days, how, at_days))| {
                let mut t = TaskSpec::new(1000 + i as i64, format!("N{i}"), days * 480);
                let at = monday() + chrono::Duration::days(at_days);
                match how {
                    0 => {}
                    1 => t.constraint = Constraint::StartNoEarlierThan(at),
                    2 => t.constraint = Constraint::AsLateAsPossible,
                    3 => t.deadline = Some(at),
                    4 => t.constraint = Constraint::FinishNoLaterThan(at),
                    _ => {
                        t.actual_start = Some(monday());
                        t.percent_complete = 50;
                    }
                }
                t
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn loose_tasks_scheduled_beside_a_plan_get_the_dates_the_whole_plan_gives(
        p in arbitrary_plan(),
        alap in prop::collection::vec(any::<bool>(), 25),
        loose in arbitrary_loose_tasks(),
    ) {
        let mut p = p;
        // Some of the plan's tasks as late as possible, so that its finish
        // and the finish its late dates count from can differ.
        for (t, late) in p.tasks.iter_mut().zip(&alap) {
            if *late {
                t.constraint = Constraint::AsLateAsPossible;
            }
        }
        let before = schedule(&p).unwrap();
        let beside = schedule_beside(&Plan { tasks: loose.clone(), links: Vec::new(), ..p.clone() }, before.late_from).unwrap();
        let mut whole = p.clone();
        whole.tasks.extend(loose.iter().cloned());
        let after = schedule(&whole).unwrap();
        prop_assert_eq!(
            whole.fingerprint(),
            p.fingerprint().wrapping_add(Plan { tasks: loose.clone(), links: Vec::new(), ..p.clone() }.items_digest())
        );
        if beside.late_from == before.late_from && beside.finish == before.late_from {
            prop_assert_eq!(after.finish, before.finish);
            prop_assert_eq!(after.late_from, before.late_from);
            let n = p.tasks.len();
            for (i, dates) in beside.tasks.iter().enumerate() {
                prop_assert_eq!(*dates, after.tasks[n + i]);
            }
            for i in 0..n {
                prop_assert_eq!(before.tasks[i], after.tasks[i]);
            }
        }
    }
}

/// A person's days away on their own calendar, against what MPXJ's
/// `MicrosoftScheduler` (16.10) gives for the same plan with a resource
/// calendar: Ana away Tuesday 24th and Wednesday 25th, Ben never. Her
/// three days run Monday, Thursday and Friday; her work that could start
/// Tuesday waits for Thursday, and its late dates count back from there.
#[test]
fn work_on_a_persons_calendar_agrees_with_mpxj() {
    use LinkKind::*;
    let mut p = plan(
        &[3, 3, 1, 2, 1],
        &[(0, 2, FinishToStart, 0), (4, 3, FinishToStart, 0)],
    );
    let mut ana = Calendar::default();
    for d in [24, 25] {
        ana.exceptions
            .insert(NaiveDate::from_ymd_opt(2026, 11, d).unwrap(), Vec::new());
    }
    p.calendars = vec![ana, Calendar::default()];
    for (task, calendar) in [(0, 0), (1, 1), (3, 0), (4, 1)] {
        p.tasks[task].assignments = vec![Assignment {
            calendar,
            minutes: p.tasks[task].duration,
        }];
    }
    let result = schedule(&p).unwrap();
    let at = |d: u32, h: u32| {
        result
            .timeline
            .to_work(day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap(), h))
    };
    // MPXJ's ES, EF, LS, LF; a finish at 17:00 is the same working
    // instant as the next working day's 08:00.
    let mpxj = [
        [at(23, 8), at(27, 17), at(23, 8), at(27, 17)],
        [at(23, 8), at(25, 17), at(26, 8), at(30, 17)],
        [at(30, 8), at(30, 17), at(30, 8), at(30, 17)],
        [at(26, 8), at(27, 17), at(27, 8), at(30, 17)],
        [at(23, 8), at(23, 17), at(26, 8), at(26, 17)],
    ];
    for (i, expected) in mpxj.iter().enumerate() {
        let d = result.tasks[i];
        assert_eq!(
            [d.early_start, d.early_finish, d.late_start, d.late_finish],
            *expected,
            "T{}",
            i + 1
        );
    }
    assert_eq!(result.tasks[0].total_slack, 0);
    assert_eq!(result.tasks[3].total_slack, 480);
}

/// Dates given by hand (Project's manually scheduled tasks) hold against
/// links and the status date; the finish of the plan counts them, and
/// their late dates are the plan's.
#[test]
fn dates_given_by_hand_hold_and_count_in_the_finish() {
    use LinkKind::*;
    let mut p = plan(&[3, 2, 5, 1], &[(0, 3, FinishToStart, 0)]);
    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let end = |m: u32, d: u32| day(date(m, d), 23) + chrono::Duration::minutes(59);
    // 1: due Friday December 4th; 2: Wednesday 25th to Thursday 26th (its
    // five days of estimate do not count); 3: from Tuesday 24th, before
    // its link from 0 allows.
    p.tasks[1].fixed = Some(Fixed {
        start: None,
        finish: Some(end(12, 4)),
    });
    p.tasks[2].fixed = Some(Fixed {
        start: Some(day(date(11, 25), 0)),
        finish: Some(end(11, 26)),
    });
    p.tasks[3].fixed = Some(Fixed {
        start: Some(day(date(11, 24), 0)),
        finish: None,
    });
    p.status_date = Some(day(date(11, 30), 0));
    let result = schedule(&p).unwrap();
    let at = |m: u32, d: u32, h: u32| result.timeline.to_work(day(date(m, d), h));
    let dates = |i: usize| (result.tasks[i].early_start, result.tasks[i].early_finish);
    assert_eq!(
        dates(0),
        (at(11, 30, 8), at(12, 2, 17)),
        "the status date moves it"
    );
    assert_eq!(dates(1), (at(12, 3, 8), at(12, 4, 17)));
    assert_eq!(dates(2), (at(11, 25, 8), at(11, 26, 17)));
    assert_eq!(dates(3), (at(11, 24, 8), at(11, 24, 17)));
    assert_eq!(result.finish, at(12, 4, 17));
    assert_eq!(result.tasks[1].total_slack, 0);
    assert_eq!(
        result.tasks[2].total_slack,
        6 * 480,
        "until the plan's finish"
    );
    assert_eq!(
        result.diagnostics,
        [Diagnostic::ConstraintBreaksLink {
            task: 3,
            predecessor: 0
        }]
    );
}

/// A levelling delay puts a task off after its links and the status date,
/// and its successors follow; a task with a must-start date ignores it.
#[test]
fn a_levelling_delay_follows_links_and_the_status_date() {
    use LinkKind::*;
    let mut p = plan(
        &[2, 1, 1, 1],
        &[(0, 1, FinishToStart, 0), (1, 2, FinishToStart, 0)],
    );
    p.tasks[1].levelling_delay = 480;
    p.tasks[3].levelling_delay = 480;
    p.tasks[3].constraint = Constraint::MustStartOn(monday());
    let result = schedule(&p).unwrap();
    let s = result.start;
    assert_eq!(
        result.tasks[1].early_start,
        s + 3 * 480,
        "two days, then one of delay"
    );
    assert_eq!(result.tasks[2].early_start, s + 4 * 480);
    assert_eq!(result.tasks[3].early_start, s);
    // From a status date a day into the plan, the delay counts from it.
    p.links.clear();
    p.status_date = Some(day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), 8));
    let result = schedule(&p).unwrap();
    assert_eq!(result.tasks[1].early_start, s + 2 * 480);
}
