//! Signature schemes: how each provider signs a delivery and how a receiver checks it.
//!
//! Pure code: no I/O and no clock. Callers pass the timestamp to sign with and the `now` to
//! verify against, so every result here is reproducible in a test. What each scheme is lives
//! in [`table::SCHEMES`]; this module only interprets that description.

pub mod asymmetric;
pub mod table;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::choice::Choice;
use crate::error::{Error, Result};
use crate::secret::Secret;
use asymmetric::Ed25519;
pub use table::{Format, Freshness, KeyForm, Part, SCHEMES, Spec};

type HmacSha256 = Hmac<Sha256>;
type HmacSha1 = Hmac<Sha1>;

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

/// The scheme names a user can pick with `--scheme`; each has its entry in `SCHEMES`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemeName {
    Georedir,
    Relurl,
    Github,
    Stripe,
    Standard,
    Slack,
    Shopify,
    Custom,
}

/// How a signature value writes the MAC.
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
        Some(table::spec(self).help)
    }
}

impl serde::Serialize for SchemeName {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(Choice::name(*self))
    }
}

impl std::fmt::Display for SchemeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Choice::name(*self))
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
    pub fn encode(self, mac: &[u8]) -> String {
        let mut text = String::new();
        self.encode_onto(mac, &mut text);
        text
    }

    /// [`Encoding::encode`] appended to `text`.
    pub fn encode_onto(self, mac: &[u8], text: &mut String) {
        match self {
            Encoding::Hex => {
                // On the stack for any MAC (at most 64 bytes); `hex::encode` goes a char at
                // a time into a new String.
                let mut digits = [0u8; 128];
                let Some(out) = digits.get_mut(..mac.len() * 2) else {
                    return text.push_str(&hex::encode(mac));
                };
                hex::encode_to_slice(mac, out).expect("twice the length");
                text.push_str(std::str::from_utf8(out).expect("hex is ASCII"));
            }
            Encoding::Base64 => BASE64.encode_string(mac, text),
        }
    }

    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
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

/// A scheme ready to use: a named entry of `SCHEMES`, plus the header, prefix and encoding
/// of a custom one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheme {
    spec: &'static Spec,
    custom: Option<Custom>,
}

impl Scheme {
    /// Builds a scheme from its name; `custom` needs the header it signs into.
    pub fn from_name(name: SchemeName, custom: Option<Custom>) -> Result<Self> {
        let custom = match (name, custom) {
            (SchemeName::Custom, None) => {
                return Err(Error::usage(
                    "--scheme custom needs --signature-header NAME (e.g. --signature-header X-Signature --signature-prefix sha256=)",
                ));
            }
            (SchemeName::Custom, custom) => custom,
            _ => None,
        };
        Ok(Scheme {
            spec: table::spec(name),
            custom,
        })
    }

    /// A named scheme other than custom (which needs its header: see `from_name`).
    pub fn known(name: SchemeName) -> Self {
        Scheme::from_name(name, None).expect("known() is for the named schemes, not custom")
    }

    pub fn name(&self) -> SchemeName {
        self.spec.name
    }

    pub fn spec(&self) -> &'static Spec {
        self.spec
    }

    /// Whether the signature covers a timestamp that a receiver must check for freshness.
    pub fn is_timestamped(&self) -> bool {
        self.spec.is_timestamped()
    }

    /// Recognises the scheme from the headers of a delivery, in `SCHEMES` order (custom
    /// schemes cannot be told).
    pub fn detect(headers: &[Header]) -> Option<Scheme> {
        SCHEMES
            .iter()
            .find(|spec| {
                spec.signature
                    .iter()
                    .copied()
                    .chain(spec.legacy.map(|l| l.header))
                    .any(|name| header(headers, name).is_some())
            })
            .map(|spec| Scheme::known(spec.name))
    }

    /// The header that carries the signature, named as the provider spells it.
    pub fn signature_header(&self) -> &str {
        match &self.custom {
            Some(custom) => &custom.header,
            None => self.spec.signature[0],
        }
    }

    /// Every spelling of the signature header, in the order they are looked for.
    fn signature_names(&self) -> Vec<&str> {
        match &self.custom {
            Some(custom) => vec![custom.header.as_str()],
            None => self.spec.signature.to_vec(),
        }
    }

    /// How the signature value is written (a custom scheme's own prefix and encoding).
    pub fn format(&self) -> Format<'_> {
        match &self.custom {
            Some(custom) => Format::Single {
                prefix: &custom.prefix,
                encoding: custom.encoding,
            },
            None => self.spec.format,
        }
    }
}

