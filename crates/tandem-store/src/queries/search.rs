//! The workspace's search (`SearchStore`): the tasks' index and the
//! search entries' (migration 35) ranked together in one query, each
//! index's newest matches the caller may open (`RANK_WINDOW`) scored,
//! then what the hits show read for those few; compiled once per backend
//! (see `mod.rs`). Where the backend keeps an index of words in order
//! (`WORD_FORMS`, PostgreSQL's migration 52), the matches are read from it
//! newest first, and the full-text index only ranks them.

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
        let mut q = QueryBuilder::<Db>::new("SELECT DISTINCT kind, id, score FROM (");
        if tasks {
            q.push("SELECT w.kind, w.id, ");
            RANK_TASKS.push_score(&mut q, &text);
            q.push(" AS score FROM (SELECT 'task' AS kind, t.id AS id, ");
            q.push(RANK_TASKS.window);
            q.push(" AS rank_input FROM ");
            let newest = push_matches(
                &mut q,
                &RANK_TASKS,
                forms.as_ref(),
                scope.workspace_id,
                true,
                &text,
            );
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
            RANK_ENTRIES.push_score(&mut q, &text);
            q.push(" AS score FROM (SELECT e.kind AS kind, e.id AS id, ");
            q.push(RANK_ENTRIES.window);
            q.push(" AS rank_input FROM ");
            let newest = push_matches(
                &mut q,
                &RANK_ENTRIES,
                forms.as_ref(),
                scope.workspace_id,
                false,
                &text,
            );
            q.push(" AND e.workspace_id = ");
            q.push_bind(scope.workspace_id);
            if entries.len() < SearchKind::ALL.len() - 1 {
                q.push(" AND e.kind IN (");
                let mut list = q.separated(", ");
                for kind in &entries {
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
        let ranked: Vec<(String, i64, f64)> = q
            .build_query_as()
            .persistent(false)
            .fetch_all(&mut *tx)
            .await?;
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
    if let Some(plan) = WORD_PLAN {
        sqlx::query(plan).execute(&mut **tx).await?;
    }
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
    let of = |q: &mut QueryBuilder<'_, Db>, column: &str, words: &[String]| {
        push_words(q, column, workspace, words);
        q.push(" AND ");
        q.push(column);
        q.push(if of_task {
            "of_task = TRUE"
        } else {
            "of_task = FALSE"
        });
    };
    // One list per word the driver stands for, each in id order, merged.
    // A row with two of them comes twice, side by side, and its hit once
    // (the search's `DISTINCT`): made distinct here, the lists were read
    // whole and hashed before the first row (64 ms for the commonest
    // word).
    q.push("(SELECT f.ref_id FROM (");
    for (i, word) in driver.iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        q.push("(SELECT ref_id FROM search_words WHERE ");
        of(q, "", std::slice::from_ref(word));
        q.push(" ORDER BY ref_id DESC)");
    }
    q.push(") f");
    // In the other words' lists too: a rare driver's rows each looked up
    // (a lateral lookup; planned freely, a common word's list was merged
    // whole against a few hundred rows), else merged in the same order
    // (`WORD_PLAN` rules out hashing, which reads every list whole).
    for (i, group) in others.iter().enumerate().filter(|_| rare) {
        q.push(" CROSS JOIN LATERAL (SELECT 1 FROM search_words s WHERE ");
        of(q, "s.", group);
        q.push(" AND s.ref_id = f.ref_id LIMIT 1) o");
        q.push(i.to_string());
    }
    q.push(" WHERE 1 = 1");
    for group in others.iter().filter(|_| !rare) {
        q.push(" AND EXISTS (SELECT 1 FROM search_words s WHERE ");
        of(q, "s.", group);
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
        push_ids(q, goals_seen);
        q.push(")");
    }
    q.push(")");
}

fn push_ids(q: &mut QueryBuilder<'_, Db>, ids: &[Id]) {
    q.push(" IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
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
    push_ids(&mut q, ids);
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
    push_ids(&mut q, ids);
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
