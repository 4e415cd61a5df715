//! The JSON Lines records whk prints with `--json`: one struct per `type`, so each line's
//! shape is declared once and every record of a kind has the same fields. A record is
//! written as `{"type": TYPE, …its fields}`.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use colored::Colorize;
use serde::Serialize;

use crate::audit::Verdict;
use crate::client::{Attempt, Request, StatusExpectation};
use crate::delivery::Outgoing;
use crate::output::{self, Printer};
pub use crate::output::{Record, Render};
use crate::scheme::{Header, SchemeName};

/// Headers as a JSON object, in the order they were sent.
fn headers_object<S: serde::Serializer>(
    headers: &[Header],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(headers.len()))?;
    for (name, value) in headers {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// A latency as milliseconds, rounded to the microsecond.
fn millis<S: serde::Serializer>(
    latency: &Duration,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(output::latency_ms(*latency))
}

fn verdict_label<S: serde::Serializer>(
    verdict: &Verdict,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(verdict.label())
}

/// `whk secret`: a fresh secret.
#[derive(Debug, Serialize)]
pub struct GeneratedSecret {
    pub scheme: SchemeName,
    pub secret: String,
    /// The public key of an asymmetric pair (`--asymmetric`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

impl Record for GeneratedSecret {
    const TYPE: &'static str = "secret";
}

impl Render for GeneratedSecret {
    fn write_human(&self, writer: &mut dyn Write, _: Printer) -> std::io::Result<()> {
        writeln!(writer, "{}", self.secret)?;
        match &self.public_key {
            Some(public_key) => writeln!(writer, "{public_key}"),
            None => Ok(()),
        }
    }
}

/// `whk sign`: the signature headers for a body.
#[derive(Debug, Serialize)]
pub struct Signature {
    pub scheme: SchemeName,
    #[serde(serialize_with = "headers_object")]
    pub headers: Vec<Header>,
}

impl Record for Signature {
    const TYPE: &'static str = "signature";
}

impl Render for Signature {
    fn write_human(&self, writer: &mut dyn Write, _: Printer) -> std::io::Result<()> {
        for (name, value) in &self.headers {
            writeln!(writer, "{name}: {value}")?;
        }
        Ok(())
    }
}

/// `whk sign --curl`: a curl command that sends the signed body.
#[derive(Debug, Serialize)]
pub struct Curl {
    pub command: String,
}

impl Record for Curl {
    const TYPE: &'static str = "curl";
}

impl Render for Curl {
    fn write_human(&self, writer: &mut dyn Write, _: Printer) -> std::io::Result<()> {
        writeln!(writer, "{}", self.command)
    }
}

/// `whk events`: one event of the catalogue.
#[derive(Debug, Serialize)]
pub struct CatalogueEntry {
    pub profile: &'static str,
    pub name: &'static str,
    pub fires: &'static str,
}

impl Record for CatalogueEntry {
    const TYPE: &'static str = "event";
}

impl Render for CatalogueEntry {
    fn write_human(&self, writer: &mut dyn Write, _: Printer) -> std::io::Result<()> {
        writeln!(writer, "  {:<16} {}", self.name.cyan(), self.fires)
    }
}

/// `whk send --dry-run`: the request that would be sent.
#[derive(Debug, Serialize)]
pub struct DryRun {
    pub method: &'static str,
    pub url: String,
    pub event: Option<String>,
    #[serde(serialize_with = "headers_object")]
    pub headers: Vec<Header>,
    pub body: String,
}

impl Record for DryRun {
    const TYPE: &'static str = "request";
}

impl Render for DryRun {
    fn write_human(&self, writer: &mut dyn Write, _: Printer) -> std::io::Result<()> {
        writeln!(writer, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(writer, "{}: {value}", name.bold())?;
        }
        writeln!(writer)?;
        writeln!(writer, "{}", output::escape_controls(&self.body))
    }
}

/// `whk demo`: the answer to one sample it sent.
#[derive(Debug, Serialize)]
pub struct Sent {
    pub event: &'static str,
    pub ok: bool,
    /// `200 OK`, or what went wrong on the network.
    pub result: String,
    #[serde(rename = "latency_ms", serialize_with = "millis")]
    pub latency: Duration,
}

impl Record for Sent {
    const TYPE: &'static str = "sent";
}

impl Render for Sent {
    fn write_human(&self, writer: &mut dyn Write, _: Printer) -> std::io::Result<()> {
        let result = if self.ok {
            self.result.green()
        } else {
            self.result.red()
        };
        let latency = self.latency;
        writeln!(
            writer,
            "{} {result} in {}",
            "→ answer".bold(),
            output::format_latency(latency)
        )
    }
}

/// `whk check`: one scenario's finding.
#[derive(Debug, Serialize)]
pub struct Scenario {
    pub id: &'static str,
    /// `PASS`, `WARN`, `FAIL` or `SKIP`.
    #[serde(serialize_with = "verdict_label")]
    pub status: crate::audit::Verdict,
    pub security: bool,
    pub summary: String,
    pub why: &'static str,
    pub fix: &'static str,
    /// A curl command that sends the request that exposed a failure or warning.
    pub request: Option<String>,
}

impl Record for Scenario {
    const TYPE: &'static str = "scenario";
}

impl Render for Scenario {
    fn write_human(&self, writer: &mut dyn Write, out: Printer) -> std::io::Result<()> {
        let text = self.status.label();
        let label = match self.status {
            Verdict::Pass => text.green().bold(),
            Verdict::Warn => text.yellow().bold(),
            Verdict::Fail => text.red().bold(),
            Verdict::Skip => text.dimmed(),
        };
        let security = if self.security {
            format!(" {}", "[security]".red().bold())
        } else {
            String::new()
        };
        writeln!(
            writer,
            "{label}  {:<14}{security} {}",
            self.id,
            output::escape_controls(&self.summary)
        )?;
        if matches!(self.status, Verdict::Fail | Verdict::Warn) && !out.quiet {
            writeln!(writer, "      why: {}", self.why)?;
            writeln!(writer, "      fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// `whk verify`: an input line that could not be read (people get a warning on stderr).
#[derive(Debug, Serialize)]
pub struct UnreadableLine<'a> {
    pub file: &'a str,
    pub line: u64,
    pub error: &'a str,
}

impl Record for UnreadableLine<'_> {
    const TYPE: &'static str = "unreadable";
}

/// `whk send` and `whk replay`: one delivery, its attempts and how it was answered.
#[derive(Debug, Serialize)]
pub struct Delivery {
    /// Where a replayed delivery was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub event: Option<String>,
    pub url: String,
    pub ok: bool,
    pub expected: String,
    #[serde(rename = "latency_ms", serialize_with = "millis")]
    pub latency: Duration,
    pub attempts: Vec<AttemptRecord>,
    #[serde(serialize_with = "headers_object")]
    pub request_headers: Vec<Header>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The last attempt's answer, or why there was none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    Answered {
        status: u16,
        #[serde(skip)]
        reason: String,
        #[serde(serialize_with = "headers_object")]
        response_headers: Vec<Header>,
        response_body: String,
    },
    Unanswered {
        error: &'static str,
        message: String,
    },
}

#[derive(Debug, Serialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(rename = "latency_ms", serialize_with = "millis")]
    pub latency: Duration,
}

impl Delivery {
    pub fn new(
        outgoing: &Outgoing,
        request: &Request,
        attempts: &[Attempt],
        expectation: StatusExpectation,
    ) -> Self {
        let last = attempts.last().expect("deliver makes at least one attempt");
        let outcome = match &last.outcome {
            Ok(response) => Outcome::Answered {
                status: response.status,
                reason: response.reason.clone(),
                response_headers: response.headers.clone(),
                response_body: String::from_utf8_lossy(&response.body).into_owned(),
            },
            Err(failure) => Outcome::Unanswered {
                error: failure.kind(),
                message: failure.to_string(),
            },
        };
        Delivery {
            source: None,
            event: outgoing.event.clone(),
            url: request.url.to_string(),
            ok: matches!(&last.outcome, Ok(r) if expectation.matches(r.status)),
            expected: expectation.to_string(),
            latency: last.latency,
            attempts: attempts.iter().map(AttemptRecord::from).collect(),
            request_headers: request.headers.clone(),
            outcome,
        }
    }
}

impl From<&Attempt> for AttemptRecord {
    fn from(attempt: &Attempt) -> Self {
        let (status, error, message) = match &attempt.outcome {
            Ok(response) => (Some(response.status), None, None),
            Err(failure) => (None, Some(failure.kind()), Some(failure.to_string())),
        };
        AttemptRecord {
            attempt: attempt.number,
            status,
            error,
            message,
            latency: attempt.latency,
        }
    }
}

impl Record for Delivery {
    const TYPE: &'static str = "delivery";
}

impl Render for Delivery {
    /// One line with the answer (and its body), the exchange's headers with `-v`. A replay
    /// lists every delivery, so an unanswered one gets its line there; a single send's
    /// failure is its error message.
    fn write_human(&self, writer: &mut dyn Write, out: Printer) -> std::io::Result<()> {
        if let Some(source) = &self.source {
            writeln!(writer, "{}", output::escape_line(source).dimmed())?;
        }
        match &self.outcome {
            Outcome::Answered {
                status,
                reason,
                response_headers,
                response_body,
            } => {
                let status = format!("{status} {reason}");
                if out.verbose > 0 {
                    let request_line = format!("POST {}", self.url);
                    write_headers(writer, '>', &request_line, &self.request_headers)?;
                    write_headers(writer, '<', &status, response_headers)?;
                }
                self.write_answer_line(writer, &status)?;
                let text = response_body.trim();
                if !text.is_empty() && !out.quiet {
                    let text = output::escape_controls(&output::shorten(text, 300));
                    writeln!(writer, "  {}", text.dimmed())?;
                }
                Ok(())
            }
            Outcome::Unanswered { message, .. } if self.source.is_some() => writeln!(
                writer,
                "{} {}  → {}",
                "✗".red().bold(),
                message.red(),
                self.url
            ),
            Outcome::Unanswered { .. } => Ok(()),
        }
    }
}

impl Delivery {
    fn write_answer_line(&self, writer: &mut dyn Write, status: &str) -> std::io::Result<()> {
        let (mark, status) = if self.ok {
            ("✓".green().bold(), status.green())
        } else {
            ("✗".red().bold(), status.red())
        };
        // Replayed deliveries carry a captured event name: escaped like any received value.
        let event = output::escape_line(self.event.as_deref().unwrap_or("body"));
        let tries = match self.attempts.len() {
            1 => String::new(),
            n => format!("  ({n} attempts)"),
        };
        let latency = self.latency;
        writeln!(
            writer,
            "{mark} {status}  {}  {event} → {}{tries}",
            output::format_latency(latency),
            self.url
        )
    }
}

fn write_headers(
    writer: &mut dyn Write,
    arrow: char,
    first: &str,
    headers: &[Header],
) -> std::io::Result<()> {
    writeln!(writer, "{arrow} {first}")?;
    for (name, value) in headers {
        writeln!(
            writer,
            "{arrow} {}: {}",
            output::escape_line(name).bold(),
            output::escape_line(value)
        )?;
    }
    Ok(())
}

/// `whk verify`: the verdict on one request.
#[derive(Debug, Serialize)]
pub struct Verification<'a> {
    pub source: &'a str,
    pub scheme: Option<SchemeName>,
    pub valid: bool,
    /// Which of several secrets signed it, by position (1 = the first `--secret`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<usize>,
    /// A valid delivery's signed timestamp (null where its scheme has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What is worth saying about a valid delivery (a future timestamp, a legacy header).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<&'a crate::verify::Diagnosis>,
    /// The capture's body_sha256 does not match its body.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_edited: bool,
    /// With `--validate`: the payload checked against its event's JSON Schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<&'a crate::schema::Validation>,
    /// With `--show-expected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Expected<'a> {
    #[serde(serialize_with = "headers_object")]
    pub headers: &'a [Header],
    pub signed: std::borrow::Cow<'a, str>,
}

impl Record for Verification<'_> {
    const TYPE: &'static str = "verification";
}

