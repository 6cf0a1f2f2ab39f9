//! A task as read: the task query, the list's filters and paging, and the
//! row ([`TaskRow`]) both drivers fill before it becomes a domain `Task`.
//!
//! Not here: writing tasks (`tasks.rs`).

use tandem_domain::{Id, ProjectRef, Task, TaskKey, TaskRef, ThreePoint, UserRef};

use super::{Columns, SqlSink, parse_local_time, push_project_id, push_task_visibility, vocab};
use crate::{OwnerFilter, Result, Scope, TaskCursor, TaskFilter, TaskOrder};

/// The task query; `{TAG_AGGREGATE}` is each backend's function joining the
/// tags with spaces (tags never contain whitespace).
pub(crate) const TASK_SELECT_TEMPLATE: &str = "SELECT t.id, t.project_id, p.key AS project_key, t.number, t.title, \
    t.description, t.owner_id, o.email AS owner_email, o.name AS owner_name, t.status, t.priority, \
    t.start_date, t.due_date, t.estimate_days, t.effort_hours, t.optimistic_days, t.likely_days, \
    t.pessimistic_days, t.percent_complete, t.parent_id, pt.number AS parent_number, \
    pt.title AS parent_title, t.phase_id, t.milestone_id, t.blocked_reason, t.created_by, \
    c.email AS creator_email, c.name AS creator_name, t.version, t.created_at, t.updated_at, \
    t.completed_at, (SELECT {TAG_AGGREGATE} FROM task_tags tt WHERE tt.task_id = t.id) AS tags, \
    t.constraint_type, t.constraint_date, t.actual_start, t.actual_finish \
    FROM tasks t \
    LEFT JOIN projects p ON p.id = t.project_id \
    LEFT JOIN users o ON o.id = t.owner_id \
    LEFT JOIN users c ON c.id = t.created_by \
    LEFT JOIN tasks pt ON pt.id = t.parent_id";

/// One stretch of a list's order that a single index range reads in
/// order: a page of [`TaskOrder::Due`] is read as up to three of them, so
/// each query starts exactly at the cursor, on both backends (SQLite sorts
/// no dates first and PostgreSQL last, and a row-value comparison would
/// make SQLite step over every task due on the cursor's day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListPart {
    /// By id, after this one.
    ById(Option<Id>),
    /// Due on this day, after this id.
    SameDay(chrono::NaiveDate, Id),
    /// With a due date, after this day (or all), by due date then id.
    Dated(Option<chrono::NaiveDate>),
    /// Without a due date, after this id (or all), by id.
    Undated(Option<Id>),
}

impl ListPart {
    /// The parts a page of `filter` reads, in order, from its cursor.
    pub(crate) fn of(filter: &TaskFilter) -> Vec<ListPart> {
        // A due-date bound leaves out every task without a due date.
        let undated = filter.due_before.is_none() && filter.due_after.is_none();
        match (filter.order, filter.after) {
            (TaskOrder::Id, after) => vec![ListPart::ById(after.map(|a| a.id))],
            (TaskOrder::Due, None) => {
                let mut parts = vec![ListPart::Dated(None)];
                if undated {
                    parts.push(ListPart::Undated(None));
                }
                parts
            }
            (
                TaskOrder::Due,
                Some(TaskCursor {
                    due_date: Some(day),
                    id,
                }),
            ) => {
                let mut parts = vec![ListPart::SameDay(day, id), ListPart::Dated(Some(day))];
                if undated {
                    parts.push(ListPart::Undated(None));
                }
                parts
            }
            (TaskOrder::Due, Some(TaskCursor { due_date: None, id })) if undated => {
                vec![ListPart::Undated(Some(id))]
            }
            (TaskOrder::Due, Some(TaskCursor { due_date: None, .. })) => Vec::new(),
        }
    }
}

