//! Status updates of projects, portfolios and goals.

use tandem_domain::{StatusUpdate, UpdateSubject};

use super::{Columns, decode_error, user_ref, vocab};
use crate::Result;

pub(crate) const STATUS_UPDATE_SELECT: &str = "SELECT s.id, s.project_id, s.portfolio_id, s.goal_id, s.author_id, \
    u.email AS author_email, u.name AS author_name, s.health, s.body, s.figures, s.created_at \
    FROM status_updates s LEFT JOIN users u ON u.id = s.author_id";

pub(crate) fn status_update_from_row(row: &impl Columns) -> Result<StatusUpdate> {
    let subject = match (
        row.get::<Option<i64>>("project_id")?,
        row.get::<Option<i64>>("portfolio_id")?,
        row.get::<Option<i64>>("goal_id")?,
    ) {
        (Some(id), _, _) => UpdateSubject::Project(id),
        (_, Some(id), _) => UpdateSubject::Portfolio(id),
        (_, _, Some(id)) => UpdateSubject::Goal(id),
        _ => return Err(decode_error("a status update on nothing".to_string())),
    };
    Ok(StatusUpdate {
        id: row.get("id")?,
        subject,
        author: user_ref(row, "author_id", "author_email", "author_name")?,
        health: vocab(row.text("health")?)?,
        text: row.get("body")?,
        figures: serde_json::from_str(row.text("figures")?)
            .map_err(|e| decode_error(format!("a status update's figures: {e}")))?,
        created_at: row.get("created_at")?,
    })
}
