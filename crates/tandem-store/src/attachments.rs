//! Files attached to tasks, projects and comments: kept once per content
//! (their SHA-256), read by whoever may open what they are attached to,
//! removed by whoever attached them, an owner or an admin. A file put
//! under a name its subject already has is that document's next version.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::{AttachedTo, Attachment, Id, NewAttachment};

use crate::{Result, Scope, WriteScope};

#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Keeps the file and attaches it as the caller; not found when they
    /// may not open what it goes on.
    async fn attach(&self, scope: WriteScope, new: &NewAttachment) -> Result<Attachment>;
    /// What is attached to `to`: by name, each name's newest version
    /// first.
    async fn list_attachments(&self, scope: Scope, to: &AttachedTo) -> Result<Vec<Attachment>>;
    async fn get_attachment(&self, scope: Scope, id: Id) -> Result<Attachment>;
    /// The attachment and its bytes.
    async fn attachment_content(&self, scope: Scope, id: Id) -> Result<(Attachment, Vec<u8>)>;
    /// Removes one version; its bytes go when nothing else holds them.
    async fn delete_attachment(&self, scope: WriteScope, id: Id) -> Result<()>;
    /// Removes the content no attachment names, kept before
    /// `older_than` (uploads younger than that may be about to be
    /// recorded): rows of the database, and objects of the bucket when
    /// there is one. How many went.
    async fn sweep_blobs(&self, older_than: DateTime<Utc>) -> Result<usize>;
}
