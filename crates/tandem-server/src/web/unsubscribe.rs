//! The link in an email that stops one kind of email: a page that says
//! what it stops, with a button, and the POST a mail client makes at one
//! click (RFC 8058). No sign-in: the link's token is the authority, and
//! all it can do is stop that kind for that person, which they may undo
//! in their settings.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::common::{WebError, bare_page};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /unsubscribe?token=`: what the link stops, and the button. A
/// GET changes nothing: mail scanners open links.
pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, WebError> {
    let token = query.token.unwrap_or_default();
    let found = state.store.unsubscribe(&token, false).await?;
    let Some((user, kind)) = found else {
        return Ok(nothing());
    };
    let action = format!("/unsubscribe?token={}", crate::web::common::encode(&token));
    Ok(bare_page(
        "Stop emails · Tandem",
        html! {
            h1 { "Stop emails" }
            p { "Stop emailing " strong { (user.email) } " about " strong { (kind.label().to_lowercase()) } "? They stay in the inbox." }
            form method="post" action=(action) {
                button type="submit" { "Stop these emails" }
            }
        },
    )
    .into_response())
}

/// `POST /unsubscribe?token=`: stops that kind of email.
pub async fn stop(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, WebError> {
    let token = query.token.unwrap_or_default();
    let Some((user, kind)) = state.store.unsubscribe(&token, true).await? else {
        return Ok(nothing());
    };
    Ok(bare_page(
        "Emails stopped · Tandem",
        html! {
            h1 { "Emails stopped" }
            p { "No more emails to " (user.email) " about " (kind.label().to_lowercase()) ". They stay in the inbox; your settings turn them on again." }
            p { a href="/" { "Go on to Tandem" } }
        },
    )
    .into_response())
}

fn nothing() -> Response {
    (
        StatusCode::NOT_FOUND,
        bare_page(
            "Stop emails · Tandem",
            html! {
                h1 { "Stop emails" }
                p { "This link stops nothing: it may have been copied wrong. Your settings say which emails you get." }
                p { a href="/" { "Go on to Tandem" } }
            },
        ),
    )
        .into_response()
}
