//! Tasks: creating, reading, listing (filtered, paged), editing one or
//! many, and placing them on the board.
//!
//! Not here: the links between tasks ([`crate::DependencyStore`]) and
//! their schedule ([`crate::PlanStore`]).

use async_trait::async_trait;
use chrono::NaiveDate;
use tandem_domain::{Id, NewTask, Priority, Task, TaskFields, TaskStatus};

use crate::{Patch, ProjectAccess, Result, Scope, WriteScope};

/// Filters of the task list. Everything given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    pub project: Option<String>,
    pub owner: Option<OwnerFilter>,
    pub statuses: Vec<TaskStatus>,
    pub priorities: Vec<Priority>,
    pub tag: Option<String>,
    /// Due strictly before this day (the API's `due_before` includes its
    /// day, and asks for the day after).
    pub due_before: Option<NaiveDate>,
    /// Due strictly after this day.
    pub due_after: Option<NaiveDate>,
    /// Words that must appear in the title or description.
    pub text: Option<String>,
    /// Only tasks that are neither done nor cancelled.
    pub open: bool,
    pub parent: Option<Id>,
    /// Tasks in this phase; `Some(None)`: tasks in no phase.
    pub phase: Option<Option<Id>>,
    /// Tasks with no project only.
    pub personal: bool,
    /// The order of the list, and so what a cursor means.
    pub order: TaskOrder,
    /// Cursor: tasks after this one in `order`.
    pub after: Option<TaskCursor>,
    pub limit: usize,
}

/// The orders the task list can be paged in. Each is total (the id breaks
/// ties), so a cursor names one place in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskOrder {
    /// By id: the order tasks were created in.
    #[default]
    Id,
    /// By due date, then id; tasks without a due date last.
    Due,
}

/// A place in a [`TaskOrder`]: the last task of a page, as much of it as
/// the order compares. In [`TaskOrder::Id`] only `id` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCursor {
    pub due_date: Option<NaiveDate>,
    pub id: Id,
}

impl TaskCursor {
    /// After this task.
    pub fn after(task: &Task) -> Self {
        TaskCursor {
            due_date: task.due_date,
            id: task.id,
        }
    }

    /// In [`TaskOrder::Due`], the place after every task due on `day` (and
    /// before those due later): where a range of due dates starts.
    pub fn after_day(day: NaiveDate) -> Self {
        TaskCursor {
            due_date: Some(day),
            id: Id::MAX,
        }
    }

    /// In [`TaskOrder::Id`], after this id.
    pub fn after_id(id: Id) -> Self {
        TaskCursor { due_date: None, id }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerFilter {
    User(Id),
    /// Resolved inside the list query, saving a lookup.
    Email(String),
    Unassigned,
}

/// The most tasks one page may hold; the server's own readers (a
/// project's plan, its pages) page by this many. Pages of 5,000 measured
/// slower than pages of 500 for a 2,000-task project (docs/benchmarks.md).
pub const MAX_TASK_PAGE: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    /// The cursor to pass as `after` for the next page, if there is one.
    pub next: Option<TaskCursor>,
}

/// Tasks, project and personal, and their places on the board.
#[async_trait]
pub trait TaskStore: Send + Sync {
    async fn create_task(&self, scope: WriteScope, task: &NewTask) -> Result<Task>;
    /// Creates many tasks in one project in one transaction: all or none.
    /// Returns their keys in order.
    async fn import_tasks(
        &self,
        scope: WriteScope,
        project: &str,
        tasks: &[TaskFields],
    ) -> Result<Vec<String>>;
    async fn get_task(&self, scope: Scope, key: &str) -> Result<Task>;
    async fn list_tasks(&self, scope: Scope, filter: &TaskFilter) -> Result<TaskPage>;
    /// How many tasks the filter selects (its cursor and limit aside) in
    /// each band of due dates cut at `edges` (ascending): due before
    /// `edges[0]`, from `edges[i]` to before `edges[i + 1]`, and from the
    /// last edge on or with no due date: `edges.len() + 1` counts. A
    /// person's open tasks are counted from an index alone.
    async fn count_tasks_by_due(
        &self,
        scope: Scope,
        filter: &TaskFilter,
        edges: &[NaiveDate],
    ) -> Result<Vec<u64>>;
    async fn update_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        change: Patch<'_, TaskFields>,
    ) -> Result<Task>;
    /// Updates several tasks in one transaction: all or none. Each names
    /// the version it expects.
    async fn update_tasks(
        &self,
        scope: WriteScope,
        updates: &[(String, i64, TaskFields)],
    ) -> Result<Vec<Task>>;
    /// Moves a task on the board: writes `fields` (a new status, say) as
    /// [`TaskStore::update_task`] does and places the task between `after` and
    /// `before` (task keys of its new neighbours in the column, either
    /// absent at an end), in one transaction.
    async fn move_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: i64,
        fields: &TaskFields,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<Task>;
    /// Each task's place in its board column, lowest first, for the
    /// project's tasks (see [`TaskStore::move_task`]).
    async fn board_ranks(&self, project: ProjectAccess) -> Result<Vec<(Id, f64)>>;
    async fn delete_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
