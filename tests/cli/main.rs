//! The integration tests: one binary that spawns the real `whk` and talks to it over real
//! sockets on 127.0.0.1.

mod capture_support;
mod check_support;
mod listen_support;
mod support;

mod cli_check;
mod cli_demo;
mod cli_events;
mod cli_listen;
mod cli_listen_attacks;
mod cli_load;
mod cli_misc;
mod cli_prompt;
mod cli_replay;
mod cli_send;
mod cli_sign;
mod cli_verify;
