//! Writing a task's row: its columns, one row bound or many as a JSON
//! parameter, the project's numbers taken, and the insert of one task
//! with its tags, collaborators and history. Not here: what a task write
//! checks and changes besides (`tasks.rs`), or many tasks' history at
//! once (`created_tasks.rs`).

use super::*;

/// The next `count` numbers of the project's tasks, taken: the first.
pub(super) async fn take_task_numbers(tx: &mut Tx, project_id: Id, count: usize) -> Result<i64> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let last: i64 = sqlx::query_scalar(
        "UPDATE projects SET next_task_number = next_task_number + $2 WHERE id = $1 \
         RETURNING next_task_number",
    )
    .bind(project_id)
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - count + 1)
}

/// Inserts one task with its tags, collaborators and history row;
/// returns its key.
pub(super) async fn insert_task_tx(
    tx: &mut Tx,
    scope: Scope,
    project: Option<&Project>,
    fields: &TaskFields,
    owner: Owner,
    batch: &mut Batch,
) -> Result<(Id, String)> {
    // A project's next number is taken by the command that inserts the
    // task (a statement before it on SQLite, a `WITH` clause of it on
    // PostgreSQL): one round trip fewer, which is what a short write
    // costs.
    let number = match project {
        Some(_) => None,
        None => Some(0),
    };
    insert_numbered_task_tx(tx, scope, project, fields, number, owner, batch).await
}

/// [`insert_task_tx`] with the task's number already taken, or (`None`)
/// taken by the insert itself.
pub(super) async fn insert_numbered_task_tx(
    tx: &mut Tx,
    scope: Scope,
    project: Option<&Project>,
    fields: &TaskFields,
    number: Option<i64>,
    owner: Owner,
    batch: &mut Batch,
) -> Result<(Id, String)> {
    let mut fields = fields.clone();
    fields.normalize();
    fields.check().map_err(StoreError::Invalid)?;
    let refs = resolve_task_refs(
        tx,
        scope,
        project.map(|p| (p.id, p.key.as_str())),
        None,
        &fields,
        owner,
        &[],
    )
    .await?;
    let watch = RollupWatch::before(tx, refs.parent_id).await?;
    let now = Utc::now();
    let row = TaskRowValues {
        project_id: project.map(|p| p.id),
        number,
        fields: &fields,
        owner_id: refs.owner_id,
        parent_id: refs.parent_id,
        now,
    };
    let mut qb = match (number, project) {
        (None, Some(p)) if DbStore::WITH_WRITES => {
            let mut qb = QueryBuilder::<Db>::new(
                "WITH n AS (UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = ",
            );
            qb.push_bind(p.id);
            qb.push(" RETURNING next_task_number) ");
            qb.push(TASK_INSERT.as_str());
            qb
        }
        (None, Some(p)) => {
            let mut qb = QueryBuilder::<Db>::new(
                "UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = ",
            );
            qb.push_bind(p.id);
            qb.push(";\n");
            qb.push(TASK_INSERT.as_str());
            qb
        }
        _ => QueryBuilder::<Db>::new(TASK_INSERT.as_str()),
    };
    qb.push_values([row], |mut b, row| push_task_row(&mut b, scope, &row));
    qb.push(" RETURNING id, number");
    let (id, number): (i64, i64) = qb.build_query_as().fetch_one(&mut **tx).await?;
    push_task_sets(
        batch,
        scope,
        id,
        TaskSets::Fresh,
        &fields.tags,
        &refs.collaborator_ids,
    );
    let created = Contribution::created(
        scope.workspace_id,
        project.map(|p| p.id),
        refs.owner_id,
        &fields,
    );
    watch.settle(tx, batch, Some(created)).await?;
    let key = TaskKey::format(project.map(|p| p.key.as_str()), number, id);
    record_in(
        batch,
        scope,
        project.map(|p| p.id),
        EntityKind::Task,
        id,
        &key,
        "created",
        &activity::created(&task_snapshot(&fields)),
    );
    Ok((id, key))
}

/// A new task's row: its fields and what the store resolved.
pub(super) struct TaskRowValues<'a> {
    pub(super) project_id: Option<Id>,
    /// `None`: the project's next, which the same command has just taken
    /// (on PostgreSQL, the insert's clause `n`).
    pub(super) number: Option<i64>,
    pub(super) fields: &'a TaskFields,
    pub(super) owner_id: Option<Id>,
    pub(super) parent_id: Option<Id>,
    pub(super) now: DateTime<Utc>,
}