/// A part of the task list query: `limit + 1` rows, so the caller knows
/// whether another page follows.
///
/// The page's ids are chosen first, by a query that reads only what the
/// filters need, and the page's columns (its joins and tags) are read for
/// those ids alone: where a plan must sort (a due range in id order, a tag
/// in due order) it sorts ids, not whole rows, and where it need not (a
/// search or a tag in id order, read from its index in id order; see
/// [`Source`]) it stops after the page.
// Each of these is one part of what a page is; a struct would only be
// built to be taken apart again.
#[allow(clippy::too_many_arguments)]
pub(crate) fn push_task_list(
    q: &mut impl SqlSink,
    select: &str,
    text: &TextMatch,
    scope: Scope,
    filter: &TaskFilter,
    search: &Search,
    part: ListPart,
    limit: usize,
) {
    let source = Source::of(filter, text, search, matches!(part, ListPart::ById(_)));
    let id = source.id();
    q.sql(select);
    q.sql(&format!(" WHERE t.id IN (SELECT {id}"));
    source.push_from(q);
    push_task_where(q, scope, filter, text, search, source);
    let order = match part {
        ListPart::ById(after) => {
            if let Some(after) = after {
                q.sql(&format!(" AND {id} > "));
                q.int(after);
            }
            None
        }
        ListPart::SameDay(day, after) => {
            q.sql(" AND t.due_date = ");
            q.date(day);
            q.sql(&format!(" AND {id} > "));
            q.int(after);
            None
        }
        ListPart::Dated(after) => {
            q.sql(" AND t.due_date IS NOT NULL");
            if let Some(after) = after {
                q.sql(" AND t.due_date > ");
                q.date(after);
            }
            Some("t.due_date, ")
        }
        ListPart::Undated(after) => {
            q.sql(" AND t.due_date IS NULL");
            if let Some(after) = after {
                q.sql(&format!(" AND {id} > "));
                q.int(after);
            }
            None
        }
    };
    let order = order.unwrap_or("");
    q.sql(&format!(" ORDER BY {order}{id} LIMIT "));
    q.int(limit as i64 + 1);
    q.sql(&format!(") ORDER BY {order}t.id"));
}

/// How many tasks the filter selects in each band of due dates (see
/// `TaskStore::count_tasks_by_due`): one row of `edges.len() + 1` counts.
/// A person's own open tasks, all of which they may see (My Work), are
/// summed from their counts by due date, kept by each write, and not
/// counted task by task.
pub(crate) fn push_due_counts(
    q: &mut impl SqlSink,
    text: &TextMatch,
    scope: Scope,
    filter: &TaskFilter,
    edges: &[chrono::NaiveDate],
) {
    let own_open_work = TaskFilter {
        owner: Some(OwnerFilter::User(scope.user_id)),
        open: true,
        order: filter.order,
        after: filter.after,
        limit: filter.limit,
        ..Default::default()
    };
    let kept = scope.role.sees_all_projects() && *filter == own_open_work;
    q.sql("SELECT ");
    for band in 0..=edges.len() {
        if band > 0 {
            q.sql(", ");
        }
        q.sql("CAST(COALESCE(SUM(CASE WHEN ");
        match (band.checked_sub(1).map(|i| edges[i]), edges.get(band)) {
            (None, Some(end)) => {
                q.sql("t.due_date < ");
                q.date(*end);
            }
            (Some(start), Some(end)) => {
                q.sql("t.due_date >= ");
                q.date(start);
                q.sql(" AND t.due_date < ");
                q.date(*end);
            }
            (Some(start), None) => {
                q.sql("t.due_date >= ");
                q.date(start);
                q.sql(" OR t.due_date IS NULL");
            }
            (None, None) => q.sql("1 = 1"),
        }
        q.sql(if kept {
            " THEN t.open_tasks ELSE 0 END), 0) AS BIGINT)"
        } else {
            " THEN 1 ELSE 0 END), 0) AS BIGINT)"
        });
    }
    if kept {
        // Undated tasks are kept under a date after every band's start.
        q.sql(" FROM owner_open_due t WHERE t.workspace_id = ");
        q.int(scope.workspace_id);
        q.sql(" AND t.owner_id = ");
        q.int(scope.user_id);
        return;
    }
    let search = Search::Words(search_words(filter.text.as_deref()));
    // Counting reads every match in no order: from the fewest rows.
    let source = Source::of(filter, text, &search, true);
    source.push_from(q);
    push_task_where(q, scope, filter, text, &search, source);
}

