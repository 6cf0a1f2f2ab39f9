//! What every page shares: the viewer (who, in which workspace), the
//! pages' own error type (a redirect to sign-in, or an error page; never a
//! problem-details body), form bodies turned into the API's JSON inputs,
//! and sign-in and sign-out.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde_json::{Map, Value};
use tandem_domain::{FieldError, UserRef};
use tandem_store::Membership;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, IfMatch, JsonBody, SESSION_COOKIE, hash_secret, session_cookie};
use crate::handlers::auth::with_session;

/// A signed-in member looking at a workspace's pages.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub ctx: Ctx,
    pub workspace: Membership,
    pub workspaces: Vec<Membership>,
    /// The path and query of this page, to come back to.
    pub here: String,
    /// The newest change in the store when a page began to be read (0
    /// for a post): the page shows it and every change before it, so its
    /// live updates skip those (`data-seen`).
    pub seen: tandem_domain::Id,
    /// Unread notifications in this workspace (0 for a post).
    pub unread: usize,
}

impl Viewer {
    pub fn user(&self) -> &UserRef {
        &self.ctx.user
    }

    pub fn slug(&self) -> &str {
        &self.workspace.workspace.slug
    }

    /// A path inside this workspace's pages.
    pub fn url(&self, rest: &str) -> String {
        format!("/w/{}{rest}", self.slug())
    }

    pub fn can_write(&self) -> bool {
        self.ctx.scope.role.can_write()
    }

    /// Owners and admins: members, roles and deleting whole projects.
    pub fn can_manage_members(&self) -> bool {
        self.ctx.scope.role.can_manage_members()
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let ctx = match Ctx::from_request_parts(parts, state).await {
            Ok(ctx) => ctx,
            Err(ApiError::Unauthorized) => return Err(WebError::SignIn(here)),
            Err(other) => return Err(other.into()),
        };
        let workspaces = state.store.memberships(ctx.user.id).await?;
        let workspace = workspaces
            .iter()
            .find(|m| m.workspace.id == ctx.scope.workspace_id)
            .cloned()
            .ok_or_else(|| WebError::Page(StatusCode::NOT_FOUND, "workspace not found".into()))?;
        // Read before the page reads anything: a change after it is
        // heard again, never missed.
        let (seen, unread) = if parts.method == axum::http::Method::GET {
            (
                state.store.last_event_id().await?,
                state.store.unread_count(ctx.scope).await?,
            )
        } else {
            (0, 0)
        };
        Ok(Viewer {
            ctx,
            workspace,
            workspaces,
            here,
            seen,
            unread,
        })
    }
}

/// Whether a script sent the request (`x-tandem: fetch`): it wants a
/// status and a problem body back, not a redirect or a page.
pub fn from_script(headers: &HeaderMap) -> bool {
    headers.get("x-tandem").is_some_and(|v| v == "fetch")
}

/// A page's failure.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in: off to the sign-in page, then back to this path.
    SignIn(String),
    /// An error page with this status and message.
    Page(StatusCode, String),
    /// A form the API's rules refused, field by field.
    Invalid(Vec<FieldError>),
    /// For scripts: the API's problem details as they are.
    Api(ApiError),
    /// A form refused, with the page it was sent from to go back to.
    Refused(Box<WebError>, String),
}

impl From<tandem_usecases::Error> for WebError {
    fn from(e: tandem_usecases::Error) -> Self {
        ApiError::from(e).into()
    }
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Unauthorized => WebError::SignIn("/".into()),
            ApiError::NotFound(what) => WebError::Page(StatusCode::NOT_FOUND, capitalised(&what)),
            ApiError::Forbidden(why) => WebError::Page(StatusCode::FORBIDDEN, capitalised(&why)),
            ApiError::Invalid(errors) => WebError::Invalid(errors),
            ApiError::PreconditionFailed { .. } => WebError::Page(
                StatusCode::PRECONDITION_FAILED,
                "Someone changed this since you opened it. Go back, reload, and make your change again."
                    .into(),
            ),
            ApiError::Conflict(why) => WebError::Page(StatusCode::CONFLICT, capitalised(&why)),
            ApiError::Cycle(keys) => WebError::Page(
                StatusCode::CONFLICT,
                format!("That link would close a cycle: {}.", keys.join(" → ")),
            ),
            ApiError::BadRequest(why) => WebError::Page(StatusCode::BAD_REQUEST, capitalised(&why)),
            other => {
                // Logged by the API error's own response.
                let _ = other.into_response();
                WebError::Page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side; it has been logged.".into(),
                )
            }
        }
    }
}

