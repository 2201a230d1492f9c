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

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;

/// Runs every future of `futures` concurrently, each as a tokio task, and returns their outputs
/// in the order the futures were given (not the order they finish in). A task that panics
/// makes `gather` panic with the same payload.
pub async fn gather<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Start everything first: from here on the tasks run while we wait. Awaiting each future
    // inside this loop instead would run them one after another.
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut results = Vec::with_capacity(handles.len());
    // Awaiting the handles in submission order gives the results in that order; a task that
    // finished early simply has its result waiting in its handle.
    for handle in handles {
        match handle.await {
            Ok(value) => results.push(value),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("a gathered task was cancelled: {e}"),
        }
    }
    results
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
    tx: oneshot::Sender<T>,
}

/// The side of a one-shot value that awaits it (asyncio's `await future`).
pub struct Promise<T> {
    rx: oneshot::Receiver<T>,
}

/// A new one-shot value: resolve it once with the [`Resolver`] (from any task or thread), await
/// it once through the [`Promise`].
pub fn promise<T>() -> (Resolver<T>, Promise<T>) {
    let (tx, rx) = oneshot::channel();
    (Resolver { tx }, Promise { rx })
}

impl<T> Resolver<T> {
    /// Sets the value and wakes the task awaiting the promise. Taking `self` makes a second
    /// `resolve` impossible: the value is set once.
    pub fn resolve(self, value: T) {
        // Err means the Promise was dropped: nobody is waiting, and the value is dropped too.
        let _ = self.tx.send(value);
    }
}

impl<T> Future for Promise<T> {
    type Output = Result<T, Abandoned>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The receiver is itself a future: polling it stores cx's waker inside the channel, and
        // the sender wakes it on send (or when it is dropped). `try_recv` would not store it,
        // and a Pending returned that way would never be polled again.
        match Pin::new(&mut self.rx).poll(cx) {
            Poll::Ready(Ok(value)) => Poll::Ready(Ok(value)),
            Poll::Ready(Err(_)) => Poll::Ready(Err(Abandoned)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Runs the blocking function `f` on a thread of tokio's blocking pool and returns its value,
/// leaving the runtime's own threads free to run other tasks meanwhile. A panic in `f` is
/// re-raised here.
pub async fn run_blocking<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // MUTANT: the blocking function runs right here, on the runtime's thread.
    f()
}
