//! Interactive prompts, driven through a pseudo-terminal made by `script(1)`.

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::Duration;

use crate::support::*;

/// Runs `whk ARGS` on a pseudo-terminal, typing `keys`; returns what the terminal showed.
fn on_terminal(args: &[&str], keys: &str) -> Option<String> {
    if !has_program("script") {
        eprintln!("skipped: script(1) is not installed");
        return None;
    }
    let mut child = tty_command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(keys.as_bytes()).unwrap();
    // Keep stdin open until whk has read the keys; closing it early ends the session.
    let keeper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        drop(stdin);
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut shown = Vec::new();
        let _ = stdout.read_to_end(&mut shown);
        shown
    });
    wait_within(&mut child, RUN_LIMIT)
        .unwrap_or_else(|| panic!("whk {args:?} on a terminal did not end within {RUN_LIMIT:?}"));
    keeper.join().unwrap();
    Some(String::from_utf8_lossy(&reader.join().unwrap()).into_owned())
}

#[test]
fn send_without_event_or_url_asks_for_both_on_a_terminal() {
    let receiver = Receiver::ok();
    // Down arrow picks the second event (conversion); Enter; then the URL.
    let keys = format!("\u{1b}[B\r{}\r", receiver.url("/asked"));
    let Some(screen) = on_terminal(&["send", "--secret", "k", "--color", "never"], &keys) else {
        return;
    };
    assert!(screen.contains("Event to send"), "{screen}");
    assert!(screen.contains("Endpoint URL"), "{screen}");
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{screen}");
    assert_eq!(requests[0].path, "/asked");
    assert_eq!(requests[0].json()["event"], "conversion");
    assert!(independently_valid("georedir", "k", &requests[0]));
}

#[test]
fn without_a_terminal_a_missing_event_is_an_error_not_a_prompt() {
    let (code, stdout, stderr) = run(&["send", "--url", "http://127.0.0.1:9/", "--secret", "k"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("missing EVENT"), "{stderr}");
}
