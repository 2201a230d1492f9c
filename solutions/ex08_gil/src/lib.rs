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
use std::time::{Duration, Instant};

use course_sync::thread::{self, ThreadId};
use course_sync::{Condvar, Mutex, MutexGuard, PoisonError};

pub mod experiment;

/// CPython's default switch interval (`sys.getswitchinterval()` is 0.005).
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// A global interpreter lock: one thread at a time runs interpreted code.
///
/// Share it between threads by reference (scoped threads) or in an `Arc`.
#[derive(Debug)]
pub struct Gil {
    /// `false` for [`Gil::disabled`]: acquire never waits and steps never switch.
    enabled: bool,
    switch_interval: Duration,
    state: Mutex<State>,
    /// Signalled when the GIL becomes free: the threads queuing in `take` wait on it.
    free: Condvar,
    /// Signalled whenever a thread takes the GIL: a holder that handed it over waits on it
    /// until a waiter has really taken it (see `hand_over`).
    taken: Condvar,
}

#[derive(Debug)]
struct State {
    /// The thread that holds the GIL now.
    holder: Option<ThreadId>,
    /// How many threads are queuing for the GIL.
    waiting: usize,
    /// How many times the GIL has been taken: lets a thread that handed it over see that a
    /// waiter took it.
    takes: u64,
}

impl Gil {
    /// Task: a GIL with the default switch interval (5 ms).
    pub fn new() -> Gil {
        Gil::with_switch_interval(DEFAULT_SWITCH_INTERVAL)
    }

    /// Task: a GIL whose holder hands it over after `interval` when another thread waits
    /// (Python's `sys.setswitchinterval`). Panics if `interval` is zero.
    pub fn with_switch_interval(interval: Duration) -> Gil {
        assert!(
            !interval.is_zero(),
            "the switch interval must be longer than zero"
        );
        Gil {
            enabled: true,
            switch_interval: interval,
            state: Mutex::new(State {
                holder: None,
                waiting: 0,
                takes: 0,
            }),
            free: Condvar::new(),
            taken: Condvar::new(),
        }
    }

    /// Task: the same interface without a global lock ("free-threaded"): `acquire` never
    /// waits, steps never switch, and the steps of different threads run at the same time.
    pub fn disabled() -> Gil {
        Gil {
            enabled: false,
            ..Gil::new()
        }
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
            held_since: Instant::now(),
            _not_send: PhantomData,
        }
    }

    /// Queues for the GIL until it is free, then takes it.
    fn take(&self) {
        let me = thread::current().id();
        let mut state = self.lock_state();
        assert_ne!(
            state.holder,
            Some(me),
            "this thread already holds the GIL: acquiring it again would wait forever"
        );
        state.waiting += 1;
        // A loop around wait, not an `if`: a wake-up only says the GIL *was* free; another
        // thread may have taken it first.
        let mut state = self
            .free
            .wait_while(state, |s| s.holder.is_some())
            .unwrap_or_else(PoisonError::into_inner);
        state.waiting -= 1;
        state.holder = Some(me);
        state.takes += 1;
        // Wakes a thread waiting in `hand_over` for exactly this.
        self.taken.notify_all();
    }

    /// Releases the GIL and wakes one thread queuing for it.
    fn release(&self) {
        self.lock_state().holder = None;
        self.free.notify_one();
    }

    /// Called by the holder at a safe point once its interval is up: if another thread is
    /// waiting, hands the GIL over and queues for it again.
    fn hand_over(&self) {
        let mut state = self.lock_state();
        if state.waiting == 0 {
            return;
        }
        let takes = state.takes;
        state.holder = None;
        self.free.notify_one();
        // Releasing and re-acquiring at once is not enough: this thread is running and holds
        // the state's lock, the waiter has only just been woken, so this thread would take the
        // GIL back before the waiter gets there, again and again (the convoy problem of
        // Python 2's GIL). Like CPython since 3.2 (FORCE_SWITCHING), wait until a waiter has
        // really taken it, then queue behind it.
        let state = self
            .taken
            .wait_while(state, |s| s.takes == takes)
            .unwrap_or_else(PoisonError::into_inner);
        drop(state);
        self.take();
    }

    /// The state's lock. No code panics while holding it, so poisoning cannot happen; if it
    /// did, the state would still be consistent, so the guard is taken back anyway.
    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
    /// When this thread last took the GIL (or last found nobody waiting for it).
    held_since: Instant,
    _not_send: PhantomData<*const ()>,
}

impl<'a> GilGuard<'a> {
    /// Task: run one step of interpreted code (`op`) while holding the GIL, after a safe
    /// point: if this thread has held the GIL for its switch interval and another thread is
    /// waiting, hand the GIL over first and wait for it again.
    pub fn step<T>(&mut self, op: impl FnOnce() -> T) -> T {
        if self.gil.enabled && self.held_since.elapsed() >= self.gil.switch_interval {
            self.gil.hand_over();
            // Whether the GIL changed hands or nobody wanted it, a new interval starts now.
            self.held_since = Instant::now();
        }
        op()
    }

    /// Task: run `blocking` (I/O, a sleep) without the GIL, so that other threads run
    /// meanwhile, then take the GIL back (CPython's `Py_BEGIN_ALLOW_THREADS`).
    pub fn allow_threads<T>(&mut self, blocking: impl FnOnce() -> T) -> T {
        if !self.gil.enabled {
            return blocking();
        }
        /// Takes the GIL back when dropped, even if `blocking` panics: the guard's own
        /// `Drop` then releases a GIL this thread really holds.
        struct Reacquire<'g, 'a>(&'g mut GilGuard<'a>);
        impl Drop for Reacquire<'_, '_> {
            fn drop(&mut self) {
                self.0.gil.take();
                self.0.held_since = Instant::now();
            }
        }
        self.gil.release();
        let _reacquire = Reacquire(self);
        blocking()
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
