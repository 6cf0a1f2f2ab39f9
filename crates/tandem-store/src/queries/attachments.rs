//! Attachments and the bytes they hold; the queries, compiled once per
//! backend (see `mod.rs`).

use sha2::{Digest, Sha256};
use tandem_domain::{AttachedTo, Attachment, CommentOn, NewAttachment};

use super::comments::{fetch_comment_tx, resolve};
use super::*;
use crate::attachments::AttachmentStore;

const ATTACHMENT_SELECT: &str = "SELECT a.id, a.subject_kind, a.project_id, a.task_id, \
    t.number AS task_number, tp.key AS task_project_key, p.key AS on_project_key, a.comment_id, \
    a.name, a.version, a.content_type, a.size, a.hash, a.uploaded_by, u.email AS uploader_email, \
    u.name AS uploader_name, a.created_at \
    FROM attachments a LEFT JOIN users u ON u.id = a.uploaded_by \
    LEFT JOIN tasks t ON t.id = a.task_id LEFT JOIN projects tp ON tp.id = t.project_id \
    LEFT JOIN projects p ON p.id = a.on_project";

/// What an attachment's row says it is attached to.
fn attached_to(row: &impl Columns) -> Result<AttachedTo> {
    let id = |column: &str| -> Result<Id> {
        row.get::<Option<Id>>(column)?
            .ok_or_else(|| StoreError::Config(format!("an attachment without {column}")))
    };
    Ok(match row.text("subject_kind")? {
        "task" => AttachedTo::Task(TaskKey::format(
            row.get::<Option<String>>("task_project_key")?.as_deref(),
            row.get::<Option<i64>>("task_number")?.unwrap_or_default(),
            id("task_id")?,
        )),
        "project" => AttachedTo::Project(
            row.get::<Option<String>>("on_project_key")?
                .ok_or_else(|| StoreError::Config("an attachment without its project".into()))?,
        ),
        "comment" => AttachedTo::Comment(id("comment_id")?),
        other => return Err(StoreError::Config(format!("an attachment on a {other}"))),
    })
}

fn attachment_from_row(row: &impl Columns) -> Result<Attachment> {
    Ok(Attachment {
        id: row.get("id")?,
        to: attached_to(row)?,
        project_id: row.get("project_id")?,
        name: row.get("name")?,
        version: row.get("version")?,
        content_type: row.get("content_type")?,
        size: row.get("size")?,
        sha256: row.get("hash")?,
        uploaded_by: user_ref(row, "uploaded_by", "uploader_email", "uploader_name")?,
        created_at: row.get("created_at")?,
    })
}

/// What a file goes on, opened as the caller: the column that names it,
/// its id, and the project it belongs to. Not found when the caller may
/// not open it.
async fn open_subject(
    tx: &mut Tx,
    scope: Scope,
    to: &AttachedTo,
) -> Result<(&'static str, Id, Option<Id>)> {
    Ok(match to {
        AttachedTo::Task(key) => {
            let r = resolve(tx, scope, &CommentOn::Task(key.clone())).await?;
            ("task_id", r.id, r.subject.project_id)
        }
        AttachedTo::Project(key) => {
            let r = resolve(tx, scope, &CommentOn::Project(key.clone())).await?;
            ("on_project", r.id, r.subject.project_id)
        }
        AttachedTo::Comment(id) => {
            let comment = fetch_comment_tx(tx, scope, *id, false).await?;
            if comment.deleted_at.is_some() {
                return Err(StoreError::invalid("comment", "was deleted"));
            }
            ("comment_id", *id, comment.on.project_id)
        }
    })
}

/// The attachment `id`, if the caller may open what it is attached to.
async fn fetch_attachment_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Attachment> {
    let row = sqlx::query(&format!(
        "{ATTACHMENT_SELECT} WHERE a.id = $1 AND a.workspace_id = $2"
    ))
    .bind(id)
    .bind(scope.workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("attachment"))?;
    let attachment = attachment_from_row(&row)?;
    // Whoever may not open the subject may not know the file is there.
    match open_subject(tx, scope, &attachment.to).await {
        Ok(_) => Ok(attachment),
        Err(StoreError::NotFound(_) | StoreError::Invalid(_)) => {
            Err(StoreError::NotFound("attachment"))
        }
        Err(e) => Err(e),
    }
}

fn label(to: &AttachedTo, name: &str) -> String {
    match to {
        AttachedTo::Task(key) | AttachedTo::Project(key) => {
            format!("{name} on {} {key}", to.kind())
        }
        AttachedTo::Comment(id) => format!("{name} on comment {id}"),
    }
}

