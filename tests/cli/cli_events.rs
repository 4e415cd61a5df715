//! `whk events` through the real binary.

use crate::support::*;

#[test]
fn seeded_sample_is_reproducible_and_keeps_documented_order() {
    let args = [
        "events",
        "click",
        "--seed",
        "7",
        "--timestamp",
        "2026-02-25T14:30:00Z",
        "--json",
    ];
    let (code, first, _) = run(&args);
    let (_, second, _) = run(&args);
    assert_eq!(code, 0);
    assert_eq!(first, second);
    let value: serde_json::Value = serde_json::from_str(first.trim()).unwrap();
    let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["event", "timestamp", "data"]);
    assert_eq!(value["timestamp"], "2026-02-25T14:30:00Z");
}

#[test]
fn list_shows_every_event_of_both_profiles() {
    let (code, stdout, stderr) = run(&["events", "--color", "never"]);
    assert_eq!(code, 0, "{stderr}");
    let mut listed: Vec<(String, Vec<String>)> = Vec::new();
    for line in stdout.lines() {
        if let Some(entry) = line.strip_prefix("  ") {
            let name = entry.split_whitespace().next().unwrap().to_string();
            listed
                .last_mut()
                .expect("a profile heading first")
                .1
                .push(name);
        } else {
            let heading = line.split_whitespace().next().unwrap().to_string();
            listed.push((heading, Vec::new()));
        }
    }
    let expected = vec![
        (
            "georedir".to_string(),
            GEOREDIR_EVENTS.iter().map(|s| s.to_string()).collect(),
        ),
        (
            "relurl".to_string(),
            RELURL_EVENTS.iter().map(|s| s.to_string()).collect(),
        ),
    ];
    assert_eq!(listed, expected, "{stdout}");

    let (_, relurl_only, _) = run(&["events", "--profile", "relurl", "--color", "never"]);
    assert!(relurl_only.starts_with("relurl"), "{relurl_only}");
    assert!(!relurl_only.contains("conversion"), "{relurl_only}");
}

#[test]
fn json_list_is_one_event_object_per_line() {
    let (code, stdout, stderr) = run(&["events", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let mut seen = Vec::new();
    for line in stdout.lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(value["type"], "event", "{line}");
        assert!(
            value["fires"].as_str().is_some_and(|f| !f.is_empty()),
            "{line}"
        );
        seen.push(format!(
            "{}/{}",
            value["profile"].as_str().unwrap(),
            value["name"].as_str().unwrap()
        ));
    }
    let expected: Vec<String> = GEOREDIR_EVENTS
        .iter()
        .map(|e| format!("georedir/{e}"))
        .chain(RELURL_EVENTS.iter().map(|e| format!("relurl/{e}")))
        .collect();
    assert_eq!(seen, expected);
    assert!(stderr.is_empty(), "--json prints no notes: {stderr}");
}

fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// The `data` fields DESIGN.md documents for each georedir event, in order.
fn georedir_data_keys(event: &str) -> &'static [&'static str] {
    match event {
        "click" => &[
            "click_id",
            "link_id",
            "link_slug",
            "destination_url",
            "ip",
            "country",
            "region",
            "city",
            "device",
            "browser",
            "os",
            "referer",
            "is_unique",
            "fraud_flags",
        ],
        "conversion" => &[
            "conversion_id",
            "click_id",
            "link_id",
            "link_slug",
            "revenue",
            "currency",
            "country",
            "device",
        ],
        "alert.triggered" => &[
            "alert_id",
            "alert_name",
            "metric",
            "condition",
            "threshold",
            "current_value",
            "link_id",
            "link_slug",
        ],
        _ => &["link_id", "name", "slug", "is_active", "rules_count"],
    }
}

