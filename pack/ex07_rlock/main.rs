//! Hidden checks of ex07_rlock: the student's `ReentrantMutex` is driven from this program and
//! watched from inside the same process.
//!
//! The owner of the lock is an [`Actor`], a thread of the check that runs one step at a time
//! (lock, unlock) when told, so the check decides exactly when the count goes up and down.
//! Other threads that want the lock are `pack_support::watch::call`s: the check knows whether
//! they got it, and reads their state, CPU time and wake-ups in `/proc/self/task/TID` while
//! they wait. The first check runs in the facade's recording mode, so that a thread stuck on
//! itself can be shown with what the facade saw it wait for. The last check explores hundreds of
//! thread schedules on shuttle through the `course_sync` facade (`check::explore`); a failing
//! schedule is reported with the token that replays it (`CHECKER_SYNC_REPLAY`).

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use course_sync::check::{self, record, Explore, FailureKind, Mode, ScheduleFailure, Strategy};
use ex07_rlock::{NotOwner, ReentrantMutex};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Call, Next};
use pack_support::{fail, Context, Failure, Verdict};

#[path = "../shared/explore.rs"]
mod explore;

use explore::Doing;

fn main() {
    pack_support::main(pack_support::checks![
        owner_can_lock_again,
        others_wait_until_count_is_zero,
        waiter_gets_the_lock_at_once,
        unlock_by_non_owner_refused,
        blocked_lock_uses_no_cpu,
        mutual_exclusion_in_explored_schedules
    ])
}

/// How long a check waits for student code that should finish at once.
const WATCHDOG: Duration = Duration::from_secs(3);

/// How long a check watches a thread that must stay blocked.
const STAYS_BLOCKED: Duration = Duration::from_millis(250);

// ---------------------------------------------------------------------------------------------
// Reentrancy

fn owner_can_lock_again(_ctx: &Context) -> Verdict {
    // Recording mode: if the owner blocks on itself, the facade tells what it waits for.
    check::set_mode(Mode::Record);
    record::reset();
    let lock = Arc::new(ReentrantMutex::new());
    let owner = Actor::start("owner");
    let expected = "lock() by the thread that holds the lock returns at once, one level deeper; each unlock() gives back one level";
    for level in 1..=3 {
        let outcome = if level == 3 {
            let lock = lock.clone();
            owner.run(WATCHDOG, move || lock.try_lock())
        } else {
            let lock = lock.clone();
            owner.run(WATCHDOG, move || {
                lock.lock();
                true
            })
        };
        let call = if level == 3 { "try_lock()" } else { "lock()" };
        match outcome {
            Next::Item(true) => {}
            Next::Item(false) => return Err(fail(
                format!("thread `owner` held the lock ({} levels) and its try_lock() returned false", level - 1),
                expected,
                "the owner may always take its own lock again: try_lock() fails only when *another* thread holds it",
            )),
            Next::Panicked(message) => return Err(panicked(&format!("the owner's {} {call}", nth(level)), &message)),
            Next::TimedOut | Next::Ended if level == 1 => {
                return Err(stuck_or_panicked(Next::<()>::TimedOut, "lock() of a free lock"))
            }
            Next::TimedOut | Next::Ended => {
                let waits = record::blocked();
                let saw =
                    if waits.is_empty() { String::new() } else { format!("; the facade saw: {}", waits.join("; ")) };
                return Err(fail(
                    format!(
                        "thread `owner` took the lock, then called {call} again: it was still blocked {} s later, waiting for itself — no other thread touched the lock{saw}",
                        WATCHDOG.as_secs()
                    ),
                    expected,
                    "the lock is not reentrant: lock() waits until no thread holds it, but the thread holding it is the one waiting, so it waits for itself for ever (a self-deadlock: Lock instead of RLock). First compare the owner with course_sync::thread::current().id(): the owner only counts one level more",
                ));
            }
        }
    }
    check::set_mode(Mode::Plain);
    for level in 1..=3 {
        let lock2 = lock.clone();
        match owner.run(WATCHDOG, move || lock2.unlock()) {
            Next::Item(Ok(())) => {}
            Next::Item(Err(NotOwner)) => {
                return Err(fail(
                    format!("thread `owner` took the lock 3 times (lock, lock, try_lock); its {} unlock() returned Err(NotOwner)", nth(level)),
                    expected,
                    "the lock was released before its count reached zero: lock() must count every level (count + 1 when the owner takes it again) and unlock() must only count down, releasing the lock at zero",
                ))
            }
            other => return Err(stuck_or_panicked(other, &format!("the owner's {} unlock()", nth(level)))),
        }
    }
    let lock2 = lock.clone();
    match owner.run(WATCHDOG, move || lock2.unlock()) {
        Next::Item(Err(NotOwner)) => Ok(()),
        Next::Item(Ok(())) => Err(fail(
            "thread `owner` took the lock 3 times and unlocked it 3 times; a 4th unlock() returned Ok(())",
            "Err(NotOwner): after 3 unlocks nobody holds the lock",
            "after as many unlocks as locks the lock is free, and a further unlock() must be refused; if unlock() does not count every level down, the count never gets back to zero and the lock is never released",
        )),
        other => Err(stuck_or_panicked(other, "the owner's 4th unlock()")),
    }
}

