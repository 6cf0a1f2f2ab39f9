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
    /// What joins the terms so that every one must match.
    pub and: &'static str,
    /// A query of at most `$3` ids of workspace `$1`'s tasks matching the
    /// search's parameter `$2`, read from the index alone, for a backend
    /// whose planner cannot tell a rare search from a common one: when it
    /// finds them all, the page reads those tasks and nothing else.
    pub probe: Option<&'static str>,
}

impl TextMatch {
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

/// A search reads at most this many words.
const SEARCH_WORDS: usize = 8;

/// The words of a search: its runs of letters and digits, lowercased.
/// Anything else (quotes, operators, punctuation) only separates words,
/// as it does in the text both backends index. None: no text filter.
pub(crate) fn search_words(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(SEARCH_WORDS)
        .map(str::to_lowercase)
        .collect()
}
