//! Cross-cutting behaviour through the real binary: environment variables, secrets kept
//! secret, bad input, colour, completions and `whk secret`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::support::*;

// ---------------------------------------------------------------- environment variables

#[test]
fn environment_variables_stand_in_for_url_secret_and_scheme() {
    let receiver = Receiver::ok();
    let secret = "whsec_env_stripe_key";
    let (code, stdout, stderr) = output_of(
        whk()
            .env("WHK_URL", receiver.url("/from-env"))
            .env("WHK_SECRET", secret)
            .env("WHK_SCHEME", "stripe")
            .args(["send", "click", "--color", "never"]),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        !stderr.contains("unsigned"),
        "WHK_SECRET was used: {stderr}"
    );
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/from-env");
    assert!(independently_valid("stripe", secret, &requests[0]));

    // Flags win over the environment.
    let (code, _, stderr) = output_of(whk().env("WHK_URL", closed_port_url()).args([
        "send",
        "click",
        "--url",
        &receiver.url("/from-flag"),
        "--secret",
        "k",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(receiver.requests()[1].path, "/from-flag");
    assert!(independently_valid(
        "georedir",
        "k",
        &receiver.requests()[1]
    ));

    // sign reads WHK_SECRET and WHK_SCHEME too.
    let (code, stdout, stderr) = output_of(
        whk()
            .env("WHK_SECRET", "It's a Secret to Everybody")
            .env("WHK_SCHEME", "github")
            .arg("sign")
            .write_stdin("Hello, World!"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );

    // A bad WHK_SCHEME is a usage error like a bad --scheme.
    let (code, _, stderr) = output_of(
        whk()
            .env("WHK_SCHEME", "rot13")
            .args(["sign", "--secret", "k"])
            .write_stdin("{}"),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("rot13"), "{stderr}");
}

// ---------------------------------------------------------------- secrets stay secret

const HIDDEN: &str = "hunter2-super-secret-value";

#[track_caller]
fn assert_not_leaked(what: &str, (_, stdout, stderr): &(i32, String, String)) {
    assert!(
        !stdout.contains(HIDDEN) && !stderr.contains(HIDDEN),
        "{what} printed the secret:\n{stdout}\n{stderr}"
    );
}

#[test]
fn secret_file_signs_and_no_command_prints_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{HIDDEN}\n")).unwrap();
    let secret_file = file.to_str().unwrap();
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    let closed = closed_port_url();

    let send = |extra: &[&str]| {
        let args = [&["send", "click", "--secret-file", secret_file][..], extra].concat();
        run(&args)
    };
    let ok = send(&["--url", &url, "-v"]);
    assert_eq!(ok.0, 0, "{}", ok.2);
    let req = &receiver.requests()[0];
    assert!(
        independently_valid("georedir", HIDDEN, req),
        "the file's first line, without its newline, is the secret"
    );
    assert_not_leaked("send -v", &ok);
    assert_not_leaked("send --json", &send(&["--url", &url, "--json"]));
    assert_not_leaked("send --dry-run", &send(&["--url", &url, "--dry-run"]));
    let refused = send(&["--url", &closed]);
    assert_eq!(refused.0, 3);
    assert_not_leaked("send to a closed port", &refused);
    let rejected = send(&["--url", &url, "--expect-status", "401"]);
    assert_eq!(rejected.0, 1);
    assert_not_leaked("send with an unmet expectation", &rejected);
    assert_not_leaked(
        "sign",
        &run_with_stdin(&["sign", "--secret-file", secret_file], "{}"),
    );
    assert_not_leaked(
        "sign --json --curl",
        &run_with_stdin(
            &[
                "sign",
                "--secret-file",
                secret_file,
                "--json",
                "--curl",
                "--url",
                &url,
            ],
            "{}",
        ),
    );

    // Failing commands that handle the secret itself.
    let conflict = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret",
        HIDDEN,
        "--secret-file",
        secret_file,
    ]);
    assert_eq!(conflict.0, 2);
    assert_not_leaked("--secret with --secret-file", &conflict);
    let bad_standard = format!("whsec_!!{HIDDEN}");
    let result = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--scheme",
        "standard",
        "--secret",
        &bad_standard,
    ]);
    assert_one_line_error(&result, 2, "base64");
    assert_not_leaked("a bad standard secret", &result);
    let result = output_of(whk().env("WHK_SECRET", HIDDEN).args(["send", "--help"]));
    assert_eq!(result.0, 0);
    assert_not_leaked("send --help with WHK_SECRET set", &result);
    let result = output_of(
        whk()
            .env("WHK_SECRET", HIDDEN)
            .args(["send", "clik", "--url", &url]),
    );
    assert_eq!(result.0, 2);
    assert_not_leaked("a usage error with WHK_SECRET set", &result);

    // An empty or unreadable secret file is a usage error.
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let result = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret-file",
        empty.to_str().unwrap(),
    ]);
    assert_one_line_error(&result, 2, "is empty");
    let missing = dir.path().join("missing");
    let result = run(&[
        "send",
        "click",
        "--url",
        &url,
        "--secret-file",
        missing.to_str().unwrap(),
    ]);
    assert_one_line_error(&result, 2, "cannot read --secret-file");
    assert_eq!(
        receiver.requests().len(),
        3,
        "only the -v, --json and --expect-status sends went out"
    );
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_input_is_one_error_line_with_exit_2_and_sends_nothing() {
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    let dir = tempfile::tempdir().unwrap();
    let directory = dir.path().to_str().unwrap().to_string();
    let missing = format!("@{}/missing.json", directory);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["send", "clik", "--url", &url], "did you mean 'click'?"),
        (
            vec!["send", "click", "--url", &url, "--set", "data.nope.x=1"],
            "data.nope",
        ),
        (
            vec!["send", "click", "--url", &url, "--set", "noequals"],
            "path=value",
        ),
        (vec!["send", "--data", "not json", "--url", &url], "--raw"),
        (
            vec!["send", "--data", "{\"a\":", "--url", &url],
            "not valid JSON",
        ),
        (
            vec!["send", "--data", &directory, "--url", &url],
            "cannot read --data file",
        ),
        (
            vec!["send", "--data", &missing, "--url", &url],
            "cannot read --data file",
        ),
        (
            vec!["send", "click", "--url", "localhost:3001"],
            "invalid URL \"localhost:3001\"",
        ),
        (
            vec!["send", "click", "--url", "ftp://x"],
            "invalid URL \"ftp://x\"",
        ),
        (
            vec![
                "send",
                "click",
                "--url",
                &url,
                "--scheme",
                "standard",
                "--secret",
                "whsec_!!!",
            ],
            "not valid base64",
        ),
        (
            vec![
                "send", "click", "--url", &url, "--scheme", "standard", "--secret", "whsec_",
            ],
            "empty key",
        ),
        (vec!["send", "--url", &url], "missing EVENT"),
        (vec!["send", "click"], "missing --url"),
        (
            vec![
                "send", "click", "--url", &url, "--scheme", "custom", "--secret", "k",
            ],
            "--signature-header",
        ),
        (
            vec!["send", "click", "--url", &url, "--secret", ""],
            "--secret is empty",
        ),
        (
            vec!["send", "click", "--url", &url, "--timestamp", "yesterday"],
            "--timestamp",
        ),
        (
            vec!["send", "click", "--url", &url, "--time-scale=-1"],
            "--time-scale",
        ),
    ];
    for (args, mention) in &cases {
        let result = run(args);
        assert_one_line_error(&result, 2, mention);
        assert!(
            result.1.is_empty(),
            "{args:?} printed on stdout: {}",
            result.1
        );
    }
    assert_eq!(receiver.requests().len(), 0, "no bad input sends anything");
}

