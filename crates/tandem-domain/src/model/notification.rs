//! Notifications: what lands in a person's inbox, why, and which people a
//! comment mentions.
//!
//! What this is not: who is told of what (the notifications job decides
//! from the event, the object's followers and each person's preferences),
//! or whether the reader may still open what one is about (the store
//! checks that when the inbox is read).

use chrono::{DateTime, Utc};

use super::*;

/// What a notification is about, as its reader sees it: the object's kind,
/// its key (a task's or a project's) or number, and its title or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifiedObject {
    pub kind: EntityKind,
    pub key: String,
    pub title: String,
    /// The project it is in, if any (by key).
    pub project: Option<String>,
}

/// One item of a person's inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: Id,
    pub kind: NotificationKind,
    pub object: NotifiedObject,
    /// The comment it is about (a mention, a comment on something
    /// followed), which may have been deleted since.
    pub comment_id: Option<Id>,
    /// The approval it is about.
    pub approval_id: Option<Id>,
    /// Who did what it tells of; `None` for Tandem itself (a date came).
    pub actor: Option<UserRef>,
    /// What happened, in a few words: "status: todo → done", a rule's
    /// message. Never another object's title.
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// A member as a mention may name them: by the part of their email before
/// the `@`, or by their name (whole, or its first word when no other
/// member's starts the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentionable {
    pub id: Id,
    pub email: String,
    pub name: String,
}

/// The members `body` mentions (`@ben`, `@Ben Okafor`, `@ben.okafor`), each
/// once, in the order first mentioned. A mention is `@` at the start of a
/// word followed by a member's email local part or name, and then not by
/// another letter, digit, `.`, `_` or `-`; the longest match wins. Text in
/// code (between backticks) mentions nobody, and nor does an email
/// address (`ana@x.org` is not a mention of `x`).
pub fn mentions(body: &str, members: &[Mentionable]) -> Vec<Id> {
    let mut found: Vec<Id> = Vec::new();
    let lower = body.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; mentions are
    // matched on the lower-cased text, with its own offsets throughout.
    let text = lower.as_str();
    let mut in_code = false;
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        if c == '`' {
            in_code = !in_code;
        }
        let starts_word =
            previous.is_none_or(|p| !(p.is_alphanumeric() || p == '.' || p == '_' || p == '-'));
        previous = Some(c);
        if c != '@' || in_code || !starts_word {
            continue;
        }
        let rest = &text[at + 1..];
        let mut best: Option<(usize, Id)> = None;
        for m in members {
            let local = m.email.split('@').next().unwrap_or_default().to_lowercase();
            let name = m.name.to_lowercase();
            let first = name
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let first_is_unique = members
                .iter()
                .filter(|o| o.name.to_lowercase().split_whitespace().next() == Some(first.as_str()))
                .count()
                == 1;
            let mut names = vec![local, name];
            if first_is_unique {
                names.push(first);
            }
            for candidate in names.iter().filter(|n| !n.is_empty()) {
                if let Some(after) = rest.strip_prefix(candidate.as_str()) {
                    // A handle goes on through letters, digits, `_`, `-`,
                    // `@`, and a `.` with more after it (`ben.okafor`).
                    let goes_on = |n: char| {
                        n.is_alphanumeric()
                            || matches!(n, '_' | '-' | '@')
                            || (n == '.' && after[1..].starts_with(|c: char| c.is_alphanumeric()))
                    };
                    let ends = after.chars().next().is_none_or(|n| !goes_on(n));
                    if ends && best.is_none_or(|(len, _)| candidate.len() > len) {
                        best = Some((candidate.len(), m.id));
                    }
                }
            }
        }
        if let Some((_, id)) = best
            && !found.contains(&id)
        {
            found.push(id);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<Mentionable> {
        [
            (1, "ana@x.org", "Ana Lopez"),
            (2, "ben.okafor@x.org", "Ben Okafor"),
            (3, "bea@x.org", "Bea Smith"),
            (4, "bea.jones@x.org", "Bea Jones"),
        ]
        .into_iter()
        .map(|(id, email, name)| Mentionable {
            id,
            email: email.into(),
            name: name.into(),
        })
        .collect()
    }

    #[test]
    fn a_mention_is_a_members_handle_or_name_after_an_at() {
        let p = people();
        assert_eq!(mentions("@ana please look", &p), [1]);
        assert_eq!(mentions("thanks @Ben Okafor!", &p), [2]);
        assert_eq!(mentions("cc @ben.okafor, @ben and @ANA", &p), [2, 1]);
        // A first name two people share names neither; the longer wins.
        assert_eq!(mentions("@bea can you", &p), [3]);
        assert_eq!(mentions("@bea.jones can you", &p), [4]);
        assert!(mentions("@Bea, @Beatrice", &p) == [3]);
        // Not a mention: an address, a longer word, code.
        assert!(mentions("mail ana@x.org or @anastasia", &p).is_empty());
        assert!(mentions("run `@ana` in the shell", &p).is_empty());
        assert!(mentions("@nobody here", &p).is_empty());
        // At the end of a sentence, a full stop ends the handle.
        assert_eq!(mentions("Ask @ben.", &p), [2]);
    }
}
