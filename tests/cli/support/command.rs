//! Starting processes: the one builder every test goes through ([`command`]), `whk` on it
//! with a time limit ([`whk`]), and the ways of running it (piped, on a terminal, into a
//! closed pipe).

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const WHK: &str = env!("CARGO_BIN_EXE_whk");

/// Variables removed from every process the tests start: colour settings and TERM, every
/// WHK_* default whk reads, and proxies (tests talk only to 127.0.0.1: no proxy may reroute
/// a request). A developer's own `WHK_SECRET` must never reach a test.
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

/// Variables set to a fixed value in every process the tests start: `WHK_CONFIG` names an
/// empty file, so no whk.toml above the checkout (or a developer's own `WHK_CONFIG`) reaches
/// a test. A test of whk.toml discovery removes it.
pub const PINNED_ENV: &[(&str, &str)] = &[("WHK_CONFIG", "/dev/null")];

/// How long a command run to completion may take before the test fails instead of
/// stalling CI.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// The one way the tests start a process: `program` (whk itself, or the `sh`, `bash`,
/// `script` or `curl` around it) with [`SCRUBBED_ENV`] removed and HOME in the temp dir.
/// A test that wants one of those variables sets it on the returned command.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for name in SCRUBBED_ENV {
        cmd.env_remove(name);
    }
    cmd.envs(PINNED_ENV.iter().copied());
    cmd.env("HOME", std::env::temp_dir());
    cmd
}

/// `whk` from [`command`], failing after [`RUN_LIMIT`].
pub fn whk() -> assert_cmd::Command {
    limited(command(WHK))
}

/// Runs a prepared command to completion with [`RUN_LIMIT`] (e.g. `limited(command("sh"))`).
pub fn limited(cmd: Command) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(RUN_LIMIT);
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