/// The columns of a new task's row, in [`push_task_row`]'s order, with
/// their types for rows given as JSON (`json_to_recordset`).
const TASK_COLUMNS: [(&str, &str); 30] = [
    ("workspace_id", "BIGINT"),
    ("project_id", "BIGINT"),
    ("number", "BIGINT"),
    ("title", "TEXT"),
    ("description", "TEXT"),
    ("owner_id", "BIGINT"),
    ("status", "TEXT"),
    ("priority", "TEXT"),
    ("start_date", "DATE"),
    ("due_date", "DATE"),
    ("estimate_days", "DOUBLE PRECISION"),
    ("effort_hours", "DOUBLE PRECISION"),
    ("optimistic_days", "DOUBLE PRECISION"),
    ("likely_days", "DOUBLE PRECISION"),
    ("pessimistic_days", "DOUBLE PRECISION"),
    ("percent_complete", "BIGINT"),
    ("parent_id", "BIGINT"),
    ("phase_id", "BIGINT"),
    ("milestone_id", "BIGINT"),
    ("blocked_reason", "TEXT"),
    ("created_by", "BIGINT"),
    ("created_at", "TIMESTAMPTZ"),
    ("updated_at", "TIMESTAMPTZ"),
    ("completed_at", "TIMESTAMPTZ"),
    ("constraint_type", "TEXT"),
    ("constraint_date", "TEXT"),
    ("actual_start", "TEXT"),
    ("actual_finish", "TEXT"),
    ("scheduling", "TEXT"),
    ("levelling_delay", "BIGINT"),
];

/// [`TASK_COLUMNS`]' names, comma-separated.
pub(super) static TASK_COLUMN_LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    TASK_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
});

pub(super) static TASK_INSERT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("INSERT INTO tasks ({}) ", *TASK_COLUMN_LIST));

/// Binds one row of [`TASK_INSERT`]: one task created through
/// the API, or many in an import.
pub(super) fn push_task_row(
    b: &mut sqlx::query_builder::Separated<'_, '_, Db, &'static str>,
    scope: Scope,
    row: &TaskRowValues<'_>,
) {
    let r = NewTaskRow::new(scope, row);
    b.push_bind(r.workspace_id).push_bind(r.project_id);
    match r.number {
        Some(number) => b.push_bind(number),
        // The clause `n` of the insert took it; a clause's change is not
        // seen by a read of the table in the same statement.
        None if DbStore::WITH_WRITES => b.push("(SELECT next_task_number FROM n)"),
        None => b
            .push("(SELECT next_task_number FROM projects WHERE id = ")
            .push_bind_unseparated(r.project_id)
            .push_unseparated(")"),
    };
    b.push_bind(r.title.to_owned())
        .push_bind(r.description.map(str::to_owned))
        .push_bind(r.owner_id)
        .push_bind(r.status)
        .push_bind(r.priority)
        .push_bind(r.start_date)
        .push_bind(r.due_date)
        .push_bind(r.estimate_days)
        .push_bind(r.effort_hours)
        .push_bind(r.optimistic_days)
        .push_bind(r.likely_days)
        .push_bind(r.pessimistic_days)
        .push_bind(r.percent_complete)
        .push_bind(r.parent_id)
        .push_bind(r.phase_id)
        .push_bind(r.milestone_id)
        .push_bind(r.blocked_reason.map(str::to_owned))
        .push_bind(r.created_by)
        .push_bind(r.created_at)
        .push_bind(r.updated_at)
        .push_bind(r.completed_at)
        .push_bind(r.constraint_type)
        .push_bind(r.constraint_date)
        .push_bind(r.actual_start)
        .push_bind(r.actual_finish)
        .push_bind(r.scheduling)
        .push_bind(r.levelling_delay);
}

impl<'a> NewTaskRow<'a> {
    /// The row; without a number, the project's next (see [`push_task_row`]).
    pub(super) fn new(scope: Scope, row: &TaskRowValues<'a>) -> Self {
        let f = row.fields;
        let tp = f.three_point.as_ref();
        let s = &f.schedule;
        NewTaskRow {
            workspace_id: scope.workspace_id,
            project_id: row.project_id,
            number: row.number,
            title: f.title.trim(),
            description: f.description.as_deref(),
            owner_id: row.owner_id,
            status: f.status.as_str(),
            priority: f.priority.as_str(),
            start_date: f.start_date,
            due_date: f.due_date,
            estimate_days: f.estimate_days,
            effort_hours: f.effort_hours,
            optimistic_days: tp.map(|t| t.optimistic),
            likely_days: tp.map(|t| t.likely),
            pessimistic_days: tp.map(|t| t.pessimistic),
            percent_complete: f.percent_complete,
            parent_id: row.parent_id,
            phase_id: f.phase_id,
            milestone_id: f.milestone_id,
            blocked_reason: f.blocked_reason.as_deref(),
            created_by: scope.user_id,
            created_at: row.now,
            updated_at: row.now,
            completed_at: f.status.is_closed().then_some(row.now),
            constraint_type: s.constraint_type.map(|c| c.as_str()),
            constraint_date: local_time(s.constraint_date),
            actual_start: local_time(s.actual_start),
            actual_finish: local_time(s.actual_finish),
            scheduling: s.mode.as_str(),
            levelling_delay: s.levelling_delay,
            recurrence_id: None,
        }
    }
}