impl From<tandem_store::StoreError> for WebError {
    fn from(e: tandem_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignIn(next) => {
                Redirect::to(&format!("/signin?next={}", encode(&next))).into_response()
            }
            WebError::Refused(error, back) => error.page(Some(&back)),
            other => other.page(None),
        }
    }
}

impl WebError {
    /// The error as a page, with a way `back` to the form's page.
    fn page(self, back: Option<&str>) -> Response {
        match self {
            WebError::Page(status, message) => (
                status,
                bare_page("Tandem: a problem", error_body(&message, &[], back)),
            )
                .into_response(),
            WebError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                bare_page(
                    "Tandem: check the form",
                    error_body("That did not save. Please correct:", &errors, back),
                ),
            )
                .into_response(),
            WebError::Api(e) => e.into_response(),
            WebError::SignIn(_) | WebError::Refused(..) => self.into_response(),
        }
    }
}

fn error_body(message: &str, errors: &[FieldError], back: Option<&str>) -> Markup {
    html! {
        h1 { "That did not work" }
        p role="alert" { (message) }
        @if !errors.is_empty() {
            ul.errors {
                @for e in errors { li { (sentence(&e.field, &e.message)) } }
            }
        }
        p {
            @if let Some(back) = back { a href=(back) { "Back to the page" } " · " }
            a href="/" { "Home" }
        }
    }
}

/// The page a form was sent from (its `Referer`), as a path of this
/// server: a link back to it never leads elsewhere.
fn sent_from(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let uri: axum::http::Uri = referer.parse().ok()?;
    let path = uri.path_and_query()?.as_str();
    // "//host" and "/\host" are other servers to a browser.
    (path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
        .then(|| path.to_string())
}

/// A refused field as a person reads it: "End date must not be before
/// start date." The API's names (`end_date`, `tasks[1].due_date`) become
/// words; a row's key leads ("LAUNCH-10: due date …"); a message that is
/// a sentence already stands alone.
pub fn sentence(field: &str, message: &str) -> String {
    let words = |text: &str| -> String {
        text.split(' ')
            .map(|word| {
                let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
                if bare.contains('_') && bare.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    word.replace('_', " ")
                } else {
                    word.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let message = words(message.trim());
    let (row, name) = match field.rsplit_once('.') {
        Some((row, name)) if row.contains('-') => (Some(row), name),
        _ => (None, field),
    };
    // `work_week[0]`: the week's Monday; another list's first, counted
    // from 1 as people do.
    let name = match name.split_once('[') {
        Some((list, rest)) => match rest.trim_end_matches(']').parse::<usize>() {
            Ok(index) if list == "work_week" && index < 7 => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ][index]
                .to_string(),
            Ok(index) => format!("{list} {}", index + 1),
            Err(_) => name.to_string(),
        },
        None => name.to_string(),
    };
    let name = spoken_name(&name).map_or(name, str::to_string);
    let mut name = words(&name.replace('_', " "));
    if row.is_none()
        && let Some(first) = name.get(..1)
    {
        name = first.to_uppercase() + &name[1..];
    }
    let first = message.chars().next();
    let mut text = match first {
        Some(c) if c.is_lowercase() => format!("{name} {message}"),
        Some(c) if c.is_uppercase() => message,
        _ => format!("{name}: {message}"),
    };
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    match row {
        Some(row) => format!("{row}: {text}"),
        None => text,
    }
}

/// The fields whose names are not the words a person uses for them
/// (the script's `sentence` has the same table).
fn spoken_name(field: &str) -> Option<&'static str> {
    Some(match field {
        "three_point" => "three-point estimate",
        "estimate_days" => "estimate",
        "effort_hours" => "effort",
        "lag_days" => "lag",
        "phase_id" => "phase",
        "milestone_id" => "milestone",
        _ => return None,
    })
}

/// A page without the workspace shell: sign-in and errors.
pub fn bare_page(title: &str, body: Markup) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang="en" {
            (super::layout::head(title, false))
            body.bare { main #main { (body) } }
        }
    }
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Only a path on this site may be a redirect target. Browsers drop tabs
/// and line breaks from a URL and read `\\` as `/`, so `/<TAB>/evil.test`
/// or `/\\evil.test` would leave the site: only visible ASCII other than
/// a backslash is accepted, after a single leading `/` (control
/// characters would not fit a `Location` header anyway).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && p.len() <= 2048
                && p.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            p.into()
        }
        _ => "/".into(),
    }
}