impl Format<'_> {
    pub fn encoding(&self) -> Encoding {
        match *self {
            Format::Single { encoding, .. }
            | Format::Pairs { encoding, .. }
            | Format::Versions { encoding, .. } => encoding,
        }
    }

    /// The text before the MAC itself: `sha256=`, `v1=`, `v1,`.
    pub fn prefix(&self) -> String {
        match *self {
            Format::Single { prefix, .. } => prefix.to_string(),
            Format::Pairs { version, .. } => format!("{version}="),
            Format::Versions { version, .. } => format!("{version},"),
        }
    }

    fn render(&self, mac: &[u8], timestamp: &str) -> String {
        let mut value = String::with_capacity(timestamp.len() + 16 + mac.len() * 2);
        match *self {
            Format::Single { prefix, .. } => value.push_str(prefix),
            Format::Pairs {
                timestamp: label,
                version,
                ..
            } => {
                for part in [label, "=", timestamp, ",", version, "="] {
                    value.push_str(part);
                }
            }
            Format::Versions { version, .. } => {
                value.push_str(version);
                value.push(',');
            }
        }
        self.encoding().encode_onto(mac, &mut value);
        value
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
            } => write!(
                f,
                "timestamp {timestamp} is {}, beyond the {tolerance}s tolerance",
                skew(*timestamp, *now)
            ),
            VerifyError::Mismatch => f.write_str(
                "signature does not match: wrong secret, or the body was changed after signing",
            ),
        }
    }
}

/// `120s old` or `120s in the future`.
fn skew(timestamp: i64, now: i64) -> String {
    let skew = i128::from(now) - i128::from(timestamp);
    let direction = if skew >= 0 { "old" } else { "in the future" };
    format!("{}s {direction}", skew.unsigned_abs())
}

/// Something worth saying about a delivery that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The timestamp is beyond the tolerance in the future, which the provider's library
    /// accepts (it refuses only old ones).
    Future {
        timestamp: i64,
        now: i64,
        tolerance: u64,
    },
    /// The legacy header was the one verified.
    Legacy(&'static str),
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::Future {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "timestamp {timestamp} is {}, beyond the {tolerance}s tolerance: accepted, as the provider's library refuses only old ones; check the sender's clock",
                skew(*timestamp, *now)
            ),
            Note::Legacy(note) => f.write_str(note),
        }
    }
}

/// A delivery that verified: its signed timestamp, if any, and what is worth saying.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Verified {
    pub timestamp: Option<i64>,
    pub notes: Vec<Note>,
}

/// A scheme with its key ready: signs and verifies deliveries.
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    key: Key,
}

/// The key a signer holds.
#[derive(Clone)]
enum Key {
    Hmac {
        keyed: HmacSha256,
        /// The same key for the scheme's legacy header (GitHub's HMAC-SHA1), if it has one.
        legacy: Option<HmacSha1>,
    },
    /// An asymmetric key (Standard Webhooks' `whsk_`/`whpk_`).
    Ed25519(Ed25519),
}

/// What a delivery's signature headers carry once parsed.
struct Presented {
    signatures: Vec<Vec<u8>>,
    timestamp: Option<i64>,
    id: Option<String>,
    /// The signatures came from the legacy header.
    legacy: bool,
}

impl Signer {
    /// A signer to verify with (and to sign with, unless the secret is a public key).
    pub fn new(scheme: Scheme, secret: &Secret) -> Result<Self> {
        let asymmetric = match scheme.spec.asymmetric {
            Some(asym) => Ed25519::from_secret(&asym, secret.expose())?,
            None => None,
        };
        let key = match asymmetric {
            Some(key) => Key::Ed25519(key),
            None => hmac_key(&scheme, secret)?,
        };
        Ok(Signer { scheme, key })
    }

