//! # ex13_generators: iterators, generators, coroutines (lecture 3.2, 3.3)
//!
//! A Python generator is a function that stops at every `yield` and goes on from there when the
//! next value is asked for:
//!
//! ```python
//! def numbers_from(lines):
//!     for line in lines:            # reads one line only when a number is asked for
//!         try:
//!             yield float(line)
//!         except ValueError:
//!             pass                  # not a number: skip it
//!
//! def running_average(numbers):
//!     total, count = 0.0, 0
//!     for x in numbers:
//!         total += x; count += 1
//!         yield total / count
//! ```
//!
//! `running_average(numbers_from(open("data.txt")))` is a *pipeline*: nothing is read until the
//! first average is asked for, then exactly one line, and so on. It works on a file larger than
//! memory, and even on an endless stream (a socket, `tail -f`), because no stage ever holds more
//! than it needs.
//!
//! Rust has no `yield` on stable, but an [`Iterator`] is the same thing written out by hand: the
//! generator's local variables (`total`, `count`) become the fields of a struct, and each
//! `yield value` becomes `return Some(value)` from [`Iterator::next`]. The caller drives it, one
//! `next()` at a time, exactly as Python's `next(gen)` resumes a generator.
//!
//! The last part is a coroutine of the async kind: a [`Future`] written by hand. An `async fn` is
//! compiled into such a state machine; writing one yourself shows the contract behind every
//! `.await`: `poll` either returns `Poll::Ready(value)`, or returns `Poll::Pending` *after
//! arranging for the task to be woken* (by storing `cx.waker()` where the event's source will
//! find it). A future that returns `Pending` without that is never polled again and hangs; a
//! future that wakes itself at once on every `Pending` is polled in a busy loop and burns a CPU.
//!
//! What this file provides:
//! - [`numbers_from`]: the producer, one number per line, read lazily;
//! - [`running_average`] and [`moving_average`]: two stages of the pipeline (the second keeps a
//!   window of the last `n` values only);
//! - [`Delay`]: a future that completes after a duration, woken by a timer thread.

use std::collections::VecDeque;
use std::future::Future;
use std::io::BufRead;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------------------------

/// The producer: the numbers of a text, one per line, read one line at a time.
pub struct Numbers<R> {
    reader: R,
    /// The line being read, kept between calls so that its allocation is reused.
    line: String,
}

/// Starts reading numbers from `reader`. Nothing is read until the first `next()`.
pub fn numbers_from<R: BufRead>(reader: R) -> Numbers<R> {
    Numbers {
        reader,
        line: String::new(),
    }
}

impl<R: BufRead> Iterator for Numbers<R> {
    type Item = f64;

    /// Reads lines until one holds a number (surrounding whitespace ignored) and yields it;
    /// lines that are not numbers are skipped. Ends at the end of the input, or on a read error.
    fn next(&mut self) -> Option<f64> {
        loop {
            self.line.clear();
            // One line per iteration of this loop: the generator's `for line in lines`.
            match self.reader.read_line(&mut self.line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {
                    if let Ok(x) = self.line.trim().parse::<f64>() {
                        return Some(x); // `yield float(line)`
                    }
                }
            }
        }
    }
}

/// A stage: the average of every value so far.
pub struct RunningAverage<I> {
    numbers: I,
    // The generator's locals: they live between two `next()` calls.
    total: f64,
    count: u64,
}

/// Yields, for each value of `numbers`, the average of all values up to and including it:
/// `[2, 4, 9]` gives `[2, 3, 5]`.
pub fn running_average<I: Iterator<Item = f64>>(numbers: I) -> RunningAverage<I> {
    RunningAverage {
        numbers,
        total: 0.0,
        count: 0,
    }
}

impl<I: Iterator<Item = f64>> Iterator for RunningAverage<I> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        // `?` ends this stage when the stage before it ends: a pipeline drains from the front.
        let x = self.numbers.next()?;
        self.total += x;
        self.count += 1;
        Some(self.total / self.count as f64)
    }
}

/// A stage: the average of the last `n` values (a sliding window).
pub struct MovingAverage<I> {
    numbers: I,
    window: VecDeque<f64>,
    size: usize,
}

/// Yields, for each value of `numbers`, the average of the last `n` values up to and
/// including it (fewer at the start): with `n = 2`, `[2, 4, 9]` gives `[2, 3, 6.5]`.
/// Panics if `n` is 0.
pub fn moving_average<I: Iterator<Item = f64>>(numbers: I, n: usize) -> MovingAverage<I> {
    assert!(n > 0, "a window holds at least one value");
    MovingAverage {
        numbers,
        window: VecDeque::with_capacity(n),
        size: n,
    }
}

impl<I: Iterator<Item = f64>> Iterator for MovingAverage<I> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        let x = self.numbers.next()?;
        // The window never holds more than `size` values, however long the input: memory stays
        // flat on an endless stream.
        if self.window.len() == self.size {
            self.window.pop_front();
        }
        self.window.push_back(x);
        Some(self.window.iter().sum::<f64>() / self.window.len() as f64)
    }
}

// ---------------------------------------------------------------------------------------------
// A future written by hand
// ---------------------------------------------------------------------------------------------

/// What the timer thread and the future share.
#[derive(Default)]
struct Shared {
    /// Set by the timer thread when the time is up.
    done: bool,
    /// The waker of the task that last polled the future and got `Pending`.
    waker: Option<Waker>,
}

/// A future that completes once `duration` has passed since [`Delay::new`]; a thread sleeps
/// for the duration, then wakes the task that awaits the future.
pub struct Delay {
    shared: Arc<Mutex<Shared>>,
}

impl Delay {
    /// Starts the timer: a thread that sleeps for `duration`, then marks the delay done and
    /// wakes the task waiting for it, if any.
    pub fn new(duration: Duration) -> Delay {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let timer = shared.clone();
        thread::spawn(move || {
            thread::sleep(duration);
            let waker = {
                let mut state = timer.lock().unwrap();
                state.done = true;
                state.waker.take()
            };
            // Wake outside the lock: waking may run the task's poll on another thread at once,
            // and that poll takes the same lock.
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        Delay { shared }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.shared.lock().unwrap();
        if state.done {
            return Poll::Ready(());
        }
        // Not yet: leave our waker where the timer thread will find it, under the same lock as
        // `done`, so that the timer cannot finish between our check and our storing the waker
        // (a lost wake-up). The task may have moved to another executor thread since the last
        // poll: keep the newest waker.
        // MUTANT: "poll me again": the task is woken at once, every time.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
