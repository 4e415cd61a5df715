//! `whk verify` through the real binary: requests signed by the tests' own HMAC code for
//! every scheme, in every input format, each common mistake produced on purpose and named,
//! and bad inputs that must end in one clear error line.

use std::path::Path;

use serde_json::Value;

use crate::support::captures::*;
use crate::support::*;

/// `whk verify ARGS… --color never` with `stdin`.
fn verify(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut all = vec!["verify", "--color", "never"];
    all.extend_from_slice(args);
    run_with_stdin(&all, stdin)
}

/// `whk verify ARGS… --json`: (exit code, verification objects, summary, stderr).
fn verify_json(args: &[&str], stdin: &str) -> (i32, Vec<Value>, Value, String) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = verify(&all, stdin);
    assert_no_panic(&stdout, &stderr);
    let lines = json_lines(&stdout);
    let summary = lines
        .iter()
        .find(|v| v["type"] == "verify_summary")
        .cloned()
        .unwrap_or_else(|| panic!("no summary line; stdout:\n{stdout}\nstderr:\n{stderr}"));
    let results = lines
        .into_iter()
        .filter(|v| v["type"] == "verification")
        .collect();
    (code, results, summary, stderr)
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `--header` arguments for every header of a request.
fn header_args(headers: &Headers) -> Vec<String> {
    headers
        .iter()
        .flat_map(|(n, v)| ["--header".to_string(), format!("{n}: {v}")])
        .collect()
}

#[track_caller]
fn assert_secret_absent(outputs: &[&str]) {
    for text in outputs {
        assert!(!text.contains(SECRET), "the secret was printed:\n{text}");
        assert!(
            !text.contains(SECRET_KEY_PART),
            "the secret's key part was printed:\n{text}"
        );
    }
}

#[test]
fn every_scheme_signed_independently_verifies_from_body_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let schemes = SCHEMES.iter().copied().chain(["custom"]);
    for (n, scheme) in schemes.enumerate() {
        let body = click_body(n);
        let file = dir.path().join(format!("{scheme}.json"));
        write(&file, &body);
        let req = Req::signed(scheme, &body);
        let headers = header_args(&req.headers);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        // Detected from the headers (custom cannot be detected: its flags name it), then
        // named explicitly with --scheme.
        let mut runs: Vec<Vec<&str>> = Vec::new();
        if scheme == "custom" {
            runs.push(CUSTOM_FLAGS.to_vec());
            // --signature-header alone implies the custom scheme.
            runs.push(CUSTOM_FLAGS[2..].to_vec());
        } else {
            runs.push(vec![]);
            runs.push(vec!["--scheme", scheme]);
        }
        for flags in runs {
            let mut args = vec!["--body", path_str(&file), "--secret", SECRET];
            args.extend(&headers);
            args.extend(&flags);
            let (code, results, summary, stderr) = verify_json(&args, "");
            assert_eq!(code, 0, "{scheme} {flags:?}: {results:?} {stderr}");
            assert_eq!(results.len(), 1);
            assert_eq!(results[0]["valid"], true, "{scheme}: {:?}", results[0]);
            assert_eq!(results[0]["scheme"], scheme);
            assert!(results[0].get("diagnosis").is_none(), "{:?}", results[0]);
            assert_eq!(summary["valid"], 1);
            if matches!(scheme, "stripe" | "standard" | "slack") {
                let t = results[0]["timestamp"]
                    .as_i64()
                    .expect("a signed timestamp");
                assert!((t - unix_now()).abs() < 60, "{t}");
            }

            let (code, stdout, stderr) = verify(&args, "");
            assert_eq!(code, 0, "{stderr}");
            assert!(
                stdout.contains("✓") && stdout.contains(&format!("{scheme}  valid")),
                "{scheme}: {stdout}"
            );
            assert_secret_absent(&[&stdout, &stderr]);
        }

        // The same headers over a body one byte different must fail.
        let mut tampered = body.clone();
        tampered[10] ^= 1;
        write(&file, &tampered);
        let mut args = vec!["--body", path_str(&file), "--secret", SECRET];
        args.extend(&headers);
        if scheme == "custom" {
            args.extend(CUSTOM_FLAGS);
        }
        let (code, results, _, _) = verify_json(&args, "");
        assert_eq!(code, 1, "{scheme}: a tampered body was accepted");
        assert_eq!(results[0]["valid"], false);
    }
}

/// Seven requests, one per scheme, each with its own body.
fn one_per_scheme() -> Vec<Req> {
    SCHEMES
        .iter()
        .enumerate()
        .map(|(n, scheme)| Req::signed(scheme, &click_body(100 + n)))
        .collect()
}

#[test]
fn every_input_format_in_one_call_with_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let reqs = one_per_scheme();

    // A directory as `listen --save DIR` writes it (one line each), plus one capture
    // pretty-printed by hand and a file that is not a capture and must be skipped.
    let caps = dir.path().join("caps");
    std::fs::create_dir(&caps).unwrap();
    for (n, req) in reqs.iter().enumerate() {
        let capture = req.capture(&format!("c{n}"));
        let text = if n == 3 {
            serde_json::to_string_pretty(&capture).unwrap()
        } else {
            format!("{capture}\n")
        };
        write(&caps.join(format!("{n:02}-{}.json", SCHEMES[n])), text);
    }
    write(&caps.join("README.txt"), "not a capture");

    // JSON Lines, with a blank line in the middle.
    let lines = jsonl(&reqs);
    let (first, rest) = lines.split_at(lines.find('\n').unwrap() + 1);
    let jsonl_path = dir.path().join("all.jsonl");
    write(&jsonl_path, format!("{first}\n{rest}"));

    // A HAR file (every other body base64-encoded) and pipelined raw requests, every other
    // one chunked.
    let har_path = dir.path().join("site.har");
    write(&har_path, har(&reqs));
    let raw_path = dir.path().join("dump.http");
    let raw: Vec<u8> = reqs
        .iter()
        .enumerate()
        .flat_map(|(n, r)| r.raw_http((n % 2 == 1).then_some(37)))
        .collect();
    write(&raw_path, raw);

    // And one more capture on stdin.
    let stdin_req = Req::signed("stripe", &click_body(200));
    let stdin = stdin_req.capture("stdin-1").to_string();

    let args = [
        path_str(&caps),
        path_str(&jsonl_path),
        path_str(&har_path),
        path_str(&raw_path),
        "-",
        "--secret",
        SECRET,
    ];
    let (code, results, summary, stderr) = verify_json(&args, &stdin);
    assert_eq!(code, 0, "{results:#?} {stderr}");
    assert_eq!(results.len(), 29);
    let mut expected_sources = Vec::new();
    for (n, scheme) in SCHEMES.iter().enumerate() {
        expected_sources.push((format!("{}/{n:02}-{scheme}.json", caps.display()), *scheme));
    }
    for (n, scheme) in SCHEMES.iter().enumerate() {
        expected_sources.push((
            format!("{}:{}", jsonl_path.display(), n + 1 + (n > 0) as usize),
            *scheme,
        ));
    }
    for (n, scheme) in SCHEMES.iter().enumerate() {
        expected_sources.push((format!("{}#{}", har_path.display(), n + 1), *scheme));
    }
    for (n, scheme) in SCHEMES.iter().enumerate() {
        let source = if n == 0 {
            raw_path.display().to_string()
        } else {
            format!("{}#{}", raw_path.display(), n + 1)
        };
        expected_sources.push((source, *scheme));
    }
    expected_sources.push(("stdin".to_string(), "stripe"));
    for (result, (source, scheme)) in results.iter().zip(&expected_sources) {
        assert_eq!(result["source"], source.as_str(), "{result}");
        assert_eq!(result["scheme"], *scheme, "{result}");
        assert_eq!(result["valid"], true, "{result}");
    }
    assert_eq!(summary["total"], 29);
    assert_eq!(summary["valid"], 29);
    assert_eq!(summary["invalid"], 0);

    let (code, stdout, stderr) = verify(&args, &stdin);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.matches('✓').count(), 29, "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("29 valid, 0 invalid, of 29"),
        "{stdout}"
    );
    assert_secret_absent(&[&stdout, &stderr]);
}

