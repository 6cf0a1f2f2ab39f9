//! What a user does to tasks: create one (from fields or from a quick-add
//! line), change one, delete one, change several at once, and move a card
//! on the board.

use chrono::NaiveDate;
use tandem_domain::quick::{parse_quick_add, resolve_person};
use tandem_domain::validate::required_text;
use tandem_domain::{
    Email, FieldError, Id, NewTask, Priority, Task, TaskFields, TaskStatus, Validation,
};
use tandem_store::{Patch, Scope, Store, StoreError};

use crate::{ATTEMPTS, Error, Result, Writer};

/// Creates a task. A personal task (no project) is its creator's unless
/// given to someone.
pub async fn create(store: &dyn Store, writer: &Writer, mut task: NewTask) -> Result<Task> {
    if task.project.is_none() && task.fields.owner.is_none() {
        task.fields.owner = Email::parse(&writer.user().email).ok();
    }
    Ok(store.create_task(writer.scope(), &task).await?)
}

/// A quick-add line and the day its date words are read against.
#[derive(Debug, Clone)]
pub struct QuickLine {
    pub text: String,
    pub today: NaiveDate,
}

/// Creates a task from one line (`Write brief @ana #LAUNCH due fri
/// !high`): `@person` is a member of the workspace, by email, name or
/// first name.
/// Adds the task a quick-add line describes; with the series it starts
/// when the line said how it repeats.
pub async fn quick_add(
    store: &dyn Store,
    writer: &Writer,
    line: QuickLine,
) -> Result<(Task, Option<tandem_domain::recurrence::Recurrence>)> {
    let quick = parse_quick_add(&line.text, line.today)?;
    let owner = match &quick.person {
        Some(name) => {
            let members = store.list_members(*writer.scope()).await?;
            let people: Vec<_> = members.into_iter().map(|m| m.user).collect();
            let owner = resolve_person(name, &people).and_then(|p| Email::parse(&p.email));
            Some(owner.map_err(|e| Error::Invalid(vec![FieldError::new("owner", e)]))?)
        }
        None => None,
    };
    let mut v = Validation::new();
    let title = required_text(Some(&quick.title), "title", 500, &mut v);
    let mut fields = TaskFields::titled(title);
    fields.owner = owner;
    fields.due_date = quick.due;
    fields.priority = quick.priority.unwrap_or(Priority::None);
    // A line that says how it repeats starts its series on its due date,
    // or else on the rule's first date from today.
    if let Some(rule) = &quick.repeat
        && fields.due_date.is_none()
    {
        fields.due_date = rule
            .dates(line.today, &[], Default::default(), |_| true, 1)
            .first()
            .copied();
        if fields.due_date.is_none() {
            v.push("repeat", "this rule gives no date from today");
        }
    }
    v.merge(fields.check());
    let task = v.finish(|| NewTask {
        project: quick.project,
        fields,
    })?;
    match quick.repeat {
        Some(rule) => {
            let series = tandem_domain::recurrence::Series {
                rule,
                mode: Default::default(),
                reuse: Default::default(),
                landing: Default::default(),
                starts_on: line.today,
                except: Vec::new(),
            };
            let (task, series) = crate::recurrence::create(store, writer, task, &series).await?;
            Ok((task, Some(series)))
        }
        None => Ok((create(store, writer, task).await?, None)),
    }
}

/// Changes a task: `change` makes the new fields of the current ones, and
/// runs inside the store's transaction (see [`Patch`]), so a change
/// without an expected version applies to whatever is current.
pub async fn update(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    expected_version: Option<i64>,
    change: Patch<'_, TaskFields>,
) -> Result<Task> {
    Ok(store
        .update_task(writer.scope(), key, expected_version, change)
        .await?)
}

/// Deletes a task and its subtasks.
pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_task(writer.scope(), key, expected_version)
        .await?)
}

/// A task as the caller saw it: its key, and the version they saw (none:
/// whatever is current).
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub key: String,
    pub version: Option<i64>,
}

/// The fields a bulk edit sets on every task it names; `None` leaves a
/// field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkChange {
    pub status: Option<TaskStatus>,
    pub priority: Option<Priority>,
    pub owner: Option<Option<Email>>,
    pub due_date: Option<Option<NaiveDate>>,
    /// A phase of the tasks' project, or `Some(None)` to take them out of
    /// theirs.
    pub phase_id: Option<Option<Id>>,
    /// A milestone of the tasks' project, or `Some(None)`.
    pub milestone_id: Option<Option<Id>>,
    /// Why they are blocked, when the status set is blocked.
    pub blocked_reason: Option<String>,
}

impl BulkChange {
    fn apply(&self, mut fields: TaskFields) -> TaskFields {
        if let Some(status) = self.status {
            fields.status = status;
            if status == TaskStatus::Blocked && self.blocked_reason.is_some() {
                fields.blocked_reason = self.blocked_reason.clone();
            }
        }
        if let Some(priority) = self.priority {
            fields.priority = priority;
        }
        if let Some(owner) = &self.owner {
            fields.owner = owner.clone();
        }
        if let Some(due) = self.due_date {
            fields.due_date = due;
        }
        if let Some(phase) = self.phase_id {
            fields.phase_id = phase;
        }
        if let Some(milestone) = self.milestone_id {
            fields.milestone_id = milestone;
        }
        fields
    }
}

