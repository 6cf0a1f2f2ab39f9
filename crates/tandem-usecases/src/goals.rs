//! Goals: create, change and delete them and their key results, and read
//! the tree with each goal's progress and status computed from what
//! measures it (`tandem_domain::goals`) and the projects' kept roll-ups.
//!
//! What a reader sees is only what they may open: a guest sees the goals
//! served by a project or task of a project shared with them, and of
//! each only such projects and tasks (and sub-goals), names included. A
//! goal's progress and status are the goal's own, the same for every
//! reader.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use futures_util::future::try_join4;
use tandem_domain::goals::{self, GoalAssessment, GoalInput, Part, key_result_percent};
use tandem_domain::rollup::Progress;
use tandem_domain::{Goal, GoalFields, GoalMeasure, Id, KeyResultFields, Project, TaskStatus};
use tandem_store::{GoalTask, Patch, Scope, Store, StoreError};

use crate::{Result, Writer};

pub async fn create(store: &dyn Store, writer: &Writer, fields: &GoalFields) -> Result<Goal> {
    Ok(store.create_goal(writer.scope(), fields).await?)
}

pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, GoalFields>,
) -> Result<Goal> {
    Ok(store
        .update_goal(writer.scope(), id, expected_version, change)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_goal(writer.scope(), id, expected_version)
        .await?)
}

pub async fn add_key_result(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    key_result: &KeyResultFields,
) -> Result<Goal> {
    Ok(store
        .add_key_result(writer.scope(), id, expected_version, key_result)
        .await?)
}

pub async fn update_key_result(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    key_result_id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, KeyResultFields>,
) -> Result<Goal> {
    Ok(store
        .update_key_result(writer.scope(), id, key_result_id, expected_version, change)
        .await?)
}

pub async fn delete_key_result(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    key_result_id: Id,
    expected_version: Option<i64>,
) -> Result<Goal> {
    Ok(store
        .delete_key_result(writer.scope(), id, key_result_id, expected_version)
        .await?)
}

/// A goal as its reader may see it, measured.
#[derive(Debug, Clone)]
pub struct Seen {
    pub goal: Goal,
    /// Percent, 0 to 100.
    pub progress: f64,
    /// What it was measured by; `None` while it has nothing to measure.
    pub measure: Option<GoalMeasure>,
    pub assessment: GoalAssessment,
    /// Its parent, where the reader may see it: id and title.
    pub parent: Option<(Id, String)>,
    /// The sub-goals the reader may see, by title.
    pub children: Vec<(Id, String)>,
    /// The projects serving it that the reader may open, with their
    /// progress.
    pub projects: Vec<(Project, Progress)>,
    /// The tasks serving it, of projects the reader may open.
    pub tasks: Vec<GoalTask>,
}

/// A task's part in a goal's progress: done counts whole, cancelled not at
/// all, others by their percentage; each weighs its effort.
fn task_part(t: &GoalTask) -> Option<Part> {
    match t.status {
        TaskStatus::Cancelled => None,
        TaskStatus::Done => Some(Part {
            percent: 100.0,
            weight: t.weight_hours,
        }),
        _ => Some(Part {
            percent: t.percent_complete.clamp(0, 100) as f64,
            weight: t.weight_hours,
        }),
    }
}

