//! A project's settings page: every field of the project, its calendar,
//! its phases (in order), milestones and stakeholders, each added, changed
//! and removed in place; archiving; and deleting the project, behind a
//! typed confirmation. The forms post to `posts`.

use axum::extract::{Path, State};
use maud::{Markup, html};
use tandem_domain::{ApprovalState, Id, Member, ProjectStatus, Stage, StakeholderRole, SubjectRef};

use super::nav;
use crate::AppState;
use crate::web::Viewer;
use crate::web::common::WebError;
use crate::web::layout::{Section, Tab, page};

pub(crate) fn project_status_label(status: ProjectStatus) -> &'static str {
    match status {
        ProjectStatus::Proposed => "Proposed",
        ProjectStatus::Active => "Active",
        ProjectStatus::OnHold => "On hold",
        ProjectStatus::Done => "Done",
        ProjectStatus::Cancelled => "Cancelled",
    }
}

pub(crate) fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Initiation => "Initiation",
        Stage::Planning => "Planning",
        Stage::Execution => "Execution",
        Stage::Closing => "Closing",
    }
}

fn role_label(role: StakeholderRole) -> &'static str {
    match role {
        StakeholderRole::Sponsor => "Sponsor",
        StakeholderRole::Approver => "Approver",
        StakeholderRole::Contributor => "Contributor",
        StakeholderRole::Informed => "Informed",
    }
}

/// A `<select>` of the workspace's members by name (their email is what
/// the API takes), with "nobody" first; the script puts a box before it
/// that finds a member by any part of a name (`data-find`).
fn approval_state_label(state: ApprovalState) -> &'static str {
    match state {
        ApprovalState::Pending => "waiting for its approvers",
        ApprovalState::ChangesRequested => "changes asked for",
        ApprovalState::Approved => "approved",
        ApprovalState::Rejected => "rejected: request a new approval",
        ApprovalState::Cancelled => "withdrawn",
    }
}

