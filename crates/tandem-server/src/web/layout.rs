//! The shell around every workspace page, and small pieces of markup pages
//! share (badges, people, dates, select boxes). Pages pass their content;
//! the shell adds the header (workspace switcher, sections, quick add,
//! sign-out), the project's tabs, and the hooks `app.js` reads
//! (`data-ws`, `data-live`).

use chrono::NaiveDate;
use maud::{Markup, html};
use tandem_domain::{Priority, TaskStatus, UserRef};

use super::Viewer;

/// Which top-level section a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    MyWork,
    Projects,
    Portfolios,
    Goals,
    Reports,
    Workload,
    Settings,
    Search,
    Inbox,
}

impl Section {
    /// The kinds of change (`tandem_store::Event::kind`) a page of this
    /// section outside any one project shows, so it refreshes on those
    /// only; a project's pages go by their tab's.
    fn live_kinds(self) -> &'static str {
        match self {
            Section::MyWork => "task project member approval",
            Section::Projects => "project task schedule",
            Section::Portfolios => {
                "portfolio project task schedule status_update risk milestone baseline"
            }
            Section::Goals => "goal project task comment",
            // A report is of a period's history; a change now does not
            // redraw it under the reader.
            Section::Reports => "",
            Section::Workload => "task member schedule project",
            Section::Settings => "member",
            // Results are what was asked for; a change elsewhere does not
            // re-run the search under the reader.
            Section::Search => "",
            // A new notification of the reader's own (no one else's is
            // passed on), and talk that may have been deleted meanwhile.
            Section::Inbox => "inbox comment",
        }
    }
}

/// A project's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    List,
    Board,
    Timeline,
    Workload,
    Risks,
    Plan,
    Lint,
    Settings,
    /// A task of the project: under its list, with its comments.
    Task,
}

impl Tab {
    /// The kinds of change (`tandem_store::Event::kind`) this tab shows of
    /// its project, so it refreshes on those only: a list has no use for a
    /// recomputed schedule, a timeline has.
    fn live_kinds(self) -> &'static str {
        match self {
            Tab::Overview => {
                "project task phase milestone stakeholder risk dependency schedule baseline status_update comment"
            }
            Tab::List => "project task phase milestone",
            Tab::Board => "project task",
            Tab::Timeline => "project task phase milestone dependency schedule baseline",
            Tab::Workload => "project task member schedule",
            Tab::Risks => "project risk task milestone",
            Tab::Plan => "baseline",
            Tab::Lint => {
                "project task phase milestone dependency schedule risk status_update member"
            }
            Tab::Settings => "project phase milestone stakeholder",
            Tab::Task => "project task phase milestone approval comment",
        }
    }

    const ALL: [(Tab, &'static str, &'static str, &'static str); 9] = [
        (Tab::Overview, "Overview", "", "o"),
        (Tab::List, "List", "/list", "l"),
        (Tab::Board, "Board", "/board", "b"),
        (Tab::Timeline, "Timeline", "/timeline", "t"),
        (Tab::Workload, "Workload", "/workload", "w"),
        (Tab::Risks, "Risks", "/risks", "r"),
        (Tab::Plan, "Plan", "/plan", "a"),
        (Tab::Lint, "Lint", "/lint", "n"),
        (Tab::Settings, "Settings", "/settings", "s"),
    ];
}

/// The project a page is about, for its heading and tabs.
pub struct ProjectNav<'a> {
    pub key: &'a str,
    pub name: &'a str,
    /// Archived: the heading says so, and its settings bring it back.
    pub archived: bool,
    pub tab: Tab,
}

/// Every page's `<head>`; pages outside a workspace (sign-in, errors) run
/// no script.
pub fn head(title: &str, script: bool) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) }
            link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
            link rel="stylesheet" href=(super::css_url());
            @if script { script src=(super::js_url()) defer {} }
        }
    }
}