    /// A signer that can sign: a public key (`whpk_`), which only verifies, is refused.
    pub fn signing(scheme: Scheme, secret: &Secret) -> Result<Self> {
        let signer = Signer::new(scheme, secret)?;
        if !signer.can_sign() {
            return Err(Error::usage(
                "a whpk_ public key only verifies; sign with its whsk_ signing key (`whk secret --scheme standard --asymmetric` prints a pair)",
            ));
        }
        Ok(signer)
    }

    /// False for a public key, which only verifies.
    pub fn can_sign(&self) -> bool {
        !matches!(self.key, Key::Ed25519(Ed25519::Public(_)))
    }

    /// How this signer's signatures are written: the scheme's format, or `v1a,<base64>`
    /// for an asymmetric key.
    fn format(&self) -> Format<'_> {
        match (&self.key, self.scheme.spec.asymmetric) {
            (Key::Ed25519(_), Some(asym)) => Format::Versions {
                version: asym.version,
                encoding: Encoding::Base64,
            },
            _ => self.scheme.format(),
        }
    }

    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Whether the signature covers a message id (and a header carries it).
    pub fn signs_id(&self) -> bool {
        self.scheme.spec.layout.contains(&Part::Id)
    }

    /// The headers that sign `body` at `timestamp` (unix seconds) with message id `id` (a
    /// public key signs nothing: its headers carry no signature).
    pub fn sign(&self, body: &[u8], timestamp: i64, id: &str) -> Vec<Header> {
        let t = itoa::Buffer::new().format(timestamp).to_string();
        let spec = self.scheme.spec;
        let mut headers = Vec::with_capacity(3);
        if spec.layout.contains(&Part::Id) {
            headers.push((spec.id[0].to_string(), id.to_string()));
        }
        if let Some(name) = spec.timestamp.first() {
            headers.push((name.to_string(), t.clone()));
        }
        let signature = match &self.key {
            Key::Hmac { keyed, .. } => Some(mac_for(keyed, spec.layout, body, &t, id).to_vec()),
            Key::Ed25519(key) => key
                .sign(&self.signed_content(body, &t, id))
                .map(|sig| sig.to_vec()),
        };
        if let Some(signature) = signature {
            let value = self.format().render(&signature, &t);
            headers.push((self.scheme.signature_header().to_string(), value));
        }
        headers
    }

    /// Checks a delivery. `tolerance` (seconds) applies to timestamped schemes as the
    /// scheme's `Freshness` says; `None` skips the freshness check.
    pub fn verify(
        &self,
        headers: &[Header],
        body: &[u8],
        now: i64,
        tolerance: Option<u64>,
    ) -> Result<Verified, VerifyError> {
        let presented = self.presented(headers)?;
        if !self.matches(&presented, body) {
            return Err(VerifyError::Mismatch);
        }
        let mut notes = Vec::new();
        if presented.legacy
            && let Some(legacy) = self.scheme.spec.legacy
        {
            notes.push(Note::Legacy(legacy.note));
        }
        if let (Some(timestamp), Some(tolerance)) = (presented.timestamp, tolerance) {
            self.check_freshness(timestamp, now, tolerance, &mut notes)?;
        }
        Ok(Verified {
            timestamp: presented.timestamp,
            notes,
        })
    }

    /// Constant-time: does any presented signature match?
    fn matches(&self, presented: &Presented, body: &[u8]) -> bool {
        let t = presented
            .timestamp
            .map(|t| t.to_string())
            .unwrap_or_default();
        let id = presented.id.as_deref().unwrap_or("");
        let layout = self.scheme.spec.layout;
        let expected: Vec<u8> = match &self.key {
            Key::Ed25519(key) => {
                let content = signed_bytes(layout, body, &t, id);
                return presented
                    .signatures
                    .iter()
                    .any(|sig| key.verifies(&content, sig));
            }
            Key::Hmac {
                legacy: Some(legacy),
                ..
            } if presented.legacy => {
                let mut mac = legacy.clone();
                mac.update(body);
                mac.finalize().into_bytes().to_vec()
            }
            Key::Hmac { keyed, .. } => mac_for(keyed, layout, body, &t, id).to_vec(),
        };
        let matched = presented
            .signatures
            .iter()
            .fold(subtle::Choice::from(0), |any, sig| {
                any | expected.as_slice().ct_eq(sig)
            });
        bool::from(matched)
    }

    /// Refuses a timestamp beyond the tolerance as the scheme's library does; one from the
    /// future that the library accepts is noted instead.
    fn check_freshness(
        &self,
        timestamp: i64,
        now: i64,
        tolerance: u64,
        notes: &mut Vec<Note>,
    ) -> Result<(), VerifyError> {
        let ahead = i128::from(timestamp) - i128::from(now);
        let stale = VerifyError::Stale {
            timestamp,
            now,
            tolerance,
        };
        if -ahead > i128::from(tolerance) {
            return Err(stale);
        }
        if ahead > i128::from(tolerance) {
            match self.scheme.spec.freshness {
                Freshness::PastOnly => notes.push(Note::Future {
                    timestamp,
                    now,
                    tolerance,
                }),
                _ => return Err(stale),
            }
        }
        Ok(())
    }

    /// The exact bytes the scheme signs, for `--show-expected` style output.
    pub fn signed_content(&self, body: &[u8], timestamp: &str, id: &str) -> Vec<u8> {
        signed_bytes(self.scheme.spec.layout, body, timestamp, id)
    }

    fn presented(&self, headers: &[Header]) -> Result<Presented, VerifyError> {
        let spec = self.scheme.spec;
        let Some((name, value)) = first_header(headers, &self.signature_names()) else {
            return self.legacy_presented(headers).unwrap_or_else(|| {
                Err(VerifyError::MissingHeader {
                    header: self.scheme.signature_header().to_string(),
                    present: signature_like_headers(headers),
                })
            });
        };
        let mut presented = parse_value(self.format(), name, value)?;
        if !spec.timestamp.is_empty() {
            presented.timestamp = Some(required_timestamp(headers, spec.timestamp)?);
        }
        if spec.layout.contains(&Part::Id) {
            presented.id = Some(required_header(headers, spec.id)?.to_string());
        }
        Ok(presented)
    }

    fn signature_names(&self) -> Vec<&str> {
        self.scheme.signature_names()
    }

    /// The legacy header's signature, when the scheme has one and it is present.
    fn legacy_presented(&self, headers: &[Header]) -> Option<Result<Presented, VerifyError>> {
        let legacy = self.scheme.spec.legacy?;
        let value = header(headers, legacy.header)?;
        let format = Format::Single {
            prefix: legacy.prefix,
            encoding: Encoding::Hex,
        };
        Some(
            parse_value(format, legacy.header, value).map(|presented| Presented {
                legacy: true,
                ..presented
            }),
        )
    }
}

