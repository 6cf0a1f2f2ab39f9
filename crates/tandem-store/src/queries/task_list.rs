//! Reading tasks by key and by filter, a page at a time, and counting
//! them by due date; the queries, compiled once per backend (see
//! `mod.rs`).

use super::*;

/// The page of task rows and their collaborators, through sqlx
/// (SQLite reads its pages with its own driver instead).
#[allow(dead_code)]
pub(crate) async fn sqlx_task_page_rows(
    pool: &sqlx::Pool<Db>,
    scope: Scope,
    filter: &TaskFilter,
    search: &Search,
    part: ListPart<'_>,
    limit: usize,
) -> Result<(Vec<TaskRow>, Vec<(Id, UserRef)>)> {
    let mut qb = QueryBuilder::<Db>::new("");
    push_task_list(
        &mut qb,
        &TASK_SELECT,
        &TEXT_MATCH,
        scope,
        filter,
        search,
        part,
        limit,
    );
    let mut conn = pool.acquire().await?;
    let rows = qb
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(task_row)
        .collect::<Result<Vec<_>>>()?;
    let mut qb = QueryBuilder::<Db>::new("");
    push_collaborators(&mut qb, rows.iter().map(|r| r.id));
    let collaborators = if rows.is_empty() {
        Vec::new()
    } else {
        qb.build()
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(collaborator_from_row)
            .collect::<Result<Vec<_>>>()?
    };
    Ok((rows, collaborators))
}

/// A page of the task list: the parts of its order (see [`ListPart`]),
/// each read in its index's order, the next only while the page still
/// has room (one row past it says another page follows).
pub(super) async fn task_page(
    store: &DbStore,
    scope: Scope,
    filter: &TaskFilter,
) -> Result<TaskPage> {
    let limit = filter.limit.clamp(1, crate::MAX_TASK_PAGE);
    let search = probe_search(store, scope, filter).await?;
    if search == Search::Found(Vec::new()) {
        return Ok(TaskPage {
            tasks: Vec::new(),
            next: None,
        });
    }
    let mut tasks = Vec::new();
    for part in ListPart::of(filter) {
        let room = limit + 1 - tasks.len();
        let (rows, collaborators) = store
            .task_page_rows(scope, filter, &search, part, room)
            .await?;
        let mut more = rows
            .into_iter()
            .take(room)
            .map(TaskRow::into_task)
            .collect::<Result<Vec<_>>>()?;
        attach_collaborators(&mut more, collaborators);
        tasks.append(&mut more);
        if tasks.len() > limit {
            break;
        }
    }
    let more = tasks.len() > limit;
    tasks.truncate(limit);
    let next = if more {
        tasks
            .last()
            .map(|last| crate::TaskCursor::after(filter.order, last))
    } else {
        None
    };
    Ok(TaskPage { tasks, next })
}

/// Most matches a probe reads ([`TextMatch::probe`]). A search with more
/// is common enough for a page to find its matches soon walking the
/// tasks in order, which is what the planner does with any search.
const PROBE_MATCHES: usize = 1000;

/// The list's search, looked up in the index first where the backend
/// probes ([`TextMatch::probe`]): every match when there are few.
async fn probe_search(store: &DbStore, scope: Scope, filter: &TaskFilter) -> Result<Search> {
    let words = search_words(filter.text.as_deref());
    let Some(probe) = TEXT_MATCH.probe.filter(|_| !words.is_empty()) else {
        return Ok(Search::Words(words));
    };
    let ids: Vec<i64> = sqlx::query_scalar(probe)
        .bind(scope.workspace_id)
        .bind(TEXT_MATCH.query(&words))
        .bind(PROBE_MATCHES as i64 + 1)
        .fetch_all(store.reader())
        .await?;
    Ok(if ids.len() > PROBE_MATCHES {
        Search::Words(words)
    } else {
        Search::Found(ids)
    })
}

