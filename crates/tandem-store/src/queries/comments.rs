//! Comments, their edits and reactions; the queries, compiled once per
//! backend (see `mod.rs`).

use tandem_domain::{
    Comment, CommentEdit, CommentOn, CommentSubject, NewComment, Reaction, ReactionCount, TaskKey,
};

use super::goals::fetch_goal_tx;
use super::risks::fetch_risk_tx;
use super::status_updates::fetch_status_update_tx;
use super::*;
use crate::comments::{COMMENT_PAGE, CommentStore};

const COMMENT_SELECT: &str = "SELECT c.id, c.subject_kind, c.project_id, c.parent_id, \
    c.author_id, u.email AS author_email, u.name AS author_name, c.body, c.created_at, \
    c.edited_at, c.deleted_at, c.version, c.task_id, t.number AS task_number, \
    tp.key AS task_project_key, p.key AS project_key, c.milestone_id, c.risk_id, c.goal_id, \
    c.status_update_id \
    FROM comments c LEFT JOIN users u ON u.id = c.author_id \
    LEFT JOIN tasks t ON t.id = c.task_id LEFT JOIN projects tp ON tp.id = t.project_id \
    LEFT JOIN projects p ON p.id = c.on_project";

/// A subject resolved: its kind, the column that names it, its id, its
/// key or number, and its project.
pub(super) struct Resolved {
    pub(super) subject: CommentSubject,
    pub(super) column: &'static str,
    pub(super) id: Id,
}

/// Opens what a comment is on as the caller: not found when they may not.
pub(super) async fn resolve(tx: &mut Tx, scope: Scope, on: &CommentOn) -> Result<Resolved> {
    let kind = on.kind();
    Ok(match on {
        CommentOn::Task(key) => {
            let task = fetch_task_tx(tx, scope, key).await?;
            Resolved {
                subject: CommentSubject {
                    kind,
                    key: task.key,
                    project_id: task.project.map(|p| p.id),
                },
                column: "task_id",
                id: task.id,
            }
        }
        CommentOn::Project(key) => {
            let project = fetch_project_tx(tx, scope, key).await?;
            Resolved {
                subject: CommentSubject {
                    kind,
                    key: project.key,
                    project_id: Some(project.id),
                },
                column: "on_project",
                id: project.id,
            }
        }
        CommentOn::Milestone(id) => {
            let milestone = fetch_milestone_tx(tx, scope, *id).await?;
            Resolved {
                subject: CommentSubject {
                    kind,
                    key: id.to_string(),
                    project_id: Some(milestone.project_id),
                },
                column: "milestone_id",
                id: *id,
            }
        }
        CommentOn::Risk(id) => {
            let risk = fetch_risk_tx(tx, scope, *id).await?;
            Resolved {
                subject: CommentSubject {
                    kind,
                    key: id.to_string(),
                    project_id: Some(risk.project_id),
                },
                column: "risk_id",
                id: *id,
            }
        }
        CommentOn::Goal(id) => {
            // A goal's talk is the whole workspace's, as its updates are.
            if !scope.role.sees_all_projects() {
                return Err(StoreError::NotFound("goal"));
            }
            fetch_goal_tx(tx, scope, *id).await?;
            Resolved {
                subject: CommentSubject {
                    kind,
                    key: id.to_string(),
                    project_id: None,
                },
                column: "goal_id",
                id: *id,
            }
        }
        CommentOn::StatusUpdate(id) => {
            let project_id = fetch_status_update_tx(tx, scope, *id).await?.1;
            Resolved {
                subject: CommentSubject {
                    kind,
                    key: id.to_string(),
                    project_id,
                },
                column: "status_update_id",
                id: *id,
            }
        }
    })
}

