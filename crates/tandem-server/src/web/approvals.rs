//! Approvals in the web app: the page of those waiting for the viewer,
//! asked by them and recent in their projects; one approval with every
//! answer and the forms to answer, resubmit or withdraw it; and the
//! request form and list the task page and a project's settings show.
//! Every form goes through the API's own handler.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{AnswerBody, ApprovalInput};
use tandem_domain::{Approval, ApprovalState, Decision, Member, Role, SubjectRef};
use tandem_store::ApprovalFilter;

use super::Viewer;
use super::common::{Kind, WebError, answer, back, forward};
use super::layout::{Section, page};
use crate::AppState;
use crate::extract::JsonBody;

/// How many recent approvals of the viewer's projects the page lists.
const RECENT: usize = 30;

fn state_badge(state: ApprovalState) -> Markup {
    let (class, words) = match state {
        ApprovalState::Pending => ("badge", "Waiting"),
        ApprovalState::ChangesRequested => ("badge warn", "Changes asked"),
        ApprovalState::Approved => ("badge ok", "Approved"),
        ApprovalState::Rejected => ("badge late", "Rejected"),
        ApprovalState::Cancelled => ("badge", "Withdrawn"),
    };
    html! { span class=(class) { (words) } }
}

fn decision_words(decision: Option<Decision>) -> &'static str {
    match decision {
        None => "Waiting",
        Some(Decision::Approve) => "Approved",
        Some(Decision::RequestChanges) => "Asked for changes",
        Some(Decision::Reject) => "Rejected",
    }
}

/// Where the thing approved is shown.
fn subject_link(viewer: &Viewer, a: &Approval) -> Markup {
    match &a.subject {
        SubjectRef::Task(t) => html! {
            a href=(viewer.url(&format!("/t/{}", t.key))) { span.key { (t.key) } " " (t.title) }
        },
        SubjectRef::Milestone { id, name } => html! {
            "Milestone "
            a href=(viewer.url(&format!("/p/{}/settings#milestone-{id}", a.project_key))) { (name) }
        },
        SubjectRef::Stage(stage) => html! {
            a href=(viewer.url(&format!("/p/{}/settings", a.project_key))) { (a.project_key) }
            " moving to the " (stage) " stage"
        },
    }
}

/// A table of approvals, each linking to its page.
pub fn approval_table(viewer: &Viewer, caption: &str, approvals: &[Approval]) -> Markup {
    html! {
        table.approvals {
            caption.visually-hidden { (caption) }
            thead { tr {
                th scope="col" { "Approval" } th scope="col" { "Of" } th scope="col" { "State" }
                th scope="col" { "Answers" } th scope="col" { "Asked by" }
            } }
            tbody {
                @for a in approvals {
                    @let approved = a.answers.iter().filter(|x| x.decision == Some(Decision::Approve)).count();
                    tr {
                        td { a href=(viewer.url(&format!("/approvals/{}", a.id))) { "#" (a.id) } }
                        td { (subject_link(viewer, a)) }
                        td { (state_badge(a.state)) }
                        td { (approved) " of " (a.answers.len()) " approved" }
                        td {
                            (a.requested_by.as_ref().map(|u| u.name.as_str()).unwrap_or("—"))
                            " " span.muted { (a.requested_at.format("%-d %b")) }
                        }
                    }
                }
            }
        }
    }
}

