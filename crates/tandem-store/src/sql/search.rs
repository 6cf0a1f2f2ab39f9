//! A list's text search: the words typed, how each backend matches them
//! in its index, and what a page's query says of them.
//!
//! Not here: where a page reads its matches from (`task_list.rs`'s
//! `Source`), or the indexes themselves (migration 11).

use tandem_domain::Id;

use super::SqlSink;

/// A list's text search as its page reads it: the words every match has
/// (each as a prefix), or, where the backend looked them up in its index
/// first ([`TextMatch::probe`]), every task that has them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Search {
    Words(Vec<String>),
    Found(Vec<Id>),
}

impl Search {
    /// The condition on the tasks `t` a page or count reads.
    pub(crate) fn push_condition(&self, q: &mut impl SqlSink, text: &TextMatch) {
        match self {
            Search::Words(words) if words.is_empty() => {}
            Search::Words(words) => {
                q.sql(text.condition.0);
                q.text(text.query(words));
                q.sql(text.condition.1);
            }
            Search::Found(ids) if ids.is_empty() => q.sql(" AND 1 = 0"),
            Search::Found(ids) => {
                q.sql(" AND t.id IN (");
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        q.sql(", ");
                    }
                    q.int(*id);
                }
                q.sql(")");
            }
        }
    }
}

/// How a backend finds the tasks whose title or description has, for
/// each word of a search (`q`), a word beginning with it. The words it
/// is given are letters and digits only ([`search_words`]), so nothing
/// typed into a search is read as either dialect's query syntax.
#[derive(Debug)]
pub(crate) struct TextMatch {
    /// The index of matches to read a page from in id order, joined to
    /// the tasks `t`, and its column of task ids; none where the index
    /// gives matches in no useful order (a condition on `t` then).
    pub source: Option<(&'static str, &'static str)>,
    /// The condition, before and after the search's parameter.
    pub condition: (&'static str, &'static str),
    /// What makes a word a prefix term: before and after it.
    pub term: (&'static str, &'static str),
    /// What makes a word a whole-word term: before and after it.
    pub exact: (&'static str, &'static str),
    /// What joins the terms so that every one must match.
    pub and: &'static str,
    /// A query of at most `$3` ids of workspace `$1`'s tasks matching the
    /// search's parameter `$2`, read from the index alone, for a backend
    /// whose planner cannot tell a rare search from a common one: when it
    /// finds them all, the page reads those tasks and nothing else.
    pub probe: Option<&'static str>,
}

impl TextMatch {
    /// A ranked search's parameter: the words typed whole, the last as a
    /// prefix, for it may still be being typed ("launch pl" finds
    /// "Launch plan"). Whole words read their matches newest first and
    /// stop; a prefix reads every word it begins (FTS5 merges them
    /// whole), which a common one makes slow.
    pub(crate) fn ranked_query(&self, words: &[String]) -> String {
        let (before, after) = self.exact;
        let (last_before, last_after) = self.term;
        words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                if i + 1 == words.len() {
                    format!("{last_before}{word}{last_after}")
                } else {
                    format!("{before}{word}{after}")
                }
            })
            .collect::<Vec<_>>()
            .join(self.and)
    }

    /// The search's parameter: every word as a prefix term.
    pub(crate) fn query(&self, words: &[String]) -> String {
        let (before, after) = self.term;
        words
            .iter()
            .map(|word| format!("{before}{word}{after}"))
            .collect::<Vec<_>>()
            .join(self.and)
    }
}

/// The words of a search (`tandem_domain::search::search_words`); none: no text
/// filter.
pub(crate) fn search_words(text: Option<&str>) -> Vec<String> {
    tandem_domain::search::search_words(text.unwrap_or_default())
}

/// How many of a search's newest matches, per index, are ranked. A word
/// in a fifth of a million tasks would otherwise be scored a fifth of a
/// million times (half a second on SQLite); the newest five hundred are
/// read in the index's own order and stop there. A search with fewer
/// matches is ranked whole.
pub(crate) const RANK_WINDOW: i64 = 500;

/// How a backend ranks what matches a search, for one index: the tasks'
/// (`t`) or the search entries' (`e`). The newest matches the caller may
/// open ([`RANK_WINDOW`]) are read in a window `w`, then scored.
#[derive(Debug)]
pub(crate) struct Ranked {
    /// The index joined to its rows.
    pub from: &'static str,
    /// The condition, before and after the search's parameter
    /// ([`TextMatch::query`]).
    pub condition: (&'static str, &'static str),
    /// The column whose order, descending, is newest first, read from
    /// the index without sorting.
    pub newest: &'static str,
    /// What the window keeps for the score (as `rank_input`), where the
    /// score is read in it (FTS5's `bm25` needs its match at hand).
    pub window: &'static str,
    /// The score over the window's `w.rank_input`, higher better: before
    /// and, where the expression takes the search's parameter too, after
    /// it.
    pub score: (&'static str, Option<&'static str>),
}

impl Ranked {
    pub(crate) fn push_score(&self, q: &mut impl SqlSink, query: &str) {
        q.sql(self.score.0);
        if let Some(after) = self.score.1 {
            q.text(query.to_string());
            q.sql(after);
        }
    }

    pub(crate) fn push_condition(&self, q: &mut impl SqlSink, query: &str) {
        q.sql(self.condition.0);
        q.text(query.to_string());
        q.sql(self.condition.1);
    }
}
