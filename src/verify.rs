//! Checking a delivery's signature: a secret plus a fixed scheme, or the scheme detected
//! from the headers. Shared by `listen`, `demo` and `verify`.

use serde_json::{Value, json};

use crate::error::Result;
use crate::scheme::{Header, Scheme, Signer, VerifyError, signature_like_headers};
use crate::secret::Secret;

/// The schemes that can be told from their headers, in detection order.
const DETECTABLE: [Scheme; 7] = [
    Scheme::Standard,
    Scheme::Stripe,
    Scheme::Slack,
    Scheme::Github,
    Scheme::Shopify,
    Scheme::GeoRedir,
    Scheme::Relurl,
];

/// The outcome for one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The scheme that was checked, if one was fixed or detected.
    pub scheme: Option<&'static str>,
    pub result: std::result::Result<Option<i64>, VerifyError>,
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        self.result.is_ok()
    }

    pub fn reason(&self) -> Option<String> {
        self.result.as_ref().err().map(ToString::to_string)
    }

    pub fn to_json(&self) -> Value {
        match &self.result {
            Ok(_) => json!({"scheme": self.scheme, "valid": true}),
            Err(err) => json!({"scheme": self.scheme, "valid": false, "reason": err.to_string()}),
        }
    }
}

/// Verifies deliveries with one secret. Keyed signers are built once, not per delivery.
pub struct Verifier {
    fixed: Option<Signer>,
    /// For detection: each detectable scheme's signer, or why the secret does not fit it.
    detected: Vec<(Scheme, std::result::Result<Signer, String>)>,
    tolerance: Option<u64>,
}

impl Verifier {
    /// `scheme: None` detects the scheme per delivery. `tolerance` in seconds each way;
    /// `None` skips the freshness check.
    pub fn new(secret: &Secret, scheme: Option<Scheme>, tolerance: Option<u64>) -> Result<Self> {
        let fixed = scheme.map(|s| Signer::new(s, secret)).transpose()?;
        let detected = if fixed.is_some() {
            Vec::new()
        } else {
            DETECTABLE
                .into_iter()
                .map(|s| (s.clone(), Signer::new(s, secret).map_err(|e| e.to_string())))
                .collect()
        };
        Ok(Verifier {
            fixed,
            detected,
            tolerance,
        })
    }

    pub fn check(&self, headers: &[Header], body: &[u8], now: i64) -> Verdict {
        if let Some(signer) = &self.fixed {
            return Verdict {
                scheme: Some(signer.scheme().name()),
                result: signer.verify(headers, body, now, self.tolerance),
            };
        }
        let Some(scheme) = Scheme::detect(headers) else {
            return Verdict {
                scheme: None,
                result: Err(VerifyError::NoScheme {
                    present: signature_like_headers(headers),
                }),
            };
        };
        let (_, signer) = self
            .detected
            .iter()
            .find(|(s, _)| *s == scheme)
            .expect("every detectable scheme has an entry");
        let result = match signer {
            Ok(signer) => signer.verify(headers, body, now, self.tolerance),
            Err(why) => Err(VerifyError::Malformed(why.clone())),
        };
        Verdict {
            scheme: Some(scheme.name()),
            result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_scheme_and_checks_it() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let verifier = Verifier::new(&secret, None, Some(300)).unwrap();
        for scheme in DETECTABLE {
            let headers = Signer::new(scheme.clone(), &secret)
                .unwrap()
                .sign(b"{}", 100, "msg_1");
            let verdict = verifier.check(&headers, b"{}", 100);
            assert_eq!(verdict.scheme, Some(scheme.name()));
            assert!(verdict.is_valid(), "{scheme:?}");
            assert!(!verifier.check(&headers, b"{ }", 100).is_valid());
        }
    }

    #[test]
    fn unknown_headers_say_so() {
        let verifier = Verifier::new(&Secret::new("k"), None, None).unwrap();
        let verdict = verifier.check(&[("X-Sig".into(), "abc".into())], b"", 0);
        assert_eq!(verdict.scheme, None);
        assert!(verdict.reason().unwrap().contains("X-Sig"));
    }

    #[test]
    fn a_plain_secret_fails_standard_deliveries_with_a_reason() {
        let standard = Signer::new(
            Scheme::Standard,
            &Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        )
        .unwrap();
        let headers = standard.sign(b"{}", 100, "msg_1");
        let verifier = Verifier::new(&Secret::new("not base64!"), None, None).unwrap();
        let verdict = verifier.check(&headers, b"{}", 100);
        assert!(verdict.reason().unwrap().contains("whsec_"));
    }
}

/// What most likely went wrong with a delivery that failed verification, found by trying
/// the usual mistakes and keeping the one that reproduces the presented signature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnosis {
    /// A stable name: reserialised, trailing-newline, line-endings, encoding, other-scheme,
    /// secret-form, stale, missing-header, malformed, wrong-secret-or-tampered.
    pub kind: &'static str,
    pub detail: String,
}

