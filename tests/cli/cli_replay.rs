//! `whk replay` through the real binary against a recording receiver on 127.0.0.1: captures
//! built by hand, sent again as they were or signed afresh.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::captures::*;
use crate::support::{self, *};

/// Headers that belong to one connection: whk must not copy them from a capture.
const HOP_BY_HOP: &[&str] = &["host", "content-length", "transfer-encoding", "connection"];

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn replay(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["replay", "--color", "never"];
    all.extend_from_slice(args);
    let result = run(&all);
    assert_no_panic(&result.1, &result.2);
    result
}

/// How often a header name occurs in a received request.
fn count(req: &support::Recorded, name: &str) -> usize {
    req.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .count()
}

/// The received request with this body (each test gives every capture its own body).
fn received_with_body<'a>(received: &'a [support::Recorded], body: &[u8]) -> &'a support::Recorded {
    let matching: Vec<_> = received.iter().filter(|r| r.body == body).collect();
    assert_eq!(
        matching.len(),
        1,
        "expected exactly one delivery of {:?}",
        String::from_utf8_lossy(body)
    );
    matching[0]
}

#[test]
fn replay_sends_method_headers_and_body_unchanged() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();

    let georedir = Req::signed("georedir", &click_body(1));
    // A Stripe delivery from 2020: stale, but replayed as it was, old signature and all.
    let mut stripe = Req::post(
        &click_body(2),
        sign("stripe", SECRET, &click_body(2), T2020, ""),
    );
    stripe.headers.push(("X-Custom".into(), "keep me".into()));
    let mut standard = Req::signed("standard", &click_body(3));
    standard.method = "PUT".into();
    standard.query = Some("attempt=2".into());
    let binary: Vec<u8> = (0..=255u8).collect();
    let shopify = Req::signed("shopify", &binary);
    let captures = dir.path().join("caps.jsonl");
    write(
        &captures,
        jsonl(&[
            georedir.clone(),
            stripe.clone(),
            standard.clone(),
            shopify.clone(),
        ]),
    );
    // A raw chunked dump and a HAR file (base64 postData for the second entry).
    let github = Req::signed("github", &click_body(4));
    let raw = dir.path().join("dump.http");
    write(&raw, github.raw_http(Some(33)));
    let relurl = Req::signed("relurl", &click_body(5));
    let slack = Req::signed("slack", &click_body(6));
    let har_file = dir.path().join("site.har");
    write(&har_file, har(&[relurl.clone(), slack.clone()]));

    let (code, stdout, stderr) = replay(&[
        path_str(&captures),
        path_str(&raw),
        path_str(&har_file),
        "--url",
        &receiver.url("/replayed"),
        "-H",
        "X-Replay: 1",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    for source in ["caps.jsonl:1", "caps.jsonl:4", "dump.http", "site.har#2"] {
        assert!(stdout.contains(source), "{source} not named:\n{stdout}");
    }
    assert_eq!(stdout.matches("200 OK").count(), 7, "{stdout}");

    let received = receiver.requests();
    assert_eq!(received.len(), 7);
    let all = [
        (&georedir, "georedir"),
        (&stripe, "stripe"),
        (&standard, "standard"),
        (&shopify, "shopify"),
        (&github, "github"),
        (&relurl, "relurl"),
        (&slack, "slack"),
    ];
    for (original, scheme) in all {
        let got = received_with_body(&received, &original.body);
        assert_eq!(got.method, original.method, "{scheme}");
        assert_eq!(got.path, "/replayed", "{scheme}");
        for (name, value) in &original.headers {
            if HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                continue;
            }
            assert_eq!(count(got, name), 1, "{scheme}: {name} in {:?}", got.headers);
            assert_eq!(got.header(name), Some(value.as_str()), "{scheme}: {name}");
        }
        // Framing is the new connection's own, exactly once.
        assert_eq!(count(got, "Host"), 1, "{:?}", got.headers);
        assert_eq!(
            got.header("Host"),
            Some(format!("127.0.0.1:{}", receiver.port).as_str())
        );
        assert_eq!(count(got, "Content-Length"), 1, "{:?}", got.headers);
        assert_eq!(
            got.header("Content-Length"),
            Some(original.body.len().to_string().as_str())
        );
        assert_eq!(count(got, "Transfer-Encoding"), 0, "{:?}", got.headers);
        assert_eq!(got.header("X-Replay"), Some("1"));
        if scheme != "stripe" {
            assert!(independently_valid(scheme, SECRET, got), "{scheme}");
        }
    }
    let stale = received_with_body(&received, &stripe.body);
    assert!(
        stale
            .header("Stripe-Signature")
            .unwrap()
            .starts_with("t=1577836800,"),
        "without --resign the old timestamp goes out"
    );
    assert!(independently_valid("stripe", SECRET, stale));
}

