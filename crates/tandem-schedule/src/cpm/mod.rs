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

mod passes;
mod prepare;
#[cfg(test)]
mod tests;

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{NaiveDate, NaiveDateTime};

use crate::calendar::{Calendar, Timeline};

pub use prepare::Prepared;

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
    /// Dates a person gave the task (Microsoft Project's manually
    /// scheduled task); None for a task the plan places.
    pub fixed: Option<Fixed>,
    /// Working minutes levelling put off its start by, after its links,
    /// constraint and the status date (Project's levelling delay); 0 for
    /// none. Not for tasks with fixed dates or an actual start.
    pub levelling_delay: i64,
    /// People working on the task on their own calendars. When present,
    /// the task finishes when the last of them does, as in Project; when
    /// absent, it lasts `duration` on the plan's calendar.
    pub assignments: Vec<Assignment>,
}

/// A task's own dates, kept as given: it starts at `start` (or its
/// duration before `finish`) and finishes at `finish` (or its duration
/// after `start`), whatever its links, constraint and the status date say;
/// actual dates still rule. Its late dates are the plan's, so it has slack
/// when what follows it can wait, and a link it starts before is reported
/// as a constraint's would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fixed {
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
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
            fixed: None,
            levelling_delay: 0,
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
    ///
    /// It is the wrapping sum of [`Plan::context_digest`] and one digest
    /// per task and per link, each naming tasks by uid, not by place: a
    /// caller that adds tasks to a plan can update a stored fingerprint by
    /// adding theirs, without the rest of the plan (see
    /// [`Plan::items_digest`]).
    pub fn fingerprint(&self) -> u64 {
        self.context_digest().wrapping_add(self.items_digest())
    }

    /// The digest of the plan's calendar, start and status date: what
    /// every task is scheduled on. People's calendars are not in it but in
    /// the digests of the tasks assigned to them, by content: a plan of a
    /// few tasks scheduled beside the rest numbers its calendars its own
    /// way, and a task's part must not depend on that.
    pub fn context_digest(&self) -> u64 {
        // SipHash with fixed keys: deterministic across runs and nodes.
        let mut h = DefaultHasher::new();
        hash_calendar(&self.calendar, &mut h);
        (self.start, self.status_date).hash(&mut h);
        h.finish()
    }

    /// The sum of the digests of the plan's tasks and links: the part of
    /// the fingerprint that tasks added to the plan add to.
    pub fn items_digest(&self) -> u64 {
        self.items_digest_with(&self.task_digests())
    }

    /// [`Plan::items_digest`] for a caller that has the tasks' digests
    /// ([`Plan::task_digests`]) already: a schedule stored keeps them too,
    /// and they are most of the cost.
    pub fn items_digest_with(&self, task_digests: &[u64]) -> u64 {
        debug_assert_eq!(task_digests.len(), self.tasks.len());
        let links = (0..self.links.len()).map(|i| self.link_digest(i));
        task_digests
            .iter()
            .copied()
            .chain(links)
            .fold(0u64, u64::wrapping_add)
    }

    /// Each of [`Plan::calendars`]' digest, in order.
    fn calendar_digests(&self) -> Vec<u64> {
        self.calendars
            .iter()
            .map(|c| {
                let mut h = DefaultHasher::new();
                hash_calendar(c, &mut h);
                h.finish()
            })
            .collect()
    }

    /// Task `i`'s part of the fingerprint: what a task leaving the plan
    /// takes out of it.
    pub fn task_digest(&self, i: usize) -> u64 {
        self.task_digest_with(i, &self.calendar_digests())
    }

    /// Every task's [`Plan::task_digest`], in order.
    pub fn task_digests(&self) -> Vec<u64> {
        let calendars = self.calendar_digests();
        (0..self.tasks.len())
            .map(|i| self.task_digest_with(i, &calendars))
            .collect()
    }

    fn task_digest_with(&self, i: usize, calendars: &[u64]) -> u64 {
        let uid = |i: usize| self.tasks.get(i).map(|t| t.uid);
        let t = &self.tasks[i];
        let mut h = DefaultHasher::new();
        0u8.hash(&mut h);
        (t.uid, &t.name, t.parent.map(uid), t.duration, t.milestone).hash(&mut h);
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
            t.fixed,
            t.levelling_delay,
        )
            .hash(&mut h);
        for a in &t.assignments {
            (calendars.get(a.calendar), a.minutes).hash(&mut h);
        }
        t.assignments.len().hash(&mut h);
        h.finish()
    }

    /// Link `i`'s part of the fingerprint.
    fn link_digest(&self, i: usize) -> u64 {
        let uid = |i: usize| self.tasks.get(i).map(|t| t.uid);
        let l = &self.links[i];
        let mut h = DefaultHasher::new();
        1u8.hash(&mut h);
        (uid(l.predecessor), uid(l.successor), l.kind).hash(&mut h);
        match l.lag {
            Lag::Work(m) => (0u8, m).hash(&mut h),
            Lag::Elapsed(m) => (1u8, m).hash(&mut h),
            Lag::Percent(p) => (2u8, p.to_bits()).hash(&mut h),
        }
        h.finish()
    }
}

fn hash_calendar(c: &Calendar, h: &mut DefaultHasher) {
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
    /// The finish the late dates count back from: `finish`, unless tasks
    /// as late as possible pushed their successors past it in a second
    /// round. What [`schedule_beside`] takes to add tasks to this plan.
    pub late_from: i64,
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

pub fn schedule(plan: &Plan) -> Result<Schedule, ScheduleError> {
    schedule_beside(plan, i64::MIN)
}

/// Schedules tasks that are to join a plan already scheduled, whose late
/// dates counted back from `late_from` ([`Schedule::late_from`]), on that
/// plan's calendars, start and status date. For tasks with no parent, no
/// subtasks and no links, the dates are exactly those a schedule of the
/// whole plan with them gives, as long as none of them finishes after
/// `late_from` (the result's `finish` is then `late_from`): nothing links
/// them to the rest, and the rest's finish is what their late dates count
/// back from. Adding a task costs its own scheduling, not the plan's.
pub fn schedule_beside(plan: &Plan, late_from: i64) -> Result<Schedule, ScheduleError> {
    let prepared = Prepared::new(plan)?;
    let run = prepared.run_beside(&prepared.durations, late_from);
    Ok(Schedule {
        timeline: prepared.timeline,
        tasks: run.tasks,
        start: run.start,
        finish: run.finish,
        late_from: run.late_from,
        diagnostics: run.diagnostics,
    })
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
    /// [`Fixed`]'s start and finish.
    pub(crate) fixed: Option<(Option<i64>, Option<i64>)>,
    /// [`TaskSpec::levelling_delay`], never negative.
    pub(crate) delay: i64,
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
            fixed: task
                .fixed
                .map(|f| (f.start.map(work), f.finish.map(work)))
                .filter(|(start, finish)| start.is_some() || finish.is_some()),
            delay: task.levelling_delay.max(0),
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

/// Midnight of a date, for building constraint instants in tests and
/// callers that think in dates.
pub fn day(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0)
        .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}
