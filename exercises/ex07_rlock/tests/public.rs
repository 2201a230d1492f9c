//! Public tests of ex07_rlock: run them with `checker check ex07`,
//! or `cargo test -p ex07_rlock` in `exercises/`.
//!
//! Every wait here is bounded (a lock that deadlocks fails a test instead of hanging it), and
//! timings use generous margins: they must hold on a busy machine too.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use ex07_rlock::{NotOwner, ReentrantMutex};

/// How long a test waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `f` on a thread of its own and returns its result, or panics with `what` if it does not
/// finish within PATIENCE (a lock that deadlocks a thread with itself never returns).
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    thread::spawn(move || done.send(f()).unwrap());
    match result.recv_timeout(PATIENCE) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("still blocked after {PATIENCE:?}: {what}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("panicked (see the message above): {what}")
        }
    }
}

#[test]
fn the_owner_can_lock_again() {
    within(
        "one thread calling lock() three times (is the lock reentrant?)",
        || {
            let lock = ReentrantMutex::new();
            lock.lock();
            lock.lock();
            assert!(lock.try_lock(), "try_lock() by the owner must succeed");
            assert_eq!(lock.unlock(), Ok(()));
            assert_eq!(lock.unlock(), Ok(()));
            assert_eq!(lock.unlock(), Ok(()));
            assert_eq!(
                lock.unlock(),
                Err(NotOwner),
                "a fourth unlock() after three locks must be refused"
            );
        },
    );
}

#[test]
fn others_wait_until_the_count_is_zero() {
    let lock = Arc::new(ReentrantMutex::new());
    lock.lock();
    lock.lock();
    let (acquired, got_it) = mpsc::channel();
    let other = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || {
            assert!(
                !lock.try_lock(),
                "try_lock() succeeded while another thread held the lock"
            );
            lock.lock();
            acquired.send(()).unwrap();
            lock.unlock().unwrap();
        })
    };
    assert!(
        got_it.recv_timeout(Duration::from_millis(200)).is_err(),
        "another thread got the lock while it was held"
    );
    lock.unlock().unwrap();
    assert!(
        got_it.recv_timeout(Duration::from_millis(200)).is_err(),
        "another thread got the lock after 1 of 2 unlocks: the lock must stay held until the count is zero"
    );
    lock.unlock().unwrap();
    got_it
        .recv_timeout(PATIENCE)
        .expect("the other thread did not get the lock after the owner's last unlock");
    other.join().unwrap();
}

#[test]
fn unlock_by_another_thread_is_refused() {
    let lock = Arc::new(ReentrantMutex::new());
    assert_eq!(
        lock.unlock(),
        Err(NotOwner),
        "unlocking a free lock must be refused"
    );
    lock.lock();
    let intruder = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || (lock.unlock(), lock.try_lock()))
    };
    let (unlocked, took) = intruder.join().unwrap();
    assert_eq!(
        unlocked,
        Err(NotOwner),
        "unlock() from a thread that does not hold the lock must be refused"
    );
    assert!(
        !took,
        "after a refused unlock() the lock must still be held by its owner"
    );
    assert_eq!(lock.unlock(), Ok(()));
}

#[test]
fn mutual_exclusion() {
    let lock = Arc::new(ReentrantMutex::new());
    let inside = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
            thread::spawn(move || {
                for _ in 0..200 {
                    lock.lock();
                    lock.lock();
                    assert_eq!(
                        inside.fetch_add(1, Ordering::SeqCst),
                        0,
                        "two threads held the lock at once"
                    );
                    thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                    lock.unlock().unwrap();
                    lock.unlock().unwrap();
                }
            })
        })
        .collect();
    within("4 threads taking the lock 200 times each", move || {
        for t in threads {
            t.join().unwrap();
        }
    });
}

#[test]
fn hold_unlocks_afterwards() {
    let lock = Arc::new(ReentrantMutex::new());
    let value = lock.hold(|| lock.hold(|| 42));
    assert_eq!(value, 42);
    let other = Arc::clone(&lock);
    let took = within("try_lock() from another thread after hold()", move || {
        let took = other.try_lock();
        if took {
            other.unlock().unwrap();
        }
        took
    });
    assert!(took, "after hold() returned the lock must be free");
}