#[test]
fn every_sample_has_the_documented_envelope_in_order() {
    for (profile, events) in [("georedir", GEOREDIR_EVENTS), ("relurl", RELURL_EVENTS)] {
        for event in events {
            let (code, stdout, stderr) = run(&["events", event, "--profile", profile, "--json"]);
            assert_eq!(code, 0, "{profile} {event}: {stderr}");
            assert_eq!(stdout.lines().count(), 1, "{stdout}");
            let sample: serde_json::Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("{profile} {event}: {e}: {stdout}"));
            assert_eq!(sample["event"], *event);
            let timestamp = sample["timestamp"].as_str().unwrap();
            assert!(
                humantime::parse_rfc3339(timestamp).is_ok() && timestamp.ends_with('Z'),
                "RFC 3339 UTC: {timestamp}"
            );
            if profile == "georedir" {
                assert_eq!(keys(&sample), ["event", "timestamp", "data"]);
                assert_eq!(
                    keys(&sample["data"]),
                    georedir_data_keys(event),
                    "{event} data"
                );
            } else {
                assert_eq!(keys(&sample), ["event", "event_id", "timestamp", "data"]);
                assert!(sample["event_id"].as_str().unwrap().starts_with("evt_"));
                let data = keys(&sample["data"]);
                for field in ["link_id", "short_url", "destination_url", "created_at"] {
                    assert!(data.contains(&field), "{event} lacks {field}: {data:?}");
                }
                let click_fields = [
                    "ip",
                    "user_agent",
                    "referrer",
                    "location",
                    "device",
                    "browser",
                ];
                for field in click_fields {
                    assert_eq!(
                        data.contains(&field),
                        *event == "link.clicked",
                        "{event} {field}: {data:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn human_sample_is_the_same_json_pretty_printed() {
    let pinned = [
        "--seed",
        "3",
        "--timestamp",
        "1700000000",
        "--color",
        "never",
    ];
    let (code, pretty, _) = run(&[&["events", "conversion"][..], &pinned].concat());
    assert_eq!(code, 0);
    let (_, compact, _) = run(&[&["events", "conversion", "--json"][..], &pinned].concat());
    assert!(pretty.lines().count() > 5, "pretty-printed: {pretty}");
    let a: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    let b: serde_json::Value = serde_json::from_str(&compact).unwrap();
    assert_eq!(a, b);
    assert_eq!(keys(&a), keys(&b));
}

#[test]
fn unseeded_samples_differ_between_calls() {
    for event in ["click", "link.clicked", "conversion"] {
        let (_, first, _) = run(&["events", event, "--json"]);
        let (_, second, _) = run(&["events", event, "--json"]);
        assert!(!first.is_empty());
        assert_ne!(first, second, "{event}");
    }
}

#[test]
fn set_and_unknown_events() {
    let (code, stdout, _) = run(&["events", "click", "--json", "--set", "data.country=DE"]);
    assert_eq!(code, 0);
    let sample: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sample["data"]["country"], "DE");
    assert_one_line_error(&run(&["events", "clik"]), 2, "did you mean 'click'?");
    assert_one_line_error(
        &run(&["events", "click", "--profile", "relurl"]),
        2,
        "relurl profile",
    );
}

#[test]
fn a_closed_stderr_changes_nothing_but_what_stderr_shows() {
    // Each of these writes a note, warning or error to stderr; the exit code is the one
    // whk would give with stderr open (101 would be a panic).
    for (args, expected) in [
        (&["send", "click", "--dry-run", "--secret", "k"][..], 0),
        (&["send", "click", "--dry-run"], 0),
        (&["events", "clik"], 2),
        (&["send", "click", "--statuss", "500"], 2),
        (
            &["verify", "/nonexistent/whk-capture.jsonl", "--secret", "k"],
            2,
        ),
    ] {
        assert_eq!(run_with_closed_stderr(args), expected, "whk {args:?}");
    }
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    for args in [
        &["events"][..],
        &["events", "--json"],
        &["events", "click"],
        &["completions", "bash"],
        &["secret"],
        &["send", "click", "--dry-run", "--secret", "k"],
    ] {
        let (code, stderr) = run_with_closed_stdout(args);
        assert_eq!(code, 0, "whk {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "whk {args:?}: {stderr}");
        assert!(!stderr.contains("error"), "whk {args:?}: {stderr}");
    }
    // The shell form: a reader that stops after one byte.
    let output = limited(command("sh"))
        .args(["-c", &format!("'{WHK}' events | head -c1")])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(output.stdout.len(), 1);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}