#[test]
fn resign_makes_a_stale_delivery_fresh_for_every_scheme() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    // Every scheme, signed in 2020 with an old secret.
    let reqs: Vec<Req> = SCHEMES
        .iter()
        .enumerate()
        .map(|(n, scheme)| {
            let body = click_body(n);
            let mut r = Req::post(
                &body,
                sign(
                    scheme,
                    "whsec_b2xkIHNlY3JldCBmcm9tIDIwMjA=",
                    &body,
                    T2020,
                    "msg_2020",
                ),
            );
            r.received_at = T2020;
            r
        })
        .collect();
    let captures = dir.path().join("old.jsonl");
    write(&captures, jsonl(&reqs));

    // As captured, they are stale (and signed with another secret).
    let (code, _, _) = run(&["verify", path_str(&captures), "--secret", SECRET]);
    assert_eq!(code, 1);

    let before = unix_now();
    let (code, stdout, stderr) = replay(&[
        path_str(&captures),
        "--url",
        &receiver.url("/hook"),
        "--resign",
        "--secret",
        SECRET,
    ]);
    let after = unix_now();
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    let received = receiver.requests();
    assert_eq!(received.len(), 7);
    for (req, scheme) in reqs.iter().zip(SCHEMES) {
        let got = received_with_body(&received, &req.body);
        assert!(
            independently_valid(scheme, SECRET, got),
            "{scheme}: re-signed delivery does not verify: {:?}",
            got.headers
        );
        let timestamp = match scheme {
            "stripe" => got
                .header("Stripe-Signature")
                .and_then(|v| v.split(',').find_map(|p| p.strip_prefix("t=")))
                .map(str::to_string),
            "standard" => got.header("webhook-timestamp").map(str::to_string),
            "slack" => got.header("X-Slack-Request-Timestamp").map(str::to_string),
            _ => None,
        };
        if let Some(t) = timestamp {
            let t: i64 = t.parse().unwrap();
            assert!(
                (before - 5..=after + 5).contains(&t),
                "{scheme}: t={t} is not fresh ({before}..{after})"
            );
        }
        // The old signature headers are gone, not sent next to the new ones.
        for (name, _) in sign(scheme, SECRET, b"", 0, "x") {
            assert_eq!(
                count(got, &name),
                1,
                "{scheme}: {name} in {:?}",
                got.headers
            );
        }
        if scheme == "standard" {
            assert_eq!(got.header("webhook-id"), Some("msg_2020"), "the id is kept");
        }
        // The other headers are as captured.
        assert_eq!(got.header("User-Agent"), Some("Provider-Webhooks/1.0"));
    }
    // The fresh deliveries pass whk verify too (a full round trip through the capture path).
    let round_trip: Vec<Req> = received
        .iter()
        .map(|r| {
            let mut req = Req::post(&r.body, Vec::new());
            req.headers = r.headers.clone();
            req
        })
        .collect();
    let fresh = dir.path().join("fresh.jsonl");
    write(&fresh, jsonl(&round_trip));
    let (code, stdout, stderr) = run(&["verify", path_str(&fresh), "--secret", SECRET]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");

    // The custom scheme is re-signed into its own header when named.
    let custom = Req::post(
        &click_body(50),
        vec![("X-Signature".into(), "sha256=00".into())],
    );
    let custom_file = dir.path().join("custom.json");
    write(&custom_file, custom.capture("c").to_string());
    let receiver = Receiver::ok();
    let url = receiver.url("/c");
    let mut args = vec![
        path_str(&custom_file),
        "--url",
        &url,
        "--resign",
        "--secret",
        SECRET,
    ];
    args.extend(CUSTOM_FLAGS);
    let (code, _, stderr) = replay(&args);
    assert_eq!(code, 0, "{stderr}");
    let got = &receiver.requests()[0];
    assert_eq!(count(got, "X-Signature"), 1);
    let expected = sign("custom", SECRET, &custom.body, 0, "");
    assert_eq!(got.header("X-Signature"), Some(expected[0].1.as_str()));

    // --resign with no secret is a usage error, and nothing is sent.
    let receiver = Receiver::ok();
    let result = replay(&[path_str(&captures), "--url", &receiver.url("/"), "--resign"]);
    assert_one_line_error(&result, 2, "--secret");
    assert!(receiver.requests().is_empty());
}

