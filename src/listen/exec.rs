//! `--exec CMD`: a command per delivery, run by `sh -c` with the raw body on stdin and the
//! delivery's facts in its environment. It runs on tokio's process driver (the runtime
//! threads never block on it), at most `--exec-concurrency` at once (the others wait for a
//! permit, their connections held), and is killed at its timeout.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::capture::ExecOutcome;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

/// Output kept per stream; the rest is read and dropped so the command never blocks on it.
const KEPT_OUTPUT: u64 = 64 * 1024;
/// How long to keep reading a command's output after it has exited (a process it left
/// running in the background may hold its stdout open).
const OUTPUT_GRACE: Duration = Duration::from_millis(200);

/// A command to run for deliveries.
pub struct Exec {
    pub command: String,
    pub timeout: Duration,
    /// Shared by every route's command: the `--exec-concurrency` bound.
    pub permits: Arc<Semaphore>,
}

/// What the command is told about its delivery.
pub struct Facts {
    pub event: Option<String>,
    pub id: String,
    /// `valid`, `invalid` or `unchecked` (no secret to check with).
    pub verdict: &'static str,
    pub path: String,
    pub duplicate: bool,
    /// Where the capture is saved (a directory's file is written before the command runs and
    /// again, with its exit status, after; a JSON Lines file gets the line after).
    pub capture: Option<PathBuf>,
}

impl Exec {
    /// Runs the command for one delivery.
    pub async fn run(&self, body: &[u8], facts: &Facts) -> ExecOutcome {
        let _permit = self.permits.acquire().await;
        let started = Instant::now();
        let mut outcome = ExecOutcome {
            command: self.command.clone(),
            exit_code: None,
            timed_out: false,
            duration_ms: 0.0,
            stdout: String::new(),
            stderr: String::new(),
            error: None,
        };
        match tokio::time::timeout(self.timeout, self.run_to_end(body, facts)).await {
            Ok(Ok((code, stdout, stderr))) => {
                outcome.exit_code = code;
                outcome.stdout = String::from_utf8_lossy(&stdout).into_owned();
                outcome.stderr = String::from_utf8_lossy(&stderr).into_owned();
            }
            Ok(Err(err)) => outcome.error = Some(err.to_string()),
            Err(_) => outcome.timed_out = true,
        }
        outcome.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        outcome
    }

    /// Starts the command, feeds it the body, collects its output; the child is killed when
    /// this future is dropped (at the timeout).
    async fn run_to_end(
        &self,
        body: &[u8],
        facts: &Facts,
    ) -> std::io::Result<(Option<i32>, Vec<u8>, Vec<u8>)> {
        let mut command = tokio::process::Command::new("sh");
        command
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .env("WHK_EVENT", facts.event.as_deref().unwrap_or(""))
            .env("WHK_ID", &facts.id)
            .env("WHK_VERDICT", facts.verdict)
            .env("WHK_PATH", &facts.path)
            .env("WHK_DUPLICATE", if facts.duplicate { "1" } else { "0" });
        match &facts.capture {
            Some(path) => command.env("WHK_CAPTURE", path),
            None => command.env_remove("WHK_CAPTURE"),
        };
        let mut child = command.spawn()?;
        let mut stdin = child.stdin.take().expect("piped");
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let feed = async move {
            // A command that does not read its stdin is not an error.
            let _ = stdin.write_all(body).await;
            drop(stdin);
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = {
            let waiting = async { tokio::join!(feed, child.wait()).1 };
            let draining = async {
                tokio::join!(
                    read_bounded(stdout, &mut out),
                    read_bounded(stderr, &mut err)
                )
            };
            tokio::pin!(waiting, draining);
            tokio::select! {
                status = &mut waiting => {
                    // A process it left in the background may hold the pipes open: the
                    // command has ended, so read what is there and stop.
                    let _ = tokio::time::timeout(OUTPUT_GRACE, &mut draining).await;
                    status
                }
                _ = &mut draining => waiting.await,
            }
        };
        Ok((status?.code(), out, err))
    }
}

/// Reads a stream to its end into `kept`, keeping the first `KEPT_OUTPUT` bytes (what was
/// read stays there if this is stopped early).
async fn read_bounded(stream: Option<impl AsyncRead + Unpin>, kept: &mut Vec<u8>) {
    let Some(mut stream) = stream else {
        return;
    };
    let _ = (&mut stream).take(KEPT_OUTPUT).read_to_end(kept).await;
    let _ = tokio::io::copy(&mut stream, &mut tokio::io::sink()).await;
}
