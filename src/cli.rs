//! The command line: every flag, its help text and its environment variable, in one place.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{Args, Parser, Subcommand, ValueEnum};

use clap::builder::PossibleValue;

use crate::audit::ScenarioId;
use crate::choice::Choice;
use crate::client::StatusExpectation;
use crate::events::Profile;
use crate::output::ColorChoice;
use crate::scheme::{Encoding, Header, SchemeName};

mod layers;
pub use layers::{Resolved, resolved};

/// The domain's named choices as clap value enums: the one adapter between them.
macro_rules! clap_choices {
    ($($choice:ty),*) => {$(
        impl ValueEnum for $choice {
            fn value_variants<'a>() -> &'a [Self] {
                <$choice as Choice>::ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                let value = PossibleValue::new(Choice::name(*self));
                Some(match Choice::help(*self) {
                    Some(help) => value.help(help),
                    None => value,
                })
            }
        }
    )*};
}

clap_choices!(SchemeName, Encoding, Profile, ScenarioId, ColorChoice);

/// Sign, send, receive and verify webhooks: sample deliveries signed the way real providers
/// sign them, from one binary that also runs as a CI smoke test.
#[derive(Debug, Parser)]
#[command(name = "whk", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
    /// The whk.toml whose values are under the flags, when there is one.
    #[arg(skip)]
    pub project: Option<std::sync::Arc<crate::config::Project>>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print one JSON object per line on stdout, nothing decorative
    #[arg(help_heading = "Global", long, global = true)]
    pub json: bool,
    /// When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)
    #[arg(help_heading = "Global", long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only results and errors
    #[arg(help_heading = "Global", short, long, global = true)]
    pub quiet: bool,
    /// Show more: request and response headers
    #[arg(help_heading = "Global", short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Project file to use [default: the first whk.toml in this directory or above]
    #[arg(
        help_heading = "Global",
        long,
        global = true,
        env = "WHK_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
}

const SEND_EXAMPLES: &str = "\
Examples:
  whk send click --url http://127.0.0.1:3001/webhooks --secret s3cret
  whk send link.clicked --scheme relurl --secret s3cret --url http://127.0.0.1:3001/relurl
  whk send --data payload.json --url URL --secret s3cret       # your own body, byte for byte
  whk send click --url URL --secret wrong --expect-status 401  # CI: the receiver must refuse
  whk send click --url URL --retry-schedule georedir --time-scale 0.001
  whk send click --url https://localhost:3001/ --cacert cert.pem --secret s3cret
  whk send click --url URL --secret s3cret --count 10000 --concurrency 64   # load test";

const LISTEN_EXAMPLES: &str = "\
Examples:
  whk listen --secret s3cret                        # verify every delivery, any path
  whk listen --secret s3cret --reject-invalid       # answer like a correct receiver (401/400)
  whk listen --save deliveries.jsonl --json         # keep every delivery, JSON Lines on stdout
  whk listen --status 500,500,200                   # make the sender retry twice
  whk listen --forward-to http://127.0.0.1:8080     # pass deliveries on to your app
  whk listen --tls --tls-cert-out cert.pem          # HTTPS; trust it with --cacert cert.pem
  whk listen --port 0 --count 6 --timeout 30s --secret s3cret --require-valid   # CI
  whk listen --ui --secret s3cret --open            # and watch them in the browser (127.0.0.1:4040)";

const INSPECT_EXAMPLES: &str = "\
Examples:
  whk inspect deliveries.jsonl --open               # browse saved deliveries on 127.0.0.1:4040
  whk inspect captures/ --secret s3cret             # with verdicts, diagnoses and re-signed replay
  whk inspect ci-artefact.har --forward-to http://127.0.0.1:8080 --ui-port 4041";

const VERIFY_EXAMPLES: &str = "\
Examples:
  whk verify deliveries.jsonl --secret s3cret       # every capture, with a reason for each failure
  whk verify captures/ --secret whsec_… --scheme standard --now received
  whk verify request.http --secret s3cret           # a raw HTTP dump (nc -l, a proxy)
  whk verify --body body.json -H 'X-GeoRedir-Signature: 3f…' --secret s3cret --show-expected";

const REPLAY_EXAMPLES: &str = "\
Examples:
  whk replay deliveries.jsonl --url http://127.0.0.1:8080/webhooks          # as captured
  whk replay captures/ --url http://127.0.0.1:8080/webhooks --resign --secret s3cret";

