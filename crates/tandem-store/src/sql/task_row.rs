//! A task's row as both drivers fill it ([`TaskRow`]), before it becomes a
//! domain `Task`, and its collaborators, read beside it.
//!
//! Not here: which tasks a list reads (`task_list.rs`).

use tandem_domain::{Id, ProjectRef, Task, TaskKey, TaskRef, ThreePoint, UserRef};

use super::{Columns, SqlSink, parse_local_time, vocab};
use crate::Result;

/// The collaborators of these tasks: rows of (task id, user id, email, name).
pub(crate) fn push_collaborators(q: &mut impl SqlSink, task_ids: impl Iterator<Item = Id>) {
    q.sql("SELECT tc.task_id, u.id, u.email, u.name FROM task_collaborators tc JOIN users u ON u.id = tc.user_id WHERE tc.task_id IN (");
    for (i, id) in task_ids.enumerate() {
        if i > 0 {
            q.sql(", ");
        }
        q.int(id);
    }
    q.sql(") ORDER BY u.email");
}

pub(crate) fn attach_collaborators(tasks: &mut [Task], collaborators: Vec<(Id, UserRef)>) {
    let index: std::collections::HashMap<Id, usize> =
        tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    for (task_id, user) in collaborators {
        if let Some(&i) = index.get(&task_id) {
            tasks[i].collaborators.push(user);
        }
    }
}

/// One row of the task query, in column order, before it becomes a
/// [`Task`]. Both drivers fill it; only this turns it into the domain's.
#[derive(Debug)]
pub(crate) struct TaskRow {
    pub id: i64,
    pub project_id: Option<i64>,
    pub project_key: Option<String>,
    pub number: i64,
    pub title: String,
    pub description: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_email: Option<String>,
    pub owner_name: Option<String>,
    pub status: String,
    pub priority: String,
    pub start_date: Option<chrono::NaiveDate>,
    pub due_date: Option<chrono::NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub optimistic_days: Option<f64>,
    pub likely_days: Option<f64>,
    pub pessimistic_days: Option<f64>,
    pub percent_complete: i64,
    pub parent_id: Option<i64>,
    pub parent_number: Option<i64>,
    pub parent_title: Option<String>,
    pub phase_id: Option<i64>,
    pub milestone_id: Option<i64>,
    pub blocked_reason: Option<String>,
    pub created_by: Option<i64>,
    pub creator_email: Option<String>,
    pub creator_name: Option<String>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Tags joined by spaces.
    pub tags: Option<String>,
    pub constraint_type: Option<String>,
    /// Local date-times as `YYYY-MM-DDTHH:MM` (see [`local_time`]).
    pub constraint_date: Option<String>,
    pub actual_start: Option<String>,
    pub actual_finish: Option<String>,
    pub scheduling: String,
    /// Linked to other tasks, or with subtasks.
    pub tied: bool,
    pub levelling_delay: i64,
}

fn user(id: Option<i64>, email: Option<String>, name: Option<String>) -> Option<UserRef> {
    match (id, email, name) {
        (Some(id), Some(email), Some(name)) => Some(UserRef { id, email, name }),
        _ => None,
    }
}

/// A three-point estimate from its columns: all three, or none.
pub(crate) fn three_point(
    optimistic: Option<f64>,
    likely: Option<f64>,
    pessimistic: Option<f64>,
) -> Option<ThreePoint> {
    match (optimistic, likely, pessimistic) {
        (Some(optimistic), Some(likely), Some(pessimistic)) => Some(ThreePoint {
            optimistic,
            likely,
            pessimistic,
        }),
        _ => None,
    }
}

/// A task's constraint and actuals from their columns (local instants as
/// minute text).
pub(crate) fn task_scheduling(
    constraint_type: Option<&str>,
    constraint_date: Option<&str>,
    actual_start: Option<&str>,
    actual_finish: Option<&str>,
    mode: &str,
    levelling_delay: i64,
) -> crate::Result<tandem_domain::TaskScheduling> {
    Ok(tandem_domain::TaskScheduling {
        constraint_type: constraint_type.map(vocab).transpose()?,
        constraint_date: parse_local_time(constraint_date)?,
        actual_start: parse_local_time(actual_start)?,
        actual_finish: parse_local_time(actual_finish)?,
        mode: vocab(mode)?,
        levelling_delay,
    })
}