/// The form that asks for an approval of what `hidden` names (task,
/// milestone, or project with a stage picked here when `stages`).
pub fn request_form(
    viewer: &Viewer,
    id: &str,
    hidden: &[(&str, String)],
    stages: bool,
    members: &[Member],
) -> Markup {
    html! {
        details.request-approval {
            summary { "Request an approval" }
            form.stacked method="post" action=(viewer.url("/approvals")) {
                @for (name, value) in hidden { input type="hidden" name=(name) value=(value); }
                @if stages {
                    label for={ (id) "-stage" } { "Move to stage" }
                    select id={ (id) "-stage" } name="stage" {
                        @for s in tandem_domain::Stage::ALL { option value=(s) { (s) } }
                    }
                }
                label for={ (id) "-approvers" } {
                    "Approvers " span.muted { "(none picked: the project's stakeholders with the approver role)" }
                }
                input type="hidden" name="approvers" value="";
                select id={ (id) "-approvers" } name="approvers" multiple size="4" {
                    @for m in members.iter().filter(|m| m.role != Role::Guest) {
                        option value=(m.user.email) { (m.user.name) }
                    }
                }
                label for={ (id) "-note" } { "Note " span.muted { "(what is asked, and why)" } }
                textarea id={ (id) "-note" } name="note" rows="2" maxlength="10000" {}
                button type="submit" { "Request approval" }
            }
        }
    }
}

/// The task page's Approvals section: the task's approvals, and a form to
/// ask for one.
pub fn task_section(
    viewer: &Viewer,
    task_key: &str,
    approvals: &[Approval],
    members: &[Member],
) -> Markup {
    html! {
        section aria-labelledby="h-approvals" {
            h2 #h-approvals { "Approvals" }
            @if approvals.is_empty() {
                p.muted { "None asked for." }
            } @else {
                (approval_table(viewer, "Approvals of this task, newest first", approvals))
            }
            @if viewer.can_write() {
                (request_form(viewer, "ta", &[("task", task_key.to_string())], false, members))
            }
        }
    }
}

pub async fn approvals_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let me = scope.user_id;
    let waiting = store
        .list_approvals(
            scope,
            &ApprovalFilter {
                waiting_for: Some(me),
                ..ApprovalFilter::default()
            },
        )
        .await?;
    let asked = store
        .list_approvals(
            scope,
            &ApprovalFilter {
                requested_by: Some(me),
                ..ApprovalFilter::default()
            },
        )
        .await?;
    let mut recent = store
        .list_approvals(scope, &ApprovalFilter::default())
        .await?;
    recent.truncate(RECENT);
    let content = html! {
        section aria-labelledby="h-waiting" {
            h2 #h-waiting { "Waiting for your answer" }
            @if waiting.is_empty() { p.muted { "Nothing waits for you." } }
            @else { (approval_table(&viewer, "Approvals waiting for your answer", &waiting)) }
        }
        section aria-labelledby="h-asked" {
            h2 #h-asked { "Asked by you" }
            @if asked.is_empty() { p.muted { "You have asked for none." } }
            @else { (approval_table(&viewer, "Approvals you asked for", &asked)) }
        }
        section aria-labelledby="h-recent" {
            h2 #h-recent { "Recent in your projects" }
            @if recent.is_empty() {
                p.muted { "No approvals yet. Ask for one from a task's page, or from a project's settings for a milestone or a stage." }
            } @else { (approval_table(&viewer, "Recent approvals", &recent)) }
        }
    };
    Ok(page(&viewer, "Approvals", Section::MyWork, None, content))
}

