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
//! - The Future contract of the promise is seen by polling it by hand with wakers of our own
//!   (`pack_support::wakers`): a new waker for a later poll, and thousands of rounds in which a
//!   thread resolves (or drops) the Resolver while the Promise is being polled.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::thread;
use std::time::{Duration, Instant};

use ex14_async_tasks::{gather, promise, run_blocking, Abandoned, Resolver};
use pack_support::net::LoadProbe;
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::wakers;
use pack_support::watch::{self, Next};
use pack_support::{failure, measured, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        gather_runs_tasks_concurrently,
        gather_keeps_submission_order,
        promise_resolved_from_another_task,
        blocking_call_does_not_stall_runtime,
        panics_come_back_with_their_payload,
        promise_from_a_thread_and_after_drop,
        promise_wakes_its_latest_waker,
        promise_never_loses_a_wake_up
    ])
}

type BoxedTask<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A current-thread runtime: one thread runs every task, as asyncio's event loop does, so what
/// is concurrent here is concurrent because of the tasks, not because of extra threads.
fn event_loop() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("building a tokio runtime")
}

fn panicked(text: &str, doing: String) -> Failure {
    failure!("ex14-panicked", doing, text)
}

fn list(values: &[usize]) -> String {
    format!("[{}]", values.iter().map(usize::to_string).collect::<Vec<_>>().join(", "))
}

// ---------------------------------------------------------------------------------------------
// gather_runs_tasks_concurrently
// ---------------------------------------------------------------------------------------------

const TASKS: usize = 5;
const SLEEP: Duration = Duration::from_millis(400);

/// How many tasks run at once, and the most there ever were; and the tokio task each future
/// ran in (`None`: in no task of its own, such as the caller's `block_on`).
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
    tasks: std::sync::Mutex<Vec<Option<tokio::task::Id>>>,
}

