//! Lesson ex04_pool: a fixed number of threads share the work, and results are printed in
//! the order they are finished.
//!
//! The notes compute squares of 0..10 with `ThreadPoolExecutor(max_workers=3)` and print them
//! with `as_completed`. This is not a pool (there is no `submit`, and the work is known in
//! advance): three scoped threads take the next number from one shared counter until none is
//! left, and each sends its result on a channel the moment it has it. The main thread prints
//! what arrives, so the order is the order of completion, not of the inputs. Each square takes
//! a different (made-up) time so that the two orders differ.
//!
//! Run it: `cargo run -p lessons --example ex04_squares_as_completed`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const MAX_WORKERS: usize = 3;

fn f(a: u64) -> u64 {
    // Pretend that some inputs are slower than others: 0, 30, 60, 90 ms, 0, ...
    thread::sleep(Duration::from_millis(30 * (a % 4)));
    a * a
}

fn main() {
    let inputs: Vec<u64> = (0..10).collect();
    let next = AtomicUsize::new(0); // index of the next input nobody has taken yet
    let (done_tx, done_rx) = mpsc::channel();
    let start = Instant::now();

    thread::scope(|s| {
        for worker in 0..MAX_WORKERS {
            let done_tx = done_tx.clone();
            let (inputs, next) = (&inputs, &next);
            s.spawn(move || loop {
                // fetch_add hands every index to exactly one thread.
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&a) = inputs.get(i) else { break };
                // If the receiver is gone nobody wants the result any more: stop.
                if done_tx.send((worker, a, f(a))).is_err() {
                    break;
                }
            });
        }
        // Drop the main thread's sender: when the three workers' clones are gone too, the
        // loop below ends instead of waiting for ever.
        drop(done_tx);

        // recv() blocks (no CPU) until the next result or until every sender is gone.
        for (worker, a, square) in done_rx {
            println!("{:>4} ms  worker {worker}: {a}^2 = {square}", start.elapsed().as_millis());
        }
    }); // the scope joins every thread it started
}
