//! Sharing the machine between the workers of a parallel batch.
//!
//! Builds, public tests and most checks may overlap: their verdicts do not depend on how fast
//! the machine is. A check marked `timing_sensitive` in the manifest measures time or CPU as
//! ratios, and a ratio taken while another worker compiles is noise: such a check waits until
//! it can run alone, and nothing else starts while it runs. Waiting writers go first, so a
//! steady stream of builds cannot starve a timing check.

use std::path::PathBuf;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

#[derive(Debug, Default)]
pub struct Gate {
    turns: RwLock<()>,
}

/// Held while work runs; dropping it lets others in.
pub enum Turn<'a> {
    Shared(#[allow(dead_code)] RwLockReadGuard<'a, ()>),
    Alone(#[allow(dead_code)] RwLockWriteGuard<'a, ()>),
}

impl Gate {
    /// A turn alongside other ordinary work.
    pub fn shared(&self) -> Turn<'_> {
        // The lock guards no data: a poisoned one is as good as any.
        Turn::Shared(self.turns.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// A turn with the machine to itself.
    pub fn alone(&self) -> Turn<'_> {
        Turn::Alone(self.turns.write().unwrap_or_else(|e| e.into_inner()))
    }
}

/// What one worker of a parallel batch adds to a run.
#[derive(Debug)]
pub struct Worker<'a> {
    pub gate: &'a Gate,
    /// More folders the jobs must not read: the other submissions, the batch's results.
    pub hide: Vec<PathBuf>,
}

impl Worker<'_> {
    /// A turn for the next piece of work: alone for a timing-sensitive check, else shared.
    pub fn turn(&self, timing_sensitive: bool) -> Turn<'_> {
        if timing_sensitive {
            self.gate.alone()
        } else {
            self.gate.shared()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_timing_turn_runs_alone() {
        let gate = Gate::default();
        let running = AtomicUsize::new(0);
        let overlapped = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for i in 0..6 {
                let (gate, running, overlapped) = (&gate, &running, &overlapped);
                scope.spawn(move || {
                    let alone = i % 3 == 0;
                    let _turn = if alone { gate.alone() } else { gate.shared() };
                    let before = running.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    if alone && (before != 0 || running.load(Ordering::SeqCst) != 1) {
                        overlapped.fetch_add(1, Ordering::SeqCst);
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(overlapped.load(Ordering::SeqCst), 0);
    }
}