#[test]
fn concurrency_delivers_every_capture_exactly_once() {
    // Each answer takes 200 ms: 50 one after another would take 10 s.
    let receiver = Receiver::start(vec![
        Reply::status(200)
            .with_body("ok")
            .after(Duration::from_millis(200)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let reqs: Vec<Req> = (0..50)
        .map(|n| Req::signed(SCHEMES[n % SCHEMES.len()], &click_body(n)))
        .collect();
    let captures = dir.path().join("fifty.jsonl");
    write(&captures, jsonl(&reqs));

    let started = Instant::now();
    let (code, stdout, stderr) = replay(&[
        path_str(&captures),
        "--url",
        &receiver.url("/load"),
        "--concurrency",
        "8",
        "--json",
    ]);
    let elapsed = started.elapsed();
    assert_eq!(
        code,
        0,
        "{stderr} (the receiver got {} requests in {elapsed:?})",
        receiver.requests().len()
    );
    assert!(
        elapsed < Duration::from_secs(6),
        "8 at a time should take about 1.3 s, took {elapsed:?}"
    );

    assert_eq!(
        receiver.peak_in_flight(),
        8,
        "--concurrency 8 should keep exactly 8 in flight at the peak"
    );

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for req in receiver.requests() {
        let click = req.json()["data"]["click_id"].as_str().unwrap().to_string();
        *seen.entry(click).or_default() += 1;
    }
    assert_eq!(seen.len(), 50, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "duplicates: {seen:?}");

    // One JSON object per delivery, each naming its source line once.
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 50, "{stdout}");
    let mut sources: Vec<String> = lines
        .iter()
        .map(|l| {
            assert_eq!(l["type"], "delivery", "{l}");
            assert_eq!(l["ok"], true, "{l}");
            assert_eq!(l["status"], 200, "{l}");
            l["source"].as_str().expect("a source").to_string()
        })
        .collect();
    sources.sort();
    let mut expected: Vec<String> = (1..=50)
        .map(|n| format!("{}:{n}", captures.display()))
        .collect();
    expected.sort();
    assert_eq!(sources, expected);
}

#[test]
fn a_non_2xx_answer_exits_1_and_a_closed_port_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("one.json");
    write(
        &capture,
        Req::signed("github", &click_body(1))
            .capture("one")
            .to_string(),
    );
    let file = path_str(&capture);

    let receiver = Receiver::start(vec![Reply::status(500).with_body("boom")]);
    let url = receiver.url("/");
    let (code, stdout, stderr) = replay(&[file, "--url", &url]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("500"), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");

    let (code, stdout, _) = replay(&[file, "--url", &url, "--json"]);
    assert_eq!(code, 1);
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[0]["status"], 500);
    assert_eq!(lines[0]["source"], file);

    // Expecting the failure turns it into a pass.
    let (code, _, stderr) = replay(&[file, "--url", &url, "--expect-status", "5xx"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(receiver.requests().len(), 3);

    // Nothing listening: a network error, exit 3, reported per delivery in --json.
    let closed = closed_port_url();
    let result = replay(&[file, "--url", &closed, "--timeout", "5s"]);
    assert_one_line_error(&result, 3, "no answer");
    let (code, stdout, _) = replay(&[file, "--url", &closed, "--timeout", "5s", "--json"]);
    assert_eq!(code, 3);
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[0]["source"], file);
    assert!(lines[0]["error"].is_string(), "{}", lines[0]);
}

#[test]
fn unreadable_captures_send_nothing() {
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    let dir = tempfile::tempdir().unwrap();
    let good = Req::signed("georedir", &click_body(1));
    let lines = jsonl(&[good.clone(), good.clone()]);
    let cut = dir.path().join("cut.jsonl");
    write(&cut, &lines.as_bytes()[..lines.len() - 100]);
    let raw = good.raw_http(None);
    let cut_raw = dir.path().join("cut.http");
    write(&cut_raw, &raw[..raw.len() - 10]);
    let empty = dir.path().join("empty.json");
    write(&empty, b"");
    let garbage = dir.path().join("garbage.bin");
    write(&garbage, [0u8, 159, 146, 150, 255, 1, 2, 3]);

    for (file, mention) in [
        (&cut, "cut.jsonl:2"),
        (&cut_raw, "truncated"),
        (&empty, "is empty"),
        (&garbage, "is not a whk capture"),
    ] {
        let result = replay(&[path_str(file), "--url", &url]);
        assert_one_line_error(&result, 2, mention);
    }
    let result = replay(&[path_str(&dir.path().join("missing.json")), "--url", &url]);
    assert_one_line_error(&result, 2, "cannot read");
    // The whole input is read before anything is sent: the good first line did not go out.
    assert!(receiver.requests().is_empty());

    // No URL is a usage error.
    let good_file = dir.path().join("good.json");
    write(&good_file, good.capture("g").to_string());
    let result = replay(&[path_str(&good_file)]);
    assert_one_line_error(&result, 2, "--url");
}

#[test]
fn replay_reads_captures_from_stdin() {
    let receiver = Receiver::ok();
    let reqs = [
        Req::signed("standard", &click_body(1)),
        Req::signed("slack", &click_body(2)),
    ];
    let result = run_with_stdin(
        &["replay", "-", "--url", &receiver.url("/in"), "--json"],
        &jsonl(&reqs),
    );
    assert_eq!(result.0, 0, "{}", result.2);
    let sources: Vec<String> = json_lines(&result.1)
        .iter()
        .map(|l| l["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sources.len(), 2);
    assert!(sources.contains(&"stdin:1".to_string()), "{sources:?}");
    let received = receiver.requests();
    for (req, scheme) in reqs.iter().zip(["standard", "slack"]) {
        assert!(independently_valid(
            scheme,
            SECRET,
            received_with_body(&received, &req.body)
        ));
    }
}

#[test]
fn captured_event_names_and_file_names_are_escaped_in_human_output() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let event = "click\u{202e}kcilc\u{1b}[2J\u{200b}";
    let body = serde_json::to_vec(&serde_json::json!({
        "event": event,
        "data": {"click_id": "clk_1"},
    }))
    .unwrap();
    let file = dir.path().join("evil\u{202e}lmth.jsonl");
    write(&file, jsonl(&[Req::signed("georedir", &body)]));
    let file = path_str(&file);
    let unsafe_chars = ['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}'];

    let (code, stdout, stderr) = replay(&[file, "--url", &receiver.url("/"), "-v"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(unsafe_chars), "{}", text.escape_debug());
    }
    assert!(
        stdout.contains(r"click\u{202e}kcilc\u{1b}[2J\u{200b}"),
        "{stdout}"
    );
    assert!(stdout.contains(r"evil\u{202e}lmth.jsonl"), "{stdout}");
    assert_eq!(
        receiver.requests()[0].body,
        body,
        "the body went byte for byte"
    );

    // --json keeps the exact values.
    let (code, stdout, stderr) = replay(&[file, "--url", &receiver.url("/"), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines[0]["event"], event, "{stdout}");
    assert!(
        lines[0]["source"].as_str().unwrap().starts_with(file),
        "{stdout}"
    );

    // An error line that names the file shows it escaped, and stays one line.
    let unsigned = dir.path().join("tab\there\u{202e}.jsonl");
    write(&unsigned, jsonl(&[Req::post(&body, Vec::new())]));
    let result = replay(&[
        path_str(&unsigned),
        "--url",
        &receiver.url("/"),
        "--resign",
        "--secret",
        "s",
    ]);
    assert_one_line_error(&result, 2, r"tab\there\u{202e}.jsonl");
    assert!(
        !result.2.contains(unsafe_chars),
        "{}",
        result.2.escape_debug()
    );
    assert_eq!(
        receiver.requests().len(),
        2,
        "the unsigned capture was not sent"
    );
}
