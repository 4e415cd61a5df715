//! The web inspector: `whk inspect` over saved captures and `whk listen --ui`, through its
//! HTTP API (plain sockets) and in a real headless chromium (fantoccini + chromedriver).

use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::support::browser::{BROWSER_STEP, Browser};
use crate::support::captures::{Req, SECRET, jsonl, write};
use crate::support::*;

/// `whk inspect ARGS… --ui-port 0`, running until dropped; `port` is the page's.
fn inspect(args: &[&str]) -> Listener {
    let mut cmd = command(WHK);
    cmd.arg("inspect").args(args).args(["--ui-port", "0"]);
    Listener::spawn(cmd)
}

fn get(port: u16, target: &str) -> HttpReply {
    exchange(port, &request_bytes(port, "GET", target, &[], b"", false))
}

fn get_json(port: u16, target: &str) -> Value {
    let reply = get(port, target);
    assert_eq!(reply.status, 200, "GET {target}: {}", reply.text());
    serde_json::from_slice(&reply.body).unwrap_or_else(|e| panic!("GET {target}: {e}"))
}

/// The per-run token the page is served with.
fn token(port: u16) -> String {
    let page = get(port, "/").text();
    let rest = page
        .split(r#"name="whk-token" content=""#)
        .nth(1)
        .expect("the page carries its token");
    rest.split('"').next().unwrap().to_string()
}

fn replay(port: u16, headers: &[(&str, &str)], ask: &Value) -> HttpReply {
    let body = ask.to_string();
    exchange(
        port,
        &request_bytes(port, "POST", "/api/replay", headers, body.as_bytes(), false),
    )
}

/// Two signed captures and one with a bad signature, as JSON Lines.
fn saved_captures(dir: &std::path::Path) -> std::path::PathBuf {
    let good = Req::signed(
        "standard",
        br#"{"event":"order.paid","data":{"amount":4200}}"#,
    );
    let other = Req::signed(
        "standard",
        br#"{"event":"order.paid","data":{"amount":99}}"#,
    );
    let mut forged = Req::signed("standard", br#"{"event":"order.refunded"}"#);
    forged.body = br#"{"event":"order.refunded","forged":true}"#.to_vec();
    let path = dir.join("deliveries.jsonl");
    write(&path, jsonl(&[good, other, forged]));
    path
}

/// Copy as curl sends a captured GET as a GET, with no body argument (which would make
/// curl send a POST).
#[test]
fn copy_as_curl_keeps_the_captured_method() {
    let dir = tempfile::tempdir().unwrap();
    let mut probe = Req::post(b"", Vec::new());
    probe.method = "GET".into();
    let path = dir.path().join("probe.jsonl");
    write(&path, jsonl(&[probe]));
    let inspector = inspect(&[path.to_str().unwrap()]);
    let detail = get_json(inspector.port, "/api/deliveries/1");
    let curl = detail["curl"].as_str().unwrap();
    assert!(curl.starts_with("curl -sS -X GET "), "{curl}");
    assert!(!curl.contains("--data"), "{curl}");
}

#[test]
fn inspect_lists_saved_captures_with_verdicts_and_details() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_captures(dir.path());
    let inspector = inspect(&[file.to_str().unwrap(), "--secret", SECRET]);
    let rows = get_json(inspector.port, "/api/deliveries");
    let verdicts: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["valid", "valid", "invalid"]);
    assert_eq!(rows[0]["event"], "order.paid");
    assert_eq!(rows[0]["target"], "/webhooks");

    let detail = get_json(inspector.port, "/api/deliveries/3");
    assert_eq!(detail["body"]["json"]["forged"], true);
    assert_eq!(detail["diagnosis"]["kind"], "wrong-secret-or-tampered");
    assert!(
        detail["curl"]
            .as_str()
            .unwrap()
            .starts_with("curl -sS -X POST")
    );
    let expected = get_json(inspector.port, "/api/deliveries/3/expected");
    assert!(expected["signed"].as_str().unwrap().contains("forged"));

    let download = get(inspector.port, "/api/deliveries/1/capture");
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    let capture: Value = serde_json::from_slice(&download.body).unwrap();
    assert_eq!(
        capture["body"],
        r#"{"event":"order.paid","data":{"amount":4200}}"#
    );

    let diff = get_json(inspector.port, "/api/diff?a=1&b=2");
    assert_eq!(diff["body"]["kind"], "json");
    assert_eq!(
        diff["body"]["changes"],
        json!([{"path": "data.amount", "kind": "changed", "left": 4200, "right": 99}])
    );
    assert_eq!(
        get_json(inspector.port, "/api/search?q=REFUNDED"),
        json!([3])
    );
}

