//! Every named signature scheme, described once as data. Signing, verifying, detection, the
//! list of signature headers, the diagnosis' key forms and layouts, and the README's table all
//! derive from [`SCHEMES`]: adding a scheme is one entry here (plus its `SchemeName` variant)
//! and its known-answer tests.

use super::{Encoding, SchemeName};

/// One piece of the bytes a scheme signs, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Text(&'static str),
    Id,
    Timestamp,
    Body,
}

/// How the signature header writes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format<'a> {
    /// One value: prefix + MAC, e.g. `sha256=<hex>`.
    Single { prefix: &'a str, encoding: Encoding },
    /// Comma-separated `label=value` pairs: the timestamp under one label, any number of
    /// signatures under another (Stripe's `t=…,v1=…,v1=…`).
    Pairs {
        timestamp: &'static str,
        version: &'static str,
        encoding: Encoding,
    },
    /// Space-separated `version,value` items (Standard Webhooks' `v1,… v1,…`).
    Versions {
        version: &'static str,
        encoding: Encoding,
    },
}

/// How the secret becomes the HMAC key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyForm {
    /// The secret's text as bytes, whatever it looks like (Stripe's `whsec_…` included).
    Text,
    /// Base64 after an optional `whsec_` prefix, `=` padding optional (Standard Webhooks).
    Whsec,
}

/// Which signed timestamps the provider's own library refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// The scheme signs no timestamp.
    Unsigned,
    /// Only timestamps older than the tolerance (stripe-python, stripe-node, stripe-go); one
    /// from the future is accepted with a warning.
    PastOnly,
    /// Beyond the tolerance either way (standard-webhooks, svix, slack_sdk).
    BothWays,
}

/// An older header the provider still sends, verified only when the current one is absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Legacy {
    pub header: &'static str,
    pub prefix: &'static str,
    /// Why the legacy signature is weaker, said whenever it is the one verified.
    pub note: &'static str,
}

/// Asymmetric signatures beside the HMAC ones (Standard Webhooks' ed25519 `v1a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asymmetric {
    /// The signature identifier: `v1a` in `v1a,<base64>`.
    pub version: &'static str,
    /// The signing key's prefix: `whsk_` + base64(private key ‖ public key).
    pub signing_prefix: &'static str,
    /// The public key's prefix: `whpk_` + base64(public key).
    pub public_prefix: &'static str,
}

/// A named scheme: everything whk needs to sign, verify, detect and explain it.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    pub name: SchemeName,
    /// Who signs this way, as people name it: "Standard Webhooks", "Stripe".
    pub provider: &'static str,
    /// One line for `--scheme` help.
    pub help: &'static str,
    /// The signature header as whk sends it, then the other spellings receivers accept, in
    /// the order they are looked for.
    pub signature: &'static [&'static str],
    /// The message id header and its aliases (used when the layout has an id).
    pub id: &'static [&'static str],
    /// The timestamp header and its aliases (empty when the timestamp, if any, is inside
    /// the signature header).
    pub timestamp: &'static [&'static str],
    pub layout: &'static [Part],
    pub format: Format<'static>,
    pub key: KeyForm,
    pub freshness: Freshness,
    pub legacy: Option<Legacy>,
    pub asymmetric: Option<Asymmetric>,
    /// For the README table: the signature value and the provider it comes from.
    pub doc_value: &'static str,
}

const HEX: Encoding = Encoding::Hex;
const BASE64: Encoding = Encoding::Base64;
const BODY: &[Part] = &[Part::Body];

/// What the schemes that sign only the raw body share; entries below override the rest.
const RAW_BODY: Spec = Spec {
    name: SchemeName::Custom,
    provider: "custom",
    help: "",
    signature: &[],
    id: &[],
    timestamp: &[],
    layout: BODY,
    format: Format::Single {
        prefix: "",
        encoding: HEX,
    },
    key: KeyForm::Text,
    freshness: Freshness::Unsigned,
    legacy: None,
    asymmetric: None,
    doc_value: "lowercase hex",
};

