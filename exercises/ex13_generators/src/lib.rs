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
//! You write, in this file:
//! - [`numbers_from`]: the producer, one number per line, read lazily;
//! - [`running_average`] and [`moving_average`]: two stages of the pipeline (the second keeps a
//!   window of the last `n` values only);
//! - [`Delay`]: a future that completes after a duration, woken by a timer thread.
//!
//! Each stage is a struct (its fields are the generator's local variables) with an `Iterator`
//! impl. Only `std` is needed; tokio is there to run your future (`#[tokio::main]`,
//! `#[tokio::test]`). The structs' fields are yours to choose: replace the `_todo` placeholders.
//!
//! How it is checked: the hidden checks feed your pipeline from a reader they control, one line at
//! a time, and look at how many lines it had read when each item came out (item k must not need
//! more than line k + 1); they take 200,000 items from an endless input and count the lines it read
//! and the bytes your code holds on the heap (both must stay flat); and they await your `Delay` on
//! a tokio runtime, counting its polls: it must complete, on time, after a handful of polls (not a
//! busy loop). Public tests: `checker check ex13` (or `cargo test -p ex13_generators` in
//! `exercises/`).

use std::future::Future;
use std::io::BufRead;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------------------------

/// The producer: the numbers of a text, one per line, read one line at a time.
pub struct Numbers<R> {
    // Replace this with your fields: the reader (and a String to read lines into, if you like).
    _todo: PhantomData<R>,
}

/// Task: start reading numbers from `reader`. Nothing is read here: reading happens in
/// `next()`, one line at a time.
pub fn numbers_from<R: BufRead>(_reader: R) -> Numbers<R> {
    todo!("keep the reader in a Numbers; read nothing yet")
}

impl<R: BufRead> Iterator for Numbers<R> {
    type Item = f64;

    /// Task: read lines until one holds a number (surrounding whitespace ignored, as
    /// `line.trim().parse::<f64>()` reads it) and return it; skip lines that are not numbers.
    /// Return `None` at the end of the input (`read_line` gives `Ok(0)`) or on a read error.
    /// Read no more than that one line (or those skipped lines) per call.
    fn next(&mut self) -> Option<f64> {
        todo!("read one line, parse it, return Some(number); skip lines that are not numbers")
    }
}

/// A stage: the average of every value so far.
pub struct RunningAverage<I> {
    // Replace this with your fields: the stage before this one, and the generator's locals
    // (a total and a count).
    _todo: PhantomData<I>,
}

/// Task: yield, for each value of `numbers`, the average of all values up to and including
/// it: `[2, 4, 9]` gives `[2, 3, 5]`.
pub fn running_average<I: Iterator<Item = f64>>(_numbers: I) -> RunningAverage<I> {
    todo!("keep the stage before this one, a total and a count")
}

impl<I: Iterator<Item = f64>> Iterator for RunningAverage<I> {
    type Item = f64;

    /// Task: take ONE value from the stage before (end when it ends) and yield the average so
    /// far.
    fn next(&mut self) -> Option<f64> {
        todo!("one value in, one average out")
    }
}

/// A stage: the average of the last `n` values (a sliding window).
pub struct MovingAverage<I> {
    // Replace this with your fields: the stage before, the window, its size.
    _todo: PhantomData<I>,
}

/// Task: yield, for each value of `numbers`, the average of the last `n` values up to and
/// including it (fewer at the start): with `n = 2`, `[2, 4, 9]` gives `[2, 3, 6.5]`.
/// Panic if `n` is 0. Keep at most `n` values, however long the input.
pub fn moving_average<I: Iterator<Item = f64>>(_numbers: I, _n: usize) -> MovingAverage<I> {
    todo!("keep the stage before, an empty window and its size")
}

impl<I: Iterator<Item = f64>> Iterator for MovingAverage<I> {
    type Item = f64;

    /// Task: take ONE value, put it in the window (dropping the oldest when the window is
    /// full), yield the window's average.
    fn next(&mut self) -> Option<f64> {
        todo!("one value in, the average of the window out")
    }
}

// ---------------------------------------------------------------------------------------------
// A future written by hand
// ---------------------------------------------------------------------------------------------

/// A future that completes once `duration` has passed since [`Delay::new`]; a thread sleeps
/// for the duration, then wakes the task that awaits the future. It must be `Send` (tokio moves
/// tasks between threads): share state with the thread through `Arc<Mutex<...>>`.
pub struct Delay {
    // Replace this with your fields: the state shared with the timer thread (a done flag and
    // the waker to call).
    _todo: (),
}

impl Delay {
    /// Task: start the timer: a thread that sleeps for `duration`, then marks the delay done
    /// and wakes the task waiting for it, if any.
    pub fn new(_duration: Duration) -> Delay {
        todo!("share a done flag and an Option<Waker> with a thread that sleeps, sets done, wakes")
    }
}

impl Future for Delay {
    type Output = ();

    /// Task: `Poll::Ready(())` if the timer thread has marked the delay done; otherwise store
    /// `cx.waker()` where the timer thread will find it and return `Poll::Pending`. Never
    /// return `Pending` without a stored waker (the task would never be polled again), and
    /// never wake the task yourself here (that is a busy loop).
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        todo!("Ready when done; otherwise store the waker and return Pending")
    }
}
