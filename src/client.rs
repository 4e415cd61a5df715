//! HTTP delivery with reqwest (rustls): one attempt, timeouts, retries on a schedule, and
//! the classification of what went wrong.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::Url;

use crate::error::{Error, Result};
use crate::events::Profile;
use crate::scheme::Header;

/// A request ready to go out.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

/// What the receiver answered.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

/// `200 OK`, or why there was no answer.
pub fn outcome_text(outcome: &std::result::Result<Response, NetFailure>) -> String {
    match outcome {
        Ok(response) => format!("{} {}", response.status, response.reason),
        Err(failure) => failure.to_string(),
    }
}

/// Why an attempt got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetFailure {
    Timeout(Duration),
    Refused,
    Dns(String),
    Tls(String),
    Other(String),
}

impl NetFailure {
    /// A short stable name for JSON output and summaries.
    pub fn kind(&self) -> &'static str {
        match self {
            NetFailure::Timeout(_) => "timeout",
            NetFailure::Refused => "refused",
            NetFailure::Dns(_) => "dns",
            NetFailure::Tls(_) => "tls",
            NetFailure::Other(_) => "network",
        }
    }
}

impl fmt::Display for NetFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetFailure::Timeout(limit) => {
                write!(
                    f,
                    "no answer within {} (raise it with --timeout)",
                    humantime::format_duration(*limit)
                )
            }
            NetFailure::Refused => {
                f.write_str("connection refused: is the receiver running on that port?")
            }
            NetFailure::Dns(detail) => write!(f, "cannot resolve the host name: {detail}"),
            NetFailure::Tls(detail) => write!(f, "TLS handshake failed: {detail}"),
            NetFailure::Other(detail) => f.write_str(detail),
        }
    }
}

/// One attempt at a delivery, answered or not.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub number: u32,
    pub latency: Duration,
    pub outcome: std::result::Result<Response, NetFailure>,
}

/// Hop-by-hop and framing headers that must not be copied from one connection to another.
const NOT_COPIED: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "expect",
    "upgrade",
    "te",
    "trailer",
    "proxy-connection",
    "date",
    "server",
];

/// The headers of a received request or response that can go out again on a new connection.
pub fn copyable_headers(headers: &[Header]) -> Vec<Header> {
    headers
        .iter()
        .filter(|(name, _)| !NOT_COPIED.iter().any(|n| name.eq_ignore_ascii_case(n)))
        .cloned()
        .collect()
}

/// Parses and validates an endpoint URL: absolute http or https.
pub fn parse_url(text: &str) -> Result<Url> {
    let url = Url::parse(text).map_err(|err| {
        Error::usage(format!(
            "invalid URL {text:?}: {err}; write it in full, e.g. http://127.0.0.1:3001/webhooks"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::usage(format!(
            "invalid URL {text:?}: whk sends over http:// or https:// to a host, e.g. http://127.0.0.1:3001/webhooks"
        )));
    }
    Ok(url)
}

/// The async runtime for HTTP work: on the calling thread, or with `workers` threads.
pub fn runtime(workers: Option<usize>) -> Result<tokio::runtime::Runtime> {
    let mut builder = match workers {
        Some(n) => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(n);
            b
        }
        None => tokio::runtime::Builder::new_current_thread(),
    };
    builder
        .enable_all()
        .build()
        .map_err(|err| Error::Network(format!("cannot start the async runtime: {err}")))
}

/// Which servers a client trusts over TLS: the system's roots, plus `--cacert`'s
/// certificates, or anything at all with `--insecure`.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    extra_roots: Vec<reqwest::Certificate>,
    insecure: bool,
}

impl Trust {
    /// Reads `cacert` (PEM, one or more certificates) now, so a bad file is a usage error
    /// before anything is sent.
    pub fn new(cacert: Option<&Path>, insecure: bool) -> Result<Self> {
        let extra_roots = match cacert {
            None => Vec::new(),
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|err| Error::usage(format!("--cacert {}: {err}", path.display())))?;
                let roots = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
                if roots.is_empty() {
                    return Err(Error::usage(format!(
                        "--cacert {}: no PEM certificate in the file (it must hold -----BEGIN CERTIFICATE-----)",
                        path.display()
                    )));
                }
                roots
            }
        };
        Ok(Trust {
            extra_roots,
            insecure,
        })
    }
}

/// A client whose every attempt is bounded by `timeout`, trusting what `trust` says.
pub fn build_client(timeout: Duration, trust: &Trust) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("whk/", env!("CARGO_PKG_VERSION")))
        .danger_accept_invalid_certs(trust.insecure);
    for root in &trust.extra_roots {
        builder = builder.add_root_certificate(root.clone());
    }
    builder
        .build()
        .map_err(|err| Error::Network(format!("cannot set up the HTTP client: {err}")))
}

/// How much of an answer an attempt keeps. Reports need all of it; load mode needs only the
/// status, and copying every response's headers into strings is a measurable part of what a
/// delivery costs there (see `scripts/bench.sh`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Status, reason, headers and body.
    Everything,
    /// The status alone: the body is still read to its end, so the connection can be reused,
    /// but dropped; `reason`, `headers` and `body` stay empty.
    Status,
}