#[test]
fn inspect_reads_raw_http_and_har_and_shows_binary_bodies_as_hex() {
    let dir = tempfile::tempdir().unwrap();
    let mut binary = Req::post(&[0x00, 0xff, 0x1b, b'A'], vec![]);
    binary.path = "/upload".into();
    let raw = dir.path().join("request.http");
    write(&raw, binary.raw_http(None));
    let har_file = dir.path().join("site.har");
    let signed = Req::signed("github", br#"{"action":"opened"}"#);
    write(&har_file, crate::support::captures::har(&[signed]));
    // With --json, the page's address comes as an `inspecting` record.
    let inspector = inspect(&[
        raw.to_str().unwrap(),
        har_file.to_str().unwrap(),
        "--secret",
        SECRET,
        "--json",
    ]);
    let announced = inspector.stderr_text();
    assert!(
        announced.contains(r#""type":"inspecting""#) && announced.contains(r#""deliveries":2"#),
        "{announced}"
    );
    let rows = get_json(inspector.port, "/api/deliveries");
    assert_eq!(rows[0]["target"], "/upload");
    assert_eq!(rows[0]["status"], Value::Null, "raw HTTP holds no answer");
    assert_eq!(rows[1]["verdict"], "valid");
    assert_eq!(rows[1]["scheme"], "github");
    let detail = get_json(inspector.port, "/api/deliveries/1");
    assert_eq!(detail["body"]["text"], Value::Null);
    assert_eq!(detail["body"]["base64"], "AP8bQQ==");
    assert!(
        detail["body"]["hex"]
            .as_str()
            .unwrap()
            .starts_with("00000000  00 ff 1b 41")
    );
    // Copy as curl pipes the bytes in through printf (a shell string cannot hold a NUL), and
    // a POSIX shell turns its escapes back into exactly those bytes.
    let curl = detail["curl"].as_str().unwrap();
    let (printf, rest) = curl.split_once(" | ").expect("the body is piped in");
    assert!(
        rest.starts_with("curl -sS -X POST") && rest.ends_with("--data-binary @-"),
        "{curl}"
    );
    let printed = limited(command("sh"))
        .args(["-c", printf])
        .output()
        .unwrap();
    assert!(printed.status.success(), "{printf}");
    assert_eq!(printed.stdout, [0x00, 0xff, 0x1b, b'A'], "{printf}");
}

#[test]
fn listen_ui_shows_the_forwarded_apps_answer() {
    let app = Receiver::start(vec![Reply::status(202).with_body(r#"{"queued":true}"#)]);
    let listener = Listener::start(&["--ui", "--ui-port", "0", "--forward-to", &app.url("/app")]);
    post(
        listener.port,
        "/hooks/x",
        &[("Content-Type", "application/json")],
        br#"{"event":"ping"}"#,
    );
    let ui = listener.ui_port();
    let started = Instant::now();
    while get_json(ui, "/api/deliveries")
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(
            started.elapsed() < DEADLINE,
            "the delivery never reached the inspector"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let detail = get_json(ui, "/api/deliveries/1");
    assert_eq!(detail["status"], 202);
    assert_eq!(detail["forward"]["status"], 202);
    assert_eq!(detail["forward"]["body"], r#"{"queued":true}"#);
    assert_eq!(detail["forward"]["url"], app.url("/app/hooks/x"));
    let info = get_json(ui, "/api/info");
    assert_eq!(info["live"], true);
    assert_eq!(info["forward_to"], app.url("/app"));
}

#[test]
fn no_response_of_the_inspector_holds_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_captures(dir.path());
    let inspector = inspect(&[file.to_str().unwrap(), "--secret", SECRET]);
    let secret_part = crate::support::captures::SECRET_KEY_PART;
    for target in [
        "/",
        "/app.js",
        "/api/info",
        "/api/deliveries",
        "/api/deliveries/1",
        "/api/deliveries/3",
        "/api/deliveries/3/expected",
        "/api/deliveries/1/capture",
        "/api/diff?a=1&b=3",
    ] {
        let reply = get(inspector.port, target);
        assert_eq!(reply.status, 200, "{target}");
        assert!(
            !reply.text().contains(secret_part),
            "{target} shows the secret"
        );
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{target}: {csp}");
    }
}

#[test]
fn replay_needs_the_token_and_the_page_origin() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_captures(dir.path());
    let receiver = Receiver::ok();
    let inspector = inspect(&[file.to_str().unwrap(), "--forward-to", &receiver.url("")]);
    let port = inspector.port;
    let token = token(port);
    let origin = format!("http://127.0.0.1:{port}");
    let ask = json!({"seq": 1, "mode": "captured"});
    let json_type = ("Content-Type", "application/json");
    for (headers, why) in [
        (vec![json_type, ("Origin", origin.as_str())], "no token"),
        (
            vec![
                json_type,
                ("Origin", origin.as_str()),
                ("X-Whk-Token", "0123"),
            ],
            "a wrong token",
        ),
        (
            vec![
                json_type,
                ("Origin", "http://evil.example"),
                ("X-Whk-Token", token.as_str()),
            ],
            "another Origin",
        ),
        (
            vec![json_type, ("X-Whk-Token", token.as_str())],
            "no Origin",
        ),
        (
            vec![
                ("Content-Type", "text/plain"),
                ("Origin", origin.as_str()),
                ("X-Whk-Token", token.as_str()),
            ],
            "a form's content type",
        ),
    ] {
        let reply = replay(port, &headers, &ask);
        assert_eq!(reply.status, 403, "{why}: {}", reply.text());
    }
    assert!(receiver.requests().is_empty(), "a refused replay was sent");

    let reply = replay(
        port,
        &[
            json_type,
            ("Origin", origin.as_str()),
            ("X-Whk-Token", token.as_str()),
        ],
        &ask,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let outcome: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(outcome["status"], 200);
    let sent = receiver.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/webhooks");
    assert_eq!(
        sent[0].body,
        br#"{"event":"order.paid","data":{"amount":4200}}"#
    );
}

/// `--open` hands the page's URL to the system's opener (here a stand-in `xdg-open` first on
/// PATH that writes down what it was given).
#[test]
fn open_hands_the_page_url_to_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened.txt");
    let opener = dir.path().join("xdg-open");
    write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    );
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = command(WHK);
    cmd.env("PATH", path)
        .args(["inspect", saved_captures(dir.path()).to_str().unwrap()])
        .args(["--ui-port", "0", "--open"]);
    let inspector = Listener::spawn(cmd);
    let started = Instant::now();
    let url = loop {
        match std::fs::read_to_string(&opened) {
            Ok(text) if text.ends_with('\n') => break text.trim().to_string(),
            _ if started.elapsed() > DEADLINE => panic!("--open never ran the opener"),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    assert_eq!(url, format!("http://127.0.0.1:{}/", inspector.port));
}

#[test]
fn the_inspector_answers_only_to_its_own_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let inspector = inspect(&[saved_captures(dir.path()).to_str().unwrap()]);
    let raw =
        b"GET /api/deliveries HTTP/1.1\r\nHost: rebound.example:80\r\nConnection: close\r\n\r\n";
    assert_eq!(exchange(inspector.port, raw).status, 421);
}

#[test]
fn inspect_without_requests_or_with_a_busy_port_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    write(
        &empty,
        "{\"type\":\"listening\",\"url\":\"http://127.0.0.1:3001\",\"port\":3001}\n",
    );
    let result = run(&["inspect", empty.to_str().unwrap(), "--ui-port", "0"]);
    assert_one_line_error(&result, 2, "no requests to inspect");

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let file = saved_captures(dir.path());
    let result = run(&["inspect", file.to_str().unwrap(), "--ui-port", &port]);
    assert_one_line_error(&result, 3, "--ui-port");
}

#[test]
fn listen_ui_streams_each_delivery_to_open_pages() {
    let listener = Listener::start(&["--ui", "--ui-port", "0"]);
    // The human announcement: `inspector on http://127.0.0.1:N/` after the listening line.
    let ui = listener.ui_port();
    let mut stream = connect(ui, IO_TIMEOUT);
    stream
        .write_all(&request_bytes(
            ui,
            "GET",
            "/api/stream",
            &[("Accept", "text/event-stream")],
            b"",
            true,
        ))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // The head, then the stream's first event (retry), so the page is subscribed.
    while !line.starts_with("retry:") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the stream ended");
    }
    post(
        listener.port,
        "/hooks/a",
        &[("Content-Type", "application/json")],
        br#"{"event":"ping"}"#,
    );
    let started = Instant::now();
    let data = loop {
        line.clear();
        reader
            .read_line(&mut line)
            .expect("an event within the read timeout");
        if let Some(data) = line.strip_prefix("data: ") {
            break data.to_string();
        }
        assert!(started.elapsed() < DEADLINE, "no delivery event");
    };
    let summary: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(summary["target"], "/hooks/a");
    assert_eq!(summary["event"], "ping");
    assert_eq!(summary["status"], 200);
}

/// Waits for a CSS selector, failing the test with `what` after [`BROWSER_STEP`].
async fn wait_for(client: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(BROWSER_STEP)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|err| panic!("the page never showed {css}: {err}"))
}

async fn text_of(client: &fantoccini::Client, css: &str) -> String {
    wait_for(client, css).await.text().await.unwrap()
}

/// Every browser test in one chromium session (one start-up for the suite): live arrival,
/// the JSON tree, XSS payloads shown as text, and a re-signed edited replay.
#[test]
fn the_inspector_in_a_real_browser() {
    let receiver = Receiver::ok();
    let listener = Listener::start(&["--ui", "--ui-port", "0", "--secret", SECRET, "--json"]);
    let page = format!("http://127.0.0.1:{}/", listener.ui_port());
    let browser = Browser::start();
    let c = &browser.client;
    browser.run(async {
        c.goto(&page).await.unwrap();
        wait_for(c, "#live.on").await;
    });

    // A delivery sent while the page is open appears without a reload.
    let body = r#"{"event":"order.paid","data":{"amount":4200,"customer":{"name":"Ada","vip":true},"items":[{"sku":"A-1"}]}}"#;
    send_standard(&listener.url("/shop/orders"), body);
    browser.run(async {
        let row = wait_for(c, r#".row[data-seq="1"]"#).await;
        let text = row.text().await.unwrap();
        assert!(
            text.contains("order.paid") && text.contains("/shop/orders"),
            "{text}"
        );
        row.click().await.unwrap();
        // Its JSON tree shows the values sent.
        assert_eq!(text_of(c, r#"[data-path="data.amount"]"#).await, "4200");
        assert_eq!(
            text_of(c, r#"[data-path="data.customer.name"]"#).await,
            r#""Ada""#
        );
        assert_eq!(
            text_of(c, r#"[data-path="data.customer.vip"]"#).await,
            "true"
        );
        assert_eq!(
            text_of(c, r#"[data-path="data.items[0].sku"]"#).await,
            r#""A-1""#
        );
        assert!(text_of(c, ".detail-title").await.contains("✓ standard"));
    });

    edited_replay_is_resigned(&browser, &receiver);
    search_filters_keys_and_diff(&browser, &listener);
    if let Ok(dir) = std::env::var("INSPECTOR_SCREENSHOTS") {
        screenshots(&browser, &listener, std::path::Path::new(&dir));
    }
    xss_payloads_stay_text(&browser);
}

/// `whk send --data BODY --scheme standard --secret SECRET` to `url`.
fn send_standard(url: &str, body: &str) {
    whk()
        .args([
            "send", "--data", body, "--scheme", "standard", "--secret", SECRET, "--url", url,
        ])
        .assert()
        .success();
}

/// Payloads in a path (which only a saved capture can hold: the listener refuses `<` in a
/// request target), a header and a body, opened in `whk inspect`.
fn xss_payloads_stay_text(browser: &Browser) {
    let c = &browser.client;
    let path = "/hooks/<script>window.__xss=1</script>";
    let header = r#"<img src=x onerror="window.__xss=2">"#;
    let body = r#"{"event":"<script>window.__xss=3</script>","url":"javascript:window.__xss=4","html":"<img src=x onerror=window.__xss=5><svg onload=window.__xss=6>"}"#;
    let mut req = Req::post(body.as_bytes(), vec![("X-Evil".into(), header.into())]);
    req.path = path.into();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.jsonl");
    write(&file, jsonl(&[req]));
    let inspector = inspect(&[file.to_str().unwrap()]);
    browser.run(async {
        c.goto(&format!("http://127.0.0.1:{}/", inspector.port)).await.unwrap();
        let row = wait_for(c, r#".row[data-seq="1"]"#).await;
        row.click().await.unwrap();
        assert_eq!(text_of(c, ".detail-title .path").await, path);
        assert_eq!(text_of(c, r#"[data-path="url"]"#).await, r#""javascript:window.__xss=4""#);
        let headers = text_of(c, "table.kv").await;
        assert!(headers.contains(header), "{headers}");
        // Switch to the raw body too: it is text as well.
        let raw = wait_for(c, ".seg button:nth-child(2)").await;
        raw.click().await.unwrap();
        assert!(text_of(c, "pre.code").await.contains("<svg onload=window.__xss=6>"));
        let ran = c
            .execute(
                "return [window.__xss === undefined, document.querySelectorAll('#detail script, #detail img[src=x], #detail svg, #list script').length]",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(ran, json!([true, 0]), "a payload ran or was rendered as HTML");
        assert!(c.get_alert_text().await.is_err(), "an alert opened");
    });
}

fn edited_replay_is_resigned(browser: &Browser, receiver: &Receiver) {
    let c = &browser.client;
    let edited = r#"{"event":"order.paid","data":{"amount":9900}}"#;
    browser.run(async {
        wait_for(c, r#".row[data-seq="1"]"#)
            .await
            .click()
            .await
            .unwrap();
        wait_for(c, r#"#detail[data-seq="1"] [data-path="data.amount"]"#).await;
        wait_for(c, r#"input[name="replay-mode"][value="edited"]"#)
            .await
            .click()
            .await
            .unwrap();
        c.execute(
            "document.getElementById('replay-body').value = arguments[0]",
            vec![json!(edited)],
        )
        .await
        .unwrap();
        wait_for(c, "#replay-url")
            .await
            .send_keys(&receiver.url("/orders"))
            .await
            .unwrap();
        wait_for(c, "#replay-send").await.click().await.unwrap();
        let status = wait_for(c, "[data-replay-status]").await;
        assert_eq!(
            status.attr("data-replay-status").await.unwrap().as_deref(),
            Some("200")
        );
    });
    let sent = receiver.requests();
    assert_eq!(sent.len(), 1, "one replay reached the receiver");
    assert_eq!(sent[0].path, "/orders");
    assert_eq!(sent[0].body, edited.as_bytes());
    assert!(
        independently_valid("standard", SECRET, &sent[0]),
        "the edited replay is signed validly"
    );
    let t: i64 = sent[0]
        .header("webhook-timestamp")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (unix_now() - t).abs() < 300,
        "signed with a fresh timestamp"
    );
}

/// A second delivery: the search finds it by a body value, the verdict filter hides both,
/// `j` moves the selection, and `d` then a click diffs the two by JSON path.
fn search_filters_keys_and_diff(browser: &Browser, listener: &Listener) {
    let c = &browser.client;
    send_standard(
        &listener.url("/shop/orders"),
        r#"{"event":"order.paid","data":{"amount":4300}}"#,
    );
    let key = |k: &'static str| {
        c.execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0]}))",
            vec![json!(k)],
        )
    };
    let rows = || {
        c.execute(
            "return [...document.querySelectorAll('.row')].map(r => Number(r.dataset.seq))",
            vec![],
        )
    };
    browser.run(async {
        wait_for(c, r#".row[data-seq="2"]"#).await;
        key("/").await.unwrap();
        let search = wait_for(c, "#search:focus").await;
        search.send_keys("4300").await.unwrap();
        wait_for(c, ".count").await;
        while rows().await.unwrap() != json!([2]) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        search.clear().await.unwrap();
        search.send_keys("\u{e00c}").await.unwrap(); // Escape leaves the search
        c.execute(
            "document.getElementById('search').dispatchEvent(new Event('input'))",
            vec![],
        )
        .await
        .unwrap();
        while rows().await.unwrap() != json!([2, 1]) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let verdict = wait_for(c, "#filter-verdict").await;
        verdict.select_by_value("invalid").await.unwrap();
        assert_eq!(rows().await.unwrap(), json!([]));
        assert!(text_of(c, "#empty").await.contains("No delivery matches"));
        verdict.select_by_value("").await.unwrap();

        wait_for(c, r#".row[data-seq="2"]"#)
            .await
            .click()
            .await
            .unwrap();
        key("j").await.unwrap();
        wait_for(c, r#"#detail[data-seq="1"]"#).await;
        key("d").await.unwrap();
        wait_for(c, "#picking:not([hidden])").await;
        wait_for(c, r#".row[data-seq="2"]"#)
            .await
            .click()
            .await
            .unwrap();
        let diff = text_of(c, r#"table[data-diff="body"]"#).await;
        assert!(
            diff.contains("data.amount") && diff.contains("4200") && diff.contains("4300"),
            "{diff}"
        );
    });
}

/// Sizes the window so the page itself (the viewport) is `width`×`height`.
async fn viewport(c: &fantoccini::Client, width: u32, height: u32) {
    c.set_window_size(width, height).await.unwrap();
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .unwrap();
    let extra = |i: usize, want: u32| want + (want - inner[i].as_u64().unwrap() as u32);
    c.set_window_size(extra(0, width), extra(1, height))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// The README's screenshots (INSPECTOR_SCREENSHOTS=docs): a list of varied deliveries at
/// 1280×800, and the detail at 390×844.
fn screenshots(browser: &Browser, listener: &Listener, dir: &std::path::Path) {
    let c = &browser.client;
    for (event, amount) in [
        ("order.created", 1250),
        ("order.paid", 1250),
        ("invoice.sent", 310),
    ] {
        let body = format!(
            r#"{{"event":"{event}","data":{{"id":"ord_{amount}","amount":{amount},"currency":"EUR"}}}}"#
        );
        send_standard(&listener.url("/shop/orders"), &body);
    }
    whk()
        .args([
            "send",
            "click",
            "--url",
            &listener.url("/geo"),
            "--secret",
            "wrong-secret",
        ])
        .assert()
        .success();
    browser.run(async {
        wait_for(c, r#".row[data-seq="5"]"#).await;
        wait_for(c, r#".row[data-seq="3"]"#)
            .await
            .click()
            .await
            .unwrap();
        wait_for(c, r#"[data-path="data.amount"]"#).await;
        tokio::time::sleep(Duration::from_millis(1600)).await;
        viewport(c, 1280, 800).await;
        std::fs::write(dir.join("inspector.png"), c.screenshot().await.unwrap()).unwrap();
        // The theme button goes system → light → dark.
        for _ in 0..2 {
            wait_for(c, "#theme").await.click().await.unwrap();
        }
        std::fs::write(
            dir.join("inspector-dark.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
        wait_for(c, "#theme").await.click().await.unwrap();
        viewport(c, 390, 844).await;
        c.execute("document.body.classList.remove('showing')", vec![])
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        std::fs::write(
            dir.join("inspector-narrow.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
        viewport(c, 1280, 800).await;
    });
}
