//! `whk check URL` through the real binary against receivers written for the tests
//! (support/check_receiver.rs), each wrong in one known way: every receiver gets exactly the
//! findings it deserves.

use std::time::Duration;

use serde_json::Value;

use crate::support::check_receiver::{Behaviour, CheckReceiver, Scheme};
use crate::support::*;

/// No hex or base64-looking run that a signature could reproduce by chance.
const SECRET: &str = "whk-check-s3cret-Zq!";
const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The report order: every scenario as listed, with latency last (judged from all answers).
const REPORT_ORDER: [&str; 10] = [
    "valid",
    "tampered",
    "wrong-secret",
    "unsigned",
    "stale",
    "reserialised",
    "duplicate",
    "https",
    "unknown-event",
    "latency",
];

fn secret_for(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => STANDARD_SECRET,
        _ => SECRET,
    }
}

/// A `whk check --json` run, parsed.
struct Report {
    code: i32,
    rows: Vec<Value>,
    summary: Value,
    stderr: String,
}

impl Report {
    fn statuses(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn row(&self, id: &str) -> &Value {
        self.rows
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no {id} row in {:#?}", self.rows))
    }

    fn security_ids(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r["security"] == true)
            .map(|r| r["id"].as_str().unwrap())
            .collect()
    }

    /// The curl command that reproduces a finding.
    fn request(&self, id: &str) -> &str {
        self.row(id)["request"]
            .as_str()
            .unwrap_or_else(|| panic!("{id} carries no request: {}", self.row(id)))
    }
}

/// Runs `whk check URL --secret S --json EXTRA…`, checks the shape every report has, and
/// that the secret appears nowhere in the output.
fn check_json(url: &str, secret: &str, extra: &[&str]) -> Report {
    let mut args = vec!["check", url, "--secret", secret, "--json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    assert_secret_not_shown(secret, &stdout, &stderr);
    let values: Vec<Value> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}\n{stderr}"))
        })
        .collect();
    let (summary, rows) = values
        .split_last()
        .unwrap_or_else(|| panic!("no JSON output (exit {code}): {stderr}"));
    assert_eq!(
        summary["type"], "check_summary",
        "the last line is the summary"
    );
    for row in rows {
        assert_eq!(row["type"], "scenario", "{row}");
        for field in ["id", "status", "summary", "why", "fix"] {
            assert!(
                row[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {row}"
            );
        }
        let status = row["status"].as_str().unwrap();
        assert!(row["security"].is_boolean(), "{row}");
        if row["security"] == true {
            assert_eq!(status, "FAIL", "only failures are security findings: {row}");
        }
        match status {
            "FAIL" | "WARN" => {
                let request = row["request"].as_str().unwrap_or_else(|| {
                    panic!("a {status} row carries the request that exposed it: {row}")
                });
                assert!(request.starts_with("curl "), "{request}");
                assert!(request.contains(url), "request names {url}: {request}");
            }
            "PASS" | "SKIP" => assert!(row["request"].is_null(), "{row}"),
            other => panic!("unknown status {other} in {row}"),
        }
    }
    let count = |s: &str| rows.iter().filter(|r| r["status"] == s).count();
    assert_eq!(summary["passed"], count("PASS"), "{summary}");
    assert_eq!(summary["warnings"], count("WARN"), "{summary}");
    assert_eq!(summary["failed"], count("FAIL"), "{summary}");
    assert_eq!(summary["skipped"], count("SKIP"), "{summary}");
    let expected_code = if count("FAIL") > 0 { 1 } else { 0 };
    assert_eq!(code, expected_code, "exit code; stderr: {stderr}");
    Report {
        code,
        rows: rows.to_vec(),
        summary: summary.clone(),
        stderr,
    }
}

fn assert_secret_not_shown(secret: &str, stdout: &str, stderr: &str) {
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "the secret was printed:\n{stdout}\n{stderr}"
    );
}

/// Every scenario PASS in report order, except `overrides` (id, status).
fn expected(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    for (id, _) in overrides {
        assert!(REPORT_ORDER.contains(id), "unknown scenario {id}");
    }
    REPORT_ORDER
        .iter()
        .map(|id| {
            let status = overrides
                .iter()
                .find(|(o, _)| o == id)
                .map_or("PASS", |(_, s)| s);
            (id.to_string(), status.to_string())
        })
        .collect()
}

