//! The wire shapes of the board and list operations on many tasks or on a
//! task's place: a bulk edit (`POST …/tasks/bulk`) and a board move
//! (`POST …/tasks/{key}/move`). The server turns them into the use cases'
//! inputs; the answers are [`TaskView`](crate::TaskView)s.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::{Id, Priority, TaskStatus};

/// The most tasks one bulk edit may name.
pub const BULK_LIMIT: usize = 500;

/// Sets the same fields on several tasks, each at the version the caller
/// saw: all or none. A field left out stays as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkEditTasks {
    /// The tasks, 1 to 500, each with the version it was read at.
    #[schemars(required, length(min = 1, max = 500))]
    pub tasks: Option<Vec<SeenTask>>,
    pub status: Option<TaskStatus>,
    pub priority: Option<Priority>,
    /// The owner's email; `null` leaves the tasks unassigned.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    /// `null` clears the due date.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_date: Option<Option<NaiveDate>>,
    /// A phase of the tasks' project (its id); `null` takes them out of
    /// their phase.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase_id: Option<Option<Id>>,
    /// A milestone of the tasks' project (its id); `null` takes them off
    /// their milestone.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub milestone_id: Option<Option<Id>>,
    /// Why the tasks are blocked, with `status: blocked` (ignored with
    /// any other status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
}

/// A task as the caller read it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeenTask {
    #[schemars(required)]
    pub key: Option<String>,
    /// The version read (the task's `version`, or its ETag): a task
    /// changed since refuses the whole edit with 409.
    #[schemars(required)]
    pub version: Option<i64>,
}

/// Moves a task on its project's board: into the column of `status`, and
/// between the cards `after` and `before` (task keys of its new
/// neighbours; either left out at an end of the column).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveTask {
    /// The new status (its column); left out, the card stays in its own.
    pub status: Option<TaskStatus>,
    /// Why it is blocked, when it goes to the blocked column (kept as it
    /// was when left out; cleared when it leaves that column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
    /// The key of the card it goes after.
    pub after: Option<String>,
    /// The key of the card it goes before.
    pub before: Option<String>,
    /// The version read, when not given as `If-Match`.
    pub version: Option<i64>,
}