/// Sends `request`, retrying after each failed attempt on `policy`'s waits until one
/// succeeds by `expectation`. `report` hears of every attempt and the wait that follows it.
pub async fn deliver(
    client: &reqwest::Client,
    request: &Request,
    timeout: Duration,
    policy: &RetryPolicy,
    expectation: StatusExpectation,
    report: impl FnMut(&Attempt, Option<Duration>),
) -> Vec<Attempt> {
    deliver_keeping(
        Keep::Everything,
        client,
        request,
        timeout,
        policy,
        expectation,
        report,
    )
    .await
}

/// `deliver`, keeping only as much of each answer as `keep` says.
pub async fn deliver_keeping(
    keep: Keep,
    client: &reqwest::Client,
    request: &Request,
    timeout: Duration,
    policy: &RetryPolicy,
    expectation: StatusExpectation,
    mut report: impl FnMut(&Attempt, Option<Duration>),
) -> Vec<Attempt> {
    let mut attempts = Vec::with_capacity(1);
    let mut waits = policy.delays.iter();
    for number in 1.. {
        let (latency, outcome) = attempt_keeping(keep, client, request, timeout).await;
        let done = matches!(&outcome, Ok(response) if expectation.matches(response.status));
        let record = Attempt {
            number,
            latency,
            outcome,
        };
        let next_wait = if done { None } else { waits.next().copied() };
        report(&record, next_wait);
        attempts.push(record);
        match next_wait {
            Some(wait) => tokio::time::sleep(wait).await,
            None => break,
        }
    }
    attempts
}

/// Sends one request and reads the whole answer.
pub async fn attempt(
    client: &reqwest::Client,
    request: &Request,
    timeout: Duration,
) -> (Duration, std::result::Result<Response, NetFailure>) {
    attempt_keeping(Keep::Everything, client, request, timeout).await
}

/// Sends one request and reads the whole answer, keeping as much of it as `keep` says.
pub async fn attempt_keeping(
    keep: Keep,
    client: &reqwest::Client,
    request: &Request,
    timeout: Duration,
) -> (Duration, std::result::Result<Response, NetFailure>) {
    let started = Instant::now();
    let mut builder = client
        .request(request.method.clone(), request.url.clone())
        .body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let outcome = match builder.send().await {
        Ok(response) => read_response(response, keep).await,
        Err(err) => Err(err),
    };
    (
        started.elapsed(),
        outcome.map_err(|err| classify(&err, timeout)),
    )
}

async fn read_response(response: reqwest::Response, keep: Keep) -> reqwest::Result<Response> {
    let status = response.status();
    if keep == Keep::Status {
        response.bytes().await?;
        return Ok(Response {
            status: status.as_u16(),
            reason: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
        });
    }
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.bytes().await?.to_vec();
    Ok(Response {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        headers,
        body,
    })
}

/// Names the failure from reqwest's error and its causes.
fn classify(err: &reqwest::Error, timeout: Duration) -> NetFailure {
    if err.is_timeout() {
        return NetFailure::Timeout(timeout);
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return NetFailure::Refused,
                std::io::ErrorKind::TimedOut => return NetFailure::Timeout(timeout),
                _ => {}
            }
        }
        chain.push(cause.to_string());
        source = cause.source();
    }
    let innermost = chain.last().cloned().unwrap_or_default();
    let text = chain.join(": ").to_lowercase();
    if let Some(hint) = tls_hint(&text) {
        NetFailure::Tls(hint.to_string())
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        NetFailure::Dns(innermost)
    } else if ["tls", "certificate", "handshake", "invalid peer"]
        .iter()
        .any(|w| text.contains(w))
    {
        NetFailure::Tls(innermost)
    } else {
        NetFailure::Other(chain.join(": "))
    }
}

/// What to do about the usual TLS mistakes, told from rustls's error text.
fn tls_hint(text: &str) -> Option<&'static str> {
    if text.contains("invalidcontenttype") || text.contains("corrupt message") {
        Some("this port answers plain HTTP, not TLS: use an http:// URL")
    } else if text.contains("unknownissuer") || text.contains("self-signed") {
        Some(
            "the server's certificate is not signed by an authority this machine trusts (self-signed?): pass --cacert FILE (`whk listen --tls` prints it) or --insecure",
        )
    } else if text.contains("notvalidforname") {
        Some(
            "the server's certificate is not valid for this host name: use a name it was issued for (whk's own: localhost, 127.0.0.1, ::1)",
        )
    } else if text.contains("expired") {
        Some("the server's certificate has expired")
    } else {
        None
    }
}

/// The waits before each retry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RetryPolicy {
    pub delays: Vec<Duration>,
}