/// The subject a stored comment is on, as a caller would name it.
fn subject_of(row: &impl Columns) -> Result<CommentOn> {
    let kind: EntityKind = vocab(row.text("subject_kind")?)?;
    let id = |column: &str| -> Result<Id> {
        row.get::<Option<Id>>(column)?
            .ok_or_else(|| StoreError::Config(format!("a comment on a {kind} without {column}")))
    };
    Ok(match kind {
        EntityKind::Task => CommentOn::Task(TaskKey::format(
            row.get::<Option<String>>("task_project_key")?.as_deref(),
            row.get::<Option<i64>>("task_number")?.unwrap_or_default(),
            id("task_id")?,
        )),
        EntityKind::Project => CommentOn::Project(row.get("project_key")?),
        EntityKind::Milestone => CommentOn::Milestone(id("milestone_id")?),
        EntityKind::Risk => CommentOn::Risk(id("risk_id")?),
        EntityKind::Goal => CommentOn::Goal(id("goal_id")?),
        EntityKind::StatusUpdate => CommentOn::StatusUpdate(id("status_update_id")?),
        other => return Err(StoreError::Config(format!("a comment on a {other}"))),
    })
}

fn comment_from_row(row: &impl Columns) -> Result<Comment> {
    let on = subject_of(row)?;
    let key = match &on {
        CommentOn::Task(key) | CommentOn::Project(key) => key.clone(),
        CommentOn::Milestone(id)
        | CommentOn::Risk(id)
        | CommentOn::Goal(id)
        | CommentOn::StatusUpdate(id) => id.to_string(),
    };
    Ok(Comment {
        id: row.get("id")?,
        on: CommentSubject {
            kind: on.kind(),
            key,
            project_id: row.get("project_id")?,
        },
        parent_id: row.get("parent_id")?,
        author: user_ref(row, "author_id", "author_email", "author_name")?,
        body: row.get("body")?,
        created_at: row.get("created_at")?,
        edited_at: row.get("edited_at")?,
        deleted_at: row.get("deleted_at")?,
        reactions: Vec::new(),
        version: row.get("version")?,
    })
}

/// Fills each comment's reactions, as `reader` sees them.
/// What each of these comments is on, by comment id (a search's hits).
pub(super) async fn comment_subjects(
    tx: &mut Tx,
    ids: &[Id],
) -> Result<HashMap<Id, CommentSubject>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = QueryBuilder::<Db>::new(format!("{COMMENT_SELECT} WHERE c.id IN ("));
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
    q.build()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| Ok((Columns::get(row, "id")?, comment_from_row(row)?.on)))
        .collect()
}

async fn fill_reactions(tx: &mut Tx, reader: Id, comments: &mut [Comment]) -> Result<()> {
    if comments.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT comment_id, reaction, COUNT(*) AS n, \
         SUM(CASE WHEN user_id = ",
    );
    qb.push_bind(reader);
    qb.push(" THEN 1 ELSE 0 END) AS mine FROM comment_reactions WHERE comment_id IN (");
    let mut ids = qb.separated(", ");
    for comment in comments.iter() {
        ids.push_bind(comment.id);
    }
    qb.push(") GROUP BY comment_id, reaction");
    let rows: Vec<(Id, String, i64, i64)> = qb.build_query_as().fetch_all(&mut **tx).await?;
    for (id, reaction, count, mine) in rows {
        let reaction: Reaction = vocab(&reaction)?;
        if let Some(comment) = comments.iter_mut().find(|c| c.id == id) {
            comment.reactions.push(ReactionCount {
                reaction,
                count: count as usize,
                mine: mine > 0,
            });
        }
    }
    // In the vocabulary's order, whatever the database's.
    for comment in comments.iter_mut() {
        comment.reactions.sort_by_key(|r| r.reaction);
    }
    Ok(())
}

