//! The workspace's settings page: its name, the people in it (roles,
//! hours a week, time off, invitations, removing someone), and the
//! viewer's own profile, password and API tokens. Each form posts to a route here that calls the API's own
//! handler, so the rules (who may change whom, the last owner staying)
//! are the API's.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::{
    AddMember, ChangePassword, CreateTimeOff, CreateToken, TokenView, UpdateAvailability, UpdateMe,
    UpdateMember, UpdateWorkspace,
};
use tandem_domain::Role;

use super::common::{FormPairs, Kind, WebError, answer, forward, refused};
use super::layout::{self, Section, page};
use super::{Viewer, today};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody};

/// Who may not change the workspace's people hears so before their form
/// is read, as the API answers.
fn must_manage(viewer: &Viewer) -> Result<(), ApiError> {
    if viewer.can_manage_members() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the workspace's owners and admins manage its members".into(),
        ))
    }
}

/// A person's own hours and time off are theirs to set, and the owners'
/// and admins'.
fn must_be_or_manage(viewer: &Viewer, user_id: i64) -> Result<(), ApiError> {
    if viewer.user().id == user_id && viewer.can_write() {
        Ok(())
    } else {
        must_manage(viewer)
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner",
        Role::Admin => "Admin",
        Role::Member => "Member",
        Role::Guest => "Guest",
    }
}

fn role_select(id: &str, current: Role) -> Markup {
    html! {
        select #(id) name="role" {
            @for r in Role::ALL { option value=(r) selected[*r == current] { (role_label(*r)) } }
        }
    }
}