/// An HMAC key from the secret, in the form the scheme uses.
fn hmac_key(scheme: &Scheme, secret: &Secret) -> Result<Key> {
    let key = match scheme.spec.key {
        KeyForm::Whsec => secret.standard_key()?,
        KeyForm::Text => secret.raw_key(),
    };
    let keyed = HmacSha256::new_from_slice(&key).expect("HMAC accepts keys of any length");
    let legacy = scheme
        .spec
        .legacy
        .map(|_| HmacSha1::new_from_slice(&key).expect("HMAC accepts keys of any length"));
    Ok(Key::Hmac { keyed, legacy })
}

/// The HMAC of the bytes a layout signs.
fn mac_for(
    keyed: &HmacSha256,
    layout: &[Part],
    body: &[u8],
    timestamp: &str,
    id: &str,
) -> [u8; 32] {
    let mut mac = keyed.clone();
    for piece in signed_pieces(layout, body, timestamp, id) {
        mac.update(piece);
    }
    mac.finalize().into_bytes().into()
}

/// Reads the signatures (and Stripe's timestamp) out of a signature header's value.
fn parse_value(format: Format<'_>, name: &str, value: &str) -> Result<Presented, VerifyError> {
    let encoding = format.encoding();
    let form = format!("{}<{}>", format.prefix(), encoding.name());
    let mut presented = Presented {
        signatures: Vec::new(),
        timestamp: None,
        id: None,
        legacy: false,
    };
    match format {
        Format::Single { prefix, .. } => {
            let sig = value
                .trim()
                .strip_prefix(prefix)
                .and_then(|rest| encoding.decode(rest.trim()));
            presented.signatures.extend(sig);
        }
        Format::Pairs {
            timestamp: label, ..
        } => {
            for item in value.split(',') {
                match item.trim().split_once('=') {
                    Some((l, t)) if l == label => presented.timestamp = t.trim().parse().ok(),
                    Some((l, sig)) if format!("{l}=") == format.prefix() => {
                        presented.signatures.extend(encoding.decode(sig.trim()));
                    }
                    _ => {}
                }
            }
            if presented.timestamp.is_none() {
                return Err(VerifyError::Malformed(format!(
                    "{name} has no {label}=<unix timestamp>"
                )));
            }
        }
        Format::Versions { .. } => {
            let prefix = format.prefix();
            presented.signatures = value
                .split_whitespace()
                .filter_map(|item| item.strip_prefix(prefix.as_str()))
                .filter_map(|sig| encoding.decode(sig))
                .collect();
        }
    }
    if presented.signatures.is_empty() {
        let message = match format {
            Format::Single { .. } => format!("{name} is not of the form {form}"),
            _ => format!("{name} has no {form} signature"),
        };
        return Err(VerifyError::Malformed(message));
    }
    Ok(presented)
}

