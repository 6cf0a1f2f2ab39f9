//! What a user does to a project's stakeholders: add (a member or someone
//! from outside), change and remove them.

use tandem_domain::{Id, Stakeholder, StakeholderFields};
use tandem_store::{Patch, Store};

use crate::{Result, Writer};

/// Adds a stakeholder to the project `project_key` names.
pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    fields: &StakeholderFields,
) -> Result<Stakeholder> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    Ok(store
        .create_stakeholder(writer.scope(), project.id, fields)
        .await?)
}

pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, StakeholderFields>,
) -> Result<Stakeholder> {
    Ok(store
        .update_stakeholder(writer.scope(), id, expected_version, change)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_stakeholder(writer.scope(), id, expected_version)
        .await?)
}
