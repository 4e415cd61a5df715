//! `whk listen` through the real binary: deliveries from `whk send` and from a hand-written
//! HTTP/1.1 client on 127.0.0.1, checked in the saved captures, on stdout and in the answers.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use crate::support::*;

/// One secret that works for every scheme: Standard Webhooks decodes it, the others use the
/// whole string.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// `whk send … --json`: (exit code, the delivery report).
fn send(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["send", "--json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(&all);
    let report = stdout
        .lines()
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
        .unwrap_or_else(|| panic!("whk send printed no JSON (exit {code}):\n{stdout}\n{stderr}"));
    (code, report)
}

/// The body bytes a capture holds, from `body` or `body_base64`.
fn capture_body(capture: &Value) -> Vec<u8> {
    match (capture["body"].as_str(), capture["body_base64"].as_str()) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(encoded)) => B64.decode(encoded).expect("body_base64 is base64"),
        other => panic!("a capture holds exactly one of body/body_base64: {other:?}"),
    }
}

fn header_names(capture: &Value) -> Vec<String> {
    capture["headers"]
        .as_array()
        .expect("headers is an array")
        .iter()
        .map(|pair| pair[0].as_str().expect("a header name").to_string())
        .collect()
}

fn capture_header<'a>(capture: &'a Value, name: &str) -> Option<&'a str> {
    capture["headers"]
        .as_array()?
        .iter()
        .find(|pair| {
            pair[0]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .and_then(|pair| pair[1].as_str())
}

/// The files in a --save directory: (file name, parsed capture).
fn saved_files(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<(String, Value)> = std::fs::read_dir(dir)
        .expect("the save directory exists")
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{name} is not one JSON capture ({err}): {text}"));
            (name, value)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The fields every capture has, with their types.
fn assert_capture_shape(capture: &Value) {
    for key in [
        "id",
        "received_at",
        "remote_addr",
        "method",
        "path",
        "query",
        "headers",
        "body_sha256",
        "body_size",
        "event",
        "duplicate",
        "signature",
        "response",
    ] {
        assert!(capture.get(key).is_some(), "capture lacks {key}: {capture}");
    }
    assert_eq!(capture["type"], "delivery");
    assert!(capture["id"].as_str().is_some_and(|id| !id.is_empty()));
    let received = capture["received_at"].as_str().unwrap();
    assert!(
        received.contains('T') && received.ends_with('Z'),
        "{received}"
    );
    assert!(
        capture["remote_addr"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{capture}"
    );
    let body = capture_body(capture);
    assert_eq!(capture["body_sha256"], sha256_hex(&body), "{capture}");
    assert_eq!(capture["body_size"], body.len());
    assert!(capture["duplicate"].is_boolean());
    assert!(capture["response"]["status"].is_u64());
}

#[test]
fn deliveries_are_saved_one_file_each_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("caps");
    let mut listener = Listener::start(&["--json", "--save", save.to_str().unwrap()]);

    // 1. whk send, signed with georedir.
    let (code, report) = send(&[
        "click",
        "--url",
        &listener.url("/hooks/geo?src=test&n=1"),
        "--secret",
        "k",
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["status"], 200);

    // 2. A hand-written request: header order and spelling must survive.
    let raw_body = br#"{"hello":"raw","n":[1,2,3]}"#;
    let raw = [
        "POST /raw/path?a=1&b=two HTTP/1.1\r\n",
        &format!("Host: 127.0.0.1:{}\r\n", listener.port),
        "X-First: 1\r\n",
        "content-TYPE: application/json\r\n",
        "X-Last: z\r\n",
        &format!("Content-Length: {}\r\n", raw_body.len()),
        "Connection: close\r\n\r\n",
    ]
    .concat();
    let reply = exchange(listener.port, &[raw.as_bytes(), raw_body].concat());
    assert_eq!(reply.status, 200);

    // 3. A body that is not UTF-8.
    let binary: Vec<u8> = vec![0xff, 0x00, 0xfe, 0x1b, b'A', 0x80, b'\n', 0xc3];
    let reply = post(
        listener.port,
        "/bin",
        &[("Content-Type", "application/octet-stream")],
        &binary,
    );
    assert_eq!(reply.status, 200);

    let printed = listener.wait_for_captures(3);
    assert_eq!(printed.len(), 3);
    let files = saved_files(&save);
    assert_eq!(files.len(), 3, "one file per delivery: {files:?}");
    for (name, capture) in &files {
        assert_capture_shape(capture);
        assert_eq!(name, &format!("{}.json", capture["id"].as_str().unwrap()));
        let same = printed.iter().find(|p| p["id"] == capture["id"]);
        assert_eq!(same, Some(capture), "stdout and file hold the same capture");
        assert_eq!(capture["signature"], Value::Null, "no --secret given");
        assert_eq!(capture["response"], json!({"status": 200, "body": ""}));
    }
    let by_path: BTreeMap<&str, &Value> = files
        .iter()
        .map(|(_, c)| (c["path"].as_str().unwrap(), c))
        .collect();

    let sent = by_path["/hooks/geo"];
    assert_eq!(sent["method"], "POST");
    assert_eq!(sent["query"], "src=test&n=1");
    assert_eq!(sent["event"], "click");
    assert_eq!(sent["duplicate"], false);
    let body = capture_body(sent);
    assert!(sent["body"].is_string() && sent.get("body_base64").is_none());
    assert_eq!(
        capture_header(sent, "X-GeoRedir-Signature"),
        Some(hmac_hex(b"k", &body).as_str()),
        "the saved body is exactly the signed bytes"
    );

    let raw_capture = by_path["/raw/path"];
    assert_eq!(raw_capture["query"], "a=1&b=two");
    assert_eq!(raw_capture["event"], Value::Null);
    assert_eq!(capture_body(raw_capture), raw_body);
    assert_eq!(raw_capture["body_sha256"], sha256_hex(raw_body));
    assert_eq!(
        header_names(raw_capture),
        [
            "Host",
            "X-First",
            "content-TYPE",
            "X-Last",
            "Content-Length",
            "Connection"
        ],
        "headers in arrival order, names as sent"
    );
    assert_eq!(capture_header(raw_capture, "X-Last"), Some("z"));

    let bin = by_path["/bin"];
    assert!(bin.get("body").is_none(), "{bin}");
    assert_eq!(
        B64.decode(bin["body_base64"].as_str().unwrap()).unwrap(),
        binary
    );
    assert_eq!(bin["body_sha256"], sha256_hex(&binary));
    assert_eq!(bin["body_size"], binary.len());

    assert!(listener.is_running());
}

#[test]
fn jsonl_save_appends_one_whole_line_per_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("caps.jsonl");
    std::fs::write(&file, "{\"type\":\"earlier\"}\n").unwrap();
    let mut listener =
        Listener::start(&["--json", "--save", file.to_str().unwrap(), "--count", "2"]);
    let (code, report) = send(&["conversion", "--url", &listener.url("/a"), "--secret", "k"]);
    assert_eq!(code, 0, "{report}");
    let reply = post(listener.port, "/b?x=1", &[], &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(reply.status, 200);
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0]["type"], "earlier", "existing lines are kept");
    for capture in &lines[1..] {
        assert_capture_shape(capture);
    }
    assert_eq!(lines[1]["event"], "conversion");
    assert_eq!(lines[2]["path"], "/b");
    assert_eq!(capture_body(&lines[2]), [0xde, 0xad, 0xbe, 0xef]);

    let printed: Vec<Value> = exited
        .json_lines()
        .into_iter()
        .filter(|v| v["type"] == "delivery")
        .collect();
    assert_eq!(
        printed,
        lines[1..],
        "one capture object per delivery on stdout"
    );
    assert_eq!(exited.summary()["deliveries"], 2);
}

#[test]
fn signatures_are_verified_with_the_detected_scheme() {
    let listener = Listener::start(&["--json", "--secret", SECRET]);
    for (scheme, event) in [
        ("georedir", "click"),
        ("stripe", "conversion"),
        ("standard", "link.created"),
        ("github", "link.updated"),
    ] {
        let path = format!("/{scheme}");
        let (code, report) = send(&[
            event,
            "--url",
            &listener.url(&path),
            "--secret",
            SECRET,
            "--scheme",
            scheme,
        ]);
        assert_eq!(code, 0, "{scheme}: {report}");
    }
    // Signed for other bytes than the ones sent.
    let signed_for = br#"{"event":"click","data":{"click_id":"c-1","revenue":1}}"#;
    let sent = br#"{"event":"click","data":{"click_id":"c-1","revenue":9}}"#;
    let signature = hmac_hex(SECRET.as_bytes(), signed_for);
    let reply = post(
        listener.port,
        "/tampered",
        &[("X-GeoRedir-Signature", &signature)],
        sent,
    );
    assert_eq!(reply.status, 200, "listen records, it does not reject");
    // Not signed at all.
    let reply = post(listener.port, "/unsigned", &[], br#"{"event":"click"}"#);
    assert_eq!(reply.status, 200);

    let captures = listener.wait_for_captures(6);
    let by_path: BTreeMap<&str, &Value> = captures
        .iter()
        .map(|c| (c["path"].as_str().unwrap(), c))
        .collect();
    for scheme in ["georedir", "stripe", "standard", "github"] {
        let capture = by_path[format!("/{scheme}").as_str()];
        assert_eq!(
            capture["signature"],
            json!({"scheme": scheme, "valid": true}),
            "{capture}"
        );
    }
    let tampered = &by_path["/tampered"]["signature"];
    assert_eq!(tampered["scheme"], "georedir");
    assert_eq!(tampered["valid"], false);
    assert!(
        tampered["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{tampered}"
    );
    let unsigned = &by_path["/unsigned"]["signature"];
    assert_eq!(unsigned["valid"], false);
    assert!(
        unsigned["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no signature header")),
        "{unsigned}"
    );
}

#[test]
fn require_valid_fails_on_one_bad_signature_and_passes_when_all_are_good() {
    let mut bad = Listener::start(&["--json", "--secret", "k", "--require-valid", "--count", "2"]);
    let (code, _) = send(&["click", "--url", &bad.url("/"), "--secret", "k"]);
    assert_eq!(code, 0);
    let (code, _) = send(&["click", "--url", &bad.url("/"), "--secret", "wrong"]);
    assert_eq!(code, 0, "the listener still answers 200");
    let exited = bad.wait_exit();
    assert_eq!(exited.code, Some(1), "{}", exited.stderr);
    assert!(
        exited.stderr.contains("1 of 2") && exited.stderr.contains("--require-valid"),
        "{}",
        exited.stderr
    );
    let summary = exited.summary();
    assert_eq!(
        (&summary["valid"], &summary["invalid"]),
        (&json!(1), &json!(1))
    );

    let mut good = Listener::start(&["--json", "--secret", "k", "--require-valid", "--count", "2"]);
    for event in ["click", "conversion"] {
        let (code, _) = send(&[event, "--url", &good.url("/"), "--secret", "k"]);
        assert_eq!(code, 0);
    }
    let exited = good.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    assert_eq!(exited.summary()["valid"], 2);
}

#[test]
fn require_valid_without_a_secret_is_a_usage_error() {
    let (code, stdout, stderr) = run(&[
        "listen",
        "--port",
        "0",
        "--require-valid",
        "--timeout",
        "2s",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("--secret"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn count_exits_0_after_n_deliveries() {
    let mut listener = Listener::start(&["--json", "--count", "3"]);
    for event in ["click", "conversion", "link.created"] {
        let (code, report) = send(&[event, "--url", &listener.url("/"), "--secret", "k"]);
        assert_eq!(code, 0, "{event}: {report}");
        assert_eq!(report["status"], 200);
    }
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    let summary = exited.summary();
    assert_eq!(summary["deliveries"], 3);
    assert_eq!(
        summary["by_event"],
        json!({"click": 1, "conversion": 1, "link.created": 1})
    );
}

/// The delivery that completes --count is still answered before the listener exits (the
/// sender would otherwise see a dropped connection and retry an acknowledged delivery).
#[test]
fn the_last_counted_delivery_is_answered_before_exit() {
    for round in 0..40 {
        let mut listener = Listener::start(&["--json", "--count", "1"]);
        let body = format!(r#"{{"event":"click","data":{{"click_id":"round-{round}"}}}}"#);
        let reply = try_exchange(
            listener.port,
            &request_bytes(listener.port, "POST", "/", &[], body.as_bytes(), false),
        );
        let exited = listener.wait_exit();
        assert_eq!(exited.code, Some(0), "{}", exited.stderr);
        match reply {
            Ok(reply) => assert_eq!(reply.status, 200, "round {round}"),
            Err(err) => panic!("round {round}: the counted delivery got no answer: {err}"),
        }
    }
}

#[test]
fn the_last_counted_delivery_is_answered_after_its_delay() {
    let mut listener = Listener::start(&["--json", "--count", "1", "--delay", "300ms"]);
    let reply = try_exchange(
        listener.port,
        &request_bytes(listener.port, "POST", "/", &[], b"{}", false),
    );
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    assert_eq!(reply.expect("the counted delivery is answered").status, 200);
}

#[test]
fn count_with_timeout_exits_1_and_says_how_many_arrived() {
    let mut listener = Listener::start(&["--count", "3", "--timeout", "1s"]);
    let reply = post(listener.port, "/", &[], b"{}");
    assert_eq!(reply.status, 200);
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(1), "{}", exited.stderr);
    assert!(
        exited.stderr.contains("only 1 of 3 deliveries"),
        "{}",
        exited.stderr
    );
}

#[test]
fn timeout_without_count_exits_0_with_a_summary() {
    let mut listener = Listener::start(&["--json", "--timeout", "300ms"]);
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    assert_eq!(exited.summary()["deliveries"], 0);

    let mut human = Listener::start(&["--color", "never", "--timeout", "300ms"]);
    let exited = human.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    assert!(
        exited
            .stderr
            .contains("0 deliveries: 0 valid, 0 invalid, 0 duplicates"),
        "{}",
        exited.stderr
    );
    assert!(exited.stdout.is_empty(), "the text summary goes to stderr");
}

#[test]
fn fail_first_lets_a_retrying_sender_through_on_the_third_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(&[
        "--json",
        "--fail-first",
        "2",
        "--save",
        dir.path().to_str().unwrap(),
    ]);
    let (code, report) = send(&[
        "click",
        "--url",
        &listener.url("/"),
        "--secret",
        "k",
        "--retries",
        "3",
        "--backoff",
        "20ms",
    ]);
    assert_eq!(code, 0, "{report}");
    let statuses: Vec<&Value> = report["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(500), &json!(200)]);

    let mut captures = listener.wait_for_captures(3);
    captures.sort_by_key(|c| c["id"].as_str().unwrap().to_string());
    assert_eq!(saved_files(dir.path()).len(), 3);
    let answered: Vec<&Value> = captures.iter().map(|c| &c["response"]["status"]).collect();
    assert_eq!(answered, [&json!(500), &json!(500), &json!(200)]);
    let duplicates: Vec<&Value> = captures.iter().map(|c| &c["duplicate"]).collect();
    assert_eq!(duplicates, [&json!(false), &json!(true), &json!(true)]);
    let bodies: HashSet<Vec<u8>> = captures.iter().map(capture_body).collect();
    assert_eq!(bodies.len(), 1, "the same delivery, retried");
}

#[test]
fn status_sequence_plays_in_order_and_response_body_comes_back() {
    let listener = Listener::start(&["--json", "--status", "500,200"]);
    let statuses: Vec<u16> = (0..3)
        .map(|i| post(listener.port, &format!("/{i}"), &[], b"{}").status)
        .collect();
    assert_eq!(
        statuses,
        [500, 200, 200],
        "played in order, the last repeating"
    );

    let listener = Listener::start(&["--json", "--response-body", r#"{"ok":1}"#]);
    let (code, report) = send(&["click", "--url", &listener.url("/"), "--secret", "k"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["response_body"], r#"{"ok":1}"#);
    let reply = post(listener.port, "/", &[], b"{}");
    assert_eq!(reply.body, br#"{"ok":1}"#);
    assert_eq!(reply.header("Content-Type"), Some("application/json"));
    let captures = listener.wait_for_captures(2);
    assert_eq!(captures[1]["response"]["body"], r#"{"ok":1}"#);
}

#[test]
fn events_filter_saves_only_those_events_and_still_answers_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(&[
        "--json",
        "--events",
        "conversion",
        "--save",
        dir.path().to_str().unwrap(),
    ]);
    let (code, report) = send(&["click", "--url", &listener.url("/"), "--secret", "k"]);
    assert_eq!((code, &report["status"]), (0, &json!(200)));
    let reply = post(listener.port, "/", &[], br#"{"event":"click"}"#);
    assert_eq!(reply.status, 200);
    let (code, report) = send(&["conversion", "--url", &listener.url("/"), "--secret", "k"]);
    assert_eq!((code, &report["status"]), (0, &json!(200)));

    let captures = listener.wait_for_captures(1);
    assert_eq!(captures.len(), 1, "{captures:?}");
    assert_eq!(captures[0]["event"], "conversion");
    let files = saved_files(dir.path());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1["event"], "conversion");
}

#[test]
fn forward_to_passes_the_delivery_on_and_answers_with_the_apps_response() {
    let app = Receiver::start(vec![Reply::status(201).with_body("made")]);
    let app_base = app.url("");
    let listener = Listener::start(&["--json", "--forward-to", &app_base]);

    let body = br#"{"event":"click","data":{"click_id":"fw-1"}}"#;
    let signature = hmac_hex(b"k", body);
    let reply = exchange(
        listener.port,
        &request_bytes(
            listener.port,
            "PUT",
            "/hooks/x?a=1&b=two",
            &[
                ("Content-Type", "application/json"),
                ("X-GeoRedir-Signature", &signature),
            ],
            body,
            false,
        ),
    );
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body, b"made");

    let (code, report) = send(&[
        "conversion",
        "--url",
        &listener.url("/hooks/y"),
        "--secret",
        "k",
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["status"], 201);
    assert_eq!(report["response_body"], "made");

    let received = app.requests();
    assert_eq!(received.len(), 2);
    let first = &received[0];
    assert_eq!(first.method, "PUT");
    assert_eq!(first.path, "/hooks/x?a=1&b=two");
    assert_eq!(first.body, body);
    assert_eq!(
        first.header("X-GeoRedir-Signature"),
        Some(signature.as_str())
    );
    let second = &received[1];
    assert_eq!(second.path, "/hooks/y");
    assert!(independently_valid("georedir", "k", second));

    let captures = listener.wait_for_captures(2);
    let forward = &captures[0]["forward"];
    assert_eq!(forward["status"], 201, "{forward}");
    assert_eq!(forward["body"], "made");
    assert!(
        forward["url"]
            .as_str()
            .is_some_and(|u| u.starts_with(&app_base) && u.ends_with("/hooks/x?a=1&b=two")),
        "{forward}"
    );
    assert_eq!(captures[0]["response"]["status"], 201);
}

#[test]
fn forward_to_a_closed_port_answers_502_and_keeps_listening() {
    let closed = closed_port_url();
    let mut listener = Listener::start(&["--json", "--forward-to", &closed]);
    for round in 0..2 {
        let reply = post(listener.port, "/hook", &[], br#"{"event":"click"}"#);
        assert_eq!(reply.status, 502, "round {round}");
        let text = reply.text();
        assert!(
            text.contains("cannot reach your app") && text.contains(&closed),
            "{text}"
        );
    }
    assert!(listener.is_running());
    let captures = listener.wait_for_captures(2);
    let forward = &captures[0]["forward"];
    assert_eq!(forward["error"], "refused", "{forward}");
    assert_eq!(captures[0]["response"]["status"], 502);
}

#[test]
fn oversized_bodies_get_413_and_the_listener_carries_on() {
    let mut listener = Listener::start(&["--json", "--max-body", "1KiB", "--count", "2"]);
    let big = vec![b'x'; 64 * 1024];
    let reply = post(listener.port, "/big", &[], &big);
    assert_eq!(reply.status, 413);
    assert!(reply.text().contains("--max-body"), "{}", reply.text());

    let reply = post(listener.port, "/small", &[], br#"{"event":"click"}"#);
    assert_eq!(reply.status, 200);

    let mut chunked = format!(
        "POST /chunked HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        listener.port
    )
    .into_bytes();
    for _ in 0..8 {
        chunked.extend_from_slice(b"200\r\n");
        chunked.extend_from_slice(&[b'y'; 0x200]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let reply = exchange(listener.port, &chunked);
    assert_eq!(reply.status, 413, "a chunked body above the limit");

    let reply = post(listener.port, "/small-again", &[], b"{}");
    assert_eq!(reply.status, 200);

    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    let summary = exited.summary();
    assert_eq!(summary["deliveries"], 2);
    assert_eq!(summary["refused"], 2);
    let paths: Vec<Value> = exited
        .json_lines()
        .into_iter()
        .filter(|v| v["type"] == "delivery")
        .map(|v| v["path"].clone())
        .collect();
    assert_eq!(paths, [json!("/small"), json!("/small-again")]);
    let refusals: Vec<Value> = exited
        .json_lines()
        .into_iter()
        .filter(|v| v["type"] == "refused")
        .collect();
    assert_eq!(refusals.len(), 2, "one JSON line per refusal");
    for (refusal, target) in refusals.iter().zip(["/big", "/chunked"]) {
        assert_eq!(refusal["status"], 413, "{refusal}");
        assert_eq!(refusal["reason"], "body_too_large", "{refusal}");
        assert_eq!(refusal["target"], target, "{refusal}");
    }
    assert_eq!(summary["refusals"], json!({"body_too_large": 2}));
}

#[test]
fn malformed_requests_get_400_and_the_listener_carries_on() {
    let mut listener = Listener::start(&["--json"]);
    let reply = exchange(listener.port, b"GARBAGE\r\n\r\n");
    assert_eq!(reply.status, 400);
    let reply = exchange(
        listener.port,
        b"POST / HTTP/1.1\r\nHost: x\r\nnot a header\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(reply.status, 400);
    let reply = post(listener.port, "/after", &[], b"{}");
    assert_eq!(reply.status, 200);
    assert!(listener.is_running());
    let captures = listener.wait_for_captures(1);
    assert_eq!(captures.len(), 1, "malformed requests are not deliveries");
    assert_eq!(captures[0]["path"], "/after");
}

#[test]
fn escape_sequences_in_payloads_never_reach_the_terminal() {
    let mut listener = Listener::start(&["--color", "never", "--headers"]);
    // A JSON string holding an escape (as JSON's \u001b), and an event name with one.
    let json_body = br#"{"event":"\u001b[2Jclick","note":"\u001b[31mred\u001b[0m"}"#;
    assert_eq!(post(listener.port, "/json", &[], json_body).status, 200);
    // A text body with a raw ESC byte, and header values with C1 and bidi characters
    // (UTF-8, which HTTP allows as obs-text).
    let text_body = b"plain \x1b[31mred\x1b[0m text\x07";
    let reply = post(
        listener.port,
        "/text",
        &[
            ("Content-Type", "text/plain"),
            ("X-Note", "v\u{9b}32mv"),
            ("X-Bidi", "abc\u{202e}fed"),
        ],
        text_body,
    );
    assert_eq!(reply.status, 200);
    // A raw ESC in a header value is not valid HTTP: refused with 400 before any printing.
    let reply = post(listener.port, "/esc", &[("X-Note", "v\x1b[32mv")], b"{}");
    assert_eq!(reply.status, 400);
    // C1 CSI (U+009B, a one-byte escape for 8-bit terminals) and DEL in a JSON string.
    let c1_body = "{\"note\":\"\u{9b}31mcsi\u{7f}\"}";
    assert_eq!(
        post(listener.port, "/c1", &[], c1_body.as_bytes()).status,
        200
    );
    listener.wait_for_stdout(b"/c1");
    listener.wait_for_stdout(b"text\\u{7}");
    listener.signal("TERM");
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    let stdout = exited.stdout_text();
    assert!(
        !exited.stdout.contains(&0x1b),
        "raw ESC on stdout:\n{stdout}"
    );
    assert!(
        !exited.stdout.contains(&0x07),
        "raw BEL on stdout:\n{stdout}"
    );
    assert!(stdout.contains(r"\u001b[31mred"), "{stdout}");
    assert!(stdout.contains(r"plain \u{1b}[31mred"), "{stdout}");
    assert!(stdout.contains(r"v\u{9b}32mv"), "{stdout}");
    assert!(stdout.contains(r"abc\u{202e}fed"), "{stdout}");
    assert!(!stdout.contains('\u{202e}'), "{stdout}");
    assert!(
        !stdout.contains("/esc"),
        "a refused request is not a delivery: {stdout}"
    );
    assert!(
        !exited.stderr.contains('\u{1b}'),
        "raw ESC on stderr:\n{}",
        exited.stderr
    );
    assert!(stdout.contains(r"\u{1b}[2Jclick"), "{stdout}");
    assert!(
        !stdout.contains('\u{9b}') && !stdout.contains('\u{7f}'),
        "{stdout}"
    );
    assert!(stdout.contains(r"\u009b31mcsi\u007f"), "{stdout}");
}

/// ESC in a method, a path or a header name is not HTTP: each is refused with 400, counted,
/// and nothing of it reaches the terminal raw.
#[test]
fn escape_sequences_in_the_method_and_header_names_are_refused() {
    let mut listener = Listener::start(&["--color", "never", "--headers"]);
    for raw in [
        "PO\x1b[31mST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}",
        "POST /p\x1b[32mq?x=\x1b[0m HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}",
        "POST /p HTTP/1.1\r\nHost: h\r\nX-E\x1b[31mvil: 1\r\nContent-Length: 2\r\n\r\n{}",
    ] {
        assert_eq!(
            exchange(listener.port, raw.as_bytes()).status,
            400,
            "{raw:?}"
        );
    }
    assert_eq!(post(listener.port, "/after", &[], b"{}").status, 200);
    listener.wait_for_stdout(b"/after");
    listener.signal("TERM");
    let exited = listener.wait_exit();
    let stdout = exited.stdout_text();
    assert!(
        !exited.stdout.contains(&0x1b) && !exited.stderr.contains('\u{1b}'),
        "raw ESC in the output:\n{stdout}{}",
        exited.stderr
    );
    assert!(
        !stdout.contains("/p"),
        "refused requests are not deliveries: {stdout}"
    );
    assert!(exited.stderr.contains("3 malformed"), "{}", exited.stderr);
}

#[test]
fn a_port_in_use_exits_3_with_one_line_naming_the_port() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stdout, stderr) = run(&["listen", "--port", &port, "--timeout", "2s"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&port) && stderr.contains("in use"),
        "{stderr}"
    );
    drop(taken);
}

const PARALLEL_SENDERS: usize = 32;
const PARALLEL_DELIVERIES: usize = 400;

/// 32 threads share 400 deliveries, each with a unique id; half of them reuse one keep-alive
/// connection, half open a new connection per delivery. Returns the ids sent.
fn deliver_in_parallel(port: u16) -> HashSet<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..PARALLEL_SENDERS)
        .map(|thread| {
            let next = next.clone();
            std::thread::spawn(move || {
                let mut keep_alive = (thread % 2 == 0).then(|| Connection::open(port));
                let mut sent = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= PARALLEL_DELIVERIES {
                        return sent;
                    }
                    let id = format!("u-{n:04}");
                    let body = format!(r#"{{"event":"click","data":{{"click_id":"{id}"}}}}"#);
                    let target = format!("/load/{thread}");
                    let reply = match keep_alive.as_mut() {
                        Some(conn) => conn.post(&target, &[], body.as_bytes()),
                        None => post(port, &target, &[], body.as_bytes()),
                    };
                    assert_eq!(reply.status, 200, "delivery {id}");
                    sent.push(id);
                }
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for thread in threads {
        for id in thread.join().expect("a sender thread panicked") {
            assert!(ids.insert(id));
        }
    }
    assert_eq!(ids.len(), PARALLEL_DELIVERIES);
    ids
}

fn click_id(capture: &Value) -> String {
    let body: Value = serde_json::from_slice(&capture_body(capture)).unwrap();
    body["data"]["click_id"].as_str().unwrap().to_string()
}

#[test]
fn concurrent_deliveries_each_land_in_exactly_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut listener = Listener::start(&["--json", "--save", dir.path().to_str().unwrap()]);
    let sent = deliver_in_parallel(listener.port);
    listener.wait_for_captures(PARALLEL_DELIVERIES);
    listener.signal("TERM");
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    assert_eq!(exited.summary()["deliveries"], PARALLEL_DELIVERIES);

    let files = saved_files(dir.path());
    assert_eq!(files.len(), PARALLEL_DELIVERIES, "no temp files, no extras");
    let mut saved = HashSet::new();
    for (name, capture) in &files {
        assert!(name.ends_with(".json") && !name.starts_with('.'), "{name}");
        assert!(saved.insert(click_id(capture)), "saved twice: {name}");
        assert_eq!(capture["body_sha256"], sha256_hex(&capture_body(capture)));
    }
    assert_eq!(saved, sent);
}

#[test]
fn concurrent_deliveries_each_land_on_exactly_one_jsonl_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("load.jsonl");
    let mut listener = Listener::start(&["--json", "--save", file.to_str().unwrap()]);
    let sent = deliver_in_parallel(listener.port);
    listener.wait_for_captures(PARALLEL_DELIVERIES);
    listener.signal("TERM");
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with('\n'));
    let mut saved = HashSet::new();
    for line in text.lines() {
        let capture: Value = serde_json::from_str(line).expect("a whole JSON line");
        assert!(saved.insert(click_id(&capture)), "saved twice: {line}");
    }
    assert_eq!(text.lines().count(), PARALLEL_DELIVERIES);
    assert_eq!(saved, sent);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing but the .jsonl file"
    );
}

#[test]
fn sigint_stops_with_exit_0_and_a_json_summary() {
    let mut listener = Listener::start(&["--json"]);
    let reply = post(listener.port, "/", &[], br#"{"event":"click"}"#);
    assert_eq!(reply.status, 200);
    listener.wait_for_captures(1);
    listener.signal("INT");
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    let lines = exited.json_lines();
    let last = lines.last().expect("stdout has lines");
    assert_eq!(last["type"], "listen_summary", "the summary comes last");
    assert_eq!(last["deliveries"], 1);
    assert_eq!(last["by_event"], json!({"click": 1}));
}

/// A script waits for the "listening" line, then may stop the listener at once: the signal
/// handler must already be in place, or the process dies without its summary. The signal is
/// sent by bash's builtin `kill` the moment the line is read (spawning /bin/kill is too slow
/// to hit the window).
#[test]
fn a_signal_right_after_the_announcement_still_prints_the_summary() {
    const SCRIPT: &str = r#"
        fifo="$DIR/stderr.fifo"
        mkfifo "$fifo"
        "$WHK" listen --port 0 --json 2>"$fifo" >"$DIR/stdout" &
        pid=$!
        exec 3<"$fifo"
        read -r first <&3
        kill -s "$SIG" "$pid"
        wait "$pid"
        code=$?
        cat <&3 >/dev/null
        rm -f "$fifo"
        echo "$code $first"
    "#;
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let signal = if round % 2 == 0 { "INT" } else { "TERM" };
        let output = limited(command("bash"))
            .args(["-c", SCRIPT])
            .env("WHK", WHK)
            .env("DIR", dir.path())
            .env("SIG", signal)
            .timeout(DEADLINE)
            .output()
            .expect("bash runs");
        let report = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(report.contains(r#""type":"listening""#), "{report}");
        assert!(
            report.starts_with("0 "),
            "round {round}: SIG{signal} right after the announcement gave exit {report}"
        );
        let stdout = std::fs::read(dir.path().join("stdout")).unwrap();
        let summary = json_lines(&String::from_utf8_lossy(&stdout));
        assert_eq!(
            summary.last().map(|v| &v["type"]),
            Some(&json!("listen_summary"))
        );
    }
}

#[test]
fn sigterm_stops_with_exit_0_and_a_text_summary() {
    let mut listener = Listener::start(&["--color", "never"]);
    assert_eq!(post(listener.port, "/", &[], b"{}").status, 200);
    listener.wait_for_stdout(b"POST /");
    listener.signal("TERM");
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
    assert!(
        exited.stderr.contains("1 deliveries: 0 valid, 0 invalid"),
        "{}",
        exited.stderr
    );
}

#[test]
fn host_0000_warns_that_the_listener_is_open_to_the_network() {
    let (code, _, stderr) = run(&[
        "listen",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--timeout",
        "200ms",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning") && stderr.contains("not loopback"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["listen", "--port", "0", "--timeout", "200ms"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "127.0.0.1 is not a warning: {stderr}"
    );
}
