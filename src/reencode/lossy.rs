//! Lossy JSON re-serialisation: the signed body is gone once a framework has parsed it and a
//! handler re-encoded it (`JSON.stringify(req.body)`, `json.dumps`), since numbers lose their
//! form (`50.00` → `50` or `50.0`, exponents) and escapes are decoded (`\u00e9` → `é`,
//! `\/` → `/`). This rebuilds the forms the sender may have written, from the body received:
//! each number written the other usual ways, strings with the usual escapes, compact /
//! Python / pretty spacing, keys as received or sorted.

use serde_json::Value;

/// Bodies larger than this are not searched (each candidate is a whole rendering).
const MAX_BODY: usize = 64 * 1024;
/// At most this many number rewrites are tried per style.
const MAX_ASSIGNMENTS: usize = 256;

/// How the sender may have spaced, escaped and ordered its JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Style {
    spacing: Spacing,
    /// Non-ASCII characters written as `\uXXXX`.
    ascii: bool,
    /// `/` written as `\/`.
    slashes: bool,
    /// Object keys in sorted order.
    sorted: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spacing {
    Compact,
    /// `", "` and `": "`, as Python's `json.dumps`.
    Python,
    Pretty(&'static str),
}

/// A number as received and the other ways it may have been written.
struct NumberLeaf {
    path: String,
    forms: Vec<String>,
}

/// The first lossy original of a JSON `body` for which `matches` holds, as what the
/// receiver's re-encoding changed in it, in words ("data.revenue: 50.00 → 50; the original
/// was compact").
pub fn find(body: &[u8], matches: impl Fn(&[u8]) -> bool) -> Option<String> {
    if body.len() > MAX_BODY {
        return None;
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let mut leaves = Vec::new();
    collect_numbers(&value, &mut String::new(), &mut leaves);
    let assignments = assignments(&leaves);
    for style in styles(body) {
        for assignment in &assignments {
            let mut bytes = render(&value, style, &leaves, assignment);
            if bytes != body && matches(&bytes) {
                return Some(describe(style, &leaves, assignment, false));
            }
            // A pretty-printed file usually ends with a newline.
            if let Spacing::Pretty(_) = style.spacing {
                bytes.push(b'\n');
                if matches(&bytes) {
                    return Some(describe(style, &leaves, assignment, true));
                }
            }
        }
    }
    None
}

/// Every style that can differ for this body, the most common first (escaping non-ASCII
/// needs non-ASCII text, escaping `/` needs a `/`).
fn styles(body: &[u8]) -> Vec<Style> {
    let non_ascii = !body.is_ascii() || body.windows(2).any(|w| w == b"\\u");
    let slash = body.contains(&b'/');
    let mut all = Vec::new();
    for sorted in [false, true] {
        for (ascii, slashes) in [(false, false), (true, false), (true, true), (false, true)] {
            if (ascii && !non_ascii) || (slashes && !slash) {
                continue;
            }
            for spacing in [
                Spacing::Compact,
                Spacing::Python,
                Spacing::Pretty("  "),
                Spacing::Pretty("    "),
            ] {
                all.push(Style {
                    spacing,
                    ascii,
                    slashes,
                    sorted,
                });
            }
        }
    }
    all
}

/// The other ways a number token may have been written: `50` ↔ `50.0` ↔ `50.00`, and
/// exponent ↔ plain decimal.
fn number_forms(token: &str) -> Vec<String> {
    let mut forms = vec![token.to_string()];
    let mut add = |form: String| {
        if !forms.contains(&form) {
            forms.push(form);
        }
    };
    if token.contains(['e', 'E']) {
        if let Ok(f) = token.parse::<f64>() {
            add(format!("{f}"));
        }
    } else if let Some((whole, fraction)) = token.split_once('.') {
        let trimmed = fraction.trim_end_matches('0');
        if trimmed.is_empty() {
            add(whole.to_string());
        } else {
            add(format!("{whole}.{trimmed}"));
        }
        add(format!("{token}0"));
        if let Ok(f) = token.parse::<f64>()
            && f != 0.0
            && !(1e-5..1e16).contains(&f.abs())
        {
            add(format!("{f:e}"));
        }
    } else {
        add(format!("{token}.0"));
        add(format!("{token}.00"));
    }
    forms
}

fn collect_numbers(value: &Value, path: &mut String, leaves: &mut Vec<NumberLeaf>) {
    match value {
        Value::Number(n) => leaves.push(NumberLeaf {
            path: path.clone(),
            forms: number_forms(&n.to_string()),
        }),
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{at}]"));
                collect_numbers(item, path, leaves);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                collect_numbers(item, path, leaves);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Which form each number takes, fewest changes first: every combination when there are
/// few, else each number changed alone and every number changed the same way.
fn assignments(leaves: &[NumberLeaf]) -> Vec<Vec<usize>> {
    let unchanged = vec![0; leaves.len()];
    let total = leaves
        .iter()
        .try_fold(1usize, |product, leaf| {
            product.checked_mul(leaf.forms.len())
        })
        .unwrap_or(usize::MAX);
    let mut all = if total <= MAX_ASSIGNMENTS {
        let mut all = vec![Vec::new()];
        for leaf in leaves {
            all = all
                .into_iter()
                .flat_map(|prefix: Vec<usize>| {
                    (0..leaf.forms.len()).map(move |form| {
                        let mut next = prefix.clone();
                        next.push(form);
                        next
                    })
                })
                .collect();
        }
        all
    } else {
        let mut some = vec![unchanged.clone()];
        for (at, leaf) in leaves.iter().enumerate() {
            for form in 1..leaf.forms.len() {
                let mut one = unchanged.clone();
                one[at] = form;
                some.push(one);
            }
        }
        for form in 1..3 {
            some.push(
                leaves
                    .iter()
                    .map(|leaf| if form < leaf.forms.len() { form } else { 0 })
                    .collect(),
            );
        }
        some
    };
    all.sort_by_key(|a| a.iter().filter(|f| **f != 0).count());
    all.dedup();
    all
}

/// The body written in `style`, number `i` in form `assignment[i]`.
fn render(value: &Value, style: Style, leaves: &[NumberLeaf], assignment: &[usize]) -> Vec<u8> {
    let mut writer = Writer {
        style,
        numbers: leaves
            .iter()
            .zip(assignment)
            .map(|(leaf, form)| (leaf.path.as_str(), leaf.forms[*form].as_str()))
            .collect(),
        out: String::new(),
        path: String::new(),
    };
    writer.value(value, 0);
    writer.out.into_bytes()
}

struct Writer<'a> {
    style: Style,
    /// Each number's path and the form to write it in.
    numbers: Vec<(&'a str, &'a str)>,
    out: String,
    path: String,
}

impl Writer<'_> {
    fn value(&mut self, value: &Value, depth: usize) {
        match value {
            Value::Number(n) => {
                let form = self
                    .numbers
                    .iter()
                    .find(|(path, _)| *path == self.path)
                    .map_or_else(|| n.to_string(), |(_, form)| form.to_string());
                self.out.push_str(&form);
            }
            Value::String(text) => self.string(text),
            Value::Array(items) if !items.is_empty() => {
                self.out.push('[');
                for (at, item) in items.iter().enumerate() {
                    self.separator(at, depth + 1);
                    let len = self.path.len();
                    self.path.push_str(&format!("[{at}]"));
                    self.value(item, depth + 1);
                    self.path.truncate(len);
                }
                self.close(']', depth);
            }
            Value::Object(map) if !map.is_empty() => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                if self.style.sorted {
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                }
                self.out.push('{');
                for (at, (key, item)) in entries.into_iter().enumerate() {
                    self.separator(at, depth + 1);
                    self.string(key);
                    self.out
                        .push_str(if self.style.spacing == Spacing::Compact {
                            ":"
                        } else {
                            ": "
                        });
                    let len = self.path.len();
                    if len > 0 {
                        self.path.push('.');
                    }
                    self.path.push_str(key);
                    self.value(item, depth + 1);
                    self.path.truncate(len);
                }
                self.close('}', depth);
            }
            other => self.out.push_str(&other.to_string()),
        }
    }

    /// Before item `at` of a container: the comma, and the newline and indent when pretty.
    fn separator(&mut self, at: usize, depth: usize) {
        match self.style.spacing {
            Spacing::Compact => {
                if at > 0 {
                    self.out.push(',');
                }
            }
            Spacing::Python => {
                if at > 0 {
                    self.out.push_str(", ");
                }
            }
            Spacing::Pretty(indent) => {
                if at > 0 {
                    self.out.push(',');
                }
                self.out.push('\n');
                self.out.push_str(&indent.repeat(depth));
            }
        }
    }

    fn close(&mut self, bracket: char, depth: usize) {
        if let Spacing::Pretty(indent) = self.style.spacing {
            self.out.push('\n');
            self.out.push_str(&indent.repeat(depth));
        }
        self.out.push(bracket);
    }

    fn string(&mut self, text: &str) {
        let token = serde_json::to_string(text).expect("a string always serialises");
        super::escape_into(&mut self.out, &token, self.style.ascii, self.style.slashes);
    }
}

