//! HTTP delivery with reqwest (rustls): one attempt, timeouts, retries on a schedule, and
//! the classification of what went wrong.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

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
        self.failure_kind().name()
    }

    /// What kind of failure this is, without the detail.
    pub fn failure_kind(&self) -> FailureKind {
        match self {
            NetFailure::Timeout(_) => FailureKind::Timeout,
            NetFailure::Refused => FailureKind::Refused,
            NetFailure::Dns(_) => FailureKind::Dns,
            NetFailure::Tls(_) => FailureKind::Tls,
            NetFailure::Other(_) => FailureKind::Network,
        }
    }
}

/// Why a delivery did not succeed, without the detail: an answer outside the expectation
/// (by status class), or no answer at all (by what went wrong on the way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureKind {
    /// An answer the expectation does not accept, by class: 1 for 1xx … 5 for 5xx.
    Status(u8),
    Timeout,
    Refused,
    Dns,
    Tls,
    Network,
}

impl FailureKind {
    /// The kind of an unexpected answer with this status.
    pub fn of_status(status: u16) -> Self {
        FailureKind::Status((status / 100).clamp(1, 5) as u8)
    }

    /// `5xx`, `timeout`, `refused`, `dns`, `tls` or `network`.
    pub fn name(self) -> &'static str {
        const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];
        match self {
            FailureKind::Status(class) => CLASSES[usize::from(class.clamp(1, 5)) - 1],
            FailureKind::Timeout => "timeout",
            FailureKind::Refused => "refused",
            FailureKind::Dns => "dns",
            FailureKind::Tls => "tls",
            FailureKind::Network => "network",
        }
    }

    /// Whether the receiver was never reached (no answer at all).
    pub fn is_network(self) -> bool {
        !matches!(self, FailureKind::Status(_))
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for FailureKind {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
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
    extra_roots: Vec<CertificateDer<'static>>,
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
                let roots: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
                    .collect::<std::result::Result<_, _>>()
                    .unwrap_or_default();
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

    /// A rustls configuration that trusts what this says (the system's roots are read now,
    /// unless `--insecure`), offering HTTP/1.1 only.
    pub fn http1_tls_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        let mut config = crate::tls::client_config(&self.extra_roots, self.insecure)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The User-Agent of every request whk sends.
pub const USER_AGENT: &str = concat!("whk/", env!("CARGO_PKG_VERSION"));

/// Which URLs a client will be asked to reach: over TLS too, or plain HTTP only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// https:// may come: the system's roots are loaded when the client is built.
    Any,
    /// http:// only: no roots are read (reading `/etc/ssl/certs` is most of what a single
    /// send costs otherwise).
    PlainOnly,
}

impl Reach {
    pub fn of(url: &Url) -> Self {
        if url.scheme() == "http" {
            Reach::PlainOnly
        } else {
            Reach::Any
        }
    }
}

/// A client whose every attempt is bounded by `timeout`, trusting what `trust` says.
pub fn build_client(timeout: Duration, trust: &Trust, reach: Reach) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .danger_accept_invalid_certs(trust.insecure);
    let roots = trust
        .extra_roots
        .iter()
        .map(|der| reqwest::Certificate::from_der(der).expect("a certificate rustls has parsed"));
    builder = match reach {
        Reach::PlainOnly => builder.tls_certs_only(roots),
        Reach::Any => roots.fold(builder, reqwest::ClientBuilder::add_root_certificate),
    };
    builder
        .build()
        .map_err(|err| Error::Network(format!("cannot set up the HTTP client: {err}")))
}

/// Sends `request`, retrying after each failed attempt on `policy`'s waits until one
/// succeeds by `expectation`. `report` hears of every attempt and the wait that follows it.
pub async fn deliver(
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
        let (latency, outcome) = attempt(client, request, timeout).await;
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
    let started = Instant::now();
    let mut builder = client
        .request(request.method.clone(), request.url.clone())
        .body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let outcome = match builder.send().await {
        Ok(response) => read_response(response).await,
        Err(err) => Err(err),
    };
    (
        started.elapsed(),
        outcome.map_err(|err| classify(&err, timeout)),
    )
}

async fn read_response(response: reqwest::Response) -> reqwest::Result<Response> {
    let status = response.status();
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
    classify_error(err, timeout)
}

/// Names the failure from an error and its causes (I/O kinds, then rustls's and the
/// resolver's words).
pub fn classify_error(err: &(dyn std::error::Error + 'static), timeout: Duration) -> NetFailure {
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
        let delays = delays
            .into_iter()
            .map(|d| {
                Duration::try_from_secs_f64(d.as_secs_f64() * scale).map_err(|_| {
                    Error::usage(format!(
                        "a retry wait of {} s × --time-scale {scale} is too long to wait for; use fewer --retries, a shorter --backoff or a smaller --time-scale",
                        d.as_secs_f64()
                    ))
                })
            })
            .collect::<Result<_>>()?;
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
        // Once a panic (cannot convert float seconds to Duration), now a usage error.
        assert!(RetryPolicy::new(Some(1), Duration::from_secs(1), None, 1e308).is_err());
        assert!(RetryPolicy::new(Some(3), Duration::MAX, None, 1.0).is_err());
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
