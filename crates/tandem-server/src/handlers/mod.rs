//! The JSON API's handlers, one module per feature. Each handler extracts
//! the request, converts its body into a domain input after the caller's
//! role is checked, calls a use case (`tandem_usecases`) or, for reads,
//! the store, and shapes the answer as its `tandem-api` view. Each module
//! also lists its rows of the route table (`routes()`), which
//! [`crate::routes::table`] puts together.
//!
//! What these modules are not: the rules. Who may do what and how a write
//! is made are the use cases'; these only speak HTTP.

/// A project's rows of the activity history.
pub(crate) mod activity;
/// Approvals and their answers.
pub(crate) mod approvals;
/// Files attached to tasks, projects and comments.
pub(crate) mod attachments;
/// Sign-in, sessions, the caller and their API tokens.
pub(crate) mod auth;
/// Automation rules, their runs and dry runs.
pub(crate) mod automation;
/// People's pictures, or their initials.
pub(crate) mod avatars;
/// A project's calendar exceptions.
pub(crate) mod calendars;
pub(crate) mod comments;
/// Links between tasks.
pub(crate) mod dependencies;
pub(crate) mod goals;
/// The health check.
pub(crate) mod health;
pub(crate) mod levels;
pub(crate) mod lint;
pub(crate) mod milestones;
/// Microsoft Project XML import and export.
pub(crate) mod mspdi;
/// My Work: the caller's open tasks by when they are due.
pub(crate) mod my_work;
pub(crate) mod notifications;
/// Phases and milestones.
pub(crate) mod phases;
/// Portfolios and their tables.
pub(crate) mod portfolios;
/// Projects.
pub(crate) mod projects;
/// Recurrence rules tried before saving.
pub(crate) mod recurrence;
pub(crate) mod reports;
/// The risk register.
pub(crate) mod risks;
pub(crate) mod scenarios;
/// Schedules, baselines, the forecast and levelling.
pub(crate) mod schedule;
/// One ranked search across the workspace.
pub(crate) mod search;
/// Is it a task or a project.
pub(crate) mod signals;
/// Stakeholders.
pub(crate) mod stakeholders;
/// A project's derived health and its status updates.
pub(crate) mod status;
/// Tasks, bulk edits and board moves.
pub(crate) mod tasks;
/// Templates: the starters, a project saved as one.
pub(crate) mod templates;
pub(crate) mod views;
/// Webhooks, their deliveries, redelivery and pings.
pub(crate) mod webhooks;
/// Workspaces, members, invitations, availability and time off.
pub(crate) mod workspaces;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// A JSON answer with the object's version as its ETag.
pub(crate) fn versioned<T: Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// A request's query as a handler reads it: every parameter the route
/// does not list is refused by name, with the ones it allows; a value
/// left empty reads as absent.
pub(crate) struct QueryParams<'a> {
    query: &'a std::collections::HashMap<String, String>,
}

impl<'a> QueryParams<'a> {
    pub(crate) fn read(
        query: &'a std::collections::HashMap<String, String>,
        allowed: &[&str],
        v: &mut tandem_domain::Validation,
    ) -> Self {
        for name in query.keys() {
            if !allowed.contains(&name.as_str()) {
                v.push(
                    name,
                    format!("unknown query parameter (allowed: {})", allowed.join(", ")),
                );
            }
        }
        QueryParams { query }
    }

    /// `name`'s value, unless absent or empty.
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.query
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// `name` as `true` or `false` (absent is false); anything else is
    /// refused in `v`.
    pub(crate) fn flag(&self, name: &str, v: &mut tandem_domain::Validation) -> bool {
        match self.get(name) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                v.push(name, "must be true or false");
                false
            }
        }
    }

    /// `name` as the id of one (1 or more); anything else is refused in
    /// `v`.
    pub(crate) fn id(&self, name: &str, v: &mut tandem_domain::Validation) -> Option<i64> {
        self.get(name).and_then(|text| {
            v.take(
                name,
                text.parse::<i64>()
                    .ok()
                    .filter(|id| *id >= 1)
                    .ok_or_else(|| format!("must be a {name}'s id (1 or more)")),
            )
        })
    }
}