const CHECK_EXAMPLES: &str = "\
Examples:
  whk check http://127.0.0.1:8080/webhooks --secret s3cret
  whk check https://staging.example.test/hooks --secret s3cret --scheme stripe --json
  whk check http://127.0.0.1:8080/webhooks --secret s3cret --only tampered,stale";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a sample delivery for EVENT (or send --data), sign it and POST it
    #[command(
        after_long_help = SEND_EXAMPLES,
        mut_arg("scheme", |a| a.help("Signature scheme [default: the event's profile: relurl for RELURL events, else georedir; custom when --signature-header is given]"))
    )]
    Send(SendArgs),
    /// Print the signature headers for a body, or a ready curl command
    Sign(SignArgs),
    /// Verify signatures on captured requests, and explain every failure
    #[command(after_long_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Receive deliveries: verify, pretty-print, save, answer as told, forward
    #[command(
        after_long_help = LISTEN_EXAMPLES,
        mut_arg("scheme", |a| a.help("Signature scheme to verify with [default: detected from each delivery's headers; custom when --signature-header is given]"))
    )]
    Listen(ListenArgs),
    /// Resend captured deliveries, as they were or signed afresh
    #[command(after_long_help = REPLAY_EXAMPLES)]
    Replay(ReplayArgs),
    /// Browse saved deliveries in a local web page: verdicts, diffs, replay
    #[command(
        after_long_help = INSPECT_EXAMPLES,
        mut_arg("scheme", |a| a.help("Signature scheme to verify and re-sign with [default: detected from each delivery's headers; custom when --signature-header is given]"))
    )]
    Inspect(InspectArgs),
    /// A listener and a sender in one process: every event, signed, sent, received, verified
    Demo(DemoArgs),
    /// Audit a receiver: does it accept valid deliveries and reject forged ones?
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// List event types, or print one sample payload
    #[command(mut_arg("profile", |a| a.help("Payload profile [default: the event's own; link.* events in both profiles default to georedir]")))]
    Events(EventsArgs),
    /// Print a fresh random secret in the form the scheme expects
    Secret(GenerateSecretArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Write a commented starter whk.toml (never over an existing one)
    Init(InitArgs),
    /// Show the settings a command would use and where each came from (flag, env, whk.toml, default)
    #[command(after_long_help = CONFIG_EXAMPLES)]
    Config(ConfigArgs),
    /// Write the man pages (whk.1, whk-COMMAND.1) into a directory
    #[command(hide = true)]
    Man(ManArgs),
}

const CONFIG_EXAMPLES: &str = "\
Examples:
  whk config                          # send's and listen's settings, and the routes
  whk config listen --port 9000       # what `whk listen --port 9000` would use
  whk --config ci/whk.toml config send";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it
    #[arg(value_name = "FILE", default_value = "whk.toml")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// A command and its flags, as you would run them [default: send, then listen]
    #[arg(
        value_name = "COMMAND [FLAGS]",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

/// Where the shared secret comes from: shared by every command that signs or verifies.
#[derive(Debug, Args)]
pub struct SecretArgs {
    /// Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it
    /// during a key rotation: any one matching is valid
    #[arg(
        long,
        env = "WHK_SECRET",
        hide_env_values = true,
        conflicts_with = "secret_file",
        action = clap::ArgAction::Append
    )]
    pub secret: Vec<String>,
    /// Read the secret from a file (keeps it out of `ps` and shell history)
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

/// Which signature scheme: shared by every command that signs or verifies.
#[derive(Debug, Args)]
pub struct SchemeArgs {
    /// Signature scheme [default: georedir for signing, detected from the headers for verifying;
    /// custom when --signature-header is given]
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
}

/// Which HTTPS servers to trust: shared by every command that sends.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub cacert: Option<PathBuf>,
    /// Accept any certificate, even self-signed or expired (testing only)
    #[arg(long, short = 'k')]
    pub insecure: bool,
}