pub async fn approval_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Markup, WebError> {
    let a = state.store.get_approval(viewer.ctx.scope, id).await?;
    let me = viewer.ctx.scope.user_id;
    let url = viewer.url(&format!("/approvals/{id}"));
    let manages = a.requested_by.as_ref().map(|u| u.id) == Some(me) || viewer.can_manage_members();
    let content = html! {
        div.approval {
            p { (subject_link(&viewer, &a)) " · " (state_badge(a.state)) }
            p.muted {
                "Asked by " (a.requested_by.as_ref().map(|u| u.name.as_str()).unwrap_or("someone no longer here"))
                " on " (a.requested_at.format("%-d %b %Y %H:%M")) " UTC"
                @if let Some(at) = a.decided_at { " · decided " (at.format("%-d %b %Y %H:%M")) " UTC" }
            }
            @if let Some(note) = &a.note { div.note { (super::markdown::render(note)) } }
            section aria-labelledby="h-answers" {
                h2 #h-answers { "Answers" }
                p.muted { "Every approver must approve; one request for changes sends it back, one rejection rejects it." }
                table.answers {
                    caption.visually-hidden { "Each approver's answer" }
                    thead { tr { th scope="col" { "Approver" } th scope="col" { "Answer" } th scope="col" { "Comment" } th scope="col" { "When" } } }
                    tbody {
                        @for x in &a.answers {
                            tr {
                                td { (x.approver.name) }
                                td { (decision_words(x.decision)) }
                                td { (x.comment.as_deref().unwrap_or("")) }
                                td { @if let Some(at) = x.answered_at { (at.format("%-d %b %H:%M")) } }
                            }
                        }
                    }
                }
            }
            @if a.waits_for(me) && viewer.can_write() {
                section aria-labelledby="h-answer" {
                    h2 #h-answer { "Your answer" }
                    form.stacked method="post" action={ (url) "/answer" } {
                        input type="hidden" name="version" value=(a.version);
                        fieldset {
                            legend { "Decision" }
                            @for (value, words) in [("approve", "Approve"), ("request_changes", "Request changes"), ("reject", "Reject")] {
                                label.check {
                                    input type="radio" name="decision" value=(value) required checked[value == "approve"];
                                    " " (words)
                                }
                            }
                        }
                        label for="answer-comment" { "Comment " span.muted { "(required when asking for changes)" } }
                        textarea #answer-comment name="comment" rows="3" maxlength="10000" {}
                        button type="submit" { "Answer" }
                    }
                }
            }
            @if manages && viewer.can_write() && !a.state.is_closed() {
                div.actions {
                    @if a.state == ApprovalState::ChangesRequested {
                        form.inline method="post" action={ (url) "/resubmit" } {
                            input type="hidden" name="version" value=(a.version);
                            button type="submit" { "Resubmit: the changes are made" }
                        }
                    }
                    form.inline method="post" action={ (url) "/cancel" } {
                        input type="hidden" name="version" value=(a.version);
                        button.link type="submit" { "Withdraw" }
                    }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        &format!("Approval #{id}"),
        Section::MyWork,
        None,
        content,
    ))
}

pub async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let to = back(&headers, &viewer.url("/approvals"));
    forward(
        &headers,
        &body,
        &[
            ("task", Kind::Optional),
            ("milestone", Kind::Number),
            ("project", Kind::Optional),
            ("stage", Kind::Optional),
            ("approvers", Kind::Picks),
            ("note", Kind::Optional),
        ],
        &to,
        |input: JsonBody<ApprovalInput>, _| async move {
            crate::handlers::approvals::request_approval(State(state), ctx, input).await
        },
    )
    .await
}

pub async fn answer_approval(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[("decision", Kind::Text), ("comment", Kind::Optional)],
        &viewer.url(&format!("/approvals/{id}")),
        |input: JsonBody<AnswerBody>, if_match| async move {
            crate::handlers::approvals::answer_approval(
                State(state),
                ctx,
                Path((ws, id)),
                if_match,
                input,
            )
            .await
        },
    )
    .await
}

/// Resubmit or withdraw: forms with only the version they were drawn at.
pub async fn resubmit_approval(
    state: State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    path: Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, viewer, headers, path, body, true).await
}

pub async fn cancel_approval(
    state: State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    path: Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, viewer, headers, path, body, false).await
}

async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
    resubmit: bool,
) -> Result<Response, WebError> {
    let if_match = super::common::form_if_match(&viewer, &body)?;
    let (ctx, path) = (viewer.ctx.clone(), Path((ws, id)));
    let result = if resubmit {
        crate::handlers::approvals::resubmit_approval(State(state), ctx, path, if_match).await
    } else {
        crate::handlers::approvals::cancel_approval(State(state), ctx, path, if_match).await
    };
    answer(
        &headers,
        result.map(IntoResponse::into_response),
        &viewer.url(&format!("/approvals/{id}")),
    )
}
