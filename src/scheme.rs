//! Signature schemes: how each provider signs a delivery and how a receiver checks it.
//!
//! Pure code: no I/O and no clock. Callers pass the timestamp to sign with and the `now` to
//! verify against, so every result here is reproducible in a test.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::choice::Choice;
use crate::error::{Error, Result};
use crate::secret::Secret;

type HmacSha256 = Hmac<Sha256>;

/// One HTTP header as (name, value), in the order it is sent.
pub type Header = (String, String);

/// Owned headers, names as sent and in order, from a head parsed by httparse (values that
/// are not UTF-8 are read lossily).
pub fn owned_headers(parsed: &[httparse::Header<'_>]) -> Vec<Header> {
    parsed
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

/// The scheme names a user can pick with `--scheme`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeName {
    /// X-GeoRedir-Signature: hex HMAC of the raw body
    Georedir,
    /// X-RELURL-Signature: hex HMAC of the raw body
    Relurl,
    /// X-Hub-Signature-256: sha256=<hex>
    Github,
    /// Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"
    Stripe,
    /// Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64>
    Standard,
    /// X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"
    Slack,
    /// X-Shopify-Hmac-Sha256: base64 HMAC of the raw body
    Shopify,
    /// --signature-header NAME with --signature-prefix and --encoding
    Custom,
}

/// How a custom scheme writes the MAC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    #[default]
    Hex,
    Base64,
}

impl Choice for SchemeName {
    const ALL: &'static [Self] = &[
        SchemeName::Georedir,
        SchemeName::Relurl,
        SchemeName::Github,
        SchemeName::Stripe,
        SchemeName::Standard,
        SchemeName::Slack,
        SchemeName::Shopify,
        SchemeName::Custom,
    ];

    fn name(self) -> &'static str {
        match self {
            SchemeName::Georedir => "georedir",
            SchemeName::Relurl => "relurl",
            SchemeName::Github => "github",
            SchemeName::Stripe => "stripe",
            SchemeName::Standard => "standard",
            SchemeName::Slack => "slack",
            SchemeName::Shopify => "shopify",
            SchemeName::Custom => "custom",
        }
    }

    fn help(self) -> Option<&'static str> {
        Some(match self {
            SchemeName::Georedir => "X-GeoRedir-Signature: hex HMAC of the raw body",
            SchemeName::Relurl => "X-RELURL-Signature: hex HMAC of the raw body",
            SchemeName::Github => "X-Hub-Signature-256: sha256=<hex>",
            SchemeName::Stripe => "Stripe-Signature: t=<unix>,v1=<hex> over \"{t}.{body}\"",
            SchemeName::Standard => {
                "Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64>"
            }
            SchemeName::Slack => "X-Slack-Signature: v0=<hex> over \"v0:{ts}:{body}\"",
            SchemeName::Shopify => "X-Shopify-Hmac-Sha256: base64 HMAC of the raw body",
            SchemeName::Custom => "--signature-header NAME with --signature-prefix and --encoding",
        })
    }
}

impl Choice for Encoding {
    const ALL: &'static [Self] = &[Encoding::Hex, Encoding::Base64];

    fn name(self) -> &'static str {
        match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        }
    }

    fn help(self) -> Option<&'static str> {
        None
    }
}

impl Encoding {
    fn encode(self, mac: &[u8]) -> String {
        match self {
            Encoding::Hex => hex::encode(mac),
            Encoding::Base64 => BASE64.encode(mac),
        }
    }

    fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Hex => hex::decode(text).ok(),
            Encoding::Base64 => BASE64.decode(text).ok(),
        }
    }
}

/// A custom header scheme, e.g. `X-Signature: sha256=<hex>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Custom {
    pub header: String,
    pub prefix: String,
    pub encoding: Encoding,
}

/// A fully described scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scheme {
    GeoRedir,
    Relurl,
    Github,
    Stripe,
    Standard,
    Slack,
    Shopify,
    Custom(Custom),
}

