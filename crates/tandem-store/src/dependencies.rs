//! The dependencies between tasks: finish-to-start and the other link
//! types, with their lag. Writing one refuses a cycle.
//!
//! A link is listed only where the caller may open both of its ends; the
//! plan ([`DependencyStore::project_links`]) follows every link.

use async_trait::async_trait;
use tandem_domain::{Dependency, Link, NewDependency};

use crate::{ProjectAccess, Result, Scope, WriteScope};

/// Links between tasks.
#[async_trait]
pub trait DependencyStore: Send + Sync {
    async fn create_dependency(
        &self,
        scope: WriteScope,
        dependency: &NewDependency,
    ) -> Result<Dependency>;
    /// The links into and out of a task.
    async fn task_dependencies(&self, scope: Scope, key: &str) -> Result<Vec<Dependency>>;
    async fn project_dependencies(&self, project: ProjectAccess) -> Result<Vec<Dependency>>;
    /// The links between two tasks of the project, bare: what planning
    /// needs, without the ends' keys and titles (the caller has the tasks).
    async fn project_links(&self, project: ProjectAccess) -> Result<Vec<Link>>;
    /// Changes a link's type and lag; `change` names the link by its
    /// predecessor and successor keys.
    async fn update_dependency(
        &self,
        scope: WriteScope,
        change: &NewDependency,
        expected_version: Option<i64>,
    ) -> Result<Dependency>;
    async fn delete_dependency(
        &self,
        scope: WriteScope,
        predecessor: &str,
        successor: &str,
    ) -> Result<()>;
}
