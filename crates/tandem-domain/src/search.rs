//! What a search looks for and how a hit shows it: the words of a query,
//! and the parts of a title or a text those words match (highlights, and
//! the stretch of a long text around the first match).
//!
//! Not here: finding and ranking (each store's full-text index), or
//! drawing the marks (the web page and the CLI each do their own).

use serde::{Deserialize, Serialize};

use crate::{CommentSubject, Id, SearchKind, UserRef};

/// A search reads at most this many words.
pub const SEARCH_WORDS: usize = 8;

/// The words of a search: its runs of letters and digits, lowercased.
/// Anything else (quotes, operators, punctuation) only separates words,
/// as it does in the text both stores index, so nothing typed is read as
/// an index's query syntax.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(SEARCH_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// One thing found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The object's own id (a task's, a comment's, …).
    pub id: Id,
    /// A task's or a project's key.
    pub key: Option<String>,
    /// Its title or name; for a comment, the title of what it is on.
    pub title: String,
    /// The text the words were also looked for in: a description, a
    /// charter, a risk's description and mitigation, a comment's body.
    pub text: Option<String>,
    /// The key of the project it belongs to.
    pub project: Option<String>,
    /// Its status, in its kind's own words.
    pub status: Option<String>,
    /// Its owner; a comment's author.
    pub owner: Option<UserRef>,
    /// What a comment is on.
    pub on: Option<CommentSubject>,
    /// How well it matches, higher better; comparable within one search.
    pub score: f64,
}

/// A hit with its matches marked: in its title, and in the stretch of its
/// text around the first match (none when the text has none).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub hit: SearchHit,
    pub title: Vec<Span>,
    pub snippet: Option<Vec<Span>>,
}

impl Found {
    /// `hit` as a search for `words` shows it.
    pub fn new(hit: SearchHit, words: &[String]) -> Found {
        let title = highlight(&hit.title, words);
        let snippet = hit
            .text
            .as_deref()
            .map(|text| snippet(text, words))
            .filter(|spans| spans.iter().any(|s| s.matched));
        Found {
            hit,
            title,
            snippet,
        }
    }
}

/// A piece of a shown text: matched by the search or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    pub text: String,
    /// Whether a word of the search begins here (the index matches words
    /// by their beginning: "lau" finds "launch").
    #[serde(rename = "match")]
    pub matched: bool,
}

/// `text` cut where the words of the search match, case aside, as the
/// index matches them: a word of the text that is one of `words`, or
/// begins with the last of them (the one being typed), is a matched span
/// (only the part the search typed).
pub fn highlight(text: &str, words: &[String]) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut push = |piece: &str, matched: bool| {
        if piece.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.matched == matched => last.text.push_str(piece),
            _ => spans.push(Span {
                text: piece.to_string(),
                matched,
            }),
        }
    };
    for (_, word) in words_of(text) {
        let end = matched_len(word, words);
        push(&word[..end], end > 0);
        push(&word[end..], false);
    }
    spans
}

/// Most characters of a text a hit shows around its first match.
pub const SNIPPET_CHARS: usize = 160;

/// The stretch of a long `text` a hit shows: about `SNIPPET_CHARS`
/// characters beginning a little before the first matched word (from the
/// start where nothing matches), cut at words, with "…" where it was cut.
pub fn snippet(text: &str, words: &[String]) -> Vec<Span> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = words_of(&text)
        .find(|(_, word)| matched_len(word, words) > 0)
        .map(|(start, _)| start)
        .unwrap_or(0);
    // A few words of what comes before the match, for its sense.
    let lead = text[..first]
        .char_indices()
        .rev()
        .filter(|(_, c)| *c == ' ')
        .nth(5)
        .map(|(i, _)| i + 1)
        .unwrap_or(0);
    let mut end = text.len();
    let mut taken = 0;
    for (i, _) in text[lead..].char_indices() {
        taken += 1;
        if taken > SNIPPET_CHARS {
            // Back to the last space, not inside a word.
            end = text[lead..lead + i]
                .rfind(' ')
                .map(|space| lead + space)
                .unwrap_or(lead + i);
            break;
        }
    }
    let mut shown = String::new();
    if lead > 0 {
        shown.push('…');
    }
    shown.push_str(text[lead..end].trim_end());
    if end < text.len() {
        shown.push('…');
    }
    highlight(&shown, words)
}

