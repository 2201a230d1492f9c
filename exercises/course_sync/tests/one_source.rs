//! The student's build (no `checker` feature) is the facade itself, not `std::sync`: the
//! recording mode works in it too, so what the hidden checks build is what the student built.
//! Both tests set the process-wide mode: one at a time.

use course_sync::check::{self, record, Mode};
use course_sync::{thread, Arc, Condvar, Mutex, RwLock};

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn the_plain_build_records_when_asked() {
    let _serial = serial();
    check::set_mode(Mode::Record);
    record::reset();
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let table = record::label_new_locks("table", || RwLock::new(0));
    let waker = {
        let pair = pair.clone();
        thread::spawn(move || {
            *pair.0.lock().unwrap() = true;
            pair.1.notify_all();
        })
    };
    let (lock, ready) = &*pair;
    let guard = ready
        .wait_while(lock.lock().unwrap(), |done| !*done)
        .unwrap();
    assert!(*guard);
    drop(guard);
    *table.write().unwrap() += 1;
    assert_eq!(*table.read().unwrap(), 1);
    waker.join().unwrap();
    let stats = record::stats();
    assert_eq!(stats.locks_created, 2, "{stats:?}");
    assert!(stats.acquisitions >= 4, "{stats:?}");
    assert!(record::lock_order_cycle().is_none());
    check::set_mode(Mode::Plain);
}

/// A lock that outlives a reset (a `static` one in a `LazyLock` lives for the whole process) is
/// recorded again under its own name when it is taken after it; it was an index out of bounds.
#[test]
fn a_lock_made_before_a_reset_is_recorded_after_it() {
    let _serial = serial();
    check::set_mode(Mode::Record);
    record::reset();
    let ledger = record::label_new_locks("ledger", || Mutex::new(0));
    let gone = Mutex::new(0);
    drop(gone.lock().unwrap());
    drop(gone);
    record::reset();
    let account = record::label_new_locks("account", || Mutex::new(0));
    {
        let _ledger = ledger.lock().unwrap();
        let _account = account.lock().unwrap();
    }
    thread::scope(|s| {
        s.spawn(|| {
            let _account = account.lock().unwrap();
            let _ledger = ledger.lock().unwrap();
        });
    });
    check::set_mode(Mode::Plain);
    let cycle = record::lock_order_cycle().expect("ledger then account, and account then ledger");
    let mut locks = cycle.locks.clone();
    locks.sort();
    assert_eq!(locks, ["account", "ledger"], "{cycle}");
    let stats = record::stats();
    assert_eq!(stats.locks_created, 1, "made since the reset: {stats:?}");
    assert_eq!(stats.acquisitions, 4, "{stats:?}");
}
