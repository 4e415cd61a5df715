//! Asymmetric signatures (Standard Webhooks' `v1a`): ed25519 over the same bytes the HMAC
//! signs. A `whsk_` key (base64 of the private key then the public key, as svix-server
//! stores it) signs and verifies; a `whpk_` key (base64 of the public key) only verifies.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use super::table::Asymmetric;
use crate::error::{Error, Result};
use crate::secret::PADDING_OPTIONAL;

/// An ed25519 key from a `whsk_` or `whpk_` secret.
#[derive(Clone)]
pub enum Ed25519 {
    Signing(SigningKey),
    Public(VerifyingKey),
}

impl Ed25519 {
    /// The key a secret holds when it has one of the scheme's prefixes; `None` for any other
    /// secret (an HMAC one).
    pub fn from_secret(asym: &Asymmetric, text: &str) -> Result<Option<Self>> {
        if let Some(encoded) = text.strip_prefix(asym.signing_prefix) {
            let pair: [u8; 64] = decode(encoded, asym.signing_prefix, 64)?;
            let key = SigningKey::from_keypair_bytes(&pair).map_err(|_| {
                Error::usage(format!(
                    "the {}… key's public half does not belong to its private half; create a pair with `whk secret --scheme standard --asymmetric`",
                    asym.signing_prefix
                ))
            })?;
            return Ok(Some(Ed25519::Signing(key)));
        }
        if let Some(encoded) = text.strip_prefix(asym.public_prefix) {
            let public: [u8; 32] = decode(encoded, asym.public_prefix, 32)?;
            let key = VerifyingKey::from_bytes(&public).map_err(|_| {
                Error::usage(format!(
                    "the {}… key is not an ed25519 public key",
                    asym.public_prefix
                ))
            })?;
            return Ok(Some(Ed25519::Public(key)));
        }
        Ok(None)
    }

    /// The signature over `content`, when this is a signing key.
    pub fn sign(&self, content: &[u8]) -> Option<[u8; 64]> {
        match self {
            Ed25519::Signing(key) => Some(key.sign(content).to_bytes()),
            Ed25519::Public(_) => None,
        }
    }

    /// Whether `signature` is this key's signature over `content` (strict: no malleable
    /// signatures, no weak keys).
    pub fn verifies(&self, content: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        let public = match self {
            Ed25519::Signing(key) => key.verifying_key(),
            Ed25519::Public(key) => *key,
        };
        public.verify_strict(content, &signature).is_ok()
    }
}

/// `N` bytes from the base64 after a key prefix (padding optional).
fn decode<const N: usize>(encoded: &str, prefix: &str, len: usize) -> Result<[u8; N]> {
    PADDING_OPTIONAL
        .decode(encoded)
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| {
            Error::usage(format!(
                "a {prefix} key is {prefix} + the base64 of {len} bytes; create one with `whk secret --scheme standard --asymmetric`"
            ))
        })
}

/// A fresh key pair from the operating system's random source: (`whsk_…`, `whpk_…`).
pub fn generate(asym: &Asymmetric) -> Result<(String, String)> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|err| Error::usage(format!("no random source to make a key from: {err}")))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((
        format!(
            "{}{}",
            asym.signing_prefix,
            BASE64.encode(key.to_keypair_bytes())
        ),
        format!(
            "{}{}",
            asym.public_prefix,
            BASE64.encode(key.verifying_key().to_bytes())
        ),
    ))
}
