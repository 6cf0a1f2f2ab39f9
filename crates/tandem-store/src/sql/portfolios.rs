//! Portfolios.

use serde_json::{Map, Value, json};
use tandem_domain::{Portfolio, PortfolioFields};

use super::{Columns, object, user_ref};
use crate::Result;

pub(crate) const PORTFOLIO_SELECT: &str = "SELECT f.id, f.name, f.owner_id, \
    u.email AS owner_email, u.name AS owner_name, f.version, f.created_at \
    FROM portfolios f LEFT JOIN users u ON u.id = f.owner_id";

pub(crate) fn portfolio_from_row(row: &impl Columns) -> Result<Portfolio> {
    Ok(Portfolio {
        id: row.get("id")?,
        name: row.get("name")?,
        owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
        project_ids: Vec::new(),
        child_ids: Vec::new(),
        version: row.get("version")?,
        created_at: row.get("created_at")?,
    })
}

pub(crate) fn portfolio_snapshot(f: &PortfolioFields) -> Map<String, Value> {
    object(json!({
        "name": f.name,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "projects": f.projects.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "portfolios": f.portfolios,
    }))
}