/// How deliveries are signed: shared by send and sign.
#[derive(Debug, Args)]
pub struct SigningArgs {
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub scheme: SchemeArgs,
    /// Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub timestamp: Option<SystemTime>,
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

/// How a delivery goes out: shared by send and replay.
#[derive(Debug, Args)]
pub struct DeliveryArgs {
    /// Time allowed for each attempt
    #[arg(long, value_parser = parse_positive_duration, default_value = "30s", value_name = "DUR")]
    pub timeout: Duration,
    /// Retries after a failed attempt (non-2xx, timeout, refused), at most 100
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub retries: Option<u32>,
    /// Wait before the first retry, doubling for each next one
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1s", value_name = "DUR")]
    pub backoff: Duration,
    /// Retry on a provider's documented schedule instead of --backoff
    #[arg(long, value_enum, value_name = "NAME")]
    pub retry_schedule: Option<Profile>,
    /// Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR", value_parser = parse_time_scale)]
    pub time_scale: f64,
    /// Succeed only on this status: a code (401), a class (4xx) or a range (400-499)
    #[arg(long, value_name = "CODE|RANGE", value_parser = parse_expect_status)]
    pub expect_status: Option<StatusExpectation>,
    #[command(flatten, next_help_heading = "TLS")]
    pub trust: TrustArgs,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Event type to send (see `whk events`); asked for on a terminal when missing
    #[arg(value_parser = EventName, hide_possible_values = true)]
    pub event: Option<String>,
    /// Endpoint to POST to
    #[arg(help_heading = "Target", long, env = "WHK_URL", value_parser = parse_url)]
    pub url: Option<String>,
    /// A named endpoint of whk.toml ([endpoints.NAME]): its url, scheme and secret
    #[arg(help_heading = "Target", long, value_name = "NAME")]
    pub to: Option<String>,
    /// Send this body byte for byte instead of a sample: a file, @FILE, - for stdin, or inline JSON (any text with --raw)
    #[arg(help_heading = "Body", long, value_name = "FILE|-|JSON", conflicts_with_all = ["event", "sets", "seed", "profile"])]
    pub data: Option<String>,
    /// Allow a --data body that is not JSON (sent as is)
    #[arg(help_heading = "Body", long, requires = "data")]
    pub raw: bool,
    /// Extra request header, repeatable: --header 'X-Env: staging'
    #[arg(
        help_heading = "Target",
        short = 'H',
        long = "header",
        value_parser = parse_request_header,
        value_name = "NAME: VALUE"
    )]
    pub headers: Vec<Header>,
    #[command(flatten, next_help_heading = "Delivery")]
    pub delivery: DeliveryArgs,
    /// Print the request that would be sent, and send nothing
    #[arg(help_heading = "Target", long, conflicts_with_all = ["count", "duration"])]
    pub dry_run: bool,
    /// Load mode: send N deliveries, each with fresh sample data and signature
    #[arg(help_heading = "Load", long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    pub count: Option<u64>,
    /// Load mode: keep sending for this long
    #[arg(help_heading = "Load", long, value_parser = parse_positive_duration, value_name = "DUR")]
    pub duration: Option<Duration>,
    /// Load mode: connections, each with one delivery in flight [default: 10]
    #[arg(help_heading = "Load", long, value_name = "C", value_parser = parse_concurrency, allow_negative_numbers = true)]
    pub concurrency: Option<u16>,
    /// Load mode: at most this many deliveries per second (500, 500/s, 3000/m)
    #[arg(help_heading = "Load", long, value_parser = parse_rate, value_name = "R/s")]
    pub rate: Option<f64>,
    /// Load mode: re-send this share of deliveries byte for byte (same id, same signature), e.g. 0.05
    #[arg(help_heading = "Load", long, value_parser = parse_share, value_name = "P")]
    pub duplicates: Option<f64>,
    /// Load mode: one delivery in 10 is a related pair sent the wrong way round (a
    /// conversion before its click, link.updated before link.created)
    #[arg(help_heading = "Load", long)]
    pub out_of_order: bool,
    #[command(flatten, next_help_heading = "Body")]
    pub payload: PayloadArgs,
    #[command(flatten, next_help_heading = "Signing")]
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
    #[arg(long, env = "WHK_URL", value_parser = parse_url)]
    pub url: Option<String>,
    #[command(flatten)]
    pub signing: SigningArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Captured requests: whk captures (a file, a directory, .jsonl), raw HTTP dumps or HAR
    /// files; - for stdin [default: stdin]
    #[arg(value_name = "CAPTURE")]
    pub inputs: Vec<String>,
    /// Check this body instead, with its headers given by --header
    #[arg(
        help_heading = "Input",
        long,
        value_name = "FILE",
        conflicts_with = "inputs"
    )]
    pub body: Option<String>,
    /// A header of the --body request, repeatable: --header 'X-GeoRedir-Signature: 3f…'
    #[arg(
        help_heading = "Input",
        short = 'H',
        long = "header",
        value_parser = parse_header,
        value_name = "NAME: VALUE",
        requires = "body"
    )]
    pub headers: Vec<Header>,
    #[command(flatten, next_help_heading = "Verifying")]
    pub secret: SecretArgs,
    #[command(flatten, next_help_heading = "Verifying")]
    pub scheme: SchemeArgs,
    /// How far a signed timestamp may be from now, each way ("0" skips the check)
    #[arg(help_heading = "Verifying", long, value_parser = parse_tolerance, default_value = "5m", value_name = "DUR")]
    pub tolerance: Duration,
    /// Check timestamps as of this time (unix seconds or RFC 3339), or "received" for the time
    /// each capture was received
    #[arg(help_heading = "Verifying", long, value_name = "TIME|received")]
    pub now: Option<String>,
    /// Also print the expected signature and the exact string that was signed
    #[arg(help_heading = "Output", long)]
    pub show_expected: bool,
    #[command(flatten, next_help_heading = "Verifying")]
    pub validate: ValidateArgs,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Captured requests to resend (same formats as `whk verify`); - for stdin
    #[arg(value_name = "CAPTURE", required = true)]
    pub inputs: Vec<String>,
    /// Endpoint to send them to
    #[arg(help_heading = "Target", long, env = "WHK_URL", value_parser = parse_url)]
    pub url: Option<String>,
    /// A named endpoint of whk.toml ([endpoints.NAME]): its url, scheme and secret
    #[arg(help_heading = "Target", long, value_name = "NAME")]
    pub to: Option<String>,
    /// Sign each delivery afresh (a new timestamp for timestamped schemes) instead of sending
    /// the captured signature
    #[arg(help_heading = "Signing", long)]
    pub resign: bool,
    #[command(flatten, next_help_heading = "Signing")]
    pub secret: SecretArgs,
    #[command(flatten, next_help_heading = "Signing")]
    pub scheme: SchemeArgs,
    /// Extra request header, repeatable: --header 'X-Replay: 1'
    #[arg(
        help_heading = "Target",
        short = 'H',
        long = "header",
        value_parser = parse_request_header,
        value_name = "NAME: VALUE"
    )]
    pub headers: Vec<Header>,
    /// Deliveries in flight at once
    #[arg(help_heading = "Target", long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    #[command(flatten, next_help_heading = "Delivery")]
    pub delivery: DeliveryArgs,
    /// Check each payload against its event's schema first, and exit 1 if any does not fit
    /// (the deliveries are sent either way)
    #[command(flatten, next_help_heading = "Body")]
    pub validate: ValidateArgs,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(
        help_heading = "Address",
        short,
        long,
        env = "WHK_PORT",
        default_value_t = 3001
    )]
    pub port: u16,
    /// Address to bind; 0.0.0.0 opens the listener to your network
    #[arg(help_heading = "Address", long, default_value = "127.0.0.1")]
    pub host: String,
    #[command(flatten, next_help_heading = "Verifying")]
    pub secret: SecretArgs,
    #[command(flatten, next_help_heading = "Verifying")]
    pub scheme: SchemeArgs,
    /// How far a signed timestamp may be from now, each way ("0" skips the check)
    #[arg(help_heading = "Verifying", long, value_parser = parse_tolerance, default_value = "5m", value_name = "DUR")]
    pub tolerance: Duration,
    /// Show each delivery's headers
    #[arg(help_heading = "Output", long)]
    pub headers: bool,
    /// Status to answer; a list such as 500,500,200 is played in order, the last repeating
    #[arg(
        help_heading = "Answer",
        long,
        value_delimiter = ',',
        default_value = "200",
        value_name = "CODE[,CODE…]",
        value_parser = parse_final_status
    )]
    pub status: Vec<u16>,
    /// Response body: text, or @FILE
    #[arg(help_heading = "Answer", long, value_name = "TEXT|@FILE")]
    pub response_body: Option<String>,
    /// Wait this long before answering
    #[arg(help_heading = "Answer", long, value_parser = humantime::parse_duration, value_name = "DUR")]
    pub delay: Option<Duration>,
    /// Answer the first N deliveries with 500, so a sender's retries can be tested
    #[arg(help_heading = "Answer", long, value_name = "N", default_value_t = 0)]
    pub fail_first: u64,
    /// Answer this share of deliveries (0.0–1.0) with 500, at random
    #[arg(help_heading = "Answer", long, value_name = "P", value_parser = parse_share)]
    pub fail_rate: Option<f64>,
    /// Seed for --fail-rate, so the same deliveries fail on every run
    #[arg(help_heading = "Answer", long, value_name = "N")]
    pub seed: Option<u64>,
    /// Show and save only these event types (others are still answered)
    #[arg(
        help_heading = "Output",
        long,
        value_delimiter = ',',
        value_name = "EVENT[,EVENT…]"
    )]
    pub events: Vec<String>,
    /// Save captures: a directory (one JSON file each) or FILE.jsonl (one line each)
    #[arg(help_heading = "Output", long, value_name = "DIR|FILE.jsonl")]
    pub save: Option<PathBuf>,
    /// Pass each delivery on to your app and answer with the app's response
    #[arg(help_heading = "Forwarding", long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Time allowed for the app to answer a forwarded delivery
    #[arg(help_heading = "Forwarding", long, value_parser = humantime::parse_duration, default_value = "30s", value_name = "DUR")]
    pub forward_timeout: Duration,
    #[command(flatten, next_help_heading = "Forwarding")]
    pub trust: TrustArgs,
    /// Exit after N deliveries
    #[arg(help_heading = "Stopping", long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this long; with --count, exit 1 when fewer arrived
    #[arg(help_heading = "Stopping", long, value_parser = humantime::parse_duration, value_name = "DUR")]
    pub timeout: Option<Duration>,
    /// Exit 1 if any delivery had a missing or bad signature (needs --secret)
    #[arg(help_heading = "Verifying", long)]
    pub require_valid: bool,
    /// Largest body accepted; larger ones get 413 (e.g. 512KiB, 10MiB)
    #[arg(help_heading = "Limits", long, value_parser = parse_size, default_value = "10MiB", value_name = "SIZE")]
    pub max_body: usize,
    /// Answer 401 (400 when the timestamp is stale) to a missing or bad signature, and do
    /// nothing else with it, as a correct receiver does (needs --secret)
    #[arg(help_heading = "Verifying", long)]
    pub reject_invalid: bool,
    #[command(flatten, next_help_heading = "Limits")]
    pub limits: ListenLimitArgs,
    #[command(flatten, next_help_heading = "TLS")]
    pub tls: ListenTlsArgs,
    #[command(flatten, next_help_heading = "Exec")]
    pub exec: ExecArgs,
    #[command(flatten, next_help_heading = "Verifying")]
    pub validate: ValidateArgs,
    /// Serve the web inspector: deliveries appear in the browser as they arrive
    #[arg(help_heading = "Inspector", long)]
    pub ui: bool,
    #[command(flatten, next_help_heading = "Inspector")]
    pub inspector: InspectorArgs,
}

