//! The command line: every flag, its help text and its environment variable, in one place.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::events::Profile;
use crate::scheme::{Encoding, SchemeName};

/// Sign, send, receive and verify webhooks: sample deliveries signed the way real providers
/// sign them, from one binary that also runs as a CI smoke test.
#[derive(Debug, Parser)]
#[command(name = "whk", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print one JSON object per line on stdout, nothing decorative
    #[arg(long, global = true)]
    pub json: bool,
    /// When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Show more: request and response headers
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a sample delivery for EVENT (or send --data), sign it and POST it
    Send(SendArgs),
    /// Print the signature headers for a body, or a ready curl command
    Sign(SignArgs),
    /// List event types, or print one sample payload
    Events(EventsArgs),
    /// Print a fresh random secret in the form the scheme expects
    Secret(SecretArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

/// How deliveries are signed: shared by send and sign.
#[derive(Debug, Args)]
pub struct SigningArgs {
    /// Shared secret to sign with
    #[arg(
        long,
        env = "WHK_SECRET",
        hide_env_values = true,
        conflicts_with = "secret_file"
    )]
    pub secret: Option<String>,
    /// Read the secret from a file (keeps it out of `ps` and shell history)
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// Signature scheme [default: georedir, or custom when --signature-header is given]
    #[arg(long, env = "WHK_SCHEME", value_enum)]
    pub scheme: Option<SchemeName>,
    /// Header that carries the signature (custom scheme), e.g. X-Signature
    #[arg(long, value_name = "NAME")]
    pub signature_header: Option<String>,
    /// Text before the signature value (custom scheme), e.g. sha256=
    #[arg(long, value_name = "P", default_value = "")]
    pub signature_prefix: String,
    /// Encoding of the signature value (custom scheme)
    #[arg(long, value_enum, default_value_t = Encoding::Hex)]
    pub encoding: Encoding,
    /// Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME")]
    pub timestamp: Option<String>,
    /// Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]
    #[arg(long)]
    pub id: Option<String>,
}

/// Which sample payload to build: shared by send and events.
#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// Payload profile [default: relurl with --scheme relurl or a relurl-only event, else georedir]
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// Seed for the sample data, so the same command builds the same payload
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Override one field: --set data.country=DE (the value is parsed as JSON when it parses)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Event type to send (see `whk events`); asked for on a terminal when missing
    pub event: Option<String>,
    /// Endpoint to POST to
    #[arg(long, env = "WHK_URL")]
    pub url: Option<String>,
    /// Send this body byte for byte instead of a sample: a file, - for stdin, or inline JSON
    #[arg(long, value_name = "FILE|-|JSON", conflicts_with_all = ["event", "sets", "seed", "profile"])]
    pub data: Option<String>,
    /// Allow a --data body that is not JSON (sent as is)
    #[arg(long, requires = "data")]
    pub raw: bool,
    /// Extra request header, repeatable: --header 'X-Env: staging'
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Time allowed for each attempt
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s", value_name = "DUR")]
    pub timeout: Duration,
    /// Retries after a failed attempt (non-2xx, timeout, refused)
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Wait before the first retry, doubling for each next one
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1s", value_name = "DUR")]
    pub backoff: Duration,
    /// Retry on a provider's documented schedule instead of --backoff
    #[arg(long, value_enum, value_name = "NAME")]
    pub retry_schedule: Option<Profile>,
    /// Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub time_scale: f64,
    /// Succeed only on this status: a code (401), a class (4xx) or a range (400-499)
    #[arg(long, value_name = "CODE|RANGE")]
    pub expect_status: Option<String>,
    /// Print the request that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub payload: PayloadArgs,
    #[command(flatten)]
    pub signing: SigningArgs,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Body to sign: a file, or - for stdin [default: stdin]
    #[arg(value_name = "FILE|-")]
    pub file: Option<String>,
    /// Print a complete curl command that sends the body with the signature headers
    #[arg(long, requires = "url")]
    pub curl: bool,
    /// Endpoint for --curl
    #[arg(long, env = "WHK_URL")]
    pub url: Option<String>,
    #[command(flatten)]
    pub signing: SigningArgs,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Print a sample payload for this event instead of the list
    pub event: Option<String>,
    #[command(flatten)]
    pub payload: PayloadArgs,
    /// Timestamp in the payload: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME")]
    pub timestamp: Option<String>,
    /// Event id for relurl events [default: random]
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct SecretArgs {
    /// Scheme the secret is for (standard gets whsec_ + base64; the others hex)
    #[arg(long, env = "WHK_SCHEME", value_enum, default_value_t = SchemeName::Georedir)]
    pub scheme: SchemeName,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
