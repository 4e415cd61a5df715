//! Reading requests back: whk captures (a JSON file, a directory of them, JSON Lines), raw
//! HTTP/1.1 requests as `nc -l` or a proxy writes them, and HAR files. The format is told
//! from the content, not the file name.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::SystemTime;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Capture;
use crate::error::{Error, Result};
use crate::scheme::Header;

/// A request read back from an input, whatever its format.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// Where it came from, for messages: `file.jsonl:3`, `dump.txt`, `site.har#2`.
    pub source: String,
    pub method: String,
    /// Path with the query string.
    pub target: String,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    /// When it was received, where the input says.
    pub received_at: Option<SystemTime>,
    /// Set when a capture's `body_sha256` does not match its body: the file was edited.
    pub digest_mismatch: bool,
    /// What a whk capture says besides the request (none for raw HTTP and HAR).
    pub facts: Option<Box<Facts>>,
}

/// The parts of a whk capture that are not the request: what the listener made of it and
/// answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub id: String,
    pub remote_addr: Option<String>,
    pub event: Option<String>,
    pub duplicate: bool,
    pub signature: Option<super::SignatureVerdict>,
    pub response: super::CapturedResponse,
    pub forward: Option<super::Forwarded>,
    pub exec: Option<super::ExecOutcome>,
    pub validation: Option<crate::schema::Validation>,
}

impl Facts {
    /// Takes the parts that are not the request out of `capture`.
    pub fn take_from(capture: &mut Capture) -> Facts {
        let unanswered = super::CapturedResponse {
            status: 0,
            body: String::new(),
        };
        Facts {
            id: std::mem::take(&mut capture.id),
            remote_addr: capture.remote_addr.take(),
            event: capture.event.take(),
            duplicate: capture.duplicate,
            signature: capture.signature.take(),
            response: std::mem::replace(&mut capture.response, unanswered),
            forward: capture.forward.take(),
            exec: capture.exec.take(),
            validation: capture.validation.take(),
        }
    }
}

/// A JSON Lines record that could not be read: which file, which line (from 1), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The input as named (`stdin` for `-`).
    pub file: String,
    pub line: u64,
    pub error: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.error)
    }
}

/// Reads every input in order and hands each request to `each`. `-` is stdin; a directory
/// is every `*.json` file in it, sorted by name. JSON Lines are streamed, so large capture
/// files need no more memory than one line. Any unreadable input, a JSON Lines record too,
/// ends the reading with an error.
pub fn read_inputs(specs: &[String], each: impl FnMut(Recorded) -> Result<()>) -> Result<()> {
    read_inputs_skipping(specs, each, |unreadable| {
        Err(Error::usage(unreadable.to_string()))
    })
}

/// `read_inputs`, except that a JSON Lines record that cannot be read (a line cut short by
/// a crash, a line that is not a capture) goes to `skipped` and the reading goes on with
/// the next line. Whole inputs that cannot be read still end it with an error.
pub fn read_inputs_skipping(
    specs: &[String],
    mut each: impl FnMut(Recorded) -> Result<()>,
    mut skipped: impl FnMut(Unreadable) -> Result<()>,
) -> Result<()> {
    let skipped: &mut dyn FnMut(Unreadable) -> Result<()> = &mut skipped;
    for spec in specs {
        if spec == "-" {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(Error::usage(
                    "- reads captures from stdin, but stdin is a terminal; pipe them in or name the files",
                ));
            }
            read_stream("stdin", std::io::stdin().lock(), &mut each, skipped)?;
            continue;
        }
        let path = Path::new(spec);
        if path.is_dir() {
            for file in json_files(path)? {
                read_file(&file, &mut each, skipped)?;
            }
        } else {
            read_file(path, &mut each, skipped)?;
        }
    }
    Ok(())
}

fn json_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| Error::usage(format!("cannot read directory {}: {err}", dir.display())))?;
    let mut files: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json") && path.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::usage(format!(
            "directory {} holds no .json captures; save some with `whk listen --save {}`",
            dir.display(),
            dir.display()
        )));
    }
    Ok(files)
}

type Skipped<'a> = &'a mut dyn FnMut(Unreadable) -> Result<()>;

