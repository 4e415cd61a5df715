//! How a body is commonly re-encoded between the sender's signature and the receiver's check
//! (newlines, line endings, JSON re-serialisation, lossy number and escape rewrites), and
//! finding the form that reproduces a signature. Pure: the caller says what matches.

use serde_json::Value;

mod lossy;

/// What kind of change turned the signed body into the one received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    TrailingNewline,
    LineEndings,
    Reserialised,
}

/// A change that, undone, reproduces the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// How the signed body differs: "pretty-printed with 2-space indentation".
    pub how: String,
}

/// The first re-encoding of `body` for which `matches` holds: the exact ones first, then
/// (for JSON) the lossy ones.
pub fn find_original(body: &[u8], matches: impl Fn(&[u8]) -> bool) -> Option<Change> {
    let exact = exact_variants(body)
        .into_iter()
        .find(|(_, _, variant)| matches(variant))
        .map(|(kind, how, _)| Change {
            kind,
            how: how.to_string(),
        });
    exact.or_else(|| {
        lossy::find(body, &matches).map(|changes| Change {
            kind: ChangeKind::Reserialised,
            how: format!("as the sender wrote it, before a lossy re-serialisation ({changes})"),
        })
    })
}

/// Signs that a JSON body was re-encoded by a framework rather than sent as signed:
/// pretty-printing or Python's `", "`/`": "` spacing.
pub fn reencoding_marks(body: &[u8]) -> Option<&'static str> {
    let value: Value = serde_json::from_slice(body).ok()?;
    if !(value.is_object() || value.is_array()) {
        return None;
    }
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_end();
    if trimmed.contains("\n ") || trimmed.contains("\n\t") {
        return Some("pretty-printed");
    }
    if trimmed.contains("\": ") {
        return Some("spaced as Python's json.dumps writes it");
    }
    None
}

/// The body as a sender or framework might have re-encoded it.
fn exact_variants(body: &[u8]) -> Vec<Variant> {
    let mut variants = whitespace_variants(body);
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        variants.extend(json_variants(&value));
    }
    variants.retain(|(_, _, variant)| variant != body);
    variants
}

/// A re-encoded body: what kind of change, how to say it, and its bytes.
type Variant = (ChangeKind, &'static str, Vec<u8>);

/// The body with its trailing newline or line endings changed.
fn whitespace_variants(body: &[u8]) -> Vec<Variant> {
    let mut with_newline = body.to_vec();
    with_newline.push(b'\n');
    let mut variants = vec![(
        ChangeKind::TrailingNewline,
        "with a trailing newline added",
        with_newline,
    )];
    if let Some(stripped) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
    {
        variants.push((
            ChangeKind::TrailingNewline,
            "without its trailing newline",
            stripped.to_vec(),
        ));
    }
    if body.windows(2).any(|w| w == b"\r\n") {
        variants.push((
            ChangeKind::LineEndings,
            "with CRLF line endings turned into LF",
            replace(body, b"\r\n", b"\n"),
        ));
    } else if body.contains(&b'\n') {
        variants.push((
            ChangeKind::LineEndings,
            "with LF line endings turned into CRLF",
            replace(body, b"\n", b"\r\n"),
        ));
    }
    variants
}

/// The parsed body written again the ways frameworks and languages write JSON.
fn json_variants(value: &Value) -> Vec<Variant> {
    let compact = serde_json::to_vec(value).expect("a Value always serialises");
    let pretty = serde_json::to_vec_pretty(value).expect("a Value always serialises");
    vec![
        (
            ChangeKind::Reserialised,
            "re-serialised as compact JSON (JSON.stringify(req.body))",
            compact.clone(),
        ),
        (
            ChangeKind::Reserialised,
            "pretty-printed with 2-space indentation",
            pretty,
        ),
        (
            ChangeKind::Reserialised,
            "pretty-printed with 4-space indentation",
            indented(value, b"    "),
        ),
        (
            ChangeKind::Reserialised,
            "re-serialised as Python's json.dumps does (\", \" and \": \", non-ASCII escaped)",
            escape_non_ascii(&python_dumps(value), false),
        ),
        (
            ChangeKind::Reserialised,
            "re-serialised as PHP's json_encode does (non-ASCII and / escaped)",
            escape_non_ascii(&compact, true),
        ),
    ]
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
    let mut out = String::with_capacity(json.len());
    escape_into(&mut out, &String::from_utf8_lossy(json), true, slashes);
    out.into_bytes()
}

/// Appends `text` with non-ASCII characters as `\uXXXX` (when `ascii`) and `/` as `\/`
/// (when `slashes`).
fn escape_into(out: &mut String, text: &str, ascii: bool, slashes: bool) {
    for c in text.chars() {
        match c {
            '/' if slashes => out.push_str("\\/"),
            c if c.is_ascii() || !ascii => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
}