#[test]
fn stdin_is_read_in_every_format() {
    let reqs = one_per_scheme();
    let raw: Vec<u8> = reqs.iter().flat_map(|r| r.raw_http(Some(64))).collect();
    let inputs = [
        ("JSON Lines", jsonl(&reqs)),
        ("HAR", har(&reqs)),
        ("raw HTTP", String::from_utf8(raw).unwrap()),
    ];
    for (format, stdin) in inputs {
        // `-` names stdin; with no input at all, a piped stdin is read too.
        for args in [vec!["-", "--secret", SECRET], vec!["--secret", SECRET]] {
            let (code, results, summary, stderr) = verify_json(&args, &stdin);
            assert_eq!(code, 0, "{format} {args:?}: {results:#?} {stderr}");
            assert_eq!(summary["valid"], 7, "{format}");
            let schemes: Vec<&str> = results
                .iter()
                .map(|r| r["scheme"].as_str().unwrap())
                .collect();
            assert_eq!(schemes, SCHEMES, "{format}");
            assert!(results[0]["source"].as_str().unwrap().starts_with("stdin"));
        }
    }
}

#[test]
fn chunked_raw_requests_are_decoded_before_checking() {
    let dir = tempfile::tempdir().unwrap();
    let body = click_body(7);
    for (scheme, chunk) in [
        ("github", 1),
        ("stripe", 5),
        ("standard", 100),
        ("shopify", 4096),
    ] {
        let req = Req::signed(scheme, &body);
        let raw = req.raw_http(Some(chunk));
        assert!(String::from_utf8_lossy(&raw).contains("Transfer-Encoding: chunked"));
        let file = dir.path().join(format!("{scheme}.http"));
        write(&file, &raw);
        let (code, results, _, stderr) = verify_json(&[path_str(&file), "--secret", SECRET], "");
        assert_eq!(code, 0, "{scheme} chunks of {chunk}: {results:?} {stderr}");
        assert_eq!(results[0]["scheme"], scheme);

        // The chunk framing must not leak into the body: one chunk's bytes changed fails.
        let text = String::from_utf8(raw).unwrap();
        let tampered = text.replacen(r#""event":"click""#, r#""event":"clack""#, 1);
        if chunk >= 100 {
            assert_ne!(tampered, text);
            write(&file, tampered);
            let (code, results, _, _) = verify_json(&[path_str(&file), "--secret", SECRET], "");
            assert_eq!(code, 1, "{scheme}: a tampered chunk was accepted");
            assert_eq!(
                results[0]["diagnosis"]["kind"], "wrong-secret-or-tampered",
                "{results:?}"
            );
        }
    }
    // Bare LF line endings in the head (as some tools write dumps) still parse.
    let req = Req::signed("slack", &body);
    let raw = String::from_utf8(req.raw_http(None)).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    let lf = format!("{}\n\n{rest}", head.replace("\r\n", "\n"));
    let (code, results, _, stderr) = verify_json(&["-", "--secret", SECRET], &lf);
    assert_eq!(code, 0, "{results:?} {stderr}");
}

/// One deliberate mistake and the diagnosis it must get.
struct Mistake {
    what: &'static str,
    /// The request as it arrived.
    req: Req,
    /// Extra flags (a fixed scheme), and the secret the receiver verifies with.
    flags: Vec<&'static str>,
    secret: &'static str,
    kind: &'static str,
    /// Words the reason or detail must contain.
    says: Vec<String>,
}

const COMPACT: &str =
    r#"{"event":"click","data":{"click_id":"abc123","revenue":49.99,"tags":["a","b"]}}"#;
const PRETTY: &str = "{\n  \"event\": \"click\",\n  \"data\": {\n    \"click_id\": \"abc123\",\n    \"revenue\": 49.99,\n    \"tags\": [\n      \"a\",\n      \"b\"\n    ]\n  }\n}";

/// The documented conversion delivery (shared/examples/georedir-conversion.json), as the
/// provider sends it: pretty-printed, `"revenue": 50.00`.
const DOCUMENTED_CONVERSION: &str = "{\n  \"event\": \"conversion\",\n  \"timestamp\": \"2026-02-25T15:45:00Z\",\n  \"data\": {\n    \"conversion_id\": \"conv_789xyz\",\n    \"click_id\": \"abc123def456\",\n    \"link_id\": 42,\n    \"link_slug\": \"my-offer\",\n    \"revenue\": 50.00,\n    \"currency\": \"USD\",\n    \"country\": \"US\",\n    \"device\": \"mobile\"\n  }\n}";
/// It after `JSON.stringify(JSON.parse(body))`: compact, and 50.00 is 50.
const CONVERSION_AFTER_NODE: &str = r#"{"event":"conversion","timestamp":"2026-02-25T15:45:00Z","data":{"conversion_id":"conv_789xyz","click_id":"abc123def456","link_id":42,"link_slug":"my-offer","revenue":50,"currency":"USD","country":"US","device":"mobile"}}"#;
/// It after Python's `json.dumps(json.loads(body))`: spaced, and 50.00 is 50.0.
const CONVERSION_AFTER_PYTHON: &str = r#"{"event": "conversion", "timestamp": "2026-02-25T15:45:00Z", "data": {"conversion_id": "conv_789xyz", "click_id": "abc123def456", "link_id": 42, "link_slug": "my-offer", "revenue": 50.0, "currency": "USD", "country": "US", "device": "mobile"}}"#;

/// A request that carries `body` with signature headers computed over `signed`.
fn signed_over(scheme: &str, signed: &[u8], body: &[u8]) -> Req {
    let mut req = Req::post(body, sign(scheme, SECRET, signed, unix_now(), "msg_1"));
    req.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("Content-Length"));
    req
}

/// A request with hand-made signature headers.
fn with_headers(body: &[u8], headers: &[(&str, String)]) -> Req {
    Req::post(
        body,
        headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect(),
    )
}