/// Declares [`NewTaskRow`] and [`NewTaskColumns`] from one list of
/// fields: a row's values, the columns of many rows, what fills them and
/// what binds them come from the same names, in the same order.
macro_rules! new_task_columns {
    ($($name:ident: $kind:ty),* $(,)?) => {
        /// A new task's row: the values of [`TASK_COLUMNS`], in their
        /// order, from its fields and what the store resolved, then the
        /// series an occurrence is made for (`recurrence_id`, not a column
        /// of every insert). [`push_task_row`] binds them one by one; many
        /// rows go in a column each ([`NewTaskColumns`]).
        pub(super) struct NewTaskRow<'a> {
            $(pub(super) $name: $kind,)*
        }

        /// Many new tasks' rows a column each, each column one parameter
        /// ([`rows_column`]) that `unnest` deals out again: [`TASK_COLUMNS`]
        /// in their order, then `recurrence_id`. Sent in binary, read
        /// without a parse, where the rows as one JSON parameter cost the
        /// server a parse of their text (500 occurrences' rows: 4.1 ms as
        /// JSON, 2.5 ms as arrays, in psql).
        #[derive(Default)]
        pub(super) struct NewTaskColumns<'a> {
            $($name: Vec<$kind>,)*
        }

        impl<'a> NewTaskColumns<'a> {
            #[cfg(test)]
            const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            pub(super) fn push(&mut self, row: NewTaskRow<'a>) {
                $(self.$name.push(row.$name);)*
            }

            /// The columns bound from `$1` on, for [`TASK_COLUMN_ARRAYS`].
            pub(super) fn bind<'q, O>(
                self,
                query: sqlx::query::QueryAs<'q, Db, O, <Db as sqlx::Database>::Arguments<'q>>,
            ) -> sqlx::query::QueryAs<'q, Db, O, <Db as sqlx::Database>::Arguments<'q>>
            where
                'a: 'q,
            {
                query$(.bind(rows_column(self.$name)))*
            }
        }
    };
}

new_task_columns! {
    workspace_id: Id,
    project_id: Option<Id>,
    number: Option<i64>,
    title: &'a str,
    description: Option<&'a str>,
    owner_id: Option<Id>,
    status: &'static str,
    priority: &'static str,
    start_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    estimate_days: Option<f64>,
    effort_hours: Option<f64>,
    optimistic_days: Option<f64>,
    likely_days: Option<f64>,
    pessimistic_days: Option<f64>,
    percent_complete: i64,
    parent_id: Option<Id>,
    phase_id: Option<Id>,
    milestone_id: Option<Id>,
    blocked_reason: Option<&'a str>,
    created_by: Id,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    constraint_type: Option<&'static str>,
    constraint_date: Option<String>,
    actual_start: Option<String>,
    actual_finish: Option<String>,
    scheduling: &'static str,
    levelling_delay: i64,
    recurrence_id: Option<Id>,
}

/// The parameters of [`NewTaskColumns`] as `unnest`'s arrays, each cast
/// to its column's type: `CAST($1 AS BIGINT[]), …`, `recurrence_id` last.
pub(super) static TASK_COLUMN_ARRAYS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| {
        TASK_COLUMNS
            .iter()
            .map(|(_, kind)| *kind)
            .chain(["BIGINT"])
            .enumerate()
            .map(|(i, kind)| format!("CAST(${} AS {kind}[])", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    });

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of many rows are the insert's, in its order, with the
    /// series last, and each has its array's cast.
    #[test]
    fn the_row_columns_are_the_inserts() {
        let listed = TASK_INSERT
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(columns, _)| columns)
            .unwrap();
        let mut listed: Vec<&str> = listed.split(',').map(str::trim).collect();
        listed.push("recurrence_id");
        assert_eq!(NewTaskColumns::NAMES, listed.as_slice());
        let casts = TASK_COLUMN_ARRAYS.matches("CAST($").count();
        assert_eq!(casts, listed.len());
        assert!(TASK_COLUMN_ARRAYS.starts_with("CAST($1 AS BIGINT[]), CAST($2 AS BIGINT[])"));
        assert!(TASK_COLUMN_ARRAYS.ends_with("CAST($31 AS BIGINT[])"));
    }
}
