//! The `tandem` binary: `serve` runs the server, `admin` bootstraps a
//! database directly (offline), and every other command is a client of the
//! JSON API over HTTP, configured by `TANDEM_SERVER` / `TANDEM_TOKEN` or the
//! file `tandem login` writes.

mod client;
mod commands;
mod output;

use std::process::ExitCode;

// Rows are decoded on sqlx's SQLite threads and freed on tokio's; glibc's
// allocator spends much of a list request moving memory between its arenas
// (measured in docs/benchmarks.md), mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
