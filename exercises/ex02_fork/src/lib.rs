//! # ex02_fork: fork, wait and copied memory (lecture 1.2)
//!
//! `fork()` makes a copy of the calling process: the child starts with a copy of the parent's
//! memory and open descriptors and goes on from the same point in the code. `fork` returns
//! twice: in the parent with the child's PID, in the child with 0. Because the memory is
//! *copied*, not shared, a child must send its result back through something both processes
//! reach — here a pipe created before forking — and the parent must wait for (reap) every
//! child, or it lingers as a zombie.
//!
//! You write [`fork_sum`]: split the work `0..n` between `workers` children, let each child
//! compute its share and send it back through a pipe, collect the shares, and wait for every
//! child. [`work`], [`share`], [`Outcome`] and `main.rs` are provided. Try it with
//! `cargo run -p ex02_fork -- 4 1000000` (in `exercises/`).
//!
//! How it is checked: the checker runs your program and watches it from outside: it must fork
//! exactly the number of children asked for, all running at the same time, every child must be
//! reaped by your program (none left as a zombie or adopted by someone else), the child's update
//! of `counter` must not show in the parent, and the total must be right. Public tests: `checker check ex02`
//! (or `cargo test -p ex02_fork` in `exercises/`).

use std::ops::Range;

/// A deliberately CPU-costly pure function: the number of steps the Collatz sequence of
/// `k + 1` takes to reach 1 (about a microsecond or less on average).
///
/// Provided: you do not need to change this.
pub fn work(k: u64) -> u64 {
    let mut x = k + 1;
    let mut steps = 0;
    while x != 1 {
        x = match x % 2 {
            0 => x / 2,
            _ => 3 * x + 1,
        };
        steps += 1;
    }
    steps
}

/// The part of `0..n` that worker number `worker` (counted from 0) computes: `workers`
/// contiguous ranges, in order, that together cover `0..n` exactly (some may be empty when
/// there are more workers than numbers).
///
/// Provided: you do not need to change this.
pub fn share(worker: usize, workers: usize, n: u64) -> Range<u64> {
    assert!(
        worker < workers,
        "worker {worker} of {workers} does not exist"
    );
    // Computed in u128 so that n * workers cannot overflow.
    let bound = |i: usize| (u128::from(n) * i as u128 / workers as u128) as u64;
    bound(worker)..bound(worker + 1)
}

/// What [`fork_sum`] returns.
///
/// Provided: you do not need to change this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The sum of `work(k)` for every `k` in `0..n`, added up from the children's shares.
    pub total: u64,
    /// The parent's `counter` after all the children are done (each child added its share to
    /// its own copy).
    pub parent_counter: u64,
}

/// Task: fork `workers` children; child `i` adds the sum of `work(k)` for `k` in
/// `share(i, workers, n)` to its `counter`, writes it to a pipe as 8 little-endian bytes and
/// leaves with `libc::_exit(0)`; the parent reads one `u64` per child, waits for every child
/// and returns the total and its own `counter`. Fork every child before waiting for any, so
/// that they compute at the same time.
pub fn fork_sum(_workers: usize, _n: u64) -> Outcome {
    // Start with `let mut counter: u64 = 0;` here, before forking: each child adds its share
    // to its own copy of it, and the parent returns its own in the Outcome.
    todo!("fork the workers, collect their shares through a pipe, reap every child")
}
