//! Checking a delivery's signature: one or more secrets (key rotation) plus a fixed scheme,
//! or the scheme detected from the headers. Shared by `listen`, `demo` and `verify`.

use crate::capture::SignatureVerdict;
use serde::Serialize;

use crate::error::Result;
use crate::scheme::{
    self, Header, Note, SCHEMES, Scheme, SchemeName, Signer, Verified, VerifyError,
    signature_like_headers,
};
use crate::secret::Secret;

/// The outcome for one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The scheme that was checked, if one was fixed or detected.
    pub scheme: Option<SchemeName>,
    /// Which of several secrets signed it, by position (1 = the first `--secret`); `None`
    /// with a single secret or when none matched.
    pub key: Option<usize>,
    pub result: std::result::Result<Verified, VerifyError>,
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        self.result.is_ok()
    }

    pub fn reason(&self) -> Option<String> {
        self.result.as_ref().err().map(ToString::to_string)
    }

    /// What is worth saying about a valid delivery (a future timestamp, a legacy header).
    pub fn notes(&self) -> &[Note] {
        self.result.as_ref().map_or(&[], |v| v.notes.as_slice())
    }

    /// The verdict as a capture records it.
    pub fn to_capture(&self) -> SignatureVerdict {
        SignatureVerdict {
            scheme: self.scheme.map(|name| name.to_string()),
            valid: self.is_valid(),
            key: self.key,
            reason: self.reason(),
            notes: self.notes().iter().map(ToString::to_string).collect(),
        }
    }
}

/// The signers of the secrets that fit one scheme, or why none does.
type Keyed = std::result::Result<Vec<Signer>, String>;

/// Verifies deliveries with one or more secrets. Keyed signers are built once, not per
/// delivery.
pub struct Verifier {
    secrets: Vec<Secret>,
    /// The fixed scheme (`fixed`), or every detectable one, with its signers.
    signers: Vec<(Scheme, Keyed)>,
    /// For each entry of `signers`, the 1-based position in `secrets` of each signer's
    /// secret (a secret that does not fit a detected scheme has no signer there).
    positions: Vec<Vec<usize>>,
    fixed: bool,
    tolerance: Option<u64>,
}

impl Verifier {
    /// `scheme: None` detects the scheme per delivery. `tolerance` in seconds, applied as
    /// each scheme's provider does; `None` skips the freshness check. Any one of `secrets`
    /// matching makes a delivery valid.
    pub fn new(secrets: &[Secret], scheme: Option<Scheme>, tolerance: Option<u64>) -> Result<Self> {
        let fixed = scheme.is_some();
        let (signers, positions) = match scheme {
            Some(scheme) => {
                let keyed = signers_for(&scheme, secrets)?;
                (
                    vec![(scheme, Ok(keyed))],
                    vec![(1..=secrets.len()).collect()],
                )
            }
            None => SCHEMES
                .iter()
                .filter(|spec| !spec.signature.is_empty())
                .map(|spec| fitting_signers(Scheme::known(spec.name), secrets))
                .unzip(),
        };
        Ok(Verifier {
            secrets: secrets.to_vec(),
            signers,
            positions,
            fixed,
            tolerance,
        })
    }

    pub fn check(&self, headers: &[Header], body: &[u8], now: i64) -> Verdict {
        let Some(((scheme, keyed), positions)) = self.entry(headers) else {
            return Verdict {
                scheme: None,
                key: None,
                result: Err(VerifyError::NoScheme {
                    present: signature_like_headers(headers),
                }),
            };
        };
        let (key, result) = match keyed {
            Ok(signers) => self.verify_any(signers, positions, headers, body, now),
            Err(why) => (None, Err(VerifyError::Malformed(why.clone()))),
        };
        Verdict {
            scheme: Some(scheme.name()),
            key,
            result,
        }
    }

    /// The scheme to check a delivery with: the fixed one, or the one its headers show.
    fn entry(&self, headers: &[Header]) -> Option<(&(Scheme, Keyed), &[usize])> {
        let at = if self.fixed {
            0
        } else {
            let detected = Scheme::detect(headers)?;
            self.signers.iter().position(|(s, _)| *s == detected)?
        };
        Some((self.signers.get(at)?, self.positions.get(at)?))
    }

