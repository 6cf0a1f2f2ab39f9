//! Comments on pages: the thread section a task page, a project's
//! overview and the discussion page of a milestone, a risk or a goal
//! show, and the form posts that add, reply, edit, delete and react,
//! each forwarded to the JSON API's handler.
//!
//! Bodies are Markdown, drawn by `markdown::render` (raw HTML shows as
//! text; links go only where a page may). Not here: who may do what (the
//! store decides; a form is shown only to whoever it would serve).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{CommentEditBody, CommentInput, ReactionBody};
use tandem_domain::{Comment, CommentOn, Id, Reaction, UpdateSubject};

use super::common::{Kind, WebError, answer, back, forward};
use super::layout::{Section, page};
use super::{Viewer, markdown};
use crate::AppState;

/// The form field that names what a thread is on, and its value.
pub fn field_of(on: &CommentOn) -> (&'static str, String) {
    match on {
        CommentOn::Task(key) => ("task", key.clone()),
        CommentOn::Project(key) => ("project", key.clone()),
        CommentOn::Milestone(id) => ("milestone", id.to_string()),
        CommentOn::Risk(id) => ("risk", id.to_string()),
        CommentOn::Goal(id) => ("goal", id.to_string()),
        CommentOn::StatusUpdate(id) => ("status_update", id.to_string()),
    }
}

