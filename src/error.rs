//! Error kinds and the one place that maps them to exit codes (README.md, "Exit codes": 0/1/2/3).

use std::fmt;

/// Everything that can end a command early. The message is one line that says what is wrong
/// and, where there is one, what to do about it.
#[derive(Debug)]
pub enum Error {
    /// The check failed: non-2xx, bad signature, an expectation not met (exit 1).
    Failed(String),
    /// Bad flag, unreadable file, invalid JSON (exit 2).
    Usage(String),
    /// Refused, timed out, DNS, TLS, or local I/O such as a full disk (exit 3).
    Network(String),
    /// Stopped by Ctrl-C before the work was done (exit 130, as a shell reports SIGINT).
    Interrupted(String),
    /// stdout was closed by the reader (`whk events | head`): stop quietly with exit 0.
    BrokenPipe,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::BrokenPipe => 0,
            Error::Failed(_) => 1,
            Error::Usage(_) => 2,
            Error::Network(_) => 3,
            Error::Interrupted(_) => 130,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Failed(m) | Error::Usage(m) | Error::Network(m) | Error::Interrupted(m) => {
                f.write_str(m)
            }
            Error::BrokenPipe => f.write_str("broken pipe"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    /// Writing to stdout or stderr failed; a closed pipe is not an error worth reporting.
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Network(format!("cannot write output: {err}"))
        }
    }
}
