//! Hidden checks of ex14_async_tasks: the student's `gather`, `promise` and `run_blocking` are
//! run on tokio runtimes built here, on scenario threads watched by watchdogs.
//!
//! - Concurrency is seen twice: a gauge counts the tasks running at once (each task increments
//!   it when it starts and decrements it when it ends), and the wall time of N sleeping tasks is
//!   compared with one sleep measured in the same run (`pack_support::timing`).
//! - Order is seen by giving tasks that finish in reverse order.
//! - The promise is wrapped in a future that counts its polls, so a promise that is never woken
//!   is told apart from one that is woken and not ready.
//! - Stalls are seen by a heartbeat task that ticks every 5 ms on the same runtime, on one worker
//!   thread, while `run_blocking` runs a function that sleeps (blocking) for 500 ms.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::thread;
use std::time::{Duration, Instant};

use ex14_async_tasks::{gather, promise, run_blocking, Abandoned};
use pack_support::net::LoadProbe;
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next};
use pack_support::{fail, measured, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        gather_runs_tasks_concurrently,
        gather_keeps_submission_order,
        promise_resolved_from_another_task,
        blocking_call_does_not_stall_runtime,
        panics_come_back_with_their_payload,
        promise_from_a_thread_and_after_drop
    ])
}

type BoxedTask<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A current-thread runtime: one thread runs every task, as asyncio's event loop does, so what
/// is concurrent here is concurrent because of the tasks, not because of extra threads.
fn event_loop() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("building a tokio runtime")
}

fn panicked(text: &str, doing: &str) -> Failure {
    fail(
        format!("the code panicked while {doing}: {text}"),
        "no panic",
        "a panic means the code under test hit a bug (or a todo!() that is not written yet)",
    )
}

fn list(values: &[usize]) -> String {
    format!("[{}]", values.iter().map(usize::to_string).collect::<Vec<_>>().join(", "))
}

// ---------------------------------------------------------------------------------------------
// gather_runs_tasks_concurrently
// ---------------------------------------------------------------------------------------------

const TASKS: usize = 5;
const SLEEP: Duration = Duration::from_millis(400);

/// How many tasks run at once, and the most there ever were.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

struct GatherRun {
    one: Duration,
    all: Duration,
    peak: usize,
    results: Vec<usize>,
}