fn required_header<'a>(headers: &'a [Header], names: &[&str]) -> Result<&'a str, VerifyError> {
    first_header(headers, names)
        .map(|(_, value)| value)
        .ok_or_else(|| {
            VerifyError::Malformed(format!(
                "no {} header, which the signature covers",
                names[0]
            ))
        })
}

fn required_timestamp(headers: &[Header], names: &[&str]) -> Result<i64, VerifyError> {
    let value = required_header(headers, names)?;
    value.trim().parse().map_err(|_| {
        VerifyError::Malformed(format!("{} is not a unix timestamp: {value:?}", names[0]))
    })
}

/// The pieces of the signed bytes, in order, as a layout lays them out.
fn signed_pieces<'a>(
    layout: &'a [Part],
    body: &'a [u8],
    timestamp: &'a str,
    id: &'a str,
) -> impl Iterator<Item = &'a [u8]> {
    layout.iter().map(move |part| match part {
        Part::Text(text) => text.as_bytes(),
        Part::Id => id.as_bytes(),
        Part::Timestamp => timestamp.as_bytes(),
        Part::Body => body,
    })
}

/// The bytes a layout signs for this body, timestamp and id.
pub fn signed_bytes(layout: &[Part], body: &[u8], timestamp: &str, id: &str) -> Vec<u8> {
    signed_pieces(layout, body, timestamp, id)
        .collect::<Vec<_>>()
        .concat()
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

/// The first of several spellings that is present: (the spelling, its value).
fn first_header<'a, 'n>(headers: &'a [Header], names: &[&'n str]) -> Option<(&'n str, &'a str)> {
    names
        .iter()
        .find_map(|name| header(headers, name).map(|value| (*name, value)))
}

/// The signed timestamp and message id a delivery carries, in any scheme's headers.
pub fn any_timestamp_and_id(headers: &[Header]) -> (Option<i64>, Option<&str>) {
    let timestamp = SCHEMES.iter().find_map(|spec| {
        let text = match spec.format {
            Format::Pairs { timestamp, .. } => {
                first_header(headers, spec.signature).and_then(|(_, v)| {
                    v.split(',')
                        .find_map(|p| p.trim().strip_prefix(timestamp)?.strip_prefix('='))
                })
            }
            _ => first_header(headers, spec.timestamp).map(|(_, v)| v),
        };
        text.and_then(|t| t.trim().parse().ok())
    });
    let id = SCHEMES
        .iter()
        .find_map(|spec| first_header(headers, spec.id).map(|(_, v)| v));
    (timestamp, id)
}

/// Header names that look like they carry a signature, for a "missing header" diagnosis:
/// those of the schemes in `SCHEMES`, and any other name that says signature or HMAC.
pub fn signature_like_headers(headers: &[Header]) -> Vec<String> {
    headers
        .iter()
        .map(|(name, _)| name)
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            table::signature_header_names().any(|known| known.eq_ignore_ascii_case(name))
                || ["signature", "hmac", "-sig"]
                    .iter()
                    .any(|word| lower.contains(word))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests;
