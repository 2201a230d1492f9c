//! The lecture's experiment: count down from N serially, then on several threads at once, with
//! and without the GIL, CPU-bound and I/O-bound, and compare the times.
//!
//! ```text
//! def count(n):
//!     while n > 0:
//!         n -= 1
//! ```
//!
//! Serially, `count(N)` runs twice on one thread; threaded, two threads run `count(N)` at once.
//! Under Python's GIL the lecture measured 18.1 s serially and 19.5 s on two threads.

use std::fmt;
use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::{Gil, GilGuard};

/// What one step of the count-down does besides counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Only computes: the step holds the GIL all the time.
    CpuBound,
    /// Also waits this long for "I/O" (a sleep) outside the GIL, through
    /// [`GilGuard::allow_threads`].
    IoBound(Duration),
}

/// Task: count down from `n` to zero as interpreted code: each decrement is one
/// [`GilGuard::step`]; for [`Workload::IoBound`] each step is followed by a blocking wait
/// inside [`GilGuard::allow_threads`].
pub fn count_down(guard: &mut GilGuard<'_>, n: u64, workload: Workload) {
    let mut n = n;
    while n > 0 {
        // black_box keeps the compiler from replacing the loop with `n = 0`.
        n = guard.step(|| black_box(n) - 1);
        if let Workload::IoBound(pause) = workload {
            guard.allow_threads(|| std::thread::sleep(pause));
        }
    }
}

/// The times of one row of the table: the same total work done serially and on threads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// `threads` count-downs one after another on one thread.
    pub serial: Duration,
    /// `threads` count-downs on as many threads at once.
    pub threaded: Duration,
    /// How many count-downs (and threads).
    pub threads: usize,
}

impl Timing {
    /// `threaded / serial`: about 1 / threads when the threads overlap perfectly, about 1
    /// (or more) when they take turns.
    pub fn ratio(&self) -> f64 {
        self.threaded.as_secs_f64() / self.serial.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// Task: time `threads` count-downs from `n` under `gil`: first one after another on the
/// calling thread (holding the GIL once for all of them), then on `threads` threads started
/// together, each acquiring the GIL for its own count-down.
pub fn compare(gil: &Gil, threads: usize, n: u64, workload: Workload) -> Timing {
    let started = Instant::now();
    {
        let mut guard = gil.acquire();
        for _ in 0..threads {
            count_down(&mut guard, n, workload);
        }
    }
    let serial = started.elapsed();

    let started = Instant::now();
    // Scoped threads may borrow `gil`; the scope joins them all before it returns.
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| count_down(&mut gil.acquire(), n, workload));
        }
    });
    let threaded = started.elapsed();
    Timing {
        serial,
        threaded,
        threads,
    }
}

/// A table of timings, printed like the lecture's.
#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: Vec<(String, Timing)>,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a row named `name` ("CPU-bound, GIL", for example).
    pub fn add(&mut self, name: impl Into<String>, timing: Timing) {
        self.rows.push((name.into(), timing));
    }

    pub fn rows(&self) -> &[(String, Timing)] {
        &self.rows
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .rows
            .iter()
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or(0)
            .max(8);
        writeln!(
            f,
            "{:width$}  {:>10}  {:>10}  {:>7}  threaded/serial",
            "", "serial", "threaded", "threads"
        )?;
        for (name, t) in &self.rows {
            writeln!(
                f,
                "{name:width$}  {:>7.1} ms  {:>7.1} ms  {:>7}  {:.2}",
                t.serial.as_secs_f64() * 1e3,
                t.threaded.as_secs_f64() * 1e3,
                t.threads,
                t.ratio()
            )?;
        }
        Ok(())
    }
}

/// Task: the whole experiment, as in the lecture: two CPU-bound count-downs from `n` without
/// and with the GIL, and `io_threads` I/O-bound count-downs from `io_n` (each step waiting
/// `io_pause`) with the GIL.
pub fn run(n: u64, io_threads: usize, io_n: u64, io_pause: Duration) -> Table {
    let mut table = Table::new();
    table.add(
        "CPU-bound, no GIL",
        compare(&Gil::disabled(), 2, n, Workload::CpuBound),
    );
    table.add(
        "CPU-bound, GIL",
        compare(&Gil::new(), 2, n, Workload::CpuBound),
    );
    table.add(
        "I/O-bound, GIL",
        compare(&Gil::new(), io_threads, io_n, Workload::IoBound(io_pause)),
    );
    table
}
