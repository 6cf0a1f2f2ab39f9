//! One ranked search across a workspace: tasks, projects, comments,
//! goals, risks and files (the newest version of each document), by the words of their titles and texts, best first,
//! only what the caller may open. Each backend keeps its own full-text
//! index (SQLite FTS5; PostgreSQL `tsvector` with GIN, and each word's
//! matches newest first in `search_words`, with its weight in the text),
//! written in the transaction of the change it follows.
//!
//! Not here: what a hit shows of its text (the domain's `search` module
//! marks the matches), or a key typed whole (the use case looks it up).

use async_trait::async_trait;
use tandem_domain::search::SearchHit;
use tandem_domain::{Id, SearchKind, TaskStatus};

use crate::{Result, Scope};

/// The most hits one search returns.
pub const SEARCH_LIMIT: usize = 100;

/// What to look for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    /// Typed text; its words ([`tandem_domain::search::search_words`])
    /// must all be words of a hit, in its title or its text, the last
    /// the beginning of one.
    pub text: String,
    /// The kinds to look in; none: every kind.
    pub kinds: Vec<SearchKind>,
    /// Only what belongs to this project (by key).
    pub project: Option<String>,
    /// Only what this member owns (a comment: wrote).
    pub owner: Option<Id>,
    /// Only tasks of this status (other kinds have none to match).
    pub status: Option<TaskStatus>,
    /// At most this many hits (capped at [`SEARCH_LIMIT`]).
    pub limit: usize,
    /// For a caller who does not see every project (a guest): the goals
    /// they may open, which the use case works out from what the goals
    /// serve. Nobody else needs it: members see every goal.
    pub goals_seen: Vec<Id>,
}

#[async_trait]
pub trait SearchStore: Send + Sync {
    /// The hits of `query` the caller may open, best first. No words: no
    /// hits.
    async fn search(&self, scope: Scope, query: &SearchQuery) -> Result<Vec<SearchHit>>;
}