/// Where to go after a form post: the page it came from (same site only),
/// or `fallback`.
pub fn back(headers: &HeaderMap, fallback: &str) -> String {
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            let host = headers.get(header::HOST)?.to_str().ok()?;
            let rest = r
                .strip_prefix("http://")
                .or_else(|| r.strip_prefix("https://"))?;
            rest.strip_prefix(host).map(str::to_string)
        });
    local_path(referer.as_deref().or(Some(fallback)))
}

/// A form body as ordered pairs (repeated names kept, as checkboxes send).
#[derive(Debug, Default)]
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// A body that is not form encoded reads as no fields, so each form
    /// then says which field it is missing.
    pub fn parse(bytes: &Bytes) -> FormPairs {
        FormPairs(serde_urlencoded::from_bytes(bytes).unwrap_or_default())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// How a form field becomes a JSON value for the API's inputs.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Text; empty is kept as "" (a required field says so).
    Text,
    /// Text; empty means none (`null`).
    Optional,
    /// A number; empty means none.
    Number,
    /// A comma- or space-separated list.
    List,
    /// A checkbox: checked is `true`, absent (unchecked) `false`; only for
    /// forms that always show it.
    Flag,
    /// Whole numbers from every field of the name (a multiple select,
    /// hidden inputs in order); none is an empty list.
    Numbers,
    /// Texts from every field of the name, in order, empty ones kept (one
    /// input a weekday).
    Texts,
    /// Every non-empty value of the name (a multiple select). The form
    /// marks the control with an empty hidden field of the same name, so
    /// none picked is an empty list, and a form without the control
    /// leaves the field as it is.
    Picks,
    /// A three-point estimate from `{name}.optimistic`, `.likely` and
    /// `.pessimistic`: all empty clears it.
    ThreePoint,
}

/// Turns named form fields into a JSON object the API's input types read,
/// collecting what did not parse, as the API's own body does.
pub fn json_body<T: serde::de::DeserializeOwned>(
    form: &FormPairs,
    fields: &[(&str, Kind)],
) -> Result<JsonBody<T>, ApiError> {
    let mut object = Map::new();
    for (name, kind) in fields {
        if let Some(value) = field_value(form, name, *kind) {
            object.insert((*name).to_string(), value);
        }
    }
    let bytes = serde_json::to_vec(&Value::Object(object)).unwrap_or_default();
    crate::extract::parse_collecting(&bytes)
        .map(|(value, errors)| JsonBody::from_parts(value, errors))
}

/// One form field as JSON; `None` where the form does not have it (the
/// API then keeps what is stored).
fn field_value(form: &FormPairs, name: &str, kind: Kind) -> Option<Value> {
    let number = |text: &str| match text.parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(n as i64),
        // JSON has no NaN or infinity (`Value::from` would make them
        // null, clearing the field): left as text, they are refused.
        Ok(n) if n.is_finite() => Value::from(n),
        _ => Value::String(text.into()),
    };
    let text = form.get(name).map(str::trim);
    Some(match kind {
        Kind::Flag => Value::Bool(
            form.all(name)
                .iter()
                .any(|v| matches!(v.trim(), "true" | "on")),
        ),
        Kind::Numbers => Value::Array(
            form.all(name)
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(number)
                .collect(),
        ),
        Kind::Texts => Value::Array(
            form.all(name)
                .iter()
                .map(|v| Value::String(v.trim().into()))
                .collect(),
        ),
        Kind::Picks => {
            let values = form.all(name);
            if values.is_empty() {
                return None;
            }
            Value::Array(
                values
                    .iter()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.into()))
                    .collect(),
            )
        }
        Kind::ThreePoint => {
            let parts = ["optimistic", "likely", "pessimistic"]
                .map(|part| (part, form.get(&format!("{name}.{part}")).map(str::trim)));
            if parts.iter().all(|(_, v)| v.is_none()) {
                return None;
            }
            if parts.iter().all(|(_, v)| v.is_none_or(str::is_empty)) {
                Value::Null
            } else {
                Value::Object(
                    parts
                        .iter()
                        .map(|(part, v)| ((*part).to_string(), number(v.unwrap_or(""))))
                        .collect(),
                )
            }
        }
        Kind::Text => Value::String(text?.into()),
        Kind::Optional | Kind::Number if text?.is_empty() => Value::Null,
        Kind::Optional => Value::String(text?.into()),
        Kind::Number => number(text?),
        Kind::List => Value::Array(
            text?
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.into()))
                .collect(),
        ),
    })
}

