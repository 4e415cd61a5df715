//! JSON Schemas through the real binary: `whk events --schema/--schemas`, and `--validate`
//! on verify, listen and replay, with whk's schemas and a directory of the user's own.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::*;

const SECRET: &str = "k";

/// (profile, event) for every event of the documented catalogue.
fn catalogue() -> Vec<(&'static str, &'static str)> {
    let georedir = GEOREDIR_EVENTS.iter().map(|e| ("georedir", *e));
    georedir
        .chain(RELURL_EVENTS.iter().map(|e| ("relurl", *e)))
        .collect()
}

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// `whk verify --body FILE` signed correctly, with `extra` flags.
fn verify_body(path: &Path, extra: &[&str]) -> (i32, String, String) {
    let body = std::fs::read(path).unwrap();
    let header = format!(
        "X-GeoRedir-Signature: {}",
        hmac_hex(SECRET.as_bytes(), &body)
    );
    let mut args = vec!["verify", "--body", path.to_str().unwrap(), "-H", &header];
    args.extend(["--secret", SECRET]);
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn events_print_one_schema_and_write_them_all() {
    let (code, stdout, stderr) = run(&["--json", "events", "link.clicked", "--schema"]);
    assert_eq!(code, 0, "{stderr}");
    let schema: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["properties"]["event"]["const"], "link.clicked");
    let required = schema["required"].as_array().unwrap();
    assert!(required.contains(&Value::from("event_id")), "{schema}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let (code, _, stderr) = run(&["events", "--schemas", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), catalogue().len(), "{names:?}");
    assert!(names.contains(&"georedir.click.schema.json".to_string()));
    assert!(names.contains(&"relurl.link.expired.schema.json".to_string()));
}

#[test]
fn the_documented_examples_and_fresh_samples_fit_their_schemas() {
    for path in examples() {
        let (code, stdout, stderr) = verify_body(&path, &["--validate", "--json"]);
        assert_eq!(code, 0, "{}: {stdout}{stderr}", path.display());
        let report: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
        assert_eq!(report["validation"]["valid"], true, "{report}");
    }
    let dir = tempfile::tempdir().unwrap();
    for (profile, event) in catalogue() {
        let (_, sample, _) = run(&["--json", "events", event, "--profile", profile]);
        let path = dir.path().join(format!("{profile}-{event}.json"));
        captures::write(&path, sample.trim());
        let header_name = if profile == "relurl" {
            "X-RELURL-Signature"
        } else {
            "X-GeoRedir-Signature"
        };
        let body = std::fs::read(&path).unwrap();
        let header = format!("{header_name}: {}", hmac_hex(SECRET.as_bytes(), &body));
        let args = [
            "verify",
            "--body",
            path.to_str().unwrap(),
            "-H",
            &header,
            "--secret",
            SECRET,
            "--validate",
        ];
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{profile} {event}: {stdout}{stderr}");
    }
}

#[test]
fn verify_names_missing_extra_and_mistyped_fields_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    captures::write(
        &path,
        r#"{"event":"link.created","timestamp":"2026-02-25T14:30:00Z","data":{"link_id":"42","name":"n","slug":"s","is_active":true,"colour":"red"}}"#,
    );
    let (code, stdout, stderr) = verify_body(&path, &["--validate"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("missing /data: rules_count is missing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("extra /data: unexpected colour"),
        "{stdout}"
    );
    assert!(stdout.contains("type /data/link_id"), "{stdout}");
    // Without --validate the signature alone decides.
    assert_eq!(verify_body(&path, &[]).0, 0);
}

#[test]
fn listen_records_each_payload_s_validation_in_its_capture() {
    let listener = Listener::start(&["--json", "--validate"]);
    let good = captures::click_body(1);
    post(listener.port, "/", &[], &good);
    let bad = br#"{"event":"click","timestamp":"2026-02-25T14:30:00Z","data":{}}"#;
    post(listener.port, "/", &[], bad);
    let captures = listener.wait_for_captures(2);
    assert_eq!(captures[0]["validation"]["valid"], true, "{}", captures[0]);
    assert_eq!(captures[1]["validation"]["valid"], false);
    let kinds: Vec<&str> = captures[1]["validation"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.iter().all(|k| *k == "missing") && kinds.len() > 5,
        "{kinds:?}"
    );
}

#[test]
fn listen_shows_the_problems_under_the_delivery() {
    let listener = Listener::start(&["--validate"]);
    let bad = br#"{"event":"click","timestamp":"2026-02-25T14:30:00Z","data":{"click_id":5}}"#;
    post(listener.port, "/", &[], bad);
    listener.wait_for_stdout(b"schema georedir click");
    let shown = String::from_utf8_lossy(&listener.stdout_bytes()).into_owned();
    assert!(shown.contains("type /data/click_id"), "{shown}");
    assert!(
        shown.contains("missing /data: link_id is missing"),
        "{shown}"
    );
}

#[test]
fn a_schema_directory_adds_the_user_s_own_events_to_replay_and_listen() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    captures::write(
        &schemas.join("order.paid.json"),
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["event","amount"],"properties":{"amount":{"type":"integer"}}}"#,
    );
    let good = captures::Req::signed("georedir", br#"{"event":"order.paid","amount":5}"#);
    let bad = captures::Req::signed("georedir", br#"{"event":"order.paid","amount":"5"}"#);
    let file = dir.path().join("caps.jsonl");
    captures::write(&file, captures::jsonl(&[good, bad]));
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    let args = [
        "replay",
        file.to_str().unwrap(),
        "--url",
        &url,
        "--schema-dir",
        schemas.to_str().unwrap(),
    ];
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("type /amount"), "{stderr}");
    assert_eq!(receiver.requests().len(), 2, "both are sent either way");
}
