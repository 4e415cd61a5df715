//! The listener pipeline: what happens to each received delivery (verify, spot retries,
//! decide the answer or forward it, save, print) and the running tally. Shared by
//! `whk listen` and `whk demo`; the HTTP side lives in `server`.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use colored::Colorize;
use serde::Deserialize;
use serde_json::{Value, json};

mod batch;
pub mod exec;

pub use exec::Exec;

use crate::capture::{self, Capture, CapturedResponse, ExecOutcome, Forwarded, Sink};
use crate::client::{self, NetFailure, Request};
use crate::config::glob_matches;
use crate::error::Result;
use crate::events;
use crate::output::{self, Printer};
use crate::records::{self, Record};
use crate::schema::Validation;
use crate::scheme::Header;
use crate::scheme::VerifyError;
use crate::server::{AcceptTrouble, Answer, Incoming, Refusal, Refused, Reply};
use crate::sync::lock;
use crate::verify::{Verdict, Verifier};

/// Why the listener stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Count,
    Timeout,
    Signal,
    /// stdout was closed (`whk listen --json | head -1`): stop quietly, exit 0.
    PipeClosed,
}

/// How the listener answers when it does not forward.
pub struct Responder {
    pub statuses: Vec<u16>,
    pub body: Vec<u8>,
    pub delay: Duration,
    pub fail_first: u64,
    pub fail_rate: Option<f64>,
    pub rng: Mutex<fastrand::Rng>,
    served: AtomicU64,
}

impl Responder {
    pub fn new(statuses: Vec<u16>, body: Vec<u8>, delay: Duration) -> Self {
        Responder {
            statuses,
            body,
            delay,
            fail_first: 0,
            fail_rate: None,
            rng: Mutex::new(fastrand::Rng::new()),
            served: AtomicU64::new(0),
        }
    }

    fn next(&self) -> Answer {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        let failing =
            n < self.fail_first || self.fail_rate.is_some_and(|p| lock(&self.rng).f64() < p);
        if failing {
            return Answer {
                status: 500,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: b"whk listen: failing on purpose (--fail-first / --fail-rate)\n".to_vec(),
                delay: self.delay,
            };
        }
        let index = (n as usize).min(self.statuses.len().saturating_sub(1));
        Answer {
            status: self.statuses.get(index).copied().unwrap_or(200),
            headers: vec![(
                "Content-Type".into(),
                crate::delivery::content_type(&self.body).into(),
            )],
            body: self.body.clone(),
            delay: self.delay,
        }
    }
}

/// Passes deliveries on to the user's app and brings its answer back.
pub struct Forwarder {
    pub base: reqwest::Url,
    /// Forward to `base` itself (a whk.toml route) instead of `base` + the delivery's path.
    pub exact: bool,
    pub timeout: Duration,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Forwarder {
    pub fn new(url: &str, timeout: Duration, trust: &client::Trust) -> Result<Self> {
        let base = client::parse_url(url)?;
        let runtime = client::runtime(Some(2))?;
        let client = client::build_client(timeout, trust, client::Reach::of(&base))?;
        Ok(Forwarder {
            base,
            exact: false,
            timeout,
            client,
            runtime,
        })
    }

    /// The app's URL for a delivery: the --forward-to path followed by the delivery's path
    /// and query string.
    fn target(&self, incoming: &Incoming) -> reqwest::Url {
        let mut url = self.base.clone();
        if self.exact {
            if url.query().is_none() {
                url.set_query(incoming.query.as_deref());
            }
            return url;
        }
        let prefix = self.base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{}", without_dot_segments(&incoming.path)));
        url.set_query(incoming.query.as_deref());
        url
    }

    fn forward(&self, incoming: &Incoming) -> (Answer, Forwarded, String) {
        let url = self.target(incoming);
        let request = Request {
            method: reqwest::Method::from_bytes(incoming.method.as_bytes())
                .unwrap_or(reqwest::Method::POST),
            url: url.clone(),
            headers: client::copyable_headers(&incoming.headers),
            body: incoming.body.clone(),
        };
        let (latency, outcome) =
            self.runtime
                .block_on(client::attempt(&self.client, &request, self.timeout));
        let took = output::format_latency(latency);
        let ms = output::latency_ms(latency);
        match outcome {
            Ok(response) => {
                let body_text = String::from_utf8_lossy(&response.body).into_owned();
                let line = format!(
                    "↪ {url} answered {} {} in {took}  {}",
                    response.status,
                    response.reason,
                    output::escape_line(&output::shorten(body_text.trim(), 200))
                );
                let record = Forwarded {
                    url: url.to_string(),
                    status: Some(response.status),
                    body: Some(body_text),
                    error: None,
                    message: None,
                    latency_ms: ms,
                };
                let answer = Answer {
                    status: response.status,
                    headers: client::copyable_headers(&response.headers),
                    body: response.body,
                    delay: Duration::ZERO,
                };
                (answer, record, line)
            }
            Err(failure) => {
                let why = match failure {
                    NetFailure::Timeout(limit) => format!(
                        "no answer within {} (raise it with --forward-timeout)",
                        humantime::format_duration(limit)
                    ),
                    _ => failure.to_string(),
                };
                let line = format!("↪ {url} unreachable: {why}; answered 502");
                let record = Forwarded {
                    url: url.to_string(),
                    status: None,
                    body: None,
                    error: Some(failure.kind().to_string()),
                    message: Some(why.clone()),
                    latency_ms: ms,
                };
                (bad_gateway(&url, &why), record, line)
            }
        }
    }
}

/// A request path with its `.` and `..` segments resolved (percent-encoded ones too), so a
/// forwarded path can never climb out of the `--forward-to` base path.
fn without_dot_segments(path: &str) -> String {
    let is_dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let is_dot_dot = |s: &str| {
        matches!(
            s.to_ascii_lowercase().as_str(),
            ".." | ".%2e" | "%2e." | "%2e%2e"
        )
    };
    let mut kept: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if is_dot_dot(segment) {
            kept.pop();
        } else if !is_dot(segment) {
            kept.push(segment);
            continue;
        }
        if i == last {
            kept.push("");
        }
    }
    format!("/{}", kept.join("/"))
}