/// A form's expected version (`version` field), if it sent one.
pub fn form_version(form: &FormPairs) -> Result<Option<i64>, WebError> {
    match form.get("version").filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            WebError::Page(
                StatusCode::BAD_REQUEST,
                "The form's version is not a number.".into(),
            )
        }),
    }
}

// --- sign-in -----------------------------------------------------------------

pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let Some(secret) = session_cookie(&headers) else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let Some(user) = state
        .store
        .session_user(&hash_secret(&secret), chrono::Utc::now())
        .await?
    else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let memberships = state.store.memberships(user.id).await?;
    Ok(match memberships.first() {
        Some(m) => Redirect::to(&format!("/w/{}/my", m.workspace.slug)).into_response(),
        None => {
            let invitations = waiting_invitations(&state, &user).await?;
            bare_page(
                "Tandem",
                html! {
                    h1 { "No workspace yet" }
                    p { "You are signed in as " (user.email) ", but not a member of any workspace. Ask an owner to invite you, or create one with " code { "tandem workspace create" } "." }
                    (invitations_block(&invitations))
                    form method="post" action="/signout" { button { "Sign out" } }
                },
            )
            .into_response()
        }
    })
}

/// The invitations waiting for `user`.
pub async fn waiting_invitations(
    state: &AppState,
    user: &tandem_domain::UserRef,
) -> Result<Vec<tandem_store::Invitation>, WebError> {
    let Ok(email) = tandem_domain::Email::parse(&user.email) else {
        return Ok(Vec::new());
    };
    Ok(state
        .store
        .invitations_for(&email, chrono::Utc::now())
        .await?)
}