/// A whole workspace page.
pub fn page(
    viewer: &Viewer,
    title: &str,
    section: Section,
    project: Option<ProjectNav<'_>>,
    content: Markup,
) -> Markup {
    let full_title = match &project {
        Some(p) => format!("{title} · {} · Tandem", p.name),
        None => format!("{title} · Tandem"),
    };
    let nav = |s: Section, label: &str, href: String, key: &str| {
        html! {
            a href=(href) data-key=(key) aria-current=[(s == section).then_some("page")] { (label) }
        }
    };
    html! {
        (maud::DOCTYPE)
        html lang="en" {
            (head(&full_title, true))
            body data-ws=(viewer.slug()) data-user=(viewer.user().email) {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href=(viewer.url("/my")) { "Tandem" }
                    details.switcher {
                        summary { (viewer.workspace.workspace.name) span.visually-hidden { ", switch workspace" } }
                        ul {
                            @for m in &viewer.workspaces {
                                li { a href={ "/w/" (m.workspace.slug) "/my" } aria-current=[(m.workspace.id == viewer.workspace.workspace.id).then_some("true")] { (m.workspace.name) " " span.muted { "(" (m.role) ")" } } }
                            }
                        }
                    }
                    nav.sections aria-label="Sections" {
                        (nav(Section::MyWork, "My Work", viewer.url("/my"), "m"))
                        (nav(Section::Projects, "Projects", viewer.url("/projects"), "p"))
                        (nav(Section::Portfolios, "Portfolios", viewer.url("/portfolios"), "f"))
                        (nav(Section::Goals, "Goals", viewer.url("/goals"), "g"))
                        (nav(Section::Reports, "Reports", viewer.url("/reports"), "e"))
                        (nav(Section::Workload, "Workload", viewer.url("/workload"), "w"))
                        (nav(Section::Settings, "Settings", viewer.url("/settings"), "s"))
                        a href=(viewer.url("/inbox")) data-key="i" aria-current=[(Section::Inbox == section).then_some("page")] {
                            "Inbox"
                            @if viewer.unread > 0 { " " span.badge.unread aria-label={ (viewer.unread) " unread" } { (viewer.unread) } }
                        }
                    }
                    form.find role="search" aria-label="Search the workspace" method="get" action=(viewer.url("/search")) {
                        label.visually-hidden for="find" { "Search" }
                        input #find name="q" type="search" autocomplete="off" placeholder="Search  (Ctrl K)";
                    }
                    @if viewer.can_write() {
                        form.quick method="post" action=(viewer.url("/quick")) {
                            @match &project {
                                Some(p) => {
                                    input type="hidden" name="project" value=(p.key);
                                    label.visually-hidden for="quick-add" { "Quick add a task to " (p.key) }
                                    input #quick-add name="text" type="text" autocomplete="off" required
                                        placeholder={ "Add a task to " (p.key) ": Write brief @ana due fri !high  (press q)" };
                                }
                                None => {
                                    label.visually-hidden for="quick-add" { "Quick add a task" }
                                    input #quick-add name="text" type="text" autocomplete="off" required
                                        placeholder="Add a task: Write brief @ana #KEY due fri !high  (press q)";
                                }
                            }
                            button type="submit" { "Add" }
                        }
                    }
                    form.signout method="post" action="/signout" {
                        span.muted.who { (viewer.user().name) }
                        button type="submit" { "Sign out" }
                    }
                }
                main #main tabindex="-1" data-live=(viewer.here) data-seen=(viewer.seen)
                    data-live-project=[project.as_ref().map(|p| p.key)]
                    data-live-kinds=(project.as_ref().map_or(section.live_kinds(), |p| p.tab.live_kinds())) {
                    @if let Some(p) = &project {
                        div.project-head {
                            h1 { span.key { (p.key) } " " (p.name) @if p.archived { " " span.badge.archived { "Archived" } } }
                            nav.tabs aria-label="Project views" {
                                @for (tab, label, path, key) in Tab::ALL {
                                    a href=(viewer.url(&format!("/p/{}{path}", p.key))) data-key=(key)
                                        aria-current=[(tab == p.tab || (tab, p.tab) == (Tab::List, Tab::Task)).then_some("page")] { (label) }
                                }
                            }
                        }
                    } @else {
                        h1 { (title) }
                    }
                    (content)
                }
                div #toast role="status" aria-live="polite" {}
                dialog #palette aria-label="Find anything" {
                    form method="get" action=(viewer.url("/search")) role="search" aria-label="Find anything" {
                        label.visually-hidden for="palette-q" { "Find tasks, projects, people and pages" }
                        input #palette-q name="q" type="search" autocomplete="off" placeholder="Find tasks, projects, people, pages";
                    }
                    ol #palette-results {}
                    p.muted { kbd { "↑" } " " kbd { "↓" } " to choose, " kbd { "Enter" } " to open, " kbd { "Esc" } " to close" }
                }
                dialog #help {
                    h2 { "Keyboard shortcuts" }
                    dl {
                        dt { kbd { "Ctrl" } " " kbd { "K" } } dd { "Find anything (⌘ K on a Mac)" }
                        dt { kbd { "/" } } dd { "Search" }
                        dt { kbd { "q" } } dd { "Quick add" }
                        dt { kbd { "g" } " " kbd { "m" } } dd { "My Work" }
                        dt { kbd { "g" } " " kbd { "p" } } dd { "Projects" }
                        dt { kbd { "g" } " " kbd { "f" } } dd { "Portfolios" }
                        dt { kbd { "g" } " " kbd { "g" } } dd { "Goals" }
                        dt { kbd { "g" } " " kbd { "e" } } dd { "Reports" }
                        dt { kbd { "g" } " " kbd { "o l b t w r a s" } } dd { "Project overview, list, board, timeline, workload, risks, plan, settings" }
                        dt { kbd { "j" } " " kbd { "k" } } dd { "In a list or on a board: the next or previous row or card (from anywhere on the page: the first)" }
                        dt { kbd { "Space" } } dd { "On a board card: pick up, then arrows to move, Space to drop, Escape to cancel" }
                        dt { kbd { "←" } " " kbd { "→" } } dd { "On a timeline bar: move it a day earlier or later" }
                        dt { kbd { "Shift" } "+" kbd { "←" } " " kbd { "→" } } dd { "On a timeline bar: a working day shorter or longer" }
                        dt { kbd { "?" } } dd { "This help" }
                    }
                    form method="dialog" { button { "Close" } }
                }
            }
        }
    }
}