/// The answer when the app could not be reached; `why` names listen's own flags (a timeout
/// is raised with --forward-timeout, not the --timeout that ends the listener).
fn bad_gateway(url: &reqwest::Url, why: &str) -> Answer {
    Answer {
        status: 502,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: format!("whk listen: cannot reach your app at {url}: {why}\n").into_bytes(),
        delay: Duration::ZERO,
    }
}

/// The idempotency keys of the most recent deliveries. Bounded, so a long load test keeps
/// a flat memory profile; a retry of anything older than the last `RECENT_KEYS` deliveries
/// is not recognised.
#[derive(Default)]
pub struct RecentKeys {
    keys: HashSet<String>,
    order: VecDeque<String>,
}

const RECENT_KEYS: usize = 20_000;

impl RecentKeys {
    /// Records `key`; true when it was already there.
    pub fn seen_before(&mut self, key: String) -> bool {
        if self.keys.contains(&key) {
            return true;
        }
        if self.order.len() == RECENT_KEYS
            && let Some(oldest) = self.order.pop_front()
        {
            self.keys.remove(&oldest);
        }
        self.keys.insert(key.clone());
        self.order.push_back(key);
        false
    }
}

/// Counts for the summary.
pub type Tally = crate::records::ListenSummary;

impl Tally {
    pub fn to_text(&self) -> String {
        let events: Vec<String> = self
            .by_event
            .iter()
            .map(|(e, n)| format!("{} {n}", output::escape_line(e)))
            .collect();
        let mut text = format!(
            "{} deliveries: {} valid, {} invalid, {} duplicates",
            self.deliveries, self.valid, self.invalid, self.duplicates
        );
        if self.rejected > 0 {
            text.push_str(&format!(", {} rejected (--reject-invalid)", self.rejected));
        }
        if self.refused > 0 {
            let kinds: Vec<String> = self
                .refusals
                .iter()
                .map(|(kind, n)| format!("{n} {}", kind.replace('_', " ")))
                .collect();
            text.push_str(&format!(
                ", {} refused before reading ({})",
                self.refused,
                kinds.join(", ")
            ));
        }
        if !events.is_empty() {
            text.push_str(&format!("; {}", events.join(", ")));
        }
        text
    }
}

/// A delivery on its way to being saved, shown and counted.
struct Recorded {
    capture: Capture,
    /// The raw body (the capture holds it as text or base64).
    body: Vec<u8>,
    received_at: SystemTime,
    /// The capture on one line, newline included.
    json: Vec<u8>,
    verdict: Option<Verdict>,
    rejected: bool,
    forward_line: Option<String>,
    answer: Answer,
}

