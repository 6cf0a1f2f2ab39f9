//! What the health of many projects is judged on, read at once: each
//! figure is one query over all of them (`project_id IN (…)`), so a
//! portfolio of two hundred projects costs eight queries, not two
//! thousand.

use super::*;

/// `(1, 2, 3)`: ids are integers the caller opened, never text from a
/// request, so they are written into the statement (which is therefore
/// not kept prepared).
fn id_list(ids: &[Id]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", list.join(", "))
}

pub(super) async fn health_reads(
    store: &DbStore,
    projects: &[ProjectAccess],
    today: NaiveDate,
) -> Result<HashMap<Id, HealthReads>> {
    let Some(first) = projects.first() else {
        return Ok(HashMap::new());
    };
    let workspace = first.scope().workspace_id;
    // Every access is to one workspace; one of another is left out.
    let ids: Vec<Id> = projects
        .iter()
        .filter(|a| a.scope().workspace_id == workspace)
        .map(|a| a.project_id())
        .collect();
    let list = id_list(&ids);
    let pool = store.reader();
    let mut reads: HashMap<Id, HealthReads> =
        ids.iter().map(|id| (*id, HealthReads::default())).collect();

    let cells: Vec<CellRow> = sqlx::query_as(&format!("{CELL_SELECT} WHERE project_id IN {list}"))
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let phases: Vec<(Id, Id)> = sqlx::query_as(&format!(
        "SELECT project_id, id FROM phases WHERE project_id IN {list} ORDER BY position, id"
    ))
    .persistent(false)
    .fetch_all(pool)
    .await?;
    let milestones = sqlx::query(&format!(
        "SELECT * FROM milestones WHERE workspace_id = $1 AND project_id IN {list} ORDER BY position, id"
    ))
    .persistent(false)
    .bind(workspace)
    .fetch_all(pool)
    .await?;
    for row in &milestones {
        let milestone = milestone_from_row(row)?;
        if let Some(r) = reads.get_mut(&milestone.project_id) {
            r.milestones.push(milestone);
        }
    }
    let mut cells_of: HashMap<Id, Vec<(Id, Id, RollupSums, i64)>> = HashMap::new();
    for row in cells {
        let ((project, phase, milestone), sums, open) = cell_from_row(row);
        cells_of
            .entry(project)
            .or_default()
            .push((phase, milestone, sums, open));
    }
    let mut phases_of: HashMap<Id, Vec<Id>> = HashMap::new();
    for (project, phase) in phases {
        phases_of.entry(project).or_default().push(phase);
    }
    for (id, r) in reads.iter_mut() {
        let cells = cells_of.remove(id).unwrap_or_default();
        let milestone_ids: Vec<Id> = r.milestones.iter().map(|m| m.id).collect();
        r.progress = progress_of(
            &cells,
            &phases_of.remove(id).unwrap_or_default(),
            &milestone_ids,
        );
    }

    let overdue: Vec<(Id, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT project_id, CAST(SUM(open_tasks) AS BIGINT) FROM project_open_due \
         WHERE project_id IN {list} AND due_date < $1 GROUP BY project_id"
    ))
    .persistent(false)
    .bind(today)
    .fetch_all(pool)
    .await?;
    for (id, n) in overdue {
        if let Some(r) = reads.get_mut(&id) {
            r.overdue_tasks = n.unwrap_or(0).max(0) as usize;
        }
    }

    let baselines: Vec<(Id, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT project_id, name, finish FROM baselines WHERE id IN \
         (SELECT MAX(id) FROM baselines WHERE workspace_id = $1 AND project_id IN {list} GROUP BY project_id)"
    ))
    .persistent(false)
    .bind(workspace)
    .fetch_all(pool)
    .await?;
    for (id, name, finish) in baselines {
        if let (Some(r), Some(finish)) = (reads.get_mut(&id), finish) {
            r.baseline = Some((name, minute(&finish)?));
        }
    }

    let risks: Vec<(Id, i64)> = sqlx::query_as(&format!(
        "SELECT project_id, probability * impact FROM risks WHERE workspace_id = $1 \
         AND project_id IN {list} AND status IN ('open', 'mitigating') \
         ORDER BY probability * impact DESC"
    ))
    .persistent(false)
    .bind(workspace)
    .fetch_all(pool)
    .await?;
    for (id, score) in risks {
        if let Some(r) = reads.get_mut(&id) {
            r.risk_scores.push(score);
        }
    }

    let updates = sqlx::query(&format!(
        "{STATUS_UPDATE_SELECT} WHERE s.id IN (SELECT MAX(id) FROM status_updates \
         WHERE workspace_id = $1 AND project_id IN {list} GROUP BY project_id)"
    ))
    .persistent(false)
    .bind(workspace)
    .fetch_all(pool)
    .await?;
    for row in &updates {
        let update = status_update_from_row(row)?;
        if let UpdateSubject::Project(id) = update.subject
            && let Some(r) = reads.get_mut(&id)
        {
            r.latest_update = Some(update);
        }
    }

    let finishes: Vec<(Id, Option<String>)> = sqlx::query_as(&format!(
        "SELECT project_id, finish FROM project_schedules WHERE project_id IN {list}"
    ))
    .persistent(false)
    .fetch_all(pool)
    .await?;
    for (id, finish) in finishes {
        if let Some(r) = reads.get_mut(&id) {
            r.stored_finish = parse_local_time(finish.as_deref())?;
        }
    }
    Ok(reads)
}

/// A project's progress from its roll-up cells: the whole, each phase
/// and each milestone (in the order given).
pub(super) fn progress_of(
    cells: &[(Id, Id, RollupSums, i64)],
    phase_ids: &[Id],
    milestone_ids: &[Id],
) -> ProjectProgress {
    let sum = |pick: &dyn Fn(Id, Id) -> bool| {
        let mut sums = RollupSums::default();
        for (phase, milestone, cell, _) in cells {
            if pick(*phase, *milestone) {
                sums.add(cell);
            }
        }
        sums.progress()
    };
    ProjectProgress {
        project: sum(&|_, _| true),
        phases: phase_ids
            .iter()
            .map(|&id| (id, sum(&|phase, _| phase == id)))
            .collect(),
        milestones: milestone_ids
            .iter()
            .map(|&id| (id, sum(&|_, milestone| milestone == id)))
            .collect(),
        open_tasks: cells.iter().map(|c| c.3).sum::<i64>().max(0) as usize,
    }
}
