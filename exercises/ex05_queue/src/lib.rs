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

use std::fmt;
use std::marker::PhantomData;

// Your primitives come from here (the facade), not from std::sync.
#[allow(unused_imports)]
use course_sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A first-in, first-out queue of at most `capacity` items, shared by producer and consumer
/// threads (put it in an `Arc`, or borrow it from scoped threads).
pub struct BoundedQueue<T> {
    // Replace this with your fields: a Mutex around the items (a VecDeque<T>) and a "closed"
    // flag, a Condvar for consumers and one for producers, and the capacity, for example.
    _todo: PhantomData<T>,
}

impl<T> BoundedQueue<T> {
    /// Task: an empty, open queue that holds at most `capacity` items. Panics if `capacity` is
    /// 0 (such a queue could never accept an item).
    pub fn new(_capacity: usize) -> BoundedQueue<T> {
        todo!("an empty, open queue of the given capacity")
    }

    /// Task: add `item` at the back, blocking (without using the CPU) while the queue is full.
    /// Returns `Err(Closed(item))`, giving the item back, if the queue is closed, also when it
    /// was closed while this call waited.
    pub fn put(&self, _item: T) -> Result<(), Closed<T>> {
        todo!("wait while the queue is full, then add the item and wake a consumer")
    }

    /// Task: take the item at the front, blocking (without using the CPU) while the queue is
    /// empty and open. Returns `None` only once the queue is closed *and* empty.
    pub fn get(&self) -> Option<T> {
        todo!(
            "wait while the queue is empty and open, then take the front item and wake a producer"
        )
    }

    /// Task: close the queue and wake every thread waiting in `put` or `get`. Items already
    /// queued stay there for `get`; later calls to `put` fail. Closing twice is harmless.
    pub fn close(&self) {
        todo!("mark the queue closed and wake every waiting thread")
    }

    /// Task: the number of items in the queue now (it may change as soon as you look).
    pub fn len(&self) -> usize {
        todo!("the number of queued items")
    }

    /// Whether the queue holds no item now.
    ///
    /// Provided: you do not need to change this.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Task: whether [`BoundedQueue::close`] has been called.
    pub fn is_closed(&self) -> bool {
        todo!("whether the queue is closed")
    }

    /// Task: the most items the queue holds (the `capacity` given to `new`).
    pub fn capacity(&self) -> usize {
        todo!("the capacity")
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
