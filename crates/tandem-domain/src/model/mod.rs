//! The entities of the model, their closed vocabularies (roles, statuses,
//! priorities, link types) and the parsed values (keys, emails) that carry
//! their preconditions in their type, one module per feature; everything is
//! re-exported here (and from the crate root).

pub use crate::calendar::WorkWeek;

pub type Id = i64;

/// Approvals of a task, a milestone or a project's stage change.
mod approval;
/// Files attached to tasks, projects and comments.
mod attachment;
/// Comments, their threads, edits and reactions.
mod comment;
/// Dependencies between tasks.
mod dependency;
/// Goals, their periods and key results.
mod goal;
/// Inbox items and mentions.
mod notification;
/// Absent, cleared or set: a field of a partial update.
mod patch;
/// Phases and milestones.
mod phase;
/// Portfolios.
mod portfolio;
/// Projects.
mod project;
/// Risks.
mod risk;
/// Stored schedules and baselines.
mod schedule;
/// Stakeholders.
mod stakeholder;
/// Status updates.
mod status_update;
/// Tasks and how they are held in the plan.
mod task;
/// Keys, emails, slugs, tags and passwords.
mod values;
/// Saved views of a project's list.
mod view;
/// Roles, statuses, priorities and the other closed vocabularies.
mod vocab;
/// Users, workspaces, members and time off.
mod workspace;

pub use approval::*;
pub use attachment::*;
pub use comment::*;
pub use dependency::*;
pub use goal::*;
pub use notification::*;
pub use patch::*;
pub use phase::*;
pub use portfolio::*;
pub use project::*;
pub use risk::*;
pub use schedule::*;
pub use stakeholder::*;
pub use status_update::*;
pub use task::*;
pub use values::*;
pub use view::*;
pub use vocab::*;
pub use workspace::*;