impl RetryPolicy {
    /// `retries` waits of `backoff`, doubling each time; or a provider's documented schedule
    /// (cut to `retries` when given). Every wait is multiplied by `scale`.
    pub fn new(
        retries: Option<u32>,
        backoff: Duration,
        schedule: Option<Profile>,
        scale: f64,
    ) -> Result<Self> {
        if !scale.is_finite() || scale < 0.0 {
            return Err(Error::usage(format!(
                "--time-scale {scale} must be a number of 0 or more, e.g. 0.001"
            )));
        }
        let delays: Vec<Duration> = match schedule {
            Some(profile) => {
                let documented = documented_schedule(profile);
                let keep = retries.map_or(documented.len(), |n| (n as usize).min(documented.len()));
                documented[..keep].to_vec()
            }
            None => (0..retries.unwrap_or(0))
                .map(|i| backoff.saturating_mul(2u32.saturating_pow(i)))
                .collect(),
        };
        let delays = delays.into_iter().map(|d| d.mul_f64(scale)).collect();
        Ok(RetryPolicy { delays })
    }
}

/// The retry schedules the providers document (tests/fixtures/examples/README.md, copied from the product design).
pub fn documented_schedule(profile: Profile) -> Vec<Duration> {
    let minutes: &[u64] = match profile {
        Profile::Georedir => &[1, 5, 30, 120, 480],
        Profile::Relurl => &[1, 5, 15, 30, 60],
    };
    minutes
        .iter()
        .map(|m| Duration::from_secs(m * 60))
        .collect()
}

/// Which statuses count as success: 2xx unless `--expect-status` says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusExpectation {
    low: u16,
    high: u16,
}

impl Default for StatusExpectation {
    fn default() -> Self {
        StatusExpectation {
            low: 200,
            high: 299,
        }
    }
}

impl StatusExpectation {
    /// Parses `401`, `4xx` or `400-499`; the error says what to give instead.
    pub fn parse(text: &str) -> std::result::Result<Self, &'static str> {
        let bad = || "give a code (401), a class (4xx) or a range (400-499)";
        let code = |s: &str| {
            s.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=599).contains(c))
        };
        let lower = text.trim().to_ascii_lowercase();
        let (low, high) = if let Some(class) = lower.strip_suffix("xx") {
            let digit = class
                .parse::<u16>()
                .ok()
                .filter(|d| (1..=5).contains(d))
                .ok_or_else(bad)?;
            (digit * 100, digit * 100 + 99)
        } else if let Some((a, b)) = lower.split_once('-') {
            (code(a).ok_or_else(bad)?, code(b).ok_or_else(bad)?)
        } else {
            let single = code(&lower).ok_or_else(bad)?;
            (single, single)
        };
        if low > high {
            return Err(bad());
        }
        Ok(StatusExpectation { low, high })
    }

    pub fn matches(&self, status: u16) -> bool {
        (self.low..=self.high).contains(&status)
    }
}

impl fmt::Display for StatusExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.low == self.high {
            write!(f, "{}", self.low)
        } else if self.low.is_multiple_of(100) && self.high == self.low + 99 {
            write!(f, "{}xx", self.low / 100)
        } else {
            write!(f, "{}-{}", self.low, self.high)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_parse_codes_classes_and_ranges() {
        let e = StatusExpectation::parse("401").unwrap();
        assert!(e.matches(401) && !e.matches(400));
        let e = StatusExpectation::parse("4xx").unwrap();
        assert!(e.matches(400) && e.matches(499) && !e.matches(500));
        assert_eq!(e.to_string(), "4xx");
        let e = StatusExpectation::parse("200-204").unwrap();
        assert!(e.matches(204) && !e.matches(205));
        assert_eq!(StatusExpectation::default().to_string(), "2xx");
        for bad in ["", "abc", "6xx", "700", "500-400", "4x"] {
            assert!(StatusExpectation::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_doubles_and_scales() {
        let p = RetryPolicy::new(Some(3), Duration::from_secs(1), None, 1.0).unwrap();
        assert_eq!(p.delays, [1, 2, 4].map(Duration::from_secs));
        let p = RetryPolicy::new(Some(2), Duration::from_secs(1), None, 0.01).unwrap();
        assert_eq!(p.delays, [10, 20].map(Duration::from_millis));
        assert!(
            RetryPolicy::new(None, Duration::from_secs(1), None, 1.0)
                .unwrap()
                .delays
                .is_empty()
        );
        assert!(RetryPolicy::new(None, Duration::from_secs(1), None, -1.0).is_err());
    }

    #[test]
    fn documented_schedules_follow_the_providers() {
        let p = RetryPolicy::new(None, Duration::ZERO, Some(Profile::Georedir), 1.0).unwrap();
        assert_eq!(
            p.delays,
            [60, 300, 1800, 7200, 28800].map(Duration::from_secs)
        );
        let p = RetryPolicy::new(Some(2), Duration::ZERO, Some(Profile::Relurl), 0.001).unwrap();
        assert_eq!(p.delays, [60, 300].map(Duration::from_millis));
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(parse_url("http://127.0.0.1:3001/hook").is_ok());
        assert!(parse_url("https://example.com").is_ok());
        for bad in ["localhost:3001", "/hook", "ftp://example.com/x", "http://"] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
