//! The recurrence job's bulk making of occurrences: the dates a batch of
//! series owes, made in one transaction a few statements at a time for
//! all of them. Not here: a series itself, or the one occurrence that
//! follows a task done (`recurrences.rs`).

use std::collections::{BTreeMap, BTreeSet};

use tandem_domain::recurrence::{Mode, Recurrence, Reuse};

use super::recurrences::{
    RECURRENCE_SELECT, Working, home_tx, occurrence_fields, recurrence_from_row,
};
use super::*;

/// One occurrence to make: its series, date and the task it is made like.
struct Owed<'a> {
    series: &'a Recurrence,
    scope: Scope,
    template: &'a Task,
    date: NaiveDate,
}

/// The occurrences series `ids` owe by `today`, made in this transaction:
/// each series, its latest occurrence, the dates it made and its
/// project's calendar read once for all; the dates taken in one
/// statement (the primary key keeps another node from taking one twice);
/// each project's numbers taken at once, and the tasks of all of them
/// inserted 500 to a statement, with their tags, collaborators, history
/// and events in one batch; the roll-ups last.
pub(super) async fn make_occurrences_tx(
    tx: &mut Tx,
    ids: &[Id],
    today: NaiveDate,
) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Writers of a project queue in one order, the project's lock
    // first (a task closed into its next occurrence takes its project's,
    // then its series'): the projects' locks, in order of id, then the
    // series held for this transaction; another node's are skipped (it
    // makes theirs), so what they made is read as it stays.
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT DISTINCT project_id FROM recurrences WHERE project_id IS NOT NULL AND id",
    );
    push_ids(&mut qb, ids.iter().copied());
    let mut projects: Vec<i64> = qb.build_query_scalar().fetch_all(&mut **tx).await?;
    projects.sort_unstable();
    for project in projects {
        lock_project_tx(tx, project).await?;
    }
    let mut qb = QueryBuilder::<Db>::new(RECURRENCE_SELECT);
    qb.push(" WHERE id");
    push_ids(&mut qb, ids.iter().copied());
    qb.push(" ORDER BY id");
    qb.push(DbStore::SKIP_LOCKED);
    let rows = qb.build().fetch_all(&mut **tx).await?;
    let mut series = Vec::with_capacity(rows.len());
    for row in &rows {
        let recurrence = recurrence_from_row(row)?;
        // A series that reopens its one task moves on when that task is
        // done, never by the calendar alone: the work would lose its
        // state (in progress, overdue) to a date.
        if recurrence.ended
            || recurrence.series.mode != Mode::Schedule
            || recurrence.series.reuse != Reuse::NewTask
        {
            continue;
        }
        // The job acts for whoever made the series, in its workspace.
        let scope = Scope {
            workspace_id: Columns::get(row, "workspace_id")?,
            user_id: Columns::get(row, "created_by")?,
            role: Role::Member,
        };
        series.push((recurrence, scope));
    }
    if series.is_empty() {
        return Ok(Vec::new());
    }
    let live: Vec<Id> = series.iter().map(|(r, _)| r.id).collect();
    // The dates each series made from its last date on (every one before
    // it was made: `Series::due`), and its latest occurrence that still
    // has its task (what the next is made like), in one read: a series'
    // every date was read here, a year's dates of a daily series a day.
    let mut qb = QueryBuilder::<Db>::new(SERIES_DATES_SINCE_LAST);
    push_ids(&mut qb, live.iter().copied());
    let mut made: HashMap<Id, BTreeSet<NaiveDate>> = HashMap::new();
    let mut newest: HashMap<Id, (NaiveDate, Id)> = HashMap::new();
    fn keep_newest(
        newest: &mut HashMap<Id, (NaiveDate, Id)>,
        id: Id,
        day: NaiveDate,
        task: Option<Id>,
    ) {
        if let Some(task) = task {
            let slot = newest.entry(id).or_insert((day, task));
            if day > slot.0 {
                *slot = (day, task);
            }
        }
    }
    for (id, day, task) in qb
        .build_query_as::<(i64, NaiveDate, Option<i64>)>()
        .fetch_all(&mut **tx)
        .await?
    {
        made.entry(id).or_default().insert(day);
        keep_newest(&mut newest, id, day, task);
    }
    // Those whose recent occurrences' tasks were all deleted are made like
    // an older one.
    let older: Vec<Id> = live
        .iter()
        .copied()
        .filter(|id| !newest.contains_key(id))
        .collect();
    if !older.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT recurrence_id, occurs_on, task_id FROM occurrences \
             WHERE task_id IS NOT NULL AND recurrence_id",
        );
        push_ids(&mut qb, older);
        for (id, day, task) in qb
            .build_query_as::<(i64, NaiveDate, Option<i64>)>()
            .fetch_all(&mut **tx)
            .await?
        {
            keep_newest(&mut newest, id, day, task);
        }
    }
    let latest: HashMap<Id, Id> = newest
        .into_iter()
        .map(|(id, (_, task))| (id, task))
        .collect();
    // Every occurrence made was deleted: nothing to make one like, and
    // the series is over.
    let orphans: Vec<Id> = live
        .iter()
        .copied()
        .filter(|id| !latest.contains_key(id))
        .collect();
    if !orphans.is_empty() {
        let mut qb = QueryBuilder::<Db>::new("UPDATE recurrences SET ended = ");
        qb.push_bind(true);
        qb.push(" WHERE id");
        push_ids(&mut qb, orphans);
        qb.build().execute(&mut **tx).await?;
    }
    let mut templates: HashMap<Id, Task> = HashMap::new();
    if !latest.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(TASK_SELECT.as_str());
        qb.push(" WHERE t.id");
        push_ids(&mut qb, latest.values().copied());
        let mut tasks = qb
            .build()
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(task_from_row)
            .collect::<Result<Vec<_>>>()?;
        fill_tasks(&mut *tx, &mut tasks).await?;
        templates = tasks.into_iter().map(|t| (t.id, t)).collect();
    }
    // The projects the occurrences go in, and their calendars, once each.
    let mut homes: HashMap<Option<Id>, (Option<Project>, Working)> = HashMap::new();
    let mut owed: Vec<Owed> = Vec::new();
    for (recurrence, scope) in &series {
        let Some(template) = latest.get(&recurrence.id).and_then(|id| templates.get(id)) else {
            continue;
        };
        // A personal task is its owner's and maker's alone.
        if template.project.is_none()
            && template.owner.as_ref().map(|o| o.id) != Some(scope.user_id)
            && template.created_by.as_ref().map(|c| c.id) != Some(scope.user_id)
        {
            continue;
        }
        let home = template.project.as_ref().map(|p| p.id);
        if let std::collections::hash_map::Entry::Vacant(slot) = homes.entry(home) {
            slot.insert(home_tx(&mut *tx, *scope, template).await?);
        }
        let (_, working) = &homes[&home];
        let empty = BTreeSet::new();
        let dates = made.get(&recurrence.id).unwrap_or(&empty);
        for date in recurrence
            .series
            .due(dates, recurrence.last_on, today, working)
        {
            owed.push(Owed {
                series: recurrence,
                scope: *scope,
                template,
                date,
            });
        }
    }
    // Owners and collaborators who have left are left off.
    let mut members: BTreeSet<(Id, Id)> = BTreeSet::new();
    let people: BTreeSet<Id> = owed
        .iter()
        .flat_map(|o| {
            o.template
                .owner
                .iter()
                .chain(&o.template.collaborators)
                .map(|u| u.id)
        })
        .collect();
    if !people.is_empty() {
        let mut qb =
            QueryBuilder::<Db>::new("SELECT workspace_id, user_id FROM members WHERE user_id");
        push_ids(&mut qb, people);
        members.extend(
            qb.build_query_as::<(i64, i64)>()
                .fetch_all(&mut **tx)
                .await?,
        );
    }
    let now = Utc::now();
    // The roll-ups last, just before the commit: their rows (a person's
    // open tasks by date) are shared with the batches of other projects
    // running beside this one, which would otherwise queue there for the
    // rest of this transaction.
    let mut rollups = Batch::default();
    let mut keys = Vec::with_capacity(owed.len());
    let mut made_tasks: Vec<(Id, Id, NaiveDate)> = Vec::with_capacity(owed.len());
    // Each project's numbers taken in one statement (its row is held
    // already), then the tasks of all projects 500 to a statement: a
    // batch holds several small projects' series, and a statement a
    // project would be most of such a batch.
    // Each project's count of occurrences, then its next number.
    let mut next_number: BTreeMap<Id, i64> = BTreeMap::new();
    for o in &owed {
        if let Some(project) = &o.template.project {
            *next_number.entry(project.id).or_default() += 1;
        }
    }
    for (project, next) in next_number.iter_mut() {
        *next = take_task_numbers(tx, *project, *next as usize).await?;
    }
    let mut in_projects: Vec<Numbered> = Vec::with_capacity(owed.len());
    let mut personal: Vec<Numbered> = Vec::new();
    for o in &owed {
        match o.template.project.as_ref().map(|p| p.id) {
            Some(project) => {
                let next = next_number
                    .get_mut(&project)
                    .expect("every project's numbers are taken above");
                in_projects.push((o, Some(project), *next));
                *next += 1;
            }
            None => personal.push((o, None, 0)),
        }
    }
    // Personal tasks are all number 0, told apart only by their ids,
    // which RETURNING gives in no promised order: one at a time.
    for chunk in in_projects.chunks(500).chain(personal.chunks(1)) {
        let fields: Vec<TaskFields> = chunk
            .iter()
            .map(|(o, _, _)| occurrence_fields(o.template, o.date))
            .collect();
        let member = |o: &Owed, id: Id| members.contains(&(o.scope.workspace_id, id));
        // Each task linked to its series as it is made: an update after
        // would write every row, and every index of tasks, twice.
        let row = rows_of(|(o, home, number): &Numbered, f| TaskRowValues {
            project_id: *home,
            number: Some(*number),
            fields: f,
            owner_id: o
                .template
                .owner
                .as_ref()
                .map(|u| u.id)
                .filter(|id| member(o, *id)),
            parent_id: o.template.parent.as_ref().map(|p| p.id),
            now,
        });
        let rows: Vec<(i64, Option<i64>, i64)> = if DbStore::JSON_ROWS {
            // A parameter a column, planned once (a `VALUES` list of
            // parameters is planned anew each time).
            let mut columns = NewTaskColumns::default();
            for (n, f) in chunk.iter().zip(&fields) {
                let mut row = NewTaskRow::new(n.0.scope, &row(n, f));
                row.recurrence_id = Some(n.0.series.id);
                columns.push(row);
            }
            columns
                .bind(sqlx::query_as(&OCCURRENCE_TASKS_INSERT))
                .fetch_all(&mut **tx)
                .await?
        } else {
            let insert = format!("INSERT INTO tasks ({}, recurrence_id) ", *TASK_COLUMN_LIST);
            let mut qb = QueryBuilder::<Db>::new(insert);
            qb.push_values(chunk.iter().zip(&fields), |mut b, (n, f)| {
                push_task_row(&mut b, n.0.scope, &row(n, f));
                b.push_bind(n.0.series.id);
            });
            qb.push(" RETURNING id, project_id, number");
            qb.build_query_as().fetch_all(&mut **tx).await?
        };
        let ids: Vec<Id> = if chunk.iter().all(|(_, home, _)| home.is_some()) {
            let by_number: HashMap<(Option<i64>, i64), i64> =
                rows.iter().map(|(id, p, n)| ((*p, *n), *id)).collect();
            chunk
                .iter()
                .map(|(_, home, number)| by_number.get(&(*home, *number)).copied())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| StoreError::Conflict("an occurrence's number was taken".into()))?
        } else {
            rows.iter().map(|(id, _, _)| *id).collect()
        };
        let mut batch = Batch::default();
        let mut history = Vec::with_capacity(chunk.len());
        for (((o, home, number), f), id) in chunk.iter().zip(&fields).zip(&ids) {
            let project = homes[home].0.as_ref();
            let key = TaskKey::format(project.map(|p| p.key.as_str()), *number, *id);
            let owner = o
                .template
                .owner
                .as_ref()
                .map(|u| u.id)
                .filter(|u| member(o, *u));
            let collaborators: Vec<Id> = o
                .template
                .collaborators
                .iter()
                .map(|u| u.id)
                .filter(|u| member(o, *u))
                .collect();
            push_task_sets(
                &mut batch,
                o.scope,
                *id,
                TaskSets::Fresh,
                &f.tags,
                &collaborators,
            );
            rollups.rollups.add_created(Contribution::created(
                o.scope.workspace_id,
                *home,
                owner,
                f,
            ));
            history.push(Created {
                scope: o.scope,
                project_id: *home,
                task_id: *id,
                key: key.clone(),
                changes: changes_json(&activity::created(&task_snapshot(f))),
            });
            made_tasks.push((*id, o.series.id, o.date));
            keys.push(key);
            // SQLite runs a batch as one command, and each statement of a
            // command is read from the text after the one before: a
            // command of thousands of statements spends its time copying
            // that text. A few dozen at a time.
            if keys.len() % 25 == 0 {
                batch.flush(&mut *tx).await?;
            }
        }
        batch.run(&mut *tx).await?;
        record_created_tasks(tx, &history).await?;
    }
    // Each date with its task.
    for chunk in made_tasks.chunks(500) {
        // Each date taken with its task: the series are held, so none
        // was taken meanwhile; one that was would leave a task twice, and
        // undoes the whole batch instead.
        let inserted = if DbStore::JSON_ROWS {
            // A parameter a column, planned once.
            sqlx::query(
                "INSERT INTO occurrences (recurrence_id, occurs_on, task_id) \
                 SELECT * FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS DATE[]), CAST($3 AS BIGINT[])) \
                 ON CONFLICT (recurrence_id, occurs_on) DO NOTHING",
            )
            .bind(rows_column(chunk.iter().map(|(_, series, _)| *series).collect()))
            .bind(rows_column(chunk.iter().map(|(_, _, date)| *date).collect()))
            .bind(rows_column(chunk.iter().map(|(task, _, _)| *task).collect()))
            .execute(&mut **tx)
            .await?
            .rows_affected()
        } else {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO occurrences (recurrence_id, occurs_on, task_id) ",
            );
            qb.push_values(chunk, |mut b, (task, series, date)| {
                b.push_bind(*series).push_bind(*date).push_bind(*task);
            });
            qb.push(" ON CONFLICT (recurrence_id, occurs_on) DO NOTHING");
            qb.build().execute(&mut **tx).await?.rows_affected()
        };
        if inserted != chunk.len() as u64 {
            return Err(StoreError::Conflict(
                "a recurring task's date was taken while its occurrence was made".into(),
            ));
        }
    }
    // Each series' last date moves on to the last it made; one that owed
    // nothing (an ended rule) is not asked again.
    if DbStore::JSON_ROWS {
        // The dates are known here (the series are held): each series'
        // newest, a parameter a column, instead of two reads of its
        // dates a row.
        let mut last: BTreeMap<Id, NaiveDate> = made
            .iter()
            .filter_map(|(id, dates)| dates.last().map(|day| (*id, *day)))
            .collect();
        for (_, id, day) in &made_tasks {
            let slot = last.entry(*id).or_insert(*day);
            *slot = (*slot).max(*day);
        }
        let moved: Vec<(Id, NaiveDate)> = series
            .iter()
            .filter_map(|(r, _)| {
                last.get(&r.id)
                    .filter(|day| **day > r.last_on)
                    .map(|day| (r.id, *day))
            })
            .collect();
        if !moved.is_empty() {
            sqlx::query(
                "UPDATE recurrences SET last_on = r.last_on \
                 FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS DATE[])) AS r(id, last_on) \
                 WHERE recurrences.id = r.id",
            )
            .bind(rows_column(moved.iter().map(|(id, _)| *id).collect()))
            .bind(rows_column(moved.iter().map(|(_, day)| *day).collect()))
            .execute(&mut **tx)
            .await?;
        }
    } else {
        let mut qb = QueryBuilder::<Db>::new(
            "UPDATE recurrences SET last_on = (SELECT MAX(o.occurs_on) FROM occurrences o WHERE o.recurrence_id = recurrences.id) \
             WHERE id",
        );
        push_ids(&mut qb, live.iter().copied());
        qb.push(" AND last_on < (SELECT MAX(o.occurs_on) FROM occurrences o WHERE o.recurrence_id = recurrences.id)");
        qb.build().execute(&mut **tx).await?;
    }
    let idle: Vec<Id> = live
        .iter()
        .copied()
        .filter(|id| latest.contains_key(id) && !made_tasks.iter().any(|(_, s, _)| s == id))
        .collect();
    if !idle.is_empty() {
        let mut qb = QueryBuilder::<Db>::new("UPDATE recurrences SET ended = ");
        qb.push_bind(true);
        qb.push(" WHERE last_on <= ");
        qb.push_bind(today);
        qb.push(" AND id");
        push_ids(&mut qb, idle);
        qb.build().execute(&mut **tx).await?;
    }
    rollups.run(&mut *tx).await?;
    Ok(keys)
}

/// An occurrence owed with its project and number.
type Numbered<'a> = (&'a Owed<'a>, Option<Id>, i64);

/// A closure making an occurrence's row, its fields' lifetime named (a
/// closure's own signature cannot say the row borrows from the fields).
fn rows_of<F>(f: F) -> F
where
    F: for<'f> Fn(&Numbered, &'f TaskFields) -> TaskRowValues<'f>,
{
    f
}

/// Occurrences' tasks, a parameter a column ([`NewTaskColumns`]), each
/// linked to its series.
static OCCURRENCE_TASKS_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO tasks ({}, recurrence_id) SELECT * FROM unnest({}) \
         RETURNING id, project_id, number",
        *TASK_COLUMN_LIST, *TASK_COLUMN_ARRAYS
    )
});