#[test]
fn clap_usage_errors_exit_2_and_name_the_bad_value() {
    for (args, mention) in [
        (&["send", "click", "--scheme", "nope"][..], "nope"),
        (&["send", "click", "--timeout", "soon"], "soon"),
        (&["send", "click", "--retries", "many"], "many"),
        (&["send", "click", "--color", "sometimes"], "sometimes"),
        (&["send", "--raw"], "--data"),
        (&["sign", "--curl"], "--url"),
        (&["completions", "tcsh"], "tcsh"),
        (&["frobnicate"], "frobnicate"),
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert!(
            stderr.contains(mention),
            "{args:?} should name {mention}: {stderr}"
        );
    }
}

#[test]
fn network_failures_exit_3_and_name_the_url() {
    let url = closed_port_url();
    let result = run(&["send", "click", "--url", &url, "--secret", "k"]);
    assert_one_line_error(&result, 3, &url);
    assert!(result.2.contains("refused"), "{}", result.2);

    // DNS: only the resolver is asked; .invalid never resolves (RFC 6761).
    let result = run(&[
        "send",
        "click",
        "--url",
        "http://nonexistent.invalid/",
        "--secret",
        "k",
        "--timeout",
        "2s",
    ]);
    assert_one_line_error(&result, 3, "http://nonexistent.invalid/");

    let receiver = Receiver::start(vec![Reply::status(404).with_body("no such hook")]);
    let result = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
    ]);
    assert_one_line_error(&result, 1, "404");
    assert!(
        result.1.contains("no such hook"),
        "the response body is shown: {}",
        result.1
    );
}

