//! The critical path method over working time, with Microsoft Project's
//! semantics (see the scheduling guide): a forward pass for early dates, a
//! backward pass for late dates, then total and free slack and the critical
//! path. Links to or from summary tasks apply to their leaves.
//!
//! Choices where sources differ, each tested:
//! - Nothing starts before the project start, whatever the link type (MPXJ
//!   applies this to FF successors but not SF; old Microsoft documentation
//!   says both, and so do we).
//! - Constraint dates are honoured over links (Project's default): a
//!   no-later-than or must-on constraint may pull a task before what its
//!   links allow; the broken link is reported as a diagnostic.
//! - An ALAP task takes its late dates after the backward pass; its
//!   successors are not moved again.

use chrono::{NaiveDate, NaiveDateTime};

use crate::calendar::{Calendar, Timeline};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Constraint {
    AsSoonAsPossible,
    AsLateAsPossible,
    StartNoEarlierThan(NaiveDateTime),
    StartNoLaterThan(NaiveDateTime),
    FinishNoEarlierThan(NaiveDateTime),
    FinishNoLaterThan(NaiveDateTime),
    MustStartOn(NaiveDateTime),
    MustFinishOn(NaiveDateTime),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    FinishToStart,
    StartToStart,
    FinishToFinish,
    StartToFinish,
}

/// A link's lag (negative for a lead).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lag {
    /// Working minutes on the calendar.
    Work(i64),
    /// Elapsed minutes, 24 × 7.
    Elapsed(i64),
    /// A percentage of the predecessor's duration.
    Percent(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    /// The caller's identifier, reported back in errors.
    pub uid: i64,
    pub name: String,
    /// Index of the summary task this one sits under.
    pub parent: Option<usize>,
    /// Working minutes (ignored for summaries, which roll up).
    pub duration: i64,
    pub milestone: bool,
    pub constraint: Constraint,
    pub deadline: Option<NaiveDateTime>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_finish: Option<NaiveDateTime>,
    /// Work done, 0 to 100; with a status date, what is left of a started
    /// task is scheduled after it.
    pub percent_complete: u8,
    /// People working on the task on their own calendars. When present,
    /// the task finishes when the last of them does, as in Project; when
    /// absent, it lasts `duration` on the plan's calendar.
    pub assignments: Vec<Assignment>,
}

/// Work on a task by someone with a calendar of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Index into [`Plan::calendars`].
    pub calendar: usize,
    /// Working minutes on that calendar (work divided by units).
    pub minutes: i64,
}