/// The `WHERE` clause of the list: visibility and every filter but the
/// cursor, over `source`'s tables.
fn push_task_where(
    q: &mut impl SqlSink,
    scope: Scope,
    filter: &TaskFilter,
    text: &TextMatch,
    search: &Search,
    source: Source,
) {
    q.sql(" WHERE 1 = 1");
    let own = matches!(filter.owner, Some(OwnerFilter::User(owner)) if owner == scope.user_id);
    if own && scope.role.sees_all_projects() {
        // The caller's own tasks are all theirs to see (personal ones by
        // ownership, the rest by role), so only the workspace is checked:
        // the visibility clause would read columns no index of a
        // person's work holds, and make counting it read every task.
        q.sql(" AND t.workspace_id = ");
        q.int(scope.workspace_id);
    } else {
        push_task_visibility(q, scope);
    }
    if let Some(project) = &filter.project {
        push_project_id(q, " AND t.project_id = ", scope, project);
    }
    if filter.personal {
        q.sql(" AND t.project_id IS NULL");
    }
    match &filter.owner {
        Some(OwnerFilter::User(owner)) => {
            q.sql(" AND t.owner_id = ");
            q.int(*owner);
        }
        Some(OwnerFilter::Email(email)) => {
            q.sql(" AND t.owner_id = (SELECT id FROM users WHERE email = ");
            q.text(email.to_lowercase());
            q.sql(")");
        }
        Some(OwnerFilter::Unassigned) => q.sql(" AND t.owner_id IS NULL"),
        None => {}
    }
    for (column, values) in [
        (
            "t.status",
            filter
                .statuses
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "t.priority",
            filter
                .priorities
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>(),
        ),
    ] {
        if values.is_empty() {
            continue;
        }
        q.sql(&format!(" AND {column} IN ("));
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                q.sql(", ");
            }
            q.text(value.to_string());
        }
        q.sql(")");
    }
    if filter.open {
        q.sql(" AND t.status NOT IN ('done', 'cancelled')");
    }
    if let Some(tag) = &filter.tag {
        // The tag's entries are the read's source, or the list its tasks
        // are looked up in.
        let (start, end) = match source {
            Source::Tag => (" AND ft.workspace_id = ", ""),
            _ => (
                " AND t.id IN (SELECT task_id FROM task_tags WHERE workspace_id = ",
                ")",
            ),
        };
        q.sql(start);
        q.int(scope.workspace_id);
        q.sql(" AND tag = ");
        q.text(tag.clone());
        q.sql(end);
    }
    if let Some(before) = filter.due_before {
        q.sql(" AND t.due_date < ");
        q.date(before);
    }
    if let Some(after) = filter.due_after {
        q.sql(" AND t.due_date > ");
        q.date(after);
    }
    if let Some(parent) = filter.parent {
        q.sql(" AND t.parent_id = ");
        q.int(parent);
    }
    match filter.phase {
        Some(Some(phase)) => {
            q.sql(" AND t.phase_id = ");
            q.int(phase);
        }
        Some(None) => q.sql(" AND t.phase_id IS NULL"),
        None => {}
    }
    match search {
        Search::Words(words) if words.is_empty() => {}
        Search::Words(words) => {
            q.sql(text.condition.0);
            q.text(text.query(words));
            q.sql(text.condition.1);
        }
        Search::Found(ids) if ids.is_empty() => q.sql(" AND 1 = 0"),
        Search::Found(ids) => {
            q.sql(" AND t.id IN (");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    q.sql(", ");
                }
                q.int(*id);
            }
            q.sql(")");
        }
    }
}