/// The comment `id` in the caller's workspace, if they may open what it
/// is on; locked for a write when `lock` is set.
pub(super) async fn fetch_comment_tx(
    tx: &mut Tx,
    scope: Scope,
    id: Id,
    lock: bool,
) -> Result<Comment> {
    if lock {
        sqlx::query(&format!(
            "SELECT id FROM comments WHERE id = $1{}",
            DbStore::ROW_LOCK
        ))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    }
    let row = sqlx::query(&format!(
        "{COMMENT_SELECT} WHERE c.id = $1 AND c.workspace_id = $2"
    ))
    .bind(id)
    .bind(scope.workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("comment"))?;
    let on = subject_of(&row)?;
    // Whoever may not open the subject may not know the comment is there.
    match resolve(tx, scope, &on).await {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => return Err(StoreError::NotFound("comment")),
        Err(e) => return Err(e),
    }
    let mut comment = comment_from_row(&row)?;
    fill_reactions(tx, scope.user_id, std::slice::from_mut(&mut comment)).await?;
    Ok(comment)
}

async fn record_comment(tx: &mut Tx, scope: Scope, comment: &Comment, action: &str) -> Result<()> {
    // The history names what the comment is on, never its words: a
    // history reader may see a row of a subject it cannot open.
    record(
        tx,
        scope,
        comment.on.project_id,
        EntityKind::Comment,
        comment.id,
        &format!("on {} {}", comment.on.kind, comment.on.key).replace('_', " "),
        action,
        &[],
    )
    .await
}

#[async_trait]
impl CommentStore for DbStore {
    async fn list_comments(&self, scope: Scope, on: &CommentOn) -> Result<Vec<Comment>> {
        let mut tx = self.read_tx().await?;
        let resolved = resolve(&mut tx, scope, on).await?;
        let rows = sqlx::query(&format!(
            "{COMMENT_SELECT} WHERE c.{} = $1 AND c.workspace_id = $2 \
             ORDER BY COALESCE(c.parent_id, c.id), c.id LIMIT $3",
            resolved.column
        ))
        .bind(resolved.id)
        .bind(scope.workspace_id)
        .bind(COMMENT_PAGE)
        .fetch_all(&mut *tx)
        .await?;
        let mut comments = rows
            .iter()
            .map(comment_from_row)
            .collect::<Result<Vec<_>>>()?;
        fill_reactions(&mut tx, scope.user_id, &mut comments).await?;
        tx.commit().await?;
        Ok(comments)
    }

    async fn get_comment(&self, scope: Scope, id: Id) -> Result<Comment> {
        let mut tx = self.read_tx().await?;
        let comment = fetch_comment_tx(&mut tx, scope, id, false).await?;
        tx.commit().await?;
        Ok(comment)
    }