/// A delivery whose answer is decided, before its command runs and its capture is built.
#[derive(Clone)]
struct Pending {
    id: String,
    incoming: Incoming,
    event: Option<String>,
    duplicate: bool,
    verdict: Option<Verdict>,
    rejected: bool,
    answer: Answer,
    forward: Option<(Forwarded, String)>,
    validation: Option<Validation>,
}

/// A whk.toml route: deliveries whose event matches `events` are verified, forwarded and
/// handed to a command as the route says (what it leaves out, the listener's flags decide).
pub struct Route {
    pub events: String,
    pub verifier: Option<Verifier>,
    pub forwarder: Option<Forwarder>,
    pub exec: Option<Arc<Exec>>,
}

/// The answer `--exec-answers` gives: 200 when the command exited 0, else 500.
fn exec_answer(outcome: &ExecOutcome) -> Answer {
    let (status, body) = if outcome.succeeded() {
        (200, String::new())
    } else {
        (500, format!("whk listen: {}\n", outcome.summary()))
    };
    Answer {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: body.into_bytes(),
        delay: Duration::ZERO,
    }
}

/// Everything the listener decides per delivery.
pub struct Pipeline {
    pub out: Printer,
    pub verifier: Option<Verifier>,
    pub only_events: Vec<String>,
    pub show_headers: bool,
    /// Answer 401 (400 when stale) to deliveries that fail verification, as a correct
    /// receiver does, and do nothing else with them.
    pub reject_invalid: bool,
    pub responder: Responder,
    pub forwarder: Option<Forwarder>,
    /// whk.toml routes, first match wins.
    pub routes: Vec<Route>,
    /// `--exec`: the command for deliveries no route gives one.
    pub exec: Option<Arc<Exec>>,
    /// `--exec-answers`: answer 200 when the command exits 0, else 500.
    pub exec_answers: bool,
    /// `--validate`: the schemas payloads are checked against.
    pub schemas: Option<crate::schema::Schemas>,
    pub sink: Option<Sink>,
    pub count: Option<u64>,
    pub stop: Mutex<Option<Sender<Stop>>>,
    /// Printed before each of the listener's lines (the demo labels its two sides).
    pub label: &'static str,
    pub seen: Mutex<RecentKeys>,
    pub tally: Mutex<Tally>,
    /// `--ui`: the web inspector every recorded delivery is shown in.
    pub inspector: Option<Arc<crate::inspect::Inspector>>,
    sequence: AtomicU64,
    salt: u16,
}

/// The few payload fields the listener needs, read without building a whole JSON tree.
#[derive(Deserialize, Default)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    event: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    event_id: Option<Cow<'a, str>>,
    #[serde(default)]
    data: Option<EnvelopeData<'a>>,
}

/// The envelope's name fields alone, for a payload whose other fields do not fit `Envelope`.
#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow, default)]
    event: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

impl<'a> From<Named<'a>> for Envelope<'a> {
    fn from(named: Named<'a>) -> Self {
        Envelope {
            event: named.event,
            kind: named.kind,
            ..Envelope::default()
        }
    }
}

#[derive(Deserialize, Default)]
struct EnvelopeData<'a> {
    #[serde(borrow, default)]
    click_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    conversion_id: Option<Cow<'a, str>>,
}

/// The event type and the idempotency key of a delivery, when it carries them.
fn event_and_key(headers: &[Header], body: &[u8]) -> (Option<String>, Option<String>) {
    // A field of the wrong type (a numeric click_id) must not hide the event's name.
    let envelope: Envelope = serde_json::from_slice(body)
        .or_else(|_| serde_json::from_slice::<Named>(body).map(Envelope::from))
        .unwrap_or_default();
    let event = envelope.event.or(envelope.kind).map(Cow::into_owned);
    let header_key = crate::scheme::SCHEMES
        .iter()
        .flat_map(|spec| spec.id)
        .chain(&["X-GitHub-Delivery"])
        .find_map(|name| crate::scheme::header(headers, name).map(|v| format!("{name}:{v}")));
    let data = envelope.data.unwrap_or_default();
    let body_key = envelope
        .event_id
        .map(|id| format!("event_id:{id}"))
        .or_else(|| match event.as_deref() {
            Some("conversion") => data.conversion_id.map(|id| format!("conversion:{id}")),
            Some("click") => data.click_id.map(|id| format!("click:{id}")),
            _ => None,
        });
    (event, header_key.or(body_key))
}

