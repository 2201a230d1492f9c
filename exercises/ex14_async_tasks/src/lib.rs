//! # ex14_async_tasks: asyncio with tokio — tasks, `gather`, futures, `run_in_executor` (lecture 3.4, 3.5)
//!
//! asyncio runs many coroutines on one thread: the event loop polls whichever task can make
//! progress, and a task gives the thread back at every `await` that has to wait. tokio is the
//! same machine for Rust. This exercise rebuilds three tools of the lecture on it:
//!
//! | asyncio | here |
//! |---|---|
//! | `await asyncio.gather(c1, c2, c3)` | [`gather`]: run every future as a task at once, results in submission order |
//! | `fut = loop.create_future()`; `fut.set_result(v)` elsewhere; `await fut` | [`promise`]: a [`Resolver`] that sets the value once, and a [`Promise`] that awaits it |
//! | `await loop.run_in_executor(None, blocking_fn)` | [`run_blocking`]: a blocking function on another thread, without stalling the loop |
//!
//! The one rule behind all three: code between two `.await`s runs without interruption, so it
//! must never block. `std::thread::sleep`, a blocking read or a long computation inside async code
//! stops every other task of that thread until it returns; blocking work goes to a thread of
//! tokio's blocking pool instead.
//!
//! You write [`gather`], [`promise`] with [`Resolver::resolve`] and `Promise`'s `poll`, and
//! [`run_blocking`]; the fields of [`Resolver`] and [`Promise`] are yours to choose (replace the
//! `_todo` placeholders). tokio is the only dependency: `tokio::spawn`,
//! `tokio::task::spawn_blocking` and `tokio::sync::oneshot` are all you need.
//!
//! How it is checked: the hidden checks gather 5 tasks that sleep 400 ms each and time them against
//! one sleep, counting how many run at once (about 400 ms in all, not 2 s); gather tasks that
//! finish in reverse order and look at the order of the results; await a promise that another task
//! resolves 100 ms later (and one whose resolver is dropped), counting its polls; and run a
//! heartbeat task that ticks every 5 ms on a runtime with a single worker thread while
//! `run_blocking` runs a function that blocks for 500 ms: the heartbeat's longest gap must stay
//! under 50 ms. Public tests: `checker check ex14` (or `cargo test -p ex14_async_tasks` in
//! `exercises/`).

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Task: run every future of `futures` concurrently, each as a tokio task, and return their
/// outputs in the order the futures were given (not the order they finish in). A task that
/// panics makes `gather` panic with the same payload.
pub async fn gather<F>(_futures: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    todo!("spawn every future first, then await the JoinHandles in submission order")
}

/// The error a [`Promise`] gives when its [`Resolver`] was dropped without a value.
///
/// Provided: you do not need to change this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abandoned;

/// Provided: you do not need to change this.
impl fmt::Display for Abandoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the resolver was dropped without a value")
    }
}

/// Provided: you do not need to change this.
impl std::error::Error for Abandoned {}

/// The side of a one-shot value that sets it (asyncio's `future.set_result`).
pub struct Resolver<T> {
    // Replace this with your fields: the sending side of a one-shot channel, for example.
    _todo: PhantomData<T>,
}

/// The side of a one-shot value that awaits it (asyncio's `await future`).
pub struct Promise<T> {
    // Replace this with your fields: the receiving side of a one-shot channel, for example.
    _todo: PhantomData<T>,
}

/// Task: a new one-shot value: resolve it once with the [`Resolver`] (from any task or thread),
/// await it once through the [`Promise`].
pub fn promise<T>() -> (Resolver<T>, Promise<T>) {
    todo!("make a one-shot channel; the Resolver keeps one end, the Promise the other")
}

impl<T> Resolver<T> {
    /// Task: set the value and wake the task awaiting the promise. If the Promise is gone,
    /// drop the value quietly.
    pub fn resolve(self, _value: T) {
        todo!("send the value")
    }
}

impl<T> Future for Promise<T> {
    type Output = Result<T, Abandoned>;

    /// Task: `Ready(Ok(value))` once the value is set; `Ready(Err(Abandoned))` once the
    /// Resolver is dropped without a value; otherwise `Pending`, with the task's waker stored
    /// where `resolve` (or dropping the Resolver) will call it: the waker of this poll, which
    /// may differ from the last one's (a task can move between threads), stored in the same
    /// critical section that looks at the value.
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        todo!("poll the receiving end with cx, and translate what it says")
    }
}

/// Task: run the blocking function `f` without stalling the runtime (on a thread of tokio's
/// blocking pool, as Python's `loop.run_in_executor(None, f)`) and return its value. A panic
/// in `f` is re-raised here.
pub async fn run_blocking<F, T>(_f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    todo!("hand f to the blocking pool and await its result")
}