/// A list's text search as its page reads it: the words every match has
/// (each as a prefix), or, where the backend looked them up in its index
/// first ([`TextMatch::probe`]), every task that has them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Search {
    Words(Vec<String>),
    Found(Vec<Id>),
}

/// How a backend finds the tasks whose title or description has, for
/// each word of a search (`q`), a word beginning with it. The words it
/// is given are letters and digits only ([`search_words`]), so nothing
/// typed into a search is read as either dialect's query syntax.
#[derive(Debug)]
pub(crate) struct TextMatch {
    /// The index of matches to read a page from in id order, joined to
    /// the tasks `t`, and its column of task ids; none where the index
    /// gives matches in no useful order (a condition on `t` then).
    pub source: Option<(&'static str, &'static str)>,
    /// The condition, before and after the search's parameter.
    pub condition: (&'static str, &'static str),
    /// What makes a word a prefix term: before and after it.
    pub term: (&'static str, &'static str),
    /// What joins the terms so that every one must match.
    pub and: &'static str,
    /// A query of at most `$3` ids of workspace `$1`'s tasks matching the
    /// search's parameter `$2`, read from the index alone, for a backend
    /// whose planner cannot tell a rare search from a common one: when it
    /// finds them all, the page reads those tasks and nothing else.
    pub probe: Option<&'static str>,
}

impl TextMatch {
    /// The search's parameter: every word as a prefix term.
    pub(crate) fn query(&self, words: &[String]) -> String {
        let (before, after) = self.term;
        words
            .iter()
            .map(|word| format!("{before}{word}{after}"))
            .collect::<Vec<_>>()
            .join(self.and)
    }
}

/// A search reads at most this many words.
const SEARCH_WORDS: usize = 8;

/// The words of a search: its runs of letters and digits, lowercased.
/// Anything else (quotes, operators, punctuation) only separates words,
/// as it does in the text both backends index. None: no text filter.
pub(crate) fn search_words(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(SEARCH_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// Where a filtered read starts. A search (where the backend's index
/// gives matches in id order) is read from its index, so a page costs
/// what the search matches, at most. A tag is read from its own index in
/// task id order when the page is in id order (`by_id`), so the page
/// stops after the page instead of sorting every task of the tag; in due
/// order the tasks are read by due date, the tag a list they are looked up
/// in, which stops after the page too unless the tag is rare. Otherwise
/// the read starts at the tasks.
#[derive(Debug, Clone, Copy)]
enum Source {
    Tasks,
    /// `task_tags ft`, by `ft.task_id`.
    Tag,
    /// The backend's index of matches (its table, its id column).
    Text(&'static str, &'static str),
}

impl Source {
    fn of(filter: &TaskFilter, text: &TextMatch, search: &Search, by_id: bool) -> Source {
        match (text.source, search) {
            (Some((table, id)), Search::Words(words)) if !words.is_empty() => {
                Source::Text(table, id)
            }
            _ if filter.tag.is_some() && by_id => Source::Tag,
            _ => Source::Tasks,
        }
    }

    /// The column of task ids the read is in the order of.
    fn id(self) -> &'static str {
        match self {
            Source::Tasks => "t.id",
            Source::Tag => "ft.task_id",
            Source::Text(_, id) => id,
        }
    }

    fn push_from(self, q: &mut impl SqlSink) {
        match self {
            Source::Tasks => q.sql(" FROM tasks t"),
            Source::Tag => q.sql(" FROM task_tags ft JOIN tasks t ON t.id = ft.task_id"),
            Source::Text(table, id) => q.sql(&format!(" FROM {table} JOIN tasks t ON t.id = {id}")),
        }
    }
}

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
) -> crate::Result<tandem_domain::TaskScheduling> {
    Ok(tandem_domain::TaskScheduling {
        constraint_type: constraint_type.map(vocab).transpose()?,
        constraint_date: parse_local_time(constraint_date)?,
        actual_start: parse_local_time(actual_start)?,
        actual_finish: parse_local_time(actual_finish)?,
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
        )?;
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