/// The pieces of `text` in order, each a run of letters and digits or a
/// run of anything else, with where each begins.
fn words_of(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric();
        match in_word {
            Some(was) if was != word => {
                pieces.push((start, &text[start..i]));
                start = i;
            }
            _ => {}
        }
        in_word = Some(word);
    }
    if start < text.len() {
        pieces.push((start, &text[start..]));
    }
    pieces.into_iter()
}

/// How much of `piece` (bytes) the longest of `words` it begins with
/// covers, case aside; 0 when none, or when it is not a word.
fn matched_len(piece: &str, words: &[String]) -> usize {
    if !piece.starts_with(char::is_alphanumeric) {
        return 0;
    }
    let mut best = 0;
    for (i, word) in words.iter().enumerate() {
        // Only the last word is a prefix; the others match whole words.
        let prefix = i + 1 == words.len();
        let mut chars = piece.char_indices();
        let mut end = 0;
        let mut all = true;
        for wanted in word.chars() {
            match chars.next() {
                Some((i, c)) if c.to_lowercase().eq(wanted.to_lowercase()) => {
                    end = i + c.len_utf8();
                }
                _ => {
                    all = false;
                    break;
                }
            }
        }
        if all && end > best && (prefix || end == piece.len()) {
            best = end;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        search_words(text)
    }

    fn marked(spans: &[Span]) -> String {
        spans
            .iter()
            .map(|s| {
                if s.matched {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn a_search_is_its_words_lowercased_without_syntax() {
        assert_eq!(
            words("Launch \"plan\" -OR- v1.5*"),
            ["launch", "plan", "or", "v1", "5"]
        );
        assert!(words("  ?! ").is_empty());
        assert_eq!(words("a b c d e f g h i j").len(), SEARCH_WORDS);
    }

    #[test]
    fn the_beginnings_of_words_are_marked_case_aside() {
        let spans = highlight("Product launch: LAUNCHING the plan", &words("launch pla"));
        assert_eq!(marked(&spans), "Product [launch]: LAUNCHING the [pla]n");
        // A word before the last matches whole words only, as the index
        // does: "lau" does not find "launch" unless it is typed last.
        assert_eq!(
            marked(&highlight("launch plan", &words("lau plan"))),
            "launch [plan]"
        );
        // Inside a word is no match, as in the index.
        assert_eq!(marked(&highlight("relaunch", &words("launch"))), "relaunch");
        assert_eq!(
            marked(&highlight("Café au lait", &words("café"))),
            "[Café] au lait"
        );
        // The longest word wins where two begin the same word.
        assert_eq!(
            marked(&highlight("planning", &words("pl plann"))),
            "[plann]ing"
        );
        // Every piece is kept: the text reads back whole.
        let text = "a—b  «c» d";
        let back: String = highlight(text, &words("c"))
            .into_iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(back, text);
    }

    #[test]
    fn a_long_text_shows_the_stretch_around_its_first_match() {
        let filler = "word ".repeat(100);
        let text = format!("{filler}the budget review is due {filler}");
        let shown = marked(&snippet(&text, &words("budget")));
        assert!(shown.starts_with('…'), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
        assert!(shown.contains("the [budget] review"), "{shown}");
        assert!(shown.chars().count() <= SNIPPET_CHARS + 4, "{shown}");
        // A short text shows whole; no match shows its beginning.
        assert_eq!(
            marked(&snippet("Ship  the\nbrief", &words("ship"))),
            "[Ship] the brief"
        );
        assert!(!marked(&snippet(&text, &words("zebra"))).starts_with('…'));
    }
}
