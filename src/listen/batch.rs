//! Group commit: the deliveries that one runtime thread handles in the same turn of its
//! event loop are written together, one `write` for their capture lines and one for their
//! output, before any of them is answered. Under load this turns two system calls (and two
//! contended locks) per delivery into two per batch; a lone delivery is written at once.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::capture::Sink;
use crate::sync::lock;

/// What became of a batch.
#[derive(Clone, Copy, Debug)]
pub struct Committed {
    /// The capture lines are in the file (or there were none to write).
    pub saved: bool,
    /// stdout was written (false when it was skipped or failed).
    pub printed: bool,
    /// stdout is closed: `whk listen | head -1`.
    pub pipe_closed: bool,
}

/// The lines waiting to be written by this thread's current batch.
#[derive(Default)]
struct Batch {
    lines: Vec<u8>,
    output: Vec<u8>,
    waiters: Vec<oneshot::Sender<Committed>>,
    /// A delivery of this batch has taken the job of writing it.
    led: bool,
}

thread_local! {
    static BATCH: Arc<Mutex<Batch>> = Arc::default();
}

/// Adds a delivery's capture line (for a JSON Lines sink) and its output to this thread's
/// batch, and waits until the batch is written. `keep_output_if_unsaved`: write the output
/// even when the lines could not be saved (JSON output shows the capture either way; human
/// output is rendered again with the status that was really answered).
pub async fn commit(
    sink: Option<&Sink>,
    line: &[u8],
    output: &[u8],
    keep_output_if_unsaved: bool,
) -> Committed {
    // Taken once: should the task ever resume on another thread, it still leads the batch
    // it joined.
    let batch = BATCH.with(Arc::clone);
    let (done, committed) = oneshot::channel();
    let leads = {
        let mut batch = lock(&batch);
        batch.lines.extend_from_slice(line);
        batch.output.extend_from_slice(output);
        batch.waiters.push(done);
        !std::mem::replace(&mut batch.led, true)
    };
    if leads {
        // Let the other deliveries that are ready on this thread join first.
        tokio::task::yield_now().await;
        write_batch(&batch, sink, keep_output_if_unsaved);
    }
    committed.await.unwrap_or(Committed {
        saved: false,
        printed: false,
        pipe_closed: false,
    })
}

fn write_batch(batch: &Mutex<Batch>, sink: Option<&Sink>, keep_output_if_unsaved: bool) {
    // Held while writing: only this thread adds to its batch, so nobody waits for it, and
    // the buffers keep their capacity for the next batch.
    let mut batch = lock(batch);
    batch.led = false;
    let saved = match sink {
        Some(sink) if !batch.lines.is_empty() => sink.write_lines(&batch.lines).is_ok(),
        _ => true,
    };
    let mut committed = Committed {
        saved,
        printed: false,
        pipe_closed: false,
    };
    if !batch.output.is_empty() && (saved || keep_output_if_unsaved) {
        let written = std::io::stdout().lock().write_all(&batch.output);
        committed.printed = written.is_ok();
        committed.pipe_closed =
            written.is_err_and(|err| err.kind() == std::io::ErrorKind::BrokenPipe);
    }
    batch.lines.clear();
    batch.output.clear();
    for waiter in batch.waiters.drain(..) {
        let _ = waiter.send(committed);
    }
    // A burst can leave large buffers behind; do not keep more than a burst's worth.
    if batch.lines.capacity() > MAX_KEPT {
        batch.lines = Vec::new();
    }
    if batch.output.capacity() > MAX_KEPT {
        batch.output = Vec::new();
    }
}

/// The most buffer capacity a thread keeps between batches.
const MAX_KEPT: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_committed_together_are_all_saved_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("caps.jsonl");
        let sink = Arc::new(Sink::open(&path).unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let results = runtime.block_on(async {
            let tasks: Vec<_> = (0..5)
                .map(|n| {
                    let sink = sink.clone();
                    tokio::spawn(async move {
                        let line = format!("{{\"n\":{n}}}\n");
                        commit(Some(&sink), line.as_bytes(), b"", false).await
                    })
                })
                .collect();
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.unwrap());
            }
            results
        });
        assert!(results.iter().all(|c| c.saved));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            (0..5).map(|n| format!("{{\"n\":{n}}}")).collect::<Vec<_>>()
        );
        let batch = BATCH.with(Arc::clone);
        let batch = lock(&batch);
        assert!(
            !batch.led && batch.waiters.is_empty(),
            "the batch was handed back"
        );
    }
}
