//! Markdown as people write it in status updates and goal descriptions,
//! rendered to HTML that is safe in a page: raw HTML shows as the text it
//! is, a link goes only to the web, mail or a path of this site, an image
//! becomes a link to it (a page never loads what a writer points at), and
//! headings become bold paragraphs so that a text cannot break the page's
//! outline.
//!
//! Not here: where Markdown is stored (as written) or how the API returns
//! it (as written, for the caller to render).

use maud::{Markup, PreEscaped};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// `text` as HTML.
pub fn render(text: &str) -> Markup {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(text, options).flat_map(safe);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    PreEscaped(out)
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
}
