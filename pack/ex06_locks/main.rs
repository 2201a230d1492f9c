//! Hidden checks of ex06_locks: the student's `Point`, `Account` and `transfer` are driven from
//! this program.
//!
//! The torn-read and money checks run on plain locks (`course_sync`'s default mode, which is
//! `std`'s behaviour): threads hammer one `Point`, or transfer at random between a few accounts,
//! for a bounded time, and the check looks at what they saw.
//!
//! The deadlock checks switch the facade to its recording mode, in which every
//! `course_sync::Mutex` keeps who holds it and who waits for it, and the order in which each
//! thread took locks (the lock-order graph of the Linux kernel's lockdep):
//!
//! - `no_deadlock_under_stress` lets threads transfer in both directions between two accounts
//!   and polls the wait-for graph while they run; a deadlock is reported at once as its cycle
//!   ("thread `transfer-1` holds account A and waits for account B, which thread `transfer-2`
//!   holds ..."), with the lines of the student's code where each lock was taken;
//! - `no_lock_order_cycle` runs transfers one at a time, so that the run cannot hang, and then
//!   asks for a cycle in the lock-order graph: a potential deadlock that another schedule would
//!   turn into a real one.
//!
//! A submission whose locks never go through the facade (it imports `std::sync::Mutex`) cannot
//! be observed this way, and is told so.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use course_sync::check::{self, record, Mode};
use ex06_locks::{transfer, Account, InsufficientFunds, Point};
use pack_support::rng::{self, Rng};
use pack_support::watch::{self, Next};
use pack_support::{fail, Context, Failure, Verdict};

#[path = "../shared/explore.rs"]
mod explore;

fn main() {
    pack_support::main(pack_support::checks![
        point_reads_are_never_torn,
        money_is_conserved,
        transfer_edge_cases,
        no_deadlock_under_stress,
        no_lock_order_cycle
    ])
}

/// How long a check waits for a scenario that should take well under a second.
const WATCHDOG: Duration = Duration::from_secs(5);

/// Why checking deadlock-freedom needs the facade.
const BYPASS: &str = "the checker can only verify deadlock-freedom through the course's facade: it records who holds \
                      and who waits for each course_sync lock. Use course_sync::Mutex (use course_sync::{Mutex, \
                      MutexGuard}), not std::sync::Mutex";

// ---------------------------------------------------------------------------------------------
// Point
// ---------------------------------------------------------------------------------------------

