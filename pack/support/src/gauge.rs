//! Counting how many pieces of instrumented work run at once, and the most ever seen.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Shared by the instrumented jobs of a check: each counts itself in while it runs.
#[derive(Clone, Default)]
pub struct Gauge {
    now: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Gauge {
    pub fn new() -> Gauge {
        Gauge::default()
    }

    /// Runs `work`, counted as running meanwhile.
    pub fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        let running = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(running, Ordering::SeqCst);
        let value = work();
        self.now.fetch_sub(1, Ordering::SeqCst);
        value
    }

    /// Pieces of work running now.
    pub fn now(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The most pieces of work ever seen running at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[test]
    fn the_gauge_sees_overlapping_work() {
        let gauge = Gauge::new();
        let barrier = Arc::new(Barrier::new(3));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (gauge, barrier) = (gauge.clone(), Arc::clone(&barrier));
                std::thread::spawn(move || gauge.run(|| barrier.wait()))
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!((gauge.peak(), gauge.now()), (3, 0));
        assert_eq!(gauge.run(|| 7), 7);
    }
}
