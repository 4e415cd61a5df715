//! `whk send` through the real binary against receivers on 127.0.0.1.

use crate::support::*;

const SCHEMES: &[(&str, &str)] = &[
    ("georedir", "geo_s3cret"),
    ("relurl", "relurl_s3cret"),
    ("github", "It's a Secret to Everybody"),
    ("stripe", "whsec_stripe_test_key"),
    ("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    ("slack", "8f742231b10e8888abcd99yyyzzz85a5"),
    ("shopify", "shpss_0123456789abcdef"),
];

const GEOREDIR_EVENTS: &[&str] = &[
    "click",
    "conversion",
    "link.created",
    "link.updated",
    "link.deleted",
    "alert.triggered",
];
const RELURL_EVENTS: &[&str] = &[
    "link.clicked",
    "link.created",
    "link.updated",
    "link.expired",
];

#[test]
fn every_event_with_every_scheme_verifies_independently() {
    let receiver = Receiver::ok();
    let mut expected = 0;
    for (scheme, secret) in SCHEMES {
        for (profile, events) in [("georedir", GEOREDIR_EVENTS), ("relurl", RELURL_EVENTS)] {
            for event in events.iter() {
                let (code, stdout, stderr) = run(&[
                    "send",
                    event,
                    "--profile",
                    profile,
                    "--url",
                    &receiver.url("/hook"),
                    "--secret",
                    secret,
                    "--scheme",
                    scheme,
                    "--color",
                    "never",
                ]);
                assert_eq!(code, 0, "{scheme} {event}: {stderr}");
                assert!(stdout.contains("200 OK"), "{stdout}");
                expected += 1;
                let requests = receiver.requests();
                assert_eq!(requests.len(), expected);
                let last = requests.last().unwrap();
                assert!(
                    independently_valid(scheme, secret, last),
                    "{scheme} {event} signature"
                );
                assert_eq!(last.json()["event"], *event);
                assert_eq!(last.method, "POST");
                assert_eq!(last.header("Content-Type"), Some("application/json"));
            }
        }
    }
}

#[test]
fn custom_scheme_signs_into_the_named_header() {
    let receiver = Receiver::ok();
    let (code, _, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
        "--signature-header",
        "X-Signature",
        "--signature-prefix",
        "sha256=",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let req = &receiver.requests()[0];
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(b"k").unwrap();
    hmac::Mac::update(&mut mac, &req.body);
    let expected = format!(
        "sha256={}",
        hex::encode(hmac::Mac::finalize(mac).into_bytes())
    );
    assert_eq!(req.header("X-Signature"), Some(expected.as_str()));
}

#[test]
fn non_2xx_exits_1_and_refused_exits_3() {
    let receiver = Receiver::start(vec![Reply::status(500).with_body("boom")]);
    let (code, stdout, stderr) = run(&[
        "send",
        "click",
        "--url",
        &receiver.url("/"),
        "--secret",
        "k",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("500"), "{stderr}");
    let url = closed_port_url();
    let (code, _, stderr) = run(&["send", "click", "--url", &url, "--secret", "k"]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("refused") && stderr.contains(&url),
        "{stderr}"
    );
}