/// The mistakes, signed around `now`: the test verifies them with `--now NOW`, so reasons
/// that count seconds read the same in every run.
fn mistakes(now: i64) -> Vec<Mistake> {
    let t = now.to_string();
    let body = COMPACT.as_bytes();
    let key = SECRET.as_bytes();
    let says = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let standard_headers = |sig: String| {
        vec![
            ("webhook-id", "msg_1".to_string()),
            ("webhook-timestamp", t.clone()),
            ("webhook-signature", format!("v1,{sig}")),
        ]
    };
    let standard_content = [b"msg_1.", t.as_bytes(), b".", body].concat();
    let stripe_content = [t.as_bytes(), b".", body].concat();
    let m = |what, req, flags: &[&'static str], kind, says: Vec<String>| Mistake {
        what,
        req,
        flags: flags.to_vec(),
        secret: SECRET,
        kind,
        says,
    };
    vec![
        // Lossy re-serialisation: no exact form reproduces the signature.
        m(
            "the documented conversion after JSON.stringify(req.body)",
            signed_over(
                "georedir",
                DOCUMENTED_CONVERSION.as_bytes(),
                CONVERSION_AFTER_NODE.as_bytes(),
            ),
            &[],
            "reserialised",
            says(&["data.revenue: 50.00 → 50;", "pretty-printed"]),
        ),
        m(
            "the documented conversion after Python's json.dumps",
            signed_over(
                "stripe",
                DOCUMENTED_CONVERSION.as_bytes(),
                CONVERSION_AFTER_PYTHON.as_bytes(),
            ),
            &[],
            "reserialised",
            says(&["data.revenue: 50.00 → 50.0"]),
        ),
        m(
            "a wrong secret, on a body a framework pretty-printed",
            Req::post(
                PRETTY.as_bytes(),
                sign("github", "another-secret", COMPACT.as_bytes(), 0, ""),
            ),
            &[],
            "wrong-secret-or-tampered",
            says(&["likely reserialised: the body is pretty-printed"]),
        ),
        // Re-serialised bodies.
        m(
            "sender signed pretty JSON, the body arrived compact",
            signed_over("georedir", PRETTY.as_bytes(), body),
            &[],
            "reserialised",
            says(&["pretty-printed"]),
        ),
        m(
            "sender signed compact JSON, the body arrived pretty-printed",
            signed_over("github", body, PRETTY.as_bytes()),
            &[],
            "reserialised",
            says(&["compact"]),
        ),
        m(
            "sender signed Python's json.dumps output",
            signed_over(
                "shopify",
                br#"{"event": "click", "city": "S\u00e3o Paulo", "tags": ["a", "b"]}"#,
                r#"{"event":"click","city":"São Paulo","tags":["a","b"]}"#.as_bytes(),
            ),
            &[],
            "reserialised",
            says(&["Python"]),
        ),
        // Trailing newline added or removed.
        m(
            "a newline was appended after signing",
            signed_over("relurl", body, format!("{COMPACT}\n").as_bytes()),
            &[],
            "trailing-newline",
            says(&["without its trailing newline"]),
        ),
        m(
            "the signed trailing newline was stripped",
            signed_over("stripe", format!("{COMPACT}\n").as_bytes(), body),
            &[],
            "trailing-newline",
            says(&["trailing newline added"]),
        ),
        // CRLF conversion, both ways.
        m(
            "CRLF turned into LF in transit",
            signed_over(
                "slack",
                b"event=click\r\nid=1\r\nok",
                b"event=click\nid=1\nok",
            ),
            &[],
            "line-endings",
            says(&["LF line endings turned into CRLF"]),
        ),
        m(
            "LF turned into CRLF in transit",
            signed_over("standard", b"line one\nline two", b"line one\r\nline two"),
            &[],
            "line-endings",
            says(&["CRLF line endings turned into LF"]),
        ),
        // Another encoding or prefix.
        m(
            "hex where Shopify sends base64",
            with_headers(body, &[("X-Shopify-Hmac-Sha256", hmac_hex(key, body))]),
            &[],
            "encoding",
            says(&["hex", "base64"]),
        ),
        m(
            "base64 where GeoRedir sends hex",
            with_headers(body, &[("X-GeoRedir-Signature", hmac_b64(key, body))]),
            &[],
            "encoding",
            says(&["base64", "hex"]),
        ),
        m(
            "GitHub signature without its sha256= prefix",
            with_headers(body, &[("X-Hub-Signature-256", hmac_hex(key, body))]),
            &[],
            "encoding",
            says(&["sha256="]),
        ),
        m(
            "a sha256= prefix where GeoRedir has none",
            with_headers(
                body,
                &[(
                    "X-GeoRedir-Signature",
                    format!("sha256={}", hmac_hex(key, body)),
                )],
            ),
            &[],
            "encoding",
            says(&["sha256="]),
        ),
        m(
            "custom scheme expecting sha256=, sent without it",
            with_headers(body, &[("X-Signature", hmac_hex(key, body))]),
            &CUSTOM_FLAGS,
            "encoding",
            says(&["sha256="]),
        ),
        m(
            "custom scheme expecting hex, sent base64",
            with_headers(
                body,
                &[("X-Signature", format!("sha256={}", hmac_b64(key, body)))],
            ),
            &CUSTOM_FLAGS,
            "encoding",
            says(&["base64"]),
        ),
        // Another scheme.
        m(
            "Stripe header signed with Slack's layout",
            with_headers(
                body,
                &[(
                    "Stripe-Signature",
                    format!(
                        "t={t},v1={}",
                        hmac_hex(key, &[b"v0:", t.as_bytes(), b":", body].concat())
                    ),
                )],
            ),
            &[],
            "other-scheme",
            says(&["Slack"]),
        ),
        m(
            "verified as GitHub, but the sender signs GeoRedir-style",
            Req::signed("georedir", body),
            &["--scheme", "github"],
            "other-scheme",
            says(&["--scheme georedir"]),
        ),
        // The secret in another form.
        m(
            "Standard Webhooks signed with the whole whsec_ text as the key",
            with_headers(body, &standard_headers(hmac_b64(key, &standard_content))),
            &[],
            "secret-form",
            says(&["the secret's text"]),
        ),
        m(
            "Standard Webhooks signed with the text after whsec_, not base64-decoded",
            with_headers(
                body,
                &standard_headers(hmac_b64(SECRET_KEY_PART.as_bytes(), &standard_content)),
            ),
            &[],
            "secret-form",
            says(&["without its whsec_ prefix"]),
        ),
        m(
            "Stripe signed with the base64-decoded key",
            with_headers(
                body,
                &[(
                    "Stripe-Signature",
                    format!(
                        "t={t},v1={}",
                        hmac_hex(&standard_key(SECRET), &stripe_content)
                    ),
                )],
            ),
            &[],
            "secret-form",
            says(&["base64-decoded"]),
        ),
        m(
            "GitHub signed with the secret minus its whsec_ prefix",
            with_headers(
                body,
                &[(
                    "X-Hub-Signature-256",
                    format!("sha256={}", hmac_hex(SECRET_KEY_PART.as_bytes(), body)),
                )],
            ),
            &[],
            "secret-form",
            says(&["without its whsec_ prefix"]),
        ),
        Mistake {
            what: "receiver holds the bare base64 key, sender signed with the whsec_ text",
            req: with_headers(body, &standard_headers(hmac_b64(key, &standard_content))),
            flags: vec![],
            secret: SECRET_KEY_PART,
            kind: "secret-form",
            says: says(&["whsec_"]),
        },
        // Timestamps outside the tolerance, saying by how much.
        m(
            "Stripe delivery an hour old",
            Req::post(body, sign("stripe", SECRET, body, now - 3600, "")),
            &[],
            "stale",
            says(&["s old", "300s tolerance"]),
        ),
        m(
            "Standard Webhooks timestamp 20 minutes in the future",
            Req::post(body, sign("standard", SECRET, body, now + 1200, "msg_9")),
            &[],
            "stale",
            says(&["in the future"]),
        ),
        m(
            "Slack request two hours old",
            Req::post(body, sign("slack", SECRET, body, now - 7200, "")),
            &[],
            "stale",
            says(&["s old"]),
        ),
        // No signature header.
        m(
            "no known signature header, two signature-like ones",
            with_headers(
                body,
                &[
                    ("X-Acme-Signature", hmac_hex(key, body)),
                    ("X-Request-Hmac", "abc".to_string()),
                    ("X-Trace-Id", "t-1".to_string()),
                ],
            ),
            &[],
            "missing-header",
            says(&["X-Acme-Signature", "X-Request-Hmac"]),
        ),
        m(
            "GeoRedir expected, only an unknown signature header",
            with_headers(body, &[("X-Foo-Signature", "abc".to_string())]),
            &["--scheme", "georedir"],
            "missing-header",
            says(&["X-GeoRedir-Signature", "X-Foo-Signature"]),
        ),
        m(
            "no signature header at all",
            with_headers(body, &[]),
            &[],
            "missing-header",
            says(&["is the sender signing?"]),
        ),
        // None of these.
        Mistake {
            what: "signed with another secret",
            req: Req::post(body, sign("georedir", "another-secret", body, now, "")),
            flags: vec![],
            secret: SECRET,
            kind: "wrong-secret-or-tampered",
            says: says(&["wrong secret"]),
        },
        m(
            "body changed after signing",
            signed_over(
                "stripe",
                body,
                COMPACT.replace("49.99", "4999.00").as_bytes(),
            ),
            &[],
            "wrong-secret-or-tampered",
            says(&["body was changed"]),
        ),
        m(
            "Stripe header without t=",
            with_headers(
                body,
                &[(
                    "Stripe-Signature",
                    format!("v1={}", hmac_hex(key, &stripe_content)),
                )],
            ),
            &[],
            "malformed",
            says(&["t=<unix timestamp>"]),
        ),
    ]
}

