//! A task as read: the task query, and the list's filters and paging.
//!
//! Not here: the row both drivers fill (`task_row.rs`), the search's words
//! (`search.rs`), or writing tasks (`tasks.rs`).

use tandem_domain::{Id, Priority, TaskStatus};

use super::{Search, SqlSink, TextMatch, push_project_id, push_task_visibility, search_words};
use crate::{OwnerFilter, Scope, SortValue, TaskCursor, TaskFilter, TaskOrder};

/// The task query; `{TAG_AGGREGATE}` is each backend's function joining the
/// tags with spaces (tags never contain whitespace). The children's test
/// names `parent_id IS NOT NULL` so that, for many tasks at once,
/// PostgreSQL's hashed form of it reads the partial index of subtasks,
/// not every task (15 of 22 ms for 500 tasks of 40,000).
pub(crate) const TASK_SELECT_TEMPLATE: &str = "SELECT t.id, t.project_id, p.key AS project_key, t.number, t.title, \
    t.description, t.owner_id, o.email AS owner_email, o.name AS owner_name, t.status, t.priority, \
    t.start_date, t.due_date, t.estimate_days, t.effort_hours, t.optimistic_days, t.likely_days, \
    t.pessimistic_days, t.percent_complete, t.parent_id, pt.number AS parent_number, \
    pt.title AS parent_title, t.phase_id, t.milestone_id, t.blocked_reason, t.created_by, \
    c.email AS creator_email, c.name AS creator_name, t.version, t.created_at, t.updated_at, \
    t.completed_at, (SELECT {TAG_AGGREGATE} FROM task_tags tt WHERE tt.task_id = t.id) AS tags, \
    t.constraint_type, t.constraint_date, t.actual_start, t.actual_finish, t.scheduling, \
    (EXISTS (SELECT 1 FROM dependencies d WHERE d.predecessor_id = t.id) \
    OR EXISTS (SELECT 1 FROM dependencies d WHERE d.successor_id = t.id) \
    OR EXISTS (SELECT 1 FROM tasks ch WHERE ch.parent_id = t.id AND ch.parent_id IS NOT NULL)) AS tied, t.levelling_delay \
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
pub(crate) enum ListPart<'a> {
    /// By id, after this one.
    ById(Option<Id>),
    /// Due on this day, after this id.
    SameDay(chrono::NaiveDate, Id),
    /// With a due date, after this day (or all), by due date then id.
    Dated(Option<chrono::NaiveDate>),
    /// Without a due date, after this id (or all), by id.
    Undated(Option<Id>),
    /// Any other order, whole, from this cursor (or the start). No index
    /// holds these orders: the filtered tasks are sorted by the value
    /// alone (not whole rows) and the page's first `limit` kept, which is
    /// a scan of what the filters select (a project's tasks, say).
    Sorted(TaskOrder, Option<&'a TaskCursor>),
}

impl<'a> ListPart<'a> {
    /// The parts a page of `filter` reads, in order, from its cursor.
    pub(crate) fn of(filter: &'a TaskFilter) -> Vec<ListPart<'a>> {
        // A due-date bound leaves out every task without a due date.
        let undated = filter.due_before.is_none() && filter.due_after.is_none();
        let after = filter.after.as_ref();
        match (filter.order, after) {
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
                Some(&TaskCursor {
                    due_date: Some(day),
                    id,
                    ..
                }),
            ) => {
                let mut parts = vec![ListPart::SameDay(day, id), ListPart::Dated(Some(day))];
                if undated {
                    parts.push(ListPart::Undated(None));
                }
                parts
            }
            (
                TaskOrder::Due,
                Some(&TaskCursor {
                    due_date: None, id, ..
                }),
            ) if undated => {
                vec![ListPart::Undated(Some(id))]
            }
            (TaskOrder::Due, Some(_)) => Vec::new(),
            (order, after) => vec![ListPart::Sorted(order, after)],
        }
    }
}

/// A `CASE` giving each of `values` its place in the slice's order.
fn rank_of<T: Copy>(column: &str, values: &[T], text: impl Fn(T) -> &'static str) -> String {
    let mut case = format!("CASE {column}");
    for (place, value) in values.iter().enumerate() {
        case.push_str(&format!(" WHEN '{}' THEN {place}", text(*value)));
    }
    case + " END"
}

/// What `order` sorts by, as SQL over `tasks t` (NULL where a task has
/// nothing to sort by). Both backends compute it the same way on both
/// sides of a cursor's comparison.
fn sort_expression(order: TaskOrder) -> String {
    match order {
        TaskOrder::Id => "t.id".into(),
        TaskOrder::Due => "t.due_date".into(),
        TaskOrder::Start => "t.start_date".into(),
        TaskOrder::Priority => rank_of("t.priority", Priority::ALL, Priority::as_str),
        TaskOrder::Status => rank_of("t.status", TaskStatus::ALL, TaskStatus::as_str),
        TaskOrder::Title => "LOWER(t.title)".into(),
        TaskOrder::Owner => "(SELECT LOWER(su.name) FROM users su WHERE su.id = t.owner_id)".into(),
        TaskOrder::Board => board_rank("t"),
    }
}

