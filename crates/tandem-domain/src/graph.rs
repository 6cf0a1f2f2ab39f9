//! Rules of the dependency graph: a new link must not close a cycle; the
//! critical path read as the chains of links it really is.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use crate::model::Id;

/// A point in the order a plan keeps: a task's start or its finish.
///
/// A task finishes after it starts; a link's successor starts after its
/// predecessor finishes; a subtask starts after its summary starts (a link
/// into a summary holds every task under it) and the summary finishes
/// after each of its subtasks (a link out of a summary waits for all of
/// them). That is the scheduler's order, where a link on a summary binds
/// the summary's leaves (`tandem_schedule`), kept at the level of tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Point {
    Start(Id),
    Finish(Id),
}

/// The links (predecessor, successor) and outline (task, its parent) of
/// some tasks, as the order of their starts and finishes.
pub struct Order {
    successors: HashMap<Id, Vec<Id>>,
    children: HashMap<Id, Vec<Id>>,
    parent: HashMap<Id, Id>,
}

impl Order {
    pub fn new(links: &[(Id, Id)], parents: &[(Id, Id)]) -> Self {
        let mut successors: HashMap<Id, Vec<Id>> = HashMap::new();
        for &(from, to) in links {
            successors.entry(from).or_default().push(to);
        }
        let mut children: HashMap<Id, Vec<Id>> = HashMap::new();
        for &(task, parent) in parents {
            children.entry(parent).or_default().push(task);
        }
        Order {
            successors,
            children,
            parent: parents.iter().copied().collect(),
        }
    }

    /// What comes right after `point`.
    fn after(&self, point: Point) -> Vec<Point> {
        fn starts(ids: Option<&Vec<Id>>) -> impl Iterator<Item = Point> + '_ {
            ids.into_iter().flatten().map(|&t| Point::Start(t))
        }
        match point {
            Point::Start(t) => std::iter::once(Point::Finish(t))
                .chain(starts(self.children.get(&t)))
                .collect(),
            Point::Finish(t) => starts(self.successors.get(&t))
                .chain(self.parent.get(&t).map(|&p| Point::Finish(p)))
                .collect(),
        }
    }

    /// A shortest way from `from` to `to` through the order, as the tasks
    /// it passes in order (a task's start and finish named once); none
    /// when `to` does not come after `from`. Breadth-first.
    pub fn path(&self, from: Point, to: Point) -> Option<Vec<Id>> {
        let mut came_from: HashMap<Point, Point> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(point) = queue.pop_front() {
            for next in self.after(point) {
                if next == from || came_from.contains_key(&next) {
                    continue;
                }
                came_from.insert(next, point);
                if next == to {
                    let mut points = vec![to];
                    let mut at = to;
                    while at != from {
                        at = came_from[&at];
                        points.push(at);
                    }
                    let mut ids: Vec<Id> = points.into_iter().rev().map(Point::task).collect();
                    ids.dedup();
                    return Some(ids);
                }
                queue.push_back(next);
            }
        }
        None
    }
}

impl Point {
    pub fn task(self) -> Id {
        match self {
            Point::Start(t) | Point::Finish(t) => t,
        }
    }
}

/// If adding `predecessor → successor` would close a cycle in the order
/// `order` keeps (links and outline), returns the tasks on that cycle in
/// order, starting and ending with `predecessor`: the successor would have
/// to start after the predecessor finishes, which already comes after it.
pub fn cycle_through(order: &Order, predecessor: Id, successor: Id) -> Option<Vec<Id>> {
    if predecessor == successor {
        return Some(vec![predecessor, predecessor]);
    }
    let path = order.path(Point::Start(successor), Point::Finish(predecessor))?;
    Some(std::iter::once(predecessor).chain(path).collect())
}

