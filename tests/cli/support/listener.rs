//! `whk listen` as a child process: started from the scrubbed [`command`], waited for
//! until it announces its port, its stdout and stderr recorded, killed when dropped.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{WHK, command, json_lines, wait_within};

/// The longest a test waits for the listener to start, to print, or to exit.
pub const DEADLINE: Duration = Duration::from_secs(20);

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
        json_lines(&String::from_utf8_lossy(&self.stdout))
    }

    /// The `{"type":"listen_summary"}` line on stdout.
    pub fn summary(&self) -> Value {
        self.json_lines()
            .into_iter()
            .find(|v| v["type"] == "listen_summary")
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
    /// `whk listen --port 0 ARGS…` from [`command`], as [`Listener::start`] runs it.
    pub fn command(args: &[&str]) -> Command {
        let mut cmd = command(WHK);
        cmd.args(["listen", "--port", "0"]).args(args);
        cmd
    }

    /// Spawns `whk listen --port 0 ARGS…` and waits for its "listening" line on stderr
    /// (the JSON announcement with --json, the human note without).
    pub fn start(args: &[&str]) -> Self {
        Listener::spawn(Listener::command(args))
    }

    /// Spawns a prepared command from [`command`] that ends up running `whk listen --port 0`
    /// (under a shell that lowers a limit first, say), and waits for its announcement.
    pub fn spawn(cmd: Command) -> Self {
        Listener::launch(cmd, true).0
    }

    /// [`Listener::spawn`], with stdout handed to the caller (who may close it) instead of
    /// recorded.
    pub fn spawn_with_stdout(cmd: Command) -> (Self, ChildStdout) {
        let (listener, stdout) = Listener::launch(cmd, false);
        (listener, stdout.expect("piped stdout"))
    }

    fn launch(mut cmd: Command, record_stdout: bool) -> (Self, Option<ChildStdout>) {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd.spawn().expect("whk listen spawns");
        // Owned from here on, so a failed start still kills and reaps the child.
        let mut listener = Listener {
            child,
            port: 0,
            stdout: Arc::new(Mutex::new(Vec::new())),
            stderr: Arc::new(Mutex::new(String::new())),
            readers: Vec::new(),
        };
        let mut out_pipe = listener.child.stdout.take().expect("piped stdout");
        let handed = if record_stdout {
            let out_buf = listener.stdout.clone();
            listener.readers.push(std::thread::spawn(move || {
                let mut chunk = [0u8; 16 * 1024];
                while let Ok(n) = out_pipe.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    out_buf.lock().unwrap().extend_from_slice(&chunk[..n]);
                }
            }));
            None
        } else {
            Some(out_pipe)
        };
        let (tx, rx) = mpsc::channel::<String>();
        let err_pipe = listener.child.stderr.take().expect("piped stderr");
        let err_buf = listener.stderr.clone();
        listener.readers.push(std::thread::spawn(move || {
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
        }));

        let started = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = port_from_announcement(&line) {
                        listener.port = port;
                        return (listener, handed);
                    }
                }
                Err(_) => {
                    let status = listener.child.try_wait().ok().flatten();
                    let shown: Vec<_> = std::iter::once(cmd.get_program())
                        .chain(cmd.get_args())
                        .collect();
                    panic!(
                        "{shown:?} did not announce a port (exit: {status:?}); stderr:\n{}",
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
        complete_json_lines(&self.stdout_bytes())
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

    /// The inspector's port (`--ui`): from `ui_url` in the JSON announcement, or the
    /// `inspector on http://…` line.
    pub fn ui_port(&self) -> u16 {
        let started = Instant::now();
        loop {
            let stderr = self.stderr_text();
            let found = stderr.lines().find_map(|line| {
                if let Ok(value) = serde_json::from_str::<Value>(line.trim()) {
                    let url = value["ui_url"].as_str()?;
                    return port_of_authority(url.strip_prefix("http://")?);
                }
                port_of_authority(line.strip_prefix("inspector on http://")?)
            });
            match found {
                Some(port) => return port,
                None if started.elapsed() > DEADLINE => {
                    panic!("no inspector URL announced; stderr:\n{stderr}")
                }
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }

    /// Whether the listener is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait works").is_none()
    }

    /// Sends a signal by name (INT, TERM) with the system `kill`.
    pub fn signal(&self, name: &str) {
        let status = command("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Waits (at most DEADLINE) for the listener to exit by itself; kills it and fails the
    /// test if it does not.
    pub fn wait_exit(&mut self) -> Exited {
        self.wait_exit_within(DEADLINE)
    }

    /// [`Listener::wait_exit`] with a shorter `limit`.
    pub fn wait_exit_within(&mut self, limit: Duration) -> Exited {
        let status = wait_within(&mut self.child, limit).unwrap_or_else(|| {
            panic!(
                "whk listen did not exit within {limit:?}; stderr:\n{}",
                self.stderr_text()
            )
        });
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

/// The port in `{"type":"listening","port":N}` or in `listening on http://HOST:N  (…)`; for
/// `whk inspect`, the page's port in `{"type":"inspecting","port":N}` or `inspector on …`.
fn port_from_announcement(line: &str) -> Option<u16> {
    if let Ok(value) = serde_json::from_str::<Value>(line.trim()) {
        if value["type"] == "listening" || value["type"] == "inspecting" {
            return value["port"].as_u64().and_then(|p| u16::try_from(p).ok());
        }
        return None;
    }
    let rest = line
        .split("listening on http://")
        .nth(1)
        .or_else(|| line.strip_prefix("inspector on http://"))?;
    port_of_authority(rest)
}

/// N in `HOST:N/…  (…)`.
fn port_of_authority(rest: &str) -> Option<u16> {
    let authority = rest.split_whitespace().next()?.trim_end_matches('/');
    authority.rsplit(':').next()?.parse().ok()
}

/// The complete lines of `bytes` (a line still being written is left out) parsed as JSON.
fn complete_json_lines(bytes: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(bytes);
    match text.rfind('\n') {
        Some(end) => json_lines(&text[..end]),
        None => Vec::new(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
