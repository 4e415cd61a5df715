//! `whk sign` through the real binary.

use crate::support::*;

#[test]
fn sign_prints_the_documented_github_signature() {
    let (code, stdout, stderr) = run_with_stdin(
        &[
            "sign",
            "--scheme",
            "github",
            "--secret",
            "It's a Secret to Everybody",
        ],
        "Hello, World!",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
}

const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const VECTOR_BODY: &str = r#"{"test": 2432232314}"#;
const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";

/// Runs a shell command (a printed curl command) in the scrubbed environment (no proxy
/// settings, so it reaches 127.0.0.1 directly); returns (exit code, stdout, stderr).
fn sh(script: &str) -> (i32, String, String) {
    output_of(limited(command("sh")).args(["-c", script]))
}

#[test]
fn curl_command_delivers_a_verifiable_request() {
    if !has_program("curl") {
        eprintln!("skipping curl_command_delivers_a_verifiable_request: curl is not installed");
        return;
    }
    let receiver = Receiver::ok();
    let url = receiver.url("/hook?src=whk");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("it's a body.json");
    let file_body = "{\"msg\" : \"it's $HOME `x`\"}\n";
    std::fs::write(&file, file_body).unwrap();

    // From a file, github scheme.
    let (code, command, stderr) = run(&[
        "sign",
        file.to_str().unwrap(),
        "--scheme",
        "github",
        "--secret",
        "gh",
        "--curl",
        "--url",
        &url,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(command.starts_with("curl "), "{command}");
    let (code, _, stderr) = sh(&command);
    assert_eq!(code, 0, "curl failed: {stderr}\n{command}");

    // From stdin, stripe scheme; a body with quotes and shell metacharacters.
    let stdin_body = "{\"q\": \"'single' \\\"double\\\" $(echo no) \\\\\"}";
    let (code, command, stderr) = run_with_stdin(
        &[
            "sign", "--scheme", "stripe", "--secret", "whsec_s", "--curl", "--url", &url,
        ],
        stdin_body,
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = sh(&command);
    assert_eq!(code, 0, "curl failed: {stderr}\n{command}");

    // A raw stdin body that starts with '@' must go as text, not as a file for curl to read.
    let at_body = "@/etc/hostname";
    let (code, command, stderr) = run_with_stdin(
        &["sign", "-", "--secret", "k", "--curl", "--url", &url],
        at_body,
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = sh(&command);
    assert_eq!(code, 0, "curl failed: {stderr}\n{command}");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 3);
    let expected = [
        ("github", "gh", file_body),
        ("stripe", "whsec_s", stdin_body),
        ("georedir", "k", at_body),
    ];
    for (req, (scheme, secret, body)) in requests.iter().zip(expected) {
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/hook?src=whk");
        assert_eq!(
            String::from_utf8_lossy(&req.body),
            body,
            "{scheme}: curl sent other bytes"
        );
        assert!(independently_valid(scheme, secret, req), "{scheme}");
    }
    assert_eq!(requests[0].header("Content-Type"), Some("application/json"));
}

#[test]
fn sign_reads_a_file_a_dash_or_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    let body = "{\"event\": \"click\"}\n";
    std::fs::write(&file, body).unwrap();
    let expected = format!(
        "X-GeoRedir-Signature: {}\n",
        hmac_hex(b"k", body.as_bytes())
    );
    let (code, from_file, stderr) = run(&["sign", file.to_str().unwrap(), "--secret", "k"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(from_file, expected);
    let (_, from_dash, _) = run_with_stdin(&["sign", "-", "--secret", "k"], body);
    assert_eq!(from_dash, expected);
    let (_, from_stdin, _) = run_with_stdin(&["sign", "--secret", "k"], body);
    assert_eq!(from_stdin, expected);

    let missing = dir.path().join("missing.json");
    let result = run(&["sign", missing.to_str().unwrap(), "--secret", "k"]);
    assert_one_line_error(&result, 2, "missing.json");
}

#[test]
fn sign_json_is_one_object() {
    let (code, stdout, stderr) = run_with_stdin(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret",
            STANDARD_SECRET,
            "--timestamp",
            "1614265330",
            "--id",
            VECTOR_ID,
            "--json",
        ],
        VECTOR_BODY,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["type"], "signature");
    assert_eq!(value["scheme"], "standard");
    assert_eq!(
        value["headers"]["webhook-signature"],
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    assert_eq!(value["headers"]["webhook-id"], VECTOR_ID);
    assert_eq!(value["headers"]["webhook-timestamp"], "1614265330");

    let (code, stdout, _) = run_with_stdin(
        &[
            "sign",
            "--secret",
            "k",
            "--curl",
            "--url",
            "http://127.0.0.1:9/",
            "--json",
        ],
        "{}",
    );
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["type"], "curl");
    assert!(
        value["command"]
            .as_str()
            .unwrap()
            .starts_with("curl -sS -X POST 'http://127.0.0.1:9/'")
    );
}

#[test]
fn sign_without_a_secret_is_a_usage_error() {
    let result = run_with_stdin(&["sign"], "{}");
    assert_one_line_error(&result, 2, "--secret");
    let result = run_with_stdin(&["sign", "--curl", "--url", "http://127.0.0.1:9/"], "{}");
    assert_one_line_error(&result, 2, "needs a secret");
}

#[test]
fn timestamped_schemes_match_the_standard_webhooks_vector_and_independent_checks() {
    let pinned = ["--timestamp", "1614265330", "--id", VECTOR_ID];
    let (code, stdout, stderr) = run_with_stdin(
        &[
            &["sign", "--scheme", "standard", "--secret", STANDARD_SECRET][..],
            &pinned,
        ]
        .concat(),
        VECTOR_BODY,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\n\
         webhook-timestamp: 1614265330\n\
         webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n"
    );

    for (scheme, secret, timestamp_header) in [
        ("stripe", "whsec_stripe_key", "Stripe-Signature"),
        (
            "slack",
            "8f742231b10e8888abcd99yyyzzz85a5",
            "X-Slack-Request-Timestamp",
        ),
        ("standard", STANDARD_SECRET, "webhook-timestamp"),
    ] {
        let (code, stdout, stderr) = run_with_stdin(
            &[
                &["sign", "--scheme", scheme, "--secret", secret][..],
                &pinned,
            ]
            .concat(),
            VECTOR_BODY,
        );
        assert_eq!(code, 0, "{scheme}: {stderr}");
        let req = recorded_from_lines(&stdout, VECTOR_BODY.as_bytes());
        assert!(
            independently_valid(scheme, secret, &req),
            "{scheme}: {stdout}"
        );
        assert!(
            req.header(timestamp_header)
                .is_some_and(|v| v.contains("1614265330")),
            "{scheme} signs the pinned timestamp: {stdout}"
        );
        // One more byte in the body must not verify: the check is not vacuous.
        let tampered = recorded_from_lines(&stdout, format!("{VECTOR_BODY}\n").as_bytes());
        assert!(!independently_valid(scheme, secret, &tampered), "{scheme}");
    }
}
