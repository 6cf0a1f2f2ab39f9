//! One scheduling pass over a prepared plan: the forward pass for early
//! dates, the backward pass for late dates, total and free slack, and the
//! roll-up to summaries. Not the preparation (see `prepare`).

use chrono::NaiveDateTime;

use super::{Constraint, Diagnostic, Edge, LinkKind, Prepared, Source, TaskDates, TaskSpec};

/// One pass of the scheduler over prepared data.
pub(crate) struct Run {
    pub tasks: Vec<TaskDates>,
    pub start: i64,
    pub finish: i64,
    /// The finish the backward pass counted back from (before a second
    /// round for tasks as late as possible moved their successors).
    pub late_from: i64,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Prepared<'a> {
    /// Schedules the plan with these durations (working minutes, one per
    /// task, in the plan's order).
    pub(crate) fn run(&self, durations: &[i64]) -> Run {
        self.run_beside(durations, i64::MIN)
    }

    /// [`Prepared::run`] for tasks that sit beside others, unlinked, in a
    /// plan whose finish is at least `finish_floor`: their late dates count
    /// back from that finish, as they would in the whole plan.
    pub(crate) fn run_beside(&self, durations: &[i64], finish_floor: i64) -> Run {
        let plan = self.plan;
        let n = plan.tasks.len();
        let timeline = &self.timeline;
        let people = &self.people;
        let project_start = self.project_start;
        let status = self.status;
        let summary = &self.summary;
        let outline = &self.outline;
        let leaves_of = |t: usize| outline.leaves(t);
        let edges = &self.edges;
        let incoming = &self.incoming;
        let outgoing = &self.outgoing;
        let order: &[usize] = &self.order;
        let constraints = &self.constraints;
        let work = |instant: NaiveDateTime| timeline.to_work(instant);
        let duration = |t: usize| durations[t].max(0);
        // The finish on the plan's calendar of `percent` of the work
        // starting at `start` there.
        let assigned_finish = |task: &TaskSpec, start: i64, percent: i64| -> Option<i64> {
            task.assignments
                .iter()
                .filter_map(|a| {
                    let person = people.get(a.calendar)?;
                    let begin = person.to_work(timeline.start_instant(start));
                    let minutes = a.minutes.max(0) * percent / 100;
                    Some(timeline.to_work(person.finish_instant(begin + minutes)))
                })
                .max()
        };
        // The first working minute on the plan's calendar, at or after
        // `start`, at which one of the task's people works.
        let assigned_start = |task: &TaskSpec, start: i64| -> Option<i64> {
            task.assignments
                .iter()
                .filter_map(|a| {
                    let person = people.get(a.calendar)?;
                    let begin = person.to_work(timeline.start_instant(start));
                    Some(timeline.to_work(person.start_instant(begin)))
                })
                .min()
        };
        let shift = |base: i64, edge: &Edge, from_finish: bool, sign: i64| -> i64 {
            if edge.elapsed {
                timeline.add_elapsed(base, sign * edge.lag, from_finish)
            } else {
                base + sign * edge.lag
            }
        };
        // Forward pass.
        let mut es = vec![0i64; n];
        let mut ef = vec![0i64; n];
        let mut lands_at_finish = vec![false; n];
        let mut diagnostics = Vec::new();
        // A summary's earliest leaf start, computed once per pass.
        let mut summary_start = vec![i64::MIN; n];
        let earliest_of = |s: usize, es: &[i64], cache: &mut [i64]| -> i64 {
            if cache[s] == i64::MIN {
                cache[s] = leaves_of(s).iter().map(|&l| es[l]).min().unwrap_or(0);
            }
            cache[s]
        };
        let leaves: Vec<usize> = (0..n).filter(|&t| !summary[t]).collect();
        let mut ls = vec![0i64; n];
        let mut lf = vec![0i64; n];
        let mut finish = project_start;
        let mut late_from = project_start;
        // Where an ALAP task is actually scheduled: its late dates. Its
        // successors follow that position in a second round, while its own
        // early dates stay those of a forward pass (as in Project).
        let mut scheduled: Vec<Option<(i64, i64)>> = vec![None; n];
        let any_alap = leaves.iter().any(|&t| {
            plan.tasks[t].constraint == Constraint::AsLateAsPossible
                && plan.tasks[t].actual_start.is_none()
        });
        // Only what follows an ALAP task can move in the second round, and late
        // dates cannot: the second round revisits a task only when a
        // predecessor's dates moved.
        let mut dirty = vec![false; n];
        let mut broken_link: Vec<Option<usize>> = vec![None; n];
        for round in 0..(1 + usize::from(any_alap)) {
            summary_start.fill(i64::MIN);
            if round == 1 {
                for &t in &leaves {
                    if scheduled[t].is_some() {
                        for &e in outgoing.get(t) {
                            dirty[edges[e].to] = true;
                        }
                    }
                }
            }
            for &t in order {
                if round == 1 && !dirty[t] {
                    continue;
                }
                let before = (es[t], ef[t]);
                let task = &plan.tasks[t];
                let d = duration(t);
                let mut start = project_start;
                let mut by_links = i64::MIN;
                let mut binding_link = None;
                for &e in incoming.get(t) {
                    let edge = edges[e];
                    let (pred_start, pred_finish) = match edge.from {
                        Source::Leaf(p) => scheduled[p].unwrap_or((es[p], ef[p])),
                        Source::EarliestLeafOf(s) => (earliest_of(s, &es, &mut summary_start), 0),
                    };
                    let required_start = match edge.kind {
                        LinkKind::FinishToStart => shift(pred_finish, &edge, true, 1),
                        LinkKind::StartToStart => shift(pred_start, &edge, false, 1),
                        LinkKind::FinishToFinish => shift(pred_finish, &edge, true, 1) - d,
                        LinkKind::StartToFinish => shift(pred_start, &edge, false, 1) - d,
                    };
                    // On a tie, a link held at the project start binds
                    // rather than a start-to-finish one, which is not:
                    // which one came first must not decide whether the
                    // task may start before the project.
                    let holds = binding_link.is_some_and(|b: Edge| {
                        b.kind == LinkKind::StartToFinish && edge.kind != LinkKind::StartToFinish
                    });
                    if required_start > by_links || (required_start == by_links && holds) {
                        by_links = required_start;
                        binding_link = Some(edge);
                    }
                }
                if by_links > start {
                    lands_at_finish[t] = binding_link.is_some_and(|e| {
                        matches!(e.kind, LinkKind::FinishToStart | LinkKind::FinishToFinish)
                    });
                }
                // A start-to-finish successor may start before the project
                // does, as Microsoft Project's scheduler in MPXJ has it; a
                // finish-to-finish one is held at the project start.
                start = match binding_link {
                    Some(edge) if edge.kind == LinkKind::StartToFinish => by_links,
                    _ => start.max(by_links),
                };
                let c = &constraints[t];
                start = match c.kind {
                    Constraint::AsSoonAsPossible | Constraint::AsLateAsPossible => start,
                    Constraint::StartNoEarlierThan(_) => start.max(c.at),
                    Constraint::FinishNoEarlierThan(_) => start.max(c.at - d),
                    Constraint::StartNoLaterThan(_) => start.min(c.at),
                    Constraint::FinishNoLaterThan(_) => start.min(c.at - d),
                    Constraint::MustStartOn(_) => c.at,
                    Constraint::MustFinishOn(_) => c.at - d,
                };
                // Dates given by hand hold against links, constraint and
                // status date, as in Project; actual dates hold over them.
                let fixed_start = c.fixed.and_then(|f| match f {
                    (Some(start), _) => Some(start),
                    (None, Some(finish)) => Some(finish - d),
                    (None, None) => None,
                });
                if let Some(actual) = c.actual_start {
                    start = actual;
                } else if let Some(fixed) = fixed_start {
                    start = fixed;
                } else if let Some(status) = status
                    && c.actual_finish.is_none()
                    && !matches!(
                        c.kind,
                        Constraint::MustStartOn(_) | Constraint::MustFinishOn(_)
                    )
                {
                    // Work not started cannot start in the past.
                    start = start.max(status);
                }
                if c.actual_start.is_none()
                    && fixed_start.is_none()
                    && !matches!(
                        c.kind,
                        Constraint::MustStartOn(_) | Constraint::MustFinishOn(_)
                    )
                {
                    // Levelling's delay, after everything else that holds
                    // the task back (Project's levelling delay).
                    start += c.delay;
                }
                if c.assigned && c.actual_start.is_none() && fixed_start.is_none() {
                    // Work begins when the first of its people is at work,
                    // not on a day they are all away.
                    if let Some(begin) = assigned_start(task, start) {
                        start = start.max(begin);
                    }
                }
                broken_link[t] = match binding_link {
                    Some(edge) if start < by_links => Some(match edge.from {
                        Source::Leaf(p) => p,
                        Source::EarliestLeafOf(s) => s,
                    }),
                    _ => None,
                };
                es[t] = start;
                let fixed_finish = c.fixed.and_then(|f| f.1);
                ef[t] = match (c.actual_finish, fixed_finish) {
                    (Some(actual), _) => actual.max(start),
                    (None, Some(finish)) => finish.max(start),
                    (None, None) => {
                        let left = 100 - i64::from(task.percent_complete.min(100));
                        let finish = |from: i64, percent: i64| match c.assigned {
                            true => assigned_finish(task, from, percent)
                                .unwrap_or(from + d * percent / 100),
                            false => from + d * percent / 100,
                        };
                        match (status, c.actual_start) {
                            // What is left of started work runs from the
                            // status date when it is behind.
                            (Some(status), Some(_)) => finish(start, 100).max(finish(status, left)),
                            _ => finish(start, 100),
                        }
                    }
                };
                if round == 1 && (es[t], ef[t]) != before {
                    for &e in outgoing.get(t) {
                        dirty[edges[e].to] = true;
                    }
                }
            }
            finish = leaves
                .iter()
                .map(|&t| ef[t])
                .max()
                .unwrap_or(project_start)
                .max(project_start)
                .max(finish_floor);
            if round == 1 {
                break;
            }
            late_from = finish;

            // Backward pass.
            for &t in order.iter().rev() {
                // An assigned task's span on the plan's calendar is what it took
                // in the forward pass, as is one with dates of its own.
                let d = if constraints[t].assigned || constraints[t].fixed.is_some() {
                    ef[t] - es[t]
                } else {
                    duration(t)
                };
                let mut late_finish = finish;
                for &e in outgoing.get(t) {
                    let edge = edges[e];
                    if let Source::EarliestLeafOf(s) = edge.from {
                        // Only the leaf the summary starts with is bound.
                        if es[t] != earliest_of(s, &es, &mut summary_start) {
                            continue;
                        }
                    }
                    let s = edge.to;
                    let bound = match edge.kind {
                        LinkKind::FinishToStart => shift(ls[s], &edge, false, -1),
                        LinkKind::StartToStart => shift(ls[s], &edge, false, -1) + d,
                        LinkKind::FinishToFinish => shift(lf[s], &edge, true, -1),
                        LinkKind::StartToFinish => shift(lf[s], &edge, true, -1) + d,
                    };
                    late_finish = late_finish.min(bound);
                }
                let c = &constraints[t];
                late_finish = match c.kind {
                    Constraint::StartNoLaterThan(_) => late_finish.min(c.at + d),
                    Constraint::FinishNoLaterThan(_) => late_finish.min(c.at),
                    Constraint::MustStartOn(_) => c.at + d,
                    Constraint::MustFinishOn(_) => c.at,
                    _ => late_finish,
                };
                if let Some(deadline) = c.deadline {
                    late_finish = late_finish.min(deadline);
                }
                lf[t] = late_finish;
                ls[t] = late_finish - d;
            }
            if round == 0 && any_alap {
                for &t in &leaves {
                    if plan.tasks[t].constraint == Constraint::AsLateAsPossible
                        && plan.tasks[t].actual_start.is_none()
                    {
                        // At its late start even when that is before its early
                        // start (negative slack), as MPXJ does.
                        let start = ls[t];
                        scheduled[t] = Some((start, start + (ef[t] - es[t])));
                    }
                }
            }
        }

        for &t in order {
            if let Some(predecessor) = broken_link[t] {
                diagnostics.push(Diagnostic::ConstraintBreaksLink {
                    task: t,
                    predecessor,
                });
            }
        }
        let horizon = self.timeline.end();
        for &t in &leaves {
            let end = scheduled[t].map_or(ef[t], |(_, end)| end);
            if end >= horizon {
                diagnostics.push(Diagnostic::BeyondHorizon { task: t });
            }
        }
        for &t in &leaves {
            if let Some(deadline) = plan.tasks[t].deadline {
                let end = scheduled[t].map_or(ef[t], |(_, end)| end);
                if end > work(deadline) {
                    diagnostics.push(Diagnostic::DeadlineMissed { task: t });
                }
            }
        }

        // Slack.
        let mut dates = vec![TaskDates::default(); n];
        for &t in &leaves {
            // An ALAP task's slack is measured from where it is scheduled.
            let (start, end) = scheduled[t].unwrap_or((es[t], ef[t]));
            let total = (ls[t] - start).min(lf[t] - end);
            let mut free = i64::MAX;
            for &e in outgoing.get(t) {
                let edge = edges[e];
                let s = edge.to;
                let gap = match edge.kind {
                    LinkKind::FinishToStart => es[s] - shift(ef[t], &edge, true, 1),
                    LinkKind::StartToStart => es[s] - shift(es[t], &edge, false, 1),
                    LinkKind::FinishToFinish => ef[s] - shift(ef[t], &edge, true, 1),
                    LinkKind::StartToFinish => ef[s] - shift(es[t], &edge, false, 1),
                };
                free = free.min(gap);
            }
            let free = if free == i64::MAX {
                total
            } else {
                free.max(0).min(total.max(0))
            };
            let finished = plan.tasks[t].actual_finish.is_some();
            dates[t] = TaskDates {
                early_start: es[t],
                early_finish: ef[t],
                late_start: ls[t],
                late_finish: lf[t],
                total_slack: total,
                free_slack: free,
                critical: total <= 0 && !finished,
                summary: false,
                milestone: plan.tasks[t].milestone || duration(t) == 0,
                lands_at_finish: lands_at_finish[t],
            };
        }
        // Summaries roll up from their leaves.
        for t in (0..n).filter(|&t| summary[t]) {
            let under = leaves_of(t);
            let pick = |f: &dyn Fn(&TaskDates) -> i64, min: bool| {
                let values = under.iter().map(|&l| f(&dates[l]));
                if min {
                    values.min().unwrap_or(0)
                } else {
                    values.max().unwrap_or(0)
                }
            };
            let (s, f, late_s, late_f) = (
                pick(&|d| d.early_start, true),
                pick(&|d| d.early_finish, false),
                pick(&|d| d.late_start, true),
                pick(&|d| d.late_finish, false),
            );
            let total = (late_s - s).min(late_f - f);
            dates[t] = TaskDates {
                early_start: s,
                early_finish: f,
                late_start: late_s,
                late_finish: late_f,
                total_slack: total,
                free_slack: total.max(0),
                critical: under.iter().any(|&l| dates[l].critical),
                summary: true,
                milestone: false,
                lands_at_finish: false,
            };
        }
        Run {
            tasks: dates,
            start: project_start,
            finish,
            late_from,
            diagnostics,
        }
    }
}
