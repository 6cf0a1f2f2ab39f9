//! People's inboxes: notifications kept once per person and reason,
//! read back only where the reader may still open what each is about;
//! who follows what; and what each person wants to hear of.
//!
//! Not here: who is told of an event (the notifications job decides, from
//! the event, the followers the store knows and the mentions in a
//! comment).

use async_trait::async_trait;
use chrono::NaiveDate;
use tandem_domain::{CommentOn, Id, Notification, NotificationKind, UserRef};

use crate::{Result, Scope};

/// A notification to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub workspace_id: Id,
    pub user_id: Id,
    pub kind: NotificationKind,
    /// Its reason, once per person: `event:42:mention`, `due:7:2026-12-06`.
    pub once_key: String,
    pub on: CommentOn,
    pub comment_id: Option<Id>,
    pub approval_id: Option<Id>,
    pub actor_id: Option<Id>,
    pub note: Option<String>,
}

/// Which of a person's notifications an inbox shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct InboxFilter {
    /// Only those not read.
    pub unread: bool,
    /// The archived ones instead of the others.
    pub archived: bool,
    /// Older than this id (the next page).
    pub before: Option<Id>,
    pub limit: usize,
}

/// The most items one inbox page holds.
pub const INBOX_PAGE: usize = 200;

/// Whether a person keeps one kind of notification in their inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub kind: NotificationKind,
    pub inbox: bool,
    /// Mailed too (in a digest), when the server sends email.
    pub email: bool,
}

/// A person with notifications to mail, in one workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct MailRecipient {
    pub user: UserRef,
    pub workspace_id: Id,
    pub workspace_slug: String,
    pub workspace_name: String,
    pub role: tandem_domain::Role,
}

impl MailRecipient {
    /// The person, as themselves in the workspace: what they may open.
    pub fn scope(&self) -> Scope {
        Scope {
            workspace_id: self.workspace_id,
            user_id: self.user.id,
            role: self.role,
        }
    }
}

/// Why someone follows something, or does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Following {
    /// They said so.
    Chose(bool),
    /// Tandem infers it: they own, made, work on or talked about it.
    Inferred(bool),
}

impl Following {
    pub fn yes(self) -> bool {
        matches!(self, Following::Chose(true) | Following::Inferred(true))
    }
}

/// A task due on a day, and its owner: what the clock tells of.
#[derive(Debug, Clone, PartialEq)]
pub struct DueWork {
    pub workspace_id: Id,
    pub task_key: String,
    pub owner_id: Id,
    pub due: NaiveDate,
}

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Keeps each notification that is new for its person (by once-key)
    /// and of a kind they still want in their inbox: how many were kept.
    async fn notify(&self, items: &[NewNotification]) -> Result<usize>;
    /// The caller's notifications in this workspace, newest first, about
    /// what they may open now.
    async fn inbox(&self, scope: Scope, filter: &InboxFilter) -> Result<Vec<Notification>>;
    /// How many of them are unread and not archived.
    async fn unread_count(&self, scope: Scope) -> Result<usize>;
    /// Marks the caller's notifications `ids` (all of them in this
    /// workspace when `None`) read or unread: how many changed.
    async fn mark_read(&self, scope: Scope, ids: Option<&[Id]>, read: bool) -> Result<u64>;
    /// Archives the caller's notifications `ids` or brings them back
    /// (an archived one is read): how many changed.
    async fn archive(&self, scope: Scope, ids: &[Id], archived: bool) -> Result<u64>;
    /// Whether the caller follows `on`, and why. Not found when they may
    /// not open it.
    async fn following(&self, scope: Scope, on: &CommentOn) -> Result<Following>;
    /// The caller follows `on`, or stops.
    async fn follow(&self, scope: Scope, on: &CommentOn, following: bool) -> Result<Following>;
    /// Who follows `on` (which the caller, the whole workspace, opens):
    /// those who chose to, and those Tandem infers who did not choose
    /// otherwise.
    async fn followers(&self, scope: Scope, on: &CommentOn) -> Result<Vec<Id>>;
    /// A person's wishes, one per kind, in the vocabulary's order.
    async fn preferences(&self, user_id: Id) -> Result<Vec<Preference>>;
    /// Keeps these wishes, all or none.
    async fn set_preferences(&self, user_id: Id, preferences: &[Preference]) -> Result<()>;
    /// Open tasks with an owner due on `day`, of every workspace.
    async fn due_on(&self, day: NaiveDate) -> Result<Vec<DueWork>>;
    /// Everyone with notifications not mailed yet, with each workspace
    /// they are a member of that has some.
    async fn unmailed_recipients(&self) -> Result<Vec<MailRecipient>>;
    /// A person's notifications to mail, oldest first: not mailed yet, of
    /// the kinds they want by email, about what they may open now; and
    /// the newest id looked at, up to which [`Self::mark_mailed`] marks.
    async fn mail_digest(&self, scope: Scope) -> Result<(Vec<Notification>, Id)>;
    /// Marks the person's notifications up to `up_to` mailed; their open
    /// pages hear an `emailed` event.
    async fn mark_mailed(&self, scope: Scope, up_to: Id) -> Result<()>;
    /// The token of the link that stops one kind of email to a person:
    /// `fresh_token` the first time it is asked for.
    async fn unsubscribe_link(
        &self,
        user_id: Id,
        kind: NotificationKind,
        fresh_token: &str,
    ) -> Result<String>;
    /// Whose, and which kind, a link's token stops; with `stop`, stops it.
    async fn unsubscribe(
        &self,
        token: &str,
        stop: bool,
    ) -> Result<Option<(UserRef, NotificationKind)>>;
}
