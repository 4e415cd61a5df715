//! One module per subcommand: orchestration only; the work lives in the library modules.

pub mod check;
pub mod completions;
pub mod config;
pub mod demo;
pub mod events;
pub mod inspect;
pub mod listen;
pub mod load;
pub mod replay;
pub mod resolve;
pub mod secret;
pub mod send;
pub mod sign;
pub mod verify;
