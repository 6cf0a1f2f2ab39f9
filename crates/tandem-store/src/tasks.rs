//! Tasks: creating, reading, listing (filtered, paged), editing one or
//! many, and placing them on the board.
//!
//! Not here: the links between tasks ([`crate::DependencyStore`]) and
//! their schedule ([`crate::PlanStore`]).

use async_trait::async_trait;
use chrono::NaiveDate;
use tandem_domain::{Id, NewTask, Priority, Task, TaskFields, TaskStatus};

use crate::{Patch, Result, Scope, WriteScope};

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
    /// Only these tasks (when not empty): a page drawing some tasks of a
    /// plan reads those alone.
    pub ids: Vec<Id>,
    /// The order of the list, and so what a cursor means.
    pub order: TaskOrder,
    /// Cursor: tasks after this one in `order`.
    pub after: Option<TaskCursor>,
    pub limit: usize,
}

/// The orders the task list can be paged in. Each is total (the id breaks
/// ties), so a cursor names one place in it. Where a task may have no
/// value to sort by (no due date, no start, no owner), those tasks come
/// last, by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskOrder {
    /// By id: the order tasks were created in.
    #[default]
    Id,
    /// By due date, then id; tasks without a due date last.
    Due,
    /// By start date, then id; tasks without a start last.
    Start,
    /// Urgent first, no priority last ([`Priority::ALL`]'s order).
    Priority,
    /// In the order of work ([`TaskStatus::ALL`]'s): backlog first.
    Status,
    /// By title, ignoring case as the database lowers it.
    Title,
    /// By the owner's name, ignoring case; unassigned last.
    Owner,
    /// The board's hand-made order (a card never ranked sits by its id).
    Board,
}

/// A place in a [`TaskOrder`]: the last task of a page, as much of it as
/// the order compares. In [`TaskOrder::Id`] and [`TaskOrder::Board`] only
/// `id` counts (the board reads the card's rank where it stands now); in
/// [`TaskOrder::Due`] `due_date` and `id`; in the others `value` and `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCursor {
    pub due_date: Option<NaiveDate>,
    pub id: Id,
    /// What the order sorts by, as the last task had it; `None` where it
    /// had nothing (no start, no owner).
    pub value: Option<SortValue>,
}

/// A task's value in an order other than by id or due date. Text is kept
/// as the task has it: the database lowers both sides the same way, so a
/// cursor never depends on how Rust and the database differ in casing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Date(NaiveDate),
    /// A place in a closed vocabulary's order.
    Rank(i64),
    Text(String),
}

impl TaskCursor {
    /// After this task, in `order`.
    pub fn after(order: TaskOrder, task: &Task) -> Self {
        let rank = |place: Option<usize>| place.map(|p| SortValue::Rank(p as i64));
        let value = match order {
            TaskOrder::Id | TaskOrder::Due | TaskOrder::Board => None,
            TaskOrder::Start => task.start_date.map(SortValue::Date),
            TaskOrder::Priority => rank(Priority::ALL.iter().position(|p| *p == task.priority)),
            TaskOrder::Status => rank(TaskStatus::ALL.iter().position(|s| *s == task.status)),
            TaskOrder::Title => Some(SortValue::Text(task.title.clone())),
            TaskOrder::Owner => task.owner.as_ref().map(|o| SortValue::Text(o.name.clone())),
        };
        TaskCursor {
            due_date: task.due_date,
            id: task.id,
            value,
        }
    }

    /// In [`TaskOrder::Due`], the place after every task due on `day` (and
    /// before those due later): where a range of due dates starts.
    pub fn after_day(day: NaiveDate) -> Self {
        TaskCursor {
            due_date: Some(day),
            id: Id::MAX,
            value: None,
        }
    }

    /// In [`TaskOrder::Id`], after this id.
    pub fn after_id(id: Id) -> Self {
        TaskCursor {
            due_date: None,
            id,
            value: None,
        }
    }
}

/// What a list or board groups its tasks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskGroup {
    Status,
    Owner,
    Phase,
}

/// One group of a [`TaskGroup`]: a status, an owner's or phase's id, or
/// no owner / no phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKey {
    Status(TaskStatus),
    Id(Id),
    Nobody,
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
    /// The dates a report needs of the leaf tasks of `projects` (of those
    /// owned by `owner` alone, when given): created, first in progress
    /// (from the history), done or cancelled, and the effort weight.
    /// Which projects the reader may open is the caller's to apply.
    async fn report_tasks(
        &self,
        scope: Scope,
        projects: &[Id],
        owner: Option<Id>,
    ) -> Result<Vec<tandem_domain::reports::ReportTask>>;
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
    /// How many tasks the filter selects (its cursor and limit aside) in
    /// each group of `by`, in no order; groups with none are left out.
    async fn count_tasks_by(
        &self,
        scope: Scope,
        filter: &TaskFilter,
        by: TaskGroup,
    ) -> Result<Vec<(GroupKey, u64)>>;
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
    async fn delete_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