/// `whk listen --exec`: a command per delivery.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Run this shell command for each delivery: the raw body on stdin; WHK_EVENT, WHK_ID,
    /// WHK_VERDICT (valid|invalid|unchecked), WHK_PATH, WHK_DUPLICATE and, with --save,
    /// WHK_CAPTURE (a directory's file is there already; a .jsonl gets its line afterwards)
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Commands running at once; further deliveries wait for one to end
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub exec_concurrency: u32,
    /// Kill a command that runs longer than this (its exit status is recorded as none)
    #[arg(long, value_parser = parse_positive_duration, default_value = "30s", value_name = "DUR")]
    pub exec_timeout: Duration,
    /// Answer as the command ended: exit 0 → 200, anything else → 500 (script a retry test)
    #[arg(long)]
    pub exec_answers: bool,
}

/// Checking payloads against the events' JSON Schemas: shared by listen, verify and replay.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Check each payload against its event's JSON Schema (see `whk events EVENT --schema`)
    /// and show the fields that are missing, extra or of the wrong type
    #[arg(long)]
    pub validate: bool,
    /// Your own schemas, one EVENT.json per event, used before whk's (implies --validate)
    #[arg(long, value_name = "DIR")]
    pub schema_dir: Option<PathBuf>,
}

/// Where the web inspector is served: shared by `listen --ui` and `inspect`.
#[derive(Debug, Args)]
pub struct InspectorArgs {
    /// Port for the inspector page, on 127.0.0.1 only (0 picks a free one; for listen, implies
    /// --ui) [default: 4040]
    #[arg(long, value_name = "PORT")]
    pub ui_port: Option<u16>,
    /// Open the inspector in the default browser (for listen, implies --ui)
    #[arg(long)]
    pub open: bool,
}

