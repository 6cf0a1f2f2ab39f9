//! The scheduler's integration tests, one binary: its results against
//! what Microsoft Project and MPXJ computed for the same plans.

/// Checked-in results of MPXJ's scheduler for generated plans.
mod mpxj;
/// Microsoft Project's own stored dates for its files.
mod msproject;
