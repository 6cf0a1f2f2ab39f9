//! What a user does to links between tasks: add one (a cycle is refused,
//! naming the tasks on it), change its type or lag, remove it.

use tandem_domain::{Dependency, NewDependency};
use tandem_store::{Patch, Store, StoreError};

use crate::{Result, Writer};

pub async fn create(
    store: &dyn Store,
    writer: &Writer,
    dependency: &NewDependency,
) -> Result<Dependency> {
    Ok(store.create_dependency(writer.scope(), dependency).await?)
}

/// Changes the link from `predecessor` to `successor` (task keys): `change`
/// makes the new link of the current one, and its result is checked
/// before it is written.
pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    predecessor: &str,
    successor: &str,
    expected_version: Option<i64>,
    change: Patch<'_, NewDependency>,
) -> Result<Dependency> {
    let scope = writer.scope();
    let current = store
        .task_dependencies(*scope, successor)
        .await?
        .into_iter()
        .find(|d| {
            d.predecessor.key.eq_ignore_ascii_case(predecessor)
                && d.successor.key.eq_ignore_ascii_case(successor)
        })
        .ok_or(StoreError::NotFound("dependency"))?;
    let changed = change(NewDependency {
        predecessor: predecessor.to_string(),
        successor: successor.to_string(),
        kind: current.kind,
        lag_days: current.lag_days,
        lag_format: current.lag_format,
    })?;
    changed.check()?;
    Ok(store
        .update_dependency(scope, &changed, expected_version)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    predecessor: &str,
    successor: &str,
) -> Result<()> {
    Ok(store
        .delete_dependency(writer.scope(), predecessor, successor)
        .await?)
}