pub(crate) fn member_select(
    id: &str,
    name: &str,
    members: &[Member],
    current: Option<&str>,
) -> Markup {
    html! {
        select #(id) name=(name) data-find {
            option value="" { "—" }
            @for m in members {
                option value=(m.user.email) selected[current == Some(m.user.email.as_str())] { (m.user.name) }
            }
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The Move up and Move down buttons of the item at `i` of `ids` (a
/// project's phases or milestones, posted as `field` to `action`): each
/// posts the whole order with that item moved one place.
fn move_buttons(action: &str, field: &str, ids: &[Id], i: usize, name: &str) -> Markup {
    let moved = |to: usize| {
        let mut order = ids.to_vec();
        let id = order.remove(i);
        order.insert(to, id);
        order
    };
    html! {
        @if i > 0 {
            form.inline method="post" action=(action) {
                @for id in moved(i - 1) { input type="hidden" name=(field) value=(id); }
                button.link type="submit" aria-label={ "Move " (name) " up" } { "↑" }
            }
        }
        @if i + 1 < ids.len() {
            form.inline method="post" action=(action) {
                @for id in moved(i + 1) { input type="hidden" name=(field) value=(id); }
                button.link type="submit" aria-label={ "Move " (name) " down" } { "↓" }
            }
        }
    }
}

pub async fn settings(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    let members = store.list_members(scope).await?;
    let phases = store.list_phases(access).await?;
    let milestones = store.list_milestones(access).await?;
    let phase_ids: Vec<Id> = phases.iter().map(|p| p.id).collect();
    let milestone_ids: Vec<Id> = milestones.iter().map(|m| m.id).collect();
    let stakeholders = store.list_stakeholders(access).await?;
    let exceptions = store.list_calendar_exceptions(access).await?;
    let approvals = store
        .list_approvals(
            scope,
            &tandem_store::ApprovalFilter {
                project: Some(project.key.clone()),
                ..Default::default()
            },
        )
        .await?;
    // Newest first: a milestone's gate is its latest approval not withdrawn.
    let gate_of = |id: Id| {
        approvals.iter().find(|a| {
            a.state != ApprovalState::Cancelled
                && matches!(a.subject, SubjectRef::Milestone { id: of, .. } if of == id)
        })
    };
    let open_stage = approvals
        .iter()
        .find(|a| matches!(a.subject, SubjectRef::Stage(_)) && !a.state.is_closed());
    let base = format!("/p/{}", project.key);
    let url = |rest: &str| viewer.url(&format!("{base}{rest}"));
    let writes = viewer.can_write();
    // Who may demote it: who may delete it, and its outcome owner.
    let may_demote = writes
        && (viewer.can_manage_members()
            || project
                .owner
                .as_ref()
                .is_some_and(|o| o.id == scope.user_id));
    let origin = store.promoted_from(scope, project.id).await?;
    let origin_project =
        origin
            .as_ref()
            .and_then(|t| match tandem_domain::TaskKey::parse(&t.key) {
                Ok(tandem_domain::TaskKey::Project { project, .. }) => Some(project),
                _ => None,
            });
    let others: Vec<(String, String)> = if may_demote {
        store
            .list_projects(scope)
            .await?
            .into_iter()
            .filter(|p| p.id != project.id && p.archived_at.is_none())
            .map(|p| (p.key, p.name))
            .collect()
    } else {
        Vec::new()
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let content = html! {
        div.settings {
        section.card-panel aria-labelledby="h-project" {
            h2 #h-project { "Project" }
            form.stacked.keeps method="post" action=(url("/settings"))
                data-current={ "/api/v1/workspaces/" (viewer.slug()) "/projects/" (project.key) } {
                input type="hidden" name="version" value=(project.version);
                fieldset disabled[!writes] {
                    legend.visually-hidden { "The project's fields" }
                    label for="ps-name" { "Name" }
                    input #ps-name name="name" required maxlength="200" value=(project.name);
                    label for="ps-objective" { "Objective " span.muted { "(the outcome this project exists for)" } }
                    textarea #ps-objective name="objective" rows="2" { (project.objective.as_deref().unwrap_or("")) }
                    label for="ps-scope-in" { "In scope" }
                    textarea #ps-scope-in name="scope_in" rows="2" { (project.scope_in.as_deref().unwrap_or("")) }
                    label for="ps-scope-out" { "Out of scope" }
                    textarea #ps-scope-out name="scope_out" rows="2" { (project.scope_out.as_deref().unwrap_or("")) }
                    label for="ps-owner" { "Outcome owner" }
                    (member_select("ps-owner", "owner", &members, project.owner.as_ref().map(|o| o.email.as_str())))
                    div.pair {
                        div {
                            label for="ps-stage" { "Stage" }
                            select #ps-stage name="stage" {
                                @for s in Stage::ALL { option value=(s) selected[*s == project.stage] { (stage_label(*s)) } }
                            }
                        }
                        div {
                            label for="ps-status" { "Status" }
                            select #ps-status name="status" {
                                @for s in ProjectStatus::ALL { option value=(s) selected[*s == project.status] { (project_status_label(*s)) } }
                            }
                        }
                    }
                    div.pair {
                        div {
                            label for="ps-start" { "Start" }
                            input #ps-start name="start_date" type="date" value=(date(project.start_date));
                        }
                        div {
                            label for="ps-target" { "Target" }
                            input #ps-target name="target_date" type="date" value=(date(project.target_date));
                        }
                    }
                    label for="ps-status-date" { "Status date " span.muted { "(work not done is planned after it; empty: from today while the project is active)" } }
                    input #ps-status-date name="status_date" type="datetime-local"
                        value=(project.status_date.map(|d| d.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default());
                    label for="ps-budget" { "Budget " span.muted { "(in the workspace's currency; empty for none)" } }
                    input #ps-budget name="budget" type="number" min="0" step="0.01" inputmode="decimal"
                        value=(project.budget.map(|b| b.to_string()).unwrap_or_default());
                    label.check for="ps-ongoing" {
                        input #ps-ongoing name="ongoing" type="checkbox" value="true" checked[project.ongoing];
                        " Ongoing work " span.muted { "(no finish: operations, support)" }
                    }
                    label for="ps-cadence" { "Status updates expected " span.muted { "(flagged as due when the latest is older)" } }
                    select #ps-cadence name="update_cadence_days" {
                        @let cadences = [(7, "Weekly"), (14, "Every two weeks"), (30, "Monthly"), (0, "None expected")];
                        @for (days, label) in cadences {
                            option value=(days) selected[project.update_cadence_days == days] { (label) }
                        }
                        @if !cadences.iter().any(|(d, _)| *d == project.update_cadence_days) {
                            option value=(project.update_cadence_days) selected { "Every " (project.update_cadence_days) " days" }
                        }
                    }
                    @if writes { div { button.primary type="submit" { "Save project" } } }
                }
            }
        }

        section.card-panel aria-labelledby="h-phases" {
            h2 #h-phases { "Phases" }
            @if phases.is_empty() { p.muted { "No phases yet." } }
            ol.rows {
                @for (i, p) in phases.iter().enumerate() {
                    li #{ "phase-" (p.id) } {
                        form.row-form.keeps method="post" action=(url(&format!("/phases/{}", p.id)))
                            data-current={ "/api/v1/workspaces/" (viewer.slug()) "/projects/" (project.key) "/phases" } data-current-id=(p.id) {
                            input type="hidden" name="version" value=(p.version);
                            fieldset disabled[!writes] {
                                legend.visually-hidden { "Phase " (p.name) }
                                label.visually-hidden for={ "ph-name-" (p.id) } { "Name of phase " (i + 1) }
                                input id={ "ph-name-" (p.id) } name="name" required maxlength="200" value=(p.name);
                                label for={ "ph-start-" (p.id) } { "Start" }
                                input id={ "ph-start-" (p.id) } name="start_date" type="date" value=(date(p.start_date));
                                label for={ "ph-end-" (p.id) } { "End" }
                                input id={ "ph-end-" (p.id) } name="end_date" type="date" value=(date(p.end_date));
                                @if writes { button type="submit" { "Save" } }
                            }
                        }
                        @if writes {
                            (move_buttons(&url("/phases/order"), "phases", &phase_ids, i, &p.name))
                            // Held back with an Undo by the script; its
                            // tasks stay, without a phase.
                            form.inline.held method="post" action=(url(&format!("/phases/{}/delete", p.id)))
                                data-name={ "The phase " (p.name) } {
                                input type="hidden" name="version" value=(p.version);
                                button.link type="submit" aria-label={ "Delete " (p.name) } { "Delete" }
                            }
                        }
                    }
                }
            }
            @if writes {
                form.inline-form.keeps method="post" action=(url("/phases")) {
                    label for="np-phase" { "New phase" }
                    input #np-phase name="name" required maxlength="200" placeholder="Design";
                    label for="np-phase-start" { "Start" }
                    input #np-phase-start name="start_date" type="date";
                    label for="np-phase-end" { "End" }
                    input #np-phase-end name="end_date" type="date";
                    button type="submit" { "Add phase" }
                }
            }
        }

        section.card-panel aria-labelledby="h-stage-gate" {
            h2 #h-stage-gate { "Stage gate" }
            p { a href=(viewer.url("/rules")) { "Automation rules" } span.muted { ": act on this project's tasks when something happens." } }
            p.muted { "The project is in the " (project.stage) " stage. A move asked for here is made when every approver approves." }
            @if let Some(a) = open_stage {
                p.gate {
                    a href=(viewer.url(&format!("/approvals/{}", a.id))) { "Approval #" (a.id) }
                    " of " (a.subject.describe()) ": " (approval_state_label(a.state))
                }
            } @else if writes {
                (crate::web::approvals::request_form(&viewer, "sg", &[("project", project.key.clone())], true, &members))
            }
        }

        section.card-panel aria-labelledby="h-milestones" {
            h2 #h-milestones { "Milestones" }
            @if milestones.is_empty() { p.muted { "No milestones yet." } }
            ol.rows {
                @for (i, m) in milestones.iter().enumerate() {
                    li #{ "milestone-" (m.id) } {
                        form.row-form.keeps method="post" action=(url(&format!("/milestones/{}", m.id)))
                            data-current={ "/api/v1/workspaces/" (viewer.slug()) "/projects/" (project.key) "/milestones" } data-current-id=(m.id) {
                            input type="hidden" name="version" value=(m.version);
                            fieldset disabled[!writes] {
                                legend.visually-hidden { "Milestone " (m.name) }
                                label.visually-hidden for={ "ms-name-" (m.id) } { "Name of milestone" }
                                input id={ "ms-name-" (m.id) } name="name" required maxlength="200" value=(m.name);
                                label for={ "ms-date-" (m.id) } { "Date" }
                                input id={ "ms-date-" (m.id) } name="date" type="date" value=(date(m.date));
                                label for={ "ms-phase-" (m.id) } { "Phase" }
                                select id={ "ms-phase-" (m.id) } name="phase_id" {
                                    option value="" { "—" }
                                    @for p in &phases { option value=(p.id) selected[m.phase_id == Some(p.id)] { (p.name) } }
                                }
                                label for={ "ms-desc-" (m.id) } { "Description" }
                                input id={ "ms-desc-" (m.id) } name="description" maxlength="2000" value=(m.description.as_deref().unwrap_or(""));
                                label for={ "ms-reached-" (m.id) } { "Reached" }
                                input id={ "ms-reached-" (m.id) } name="reached" type="date" value=(date(m.reached));
                                @if writes { button type="submit" { "Save" } }
                            }
                        }
                        @let gate = gate_of(m.id);
                        @if let Some(a) = gate {
                            p.gate {
                                a href=(viewer.url(&format!("/approvals/{}", a.id))) { "Approval #" (a.id) }
                                ": " (approval_state_label(a.state))
                            }
                        }
                        p { a href=(crate::web::comments::thread_url(&viewer, &tandem_domain::CommentOn::Milestone(m.id))) aria-label={ "Comments on milestone " (m.name) } { "Comments" } }
                        @if writes && m.reached.is_none() && gate.is_none_or(|a| a.state.is_closed()) {
                            (crate::web::approvals::request_form(&viewer, &format!("ma-{}", m.id), &[("milestone", m.id.to_string())], false, &members))
                        }
                        @if writes {
                            (move_buttons(&url("/milestones/order"), "milestones", &milestone_ids, i, &m.name))
                            form.inline.held method="post" action=(url(&format!("/milestones/{}/delete", m.id)))
                                data-name={ "The milestone " (m.name) } {
                                input type="hidden" name="version" value=(m.version);
                                button.link type="submit" aria-label={ "Delete " (m.name) } { "Delete" }
                            }
                        }
                    }
                }
            }
            @if writes {
                form.inline-form.keeps method="post" action=(url("/milestones")) {
                    label for="nm-name" { "New milestone" }
                    input #nm-name name="name" required maxlength="200" placeholder="Beta ready";
                    label for="nm-date" { "Date" }
                    input #nm-date name="date" type="date";
                    @if !phases.is_empty() {
                        label for="nm-phase" { "Phase" }
                        select #nm-phase name="phase_id" {
                            option value="" { "—" }
                            @for p in &phases { option value=(p.id) { (p.name) } }
                        }
                    }
                    button type="submit" { "Add milestone" }
                }
            }
        }

        section.card-panel aria-labelledby="h-stakeholders" {
            h2 #h-stakeholders { "Stakeholders" }
            @if stakeholders.is_empty() { p.muted { "None listed." } }
            ol.rows {
                @for s in &stakeholders {
                    li #{ "stakeholder-" (s.id) } {
                        span.who { strong { (s.name) } @if let Some(e) = &s.email { " " span.muted { (e) } } @if s.user.is_none() { " " span.muted { "(outside the workspace)" } } }
                        form.row-form.keeps method="post" action=(url(&format!("/stakeholders/{}", s.id)))
                            data-current={ "/api/v1/workspaces/" (viewer.slug()) "/projects/" (project.key) "/stakeholders" } data-current-id=(s.id) {
                            input type="hidden" name="version" value=(s.version);
                            fieldset disabled[!writes] {
                                legend.visually-hidden { "Stakeholder " (s.name) }
                                label for={ "sh-role-" (s.id) } { "Role" }
                                select id={ "sh-role-" (s.id) } name="role" {
                                    @for r in StakeholderRole::ALL { option value=(r) selected[*r == s.role] { (role_label(*r)) } }
                                }
                                @if writes { button type="submit" { "Change role" } }
                            }
                        }
                        @if writes {
                            form.inline.held method="post" action=(url(&format!("/stakeholders/{}/delete", s.id)))
                                data-name=(s.name) data-gone="removed from the stakeholders" {
                                input type="hidden" name="version" value=(s.version);
                                button.link type="submit" aria-label={ "Remove " (s.name) } { "Remove" }
                            }
                        }
                    }
                }
            }
            @if writes {
                form.inline-form.keeps method="post" action=(url("/stakeholders")) {
                    label for="ns-member" { "A member" }
                    (member_select("ns-member", "member", &members, None))
                    span.muted { "or someone outside:" }
                    label for="ns-name" { "Name" }
                    input #ns-name name="name" maxlength="200";
                    label for="ns-email" { "Email" }
                    input #ns-email name="email" type="email" maxlength="320";
                    label for="ns-role" { "Role" }
                    select #ns-role name="role" {
                        @for r in StakeholderRole::ALL { option value=(r) selected[*r == StakeholderRole::Informed] { (role_label(*r)) } }
                    }
                    button type="submit" { "Add stakeholder" }
                }
            }
        }

        section.card-panel aria-labelledby="h-calendar" {
            h2 #h-calendar { "Calendar" }
            p.muted { "The hours the plan schedules work in. A day's hours are periods like 08:00-12:00 13:00-17:00; empty is a day off." }
            form.stacked.keeps method="post" action=(url("/calendar")) {
                input type="hidden" name="version" value=(project.version);
                fieldset disabled[!writes] {
                    legend.visually-hidden { "Working week" }
                    @for (day, hours) in WEEKDAYS.iter().zip(project.work_week.texts()) {
                        div.day {
                            label for={ "wk-" (day) } { (day) }
                            input id={ "wk-" (day) } name="work_week" value=(hours) placeholder="off" autocomplete="off";
                        }
                    }
                    label for="wk-hours" { "Hours in a day of estimate " span.muted { "(a 2-day estimate is twice this)" } }
                    input #wk-hours name="hours_per_day" type="number" min="0.5" max="24" step="0.25" required value=(project.work_week.hours_per_day);
                    @if writes { div { button type="submit" { "Save working week" } } }
                }
            }
            h3 { "Holidays and other days" }
            @if exceptions.is_empty() { p.muted { "None." } }
            ul.plain {
                @for e in &exceptions {
                    li {
                        strong { (e.name) } " " (e.start.format("%-d %b %Y"))
                        @if e.end != e.start { " – " (e.end.format("%-d %b %Y")) }
                        " " span.muted { @if e.hours.is_empty() { "off" } @else { (tandem_domain::calendar::format_hours(&e.hours)) } }
                        @if writes {
                            " "
                            form.inline method="post" action=(url(&format!("/calendar/exceptions/{}/delete", e.id))) {
                                button.link type="submit" aria-label={ "Remove " (e.name) } { "Remove" }
                            }
                        }
                    }
                }
            }
            @if writes {
                form.inline-form.keeps method="post" action=(url("/calendar/exceptions")) {
                    label for="ce-name" { "Name" }
                    input #ce-name name="name" required maxlength="200" placeholder="Company holiday";
                    label for="ce-from" { "From" }
                    input #ce-from name="start_date" type="date" required;
                    label for="ce-to" { "To" }
                    input #ce-to name="end_date" type="date" required;
                    label for="ce-hours" { "Hours " span.muted { "(empty: off)" } }
                    input #ce-hours name="hours" placeholder="09:00-13:00" autocomplete="off";
                    button type="submit" { "Add" }
                }
            }
        }

        @if viewer.can_write() {
            section.card-panel aria-labelledby="h-save-template" {
                h2 #h-save-template { "Save as a template" }
                p.muted { "Its phases, milestones, tasks with estimates and links, risks and stakeholders, dated from its start; owners become roles. Saving under a name again adds a version." }
                form.stacked method="post" action=(url("/template")) {
                    label for="st-name" { "Template name" }
                    input #st-name name="name" required maxlength="100" value={ (project.name) " playbook" };
                    label for="st-description" { "What it is for " span.muted { "(optional)" } }
                    input #st-description name="description" maxlength="500";
                    div { button type="submit" { "Save as template" } }
                }
            }
        }
        @if may_demote {
            section.card-panel aria-labelledby="h-demote" {
                h2 #h-demote { "Make it a task" }
                p { "For work that turned out smaller than a project: its tasks become the subtasks of one task, its member stakeholders that task's collaborators, and its comments, files, history and goals the task's; then the project leaves the list. "
                    @if let Some(t) = &origin { "It was promoted from " a href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } "; made a task of that task's project, its work goes back under " (t.key) "." } }
                p.muted { "Not while it has phases, milestones, risks, status updates, baselines, portfolios, stakeholders who are not members, calendar exceptions, automation rules or stage approvals: a task cannot hold them." }
                form.stacked.confirm method="post" action=(url("/demote"))
                    data-confirm={ "Make " (project.key) " a task? The project leaves the projects list." } {
                    input type="hidden" name="version" value=(project.version);
                    label for="pm-to" { "The task goes to" }
                    select #pm-to name="to_project" {
                        @for (k, n) in &others { option value=(k) selected[origin_project.as_deref() == Some(k.as_str())] { (k) " — " (n) } }
                        option value="" { "My personal tasks" }
                    }
                    div { button type="submit" { "Make " (project.key) " a task" } }
                }
            }
        }
        @if viewer.can_manage_members() {
            section.card-panel aria-labelledby="h-archive" {
                @match project.archived_at {
                    Some(at) => {
                        h2 #h-archive { "Archived" }
                        p { "Archived on " (at.format("%-d %b %Y")) ". It is out of the projects list; its work is all here. Bring it back to list it again." }
                        form.inline method="post" action=(url("/unarchive")) {
                            input type="hidden" name="version" value=(project.version);
                            button.primary type="submit" { "Unarchive project" }
                        }
                    }
                    None => {
                        h2 #h-archive { "Archive this project" }
                        p { "An archived project leaves the projects list; its tasks, plan and history stay, readable, and it can be brought back." }
                        form.inline.confirm method="post" action=(url("/archive"))
                            data-confirm={ "Archive " (project.key) "? It leaves the projects list until it is unarchived." } {
                            input type="hidden" name="version" value=(project.version);
                            button type="submit" { "Archive project" }
                        }
                    }
                }
            }
            section.card-panel.danger aria-labelledby="h-delete" {
                h2 #h-delete { "Delete this project" }
                p { "Deleting " strong { (project.key) } " removes its tasks, phases, milestones, risks, baselines and history for good. "
                    "To stop work on it but keep it, set its status to Done or Cancelled instead." }
                form.stacked.keeps method="post" action=(url("/delete")) data-then=(viewer.url("/projects")) {
                    input type="hidden" name="version" value=(project.version);
                    label for="pd-confirm" { "Type the project's key, " strong { (project.key) } ", to confirm" }
                    input #pd-confirm name="confirm" required autocomplete="off" autocapitalize="characters";
                    div { button.danger type="submit" { "Delete project and all its work" } }
                }
            }
        }
        }
    };
    Ok(page(
        &viewer,
        "Settings",
        Section::Projects,
        nav(&project, Tab::Settings),
        content,
    ))
}
