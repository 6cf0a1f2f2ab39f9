//! A project's risks and what they threaten.

use serde_json::{Map, Value, json};
use tandem_domain::{Risk, RiskFields};

use super::{Columns, object, user_ref, vocab};
use crate::Result;

pub(crate) const RISK_SELECT: &str = "SELECT r.id, r.project_id, r.title, r.description, \
    r.probability, r.impact, r.owner_id, o.email AS owner_email, o.name AS owner_name, \
    r.mitigation, r.status, r.version, r.created_at, r.updated_at \
    FROM risks r LEFT JOIN users o ON o.id = r.owner_id";

pub(crate) fn risk_snapshot(f: &RiskFields) -> Map<String, Value> {
    object(json!({
        "title": f.title, "description": f.description,
        "probability": f.probability, "impact": f.impact,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "mitigation": f.mitigation, "status": f.status.as_str(),
        "tasks": f.task_keys, "milestones": f.milestone_ids,
    }))
}

pub(crate) fn risk_from_row(row: &impl Columns) -> Result<Risk> {
    Ok(Risk {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        title: row.get("title")?,
        description: row.get("description")?,
        probability: row.get("probability")?,
        impact: row.get("impact")?,
        owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
        mitigation: row.get("mitigation")?,
        status: vocab(row.text("status")?)?,
        tasks: Vec::new(),
        milestone_ids: Vec::new(),
        version: row.get("version")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}