impl Pipeline {
    pub fn new(out: Printer, responder: Responder) -> Self {
        Pipeline {
            out,
            verifier: None,
            only_events: Vec::new(),
            show_headers: false,
            reject_invalid: false,
            responder,
            forwarder: None,
            routes: Vec::new(),
            exec: None,
            exec_answers: false,
            schemas: None,
            sink: None,
            count: None,
            stop: Mutex::new(None),
            label: "",
            seen: Mutex::new(RecentKeys::default()),
            tally: Mutex::new(Tally::default()),
            inspector: None,
            sequence: AtomicU64::new(0),
            salt: fastrand::u16(..),
        }
    }

    /// Handles one delivery: decides the answer, runs its command, and (unless `--events`
    /// hides it) records it. The answer is ready once the capture is on disk, so an answered
    /// delivery is never lost.
    pub fn handle(self: &Arc<Self>, incoming: Incoming) -> Reply {
        let (event, key) = event_and_key(&incoming.headers, &incoming.body);
        let shown = self.only_events.is_empty()
            || event
                .as_ref()
                .is_some_and(|e| self.only_events.iter().any(|wanted| wanted == e));
        let route = event
            .as_deref()
            .and_then(|e| self.routes.iter().find(|r| glob_matches(&r.events, e)));
        let now = events::unix_seconds(SystemTime::now());
        let verdict = route
            .and_then(|r| r.verifier.as_ref())
            .or(self.verifier.as_ref())
            .map(|v| v.check(&incoming.headers, &incoming.body, now));
        let rejection = self
            .reject_invalid
            .then(|| verdict.as_ref().and_then(rejection))
            .flatten();
        // A forgery must not make the genuine delivery with the same key look like a retry.
        let duplicate =
            rejection.is_none() && key.is_some_and(|key| lock(&self.seen).seen_before(key));
        let rejected = rejection.is_some();
        let forwarder = route
            .and_then(|r| r.forwarder.as_ref())
            .or(self.forwarder.as_ref());
        let (answer, forward) = self.answer(rejection, forwarder, &incoming);
        if !shown {
            return Reply::Now(answer);
        }
        let command = route
            .and_then(|r| r.exec.clone())
            .or_else(|| self.exec.clone())
            .filter(|_| !rejected);
        let pending = Pending {
            id: self.next_id(incoming.received_at),
            validation: self.validate(event.as_deref(), &incoming.body),
            incoming,
            event,
            duplicate,
            verdict,
            rejected,
            answer,
            forward,
        };
        let pipeline = self.clone();
        Reply::Later(Box::pin(async move {
            let outcome = match command {
                Some(command) => {
                    pipeline.save_before_command(&pending);
                    Some(pipeline.run_command(&command, &pending).await)
                }
                None => None,
            };
            let delivery = pipeline.recorded(pending, outcome);
            let delivery = pipeline.serialise_and_save(delivery);
            pipeline.commit(delivery).await
        }))
    }

    /// The rejection, else the forwarded app's answer, else the responder's.
    fn answer(
        &self,
        rejection: Option<Answer>,
        forwarder: Option<&Forwarder>,
        incoming: &Incoming,
    ) -> (Answer, Option<(Forwarded, String)>) {
        match (rejection, forwarder) {
            (Some(answer), _) => (answer, None),
            (None, Some(forwarder)) => {
                let (answer, record, line) = forwarder.forward(incoming);
                (answer, Some((record, line)))
            }
            (None, None) => (self.responder.next(), None),
        }
    }

    /// For a directory sink, the capture as it is before the command runs, so that the
    /// command finds it at WHK_CAPTURE; the capture with the command's exit status replaces it
    /// (a JSON Lines sink gets its one line afterwards). Best effort: the final write is the
    /// one that counts, and reports failure.
    fn save_before_command(&self, pending: &Pending) {
        let Some(sink) = self.sink.as_ref().filter(|s| !s.is_lines()) else {
            return;
        };
        let mut early = pending.clone();
        let record = early.forward.take().map(|(record, _)| record);
        let (capture, _) = self.capture(&mut early, record);
        let json = serde_json::to_vec(&capture).expect("a capture always serialises");
        let _ = sink.write(&capture.id, &json);
    }