/// The part of the signature headers that every scheme needs for each header it sends.
const GEOREDIR_HEADER: &str = "X-GeoRedir-Signature";
const RELURL_HEADER: &str = "X-RELURL-Signature";
const GITHUB_HEADER: &str = "X-Hub-Signature-256";
const STRIPE_HEADER: &str = "Stripe-Signature";
const STANDARD_ID: &str = "webhook-id";
const STANDARD_TIMESTAMP: &str = "webhook-timestamp";
const STANDARD_SIGNATURE: &str = "webhook-signature";
const SLACK_HEADER: &str = "X-Slack-Signature";
const SLACK_TIMESTAMP: &str = "X-Slack-Request-Timestamp";
const SHOPIFY_HEADER: &str = "X-Shopify-Hmac-Sha256";

/// Every header a known scheme signs into, for stripping a delivery before re-signing it.
pub const SIGNATURE_HEADERS: &[&str] = &[
    GEOREDIR_HEADER,
    RELURL_HEADER,
    GITHUB_HEADER,
    STRIPE_HEADER,
    STANDARD_ID,
    STANDARD_TIMESTAMP,
    STANDARD_SIGNATURE,
    SLACK_HEADER,
    SLACK_TIMESTAMP,
    SHOPIFY_HEADER,
];

impl Scheme {
    /// Builds a scheme from its name; `custom` needs the header it signs into.
    pub fn from_name(name: SchemeName, custom: Option<Custom>) -> Result<Self> {
        Ok(match name {
            SchemeName::Georedir => Scheme::GeoRedir,
            SchemeName::Relurl => Scheme::Relurl,
            SchemeName::Github => Scheme::Github,
            SchemeName::Stripe => Scheme::Stripe,
            SchemeName::Standard => Scheme::Standard,
            SchemeName::Slack => Scheme::Slack,
            SchemeName::Shopify => Scheme::Shopify,
            SchemeName::Custom => Scheme::Custom(custom.ok_or_else(|| {
                Error::usage(
                    "--scheme custom needs --signature-header NAME (e.g. --signature-header X-Signature --signature-prefix sha256=)",
                )
            })?),
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Scheme::GeoRedir => "georedir",
            Scheme::Relurl => "relurl",
            Scheme::Github => "github",
            Scheme::Stripe => "stripe",
            Scheme::Standard => "standard",
            Scheme::Slack => "slack",
            Scheme::Shopify => "shopify",
            Scheme::Custom(_) => "custom",
        }
    }

    /// Whether the signature covers a timestamp that a receiver must check for freshness.
    pub fn is_timestamped(&self) -> bool {
        matches!(self, Scheme::Stripe | Scheme::Standard | Scheme::Slack)
    }

    /// Recognises the scheme from the headers of a delivery (custom schemes cannot be told).
    pub fn detect(headers: &[Header]) -> Option<Scheme> {
        let candidates = [
            (STANDARD_SIGNATURE, Scheme::Standard),
            (STRIPE_HEADER, Scheme::Stripe),
            (SLACK_HEADER, Scheme::Slack),
            (GITHUB_HEADER, Scheme::Github),
            (SHOPIFY_HEADER, Scheme::Shopify),
            (GEOREDIR_HEADER, Scheme::GeoRedir),
            (RELURL_HEADER, Scheme::Relurl),
        ];
        candidates
            .into_iter()
            .find(|(name, _)| header(headers, name).is_some())
            .map(|(_, scheme)| scheme)
    }

    /// The header that carries the signature, named as the provider spells it.
    pub fn signature_header(&self) -> &str {
        match self {
            Scheme::GeoRedir => GEOREDIR_HEADER,
            Scheme::Relurl => RELURL_HEADER,
            Scheme::Github => GITHUB_HEADER,
            Scheme::Stripe => STRIPE_HEADER,
            Scheme::Standard => STANDARD_SIGNATURE,
            Scheme::Slack => SLACK_HEADER,
            Scheme::Shopify => SHOPIFY_HEADER,
            Scheme::Custom(custom) => &custom.header,
        }
    }
}

/// Why a delivery failed verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The header the scheme signs into is absent; `present` lists signature-like headers.
    MissingHeader {
        header: String,
        present: Vec<String>,
    },
    /// No header of a known scheme; `present` lists signature-like headers.
    NoScheme { present: Vec<String> },
    /// A header is there but cannot be read (not hex, no `t=`, not a number…).
    Malformed(String),
    /// The signature matches but the timestamp is outside the tolerance.
    Stale {
        timestamp: i64,
        now: i64,
        tolerance: u64,
    },
    /// No signature matches: wrong secret or the body was changed.
    Mismatch,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::MissingHeader { header, present } if present.is_empty() => {
                write!(f, "no {header} header, and no other signature header")
            }
            VerifyError::MissingHeader { header, present } => {
                write!(
                    f,
                    "no {header} header (signature-like headers present: {})",
                    present.join(", ")
                )
            }
            VerifyError::NoScheme { present } if present.is_empty() => {
                f.write_str("no signature header of a known scheme; is the sender signing?")
            }
            VerifyError::NoScheme { present } => write!(
                f,
                "no signature header of a known scheme (present: {}); name it with --scheme custom --signature-header",
                present.join(", ")
            ),
            VerifyError::Malformed(reason) => f.write_str(reason),
            VerifyError::Stale {
                timestamp,
                now,
                tolerance,
            } => {
                let skew = now - timestamp;
                let direction = if skew >= 0 { "old" } else { "in the future" };
                write!(
                    f,
                    "timestamp {timestamp} is {}s {direction}, beyond the {tolerance}s tolerance",
                    skew.unsigned_abs()
                )
            }
            VerifyError::Mismatch => f.write_str(
                "signature does not match: wrong secret, or the body was changed after signing",
            ),
        }
    }
}

