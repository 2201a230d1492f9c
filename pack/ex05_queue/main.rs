//! Hidden checks of ex05_queue: the student's `BoundedQueue` is driven from this program and
//! watched from inside the same process.
//!
//! Most checks run producers and consumers on real threads, each one call of student code that
//! may block on a thread of its own (`pack_support::watch::call`), so a check can wait for it
//! with a watchdog and read that very thread's state, CPU time and wake-ups in
//! `/proc/self/task/TID`. The last check runs a small producer/consumer scenario under hundreds
//! of thread schedules on shuttle, through the `course_sync` facade (`check::explore`); a
//! failing schedule is reported with the token that replays it (`CHECKER_SYNC_REPLAY`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use course_sync::check::{FailureKind, ScheduleFailure};
use ex05_queue::{BoundedQueue, Closed};
use pack_support::rng::{self, Rng};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Call, Next};
use pack_support::{failure, proc, text, Context, Failure, Verdict};

use pack_support::explore::{self, Doing};

fn main() {
    // The facade's recording (wait-for cycles, blocked threads) speaks the student's language.
    course_sync::check::speak_with(pack_support::text::speak);
    pack_support::main(pack_support::checks![
        delivers_each_item_once,
        capacity_never_exceeded,
        blocked_calls_use_no_cpu,
        close_wakes_every_waiter,
        close_keeps_queued_items,
        close_twice_is_harmless,
        queries_tell_the_state,
        every_arrival_wakes_a_waiter,
        no_lost_wakeup_in_explored_schedules
    ])
}

/// How long a check waits for student code that should finish at once.
const WATCHDOG: Duration = Duration::from_secs(3);

// ---------------------------------------------------------------------------------------------
// Many producers and consumers on real threads

/// Observes `each-item-once`, `get-waits-while-empty`, `no-lost-wakeup` and
/// `none-only-when-closed-and-empty`: 4 producers and 4 consumers on real threads.
fn delivers_each_item_once(_ctx: &Context) -> Verdict {
    let plan = Traffic { producers: 4, consumers: 4, per_producer: 400, capacity: 4 };
    let delivered = plan.run()?;
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for &item in delivered.iter().flatten() {
        *counts.entry(item).or_default() += 1;
    }
    let twice: Vec<u32> = counts.iter().filter(|(_, &n)| n > 1).map(|(&item, _)| item).collect();
    let missing: Vec<u32> = plan.items().filter(|item| !counts.contains_key(item)).collect();
    let strange: Vec<u32> = counts.keys().copied().filter(|&item| !plan.is_item(item)).collect();
    let total = plan.producers * plan.per_producer;
    if !twice.is_empty() {
        return Err(failure!("ex05-delivered-twice", count = twice.len(), examples = some(&twice), total));
    }
    if !missing.is_empty() || !strange.is_empty() {
        let (missing, examples) = (missing.len(), some(&missing));
        return Err(if strange.is_empty() {
            failure!("ex05-items-missing", missing, total, examples)
        } else {
            failure!("ex05-items-missing-and-strange", missing, total, examples, strange = some(&strange))
        });
    }
    Ok(())
}

/// Producers putting numbered items and consumers getting them until the queue is closed and
/// empty, all on real threads. The queue is closed once every producer has finished.
#[derive(Clone, Copy)]
struct Traffic {
    producers: usize,
    consumers: usize,
    per_producer: usize,
    capacity: usize,
}

/// What the threads of a [`Traffic`] run tell the check as it happens.
enum Event {
    /// A consumer's get() returned None while the queue was still open.
    EarlyNone { consumer: usize, after: usize },
    /// A producer's put() failed while the queue was still open.
    Refused { producer: usize, item: u32 },
    /// A thread panicked.
    Panicked(String),
    /// len() was more than the capacity.
    Overfull(usize),
    /// Every thread finished: the items each consumer received, in order.
    Finished(Vec<Vec<u32>>),
}

impl Traffic {
    /// Item number `i` of producer `p`.
    fn item(p: usize, i: usize) -> u32 {
        (p * 100_000 + i) as u32
    }

