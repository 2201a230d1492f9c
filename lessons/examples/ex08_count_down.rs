//! Lesson ex08_gil: the notes' count-down experiment in Rust, where no global lock exists.
//!
//! In the notes, counting down twice on one thread took 18.1 s and on two threads 19.5 s,
//! because CPython's GIL lets one thread run Python code at a time. Rust threads are plain
//! OS threads: this example counts down serially, then on two threads at once, and on a
//! machine with two free cores the threaded run takes about half the time. Then it puts one
//! global `Mutex` around each whole count-down, the crudest "GIL", and the threads are back to
//! taking turns. The numbers depend on the machine and its load: read the ratios, not the
//! milliseconds. The last column, CPU time used by the process divided by wall time, says how
//! many cores were really busy on average: near 2 for free threads, near 1 under the lock,
//! even when other programs share the machine. N is picked at run time so that the whole
//! example takes a second or two.
//!
//! Run it: `cargo run -p lessons --example ex08_count_down`
//! (add `--release` to see the same ratios with smaller times).

use std::hint::black_box;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// The notes' `count`: `while n > 0: n -= 1`. black_box keeps the compiler from replacing
/// the loop with its result.
fn count(mut n: u64) {
    while black_box(n) > 0 {
        n -= 1;
    }
}

fn timed(f: impl FnOnce()) -> Duration {
    let t0 = Instant::now();
    f();
    t0.elapsed()
}

/// CPU time used so far by all the threads of this process.
fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec we pass it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall time of `f`, and how many cores it kept busy on average (CPU time / wall time).
fn measured(f: impl FnOnce()) -> (Duration, f64) {
    let cpu0 = process_cpu_time();
    let wall = timed(f);
    let cpu = process_cpu_time() - cpu0;
    (wall, cpu.as_secs_f64() / wall.as_secs_f64())
}

/// An N for which count(N) takes about `target` on this machine.
fn calibrate(target: Duration) -> u64 {
    let mut n = 100_000;
    loop {
        let took = timed(|| count(n));
        if took >= Duration::from_millis(20) {
            return (n as f64 * target.as_secs_f64() / took.as_secs_f64()) as u64;
        }
        n *= 4;
    }
}

fn main() {
    let n = calibrate(Duration::from_millis(200));
    println!("N = {n}; the machine has {:?} CPUs", thread::available_parallelism());

    // Serial: two count-downs one after the other.
    let serial = measured(|| {
        count(n);
        count(n);
    });

    // Parallel: two threads at once, nothing shared.
    let parallel = measured(|| {
        thread::scope(|s| {
            s.spawn(|| count(n));
            s.spawn(|| count(n));
        });
    });

    // Parallel, but each thread holds one global lock for its whole count-down.
    let big_lock = Mutex::new(());
    let locked = measured(|| {
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    let _held = big_lock.lock().expect("poisoned");
                    count(n);
                });
            }
        });
    });

    let row = |name: &str, (wall, cores): (Duration, f64)| {
        println!(
            "{name:<22}{:>7.1} ms  {:>5.2} x serial  {cores:>4.2} cores busy",
            wall.as_secs_f64() * 1e3,
            wall.as_secs_f64() / serial.0.as_secs_f64()
        );
    };
    row("serial", serial);
    row("two threads, no lock", parallel);
    row("two threads, one lock", locked);
}
