//! Reading the activity history, naming only what the reader may open.

use super::{Columns, decode_error, user_ref, vocab};
use crate::{ActivityEntry, Result};

pub(crate) fn activity_from_row(row: &impl Columns) -> Result<ActivityEntry> {
    let changes: String = row.get("changes")?;
    Ok(ActivityEntry {
        id: row.get("id")?,
        actor: user_ref(row, "actor_id", "actor_email", "actor_name")?,
        at: row.get("at")?,
        entity_kind: vocab(row.text("entity_kind")?)?,
        entity_id: row.get("entity_id")?,
        entity_label: row.get("entity_label")?,
        action: row.get("action")?,
        changes: serde_json::from_str(&changes).map_err(|e| decode_error(e.to_string()))?,
        rule: row.get("rule_name")?,
    })
}
