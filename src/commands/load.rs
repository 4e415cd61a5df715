//! Load mode of `whk send` (`--count`/`--duration`): runs the plan with a live view on a
//! terminal, stops on Ctrl-C (the first lets deliveries in flight finish for at most a
//! second, the second stops at once), and ends with the summary.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::delivery::Composer;
use crate::error::{Error, Result};
use crate::load::{self, Plan, Running, Summary, Tally};
use crate::output::{Printer, thousands};
use crate::records::Record;

/// How long the first Ctrl-C lets deliveries in flight finish.
const DRAIN_GRACE: Duration = Duration::from_secs(1);
/// How often the run is looked at (signals, the end).
const POLL: Duration = Duration::from_millis(5);
/// How often the live view is redrawn.
const REDRAW: Duration = Duration::from_millis(200);

/// Exit 130 when interrupted, 1 if any delivery failed, 3 if none got through at all
/// because of the network.
pub fn run(plan: Plan, url: reqwest::Url, composer: &Composer, out: Printer) -> Result<()> {
    let presses = Arc::new(AtomicU32::new(0));
    let counter = presses.clone();
    ctrlc::set_handler(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    })
    .map_err(|err| Error::Network(format!("cannot install the Ctrl-C handler: {err}")))?;
    let mut view = LiveView::new(&plan, out);
    let running = load::start(plan, &url, composer)?;
    watch(&running, &presses, &mut view, out);
    let interrupted = presses.load(Ordering::SeqCst) > 0;
    let summary = running.finish(interrupted);
    view.finish();
    let summary = summary?;
    if out.json {
        out.line(&summary.to_record().to_line())?;
    } else {
        out.line(&summary.to_text())?;
    }
    verdict(&summary, &url)
}

/// Waits for the run to end, redrawing the view and acting on Ctrl-C. At the end of
/// `--duration`, as after a first Ctrl-C, deliveries in flight get at most a second: the
/// run ends on time, whatever `--timeout` is.
fn watch(running: &Running, presses: &AtomicU32, view: &mut LiveView, out: Printer) {
    let mut drain_until: Option<Instant> = None;
    let mut aborted = false;
    let mut redrawn = Instant::now();
    while !running.is_finished() {
        std::thread::sleep(POLL);
        if drain_until.is_none() && running.past_duration() {
            running.drain();
            drain_until = Some(Instant::now() + DRAIN_GRACE);
        }
        let pressed = presses.load(Ordering::SeqCst);
        if pressed >= 1 && !running.is_draining() {
            running.drain();
            drain_until = drain_until.or(Some(Instant::now() + DRAIN_GRACE));
            view.say(
                "stopping: letting deliveries in flight finish (at most 1 s); Ctrl-C again to stop at once",
                out,
            );
        }
        let grace_over = drain_until.is_some_and(|until| Instant::now() >= until);
        if !aborted && (pressed >= 2 || grace_over) {
            running.abort();
            aborted = true;
            // At the end of --duration the summary's "still in flight" line says enough.
            match pressed {
                0 => {}
                1 => view.say(
                    "stopped: deliveries still in flight after 1 s are not counted",
                    out,
                ),
                _ => view.say("stopped at once: deliveries in flight are not counted", out),
            }
        }
        if redrawn.elapsed() >= REDRAW {
            view.redraw(running);
            redrawn = Instant::now();
        }
    }
}

fn verdict(summary: &Summary, url: &reqwest::Url) -> Result<()> {
    let tally = &summary.tally;
    let deliveries = summary.deliveries();
    if summary.interrupted {
        return Err(Error::Interrupted(format!(
            "interrupted after {} of the deliveries ({} failed)",
            thousands(deliveries),
            thousands(tally.failed())
        )));
    }
    let failed = tally.failed();
    let unreached = tally.failures.keys().all(|kind| kind.is_network());
    match failed {
        0 if deliveries == 0 && tally.unfinished() > 0 => Err(Error::Failed(format!(
            "no delivery was answered before the run ended ({} still in flight); a slow receiver? try a longer --duration",
            thousands(tally.unfinished())
        ))),
        0 => Ok(()),
        _ if tally.succeeded == 0 && unreached => Err(Error::Network(format!(
            "none of {} deliveries reached {url}: {}",
            thousands(deliveries),
            tally
                .failures
                .keys()
                .map(|kind| kind.name())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        _ => Err(Error::Failed(format!(
            "{} of {} deliveries failed",
            thousands(failed),
            thousands(deliveries)
        ))),
    }
}

/// The live view on stderr: only for a person watching a terminal (both stdout and stderr),
/// never with `--json` or `-q`.
struct LiveView {
    bar: Option<ProgressBar>,
    count: Option<u64>,
    duration: Option<Duration>,
    /// Deliveries done at the last redraw, and when: the rate now is measured from there.
    last: (u64, Instant),
}

impl LiveView {
    fn new(plan: &Plan, out: Printer) -> Self {
        let watched = std::io::stderr().is_terminal() && std::io::stdout().is_terminal();
        let bar = (watched && !out.json && !out.quiet).then(|| {
            let length = plan
                .count
                .or(plan.duration.map(|d| d.as_millis() as u64))
                .unwrap_or(0);
            let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {msg}")
                    .expect("a valid template")
                    .progress_chars("█▉▊▋▌▍▎▏ "),
            );
            bar
        });
        LiveView {
            bar,
            count: plan.count,
            duration: plan.duration,
            last: (0, Instant::now()),
        }
    }

    fn redraw(&mut self, running: &Running) {
        let Some(bar) = &self.bar else { return };
        let (done, line) = running.with_tally(|tally| (tally.deliveries(), figures(tally)));
        let now = Instant::now();
        let seconds = now.duration_since(self.last.1).as_secs_f64().max(1e-3);
        let rate_now = (done.saturating_sub(self.last.0) as f64 / seconds).round() as u64;
        self.last = (done, now);
        let elapsed = running.elapsed();
        let progress = match (self.count, self.duration) {
            (Some(count), _) => {
                bar.set_position(done);
                format!(
                    "{} of {} done, {} not started",
                    thousands(done),
                    thousands(count),
                    thousands(count.saturating_sub(running.claimed()))
                )
            }
            (None, Some(duration)) => {
                bar.set_position(elapsed.as_millis() as u64);
                format!(
                    "{} done, {} s elapsed, {} s left",
                    thousands(done),
                    elapsed.as_secs(),
                    duration.saturating_sub(elapsed).as_secs()
                )
            }
            (None, None) => format!("{} done", thousands(done)),
        };
        bar.set_message(format!(
            "{progress} · {}/s now · {line}",
            thousands(rate_now)
        ));
    }

    /// A line above the view (or on stderr without one), unless `-q`.
    fn say(&self, text: &str, out: Printer) {
        if out.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => bar.println(text),
            None => crate::output::to_stderr(text),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Latencies and failures so far, for the live view.
fn figures(tally: &Tally) -> String {
    let mut line = format!(
        "p50 {:.2} ms · p99 {:.2} ms",
        tally.quantile_ms(0.5),
        tally.quantile_ms(0.99)
    );
    if !tally.failures.is_empty() {
        line.push_str(&format!(" · failed: {}", tally.failures_text()));
    }
    line
}