    fn items(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.producers).flat_map(move |p| (0..self.per_producer).map(move |i| Traffic::item(p, i)))
    }

    fn is_item(&self, item: u32) -> bool {
        let (p, i) = (item as usize / 100_000, item as usize % 100_000);
        p < self.producers && i < self.per_producer
    }

    fn describe(&self) -> String {
        text!(
            "ex05-traffic",
            producers = self.producers,
            per_producer = self.per_producer,
            consumers = self.consumers,
            capacity = self.capacity
        )
    }

    /// Runs the traffic; the items each consumer received, or a failure. Also samples len()
    /// as the consumers go, and fails if it ever exceeds the capacity.
    fn run(self) -> Result<Vec<Vec<u32>>, Failure> {
        let queue = Arc::new(BoundedQueue::new(self.capacity));
        let closed = Arc::new(AtomicBool::new(false));
        let put = Arc::new(AtomicUsize::new(0));
        let got = Arc::new(AtomicUsize::new(0));
        // Consumers whose get() returned None after close().
        let ended = Arc::new(AtomicUsize::new(0));
        let (events, seen) = mpsc::channel();
        let producers: Vec<_> = (0..self.producers)
            .map(|p| {
                let (queue, closed, put, events) = (queue.clone(), closed.clone(), put.clone(), events.clone());
                spawn(format!("producer-{}", p + 1), move || {
                    for i in 0..self.per_producer {
                        let item = Traffic::item(p, i);
                        if queue.put(item).is_err() && !closed.load(Ordering::SeqCst) {
                            let _ = events.send(Event::Refused { producer: p + 1, item });
                            return;
                        }
                        put.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        // The consumers' kernel thread ids, so that close() can wait until they all sleep.
        let tids = Arc::new(std::sync::Mutex::new(Vec::new()));
        let consumers: Vec<_> = (0..self.consumers)
            .map(|c| {
                let (queue, closed, got, ended, events) =
                    (queue.clone(), closed.clone(), got.clone(), ended.clone(), events.clone());
                let tids = tids.clone();
                spawn(format!("consumer-{}", c + 1), move || {
                    tids.lock().unwrap_or_else(|e| e.into_inner()).push(proc::current_tid());
                    let mut mine = Vec::new();
                    while let Some(item) = queue.get() {
                        mine.push(item);
                        got.fetch_add(1, Ordering::SeqCst);
                        let len = queue.len();
                        if len > self.capacity {
                            let _ = events.send(Event::Overfull(len));
                        }
                    }
                    if !closed.load(Ordering::SeqCst) {
                        let _ = events.send(Event::EarlyNone { consumer: c + 1, after: mine.len() });
                    }
                    ended.fetch_add(1, Ordering::SeqCst);
                    mine
                })
            })
            .collect();
        {
            // Closes the queue once every producer is done, then collects what the consumers got.
            let (queue, closed) = (queue.clone(), closed.clone());
            thread::Builder::new()
                .name("closer".into())
                .spawn(move || {
                    for producer in producers {
                        if let Err(payload) = producer.join() {
                            let _ = events.send(Event::Panicked(watch::panic_text(payload.as_ref())));
                            return;
                        }
                    }
                    // Close only once every consumer sleeps in get() (or has ended): then a
                    // close() that wakes a single waiter leaves the others asleep in every run,
                    // not only when the consumers happen to be slow.
                    let pid = std::process::id();
                    let deadline = Instant::now() + Duration::from_millis(300);
                    while Instant::now() < deadline
                        && !tids
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .iter()
                            .all(|&tid| matches!(proc::thread_state(pid, tid), None | Some('S' | 'D')))
                    {
                        thread::sleep(Duration::from_millis(2));
                    }
                    closed.store(true, Ordering::SeqCst);
                    queue.close();
                    let mut delivered = Vec::new();
                    for consumer in consumers {
                        match consumer.join() {
                            Ok(mine) => delivered.push(mine),
                            Err(payload) => {
                                let _ = events.send(Event::Panicked(watch::panic_text(payload.as_ref())));
                                return;
                            }
                        }
                    }
                    let _ = events.send(Event::Finished(delivered));
                })
                .expect("starting the closer thread");
        }
        let total = self.producers * self.per_producer;
        let (cpu_before, started) = (process_cpu(), Instant::now());
        let deadline = Instant::now() + WATCHDOG * 2;
        let event = seen.recv_timeout(deadline.saturating_duration_since(Instant::now()));
        let progress = || {
            text!("ex05-traffic-progress", put = put.load(Ordering::SeqCst), total, got = got.load(Ordering::SeqCst))
        };
        match event {
            Ok(Event::Finished(delivered)) => Ok(delivered),
            Ok(Event::EarlyNone { consumer, after }) => {
                Err(failure!("ex05-early-none", traffic = self.describe(), consumer, after, progress = progress()))
            }
            Ok(Event::Refused { producer, item }) => {
                Err(failure!("ex05-refused-while-open", producer, item, progress = progress()))
            }
            Ok(Event::Overfull(len)) => {
                Err(failure!("ex05-overfull", traffic = self.describe(), len, capacity = self.capacity))
            }
            Ok(Event::Panicked(message)) => Err(failure!("ex05-thread-panicked", message)),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                // Whether the process kept at least half a CPU busy while the check waited: a
                // thread spinning rather than blocked.
                let (cpu, wall) = (process_cpu().saturating_sub(cpu_before), started.elapsed());
                let busy = cpu * 2 >= wall;
                let note = if busy {
                    text!("ex05-spinning-note", cpu = cpu.as_millis() as u64, wall = wall.as_millis() as u64)
                } else {
                    String::new()
                };
                let waited = (WATCHDOG * 2).as_secs();
                let (traffic, consumers) = (self.describe(), self.consumers);
                let still = self.consumers - ended.load(Ordering::SeqCst);
                if closed.load(Ordering::SeqCst) && got.load(Ordering::SeqCst) == total {
                    return Err(if busy {
                        failure!("ex05-consumers-stuck-spinning", traffic, total, waited, still, consumers, note)
                    } else {
                        failure!("ex05-consumers-not-woken", traffic, total, waited, still, consumers, note)
                    });
                }
                let progress = progress();
                Err(if busy {
                    failure!("ex05-traffic-spinning", traffic, waited, progress, note, total)
                } else {
                    failure!("ex05-traffic-stalled", traffic, waited, progress, note, total)
                })
            }
        }
    }
}

/// Observes `capacity-never-exceeded`, `no-lost-wakeup` and `len-and-is-closed`: put() blocks
/// exactly when the queue is full, and len() never exceeds the capacity under contention.
fn capacity_never_exceeded(_ctx: &Context) -> Verdict {
    const CAPACITY: usize = 4;
    const ITEMS: usize = 12;
    // One producer, no consumer: put() must block on the fifth item.
    let queue = Arc::new(BoundedQueue::new(CAPACITY));
    let accepted = Arc::new(AtomicUsize::new(0));
    let producer = {
        let (queue, accepted) = (queue.clone(), accepted.clone());
        watch::call("producer", move || {
            for i in 0..ITEMS {
                if let Err(Closed(_)) = queue.put(i) {
                    break;
                }
                accepted.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let deadline = Instant::now() + WATCHDOG;
    while accepted.load(Ordering::SeqCst) < CAPACITY && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    // Give a put() that ignores the capacity time to run ahead.
    thread::sleep(Duration::from_millis(200));
    let took = accepted.load(Ordering::SeqCst);
    let len = {
        let queue = queue.clone();
        match watch::call("len", move || queue.len()).outcome(WATCHDOG) {
            Next::Item(len) => Some(len),
            _ => None,
        }
    };
    let len_note = len.map_or_else(|| text!("ex05-len-did-not-return"), |len| text!("ex05-len-returns", len));
    if took > CAPACITY || len.is_some_and(|len| len > CAPACITY) {
        return Err(failure!("ex05-put-ignores-capacity", took, items = ITEMS, capacity = CAPACITY, len_note));
    }
    if took < CAPACITY {
        return Err(failure!("ex05-put-blocks-too-early", took, capacity = CAPACITY, len_note));
    }
    match producer.outcome(Duration::ZERO) {
        Next::Panicked(message) => return Err(panicked(&text!("ex05-what-put-with-room"), &message)),
        Next::Item(()) => {
            return Err(failure!("ex05-put-on-full-returned", item = CAPACITY + 1, items = ITEMS, capacity = CAPACITY))
        }
        Next::TimedOut | Next::Ended => {}
    }
    // Make room: the blocked put() must go on.
    let queue2 = queue.clone();
    let first = watch::call("consumer", move || queue2.get());
    if !matches!(first.outcome(WATCHDOG), Next::Item(Some(0))) {
        return Err(failure!("ex05-get-on-full-stuck", secs = WATCHDOG.as_secs()));
    }
    let deadline = Instant::now() + WATCHDOG;
    while accepted.load(Ordering::SeqCst) == CAPACITY && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    if accepted.load(Ordering::SeqCst) == CAPACITY {
        return Err(failure!("ex05-producer-not-woken", secs = WATCHDOG.as_secs()));
    }

    queue.close();

    // Many producers and consumers: len() never above the capacity.
    Traffic { producers: 3, consumers: 3, per_producer: 300, capacity: 2 }.run()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Blocking without burning the CPU

/// Observes `blocked-calls-use-no-cpu` and `get-waits-while-empty`: the CPU time and wake-ups
/// of a get() on an empty queue and a put() on a full one, read from /proc while they wait. A
/// thread blocked on a condition variable sleeps until notified: it does not wake at all while
/// nothing changes, so two wake-ups in the window are a timed wait that polls (a wait_timeout
/// in a loop, which also hides a lost notification behind its period).
fn blocked_calls_use_no_cpu(_ctx: &Context) -> Verdict {
    const WINDOW: Duration = Duration::from_secs(2);
    /// Wake-ups in the window that make a poll: one may be a spurious wake-up.
    const POLLING: u64 = 2;
    timing::decide(2, |_| {
        let empty = Arc::new(BoundedQueue::<u32>::new(2));
        let full = Arc::new(BoundedQueue::<u32>::new(1));
        let filled = run_within(WATCHDOG, {
            let full = full.clone();
            move || full.put(1)
        });
        match filled {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return fatal(failure!("ex05-put-refused-on-new-queue")),
            Err(f) => return fatal(f),
        }
        let getter = {
            let empty = empty.clone();
            watch::call("consumer", move || empty.get())
        };
        let putter = {
            let full = full.clone();
            watch::call("producer", move || full.put(2))
        };
        // Let both reach their wait.
        let deadline = Instant::now() + Duration::from_millis(500);
        thread::sleep(Duration::from_millis(50));
        while !(getter.is_asleep() && putter.is_asleep()) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        let (on_empty, on_full) = (text!("ex05-what-get-on-empty"), text!("ex05-what-put-on-full"));
        match getter.outcome(Duration::ZERO) {
            Next::Item(value) => return fatal(failure!("ex05-get-returned-at-once", value = format!("{value:?}"))),
            Next::Panicked(message) => return fatal(panicked(&on_empty, &message)),
            _ => {}
        }
        match putter.outcome(Duration::ZERO) {
            Next::Item(result) => return fatal(failure!("ex05-put-returned-at-once", result = format!("{result:?}"))),
            Next::Panicked(message) => return fatal(panicked(&on_full, &message)),
            _ => {}
        }
        let usage = watch::usage_over(&[getter.tid(), putter.tid()], WINDOW);
        // Release both: each must return.
        let woke = run_within(WATCHDOG, {
            let (empty, full) = (empty.clone(), full.clone());
            move || (empty.put(7).is_ok(), full.get())
        });
        let (got, put) = (getter.outcome(WATCHDOG), putter.outcome(WATCHDOG));
        let judged = [(on_empty, &usage[0]), (on_full, &usage[1])];
        let summary = judged
            .iter()
            .map(|(what, u)| match u {
                Some(u) => text!(
                    "ex05-usage-summary",
                    what,
                    cpu = u.cpu.as_millis() as u64,
                    sleeps = u.sleeps,
                    wall = u.wall.as_millis() as u64
                ),
                None => text!("ex05-usage-thread-gone", what),
            })
            .collect::<Vec<_>>()
            .join("; ");
        for (what, u) in judged {
            let Some(u) = u else { continue };
            let wall = u.wall.as_millis() as u64;
            if u.busy(0.1) {
                return Measurement {
                    judgement: Judgement::Fail(failure!("ex05-blocked-call-spins", what, usage = u.describe())),
                    summary,
                };
            }
            if u.sleeps >= POLLING {
                return Measurement {
                    judgement: Judgement::Fail(failure!("ex05-blocked-call-polls", what, sleeps = u.sleeps, wall)),
                    summary,
                };
            }
        }
        if let Err(f) = woke {
            return fatal(f);
        }
        if !matches!(got, Next::Item(Some(7))) {
            return fatal(failure!("ex05-consumer-not-woken-by-put", outcome = describe_next(&got, WATCHDOG)));
        }
        if !matches!(put, Next::Item(Ok(()))) {
            return fatal(failure!("ex05-producer-not-woken-by-get", outcome = describe_next(&put, WATCHDOG)));
        }
        Measurement { judgement: Judgement::Pass, summary }
    })
}

fn fatal(failure: Failure) -> Measurement {
    Measurement { summary: failure.observed.clone(), judgement: Judgement::Fatal(failure) }
}

fn describe_next<T: std::fmt::Debug>(next: &Next<T>, waited: Duration) -> String {
    match next {
        Next::Item(value) => text!("ex05-next-returned", value = format!("{value:?}")),
        Next::Panicked(message) => text!("ex05-next-panicked", message),
        Next::TimedOut | Next::Ended => text!("ex05-next-still-blocked", secs = waited.as_secs_f64()),
    }
}

fn panicked(what: &str, message: &str) -> Failure {
    failure!("ex05-panicked", what, message)
}

// ---------------------------------------------------------------------------------------------
// close()

/// Observes `close-wakes-every-waiter`, `put-after-close-gives-item-back` and
/// `blocked-calls-use-no-cpu` (many waiters at once): five threads in get() and five in put()
/// stay quiet while nothing changes, then close() wakes them all.
fn close_wakes_every_waiter(_ctx: &Context) -> Verdict {
    const WAITERS: usize = 5;
    let (empty, full, consumers, producers) = waiters_on_both_sides(WAITERS)?;
    // Wait until all of them sleep in their call (or give up after a while: they are then
    // judged by what they return).
    let deadline = Instant::now() + Duration::from_secs(1);
    thread::sleep(Duration::from_millis(50));
    while !(consumers.iter().all(|c| c.is_asleep()) && producers.iter().all(|p| p.is_asleep()))
        && Instant::now() < deadline
    {
        thread::sleep(Duration::from_millis(5));
    }
    thread::sleep(Duration::from_millis(50));
    for c in &consumers {
        if let Next::Item(value) = c.outcome(Duration::ZERO) {
            return Err(failure!("ex05-get-returned-before-close", value = format!("{value:?}")));
        }
    }
    // Many waiters on one condition variable: together they must stay as quiet as one. A
    // blocked thread uses no CPU and never wakes, however busy the machine, so this needs no
    // calibration; waiters that pass wake-ups on to each other keep the CPU busy.
    let tids: Vec<u32> = consumers.iter().map(|c| c.tid()).chain(producers.iter().map(|p| p.tid())).collect();
    let usage = watch::usage_over(&tids, Duration::from_millis(300));
    let (cpu, sleeps) = usage.iter().flatten().fold((Duration::ZERO, 0), |(c, s), u| (c + u.cpu, s + u.sleeps));
    let wall = usage.iter().flatten().map(|u| u.wall).max().unwrap_or_default();
    let (cpu_ms, wall_ms) = (cpu.as_millis() as u64, wall.as_millis() as u64);
    pack_support::measured(text!("ex05-waiters-measured", waiters = 2 * WAITERS, cpu = cpu_ms, sleeps, wall = wall_ms));
    if cpu * 4 >= wall || sleeps > 30 {
        return Err(failure!("ex05-waiters-wake-each-other", waiters = WAITERS, cpu = cpu_ms, sleeps, wall = wall_ms));
    }
    run_within(WATCHDOG, {
        let (empty, full) = (empty.clone(), full.clone());
        move || {
            empty.close();
            full.close();
        }
    })?;
    let deadline = Instant::now() + WATCHDOG;
    let left = |deadline: Instant| deadline.saturating_duration_since(Instant::now());
    let mut woke_consumers = 0;
    for c in &consumers {
        match c.outcome(left(deadline)) {
            Next::Item(None) => woke_consumers += 1,
            Next::Item(Some(value)) => return Err(failure!("ex05-closed-get-gave-some", name = c.name(), value)),
            Next::Panicked(message) => {
                return Err(panicked(&text!("ex05-what-get-after-close", name = c.name()), &message))
            }
            Next::TimedOut | Next::Ended => {}
        }
    }
    let mut woke_producers = 0;
    for (i, p) in producers.iter().enumerate() {
        match p.outcome(left(deadline)) {
            Next::Item(Err(Closed(item))) if item == i => woke_producers += 1,
            Next::Item(Err(Closed(back))) => {
                return Err(failure!("ex05-closed-put-gave-other-item", name = p.name(), item = i, back))
            }
            Next::Item(Ok(())) => return Err(failure!("ex05-closed-put-gave-ok", name = p.name(), item = i)),
            Next::Panicked(message) => {
                return Err(panicked(&text!("ex05-what-put-after-close", name = p.name()), &message))
            }
            Next::TimedOut | Next::Ended => {}
        }
    }
    if woke_consumers < WAITERS || woke_producers < WAITERS {
        let (consumers, producers, waiters, secs) = (woke_consumers, woke_producers, WAITERS, WATCHDOG.as_secs());
        let still = 2 * WAITERS - woke_consumers - woke_producers;
        return Err(if woke_consumers + woke_producers == 0 {
            failure!("ex05-close-wakes-nobody", consumers, producers, waiters, secs, still)
        } else if woke_producers == 0 && woke_consumers == WAITERS {
            failure!("ex05-close-wakes-no-producer", consumers, producers, waiters, secs, still)
        } else if woke_consumers == 0 && woke_producers == WAITERS {
            failure!("ex05-close-wakes-no-consumer", consumers, producers, waiters, secs, still)
        } else {
            failure!("ex05-close-wakes-only-some", consumers, producers, waiters, secs, still)
        });
    }
    Ok(())
}

/// Observes `close-keeps-queued-items`, `fifo`, `put-after-close-gives-item-back`,
/// `none-only-when-closed-and-empty`, `len-and-is-closed` and `closed-is-an-error` (the error a
/// refused put() returns shows as text, with Debug and Display, whatever the item).
fn close_keeps_queued_items(_ctx: &Context) -> Verdict {
    // An item type without Debug: Closed<T> must still show itself (put(..).unwrap() works).
    struct Opaque;
    let (debug, display) = (format!("{:?}", Closed(Opaque)), Closed(Opaque).to_string());
    if debug.is_empty() || display.is_empty() {
        return Err(failure!(
            "ex05-closed-shows-nothing",
            debug = format!("{debug:?}"),
            display = format!("{display:?}")
        ));
    }
    #[derive(Debug)]
    enum Step {
        Len(usize, bool),
        PutAfterClose(Result<(), Closed<u32>>),
        Got(Option<u32>),
    }
    let scenario = watch::spawn("scenario", |report| {
        let queue = BoundedQueue::new(8);
        for i in 1..=5 {
            queue.put(i).expect("put() on an open queue with room");
        }
        queue.close();
        report.send(Step::Len(queue.len(), queue.is_closed()));
        report.send(Step::PutAfterClose(queue.put(6)));
        for _ in 0..6 {
            report.send(Step::Got(queue.get()));
        }
    });
    let mut got = Vec::new();
    while got.len() < 6 {
        match scenario.next(WATCHDOG) {
            Next::Item(Step::Len(len, closed)) => {
                if !closed {
                    return Err(failure!("ex05-not-closed-after-close"));
                }
                if len != 5 {
                    return Err(failure!("ex05-close-lost-len", len));
                }
            }
            Next::Item(Step::PutAfterClose(result)) => match result {
                Err(Closed(6)) => {}
                other => return Err(failure!("ex05-put-after-close", result = format!("{other:?}"))),
            },
            Next::Item(Step::Got(item)) => {
                got.push(item);
                let want: Vec<Option<u32>> = (1..=5).map(Some).chain([None]).take(got.len()).collect();
                if got != want {
                    let shown = got.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ");
                    return Err(if got.last() == Some(&None) {
                        failure!("ex05-close-lost-items", got = shown)
                    } else {
                        failure!("ex05-not-fifo", got = shown)
                    });
                }
            }
            Next::Panicked(message) => return Err(panicked(&text!("ex05-what-put-close-get"), &message)),
            Next::TimedOut => {
                return Err(failure!("ex05-closed-get-waits", number = got.len() + 1, secs = WATCHDOG.as_secs()))
            }
            Next::Ended => return Err(failure!("ex05-scenario-ended-early")),
        }
    }

    Ok(())
}

// ---------------------------------------------------------------------------------------------
// len(), is_empty(), is_closed(), capacity()

/// Observes `len-and-is-closed` and `new-is-empty-and-open`: len(), is_empty(), is_closed()
/// and capacity() tell the queue's state step by step on one thread (also for items of size
/// zero, for which a VecDeque's own capacity is unbounded), and stay consistent while
/// producers, consumers and a closer work on the queue: len() never above the capacity,
/// capacity() fixed, is_closed() false before close() is called and true for good once it was.
fn queries_tell_the_state(_ctx: &Context) -> Verdict {
    for capacity in [1usize, 3, 7] {
        run_within(WATCHDOG, move || queries_step_by_step::<u32>(capacity, "u32", |i| i as u32))??;
    }
    run_within(WATCHDOG, || queries_step_by_step::<()>(3, "()", |_| ()))??;
    let seed = rng::seed();
    let scenario = watch::spawn("rounds", move |report| report.send(queries_under_traffic(seed)));
    match scenario.next(WATCHDOG * 3) {
        Next::Item(verdict) => verdict,
        Next::Panicked(message) => {
            Err(panicked(&text!("ex05-what-queries-traffic", hint = rng::replay_hint(seed, "ex05")), &message))
        }
        Next::TimedOut | Next::Ended => Err(failure!(
            "ex05-queries-rounds-stuck",
            secs = (WATCHDOG * 3).as_secs(),
            hint = rng::replay_hint(seed, "ex05")
        )),
    }
}

/// Why a query's answer is wrong, by query.
fn query_why(query: &str) -> String {
    match query {
        "capacity()" => text!("ex05-why-capacity"),
        "len()" => text!("ex05-why-len"),
        "is_empty()" => text!("ex05-why-is-empty"),
        _ => text!("ex05-why-is-closed"),
    }
}

/// One query's answer against the expected one, after the calls in `done`.
fn expect_query<V: PartialEq + std::fmt::Debug>(done: &[String], query: &str, seen: V, want: V) -> Result<(), Failure> {
    if seen == want {
        return Ok(());
    }
    Err(failure!(
        "ex05-query-wrong",
        done = done.join(", "),
        query,
        seen = format!("{seen:?}"),
        want = format!("{want:?}"),
        why = query_why(query)
    ))
}

/// new, put until full, a put that must block, get, close, close again, get until None: every
/// query checked after every step.
fn queries_step_by_step<T: Send + 'static>(capacity: usize, kind: &str, item: fn(usize) -> T) -> Result<(), Failure> {
    let queue = Arc::new(BoundedQueue::<T>::new(capacity));
    let mut done = vec![format!("BoundedQueue::<{kind}>::new({capacity})")];
    let all = |done: &[String], queue: &BoundedQueue<T>, len: usize, closed: bool| -> Result<(), Failure> {
        expect_query(done, "capacity()", queue.capacity(), capacity)?;
        expect_query(done, "len()", queue.len(), len)?;
        expect_query(done, "is_empty()", queue.is_empty(), len == 0)?;
        expect_query(done, "is_closed()", queue.is_closed(), closed)
    };
    all(&done, &queue, 0, false)?;
    for i in 0..capacity {
        if queue.put(item(i)).is_err() {
            return Err(failure!("ex05-put-refused-with-room", done = done.join(", ")));
        }
        done.push(format!("put() #{}", i + 1));
        all(&done, &queue, i + 1, false)?;
    }
    if kind == "()" {
        // A full queue of zero-sized items: put() must wait like any other.
        let extra = {
            let queue = queue.clone();
            watch::call("producer", move || queue.put(item(capacity)).is_ok())
        };
        if let Next::Item(accepted) = extra.outcome(Duration::from_millis(150)) {
            return Err(failure!(
                "ex05-zst-put-at-once",
                done = done.join(", "),
                result = if accepted { "Ok" } else { "Err" },
                capacity
            ));
        }
        queue.close();
        // Within the step-by-step's own watchdog, so that this wait is the one reported.
        return match extra.outcome(WATCHDOG / 2) {
            Next::Item(false) => Ok(()),
            other => {
                let outcome = match other {
                    Next::Item(_) => text!("ex05-zst-added-after-close"),
                    other => describe_next(&other, WATCHDOG / 2),
                };
                Err(failure!("ex05-zst-close-wakes-put", outcome))
            }
        };
    }
    let _ = queue.get();
    done.push("get()".into());
    all(&done, &queue, capacity - 1, false)?;
    queue.close();
    done.push("close()".into());
    all(&done, &queue, capacity - 1, true)?;
    queue.close();
    done.push(text!("ex05-step-close-again"));
    all(&done, &queue, capacity - 1, true)?;
    for left in (0..capacity - 1).rev() {
        let _ = queue.get();
        done.push("get()".into());
        all(&done, &queue, left, true)?;
    }
    Ok(())
}

/// Short rounds of producers, consumers, a closer and two observers calling the queries with
/// random pauses: the first inconsistency an observer saw, or an item count that does not add
/// up.
fn queries_under_traffic(seed: u64) -> Verdict {
    const LOOK: Duration = Duration::from_millis(500);
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut round = 0;
    while round < 20 || started.elapsed() < LOOK {
        round += 1;
        let capacity = 1 + rng.below(4) as usize;
        let per_producer = 20 + rng.below(30) as usize;
        // Half the rounds close while the producers still run.
        let early_close = rng.chance(50);
        let queue = Arc::new(BoundedQueue::<usize>::new(capacity));
        let close_started = Arc::new(AtomicBool::new(false));
        let close_done = Arc::new(AtomicBool::new(false));
        let over = Arc::new(AtomicBool::new(false));
        let producers: Vec<_> = (0..2)
            .map(|p| {
                let (queue, mut rng) = (queue.clone(), rng.split());
                spawn(format!("producer-{}", p + 1), move || {
                    let mut accepted = 0;
                    for i in 0..per_producer {
                        rng.jitter(Duration::from_micros(200));
                        if queue.put(p * 1000 + i).is_err() {
                            break;
                        }
                        accepted += 1;
                    }
                    accepted
                })
            })
            .collect();
        let consumers: Vec<_> = (0..2)
            .map(|c| {
                let (queue, mut rng) = (queue.clone(), rng.split());
                spawn(format!("consumer-{}", c + 1), move || {
                    let mut got = 0;
                    while queue.get().is_some() {
                        got += 1;
                        rng.jitter(Duration::from_micros(200));
                    }
                    got
                })
            })
            .collect();
        let observers: Vec<_> = (0..2)
            .map(|o| {
                let (queue, mut rng) = (queue.clone(), rng.split());
                let (close_started, close_done, over) = (close_started.clone(), close_done.clone(), over.clone());
                // The first wrong answer: the query and what it returned.
                spawn(format!("observer-{}", o + 1), move || -> Option<(&'static str, String)> {
                    let mut seen_closed = false;
                    while !over.load(Ordering::SeqCst) {
                        // Read before the query: close() had returned before it started.
                        let had_closed = close_done.load(Ordering::SeqCst);
                        let len = queue.len();
                        if len > capacity {
                            return Some(("len()", text!("ex05-observed-len", len, capacity)));
                        }
                        let cap = queue.capacity();
                        if cap != capacity {
                            return Some(("capacity()", text!("ex05-observed-capacity", cap, capacity)));
                        }
                        let closed = queue.is_closed();
                        // Read after the query: close() had started before it returned true.
                        let was_started = close_started.load(Ordering::SeqCst);
                        if closed && !was_started {
                            return Some(("is_closed()", text!("ex05-observed-closed-early")));
                        }
                        if !closed && seen_closed {
                            return Some(("is_closed()", text!("ex05-observed-reopened")));
                        }
                        if !closed && had_closed {
                            return Some(("is_closed()", text!("ex05-observed-open-after-close")));
                        }
                        seen_closed |= closed;
                        let _ = queue.is_empty();
                        rng.jitter(Duration::from_micros(300));
                    }
                    None
                })
            })
            .collect();
        let close = || {
            close_started.store(true, Ordering::SeqCst);
            queue.close();
            close_done.store(true, Ordering::SeqCst);
        };
        if early_close {
            thread::sleep(Duration::from_micros(rng.below(1500)));
            close();
        }
        let accepted: usize =
            producers.into_iter().map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).sum();
        if !early_close {
            close();
        }
        let got: usize = consumers.into_iter().map(|c| c.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).sum();
        over.store(true, Ordering::SeqCst);
        let wrong: Option<(&str, String)> =
            observers.into_iter().filter_map(|o| o.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).next();
        let close_when =
            if early_close { text!("ex05-close-while-producers-ran") } else { text!("ex05-close-after-producers") };
        let hint = rng::replay_hint(seed, "ex05");
        let when = text!("ex05-queries-round", round, capacity, per_producer, close = close_when, hint);
        if let Some((query, wrong)) = wrong {
            let why = query_why(query);
            return Err(if query == "len()" {
                failure!("ex05-query-inconsistent-len", wrong, when, why)
            } else {
                failure!("ex05-query-inconsistent", wrong, when, why)
            });
        }
        // len() is a query under test here, compared with the count it must give.
        let (len, empty, closed) = (queue.len(), queue.is_empty(), queue.is_closed());
        if got != accepted || len != 0 || !empty || !closed {
            return Err(failure!(
                "ex05-traffic-count-wrong",
                when,
                accepted,
                got,
                len,
                empty = empty.to_string(),
                closed = closed.to_string()
            ));
        }
    }
    pack_support::measured(text!("ex05-queries-measured", rounds = round));

    Ok(())
}

// ---------------------------------------------------------------------------------------------
// close() twice

/// Observes `close-twice-harmless` (with `put-after-close-gives-item-back`,
/// `close-keeps-queued-items` and `fifo` around it): close() twice on a queue with items, two
/// close() calls at once over waiting threads, and hundreds of short rounds in which two
/// closers race a producer and a consumer at random moments.
fn close_twice_is_harmless(_ctx: &Context) -> Verdict {
    // One thread: close twice on a queue holding items, and once more when it is empty.
    let sequence = run_within(WATCHDOG, || {
        let queue = BoundedQueue::new(4);
        let mut seen = Vec::new();
        for i in 1..=3 {
            seen.push(format!("put({i}) -> {:?}", queue.put(i)));
        }
        queue.close();
        queue.close();
        seen.push(format!("close(), close(); is_closed() -> {}", queue.is_closed()));
        seen.push(format!("put(9) -> {:?}", queue.put(9).map_err(Closed::into_inner)));
        for _ in 0..4 {
            seen.push(format!("get() -> {:?}", queue.get()));
        }
        queue.close();
        seen.push(format!("close(); get() -> {:?}", queue.get()));
        seen
    });
    let want = [
        "put(1) -> Ok(())",
        "put(2) -> Ok(())",
        "put(3) -> Ok(())",
        "close(), close(); is_closed() -> true",
        "put(9) -> Err(9)",
        "get() -> Some(1)",
        "get() -> Some(2)",
        "get() -> Some(3)",
        "get() -> None",
        "close(); get() -> None",
    ];
    match sequence {
        Ok(seen) if seen == want => {}
        Ok(seen) => return Err(failure!("ex05-close-twice-sequence", seen = seen.join("; "), want = want.join("; "))),
        Err(f) => return Err(failure!("ex05-close-twice-stuck", failure = f.observed)),
    }
    close_twice_over_waiters()?;
    let seed = rng::seed();
    let scenario = watch::spawn("rounds", move |report| report.send(closers_race(seed)));
    match scenario.next(WATCHDOG * 3) {
        Next::Item(verdict) => verdict,
        Next::Panicked(message) => {
            Err(panicked(&text!("ex05-what-closers-race", hint = rng::replay_hint(seed, "ex05")), &message))
        }
        Next::TimedOut | Next::Ended => Err(failure!(
            "ex05-closers-rounds-stuck",
            secs = (WATCHDOG * 3).as_secs(),
            hint = rng::replay_hint(seed, "ex05")
        )),
    }
}

/// A queue of capacity 1 left empty and one left full, with `n` threads calling get() on the
/// empty one and `n` calling put() on the full one (each call on a watched thread of its own).
#[allow(clippy::type_complexity)]
fn waiters_on_both_sides(
    n: usize,
) -> Result<
    (
        Arc<BoundedQueue<usize>>,
        Arc<BoundedQueue<usize>>,
        Vec<Call<Option<usize>>>,
        Vec<Call<Result<(), Closed<usize>>>>,
    ),
    Failure,
> {
    let empty = Arc::new(BoundedQueue::<usize>::new(1));
    let full = Arc::new(BoundedQueue::<usize>::new(1));
    run_within(WATCHDOG, {
        let full = full.clone();
        move || full.put(999).is_ok()
    })?;
    let getters: Vec<Call<Option<usize>>> = (0..n)
        .map(|i| {
            let empty = empty.clone();
            watch::call(&format!("consumer-{}", i + 1), move || empty.get())
        })
        .collect();
    let putters: Vec<Call<Result<(), Closed<usize>>>> = (0..n)
        .map(|i| {
            let full = full.clone();
            watch::call(&format!("producer-{}", i + 1), move || full.put(i))
        })
        .collect();
    Ok((empty, full, getters, putters))
}

/// Three threads blocked in get() and three in put(), then two threads calling close() at
/// once on each queue: every waiter returns, every closer returns.
fn close_twice_over_waiters() -> Verdict {
    const WAITERS: usize = 3;
    let (empty, full, getters, putters) = waiters_on_both_sides(WAITERS)?;
    let deadline = Instant::now() + Duration::from_secs(1);
    while !(getters.iter().all(|c| c.is_asleep()) && putters.iter().all(|p| p.is_asleep())) && Instant::now() < deadline
    {
        thread::sleep(Duration::from_millis(5));
    }
    let gate = Arc::new(std::sync::Barrier::new(2));
    let closers: Vec<Call<()>> = (0..2)
        .map(|i| {
            let (empty, full, gate) = (empty.clone(), full.clone(), gate.clone());
            watch::call(&format!("closer-{}", i + 1), move || {
                gate.wait();
                empty.close();
                full.close();
            })
        })
        .collect();
    let deadline = Instant::now() + WATCHDOG;
    let left = || deadline.saturating_duration_since(Instant::now());
    for c in &closers {
        match c.outcome(left()) {
            Next::Item(()) => {}
            Next::Panicked(message) => {
                return Err(failure!("ex05-concurrent-close-panicked", name = c.name(), message))
            }
            Next::TimedOut | Next::Ended => {
                return Err(failure!("ex05-concurrent-close-hangs", name = c.name(), secs = WATCHDOG.as_secs()))
            }
        }
    }
    let mut still = Vec::new();
    for c in &getters {
        match c.outcome(left()) {
            Next::Item(None) => {}
            Next::Item(Some(v)) => return Err(failure!("ex05-closed-get-gave-some", name = c.name(), value = v)),
            Next::Panicked(message) => {
                return Err(panicked(&text!("ex05-what-get-after-two-closes", name = c.name()), &message))
            }
            Next::TimedOut | Next::Ended => still.push(c.name().to_owned()),
        }
    }
    for (i, p) in putters.iter().enumerate() {
        match p.outcome(left()) {
            Next::Item(Err(Closed(item))) if item == i => {}
            Next::Item(other) => {
                return Err(failure!(
                    "ex05-put-after-two-closes",
                    name = p.name(),
                    item = i,
                    result = format!("{other:?}")
                ))
            }
            Next::Panicked(message) => {
                return Err(panicked(&text!("ex05-what-put-after-two-closes", name = p.name()), &message))
            }
            Next::TimedOut | Next::Ended => still.push(p.name().to_owned()),
        }
    }
    if !still.is_empty() {
        return Err(failure!(
            "ex05-two-closes-waiters-stuck",
            waiters = WAITERS,
            secs = WATCHDOG.as_secs(),
            still = still.join(", ")
        ));
    }
    Ok(())
}

/// Rounds of one producer, one consumer and two closers that call close() at random moments:
/// the consumer receives exactly the items put() accepted, in order; every refused put() gives
/// back its own item, and once refused, put() keeps refusing.
fn closers_race(seed: u64) -> Verdict {
    const LOOK: Duration = Duration::from_millis(500);
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut round = 0;
    while round < 50 || started.elapsed() < LOOK {
        round += 1;
        let capacity = 1 + rng.below(3) as usize;
        let items = 10 + rng.below(30) as usize;
        let queue = Arc::new(BoundedQueue::<usize>::new(capacity));
        let producer = {
            let (queue, mut rng) = (queue.clone(), rng.split());
            spawn("producer".into(), move || -> Result<Vec<usize>, String> {
                let mut accepted = Vec::new();
                for i in 0..items {
                    rng.jitter(Duration::from_micros(100));
                    match queue.put(i) {
                        Ok(()) => accepted.push(i),
                        Err(Closed(back)) if back != i => {
                            return Err(text!("ex05-race-put-gave-other-item", item = i, back))
                        }
                        Err(_) => {
                            return match queue.put(items + 1) {
                                Err(_) => Ok(accepted),
                                Ok(()) => {
                                    Err(text!("ex05-race-put-accepted-after-refusal", item = i, next = items + 1))
                                }
                            }
                        }
                    }
                }
                Ok(accepted)
            })
        };
        let consumer = {
            let (queue, mut rng) = (queue.clone(), rng.split());
            spawn("consumer".into(), move || {
                let mut got = Vec::new();
                while let Some(item) = queue.get() {
                    got.push(item);
                    rng.jitter(Duration::from_micros(100));
                }
                got
            })
        };
        let closers: Vec<_> = (0..2)
            .map(|c| {
                let (queue, mut rng) = (queue.clone(), rng.split());
                let wait = Duration::from_micros(rng.below(1500));
                spawn(format!("closer-{}", c + 1), move || {
                    thread::sleep(wait);
                    rng.jitter(Duration::from_micros(100));
                    queue.close();
                })
            })
            .collect();
        let when = text!("ex05-closers-round", round, capacity, items, hint = rng::replay_hint(seed, "ex05"));
        for closer in closers {
            if let Err(panic) = closer.join() {
                return Err(failure!("ex05-race-close-panicked", when, message = watch::panic_text(panic.as_ref())));
            }
        }
        let accepted = producer.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let got = consumer.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let accepted = match accepted {
            Ok(accepted) => accepted,
            Err(wrong) => return Err(failure!("ex05-race-refusal-wrong", when, wrong)),
        };
        if got != accepted {
            return Err(failure!(
                "ex05-race-delivery-wrong",
                when,
                accepted = accepted.len(),
                accepted_items = some_usize(&accepted),
                got = got.len(),
                got_items = some_usize(&got)
            ));
        }
    }
    pack_support::measured(text!("ex05-closers-measured", rounds = round));

    Ok(())
}

/// "0, 1, 2, 3, 4, …" (the first and last few).
fn some_usize(items: &[usize]) -> String {
    if items.len() <= 8 {
        return items.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
    }
    let head: Vec<String> = items[..4].iter().map(usize::to_string).collect();
    let tail: Vec<String> = items[items.len() - 3..].iter().map(usize::to_string).collect();
    format!("{}, …, {}", head.join(", "), tail.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Every change wakes a waiter

/// Observes `no-lost-wakeup`, `get-waits-while-empty` ("returns as soon as an item arrives")
/// and `capacity-never-exceeded` ("put waits while the queue is full, and only then"): several
/// threads blocked in get() while items arrive back to back, and several blocked in put() while
/// items leave back to back, on queues bigger than one item (where "the queue was empty" and
/// "the queue was full" are not the only changes a waiter may need).
fn every_arrival_wakes_a_waiter(_ctx: &Context) -> Verdict {
    let seed = rng::seed();
    let mut rng = Rng::new(seed);
    for round in 1..=30 {
        let waiters = 2 + rng.below(3) as usize;
        let consumers_side = round % 2 == 1;
        let capacity = if consumers_side { waiters + rng.below(3) as usize } else { 2 + rng.below(2) as usize };
        let queue = Arc::new(BoundedQueue::<usize>::new(capacity));
        if !consumers_side {
            run_within(WATCHDOG, {
                let queue = queue.clone();
                move || (0..capacity).all(|i| queue.put(1000 + i).is_ok())
            })?;
        }
        let calls: Vec<Call<bool>> = (0..waiters)
            .map(|i| {
                let queue = queue.clone();
                if consumers_side {
                    watch::call(&format!("consumer-{}", i + 1), move || queue.get().is_some())
                } else {
                    watch::call(&format!("producer-{}", i + 1), move || queue.put(i).is_ok())
                }
            })
            .collect();
        let deadline = Instant::now() + Duration::from_millis(500);
        while !calls.iter().all(|c| c.is_asleep()) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
        // Back to back, from one thread: the waiters have no time to run in between.
        let changer = {
            let queue = queue.clone();
            watch::call("changer", move || {
                for i in 0..waiters {
                    if consumers_side {
                        let _ = queue.put(i);
                    } else {
                        let _ = queue.get();
                    }
                }
            })
        };
        let limit = Instant::now() + WATCHDOG;
        let left = || limit.saturating_duration_since(Instant::now());
        let mut returned = 0;
        for c in &calls {
            match c.outcome(left()) {
                Next::Item(true) => returned += 1,
                Next::Item(false) => {
                    return Err(if consumers_side {
                        failure!("ex05-open-queue-ended-get", name = c.name())
                    } else {
                        failure!("ex05-open-queue-refused-put", name = c.name())
                    })
                }
                Next::Panicked(message) => return Err(panicked(c.name(), &message)),
                Next::TimedOut | Next::Ended => {}
            }
        }
        let _ = changer.outcome(left());
        if returned < waiters {
            let (secs, hint) = (WATCHDOG.as_secs(), rng::replay_hint(seed, "ex05"));
            return Err(if consumers_side {
                failure!("ex05-arrivals-lose-wakeups", waiters, capacity, secs, returned, round, hint)
            } else {
                failure!("ex05-departures-lose-wakeups", waiters, capacity, secs, returned, round, hint)
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Schedule exploration

/// Producers and consumers on a queue of capacity 1 under shuttle: every put() and get() is a
/// point where another thread may run next.
const EXPLORE_PRODUCERS: u32 = 2;
const EXPLORE_CONSUMERS: usize = 2;
const EXPLORE_ITEMS: u32 = 2;

/// The explored scenario. Its assertions are the failures the check explains; keep their
/// texts in step with `explain_schedule`.
fn explored_scenario() {
    Doing::reset();
    let queue = Arc::new(BoundedQueue::new(1));
    let closed = Arc::new(AtomicBool::new(false));
    let producers: Vec<_> = (0..EXPLORE_PRODUCERS)
        .map(|p| {
            let queue = queue.clone();
            named(format!("producer-{}", p + 1), move || {
                let who = format!("producer-{}", p + 1);
                for i in 0..EXPLORE_ITEMS {
                    let item = p * 10 + i;
                    Doing::now(&who, text!("ex05-doing-put", item));
                    if queue.put(item).is_err() {
                        let refused = text!("ex05-put-refused-in-schedule");
                        panic!("{refused}");
                    }
                    Doing::now(&who, text!("ex05-doing-len"));
                    let len = queue.len();
                    if len > 1 {
                        let overfull = text!("ex05-overfull-in-schedule", len);
                        panic!("OVERFULL: {overfull}");
                    }
                }
                Doing::now(&who, "finished");
            })
        })
        .collect();
    let consumers: Vec<_> = (0..EXPLORE_CONSUMERS)
        .map(|c| {
            let (queue, closed) = (queue.clone(), closed.clone());
            named(format!("consumer-{}", c + 1), move || {
                let who = format!("consumer-{}", c + 1);
                let mut mine = Vec::new();
                loop {
                    Doing::now(&who, text!("ex05-doing-get", received = mine.len()));
                    let Some(item) = queue.get() else { break };
                    mine.push(item);
                }
                Doing::now(&who, "finished");
                assert!(
                    closed.load(Ordering::SeqCst),
                    "EARLY_NONE: get() returned None while the queue was still open"
                );
                mine
            })
        })
        .collect();
    Doing::now("main", text!("ex05-doing-wait-producers"));
    for producer in producers {
        producer.join().expect("a producer panicked");
    }
    closed.store(true, Ordering::SeqCst);
    Doing::now("main", text!("ex05-doing-close"));
    queue.close();
    Doing::now("main", text!("ex05-doing-wait-consumers"));
    let mut delivered: Vec<u32> = Vec::new();
    for consumer in consumers {
        delivered.extend(consumer.join().expect("a consumer panicked"));
    }
    delivered.sort_unstable();
    let expected: Vec<u32> = (0..EXPLORE_PRODUCERS).flat_map(|p| (0..EXPLORE_ITEMS).map(move |i| p * 10 + i)).collect();
    if delivered != expected {
        let differ = text!("ex05-delivery-in-schedule");
        assert_eq!(delivered, expected, "DELIVERY: {differ}");
    }
}

/// Starts a named course_sync thread (the name shows in shuttle's reports).
fn named<T: Send + 'static>(
    name: String,
    f: impl FnOnce() -> T + Send + 'static,
) -> course_sync::thread::JoinHandle<T> {
    course_sync::thread::Builder::new().name(name).spawn(f).expect("starting a thread")
}

/// Observes `no-lost-wakeup`, `each-item-once`, `capacity-never-exceeded`,
/// `none-only-when-closed-and-empty` and `uses-the-facade`, over explored schedules.
fn no_lost_wakeup_in_explored_schedules(_ctx: &Context) -> Verdict {
    let bypass = |observed: String| failure!("ex05-bypasses-facade", observed);
    let probe = explore::uses_facade(WATCHDOG, || {
        let queue = BoundedQueue::new(2);
        let _ = queue.put(1);
        let _ = queue.put(2);
        (queue.get(), queue.get())
    });
    match probe {
        Ok(0) => return Err(bypass(text!("ex05-probe-took-no-lock"))),
        Ok(_) => {}
        Err(Some(message)) => return Err(panicked(&text!("ex05-what-probe"), &message)),
        Err(None) => return Err(never_returned(&text!("ex05-what-probe"))),
    }
    let description = text!(
        "ex05-explore-description",
        producers = EXPLORE_PRODUCERS,
        items = EXPLORE_ITEMS,
        consumers = EXPLORE_CONSUMERS
    );
    explore::explore(&explore::Exploration {
        exercise: "ex05",
        seed: 5,
        scenario: explored_scenario,
        explain: &|failure, found| explain_schedule(failure, &description, found),
        bypass: bypass(text!("ex05-exploring-saw-no-facade")),
    })
}

/// The explanation of a failing schedule, from its kind and the scenario's assertion texts.
fn explain_schedule(failure: &ScheduleFailure, description: &str, found: &str) -> Failure {
    let message = failure.message.lines().next().unwrap_or_default();
    match failure.kind {
        FailureKind::Deadlock => {
            let doing = Doing::last();
            // Whether some producer was still in put() and some consumer in get(), by the
            // states explored_scenario sets (every item and every count a consumer can reach).
            let mut items = (0..EXPLORE_PRODUCERS).flat_map(|p| (0..EXPLORE_ITEMS).map(move |i| p * 10 + i));
            let in_put = items.any(|item| Doing::any(&text!("ex05-doing-put", item)));
            let total = (EXPLORE_PRODUCERS * EXPLORE_ITEMS) as usize;
            let in_get = (0..=total).any(|received| Doing::any(&text!("ex05-doing-get", received)));
            if in_put && in_get {
                failure!("ex05-explore-deadlock-both-sides", description, doing, found)
            } else if Doing::is("main", &text!("ex05-doing-wait-consumers")) {
                failure!("ex05-explore-deadlock-after-close", description, doing, found)
            } else {
                failure!("ex05-explore-deadlock", description, doing, found)
            }
        }
        FailureKind::Panic if message.contains("EARLY_NONE") => failure!("ex05-explore-early-none", description, found),
        FailureKind::Panic if message.contains("OVERFULL") => {
            failure!("ex05-explore-overfull", description, message = message.trim_start_matches("OVERFULL: "), found)
        }
        FailureKind::Panic if message.contains("DELIVERY") => {
            failure!("ex05-explore-delivery", description, message, found)
        }
        FailureKind::Panic => failure!("ex05-explore-panic", description, message, found),
        FailureKind::TooManySteps => failure!("ex05-explore-too-many-steps", description, found),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// Runs `f` on a thread of its own and returns its value, or a failure if it panicked or did not
/// return within `limit`.
fn run_within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Result<T, Failure> {
    match watch::call("queue-call", f).outcome(limit) {
        Next::Item(value) => Ok(value),
        Next::Panicked(message) => Err(panicked(&text!("ex05-what-queue-call"), &message)),
        Next::TimedOut | Next::Ended => Err(never_returned(&text!("ex05-what-quick-call"))),
    }
}

/// The failure for calls that should have returned at once but did not within WATCHDOG.
fn never_returned(what: &str) -> Failure {
    failure!("ex05-never-returned", what, secs = WATCHDOG.as_secs())
}

/// Starts a named thread.
fn spawn<T: Send + 'static>(name: String, f: impl FnOnce() -> T + Send + 'static) -> thread::JoinHandle<T> {
    thread::Builder::new().name(name).spawn(f).expect("starting a thread")
}

/// "3, 17, 42" (at most 5 of them).
fn some(items: &[u32]) -> String {
    let mut shown: Vec<String> = items.iter().take(5).map(u32::to_string).collect();
    if items.len() > 5 {
        shown.push("…".into());
    }
    shown.join(", ")
}

/// The CPU time this whole process has used so far.
fn process_cpu() -> Duration {
    proc::cpu_time(std::process::id()).unwrap_or_default()
}
