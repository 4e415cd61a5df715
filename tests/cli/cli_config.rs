//! whk.toml through the real binary: discovery, precedence (flag > environment > file >
//! default), `whk config`, `whk init`, errors that name the file and line, named endpoints
//! and listen routes.

use std::path::Path;

use serde_json::Value;

use crate::support::*;

/// `whk` run in `dir`, finding its whk.toml there or above (the tests' pinned empty
/// WHK_CONFIG removed).
fn whk_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = whk();
    cmd.current_dir(dir).env_remove("WHK_CONFIG");
    cmd
}

/// `whk --json config ARGS…` run in `dir` with `env`: the config_value records by key.
fn config_values(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Vec<Value> {
    let mut cmd = whk_in(dir);
    cmd.envs(env.iter().copied());
    cmd.args(["--json", "config"]).args(args);
    let (code, stdout, stderr) = output_of(&mut cmd);
    assert_eq!(code, 0, "whk config failed: {stderr}");
    json_lines(&stdout)
}

fn value_of<'a>(values: &'a [Value], key: &str) -> &'a Value {
    values
        .iter()
        .find(|v| v["type"] == "config_value" && v["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {values:?}"))
}

#[test]
fn the_file_is_found_upward_and_a_flag_beats_the_environment_beats_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whk.toml");
    captures::write(
        &file,
        "url = \"http://127.0.0.1:9/from-file\"\nsecret_env = \"PROJECT_SECRET\"\n\n[listen]\nport = 4567\n",
    );
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let secret = [("PROJECT_SECRET", "s3cret-from-env-var")];

    let from_file = config_values(&nested, &secret, &["send"]);
    let url = value_of(&from_file, "url");
    assert_eq!(url["value"], "http://127.0.0.1:9/from-file");
    assert_eq!(url["source"], format!("{}:1", file.display()));
    let shown_secret = value_of(&from_file, "secret");
    assert_eq!(shown_secret["source"], format!("{}:2", file.display()));
    assert!(
        !shown_secret["value"]
            .as_str()
            .unwrap()
            .contains("s3cret-from-env-var"),
        "the secret is redacted: {shown_secret}"
    );

    let env = [secret[0], ("WHK_URL", "http://127.0.0.1:9/from-env")];
    let from_env = config_values(&nested, &env, &["send"]);
    assert_eq!(
        value_of(&from_env, "url")["value"],
        "http://127.0.0.1:9/from-env"
    );
    assert_eq!(value_of(&from_env, "url")["source"], "env WHK_URL");

    let from_flag = config_values(&nested, &env, &["send", "--url", "http://127.0.0.1:9/flag"]);
    assert_eq!(
        value_of(&from_flag, "url")["value"],
        "http://127.0.0.1:9/flag"
    );
    assert_eq!(value_of(&from_flag, "url")["source"], "flag");

    let listen = config_values(&nested, &secret, &["listen"]);
    assert_eq!(value_of(&listen, "port")["value"], "4567");
    assert_eq!(value_of(&listen, "host")["source"], "default");
}

#[test]
fn the_file_s_values_reach_the_command() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    captures::write(
        &dir.path().join("whk.toml"),
        format!(
            "url = \"{}\"\nsecret_file = \"secret.txt\"\n[send]\nheader = [\"X-Env: from-file\"]\n",
            receiver.url("/hooks")
        ),
    );
    captures::write(&dir.path().join("secret.txt"), "file-secret\n");
    let (code, _, stderr) = output_of(whk_in(dir.path()).args(["send", "click", "-q"]));
    assert_eq!(code, 0, "{stderr}");
    let got = &receiver.requests()[0];
    assert_eq!(got.path, "/hooks");
    assert_eq!(got.header("X-Env"), Some("from-file"));
    let signature = got.header("X-GeoRedir-Signature").expect("signed");
    assert_eq!(signature, hmac_hex(b"file-secret", &got.body));
}