impl Diagnosis {
    fn new(kind: &'static str, detail: impl Into<String>) -> Self {
        Diagnosis {
            kind,
            detail: detail.into(),
        }
    }
}

/// Everything about a delivery that the diagnosis needs besides the verdict.
pub struct Evidence<'a> {
    pub headers: &'a [Header],
    pub body: &'a [u8],
    pub now: i64,
}

impl Verifier {
    /// Names the mistake behind a failed verdict; `None` for a valid one.
    pub fn diagnose(
        &self,
        secret: &Secret,
        evidence: &Evidence,
        verdict: &Verdict,
    ) -> Option<Diagnosis> {
        let err = verdict.result.as_ref().err()?;
        Some(match err {
            VerifyError::Stale { .. } => Diagnosis::new(
                "stale",
                format!("{err}; resend it with `whk replay --resign`, or check it as of its time with --now"),
            ),
            VerifyError::MissingHeader { header, .. } => match Scheme::detect(evidence.headers) {
                Some(other) => Diagnosis::new(
                    "other-scheme",
                    format!(
                        "no {header} header, but {} is there: the sender uses the {} scheme (try --scheme {})",
                        other.signature_header(),
                        other.name(),
                        other.name()
                    ),
                ),
                None => Diagnosis::new("missing-header", err.to_string()),
            },
            VerifyError::NoScheme { .. } => Diagnosis::new("missing-header", err.to_string()),
            VerifyError::Mismatch | VerifyError::Malformed(_) => self
                .signer_for(verdict)
                .and_then(|signer| changed_body(signer, evidence).or_else(|| other_form(signer, secret, evidence)))
                .unwrap_or_else(|| match err {
                    VerifyError::Malformed(_) => Diagnosis::new("malformed", err.to_string()),
                    _ => Diagnosis::new(
                        "wrong-secret-or-tampered",
                        "no usual mistake reproduces the signature: the secret is not the one the sender used, or the body was changed after signing",
                    ),
                }),
        })
    }

    fn signer_for(&self, verdict: &Verdict) -> Option<&Signer> {
        if let Some(signer) = &self.fixed {
            return Some(signer);
        }
        let name = verdict.scheme?;
        self.detected
            .iter()
            .find(|(s, _)| s.name() == name)
            .and_then(|(_, signer)| signer.as_ref().ok())
    }

    /// The expected signature headers and the exact bytes signed, for `--show-expected`.
    pub fn expected(
        &self,
        verdict: &Verdict,
        headers: &[Header],
        body: &[u8],
    ) -> Option<(Vec<Header>, Vec<u8>)> {
        let signer = self.signer_for(verdict)?;
        let (timestamp, id) = timestamp_and_id(headers);
        let t = timestamp.unwrap_or_default();
        let signed = signer.signed_content(body, &t.to_string(), id.unwrap_or(""));
        Some((signer.sign(body, t, id.unwrap_or("")), signed))
    }
}

/// The signed timestamp and message id a delivery carries, in any scheme's headers.
fn timestamp_and_id(headers: &[Header]) -> (Option<i64>, Option<&str>) {
    let stripe_t = crate::scheme::header(headers, "Stripe-Signature")
        .and_then(|v| v.split(',').find_map(|p| p.trim().strip_prefix("t=")));
    let timestamp = ["webhook-timestamp", "X-Slack-Request-Timestamp"]
        .iter()
        .find_map(|name| crate::scheme::header(headers, name))
        .or(stripe_t)
        .and_then(|t| t.trim().parse().ok());
    (timestamp, crate::scheme::header(headers, "webhook-id"))
}

