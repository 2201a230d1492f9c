//! Placeholder while the recording and exploring builds are written.
pub use std::sync::{
    Condvar, LockResult, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError,
    TryLockResult, WaitTimeoutResult,
};
pub mod thread {
    pub use std::thread::{current, sleep, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId};
}
