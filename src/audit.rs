//! Auditing a webhook receiver: the scenarios `whk check` plays against it and how each
//! answer is judged. Requests go out through `client`; `commands::check` prints the report.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::client::{self, NetFailure, Request, Response};
use crate::error::{Error, Result};
use crate::events::{self, CATALOGUE, EventType, Profile, SampleContext};
use crate::scheme::{Freshness, Header, Signer};

/// The scenarios, in the order they run and are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScenarioId {
    /// A valid signed delivery of each event is accepted
    Valid,
    /// A body changed after signing is rejected
    Tampered,
    /// A delivery signed with a wrong secret is rejected
    WrongSecret,
    /// A delivery without a signature header is rejected
    Unsigned,
    /// A correctly signed delivery with an old timestamp is rejected
    Stale,
    /// A valid delivery whose bytes change under JSON re-serialisation is accepted
    Reserialised,
    /// The same delivery sent twice is acknowledged both times
    Duplicate,
    /// Every answer comes within the provider's timeout
    Latency,
    /// The endpoint is served over HTTPS
    Https,
    /// An unknown event type is acknowledged
    UnknownEvent,
}

impl crate::choice::Choice for ScenarioId {
    const ALL: &'static [Self] = &ALL_SCENARIOS;

    fn name(self) -> &'static str {
        ScenarioId::name(self)
    }

    fn help(self) -> Option<&'static str> {
        Some(self.summary())
    }
}

pub const ALL_SCENARIOS: [ScenarioId; 10] = [
    ScenarioId::Valid,
    ScenarioId::Tampered,
    ScenarioId::WrongSecret,
    ScenarioId::Unsigned,
    ScenarioId::Stale,
    ScenarioId::Reserialised,
    ScenarioId::Duplicate,
    ScenarioId::Latency,
    ScenarioId::Https,
    ScenarioId::UnknownEvent,
];

impl ScenarioId {
    pub fn name(self) -> &'static str {
        match self {
            ScenarioId::Valid => "valid",
            ScenarioId::Tampered => "tampered",
            ScenarioId::WrongSecret => "wrong-secret",
            ScenarioId::Unsigned => "unsigned",
            ScenarioId::Stale => "stale",
            ScenarioId::Reserialised => "reserialised",
            ScenarioId::Duplicate => "duplicate",
            ScenarioId::Latency => "latency",
            ScenarioId::Https => "https",
            ScenarioId::UnknownEvent => "unknown-event",
        }
    }

    /// What the scenario checks, one line.
    pub fn summary(self) -> &'static str {
        match self {
            ScenarioId::Valid => "A valid signed delivery of each event is accepted",
            ScenarioId::Tampered => "A body changed after signing is rejected",
            ScenarioId::WrongSecret => "A delivery signed with a wrong secret is rejected",
            ScenarioId::Unsigned => "A delivery without a signature header is rejected",
            ScenarioId::Stale => "A correctly signed delivery with an old timestamp is rejected",
            ScenarioId::Reserialised => {
                "A valid delivery whose bytes change under JSON re-serialisation is accepted"
            }
            ScenarioId::Duplicate => "The same delivery sent twice is acknowledged both times",
            ScenarioId::Latency => "Every answer comes within the provider's timeout",
            ScenarioId::Https => "The endpoint is served over HTTPS",
            ScenarioId::UnknownEvent => "An unknown event type is acknowledged",
        }
    }

    /// Why the scenario matters and how to fix a receiver that fails it.
    pub fn advice(self) -> (&'static str, &'static str) {
        match self {
            ScenarioId::Valid => (
                "a receiver that refuses genuine deliveries loses events, and providers disable endpoints that keep failing",
                "verify the signature over the raw body with the shared secret, then answer 2xx",
            ),
            ScenarioId::Tampered => (
                "accepting a body changed after signing means signatures are not checked: anyone can forge deliveries",
                "compute HMAC-SHA256 over the raw request bytes, compare in constant time, and answer 400 or 401 on a mismatch",
            ),
            ScenarioId::WrongSecret => (
                "a delivery signed with another key must be refused, or the secret protects nothing",
                "verify with your endpoint's own secret and answer 400 or 401 on a mismatch",
            ),
            ScenarioId::Unsigned => (
                "a delivery with no signature must be refused, or anyone can post events",
                "answer 400 or 401 when the signature header is missing",
            ),
            ScenarioId::Stale => (
                "without a timestamp check a captured delivery can be replayed forever",
                "refuse deliveries whose signed timestamp is more than 5 minutes from now",
            ),
            ScenarioId::Reserialised => (
                "verifying JSON.stringify(req.body) instead of the raw bytes refuses genuine deliveries whose formatting differs (50.00, \\u00e9, \\/, spacing, key order)",
                "verify over the raw body before parsing it (express.raw(), request.get_data(), io.ReadAll(r.Body))",
            ),
            ScenarioId::Duplicate => (
                "providers retry until they see a 2xx, so a retry must be acknowledged again and processed once; whk cannot see whether it was processed once",
                "store each idempotency key (event_id, click_id, conversion_id, webhook-id) and answer 2xx to one already seen without processing it again",
            ),
            ScenarioId::Latency => (
                "answers slower than the provider's timeout count as failures and are retried, so events arrive twice",
                "acknowledge first with 2xx and do the work in a background job",
            ),
            ScenarioId::Https => (
                "over plain HTTP the payload and its signature travel readable and can be captured and replayed",
                "serve the endpoint over HTTPS",
            ),
            ScenarioId::UnknownEvent => (
                "providers add event types; a receiver that answers 5xx to unknown ones gets retried and disabled",
                "acknowledge unknown event types with 2xx and ignore them",
            ),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "SKIP",
        }
    }
}

