//! `whk listen` under attack, through the real binary over raw sockets on 127.0.0.1: no
//! request, slow client, connection count or file descriptor shortage may crash, freeze or
//! starve it. After each attack the listener must still serve a normal delivery (200), must
//! have answered the documented status, and must have saved nothing it should not have.
//! Every wait is bounded: sockets have timeouts and every poll has a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use crate::support::{
    HttpReply, Listener, Receiver, Reply, WHK, assert_one_line_error, command, connect,
    has_program, hmac_hex, read_response, request_bytes, run, sha256_hex, try_exchange_within,
};

/// The longest any single wait in this file may take before the test fails.
const LIMIT: Duration = Duration::from_secs(10);
/// Socket timeout for an exchange that is expected to be answered promptly.
const PROMPT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------
// Raw HTTP/1.1 over TCP (and TLS), with explicit timeouts.
// ---------------------------------------------------------------------------------------

/// An exchange answered within [`PROMPT`].
#[track_caller]
fn exchange(port: u16, raw: &[u8]) -> HttpReply {
    try_exchange_within(port, raw, PROMPT)
        .unwrap_or_else(|err| panic!("no HTTP response from the listener: {err}"))
}

/// Reads until the listener closes the connection (or `timeout` passes): the bytes, and
/// how long it took.
fn read_until_closed(stream: &mut TcpStream, timeout: Duration) -> (Vec<u8>, Duration) {
    stream.set_read_timeout(Some(timeout)).unwrap();
    let started = Instant::now();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            // A byte the client wrote after the listener closed makes the close a reset.
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(err) => panic!(
                "the listener neither answered nor closed within {timeout:?} ({err}); got {:?}",
                String::from_utf8_lossy(&bytes)
            ),
        }
    }
    (bytes, started.elapsed())
}

/// The status of the first response line in `bytes`.
fn first_status(bytes: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(bytes);
    text.lines().next()?.split_whitespace().nth(1)?.parse().ok()
}

/// Whether the listener has sent anything on `stream` yet, without waiting.
fn has_answered(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let answered = match stream.peek(&mut byte) {
        Ok(_) => true,
        Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => false,
        Err(_) => true,
    };
    stream.set_nonblocking(false).unwrap();
    answered
}

/// A small JSON delivery, unique by `tag`.
fn delivery_body(tag: &str) -> Vec<u8> {
    format!(r#"{{"event":"click","data":{{"click_id":"{tag}"}}}}"#).into_bytes()
}

/// A normal delivery to `/ok/TAG` on a new connection: asserts it is answered 200 promptly,
/// and returns how long that took.
#[track_caller]
fn assert_serves(port: u16, tag: &str) -> Duration {
    let started = Instant::now();
    let raw = request_bytes(
        port,
        "POST",
        &format!("/ok/{tag}"),
        &[("Content-Type", "application/json")],
        &delivery_body(tag),
        false,
    );
    let reply = try_exchange_within(port, &raw, PROMPT)
        .unwrap_or_else(|err| panic!("the listener no longer serves ({tag}): {err}"));
    assert_eq!(
        reply.status,
        200,
        "a normal delivery after the attack ({tag}): {}",
        reply.text()
    );
    started.elapsed()
}

/// The `path` of every capture file in a `--save` directory.
fn saved_paths(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir(dir)
        .expect("the save directory exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let capture: Value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{} is not JSON ({err})", path.display()));
            capture["path"].as_str().unwrap().to_string()
        })
        .collect();
    paths.sort();
    paths
}

/// The paths of the `--json` captures printed, once at least `n` were (every refused
/// request was answered before the last normal delivery, so its line comes last).
fn capture_paths(listener: &Listener, n: usize) -> Vec<String> {
    let mut paths: Vec<String> = listener
        .wait_for_captures(n)
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

/// Polls `done` every 20 ms until it holds; fails the test after `limit`.
#[track_caller]
fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Waits until the listener's stderr holds `needle` `n` times (a refusal is reported when
/// its connection ends, which may be after its answer went out), and no more.
#[track_caller]
fn assert_reported(listener: &Listener, status: u16, n: usize) {
    wait_until(&format!("{n} refusals with {status}"), LIMIT, || {
        refusals_reported(listener, status) >= n
    });
    assert_eq!(
        refusals_reported(listener, status),
        n,
        "{}{}",
        String::from_utf8_lossy(&listener.stdout_bytes()).into_owned(),
        listener.stderr_text()
    );
}

/// Refusals with `status` the listener reported: `warning: STATUS …` lines on stderr, or
/// `{"type":"refused","status":STATUS}` lines on stdout with --json.
fn refusals_reported(listener: &Listener, status: u16) -> usize {
    let warnings = occurrences(&listener.stderr_text(), &format!("warning: {status}"));
    let json = String::from_utf8_lossy(&listener.stdout_bytes())
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| v["type"] == "refused" && v["status"] == status)
        .count();
    warnings + json
}

