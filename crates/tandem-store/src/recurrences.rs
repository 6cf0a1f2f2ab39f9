//! Recurring tasks: a task made with a series, the series it belongs to,
//! ending one, and the occurrences a fixed schedule owes (for the job that
//! makes them). An occurrence done makes the next one in the same
//! transaction as the update that closes it (`TaskStore::update_task`).
//!
//! Not here: when the dates come (the domain's `recurrence::Series`).

use async_trait::async_trait;
use chrono::NaiveDate;
use tandem_domain::recurrence::{Recurrence, Series};
use tandem_domain::{Id, NewTask, Task};

use crate::{Result, Scope, WriteScope};

#[async_trait]
pub trait RecurrenceStore: Send + Sync {
    /// Creates a task that repeats as `series` says, its first occurrence
    /// on the task's due date (required; `series.starts_on` is taken from
    /// it): the task and its series in one transaction.
    async fn create_recurring_task(
        &self,
        scope: WriteScope,
        task: &NewTask,
        series: &Series,
    ) -> Result<(Task, Recurrence)>;
    /// Makes the task `key` repeat as `series` says, from its due date
    /// (required), the task its first occurrence; refused for a task that
    /// repeats already.
    async fn start_recurrence(
        &self,
        scope: WriteScope,
        key: &str,
        series: &Series,
    ) -> Result<Recurrence>;
    /// The series `task` (read in `scope`, so the caller may open it)
    /// belongs to, if any.
    async fn recurrence_of(&self, scope: Scope, task: &Task) -> Result<Option<Recurrence>>;
    /// Changes the series of the task `key` for the occurrences still to
    /// come ("this and following", counted from the newest made): its
    /// rule, mode, reuse and landing become `change`'s, the rule starting
    /// at that newest date; the occurrences made stay as they are.
    async fn change_recurrence(
        &self,
        scope: WriteScope,
        key: &str,
        change: &Series,
    ) -> Result<Recurrence>;
    /// Ends the series of the task `key`: no occurrence after those made.
    async fn end_recurrence(&self, scope: WriteScope, key: &str) -> Result<Recurrence>;
    /// Series on a fixed schedule making a new task each time, of every
    /// workspace, that owe an occurrence by `today`: at most `limit`, the
    /// longest owing first and then a project's together, each with its
    /// project (none: a personal task's). (A series that reopens its task moves on when the task is
    /// done.)
    async fn recurrences_owing(
        &self,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<(Id, Option<Id>)>>;
    /// Makes the occurrences the series `ids` owe by `today`, in one
    /// transaction (each date once, whoever else makes them at the same
    /// time): the keys of the tasks made.
    async fn make_occurrences(&self, ids: &[Id], today: NaiveDate) -> Result<Vec<String>>;
}
