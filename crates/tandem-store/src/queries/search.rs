//! The workspace's search (`SearchStore`): the tasks' index and the
//! search entries' (migration 35) ranked together in one query, each
//! index's newest matches the caller may open (`RANK_WINDOW`) scored,
//! then what the hits show read for those few; compiled once per backend
//! (see `mod.rs`). Where the backend keeps an index of words in order
//! (`WORD_FORMS`, PostgreSQL's migration 52), the matches are read from it
//! newest first; with each word's weight beside it (migration 53) a search
//! without filters is ranked there too, and only its best rows are read
//! ([`scored_hits`]); otherwise the full-text index ranks the rows
//! ([`rows_ranked`]).

use super::comments::comment_subjects;
use super::*;
use crate::search::{SEARCH_LIMIT, SearchQuery, SearchStore};
use tandem_domain::search::SearchHit;

#[async_trait]
impl SearchStore for DbStore {
    async fn search(&self, scope: Scope, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let words = search_words(Some(&query.text));
        let limit = query.limit.clamp(1, SEARCH_LIMIT);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let text = TEXT_MATCH.ranked_query(&words);
        let wants = |kind: SearchKind| query.kinds.is_empty() || query.kinds.contains(&kind);
        let tasks = wants(SearchKind::Task);
        // A status is a task's: other kinds have none to match.
        let entries: Vec<SearchKind> = SearchKind::ALL
            .iter()
            .copied()
            .filter(|kind| *kind != SearchKind::Task && wants(*kind) && query.status.is_none())
            .collect();
        if !tasks && entries.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.read_tx().await?;
        let forms = match WORD_FORMS {
            Some(sql) => word_forms(&mut tx, sql, scope.workspace_id, &words).await?,
            None => None,
        };
        if forms.as_ref().is_some_and(|forms| forms.groups.is_empty()) {
            // No word begins with the last one: nothing matches.
            tx.commit().await?;
            return Ok(Vec::new());
        }
        // Without filters on the rows, the index of words ranks the
        // windows by itself (migration 53).
        let unfiltered = query.project.is_none()
            && query.owner.is_none()
            && query.status.is_none()
            && (entries.is_empty() || entries.len() == SearchKind::ALL.len() - 1);
        let scored = match &forms {
            Some(forms) if unfiltered => {
                let windows = Windows {
                    tasks,
                    entries: !entries.is_empty(),
                };
                scored_hits(&mut tx, scope, forms, windows, limit, &query.goals_seen).await?
            }
            _ => None,
        };
        let ranked = match scored {
            Some(ranked) => ranked,
            None => {
                rows_ranked(
                    &mut tx,
                    scope,
                    query,
                    forms.as_ref(),
                    &text,
                    tasks,
                    &entries,
                    limit,
                )
                .await?
            }
        };
        let task_ids: Vec<Id> = ranked
            .iter()
            .filter(|(kind, ..)| kind == "task")
            .map(|(_, id, _)| *id)
            .collect();
        let entry_ids: Vec<Id> = ranked
            .iter()
            .filter(|(kind, ..)| kind != "task")
            .map(|(_, id, _)| *id)
            .collect();
        let mut shown: HashMap<(bool, Id), SearchHit> = HashMap::new();
        for hit in task_hits(&mut tx, &task_ids).await? {
            shown.insert((true, hit.id), hit);
        }
        for (entry, hit) in entry_hits(&mut tx, &entry_ids).await? {
            shown.insert((false, entry), hit);
        }
        tx.commit().await?;
        Ok(ranked
            .into_iter()
            .filter_map(|(kind, id, score)| {
                let mut hit = shown.remove(&(kind == "task", id))?;
                hit.score = score;
                Some(hit)
            })
            .collect())
    }
}

/// A search's ranked hits (kind, id, score), best first.
type Ranking = Vec<(String, Id, f64)>;

