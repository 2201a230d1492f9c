//! # ex05_queue: a bounded queue with a mutex and condition variables (lecture 1.4)
//!
//! Threads that hand work to each other need a queue that *waits*: a consumer that finds it
//! empty sleeps until an item arrives, and a producer that finds it full sleeps until there is
//! room, like Python's `queue.Queue(maxsize=...)`. You build one from a [`Mutex`] that guards
//! the items and two [`Condvar`]s that threads sleep on:
//!
//! - [`BoundedQueue::put`] adds an item at the back, waiting while the queue holds `capacity`
//!   items;
//! - [`BoundedQueue::get`] takes the item at the front, waiting while the queue is empty;
//! - [`BoundedQueue::close`] shuts the queue down: every waiting thread wakes up, later `put`s
//!   give their item back as [`Closed`], and `get` still delivers the items already queued,
//!   then returns `None` — the usual way to tell consumers that no more work will come.
//!
//! The lecture's rules for condition variables are the whole exercise: hold the mutex while
//! you look at the state, wait in a `while` loop that re-checks the condition after every
//! wake-up, and notify after every change that a waiter may be waiting for.
//!
//! Import `Mutex` and `Condvar` from the course's facade, `course_sync`, never from
//! `std::sync`: in your own build they *are* std's types, and under the checker the same
//! code can be run across many thread schedules.
//!
//! How it is checked: many producer and consumer threads must deliver every item exactly once; the
//! queue never holds more than `capacity` items; a thread blocked in `get` or `put` uses no CPU
//! (its CPU time is read from /proc while it waits); `close` wakes every waiting thread and keeps
//! the queued items; and hundreds of thread schedules are explored (the facade runs your code on a
//! model checker) looking for a lost wake-up, a deadlock or a `get` that returns too early. Public
//! tests: `checker check ex05` (or `cargo test -p ex05_queue` in `exercises/`).

use std::collections::VecDeque;
use std::fmt;

use course_sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A first-in, first-out queue of at most `capacity` items, shared by producer and consumer
/// threads (put it in an `Arc`, or borrow it from scoped threads).
pub struct BoundedQueue<T> {
    state: Mutex<State<T>>,
    /// Consumers wait here for an item (or for the queue to close).
    not_empty: Condvar,
    /// Producers wait here for room (or for the queue to close).
    not_full: Condvar,
    capacity: usize,
}

/// Everything the mutex guards: waiters look at it and change it only while holding the lock.
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

impl<T> BoundedQueue<T> {
    /// Task: an empty, open queue that holds at most `capacity` items. Panics if `capacity` is
    /// 0 (such a queue could never accept an item).
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        assert!(
            capacity > 0,
            "a BoundedQueue needs a capacity of at least 1"
        );
        BoundedQueue {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    /// Task: add `item` at the back, blocking (without using the CPU) while the queue is full.
    /// Returns `Err(Closed(item))`, giving the item back, if the queue is closed, also when it
    /// was closed while this call waited.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.lock();
        // `while`, not `if`: a wake-up only means "something changed". Another producer may
        // have taken the free slot before this thread got the lock back, and a wait may also
        // end spuriously, so the condition is checked again every time.
        // (`self.not_full.wait_while(state, |s| ...)` is this same loop, written for you.)
        while state.items.len() >= self.capacity && !state.closed {
            // wait() releases the lock while the thread sleeps and takes it again before
            // returning, so no item can be taken between our look and our sleep.
            state = self
                .not_full
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        drop(state);
        // One item arrived: one consumer can go on. Only consumers wait on `not_empty`, so
        // the thread woken is one that can use the item (with a single condition variable for
        // both sides, notify_one might wake a producer instead, and the wake-up would be lost).
        self.not_empty.notify_one();
        Ok(())
    }

    /// Task: take the item at the front, blocking (without using the CPU) while the queue is
    /// empty and open. Returns `None` only once the queue is closed *and* empty.
    pub fn get(&self) -> Option<T> {
        let mut state = self.lock();
        while state.items.is_empty() && !state.closed {
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        // Here the queue has an item, or it is closed and empty (then this is None).
        let item = state.items.pop_front();
        drop(state);
        if item.is_some() {
            // One slot became free: one producer can go on.
            self.not_full.notify_one();
        }
        item
    }

    /// Task: close the queue and wake every thread waiting in `put` or `get`. Items already
    /// queued stay there for `get`; later calls to `put` fail. Closing twice is harmless.
    pub fn close(&self) {
        self.lock().closed = true;
        // Every waiter must see the change, not just one: notify_all on both sides. A woken
        // consumer finds the queue closed (and maybe empty) and returns; a woken producer
        // gets its item back.
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Task: the number of items in the queue now (it may change as soon as you look).
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether the queue holds no item now.
    ///
    /// Provided: you do not need to change this.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Task: whether [`BoundedQueue::close`] has been called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Task: the most items the queue holds (the `capacity` given to `new`).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Locks the state, ignoring poisoning. A lock is poisoned when a thread panicked while
    /// holding it; no code of ours can panic halfway through changing the state (a push or a
    /// pop either happens or not), so the state behind a poisoned lock is still consistent.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The error of [`BoundedQueue::put`] on a closed queue. It carries the item back to the
/// caller, as `std::sync::mpsc::SendError` does, so nothing is lost.
///
/// Provided: you do not need to change this.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> Closed<T> {
    /// The item that could not be put.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Like `SendError`, this does not need `T: Debug`, so `put(..).unwrap()` works for any item.
impl<T> fmt::Debug for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Closed(..)")
    }
}

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("put on a closed queue")
    }
}

impl<T> std::error::Error for Closed<T> {}
