//! `whk send --count/--duration` (load mode) through the real binary.

use std::collections::HashSet;

use serde_json::Value;

use crate::support::*;

fn load_json(stdout: &str) -> Value {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON summary line, got: {stdout}");
    let value: Value = serde_json::from_str(lines[0]).expect("summary is JSON");
    assert_eq!(value["type"], "load");
    value
}

#[test]
fn count_sends_n_fresh_signed_deliveries_concurrently() {
    let receiver = Receiver::ok();
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/load"),
        "--secret",
        "k",
        "--count",
        "200",
        "--concurrency",
        "8",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["deliveries"], 200);
    assert_eq!(summary["succeeded"], 200);
    assert_eq!(summary["failed"], 0);
    for key in ["min", "p50", "p95", "p99", "max"] {
        assert!(summary["latency_ms"][key].as_f64().unwrap() > 0.0, "{key}");
    }
    let requests = receiver.requests();
    assert_eq!(requests.len(), 200);
    let click_ids: HashSet<String> = requests
        .iter()
        .map(|r| r.json()["data"]["click_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(click_ids.len(), 200, "every delivery has fresh sample data");
    assert!(
        requests
            .iter()
            .all(|r| independently_valid("georedir", "k", r))
    );
}

#[test]
fn human_summary_reports_rate_and_latency_percentiles() {
    let receiver = Receiver::ok();
    let (code, stdout, stderr) = run(&[
        "send",
        "conversion",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
        "--count",
        "20",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("20 deliveries in"), "{stdout}");
    assert!(stdout.contains("20 succeeded, 0 failed"), "{stdout}");
    for word in ["p50", "p95", "p99", "max", "/s"] {
        assert!(stdout.contains(word), "{word} in {stdout}");
    }
    assert!(
        !stderr.contains('\u{1b}'),
        "no progress bar without a terminal: {stderr:?}"
    );
}

#[test]
fn failures_are_counted_by_kind_and_exit_1() {
    let receiver = Receiver::start(vec![
        Reply::status(500),
        Reply::status(500),
        Reply::status(200),
    ]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--count",
        "10",
        "--concurrency",
        "1",
        "--json",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["failed"], 2);
    assert_eq!(summary["failures"]["5xx"], 2);
    assert_eq!(summary["succeeded"], 8);
    assert!(stderr.contains("2 of 10 deliveries failed"), "{stderr}");
}

#[test]
fn expect_status_turns_rejections_into_successes() {
    let receiver = Receiver::start(vec![Reply::status(401)]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "wrong",
        "--count",
        "15",
        "--expect-status",
        "401",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(load_json(&stdout)["succeeded"], 15);
}

#[test]
fn unreachable_receiver_exits_3() {
    let url = closed_port_url();
    let (code, stdout, stderr) = run(&["send", "click", "--url", &url, "--count", "5", "--json"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert_eq!(load_json(&stdout)["failures"]["refused"], 5);
    assert!(stderr.contains(&url), "{stderr}");
}

#[test]
fn duration_with_rate_paces_the_deliveries() {
    let receiver = Receiver::ok();
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--duration",
        "1s",
        "--rate",
        "40/s",
        "--concurrency",
        "4",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let sent = load_json(&stdout)["deliveries"].as_u64().unwrap();
    // 40/s for one second: the pacing never lets more through than the slots in the window.
    assert!((1..=40).contains(&sent), "sent {sent}");
    assert_eq!(receiver.requests().len() as u64, sent);
}

#[test]
fn bad_load_flags_are_usage_errors() {
    for args in [
        vec![
            "send",
            "click",
            "--url",
            "http://127.0.0.1:9/",
            "--count",
            "0",
        ],
        vec![
            "send",
            "click",
            "--url",
            "http://127.0.0.1:9/",
            "--count",
            "5",
            "--rate",
            "fast",
        ],
        vec![
            "send",
            "click",
            "--url",
            "http://127.0.0.1:9/",
            "--count",
            "5",
            "--concurrency",
            "0",
        ],
        vec![
            "send",
            "click",
            "--url",
            "http://127.0.0.1:9/",
            "--count",
            "5",
            "--dry-run",
        ],
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
    }
}

/// Regression: the listener's HTTP library once had a connection pool that could queue two
/// new keep-alive connections for one waiting thread, leaving deliveries unanswered until
/// the sender timed out.
#[test]
fn listener_answers_every_delivery_of_a_concurrent_load() {
    for _ in 0..2 {
        let mut listener = Listener::start(&["--json", "--quiet"]);
        let (code, stdout, stderr) = run(&[
            "send",
            "click",
            "--url",
            &listener.url("/"),
            "--count",
            "1500",
            "--concurrency",
            "16",
            "--timeout",
            "5s",
            "--json",
        ]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert_eq!(load_json(&stdout)["succeeded"], 1500);
        listener.signal("INT");
        assert_eq!(listener.wait_exit().summary()["deliveries"], 1500);
    }
}