/// Does the signature match the body as it looked before some common change?
fn changed_body(signer: &Signer, evidence: &Evidence) -> Option<Diagnosis> {
    body_variants(evidence.body).into_iter().find_map(|(kind, how, variant)| {
        signer
            .verify(evidence.headers, &variant, evidence.now, None)
            .is_ok()
            .then(|| Diagnosis::new(kind, format!(
                "the signature matches the body {how}: the bytes were changed between signing and here (a framework or proxy re-encoded them, or the sender signed other bytes than it sent); verify the raw bytes"
            )))
    })
}

/// The body as a sender or framework might have re-encoded it.
fn body_variants(body: &[u8]) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut variants = Vec::new();
    let mut with_newline = body.to_vec();
    with_newline.push(b'\n');
    variants.push((
        "trailing-newline",
        "with a trailing newline added",
        with_newline,
    ));
    if let Some(stripped) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
    {
        variants.push((
            "trailing-newline",
            "without its trailing newline",
            stripped.to_vec(),
        ));
    }
    if body.windows(2).any(|w| w == b"\r\n") {
        variants.push((
            "line-endings",
            "with CRLF line endings turned into LF",
            replace(body, b"\r\n", b"\n"),
        ));
    } else if body.contains(&b'\n') {
        variants.push((
            "line-endings",
            "with LF line endings turned into CRLF",
            replace(body, b"\n", b"\r\n"),
        ));
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let compact = serde_json::to_vec(&value).expect("a Value always serialises");
        let pretty = serde_json::to_vec_pretty(&value).expect("a Value always serialises");
        variants.push((
            "reserialised",
            "re-serialised as compact JSON (JSON.stringify(req.body))",
            compact.clone(),
        ));
        variants.push((
            "reserialised",
            "pretty-printed with 2-space indentation",
            pretty,
        ));
        variants.push((
            "reserialised",
            "pretty-printed with 4-space indentation",
            indented(&value, b"    "),
        ));
        variants.push((
            "reserialised",
            "re-serialised as Python's json.dumps does (\", \" and \": \", non-ASCII escaped)",
            escape_non_ascii(&python_dumps(&value), false),
        ));
        variants.push((
            "reserialised",
            "re-serialised as PHP's json_encode does (non-ASCII and / escaped)",
            escape_non_ascii(&compact, true),
        ));
    }
    variants.retain(|(_, _, variant)| variant != body);
    variants
}

fn replace(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 16);
    let mut rest = body;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn indented(value: &Value, indent: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer).expect("a Value always serialises");
    out
}

/// `json.dumps(value)` with Python's default separators (the ASCII escaping comes after).
fn python_dumps(value: &Value) -> Vec<u8> {
    struct Spaced;
    impl serde_json::ser::Formatter for Spaced {
        fn begin_array_value<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first { Ok(()) } else { w.write_all(b", ") }
        }
        fn begin_object_key<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first { Ok(()) } else { w.write_all(b", ") }
        }
        fn begin_object_value<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
        ) -> std::io::Result<()> {
            w.write_all(b": ")
        }
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Spaced);
    serde::Serialize::serialize(value, &mut serializer).expect("a Value always serialises");
    out
}

/// Escapes every non-ASCII character as `\uXXXX` (and `/` as `\/` when asked). Outside
/// strings JSON is ASCII already, so working on the text is safe.
fn escape_non_ascii(json: &[u8], slashes: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(json);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '/' if slashes => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.into_bytes()
}

/// A way the MAC might have been computed or written.
struct Form {
    key: &'static str,
    layout: &'static str,
    encoding: &'static str,
    prefix: String,
}

/// Does the presented signature match another key form, signed layout or encoding?
fn other_form(signer: &Signer, secret: &Secret, evidence: &Evidence) -> Option<Diagnosis> {
    let scheme = signer.scheme();
    let expected = expected_form(scheme);
    let presented = presented_tokens(evidence.headers);
    let (timestamp, id) = timestamp_and_id(evidence.headers);
    let t = timestamp.map(|t| t.to_string()).unwrap_or_default();
    for (key_name, key) in key_forms(secret) {
        for (layout, content) in layouts(evidence.body, &t, id.unwrap_or("")) {
            let mac = crate::scheme::hmac_sha256(&key, &content);
            let Some((encoding, prefix, header)) = presented
                .iter()
                .find(|(bytes, ..)| *bytes == mac)
                .map(|(_, encoding, prefix, header)| (*encoding, prefix.clone(), header.clone()))
            else {
                continue;
            };
            let found = Form {
                key: key_name,
                layout,
                encoding,
                prefix,
            };
            return Some(describe(scheme, &expected, &found, &header));
        }
    }
    None
}