#[test]
fn every_mistake_is_produced_and_diagnosed_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    let now = unix_now();
    let now_text = now.to_string();
    for (n, mistake) in mistakes(now).into_iter().enumerate() {
        let what = mistake.what;
        let file = dir.path().join(format!("mistake-{n:02}.json"));
        write(&file, mistake.req.capture(&format!("m{n}")).to_string());
        let mut args = vec![
            path_str(&file),
            "--secret",
            mistake.secret,
            "--now",
            &now_text,
        ];
        args.extend(&mistake.flags);

        let (code, results, summary, stderr) = verify_json(&args, "");
        assert_eq!(code, 1, "{what}: {results:?} {stderr}");
        assert_eq!(summary["invalid"], 1, "{what}");
        let result = &results[0];
        assert_eq!(result["valid"], false, "{what}");
        assert_eq!(
            result["diagnosis"]["kind"], mistake.kind,
            "{what}: {result:#}"
        );
        let reason = result["reason"].as_str().expect("a reason");
        let detail = result["diagnosis"]["detail"].as_str().expect("a detail");
        for word in &mistake.says {
            assert!(
                reason.contains(word.as_str()) || detail.contains(word.as_str()),
                "{what}: expected {word:?} in the reason or detail: {result:#}"
            );
        }
        if mistake.kind == "missing-header" {
            assert!(!reason.contains("X-Trace-Id"), "{what}: {reason}");
        }
        let (_, json_stdout, _) = verify(&[&["--json"], &args[..]].concat(), "");

        let (code, stdout, human_stderr) = verify(&args, "");
        assert_eq!(code, 1, "{what}");
        assert!(
            stdout.contains(&format!("({})", mistake.kind)),
            "{what}: human output should name {}:\n{stdout}",
            mistake.kind
        );
        assert!(stdout.contains(reason), "{what}: reason missing:\n{stdout}");
        // The detail, less the reason when it only extends it.
        let shown = detail
            .strip_prefix(reason)
            .map_or(detail, |rest| rest.trim_start_matches([';', ' ']));
        assert!(stdout.contains(shown), "{what}: detail missing:\n{stdout}");
        assert!(
            stdout.contains(path_str(&file)),
            "{what}: the file should be named:\n{stdout}"
        );
        assert_eq!(
            human_stderr.trim(),
            "error: 1 of 1 requests failed verification"
        );
        assert_secret_absent(&[&json_stdout, &stderr, &stdout, &human_stderr]);
        kinds.insert(mistake.kind);
    }
    // Every kind the issue names was produced at least once.
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "encoding",
            "line-endings",
            "malformed",
            "missing-header",
            "other-scheme",
            "reserialised",
            "secret-form",
            "stale",
            "trailing-newline",
            "wrong-secret-or-tampered"
        ]
    );
}

#[test]
fn stale_diagnosis_says_by_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let body = click_body(1);
    let file = dir.path().join("old.json");
    let signed_at = unix_now() - 3600;
    write(
        &file,
        Req::post(&body, sign("stripe", SECRET, &body, signed_at, ""))
            .capture("old")
            .to_string(),
    );
    let (code, results, _, _) = verify_json(&[path_str(&file), "--secret", SECRET], "");
    assert_eq!(code, 1);
    let reason = results[0]["reason"].as_str().unwrap();
    let seconds: i64 = reason
        .split("s old")
        .next()
        .and_then(|before| before.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no 'Ns old' in {reason:?}"));
    assert!((3600..3660).contains(&seconds), "{reason}");
    let detail = results[0]["diagnosis"]["detail"].as_str().unwrap();
    assert!(detail.contains("whk replay --resign"), "{detail}");
    assert!(detail.contains("--now"), "{detail}");
}

