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