/// `whk inspect`: saved deliveries in the web inspector.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Captured requests to show (same formats as `whk verify`: a directory, JSON Lines, HAR,
    /// raw HTTP); - for stdin
    #[arg(value_name = "CAPTURE", required = true)]
    pub inputs: Vec<String>,
    #[command(flatten, next_help_heading = "Inspector")]
    pub inspector: InspectorArgs,
    #[command(flatten, next_help_heading = "Verifying")]
    pub secret: SecretArgs,
    #[command(flatten, next_help_heading = "Verifying")]
    pub scheme: SchemeArgs,
    /// Where replays go unless you type a URL on the page (the delivery's path is added)
    #[arg(help_heading = "Replay", long, value_name = "URL")]
    pub forward_to: Option<String>,
    #[command(flatten, next_help_heading = "Replay")]
    pub trust: TrustArgs,
}

/// What `whk listen` accepts from one client.
#[derive(Debug, Args)]
pub struct ListenLimitArgs {
    /// Time a client has to send a request's headers, and then its body; late ones get 408
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s", value_name = "DUR")]
    pub read_timeout: Duration,
    /// Largest request head (request line and headers); larger ones get 431
    #[arg(long, value_parser = parse_size, default_value = "64KiB", value_name = "SIZE")]
    pub max_header_bytes: usize,
    /// Most headers in one request; more get 431
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_headers: usize,
    /// Most connections open at once; more wait until one closes
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
}