/// The search ranked over each index's newest matches the caller may
/// open, scored by the backend's rank of their rows (`RANK_TASKS`,
/// `RANK_ENTRIES`): every row of each window is read.
#[allow(clippy::too_many_arguments)]
async fn rows_ranked(
    tx: &mut Tx,
    scope: Scope,
    query: &SearchQuery,
    forms: Option<&Forms>,
    text: &str,
    tasks: bool,
    entries: &[SearchKind],
    limit: usize,
) -> Result<Ranking> {
    let mut q = QueryBuilder::<Db>::new("SELECT DISTINCT kind, id, score FROM (");
    if tasks {
        q.push("SELECT w.kind, w.id, ");
        RANK_TASKS.push_score(&mut q, text);
        q.push(" AS score FROM (SELECT 'task' AS kind, t.id AS id, ");
        q.push(RANK_TASKS.window);
        q.push(" AS rank_input FROM ");
        let newest = push_matches(&mut q, &RANK_TASKS, forms, scope.workspace_id, true, text);
        push_task_visibility(&mut q, scope);
        if let Some(project) = &query.project {
            push_project_id(&mut q, " AND t.project_id = ", scope, project);
        }
        if let Some(owner) = query.owner {
            q.push(" AND t.owner_id = ");
            q.push_bind(owner);
        }
        if let Some(status) = query.status {
            q.push(" AND t.status = ");
            q.push_bind(status.as_str());
        }
        push_window(&mut q, newest);
    }
    if !entries.is_empty() {
        if tasks {
            q.push(" UNION ALL ");
        }
        q.push("SELECT w.kind, w.id, ");
        RANK_ENTRIES.push_score(&mut q, text);
        q.push(" AS score FROM (SELECT e.kind AS kind, e.id AS id, ");
        q.push(RANK_ENTRIES.window);
        q.push(" AS rank_input FROM ");
        let newest = push_matches(
            &mut q,
            &RANK_ENTRIES,
            forms,
            scope.workspace_id,
            false,
            text,
        );
        q.push(" AND e.workspace_id = ");
        q.push_bind(scope.workspace_id);
        if entries.len() < SearchKind::ALL.len() - 1 {
            q.push(" AND e.kind IN (");
            let mut list = q.separated(", ");
            for kind in entries {
                list.push_bind(kind.as_str());
            }
            q.push(")");
        }
        push_entry_visibility(&mut q, scope, &query.goals_seen);
        if let Some(project) = &query.project {
            push_project_id(&mut q, " AND e.project_id = ", scope, project);
        }
        if let Some(owner) = query.owner {
            q.push(" AND e.owner_id = ");
            q.push_bind(owner);
        }
        push_window(&mut q, newest);
    }
    q.push(") hits ORDER BY score DESC, id LIMIT ");
    q.push_bind(limit as i64);

    // Planned for its own words each time, not kept: a plan kept for
    // any words reads the full-text index whole for every search
    // (200 ms for a common word), and how to join the words' lists
    // depends on how common each is.
    Ok(q.build_query_as()
        .persistent(false)
        .fetch_all(&mut **tx)
        .await?)
}

/// A prefix that begins more words than this is matched by the
/// full-text index instead of the index of words: each word it begins is
/// one more list of the merge (a two-letter prefix begins hundreds).
const WORD_FORMS_LIMIT: usize = 64;

/// How many of a word's matches are counted to choose the word whose
/// list drives a search of several words: a count reads the list. A word
/// with fewer drives, and each of its matches is looked up in the other
/// words' lists; past it, the lists are merged in order (the commoner
/// the words, the sooner a window is full).
const WORD_COUNT_LIMIT: i64 = 2_000;

/// A search's words as the index of words (`WORD_FORMS`) reads them: for
/// each word typed, the words of the index it stands for (itself, or for
/// the last, every word it begins), the rarest first
/// ([`WORD_COUNT_LIMIT`]). The first drives: its lists are read newest
/// first, and each row is found in the others' lists, so a search stops
/// once its window is full.
struct Forms {
    groups: Vec<Vec<String>>,
    /// The first has fewer matches than [`WORD_COUNT_LIMIT`]: each is
    /// looked up in the other lists rather than merged with them.
    rare: bool,
}