#[test]
fn a_named_endpoint_gives_send_its_url_and_secret() {
    let staging = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("project.toml");
    captures::write(
        &file,
        format!(
            "url = \"http://127.0.0.1:9/unused\"\n[endpoints.staging]\nurl = \"{}\"\nsecret_env = \"STAGING_SECRET\"\n",
            staging.url("/staging")
        ),
    );
    let mut cmd = whk();
    cmd.env("WHK_CONFIG", &file)
        .env("STAGING_SECRET", "stage-key");
    let (code, _, stderr) = output_of(cmd.args(["send", "click", "--to", "staging", "-q"]));
    assert_eq!(code, 0, "{stderr}");
    let got = &staging.requests()[0];
    assert_eq!(got.path, "/staging");
    assert_eq!(
        got.header("X-GeoRedir-Signature"),
        Some(hmac_hex(b"stage-key", &got.body).as_str())
    );
    let unknown = output_of(
        whk()
            .env("WHK_CONFIG", &file)
            .args(["send", "click", "--to", "prod"]),
    );
    assert_one_line_error(&unknown, 2, "[endpoints.prod]");
}

#[test]
fn init_writes_a_starter_file_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = output_of(whk_in(dir.path()).arg("init"));
    assert_eq!(code, 0, "{stderr}");
    let path = dir.path().join("whk.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("[[routes]]") && written.contains("secret_env"),
        "{written}"
    );
    // The starter parses: whk config reads it.
    config_values(dir.path(), &[], &[]);
    captures::write(&path, "# mine\n");
    let again = output_of(whk_in(dir.path()).arg("init"));
    assert_one_line_error(&again, 2, "already exists");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
}

#[test]
fn errors_in_the_file_name_the_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whk.toml");
    let run_in = |text: &str, args: &[&str]| {
        captures::write(&file, text);
        // Bounded: a listen that wrongly starts must not hang the test.
        let timeout = std::time::Duration::from_secs(30);
        output_of(whk_in(dir.path()).args(args).timeout(timeout))
    };
    let shown = file.display().to_string();
    let bad_value = run_in("# ports\n\n[listen]\nport = \"eighty\"\n", &["listen"]);
    assert_one_line_error(&bad_value, 2, &format!("{shown}:4: port:"));
    // A URL is checked where it is read, so the file's line is named too.
    let bad_url = run_in("[send]\n\nurl = \"localhost:3001\"\n", &["send", "click"]);
    assert_one_line_error(&bad_url, 2, &format!("{shown}:3: url:"));
    let unknown_key = run_in("[listen]\nprot = 3001\n", &["events"]);
    assert_one_line_error(
        &unknown_key,
        2,
        &format!("{shown}:2: prot: not a flag of `whk listen`"),
    );
    let syntax = run_in("url = \"http://a\"\nscheme = \n", &["events"]);
    assert_one_line_error(&syntax, 2, &format!("{shown}:2:"));
    let unset = run_in("secret_env = \"WHK_TEST_UNSET_VAR\"\n", &["listen"]);
    assert_one_line_error(&unset, 2, "WHK_TEST_UNSET_VAR, which is not set");
    // A route's mistake is named by its key's own line, not the [[routes]] line.
    let listen = ["listen", "--port", "0"];
    let route = "[[routes]]\nevents = \"link.*\"\n\n";
    let bad_forward = run_in(&format!("{route}forward_to = \"ftp://x\"\n"), &listen);
    assert_one_line_error(&bad_forward, 2, &format!("{shown}:4: forward_to:"));
    let unset_secret = run_in(
        &format!("{route}secret_env = \"WHK_TEST_UNSET_VAR\"\nscheme = \"stripe\"\n"),
        &listen,
    );
    assert_one_line_error(&unset_secret, 2, &format!("{shown}:4: secret:"));
    captures::write(&dir.path().join("route.secret"), "s3cret");
    let bad_scheme = run_in(
        &format!("{route}secret_file = \"route.secret\"\nscheme = \"nope\"\n"),
        &listen,
    );
    assert_one_line_error(&bad_scheme, 2, &format!("{shown}:5: scheme:"));
    let lone_scheme = run_in(&format!("{route}\nscheme = \"stripe\"\n"), &listen);
    assert_one_line_error(&lone_scheme, 2, &format!("{shown}:5: scheme:"));
}

