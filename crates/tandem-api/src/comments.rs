//! Comments on a task, a project, a milestone, a risk, a goal or a status
//! update; their
//! threads (one reply deep), edits and reactions. Bodies are Markdown,
//! returned as written for the caller to render.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

/// What a comment is on, from the six ways of naming it: exactly one.
fn target(
    task: Option<String>,
    project: Option<String>,
    milestone: Option<Id>,
    risk: Option<Id>,
    goal: Option<Id>,
    status_update: Option<Id>,
    v: &mut Validation,
) -> Option<CommentOn> {
    let mut named = Vec::new();
    if let Some(key) = task {
        named.push(CommentOn::Task(key.trim().to_string()));
    }
    if let Some(key) = project {
        named.push(CommentOn::Project(key.trim().to_string()));
    }
    named.extend(milestone.map(CommentOn::Milestone));
    named.extend(risk.map(CommentOn::Risk));
    named.extend(goal.map(CommentOn::Goal));
    named.extend(status_update.map(CommentOn::StatusUpdate));
    match named.len() {
        1 => named.pop(),
        0 => {
            v.push(
                "task",
                "name what the comment is on: task, project, milestone, risk, goal or status_update",
            );
            None
        }
        _ => {
            v.push(
                "task",
                "name one of task, project, milestone, risk, goal or status_update, not several",
            );
            None
        }
    }
}

/// A comment to add, on exactly one of `task`, `project`, `milestone`,
/// `risk`, `goal` or `status_update`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// A task's key, e.g. `WEB-12` (a personal task's too: its owner's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// A project's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// A milestone's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Id>,
    /// A risk's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Id>,
    /// A goal's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Id>,
    /// A status update's id (of a project, a portfolio or a goal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_update: Option<Id>,
    /// The comment this answers; a reply to a reply joins its thread
    /// (threads are one level deep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// Markdown, up to 20,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl CommentInput {
    pub fn into_new(self) -> Result<NewComment, Vec<FieldError>> {
        let mut v = Validation::new();
        let on = target(
            self.task,
            self.project,
            self.milestone,
            self.risk,
            self.goal,
            self.status_update,
            &mut v,
        );
        let body = self.body.unwrap_or_default();
        v.merge(check_comment_body(&body));
        v.finish(|| NewComment {
            on: on.expect("a subject when nothing was refused"),
            parent: self.parent,
            body,
        })
    }
}

/// Which comments to list: those on exactly one of these.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentQuery {
    /// A task's key.
    pub task: Option<String>,
    /// A project's key: the comments on the project itself.
    pub project: Option<String>,
    /// A milestone's id.
    pub milestone: Option<Id>,
    /// A risk's id.
    pub risk: Option<Id>,
    /// A goal's id.
    pub goal: Option<Id>,
    /// A status update's id.
    pub status_update: Option<Id>,
}

impl CommentQuery {
    pub fn into_on(self) -> Result<CommentOn, Vec<FieldError>> {
        let mut v = Validation::new();
        let on = target(
            self.task,
            self.project,
            self.milestone,
            self.risk,
            self.goal,
            self.status_update,
            &mut v,
        );
        v.finish(|| on.expect("a subject when nothing was refused"))
    }
}

/// A comment's new text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentEditBody {
    /// Markdown, up to 20,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl CommentEditBody {
    pub fn into_body(self) -> Result<String, Vec<FieldError>> {
        let body = self.body.unwrap_or_default();
        check_comment_body(&body)?;
        Ok(body)
    }
}

/// A reaction to add.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionBody {
    /// thumbs_up, thumbs_down, heart, tada, laugh, eyes, rocket or
    /// confused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
}

impl ReactionBody {
    pub fn into_reaction(self) -> Result<Reaction, Vec<FieldError>> {
        match self.reaction.as_deref().map(str::parse::<Reaction>) {
            Some(Ok(reaction)) => Ok(reaction),
            Some(Err(e)) => Err(vec![FieldError::new("reaction", e)]),
            None => Err(vec![FieldError::new(
                "reaction",
                format!(
                    "is required: one of {}",
                    Reaction::ALL
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )]),
        }
    }
}

/// What a comment is on.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CommentOnView {
    /// task, project, milestone, risk or goal.
    pub kind: EntityKind,
    /// A task's or a project's key; otherwise the id, as text.
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReactionView {
    pub reaction: Reaction,
    pub emoji: String,
    pub count: usize,
    /// Whether the caller is one of those who reacted so.
    pub mine: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CommentView {
    pub id: Id,
    pub on: CommentOnView,
    /// The first comment of its thread; null for a thread's first.
    pub parent: Option<Id>,
    pub author: Option<UserRef>,
    /// Markdown, as written; null once deleted.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When its text was last edited (`GET /comments/{id}/edits` has what
    /// it said before).
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub reactions: Vec<ReactionView>,
    pub version: i64,
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        CommentView {
            id: c.id,
            on: CommentOnView {
                kind: c.on.kind,
                key: c.on.key,
            },
            parent: c.parent_id,
            author: c.author,
            body: c.body,
            created_at: c.created_at,
            edited_at: c.edited_at,
            deleted: c.deleted_at.is_some(),
            reactions: c
                .reactions
                .into_iter()
                .map(|r| ReactionView {
                    reaction: r.reaction,
                    emoji: r.reaction.emoji().to_string(),
                    count: r.count,
                    mine: r.mine,
                })
                .collect(),
            version: c.version,
        }
    }
}

/// A text a comment had before an edit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CommentEditView {
    pub body: String,
    /// When an edit replaced it.
    pub replaced_at: DateTime<Utc>,
}

impl From<CommentEdit> for CommentEditView {
    fn from(e: CommentEdit) -> Self {
        CommentEditView {
            body: e.body,
            replaced_at: e.replaced_at,
        }
    }
}