/// HTTPS for `whk listen`.
#[derive(Debug, Args)]
pub struct ListenTlsArgs {
    /// Serve HTTPS with a certificate generated now for localhost, 127.0.0.1 and ::1
    #[arg(long)]
    pub tls: bool,
    /// Serve HTTPS with this certificate chain (PEM) instead of a generated one
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) for --cert
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Where to write the generated certificate (PEM) for clients' --cacert [default: a file in the temp directory]
    #[arg(long, value_name = "FILE", conflicts_with = "cert")]
    pub tls_cert_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Signature scheme to demonstrate
    #[arg(long, value_enum, default_value_t = SchemeName::Georedir)]
    pub scheme: SchemeName,
    /// Payload profile [default: relurl with --scheme relurl, else georedir]
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// Seed for the sample data
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Parses the command line. Help and version go to stdout as clap writes them; every
/// mistake becomes one line on stderr in whk's style, and exit code 2.
pub fn parse() -> Cli {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(err) => match err.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
            _ => usage_exit(&one_line(&err)),
        },
    };
    with_project(cli, &argv).unwrap_or_else(|err| usage_exit(&err.to_string()))
}

fn usage_exit(message: &str) -> ! {
    crate::output::to_stderr(&format!("error: {}", crate::output::escape_line(message)));
    std::process::exit(2);
}

/// The command line with the project file's values under it (none for `whk init`).
fn with_project(cli: Cli, argv: &[std::ffi::OsString]) -> crate::error::Result<Cli> {
    if matches!(cli.command, Command::Init(_)) {
        return Ok(cli);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let Some(path) = crate::config::locate(cli.global.config.as_deref(), &cwd) else {
        return Ok(cli);
    };
    let project = crate::config::Project::load(&path)?;
    let mut cli = match cli.command {
        Command::Config(_) => cli,
        _ => layers::parse_layered(argv, &project)?,
    };
    cli.project = Some(std::sync::Arc::new(project));
    Ok(cli)
}

/// A clap error as one line: its message without clap's tips and usage (which can mislead:
/// "use '-- --status'", or a usage line that marks a conflicting flag as required), and a
/// pointer to the help of the command it is about.
fn one_line(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let words: Vec<String> = std::env::args().skip(1).collect();
    let command = subcommand_in(&words);
    if err.kind() == ErrorKind::UnknownArgument
        && let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg)
        && let Some(owner) = owner_of_flag(arg, command.as_deref())
    {
        let here = command.map(|c| format!(" `whk {c}`")).unwrap_or_default();
        return format!("{arg} is a flag of `whk {owner}`, not of{here}; see `whk {owner} --help`");
    }
    let text = err.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        // clap's "to pass '-5' as a value, use '-- -5'" is never what a whk user means;
        // its similar-name suggestions are kept.
        .filter(|line| !line.is_empty() && !line.contains("as a value, use"))
        .collect();
    let message = message.join("; ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let help = match command {
        Some(c) => format!("whk {c} --help"),
        None => "whk --help".to_string(),
    };
    format!("{message} (see `{help}`)")
}

/// The subcommand named on the command line, if any.
fn subcommand_in(words: &[String]) -> Option<String> {
    let cli = <Cli as clap::CommandFactory>::command();
    words
        .iter()
        .find(|w| cli.find_subcommand(w.as_str()).is_some())
        .cloned()
}

/// The other subcommand that has this long flag, when the one used does not.
fn owner_of_flag(arg: &str, used: Option<&str>) -> Option<String> {
    let name = arg.strip_prefix("--")?.split('=').next()?;
    let cli = <Cli as clap::CommandFactory>::command();
    cli.get_subcommands()
        .filter(|sub| Some(sub.get_name()) != used)
        .find(|sub| sub.get_arguments().any(|a| a.get_long() == Some(name)))
        .map(|sub| sub.get_name().to_string())
}

/// `--header 'Name: value'`: a header name as HTTP allows it, and its value, trimmed.
fn parse_header(text: &str) -> Result<Header, String> {
    let bad = || "needs the form 'Name: value', e.g. 'X-Env: staging'".to_string();
    let (name, value) = text.split_once(':').ok_or_else(bad)?;
    let name = name.trim();
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(bad());
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// `--header` of a request whk sends: as [`parse_header`], with a value HTTP can carry, and
/// not one of the headers that frame the body, which whk sets itself.
fn parse_request_header(text: &str) -> Result<Header, String> {
    let (name, value) = parse_header(text)?;
    if ["content-length", "transfer-encoding"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
    {
        return Err(format!("{name} cannot be set: whk frames each body itself"));
    }
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err("the value holds a control character, which HTTP cannot carry".into());
    }
    Ok((name, value))
}

/// `--status`: a final HTTP status, 200 to 599 (a 1xx cannot end an exchange).
fn parse_final_status(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(code) if (200..=599).contains(&code) => Ok(code),
        _ => Err("takes final HTTP codes from 200 to 599, e.g. --status 500,500,200".to_string()),
    }
}