/// Sets the same fields on several tasks, each at the version the caller
/// saw: all or none. A task that is missing or hidden from the caller is
/// not found; one changed since it was seen refuses the whole edit
/// ([`Error::StaleInBatch`]); a task the change would break is named by
/// its place, `tasks[2].blocked_reason`. Answers every task named, in order,
/// as it now is (tasks the change leaves as they were are not written).
pub async fn bulk_edit(
    store: &dyn Store,
    writer: &Writer,
    tasks: &[Seen],
    change: &BulkChange,
) -> Result<Vec<Task>> {
    let scope = writer.scope();
    let mut attempt = 1;
    loop {
        let mut current = Vec::with_capacity(tasks.len());
        let mut updates = Vec::new();
        let mut errors = Vec::new();
        for (index, seen) in tasks.iter().enumerate() {
            let task = store.get_task(*scope, &seen.key).await?;
            if seen.version.is_some_and(|v| v != task.version) {
                return Err(Error::StaleInBatch {
                    key: Some(task.key),
                    current: task.version,
                });
            }
            let fields = change.apply(task.fields());
            if let Err(broken) = fields.check() {
                errors.extend(
                    broken
                        .into_iter()
                        .map(|e| FieldError::new(format!("tasks[{index}].{}", e.field), e.message)),
                );
            } else if fields != task.fields() {
                updates.push((task.key.clone(), task.version, fields));
            }
            current.push(task);
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        if updates.is_empty() {
            return Ok(current);
        }
        match store.update_tasks(scope, &updates).await {
            Ok(written) => {
                for task in written {
                    if let Some(slot) = current.iter_mut().find(|t| t.id == task.id) {
                        *slot = task;
                    }
                }
                return Ok(current);
            }
            // A task changed between its reading here and the write: the
            // versions the caller gave were checked above, so only tasks
            // seen at "whatever is current" can have moved; read again.
            Err(StoreError::VersionMismatch { .. })
                if attempt < ATTEMPTS && tasks.iter().any(|t| t.version.is_none()) =>
            {
                attempt += 1;
            }
            Err(StoreError::VersionMismatch { current }) => {
                return Err(Error::StaleInBatch { key: None, current });
            }
            Err(other) => return Err(other.into()),
        }
    }
}

/// A card dropped on the board: into the column of `status` (none: its
/// own), between the cards `after` and `before` (either absent at an end
/// of the column), from the version the caller saw (none: whatever is
/// current).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Move {
    pub status: Option<TaskStatus>,
    /// Why, when the card goes to Blocked; kept as it is when not given.
    pub blocked_reason: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
    pub version: Option<i64>,
}

/// Moves a task on its project's board, its new status and place in one
/// write. A neighbour that is no card of the same board is refused by
/// name (`after`, `before`); a stale version is the store's
/// `VersionMismatch`.
pub async fn move_card(store: &dyn Store, writer: &Writer, key: &str, to: &Move) -> Result<Task> {
    let scope = writer.scope();
    let mut attempt = 1;
    loop {
        let current = store.get_task(*scope, key).await?;
        check_neighbours(store, writer, &current, to).await?;
        let mut fields = current.fields();
        if let Some(status) = to.status {
            fields.status = status;
        }
        if let Some(reason) = to.blocked_reason.as_deref().map(str::trim) {
            fields.blocked_reason = (!reason.is_empty()).then(|| reason.to_string());
        }
        fields.normalize();
        fields.check()?;
        let written = store
            .move_task(
                scope,
                key,
                to.version.unwrap_or(current.version),
                &fields,
                to.after.as_deref(),
                to.before.as_deref(),
            )
            .await;
        match written {
            // Someone wrote between the reading and the move, and the
            // caller asked for whatever is current: read it again.
            Err(StoreError::VersionMismatch { .. })
                if to.version.is_none() && attempt < ATTEMPTS =>
            {
                attempt += 1;
            }
            other => return Ok(other?),
        }
    }
}

/// The cards a move names as neighbours are cards of the moved task's own
/// board, other than itself.
async fn check_neighbours(
    store: &dyn Store,
    writer: &Writer,
    task: &Task,
    to: &Move,
) -> Result<()> {
    let mut errors = Vec::new();
    for (field, key) in [("after", &to.after), ("before", &to.before)] {
        let Some(key) = key else { continue };
        let problem = match store.get_task(*writer.scope(), key).await {
            Ok(other) if other.id == task.id => Some("is the task being moved".to_string()),
            Ok(other)
                if other.project.as_ref().map(|p| p.id) != task.project.as_ref().map(|p| p.id) =>
            {
                Some(format!("{} is not on the same board", other.key))
            }
            Ok(_) => None,
            Err(StoreError::NotFound(_)) => {
                Some(format!("must be the key of a task you can open, not {key}"))
            }
            Err(other) => return Err(other.into()),
        };
        if let Some(message) = problem {
            errors.push(FieldError::new(field, message));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// The task `key` names, or the one that had that key before it moved to
/// another project (a promotion or demotion): a link to it still finds it.
pub async fn get(store: &dyn Store, scope: Scope, key: &str) -> Result<Task> {
    match store.get_task(scope, key).await {
        Err(StoreError::NotFound(what)) => match store.moved_task_key(scope, key).await? {
            Some(now) => Ok(store.get_task(scope, &now).await?),
            None => Err(StoreError::NotFound(what).into()),
        },
        other => Ok(other?),
    }
}
