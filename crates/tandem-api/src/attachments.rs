//! Files attached to tasks, projects and comments, as the API shows them.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

/// What a file is attached to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AttachedToView {
    /// task, project or comment.
    pub kind: String,
    /// A task's or a project's key; a comment's id, as text.
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AttachmentView {
    pub id: Id,
    pub on: AttachedToView,
    /// The file's name; files of one name on one subject are the versions
    /// of one document.
    pub name: String,
    /// 1 for the first file of its name, counting up.
    pub version: i64,
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// The SHA-256 of the bytes, in hex.
    pub sha256: String,
    pub uploaded_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// Whether the web app previews it (a PNG, JPEG, GIF or WebP image);
    /// everything else downloads.
    pub image: bool,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        let key = match &a.to {
            AttachedTo::Task(key) | AttachedTo::Project(key) => key.clone(),
            AttachedTo::Comment(id) => id.to_string(),
        };
        AttachmentView {
            id: a.id,
            on: AttachedToView {
                kind: a.to.kind().to_string(),
                key,
            },
            image: shown_inline(&a.content_type),
            name: a.name,
            version: a.version,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            created_at: a.created_at,
        }
    }
}
