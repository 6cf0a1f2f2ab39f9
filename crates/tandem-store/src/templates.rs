//! Templates: saved in versions (saving under a name again adds a
//! version), read by name at their newest version or any other, and a
//! project made from one's plan in one transaction.
//!
//! Not here: what a template holds or how its dates and roles become a
//! plan (the domain's `templates`), or the starter templates, which live
//! in the binary, not the database.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::templates::{PlannedTask, ProjectPlan};
use tandem_domain::{Id, Project, Task, UserRef};

use crate::{Result, Scope, WriteScope};

/// What a template makes.
pub const PROJECT: &str = "project";
pub const TASK: &str = "task";

/// One version of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: Id,
    pub name: String,
    /// [`PROJECT`] or [`TASK`].
    pub kind: String,
    pub version: i64,
    /// The newest version's number.
    pub latest: i64,
    pub description: Option<String>,
    /// The domain's template as JSON.
    pub body: String,
    /// The project or task it was saved from.
    pub source: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// Saves `body` as template `name` of `kind`: its first version, or
    /// the next one of the template of that name.
    async fn save_template(
        &self,
        scope: WriteScope,
        name: &str,
        kind: &str,
        description: Option<&str>,
        body: &str,
        source: Option<&str>,
    ) -> Result<Template>;
    /// The workspace's templates at their newest versions, by name.
    async fn list_templates(&self, scope: Scope) -> Result<Vec<Template>>;
    /// A template by name (any case) at `version`, or its newest.
    async fn get_template(
        &self,
        scope: Scope,
        kind: &str,
        name: &str,
        version: Option<i64>,
    ) -> Result<Template>;
    /// Every version of a template, newest first (their bodies left out).
    async fn template_versions(
        &self,
        scope: Scope,
        kind: &str,
        name: &str,
    ) -> Result<Vec<Template>>;
    /// Removes a template and all its versions; projects made from it keep
    /// its name and version.
    async fn delete_template(&self, scope: WriteScope, kind: &str, name: &str) -> Result<()>;
    /// Makes the project `plan` describes, everything in it, in one
    /// transaction, recording the template and version it came from.
    async fn create_project_from_plan(
        &self,
        scope: WriteScope,
        plan: &ProjectPlan,
        template: (&str, i64),
    ) -> Result<Project>;
    /// Adds a task and its subtasks (`tasks[0]` the top one, parents by
    /// place) to `project` (none: personal tasks), in one transaction:
    /// the top task as it now is.
    async fn create_task_tree(
        &self,
        scope: WriteScope,
        project: Option<&str>,
        tasks: &[PlannedTask],
    ) -> Result<Task>;
}