fn scheme_args(scheme: Scheme) -> [&'static str; 2] {
    ["--scheme", scheme.name()]
}

#[test]
fn correct_timestamped_receivers_pass_every_scenario() {
    for scheme in [Scheme::Stripe, Scheme::Standard] {
        let secret = secret_for(scheme);
        let receiver = CheckReceiver::start(scheme, secret, GEOREDIR_EVENTS, Behaviour::correct());
        let report = check_json(&receiver.url(), secret, &scheme_args(scheme));
        assert_eq!(report.statuses(), expected(&[]), "{scheme:?}");
        assert_eq!(report.code, 0, "{scheme:?}: {}", report.stderr);
        assert!(report.security_ids().is_empty());
        assert_eq!(report.summary["passed"], 10);
        assert!(
            report.row("https")["summary"]
                .as_str()
                .unwrap()
                .contains("127.0.0.1"),
            "{}",
            report.row("https")
        );
        // The receiver refused exactly the forged and stale deliveries.
        // Stripe's libraries accept a future timestamp, so it is not asked to refuse one.
        let refused = receiver.seen().iter().filter(|s| s.status == 401).count();
        let stale = if scheme == Scheme::Stripe { 1 } else { 2 };
        assert_eq!(
            refused,
            3 + stale,
            "{scheme:?}: tampered, wrong secret, unsigned, stale past (and future)"
        );
    }
}

#[test]
fn correct_georedir_receiver_passes_all_but_stale_which_is_skipped() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::correct(),
    );
    let report = check_json(&receiver.url(), SECRET, &[]);
    assert_eq!(report.statuses(), expected(&[("stale", "SKIP")]));
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report.row("stale")["summary"]
            .as_str()
            .unwrap()
            .contains("georedir"),
        "the skip says why: {}",
        report.row("stale")
    );
    let seen = receiver.seen();
    for event in GEOREDIR_EVENTS {
        assert!(
            seen.iter()
                .any(|s| s.event.as_deref() == Some(*event) && s.status == 200),
            "valid delivery of {event} accepted"
        );
    }
    assert_eq!(
        seen.iter().filter(|s| s.duplicate).count(),
        1,
        "the duplicate scenario sent one delivery twice"
    );
}

#[test]
fn receiver_that_never_verifies_fails_every_forgery_as_a_security_finding() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::never_verifies(),
    );
    let url = receiver.url();
    let report = check_json(&url, SECRET, &[]);
    assert_eq!(
        report.statuses(),
        expected(&[
            ("tampered", "FAIL"),
            ("wrong-secret", "FAIL"),
            ("unsigned", "FAIL"),
            ("stale", "SKIP"),
            ("reserialised", "SKIP"),
        ])
    );
    assert_eq!(report.code, 1);
    assert_eq!(
        report.security_ids(),
        ["tampered", "wrong-secret", "unsigned"]
    );
    // Accepting the awkward body proves nothing when everything is accepted.
    let reserialised = report.row("reserialised")["summary"].as_str().unwrap();
    assert!(
        reserialised.starts_with("inconclusive: the receiver accepts forgeries too"),
        "{reserialised}"
    );
    assert!(
        report
            .request("tampered")
            .contains("X-GeoRedir-Signature: "),
        "{}",
        report.request("tampered")
    );
    assert!(
        !report.request("unsigned").contains("X-GeoRedir-Signature"),
        "{}",
        report.request("unsigned")
    );
    let error = report.stderr.lines().last().unwrap_or_default();
    assert!(
        error.starts_with("error: ") && error.contains("3 of 10") && error.contains("security"),
        "{}",
        report.stderr
    );
}

#[test]
fn receiver_that_never_verifies_also_fails_stale_with_stripe() {
    let receiver = CheckReceiver::start(
        Scheme::Stripe,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::never_verifies(),
    );
    let report = check_json(&receiver.url(), SECRET, &scheme_args(Scheme::Stripe));
    assert_eq!(
        report.statuses(),
        expected(&[
            ("tampered", "FAIL"),
            ("wrong-secret", "FAIL"),
            ("unsigned", "FAIL"),
            ("stale", "FAIL"),
            ("reserialised", "SKIP"),
        ])
    );
    assert_eq!(report.code, 1);
    assert_eq!(
        report.security_ids(),
        ["tampered", "wrong-secret", "unsigned", "stale"]
    );
    assert!(report.request("stale").contains("Stripe-Signature: t="));
}