fn describe(scheme: &Scheme, expected: &Form, found: &Form, header: &str) -> Diagnosis {
    let name = scheme.name();
    if found.key != expected.key {
        return Diagnosis::new(
            "secret-form",
            format!(
                "the signature was made with {} as the HMAC key, but {name} uses {}",
                found.key, expected.key
            ),
        );
    }
    if found.layout != expected.layout {
        return Diagnosis::new(
            "other-scheme",
            format!(
                "the signature covers {} but {name} signs {}: the sender used another scheme's layout",
                found.layout, expected.layout
            ),
        );
    }
    if found.encoding != expected.encoding {
        return Diagnosis::new(
            "encoding",
            format!(
                "the signature is written in {} but {name} uses {}",
                found.encoding, expected.encoding
            ),
        );
    }
    if found.prefix != expected.prefix {
        let shown = |p: &str| {
            if p.is_empty() {
                "no prefix".to_string()
            } else {
                format!("the prefix {p:?}")
            }
        };
        return Diagnosis::new(
            "encoding",
            format!(
                "the signature has {} but {name} expects {}",
                shown(&found.prefix),
                shown(&expected.prefix)
            ),
        );
    }
    Diagnosis::new(
        "other-scheme",
        format!(
            "a matching signature is in the {header} header, but {name} reads {}",
            scheme.signature_header()
        ),
    )
}

const RAW_KEY: &str = "the secret's text";
const DECODED_KEY: &str = "the base64-decoded key after whsec_";
const BODY: &str = "the raw body";
const STRIPE_LAYOUT: &str = "\"{timestamp}.{body}\" (Stripe)";
const STANDARD_LAYOUT: &str = "\"{id}.{timestamp}.{body}\" (Standard Webhooks)";
const SLACK_LAYOUT: &str = "\"v0:{timestamp}:{body}\" (Slack)";

fn expected_form(scheme: &Scheme) -> Form {
    let (key, layout, encoding, prefix) = match scheme {
        Scheme::GeoRedir | Scheme::Relurl => (RAW_KEY, BODY, "hex", ""),
        Scheme::Github => (RAW_KEY, BODY, "hex", "sha256="),
        Scheme::Stripe => (RAW_KEY, STRIPE_LAYOUT, "hex", "v1="),
        Scheme::Standard => (DECODED_KEY, STANDARD_LAYOUT, "base64", "v1,"),
        Scheme::Slack => (RAW_KEY, SLACK_LAYOUT, "hex", "v0="),
        Scheme::Shopify => (RAW_KEY, BODY, "base64", ""),
        Scheme::Custom(custom) => {
            let encoding = if custom.encoding == crate::scheme::Encoding::Hex {
                "hex"
            } else {
                "base64"
            };
            return Form {
                key: RAW_KEY,
                layout: BODY,
                encoding,
                prefix: custom.prefix.clone(),
            };
        }
    };
    Form {
        key,
        layout,
        encoding,
        prefix: prefix.to_string(),
    }
}

fn key_forms(secret: &Secret) -> Vec<(&'static str, Vec<u8>)> {
    let mut forms = vec![(RAW_KEY, secret.raw_key())];
    if let Ok(decoded) = secret.standard_key() {
        forms.push((DECODED_KEY, decoded));
    }
    match secret.expose().strip_prefix("whsec_") {
        Some(stripped) => forms.push((
            "the secret's text without its whsec_ prefix",
            stripped.as_bytes().to_vec(),
        )),
        // The receiver was given the secret without its prefix; the sender kept it.
        None => forms.push((
            "the text whsec_ + the secret",
            format!("whsec_{}", secret.expose()).into_bytes(),
        )),
    }
    forms
}

fn layouts(body: &[u8], t: &str, id: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut all = vec![(BODY, body.to_vec())];
    if !t.is_empty() {
        all.push((STRIPE_LAYOUT, [t.as_bytes(), b".", body].concat()));
        all.push((SLACK_LAYOUT, [b"v0:", t.as_bytes(), b":", body].concat()));
        if !id.is_empty() {
            all.push((
                STANDARD_LAYOUT,
                [id.as_bytes(), b".", t.as_bytes(), b".", body].concat(),
            ));
        }
    }
    all
}

