//! What a run has counted: outcomes by kind and status, latencies in a histogram, and the
//! duplicates and reorderings it sent.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::client::FailureKind;

/// The largest latency the histogram tells apart (one hour, in µs); longer ones count as it.
const LATENCY_MAX_US: u64 = 3_600_000_000;

/// Counts of one runtime, or of the whole run once folded together.
#[derive(Clone, Debug)]
pub struct Tally {
    pub succeeded: u64,
    pub failures: BTreeMap<FailureKind, u64>,
    /// Every answer by status, expected or not.
    pub statuses: BTreeMap<u16, u64>,
    /// The latency of every completed delivery (answered or not), in µs.
    pub latency_us: Histogram<u64>,
    /// The shortest and longest latencies exactly (the histogram rounds them), in µs.
    pub min_us: u64,
    pub max_us: u64,
    /// Deliveries that re-sent an earlier one byte for byte (`--duplicates`).
    pub duplicates: u64,
    /// Deliveries sent after one composed later (`--out-of-order`).
    pub reordered: u64,
    /// Deliveries started (sent or being sent): those not counted above when the run
    /// ended were still in flight when it was stopped.
    pub started: u64,
}

/// How one delivery went.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// The status of the answer, if there was one.
    pub status: Option<u16>,
    /// Why it counts as a failure, if it does.
    pub failure: Option<FailureKind>,
    pub latency: Duration,
}

impl Default for Tally {
    fn default() -> Self {
        Tally::new()
    }
}

impl Tally {
    pub fn new() -> Self {
        Tally {
            succeeded: 0,
            failures: BTreeMap::new(),
            statuses: BTreeMap::new(),
            latency_us: Histogram::new_with_bounds(1, LATENCY_MAX_US, 3)
                .expect("valid histogram bounds"),
            min_us: u64::MAX,
            max_us: 0,
            duplicates: 0,
            reordered: 0,
            started: 0,
        }
    }

    pub fn deliveries(&self) -> u64 {
        self.succeeded + self.failed()
    }

    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    /// Deliveries started but never finished: in flight when the run was stopped.
    pub fn unfinished(&self) -> u64 {
        self.started.saturating_sub(self.deliveries())
    }

    pub fn record(&mut self, outcome: Outcome) {
        if let Some(status) = outcome.status {
            *self.statuses.entry(status).or_default() += 1;
        }
        match outcome.failure {
            None => self.succeeded += 1,
            Some(kind) => *self.failures.entry(kind).or_default() += 1,
        }
        let micros = u64::try_from(outcome.latency.as_micros())
            .unwrap_or(u64::MAX)
            .clamp(1, LATENCY_MAX_US);
        self.latency_us.saturating_record(micros);
        self.min_us = self.min_us.min(micros);
        self.max_us = self.max_us.max(micros);
    }

    /// Adds `other`'s counts to these and empties `other`.
    pub fn absorb(&mut self, other: &mut Tally) {
        self.succeeded += other.succeeded;
        for (kind, n) in std::mem::take(&mut other.failures) {
            *self.failures.entry(kind).or_default() += n;
        }
        for (status, n) in std::mem::take(&mut other.statuses) {
            *self.statuses.entry(status).or_default() += n;
        }
        self.latency_us
            .add(&other.latency_us)
            .expect("histograms of the same bounds add up");
        other.latency_us.reset();
        self.min_us = self
            .min_us
            .min(std::mem::replace(&mut other.min_us, u64::MAX));
        self.max_us = self.max_us.max(std::mem::take(&mut other.max_us));
        self.duplicates += other.duplicates;
        self.reordered += other.reordered;
        self.started += std::mem::take(&mut other.started);
        other.succeeded = 0;
        other.duplicates = 0;
        other.reordered = 0;
    }

    /// The failures by kind, as `5xx 3, timeout 1`.
    pub fn failures_text(&self) -> String {
        let kinds: Vec<String> = self
            .failures
            .iter()
            .map(|(kind, n)| format!("{kind} {}", crate::output::thousands(*n)))
            .collect();
        kinds.join(", ")
    }

    /// The latency at quantile `q` (0.0–1.0), in milliseconds; 0 before anything completed.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latency_us.is_empty() {
            return 0.0;
        }
        let micros = match q {
            q if q <= 0.0 => self.min_us,
            q if q >= 1.0 => self.max_us,
            q => self
                .latency_us
                .value_at_quantile(q)
                .clamp(self.min_us, self.max_us),
        };
        micros as f64 / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, ms: u64, failure: Option<FailureKind>) -> Outcome {
        Outcome {
            status: Some(status),
            failure,
            latency: Duration::from_millis(ms),
        }
    }

    #[test]
    fn quantiles_come_from_the_histogram_within_its_precision() {
        let mut tally = Tally::new();
        for ms in 1..=100 {
            tally.record(answered(200, ms, None));
        }
        assert_eq!(tally.quantile_ms(0.0), 1.0);
        assert_eq!(tally.quantile_ms(1.0), 100.0);
        // Three significant figures: within 0.1% of the nearest-rank values.
        for (q, exact) in [(0.5, 50.0), (0.99, 99.0)] {
            let got = tally.quantile_ms(q);
            assert!((got - exact).abs() <= exact * 0.001, "{q}: {got}");
        }
    }

    #[test]
    fn absorbing_moves_every_count_and_empties_the_source() {
        let mut part = Tally::new();
        part.record(answered(200, 3, None));
        part.record(answered(503, 5, Some(FailureKind::of_status(503))));
        part.record(Outcome {
            status: None,
            failure: Some(FailureKind::Refused),
            latency: Duration::from_micros(80),
        });
        part.duplicates = 1;
        // Four started, three finished: one was in flight.
        part.started = 4;
        let mut whole = Tally::new();
        whole.absorb(&mut part);
        assert_eq!(whole.unfinished(), 1);
        assert_eq!(part.started, 0);
        assert_eq!(
            (whole.deliveries(), whole.succeeded, whole.failed()),
            (3, 1, 2)
        );
        assert_eq!(whole.failures[&FailureKind::Status(5)], 1);
        assert_eq!(whole.failures[&FailureKind::Refused], 1);
        assert_eq!(whole.statuses[&503], 1);
        assert_eq!(whole.latency_us.len(), 3);
        assert_eq!(whole.duplicates, 1);
        assert_eq!(part.deliveries(), 0);
        assert!(part.latency_us.is_empty() && part.statuses.is_empty());
    }
}
