//! Everything the test files share, and nothing else. `use crate::support::*` brings the
//! general helpers; the two modules that serve only one or two files are reached by path.
//!
//! - `command`: the one process builder ([`command`], scrubbed environment), [`whk`],
//!   [`run`] and its variants (stdin, a terminal, a closed stdout)
//! - `receiver`: the one stand-in HTTP/1.1 server ([`StubServer`]) and the recording
//!   [`Receiver`] on it
//! - `listener`: `whk listen` as a child process ([`Listener`])
//! - `http`: a raw HTTP/1.1 client, to send a listener exactly the bytes a test means
//! - `crypto`: the one HMAC ([`hmac_hex`], [`hmac_b64`]), each scheme's signing recipe
//!   ([`sign`]) and the check a provider's receiver makes ([`independently_valid`])
//! - `output`: JSON Lines, and the one-line-error and no-panic assertions
//! - `events`: the documented event catalogue
//! - [`captures`]: captured requests and the formats verify and replay read (HAR, JSONL, …)
//! - [`check_receiver`]: the configurable receiver `whk check` is tested against
//! - [`browser`]: headless chromium through chromedriver, for the inspector's page

pub mod browser;
pub mod captures;
pub mod check_receiver;
mod command;
mod crypto;
mod events;
mod http;
mod listener;
mod output;
mod receiver;

pub use command::*;
pub use crypto::*;
pub use events::*;
pub use http::*;
pub use listener::*;
pub use output::*;
pub use receiver::*;
