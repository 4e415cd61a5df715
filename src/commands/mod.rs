//! One module per subcommand: orchestration only; the work lives in the library modules.

pub mod completions;
pub mod events;
pub mod secret;
pub mod send;
pub mod sign;