/// The thread of `on` as the viewer may read it, with whether they follow
/// it: what every page with a thread shows.
pub async fn thread(
    store: &dyn tandem_store::Store,
    viewer: &Viewer,
    on: &CommentOn,
) -> Result<Markup, WebError> {
    let comments = store.list_comments(viewer.ctx.scope, on).await?;
    let following = store.following(viewer.ctx.scope, on).await?;
    // The tasks the thread names (`#KEY-12`) that the reader may open,
    // with their titles; at most a page's worth looked up.
    let mut keys: Vec<String> = Vec::new();
    for body in comments.iter().filter_map(|c| c.body.as_deref()) {
        for key in markdown::task_refs(body) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let mut refs = markdown::TaskRefs::new();
    for key in keys.into_iter().take(MAX_REFS) {
        match store.get_task(viewer.ctx.scope, &key).await {
            Ok(task) => {
                let url = viewer.url(&format!("/t/{}", task.key));
                refs.insert(key, (url, task.title));
            }
            Err(tandem_store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Whom the forms offer to mention: the members who see every
    // project (a guest is told only of what they may open).
    let people: Vec<tandem_domain::Member> = match viewer.can_write() {
        true => store
            .list_members(viewer.ctx.scope)
            .await?
            .into_iter()
            .filter(|m| m.role.sees_all_projects())
            .collect(),
        false => Vec::new(),
    };
    Ok(section(viewer, on, &comments, following, &refs, &people))
}

/// The most `#KEY-12` references a thread's page looks up.
const MAX_REFS: usize = 50;

/// The thread of `on`: every comment with its replies, the forms to
/// answer, edit, delete and react, and the one to add a comment.
fn section(
    viewer: &Viewer,
    on: &CommentOn,
    comments: &[Comment],
    following: tandem_store::Following,
    refs: &markdown::TaskRefs,
    people: &[tandem_domain::Member],
) -> Markup {
    let (name, value) = field_of(on);
    let said = comments.iter().filter(|c| c.deleted_at.is_none()).count();
    html! {
        section #comments aria-labelledby="h-comments" {
            h2 #h-comments { "Comments " span.count { (said) } }
            (super::inbox::follow_form(viewer, on, following))
            @if comments.is_empty() { p.muted { "No comments yet." } }
            ol.comments {
                @for c in comments.iter().filter(|c| c.parent_id.is_none()) {
                    li {
                        (comment(viewer, c, refs))
                        @let replies: Vec<&Comment> = comments.iter().filter(|r| r.parent_id == Some(c.id)).collect();
                        @if !replies.is_empty() {
                            ol.replies {
                                @for r in replies { li { (comment(viewer, r, refs)) } }
                            }
                        }
                        @if viewer.can_write() && c.deleted_at.is_none() {
                            details.reply {
                                summary { "Reply" }
                                (write_form(viewer, name, &value, Some(c.id), people))
                            }
                        }
                    }
                }
            }
            @if viewer.can_write() {
                (write_form(viewer, name, &value, None, people))
            }
        }
    }
}

fn write_form(
    viewer: &Viewer,
    name: &str,
    value: &str,
    parent: Option<Id>,
    people: &[tandem_domain::Member],
) -> Markup {
    let id = match parent {
        Some(p) => format!("reply-{p}"),
        None => "comment-new".into(),
    };
    html! {
        form.comment-form method="post" action=(viewer.url("/comments")) {
            input type="hidden" name=(name) value=(value);
            @if let Some(parent) = parent { input type="hidden" name="parent" value=(parent); }
            label for=(id) { @if parent.is_some() { "Your reply" } @else { "Add a comment" } }
            textarea #(id) name="body" rows="3" required maxlength="20000"
                placeholder="Markdown: **bold**, _italic_, - lists, [links](https://…); @name tells someone" {}
            @if !people.is_empty() {
                // The picker puts "@handle " where the text's cursor is
                // (app.js); typing @ and a name does the same without it.
                span.mention-picker {
                    label for={ (id) "-mention" } { "Mention" }
                    select #{ (id) "-mention" } data-mention=(id) {
                        option value="" { "Someone…" }
                        @for m in people {
                            @let handle = m.user.email.split('@').next().unwrap_or_default();
                            option value=(handle) { (m.user.name) " (@" (handle) ")" }
                        }
                    }
                }
            }
            button type="submit" { @if parent.is_some() { "Reply" } @else { "Comment" } }
        }
    }
}

fn comment(viewer: &Viewer, c: &Comment, refs: &markdown::TaskRefs) -> Markup {
    let me = viewer.ctx.scope.user_id;
    let mine = c.author.as_ref().is_some_and(|a| a.id == me);
    let moderator = viewer.ctx.scope.role.can_manage_members();
    html! {
        article.comment #{"comment-" (c.id)} data-version=(c.version) {
            p.comment-head {
                strong { (c.author.as_ref().map_or("Someone", |a| a.name.as_str())) } " "
                time datetime=(c.created_at.to_rfc3339()) { (c.created_at.format("%-d %b %H:%M")) }
                @if c.edited_at.is_some() { " " span.muted { "(edited)" } }
            }
            @match &c.body {
                Some(body) => { div.markdown { (markdown::render_with(body, refs)) } }
                None => { p.muted { "This comment was deleted." } }
            }
            @if c.deleted_at.is_none() {
                div.reactions {
                    @for r in &c.reactions {
                        (reaction_button(viewer, c, r.reaction, r.count, r.mine))
                    }
                    @if viewer.can_write() {
                        details.react {
                            summary { "React" }
                            @for reaction in Reaction::ALL.iter().filter(|x| !c.reactions.iter().any(|r| r.reaction == **x && r.mine)) {
                                (reaction_button(viewer, c, *reaction, 0, false))
                            }
                        }
                    }
                }
                @if viewer.can_write() && mine {
                    details.edit {
                        summary { "Edit" }
                        form method="post" action=(viewer.url(&format!("/comments/{}/edit", c.id))) {
                            input type="hidden" name="version" value=(c.version);
                            label for={"edit-" (c.id)} { "Your comment" }
                            textarea #{"edit-" (c.id)} name="body" rows="3" required maxlength="20000" {
                                (c.body.as_deref().unwrap_or_default())
                            }
                            button type="submit" { "Save" }
                        }
                    }
                }
                @if viewer.can_write() && (mine || moderator) {
                    form.inline.confirm method="post" action=(viewer.url(&format!("/comments/{}/delete", c.id))) data-confirm="Delete this comment?" {
                        input type="hidden" name="version" value=(c.version);
                        button.link type="submit" { "Delete" }
                    }
                }
            }
        }
    }
}