/// A scheme with its key ready: signs and verifies deliveries.
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    keyed: HmacSha256,
}

/// What a delivery's signature headers carry once parsed.
struct Presented {
    signatures: Vec<Vec<u8>>,
    timestamp: Option<i64>,
    id: Option<String>,
}

impl Signer {
    pub fn new(scheme: Scheme, secret: &Secret) -> Result<Self> {
        let key = match scheme {
            Scheme::Standard => secret.standard_key()?,
            _ => secret.raw_key(),
        };
        let keyed = HmacSha256::new_from_slice(&key).expect("HMAC accepts keys of any length");
        Ok(Signer { scheme, keyed })
    }

    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The headers that sign `body` at `timestamp` (unix seconds) with message id `id`.
    pub fn sign(&self, body: &[u8], timestamp: i64, id: &str) -> Vec<Header> {
        let t = timestamp.to_string();
        let mac = self.mac_for(body, &t, id);
        let pair = |name: &str, value: String| (name.to_string(), value);
        match &self.scheme {
            Scheme::GeoRedir => vec![pair(GEOREDIR_HEADER, hex::encode(mac))],
            Scheme::Relurl => vec![pair(RELURL_HEADER, hex::encode(mac))],
            Scheme::Github => vec![pair(GITHUB_HEADER, format!("sha256={}", hex::encode(mac)))],
            Scheme::Stripe => vec![pair(
                STRIPE_HEADER,
                format!("t={t},v1={}", hex::encode(mac)),
            )],
            Scheme::Standard => vec![
                pair(STANDARD_ID, id.to_string()),
                pair(STANDARD_TIMESTAMP, t),
                pair(STANDARD_SIGNATURE, format!("v1,{}", BASE64.encode(mac))),
            ],
            Scheme::Slack => vec![
                pair(SLACK_TIMESTAMP, t),
                pair(SLACK_HEADER, format!("v0={}", hex::encode(mac))),
            ],
            Scheme::Shopify => vec![pair(SHOPIFY_HEADER, BASE64.encode(mac))],
            Scheme::Custom(custom) => vec![pair(
                &custom.header,
                format!("{}{}", custom.prefix, custom.encoding.encode(&mac)),
            )],
        }
    }

