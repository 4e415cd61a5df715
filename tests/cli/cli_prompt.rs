//! Interactive prompts, driven through a pseudo-terminal made by `script(1)`.

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::Duration;

use crate::support::*;

/// Runs `whk ARGS` on a pseudo-terminal, typing `keys` at once; returns what the terminal
/// showed.
fn on_terminal(args: &[&str], keys: &str) -> Option<String> {
    on_terminal_stepwise(args, &[("", keys)]).map(|(_, screen)| screen)
}

/// Runs `whk ARGS` on a pseudo-terminal and types each step's keys once the screen shows
/// its text, as a person would (keys typed ahead are echoed by the terminal before whk can
/// hide them, and a Ctrl-C typed before the menu is up reaches no one). Returns the exit code
/// and the screen.
fn on_terminal_stepwise(args: &[&str], steps: &[(&str, &str)]) -> Option<(Option<i32>, String)> {
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
    let mut stdout = child.stdout.take().unwrap();
    let screen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let filled = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            filled.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    let shown = || String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
    let mut seen_up_to = 0;
    for (wait_for, keys) in steps {
        let started = std::time::Instant::now();
        loop {
            let text = shown();
            if let Some(at) = text[seen_up_to.min(text.len())..].find(wait_for) {
                seen_up_to += at + wait_for.len();
                break;
            }
            assert!(
                started.elapsed() < RUN_LIMIT,
                "never showed {wait_for:?}: {text:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Let the prompt finish drawing and switch the terminal mode.
        std::thread::sleep(Duration::from_millis(150));
        stdin.write_all(keys.as_bytes()).unwrap();
    }
    let status = wait_within(&mut child, RUN_LIMIT)
        .unwrap_or_else(|| panic!("whk {args:?} on a terminal did not end: {}", shown()));
    drop(stdin);
    reader.join().unwrap();
    Some((status.code(), shown()))
}

const HIDE_CURSOR: &str = "\u{1b}[?25l";
const SHOW_CURSOR: &str = "\u{1b}[?25h";

#[test]
fn ctrl_c_at_the_event_menu_shows_the_cursor_again_and_clears_the_menu() {
    let args = ["send", "--url", "http://127.0.0.1:9/", "--color", "never"];
    let Some((code, screen)) = on_terminal_stepwise(&args, &[("Event to send", "\u{3}")]) else {
        return;
    };
    assert_eq!(code, Some(130), "{screen:?}");
    let hidden = screen
        .rfind(HIDE_CURSOR)
        .expect("the menu hides the cursor");
    let shown = screen.rfind(SHOW_CURSOR).unwrap_or(0);
    assert!(shown > hidden, "the cursor stays hidden: {screen:?}");
    // Cleared: the menu's lines are erased (ESC[2K) after it was drawn.
    assert!(screen[hidden..].contains("\u{1b}[2K"), "{screen:?}");
}

#[test]
fn esc_at_the_event_menu_cancels() {
    let args = ["send", "--url", "http://127.0.0.1:9/", "--color", "never"];
    let Some((code, screen)) = on_terminal_stepwise(&args, &[("Event to send", "\u{1b}")]) else {
        return;
    };
    assert_eq!(code, Some(2), "{screen:?}");
    assert!(screen.contains("no event chosen (cancelled)"), "{screen:?}");
    assert!(
        screen.rfind(SHOW_CURSOR) > screen.rfind(HIDE_CURSOR),
        "{screen:?}"
    );
}

#[test]
fn a_url_without_a_scheme_is_asked_again_and_the_secret_is_asked_hidden() {
    let receiver = Receiver::ok();
    let good = receiver.url("/asked");
    let bare = good.trim_start_matches("http://");
    let (typed_bare, typed_good) = (format!("{bare}\r"), format!("{good}\r"));
    let steps = [
        ("Event to send", "\r"),
        ("Endpoint URL", typed_bare.as_str()),
        ("start with http://", typed_good.as_str()),
        ("Secret to sign with", "typed-secret\r"),
    ];
    let Some((_, screen)) = on_terminal_stepwise(&["send", "--color", "never"], &steps) else {
        return;
    };
    assert!(
        screen.contains("start with http:// or https://"),
        "{screen}"
    );
    assert!(screen.contains("Secret to sign with"), "{screen}");
    assert!(
        !screen.contains("typed-secret"),
        "the secret was echoed: {screen}"
    );
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{screen}");
    assert!(independently_valid(
        "georedir",
        "typed-secret",
        &requests[0]
    ));
}

#[test]
fn an_empty_secret_at_the_prompt_sends_unsigned() {
    let receiver = Receiver::ok();
    let url = format!("{}\r", receiver.url("/unsigned"));
    let steps = [
        ("Event to send", "\r"),
        ("Endpoint URL", url.as_str()),
        ("Secret to sign with", "\r"),
    ];
    let Some((_, screen)) = on_terminal_stepwise(&["send", "--color", "never"], &steps) else {
        return;
    };
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{screen}");
    assert_eq!(requests[0].header("X-GeoRedir-Signature"), None);
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