// ---------------------------------------------------------------------------------------------
// Exclusion until the count is zero

fn others_wait_until_count_is_zero(_ctx: &Context) -> Verdict {
    const LEVELS: usize = 3;
    let lock = Arc::new(ReentrantMutex::new());
    let owner = Actor::start("owner");
    for level in 1..=LEVELS {
        let lock = lock.clone();
        if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_)) = owner.run(WATCHDOG, move || lock.lock()) {
            return Err(stuck_or_panicked(other, &format!("the owner's {} lock()", nth(level))));
        }
    }
    let waiter = Contender::start("waiter", &lock);
    thread::sleep(STAYS_BLOCKED);
    if waiter.got_it() {
        return Err(fail(
            format!("thread `waiter` got the lock while thread `owner` held it ({LEVELS} levels)"),
            "another thread waits until the owner has unlocked as many times as it locked",
            "lock() must wait while any other thread owns the lock: compare the owner with the calling thread, and wait on the condition variable while someone else holds it",
        ));
    }
    for level in 1..=LEVELS {
        let lock2 = lock.clone();
        match owner.run(WATCHDOG, move || lock2.unlock()) {
            Next::Item(Ok(())) => {}
            Next::Item(Err(NotOwner)) => {
                return Err(fail(
                    format!("thread `owner` locked {LEVELS} times; its {} unlock() returned Err(NotOwner)", nth(level)),
                    "Ok(()) for each of the owner's 3 unlocks",
                    "the owner holds the lock until its count is zero: every unlock() up to then must succeed",
                ))
            }
            other => return Err(stuck_or_panicked(other, &format!("the owner's {} unlock()", nth(level)))),
        }
        if level < LEVELS {
            thread::sleep(STAYS_BLOCKED);
            if waiter.got_it() {
                return Err(fail(
                    format!(
                        "thread `owner` locked {LEVELS} times; after its {} unlock() (count {LEVELS} → {}) thread `waiter` got the lock",
                        nth(level),
                        LEVELS - level
                    ),
                    "another thread gets the lock only after the owner's last unlock (count 0)",
                    "the lock was released before its count reached zero: the owner still holds it and its outer code runs unprotected. unlock() must count down and free the lock (owner = None, notify) only when the count reaches 0",
                ));
            }
        }
    }
    match waiter.call.outcome(WATCHDOG) {
        Next::Item(Ok(())) => Ok(()),
        Next::Item(Err(NotOwner)) => Err(fail(
            "thread `waiter` got the lock after the owner's last unlock, but its own unlock() returned Err(NotOwner)",
            "Ok(()): the waiter owns the lock it just took",
            "a thread that takes a free lock becomes its owner (owner = its ThreadId, count = 1)",
        )),
        Next::Panicked(message) => Err(panicked("the waiter's lock() or unlock()", &message)),
        Next::TimedOut | Next::Ended => Err(fail(
            format!(
                "thread `owner` locked {LEVELS} times and unlocked {LEVELS} times (each returned Ok), but thread `waiter` was still blocked in lock() {} s later",
                WATCHDOG.as_secs()
            ),
            "the waiting thread gets the lock as soon as the count is back to zero",
            "the lock was never released: when the count drops to zero, unlock() must set the owner to None and notify the waiting threads; check that every unlock() really counts down (the count goes back to where it was before each lock)",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// The hand-off: a waiter gets the lock as soon as the count is zero

/// Hand-offs timed per attempt: the owner releases its last level, the waiter gets the lock.
const HANDOFFS: usize = 15;

/// Observes `waiter-wakes-at-zero` ("not a moment later"): the time from the owner's last
/// unlock() to the moment a thread blocked in lock() holds the lock, over HANDOFFS hand-offs,
/// against the same hand-off through a plain std Mutex and Condvar measured in between (what
/// the machine gives a woken thread right now). A lock whose unlock() forgets to notify, and
/// whose waiters only find the lock free when a timed wait runs out, hands over late.
fn waiter_gets_the_lock_at_once(_ctx: &Context) -> Verdict {
    timing::decide(3, |_| {
        let lock = Arc::new(ReentrantMutex::new());
        let owner = Actor::start("owner");
        let (mut theirs, mut reference) = (Vec::new(), Vec::new());
        for round in 1..=HANDOFFS {
            let lock2 = lock.clone();
            if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_)) = owner.run(WATCHDOG, move || {
                lock2.lock();
                lock2.lock();
            }) {
                return fatal(stuck_or_panicked(other, "the owner's lock(), lock()"));
            }
            let lock2 = lock.clone();
            let waiter = watch::call("waiter", move || {
                lock2.lock();
                let got = Instant::now();
                (got, lock2.unlock())
            });
            let deadline = Instant::now() + Duration::from_millis(500);
            thread::sleep(Duration::from_millis(2));
            while !waiter.is_asleep() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
            let lock2 = lock.clone();
            let released = owner.run(WATCHDOG, move || {
                let first = lock2.unlock();
                let at = Instant::now();
                (first, at, lock2.unlock())
            });
            let released_at = match released {
                Next::Item((Ok(()), at, Ok(()))) => at,
                Next::Item(_) => {
                    return fatal(fail(
                        "thread `owner` locked twice; one of its two unlock() calls returned Err(NotOwner)",
                        "Ok(()) for each of the owner's unlocks",
                        "the owner holds the lock until its count is zero",
                    ))
                }
                other => return fatal(stuck_or_panicked(other, "the owner's unlock(), unlock()")),
            };
            match waiter.outcome(WATCHDOG) {
                Next::Item((got, _)) if got < released_at => {
                    return fatal(fail(
                        format!("hand-off {round}: thread `waiter` got the lock before the owner's last unlock()"),
                        "another thread gets the lock only after the owner's last unlock (count 0)",
                        "the lock was free before its count reached zero: unlock() must only count down until then",
                    ))
                }
                Next::Item((got, _)) => theirs.push(got - released_at),
                other => {
                    return fatal(fail(
                        format!(
                            "hand-off {round}: after the owner's last unlock(), thread `waiter` {}",
                            describe(&other)
                        ),
                        "the waiting thread gets the lock as soon as the count is back to zero",
                        "unlock() must notify the condition variable the waiters sleep on when the count reaches zero",
                    ))
                }
            }
            reference.push(std_handoff());
        }
        theirs.sort_unstable();
        reference.sort_unstable();
        let (median, slowest, calm) = (theirs[HANDOFFS / 2], theirs[HANDOFFS - 1], reference[HANDOFFS / 2]);
        let summary = format!(
            "{HANDOFFS} hand-offs: median {} (slowest {}); a std Mutex + Condvar meanwhile: median {}",
            micros(median),
            micros(slowest),
            micros(calm)
        );
        pack_support::measured(summary.clone());
        let judgement = if median <= Duration::from_millis(5).max(calm * 5) {
            Judgement::Pass
        } else if calm > Duration::from_millis(1) {
            Judgement::Unsure(format!(
                "a woken thread of a plain std Mutex + Condvar took {} to run: the machine is too busy",
                micros(calm)
            ))
        } else {
            Judgement::Fail(fail(
                format!(
                    "thread `waiter` blocked in lock(); after the owner's last unlock() it held the lock only {} later \
                     (median of {HANDOFFS} hand-offs, slowest {}), while a thread woken through a plain std Mutex + \
                     Condvar ran {} after its notify",
                    micros(median),
                    micros(slowest),
                    micros(calm)
                ),
                "the waiter gets the lock at once: within a few hundred microseconds",
                "the waiter did not wake when the lock became free but later, by itself: perhaps unlock() does not \
                 notify the condition variable when the count reaches zero (or notifies before the lock is free, or \
                 another condition variable), and lock() waits with a timeout (wait_timeout) that hides the missing \
                 notification; or lock() sleeps between looks instead of waiting to be notified",
            ))
        };
        Measurement { judgement, summary }
    })
}

/// One hand-off through a plain std Mutex and Condvar: from a notify to the woken thread holding
/// the mutex.
fn std_handoff() -> Duration {
    let pair = Arc::new((std::sync::Mutex::new(None::<Instant>), std::sync::Condvar::new()));
    let pair2 = pair.clone();
    let waiter = watch::call("reference-waiter", move || {
        let (m, cv) = &*pair2;
        let guard = cv.wait_while(m.lock().unwrap_or_else(|e| e.into_inner()), |at| at.is_none());
        let at = guard.unwrap_or_else(|e| e.into_inner()).expect("set before the notify");
        Instant::now() - at
    });
    let deadline = Instant::now() + Duration::from_millis(500);
    thread::sleep(Duration::from_millis(1));
    while !waiter.is_asleep() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    {
        let (m, cv) = &*pair;
        *m.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        cv.notify_one();
    }
    match waiter.outcome(WATCHDOG) {
        Next::Item(took) => took,
        _ => WATCHDOG,
    }
}

/// "180 µs", "12.4 ms".
fn micros(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    }
}