/// One request the audit sent and what came back.
#[derive(Clone, Debug)]
pub struct Probe {
    pub label: String,
    pub request: Request,
    pub latency: Duration,
    pub outcome: std::result::Result<Response, NetFailure>,
}

impl Probe {
    pub fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().map(|r| r.status)
    }

    /// `200`, or what went wrong.
    pub fn answer(&self) -> String {
        match &self.outcome {
            Ok(response) => response.status.to_string(),
            Err(failure) => failure.to_string(),
        }
    }
}

/// One row of the report.
#[derive(Clone, Debug)]
pub struct Finding {
    pub id: ScenarioId,
    pub verdict: Verdict,
    /// Accepting forged or replayed deliveries is a security hole, not just a bug.
    pub security: bool,
    pub summary: String,
    /// The request that exposed a failure or warning, to reproduce it.
    pub exposed_by: Option<Probe>,
}

/// What the audit needs to know about the receiver and how to sign for it.
pub struct Audit {
    pub url: reqwest::Url,
    pub signer: Signer,
    pub wrong_signer: Signer,
    pub profile: Profile,
    pub timeout: Duration,
    pub rng: fastrand::Rng,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// Every probe sent, for the latency scenario.
    pub probes: Vec<Probe>,
    /// Whether valid deliveries were accepted (the control a refusal is judged against);
    /// `None` until one was sent.
    valid_accepted: Option<Baseline>,
    /// Whether a forged delivery (tampered, wrong secret, unsigned) was accepted; `None`
    /// until one was sent.
    forgery_accepted: Option<bool>,
}

/// The answer to valid deliveries, the evidence a refusal of a forged one needs.
#[derive(Clone, Debug)]
struct Baseline {
    accepted: bool,
    /// How the first refused valid delivery was answered.
    answer: String,
}

impl Audit {
    pub fn new(
        url: reqwest::Url,
        signer: Signer,
        wrong_signer: Signer,
        profile: Profile,
        timeout: Duration,
        trust: &client::Trust,
        rng: fastrand::Rng,
    ) -> Result<Self> {
        let runtime = client::runtime(None)?;
        let http = client::build_client(timeout, trust, client::Reach::of(&url))?;
        Ok(Audit {
            url,
            signer,
            wrong_signer,
            profile,
            timeout,
            rng,
            http,
            runtime,
            probes: Vec::new(),
            valid_accepted: None,
            forgery_accepted: None,
        })
    }

