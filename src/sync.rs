//! The one way whk takes a lock.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, also after a thread panicked while holding it: every value whk guards is
/// whole between statements (counts, buffers, a file handle), so one request's panic must not
/// take the listener, the load engine or the inspector down with it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
