//! Inboxes, follows and preferences; the queries, compiled once per
//! backend (see `mod.rs`).

use tandem_domain::{CommentOn, Notification, NotificationKind, NotifiedObject, TaskKey};

use super::comments::{Resolved, resolve};
use super::*;
use crate::notifications::{
    DueWork, Following, InboxFilter, NewNotification, NotificationStore, Preference,
};

/// The whole workspace's view: what the job resolves objects as.
fn workspace_view(workspace_id: Id) -> Scope {
    Scope {
        workspace_id,
        user_id: 0,
        role: Role::Owner,
    }
}

/// A follow's row key: `task:12`.
fn subject_key(resolved: &Resolved) -> String {
    format!("{}:{}", resolved.subject.kind.as_str(), resolved.id)
}

const INBOX_SELECT: &str = "SELECT n.id, n.kind, n.subject_kind, n.comment_id, n.approval_id, n.note, \
    n.created_at, n.read_at, n.archived_at, n.actor_id, u.email AS actor_email, u.name AS actor_name, \
    n.task_id, t.number AS task_number, t.title AS task_title, tp.key AS task_project_key, \
    p.key AS project_key, p.name AS project_name, n.milestone_id, m.name AS milestone_name, \
    n.risk_id, r.title AS risk_title, n.goal_id, g.title AS goal_title, np.key AS in_project, \
    n.status_update_id, su.body AS update_body, nw.slug AS workspace_slug, nw.name AS workspace_name \
    FROM notifications n LEFT JOIN users u ON u.id = n.actor_id \
    JOIN workspaces nw ON nw.id = n.workspace_id \
    LEFT JOIN tasks t ON t.id = n.task_id LEFT JOIN projects tp ON tp.id = t.project_id \
    LEFT JOIN projects p ON p.id = n.on_project LEFT JOIN milestones m ON m.id = n.milestone_id \
    LEFT JOIN risks r ON r.id = n.risk_id LEFT JOIN goals g ON g.id = n.goal_id \
    LEFT JOIN status_updates su ON su.id = n.status_update_id \
    LEFT JOIN projects np ON np.id = n.project_id";

/// The reader's inbox in this workspace, with the invitations to join
/// others (addressed to the reader, they are no workspace's secret).
/// Refuses ids that are not notifications of the caller's inbox here
/// (mistyped, someone else's, another workspace's): nothing is changed,
/// rather than some and a count that hides the rest.
async fn check_own_notifications(tx: &mut Tx, scope: Scope, ids: &[Id]) -> Result<()> {
    let wanted: std::collections::BTreeSet<Id> = ids.iter().copied().collect();
    let mut qb = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM notifications WHERE user_id = ");
    qb.push_bind(scope.user_id);
    push_workspace_inbox(&mut qb, "", scope);
    qb.push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in &wanted {
        list.push_bind(*id);
    }
    qb.push(")");
    let found: i64 = qb.build_query_scalar().fetch_one(&mut **tx).await?;
    if found as usize != wanted.len() {
        return Err(StoreError::NotFound("notification"));
    }
    Ok(())
}

fn push_workspace_inbox(qb: &mut QueryBuilder<'_, Db>, alias: &str, scope: Scope) {
    qb.push(format!(" AND ({alias}workspace_id = "));
    qb.push_bind(scope.workspace_id);
    qb.push(format!(" OR {alias}kind = 'invitation')"));
}

/// Only what the reader may open now: a project's things while they may
/// open the project, a personal task while it is theirs, a goal or the
/// update of a portfolio or a goal unless they are a guest.
fn push_inbox_visibility(qb: &mut QueryBuilder<'_, Db>, scope: Scope) {
    qb.push(" AND (n.task_id IS NULL OR t.project_id IS NOT NULL OR t.owner_id = ");
    qb.push_bind(scope.user_id);
    qb.push(" OR t.created_by = ");
    qb.push_bind(scope.user_id);
    qb.push(")");
    if !scope.role.sees_all_projects() {
        qb.push(" AND n.goal_id IS NULL AND (n.status_update_id IS NULL OR n.project_id IS NOT NULL) \
                 AND (n.project_id IS NULL OR n.project_id IN (SELECT project_id FROM stakeholders WHERE user_id = ");
        qb.push_bind(scope.user_id);
        qb.push("))");
    }
}

