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
use pack_support::{failure, text, Context, Failure, Verdict};

use pack_support::explore;

fn main() {
    // The facade's recording (wait-for cycles, blocked threads) speaks the student's language.
    course_sync::check::speak_with(pack_support::text::speak);
    pack_support::main(pack_support::checks![
        point_reads_are_never_torn,
        money_is_conserved,
        transfer_edge_cases,
        account_ids_are_distinct,
        no_deadlock_under_stress,
        no_lock_order_cycle
    ])
}

/// How long a check waits for a scenario that should take well under a second.
const WATCHDOG: Duration = Duration::from_secs(5);

/// Why checking deadlock-freedom needs the facade.
fn bypass() -> String {
    text!("ex06-bypass")
}

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
            Ok(0) => return Err(failure!("ex06-point-no-facade-lock", what)),
            Ok(_) => {}
            Err(Some(message)) => return Err(failure!("ex06-point-probe-panicked", what, message)),
            Err(None) => return Err(failure!("ex06-point-probe-hangs", what, seconds = WATCHDOG.as_secs())),
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
        other => return Err(stuck(other, &text!("ex06-doing-point-stress"))),
    };
    if let Some((x, y)) = seen.torn {
        return Err(failure!(
            "ex06-torn-read",
            x = x.to_string(),
            y = y.to_string(),
            reads = seen.reads,
            writes = seen.writes
        ));
    }
    if seen.reads == 0 || seen.writes == 0 {
        return Err(failure!(
            "ex06-point-no-progress",
            look = LOOK.as_millis() as u64,
            reads = seen.reads,
            writes = seen.writes
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
        return Err(failure!(
            "ex06-overdraft-not-refused",
            refused = format!("{refused:?}"),
            a = a.balance().to_string(),
            b = b.balance().to_string()
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
                    return Err(failure!(
                        "ex06-money-stalled",
                        threads = THREADS,
                        accounts = ACCOUNTS,
                        now,
                        seconds = STALL.as_secs_f64()
                    ));
                }
                continue;
            }
            other => {
                return Err(stuck(
                    other,
                    &text!(
                        "ex06-doing-random-transfers",
                        threads = THREADS,
                        transfers = TRANSFERS,
                        accounts = ACCOUNTS
                    ),
                ))
            }
        };
        rounds += 1;
        if let Some(e) = r.bad_refusal {
            return Err(failure!("ex06-bad-refusal", error = format!("{e:?}"), replay = &replay));
        }
        if r.total != expected_total {
            let (direction, diff) = if r.total < expected_total {
                ("lost", expected_total - r.total)
            } else {
                ("created", r.total - expected_total)
            };
            return Err(failure!(
                "ex06-money-not-conserved",
                accounts = ACCOUNTS,
                expected_total,
                threads = THREADS,
                transfers = THREADS * TRANSFERS,
                ok = r.ok,
                refused = r.refused,
                total = r.total.to_string(),
                diff = diff.to_string(),
                direction,
                replay = &replay
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
        other => Err(stuck(other, &text!("ex06-doing-edges"))),
    }
}

/// The edge cases, in order; the first that goes wrong.
fn edges() -> Verdict {
    let (a, b) = (Account::new(250), Account::new(7));
    // `seen` and `want` are rendered by the same message, so comparing them compares the values.
    let step = |done: String, seen: String, want: String, why: String| -> Verdict {
        if seen == want {
            Ok(())
        } else {
            Err(failure!("ex06-edge-wrong", done, seen, want, why))
        }
    };
    let balances =
        |result: &str, x: u64, y: u64| text!("ex06-result-and-balances", result, x = x.to_string(), y = y.to_string());
    let both = |r: Result<(), InsufficientFunds>, x: &Account, y: &Account| {
        balances(&format!("{r:?}"), x.balance(), y.balance())
    };
    let refusal_258 = "Err(InsufficientFunds { requested: 258, available: 257 })";
    step(
        text!("ex06-edge-exact-balance"),
        both(transfer(&a, &b, 250), &a, &b),
        balances("Ok(())", 0, 257),
        text!("ex06-edge-exact-balance-why"),
    )?;
    step(
        text!("ex06-edge-zero"),
        both(transfer(&a, &b, 0), &a, &b),
        balances("Ok(())", 0, 257),
        text!("ex06-edge-zero-why"),
    )?;
    step(
        text!("ex06-edge-overdraft"),
        both(transfer(&b, &a, 258), &b, &a),
        balances(refusal_258, 257, 0),
        text!("ex06-edge-overdraft-why"),
    )?;
    let two_results = |first: &str, second: &str, balance: u64| {
        text!("ex06-two-results-and-balance", first, second, balance = balance.to_string())
    };
    let self_transfers = {
        let ok = transfer(&b, &b, 257);
        let refused = transfer(&b, &b, 258);
        two_results(&format!("{ok:?}"), &format!("{refused:?}"), b.balance())
    };
    step(
        text!("ex06-edge-self"),
        self_transfers,
        two_results("Ok(())", refusal_258, 257),
        text!("ex06-edge-self-why"),
    )?;
    let (c, d) = (Account::new(u64::MAX - 5), Account::new(5));
    step(
        text!("ex06-edge-up-to-max", start = (u64::MAX - 5).to_string()),
        both(transfer(&d, &c, 5), &d, &c),
        balances("Ok(())", 0, u64::MAX),
        text!("ex06-edge-up-to-max-why"),
    )?;

    // One past u64::MAX: transfer must panic, on a thread of its own so the check survives it.
    let (c, e) = (Arc::new(c), Arc::new(Account::new(1)));
    let overflow = {
        let (c, e) = (c.clone(), e.clone());
        watch::call("overflowing-transfer", move || transfer(&e, &c, 1))
    };
    let done = text!("ex06-edge-overflow", max = u64::MAX.to_string());
    match overflow.outcome(WATCHDOG) {
        Next::Panicked(_) => {}
        Next::Item(result) => {
            let after = readable_balances(&e, &c).map_or_else(
                || text!("ex06-unreadable"),
                |(x, y)| text!("ex06-two-balances", x = x.to_string(), y = y.to_string()),
            );
            return Err(failure!("ex06-overflow-returned", done, result = format!("{result:?}"), after));
        }
        other => return Err(stuck(other, &done)),
    }
    // A lock poisoned by the panic may make balance() panic in turn (lock().unwrap()): then
    // nothing more can be read, and nothing more is asked.
    if let Some((x, y)) = readable_balances(&e, &c) {
        if (x, y) != (1, u64::MAX) {
            return Err(failure!(
                "ex06-overflow-changed-balances",
                done,
                x = x.to_string(),
                y = y.to_string(),
                max = u64::MAX.to_string()
            ));
        }
    }

    // Text: the provided Display and Debug impls, over the student's fields and getters.
    let refusal = InsufficientFunds { requested: 258, available: 257 }.to_string();
    let point = format!("{:?}", Point::new(3, -4));
    let account = format!("{:?}", b);
    let shows = |text: &str, parts: &[&str]| parts.iter().all(|p| text.contains(p));
    if !shows(&refusal, &["258", "257"]) || !shows(&point, &["3", "-4"]) || !shows(&account, &["257"]) {
        return Err(failure!(
            "ex06-shown-as-text",
            refusal = format!("{refusal:?}"),
            point = format!("{point:?}"),
            account = format!("{account:?}")
        ));
    }
    Ok(())
}

/// Both balances, or None if reading either panicked (a lock poisoned by an earlier panic).
fn readable_balances(x: &Account, y: &Account) -> Option<(u64, u64)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (x.balance(), y.balance()))).ok()
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

/// Observes `account-ids-distinct`: threads create accounts all at once, round after round, and
/// no id may be given twice among the accounts alive together; an account keeps its id when
/// asked twice and when it is moved (into a Box and out of it).
fn account_ids_are_distinct(_ctx: &Context) -> Verdict {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 5_000;
    /// Rounds go on this long in a correct solution: a race between reading the next id and
    /// storing it shows when two threads run at one moment, which a busy machine makes rarer.
    const LOOK: Duration = Duration::from_millis(1_500);
    let scenario = watch::spawn("ids", |report| {
        let started = Instant::now();
        let mut rounds = 0;
        while rounds == 0 || started.elapsed() < LOOK {
            rounds += 1;
            let gate = Arc::new(std::sync::Barrier::new(THREADS));
            let creators: Vec<_> = (0..THREADS)
                .map(|_| {
                    let gate = gate.clone();
                    thread::spawn(move || {
                        gate.wait();
                        (0..PER_THREAD).map(|_| Account::new(1)).collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut accounts: Vec<Account> = Vec::with_capacity(THREADS * PER_THREAD);
            for creator in creators {
                match creator.join() {
                    Ok(made) => accounts.extend(made),
                    Err(payload) => {
                        let what = text!("ex06-doing-ids", threads = THREADS, per_thread = PER_THREAD);
                        report.send(Err(stuck(Next::<()>::Panicked(watch::panic_text(payload.as_ref())), &what)));
                        return;
                    }
                }
            }
            let mut seen = std::collections::HashMap::new();
            for account in &accounts {
                let id = account.id();
                *seen.entry(id).or_insert(0usize) += 1;
                if account.id() != id {
                    report.send(Err(failure!(
                        "ex06-id-changes",
                        first = format!("{id:?}"),
                        then = format!("{:?}", account.id())
                    )));
                    return;
                }
            }
            let mut shared: Vec<_> = seen.into_iter().filter(|&(_, n)| n > 1).collect();
            if let Some(&(example, count)) = shared.iter().max_by_key(|&&(id, n)| (n, std::cmp::Reverse(id))) {
                shared.sort();
                report.send(Err(failure!(
                    "ex06-duplicate-ids",
                    threads = THREADS,
                    per_thread = PER_THREAD,
                    rounds,
                    shared = shared.len(),
                    example = format!("{example:?}"),
                    count
                )));
                return;
            }
        }
        // Fixed for its whole life, wherever the account is moved to.
        let account = Account::new(1);
        let first = account.id();
        let boxed = Box::new(account);
        let moved = [*boxed];
        if moved[0].id() != first {
            report.send(Err(failure!(
                "ex06-id-changes",
                first = format!("{first:?}"),
                then = format!("{:?}", moved[0].id())
            )));
            return;
        }
        report.send(Ok(()));
    });
    match scenario.next(WATCHDOG) {
        Next::Item(verdict) => verdict,
        other => Err(stuck(other, &text!("ex06-doing-ids", threads = THREADS, per_thread = PER_THREAD))),
    }
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
        let a = Arc::new(record::label_new_locks(&text!("ex06-account", name = "A"), || Account::new(1_000_000)));
        let b = Arc::new(record::label_new_locks(&text!("ex06-account", name = "B"), || Account::new(1_000_000)));
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
                return Err(failure!(
                    "ex06-deadlock",
                    done,
                    transfers = THREADS * TRANSFERS,
                    rounds,
                    threads = THREADS,
                    cycle = cycle.to_string(),
                    names = cycle.threads.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(&text!("ex06-and"))
                ));
            }
            let now = progress.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() > STALL {
                let stats = record::stats();
                let blocked = record::blocked();
                return Err(if stats.acquisitions == 0 {
                    failure!(
                        "ex06-stalled-without-facade",
                        now,
                        transfers = THREADS * TRANSFERS,
                        seconds = STALL.as_secs(),
                        acquisitions = stats.acquisitions,
                        bypass = bypass()
                    )
                } else {
                    failure!(
                        "ex06-stalled-without-cycle",
                        now,
                        transfers = THREADS * TRANSFERS,
                        seconds = STALL.as_secs(),
                        blocked = if blocked.is_empty() { text!("ex06-no-thread-waits") } else { blocked.join("; ") }
                    )
                });
            }
        }
        for t in threads {
            let _ = t.join();
        }
        if let Some(message) = panicked.lock().unwrap().take() {
            return Err(failure!("ex06-transfer-panicked", message));
        }
        let stats = record::stats();
        if stats.acquisitions == 0 {
            return Err(failure!(
                "ex06-never-locked-facade",
                transfers = THREADS * TRANSFERS,
                locks_created = stats.locks_created,
                acquisitions = stats.acquisitions,
                bypass = bypass()
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
    let a = Arc::new(record::label_new_locks(&text!("ex06-account", name = "A"), || Account::new(100)));
    let b = Arc::new(record::label_new_locks(&text!("ex06-account", name = "B"), || Account::new(100)));
    let c = Arc::new(record::label_new_locks(&text!("ex06-account", name = "C"), || Account::new(100)));
    // One transfer at a time, each on its own thread, joined before the next starts: this run
    // cannot deadlock, whatever the order of the locks.
    // The last field names the source account, then the target.
    let plan: [(&Arc<Account>, &Arc<Account>, u64, &str); 5] =
        [(&a, &b, 80, "AB"), (&b, &a, 10, "BA"), (&b, &c, 50, "BC"), (&c, &a, 30, "CA"), (&a, &c, 5, "AC")];
    for (index, (from, to, amount, route)) in plan.into_iter().enumerate() {
        let (source, target) = route.split_at(1);
        let (from, to) = (from.clone(), to.clone());
        let scenario = watch::spawn(&format!("transfer-{}", index + 1), move |report| {
            report.send(transfer(&from, &to, amount));
        });
        match scenario.next(WATCHDOG) {
            Next::Item(_) => {}
            other => return Err(stuck(other, &text!("ex06-doing-single-transfer", amount, source, target))),
        }
    }
    let stats = record::stats();
    if stats.acquisitions == 0 {
        return Err(failure!(
            "ex06-never-locked-facade",
            transfers = 5,
            locks_created = stats.locks_created,
            acquisitions = stats.acquisitions,
            bypass = bypass()
        ));
    }
    if let Some(cycle) = record::lock_order_cycle() {
        return Err(failure!(
            "ex06-lock-order-cycle",
            cycle = cycle.to_string(),
            locks = cycle.locks.join(&text!("ex06-and"))
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
        Some(cycle) => vec![text!("ex06-hang-deadlock", cycle = cycle.to_string())],
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
        Next::Panicked(message) => failure!("ex06-stuck-panicked", what, message),
        Next::TimedOut => failure!("ex06-stuck-timed-out", what, seconds = WATCHDOG.as_secs()),
        Next::Item(_) | Next::Ended => failure!("ex06-stuck-ended", what),
    }
}
