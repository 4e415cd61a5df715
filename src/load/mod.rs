//! Load mode for `whk send --count/--duration`: many signed deliveries over concurrent
//! connections, optionally paced, counted as they complete.
//!
//! One `current_thread` runtime per core (at most one per connection), each on its own thread
//! and owning its share of the connections ([`worker`]); each connection speaks HTTP/1.1
//! in its own task ([`wire`]), over rustls for https ([`connection`]). Every delivery is
//! composed and signed afresh into reused buffers. What completes is counted per runtime in a
//! [`Tally`] and folded into the shared one every [`FLUSH_EVERY`], where the live view reads
//! it; the last fold makes the [`Summary`].

mod connection;
mod summary;
mod tally;
mod wire;
mod worker;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use reqwest::Url;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::client::{RetryPolicy, StatusExpectation, Trust};
use crate::delivery::Composer;
use crate::error::{Error, Result};
use crate::sync::lock;

pub use summary::Summary;
pub use tally::Tally;

/// How often each runtime folds what it counted into the shared tally.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// In load mode, one delivery in this many is held back by `--out-of-order` and sent after
/// the one composed next.
pub const OUT_OF_ORDER_ONE_IN: u32 = 10;

/// How much load, how fast, and what it is mixed with.
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
    pub trust: Trust,
    /// The share of deliveries that re-send an earlier one byte for byte (0 to 1).
    pub duplicates: f64,
    /// Hold some deliveries back and send them after later ones.
    pub out_of_order: bool,
}

/// Where a run is: sending, letting what is in flight finish (Ctrl-C, the end of
/// `--duration`), or stopped at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Sending,
    Draining,
    Aborted,
}

/// What every runtime of a run shares.
struct Shared {
    plan: Plan,
    started: Instant,
    deadline: Option<Instant>,
    interval: Option<Duration>,
    /// Deliveries claimed so far: the count limit and the pacing schedule both number them.
    tickets: AtomicU64,
    /// Set once no new delivery may start (read on every claim, so not the watch below).
    draining: AtomicBool,
    phase: watch::Sender<Phase>,
    live: Mutex<Tally>,
    /// The first error that stopped a connection (not a failed delivery: those are counted).
    error: Mutex<Option<Error>>,
}

/// Whether the next delivery may start, and when.
enum Claim {
    /// Now.
    Now,
    /// At this instant (`--rate`).
    At(Instant),
    /// No: the count is reached, the time is up, or the run is stopping.
    Done,
}

impl Shared {
    /// Whether `--duration` is over.
    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    fn claim(&self) -> Claim {
        if self.draining.load(Ordering::Relaxed) || self.past_deadline() {
            return Claim::Done;
        }
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        if self.plan.count.is_some_and(|n| ticket >= n) {
            return Claim::Done;
        }
        let Some(interval) = self.interval else {
            return Claim::Now;
        };
        // A fixed schedule (ticket n at n intervals from the start): never more than the
        // rate allows in any window, and a slow answer does not lower the rate.
        let wait = interval.saturating_mul(ticket.min(u64::from(u32::MAX)) as u32);
        match (self.started.checked_add(wait), self.deadline) {
            (None, _) => Claim::Done,
            (Some(slot), Some(deadline)) if slot >= deadline => Claim::Done,
            (Some(slot), _) => Claim::At(slot),
        }
    }

    fn live(&self) -> MutexGuard<'_, Tally> {
        lock(&self.live)
    }

    fn fail(&self, error: Error) {
        let mut first = lock(&self.error);
        first.get_or_insert(error);
        self.draining.store(true, Ordering::Relaxed);
        self.phase.send_replace(Phase::Aborted);
    }
}

/// A run in progress: its runtimes' threads and what they share.
pub struct Running {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

/// Starts the plan: the connections split over one runtime per core, each composing and
/// signing a fresh delivery before every send.
pub fn start(plan: Plan, url: &Url, composer: &Composer) -> Result<Running> {
    let target = Arc::new(connection::Target::new(url, composer, &plan)?);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(plan.concurrency)
        .max(1);
    let mut shares: Vec<Vec<Composer>> = (0..threads).map(|_| Vec::new()).collect();
    for index in 0..plan.concurrency {
        shares[index % threads].push(composer.fork(index as u64));
    }
    let started = Instant::now();
    let shared = Arc::new(Shared {
        // A duration beyond what the clock can count is as good as none.
        deadline: plan.duration.and_then(|d| started.checked_add(d)),
        interval: plan.rate.map(|r| Duration::from_secs_f64(1.0 / r)),
        plan,
        started,
        tickets: AtomicU64::new(0),
        draining: AtomicBool::new(false),
        phase: watch::Sender::new(Phase::Sending),
        live: Mutex::new(Tally::new()),
        error: Mutex::new(None),
    });
    let mut workers = Vec::with_capacity(threads);
    for (n, composers) in shares.into_iter().enumerate() {
        let (ours, target) = (shared.clone(), target.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("whk-load-{n}"))
            .spawn(move || worker::run(&ours, &target, composers));
        match spawned {
            Ok(worker) => workers.push(worker),
            Err(err) => {
                shared.fail(Error::Network(format!("cannot start a load thread: {err}")));
                break;
            }
        }
    }
    Ok(Running { shared, workers })
}

impl Running {
    /// No new deliveries; those in flight may finish.
    pub fn drain(&self) {
        self.shared.draining.store(true, Ordering::Relaxed);
        self.shared.phase.send_if_modified(|phase| {
            let sending = *phase == Phase::Sending;
            if sending {
                *phase = Phase::Draining;
            }
            sending
        });
    }

    /// Stops at once: deliveries in flight are dropped unanswered and not counted.
    pub fn abort(&self) {
        self.shared.draining.store(true, Ordering::Relaxed);
        self.shared.phase.send_replace(Phase::Aborted);
    }

    /// Whether `--duration` is over.
    pub fn past_duration(&self) -> bool {
        self.shared.past_deadline()
    }

    /// Whether no new delivery may start (Ctrl-C, the end of `--duration`).
    pub fn is_draining(&self) -> bool {
        self.shared.draining.load(Ordering::Relaxed)
    }

    pub fn is_finished(&self) -> bool {
        self.workers.iter().all(JoinHandle::is_finished)
    }

    /// Deliveries started or about to start (at most the count).
    pub fn claimed(&self) -> u64 {
        let claimed = self.shared.tickets.load(Ordering::Relaxed);
        self.shared.plan.count.map_or(claimed, |n| claimed.min(n))
    }

    pub fn elapsed(&self) -> Duration {
        self.shared.started.elapsed()
    }

    /// Reads the shared tally (as of the last fold).
    pub fn with_tally<R>(&self, read: impl FnOnce(&Tally) -> R) -> R {
        read(&self.shared.live())
    }

    /// Waits for every runtime and makes the summary; `interrupted` says whether a person
    /// stopped the run.
    pub fn finish(self, interrupted: bool) -> Result<Summary> {
        for worker in self.workers {
            if worker.join().is_err() {
                self.shared
                    .fail(Error::Network("a load thread stopped unexpectedly".into()));
            }
        }
        let elapsed = self.shared.started.elapsed();
        if let Some(error) = self.shared.error.lock().ok().and_then(|mut e| e.take()) {
            return Err(error);
        }
        let tally = std::mem::take(&mut *self.shared.live());
        Ok(Summary::new(tally, elapsed, interrupted))
    }
}