impl TaskSpec {
    pub fn new(uid: i64, name: impl Into<String>, duration: i64) -> Self {
        TaskSpec {
            uid,
            name: name.into(),
            parent: None,
            duration,
            milestone: duration == 0,
            constraint: Constraint::AsSoonAsPossible,
            deadline: None,
            actual_start: None,
            actual_finish: None,
            percent_complete: 0,
            assignments: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    pub predecessor: usize,
    pub successor: usize,
    pub kind: LinkKind,
    pub lag: Lag,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub calendar: Calendar,
    /// Further calendars (people's), referred to by assignments.
    pub calendars: Vec<Calendar>,
    pub start: NaiveDateTime,
    /// When progress was last reported. Work not yet done cannot happen
    /// before it: a task not started starts no earlier, and what remains
    /// of a started one is scheduled after it (Project's "reschedule
    /// uncompleted work to start after the status date"). None: as planned.
    pub status_date: Option<NaiveDateTime>,
    pub tasks: Vec<TaskSpec>,
    pub links: Vec<LinkSpec>,
}

impl Plan {
    /// A digest of everything that decides the schedule: the same plan
    /// always gives the same value (within one build), a changed task,
    /// link, constraint or calendar almost surely another. Callers that
    /// store a schedule keep it beside the result to know when it is stale.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        fn calendar(c: &Calendar, h: &mut DefaultHasher) {
            for day in &c.week {
                day.len().hash(h);
                for p in day {
                    (p.start, p.end).hash(h);
                }
            }
            for (date, periods) in &c.exceptions {
                date.hash(h);
                for p in periods {
                    (p.start, p.end).hash(h);
                }
                periods.len().hash(h);
            }
            c.minutes_per_day.hash(h);
        }
        // SipHash with fixed keys: deterministic across runs and nodes.
        let mut h = DefaultHasher::new();
        calendar(&self.calendar, &mut h);
        self.calendars.len().hash(&mut h);
        for c in &self.calendars {
            calendar(c, &mut h);
        }
        (self.start, self.status_date).hash(&mut h);
        self.tasks.len().hash(&mut h);
        for t in &self.tasks {
            (t.uid, &t.name, t.parent, t.duration, t.milestone).hash(&mut h);
            std::mem::discriminant(&t.constraint).hash(&mut h);
            match t.constraint {
                Constraint::AsSoonAsPossible | Constraint::AsLateAsPossible => {}
                Constraint::StartNoEarlierThan(d)
                | Constraint::StartNoLaterThan(d)
                | Constraint::FinishNoEarlierThan(d)
                | Constraint::FinishNoLaterThan(d)
                | Constraint::MustStartOn(d)
                | Constraint::MustFinishOn(d) => d.hash(&mut h),
            }
            (
                t.deadline,
                t.actual_start,
                t.actual_finish,
                t.percent_complete,
            )
                .hash(&mut h);
            for a in &t.assignments {
                (a.calendar, a.minutes).hash(&mut h);
            }
            t.assignments.len().hash(&mut h);
        }
        self.links.len().hash(&mut h);
        for l in &self.links {
            (l.predecessor, l.successor, l.kind).hash(&mut h);
            match l.lag {
                Lag::Work(m) => (0u8, m).hash(&mut h),
                Lag::Elapsed(m) => (1u8, m).hash(&mut h),
                Lag::Percent(p) => (2u8, p.to_bits()).hash(&mut h),
            }
        }
        h.finish()
    }
}

/// Dates are working-minute indices on the plan's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskDates {
    pub early_start: i64,
    pub early_finish: i64,
    pub late_start: i64,
    pub late_finish: i64,
    pub total_slack: i64,
    pub free_slack: i64,
    pub critical: bool,
    pub summary: bool,
    pub milestone: bool,
    /// A milestone placed by a predecessor's finish is shown at that
    /// finish (Friday 17:00); otherwise at the start it opens (Monday 08:00).
    pub lands_at_finish: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnostic {
    /// A constraint moved a task earlier than a link of it allows.
    ConstraintBreaksLink { task: usize, predecessor: usize },
    /// A task's dates run past the end of the working timeline the plan is
    /// laid on (sixty years after its start), where instants stop moving:
    /// its dates are not to be believed.
    BeyondHorizon { task: usize },
    /// A task finishes after its deadline.
    DeadlineMissed { task: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The links close a cycle through these tasks (uids, in link order,
    /// first repeated at the end).
    #[error("the links form a cycle: {0:?}")]
    Cycle(Vec<i64>),
    #[error("task {0}'s parent is not a task of the plan")]
    BadParent(i64),
    #[error("link {0} names a task that is not in the plan")]
    BadLink(usize),
}

pub struct Schedule {
    pub timeline: Timeline,
    pub tasks: Vec<TaskDates>,
    /// The project's start and finish, working indices.
    pub start: i64,
    pub finish: i64,
    pub diagnostics: Vec<Diagnostic>,
}

impl Schedule {
    /// The instants of a task's dates, as Project shows them: a start at the
    /// beginning of the period it opens, a finish at the end of the period
    /// it closes, and a milestone where it lands.
    pub fn instants(&self, task: usize) -> [NaiveDateTime; 4] {
        let d = &self.tasks[task];
        let t = &self.timeline;
        if d.milestone {
            let lands = |w| {
                if d.lands_at_finish {
                    t.finish_instant(w)
                } else {
                    t.start_instant(w)
                }
            };
            [
                lands(d.early_start),
                lands(d.early_finish),
                lands(d.late_start),
                lands(d.late_finish),
            ]
        } else {
            [
                t.start_instant(d.early_start),
                t.finish_instant(d.early_finish),
                t.start_instant(d.late_start),
                t.finish_instant(d.late_finish),
            ]
        }
    }

    pub fn critical_path(&self) -> Vec<usize> {
        let mut path: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| self.tasks[i].critical && !self.tasks[i].summary)
            .collect();
        path.sort_by_key(|&i| (self.tasks[i].early_start, self.tasks[i].early_finish, i));
        path
    }
}

/// Where an edge's predecessor date comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    Leaf(usize),
    /// The earliest-starting leaf under a summary (SS and SF links from it).
    EarliestLeafOf(usize),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub(crate) from: Source,
    pub(crate) to: usize,
    pub(crate) kind: LinkKind,
    /// Working minutes, or elapsed minutes when `elapsed`; a percentage
    /// lag is resolved to working minutes when the edge is built.
    pub(crate) lag: i64,
    pub(crate) elapsed: bool,
}