fn read_file(
    path: &Path,
    each: &mut impl FnMut(Recorded) -> Result<()>,
    skipped: Skipped<'_>,
) -> Result<()> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|err| Error::usage(format!("cannot read {name}: {err}")))?;
    read_stream(&name, file, each, skipped)
}

/// One file or stdin, told apart by content: JSON Lines (streamed) when the first line is a
/// whole JSON object, or when it is a fragment of one (a line cut short, starting `{`) and
/// the next line that is not blank is a whole object; else one document read whole.
fn read_stream(
    name: &str,
    source: impl Read,
    each: &mut impl FnMut(Recorded) -> Result<()>,
    skipped: Skipped<'_>,
) -> Result<()> {
    let mut reader = BufReader::with_capacity(256 * 1024, source);
    let cannot = |err: std::io::Error| Error::usage(format!("cannot read {name}: {err}"));
    let mut first = Vec::new();
    reader.read_until(b'\n', &mut first).map_err(cannot)?;
    if is_object(&first) {
        return read_lines(name, first, reader, each, skipped);
    }
    // The lines after a possible fragment, kept for whichever way the input is read.
    let mut peeked = Vec::new();
    if first.trim_ascii_start().starts_with(b"{") && first.ends_with(b"\n") {
        loop {
            let start = peeked.len();
            if reader.read_until(b'\n', &mut peeked).map_err(cannot)? == 0 {
                break;
            }
            let line = &peeked[start..];
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if is_object(line) {
                let rest = std::io::Cursor::new(peeked).chain(reader);
                return read_lines(name, first, rest, each, skipped);
            }
            break;
        }
    }
    let mut bytes = first;
    bytes.append(&mut peeked);
    reader.read_to_end(&mut bytes).map_err(cannot)?;
    read_document(name, &bytes, each)
}

fn is_object(line: &[u8]) -> bool {
    serde_json::from_slice::<Value>(line).is_ok_and(|v| v.is_object())
}

/// JSON Lines: one capture (or HAR) per line; blank lines and listener status lines skipped.
/// A file of one line (as `listen --save DIR` writes) is named without a line number, and
/// is read as a document: if it cannot be read, that is an error. In a file of more lines,
/// a line that cannot be read goes to `skipped`.
fn read_lines(
    name: &str,
    first: Vec<u8>,
    mut reader: impl BufRead,
    each: &mut impl FnMut(Recorded) -> Result<()>,
    skipped: Skipped<'_>,
) -> Result<()> {
    let read_line = |reader: &mut dyn BufRead, line: &mut Vec<u8>| {
        line.clear();
        reader
            .read_until(b'\n', line)
            .map_err(|err| Error::usage(format!("cannot read {name}: {err}")))
    };
    let mut line = first;
    let mut next = Vec::new();
    let mut more = read_line(&mut reader, &mut next)? > 0;
    let mut number = 1;
    loop {
        if !line.iter().all(u8::is_ascii_whitespace) {
            if number == 1 && !more {
                for recorded in read_line_value(name, &line)? {
                    each(recorded)?;
                }
            } else {
                let source = format!("{name}:{number}");
                match read_line_value(&source, &line) {
                    Ok(found) => {
                        for recorded in found {
                            each(recorded)?;
                        }
                    }
                    Err(err) => skipped(Unreadable {
                        file: name.to_string(),
                        line: number,
                        error: reason_at(&source, &err),
                    })?,
                }
            }
        }
        if !more {
            return Ok(());
        }
        std::mem::swap(&mut line, &mut next);
        more = read_line(&mut reader, &mut next)? > 0;
        number += 1;
    }
}

/// One JSON Lines record: a capture parsed straight into its struct (the fast path), or
/// anything else `read_value` understands. Every error names `source` first.
fn read_line_value(source: &str, line: &[u8]) -> Result<LineRequests> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if let Ok(capture) = serde_json::from_slice::<Capture>(line) {
        return Ok(LineRequests::One(Some(recorded_from_capture(
            source, capture,
        )?)));
    }
    let value: Value = serde_json::from_slice(line).map_err(|err| {
        let cut = if err.is_eof() {
            " (the line is cut short)"
        } else {
            ""
        };
        Error::usage(format!(
            "{source}: not a capture: {}{cut}",
            json_error(&err)
        ))
    })?;
    let mut found = Vec::new();
    read_value(source, value, &mut |recorded| {
        found.push(recorded);
        Ok(())
    })?;
    Ok(LineRequests::Many(found.into_iter()))
}

