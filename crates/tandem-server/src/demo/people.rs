//! The demo's people and the workspace they share, Ana owning it.

use tandem_domain::*;
use tandem_store::{Scope, Store, StoreError, WriteScope};

use super::{DEMO_WORKSPACE, email};

pub(super) const PEOPLE: &[(&str, &str, Role)] = &[
    ("ana@demo.tandem", "Ana Lopez", Role::Owner),
    ("ben@demo.tandem", "Ben Okafor", Role::Admin),
    ("chloe@demo.tandem", "Chloé Martin", Role::Member),
    ("dev@demo.tandem", "Dev Patel", Role::Member),
    ("eli@demo.tandem", "Eli Novak", Role::Member),
    ("gwen@demo.tandem", "Gwen Sponsor", Role::Guest),
];

/// Creates (or finds) each person, the workspace and its members; returns
/// the owner's scope, which seeds everything else.
pub(super) async fn workspace(store: &dyn Store, hash: &str) -> Result<WriteScope, StoreError> {
    let mut ids = Vec::new();
    for (address, name, _) in PEOPLE {
        let user = match store.user_by_email(&email(address)).await? {
            Some(u) => u,
            None => store.create_user(&email(address), name, hash).await?,
        };
        ids.push(user.id);
    }
    let slug = Slug::parse(DEMO_WORKSPACE).expect("valid slug");
    let workspace = store
        .create_workspace(&slug, "Demo Co", Some(ids[0]))
        .await?;
    let owner = Scope {
        workspace_id: workspace.id,
        user_id: ids[0],
        role: Role::Owner,
    }
    .admin()
    .expect("a workspace's owner manages its people");
    for ((_, _, role), id) in PEOPLE.iter().zip(&ids).skip(1) {
        store.add_member(owner, *id, *role).await?;
    }
    Ok(owner.writer())
}