#[test]
fn the_expected_signature_shows_only_with_show_expected() {
    let dir = tempfile::tempdir().unwrap();
    let body = click_body(3);
    let t = unix_now();
    // Signed with another secret: whk's expected signature is the HMAC under SECRET.
    let cases = [
        (
            "georedir",
            Req::post(&body, sign("georedir", "other", &body, t, "")),
            "X-GeoRedir-Signature",
            hmac_hex(SECRET.as_bytes(), &body),
            String::from_utf8(body.clone()).unwrap(),
        ),
        (
            "stripe",
            Req::post(&body, sign("stripe", "other", &body, t, "")),
            "Stripe-Signature",
            format!(
                "t={t},v1={}",
                hmac_hex(
                    SECRET.as_bytes(),
                    &[t.to_string().as_bytes(), b".", &body].concat()
                )
            ),
            format!("{t}.{}", String::from_utf8(body.clone()).unwrap()),
        ),
    ];
    for (scheme, req, header, expected, signed) in cases {
        let file = dir.path().join(format!("{scheme}.json"));
        write(&file, req.capture("x").to_string());
        let mac_text = expected.rsplit('=').next().unwrap().to_string();
        let base = [path_str(&file), "--secret", SECRET];

        let (code, json_out, json_err) = verify(&[&["--json"], &base[..]].concat(), "");
        let (_, human_out, human_err) = verify(&base, "");
        assert_eq!(code, 1);
        for text in [&json_out, &json_err, &human_out, &human_err] {
            assert!(
                !text.contains(&mac_text),
                "{scheme}: the expected signature leaked without --show-expected:\n{text}"
            );
        }

        let shown = [&base[..], &["--show-expected"]].concat();
        let (code, results, _, stderr) = verify_json(&shown, "");
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(results[0]["expected"]["headers"][header], expected.as_str());
        assert_eq!(results[0]["expected"]["signed"], signed.as_str());
        let (_, stdout, stderr) = verify(&shown, "");
        assert!(
            stdout.contains(&format!("expected {header}: {expected}")),
            "{stdout}"
        );
        assert!(stdout.contains("signed bytes:"), "{stdout}");
        let (_, json_out, _) = verify(&[&["--json"], &shown[..]].concat(), "");
        assert_secret_absent(&[&stdout, &stderr, &json_out]);
    }
}

#[test]
fn now_and_tolerance_decide_freshness() {
    let dir = tempfile::tempdir().unwrap();
    let body = click_body(4);
    // Captured in 2020, 30 s after Stripe signed it.
    let mut old = Req::post(&body, sign("stripe", SECRET, &body, T2020, ""));
    old.received_at = T2020 + 30;
    let old_file = dir.path().join("stripe-2020.json");
    write(&old_file, old.capture("old").to_string());
    let file = path_str(&old_file);

    let check = |extra: &[&str]| {
        let mut args = vec![file, "--secret", SECRET];
        args.extend_from_slice(extra);
        let (code, results, _, stderr) = verify_json(&args, "");
        (code, results.into_iter().next().unwrap(), stderr)
    };

    let (code, result, _) = check(&[]);
    assert_eq!(code, 1, "a 2020 delivery is stale now");
    assert_eq!(result["diagnosis"]["kind"], "stale");
    assert!(
        result["reason"].as_str().unwrap().contains("s old"),
        "{result}"
    );

    for (flags, why) in [
        (vec!["--now", "1577836800"], "unix seconds at its time"),
        (
            vec!["--now", "2020-01-01T00:04:00Z"],
            "RFC 3339, 4 minutes later",
        ),
        (vec!["--now", "received"], "its own received_at"),
        (vec!["--tolerance", "0"], "tolerance 0 skips the check"),
    ] {
        let (code, result, stderr) = check(&flags);
        assert_eq!(code, 0, "{why}: {result} {stderr}");
        assert_eq!(result["valid"], true);
        assert_eq!(result["timestamp"], T2020, "{why}");
    }

    let (code, result, _) = check(&["--now", "2020-01-01T00:06:00Z"]);
    assert_eq!(code, 1, "6 minutes later is beyond 5m");
    assert!(
        result["reason"].as_str().unwrap().contains("360s old"),
        "{result}"
    );
    let (code, _, _) = check(&["--now", "2020-01-01T00:06:00Z", "--tolerance", "7m"]);
    assert_eq!(code, 0, "within a 7m tolerance");
    // Stripe's libraries refuse only old timestamps: a future one is valid, with a warning.
    let (code, result, _) = check(&["--now", "2019-12-31T23:50:00Z"]);
    assert_eq!(code, 0, "{result}");
    assert!(
        result["notes"][0]
            .as_str()
            .unwrap()
            .contains("in the future"),
        "{result}"
    );

    // --now received uses each capture's own time: received now, signed in 2020, is stale.
    let mut late = old.clone();
    late.received_at = unix_now();
    let late_file = dir.path().join("late.json");
    write(&late_file, late.capture("late").to_string());
    let args = [
        path_str(&late_file),
        "--secret",
        SECRET,
        "--now",
        "received",
    ];
    let (code, results, _, _) = verify_json(&args, "");
    assert_eq!(code, 1);
    assert_eq!(results[0]["diagnosis"]["kind"], "stale");

    // Every timestamped scheme, captured in 2020, as of its receive time (JSONL and HAR).
    let reqs: Vec<Req> = ["stripe", "standard", "slack"]
        .iter()
        .map(|s| {
            let mut r = Req::post(&body, sign(s, SECRET, &body, T2020, "msg_2020"));
            r.received_at = T2020 + 2;
            r
        })
        .collect();
    let jsonl_file = dir.path().join("2020.jsonl");
    write(&jsonl_file, jsonl(&reqs));
    let har_file = dir.path().join("2020.har");
    write(&har_file, har(&reqs));
    let args = [
        path_str(&jsonl_file),
        path_str(&har_file),
        "--secret",
        SECRET,
    ];
    let (code, _, summary, _) = verify_json(&args, "");
    assert_eq!(code, 1);
    assert_eq!(summary["invalid"], 6);
    let (code, _, summary, stderr) = verify_json(&[&args[..], &["--now", "received"]].concat(), "");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(summary["valid"], 6);

    // A time that is not one is a usage error.
    let result = verify(&[file, "--secret", SECRET, "--now", "yesterday"], "");
    assert_one_line_error(&result, 2, "--now");
}

#[test]
fn a_directory_of_300_captures_with_one_bad_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("captures");
    std::fs::create_dir(&caps).unwrap();
    for n in 0..300 {
        let body = click_body(n);
        let req = Req::signed(SCHEMES[n % SCHEMES.len()], &body);
        write(
            &caps.join(format!("20260225T143000.{n:03}Z-{n:06}-00ab.json")),
            format!("{}\n", req.capture(&format!("c{n}"))),
        );
    }
    // One delivery whose body was changed after GitHub signed it.
    let mut bad = Req::signed("github", &click_body(9999));
    bad.body = click_body(9998);
    let bad_name = "20260225T143000.150Z-000150-bad0.json";
    write(&caps.join(bad_name), bad.capture("bad").to_string());

    let args = [path_str(&caps), "--secret", SECRET];
    let (code, stdout, stderr) = verify(&args, "");
    assert_eq!(code, 1, "{stderr}");
    assert_no_panic(&stdout, &stderr);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with('✗')).collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains(bad_name), "{}", failures[0]);
    assert!(
        failures[0].contains("(wrong-secret-or-tampered)"),
        "{}",
        failures[0]
    );
    assert_eq!(stdout.matches('✓').count(), 300);
    assert_eq!(stdout.lines().last(), Some("300 valid, 1 invalid, of 301"));
    assert_eq!(
        stderr.trim(),
        "error: 1 of 301 requests failed verification"
    );

    let (code, results, summary, _) = verify_json(&args, "");
    assert_eq!(code, 1);
    assert_eq!(results.len(), 301);
    let invalid: Vec<&Value> = results.iter().filter(|r| r["valid"] == false).collect();
    assert_eq!(invalid.len(), 1);
    assert!(invalid[0]["source"].as_str().unwrap().ends_with(bad_name));
    assert_eq!(summary["total"], 301);
    assert_eq!(summary["valid"], 300);
    assert_eq!(summary["invalid"], 1);
}

