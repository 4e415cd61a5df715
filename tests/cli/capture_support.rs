//! Helpers for the verify and replay tests: requests signed for every scheme by this file's
//! own HMAC code (from the providers' documentation, not whk's signing code), and the input
//! formats whk reads back (captures, JSON Lines, HAR, raw HTTP/1.1), written by hand.

#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::hmac;

/// One secret that serves every scheme: Standard Webhooks decodes the base64 after `whsec_`,
/// the others use the whole text (the svix test-suite key).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The base64 part of SECRET: it must never show up in output either.
pub const SECRET_KEY_PART: &str = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The seven named schemes, each detectable from its headers.
pub const SCHEMES: [&str; 7] = [
    "georedir", "relurl", "github", "stripe", "standard", "slack", "shopify",
];

/// The flags for the custom scheme these tests use: `X-Signature: sha256=<hex>`.
pub const CUSTOM_FLAGS: [&str; 6] = [
    "--scheme",
    "custom",
    "--signature-header",
    "X-Signature",
    "--signature-prefix",
    "sha256=",
];

/// 2020-01-01T00:00:00Z.
pub const T2020: i64 = 1_577_836_800;

pub type Headers = Vec<(String, String)>;

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn rfc3339(t: i64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_secs(t as u64)).to_string()
}

fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

/// The Standard Webhooks key: base64 after `whsec_`.
pub fn standard_key(secret: &str) -> Vec<u8> {
    B64.decode(secret.trim_start_matches("whsec_")).unwrap()
}

/// The signature headers `scheme` sends for `body` at unix time `t` (and message `id` for
/// the standard scheme), computed here from each provider's documented recipe.
pub fn sign(scheme: &str, secret: &str, body: &[u8], t: i64, id: &str) -> Headers {
    let key = secret.as_bytes();
    let ts = t.to_string();
    match scheme {
        "georedir" => vec![pair("X-GeoRedir-Signature", hex::encode(hmac(key, body)))],
        "relurl" => vec![pair("X-RELURL-Signature", hex::encode(hmac(key, body)))],
        "github" => vec![pair(
            "X-Hub-Signature-256",
            format!("sha256={}", hex::encode(hmac(key, body))),
        )],
        "shopify" => vec![pair("X-Shopify-Hmac-Sha256", B64.encode(hmac(key, body)))],
        "stripe" => {
            let signed = [ts.as_bytes(), b".", body].concat();
            vec![pair(
                "Stripe-Signature",
                format!("t={ts},v1={}", hex::encode(hmac(key, &signed))),
            )]
        }
        "standard" => {
            let signed = [id.as_bytes(), b".", ts.as_bytes(), b".", body].concat();
            vec![
                pair("webhook-id", id),
                pair("webhook-timestamp", ts.clone()),
                pair(
                    "webhook-signature",
                    format!("v1,{}", B64.encode(hmac(&standard_key(secret), &signed))),
                ),
            ]
        }
        "slack" => {
            let signed = [b"v0:", ts.as_bytes(), b":", body].concat();
            vec![
                pair("X-Slack-Request-Timestamp", ts.clone()),
                pair(
                    "X-Slack-Signature",
                    format!("v0={}", hex::encode(hmac(key, &signed))),
                ),
            ]
        }
        "custom" => vec![pair(
            "X-Signature",
            format!("sha256={}", hex::encode(hmac(key, body))),
        )],
        other => panic!("no signing recipe for {other}"),
    }
}

/// A captured request, before it is written in one of the input formats.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Headers,
    pub body: Vec<u8>,
    pub received_at: i64,
}

impl Req {
    /// A POST with the usual framing headers, then `signature` headers.
    pub fn post(body: &[u8], signature: Headers) -> Self {
        let mut headers = vec![
            pair("Host", "hooks.example.com"),
            pair("User-Agent", "Provider-Webhooks/1.0"),
            pair("Content-Type", "application/json"),
            pair("Content-Length", body.len().to_string()),
        ];
        headers.extend(signature);
        Req {
            method: "POST".into(),
            path: "/webhooks".into(),
            query: None,
            headers,
            body: body.to_vec(),
            received_at: unix_now(),
        }
    }

