//! Tandem's domain: the model of workspaces, projects, tasks, dependencies,
//! risks and stakeholders, and the rules that hold between them.
//!
//! This crate is pure. It does no IO, reads no clock and knows no database or
//! HTTP type: callers pass in plain values (including "today") and get plain
//! values back, with rule violations returned as data ([`FieldError`]s).
//! Serialization of the API lives in `tandem-api`; storage in `tandem-store`.

pub mod activity;
pub mod automation;
pub mod calendar;
pub mod dates;
pub mod goals;
pub mod graph;
pub mod health;
pub mod interop;
pub mod levels;
pub mod lint;
pub mod minutes;
pub mod model;
pub mod planning;
pub mod quick;
pub mod recurrence;
pub mod reports;
pub mod rollup;
pub mod scenarios;
pub mod search;
pub mod signals;
pub mod templates;
pub mod validate;
pub mod webhooks;
pub mod workload;

pub use model::*;
pub use validate::{FieldError, Validation};
