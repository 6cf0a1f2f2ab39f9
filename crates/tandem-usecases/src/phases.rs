//! What a user does to a project's phases and milestones: add, change and
//! remove them.

use tandem_domain::{Id, Milestone, MilestoneFields, Phase, PhaseFields};
use tandem_store::{Patch, Store};

use crate::{Result, Writer};

/// Adds a phase to the project `project_key` names.
pub async fn create_phase(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    fields: &PhaseFields,
) -> Result<Phase> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    Ok(store
        .create_phase(writer.scope(), project.id, fields)
        .await?)
}

pub async fn update_phase(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, PhaseFields>,
) -> Result<Phase> {
    Ok(store
        .update_phase(writer.scope(), id, expected_version, change)
        .await?)
}

/// Puts the phases of the project `project_key` names in `order`.
pub async fn reorder_phases(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    order: &[Id],
) -> Result<Vec<Phase>> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    Ok(store
        .reorder_phases(writer.scope(), project.id, order)
        .await?)
}

/// Puts the milestones of the project `project_key` names in `order`.
pub async fn reorder_milestones(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    order: &[Id],
) -> Result<Vec<Milestone>> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    Ok(store
        .reorder_milestones(writer.scope(), project.id, order)
        .await?)
}

pub async fn delete_phase(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_phase(writer.scope(), id, expected_version)
        .await?)
}

/// Adds a milestone to the project `project_key` names.
pub async fn create_milestone(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    fields: &MilestoneFields,
) -> Result<Milestone> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    Ok(store
        .create_milestone(writer.scope(), project.id, fields)
        .await?)
}

pub async fn update_milestone(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, MilestoneFields>,
) -> Result<Milestone> {
    Ok(store
        .update_milestone(writer.scope(), id, expected_version, change)
        .await?)
}

pub async fn delete_milestone(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_milestone(writer.scope(), id, expected_version)
        .await?)
}