    /// Runs one scenario. A receiver that cannot be reached at all is a network error.
    pub fn run(&mut self, id: ScenarioId) -> Result<Finding> {
        let sent_before = self.probes.len();
        let finding = match id {
            ScenarioId::Valid => self.valid()?,
            ScenarioId::Tampered => self.must_refuse(id, "tampered delivery", Self::tampered),
            ScenarioId::WrongSecret => {
                self.must_refuse(id, "delivery signed with a wrong secret", |audit| {
                    let body = audit.sample(None);
                    let wrong = audit.wrong_signer.clone();
                    let headers = audit.headers_for(&wrong, &body, now());
                    (headers, body)
                })
            }
            ScenarioId::Unsigned => self.must_refuse(id, "unsigned delivery", |audit| {
                let body = audit.sample(None);
                (json_headers(), body)
            }),
            ScenarioId::Stale => self.stale(),
            ScenarioId::Reserialised => self.reserialised(),
            ScenarioId::Duplicate => self.duplicate(),
            ScenarioId::Latency => self.latency(),
            ScenarioId::Https => self.https(),
            ScenarioId::UnknownEvent => self.unknown_event(),
        };
        // Whichever scenarios run (--only), a receiver nobody can connect to is not a finding,
        // nor is one that never answers.
        if let Some(err) = self.probes[sent_before..]
            .iter()
            .find_map(|probe| self.unreachable(probe))
        {
            return Err(err);
        }
        if !self.probes.is_empty()
            && self
                .probes
                .iter()
                .all(|p| matches!(p.outcome, Err(NetFailure::Timeout(_))))
        {
            return Err(Error::Network(format!(
                "no answer from {} within the {} timeout to any of {} requests",
                self.url,
                humantime::format_duration(self.timeout),
                self.probes.len()
            )));
        }
        Ok(finding)
    }

    /// Whether valid deliveries are accepted: the Valid scenario's answer, or one valid
    /// delivery sent now when it did not run.
    fn baseline(&mut self) -> Baseline {
        if let Some(baseline) = &self.valid_accepted {
            return baseline.clone();
        }
        let body = self.sample(None);
        let headers = self.signed(&body, now());
        let probe = self.send("valid delivery (control)", headers, body);
        let baseline = Baseline {
            accepted: probe.status().is_some_and(is_success),
            answer: probe.answer(),
        };
        self.valid_accepted = Some(baseline.clone());
        baseline
    }

    /// Whether the receiver accepts forgeries: from the forgery scenarios, or one unsigned
    /// delivery sent now when none ran.
    fn accepts_forgeries(&mut self) -> bool {
        if let Some(accepted) = self.forgery_accepted {
            return accepted;
        }
        let body = self.sample(None);
        let probe = self.send("unsigned delivery (control)", json_headers(), body);
        let accepted = probe.status().is_some_and(is_success);
        self.forgery_accepted = Some(accepted);
        accepted
    }

    /// The network error for a probe that could not reach the receiver at all.
    fn unreachable(&self, probe: &Probe) -> Option<Error> {
        match &probe.outcome {
            Err(failure @ (NetFailure::Refused | NetFailure::Dns(_) | NetFailure::Tls(_))) => Some(
                Error::Network(format!("cannot reach {}: {failure}", self.url)),
            ),
            _ => None,
        }
    }

    fn send(&mut self, label: &str, headers: Vec<Header>, body: Vec<u8>) -> Probe {
        let request = Request {
            method: reqwest::Method::POST,
            url: self.url.clone(),
            headers,
            body,
        };
        let (latency, outcome) =
            self.runtime
                .block_on(client::attempt(&self.http, &request, self.timeout));
        let probe = Probe {
            label: label.to_string(),
            request,
            latency,
            outcome,
        };
        self.probes.push(probe.clone());
        probe
    }

    /// A fresh sample of `event` timestamped `at`, drawn from the audit's RNG.
    fn body_of(&mut self, event: EventType, at: SystemTime) -> Vec<u8> {
        let mut ctx = SampleContext {
            rng: &mut self.rng,
            timestamp: at,
            id: None,
        };
        events::sample_bytes(event, &mut ctx).0
    }

    /// A fresh sample of the profile's first event, timestamped `at` (default now).
    fn sample(&mut self, at: Option<SystemTime>) -> Vec<u8> {
        let event = *CATALOGUE
            .iter()
            .find(|e| e.profile == self.profile)
            .expect("each profile has events");
        self.body_of(event, at.unwrap_or_else(SystemTime::now))
    }

    fn headers_for(&mut self, signer: &Signer, body: &[u8], timestamp: i64) -> Vec<Header> {
        let id = events::message_id(&mut self.rng);
        let mut headers = json_headers();
        headers.extend(signer.sign(body, timestamp, &id));
        headers
    }

