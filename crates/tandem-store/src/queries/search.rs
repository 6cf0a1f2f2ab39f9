//! The workspace's search (`SearchStore`): the tasks' index and the
//! search entries' (migration 35) ranked together in one query, each
//! index's newest matches the caller may open (`RANK_WINDOW`) scored,
//! then what the hits show read for those few; compiled once per backend
//! (see `mod.rs`).

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
        let mut q = QueryBuilder::<Db>::new("SELECT kind, id, score FROM (");
        if tasks {
            q.push("SELECT w.kind, w.id, ");
            RANK_TASKS.push_score(&mut q, &text);
            q.push(" AS score FROM (SELECT 'task' AS kind, t.id AS id, ");
            q.push(RANK_TASKS.window);
            q.push(" AS rank_input FROM ");
            q.push(RANK_TASKS.from);
            q.push(" WHERE 1 = 1");
            RANK_TASKS.push_condition(&mut q, &text);
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
            push_window(&mut q, RANK_TASKS.newest);
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
            q.push(RANK_ENTRIES.from);
            q.push(" WHERE e.workspace_id = ");
            q.push_bind(scope.workspace_id);
            RANK_ENTRIES.push_condition(&mut q, &text);
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
            push_window(&mut q, RANK_ENTRIES.newest);
        }
        q.push(") hits ORDER BY score DESC, id LIMIT ");
        q.push_bind(limit as i64);

        let mut tx = self.read_tx().await?;
        let ranked: Vec<(String, i64, f64)> = q.build_query_as().fetch_all(&mut *tx).await?;
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

/// Ends a window of an index's matches: the newest [`RANK_WINDOW`].
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