/// The named schemes, in detection order: the first whose signature header a delivery
/// carries is the one it is checked with. Custom comes last and is never detected.
pub static SCHEMES: [Spec; 8] = [
    Spec {
        name: SchemeName::Standard,
        provider: "Standard Webhooks",
        help: "Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)",
        signature: &["webhook-signature", "svix-signature"],
        id: &["webhook-id", "svix-id"],
        timestamp: &["webhook-timestamp", "svix-timestamp"],
        layout: &[
            Part::Id,
            Part::Text("."),
            Part::Timestamp,
            Part::Text("."),
            Part::Body,
        ],
        format: Format::Versions {
            version: "v1",
            encoding: BASE64,
        },
        key: KeyForm::Whsec,
        freshness: Freshness::BothWays,
        legacy: None,
        asymmetric: Some(Asymmetric {
            version: "v1a",
            signing_prefix: "whsk_",
            public_prefix: "whpk_",
        }),
        doc_value: "`v1,{base64}` (HMAC, secret `whsec_{base64}`, padding optional) and `v1a,{base64}` (ed25519: sign with `whsk_`, verify with `whpk_`), space-separated list",
    },
    Spec {
        name: SchemeName::Stripe,
        provider: "Stripe",
        help: "Stripe-Signature: t=<unix>,v1=<hex> over \"{t}.{body}\"",
        signature: &["Stripe-Signature"],
        id: &[],
        timestamp: &[],
        layout: &[Part::Timestamp, Part::Text("."), Part::Body],
        format: Format::Pairs {
            timestamp: "t",
            version: "v1",
            encoding: HEX,
        },
        key: KeyForm::Text,
        freshness: Freshness::PastOnly,
        legacy: None,
        asymmetric: None,
        doc_value: "`t={unix},v1={hex}` (several `v1` allowed); the whole secret is the key",
    },
    Spec {
        name: SchemeName::Slack,
        provider: "Slack",
        help: "X-Slack-Signature: v0=<hex> over \"v0:{ts}:{body}\"",
        signature: &["X-Slack-Signature"],
        id: &[],
        timestamp: &["X-Slack-Request-Timestamp"],
        layout: &[
            Part::Text("v0:"),
            Part::Timestamp,
            Part::Text(":"),
            Part::Body,
        ],
        format: Format::Single {
            prefix: "v0=",
            encoding: HEX,
        },
        key: KeyForm::Text,
        freshness: Freshness::BothWays,
        legacy: None,
        asymmetric: None,
        doc_value: "`v0=` + hex",
    },
    Spec {
        name: SchemeName::Github,
        provider: "GitHub",
        help: "X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)",
        signature: &["X-Hub-Signature-256"],
        format: Format::Single {
            prefix: "sha256=",
            encoding: HEX,
        },
        legacy: Some(Legacy {
            header: "X-Hub-Signature",
            prefix: "sha1=",
            note: "verified the legacy X-Hub-Signature (HMAC-SHA1); GitHub recommends X-Hub-Signature-256",
        }),
        doc_value: "`sha256=` + hex (legacy `X-Hub-Signature: sha1=…` verified only when alone)",
        ..RAW_BODY
    },
    Spec {
        name: SchemeName::Shopify,
        provider: "Shopify",
        help: "X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body",
        signature: &["X-Shopify-Hmac-Sha256", "shopify-hmac-sha256"],
        format: Format::Single {
            prefix: "",
            encoding: BASE64,
        },
        doc_value: "base64",
        ..RAW_BODY
    },
    Spec {
        name: SchemeName::Georedir,
        provider: "GeoRedir",
        help: "X-GeoRedir-Signature: hex HMAC of the raw body",
        signature: &["X-GeoRedir-Signature"],
        ..RAW_BODY
    },
    Spec {
        name: SchemeName::Relurl,
        provider: "RELURL",
        help: "X-RELURL-Signature: hex HMAC of the raw body",
        signature: &["X-RELURL-Signature"],
        ..RAW_BODY
    },
    Spec {
        name: SchemeName::Custom,
        provider: "custom",
        help: "--signature-header NAME with --signature-prefix and --encoding",
        signature: &[],
        doc_value: "`--signature-prefix P` + `--encoding hex\\|base64`",
        ..RAW_BODY
    },
];

/// The entry for a scheme name.
pub fn spec(name: SchemeName) -> &'static Spec {
    SCHEMES
        .iter()
        .find(|spec| spec.name == name)
        .expect("every scheme name has an entry in SCHEMES")
}

impl Spec {
    /// Whether the signed bytes include a timestamp a receiver must check for freshness.
    pub fn is_timestamped(&self) -> bool {
        self.layout.contains(&Part::Timestamp)
    }

    /// The layout as text: `{id}.{timestamp}.{body}`.
    pub fn layout_text(&self) -> String {
        layout_text(self.layout)
    }
}

/// A layout as text: `"{timestamp}.{body}"`.
pub fn layout_text(layout: &[Part]) -> String {
    layout
        .iter()
        .map(|part| match part {
            Part::Text(text) => *text,
            Part::Id => "{id}",
            Part::Timestamp => "{timestamp}",
            Part::Body => "{body}",
        })
        .collect()
}

/// Every header name any scheme signs into (signature, id, timestamp, legacy), for
/// stripping a delivery before it is signed again and for "signature-like" lists.
pub fn signature_header_names() -> impl Iterator<Item = &'static str> {
    SCHEMES.iter().flat_map(|spec| {
        spec.signature
            .iter()
            .chain(spec.id)
            .chain(spec.timestamp)
            .copied()
            .chain(spec.legacy.map(|l| l.header))
    })
}

/// The README's scheme table, rendered from [`SCHEMES`] (a test keeps the README in step).
pub fn markdown_table() -> String {
    let mut table = String::from(
        "| scheme | header(s) | signed bytes | value | timestamp |\n|---|---|---|---|---|\n",
    );
    for spec in &SCHEMES {
        let lists = [spec.id, spec.timestamp, spec.signature];
        let quoted = |names: Vec<&str>| {
            names
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let primary = quoted(lists.iter().filter_map(|l| l.first().copied()).collect());
        let aliases = quoted(
            lists
                .iter()
                .flat_map(|l| l.iter().skip(1).copied())
                .collect(),
        );
        let headers = match (spec.name, aliases.is_empty()) {
            (SchemeName::Custom, _) => "`--signature-header NAME`".to_string(),
            (_, true) => primary,
            (_, false) => format!("{primary} (or {aliases})"),
        };
        let signed = match spec.layout {
            [Part::Body] => "raw body".to_string(),
            layout => format!("`{}`", layout_text(layout)),
        };
        let freshness = match spec.freshness {
            Freshness::Unsigned => "—",
            Freshness::PastOnly => "too old refused; future warned",
            Freshness::BothWays => "refused either way",
        };
        table.push_str(&format!(
            "| `{}` | {headers} | {signed} | {} | {freshness} |\n",
            crate::choice::Choice::name(spec.name),
            spec.doc_value
        ));
    }
    table
}
