//! Lesson ex08_gil: a global lock hurts CPU-bound threads, but not threads that release it
//! while they wait for I/O.
//!
//! The notes draw a thread that takes the GIL to run Python code and lets it go around each
//! I/O call. Here four threads each do five rounds of "a little computing, then a 20 ms wait
//! for I/O" (a sleep stands for the I/O), all sharing one global lock. If a thread keeps the
//! lock while it waits, the threads take turns: 4 x 5 x 20 ms = 400 ms. If it drops the lock
//! before the wait and takes it back after, as CPython does around a blocking call, the
//! waits overlap and the whole run takes about 5 x 20 ms = 100 ms.
//!
//! Run it: `cargo run -p lessons --example ex08_release_around_io`

use std::hint::black_box;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

const THREADS: usize = 4;
const ROUNDS: usize = 5;
const IO_WAIT: Duration = Duration::from_millis(20);

fn compute_a_little() -> u64 {
    (0..10_000u64).map(black_box).sum()
}

fn run(release_during_io: bool) -> Duration {
    let global = Mutex::new(0u64);
    let t0 = Instant::now();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                let mut held = global.lock().expect("poisoned");
                for _ in 0..ROUNDS {
                    *held += compute_a_little(); // "interpreted code": needs the lock
                    if release_during_io {
                        drop(held); // release ...
                        thread::sleep(IO_WAIT); // ... wait for I/O without the lock ...
                        held = global.lock().expect("poisoned"); // ... and take it back
                    } else {
                        thread::sleep(IO_WAIT); // wait for I/O while holding the lock
                    }
                }
            });
        }
    });
    t0.elapsed()
}

fn main() {
    let kept = run(false);
    let released = run(true);
    println!("lock kept during I/O:     {:>6.1} ms", kept.as_secs_f64() * 1e3);
    println!("lock released during I/O: {:>6.1} ms", released.as_secs_f64() * 1e3);
}