    /// Runs `--exec` (or the route's exec) for a delivery.
    async fn run_command(&self, command: &Exec, pending: &Pending) -> ExecOutcome {
        let verdict = match pending.verdict.as_ref().map(Verdict::is_valid) {
            Some(true) => "valid",
            Some(false) => "invalid",
            None => "unchecked",
        };
        let facts = exec::Facts {
            event: pending.event.clone(),
            id: pending.id.clone(),
            verdict,
            path: pending.incoming.path.clone(),
            duplicate: pending.duplicate,
            capture: self.sink.as_ref().map(|sink| sink.path_of(&pending.id)),
        };
        command.run(&pending.incoming.body, &facts).await
    }

    /// The delivery with its capture, once its command (if any) has ended: with
    /// `--exec-answers`, the answer follows the command's exit status.
    fn recorded(&self, mut pending: Pending, outcome: Option<ExecOutcome>) -> Recorded {
        if let Some(outcome) = outcome.as_ref().filter(|_| self.exec_answers) {
            pending.answer = exec_answer(outcome);
        }
        let (record, forward_line) = pending.forward.take().unzip();
        let received_at = pending.incoming.received_at;
        let (mut capture, body) = self.capture(&mut pending, record);
        capture.exec = outcome;
        Recorded {
            json: Vec::new(),
            capture,
            body,
            received_at,
            verdict: pending.verdict,
            rejected: pending.rejected,
            forward_line,
            answer: pending.answer,
        }
    }

    /// The `--validate` result for a payload.
    fn validate(&self, event: Option<&str>, body: &[u8]) -> Option<Validation> {
        Some(self.schemas.as_ref()?.check(event, body))
    }

    fn next_id(&self, received_at: SystemTime) -> String {
        let sequence = self.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        capture::capture_id(received_at, sequence, self.salt)
    }

    /// Serialises the capture on one line and, for a directory sink, writes its file now
    /// (JSON Lines sinks are written in `commit`, with the batch).
    fn serialise_and_save(&self, mut delivery: Recorded) -> Recorded {
        // A capture line is about a third longer than the body it escapes.
        delivery.json = Vec::with_capacity(delivery.body.len() * 4 / 3 + 1024);
        serde_json::to_writer(&mut delivery.json, &delivery.capture)
            .expect("a capture always serialises");
        delivery.json.push(b'\n');
        if let Some(sink) = self.sink.as_ref().filter(|s| !s.is_lines())
            && let Err(err) = sink.write(&delivery.capture.id, &delivery.json)
        {
            self.save_failed(&mut delivery, &err);
        }
        delivery
    }

    /// Writes the delivery's capture line and output with its thread's batch, then counts it.
    async fn commit(self: Arc<Self>, mut delivery: Recorded) -> Answer {
        let lines = self.sink.as_ref().filter(|s| s.is_lines());
        let line: &[u8] = if lines.is_some() { &delivery.json } else { &[] };
        let output = self.render(&delivery);
        let committed = batch::commit(lines, line, &output, self.out.json).await;
        if !committed.saved {
            let err = std::io::Error::other("the capture file could not be written");
            self.save_failed(&mut delivery, &err);
            if !self.out.json {
                let _ = std::io::stdout().lock().write_all(&self.render(&delivery));
            }
        }
        if committed.pipe_closed {
            self.stop_with(Stop::PipeClosed);
        }
        self.record(
            &delivery.capture,
            delivery.verdict.as_ref(),
            delivery.rejected,
        );
        if let Some(inspector) = &self.inspector {
            inspector.add_capture(delivery.capture, delivery.body);
        }
        delivery.answer
    }

    /// The capture could not be saved: say so, and answer 500 so the sender retries.
    fn save_failed(&self, delivery: &mut Recorded, err: &std::io::Error) {
        self.out.warn(&format!(
            "could not save delivery {}: {err}; answered 500 so the sender retries",
            delivery.capture.id
        ));
        delivery.answer = Answer {
            status: 500,
            headers: Vec::new(),
            body: b"whk listen: could not save the delivery\n".to_vec(),
            delay: Duration::ZERO,
        };
    }

    /// The capture of a delivery, and its raw body.
    fn capture(&self, pending: &mut Pending, forward: Option<Forwarded>) -> (Capture, Vec<u8>) {
        let incoming = &mut pending.incoming;
        let body = std::mem::take(&mut incoming.body);
        let (text, body_base64, body_sha256) = capture::body_fields(&body);
        let capture = Capture {
            kind: "delivery".into(),
            id: pending.id.clone(),
            received_at: humantime::format_rfc3339_millis(incoming.received_at).to_string(),
            remote_addr: incoming.remote.map(|a| a.to_string()),
            method: std::mem::take(&mut incoming.method),
            path: std::mem::take(&mut incoming.path),
            query: incoming.query.take(),
            headers: std::mem::take(&mut incoming.headers),
            body: text,
            body_base64,
            body_sha256,
            body_size: body.len(),
            event: pending.event.take(),
            duplicate: pending.duplicate,
            signature: pending.verdict.as_ref().map(Verdict::to_capture),
            response: CapturedResponse {
                status: pending.answer.status,
                body: String::from_utf8_lossy(&pending.answer.body).into_owned(),
            },
            forward,
            exec: None,
            validation: pending.validation.clone(),
        };
        (capture, body)
    }