    /// A POST of `body` signed now by `scheme` with SECRET.
    pub fn signed(scheme: &str, body: &[u8]) -> Self {
        Req::post(body, sign(scheme, SECRET, body, unix_now(), "msg_test_1"))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The capture object `whk listen --save` writes for this request.
    pub fn capture(&self, id: &str) -> Value {
        let (body, body_base64) = match std::str::from_utf8(&self.body) {
            Ok(text) => (json!(text), Value::Null),
            Err(_) => (Value::Null, json!(B64.encode(&self.body))),
        };
        let mut capture = json!({
            "type": "delivery",
            "id": id,
            "received_at": rfc3339(self.received_at),
            "remote_addr": "127.0.0.1:50123",
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": body,
            "body_sha256": hex::encode(Sha256::digest(&self.body)),
            "body_size": self.body.len(),
            "event": null,
            "duplicate": false,
            "signature": null,
            "response": {"status": 200, "body": ""},
        });
        if !body_base64.is_null() {
            let fields = capture.as_object_mut().unwrap();
            fields.remove("body");
            fields.insert("body_base64".into(), body_base64);
        }
        capture
    }

    /// The request as `nc -l` records it: Content-Length framing, or chunked in pieces of
    /// `chunk` bytes (the Content-Length header is then replaced by Transfer-Encoding).
    pub fn raw_http(&self, chunk: Option<usize>) -> Vec<u8> {
        let target = match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        };
        let mut head = format!("{} {target} HTTP/1.1\r\n", self.method);
        for (name, value) in &self.headers {
            if chunk.is_some() && name.eq_ignore_ascii_case("Content-Length") {
                head.push_str("Transfer-Encoding: chunked\r\n");
                continue;
            }
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        match chunk {
            None => bytes.extend_from_slice(&self.body),
            Some(size) => {
                for piece in self.body.chunks(size) {
                    // A chunk extension, as some proxies write them.
                    bytes.extend_from_slice(format!("{:x};ext=1\r\n", piece.len()).as_bytes());
                    bytes.extend_from_slice(piece);
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(b"0\r\nX-Trailer: done\r\n\r\n");
            }
        }
        bytes
    }

    /// One HAR entry; the body base64-encoded when `base64`.
    pub fn har_entry(&self, base64: bool) -> Value {
        let post_data = if base64 {
            json!({"mimeType": "application/json", "text": B64.encode(&self.body), "encoding": "base64"})
        } else {
            json!({"mimeType": "application/json", "text": String::from_utf8(self.body.clone()).unwrap()})
        };
        let query = self
            .query
            .as_ref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        json!({
            "startedDateTime": rfc3339(self.received_at),
            "time": 12.5,
            "request": {
                "method": self.method,
                "url": format!("https://hooks.example.com{}{query}", self.path),
                "httpVersion": "HTTP/1.1",
                "headers": self.headers.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": self.body.len(),
                "postData": post_data,
            },
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
            "cache": {},
            "timings": {"send": 0, "wait": 12, "receive": 0.5}
        })
    }
}

/// A HAR document holding every request, as a browser's "Save all as HAR" writes it.
pub fn har(requests: &[Req]) -> String {
    let entries: Vec<Value> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| r.har_entry(i % 2 == 1))
        .collect();
    serde_json::to_string_pretty(&json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [],
            "entries": entries,
        }
    }))
    .unwrap()
}

/// JSON Lines of the requests' captures, as `whk listen --save FILE.jsonl` writes them.
pub fn jsonl(requests: &[Req]) -> String {
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}\n", r.capture(&format!("cap-{i:06}"))))
        .collect()
}

pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::write(path, bytes).unwrap();
}

/// A realistic click body, distinct per `n`.
pub fn click_body(n: usize) -> Vec<u8> {
    format!(
        r#"{{"event":"click","timestamp":"2026-02-25T14:30:00Z","data":{{"click_id":"clk_{n:06}","link_id":42,"link_slug":"my-offer","destination_url":"https://offer.example.com/landing","ip":"203.0.113.42","country":"US","region":"California","city":"Los Angeles","device":"mobile","browser":"Chrome","os":"Android","referer":"https://facebook.com","is_unique":true,"fraud_flags":[]}}}}"#
    )
    .into_bytes()
}

/// Every line of `stdout` parsed as JSON.
pub fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Asserts nothing in the output looks like a Rust panic.
#[track_caller]
pub fn assert_no_panic(stdout: &str, stderr: &str) {
    for text in [stdout, stderr] {
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "panic text in output:\n{text}"
        );
    }
}
