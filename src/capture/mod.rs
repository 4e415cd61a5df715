//! The capture format: one received delivery, complete enough to verify and replay it later,
//! the sinks that write captures (a directory of JSON files, or one JSON Lines file), and
//! (in `read`) the readers that bring requests back from captures, raw HTTP and HAR files.

pub mod read;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::schema::Validation;
use crate::scheme::Header;
use crate::sync::lock;

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
    pub signature: Option<SignatureVerdict>,
    pub response: CapturedResponse,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub forward: Option<Forwarded>,
    /// How the `--exec` command ended: exit code, output, duration.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "read_if_well_formed"
    )]
    pub exec: Option<ExecOutcome>,
    /// The `--validate` result: the schema checked and the problems found.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "read_if_well_formed"
    )]
    pub validation: Option<Validation>,
}

/// How a `--exec` command ended, as the capture records it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ExecOutcome {
    pub command: String,
    /// None when it was killed (timeout, signal) or could not start.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: f64,
    pub stdout: String,
    pub stderr: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

impl ExecOutcome {
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// One line for the terminal (not yet escaped).
    pub fn summary(&self) -> String {
        let ms = self.duration_ms;
        match (&self.error, self.timed_out, self.exit_code) {
            (Some(err), _, _) => format!("$ {}: could not run: {err}", self.command),
            (None, true, _) => format!(
                "$ {}: killed after {ms:.0} ms (--exec-timeout)",
                self.command
            ),
            (None, false, Some(code)) => format!("$ {} → exit {code} in {ms:.0} ms", self.command),
            (None, false, None) => format!("$ {} → killed by a signal", self.command),
        }
    }
}

/// A part of a capture that only describes it (what `--exec` or `--validate` made of it):
/// when it is not in the form whk writes, it is left out rather than losing the capture.
fn read_if_well_formed<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value.and_then(|value| serde_json::from_value(value).ok()))
}

/// The signature verdict a capture records (none when no secret was given).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignatureVerdict {
    pub scheme: Option<String>,
    pub valid: bool,
    /// Which of several secrets signed it, by position (1 = the first `--secret`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub key: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// What is worth saying about a valid delivery (a future timestamp, a legacy header).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
}

/// What the app behind `--forward-to` answered, or why it could not be reached.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Forwarded {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body: Option<String>,
    /// The failure kind: `timeout`, `refused`, …
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    pub latency_ms: f64,
}

fn delivery_type() -> String {
    "delivery".to_string()
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
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
    Lines(PathBuf, Mutex<LineFile>),
}

impl Sink {
    /// A path ending in `.jsonl` or `.ndjson` is appended to; anything else is a directory,
    /// created when missing. A new `.json` name is refused: it reads like one capture file,
    /// but would become a directory (an existing directory of that name is still used).
    pub fn open(path: &Path) -> Result<Self> {
        let extension = path.extension().and_then(|ext| ext.to_str());
        let is_lines = extension.is_some_and(|ext| {
            ext.eq_ignore_ascii_case("jsonl") || ext.eq_ignore_ascii_case("ndjson")
        });
        let cannot = |err: std::io::Error| {
            Error::usage(format!("cannot save captures to {}: {err}", path.display()))
        };
        if is_lines {
            return Ok(Sink::Lines(
                path.to_path_buf(),
                Mutex::new(LineFile::open(path).map_err(cannot)?),
            ));
        }
        if extension.is_some_and(|ext| ext.eq_ignore_ascii_case("json")) && !path.is_dir() {
            return Err(Error::usage(format!(
                "--save {}: a .json name would become a directory; save to a directory (--save caps/) or one JSON Lines file (--save {})",
                path.display(),
                path.with_extension("jsonl").display()
            )));
        }
        std::fs::create_dir_all(path).map_err(cannot)?;
        Ok(Sink::Directory(path.to_path_buf()))
    }

    /// Appends whole lines, each ending in a newline, to a JSON Lines sink in one write, all
    /// or none of them (a failed write is cut off again).
    pub fn write_lines(&self, lines: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Lines(_, file) => lock(file).append(lines),
            Sink::Directory(_) => Err(std::io::Error::other(
                "captures go to a directory, one file each",
            )),
        }
    }

    /// Where the capture `id` is (or will be) saved.
    pub fn path_of(&self, id: &str) -> PathBuf {
        match self {
            Sink::Lines(path, _) => path.clone(),
            Sink::Directory(dir) => dir.join(format!("{id}.json")),
        }
    }

    /// Whether captures are lines of one file (which `write_lines` can batch).
    pub fn is_lines(&self) -> bool {
        matches!(self, Sink::Lines(..))
    }

    /// Writes one capture completely, or not at all: a whole line (a failed write is cut
    /// off again), or a temp file renamed into place. `json` is the capture serialised on
    /// one line, with or without its newline.
    pub fn write(&self, id: &str, json: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Lines(..) if json.ends_with(b"\n") => self.write_lines(json),
            Sink::Lines(..) => self.write_lines(&[json, b"\n"].concat()),
            Sink::Directory(dir) => {
                let mut temp = tempfile::Builder::new()
                    .prefix(".whk-")
                    .suffix(".tmp")
                    .tempfile_in(dir)?;
                temp.write_all(json)?;
                if !json.ends_with(b"\n") {
                    temp.write_all(b"\n")?;
                }
                temp.persist(dir.join(format!("{id}.json")))
                    .map_err(|err| err.error)?;
                Ok(())
            }
        }
    }
}

