//! # ex06_locks: locks, atomic updates and deadlock (lecture 1.4)
//!
//! A lock makes a group of operations *atomic*: no other thread sees the data half-way through
//! them. What the lock must cover is decided by the data's invariant, not by its variables:
//!
//! - a [`Point`]'s two coordinates change together: [`Point::set`] writes both and
//!   [`Point::get`] reads both under one lock, so a reader never sees the `x` of one `set` with
//!   the `y` of another (a *torn read*);
//! - [`transfer`] moves money between two [`Account`]s: the check of the balance and both
//!   updates happen while holding both accounts' locks, so concurrent transfers never create
//!   or destroy money (no *lost update*);
//! - two transfers between the same accounts in opposite directions must not deadlock: each
//!   holding one account and waiting for the other. Every transfer takes the two locks in one
//!   global order, by [`AccountId`], whatever its direction.
//!
//! The locks come from `course_sync` (the course's facade, which behaves as `std::sync`), so
//! that the checker can watch who holds and who waits for each lock. You write every function
//! marked "Task:" and choose the fields of `Point` and `Account`; the rest is provided.
//!
//! How it is checked: threads set and get a `Point` at once and look for a torn read; threads
//! transfer at random between a few accounts and count the money; threads transfer in both
//! directions between two accounts until they finish or deadlock, and a deadlock is reported as
//! the cycle of threads and locks; and the order in which transfers take locks is recorded over
//! a whole run, so that a *potential* deadlock (two transfers that lock the same accounts in
//! opposite orders) is reported even when this run did not hang, as the Linux kernel's lockdep
//! does. Public tests: `checker check ex06` (or `cargo test -p ex06_locks` in `exercises/`).

use std::fmt;

// What you will need: course_sync::{Mutex, MutexGuard, PoisonError} and
// course_sync::atomic::{AtomicU64, Ordering}. Import them from course_sync, not from std::sync:
// the checker watches the locks through the course's facade.

/// A point in the plane whose coordinates are always read and written together.
pub struct Point {
    // Replace this with your fields: the coordinates, under the lock(s) you choose.
    _todo: (),
}

impl Point {
    /// Task: a point at (x, y).
    pub fn new(_x: i64, _y: i64) -> Point {
        todo!("store the coordinates under a lock")
    }

    /// Task: move the point to (x, y) in one atomic step: no thread sees only half of it.
    pub fn set(&self, _x: i64, _y: i64) {
        todo!("write both coordinates atomically")
    }

    /// Task: the point's (x, y), both from the same [`Point::set`].
    pub fn get(&self) -> (i64, i64) {
        todo!("read both coordinates atomically")
    }
}

impl Default for Point {
    /// The origin, (0, 0).
    fn default() -> Point {
        Point::new(0, 0)
    }
}

impl fmt::Debug for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (x, y) = self.get();
        f.debug_struct("Point")
            .field("x", &x)
            .field("y", &y)
            .finish()
    }
}

/// An account's identity: unique and fixed for the account's whole life, so it gives every
/// pair of accounts one order to lock them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(u64);

/// A bank account holding a balance in cents.
pub struct Account {
    // Replace this with your fields: an id and the balance under a lock.
    _todo: (),
}

impl Account {
    /// Task: an account holding `balance`, with an id no other account has.
    pub fn new(_balance: u64) -> Account {
        todo!("give the account a unique id and its balance under a lock")
    }

    /// Task: this account's id.
    pub fn id(&self) -> AccountId {
        todo!()
    }

    /// Task: the balance now (another thread may change it right after).
    pub fn balance(&self) -> u64 {
        todo!()
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id().0)
            .field("balance", &self.balance())
            .finish()
    }
}

/// Why a transfer was refused: the account had less than the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsufficientFunds {
    /// The amount of the transfer.
    pub requested: u64,
    /// The balance of the account it was to come from, at the time of the transfer.
    pub available: u64,
}

/// Provided: you do not need to change this.
impl fmt::Display for InsufficientFunds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "insufficient funds: {} requested, {} available",
            self.requested, self.available
        )
    }
}

/// Provided: you do not need to change this.
impl std::error::Error for InsufficientFunds {}

/// Task: move `amount` from `from` to `to` atomically, or refuse with [`InsufficientFunds`]
/// (changing nothing) if `from` holds less. Safe to call from many threads at once, in any
/// direction, without deadlock. A transfer from an account to itself changes nothing (but is
/// still refused if the account holds less than `amount`).
///
/// # Panics
///
/// If `to`'s balance would overflow a `u64`.
pub fn transfer(_from: &Account, _to: &Account, _amount: u64) -> Result<(), InsufficientFunds> {
    todo!("lock both accounts in one global order, check the balance, move the money")
}
