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
use pack_support::{fail, proc, Context, Failure, Verdict};

#[path = "../shared/explore.rs"]
mod explore;

use explore::Doing;

fn main() {
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
    let expected = format!("each of the {total} items delivered to exactly one consumer");
    if !twice.is_empty() {
        return Err(fail(
            format!("{} items were delivered more than once, for example {}", twice.len(), some(&twice)),
            expected,
            "get() must take the item out of the queue (pop_front) while holding the lock, so that no other consumer can get it too",
        ));
    }
    if !missing.is_empty() || !strange.is_empty() {
        return Err(fail(
            format!(
                "{} of {total} items never reached a consumer (for example {}){}",
                missing.len(),
                some(&missing),
                if strange.is_empty() { String::new() } else { format!(", and get() returned items nobody put: {}", some(&strange)) }
            ),
            expected,
            "put() returned Ok for every item, so each must stay in the queue until one get() takes it, even when the queue is closed afterwards",
        ));
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
        format!(
            "{} producers putting {} items each and {} consumers on one BoundedQueue::new({})",
            self.producers, self.per_producer, self.consumers, self.capacity
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
            format!(
                "producers had put {} of {total} items and consumers had received {}",
                put.load(Ordering::SeqCst),
                got.load(Ordering::SeqCst)
            )
        };
        match event {
            Ok(Event::Finished(delivered)) => Ok(delivered),
            Ok(Event::EarlyNone { consumer, after }) => Err(fail(
                format!(
                    "with {}, consumer-{consumer}'s get() returned None after {after} items, while the queue was still open (close() had not been called; {})",
                    self.describe(),
                    progress()
                ),
                "get() blocks while the queue is empty and open; it returns None only once the queue is closed and empty",
                "a consumer that gets None stops for good, so items stay undelivered and producers block on a full queue: while the queue is empty and not closed, get() must wait on the condition variable (in a while loop), not return",
            )),
            Ok(Event::Refused { producer, item }) => Err(fail(
                format!("producer-{producer}'s put({item}) returned Err while the queue was open ({})", progress()),
                "put() waits for room and returns Ok while the queue is open",
                "put() may only refuse an item once close() has been called",
            )),
            Ok(Event::Overfull(len)) => Err(fail(
                format!("with {}, len() returned {len}", self.describe()),
                format!("never more than {} items in the queue", self.capacity),
                "put() must wait while the queue is full, and check again after every wake-up (a while loop around wait): another producer may have filled the free slot first",
            )),
            Ok(Event::Panicked(message)) => Err(fail(
                format!("a thread using the queue panicked: {message}"),
                "no panic",
                "a panic here means a bug in the queue (or a todo!() that is not written yet)",
            )),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                // Whether the process kept at least half a CPU busy while the check waited: a
                // thread spinning rather than blocked.
                let (cpu, wall) = (process_cpu().saturating_sub(cpu_before), started.elapsed());
                let busy = cpu * 2 >= wall;
                let note = if busy {
                    format!(", and meanwhile the process used {} ms of CPU in {} ms (threads spinning)", cpu.as_millis(), wall.as_millis())
                } else {
                    String::new()
                };
                let waited = (WATCHDOG * 2).as_secs();
                let expected = format!(
                    "all {total} items delivered well within a second, then every consumer's get() returns None after close()"
                );
                let still = self.consumers - ended.load(Ordering::SeqCst);
                if closed.load(Ordering::SeqCst) && got.load(Ordering::SeqCst) == total {
                    return Err(fail(
                        format!(
                            "with {}, all {total} items were delivered and close() was called, but {} s later {still} of {} consumers had not returned from get(){}",
                            self.describe(),
                            waited,
                            self.consumers,
                            note
                        ),
                        expected,
                        if busy {
                            "the consumers busy-wait, so they never sleep and fight for the lock: block on a condition variable instead (Condvar::wait in a while loop), and return None once the queue is closed and empty"
                        } else {
                            "close() must wake every consumer waiting in get() (notify_all() on their condition variable), and get() must return None once the queue is closed and empty"
                        },
                    ));
                }
                Err(fail(
                    format!("with {}, after {waited} s the {}{}", self.describe(), progress(), note),
                    expected,
                    if busy {
                        "something busy-waits: a loop that looks at the queue again and again burns a CPU; block on a condition variable instead (Condvar::wait in a while loop)"
                    } else {
                        "the threads stopped making progress: a lost wake-up (a put that does not notify a waiting consumer, a get that does not notify a waiting producer) or a lock that is never released"
                    },
                ))
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
    let len_note = len.map_or(", and len() did not return".to_owned(), |len| format!("; len() returns {len}"));
    if took > CAPACITY || len.is_some_and(|len| len > CAPACITY) {
        return Err(fail(
            format!("with no consumer, put() returned for {took} of {ITEMS} items on a BoundedQueue::new({CAPACITY}){len_note}"),
            format!("the first {CAPACITY} put() calls return; the next one blocks until a get() makes room"),
            "a bounded queue holds at most capacity items: that is what stops fast producers from running ahead of slow consumers (back-pressure). put() must wait on a condition variable while the queue is full",
        ));
    }
    if took < CAPACITY {
        return Err(fail(
            format!("put() blocked after {took} items on an empty BoundedQueue::new({CAPACITY}){len_note}"),
            format!("{CAPACITY} items accepted without waiting"),
            "put() may only wait while the queue holds capacity items",
        ));
    }
    match producer.outcome(Duration::ZERO) {
        Next::Panicked(message) => return Err(panicked("put() on a queue with room", &message)),
        Next::Item(()) => {
            return Err(fail(
            format!("put() of item {} of {ITEMS} on a full BoundedQueue::new({CAPACITY}) returned without waiting, though the queue was open", CAPACITY + 1),
            "put() blocks while the queue is full",
            "a put() on a full queue must wait for room, not give up",
        ))
        }
        Next::TimedOut | Next::Ended => {}
    }
    // Make room: the blocked put() must go on.
    let queue2 = queue.clone();
    let first = watch::call("consumer", move || queue2.get());
    if !matches!(first.outcome(WATCHDOG), Next::Item(Some(0))) {
        return Err(fail(
            format!("get() on a full queue did not return its first item (0) within {} s", WATCHDOG.as_secs()),
            "Some(0) at once",
            "get() must take the front item of a non-empty queue without waiting",
        ));
    }
    let deadline = Instant::now() + WATCHDOG;
    while accepted.load(Ordering::SeqCst) == CAPACITY && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    if accepted.load(Ordering::SeqCst) == CAPACITY {
        return Err(fail(
            format!(
                "after get() made room in the full queue, the producer blocked in put() was still waiting {} s later",
                WATCHDOG.as_secs()
            ),
            "the blocked put() returns as soon as there is room",
            "a lost wake-up: get() must notify the producers' condition variable after taking an item",
        ));
    }
    queue.close();

    // Many producers and consumers: len() never above the capacity.
    Traffic { producers: 3, consumers: 3, per_producer: 300, capacity: 2 }.run()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Blocking without burning the CPU

/// Observes `blocked-calls-use-no-cpu` and `get-waits-while-empty`: the CPU time and wake-ups
/// of a get() on an empty queue and a put() on a full one, read from /proc while they wait.
fn blocked_calls_use_no_cpu(_ctx: &Context) -> Verdict {
    const WINDOW: Duration = Duration::from_secs(1);
    timing::decide(2, |_| {
        let empty = Arc::new(BoundedQueue::<u32>::new(2));
        let full = Arc::new(BoundedQueue::<u32>::new(1));
        let filled = run_within(WATCHDOG, {
            let full = full.clone();
            move || full.put(1)
        });
        match filled {
            Ok(Ok(())) => {}
            Ok(Err(_)) => {
                return fatal(fail(
                    "put(1) on a new, empty queue returned Err(Closed(1))",
                    "Ok(())",
                    "put() on an open queue with room must succeed",
                ))
            }
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
        match getter.outcome(Duration::ZERO) {
            Next::Item(value) => {
                return fatal(fail(
                    format!("get() on an empty, open queue returned {value:?} at once"),
                    "get() blocks until an item arrives or the queue is closed",
                    "get() must wait on a condition variable while the queue is empty and open",
                ))
            }
            Next::Panicked(message) => return fatal(panicked("get() on an empty queue", &message)),
            _ => {}
        }
        match putter.outcome(Duration::ZERO) {
            Next::Item(result) => {
                return fatal(fail(
                    format!("put() on a full queue (capacity 1, 1 item) returned {result:?} at once"),
                    "put() blocks until there is room or the queue is closed",
                    "put() must wait on a condition variable while the queue is full",
                ))
            }
            Next::Panicked(message) => return fatal(panicked("put() on a full queue", &message)),
            _ => {}
        }
        let usage = watch::usage_over(&[getter.tid(), putter.tid()], WINDOW);
        // Release both: each must return.
        let woke = run_within(WATCHDOG, {
            let (empty, full) = (empty.clone(), full.clone());
            move || (empty.put(7).is_ok(), full.get())
        });
        let (got, put) = (getter.outcome(WATCHDOG), putter.outcome(WATCHDOG));
        let judged = [("get() on an empty queue", &usage[0]), ("put() on a full queue", &usage[1])];
        let summary = judged
            .iter()
            .map(|(what, u)| match u {
                Some(u) => {
                    format!("{what}: {} ms CPU, {} wake-ups in {} ms", u.cpu.as_millis(), u.sleeps, u.wall.as_millis())
                }
                None => format!("{what}: thread gone"),
            })
            .collect::<Vec<_>>()
            .join("; ");
        for (what, u) in judged {
            let Some(u) = u else { continue };
            if u.cpu * 10 >= u.wall {
                return Measurement {
                    judgement: Judgement::Fail(fail(
                        format!("a thread blocked in {what} used {} ms of CPU in {} ms ({}% of a CPU)", u.cpu.as_millis(), u.wall.as_millis(), u.cpu.as_millis() * 100 / u.wall.as_millis().max(1)),
                        "about 0 ms: a blocked thread sleeps in the kernel until it is notified",
                        "the call spins: it looks at the queue again and again instead of sleeping, burning a whole CPU that the other threads need; wait on a condition variable (Condvar::wait in a while loop), which releases the lock and sleeps until notify",
                    )),
                    summary,
                };
            }
            if u.sleeps > 50 {
                return Measurement {
                    judgement: Judgement::Fail(fail(
                        format!("a thread blocked in {what} woke up {} times in {} ms, though nothing changed", u.sleeps, u.wall.as_millis()),
                        "no wake-up while nothing changes: a blocked thread sleeps until it is notified",
                        "the call polls: it sleeps a little and looks again, which wastes CPU and reacts late; wait on a condition variable and let put()/get()/close() notify it",
                    )),
                    summary,
                };
            }
        }
        if let Err(f) = woke {
            return fatal(f);
        }
        if !matches!(got, Next::Item(Some(7))) {
            return fatal(fail(
                format!(
                    "after put(7) on the empty queue, the thread blocked in get() {}",
                    describe_next(&got, WATCHDOG)
                ),
                "get() returns Some(7) at once",
                "a lost wake-up: put() must notify the consumers' condition variable after adding an item",
            ));
        }
        if !matches!(put, Next::Item(Ok(()))) {
            return fatal(fail(
                format!(
                    "after get() made room in the full queue, the thread blocked in put() {}",
                    describe_next(&put, WATCHDOG)
                ),
                "put() returns Ok(()) at once",
                "a lost wake-up: get() must notify the producers' condition variable after taking an item",
            ));
        }
        Measurement { judgement: Judgement::Pass, summary }
    })
}

fn fatal(failure: Failure) -> Measurement {
    Measurement { summary: failure.observed.clone(), judgement: Judgement::Fatal(failure) }
}

fn describe_next<T: std::fmt::Debug>(next: &Next<T>, waited: Duration) -> String {
    match next {
        Next::Item(value) => format!("returned {value:?}"),
        Next::Panicked(message) => format!("panicked: {message}"),
        Next::TimedOut | Next::Ended => format!("was still blocked {} s later", waited.as_secs_f64()),
    }
}

fn panicked(what: &str, message: &str) -> Failure {
    fail(
        format!("{what} panicked: {message}"),
        "no panic",
        "a panic here means a bug in the queue (or a todo!() that is not written yet)",
    )
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
            return Err(fail(
                format!("get() on an empty, open queue returned {value:?} before close() was called"),
                "get() blocks until an item arrives or the queue is closed",
                "get() must wait on a condition variable while the queue is empty and open",
            ));
        }
    }
    // Many waiters on one condition variable: together they must stay as quiet as one. A
    // blocked thread uses no CPU and never wakes, however busy the machine, so this needs no
    // calibration; waiters that pass wake-ups on to each other keep the CPU busy.
    let tids: Vec<u32> = consumers.iter().map(|c| c.tid()).chain(producers.iter().map(|p| p.tid())).collect();
    let usage = watch::usage_over(&tids, Duration::from_millis(300));
    let (cpu, sleeps) = usage.iter().flatten().fold((Duration::ZERO, 0), |(c, s), u| (c + u.cpu, s + u.sleeps));
    let wall = usage.iter().flatten().map(|u| u.wall).max().unwrap_or_default();
    pack_support::measured(format!(
        "{} waiters: {} ms CPU and {sleeps} wake-ups in {} ms",
        2 * WAITERS,
        cpu.as_millis(),
        wall.as_millis()
    ));
    if cpu * 4 >= wall || sleeps > 30 {
        return Err(fail(
            format!(
                "{WAITERS} threads blocked in get() on an empty queue and {WAITERS} in put() on a full one used {} ms of CPU \
                 together and woke up {sleeps} times in {} ms, while nothing changed",
                cpu.as_millis(),
                wall.as_millis()
            ),
            "about 0 ms and no wake-up: a blocked thread sleeps until a put(), get() or close() notifies it",
            "the waiters keep waking up: perhaps a woken thread that finds nothing to do notifies the next waiter \
             before it waits again (passing the wake-up on, so that the waiters wake each other for ever), or the \
             wait has a short timeout, or it is a sleep-and-look-again loop",
        ));
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
            Next::Item(Some(value)) => {
                return Err(fail(
                    format!("{}'s get() on a closed, empty queue returned Some({value})", c.name()),
                    "None",
                    "once the queue is closed and empty, get() returns None",
                ))
            }
            Next::Panicked(message) => return Err(panicked(&format!("{}'s get() after close()", c.name()), &message)),
            Next::TimedOut | Next::Ended => {}
        }
    }
    let mut woke_producers = 0;
    for (i, p) in producers.iter().enumerate() {
        match p.outcome(left(deadline)) {
            Next::Item(Err(Closed(item))) if item == i => woke_producers += 1,
            Next::Item(Err(Closed(item))) => {
                return Err(fail(
                    format!("{}'s put({i}) returned Err(Closed({item}))", p.name()),
                    format!("Err(Closed({i})): the caller's own item back"),
                    "put() on a closed queue gives back the very item it was given",
                ))
            }
            Next::Item(Ok(())) => {
                return Err(fail(
                    format!("{}'s put({i}), blocked on a full queue, returned Ok(()) after close()", p.name()),
                    format!("Err(Closed({i}))"),
                    "a put() waiting on a full queue that gets closed must give up and return the item: nothing may be added after close()",
                ))
            }
            Next::Panicked(message) => return Err(panicked(&format!("{}'s put() after close()", p.name()), &message)),
            Next::TimedOut | Next::Ended => {}
        }
    }
    if woke_consumers < WAITERS || woke_producers < WAITERS {
        return Err(fail(
            format!(
                "close() woke {woke_consumers} of {WAITERS} threads blocked in get() and {woke_producers} of {WAITERS} blocked in put(); {} s later the other {} were still blocked",
                WATCHDOG.as_secs(),
                2 * WAITERS - woke_consumers - woke_producers
            ),
            "every waiting thread wakes up: each get() returns None, each put() returns Err(Closed(item))",
            if woke_consumers + woke_producers == 0 {
                "close() changes what every waiter waits for, so it must notify them: after setting the closed flag, notify_all() on both condition variables (and the waits must check the flag)"
            } else if woke_producers == 0 && woke_consumers == WAITERS {
                "close() woke every consumer but no producer: the producers blocked in put() wait on their own condition variable, which close() must notify too (notify_all() on both); or put()'s wait does not check the closed flag"
            } else if woke_consumers == 0 && woke_producers == WAITERS {
                "close() woke every producer but no consumer: the consumers blocked in get() wait on their own condition variable, which close() must notify too (notify_all() on both); or get()'s wait does not check the closed flag"
            } else {
                "close() changes the condition every waiter waits for, so every waiter must be told: notify_all(), not notify_one(), which wakes a single thread and leaves the others asleep forever (a consumer that never ends, a pool that never shuts down)"
            },
        ));
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
        return Err(fail(
            format!("the error of a refused put() shows as {debug:?} with {{:?}} and as {display:?} with {{}}"),
            "a text in both, such as Closed(..) and \"put on a closed queue\" (the provided versions)",
            "Closed<T> is an error like mpsc's SendError: put(..).unwrap() and `?` show it to a person, so its Debug and Display must say something, without needing T: Debug. Perhaps the provided impls were changed",
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
    let expected = "get() returns the 5 queued items, in order (Some(1) … Some(5)), then None";
    let mut got = Vec::new();
    while got.len() < 6 {
        match scenario.next(WATCHDOG) {
            Next::Item(Step::Len(len, closed)) => {
                if !closed {
                    return Err(fail(
                        "is_closed() returned false after close()",
                        "true",
                        "close() must mark the queue closed",
                    ));
                }
                if len != 5 {
                    return Err(fail(
                        format!("after 5 put() calls and close(), len() returned {len}"),
                        "5: closing keeps the queued items",
                        "close() lost the items still in the queue: closing only stops new items; the items already queued stay there for get(), which returns None only once the queue is closed *and* empty",
                    ));
                }
            }
            Next::Item(Step::PutAfterClose(result)) => match result {
                Err(Closed(6)) => {}
                other => {
                    return Err(fail(
                        format!("put(6) after close() returned {other:?}"),
                        "Err(Closed(6)): the item given back",
                        "after close(), put() must refuse new items and give them back to the caller",
                    ))
                }
            },
            Next::Item(Step::Got(item)) => {
                got.push(item);
                let want: Vec<Option<u32>> = (1..=5).map(Some).chain([None]).take(got.len()).collect();
                if got != want {
                    let shown = got.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ");
                    return Err(fail(
                        format!("5 items were put, then close(); get() then returned {shown}"),
                        expected,
                        if got.last() == Some(&None) {
                            "close() lost the items still in the queue: closing only stops new items; get() must deliver what was queued before it returns None (None means closed *and* empty)"
                        } else {
                            "a queue delivers items first in, first out: push_back in put(), pop_front in get()"
                        },
                    ));
                }
            }
            Next::Panicked(message) => {
                return Err(panicked("putting 5 items, closing the queue and getting them", &message))
            }
            Next::TimedOut => return Err(fail(
                format!(
                    "after 5 put() calls and close(), get() number {} did not return within {} s",
                    got.len() + 1,
                    WATCHDOG.as_secs()
                ),
                expected,
                "on a closed queue get() never waits: it returns the next queued item, or None when there is none left",
            )),
            Next::Ended => return Err(fail("the scenario ended early", expected, "internal error of the check")),
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
        Next::Panicked(message) => Err(panicked(
            &format!("producers, consumers, a closer and threads calling len()/is_empty()/is_closed()/capacity() ({})", rng::replay_hint(seed, "ex05")),
            &message,
        )),
        Next::TimedOut | Next::Ended => Err(fail(
            format!(
                "short rounds of producers, consumers, a closer and threads calling len(), is_empty(), is_closed() and capacity() did not finish within {} s ({})",
                (WATCHDOG * 3).as_secs(),
                rng::replay_hint(seed, "ex05")
            ),
            "each round finishes in a few milliseconds",
            "some call never returned: perhaps a query (len(), is_closed()) takes a lock it never releases, or a put() or get() missed the close() of its round (a lost wake-up)",
        )),
    }
}

/// Why a query's answer is wrong, by query.
fn query_why(query: &str) -> &'static str {
    match query {
        "capacity()" => "capacity() returns the capacity given to new(), whatever the queue holds: perhaps it returns the VecDeque's own capacity (which can be larger than asked, and for items of size zero is unbounded) or the number of free slots",
        "len()" => "len() is the number of items queued now: perhaps it is not updated by every put() and get(), or it counts something else (the capacity, the free slots)",
        "is_empty()" => "is_empty() is true exactly when no item is queued (the provided version is `self.len() == 0`): perhaps it was changed, or len() is wrong",
        _ => "is_closed() is true exactly once close() has been called: perhaps it returns a constant or another flag, close() does not set the flag, or it says whether the queue is closed *and* empty",
    }
}

/// One query's answer against the expected one, after the calls in `done`.
fn expect_query<V: PartialEq + std::fmt::Debug>(done: &[String], query: &str, seen: V, want: V) -> Result<(), Failure> {
    if seen == want {
        return Ok(());
    }
    Err(fail(format!("after {}, {query} returned {seen:?}", done.join(", ")), format!("{want:?}"), query_why(query)))
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
            return Err(fail(
                format!("after {}, put() returned Err(Closed(..))", done.join(", ")),
                "Ok(()): the queue is open and has room",
                "put() may only refuse an item once close() has been called",
            ));
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
            return Err(fail(
                format!("after {}, one more put() returned {} at once", done.join(", "), if accepted { "Ok" } else { "Err" }),
                format!("put() blocks: the queue holds its capacity, {capacity} items"),
                "the queue is full when it holds capacity items, whatever their size: perhaps put() compares with the VecDeque's own capacity, which is unbounded for items of size zero",
            ));
        }
        queue.close();
        // Within the step-by-step's own watchdog, so that this wait is the one reported.
        return match extra.outcome(WATCHDOG / 2) {
            Next::Item(false) => Ok(()),
            other => Err(fail(
                format!(
                    "close() on a full queue of (): the put() blocked on it {}",
                    match other {
                        Next::Item(_) => "returned Ok(()): it added its item to a closed queue".to_owned(),
                        other => describe_next(&other, WATCHDOG / 2),
                    }
                ),
                "Err(Closed(()))",
                "close() wakes every waiting put(), which then gives its item back",
            )),
        };
    }
    let _ = queue.get();
    done.push("get()".into());
    all(&done, &queue, capacity - 1, false)?;
    queue.close();
    done.push("close()".into());
    all(&done, &queue, capacity - 1, true)?;
    queue.close();
    done.push("close() again".into());
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
                spawn(format!("observer-{}", o + 1), move || -> Option<String> {
                    let mut seen_closed = false;
                    while !over.load(Ordering::SeqCst) {
                        // Read before the query: close() had returned before it started.
                        let had_closed = close_done.load(Ordering::SeqCst);
                        let len = queue.len();
                        if len > capacity {
                            return Some(format!("len() returned {len} on a BoundedQueue::new({capacity})"));
                        }
                        let cap = queue.capacity();
                        if cap != capacity {
                            return Some(format!("capacity() returned {cap} on a BoundedQueue::new({capacity})"));
                        }
                        let closed = queue.is_closed();
                        // Read after the query: close() had started before it returned true.
                        let was_started = close_started.load(Ordering::SeqCst);
                        if closed && !was_started {
                            return Some("is_closed() returned true before close() was called".into());
                        }
                        if !closed && seen_closed {
                            return Some("is_closed() returned false after it had returned true".into());
                        }
                        if !closed && had_closed {
                            return Some("is_closed() returned false after close() had returned".into());
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
        let wrong: Option<String> =
            observers.into_iter().filter_map(|o| o.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).next();
        let when = format!(
            "in round {round} (BoundedQueue::new({capacity}), 2 producers putting up to {per_producer} items each, 2 consumers, close() {}; {})",
            if early_close { "while the producers still ran" } else { "once the producers were done" },
            rng::replay_hint(seed, "ex05")
        );
        if let Some(wrong) = wrong {
            let query = ["len()", "capacity()", "is_closed()"]
                .into_iter()
                .find(|q| wrong.starts_with(q))
                .unwrap_or("is_closed()");
            return Err(fail(
                format!("{wrong}, while other threads put, got and closed, {when}"),
                "len() between 0 and the capacity, capacity() as given to new(), is_closed() false until close() is called and true from then on",
                format!(
                    "{}{}",
                    query_why(query),
                    if query == "len()" {
                        "; or len() is counted apart from the items (a counter updated outside the lock), so it can run ahead of them"
                    } else {
                        ""
                    }
                ),
            ));
        }
        // len() is a query under test here, compared with the count it must give.
        let (len, empty, closed) = (queue.len(), queue.is_empty(), queue.is_closed());
        if got != accepted || len != 0 || !empty || !closed {
            return Err(fail(
                format!(
                    "{when}: put() accepted {accepted} items and the consumers received {got}; afterwards len() returned {len}, is_empty() {empty} and is_closed() {closed}"
                ),
                "every accepted item received once; then len() 0, is_empty() true, is_closed() true",
                "an item was lost or delivered twice, or a query does not tell the state: take and add items only while holding the lock, and answer the queries from the same state",
            ));
        }
    }
    pack_support::measured(format!("{round} rounds of traffic with observers"));
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
        Ok(seen) => {
            return Err(fail(
                format!("on one thread: {}", seen.join("; ")),
                want.join("; "),
                "closing an already closed queue changes nothing: the flag stays set, the queued items stay for get(), later puts give their item back. Perhaps the second close() toggles the flag or clears the items",
            ))
        }
        Err(f) => {
            return Err(fail(
                format!("put(1), put(2), put(3), close(), close() on a BoundedQueue::new(4): {}", f.observed),
                "no panic, no wait: closing twice is harmless",
                "close() on a queue that is already closed must simply do nothing more (perhaps it asserts or panics when the flag is already set)",
            ))
        }
    }
    close_twice_over_waiters()?;
    let seed = rng::seed();
    let scenario = watch::spawn("rounds", move |report| report.send(closers_race(seed)));
    match scenario.next(WATCHDOG * 3) {
        Next::Item(verdict) => verdict,
        Next::Panicked(message) => Err(panicked(
            &format!("two closers racing a producer and a consumer ({})", rng::replay_hint(seed, "ex05")),
            &message,
        )),
        Next::TimedOut | Next::Ended => Err(fail(
            format!(
                "short rounds of two closers racing a producer and a consumer did not finish within {} s ({})",
                (WATCHDOG * 3).as_secs(),
                rng::replay_hint(seed, "ex05")
            ),
            "each round finishes in a few milliseconds",
            "a thread slept through a close(): perhaps close() notifies only when it changes the flag and two closers both think the other did it, or a put()/get() waits without checking the closed flag",
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
                return Err(fail(
                    format!("two threads called close() at the same time on a queue with waiters; {} panicked: {message}", c.name()),
                    "both close() calls return",
                    "close() on a queue that is already closed (or being closed) must simply do nothing more: perhaps it asserts that the queue is still open",
                ))
            }
            Next::TimedOut | Next::Ended => {
                return Err(fail(
                    format!("two threads called close() at the same time; {}'s close() did not return within {} s", c.name(), WATCHDOG.as_secs()),
                    "both close() calls return at once",
                    "close() must not wait for anything: set the flag under the lock, release it, notify",
                ))
            }
        }
    }
    let mut still = Vec::new();
    for c in &getters {
        match c.outcome(left()) {
            Next::Item(None) => {}
            Next::Item(Some(v)) => {
                return Err(fail(
                    format!("{}'s get() on a closed, empty queue returned Some({v})", c.name()),
                    "None",
                    "once the queue is closed and empty, get() returns None",
                ))
            }
            Next::Panicked(message) => {
                return Err(panicked(&format!("{}'s get() after two close() calls", c.name()), &message))
            }
            Next::TimedOut | Next::Ended => still.push(c.name().to_owned()),
        }
    }
    for (i, p) in putters.iter().enumerate() {
        match p.outcome(left()) {
            Next::Item(Err(Closed(item))) if item == i => {}
            Next::Item(other) => {
                return Err(fail(
                    format!(
                        "{}'s put({i}), blocked on a full queue, returned {other:?} after two close() calls",
                        p.name()
                    ),
                    format!("Err(Closed({i}))"),
                    "a put() waiting on a full queue that gets closed gives its own item back",
                ))
            }
            Next::Panicked(message) => {
                return Err(panicked(&format!("{}'s put() after two close() calls", p.name()), &message))
            }
            Next::TimedOut | Next::Ended => still.push(p.name().to_owned()),
        }
    }
    if !still.is_empty() {
        return Err(fail(
            format!(
                "two threads called close() at the same time on a queue with {WAITERS} threads in get() and one with {WAITERS} in put(); {} s later {} still waited",
                WATCHDOG.as_secs(),
                still.join(", ")
            ),
            "every waiter wakes up",
            "the second close() must not undo the first: perhaps close() toggles the flag, or notifies only when it is the one that changed it and the waits miss it; or close() notifies only one waiter (notify_one)",
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
                        Err(Closed(back)) if back != i => return Err(format!("put({i}) returned Err(Closed({back}))")),
                        Err(_) => {
                            return match queue.put(items + 1) {
                                Err(_) => Ok(accepted),
                                Ok(()) => Err(format!("put({i}) was refused, then put({}) returned Ok(())", items + 1)),
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
        let when = format!(
            "round {round}: BoundedQueue::new({capacity}), a producer putting 0..{items}, a consumer, and two threads each calling close() at a random moment ({})",
            rng::replay_hint(seed, "ex05")
        );
        for closer in closers {
            if let Err(panic) = closer.join() {
                return Err(fail(
                    format!("in {when}, a close() panicked: {}", watch::panic_text(panic.as_ref())),
                    "both close() calls return",
                    "close() on a queue that is already closed must simply do nothing more: perhaps it asserts that the queue is still open",
                ));
            }
        }
        let accepted = producer.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let got = consumer.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let accepted = match accepted {
            Ok(accepted) => accepted,
            Err(wrong) => {
                return Err(fail(
                    format!("in {when}, {wrong}"),
                    "a refused put() gives back its own item, and once the queue is closed every later put() is refused",
                    "close() is for good: perhaps the second close() reopens the queue (the flag toggled), or put() gives back another item than its own",
                ))
            }
        };
        if got != accepted {
            return Err(fail(
                format!(
                    "in {when}, put() accepted {} items ({}), and the consumer received {} ({})",
                    accepted.len(),
                    some_usize(&accepted),
                    got.len(),
                    some_usize(&got)
                ),
                "the consumer receives exactly the accepted items, in order, then None",
                "every item put() accepted stays queued until get() takes it, also across close(): perhaps close() drops the queued items, get() returns None while items are left, or put() adds the item after the queue was closed",
            ));
        }
    }
    pack_support::measured(format!("{round} rounds of two closers racing a producer and a consumer"));
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
                    return Err(fail(
                        format!(
                            "{} returned {} on an open queue",
                            c.name(),
                            if consumers_side { "None from get()" } else { "Err from put()" }
                        ),
                        if consumers_side { "Some(item)" } else { "Ok(())" },
                        "only a closed queue refuses a put() or ends a get()",
                    ))
                }
                Next::Panicked(message) => return Err(panicked(c.name(), &message)),
                Next::TimedOut | Next::Ended => {}
            }
        }
        let _ = changer.outcome(left());
        if returned < waiters {
            let (blocked, change, why) = if consumers_side {
                (
                    "get() on an empty",
                    format!("one thread put {waiters} items back to back"),
                    "every put() must notify a waiting consumer, not only the put() that finds the queue empty: when \
                     several items arrive before the first woken consumer runs, each needs a consumer of its own. Perhaps \
                     put() notifies only when the queue was empty before (an optimisation that loses wake-ups), or \
                     notifies before adding the item",
                )
            } else {
                (
                    "put() on a full",
                    format!("one thread got {waiters} items back to back"),
                    "every get() must notify a waiting producer, not only the get() that finds the queue full: when \
                     several slots free up before the first woken producer runs, each needs a producer of its own. \
                     Perhaps get() notifies only when the queue was full before (an optimisation that loses wake-ups)",
                )
            };
            return Err(fail(
                format!(
                    "{waiters} threads were blocked in {blocked} BoundedQueue::new({capacity}); {change}; {} s later only {returned} of the {waiters} had returned (round {round}, {})",
                    WATCHDOG.as_secs(),
                    rng::replay_hint(seed, "ex05")
                ),
                format!("all {waiters} return at once"),
                why,
            ));
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
                    Doing::now(&who, format!("in put({item})"));
                    assert!(queue.put(item).is_ok(), "put() refused an item while the queue was open");
                    Doing::now(&who, "in len()");
                    let len = queue.len();
                    assert!(len <= 1, "OVERFULL: len() returned {len} on a BoundedQueue::new(1)");
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
                    Doing::now(&who, format!("in get() (had received {})", plural(mine.len(), "item")));
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
    Doing::now("main", "waiting for the producers to finish");
    for producer in producers {
        producer.join().expect("a producer panicked");
    }
    closed.store(true, Ordering::SeqCst);
    Doing::now("main", "in close()");
    queue.close();
    Doing::now("main", "waiting for the consumers to finish");
    let mut delivered: Vec<u32> = Vec::new();
    for consumer in consumers {
        delivered.extend(consumer.join().expect("a consumer panicked"));
    }
    delivered.sort_unstable();
    let expected: Vec<u32> = (0..EXPLORE_PRODUCERS).flat_map(|p| (0..EXPLORE_ITEMS).map(move |i| p * 10 + i)).collect();
    assert_eq!(delivered, expected, "DELIVERY: the items delivered (sorted) differ from the items put");
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
    let bypass = |observed: String| {
        fail(
            observed,
            "every put() and get() locks the queue's course_sync::Mutex",
            "your BoundedQueue never locked a course_sync::Mutex: it imports its primitives from std::sync directly; the checker can only verify deadlock-freedom through the course's facade — use course_sync::{Mutex, Condvar}",
        )
    };
    let probe = explore::uses_facade(WATCHDOG, || {
        let queue = BoundedQueue::new(2);
        let _ = queue.put(1);
        let _ = queue.put(2);
        (queue.get(), queue.get())
    });
    match probe {
        Ok(0) => return Err(bypass("two put() and two get() calls on a new queue took no course_sync lock".into())),
        Ok(_) => {}
        Err(Some(message)) => return Err(panicked("put(1), put(2), get(), get() on a BoundedQueue::new(2)", &message)),
        Err(None) => return Err(never_returned("put(1), put(2), get(), get() on a BoundedQueue::new(2)")),
    }
    let description = format!(
        "{EXPLORE_PRODUCERS} producers putting {EXPLORE_ITEMS} items each and {EXPLORE_CONSUMERS} consumers on a BoundedQueue::new(1), then close()"
    );
    explore::explore(&explore::Exploration {
        exercise: "ex05",
        seed: 5,
        scenario: explored_scenario,
        explain: &|failure, found| explain_schedule(failure, &description, found),
        bypass: bypass("exploring the queue saw no operation on a course_sync primitive".into()),
    })
}

/// The explanation of a failing schedule, from its kind and the scenario's assertion texts.
fn explain_schedule(failure: &ScheduleFailure, description: &str, found: &str) -> Failure {
    let expected = "in every schedule, each item reaches one consumer, the queue never holds more than its capacity, and every thread finishes";
    let message = failure.message.lines().next().unwrap_or_default();
    match failure.kind {
        FailureKind::Deadlock => fail(
            format!("{description}: in one schedule every thread was blocked and none could go on (a deadlock) — {} — {found}", Doing::last()),
            expected,
            format!("{}a lost wake-up: a thread waits for a notification that never comes. Typical causes: one condition variable shared by producers and consumers with notify_one() (a put's notify may wake another producer instead of a consumer, and the consumer sleeps for ever); a put() or get() that does not notify after changing the queue; or a wait that is not in a while loop re-checking the condition",
                if Doing::any("in put(") && Doing::any("in get(") {
                    "consumers wait in get() while producers wait in put(), but the queue cannot be empty and full at once: some thread sleeps through the change it waits for. "
                } else if Doing::is("main", "waiting for the consumers to finish") {
                    "close() had returned, yet consumers still wait in get(): close() must wake every waiter (notify_all), and a woken get() must return None once the queue is closed and empty. "
                } else {
                    ""
                }
            ),
        ),
        FailureKind::Panic if message.contains("EARLY_NONE") => fail(
            format!("{description}: in one schedule a consumer's get() returned None while the queue was still open, {found}"),
            expected,
            "a woken consumer did not check again whether the queue was empty: another consumer had taken the item between the notify and its wake-up. Put the wait in a `while` loop (while empty and not closed: wait), not an `if`",
        ),
        FailureKind::Panic if message.contains("OVERFULL") => fail(
            format!("{description}: in one schedule {}, {found}", message.trim_start_matches("OVERFULL: ")),
            expected,
            "a woken producer did not check again whether the queue was full: another producer had filled the free slot between the notify and its wake-up. Put the wait in a `while` loop (while full and not closed: wait), not an `if`",
        ),
        FailureKind::Panic if message.contains("DELIVERY") => fail(
            format!("{description}: in one schedule the items delivered were not the items put ({message}), {found}"),
            expected,
            "every item put must reach exactly one get(): take and add items only while holding the lock",
        ),
        FailureKind::Panic => fail(
            format!("{description}: in one schedule the queue's code panicked: {message}, {found}"),
            expected,
            "a panic in some interleavings only: look for a step that assumes the queue is unchanged since the thread last held the lock (an unwrap() on pop_front after a wait, for example)",
        ),
        FailureKind::TooManySteps => fail(
            format!("{description}: one schedule ran for hundreds of thousands of steps without finishing, {found}"),
            expected,
            "a thread loops without waiting (a busy loop, or a livelock): block on a condition variable instead of retrying",
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// "1 item", "3 items".
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Runs `f` on a thread of its own and returns its value, or a failure if it panicked or did not
/// return within `limit`.
fn run_within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Result<T, Failure> {
    match watch::call("queue-call", f).outcome(limit) {
        Next::Item(value) => Ok(value),
        Next::Panicked(message) => Err(panicked("a call of the queue", &message)),
        Next::TimedOut | Next::Ended => Err(never_returned(
            "a call that should return at once (new, a put() with room, a get() with an item, close() or len())",
        )),
    }
}

/// The failure for calls that should have returned at once but did not within WATCHDOG.
fn never_returned(what: &str) -> Failure {
    fail(
        format!("{what} did not return within {} s", WATCHDOG.as_secs()),
        "it returns at once",
        "something blocks for ever: a lock that is never released, or a wait on a condition that already holds",
    )
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