pub async fn settings(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, WebError> {
    settings_page(&state, &viewer, Shown::Nothing).await
}

/// What a page just made shows once: a token's secret, an invitation's
/// link.
enum Shown {
    Nothing,
    Token(TokenView),
    Invitation(tandem_api::InvitationView),
}

/// The page, with a token just created shown once above the list.
async fn settings_page(
    state: &AppState,
    viewer: &Viewer,
    shown: Shown,
) -> Result<Markup, WebError> {
    let mails = state.mail.is_some();
    let (new_token, new_invitation) = match shown {
        Shown::Nothing => (None, None),
        Shown::Token(token) => (Some(token), None),
        Shown::Invitation(invitation) => (None, Some(invitation)),
    };
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let members = store.list_members(scope).await?;
    let manages = viewer.can_manage_members();
    let invitations = if manages {
        store.list_invitations(scope).await?
    } else {
        Vec::new()
    };
    let deactivated = match scope.admin() {
        Some(admin) => store.deactivated_members(admin).await?,
        None => Vec::new(),
    };
    let all_time_off = store.list_time_off(scope, None).await?;
    let time_off: Vec<Vec<&tandem_domain::TimeOff>> = members
        .iter()
        .map(|m| {
            all_time_off
                .iter()
                .filter(|t| t.user_id == m.user.id)
                .collect()
        })
        .collect();
    let tokens = store.list_api_tokens(viewer.user().id).await?;
    let preferences = super::inbox::preferences_section(state, viewer).await?;
    let me = viewer.user().id;
    let today = today();
    let content = html! {
        div.settings {
        section.card-panel aria-labelledby="h-profile" {
            h2 #h-profile { "Your profile" }
            form.stacked.keeps method="post" action=(viewer.url("/settings/profile")) data-then=(viewer.url("/settings")) {
                label for="me-name" { "Your name " span.muted { "(as everyone sees it; you sign in as " (viewer.user().email) ")" } }
                input #me-name name="name" required maxlength="200" value=(viewer.user().name) autocomplete="name";
                div { button type="submit" { "Save name" } }
            }
            h3 { "Picture" }
            div.avatar-row {
                img.avatar-large src=(viewer.url(&format!("/avatars/{}", viewer.user().id))) alt="Your picture" width="64" height="64";
                form.stacked method="post" enctype="multipart/form-data" action=(viewer.url("/settings/avatar")) {
                    label for="me-avatar" { "A picture " span.muted { "(PNG, JPEG, GIF or WebP, 512 KiB at most; your initials stand in without one)" } }
                    input #me-avatar name="avatar" type="file" required accept="image/png,image/jpeg,image/gif,image/webp";
                    div { button type="submit" { "Use this picture" } }
                }
                form.inline method="post" action=(viewer.url("/settings/avatar/delete")) {
                    button.link type="submit" { "Use my initials" }
                }
            }
            h3 { "Password" }
            form.stacked.keeps method="post" action=(viewer.url("/settings/password")) {
                label for="pw-current" { "Current password" }
                input #pw-current name="current_password" type="password" required autocomplete="current-password";
                label for="pw-new" { "New password " span.muted { "(at least 8 characters)" } }
                input #pw-new name="new_password" type="password" required minlength="8" autocomplete="new-password";
                label for="pw-again" { "New password again" }
                input #pw-again name="new_password_again" type="password" required minlength="8" autocomplete="new-password";
                p.muted { "Your other sign-ins end; API tokens keep working." }
                div { button type="submit" { "Change password" } }
            }
        }
        @if manages {
            section.card-panel aria-labelledby="h-workspace" {
                h2 #h-workspace { "Workspace" }
                form.stacked.keeps method="post" action=(viewer.url("/settings/workspace")) data-then=(viewer.url("/settings")) {
                    label for="ws-name" { "Name " span.muted { "(its address, /w/" (viewer.slug()) ", stays)" } }
                    input #ws-name name="name" required maxlength="200" value=(viewer.workspace.workspace.name);
                    div { button type="submit" { "Rename workspace" } }
                }
                p { a href=(viewer.url("/settings/webhooks")) { "Webhooks" } span.muted { ": the workspace's events sent to other tools as they happen, signed." } }
                p { a href=(viewer.url("/rules")) { "Automation" } span.muted { ": rules that act on tasks when something happens, in plain words." } }
            }
        }
        section.card-panel aria-labelledby="h-members" {
            h2 #h-members { "Members " span.count { (members.len()) } }
            p.muted { "Hours a week are what levelling and the workload go by; time off keeps work off those days." }
            ol.rows {
                @for (m, away) in members.iter().zip(&time_off) {
                    @let id = m.user.id;
                    @let own = id == me;
                    li #{ "member-" (id) } {
                        span.who { img.person-face src=(viewer.url(&format!("/avatars/{id}"))) alt="" width="24" height="24"; strong { (m.user.name) } " " span.muted { (m.user.email) } @if own { " " span.muted { "(you)" } } }
                        @if manages && !own {
                            form.row-form.keeps method="post" action=(viewer.url(&format!("/members/{id}"))) {
                                input type="hidden" name="version" value=(m.version);
                                fieldset {
                                    legend.visually-hidden { "Role of " (m.user.name) }
                                    label for={ "mr-" (id) } { "Role" }
                                    (role_select(&format!("mr-{id}"), m.role))
                                    button type="submit" { "Change role" }
                                }
                            }
                        } @else {
                            span.badge { (role_label(m.role)) }
                        }
                        @if manages || own {
                            form.row-form.keeps method="post" action=(viewer.url(&format!("/members/{id}/hours"))) {
                                input type="hidden" name="version" value=(m.version);
                                fieldset {
                                    legend.visually-hidden { "Hours a week of " (m.user.name) }
                                    label for={ "mh-" (id) } { "Hours a week" }
                                    input id={ "mh-" (id) } name="capacity_hours" type="number" min="0" max="168" step="0.5" required value=(m.capacity_hours);
                                    button type="submit" { "Save hours" }
                                }
                            }
                        } @else {
                            span.muted { (m.capacity_hours) " h a week" }
                        }
                        @if manages {
                            form.row-form.keeps method="post" action=(viewer.url(&format!("/members/{id}/rate"))) {
                                input type="hidden" name="version" value=(m.version);
                                fieldset {
                                    legend.visually-hidden { "Cost rate of " (m.user.name) }
                                    label for={ "mc-" (id) } { "Cost an hour" }
                                    input id={ "mc-" (id) } name="cost_rate" type="number" min="0" step="any" placeholder="not costed" value=[m.cost_rate];
                                    button type="submit" { "Save rate" }
                                }
                            }
                        }
                        details.time-off {
                            summary { "Time off " span.count { (away.len()) } }
                            ul.plain {
                                @for t in away {
                                    li {
                                        (layout::date(Some(t.start), today)) " – " (layout::date(Some(t.end), today))
                                        @if let Some(note) = &t.note { " " span.muted { (note) } }
                                        @if manages || own {
                                            " "
                                            form.inline method="post" action=(viewer.url(&format!("/members/{id}/time-off/{}/delete", t.id))) {
                                                button.link type="submit" aria-label={ "Remove time off from " (t.start) } { "Remove" }
                                            }
                                        }
                                    }
                                }
                            }
                            @if manages || own {
                                form.inline-form.keeps method="post" action=(viewer.url(&format!("/members/{id}/time-off"))) {
                                    label for={ "ta-from-" (id) } { "From" }
                                    input id={ "ta-from-" (id) } name="start_date" type="date" required;
                                    label for={ "ta-to-" (id) } { "To" }
                                    input id={ "ta-to-" (id) } name="end_date" type="date" required;
                                    label for={ "ta-note-" (id) } { "Note" }
                                    input id={ "ta-note-" (id) } name="note" maxlength="200";
                                    button type="submit" { "Add time off" }
                                }
                            }
                        }
                        @if manages && !own {
                            form.inline-form.confirm method="post" action=(viewer.url(&format!("/members/{id}/deactivate")))
                                data-confirm={ "Deactivate " (m.user.name) "? They will no longer open the workspace; their history stays." } {
                                label for={ "dz-" (id) } { "Their open tasks" }
                                select id={ "dz-" (id) } name="reassign_to" {
                                    option value="" { "stay theirs, flagged" }
                                    @for other in members.iter().filter(|o| o.user.id != id) {
                                        option value=(other.user.email) { "go to " (other.user.name) }
                                    }
                                }
                                button type="submit" aria-label={ "Deactivate " (m.user.name) } { "Deactivate" }
                            }
                        }
                    }
                }
            }
        }
        @if !deactivated.is_empty() {
            section.card-panel aria-labelledby="h-deactivated" {
                h2 #h-deactivated { "Deactivated" }
                p.muted { "They no longer open the workspace. Their history keeps their name; open tasks still theirs are flagged where they show." }
                ul.plain {
                    @for d in &deactivated {
                        li {
                            strong { (d.user.name) } " " span.muted { (d.user.email) } " · was " (role_label(d.role))
                            " · since " (layout::date(Some(d.deactivated_at.date_naive()), today))
                            @if d.open_tasks > 0 {
                                " · " strong { (d.open_tasks) " open tasks still theirs" }
                            }
                            " "
                            form.inline method="post" action=(viewer.url(&format!("/members/{}/reactivate", d.user.id))) {
                                button type="submit" aria-label={ "Reactivate " (d.user.name) } { "Reactivate" }
                            }
                        }
                    }
                }
            }
        }
        @if manages {
            section.card-panel aria-labelledby="h-invite" {
                h2 #h-invite { "Invite someone" }
                @if mails {
                    p.muted { "They get the invitation's link by email, and you see it once here too. They join when they open it signed in with that email and accept (or in the app, or with tandem invitation accept); someone without an account makes it from the link." }
                } @else {
                    p.muted { "No email is sent: you get a link to give them. They join when they open it signed in with that email and accept (or in the app, or with tandem invitation accept); someone without an account makes it from the link." }
                }
                @if let Some(i) = &new_invitation {
                    @if let Some(link) = &i.link {
                        div.notice role="status" {
                            @if i.mailed {
                                p { "Mailed to " strong { (i.email) } ". The link, shown only now:" }
                            } @else {
                                p { "Give " strong { (i.email) } " this link; it is shown only now:" }
                            }
                            p { a #invitation-link href=(link) { (link) } }
                        }
                    }
                }
                // A plain post: the page that answers shows the new link once.
                form.inline-form method="post" action=(viewer.url("/members")) {
                    label for="inv-email" { "Email" }
                    input #inv-email name="email" type="email" required maxlength="320";
                    label for="inv-role" { "Role" }
                    (role_select("inv-role", Role::Member))
                    button.primary type="submit" { "Invite" }
                }
                @if !invitations.is_empty() {
                    h3 { "Waiting for an answer" }
                    ul.plain {
                        @for i in &invitations {
                            li {
                                strong { (i.email) } " " span.muted { "as " (role_label(i.role)) ", until " (i.expires_at.format("%-d %b %Y")) }
                                " "
                                form.inline method="post" action=(viewer.url(&format!("/invitations/{}/withdraw", i.id))) {
                                    button.link type="submit" aria-label={ "Withdraw the invitation to " (i.email) } { "Withdraw" }
                                }
                            }
                        }
                    }
                }
            }
        }
        (preferences)
        section.card-panel aria-labelledby="h-tokens" {
            h2 #h-tokens { "Your API tokens" }
            p.muted { "For the command line and scripts: send one as Authorization: Bearer …. A token acts as you, in every workspace you are in." }
            @if let Some(token) = &new_token {
                div.alert.created role="status" {
                    p { "Token " strong { (token.name) } " created. Copy it now; it is not shown again." }
                    label for="new-token" { "Your new token" }
                    input #new-token readonly value=(token.token.as_deref().unwrap_or("")) autocomplete="off";
                }
            }
            @if tokens.is_empty() { p.muted { "No tokens yet." } }
            ul.plain {
                @for t in &tokens {
                    li {
                        strong { (t.name) } " " span.muted { "created " (t.created_at.format("%-d %b %Y")) }
                        @match t.revoked_at {
                            Some(at) => { " " span.muted { "revoked " (at.format("%-d %b %Y")) } }
                            None => {
                                " "
                                form.inline.confirm method="post" action=(viewer.url(&format!("/settings/tokens/{}/revoke", t.id)))
                                    data-confirm={ "Revoke " (t.name) "? Whatever uses it stops working." } {
                                    button.link type="submit" aria-label={ "Revoke " (t.name) } { "Revoke" }
                                }
                            }
                        }
                    }
                }
            }
            // The script shows the new secret in place, so the page's
            // address stays its own and a reload makes no second token.
            form.inline-form.token-new method="post" action=(viewer.url("/settings/tokens")) {
                label for="tok-name" { "New token's name" }
                input #tok-name name="name" required maxlength="100" placeholder="laptop CLI";
                button type="submit" { "Create token" }
            }
        }
        }
    };
    Ok(page(viewer, "Settings", Section::Settings, None, content))
}

/// `POST /w/{ws}/settings/tokens`: the page again, showing the new
/// token's secret this once (a redirect would lose it).
pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = CreateToken {
        name: form.get("name").unwrap_or("").trim().to_string(),
    };
    let created = crate::handlers::auth::create_token(
        State(state.clone()),
        Caller(viewer.user().clone()),
        JsonBody::new(input),
    )
    .await;
    let response = match created {
        Ok(response) => response,
        Err(e) => return Err(refused(&headers, e)),
    };
    if super::common::from_script(&headers) {
        return Ok(response);
    }
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap_or_default();
    let shown = match serde_json::from_slice::<TokenView>(&bytes) {
        Ok(token) => Shown::Token(token),
        Err(_) => Shown::Nothing,
    };
    Ok(settings_page(&state, &viewer, shown).await?.into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::auth::revoke_token(
        State(state.clone()),
        Caller(viewer.user().clone()),
        Path(id),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/settings#h-tokens"))
}

/// `POST /w/{ws}/settings/avatar`: the picture of a multipart form.
pub async fn set_avatar(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let unreadable = |e: String| {
        WebError::Invalid(vec![tandem_domain::FieldError::new(
            "avatar",
            format!("could not be read: {e}"),
        )])
    };
    let mut form = form.map_err(|e| unreadable(e.to_string()))?;
    let mut picture = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| unreadable(e.to_string()))?
    {
        if field.name() == Some("avatar") {
            picture = Some(field.bytes().await.map_err(|e| unreadable(e.to_string()))?);
        }
    }
    let picture = picture.unwrap_or_default();
    let result =
        tandem_usecases::members::set_avatar(state.store.as_ref(), viewer.user(), &picture)
            .await
            .map(|()| axum::http::StatusCode::NO_CONTENT.into_response())
            .map_err(crate::error::ApiError::from);
    answer(&headers, result, &viewer.url("/settings#h-profile"))
}

/// `POST /w/{ws}/settings/avatar/delete`: back to the initials.
pub async fn remove_avatar(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let result = tandem_usecases::members::remove_avatar(state.store.as_ref(), viewer.user())
        .await
        .map(|()| axum::http::StatusCode::NO_CONTENT.into_response())
        .map_err(crate::error::ApiError::from);
    answer(&headers, result, &viewer.url("/settings#h-profile"))
}

/// `GET /w/{ws}/avatars/{user_id}`: a member's picture or initials, as
/// the API answers it.
pub async fn avatar(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    Ok(crate::handlers::avatars::avatar(
        State(state),
        viewer.ctx.clone(),
        Path((ws, user_id)),
        headers,
    )
    .await?)
}

pub async fn update_profile(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url("/settings#h-profile");
    let caller = Caller(viewer.user().clone());
    forward(
        &headers,
        &body,
        &[("name", Kind::Text)],
        &to,
        |input: JsonBody<UpdateMe>, _| async move {
            crate::handlers::auth::update_me(State(state), caller, input)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/settings/password`: the new one typed twice, the same.
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    address: crate::extract::ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let result = async {
        if form.get("new_password") != form.get("new_password_again") {
            return Err(ApiError::field(
                "new_password_again",
                "is not the same as the new password",
            ));
        }
        let input = ChangePassword {
            current_password: form.get("current_password").map(str::to_string),
            new_password: form.get("new_password").map(str::to_string),
        };
        crate::handlers::auth::change_password(
            State(state.clone()),
            Caller(viewer.user().clone()),
            address,
            headers.clone(),
            JsonBody::new(input),
        )
        .await
        .map(IntoResponse::into_response)
    }
    .await;
    answer(&headers, result, &viewer.url("/settings#h-profile"))
}

pub async fn rename_workspace(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let to = viewer.url("/settings#h-workspace");
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[("name", Kind::Text)],
        &to,
        |input: JsonBody<UpdateWorkspace>, _| async move {
            crate::handlers::workspaces::update_workspace(State(state), ctx, input)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/members`: an invitation.
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let form = FormPairs::parse(&body);
    let fields = [("email", Kind::Text), ("role", Kind::Text)];
    let input =
        super::common::json_body::<AddMember>(&form, &fields).map_err(|e| refused(&headers, e))?;
    let made =
        crate::handlers::workspaces::add_member(State(state.clone()), viewer.ctx.clone(), input)
            .await
            .map_err(|e| refused(&headers, e))?;
    if super::common::from_script(&headers) {
        return Ok(made);
    }
    // The link is shown once, on the page the form answers with.
    let bytes = axum::body::to_bytes(made.into_body(), 1 << 16)
        .await
        .unwrap_or_default();
    let shown = match serde_json::from_slice::<tandem_api::InvitationView>(&bytes) {
        Ok(invitation) => Shown::Invitation(invitation),
        Err(_) => Shown::Nothing,
    };
    Ok(settings_page(&state, &viewer, shown).await?.into_response())
}

pub async fn withdraw_invitation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::workspaces::delete_invitation(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, id)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/settings#h-invite"))
}

/// `POST /w/{ws}/members/{user_id}`: a member's role, at the version shown.
pub async fn change_role(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    must_manage(&viewer).map_err(|e| refused(&headers, e))?;
    let to = viewer.url(&format!("/settings#member-{user_id}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[("role", Kind::Text)],
        &to,
        |input: JsonBody<UpdateMember>, if_match| async move {
            crate::handlers::workspaces::update_member(
                State(state),
                ctx,
                Path((ws, user_id)),
                if_match,
                input,
            )
            .await
        },
    )
    .await
}

pub async fn set_hours(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    must_be_or_manage(&viewer, user_id).map_err(|e| refused(&headers, e))?;
    let to = viewer.url(&format!("/settings#member-{user_id}"));
    let ctx = viewer.ctx.clone();
    let fields = [("capacity_hours", Kind::Number)];
    forward(
        &headers,
        &body,
        &fields,
        &to,
        |input: JsonBody<UpdateAvailability>, if_match| async move {
            crate::handlers::workspaces::update_availability(
                State(state),
                ctx,
                Path((ws, user_id)),
                if_match,
                input,
            )
            .await
        },
    )
    .await
}

/// `POST /w/{ws}/members/{user_id}/rate`: what an hour of their work
/// costs; empty for not costed.
pub async fn set_rate(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/settings#member-{user_id}"));
    let form = FormPairs::parse(&body);
    let rate = match form.get("cost_rate").map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<f64>().map_err(|_| {
            refused(
                &headers,
                ApiError::field("cost_rate", "must be an amount an hour"),
            )
        })?),
    };
    let if_match = super::common::form_if_match(&viewer, &body)?;
    let result = crate::handlers::workspaces::set_cost_rate(
        State(state),
        viewer.ctx.clone(),
        Path((ws, user_id)),
        if_match,
        JsonBody::new(tandem_api::SetCostRate {
            cost_rate: Some(rate),
        }),
    )
    .await;
    answer(&headers, result, &to)
}

/// `POST /w/{ws}/members/{user_id}/deactivate`: out of the workspace,
/// their open tasks handed on to `reassign_to` or kept, flagged.
pub async fn deactivate_member(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let input = super::common::json_body::<tandem_api::DeactivateMember>(
        &form,
        &[("reassign_to", Kind::Optional)],
    )
    .map_err(|e| refused(&headers, e))?;
    let result = crate::handlers::workspaces::deactivate_member(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, user_id)),
        input,
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/settings#h-members"))
}

/// `POST /w/{ws}/members/{user_id}/reactivate`.
pub async fn reactivate_member(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::workspaces::reactivate_member(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, user_id)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &viewer.url("/settings#h-members"))
}

pub async fn add_time_off(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    must_be_or_manage(&viewer, user_id).map_err(|e| refused(&headers, e))?;
    let to = viewer.url(&format!("/settings#member-{user_id}"));
    let ctx = viewer.ctx.clone();
    let fields = [
        ("start_date", Kind::Optional),
        ("end_date", Kind::Optional),
        ("note", Kind::Optional),
    ];
    forward(
        &headers,
        &body,
        &fields,
        &to,
        |input: JsonBody<CreateTimeOff>, _| async move {
            crate::handlers::workspaces::create_time_off(
                State(state),
                ctx,
                Path((ws, user_id)),
                input,
            )
            .await
        },
    )
    .await
}

pub async fn remove_time_off(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, user_id, id)): Path<(String, i64, String)>,
) -> Result<Response, WebError> {
    let result = crate::handlers::workspaces::delete_time_off(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, user_id, id)),
    )
    .await
    .map(IntoResponse::into_response);
    answer(
        &headers,
        result,
        &viewer.url(&format!("/settings#member-{user_id}")),
    )
}
