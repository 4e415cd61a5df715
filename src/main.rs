use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = whk::cli::parse();
    match whk::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(whk::error::Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, whatever file name or captured value the message quotes.
            let message = whk::output::escape_line(&err.to_string());
            whk::output::to_stderr(&format!("error: {message}"));
            ExitCode::from(err.exit_code())
        }
    }
}