/// A reaction's count as a button that adds the reader's, or takes it
/// back when it is theirs; a bare one (count 0) offers it.
fn reaction_button(
    viewer: &Viewer,
    c: &Comment,
    reaction: Reaction,
    count: usize,
    mine: bool,
) -> Markup {
    let label = match (count, mine) {
        (0, _) => format!("React {}", reaction.as_str().replace('_', " ")),
        (_, true) => format!(
            "{} {count}, yours; take it back",
            reaction.as_str().replace('_', " ")
        ),
        _ => format!("{} {count}", reaction.as_str().replace('_', " ")),
    };
    html! {
        form.inline method="post" action=(viewer.url(&format!("/comments/{}/react", c.id))) {
            input type="hidden" name="reaction" value=(reaction.as_str());
            @if mine { input type="hidden" name="undo" value="true"; }
            button.reaction type="submit" aria-label=(label) aria-pressed=[(count > 0).then_some(if mine { "true" } else { "false" })]
                disabled[!viewer.can_write()] {
                (reaction.emoji()) @if count > 0 { " " (count) }
            }
        }
    }
}

/// The form fields that name what a thread is on (as [`field_of`] writes
/// them): a comment's form and a follow button's read them the same way.
pub const SUBJECT_FIELDS: [(&str, Kind); 6] = [
    ("task", Kind::Optional),
    ("project", Kind::Optional),
    ("milestone", Kind::Number),
    ("risk", Kind::Number),
    ("goal", Kind::Number),
    ("status_update", Kind::Number),
];

/// Where a comment's thread is drawn: its subject's page.
pub fn thread_url(viewer: &Viewer, on: &CommentOn) -> String {
    match on {
        CommentOn::Task(key) => viewer.url(&format!("/t/{key}#comments")),
        CommentOn::Project(key) => viewer.url(&format!("/p/{key}#comments")),
        CommentOn::Milestone(id) => viewer.url(&format!("/discuss?milestone={id}")),
        CommentOn::Risk(id) => viewer.url(&format!("/discuss?risk={id}")),
        CommentOn::Goal(id) => viewer.url(&format!("/goals/{id}#comments")),
        CommentOn::StatusUpdate(id) => viewer.url(&format!("/discuss?update={id}")),
    }
}

/// `POST /w/{ws}/comments`: a comment or a reply.
pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let to = back(&headers, &viewer.url("/my"));
    forward(
        &headers,
        &body,
        &[
            SUBJECT_FIELDS.as_slice(),
            &[("parent", Kind::Number), ("body", Kind::Text)],
        ]
        .concat(),
        &to,
        |input: crate::extract::JsonBody<CommentInput>, _| async move {
            crate::handlers::comments::add_comment(State(state), ctx, input).await
        },
    )
    .await
}

