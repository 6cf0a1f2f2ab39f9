//! What people do with comments: say something on a task, a project, a
//! milestone, a risk or a goal, answer in its thread, edit or delete what
//! they said, react. Members write; who may edit (the author) and delete
//! (the author, owners, admins) is the store's to check, in the write's
//! transaction.

use tandem_domain::{Comment, Id, NewComment, Reaction};
use tandem_store::Store;

use crate::{Result, Writer};

pub async fn add(store: &dyn Store, writer: &Writer, comment: &NewComment) -> Result<Comment> {
    Ok(store.add_comment(writer.scope(), comment).await?)
}

pub async fn edit(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    body: &str,
) -> Result<Comment> {
    Ok(store
        .edit_comment(writer.scope(), id, expected_version, body)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_comment(writer.scope(), id, expected_version)
        .await?)
}

pub async fn react(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    reaction: Reaction,
    on: bool,
) -> Result<Comment> {
    Ok(store.react(writer.scope(), id, reaction, on).await?)
}
