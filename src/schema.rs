//! JSON Schemas (draft 2020-12) of every event, and checking payloads against them
//! (`--validate`). Each schema is the documented envelope around the `data` schema that
//! `events` derives from its sample structs; a directory of the user's own schemas
//! (`EVENT.json`) adds events or replaces whk's.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::events::{self, CATALOGUE, EventType, Profile};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of one event of the catalogue.
pub fn event_schema(event: EventType) -> Value {
    let mut properties = serde_json::Map::new();
    properties.insert("event".into(), json!({"const": event.name}));
    let mut required = vec!["event"];
    if event.profile == Profile::Relurl {
        properties.insert("event_id".into(), json!({"type": "string"}));
        required.push("event_id");
    }
    properties.insert(
        "timestamp".into(),
        json!({"type": "string", "format": "date-time"}),
    );
    properties.insert("data".into(), events::data_schema(event));
    required.extend(["timestamp", "data"]);
    json!({
        "$schema": DRAFT,
        "$id": format!("https://whk.invalid/schemas/{}/{}.json", event.profile.name(), event.name),
        "title": format!("{} {}", event.profile.name(), event.name),
        "description": format!("{} ({} profile)", event.fires, event.profile.name()),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The file name `whk events --schemas DIR` writes for an event.
pub fn file_name(event: EventType) -> String {
    format!("{}.{}.schema.json", event.profile.name(), event.name)
}

/// One thing wrong with a payload.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// JSON Pointer to where it is (`/data/link_id`).
    pub at: String,
    pub message: String,
}

/// What kind of thing is wrong.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    /// A required field is absent.
    Missing,
    /// A field the schema does not allow.
    Extra,
    /// A value of the wrong JSON type.
    Type,
    /// Any other broken rule (a pattern, a range, not JSON at all…).
    Invalid,
    /// No schema for the event: nothing was checked.
    Unknown,
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProblemKind::Missing => "missing",
            ProblemKind::Extra => "extra",
            ProblemKind::Type => "type",
            ProblemKind::Invalid => "invalid",
            ProblemKind::Unknown => "unknown",
        })
    }
}

/// The result of checking one payload.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Validation {
    /// The schema used (`georedir click`, or the custom file), none when there is none.
    pub schema: Option<String>,
    pub valid: bool,
    pub problems: Vec<Problem>,
}

/// Compiled schemas: the catalogue's, and the user's own by event name.
pub struct Schemas {
    builtin: Vec<(EventType, jsonschema::Validator)>,
    custom: BTreeMap<String, (String, jsonschema::Validator)>,
}

impl Schemas {
    /// The catalogue's schemas, and those in `dir` (`EVENT.json` or `EVENT.schema.json`).
    pub fn load(dir: Option<&Path>) -> Result<Self> {
        let builtin = CATALOGUE
            .iter()
            .map(|event| (*event, compile(&event_schema(*event), event.name)))
            .map(|(event, compiled)| compiled.map(|v| (event, v)))
            .collect::<Result<Vec<_>>>()?;
        let custom = match dir {
            Some(dir) => load_dir(dir)?,
            None => BTreeMap::new(),
        };
        Ok(Schemas { builtin, custom })
    }

    /// Checks a payload against the schema of its event.
    pub fn check(&self, event: Option<&str>, body: &[u8]) -> Validation {
        let Ok(payload) = serde_json::from_slice::<Value>(body) else {
            return failed(None, "", "the body is not JSON");
        };
        let Some(event) = event else {
            return failed(None, "/event", "the payload names no event");
        };
        let (name, validator) = match self.find(event, &payload) {
            Some(found) => found,
            None => {
                return Validation {
                    schema: None,
                    valid: true,
                    problems: vec![Problem {
                        kind: ProblemKind::Unknown,
                        at: "/event".into(),
                        message: format!(
                            "no schema for event '{event}' (add one with --schemas DIR)"
                        ),
                    }],
                };
            }
        };
        let problems: Vec<Problem> = validator.iter_errors(&payload).map(problem).collect();
        Validation {
            schema: Some(name),
            valid: problems.is_empty(),
            problems,
        }
    }

    /// The user's schema for `event`, else the catalogue's (for names in both profiles, the
    /// one whose envelope the payload has: `event_id` is RELURL's).
    fn find(&self, event: &str, payload: &Value) -> Option<(String, &jsonschema::Validator)> {
        if let Some((file, validator)) = self.custom.get(event) {
            return Some((file.clone(), validator));
        }
        let relurl = payload.get("event_id").is_some();
        let mut candidates = self.builtin.iter().filter(|(e, _)| e.name == event);
        let first = candidates.next()?;
        let chosen = std::iter::once(first)
            .chain(candidates)
            .find(|(e, _)| (e.profile == Profile::Relurl) == relurl)
            .unwrap_or(first);
        Some((
            format!("{} {}", chosen.0.profile.name(), chosen.0.name),
            &chosen.1,
        ))
    }
}

