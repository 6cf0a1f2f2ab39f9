//! What people do with files: attach one to a task, a project or a
//! comment (checked by the domain before it reaches the store), and
//! remove one. Who may open and remove is the store's to check, in the
//! write's transaction.

use tandem_domain::{Attachment, Id, NewAttachment};
use tandem_store::Store;

use crate::{Result, Writer};

pub async fn attach(store: &dyn Store, writer: &Writer, new: &NewAttachment) -> Result<Attachment> {
    Ok(store.attach(writer.scope(), new).await?)
}

pub async fn delete(store: &dyn Store, writer: &Writer, id: Id) -> Result<()> {
    Ok(store.delete_attachment(writer.scope(), id).await?)
}
