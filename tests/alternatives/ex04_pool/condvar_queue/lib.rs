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
//! `cargo test -p ex04_pool`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

// ALTERNATIVE: the queue is a VecDeque behind a Mutex with a Condvar (not an mpsc channel),
// each handle receives its result on a one-shot channel, and as_completed waits for each
// handle on a helper thread of its own.

type Job = Box<dyn FnOnce() + Send + 'static>;

struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a job is queued or the queue is closed.
    ready: Condvar,
}

/// A fixed set of worker threads that run submitted jobs.
pub struct ThreadPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ThreadPool {
    /// Task: start exactly `max_workers` worker threads (panic if it is 0) that take jobs from
    /// one shared queue until it is closed. No threads are created later.
    pub fn new(max_workers: usize) -> ThreadPool {
        assert!(max_workers > 0, "a thread pool needs at least one worker");
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                jobs: VecDeque::new(),
                closed: false,
            }),
            ready: Condvar::new(),
        });
        let workers = (0..max_workers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || work(&shared))
            })
            .collect();
        ThreadPool { shared, workers }
    }

    /// Task: queue `job` for a worker and return at once a handle to its result.
    pub fn submit<T, F>(&self, job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let run: Job = Box::new(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(job)).map_err(|_| JobPanicked);
            let _ = tx.send(result);
        });
        lock(&self.shared.queue).jobs.push_back(run);
        self.shared.ready.notify_one();
        JobHandle {
            rx,
            got: RefCell::new(None),
        }
    }
}

fn work(shared: &Shared) {
    loop {
        let job = {
            let mut queue = shared
                .ready
                .wait_while(lock(&shared.queue), |q| q.jobs.is_empty() && !q.closed)
                .unwrap_or_else(PoisonError::into_inner);
            match queue.jobs.pop_front() {
                Some(job) => job,
                // Closed and empty.
                None => return,
            }
        };
        job();
    }
}

impl Drop for ThreadPool {
    /// Task: let every queued job finish, then join every worker thread.
    fn drop(&mut self) {
        lock(&self.shared.queue).closed = true;
        self.shared.ready.notify_all();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// The future result of one submitted job.
pub struct JobHandle<T> {
    rx: Receiver<Result<T, JobPanicked>>,
    /// What is_done() took out of the channel, kept for result().
    got: RefCell<Option<Result<T, JobPanicked>>>,
}

impl<T> JobHandle<T> {
    /// Task: block until the job has run; its value, or `Err(JobPanicked)` if it panicked.
    pub fn result(self) -> Result<T, JobPanicked> {
        match self.got.into_inner() {
            Some(result) => result,
            None => self.rx.recv().unwrap_or(Err(JobPanicked)),
        }
    }

    /// Task: whether the job has finished (without blocking).
    pub fn is_done(&self) -> bool {
        let mut got = self.got.borrow_mut();
        if got.is_none() {
            match self.rx.try_recv() {
                Ok(result) => *got = Some(result),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => *got = Some(Err(JobPanicked)),
            }
        }
        got.is_some()
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
    let (tx, rx) = mpsc::channel();
    for handle in handles {
        let tx = tx.clone();
        thread::spawn(move || {
            let _ = tx.send(handle.result());
        });
    }
    drop(tx);
    rx.into_iter()
}