// ---------------------------------------------------------------------------------------
// 1. Bodies declared too large.
// ---------------------------------------------------------------------------------------

#[test]
fn a_huge_declared_body_gets_413_from_its_length_alone_and_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("captures");
    let mut listener = Listener::start(&["--save", save.to_str().unwrap()]);
    let port = listener.port;

    // The head, then the client closes its side: nothing of the body ever comes.
    let mut stream = connect(port, PROMPT);
    stream
        .write_all(
            b"POST /huge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n",
        )
        .unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let reply = read_response(&mut BufReader::new(stream)).expect("an answer to the huge body");
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert!(reply.text().contains("--max-body"), "{}", reply.text());

    // With Expect: 100-continue the client waits for permission: it must get 413, and
    // never a 100 Continue inviting it to send a terabyte.
    let mut stream = connect(port, PROMPT);
    stream
        .write_all(
            b"POST /huge-expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000000000000\r\n\r\n",
        )
        .unwrap();
    let (bytes, _) = read_until_closed(&mut stream, PROMPT);
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(first_status(&bytes), Some(413), "{text}");
    assert!(!text.contains("100 Continue"), "{text}");

    assert!(listener.is_running());
    assert_serves(port, "after-413");
    assert_eq!(saved_paths(&save), ["/ok/after-413"]);
    assert_reported(&listener, 413, 2);
}

// ---------------------------------------------------------------------------------------
// 2. Slow bodies.
// ---------------------------------------------------------------------------------------