    /// The first secret whose signature matches. When none does: a mismatch if any secret's
    /// signature could be compared, else the first secret's problem (a whpk_ key finds no
    /// v1a signature in a v1 delivery, which a whsec_ key beside it may still match).
    fn verify_any(
        &self,
        signers: &[Signer],
        positions: &[usize],
        headers: &[Header],
        body: &[u8],
        now: i64,
    ) -> (Option<usize>, std::result::Result<Verified, VerifyError>) {
        let several = self.secrets.len() > 1;
        let mut first_problem = None;
        let mut compared = false;
        for (signer, &position) in signers.iter().zip(positions) {
            let result = signer.verify(headers, body, now, self.tolerance);
            let key = several.then_some(position);
            match result {
                Err(VerifyError::Mismatch) => compared = true,
                Ok(_) | Err(VerifyError::Stale { .. }) => return (key, result),
                Err(problem) => {
                    first_problem.get_or_insert(problem);
                }
            }
        }
        match first_problem {
            Some(problem) if !compared => (None, Err(problem)),
            _ => (None, Err(VerifyError::Mismatch)),
        }
    }
}

/// For a detected scheme: the signers of the secrets that fit it and their 1-based
/// positions, so one secret of another provider's form (rotation, several senders) does not
/// make every delivery of this scheme malformed; the first secret's problem when none fits.
fn fitting_signers(scheme: Scheme, secrets: &[Secret]) -> ((Scheme, Keyed), Vec<usize>) {
    let mut signers = Vec::new();
    let mut positions = Vec::new();
    let mut first_problem = None;
    for (at, secret) in secrets.iter().enumerate() {
        match Signer::new(scheme.clone(), secret) {
            Ok(signer) => {
                signers.push(signer);
                positions.push(at + 1);
            }
            Err(err) => {
                first_problem.get_or_insert_with(|| err.to_string());
            }
        }
    }
    let keyed = match first_problem {
        Some(problem) if signers.is_empty() => Err(problem),
        _ => Ok(signers),
    };
    ((scheme, keyed), positions)
}

/// A signer per secret, in the order the secrets were given.
fn signers_for(scheme: &Scheme, secrets: &[Secret]) -> Result<Vec<Signer>> {
    secrets
        .iter()
        .map(|secret| Signer::new(scheme.clone(), secret))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detectable() -> Vec<Scheme> {
        SCHEMES
            .iter()
            .filter(|spec| !spec.signature.is_empty())
            .map(|spec| Scheme::known(spec.name))
            .collect()
    }

    #[test]
    fn detects_the_scheme_and_checks_it() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let verifier = Verifier::new(std::slice::from_ref(&secret), None, Some(300)).unwrap();
        for scheme in detectable() {
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
        let verifier = Verifier::new(&[Secret::new("k")], None, None).unwrap();
        let verdict = verifier.check(&[("X-Sig".into(), "abc".into())], b"", 0);
        assert_eq!(verdict.scheme, None);
        assert!(verdict.reason().unwrap().contains("X-Sig"));
    }

    #[test]
    fn a_plain_secret_fails_standard_deliveries_with_a_reason() {
        let standard = Signer::new(
            Scheme::known(SchemeName::Standard),
            &Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        )
        .unwrap();
        let headers = standard.sign(b"{}", 100, "msg_1");
        let verifier = Verifier::new(&[Secret::new("not base64!")], None, None).unwrap();
        let verdict = verifier.check(&headers, b"{}", 100);
        assert!(verdict.reason().unwrap().contains("whsec_"));
    }

    #[test]
    fn with_several_secrets_any_one_matches_and_is_named_by_position() {
        let secrets = [Secret::new("old"), Secret::new("new"), Secret::new("next")];
        let verifier =
            Verifier::new(&secrets, Some(Scheme::known(SchemeName::Stripe)), Some(300)).unwrap();
        let headers = Signer::new(Scheme::known(SchemeName::Stripe), &secrets[1])
            .unwrap()
            .sign(b"{}", 100, "");
        let verdict = verifier.check(&headers, b"{}", 100);
        assert!(verdict.is_valid());
        assert_eq!(verdict.key, Some(2));
        let json = serde_json::to_string(&verdict.to_capture()).unwrap();
        assert!(
            json.contains(r#""key":2"#) && !json.contains("new"),
            "{json}"
        );
        let other = Signer::new(Scheme::known(SchemeName::Stripe), &Secret::new("x"))
            .unwrap()
            .sign(b"{}", 100, "");
        let verdict = verifier.check(&other, b"{}", 100);
        assert_eq!(
            (verdict.key, verdict.result),
            (None, Err(VerifyError::Mismatch))
        );
    }
}

/// The stable names of the mistakes a diagnosis can find (the same words in human output and
/// `--json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosisKind {
    Reserialised,
    TrailingNewline,
    LineEndings,
    Encoding,
    OtherScheme,
    SecretForm,
    Stale,
    MissingHeader,
    Malformed,
    WrongSecretOrTampered,
}

