//! The `tandem` binary's integration tests, one test binary: the built
//! binary against a real `tandem serve` process, and the workspace's own
//! conventions.
//!
//! A new area is a module declared here (`mod tls;` for `tandem/tls.rs`);
//! a file directly in `tests/` would link a binary of its own.

/// The command-line client against a real server.
mod cli;
/// Acknowledged writes survive `kill -9` of the server.
mod crash;
/// Which crate may depend on which.
mod dependencies;
/// `tandem serve`'s logs, metrics and shutdown, as an operator meets them.
mod operable;
/// HTTPS: `tandem serve --tls-cert/--tls-key` and the CLI over it.
mod tls;
