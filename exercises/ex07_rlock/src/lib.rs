//! # ex07_rlock: a reentrant lock (lecture 1.4, `RLock` vs `Lock`)
//!
//! A plain lock (Python's `threading.Lock`, Rust's `Mutex`) deadlocks a thread that takes it
//! twice: the second `lock()` waits for the lock to be released, by the very thread that is
//! waiting. A *reentrant* lock (Python's `threading.RLock`) remembers which thread holds it and
//! how many times: its owner may lock it again, and it is released for the other threads only
//! when the owner has unlocked it as many times as it locked it. That lets a function that holds
//! the lock call another function that takes the same lock.
//!
//! You build [`ReentrantMutex`] from the plain primitives of the course's facade: a [`Mutex`]
//! guarding the owner ([`ThreadId`]) and the count, and a [`Condvar`] that other threads sleep
//! on while the lock is held.
//!
//! - [`ReentrantMutex::lock`]: a free lock is taken (count 1); the owner takes it again
//!   (count + 1); any other thread waits, without using the CPU, until it is free;
//! - [`ReentrantMutex::try_lock`]: the same without waiting: `false` if another thread holds it;
//! - [`ReentrantMutex::unlock`]: the owner gives back one level (count - 1), and at zero the
//!   lock is free and a waiting thread wakes up; a thread that does not hold the lock gets
//!   `Err(NotOwner)` and nothing changes (Python raises `RuntimeError` there).
//!
//! Like Python's `acquire`/`release`, this lock guards no data of its own: it is a pure
//! lock/unlock API, so pairing every `lock` with an `unlock` is the caller's job.
//! [`ReentrantMutex::hold`] runs a closure between the two for you.
//!
//! Identify threads with `course_sync::thread::current().id()` (each thread's own id, as std's;
//! under the checker's schedule exploration, the explored threads' ids).
//!
//! How it is checked: the owner locks several times without blocking itself; another thread waits
//! until the owner's count is back to zero, and not a moment longer; an unlock from a thread that
//! does not hold the lock is refused and changes nothing; a waiting thread uses no CPU (its CPU
//! time is read from /proc); and mutual exclusion is verified across hundreds of explored thread
//! schedules. Public tests: `checker check ex07` (or `cargo test -p ex07_rlock` in `exercises/`).

use std::fmt;

// Your primitives come from here (the facade), not from std::sync or std::thread.
#[allow(unused_imports)]
use course_sync::thread::{self, ThreadId};
#[allow(unused_imports)]
use course_sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A lock that the thread holding it may take again; see the crate documentation.
pub struct ReentrantMutex {
    // Replace this with your fields: a Mutex around the owner (an Option<ThreadId>) and the
    // count, and a Condvar for the threads waiting for the lock, for example.
    _todo: (),
}

impl ReentrantMutex {
    /// Task: a lock that no thread holds.
    pub fn new() -> ReentrantMutex {
        todo!("a free lock: no owner, count 0")
    }

    /// Task: take the lock. If the calling thread holds it already, count one more level and
    /// return at once; otherwise wait, without using the CPU, until no thread holds it.
    pub fn lock(&self) {
        todo!("reenter if this thread is the owner; otherwise wait until the lock is free, then take it")
    }

    /// Task: take the lock if that needs no waiting: `true` if the calling thread now holds it
    /// (taken, or one more level), `false` if another thread holds it.
    pub fn try_lock(&self) -> bool {
        todo!("like lock(), but return false instead of waiting")
    }

    /// Task: give back one level of the lock. When the count reaches zero the lock is free and
    /// one waiting thread wakes up. A thread that does not hold the lock gets `Err(NotOwner)`,
    /// and the lock is left exactly as it was.
    pub fn unlock(&self) -> Result<(), NotOwner> {
        todo!("refuse a non-owner; count down; at zero free the lock and wake a waiter")
    }

    /// Runs `f` holding the lock, and unlocks afterwards, also when `f` panics.
    ///
    /// Provided: you do not need to change this.
    pub fn hold<R>(&self, f: impl FnOnce() -> R) -> R {
        /// Unlocks when dropped: at the end of `hold`, or while a panic unwinds out of `f`.
        struct Unlock<'a>(&'a ReentrantMutex);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                // This thread took the lock just before, so it is the owner.
                let _ = self.0.unlock();
            }
        }
        self.lock();
        let _unlock = Unlock(self);
        f()
    }
}

/// Provided: you do not need to change this.
impl Default for ReentrantMutex {
    fn default() -> ReentrantMutex {
        ReentrantMutex::new()
    }
}

/// The error of [`ReentrantMutex::unlock`] called by a thread that does not hold the lock.
///
/// Provided: you do not need to change this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotOwner;

/// Provided: you do not need to change this.
impl fmt::Display for NotOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unlock from a thread that does not hold the lock")
    }
}

/// Provided: you do not need to change this.
impl std::error::Error for NotOwner {}
