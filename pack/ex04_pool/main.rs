//! Hidden checks of ex04_pool: the student's `ThreadPool` is driven from this program and
//! watched from inside the same process.
//!
//! The jobs submitted here are instrumented: each one counts how many jobs are running at once
//! (an atomic counter around a sleep), records the order in which jobs finish, and reports on a
//! channel of the check, so most checks do not depend on `JobHandle::result`. Worker threads
//! are counted in `/proc/self/task`, sampled every millisecond by a thread of the check. Timing
//! is judged as a ratio against one job timed alone in the same run, with sleeping jobs, up to
//! three measurements (see `pack_support::timing`).
//!
//! Student code runs on a scenario thread watched by a watchdog, except in two checks that
//! exist to let a hang be diagnosed by the checker: `drop_joins_workers` drops the pool on the
//! main thread, and `sleeping_jobs_overlap` waits for `result()` without a watchdog.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ex04_pool::{as_completed, JobHandle, ThreadPool};
use pack_support::cpu::{self, CpuWatch};
use pack_support::gauge::Gauge;
use pack_support::rng::{self, Rng};
use pack_support::threads::{thread_count, thread_ids, ThreadSampler};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next, Usage};
use pack_support::{fail, failure, proc, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        never_more_than_max_workers_jobs,
        worker_threads_bounded,
        sleeping_jobs_overlap,
        as_completed_order,
        drop_joins_workers,
        panicking_job_does_not_kill_pool,
        new_zero_panics,
        submit_returns_while_workers_are_busy,
        is_done_tells_without_blocking,
        same_workers_run_every_job,
        waiting_uses_no_cpu,
        instant_jobs_race,
        idle_worker_takes_the_next_job
    ])
}

/// How long a check waits for one step of student code.
const WATCHDOG: Duration = Duration::from_secs(5);