#[test]
fn an_edited_capture_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let req = Req::signed("georedir", &click_body(5));
    let mut capture = req.capture("edited");
    // Edited by hand after saving: the body no longer matches body_sha256 or the signature.
    capture["body"] = Value::String(String::from_utf8(click_body(6)).unwrap());
    let file = dir.path().join("edited.json");
    write(&file, capture.to_string());
    let (code, results, _, _) = verify_json(&[path_str(&file), "--secret", SECRET], "");
    assert_eq!(code, 1);
    assert_eq!(results[0]["body_edited"], true);
    let (_, stdout, _) = verify(&[path_str(&file), "--secret", SECRET], "");
    assert!(stdout.contains("the file was edited"), "{stdout}");

    // Untouched, the same capture is valid and not flagged.
    write(&file, req.capture("edited").to_string());
    let (code, results, _, _) = verify_json(&[path_str(&file), "--secret", SECRET], "");
    assert_eq!(code, 0);
    assert!(results[0].get("body_edited").is_none());

    // A binary body travels as body_base64 and verifies byte for byte.
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    let req = Req::signed("shopify", &binary);
    let capture = req.capture("bin");
    assert!(capture.get("body_base64").is_some());
    write(&file, capture.to_string());
    let (code, results, _, stderr) = verify_json(&[path_str(&file), "--secret", SECRET], "");
    assert_eq!(code, 0, "{results:?} {stderr}");
}

#[test]
fn unreadable_inputs_exit_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = Req::signed("georedir", &click_body(1));
    let raw = good.raw_http(None);
    let chunked = good.raw_http(Some(50));
    let pretty = serde_json::to_string_pretty(&good.capture("p")).unwrap();
    let har_text = har(std::slice::from_ref(&good));
    // Deterministic binary garbage with NULs and invalid UTF-8.
    let garbage: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();

    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cut-body.http", raw[..raw.len() - 40].to_vec(), "truncated"),
        ("cut-head.http", raw[..60].to_vec(), "truncated"),
        ("cut-chunk.http", chunked[..chunked.len() - 120].to_vec(), "chunked"),
        (
            "huge-chunk.http",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab\r\n0\r\n\r\n"
                .to_vec(),
            "chunked",
        ),
        (
            "bad-length.http",
            b"POST / HTTP/1.1\r\nContent-Length: lots\r\n\r\n{}".to_vec(),
            "Content-Length",
        ),
        // A JSON Lines file cut inside its last line is read up to there: see
        // a_jsonl_file_cut_inside_its_last_line_verifies_the_rest_and_exits_2.
        ("cut.json", pretty.as_bytes()[..pretty.len() / 2].to_vec(), "invalid JSON"),
        ("cut.har", har_text.as_bytes()[..har_text.len() - 30].to_vec(), "invalid JSON"),
        ("garbage.bin", garbage.clone(), "is not a whk capture"),
        ("empty.json", Vec::new(), "is empty"),
        ("blank.txt", b"  \n\n\t\n".to_vec(), "is empty"),
        ("other.json", br#"{"hello":"world"}"#.to_vec(), "not a whk capture"),
        (
            "bad-base64.json",
            {
                let mut c = good.capture("b");
                c.as_object_mut().unwrap().remove("body");
                c["body_base64"] = Value::String("@@not base64@@".into());
                c.to_string().into_bytes()
            },
            "not base64",
        ),
    ];
    let good_file = dir.path().join("good.json");
    write(&good_file, good.capture("g").to_string());
    for (name, bytes, mention) in &files {
        let path = dir.path().join(name);
        write(&path, bytes);
        for json in [false, true] {
            // Alone, and after a good input: an unreadable input still ends the run with 2.
            for before in [None, Some(path_str(&good_file))] {
                let mut args: Vec<&str> = before.into_iter().collect();
                args.extend([path_str(&path), "--secret", SECRET]);
                if json {
                    args.push("--json");
                }
                let result = verify(&args, "");
                assert_no_panic(&result.1, &result.2);
                assert_one_line_error(&result, 2, mention);
                assert!(result.2.contains(name), "{name}: {}", result.2);
            }
        }
    }

    // Paths that cannot be read at all.
    let missing = dir.path().join("no-such-file.json");
    let result = verify(&[path_str(&missing), "--secret", SECRET], "");
    assert_one_line_error(&result, 2, "cannot read");
    let empty_dir = dir.path().join("empty-dir");
    std::fs::create_dir(&empty_dir).unwrap();
    let result = verify(&[path_str(&empty_dir), "--secret", SECRET], "");
    assert_one_line_error(&result, 2, "holds no .json captures");

    // Stdin: empty, and binary garbage.
    let result = verify(&["-", "--secret", SECRET], "");
    assert_one_line_error(&result, 2, "stdin is empty");
    let garbage_text = String::from_utf8_lossy(&garbage).into_owned();
    let result = verify(&["-", "--secret", SECRET], &garbage_text);
    assert_no_panic(&result.1, &result.2);
    assert_one_line_error(&result, 2, "stdin is not");

    // No secret is a usage error too.
    let result = verify(&[path_str(&good_file)], "");
    assert_one_line_error(&result, 2, "--secret");
}

/// `{"type":"deliv` and a newline: the start of a capture line whose write was cut off
/// (a crash or a full disk), as `whk listen --save FILE.jsonl` leaves it once it appends
/// the next line after it.
const TORN: &str = "{\"type\":\"deliv\n";

/// The stderr line for an unreadable line: `warning: FILE:LINE: not a capture: …; skipped`.
#[track_caller]
fn assert_skipped_warning(line: &str, place: &str) {
    assert!(
        line.starts_with(&format!("warning: {place}: not a capture: ")),
        "{line}"
    );
    assert!(line.ends_with("(the line is cut short); skipped"), "{line}");
}