impl Edge {
    fn lag_of(lag: Lag, predecessor_duration: i64) -> (i64, bool) {
        match lag {
            Lag::Work(m) => (m, false),
            Lag::Percent(p) => (
                ((p / 100.0) * predecessor_duration as f64).round() as i64,
                false,
            ),
            Lag::Elapsed(m) => (m, true),
        }
    }
}

const TIMELINE_YEARS_BEFORE: u64 = 5;
const TIMELINE_YEARS_AFTER: usize = 60;

pub fn schedule(plan: &Plan) -> Result<Schedule, ScheduleError> {
    let prepared = Prepared::new(plan)?;
    let run = prepared.run(&prepared.durations);
    Ok(Schedule {
        timeline: prepared.timeline,
        tasks: run.tasks,
        start: run.start,
        finish: run.finish,
        diagnostics: run.diagnostics,
    })
}

/// One pass of the scheduler over prepared data.
pub(crate) struct Run {
    pub tasks: Vec<TaskDates>,
    pub start: i64,
    pub finish: i64,
    pub diagnostics: Vec<Diagnostic>,
}

/// A plan made ready to schedule many times with different durations (for
/// the forecast): its timeline, its links expanded to leaves, and its
/// topological order, built once.
pub struct Prepared<'a> {
    pub(crate) plan: &'a Plan,
    pub(crate) timeline: Timeline,
    pub(crate) people: Vec<Timeline>,
    pub(crate) project_start: i64,
    /// The status date, working minutes.
    pub(crate) status: Option<i64>,
    pub(crate) summary: Vec<bool>,
    pub(crate) outline: Outline,
    pub(crate) edges: Vec<Edge>,
    pub(crate) incoming: Adjacency,
    pub(crate) outgoing: Adjacency,
    pub(crate) order: Vec<usize>,
    /// The plan's own durations, working minutes.
    pub(crate) durations: Vec<i64>,
    pub(crate) constraints: Vec<WorkConstraint>,
}

impl<'a> Prepared<'a> {
    /// The plan's working-time timeline, for turning results into instants.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Whether task `t` has subtasks (and so rolls up rather than runs).
    pub fn is_summary(&self, t: usize) -> bool {
        self.summary[t]
    }

