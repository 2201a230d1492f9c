//! Lesson ex07_rlock: why a thread that takes a plain lock twice waits for itself, and how
//! Rust code usually avoids needing a reentrant lock at all.
//!
//! The notes use `threading.RLock` in their `Point` so that a method holding the lock may
//! call another method that takes it again. `std::sync::Mutex` is a plain lock (Python's
//! `Lock`): a second `lock()` on the same thread never returns (or panics; std does not
//! promise which). To stay bounded this example asks with `try_lock`, which answers
//! `WouldBlock` where `lock` would hang. Then it shows the usual Rust design: public methods
//! lock once, and the helpers they call take the already-locked data (`&mut Inner`) instead
//! of locking again. Finally, it shows how to know *which* thread is running, the piece of
//! information a reentrant lock keeps about its owner.
//!
//! Run it: `cargo run -p lessons --example ex07_reentrancy`

use std::sync::{Mutex, TryLockError};
use std::thread;

struct Inner {
    items: Vec<u32>,
    total: u64,
}

struct Ledger {
    inner: Mutex<Inner>,
}

impl Ledger {
    /// Public: takes the lock once, then works on the locked data.
    fn add(&self, item: u32) {
        let mut inner = self.inner.lock().expect("poisoned");
        Self::push(&mut inner, item);
    }

    /// Public: several steps under one lock; calls the helper instead of `add`, which would
    /// lock a second time.
    fn add_pair(&self, a: u32, b: u32) {
        let mut inner = self.inner.lock().expect("poisoned");
        Self::push(&mut inner, a);
        Self::push(&mut inner, b);
    }

    /// Private helper: "the caller holds the lock" is written in its type.
    fn push(inner: &mut Inner, item: u32) {
        inner.items.push(item);
        inner.total += u64::from(item);
    }
}

fn main() {
    // 1. A plain lock taken twice by the same thread.
    let m = Mutex::new(0);
    let _first = m.lock().expect("poisoned");
    match m.try_lock() {
        Ok(_) => println!("second lock taken (a reentrant lock would do this)"),
        Err(TryLockError::WouldBlock) => {
            println!("second lock on the same thread: WouldBlock; lock() would wait for ever")
        }
        Err(TryLockError::Poisoned(_)) => println!("poisoned"),
    }
    drop(_first);

    // 2. Lock once, pass the guarded data down.
    let ledger = Ledger { inner: Mutex::new(Inner { items: Vec::new(), total: 0 }) };
    thread::scope(|s| {
        s.spawn(|| ledger.add(1));
        s.spawn(|| ledger.add_pair(2, 3));
    });
    let inner = ledger.inner.lock().expect("poisoned");
    println!("items {:?}, total {}", inner.items, inner.total);
    drop(inner);

    // 3. Every thread has an id, comparable with ==: what an owner field would store.
    let main_id = thread::current().id();
    let other_id = thread::spawn(|| thread::current().id()).join().expect("the thread panicked");
    println!("main {main_id:?}, other {other_id:?}, same thread: {}", main_id == other_id);
}