/// The search's [`Forms`]; none where the last word is a single letter
/// or begins more than [`WORD_FORMS_LIMIT`] words, for the full-text
/// index to match it; no groups where no word begins with the last.
async fn word_forms(
    tx: &mut Tx,
    sql: &str,
    workspace: Id,
    words: &[String],
) -> Result<Option<Forms>> {
    let Some((last, whole)) = words.split_last() else {
        return Ok(None);
    };
    if last.chars().count() < 2 {
        return Ok(None);
    }
    plan_tx(tx, WORD_PLAN).await?;
    let last: Vec<String> = sqlx::query_scalar(sql)
        .bind(workspace)
        .bind(last)
        .bind(WORD_FORMS_LIMIT as i64 + 1)
        .fetch_all(&mut **tx)
        .await?;
    if last.len() > WORD_FORMS_LIMIT {
        return Ok(None);
    }
    if last.is_empty() {
        return Ok(Some(Forms {
            groups: Vec::new(),
            rare: false,
        }));
    }
    let mut groups = vec![last];
    groups.extend(whole.iter().map(|word| vec![word.clone()]));
    let mut rare = false;
    if groups.len() > 1 {
        let mut q = QueryBuilder::<Db>::new("SELECT ");
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(SELECT count(*) FROM (SELECT 1 FROM search_words WHERE ");
            push_words(&mut q, "", workspace, group);
            q.push(" LIMIT ");
            q.push_bind(WORD_COUNT_LIMIT);
            q.push(") c)");
        }
        let row = q.build().persistent(false).fetch_one(&mut **tx).await?;
        let mut counted = Vec::with_capacity(groups.len());
        for (i, group) in groups.into_iter().enumerate() {
            counted.push((row.try_get::<i64, _>(i)?, group));
        }
        // Stable: among words past the limit, the last still drives.
        counted.sort_by_key(|(count, _)| *count);
        rare = counted[0].0 < WORD_COUNT_LIMIT;
        groups = counted.into_iter().map(|(_, group)| group).collect();
    }
    Ok(Some(Forms { groups, rare }))
}

/// The rows of an index that match the search, joined to its table: from
/// the full-text index, or the ids of the index of words that have every
/// word (`of_task`: the tasks', else the search entries'), newest first.
/// Ends in a `WHERE` for more conditions; gives the column whose order,
/// descending, is newest first, for the window ([`push_window`]).
fn push_matches(
    q: &mut QueryBuilder<'_, Db>,
    index: &Ranked,
    forms: Option<&Forms>,
    workspace: Id,
    of_task: bool,
    text: &str,
) -> &'static str {
    let rare = forms.is_some_and(|forms| forms.rare);
    let Some((driver, others)) = forms.and_then(|forms| forms.groups.split_first()) else {
        q.push(index.from);
        q.push(" WHERE 1 = 1");
        index.push_condition(q, text);
        return index.newest;
    };
    q.push("(SELECT f.ref_id FROM ");
    push_lists(q, driver, workspace, of_task, "ref_id");
    // In the other words' lists too: a rare driver's rows each looked up,
    // else merged in the same order (`WORD_PLAN` rules out hashing, which
    // reads every list whole).
    for (i, group) in others.iter().enumerate().filter(|_| rare) {
        push_lookup(q, i, group, workspace, of_task);
    }
    q.push(" WHERE 1 = 1");
    for group in others.iter().filter(|_| !rare) {
        q.push(" AND EXISTS (SELECT 1 FROM search_words s WHERE ");
        push_list(q, "s.", workspace, group, of_task);
        q.push(" AND s.ref_id = f.ref_id)");
    }
    // Each match's row read by its id, in the matches' order, until the
    // window is full: planned as a join, a common word's matches were
    // merged with a walk down every task (200,000 rows for 500).
    let alias = index.newest.split('.').next().unwrap_or_default();
    q.push(" ORDER BY f.ref_id DESC) m CROSS JOIN LATERAL (SELECT * FROM ");
    q.push(index.from);
    q.push(" WHERE ");
    q.push(index.newest);
    q.push(" = m.ref_id OFFSET 0) ");
    q.push(alias);
    q.push(" WHERE 1 = 1");
    "m.ref_id"
}

