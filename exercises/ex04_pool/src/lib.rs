//! # ex04_pool: threads and a thread pool (lecture 1.3, `ThreadPoolExecutor`, `as_completed`)
//!
//! Starting a thread per task is expensive and unbounded. A thread pool starts a fixed number
//! of worker threads once and feeds them tasks ("jobs") through a shared queue, like Python's
//! `concurrent.futures.ThreadPoolExecutor(max_workers=...)`:
//!
//! - [`ThreadPool::new`] starts exactly `max_workers` threads; no thread is created later;
//! - [`ThreadPool::submit`] queues a job and returns a [`JobHandle`] at once, whose
//!   [`JobHandle::result`] blocks until the job has run (Python's `future.result()`);
//! - a job that panics gives `Err(JobPanicked)` and does not kill its worker;
//! - [`as_completed`] yields results in the order the jobs *finish*, as soon as each finishes;
//! - dropping the pool (Python's `shutdown(wait=True)`) lets every queued job finish, then
//!   joins every worker.
//!
//! You write everything in this file except [`JobPanicked`]. Only `std` is needed: threads,
//! `std::sync::mpsc` channels, `Mutex`/`Condvar` and `std::panic::catch_unwind`.
//!
//! How it is checked: the hidden checks count the jobs running at once and the process's
//! threads in /proc/PID/task (which threads, not only how many: the ones `new` started must
//! run every job), time sleeping jobs (N jobs of one sleep each should take about
//! ceil(N / max_workers) sleeps), check the order of `as_completed`, that dropping the pool
//! joins its workers, and that a panicking job leaves the pool working; they measure the CPU
//! and the wake-ups of the process while `result` and `as_completed` wait, and run hundreds of
//! rounds of instant jobs whose results are consumed while they complete. Public tests:
//! `checker check ex04` (or `cargo test -p ex04_pool` in `exercises/`).

use std::fmt;
use std::marker::PhantomData;

/// A fixed set of worker threads that run submitted jobs.
pub struct ThreadPool {
    // Replace this with your fields: the sending end of the job queue and the workers'
    // JoinHandles, for example.
    _todo: (),
}

impl ThreadPool {
    /// Task: start exactly `max_workers` worker threads (panic if it is 0) that take jobs from
    /// one shared queue until it is closed. No threads are created later.
    pub fn new(_max_workers: usize) -> ThreadPool {
        todo!("start max_workers worker threads sharing one job queue")
    }

    /// Task: queue `job` for a worker and return at once a handle to its result.
    pub fn submit<T, F>(&self, _job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        todo!("queue the job; return a handle that will receive its result")
    }
}

impl Drop for ThreadPool {
    /// Task: let every queued job finish, then join every worker thread.
    fn drop(&mut self) {
        // TODO: write this. (It is empty rather than `todo!()` on purpose: a panic inside a
        // destructor that runs while another panic unwinds, as when a test fails, aborts the
        // whole test program.)
    }
}

/// The future result of one submitted job.
pub struct JobHandle<T> {
    // Replace this with your fields: how the result gets here from the worker.
    _todo: PhantomData<T>,
}

impl<T> JobHandle<T> {
    /// Task: block until the job has run; its value, or `Err(JobPanicked)` if it panicked.
    pub fn result(self) -> Result<T, JobPanicked> {
        todo!("wait for the job's result without busy-waiting")
    }

    /// Task: whether the job has finished (without blocking).
    pub fn is_done(&self) -> bool {
        todo!("tell whether the result is there")
    }
}

/// The error a [`JobHandle`] gives when its job panicked.
///
/// Provided: you do not need to change this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPanicked;

/// Provided: you do not need to change this.
impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the job panicked")
    }
}

/// Provided: you do not need to change this.
impl std::error::Error for JobPanicked {}

/// Task: yield each job's result as soon as it completes, in completion order (not
/// submission order), blocking (never busy-polling) while none is ready.
// The function returns `impl Iterator`, so its body needs some iterator type after the
// todo!(): delete that line and this allow() when you write it.
#[allow(unreachable_code)]
pub fn as_completed<T: Send + 'static>(
    _handles: Vec<JobHandle<T>>,
) -> impl Iterator<Item = Result<T, JobPanicked>> {
    todo!("yield the results in the order the jobs finish");
    std::iter::empty()
}