/// Every MAC-sized value in the signature-like headers: (bytes, encoding, prefix, header).
fn presented_tokens(headers: &[Header]) -> Vec<([u8; 32], &'static str, String, String)> {
    use base64::Engine;
    let mut tokens = Vec::new();
    for name in signature_like_headers(headers) {
        let value = crate::scheme::header(headers, &name).unwrap_or_default();
        for piece in value.split([' ', ';']).flat_map(split_versioned) {
            let (prefix, payload) = piece;
            let hex = hex::decode(payload)
                .ok()
                .filter(|b| b.len() == 32)
                .map(|b| (b, "hex"));
            let b64 = base64::engine::general_purpose::STANDARD
                .decode(payload)
                .ok()
                .filter(|b| b.len() == 32)
                .map(|b| (b, "base64"));
            for (bytes, encoding) in hex.into_iter().chain(b64) {
                let mut mac = [0u8; 32];
                mac.copy_from_slice(&bytes);
                tokens.push((mac, encoding, prefix.clone(), name.clone()));
            }
        }
    }
    tokens
}

/// Splits `t=1,v1=abc` and `v1,abc` into (prefix, payload) pairs: ("v1=", "abc").
fn split_versioned(piece: &str) -> Vec<(String, &str)> {
    if let Some((version, payload)) = piece.split_once(',')
        && version.len() <= 3
        && version.bytes().all(|b| b.is_ascii_alphanumeric())
        && !payload.contains(',')
    {
        return vec![(format!("{version},"), payload)];
    }
    piece
        .split(',')
        .map(|part| match part.split_once('=') {
            Some((label, payload))
                if label.len() <= 8
                    && !payload.is_empty()
                    && label.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                (format!("{label}="), payload)
            }
            _ => (String::new(), part),
        })
        .collect()
}

#[cfg(test)]
mod diagnosis_tests {
    use super::*;
    use crate::scheme::Custom;

    const NOW: i64 = 1_700_000_000;

    fn diagnose(scheme: Scheme, secret: &str, headers: &[Header], body: &[u8]) -> Diagnosis {
        let secret = Secret::new(secret);
        let verifier = Verifier::new(&secret, Some(scheme), Some(300)).unwrap();
        let verdict = verifier.check(headers, body, NOW);
        assert!(!verdict.is_valid(), "expected a failure");
        let evidence = Evidence {
            headers,
            body,
            now: NOW,
        };
        verifier.diagnose(&secret, &evidence, &verdict).unwrap()
    }

    fn signed(scheme: Scheme, secret: &str, body: &[u8]) -> Vec<Header> {
        Signer::new(scheme, &Secret::new(secret))
            .unwrap()
            .sign(body, NOW, "msg_1")
    }

    #[test]
    fn pretty_printed_body_is_diagnosed_as_reserialised() {
        let compact =
            r#"{"event":"click","data":{"city":"Zürich","url":"https://a/b"}}"#.as_bytes();
        let headers = signed(Scheme::GeoRedir, "k", compact);
        let value: Value = serde_json::from_slice(compact).unwrap();
        let pretty = serde_json::to_vec_pretty(&value).unwrap();
        assert_eq!(
            diagnose(Scheme::GeoRedir, "k", &headers, &pretty).kind,
            "reserialised"
        );
    }

    #[test]
    fn python_and_php_originals_are_diagnosed_as_reserialised() {
        let python = br#"{"revenue": 49.99, "city": "S\u00e3o Paulo", "tags": ["a", "b"]}"#;
        let php = br#"{"city":"S\u00e3o Paulo","url":"https:\/\/a.example\/x"}"#;
        for original in [&python[..], &php[..]] {
            let headers = signed(Scheme::Github, "k", original);
            let value: Value = serde_json::from_slice(original).unwrap();
            let compact = serde_json::to_vec(&value).unwrap();
            let d = diagnose(Scheme::Github, "k", &headers, &compact);
            assert_eq!(d.kind, "reserialised", "{d:?}");
        }
    }

