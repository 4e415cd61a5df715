//! `whk send --count/--duration` (load mode) through the real binary.

use std::collections::HashSet;
use std::io::{Read, Write};

use serde_json::Value;

use crate::support::*;

/// `whk send WHAT… --url URL --count N --concurrency C --json EXTRA…`: the exit code,
/// stdout and stderr.
fn send_load(
    what: &[&str],
    url: &str,
    count: &str,
    concurrency: &str,
    extra: &[&str],
) -> (i32, String, String) {
    let mut args = vec!["send"];
    args.extend_from_slice(what);
    args.extend_from_slice(&["--url", url, "--count", count, "--concurrency", concurrency]);
    args.push("--json");
    args.extend_from_slice(extra);
    run(&args)
}

fn load_json(stdout: &str) -> Value {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON summary line, got: {stdout}");
    let value: Value = serde_json::from_str(lines[0]).expect("summary is JSON");
    assert_eq!(value["type"], "load_summary");
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

/// However a receiver frames its answers (chunked with extensions and trailers, a body
/// that lasts until the connection ends, or kept-alive connections closed without a word
/// after each answer), every delivery is answered and reaches it exactly once.
#[test]
fn every_answer_framing_is_read_and_each_delivery_arrives_once() {
    for framing in [Framing::Chunked, Framing::UntilClose, Framing::QuietClose] {
        let reply = Reply::status(200).with_body(r#"{"received":true}"#);
        let receiver = Receiver::start(vec![reply.framed(framing.clone())]);
        let (code, stdout, stderr) = send_load(&["click"], &receiver.url("/"), "40", "4", &[]);
        assert_eq!(code, 0, "{framing:?}: {stdout}{stderr}");
        assert_eq!(load_json(&stdout)["succeeded"], 40, "{framing:?}");
        let requests = receiver.requests();
        let clicks: HashSet<String> = requests
            .iter()
            .map(|r| r.json()["data"]["click_id"].to_string())
            .collect();
        assert_eq!(requests.len(), 40, "{framing:?}: each delivery once");
        assert_eq!(clicks.len(), 40, "{framing:?}: no delivery twice");
    }
}

/// Answers that are not HTTP, or break off, are network failures of their deliveries: the
/// run ends with exit 3 (no delivery got an answer) and panics nowhere.
#[test]
fn answers_that_are_not_http_are_network_failures() {
    let answers: [&'static [u8]; 4] = [
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnot-a-size\r\n",
    ];
    for answer in answers {
        let receiver = Receiver::start(vec![Reply::status(200).framed(Framing::Raw(answer))]);
        let (code, stdout, stderr) = send_load(&["click"], &receiver.url("/"), "6", "2", &[]);
        let shown = String::from_utf8_lossy(answer);
        assert_no_panic(&stdout, &stderr);
        assert_eq!(code, 3, "{shown}: {stdout}{stderr}");
        assert_eq!(load_json(&stdout)["failures"]["network"], 6, "{shown}");
        assert_eq!(
            receiver.requests().len(),
            6,
            "{shown}: sent once each, not retried"
        );
    }
}

/// A receiver that refuses a large body from its head alone (413 and close, the rest
/// unread) makes whk's write fail; the answer it sent still counts.
#[test]
fn an_answer_sent_before_the_body_was_read_counts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { return };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let refusal =
                b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            let _ = stream.write_all(refusal);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("big.json");
    std::fs::write(&body, format!("\"{}\"", "a".repeat(20_000_000))).unwrap();
    let data = format!("@{}", body.display());
    let url = format!("http://127.0.0.1:{port}/");
    let (code, stdout, stderr) = send_load(&["--data", &data], &url, "4", "1", &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["statuses"]["413"], 4, "{summary}");
    assert_eq!(summary["failures"]["4xx"], 4, "{summary}");
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

/// A delivery unanswered within `--timeout` counts as a timeout, and the connection's
/// next deliveries go on a new connection, each with a whole timeout of its own.
#[test]
fn slow_answers_time_out_and_the_next_deliveries_still_go() {
    let slow = Reply::status(200).after(std::time::Duration::from_secs(3));
    let receiver = Receiver::start(vec![slow.clone(), slow, Reply::status(200)]);
    let extra = ["--timeout", "300ms"];
    let (code, stdout, stderr) = send_load(&["click"], &receiver.url("/"), "6", "2", &extra);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["failures"]["timeout"], 2, "{summary}");
    assert_eq!(summary["succeeded"], 4, "{summary}");
    assert!(
        summary["latency_ms"]["max"].as_f64().unwrap() < 3_000.0,
        "{summary}"
    );
}

/// `whk send click --duration 1s --concurrency 2 --json EXTRA…`, signed, to `receiver`.
fn send_for_a_second(receiver: &Receiver, extra: &[&str]) -> (i32, String, String) {
    let url = receiver.url("/");
    let mut args = vec!["send", "click", "--url", &url, "--secret", "s3cret"];
    args.extend_from_slice(&["--duration", "1s", "--concurrency", "2", "--json"]);
    args.extend_from_slice(extra);
    run(&args)
}

/// A delivery waiting to be retried when `--duration` ends counts as it went last (a 5xx
/// here), not as unfinished: the end of the run cuts the wait short, not the delivery.
#[test]
fn retry_waits_end_with_the_duration() {
    let receiver = Receiver::start(vec![Reply::status(500)]);
    let retrying = ["--retries", "3", "--backoff", "30s"];
    let (code, stdout, stderr) = send_for_a_second(&receiver, &retrying);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["deliveries"], 2, "{summary}");
    assert_eq!(summary["failures"]["5xx"], 2, "{summary}");
    assert_eq!(summary["unfinished"], 0, "{summary}");
    assert!(summary["elapsed_s"].as_f64().unwrap() < 10.0, "{summary}");
}