/// A driver's row (`f`) looked up in the list of another word, `o{i}`,
/// with that word's weight (its best form's): a lateral lookup, for a
/// rare driver (planned freely, a common word's list was merged whole
/// against a few hundred rows). No row where the word is not there.
fn push_lookup(
    q: &mut QueryBuilder<'_, Db>,
    i: usize,
    group: &[String],
    workspace: Id,
    of_task: bool,
) {
    q.push(" CROSS JOIN LATERAL (SELECT s.score FROM search_words s WHERE ");
    push_list(q, "s.", workspace, group, of_task);
    q.push(format!(
        " AND s.ref_id = f.ref_id ORDER BY s.score DESC LIMIT 1) o{i}"
    ));
}

/// One list per word the driver stands for, each in id order, merged,
/// as `f` of these columns. A row with two of them comes twice, side by
/// side, and its hit once (the search's `DISTINCT`, or the window's
/// grouping): made distinct here, the lists were read whole and hashed
/// before the first row (64 ms for the commonest word).
fn push_lists(
    q: &mut QueryBuilder<'_, Db>,
    driver: &[String],
    workspace: Id,
    of_task: bool,
    columns: &str,
) {
    q.push("(");
    for (i, word) in driver.iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        q.push("(SELECT ");
        q.push(columns);
        q.push(" FROM search_words WHERE ");
        push_list(q, "", workspace, std::slice::from_ref(word), of_task);
        q.push(" ORDER BY ref_id DESC)");
    }
    q.push(") f");
}

/// [`push_words`] of one index: the tasks' (`of_task`) or the search
/// entries'.
fn push_list(
    q: &mut QueryBuilder<'_, Db>,
    column: &str,
    workspace: Id,
    words: &[String],
    of_task: bool,
) {
    push_words(q, column, workspace, words);
    q.push(" AND ");
    q.push(column);
    q.push(if of_task {
        "of_task = TRUE"
    } else {
        "of_task = FALSE"
    });
}

/// Which indexes a search reads.
#[derive(Clone, Copy)]
struct Windows {
    tasks: bool,
    entries: bool,
}

