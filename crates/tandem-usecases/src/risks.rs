//! What a user does to a project's risk register: add, change and remove
//! risks.

use tandem_domain::{Id, Risk, RiskFields};
use tandem_store::{Patch, Store};

use crate::{Result, Writer};

/// Adds a risk to the project `project_key` names.
pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    fields: &RiskFields,
) -> Result<Risk> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    Ok(store
        .create_risk(writer.scope(), project.id, fields)
        .await?)
}

pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, RiskFields>,
) -> Result<Risk> {
    Ok(store
        .update_risk(writer.scope(), id, expected_version, change)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_risk(writer.scope(), id, expected_version)
        .await?)
}
