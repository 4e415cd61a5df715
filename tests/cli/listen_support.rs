//! Helpers for the listener tests: `whk listen` as a child process that is always killed on
//! drop, and a hand-written HTTP/1.1 client on a raw `TcpStream` (no extra crates), so the
//! tests control every byte that reaches the listener.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The longest a test waits for the listener to start, to print, or to exit.
pub const DEADLINE: Duration = Duration::from_secs(20);
/// Socket read/write timeout for the raw client, so a silent listener fails the test.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A `whk` command with the same scrubbed environment as `support::whk()`.
pub fn whk_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_whk"));
    for name in crate::support::SCRUBBED_ENV {
        cmd.env_remove(name);
    }
    cmd.env("HOME", std::env::temp_dir());
    cmd
}

/// How a listener ended.
#[derive(Debug)]
pub struct Exited {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Exited {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Every stdout line parsed as JSON (panics on a line that is not JSON).
    pub fn json_lines(&self) -> Vec<Value> {
        json_lines_of(&self.stdout)
    }

    /// The `{"type":"summary"}` line on stdout.
    pub fn summary(&self) -> Value {
        self.json_lines()
            .into_iter()
            .find(|v| v["type"] == "summary")
            .unwrap_or_else(|| panic!("no summary line in stdout:\n{}", self.stdout_text()))
    }
}

/// A running `whk listen --port 0 …`, killed when dropped.
pub struct Listener {
    child: Child,
    pub port: u16,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Listener {
    /// Spawns `whk listen --port 0 ARGS…` and waits for its "listening" line on stderr
    /// (the JSON announcement with --json, the human note without).
    pub fn start(args: &[&str]) -> Self {
        let mut cmd = whk_command();
        cmd.args(["listen", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("whk listen spawns");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel::<String>();

        let mut out_pipe = child.stdout.take().expect("piped stdout");
        let out_buf = stdout.clone();
        let out_reader = std::thread::spawn(move || {
            let mut chunk = [0u8; 16 * 1024];
            while let Ok(n) = out_pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                out_buf.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let err_pipe = child.stderr.take().expect("piped stderr");
        let err_buf = stderr.clone();
        let err_reader = std::thread::spawn(move || {
            let mut reader = BufReader::new(err_pipe);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let text = String::from_utf8_lossy(&line).into_owned();
                        err_buf.lock().unwrap().push_str(&text);
                        let _ = tx.send(text);
                    }
                }
            }
        });

        let mut listener = Listener {
            child,
            port: 0,
            stdout,
            stderr,
            readers: vec![out_reader, err_reader],
        };
        let started = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = port_from_announcement(&line) {
                        listener.port = port;
                        return listener;
                    }
                }
                Err(_) => {
                    let status = listener.child.try_wait().ok().flatten();
                    panic!(
                        "whk listen {args:?} did not announce a port (exit: {status:?}); stderr:\n{}",
                        listener.stderr_text()
                    );
                }
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn stdout_bytes(&self) -> Vec<u8> {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The capture objects printed so far (`--json` mode).
    pub fn captures(&self) -> Vec<Value> {
        json_lines_of(&self.stdout_bytes())
            .into_iter()
            .filter(|v| v["type"] == "delivery")
            .collect()
    }

    /// Waits until at least `n` captures were printed, and returns them.
    pub fn wait_for_captures(&self, n: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let captures = self.captures();
            if captures.len() >= n {
                return captures;
            }
            if started.elapsed() > DEADLINE {
                panic!(
                    "expected {n} captures, got {}; stdout:\n{}\nstderr:\n{}",
                    captures.len(),
                    String::from_utf8_lossy(&self.stdout_bytes()),
                    self.stderr_text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until stdout contains `needle` (human mode).
    pub fn wait_for_stdout(&self, needle: &[u8]) {
        let started = Instant::now();
        while !contains(&self.stdout_bytes(), needle) {
            if started.elapsed() > DEADLINE {
                panic!(
                    "stdout never showed {:?}; stdout:\n{}\nstderr:\n{}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&self.stdout_bytes()),
                    self.stderr_text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the listener is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait works").is_none()
    }

    /// Sends a signal by name (INT, TERM) with the system `kill`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Waits (at most DEADLINE) for the listener to exit by itself; kills it and fails the
    /// test if it does not.
    pub fn wait_exit(&mut self) -> Exited {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait works") {
                break status;
            }
            if started.elapsed() > DEADLINE {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "whk listen did not exit within {DEADLINE:?}; stderr:\n{}",
                    self.stderr_text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        Exited {
            code: status.code(),
            stdout: self.stdout_bytes(),
            stderr: self.stderr_text(),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The port in `{"type":"listening","port":N}` or in `listening on http://HOST:N  (…)`.
fn port_from_announcement(line: &str) -> Option<u16> {
    if let Ok(value) = serde_json::from_str::<Value>(line.trim()) {
        if value["type"] == "listening" {
            return value["port"].as_u64().and_then(|p| u16::try_from(p).ok());
        }
        return None;
    }
    let rest = line.split("listening on http://").nth(1)?;
    let authority = rest.split_whitespace().next()?;
    authority.rsplit(':').next()?.parse().ok()
}

/// Every complete line of `bytes` parsed as JSON.
pub fn json_lines_of(bytes: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(bytes);
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => "",
    };
    complete
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"))
        })
        .collect()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// A response as read off the wire.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Builds an HTTP/1.1 request with Host and Content-Length added, headers in the given order.
pub fn request_bytes(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    keep_alive: bool,
) -> Vec<u8> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(stream)
}

/// Writes `raw` on a new connection and reads one response. A write error is ignored (the
/// server may answer and close before reading everything); the response decides.
pub fn try_exchange(port: u16, raw: &[u8]) -> std::io::Result<HttpReply> {
    let mut stream = connect(port)?;
    let _ = stream.write_all(raw);
    let _ = stream.flush();
    read_response(&mut BufReader::new(stream))
}

/// `try_exchange` that fails the test on an I/O error.
pub fn exchange(port: u16, raw: &[u8]) -> HttpReply {
    try_exchange(port, raw)
        .unwrap_or_else(|err| panic!("no HTTP response from the listener: {err}"))
}

/// POST on a new connection (Connection: close).
pub fn post(port: u16, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
    exchange(
        port,
        &request_bytes(port, "POST", target, headers, body, false),
    )
}

/// A keep-alive connection that carries several requests one after another.
pub struct Connection {
    port: u16,
    reader: BufReader<TcpStream>,
}

impl Connection {
    pub fn open(port: u16) -> Self {
        Connection {
            port,
            reader: BufReader::new(connect(port).expect("connect to the listener")),
        }
    }

    pub fn post(&mut self, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
        let raw = request_bytes(self.port, "POST", target, headers, body, true);
        self.reader
            .get_mut()
            .write_all(&raw)
            .expect("write the request");
        read_response(&mut self.reader).expect("read the response")
    }
}

/// Reads one HTTP/1.1 response from any byte stream (a socket, a TLS stream): status line,
/// headers, and a body framed by Content-Length, chunked encoding, or the end of the stream.
pub fn read_response<R: BufRead>(reader: &mut R) -> std::io::Result<HttpReply> {
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(bad("the connection closed before a response".into()));
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("not a status line: {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(bad("the connection closed inside the headers".into()));
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed
            .split_once(':')
            .ok_or_else(|| bad(format!("not a header: {trimmed:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(length) = find("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|_| bad(format!("bad Content-Length {length:?}")))?;
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    } else if find("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16)
                .map_err(|_| bad(format!("bad chunk size {line:?}")))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok(HttpReply {
        status,
        headers,
        body,
    })
}
