//! One runtime of a run: a `current_thread` runtime on its own thread, driving its share of
//! the connections, each a loop of claim, compose and sign, send, count.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use tokio::task::{JoinSet, LocalSet};

use super::connection::{Connection, Delivery, Target};
use super::tally::{Outcome, Tally};
use super::{Claim, FLUSH_EVERY, OUT_OF_ORDER_ONE_IN, Phase, Shared};
use crate::client::FailureKind;
use crate::delivery::Composer;
use crate::error::{Error, Result};

/// Runs the connections of `composers` (one each) until the run ends, then folds what they
/// counted into the shared tally.
pub fn run(shared: &Arc<Shared>, target: &Arc<Target>, composers: Vec<Composer>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            shared.fail(Error::Network(format!(
                "cannot start the async runtime: {err}"
            )));
            return;
        }
    };
    let tally = Rc::new(RefCell::new(Tally::new()));
    LocalSet::new().block_on(&runtime, async {
        let mut connections = JoinSet::new();
        for composer in composers {
            let sender = Sender::new(shared.clone(), target.clone(), composer, tally.clone());
            connections.spawn_local(sender.run());
        }
        let flusher = tokio::task::spawn_local(flush_every_while(shared.clone(), tally.clone()));
        let mut phase = shared.phase.subscribe();
        tokio::select! {
            () = join_all(&mut connections, shared) => {}
            _ = phase.wait_for(|p| *p == Phase::Aborted) => connections.abort_all(),
        }
        flusher.abort();
    });
    shared.live().absorb(&mut tally.borrow_mut());
}

async fn join_all(connections: &mut JoinSet<Result<()>>, shared: &Shared) {
    while let Some(joined) = connections.join_next().await {
        if let Ok(Err(error)) = joined {
            shared.fail(error);
        }
    }
}

/// Folds this runtime's counts into the shared tally every [`FLUSH_EVERY`].
async fn flush_every_while(shared: Arc<Shared>, tally: Rc<RefCell<Tally>>) {
    let mut ticks = tokio::time::interval(FLUSH_EVERY);
    loop {
        ticks.tick().await;
        shared.live().absorb(&mut tally.borrow_mut());
    }
}

/// What the next delivery is.
enum Next {
    Fresh,
    /// The previous delivery again, byte for byte (`--duplicates`).
    Duplicate,
    /// The delivery held back before the previous one (`--out-of-order`).
    HeldBack,
}

/// One connection's loop and what it keeps between deliveries.
struct Sender {
    shared: Arc<Shared>,
    target: Arc<Target>,
    connection: Connection,
    composer: Composer,
    tally: Rc<RefCell<Tally>>,
    body: Vec<u8>,
    /// The second body of a related pair (`--out-of-order`).
    later: Vec<u8>,
    /// The last delivery sent, for `--duplicates`.
    last: Option<Delivery>,
    /// A delivery held back to go after a later one, for `--out-of-order`.
    held: Option<Delivery>,
    rng: fastrand::Rng,
}

impl Sender {
    fn new(
        shared: Arc<Shared>,
        target: Arc<Target>,
        composer: Composer,
        tally: Rc<RefCell<Tally>>,
    ) -> Self {
        // Its own stream: what is duplicated or held back is not tied to the sample data.
        let rng = fastrand::Rng::with_seed(composer.rng.clone().u64(..).rotate_left(29) ^ 0x5EED);
        Sender {
            connection: Connection::new(target.clone()),
            shared,
            target,
            composer,
            tally,
            body: Vec::with_capacity(1024),
            later: Vec::new(),
            last: None,
            held: None,
            rng,
        }
    }

    /// Delivers until the run ends, then closes the connection as it should end.
    async fn run(mut self) -> Result<()> {
        let delivered = self.deliver_until_done().await;
        self.connection.close().await;
        delivered
    }

    async fn deliver_until_done(&mut self) -> Result<()> {
        let mut phase = self.shared.phase.subscribe();
        loop {
            match self.shared.claim() {
                Claim::Done => break,
                Claim::Now => {}
                Claim::At(slot) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(slot) => {}
                        _ = phase.wait_for(|p| *p != Phase::Sending) => break,
                    }
                }
            }
            let (delivery, next) = self.next_delivery()?;
            self.tally.borrow_mut().started += 1;
            let outcome = self.send(&delivery).await;
            let mut tally = self.tally.borrow_mut();
            tally.record(outcome);
            match next {
                Next::Fresh => {}
                Next::Duplicate => tally.duplicates += 1,
                Next::HeldBack => tally.reordered += 1,
            }
            drop(tally);
            self.last = Some(delivery);
        }
        Ok(())
    }

    /// A held-back delivery first, else (by chance) a duplicate of the last one, else a fresh
    /// one — which `--out-of-order` may hold back, sending the one after it first.
    fn next_delivery(&mut self) -> Result<(Delivery, Next)> {
        if let Some(held) = self.held.take() {
            return Ok((held, Next::HeldBack));
        }
        let duplicates = self.shared.plan.duplicates;
        if duplicates > 0.0
            && let Some(last) = &self.last
            && self.rng.f64() < duplicates
        {
            return Ok((last.clone(), Next::Duplicate));
        }
        if self.shared.plan.out_of_order && self.rng.u32(..OUT_OF_ORDER_ONE_IN) == 0 {
            let (earlier, later) = self.compose_pair()?;
            self.held = Some(earlier);
            return Ok((later, Next::Fresh));
        }
        Ok((self.compose()?, Next::Fresh))
    }

    fn compose(&mut self) -> Result<Delivery> {
        let signature = self.composer.next_into(&mut self.body)?;
        self.target.delivery(&self.body, &signature)
    }

    /// Two deliveries in the order they happened: a related pair (a click and its
    /// conversion, a link's creation and update) where the event has one, else two of it.
    fn compose_pair(&mut self) -> Result<(Delivery, Delivery)> {
        match self
            .composer
            .next_pair_into(&mut self.body, &mut self.later)
        {
            Some((first, second)) => Ok((
                self.target.delivery(&self.body, &first)?,
                self.target.delivery(&self.later, &second)?,
            )),
            None => Ok((self.compose()?, self.compose()?)),
        }
    }

    /// Sends with the plan's retries; the last attempt is the outcome.
    async fn send(&mut self, delivery: &Delivery) -> Outcome {
        let plan = &self.shared.plan;
        let mut waits = plan.policy.delays.iter();
        loop {
            let started = tokio::time::Instant::now();
            let answer = self.connection.exchange(delivery).await;
            let latency = started.elapsed();
            let (status, failure) = match answer {
                Ok(status) if plan.expectation.matches(status) => (Some(status), None),
                Ok(status) => (Some(status), Some(FailureKind::of_status(status))),
                Err(failure) => (None, Some(failure.failure_kind())),
            };
            let outcome = Outcome {
                status,
                failure,
                latency,
            };
            let Some(wait) = waits.next().filter(|_| failure.is_some()) else {
                return outcome;
            };
            // The end of --duration or a Ctrl-C ends the waiting: the delivery counts as it
            // went last, rather than being dropped unanswered after the grace.
            let mut phase = self.shared.phase.subscribe();
            tokio::select! {
                () = tokio::time::sleep(*wait) => {}
                _ = phase.wait_for(|p| *p != Phase::Sending) => return outcome,
            }
        }
    }
}