struct GatherRun {
    one: Duration,
    all: Duration,
    peak: usize,
    results: Vec<usize>,
    /// Of the futures, how many ran in a task of their own, each in a different one.
    own_tasks: usize,
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
                            gauge.tasks.lock().unwrap_or_else(|e| e.into_inner()).push(tokio::task::try_id());
                            let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                            gauge.peak.fetch_max(now, Ordering::SeqCst);
                            tokio::time::sleep(SLEEP).await;
                            gauge.now.fetch_sub(1, Ordering::SeqCst);
                            i
                        }) as BoxedTask<usize>
                    })
                    .collect();
                let (results, all) = timed_async(gather(tasks)).await;
                let ids = gauge.tasks.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let own_tasks = ids.iter().flatten().collect::<std::collections::BTreeSet<_>>().len();
                GatherRun { one, all, peak: gauge.peak.load(Ordering::SeqCst), results, own_tasks }
            });
            report.send(run);
        });
        let run = match scenario.next(SLEEP * (TASKS as u32) * 2 + Duration::from_secs(2)) {
            Next::Item(run) => run,
            other => {
                let failure = match other {
                    Next::Panicked(text) => panicked(&text, text!("ex14-doing-gather-sleeping")),
                    _ => failure!(
                        "ex14-gather-timed-out",
                        tasks = TASKS,
                        sleep = timing::ms(SLEEP),
                        secs = (SLEEP * (TASKS as u32) * 2 + Duration::from_secs(2)).as_secs(),
                    ),
                };
                return Measurement { judgement: Judgement::Fatal(failure), summary: text!("ex14-no-measurement") };
            }
        };
        let ratio = run.all.as_secs_f64() / run.one.as_secs_f64().max(1e-9);
        let (tasks, sleep, peak) = (TASKS, timing::ms(SLEEP), run.peak);
        let (all, one, shown) = (timing::ms(run.all), timing::ms(run.one), format!("{ratio:.2}"));
        let summary = text!("ex14-gather-summary", tasks, all = &all, ratio = &shown, one = &one, peak);
        let judgement = if run.results.len() != TASKS {
            Judgement::Fatal(failure!("ex14-gather-result-count", tasks, count = run.results.len()))
        } else if run.own_tasks < TASKS {
            // Asked of tokio, not timed: a future polled by gather itself runs in the caller's
            // task (here block_on, which is no task), however concurrently it is polled.
            Judgement::Fatal(failure!("ex14-gather-not-tasks", tasks, own = run.own_tasks))
        } else if run.peak == 1 {
            // Counted, not timed: no machine load makes concurrent tasks run one at a time.
            Judgement::Fatal(failure!("ex14-gather-one-at-a-time", tasks, sleep, all, ratio = &shown, one, peak))
        } else if run.one > SLEEP * 2 {
            Judgement::Unsure(text!("ex14-gather-calibration-slow", sleep, one))
        } else if ratio <= 1.6 {
            Judgement::Pass
        } else if run.peak == TASKS {
            Judgement::Unsure(text!("ex14-gather-all-at-once-slow", tasks, ratio = &shown))
        } else {
            Judgement::Fail(failure!("ex14-gather-some-at-once", tasks, sleep, all, ratio = &shown, one, peak))
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
        Next::Panicked(text) => return Err(panicked(&text, text!("ex14-doing-gather"))),
        _ => return Err(failure!("ex14-order-timed-out")),
    };
    let submitted: Vec<usize> = (0..N).map(|i| i * 10).collect();
    if results == submitted {
        return Ok(());
    }
    let (shown, as_finished) = (list(&results), results == finished);
    let (results, submitted, finished) = (shown, list(&submitted), list(&finished));
    Err(if as_finished {
        failure!("ex14-order-as-finished", results, submitted, finished)
    } else {
        failure!("ex14-order-wrong", results, submitted, finished)
    })
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
            measured(text!(
                "ex14-promise-delivered-measured",
                micros = after_resolve.as_micros() as u64,
                polls = polls.load(Ordering::SeqCst)
            ));
            if value != Ok(42) {
                return Err(failure!("ex14-promise-wrong-value", value = format!("{value:?}")));
            }
        }
        Next::Panicked(text) => return Err(panicked(&text, text!("ex14-doing-await-from-task"))),
        Next::TimedOut if resolved.load(Ordering::SeqCst) => {
            let polls = polls.load(Ordering::SeqCst);
            return Err(if polls <= 1 {
                failure!("ex14-promise-never-woken", secs = limit.as_secs(), polls)
            } else {
                failure!("ex14-promise-never-ready", secs = limit.as_secs(), polls)
            });
        }
        Next::TimedOut => return Err(failure!("ex14-promise-blocks-thread", secs = limit.as_secs())),
        Next::Ended | Next::Item(_) => unreachable!("the scenario reports part 1 first"),
    }

    // Part 2.
    match scenario.next(limit) {
        Next::Item(PromiseReport::Dropped(value)) => {
            if value != Err(Abandoned) {
                return Err(failure!("ex14-dropped-wrong-value", value = format!("{value:?}")));
            }
        }
        Next::Panicked(text) => return Err(panicked(&text, text!("ex14-doing-await-dropped"))),
        _ => return Err(failure!("ex14-dropped-hangs", secs = limit.as_secs())),
    }

    // Part 3.
    match scenario.next(limit) {
        Next::Item(PromiseReport::Early(Ok(7))) => Ok(()),
        Next::Item(PromiseReport::Early(value)) => {
            Err(failure!("ex14-early-wrong-value", value = format!("{value:?}")))
        }
        Next::Panicked(text) => Err(panicked(&text, text!("ex14-doing-await-early"))),
        _ => Err(failure!("ex14-early-hangs", secs = limit.as_secs())),
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
                    Next::Panicked(text) => panicked(&text, text!("ex14-doing-run-blocking")),
                    _ => failure!("ex14-blocking-timed-out"),
                };
                return Measurement { judgement: Judgement::Fatal(failure), summary: text!("ex14-no-measurement") };
            }
        };
        let lateness = probe.finish();
        // The longest pause between two ticks from just before the call until just after it.
        let window = |t: Instant| t + TICK * 4 >= run.started && t <= run.ended + TICK * 4;
        let in_window: Vec<&(Instant, thread::ThreadId)> = run.ticks.iter().filter(|(t, _)| window(*t)).collect();
        let gap = in_window.windows(2).map(|w| w[1].0 - w[0].0).max().unwrap_or(run.ended - run.started);
        let took = run.ended - run.started;
        let summary = text!(
            "ex14-blocking-summary",
            took = timing::ms(took),
            ticks = in_window.len(),
            gap = timing::ms(gap),
            lateness = timing::ms(lateness)
        );
        let judgement = if run.value != 7 {
            Judgement::Fatal(failure!("ex14-blocking-wrong-value", value = run.value))
        } else if took < BLOCKING.mul_f64(0.9) {
            Judgement::Fatal(failure!("ex14-blocking-returned-early", took = timing::ms(took)))
        } else if gap < MAX_GAP {
            Judgement::Pass
        } else if gap >= BLOCKING.mul_f64(0.6) {
            let same_thread = run.ticks.iter().any(|(_, id)| *id == run.ran_on);
            let (gap, tick, took, max_gap) =
                (timing::ms(gap), TICK.as_millis() as u64, timing::ms(took), timing::ms(MAX_GAP));
            Judgement::Fail(if same_thread {
                failure!("ex14-blocking-stalled-same-thread", gap, tick, took, max_gap)
            } else {
                failure!("ex14-blocking-stalled", gap, tick, took, max_gap)
            })
        } else {
            Judgement::Unsure(text!("ex14-blocking-gap-unclear", gap = timing::ms(gap)))
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
    judge_payload(gathered, text!("ex14-doing-gather-panicking"), "gather", text!("ex14-how-gather"))?;
    let blocking = panic_of(|| event_loop().block_on(async { run_blocking(|| -> u32 { panic!("{PAYLOAD}") }).await }));
    judge_payload(blocking, text!("ex14-doing-run-blocking-panicking"), "run_blocking", text!("ex14-how-run-blocking"))
}

