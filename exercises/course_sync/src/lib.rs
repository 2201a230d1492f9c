//! The course's synchronisation primitives.
//!
//! Exercises that teach locking import `Mutex`, `Condvar`, `RwLock` and `thread` from here
//! instead of `std`. In a normal build this crate *is* `std::sync` and `std::thread`: the
//! same types, at no cost. Under the checker (feature `checker`) the same names are types that
//! can also record who holds and waits for each lock, or run under a schedule-exploring model
//! checker (shuttle); see `check`.
//!
//! One difference shows at compile time: under the checker, `Mutex::new`, `RwLock::new` and
//! `Condvar::new` are not `const fn` (each lock chooses how to behave when it is made), so a
//! `static` of one builds only inside `std::sync::LazyLock`; a counter can use an atomic from
//! [`atomic`] instead.

#[cfg(not(feature = "checker"))]
pub use std::sync::{
    Condvar, LockResult, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard,
    TryLockError, TryLockResult, WaitTimeoutResult,
};

/// Threads, as in `std::thread`.
#[cfg(not(feature = "checker"))]
pub mod thread {
    // The same names as the checker's build (`checked.rs`): code that builds for the student
    // builds under the checker, and the other way round (but for the `const` new() of the
    // locks, see the crate's documentation).
    pub use std::thread::{
        current, scope, sleep, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId,
    };
}

#[cfg(feature = "checker")]
mod checked;
#[cfg(feature = "checker")]
pub use checked::*;

pub use std::sync::{atomic, Arc};