/// Invitations with a button to accept and one to decline each; nothing
/// when there are none.
pub fn invitations_block(invitations: &[tandem_store::Invitation]) -> Markup {
    html! {
        @if !invitations.is_empty() {
            section.invitations aria-labelledby="invitations" {
                h2 #invitations { "Invitations" }
                ul {
                    @for i in invitations {
                        li {
                            strong { (i.workspace.name) }
                            " invites you as " (i.role.as_str())
                            @if let Some(by) = &i.invited_by { " (from " (by.name) ")" }
                            " "
                            form.inline-form method="post" action={ "/invitations/" (i.id) "/accept" } {
                                button { "Accept" }
                            }
                            " "
                            form.inline-form method="post" action={ "/invitations/" (i.id) "/decline" } {
                                button { "Decline" }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

/// `GET /invitations/accept?token=…`: an invitation's link. Signed in with
/// the invited email, it shows the invitation with its buttons; anyone
/// else, and a link expired, withdrawn or mistyped, is told the same.
pub async fn invitation_link(
    State(state): State<AppState>,
    caller: Result<crate::extract::Caller, ApiError>,
    uri: axum::http::Uri,
    Query(query): Query<LinkQuery>,
) -> Result<Response, WebError> {
    let here = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let token = query.token.unwrap_or_default();
    // Nobody signed in: sign in to answer, or make an account for the
    // invited email. The link is checked only when either is sent, so
    // this page says nothing of it.
    let Ok(crate::extract::Caller(user)) = caller else {
        return Ok(join_form(&here, &token, "", None).into_response());
    };
    let found = crate::handlers::workspaces::invitation_of_link(&state, &user, &token).await;
    let invitations = match found {
        Ok(invitation) => vec![invitation],
        Err(ApiError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let status = match invitations.is_empty() {
        true => StatusCode::NOT_FOUND,
        false => StatusCode::OK,
    };
    Ok((status, bare_page(
        "Invitation · Tandem",
        html! {
            h1 { "Invitation" }
            @if invitations.is_empty() {
                p { "This link invites nobody signed in as " (user.email) ": it may have expired or been withdrawn, or be meant for another email. Ask whoever invited you for a new one." }
                p { a href="/" { "Go on to Tandem" } }
            } @else {
                p { "Signed in as " (user.email) "." }
                (invitations_block(&invitations))
            }
        },
    ))
    .into_response())
}

/// `POST /invitations/{id}/accept`: joins, then opens the workspace.
pub async fn accept_invitation(
    State(state): State<AppState>,
    caller: Result<crate::extract::Caller, ApiError>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let caller = caller.map_err(|_| WebError::SignIn("/".into()))?;
    let joined =
        crate::handlers::workspaces::accept_invitation(State(state), caller, Path(id)).await?;
    Ok(Redirect::to(&format!("/w/{}/my", joined.0.slug)).into_response())
}

/// `POST /invitations/{id}/decline`: back home.
pub async fn decline_invitation(
    State(state): State<AppState>,
    caller: Result<crate::extract::Caller, ApiError>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let caller = caller.map_err(|_| WebError::SignIn("/".into()))?;
    crate::handlers::workspaces::decline_invitation(State(state), caller, Path(id)).await?;
    Ok(Redirect::to("/").into_response())
}

/// An invitation's page for someone not signed in: a link to sign in and
/// come back, and the form that makes an account for the invited email.
fn join_form(here: &str, token: &str, name: &str, problem: Option<&str>) -> Markup {
    bare_page(
        "Invitation · Tandem",
        html! {
            div.signin {
                h1 { "You are invited to Tandem" }
                @if let Some(problem) = problem {
                    p.alert role="alert" { (problem) }
                }
                p {
                    "Have an account with the invited email? "
                    a href={ "/signin?next=" (encode(here)) } { "Sign in to answer" }
                    "."
                }
                h2 { "New here? Make your account" }
                p.muted { "It is made for the email you were invited with." }
                form method="post" action="/invitations/join" {
                    input type="hidden" name="token" value=(token);
                    label for="join-name" { "Your name" }
                    input #join-name type="text" name="name" value=(name) autocomplete="name" required maxlength="200";
                    label for="join-password" { "Password " span.muted { "(at least 8 characters)" } }
                    input #join-password type="password" name="password" autocomplete="new-password" required minlength="8";
                    button.primary type="submit" { "Join" }
                }
            }
        },
    )
}

/// A form's problems, field by field, on one line.
fn field_problems(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// How long `retry_after` seconds are, in whole minutes.
fn minutes(retry_after: u64) -> String {
    let minutes = retry_after.div_ceil(60);
    format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
}

/// `page` answering a throttled try: 429, and when to try again.
fn too_many(retry_after: u64, page: Markup) -> Response {
    let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// `POST /invitations/join`: the account of someone invited who has none,
/// made and signed in; then their workspace.
pub async fn join_invitation(
    State(state): State<AppState>,
    crate::extract::ClientAddr(address): crate::extract::ClientAddr,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let token = form.get("token").unwrap_or("").to_string();
    let name = form.get("name").unwrap_or("").to_string();
    let here = format!("/invitations/accept?token={}", encode(&token));
    let request = tandem_api::JoinInvitation {
        token: Some(token.clone()),
        name: Some(name.clone()),
        password: form.get("password").map(str::to_string),
    };
    let page = |text: &str| join_form(&here, &token, &name, Some(text));
    let problem = |status: StatusCode, text: &str| Ok((status, page(text)).into_response());
    match crate::handlers::auth::join_by_invitation(&state, request, address).await {
        Ok((_, workspace, cookie)) => Ok(with_session(
            Redirect::to(&format!("/w/{}/my", workspace.slug)).into_response(),
            &cookie,
        )),
        Err(ApiError::Invalid(errors)) => {
            problem(StatusCode::UNPROCESSABLE_ENTITY, &field_problems(&errors))
        }
        Err(ApiError::NotFound(_)) => problem(
            StatusCode::NOT_FOUND,
            "This invitation's link may have expired, been withdrawn or been used. Ask whoever invited you for a new one.",
        ),
        Err(ApiError::Conflict(_)) => problem(
            StatusCode::CONFLICT,
            "The invited email has an account: sign in with it to answer.",
        ),
        Err(ApiError::TooManyRequests { retry_after, .. }) => Ok(too_many(
            retry_after,
            page(&format!(
                "Too many tries from here. Try again in {}.",
                minutes(retry_after)
            )),
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SigninQuery {
    next: Option<String>,
}

fn signin_form(next: &str, email: &str, problem: Option<&str>) -> Markup {
    bare_page(
        "Sign in · Tandem",
        html! {
            div.signin {
                h1 { "Tandem" }
                p.muted { "Projects and tasks, one place." }
                @if let Some(problem) = problem {
                    p.alert role="alert" { (problem) }
                }
                form method="post" action="/signin" {
                    input type="hidden" name="next" value=(next);
                    label for="email" { "Email" }
                    input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                    label for="password" { "Password" }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button.primary type="submit" { "Sign in" }
                }
            }
        },
    )
}

pub async fn signin_page(Query(query): Query<SigninQuery>) -> Markup {
    signin_form(&local_path(query.next.as_deref()), "", None)
}

pub async fn signin(
    State(state): State<AppState>,
    crate::extract::ClientAddr(address): crate::extract::ClientAddr,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let next = local_path(form.get("next"));
    let email = form.get("email").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("").to_string();
    match crate::handlers::auth::start_session(&state, &email, &password, address).await {
        Ok((_, cookie)) => Ok(with_session(Redirect::to(&next).into_response(), &cookie)),
        Err(ApiError::TooManyRequests { retry_after, .. }) => Ok(too_many(
            retry_after,
            signin_form(
                &next,
                &email,
                Some(&format!(
                    "Too many wrong passwords from here. Try again in {}.",
                    minutes(retry_after)
                )),
            ),
        )),
        Err(ApiError::WrongCredentials) => Ok((
            StatusCode::UNAUTHORIZED,
            signin_form(&next, &email, Some("Wrong email or password.")),
        )
            .into_response()),
        Err(ApiError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            signin_form(&next, &email, Some(&field_problems(&errors))),
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}

pub async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(secret) = session_cookie(&headers) {
        state.store.delete_session(&hash_secret(&secret)).await?;
        state.live.access_changed();
    }
    let mut response = Redirect::to("/signin").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        ))
        .unwrap_or(HeaderValue::from_static("")),
    );
    Ok(response)
}

/// Refuses form posts another site started: browsers say where a request
/// comes from (`Sec-Fetch-Site`, `Origin`), and SameSite=Lax cookies
/// already stay home on cross-site posts; this is the second lock.
pub async fn same_origin(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request.method() == axum::http::Method::POST
        && crate::extract::same_origin(request.headers()) == Some(false)
    {
        return WebError::Page(
            StatusCode::FORBIDDEN,
            "Forms may only be sent from Tandem's own pages.".into(),
        )
        .into_response();
    }
    next.run(request).await
}

/// The answer to a successful form post: 204 for a script, else back to a
/// page.
pub fn posted(headers: &HeaderMap, to: &str) -> Response {
    if from_script(headers) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        saved(to)
    }
}

/// A saved form goes on to `to`, which says so: a short-lived cookie the
/// next page's script shows as a toast and clears (a page drawn without
/// the script shows the saved state itself).
fn saved(to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("tandem_flash=saved; Path=/; Max-Age=60; SameSite=Lax"),
    );
    response
}

/// The answer to a form an API handler took: a script gets the API's own
/// response (or its problem details); a page goes on to `to` (or to an
/// error page).
pub fn answer(
    headers: &HeaderMap,
    result: Result<Response, ApiError>,
    to: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(response) if from_script(headers) => Ok(response),
        Ok(_) => Ok(saved(to)),
        Err(e) => Err(refused(headers, e)),
    }
}

/// A form post an API handler takes: the form's `fields` become the
/// handler's JSON input `T`, its `version` field the `If-Match`; then the
/// page goes on to `to` (or to an error page), and a script gets the
/// API's own answer. Every form that changes something comes through
/// here, so none reads its form or answers differently.
pub async fn forward<T, Fut>(
    headers: &HeaderMap,
    body: &Bytes,
    fields: &[(&str, Kind)],
    to: &str,
    call: impl FnOnce(JsonBody<T>, IfMatch) -> Fut,
) -> Result<Response, WebError>
where
    T: serde::de::DeserializeOwned,
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let form = FormPairs::parse(body);
    let expected = form_version(&form)?;
    let result = match json_body::<T>(&form, fields) {
        Ok(input) => call(input, IfMatch(expected)).await,
        Err(e) => Err(e),
    };
    answer(headers, result, to)
}

/// A failed form post: problem details for a script, an error page else.
pub fn refused(headers: &HeaderMap, e: ApiError) -> WebError {
    if from_script(headers) {
        return WebError::Api(e);
    }
    let page: WebError = e.into();
    match (sent_from(headers), page) {
        (Some(back), page @ (WebError::Page(..) | WebError::Invalid(_))) => {
            WebError::Refused(Box::new(page), back)
        }
        (_, page) => page,
    }
}

/// A form without the version it was drawn at changes nothing: the
/// forms that change or delete a versioned object always carry one, so
/// one without (not drawn by a page) is refused, after the role check.
pub fn require_version(viewer: &Viewer, body: &Bytes) -> Result<(), WebError> {
    if viewer.can_write() && FormPairs::parse(body).get("version").is_none() {
        return Err(WebError::Invalid(vec![FieldError::new(
            "version",
            "is required: reload the page and try again",
        )]));
    }
    Ok(())
}

/// [`require_version`], and the version the form was drawn at, as the
/// `If-Match` of the API handler it goes to.
pub fn form_if_match(viewer: &Viewer, body: &Bytes) -> Result<IfMatch, WebError> {
    require_version(viewer, body)?;
    // A version that is not a number matches nothing: never "any".
    Ok(IfMatch(form_version(&FormPairs::parse(body))?))
}

#[cfg(test)]
mod tests {
    use super::{sent_from, sentence};

    #[test]
    fn the_way_back_is_a_path_of_this_server() {
        let from = |referer: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(axum::http::header::REFERER, referer.parse().unwrap());
            sent_from(&headers)
        };
        assert_eq!(
            from("http://127.0.0.1:8080/w/demo/p/LAUNCH/scenarios/Late%20vendor?runs=200")
                .as_deref(),
            Some("/w/demo/p/LAUNCH/scenarios/Late%20vendor?runs=200")
        );
        // Another server's page is a path here too: the link stays home.
        assert_eq!(from("https://elsewhere.example/x").as_deref(), Some("/x"));
        for away in [
            "//elsewhere.example/x",
            "/\\elsewhere.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(from(away), None, "{away}");
        }
        assert_eq!(sent_from(&axum::http::HeaderMap::new()), None);
    }

    #[test]
    fn refusals_read_as_sentences() {
        assert_eq!(
            sentence("end_date", "must not be before start_date"),
            "End date must not be before start date."
        );
        assert_eq!(
            sentence("LAUNCH-10.due_date", "must be a date, YYYY-MM-DD"),
            "LAUNCH-10: due date must be a date, YYYY-MM-DD."
        );
        assert_eq!(
            sentence("confirm", "Type the project's key, DCM, to delete it"),
            "Type the project's key, DCM, to delete it."
        );
        assert_eq!(
            sentence("work_week[0]", "'9-5' is not like 08:00-12:00"),
            "Monday: '9-5' is not like 08:00-12:00."
        );
        assert_eq!(
            sentence("members[2]", "must be an email address"),
            "Members 3 must be an email address."
        );
        assert_eq!(
            sentence("three_point", "must run from optimistic to pessimistic"),
            "Three-point estimate must run from optimistic to pessimistic."
        );
        assert_eq!(
            sentence("LAUNCH-2.estimate_days", "must be zero or more"),
            "LAUNCH-2: estimate must be zero or more."
        );
    }
}