// ---------------------------------------------------------------- colour

const ESC: &str = "\x1b[";

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let receiver = Receiver::ok();
    let url = receiver.url("/");
    let sample = ["events", "click", "--seed", "1"];
    let list = ["events"];
    let send = ["send", "click", "--url", url.as_str(), "--secret", "k"];
    for args in [&sample[..], &list[..], &send[..]] {
        let coloured = |extra: &[&str], env: &[(&str, &str)]| {
            let mut cmd = whk();
            for (k, v) in env {
                cmd.env(k, v);
            }
            let (code, stdout, stderr) = output_of(cmd.args(args).args(extra));
            assert_eq!(code, 0, "{args:?} {extra:?}: {stderr}");
            stdout.contains(ESC)
        };
        assert!(
            coloured(&["--color", "always"], &[]),
            "{args:?} --color always"
        );
        assert!(
            coloured(&["--color", "always"], &[("NO_COLOR", "1")]),
            "the flag beats NO_COLOR"
        );
        assert!(
            !coloured(&["--color", "never"], &[]),
            "{args:?} --color never"
        );
        assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
        assert!(!coloured(&[], &[]), "{args:?} piped stdout is plain");
        assert!(!coloured(&[], &[("NO_COLOR", "1")]), "{args:?} NO_COLOR");
        assert!(
            coloured(&[], &[("CLICOLOR_FORCE", "1")]),
            "{args:?} CLICOLOR_FORCE"
        );
        assert!(
            !coloured(&[], &[("CLICOLOR_FORCE", "0")]),
            "{args:?} CLICOLOR_FORCE=0"
        );
        assert!(
            !coloured(&["--json", "--color", "always"], &[]),
            "{args:?} --json"
        );
        assert!(
            !coloured(&["--json"], &[("CLICOLOR_FORCE", "1")]),
            "{args:?} --json"
        );
    }
}

