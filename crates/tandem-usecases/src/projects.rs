//! What a user does to projects: create one, change one, delete one
//! (owners and admins only, since it takes all of the project's work).

use tandem_domain::{NewProject, Project, ProjectFields};
use tandem_store::{Patch, Store};

use crate::{Actor, Result, Writer};

pub async fn create(store: &dyn Store, writer: &Writer, project: &NewProject) -> Result<Project> {
    Ok(store.create_project(writer.scope(), project).await?)
}

/// Changes a project; `change` runs inside the store's transaction (see
/// [`Patch`]).
pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    expected_version: Option<i64>,
    change: Patch<'_, ProjectFields>,
) -> Result<Project> {
    Ok(store
        .update_project(writer.scope(), key, expected_version, change)
        .await?)
}

/// Deletes a project with its phases, milestones, tasks and links.
pub async fn delete(
    store: &dyn Store,
    actor: &Actor,
    key: &str,
    expected_version: Option<i64>,
) -> Result<()> {
    let admin = actor.admin()?;
    Ok(store
        .delete_project(admin.scope(), key, expected_version)
        .await?)
}

/// Archives the project `key` names, or brings it back (owners and
/// admins).
pub async fn archive(
    store: &dyn Store,
    actor: &Actor,
    key: &str,
    expected_version: Option<i64>,
    archived: bool,
) -> Result<Project> {
    let admin = actor.admin()?;
    Ok(store
        .archive_project(admin.scope(), key, expected_version, archived)
        .await?)
}