#[test]
fn stalled_bodies_get_408_and_never_starve_a_normal_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("captures");
    let listener = Listener::start(&["--read-timeout", "1s", "--save", save.to_str().unwrap()]);
    let port = listener.port;

    let started = Instant::now();
    let stalled: Vec<TcpStream> = (0..8)
        .map(|i| {
            let mut stream = connect(port, PROMPT);
            let head = format!(
                "POST /stall/{i} HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n0123456789"
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream
        })
        .collect();

    // While they stall, a new connection is served at once.
    let took = assert_serves(port, "during-stall");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    for stream in &stalled {
        assert!(
            !has_answered(stream),
            "a stalled body was answered before the normal delivery"
        );
    }

    for (i, mut stream) in stalled.into_iter().enumerate() {
        let (bytes, _) = read_until_closed(&mut stream, Duration::from_secs(5));
        assert_eq!(
            first_status(&bytes),
            Some(408),
            "stalled body {i}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    let all = started.elapsed();
    assert!(all < Duration::from_secs(5), "the 408s took {all:?}");

    assert_serves(port, "after-stall");
    assert_eq!(saved_paths(&save), ["/ok/after-stall", "/ok/during-stall"]);
}

// ---------------------------------------------------------------------------------------
// 3. Slow heads and idle connections.
// ---------------------------------------------------------------------------------------

#[test]
fn slow_heads_get_408_and_idle_connections_are_closed_quietly() {
    let listener = Listener::start(&["--json", "--read-timeout", "1s"]);
    let port = listener.port;

    // A partial head, then nothing.
    let partial = std::thread::spawn(move || {
        let mut stream = connect(port, PROMPT);
        stream
            .write_all(b"POST /partial HTTP/1.1\r\nHost: x\r\nX-Half")
            .unwrap();
        read_until_closed(&mut stream, Duration::from_secs(5))
    });
    // A head trickled one byte every 100 ms: the deadline is for the whole head.
    let trickle = std::thread::spawn(move || {
        let mut stream = connect(port, PROMPT);
        let started = Instant::now();
        let head = b"POST /trickle HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        for byte in head {
            if has_answered(&stream) || stream.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let (bytes, _) = read_until_closed(&mut stream, Duration::from_secs(5));
        (bytes, started.elapsed())
    });
    // A connection that sends nothing.
    let idle = std::thread::spawn(move || {
        let mut stream = connect(port, PROMPT);
        read_until_closed(&mut stream, Duration::from_secs(5))
    });

    let (bytes, took) = partial.join().unwrap();
    assert_eq!(
        first_status(&bytes),
        Some(408),
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "the partial head was cut off after {took:?}"
    );
    let (bytes, took) = trickle.join().unwrap();
    assert_eq!(
        first_status(&bytes),
        Some(408),
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        took < Duration::from_secs(4),
        "a trickled head was held for {took:?}"
    );
    let (bytes, took) = idle.join().unwrap();
    assert!(
        bytes.is_empty(),
        "an idle connection is closed without an answer, got {:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "the idle connection was closed after {took:?}"
    );

    assert_serves(port, "after-slow-heads");
    assert_eq!(capture_paths(&listener, 1), ["/ok/after-slow-heads"]);
    assert_reported(&listener, 408, 2);
}

// ---------------------------------------------------------------------------------------
// 4. Header limits.
// ---------------------------------------------------------------------------------------

/// A POST head with `count` header lines in all (Host and Connection: close included), one
/// of them `X-Big` holding `big` bytes.
fn head_with(target: &str, count: usize, big: usize) -> Vec<u8> {
    assert!(count >= 3);
    let mut head = format!(
        "POST {target} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n",
        "b".repeat(big)
    );
    for i in 0..count - 3 {
        head.push_str(&format!("X-Filler-{i}: {i}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    head.into_bytes()
}

#[test]
fn oversized_heads_get_431_and_the_listener_carries_on() {
    let listener = Listener::start(&["--json"]);
    let port = listener.port;
    let status = |raw: Vec<u8>| exchange(port, &raw).status;

    assert_eq!(status(head_with("/60k", 3, 60 * 1024)), 200, "below 64 KiB");
    assert_eq!(
        status(head_with("/70k", 3, 70 * 1024)),
        431,
        "one header above 64 KiB"
    );
    assert_eq!(
        status(head_with("/200k", 3, 200 * 1024)),
        431,
        "a head far above 64 KiB"
    );
    assert_eq!(status(head_with("/100h", 100, 1)), 200, "100 headers");
    assert_eq!(status(head_with("/101h", 101, 1)), 431, "101 headers");
    assert_serves(port, "after-431");
    assert_eq!(
        capture_paths(&listener, 3),
        ["/100h", "/60k", "/ok/after-431"],
        "refused heads are not saved"
    );
    assert_reported(&listener, 431, 3);

    let lowered = Listener::start(&[
        "--json",
        "--max-header-bytes",
        "4KiB",
        "--max-headers",
        "10",
    ]);
    let port = lowered.port;
    let status = |raw: Vec<u8>| exchange(port, &raw).status;
    assert_eq!(status(head_with("/3k", 3, 3 * 1024)), 200);
    assert_eq!(
        status(head_with("/5k", 3, 5 * 1024)),
        431,
        "above --max-header-bytes 4KiB"
    );
    assert_eq!(
        status(head_with("/12k", 3, 12 * 1024)),
        431,
        "far above --max-header-bytes 4KiB"
    );
    assert_eq!(status(head_with("/10h", 10, 1)), 200);
    assert_eq!(
        status(head_with("/11h", 11, 1)),
        431,
        "above --max-headers 10"
    );
    assert_serves(port, "after-lowered-431");
    assert_eq!(
        capture_paths(&lowered, 3),
        ["/10h", "/3k", "/ok/after-lowered-431"]
    );
    assert_reported(&lowered, 431, 3);
}

// ---------------------------------------------------------------------------------------
// 5. Malformed framing.
// ---------------------------------------------------------------------------------------

#[test]
fn malformed_framing_gets_400_and_is_never_saved() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("captures");
    let mut listener = Listener::start(&["--json", "--save", save.to_str().unwrap()]);
    let port = listener.port;

    let cases: [(&str, &[u8]); 3] = [
        (
            "an invalid chunk size",
            b"POST /zz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        ),
        (
            "two different Content-Length headers",
            b"POST /two-lengths HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        ),
        (
            "a negative Content-Length",
            b"POST /negative HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        ),
    ];
    for (what, raw) in cases {
        let reply = exchange(port, raw);
        assert_eq!(reply.status, 400, "{what}: {}", reply.text());
    }

    // A body shorter than declared, then a half-close: the rest will never come.
    let mut stream = connect(port, PROMPT);
    stream
        .write_all(
            b"POST /short-half HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"event\":",
        )
        .unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let (bytes, _) = read_until_closed(&mut stream, PROMPT);
    assert_eq!(
        first_status(&bytes),
        Some(400),
        "a body cut short by a half-close: {}",
        String::from_utf8_lossy(&bytes)
    );

    // The same, then the client vanishes altogether.
    let mut stream = connect(port, PROMPT);
    stream
        .write_all(
            b"POST /short-close HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"event\":",
        )
        .unwrap();
    drop(stream);
    assert_reported(&listener, 400, 5);

    assert!(listener.is_running());
    assert_serves(port, "after-400");
    assert_eq!(saved_paths(&save), ["/ok/after-400"]);
    assert_eq!(capture_paths(&listener, 1), ["/ok/after-400"]);
}

// ---------------------------------------------------------------------------------------
// 6. File descriptors.
// ---------------------------------------------------------------------------------------

#[test]
fn running_out_of_file_descriptors_pauses_accepting_and_recovers() {
    let mut cmd = command("sh");
    cmd.args([
        "-c",
        r#"ulimit -n 64 && exec "$0" listen --port 0 --json"#,
        WHK,
    ]);
    let mut listener = Listener::spawn(cmd);
    let port = listener.port;

    // More idle connections than the listener has descriptors.
    let idle: Vec<TcpStream> = (0..100).map(|_| connect(port, PROMPT)).collect();
    wait_until("the warning about accepting", LIMIT, || {
        listener.stderr_text().contains("cannot accept connections")
    });
    drop(idle);

    let took = assert_serves(port, "after-emfile");
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(listener.is_running(), "still running");
    let stderr = listener.stderr_text();
    assert_eq!(
        occurrences(&stderr, "cannot accept connections"),
        1,
        "said once: {stderr}"
    );
    assert!(stderr.contains("ulimit -n"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// 7. The connection cap.
// ---------------------------------------------------------------------------------------

#[test]
fn connections_above_the_cap_wait_in_the_backlog_until_one_closes() {
    let listener = Listener::start(&["--json", "--max-connections", "2", "--read-timeout", "8s"]);
    let port = listener.port;

    let mut held: Vec<TcpStream> = (0..2)
        .map(|i| {
            let mut stream = connect(port, PROMPT);
            stream
                .write_all(format!("POST /held/{i} HTTP/1.1\r\nHost: x\r\n").as_bytes())
                .unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));

    // The third connection is accepted by the kernel (not refused) but not served.
    let mut third = connect(port, PROMPT);
    third
        .write_all(&request_bytes(
            port,
            "POST",
            "/third",
            &[],
            &delivery_body("third"),
            false,
        ))
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        !has_answered(&third),
        "a third connection was served while two were open"
    );

    let closed_at = Instant::now();
    drop(held.remove(0));
    let reply = read_response(&mut BufReader::new(third)).expect("served once a slot freed");
    assert_eq!(reply.status, 200, "{}", reply.text());
    let took = closed_at.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    drop(held);
    assert_serves(port, "after-cap");
    assert_eq!(capture_paths(&listener, 2), ["/ok/after-cap", "/third"]);
}

// ---------------------------------------------------------------------------------------
// 8. TLS.
// ---------------------------------------------------------------------------------------

/// `AB:CD:…`: the SHA-256 of the DER inside a PEM certificate, computed here.
fn pem_fingerprint(pem: &str) -> String {
    let b64: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = B64.decode(b64.trim()).expect("the PEM holds base64");
    let hex = sha256_hex(&der).to_uppercase();
    hex.as_bytes()
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).unwrap())
        .collect::<Vec<_>>()
        .join(":")
}

/// A `--tls --json --secret s` listener writing its certificate to DIR/cert.pem.
fn tls_listener(dir: &Path, extra: &[&str]) -> (Listener, PathBuf) {
    let cert = dir.join("cert.pem");
    let mut args = vec![
        "--json",
        "--tls",
        "--tls-cert-out",
        cert.to_str().unwrap(),
        "--secret",
        "s",
    ];
    args.extend_from_slice(extra);
    (Listener::start(&args), cert)
}

#[test]
fn tls_listener_publishes_its_certificate_and_serves_trusting_senders() {
    let dir = tempfile::tempdir().unwrap();
    let (listener, cert) = tls_listener(dir.path(), &[]);
    let port = listener.port;
    let url = format!("https://127.0.0.1:{port}/x");

    let announcement: Value = serde_json::from_str(
        listener
            .stderr_text()
            .lines()
            .next()
            .expect("the listening line"),
    )
    .unwrap();
    assert_eq!(
        announcement["url"],
        format!("https://127.0.0.1:{port}"),
        "{announcement}"
    );
    assert_eq!(announcement["tls"]["cert"], cert.to_str().unwrap());
    let pem = std::fs::read_to_string(&cert).expect("the certificate was written");
    assert_eq!(
        announcement["tls"]["fingerprint_sha256"],
        pem_fingerprint(&pem),
        "the printed fingerprint is the SHA-256 of the certificate's DER"
    );

    let cacert = cert.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "send", "click", "--url", &url, "--secret", "s", "--cacert", cacert,
    ]);
    assert_eq!(code, 0, "with --cacert: {stdout}\n{stderr}");

    let result = run(&["send", "click", "--url", &url, "--secret", "s"]);
    assert_one_line_error(&result, 3, "--cacert");

    let (code, stdout, stderr) = run(&["send", "click", "--url", &url, "--secret", "s", "-k"]);
    assert_eq!(code, 0, "with --insecure: {stdout}\n{stderr}");

    let plain = format!("http://127.0.0.1:{port}/x");
    let (code, stdout, stderr) = run(&["send", "click", "--url", &plain, "--secret", "s"]);
    assert_eq!(code, 1, "plain HTTP to the TLS port: {stdout}\n{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("400") && said.contains("speaks HTTPS"),
        "{said}"
    );

    let captures = listener.wait_for_captures(2);
    assert_eq!(captures.len(), 2, "only the two HTTPS deliveries");
    for capture in &captures {
        assert_eq!(capture["signature"]["valid"], true, "{capture}");
    }
    assert!(
        String::from_utf8_lossy(&listener.stdout_bytes())
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .any(|v| v["type"] == "refused" && v["reason"] == "plain_http_on_tls"),
        "{}",
        String::from_utf8_lossy(&listener.stdout_bytes()).into_owned()
    );
    assert_serves_tls(port, &cert);
}

/// A normal delivery over TLS HTTP/1.1 gets 200.
fn assert_serves_tls(port: u16, cert: &Path) {
    let raw = request_bytes(port, "POST", "/ok/tls", &[], &delivery_body("tls"), false);
    let (reply, _) = tls_exchange(port, cert, &raw);
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[test]
fn https_to_a_plain_listener_says_to_use_http() {
    let listener = Listener::start(&["--json"]);
    let url = format!("https://127.0.0.1:{}/x", listener.port);
    let result = run(&["send", "click", "--url", &url, "--secret", "s"]);
    assert_one_line_error(&result, 3, "http://");
    assert_serves(listener.port, "after-https");
}

#[test]
fn curl_speaks_http2_and_http1_to_the_tls_listener() {
    // .ci/run installs curl: a missing curl is a failure, not a skip.
    assert!(
        has_program("curl"),
        "curl is the client that is not whk here; install it (apt-get install curl)"
    );
    let dir = tempfile::tempdir().unwrap();
    let (listener, cert) = tls_listener(dir.path(), &[]);
    for (flag, version) in [("--http2", "2"), ("--http1.1", "1.1")] {
        let url = format!("https://localhost:{}/curl/{version}", listener.port);
        let output = command("curl")
            .args(["-sS", "--max-time", "10", "--cacert"])
            .arg(&cert)
            .args([
                flag,
                "-o",
                "/dev/null",
                "-w",
                "%{http_version} %{http_code}",
            ])
            .args(["-H", "Content-Type: application/json", "--data"])
            .arg(r#"{"event":"click"}"#)
            .arg(&url)
            .output()
            .expect("curl runs");
        let shown = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "curl {flag}: {shown}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(shown, format!("{version} 200"), "curl {flag}");
    }
    let captures = listener.wait_for_captures(2);
    let paths: Vec<&str> = captures
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/curl/2", "/curl/1.1"]);
    // HTTP/2 carries the host as :authority; the capture has it as `host`, first, so a
    // replay sends it again.
    let host = format!("localhost:{}", listener.port);
    assert_eq!(
        captures[0]["headers"][0],
        json!(["host", host]),
        "{}",
        captures[0]
    );
    assert_eq!(
        captures[1]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("host"))
            .count(),
        1,
        "HTTP/1.1 keeps its one Host header: {}",
        captures[1]
    );
}

// ---------------------------------------------------------------------------------------
// 11. Header names as sent, over TLS HTTP/1.1 too.
// ---------------------------------------------------------------------------------------

/// One request over TLS (ALPN http/1.1, trusting `cert`): the response and the protocol the
/// listener chose.
fn tls_exchange(port: u16, cert: &Path, raw: &[u8]) -> (HttpReply, Option<Vec<u8>>) {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, ServerName};

    let mut roots = rustls::RootCertStore::empty();
    for der in CertificateDer::pem_file_iter(cert).unwrap() {
        roots.add(der.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, connect(port, PROMPT));
    tls.write_all(raw).expect("write over TLS");
    tls.flush().unwrap();
    let alpn = tls.conn.alpn_protocol().map(<[u8]>::to_vec);
    let reply = read_response(&mut BufReader::new(&mut tls)).expect("a response over TLS");
    (reply, alpn)
}

#[test]
fn header_names_keep_their_case_over_tls_http1() {
    let dir = tempfile::tempdir().unwrap();
    let (listener, cert) = tls_listener(dir.path(), &[]);
    let body = delivery_body("case");
    let signature = hmac_hex(b"s", &body);
    let raw = request_bytes(
        listener.port,
        "POST",
        "/case",
        &[
            ("Content-Type", "application/json"),
            ("X-GeoRedir-Signature", &signature),
            ("x-MiXeD-cAsE", "kept"),
        ],
        &body,
        false,
    );
    let (reply, alpn) = tls_exchange(listener.port, &cert, &raw);
    assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(reply.status, 200, "{}", reply.text());

    let captures = listener.wait_for_captures(1);
    let names: Vec<&str> = captures[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[0].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Host",
            "Content-Type",
            "X-GeoRedir-Signature",
            "x-MiXeD-cAsE",
            "Content-Length",
            "Connection"
        ],
        "names as sent, in order"
    );
    assert_eq!(captures[0]["signature"]["valid"], true, "{}", captures[0]);
}

// ---------------------------------------------------------------------------------------
// 9. --reject-invalid.
// ---------------------------------------------------------------------------------------

#[test]
fn reject_invalid_answers_401_400_and_200_like_a_correct_receiver() {
    let listener = Listener::start(&["--json", "--secret", "s3cret", "--reject-invalid"]);
    let port = listener.port;
    let body = delivery_body("reject");
    let error_of = |reply: &HttpReply| -> String {
        assert_eq!(
            reply.header("Content-Type"),
            Some("application/json"),
            "{reply:?}"
        );
        let value: Value = serde_json::from_slice(&reply.body).expect("a JSON error");
        assert!(value["message"].is_string(), "{value}");
        value["error"].as_str().unwrap().to_string()
    };

    let unsigned = exchange(
        port,
        &request_bytes(port, "POST", "/unsigned", &[], &body, false),
    );
    assert_eq!(unsigned.status, 401, "{}", unsigned.text());
    assert_eq!(error_of(&unsigned), "missing_signature");

    let signed_with = |key: &[u8], path: &str| {
        let signature = hmac_hex(key, &body);
        exchange(
            port,
            &request_bytes(
                port,
                "POST",
                path,
                &[("X-GeoRedir-Signature", &signature)],
                &body,
                false,
            ),
        )
    };
    let forged = signed_with(b"not the secret", "/forged");
    assert_eq!(forged.status, 401, "{}", forged.text());
    assert_eq!(error_of(&forged), "invalid_signature");

    // Signed with the right secret, but in 2001: the timestamp is stale.
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--json",
        "--scheme",
        "stripe",
        "--timestamp",
        "1000000000",
        "--secret",
        "s3cret",
        "--url",
        &format!("http://127.0.0.1:{port}/stale"),
    ]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(report["status"], 400, "{report}");
    assert!(
        report["response_body"]
            .as_str()
            .unwrap()
            .contains("stale_timestamp"),
        "{report}"
    );

    let valid = signed_with(b"s3cret", "/valid");
    assert_eq!(valid.status, 200, "{}", valid.text());
}

#[test]
fn whk_check_passes_every_scenario_against_reject_invalid() {
    let listener = Listener::start(&["--json", "--secret", "s3cret", "--reject-invalid"]);
    let url = listener.url("/hook");

    // Stripe signs a timestamp, so the stale scenario runs too: nothing skipped.
    let (code, stdout, stderr) = run(&[
        "check", &url, "--secret", "s3cret", "--scheme", "stripe", "--json",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let scenarios: Vec<&Value> = lines.iter().filter(|v| v["type"] == "scenario").collect();
    assert!(scenarios.len() >= 10, "{stdout}");
    for scenario in &scenarios {
        assert_eq!(scenario["status"], "PASS", "{scenario}");
    }
    let stale = scenarios.iter().find(|v| v["id"] == "stale").unwrap();
    assert_eq!(
        stale["summary"],
        "refused a delivery signed an hour ago (400); none from the future was sent, as the stripe scheme's library accepts them"
    );
    let summary = lines.iter().find(|v| v["type"] == "check_summary").unwrap();
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["warnings"], 0, "{summary}");
    assert_eq!(summary["skipped"], 0, "{summary}");
    assert_eq!(summary["passed"], scenarios.len(), "{summary}");

    // The default scheme too (it signs no timestamp, so stale is skipped, not failed).
    let (code, stdout, stderr) = run(&["check", &url, "--secret", "s3cret"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains(", 0 failed"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn reject_invalid_without_a_secret_is_a_usage_error() {
    let result = run(&["listen", "--port", "0", "--reject-invalid"]);
    assert_one_line_error(&result, 2, "--reject-invalid");
}

// ---------------------------------------------------------------------------------------
// 10. Small things.
// ---------------------------------------------------------------------------------------

#[test]
fn closing_stdout_stops_the_listener_with_exit_0() {
    let (mut listener, stdout) = Listener::spawn_with_stdout(Listener::command(&["--json"]));
    let port = listener.port;
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
        // The pipe's reading end closes here.
    });

    assert_serves(port, "first");
    let line = rx.recv_timeout(LIMIT).expect("the first delivery line");
    let capture: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(capture["path"], "/ok/first");
    reader.join().unwrap();

    let _ = try_exchange_within(
        port,
        &request_bytes(port, "POST", "/second", &[], &delivery_body("x"), false),
        PROMPT,
    );
    let exited = listener.wait_exit();
    assert_eq!(exited.code, Some(0), "{}", exited.stderr);
}

#[test]
fn a_misspelt_event_filter_suggests_the_catalogue_name() {
    let result = run(&["listen", "--port", "0", "--events", "clik"]);
    assert_one_line_error(&result, 2, "did you mean 'click'");
}

#[test]
fn quiet_still_announces_the_port() {
    let listener = Listener::start(&["-q"]);
    assert_ne!(listener.port, 0);
    let line = listener.stderr_text();
    assert!(
        line.contains(&format!("listening on http://127.0.0.1:{}", listener.port)),
        "{line}"
    );
    assert_serves(listener.port, "quiet");
}

/// The request targets a stand-in app received, in order.
fn targets(app: &Receiver) -> Vec<String> {
    app.requests().into_iter().map(|r| r.path).collect()
}

#[test]
fn forwarded_paths_stay_under_the_base() {
    let app = Receiver::start(vec![Reply::status(200).with_body("ok")]);
    let listener = Listener::start(&["--json", "--forward-to", &app.url("/base")]);
    for target in ["/../admin", "/%2e%2e/x", "/a/../../../etc/passwd"] {
        let reply = exchange(
            listener.port,
            &request_bytes(listener.port, "POST", target, &[], b"{}", false),
        );
        assert_eq!(reply.status, 200, "{target}: {}", reply.text());
        assert_eq!(reply.body, b"ok");
    }
    assert_eq!(
        targets(&app),
        ["/base/admin", "/base/x", "/base/etc/passwd"],
        "the app only ever sees paths under /base/"
    );
}

#[test]
fn a_forward_timeout_answers_502_and_names_forward_timeout() {
    // An app that holds every request far longer than the test lasts.
    let app = Receiver::start(vec![Reply::status(200).after(Duration::from_secs(30))]);
    let listener = Listener::start(&[
        "--color",
        "never",
        "--forward-to",
        &app.url("/base"),
        "--forward-timeout",
        "300ms",
    ]);
    let started = Instant::now();
    let reply = post_json(listener.port, "/slow");
    assert_eq!(reply.status, 502, "{}", reply.text());
    assert!(started.elapsed() < Duration::from_secs(3));
    let text = reply.text();
    assert!(
        text.contains("--forward-timeout"),
        "the 502 names the flag to raise: {text}"
    );
    listener.wait_for_stdout(b"--forward-timeout");
    assert_eq!(targets(&app), ["/base/slow"]);
    // Still answering, promptly, after the timeout.
    assert_eq!(post_json(listener.port, "/again").status, 502);
}

fn post_json(port: u16, target: &str) -> HttpReply {
    exchange(
        port,
        &request_bytes(
            port,
            "POST",
            target,
            &[("Content-Type", "application/json")],
            &delivery_body("p"),
            false,
        ),
    )
}

#[test]
fn verbose_shows_headers_like_headers_does() {
    let listener = Listener::start(&["-v", "--color", "never"]);
    let reply = exchange(
        listener.port,
        &request_bytes(
            listener.port,
            "POST",
            "/v",
            &[("X-Custom-Thing", "yes")],
            &delivery_body("v"),
            false,
        ),
    );
    assert_eq!(reply.status, 200);
    listener.wait_for_stdout(b"X-Custom-Thing: yes");
}

#[test]
fn a_certificate_of_your_own_is_served_and_bad_pairs_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("own.pem"), dir.path().join("own.key"));
    std::fs::write(&cert, issued.cert.pem()).unwrap();
    std::fs::write(&key, issued.signing_key.serialize_pem()).unwrap();
    let listener = Listener::start(&[
        "--json",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    let announcement: Value =
        serde_json::from_str(listener.stderr_text().lines().next().unwrap()).unwrap();
    assert_eq!(
        announcement["tls"]["fingerprint_sha256"],
        pem_fingerprint(&issued.cert.pem()),
        "{announcement}"
    );
    assert_eq!(
        announcement["tls"]["cert"],
        Value::Null,
        "nothing generated, nothing written"
    );
    let url = format!("https://localhost:{}/own", listener.port);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--cacert",
        cert.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(listener.wait_for_captures(1)[0]["path"], "/own");

    // The key file holds a certificate, not a key: one line, exit 2, nothing bound.
    let (code, stdout, stderr) = run(&[
        "listen",
        "--port",
        "0",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        cert.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert_one_line_error(&(code, stdout, stderr.clone()), 2, "--key");
    // --cert without --key is clap's usage error.
    let (code, _, stderr) = run(&["listen", "--port", "0", "--cert", cert.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn check_passes_https_only_after_a_tls_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let (listener, cert) = tls_listener(dir.path(), &[]);
    let url = format!("https://localhost:{}/hook", listener.port);
    let (code, stdout, stderr) = run(&[
        "check",
        &url,
        "--secret",
        "s",
        "--only",
        "https",
        "--cacert",
        cert.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("TLS handshake succeeded"), "{stdout}");

    // An https:// URL on a port that speaks plain HTTP: no handshake, so no PASS.
    let plain = Listener::start(&["--json"]);
    let url = format!("https://127.0.0.1:{}/hook", plain.port);
    let (code, stdout, stderr) = run(&["check", &url, "--secret", "s", "--only", "https"]);
    assert_eq!(code, 3, "{stdout}\n{stderr}");
    assert!(!stdout.contains("PASS"), "{stdout}");
    assert!(stderr.contains("http://"), "{stderr}");
}