/// What a JSON Lines sink needs from its file: appending, and cutting a failed append off.
pub trait Appendable: Write {
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()>;
}

impl Appendable for File {
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
        self.set_len(len)
    }
}

/// A JSON Lines file that holds only whole lines: a line that fails half-written (a full
/// disk) is cut off again, so the next line does not land glued to a fragment. Assumes this
/// process is the file's only writer while it runs.
pub struct LineFile<F = File> {
    file: F,
    /// The length up to the end of the last complete line.
    len: u64,
    /// A failed append could not be cut off: no line goes after it until it is.
    torn: bool,
}

impl LineFile<File> {
    /// Opens (or creates, readable by the owner only) `path` for appending. A file that does
    /// not end in a newline gets one first: the torn fragment stays a line of its own,
    /// which readers report and skip, and nothing already there is deleted.
    fn open(path: &Path) -> std::io::Result<Self> {
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        let mut len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
                len += 1;
            }
        }
        Ok(LineFile::new(file, len))
    }
}

impl<F: Appendable> LineFile<F> {
    /// `file` positioned to append, `len` bytes long, ending in a newline (or empty).
    pub fn new(file: F, len: u64) -> Self {
        LineFile {
            file,
            len,
            torn: false,
        }
    }

    /// Appends one whole line, or leaves the file as it was and returns the error.
    pub fn append(&mut self, line: &[u8]) -> std::io::Result<()> {
        if self.torn {
            self.file.truncate_to(self.len)?;
            self.torn = false;
        }
        if let Err(err) = self.file.write_all(line) {
            self.torn = self.file.truncate_to(self.len).is_err();
            return Err(err);
        }
        self.len += line.len() as u64;
        Ok(())
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
            exec: None,
            validation: None,
        };
        let json = serde_json::to_string(&capture).unwrap();
        let back: Capture = serde_json::from_str(&json).unwrap();
        assert_eq!(back, capture);
        assert_eq!(back.body_bytes().unwrap(), [0xff, 0x00, 0x41]);
        assert!(json.contains(r#""headers":[["X-A","1"]]"#), "{json}");

        // What --exec and --validate made of it reads back typed; in another form it is
        // left out, and the capture itself is still read.
        let mut line: Value = serde_json::from_str(&json).unwrap();
        line["exec"] = serde_json::json!({"command": "true", "exit_code": 0, "timed_out": false,
            "duration_ms": 1.5, "stdout": "", "stderr": ""});
        line["validation"] = serde_json::json!({"schema": null, "valid": true, "problems": []});
        let typed: Capture = serde_json::from_value(line.clone()).unwrap();
        assert!(typed.exec.as_ref().is_some_and(ExecOutcome::succeeded));
        assert!(typed.validation.as_ref().is_some_and(|v| v.valid));
        line["exec"] = serde_json::json!("ran it");
        line["validation"] = serde_json::json!({"problems": "many"});
        let lenient: Capture = serde_json::from_value(line).unwrap();
        assert!(lenient.exec.is_none() && lenient.validation.is_none());
        assert_eq!(lenient.body_bytes().unwrap(), [0xff, 0x00, 0x41]);
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

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn jsonl_sink_puts_a_torn_fragment_on_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("caps.jsonl");
        std::fs::write(&path, "{\"a\":1}\n{\"type\":\"deliv").unwrap();
        let sink = Sink::open(&path).unwrap();
        sink.write("b", br#"{"b":2}"#).unwrap();
        assert_eq!(read(&path), "{\"a\":1}\n{\"type\":\"deliv\n{\"b\":2}\n");
    }

    #[test]
    fn jsonl_sink_adds_no_newline_to_an_empty_or_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.jsonl");
        std::fs::write(&whole, "{\"a\":1}\n").unwrap();
        Sink::open(&whole)
            .unwrap()
            .write("b", br#"{"b":2}"#)
            .unwrap();
        assert_eq!(read(&whole), "{\"a\":1}\n{\"b\":2}\n");
        let empty = dir.path().join("empty.ndjson");
        std::fs::write(&empty, "").unwrap();
        let sink = Sink::open(&empty).unwrap();
        assert_eq!(read(&empty), "", "opening alone writes nothing");
        sink.write("b", br#"{"b":2}"#).unwrap();
        assert_eq!(read(&empty), "{\"b\":2}\n");
    }

    /// A file on a disk that fills up: each write puts at most `room` more bytes in the real
    /// file, then fails the way a full disk does; cutting back can be made to fail too.
    struct FillingDisk {
        file: File,
        room: usize,
        cut_fails: bool,
    }

    impl Write for FillingDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::StorageFull.into());
            }
            let n = self.file.write(&buf[..buf.len().min(self.room)])?;
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.file.flush()
        }
    }

    impl Appendable for FillingDisk {
        fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
            if self.cut_fails {
                return Err(std::io::Error::other("ftruncate failed"));
            }
            self.file.set_len(len)
        }
    }

    fn filling_disk(path: &Path, existing: &str) -> LineFile<FillingDisk> {
        std::fs::write(path, existing).unwrap();
        let file = OpenOptions::new().append(true).open(path).unwrap();
        let disk = FillingDisk {
            file,
            room: usize::MAX,
            cut_fails: false,
        };
        LineFile::new(disk, existing.len() as u64)
    }

    #[test]
    fn a_failed_append_is_cut_back_to_the_last_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("caps.jsonl");
        let mut lines = filling_disk(&path, "{\"a\":1}\n");
        lines.append(b"{\"b\":2}\n").unwrap();
        lines.file.room = 5;
        let err = lines.append(b"{\"c\":3,\"long\":true}\n").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
        assert_eq!(
            read(&path),
            "{\"a\":1}\n{\"b\":2}\n",
            "the fragment is gone"
        );
        // Space again: the next line starts on a line of its own.
        lines.file.room = usize::MAX;
        lines.append(b"{\"d\":4}\n").unwrap();
        assert_eq!(read(&path), "{\"a\":1}\n{\"b\":2}\n{\"d\":4}\n");
    }

    #[test]
    fn no_line_follows_a_fragment_that_could_not_be_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("caps.jsonl");
        let mut lines = filling_disk(&path, "{\"a\":1}\n");
        lines.file.room = 3;
        lines.file.cut_fails = true;
        assert!(lines.append(b"{\"b\":2}\n").is_err());
        assert_eq!(read(&path), "{\"a\":1}\n{\"b");
        // Room again, but the cut still fails: refused, rather than glued to the fragment.
        lines.file.room = usize::MAX;
        assert!(lines.append(b"{\"c\":3}\n").is_err());
        assert_eq!(read(&path), "{\"a\":1}\n{\"b");
        lines.file.cut_fails = false;
        lines.append(b"{\"d\":4}\n").unwrap();
        assert_eq!(read(&path), "{\"a\":1}\n{\"d\":4}\n");
    }

    #[test]
    fn a_real_write_error_reaches_the_caller_and_the_sink_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("caps.jsonl");
        std::fs::write(&path, "{\"a\":1}\n").unwrap();
        let sink = Sink::open(&path).unwrap();
        let Sink::Lines(_, file) = &sink else {
            panic!("a .jsonl path is a JSON Lines sink");
        };
        // Swap in a read-only descriptor of the same file: the OS refuses the write, and
        // the cut back (ftruncate) too, so the sink holds back until a cut succeeds.
        let read_only = File::open(&path).unwrap();
        let mut inner = file.lock().unwrap();
        let writable = std::mem::replace(&mut inner.file, read_only);
        drop(inner);
        assert!(sink.write("b", br#"{"b":2}"#).is_err());
        assert!(file.lock().unwrap().torn);
        assert_eq!(read(&path), "{\"a\":1}\n");
        file.lock().unwrap().file = writable;
        sink.write("c", br#"{"c":3}"#).unwrap();
        assert_eq!(read(&path), "{\"a\":1}\n{\"c\":3}\n");
    }

    #[cfg(unix)]
    #[test]
    fn captures_are_readable_by_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let lines = dir.path().join("caps.jsonl");
        Sink::open(&lines).unwrap().write("a", b"{}").unwrap();
        assert_eq!(mode(&lines), 0o600);
        let caps = dir.path().join("caps");
        Sink::open(&caps).unwrap().write("a", b"{}").unwrap();
        assert_eq!(mode(&caps.join("a.json")), 0o600);
    }

    #[test]
    fn a_json_name_is_refused_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["foo.json", "FOO.JSON"] {
            let path = dir.path().join(name);
            let Err(err) = Sink::open(&path) else {
                panic!("--save {name} was accepted");
            };
            assert_eq!(err.exit_code(), 2);
            let message = err.to_string();
            assert!(
                message.contains("a .json name would become a directory"),
                "{message}"
            );
            assert!(message.contains("--save caps/"), "{message}");
            assert!(message.contains(".jsonl)"), "{message}");
            assert!(!path.exists(), "{name} was created");
        }
        // A directory of that name made before (by an older whk) is still used.
        let old = dir.path().join("old.json");
        std::fs::create_dir(&old).unwrap();
        assert!(matches!(Sink::open(&old), Ok(Sink::Directory(_))));
    }
}