#[test]
fn receiver_that_verifies_a_reserialised_body_fails_only_that_scenario() {
    for scheme in [Scheme::Georedir, Scheme::Stripe] {
        let receiver =
            CheckReceiver::start(scheme, SECRET, GEOREDIR_EVENTS, Behaviour::reserialising());
        let report = check_json(&receiver.url(), SECRET, &scheme_args(scheme));
        let stale = if scheme == Scheme::Georedir {
            "SKIP"
        } else {
            "PASS"
        };
        assert_eq!(
            report.statuses(),
            expected(&[("reserialised", "FAIL"), ("stale", stale)]),
            "{scheme:?}"
        );
        assert_eq!(report.code, 1);
        assert!(
            report.security_ids().is_empty(),
            "refusing genuine deliveries is a bug, not a hole"
        );
        let request = report.request("reserialised");
        assert!(
            request.contains("50.00") && request.contains(r"\u00e9"),
            "the reproducer sends the awkward bytes verbatim: {request}"
        );
    }
}

#[test]
fn receiver_that_accepts_future_timestamps_fails_stale_where_the_provider_refuses_them() {
    let scheme = Scheme::Standard;
    let secret = secret_for(scheme);
    let receiver = CheckReceiver::start(scheme, secret, GEOREDIR_EVENTS, Behaviour::past_only());
    let report = check_json(&receiver.url(), secret, &scheme_args(scheme));
    assert_eq!(report.statuses(), expected(&[("stale", "FAIL")]));
    assert_eq!(report.security_ids(), ["stale"]);
    let summary = report.row("stale")["summary"].as_str().unwrap().to_string();
    assert!(summary.contains("future"), "{summary}");
    // Stripe's own libraries accept a future timestamp, so a Stripe receiver may too.
    let scheme = Scheme::Stripe;
    let secret = secret_for(scheme);
    let receiver = CheckReceiver::start(scheme, secret, GEOREDIR_EVENTS, Behaviour::past_only());
    let report = check_json(&receiver.url(), secret, &scheme_args(scheme));
    assert_eq!(report.statuses(), expected(&[]));
}

#[test]
fn receiver_without_replay_protection_fails_stale_as_a_security_finding() {
    for scheme in [Scheme::Stripe, Scheme::Standard] {
        let secret = secret_for(scheme);
        let receiver = CheckReceiver::start(
            scheme,
            secret,
            GEOREDIR_EVENTS,
            Behaviour::no_replay_protection(),
        );
        let report = check_json(&receiver.url(), secret, &scheme_args(scheme));
        assert_eq!(
            report.statuses(),
            expected(&[("stale", "FAIL")]),
            "{scheme:?}"
        );
        assert_eq!(report.code, 1);
        assert_eq!(report.security_ids(), ["stale"]);
        assert!(
            report.row("stale")["summary"]
                .as_str()
                .unwrap()
                .contains("accepted"),
            "{}",
            report.row("stale")
        );
    }
}

#[test]
fn receiver_slower_than_half_the_timeout_warns() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::slow(Duration::from_millis(500)),
    );
    let report = check_json(
        &receiver.url(),
        SECRET,
        &["--timeout", "800ms", "--only", "duplicate,latency"],
    );
    assert_eq!(
        report.statuses(),
        [("duplicate", "PASS"), ("latency", "WARN")].map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(report.code, 0, "warnings alone do not fail the check");
    assert!(report.security_ids().is_empty());
    assert!(
        report.row("latency")["summary"]
            .as_str()
            .unwrap()
            .contains("half"),
        "{}",
        report.row("latency")
    );
}

#[test]
fn receiver_slower_than_the_timeout_fails_latency() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour {
            prompt_first: 1,
            ..Behaviour::slow(Duration::from_millis(600))
        },
    );
    // The first delivery is answered at once, the retry only after the timeout.
    let report = check_json(
        &receiver.url(),
        SECRET,
        &["--timeout", "400ms", "--only", "latency,duplicate"],
    );
    assert_eq!(
        report.statuses(),
        [("duplicate", "FAIL"), ("latency", "FAIL")].map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(report.code, 1);
    assert!(report.security_ids().is_empty());
    let latency = report.row("latency")["summary"].as_str().unwrap();
    assert!(latency.contains("timeout"), "{latency}");
    let duplicate = report.row("duplicate")["summary"].as_str().unwrap();
    assert!(
        duplicate.contains("acknowledged the first delivery but answered the retry"),
        "the retry got no answer: {duplicate}"
    );
}

