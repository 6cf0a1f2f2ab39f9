//! Goals.

use serde_json::{Map, Value, json};
use tandem_domain::rollup::{ProgressInput, weight_hours};
use tandem_domain::{
    Goal, GoalFields, KeyResult, KeyResultFields, Period, TaskKey, TaskStatus, task_key_text,
};

use super::{Columns, object, user_ref, vocab};
use crate::Result;

pub(crate) const GOAL_SELECT: &str = "SELECT g.id, g.title, g.description, g.owner_id, \
    u.email AS owner_email, u.name AS owner_name, g.parent_id, g.period_start, g.period_end, \
    g.status, g.measure, g.weight, g.version, g.created_at, g.updated_at \
    FROM goals g LEFT JOIN users u ON u.id = g.owner_id";

pub(crate) const KEY_RESULT_SELECT: &str = "SELECT k.goal_id, k.id, k.name, k.unit, \
    k.start_value, k.target_value, k.current_value, k.updated_at FROM key_results k";

pub(crate) fn goal_from_row(row: &impl Columns) -> Result<Goal> {
    let start: Option<chrono::NaiveDate> = row.get("period_start")?;
    let end: Option<chrono::NaiveDate> = row.get("period_end")?;
    Ok(Goal {
        id: row.get("id")?,
        title: row.get("title")?,
        description: row.get("description")?,
        owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
        period: start.zip(end).map(|(start, end)| Period { start, end }),
        parent_id: row.get("parent_id")?,
        status: row.text_opt("status")?.map(vocab).transpose()?,
        measure: row.text_opt("measure")?.map(vocab).transpose()?,
        weight: row.get("weight")?,
        key_results: Vec::new(),
        project_ids: Vec::new(),
        task_ids: Vec::new(),
        version: row.get("version")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

/// A key result's row; its goal's id first.
pub(crate) fn key_result_from_row(row: &impl Columns) -> Result<(i64, KeyResult)> {
    Ok((
        row.get("goal_id")?,
        KeyResult {
            id: row.get("id")?,
            name: row.get("name")?,
            unit: row.get("unit")?,
            start: row.get("start_value")?,
            target: row.get("target_value")?,
            current: row.get("current_value")?,
            updated_at: row.get("updated_at")?,
        },
    ))
}

pub(crate) fn goal_snapshot(f: &GoalFields) -> Map<String, Value> {
    object(json!({
        "title": f.title,
        "description": f.description,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "period": f.period.map(|p| p.label()),
        "parent": f.parent,
        "status": f.status.map(|s| s.as_str()),
        "measure": f.measure.map(|m| m.as_str()),
        "weight": f.weight,
        "projects": f.projects.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "tasks": f.tasks.iter().map(task_key_text).collect::<Vec<_>>(),
    }))
}

pub(crate) fn key_result_snapshot(k: &KeyResultFields) -> Map<String, Value> {
    object(json!({
        "name": k.name,
        "unit": k.unit,
        "start": k.start,
        "target": k.target,
        "current": k.current,
    }))
}

/// A task serving a goal, from `GoalStore::goal_tasks`' row.
pub(crate) fn goal_task_from_row(row: &impl Columns) -> Result<crate::GoalTask> {
    let key: String = row.get("key")?;
    let number: i64 = row.get("number")?;
    let status: TaskStatus = vocab(row.text("status")?)?;
    let percent_complete: i64 = row.get("percent_complete")?;
    Ok(crate::GoalTask {
        goal_id: row.get("goal_id")?,
        task_id: row.get("id")?,
        project_id: row.get("project_id")?,
        key: TaskKey::format(Some(&key), number, 0),
        title: row.get("title")?,
        status,
        percent_complete,
        weight_hours: weight_hours(&ProgressInput {
            id: 0,
            parent_id: None,
            status,
            percent_complete,
            effort_hours: row.get("effort_hours")?,
            estimate_days: row.get("estimate_days")?,
        }),
    })
}