/// Every goal the reader may see, by title, measured on `today`.
pub async fn list(store: &dyn Store, scope: Scope, today: NaiveDate) -> Result<Vec<Seen>> {
    // Four reads that do not wait on each other, on four of the reader's
    // connections at once.
    let (all, tasks, progress, open) = try_join4(
        store.list_goals(scope),
        store.goal_tasks(scope),
        store.projects_progress(scope),
        store.open_projects(scope),
    )
    .await?;
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let open: HashMap<Id, Project> = open.into_iter().map(|(p, _)| (p.id, p)).collect();
    let mut tasks_of: HashMap<Id, Vec<GoalTask>> = HashMap::new();
    for t in tasks {
        tasks_of.entry(t.goal_id).or_default().push(t);
    }
    let inputs: Vec<GoalInput> = all
        .iter()
        .map(|g| GoalInput {
            id: g.id,
            parent: g.parent_id,
            weight: g.weight,
            status: g.status,
            measure: g.measure,
            key_results: g
                .key_results
                .iter()
                .map(|kr| Part {
                    percent: key_result_percent(kr),
                    weight: 1.0,
                })
                .collect(),
            projects: g
                .project_ids
                .iter()
                .map(|p| Part {
                    percent: progress.get(p).map_or(0.0, |p| p.percent),
                    weight: 1.0,
                })
                .collect(),
            tasks: tasks_of
                .get(&g.id)
                .into_iter()
                .flatten()
                .filter_map(task_part)
                .collect(),
        })
        .collect();
    let measured = goals::progress(&inputs);
    let shown = visible(&all, &tasks_of, &open, scope.role.sees_all_projects());
    let title: HashMap<Id, &str> = all.iter().map(|g| (g.id, g.title.as_str())).collect();
    let mut children: HashMap<Id, Vec<(Id, String)>> = HashMap::new();
    for g in all.iter().filter(|g| shown.contains(&g.id)) {
        if let Some(parent) = g.parent_id {
            children
                .entry(parent)
                .or_default()
                .push((g.id, g.title.clone()));
        }
    }
    Ok(all
        .iter()
        .filter(|g| shown.contains(&g.id))
        .map(|g| {
            let m = measured[&g.id];
            Seen {
                progress: m.percent,
                measure: m.measure,
                assessment: goals::assess(
                    m.percent,
                    m.measure.is_some(),
                    g.period,
                    today,
                    g.status,
                ),
                parent: g
                    .parent_id
                    .filter(|p| shown.contains(p))
                    .map(|p| (p, title[&p].to_string())),
                children: children.remove(&g.id).unwrap_or_default(),
                projects: g
                    .project_ids
                    .iter()
                    .filter_map(|id| open.get(id))
                    .map(|p| (p.clone(), progress.get(&p.id).copied().unwrap_or_default()))
                    .collect(),
                tasks: tasks_of
                    .get(&g.id)
                    .into_iter()
                    .flatten()
                    .filter(|t| open.contains_key(&t.project_id))
                    .cloned()
                    .collect(),
                goal: g.clone(),
            }
        })
        .collect())
}

/// The goals a reader may see: all for those who see every project; for
/// a guest, those served by a project or task they may open. A goal above
/// such a goal is not theirs to read: its description and key results may
/// be about work they may not see.
fn visible(
    all: &[Goal],
    tasks_of: &HashMap<Id, Vec<GoalTask>>,
    open: &HashMap<Id, Project>,
    sees_all: bool,
) -> HashSet<Id> {
    all.iter()
        .filter(|g| {
            sees_all
                || g.project_ids.iter().any(|p| open.contains_key(p))
                || tasks_of
                    .get(&g.id)
                    .into_iter()
                    .flatten()
                    .any(|t| open.contains_key(&t.project_id))
        })
        .map(|g| g.id)
        .collect()
}

/// The goal `id`, as [`list`] shows it.
pub async fn get(store: &dyn Store, scope: Scope, id: Id, today: NaiveDate) -> Result<Seen> {
    list(store, scope, today)
        .await?
        .into_iter()
        .find(|s| s.goal.id == id)
        .ok_or_else(|| StoreError::NotFound("goal").into())
}

/// The goals the reader may see, unmeasured: what a page that only names
/// the goals a task serves needs. No roll-up is read, and for those who
/// see every project nothing but the goals themselves.
pub async fn visible_goals(store: &dyn Store, scope: Scope) -> Result<Vec<Goal>> {
    let all = store.list_goals(scope).await?;
    if all.is_empty() || scope.role.sees_all_projects() {
        return Ok(all);
    }
    let mut tasks_of: HashMap<Id, Vec<GoalTask>> = HashMap::new();
    for t in store.goal_tasks(scope).await? {
        tasks_of.entry(t.goal_id).or_default().push(t);
    }
    let open: HashMap<Id, Project> = store
        .open_projects(scope)
        .await?
        .into_iter()
        .map(|(p, _)| (p.id, p))
        .collect();
    let shown = visible(&all, &tasks_of, &open, false);
    Ok(all.into_iter().filter(|g| shown.contains(&g.id)).collect())
}

/// The goals a task serves, directly or through its project, of those the
/// reader may see (`goals`, from [`visible_goals`]): id and title.
pub fn served_by(goals: &[Goal], task_id: Id, project_id: Option<Id>) -> Vec<(Id, String)> {
    goals
        .iter()
        .filter(|g| {
            g.task_ids.contains(&task_id) || project_id.is_some_and(|p| g.project_ids.contains(&p))
        })
        .map(|g| (g.id, g.title.clone()))
        .collect()
}