#[test]
fn receiver_answering_500_to_unknown_events_fails_unknown_event() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::fails_unknown(),
    );
    let report = check_json(&receiver.url(), SECRET, &[]);
    assert_eq!(
        report.statuses(),
        expected(&[("unknown-event", "FAIL"), ("stale", "SKIP")])
    );
    assert_eq!(report.code, 1);
    assert!(report.security_ids().is_empty());
    assert!(
        report.row("unknown-event")["summary"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{}",
        report.row("unknown-event")
    );
    let answered_500: Vec<_> = receiver
        .seen()
        .into_iter()
        .filter(|s| s.status == 500)
        .collect();
    assert_eq!(answered_500.len(), 1);
    let event = answered_500[0].event.clone().unwrap_or_default();
    assert!(!GEOREDIR_EVENTS.contains(&event.as_str()), "{event}");
}

#[test]
fn relurl_profile_is_checked_against_a_relurl_receiver() {
    // A correct relurl receiver: everything passes; stale is skipped (no signed timestamp).
    let receiver =
        CheckReceiver::start(Scheme::Relurl, SECRET, RELURL_EVENTS, Behaviour::correct());
    let report = check_json(
        &receiver.url(),
        SECRET,
        &["--scheme", "relurl", "--profile", "relurl"],
    );
    assert_eq!(report.statuses(), expected(&[("stale", "SKIP")]));
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report.row("valid")["summary"]
            .as_str()
            .unwrap()
            .contains("4 relurl events"),
        "{}",
        report.row("valid")
    );
    let seen = receiver.seen();
    for event in RELURL_EVENTS {
        let delivery = seen
            .iter()
            .find(|s| s.event.as_deref() == Some(*event) && s.status == 200)
            .unwrap_or_else(|| panic!("no accepted {event} delivery"));
        let body: Value = serde_json::from_slice(&delivery.body).unwrap();
        assert!(body["event_id"].is_string(), "relurl envelope: {body}");
    }
    drop(receiver);

    // A receiver that refuses events outside the relurl list with 500 accepts every valid
    // delivery: the profile's events are the ones sent, with --profile and by default.
    let receiver = CheckReceiver::start(
        Scheme::Relurl,
        SECRET,
        RELURL_EVENTS,
        Behaviour::fails_unknown(),
    );
    for extra in [&["--profile", "relurl"][..], &[]] {
        let mut args = vec!["--scheme", "relurl"];
        args.extend_from_slice(extra);
        let report = check_json(&receiver.url(), SECRET, &args);
        assert_eq!(
            report.statuses(),
            expected(&[("stale", "SKIP"), ("unknown-event", "FAIL")]),
            "{args:?}"
        );
    }

    // --profile wins over the scheme's default profile.
    let receiver = CheckReceiver::start(
        Scheme::Relurl,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::fails_unknown(),
    );
    let report = check_json(
        &receiver.url(),
        SECRET,
        &[
            "--scheme",
            "relurl",
            "--profile",
            "georedir",
            "--only",
            "valid",
        ],
    );
    assert_eq!(report.statuses(), [("valid".into(), "PASS".into())]);
}