    /// Checks a delivery. `tolerance` (seconds, each way) applies to timestamped schemes;
    /// `None` skips the freshness check. Returns the signed timestamp when there is one.
    pub fn verify(
        &self,
        headers: &[Header],
        body: &[u8],
        now: i64,
        tolerance: Option<u64>,
    ) -> Result<Option<i64>, VerifyError> {
        let presented = self.presented(headers)?;
        let t = presented
            .timestamp
            .map(|t| t.to_string())
            .unwrap_or_default();
        let expected = self.mac_for(body, &t, presented.id.as_deref().unwrap_or(""));
        let matched = presented
            .signatures
            .iter()
            .fold(subtle::Choice::from(0), |any, sig| {
                any | expected.as_slice().ct_eq(sig)
            });
        if !bool::from(matched) {
            return Err(VerifyError::Mismatch);
        }
        if let (Some(timestamp), Some(tolerance)) = (presented.timestamp, tolerance)
            && now.abs_diff(timestamp) > tolerance
        {
            return Err(VerifyError::Stale {
                timestamp,
                now,
                tolerance,
            });
        }
        Ok(presented.timestamp)
    }

    /// The exact bytes the scheme signs, for `--show-expected` style output.
    pub fn signed_content(&self, body: &[u8], timestamp: &str, id: &str) -> Vec<u8> {
        let mut content = Vec::with_capacity(body.len() + 64);
        match self.scheme {
            Scheme::Stripe => content.extend_from_slice(format!("{timestamp}.").as_bytes()),
            Scheme::Standard => content.extend_from_slice(format!("{id}.{timestamp}.").as_bytes()),
            Scheme::Slack => content.extend_from_slice(format!("v0:{timestamp}:").as_bytes()),
            _ => {}
        }
        content.extend_from_slice(body);
        content
    }

    fn mac_for(&self, body: &[u8], timestamp: &str, id: &str) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        match self.scheme {
            Scheme::Stripe => {
                mac.update(timestamp.as_bytes());
                mac.update(b".");
            }
            Scheme::Standard => {
                mac.update(id.as_bytes());
                mac.update(b".");
                mac.update(timestamp.as_bytes());
                mac.update(b".");
            }
            Scheme::Slack => {
                mac.update(b"v0:");
                mac.update(timestamp.as_bytes());
                mac.update(b":");
            }
            _ => {}
        }
        mac.update(body);
        mac.finalize().into_bytes().into()
    }

    fn presented(&self, headers: &[Header]) -> Result<Presented, VerifyError> {
        let sig_header = self.scheme.signature_header();
        let value = header(headers, sig_header).ok_or_else(|| VerifyError::MissingHeader {
            header: sig_header.to_string(),
            present: signature_like_headers(headers),
        })?;
        let single = |prefix: &str, encoding: Encoding, form: &str| {
            value
                .strip_prefix(prefix)
                .and_then(|rest| encoding.decode(rest.trim()))
                .map(|sig| Presented {
                    signatures: vec![sig],
                    timestamp: None,
                    id: None,
                })
                .ok_or_else(|| {
                    VerifyError::Malformed(format!("{sig_header} is not of the form {form}"))
                })
        };
        match &self.scheme {
            Scheme::GeoRedir | Scheme::Relurl => single("", Encoding::Hex, "<hex>"),
            Scheme::Github => single("sha256=", Encoding::Hex, "sha256=<hex>"),
            Scheme::Shopify => single("", Encoding::Base64, "<base64>"),
            Scheme::Custom(c) => single(
                &c.prefix,
                c.encoding,
                &format!("{}<{:?}>", c.prefix, c.encoding).to_lowercase(),
            ),
            Scheme::Stripe => parse_stripe(value),
            Scheme::Slack => {
                let mut presented = single("v0=", Encoding::Hex, "v0=<hex>")?;
                presented.timestamp = Some(required_timestamp(headers, SLACK_TIMESTAMP)?);
                Ok(presented)
            }
            Scheme::Standard => parse_standard(headers, value),
        }
    }
}