// ---------------------------------------------------------------------------------------------
// Unlock by a thread that does not hold the lock

fn unlock_by_non_owner_refused(_ctx: &Context) -> Verdict {
    let lock = Arc::new(ReentrantMutex::new());
    let expected = "Err(NotOwner) for an unlock() from any thread that does not hold the lock, and the lock unchanged";
    let intrude = |lock: &Arc<ReentrantMutex>| {
        let lock = lock.clone();
        watch::call("intruder", move || lock.unlock()).outcome(WATCHDOG)
    };
    match intrude(&lock) {
        Next::Item(Err(error)) => {
            // The error explains itself: a caller that prints it (`{error}`, `?` in main) must
            // see why its unlock failed.
            let message = error.to_string();
            if !message.contains("not hold") {
                return Err(fail(
                    format!("unlock() of a free lock returned Err(NotOwner), which prints as {message:?}"),
                    "\"unlock from a thread that does not hold the lock\"",
                    "Display for NotOwner is provided code: perhaps it was changed; an error that prints nothing \
                     tells the caller nothing",
                ));
            }
        }
        Next::Item(Ok(())) => {
            return Err(fail(
                "unlock() of a lock that nobody held returned Ok(())",
                expected,
                "a free lock has no owner, so nobody may unlock it",
            ))
        }
        other => return Err(stuck_or_panicked(other, "unlock() of a free lock")),
    }
    let owner = Actor::start("owner");
    for level in 1..=2 {
        let lock = lock.clone();
        if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_)) = owner.run(WATCHDOG, move || lock.lock()) {
            return Err(stuck_or_panicked(other, &format!("the owner's {} lock()", nth(level))));
        }
    }
    match intrude(&lock) {
        Next::Item(Err(NotOwner)) => {}
        Next::Item(Ok(())) => {
            return Err(fail(
                "while thread `owner` held the lock (locked twice), unlock() from thread `intruder`, which never locked it, returned Ok(())",
                expected,
                "only the owner may unlock (Python's RLock raises RuntimeError: cannot release un-acquired lock): compare the owner with course_sync::thread::current().id() and return Err(NotOwner) before changing anything. Otherwise any thread can release a lock that protects another thread's critical section",
            ))
        }
        other => return Err(stuck_or_panicked(other, "an unlock() from a thread that does not hold the lock")),
    }
    // Nothing changed: the owner still holds 2 levels.
    let prober = Contender::start("prober", &lock);
    thread::sleep(STAYS_BLOCKED);
    let changed =
        "the refused unlock() changed the lock anyway: return Err(NotOwner) before touching the owner or the count";
    if prober.got_it() {
        return Err(fail(
            "after a refused unlock() from thread `intruder`, thread `prober` got the lock, though thread `owner` had locked it twice and not unlocked",
            expected,
            changed,
        ));
    }
    for level in 1..=2 {
        let lock2 = lock.clone();
        if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_) | Next::Item(Err(_))) =
            owner.run(WATCHDOG, move || lock2.unlock())
        {
            return Err(fail(
                format!(
                    "after a refused unlock() from another thread, the owner's {} of 2 unlock() calls {}",
                    nth(level),
                    describe(&other)
                ),
                expected,
                changed,
            ));
        }
        if level == 1 {
            thread::sleep(STAYS_BLOCKED);
            if prober.got_it() {
                return Err(fail(
                    "thread `owner` locked twice; after a refused unlock() from thread `intruder` and one unlock() by the owner, thread `prober` got the lock",
                    expected,
                    changed,
                ));
            }
        }
    }
    match prober.call.outcome(WATCHDOG) {
        Next::Item(_) => Ok(()),
        other => Err(stuck_or_panicked(other, "lock() by another thread after the owner's last unlock()")),
    }
}

