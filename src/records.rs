//! The JSON Lines records whk prints with `--json`: one struct per `type`, so each line's
//! shape is declared once and every record of a kind has the same fields. A record is
//! written as `{"type": TYPE, …its fields}`.

use serde::Serialize;
use std::collections::BTreeMap;

/// A struct printed as one JSON line, tagged with its `type`.
pub trait Record: Serialize + Sized {
    const TYPE: &'static str;

    /// The record as one JSON line (without the newline).
    fn to_line(&self) -> String {
        #[derive(Serialize)]
        struct Tagged<'a, T> {
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(flatten)]
            record: &'a T,
        }
        serde_json::to_string(&Tagged {
            kind: Self::TYPE,
            record: self,
        })
        .expect("records always serialise")
    }
}

/// `whk listen` when it is ready (on stderr, so a script can wait for it).
#[derive(Debug, Serialize)]
pub struct Listening {
    pub url: String,
    pub port: u16,
    pub tls: Option<ListeningTls>,
}

#[derive(Debug, Serialize)]
pub struct ListeningTls {
    pub fingerprint_sha256: String,
    /// Where the generated certificate was written (none for `--cert`).
    pub cert: Option<std::path::PathBuf>,
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
