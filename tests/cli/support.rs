//! Shared test helpers: a clean `whk` command, a recording receiver on 127.0.0.1:0, and
//! signature checks written independently of whk's own signing code.

#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};

/// Variables removed from every spawned whk: colour settings, WHK_* defaults, and proxies
/// (tests talk only to 127.0.0.1: no proxy may reroute a request).
pub const SCRUBBED_ENV: &[&str] = &[
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "WHK_URL",
    "WHK_SECRET",
    "WHK_SCHEME",
    "WHK_PORT",
    "TERM",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// `whk` with an environment scrubbed of colour settings and WHK_* variables, HOME in a
/// temp dir, and a 60 s guard so a hung test fails instead of stalling CI.
pub fn whk() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_whk"));
    for name in SCRUBBED_ENV {
        cmd.env_remove(name);
    }
    cmd.env("HOME", std::env::temp_dir());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// Runs `whk` with `args` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_with_stdin(args, "")
}

pub fn run_with_stdin(args: &[&str], stdin: &str) -> (i32, String, String) {
    output_of(whk().args(args).write_stdin(stdin))
}

/// Runs a prepared command (e.g. `whk().env(..).args(..)`) with empty stdin unless one was
/// given, and returns (exit code, stdout, stderr).
pub fn output_of(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let output = cmd.output().expect("the command runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Asserts the shape DESIGN.md promises for a bad input: exit 2 and exactly one stderr line,
/// starting `error:`, that mentions `mention`.
#[track_caller]
pub fn assert_one_line_error(result: &(i32, String, String), code: i32, mention: &str) {
    let (actual, stdout, stderr) = result;
    assert_eq!(
        *actual, code,
        "exit code; stdout: {stdout}\nstderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one stderr line, got: {stderr}");
    assert!(
        lines[0].starts_with("error: "),
        "starts with error: {stderr}"
    );
    assert!(
        lines[0].contains(mention),
        "stderr should mention {mention:?}: {stderr}"
    );
}

/// Whether a program is on PATH (for tests that need curl or script).
pub fn has_program(name: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `whk args` with stdout on a pseudo-terminal (via util-linux `script`), with `env`
/// set; returns (exit code, what the terminal showed), or `None` when `script` is missing.
pub fn run_on_tty(args: &[&str], env: &[(&str, &str)]) -> Option<(i32, String)> {
    if !has_program("script") {
        return None;
    }
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_whk"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut cmd = assert_cmd::Command::new("script");
    for name in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "WHK_URL",
        "WHK_SECRET",
        "WHK_SCHEME",
    ] {
        cmd.env_remove(name);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.args(["-qec", &quoted.join(" "), "/dev/null"])
        .timeout(Duration::from_secs(60));
    let output = cmd.output().expect("script runs");
    Some((
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// Runs `whk args` with stdout a pipe whose reading end is already closed, so the first
/// write fails with EPIPE. Returns (exit code, stderr).
pub fn run_with_closed_stdout(args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_whk"))
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("whk starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for whk") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("whk {args:?} did not exit within 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code().unwrap_or(-1), stderr)
}

/// A request built from `Name: value` lines as `whk sign` or `--dry-run` prints them, so
/// printed signatures can go through `independently_valid`.
pub fn recorded_from_lines(lines: &str, body: &[u8]) -> Recorded {
    Recorded {
        method: "POST".into(),
        path: "/".into(),
        headers: lines
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
    }
}

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("body is JSON")
    }
}

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub delay: Duration,
    pub body: &'static str,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            delay: Duration::ZERO,
            body: "",
        }
    }

    pub fn with_body(mut self, body: &'static str) -> Self {
        self.body = body;
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A tiny_http server on 127.0.0.1:0 that records every request and plays `replies` in
/// order, the last one repeating. Stops when dropped.
pub struct Receiver {
    pub port: u16,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    pub fn start(replies: Vec<Reply>) -> Self {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (rec, flag) = (recorded.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut served = 0usize;
            while !flag.load(Ordering::SeqCst) {
                let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(20)) else {
                    continue;
                };
                let mut body = Vec::new();
                let _ = request.as_reader().read_to_end(&mut body);
                rec.lock().unwrap().push(Recorded {
                    method: request.method().to_string(),
                    path: request.url().to_string(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.to_string()))
                        .collect(),
                    body,
                    at: Instant::now(),
                });
                let reply = replies[served.min(replies.len() - 1)].clone();
                served += 1;
                std::thread::spawn(move || {
                    std::thread::sleep(reply.delay);
                    let response =
                        tiny_http::Response::from_string(reply.body).with_status_code(reply.status);
                    let _ = request.respond(response);
                });
            }
        });
        Receiver {
            port,
            recorded,
            stop,
            thread: Some(thread),
        }
    }

    /// A receiver that answers 200 with `{"received":true}` to everything.
    pub fn ok() -> Self {
        Receiver::start(vec![Reply::status(200).with_body(r#"{"received":true}"#)])
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A URL on 127.0.0.1 where nothing listens: a port bound and released at once.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hook")
}

pub fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Checks a recorded request against a scheme the way a provider's receiver would,
/// written from the provider documentation and not from whk's code.
pub fn independently_valid(scheme: &str, secret: &str, req: &Recorded) -> bool {
    let body = &req.body;
    let h = |name: &str| req.header(name).unwrap_or_default().to_string();
    match scheme {
        "georedir" => h("X-GeoRedir-Signature") == hex::encode(hmac(secret.as_bytes(), body)),
        "relurl" => h("X-RELURL-Signature") == hex::encode(hmac(secret.as_bytes(), body)),
        "github" => {
            h("X-Hub-Signature-256")
                == format!("sha256={}", hex::encode(hmac(secret.as_bytes(), body)))
        }
        "shopify" => h("X-Shopify-Hmac-Sha256") == B64.encode(hmac(secret.as_bytes(), body)),
        "stripe" => {
            let value = h("Stripe-Signature");
            let t = value
                .split(',')
                .find_map(|p| p.strip_prefix("t="))
                .unwrap_or_default();
            let v1 = value
                .split(',')
                .find_map(|p| p.strip_prefix("v1="))
                .unwrap_or_default();
            let signed = [t.as_bytes(), b".", body].concat();
            !t.is_empty() && v1 == hex::encode(hmac(secret.as_bytes(), &signed))
        }
        "standard" => {
            let key = B64.decode(secret.trim_start_matches("whsec_")).unwrap();
            let signed = [
                h("webhook-id").as_bytes(),
                b".",
                h("webhook-timestamp").as_bytes(),
                b".",
                body,
            ]
            .concat();
            h("webhook-signature") == format!("v1,{}", B64.encode(hmac(&key, &signed)))
        }
        "slack" => {
            let signed = [
                b"v0:",
                h("X-Slack-Request-Timestamp").as_bytes(),
                b":",
                body.as_slice(),
            ]
            .concat();
            h("X-Slack-Signature")
                == format!("v0={}", hex::encode(hmac(secret.as_bytes(), &signed)))
        }
        other => panic!("no independent check for {other}"),
    }
}