impl TaskRow {
    pub(crate) fn into_task(self) -> crate::Result<Task> {
        let key = self.project_key.as_deref();
        let parent = match (self.parent_id, self.parent_number, self.parent_title) {
            (Some(id), Some(number), Some(title)) => Some(TaskRef {
                id,
                key: TaskKey::format(key, number, id),
                title,
            }),
            _ => None,
        };
        let three_point = three_point(
            self.optimistic_days,
            self.likely_days,
            self.pessimistic_days,
        );
        let mut tags: Vec<String> = self
            .tags
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        tags.sort();
        let schedule = task_scheduling(
            self.constraint_type.as_deref(),
            self.constraint_date.as_deref(),
            self.actual_start.as_deref(),
            self.actual_finish.as_deref(),
            &self.scheduling,
            self.levelling_delay,
        )?;
        let scheduling = schedule.rule(self.start_date, self.due_date, self.tied);
        Ok(Task {
            id: self.id,
            key: TaskKey::format(key, self.number, self.id),
            project: self
                .project_id
                .zip(self.project_key.clone())
                .map(|(id, key)| ProjectRef { id, key }),
            number: self.number,
            title: self.title,
            description: self.description,
            owner: user(self.owner_id, self.owner_email, self.owner_name),
            collaborators: Vec::new(),
            status: vocab(&self.status)?,
            priority: vocab(&self.priority)?,
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point,
            percent_complete: self.percent_complete,
            schedule,
            scheduling,
            parent,
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            tags,
            blocked_reason: self.blocked_reason,
            created_by: user(self.created_by, self.creator_email, self.creator_name),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            completed_at: self.completed_at,
        })
    }
}

pub(crate) fn task_from_row(row: &impl Columns) -> Result<Task> {
    task_row(row)?.into_task()
}

pub(crate) fn task_row(row: &impl Columns) -> Result<TaskRow> {
    Ok(TaskRow {
        id: row.at(0)?,
        project_id: row.at(1)?,
        project_key: row.at(2)?,
        number: row.at(3)?,
        title: row.at(4)?,
        description: row.at(5)?,
        owner_id: row.at(6)?,
        owner_email: row.at(7)?,
        owner_name: row.at(8)?,
        status: row.at(9)?,
        priority: row.at(10)?,
        start_date: row.at(11)?,
        due_date: row.at(12)?,
        estimate_days: row.at(13)?,
        effort_hours: row.at(14)?,
        optimistic_days: row.at(15)?,
        likely_days: row.at(16)?,
        pessimistic_days: row.at(17)?,
        percent_complete: row.at(18)?,
        parent_id: row.at(19)?,
        parent_number: row.at(20)?,
        parent_title: row.at(21)?,
        phase_id: row.at(22)?,
        milestone_id: row.at(23)?,
        blocked_reason: row.at(24)?,
        created_by: row.at(25)?,
        creator_email: row.at(26)?,
        creator_name: row.at(27)?,
        version: row.at(28)?,
        created_at: row.at(29)?,
        updated_at: row.at(30)?,
        completed_at: row.at(31)?,
        tags: row.at(32)?,
        constraint_type: row.at(33)?,
        constraint_date: row.at(34)?,
        actual_start: row.at(35)?,
        actual_finish: row.at(36)?,
        scheduling: row.at(37)?,
        tied: row.at(38)?,
        levelling_delay: row.at(39)?,
    })
}

/// A task named by `id`, `number`, `title` and its project's `key`.
pub(crate) fn task_ref_from_row(row: &impl Columns) -> Result<TaskRef> {
    let id: i64 = row.get("id")?;
    let key: Option<String> = row.get("key")?;
    Ok(TaskRef {
        id,
        key: TaskKey::format(key.as_deref(), row.get("number")?, id),
        title: row.get("title")?,
    })
}

/// A row of [`push_collaborators`]: the task's id and the collaborator.
pub(crate) fn collaborator_from_row(row: &impl Columns) -> Result<(Id, UserRef)> {
    Ok((
        row.at(0)?,
        UserRef {
            id: row.at(1)?,
            email: row.at(2)?,
            name: row.at(3)?,
        },
    ))
}
