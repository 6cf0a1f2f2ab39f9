//! A project's status updates.

use tandem_domain::StatusUpdate;

use super::{Columns, decode_error, user_ref, vocab};
use crate::Result;

pub(crate) const STATUS_UPDATE_SELECT: &str = "SELECT s.id, s.project_id, s.author_id, \
    u.email AS author_email, u.name AS author_name, s.health, s.body, s.figures, s.created_at \
    FROM status_updates s LEFT JOIN users u ON u.id = s.author_id";

pub(crate) fn status_update_from_row(row: &impl Columns) -> Result<StatusUpdate> {
    Ok(StatusUpdate {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        author: user_ref(row, "author_id", "author_email", "author_name")?,
        health: vocab(row.text("health")?)?,
        text: row.get("body")?,
        figures: serde_json::from_str(row.text("figures")?)
            .map_err(|e| decode_error(format!("a status update's figures: {e}")))?,
        created_at: row.get("created_at")?,
    })
}
