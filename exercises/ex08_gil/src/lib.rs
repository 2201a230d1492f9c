//! # ex08_gil: the GIL experiment (lecture 1.5)
//!
//! CPython runs Python code under one global lock, the GIL: a thread must hold it to execute
//! bytecode, so two threads never run Python code at the same time, however many cores the
//! machine has. The lecture's experiment shows what that means: counting down from N on two
//! threads takes as long as doing it twice on one thread (18.1 s serially, 19.5 s on two threads),
//! while threads that mostly wait for I/O still overlap, because CPython releases the GIL around
//! every blocking call.
//!
//! This crate rebuilds that machinery so it can be watched:
//!
//! - [`Gil`] is the global lock. [`Gil::acquire`] blocks until the calling thread holds it and
//!   returns a [`GilGuard`]; dropping the guard releases it.
//! - "Interpreted code" is a sequence of steps, each run through [`GilGuard::step`]: one
//!   closure call is one bytecode instruction. Before each step the holder is at a *safe
//!   point*: if it has held the GIL for a whole switch interval (5 ms by default, Python's
//!   `sys.getswitchinterval()`) and another thread is waiting, it hands the GIL over and queues
//!   for it again.
//! - [`GilGuard::allow_threads`] releases the GIL around a blocking call (CPython's
//!   `Py_BEGIN_ALLOW_THREADS`), so other threads run while this one sleeps or waits for I/O.
//! - [`Gil::disabled`] is the same interface without the lock, like the free-threaded CPython
//!   3.13t: steps of different threads run at the same time.
//! - [`experiment`] is the lecture's experiment: count down serially and on threads, with and
//!   without the GIL, CPU-bound and I/O-bound, and print the table of times.
//!
//! The lock is built from `course_sync::{Mutex, Condvar}` (the course's facade, which behaves
//! as `std::sync`). You write every function marked "Task:", here and in
//! `experiment.rs`; the rest (`experiment::Timing`, `experiment::Table`) is provided.
//!
//! How it is checked: the hidden checks drive your `Gil` with their own steps, timestamp every step
//! of every thread and time the workloads in one run, as ratios: without the GIL two CPU-bound
//! threads take about half the serial time (when two cores are free); with the GIL they take the
//! serial time or more and never run a step at the same time; I/O-bound threads still overlap; and
//! no thread holds the GIL much longer than the switch interval while another waits. Public tests:
//! `checker check ex08` (or `cargo test -p ex08_gil -- --nocapture` in `exercises/`, to see the
//! table).

use std::marker::PhantomData;
use std::time::Duration;

// What you will need: course_sync::{Condvar, Mutex, MutexGuard, PoisonError},
// course_sync::thread::{self, ThreadId} and std::time::Instant. Import them from course_sync,
// not from std::sync: the checker observes the GIL's lock through the course's facade.

pub mod experiment;

/// CPython's default switch interval (`sys.getswitchinterval()` is 0.005).
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// A global interpreter lock: one thread at a time runs interpreted code.
///
/// Share it between threads by reference (scoped threads) or in an `Arc`.
#[derive(Debug)]
pub struct Gil {
    // Replace this with your fields: whether the GIL is enabled, its switch interval, and its
    // state (who holds it, how many threads wait for it) in a Mutex, with a Condvar to wait on.
    _todo: (),
}

impl Gil {
    /// Task: a GIL with the default switch interval (5 ms).
    pub fn new() -> Gil {
        todo!("a GIL with the default switch interval")
    }

    /// Task: a GIL whose holder hands it over after `interval` when another thread waits
    /// (Python's `sys.setswitchinterval`). Panics if `interval` is zero.
    pub fn with_switch_interval(_interval: Duration) -> Gil {
        todo!("a GIL with this switch interval")
    }

    /// Task: the same interface without a global lock ("free-threaded"): `acquire` never
    /// waits, steps never switch, and the steps of different threads run at the same time.
    pub fn disabled() -> Gil {
        todo!("a GIL that excludes nobody")
    }

    /// Task: whether this GIL excludes threads (`false` for [`Gil::disabled`]).
    pub fn is_enabled(&self) -> bool {
        todo!()
    }

    /// Task: the longest a thread keeps the GIL while another waits for it (give or take a
    /// step).
    pub fn switch_interval(&self) -> Duration {
        todo!()
    }

    /// Task: block until the calling thread holds the GIL; dropping the guard releases it.
    ///
    /// # Panics
    ///
    /// If the calling thread already holds this GIL: it would wait for itself forever.
    pub fn acquire(&self) -> GilGuard<'_> {
        todo!("wait until the GIL is free, then take it")
    }
}

impl Default for Gil {
    fn default() -> Gil {
        Gil::new()
    }
}

/// Proof that the current thread holds the GIL: interpreted code runs through it.
///
/// Not `Send`: the GIL belongs to the thread that acquired it, like a `MutexGuard`.
#[derive(Debug)]
pub struct GilGuard<'a> {
    gil: &'a Gil,
    // Add what you need: when this thread took the GIL, for example.
    _not_send: PhantomData<*const ()>,
}

impl<'a> GilGuard<'a> {
    /// Task: run one step of interpreted code (`op`) while holding the GIL, after a safe
    /// point: if this thread has held the GIL for its switch interval and another thread is
    /// waiting, hand the GIL over first and wait for it again.
    pub fn step<T>(&mut self, _op: impl FnOnce() -> T) -> T {
        todo!("a safe point (hand the GIL over if the interval is up and someone waits), then op()")
    }

    /// Task: run `blocking` (I/O, a sleep) without the GIL, so that other threads run
    /// meanwhile, then take the GIL back (CPython's `Py_BEGIN_ALLOW_THREADS`).
    pub fn allow_threads<T>(&mut self, _blocking: impl FnOnce() -> T) -> T {
        todo!("release the GIL, call blocking(), take the GIL back")
    }

    /// The GIL this guard holds.
    pub fn gil(&self) -> &'a Gil {
        self.gil
    }
}

impl Drop for GilGuard<'_> {
    /// Task: release the GIL.
    fn drop(&mut self) {
        // TODO: write this. (It is empty rather than `todo!()` on purpose: a panic inside a
        // destructor that runs while another panic unwinds, as when a test fails, aborts the
        // whole test program.)
    }
}
