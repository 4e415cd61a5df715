//! The `Secret` newtype: where a secret comes from, how it turns into key bytes, and how it
//! is shown (never whole).

use std::fmt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::error::{Error, Result};

/// Standard base64 that reads a value with or without its `=` padding.
pub(crate) const PADDING_OPTIONAL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A shared secret as the user gave it. `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Reads a secret from a file, dropping one trailing newline (as `echo` writes it).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            Error::usage(format!(
                "cannot read --secret-file {}: {err}",
                path.display()
            ))
        })?;
        let value = text.trim_end_matches(['\r', '\n']);
        if value.is_empty() {
            return Err(Error::usage(format!(
                "--secret-file {} is empty; put the secret on its first line",
                path.display()
            )));
        }
        Ok(Secret::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret as HMAC key bytes, used as-is (every scheme but Standard Webhooks).
    pub fn raw_key(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// The Standard Webhooks key: base64 after an optional `whsec_` prefix, its `=` padding
    /// optional (as the Python and JavaScript libraries read it). An empty key is refused,
    /// since HMAC with an empty key still "works" and would accept forgeries.
    pub fn standard_key(&self) -> Result<Vec<u8>> {
        let encoded = self.0.strip_prefix("whsec_").unwrap_or(&self.0);
        let key = PADDING_OPTIONAL.decode(encoded).map_err(|_| {
            Error::usage(format!(
                "the standard scheme needs a secret of the form whsec_<base64>, and {} is not valid base64; create one with `whk secret --scheme standard`",
                self.hint()
            ))
        })?;
        if key.is_empty() {
            return Err(Error::usage(
                "the standard-scheme secret decodes to an empty key; create one with `whk secret --scheme standard`",
            ));
        }
        Ok(key)
    }

    /// At most the first 4 characters, for messages that must say which secret was used.
    pub fn hint(&self) -> String {
        let shown: String = self.0.chars().take(4).collect();
        format!("the secret starting {shown:?}…")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// A secret to give a receiver: from the operating system's cryptographic random source, in
/// the form the scheme expects (see `formatted`).
pub fn random(standard: bool) -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|err| {
        Error::Network(format!("no random bytes from the operating system: {err}"))
    })?;
    Ok(formatted(standard, &bytes))
}

/// A throwaway secret from `rng` (seeded for reproducible runs), such as `whk check`'s wrong
/// secret; never one a receiver keeps.
pub fn generate(standard: bool, rng: &mut fastrand::Rng) -> String {
    let bytes: [u8; 32] = std::array::from_fn(|_| rng.u8(..));
    formatted(standard, &bytes)
}

/// `whsec_` + base64 of 24 bytes for Standard Webhooks, 32 bytes as hex otherwise.
fn formatted(standard: bool, bytes: &[u8; 32]) -> String {
    if standard {
        format!("whsec_{}", BASE64.encode(&bytes[..24]))
    } else {
        hex::encode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Secret::new("supersecretvalue");
        assert_eq!(format!("{secret:?}"), "Secret(redacted)");
        assert!(!secret.hint().contains("supersecret"));
        assert!(secret.hint().contains("\"supe\""));
    }

    #[test]
    fn standard_key_accepts_prefix_or_bare_base64() {
        let with = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let bare = Secret::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assert_eq!(with.standard_key().unwrap(), bare.standard_key().unwrap());
        assert_eq!(with.standard_key().unwrap().len(), 24);
    }

    /// The Python library (standardwebhooks) and svix's JS library accept a key whose `=`
    /// padding was dropped; so does whk.
    #[test]
    fn standard_key_accepts_missing_padding() {
        let padded = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA==");
        let unpadded = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA");
        assert_eq!(
            padded.standard_key().unwrap(),
            unpadded.standard_key().unwrap()
        );
        assert_eq!(unpadded.standard_key().unwrap().len(), 25);
    }

    #[test]
    fn standard_key_rejects_bad_base64_and_empty_keys() {
        assert!(Secret::new("whsec_not base64!").standard_key().is_err());
        assert!(Secret::new("whsec_").standard_key().is_err());
    }

    #[test]
    fn generated_secrets_have_the_scheme_form() {
        let mut rng = fastrand::Rng::with_seed(7);
        let standard = generate(true, &mut rng);
        assert!(Secret::new(standard).standard_key().unwrap().len() == 24);
        let plain = generate(false, &mut rng);
        assert_eq!(plain.len(), 64);
        assert!(plain.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
