//! Writing tasks: creating, editing one or many, moving on the board,
//! deleting, and what a write resolves (owners, parents, phases).
//!
//! Not here: reading them ([`super::task_list`]), their links
//! (`dependencies.rs`) or an import's batches (`imports.rs`).

use serde_json::{Map, Value, json};
use tandem_domain::{TaskFields, TaskScheduling};

use super::{date, local_time, object};

/// The board rank of a task nobody has moved is its id times this, so a
/// moved card always finds room between two neighbours.
pub(crate) const UNRANKED_STEP: f64 = 1024.0;

/// What the history records of a task: its fields as the caller wrote them
/// (emails, keys), so the history reads without joins.
pub(crate) fn task_snapshot(f: &TaskFields) -> Map<String, Value> {
    let mut snapshot = object(json!({
        "title": f.title,
        "description": f.description,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "collaborators": f.collaborators.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "status": f.status.as_str(),
        "priority": f.priority.as_str(),
        "start_date": date(f.start_date),
        "due_date": date(f.due_date),
        "estimate_days": f.estimate_days,
        "effort_hours": f.effort_hours,
        "three_point": f.three_point.as_ref().map(|t| json!([t.optimistic, t.likely, t.pessimistic])),
        "percent_complete": f.percent_complete,
        "parent": f.parent,
        "phase_id": f.phase_id,
        "milestone_id": f.milestone_id,
        "tags": f.tags,
        "blocked_reason": f.blocked_reason,
    }));
    snapshot.extend(schedule_json(&f.schedule));
    snapshot
}

/// A task's constraint, actuals, mode and levelling delay as both its
/// history and its stored row write them (local instants as minute text).
pub(crate) fn schedule_json(s: &TaskScheduling) -> Map<String, Value> {
    object(json!({
        "constraint_type": s.constraint_type.map(|c| c.as_str()),
        "constraint_date": local_time(s.constraint_date),
        "actual_start": local_time(s.actual_start),
        "actual_finish": local_time(s.actual_finish),
        "scheduling": s.mode.as_str(),
        "levelling_delay": s.levelling_delay,
    }))
}
