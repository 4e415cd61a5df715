use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = whk::cli::Cli::parse();
    match whk::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(whk::error::Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
