//! The JSON shapes of Tandem's HTTP API (`/api/v1`), shared by the server,
//! which produces them, and the CLI, which consumes them.
//!
//! Requests convert into the domain's inputs through explicit methods that
//! collect every offending field: a field the server requires is still an
//! `Option` here, so that a missing one is reported with the rest, and is
//! marked `#[schemars(required)]` for the OpenAPI document. Responses are
//! built from domain entities with `From`. This is the only crate that decides how the model looks on
//! the wire; it does no IO.
//!
//! Requests also serialize, for the CLI that sends them: a field not set is
//! left out, so `null` on the wire only ever means "clear this field" (the
//! `Some(None)` of a partial update).

/// The history of an object.
mod activity;
/// Approvals and their answers.
mod approvals;
/// Files attached to tasks, projects and comments.
mod attachments;
/// Signing in, the caller, personal tokens.
mod auth;
/// Automation rules, their runs and dry runs.
mod automation;
/// Bulk edits and board moves of tasks.
mod bulk;
mod comments;
/// Helpers the features' request types share.
mod common;
/// Dependencies between tasks.
mod dependencies;
mod goals;
/// Is it a task or a project.
mod levels;
mod lint;
/// The caller's open tasks by when they are due.
mod my_work;
mod notifications;
/// Phases and milestones.
mod phases;
/// Calendar exceptions, schedules, baselines, forecasts, levelling.
mod planning;
/// Portfolios and their tables.
mod portfolios;
/// Problem details and the health check.
mod problem;
/// Projects.
mod projects;
/// Recurrence rules tried before saving.
mod recurrence;
mod reports;
/// The risk register.
mod risks;
mod scenarios;
/// A search's hits.
mod search;
mod signals;
/// Stakeholders.
mod stakeholders;
/// A project's health and its status updates.
mod status;
/// Tasks.
mod tasks;
/// Templates.
mod templates;
/// Saved views of a project's list.
mod views;
/// Webhooks and their deliveries.
mod webhooks;
/// Workspaces, members and invitations.
mod workspaces;

pub use activity::*;
pub use approvals::*;
pub use attachments::*;
pub use auth::*;
pub use automation::*;
pub use bulk::*;
pub use comments::*;
pub use common::format_local;
pub use dependencies::*;
pub use goals::*;
pub use levels::*;
pub use lint::*;
pub use my_work::*;
pub use notifications::*;
pub use phases::*;
pub use planning::*;
pub use portfolios::*;
pub use problem::*;
pub use projects::*;
pub use recurrence::*;
pub use reports::*;
pub use risks::*;
pub use scenarios::*;
pub use search::*;
pub use signals::*;
pub use stakeholders::*;
pub use status::*;
pub use tasks::*;
pub use templates::*;
pub use views::*;
pub use webhooks::*;
pub use workspaces::*;

#[cfg(test)]
mod tests;
