//! Rules of the dependency graph: a new link must not close a cycle.

use std::collections::{HashMap, VecDeque};

use crate::model::Id;

/// If adding `predecessor → successor` to `links` (pairs of predecessor,
/// successor) would close a cycle, returns the tasks on that cycle in link
/// order, starting and ending with `predecessor`.
///
/// Breadth-first from the successor, so the cycle reported is a shortest one.
pub fn cycle_through(links: &[(Id, Id)], predecessor: Id, successor: Id) -> Option<Vec<Id>> {
    if predecessor == successor {
        return Some(vec![predecessor, predecessor]);
    }
    let mut next: HashMap<Id, Vec<Id>> = HashMap::new();
    for &(from, to) in links {
        next.entry(from).or_default().push(to);
    }
    let mut came_from: HashMap<Id, Id> = HashMap::new();
    let mut queue = VecDeque::from([successor]);
    while let Some(task) = queue.pop_front() {
        if task == predecessor {
            let mut path = vec![predecessor];
            let mut at = predecessor;
            while at != successor {
                at = came_from[&at];
                path.push(at);
            }
            // [pred, …, successor, pred] read backwards is the cycle in link
            // order: pred → successor → … → pred.
            path.push(predecessor);
            path.reverse();
            return Some(path);
        }
        for &to in next.get(&task).map(Vec::as_slice).unwrap_or(&[]) {
            if to != successor && !came_from.contains_key(&to) {
                came_from.insert(to, task);
                queue.push_back(to);
            }
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn no_cycle_in_a_chain() {
        assert_eq!(cycle_through(&[(1, 2), (2, 3)], 3, 4), None);
        assert_eq!(cycle_through(&[(1, 2), (2, 3)], 1, 3), None);
    }

    #[test]
    fn closing_a_chain_names_every_task_in_order() {
        let cycle = cycle_through(&[(1, 2), (2, 3), (3, 4)], 4, 1).unwrap();
        assert_eq!(cycle, [4, 1, 2, 3, 4]);
    }

    #[test]
    fn shortest_cycle_is_reported() {
        let links = [(1, 2), (2, 3), (3, 4), (4, 5), (2, 5)];
        assert_eq!(cycle_through(&links, 5, 1).unwrap(), [5, 1, 2, 5]);
    }

    #[test]
    fn self_link_is_a_cycle() {
        assert_eq!(cycle_through(&[], 7, 7).unwrap(), [7, 7]);
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
                match cycle_through(&links, a, b) {
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
}