fn failed(schema: Option<String>, at: &str, message: &str) -> Validation {
    Validation {
        schema,
        valid: false,
        problems: vec![Problem {
            kind: ProblemKind::Invalid,
            at: at.into(),
            message: message.into(),
        }],
    }
}

fn problem(error: jsonschema::ValidationError) -> Problem {
    use jsonschema::error::ValidationErrorKind as Kind;
    let at = error.instance_path().to_string();
    let (kind, message) = match error.kind() {
        Kind::Required { property } => (
            ProblemKind::Missing,
            format!("{} is missing", property.as_str().unwrap_or("a field")),
        ),
        Kind::AdditionalProperties { unexpected } => (
            ProblemKind::Extra,
            format!("unexpected {}", unexpected.join(", ")),
        ),
        Kind::Type { .. } => (ProblemKind::Type, error.to_string()),
        _ => (ProblemKind::Invalid, error.to_string()),
    };
    Problem { kind, at, message }
}

fn compile(schema: &Value, name: &str) -> Result<jsonschema::Validator> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .map_err(|err| {
            Error::usage(format!(
                "the schema of {name} is not a valid JSON Schema: {err}"
            ))
        })
}

/// The user's schemas: each `EVENT.json` (or `[PROFILE.]EVENT.schema.json`) in `dir`.
fn load_dir(dir: &Path) -> Result<BTreeMap<String, (String, jsonschema::Validator)>> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        Error::usage(format!(
            "cannot read the schema directory {}: {err}",
            dir.display()
        ))
    })?;
    let mut schemas = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(stem) = file
            .strip_suffix(".schema.json")
            .or_else(|| file.strip_suffix(".json"))
        else {
            continue;
        };
        // What `whk events --schemas DIR` writes (PROFILE.EVENT) is read back as EVENT.
        let event = ["georedir.", "relurl."]
            .iter()
            .find_map(|p| stem.strip_prefix(p))
            .unwrap_or(stem);
        let text = std::fs::read_to_string(&path)
            .map_err(|err| Error::usage(format!("cannot read {}: {err}", path.display())))?;
        let schema: Value = serde_json::from_str(&text)
            .map_err(|err| Error::usage(format!("{}: not JSON: {err}", path.display())))?;
        let shown = path.display().to_string();
        let validator = compile(&schema, &shown)?;
        schemas.insert(event.to_string(), (shown, validator));
    }
    Ok(schemas)
}

impl Validation {
    /// `✗ schema georedir click: missing /data: link_id is missing; …`
    pub fn text(&self) -> String {
        let mark = if self.valid { "·" } else { "✗" };
        let schema = self.schema.as_deref().unwrap_or("no schema");
        let problems: Vec<String> = self
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{} {}: {}",
                    p.kind,
                    if p.at.is_empty() { "/" } else { &p.at },
                    p.message
                )
            })
            .collect();
        format!("{mark} schema {schema}: {}", problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::SampleContext;

    #[test]
    fn every_generated_sample_validates_against_its_schema() {
        let schemas = Schemas::load(None).unwrap();
        for seed in 0..40 {
            let mut rng = fastrand::Rng::with_seed(seed);
            for event in CATALOGUE {
                let mut ctx = SampleContext {
                    rng: &mut rng,
                    timestamp: std::time::SystemTime::now(),
                    id: None,
                };
                let body = serde_json::to_vec(&events::sample(*event, &mut ctx)).unwrap();
                let result = schemas.check(Some(event.name), &body);
                assert!(
                    result.valid,
                    "{} {}: {:?}",
                    event.profile.name(),
                    event.name,
                    result
                );
                assert_eq!(
                    result.schema.as_deref(),
                    Some(format!("{} {}", event.profile.name(), event.name).as_str())
                );
            }
        }
    }

    #[test]
    fn missing_extra_and_wrong_types_are_named() {
        let schemas = Schemas::load(None).unwrap();
        let body = br#"{"event":"link.created","timestamp":"2026-01-01T00:00:00Z","data":{"link_id":"7","name":"n","slug":"s","is_active":true,"colour":"red"}}"#;
        let result = schemas.check(Some("link.created"), body);
        assert!(!result.valid);
        let kinds: Vec<(ProblemKind, &str)> = result
            .problems
            .iter()
            .map(|p| (p.kind, p.at.as_str()))
            .collect();
        assert!(
            kinds.contains(&(ProblemKind::Missing, "/data")),
            "{kinds:?}"
        );
        assert!(kinds.contains(&(ProblemKind::Extra, "/data")), "{kinds:?}");
        assert!(
            kinds.contains(&(ProblemKind::Type, "/data/link_id")),
            "{kinds:?}"
        );
        // In a capture and in --json, the kinds are the words they always were.
        let json = serde_json::to_value(&result).unwrap();
        let words: Vec<&str> = json["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["kind"].as_str().unwrap())
            .collect();
        assert!(
            words.contains(&"missing") && words.contains(&"extra"),
            "{words:?}"
        );
        let back: Validation = serde_json::from_value(json).unwrap();
        assert_eq!(back, result, "a capture reads back what it wrote");
    }
}
