//! whk: sign, send, receive and verify webhooks.
//!
//! `run` dispatches a parsed command line. The public modules are what the benchmarks call
//! in-process (composing, signing, capturing) and what `main` needs (the command line and
//! its errors); the rest is internal.

mod audit;
pub mod capture;
mod choice;
pub mod cli;
mod client;
mod commands;
mod config;
mod curl;
pub mod delivery;
pub mod error;
pub mod events;
mod inspect;
mod listen;
mod load;
pub mod output;
mod prompt;
mod records;
mod reencode;
mod schema;
pub mod scheme;
pub mod secret;
mod server;
mod sync;
mod tls;
mod verify;

use cli::{Cli, Command};
use error::Result;
use output::Printer;

pub fn run(cli: Cli) -> Result<()> {
    let global = &cli.global;
    let out = Printer::new(global.json, global.quiet, global.verbose, global.color);
    let project = cli.project.as_deref();
    for warning in project.map(|p| p.warnings.as_slice()).unwrap_or_default() {
        out.warn(warning);
    }
    match cli.command {
        Command::Send(args) => commands::send::run(args, out),
        Command::Sign(args) => commands::sign::run(args, out),
        Command::Verify(args) => commands::verify::run(args, out),
        Command::Listen(args) => commands::listen::run(args, project, out),
        Command::Replay(args) => commands::replay::run(args, out),
        Command::Inspect(args) => commands::inspect::run(args, out),
        Command::Demo(args) => commands::demo::run(args, out),
        Command::Check(args) => commands::check::run(args, out),
        Command::Events(args) => commands::events::run(args, out),
        Command::Secret(args) => commands::secret::run(args, out),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::completions::man(args),
        Command::Init(args) => commands::config::init(args, out),
        Command::Config(args) => commands::config::run(args, project, out),
    }
}