/// 12 instrumented jobs of 40 ms on 3 workers, handles dropped at once: never more than 3 run
/// at once, and every one runs. Promises: `never-more-than-max-jobs`, `queued-jobs-all-run`.
fn never_more_than_max_workers_jobs(_ctx: &Context) -> Verdict {
    const MAX: usize = 3;
    const JOBS: usize = 12;
    let gauge = Gauge::new();
    let g = gauge.clone();
    let scenario = watch::spawn("scenario", move |report| {
        let pool = ThreadPool::new(MAX);
        let (done, finished) = mpsc::channel();
        for i in 0..JOBS {
            let (g, done) = (g.clone(), done.clone());
            // Handles are dropped at once: this check watches the jobs, not result().
            let _ = pool.submit(move || {
                g.run(|| thread::sleep(Duration::from_millis(40)));
                let _ = done.send(i);
            });
        }
        report.send(collect(&finished, JOBS));
        // The pool is dropped after the report: its Drop is graded by drop_joins_workers.
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let ran = match scenario.next(WATCHDOG * 2) {
        Next::Item(ran) => ran,
        other => return Err(stuck(other, &text!("ex04-doing-submit-12"), &cpu)),
    };
    let peak = gauge.peak();
    if peak > MAX {
        return Err(if peak >= JOBS - 1 {
            failure!("ex04-thread-per-job", peak, jobs = JOBS, max = MAX)
        } else {
            failure!("ex04-more-jobs-than-workers", peak, jobs = JOBS, max = MAX)
        });
    }
    if ran.len() < JOBS {
        return Err(failure!("ex04-not-all-jobs-ran", ran = ran.len(), jobs = JOBS, secs = WATCHDOG.as_secs() * 2));
    }
    Ok(())
}

/// /proc/self/task sampled every millisecond while 20 jobs run on 3 workers: the pool adds at
/// most 3 threads. Promises: `exactly-max-workers-threads`, `queued-jobs-all-run`.
fn worker_threads_bounded(_ctx: &Context) -> Verdict {
    const MAX: usize = 3;
    const JOBS: usize = 20;
    let scenario = watch::spawn("scenario", move |report| {
        // Counted before the sampler starts: its own thread is not in its counts either.
        let before = thread_count();
        let sampler = ThreadSampler::start();
        let pool = ThreadPool::new(MAX);
        let (done, finished) = mpsc::channel();
        for i in 0..JOBS {
            let done = done.clone();
            let _ = pool.submit(move || {
                thread::sleep(Duration::from_millis(20));
                let _ = done.send(i);
            });
        }
        let ran = collect(&finished, JOBS).len();
        let peak = sampler.stop().peak;
        report.send((before, peak, ran));
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let (before, peak, ran) = match scenario.next(WATCHDOG * 2) {
        Next::Item(v) => v,
        other => return Err(stuck(other, &text!("ex04-doing-submit-20"), &cpu)),
    };
    let added = peak.saturating_sub(before);
    if added > MAX {
        return Err(if added >= JOBS {
            failure!("ex04-thread-per-job-counted", peak, jobs = JOBS, before, added, max = MAX)
        } else {
            failure!("ex04-more-threads-than-workers", peak, jobs = JOBS, before, added, max = MAX)
        });
    }
    if ran < JOBS {
        return Err(failure!("ex04-workers-stop-taking-jobs", ran, jobs = JOBS, secs = WATCHDOG.as_secs() * 2));
    }
    Ok(())
}

/// 7 sleeping jobs on 3 workers take about ceil(7 / 3) times one job alone (a ratio measured
/// in one run), every result() giving Ok. Promises: `sleeping-jobs-overlap`,
/// `exactly-max-workers-threads`, `result-blocks-then-gives-value`.
fn sleeping_jobs_overlap(_ctx: &Context) -> Verdict {
    const MAX: usize = 3;
    const JOBS: usize = 7;
    const SLEEP: Duration = Duration::from_millis(100);
    let rounds = JOBS.div_ceil(MAX) as f64;
    timing::decide(3, |_attempt| {
        // No watchdog here on purpose: a result() that never returns is left for the checker's
        // hang diagnosis (the manifest gives this check a short time limit).
        let scenario = watch::spawn("scenario", move |report| {
            let pool = ThreadPool::new(MAX);
            // Calibration: one job alone, best of two.
            let one = (0..2)
                .map(|_| timing::timed(|| pool.submit(move || thread::sleep(SLEEP)).result()).1)
                .min()
                .unwrap_or_default();
            let (results, all) = timing::timed(|| {
                let handles: Vec<_> = (0..JOBS).map(|_| pool.submit(move || thread::sleep(SLEEP))).collect();
                handles.into_iter().map(|h| h.result()).collect::<Vec<_>>()
            });
            let ok = results.iter().filter(|r| r.is_ok()).count();
            report.send((one, all, ok));
            drop(pool);
        });
        let (one, all, ok) = match scenario.next_blocking() {
            Next::Item(v) => v,
            other => {
                return Measurement {
                    judgement: Judgement::Fatal(stuck(other, &text!("ex04-doing-timing-7"), &CpuWatch::start())),
                    summary: text!("ex04-no-measurement"),
                }
            }
        };
        let ratio = all.as_secs_f64() / one.as_secs_f64().max(1e-9);
        let summary = text!(
            "ex04-overlap-summary",
            jobs = JOBS,
            all = timing::ms(all),
            ratio = format!("{ratio:.2}"),
            one = timing::ms(one)
        );
        let judgement = if ok < JOBS {
            Judgement::Fatal(failure!("ex04-sleeping-job-gave-err", failed = JOBS - ok, jobs = JOBS))
        } else if one > SLEEP * 2 {
            Judgement::Unsure(text!("ex04-one-job-too-slow", sleep = timing::ms(SLEEP), one = timing::ms(one)))
        } else if (ratio - rounds).abs() <= 0.6 {
            Judgement::Pass
        } else {
            let at_once = JOBS as f64 / ratio;
            let (sleep, all, one, ratio_shown, at_once) =
                (timing::ms(SLEEP), timing::ms(all), timing::ms(one), format!("{ratio:.2}"), format!("{at_once:.1}"));
            Judgement::Fail(if ratio > rounds {
                failure!(
                    "ex04-fewer-jobs-at-once",
                    jobs = JOBS,
                    sleep,
                    all,
                    max = MAX,
                    ratio = ratio_shown,
                    one,
                    at_once,
                    rounds
                )
            } else {
                failure!(
                    "ex04-more-jobs-at-once",
                    jobs = JOBS,
                    sleep,
                    all,
                    max = MAX,
                    ratio = ratio_shown,
                    one,
                    at_once,
                    rounds
                )
            })
        };

        Measurement { judgement, summary }
    })
}

/// 4 jobs finishing in an order other than their submission order: as_completed yields them in
/// the order they finished, the first before the others finished. Promises:
/// `as-completed-completion-order`, `as-completed-as-soon-as-done`.
fn as_completed_order(_ctx: &Context) -> Verdict {
    // Job i sleeps SLEEPS[i] ms; all run at once on 4 workers, so they finish in the order
    // 1, 3, 2, 0, which is not the order they were submitted in.
    const SLEEPS: [u64; 4] = [400, 100, 300, 200];
    let finished_order = Arc::new(Mutex::new(Vec::new()));
    let order = finished_order.clone();
    let scenario = watch::spawn("scenario", move |report| {
        let pool = ThreadPool::new(SLEEPS.len());
        let handles: Vec<_> = SLEEPS
            .iter()
            .enumerate()
            .map(|(i, &ms)| {
                let order = order.clone();
                pool.submit(move || {
                    thread::sleep(Duration::from_millis(ms));
                    order.lock().unwrap().push(i);
                    i
                })
            })
            .collect();
        for item in as_completed(handles) {
            // How many jobs had finished when this result came out?
            report.send((item.ok(), order.lock().unwrap().len()));
        }
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let mut yielded = Vec::new();
    let mut finished_at_first = None;
    while yielded.len() < SLEEPS.len() {
        match scenario.next(WATCHDOG) {
            Next::Item((Some(i), finished)) => {
                finished_at_first.get_or_insert(finished);
                yielded.push(i);
            }
            Next::Item((None, _)) => return Err(failure!("ex04-as-completed-err")),
            Next::Ended => break,
            Next::TimedOut => {
                let finished = finished_order.lock().unwrap().len();
                if finished < SLEEPS.len() {
                    return Err(stuck(Next::<()>::TimedOut, &text!("ex04-doing-running-4", finished), &cpu));
                }
                let (yielded, secs, note) = (yielded.len(), WATCHDOG.as_secs(), cpu.note());
                return Err(if cpu.busy() {
                    failure!("ex04-as-completed-stalled-spins", yielded, secs, note)
                } else {
                    failure!("ex04-as-completed-stalled-waits", yielded, secs, note)
                });
            }
            other => return Err(stuck(other, &text!("ex04-doing-iterating-4"), &cpu)),
        }
    }
    let finished = finished_order.lock().unwrap().clone();
    let show = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
    if yielded.len() != SLEEPS.len() {
        return Err(failure!("ex04-as-completed-count", count = yielded.len(), jobs = show(&yielded)));
    }
    if yielded != finished {
        let submission: Vec<usize> = (0..SLEEPS.len()).collect();
        let (shown, finished, sleeps) = (show(&yielded), show(&finished), format!("{SLEEPS:?}"));
        return Err(if yielded == submission {
            failure!("ex04-as-completed-submission-order", yielded = shown, finished, sleeps)
        } else {
            failure!("ex04-as-completed-wrong-order", yielded = shown, finished, sleeps)
        });
    }
    if finished_at_first == Some(SLEEPS.len()) {
        return Err(failure!(
            "ex04-as-completed-waits-for-all",
            first = yielded[0],
            jobs = SLEEPS.len(),
            apart = SLEEPS[0] - SLEEPS[1]
        ));
    }
    Ok(())
}

/// drop(pool) with 6 jobs queued on 2 workers: every job finished and no worker thread left.
/// Promises: `drop-finishes-queued-jobs`, `drop-joins-workers`, `queued-jobs-all-run`.
fn drop_joins_workers(_ctx: &Context) -> Verdict {
    // Everything runs on the main thread and without a watchdog: a Drop that never returns
    // (joining workers that wait for a queue nobody closes) hangs here on purpose, so the
    // checker's hang diagnosis sees a deadlock.
    const MAX: usize = 2;
    const JOBS: usize = 6;
    let before = thread_count();
    let done = Arc::new(AtomicUsize::new(0));
    let pool = ThreadPool::new(MAX);
    for _ in 0..JOBS {
        let done = done.clone();
        let _ = pool.submit(move || {
            thread::sleep(Duration::from_millis(50));
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    let (_, took) = timing::timed(|| drop(pool));
    let finished = done.load(Ordering::SeqCst);
    let after = thread_count();
    if finished < JOBS {
        let (took, total_ms) = (timing::ms(took), JOBS / MAX * 50);
        return Err(if after > before {
            failure!("ex04-drop-does-not-join", took, finished, jobs = JOBS, after, before, total_ms)
        } else {
            failure!("ex04-drop-discards-jobs", took, finished, jobs = JOBS, total_ms)
        });
    }
    // A joined thread can stay listed in /proc/self/task for a moment after join() returned
    // (the kernel wakes the joiner just before it removes the thread): look again briefly.
    let deadline = Instant::now() + Duration::from_millis(100);
    let mut after = after;
    while after > before && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(2));
        after = thread_count();
    }
    if after > before {
        return Err(failure!("ex04-drop-leaves-threads", after, before));
    }

    Ok(())
}

/// Two jobs panic on a pool of 2: their result() is Err(JobPanicked), which prints as a
/// sentence, no worker thread is gone and later jobs give Ok. Promises: `panic-gives-err`,
/// `panic-keeps-worker`, `result-blocks-then-gives-value`, `job-panicked-displays`.
fn panicking_job_does_not_kill_pool(_ctx: &Context) -> Verdict {
    const MAX: usize = 2;
    const AFTER: usize = 4;
    enum Step {
        /// Threads of this process before the pool, and right after it was made.
        Started(usize, usize),
        /// result() of each panicking job: the Err's Display text, None for Ok.
        Panicked(Vec<Option<String>>),
        /// Threads of this process after the panics.
        Threads(usize),
        /// result() of a normal job submitted after the panics.
        After(usize, Option<usize>),
    }
    let scenario = watch::spawn("scenario", move |report| {
        let before = thread_count();
        let pool = ThreadPool::new(MAX);
        report.send(Step::Started(before, thread_count()));
        // One panicking job per worker: each sleeps first so that both workers are busy.
        let bad: Vec<_> = (0..MAX)
            .map(|i| {
                pool.submit(move || -> usize {
                    thread::sleep(Duration::from_millis(50));
                    panic!("job {i} panics on purpose (hidden check panicking_job_does_not_kill_pool)")
                })
            })
            .collect();
        report.send(Step::Panicked(bad.into_iter().map(|h| h.result().err().map(|e| e.to_string())).collect()));
        thread::sleep(Duration::from_millis(50));
        report.send(Step::Threads(thread_count()));
        for i in 0..AFTER {
            report.send(Step::After(i, pool.submit(move || i * 10).result().ok()));
        }
        drop(pool);
    });
    // Threads counted right after the pool was made (the scenario thread included).
    let mut with_pool = None;
    let mut stage = text!("ex04-stage-panicked");
    let cpu = CpuWatch::start();
    let mut got = 0;
    while got < AFTER {
        let step = match scenario.next(WATCHDOG) {
            Next::Item(step) => step,
            Next::TimedOut => {
                let now = thread_count();
                let lost = with_pool.map_or(0, |w: usize| w.saturating_sub(now));
                let secs = WATCHDOG.as_secs();
                return Err(if lost > 0 {
                    failure!("ex04-panic-worker-gone", stage, secs, now, made = with_pool.unwrap_or(0), lost)
                } else if cpu.busy() {
                    failure!("ex04-panic-result-spins", stage, secs, note = cpu.note())
                } else {
                    failure!("ex04-panic-result-hangs", stage, secs)
                });
            }
            Next::Panicked(message) => return Err(failure!("ex04-panic-reaches-caller", stage, message)),
            Next::Ended => return Err(failure!("ex04-scenario-ended-before", stage)),
        };
        match step {
            Step::Started(before, now) => with_pool = Some(now.max(before)),
            Step::Panicked(errs) => {
                if errs.iter().any(Option::is_none) {
                    return Err(failure!("ex04-panicked-job-gave-ok"));
                }
                // The caller of a pool prints this error: it must say what happened.
                if let Some(text) = errs.iter().flatten().find(|t| !t.to_lowercase().contains("panic")) {
                    return Err(failure!("ex04-job-panicked-display", shown = format!("{text:?}")));
                }
                stage = text!("ex04-stage-after-panics");
            }
            Step::Threads(now) => {
                let made = with_pool.unwrap_or(0);
                if now < made {
                    return Err(failure!("ex04-panic-workers-died", max = MAX, now, made, died = made - now));
                }
            }
            Step::After(i, value) => {
                if value != Some(i * 10) {
                    return Err(failure!(
                        "ex04-job-after-panics",
                        value = i * 10,
                        got = format!("{value:?}"),
                        max = MAX
                    ));
                }
                got += 1;
            }
        }
    }
    Ok(())
}

/// ThreadPool::new(0) on a thread of its own: it must panic (a pool without workers would
/// never run a job). Promise: `new-zero-panics`.
fn new_zero_panics(_ctx: &Context) -> Verdict {
    // A panic proves something only from a new() that works otherwise (not a todo!()).
    let one = watch::call("new(1)", || {
        let pool = ThreadPool::new(1);
        pool.submit(|| 1 + 1).result().ok()
    });
    match one.outcome(WATCHDOG) {
        Next::Item(Some(2)) => {}
        Next::Item(got) => return Err(failure!("ex04-new-one-wrong-value", got = format!("{got:?}"))),
        other => return Err(stuck(other, &text!("ex04-doing-one-job"), &CpuWatch::start())),
    }
    let call = watch::call("new(0)", || {
        // A pool that was made anyway is kept alive: its drop is not what this check grades.
        std::mem::forget(ThreadPool::new(0));
    });
    match call.outcome(WATCHDOG) {
        Next::Panicked(_) => Ok(()),
        Next::Item(()) => Err(failure!("ex04-new-zero-returned")),
        _ => Err(failure!("ex04-new-zero-hangs", secs = WATCHDOG.as_secs())),
    }
}

/// A gate that jobs of a check wait at until the check opens it: a job that blocks without a
/// sleep, so that the check decides when it finishes and waits cost no CPU.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, opened) = &*self.0;
        let mut open = open.lock().unwrap_or_else(|e| e.into_inner());
        while !*open {
            open = opened.wait(open).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn open(&self) {
        *self.0 .0.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.0 .1.notify_all();
    }
}

/// Waits for `n` reports on `rx`, WATCHDOG at most for each; how many came.
fn wait_for(rx: &Receiver<usize>, n: usize) -> usize {
    (0..n).take_while(|_| rx.recv_timeout(WATCHDOG).is_ok()).count()
}

/// Both workers of ThreadPool::new(2) wait at a gate; 20 more jobs are submitted meanwhile:
/// every submit() must return while the workers are still busy, and every job run once the
/// gate opens. Promises: `submit-returns-at-once`, `queued-jobs-all-run`,
/// `result-blocks-then-gives-value`.
fn submit_returns_while_workers_are_busy(_ctx: &Context) -> Verdict {
    const MAX: usize = 2;
    const MORE: usize = 20;
    enum Step {
        Started(usize),
        Submitted,
        Results(Vec<Option<usize>>),
    }
    let gate = Gate::default();
    let g = gate.clone();
    let scenario = watch::spawn("scenario", move |report| {
        let pool = ThreadPool::new(MAX);
        let (started, starts) = mpsc::channel();
        let mut handles: Vec<JobHandle<usize>> = (0..MAX)
            .map(|i| {
                let (g, started) = (g.clone(), started.clone());
                pool.submit(move || {
                    let _ = started.send(i);
                    g.wait();
                    i
                })
            })
            .collect();
        report.send(Step::Started(wait_for(&starts, MAX)));
        handles.extend((MAX..MAX + MORE).map(|i| pool.submit(move || i)));
        report.send(Step::Submitted);
        report.send(Step::Results(handles.into_iter().map(|h| h.result().ok()).collect()));
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let verdict = (|| {
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Started(n)) if n == MAX => {}
            Next::Item(Step::Started(n)) => {
                return Err(failure!(
                    "ex04-jobs-not-started",
                    started = n,
                    jobs = MAX,
                    secs = WATCHDOG.as_secs(),
                    note = ""
                ))
            }
            Next::Item(_) => unreachable!("the scenario reports Started first"),
            other => return Err(stuck(other, &text!("ex04-doing-submit-2"), &cpu)),
        }
        // Any submit() that only queues returns within microseconds; 2 s is a generous bound,
        // and the gate stays closed meanwhile, so a submit that waits for a worker never returns.
        match scenario.next(Duration::from_secs(2)) {
            Next::Item(Step::Submitted) => {}
            Next::TimedOut => {
                gate.open();
                return Err(match scenario.next(WATCHDOG) {
                    Next::Item(Step::Submitted) => failure!("ex04-submit-waits-returned-later", max = MAX, more = MORE),
                    _ => failure!("ex04-submit-waits-never-returned", max = MAX, more = MORE),
                });
            }
            other => return Err(stuck(other, &text!("ex04-doing-submit-20-busy"), &cpu)),
        }
        gate.open();
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Results(values)) => {
                let wrong: Vec<String> = values
                    .iter()
                    .enumerate()
                    .filter(|(i, v)| **v != Some(*i))
                    .map(|(i, v)| text!("ex04-job-gave", job = i, got = format!("{v:?}")))
                    .collect();
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(failure!("ex04-queued-jobs-wrong", wrong = wrong.join(", ")))
                }
            }
            other => Err(stuck(other, &text!("ex04-doing-results-22"), &cpu)),
        }
    })();
    gate.open();
    verdict
}

/// On ThreadPool::new(N) for N = 2, 3, 4: one job held at a gate, then 3N instant jobs. The
/// N - 1 free workers run every instant job while the held one still runs: the workers share
/// one queue, so no job waits behind a busy worker while another is idle (a queue per worker,
/// jobs dealt out in turn, fails at once). Promise: `idle-worker-takes-next-job`.
fn idle_worker_takes_the_next_job(_ctx: &Context) -> Verdict {
    for max in [2, 3, 4] {
        let jobs = 3 * max;
        let gate = Gate::default();
        let g = gate.clone();
        let (done, finished) = mpsc::channel::<usize>();
        let scenario = watch::spawn("scenario", move |report| {
            let pool = ThreadPool::new(max);
            let (started, starts) = mpsc::channel();
            let _held = pool.submit(move || {
                let _ = started.send(0);
                g.wait();
            });
            report.send(wait_for(&starts, 1) == 1);
            for i in 0..jobs {
                let done = done.clone();
                let _ = pool.submit(move || {
                    let _ = done.send(i);
                });
            }
            report.send(true);
            // Dropping the pool waits for the held job, until the check opens the gate.
            drop(pool);
        });
        let cpu = CpuWatch::start();
        let doing = text!("ex04-doing-held-and-instant", max, jobs);
        let verdict = (|| {
            match scenario.next(WATCHDOG * 2) {
                Next::Item(true) => {}
                Next::Item(false) => {
                    return Err(failure!(
                        "ex04-jobs-not-started",
                        started = 0,
                        jobs = 1,
                        secs = WATCHDOG.as_secs(),
                        note = ""
                    ))
                }
                other => return Err(stuck(other, &doing, &cpu)),
            }
            match scenario.next(WATCHDOG) {
                Next::Item(_) => {}
                other => return Err(stuck(other, &doing, &cpu)),
            }
            // While the held job runs, the free workers must run every instant job.
            let mut ran = BTreeSet::new();
            let deadline = Instant::now() + WATCHDOG;
            while ran.len() < jobs {
                match finished.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(i) => {
                        ran.insert(i);
                    }
                    Err(_) => break,
                }
            }
            if ran.len() == jobs {
                return Ok(());
            }
            let waiting: Vec<usize> = (0..jobs).filter(|i| !ran.contains(i)).collect();
            // Do they run once the held job ends? Then they were queued behind it.
            gate.open();
            let mut late = 0;
            while late < waiting.len() && finished.recv_timeout(WATCHDOG).is_ok() {
                late += 1;
            }
            let which = waiting.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ");
            let (count, free, secs) = (waiting.len(), max - 1, WATCHDOG.as_secs());
            Err(if late == waiting.len() {
                failure!("ex04-jobs-waited-behind-busy-worker", max, jobs, count, which, free, secs)
            } else {
                failure!("ex04-jobs-never-ran-beside-busy-worker", max, jobs, count, which, free, secs)
            })
        })();
        gate.open();
        verdict?;
        if let other @ (Next::TimedOut | Next::Panicked(_)) = scenario.next(WATCHDOG) {
            return Err(stuck(other, &text!("ex04-doing-drop-after-held", max), &cpu));
        }
    }
    Ok(())
}

/// is_done() of a job held at a gate: false and returns at once, several times; true soon after
/// the job finished, and still true when asked again; result() then gives the value, called
/// on another thread. A panicking job is done too. Promises: `is-done-without-blocking`,
/// `result-blocks-then-gives-value`.
fn is_done_tells_without_blocking(_ctx: &Context) -> Verdict {
    enum Step {
        /// is_done() of the held job, asked three times.
        WhileRunning(Vec<bool>),
        /// How long after the gate opened is_done() said true (None: not within the watchdog),
        /// and what it said when asked again right after.
        AfterRunning(Option<Duration>, bool),
        /// result(), called on another thread than the one that submitted.
        Value(Option<Result<u32, ()>>),
        /// is_done() of a job that panicked, once it said true, and its result().
        Panicked(Option<Duration>, bool),
    }
    let gate = Gate::default();
    let (g, opened_tx) = (gate.clone(), mpsc::channel::<Instant>());
    let (opened_tx, opened) = opened_tx;
    let scenario = watch::spawn("scenario", move |report| {
        let pool = ThreadPool::new(2);
        let (started, starts) = mpsc::channel();
        let held = pool.submit(move || {
            let _ = started.send(0);
            g.wait();
            7u32
        });
        if wait_for(&starts, 1) == 0 {
            return;
        }
        report.send(Step::WhileRunning((0..3).map(|_| held.is_done()).collect()));
        let Ok(at) = opened.recv() else { return };
        let became = poll_until(|| held.is_done());
        report.send(Step::AfterRunning(became.map(|_| at.elapsed()), held.is_done()));
        let other = watch::call("result() on another thread", move || held.result().map_err(|_| ()));
        report.send(Step::Value(match other.outcome(WATCHDOG) {
            Next::Item(v) => Some(v),
            _ => None,
        }));
        let bad = pool
            .submit(|| -> u32 { panic!("this job panics on purpose (hidden check is_done_tells_without_blocking)") });
        let start = Instant::now();
        let became = poll_until(|| bad.is_done()).map(|_| start.elapsed());
        report.send(Step::Panicked(became, became.is_some() && bad.result().is_err()));
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let verdict = (|| {
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::WhileRunning(said)) => {
                if said.iter().any(|&done| done) {
                    return Err(failure!("ex04-is-done-true-while-running", said = format!("{said:?}")));
                }
            }
            Next::TimedOut => {
                return Err(failure!("ex04-is-done-blocks", secs = WATCHDOG.as_secs(), note = cpu.note()))
            }
            other => return Err(stuck(other, &text!("ex04-doing-submit-one"), &cpu)),
        }
        gate.open();
        let _ = opened_tx.send(Instant::now());
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::AfterRunning(Some(_), true)) => {}
            Next::Item(Step::AfterRunning(Some(after), false)) => {
                return Err(failure!("ex04-is-done-changes-its-answer", after = timing::ms(after)))
            }
            Next::Item(Step::AfterRunning(None, _)) => {
                return Err(failure!("ex04-is-done-never-true", secs = WATCHDOG.as_secs()))
            }
            other => return Err(stuck(other, &text!("ex04-doing-is-done-after"), &cpu)),
        }
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Value(Some(Ok(7)))) => {}
            Next::Item(Step::Value(value)) => {
                let outcome = match value {
                    None => text!("ex04-call-timed-out", secs = WATCHDOG.as_secs()),
                    Some(Ok(v)) => text!("ex04-call-gave-ok", value = v),
                    Some(Err(())) => text!("ex04-call-gave-err"),
                };
                return Err(failure!("ex04-result-after-is-done", outcome));
            }
            other => return Err(stuck(other, &text!("ex04-doing-result-finished"), &cpu)),
        }
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Panicked(Some(_), true)) => Ok(()),
            Next::Item(Step::Panicked(after, _)) => Err(match after {
                None => failure!("ex04-is-done-panicked-never-true", secs = WATCHDOG.as_secs()),
                Some(_) => failure!("ex04-is-done-panicked-no-err"),
            }),
            other => Err(stuck(other, &text!("ex04-doing-is-done-panicked"), &cpu)),
        }
    })();
    gate.open();
    verdict
}

