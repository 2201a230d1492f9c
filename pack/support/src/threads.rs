//! The threads of this process, watched from `/proc/self/task`: how many there are and which.
//!
//! Counting is not enough for a pool: one that starts a thread per job but keeps only
//! `max_workers` alive, or replaces a worker a panic killed, keeps the count right. A
//! [`ThreadSampler`] therefore records every thread id it ever saw, so a check can ask which
//! threads appeared after a point, not only how many ran at once.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Thread ids of this process now.
pub fn thread_ids() -> BTreeSet<u32> {
    crate::proc::threads(std::process::id()).unwrap_or_default().into_iter().collect()
}

/// Threads of this process now.
pub fn thread_count() -> usize {
    thread_ids().len()
}

/// What a [`ThreadSampler`] saw.
#[derive(Debug, Clone, Default)]
pub struct Sampled {
    /// The most threads seen at once (the sampler's own thread not counted).
    pub peak: usize,
    /// Every thread id seen at any sample (the sampler's own not included).
    pub seen: BTreeSet<u32>,
}

/// A thread that samples `/proc/self/task` every millisecond until stopped.
pub struct ThreadSampler {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<Sampled>,
}

impl ThreadSampler {
    pub fn start() -> ThreadSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let handle = thread::Builder::new()
            .name("checker-thread-sampler".into())
            .spawn(move || {
                let me = crate::proc::current_tid();
                let mut sampled = Sampled::default();
                let sample = |sampled: &mut Sampled| {
                    let mut now = thread_ids();
                    now.remove(&me);
                    sampled.peak = sampled.peak.max(now.len());
                    sampled.seen.extend(now);
                };
                sample(&mut sampled);
                let _ = ready_tx.send(());
                while !flag.load(Ordering::SeqCst) {
                    sample(&mut sampled);
                    thread::sleep(Duration::from_millis(1));
                }
                sample(&mut sampled);
                sampled
            })
            .expect("starting the thread sampler");
        // The first sample is taken before start returns: nothing the caller does next is missed.
        let _ = ready_rx.recv();
        ThreadSampler { stop, handle }
    }

    /// Stops sampling and returns what was seen.
    pub fn stop(self) -> Sampled {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.join().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sampler_sees_short_lived_threads_and_their_ids() {
        assert!(thread_ids().contains(&crate::proc::current_tid()));
        let sampler = ThreadSampler::start();
        let mut made = Vec::new();
        for _ in 0..3 {
            let (tx, rx) = std::sync::mpsc::channel();
            let t = thread::spawn(move || {
                tx.send(crate::proc::current_tid()).unwrap();
                thread::sleep(Duration::from_millis(20));
            });
            made.push(rx.recv().unwrap());
            t.join().unwrap();
        }
        let sampled = sampler.stop();
        for tid in &made {
            assert!(sampled.seen.contains(tid), "thread {tid} not seen: {sampled:?}");
        }
        // Other tests of this binary start and end threads meanwhile: only this one's are known.
        assert!(sampled.seen.contains(&crate::proc::current_tid()));
        assert!(sampled.peak >= 2, "{sampled:?}");
    }
}
