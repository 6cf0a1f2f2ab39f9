//! A project's overview page: its health, progress, schedule dates, plan
//! lint, open risks, milestones and recent activity, read-only.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use maud::{Markup, html};
use tandem_domain::{Id, risk_level};
use tandem_store::{ActivityFilter, UpdateOn};
use tandem_usecases::status;

use super::nav;
use crate::AppState;
use crate::planning::scheduled_finish;
use crate::web::Viewer;
use crate::web::common::WebError;
use crate::web::layout::{self, Section, Tab, page};
use crate::web::my_work::today;
use crate::web::status::{self as updates_section, UPDATES_SHOWN};

/// Open tasks up to which the overview lints the plan itself (about
/// 50 ms at 10,000; see docs/benchmarks.md).
const LINT_ON_OVERVIEW_TASKS: usize = 20_000;

pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
    Query(query): super::Params,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let today = today();
    let (project, access) = store.open_project(scope, &key).await?;
    // Everything here but the lint is read from what writes keep
    // (roll-ups, the stored schedule), never from the project's tasks; the
    // lint is left to its page past LINT_ON_OVERVIEW_TASKS, so the page
    // costs the same at a hundred thousand tasks and at a million.
    let finish = scheduled_finish(store, access, &project.key).await?;
    // The health's own reads: roll-ups, counts, milestones.
    let now = status::project_health(store, &project, access, finish, today).await?;
    let progress = &now.progress;
    let overdue = now.figures.overdue_tasks;
    let project_progress = progress.project;
    let milestones = &now.milestones;
    let milestone_progress: HashMap<Id, f64> = progress
        .milestones
        .iter()
        .map(|(id, p)| (*id, p.percent))
        .collect();
    let risks = store.list_risks(access).await?;
    let origin = store.promoted_from(scope, project.id).await?;
    let stakeholders = store.list_stakeholders(access).await?;
    let thread = crate::web::comments::thread(
        store,
        &viewer,
        &tandem_domain::CommentOn::Project(project.key.clone()),
    )
    .await?;
    let files = crate::web::attachments::files(
        store,
        &viewer,
        &tandem_domain::AttachedTo::Project(project.key.clone()),
    )
    .await?;
    let activity = store
        .list_activity(
            scope,
            &ActivityFilter {
                project_id: Some(project.id),
                limit: 12,
                ..Default::default()
            },
        )
        .await?;
    let open_risks: Vec<_> = risks
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                tandem_domain::RiskStatus::Open | tandem_domain::RiskStatus::Mitigating
            )
        })
        .collect();
    let health = now.assessment.health;
    let before: Option<Id> = query.get("before").and_then(|b| b.parse().ok());
    let updates = status::history(
        store,
        scope,
        UpdateOn::Project(access),
        before,
        UPDATES_SHOWN + 1,
    )
    .await?;
    let could_be_a_task = tandem_usecases::signals::project(store, access).await?;
    // The lint reads every task of the plan: shown here while that is
    // cheap, behind its own page beyond.
    let lint = if progress.open_tasks <= LINT_ON_OVERVIEW_TASKS {
        Some(crate::lint::lint_project(store, scope, &project.key).await?)
    } else {
        None
    };
    let writer = viewer.can_write();
    let mut upcoming: Vec<_> = milestones
        .iter()
        .filter(|m| m.date.is_none_or(|d| d >= today))
        .collect();
    upcoming.sort_by_key(|m| (m.date.is_none(), m.date));
    let content = html! {
        div.overview {
            @if could_be_a_task.verdict == tandem_domain::WorkLevel::Task {
                p.signals.wide role="note" {
                    strong { "This could be a task: " }
                    @for (i, s) in could_be_a_task.signals.iter().enumerate() { @if i > 0 { ", " } (s.label()) }
                    ". A project's phases, updates and health may be more than it needs."
                }
            }
            section.card-panel.health aria-labelledby="h-health" {
                h2 #h-health { "Health" }
                p { (layout::health_badge(health)) " " span.muted { "as Tandem judges it from the figures" } }
                @if !now.assessment.reasons.is_empty() {
                    ul.reasons { @for r in &now.assessment.reasons { li { (layout::health_badge(r.health)) " " (r.text) } } }
                }
                dl.facts {
                    dt { "Stage" } dd { (super::stage_label(project.stage)) }
                    dt { "Status" } dd { (super::project_status_label(project.status)) }
                    dt { "Outcome owner" } dd { (layout::person(project.owner.as_ref())) }
                    dt { "Start" } dd { (layout::date(project.start_date, today)) }
                    dt { "Target" } dd { (layout::date(project.target_date, today)) }
                    dt { "Scheduled finish" } dd { (layout::date(finish, today)) }
                    dt { "Progress" } dd { (layout::progress(project_progress.percent)) " " span.muted { (project_progress.done_tasks) " of " (project_progress.leaf_tasks) " tasks done" } }
                    dt { "Open / overdue" } dd { (progress.open_tasks) " / " (overdue) }
                }
            }
            (updates_section::section(updates_section::Updates {
                proposal: &now.assessment,
                reasons: false,
                action: writer.then(|| viewer.url(&format!("/p/{}/status-updates", project.key))),
                due: now.update_due.then(|| updates_section::due_note(now.latest.as_ref().map(|u| u.created_at.date_naive()), today, project.update_cadence_days)),
                updates: &updates,
                page: viewer.url(&format!("/p/{}", project.key)),
                discuss: viewer.url("/discuss"),
            }))
            @match &lint {
                Some(linted) => (super::lint::summary(&viewer, linted)),
                None => section.card-panel aria-labelledby="h-lint" {
                    h2 #h-lint { "Plan lint" }
                    p { a href=(viewer.url(&format!("/p/{}/lint", project.key))) { "Lint this plan" } }
                },
            }
            section.card-panel aria-labelledby="h-objective" {
                h2 #h-objective { "Objective" }
                p { (project.objective.as_deref().unwrap_or("No objective written yet.")) }
                h3 { "In scope" }
                p { (project.scope_in.as_deref().unwrap_or("—")) }
                h3 { "Out of scope" }
                p { (project.scope_out.as_deref().unwrap_or("—")) }
                @if let Some(t) = &origin {
                    p.muted { "Promoted from the task " a href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) " " (t.title) } "." }
                }
                @if let Some((name, version)) = &project.template {
                    p.muted { "Made from the template " a href=(viewer.url("/templates")) { (name) } " (version " (version) ")." }
                }
            }
            section.card-panel aria-labelledby="h-milestones" {
                h2 #h-milestones { "Next milestones" }
                @if upcoming.is_empty() { p.muted { "None ahead." } }
                ul.plain {
                    @for m in upcoming.iter().take(5) {
                        li { strong { (m.name) } " " (layout::date(m.date, today)) " " (layout::progress(milestone_progress.get(&m.id).copied().unwrap_or(0.0))) }
                    }
                }
            }
            section.card-panel aria-labelledby="h-risks" {
                h2 #h-risks { "Top risks" }
                @if open_risks.is_empty() { p.muted { "No open risks." } }
                ul.plain {
                    @for r in open_risks.iter().take(5) {
                        li { span class={ "score lv-" (risk_level(r.score())) } { (r.score()) } " " (r.title) " " span.muted { "(" (r.probability) " × " (r.impact) ")" } }
                    }
                }
                p { a href=(viewer.url(&format!("/p/{}/risks", project.key))) { "Risk register" } }
            }
            section.card-panel aria-labelledby="h-people" {
                h2 #h-people { "Stakeholders" }
                @if stakeholders.is_empty() { p.muted { "None listed." } }
                ul.plain {
                    @for s in &stakeholders {
                        li { (s.name) " " span.muted { "(" (s.role) ")" } }
                    }
                }
            }
            section.card-panel.wide aria-labelledby="h-activity" {
                h2 #h-activity { "Recent activity" }
                @if activity.is_empty() { p.muted { "Nothing yet." } }
                ol.activity {
                    @for a in &activity {
                        @if let Some((was, now)) = health_change(a) {
                            li {
                                time datetime=(a.at.to_rfc3339()) { (a.at.format("%-d %b %H:%M")) } " "
                                "Tandem judged the project " strong { (now) } " (it was " (was) ")"
                            }
                        } @else { li {
                            time datetime=(a.at.to_rfc3339()) { (a.at.format("%-d %b %H:%M")) } " "
                            strong { (a.actor.as_ref().map(|u| u.name.as_str()).unwrap_or("Someone")) } " "
                                @if let Some(rule) = &a.rule { span.muted { "(rule " (rule) ") " } }
                            // "changed the due date and title of task X";
                            // what a creation set is the object itself.
                            @if a.action == "updated" && !a.changes.is_empty() {
                                "changed the " (fields_in_words(&a.changes)) " of "
                            } @else {
                                (a.action) " "
                            }
                            (a.entity_kind.as_str().replace('_', " ")) " "
                            @if a.entity_kind == tandem_domain::EntityKind::Task {
                                a href=(viewer.url(&format!("/t/{}", a.entity_label))) { (a.entity_label) }
                            } @else { strong { (a.entity_label) } }
                        } }
                    }
                }
            }
            div.card-panel.wide { (files) }
            div.card-panel.wide { (thread) }
        }
    };
    Ok(page(
        &viewer,
        "Overview",
        Section::Projects,
        nav(&project, Tab::Overview),
        content,
    ))
}

/// A judgement of the project's health, as its labels: what it was and
/// what it is. `None` for anything else.
fn health_change(a: &tandem_store::ActivityEntry) -> Option<(&'static str, &'static str)> {
    if a.action != "health changed" {
        return None;
    }
    let change = a.changes.iter().find(|c| c.field == "health")?;
    let label = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.parse::<tandem_domain::Health>().ok())
            .map(|h| h.label())
    };
    Some((label(&change.before)?, label(&change.after)?))
}

/// The fields a change touched, as a person lists them: "description,
/// due date and title".
fn fields_in_words(changes: &[tandem_domain::activity::FieldChange]) -> String {
    let names: Vec<String> = changes
        .iter()
        .map(|c| match c.field.as_str() {
            "work_week" => "working week".to_string(),
            "phase_id" => "phase".to_string(),
            "milestone_id" => "milestone".to_string(),
            "three_point" => "three-point estimate".to_string(),
            "percent_complete" => "% complete".to_string(),
            field => field.replace('_', " "),
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
