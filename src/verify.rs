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