/// If making `parent` the summary of `task` would close a cycle in the
/// order of `links` and `parents` (`task`'s present parent left out),
/// returns the tasks on it: the task's start would follow the summary's,
/// which already follows it, or the summary's finish would follow the
/// task's, which already follows it.
pub fn cycle_under(
    links: &[(Id, Id)],
    parents: &[(Id, Id)],
    task: Id,
    parent: Id,
) -> Option<Vec<Id>> {
    let others: Vec<(Id, Id)> = parents
        .iter()
        .copied()
        .filter(|&(t, _)| t != task)
        .collect();
    let order = Order::new(links, &others);
    order
        .path(Point::Start(task), Point::Start(parent))
        .map(|path| path.into_iter().chain([task]).collect())
        .or_else(|| {
            order
                .path(Point::Finish(parent), Point::Finish(task))
                .map(|path| path.into_iter().chain([parent]).collect())
        })
}

/// Whether making `parent` the parent of `task` would make a task its own
/// ancestor. `parent_of` gives each task's current parent.
pub fn parent_cycle(parent_of: &HashMap<Id, Id>, task: Id, parent: Id) -> bool {
    let mut at = Some(parent);
    let mut steps = 0usize;
    while let Some(current) = at {
        if current == task {
            return true;
        }
        steps += 1;
        if steps > parent_of.len() + 1 {
            // The stored hierarchy is itself cyclic; refuse rather than loop.
            return true;
        }
        at = parent_of.get(&current).copied();
    }
    false
}

