//! The integration tests: one binary that spawns the real `whk` and talks to it over real
//! sockets on 127.0.0.1.
//!
//! Where a new test goes:
//!
//! - A test of one command goes in that command's file: `cli_send.rs` (send), `cli_load.rs`
//!   (send --count/--duration), `cli_sign.rs`, `cli_verify.rs`, `cli_replay.rs`,
//!   `cli_listen.rs`, `cli_listen_attacks.rs` (listen against hostile or broken clients:
//!   slow, oversized, malformed, too many, out of descriptors; TLS), `cli_check.rs`,
//!   `cli_events.rs`, `cli_demo.rs`, `cli_prompt.rs` (interactive prompts on a terminal),
//!   `cli_inspect.rs` (the web inspector: `whk inspect`, `listen --ui`, its API, and the page
//!   in a headless chromium), `cli_config.rs` (whk.toml, `init`, `config`, endpoints,
//!   routes), `cli_exec.rs` (`listen --exec`), `cli_schema.rs` (JSON Schemas and
//!   `--validate`). `cli_schemes.rs` holds what each signature scheme must do across send,
//!   listen and verify (round trips, the providers' own header and key forms, timestamp
//!   policies, key rotation).
//!   What crosses commands (environment variables, secrets never printed, usage errors,
//!   colour, completions, `whk secret`) goes in `cli_misc.rs`.
//! - Helpers live in `support/` (its `mod.rs` says which file holds what). A test file keeps
//!   only the helpers no other file needs; the second file that needs one moves it into
//!   `support/`. No `#![allow(dead_code)]`: a helper nobody calls is deleted.
//!
//! The rules:
//!
//! - The real binary, started only through `support::command` (or `whk()`, `run…`,
//!   `Listener`, all built on it), which removes `SCRUBBED_ENV` (colour, WHK_*, proxies) and
//!   puts HOME in the temp dir, so a developer's own `WHK_SECRET` never reaches a test;
//!   `WHK_CONFIG` is pinned to an empty file, so no whk.toml above the checkout does either. A
//!   test in `support/command.rs` fails on any other `Command::new`.
//! - Network only on 127.0.0.1, only on ephemeral ports: bind port 0 and read back the port
//!   (`Receiver`, `StubServer`, `whk listen --port 0` via `Listener`); never a fixed port,
//!   never another host.
//! - Every wait is bounded: sockets have read and write timeouts, every poll has a deadline
//!   (`DEADLINE` for a listener), every process a time limit (`RUN_LIMIT`), so a hang fails the
//!   test instead of stalling CI.
//! - Signatures are checked by `support/crypto.rs`, written from the providers'
//!   documentation, never by whk's own code.

mod support;

mod cli_check;
mod cli_config;
mod cli_demo;
mod cli_events;
mod cli_exec;
mod cli_inspect;
mod cli_listen;
mod cli_listen_attacks;
mod cli_load;
mod cli_misc;
mod cli_prompt;
mod cli_replay;
mod cli_schema;
mod cli_schemes;
mod cli_send;
mod cli_sign;
mod cli_verify;