#[test]
fn an_inline_secret_works_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    captures::write(&dir.path().join("whk.toml"), "secret = \"inline\"\n");
    let (code, _, stderr) = output_of(whk_in(dir.path()).args(["config", "listen"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("whk.toml:1: secret is written inline"),
        "{stderr}"
    );
}

#[test]
fn routes_send_two_event_types_to_two_receivers_each_verified_with_its_own_secret() {
    let clicks = Receiver::ok();
    let links = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whk.toml");
    captures::write(
        &file,
        format!(
            "[[routes]]\nevents = \"click\"\nforward_to = \"{}\"\nsecret_env = \"CLICK_SECRET\"\n\n\
             [[routes]]\nevents = \"link.*\"\nforward_to = \"{}\"\nscheme = \"relurl\"\nsecret_env = \"LINK_SECRET\"\n",
            clicks.url("/clicks"),
            links.url("/links")
        ),
    );
    let mut cmd = Listener::command(&["--json", "--config", file.to_str().unwrap()]);
    cmd.env("CLICK_SECRET", "click-key")
        .env("LINK_SECRET", "link-key");
    let listener = Listener::spawn(cmd);
    let target = listener.url("/webhooks");
    let sent = [
        ("click", "georedir", "click-key"),
        ("link.clicked", "relurl", "link-key"),
        ("link.created", "relurl", "wrong-key"),
    ];
    for (event, scheme, secret) in sent {
        let args = [
            "send", event, "--scheme", scheme, "--url", &target, "--secret", secret, "-q",
        ];
        output_of(whk().args(args));
    }
    let captures = listener.wait_for_captures(3);
    let valid: Vec<(String, bool)> = captures
        .iter()
        .map(|c| {
            (
                c["event"].as_str().unwrap().to_string(),
                c["signature"]["valid"] == true,
            )
        })
        .collect();
    assert!(valid.contains(&("click".into(), true)), "{valid:?}");
    assert!(valid.contains(&("link.clicked".into(), true)), "{valid:?}");
    assert!(valid.contains(&("link.created".into(), false)), "{valid:?}");
    let click_paths: Vec<String> = clicks.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(click_paths, ["/clicks"]);
    let link_events: Vec<Value> = links
        .requests()
        .iter()
        .map(|r| r.json()["event"].clone())
        .collect();
    assert_eq!(link_events.len(), 2, "{link_events:?}");
    assert!(link_events.contains(&Value::from("link.clicked")));
}

#[test]
fn config_shows_an_unset_secret_env_and_paths_taken_from_the_file_s_directory() {
    let dir = tempfile::tempdir().unwrap();
    captures::write(
        &dir.path().join("whk.toml"),
        "secret_env = \"WHK_TEST_UNSET_VAR\"\nschema_dir = \"schemas\"\n",
    );
    let nested = dir.path().join("deeper");
    std::fs::create_dir(&nested).unwrap();
    let values = config_values(&nested, &[], &["verify"]);
    assert_eq!(
        value_of(&values, "secret")["value"],
        "(WHK_TEST_UNSET_VAR is not set)"
    );
    let schema_dir = dir.path().join("schemas");
    assert_eq!(
        value_of(&values, "schema-dir")["value"],
        schema_dir.to_str().unwrap()
    );
}

#[test]
fn a_route_runs_its_own_command_for_its_events_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whk.toml");
    captures::write(
        &file,
        "[[routes]]\nevents = \"conv*\"\nexec = 'cat > /dev/null; echo \"$WHK_EVENT\" >> \"$OUT/ran\"'\n",
    );
    let mut cmd = Listener::command(&["--json", "--config", file.to_str().unwrap()]);
    cmd.env("OUT", dir.path());
    let listener = Listener::spawn(cmd);
    for event in ["click", "conversion"] {
        let args = ["send", event, "--url", &listener.url("/"), "-q"];
        output_of(whk().args(args));
    }
    let captures = listener.wait_for_captures(2);
    let ran: Vec<bool> = captures.iter().map(|c| c.get("exec").is_some()).collect();
    assert_eq!(ran.iter().filter(|r| **r).count(), 1, "{captures:?}");
    let ran = std::fs::read_to_string(dir.path().join("ran")).unwrap();
    assert_eq!(ran, "conversion\n");
}