    fn signed(&mut self, body: &[u8], timestamp: i64) -> Vec<Header> {
        let signer = self.signer.clone();
        self.headers_for(&signer, body, timestamp)
    }

    fn valid(&mut self) -> Result<Finding> {
        let events: Vec<_> = CATALOGUE
            .iter()
            .filter(|e| e.profile == self.profile)
            .copied()
            .collect();
        let mut refused = Vec::new();
        for event in &events {
            let body = self.body_of(*event, SystemTime::now());
            let headers = self.signed(&body, now());
            let probe = self.send(event.name, headers, body);
            if let Some(err) = self.unreachable(&probe) {
                return Err(err);
            }
            if !probe.status().is_some_and(is_success) {
                refused.push(probe);
            }
        }
        let accepted = events.len() - refused.len();
        self.valid_accepted = Some(Baseline {
            accepted: refused.is_empty(),
            answer: refused.first().map(Probe::answer).unwrap_or_default(),
        });
        Ok(match refused.first() {
            None => finding(
                ScenarioId::Valid,
                Verdict::Pass,
                format!(
                    "all {accepted} {} events were accepted",
                    self.profile.name()
                ),
            ),
            Some(first) => Finding {
                exposed_by: Some(first.clone()),
                ..finding(
                    ScenarioId::Valid,
                    Verdict::Fail,
                    format!(
                        "{} of {} valid deliveries were refused (first: {} answered {})",
                        refused.len(),
                        events.len(),
                        first.label,
                        first.answer()
                    ),
                )
            },
        })
    }

    fn tampered(&mut self) -> (Vec<Header>, Vec<u8>) {
        let body = self.sample(None);
        let headers = self.signed(&body, now());
        let mut value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if let Some(data) = value.get_mut("data").and_then(Value::as_object_mut) {
            data.insert("link_id".into(), json!(999_999));
        }
        (headers, serde_json::to_vec(&value).unwrap_or(body))
    }

    /// Scenarios where the receiver must refuse the delivery with 4xx.
    fn must_refuse(
        &mut self,
        id: ScenarioId,
        what: &str,
        build: impl FnOnce(&mut Self) -> (Vec<Header>, Vec<u8>),
    ) -> Finding {
        let (headers, body) = build(self);
        let probe = self.send(what, headers, body);
        if probe.status().is_some_and(is_success) {
            self.forgery_accepted = Some(true);
        } else if probe.status().is_some() {
            self.forgery_accepted.get_or_insert(false);
        }
        self.judged(id, what, probe)
    }

    /// A refusal judged against the control: refusing a forgery proves nothing when valid
    /// deliveries are refused too (a wrong path answers 404 to everything).
    fn judged(&mut self, id: ScenarioId, what: &str, probe: Probe) -> Finding {
        let finding = judge_refusal(id, what, probe);
        if finding.verdict != Verdict::Pass {
            return finding;
        }
        let baseline = self.baseline();
        if baseline.accepted {
            return finding;
        }
        Finding {
            verdict: Verdict::Skip,
            summary: format!(
                "inconclusive: {}, but valid deliveries were refused too ({}); is the URL right?",
                finding.summary, baseline.answer
            ),
            ..finding
        }
    }

