//! A configurable webhook receiver for `whk check` tests: on the shared stand-in server
//! ([`StubServer`], 127.0.0.1:0), it verifies deliveries the way the provider documentation
//! says (or, on purpose, the ways real receivers get it wrong). Its verification is written
//! here, from the scheme descriptions in DESIGN.md, on the tests' own HMAC (crypto.rs), and
//! shares no code with whk. Stops when dropped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::{Framing, Recorded, StubAnswer, StubServer, hmac_b64, hmac_hex, sha256_hex, unix_now};

/// How far a signed timestamp may be from now, each way (DESIGN.md: 300 s).
const TOLERANCE_SECS: u64 = 300;

/// The signature schemes this receiver can verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `X-GeoRedir-Signature`: lowercase hex HMAC of the raw body.
    Georedir,
    /// `X-RELURL-Signature`: lowercase hex HMAC of the raw body.
    Relurl,
    /// `Stripe-Signature: t=..,v1=..` over `{t}.{body}`, key = the whole secret string.
    Stripe,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64>` over
    /// `{id}.{timestamp}.{body}`, key = base64 after `whsec_`.
    Standard,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Georedir => "georedir",
            Scheme::Relurl => "relurl",
            Scheme::Stripe => "stripe",
            Scheme::Standard => "standard",
        }
    }
}

/// What the receiver does, as independent switches.
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Check signatures at all (`false`: the "never verifies" receiver answers 200 to all).
    pub verifies: bool,
    /// Verify over `serde_json` compact re-serialisation of the parsed body instead of the
    /// raw bytes: the `JSON.stringify(req.body)` bug.
    pub reserialises: bool,
    /// Refuse signed timestamps more than 300 s from now (timestamped schemes only).
    pub checks_timestamp: bool,
    /// Refuse only timestamps in the past (the common half-done check).
    pub past_only: bool,
    /// Wait this long before answering (all but the first `prompt_first` requests).
    pub delay: Duration,
    /// How many requests are answered at once before `delay` applies.
    pub prompt_first: usize,
    /// Answer 500 to event types outside the profile's list (instead of acknowledging them).
    pub fails_unknown: bool,
    /// Answer this status to every request, whatever it carries (a wrong path's 404, a
    /// redirect's 302).
    pub answers_all: Option<u16>,
}

impl Behaviour {
    /// Verifies the raw body, refuses missing or bad signatures and stale timestamps with
    /// 401, acknowledges duplicates and unknown events with 200, answers at once.
    pub fn correct() -> Self {
        Behaviour {
            verifies: true,
            reserialises: false,
            checks_timestamp: true,
            past_only: false,
            delay: Duration::ZERO,
            prompt_first: 0,
            fails_unknown: false,
            answers_all: None,
        }
    }

    /// Answers `status` to everything: 404 for a wrong path, 302 for a redirect.
    pub fn answers_all(status: u16) -> Self {
        Behaviour {
            answers_all: Some(status),
            ..Behaviour::correct()
        }
    }

    pub fn never_verifies() -> Self {
        Behaviour {
            verifies: false,
            ..Behaviour::correct()
        }
    }

    pub fn reserialising() -> Self {
        Behaviour {
            reserialises: true,
            ..Behaviour::correct()
        }
    }

    pub fn no_replay_protection() -> Self {
        Behaviour {
            checks_timestamp: false,
            ..Behaviour::correct()
        }
    }

    pub fn past_only() -> Self {
        Behaviour {
            past_only: true,
            ..Behaviour::correct()
        }
    }

    pub fn slow(delay: Duration) -> Self {
        Behaviour {
            delay,
            ..Behaviour::correct()
        }
    }

    pub fn fails_unknown() -> Self {
        Behaviour {
            fails_unknown: true,
            ..Behaviour::correct()
        }
    }
}

/// One request as the receiver saw it, and what it answered.
#[derive(Clone, Debug)]
pub struct Seen {
    pub body: Vec<u8>,
    pub status: u16,
    /// The event type, when the body is JSON with an `event` field.
    pub event: Option<String>,
    /// The idempotency key (event_id, click_id, conversion_id or webhook-id) was seen before.
    pub duplicate: bool,
}

pub struct CheckReceiver {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    _server: StubServer,
}

impl CheckReceiver {
    /// A receiver for `scheme` and `secret` whose known events are `events`.
    pub fn start(
        scheme: Scheme,
        secret: &str,
        events: &'static [&'static str],
        behaviour: Behaviour,
    ) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (log, secret) = (seen.clone(), secret.to_string());
        let keys: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let served = std::sync::atomic::AtomicUsize::new(0);
        let server = StubServer::start(move |request| {
            let Recorded { headers, body, .. } = request;
            let parsed: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            let event = parsed
                .as_ref()
                .and_then(|v| v.get("event"))
                .and_then(|e| e.as_str())
                .map(str::to_string);
            let status = decide(scheme, &secret, &behaviour, events, &headers, &body);
            let key = idempotency_key(&headers, parsed.as_ref());
            {
                // One lock over the keys and the log: concurrent deliveries of one key are
                // told apart in the order they are logged.
                let mut keys = keys.lock().unwrap();
                let duplicate = status == 200 && key.as_ref().is_some_and(|k| keys.contains(k));
                if status == 200
                    && let Some(key) = key
                {
                    keys.push(key);
                }
                log.lock().unwrap().push(Seen {
                    body,
                    status,
                    event,
                    duplicate,
                });
            }
            let n = served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if n >= behaviour.prompt_first {
                std::thread::sleep(behaviour.delay);
            }
            let text = if status == 200 {
                r#"{"received":true}"#
            } else {
                r#"{"error":"refused"}"#
            };
            StubAnswer {
                status,
                body: text.as_bytes().to_vec(),
                framing: Framing::Length,
            }
        });
        CheckReceiver {
            port: server.port,
            seen,
            _server: server,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/webhooks", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The status the receiver answers with.
fn decide(
    scheme: Scheme,
    secret: &str,
    behaviour: &Behaviour,
    events: &[&str],
    headers: &[(String, String)],
    raw: &[u8],
) -> u16 {
    if let Some(status) = behaviour.answers_all {
        return status;
    }
    if !behaviour.verifies {
        return 200;
    }
    let parsed: serde_json::Value = match serde_json::from_slice(raw) {
        Ok(value) => value,
        Err(_) => return 400,
    };
    let reserialised;
    let signed_body: &[u8] = if behaviour.reserialises {
        reserialised = serde_json::to_vec(&parsed).expect("a Value serialises");
        &reserialised
    } else {
        raw
    };
    match signature_check(scheme, secret, headers, signed_body) {
        Some(timestamp) => {
            if behaviour.checks_timestamp
                && let Some(t) = timestamp
                && unix_now().abs_diff(t) > TOLERANCE_SECS
                && !(behaviour.past_only && t > unix_now())
            {
                return 401;
            }
        }
        None => return 401,
    }
    let event = parsed.get("event").and_then(|e| e.as_str()).unwrap_or("");
    if behaviour.fails_unknown && !events.contains(&event) {
        return 500;
    }
    200
}

/// `Some(signed timestamp, if the scheme has one)` when a signature matches, else `None`.
fn signature_check(
    scheme: Scheme,
    secret: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Option<Option<i64>> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    };
    match scheme {
        Scheme::Georedir | Scheme::Relurl => {
            let name = if scheme == Scheme::Georedir {
                "X-GeoRedir-Signature"
            } else {
                "X-RELURL-Signature"
            };
            let expected = hmac_hex(secret.as_bytes(), body);
            header(name)?
                .eq_ignore_ascii_case(&expected)
                .then_some(None)
        }
        Scheme::Stripe => {
            let value = header("Stripe-Signature")?;
            let mut t = None;
            let mut signatures = Vec::new();
            for part in value.split(',') {
                match part.trim().split_once('=') {
                    Some(("t", v)) => t = Some(v.to_string()),
                    Some(("v1", v)) => signatures.push(v.to_string()),
                    _ => {}
                }
            }
            let t = t?;
            let timestamp: i64 = t.parse().ok()?;
            let expected = hmac_hex(secret.as_bytes(), &[t.as_bytes(), b".", body].concat());
            signatures
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&expected))
                .then_some(Some(timestamp))
        }
        Scheme::Standard => {
            let key = B64
                .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
                .ok()
                .filter(|k| !k.is_empty())?;
            let id = header("webhook-id")?;
            let t = header("webhook-timestamp")?;
            let timestamp: i64 = t.parse().ok()?;
            let signed = [id.as_bytes(), b".", t.as_bytes(), b".", body].concat();
            let expected = hmac_b64(&key, &signed);
            header("webhook-signature")?
                .split(' ')
                .filter_map(|s| s.strip_prefix("v1,"))
                .any(|s| s == expected)
                .then_some(Some(timestamp))
        }
    }
}

fn idempotency_key(
    headers: &[(String, String)],
    body: Option<&serde_json::Value>,
) -> Option<String> {
    if let Some((_, id)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("webhook-id"))
    {
        return Some(id.clone());
    }
    let body = body?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    body.get("event_id")
        .and_then(text)
        .or_else(|| body.pointer("/data/conversion_id").and_then(text))
        .or_else(|| body.pointer("/data/click_id").and_then(text))
        .or_else(|| {
            // link.* and alert events carry no delivery id: the whole body stands in.
            Some(sha256_hex(&serde_json::to_vec(body).ok()?))
        })
}