    #[test]
    fn newline_and_line_ending_changes_are_named() {
        let headers = signed(Scheme::Shopify, "k", b"{\"a\":1}");
        assert_eq!(
            diagnose(Scheme::Shopify, "k", &headers, b"{\"a\":1}\n").kind,
            "trailing-newline"
        );
        let headers = signed(Scheme::GeoRedir, "k", b"line1\nline2");
        assert_eq!(
            diagnose(Scheme::GeoRedir, "k", &headers, b"line1\r\nline2").kind,
            "line-endings"
        );
    }

    #[test]
    fn hex_where_base64_is_expected_is_an_encoding_mistake() {
        let mac = crate::scheme::hmac_sha256(b"k", b"{}");
        let headers = vec![("X-Shopify-Hmac-Sha256".to_string(), hex::encode(mac))];
        let d = diagnose(Scheme::Shopify, "k", &headers, b"{}");
        assert_eq!(d.kind, "encoding", "{d:?}");
        assert!(d.detail.contains("hex"), "{d:?}");
    }

    #[test]
    fn missing_sha256_prefix_is_an_encoding_mistake() {
        let mac = crate::scheme::hmac_sha256(b"k", b"{}");
        let headers = vec![("X-Hub-Signature-256".to_string(), hex::encode(mac))];
        let d = diagnose(Scheme::Github, "k", &headers, b"{}");
        assert_eq!(d.kind, "encoding", "{d:?}");
        assert!(d.detail.contains("sha256="), "{d:?}");
    }

    #[test]
    fn standard_secret_used_as_text_is_a_secret_form_mistake() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let content = b"msg_1.1700000000.{}";
        use base64::Engine;
        for key in [secret.as_bytes(), &secret.as_bytes()[6..]] {
            let mac = crate::scheme::hmac_sha256(key, content);
            let headers = vec![
                ("webhook-id".to_string(), "msg_1".to_string()),
                ("webhook-timestamp".to_string(), NOW.to_string()),
                (
                    "webhook-signature".to_string(),
                    format!(
                        "v1,{}",
                        base64::engine::general_purpose::STANDARD.encode(mac)
                    ),
                ),
            ];
            let d = diagnose(Scheme::Standard, secret, &headers, b"{}");
            assert_eq!(d.kind, "secret-form", "{d:?}");
        }
    }

    #[test]
    fn stripe_layout_under_a_georedir_header_is_another_scheme() {
        let mac = crate::scheme::hmac_sha256(b"k", b"1700000000.{}");
        let headers = vec![
            ("X-GeoRedir-Signature".to_string(), hex::encode(mac)),
            ("Stripe-Signature".to_string(), format!("t={NOW},v1=00")),
        ];
        let d = diagnose(Scheme::GeoRedir, "k", &headers, b"{}");
        assert_eq!(d.kind, "other-scheme", "{d:?}");
    }

    #[test]
    fn stale_missing_and_unknown_failures() {
        let old = Signer::new(Scheme::Stripe, &Secret::new("k"))
            .unwrap()
            .sign(b"{}", NOW - 3600, "");
        let d = diagnose(Scheme::Stripe, "k", &old, b"{}");
        assert_eq!(d.kind, "stale");
        assert!(d.detail.contains("3600s old"), "{d:?}");
        let github = signed(Scheme::Github, "k", b"{}");
        let d = diagnose(Scheme::GeoRedir, "k", &github, b"{}");
        assert_eq!(d.kind, "other-scheme");
        assert!(d.detail.contains("--scheme github"), "{d:?}");
        let d = diagnose(
            Scheme::GeoRedir,
            "k",
            &[("X-Other".into(), "1".into())],
            b"{}",
        );
        assert_eq!(d.kind, "missing-header");
        let headers = signed(Scheme::GeoRedir, "right", b"{}");
        assert_eq!(
            diagnose(Scheme::GeoRedir, "wrong", &headers, b"{}").kind,
            "wrong-secret-or-tampered"
        );
        let custom = Scheme::Custom(Custom {
            header: "X-Sig".into(),
            prefix: "".into(),
            encoding: crate::scheme::Encoding::Hex,
        });
        let headers = signed(custom.clone(), "k", b"{\"a\":1}");
        assert_eq!(
            diagnose(custom, "k", &headers, b"{\"a\":2}").kind,
            "wrong-secret-or-tampered"
        );
    }
}