    async fn may_open(&self, scope: Scope, on: &CommentOn) -> Result<bool> {
        let mut tx = self.read_tx().await?;
        let open = match resolve(&mut tx, scope, on).await {
            Ok(_) => true,
            Err(StoreError::NotFound(_)) => false,
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(open)
    }

    async fn add_comment(&self, scope: WriteScope, new: &NewComment) -> Result<Comment> {
        tandem_domain::check_comment_body(&new.body).map_err(StoreError::Invalid)?;
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let resolved = resolve(&mut tx, scope, &new.on).await?;
        let parent = match new.parent {
            None => None,
            Some(parent_id) => {
                let row: Option<(Option<Id>,)> = sqlx::query_as(&format!(
                    "SELECT parent_id FROM comments WHERE id = $1 AND workspace_id = $2 AND {} = $3",
                    resolved.column
                ))
                .bind(parent_id)
                .bind(scope.workspace_id)
                .bind(resolved.id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((grandparent,)) = row else {
                    return Err(StoreError::invalid(
                        "parent",
                        format!(
                            "must be a comment on {} {}, not {parent_id}",
                            resolved.subject.kind, resolved.subject.key
                        ),
                    ));
                };
                // Threads are one level deep: a reply to a reply answers
                // the thread.
                Some(grandparent.unwrap_or(parent_id))
            }
        };
        let (id,): (Id,) = sqlx::query_as(&format!(
            "INSERT INTO comments (workspace_id, project_id, subject_kind, {}, parent_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            resolved.column
        ))
        .bind(scope.workspace_id)
        .bind(resolved.subject.project_id)
        .bind(resolved.subject.kind.as_str())
        .bind(resolved.id)
        .bind(parent)
        .bind(scope.user_id)
        .bind(&new.body)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        let comment = fetch_comment_tx(&mut tx, scope, id, false).await?;
        record_comment(&mut tx, scope, &comment, "created").await?;
        tx.commit().await?;
        Ok(comment)
    }

    async fn edit_comment(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        body: &str,
    ) -> Result<Comment> {
        tandem_domain::check_comment_body(body).map_err(StoreError::Invalid)?;
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_comment_tx(&mut tx, scope, id, true).await?;
        let Some(old) = current.body.as_deref() else {
            return Err(StoreError::Conflict(format!(
                "comment {id} was deleted; it cannot be edited"
            )));
        };
        if current.author.as_ref().map(|a| a.id) != Some(scope.user_id) {
            return Err(StoreError::Forbidden(
                "only its author may edit a comment".into(),
            ));
        }
        check_version(expected_version, current.version)?;
        if old == body {
            tx.commit().await?;
            return Ok(current);
        }
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO comment_edits (comment_id, body, replaced_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(old)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE comments SET body = $1, edited_at = $2, version = version + 1 WHERE id = $3",
        )
        .bind(body)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let comment = fetch_comment_tx(&mut tx, scope, id, false).await?;
        record_comment(&mut tx, scope, &comment, "updated").await?;
        tx.commit().await?;
        Ok(comment)
    }

    async fn delete_comment(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_comment_tx(&mut tx, scope, id, true).await?;
        let author = current.author.as_ref().map(|a| a.id) == Some(scope.user_id);
        if !author && !scope.role.can_manage_members() {
            return Err(StoreError::Forbidden(
                "only its author, an owner or an admin may delete a comment".into(),
            ));
        }
        check_version(expected_version, current.version)?;
        if current.deleted_at.is_some() {
            tx.commit().await?;
            return Ok(());
        }
        // Its words go, and with them what was said before an edit; its
        // place in the thread stays for the replies.
        sqlx::query("DELETE FROM comment_edits WHERE comment_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM comment_reactions WHERE comment_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE comments SET body = NULL, deleted_at = $1, version = version + 1 WHERE id = $2",
        )
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record_comment(&mut tx, scope, &current, "deleted").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn comment_edits(&self, scope: Scope, id: Id) -> Result<Vec<CommentEdit>> {
        let mut tx = self.read_tx().await?;
        fetch_comment_tx(&mut tx, scope, id, false).await?;
        let rows: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT body, replaced_at FROM comment_edits WHERE comment_id = $1 ORDER BY replaced_at",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(body, replaced_at)| CommentEdit { body, replaced_at })
            .collect())
    }

    async fn react(
        &self,
        scope: WriteScope,
        id: Id,
        reaction: Reaction,
        on: bool,
    ) -> Result<Comment> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_comment_tx(&mut tx, scope, id, true).await?;
        if current.deleted_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "comment {id} was deleted; it takes no reactions"
            )));
        }
        let changed = if on {
            sqlx::query(
                "INSERT INTO comment_reactions (comment_id, user_id, reaction) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
        } else {
            sqlx::query(
                "DELETE FROM comment_reactions WHERE comment_id = $1 AND user_id = $2 AND reaction = $3",
            )
        }
        .bind(id)
        .bind(scope.user_id)
        .bind(reaction.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let comment = fetch_comment_tx(&mut tx, scope, id, false).await?;
        if changed > 0 {
            // Open pages redraw the counts; no history row for a reaction.
            let mut batch = Batch::default();
            emit(
                &mut batch,
                scope.workspace_id,
                comment.on.project_id,
                "comment",
                "reacted",
                &id.to_string(),
                Some(scope.user_id),
                &[],
                None,
            );
            batch.run(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(comment)
    }
}
