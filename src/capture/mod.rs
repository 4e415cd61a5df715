//! The capture format: one received delivery, complete enough to verify and replay it later,
//! the sinks that write captures (a directory of JSON files, or one JSON Lines file), and
//! (in `read`) the readers that bring requests back from captures, raw HTTP and HAR files.

pub mod read;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::scheme::Header;

/// One received request and what whk made of it and answered.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Capture {
    #[serde(rename = "type", default = "delivery_type")]
    pub kind: String,
    pub id: String,
    pub received_at: String,
    pub remote_addr: Option<String>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// In arrival order, names as sent: `[["Content-Type", "application/json"], …]`.
    pub headers: Vec<Header>,
    /// The body when it is UTF-8 text…
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body: Option<String>,
    /// …or base64 of its bytes when it is not.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body_base64: Option<String>,
    pub body_sha256: String,
    pub body_size: usize,
    pub event: Option<String>,
    /// The idempotency key seen before in this run: the delivery is a retry.
    pub duplicate: bool,
    /// `{"scheme", "valid", "reason"}`, or null when no secret was given.
    pub signature: Option<Value>,
    pub response: CapturedResponse,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub forward: Option<Value>,
}

fn delivery_type() -> String {
    "delivery".to_string()
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CapturedResponse {
    pub status: u16,
    pub body: String,
}

impl Capture {
    /// The raw body bytes, whichever field holds them.
    pub fn body_bytes(&self) -> Result<Vec<u8>> {
        match (&self.body, &self.body_base64) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(encoded)) => BASE64.decode(encoded).map_err(|err| {
                Error::usage(format!(
                    "capture {}: body_base64 is not base64: {err}",
                    self.id
                ))
            }),
            (None, None) => Ok(Vec::new()),
        }
    }
}

/// Stores the body as text when it is UTF-8, else as base64, with its SHA-256.
pub fn body_fields(body: &[u8]) -> (Option<String>, Option<String>, String) {
    let digest = hex::encode(Sha256::digest(body));
    match std::str::from_utf8(body) {
        Ok(text) => (Some(text.to_string()), None, digest),
        Err(_) => (None, Some(BASE64.encode(body)), digest),
    }
}

/// A capture id that sorts by arrival and stays unique across runs into one directory.
pub fn capture_id(received_at: SystemTime, sequence: u64, salt: u16) -> String {
    let stamp = humantime::format_rfc3339_millis(received_at).to_string();
    let compact: String = stamp
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    format!("{compact}-{sequence:06}-{salt:04x}")
}

/// Where captures go: `--save DIR` or `--save FILE.jsonl`.
pub enum Sink {
    Directory(PathBuf),
    Lines(Mutex<File>),
}

impl Sink {
    /// A path ending in `.jsonl` or `.ndjson` is appended to; anything else is a directory,
    /// created when missing.
    pub fn open(path: &Path) -> Result<Self> {
        let is_lines = path
            .extension()
            .is_some_and(|ext| ext == "jsonl" || ext == "ndjson");
        let cannot = |err: std::io::Error| {
            Error::usage(format!("cannot save captures to {}: {err}", path.display()))
        };
        if is_lines {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(cannot)?;
            return Ok(Sink::Lines(Mutex::new(file)));
        }
        std::fs::create_dir_all(path).map_err(cannot)?;
        Ok(Sink::Directory(path.to_path_buf()))
    }

    /// Writes one capture completely, or not at all: a whole line in one write, or a temp
    /// file renamed into place. `json` is the capture serialised on one line.
    pub fn write(&self, id: &str, json: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Lines(file) => {
                let mut line = Vec::with_capacity(json.len() + 1);
                line.extend_from_slice(json);
                line.push(b'\n');
                let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                file.write_all(&line)
            }
            Sink::Directory(dir) => {
                let mut temp = tempfile::Builder::new()
                    .prefix(".whk-")
                    .suffix(".tmp")
                    .tempfile_in(dir)?;
                temp.write_all(json)?;
                temp.write_all(b"\n")?;
                temp.persist(dir.join(format!("{id}.json")))
                    .map_err(|err| err.error)?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_bodies_round_trip_through_base64() {
        let (text, b64, digest) = body_fields(&[0xff, 0x00, 0x41]);
        assert_eq!(text, None);
        assert_eq!(digest.len(), 64);
        let capture = Capture {
            kind: delivery_type(),
            id: "x".into(),
            received_at: "2026-01-01T00:00:00.000Z".into(),
            remote_addr: None,
            method: "POST".into(),
            path: "/".into(),
            query: None,
            headers: vec![("X-A".into(), "1".into())],
            body: text,
            body_base64: b64,
            body_sha256: digest,
            body_size: 3,
            event: None,
            duplicate: false,
            signature: None,
            response: CapturedResponse {
                status: 200,
                body: String::new(),
            },
            forward: None,
        };
        let json = serde_json::to_string(&capture).unwrap();
        let back: Capture = serde_json::from_str(&json).unwrap();
        assert_eq!(back, capture);
        assert_eq!(back.body_bytes().unwrap(), [0xff, 0x00, 0x41]);
        assert!(json.contains(r#""headers":[["X-A","1"]]"#), "{json}");
    }

    #[test]
    fn ids_sort_by_time_then_sequence() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_772_029_800_123);
        assert_eq!(capture_id(t, 7, 0xab), "20260225T143000.123Z-000007-00ab");
    }

    #[test]
    fn directory_sink_leaves_only_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Sink::open(&dir.path().join("caps")).unwrap();
        sink.write("one", br#"{"a":1}"#).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path().join("caps"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["one.json"]);
    }
}