/// `--url`: checked here, so a bad value from the environment or whk.toml is named with
/// where it came from; commands parse it again into a `Url`.
fn parse_url(text: &str) -> Result<String, String> {
    crate::client::parse_url(text)
        .map(|_| text.to_string())
        .map_err(|err| err.to_string())
}

/// `--expect-status`: `401`, `4xx` or `400-499`.
fn parse_expect_status(text: &str) -> Result<StatusExpectation, String> {
    StatusExpectation::parse(text).map_err(str::to_string)
}

/// `--timestamp`: unix seconds or RFC 3339.
fn parse_time(text: &str) -> Result<SystemTime, String> {
    crate::events::parse_timestamp(text).map_err(str::to_string)
}

/// `--count`: a whole number of 1 or more.
fn parse_count(text: &str) -> Result<u64, String> {
    match text.trim().parse::<i128>() {
        Ok(n) if n >= 1 && n <= i128::from(u64::MAX) => Ok(n as u64),
        Ok(n) if n >= 1 => Err(format!(
            "the count must be at most {}; for a run without a count use --duration",
            u64::MAX
        )),
        Ok(_) => Err("the count must be 1 or more, e.g. --count 1000".to_string()),
        Err(_) => Err("expected a whole number, e.g. --count 1000".to_string()),
    }
}

/// `--timeout`, `--duration`: a duration longer than zero.
fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(duration) if duration.is_zero() => {
            Err("must be longer than 0, e.g. 500ms, 10s or 2m".to_string())
        }
        Ok(duration) => Ok(duration),
        Err(err) => Err(format!("{err} (e.g. 500ms, 10s or 2m)")),
    }
}

/// `--concurrency`: 1 to 4096 connections.
fn parse_concurrency(text: &str) -> Result<u16, String> {
    match text.trim().parse::<i64>() {
        Ok(n @ 1..=4096) => Ok(n as u16),
        Ok(_) => Err(
            "the concurrency must be from 1 to 4096 connections, e.g. --concurrency 64".to_string(),
        ),
        Err(_) => Err("expected a whole number of connections, e.g. --concurrency 64".to_string()),
    }
}

/// The smallest and largest `--time-scale` factors other than 0: beyond them a retry wait
/// is either lost in timer resolution or longer than anything could wait for.
const TIME_SCALE_RANGE: std::ops::RangeInclusive<f64> = 1e-6..=1e6;

/// `--time-scale`: 0, or a factor from 0.000001 to 1000000.
fn parse_time_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(scale) if scale == 0.0 || TIME_SCALE_RANGE.contains(&scale) => Ok(scale),
        _ => Err("expected 0 or a factor from 0.000001 to 1000000, e.g. 0.001".to_string()),
    }
}

/// `--tolerance`: a duration, or `0` to skip the timestamp check.
fn parse_tolerance(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text).map_err(|err| format!("{err} (e.g. 5m, 300s, or 0 to skip)"))
}

/// A share between 0 and 1.
fn parse_share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a number from 0.0 to 1.0, e.g. 0.25".to_string()),
    }
}

/// A byte size: 1048576, 512k, 512KiB, 10MB, 10MiB (k/m/g without "B" are binary).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: usize = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size, e.g. 10MiB"))?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "kb" => 1000,
        "m" | "mib" => 1 << 20,
        "mb" => 1_000_000,
        "g" | "gib" => 1 << 30,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown size unit {other:?}; use B, KiB, MiB or GiB"
            ));
        }
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The receiver to audit
    #[arg(env = "WHK_URL", value_parser = parse_url)]
    pub url: String,
    #[command(flatten, next_help_heading = "Signing")]
    pub secret: SecretArgs,
    #[command(flatten, next_help_heading = "Signing")]
    pub scheme: SchemeArgs,
    /// Payload profile [default: relurl with --scheme relurl, else georedir]
    #[arg(help_heading = "Signing", long, value_enum)]
    pub profile: Option<Profile>,
    /// The provider's timeout: answers slower than half of it warn, slower than it fail
    #[arg(help_heading = "Scenarios", long, value_parser = humantime::parse_duration, default_value = "5s", value_name = "DUR")]
    pub timeout: Duration,
    /// Run only these scenarios (see the list in `whk check --help`)
    #[arg(
        help_heading = "Scenarios",
        long,
        value_delimiter = ',',
        value_enum,
        value_name = "SCENARIO[,…]",
        conflicts_with = "skip"
    )]
    pub only: Vec<ScenarioId>,
    /// Skip these scenarios
    #[arg(
        help_heading = "Scenarios",
        long,
        value_delimiter = ',',
        value_enum,
        value_name = "SCENARIO[,…]"
    )]
    pub skip: Vec<ScenarioId>,
    /// Seed for the sample data
    #[arg(help_heading = "Signing", long, value_name = "N")]
    pub seed: Option<u64>,
    #[command(flatten, next_help_heading = "TLS")]
    pub trust: TrustArgs,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Print a sample payload for this event instead of the list
    #[arg(value_parser = EventName, hide_possible_values = true)]
    pub event: Option<String>,
    #[command(flatten)]
    pub payload: PayloadArgs,
    /// Timestamp in the payload: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub timestamp: Option<SystemTime>,
    /// Event id for relurl events [default: random]
    #[arg(long)]
    pub id: Option<String>,
    /// Print the event's JSON Schema (draft 2020-12) instead of a sample
    #[arg(long, requires = "event")]
    pub schema: bool,
    /// Write every event's JSON Schema into DIR (PROFILE.EVENT.schema.json each)
    #[arg(long, value_name = "DIR", conflicts_with = "event")]
    pub schemas: Option<PathBuf>,
}

