//! `whk send` through the real binary against receivers on 127.0.0.1.

use crate::support::*;

const SCHEMES: &[(&str, &str)] = &[
    ("georedir", "geo_s3cret"),
    ("relurl", "relurl_s3cret"),
    ("github", "It's a Secret to Everybody"),
    ("stripe", "whsec_stripe_test_key"),
    ("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    ("slack", "8f742231b10e8888abcd99yyyzzz85a5"),
    ("shopify", "shpss_0123456789abcdef"),
];

#[test]
fn every_event_with_every_scheme_verifies_independently() {
    let receiver = Receiver::ok();
    let mut expected = 0;
    for (scheme, secret) in SCHEMES {
        for (profile, events) in [("georedir", GEOREDIR_EVENTS), ("relurl", RELURL_EVENTS)] {
            for event in events.iter() {
                let (code, stdout, stderr) = run(&[
                    "send",
                    event,
                    "--profile",
                    profile,
                    "--url",
                    &receiver.url("/hook"),
                    "--secret",
                    secret,
                    "--scheme",
                    scheme,
                    "--color",
                    "never",
                ]);
                assert_eq!(code, 0, "{scheme} {event}: {stderr}");
                assert!(stdout.contains("200 OK"), "{stdout}");
                expected += 1;
                let requests = receiver.requests();
                assert_eq!(requests.len(), expected);
                let last = requests.last().unwrap();
                assert!(
                    independently_valid(scheme, secret, last),
                    "{scheme} {event} signature"
                );
                assert_eq!(last.json()["event"], *event);
                assert_eq!(last.method, "POST");
                assert_eq!(last.header("Content-Type"), Some("application/json"));
            }
        }
    }
}

#[test]
fn custom_scheme_signs_into_the_named_header() {
    let receiver = Receiver::ok();
    let (code, _, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
        "--signature-header",
        "X-Signature",
        "--signature-prefix",
        "sha256=",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let req = &receiver.requests()[0];
    let expected = format!("sha256={}", hmac_hex(b"k", &req.body));
    assert_eq!(req.header("X-Signature"), Some(expected.as_str()));
}

#[test]
fn non_2xx_exits_1_and_refused_exits_3() {
    let receiver = Receiver::start(vec![Reply::status(500).with_body("boom")]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("500"), "{stderr}");
    let url = closed_port_url();
    let (code, _, stderr) = run(&["send", "click", "--url", &url, "--secret", "k"]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("refused") && stderr.contains(&url),
        "{stderr}"
    );
}

const MS: std::time::Duration = std::time::Duration::from_millis(1);

/// The gaps between consecutive requests, as the receiver saw them arrive.
fn gaps(requests: &[Recorded]) -> Vec<std::time::Duration> {
    requests.windows(2).map(|w| w[1].at - w[0].at).collect()
}

#[test]
fn retries_wait_the_backoff_doubling_and_stop_at_success() {
    let receiver = Receiver::start(vec![
        Reply::status(500),
        Reply::status(500),
        Reply::status(200),
    ]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/hook"),
        "--secret",
        "k",
        "--retries",
        "3",
        "--backoff",
        "50ms",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3, "two failures, then success, then stop");
    let gaps = gaps(&requests);
    // Lower bounds only (2 ms of slack for timer rounding); never an upper bound.
    assert!(gaps[0] >= 48 * MS, "first wait {:?} < 50ms", gaps[0]);
    assert!(gaps[1] >= 98 * MS, "second wait {:?} < 100ms", gaps[1]);
    assert!(stdout.contains("3 attempts"), "{stdout}");
    assert!(
        stderr.contains("attempt 1 failed") && stderr.contains("attempt 2 failed"),
        "{stderr}"
    );
    // A retry resends the same delivery: same bytes, same valid signature.
    for req in &requests {
        assert_eq!(req.body, requests[0].body);
        assert!(independently_valid("georedir", "k", req));
    }
}

#[test]
fn retry_schedule_is_scaled_and_cut_to_retries() {
    let receiver = Receiver::start(vec![Reply::status(500)]);
    let (code, stdout, stderr) = run(&[
        "send",
        "link.clicked",
        "--url",
        &receiver.url("/relurl"),
        "--scheme",
        "relurl",
        "--secret",
        "k",
        "--retry-schedule",
        "relurl",
        "--time-scale",
        "0.001",
        "--retries",
        "2",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3, "one attempt and two retries");
    let gaps = gaps(&requests);
    // relurl waits 1m then 5m; scaled by 0.001: 60ms then 300ms (lower bounds only).
    assert!(gaps[0] >= 58 * MS, "{:?}", gaps[0]);
    assert!(gaps[1] >= 298 * MS, "{:?}", gaps[1]);
    assert!(
        stderr.contains("attempt 1 failed") && stderr.contains("attempt 2 failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("after 3 attempts") && stderr.contains("500"),
        "{stderr}"
    );
}

#[test]
fn refused_with_retries_exits_3_after_every_attempt() {
    let url = closed_port_url();
    let (code, _, stderr) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret",
        "k",
        "--retries",
        "1",
        "--backoff",
        "10ms",
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("attempt 1 failed"), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(last.starts_with("error: "), "{stderr}");
    assert!(
        last.contains(&url) && last.contains("refused") && last.contains("2 attempts"),
        "{stderr}"
    );
}

#[test]
fn a_slow_receiver_times_out_with_exit_3() {
    let receiver = Receiver::start(vec![
        Reply::status(200).after(std::time::Duration::from_secs(2)),
    ]);
    let url = receiver.url("/slow");
    let result = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret",
        "k",
        "--timeout",
        "200ms",
    ]);
    assert_one_line_error(&result, 3, "no answer within 200ms");
    assert!(result.2.contains(&url), "{}", result.2);
    assert_eq!(receiver.requests().len(), 1, "the request went out");
}

fn send_expecting(status: u16, expect: &str) -> (i32, String, String) {
    let receiver = Receiver::start(vec![Reply::status(status)]);
    let result = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "wrong",
        "--expect-status",
        expect,
    ]);
    assert_eq!(receiver.requests().len(), 1, "{expect} against {status}");
    result
}