/// `--duration` ends the run on time: deliveries still unanswered a second after it are
/// dropped and counted as unfinished, however long `--timeout` would wait. When none was
/// answered at all, that is a failure (exit 1), not a success.
#[test]
fn duration_ends_on_time_and_counts_what_was_still_in_flight() {
    let receiver = Receiver::start(vec![
        Reply::status(200).after(std::time::Duration::from_secs(20)),
    ]);
    let (code, stdout, stderr) = send_for_a_second(&receiver, &["--timeout", "60s"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["deliveries"], 0, "{summary}");
    assert_eq!(summary["unfinished"], 2, "{summary}");
    assert!(summary["elapsed_s"].as_f64().unwrap() < 10.0, "{summary}");
    assert_one_line_error(&(code, stdout, stderr), 1, "still in flight");
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

/// `--duplicates` re-sends deliveries byte for byte; `whk listen` counts exactly those as
/// duplicates.
#[test]
fn duplicates_match_what_the_listener_counts() {
    let mut listener = Listener::start(&["--json", "--quiet", "--secret", "k"]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &listener.url("/"),
        "--secret",
        "k",
        "--count",
        "300",
        "--concurrency",
        "4",
        "--duplicates",
        "0.2",
        "--out-of-order",
        "--json",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["deliveries"], 300);
    let duplicates = summary["duplicates"].as_u64().unwrap();
    assert!(duplicates > 0, "{summary}");
    listener.signal("INT");
    let received = listener.wait_exit().summary();
    assert_eq!(received["deliveries"], 300);
    assert_eq!(
        received["valid"], 300,
        "a duplicate carries its original's signature"
    );
    assert_eq!(received["duplicates"], duplicates);
}

/// Sends `count` deliveries of `event` over one connection with `--out-of-order`, signed
/// by Standard Webhooks (so each has a message id); the summary and the bodies in the
/// order the receiver got them.
fn send_out_of_order(event: &str, count: &str) -> (Value, Vec<Value>) {
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    const SECRET: &str = "whsec_czNjcmV0czNjcmV0czNjcmV0";
    let signing = ["--scheme", "standard", "--secret", SECRET, "--seed", "7"];
    let extra = [&signing[..], &["--out-of-order"]].concat();
    let (code, stdout, stderr) = send_load(&[event], &url, count, "1", &extra);
    assert_eq!(code, 0, "{stderr}");
    let requests = receiver.requests();
    for request in &requests {
        let valid = independently_valid("standard", SECRET, request);
        assert!(valid, "{request:?}");
    }
    // Each of a pair is a delivery of its own: no receiver may take one for the other.
    let ids: HashSet<&str> = requests
        .iter()
        .filter_map(|r| r.header("webhook-id"))
        .collect();
    assert_eq!(ids.len(), requests.len(), "a webhook-id each");
    let bodies = receiver.requests().iter().map(|r| r.json()).collect();
    (load_json(&stdout), bodies)
}

/// The later event of each related pair arrives first: a conversion just before the click
/// it is attributed to (same click, link and visitor), and the count of such pairs is what
/// the summary calls reordered.
#[test]
fn out_of_order_sends_a_conversion_before_its_click() {
    let (summary, bodies) = send_out_of_order("click", "200");
    assert_eq!(bodies.len(), 200);
    let reordered = summary["reordered"].as_u64().unwrap();
    let conversions: Vec<usize> = (0..bodies.len())
        .filter(|&i| bodies[i]["event"] == "conversion")
        .collect();
    assert!(reordered > 0, "{summary}");
    assert_eq!(conversions.len() as u64, reordered, "{summary}");
    for &i in &conversions {
        let (conversion, click) = (&bodies[i]["data"], &bodies[i + 1]["data"]);
        assert_eq!(bodies[i + 1]["event"], "click", "after conversion {i}");
        for field in ["click_id", "link_id", "link_slug", "country", "device"] {
            assert_eq!(conversion[field], click[field], "{field} of pair {i}");
        }
        let at = |body: &Value| body["timestamp"].as_str().unwrap().to_string();
        assert!(
            at(&bodies[i + 1]) < at(&bodies[i]),
            "the click happened first"
        );
    }
    let clicks = bodies.iter().filter(|b| b["event"] == "click").count() as u64;
    assert_eq!(clicks + reordered, 200);
    assert_eq!(summary["duplicates"], 0);
}

/// A link's update arrives before its creation, on both profiles; alert.triggered, which
/// has no partner, has two alerts swapped instead.
#[test]
fn out_of_order_sends_a_link_update_before_its_creation() {
    for event in ["link.updated", "link.expired"] {
        let (summary, bodies) = send_out_of_order(event, "100");
        let reordered = summary["reordered"].as_u64().unwrap();
        let created: Vec<usize> = (0..bodies.len())
            .filter(|&i| bodies[i]["event"] == "link.created")
            .collect();
        assert!(reordered > 0, "{event}: {summary}");
        assert_eq!(created.len() as u64, reordered, "{event}");
        for &i in &created {
            assert_eq!(bodies[i - 1]["event"], event, "before creation {i}");
            assert_eq!(
                bodies[i - 1]["data"]["link_id"],
                bodies[i]["data"]["link_id"]
            );
        }
    }
    let (summary, bodies) = send_out_of_order("alert.triggered", "100");
    assert!(summary["reordered"].as_u64().unwrap() > 0, "{summary}");
    assert!(bodies.iter().all(|b| b["event"] == "alert.triggered"));
}

#[test]
fn https_load_trusts_cacert_and_tells_tls_failures_apart() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let listener = Listener::start(&[
        "--json",
        "--quiet",
        "--tls",
        "--tls-cert-out",
        cert.to_str().unwrap(),
    ]);
    let url = format!("https://localhost:{}/tls", listener.port);
    let load = ["--count", "40", "--concurrency", "4", "--json"];
    let mut args = vec![
        "send",
        "click",
        "--url",
        &url,
        "--cacert",
        cert.to_str().unwrap(),
    ];
    args.extend_from_slice(&load);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(load_json(&stdout)["succeeded"], 40);

    let mut args = vec!["send", "click", "--url", &url];
    args.extend_from_slice(&load);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert_eq!(load_json(&stdout)["failures"]["tls"], 40);

    let mut args = vec!["send", "click", "--url", &url, "--insecure"];
    args.extend_from_slice(&load);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(load_json(&stdout)["succeeded"], 40);
}

#[test]
fn summary_has_a_histogram_and_a_status_table_in_text_and_json() {
    let receiver = Receiver::start(vec![
        Reply::status(202),
        Reply::status(503),
        Reply::status(202),
    ]);
    let url = receiver.url("/");
    let args = [
        "send",
        "click",
        "--url",
        &url,
        "--count",
        "30",
        "--concurrency",
        "1",
    ];
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("latency histogram:"), "{stdout}");
    assert!(
        stdout.contains("status codes:\n  202  29\n  503   1"),
        "{stdout}"
    );
    assert!(stdout.contains("failures  5xx 1"), "{stdout}");

    let receiver = Receiver::start(vec![
        Reply::status(202),
        Reply::status(503),
        Reply::status(202),
    ]);
    let url = receiver.url("/");
    let (code, stdout, _) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--count",
        "30",
        "--concurrency",
        "1",
        "--json",
    ]);
    assert_eq!(code, 1);
    let summary = load_json(&stdout);
    assert_eq!(summary["statuses"]["202"], 29);
    assert_eq!(summary["statuses"]["503"], 1);
    let buckets = summary["histogram"].as_array().unwrap();
    let counted: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, 30);
    for key in ["min", "mean", "p50", "p90", "p95", "p99", "max"] {
        assert!(summary["latency_ms"][key].as_f64().unwrap() > 0.0, "{key}");
    }
}

