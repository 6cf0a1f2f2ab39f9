//! A project's stakeholders.

use serde_json::{Map, Value, json};
use tandem_domain::{Stakeholder, StakeholderFields};

use super::{Columns, object, user_ref, vocab};
use crate::Result;

pub(crate) const STAKEHOLDER_SELECT: &str = "SELECT s.id, s.project_id, s.user_id, \
    u.email AS user_email, u.name AS user_name, s.name, s.email, s.role, s.version \
    FROM stakeholders s LEFT JOIN users u ON u.id = s.user_id";

pub(crate) fn stakeholder_snapshot(f: &StakeholderFields) -> Map<String, Value> {
    object(json!({
        "member": f.member.as_ref().map(|e| e.as_str()),
        "name": f.name,
        "email": f.email.as_ref().map(|e| e.as_str()),
        "role": f.role.as_str(),
    }))
}

pub(crate) fn stakeholder_from_row(row: &impl Columns) -> Result<Stakeholder> {
    let user = user_ref(row, "user_id", "user_email", "user_name")?;
    let name: Option<String> = row.get("name")?;
    Ok(Stakeholder {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        name: name
            .or_else(|| user.as_ref().map(|u| u.name.clone()))
            .unwrap_or_default(),
        email: row
            .get::<Option<String>>("email")?
            .or_else(|| user.as_ref().map(|u| u.email.clone())),
        user,
        role: vocab(row.text("role")?)?,
        version: row.get("version")?,
    })
}