    pub fn new(plan: &'a Plan) -> Result<Prepared<'a>, ScheduleError> {
        let n = plan.tasks.len();
        let first_day = plan.start.date() - chrono::Days::new(366 * TIMELINE_YEARS_BEFORE);
        let timeline_days = 366 * (TIMELINE_YEARS_AFTER + TIMELINE_YEARS_BEFORE as usize);
        let timeline = Timeline::new(&plan.calendar, first_day, timeline_days);
        let project_start = timeline.to_work(plan.start);
        let people: Vec<Timeline> = plan
            .calendars
            .iter()
            .map(|c| Timeline::new(c, first_day, timeline_days))
            .collect();

        // The outline: a task with children is a summary.
        let mut summary = vec![false; n];
        for (i, task) in plan.tasks.iter().enumerate() {
            if let Some(parent) = task.parent {
                if parent >= n || parent == i {
                    return Err(ScheduleError::BadParent(task.uid));
                }
                summary[parent] = true;
            }
        }
        let outline = Outline::new(plan, &summary);
        let leaves_of = |t: usize| outline.leaves(t);

        // Links expanded to the leaves they bind.
        let mut edges: Vec<Edge> = Vec::with_capacity(plan.links.len());
        for (index, link) in plan.links.iter().enumerate() {
            if link.predecessor >= n || link.successor >= n {
                return Err(ScheduleError::BadLink(index));
            }
            let successors = leaves_of(link.successor);
            let predecessors = leaves_of(link.predecessor);
            let pred_is_summary = summary[link.predecessor];
            let lag_base = if pred_is_summary {
                0
            } else {
                plan.tasks[link.predecessor].duration
            };
            let (lag, elapsed) = Edge::lag_of(link.lag, lag_base);
            for &to in successors {
                let from_start =
                    matches!(link.kind, LinkKind::StartToStart | LinkKind::StartToFinish);
                if pred_is_summary && from_start {
                    edges.push(Edge {
                        from: Source::EarliestLeafOf(link.predecessor),
                        to,
                        kind: link.kind,
                        lag,
                        elapsed,
                    });
                } else {
                    for &from in predecessors {
                        edges.push(Edge {
                            from: Source::Leaf(from),
                            to,
                            kind: link.kind,
                            lag,
                            elapsed,
                        });
                    }
                }
            }
        }

        let incoming = Adjacency::new(n, edges.iter().enumerate().map(|(e, edge)| (edge.to, e)));
        let outgoing = Adjacency::new(
            n,
            edges.iter().enumerate().flat_map(|(e, edge)| {
                let from: &[usize] = match edge.from {
                    Source::Leaf(from) => std::slice::from_ref(&outline.ids[from]),
                    Source::EarliestLeafOf(s) => leaves_of(s),
                };
                from.iter().map(move |&l| (l, e))
            }),
        );

        // The outgoing lists hold every ordering constraint between leaves.
        let order = topological_order(&summary, &outgoing, &edges).map_err(|cycle| {
            ScheduleError::Cycle(cycle.into_iter().map(|i| plan.tasks[i].uid).collect())
        })?;

        let work = |instant: NaiveDateTime| timeline.to_work(instant);
        // What the passes read of each task, compact and converted to working
        // time once: the passes visit tasks in topological order, all over
        // memory, and the full task records would not stay in cache.
        let durations: Vec<i64> = plan.tasks.iter().map(|t| t.duration.max(0)).collect();
        let constraints: Vec<WorkConstraint> = plan
            .tasks
            .iter()
            .map(|t| WorkConstraint::of(t, &work))
            .collect();

        let status = plan.status_date.map(&work);
        Ok(Prepared {
            plan,
            timeline,
            people,
            project_start,
            status,
            summary,
            outline,
            edges,
            incoming,
            outgoing,
            order,
            durations,
            constraints,
        })
    }

    /// Schedules the plan with these durations (working minutes, one per
    /// task, in the plan's order).
    pub(crate) fn run(&self, durations: &[i64]) -> Run {
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
        // The finish on the plan's calendar of work starting at `start` there.
        let assigned_finish = |task: &TaskSpec, start: i64| -> Option<i64> {
            task.assignments
                .iter()
                .filter_map(|a| {
                    let person = people.get(a.calendar)?;
                    let begin = person.to_work(timeline.start_instant(start));
                    Some(timeline.to_work(person.finish_instant(begin + a.minutes.max(0))))
                })
                .max()
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
                    if required_start > by_links {
                        by_links = required_start;
                        binding_link = Some(edge);
                    }
                }
                if by_links > start {
                    lands_at_finish[t] = binding_link.is_some_and(|e| {
                        matches!(e.kind, LinkKind::FinishToStart | LinkKind::FinishToFinish)
                    });
                }
                start = start.max(by_links);
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
                if let Some(actual) = c.actual_start {
                    start = actual;
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
                broken_link[t] = match binding_link {
                    Some(edge) if start < by_links => Some(match edge.from {
                        Source::Leaf(p) => p,
                        Source::EarliestLeafOf(s) => s,
                    }),
                    _ => None,
                };
                es[t] = start;
                ef[t] = match c.actual_finish {
                    Some(actual) => actual.max(start),
                    None if c.assigned => assigned_finish(task, start).unwrap_or(start + d),
                    None => match (status, c.actual_start) {
                        // What is left of started work runs from the
                        // status date when it is behind.
                        (Some(status), Some(_)) => {
                            let left = d * (100 - i64::from(task.percent_complete.min(100))) / 100;
                            (start + d).max(status + left)
                        }
                        _ => start + d,
                    },
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
                .max(project_start);
            if round == 1 {
                break;
            }

            // Backward pass.
            for &t in order.iter().rev() {
                // An assigned task's span on the plan's calendar is what it took
                // in the forward pass.
                let d = if constraints[t].assigned {
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
            diagnostics,
        }
    }
}

/// A task's constraint and fixed dates in working minutes.
pub(crate) struct WorkConstraint {
    pub(crate) kind: Constraint,
    /// The constraint's date, when it has one.
    at: i64,
    deadline: Option<i64>,
    pub(crate) actual_start: Option<i64>,
    pub(crate) actual_finish: Option<i64>,
    pub(crate) assigned: bool,
}

impl WorkConstraint {
    fn of(task: &TaskSpec, work: &impl Fn(NaiveDateTime) -> i64) -> WorkConstraint {
        let at = match task.constraint {
            Constraint::AsSoonAsPossible | Constraint::AsLateAsPossible => 0,
            Constraint::StartNoEarlierThan(at)
            | Constraint::StartNoLaterThan(at)
            | Constraint::FinishNoEarlierThan(at)
            | Constraint::FinishNoLaterThan(at)
            | Constraint::MustStartOn(at)
            | Constraint::MustFinishOn(at) => work(at),
        };
        WorkConstraint {
            kind: task.constraint,
            at,
            deadline: task.deadline.map(work),
            actual_start: task.actual_start.map(work),
            actual_finish: task.actual_finish.map(work),
            assigned: !task.assignments.is_empty(),
        }
    }
}

/// The leaves under each summary, computed once.
pub(crate) struct Outline {
    lists: Vec<Vec<usize>>,
    summary: Vec<bool>,
    /// `ids[t] == t`, so a leaf can lend itself as a one-element slice.
    ids: Vec<usize>,
}

impl Outline {
    fn new(plan: &Plan, summary: &[bool]) -> Outline {
        let n = plan.tasks.len();
        let mut lists = vec![Vec::new(); n];
        for t in (0..n).filter(|&t| !summary[t]) {
            let mut at = plan.tasks[t].parent;
            let mut steps = 0;
            while let Some(p) = at {
                lists[p].push(t);
                steps += 1;
                if steps > n {
                    break; // a cyclic outline
                }
                at = plan.tasks[p].parent;
            }
        }
        Outline {
            lists,
            summary: summary.to_vec(),
            ids: (0..n).collect(),
        }
    }

    pub(crate) fn leaves(&self, t: usize) -> &[usize] {
        if self.summary[t] {
            &self.lists[t]
        } else {
            std::slice::from_ref(&self.ids[t])
        }
    }
}

/// Lists per node in two flat arrays (offsets and items), built from
/// (node, item) pairs: one allocation instead of one per node.
pub(crate) struct Adjacency {
    offsets: Vec<usize>,
    items: Vec<usize>,
}

impl Adjacency {
    fn new(n: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Adjacency {
        let mut offsets = vec![0usize; n + 1];
        for (node, _) in pairs.clone() {
            offsets[node + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut items = vec![0usize; offsets[n]];
        for (node, item) in pairs {
            items[fill[node]] = item;
            fill[node] += 1;
        }
        Adjacency { offsets, items }
    }

    pub(crate) fn get(&self, node: usize) -> &[usize] {
        &self.items[self.offsets[node]..self.offsets[node + 1]]
    }
}

/// Kahn's order over the leaves; on a cycle, the tasks on one cycle.
fn topological_order(
    summary: &[bool],
    next: &Adjacency,
    edges: &[Edge],
) -> Result<Vec<usize>, Vec<usize>> {
    let n = summary.len();
    // The successor of each outgoing entry, in the adjacency's order, so
    // the walk below reads memory in sequence.
    let targets: Vec<u32> = next.items.iter().map(|&e| edges[e].to as u32).collect();
    let successors = |t: usize| &targets[next.offsets[t]..next.offsets[t + 1]];
    let mut indegree = vec![0u32; n];
    for &to in &targets {
        indegree[to as usize] += 1;
    }
    let mut ready: Vec<usize> = (0..n)
        .filter(|&t| !summary[t] && indegree[t] == 0)
        .collect();
    ready.reverse();
    let mut order = Vec::with_capacity(n);
    while let Some(t) = ready.pop() {
        order.push(t);
        for &s in successors(t) {
            let s = s as usize;
            indegree[s] -= 1;
            if indegree[s] == 0 {
                ready.push(s);
            }
        }
    }
    let leaf_count = summary.iter().filter(|s| !**s).count();
    if order.len() == leaf_count {
        return Ok(order);
    }
    // Walk backwards from a blocked task along blocked predecessors until a
    // task repeats: that stretch is a cycle.
    let blocked: Vec<bool> = indegree.iter().map(|&d| d > 0).collect();
    let mut previous: Vec<Option<usize>> = vec![None; n];
    for a in 0..n {
        for &e in next.get(a) {
            let b = edges[e].to;
            if blocked[a] && blocked[b] && previous[b].is_none() {
                previous[b] = Some(a);
            }
        }
    }
    let start = (0..n).find(|&t| blocked[t] && !summary[t]).unwrap_or(0);
    let mut seen = vec![usize::MAX; n];
    let mut walk = Vec::new();
    let mut at = start;
    while seen[at] == usize::MAX {
        seen[at] = walk.len();
        walk.push(at);
        match previous[at] {
            Some(p) => at = p,
            None => break,
        }
    }
    let mut cycle: Vec<usize> = walk[seen[at].min(walk.len())..].to_vec();
    cycle.reverse();
    if let Some(&first) = cycle.first() {
        cycle.push(first);
    }
    Err(cycle)
}

/// Midnight of a date, for building constraint instants in tests and
/// callers that think in dates.
pub fn day(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0)
        .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

#[cfg(test)]
mod tests {
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
    fn nothing_starts_before_the_project_start_whatever_the_link() {
        use LinkKind::*;
        // A 5-day task finishing with a 1-day one (FF), and one that must
        // finish when a 1-day one starts (SF): both would start early.
        let result = schedule(&plan(
            &[1, 5, 1, 5],
            &[(0, 1, FinishToFinish, 0), (2, 3, StartToFinish, 0)],
        ))
        .unwrap();
        assert_eq!(result.tasks[1].early_start, result.start);
        assert_eq!(result.tasks[3].early_start, result.start);
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
            for d in &result.tasks {
                prop_assert!(d.early_start >= result.start);
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
}
