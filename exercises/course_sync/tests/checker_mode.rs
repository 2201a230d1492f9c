//! The facade's checker mode: recording finds deadlocks and lock-order cycles, exploration finds
//! a lost wake-up and its replay token reproduces it. Run with `--features checker`.
#![cfg(feature = "checker")]

use course_sync::check::{self, record, Explore, FailureKind, Mode, Strategy};
use course_sync::{thread, Arc, Condvar, Mutex};
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// The mode and the recording are process-wide: one test at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn account(name: &str) -> Arc<Mutex<i64>> {
    record::label_new_locks(name, || Arc::new(Mutex::new(100)))
}

#[test]
fn a_deadlock_is_reported_as_a_wait_for_cycle() {
    let _serial = serial();
    check::set_mode(Mode::Record);
    record::reset();
    let (a, b) = (account("account A"), account("account B"));
    let barrier = Arc::new(Barrier::new(2));
    for (name, first, second) in [("t1", a.clone(), b.clone()), ("t2", b.clone(), a.clone())] {
        let barrier = barrier.clone();
        // These two threads deadlock for good; the test process ends with them blocked.
        thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _one = first.lock().unwrap();
                barrier.wait();
                let _two = second.lock().unwrap();
            })
            .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let cycle = loop {
        if let Some(cycle) = record::wait_for_cycle() {
            break cycle;
        }
        assert!(
            Instant::now() < deadline,
            "no wait-for cycle; blocked: {:?}",
            record::blocked()
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    check::set_mode(Mode::Plain);
    let text = cycle.to_string();
    let mut threads = cycle.threads.clone();
    threads.sort();
    assert_eq!(threads, ["t1", "t2"], "{text}");
    for needle in [
        "thread `t1` holds account",
        "thread `t2` holds account",
        "account A",
        "account B",
        "checker_mode.rs:",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from: {text}");
    }
    assert_eq!(record::blocked().len(), 2, "{:?}", record::blocked());
}

#[test]
fn opposite_lock_orders_are_a_potential_deadlock_without_a_hang() {
    let _serial = serial();
    check::set_mode(Mode::Record);
    record::reset();
    let (a, b) = (account("account A"), account("account B"));
    let forward = {
        let (a, b) = (a.clone(), b.clone());
        thread::Builder::new()
            .name("forward".into())
            .spawn(move || {
                let _x = a.lock().unwrap();
                let _y = b.lock().unwrap();
            })
    };
    forward.unwrap().join().unwrap();
    assert!(
        record::lock_order_cycle().is_none(),
        "one order alone is no cycle"
    );
    let backward = thread::Builder::new()
        .name("backward".into())
        .spawn(move || {
            let _y = b.lock().unwrap();
            let _x = a.lock().unwrap();
        });
    backward.unwrap().join().unwrap();
    check::set_mode(Mode::Plain);
    let cycle = record::lock_order_cycle().expect("A then B, and B then A");
    let text = cycle.to_string();
    assert!(text.contains("thread `forward` took account A"), "{text}");
    assert!(text.contains("thread `backward` took account B"), "{text}");
    assert!(record::wait_for_cycle().is_none(), "nobody is blocked now");
    assert!(record::stats().acquisitions >= 4);
}

#[test]
fn a_global_lock_order_draws_no_cycle() {
    let _serial = serial();
    check::set_mode(Mode::Record);
    record::reset();
    let accounts: Vec<Arc<Mutex<i64>>> = (0..3).map(|i| account(&format!("account {i}"))).collect();
    let handles: Vec<_> = (0..3)
        .map(|t| {
            let accounts = accounts.clone();
            thread::spawn(move || {
                for k in 0..50 {
                    let (i, j) = ((t + k) % 3, (t + k + 1) % 3);
                    let (low, high) = (i.min(j), i.max(j));
                    let mut x = accounts[low].lock().unwrap();
                    let mut y = accounts[high].lock().unwrap();
                    *x -= 1;
                    *y += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    check::set_mode(Mode::Plain);
    assert!(
        record::lock_order_cycle().is_none(),
        "{:?}",
        record::lock_order_cycle().map(|c| c.to_string())
    );
    let total: i64 = accounts.iter().map(|a| *a.lock().unwrap()).sum();
    assert_eq!(total, 300);
}

/// A waiter that checks its flag, lets go of the lock, and only then waits: a notification that
/// comes in between is lost, and the waiter sleeps for ever.
fn lost_wake_up() {
    let state = Arc::new((
        Mutex::new(false),
        Condvar::new(),
        std::sync::atomic::AtomicBool::new(false),
    ));
    let notifier = {
        let state = state.clone();
        thread::spawn(move || {
            state.2.store(true, std::sync::atomic::Ordering::SeqCst);
            let _guard = state.0.lock().unwrap();
            state.1.notify_all();
        })
    };
    let guard = state.0.lock().unwrap();
    if !state.2.load(std::sync::atomic::Ordering::SeqCst) {
        drop(guard);
        thread::yield_now();
        let guard = state.0.lock().unwrap();
        let _guard = state.1.wait(guard).unwrap();
    }
    notifier.join().unwrap();
}

fn correct_wake_up() {
    let state = Arc::new((Mutex::new(false), Condvar::new()));
    let notifier = {
        let state = state.clone();
        thread::spawn(move || {
            *state.0.lock().unwrap() = true;
            state.1.notify_all();
        })
    };
    let guard = state.0.lock().unwrap();
    let _guard = state.1.wait_while(guard, |ready| !*ready).unwrap();
    notifier.join().unwrap();
}

#[test]
fn exploration_finds_a_lost_wake_up_and_its_token_replays_it() {
    let _serial = serial();
    let plan = Explore {
        strategy: Strategy::Random,
        schedules: 500,
        seed: 1,
        time_budget: Duration::from_secs(20),
    };
    let explored = check::explore(plan, lost_wake_up);
    let failure = explored.failure.expect("some schedule loses the wake-up");
    assert_eq!(failure.kind, FailureKind::Deadlock, "{}", failure.message);
    assert!(
        failure.replay.starts_with("random:1:"),
        "{}",
        failure.replay
    );
    assert!(explored.facade_ops > 0);
    let again =
        check::replay(&failure.replay, lost_wake_up).expect_err("the same schedule fails again");
    assert_eq!(again.kind, FailureKind::Deadlock);
    assert_eq!(again.replay, failure.replay);
}

#[test]
fn exploration_passes_correct_code_under_both_schedulers() {
    let _serial = serial();
    for strategy in [Strategy::Random, Strategy::Pct { depth: 3 }] {
        let plan = Explore {
            strategy,
            schedules: 200,
            seed: 7,
            time_budget: Duration::from_secs(20),
        };
        let explored = check::explore(plan, correct_wake_up);
        assert!(explored.failure.is_none(), "{:?}", explored.failure);
        assert_eq!(explored.schedules_run, 200);
    }
}

#[test]
fn a_panic_in_a_schedule_is_a_failure() {
    let _serial = serial();
    let plan = Explore {
        strategy: Strategy::Random,
        schedules: 50,
        seed: 3,
        time_budget: Duration::from_secs(20),
    };
    let explored = check::explore(plan, || {
        let counter = Arc::new(Mutex::new(0));
        let c = counter.clone();
        let t = thread::spawn(move || *c.lock().unwrap() += 1);
        let seen = *counter.lock().unwrap();
        t.join().unwrap();
        assert_eq!(
            seen, 1,
            "the main thread read the counter before the other thread added to it"
        );
    });
    let failure = explored.failure.expect("some schedule reads 0");
    assert_eq!(failure.kind, FailureKind::Panic);
    assert!(
        failure.message.contains("before the other thread"),
        "{}",
        failure.message
    );
}

#[test]
fn a_try_lock_draws_no_lock_order_edge_but_what_follows_it_does() {
    let _serial = serial();
    check::set_mode(Mode::Record);
    record::reset();
    let (a, b) = (account("account A"), account("account B"));
    {
        let _x = a.lock().unwrap();
        let _y = b.try_lock().unwrap();
    }
    {
        // The opposite order with a blocking lock: with the try_lock above, no cycle.
        let _y = b.lock().unwrap();
        let _x = a.lock().unwrap();
    }
    assert!(
        record::lock_order_cycle().is_none(),
        "{:?}",
        record::lock_order_cycle().map(|c| c.to_string())
    );
    {
        // A blocking lock taken while holding a try-locked one does depend on it.
        let _x = a.try_lock().unwrap();
        let _y = b.lock().unwrap();
    }
    check::set_mode(Mode::Plain);
    assert!(record::lock_order_cycle().is_some());
}

#[test]
fn scoped_threads_work_outside_exploration() {
    let _serial = serial();
    let counter = Mutex::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| *counter.lock().unwrap() += 1);
        }
    });
    assert_eq!(*counter.lock().unwrap(), 4);
}