/// The search ranked from the index of words alone (migration 53): each
/// index's newest [`RANK_WINDOW`] matches scored by their words' weights
/// (a row's score the sum of each word's, a prefix its best form's), then
/// rows read best first, for who may open them, until `limit` are found;
/// only those few rows are read. None where a window was full and fewer
/// than `limit` of it may be opened: older matches the caller may open
/// would be missed, and [`rows_ranked`] reads the matches' rows instead.
async fn scored_hits(
    tx: &mut Tx,
    scope: Scope,
    forms: &Forms,
    windows: Windows,
    limit: usize,
    goals_seen: &[Id],
) -> Result<Option<Ranking>> {
    // Each index read: its window's name, whether of tasks, and its rows.
    let read: Vec<(&str, bool, &Ranked)> = [
        (windows.tasks, ("tw", true, &RANK_TASKS)),
        (windows.entries, ("ew", false, &RANK_ENTRIES)),
    ]
    .into_iter()
    .filter_map(|(wanted, index)| wanted.then_some(index))
    .collect();
    let mut q = QueryBuilder::<Db>::new("WITH ");
    for (i, (window, of_task, _)) in read.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push(format!("{window} AS MATERIALIZED ("));
        push_scored_window(&mut q, forms, scope.workspace_id, *of_task);
        q.push(")");
    }
    // One row at least, for the windows' sizes.
    q.push(" SELECT h.kind, h.id, h.score");
    for (wanted, window) in [(windows.tasks, "tw"), (windows.entries, "ew")] {
        q.push(if wanted {
            format!(", (SELECT count(*) FROM {window})")
        } else {
            ", CAST(0 AS BIGINT)".to_string()
        });
    }
    q.push(" FROM (SELECT 1) n LEFT JOIN LATERAL (SELECT kind, id, score FROM (");
    // Each window's matches best first, their rows read in that order
    // until `limit` may be opened.
    for (i, (window, of_task, index)) in read.iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        let alias = index.newest.split('.').next().unwrap_or_default();
        q.push(format!(
            "(SELECT {}, {} AS id, CAST(c.score AS DOUBLE PRECISION) AS score \
             FROM (SELECT ref_id, max(score) AS score FROM {window} GROUP BY ref_id ORDER BY 2 DESC, 1) c \
             CROSS JOIN LATERAL (SELECT * FROM {} WHERE {} = c.ref_id OFFSET 0) {alias} WHERE 1 = 1",
            if *of_task { "'task' AS kind" } else { "e.kind AS kind" },
            index.newest,
            index.from,
            index.newest,
        ));
        if *of_task {
            push_task_visibility(&mut q, scope);
        } else {
            q.push(" AND e.workspace_id = ");
            q.push_bind(scope.workspace_id);
            push_entry_visibility(&mut q, scope, goals_seen);
        }
        q.push(" ORDER BY c.score DESC, c.ref_id LIMIT ");
        q.push_bind(limit as i64);
        q.push(")");
    }
    q.push(") hits ORDER BY score DESC, id LIMIT ");
    q.push_bind(limit as i64);
    q.push(") h ON TRUE");
    // Planned for its own words, as the search by rows is.
    let rows: Vec<ScoredRow> = q
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut **tx)
        .await?;
    let full = rows
        .first()
        .is_some_and(|(.., tasks, entries)| *tasks == RANK_WINDOW || *entries == RANK_WINDOW);
    let ranked: Ranking = rows
        .into_iter()
        .filter_map(|(kind, id, score, ..)| Some((kind?, id?, score?)))
        .collect();
    if full && ranked.len() < limit {
        return Ok(None);
    }
    Ok(Some(ranked))
}

/// A row of [`scored_hits`]: a hit (kind, id, score), none where nothing
/// may be opened, and the sizes of the tasks' and entries' windows.
type ScoredRow = (Option<String>, Option<Id>, Option<f64>, i64, i64);

/// A window of an index's matches, scored from the index of words: the
/// newest [`RANK_WINDOW`] (`ref_id`, `score`) rows of the driver's lists
/// that are in every other word's, each scored by the sum of its words'
/// weights. A row with two forms of the driver comes twice.
fn push_scored_window(q: &mut QueryBuilder<'_, Db>, forms: &Forms, workspace: Id, of_task: bool) {
    let Some((driver, others)) = forms.groups.split_first() else {
        return;
    };
    q.push("SELECT f.ref_id, f.score");
    for i in 0..others.len() {
        q.push(format!(" + o{i}.score"));
    }
    q.push(" AS score FROM ");
    push_lists(q, driver, workspace, of_task, "ref_id, score");
    // A rare driver's rows each looked up in the other lists, as in
    // `push_matches`; otherwise joined, for the planner to merge the
    // lists in order or look up the driver's rows in the others, by how
    // common each word is (its statistics know the common words well).
    // Each gives the word's weight (its best form's, where a row has two).
    for (i, group) in others.iter().enumerate() {
        if forms.rare {
            push_lookup(q, i, group, workspace, of_task);
        } else {
            // A row with two of the group's forms comes twice more.
            q.push(format!(" JOIN search_words o{i} ON "));
            push_list(q, &format!("o{i}."), workspace, group, of_task);
            q.push(format!(" AND o{i}.ref_id = f.ref_id"));
        }
    }
    q.push(" ORDER BY f.ref_id DESC LIMIT ");
    q.push_bind(RANK_WINDOW);
}

