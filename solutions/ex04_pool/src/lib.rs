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
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

/// What travels through the queue: any job, its result type erased. The closure that
/// `submit` builds stores the typed result in the job's own [`Shared`] slot.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads that run submitted jobs.
pub struct ThreadPool {
    /// The sending end of the job queue; `None` once `drop` has closed it.
    queue: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Task: start exactly `max_workers` worker threads (panic if it is 0) that take jobs from
    /// one shared queue until it is closed. No threads are created later.
    pub fn new(max_workers: usize) -> ThreadPool {
        assert!(max_workers > 0, "a thread pool needs at least one worker");
        let (queue, jobs) = mpsc::channel::<Job>();
        // An mpsc Receiver has a single owner, so the workers share it behind a Mutex: the one
        // holding the lock waits in recv() for the next job, the others wait for the lock.
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..max_workers)
            .map(|i| {
                let jobs = Arc::clone(&jobs);
                thread::Builder::new()
                    .name(format!("pool-worker-{i}"))
                    .spawn(move || run_worker(&jobs))
                    .expect("starting a worker thread")
            })
            .collect();
        ThreadPool {
            queue: Some(queue),
            workers,
        }
    }

    /// Task: queue `job` for a worker and return at once a handle to its result.
    pub fn submit<T, F>(&self, job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                result: None,
                notify: None,
            }),
            done: Condvar::new(),
        });
        let slot = Arc::clone(&shared);
        let run: Job = Box::new(move || {
            // A panic must not unwind out of the worker's loop: the thread would end and the
            // pool would quietly shrink by one worker. AssertUnwindSafe is fine here: the
            // job's captured state is consumed by the call, so nothing it may have left
            // half-updated is looked at again; the caller only learns that it panicked.
            let result = panic::catch_unwind(AssertUnwindSafe(job)).map_err(|_| JobPanicked);
            slot.complete(result);
        });
        // The workers keep the receiving end until the queue is closed in drop(), so sending
        // cannot fail while the pool is alive.
        self.queue
            .as_ref()
            .expect("the queue is open while the pool is alive")
            .send(run)
            .expect("the workers are alive while the pool is");
        JobHandle { shared }
    }
}

/// The loop of every worker thread: take the next job, run it, until the queue is closed.
fn run_worker(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // The guard is a temporary of this `let` statement, so the lock is released before
        // the job runs and the other workers can take jobs meanwhile. (Writing
        // `match lock(jobs).recv() { ... }` would keep it locked for the whole match, and the
        // pool would run one job at a time.)
        let next = lock(jobs).recv();
        match next {
            Ok(job) => job(),
            // The queue is closed and empty: the pool is being dropped.
            Err(_) => break,
        }
    }
}

impl Drop for ThreadPool {
    /// Task: let every queued job finish, then join every worker thread.
    fn drop(&mut self) {
        // Closing the sending end does not discard queued jobs: recv() still returns each of
        // them, and only then fails, which ends every worker's loop.
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            // A worker never panics (jobs' panics are caught), so join cannot fail; and a
            // destructor has no way to report an error anyway.
            let _ = worker.join();
        }
    }
}

/// What the worker and the [`JobHandle`] of one job share.
struct Shared<T> {
    state: Mutex<State<T>>,
    /// Signalled when the result is stored.
    done: Condvar,
}

struct State<T> {
    /// `None` until the job has run.
    result: Option<Result<T, JobPanicked>>,
    /// Set by [`as_completed`]: the index to send, and where, when the job completes.
    notify: Option<(usize, Sender<usize>)>,
}

impl<T> Shared<T> {
    /// Called by the worker once the job has run.
    fn complete(&self, result: Result<T, JobPanicked>) {
        let mut state = lock(&self.state);
        state.result = Some(result);
        // Under the same lock as as_completed's look at `result`, so a waiter is told exactly
        // once: either it saw the result already there, or it left `notify` for us.
        if let Some((index, waiter)) = state.notify.take() {
            // The waiter may have given up (its iterator dropped): nothing to do then.
            let _ = waiter.send(index);
        }
        drop(state);
        self.done.notify_all();
    }
}

/// Locks `mutex`, ignoring poisoning. A lock is poisoned when a thread panics while holding it;
/// no job runs while these locks are held, so the data behind them is always consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The future result of one submitted job.
pub struct JobHandle<T> {
    shared: Arc<Shared<T>>,
}

impl<T> JobHandle<T> {
    /// Task: block until the job has run; its value, or `Err(JobPanicked)` if it panicked.
    pub fn result(self) -> Result<T, JobPanicked> {
        // wait_while sleeps on the condition variable (no CPU used) and re-checks the
        // condition after every wake-up, which also covers spurious wake-ups.
        let state = lock(&self.shared.state);
        let mut state = self
            .shared
            .done
            .wait_while(state, |s| s.result.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        state
            .result
            .take()
            .expect("wait_while returns once the result is there")
    }

    /// Task: whether the job has finished (without blocking).
    pub fn is_done(&self) -> bool {
        lock(&self.shared.state).result.is_some()
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
pub fn as_completed<T: Send + 'static>(
    handles: Vec<JobHandle<T>>,
) -> impl Iterator<Item = Result<T, JobPanicked>> {
    // Every job reports its index on one channel when it completes; the iterator blocks in
    // recv() until the next index arrives, so results come in completion order without
    // polling the handles one by one.
    let (finished, indices) = mpsc::channel();
    for (index, handle) in handles.iter().enumerate() {
        // Look and register under the job's lock: the job cannot complete in between, so
        // no completion is missed (a lost wake-up).
        let mut state = lock(&handle.shared.state);
        if state.result.is_some() {
            // Already done: it is ready now.
            let _ = finished.send(index);
        } else {
            state.notify = Some((index, finished.clone()));
        }
    }
    // Only the copies left with unfinished jobs remain; each is dropped once it has been
    // used, so recv() fails (ending the iteration) after the last job has reported.
    drop(finished);

    let mut pending: Vec<Option<JobHandle<T>>> = handles.into_iter().map(Some).collect();
    std::iter::from_fn(move || {
        let index = indices.recv().ok()?;
        // The result is stored before the index is sent, so this never blocks.
        pending[index].take().map(JobHandle::result)
    })
}
