//! Tandem's scheduler: working calendars, the critical path method with
//! Microsoft Project's semantics, and Microsoft Project XML (MSPDI).
//!
//! Pure: it takes plain values and returns plain values, with problems as
//! data (diagnostics) or errors naming the tasks involved. It does no IO and
//! knows nothing of Tandem's store or server.

pub mod calendar;
pub mod cpm;
pub mod forecast;
pub mod level;
pub mod mspdi;

pub use calendar::{Calendar, Period, Timeline};
pub use cpm::{
    Assignment, Constraint, Diagnostic, Fixed, Lag, LinkKind, LinkSpec, Plan, Schedule,
    ScheduleError, TaskDates, TaskSpec, schedule, schedule_beside,
};