#[test]
fn a_torn_jsonl_line_is_reported_by_file_and_line_and_the_rest_verified() {
    let dir = tempfile::tempdir().unwrap();
    let reqs: Vec<Req> = ["georedir", "stripe", "standard"]
        .iter()
        .enumerate()
        .map(|(n, scheme)| Req::signed(scheme, &click_body(n)))
        .collect();
    let lines: Vec<String> = jsonl(&reqs).lines().map(|l| format!("{l}\n")).collect();
    let torn = dir.path().join("torn.jsonl");
    write(
        &torn,
        [lines[0].as_str(), TORN, &lines[1], &lines[2]].concat(),
    );
    let torn_path = path_str(&torn);
    let args = [torn_path, "--secret", SECRET];

    let (code, stdout, stderr) = verify(&args, "");
    assert_no_panic(&stdout, &stderr);
    assert_eq!(
        code, 2,
        "an unreadable line is an input error\n{stdout}\n{stderr}"
    );
    for n in [1, 3, 4] {
        let line = format!("✓ {torn_path}:{n}  ");
        assert!(stdout.contains(&line), "{line} missing:\n{stdout}");
    }
    assert_eq!(stdout.matches('✓').count(), 3, "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some(
            format!("3 valid, 0 invalid, of 3; 1 unreadable line skipped ({torn_path}:2)").as_str()
        )
    );
    let err_lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        err_lines.len(),
        2,
        "one warning, one closing error:\n{stderr}"
    );
    assert_skipped_warning(err_lines[0], &format!("{torn_path}:2"));
    assert_eq!(
        err_lines[1],
        format!("error: 1 unreadable line skipped ({torn_path}:2); the 3 requests read are valid")
    );
    // -q silences the warning; the closing error still names the line.
    let (code, _, stderr) = verify(&[&args[..], &["-q"]].concat(), "");
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains(&format!("{torn_path}:2")));

    // --json: the skipped line is an object on stdout, in its place among the results.
    let (code, stdout, stderr) = verify(&[&args[..], &["--json"]].concat(), "");
    assert_eq!(code, 2, "{stderr}");
    let objects = json_lines(&stdout);
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "verification",
            "unreadable",
            "verification",
            "verification",
            "verify_summary"
        ]
    );
    let unreadable = &objects[1];
    assert_eq!(unreadable["file"], torn_path);
    assert_eq!(unreadable["line"], 2);
    let error = unreadable["error"].as_str().unwrap();
    assert!(
        error.starts_with("not a capture: ") && error.contains("cut short"),
        "{unreadable}"
    );
    for (result, n) in [(&objects[0], 1), (&objects[2], 3), (&objects[3], 4)] {
        assert_eq!(result["source"], format!("{torn_path}:{n}"));
        assert_eq!(result["valid"], true, "{result}");
    }
    let summary = &objects[4];
    assert_eq!(
        (
            &summary["total"],
            &summary["valid"],
            &summary["invalid"],
            &summary["unreadable"]
        ),
        (
            &Value::from(3),
            &Value::from(3),
            &Value::from(0),
            &Value::from(1)
        )
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "only the closing error:\n{stderr}"
    );
    assert!(
        stderr.starts_with("error: 1 unreadable line skipped"),
        "{stderr}"
    );

    // The torn fragment as the first line: still JSON Lines, and the next files are read.
    let first = dir.path().join("first.jsonl");
    write(&first, [TORN, "\n", &lines[0], &lines[1]].concat());
    let good = dir.path().join("good.json");
    write(&good, reqs[2].capture("g").to_string());
    let (code, results, summary, stderr) =
        verify_json(&[path_str(&first), path_str(&good), "--secret", SECRET], "");
    assert_eq!(code, 2, "{stderr}");
    let sources: Vec<&str> = results
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            format!("{}:3", path_str(&first)),
            format!("{}:4", path_str(&first)),
            path_str(&good).to_string(),
        ]
    );
    assert!(results.iter().all(|r| r["valid"] == true), "{results:?}");
    assert_eq!(summary["unreadable"], 1);
    let (_, stdout, stderr) = verify(&[path_str(&first), "--secret", SECRET], "");
    assert_skipped_warning(
        stderr.lines().next().unwrap(),
        &format!("{}:1", path_str(&first)),
    );
    assert_eq!(stdout.matches('✓').count(), 2, "{stdout}");

    // A bad signature anywhere decides: exit 1, and the closing line names both.
    let mut tampered = reqs[0].clone();
    tampered.body = click_body(99);
    let bad = dir.path().join("bad.json");
    write(&bad, tampered.capture("t").to_string());
    let (code, stdout, stderr) = verify(&[torn_path, path_str(&bad), "--secret", SECRET], "");
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some(
            format!(
                "error: 1 of 4 requests failed verification; 1 unreadable line skipped ({torn_path}:2)"
            )
            .as_str()
        )
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");

    // Nothing readable at all: still one warning per line and exit 2.
    let none = dir.path().join("none.jsonl");
    write(
        &none,
        format!("{{\"type\":\"listening\",\"port\":1}}\n{TORN}{TORN}"),
    );
    let (code, _, stderr) = verify(&[path_str(&none), "--secret", SECRET], "");
    assert_eq!(code, 2, "{stderr}");
    let err_lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(err_lines.len(), 3, "{stderr}");
    assert_skipped_warning(err_lines[0], &format!("{}:2", path_str(&none)));
    assert_skipped_warning(err_lines[1], &format!("{}:3", path_str(&none)));
    assert!(
        err_lines[2].starts_with("error: no request could be read: 2 unreadable lines skipped"),
        "{stderr}"
    );
}

#[test]
fn a_jsonl_file_cut_inside_its_last_line_verifies_the_rest_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = Req::signed("georedir", &click_body(1));
    let lines = jsonl(&[good.clone(), good.clone(), good.clone()]);
    let cut = dir.path().join("cut.jsonl");
    write(&cut, &lines.as_bytes()[..lines.len() - 200]);
    let good_file = dir.path().join("good.json");
    write(&good_file, good.capture("g").to_string());
    let place = format!("{}:3", path_str(&cut));
    for json in [false, true] {
        // Alone, and after a good input.
        for before in [None, Some(path_str(&good_file))] {
            let mut args: Vec<&str> = before.into_iter().collect();
            args.extend([path_str(&cut), "--secret", SECRET]);
            if json {
                args.push("--json");
            }
            let (code, stdout, stderr) = verify(&args, "");
            assert_no_panic(&stdout, &stderr);
            assert_eq!(code, 2, "{args:?}\n{stdout}\n{stderr}");
            let read = 2 + usize::from(before.is_some());
            let err_lines: Vec<&str> = stderr.lines().collect();
            if json {
                assert_eq!(err_lines.len(), 1, "{stderr}");
                let objects = json_lines(&stdout);
                let valid = objects.iter().filter(|o| o["valid"] == true).count();
                assert_eq!(valid, read, "{stdout}");
                let unreadable: Vec<&Value> = objects
                    .iter()
                    .filter(|o| o["type"] == "unreadable")
                    .collect();
                assert_eq!(unreadable.len(), 1, "{stdout}");
                assert_eq!(unreadable[0]["line"], 3);
            } else {
                assert_eq!(err_lines.len(), 2, "{stderr}");
                assert_skipped_warning(err_lines[0], &place);
                assert_eq!(stdout.matches('✓').count(), read, "{stdout}");
            }
            let last = err_lines.last().unwrap();
            assert!(
                last.starts_with("error: ") && last.contains(&place),
                "{stderr}"
            );
        }
    }
}

#[test]
fn listen_refuses_a_json_save_name_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x.json");
    for json in [false, true] {
        let mut args = vec![
            "listen",
            "--port",
            "0",
            "--timeout",
            "10s",
            "--save",
            path_str(&target),
        ];
        if json {
            args.push("--json");
        }
        let result = run(&args);
        assert_one_line_error(&result, 2, "a .json name would become a directory");
        let message = &result.2;
        assert!(
            message.contains("(--save caps/)")
                && message.contains(&format!(
                    "(--save {})",
                    path_str(&dir.path().join("x.jsonl"))
                )),
            "{message}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing is created"
        );
    }
}

