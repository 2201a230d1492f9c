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
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
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
use pack_support::{fail, proc, Context, Failure, Verdict};

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
        instant_jobs_race
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
        other => return Err(stuck(other, "submitting 12 jobs to ThreadPool::new(3)", &cpu)),
    };
    let peak = gauge.peak();
    if peak > MAX {
        return Err(fail(
            format!("{peak} jobs ran at once ({JOBS} jobs of 40 ms submitted to ThreadPool::new({MAX}))"),
            format!("at most max_workers = {MAX} jobs at once"),
            if peak >= JOBS - 1 {
                "every job got a thread of its own: the pool starts a thread per job instead of reusing its max_workers workers"
            } else {
                "the pool runs more jobs at once than it has workers: only the max_workers threads started in new() may run jobs"
            },
        ));
    }
    if ran.len() < JOBS {
        return Err(fail(
            format!("only {} of {JOBS} submitted jobs ran within {} s", ran.len(), WATCHDOG.as_secs() * 2),
            format!("all {JOBS} jobs run (12 jobs of 40 ms on 3 workers take about 160 ms)"),
            "submitted jobs must be queued and taken by the workers one after another until the queue is empty",
        ));
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
        other => return Err(stuck(other, "submitting 20 jobs to ThreadPool::new(3)", &cpu)),
    };
    let added = peak.saturating_sub(before);
    if added > MAX {
        return Err(fail(
            format!("/proc/self/task counted up to {peak} threads while {JOBS} jobs of 20 ms ran, {before} before the pool: the pool used {added} threads"),
            format!("at most max_workers = {MAX} threads for the pool"),
            if added >= JOBS {
                "the pool starts a new thread for every job (even if only max_workers of them run at once): start max_workers threads in new() and let them take jobs from one queue"
            } else {
                "the pool starts more threads than max_workers: start exactly max_workers threads in new(), and no thread later"
            },
        ));
    }
    if ran < JOBS {
        return Err(fail(
            format!("only {ran} of {JOBS} submitted jobs ran within {} s", WATCHDOG.as_secs() * 2),
            format!("all {JOBS} jobs run"),
            "the workers must keep taking jobs from the queue until it is closed",
        ));
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
                    judgement: Judgement::Fatal(stuck(other, "timing 7 sleeping jobs", &CpuWatch::start())),
                    summary: "no measurement".to_owned(),
                }
            }
        };
        let ratio = all.as_secs_f64() / one.as_secs_f64().max(1e-9);
        let summary = format!("{JOBS} jobs: {} = {ratio:.2} x one job ({})", timing::ms(all), timing::ms(one));
        let judgement = if ok < JOBS {
            Judgement::Fatal(fail(
                format!("result() returned Err for {} of {JOBS} jobs that only sleep", JOBS - ok),
                "Ok(()) for every job",
                "a job that does not panic must give Ok",
            ))
        } else if one > SLEEP * 2 {
            Judgement::Unsure(format!(
                "one {} job alone took {}: the machine is too busy",
                timing::ms(SLEEP),
                timing::ms(one)
            ))
        } else if (ratio - rounds).abs() <= 0.6 {
            Judgement::Pass
        } else {
            let at_once = JOBS as f64 / ratio;
            Judgement::Fail(fail(
                format!(
                    "{JOBS} jobs sleeping {} each took {} on ThreadPool::new({MAX}), {ratio:.2} times one job alone ({}): about {at_once:.1} jobs ran at once",
                    timing::ms(SLEEP),
                    timing::ms(all),
                    timing::ms(one)
                ),
                format!("about ceil({JOBS} / {MAX}) = {rounds} times one job: {MAX} jobs at a time"),
                if ratio > rounds {
                    "fewer jobs run at once than max_workers: the pool must start max_workers worker threads, and a worker must not hold the queue's lock while its job runs (take the job, release the lock, then run it)"
                } else {
                    "more jobs run at once than max_workers: the pool must run jobs on its max_workers workers only, not on a thread per job"
                },
            ))
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
            Next::Item((None, _)) => {
                return Err(fail(
                    "as_completed yielded Err(JobPanicked) for a job that did not panic",
                    "Ok(value) for each job",
                    "only a job that panicked gives Err",
                ))
            }
            Next::Ended => break,
            Next::TimedOut => {
                let finished = finished_order.lock().unwrap().len();
                if finished < SLEEPS.len() {
                    return Err(stuck(
                        Next::<()>::TimedOut,
                        &format!("running 4 jobs on ThreadPool::new(4) ({finished} finished)"),
                        &cpu,
                    ));
                }
                return Err(fail(
                    format!(
                        "all 4 jobs had finished, but as_completed had yielded only {} result(s) {} s later{}",
                        yielded.len(),
                        WATCHDOG.as_secs(),
                        cpu.note()
                    ),
                    "each result yielded as soon as its job completes",
                    if cpu.busy() {
                        "as_completed (or the result() it calls) busy-waits for something that never happens: block on a channel or a condition variable that the worker signals after storing the result"
                    } else {
                        "as_completed waits for a notification that never comes: register interest in each job under the same lock the worker takes to store its result, so that no completion is missed"
                    },
                ));
            }
            other => return Err(stuck(other, "iterating as_completed over 4 jobs", &cpu)),
        }
    }
    let finished = finished_order.lock().unwrap().clone();
    let show = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
    if yielded.len() != SLEEPS.len() {
        return Err(fail(
            format!("as_completed yielded {} results for 4 jobs: jobs {}", yielded.len(), show(&yielded)),
            "one result per handle",
            "as_completed must yield exactly one result for each handle it was given",
        ));
    }
    if yielded != finished {
        let submission: Vec<usize> = (0..SLEEPS.len()).collect();
        return Err(fail(
            format!(
                "as_completed yielded the jobs in the order {}, but they finished in the order {} (job i sleeps {:?} ms)",
                show(&yielded),
                show(&finished),
                SLEEPS
            ),
            format!("the order they finished in: {}", show(&finished)),
            if yielded == submission {
                "that is the submission order: calling result() on each handle in turn waits for the slowest first; as_completed must yield whichever job finishes next (let the jobs report on one shared channel)"
            } else {
                "as_completed must yield each result as soon as its job completes"
            },
        ));
    }
    if finished_at_first == Some(SLEEPS.len()) {
        return Err(fail(
            format!(
                "as_completed yielded its first result (job {}) only after all {} jobs had finished, though they finished {} ms apart",
                yielded[0],
                SLEEPS.len(),
                SLEEPS[0] - SLEEPS[1]
            ),
            "the first result as soon as the first job completes",
            "as_completed must not wait for all jobs before yielding: yield each result when its job completes",
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
        return Err(fail(
            format!(
                "drop(pool) returned after {} with only {finished} of {JOBS} queued jobs (50 ms each, 2 workers) finished{}",
                timing::ms(took),
                if after > before { format!("; {} threads still ran afterwards ({before} before the pool)", after) } else { String::new() }
            ),
            format!("drop(pool) returns after every queued job ran (about {} ms) and every worker was joined", JOBS / MAX * 50),
            if after > before {
                "Drop does not wait for the workers: drop the queue's Sender so that each worker's recv() fails once the queue is empty, then join() every worker's JoinHandle"
            } else {
                "Drop threw away jobs still in the queue: close the queue (drop the Sender) and let the workers empty it before they exit, then join them"
            },
        ));
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
        return Err(fail(
            format!("after drop(pool) returned, /proc/self/task still counted {after} threads, {before} before the pool was made"),
            format!("{before} threads: every worker joined"),
            "Drop must join() every worker thread, so that none outlives the pool",
        ));
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
    let expected =
        "Err(JobPanicked) from result() of a panicking job, and later jobs still run on all max_workers workers";
    let catch = "wrap each job in std::panic::catch_unwind(AssertUnwindSafe(job)) inside the worker, so that a panic becomes Err(JobPanicked) for its handle and the worker goes on with the next job";
    // Threads counted right after the pool was made (the scenario thread included).
    let mut with_pool = None;
    let mut stage = "result() of a job that panicked";
    let cpu = CpuWatch::start();
    let mut got = 0;
    while got < AFTER {
        let step = match scenario.next(WATCHDOG) {
            Next::Item(step) => step,
            Next::TimedOut => {
                let now = thread_count();
                let lost = with_pool.map_or(0, |w: usize| w.saturating_sub(now));
                return Err(if lost > 0 {
                    fail(
                        format!(
                            "{stage} did not return within {} s, and /proc/self/task counts {now} threads, {} right after the pool was made: {lost} worker thread(s) are gone",
                            WATCHDOG.as_secs(),
                            with_pool.unwrap_or(0)
                        ),
                        expected,
                        format!("the panic killed the worker that ran the job: it unwound out of the worker's loop, ended the thread, and the job's result was never stored; {catch}"),
                    )
                } else if cpu.busy() {
                    fail(
                        format!("{stage} did not return within {} s{}", WATCHDOG.as_secs(), cpu.note()),
                        expected,
                        "result() busy-waits for something that never happens: block on a channel or a condition variable that the worker signals once the result (Ok or Err) is stored",
                    )
                } else {
                    fail(
                        format!("{stage} did not return within {} s", WATCHDOG.as_secs()),
                        expected,
                        format!("a panicking job must not stop the pool or leave its handle waiting; {catch}; and never hold the queue's lock while a job runs"),
                    )
                });
            }
            Next::Panicked(message) => {
                return Err(fail(
                    format!("while waiting for {stage}, the pool's code panicked: {message}"),
                    expected,
                    format!("a job's panic must come back as Err(JobPanicked) from result(), not as a panic in the caller (if the workers died, submit() and result() find closed channels); {catch}"),
                ))
            }
            Next::Ended => return Err(fail(format!("the scenario ended before {stage}"), expected, "internal error of the check")),
        };
        match step {
            Step::Started(before, now) => with_pool = Some(now.max(before)),
            Step::Panicked(errs) => {
                if errs.iter().any(Option::is_none) {
                    return Err(fail(
                        "result() of a job that panicked returned Ok",
                        "Err(JobPanicked)",
                        "a job that panicked must give Err(JobPanicked)",
                    ));
                }
                // The caller of a pool prints this error: it must say what happened.
                if let Some(text) = errs.iter().flatten().find(|t| !t.to_lowercase().contains("panic")) {
                    return Err(fail(
                        format!("result() of a job that panicked gave Err(JobPanicked), which prints as {text:?}"),
                        "a sentence saying that the job panicked, as the provided Display of JobPanicked writes (\"the job panicked\")",
                        "the error is what a caller shows its user: perhaps the provided `impl Display for JobPanicked` was changed or emptied; it needs no change",
                    ));
                }
                stage = "result() of a job submitted after the panicking ones";
            }
            Step::Threads(now) => {
                let made = with_pool.unwrap_or(0);
                if now < made {
                    return Err(fail(
                        format!("after {MAX} jobs panicked, /proc/self/task counted {now} threads, {made} right after the pool was made: {} worker thread(s) died", made - now),
                        expected,
                        format!("the panic killed the worker that ran the job, so the pool has fewer workers for the next jobs; {catch}"),
                    ));
                }
            }
            Step::After(i, value) => {
                if value != Some(i * 10) {
                    return Err(fail(
                        format!("a job that returns {} gave {value:?} after {MAX} other jobs had panicked", i * 10),
                        format!("Ok({})", i * 10),
                        "a job that does not panic must give Ok(value), even after other jobs panicked",
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
        Next::Item(got) => {
            return Err(fail(
                format!("on ThreadPool::new(1), result() of a job returning 2 gave {got:?} (Some: Ok)"),
                "Some(2)",
                "result() must give Ok with the job's value",
            ))
        }
        other => return Err(stuck(other, "running one job on ThreadPool::new(1)", &CpuWatch::start())),
    }
    let call = watch::call("new(0)", || {
        // A pool that was made anyway is kept alive: its drop is not what this check grades.
        std::mem::forget(ThreadPool::new(0));
    });
    match call.outcome(WATCHDOG) {
        Next::Panicked(_) => Ok(()),
        Next::Item(()) => Err(fail(
            "ThreadPool::new(0) returned a pool",
            "a panic: a pool with no worker could never run a job",
            "new() must check its argument, for example with assert!(max_workers > 0, \"...\"); perhaps the check is missing, or 0 is replaced by 1",
        )),
        _ => Err(fail(
            format!("ThreadPool::new(0) neither returned nor panicked within {} s", WATCHDOG.as_secs()),
            "a panic at once",
            "new() must check max_workers before anything else and panic when it is 0; perhaps it waits for workers that never start",
        )),
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
                return Err(fail(
                    format!("only {n} of {MAX} jobs started on ThreadPool::new({MAX}) within {} s", WATCHDOG.as_secs()),
                    format!("{MAX} jobs run at once on {MAX} workers"),
                    "the pool must start max_workers workers in new(), and a worker must not hold the queue's lock while its job runs",
                ))
            }
            Next::Item(_) => unreachable!("the scenario reports Started first"),
            other => return Err(stuck(other, "submitting 2 jobs to ThreadPool::new(2)", &cpu)),
        }
        // Any submit() that only queues returns within microseconds; 2 s is a generous bound,
        // and the gate stays closed meanwhile, so a submit that waits for a worker never returns.
        match scenario.next(Duration::from_secs(2)) {
            Next::Item(Step::Submitted) => {}
            Next::TimedOut => {
                gate.open();
                let after = match scenario.next(WATCHDOG) {
                    Next::Item(Step::Submitted) => "; it returned once the check let the busy jobs finish",
                    _ => "; it still had not returned 5 s after the busy jobs were let finish",
                };
                return Err(fail(
                    format!("while both workers of ThreadPool::new({MAX}) ran a job that waited for the check, {MORE} more submit() calls had not all returned after 2 s{after}"),
                    "submit() queues the job and returns at once, even when every worker is busy",
                    "submit() waits for a free worker: perhaps the queue is bounded (sync_channel with a small capacity, or a rendezvous with an idle worker), or submit() holds a lock that a busy worker holds while its job runs",
                ));
            }
            other => return Err(stuck(other, "submitting 20 jobs while the workers are busy", &cpu)),
        }
        gate.open();
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Results(values)) => {
                let wrong: Vec<String> = values
                    .iter()
                    .enumerate()
                    .filter(|(i, v)| **v != Some(*i))
                    .map(|(i, v)| format!("job {i} gave {v:?}"))
                    .collect();
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(fail(
                        format!("after the workers were free again: {}", wrong.join(", ")),
                        "Ok(i) from result() of job i, for all 22 jobs",
                        "every queued job must run and its handle give its own value",
                    ))
                }
            }
            other => Err(stuck(other, "result() of 22 jobs once the workers were free", &cpu)),
        }
    })();
    gate.open();
    verdict
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
                    return Err(fail(
                        format!("is_done() said {said:?} (asked 3 times) while the job was still running: it was waiting for the check to let it finish"),
                        "false until the job has returned",
                        "is_done() must say whether the job has finished, not whether it was submitted or taken by a worker: perhaps the flag it reads is set before the job runs, or it returns true unconditionally",
                    ));
                }
            }
            Next::TimedOut => {
                return Err(fail(
                    format!("is_done() of a running job did not return within {} s{} (or the job never started on ThreadPool::new(2))", WATCHDOG.as_secs(), cpu.note()),
                    "is_done() returns false at once while the job runs",
                    "is_done() must not wait for the job: perhaps it calls recv() or result(), or waits on a condition variable, instead of looking (try_recv, or the flag or Option under a lock)",
                ))
            }
            other => return Err(stuck(other, "submitting a job to ThreadPool::new(2)", &cpu)),
        }
        gate.open();
        let _ = opened_tx.send(Instant::now());
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::AfterRunning(Some(_), true)) => {}
            Next::Item(Step::AfterRunning(Some(after), false)) => {
                return Err(fail(
                    format!("is_done() said true {} after the job was let finish, then false when asked again", timing::ms(after)),
                    "true, and true again: a finished job stays finished",
                    "asking must not change the answer: perhaps is_done() takes the result out to look at it (try_recv on the handle's channel), so it is gone for the next is_done() and for result(); keep what try_recv returned in the handle",
                ))
            }
            Next::Item(Step::AfterRunning(None, _)) => {
                return Err(fail(
                    format!("is_done() still said false {} s after the job (which returns 7) was let finish", WATCHDOG.as_secs()),
                    "true as soon as the job has run",
                    "perhaps the flag or result is never stored where is_done() looks, or the job never ran",
                ))
            }
            other => return Err(stuck(other, "is_done() after the job finished", &cpu)),
        }
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Value(Some(Ok(7)))) => {}
            Next::Item(Step::Value(value)) => {
                return Err(fail(
                    format!(
                        "after is_done() had said true, result() (called on another thread than submit) {}",
                        match value {
                            None => format!("did not return within {} s", WATCHDOG.as_secs()),
                            Some(Ok(v)) => format!("gave Ok({v})"),
                            Some(Err(())) => "gave Err(JobPanicked)".to_owned(),
                        }
                    ),
                    "Ok(7), the job's value, at once",
                    "is_done() must leave the result for result(): perhaps is_done() consumed it (try_recv takes the value out of the channel), or result() waits for a signal that was already sent",
                ))
            }
            other => return Err(stuck(other, "result() of a finished job", &cpu)),
        }
        match scenario.next(WATCHDOG * 2) {
            Next::Item(Step::Panicked(Some(_), true)) => Ok(()),
            Next::Item(Step::Panicked(after, _)) => Err(fail(
                match after {
                    None => format!("is_done() of a job that panicked still said false after {} s", WATCHDOG.as_secs()),
                    Some(_) => "is_done() of a job that panicked said true, but result() did not give Err(JobPanicked)"
                        .to_owned(),
                },
                "a job that panicked is done, and its result() is Err(JobPanicked)",
                "store Err(JobPanicked) where is_done() and result() look when catch_unwind catches the job's panic",
            )),
            other => Err(stuck(other, "is_done() of a job that panicked", &cpu)),
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
                &format!(
                "{SUBMITTERS} threads submitting {EACH} jobs each to ThreadPool::new({MAX}), then {MAX} panicking jobs"
            ),
                &cpu,
            ))
        }
    };
    let show = |s: &BTreeSet<u32>| s.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let strangers = |s: &BTreeSet<u32>| -> BTreeSet<u32> { s.difference(&seen.workers).copied().collect() };
    let hint = rng::replay_hint(seed, "ex04_pool");
    if seen.workers.len() > MAX {
        return Err(fail(
            format!("ThreadPool::new({MAX}) started {} threads (ids {})", seen.workers.len(), show(&seen.workers)),
            format!("exactly max_workers = {MAX} worker threads"),
            "new() must start exactly max_workers threads; perhaps a thread more (a dispatcher or a supervisor) is started too, or the loop runs max_workers + 1 times",
        ));
    }
    let early = strangers(&seen.before_panics);
    if !early.is_empty() {
        return Err(fail(
            format!(
                "jobs submitted from {SUBMITTERS} threads at once ran on {} thread(s) that did not exist when ThreadPool::new({MAX}) returned (ids {}; new() started {} thread(s){}); {hint}",
                early.len(),
                show(&early),
                seen.workers.len(),
                if seen.workers.is_empty() { String::new() } else { format!(": {}", show(&seen.workers)) }
            ),
            "every job runs on one of the max_workers threads new() started",
            "threads are created after new(): perhaps submit() starts a thread per job (even if at most max_workers live at once), or the workers are started lazily in submit() instead of in new()",
        ));
    }
    if seen.ran < SUBMITTERS * EACH || seen.ok < seen.kept {
        return Err(fail(
            format!(
                "of {} jobs submitted from {SUBMITTERS} threads at once ({} handles kept, the others dropped at once), {} ran and result() gave Ok for {} within {} s; {hint}",
                SUBMITTERS * EACH,
                seen.kept,
                seen.ran,
                seen.ok,
                WATCHDOG.as_secs()
            ),
            "every submitted job runs, and its result() gives Ok",
            "perhaps jobs are lost when several threads submit at once, or when their handle is dropped before they run (the job must not depend on the handle being alive)",
        ));
    }
    let late = strangers(&seen.after_panics);
    if !late.is_empty() {
        return Err(fail(
            format!(
                "after {MAX} jobs panicked, later jobs ran on {} thread(s) that new() had not started (ids {}; new() started {})",
                late.len(),
                show(&late),
                show(&seen.workers)
            ),
            "the same workers run every job, also after a job panicked",
            "perhaps a worker that a panic killed was replaced by a new thread (or the pool starts threads for jobs after new()): catch the panic (std::panic::catch_unwind around the job, in the worker) so that the worker itself goes on with the next job, rather than starting another",
        ));
    }
    if !seen.later.is_empty() {
        return Err(fail(
            format!(
                "{} thread(s) appeared in /proc/self/task after ThreadPool::new({MAX}) returned (ids {}), though no job ran on them",
                seen.later.len(),
                show(&seen.later)
            ),
            "no thread created after new()",
            "the pool starts threads after new(): perhaps submit() or result() starts a helper thread, or a worker that ended is replaced; new() must start every thread the pool needs",
        ));
    }
    if !seen.panicked_err {
        return Err(fail(
            "result() of a job that panicked did not give Err(JobPanicked)",
            "Err(JobPanicked)",
            "a job that panicked must give Err(JobPanicked)",
        ));
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
    let process = Usage {
        cpu: cpu::process_cpu().saturating_sub(cpu0),
        sleeps: each.iter().flatten().map(|u| u.sleeps).sum(),
        wall: start.elapsed(),
    };
    let waiter = tids.iter().position(|&t| t == waiter).and_then(|i| each[i]);
    Observed { process, waiter }
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
    let expected = format!(
        "no CPU and at most {WAKEUPS_PER_SECOND:.0} wake-ups a second: nothing happens, so every thread sleeps until a job finishes"
    );
    let how = |u: &Usage| {
        if u.spins() {
            "spins: perhaps a loop that looks again and again (is_done(), try_recv(), a flag) without blocking"
                .to_owned()
        } else {
            format!(
                "polls, waking up {:.0} times a second: perhaps a loop that looks and then sleeps for a millisecond or a few",
                u.wakeups_per_second()
            )
        }
    };
    Some(match seen.waiter {
        Some(waiter) if !quiet(&waiter) => fail(
            format!("while {what}, the thread calling {call} {} (the whole process {})", waiter.describe(), seen.process.describe()),
            expected,
            format!("{call} {}; {fix}", how(&waiter)),
        ),
        waiter => fail(
            format!(
                "while {what}, the process {}{}",
                seen.process.describe(),
                match waiter {
                    Some(w) => format!(", though the thread calling {call} was quiet ({})", w.describe()),
                    None => String::new(),
                }
            ),
            expected,
            format!(
                "other threads {}: perhaps idle workers poll the queue (try_recv, with or without a sleep) instead of blocking in recv() or on a Condvar, or {call} hands the wait to helper threads that poll",
                if seen.process.spins() {
                    "spin".to_owned()
                } else {
                    format!("poll, waking up {:.0} times a second", seen.process.wakeups_per_second())
                }
            ),
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
            return Err(fail(
                format!("only {n} of {JOBS} jobs started on ThreadPool::new({JOBS}) within {} s{}", WATCHDOG.as_secs(), cpu.note()),
                format!("{JOBS} jobs run at once on {JOBS} workers"),
                "the pool must start max_workers workers in new(), and a worker must not hold the queue's lock while its job runs",
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
        let fix = "block instead: recv() on one channel that every job reports to when it finishes, or a Condvar that the worker notifies after storing the result";
        if let Ok(early) = yielded.try_recv() {
            return Err(fail(
                format!("as_completed yielded {early:?} while all {JOBS} jobs were still running"),
                "nothing until a job finishes",
                "as_completed must wait for a job to finish before yielding its result",
            ));
        }
        if let Some(failure) = judge_wait(
            &seen,
            "as_completed",
            &format!("as_completed waited for {JOBS} jobs that were all still running"),
            fix,
        ) {
            return Err(failure);
        }
        // One job finishes: its result comes, and the wait for the two others blocks too.
        gates[1].open();
        match yielded.recv_timeout(WATCHDOG) {
            Ok(Some(1)) => {}
            Ok(other) => {
                return Err(fail(
                    format!("when only job 1 had finished, as_completed yielded {other:?}"),
                    "Some(1): the result of the job that finished",
                    "as_completed must yield the result of whichever job finished",
                ))
            }
            Err(_) => {
                return Err(fail(
                    format!("as_completed yielded nothing within {} s after job 1 of {JOBS} finished{}", WATCHDOG.as_secs(), cpu.note()),
                    "job 1's result as soon as it finishes",
                    "as_completed waits for something else than the next job to finish: perhaps for the jobs in submission order, or for all of them; or the notification of a finished job is lost",
                ))
            }
        }
        thread::sleep(SETTLE);
        let seen = observe_wait(consumer.tid(), WINDOW);
        if let Some(failure) = judge_wait(
            &seen,
            "as_completed",
            &format!("as_completed waited for the {} jobs still running after it had yielded one", JOBS - 1),
            fix,
        ) {
            return Err(failure);
        }
        open_all(&gates);
        let mut rest: Vec<usize> =
            (0..JOBS - 1).filter_map(|_| yielded.recv_timeout(WATCHDOG).ok().flatten()).collect();
        rest.sort_unstable();
        let ended = consumer.outcome(WATCHDOG);
        if rest != [0, 2] || !matches!(ended, Next::Item(())) {
            return Err(fail(
                format!(
                    "after all {JOBS} jobs finished, as_completed yielded jobs {rest:?} besides job 1, and then {}",
                    match ended {
                        Next::Item(()) => "ended".to_owned(),
                        Next::Panicked(m) => format!("panicked: {m}"),
                        _ => format!("did not end within {} s", WATCHDOG.as_secs()),
                    }
                ),
                "jobs 0 and 2, then the end of the iteration",
                "as_completed must yield exactly one result per handle and then end",
            ));
        }
        // result() of a held job, on a thread of its own.
        let held = submit_held(JOBS);
        if wait_for(&starts, 1) < 1 {
            return Err(stuck(Next::<()>::TimedOut, "running one more job", &cpu));
        }
        let waiter = watch::call("result", move || held.result());
        thread::sleep(SETTLE);
        let seen = observe_wait(waiter.tid(), WINDOW);
        if let Some(failure) = judge_wait(
            &seen,
            "result()",
            "result() waited for a job that was still running",
            "block instead: recv() on the job's channel, or Condvar::wait_while on its result",
        ) {
            return Err(failure);
        }
        gates[JOBS].open();
        match waiter.outcome(WATCHDOG) {
            Next::Item(Ok(v)) if v == JOBS => Ok(()),
            other => Err(fail(
                format!("once the job (which returns {JOBS}) finished, result() {}", match other {
                    Next::Item(Ok(v)) => format!("gave Ok({v})"),
                    Next::Item(Err(_)) => "gave Err(JobPanicked)".to_owned(),
                    Next::Panicked(m) => format!("panicked: {m}"),
                    _ => format!("did not return within {} s", WATCHDOG.as_secs()),
                }),
                format!("Ok({JOBS}) at once"),
                "result() must wake up when the job's result is stored: the worker has to signal (send on the channel, or notify the Condvar) after storing it",
            )),
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
    const ROUNDS: usize = 1000;
    const BUDGET: Duration = Duration::from_secs(3);
    struct Progress {
        submitted: AtomicUsize,
        ran: AtomicUsize,
        yielded: AtomicUsize,
        round: AtomicUsize,
    }
    let progress = Arc::new(Progress {
        submitted: AtomicUsize::new(0),
        ran: AtomicUsize::new(0),
        yielded: AtomicUsize::new(0),
        round: AtomicUsize::new(0),
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
        for round in 0..ROUNDS {
            // A time budget as well: a slow (correct) design on a loaded machine passes with
            // fewer rounds rather than running into the time limit.
            if began.elapsed() > BUDGET {
                break;
            }
            p.round.store(round, Ordering::SeqCst);
            p.yielded.store(0, Ordering::SeqCst);
            let n = 1 + rng.below(48) as usize;
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
                    let handle = pool.submit(move || {
                        if let Some(d) = work {
                            let until = Instant::now() + d;
                            while Instant::now() < until {
                                std::hint::spin_loop();
                            }
                        }
                        job_p.ran.fetch_add(1, Ordering::SeqCst);
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
                0..=9 => as_completed(handles.collect())
                    .filter_map(|r| {
                        p.yielded.fetch_add(1, Ordering::SeqCst);
                        r.ok()
                    })
                    .collect(),
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
                pack_support::measured(format!(
                    "{} rounds, {} jobs",
                    progress.round.load(Ordering::SeqCst) + 1,
                    progress.submitted.load(Ordering::SeqCst)
                ));
                break;
            }
            Next::Item(Some((_, expected, got))) if expected == got => {}
            Next::Item(Some((round, expected, got))) => {
                return Err(fail(
                    format!("in round {round} of {ROUNDS} (a few instant jobs each, consumed while they complete), the kept handles gave the values {got:?}; {hint}"),
                    format!("{expected:?}: one Ok(value) per kept handle, each its own job's"),
                    "perhaps a result is lost or given twice when jobs complete while as_completed or result() is setting up its wait, or results reach the wrong handle",
                ))
            }
            Next::TimedOut => {
                let (submitted, ran) = (progress.submitted.load(Ordering::SeqCst), progress.ran.load(Ordering::SeqCst));
                let round = progress.round.load(Ordering::SeqCst);
                let yielded = progress.yielded.load(Ordering::SeqCst);
                return Err(if ran >= submitted {
                    fail(
                        format!("in round {round} of {ROUNDS}, every job submitted so far had run, but the results had not all come back {} s later ({yielded} of this round's results came){}; {hint}", WATCHDOG.as_secs(), cpu.note()),
                        "each result as soon as its job has run, however quickly jobs complete",
                        "a completion was lost: perhaps as_completed or result() looks whether a job is done and then registers for its notification (or waits on the Condvar) in two steps, and a job that completes in between is never reported; look and register (or wait) under the same lock the worker takes to store the result, or let the worker send on a channel that the waiter owns from the start",
                    )
                } else {
                    fail(
                        format!("in round {round} of {ROUNDS}, {} of {submitted} submitted jobs had not run after {} s{}; {hint}", submitted - ran, WATCHDOG.as_secs(), cpu.note()),
                        "every submitted job runs as soon as a worker is free",
                        "perhaps the workers stopped taking jobs (a worker holding the queue's lock, or a job lost when many are submitted quickly)",
                    )
                });
            }
            other => return Err(stuck(other, &format!("round {} of {ROUNDS} of instant jobs", progress.round.load(Ordering::SeqCst)), &cpu)),
        }
    }
    let _ = scenario.next(WATCHDOG);
    let (submitted, ran) = (progress.submitted.load(Ordering::SeqCst), progress.ran.load(Ordering::SeqCst));
    if ran < submitted {
        return Err(fail(
            format!("{} of {submitted} submitted jobs never ran (their handles were dropped, or kept); {hint}", submitted - ran),
            "every submitted job runs, even when its handle is dropped",
            "the job must not depend on its handle being alive: perhaps the worker skips a job whose result nobody waits for",
        ));
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
        Next::Panicked(message) => fail(
            format!("the pool's code panicked while {what}: {message}"),
            "no panic",
            "a panic here means a bug in the pool (or a todo!() that is not written yet)",
        ),
        Next::TimedOut => fail(
            format!("{what} did not finish within {} s{}", WATCHDOG.as_secs(), cpu.note()),
            "submit() queues the job and returns at once; the jobs run as soon as a worker is free",
            if cpu.busy() {
                "something busy-waits: a loop that polls a flag burns a CPU and may never see the change; block instead (Condvar::wait_while, or recv() on a channel)"
            } else {
                "something blocks forever: submit() must only send the job on the queue, and each worker must take jobs from it (lock, recv, unlock) and run them"
            },
        ),
        _ => fail(format!("{what} ended without a result"), "a result", "internal error of the check"),
    }
}
