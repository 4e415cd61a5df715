//! The end of a run: the counts, rate and latencies, as text (with a histogram and a
//! status-code table, in the manner of oha) or as the `load_summary` record.

use std::fmt::Write as _;
use std::time::Duration;

use super::Tally;
use crate::output::thousands;
use crate::records::{LatencyBucket, LatencyMs, LoadSummary};

/// Buckets in the latency histogram.
const BUCKETS: usize = 11;
/// The widest bar of the text histogram, in characters.
const BAR_WIDTH: u64 = 32;

/// The result of a load run.
#[derive(Debug)]
pub struct Summary {
    pub tally: Tally,
    pub elapsed: Duration,
    pub interrupted: bool,
}

impl Summary {
    pub fn new(tally: Tally, elapsed: Duration, interrupted: bool) -> Self {
        Summary {
            tally,
            elapsed,
            interrupted,
        }
    }

    pub fn deliveries(&self) -> u64 {
        self.tally.deliveries()
    }

    pub fn rate(&self) -> f64 {
        self.deliveries() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn latency(&self) -> LatencyMs {
        let q = |q| round3(self.tally.quantile_ms(q));
        let mean = if self.tally.latency_us.is_empty() {
            0.0
        } else {
            round3(self.tally.latency_us.mean() / 1000.0)
        };
        LatencyMs {
            min: q(0.0),
            mean,
            p50: q(0.5),
            p90: q(0.9),
            p95: q(0.95),
            p99: q(0.99),
            max: q(1.0),
        }
    }

    /// The latencies in [`BUCKETS`] equal-width buckets from min to max.
    pub fn histogram(&self) -> Vec<LatencyBucket> {
        let latencies = &self.tally.latency_us;
        if latencies.is_empty() {
            return Vec::new();
        }
        let (min, max) = (self.tally.min_us as f64, self.tally.max_us as f64);
        let width = (max - min) / (BUCKETS - 1) as f64;
        let mut buckets: Vec<LatencyBucket> = (0..BUCKETS)
            .map(|i| LatencyBucket {
                up_to_ms: round3((min + width * i as f64) / 1000.0),
                count: 0,
            })
            .collect();
        for value in latencies.iter_recorded() {
            let micros =
                (latencies.median_equivalent(value.value_iterated_to()) as f64).clamp(min, max);
            let index = if width > 0.0 {
                (((micros - min) / width).ceil().max(0.0) as usize).min(BUCKETS - 1)
            } else {
                0
            };
            buckets[index].count += value.count_at_value();
        }
        if width == 0.0 {
            buckets.truncate(1);
        }
        buckets
    }

    pub fn to_record(&self) -> LoadSummary {
        LoadSummary {
            deliveries: self.deliveries(),
            succeeded: self.tally.succeeded,
            failed: self.tally.failed(),
            failures: self.tally.failures.clone(),
            statuses: self.tally.statuses.clone(),
            duplicates: self.tally.duplicates,
            reordered: self.tally.reordered,
            interrupted: self.interrupted,
            unfinished: self.tally.unfinished(),
            elapsed_s: round3(self.elapsed.as_secs_f64()),
            rate_per_s: self.rate().round(),
            latency_ms: self.latency(),
            histogram: self.histogram(),
        }
    }

    pub fn to_text(&self) -> String {
        let tally = &self.tally;
        let mut text = String::new();
        let stopped = if self.interrupted {
            " (interrupted)"
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "{} {} in {:.2} s{stopped}: {} succeeded, {} failed; {}/s",
            thousands(self.deliveries()),
            if self.deliveries() == 1 {
                "delivery"
            } else {
                "deliveries"
            },
            self.elapsed.as_secs_f64(),
            thousands(tally.succeeded),
            thousands(tally.failed()),
            thousands(self.rate().round() as u64),
        );
        if !tally.failures.is_empty() {
            let _ = writeln!(text, "failures  {}", tally.failures_text());
        }
        if tally.unfinished() > 0 {
            let _ = writeln!(
                text,
                "{} still in flight when the run stopped, not counted",
                thousands(tally.unfinished())
            );
        }
        if tally.duplicates > 0 || tally.reordered > 0 {
            let _ = writeln!(
                text,
                "sent {} duplicates, {} out of order",
                thousands(tally.duplicates),
                thousands(tally.reordered)
            );
        }
        let l = self.latency();
        let _ = write!(
            text,
            "latency  min {:.2} ms  mean {:.2} ms  p50 {:.2} ms  p90 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            l.min, l.mean, l.p50, l.p90, l.p95, l.p99, l.max
        );
        self.write_histogram(&mut text);
        self.write_statuses(&mut text);
        text
    }

    fn write_histogram(&self, text: &mut String) {
        let buckets = self.histogram();
        let Some(most) = buckets.iter().map(|b| b.count).max().filter(|&n| n > 0) else {
            return;
        };
        let labels: Vec<String> = buckets
            .iter()
            .map(|b| format!("{:.3} ms", b.up_to_ms))
            .collect();
        let counts: Vec<String> = buckets.iter().map(|b| thousands(b.count)).collect();
        let label_width = labels.iter().map(String::len).max().unwrap_or(0);
        let count_width = counts.iter().map(String::len).max().unwrap_or(0);
        let _ = write!(text, "\n\nlatency histogram:");
        for ((bucket, label), count) in buckets.iter().zip(&labels).zip(&counts) {
            let bar = "■".repeat((bucket.count * BAR_WIDTH / most) as usize);
            let _ = write!(
                text,
                "\n  {label:>label_width$} [{count:>count_width$}] |{bar}"
            );
        }
    }

    fn write_statuses(&self, text: &mut String) {
        if self.tally.statuses.is_empty() {
            return;
        }
        let width = self
            .tally
            .statuses
            .values()
            .map(|n| thousands(*n).len())
            .max()
            .unwrap_or(0);
        let _ = write!(text, "\n\nstatus codes:");
        for (status, n) in &self.tally.statuses {
            let _ = write!(text, "\n  {status}  {:>width$}", thousands(*n));
        }
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::tally::Outcome;

    fn summary_of(latencies_ms: &[u64]) -> Summary {
        let mut tally = Tally::new();
        for &ms in latencies_ms {
            tally.record(Outcome {
                status: Some(200),
                failure: None,
                latency: Duration::from_millis(ms),
            });
        }
        Summary::new(tally, Duration::from_secs(1), false)
    }

    #[test]
    fn the_histogram_spans_min_to_max_and_holds_every_delivery() {
        let summary = summary_of(&[1, 1, 2, 5, 6, 11]);
        let buckets = summary.histogram();
        assert_eq!(buckets.len(), BUCKETS);
        assert_eq!(buckets[0].up_to_ms, 1.0);
        assert_eq!(buckets[BUCKETS - 1].up_to_ms, 11.0);
        assert_eq!(buckets.iter().map(|b| b.count).sum::<u64>(), 6);
        assert_eq!(buckets[0].count, 2, "{buckets:?}");
        assert_eq!(buckets[BUCKETS - 1].count, 1, "{buckets:?}");
    }

    #[test]
    fn equal_latencies_make_one_bucket() {
        let buckets = summary_of(&[4, 4, 4]).histogram();
        assert_eq!(buckets.len(), 1);
        assert_eq!(buckets[0].count, 3);
    }

    #[test]
    fn text_has_counts_with_separators_a_histogram_and_statuses() {
        let summary = summary_of(&[1; 1200]);
        let text = summary.to_text();
        assert!(
            text.starts_with("1,200 deliveries in 1.00 s: 1,200 succeeded, 0 failed; 1,200/s"),
            "{text}"
        );
        assert!(text.contains("latency histogram:"), "{text}");
        assert!(text.contains("[1,200] |■■■■"), "{text}");
        assert!(text.contains("status codes:\n  200  1,200"), "{text}");
    }
}