/// The requests on one line: usually one capture, without a Vec for it.
enum LineRequests {
    One(Option<Recorded>),
    Many(std::vec::IntoIter<Recorded>),
}

impl Iterator for LineRequests {
    type Item = Recorded;

    fn next(&mut self) -> Option<Recorded> {
        match self {
            LineRequests::One(one) => one.take(),
            LineRequests::Many(many) => many.next(),
        }
    }
}

/// serde_json's message with the position on the line as a column only: the line number it
/// gives counts within the record, not the file.
fn json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&position) {
        Some(message) => format!("{message} at column {}", err.column()),
        None => text,
    }
}

/// What an error about `source` says, without the `source: ` it starts with.
fn reason_at(source: &str, err: &Error) -> String {
    let text = err.to_string();
    match text
        .strip_prefix(source)
        .and_then(|rest| rest.strip_prefix(": "))
    {
        Some(reason) => reason.to_string(),
        None => text,
    }
}

/// A whole document: JSON (a capture or a HAR file) or raw HTTP.
fn read_document(
    name: &str,
    bytes: &[u8],
    each: &mut impl FnMut(Recorded) -> Result<()>,
) -> Result<()> {
    let text_start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = text_start else {
        return Err(Error::usage(format!(
            "{name} is empty; give a capture, a raw HTTP request or a HAR file"
        )));
    };
    if matches!(bytes[start], b'{' | b'[') {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|err| Error::usage(format!("{name}: invalid JSON ({err})")))?;
        if let Value::Array(items) = value {
            for (i, item) in items.into_iter().enumerate() {
                read_value(&format!("{name}#{}", i + 1), item, each)?;
            }
            return Ok(());
        }
        return read_value(name, value, each);
    }
    if looks_like_http(&bytes[start..]) {
        return read_raw_http(name, &bytes[start..], each);
    }
    Err(Error::usage(format!(
        "{name} is not a whk capture, JSON Lines, a HAR file or a raw HTTP request; for a bare body use --body FILE --header 'Name: value'"
    )))
}

fn read_value(
    source: &str,
    value: Value,
    each: &mut impl FnMut(Recorded) -> Result<()>,
) -> Result<()> {
    if value.get("log").is_some() {
        return read_har(source, &value, each);
    }
    if let Some("summary" | "listening") = value.get("type").and_then(Value::as_str) {
        return Ok(());
    }
    let capture: Capture = serde_json::from_value(value)
        .map_err(|err| Error::usage(format!("{source}: not a whk capture or HAR file ({err})")))?;
    each(recorded_from_capture(source, capture)?)
}

fn recorded_from_capture(source: &str, mut capture: Capture) -> Result<Recorded> {
    let body = capture
        .body_bytes()
        .map_err(|err| Error::usage(format!("{source}: {err}")))?;
    let digest_mismatch = !capture.body_sha256.is_empty()
        && hex::encode(Sha256::digest(&body)) != capture.body_sha256;
    let target = match &capture.query {
        Some(query) => format!("{}?{query}", capture.path),
        None => capture.path.clone(),
    };
    let facts = Facts::take_from(&mut capture);
    Ok(Recorded {
        source: source.to_string(),
        method: capture.method,
        target,
        headers: capture.headers,
        body,
        received_at: humantime::parse_rfc3339_weak(&capture.received_at).ok(),
        digest_mismatch,
        facts: Some(Box::new(facts)),
    })
}

fn read_har(
    source: &str,
    har: &Value,
    each: &mut impl FnMut(Recorded) -> Result<()>,
) -> Result<()> {
    let entries = har["log"]["entries"]
        .as_array()
        .ok_or_else(|| Error::usage(format!("{source}: a HAR file needs log.entries")))?;
    for (i, entry) in entries.iter().enumerate() {
        each(har_entry(source, i + 1, entry)?)?;
    }
    Ok(())
}