/// The critical tasks (`in_order`, by start) as chains of linked tasks:
/// each chain follows links (predecessor, successor) between critical
/// tasks, so every step of a chain is a link that exists. Critical tasks
/// no link joins stand as chains of their own, and a task with two
/// critical successors continues into the first to start; the other
/// begins a chain. Every critical task is in exactly one chain.
pub fn critical_chains<T: Copy + Eq + Hash>(in_order: &[T], links: &[(T, T)]) -> Vec<Vec<T>> {
    // Tasks by their place in `in_order` from here on: a comparison of a
    // big plan reads the chains of two 10,000-task schedules, where a
    // hash per step was most of the cost. A task named twice keeps its
    // first place; the second is no task of its own.
    let mut position: HashMap<T, usize> = HashMap::with_capacity(in_order.len());
    let mut used = vec![false; in_order.len()];
    for (i, t) in in_order.iter().enumerate() {
        match position.entry(*t) {
            Entry::Occupied(_) => used[i] = true,
            Entry::Vacant(place) => {
                place.insert(i);
            }
        }
    }
    // Each task's critical successors, by start: the links between
    // critical tasks sorted by (predecessor, successor), and where each
    // predecessor's run of them begins.
    let mut steps: Vec<(usize, usize)> = links
        .iter()
        .filter_map(|(before, after)| Some((*position.get(before)?, *position.get(after)?)))
        .collect();
    steps.sort_unstable();
    let mut from = vec![0; in_order.len() + 1];
    for &(before, _) in &steps {
        from[before + 1] += 1;
    }
    for i in 0..in_order.len() {
        from[i + 1] += from[i];
    }
    let mut chains = Vec::new();
    // In start order, the first task not yet in a chain has every
    // critical predecessor placed already: it heads the next chain.
    for head in 0..in_order.len() {
        if std::mem::replace(&mut used[head], true) {
            continue;
        }
        let mut chain = vec![in_order[head]];
        let mut at = head;
        while let Some(&(_, step)) = steps[from[at]..from[at + 1]]
            .iter()
            .find(|&&(_, after)| !used[after])
        {
            used[step] = true;
            chain.push(in_order[step]);
            at = step;
        }
        chains.push(chain);
    }
    chains
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn links_only(links: &[(Id, Id)]) -> Order {
        Order::new(links, &[])
    }

    #[test]
    fn no_cycle_in_a_chain() {
        assert_eq!(cycle_through(&links_only(&[(1, 2), (2, 3)]), 3, 4), None);
        assert_eq!(cycle_through(&links_only(&[(1, 2), (2, 3)]), 1, 3), None);
    }

    #[test]
    fn closing_a_chain_names_every_task_in_order() {
        let cycle = cycle_through(&links_only(&[(1, 2), (2, 3), (3, 4)]), 4, 1).unwrap();
        assert_eq!(cycle, [4, 1, 2, 3, 4]);
    }

    /// Found by a session: a link into a summary holds its subtasks, so a
    /// subtask cannot also come before the link's predecessor; and a link
    /// out of a summary waits for its subtasks, so none of them can come
    /// after the link's successor. Siblings linked under one summary are
    /// no cycle.
    #[test]
    fn links_on_a_summary_bind_its_subtasks() {
        // 10 is a summary of 11 and 12.
        let outline = [(11, 10), (12, 10)];
        let into_summary = Order::new(&[(1, 10)], &outline);
        assert_eq!(
            cycle_through(&into_summary, 11, 1).unwrap(),
            [11, 1, 10, 11]
        );
        let out_of_summary = Order::new(&[(10, 2)], &outline);
        assert_eq!(
            cycle_through(&out_of_summary, 2, 12).unwrap(),
            [2, 12, 10, 2]
        );
        let siblings = Order::new(&[(11, 3)], &outline);
        assert_eq!(cycle_through(&siblings, 3, 12), None);
        assert_eq!(
            cycle_through(&Order::new(&[(11, 12)], &outline), 3, 11),
            None
        );
    }

    #[test]
    fn a_task_moved_under_a_summary_takes_on_its_links() {
        // 1 → 10 and 11 → 1: 11 cannot go under 10, which waits for 1.
        assert_eq!(
            cycle_under(&[(1, 10), (11, 1)], &[], 11, 10).unwrap(),
            [11, 1, 10, 11]
        );
        // 10 → 2 and 2 → 11: 10 would wait for 11, which waits for 10.
        assert!(cycle_under(&[(10, 2), (2, 11)], &[], 11, 10).is_some());
        // Its present summary's links are left behind: 5 → 11 only
        // through 11's old summary 6.
        assert_eq!(cycle_under(&[(6, 10)], &[(11, 6)], 11, 10), None);
        assert_eq!(cycle_under(&[(1, 2)], &[], 11, 10), None);
    }

    #[test]
    fn shortest_cycle_is_reported() {
        let links = [(1, 2), (2, 3), (3, 4), (4, 5), (2, 5)];
        assert_eq!(
            cycle_through(&links_only(&links), 5, 1).unwrap(),
            [5, 1, 2, 5]
        );
    }

    #[test]
    fn self_link_is_a_cycle() {
        assert_eq!(cycle_through(&links_only(&[]), 7, 7).unwrap(), [7, 7]);
    }

    #[test]
    fn parents() {
        let parent_of = HashMap::from([(2, 1), (3, 2)]);
        assert!(parent_cycle(&parent_of, 1, 3));
        assert!(parent_cycle(&parent_of, 1, 1));
        assert!(!parent_cycle(&parent_of, 3, 1));
    }

    proptest! {
        /// Adding links one by one while refusing those `cycle_through`
        /// flags always leaves an acyclic graph, and every reported cycle is
        /// made of links that exist once the new one is added.
        #[test]
        fn refused_links_are_exactly_the_cyclic_ones(pairs in prop::collection::vec((0i64..12, 0i64..12), 0..60)) {
            let mut links: Vec<(Id, Id)> = Vec::new();
            for (a, b) in pairs {
                match cycle_through(&links_only(&links), a, b) {
                    Some(cycle) => {
                        prop_assert_eq!(cycle.first(), Some(&a));
                        prop_assert_eq!(cycle.last(), Some(&a));
                        let mut with_new = links.clone();
                        with_new.push((a, b));
                        for pair in cycle.windows(2) {
                            prop_assert!(with_new.contains(&(pair[0], pair[1])), "{:?} not a link", pair);
                        }
                    }
                    None => links.push((a, b)),
                }
            }
            prop_assert!(is_acyclic(&links));
        }
    }

    proptest! {
        /// With an outline, the links refused are exactly those that would
        /// give the scheduler a cycle: there a link binds the leaves under
        /// each end (every leaf under the predecessor before every leaf
        /// under the successor), and the leaf graph stays acyclic.
        #[test]
        fn refused_links_are_exactly_those_cyclic_among_leaves(
            outline in prop::collection::vec(prop::option::of(0usize..10), 10),
            pairs in prop::collection::vec((0i64..10, 0i64..10), 0..40),
        ) {
            // Task i's parent is an earlier task, so the outline is a forest.
            let parents: Vec<(Id, Id)> = outline
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.filter(|p| *p < i).map(|p| (i as Id, p as Id)))
                .collect();
            let leaves = |t: Id| -> Vec<Id> {
                let mut found = Vec::new();
                let mut stack = vec![t];
                while let Some(at) = stack.pop() {
                    let under: Vec<Id> = parents.iter().filter(|(_, p)| *p == at).map(|(c, _)| *c).collect();
                    if under.is_empty() { found.push(at) } else { stack.extend(under) }
                }
                found
            };
            let expand = |links: &[(Id, Id)]| -> Vec<(Id, Id)> {
                links.iter().flat_map(|&(a, b)| {
                    let to = leaves(b);
                    leaves(a).into_iter().flat_map(move |x| to.clone().into_iter().map(move |y| (x, y)))
                }).collect()
            };
            let mut links: Vec<(Id, Id)> = Vec::new();
            for (a, b) in pairs {
                let mut with_new = links.clone();
                with_new.push((a, b));
                let cyclic = !is_acyclic(&expand(&with_new));
                let refused = cycle_through(&Order::new(&links, &parents), a, b).is_some();
                prop_assert_eq!(refused, cyclic, "link {} → {} after {:?}", a, b, links);
                if !refused {
                    links = with_new;
                }
            }
        }
    }

    fn is_acyclic(links: &[(Id, Id)]) -> bool {
        let mut indegree: HashMap<Id, usize> = HashMap::new();
        for &(a, b) in links {
            indegree.entry(a).or_default();
            *indegree.entry(b).or_default() += 1;
        }
        let mut ready: Vec<Id> = indegree
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(n, _)| *n)
            .collect();
        let mut seen = 0;
        while let Some(n) = ready.pop() {
            seen += 1;
            for &(a, b) in links {
                if a == n {
                    let d = indegree.get_mut(&b).unwrap();
                    *d -= 1;
                    if *d == 0 {
                        ready.push(b);
                    }
                }
            }
        }
        seen == indegree.len()
    }

    #[test]
    fn a_critical_path_reads_as_chains_of_real_links() {
        // 1 → 2 → 4 and 3 → 4, all critical; 5 critical with no link; 6
        // linked to 2 but not critical.
        let order = [1, 3, 2, 5, 4];
        let links = [(1, 2), (2, 4), (3, 4), (2, 6)];
        assert_eq!(
            critical_chains(&order, &links),
            vec![vec![1, 2, 4], vec![3], vec![5]]
        );
        // A branch: 1 leads to both 2 and 3; the first to start continues.
        assert_eq!(
            critical_chains(&[1, 3, 2], &[(1, 2), (1, 3)]),
            vec![vec![1, 3], vec![2]]
        );
        assert!(critical_chains::<i64>(&[], &[]).is_empty());
        // Named twice, a task is in one chain, once.
        assert_eq!(critical_chains(&[1, 2, 1], &[(1, 2)]), vec![vec![1, 2]]);
    }

    proptest! {
        /// Whatever the links, each critical task is in exactly one chain,
        /// each step of a chain is a link, and chains start in start order.
        #[test]
        fn chains_cover_the_critical_tasks_once_along_real_links(
            order in proptest::collection::vec(0i64..40, 0..30),
            links in proptest::collection::vec((0i64..40, 0i64..40), 0..80),
        ) {
            let mut distinct = order.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let chains = critical_chains(&order, &links);
            let mut covered: Vec<i64> = chains.iter().flatten().copied().collect();
            covered.sort_unstable();
            prop_assert_eq!(covered, distinct);
            for chain in &chains {
                for pair in chain.windows(2) {
                    prop_assert!(links.contains(&(pair[0], pair[1])), "{:?} in {:?}", pair, chain);
                }
            }
            let place = |t: i64| order.iter().position(|o| *o == t).unwrap();
            let heads: Vec<usize> = chains.iter().map(|c| place(c[0])).collect();
            prop_assert!(heads.windows(2).all(|w| w[0] < w[1]), "{:?}", heads);
        }
    }
}
