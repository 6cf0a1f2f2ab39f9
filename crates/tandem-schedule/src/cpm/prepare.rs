//! Preparing a plan for the passes: the working-time timeline, links
//! expanded to the leaves they bind, adjacency lists and the topological
//! order (or the cycle that prevents one). No dates are computed here; see
//! `passes` for that.

use chrono::NaiveDateTime;

use super::{Adjacency, Edge, LinkKind, Outline, Plan, ScheduleError, Source, WorkConstraint};
use crate::calendar::Timeline;

const TIMELINE_YEARS_BEFORE: u64 = 5;
const TIMELINE_YEARS_AFTER: usize = 60;

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
