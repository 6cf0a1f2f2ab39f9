//! My Work: the caller's open tasks in buckets of when they are due,
//! each counted and paged.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ApprovalView, TaskView};

/// The caller's open tasks by when they are due: every bucket's count,
/// and a page of each, first due first.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MyWork {
    /// The day the buckets were made for.
    pub today: NaiveDate,
    /// Overdue, today, this week, later (with the tasks that have no due
    /// date last), in that order; only the one asked for when `bucket` was.
    pub buckets: Vec<MyWorkBucket>,
    /// Approvals waiting for the caller's answer, newest first.
    #[serde(default)]
    pub approvals: Vec<ApprovalView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MyWorkBucket {
    /// `overdue`, `today`, `this_week` or `later`.
    pub bucket: String,
    /// The bucket's name for people: "This week".
    pub label: String,
    /// All of the caller's open tasks in this bucket, not only this page's.
    pub count: u64,
    /// By due date, then id; tasks without a due date last.
    pub tasks: Vec<TaskView>,
    /// Pass as `cursor`, with this `bucket`, for the bucket's next page;
    /// absent on its last page.
    pub next_cursor: Option<String>,
}