fn gather_runs_tasks_concurrently(_ctx: &Context) -> Verdict {
    timing::decide(3, |_attempt| {
        let scenario = watch::spawn("runtime", |report| {
            let runtime = event_loop();
            let run = runtime.block_on(async {
                // Calibration: one sleep alone, on this same loop.
                let (_, one) = timed_async(tokio::time::sleep(SLEEP)).await;
                let gauge = Arc::new(Gauge::default());
                let tasks: Vec<BoxedTask<usize>> = (0..TASKS)
                    .map(|i| {
                        let gauge = gauge.clone();
                        Box::pin(async move {
                            let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                            gauge.peak.fetch_max(now, Ordering::SeqCst);
                            tokio::time::sleep(SLEEP).await;
                            gauge.now.fetch_sub(1, Ordering::SeqCst);
                            i
                        }) as BoxedTask<usize>
                    })
                    .collect();
                let (results, all) = timed_async(gather(tasks)).await;
                GatherRun { one, all, peak: gauge.peak.load(Ordering::SeqCst), results }
            });
            report.send(run);
        });
        let run = match scenario.next(SLEEP * (TASKS as u32) * 2 + Duration::from_secs(2)) {
            Next::Item(run) => run,
            other => {
                let failure = match other {
                    Next::Panicked(text) => panicked(&text, "gathering 5 sleeping tasks"),
                    _ => fail(
                        format!(
                            "gather of {TASKS} tasks sleeping {} each had not returned after {} s",
                            timing::ms(SLEEP),
                            (SLEEP * (TASKS as u32) * 2 + Duration::from_secs(2)).as_secs()
                        ),
                        format!("the {TASKS} results after about {}", timing::ms(SLEEP)),
                        "gather returns once every task has finished; await each task's JoinHandle once",
                    ),
                };
                return Measurement { judgement: Judgement::Fatal(failure), summary: "no measurement".to_owned() };
            }
        };
        let ratio = run.all.as_secs_f64() / run.one.as_secs_f64().max(1e-9);
        let summary = format!(
            "{TASKS} tasks: {} = {ratio:.2} x one task ({}), at most {} at once",
            timing::ms(run.all),
            timing::ms(run.one),
            run.peak
        );
        let observed = format!(
            "{TASKS} tasks sleeping {} each (tokio::time::sleep) took {} through gather, {ratio:.2} times one task alone ({}); at most {} of them ran at once",
            timing::ms(SLEEP),
            timing::ms(run.all),
            timing::ms(run.one),
            run.peak
        );
        let expected = format!("about one task's time ({}): all {TASKS} running at once", timing::ms(SLEEP));
        let judgement = if run.results.len() != TASKS {
            Judgement::Fatal(fail(
                format!("gather of {TASKS} tasks returned {} results", run.results.len()),
                format!("{TASKS} results, one per task"),
                "gather returns one result per future it was given",
            ))
        } else if run.peak == 1 {
            // Counted, not timed: no machine load makes concurrent tasks run one at a time.
            Judgement::Fatal(fail(
                observed,
                expected,
                "gather awaited the tasks one after another: `for f in futures { f.await }` runs the next future only when the previous one has finished. Start them all first (tokio::spawn each future and keep the JoinHandles), then await the handles: the tasks sleep at the same time, as asyncio.gather runs its coroutines",
            ))
        } else if run.one > SLEEP * 2 {
            Judgement::Unsure(format!(
                "one {} sleep alone took {}: the machine is too busy",
                timing::ms(SLEEP),
                timing::ms(run.one)
            ))
        } else if ratio <= 1.6 {
            Judgement::Pass
        } else if run.peak == TASKS {
            Judgement::Unsure(format!(
                "all {TASKS} tasks ran at once, yet they took {ratio:.2} x one task: the machine is too busy"
            ))
        } else {
            Judgement::Fail(fail(
                observed,
                expected,
                "gather ran only some of the tasks at once: start every future before awaiting any of them",
            ))
        };
        measured(summary.clone());
        Measurement { judgement, summary }
    })
}

async fn timed_async<T>(f: impl Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let value = f.await;
    (value, start.elapsed())
}

// ---------------------------------------------------------------------------------------------
// gather_keeps_submission_order
// ---------------------------------------------------------------------------------------------

fn gather_keeps_submission_order(_ctx: &Context) -> Verdict {
    const N: usize = 5;
    let scenario = watch::spawn("runtime", |report| {
        let finished = Arc::new(std::sync::Mutex::new(Vec::new()));
        let results = event_loop().block_on(async {
            // Task i sleeps (N - i) x 60 ms: they finish in the reverse of submission order.
            let tasks: Vec<BoxedTask<usize>> = (0..N)
                .map(|i| {
                    let finished = finished.clone();
                    Box::pin(async move {
                        tokio::time::sleep(Duration::from_millis(60 * (N - i) as u64)).await;
                        finished.lock().unwrap().push(i * 10);
                        i * 10
                    }) as BoxedTask<usize>
                })
                .collect();
            gather(tasks).await
        });
        let finished = finished.lock().unwrap().clone();
        report.send((results, finished));
    });
    let (results, finished) = match scenario.next(Duration::from_secs(5)) {
        Next::Item(v) => v,
        Next::Panicked(text) => return Err(panicked(&text, "gathering 5 tasks")),
        _ => {
            return Err(fail(
                "gather of 5 tasks sleeping 60 to 300 ms had not returned after 5 s",
                "the 5 results after about 300 ms",
                "gather returns once every task has finished",
            ))
        }
    };
    let submitted: Vec<usize> = (0..N).map(|i| i * 10).collect();
    if results == submitted {
        return Ok(());
    }
    let why = if results == finished {
        "gather returned the results in the order the tasks finished (a JoinSet's join_next, a channel every task sends to, FuturesUnordered, ...). asyncio.gather returns them in the order of its arguments, whatever order they finish in: keep the JoinHandles in a Vec in submission order and await them in that order — a task that finished early simply has its result waiting in its handle"
    } else {
        "result i of gather is the output of the i-th future given to it"
    };
    Err(fail(
        format!(
            "gather returned {} for futures submitted as {} (returning 0, 10, ...; task i sleeps (5 - i) x 60 ms, so they finished as {})",
            list(&results),
            list(&submitted),
            list(&finished)
        ),
        format!("{}: the submission order", list(&submitted)),
        why,
    ))
}