/// Entry `n` (counted from 1) of a HAR file's log, as a request.
fn har_entry(source: &str, n: usize, entry: &Value) -> Result<Recorded> {
    let request = &entry["request"];
    let method = request["method"]
        .as_str()
        .ok_or_else(|| Error::usage(format!("{source}: HAR entry {n} has no request.method")))?;
    Ok(Recorded {
        source: format!("{source}#{n}"),
        method: method.to_string(),
        target: har_target(request["url"].as_str().unwrap_or("/")),
        headers: har_headers(&request["headers"]),
        body: har_body(source, n, &request["postData"])?,
        received_at: entry["startedDateTime"]
            .as_str()
            .and_then(|t| humantime::parse_rfc3339_weak(t).ok()),
        digest_mismatch: false,
        facts: None,
    })
}

/// The path and query of a HAR request's full URL; a URL that does not parse is kept whole.
fn har_target(url: &str) -> String {
    reqwest::Url::parse(url).map_or(url.to_string(), |u| match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    })
}

/// The `[{name, value}]` header list, skipping any entry without both as strings.
fn har_headers(list: &Value) -> Vec<Header> {
    list.as_array()
        .map(|list| {
            list.iter()
                .filter_map(|h| {
                    Some((
                        h["name"].as_str()?.to_string(),
                        h["value"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `postData.text`, decoded when `postData.encoding` is base64; no postData is an empty body.
fn har_body(source: &str, n: usize, post: &Value) -> Result<Vec<u8>> {
    let text = post["text"].as_str().unwrap_or("");
    if post["encoding"].as_str() != Some("base64") {
        return Ok(text.as_bytes().to_vec());
    }
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|err| {
            Error::usage(format!(
                "{source}: HAR entry {n}: postData.text is not base64 ({err})"
            ))
        })
}

/// `METHOD SP target SP HTTP/1.x` on the first line.
fn looks_like_http(bytes: &[u8]) -> bool {
    let line_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let line = String::from_utf8_lossy(&bytes[..line_end]);
    let mut parts = line.trim_end().split(' ');
    let method_ok = parts
        .next()
        .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()));
    method_ok && parts.next().is_some() && parts.next().is_some_and(|v| v.starts_with("HTTP/1."))
}

/// One or more raw HTTP/1.1 requests, one after another.
fn read_raw_http(
    name: &str,
    mut bytes: &[u8],
    each: &mut impl FnMut(Recorded) -> Result<()>,
) -> Result<()> {
    let mut number = 1;
    loop {
        let source = if number == 1 {
            name.to_string()
        } else {
            format!("{name}#{number}")
        };
        let (recorded, used) = parse_one_request(&source, bytes)?;
        each(recorded)?;
        bytes = &bytes[used..];
        match bytes.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(start) if looks_like_http(&bytes[start..]) => bytes = &bytes[start..],
            _ => return Ok(()),
        }
        number += 1;
    }
}

/// Parses one request; returns it and how many bytes it took.
fn parse_one_request(source: &str, bytes: &[u8]) -> Result<(Recorded, usize)> {
    let mut slots = [httparse::EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut slots);
    let head_len = match request.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            return Err(Error::usage(format!(
                "{source}: truncated HTTP request: the headers do not end with a blank line"
            )));
        }
        Err(err) => {
            return Err(Error::usage(format!(
                "{source}: not a valid HTTP request ({err})"
            )));
        }
    };
    let headers: Vec<Header> = crate::scheme::owned_headers(request.headers);
    let find = |name: &str| crate::scheme::header(&headers, name).map(str::trim);
    let rest = &bytes[head_len..];
    let chunked =
        find("Transfer-Encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let (body, body_len) = if chunked {
        decode_chunked(source, rest)?
    } else if let Some(length) = find("Content-Length") {
        let length: usize = length.parse().map_err(|_| {
            Error::usage(format!(
                "{source}: Content-Length {length:?} is not a number"
            ))
        })?;
        if rest.len() < length {
            return Err(Error::usage(format!(
                "{source}: truncated: Content-Length says {length} bytes but only {} follow",
                rest.len()
            )));
        }
        (rest[..length].to_vec(), length)
    } else {
        (rest.to_vec(), rest.len())
    };
    let recorded = Recorded {
        source: source.to_string(),
        method: request.method.unwrap_or("POST").to_string(),
        target: request.path.unwrap_or("/").to_string(),
        headers,
        body,
        received_at: None,
        digest_mismatch: false,
        facts: None,
    };
    Ok((recorded, head_len + body_len))
}

/// Decodes a chunked body; returns it and the number of encoded bytes it took. Written
/// here because the chunked_transfer decoder accepts a body cut off mid-chunk as complete.
fn decode_chunked(source: &str, encoded: &[u8]) -> Result<(Vec<u8>, usize)> {
    let truncated = || Error::usage(format!("{source}: truncated or malformed chunked body"));
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let line_end = find_crlf(&encoded[at..]).ok_or_else(truncated)?;
        let line = std::str::from_utf8(&encoded[at..at + line_end]).map_err(|_| truncated())?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| truncated())?;
        at += line_end + 2;
        if size == 0 {
            // Trailer lines, then the blank line that ends the body.
            loop {
                let end = find_crlf(&encoded[at..]).ok_or_else(truncated)?;
                at += end + 2;
                if end == 0 {
                    return Ok((body, at));
                }
            }
        }
        // A size near usize::MAX must not overflow the end index.
        let end = at.checked_add(size).ok_or_else(truncated)?;
        let chunk = encoded.get(at..end).ok_or_else(truncated)?;
        body.extend_from_slice(chunk);
        at = end;
        if encoded.get(at..at + 2) != Some(b"\r\n") {
            return Err(truncated());
        }
        at += 2;
    }
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_bytes(bytes: &[u8]) -> Result<Vec<Recorded>> {
        let mut out = Vec::new();
        read_document("test", bytes, &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn raw_http_with_content_length() {
        let raw =
            b"POST /hook?x=1 HTTP/1.1\r\nHost: a\r\nX-Sig: abc\r\nContent-Length: 5\r\n\r\nhello";
        let got = read_bytes(raw).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].target, "/hook?x=1");
        assert_eq!(got[0].body, b"hello");
        assert_eq!(got[0].headers[1], ("X-Sig".to_string(), "abc".to_string()));
    }

    #[test]
    fn raw_http_chunked_and_pipelined() {
        let raw = b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
        let got = read_bytes(raw).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].body, b"hello world");
        assert_eq!(got[1].target, "/b");
        assert_eq!(got[1].body, b"hi");
    }

    #[test]
    fn raw_http_with_bare_lf_lines() {
        let got = read_bytes(b"POST / HTTP/1.1\nContent-Length: 2\n\nok").unwrap();
        assert_eq!(got[0].body, b"ok");
    }

    #[test]
    fn truncated_inputs_say_so() {
        let err = read_bytes(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        let err = read_bytes(b"POST / HTTP/1.1\r\nHost: a\r\n").unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        let err = read_bytes(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe")
            .unwrap_err();
        assert!(err.to_string().contains("chunked"), "{err}");
        let huge = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab\r\n0\r\n\r\n";
        let err = read_bytes(huge).unwrap_err();
        assert!(err.to_string().contains("chunked"), "{err}");
        assert!(
            read_bytes(b"   ")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(read_bytes(&[0xff, 0xfe, 0x00, 0x01]).is_err());
    }

    fn capture_line(n: usize) -> String {
        let body = format!(r#"{{"event":"click","n":{n}}}"#);
        let (text, b64, digest) = super::super::body_fields(body.as_bytes());
        let capture = Capture {
            kind: "delivery".into(),
            id: format!("c{n}"),
            received_at: "2026-02-25T14:30:00.000Z".into(),
            remote_addr: None,
            method: "POST".into(),
            path: format!("/{n}"),
            query: None,
            headers: vec![("X-Sig".into(), n.to_string())],
            body: text,
            body_base64: b64,
            body_sha256: digest,
            body_size: body.len(),
            event: Some("click".into()),
            duplicate: false,
            signature: None,
            response: super::super::CapturedResponse {
                status: 200,
                body: String::new(),
            },
            forward: None,
            exec: None,
            validation: None,
        };
        format!("{}\n", serde_json::to_string(&capture).unwrap())
    }

    /// Reads `bytes` as the file `caps.jsonl`, skipping unreadable lines: (targets read,
    /// lines skipped).
    fn read_skipping(bytes: &[u8]) -> Result<(Vec<String>, Vec<Unreadable>)> {
        let (mut read, mut skipped) = (Vec::new(), Vec::new());
        read_stream(
            "caps.jsonl",
            bytes,
            &mut |r| {
                read.push(r.target);
                Ok(())
            },
            &mut |u| {
                skipped.push(u);
                Ok(())
            },
        )?;
        Ok((read, skipped))
    }

    #[test]
    fn a_torn_line_is_skipped_by_number_and_the_rest_is_read() {
        let torn = "{\"type\":\"deliv\n";
        let file = [
            capture_line(1),
            torn.into(),
            capture_line(2),
            capture_line(3),
        ]
        .concat();
        let (read, skipped) = read_skipping(file.as_bytes()).unwrap();
        assert_eq!(read, ["/1", "/2", "/3"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].file, "caps.jsonl");
        assert_eq!(skipped[0].line, 2);
        assert_eq!(
            skipped[0].error,
            "not a capture: EOF while parsing a string at column 14 (the line is cut short)"
        );
        assert!(
            skipped[0]
                .to_string()
                .starts_with("caps.jsonl:2: not a capture")
        );

        // Cut off at the end of the file, without a newline; and lines that are JSON but
        // not captures.
        let file = [
            capture_line(1),
            "{\"hello\":1}\n".into(),
            capture_line(2),
            capture_line(3)[..40].to_string(),
        ]
        .concat();
        let (read, skipped) = read_skipping(file.as_bytes()).unwrap();
        assert_eq!(read, ["/1", "/2"]);
        let lines: Vec<u64> = skipped.iter().map(|u| u.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(
            skipped[0].error.contains("missing field `id`"),
            "{:?}",
            skipped[0]
        );
        assert!(skipped[1].error.contains("cut short"), "{:?}", skipped[1]);
    }

    #[test]
    fn a_torn_first_line_before_whole_ones_is_still_json_lines() {
        let file = [
            "{\"type\":\"deliv\n\n".to_string(),
            capture_line(1),
            capture_line(2),
        ]
        .concat();
        let (read, skipped) = read_skipping(file.as_bytes()).unwrap();
        assert_eq!(read, ["/1", "/2"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].line, 1);

        // A pretty-printed capture cut in half is one broken document, not JSON Lines.
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(&capture_line(1)).unwrap())
                .unwrap();
        let err = read_skipping(&pretty.as_bytes()[..pretty.len() / 2]).unwrap_err();
        assert!(
            err.to_string().starts_with("caps.jsonl: invalid JSON"),
            "{err}"
        );
    }

    #[test]
    fn a_file_of_one_unreadable_line_is_an_error_not_a_skip() {
        let err = read_skipping(b"{\"hello\":1}\n").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .starts_with("caps.jsonl: not a whk capture or HAR file"),
            "{err}"
        );
    }

    #[test]
    fn strict_reading_stops_at_an_unreadable_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("caps.jsonl");
        let file = [
            capture_line(1),
            "{\"type\":\"deliv\n".into(),
            capture_line(2),
        ]
        .concat();
        std::fs::write(&path, file).unwrap();
        let spec = path.display().to_string();
        let mut read = 0;
        let err = read_inputs(std::slice::from_ref(&spec), |_| {
            read += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(read, 1);
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .starts_with(&format!("{spec}:2: not a capture")),
            "{err}"
        );
    }

    #[test]
    fn errors_from_the_caller_are_not_taken_for_unreadable_lines() {
        let file = [capture_line(1), capture_line(2)].concat();
        let err = read_stream(
            "caps.jsonl",
            file.as_bytes(),
            &mut |_| Err(Error::Failed("stop".into())),
            &mut |u| panic!("skipped {u}"),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Failed(_)), "{err}");
    }

    #[test]
    fn har_entries_become_requests() {
        let har = br#"{"log":{"entries":[{"startedDateTime":"2026-02-25T14:30:00.000Z","request":{"method":"POST","url":"https://x.example/hook?a=1","headers":[{"name":"X-Sig","value":"1"}],"postData":{"mimeType":"application/json","text":"{\"a\":1}"}}}]}}"#;
        let got = read_bytes(har).unwrap();
        assert_eq!(got[0].target, "/hook?a=1");
        assert_eq!(got[0].body, br#"{"a":1}"#);
        assert!(got[0].received_at.is_some());
    }
}
