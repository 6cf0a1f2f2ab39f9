//! A search's hits as the API shows them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::search::{Found, Span};
use tandem_domain::*;

use crate::CommentOnView;

/// Where the words matched: pieces of text in order, each marked matched
/// or not, so a client marks them without parsing any markup.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HighlightView {
    /// The title, whole.
    pub title: Vec<Span>,
    /// The stretch of the text around its first match; null when only
    /// the title matched.
    pub snippet: Option<Vec<Span>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SearchHitView {
    /// task, project, comment, goal, risk or attachment.
    pub kind: SearchKind,
    /// The object's id (a task's, a comment's…).
    pub id: Id,
    /// A task's or a project's key; null for the other kinds.
    pub key: Option<String>,
    /// Its title or name (a file's name); for a comment, the title of
    /// what it is on.
    pub title: String,
    /// The project it belongs to (its key), if any.
    pub project: Option<String>,
    /// Its status, in its kind's words; null for a comment.
    pub status: Option<String>,
    /// Its owner; a comment's author.
    pub owner: Option<UserRef>,
    /// What a comment or an attachment is on; null for the other kinds.
    pub on: Option<CommentOnView>,
    /// How well it matches, higher better; comparable within one search.
    pub score: f64,
    pub highlight: HighlightView,
}

impl From<Found> for SearchHitView {
    fn from(found: Found) -> Self {
        let hit = found.hit;
        SearchHitView {
            kind: hit.kind,
            id: hit.id,
            key: hit.key,
            title: hit.title,
            project: hit.project,
            status: hit.status,
            owner: hit.owner,
            on: hit.on.map(|on| CommentOnView {
                kind: on.kind,
                key: on.key,
            }),
            score: hit.score,
            highlight: HighlightView {
                title: found.title,
                snippet: found.snippet,
            },
        }
    }
}
