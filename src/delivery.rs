//! Composing a delivery from the command line: the body (a sample payload or bytes the user
//! gave) and the signature headers, shared by every command that signs.

use std::io::{IsTerminal, Read};
use std::time::SystemTime;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::events::{self, EventType, SampleContext};
use crate::scheme::{self, Header, Scheme, Signer};
use crate::secret::Secret;

/// The timestamp to sign with and to put in sample payloads: `--timestamp` or now.
pub fn timestamp_from(flag: Option<SystemTime>) -> SystemTime {
    flag.unwrap_or_else(SystemTime::now)
}

/// The RNG for sample data and ids: seeded for reproducible output, random otherwise.
pub fn rng_from(seed: Option<u64>) -> fastrand::Rng {
    seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed)
}

/// Builds one sample payload for `event` with the `--set` overrides applied.
pub fn sample_body(event: EventType, sets: &[String], ctx: &mut SampleContext) -> Result<Value> {
    let mut payload = events::sample(event, ctx);
    for assignment in sets {
        events::set_field(&mut payload, assignment)?;
    }
    Ok(payload)
}

/// Reads a body from a file or, for `-`, from stdin (refusing to wait on a terminal).
pub fn read_source(spec: &str, flag: &str) -> Result<Vec<u8>> {
    if spec == "-" {
        let mut stdin = std::io::stdin();
        if stdin.is_terminal() {
            return Err(Error::usage(format!(
                "{flag} - reads stdin, but stdin is a terminal; pipe a body in or give a file"
            )));
        }
        let mut body = Vec::new();
        stdin
            .read_to_end(&mut body)
            .map_err(|err| Error::usage(format!("cannot read stdin for {flag}: {err}")))?;
        return Ok(body);
    }
    std::fs::read(spec)
        .map_err(|err| Error::usage(format!("cannot read {flag} file {spec:?}: {err}")))
}

/// `--data FILE|-|JSON`: inline JSON when it starts like JSON; `-`, `@FILE` or an existing
/// file is read; any other text is inline (it must be JSON unless `raw`).
/// Unless `raw`, the body must be valid JSON; it is returned byte for byte either way.
pub fn data_body(spec: &str, raw: bool) -> Result<Vec<u8>> {
    let trimmed = spec.trim_start();
    let names_source = spec == "-" || spec.starts_with('@') || std::path::Path::new(spec).exists();
    let body = if trimmed.starts_with(['{', '[']) {
        spec.as_bytes().to_vec()
    } else if names_source {
        read_source(spec.strip_prefix('@').unwrap_or(spec), "--data")?
    } else if raw || serde_json::from_str::<Value>(spec).is_ok() {
        spec.as_bytes().to_vec()
    } else {
        return Err(Error::usage(format!(
            "--data {spec:?} is neither a file nor valid JSON; to send a non-JSON body as it is, add --raw"
        )));
    };
    if !raw && let Err(err) = serde_json::from_slice::<Value>(&body) {
        return Err(Error::usage(format!(
            "--data is not valid JSON ({err}); to send a non-JSON body as it is, add --raw"
        )));
    }
    Ok(body)
}

/// The event type named in a body, if it is JSON with an `event` or `type` field.
pub fn event_of(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    ["event", "type"]
        .iter()
        .find_map(|key| value.get(key)?.as_str().map(str::to_string))
}

/// Puts `extra` headers after `base`, replacing any of the same name.
pub fn merge_headers(mut base: Vec<Header>, extra: Vec<Header>) -> Vec<Header> {
    for (name, value) in extra {
        base.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        base.push((name, value));
    }
    base
}

/// Content-Type for a body: JSON when it parses, bytes otherwise.
pub fn content_type(body: &[u8]) -> &'static str {
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        "application/json"
    } else {
        "application/octet-stream"
    }
}

/// A composed delivery: what is sent, and what it is for the report.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub event: Option<String>,
    pub body: Vec<u8>,
    pub headers: Vec<Header>,
}

