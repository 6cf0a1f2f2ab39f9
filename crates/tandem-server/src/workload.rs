//! Everyone's open work in a workspace, across the projects the caller
//! may open and their personal tasks, placed on each project's current
//! schedule: what the workload page draws and the plan lint's
//! over-allocation reads. The arithmetic is `tandem_domain::workload`'s.

use std::collections::{HashMap, HashSet};

use tandem_domain::planning::PlanTask;
use tandem_domain::workload::{Assignment, assignment};
use tandem_domain::{Id, StoredSchedule, TaskSchedule};
use tandem_store::{Scope, Store, TaskFilter};

use crate::error::ApiError;
use crate::planning::{all_tasks, fresh_schedule};

/// Open tasks as the plan reads them, and the scheduled dates of those
/// in projects with a schedule.
#[derive(Default)]
pub(crate) struct OpenWork {
    pub tasks: Vec<PlanTask>,
    pub schedules: HashMap<Id, TaskSchedule>,
}

impl OpenWork {
    fn add(
        &mut self,
        tasks: impl IntoIterator<Item = PlanTask>,
        schedule: Option<&StoredSchedule>,
    ) {
        self.tasks
            .extend(tasks.into_iter().filter(|t| !t.status.is_closed()));
        if let Some(schedule) = schedule {
            self.schedules
                .extend(schedule.tasks.iter().map(|s| (s.task_id, *s)));
        }
    }
}

/// The open work of the workspace as `scope` sees it. `known` is a
/// project the caller has read already (its id, tasks and schedule),
/// not read again.
pub(crate) async fn open_work(
    store: &dyn Store,
    scope: Scope,
    known: Option<(Id, &[PlanTask], Option<&StoredSchedule>)>,
) -> Result<OpenWork, ApiError> {
    let mut work = OpenWork::default();
    // Tasks of no project are read whole; there are few.
    let personal = all_tasks(
        store,
        scope,
        TaskFilter {
            open: true,
            personal: true,
            ..Default::default()
        },
    )
    .await?;
    work.add(personal.iter().map(PlanTask::from), None);
    if let Some((_, tasks, schedule)) = known {
        work.add(tasks.iter().cloned(), schedule);
    }
    for (project, access) in store.open_projects(scope).await? {
        if known.is_some_and(|(id, _, _)| id == project.id) {
            continue;
        }
        let tasks = store.plan_tasks(access).await?;
        if tasks.iter().all(|t| t.status.is_closed()) {
            continue;
        }
        // The schedule as of the plan now, as the project's own pages read
        // it; a plan the scheduler refuses falls back to its tasks' dates.
        let schedule = fresh_schedule(store, scope, &project.key, access)
            .await
            .ok();
        work.add(tasks, schedule.as_ref());
    }
    Ok(work)
}

/// The work of `tasks` placed on the weeks: each leaf's hours on its
/// scheduled dates (or its own), for the owners `counted` keeps; and, per
/// owner, how many of their tasks have no date to place them on. Parents
/// are the sum of their subtasks: only leaves carry work.
pub(crate) fn assignments(
    tasks: &[PlanTask],
    schedules: &HashMap<Id, TaskSchedule>,
    counted: impl Fn(Id) -> bool,
) -> (Vec<Assignment>, HashMap<Id, usize>) {
    let parents: HashSet<Id> = tasks.iter().filter_map(|t| t.parent_id).collect();
    let mut undated: HashMap<Id, usize> = HashMap::new();
    let mut placed = Vec::new();
    for task in tasks
        .iter()
        .filter(|t| !parents.contains(&t.id) && t.owner_id.is_some_and(&counted))
    {
        match assignment(task, schedules.get(&task.id)) {
            Some(a) => placed.push(a),
            None => {
                *undated
                    .entry(task.owner_id.unwrap_or_default())
                    .or_default() += 1
            }
        }
    }
    (placed, undated)
}