/// Sends one signed click to a fresh `whk listen --save FILE --count 1` and waits for it
/// to exit.
fn listen_and_deliver(file: &Path, path: &str, n: usize) {
    let mut listener = Listener::start(&["--json", "--save", path_str(file), "--count", "1"]);
    let body = click_body(n);
    let signature = hmac_hex(SECRET.as_bytes(), &body);
    let reply = post(
        listener.port,
        path,
        &[("X-GeoRedir-Signature", &signature)],
        &body,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
}

#[test]
fn listen_puts_a_torn_jsonl_fragment_on_its_own_line_and_verify_reads_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("caps.jsonl");
    listen_and_deliver(&file, "/first", 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "a new capture file is the owner's only: {mode:o}"
        );
    }
    let first = std::fs::read_to_string(&file).unwrap();
    assert_eq!(first.lines().count(), 1, "{first}");

    // A listener killed in the middle of a line leaves it without a newline.
    let fragment = TORN.trim_end();
    let mut torn = first.clone();
    torn.push_str(fragment);
    write(&file, &torn);

    listen_and_deliver(&file, "/second", 2);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with(&torn),
        "nothing before is changed or deleted:\n{text}"
    );
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[1], fragment, "the fragment stays a line of its own");
    let second: Value = serde_json::from_str(lines[2]).expect("the new line is whole");
    assert_eq!(second["path"], "/second");
    assert!(text.ends_with('\n'));

    let (code, stdout, stderr) = verify(&[path_str(&file), "--secret", SECRET], "");
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let place = path_str(&file);
    assert!(
        stdout.contains(&format!("✓ {place}:1  georedir  valid")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("✓ {place}:3  georedir  valid")),
        "{stdout}"
    );
    assert_skipped_warning(stderr.lines().next().unwrap(), &format!("{place}:2"));
}

/// A header name that, printed raw, would set the clipboard (OSC 52) and clear the screen.
const HOSTILE_HEADER: &str = "X-Signature\u{1b}]52;c;aGk=\u{7}\u{1b}[2J";
/// The same name as human output must show it.
const HOSTILE_HEADER_SHOWN: &str = r"X-Signature\u{1b}]52;c;aGk=\u{7}\u{1b}[2J";
/// A webhook-id with a screen clear, a right-to-left override and a zero-width space.
const HOSTILE_ID: &str = "msg_\u{1b}[2J\u{202e}1\u{200b}";
const HOSTILE_ID_SHOWN: &str = r"msg_\u{1b}[2J\u{202e}1\u{200b}";
/// An event name that a right-to-left override turns around on screen.
const HOSTILE_EVENT: &str = "click\u{202e}kcilc";

/// A capture of a delivery that carries terminal escapes and bidi controls in its header
/// names, its webhook-id and its event name, in a file whose name has a bidi override too.
fn hostile_capture(dir: &Path) -> std::path::PathBuf {
    let body = serde_json::to_vec(&serde_json::json!({
        "event": HOSTILE_EVENT,
        "data": {"click_id": "clk_1"},
    }))
    .unwrap();
    let mut req = Req::post(
        &body,
        vec![
            (HOSTILE_HEADER.to_string(), "sha256=00".to_string()),
            ("webhook-id".to_string(), HOSTILE_ID.to_string()),
        ],
    );
    req.path = "/hooks/\u{1b}[31m\u{202e}".into();
    let mut capture = req.capture("cap_hostile");
    capture["event"] = Value::from(HOSTILE_EVENT);
    let file = dir.join("evil\u{202e}lmth.jsonl");
    write(&file, format!("{capture}\n"));
    file
}

/// Asserts no raw ESC, BEL, C1, bidi or zero-width character reaches the terminal.
#[track_caller]
fn assert_terminal_safe(label: &str, stdout: &str, stderr: &str) {
    for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
        for c in [
            '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}', '\u{2066}', '\u{feff}',
        ] {
            assert!(
                !text.contains(c),
                "{label}: raw U+{:04X} on {stream}:\n{}",
                u32::from(c),
                text.escape_debug()
            );
        }
    }
}

#[test]
fn captured_escape_sequences_and_bidi_controls_are_escaped_in_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = hostile_capture(dir.path());
    let file = path_str(&file);
    let file_shown = file.replace('\u{202e}', r"\u{202e}");

    // Detection finds no known scheme and names the signature-like headers present.
    let (code, stdout, stderr) = verify(&["--secret", "s", file], "");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_terminal_safe("detected", &stdout, &stderr);
    assert!(stdout.contains(HOSTILE_HEADER_SHOWN), "{stdout}");
    assert!(stdout.contains("webhook-id"), "{stdout}");
    assert!(stdout.contains(&file_shown), "{stdout}");
    assert!(stdout.contains("(missing-header)"), "{stdout}");

    // A fixed scheme: the missing-header reason lists the same names, and --show-expected
    // shows the signed bytes, event name included, escaped.
    let (code, stdout, stderr) = verify(
        &[
            "--secret",
            "s",
            "--scheme",
            "github",
            "--show-expected",
            file,
        ],
        "",
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_terminal_safe("github", &stdout, &stderr);
    assert!(stdout.contains(HOSTILE_HEADER_SHOWN), "{stdout}");
    assert!(stdout.contains(r"click\u{202e}kcilc"), "{stdout}");
    assert!(
        stdout.contains("expected X-Hub-Signature-256: sha256="),
        "{stdout}"
    );

    // Standard Webhooks signs the captured webhook-id: the expected headers repeat it.
    let (code, stdout, stderr) = verify(
        &[
            "--secret",
            SECRET,
            "--scheme",
            "standard",
            "--show-expected",
            file,
        ],
        "",
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_terminal_safe("standard", &stdout, &stderr);
    assert!(
        stdout.contains(&format!("expected webhook-id: {HOSTILE_ID_SHOWN}")),
        "{stdout}"
    );
    assert!(stdout.contains(HOSTILE_HEADER_SHOWN), "{stdout}");

    // --json keeps every value exact.
    let (code, results, summary, stderr) = verify_json(&["--secret", "s", file], "");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(summary["invalid"], 1);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["source"], file);
    let reason = results[0]["reason"].as_str().unwrap();
    assert!(reason.contains(HOSTILE_HEADER), "{reason:?}");
    assert!(!reason.contains(HOSTILE_HEADER_SHOWN), "{reason:?}");
    let (code, results, _, stderr) = verify_json(
        &[
            "--secret",
            SECRET,
            "--scheme",
            "standard",
            "--show-expected",
            file,
        ],
        "",
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        results[0]["expected"]["headers"]["webhook-id"], HOSTILE_ID,
        "{}",
        results[0]
    );
    assert!(
        results[0]["expected"]["signed"]
            .as_str()
            .unwrap()
            .contains(HOSTILE_EVENT),
        "{}",
        results[0]
    );
}
