//! Comments on tasks, projects, milestones, risks and goals: written by
//! members, read by whoever may open what they are on, edited and deleted
//! by their authors (an owner or an admin may delete any), with the texts
//! edits replaced and people's reactions.
//!
//! A guest reads no goal's comments: a goal is the whole workspace's
//! (as with its status updates).

use async_trait::async_trait;
use tandem_domain::{Comment, CommentEdit, CommentOn, Id, NewComment, Reaction};

use crate::{Result, Scope, WriteScope};

/// The most comments one subject's list returns, oldest threads first.
pub const COMMENT_PAGE: i64 = 500;

#[async_trait]
pub trait CommentStore: Send + Sync {
    /// The comments on `on`: each thread's first comment, oldest first,
    /// followed by its replies, oldest first. Not found when the caller
    /// may not open `on`.
    async fn list_comments(&self, scope: Scope, on: &CommentOn) -> Result<Vec<Comment>>;
    async fn get_comment(&self, scope: Scope, id: Id) -> Result<Comment>;
    /// Whether the caller may open what a comment would be on.
    async fn may_open(&self, scope: Scope, on: &CommentOn) -> Result<bool>;
    /// Adds a comment as the caller; a reply to a reply joins its thread.
    async fn add_comment(&self, scope: WriteScope, comment: &NewComment) -> Result<Comment>;
    /// Replaces the text, keeping the one replaced. The author only.
    async fn edit_comment(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        body: &str,
    ) -> Result<Comment>;
    /// Removes the text and reactions; the comment keeps its place in its
    /// thread. Its author, an owner or an admin.
    async fn delete_comment(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// The texts edits replaced, oldest first.
    async fn comment_edits(&self, scope: Scope, id: Id) -> Result<Vec<CommentEdit>>;
    /// Adds (`on`) or takes back the caller's reaction.
    async fn react(
        &self,
        scope: WriteScope,
        id: Id,
        reaction: Reaction,
        on: bool,
    ) -> Result<Comment>;
}