    fn record(&self, capture: &Capture, verdict: Option<&Verdict>, rejected: bool) {
        let reached = {
            let mut tally = lock(&self.tally);
            tally.deliveries += 1;
            tally.rejected += u64::from(rejected);
            match verdict.map(Verdict::is_valid) {
                Some(true) => tally.valid += 1,
                Some(false) => tally.invalid += 1,
                None => {}
            }
            tally.duplicates += u64::from(capture.duplicate);
            let event = capture.event.clone().unwrap_or_else(|| "(none)".into());
            *tally.by_event.entry(event).or_default() += 1;
            self.count.is_some_and(|n| tally.deliveries == n)
        };
        if reached {
            self.stop_with(Stop::Count);
        }
    }

    fn stop_with(&self, why: Stop) {
        if let Some(stop) = lock(&self.stop).as_ref() {
            let _ = stop.send(why);
        }
    }

    /// A request refused before it reached `handle`: counted, and one line on stderr (a
    /// `{"type":"refused"}` line on stdout with --json).
    pub fn refused(&self, refusal: Refusal) {
        {
            let mut tally = lock(&self.tally);
            tally.refused += 1;
            *tally.refusals.entry(refusal.reason.kind()).or_default() += 1;
        }
        let what = match &refusal.reason {
            Refused::BodyTooLarge {
                declared: Some(n),
                limit,
            } => format!("a body of {n} bytes is above --max-body {limit} bytes"),
            Refused::BodyTooLarge {
                declared: None,
                limit,
            } => format!("a chunked body grew above --max-body {limit} bytes"),
            Refused::HeadersTooLarge => {
                "the headers are above --max-header-bytes or --max-headers".into()
            }
            Refused::ReadTimeout => "the request did not arrive within --read-timeout".into(),
            Refused::Malformed(why) => format!("malformed request: {why}"),
            Refused::PlainHttpOnTls => "plain HTTP on the TLS port (use https://)".into(),
        };
        if self.out.json {
            let line = records::Refusal {
                status: refusal.reason.status(),
                reason: refusal.reason.kind(),
                message: what,
                target: refusal.target,
                remote_addr: refusal.remote.map(|r| r.to_string()),
            };
            if self.out.line(&line.to_line()).is_err() {
                self.stop_with(Stop::PipeClosed);
            }
            return;
        }
        let from = refusal
            .remote
            .map(|r| format!(" from {r}"))
            .unwrap_or_default();
        let target = refusal
            .target
            .as_deref()
            .map(|t| format!(" {}", output::escape_line(t)))
            .unwrap_or_default();
        self.out.warn(&format!(
            "{}{target}{from}: {what}",
            refusal.reason.status(),
        ));
    }

    /// The accept loop ran into trouble (out of file descriptors): one line.
    pub fn accept_trouble(&self, trouble: AcceptTrouble) {
        self.out.warn(&trouble.0);
    }