/// An event name: any text (the command checks it and suggests the nearest), offering the
/// catalogue's names to completions.
#[derive(Clone, Copy, Debug)]
struct EventName;

impl clap::builder::TypedValueParser for EventName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let mut names: Vec<&str> = crate::events::CATALOGUE.iter().map(|e| e.name).collect();
        names.dedup_by(|a, b| a == b);
        names.sort_unstable();
        names.dedup();
        Some(Box::new(names.into_iter().map(PossibleValue::new)))
    }
}

/// `whk man DIR`: the man pages (hidden; scripts/gen-man.sh runs it).
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write whk.1 and whk-COMMAND.1 into
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct GenerateSecretArgs {
    /// Scheme the secret is for (standard gets whsec_ + base64; the others hex)
    #[arg(long, env = "WHK_SCHEME", value_enum, default_value_t = SchemeName::Georedir)]
    pub scheme: SchemeName,
    /// An ed25519 key pair instead (standard only): the whsk_ signing key, then on the next
    /// line the whpk_ public key a receiver verifies with
    #[arg(long)]
    pub asymmetric: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The slowest `--rate`, per second: one a minute.
const MIN_RATE: f64 = 1.0 / 60.0;

/// Parses `--rate`: `500`, `500/s` or `3000/m`.
pub fn parse_rate(text: &str) -> std::result::Result<f64, String> {
    let (number, per) = match text.split_once('/') {
        Some((n, unit)) => (n, unit.trim()),
        None => (text, "s"),
    };
    let seconds = match per {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        _ => {
            return Err(format!(
                "unknown rate unit {per:?}; use e.g. 500/s or 3000/m"
            ));
        }
    };
    match number.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n / seconds >= MIN_RATE => Ok(n / seconds),
        Ok(n) if n.is_finite() && n > 0.0 => Err(format!(
            "{text:?} is too slow a rate; use at least 1/m, e.g. 500/s"
        )),
        _ => Err(format!("{text:?} is not a rate; use e.g. 500/s")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_counts_and_rates_say_what_is_wrong() {
        assert!(
            parse_count("99999999999999999999")
                .unwrap_err()
                .contains("at most")
        );
        assert!(parse_count("0").unwrap_err().contains("1 or more"));
        assert_eq!(parse_count("18446744073709551615"), Ok(u64::MAX));
        for infinite in ["inf", "1e400", "-inf"] {
            let err = parse_rate(infinite).unwrap_err();
            assert!(err.contains("is not a rate"), "{infinite}: {err}");
        }
        assert!(parse_rate("1/m").is_ok());
    }

    #[test]
    fn headers_parse_as_name_and_value() {
        assert_eq!(
            parse_header("X-Env: staging").unwrap(),
            ("X-Env".into(), "staging".into())
        );
        assert_eq!(parse_header("X-Url:http://a:b").unwrap().1, "http://a:b");
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": empty").is_err());
        assert!(parse_header("bad name: x").is_err());
    }

    #[test]
    fn rates_parse_per_second_or_minute() {
        assert_eq!(parse_rate("500"), Ok(500.0));
        assert_eq!(parse_rate("500/s"), Ok(500.0));
        assert_eq!(parse_rate("600/m"), Ok(10.0));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("5/h").is_err());
        assert_eq!(parse_rate("1/m"), Ok(1.0 / 60.0));
        // Once a panic (an interval too long for a Duration).
        assert!(parse_rate("1e-300/s").is_err());
    }

    use clap::CommandFactory;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