#[test]
fn human_report_shows_rows_reasons_reproducers_and_a_summary() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::never_verifies(),
    );
    let url = receiver.url();
    let (code, stdout, stderr) = run(&["check", &url, "--secret", SECRET, "--color", "never"]);
    assert_secret_not_shown(SECRET, &stdout, &stderr);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(!stdout.contains('\x1b'), "no colour with --color never");
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            ["PASS ", "FAIL ", "WARN ", "SKIP "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    assert_eq!(rows.len(), 10, "{stdout}");
    for id in ["tampered", "wrong-secret", "unsigned"] {
        let row = rows
            .iter()
            .find(|l| l.split_whitespace().nth(1) == Some(id))
            .unwrap_or_else(|| panic!("no {id} row: {stdout}"));
        assert!(
            row.starts_with("FAIL") && row.contains("[security]"),
            "{row}"
        );
    }
    assert!(
        rows.iter()
            .any(|l| l.starts_with("SKIP")
                && l.contains("inconclusive: the receiver accepts forgeries")),
        "SKIP reserialised: {stdout}"
    );
    for id in ["valid", "duplicate", "https", "unknown-event", "latency"] {
        assert!(
            rows.iter()
                .any(|l| l.starts_with("PASS") && l.split_whitespace().nth(1) == Some(id)),
            "PASS {id}: {stdout}"
        );
    }
    assert!(
        rows.iter()
            .any(|l| l.starts_with("SKIP") && l.contains("stale"))
    );
    let why = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("why: "))
        .count();
    let fix = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("fix: "))
        .count();
    assert_eq!(
        (why, fix),
        (3, 3),
        "why/fix for each failure only: {stdout}"
    );
    assert!(
        stdout.contains("5 passed, 0 warnings, 3 failed, 2 skipped"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("reproduce with").count(),
        3,
        "a reproducer per failure: {stdout}"
    );
    assert!(
        stdout.contains(&format!("curl -sS -X POST '{url}'")),
        "{stdout}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: ") && l.contains("3 of 10")),
        "{stderr}"
    );

    // A passing receiver: rows, no reasons, a clean summary and exit 0.
    let good = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::correct(),
    );
    let (code, stdout, stderr) =
        run(&["check", &good.url(), "--secret", SECRET, "--color", "never"]);
    assert_secret_not_shown(SECRET, &stdout, &stderr);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("PASS ")).count(), 9);
    assert!(
        !stdout.contains("why: ") && !stdout.contains("reproduce with"),
        "{stdout}"
    );
    assert!(
        stdout.contains("9 passed, 0 warnings, 0 failed, 1 skipped"),
        "{stdout}"
    );
    assert!(!stderr.contains("error:"), "{stderr}");
}

#[test]
fn only_and_skip_select_the_scenarios_that_run() {
    let receiver = CheckReceiver::start(
        Scheme::Stripe,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::correct(),
    );
    let url = receiver.url();
    let ids = |report: &Report| -> Vec<String> {
        report.statuses().into_iter().map(|(id, _)| id).collect()
    };

    let report = check_json(&url, SECRET, &["--scheme", "stripe", "--only", "https"]);
    assert_eq!(ids(&report), ["https"]);
    assert!(
        receiver.seen().is_empty(),
        "the https scenario sends nothing"
    );

    let report = check_json(
        &url,
        SECRET,
        &[
            "--scheme",
            "stripe",
            "--only",
            "latency,tampered",
            "--only",
            "stale",
        ],
    );
    assert_eq!(ids(&report), ["tampered", "stale", "latency"]);
    assert_eq!(
        receiver.seen().len(),
        3,
        "one tampered and two stale (past, future) deliveries"
    );

    let report = check_json(
        &url,
        SECRET,
        &["--scheme", "stripe", "--skip", "valid,https,stale"],
    );
    assert_eq!(
        ids(&report),
        [
            "tampered",
            "wrong-secret",
            "unsigned",
            "reserialised",
            "duplicate",
            "unknown-event",
            "latency"
        ]
    );
    assert!(report.rows.iter().all(|r| r["status"] == "PASS"));

    // Only latency: nothing else sent a request to time.
    let report = check_json(&url, SECRET, &["--scheme", "stripe", "--only", "latency"]);
    assert_eq!(report.statuses(), [("latency".into(), "SKIP".into())]);

    let (code, _, stderr) = run(&[
        "check", &url, "--secret", SECRET, "--only", "valid", "--skip", "https",
    ]);
    assert_eq!(code, 2, "--only and --skip conflict: {stderr}");
    let (code, _, stderr) = run(&["check", &url, "--secret", SECRET, "--only", "bogus"]);
    assert_eq!(code, 2, "unknown scenario: {stderr}");
    assert!(stderr.contains("bogus"), "{stderr}");
}

#[test]
fn unreachable_receiver_exits_3_with_one_line_naming_the_url() {
    let url = closed_port_url();
    for extra in [&[][..], &["--json"], &["--only", "tampered"]] {
        let mut args = vec![
            "check",
            url.as_str(),
            "--secret",
            SECRET,
            "--color",
            "never",
        ];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = run(&args);
        assert_secret_not_shown(SECRET, &stdout, &stderr);
        assert_eq!(code, 3, "{extra:?}: {stdout}\n{stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{extra:?}: {stderr}");
        assert!(errors[0].contains(&url), "names the URL: {}", errors[0]);
        assert!(errors[0].contains("refused"), "says why: {}", errors[0]);
        assert!(
            !stdout.contains("FAIL"),
            "an unreachable receiver is not a failed audit: {stdout}"
        );
    }
}