    /// What stdout shows of a delivery: its capture line with --json, else its summary line,
    /// headers (--headers), the forwarded app's answer and its body.
    fn render<'a>(&self, delivery: &'a Recorded) -> Cow<'a, [u8]> {
        if self.out.json {
            return Cow::Borrowed(&delivery.json);
        }
        let (capture, label) = (&delivery.capture, self.label);
        let mut text = format!("{label}{}\n", self.summary_line(delivery));
        if self.show_headers {
            for (name, value) in &capture.headers {
                text.push_str(&format!(
                    "{label}  {}: {}\n",
                    output::escape_line(name).bold(),
                    output::escape_line(value)
                ));
            }
        }
        if let Some(line) = &delivery.forward_line {
            text.push_str(&format!("{label}  {line}\n"));
        }
        if let Some(outcome) = &capture.exec {
            text.push_str(&format!(
                "{label}  {}\n",
                output::escape_line(&outcome.summary())
            ));
            for line in outcome.stdout.lines().chain(outcome.stderr.lines()) {
                text.push_str(&format!("{label}  │ {}\n", output::escape_line(line)));
            }
        }
        if let Some(validation) = capture
            .validation
            .as_ref()
            .filter(|v| !v.problems.is_empty())
        {
            text.push_str(&format!(
                "{label}  {}\n",
                output::escape_line(&validation.text())
            ));
        }
        if !self.out.quiet {
            for line in body_view(&delivery.body, self.out.color).lines() {
                text.push_str(&format!("{label}  {line}\n"));
            }
        }
        Cow::Owned(text.into_bytes())
    }

    /// Time, method, target, event, verdict, retry mark, the status answered and the size.
    fn summary_line(&self, delivery: &Recorded) -> String {
        let (capture, status) = (&delivery.capture, delivery.answer.status);
        let time = chrono::DateTime::<chrono::Local>::from(delivery.received_at).format("%H:%M:%S");
        let target = match &capture.query {
            Some(query) => format!("{}?{query}", capture.path),
            None => capture.path.clone(),
        };
        let target = output::escape_line(&target);
        let event = capture
            .event
            .as_deref()
            .map(output::escape_line)
            .unwrap_or_else(|| "-".into());
        let signature = match &delivery.verdict {
            None => String::new(),
            Some(v) if v.is_valid() => {
                let scheme = v.scheme.map_or("?".to_string(), |s| s.to_string());
                let key = v.key.map_or(String::new(), |k| format!(" (secret #{k})"));
                let notes: String = v
                    .notes()
                    .iter()
                    .map(|note| format!("  {}", format!("⚠ {note}").yellow()))
                    .collect();
                format!("  {}{notes}", format!("✓ {scheme}{key}").green())
            }
            Some(v) => format!(
                "  {}",
                format!(
                    "✗ {}: {}",
                    v.scheme.map_or("unsigned".to_string(), |s| s.to_string()),
                    output::escape_line(&v.reason().unwrap_or_default())
                )
                .red()
            ),
        };
        let retry = if capture.duplicate {
            format!("  {}", "↻ duplicate (retry)".yellow())
        } else {
            String::new()
        };
        let status_text = status.to_string();
        let status_text = if (200..300).contains(&status) {
            status_text.green()
        } else {
            status_text.red()
        };
        format!(
            "{}  {} {}  {}{signature}{retry}  → {status_text}  {}",
            time.to_string().dimmed(),
            output::escape_line(&capture.method).bold(),
            target,
            event.cyan(),
            human_size(delivery.body.len())
        )
    }
}

/// The answer `--reject-invalid` gives a delivery that failed verification: 400 for a stale
/// timestamp (the signature itself is right), 401 for anything else.
fn rejection(verdict: &Verdict) -> Option<Answer> {
    let err = verdict.result.as_ref().err()?;
    let (status, error) = match err {
        VerifyError::Stale { .. } => (400, "stale_timestamp"),
        VerifyError::Mismatch => (401, "invalid_signature"),
        VerifyError::Malformed(_) => (401, "malformed_signature"),
        VerifyError::MissingHeader { .. } | VerifyError::NoScheme { .. } => {
            (401, "missing_signature")
        }
    };
    let body = json!({"error": error, "message": err.to_string()});
    Some(Answer {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: format!("{body}\n").into_bytes(),
        delay: Duration::ZERO,
    })
}

/// The body for a terminal: JSON pretty and coloured, text escaped, bytes as a hex preview.
fn body_view(body: &[u8], color: bool) -> String {
    if body.is_empty() {
        return String::new();
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        // serde escapes controls below 0x20 only; DEL, C1 (0x9b is a one-byte CSI), bidi and
        // zero-width characters are escaped here, after colouring, which never adds them.
        let pretty = output::pretty_json(&value, color);
        let unsafe_char = |c: char| u32::from(c) >= 0x20 && output::is_terminal_unsafe(c);
        if !pretty.contains(unsafe_char) {
            return pretty;
        }
        let mut safe = String::with_capacity(pretty.len() + 16);
        for c in pretty.chars() {
            if unsafe_char(c) {
                safe.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                safe.push(c);
            }
        }
        return safe;
    }
    match std::str::from_utf8(body) {
        Ok(text) => output::escape_controls(text),
        Err(_) => output::hex_dump(body, 64),
    }
}

