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
use pack_support::{failure, proc, text, Context, Failure, Verdict};

use pack_support::explore::{self, Doing};

fn main() {
    // The facade's recording (wait-for cycles, blocked threads) speaks the student's language.
    course_sync::check::speak_with(pack_support::text::speak);
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
            Next::Item(false) => return Err(failure!("ex07-reentry-try-lock-false", levels = level - 1)),
            Next::Panicked(message) => {
                return Err(panicked(&text!("ex07-what-owners-nth-call", nth = nth(level), call), &message))
            }
            Next::TimedOut | Next::Ended if level == 1 => {
                return Err(stuck_or_panicked(Next::<()>::TimedOut, &text!("ex07-what-lock-free")))
            }
            Next::TimedOut | Next::Ended => {
                let waits = record::blocked();
                let saw =
                    if waits.is_empty() { String::new() } else { text!("ex07-facade-saw", waits = waits.join("; ")) };
                return Err(failure!("ex07-reentry-self-deadlock", call, secs = WATCHDOG.as_secs(), saw));
            }
        }
    }
    check::set_mode(Mode::Plain);
    for level in 1..=3 {
        let lock2 = lock.clone();
        match owner.run(WATCHDOG, move || lock2.unlock()) {
            Next::Item(Ok(())) => {}
            Next::Item(Err(NotOwner)) => return Err(failure!("ex07-reentry-unlock-refused", nth = nth(level))),
            other => return Err(stuck_or_panicked(other, &text!("ex07-what-owners-nth-unlock", nth = nth(level)))),
        }
    }
    let lock2 = lock.clone();
    match owner.run(WATCHDOG, move || lock2.unlock()) {
        Next::Item(Err(NotOwner)) => {}
        Next::Item(Ok(())) => return Err(failure!("ex07-reentry-extra-unlock-ok")),
        other => return Err(stuck_or_panicked(other, &text!("ex07-what-owners-nth-unlock", nth = nth(4)))),
    }
    nested_deeply(&owner, &lock)
}

/// Levels of one owner's nested lock() calls in `nested_deeply`: more than a small counter
/// type holds.
const DEEP: usize = 1_000;

/// Observes `owner-can-lock-again` at any depth: the owner takes the lock DEEP times, gives
/// every level back, and one more unlock() is refused.
fn nested_deeply(owner: &Actor, lock: &Arc<ReentrantMutex>) -> Verdict {
    let lock2 = lock.clone();
    let locked = owner.run(WATCHDOG, move || {
        for level in 1..=DEEP {
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| lock2.lock())) {
                return Err((level, watch::panic_text(payload.as_ref())));
            }
        }
        Ok(())
    });
    let seen = match locked {
        Next::Item(Ok(())) => None,
        Next::Item(Err((level, message))) => Some(text!("ex07-deep-lock-panicked", nth = nth(level), message)),
        Next::Panicked(message) => Some(text!("ex07-deep-lock-panicked", nth = nth(0), message)),
        Next::TimedOut | Next::Ended => Some(text!("ex07-deep-lock-blocked", secs = WATCHDOG.as_secs())),
    };
    if let Some(seen) = seen {
        return Err(failure!("ex07-deep-count-lost", levels = DEEP, seen));
    }
    let lock2 = lock.clone();
    let unlocked = owner.run(WATCHDOG, move || {
        let refused = (1..=DEEP).find(|_| lock2.unlock().is_err());
        (refused, lock2.unlock())
    });
    let seen = match unlocked {
        Next::Item((None, Err(NotOwner))) => return Ok(()),
        Next::Item((Some(level), _)) => text!("ex07-deep-unlock-refused", nth = nth(level)),
        Next::Item((None, Ok(()))) => text!("ex07-deep-extra-unlock-ok", levels = DEEP),
        other => describe(&other),
    };
    Err(failure!("ex07-deep-count-lost", levels = DEEP, seen))
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
            return Err(stuck_or_panicked(other, &text!("ex07-what-owners-nth-lock", nth = nth(level))));
        }
    }
    let waiter = Contender::start("waiter", &lock);
    thread::sleep(STAYS_BLOCKED);
    if waiter.got_it() {
        return Err(failure!("ex07-exclusion-waiter-got-it", levels = LEVELS));
    }
    try_lock_answers_at_once(&lock, LEVELS)?;
    for level in 1..=LEVELS {
        let lock2 = lock.clone();
        match owner.run(WATCHDOG, move || lock2.unlock()) {
            Next::Item(Ok(())) => {}
            Next::Item(Err(NotOwner)) => {
                return Err(failure!("ex07-exclusion-unlock-refused", levels = LEVELS, nth = nth(level)))
            }
            other => return Err(stuck_or_panicked(other, &text!("ex07-what-owners-nth-unlock", nth = nth(level)))),
        }
        if level < LEVELS {
            thread::sleep(STAYS_BLOCKED);
            if waiter.got_it() {
                return Err(failure!(
                    "ex07-exclusion-released-early",
                    levels = LEVELS,
                    nth = nth(level),
                    count = LEVELS - level
                ));
            }
        }
    }
    match waiter.call.outcome(WATCHDOG) {
        Next::Item(Ok(())) => Ok(()),
        Next::Item(Err(NotOwner)) => Err(failure!("ex07-exclusion-waiter-unlock-refused")),
        Next::Panicked(message) => Err(panicked(&text!("ex07-what-waiters-lock-unlock"), &message)),
        Next::TimedOut | Next::Ended => {
            Err(failure!("ex07-exclusion-never-released", levels = LEVELS, secs = WATCHDOG.as_secs()))
        }
    }
}

