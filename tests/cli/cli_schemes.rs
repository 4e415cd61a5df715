//! Provider-faithful verification through the real binary, across send, listen and verify:
//! every scheme's round trip, the headers and key forms real providers send (Svix's
//! `svix-*`, Shopify's `shopify-hmac-sha256`, unpadded `whsec_` keys, GitHub's legacy
//! sha1), each provider's timestamp policy, and key rotation with repeated `--secret`.
//! Signatures are made and checked by `support/crypto.rs`, never by whk's own code.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;

use crate::support::captures::*;
use crate::support::*;

/// `whk verify --json --body FILE --header … ARGS…`: (exit code, the verification, stdout
/// and stderr of a human run of the same).
fn verify_body(body: &[u8], headers: &[(String, String)], args: &[&str]) -> (i32, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body");
    write(&file, body);
    let mut all: Vec<String> = ["verify", "--color", "never", "--body"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    all.push(file.to_str().unwrap().to_string());
    for (name, value) in headers {
        all.extend(["--header".to_string(), format!("{name}: {value}")]);
    }
    all.extend(args.iter().map(|s| s.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let (code, human, stderr) = run(&all);
    assert_no_panic(&human, &stderr);
    let mut json_args = all.clone();
    json_args.insert(1, "--json");
    let (json_code, stdout, stderr) = run(&json_args);
    assert_eq!(
        code, json_code,
        "human and --json agree: {stdout}\n{stderr}"
    );
    let verification = json_lines(&stdout)
        .into_iter()
        .find(|v| v["type"] == "verification")
        .unwrap_or_else(|| panic!("no verification line:\n{stdout}\n{stderr}"));
    (code, verification, format!("{human}{stderr}"))
}

fn named(headers: &[(&str, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect()
}

/// The captured request a capture object describes, for the tests' own signature check.
fn recorded(capture: &Value) -> Recorded {
    let headers = capture["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    Recorded {
        method: capture["method"].as_str().unwrap().to_string(),
        path: capture["path"].as_str().unwrap().to_string(),
        headers,
        body: capture["body"].as_str().unwrap().as_bytes().to_vec(),
        at: std::time::Instant::now(),
    }
}

/// `whk send click --scheme S` → `whk listen` (detecting S) → `whk verify` on the saved
/// captures, for every scheme; each delivery also passes the tests' own check.
#[test]
fn send_listen_verify_round_trip_for_every_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("deliveries.jsonl");
    let saved_arg = saved.to_str().unwrap();
    let listener = Listener::start(&["--json", "--secret", SECRET, "--save", saved_arg]);
    let custom_saved = dir.path().join("custom.jsonl");
    let mut custom_args = vec!["--json", "--secret", SECRET];
    custom_args.extend(CUSTOM_FLAGS);
    custom_args.extend(["--save", custom_saved.to_str().unwrap()]);
    let custom = Listener::start(&custom_args);
    for scheme in SCHEMES.iter().copied().chain(["custom"]) {
        let port = if scheme == "custom" {
            &custom
        } else {
            &listener
        };
        let url = port.url(&format!("/{scheme}"));
        let event = if scheme == "relurl" {
            "link.clicked"
        } else {
            "click"
        };
        let mut args = vec!["send", event, "--url", &url, "--secret", SECRET];
        if scheme == "custom" {
            args.extend(CUSTOM_FLAGS);
        } else {
            args.extend(["--scheme", scheme]);
        }
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{scheme}: {stdout}\n{stderr}");
    }
    for (listener, count) in [(&listener, SCHEMES.len()), (&custom, 1)] {
        for capture in listener.wait_for_captures(count) {
            let scheme = capture["path"].as_str().unwrap().trim_start_matches('/');
            assert_eq!(capture["signature"]["valid"], true, "{capture}");
            assert_eq!(capture["signature"]["scheme"], scheme, "{capture}");
            assert!(
                independently_valid(scheme, SECRET, &recorded(&capture)),
                "{scheme}: {capture}"
            );
        }
    }
    let mut custom_verify = vec![
        "--json",
        "verify",
        custom_saved.to_str().unwrap(),
        "--secret",
        SECRET,
    ];
    custom_verify.extend(CUSTOM_FLAGS);
    for args in [
        vec!["--json", "verify", saved_arg, "--secret", SECRET],
        custom_verify,
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{stdout}\n{stderr}");
        let summary = json_lines(&stdout).pop().unwrap();
        assert_eq!(summary["invalid"], 0, "{summary}");
    }
}

/// Svix sends `svix-id`, `svix-timestamp`, `svix-signature` unless white-labelling is on
/// (svix/svix-webhooks, python/tests/test_webhooks.py): a standard delivery, detected.
#[test]
fn svix_branded_deliveries_verify_and_are_detected_as_standard() {
    let body = click_body(1);
    let t = unix_now();
    let headers: Vec<(String, String)> = sign("standard", SECRET, &body, t, "msg_svix_1")
        .into_iter()
        .map(|(name, value)| (name.replace("webhook-", "svix-"), value))
        .collect();
    let (code, verification, output) = verify_body(&body, &headers, &["--secret", SECRET]);
    assert_eq!(code, 0, "{output}");
    assert_eq!(verification["scheme"], "standard");
    assert_eq!(verification["valid"], true);
    // The listener detects it too, and takes svix-id as the idempotency key.
    let listener = Listener::start(&["--json", "--secret", SECRET]);
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let reply = post(listener.port, "/svix", &header_refs, &body);
    assert_eq!(reply.status, 200);
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["signature"]["scheme"], "standard", "{capture}");
    assert_eq!(capture["signature"]["valid"], true, "{capture}");
}

/// Shopify's new header name without `X-` (Shopify/shopify-api-ruby,
/// test/webhooks/request_test.rb), its value ending in Ruby's `Base64.encode64` newline.
#[test]
fn shopify_hmac_sha256_without_x_prefix_verifies() {
    let body = click_body(2);
    let value = format!("{}\n", hmac_b64(SECRET.as_bytes(), &body));
    for name in ["shopify-hmac-sha256", "X-Shopify-Hmac-Sha256"] {
        let headers = named(&[(name, value.clone())]);
        let (code, verification, output) = verify_body(&body, &headers, &["--secret", SECRET]);
        assert_eq!(code, 0, "{name}: {output}");
        assert_eq!(verification["scheme"], "shopify");
    }
}

/// A `whsec_` key whose base64 lost its `=` padding, as the Python and JS libraries accept:
/// verify, listen and send all take it (it used to exit 2).
#[test]
fn unpadded_whsec_keys_are_accepted_everywhere() {
    let padded = "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ubw==";
    let unpadded = padded.trim_end_matches('=');
    assert_eq!(standard_key(padded).len(), 25);
    let body = click_body(3);
    let headers = sign("standard", padded, &body, unix_now(), "msg_pad_1");
    let (code, verification, output) = verify_body(
        &body,
        &headers,
        &["--secret", unpadded, "--scheme", "standard"],
    );
    assert_eq!(code, 0, "{output}");
    assert_eq!(verification["valid"], true);

    let listener = Listener::start(&["--json", "--secret", padded]);
    let url = listener.url("/pad");
    let (code, stdout, stderr) = run(&[
        "send", "click", "--url", &url, "--secret", unpadded, "--scheme", "standard",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["signature"]["valid"], true, "{capture}");
    assert!(independently_valid("standard", padded, &recorded(capture)));
}

/// GitHub's legacy `X-Hub-Signature` (HMAC-SHA1) is verified when it is the only one, with
/// a warning that sha256 is preferred. The value is GitHub's documented example ("Hello,
/// World!" under "It's a Secret to Everybody") as HMAC-SHA1, computed with Python's hmac.
#[test]
fn github_legacy_sha1_alone_verifies_with_a_warning() {
    let secret = "It's a Secret to Everybody";
    let sha1 = (
        "X-Hub-Signature",
        "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59".to_string(),
    );
    let (code, verification, output) = verify_body(
        b"Hello, World!",
        &named(std::slice::from_ref(&sha1)),
        &["--secret", secret],
    );
    assert_eq!(code, 0, "{output}");
    assert_eq!(verification["scheme"], "github");
    let note = verification["notes"][0].as_str().unwrap();
    assert!(note.contains("X-Hub-Signature-256"), "{note}");
    assert!(
        output.contains("warning: ") && output.contains("HMAC-SHA1"),
        "{output}"
    );
    // Beside X-Hub-Signature-256 only that one counts.
    let wrong256 = ("X-Hub-Signature-256", format!("sha256={}", "0".repeat(64)));
    let (code, verification, _) = verify_body(
        b"Hello, World!",
        &named(&[sha1, wrong256]),
        &["--secret", secret],
    );
    assert_eq!(code, 1);
    assert_eq!(verification["valid"], false);
}

/// Stripe's libraries refuse only old timestamps: a future one verifies, with a warning.
/// Standard Webhooks and Slack refuse both ways.
#[test]
fn future_timestamps_follow_each_providers_policy_and_are_always_mentioned() {
    let body = click_body(4);
    let future = unix_now() + 3600;
    let stripe = sign("stripe", SECRET, &body, future, "");
    let (code, verification, output) = verify_body(&body, &stripe, &["--secret", SECRET]);
    assert_eq!(code, 0, "{output}");
    assert!(
        verification["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("in the future")),
        "{verification}"
    );
    assert!(output.contains("warning: timestamp"), "{output}");
    // listen says so too, on the delivery's line.
    let listener = Listener::start(&["--secret", SECRET, "--color", "never"]);
    let header_refs: Vec<(&str, &str)> = stripe
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        post(listener.port, "/future", &header_refs, &body).status,
        200
    );
    listener.wait_for_stdout("✓ stripe  ⚠ timestamp".as_bytes());
    for scheme in ["standard", "slack"] {
        let headers = sign(scheme, SECRET, &body, future, "msg_future");
        let (code, verification, output) = verify_body(&body, &headers, &["--secret", SECRET]);
        assert_eq!(code, 1, "{scheme}: {output}");
        assert_eq!(verification["diagnosis"]["kind"], "stale", "{verification}");
        assert!(output.contains("in the future"), "{output}");
    }
}

/// Scheme detection with several secrets: a secret of another provider's form (not
/// whsec_) does not make standard deliveries malformed while another secret fits and matches.
#[test]
fn a_secret_of_another_form_does_not_spoil_the_one_that_fits() {
    let body = click_body(6);
    let headers = sign("standard", SECRET, &body, unix_now(), "msg_mixed");
    for (args, key) in [
        (["--secret", "plain-github-secret", "--secret", SECRET], 2),
        (["--secret", SECRET, "--secret", "plain-github-secret"], 1),
    ] {
        let (code, verification, output) = verify_body(&body, &headers, &args);
        assert_eq!(code, 0, "{output}");
        assert_eq!(verification["key"], key, "{verification}");
    }
    // With no secret of the right form, it still says why.
    let (code, verification, output) =
        verify_body(&body, &headers, &["--secret", "plain-github-secret"]);
    assert_eq!(code, 1, "{output}");
    assert_eq!(
        verification["diagnosis"]["kind"], "malformed",
        "{verification}"
    );
}

/// Moving from a whsec_ secret to a key pair: with both given, a v1 delivery and a v1a one
/// are valid whichever secret comes first (a key that finds no signature of its kind does not
/// end the search).
#[test]
fn a_whsec_secret_and_a_public_key_together_verify_v1_and_v1a() {
    let (signing, public) = key_pair();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    let body = br#"{"a":1}"#;
    write(&file, body);
    for (signer, checked_by) in [(&signing, 2), (&SECRET.to_string(), 1)] {
        let (code, stdout, stderr) = run(&[
            "sign",
            file.to_str().unwrap(),
            "--secret",
            signer,
            "--scheme",
            "standard",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let headers: Vec<(String, String)> = stdout
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        for (secrets, key) in [
            ([SECRET, &public], checked_by),
            ([&public, SECRET], 3 - checked_by),
        ] {
            let args = ["--secret", secrets[0], "--secret", secrets[1]];
            let (code, verification, output) = verify_body(body, &headers, &args);
            assert_eq!(code, 0, "{output}");
            assert_eq!(verification["key"], key, "{verification}");
        }
    }
}

/// Key rotation: `--secret` repeated; any one matching is valid, named by position only.
#[test]
fn several_secrets_verify_during_a_key_rotation_named_by_position() {
    let old = "old-rotated-secret-1234";
    let body = click_body(5);
    let headers = sign("stripe", SECRET, &body, unix_now(), "");
    let (code, verification, output) =
        verify_body(&body, &headers, &["--secret", old, "--secret", SECRET]);
    assert_eq!(code, 0, "{output}");
    assert_eq!(verification["key"], 2, "{verification}");
    assert!(output.contains("valid (secret #2)"), "{output}");
    for text in [output.as_str(), &verification.to_string()] {
        assert!(!text.contains(SECRET) && !text.contains(old), "{text}");
    }
    let (code, _, _) = verify_body(&body, &headers, &["--secret", old, "--secret", "other"]);
    assert_eq!(code, 1);

    // listen takes both: deliveries signed with either are valid.
    let listener = Listener::start(&["--json", "--secret", old, "--secret", SECRET]);
    for (n, secret) in [old, SECRET].into_iter().enumerate() {
        let url = listener.url(&format!("/key{}", n + 1));
        let (code, stdout, stderr) = run(&["send", "click", "--url", &url, "--secret", secret]);
        assert_eq!(code, 0, "{stdout}\n{stderr}");
    }
    for capture in listener.wait_for_captures(2) {
        let path = capture["path"].as_str().unwrap();
        let position = path.trim_start_matches("/key").parse::<u64>().unwrap();
        assert_eq!(capture["signature"]["valid"], true, "{capture}");
        assert_eq!(capture["signature"]["key"], position, "{capture}");
    }

    // Signing takes one secret: several is a usage error, in one line.
    let result = run(&[
        "send",
        "click",
        "--url",
        "http://127.0.0.1:9/",
        "--secret",
        "a",
        "--secret",
        "b",
        "--dry-run",
    ]);
    assert_one_line_error(&result, 2, "signing uses one secret");
}

/// `whk secret --scheme standard --asymmetric`: the whsk_ signing key, then the whpk_
/// public key (as JSON fields with --json); other schemes have no key pair.
fn key_pair() -> (String, String) {
    let (code, stdout, stderr) = run(&["secret", "--scheme", "standard", "--asymmetric"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("whsk_") && lines[1].starts_with("whpk_"),
        "{stdout}"
    );
    (lines[0].to_string(), lines[1].to_string())
}

#[test]
fn asymmetric_key_pairs_are_printed_for_standard_only() {
    let (signing, public) = key_pair();
    assert_ne!(key_pair().0, signing, "fresh each time");
    assert_eq!(B64.decode(&signing[5..]).unwrap().len(), 64);
    assert_eq!(
        &B64.decode(&signing[5..]).unwrap()[32..],
        &B64.decode(&public[5..]).unwrap()[..]
    );
    let (code, stdout, _) = run(&["--json", "secret", "--scheme", "standard", "--asymmetric"]);
    assert_eq!(code, 0);
    let record = &json_lines(&stdout)[0];
    assert_eq!(record["type"], "secret");
    assert_eq!(record["scheme"], "standard");
    assert!(
        record["secret"].as_str().unwrap().starts_with("whsk_"),
        "{record}"
    );
    assert!(
        record["public_key"].as_str().unwrap().starts_with("whpk_"),
        "{record}"
    );
    let result = run(&["secret", "--scheme", "stripe", "--asymmetric"]);
    assert_one_line_error(&result, 2, "--scheme standard");
}

/// v1a end to end: send signs with whsk_, listen (detecting the scheme) and verify check
/// with whpk_, and the tests' own ed25519 (ed25519-compact) agrees; sign and replay
/// --resign sign with whsk_ too; a whpk_ key cannot sign.
#[test]
fn v1a_round_trip_send_listen_verify() {
    let (signing, public) = key_pair();
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("v1a.jsonl");
    let listener = Listener::start(&[
        "--json",
        "--secret",
        &public,
        "--save",
        saved.to_str().unwrap(),
    ]);
    let url = listener.url("/v1a");
    let (code, stdout, stderr) = run(&[
        "send", "click", "--url", &url, "--secret", &signing, "--scheme", "standard",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["signature"]["scheme"], "standard", "{capture}");
    assert_eq!(capture["signature"]["valid"], true, "{capture}");
    assert!(v1a_valid(&public, &recorded(capture)), "{capture}");

    let (code, stdout, stderr) = run(&[
        "--json",
        "verify",
        saved.to_str().unwrap(),
        "--secret",
        &public,
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        !stdout.contains(&signing[5..]),
        "the signing key was printed"
    );

    // replay --resign with the signing key: the listener accepts the fresh signature.
    let (code, stdout, stderr) = run(&[
        "replay",
        saved.to_str().unwrap(),
        "--url",
        &url,
        "--resign",
        "--secret",
        &signing,
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let captures = listener.wait_for_captures(2);
    assert!(
        captures.iter().all(|c| c["signature"]["valid"] == true),
        "{captures:?}"
    );
    assert!(v1a_valid(&public, &recorded(&captures[1])));

    // sign prints a v1a header; a public key cannot sign.
    let body = dir.path().join("body.json");
    write(&body, br#"{"a":1}"#);
    let (code, stdout, stderr) = run(&[
        "sign",
        body.to_str().unwrap(),
        "--secret",
        &signing,
        "--scheme",
        "standard",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("webhook-signature: v1a,"), "{stdout}");
    let result = run(&[
        "send", "click", "--url", &url, "--secret", &public, "--scheme", "standard",
    ]);
    assert_one_line_error(&result, 2, "only verifies");
}