fn human_size(bytes: usize) -> String {
    match bytes {
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_namespaced_by_event() {
        let click = br#"{"event":"click","data":{"click_id":"abc"}}"#;
        let conversion =
            br#"{"event":"conversion","data":{"conversion_id":"c1","click_id":"abc"}}"#;
        assert_eq!(event_and_key(&[], click).1.as_deref(), Some("click:abc"));
        assert_eq!(
            event_and_key(&[], conversion).1.as_deref(),
            Some("conversion:c1")
        );
        let relurl = br#"{"event":"link.clicked","event_id":"evt_1","data":{}}"#;
        assert_eq!(
            event_and_key(&[], relurl),
            (Some("link.clicked".into()), Some("event_id:evt_1".into()))
        );
        let headers = vec![("webhook-id".to_string(), "msg_1".to_string())];
        assert_eq!(
            event_and_key(&headers, b"not json").1.as_deref(),
            Some("webhook-id:msg_1")
        );
        assert_eq!(event_and_key(&[], br#"{"event": 5}"#), (None, None));
        let mistyped = br#"{"event":"click","data":{"click_id":5}}"#;
        assert_eq!(event_and_key(&[], mistyped), (Some("click".into()), None));
    }

    #[test]
    fn recent_keys_forget_the_oldest_beyond_the_bound() {
        let mut keys = RecentKeys::default();
        assert!(!keys.seen_before("a".into()));
        assert!(keys.seen_before("a".into()));
        for i in 0..RECENT_KEYS {
            keys.seen_before(format!("k{i}"));
        }
        assert_eq!(keys.keys.len(), RECENT_KEYS);
        assert!(
            !keys.seen_before("a".into()),
            "the oldest key was forgotten"
        );
    }

    #[test]
    fn status_sequence_plays_in_order_and_repeats_the_last() {
        let responder = Responder::new(vec![500, 502, 200], Vec::new(), Duration::ZERO);
        let statuses: Vec<u16> = (0..5).map(|_| responder.next().status).collect();
        assert_eq!(statuses, [500, 502, 200, 200, 200]);
        let mut failing = Responder::new(vec![200], Vec::new(), Duration::ZERO);
        failing.fail_first = 2;
        let statuses: Vec<u16> = (0..3).map(|_| failing.next().status).collect();
        assert_eq!(statuses, [500, 500, 200]);
    }

    #[test]
    fn reject_invalid_answers_401_to_forgeries_and_400_to_stale_signatures() {
        let verdict = |result| Verdict {
            scheme: Some(crate::scheme::SchemeName::Georedir),
            key: None,
            result,
        };
        assert!(rejection(&verdict(Ok(Default::default()))).is_none());
        let stale = rejection(&verdict(Err(VerifyError::Stale {
            timestamp: 0,
            now: 1000,
            tolerance: 300,
        })))
        .unwrap();
        assert_eq!(stale.status, 400);
        let body: Value = serde_json::from_slice(&stale.body).unwrap();
        assert_eq!(body["error"], "stale_timestamp");
        for (err, code) in [
            (VerifyError::Mismatch, "invalid_signature"),
            (VerifyError::Malformed("x".into()), "malformed_signature"),
            (
                VerifyError::NoScheme { present: vec![] },
                "missing_signature",
            ),
        ] {
            let answer = rejection(&verdict(Err(err))).unwrap();
            assert_eq!(answer.status, 401);
            let body: Value = serde_json::from_slice(&answer.body).unwrap();
            assert_eq!(body["error"], code);
        }
    }

    #[test]
    fn forwarded_paths_cannot_climb_out_of_the_base() {
        for (path, resolved) in [
            ("/hooks/a", "/hooks/a"),
            ("/../admin", "/admin"),
            ("/a/../../b", "/b"),
            ("/%2e%2e/%2E%2e/secret", "/secret"),
            ("/a/./b/", "/a/b/"),
            ("/a/..", "/"),
            ("/", "/"),
        ] {
            assert_eq!(without_dot_segments(path), resolved, "{path}");
        }
    }

    #[test]
    fn bidi_controls_in_json_bodies_are_escaped() {
        let view = body_view("{\"name\":\"abc\u{202e}fed\"}".as_bytes(), false);
        assert!(view.contains(r"abc\u202efed"), "{view}");
        assert!(!view.contains('\u{202e}'));
    }

    #[test]
    fn binary_bodies_show_as_hex() {
        let view = body_view(&[0x00, 0x1b, 0xff, b'A'], false);
        assert!(view.starts_with("00000000  00 1b ff 41"), "{view}");
        assert!(!view.contains('\u{1b}'));
    }
}
