//! Links between tasks, and the graph lock that keeps two writers from
//! each adding half of a cycle.

use tandem_domain::{Dependency, DependencyKind, LagFormat, TaskKey, TaskRef};

use super::{Columns, vocab};
use crate::Result;

pub(crate) const DEPENDENCY_SELECT: &str = "SELECT d.id, d.kind, d.lag_days, d.lag_format, d.version, \
    a.id AS pred_id, a.number AS pred_number, a.title AS pred_title, ap.key AS pred_project, \
    b.id AS succ_id, b.number AS succ_number, b.title AS succ_title, bp.key AS succ_project \
    FROM dependencies d \
    JOIN tasks a ON a.id = d.predecessor_id LEFT JOIN projects ap ON ap.id = a.project_id \
    JOIN tasks b ON b.id = d.successor_id LEFT JOIN projects bp ON bp.id = b.project_id";

/// The links between two tasks of a project ($1 workspace, $2 project),
/// six columns, for planning's hot path: from the project's tasks to the
/// links from each (the unique index's first column) to their successors.
/// SQLite keeps a CROSS JOIN's order; left to itself, it read every link of
/// the workspace by the workspace's index, or paired every two tasks of the
/// project, 20 to 70 ms for a 500-task project among 100, against 2.
/// PostgreSQL reads the links its own way (`postgres.rs`).
pub(crate) const LINK_SELECT: &str = "SELECT d.id, d.predecessor_id, d.successor_id, d.kind, d.lag_days, \
    d.lag_format, d.version FROM tasks a CROSS JOIN dependencies d CROSS JOIN tasks b \
    WHERE a.workspace_id = $1 AND a.project_id = $2 AND d.predecessor_id = a.id \
    AND b.id = d.successor_id AND b.project_id = $2 ORDER BY d.id";

pub(crate) fn dependency_from_row(row: &impl Columns) -> Result<Dependency> {
    let end = |id: &str, number: &str, title: &str, project: &str| -> Result<TaskRef> {
        let id: i64 = row.get(id)?;
        let number: i64 = row.get(number)?;
        let project: Option<String> = row.get(project)?;
        Ok(TaskRef {
            id,
            key: TaskKey::format(project.as_deref(), number, id),
            title: row.get(title)?,
        })
    };
    Ok(Dependency {
        id: row.get("id")?,
        predecessor: end("pred_id", "pred_number", "pred_title", "pred_project")?,
        successor: end("succ_id", "succ_number", "succ_title", "succ_project")?,
        kind: vocab(row.text("kind")?)?,
        lag_days: row.get("lag_days")?,
        lag_format: vocab(row.text("lag_format")?)?,
        version: row.get("version")?,
    })
}

pub(crate) fn dependency_snapshot(
    kind: DependencyKind,
    lag_days: f64,
    lag_format: LagFormat,
) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    map.insert("type".into(), kind.as_str().into());
    map.insert("lag_days".into(), lag_days.into());
    map.insert("lag_format".into(), lag_format.as_str().into());
    map
}