/// What the re-encoding changed, original → received, and how the original was written.
fn describe(style: Style, leaves: &[NumberLeaf], assignment: &[usize], newline: bool) -> String {
    let mut parts: Vec<String> = leaves
        .iter()
        .zip(assignment)
        .filter(|(_, form)| **form != 0)
        .map(|(leaf, form)| {
            let path = if leaf.path.is_empty() {
                "(the body)"
            } else {
                &leaf.path
            };
            format!("{path}: {} → {}", leaf.forms[*form], leaf.forms[0])
        })
        .collect();
    if style.ascii {
        parts.push("non-ASCII characters were \\u escapes".to_string());
    }
    if style.slashes {
        parts.push("/ was escaped as \\/".to_string());
    }
    if style.sorted {
        parts.push("keys were in sorted order".to_string());
    }
    let spacing = match style.spacing {
        Spacing::Compact => "compact",
        Spacing::Python => "spaced as Python writes it",
        Spacing::Pretty("  ") => "pretty-printed with 2-space indentation",
        Spacing::Pretty(_) => "pretty-printed with 4-space indentation",
    };
    let newline = if newline { ", ending in a newline" } else { "" };
    parts.push(format!("the original was {spacing}{newline}"));
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(original: &[u8], received: &[u8]) -> Option<String> {
        find(received, |candidate| candidate == original)
    }

    #[test]
    fn numbers_are_written_the_other_usual_ways() {
        assert_eq!(number_forms("50"), ["50", "50.0", "50.00"]);
        assert_eq!(number_forms("50.0"), ["50.0", "50", "50.00"]);
        assert_eq!(number_forms("49.9"), ["49.9", "49.90"]);
        assert_eq!(number_forms("1e-7"), ["1e-7", "0.0000001"]);
        assert!(number_forms("0.0000001").contains(&"1e-7".to_string()));
    }

    /// The documented conversion's `"revenue": 50.00` after `JSON.stringify(req.body)`.
    #[test]
    fn a_trailing_zero_lost_to_json_stringify_is_found_and_shown() {
        let original =
            br#"{"event":"conversion","data":{"link_id":42,"revenue":50.00,"currency":"EUR"}}"#;
        let received =
            br#"{"event":"conversion","data":{"link_id":42,"revenue":50,"currency":"EUR"}}"#;
        let changes = finds(original, received).unwrap();
        assert!(changes.starts_with("data.revenue: 50.00 → 50"), "{changes}");
    }

    /// The same after Python's `json.dumps(json.loads(body))`: `50.0`, spaced, escaped.
    #[test]
    fn python_rewrites_are_undone_in_combination() {
        let original =
            r#"{"city":"Montr\u00e9al","url":"https:\/\/a.example\/caf\u00e9","revenue":50.00}"#;
        let received =
            r#"{"city": "Montr\u00e9al", "url": "https://a.example/caf\u00e9", "revenue": 50.0}"#;
        let changes = finds(original.as_bytes(), received.as_bytes()).unwrap();
        assert!(changes.contains("revenue: 50.00 → 50.0"), "{changes}");
        assert!(changes.contains("\\/"), "{changes}");
        let node = r#"{"city":"Montréal","url":"https://a.example/café","revenue":50}"#;
        let changes = finds(original.as_bytes(), node.as_bytes()).unwrap();
        assert!(changes.contains("\\u escapes"), "{changes}");
    }

    #[test]
    fn sorted_keys_and_pretty_printing_combine_with_numbers() {
        let original = b"{\n  \"a\": 1.50,\n  \"b\": [\n    2\n  ]\n}";
        let received = br#"{"b":[2],"a":1.5}"#;
        let changes = finds(original, received).unwrap();
        assert!(changes.contains("a: 1.50 → 1.5"), "{changes}");
        assert!(changes.contains("sorted"), "{changes}");
    }

    /// shared/examples/georedir-conversion.json as a file: pretty, 50.00, a final newline.
    #[test]
    fn a_pretty_file_with_its_final_newline_is_found() {
        let original = b"{\n  \"data\": {\n    \"revenue\": 50.00\n  }\n}\n";
        let changes = finds(original, br#"{"data":{"revenue":50.0}}"#).unwrap();
        assert!(changes.contains("50.00 → 50.0"), "{changes}");
        assert!(changes.ends_with("ending in a newline"), "{changes}");
    }

    #[test]
    fn nothing_is_claimed_when_no_form_matches() {
        assert!(finds(br#"{"a":2}"#, br#"{"a":1}"#).is_none());
        assert!(finds(b"not json", b"not json either").is_none());
    }
}
