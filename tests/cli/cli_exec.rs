//! `whk listen --exec` through the real binary: the command gets the raw body on stdin and the
//! delivery's facts in its environment, its exit status is in the capture, its output is shown
//! escaped, and with `--exec-answers` the answer follows it.

use crate::support::*;

/// A click signed with `secret`, as raw bytes, and its signature header.
fn signed_click(secret: &str) -> (Vec<u8>, String) {
    let body = captures::click_body(7);
    let signature = hmac_hex(secret.as_bytes(), &body);
    (body, signature)
}

#[test]
fn the_command_gets_the_body_on_stdin_and_the_facts_in_its_environment() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("caps");
    let script = r#"cat > "$OUT/body"; env | grep '^WHK_' | sort > "$OUT/env"; cp "$WHK_CAPTURE" "$OUT/capture"; echo done"#;
    let mut cmd = Listener::command(&[
        "--json",
        "--secret",
        "k",
        "--save",
        saved.to_str().unwrap(),
        "--exec",
        script,
    ]);
    cmd.env("OUT", dir.path());
    let listener = Listener::spawn(cmd);
    let (body, signature) = signed_click("k");
    let reply = post(
        listener.port,
        "/hooks/in?x=1",
        &[("X-GeoRedir-Signature", signature.as_str())],
        &body,
    );
    assert_eq!(reply.status, 200);
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["exec"]["exit_code"], 0, "{capture}");
    assert_eq!(capture["exec"]["stdout"], "done\n");
    assert_eq!(std::fs::read(dir.path().join("body")).unwrap(), body);
    let env = std::fs::read_to_string(dir.path().join("env")).unwrap();
    let id = capture["id"].as_str().unwrap();
    for expected in [
        "WHK_EVENT=click".to_string(),
        "WHK_VERDICT=valid".to_string(),
        "WHK_PATH=/hooks/in".to_string(),
        "WHK_DUPLICATE=0".to_string(),
        format!("WHK_ID={id}"),
        format!("WHK_CAPTURE={}", saved.join(format!("{id}.json")).display()),
    ] {
        assert!(
            env.lines().any(|l| l == expected),
            "{expected} not in:\n{env}"
        );
    }
    // The capture was there while the command ran; the one on disk now records its exit status.
    let during = std::fs::read_to_string(dir.path().join("capture")).unwrap();
    let during: serde_json::Value = serde_json::from_str(&during).unwrap();
    assert_eq!(during["id"], id);
    assert!(during.get("exec").is_none());
    let on_disk = std::fs::read_to_string(saved.join(format!("{id}.json"))).unwrap();
    let on_disk: serde_json::Value = serde_json::from_str(&on_disk).unwrap();
    assert_eq!(on_disk["exec"]["exit_code"], 0);
}

#[test]
fn a_failing_command_is_recorded_and_with_exec_answers_the_sender_gets_500() {
    let failing = r#"cat > /dev/null; echo "broke"; exit 3"#;
    let listener = Listener::start(&["--json", "--exec", failing, "--exec-answers"]);
    let (body, _) = signed_click("k");
    assert_eq!(post(listener.port, "/", &[], &body).status, 500);
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["exec"]["exit_code"], 3);
    assert_eq!(capture["response"]["status"], 500);

    let ignored = Listener::start(&["--json", "--exec", failing]);
    assert_eq!(post(ignored.port, "/", &[], &body).status, 200);
    assert_eq!(ignored.wait_for_captures(1)[0]["exec"]["exit_code"], 3);

    let fine = Listener::start(&["--json", "--exec", "exit 0", "--exec-answers"]);
    assert_eq!(post(fine.port, "/", &[], &body).status, 200);
}

#[test]
fn a_command_past_its_timeout_is_killed_and_the_listener_goes_on() {
    let listener = Listener::start(&[
        "--json",
        "--exec",
        "sleep 30",
        "--exec-timeout",
        "200ms",
        "--exec-answers",
    ]);
    let (body, _) = signed_click("k");
    assert_eq!(post(listener.port, "/", &[], &body).status, 500);
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["exec"]["timed_out"], true, "{capture}");
    assert!(capture["exec"]["exit_code"].is_null());
}

#[test]
fn the_command_s_output_is_shown_escaped_under_the_delivery() {
    let listener = Listener::start(&["--exec", r"printf 'ran \033[2J ok\n'"]);
    let (body, _) = signed_click("k");
    post(listener.port, "/", &[], &body);
    listener.wait_for_stdout(b"ok");
    let shown = String::from_utf8_lossy(&listener.stdout_bytes()).into_owned();
    assert!(shown.contains("→ exit 0"), "{shown}");
    assert!(
        !shown.contains('\u{1b}'),
        "an escape reached the terminal: {shown:?}"
    );
    assert!(shown.contains(r"\u{1b}[2J"), "{shown}");
}

#[test]
fn no_more_commands_run_at_once_than_exec_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    // Each command holds a lock directory while it runs: one running beside it fails with 9.
    let script = r#"cat > /dev/null; mkdir "$OUT/lock" || exit 9; sleep 0.2; rmdir "$OUT/lock""#;
    let mut cmd = Listener::command(&["--json", "--exec", script, "--exec-concurrency", "1"]);
    cmd.env("OUT", dir.path());
    let listener = Listener::spawn(cmd);
    let port = listener.port;
    let senders: Vec<_> = (0..4)
        .map(|n| std::thread::spawn(move || post(port, "/", &[], &captures::click_body(n)).status))
        .collect();
    for sender in senders {
        assert_eq!(sender.join().unwrap(), 200);
    }
    let captures = listener.wait_for_captures(4);
    let codes: Vec<&serde_json::Value> = captures.iter().map(|c| &c["exec"]["exit_code"]).collect();
    assert!(codes.iter().all(|c| **c == 0), "{codes:?}");
}

/// A command that leaves a process in the background holding its stdout has still ended:
/// its exit status counts, it is not waited for until --exec-timeout and killed.
#[test]
fn a_command_that_leaves_a_background_process_has_ended() {
    let script = "sleep 30 & echo started";
    let listener = Listener::start(&[
        "--json",
        "--exec",
        script,
        "--exec-answers",
        "--exec-timeout",
        "20s",
    ]);
    let (body, _) = signed_click("k");
    assert_eq!(post(listener.port, "/", &[], &body).status, 200);
    let capture = &listener.wait_for_captures(1)[0];
    assert_eq!(capture["exec"]["exit_code"], 0, "{capture}");
    assert_eq!(capture["exec"]["stdout"], "started\n", "{capture}");
}

/// `--exec-timeout 0s` killed every command as it started: it is a usage error, like
/// `--timeout 0s`, on the command line and in whk.toml.
#[test]
fn a_zero_exec_timeout_is_a_usage_error() {
    let result = run(&[
        "listen",
        "--port",
        "0",
        "--exec",
        "true",
        "--exec-timeout",
        "0s",
    ]);
    assert_one_line_error(&result, 2, "invalid value '0s' for '--exec-timeout");
}
