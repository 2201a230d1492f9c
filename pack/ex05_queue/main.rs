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
        no_lost_wakeup_in_explored_schedules
    ])
}

/// How long a check waits for student code that should finish at once.
const WATCHDOG: Duration = Duration::from_secs(3);

// ---------------------------------------------------------------------------------------------
// Many producers and consumers on real threads

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
        let consumers: Vec<_> = (0..self.consumers)
            .map(|c| {
                let (queue, closed, got, ended, events) =
                    (queue.clone(), closed.clone(), got.clone(), ended.clone(), events.clone());
                spawn(format!("consumer-{}", c + 1), move || {
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
        Next::TimedOut | Next::Ended => format!("was still blocked {} s later", waited.as_secs()),
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

fn close_wakes_every_waiter(_ctx: &Context) -> Verdict {
    const WAITERS: usize = 5;
    let empty = Arc::new(BoundedQueue::<usize>::new(1));
    let full = Arc::new(BoundedQueue::<usize>::new(1));
    run_within(WATCHDOG, {
        let full = full.clone();
        move || full.put(999).is_ok()
    })?;
    let consumers: Vec<Call<Option<usize>>> = (0..WAITERS)
        .map(|i| {
            let empty = empty.clone();
            watch::call(&format!("consumer-{}", i + 1), move || empty.get())
        })
        .collect();
    let producers: Vec<Call<Result<(), Closed<usize>>>> = (0..WAITERS)
        .map(|i| {
            let full = full.clone();
            watch::call(&format!("producer-{}", i + 1), move || full.put(i))
        })
        .collect();
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
            } else {
                "close() changes the condition every waiter waits for, so every waiter must be told: notify_all(), not notify_one(), which wakes a single thread and leaves the others asleep forever (a consumer that never ends, a pool that never shuts down)"
            },
        ));
    }
    Ok(())
}

fn close_keeps_queued_items(_ctx: &Context) -> Verdict {
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