/// Whether a program is on PATH (for tests that need curl or script).
pub fn has_program(name: &str) -> bool {
    command("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `whk args` (each argument quoted) under `script(1)`, which gives it a pseudo-terminal:
/// the `script` command from [`command`], so whk inherits the scrubbed environment.
pub fn tty_command(args: &[&str]) -> Command {
    tty_command_redirected(args, "")
}

/// `tty_command` with a shell redirection after the command (e.g. `2>FILE`), so one stream
/// is the terminal and the other a file.
fn tty_command_redirected(args: &[&str], redirection: &str) -> Command {
    let quoted: Vec<String> = std::iter::once(WHK)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut cmd = command("script");
    cmd.args([
        "-qec",
        &format!("{} {redirection}", quoted.join(" ")),
        "/dev/null",
    ]);
    cmd
}

/// Runs `whk args` on a pseudo-terminal with one stream sent to a file instead: `redirect`
/// is `"1>"` or `"2>"`. Returns (what the terminal showed, what the file got), or `None`
/// when `script` is missing.
pub fn run_on_tty_redirecting(args: &[&str], redirect: &str) -> Option<(String, String)> {
    if !has_program("script") {
        return None;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("stream.txt");
    let redirection = format!("{redirect}'{}'", file.display());
    let output = limited(tty_command_redirected(args, &redirection))
        .output()
        .expect("script runs");
    let redirected = std::fs::read_to_string(&file).expect("the shell wrote the file");
    Some((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        redirected,
    ))
}

/// Runs `whk args` with stdout on a pseudo-terminal (via util-linux `script`), with `env`
/// set; returns (exit code, what the terminal showed), or `None` when `script` is missing.
pub fn run_on_tty(args: &[&str], env: &[(&str, &str)]) -> Option<(i32, String)> {
    if !has_program("script") {
        return None;
    }
    let mut cmd = tty_command(args);
    cmd.envs(env.iter().copied());
    let output = limited(cmd).output().expect("script runs");
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
    let mut cmd = command(WHK);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("whk starts");
    let status = wait_within(&mut child, RUN_LIMIT)
        .unwrap_or_else(|| panic!("whk {args:?} did not exit within {RUN_LIMIT:?}"));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code().unwrap_or(-1), stderr)
}

/// Runs `whk args` with stderr a pipe whose reading end is already closed (stdout discarded).
/// Returns the exit code.
pub fn run_with_closed_stderr(args: &[&str]) -> i32 {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut cmd = command(WHK);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(writer);
    let mut child = cmd.spawn().expect("whk starts");
    let status = wait_within(&mut child, RUN_LIMIT)
        .unwrap_or_else(|| panic!("whk {args:?} did not exit within {RUN_LIMIT:?}"));
    status.code().unwrap_or(-1)
}

/// Waits at most `limit` for `child` to exit; on time, its status, else `None` with the
/// child killed and reaped.
pub fn wait_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The builder itself, and that nothing goes around it.
mod scrubbing {
    use std::collections::BTreeSet;
    use std::ffi::OsStr;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::{PINNED_ENV, SCRUBBED_ENV, WHK, command, tty_command};
    use crate::support::Listener;

    /// Every `.rs` file under `dir`, sorted.
    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files.sort();
        files
    }

    /// Fails unless `cmd` removes every scrubbed variable and sets HOME to the temp dir.
    #[track_caller]
    fn assert_scrubbed(what: &str, cmd: &Command) {
        let envs: Vec<(&OsStr, Option<&OsStr>)> = cmd.get_envs().collect();
        for name in SCRUBBED_ENV {
            assert!(
                envs.contains(&(OsStr::new(name), None)),
                "{what} passes {name} on from the test's environment: {envs:?}"
            );
        }
        for (name, value) in PINNED_ENV {
            assert!(
                envs.contains(&(OsStr::new(name), Some(OsStr::new(value)))),
                "{what} does not pin {name}: {envs:?}"
            );
        }
        let home = std::env::temp_dir();
        assert!(
            envs.contains(&(OsStr::new("HOME"), Some(home.as_os_str()))),
            "{what} keeps the developer's HOME: {envs:?}"
        );
    }

    #[test]
    fn every_spawning_helper_removes_the_scrubbed_variables() {
        assert_scrubbed("command(WHK)", &command(WHK));
        assert_scrubbed("command(\"sh\")", &command("sh"));
        // run_on_tty: `script` is the process started, whk inherits its environment.
        assert_scrubbed("tty_command", &tty_command(&["events"]));
        // What Listener::start spawns.
        assert_scrubbed("Listener::command", &Listener::command(&["--secret", "s"]));
    }

    /// Every variable whk reads through clap (`env = "…"`) is scrubbed, so a developer's
    /// WHK_* default can never change what a test sees.
    #[test]
    fn every_variable_whk_reads_is_scrubbed() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut read = BTreeSet::new();
        for path in rust_files(&src) {
            let text = std::fs::read_to_string(&path).unwrap();
            for rest in text.split("env = \"").skip(1) {
                let name = rest.split('"').next().unwrap();
                read.insert(name.to_string());
            }
        }
        assert!(read.contains("WHK_SECRET"), "found {read:?}");
        let missing: Vec<&String> = read
            .iter()
            .filter(|name| !SCRUBBED_ENV.contains(&name.as_str()))
            .filter(|name| !PINNED_ENV.iter().any(|(pinned, _)| pinned == name))
            .collect();
        assert!(
            missing.is_empty(),
            "add {missing:?} to SCRUBBED_ENV (or PINNED_ENV) in tests/cli/support/command.rs"
        );
    }

    /// Every process a test starts comes from `command`: no other file builds one itself,
    /// so none can skip the scrubbing.
    #[test]
    fn no_test_starts_a_process_around_the_builder() {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
        let builder = tests.join("support/command.rs");
        let mut found = Vec::new();
        for path in rust_files(&tests).into_iter().filter(|p| *p != builder) {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                if [
                    "Command::new(",
                    "Command::from_std(",
                    "CARGO_BIN_EXE",
                    "cargo_bin(",
                ]
                .iter()
                .any(|pattern| line.contains(pattern))
                {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "start processes with support::command (or whk(), run…, Listener), which \
             scrubs SCRUBBED_ENV:\n{}",
            found.join("\n")
        );
    }
}
