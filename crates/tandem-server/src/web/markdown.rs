//! Markdown as people write it in status updates and goal descriptions,
//! rendered to HTML that is safe in a page: raw HTML shows as the text it
//! is, a link goes only to the web, mail or a path of this site, an image
//! becomes a link to it (a page never loads what a writer points at), and
//! headings become bold paragraphs so that a text cannot break the page's
//! outline.
//!
//! Not here: where Markdown is stored (as written) or how the API returns
//! it (as written, for the caller to render).

use std::collections::HashMap;

use maud::{Markup, PreEscaped};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// `text` as HTML.
pub fn render(text: &str) -> Markup {
    render_with(text, &HashMap::new())
}

/// Tasks a text names (`#LAUNCH-12`) that its reader may open: key →
/// (where its page is, its title).
pub type TaskRefs = HashMap<String, (String, String)>;

/// The task keys `text` names with a `#` (`#LAUNCH-12`), upper-cased,
/// each once, in order.
pub fn task_refs(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (at, _) in text.match_indices('#') {
        let token: String = text[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let token = token.trim_end_matches('-').to_ascii_uppercase();
        if tandem_domain::TaskKey::parse(&token).is_ok() && !found.contains(&token) {
            found.push(token);
        }
    }
    found
}

/// `text` as HTML, each `#KEY-12` in `refs` a link to the task showing
/// its title; one the reader may not open stays the text it is. Code
/// and links are left as written.
pub fn render_with(text: &str, refs: &TaskRefs) -> Markup {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut quoted = 0usize;
    let events = Parser::new_ext(text, options)
        .flat_map(safe)
        .flat_map(|event| {
            match &event {
                Event::Start(Tag::CodeBlock(_) | Tag::Link { .. }) => quoted += 1,
                Event::End(TagEnd::CodeBlock | TagEnd::Link) => quoted = quoted.saturating_sub(1),
                _ => {}
            }
            match event {
                Event::Text(words) if quoted == 0 && !refs.is_empty() => linked(words, refs),
                other => vec![other],
            }
        });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    PreEscaped(out)
}

/// A run of text with each known `#KEY-12` made a link titled with its
/// task.
fn linked<'a>(words: CowStr<'a>, refs: &TaskRefs) -> Vec<Event<'a>> {
    let text = words.to_string();
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('#') {
        let token: String = rest[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let token = token.trim_end_matches('-');
        match refs.get(&token.to_ascii_uppercase()) {
            Some((url, title)) => {
                out.push(Event::Text(CowStr::from(rest[..at].to_string())));
                out.push(Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url: CowStr::from(url.clone()),
                    title: CowStr::from(title.clone()),
                    id: CowStr::Borrowed(""),
                }));
                out.push(Event::Text(CowStr::from(format!(
                    "{} {title}",
                    token.to_ascii_uppercase()
                ))));
                out.push(Event::End(TagEnd::Link));
                rest = &rest[at + 1 + token.len()..];
            }
            None => {
                out.push(Event::Text(CowStr::from(rest[..=at].to_string())));
                rest = &rest[at + 1..];
            }
        }
    }
    out.push(Event::Text(CowStr::from(rest.to_string())));
    out
}

fn safe(event: Event<'_>) -> Vec<Event<'_>> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => vec![Event::Text(raw)],
        Event::Start(Tag::HtmlBlock) => vec![Event::Start(Tag::Paragraph)],
        Event::End(TagEnd::HtmlBlock) => vec![Event::End(TagEnd::Paragraph)],
        Event::Start(Tag::Heading { .. }) => {
            vec![Event::Start(Tag::Paragraph), Event::Start(Tag::Strong)]
        }
        Event::End(TagEnd::Heading(_)) => {
            vec![Event::End(TagEnd::Strong), Event::End(TagEnd::Paragraph)]
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => vec![Event::Start(Tag::Link {
            link_type,
            dest_url: if safe_url(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("")
            },
            title,
            id,
        })],
        Event::End(TagEnd::Image) => vec![Event::End(TagEnd::Link)],
        other => vec![other],
    }
}

/// Whether a link may point there: the web, mail, or a path without a
/// scheme (never `javascript:` or `data:`).
fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            // A colon after a path or query is no scheme.
            lower[..colon].contains(['/', '?', '#'])
                || ["http", "https", "mailto"].contains(&&lower[..colon])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        render(text).into_string()
    }

    #[test]
    fn what_people_write_is_formatted() {
        let out =
            html("**Done**: billing\n\n- trials\n- invoices\n\n[plan](https://example.com/p)");
        assert!(out.contains("<strong>Done</strong>"), "{out}");
        assert!(out.contains("<li>trials</li>"), "{out}");
        assert!(
            out.contains(r#"<a href="https://example.com/p">plan</a>"#),
            "{out}"
        );
    }

    #[test]
    fn html_scripts_and_images_stay_harmless() {
        let out = html("<script>alert(1)</script>\n\nhi <b onclick=x>there</b>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<b "), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        let out = html("[x](javascript:alert(1)) [y](JavaScript:alert(1)) [z](data:text/html,hi)");
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        let out = html("![chart](https://example.com/c.png)");
        assert!(!out.contains("<img"), "{out}");
        assert!(
            out.contains(r#"<a href="https://example.com/c.png">chart</a>"#),
            "{out}"
        );
        let out = html("# Big\n\ntext");
        assert!(!out.contains("<h1"), "{out}");
        assert!(out.contains("<p><strong>Big</strong></p>"), "{out}");
        assert!(html("[rel](/w/demo/p/LAUNCH)").contains(r#"href="/w/demo/p/LAUNCH""#));
    }

    #[test]
    fn a_task_named_with_a_hash_links_to_it_for_who_may_open_it() {
        let text = "See #launch-12, #SECRET-1 and `#LAUNCH-12`; also #LAUNCH-12.";
        assert_eq!(task_refs(text), ["LAUNCH-12", "SECRET-1"]);
        let mut refs = TaskRefs::new();
        refs.insert(
            "LAUNCH-12".into(),
            ("/w/demo/t/LAUNCH-12".into(), "Write <the> brief".into()),
        );
        let out = render_with(text, &refs).into_string();
        assert!(
            out.contains(r#"<a href="/w/demo/t/LAUNCH-12" title="Write &lt;the&gt; brief">LAUNCH-12 Write &lt;the&gt; brief</a>"#),
            "{out}"
        );
        // Not the reader's to open: the text as written, no title.
        assert!(out.contains("#SECRET-1"), "{out}");
        // In code, as written.
        assert!(out.contains("<code>#LAUNCH-12</code>"), "{out}");
        assert_eq!(out.matches("<a ").count(), 2, "{out}");
    }
}