/// Observes `point-never-torn` (two writers, two readers, looking for an x of one set() with
/// the y of another) and `point-uses-the-facade` (set() and get() each lock a course_sync
/// primitive, counted in the facade's recording mode).
fn point_reads_are_never_torn(_ctx: &Context) -> Verdict {
    /// How long readers look for a torn read in a correct solution.
    const LOOK: Duration = Duration::from_millis(800);
    for (what, probe) in [
        ("Point::set", (|| Point::new(1, 2).set(3, 4)) as fn()),
        ("Point::get", || {
            let _ = Point::new(1, 2).get();
        }),
    ] {
        match explore::uses_facade(WATCHDOG, move || {
            // Created inside the probe: the facade records only locks made in recording mode.
            probe();
        }) {
            Ok(0) => {
                return Err(fail(
                    format!("Point::new(1, 2) then {what} took no course_sync lock (record::stats(): 0 acquisitions)"),
                    format!("{what} locks the Point's course_sync lock (a Mutex or an RwLock)"),
                    "the Point's lock comes from course_sync too, so that the checker can watch it: perhaps Point \
                     uses std::sync::Mutex (import Mutex from course_sync), or no lock at all (atomics per coordinate \
                     cannot make the pair atomic)",
                ))
            }
            Ok(_) => {}
            Err(Some(message)) => {
                return Err(fail(
                    format!("Point::new(1, 2) then {what} panicked: {message}"),
                    "no panic",
                    "a panic here means a bug in Point (or a todo!() that is not written yet)",
                ))
            }
            Err(None) => {
                return Err(fail(
                    format!("Point::new(1, 2) then {what} did not return within {} s", WATCHDOG.as_secs()),
                    "it returns at once",
                    "something waits for ever: perhaps a lock taken twice on one thread, or one never released",
                ))
            }
        }
    }
    struct Seen {
        torn: Option<(i64, i64)>,
        reads: usize,
        writes: usize,
    }
    let scenario = watch::spawn("scenario", move |report| {
        // Writer +1 sets (i, i), writer -1 sets (-i, -i): in every consistent state x == y.
        let point = Arc::new(Point::new(0, 0));
        let stop = Arc::new(AtomicBool::new(false));
        let torn = Arc::new(Mutex::new(None));
        let (reads, writes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut threads = Vec::new();
        for sign in [1i64, -1] {
            let (point, stop, writes) = (point.clone(), stop.clone(), writes.clone());
            threads.push(named(&format!("writer{sign:+}"), move || {
                let mut i = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    point.set(sign * i, sign * i);
                    writes.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        for r in 0..2 {
            let (point, stop, torn, reads) = (point.clone(), stop.clone(), torn.clone(), reads.clone());
            threads.push(named(&format!("reader-{}", r + 1), move || {
                while !stop.load(Ordering::Relaxed) {
                    let (x, y) = point.get();
                    reads.fetch_add(1, Ordering::Relaxed);
                    if x != y {
                        torn.lock().unwrap().get_or_insert((x, y));
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }));
        }
        let started = Instant::now();
        while !stop.load(Ordering::Relaxed) && started.elapsed() < LOOK {
            thread::sleep(Duration::from_millis(5));
        }
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            if let Err(panic) = t.join() {
                std::panic::resume_unwind(panic);
            }
        }
        let torn = *torn.lock().unwrap();
        report.send(Seen { torn, reads: reads.load(Ordering::Relaxed), writes: writes.load(Ordering::Relaxed) });
    });
    let seen = match scenario.next(WATCHDOG) {
        Next::Item(seen) => seen,
        other => return Err(stuck(other, "2 threads calling Point::set and 2 calling Point::get")),
    };
    if let Some((x, y)) = seen.torn {
        return Err(fail(
            format!(
                "get() returned ({x}, {y}) while one thread called set(i, i) and another set(-i, -i) (after {} reads and \
                 {} writes): the x of one set() with the y of another",
                seen.reads, seen.writes
            ),
            "x == y in every read: set() and get() are atomic",
            "a torn read: the reader ran between the writer's update of x and its update of y. Separate locks for x \
             and y (or none) protect each coordinate, but the invariant spans both: keep both coordinates under one \
             lock, Mutex<(i64, i64)>, taken once in set() and once in get()",
        ));
    }
    if seen.reads == 0 || seen.writes == 0 {
        return Err(fail(
            format!(
                "in {} ms the readers completed {} get() and the writers {} set()",
                LOOK.as_millis(),
                seen.reads,
                seen.writes
            ),
            "many reads and writes",
            "get() or set() hardly ever returns: a lock held too long, or a thread waiting for itself",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------

/// Observes `money-conserved`, `overdraft-refused-unchanged` and `self-transfer-changes-nothing`:
/// threads transfer random amounts (a fifth of them everything the source held a moment before)
/// between a few accounts, seeded (CHECKER_SEED replays a workload), and the money is counted.
fn money_is_conserved(_ctx: &Context) -> Verdict {
    const ACCOUNTS: usize = 4;
    const START: u64 = 1_000;
    const THREADS: usize = 6;
    const TRANSFERS: usize = 10_000;
    /// Rounds keep going for this long in a correct solution.
    const LOOK: Duration = Duration::from_millis(600);
    /// No transfer finishing for this long means the threads are stuck.
    const STALL: Duration = Duration::from_millis(1_500);

    // One thread first: an overdraft is refused and changes nothing.
    let (a, b) = (Account::new(10), Account::new(0));
    let refused = transfer(&a, &b, 11);
    if refused != Err(InsufficientFunds { requested: 11, available: 10 }) || (a.balance(), b.balance()) != (10, 0) {
        return Err(fail(
            format!(
                "transfer(a, b, 11) with a holding 10 and b 0 returned {refused:?}; then a held {} and b {}",
                a.balance(),
                b.balance()
            ),
            "Err(InsufficientFunds { requested: 11, available: 10 }), and both balances unchanged",
            "a transfer that the balance does not cover must be refused before anything changes",
        ));
    }

    struct Round {
        total: u64,
        ok: usize,
        refused: usize,
        /// A refusal whose reported balance did cover the amount.
        bad_refusal: Option<InsufficientFunds>,
    }
    // Transfers done so far: a run that stops making progress is stuck, not slow.
    let progress = Arc::new(AtomicUsize::new(0));
    let done = progress.clone();
    let seed = rng::seed();
    let replay = rng::replay_hint(seed, "ex06");
    let scenario = watch::spawn("scenario", move |report| {
        let started = Instant::now();
        let mut round = 0u64;
        while round == 0 || started.elapsed() < LOOK {
            round += 1;
            let accounts: Arc<Vec<Account>> = Arc::new((0..ACCOUNTS).map(|_| Account::new(START)).collect());
            let bad_refusal = Arc::new(Mutex::new(None));
            let threads: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (accounts, bad_refusal, done) = (accounts.clone(), bad_refusal.clone(), done.clone());
                    named(&format!("transfer-{}", t + 1), move || {
                        let mut rng = Rng::new(seed ^ (round << 8) ^ t as u64);
                        let (mut ok, mut refused) = (0, 0);
                        for _ in 0..TRANSFERS {
                            let from = &accounts[rng.below(ACCOUNTS as u64) as usize];
                            let to = &accounts[rng.below(ACCOUNTS as u64) as usize];
                            // Now and then everything `from` held a moment ago: an exact-balance
                            // transfer when no other thread got there first, else a refusal or
                            // a smaller remainder, the edge where a check outside the locks
                            // overdraws.
                            let amount = if rng.chance(20) { from.balance() } else { 1 + rng.below(400) };
                            if rng.chance(2) {
                                rng.jitter(Duration::from_micros(50));
                            }
                            match transfer(from, to, amount) {
                                Ok(()) => ok += 1,
                                Err(e) => {
                                    refused += 1;
                                    if e.available >= e.requested {
                                        bad_refusal.lock().unwrap().get_or_insert(e);
                                    }
                                }
                            }
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        (ok, refused)
                    })
                })
                .collect();
            let (mut ok, mut refused) = (0, 0);
            for t in threads {
                match t.join() {
                    Ok((o, r)) => {
                        ok += o;
                        refused += r;
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            let total = accounts.iter().map(Account::balance).sum();
            let bad_refusal = *bad_refusal.lock().unwrap();
            let wrong = total != START * ACCOUNTS as u64 || bad_refusal.is_some();
            report.send(Round { total, ok, refused, bad_refusal });
            if wrong {
                return;
            }
        }
    });
    let expected_total = START * ACCOUNTS as u64;
    let mut rounds = 0;
    let mut last = (0, Instant::now());
    loop {
        let r = match scenario.next(Duration::from_millis(50)) {
            Next::Item(r) => r,
            Next::Ended if rounds > 0 => return Ok(()),
            Next::TimedOut => {
                let now = progress.load(Ordering::Relaxed);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > STALL {
                    return Err(fail(
                        format!(
                            "{THREADS} threads making random transfers between {ACCOUNTS} accounts stopped after {now} \
                             transfers and made no progress for {} s",
                            STALL.as_secs_f64()
                        ),
                        "every transfer finishes",
                        "the threads are stuck: two transfers each holding one account's lock and waiting for the \
                         other's (lock the accounts in one global order; no_deadlock_under_stress shows the cycle), or \
                         a lock taken twice on one thread (a transfer from an account to itself must lock it once)",
                    ));
                }
                continue;
            }
            other => {
                return Err(stuck(
                    other,
                    &format!("{THREADS} threads making {TRANSFERS} random transfers each between {ACCOUNTS} accounts"),
                ))
            }
        };
        rounds += 1;
        if let Some(e) = r.bad_refusal {
            return Err(fail(
                format!("transfer returned Err({e:?}) although the balance it reports covers the amount ({replay})"),
                "Err(InsufficientFunds) only when available < requested",
                "refuse a transfer only when the balance, read under the account's lock, is smaller than the amount",
            ));
        }
        if r.total != expected_total {
            let (verb, diff) = if r.total < expected_total {
                ("lost", expected_total - r.total)
            } else {
                ("created out of nothing", r.total - expected_total)
            };
            return Err(fail(
                format!(
                    "{ACCOUNTS} accounts held {expected_total} in total; after {THREADS} threads made {} transfers at once \
                     (random amounts, a fifth of them everything the source held a moment before; {} succeeded, {} \
                     refused), they held {}: {diff} was {verb} ({replay})",
                    THREADS * TRANSFERS,
                    r.ok,
                    r.refused,
                    r.total
                ),
                format!("{expected_total}: a transfer moves money, it never creates or destroys it"),
                "a lost update: a transfer read a balance, and another transfer changed it before the first wrote its \
                 result back, so one update overwrote the other. Check the balance and write both new balances while \
                 holding both accounts' locks, without unlocking in between",
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edges
// ---------------------------------------------------------------------------------------------

/// Observes `overflow-panics` (a credit past u64::MAX panics and, if the balances can still be
/// read, changes neither), `transfer-moves-money` (exactly the balance; 0; up to exactly
/// u64::MAX), `overdraft-refused-unchanged`, `self-transfer-changes-nothing` and
/// `shown-as-text` (what InsufficientFunds displays, what a Point and an Account show with
/// `{:?}`), one call at a time.
fn transfer_edge_cases(_ctx: &Context) -> Verdict {
    let scenario = watch::spawn("edges", |report| report.send(edges()));
    match scenario.next(WATCHDOG) {
        Next::Item(verdict) => verdict,
        other => Err(stuck(other, "transferring exact balances, 0, and up to u64::MAX, one call at a time")),
    }
}

/// The edge cases, in order; the first that goes wrong.
fn edges() -> Verdict {
    let (a, b) = (Account::new(250), Account::new(7));
    let step = |done: &str, seen: String, want: &str, why: &str| -> Verdict {
        if seen == want {
            Ok(())
        } else {
            Err(fail(format!("{done}: {seen}"), want.to_owned(), why.to_owned()))
        }
    };
    let both = |r: Result<(), InsufficientFunds>, x: &Account, y: &Account| {
        format!("{r:?}, balances {} and {}", x.balance(), y.balance())
    };
    step(
        "a holding 250 and b 7, transfer(a, b, 250)",
        both(transfer(&a, &b, 250), &a, &b),
        "Ok(()), balances 0 and 257",
        "a balance that equals the amount covers it: refuse only when the balance is smaller than the amount (perhaps the comparison is <= instead of <)",
    )?;
    step(
        "then, a holding 0, transfer(a, b, 0)",
        both(transfer(&a, &b, 0), &a, &b),
        "Ok(()), balances 0 and 257",
        "an amount of 0 is covered by any balance, and moves nothing",
    )?;
    step(
        "then transfer(b, a, 258) with b holding 257",
        both(transfer(&b, &a, 258), &b, &a),
        "Err(InsufficientFunds { requested: 258, available: 257 }), balances 257 and 0",
        "a transfer the balance does not cover is refused with the amount and the balance, and changes nothing",
    )?;
    let self_transfers = {
        let ok = transfer(&b, &b, 257);
        let refused = transfer(&b, &b, 258);
        format!("{ok:?} then {refused:?}, balance {}", b.balance())
    };
    step(
        "transfer(b, b, 257) then transfer(b, b, 258) with b holding 257",
        self_transfers,
        "Ok(()) then Err(InsufficientFunds { requested: 258, available: 257 }), balance 257",
        "a transfer from an account to itself changes nothing, and is refused only when the balance is smaller than the amount",
    )?;
    let (c, d) = (Account::new(u64::MAX - 5), Account::new(5));
    step(
        &format!("c holding {} and d 5, transfer(d, c, 5)", u64::MAX - 5),
        both(transfer(&d, &c, 5), &d, &c),
        &format!("Ok(()), balances 0 and {}", u64::MAX),
        "a credit that reaches u64::MAX exactly does not overflow: only one past it does",
    )?;

    // One past u64::MAX: transfer must panic, on a thread of its own so the check survives it.
    let (c, e) = (Arc::new(c), Arc::new(Account::new(1)));
    let overflow = {
        let (c, e) = (c.clone(), e.clone());
        watch::call("overflowing-transfer", move || transfer(&e, &c, 1))
    };
    let done = format!("e holding 1 and c {}, transfer(e, c, 1)", u64::MAX);
    match overflow.outcome(WATCHDOG) {
        Next::Panicked(_) => {}
        Next::Item(result) => {
            let after = readable_balances(&e, &c).map_or("unreadable".to_owned(), |(x, y)| format!("{x} and {y}"));
            return Err(fail(
                format!("{done} returned {result:?}; balances then {after}"),
                "a panic: c's balance would overflow a u64 (the doc comment's # Panics)",
                "a balance past u64::MAX cannot be represented: wrapping around (+ in a release build, wrapping_add) \
                 destroys money, and saturating_add keeps a u64::MAX that is not the sum, so the credit must fail \
                 loudly (checked_add(..).expect(..)) instead of returning as if it had worked",
            ));
        }
        other => return Err(stuck(other, &done)),
    }
    // A lock poisoned by the panic may make balance() panic in turn (lock().unwrap()): then
    // nothing more can be read, and nothing more is asked.
    if let Some((x, y)) = readable_balances(&e, &c) {
        if (x, y) != (1, u64::MAX) {
            return Err(fail(
                format!("{done} panicked, as it should; but afterwards e held {x} and c {y}"),
                format!("balances 1 and {} unchanged: the panic comes before either balance changes", u64::MAX),
                "the transfer changed a balance before it found out that the credit overflows: perhaps it subtracts \
                 from `from` first and then adds to `to` (which panics half-way). Compute the new balance of `to` \
                 (checked_add) before changing either",
            ));
        }
    }

    // Text: the provided Display and Debug impls, over the student's fields and getters.
    let refusal = InsufficientFunds { requested: 258, available: 257 }.to_string();
    let point = format!("{:?}", Point::new(3, -4));
    let account = format!("{:?}", b);
    let shows = |text: &str, parts: &[&str]| parts.iter().all(|p| text.contains(p));
    if !shows(&refusal, &["258", "257"]) || !shows(&point, &["3", "-4"]) || !shows(&account, &["257"]) {
        return Err(fail(
            format!(
                "InsufficientFunds {{ requested: 258, available: 257 }} displays as {refusal:?}; Point::new(3, -4) shows \
                 as {point:?} with {{:?}}; an Account holding 257 as {account:?}"
            ),
            "the refusal's text names the amount and the balance; a Point shows its coordinates, an Account its \
             balance (the provided impls)",
            "these impls are provided and call your get() and balance(): perhaps they were changed, or get() or \
             balance() returns something else than the state",
        ));
    }
    Ok(())
}

/// Both balances, or None if reading either panicked (a lock poisoned by an earlier panic).
fn readable_balances(x: &Account, y: &Account) -> Option<(u64, u64)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (x.balance(), y.balance()))).ok()
}

// ---------------------------------------------------------------------------------------------
// Deadlock
// ---------------------------------------------------------------------------------------------

/// Observes `no-deadlock-opposite-directions` and `uses-the-facade`: threads transfer both ways
/// between two accounts while the facade's wait-for graph is polled.
fn no_deadlock_under_stress(_ctx: &Context) -> Verdict {
    const THREADS: usize = 6;
    const TRANSFERS: usize = 2_000;
    /// Rounds keep going for this long in a correct solution.
    const LOOK: Duration = Duration::from_millis(1_200);
    /// A run that makes no progress for this long, without a cycle, is stuck some other way.
    const STALL: Duration = Duration::from_secs(3);

    check::set_mode(Mode::Record);
    pack_support::on_hang(facade_hang_report);
    let started = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || started.elapsed() < LOOK {
        rounds += 1;
        record::reset();
        let a = Arc::new(record::label_new_locks("account A", || Account::new(1_000_000)));
        let b = Arc::new(record::label_new_locks("account B", || Account::new(1_000_000)));
        let progress = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let panicked = Arc::new(Mutex::new(None));
        let threads: Vec<_> = (0..THREADS)
            .map(|i| {
                let (a, b) = (a.clone(), b.clone());
                let (progress, finished, panicked) = (progress.clone(), finished.clone(), panicked.clone());
                named(&format!("transfer-{}", i + 1), move || {
                    // Odd threads move money from A to B, even ones from B to A.
                    let (from, to) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
                    let body = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        for _ in 0..TRANSFERS {
                            let _ = transfer(from, to, 1);
                            progress.fetch_add(1, Ordering::Relaxed);
                        }
                    }));
                    if let Err(panic) = body {
                        panicked.lock().unwrap().get_or_insert(watch::panic_text(panic.as_ref()));
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();

        // Watch the threads: done, deadlocked (a cycle in the wait-for graph), or stuck.
        let mut last = (0, Instant::now());
        while finished.load(Ordering::SeqCst) < THREADS {
            thread::sleep(Duration::from_millis(10));
            if let Some(cycle) = record::wait_for_cycle() {
                let done = progress.load(Ordering::Relaxed);
                return Err(fail(
                    format!(
                        "the threads deadlocked after {done} of {} transfers (round {rounds}; {} threads transferring \
                         1 cent at a time, odd ones from account A to account B, even ones from B to A): {cycle}",
                        THREADS * TRANSFERS,
                        THREADS
                    ),
                    "every transfer finishes: transfers in opposite directions take the two accounts' locks in the \
                     same order",
                    format!(
                        "each of {} took its own `from` account first and then waits for the other's: a wait-for cycle \
                         that never ends. Lock the two accounts in one global order (the smaller AccountId first), \
                         whatever the direction of the transfer",
                        cycle.threads.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" and ")
                    ),
                ));
            }
            let now = progress.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() > STALL {
                let stats = record::stats();
                let blocked = record::blocked();
                return Err(if stats.acquisitions == 0 {
                    fail(
                        format!(
                            "the transfers stopped after {now} of {} and made no progress for {} s, and the accounts \
                             never locked a course_sync::Mutex (record::stats(): {} acquisitions)",
                            THREADS * TRANSFERS,
                            STALL.as_secs(),
                            stats.acquisitions
                        ),
                        "every transfer finishes, on locks the checker can see",
                        format!("the threads are stuck, and {BYPASS}"),
                    )
                } else {
                    fail(
                        format!(
                            "the transfers stopped after {now} of {} and made no progress for {} s, without a cycle of \
                             threads waiting for each other's locks: {}",
                            THREADS * TRANSFERS,
                            STALL.as_secs(),
                            if blocked.is_empty() { "no thread waits on a course_sync lock".to_owned() } else { blocked.join("; ") }
                        ),
                        "every transfer finishes",
                        "a transfer never returns: something waits forever (a lock taken twice on one thread, a lock \
                         never released) or loops",
                    )
                });
            }
        }
        for t in threads {
            let _ = t.join();
        }
        if let Some(message) = panicked.lock().unwrap().take() {
            return Err(fail(
                format!("transfer panicked: {message}"),
                "no panic",
                "a panic here means a bug in transfer (or a todo!() that is not written yet)",
            ));
        }
        let stats = record::stats();
        if stats.acquisitions == 0 {
            return Err(fail(
                format!(
                    "{} transfers ran, and the accounts never locked a course_sync::Mutex (record::stats(): {} locks \
                     created, {} acquisitions)",
                    THREADS * TRANSFERS,
                    stats.locks_created,
                    stats.acquisitions
                ),
                "the accounts' locks are course_sync::Mutex",
                format!("your Account never locked a course_sync::Mutex: it imports its locks from std::sync directly; {BYPASS}"),
            ));
        }
    }
    Ok(())
}

/// Observes `one-global-lock-order` and `uses-the-facade`: the lock-order graph of transfers run
/// one at a time has no cycle.
fn no_lock_order_cycle(_ctx: &Context) -> Verdict {
    check::set_mode(Mode::Record);
    pack_support::on_hang(facade_hang_report);
    record::reset();
    let a = Arc::new(record::label_new_locks("account A", || Account::new(100)));
    let b = Arc::new(record::label_new_locks("account B", || Account::new(100)));
    let c = Arc::new(record::label_new_locks("account C", || Account::new(100)));
    // One transfer at a time, each on its own thread, joined before the next starts: this run
    // cannot deadlock, whatever the order of the locks.
    let plan: [(&Arc<Account>, &Arc<Account>, u64, &str); 5] = [
        (&a, &b, 80, "A to B"),
        (&b, &a, 10, "B to A"),
        (&b, &c, 50, "B to C"),
        (&c, &a, 30, "C to A"),
        (&a, &c, 5, "A to C"),
    ];
    for (index, (from, to, amount, what)) in plan.into_iter().enumerate() {
        let (from, to) = (from.clone(), to.clone());
        let scenario = watch::spawn(&format!("transfer-{}", index + 1), move |report| {
            report.send(transfer(&from, &to, amount));
        });
        match scenario.next(WATCHDOG) {
            Next::Item(_) => {}
            other => return Err(stuck(other, &format!("a single transfer of {amount} from account {what}"))),
        }
    }
    let stats = record::stats();
    if stats.acquisitions == 0 {
        return Err(fail(
            format!(
                "5 transfers ran, and the accounts never locked a course_sync::Mutex (record::stats(): {} locks created, \
                 {} acquisitions)",
                stats.locks_created, stats.acquisitions
            ),
            "the accounts' locks are course_sync::Mutex",
            format!("your Account never locked a course_sync::Mutex: it imports its locks from std::sync directly; {BYPASS}"),
        ));
    }
    if let Some(cycle) = record::lock_order_cycle() {
        return Err(fail(
            format!(
                "this run did not hang (5 transfers between accounts A, B and C, one at a time: A to B, B to A, B to C, \
                 C to A, A to C), but the locks were taken in a cycle: {cycle}"
            ),
            "one global order for every pair of accounts (for example the smaller AccountId first), so that the \
             lock-order graph has no cycle",
            format!(
                "a potential deadlock, reported the way the Linux kernel's lockdep does: had these transfers run at the \
                 same time, each of {} could have held its first lock and waited forever for the next. A run that \
                 happens not to hang proves nothing; an order that depends on the direction of the transfer (or on \
                 the balances) is not one order. Lock by a stable key, the account's id",
                cycle.locks.join(" and ")
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What the facade saw, if the checker stops a recording check at its time limit.
fn facade_hang_report() -> Vec<String> {
    match record::wait_for_cycle() {
        Some(cycle) => vec![format!("deadlock, a wait-for cycle: {cycle}")],
        None => record::blocked(),
    }
}

/// Starts a named thread (the name shows in the facade's reports).
fn named<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> thread::JoinHandle<T> {
    thread::Builder::new().name(name.to_owned()).spawn(f).expect("starting a thread")
}

/// The failure for a scenario that did not report as expected.
fn stuck<T>(next: Next<T>, what: &str) -> Failure {
    match next {
        Next::Panicked(message) => fail(
            format!("the code panicked while {what}: {message}"),
            "no panic",
            "a panic here means a bug (or a todo!() that is not written yet)",
        ),
        Next::TimedOut => fail(
            format!("{what} did not finish within {} s", WATCHDOG.as_secs()),
            "it finishes in well under a second",
            "the threads are stuck: two threads each holding a lock the other waits for (lock the accounts in one \
             global order), or a lock taken twice on one thread (a transfer from an account to itself must lock it \
             once)",
        ),
        Next::Item(_) | Next::Ended => {
            fail(format!("{what} ended without a result"), "a result", "internal error of the check")
        }
    }
}
