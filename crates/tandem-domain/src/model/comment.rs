//! Comments: what people say on a task, a project, a milestone, a risk,
//! a goal or a status update, in Markdown, in threads one reply deep, with reactions; an
//! edit keeps the text it replaced, and a deletion keeps the comment's
//! place in its thread without its words.
//!
//! What this is not: who may read or write one (whoever may open what it
//! is on reads it; members write, and only the author edits or deletes),
//! or how Markdown becomes a page (the web's renderer does that).

use chrono::{DateTime, Utc};

use super::*;
use crate::validate::{FieldError, Validation};

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 20_000;

/// What a comment is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentOn {
    /// A task, by key (a personal task only its owner opens).
    Task(String),
    /// A project, by key.
    Project(String),
    Milestone(Id),
    Risk(Id),
    Goal(Id),
    /// A status update of a project, a portfolio or a goal, by id.
    StatusUpdate(Id),
}

impl CommentOn {
    pub fn kind(&self) -> EntityKind {
        match self {
            CommentOn::Task(_) => EntityKind::Task,
            CommentOn::Project(_) => EntityKind::Project,
            CommentOn::Milestone(_) => EntityKind::Milestone,
            CommentOn::Risk(_) => EntityKind::Risk,
            CommentOn::Goal(_) => EntityKind::Goal,
            CommentOn::StatusUpdate(_) => EntityKind::StatusUpdate,
        }
    }
}

/// A comment as written: on what, in reply to which, and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct NewComment {
    pub on: CommentOn,
    /// The comment it answers; a reply to a reply joins the thread of the
    /// first (threads are one level deep).
    pub parent: Option<Id>,
    pub body: String,
}

/// Checks a comment's text: something to say, and not a book.
pub fn check_comment_body(body: &str) -> Result<(), Vec<FieldError>> {
    let mut v = Validation::new();
    if body.trim().is_empty() {
        v.push("body", "is required: say something");
    } else if body.chars().count() > MAX_COMMENT_CHARS {
        v.push(
            "body",
            format!("is longer than {MAX_COMMENT_CHARS} characters"),
        );
    } else if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        v.push("body", "contains control characters");
    }
    v.into_result()
}

/// What a comment is on, as read back: its kind, its key (a task's or a
/// project's) or number, and the project it belongs to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentSubject {
    pub kind: EntityKind,
    pub key: String,
    pub project_id: Option<Id>,
}

impl CommentSubject {
    /// The subject as a caller names it.
    pub fn on(&self) -> Option<CommentOn> {
        let id = || self.key.parse::<Id>().ok();
        Some(match self.kind {
            EntityKind::Task => CommentOn::Task(self.key.clone()),
            EntityKind::Project => CommentOn::Project(self.key.clone()),
            EntityKind::Milestone => CommentOn::Milestone(id()?),
            EntityKind::Risk => CommentOn::Risk(id()?),
            EntityKind::Goal => CommentOn::Goal(id()?),
            EntityKind::StatusUpdate => CommentOn::StatusUpdate(id()?),
            _ => return None,
        })
    }
}

/// How many people reacted one way, and whether the reader is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCount {
    pub reaction: Reaction,
    pub count: usize,
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: Id,
    pub on: CommentSubject,
    /// The first comment of its thread; `None` for a thread's first.
    pub parent_id: Option<Id>,
    pub author: Option<UserRef>,
    /// As written, in Markdown; `None` once deleted.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When its text was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub reactions: Vec<ReactionCount>,
    pub version: i64,
}

/// A text a comment had before an edit, and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentEdit {
    pub body: String,
    pub replaced_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_says_something_within_bounds() {
        assert!(check_comment_body("Looks good to me").is_ok());
        assert!(check_comment_body("line one\n\n- a list\n\tindented").is_ok());
        assert_eq!(check_comment_body("  \n ").unwrap_err()[0].field, "body");
        let long = "a".repeat(MAX_COMMENT_CHARS + 1);
        assert!(
            check_comment_body(&long).unwrap_err()[0]
                .message
                .contains("longer")
        );
        assert!(check_comment_body("bell\u{7}").is_err());
        assert!("thumbs up".parse::<Reaction>().is_ok());
        assert!("party".parse::<Reaction>().unwrap_err().contains("heart"));
    }
}
