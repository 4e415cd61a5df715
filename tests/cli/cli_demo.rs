//! `whk demo`: a listener and a sender in one process, through the real binary.

use serde_json::Value;

use crate::support::*;

/// The listener's line for `event`: `← listen  HH:MM:SS  POST /webhooks  EVENT  ✓ SCHEME  → 200`.
fn verdict_line<'a>(stdout: &'a str, event: &str) -> Option<&'a str> {
    stdout
        .lines()
        .find(|l| l.contains("← listen") && l.contains(&format!("/webhooks  {event}  ")))
}

fn assert_every_event_verified(stdout: &str, events: &[&str], scheme: &str) {
    for event in events {
        let line = verdict_line(stdout, event)
            .unwrap_or_else(|| panic!("no listener line for {event}:\n{stdout}"));
        assert!(
            line.contains(&format!("✓ {scheme}")) && line.contains("→ 200"),
            "{event} not shown as valid {scheme}: {line}"
        );
    }
    assert!(!stdout.contains('✗'), "{stdout}");
}

#[test]
fn demo_sends_receives_and_verifies_every_georedir_event() {
    let (code, stdout, stderr) = run(&["demo", "--color", "never"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_every_event_verified(&stdout, GEOREDIR_EVENTS, "georedir");
    assert!(
        stdout.contains("6 sent, 6 accepted") && stdout.contains("6 valid, 0 invalid"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "--color never");
}

#[test]
fn demo_with_the_standard_and_relurl_schemes() {
    let (code, stdout, stderr) = run(&["demo", "--scheme", "standard", "--color", "never"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_every_event_verified(&stdout, GEOREDIR_EVENTS, "standard");

    let (code, stdout, stderr) = run(&["demo", "--scheme", "relurl", "--color", "never"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_every_event_verified(&stdout, RELURL_EVENTS, "relurl");
    assert!(stdout.contains("4 sent, 4 accepted"), "{stdout}");
}

#[test]
fn demo_json_prints_json_lines_only() {
    let (code, stdout, stderr) = run(&["demo", "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let kinds = |kind: &str| lines.iter().filter(|v| v["type"] == kind).count();
    assert_eq!(kinds("sent"), GEOREDIR_EVENTS.len(), "{stdout}");
    assert_eq!(kinds("delivery"), GEOREDIR_EVENTS.len(), "{stdout}");
    for event in GEOREDIR_EVENTS {
        let capture = lines
            .iter()
            .find(|v| v["type"] == "delivery" && v["event"] == *event)
            .unwrap_or_else(|| panic!("no capture for {event}"));
        assert_eq!(capture["signature"]["valid"], true, "{capture}");
        assert_eq!(capture["signature"]["scheme"], "georedir");
    }
    assert!(lines.iter().all(|v| v["type"] != "sent" || v["ok"] == true));
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "listen_summary");
    assert_eq!(summary["valid"], 6);
}
