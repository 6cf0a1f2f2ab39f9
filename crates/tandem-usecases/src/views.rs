//! What a person does with saved views of a project's list: save the
//! list as it is (theirs, or shared with the project), see theirs and the
//! shared ones, and delete one.

use tandem_domain::{Id, SavedView, ViewFields};
use tandem_store::{Scope, Store};

use crate::{Result, Writer};

/// Saves a view of the project `project_key` names, as the writer's.
pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    fields: &ViewFields,
) -> Result<SavedView> {
    let (_, access) = store.open_project(*writer.scope(), project_key).await?;
    Ok(store.create_view(writer.scope(), access, fields).await?)
}

/// The caller's views of the project and the shared ones, by name.
pub async fn list(store: &dyn Store, scope: Scope, project_key: &str) -> Result<Vec<SavedView>> {
    let (_, access) = store.open_project(scope, project_key).await?;
    Ok(store.list_views(access).await?)
}

pub async fn delete(store: &dyn Store, writer: &Writer, id: Id) -> Result<()> {
    Ok(store.delete_view(writer.scope(), id).await?)
}