/// `{column}workspace_id = … AND {column}word IN (…)`: rows of the index
/// of words of these words in the workspace.
fn push_words(q: &mut QueryBuilder<'_, Db>, column: &str, workspace: Id, words: &[String]) {
    q.push(column);
    q.push("workspace_id = ");
    q.push_bind(workspace);
    q.push(" AND ");
    q.push(column);
    q.push("word IN (");
    let mut list = q.separated(", ");
    for word in words {
        list.push_bind(word.clone());
    }
    q.push(")");
}

/// Ends a window of an index's matches: the newest [`RANK_WINDOW`] by
/// `newest` (what [`push_matches`] gave).
fn push_window(q: &mut QueryBuilder<'_, Db>, newest: &str) {
    q.push(" ORDER BY ");
    q.push(newest);
    q.push(" DESC LIMIT ");
    q.push_bind(RANK_WINDOW);
    q.push(") w");
}

/// Who may open a search entry: the project's people for what belongs to
/// a project; the owner and maker of a personal task for the comments on
/// it; everyone but guests for goals and their comments, and a guest the
/// goals `goals_seen` names (not their comments).
fn push_entry_visibility(q: &mut QueryBuilder<'_, Db>, scope: Scope, goals_seen: &[Id]) {
    q.push(" AND ((e.project_id IS NOT NULL");
    push_project_visibility(q, "e.project_id", scope);
    q.push(") OR (e.project_id IS NULL AND e.task_id IS NOT NULL AND EXISTS (SELECT 1 FROM tasks pt WHERE pt.id = e.task_id AND (pt.owner_id = ");
    q.push_bind(scope.user_id);
    q.push(" OR pt.created_by = ");
    q.push_bind(scope.user_id);
    q.push(")))");
    if scope.role.sees_all_projects() {
        q.push(" OR (e.project_id IS NULL AND e.task_id IS NULL)");
    } else if !goals_seen.is_empty() {
        q.push(" OR (e.goal_ref");
        push_ids(q, goals_seen.iter().copied());
        q.push(")");
    }
    q.push(")");
}

async fn task_hits(tx: &mut Tx, ids: &[Id]) -> Result<Vec<SearchHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new(
        "SELECT t.id, t.number, p.key AS project_key, t.title, t.description, t.status, \
         t.owner_id, u.email AS owner_email, u.name AS owner_name \
         FROM tasks t LEFT JOIN projects p ON p.id = t.project_id \
         LEFT JOIN users u ON u.id = t.owner_id WHERE t.id",
    );
    push_ids(&mut q, ids.iter().copied());
    let rows = q.build().fetch_all(&mut **tx).await?;
    rows.iter().map(task_hit).collect()
}

fn task_hit(row: &impl Columns) -> Result<SearchHit> {
    let id: Id = row.get("id")?;
    let project: Option<String> = row.get("project_key")?;
    Ok(SearchHit {
        kind: SearchKind::Task,
        id,
        key: Some(TaskKey::format(project.as_deref(), row.get("number")?, id)),
        title: row.get("title")?,
        text: row.get("description")?,
        project,
        status: row.get("status")?,
        owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
        on: None,
        score: 0.0,
    })
}

