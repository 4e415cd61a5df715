//! The differences between two deliveries: headers by name, and bodies by JSON path when
//! both are JSON (so key order and whitespace do not count), by line otherwise.

use serde::Serialize;
use serde_json::Value;

use super::Entry;

/// One header of either delivery.
#[derive(Debug, Serialize, PartialEq)]
pub struct HeaderChange {
    pub name: String,
    /// `same`, `changed`, `added` (only on the right) or `removed` (only on the left).
    pub kind: &'static str,
    pub left: Option<String>,
    pub right: Option<String>,
}

/// One value that differs between two JSON bodies.
#[derive(Debug, Serialize, PartialEq)]
pub struct JsonChange {
    /// `data.items[2].id`; empty for the whole body.
    pub path: String,
    pub kind: &'static str,
    pub left: Option<Value>,
    pub right: Option<Value>,
}

/// One line of a text diff: `same`, `added` or `removed`.
#[derive(Debug, Serialize, PartialEq)]
pub struct LineChange {
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BodyDiff {
    Json { changes: Vec<JsonChange> },
    Text { lines: Vec<LineChange> },
}

#[derive(Debug, Serialize)]
pub struct Diff {
    pub left: u64,
    pub right: u64,
    pub headers: Vec<HeaderChange>,
    pub body: BodyDiff,
}

pub fn diff(left: &Entry, right: &Entry) -> Diff {
    Diff {
        left: left.seq,
        right: right.seq,
        headers: headers(&left.headers, &right.headers),
        body: bodies(&left.body, &right.body),
    }
}

/// Headers matched by name (ignoring case); repeated ones joined with ", ".
fn headers(left: &[(String, String)], right: &[(String, String)]) -> Vec<HeaderChange> {
    let value_of = |headers: &[(String, String)], name: &str| {
        let values: Vec<&str> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in left.iter().chain(right) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let (l, r) = (value_of(left, name), value_of(right, name));
            HeaderChange {
                name: name.to_string(),
                kind: kind_of(l.as_ref(), r.as_ref()),
                left: l,
                right: r,
            }
        })
        .collect()
}

fn kind_of<T: PartialEq>(left: Option<&T>, right: Option<&T>) -> &'static str {
    match (left, right) {
        (Some(l), Some(r)) if l == r => "same",
        (Some(_), Some(_)) => "changed",
        (None, _) => "added",
        (_, None) => "removed",
    }
}

fn bodies(left: &[u8], right: &[u8]) -> BodyDiff {
    let parse = |body: &[u8]| serde_json::from_slice::<Value>(body).ok();
    if let (Some(l), Some(r)) = (parse(left), parse(right)) {
        let mut changes = Vec::new();
        json_changes(String::new(), Some(&l), Some(&r), &mut changes);
        return BodyDiff::Json { changes };
    }
    let (l, r) = (
        String::from_utf8_lossy(left),
        String::from_utf8_lossy(right),
    );
    let lines = similar::TextDiff::from_lines(l.as_ref(), r.as_ref())
        .iter_all_changes()
        .map(|change| LineChange {
            kind: match change.tag() {
                similar::ChangeTag::Equal => "same",
                similar::ChangeTag::Delete => "removed",
                similar::ChangeTag::Insert => "added",
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect();
    BodyDiff::Text { lines }
}

/// The changes under `path`: objects by key, arrays by position, anything else by value.
fn json_changes(
    path: String,
    left: Option<&Value>,
    right: Option<&Value>,
    out: &mut Vec<JsonChange>,
) {
    match (left, right) {
        (Some(Value::Object(l)), Some(Value::Object(r))) => {
            let keys = l.keys().chain(r.keys().filter(|k| !l.contains_key(*k)));
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                json_changes(child, l.get(key), r.get(key), out);
            }
        }
        (Some(Value::Array(l)), Some(Value::Array(r))) => {
            for i in 0..l.len().max(r.len()) {
                json_changes(format!("{path}[{i}]"), l.get(i), r.get(i), out);
            }
        }
        (l, r) if l != r => out.push(JsonChange {
            path,
            kind: kind_of(l, r),
            left: l.cloned(),
            right: r.cloned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_bodies_differ_by_path_not_by_key_order_or_spacing() {
        let left = br#"{"event":"click","data":{"id":1,"tags":["a","b"]}}"#;
        let right = br#"{ "data": {"tags": ["a"], "id": 2, "new": true}, "event": "click" }"#;
        let BodyDiff::Json { changes } = bodies(left, right) else {
            panic!("both bodies are JSON");
        };
        let found: Vec<(&str, &str)> = changes.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(
            found,
            [
                ("data.id", "changed"),
                ("data.tags[1]", "removed"),
                ("data.new", "added")
            ]
        );
        assert_eq!(changes[0].left, Some(json!(1)));
        assert_eq!(changes[0].right, Some(json!(2)));
    }

    #[test]
    fn text_bodies_differ_by_line() {
        let BodyDiff::Text { lines } = bodies(b"a\nb\nc\n", b"a\nB\nc\n") else {
            panic!("text bodies");
        };
        let kinds: Vec<&str> = lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, ["same", "removed", "added", "same"]);
    }

    #[test]
    fn headers_are_matched_ignoring_case() {
        let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let changes = headers(
            &h(&[("Content-Type", "application/json"), ("X-Sig", "1")]),
            &h(&[
                ("content-type", "application/json"),
                ("X-Sig", "2"),
                ("X-New", "y"),
            ]),
        );
        let kinds: Vec<(&str, &str)> = changes.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("Content-Type", "same"),
                ("X-Sig", "changed"),
                ("X-New", "added")
            ]
        );
    }
}