/// Spins a little, then yields, until `done` is true, for WATCHDOG at most: whether it became
/// true. For waits of microseconds, where a sleep would take far longer than the wait.
fn wait_briefly_for(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + WATCHDOG;
    for spins in 0u32.. {
        if done() {
            return true;
        }
        if spins < 1000 {
            std::hint::spin_loop();
        } else if Instant::now() > deadline {
            return false;
        } else {
            thread::yield_now();
        }
    }
    false
}

/// Calls `done` every half millisecond until it is true, for WATCHDOG at most: whether it
/// became true.
fn poll_until(mut done: impl FnMut() -> bool) -> Option<()> {
    let deadline = Instant::now() + WATCHDOG;
    while !done() {
        if Instant::now() > deadline {
            return None;
        }
        thread::sleep(Duration::from_micros(500));
    }
    Some(())
}

/// The threads a pool of 3 made in new() are the only ones that ever run its jobs: jobs
/// submitted from three threads at once, results taken on yet another, handles dropped early,
/// jobs that panic; /proc/self/task sampled every millisecond, by thread identity. Promises:
/// `no-thread-created-later`, `exactly-max-workers-threads`, `panic-keeps-worker`,
/// `queued-jobs-all-run`.
fn same_workers_run_every_job(_ctx: &Context) -> Verdict {
    const MAX: usize = 3;
    const SUBMITTERS: usize = 3;
    const EACH: usize = 40;
    struct Seen {
        /// Threads that appeared while new() ran.
        workers: BTreeSet<u32>,
        /// The threads jobs ran on, before the panics and after them.
        before_panics: BTreeSet<u32>,
        after_panics: BTreeSet<u32>,
        /// Threads that appeared after new() returned, the check's own not counted.
        later: BTreeSet<u32>,
        /// Jobs that ran (handles dropped or not), of those submitted before the panics.
        ran: usize,
        /// result() that gave Ok, of the handles kept.
        ok: usize,
        kept: usize,
        panicked_err: bool,
    }
    let seed = rng::seed();
    let scenario = watch::spawn("scenario", move |report| {
        let mut rng = Rng::new(seed);
        let ran_on = Arc::new(Mutex::new(BTreeSet::new()));
        let ran = Arc::new(AtomicUsize::new(0));
        // The check's own threads start before the pool, so that only the pool's are new. A
        // submitter waits for the pool on its channel (a Mutex around it: whether ThreadPool
        // is Sync is not promised), then all submit at once.
        let (handles_tx, handles_rx) = mpsc::channel::<Vec<JobHandle<u32>>>();
        let mut gos = Vec::new();
        let submitters: Vec<_> = (0..SUBMITTERS)
            .map(|_| {
                let (go_tx, go) = mpsc::channel::<Arc<Mutex<ThreadPool>>>();
                gos.push(go_tx);
                let (handles_tx, mut rng) = (handles_tx.clone(), rng.split());
                let (ran_on, ran) = (Arc::clone(&ran_on), Arc::clone(&ran));
                thread::spawn(move || {
                    let Ok(pool) = go.recv() else { return };
                    let mut kept = Vec::new();
                    for _ in 0..EACH {
                        rng.jitter(Duration::from_micros(300));
                        let sleep = Duration::from_micros(rng.below(2000));
                        let (ran_on, ran) = (Arc::clone(&ran_on), Arc::clone(&ran));
                        let handle = pool.lock().unwrap_or_else(|e| e.into_inner()).submit(move || {
                            thread::sleep(sleep);
                            let tid = proc::current_tid();
                            ran_on.lock().unwrap_or_else(|e| e.into_inner()).insert(tid);
                            ran.fetch_add(1, Ordering::SeqCst);
                            tid
                        });
                        // Some handles are dropped at once: their jobs must run all the same.
                        if rng.chance(80) {
                            kept.push(handle);
                        }
                    }
                    let _ = handles_tx.send(kept);
                })
            })
            .collect();
        drop(handles_tx);
        // result() is called on this thread, which submits nothing.
        let taker = thread::spawn(move || {
            let (mut ok, mut kept) = (0, 0);
            for handles in handles_rx {
                kept += handles.len();
                ok += handles.into_iter().map(JobHandle::result).filter(Result::is_ok).count();
            }
            (ok, kept)
        });
        let sampler = ThreadSampler::start();
        // After the sampler started: its thread is the check's, not the pool's.
        let before = thread_ids();
        let pool = ThreadPool::new(MAX);
        let workers: BTreeSet<u32> = thread_ids().into_iter().filter(|t| !before.contains(t)).collect();
        let shared = Arc::new(Mutex::new(pool));
        for go in gos {
            let _ = go.send(Arc::clone(&shared));
        }
        for s in submitters {
            let _ = s.join();
        }
        let (ok, kept) = taker.join().unwrap_or_default();
        let all_ran = poll_until(|| ran.load(Ordering::SeqCst) >= SUBMITTERS * EACH).is_some();
        let ran = if all_ran { SUBMITTERS * EACH } else { ran.load(Ordering::SeqCst) };
        let before_panics = std::mem::take(&mut *ran_on.lock().unwrap_or_else(|e| e.into_inner()));
        let Some(pool) = Arc::try_unwrap(shared).ok() else { return };
        let pool = pool.into_inner().unwrap_or_else(|e| e.into_inner());
        // One panicking job per worker, each sleeping first so that they spread over the workers.
        let bad: Vec<_> = (0..MAX)
            .map(|i| {
                pool.submit(move || -> u32 {
                    thread::sleep(Duration::from_millis(20));
                    panic!("job {i} panics on purpose (hidden check same_workers_run_every_job)")
                })
            })
            .collect();
        let panicked_err = bad.into_iter().all(|h| h.result().is_err());
        // Sleeping jobs, so that every worker left takes some.
        let good: Vec<_> = (0..MAX * 4)
            .map(|_| {
                pool.submit(move || {
                    thread::sleep(Duration::from_millis(10));
                    proc::current_tid()
                })
            })
            .collect();
        let after_panics: BTreeSet<u32> = good.into_iter().filter_map(|h| h.result().ok()).collect();
        let seen = sampler.stop().seen;
        let later = seen.into_iter().filter(|t| !workers.contains(t) && !before.contains(t)).collect();
        report.send(Seen { workers, before_panics, after_panics, later, ran, ok, kept, panicked_err });
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let seen = match scenario.next(WATCHDOG * 3) {
        Next::Item(seen) => seen,
        other => {
            return Err(stuck(
                other,
                &text!("ex04-doing-submitters", submitters = SUBMITTERS, each = EACH, max = MAX),
                &cpu,
            ))
        }
    };
    let show = |s: &BTreeSet<u32>| s.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let strangers = |s: &BTreeSet<u32>| -> BTreeSet<u32> { s.difference(&seen.workers).copied().collect() };
    let hint = rng::replay_hint(seed, "ex04_pool");
    if seen.workers.len() > MAX {
        return Err(failure!(
            "ex04-new-starts-extra-threads",
            max = MAX,
            started = seen.workers.len(),
            ids = show(&seen.workers)
        ));
    }
    let early = strangers(&seen.before_panics);
    if !early.is_empty() {
        return Err(failure!(
            "ex04-jobs-on-later-threads",
            submitters = SUBMITTERS,
            count = early.len(),
            max = MAX,
            ids = show(&early),
            started = seen.workers.len(),
            worker_ids = show(&seen.workers),
            hint
        ));
    }
    if seen.ran < SUBMITTERS * EACH || seen.ok < seen.kept {
        return Err(failure!(
            "ex04-jobs-lost-concurrent",
            total = SUBMITTERS * EACH,
            submitters = SUBMITTERS,
            kept = seen.kept,
            ran = seen.ran,
            ok = seen.ok,
            secs = WATCHDOG.as_secs(),
            hint
        ));
    }
    let late = strangers(&seen.after_panics);
    if !late.is_empty() {
        return Err(failure!(
            "ex04-worker-replaced-after-panic",
            max = MAX,
            count = late.len(),
            ids = show(&late),
            worker_ids = show(&seen.workers)
        ));
    }
    if !seen.later.is_empty() {
        return Err(failure!("ex04-threads-after-new", count = seen.later.len(), max = MAX, ids = show(&seen.later)));
    }
    if !seen.panicked_err {
        return Err(failure!("ex04-panicked-job-no-err"));
    }

    Ok(())
}

/// How often a blocked wait may wake up by itself: a timed wait of 50 ms or more (20 a second)
/// is blocking; a poll every few milliseconds wakes hundreds of times a second.
const WAKEUPS_PER_SECOND: f64 = 40.0;

/// What the process, and the thread waiting in the code under test, used over one window.
struct Observed {
    /// Every thread but the check's own: CPU exact, wake-ups of the threads that lived
    /// through the window.
    process: Usage,
    /// The thread that called result() or as_completed (None if it ended).
    waiter: Option<Usage>,
}

/// Watches every thread of the process over `window`, the waiting one apart.
fn observe_wait(waiter: u32, window: Duration) -> Observed {
    let me = proc::current_tid();
    let tids: Vec<u32> = thread_ids().into_iter().filter(|&t| t != me).collect();
    let (cpu0, start) = (cpu::process_cpu(), Instant::now());
    let each = watch::usage_over(&tids, window);
    let process = Usage::of_process(
        cpu::process_cpu().saturating_sub(cpu0),
        each.iter().flatten().map(|u| u.sleeps).sum(),
        start.elapsed(),
    );
    let waiter = tids.iter().position(|&t| t == waiter).and_then(|i| each[i]);
    Observed { process, waiter }
}

/// `x` rounded as `{:.0}` prints it, as a number (for the plural forms of the words after it).
fn whole(x: f64) -> f64 {
    format!("{x:.0}").parse().unwrap_or(x)
}

fn quiet(usage: &Usage) -> bool {
    !usage.spins() && !usage.polls(WAKEUPS_PER_SECOND)
}

/// The failure for a wait during which the process burned CPU or woke up too often, `None`
/// when everything was blocked. `call` names the waiting call ("as_completed").
fn judge_wait(seen: &Observed, call: &str, what: &str, fix: &str) -> Option<Failure> {
    if quiet(&seen.process) {
        return None;
    }
    let expected = text!("ex04-wait-expected", wakeups = format!("{WAKEUPS_PER_SECOND:.0}"));
    let how = |u: &Usage| {
        if u.spins() {
            text!("ex04-wait-spins")
        } else {
            text!("ex04-wait-polls", rate = whole(u.wakeups_per_second()))
        }
    };
    let process = seen.process.describe();
    Some(match seen.waiter {
        Some(waiter) if !quiet(&waiter) => fail(
            text!("ex04-wait-waiter-busy", what, call, waiter = waiter.describe(), process),
            expected,
            text!("ex04-wait-waiter-busy-why", call, how = how(&waiter), fix),
        ),
        waiter => fail(
            match waiter {
                Some(w) => text!("ex04-wait-process-busy-waiter-quiet", what, process, call, waiter = w.describe()),
                None => text!("ex04-wait-process-busy", what, process),
            },
            expected,
            if seen.process.spins() {
                text!("ex04-wait-others-spin", call)
            } else {
                text!("ex04-wait-others-poll", call, rate = whole(seen.process.wakeups_per_second()))
            },
        ),
    })
}

/// While as_completed waits for jobs held at gates (none finished, then one of three), and
/// while result() waits for a held job, the whole process uses no CPU and does not wake up;
/// results still come once the jobs finish. Promises: `as-completed-no-busy-poll`,
/// `result-blocks-then-gives-value`, `as-completed-as-soon-as-done`.
fn waiting_uses_no_cpu(_ctx: &Context) -> Verdict {
    const JOBS: usize = 3;
    // Time for a waiter to settle into its wait before its window is measured.
    const SETTLE: Duration = Duration::from_millis(50);
    const WINDOW: Duration = Duration::from_millis(500);
    let gates: Vec<Gate> = (0..=JOBS).map(|_| Gate::default()).collect();
    // The gates of the jobs as_completed waits for; the last one is for result()'s job.
    let open_all = |gates: &[Gate]| gates[..JOBS].iter().for_each(Gate::open);
    let pool = ThreadPool::new(JOBS);
    let (started, starts) = mpsc::channel();
    let submit_held = |i: usize| {
        let (gate, started) = (gates[i].clone(), started.clone());
        pool.submit(move || {
            let _ = started.send(i);
            gate.wait();
            i
        })
    };
    let handles: Vec<_> = (0..JOBS).map(submit_held).collect();
    let cpu = CpuWatch::start();
    let verdict = (|| {
        let n = wait_for(&starts, JOBS);
        if n < JOBS {
            return Err(failure!(
                "ex04-jobs-not-started",
                started = n,
                jobs = JOBS,
                secs = WATCHDOG.as_secs(),
                note = cpu.note()
            ));
        }
        let (yielded_tx, yielded) = mpsc::channel();
        let consumer = watch::call("as_completed", move || {
            for item in as_completed(handles) {
                let _ = yielded_tx.send(item.ok());
            }
        });
        thread::sleep(SETTLE);
        let seen = observe_wait(consumer.tid(), WINDOW);
        let fix = text!("ex04-fix-as-completed");
        if let Ok(early) = yielded.try_recv() {
            return Err(failure!("ex04-as-completed-yielded-early", early = format!("{early:?}"), jobs = JOBS));
        }
        if let Some(failure) =
            judge_wait(&seen, "as_completed", &text!("ex04-what-as-completed-all-running", jobs = JOBS), &fix)
        {
            return Err(failure);
        }
        // One job finishes: its result comes, and the wait for the two others blocks too.
        gates[1].open();
        match yielded.recv_timeout(WATCHDOG) {
            Ok(Some(1)) => {}
            Ok(other) => return Err(failure!("ex04-as-completed-wrong-job", got = format!("{other:?}"))),
            Err(_) => {
                return Err(failure!(
                    "ex04-as-completed-missed-job",
                    secs = WATCHDOG.as_secs(),
                    jobs = JOBS,
                    note = cpu.note()
                ))
            }
        }
        thread::sleep(SETTLE);
        let seen = observe_wait(consumer.tid(), WINDOW);
        if let Some(failure) =
            judge_wait(&seen, "as_completed", &text!("ex04-what-as-completed-rest-running", left = JOBS - 1), &fix)
        {
            return Err(failure);
        }
        open_all(&gates);
        let mut rest: Vec<usize> =
            (0..JOBS - 1).filter_map(|_| yielded.recv_timeout(WATCHDOG).ok().flatten()).collect();
        rest.sort_unstable();
        let ended = consumer.outcome(WATCHDOG);
        if rest != [0, 2] || !matches!(ended, Next::Item(())) {
            let ended = match ended {
                Next::Item(()) => text!("ex04-iteration-ended"),
                Next::Panicked(message) => text!("ex04-call-panicked", message),
                _ => text!("ex04-iteration-not-ended", secs = WATCHDOG.as_secs()),
            };
            return Err(failure!("ex04-as-completed-end", jobs = JOBS, rest = format!("{rest:?}"), ended));
        }
        // result() of a held job, on a thread of its own.
        let held = submit_held(JOBS);
        if wait_for(&starts, 1) < 1 {
            return Err(stuck(Next::<()>::TimedOut, &text!("ex04-doing-one-more"), &cpu));
        }
        let waiter = watch::call("result", move || held.result());
        thread::sleep(SETTLE);
        let seen = observe_wait(waiter.tid(), WINDOW);
        if let Some(failure) =
            judge_wait(&seen, "result()", &text!("ex04-what-result-running"), &text!("ex04-fix-result"))
        {
            return Err(failure);
        }
        gates[JOBS].open();
        match waiter.outcome(WATCHDOG) {
            Next::Item(Ok(v)) if v == JOBS => Ok(()),
            other => {
                let outcome = match other {
                    Next::Item(Ok(v)) => text!("ex04-call-gave-ok", value = v),
                    Next::Item(Err(_)) => text!("ex04-call-gave-err"),
                    Next::Panicked(message) => text!("ex04-call-panicked", message),
                    _ => text!("ex04-call-timed-out", secs = WATCHDOG.as_secs()),
                };
                Err(failure!("ex04-result-not-woken", jobs = JOBS, outcome))
            }
        }
    })();
    gates.iter().for_each(Gate::open);
    if verdict.is_ok() {
        drop(pool);
    } else {
        // Its workers may be stuck in the code under test: dropping it could hang the check.
        std::mem::forget(pool);
    }
    verdict
}

/// Hundreds of rounds of up to 48 instant or nearly instant jobs, consumed while they complete
/// (a pacer job holds a worker until the consumer starts): as_completed on the handles in
/// submission, reversed or shuffled order, or result() on another thread; some handles dropped,
/// is_done() asked in between; seeded random sizes and orders. Every kept handle
/// gives its own value exactly once, and every job runs. Promises:
/// `as-completed-completion-order`, `result-blocks-then-gives-value`, `queued-jobs-all-run`.
fn instant_jobs_race(_ctx: &Context) -> Verdict {
    // A lost completion shows only when a job completes while the consumer sets up its waits,
    // and how often that happens depends on the machine: with every core free, workers and
    // consumer run side by side; with other processes busy, they mostly take turns. So the
    // rounds go on until enough completions fell inside as_completed() calls (OVERLAPS) and
    // ROUNDS or BUDGET is reached; a machine that rarely runs them side by side gets more
    // rounds, up to MAX_ROUNDS or CAP (then a correct design passes with what was seen).
    const ROUNDS: usize = 1000;
    const MAX_ROUNDS: usize = 20_000;
    // In the runs measured, a lost completion showed after a few hundred such completions (in
    // round 46 to 146, with about 300 to 9,000 completions per 1,000 rounds): 2,500 of them
    // leave it a small chance of going unseen, where 200 left it one in four on a busy machine.
    const OVERLAPS: usize = 2500;
    const BUDGET: Duration = Duration::from_secs(3);
    const CAP: Duration = Duration::from_secs(12);
    struct Progress {
        submitted: AtomicUsize,
        ran: AtomicUsize,
        yielded: AtomicUsize,
        round: AtomicUsize,
        overlaps: AtomicUsize,
    }
    let progress = Arc::new(Progress {
        submitted: AtomicUsize::new(0),
        ran: AtomicUsize::new(0),
        yielded: AtomicUsize::new(0),
        round: AtomicUsize::new(0),
        overlaps: AtomicUsize::new(0),
    });
    let seed = rng::seed();
    let p = Arc::clone(&progress);
    let scenario = watch::spawn("scenario", move |report| {
        let mut rng = Rng::new(seed);
        let pool = ThreadPool::new(1 + rng.below(3) as usize);
        // result() runs on this thread, which submits nothing.
        let (to_taker, taken) = mpsc::channel::<Vec<JobHandle<usize>>>();
        let (from_taker, results) = mpsc::channel::<Vec<usize>>();
        let p2 = Arc::clone(&p);
        thread::spawn(move || {
            for handles in taken {
                let values = handles
                    .into_iter()
                    .filter_map(|h| {
                        let v = h.result().ok();
                        p2.yielded.fetch_add(1, Ordering::SeqCst);
                        v
                    })
                    .collect();
                let _ = from_taker.send(values);
            }
        });
        let began = Instant::now();
        for round in 0..MAX_ROUNDS {
            // A time budget as well: a slow (correct) design on a loaded machine passes with
            // fewer rounds rather than running into the time limit.
            let enough = p.overlaps.load(Ordering::SeqCst) >= OVERLAPS;
            if (enough && (round >= ROUNDS || began.elapsed() > BUDGET)) || began.elapsed() > CAP {
                break;
            }
            p.round.store(round, Ordering::SeqCst);
            p.yielded.store(0, Ordering::SeqCst);
            let n = 1 + rng.below(48) as usize;
            // When each job completed, in nanoseconds since `began` (0: not yet).
            let completed: Arc<Vec<AtomicU64>> = Arc::new((0..n).map(|_| AtomicU64::new(0)).collect());
            // A pacer holds a worker, awake, until the round's handles are being consumed: the
            // jobs then complete while as_completed (or result()) sets up its waits, where a
            // completion can be lost, rather than before it starts or after it has finished.
            let pace = Arc::new(AtomicU8::new(0));
            let pacer = {
                let pace = Arc::clone(&pace);
                pool.submit(move || {
                    pace.store(1, Ordering::SeqCst);
                    let deadline = Instant::now() + Duration::from_secs(1);
                    while pace.load(Ordering::SeqCst) != 2 && Instant::now() < deadline {
                        std::hint::spin_loop();
                    }
                    usize::MAX
                })
            };
            p.submitted.fetch_add(1, Ordering::SeqCst);
            if !wait_briefly_for(|| pace.load(Ordering::SeqCst) == 1) {
                // Wait here: the check's watchdog fires and tells how many jobs did not run.
                loop {
                    thread::park();
                }
            }
            p.ran.fetch_add(1, Ordering::SeqCst);
            let mut handles: Vec<(usize, JobHandle<usize>)> = (0..n)
                .map(|i| {
                    let value = round * 100 + i;
                    // Mostly nothing, now and then a few microseconds of work.
                    let work = rng.chance(25).then(|| Duration::from_micros(1 + rng.below(5)));
                    let job_p = Arc::clone(&p);
                    let completed = Arc::clone(&completed);
                    let handle = pool.submit(move || {
                        if let Some(d) = work {
                            let until = Instant::now() + d;
                            while Instant::now() < until {
                                std::hint::spin_loop();
                            }
                        }
                        job_p.ran.fetch_add(1, Ordering::SeqCst);
                        completed[i].store(began.elapsed().as_nanos() as u64, Ordering::SeqCst);
                        value
                    });
                    p.submitted.fetch_add(1, Ordering::SeqCst);
                    (value, handle)
                })
                .collect();
            for (_, h) in &handles {
                if rng.chance(10) {
                    let _ = h.is_done();
                }
            }
            if n > 1 && rng.chance(20) {
                let dropped = rng.below(n as u64) as usize;
                handles.remove(dropped);
            }
            // Handles in the order submitted, reversed (so that the consumer meets the
            // workers halfway), or shuffled.
            match rng.below(3) {
                0 => {}
                1 => handles.reverse(),
                _ => rng.shuffle(&mut handles),
            }
            // The pacer's handle is dropped while its job runs.
            drop(pacer);
            pace.store(2, Ordering::SeqCst);
            // A random pause of up to 1.5 µs: the consumer's first look then falls anywhere
            // around the moment the freed worker completes the next job.
            let until = Instant::now() + Duration::from_nanos(rng.below(1500));
            while Instant::now() < until {
                std::hint::spin_loop();
            }
            let mut expected: Vec<usize> = handles.iter().map(|(v, _)| *v).collect();
            let handles = handles.into_iter().map(|(_, h)| h);
            // as_completed; result() of each in turn right here, while the jobs complete; or
            // result() on another thread than the one that submitted.
            let mut got: Vec<usize> = match rng.below(20) {
                0..=9 => {
                    let entered = began.elapsed().as_nanos() as u64;
                    let results = as_completed(handles.collect());
                    let returned = began.elapsed().as_nanos() as u64;
                    let got = results
                        .filter_map(|r| {
                            p.yielded.fetch_add(1, Ordering::SeqCst);
                            r.ok()
                        })
                        .collect();
                    let inside = completed
                        .iter()
                        .map(|at| at.load(Ordering::SeqCst))
                        .filter(|&at| at >= entered && at <= returned)
                        .count();
                    p.overlaps.fetch_add(inside, Ordering::SeqCst);
                    got
                }
                10..=17 => handles
                    .filter_map(|h| {
                        let value = h.result().ok();
                        p.yielded.fetch_add(1, Ordering::SeqCst);
                        value
                    })
                    .collect(),
                _ => {
                    let _ = to_taker.send(handles.collect());
                    results.recv().unwrap_or_default()
                }
            };
            expected.sort_unstable();
            got.sort_unstable();
            report.send(Some((round, expected, got)));
        }
        report.send(None);
        // Jobs whose handles were dropped must have run too.
        let all = p.submitted.load(Ordering::SeqCst);
        let _ = poll_until(|| p.ran.load(Ordering::SeqCst) >= all);
        drop(pool);
    });
    let cpu = CpuWatch::start();
    let hint = rng::replay_hint(seed, "ex04_pool");
    loop {
        match scenario.next(WATCHDOG) {
            Next::Item(None) => {
                pack_support::measured(text!(
                    "ex04-race-measured",
                    rounds = progress.round.load(Ordering::SeqCst) + 1,
                    jobs = progress.submitted.load(Ordering::SeqCst),
                    overlaps = progress.overlaps.load(Ordering::SeqCst)
                ));
                break;
            }
            Next::Item(Some((_, expected, got))) if expected == got => {}
            Next::Item(Some((round, expected, got))) => {
                return Err(failure!(
                    "ex04-race-wrong-values",
                    round,
                    rounds = MAX_ROUNDS,
                    got = format!("{got:?}"),
                    hint,
                    expected = format!("{expected:?}")
                ))
            }
            Next::TimedOut => {
                let (submitted, ran) = (progress.submitted.load(Ordering::SeqCst), progress.ran.load(Ordering::SeqCst));
                let round = progress.round.load(Ordering::SeqCst);
                let yielded = progress.yielded.load(Ordering::SeqCst);
                let (secs, note) = (WATCHDOG.as_secs(), cpu.note());
                return Err(if ran >= submitted {
                    failure!("ex04-race-completion-lost", round, rounds = MAX_ROUNDS, secs, yielded, note, hint)
                } else {
                    failure!(
                        "ex04-race-jobs-not-run",
                        round,
                        rounds = MAX_ROUNDS,
                        missing = submitted - ran,
                        submitted,
                        secs,
                        note,
                        hint
                    )
                });
            }
            other => {
                let round = progress.round.load(Ordering::SeqCst);
                return Err(stuck(other, &text!("ex04-doing-round", round, rounds = MAX_ROUNDS), &cpu));
            }
        }
    }
    let _ = scenario.next(WATCHDOG);
    let (submitted, ran) = (progress.submitted.load(Ordering::SeqCst), progress.ran.load(Ordering::SeqCst));
    if ran < submitted {
        return Err(failure!("ex04-race-jobs-never-ran", missing = submitted - ran, submitted, hint));
    }
    Ok(())
}

/// Receives up to `n` job numbers, giving up when none arrives for WATCHDOG.
fn collect(rx: &Receiver<usize>, n: usize) -> Vec<usize> {
    let mut got = Vec::new();
    while got.len() < n {
        match rx.recv_timeout(WATCHDOG) {
            Ok(i) => got.push(i),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    got
}

/// The failure for a scenario that did not report as expected.
fn stuck<T>(next: Next<T>, what: &str, cpu: &CpuWatch) -> Failure {
    match next {
        Next::Panicked(message) => failure!("ex04-stuck-panicked", what, message),
        Next::TimedOut if cpu.busy() => {
            failure!("ex04-stuck-spins", what, secs = WATCHDOG.as_secs(), note = cpu.note())
        }
        Next::TimedOut => failure!("ex04-stuck-blocks", what, secs = WATCHDOG.as_secs(), note = cpu.note()),
        _ => failure!("ex04-stuck-no-result", what),
    }
}
