//! Find anything: one box over the tasks, projects, people and pages the
//! viewer may open. The page answers a plain GET (the header's search
//! form); the command palette (Ctrl/Cmd-K, in `app.js`) reads the same
//! page's results as someone types, so there is one search, not two.
//!
//! Tasks, projects, comments, goals, risks and files come ranked from the
//! workspace's search (`tandem_usecases::search`, the same the API and
//! the CLI read), with their matched words marked; people, portfolios
//! and pages are matched here, among the ones the viewer may see.

use std::collections::HashMap;

use axum::extract::{Query, State};
use maud::{Markup, html};
use tandem_domain::search::{Found, Span};
use tandem_domain::{SearchKind, TaskStatus};
use tandem_usecases::search::{self as finder, Ask};

use super::Viewer;
use super::common::WebError;
use super::layout::{self, Section, page};
use crate::AppState;

/// Results of each kind a page shows.
const SHOWN: usize = 20;

/// Whether every word of `query` begins a word of `text` (or is inside a
/// key), case aside: "lau pro" finds "Product launch".
fn matches(text: &str, query: &[String]) -> bool {
    let text = text.to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    query
        .iter()
        .all(|q| words.iter().any(|w| w.starts_with(q.as_str())) || text.contains(q.as_str()))
}

pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let q = query.get("q").map(|q| q.trim()).unwrap_or("").to_string();
    let words: Vec<String> = q
        .to_lowercase()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let kind = query.get("kind").and_then(|k| k.parse::<SearchKind>().ok());
    let status = query
        .get("status")
        .and_then(|k| k.parse::<TaskStatus>().ok());
    let project = query.get("project").filter(|p| !p.is_empty()).cloned();
    let mine = query.get("mine").is_some_and(|m| m == "1");
    let (mut hits, mut refused, mut people, mut pages) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let open: Vec<_> = store
        .open_projects(scope)
        .await?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    if !words.is_empty() {
        let ask = Ask {
            q: q.clone(),
            kinds: kind.into_iter().collect(),
            project: project.clone(),
            owner: mine.then(|| "me".to_string()),
            status,
            limit: Some(SHOWN),
        };
        // Punctuation alone is no word to rank by; pages and people may
        // still match it.
        if !tandem_domain::search::search_words(&q).is_empty() {
            match finder::search(store, scope, &ask).await {
                Ok(found) => hits = found,
                Err(tandem_usecases::Error::Invalid(errors)) => refused = errors,
                Err(other) => return Err(other.into()),
            }
        }
        people = store
            .list_members(scope)
            .await?
            .into_iter()
            .filter(|m| matches(&format!("{} {}", m.user.name, m.user.email), &words))
            .take(SHOWN)
            .collect();
        // Each page is found by its name and by what is done there
        // ("password" finds Settings).
        let named = [
            ("My Work", "/my", "tasks inbox today"),
            ("Projects", "/projects", "new project import"),
            ("Portfolios", "/portfolios", "programmes health pmo totals"),
            ("Goals", "/goals", "okr objectives key results targets"),
            (
                "Milestones across projects",
                "/milestones",
                "timeline roadmap gates dates",
            ),
            ("Workload", "/workload", "capacity hours people"),
            (
                "Settings",
                "/settings",
                "profile name password tokens api members roles invitations invite hours time off workspace",
            ),
        ];
        pages = named
            .into_iter()
            .filter(|(name, _, also)| matches(&format!("{name} {also}"), &words))
            .map(|(name, path, _)| (name.to_string(), viewer.url(path)))
            .collect();
        // A project's pages are found by the project's key or name, by
        // the page's own name ("timeline": every project's), or both
        // ("launch timeline").
        for p in &open {
            for (tab, path, also) in [
                ("Overview", "", "health status updates"),
                ("List", "/list", "tasks views"),
                ("Board", "/board", "kanban cards"),
                ("Timeline", "/timeline", "gantt baselines"),
                ("Workload", "/workload", ""),
                ("Risks", "/risks", "register"),
                ("Plan", "/plan", "forecast levelling export"),
                (
                    "Settings",
                    "/settings",
                    "phases milestones stakeholders calendar holidays archive delete",
                ),
            ] {
                if matches(&format!("{} {} {tab} {also}", p.key, p.name), &words) {
                    pages.push((
                        format!("{} {tab}", p.key),
                        viewer.url(&format!("/p/{}{path}", p.key)),
                    ));
                }
            }
        }
        // Portfolios by name, of those the viewer may see (goals are in
        // the ranked hits).
        for s in tandem_usecases::portfolios::list(store, scope).await? {
            if matches(&format!("portfolio {}", s.portfolio.name), &words) {
                pages.push((
                    format!("Portfolio: {}", s.portfolio.name),
                    viewer.url(&format!("/portfolios/{}", s.portfolio.id)),
                ));
            }
        }
        pages.truncate(SHOWN);
    }
    let found = hits.len() + people.len() + pages.len();
    let content = html! {
        form.search-page role="search" aria-label="Search again" method="get" action=(viewer.url("/search")) {
            label.visually-hidden for="search-q" { "Search" }
            input #search-q name="q" type="search" value=(q) autocomplete="off" placeholder="Tasks, projects, comments, goals, risks, files, people, pages";
            label for="search-kind" { "Kind" }
            select #search-kind name="kind" {
                option value="" { "Everything" }
                @for k in SearchKind::ALL {
                    option value=(k.as_str()) selected[kind == Some(*k)] { (kind_label(*k)) }
                }
            }
            label for="search-project" { "Project" }
            select #search-project name="project" {
                option value="" { "Any" }
                @for p in &open {
                    option value=(p.key) selected[project.as_deref() == Some(p.key.as_str())] { (p.key) " " (p.name) }
                }
            }
            label for="search-status" { "Task status" }
            select #search-status name="status" {
                option value="" { "Any" }
                @for st in TaskStatus::ALL {
                    option value=(st.as_str()) selected[status == Some(*st)] { (layout::status_label(*st)) }
                }
            }
            label { input type="checkbox" name="mine" value="1" checked[mine]; " Mine" }
            button type="submit" { "Search" }
        }
        @for e in &refused {
            p.error role="alert" { (e.field) ": " (e.message) }
        }
        @if words.is_empty() {
            p.muted { "Type words of a title, a key (LAUNCH-12), a project or a person. Ctrl K (⌘ K) opens this anywhere." }
        } @else if found == 0 {
            p { "Nothing matches " strong { (q) } "." }
        } @else {
            div.results {
                @if !hits.is_empty() {
                    section aria-labelledby="r-found" {
                        h2 #r-found { "Found" }
                        ol.results.hits {
                            @for f in &hits {
                                li { (hit(&viewer, f)) }
                            }
                        }
                    }
                }
                @if !people.is_empty() {
                    section aria-labelledby="r-people" {
                        h2 #r-people { "People" }
                        ol.results {
                            @for m in &people {
                                li { a data-result="person" href=(viewer.url(&format!("/settings#member-{}", m.user.id))) { (m.user.name) " " span.muted { (m.user.email) } } }
                            }
                        }
                    }
                }
                @if !pages.is_empty() {
                    section aria-labelledby="r-pages" {
                        h2 #r-pages { "Pages" }
                        ol.results {
                            @for (name, href) in &pages {
                                li { a data-result="page" href=(href) { (name) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&viewer, "Search", Section::Search, None, content))
}

fn kind_label(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Task => "Tasks",
        SearchKind::Project => "Projects",
        SearchKind::Comment => "Comments",
        SearchKind::Goal => "Goals",
        SearchKind::Risk => "Risks",
        SearchKind::Attachment => "Files",
    }
}

/// Text with its matched words in `mark`.
fn marked(spans: &[Span]) -> Markup {
    html! {
        @for s in spans {
            @if s.matched { mark { (s.text) } } @else { (s.text) }
        }
    }
}

/// Where a hit opens.
fn hit_url(viewer: &Viewer, found: &Found) -> String {
    let hit = &found.hit;
    match hit.kind {
        SearchKind::Task | SearchKind::Project => {
            let key = hit.key.as_deref().unwrap_or_default();
            let path = if hit.kind == SearchKind::Task {
                "t"
            } else {
                "p"
            };
            viewer.url(&format!("/{path}/{key}"))
        }
        SearchKind::Goal => viewer.url(&format!("/goals/{}", hit.id)),
        SearchKind::Risk => viewer.url(&format!("/discuss?risk={}", hit.id)),
        // A file's place on its task or project page; on a comment, the
        // file itself.
        SearchKind::Attachment => match hit.on.as_ref() {
            Some(on) if on.kind == tandem_domain::EntityKind::Task => {
                viewer.url(&format!("/t/{}#file-{}", on.key, hit.id))
            }
            Some(on) if on.kind == tandem_domain::EntityKind::Project => {
                viewer.url(&format!("/p/{}#file-{}", on.key, hit.id))
            }
            _ => viewer.url(&format!("/files/{}", hit.id)),
        },
        SearchKind::Comment => match hit.on.as_ref().and_then(|on| on.on()) {
            Some(on) => {
                let thread = super::comments::thread_url(viewer, &on);
                let page = thread.split('#').next().unwrap_or_default();
                format!("{page}#comment-{}", hit.id)
            }
            None => viewer.url("/search"),
        },
    }
}

/// One ranked hit: what it is, its title with the matches marked, and
/// the stretch of its text that matched.
fn hit(viewer: &Viewer, found: &Found) -> Markup {
    let hit = &found.hit;
    let kind = match hit.kind {
        SearchKind::Task => "Task",
        SearchKind::Project => "Project",
        SearchKind::Comment => "Comment",
        SearchKind::Goal => "Goal",
        SearchKind::Risk => "Risk",
        SearchKind::Attachment => "File",
    };
    html! {
        a data-result=(hit.kind.as_str()) href=(hit_url(viewer, found)) {
            span.muted { (kind) " " }
            @if matches!(hit.kind, SearchKind::Comment | SearchKind::Attachment) {
                @if let Some(on) = &hit.on { "on " span.key { (on.key) } " " }
            } @else if let Some(key) = &hit.key {
                @if hit.kind == SearchKind::Task { span.key { (key) } " " }
            }
            (marked(&found.title))
        }
        @if hit.kind == SearchKind::Task {
            @if let Some(st) = hit.status.as_deref().and_then(|s| s.parse::<TaskStatus>().ok()) {
                " " (layout::status_badge(st))
            }
        }
        @if let Some(owner) = &hit.owner { " " span.muted { (owner.name) } }
        @if let Some(snippet) = &found.snippet {
            p.snippet { (marked(snippet)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn every_word_begins_a_word_or_is_in_the_text() {
        let q = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert!(matches("LAUNCH Product launch", &q("lau pro")));
        assert!(matches("Ben Okafor ben@demo.tandem", &q("ben")));
        assert!(!matches("Operations", &q("lau")));
        assert!(matches("OPS Operations", &q("ops")));
    }
}