/// `POST /w/{ws}/comments/{id}/edit`, at the version the page showed.
pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    // An edit is of the text the page showed: never blind.
    super::common::require_version(&viewer, &body)?;
    let ctx = viewer.ctx.clone();
    let to = back(&headers, &viewer.url("/my"));
    forward(
        &headers,
        &body,
        &[("body", Kind::Text)],
        &to,
        |input: crate::extract::JsonBody<CommentEditBody>, if_match| async move {
            crate::handlers::comments::edit_comment(
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

/// `POST /w/{ws}/comments/{id}/delete`, at the version the page showed.
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let if_match = super::common::form_if_match(&viewer, &body)?;
    let to = back(&headers, &viewer.url("/my"));
    let result = crate::handlers::comments::delete_comment(
        State(state),
        viewer.ctx.clone(),
        Path((ws, id)),
        if_match,
    )
    .await;
    answer(&headers, result.map(IntoResponse::into_response), &to)
}

/// `POST /w/{ws}/comments/{id}/react`: adds the reaction, or with `undo`
/// takes the reader's back.
pub async fn react(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    if let Err(e) = viewer.ctx.actor().writer() {
        return Err(super::common::refused(&headers, e.into()));
    }
    let form = super::common::FormPairs::parse(&body);
    let to = back(&headers, &viewer.url("/my"));
    let ctx = viewer.ctx.clone();
    let result = match form.get("undo") {
        Some("true") => {
            let reaction = form.get("reaction").unwrap_or_default().to_string();
            crate::handlers::comments::remove_reaction(State(state), ctx, Path((ws, id, reaction)))
                .await
                .map(IntoResponse::into_response)
        }
        _ => {
            let input =
                super::common::json_body::<ReactionBody>(&form, &[("reaction", Kind::Text)]);
            match input {
                Ok(input) => crate::handlers::comments::add_reaction(
                    State(state),
                    ctx,
                    Path((ws, id)),
                    input,
                )
                .await
                .map(IntoResponse::into_response),
                Err(e) => Err(e),
            }
        }
    };
    answer(&headers, result, &to)
}

#[derive(Debug, serde::Deserialize)]
pub struct DiscussQuery {
    milestone: Option<Id>,
    risk: Option<Id>,
    goal: Option<Id>,
    update: Option<Id>,
}

/// `GET /w/{ws}/discuss?risk=ID` (or `milestone`, or `update`): the
/// thread of something that has no page of its own, under its name (an
/// update's under its words). (A goal's is
/// on its page; this one draws it too, for a link that names it.)
pub async fn discuss_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DiscussQuery>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let mut shown = None;
    let (on, title, back_to) = match (query.milestone, query.risk, query.goal, query.update) {
        (None, None, None, Some(id)) => {
            let u = store.get_status_update(scope, id).await?;
            let (what, back_to) = match u.subject {
                UpdateSubject::Project(project_id) => {
                    let key = project_key_of(&state, scope, project_id).await?;
                    (key.clone(), viewer.url(&format!("/p/{key}#h-updates")))
                }
                UpdateSubject::Portfolio(id) => (
                    "the portfolio".to_string(),
                    viewer.url(&format!("/portfolios/{id}#h-updates")),
                ),
                UpdateSubject::Goal(id) => (
                    "the goal".to_string(),
                    viewer.url(&format!("/goals/{id}#h-updates")),
                ),
            };
            let title = format!("Update on {what} of {}", u.created_at.format("%-d %b %Y"));
            shown = Some(u);
            (CommentOn::StatusUpdate(id), title, back_to)
        }
        (Some(id), None, None, None) => {
            let m = store.get_milestone(scope, id).await?;
            let key = project_key_of(&state, scope, m.project_id).await?;
            (
                CommentOn::Milestone(id),
                format!("Milestone {}", m.name),
                viewer.url(&format!("/p/{key}/settings")),
            )
        }
        (None, Some(id), None, None) => {
            let r = store.get_risk(scope, id).await?;
            let key = project_key_of(&state, scope, r.project_id).await?;
            (
                CommentOn::Risk(id),
                format!("Risk {}", r.title),
                viewer.url(&format!("/p/{key}/risks")),
            )
        }
        (None, None, Some(id), None) => {
            let goals = tandem_usecases::goals::visible_goals(store, scope).await?;
            let goal = goals
                .iter()
                .find(|g| g.id == id)
                .ok_or(tandem_store::StoreError::NotFound("goal"))?;
            (
                CommentOn::Goal(id),
                format!("Goal {}", goal.title),
                viewer.url(&format!("/goals/{id}")),
            )
        }
        _ => {
            return Err(crate::error::ApiError::field(
                "risk",
                "name one milestone, risk, goal or update to discuss",
            )
            .into());
        }
    };
    let thread = thread(store, &viewer, &on).await?;
    let content = html! {
        h1 { (title) }
        p { a href=(back_to) { "Back to where it is planned" } }
        @if let Some(u) = &shown { ol.updates { (super::status::update(u, None)) } }
        (thread)
    };
    let kind = match (&on, shown.as_ref().map(|u| &u.subject)) {
        (_, Some(UpdateSubject::Goal(_))) | (CommentOn::Goal(_), _) => Section::Goals,
        (_, Some(UpdateSubject::Portfolio(_))) => Section::Portfolios,
        _ => Section::Projects,
    };
    Ok(page(&viewer, &title, kind, None, content))
}

async fn project_key_of(
    state: &AppState,
    scope: tandem_store::Scope,
    project_id: Id,
) -> Result<String, WebError> {
    Ok(state
        .store
        .project_keys(scope)
        .await?
        .into_iter()
        .find(|(id, _)| *id == project_id)
        .map(|(_, key)| key)
        .ok_or(tandem_store::StoreError::NotFound("project"))?)
}