    fn stale(&mut self) -> Finding {
        if !self.signer.scheme().is_timestamped() {
            return finding(
                ScenarioId::Stale,
                Verdict::Skip,
                format!(
                    "the {} scheme signs no timestamp, so replays cannot be told apart",
                    self.signer.scheme().name()
                ),
            );
        }
        // Too old always; too far ahead only where the provider's own library refuses it
        // (Stripe's accept it: `Freshness::PastOnly`).
        let hour = Duration::from_secs(3600);
        let (mut verdicts, mut answers) = (Vec::new(), Vec::new());
        let mut probes = vec![("delivery signed an hour ago", SystemTime::now() - hour)];
        if self.signer.scheme().spec().freshness == Freshness::BothWays {
            probes.push((
                "delivery signed an hour in the future",
                SystemTime::now() + hour,
            ));
        }
        for (what, at) in probes {
            let body = self.sample(Some(at));
            let headers = self.signed(&body, events::unix_seconds(at));
            let probe = self.send(what, headers, body);
            answers.push(probe.answer());
            verdicts.push(self.judged(ScenarioId::Stale, what, probe));
        }
        let worst = verdicts
            .iter()
            .position(|f| f.verdict == Verdict::Fail)
            .or_else(|| verdicts.iter().position(|f| f.verdict == Verdict::Warn))
            .unwrap_or(0);
        if let Some(skipped) = verdicts.iter().find(|f| f.verdict == Verdict::Skip)
            && verdicts
                .iter()
                .all(|f| matches!(f.verdict, Verdict::Pass | Verdict::Skip))
        {
            return skipped.clone();
        }
        if verdicts.iter().all(|f| f.verdict == Verdict::Pass) {
            let summary = if verdicts.len() == 2 {
                format!(
                    "refused deliveries signed an hour ago and an hour ahead ({})",
                    answers.join(", ")
                )
            } else {
                format!(
                    "refused a delivery signed an hour ago ({}); none from the future was sent, as the {} scheme's library accepts them",
                    answers.join(", "),
                    self.signer.scheme().name()
                )
            };
            return finding(ScenarioId::Stale, Verdict::Pass, summary);
        }
        verdicts.swap_remove(worst)
    }

    fn reserialised(&mut self) -> Finding {
        let baseline = self.baseline();
        if !baseline.accepted {
            return finding(
                ScenarioId::Reserialised,
                Verdict::Skip,
                format!(
                    "inconclusive: valid deliveries were refused too ({})",
                    baseline.answer
                ),
            );
        }
        if self.accepts_forgeries() {
            return finding(
                ScenarioId::Reserialised,
                Verdict::Skip,
                "inconclusive: the receiver accepts forgeries too, so accepting this body says nothing about how it verifies".to_string(),
            );
        }
        let body = awkward_body(self.profile, &mut self.rng);
        let headers = self.signed(&body, now());
        let probe = self.send("re-serialisation-sensitive body", headers, body);
        match probe.status() {
            Some(status) if is_success(status) => finding(
                ScenarioId::Reserialised,
                Verdict::Pass,
                format!(
                    "accepted a body with 50.00, \\u00e9, \\/ and unusual spacing ({status}): it verifies the raw bytes"
                ),
            ),
            Some(status) if (400..500).contains(&status) => exposed(
                ScenarioId::Reserialised,
                Verdict::Fail,
                format!(
                    "refused a validly signed body ({status}): it verifies a re-serialised body, not the raw bytes"
                ),
                probe,
            ),
            _ => exposed(
                ScenarioId::Reserialised,
                Verdict::Fail,
                format!("did not accept a validly signed body ({})", probe.answer()),
                probe,
            ),
        }
    }

    fn duplicate(&mut self) -> Finding {
        let body = self.sample(None);
        let headers = self.signed(&body, now());
        let first = self.send("first delivery", headers.clone(), body.clone());
        let second = self.send("the same delivery again", headers, body);
        match (first.status(), second.status()) {
            (Some(a), Some(b)) if is_success(a) && is_success(b) => finding(
                ScenarioId::Duplicate,
                Verdict::Pass,
                format!(
                    "acknowledged both times ({a}, {b}); whether it was processed once is for your logs to tell"
                ),
            ),
            // The first delivery is a valid one: its refusal is the valid scenario's
            // failure, and says nothing about retries.
            (first_status, _) if !first_status.is_some_and(is_success) => finding(
                ScenarioId::Duplicate,
                Verdict::Skip,
                format!(
                    "inconclusive: the first delivery, a valid one, was refused ({}), so retries could not be tested",
                    first.answer()
                ),
            ),
            _ => exposed(
                ScenarioId::Duplicate,
                Verdict::Fail,
                format!(
                    "acknowledged the first delivery but answered the retry {}: the provider will keep retrying",
                    second.answer()
                ),
                second,
            ),
        }
    }

