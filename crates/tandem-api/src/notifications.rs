//! People's inboxes, what they follow, and what they want to hear of.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

use crate::CommentQuery;

/// What a notification is about.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NotifiedObjectView {
    /// task, project, milestone, risk or goal.
    pub kind: EntityKind,
    /// A task's or a project's key; otherwise the id, as text.
    pub key: String,
    /// Its title or name, as the reader may see it now.
    pub title: String,
    /// The project it is in (its key), if any.
    pub project: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NotificationView {
    pub id: Id,
    /// mention, assigned, comment, approval, status, due_soon, overdue or
    /// rule.
    pub kind: NotificationKind,
    pub object: NotifiedObjectView,
    /// The comment it is about (a mention, a comment on what the reader
    /// follows).
    pub comment: Option<Id>,
    /// The approval it is about.
    pub approval: Option<Id>,
    /// Who did what it tells of; null when a date came.
    pub actor: Option<UserRef>,
    /// What happened, in a few words ("status: done").
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub archived: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        NotificationView {
            id: n.id,
            kind: n.kind,
            object: NotifiedObjectView {
                kind: n.object.kind,
                key: n.object.key,
                title: n.object.title,
                project: n.object.project,
            },
            comment: n.comment_id,
            approval: n.approval_id,
            actor: n.actor,
            note: n.note,
            created_at: n.created_at,
            read: n.read_at.is_some(),
            read_at: n.read_at,
            archived: n.archived_at.is_some(),
        }
    }
}

/// How many unread notifications wait.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct InboxCount {
    pub unread: usize,
}

/// Marks notifications read or unread: `ids`, or `all` of the caller's
/// in this workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<Id>>,
    /// `true`: every notification of the caller's in this workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<bool>,
    /// `false` marks them unread (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
}

impl MarkRead {
    /// The ids (`None`: all) and whether read.
    pub fn into_parts(self) -> Result<(Option<Vec<Id>>, bool), Vec<FieldError>> {
        let read = self.read.unwrap_or(true);
        match (self.ids, self.all.unwrap_or(false)) {
            (Some(_), true) => Err(vec![FieldError::new(
                "ids",
                "name notifications or all of them, not both",
            )]),
            (Some(ids), false) => Ok((Some(ids), read)),
            (None, true) => Ok((None, read)),
            (None, false) => Err(vec![FieldError::new(
                "ids",
                "is required: the notifications to mark, or all: true",
            )]),
        }
    }
}

/// Archives notifications, or brings them back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<Id>>,
    /// `false` brings them back to the inbox (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

impl ArchiveBody {
    pub fn into_parts(self) -> Result<(Vec<Id>, bool), Vec<FieldError>> {
        match self.ids {
            Some(ids) if !ids.is_empty() => Ok((ids, self.archived.unwrap_or(true))),
            _ => Err(vec![FieldError::new(
                "ids",
                "is required: the notifications to archive",
            )]),
        }
    }
}

/// Follows one task, project, milestone, risk, goal or status update, or
/// stops.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_update: Option<Id>,
    /// `false` stops following (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<bool>,
}

impl FollowInput {
    pub fn into_parts(self) -> Result<(CommentOn, bool), Vec<FieldError>> {
        let on = CommentQuery {
            task: self.task,
            project: self.project,
            milestone: self.milestone,
            risk: self.risk,
            goal: self.goal,
            status_update: self.status_update,
        }
        .into_on()?;
        Ok((on, self.following.unwrap_or(true)))
    }
}

/// Whether the caller follows something, and whether they chose to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FollowView {
    pub following: bool,
    /// `false`: Tandem infers it (they own, made, work on or commented on
    /// it) and they have not said otherwise.
    pub chosen: bool,
}

/// Whether a person keeps one kind of notification in their inbox.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PreferenceView {
    pub kind: NotificationKind,
    /// In words.
    pub label: String,
    /// Kept in the inbox.
    pub inbox: bool,
    /// Mailed too, in a digest, where the server sends email (of those
    /// kept in the inbox).
    pub email: bool,
}

/// A change to what the caller wants to hear of one kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceInput {
    /// mention, assigned, comment, approval, status, due_soon, overdue or
    /// rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `false`: not kept in the inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<bool>,
    /// `false`: not mailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<bool>,
}

/// Changes to what the caller wants to hear of, kind by kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<Vec<PreferenceInput>>,
}

impl PreferenceInput {
    pub fn kind(&self) -> Result<NotificationKind, Vec<FieldError>> {
        match self.kind.as_deref().map(str::parse::<NotificationKind>) {
            Some(Ok(kind)) => Ok(kind),
            Some(Err(e)) => Err(vec![FieldError::new("kind", e)]),
            None => Err(vec![FieldError::new("kind", "is required")]),
        }
    }
}
