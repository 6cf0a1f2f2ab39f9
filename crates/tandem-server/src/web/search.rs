//! Find anything: one box over the tasks, projects, people and pages the
//! viewer may open. The page answers a plain GET (the header's search
//! form); the command palette (Ctrl/Cmd-K, in `app.js`) reads the same
//! page's results as someone types, so there is one search, not two.
//!
//! Tasks come from the store's text search (its index, the viewer's
//! visibility); projects, people, goals and portfolios are matched here,
//! among the ones the viewer may see.

use std::collections::HashMap;

use axum::extract::{Query, State};
use maud::{Markup, html};
use tandem_store::TaskFilter;

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
    let (mut tasks, mut projects, mut people, mut pages) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    if !words.is_empty() {
        tasks = store
            .list_tasks(
                scope,
                &TaskFilter {
                    text: Some(q.clone()),
                    limit: SHOWN,
                    ..Default::default()
                },
            )
            .await?
            .tasks;
        // A key typed whole (LAUNCH-12, TASK-3) finds its task even where
        // the words do not; other searches do not ask.
        if tandem_domain::TaskKey::parse(&q).is_ok()
            && let Ok(found) = store.get_task(scope, &q).await
            && !tasks.iter().any(|t| t.id == found.id)
        {
            tasks.insert(0, found);
        }
        let open: Vec<_> = store
            .open_projects(scope)
            .await?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        projects = open
            .iter()
            .filter(|p| matches(&format!("{} {}", p.key, p.name), &words))
            .take(SHOWN)
            .cloned()
            .collect();
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
        // Goals and portfolios, by title and name, of those the viewer
        // may see.
        for g in tandem_usecases::goals::visible_goals(store, scope).await? {
            if matches(&format!("goal {}", g.title), &words) {
                pages.push((
                    format!("Goal: {}", g.title),
                    viewer.url(&format!("/goals/{}", g.id)),
                ));
            }
        }
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
    let found = tasks.len() + projects.len() + people.len() + pages.len();
    let content = html! {
        form.search-page role="search" aria-label="Search again" method="get" action=(viewer.url("/search")) {
            label.visually-hidden for="search-q" { "Search" }
            input #search-q name="q" type="search" value=(q) autocomplete="off" placeholder="Tasks, projects, people, pages";
            button type="submit" { "Search" }
        }
        @if words.is_empty() {
            p.muted { "Type words of a title, a key (LAUNCH-12), a project or a person. Ctrl K (⌘ K) opens this anywhere." }
        } @else if found == 0 {
            p { "Nothing matches " strong { (q) } "." }
        } @else {
            div.results {
                @if !tasks.is_empty() {
                    section aria-labelledby="r-tasks" {
                        h2 #r-tasks { "Tasks" }
                        ol.results {
                            @for t in &tasks {
                                li {
                                    a data-result="task" href=(viewer.url(&format!("/t/{}", t.key))) { span.key { (t.key) } " " (t.title) }
                                    " " (layout::status_badge(t.status))
                                    @if let Some(owner) = &t.owner { " " span.muted { (owner.name) } }
                                }
                            }
                        }
                    }
                }
                @if !projects.is_empty() {
                    section aria-labelledby="r-projects" {
                        h2 #r-projects { "Projects" }
                        ol.results {
                            @for p in &projects {
                                li { a data-result="project" href=(viewer.url(&format!("/p/{}", p.key))) { span.key { (p.key) } " " (p.name) } @if p.archived_at.is_some() { " " span.muted { "(archived)" } } }
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
