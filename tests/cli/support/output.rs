//! Reading what whk printed: JSON Lines, and the shapes DESIGN.md promises for errors.

use serde_json::Value;

/// Every non-empty line of `text` parsed as JSON (panics on a line that is not JSON).
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"))
        })
        .collect()
}

/// Asserts the shape DESIGN.md promises for a bad input: exit `code` and exactly one stderr
/// line, starting `error:`, that mentions `mention`.
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

/// Asserts nothing in the output looks like a Rust panic.
#[track_caller]
pub fn assert_no_panic(stdout: &str, stderr: &str) {
    for text in [stdout, stderr] {
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "panic text in output:\n{text}"
        );
    }
}
