//! Work changing level: promote a task to a project, demote a project to
//! a task (the store moves the rows in one transaction; the domain's
//! `levels` decides the fields and what refuses a demotion).

use tandem_store::{DemoteTo, Demoted, Promoted, Promotion, Store};

use crate::{Actor, Error, Result, Writer};

/// Makes a project of the task `key`; anyone who may write and open it.
pub async fn promote(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    expected_version: Option<i64>,
    promotion: &Promotion,
) -> Result<Promoted> {
    Ok(store
        .promote_task(writer.scope(), key, expected_version, promotion)
        .await?)
}

/// Whether the caller may make a task of the project `key`: a project
/// leaves the projects' list as a deletion does, so owners and admins
/// may, and the project's own owner (whose outcome it is). Adapters ask
/// first, before they read what was sent.
pub async fn may_demote(store: &dyn Store, actor: &Actor, key: &str) -> Result<()> {
    actor.writer()?;
    if !actor.scope.role.can_manage_members() {
        let project = store.get_project(actor.scope, key).await?;
        if project.owner.as_ref().map(|o| o.id) != Some(actor.user.id) {
            return Err(Error::Forbidden(
                "only owners, admins and the project's owner may make it a task".into(),
            ));
        }
    }
    Ok(())
}

/// Makes a task of the project `key` (see [`may_demote`] for who may).
pub async fn demote(
    store: &dyn Store,
    actor: &Actor,
    key: &str,
    expected_version: Option<i64>,
    to: &DemoteTo,
) -> Result<Demoted> {
    may_demote(store, actor, key).await?;
    let writer = actor.writer()?;
    Ok(store
        .demote_project(writer.scope(), key, expected_version, to)
        .await?)
}
