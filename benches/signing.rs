//! In-process costs: signing and verifying a delivery with each common scheme, raw
//! HMAC-SHA256 of the same bytes as the reference, composing a sample delivery, and parsing
//! one capture line. `scripts/bench.sh` runs this beside the whole-process comparisons.
//!
//!   cargo bench --bench signing                 # everything, about a minute
//!   cargo bench --bench signing -- sign/        # one group
//!
//! Throughput is reported in bytes of body per second for the signing groups, so the 1 KiB
//! and 64 KiB rows compare directly with `openssl speed -hmac sha256 -bytes N`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use whk::capture::Capture;
use whk::delivery::{BodySource, Composer};
use whk::events::{self, SampleContext};
use whk::scheme::{Scheme, SchemeName, Signer};
use whk::secret::Secret;

const SIZES: [usize; 2] = [1024, 64 * 1024];
const TIMESTAMP: i64 = 1_767_225_600;
const ID: &str = "msg_2bK8cQ3xYl0pV7nTfR9wJ4hEa1M";

/// A JSON-looking body of exactly `size` bytes.
fn body(size: usize) -> Vec<u8> {
    let head = br#"{"event":"click","data":{"pad":""#;
    let tail = br#""}}"#;
    let mut body = head.to_vec();
    body.extend((0..size - head.len() - tail.len()).map(|i| b'a' + (i % 26) as u8));
    body.extend_from_slice(tail);
    assert_eq!(body.len(), size);
    body
}

fn schemes() -> Vec<(&'static str, Scheme, Secret)> {
    let standard = format!(
        "whsec_{}",
        BASE64.encode(b"bench-secret-bench-secret-32-byt")
    );
    vec![
        (
            "georedir",
            Scheme::known(SchemeName::Georedir),
            Secret::new("bench-secret"),
        ),
        (
            "stripe",
            Scheme::known(SchemeName::Stripe),
            Secret::new("whsec_bench-secret"),
        ),
        (
            "standard",
            Scheme::known(SchemeName::Standard),
            Secret::new(standard),
        ),
    ]
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

fn signing(c: &mut Criterion) {
    let mut sign = c.benchmark_group("sign");
    for size in SIZES {
        let bytes = body(size);
        sign.throughput(Throughput::Bytes(size as u64));
        for (name, scheme, secret) in schemes() {
            let signer = Signer::new(scheme, &secret).expect("a valid secret");
            sign.bench_with_input(BenchmarkId::new(name, size), &bytes, |b, bytes| {
                b.iter(|| signer.sign(black_box(bytes), TIMESTAMP, ID))
            });
        }
    }
    sign.finish();

    let mut verify = c.benchmark_group("verify");
    for size in SIZES {
        let bytes = body(size);
        verify.throughput(Throughput::Bytes(size as u64));
        for (name, scheme, secret) in schemes() {
            let signer = Signer::new(scheme, &secret).expect("a valid secret");
            let headers = signer.sign(&bytes, TIMESTAMP, ID);
            assert!(
                signer
                    .verify(&headers, &bytes, TIMESTAMP, Some(300))
                    .is_ok()
            );
            verify.bench_with_input(BenchmarkId::new(name, size), &bytes, |b, bytes| {
                b.iter(|| signer.verify(&headers, black_box(bytes), TIMESTAMP, Some(300)))
            });
        }
    }
    verify.finish();

    // The reference: HMAC-SHA256 of the same bytes with the hmac crate, keyed on every call
    // (what `openssl speed -hmac` does) and cloned from a keyed state (what Signer does).
    let mut raw = c.benchmark_group("hmac_sha256");
    for size in SIZES {
        let bytes = body(size);
        raw.throughput(Throughput::Bytes(size as u64));
        raw.bench_with_input(
            BenchmarkId::new("keyed_each_call", size),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    let mut mac = Hmac::<Sha256>::new_from_slice(b"bench-secret").expect("any key");
                    mac.update(black_box(bytes));
                    mac.finalize().into_bytes()
                })
            },
        );
        let keyed = Hmac::<Sha256>::new_from_slice(b"bench-secret").expect("any key");
        raw.bench_with_input(
            BenchmarkId::new("prekeyed_clone", size),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    let mut mac = keyed.clone();
                    mac.update(black_box(bytes));
                    mac.finalize().into_bytes()
                })
            },
        );
    }
    raw.finish();
}

fn composing(c: &mut Criterion) {
    let click = events::find("click", None).expect("click is in the catalogue");
    let mut group = c.benchmark_group("compose");
    group.bench_function("click_sample_to_vec", |b| {
        let mut rng = fastrand::Rng::with_seed(7);
        let timestamp = SystemTime::now();
        b.iter(|| {
            let mut ctx = SampleContext {
                rng: &mut rng,
                timestamp,
                id: None,
            };
            let payload = events::sample(click, &mut ctx);
            serde_json::to_vec(&payload).expect("a Value always serialises")
        })
    });
    group.bench_function("click_sample_bytes", |b| {
        let mut rng = fastrand::Rng::with_seed(7);
        let timestamp = SystemTime::now();
        b.iter(|| {
            let mut ctx = SampleContext {
                rng: &mut rng,
                timestamp,
                id: None,
            };
            events::sample_bytes(click, &mut ctx)
        })
    });
    // What load mode does before every request: a fresh sample, serialised and signed.
    let signer = Signer::new(
        Scheme::known(SchemeName::Georedir),
        &Secret::new("bench-secret"),
    )
    .expect("a signer");
    let mut composer = Composer {
        source: BodySource::Sample {
            event: click,
            sets: Vec::new(),
        },
        signer: Some(signer),
        timestamp: None,
        id: None,
        extra_headers: Vec::new(),
        rng: fastrand::Rng::with_seed(7),
    };
    group.bench_function("click_delivery_signed_georedir", |b| {
        b.iter(|| composer.next_delivery().expect("a delivery"))
    });
    group.finish();
}

fn capture_line(c: &mut Criterion) {
    let line = br#"{"type":"delivery","id":"20260101T000000.000Z-000001-1a2b","received_at":"2026-01-01T00:00:00.000Z","remote_addr":"127.0.0.1:51234","method":"POST","path":"/webhooks/georedir","query":null,"headers":[["host","127.0.0.1:3001"],["content-type","application/json"],["user-agent","GeoRedir-Webhooks/1.0"],["x-georedir-signature","0f5e1b3c0d8a9e7f6b5a4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"],["content-length","211"]],"body":"{\"event\":\"click\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"link_id\":\"lnk_8Hq2mZ\",\"click_id\":\"clk_k3j2h1g0f9e8\",\"country\":\"DE\",\"device\":\"mobile\",\"ip\":\"198.51.100.7\",\"referrer\":\"https://news.example.com/\"}}","body_sha256":"9c1e3f5a7b9d1f3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f","body_size":211,"event":"click","duplicate":false,"signature":{"scheme":"georedir","valid":true},"response":{"status":200,"body":"ok"}}"#;
    let mut group = c.benchmark_group("capture");
    group.throughput(Throughput::Bytes(line.len() as u64));
    group.bench_function("parse_jsonl_line", |b| {
        b.iter(|| {
            let capture: Capture = serde_json::from_slice(black_box(line)).expect("a capture");
            capture.body_bytes().expect("a body")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = signing, composing, capture_line
}
criterion_main!(benches);