fn parse_stripe(value: &str) -> Result<Presented, VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in value.split(',') {
        match item.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.extend(hex::decode(sig).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| {
        VerifyError::Malformed(format!("{STRIPE_HEADER} has no t=<unix timestamp>"))
    })?;
    if signatures.is_empty() {
        return Err(VerifyError::Malformed(format!(
            "{STRIPE_HEADER} has no v1=<hex> signature"
        )));
    }
    Ok(Presented {
        signatures,
        timestamp: Some(timestamp),
        id: None,
    })
}

fn parse_standard(headers: &[Header], value: &str) -> Result<Presented, VerifyError> {
    let id = header(headers, STANDARD_ID).ok_or_else(|| {
        VerifyError::Malformed(format!(
            "no {STANDARD_ID} header, which the signature covers"
        ))
    })?;
    let timestamp = required_timestamp(headers, STANDARD_TIMESTAMP)?;
    let signatures: Vec<Vec<u8>> = value
        .split_whitespace()
        .filter_map(|item| item.strip_prefix("v1,"))
        .filter_map(|sig| BASE64.decode(sig).ok())
        .collect();
    if signatures.is_empty() {
        return Err(VerifyError::Malformed(format!(
            "{STANDARD_SIGNATURE} has no v1,<base64> signature"
        )));
    }
    Ok(Presented {
        signatures,
        timestamp: Some(timestamp),
        id: Some(id.to_string()),
    })
}

fn required_timestamp(headers: &[Header], name: &str) -> Result<i64, VerifyError> {
    let value = header(headers, name).ok_or_else(|| {
        VerifyError::Malformed(format!("no {name} header, which the signature covers"))
    })?;
    value
        .trim()
        .parse()
        .map_err(|_| VerifyError::Malformed(format!("{name} is not a unix timestamp: {value:?}")))
}

