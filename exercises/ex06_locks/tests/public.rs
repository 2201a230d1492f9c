//! Public tests of ex06_locks: run them with `checker check ex06`,
//! or `cargo test -p ex06_locks` in `exercises/`.
//!
//! Races do not show every time: a test here that passes does not prove the code right, but
//! one that fails has found a real bug. The hidden checks run longer and watch every lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use ex06_locks::{transfer, Account, InsufficientFunds, Point};

/// Runs `body` on a thread and fails if it does not finish within 5 s (a deadlock).
fn within_5_s(what: &str, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let worker = thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(Duration::from_secs(5)) {
        Ok(()) => worker.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic)
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("still running after 5 s: {what} (a deadlock: two threads each holding a lock the other waits for?)")
        }
    }
}

#[test]
fn a_point_returns_what_was_set() {
    let p = Point::new(1, 2);
    assert_eq!(p.get(), (1, 2));
    p.set(-3, 40);
    assert_eq!(p.get(), (-3, 40));
    assert_eq!(Point::default().get(), (0, 0));
}

#[test]
fn a_point_is_never_read_half_set() {
    within_5_s("setting and getting one Point on 4 threads", || {
        // Writers keep x == y; a reader that sees x != y saw half of a set().
        let p = Arc::new(Point::new(0, 0));
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = [1i64, -1]
            .into_iter()
            .map(|sign| {
                let (p, stop) = (Arc::clone(&p), Arc::clone(&stop));
                thread::spawn(move || {
                    let mut i = 0i64;
                    while !stop.load(Ordering::Relaxed) {
                        i += 1;
                        p.set(sign * i, sign * i);
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let p = Arc::clone(&p);
                thread::spawn(move || {
                    let started = Instant::now();
                    while started.elapsed() < Duration::from_millis(300) {
                        let (x, y) = p.get();
                        assert_eq!(
                            x, y,
                            "get() returned ({x}, {y}): the x of one set() with the y of another"
                        );
                    }
                })
            })
            .collect();
        let result: Vec<_> = readers.into_iter().map(|r| r.join()).collect();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        for r in result {
            if let Err(panic) = r {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

#[test]
fn transfer_moves_money() {
    let a = Account::new(100);
    let b = Account::new(5);
    assert_eq!(transfer(&a, &b, 30), Ok(()));
    assert_eq!((a.balance(), b.balance()), (70, 35));
    assert_eq!(transfer(&b, &a, 35), Ok(()));
    assert_eq!((a.balance(), b.balance()), (105, 0));
}

#[test]
fn transfer_refuses_an_overdraft_and_changes_nothing() {
    let a = Account::new(10);
    let b = Account::new(0);
    assert_eq!(
        transfer(&a, &b, 11),
        Err(InsufficientFunds {
            requested: 11,
            available: 10
        })
    );
    assert_eq!((a.balance(), b.balance()), (10, 0));
    assert_eq!(transfer(&a, &b, 10), Ok(()));
    assert_eq!((a.balance(), b.balance()), (0, 10));
}

#[test]
fn accounts_have_distinct_ids() {
    let accounts: Vec<Account> = (0..10).map(|_| Account::new(0)).collect();
    for (i, a) in accounts.iter().enumerate() {
        for b in &accounts[i + 1..] {
            assert_ne!(a.id(), b.id());
        }
    }
}

#[test]
fn transfer_to_the_same_account_changes_nothing() {
    within_5_s("a transfer from an account to itself", || {
        let a = Account::new(50);
        assert_eq!(transfer(&a, &a, 20), Ok(()));
        assert_eq!(a.balance(), 50);
        assert_eq!(
            transfer(&a, &a, 60),
            Err(InsufficientFunds {
                requested: 60,
                available: 50
            })
        );
    });
}

#[test]
fn opposite_transfers_neither_deadlock_nor_lose_money() {
    within_5_s(
        "4 threads transferring between two accounts in both directions",
        || {
            let a = Arc::new(Account::new(1_000));
            let b = Arc::new(Account::new(1_000));
            let threads: Vec<_> = (0..4)
                .map(|i| {
                    let (a, b) = (Arc::clone(&a), Arc::clone(&b));
                    thread::spawn(move || {
                        let (from, to) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
                        for k in 0..10_000u64 {
                            // Some fail for lack of money: that is fine, as long as nothing is lost.
                            let _ = transfer(from, to, 1 + k % 7);
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            assert_eq!(
                a.balance() + b.balance(),
                2_000,
                "money was created or lost by concurrent transfers"
            );
        },
    );
}
