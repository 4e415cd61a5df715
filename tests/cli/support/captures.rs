//! Captured requests for the verify and replay tests, signed by [`sign`], and the input
//! formats whk reads back (captures, JSON Lines, HAR, raw HTTP/1.1), written by hand.

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use super::crypto::pair;
use super::{Headers, sha256_hex, sign, unix_now};

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

pub fn rfc3339(t: i64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_secs(t as u64)).to_string()
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
            "body_sha256": sha256_hex(&self.body),
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
