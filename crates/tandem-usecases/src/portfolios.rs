//! Portfolios: create, change and delete them, and the table a PMO reads
//! of one: each project's owner, stage, status, health, progress, dates,
//! slip, next milestone, high risks and latest update, with totals.
//!
//! What a reader sees of a portfolio is only what they may open: a guest
//! sees the portfolios holding a project shared with them, and of those
//! only such projects, names included; a portfolio holding none is, for
//! them, not there.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use chrono::NaiveDate;
use tandem_domain::{Health, Id, Portfolio, PortfolioFields, Project, portfolio_projects};
use tandem_store::{Patch, ProjectAccess, Scope, Store, StoreError};

use crate::status::{ProjectHealth, judge};
use crate::{Result, Writer};

pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    fields: &PortfolioFields,
) -> Result<Portfolio> {
    Ok(store.create_portfolio(writer.scope(), fields).await?)
}

pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, PortfolioFields>,
) -> Result<Portfolio> {
    Ok(store
        .update_portfolio(writer.scope(), id, expected_version, change)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_portfolio(writer.scope(), id, expected_version)
        .await?)
}

/// A portfolio as its reader may see it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub portfolio: Portfolio,
    /// Every project of its tree the reader may open, each once.
    pub projects: Vec<(Project, ProjectAccess)>,
    /// The portfolios it holds that the reader may see: id and name.
    pub children: Vec<(Id, String)>,
}

/// Every portfolio the reader may see, by name.
pub async fn list(store: &dyn Store, scope: Scope) -> Result<Vec<Seen>> {
    let all = store.list_portfolios(scope).await?;
    let open: HashMap<Id, (Project, ProjectAccess)> = store
        .open_projects(scope)
        .await?
        .into_iter()
        .map(|(p, a)| (p.id, (p, a)))
        .collect();
    let by_id: HashMap<Id, &Portfolio> = all.iter().map(|p| (p.id, p)).collect();
    let sees_all = scope.role.sees_all_projects();
    let trees: HashMap<Id, Vec<Id>> = all
        .iter()
        .map(|p| (p.id, portfolio_projects(p.id, &by_id)))
        .collect();
    let shown: HashSet<Id> = all
        .iter()
        .filter(|p| sees_all || trees[&p.id].iter().any(|id| open.contains_key(id)))
        .map(|p| p.id)
        .collect();
    Ok(all
        .iter()
        .filter(|p| shown.contains(&p.id))
        .map(|p| Seen {
            portfolio: p.clone(),
            projects: trees[&p.id]
                .iter()
                .filter_map(|id| open.get(id).cloned())
                .collect(),
            children: p
                .child_ids
                .iter()
                .filter(|c| shown.contains(c))
                .filter_map(|c| by_id.get(c).map(|c| (c.id, c.name.clone())))
                .collect(),
        })
        .collect())
}

/// The portfolio `id`, as [`list`] shows it.
pub async fn get(store: &dyn Store, scope: Scope, id: Id) -> Result<Seen> {
    list(store, scope)
        .await?
        .into_iter()
        .find(|s| s.portfolio.id == id)
        .ok_or_else(|| StoreError::NotFound("portfolio").into())
}

/// One project's row of a portfolio's table.
#[derive(Debug, Clone)]
pub struct Row {
    pub project: Project,
    pub health: ProjectHealth,
}

/// What a portfolio's projects add up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub projects: usize,
    /// Percent complete, weighted by each project's effort (by project
    /// where none has any).
    pub progress: f64,
    /// The sum of the budgets given; `None` when none is.
    pub budget: Option<f64>,
    /// How many projects are at each health, worst last.
    pub by_health: Vec<(Health, usize)>,
}

/// The table of a portfolio: a row per project the reader may open, from
/// what writes keep and the stored schedules, each figure read once for
/// all the projects (`finish` gives the scheduled finish of a project
/// whose plan was never scheduled; no other is rescheduled for this
/// read).
pub async fn table<F, Fut>(
    store: &dyn Store,
    seen: &Seen,
    today: NaiveDate,
    finish: F,
) -> Result<(Vec<Row>, Totals)>
where
    F: Fn(ProjectAccess, String) -> Fut,
    Fut: Future<Output = Option<NaiveDate>>,
{
    let accesses: Vec<ProjectAccess> = seen.projects.iter().map(|(_, a)| *a).collect();
    let mut reads = store.health_reads(&accesses, today).await?;
    let mut rows = Vec::with_capacity(seen.projects.len());
    for (project, access) in &seen.projects {
        let read = reads.remove(&project.id).unwrap_or_default();
        let scheduled =
            crate::status::scheduled_finish(&read, *access, &project.key, &finish).await;
        rows.push(Row {
            project: project.clone(),
            health: judge(project, read, scheduled, today),
        });
    }
    let totals = totals(&rows);
    Ok((rows, totals))
}

fn totals(rows: &[Row]) -> Totals {
    let effort: f64 = rows
        .iter()
        .map(|r| r.health.progress.project.total_weight_hours)
        .sum();
    let progress = if rows.is_empty() {
        0.0
    } else if effort > 0.0 {
        rows.iter()
            .map(|r| r.health.figures.progress * r.health.progress.project.total_weight_hours)
            .sum::<f64>()
            / effort
    } else {
        rows.iter().map(|r| r.health.figures.progress).sum::<f64>() / rows.len() as f64
    };
    let budgets: Vec<f64> = rows.iter().filter_map(|r| r.project.budget).collect();
    Totals {
        projects: rows.len(),
        progress,
        budget: (!budgets.is_empty()).then(|| budgets.iter().sum()),
        by_health: Health::ALL
            .iter()
            .map(|h| {
                (
                    *h,
                    rows.iter()
                        .filter(|r| r.health.assessment.health == *h)
                        .count(),
                )
            })
            .collect(),
    }
}