/// `TaskStore::count_tasks_by_due`: one row, one count per band.
pub(super) async fn due_counts(
    pool: &sqlx::Pool<Db>,
    scope: Scope,
    filter: &TaskFilter,
    edges: &[NaiveDate],
) -> Result<Vec<u64>> {
    let mut qb = QueryBuilder::<Db>::new("");
    push_due_counts(&mut qb, &TEXT_MATCH, scope, filter, edges);
    let row = qb.build().fetch_one(pool).await?;
    (0..=edges.len())
        .map(|i| Ok(row.try_get::<i64, _>(i)?.max(0) as u64))
        .collect()
}

/// `TaskStore::count_tasks_by`.
pub(super) async fn group_counts(
    pool: &sqlx::Pool<Db>,
    scope: Scope,
    filter: &TaskFilter,
    by: crate::TaskGroup,
) -> Result<Vec<(crate::GroupKey, u64)>> {
    let mut qb = QueryBuilder::<Db>::new("");
    push_group_counts(&mut qb, &TEXT_MATCH, scope, filter, by);
    let rows: Vec<(Option<String>, i64)> = qb.build_query_as().fetch_all(pool).await?;
    rows.into_iter()
        .map(|(key, count)| {
            let key = match (by, key) {
                (_, None) => crate::GroupKey::Nobody,
                (crate::TaskGroup::Status, Some(s)) => crate::GroupKey::Status(vocab(&s)?),
                (_, Some(id)) => crate::GroupKey::Id(
                    id.parse()
                        .map_err(|_| decode_error(format!("stored group id '{id}'")))?,
                ),
            };
            Ok((key, count.max(0) as u64))
        })
        .collect()
}

/// The query text of the task list, for drivers other than sqlx.
#[allow(dead_code)]
pub(crate) fn task_select() -> &'static str {
    TASK_SELECT.as_str()
}

/// The task `key` names, or the one that had that key before it moved to
/// another project (a link to it still finds it, to read or to write).
pub(super) async fn fetch_task_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Task> {
    match run_and_fetch_task(tx, Batch::default(), scope, key, true).await {
        Err(StoreError::NotFound(what)) => match levels::moved_key_tx(tx, scope, key).await? {
            Some(now) => run_and_fetch_task(tx, Batch::default(), scope, &now, true).await,
            None => Err(StoreError::NotFound(what)),
        },
        other => other,
    }
}

/// Runs a write's `batch` and reads the task `key` back in the same
/// round trip where the backend allows ([`Batch::run_fetching`]); its
/// collaborators take a second query, made only when `collaborators`
/// says it may have some.
pub(super) async fn run_and_fetch_task(
    tx: &mut Tx,
    mut batch: Batch,
    scope: Scope,
    key: &str,
    collaborators: bool,
) -> Result<Task> {
    let key = parse_task_key(key)?;
    batch.push_query(TASK_SELECT.as_str());
    push_task_key(&mut batch, scope, &key);
    push_task_visibility(&mut batch, scope);
    let row = batch
        .run_fetching(tx)
        .await?
        .ok_or(StoreError::NotFound("task"))?;
    let mut task = task_from_row(&row)?;
    if collaborators {
        fill_tasks(tx, std::slice::from_mut(&mut task)).await?;
    }
    Ok(task)
}

/// Loads the collaborators of these tasks in one query (tags come with
/// the task row).
pub(super) async fn fill_tasks(
    conn: &mut <Db as sqlx::Database>::Connection,
    tasks: &mut [Task],
) -> Result<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    let index: HashMap<Id, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT tc.task_id, u.id, u.email, u.name FROM task_collaborators tc JOIN users u ON u.id = tc.user_id WHERE tc.task_id",
    );
    push_ids(&mut qb, tasks.iter().map(|t| t.id));
    qb.push(" ORDER BY u.email");
    for row in qb.build().fetch_all(&mut *conn).await? {
        let task_id: i64 = row.try_get("task_id")?;
        tasks[index[&task_id]]
            .collaborators
            .push(user_from_row(&row)?);
    }
    Ok(())
}
