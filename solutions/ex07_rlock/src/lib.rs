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

use course_sync::thread::{self, ThreadId};
use course_sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A lock that the thread holding it may take again; see the crate documentation.
pub struct ReentrantMutex {
    state: Mutex<State>,
    /// Threads that want the lock while another thread holds it sleep here.
    released: Condvar,
}

/// Who holds the lock and how many times; only ever looked at with `state` locked.
struct State {
    /// `None` exactly when `count` is 0.
    owner: Option<ThreadId>,
    /// How many more `unlock`s than `lock`s the owner still owes.
    count: usize,
}

impl ReentrantMutex {
    /// Task: a lock that no thread holds.
    pub fn new() -> ReentrantMutex {
        ReentrantMutex {
            state: Mutex::new(State {
                owner: None,
                count: 0,
            }),
            released: Condvar::new(),
        }
    }

    /// Task: take the lock. If the calling thread holds it already, count one more level and
    /// return at once; otherwise wait, without using the CPU, until no thread holds it.
    pub fn lock(&self) {
        let me = thread::current().id();
        let mut state = self.lock_state();
        if state.owner == Some(me) {
            // Reentry: the owner goes one level deeper. Waiting here would be the plain
            // lock's self-deadlock.
            state.count += 1;
            return;
        }
        // Another thread holds it: sleep until it is released. `while`, not `if`: between the
        // owner's notify and our wake-up, a third thread may have taken the lock.
        while state.owner.is_some() {
            state = self
                .released
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        // Checked and taken under one hold of the mutex, so no other thread can take it in
        // between.
        state.owner = Some(me);
        state.count = 1;
    }

    /// Task: take the lock if that needs no waiting: `true` if the calling thread now holds it
    /// (taken, or one more level), `false` if another thread holds it.
    pub fn try_lock(&self) -> bool {
        let me = thread::current().id();
        let mut state = self.lock_state();
        match state.owner {
            Some(owner) if owner != me => false,
            _ => {
                state.owner = Some(me);
                state.count += 1;
                true
            }
        }
    }

    /// Task: give back one level of the lock. When the count reaches zero the lock is free and
    /// one waiting thread wakes up. A thread that does not hold the lock gets `Err(NotOwner)`,
    /// and the lock is left exactly as it was.
    pub fn unlock(&self) -> Result<(), NotOwner> {
        let me = thread::current().id();
        let mut state = self.lock_state();
        if state.owner != Some(me) {
            return Err(NotOwner);
        }
        state.count -= 1;
        if state.count == 0 {
            state.owner = None;
            drop(state);
            // Every waiter waits for the same thing (a free lock) and only one can take it:
            // waking one is enough, and it re-checks in its `while` loop.
            self.released.notify_one();
        }
        Ok(())
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

    /// Locks the state, ignoring poisoning: no code of ours panics while it holds the lock,
    /// so the state is always consistent.
    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