#[test]
fn expect_status_accepts_codes_classes_and_ranges() {
    // (receiver status, --expect-status, exit code, how the error names the expectation)
    for (status, expect, want, shown) in [
        (401, "401", 0, ""),
        (200, "401", 1, "401"),
        (403, "401", 1, "401"),
        (403, "4xx", 0, ""),
        (500, "4xx", 1, "4xx"),
        (200, "4xx", 1, "4xx"),
        (404, "400-499", 0, ""),
        (400, "400-499", 0, ""),
        (499, "400-499", 0, ""),
        (200, "400-499", 1, "4xx"),
        (204, "200-204", 0, ""),
        (205, "200-204", 1, "200-204"),
    ] {
        let (code, stdout, stderr) = send_expecting(status, expect);
        assert_eq!(
            code, want,
            "--expect-status {expect} against {status}: {stdout}{stderr}"
        );
        if want == 1 {
            assert!(
                stderr.contains(&format!("answered {status}"))
                    && stderr.contains(&format!("expected {shown}")),
                "{expect}/{status}: {stderr}"
            );
        }
    }
}

/// Bad --expect-status values, and a huge --retries (which used to allocate a wait per retry
/// up front: 99999999 hung, u32::MAX aborted), are usage errors that send nothing.
#[test]
fn bad_delivery_rules_are_usage_errors_and_send_nothing() {
    let receiver = Receiver::ok();
    let bad_values = [
        ("--expect-status", "abc"),
        ("--expect-status", "6xx"),
        ("--expect-status", "500-400"),
        ("--retries", "101"),
        ("--retries", "99999999"),
        ("--retries", "4294967295"),
    ];
    for (flag, bad) in bad_values {
        let url = receiver.url("/");
        let result = run(&["send", "click", "--url", &url, "--secret", "k", flag, bad]);
        assert_one_line_error(&result, 2, &format!("invalid value '{bad}' for '{flag}"));
    }
    assert_eq!(receiver.requests().len(), 0);
}