    fn latency(&mut self) -> Finding {
        let Some(slowest) = self.probes.iter().max_by_key(|p| p.latency).cloned() else {
            return finding(
                ScenarioId::Latency,
                Verdict::Skip,
                "no other scenario sent a request to time".to_string(),
            );
        };
        let timed_out = self
            .probes
            .iter()
            .find(|p| matches!(p.outcome, Err(NetFailure::Timeout(_))))
            .cloned();
        let limit = humantime::format_duration(self.timeout);
        let took = crate::output::format_latency(slowest.latency);
        match timed_out {
            Some(probe) => exposed(
                ScenarioId::Latency,
                Verdict::Fail,
                format!("no answer within the {limit} timeout ({})", probe.label),
                probe,
            ),
            None if slowest.latency > self.timeout => exposed(
                ScenarioId::Latency,
                Verdict::Fail,
                format!("slowest answer took {took}, over the {limit} timeout"),
                slowest,
            ),
            None if slowest.latency > self.timeout / 2 => exposed(
                ScenarioId::Latency,
                Verdict::Warn,
                format!("slowest answer took {took}, over half the {limit} timeout"),
                slowest,
            ),
            None => finding(
                ScenarioId::Latency,
                Verdict::Pass,
                format!(
                    "slowest of {} answers took {took} (timeout {limit})",
                    self.probes.len()
                ),
            ),
        }
    }

    fn https(&mut self) -> Finding {
        let host = self.url.host_str().unwrap_or("").to_string();
        let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1");
        if self.url.scheme() == "https" {
            return self.tls_handshake();
        }
        match (self.url.scheme(), local) {
            (_, true) => finding(
                ScenarioId::Https,
                Verdict::Pass,
                format!("plain HTTP on {host}, fine for local testing; use HTTPS when deployed"),
            ),
            _ => finding(
                ScenarioId::Https,
                Verdict::Warn,
                format!("served over plain HTTP on {host}"),
            ),
        }
    }

    /// HTTPS passes only when a TLS handshake succeeded: some probe got an answer over it.
    fn tls_handshake(&mut self) -> Finding {
        if !self.probes.iter().any(|p| p.outcome.is_ok()) {
            let body = self.sample(None);
            let headers = self.headers_for(&self.signer.clone(), &body, now());
            self.send("https", headers, body);
        }
        match self.probes.iter().find(|p| p.outcome.is_ok()) {
            Some(_) => finding(
                ScenarioId::Https,
                Verdict::Pass,
                "served over HTTPS (the TLS handshake succeeded)".to_string(),
            ),
            None => finding(
                ScenarioId::Https,
                Verdict::Fail,
                "an https:// URL, but no TLS handshake succeeded".to_string(),
            ),
        }
    }

    fn unknown_event(&mut self) -> Finding {
        let mut value = json!({"event": "whk.unknown_event"});
        if self.profile == Profile::Relurl {
            value["event_id"] = json!(events::message_id(&mut self.rng).replace("msg_", "evt_"));
        }
        value["timestamp"] = json!(events::rfc3339(SystemTime::now()));
        value["data"] = json!({"note": "an event type this receiver has never seen"});
        let body = serde_json::to_vec(&value).expect("a Value always serialises");
        let headers = self.signed(&body, now());
        let probe = self.send("event whk.unknown_event", headers, body);
        let refused = !probe.status().is_some_and(is_success);
        if refused && !self.baseline().accepted {
            return finding(
                ScenarioId::UnknownEvent,
                Verdict::Skip,
                format!(
                    "inconclusive: refused ({}), but valid deliveries were refused too ({}); is the URL right?",
                    probe.answer(),
                    self.baseline().answer
                ),
            );
        }
        match probe.status() {
            Some(status) if is_success(status) => finding(
                ScenarioId::UnknownEvent,
                Verdict::Pass,
                format!("acknowledged an unknown event type ({status})"),
            ),
            Some(status) if status >= 500 => exposed(
                ScenarioId::UnknownEvent,
                Verdict::Fail,
                format!("answered an unknown event type with {status}"),
                probe,
            ),
            _ => exposed(
                ScenarioId::UnknownEvent,
                Verdict::Warn,
                format!(
                    "did not acknowledge an unknown event type ({}); providers count that as a failure",
                    probe.answer()
                ),
                probe,
            ),
        }
    }
}