/// An update has no title: its first line stands for it, cut short.
fn update_title(body: &str) -> String {
    const MOST: usize = 80;
    let line = body.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

fn notification_from_row(row: &impl Columns) -> Result<Notification> {
    let kind: EntityKind = vocab(row.text("subject_kind")?)?;
    let text = |column: &str| -> Result<String> {
        Ok(row.get::<Option<String>>(column)?.unwrap_or_default())
    };
    let number = |column: &str| -> Result<String> {
        Ok(row
            .get::<Option<Id>>(column)?
            .map(|id| id.to_string())
            .unwrap_or_default())
    };
    let (key, title) = match kind {
        EntityKind::Task => (
            TaskKey::format(
                row.get::<Option<String>>("task_project_key")?.as_deref(),
                row.get::<Option<i64>>("task_number")?.unwrap_or_default(),
                row.get::<Option<Id>>("task_id")?.unwrap_or_default(),
            ),
            text("task_title")?,
        ),
        EntityKind::Project => (text("project_key")?, text("project_name")?),
        EntityKind::Milestone => (number("milestone_id")?, text("milestone_name")?),
        EntityKind::Risk => (number("risk_id")?, text("risk_title")?),
        EntityKind::Workspace => (text("workspace_slug")?, text("workspace_name")?),
        EntityKind::StatusUpdate => (
            number("status_update_id")?,
            update_title(&text("update_body")?),
        ),
        _ => (number("goal_id")?, text("goal_title")?),
    };
    Ok(Notification {
        id: row.get("id")?,
        kind: vocab(row.text("kind")?)?,
        object: NotifiedObject {
            kind,
            key,
            title,
            project: row.get("in_project")?,
        },
        comment_id: row.get("comment_id")?,
        approval_id: row.get("approval_id")?,
        actor: user_ref(row, "actor_id", "actor_email", "actor_name")?,
        note: row.get("note")?,
        created_at: row.get("created_at")?,
        read_at: row.get("read_at")?,
        archived_at: row.get("archived_at")?,
    })
}

/// Who Tandem takes to follow a subject without being told: its owner,
/// a task's maker and collaborators, a milestone's or risk's project
/// owner, and everyone who commented on it.
async fn inferred_followers(tx: &mut Tx, resolved: &Resolved) -> Result<Vec<Id>> {
    let id = resolved.id;
    let sql = match resolved.subject.kind {
        EntityKind::Task => {
            "SELECT owner_id FROM tasks WHERE id = $1 UNION SELECT created_by FROM tasks WHERE id = $1 \
             UNION SELECT user_id FROM task_collaborators WHERE task_id = $1 \
             UNION SELECT author_id FROM comments WHERE task_id = $1"
        }
        EntityKind::Project => {
            "SELECT owner_id FROM projects WHERE id = $1 \
             UNION SELECT author_id FROM comments WHERE on_project = $1"
        }
        EntityKind::Milestone => {
            "SELECT p.owner_id FROM milestones m JOIN projects p ON p.id = m.project_id WHERE m.id = $1 \
             UNION SELECT author_id FROM comments WHERE milestone_id = $1"
        }
        EntityKind::Risk => {
            "SELECT owner_id FROM risks WHERE id = $1 \
             UNION SELECT p.owner_id FROM risks r JOIN projects p ON p.id = r.project_id WHERE r.id = $1 \
             UNION SELECT author_id FROM comments WHERE risk_id = $1"
        }
        EntityKind::StatusUpdate => {
            "SELECT author_id FROM status_updates WHERE id = $1 \
             UNION SELECT author_id FROM comments WHERE status_update_id = $1"
        }
        _ => {
            "SELECT owner_id FROM goals WHERE id = $1 \
             UNION SELECT author_id FROM comments WHERE goal_id = $1"
        }
    };
    let rows: Vec<(Option<Id>,)> = sqlx::query_as(sql).bind(id).fetch_all(&mut **tx).await?;
    let mut ids: Vec<Id> = rows.into_iter().filter_map(|(id,)| id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

#[async_trait]
impl NotificationStore for DbStore {
    async fn notify(&self, items: &[NewNotification]) -> Result<usize> {
        if items.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        let mut kept = 0;
        let mut told: Vec<(Id, Id)> = Vec::new();
        for item in items {
            let resolved = match resolve(&mut tx, workspace_view(item.workspace_id), &item.on).await
            {
                Ok(resolved) => resolved,
                // Gone meanwhile: nothing to tell of.
                Err(StoreError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let wanted: Option<(bool,)> = sqlx::query_as(
                "SELECT inbox FROM notification_prefs WHERE user_id = $1 AND kind = $2",
            )
            .bind(item.user_id)
            .bind(item.kind.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if wanted.is_some_and(|(inbox,)| !inbox) {
                continue;
            }
            let inserted = sqlx::query(&format!(
                "INSERT INTO notifications (workspace_id, user_id, kind, once_key, project_id, subject_kind, {}, \
                 comment_id, approval_id, actor_id, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (user_id, once_key) DO NOTHING",
                resolved.column
            ))
            .bind(item.workspace_id)
            .bind(item.user_id)
            .bind(item.kind.as_str())
            .bind(&item.once_key)
            .bind(resolved.subject.project_id)
            .bind(resolved.subject.kind.as_str())
            .bind(resolved.id)
            .bind(item.comment_id)
            .bind(item.approval_id)
            .bind(item.actor_id)
            .bind(&item.note)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() > 0 {
                kept += 1;
                told.push((item.workspace_id, item.user_id));
            }
        }
        // Each person's open pages hear that their inbox grew (the event
        // names them by number, and only they hear it).
        told.sort_unstable();
        told.dedup();
        let mut batch = Batch::default();
        for (workspace_id, user_id) in told {
            emit(
                &mut batch,
                workspace_id,
                None,
                "inbox",
                "notified",
                &user_id.to_string(),
                None,
                &[],
                None,
            );
        }
        batch.run(&mut tx).await?;
        tx.commit().await?;
        Ok(kept)
    }

    async fn inbox(&self, scope: Scope, filter: &InboxFilter) -> Result<Vec<Notification>> {
        let mut qb = QueryBuilder::<Db>::new(INBOX_SELECT);
        qb.push(" WHERE n.user_id = ");
        qb.push_bind(scope.user_id);
        push_workspace_inbox(&mut qb, "n.", scope);
        qb.push(if filter.archived {
            " AND n.archived_at IS NOT NULL"
        } else {
            " AND n.archived_at IS NULL"
        });
        if filter.unread {
            qb.push(" AND n.read_at IS NULL");
        }
        if let Some(before) = filter.before {
            qb.push(" AND n.id < ");
            qb.push_bind(before);
        }
        push_inbox_visibility(&mut qb, scope);
        qb.push(" ORDER BY n.id DESC LIMIT ");
        qb.push_bind(filter.limit.clamp(1, crate::INBOX_PAGE) as i64);
        let rows = qb.build().fetch_all(self.reader()).await?;
        rows.iter().map(notification_from_row).collect()
    }

    async fn unread_count(&self, scope: Scope) -> Result<usize> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM notifications n LEFT JOIN tasks t ON t.id = n.task_id WHERE n.user_id = ",
        );
        qb.push_bind(scope.user_id);
        push_workspace_inbox(&mut qb, "n.", scope);
        qb.push(" AND n.read_at IS NULL AND n.archived_at IS NULL");
        push_inbox_visibility(&mut qb, scope);
        let (count,): (i64,) = qb.build_query_as().fetch_one(self.reader()).await?;
        Ok(count.max(0) as usize)
    }

    async fn mark_read(&self, scope: Scope, ids: Option<&[Id]>, read: bool) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        let mut qb = QueryBuilder::<Db>::new("UPDATE notifications SET read_at = ");
        qb.push_bind(read.then(Utc::now));
        qb.push(" WHERE user_id = ");
        qb.push_bind(scope.user_id);
        push_workspace_inbox(&mut qb, "", scope);
        qb.push(if read {
            " AND read_at IS NULL"
        } else {
            " AND read_at IS NOT NULL"
        });
        if let Some(ids) = ids {
            if ids.is_empty() {
                tx.commit().await?;
                return Ok(0);
            }
            check_own_notifications(&mut tx, scope, ids).await?;
            qb.push(" AND id IN (");
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            qb.push(")");
        }
        let changed = qb.build().execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    async fn archive(&self, scope: Scope, ids: &[Id], archived: bool) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        check_own_notifications(&mut tx, scope, ids).await?;
        let now = Utc::now();
        let mut qb = QueryBuilder::<Db>::new("UPDATE notifications SET archived_at = ");
        qb.push_bind(archived.then_some(now));
        if archived {
            qb.push(", read_at = COALESCE(read_at, ");
            qb.push_bind(now);
            qb.push(")");
        }
        qb.push(" WHERE user_id = ");
        qb.push_bind(scope.user_id);
        push_workspace_inbox(&mut qb, "", scope);
        qb.push(if archived {
            " AND archived_at IS NULL"
        } else {
            " AND archived_at IS NOT NULL"
        });
        qb.push(" AND id IN (");
        let mut list = qb.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        qb.push(")");
        let changed = qb.build().execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    async fn following(&self, scope: Scope, on: &CommentOn) -> Result<Following> {
        let mut tx = self.read_tx().await?;
        let resolved = resolve(&mut tx, scope, on).await?;
        let chosen: Option<(bool,)> =
            sqlx::query_as("SELECT following FROM follows WHERE user_id = $1 AND subject_key = $2")
                .bind(scope.user_id)
                .bind(subject_key(&resolved))
                .fetch_optional(&mut *tx)
                .await?;
        let following = match chosen {
            Some((yes,)) => Following::Chose(yes),
            None => Following::Inferred(
                inferred_followers(&mut tx, &resolved)
                    .await?
                    .contains(&scope.user_id),
            ),
        };
        tx.commit().await?;
        Ok(following)
    }

    async fn follow(&self, scope: Scope, on: &CommentOn, following: bool) -> Result<Following> {
        let mut tx = self.write_tx().await?;
        let resolved = resolve(&mut tx, scope, on).await?;
        sqlx::query(&format!(
            "INSERT INTO follows (user_id, subject_key, {}, following) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, subject_key) DO UPDATE SET following = excluded.following",
            resolved.column
        ))
        .bind(scope.user_id)
        .bind(subject_key(&resolved))
        .bind(resolved.id)
        .bind(following)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Following::Chose(following))
    }

    async fn followers(&self, scope: Scope, on: &CommentOn) -> Result<Vec<Id>> {
        let mut tx = self.read_tx().await?;
        let resolved = resolve(&mut tx, scope, on).await?;
        let mut ids = inferred_followers(&mut tx, &resolved).await?;
        let chosen: Vec<(Id, bool)> =
            sqlx::query_as("SELECT user_id, following FROM follows WHERE subject_key = $1")
                .bind(subject_key(&resolved))
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        for (user, yes) in chosen {
            ids.retain(|id| *id != user);
            if yes {
                ids.push(user);
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    async fn preferences(&self, user_id: Id) -> Result<Vec<Preference>> {
        let rows: Vec<(String, bool, bool)> =
            sqlx::query_as("SELECT kind, inbox, email FROM notification_prefs WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(self.reader())
                .await?;
        Ok(NotificationKind::ALL
            .iter()
            .map(|kind| {
                let stored = rows.iter().find(|(k, ..)| k == kind.as_str());
                Preference {
                    kind: *kind,
                    inbox: stored.is_none_or(|(_, inbox, _)| *inbox),
                    email: stored.is_none_or(|(.., email)| *email),
                }
            })
            .collect())
    }

    async fn set_preferences(&self, user_id: Id, preferences: &[Preference]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        for preference in preferences {
            sqlx::query(
                "INSERT INTO notification_prefs (user_id, kind, inbox, email) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET inbox = excluded.inbox, email = excluded.email",
            )
            .bind(user_id)
            .bind(preference.kind.as_str())
            .bind(preference.inbox)
            .bind(preference.email)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn due_on(&self, day: NaiveDate) -> Result<Vec<DueWork>> {
        let rows: Vec<(Id, Option<String>, i64, Id, Id, NaiveDate)> = sqlx::query_as(
            "SELECT t.workspace_id, p.key, t.number, t.id, t.owner_id, t.due_date FROM tasks t \
             LEFT JOIN projects p ON p.id = t.project_id \
             WHERE t.due_date = $1 AND t.owner_id IS NOT NULL \
             AND t.status NOT IN ('done', 'cancelled') AND (p.id IS NULL OR p.archived_at IS NULL)",
        )
        .bind(day)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(workspace_id, key, number, id, owner_id, due)| DueWork {
                workspace_id,
                task_key: TaskKey::format(key.as_deref(), number, id),
                owner_id,
                due,
            })
            .collect())
    }

    async fn unmailed_recipients(&self) -> Result<Vec<MailRecipient>> {
        let rows: Vec<(Id, String, String, Id, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, w.id, w.slug, w.name, m.role FROM \
             (SELECT DISTINCT user_id, workspace_id FROM notifications WHERE emailed_at IS NULL) p \
             JOIN users u ON u.id = p.user_id JOIN workspaces w ON w.id = p.workspace_id \
             JOIN members m ON m.user_id = p.user_id AND m.workspace_id = p.workspace_id \
             ORDER BY u.id, w.id",
        )
        .fetch_all(self.reader())
        .await?;
        rows.into_iter()
            .map(
                |(id, email, name, workspace_id, slug, workspace_name, role)| {
                    Ok(MailRecipient {
                        user: UserRef { id, email, name },
                        workspace_id,
                        workspace_slug: slug,
                        workspace_name,
                        role: vocab(&role)?,
                    })
                },
            )
            .collect()
    }

    async fn mail_digest(&self, scope: Scope) -> Result<(Vec<Notification>, Id)> {
        let mut tx = self.read_tx().await?;
        let (up_to,): (Option<Id>,) = sqlx::query_as(
            "SELECT MAX(id) FROM notifications \
             WHERE user_id = $1 AND workspace_id = $2 AND emailed_at IS NULL",
        )
        .bind(scope.user_id)
        .bind(scope.workspace_id)
        .fetch_one(&mut *tx)
        .await?;
        let Some(up_to) = up_to else {
            tx.commit().await?;
            return Ok((Vec::new(), 0));
        };
        let mut qb = QueryBuilder::<Db>::new(INBOX_SELECT);
        qb.push(" WHERE n.user_id = ");
        qb.push_bind(scope.user_id);
        qb.push(" AND n.workspace_id = ");
        qb.push_bind(scope.workspace_id);
        qb.push(" AND n.emailed_at IS NULL AND n.archived_at IS NULL AND n.id <= ");
        qb.push_bind(up_to);
        // The kinds the person wants by email (all, unless they said).
        qb.push(
            " AND COALESCE((SELECT np.email FROM notification_prefs np \
             WHERE np.user_id = n.user_id AND np.kind = n.kind), TRUE)",
        );
        push_inbox_visibility(&mut qb, scope);
        qb.push(" ORDER BY n.id LIMIT ");
        qb.push_bind(crate::INBOX_PAGE as i64);
        let rows = qb.build().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let items = rows
            .iter()
            .map(notification_from_row)
            .collect::<Result<Vec<_>>>()?;
        // A digest holds a page at most: what is past it waits for the
        // next, not marked.
        let up_to = match items.len() {
            n if n == crate::INBOX_PAGE => items.last().map(|n| n.id).unwrap_or(up_to),
            _ => up_to,
        };
        Ok((items, up_to))
    }

    async fn mark_mailed(&self, scope: Scope, up_to: Id) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE notifications SET emailed_at = $1 \
             WHERE user_id = $2 AND workspace_id = $3 AND emailed_at IS NULL AND id <= $4",
        )
        .bind(Utc::now())
        .bind(scope.user_id)
        .bind(scope.workspace_id)
        .bind(up_to)
        .execute(&mut *tx)
        .await?;
        let mut batch = Batch::default();
        emit(
            &mut batch,
            scope.workspace_id,
            None,
            "inbox",
            "emailed",
            &scope.user_id.to_string(),
            None,
            &[],
            None,
        );
        batch.run(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unsubscribe_link(
        &self,
        user_id: Id,
        kind: NotificationKind,
        fresh_token: &str,
    ) -> Result<String> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO unsubscribe_links (token, user_id, kind) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, kind) DO NOTHING",
        )
        .bind(fresh_token)
        .bind(user_id)
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await?;
        let (token,): (String,) =
            sqlx::query_as("SELECT token FROM unsubscribe_links WHERE user_id = $1 AND kind = $2")
                .bind(user_id)
                .bind(kind.as_str())
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn unsubscribe(
        &self,
        token: &str,
        stop: bool,
    ) -> Result<Option<(UserRef, NotificationKind)>> {
        let mut tx = self.write_tx().await?;
        let row: Option<(Id, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, l.kind FROM unsubscribe_links l \
             JOIN users u ON u.id = l.user_id WHERE l.token = $1",
        )
        .bind(token)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, email, name, kind)) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let kind: NotificationKind = vocab(&kind)?;
        if stop {
            sqlx::query(
                "INSERT INTO notification_prefs (user_id, kind, inbox, email) VALUES ($1, $2, TRUE, FALSE) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET email = FALSE",
            )
            .bind(id)
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some((UserRef { id, email, name }, kind)))
    }
}
