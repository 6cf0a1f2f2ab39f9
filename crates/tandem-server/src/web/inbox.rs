//! The inbox page (unread, all, archived), its forms (read, unread,
//! archive, restore, all read), following something from its page, and
//! the settings section where people choose which kinds they hear of.
//! Each form goes to the JSON API's handler.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{ArchiveBody, FollowInput, MarkRead, PreferenceInput, PreferencesInput};
use tandem_domain::{CommentOn, EntityKind, Notification, NotificationKind};
use tandem_store::{Following, InboxFilter};

use super::common::{FormPairs, Kind, WebError, answer, back, forward};
use super::layout::{Section, page};
use super::{Viewer, comments};
use crate::AppState;
use crate::extract::JsonBody;

#[derive(Debug, serde::Deserialize)]
pub struct InboxQuery {
    show: Option<String>,
}

/// Where a notification leads: its object's page, at the comment.
fn link(viewer: &Viewer, n: &Notification) -> String {
    viewer.url(&object_path(n))
}

/// [`link`] from the workspace's address, which an email prefixes with
/// the server's public one (`jobs::mail`).
pub(crate) fn object_path(n: &Notification) -> String {
    let at = n
        .comment_id
        .map(|c| format!("#comment-{c}"))
        .unwrap_or_default();
    match n.object.kind {
        EntityKind::Task => format!("/t/{}{at}", n.object.key),
        EntityKind::Project => format!("/p/{}{at}", n.object.key),
        EntityKind::Milestone => format!("/discuss?milestone={}{at}", n.object.key),
        EntityKind::Risk => format!("/discuss?risk={}{at}", n.object.key),
        EntityKind::StatusUpdate => format!("/discuss?update={}{at}", n.object.key),
        // Where the invitations waiting for the reader are answered.
        EntityKind::Workspace => "/inbox#invitations".to_string(),
        _ => format!("/goals/{}{at}", n.object.key),
    }
}

fn why(n: &Notification) -> &'static str {
    match n.kind {
        NotificationKind::Mention => "mentioned you on",
        NotificationKind::Assigned => "gave you",
        NotificationKind::Comment => "commented on",
        NotificationKind::Approval => "about an approval of",
        NotificationKind::Status => "changed",
        NotificationKind::DueSoon => "due tomorrow:",
        NotificationKind::Overdue => "overdue:",
        NotificationKind::Rule => "a rule says, of",
        NotificationKind::Invitation => "invited you to",
    }
}