impl DiagnosisKind {
    pub fn name(self) -> &'static str {
        match self {
            DiagnosisKind::Reserialised => "reserialised",
            DiagnosisKind::TrailingNewline => "trailing-newline",
            DiagnosisKind::LineEndings => "line-endings",
            DiagnosisKind::Encoding => "encoding",
            DiagnosisKind::OtherScheme => "other-scheme",
            DiagnosisKind::SecretForm => "secret-form",
            DiagnosisKind::Stale => "stale",
            DiagnosisKind::MissingHeader => "missing-header",
            DiagnosisKind::Malformed => "malformed",
            DiagnosisKind::WrongSecretOrTampered => "wrong-secret-or-tampered",
        }
    }
}

impl std::fmt::Display for DiagnosisKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What most likely went wrong with a delivery that failed verification, found by trying
/// the usual mistakes and keeping the one that reproduces the presented signature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnosis {
    pub kind: DiagnosisKind,
    pub detail: String,
}

impl Diagnosis {
    fn new(kind: DiagnosisKind, detail: impl Into<String>) -> Self {
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
    pub fn diagnose(&self, evidence: &Evidence, verdict: &Verdict) -> Option<Diagnosis> {
        let err = verdict.result.as_ref().err()?;
        Some(match err {
            VerifyError::Stale { .. } => Diagnosis::new(
                DiagnosisKind::Stale,
                format!(
                    "{err}; resend it with `whk replay --resign`, or check it as of its time with --now"
                ),
            ),
            VerifyError::MissingHeader { header, .. } => match Scheme::detect(evidence.headers) {
                Some(other) => Diagnosis::new(
                    DiagnosisKind::OtherScheme,
                    format!(
                        "no {header} header, but {} is there: the sender uses the {} scheme (try --scheme {})",
                        other.signature_header(),
                        other.name(),
                        other.name()
                    ),
                ),
                None => Diagnosis::new(DiagnosisKind::MissingHeader, err.to_string()),
            },
            VerifyError::NoScheme { .. } => {
                Diagnosis::new(DiagnosisKind::MissingHeader, err.to_string())
            }
            VerifyError::Mismatch | VerifyError::Malformed(_) => self
                .signers_for(verdict)
                .and_then(|signers| {
                    changed_body(signers, evidence)
                        .or_else(|| other_form(signers[0].scheme(), &self.secrets, evidence))
                })
                .unwrap_or_else(|| unexplained(err, evidence.body)),
        })
    }

    fn signers_for(&self, verdict: &Verdict) -> Option<&[Signer]> {
        let name = verdict.scheme?;
        self.signers
            .iter()
            .find(|(s, _)| s.name() == name)
            .and_then(|(_, keyed)| keyed.as_deref().ok())
            .filter(|signers| !signers.is_empty())
    }

    /// The expected signature headers and the exact bytes signed (with the first secret),
    /// for `--show-expected`.
    pub fn expected(
        &self,
        verdict: &Verdict,
        headers: &[Header],
        body: &[u8],
    ) -> Option<(Vec<Header>, Vec<u8>)> {
        let signer = self
            .signers_for(verdict)?
            .iter()
            .find(|signer| signer.can_sign())?;
        let (timestamp, id) = scheme::any_timestamp_and_id(headers);
        let t = timestamp.unwrap_or_default();
        let signed = signer.signed_content(body, &t.to_string(), id.unwrap_or(""));
        Some((signer.sign(body, t, id.unwrap_or("")), signed))
    }
}

/// A failure no usual mistake reproduces.
fn unexplained(err: &VerifyError, body: &[u8]) -> Diagnosis {
    if let VerifyError::Malformed(_) = err {
        return Diagnosis::new(DiagnosisKind::Malformed, err.to_string());
    }
    let mut detail = String::from(
        "no usual mistake reproduces the signature: the secret is not the one the sender used, or the body was changed after signing",
    );
    if let Some(marks) = crate::reencode::reencoding_marks(body) {
        detail.push_str(&format!(
            "; likely reserialised: the body is {marks}, which most senders do not send; if yours sends compact JSON, a framework parsed and re-encoded the body before this check, so verify the raw bytes"
        ));
    }
    Diagnosis::new(DiagnosisKind::WrongSecretOrTampered, detail)
}

/// Does the signature match the body as it looked before some common change?
fn changed_body(signers: &[Signer], evidence: &Evidence) -> Option<Diagnosis> {
    let matches = |variant: &[u8]| {
        signers.iter().any(|signer| {
            signer
                .verify(evidence.headers, variant, evidence.now, None)
                .is_ok()
        })
    };
    let change = crate::reencode::find_original(evidence.body, matches)?;
    let kind = match change.kind {
        crate::reencode::ChangeKind::TrailingNewline => DiagnosisKind::TrailingNewline,
        crate::reencode::ChangeKind::LineEndings => DiagnosisKind::LineEndings,
        crate::reencode::ChangeKind::Reserialised => DiagnosisKind::Reserialised,
    };
    Some(Diagnosis::new(
        kind,
        format!(
            "the signature matches the body {}: the bytes were changed between signing and here (a framework or proxy re-encoded them, or the sender signed other bytes than it sent); verify the raw bytes",
            change.how
        ),
    ))
}

/// A way the MAC might have been computed or written.
struct Form {
    key: &'static str,
    layout: String,
    encoding: &'static str,
    prefix: String,
}

/// Does the presented signature match another key form, signed layout or encoding?
fn other_form(scheme: &Scheme, secrets: &[Secret], evidence: &Evidence) -> Option<Diagnosis> {
    let expected = expected_form(scheme);
    let presented = presented_tokens(evidence.headers);
    let (timestamp, id) = scheme::any_timestamp_and_id(evidence.headers);
    let t = timestamp.map(|t| t.to_string()).unwrap_or_default();
    let layouts = layouts(evidence.body, &t, id.unwrap_or(""));
    for (key_name, key) in secrets.iter().flat_map(key_forms) {
        for (layout, content) in &layouts {
            let mac = scheme::hmac_sha256(&key, content);
            let Some((encoding, prefix, header)) = presented
                .iter()
                .find(|(bytes, ..)| *bytes == mac)
                .map(|(_, encoding, prefix, header)| (*encoding, prefix.clone(), header.clone()))
            else {
                continue;
            };
            let found = Form {
                key: key_name,
                layout: layout.clone(),
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
            DiagnosisKind::SecretForm,
            format!(
                "the signature was made with {} as the HMAC key, but {name} uses {}",
                found.key, expected.key
            ),
        );
    }
    if found.layout != expected.layout {
        return Diagnosis::new(
            DiagnosisKind::OtherScheme,
            format!(
                "the signature covers {} but {name} signs {}: the sender used another scheme's layout",
                found.layout, expected.layout
            ),
        );
    }
    if found.encoding != expected.encoding {
        return Diagnosis::new(
            DiagnosisKind::Encoding,
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
            DiagnosisKind::Encoding,
            format!(
                "the signature has {} but {name} expects {}",
                shown(&found.prefix),
                shown(&expected.prefix)
            ),
        );
    }
    Diagnosis::new(
        DiagnosisKind::OtherScheme,
        format!(
            "a matching signature is in the {header} header, but {name} reads {}",
            scheme.signature_header()
        ),
    )
}

const RAW_KEY: &str = "the secret's text";
const DECODED_KEY: &str = "the base64-decoded key after whsec_";

/// How a scheme computes and writes its MAC, from its entry in `SCHEMES`.
fn expected_form(scheme: &Scheme) -> Form {
    let spec = scheme.spec();
    let format = scheme.format();
    Form {
        key: match spec.key {
            scheme::KeyForm::Text => RAW_KEY,
            scheme::KeyForm::Whsec => DECODED_KEY,
        },
        layout: layout_name(spec),
        encoding: crate::choice::Choice::name(format.encoding()),
        prefix: format.prefix(),
    }
}

/// `the raw body`, or a layout with the scheme that signs it: `"{t}.{body}" (stripe)`.
fn layout_name(spec: &scheme::Spec) -> String {
    if spec.layout == [scheme::Part::Body] {
        return "the raw body".to_string();
    }
    format!("\"{}\" ({})", spec.layout_text(), spec.provider)
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

/// The raw body, then every distinct layout in `SCHEMES` that the delivery's timestamp and
/// id can fill.
fn layouts(body: &[u8], t: &str, id: &str) -> Vec<(String, Vec<u8>)> {
    let mut seen: Vec<&[scheme::Part]> = Vec::new();
    let mut all = Vec::new();
    for spec in SCHEMES.iter() {
        let needs_t = spec.layout.contains(&scheme::Part::Timestamp);
        let needs_id = spec.layout.contains(&scheme::Part::Id);
        if (needs_t && t.is_empty()) || (needs_id && id.is_empty()) || seen.contains(&spec.layout) {
            continue;
        }
        seen.push(spec.layout);
        all.push((
            layout_name(spec),
            scheme::signed_bytes(spec.layout, body, t, id),
        ));
    }
    all
}

/// Every MAC-sized value in the signature-like headers: (bytes, encoding, prefix, header).
fn presented_tokens(headers: &[Header]) -> Vec<([u8; 32], &'static str, String, String)> {
    use base64::Engine;
    let mut tokens = Vec::new();
    for name in signature_like_headers(headers) {
        let value = scheme::header(headers, &name).unwrap_or_default();
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
        let verifier =
            Verifier::new(std::slice::from_ref(&secret), Some(scheme), Some(300)).unwrap();
        let verdict = verifier.check(headers, body, NOW);
        assert!(!verdict.is_valid(), "expected a failure");
        let evidence = Evidence {
            headers,
            body,
            now: NOW,
        };
        verifier.diagnose(&evidence, &verdict).unwrap()
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
        let headers = signed(Scheme::known(SchemeName::Georedir), "k", compact);
        let value: serde_json::Value = serde_json::from_slice(compact).unwrap();
        let pretty = serde_json::to_vec_pretty(&value).unwrap();
        assert_eq!(
            diagnose(Scheme::known(SchemeName::Georedir), "k", &headers, &pretty).kind,
            DiagnosisKind::Reserialised
        );
    }

    #[test]
    fn python_and_php_originals_are_diagnosed_as_reserialised() {
        let python = br#"{"revenue": 49.99, "city": "S\u00e3o Paulo", "tags": ["a", "b"]}"#;
        let php = br#"{"city":"S\u00e3o Paulo","url":"https:\/\/a.example\/x"}"#;
        for original in [&python[..], &php[..]] {
            let headers = signed(Scheme::known(SchemeName::Github), "k", original);
            let value: serde_json::Value = serde_json::from_slice(original).unwrap();
            let compact = serde_json::to_vec(&value).unwrap();
            let d = diagnose(Scheme::known(SchemeName::Github), "k", &headers, &compact);
            assert_eq!(d.kind, DiagnosisKind::Reserialised, "{d:?}");
        }
    }

    #[test]
    fn newline_and_line_ending_changes_are_named() {
        let headers = signed(Scheme::known(SchemeName::Shopify), "k", b"{\"a\":1}");
        assert_eq!(
            diagnose(
                Scheme::known(SchemeName::Shopify),
                "k",
                &headers,
                b"{\"a\":1}\n"
            )
            .kind,
            DiagnosisKind::TrailingNewline
        );
        let headers = signed(Scheme::known(SchemeName::Georedir), "k", b"line1\nline2");
        assert_eq!(
            diagnose(
                Scheme::known(SchemeName::Georedir),
                "k",
                &headers,
                b"line1\r\nline2"
            )
            .kind,
            DiagnosisKind::LineEndings
        );
    }

    #[test]
    fn hex_where_base64_is_expected_is_an_encoding_mistake() {
        let mac = crate::scheme::hmac_sha256(b"k", b"{}");
        let headers = vec![("X-Shopify-Hmac-Sha256".to_string(), hex::encode(mac))];
        let d = diagnose(Scheme::known(SchemeName::Shopify), "k", &headers, b"{}");
        assert_eq!(d.kind, DiagnosisKind::Encoding, "{d:?}");
        assert!(d.detail.contains("hex"), "{d:?}");
    }

    #[test]
    fn missing_sha256_prefix_is_an_encoding_mistake() {
        let mac = crate::scheme::hmac_sha256(b"k", b"{}");
        let headers = vec![("X-Hub-Signature-256".to_string(), hex::encode(mac))];
        let d = diagnose(Scheme::known(SchemeName::Github), "k", &headers, b"{}");
        assert_eq!(d.kind, DiagnosisKind::Encoding, "{d:?}");
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
            let d = diagnose(Scheme::known(SchemeName::Standard), secret, &headers, b"{}");
            assert_eq!(d.kind, DiagnosisKind::SecretForm, "{d:?}");
        }
    }

    #[test]
    fn stripe_layout_under_a_georedir_header_is_another_scheme() {
        let mac = crate::scheme::hmac_sha256(b"k", b"1700000000.{}");
        let headers = vec![
            ("X-GeoRedir-Signature".to_string(), hex::encode(mac)),
            ("Stripe-Signature".to_string(), format!("t={NOW},v1=00")),
        ];
        let d = diagnose(Scheme::known(SchemeName::Georedir), "k", &headers, b"{}");
        assert_eq!(d.kind, DiagnosisKind::OtherScheme, "{d:?}");
    }

    #[test]
    fn stale_missing_and_unknown_failures() {
        let old = Signer::new(Scheme::known(SchemeName::Stripe), &Secret::new("k"))
            .unwrap()
            .sign(b"{}", NOW - 3600, "");
        let d = diagnose(Scheme::known(SchemeName::Stripe), "k", &old, b"{}");
        assert_eq!(d.kind, DiagnosisKind::Stale);
        assert!(d.detail.contains("3600s old"), "{d:?}");
        let github = signed(Scheme::known(SchemeName::Github), "k", b"{}");
        let d = diagnose(Scheme::known(SchemeName::Georedir), "k", &github, b"{}");
        assert_eq!(d.kind, DiagnosisKind::OtherScheme);
        assert!(d.detail.contains("--scheme github"), "{d:?}");
        let d = diagnose(
            Scheme::known(SchemeName::Georedir),
            "k",
            &[("X-Other".into(), "1".into())],
            b"{}",
        );
        assert_eq!(d.kind, DiagnosisKind::MissingHeader);
        let headers = signed(Scheme::known(SchemeName::Georedir), "right", b"{}");
        assert_eq!(
            diagnose(
                Scheme::known(SchemeName::Georedir),
                "wrong",
                &headers,
                b"{}"
            )
            .kind,
            DiagnosisKind::WrongSecretOrTampered
        );
        let custom = Scheme::from_name(
            SchemeName::Custom,
            Some(Custom {
                header: "X-Sig".into(),
                prefix: "".into(),
                encoding: crate::scheme::Encoding::Hex,
            }),
        )
        .unwrap();
        let headers = signed(custom.clone(), "k", b"{\"a\":1}");
        assert_eq!(
            diagnose(custom, "k", &headers, b"{\"a\":2}").kind,
            DiagnosisKind::WrongSecretOrTampered
        );
    }
}
