//! Lesson ex06_locks: two locks taken in opposite orders by two threads deadlock; one global
//! order does not.
//!
//! The notes' snippet takes locks `a` and `b` by hand. Here two threads need both of two
//! locks, "left" and "right", and each takes its "own" first. A barrier makes sure each holds
//! its first lock before asking for the second, which is the unlucky interleaving that a real
//! program hits only now and then. To stay bounded, a thread asks for its second lock with
//! `try_lock` for half a second instead of `lock()`, which would wait for ever, and reports
//! what it saw. Then both threads take the locks in one order (by index) and both finish.
//!
//! Run it: `cargo run -p lessons --example ex06_lock_order`

use std::sync::{Barrier, Mutex, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

/// Tries to lock `m` for up to `patience`; `None` if another thread kept it all that time.
fn lock_within<T>(m: &Mutex<T>, patience: Duration) -> Option<std::sync::MutexGuard<'_, T>> {
    let deadline = Instant::now() + patience;
    loop {
        match m.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                // Polling is fine for a demonstration; real code blocks in lock().
                thread::sleep(Duration::from_millis(1));
            }
            Err(TryLockError::WouldBlock) => return None,
            Err(TryLockError::Poisoned(e)) => return Some(e.into_inner()),
        }
    }
}

fn main() {
    let locks = [Mutex::new("left"), Mutex::new("right")];
    let patience = Duration::from_millis(500);

    // 1. Opposite orders: thread 0 takes 0 then 1, thread 1 takes 1 then 0.
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        for me in 0..2usize {
            let (locks, barrier) = (&locks, &barrier);
            s.spawn(move || {
                let (first, second) = (me, 1 - me);
                let held = locks[first].lock().expect("poisoned");
                barrier.wait(); // both now hold their first lock
                let got = lock_within(&locks[second], patience).is_some();
                // Keep the first lock until both have tried, as a real deadlock would.
                barrier.wait();
                if got {
                    println!("thread {me}: got both (lucky)");
                } else {
                    let wanted = if second == 0 { "left" } else { "right" };
                    println!(
                        "thread {me}: holds {}, waits for {wanted}: a deadlock \
                         (gave up after {patience:?})",
                        *held
                    );
                }
            });
        }
    });

    // 2. One global order: every thread takes the lock with the smaller index first,
    //    whichever lock it thinks of as its own. Now nobody can hold the second lock while
    //    waiting for the first, so no cycle of waits can form.
    let rounds = 10_000;
    thread::scope(|s| {
        for me in 0..2usize {
            let locks = &locks;
            s.spawn(move || {
                let (mine, other) = (me, 1 - me);
                for _ in 0..rounds {
                    let (lo, hi) = (mine.min(other), mine.max(other));
                    let _a = locks[lo].lock().expect("poisoned");
                    let _b = locks[hi].lock().expect("poisoned");
                    // ... work on both ...
                } // released here, in reverse order; the release order does not matter
                println!("thread {me}: {rounds} rounds holding both locks, no deadlock");
            });
        }
    });
}