/// Whether some tasks have nothing to sort by in `order`.
fn nullable(order: TaskOrder) -> bool {
    matches!(order, TaskOrder::Due | TaskOrder::Start | TaskOrder::Owner)
}

/// A card's place on the board: its rank, or for a card never moved, a
/// place by id with room between (`UNRANKED_STEP`).
fn board_rank(alias: &str) -> String {
    format!(
        "COALESCE({alias}.board_rank, CAST({alias}.id AS DOUBLE PRECISION) * {})",
        super::tasks::UNRANKED_STEP
    )
}

/// The condition "after `cursor`" in `order` sorted by `expression`
/// (nulls last, then by `id`).
fn push_after_sorted(
    q: &mut impl SqlSink,
    order: TaskOrder,
    expression: &str,
    id: &str,
    cursor: &TaskCursor,
) {
    match (&cursor.value, order) {
        (None, TaskOrder::Board) => {
            q.sql(&format!(
                " AND ({expression} > (SELECT {b} FROM tasks b WHERE b.id = ",
                b = board_rank("b")
            ));
            q.int(cursor.id);
            q.sql(&format!(
                ") OR ({expression} = (SELECT {b} FROM tasks b WHERE b.id = ",
                b = board_rank("b")
            ));
            q.int(cursor.id);
            q.sql(&format!(") AND {id} > "));
            q.int(cursor.id);
            q.sql("))");
        }
        (None, _) => {
            q.sql(&format!(" AND {expression} IS NULL AND {id} > "));
            q.int(cursor.id);
        }
        (Some(value), _) => {
            // Greater, or equal and a later id; a task with nothing to
            // sort by comes after every value. Text is bound as the task
            // has it and lowered by the database, like the expression.
            q.sql(&format!(" AND ({expression} IS NULL OR {expression} > "));
            push_sort_value(q, value);
            q.sql(&format!(" OR ({expression} = "));
            push_sort_value(q, value);
            q.sql(&format!(" AND {id} > "));
            q.int(cursor.id);
            q.sql("))");
        }
    }
}

fn push_sort_value(q: &mut impl SqlSink, value: &SortValue) {
    match value {
        SortValue::Date(day) => q.date(*day),
        SortValue::Rank(place) => q.int(*place),
        SortValue::Text(text) => {
            q.sql("LOWER(");
            q.text(text.clone());
            q.sql(")");
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
    part: ListPart<'_>,
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
            Some("t.due_date, ".to_string())
        }
        ListPart::Undated(after) => {
            q.sql(" AND t.due_date IS NULL");
            if let Some(after) = after {
                q.sql(&format!(" AND {id} > "));
                q.int(after);
            }
            None
        }
        ListPart::Sorted(order, after) => {
            let expression = sort_expression(order);
            if let Some(cursor) = after {
                push_after_sorted(q, order, &expression, id, cursor);
            }
            // Only an order with gaps sorts them last first: a leading
            // flag would keep an index on the value (the board's) from
            // giving the order.
            Some(if nullable(order) {
                format!("({expression}) IS NULL, {expression}, ")
            } else {
                format!("{expression}, ")
            })
        }
    };
    let order = order.unwrap_or_default();
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
        after: filter.after.clone(),
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

/// How many tasks the filter selects in each group of `by`: rows of the
/// group's column (as text) and its count.
pub(crate) fn push_group_counts(
    q: &mut impl SqlSink,
    text: &TextMatch,
    scope: Scope,
    filter: &TaskFilter,
    by: crate::TaskGroup,
) {
    let column = match by {
        crate::TaskGroup::Status => "t.status",
        crate::TaskGroup::Owner => "t.owner_id",
        crate::TaskGroup::Phase => "t.phase_id",
    };
    q.sql(&format!(
        "SELECT CAST({column} AS TEXT), CAST(COUNT(*) AS BIGINT)"
    ));
    let search = Search::Words(search_words(filter.text.as_deref()));
    let source = Source::of(filter, text, &search, true);
    source.push_from(q);
    push_task_where(q, scope, filter, text, &search, source);
    q.sql(&format!(" GROUP BY {column}"));
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
    if !filter.ids.is_empty() {
        q.sql(" AND t.id IN (");
        for (i, id) in filter.ids.iter().enumerate() {
            if i > 0 {
                q.sql(", ");
            }
            q.int(*id);
        }
        q.sql(")");
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
    search.push_condition(q, text);
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