/// Spawns `whk send …` in load mode against a receiver that answers after `delay`, waits
/// until it has `seen` requests, sends SIGINT `presses` times; checks the exit (130) and the
/// summary's `interrupted`, and returns (receiver, summary, stderr).
fn interrupt_load(
    delay: std::time::Duration,
    seen: usize,
    presses: usize,
) -> (Receiver, Value, String) {
    let receiver = Receiver::start(vec![Reply::status(200).after(delay)]);
    let url = receiver.url("/");
    let mut cmd = command(WHK);
    cmd.args([
        "send",
        "click",
        "--url",
        &url,
        "--duration",
        "60s",
        "--concurrency",
        "2",
    ])
    .args(["--json", "--timeout", "50s"])
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("whk starts");
    let waiting = std::time::Instant::now();
    while receiver.requests().len() < seen {
        assert!(waiting.elapsed() < RUN_LIMIT, "no deliveries arrived");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    for _ in 0..presses {
        let status = command("kill")
            .args(["-s", "INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = wait_within(&mut child, RUN_LIMIT).expect("whk stops after Ctrl-C");
    let mut stdout = String::new();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stdout}{stderr}");
    let summary = load_json(&stdout);
    assert_eq!(summary["interrupted"], true);
    (receiver, summary, stderr)
}

#[test]
fn ctrl_c_lets_deliveries_in_flight_finish_and_reports_interrupted() {
    let (receiver, summary, stderr) = interrupt_load(std::time::Duration::from_millis(100), 3, 1);
    assert_eq!(
        summary["failed"], 0,
        "in-flight deliveries were let finish: {summary}"
    );
    assert!(summary["deliveries"].as_u64().unwrap() >= 2, "{summary}");
    assert_eq!(
        summary["deliveries"].as_u64().unwrap() as usize,
        receiver.requests().len()
    );
    assert!(
        stderr.contains("stopping: letting deliveries in flight finish"),
        "{stderr}"
    );
    assert!(stderr.contains("error: interrupted"), "{stderr}");
}

#[test]
fn a_second_ctrl_c_stops_at_once() {
    let (_receiver, summary, stderr) = interrupt_load(std::time::Duration::from_secs(30), 2, 2);
    assert_eq!(
        summary["deliveries"], 0,
        "unanswered deliveries are not counted"
    );
    assert!(stderr.contains("stopped at once"), "{stderr}");
}

#[test]
fn live_view_shows_progress_on_a_terminal() {
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    let Some((code, shown)) = run_on_tty(
        &[
            "send", "click", "--url", &url, "--count", "60", "--rate", "100/s",
        ],
        &[("TERM", "xterm")],
    ) else {
        return; // no script(1) here
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains(" of 60 done, "), "{shown}");
    assert!(shown.contains("/s now · p50 "), "{shown}");
    assert!(shown.contains("60 deliveries in"), "{shown}");
}

#[test]
fn load_input_mistakes_are_one_line_usage_errors() {
    let url = "http://127.0.0.1:9/";
    for (args, mention) in [
        (vec!["--count", "0"], "--count"),
        (vec!["--duration", "0s"], "--duration"),
        (vec!["--count", "5", "--timeout", "0"], "--timeout"),
        (vec!["--count", "5", "--concurrency", "0"], "from 1 to 4096"),
        (vec!["--count", "5", "--duplicates", "2"], "--duplicates"),
        (vec!["--count", "5", "--rate", "1e-300/s"], "too slow"),
        (vec!["--count", "99999999999999999999"], "at most"),
        (vec!["--count", "5", "--rate", "inf"], "is not a rate"),
        (vec!["--concurrency", "8"], "--concurrency needs load mode"),
        (vec!["--rate", "10/s"], "--rate needs load mode"),
        (vec!["--out-of-order"], "--out-of-order needs load mode"),
        (
            vec!["--time-scale", "1e308", "--retries", "1"],
            "--time-scale",
        ),
        (
            vec!["--time-scale", "1e-300", "--retries", "1"],
            "--time-scale",
        ),
    ] {
        let mut full = vec!["send", "click", "--url", url];
        full.extend_from_slice(&args);
        assert_one_line_error(&run(&full), 2, mention);
    }
}

/// Once a panic (overflow when adding duration to instant): a duration beyond what the clock
/// can count runs like no duration at all.
#[test]
fn a_duration_beyond_the_clock_is_no_limit() {
    let url = closed_port_url();
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--duration",
        "500000000000years",
        "--count",
        "1",
    ]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.starts_with("1 delivery in "), "{stdout}");
    assert_no_panic(&stdout, &stderr);
}
