//! `whk events` through the real binary.

use crate::support::*;

#[test]
fn seeded_sample_is_reproducible_and_keeps_documented_order() {
    let args = [
        "events",
        "click",
        "--seed",
        "7",
        "--timestamp",
        "2026-02-25T14:30:00Z",
        "--json",
    ];
    let (code, first, _) = run(&args);
    let (_, second, _) = run(&args);
    assert_eq!(code, 0);
    assert_eq!(first, second);
    let value: serde_json::Value = serde_json::from_str(first.trim()).unwrap();
    let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["event", "timestamp", "data"]);
    assert_eq!(value["timestamp"], "2026-02-25T14:30:00Z");
}
