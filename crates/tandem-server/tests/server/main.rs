//! The server's integration tests, in one binary (one per crate rather
//! than one per file, so the suite links fewer): a real server on an
//! ephemeral port over a real database, driven over HTTP, raw sockets,
//! and a real browser. A module per area; `common` is the
//! server and the API client they share.
//!
//! A new area is a module declared here (`mod operable;` for
//! `server/operable.rs`, which reaches the shared server as
//! `crate::common`); a file directly in `tests/` would link a binary of
//! its own.

/// The server under test and the JSON API's test client.
mod common;

/// The JSON API, on SQLite and PostgreSQL.
mod api;
/// The web pages in headless Chromium (skipped, loudly, without it).
mod browser;
/// Timeouts and the connection cap, over raw sockets.
mod connections;
/// What a security and reliability review broke, kept fixed.
mod hardening;
/// Request ids, logs, metrics, shutdown and HTTPS.
mod operable;
/// The web pages over plain HTTP.
mod web;
