//! The tests' own signing code, written from the providers' documentation and sharing
//! nothing with whk's: one HMAC-SHA256 (as hex or base64), each scheme's recipe, and the
//! check a provider's receiver would make.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::Recorded;

/// Header (name, value) pairs, in order.
pub type Headers = Vec<(String, String)>;

/// HMAC-SHA256 of `message` under `key`: the one MAC in the tests.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// [`hmac_sha256`] as lowercase hex.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    hex::encode(hmac_sha256(key, message))
}

/// [`hmac_sha256`] as standard base64 with padding.
pub fn hmac_b64(key: &[u8], message: &[u8]) -> String {
    B64.encode(hmac_sha256(key, message))
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// The Standard Webhooks key: base64 after `whsec_`.
pub fn standard_key(secret: &str) -> Vec<u8> {
    B64.decode(secret.trim_start_matches("whsec_")).unwrap()
}

/// A header pair from borrowed parts.
pub(super) fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

/// The signature headers `scheme` sends for `body` at unix time `t` (and message `id` for
/// the standard scheme), computed here from each provider's documented recipe.
pub fn sign(scheme: &str, secret: &str, body: &[u8], t: i64, id: &str) -> Headers {
    let key = secret.as_bytes();
    let ts = t.to_string();
    match scheme {
        "georedir" => vec![pair("X-GeoRedir-Signature", hmac_hex(key, body))],
        "relurl" => vec![pair("X-RELURL-Signature", hmac_hex(key, body))],
        "github" => vec![pair(
            "X-Hub-Signature-256",
            format!("sha256={}", hmac_hex(key, body)),
        )],
        "shopify" => vec![pair("X-Shopify-Hmac-Sha256", hmac_b64(key, body))],
        "stripe" => {
            let signed = [ts.as_bytes(), b".", body].concat();
            vec![pair(
                "Stripe-Signature",
                format!("t={ts},v1={}", hmac_hex(key, &signed)),
            )]
        }
        "standard" => {
            let signed = [id.as_bytes(), b".", ts.as_bytes(), b".", body].concat();
            vec![
                pair("webhook-id", id),
                pair("webhook-timestamp", ts.clone()),
                pair(
                    "webhook-signature",
                    format!("v1,{}", hmac_b64(&standard_key(secret), &signed)),
                ),
            ]
        }
        "slack" => {
            let signed = [b"v0:", ts.as_bytes(), b":", body].concat();
            vec![
                pair("X-Slack-Request-Timestamp", ts.clone()),
                pair(
                    "X-Slack-Signature",
                    format!("v0={}", hmac_hex(key, &signed)),
                ),
            ]
        }
        "custom" => vec![pair(
            "X-Signature",
            format!("sha256={}", hmac_hex(key, body)),
        )],
        other => panic!("no signing recipe for {other}"),
    }
}

/// Checks a recorded request against a scheme the way a provider's receiver would: every
/// header [`sign`] gives for its body, at the timestamp and id it carries, must be there
/// with exactly that value.
pub fn independently_valid(scheme: &str, secret: &str, req: &Recorded) -> bool {
    let timestamp = match scheme {
        "stripe" => req
            .header("Stripe-Signature")
            .and_then(|v| v.split(',').find_map(|p| p.strip_prefix("t="))),
        "standard" => req.header("webhook-timestamp"),
        "slack" => req.header("X-Slack-Request-Timestamp"),
        _ => Some("0"),
    };
    let Some(t) = timestamp.and_then(|t| t.parse().ok()) else {
        return false;
    };
    let id = req.header("webhook-id").unwrap_or_default();
    sign(scheme, secret, &req.body, t, id)
        .iter()
        .all(|(name, value)| req.header(name) == Some(value.as_str()))
}

/// Checks a Standard Webhooks `v1a` signature (ed25519 over `{id}.{timestamp}.{body}`) with
/// the `whpk_` public key, using ed25519-compact: an implementation whk does not use.
pub fn v1a_valid(public_key: &str, req: &Recorded) -> bool {
    let key = B64.decode(public_key.trim_start_matches("whpk_")).unwrap();
    let key = ed25519_compact::PublicKey::from_slice(&key).unwrap();
    let (Some(id), Some(t), Some(signatures)) = (
        req.header("webhook-id"),
        req.header("webhook-timestamp"),
        req.header("webhook-signature"),
    ) else {
        return false;
    };
    let signed = [id.as_bytes(), b".", t.as_bytes(), b".", &req.body].concat();
    signatures
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1a,"))
        .filter_map(|s| B64.decode(s).ok())
        .filter_map(|s| ed25519_compact::Signature::from_slice(&s).ok())
        .any(|s| key.verify(&signed, &s).is_ok())
}
