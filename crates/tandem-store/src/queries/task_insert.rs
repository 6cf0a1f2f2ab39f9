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

/// [`TASK_COLUMNS`] with their types, the column definitions of rows
/// given as one JSON parameter (PostgreSQL's `JSON_ROWS`): each row a
/// [`NewTaskRow`] serialized, an object keyed by column.
pub(super) static TASK_JSON_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    TASK_COLUMNS
        .iter()
        .map(|(name, kind)| format!("{name} {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
});

/// A new task's row: the values of [`TASK_COLUMNS`], in their order, from
/// its fields and what the store resolved. [`push_task_row`] binds them
/// one by one; serialized, they are one JSON row keyed by column
/// ([`TASK_JSON_COLUMNS`]), written straight from the fields it borrows
/// (a `serde_json::Value` a row built and sorted a map of thirty keys, a
/// quarter of the recurring job's own time on its day). A null is left
/// out, which the server reads as null: an occurrence's row is half
/// nulls, and reading 500 of them took PostgreSQL 7 ms with the nulls
/// spelled out, 3.5 without.
#[derive(serde::Serialize)]
pub(super) struct NewTaskRow<'a> {
    workspace_id: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<i64>,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_id: Option<Id>,
    status: &'static str,
    priority: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimate_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effort_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    optimistic_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    likely_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pessimistic_days: Option<f64>,
    percent_complete: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    milestone_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_reason: Option<&'a str>,
    created_by: Id,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraint_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraint_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_finish: Option<String>,
    scheduling: &'static str,
    levelling_delay: i64,
    /// The series an occurrence is made for; not a column of every insert.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) recurrence_id: Option<Id>,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON rows name the columns the insert lists, in its order, and
    /// each row fills every one of them.
    #[test]
    fn the_json_columns_are_the_inserts() {
        let listed = TASK_INSERT
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(columns, _)| columns)
            .unwrap();
        let listed: Vec<&str> = listed.split(',').map(str::trim).collect();
        let typed: Vec<&str> = TASK_JSON_COLUMNS
            .split(',')
            .map(|c| c.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(typed, listed);
        // Every value there, as a null is left out of the row.
        let at = NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let mut fields = TaskFields::titled("Drill");
        fields.description = Some("Restore last night's backup".into());
        fields.status = TaskStatus::Done;
        fields.start_date = Some(at.date());
        fields.due_date = Some(at.date());
        fields.estimate_days = Some(1.0);
        fields.effort_hours = Some(6.0);
        fields.three_point = Some(ThreePoint {
            optimistic: 1.0,
            likely: 1.0,
            pessimistic: 2.0,
        });
        fields.phase_id = Some(3);
        fields.milestone_id = Some(4);
        fields.blocked_reason = Some("Waiting for the tapes".into());
        fields.schedule.constraint_type = Some(ConstraintType::Snet);
        fields.schedule.constraint_date = Some(at);
        fields.schedule.actual_start = Some(at);
        fields.schedule.actual_finish = Some(at);
        let row = TaskRowValues {
            project_id: Some(1),
            number: Some(7),
            fields: &fields,
            owner_id: Some(2),
            parent_id: Some(5),
            now: Utc::now(),
        };
        let scope = Scope {
            workspace_id: 1,
            user_id: 2,
            role: Role::Member,
        };
        let json = serde_json::to_value(NewTaskRow::new(scope, &row)).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
        // A null is left out.
        let bare = TaskFields::titled("Drill");
        let row = TaskRowValues {
            fields: &bare,
            owner_id: None,
            parent_id: None,
            ..row
        };
        let json = serde_json::to_value(NewTaskRow::new(scope, &row)).unwrap();
        assert!(json.get("description").is_none() && json.get("owner_id").is_none());
    }
}