/// try_lock() calls made from another thread while the owner holds the lock.
const TRIES: usize = 200;

/// Observes `try-lock-never-waits`: while `owner` holds the lock (`levels` levels), TRIES
/// try_lock() calls from another thread each return false, and the thread never goes to sleep
/// in them (its voluntary context switches, from getrusage): a try_lock that waits for the lock
/// to come free, however briefly, sleeps on every call.
fn try_lock_answers_at_once(lock: &Arc<ReentrantMutex>, levels: usize) -> Verdict {
    let lock = lock.clone();
    let tryer = Actor::start("tryer");
    let tried = tryer.run(WATCHDOG, move || {
        let (sleeps_before, started) = (proc::own_thread_sleeps(), Instant::now());
        let taken = (0..TRIES).filter(|_| lock.try_lock()).count();
        (taken, proc::own_thread_sleeps().saturating_sub(sleeps_before), started.elapsed())
    });
    let (taken, sleeps, took) = match tried {
        Next::Item(outcome) => outcome,
        other => return Err(stuck_or_panicked(other, &text!("ex07-what-try-locks", tries = TRIES))),
    };
    if taken > 0 {
        return Err(failure!("ex07-try-lock-took-held-lock", taken, tries = TRIES, levels));
    }
    if sleeps * 2 >= TRIES as u64 {
        return Err(failure!("ex07-try-lock-waits", tries = TRIES, levels, sleeps, ms = took.as_millis() as u64));
    }
    Ok(())
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
                return fatal(stuck_or_panicked(other, &text!("ex07-what-owners-lock-lock")));
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
                Next::Item(_) => return fatal(failure!("ex07-handoff-unlock-refused")),
                other => return fatal(stuck_or_panicked(other, &text!("ex07-what-owners-unlock-unlock"))),
            };
            match waiter.outcome(WATCHDOG) {
                Next::Item((got, _)) if got < released_at => return fatal(failure!("ex07-handoff-early", round)),
                Next::Item((got, _)) => theirs.push(got - released_at),
                other => return fatal(failure!("ex07-handoff-lost", round, outcome = describe(&other))),
            }
            reference.push(std_handoff());
        }
        theirs.sort_unstable();
        reference.sort_unstable();
        let (median, slowest, calm_time) = (theirs[HANDOFFS / 2], theirs[HANDOFFS - 1], reference[HANDOFFS / 2]);
        let fast = median <= Duration::from_millis(5).max(calm_time * 5);
        let (median, slowest, calm) = (micros(median), micros(slowest), micros(calm_time));
        let summary =
            text!("ex07-handoff-summary", handoffs = HANDOFFS, median = &median, slowest = &slowest, calm = &calm);
        pack_support::measured(summary.clone());
        let judgement = if fast {
            Judgement::Pass
        } else if calm_time > Duration::from_millis(1) {
            Judgement::Unsure(text!("ex07-handoff-busy", calm))
        } else {
            Judgement::Fail(failure!("ex07-handoff-late", median, handoffs = HANDOFFS, slowest, calm))
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
                return Err(failure!("ex07-not-owner-display", printed = format!("{message:?}")));
            }
        }
        Next::Item(Ok(())) => return Err(failure!("ex07-unlock-free-ok")),
        other => return Err(stuck_or_panicked(other, &text!("ex07-what-unlock-free"))),
    }
    let owner = Actor::start("owner");
    for level in 1..=2 {
        let lock = lock.clone();
        if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_)) = owner.run(WATCHDOG, move || lock.lock()) {
            return Err(stuck_or_panicked(other, &text!("ex07-what-owners-nth-lock", nth = nth(level))));
        }
    }
    match intrude(&lock) {
        Next::Item(Err(NotOwner)) => {}
        Next::Item(Ok(())) => return Err(failure!("ex07-intruder-unlock-ok")),
        other => return Err(stuck_or_panicked(other, &text!("ex07-what-unlock-non-owner"))),
    }
    // Nothing changed: the owner still holds 2 levels.
    let prober = Contender::start("prober", &lock);
    thread::sleep(STAYS_BLOCKED);
    if prober.got_it() {
        return Err(failure!("ex07-intruder-changed-prober-got-it"));
    }
    for level in 1..=2 {
        let lock2 = lock.clone();
        if let other @ (Next::TimedOut | Next::Ended | Next::Panicked(_) | Next::Item(Err(_))) =
            owner.run(WATCHDOG, move || lock2.unlock())
        {
            return Err(failure!("ex07-intruder-changed-owner-unlock", nth = nth(level), outcome = describe(&other)));
        }
        if level == 1 {
            thread::sleep(STAYS_BLOCKED);
            if prober.got_it() {
                return Err(failure!("ex07-intruder-changed-after-one-unlock"));
            }
        }
    }
    match prober.call.outcome(WATCHDOG) {
        Next::Item(_) => Ok(()),
        other => Err(stuck_or_panicked(other, &text!("ex07-what-lock-after-last-unlock"))),
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
            return fatal(stuck_or_panicked(other, &text!("ex07-what-lock-free")));
        }
        let waiter = Contender::start("waiter", &lock);
        let deadline = Instant::now() + Duration::from_millis(500);
        thread::sleep(Duration::from_millis(50));
        while !waiter.call.is_asleep() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        if waiter.got_it() {
            return fatal(failure!("ex07-cpu-waiter-got-it"));
        }
        let usage = waiter.call.usage_over(WINDOW);
        let lock2 = lock.clone();
        let released = owner.run(WATCHDOG, move || lock2.unlock());
        let took = waiter.call.outcome(WATCHDOG);
        let Some(u) = usage else {
            return fatal(failure!("ex07-cpu-waiter-ended"));
        };
        let (cpu_ms, wall_ms, wakeups) = (u.cpu.as_millis() as u64, u.wall.as_millis() as u64, u.sleeps);
        let summary = text!("ex07-cpu-summary", cpu_ms, wakeups, wall_ms);
        if u.busy(0.1) {
            return Measurement {
                judgement: Judgement::Fail(failure!("ex07-cpu-busy-wait", usage = u.describe())),
                summary,
            };
        }
        if u.sleeps > 50 {
            return Measurement { judgement: Judgement::Fail(failure!("ex07-cpu-polls", wakeups, wall_ms)), summary };
        }
        if !matches!(released, Next::Item(Ok(()))) {
            return fatal(failure!("ex07-cpu-unlock-failed", outcome = describe(&released)));
        }
        if !matches!(took, Next::Item(Ok(()))) {
            return fatal(failure!("ex07-cpu-not-woken", outcome = describe(&took)));
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
    let doing = doing();
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
                        Doing::now(&who, &doing.lock);
                        lock.lock();
                        // Reentry through lock() and, every other round, through try_lock().
                        if round % 2 == 0 {
                            Doing::now(&who, &doing.second_lock);
                            lock.lock();
                        } else {
                            Doing::now(&who, &doing.try_lock_reentering);
                            assert!(lock.try_lock(), "REENTRY: the owner's try_lock() returned false");
                        }
                        Doing::now(&who, &doing.inside);
                        let before = inside.fetch_add(1, Ordering::SeqCst);
                        assert!(before == 0, "EXCLUSION: two threads held the lock at once");
                        course_sync::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        Doing::now(&who, &doing.first_unlock);
                        assert!(lock.unlock().is_ok(), "REFUSED: the owner's 1st unlock() returned Err(NotOwner)");
                        Doing::now(&who, &doing.second_unlock);
                        assert!(lock.unlock().is_ok(), "REFUSED: the owner's 2nd unlock() returned Err(NotOwner)");
                        // try_lock() under contention: when it says yes, this thread holds the lock
                        // alone.
                        Doing::now(&who, &doing.try_lock);
                        if lock.try_lock() {
                            Doing::now(&who, &doing.inside_after_try_lock);
                            let before = inside.fetch_add(1, Ordering::SeqCst);
                            assert!(before == 0, "EXCLUSION: two threads held the lock at once");
                            course_sync::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            Doing::now(&who, &doing.unlock_after_try_lock);
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
    Doing::now("main", &doing.main_joins);
    for t in threads {
        t.join().expect("a thread panicked");
    }
}

/// What an explored thread is doing, in the student's language, for [`Doing::last`] (rendered
/// once: the scenario runs hundreds of times).
struct Phrases {
    lock: String,
    second_lock: String,
    try_lock_reentering: String,
    inside: String,
    first_unlock: String,
    second_unlock: String,
    try_lock: String,
    inside_after_try_lock: String,
    unlock_after_try_lock: String,
    main_joins: String,
}

fn doing() -> &'static Phrases {
    static PHRASES: std::sync::OnceLock<Phrases> = std::sync::OnceLock::new();
    PHRASES.get_or_init(|| Phrases {
        lock: text!("ex07-doing-lock"),
        second_lock: text!("ex07-doing-second-lock"),
        try_lock_reentering: text!("ex07-doing-try-lock-reentering"),
        inside: text!("ex07-doing-inside"),
        first_unlock: text!("ex07-doing-first-unlock"),
        second_unlock: text!("ex07-doing-second-unlock"),
        try_lock: text!("ex07-doing-try-lock"),
        inside_after_try_lock: text!("ex07-doing-inside-after-try-lock"),
        unlock_after_try_lock: text!("ex07-doing-unlock-after-try-lock"),
        main_joins: text!("ex07-doing-main-joins"),
    })
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
    let probe = explore::uses_facade(WATCHDOG, || {
        let lock = ReentrantMutex::new();
        lock.lock();
        lock.lock();
        (lock.unlock(), lock.unlock())
    });
    let what = text!("ex07-what-probe");
    match probe {
        Ok(0) => return Err(failure!("ex07-bypass-probe", what)),
        Ok(_) => {}
        Err(Some(message)) => return Err(panicked(&what, &message)),
        Err(None) => return Err(stuck_or_panicked(Next::<()>::TimedOut, &what)),
    }
    let description = text!("ex07-explored-scenario", threads = EXPLORE_THREADS, rounds = EXPLORE_ROUNDS);
    // The explored threads' phrases, rendered before the exploration starts.
    doing();
    explore::explore(&explore::Exploration {
        exercise: "ex07",
        seed: 7,
        scenario: explored_scenario,
        explain: &|failure, found| explain_schedule(&diagnose(failure.clone()), &description, found),
        bypass: failure!("ex07-bypass-explored"),
    })
}