#[test]
fn on_a_terminal_colour_is_on_unless_no_color_or_dumb() {
    let args = ["events", "click", "--seed", "1"];
    let Some((code, shown)) = run_on_tty(&args, &[]) else {
        eprintln!("skipping: `script` is not installed, so no pseudo-terminal");
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains(ESC), "auto colours a terminal: {shown:?}");
    for env in [&[("NO_COLOR", "1")][..], &[("TERM", "dumb")]] {
        let (code, shown) = run_on_tty(&args, env).unwrap();
        assert_eq!(code, 0);
        assert!(shown.contains("\"event\""), "{env:?}: {shown:?}");
        assert!(!shown.contains(ESC), "{env:?}: {shown:?}");
    }
    let (_, shown) = run_on_tty(&[&args[..], &["--color", "never"]].concat(), &[]).unwrap();
    assert!(
        !shown.contains(ESC),
        "--color never on a terminal: {shown:?}"
    );
    let (_, shown) = run_on_tty(&[&args[..], &["--json"]].concat(), &[]).unwrap();
    assert!(!shown.contains(ESC), "--json on a terminal: {shown:?}");
}

#[test]
fn colour_is_decided_for_each_stream_on_its_own() {
    // A dry run without a secret prints the request on stdout and a warning on stderr.
    let args = ["send", "click", "--dry-run", "--seed", "1"];
    let Some((terminal, file)) = run_on_tty_redirecting(&args, "2>") else {
        eprintln!("skipping: `script` is not installed, so no pseudo-terminal");
        return;
    };
    assert!(terminal.contains(ESC), "stdout on a terminal: {terminal:?}");
    assert!(
        file.starts_with("warning: no --secret"),
        "stderr file: {file:?}"
    );
    assert!(!file.contains(ESC), "stderr to a file is plain: {file:?}");

    let (terminal, file) = run_on_tty_redirecting(&args, "1>").unwrap();
    assert!(
        terminal.contains("\u{1b}[1;33mwarning:\u{1b}[0m no --secret"),
        "stderr on a terminal: {terminal:?}"
    );
    assert!(file.starts_with("POST "), "stdout file: {file:?}");
    assert!(!file.contains(ESC), "stdout to a file is plain: {file:?}");
}

// ---------------------------------------------------------------- completions

#[test]
fn checked_in_completions_match_the_generator() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (shell, file) in [
        ("bash", "whk.bash"),
        ("zsh", "_whk"),
        ("fish", "whk.fish"),
        ("powershell", "_whk.ps1"),
        ("elvish", "whk.elv"),
    ] {
        let output = whk().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "whk completions {shell}");
        assert!(!output.stdout.is_empty(), "whk completions {shell}");
        let path = root.join("completions").join(file);
        let checked_in =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if checked_in != output.stdout {
            stale.push(format!(
                "completions/{file} is out of date; regenerate it with `cargo run -- completions {shell} > completions/{file}`"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n(or regenerate all five with scripts/gen-completions.sh)",
        stale.join("\n")
    );
}

#[test]
fn bash_and_zsh_completions_offer_event_names() {
    for (shell, file) in [("bash", "whk.bash"), ("zsh", "_whk")] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let script = std::fs::read_to_string(root.join("completions").join(file)).unwrap();
        for event in ["alert.triggered", "link.clicked", "conversion"] {
            assert!(script.contains(event), "{shell} completions lack {event}");
        }
    }
}

// ---------------------------------------------------------------- man pages

#[test]
fn checked_in_man_pages_match_the_generator() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["man", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let names = |d: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let generated = names(dir.path());
    assert!(
        generated.contains(&"whk-listen.1".to_string()),
        "{generated:?}"
    );
    assert_eq!(
        names(&root.join("man")),
        generated,
        "regenerate man/ with scripts/gen-man.sh"
    );
    for name in generated {
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        let checked_in = std::fs::read(root.join("man").join(&name)).unwrap();
        assert!(
            fresh == checked_in,
            "man/{name} is out of date; regenerate with scripts/gen-man.sh"
        );
    }
}