#[async_trait]
impl AttachmentStore for DbStore {
    async fn attach(&self, scope: WriteScope, new: &NewAttachment) -> Result<Attachment> {
        let scope = *scope;
        let hash = format!("{:x}", Sha256::digest(&new.bytes));
        let inline = match self.blobs() {
            None => Some(&new.bytes),
            Some(blobs) => {
                // Into the bucket before the write, and only for whoever
                // may attach there; outside the transaction, so the
                // upload holds no lock. A write that fails after leaves an
                // object no row names, which the sweep removes.
                let mut tx = self.read_tx().await?;
                open_subject(&mut tx, scope, &new.to).await?;
                tx.commit().await?;
                blobs.put(&hash, new.bytes.clone()).await?;
                None
            }
        };
        let mut tx = self.write_tx().await?;
        let (column, subject, project_id) = open_subject(&mut tx, scope, &new.to).await?;
        let now = Utc::now();
        // The bytes once per content: a second copy only names them.
        sqlx::query(
            "INSERT INTO blobs (hash, size, content, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&hash)
        .bind(new.bytes.len() as i64)
        .bind(inline)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(project) = project_id {
            // Versions of one name are numbered one writer at a time.
            lock_project_tx(&mut tx, project).await?;
        }
        let (id,): (Id,) = sqlx::query_as(&format!(
            "INSERT INTO attachments (workspace_id, project_id, subject_kind, {column}, name, version, \
             content_type, size, hash, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, \
             (SELECT COALESCE(MAX(version), 0) + 1 FROM attachments WHERE {column} = $4 AND name = $5), \
             $6, $7, $8, $9, $10) RETURNING id"
        ))
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(new.to.kind())
        .bind(subject)
        .bind(&new.name)
        .bind(&new.content_type)
        .bind(new.bytes.len() as i64)
        .bind(&hash)
        .bind(scope.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let attachment = fetch_attachment_tx(&mut tx, scope, id).await?;
        record(
            &mut tx,
            scope,
            project_id,
            EntityKind::Attachment,
            id,
            &label(&attachment.to, &attachment.name),
            "created",
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(attachment)
    }

    async fn list_attachments(&self, scope: Scope, to: &AttachedTo) -> Result<Vec<Attachment>> {
        let mut tx = self.read_tx().await?;
        let (column, subject, _) = open_subject(&mut tx, scope, to).await?;
        let rows = sqlx::query(&format!(
            "{ATTACHMENT_SELECT} WHERE a.{column} = $1 AND a.workspace_id = $2 \
             ORDER BY a.name, a.version DESC"
        ))
        .bind(subject)
        .bind(scope.workspace_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn get_attachment(&self, scope: Scope, id: Id) -> Result<Attachment> {
        let mut tx = self.read_tx().await?;
        let attachment = fetch_attachment_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(attachment)
    }

    async fn attachment_content(&self, scope: Scope, id: Id) -> Result<(Attachment, Vec<u8>)> {
        let mut tx = self.read_tx().await?;
        let attachment = fetch_attachment_tx(&mut tx, scope, id).await?;
        let (content,): (Option<Vec<u8>>,) =
            sqlx::query_as("SELECT content FROM blobs WHERE hash = $1")
                .bind(&attachment.sha256)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        let content = match (content, self.blobs()) {
            (Some(bytes), _) => bytes,
            (None, Some(blobs)) => blobs.get(&attachment.sha256).await?,
            (None, None) => {
                return Err(StoreError::Config(format!(
                    "the bytes of {} are in a blob store this server was not started with (--blob-store)",
                    attachment.sha256
                )));
            }
        };
        Ok((attachment, content))
    }

    async fn delete_attachment(&self, scope: WriteScope, id: Id) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let attachment = fetch_attachment_tx(&mut tx, scope, id).await?;
        let uploader = attachment.uploaded_by.as_ref().map(|u| u.id);
        if uploader != Some(scope.user_id) && !scope.role.can_manage_members() {
            return Err(StoreError::Forbidden(
                "only whoever attached a file, an owner or an admin may remove it".into(),
            ));
        }
        sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // Bytes in the database go with their last attachment; bytes in a
        // bucket are left for the sweep (`sweep_blobs`): deleted now, they
        // could take the content of an upload of the same file that is
        // just being recorded.
        sqlx::query(
            "DELETE FROM blobs WHERE hash = $1 \
             AND NOT EXISTS (SELECT 1 FROM attachments WHERE hash = $1)",
        )
        .bind(&attachment.sha256)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            scope,
            attachment.project_id,
            EntityKind::Attachment,
            id,
            &label(&attachment.to, &attachment.name),
            "deleted",
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sweep_blobs(&self, older_than: DateTime<Utc>) -> Result<usize> {
        // Content no file names any more (its subject deleted with a task,
        // a project, a comment, a workspace).
        let mut swept = sqlx::query(
            "DELETE FROM blobs WHERE created_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.hash = blobs.hash)",
        )
        .bind(older_than)
        .execute(self.writer())
        .await?
        .rows_affected() as usize;
        let Some(blobs) = self.blobs() else {
            return Ok(swept);
        };
        for batch in blobs.list_older(older_than).await?.chunks(500) {
            let mut qb = QueryBuilder::<Db>::new("SELECT hash FROM blobs WHERE hash IN (");
            let mut list = qb.separated(", ");
            for hash in batch {
                list.push_bind(hash.as_str());
            }
            qb.push(")");
            let named: Vec<(String,)> = qb.build_query_as().fetch_all(self.reader()).await?;
            for hash in batch {
                if !named.iter().any(|(h,)| h == hash) {
                    blobs.delete(hash).await?;
                    swept += 1;
                }
            }
        }
        Ok(swept)
    }
}