/// The explanation of a failing schedule, from its kind and the scenario's assertion texts.
fn explain_schedule(failure: &ScheduleFailure, description: &str, found: &str) -> Failure {
    let message = failure.message.lines().next().unwrap_or_default();
    let doing = Doing::last();
    match failure.kind {
        FailureKind::Panic if message.contains("STD_THREAD_ID") => {
            failure!("ex07-schedule-std-thread-id", description, found)
        }
        FailureKind::Panic if message.contains("EXCLUSION") => {
            failure!("ex07-schedule-exclusion", description, doing, found)
        }
        FailureKind::Panic if message.contains("REENTRY") => {
            failure!("ex07-schedule-reentry", description, doing, found)
        }
        FailureKind::Panic if message.contains("REFUSED") && message.contains("1st unlock") => {
            failure!("ex07-schedule-first-unlock-refused", description, doing, found)
        }
        FailureKind::Panic if message.contains("REFUSED") && message.contains("2nd unlock") => {
            failure!("ex07-schedule-second-unlock-refused", description, doing, found)
        }
        FailureKind::Panic if message.contains("REFUSED") => {
            failure!("ex07-schedule-unlock-after-try-lock-refused", description, doing, found)
        }
        FailureKind::Deadlock => failure!("ex07-schedule-deadlock", description, doing, found),
        FailureKind::Panic => failure!("ex07-schedule-panic", description, message, found),
        FailureKind::TooManySteps => failure!("ex07-schedule-too-many-steps", description, found),
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
    failure!("ex07-panicked", what, message)
}

/// "returned Err(NotOwner)", "panicked: ...", "was still blocked 3 s later".
fn describe<T: std::fmt::Debug>(next: &Next<T>) -> String {
    match next {
        Next::Item(value) => text!("ex07-outcome-returned", value = format!("{value:?}")),
        Next::Panicked(message) => text!("ex07-outcome-panicked", message),
        Next::TimedOut | Next::Ended => text!("ex07-outcome-blocked", secs = WATCHDOG.as_secs()),
    }
}

/// The failure for a step that should have returned at once but panicked or blocked.
fn stuck_or_panicked<T>(next: Next<T>, what: &str) -> Failure {
    match next {
        Next::Panicked(message) => panicked(what, &message),
        _ => failure!("ex07-stuck", what, secs = WATCHDOG.as_secs()),
    }
}

/// "1st", "2nd", "3rd", "4th".
fn nth(n: usize) -> String {
    text!("ex07-nth", n)
}