// ---------------------------------------------------------------------------------------------
// promise_resolved_from_another_task
// ---------------------------------------------------------------------------------------------

/// A future around the student's, counting how often it is polled.
struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// What one part of the promise scenario saw.
enum PromiseReport {
    /// Part 1: the value, and how long after `resolve` the awaiting task had it.
    Delivered { value: Result<u64, Abandoned>, after_resolve: Duration },
    /// Part 2: what a promise whose resolver was dropped gave.
    Dropped(Result<u64, Abandoned>),
    /// Part 3: a promise resolved before it was awaited.
    Early(Result<u64, Abandoned>),
}

fn promise_resolved_from_another_task(_ctx: &Context) -> Verdict {
    let polls = Arc::new(AtomicUsize::new(0));
    let resolved = Arc::new(AtomicBool::new(false));
    let (p, r) = (polls.clone(), resolved.clone());
    let scenario = watch::spawn("runtime", move |report| {
        event_loop().block_on(async {
            // Part 1: one task awaits, another resolves 100 ms later.
            let (resolver, awaited) = promise::<u64>();
            let counted = Counted { inner: Box::pin(awaited), polls: p };
            let waiter = tokio::spawn(async move { (counted.await, Instant::now()) });
            let setter = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let at = Instant::now();
                resolver.resolve(42);
                r.store(true, Ordering::SeqCst);
                at
            });
            let resolved_at = setter.await.expect("the resolving task");
            let (value, got_at) = waiter.await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            report
                .send(PromiseReport::Delivered { value, after_resolve: got_at.saturating_duration_since(resolved_at) });

            // Part 2: the resolver is dropped without a value in another task.
            let (resolver, awaited) = promise::<u64>();
            let dropper = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                drop(resolver);
            });
            report.send(PromiseReport::Dropped(awaited.await));
            let _ = dropper.await;

            // Part 3: resolved before anybody awaits.
            let (resolver, awaited) = promise::<u64>();
            tokio::spawn(async move { resolver.resolve(7) }).await.expect("the resolving task");
            report.send(PromiseReport::Early(awaited.await));
        });
    });

    // Part 1.
    let limit = Duration::from_secs(2);
    match scenario.next(limit) {
        Next::Item(PromiseReport::Delivered { value, after_resolve }) => {
            measured(format!(
                "the awaiting task had the value {} us after resolve(), after {} polls",
                after_resolve.as_micros(),
                polls.load(Ordering::SeqCst)
            ));
            if value != Ok(42) {
                return Err(fail(
                    format!("a task awaiting the Promise got {value:?} after another task called resolve(42)"),
                    "Ok(42)",
                    "the Promise gives the value its Resolver was resolved with",
                ));
            }
        }
        Next::Panicked(text) => return Err(panicked(&text, "awaiting a Promise resolved by another task")),
        Next::TimedOut if resolved.load(Ordering::SeqCst) => {
            let n = polls.load(Ordering::SeqCst);
            return Err(if n <= 1 {
                fail(
                    format!(
                        "another task called resolve(42) 100 ms after a task began awaiting the Promise, and {} s later the awaiting task still had not got the value: the Promise was polled {n} time{}, returned Pending without arranging a wake-up, and was never polled again",
                        limit.as_secs(),
                        if n == 1 { "" } else { "s" }
                    ),
                    "the awaiting task gets Ok(42) as soon as the value is resolved",
                    "a future that returns Poll::Pending must make sure its task is woken when it can go on: poll the oneshot::Receiver itself (Pin::new(&mut self.rx).poll(cx)), which stores cx's waker for the sender to call. try_recv() only looks, stores no waker, and the task sleeps forever",
                )
            } else {
                fail(
                    format!("another task called resolve(42) 100 ms after a task began awaiting the Promise; the Promise was polled {n} times but never became ready within {} s", limit.as_secs()),
                    "the awaiting task gets Ok(42) as soon as the value is resolved",
                    "Promise::poll must return Poll::Ready(Ok(value)) once the Resolver has sent the value",
                )
            });
        }
        Next::TimedOut => {
            return Err(fail(
                format!("the check's task that calls resolve(42) after 100 ms had not run {} s later, while another task awaited the Promise", limit.as_secs()),
                "the awaiting task gives the thread back (Poll::Pending) so that other tasks run",
                "Promise::poll blocks the thread (a blocking recv, a loop waiting for the value) instead of returning Pending: on an event loop no other task runs meanwhile, so the value can never be set",
            ))
        }
        Next::Ended | Next::Item(_) => unreachable!("the scenario reports part 1 first"),
    }

    // Part 2.
    match scenario.next(limit) {
        Next::Item(PromiseReport::Dropped(value)) => {
            if value != Err(Abandoned) {
                return Err(fail(
                    format!("awaiting a Promise whose Resolver was dropped without a value gave {value:?}"),
                    "Err(Abandoned)",
                    "a Resolver dropped without resolve() means no value will ever come: the Promise ends with Err(Abandoned) (the oneshot Receiver gives Err(RecvError) then)",
                ));
            }
        }
        Next::Panicked(text) => return Err(panicked(&text, "awaiting a Promise whose Resolver was dropped")),
        _ => {
            return Err(fail(
                format!("a task awaited a Promise whose Resolver another task dropped without a value, and was still waiting {} s later", limit.as_secs()),
                "Err(Abandoned) as soon as the Resolver is dropped",
                "when the Resolver is dropped, no value will ever come: the awaiting task must be woken and get Err(Abandoned) instead of waiting forever (the oneshot Sender wakes the Receiver when dropped)",
            ))
        }
    }

    // Part 3.
    match scenario.next(limit) {
        Next::Item(PromiseReport::Early(Ok(7))) => Ok(()),
        Next::Item(PromiseReport::Early(value)) => Err(fail(
            format!("a Promise resolved with 7 before anybody awaited it gave {value:?}"),
            "Ok(7) at once",
            "the value waits in the Promise until it is awaited",
        )),
        Next::Panicked(text) => Err(panicked(&text, "awaiting a Promise resolved before")),
        _ => Err(fail(
            format!(
                "a Promise resolved with 7 before anybody awaited it had not given its value {} s later",
                limit.as_secs()
            ),
            "Ok(7) at once",
            "the value waits in the Promise until it is awaited: the first poll must find it",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// blocking_call_does_not_stall_runtime
// ---------------------------------------------------------------------------------------------

const BLOCKING: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(5);
const MAX_GAP: Duration = Duration::from_millis(50);

struct HeartbeatRun {
    /// When the heartbeat ticked, and on which thread.
    ticks: Vec<(Instant, thread::ThreadId)>,
    started: Instant,
    ended: Instant,
    value: u64,
    ran_on: thread::ThreadId,
}

fn blocking_call_does_not_stall_runtime(_ctx: &Context) -> Verdict {
    timing::decide(3, |_attempt| {
        let probe = LoadProbe::start(Duration::from_secs(3));
        let scenario = watch::spawn("runtime", |report| {
            // One worker thread: like asyncio's single event-loop thread, a blocking call on it
            // stops every other task. With the default runtime (one worker per core) another
            // worker would steal the heartbeat task and hide the stall; a multi-thread runtime
            // still allows block_in_place, which a current-thread runtime refuses.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("building a tokio runtime");
            let run = runtime.block_on(async {
                let stop = Arc::new(AtomicBool::new(false));
                let flag = stop.clone();
                let heartbeat = tokio::spawn(async move {
                    let mut ticks = Vec::new();
                    // Bounded: the scenario stops it after about 600 ms.
                    while !flag.load(Ordering::SeqCst) && ticks.len() < 20_000 {
                        tokio::time::sleep(TICK).await;
                        ticks.push((Instant::now(), thread::current().id()));
                    }
                    ticks
                });
                tokio::time::sleep(Duration::from_millis(50)).await;
                // The blocking call is made from a task, so it runs on the worker thread as the
                // heartbeat does (block_on's own thread is not a worker).
                let job = tokio::spawn(async {
                    let started = Instant::now();
                    let (value, ran_on) = run_blocking(|| {
                        thread::sleep(BLOCKING);
                        (7u64, thread::current().id())
                    })
                    .await;
                    (value, ran_on, started, Instant::now())
                });
                let (value, ran_on, started, ended) =
                    job.await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
                tokio::time::sleep(Duration::from_millis(50)).await;
                stop.store(true, Ordering::SeqCst);
                let ticks = heartbeat.await.unwrap_or_default();
                HeartbeatRun { ticks, started, ended, value, ran_on }
            });
            report.send(run);
        });
        let run = match scenario.next(Duration::from_secs(5)) {
            Next::Item(run) => run,
            other => {
                let failure = match other {
                    Next::Panicked(text) => panicked(&text, "awaiting run_blocking(|| std::thread::sleep(500 ms))"),
                    _ => fail(
                        "run_blocking(|| { std::thread::sleep(500 ms); 7 }) had not returned after 5 s",
                        "the function's value, 7, after about 500 ms",
                        "run_blocking returns once the function has run: await spawn_blocking's JoinHandle",
                    ),
                };
                return Measurement { judgement: Judgement::Fatal(failure), summary: "no measurement".to_owned() };
            }
        };
        let lateness = probe.finish();
        // The longest pause between two ticks from just before the call until just after it.
        let window = |t: Instant| t + TICK * 4 >= run.started && t <= run.ended + TICK * 4;
        let in_window: Vec<&(Instant, thread::ThreadId)> = run.ticks.iter().filter(|(t, _)| window(*t)).collect();
        let gap = in_window.windows(2).map(|w| w[1].0 - w[0].0).max().unwrap_or(run.ended - run.started);
        let took = run.ended - run.started;
        let summary = format!(
            "run_blocking took {}; heartbeat: {} ticks, longest gap {} (machine wake-up lateness up to {})",
            timing::ms(took),
            in_window.len(),
            timing::ms(gap),
            timing::ms(lateness)
        );
        let judgement = if run.value != 7 {
            Judgement::Fatal(fail(
                format!("run_blocking(|| {{ ...; 7 }}) returned {}", run.value),
                "7, the function's value",
                "run_blocking returns what the function returns",
            ))
        } else if took < BLOCKING.mul_f64(0.9) {
            Judgement::Fatal(fail(
                format!("run_blocking(|| std::thread::sleep(500 ms)) returned after {}", timing::ms(took)),
                "it returns once the function has run (500 ms)",
                "run_blocking must wait for the function's result",
            ))
        } else if gap < MAX_GAP {
            Judgement::Pass
        } else if gap >= BLOCKING.mul_f64(0.6) {
            let same_thread = run.ticks.iter().any(|(_, id)| *id == run.ran_on);
            let on = if same_thread {
                " The function ran on the runtime's worker thread, the one that runs the heartbeat (here the only worker, as asyncio has one event-loop thread), so no other task could run until it returned."
            } else {
                ""
            };
            Judgement::Fail(fail(
                format!(
                    "the heartbeat stopped for {} while run_blocking ran (a task that ticks every {} ms; run_blocking(|| std::thread::sleep(500 ms)) took {})",
                    timing::ms(gap),
                    TICK.as_millis(),
                    timing::ms(took)
                ),
                format!("the heartbeat keeps ticking: no gap of {} or more", timing::ms(MAX_GAP)),
                format!(
                    "a blocking call inside async code stalls every task on that thread.{on} Hand the function to tokio::task::spawn_blocking (asyncio's run_in_executor), which runs it on a thread of the blocking pool, and await the JoinHandle it returns"
                ),
            ))
        } else {
            Judgement::Unsure(format!(
                "a gap of {} is too long for a free runtime but too short for a stall of 500 ms",
                timing::ms(gap)
            ))
        };
        measured(summary.clone());
        Measurement { judgement, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// panics_come_back_with_their_payload
// ---------------------------------------------------------------------------------------------

/// The payload the panicking task and function of this check panic with.
const PAYLOAD: &str = "payload 4217 (a panic the hidden check makes on purpose)";

/// Runs `body` on a runtime of its own on a scenario thread: its panic text, or what it
/// returned, within 3 s.
fn panic_of<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> Next<T> {
    let scenario = watch::spawn("runtime", move |report| {
        report.send(body());
    });
    scenario.next(Duration::from_secs(3))
}

/// Promises `gather-propagates-panic` and `run-blocking-propagates-panic`: a panic in a
/// gathered task or in a blocking function comes back to the caller, with its own payload.
fn panics_come_back_with_their_payload(_ctx: &Context) -> Verdict {
    let gathered = panic_of(|| {
        event_loop().block_on(async {
            let tasks: Vec<BoxedTask<u32>> = vec![
                Box::pin(async { 1 }),
                Box::pin(async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    panic!("{PAYLOAD}")
                }),
                Box::pin(async { 3 }),
            ];
            gather(tasks).await
        })
    });
    judge_payload(
        gathered,
        "gather over three tasks, the second of which panics",
        "gather",
        "a task's JoinError: if e.is_panic(), std::panic::resume_unwind(e.into_panic()) re-raises the task's own panic",
    )?;
    let blocking = panic_of(|| event_loop().block_on(async { run_blocking(|| -> u32 { panic!("{PAYLOAD}") }).await }));
    judge_payload(
        blocking,
        "run_blocking(|| panic!(..)) awaited in a task",
        "run_blocking",
        "the JoinError of spawn_blocking: std::panic::resume_unwind(e.into_panic()) re-raises the function's own panic",
    )
}

fn judge_payload<T: std::fmt::Debug>(next: Next<T>, doing: &str, who: &str, how: &str) -> Verdict {
    match next {
        Next::Panicked(text) if text == PAYLOAD => Ok(()),
        Next::Panicked(text) => Err(fail(
            format!("{doing} panicked, but with another message: {text:?}"),
            format!("a panic with the task's own payload, {PAYLOAD:?}"),
            format!("{who} must re-raise the panic itself, not a new one that describes it (unwrap() or expect() on the JoinError panics with the JoinError's text): {how}"),
        )),
        Next::Item(value) => Err(fail(
            format!("{doing} returned {value:?} instead of panicking"),
            format!("a panic with the payload {PAYLOAD:?}"),
            format!("a panic must not vanish: {who} re-raises it ({how})"),
        )),
        Next::TimedOut | Next::Ended => Err(fail(
            format!("{doing} neither returned nor panicked within 3 s"),
            format!("a panic with the payload {PAYLOAD:?}"),
            format!("perhaps {who} waits for a result that the panicking code never sends; {how}"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// promise_from_a_thread_and_after_drop
// ---------------------------------------------------------------------------------------------

/// More polls than this while a Promise waits 200 ms is a busy loop (a correct one: 2).
const PROMISE_MAX_POLLS: usize = 10;

/// Promises `promise-resolved-from-a-thread`, `promise-not-busy-polled` and
/// `resolve-without-promise-is-quiet`.
fn promise_from_a_thread_and_after_drop(_ctx: &Context) -> Verdict {
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let from_thread = panic_of(move || {
        event_loop().block_on(async move {
            let (resolver, awaited) = promise::<u64>();
            let counted = Counted { inner: Box::pin(awaited), polls: p };
            // A plain thread, outside the runtime, resolves 200 ms later.
            let setter = thread::spawn(move || {
                thread::sleep(Duration::from_millis(200));
                resolver.resolve(99);
            });
            let value = counted.await;
            let _ = setter.join();
            value
        })
    });
    let n = polls.load(Ordering::SeqCst);
    match from_thread {
        Next::Item(Ok(99)) => {}
        Next::Item(other) => {
            return Err(fail(
                format!("a task awaiting a Promise that a plain thread resolved with 99 got {other:?}"),
                "Ok(99)",
                "the Resolver may be used from any thread: resolve sends the value and wakes the awaiting task wherever it runs",
            ))
        }
        Next::Panicked(text) => return Err(panicked(&text, "resolving a Promise from a plain thread")),
        Next::TimedOut | Next::Ended => {
            return Err(fail(
                format!("a plain thread (not a task) resolved a Promise 200 ms after a task began awaiting it; 3 s later the task still had not got the value (the Promise was polled {n} times)"),
                "Ok(99) as soon as the thread resolves it",
                "resolving must wake the awaiting task even from outside the runtime: store the waker of the Pending poll where resolve finds it (a oneshot channel's receiver, polled, does it), and do not rely on tokio's context in resolve",
            ))
        }
    }
    measured(format!("a Promise resolved from a thread after 200 ms: {n} polls"));
    if n > PROMISE_MAX_POLLS {
        return Err(fail(
            format!("while a task awaited a Promise for 200 ms, the Promise was polled {n} times"),
            format!("a handful of polls (at most {PROMISE_MAX_POLLS}): once at the start, once after resolve wakes the task"),
            "the Promise wakes its own task on every Pending (cx.waker().wake_by_ref()), so the runtime polls it again at once, in a busy loop. Store the waker and let resolve wake it",
        ));
    }
    // Resolving a promise nobody awaits any more: from a task and from a thread.
    let quiet = panic_of(|| {
        event_loop().block_on(async {
            let (resolver, awaited) = promise::<String>();
            drop(awaited);
            tokio::spawn(async move { resolver.resolve("nobody listens".to_owned()) })
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            let (resolver, awaited) = promise::<String>();
            drop(awaited);
            thread::spawn(move || resolver.resolve("nobody listens either".to_owned()))
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
        })
    });
    match quiet {
        Next::Item(()) => Ok(()),
        Next::Panicked(text) => Err(fail(
            format!("resolve() on a Resolver whose Promise had been dropped panicked: {text}"),
            "the value is dropped quietly",
            "nobody waits for the value any more, which is not an error: ignore the Err of sending it (let _ = self.tx.send(value)) instead of unwrap()ping it",
        )),
        Next::TimedOut | Next::Ended => Err(fail(
            "resolve() on a Resolver whose Promise had been dropped did not return within 3 s",
            "resolve returns at once",
            "resolve must never wait for the Promise: set the value and wake, if anybody waits",
        )),
    }
}