fn judge_payload<T: std::fmt::Debug>(next: Next<T>, doing: String, who: &str, how: String) -> Verdict {
    let payload = format!("{PAYLOAD:?}");
    match next {
        Next::Panicked(text) if text == PAYLOAD => Ok(()),
        Next::Panicked(text) => {
            Err(failure!("ex14-payload-other-message", doing, text = format!("{text:?}"), payload, who, how))
        }
        Next::Item(value) => {
            Err(failure!("ex14-payload-returned", doing, value = format!("{value:?}"), payload, who, how))
        }
        Next::TimedOut | Next::Ended => Err(failure!("ex14-payload-hangs", doing, payload, who, how)),
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
        Next::Item(other) => return Err(failure!("ex14-thread-wrong-value", value = format!("{other:?}"))),
        Next::Panicked(text) => return Err(panicked(&text, text!("ex14-doing-resolve-from-thread"))),
        Next::TimedOut | Next::Ended => return Err(failure!("ex14-thread-never-woken", polls = n)),
    }
    measured(text!("ex14-thread-measured", polls = n));
    if n > PROMISE_MAX_POLLS {
        return Err(failure!("ex14-busy-polled", polls = n, max_polls = PROMISE_MAX_POLLS));
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
        Next::Panicked(text) => Err(failure!("ex14-resolve-dropped-panicked", text)),
        Next::TimedOut | Next::Ended => Err(failure!("ex14-resolve-dropped-hangs")),
    }
}

// ---------------------------------------------------------------------------------------------
// promise_wakes_its_latest_waker
// ---------------------------------------------------------------------------------------------

/// What a Promise polled by hand with two wakers did when a thread resolved (or dropped) its
/// Resolver.
struct TwoWakers {
    /// Whether the first and the second poll returned Pending.
    pending: (bool, bool),
    /// How often the first and the second waker were woken.
    woken: (usize, usize),
    /// What a poll after the wake-up gave (None: Pending).
    then: Option<Result<u64, Abandoned>>,
}