/// Parses stdout that must be exactly one JSON line.
fn one_json_line(stdout: &str) -> serde_json::Value {
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout}");
    assert!(stdout.ends_with('\n'), "{stdout:?}");
    serde_json::from_str(stdout.trim_end()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn json_report_is_one_object_on_stdout() {
    let receiver = Receiver::ok();
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/hook"),
        "--secret",
        "k",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report = one_json_line(&stdout);
    assert_eq!(report["type"], "delivery");
    assert_eq!(report["status"], 200);
    assert_eq!(report["ok"], true);
    assert_eq!(report["event"], "click");
    assert_eq!(report["url"], receiver.url("/hook"));
    assert_eq!(report["response_body"], r#"{"received":true}"#);
    assert!(report["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    let attempts = report["attempts"].as_array().expect("attempts array");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["attempt"], 1);
    assert_eq!(attempts[0]["status"], 200);
    let signature = report["request_headers"]["X-GeoRedir-Signature"]
        .as_str()
        .unwrap();
    assert_eq!(
        Some(signature),
        receiver.requests()[0].header("X-GeoRedir-Signature")
    );
}

#[test]
fn json_report_stays_one_object_on_failures() {
    let receiver = Receiver::start(vec![Reply::status(503)]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
        "--retries",
        "1",
        "--backoff",
        "10ms",
        "--json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let report = one_json_line(&stdout);
    assert_eq!(report["ok"], false);
    assert_eq!(report["status"], 503);
    let attempts = report["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|a| a["status"] == 503));

    let url = closed_port_url();
    let (code, stdout, _) = run(&["send", "click", "--url", &url, "--secret", "k", "--json"]);
    assert_eq!(code, 3);
    let report = one_json_line(&stdout);
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"], "refused");
    assert_eq!(report["attempts"][0]["error"], "refused");
    assert!(report.get("status").is_none(), "{report}");
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let receiver = Receiver::ok();
    let url = receiver.url("/hook");
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret",
        "k",
        "--dry-run",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (head, body) = stdout
        .split_once("\n\n")
        .expect("headers, blank line, body");
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some(format!("POST {url}").as_str()));
    let headers: String = lines.collect::<Vec<_>>().join("\n");
    assert!(
        headers.contains("Content-Type: application/json"),
        "{headers}"
    );
    let body = body.strip_suffix('\n').unwrap();
    let payload: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(payload["event"], "click");
    assert!(
        independently_valid(
            "georedir",
            "k",
            &recorded_from_lines(&headers, body.as_bytes())
        ),
        "the printed signature covers the printed body: {stdout}"
    );

    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret",
        "k",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let request = one_json_line(&stdout);
    assert_eq!(request["type"], "request");
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], url);
    assert!(request["headers"]["X-GeoRedir-Signature"].is_string());
    let body: serde_json::Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["event"], "click");

    assert_eq!(receiver.requests().len(), 0, "a dry run sends nothing");
}

#[test]
fn pinned_dry_runs_are_byte_identical() {
    for extra in [
        &["click", "--secret", "k"][..],
        &[
            "link.clicked",
            "--scheme",
            "standard",
            "--secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ][..],
        &["conversion", "--secret", "k", "--json"][..],
    ] {
        let mut args = vec![
            "send",
            "--url",
            "http://127.0.0.1:9/hook",
            "--dry-run",
            "--seed",
            "5",
            "--timestamp",
            "1700000000",
            "--id",
            "evt_x",
        ];
        args.extend_from_slice(extra);
        let (code, first, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        let (_, second, _) = run(&args);
        assert_eq!(first, second, "{extra:?}");
        assert!(first.contains("2023-11-14T22:13:20Z"), "{first}");
    }
    // The pinned id is the relurl event_id and the Standard Webhooks webhook-id.
    let (_, out, _) = run(&[
        "send",
        "link.clicked",
        "--scheme",
        "standard",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--dry-run",
        "--timestamp",
        "1700000000",
        "--id",
        "evt_x",
        "--color",
        "never",
    ]);
    assert!(out.contains("webhook-id: evt_x"), "{out}");
    assert!(out.contains("webhook-timestamp: 1700000000"), "{out}");
    assert!(out.contains(r#""event_id":"evt_x""#), "{out}");
    // A different seed changes the sample.
    let base = ["send", "click", "--dry-run", "--timestamp", "1700000000"];
    let (_, five, _) = run(&[&base[..], &["--seed", "5"]].concat());
    let (_, six, _) = run(&[&base[..], &["--seed", "6"]].concat());
    assert_ne!(five, six);
}

#[test]
fn set_overrides_reach_the_receiver_signed() {
    let receiver = Receiver::ok();
    let (code, _, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
        "--set",
        "data.country=DE",
        "--set",
        "data.is_unique=false",
        "--set",
        "data.link_id=7",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let req = &receiver.requests()[0];
    let body = req.json();
    assert_eq!(body["data"]["country"], "DE");
    assert_eq!(body["data"]["is_unique"], false);
    assert_eq!(body["data"]["link_id"], 7);
    assert!(independently_valid("georedir", "k", req));
}

#[test]
fn data_is_sent_byte_for_byte_and_the_signature_covers_it() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payload.json");
    let file_body = "{\"a\" : 1,\n  \"b\":[ 1,2 ]}\n";
    std::fs::write(&file, file_body).unwrap();
    let url = receiver.url("/");
    let stripe = "whsec_stripe_test_key";
    let standard = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    // A file, signed with stripe.
    let path = file.to_str().unwrap();
    let (code, _, stderr) = run(&[
        "send", "--data", path, "--url", &url, "--scheme", "stripe", "--secret", stripe,
    ]);
    assert_eq!(code, 0, "{stderr}");
    // The same file as @FILE, signed with github.
    let at_path = format!("@{path}");
    let (code, _, stderr) = run(&[
        "send", "--data", &at_path, "--url", &url, "--scheme", "github", "--secret", "g",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // stdin, signed with standard.
    let stdin_body = "{\"type\":\"ping\"}  \n\n";
    let (code, _, stderr) = run_with_stdin(
        &[
            "send", "--data", "-", "--url", &url, "--scheme", "standard", "--secret", standard,
        ],
        stdin_body,
    );
    assert_eq!(code, 0, "{stderr}");
    // Inline JSON with odd spacing, signed with georedir.
    let inline = r#"{"a" : 1}"#;
    let (code, _, stderr) = run(&["send", "--data", inline, "--url", &url, "--secret", "k"]);
    assert_eq!(code, 0, "{stderr}");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 4);
    let expected = [
        ("stripe", stripe, file_body),
        ("github", "g", file_body),
        ("standard", standard, stdin_body),
        ("georedir", "k", inline),
    ];
    for (req, (scheme, secret, body)) in requests.iter().zip(expected) {
        assert_eq!(
            req.body,
            body.as_bytes(),
            "{scheme}: {:?}",
            String::from_utf8_lossy(&req.body)
        );
        assert!(independently_valid(scheme, secret, req), "{scheme}");
        assert_eq!(req.header("Content-Type"), Some("application/json"));
    }
}

#[test]
fn non_json_data_needs_raw_and_then_goes_as_is() {
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    for bad in ["not json", "{not json"] {
        let result = run(&["send", "--data", bad, "--url", &url, "--secret", "k"]);
        assert_one_line_error(&result, 2, "--raw");
    }
    assert_eq!(receiver.requests().len(), 0);

    let (code, _, stderr) = run(&[
        "send", "--data", "not json", "--raw", "--url", &url, "--secret", "k",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.bin");
    let binary = b"\x00\xff\xfe binary \r\n".to_vec();
    std::fs::write(&file, &binary).unwrap();
    let (code, _, stderr) = run(&[
        "send",
        "--data",
        file.to_str().unwrap(),
        "--raw",
        "--url",
        &url,
        "--secret",
        "k",
    ]);
    assert_eq!(code, 0, "{stderr}");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, b"not json");
    assert_eq!(requests[1].body, binary);
    for req in &requests {
        assert!(independently_valid("georedir", "k", req));
        assert_eq!(req.header("Content-Type"), Some("application/octet-stream"));
    }
}

#[test]
fn extra_headers_arrive_and_verbose_shows_both_sides() {
    let receiver = Receiver::start(vec![Reply::status(202).with_body("queued")]);
    let url = receiver.url("/hook");
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret",
        "k",
        "-H",
        "X-Env: staging",
        "-H",
        "X-Trace:abc",
        "-v",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let req = &receiver.requests()[0];
    assert_eq!(req.header("X-Env"), Some("staging"));
    assert_eq!(req.header("X-Trace"), Some("abc"));
    assert!(independently_valid("georedir", "k", req));
    let signature = req.header("X-GeoRedir-Signature").unwrap();
    for expected in [
        format!("> POST {url}"),
        "> Content-Type: application/json".to_string(),
        format!("> X-GeoRedir-Signature: {signature}"),
        "> X-Env: staging".to_string(),
        "< 202 Accepted".to_string(),
        "< content-length: 6".to_string(),
    ] {
        assert!(
            stdout.lines().any(|l| l == expected),
            "missing line {expected:?} in:\n{stdout}"
        );
    }
    assert!(stdout.contains("queued"), "{stdout}");
    // Without -v, no header lines.
    let (_, quiet, _) = run(&["send", "click", "--url", &url, "--secret", "k"]);
    assert!(
        !quiet
            .lines()
            .any(|l| l.starts_with("> ") || l.starts_with("< ")),
        "{quiet}"
    );
}

#[test]
fn bad_header_is_a_usage_error() {
    let receiver = Receiver::ok();
    let result = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
        "-H",
        "no colon here",
    ]);
    assert_one_line_error(&result, 2, "Name: value");
    // Headers that frame the body are whk's to set, and a value must be sendable: in a
    // single send and in load mode alike.
    for (header, mention) in [
        ("Content-Length: 3", "frames each body itself"),
        ("transfer-encoding: chunked", "frames each body itself"),
        ("X-A: a\u{1b}[31mred", "control character"),
    ] {
        for load in [&[][..], &["--count", "3"]] {
            let url = receiver.url("/");
            let mut args = vec![
                "send", "click", "--url", &url, "--secret", "k", "-H", header,
            ];
            args.extend_from_slice(load);
            assert_one_line_error(&run(&args), 2, mention);
        }
    }
    assert_eq!(receiver.requests().len(), 0);
}

/// Without --scheme, a RELURL event is signed the way RELURL signs (`whk events` says so);
/// a GeoRedir event, and --scheme, are unchanged.
#[test]
fn the_default_scheme_follows_the_events_profile() {
    let dry_run = |args: &[&str]| {
        let mut all = vec![
            "send",
            "--url",
            "http://127.0.0.1:9/x",
            "--secret",
            "s",
            "--dry-run",
        ];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run(&all);
        assert_eq!(code, 0, "{stdout}\n{stderr}");
        stdout
    };
    let relurl = dry_run(&["link.clicked"]);
    assert!(relurl.contains("X-RELURL-Signature: "), "{relurl}");
    assert!(!relurl.contains("X-GeoRedir-Signature"), "{relurl}");
    let georedir = dry_run(&["click"]);
    assert!(georedir.contains("X-GeoRedir-Signature: "), "{georedir}");
    let chosen = dry_run(&["link.clicked", "--scheme", "github"]);
    assert!(chosen.contains("X-Hub-Signature-256: sha256="), "{chosen}");
}

/// A send to an http:// URL never reads the system's certificate store (reqwest used to read
/// all of /etc/ssl/certs when the client was built: ~930 of a send's 1,024 system calls).
/// Needs strace; skipped without it.
#[test]
fn plain_http_sends_read_no_certificate_store() {
    if !has_program("strace") {
        return;
    }
    let receiver = Receiver::ok();
    let traced = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = command("strace");
    cmd.args(["-f", "-e", "trace=openat,open", "-o"])
        .arg(traced.path())
        .args([
            WHK,
            "send",
            "click",
            "--url",
            &receiver.url("/"),
            "--secret",
            "k",
            "-q",
        ]);
    let (code, stdout, stderr) = output_of(&mut limited(cmd));
    if code != 0 && stderr.contains("ptrace") {
        return; // not allowed to trace here
    }
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(receiver.requests().len(), 1);
    let opened = std::fs::read_to_string(traced.path()).unwrap();
    assert!(opened.contains("openat"), "strace saw the opens: {opened}");
    assert!(
        !opened.contains("/etc/ssl") && !opened.contains("/certs"),
        "{opened}"
    );
}