/// `whk listen` when it is ready (on stderr, so a script can wait for it).
#[derive(Debug, Serialize)]
pub struct Listening {
    pub url: String,
    pub port: u16,
    pub tls: Option<ListeningTls>,
    /// The inspector's page with `--ui`.
    pub ui_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListeningTls {
    pub fingerprint_sha256: String,
    /// Where the generated certificate was written (none for `--cert`).
    pub cert: Option<std::path::PathBuf>,
}

/// `whk inspect` when its page is served (on stderr).
#[derive(Debug, Serialize)]
pub struct Inspecting {
    pub url: String,
    pub port: u16,
    pub deliveries: usize,
}

impl Record for Inspecting {
    const TYPE: &'static str = "inspecting";
}

impl Record for Listening {
    const TYPE: &'static str = "listening";
}

/// A request the listener refused before reading it.
#[derive(Debug, Serialize)]
pub struct Refusal {
    pub status: u16,
    /// `body_too_large`, `headers_too_large`, `read_timeout`, `malformed`, `plain_http_on_tls`
    pub reason: &'static str,
    pub message: String,
    pub target: Option<String>,
    pub remote_addr: Option<String>,
}

impl Record for Refusal {
    const TYPE: &'static str = "refused";
}

/// `whk listen` (and `whk demo`'s listener) when it stops.
#[derive(Debug, Default, Serialize)]
pub struct ListenSummary {
    pub deliveries: u64,
    pub valid: u64,
    pub invalid: u64,
    pub duplicates: u64,
    /// Requests refused before they were read (limits, malformed, plain HTTP on TLS).
    pub refused: u64,
    /// `refused` by kind: `body_too_large`, `headers_too_large`, `read_timeout`, …
    pub refusals: BTreeMap<&'static str, u64>,
    /// Deliveries answered 401/400 by `--reject-invalid`.
    pub rejected: u64,
    pub by_event: BTreeMap<String, u64>,
}

impl Record for ListenSummary {
    const TYPE: &'static str = "listen_summary";
}

/// `whk verify` at the end.
#[derive(Debug, Serialize)]
pub struct VerifySummary {
    pub total: u64,
    pub valid: u64,
    pub invalid: u64,
    pub unreadable: u64,
}

impl Record for VerifySummary {
    const TYPE: &'static str = "verify_summary";
}

/// `whk check` at the end.
#[derive(Debug, Serialize)]
pub struct CheckSummary {
    pub passed: usize,
    pub warnings: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Record for CheckSummary {
    const TYPE: &'static str = "check_summary";
}

/// `whk send --count/--duration` (load mode) at the end.
#[derive(Debug, Serialize)]
pub struct LoadSummary {
    pub deliveries: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// `failed` by kind: `5xx`, `4xx`, `timeout`, `refused`, `dns`, `tls`, `network`.
    pub failures: BTreeMap<crate::client::FailureKind, u64>,
    /// Every answer by status code, expected or not.
    pub statuses: BTreeMap<u16, u64>,
    /// Deliveries that re-sent an earlier one byte for byte (`--duplicates`).
    pub duplicates: u64,
    /// Deliveries sent after one composed later (`--out-of-order`).
    pub reordered: u64,
    /// Stopped by Ctrl-C before the count or the duration was reached.
    pub interrupted: bool,
    /// Deliveries still in flight when the run was stopped (a second Ctrl-C, or more than
    /// a second after the first or after `--duration`), not counted anywhere else.
    pub unfinished: u64,
    pub elapsed_s: f64,
    pub rate_per_s: f64,
    pub latency_ms: LatencyMs,
    /// The latencies in equal-width buckets from min to max (empty when nothing completed).
    pub histogram: Vec<LatencyBucket>,
}

impl Record for LoadSummary {
    const TYPE: &'static str = "load_summary";
}

/// Latency figures in milliseconds (three significant figures).
#[derive(Debug, Default, Serialize)]
pub struct LatencyMs {
    pub min: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// One bucket of a latency histogram: the deliveries up to `up_to_ms` (and above the
/// previous bucket's bound).
#[derive(Debug, Serialize)]
pub struct LatencyBucket {
    pub up_to_ms: f64,
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_lead_with_their_type_and_keep_field_order() {
        let line = VerifySummary {
            total: 3,
            valid: 2,
            invalid: 1,
            unreadable: 0,
        }
        .to_line();
        assert_eq!(
            line,
            r#"{"type":"verify_summary","total":3,"valid":2,"invalid":1,"unreadable":0}"#
        );
        let listen = ListenSummary::default().to_line();
        assert!(
            listen.starts_with(r#"{"type":"listen_summary","deliveries":0,"#),
            "{listen}"
        );
    }
}

/// `whk config`: one resolved setting of a command.
#[derive(Debug, Serialize)]
pub struct ConfigValue {
    pub command: String,
    pub key: String,
    /// The value (a secret only as its hint).
    pub value: String,
    /// `flag`, `env NAME`, `FILE:LINE` or `default`.
    pub source: String,
}

impl Record for ConfigValue {
    const TYPE: &'static str = "config_value";
}

/// `whk config`: one listen route of whk.toml.
#[derive(Debug, Serialize)]
pub struct ConfigRoute {
    pub events: String,
    pub forward_to: Option<String>,
    pub scheme: Option<String>,
    /// Where the secret comes from (`env NAME`, `file PATH`, `inline`), never the secret.
    pub secret: Option<String>,
    pub exec: Option<String>,
    /// `FILE:LINE`
    pub source: String,
}

impl Record for ConfigRoute {
    const TYPE: &'static str = "config_route";
}