/// Promise `promise-wakes-latest-waker`: a Promise polled with one waker and then with another
/// (its task moved to another worker, or it was first awaited inside a `select!` and then by
/// another task) must wake the second when a thread resolves it, and when a thread drops the
/// Resolver. Only the waker of the latest poll counts: that is the `Future` contract.
fn promise_wakes_its_latest_waker(_ctx: &Context) -> Verdict {
    for resolves in [true, false] {
        let what = if resolves { text!("ex14-latest-resolve") } else { text!("ex14-latest-drop") };
        let scenario = watch::spawn("promise", move |report| {
            let runtime = event_loop();
            let _inside = runtime.enter();
            let (resolver, awaited) = promise::<u64>();
            let mut awaited = Box::pin(awaited);
            let (first, second) = (wakers::Counting::new(), wakers::Counting::new());
            let a = wakers::poll_with(awaited.as_mut(), &first.waker()).is_pending();
            let b = wakers::poll_with(awaited.as_mut(), &second.waker()).is_pending();
            let acting = thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                if resolves {
                    resolver.resolve(5);
                } else {
                    drop(resolver);
                }
            });
            second.wait_woken(Duration::from_secs(2));
            if let Err(payload) = acting.join() {
                std::panic::resume_unwind(payload);
            }
            let then = match wakers::poll_with(awaited.as_mut(), &wakers::Counting::new().waker()) {
                Poll::Ready(value) => Some(value),
                Poll::Pending => None,
            };
            report.send(TwoWakers { pending: (a, b), woken: (first.woken(), second.woken()), then });
        });
        let seen = match scenario.next(Duration::from_secs(5)) {
            Next::Item(seen) => seen,
            Next::Panicked(text) => return Err(panicked(&text, text!("ex14-doing-two-wakers"))),
            _ => return Err(failure!("ex14-latest-hangs", what)),
        };
        let expected = if resolves { Ok(5) } else { Err(Abandoned) };
        let expected_text = format!("{expected:?}");
        match seen {
            TwoWakers { pending: (true, true), woken: (_, 1..), then } if then.as_ref() == Some(&expected) => {}
            TwoWakers { pending: (true, true), woken: (_, 1..), then } => {
                let then = then.map_or("Pending".to_owned(), |v| format!("{v:?}"));
                return Err(failure!("ex14-latest-woken-not-ready", what, then, expected = expected_text));
            }
            TwoWakers { pending: (true, true), woken: (1.., 0), .. } => {
                return Err(failure!("ex14-latest-woke-first", what, expected = expected_text))
            }
            TwoWakers { pending: (true, true), .. } => {
                return Err(failure!("ex14-latest-woke-none", what, expected = expected_text))
            }
            TwoWakers { .. } => return Err(failure!("ex14-latest-ready-at-once")),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// promise_never_loses_a_wake_up
// ---------------------------------------------------------------------------------------------

/// How a race round between a Resolver and the polls of its Promise ended badly.
struct LostWakeUp {
    round: usize,
    resolves: bool,
    pause: Duration,
    poll: isize,
    latest_woken: Option<isize>,
}

/// Waits `pause` without sleeping: a sleep of a few microseconds lasts tens of them.
fn spin_for(pause: Duration) {
    let until = Instant::now() + pause;
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

/// Promise `promise-no-lost-wake-up`: thousands of rounds in which a thread resolves a
/// Promise (or drops its Resolver) after a pause of 0-40 us while the Promise is polled in a
/// tight loop, every poll with a new waker, so that the thread acts at every point of `poll`
/// (`wakers::poll_racing`). A poll that returns Pending once the thread has acted must have its
/// own waker woken. A poll that looks at the value and stores its waker in two critical
/// sections sometimes returns Pending after the Resolver has already woken an older waker (or
/// none): a lost wake-up, which a task awaiting the Promise would never recover from.
fn promise_never_loses_a_wake_up(_ctx: &Context) -> Verdict {
    const ROUNDS: usize = 3_000;
    const MAX_POLLS: isize = 200_000;
    const TIME_BUDGET: Duration = Duration::from_secs(4);
    const WAKE_WITHIN: Duration = Duration::from_secs(2);
    let seed = pack_support::rng::seed();
    let scenario = watch::spawn("promise race", move |report| {
        let runtime = event_loop();
        let _inside = runtime.enter();
        let mut rng = pack_support::rng::Rng::new(seed);
        // One thread acts on every round's Resolver, after the round's pause, then says so.
        type Action = (Resolver<u64>, Duration, bool, Arc<AtomicBool>);
        let (to_actor, actions) = std::sync::mpsc::channel::<Action>();
        let actor = thread::spawn(move || {
            for (resolver, pause, resolves, acted) in actions {
                spin_for(pause);
                if resolves {
                    resolver.resolve(1);
                } else {
                    drop(resolver);
                }
                acted.store(true, Ordering::SeqCst);
            }
        });
        let started = Instant::now();
        let mut rounds = 0;
        let mut lost = None;
        while rounds < ROUNDS && started.elapsed() < TIME_BUDGET {
            rounds += 1;
            let (pause, resolves) = (Duration::from_micros(rng.below(40)), rng.below(4) != 0);
            let (resolver, awaited) = promise::<u64>();
            let mut awaited = Box::pin(awaited);
            let (family, acted) = (wakers::Numbered::new(), Arc::new(AtomicBool::new(false)));
            if to_actor.send((resolver, pause, resolves, acted.clone())).is_err() {
                break;
            }
            // Still pending after MAX_POLLS: the acting thread is late (a busy machine), which
            // is no lost wake-up.
            if let wakers::RacedPolls::Lost { poll, latest_woken } =
                wakers::poll_racing(awaited.as_mut(), &family, &acted, MAX_POLLS, WAKE_WITHIN)
            {
                lost = Some(LostWakeUp { round: rounds, resolves, pause, poll, latest_woken });
                break;
            }
        }
        drop(to_actor);
        if let Err(payload) = actor.join() {
            std::panic::resume_unwind(payload);
        }
        report.send(lost.map_or(Ok(rounds), Err));
    });
    match scenario.next(TIME_BUDGET + WAKE_WITHIN * 2 + Duration::from_secs(10)) {
        Next::Item(Ok(rounds)) => {
            measured(text!("ex14-race-measured", rounds));
            Ok(())
        }
        Next::Item(Err(lost)) => Err(failure!(
            "ex14-lost-wake-up",
            round = lost.round,
            what = if lost.resolves { text!("ex14-race-resolved") } else { text!("ex14-race-dropped") },
            us = lost.pause.as_micros() as u64,
            poll = lost.poll + 1,
            secs = WAKE_WITHIN.as_secs(),
            woken = match lost.latest_woken {
                None => text!("ex14-woken-none"),
                Some(poll) => text!("ex14-woken-older", poll = poll + 1),
            },
            replay = pack_support::rng::replay_hint(seed, "ex14")
        )),
        Next::Panicked(text) => Err(panicked(&text, text!("ex14-doing-racing"))),
        _ => Err(failure!("ex14-race-stuck")),
    }
}
