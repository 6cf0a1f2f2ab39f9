//! Milestones across projects: every milestone of the workspace (or of a
//! portfolio's projects) with its planned date and the date the stored
//! schedules give it, and the dependencies between tasks of two of those
//! projects. Only projects the reader may open are shown, names included;
//! a dependency is shown when both its projects are.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use tandem_domain::{Id, Milestone, Project};
use tandem_store::{CrossLink, Scope, Store};

use crate::Result;

#[derive(Debug, Clone)]
pub struct Entry {
    pub project: Project,
    pub milestone: Milestone,
    /// The latest scheduled finish of its tasks; `None` while none is
    /// scheduled.
    pub scheduled: Option<NaiveDate>,
}

impl Entry {
    /// Calendar days the schedule puts it after its planned date.
    pub fn slip_days(&self) -> Option<i64> {
        Some((self.scheduled? - self.milestone.date?).num_days())
    }

    /// The date it is placed at: scheduled, else planned.
    pub fn when(&self) -> Option<NaiveDate> {
        self.scheduled.or(self.milestone.date)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// By date (scheduled, else planned; undated last), then project.
    pub milestones: Vec<Entry>,
    pub links: Vec<CrossLink>,
}

/// The timeline of the workspace, or of portfolio `portfolio`'s projects.
pub async fn across(store: &dyn Store, scope: Scope, portfolio: Option<Id>) -> Result<Timeline> {
    let mut open: HashMap<Id, Project> = store
        .open_projects(scope)
        .await?
        .into_iter()
        .map(|(p, _)| (p.id, p))
        .collect();
    // An archived project's plan is out of the picture.
    open.retain(|_, p| p.archived_at.is_none());
    if let Some(id) = portfolio {
        let seen = crate::portfolios::get(store, scope, id).await?;
        let held: HashSet<Id> = seen.projects.iter().map(|(p, _)| p.id).collect();
        open.retain(|id, _| held.contains(id));
    }
    let mut milestones: Vec<Entry> = store
        .workspace_milestones(scope)
        .await?
        .into_iter()
        .filter_map(|(milestone, scheduled)| {
            Some(Entry {
                project: open.get(&milestone.project_id)?.clone(),
                milestone,
                scheduled,
            })
        })
        .collect();
    milestones.sort_by(|a, b| {
        (
            a.when().is_none(),
            a.when(),
            &a.project.key,
            a.milestone.position,
        )
            .cmp(&(
                b.when().is_none(),
                b.when(),
                &b.project.key,
                b.milestone.position,
            ))
    });
    let links = store
        .cross_project_links(scope)
        .await?
        .into_iter()
        .filter(|l| {
            open.contains_key(&l.predecessor_project) && open.contains_key(&l.successor_project)
        })
        .collect();
    Ok(Timeline { milestones, links })
}