/// A project's health as a coloured word.
pub fn health_badge(health: tandem_domain::Health) -> Markup {
    html! { span class={ "health h-" (health.as_str()) } { (health.label()) } }
}

pub fn status_badge(status: TaskStatus) -> Markup {
    html! { span class={ "badge st-" (status) } { (status_label(status)) } }
}

pub fn status_label(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Backlog => "Backlog",
        TaskStatus::Todo => "To do",
        TaskStatus::InProgress => "In progress",
        TaskStatus::Blocked => "Blocked",
        TaskStatus::InReview => "In review",
        TaskStatus::Done => "Done",
        TaskStatus::Cancelled => "Cancelled",
    }
}

pub const STATUSES: [TaskStatus; 7] = [
    TaskStatus::Backlog,
    TaskStatus::Todo,
    TaskStatus::InProgress,
    TaskStatus::Blocked,
    TaskStatus::InReview,
    TaskStatus::Done,
    TaskStatus::Cancelled,
];

pub const PRIORITIES: [Priority; 5] = [
    Priority::Urgent,
    Priority::High,
    Priority::Medium,
    Priority::Low,
    Priority::None,
];

pub fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::Urgent => "Urgent",
        Priority::High => "High",
        Priority::Medium => "Medium",
        Priority::Low => "Low",
        Priority::None => "No priority",
    }
}

pub fn priority_badge(priority: Priority) -> Markup {
    html! {
        @if priority != Priority::None {
            span class={ "prio p-" (priority) } { (priority_label(priority)) }
        }
    }
}

/// Someone's name, or a dash for nobody.
pub fn person(user: Option<&UserRef>) -> Markup {
    html! {
        @match user {
            Some(u) => span.person title=(u.email) { (u.name) },
            None => span.muted { "—" },
        }
    }
}

/// Whether `owner` is no longer among the workspace's `members`
/// (deactivated or removed): their work is flagged wherever it shows.
pub fn gone(owner: &UserRef, members: &[tandem_domain::Member]) -> bool {
    !members.iter().any(|m| m.user.id == owner.id)
}

/// The flag on the work of someone no longer a member.
pub fn gone_flag() -> Markup {
    html! { " " span.badge.warn title="Deactivated or removed: hand this work on" { "no longer a member" } }
}

/// A task's due date, marked late while the task is open and the date
/// has passed, or the task starts after it.
pub fn due(task: &tandem_domain::Task, today: NaiveDate) -> Markup {
    let open = !task.status.is_closed();
    let starts_after = match (task.start_date, task.due_date) {
        (Some(start), Some(due)) => open && start > due,
        _ => false,
    };
    if starts_after {
        return html! {
            span.late title="Starts after its due date" { (dated(task.due_date, today, false)) }
        };
    }
    dated(task.due_date, today, open)
}

/// A date as people read it, never marked late (a start).
pub fn day(day: Option<NaiveDate>, today: NaiveDate) -> Markup {
    dated(day, today, false)
}

/// A date as people read it ("Fri 20 Nov"), with the year only when it is
/// not this year's, in a `<time>` element; past dates marked late.
pub fn date(day: Option<NaiveDate>, today: NaiveDate) -> Markup {
    dated(day, today, true)
}

fn dated(day: Option<NaiveDate>, today: NaiveDate, mark_late: bool) -> Markup {
    use chrono::Datelike;
    html! {
        @match day {
            Some(d) => time datetime=(d) class=[(mark_late && d < today).then_some("late")] {
                @if d.year() == today.year() { (d.format("%a %-d %b")) } @else { (d.format("%-d %b %Y")) }
            },
            None => span.muted { "—" },
        }
    }
}

/// A `<select>` of task statuses; `field` marks it for inline saving.
pub fn status_select(name: &str, id: &str, current: TaskStatus, field: Option<&str>) -> Markup {
    html! {
        select name=(name) id=(id) data-field=[field] {
            @for s in STATUSES {
                option value=(s) selected[s == current] { (status_label(s)) }
            }
        }
    }
}

/// Progress as a bar with its number.
pub fn progress(percent: f64) -> Markup {
    let shown = percent.clamp(0.0, 100.0);
    html! {
        span.progress {
            // An SVG rectangle rather than a styled span: the content
            // security policy allows no inline style.
            svg.bar role="progressbar" aria-valuenow=(format!("{shown:.0}")) aria-valuemin="0" aria-valuemax="100" aria-label="Progress" viewBox="0 0 100 1" preserveAspectRatio="none" {
                rect width=(format!("{shown:.1}")) height="1" {}
            }
            span.pct { (format!("{shown:.0} %")) }
        }
    }
}
