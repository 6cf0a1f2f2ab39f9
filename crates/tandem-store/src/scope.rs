//! Who is asking, and the proofs the store's methods take: a [`Scope`]
//! names the caller, their workspace and their role; a [`WriteScope`] is a
//! scope whose role passed the check for writing, an [`AdminScope`] one
//! that passed the check for managing people, and a [`ProjectAccess`]
//! proves that a project was found visible in a scope. Each proof has
//! private fields and one maker, so the compiler refuses a write that
//! skipped its role check and a per-project read that skipped its
//! visibility check.
//!
//! What this is not: the role rules themselves (the domain's `Role`), or
//! the refusals users read (the use-case layer words them).
//!
//! Outside this crate a proof cannot be made but by its maker; these fail
//! to compile, and the doc tests check that they still do:
//!
//! ```compile_fail,E0603
//! # use tandem_store::{Scope, WriteScope};
//! # use tandem_domain::Role;
//! let guest = Scope { workspace_id: 1, user_id: 2, role: Role::Guest };
//! let forged = WriteScope(guest);
//! ```
//!
//! ```compile_fail,E0451
//! # use tandem_store::{ProjectAccess, Scope};
//! # use tandem_domain::Role;
//! let scope = Scope { workspace_id: 1, user_id: 2, role: Role::Guest };
//! let forged = ProjectAccess { scope, project_id: 7 };
//! ```
//!
//! ```compile_fail,E0624
//! # use tandem_store::{ProjectAccess, Scope};
//! # use tandem_domain::Role;
//! let scope = Scope { workspace_id: 1, user_id: 2, role: Role::Guest };
//! let forged = ProjectAccess::new(scope, 7);
//! ```

use std::ops::Deref;

use tandem_domain::{Id, Role};

/// Who is asking, and in which workspace with which role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub workspace_id: Id,
    pub user_id: Id,
    pub role: Role,
}

impl Scope {
    /// The scope that may write: anyone but a guest.
    pub fn writer(self) -> Option<WriteScope> {
        self.role.can_write().then_some(WriteScope(self))
    }

    /// The scope that may manage the workspace's people: owners and admins.
    pub fn admin(self) -> Option<AdminScope> {
        self.role
            .can_manage_members()
            .then_some(AdminScope(WriteScope(self)))
    }
}

/// A scope whose role may write. Only [`Scope::writer`] (and
/// [`AdminScope::writer`]) make one; every write of the store takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteScope(Scope);

impl Deref for WriteScope {
    type Target = Scope;

    fn deref(&self) -> &Scope {
        &self.0
    }
}

/// A scope whose role may manage people (members, roles, invitations) and
/// delete projects. Only [`Scope::admin`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminScope(WriteScope);

impl AdminScope {
    pub fn writer(self) -> WriteScope {
        self.0
    }
}

impl Deref for AdminScope {
    type Target = Scope;

    fn deref(&self) -> &Scope {
        &self.0.0
    }
}

/// Proof that a project is visible in a scope: only the store makes one,
/// when it reads the project in that scope
/// ([`crate::ProjectStore::open_project`]). The per-project reads take
/// it instead of a bare project id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectAccess {
    scope: Scope,
    project_id: Id,
}

impl ProjectAccess {
    pub(crate) fn new(scope: Scope, project_id: Id) -> Self {
        ProjectAccess { scope, project_id }
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    pub fn project_id(&self) -> Id {
        self.project_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role) -> Scope {
        Scope {
            workspace_id: 1,
            user_id: 2,
            role,
        }
    }

    #[test]
    fn guests_get_no_write_scope_and_only_owners_and_admins_an_admin_scope() {
        assert!(scope(Role::Guest).writer().is_none());
        assert!(scope(Role::Member).writer().is_some());
        assert!(scope(Role::Member).admin().is_none());
        assert!(scope(Role::Guest).admin().is_none());
        let admin = scope(Role::Admin).admin().expect("admins manage people");
        assert_eq!(admin.writer().role, Role::Admin);
        assert!(scope(Role::Owner).admin().is_some());
    }
}
