//! The integration tests: one binary that spawns the real `whk` and talks to it over real
//! sockets on 127.0.0.1.

mod support;

mod cli_events;
mod cli_misc;
mod cli_send;
mod cli_sign;