#[test]
fn the_completion_script_regenerates_every_shell() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join("scripts/gen-completions.sh"))
        .expect("scripts/gen-completions.sh exists");
    for (shell, file) in [
        ("bash", "whk.bash"),
        ("zsh", "_whk"),
        ("fish", "whk.fish"),
        ("powershell", "_whk.ps1"),
        ("elvish", "whk.elv"),
    ] {
        assert!(
            script.contains(&format!("{shell} {file}")),
            "scripts/gen-completions.sh does not write completions/{file} for {shell}"
        );
    }
}

// ---------------------------------------------------------------- whk secret

#[test]
fn secrets_have_the_scheme_form_and_differ() {
    let hex = |s: &str| {
        s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let (code, first, stderr) = run(&["secret"]);
    assert_eq!(code, 0, "{stderr}");
    let (_, second, _) = run(&["secret"]);
    assert!(hex(first.trim_end()), "{first:?}");
    assert!(hex(second.trim_end()), "{second:?}");
    assert_ne!(first, second);
    assert_eq!(first.lines().count(), 1);

    let standard = || {
        let (code, out, stderr) = run(&["secret", "--scheme", "standard"]);
        assert_eq!(code, 0, "{stderr}");
        let value = out.trim_end().to_string();
        let key = B64
            .decode(value.strip_prefix("whsec_").expect("whsec_ prefix"))
            .expect("base64 after whsec_");
        assert!(key.len() >= 24, "{} key bytes", key.len());
        value
    };
    let (a, b) = (standard(), standard());
    assert_ne!(a, b);

    // WHK_SCHEME picks the form too, and --json wraps it.
    let (_, out, _) = output_of(
        whk()
            .env("WHK_SCHEME", "standard")
            .args(["secret", "--json"]),
    );
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["type"], "secret");
    assert_eq!(value["scheme"], "standard");
    assert!(value["secret"].as_str().unwrap().starts_with("whsec_"));

    // A generated standard secret signs a delivery that verifies.
    let receiver = Receiver::ok();
    let (code, _, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--scheme",
        "standard",
        "--secret",
        &a,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(independently_valid("standard", &a, &receiver.requests()[0]));
}

/// Every flag mistake clap catches is one line in whk's style, with no misleading tip.
#[test]
fn flag_mistakes_are_one_line_without_clap_tips() {
    for (args, mention) in [
        (
            &[
                "send",
                "click",
                "--url",
                "http://127.0.0.1:9/",
                "--status",
                "500",
            ][..],
            "is a flag of `whk listen`",
        ),
        (
            &[
                "send",
                "click",
                "--url",
                "http://127.0.0.1:9/",
                "--count",
                "-5",
            ][..],
            "1 or more",
        ),
        (
            &[
                "send",
                "click",
                "--url",
                "http://127.0.0.1:9/",
                "--urll",
                "x",
            ][..],
            "similar argument exists: '--url'",
        ),
        (
            &[
                "send",
                "click",
                "--secret",
                "a",
                "--secret-file",
                "b",
                "--url",
                "http://127.0.0.1:9/",
            ][..],
            "cannot be used with",
        ),
        (&["listen", "--port", "abc"][..], "--port"),
        (
            &["listen", "--port", "0", "--status", "500,100"][..],
            "200 to 599",
        ),
        (&["verify", "--scheme", "nope"][..], "possible values"),
        (
            &[
                "send",
                "click",
                "--url",
                "http://127.0.0.1:9/",
                "--expect-status",
                "99x",
            ][..],
            "invalid value '99x' for '--expect-status <CODE|RANGE>': give a code (401)",
        ),
        (
            &["events", "click", "--timestamp", "yesterday"][..],
            "invalid value 'yesterday' for '--timestamp <TIME>': give unix seconds or RFC 3339",
        ),
        (&["frobnicate"][..], "whk --help"),
    ] {
        let result = run(args);
        assert_one_line_error(&result, 2, mention);
        assert!(!result.2.contains("tip: to pass"), "{}", result.2);
        assert!(!result.2.contains("Usage:"), "{}", result.2);
    }
}