// ---------------------------------------------------------------------------------------------
// Waiting without burning the CPU

fn blocked_lock_uses_no_cpu(_ctx: &Context) -> Verdict {
    const WINDOW: Duration = Duration::from_secs(1);
    timing::decide(2, |_| {
        let lock = Arc::new(ReentrantMutex::new());
        let owner = Actor::start("owner");
        let lock2 = lock.clone();
        if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_)) = owner.run(WATCHDOG, move || lock2.lock()) {
            return fatal(stuck_or_panicked(other, "lock() of a free lock"));
        }
        let waiter = Contender::start("waiter", &lock);
        let deadline = Instant::now() + Duration::from_millis(500);
        thread::sleep(Duration::from_millis(50));
        while !waiter.call.is_asleep() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        if waiter.got_it() {
            return fatal(fail(
                "thread `waiter` got the lock while thread `owner` held it",
                "lock() waits while another thread holds the lock",
                "lock() must wait while any other thread owns the lock",
            ));
        }
        let usage = waiter.call.usage_over(WINDOW);
        let lock2 = lock.clone();
        let released = owner.run(WATCHDOG, move || lock2.unlock());
        let took = waiter.call.outcome(WATCHDOG);
        let Some(u) = usage else {
            return fatal(fail(
                "the waiting thread ended while it should wait",
                "lock() waits",
                "internal error of the check",
            ));
        };
        let summary = format!(
            "lock() while another thread holds it: {} ms CPU, {} wake-ups in {} ms",
            u.cpu.as_millis(),
            u.sleeps,
            u.wall.as_millis()
        );
        if u.cpu * 10 >= u.wall {
            return Measurement {
                judgement: Judgement::Fail(fail(
                    format!(
                        "a thread waiting in lock() while another thread held the lock used {} ms of CPU in {} ms ({}% of a CPU)",
                        u.cpu.as_millis(),
                        u.wall.as_millis(),
                        u.cpu.as_millis() * 100 / u.wall.as_millis().max(1)
                    ),
                    "about 0 ms: a waiting thread sleeps in the kernel until it is notified",
                    "lock() busy-waits: it looks at the owner again and again instead of sleeping, burning a CPU that the owner may need to finish and unlock. Wait on the condition variable (Condvar::wait in a while loop), and notify it in unlock() when the count reaches zero",
                )),
                summary,
            };
        }
        if u.sleeps > 50 {
            return Measurement {
                judgement: Judgement::Fail(fail(
                    format!("a thread waiting in lock() woke up {} times in {} ms while the lock stayed held", u.sleeps, u.wall.as_millis()),
                    "no wake-up while nothing changes: a waiting thread sleeps until it is notified",
                    "lock() polls: it sleeps a little and looks again, which wastes CPU and reacts late; wait on the condition variable and let unlock() notify it",
                )),
                summary,
            };
        }
        if !matches!(released, Next::Item(Ok(()))) {
            return fatal(fail(
                format!("the owner's unlock() {}", describe(&released)),
                "Ok(())",
                "the thread that locked may unlock",
            ));
        }
        if !matches!(took, Next::Item(Ok(()))) {
            return fatal(fail(
                format!("after the owner's unlock(), the thread waiting in lock() {}", describe(&took)),
                "it gets the lock at once",
                "unlock() must notify the condition variable the waiters sleep on when the count reaches zero",
            ));
        }
        Measurement { judgement: Judgement::Pass, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// Schedule exploration

const EXPLORE_THREADS: usize = 3;
const EXPLORE_ROUNDS: usize = 2;

/// Threads that each take the lock twice (reentrant), stay inside a moment, and unlock twice,
/// under shuttle. Its assertions are the failures the check explains (see `explain_schedule`).
fn explored_scenario() {
    Doing::reset();
    let lock = Arc::new(ReentrantMutex::new());
    let inside = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (1..=EXPLORE_THREADS)
        .map(|t| {
            let (lock, inside) = (lock.clone(), inside.clone());
            let who = format!("thread-{t}");
            course_sync::thread::Builder::new()
                .name(who.clone())
                .spawn(move || {
                    for round in 0..EXPLORE_ROUNDS {
                        Doing::now(&who, "in lock()");
                        lock.lock();
                        // Reentry through lock() and, every other round, through try_lock().
                        if round % 2 == 0 {
                            Doing::now(&who, "in its 2nd lock() (reentering)");
                            lock.lock();
                        } else {
                            Doing::now(&who, "in try_lock() (reentering)");
                            assert!(lock.try_lock(), "REENTRY: the owner's try_lock() returned false");
                        }
                        Doing::now(&who, "inside the critical section");
                        let before = inside.fetch_add(1, Ordering::SeqCst);
                        assert!(before == 0, "EXCLUSION: two threads held the lock at once");
                        course_sync::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        Doing::now(&who, "in its 1st unlock()");
                        assert!(lock.unlock().is_ok(), "REFUSED: the owner's 1st unlock() returned Err(NotOwner)");
                        Doing::now(&who, "in its 2nd unlock()");
                        assert!(lock.unlock().is_ok(), "REFUSED: the owner's 2nd unlock() returned Err(NotOwner)");
                        // try_lock() under contention: when it says yes, this thread holds the lock
                        // alone.
                        Doing::now(&who, "in try_lock() (not holding the lock)");
                        if lock.try_lock() {
                            Doing::now(&who, "inside the critical section (after try_lock())");
                            let before = inside.fetch_add(1, Ordering::SeqCst);
                            assert!(before == 0, "EXCLUSION: two threads held the lock at once");
                            course_sync::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            Doing::now(&who, "in unlock() after try_lock()");
                            assert!(
                                lock.unlock().is_ok(),
                                "REFUSED: the unlock() after a successful try_lock() returned Err(NotOwner)"
                            );
                        }
                    }
                    Doing::now(&who, "finished");
                })
                .expect("starting a thread")
        })
        .collect();
    Doing::now("main", "waiting for the threads to finish");
    for t in threads {
        t.join().expect("a thread panicked");
    }
}

/// Marks an exclusion failure caused by comparing std's thread ids (see [`owns_by_std_thread_id`]).
fn diagnose(mut failure: ScheduleFailure) -> ScheduleFailure {
    if failure.kind == FailureKind::Panic && failure.message.contains("EXCLUSION") && owns_by_std_thread_id() {
        failure.message = "STD_THREAD_ID".into();
    }
    failure
}

/// Whether, under shuttle, another thread's try_lock() succeeds while `main` holds the lock:
/// the sign of a lock that compares std's thread ids, which are all the same there.
fn owns_by_std_thread_id() -> bool {
    let probe = || {
        let lock = Arc::new(ReentrantMutex::new());
        lock.lock();
        let other = lock.clone();
        let took = course_sync::thread::spawn(move || other.try_lock()).join().unwrap_or(false);
        assert!(!took, "another thread's try_lock() succeeded");
    };
    let plan = Explore { strategy: Strategy::Random, schedules: 1, seed: 7, time_budget: Duration::ZERO };
    check::explore(plan, probe).failure.is_some_and(|f| f.kind == FailureKind::Panic)
}

fn mutual_exclusion_in_explored_schedules(_ctx: &Context) -> Verdict {
    let bypass = |observed: String| {
        fail(
            observed,
            "every lock() and unlock() locks the ReentrantMutex's inner course_sync::Mutex",
            "your ReentrantMutex never locked a course_sync::Mutex: it imports its primitives from std::sync directly; the checker can only verify mutual exclusion through the course's facade — use course_sync::{Mutex, Condvar} and course_sync::thread",
        )
    };
    let probe = explore::uses_facade(WATCHDOG, || {
        let lock = ReentrantMutex::new();
        lock.lock();
        lock.lock();
        (lock.unlock(), lock.unlock())
    });
    let what = "lock(), lock(), unlock(), unlock() on one thread";
    match probe {
        Ok(0) => return Err(bypass(format!("{what} took no course_sync lock"))),
        Ok(_) => {}
        Err(Some(message)) => return Err(panicked(what, &message)),
        Err(None) => return Err(stuck_or_panicked(Next::<()>::TimedOut, what)),
    }
    let description = format!(
        "{EXPLORE_THREADS} threads each taking the lock twice (reentrant, by lock() or try_lock()), staying inside a moment, unlocking twice and then trying try_lock() once, {EXPLORE_ROUNDS} times"
    );
    explore::explore(&explore::Exploration {
        exercise: "ex07",
        seed: 7,
        scenario: explored_scenario,
        explain: &|failure, found| explain_schedule(&diagnose(failure.clone()), &description, found),
        bypass: bypass("exploring the lock saw no operation on a course_sync primitive".into()),
    })
}

/// The explanation of a failing schedule, from its kind and the scenario's assertion texts.
fn explain_schedule(failure: &ScheduleFailure, description: &str, found: &str) -> Failure {
    let expected = "in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes";
    let message = failure.message.lines().next().unwrap_or_default();
    match failure.kind {
        FailureKind::Panic if message.contains("STD_THREAD_ID") => fail(
            format!("{description}: in one schedule two threads held the lock at once — {found}; and while thread `main` held the lock, another explored thread's try_lock() returned true"),
            expected,
            "the lock tells threads apart with std::thread::current().id(): while the checker explores schedules, every explored thread runs on the same OS thread, so std gives them all the same id and each believes it owns the lock. Use course_sync::thread::current().id() (and course_sync::thread::ThreadId), which is std's in your own build and the explored thread's under the checker",
        ),
        FailureKind::Panic if message.contains("EXCLUSION") => fail(
            format!("{description}: in one schedule two threads held the lock at once — {} — {found}", Doing::last()),
            expected,
            "mutual exclusion is broken in some interleavings. Typical causes: lock() looks whether the lock is free under the inner Mutex, lets go of it, and takes the lock under a second hold (another thread can take it in between: check and take under one guard of the inner Mutex); a wait in an `if` instead of a `while` (a woken thread must look again: a third thread may have taken the lock first); or an unlock() that frees the lock before the count is zero.",
        ),
        FailureKind::Panic if message.contains("REENTRY") => fail(
            format!("{description}: in one schedule the thread holding the lock called try_lock() and got false — {} — {found}", Doing::last()),
            expected,
            "the owner may always take its own lock again: try_lock() fails only when another thread holds it; perhaps try_lock() only looks whether the lock is free, or compares the owner with an id that is not course_sync::thread::current().id()",
        ),
        FailureKind::Panic if message.contains("REFUSED") => fail(
            format!("{description}: in one schedule {} — {} — {found}", message.trim_start_matches("REFUSED: "), Doing::last()),
            expected,
            if message.contains("1st unlock") {
                "the thread held the lock, yet another thread had become the owner meanwhile: two threads took the lock at once. lock() must check that the lock is free and take it (owner = me, count = 1) under one guard of the inner Mutex; looking, letting go of the guard and taking it under a second hold lets another thread in between"
            } else {
                "the thread's 1st unlock() already freed the lock, or another thread took it over: unlock() must count down and free the lock only when the count reaches zero, and lock() must check and take under one guard of the inner Mutex"
            },
        ),
        FailureKind::Deadlock => fail(
            format!("{description}: in one schedule every thread was blocked and none could go on (a deadlock) — {} — {found}", Doing::last()),
            expected,
            "a thread waits for a lock that is never released, or for a notification that never comes: lock() must let the owner in again at once (reentrancy), unlock() must free the lock and notify the waiters when the count reaches zero, and a waiter must look again after every wake-up",
        ),
        FailureKind::Panic => fail(
            format!("{description}: in one schedule the lock's code panicked: {message} — {found}"),
            expected,
            "a panic in some interleavings only: look for a step that assumes nothing changed since the thread last held the inner Mutex",
        ),
        FailureKind::TooManySteps => fail(
            format!("{description}: one schedule ran for hundreds of thousands of steps without finishing — {found}"),
            expected,
            "a thread loops without waiting (a busy loop, or a livelock): wait on the condition variable instead of retrying",
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A thread of the check that runs one step at a time when told (lock, unlock), so the check
/// controls exactly when the owner's count goes up and down.
struct Actor {
    jobs: mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl Actor {
    fn start(name: &str) -> Actor {
        let (jobs, next) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
        thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                for job in next {
                    job();
                }
            })
            .expect("starting an actor thread");
        Actor { jobs }
    }

    /// Runs `f` on the actor's thread; its value, or how it failed to return within `limit`.
    /// After a TimedOut the actor is stuck in `f` and runs nothing more.
    fn run<T: Send + 'static>(&self, limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Next<T> {
        let (done, result) = mpsc::channel();
        let job = Box::new(move || {
            let _ = done.send(panic::catch_unwind(AssertUnwindSafe(f)).map_err(|p| watch::panic_text(p.as_ref())));
        });
        if self.jobs.send(job).is_err() {
            return Next::Ended;
        }
        match result.recv_timeout(limit) {
            Ok(Ok(value)) => Next::Item(value),
            Ok(Err(message)) => Next::Panicked(message),
            Err(mpsc::RecvTimeoutError::Timeout) => Next::TimedOut,
            Err(mpsc::RecvTimeoutError::Disconnected) => Next::Ended,
        }
    }
}

/// A thread that calls lock() (and unlock() once it has the lock): the check sees whether it
/// got the lock, and when.
struct Contender {
    call: Call<Result<(), NotOwner>>,
    acquired: Arc<AtomicBool>,
}

impl Contender {
    fn start(name: &str, lock: &Arc<ReentrantMutex>) -> Contender {
        let acquired = Arc::new(AtomicBool::new(false));
        let (lock, flag) = (lock.clone(), acquired.clone());
        let call = watch::call(name, move || {
            lock.lock();
            flag.store(true, Ordering::SeqCst);
            lock.unlock()
        });
        Contender { call, acquired }
    }

    fn got_it(&self) -> bool {
        self.acquired.load(Ordering::SeqCst)
    }
}

fn fatal(failure: Failure) -> Measurement {
    Measurement { summary: failure.observed.clone(), judgement: Judgement::Fatal(failure) }
}

fn panicked(what: &str, message: &str) -> Failure {
    fail(
        format!("{what} panicked: {message}"),
        "no panic",
        "a panic here means a bug in the lock (or a todo!() that is not written yet)",
    )
}

/// "returned Err(NotOwner)", "panicked: ...", "was still blocked 3 s later".
fn describe<T: std::fmt::Debug>(next: &Next<T>) -> String {
    match next {
        Next::Item(value) => format!("returned {value:?}"),
        Next::Panicked(message) => format!("panicked: {message}"),
        Next::TimedOut | Next::Ended => format!("was still blocked {} s later", WATCHDOG.as_secs()),
    }
}

/// The failure for a step that should have returned at once but panicked or blocked.
fn stuck_or_panicked<T>(next: Next<T>, what: &str) -> Failure {
    match next {
        Next::Panicked(message) => panicked(what, &message),
        _ => fail(
            format!("{what} did not return within {} s", WATCHDOG.as_secs()),
            "it returns at once",
            "nothing should wait here: the inner Mutex is never held for long, and a free lock (or one the calling thread owns) is taken without waiting",
        ),
    }
}

/// "1st", "2nd", "3rd", "4th".
fn nth(n: usize) -> String {
    match n {
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}
