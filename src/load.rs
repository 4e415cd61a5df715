//! Load mode for `whk send --count/--duration`: many signed deliveries over concurrent
//! connections, optionally paced, with live counters and a latency summary at the end.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::client::{self, Request, RetryPolicy, StatusExpectation};
use crate::delivery::Composer;
use crate::error::{Error, Result};

/// How much load, how fast.
#[derive(Clone, Debug)]
pub struct Plan {
    pub count: Option<u64>,
    pub duration: Option<Duration>,
    pub concurrency: usize,
    /// Deliveries per second across all connections.
    pub rate: Option<f64>,
    pub timeout: Duration,
    pub policy: RetryPolicy,
    pub expectation: StatusExpectation,
    pub trust: crate::client::Trust,
}

/// Live counters, shared with the progress display.
#[derive(Default)]
pub struct Progress {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub stop: AtomicBool,
}

/// What one connection's loop saw.
#[derive(Default)]
struct Partial {
    succeeded: u64,
    failures: BTreeMap<String, u64>,
    latencies_us: Vec<u32>,
}

/// The result of a load run.
#[derive(Debug, Default)]
pub struct Summary {
    pub deliveries: u64,
    pub succeeded: u64,
    pub failures: BTreeMap<String, u64>,
    pub elapsed: Duration,
    pub latencies_us: Vec<u32>,
    pub interrupted: bool,
}

impl Summary {
    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    pub fn rate(&self) -> f64 {
        self.deliveries as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at quantile `q` (0.0–1.0) in milliseconds; latencies are sorted.
    pub fn percentile_ms(&self, q: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let rank = ((self.latencies_us.len() as f64 * q).ceil() as usize)
            .clamp(1, self.latencies_us.len());
        f64::from(self.latencies_us[rank - 1]) / 1000.0
    }

    pub fn to_json(&self) -> Value {
        let ms = |q| (self.percentile_ms(q) * 1000.0).round() / 1000.0;
        json!({
            "type": "load",
            "deliveries": self.deliveries,
            "succeeded": self.succeeded,
            "failed": self.failed(),
            "failures": self.failures,
            "interrupted": self.interrupted,
            "elapsed_s": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "rate_per_s": self.rate().round(),
            "latency_ms": {"min": ms(0.0), "p50": ms(0.5), "p95": ms(0.95), "p99": ms(0.99), "max": ms(1.0)},
        })
    }

    pub fn to_text(&self) -> String {
        let failures: Vec<String> = self
            .failures
            .iter()
            .map(|(kind, n)| format!("{kind}: {n}"))
            .collect();
        let failures = if failures.is_empty() {
            String::new()
        } else {
            format!(" ({})", failures.join(", "))
        };
        let stopped = if self.interrupted {
            ", stopped early"
        } else {
            ""
        };
        format!(
            "{} deliveries in {:.2} s{stopped}: {} succeeded, {} failed{failures}; {:.0}/s\nlatency  min {:.2} ms  p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            self.deliveries,
            self.elapsed.as_secs_f64(),
            self.succeeded,
            self.failed(),
            self.rate(),
            self.percentile_ms(0.0),
            self.percentile_ms(0.5),
            self.percentile_ms(0.95),
            self.percentile_ms(0.99),
            self.percentile_ms(1.0),
        )
    }
}

/// Runs the plan: `concurrency` loops share one connection pool, each composing and signing
/// a fresh delivery before every send.
pub async fn run(
    plan: Plan,
    url: reqwest::Url,
    composer: &Composer,
    progress: Arc<Progress>,
) -> Result<Summary> {
    let http = client::build_client(plan.timeout, &plan.trust)?;
    let started = Instant::now();
    let deadline = plan.duration.map(|d| started + d);
    let next_slot = Arc::new(Mutex::new(started));
    let interval = plan.rate.map(|r| Duration::from_secs_f64(1.0 / r));
    let mut loops = tokio::task::JoinSet::new();
    for index in 0..plan.concurrency {
        let mut composer = composer.fork(index as u64);
        let (http, url, plan, progress, next_slot) = (
            http.clone(),
            url.clone(),
            plan.clone(),
            progress.clone(),
            next_slot.clone(),
        );
        loops.spawn(async move {
            let mut partial = Partial::default();
            // One request per loop, refilled with each delivery's headers and body.
            let mut request = Request {
                method: reqwest::Method::POST,
                url,
                headers: Vec::new(),
                body: Vec::new(),
            };
            loop {
                if progress.stop.load(Ordering::Relaxed)
                    || deadline.is_some_and(|d| Instant::now() >= d)
                {
                    break;
                }
                let claimed = progress.sent.fetch_add(1, Ordering::Relaxed);
                if plan.count.is_some_and(|n| claimed >= n) {
                    progress.sent.fetch_sub(1, Ordering::Relaxed);
                    break;
                }
                if let Some(interval) = interval {
                    let slot = {
                        let mut next = next_slot.lock().await;
                        let slot = (*next).max(Instant::now());
                        *next = slot + interval;
                        slot
                    };
                    if deadline.is_some_and(|d| slot >= d) {
                        progress.sent.fetch_sub(1, Ordering::Relaxed);
                        break;
                    }
                    tokio::time::sleep_until(slot).await;
                }
                let outgoing = composer.next_delivery()?;
                request.headers = outgoing.headers;
                request.body = outgoing.body;
                let attempts = client::deliver_keeping(
                    client::Keep::Status,
                    &http,
                    &request,
                    plan.timeout,
                    &plan.policy,
                    plan.expectation,
                    |_, _| {},
                )
                .await;
                let last = attempts.last().expect("deliver makes at least one attempt");
                partial
                    .latencies_us
                    .push(last.latency.as_micros().min(u128::from(u32::MAX)) as u32);
                match &last.outcome {
                    Ok(response) if plan.expectation.matches(response.status) => {
                        partial.succeeded += 1
                    }
                    outcome => {
                        progress.failed.fetch_add(1, Ordering::Relaxed);
                        let kind = match outcome {
                            Ok(response) => format!("{}xx", response.status / 100),
                            Err(failure) => failure.kind().to_string(),
                        };
                        *partial.failures.entry(kind).or_default() += 1;
                    }
                }
            }
            Ok::<Partial, Error>(partial)
        });
    }
    let mut summary = Summary::default();
    while let Some(joined) = loops.join_next().await {
        let partial =
            joined.map_err(|err| Error::Network(format!("a load task failed: {err}")))??;
        summary.succeeded += partial.succeeded;
        for (kind, n) in partial.failures {
            *summary.failures.entry(kind).or_default() += n;
        }
        summary.latencies_us.extend(partial.latencies_us);
    }
    summary.elapsed = started.elapsed();
    summary.latencies_us.sort_unstable();
    summary.deliveries = summary.latencies_us.len() as u64;
    summary.interrupted = progress.stop.load(Ordering::Relaxed);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let summary = Summary {
            latencies_us: (1..=100).map(|ms| ms * 1000).collect(),
            ..Summary::default()
        };
        assert_eq!(summary.percentile_ms(0.0), 1.0);
        assert_eq!(summary.percentile_ms(0.5), 50.0);
        assert_eq!(summary.percentile_ms(0.99), 99.0);
        assert_eq!(summary.percentile_ms(1.0), 100.0);
    }
}