/// Where the bytes of a delivery come from.
#[derive(Clone)]
pub enum BodySource {
    /// A fresh sample of this event for every delivery, with `--set` overrides.
    Sample { event: EventType, sets: Vec<String> },
    /// The same bytes every time (`--data`), with what they are worked out once.
    Fixed {
        body: Vec<u8>,
        event: Option<String>,
        content_type: &'static str,
    },
}

impl BodySource {
    pub fn fixed(body: Vec<u8>) -> Self {
        BodySource::Fixed {
            event: event_of(&body),
            content_type: content_type(&body),
            body,
        }
    }
}

/// Builds signed deliveries one after another: fresh sample data, timestamp and id for each
/// unless the user pinned them.
pub struct Composer {
    pub source: BodySource,
    pub signer: Option<Signer>,
    pub timestamp: Option<SystemTime>,
    pub id: Option<String>,
    pub extra_headers: Vec<Header>,
    pub rng: fastrand::Rng,
}

impl Composer {
    /// A copy for another concurrent sender, with its own sample stream.
    pub fn fork(&self, stream: u64) -> Composer {
        let seed = self.rng.clone().u64(..) ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Composer {
            source: self.source.clone(),
            signer: self.signer.clone(),
            timestamp: self.timestamp,
            id: self.id.clone(),
            extra_headers: self.extra_headers.clone(),
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The event type every delivery of this composer is.
    pub fn event(&self) -> Option<String> {
        match &self.source {
            BodySource::Fixed { event, .. } => event.clone(),
            BodySource::Sample { event, .. } => Some(event.name.to_string()),
        }
    }

    /// The Content-Type of every delivery of this composer.
    pub fn content_type(&self) -> &'static str {
        match &self.source {
            BodySource::Fixed { content_type, .. } => content_type,
            BodySource::Sample { .. } => "application/json",
        }
    }

    pub fn next_delivery(&mut self) -> Result<Outgoing> {
        let mut body = Vec::new();
        let signature = self.next_into(&mut body)?;
        let mut headers = vec![("Content-Type".to_string(), self.content_type().to_string())];
        headers.extend(signature);
        let headers = merge_headers(headers, self.extra_headers.clone());
        Ok(Outgoing {
            event: self.event(),
            body,
            headers,
        })
    }

    /// The next delivery's body written into `body` (cleared first, its capacity reused), and
    /// its signature headers (none without a signer); Content-Type and the extra headers are
    /// the caller's to add.
    pub fn next_into(&mut self, body: &mut Vec<u8>) -> Result<Vec<Header>> {
        body.clear();
        let timestamp = self.timestamp.unwrap_or_else(SystemTime::now);
        let event_id = match &self.source {
            BodySource::Fixed { body: fixed, .. } => {
                body.extend_from_slice(fixed);
                None
            }
            BodySource::Sample { event, sets } => {
                let mut ctx = SampleContext {
                    rng: &mut self.rng,
                    timestamp,
                    id: self.id.as_deref(),
                };
                if sets.is_empty() {
                    events::sample_into(*event, &mut ctx, body)
                } else {
                    let payload = sample_body(*event, sets, &mut ctx)?;
                    serde_json::to_writer(&mut *body, &payload).expect("a Value always serialises");
                    payload
                        .get("event_id")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                }
            }
        };
        Ok(self.sign(body, timestamp, event_id))
    }

    /// For `--out-of-order`: a related pair of samples (see [`events::related_pair`]) in
    /// `earlier` and `later`, each with its own signature headers; `None` when this
    /// composer's deliveries have no partner (a fixed body, `--set`, alert.triggered).
    pub fn next_pair_into(
        &mut self,
        earlier: &mut Vec<u8>,
        later: &mut Vec<u8>,
    ) -> Option<(Vec<Header>, Vec<Header>)> {
        let BodySource::Sample { event, sets } = &self.source else {
            return None;
        };
        let pair = events::related_pair(*event).filter(|_| sets.is_empty())?;
        let timestamp = self.timestamp.unwrap_or_else(SystemTime::now);
        let mut ctx = SampleContext {
            rng: &mut self.rng,
            timestamp,
            id: self.id.as_deref(),
        };
        let (first_id, second_id) = events::sample_pair_into(pair, &mut ctx, earlier, later);
        Some((
            self.sign(earlier, timestamp, first_id),
            self.sign(later, timestamp, second_id),
        ))
    }

    /// The signature headers of `body` (none without a signer), over `--id`, else the
    /// body's event id, else a fresh message id.
    fn sign(
        &mut self,
        body: &[u8],
        timestamp: SystemTime,
        event_id: Option<String>,
    ) -> Vec<Header> {
        let Some(signer) = &self.signer else {
            return Vec::new();
        };
        // A scheme that signs no id is given none, so none is drawn for it.
        let id = match (&self.id, event_id) {
            (Some(id), _) => id.clone(),
            (None, Some(event_id)) => event_id,
            (None, None) if signer.signs_id() => events::message_id(&mut self.rng),
            (None, None) => String::new(),
        };
        signer.sign(body, events::unix_seconds(timestamp), &id)
    }
}

/// How to sign a captured delivery afresh (`whk replay --resign`, the inspector's replay).
pub struct Resigner {
    pub secret: Secret,
    /// `--scheme`; `None` re-signs with the scheme the delivery was signed with.
    pub scheme: Option<Scheme>,
}

impl Resigner {
    /// `headers` without any signature, then a new signature over `body` made at `now`.
    /// `source` names the delivery in errors.
    pub fn headers(
        &self,
        source: &str,
        headers: &[Header],
        body: &[u8],
        now: i64,
        rng: &mut fastrand::Rng,
    ) -> Result<Vec<Header>> {
        let scheme = self.scheme.clone().or_else(|| Scheme::detect(headers)).ok_or_else(|| {
            Error::usage(format!(
                "{source}: no known signature header, so the scheme to re-sign with is unknown; pass --scheme"
            ))
        })?;
        let signer = Signer::signing(scheme.clone(), &self.secret)?;
        // The captured message id (webhook-id, svix-id), kept: it is the idempotency key.
        let id = scheme::any_timestamp_and_id(headers)
            .1
            .map(str::to_string)
            .unwrap_or_else(|| events::message_id(rng));
        let mut signed: Vec<Header> = headers
            .iter()
            .filter(|(name, _)| {
                !scheme::table::signature_header_names().any(|h| name.eq_ignore_ascii_case(h))
                    && !name.eq_ignore_ascii_case(scheme.signature_header())
            })
            .cloned()
            .collect();
        signed.extend(signer.sign(body, now, &id));
        Ok(signed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_merge_case_insensitively() {
        let merged = merge_headers(
            vec![("Content-Type".into(), "application/json".into())],
            vec![("content-type".into(), "text/plain".into())],
        );
        assert_eq!(
            merged,
            vec![("content-type".to_string(), "text/plain".to_string())]
        );
    }

    #[test]
    fn inline_data_must_be_json_unless_raw() {
        assert_eq!(data_body(r#"{"a":1}"#, false).unwrap(), br#"{"a":1}"#);
        assert!(
            data_body("{not json", false)
                .unwrap_err()
                .to_string()
                .contains("--raw")
        );
        assert_eq!(data_body("{not json", true).unwrap(), b"{not json");
        assert_eq!(data_body("plain text", true).unwrap(), b"plain text");
        assert!(
            data_body("plain text", false)
                .unwrap_err()
                .to_string()
                .contains("--raw")
        );
    }

    #[test]
    fn event_is_read_from_event_or_type() {
        assert_eq!(event_of(br#"{"event":"click"}"#).as_deref(), Some("click"));
        assert_eq!(
            event_of(br#"{"type":"invoice.paid"}"#).as_deref(),
            Some("invoice.paid")
        );
        assert_eq!(event_of(b"plain"), None);
    }
}