/// `GET /w/{ws}/inbox`: unread first by default; `?show=all` or
/// `?show=archived`.
pub async fn inbox_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<InboxQuery>,
) -> Result<Markup, WebError> {
    let show = query.show.as_deref().unwrap_or("unread");
    let filter = InboxFilter {
        unread: show == "unread",
        archived: show == "archived",
        before: None,
        limit: tandem_store::INBOX_PAGE,
    };
    let items = state.store.inbox(viewer.ctx.scope, &filter).await?;
    // Invitations are answered here as on My work.
    let invitations = super::common::waiting_invitations(&state, viewer.user()).await?;
    let tabs = [
        ("unread", "Unread"),
        ("all", "All"),
        ("archived", "Archived"),
    ];
    let content = html! {
        h1 { "Inbox" }
        nav.tabs aria-label="Which notifications" {
            @for (key, label) in tabs {
                a href=(viewer.url(&format!("/inbox?show={key}"))) aria-current=[(key == show).then_some("page")] { (label) }
            }
        }
        p.muted {
            "Mentions, work given to you, comments and status changes on what you follow, approvals, work falling due and invitations. "
            a href=(viewer.url("/settings#h-notifications")) { "Choose what you hear of" } "."
        }
        (super::common::invitations_block(&invitations))
        @if show != "archived" && items.iter().any(|n| n.read_at.is_none()) {
            form.inline method="post" action=(viewer.url("/inbox/read")) {
                input type="hidden" name="all" value="true";
                input type="hidden" name="read" value="true";
                button type="submit" { "Mark all read" }
            }
        }
        @if items.is_empty() {
            p.muted { @match show { "unread" => "Nothing new.", "archived" => "Nothing archived.", _ => "Nothing here yet." } }
        }
        ol.inbox {
            @for n in &items {
                li.unread[n.read_at.is_none()] #{"n-" (n.id)} {
                    span.visually-hidden { @if n.read_at.is_none() { "Unread: " } }
                    strong { (n.actor.as_ref().map_or("Tandem", |a| a.name.as_str())) } " " (why(n)) " "
                    a href=(link(&viewer, n)) {
                        @if matches!(n.object.kind, EntityKind::Task | EntityKind::Project) { span.key { (n.object.key) } " " }
                        (n.object.title)
                    }
                    @if let Some(note) = &n.note { " — " (note) }
                    " " time.muted datetime=(n.created_at.to_rfc3339()) { (n.created_at.format("%-d %b %H:%M")) }
                    span.actions {
                        form.inline method="post" action=(viewer.url("/inbox/read")) {
                            input type="hidden" name="ids" value=(n.id);
                            input type="hidden" name="read" value=(n.read_at.is_none());
                            button.link type="submit" { @if n.read_at.is_none() { "Mark read" } @else { "Mark unread" } }
                        }
                        form.inline method="post" action=(viewer.url("/inbox/archive")) {
                            input type="hidden" name="ids" value=(n.id);
                            input type="hidden" name="archived" value=(n.archived_at.is_none());
                            button.link type="submit" { @if n.archived_at.is_none() { "Archive" } @else { "Back to inbox" } }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&viewer, "Inbox", Section::Inbox, None, content))
}

/// `POST /w/{ws}/inbox/read`: `ids` (or `all`) and `read`.
pub async fn mark_read(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let to = back(&headers, &viewer.url("/inbox"));
    let form = FormPairs::parse(&body);
    let fields: &[(&str, Kind)] = if form.get("all").is_some() {
        &[("all", Kind::Flag), ("read", Kind::Flag)]
    } else {
        &[("ids", Kind::Numbers), ("read", Kind::Flag)]
    };
    forward(
        &headers,
        &body,
        fields,
        &to,
        |input: JsonBody<MarkRead>, _| async move {
            crate::handlers::notifications::mark_read(State(state), ctx, input)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/inbox/archive`: `ids` and `archived`.
pub async fn archive(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let to = back(&headers, &viewer.url("/inbox"));
    forward(
        &headers,
        &body,
        &[("ids", Kind::Numbers), ("archived", Kind::Flag)],
        &to,
        |input: JsonBody<ArchiveBody>, _| async move {
            crate::handlers::notifications::archive(State(state), ctx, input)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/follows`: what to follow and `following`.
pub async fn follow(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = viewer.ctx.clone();
    let to = back(&headers, &viewer.url("/inbox"));
    forward(
        &headers,
        &body,
        &[
            comments::SUBJECT_FIELDS.as_slice(),
            &[("following", Kind::Flag)],
        ]
        .concat(),
        &to,
        |input: JsonBody<FollowInput>, _| async move {
            crate::handlers::notifications::follow(State(state), ctx, input)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// The follow button of something's page.
pub fn follow_form(viewer: &Viewer, on: &CommentOn, following: Following) -> Markup {
    let (name, value) = comments::field_of(on);
    let yes = following.yes();
    html! {
        form.inline.follow method="post" action=(viewer.url("/follows")) {
            input type="hidden" name=(name) value=(value);
            input type="hidden" name="following" value=(!yes);
            button type="submit" aria-pressed=(yes) {
                @if yes { "Following" } @else { "Follow" }
            }
            span.muted {
                @if yes { " Its comments and status changes reach your inbox." }
                @else { " Hear of its comments and status changes." }
            }
        }
    }
}

/// The settings section: each kind, kept in the inbox or not, mailed or
/// not.
pub async fn preferences_section(state: &AppState, viewer: &Viewer) -> Result<Markup, WebError> {
    let preferences = state.store.preferences(viewer.user().id).await?;
    Ok(html! {
        section.card-panel aria-labelledby="h-notifications" {
            h2 #h-notifications { "What you hear of" }
            form method="post" action=(viewer.url("/settings/notifications")) {
                table.grid {
                    caption.visually-hidden { "Kinds of notification kept in your inbox, and mailed" }
                    thead { tr { th scope="col" { "Notification" } th scope="col" { "In your inbox" } th scope="col" { "By email" } } }
                    tbody {
                        @for p in &preferences {
                            tr {
                                th scope="row" { (p.kind.label()) }
                                td {
                                    input type="checkbox" id={"in-" (p.kind.as_str())} name={"inbox." (p.kind.as_str())} checked[p.inbox]
                                        aria-label={ (p.kind.label()) " in your inbox" };
                                }
                                td {
                                    input type="checkbox" id={"mail-" (p.kind.as_str())} name={"email." (p.kind.as_str())} checked[p.email]
                                        aria-label={ (p.kind.label()) " by email" };
                                }
                            }
                        }
                    }
                }
                p.muted { "Emails come as one digest now and then, when this server sends email; each has a link that stops its kind." }
                button type="submit" { "Save" }
            }
        }
    })
}

/// `POST /w/{ws}/settings/notifications`: every kind's checkbox (an
/// unchecked one is absent).
pub async fn save_preferences(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let preferences = NotificationKind::ALL
        .iter()
        .map(|kind| PreferenceInput {
            kind: Some(kind.as_str().to_string()),
            inbox: Some(form.get(&format!("inbox.{}", kind.as_str())).is_some()),
            email: Some(form.get(&format!("email.{}", kind.as_str())).is_some()),
        })
        .collect();
    let input = JsonBody::new(PreferencesInput {
        preferences: Some(preferences),
    });
    let result = crate::handlers::notifications::set_preferences(
        State(state),
        crate::extract::Caller(viewer.user().clone()),
        input,
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/settings#h-notifications"))
}
