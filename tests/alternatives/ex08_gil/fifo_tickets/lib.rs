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
//! The lock is built from `course_sync::{Mutex, Condvar}` (the course's facade: `std::sync`
//! in your own build). You write every function marked "Task:", here and in
//! `experiment.rs`; the rest (`experiment::Timing`, `experiment::Table`) is provided.
//!
//! How it is checked: the hidden checks drive your `Gil` with their own steps, timestamp every
//! step of every thread and time the workloads in one run, as ratios: without the GIL two
//! CPU-bound threads take about half the serial time (when two cores are free); with the GIL
//! they take the serial time or more and never run a step at the same time; I/O-bound threads
//! still overlap; and no thread holds the GIL much longer than the switch interval while
//! another waits. Public tests: `cargo test -p ex08_gil` (add `-- --nocapture` to see the
//! table).

use std::marker::PhantomData;
use std::time::{Duration, Instant};

use course_sync::thread::{self, ThreadId};
use course_sync::{Condvar, Mutex, PoisonError};

pub mod experiment;

/// CPython's default switch interval (`sys.getswitchinterval()` is 0.005).
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// A global interpreter lock: one thread at a time runs interpreted code.
///
/// Share it between threads by reference (scoped threads) or in an `Arc`.
///
/// (A correct alternative to the reference solution: a FIFO ticket lock with one Condvar and
/// notify_all. A thread that hands the GIL over takes a new ticket, behind every waiter, so the
/// waiter gets the GIL first without a second Condvar or a count of takes.)
#[derive(Debug)]
pub struct Gil {
    enabled: bool,
    switch_interval: Duration,
    state: Mutex<State>,
    /// Signalled (to all) whenever the GIL is released: the thread whose ticket is served takes it.
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    holder: Option<ThreadId>,
    /// The next ticket to hand out.
    next: u64,
    /// The ticket whose thread may take the GIL next.
    serving: u64,
}

impl Gil {
    /// Task: a GIL with the default switch interval (5 ms).
    pub fn new() -> Gil {
        Gil::with_switch_interval(DEFAULT_SWITCH_INTERVAL)
    }

    /// Task: a GIL whose holder hands it over after `interval` when another thread waits
    /// (Python's `sys.setswitchinterval`). Panics if `interval` is zero.
    pub fn with_switch_interval(interval: Duration) -> Gil {
        assert!(interval > Duration::ZERO, "a zero switch interval");
        Gil {
            enabled: true,
            switch_interval: interval,
            state: Mutex::new(State {
                holder: None,
                next: 0,
                serving: 0,
            }),
            changed: Condvar::new(),
        }
    }

    /// Task: the same interface without a global lock ("free-threaded").
    pub fn disabled() -> Gil {
        let mut gil = Gil::new();
        gil.enabled = false;
        gil
    }

    /// Whether this GIL excludes threads (`false` for [`Gil::disabled`]).
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The longest a thread keeps the GIL while another waits for it (give or take a step).
    pub fn switch_interval(&self) -> Duration {
        self.switch_interval
    }

    /// Task: block until the calling thread holds the GIL; dropping the guard releases it.
    ///
    /// # Panics
    ///
    /// If the calling thread already holds this GIL: it would wait for itself forever.
    pub fn acquire(&self) -> GilGuard<'_> {
        if self.enabled {
            self.take();
        }
        GilGuard {
            gil: self,
            since: Instant::now(),
            _not_send: PhantomData,
        }
    }

    /// Takes a ticket and waits until it is served and the GIL is free.
    fn take(&self) {
        let me = thread::current().id();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(state.holder != Some(me), "this thread already holds the GIL");
        let ticket = state.next;
        state.next += 1;
        let mut state = self
            .changed
            .wait_while(state, |s| s.holder.is_some() || s.serving != ticket)
            .unwrap_or_else(PoisonError::into_inner);
        state.holder = Some(me);
        state.serving += 1;
    }

    fn release(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).holder = None;
        self.changed.notify_all();
    }

    /// Whether a ticket is waiting to be served.
    fn someone_waits(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.next != state.serving
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
    /// When this thread's current interval began.
    since: Instant,
    _not_send: PhantomData<*const ()>,
}

impl<'a> GilGuard<'a> {
    /// Task: run one step of interpreted code (`op`) while holding the GIL, after a safe point.
    pub fn step<T>(&mut self, op: impl FnOnce() -> T) -> T {
        if self.gil.enabled && self.since.elapsed() >= self.gil.switch_interval {
            if self.gil.someone_waits() {
                // A new ticket comes after every waiting one: the waiter goes first.
                self.gil.release();
                self.gil.take();
            }
            self.since = Instant::now();
        }
        op()
    }

    /// Task: run `blocking` without the GIL, then take the GIL back.
    pub fn allow_threads<T>(&mut self, blocking: impl FnOnce() -> T) -> T {
        if !self.gil.enabled {
            return blocking();
        }
        self.gil.release();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(blocking));
        self.gil.take();
        self.since = Instant::now();
        match result {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// The GIL this guard holds.
    pub fn gil(&self) -> &'a Gil {
        self.gil
    }
}

impl Drop for GilGuard<'_> {
    /// Task: release the GIL.
    fn drop(&mut self) {
        if self.gil.enabled {
            self.gil.release();
        }
    }
}
