//! Portfolios: named sets of projects and of other portfolios, with an
//! owner, seen as one table with totals.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::*;
use crate::validate::{FieldError, Validation, required_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    pub id: Id,
    pub name: String,
    pub owner: Option<UserRef>,
    /// Its own projects, every one, whoever reads: callers show only
    /// those the reader may open.
    pub project_ids: Vec<Id>,
    /// The portfolios it holds.
    pub child_ids: Vec<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

/// A portfolio as written: its projects by key, its portfolios by id.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioFields {
    pub name: String,
    pub owner: Option<Email>,
    pub projects: Vec<ProjectKey>,
    pub portfolios: Vec<Id>,
}

impl PortfolioFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        let mut seen = HashSet::new();
        if let Some(twice) = self.projects.iter().find(|k| !seen.insert(k.as_str())) {
            v.push("projects", format!("names {twice} twice"));
        }
        let mut seen = HashSet::new();
        if let Some(twice) = self.portfolios.iter().find(|id| !seen.insert(**id)) {
            v.push("portfolios", format!("names portfolio {twice} twice"));
        }
        v.into_result()
    }
}

/// Whether `parent` holding `children` would put a portfolio inside
/// itself, given what every portfolio holds now (`holds`): the first
/// child through which `parent` would reach itself.
pub fn portfolio_cycle(parent: Id, children: &[Id], holds: &HashMap<Id, Vec<Id>>) -> Option<Id> {
    children.iter().copied().find(|child| {
        let mut stack = vec![*child];
        let mut seen = HashSet::new();
        while let Some(at) = stack.pop() {
            if at == parent {
                return true;
            }
            if seen.insert(at) {
                stack.extend(holds.get(&at).into_iter().flatten().copied());
            }
        }
        false
    })
}

/// Every project in a portfolio and the portfolios under it, each once,
/// in the order first met (its own projects first).
pub fn portfolio_projects(root: Id, portfolios: &HashMap<Id, &Portfolio>) -> Vec<Id> {
    let mut projects = Vec::new();
    let mut seen_projects = HashSet::new();
    let mut seen = HashSet::new();
    let mut queue = std::collections::VecDeque::from([root]);
    while let Some(at) = queue.pop_front() {
        if !seen.insert(at) {
            continue;
        }
        let Some(portfolio) = portfolios.get(&at) else {
            continue;
        };
        projects.extend(
            portfolio
                .project_ids
                .iter()
                .copied()
                .filter(|p| seen_projects.insert(*p)),
        );
        queue.extend(portfolio.child_ids.iter().copied());
    }
    projects
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portfolio(id: Id, projects: &[Id], children: &[Id]) -> Portfolio {
        Portfolio {
            id,
            name: format!("P{id}"),
            owner: None,
            project_ids: projects.to_vec(),
            child_ids: children.to_vec(),
            version: 1,
            created_at: DateTime::default(),
        }
    }

    #[test]
    fn a_portfolio_never_holds_itself() {
        let holds = HashMap::from([(1, vec![2]), (2, vec![3]), (3, vec![])]);
        assert_eq!(portfolio_cycle(3, &[1], &holds), Some(1));
        assert_eq!(portfolio_cycle(3, &[3], &holds), Some(3));
        assert_eq!(portfolio_cycle(1, &[3], &holds), None);
    }

    #[test]
    fn projects_of_the_tree_are_counted_once() {
        let all = [
            portfolio(1, &[10, 11], &[2, 3]),
            portfolio(2, &[11, 12], &[3]),
            portfolio(3, &[13], &[]),
        ];
        let by_id: HashMap<Id, &Portfolio> = all.iter().map(|p| (p.id, p)).collect();
        assert_eq!(portfolio_projects(1, &by_id), vec![10, 11, 12, 13]);
        assert_eq!(portfolio_projects(3, &by_id), vec![13]);
    }
}