/// HMAC-SHA256 of `message` under `key`, for checks that try other key forms and layouts.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The first value of a header, matched case-insensitively as HTTP requires.
pub fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Header names that look like they carry a signature, for a "missing header" diagnosis.
pub fn signature_like_headers(headers: &[Header]) -> Vec<String> {
    headers
        .iter()
        .map(|(name, _)| name)
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            ["signature", "hmac", "-sig", "webhook-"]
                .iter()
                .any(|word| lower.contains(word))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn signer(scheme: Scheme, secret: &str) -> Signer {
        Signer::new(scheme, &Secret::new(secret)).unwrap()
    }

    fn value_of<'a>(headers: &'a [Header], name: &str) -> &'a str {
        header(headers, name).unwrap()
    }

    /// GitHub's documented example ("Validating webhook deliveries").
    #[test]
    fn github_documented_vector() {
        let s = signer(Scheme::Github, "It's a Secret to Everybody");
        let headers = s.sign(b"Hello, World!", NOW, "");
        assert_eq!(
            value_of(&headers, GITHUB_HEADER),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        assert_eq!(s.verify(&headers, b"Hello, World!", NOW, None), Ok(None));
    }

    /// Slack's documented example ("Verifying requests from Slack").
    #[test]
    fn slack_documented_vector() {
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let s = signer(Scheme::Slack, "8f742231b10e8888abcd99yyyzzz85a5");
        let headers = s.sign(body, 1531420618, "");
        assert_eq!(
            value_of(&headers, SLACK_HEADER),
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        );
        assert_eq!(value_of(&headers, SLACK_TIMESTAMP), "1531420618");
        assert_eq!(
            s.verify(&headers, body, 1531420618 + 10, Some(300)),
            Ok(Some(1531420618))
        );
    }

    /// Standard Webhooks' reference vector (svix test suite).
    #[test]
    fn standard_webhooks_documented_vector() {
        let s = signer(Scheme::Standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let body = br#"{"test": 2432232314}"#;
        let headers = s.sign(body, 1614265330, "msg_p5jXN8AQM9LWM0D4loKWxJek");
        assert_eq!(
            value_of(&headers, STANDARD_SIGNATURE),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(
            value_of(&headers, STANDARD_ID),
            "msg_p5jXN8AQM9LWM0D4loKWxJek"
        );
        assert_eq!(value_of(&headers, STANDARD_TIMESTAMP), "1614265330");
    }

    /// Known answers computed with `openssl dgst -sha256 -hmac KEY` for the schemes whose
    /// providers publish no vector: georedir (raw body, hex), stripe ("{t}.{body}", hex) and
    /// shopify (raw body, base64 of the binary digest).
    #[test]
    fn openssl_known_answers() {
        let body = br#"{"event":"click","data":{"click_id":"abc123def456"}}"#;
        let geo = signer(Scheme::GeoRedir, "geo_secret").sign(body, NOW, "");
        assert_eq!(
            value_of(&geo, GEOREDIR_HEADER),
            "0b070b983e84b9b858615008c72bb3bc8304479ea5a992bfe1b8a017b9daba30"
        );
        let stripe = signer(Scheme::Stripe, "whsec_stripe").sign(body, NOW, "");
        assert_eq!(
            value_of(&stripe, STRIPE_HEADER),
            "t=1700000000,v1=76efcced54b572fd39473146c399f68639a07c196bd85422b2121d9650f1dd3f"
        );
        let shopify = signer(Scheme::Shopify, "shopify_secret").sign(body, NOW, "");
        assert_eq!(
            value_of(&shopify, SHOPIFY_HEADER),
            "oq0grUNV7CJ+FcZu95nBm80zZ3/AoF3iExnmhLCPJIs="
        );
    }

    #[test]
    fn multiple_stripe_signatures_any_one_matches() {
        let s = signer(Scheme::Stripe, "whsec_test");
        let signed = s.sign(b"{}", NOW, "");
        let good = value_of(&signed, STRIPE_HEADER)
            .split_once(",v1=")
            .unwrap()
            .1
            .to_string();
        let rotated = vec![(
            STRIPE_HEADER.to_string(),
            format!("t={NOW},v1={},v1={good},v0=abc", "00".repeat(32)),
        )];
        assert_eq!(s.verify(&rotated, b"{}", NOW, Some(300)), Ok(Some(NOW)));
    }

    #[test]
    fn multiple_standard_signatures_any_one_matches() {
        let s = signer(Scheme::Standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let mut headers = s.sign(b"{}", NOW, "msg_1");
        let good = headers[2].1.clone();
        headers[2].1 = format!("v1,AAAA v1a,xyz {good}");
        assert_eq!(s.verify(&headers, b"{}", NOW, Some(300)), Ok(Some(NOW)));
    }

    fn all_schemes() -> Vec<(Scheme, &'static str)> {
        let custom = Custom {
            header: "X-Signature".into(),
            prefix: "sha256=".into(),
            encoding: Encoding::Base64,
        };
        vec![
            (Scheme::GeoRedir, "geo_secret"),
            (Scheme::Relurl, "relurl_secret"),
            (Scheme::Github, "gh_secret"),
            (Scheme::Stripe, "whsec_stripe"),
            (Scheme::Standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            (Scheme::Slack, "slack_secret"),
            (Scheme::Shopify, "shopify_secret"),
            (Scheme::Custom(custom), "custom_secret"),
        ]
    }

    #[test]
    fn every_scheme_round_trips_and_is_detected() {
        for (scheme, secret) in all_schemes() {
            let s = signer(scheme.clone(), secret);
            let headers = s.sign(br#"{"a":1}"#, NOW, "msg_x");
            assert!(
                s.verify(&headers, br#"{"a":1}"#, NOW, Some(300)).is_ok(),
                "{scheme:?}"
            );
            if !matches!(scheme, Scheme::Custom(_)) {
                assert_eq!(Scheme::detect(&headers), Some(scheme));
            }
        }
    }

    #[test]
    fn tampered_body_fails_every_scheme() {
        for (scheme, secret) in all_schemes() {
            let s = signer(scheme.clone(), secret);
            let headers = s.sign(br#"{"a":1}"#, NOW, "msg_x");
            assert_eq!(
                s.verify(&headers, br#"{"a":2}"#, NOW, Some(300)),
                Err(VerifyError::Mismatch),
                "{scheme:?}"
            );
        }
    }

    #[test]
    fn wrong_secret_fails_every_scheme() {
        for (scheme, secret) in all_schemes() {
            let headers = signer(scheme.clone(), secret).sign(b"body", NOW, "msg_x");
            let other = if scheme == Scheme::Standard {
                "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            } else {
                "other"
            };
            let result = signer(scheme.clone(), other).verify(&headers, b"body", NOW, Some(300));
            assert_eq!(result, Err(VerifyError::Mismatch), "{scheme:?}");
        }
    }

    #[test]
    fn stale_and_future_timestamps_fail_timestamped_schemes() {
        for (scheme, secret) in all_schemes()
            .into_iter()
            .filter(|(s, _)| s.is_timestamped())
        {
            let s = signer(scheme.clone(), secret);
            let old = s.sign(b"body", NOW - 301, "msg_x");
            assert_eq!(
                s.verify(&old, b"body", NOW, Some(300)),
                Err(VerifyError::Stale {
                    timestamp: NOW - 301,
                    now: NOW,
                    tolerance: 300
                }),
                "{scheme:?}"
            );
            let future = s.sign(b"body", NOW + 301, "msg_x");
            assert!(matches!(
                s.verify(&future, b"body", NOW, Some(300)),
                Err(VerifyError::Stale { .. })
            ));
            assert!(
                s.verify(&old, b"body", NOW, None).is_ok(),
                "no tolerance skips the check"
            );
            assert!(
                s.verify(&old, b"body", NOW, Some(301)).is_ok(),
                "within tolerance"
            );
        }
    }

    #[test]
    fn missing_header_lists_signature_like_headers() {
        let s = signer(Scheme::GeoRedir, "k");
        let headers = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("X-Signature".to_string(), "abc".to_string()),
        ];
        assert_eq!(
            s.verify(&headers, b"", NOW, None),
            Err(VerifyError::MissingHeader {
                header: GEOREDIR_HEADER.into(),
                present: vec!["X-Signature".into()]
            })
        );
    }

    #[test]
    fn malformed_headers_say_what_form_is_expected() {
        let s = signer(Scheme::Github, "k");
        let headers = vec![(GITHUB_HEADER.to_string(), "md5=zz".to_string())];
        let err = s.verify(&headers, b"", NOW, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "X-Hub-Signature-256 is not of the form sha256=<hex>"
        );
        let stripe = signer(Scheme::Stripe, "k");
        let headers = vec![(STRIPE_HEADER.to_string(), "v1=abcd".to_string())];
        assert!(matches!(
            stripe.verify(&headers, b"", NOW, None),
            Err(VerifyError::Malformed(_))
        ));
    }

    #[test]
    fn header_lookup_ignores_case() {
        let s = signer(Scheme::GeoRedir, "k");
        let headers: Vec<Header> = s
            .sign(b"x", NOW, "")
            .into_iter()
            .map(|(n, v)| (n.to_lowercase(), v))
            .collect();
        assert!(s.verify(&headers, b"x", NOW, None).is_ok());
    }
}