/// The hits of these search entries, each with its entry's id.
async fn entry_hits(tx: &mut Tx, ids: &[Id]) -> Result<Vec<(Id, SearchHit)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new(
        "SELECT e.id AS entry_id, e.kind, \
         COALESCE(e.project_ref, e.goal_ref, e.risk_ref, e.comment_ref, e.attachment_ref) AS id, \
         e.title, e.body, e.project_id, p.key AS project_key, e.owner_id, u.email AS owner_email, \
         u.name AS owner_name, COALESCE(pr.status, g.status, r.status) AS status, \
         pr.name AS project_name, \
         COALESCE(ct.title, cp.name, cm.name, cr.title, cg.title) AS subject_title, \
         fa.task_id AS file_task_id, ft.number AS file_task_number, \
         ftp.key AS file_task_project, fp.key AS file_project_key, fa.comment_id AS file_comment_id \
         FROM search_entries e LEFT JOIN projects p ON p.id = e.project_id \
         LEFT JOIN users u ON u.id = e.owner_id \
         LEFT JOIN projects pr ON pr.id = e.project_ref \
         LEFT JOIN goals g ON g.id = e.goal_ref LEFT JOIN risks r ON r.id = e.risk_ref \
         LEFT JOIN comments c ON c.id = e.comment_ref \
         LEFT JOIN tasks ct ON ct.id = c.task_id LEFT JOIN projects cp ON cp.id = c.on_project \
         LEFT JOIN milestones cm ON cm.id = c.milestone_id \
         LEFT JOIN risks cr ON cr.id = c.risk_id LEFT JOIN goals cg ON cg.id = c.goal_id \
         LEFT JOIN attachments fa ON fa.id = e.attachment_ref \
         LEFT JOIN tasks ft ON ft.id = fa.task_id LEFT JOIN projects ftp ON ftp.id = ft.project_id \
         LEFT JOIN projects fp ON fp.id = fa.on_project \
         WHERE e.id",
    );
    push_ids(&mut q, ids.iter().copied());
    let rows = q.build().fetch_all(&mut **tx).await?;
    let comment_ids: Vec<Id> = rows
        .iter()
        .filter(|row| Columns::text(*row, "kind").is_ok_and(|kind| kind == "comment"))
        .map(|row| Columns::get(row, "id"))
        .collect::<Result<_>>()?;
    let mut subjects = comment_subjects(tx, &comment_ids).await?;
    rows.iter()
        .map(|row| entry_hit(row, &mut subjects))
        .collect()
}

/// What a file found is attached to.
fn file_subject(row: &impl Columns) -> Result<CommentSubject> {
    let project_id = row.get("project_id")?;
    let (kind, key) = if let Some(task) = row.get::<Option<Id>>("file_task_id")? {
        let number = row
            .get::<Option<i64>>("file_task_number")?
            .unwrap_or_default();
        let project = row.get::<Option<String>>("file_task_project")?;
        (
            EntityKind::Task,
            TaskKey::format(project.as_deref(), number, task),
        )
    } else if let Some(key) = row.get::<Option<String>>("file_project_key")? {
        (EntityKind::Project, key)
    } else {
        let comment = row
            .get::<Option<Id>>("file_comment_id")?
            .unwrap_or_default();
        (EntityKind::Comment, comment.to_string())
    };
    Ok(CommentSubject {
        kind,
        key,
        project_id,
    })
}

fn entry_hit(
    row: &impl Columns,
    subjects: &mut HashMap<Id, CommentSubject>,
) -> Result<(Id, SearchHit)> {
    let kind: SearchKind = vocab(row.text("kind")?)?;
    let id: Id = row.get("id")?;
    let project: Option<String> = row.get("project_key")?;
    let (key, title, on) = match kind {
        // The entry's title is the key and the name.
        SearchKind::Project => (project.clone(), row.get("project_name")?, None),
        SearchKind::Comment => (
            None,
            row.get::<Option<String>>("subject_title")?
                .unwrap_or_default(),
            subjects.remove(&id),
        ),
        SearchKind::Attachment => (None, row.get("title")?, Some(file_subject(row)?)),
        _ => (None, row.get("title")?, None),
    };
    Ok((
        row.get("entry_id")?,
        SearchHit {
            kind,
            id,
            key,
            title,
            text: row.get("body")?,
            project,
            status: row.get("status")?,
            owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
            on,
            score: 0.0,
        },
    ))
}
