//! Goals: a tree of them per workspace, each with its key results and the
//! projects and tasks that serve it. The store keeps these; a goal's
//! progress and status are computed by `tandem_domain::goals` from them
//! and the projects' kept roll-ups, and which goals a reader may see is
//! the use cases' (a goal holds every link, whoever reads).

use std::collections::HashMap;

use async_trait::async_trait;
use tandem_domain::rollup::Progress;
use tandem_domain::{Goal, GoalFields, Id, KeyResultFields, TaskStatus};

use crate::{Patch, Result, Scope, WriteScope};

/// A task that serves a goal, with what its progress is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalTask {
    pub goal_id: Id,
    pub task_id: Id,
    pub project_id: Id,
    pub key: String,
    pub title: String,
    pub status: TaskStatus,
    pub percent_complete: i64,
    /// Its weight in hours, as a project's roll-up counts it.
    pub weight_hours: f64,
}

/// The goals of a workspace.
#[async_trait]
pub trait GoalStore: Send + Sync {
    async fn create_goal(&self, scope: WriteScope, goal: &GoalFields) -> Result<Goal>;
    /// Every goal of the workspace, by title, with its key results and
    /// links.
    async fn list_goals(&self, scope: Scope) -> Result<Vec<Goal>>;
    /// Every task serving a goal of the workspace, in each goal's order.
    async fn goal_tasks(&self, scope: Scope) -> Result<Vec<GoalTask>>;
    /// Every project's progress in the workspace, from the kept roll-ups.
    async fn projects_progress(&self, scope: Scope) -> Result<HashMap<Id, Progress>>;
    async fn update_goal(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, GoalFields>,
    ) -> Result<Goal>;
    /// Deletes a goal and its key results; its sub-goals move up to its
    /// parent (to the top, for a goal at the top).
    async fn delete_goal(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// Adds a key result to goal `id`; a new version of the goal.
    async fn add_key_result(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        key_result: &KeyResultFields,
    ) -> Result<Goal>;
    async fn update_key_result(
        &self,
        scope: WriteScope,
        id: Id,
        key_result_id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, KeyResultFields>,
    ) -> Result<Goal>;
    async fn delete_key_result(
        &self,
        scope: WriteScope,
        id: Id,
        key_result_id: Id,
        expected_version: Option<i64>,
    ) -> Result<Goal>;
}