fn now() -> i64 {
    events::unix_seconds(SystemTime::now())
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn json_headers() -> Vec<Header> {
    vec![("Content-Type".to_string(), "application/json".to_string())]
}

fn finding(id: ScenarioId, verdict: Verdict, summary: String) -> Finding {
    Finding {
        id,
        verdict,
        security: false,
        summary,
        exposed_by: None,
    }
}

fn exposed(id: ScenarioId, verdict: Verdict, summary: String, probe: Probe) -> Finding {
    Finding {
        exposed_by: Some(probe),
        ..finding(id, verdict, summary)
    }
}

/// 4xx passes; 2xx is a security failure; 3xx neither accepts nor refuses; 5xx refuses
/// but invites retries.
fn judge_refusal(id: ScenarioId, what: &str, probe: Probe) -> Finding {
    match probe.status() {
        Some(status) if (400..500).contains(&status) => {
            finding(id, Verdict::Pass, format!("refused the {what} ({status})"))
        }
        Some(status) if (300..400).contains(&status) => exposed(
            id,
            Verdict::Warn,
            format!(
                "redirected: neither accepted nor rejected the {what} ({status}); providers do not follow redirects, so point whk at the final URL"
            ),
            probe,
        ),
        Some(status) if status < 400 => Finding {
            security: true,
            ..exposed(
                id,
                Verdict::Fail,
                format!("accepted the {what} ({status})"),
                probe,
            )
        },
        Some(status) => exposed(
            id,
            Verdict::Warn,
            format!(
                "refused the {what}, but with {status}: providers retry 5xx, so answer 400 or 401"
            ),
            probe,
        ),
        None => exposed(
            id,
            Verdict::Fail,
            format!("gave no answer to the {what}: {}", probe.answer()),
            probe,
        ),
    }
}

/// A valid delivery whose bytes do not survive JSON parse + re-serialisation: a decimal
/// with trailing zeros, \u escapes, escaped slashes, extra spaces and unsorted keys.
fn awkward_body(profile: Profile, rng: &mut fastrand::Rng) -> Vec<u8> {
    let stamp = events::rfc3339(SystemTime::now());
    let event_id = events::message_id(rng).replace("msg_", "evt_");
    let click_id = events::message_id(rng).replace("msg_", "");
    let data = format!(
        r#"{{"link_id" : 42,  "revenue": 50.00, "currency":"EUR", "city": "Montr\u00e9al", "landing_url": "https:\/\/offer.example.com\/caf\u00e9", "click_id": "{click_id}", "conversion_id": "conv_{}"}}"#,
        &click_id[..6]
    );
    let text = match profile {
        Profile::Georedir => {
            format!(r#"{{ "event": "conversion", "timestamp": "{stamp}",  "data": {data} }}"#)
        }
        Profile::Relurl => format!(
            r#"{{ "event": "link.clicked", "event_id": "{event_id}", "timestamp": "{stamp}",  "data": {data} }}"#
        ),
    };
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awkward_body_changes_under_reserialisation() {
        for profile in [Profile::Georedir, Profile::Relurl] {
            let body = awkward_body(profile, &mut fastrand::Rng::with_seed(1));
            let value: Value = serde_json::from_slice(&body).expect("valid JSON");
            assert_ne!(serde_json::to_vec(&value).unwrap(), body);
            assert_ne!(serde_json::to_vec_pretty(&value).unwrap(), body);
        }
    }

    #[test]
    fn refusals_are_judged_by_status_class() {
        let probe = |status: u16| Probe {
            label: "x".into(),
            request: Request {
                method: reqwest::Method::POST,
                url: reqwest::Url::parse("http://127.0.0.1/").unwrap(),
                headers: Vec::new(),
                body: Vec::new(),
            },
            latency: Duration::ZERO,
            outcome: Ok(Response {
                status,
                reason: String::new(),
                headers: Vec::new(),
                body: Vec::new(),
            }),
        };
        assert_eq!(
            judge_refusal(ScenarioId::Tampered, "t", probe(401)).verdict,
            Verdict::Pass
        );
        let accepted = judge_refusal(ScenarioId::Tampered, "t", probe(200));
        assert!(accepted.verdict == Verdict::Fail && accepted.security);
        let redirected = judge_refusal(ScenarioId::Tampered, "t", probe(302));
        assert!(redirected.verdict == Verdict::Warn && !redirected.security);
        assert!(
            redirected
                .summary
                .starts_with("redirected: neither accepted nor rejected")
        );
        assert_eq!(
            judge_refusal(ScenarioId::Tampered, "t", probe(500)).verdict,
            Verdict::Warn
        );
    }
}
