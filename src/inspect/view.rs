//! What the page is sent about a delivery: a summary row for the list, and the whole of it
//! for the detail view. Values are exact; escaping is the page's job (it sets text, never
//! HTML).

use serde::Serialize;
use serde_json::Value;

use super::{Entry, Inspector, verdict_of};
use crate::client;
use crate::curl::{CurlBody, CurlCommand};
use crate::scheme::Header;
use crate::verify::{Evidence, Verdict};

/// One row of the list.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub seq: u64,
    pub id: &'a str,
    /// RFC 3339 with milliseconds, or null when the input did not say.
    pub received_at: Option<String>,
    pub method: &'a str,
    pub target: &'a str,
    pub event: Option<&'a str>,
    /// `valid`, `invalid` or `unchecked`.
    pub verdict: &'static str,
    pub scheme: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// The status answered; null when the input holds no answer (raw HTTP, HAR).
    pub status: Option<u16>,
    pub size: usize,
    pub duplicate: bool,
}

pub fn summary(entry: &Entry) -> Summary<'_> {
    let signature = entry.facts.signature.as_ref();
    Summary {
        seq: entry.seq,
        id: &entry.facts.id,
        received_at: entry
            .received_at
            .map(|t| humantime::format_rfc3339_millis(t).to_string()),
        method: &entry.method,
        target: &entry.target,
        event: entry.facts.event.as_deref(),
        verdict: verdict_of(signature),
        scheme: signature.and_then(|s| s.scheme.as_deref()),
        reason: signature.and_then(|s| s.reason.as_deref()),
        status: (entry.facts.response.status != 0).then_some(entry.facts.response.status),
        size: entry.body.len(),
        duplicate: entry.facts.duplicate,
    }
}

/// The body as the page shows it: text (pretty JSON is the page's), or base64 and a hex
/// dump for bytes that are not UTF-8.
#[derive(Serialize)]
pub struct BodyView {
    pub text: Option<String>,
    pub base64: Option<String>,
    pub hex: Option<String>,
    /// The body parsed as JSON, for the tree.
    pub json: Option<Value>,
}

/// Bodies above this are shown as text only: a tree of them would be too big for the page.
const TREE_LIMIT: usize = 2 << 20;

pub fn body_view(body: &[u8]) -> BodyView {
    match std::str::from_utf8(body) {
        Ok(text) => BodyView {
            text: Some(text.to_string()),
            base64: None,
            hex: None,
            json: (body.len() <= TREE_LIMIT)
                .then(|| serde_json::from_str(text).ok())
                .flatten(),
        },
        Err(_) => BodyView {
            text: None,
            base64: Some(crate::capture::body_fields(body).1.unwrap_or_default()),
            hex: Some(crate::output::hex_dump(body, 4096)),
            json: None,
        },
    }
}

/// Why a signature failed, in the verifier's words.
#[derive(Serialize)]
pub struct DiagnosisView {
    pub kind: crate::verify::DiagnosisKind,
    pub detail: String,
}

/// Everything about one delivery.
#[derive(Serialize)]
pub struct Detail<'a> {
    #[serde(flatten)]
    pub summary: Summary<'a>,
    pub source: Option<&'a str>,
    pub remote_addr: Option<&'a str>,
    pub headers: &'a [Header],
    pub body: BodyView,
    pub diagnosis: Option<DiagnosisView>,
    /// Whether the expected signature can be shown (a secret was given).
    pub can_explain: bool,
    pub response: Option<&'a crate::capture::CapturedResponse>,
    pub forward: Option<&'a crate::capture::Forwarded>,
    pub curl: String,
}

pub fn detail<'a>(inspector: &Inspector, entry: &'a Entry) -> Detail<'a> {
    let checker = inspector.settings.checker.as_ref();
    let diagnosis = checker.and_then(|checker| {
        let verdict = verdict_now(checker, entry);
        let evidence = Evidence {
            headers: &entry.headers,
            body: &entry.body,
            now: at(entry),
        };
        checker
            .verifier
            .diagnose(&evidence, &verdict)
            .map(|d| DiagnosisView {
                kind: d.kind,
                detail: d.detail,
            })
    });
    Detail {
        summary: summary(entry),
        source: entry.source.as_deref(),
        remote_addr: entry.facts.remote_addr.as_deref(),
        headers: &entry.headers,
        body: body_view(&entry.body),
        diagnosis,
        can_explain: checker.is_some(),
        response: (entry.facts.response.status != 0).then_some(&entry.facts.response),
        forward: entry.facts.forward.as_ref(),
        curl: curl(&inspector.settings.curl_base, entry),
    }
}

/// When the delivery arrived, in Unix seconds (now when the input did not say).
fn at(entry: &Entry) -> i64 {
    crate::events::unix_seconds(entry.received_at.unwrap_or_else(std::time::SystemTime::now))
}

fn verdict_now(checker: &super::Checker, entry: &Entry) -> Verdict {
    checker
        .verifier
        .check(&entry.headers, &entry.body, at(entry))
}

/// The signature the secret gives, and the exact bytes it signs.
#[derive(Serialize)]
pub struct Expected {
    pub headers: Vec<Header>,
    pub signed: String,
}

pub fn expected(inspector: &Inspector, entry: &Entry) -> Option<Expected> {
    let checker = inspector.settings.checker.as_ref()?;
    let verdict = verdict_now(checker, entry);
    let (headers, signed) = checker
        .verifier
        .expected(&verdict, &entry.headers, &entry.body)?;
    Some(Expected {
        headers,
        signed: String::from_utf8_lossy(&signed).into_owned(),
    })
}

/// Larger bodies that a shell string cannot hold are left to a file: as printf escapes they
/// would make a command of several times their size.
const MAX_PRINTF_BODY: usize = 16 * 1024;

/// A curl command that sends the delivery again.
fn curl(base: &str, entry: &Entry) -> String {
    let url = format!("{}{}", base.trim_end_matches('/'), entry.target);
    let body = match std::str::from_utf8(&entry.body) {
        Ok(text) if !text.contains('\0') => CurlBody::Inline(text.to_string()),
        _ if entry.body.len() <= MAX_PRINTF_BODY => CurlBody::Bytes(entry.body.clone()),
        _ => CurlBody::File(format!("{}.bin", entry.facts.id)),
    };
    let headers = client::copyable_headers(&entry.headers);
    CurlCommand::new(&entry.method, &url, &headers, body).render()
}

/// Whether `needle` (lower-case) occurs in the delivery's body, path or headers, ignoring
/// case.
pub fn matches(entry: &Entry, needle: &str) -> bool {
    let has = |text: &str| text.to_lowercase().contains(needle);
    has(&String::from_utf8_lossy(&entry.body))
        || has(&entry.target)
        || entry
            .headers
            .iter()
            .any(|(name, value)| has(name) || has(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_bodies_get_a_hex_dump_and_base64() {
        let view = body_view(&[0x00, 0xff, b'A']);
        assert_eq!(view.text, None);
        assert_eq!(view.base64.as_deref(), Some("AP9B"));
        assert!(view.hex.unwrap().starts_with("00000000  00 ff 41"));
    }

    #[test]
    fn json_bodies_are_parsed_for_the_tree() {
        let view = body_view(br#"{"a":[1,{"b":null}]}"#);
        assert_eq!(view.json.unwrap()["a"][1]["b"], Value::Null);
    }
}
