//! Projects, their phases and milestones, and their progress.

use serde_json::{Map, Value, json};
use tandem_domain::{
    Milestone, MilestoneFields, Phase, PhaseFields, Project, ProjectFields, WorkWeek,
};

use super::{Columns, date, decode_error, local_time, object, parse_local_time, user_ref, vocab};
use crate::Result;

pub(crate) const PROJECT_SELECT: &str = "SELECT p.id, p.key, p.name, p.objective, p.scope_in, \
    p.scope_out, p.owner_id, o.email AS owner_email, o.name AS owner_name, p.status, p.stage, \
    p.start_date, p.target_date, p.budget, p.ongoing, p.version, p.created_at, p.updated_at, \
    p.work_week, p.hours_per_day, p.status_date, p.update_cadence_days, p.archived_at, \
    p.template_name, p.template_version, p.health \
    FROM projects p LEFT JOIN users o ON o.id = p.owner_id";

/// A working week as stored: seven days of hours joined by `|`.
pub(crate) fn work_week_text(week: &WorkWeek) -> String {
    week.texts().join("|")
}

pub(crate) fn work_week_from(text: String, hours_per_day: f64) -> crate::Result<WorkWeek> {
    let mut days: [Vec<tandem_domain::calendar::Period>; 7] = Default::default();
    let parts: Vec<&str> = text.split('|').collect();
    if parts.len() != 7 {
        return Err(decode_error(format!("work week '{text}'")));
    }
    for (day, part) in days.iter_mut().zip(parts) {
        *day = tandem_domain::calendar::parse_hours(part)
            .map_err(|e| decode_error(format!("work week '{text}': {e}")))?;
    }
    Ok(WorkWeek {
        days,
        hours_per_day,
    })
}

pub(crate) fn project_snapshot(f: &ProjectFields) -> Map<String, Value> {
    object(json!({
        "name": f.name,
        "objective": f.objective,
        "scope_in": f.scope_in,
        "scope_out": f.scope_out,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "status": f.status.as_str(),
        "stage": f.stage.as_str(),
        "start_date": date(f.start_date),
        "target_date": date(f.target_date),
        "budget": f.budget,
        "ongoing": f.ongoing,
        "work_week": f.work_week.texts(),
        "hours_per_day": f.work_week.hours_per_day,
        "status_date": local_time(f.status_date),
        "update_cadence_days": f.update_cadence_days,
    }))
}

pub(crate) fn phase_snapshot(f: &PhaseFields) -> Map<String, Value> {
    object(json!({
        "name": f.name, "position": f.position,
        "start_date": date(f.start_date), "end_date": date(f.end_date),
    }))
}

pub(crate) fn milestone_snapshot(f: &MilestoneFields) -> Map<String, Value> {
    object(json!({
        "name": f.name, "date": date(f.date), "description": f.description, "phase_id": f.phase_id,
        "reached": date(f.reached),
    }))
}

/// A milestone's place, as its history records a move.
pub(crate) fn position_snapshot(position: i64) -> Map<String, Value> {
    object(json!({ "position": position }))
}

pub(crate) fn project_from_row(row: &impl Columns) -> Result<Project> {
    Ok(Project {
        id: row.get("id")?,
        key: row.get("key")?,
        name: row.get("name")?,
        objective: row.get("objective")?,
        scope_in: row.get("scope_in")?,
        scope_out: row.get("scope_out")?,
        owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
        status: vocab(row.text("status")?)?,
        stage: vocab(row.text("stage")?)?,
        start_date: row.get("start_date")?,
        target_date: row.get("target_date")?,
        budget: row.get("budget")?,
        ongoing: row.get("ongoing")?,
        work_week: work_week_from(row.get("work_week")?, row.get("hours_per_day")?)?,
        status_date: parse_local_time(row.text_opt("status_date")?)?,
        update_cadence_days: row.get("update_cadence_days")?,
        archived_at: row.get("archived_at")?,
        template: match row.get::<Option<String>>("template_name")? {
            Some(name) => Some((
                name,
                row.get::<Option<i64>>("template_version")?.unwrap_or(1),
            )),
            None => None,
        },
        health: row.text_opt("health")?.map(vocab).transpose()?,
        version: row.get("version")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

pub(crate) fn phase_from_row(row: &impl Columns) -> Result<Phase> {
    Ok(Phase {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        name: row.get("name")?,
        position: row.get("position")?,
        start_date: row.get("start_date")?,
        end_date: row.get("end_date")?,
        version: row.get("version")?,
    })
}

pub(crate) fn milestone_from_row(row: &impl Columns) -> Result<Milestone> {
    Ok(Milestone {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        name: row.get("name")?,
        date: row.get("date")?,
        description: row.get("description")?,
        phase_id: row.get("phase_id")?,
        reached: row.get("reached")?,
        position: row.get("position")?,
        version: row.get("version")?,
    })
}

/// A dependency between two projects' tasks, from
/// `ProjectStore::cross_project_links`' row.
pub(crate) fn cross_link_from_row(row: &impl Columns) -> Result<crate::CrossLink> {
    let end = |side: &str| -> Result<(tandem_domain::TaskRef, i64, Option<i64>)> {
        let key: String = row.get(&format!("{side}_key"))?;
        let number: i64 = row.get(&format!("{side}_number"))?;
        let id: i64 = row.get(&format!("{side}_id"))?;
        Ok((
            tandem_domain::TaskRef {
                id,
                key: tandem_domain::TaskKey::format(Some(&key), number, id),
                title: row.get(&format!("{side}_title"))?,
            },
            row.get(&format!("{side}_project"))?,
            row.get(&format!("{side}_milestone"))?,
        ))
    };
    let (predecessor, predecessor_project, predecessor_milestone) = end("a")?;
    let (successor, successor_project, successor_milestone) = end("b")?;
    Ok(crate::CrossLink {
        id: row.get("id")?,
        kind: super::vocab(row.text("kind")?)?,
        predecessor,
        predecessor_project,
        predecessor_milestone,
        successor,
        successor_project,
        successor_milestone,
    })
}
