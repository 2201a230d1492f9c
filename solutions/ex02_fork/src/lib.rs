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
use std::os::fd::OwnedFd;
use std::panic::{self, AssertUnwindSafe};

use nix::sys::wait::waitpid;
use nix::unistd::{fork, pipe, read, write, ForkResult, Pid};

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
pub fn fork_sum(workers: usize, n: u64) -> Outcome {
    let mut counter: u64 = 0;

    // One pipe for all the children, created before forking so that every child inherits
    // its write end. Each child writes 8 bytes in one write(2); writes of at most PIPE_BUF
    // (4096) bytes to a pipe are atomic, so the children's messages never interleave.
    let (reader, writer) = pipe().expect("creating a pipe");

    let mut children: Vec<Pid> = Vec::with_capacity(workers);
    for worker in 0..workers {
        // SAFETY: fork is unsafe because in a multithreaded process the child gets only the
        // calling thread, and locks held by the others (the allocator's, stdout's) stay
        // locked forever in the child. This program calls fork_sum from its single main
        // thread, before starting any other thread, so the child is a complete copy. The
        // child then only computes, writes to the pipe and calls _exit.
        match unsafe { fork() }.expect("fork failed") {
            ForkResult::Child => {
                // The child has a *copy* of the parent's memory: this changes the child's
                // `counter` only, the parent's stays 0.
                let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                    counter += share(worker, workers, n).map(work).sum::<u64>();
                    send(&writer, counter)
                }));
                let status = if matches!(outcome, Ok(Ok(()))) { 0 } else { 1 };
                // Never return (or unwind) into the parent's code: that would run the rest
                // of fork_sum, main and the parent's exit in the child too. _exit ends the
                // process at once, without running atexit handlers or flushing stdio buffers
                // copied from the parent (which would print the parent's output twice).
                // SAFETY: _exit has no preconditions; it does not return.
                unsafe { libc::_exit(status) }
            }
            ForkResult::Parent { child } => children.push(child),
        }
    }

    // Close the parent's write end. Once every child has exited, no write end is left open,
    // and read() returns 0 (end of file) instead of blocking forever if a child died before
    // sending its share.
    drop(writer);

    let total = (0..workers)
        .map(|_| receive(&reader).expect("a worker exited without sending its share"))
        .sum();

    // Reap every child: until its parent waits for it, a finished child stays a zombie
    // (an entry in the process table holding its exit status).
    for child in children {
        waitpid(child, None).expect("waiting for a worker");
    }

    Outcome {
        total,
        parent_counter: counter,
    }
}

/// Writes `value` to the pipe as 8 little-endian bytes, in one write.
fn send(pipe: &OwnedFd, value: u64) -> nix::Result<()> {
    let bytes = value.to_le_bytes();
    let written = write(pipe, &bytes)?;
    // A pipe write this small is all or nothing; anything else means the pipe is broken.
    if written == bytes.len() {
        Ok(())
    } else {
        Err(nix::Error::EIO)
    }
}

/// Reads one u64 sent by [`send`]; `None` at end of file (no writer left).
fn receive(pipe: &OwnedFd) -> Option<u64> {
    let mut bytes = [0u8; 8];
    let mut filled = 0;
    // read() may return fewer bytes than asked (never here in practice, since every message
    // is written whole, but a correct reader does not rely on it) and may be interrupted by
    // a signal (EINTR): both just mean "read again".
    while filled < bytes.len() {
        match read(pipe, &mut bytes[filled..]) {
            Ok(0) => return None,
            Ok(count) => filled += count,
            Err(nix::Error::EINTR) => {}
            Err(e) => panic!("reading from the pipe: {e}"),
        }
    }
    Some(u64::from_le_bytes(bytes))
}