#[test]
fn missing_secret_is_a_usage_error_and_the_environment_can_supply_it() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::correct(),
    );
    let result = run(&["check", &receiver.url()]);
    assert_one_line_error(&result, 2, "--secret");
    assert!(
        receiver.seen().is_empty(),
        "nothing is sent without a secret"
    );

    let (code, stdout, stderr) = output_of(whk().env("WHK_SECRET", SECRET).args([
        "check",
        &receiver.url(),
        "--json",
        "--only",
        "valid",
    ]));
    assert_secret_not_shown(SECRET, &stdout, &stderr);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains(r#""status":"PASS""#), "{stdout}");
}

#[test]
fn invalid_url_is_a_usage_error() {
    for url in ["not a url", "ftp://127.0.0.1/hook", "127.0.0.1:3001/hook"] {
        let result = run(&["check", url, "--secret", SECRET]);
        assert_one_line_error(&result, 2, url);
        assert_secret_not_shown(SECRET, &result.1, &result.2);
    }
}

/// A wrong path answers 404 to everything: refusing the forgeries proves nothing, since the
/// valid deliveries were refused too.
#[test]
fn receiver_that_refuses_everything_passes_no_forgery_scenario() {
    let receiver = CheckReceiver::start(
        Scheme::Stripe,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::answers_all(404),
    );
    let report = check_json(&receiver.url(), SECRET, &scheme_args(Scheme::Stripe));
    let status = |id: &str| report.row(id)["status"].as_str().unwrap().to_string();
    assert_eq!(status("valid"), "FAIL");
    for id in [
        "tampered",
        "wrong-secret",
        "unsigned",
        "stale",
        "reserialised",
        "duplicate",
        "unknown-event",
    ] {
        assert_eq!(status(id), "SKIP", "{id}: {}", report.row(id));
        let summary = report.row(id)["summary"].as_str().unwrap();
        assert!(summary.starts_with("inconclusive:"), "{summary}");
        assert!(summary.contains("404"), "{summary}");
    }
    assert_eq!(report.code, 1);
    assert!(report.security_ids().is_empty(), "{:?}", report.statuses());

    // With --only, a control delivery stands in for the valid scenario.
    let report = check_json(
        &receiver.url(),
        SECRET,
        &["--scheme", "stripe", "--only", "tampered"],
    );
    assert_eq!(report.statuses(), [("tampered".into(), "SKIP".into())]);
}

/// A 302 to a forgery neither accepts nor refuses it: a warning, not a security finding.
#[test]
fn redirects_to_forgeries_warn_as_neither_accepted_nor_rejected() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::answers_all(302),
    );
    let report = check_json(
        &receiver.url(),
        SECRET,
        &["--only", "tampered,wrong-secret,unsigned"],
    );
    for id in ["tampered", "wrong-secret", "unsigned"] {
        let row = report.row(id);
        assert_eq!(row["status"], "WARN", "{row}");
        assert!(
            row["summary"]
                .as_str()
                .unwrap()
                .starts_with("redirected: neither accepted nor rejected"),
            "{row}"
        );
    }
    assert!(report.security_ids().is_empty());
    assert_eq!(report.code, 0);
}

/// A receiver that never answers within the timeout is a network failure (exit 3), like an
/// unreachable one, not a list of findings.
#[test]
fn receiver_that_times_out_on_every_probe_exits_3() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::slow(Duration::from_millis(1500)),
    );
    let url = receiver.url();
    let (code, stdout, stderr) = run(&[
        "check",
        &url,
        "--secret",
        SECRET,
        "--timeout",
        "300ms",
        "--only",
        "tampered",
        "--color",
        "never",
    ]);
    assert_eq!(code, 3, "{stdout}\n{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains(&url) && errors[0].contains("no answer"),
        "{}",
        errors[0]
    );
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

/// `--secret` repeats for a key rotation; the deliveries are signed with the first.
#[test]
fn check_takes_several_secrets_and_signs_with_the_first() {
    let receiver = CheckReceiver::start(
        Scheme::Georedir,
        SECRET,
        GEOREDIR_EVENTS,
        Behaviour::correct(),
    );
    let report = check_json(
        &receiver.url(),
        SECRET,
        &["--secret", "the-next-secret", "--only", "valid,tampered"],
    );
    assert_eq!(
        report.statuses(),
        [
            ("valid".into(), "PASS".into()),
            ("tampered".into(), "PASS".into())
        ]
    );
}
