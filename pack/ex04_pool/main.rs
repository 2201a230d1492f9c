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

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ex04_pool::{as_completed, ThreadPool};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next};
use pack_support::{fail, proc, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        never_more_than_max_workers_jobs,
        worker_threads_bounded,
        sleeping_jobs_overlap,
        as_completed_order,
        drop_joins_workers,
        panicking_job_does_not_kill_pool
    ])
}

/// How long a check waits for one step of student code.
const WATCHDOG: Duration = Duration::from_secs(5);

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
                g.run(Duration::from_millis(40));
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

fn worker_threads_bounded(_ctx: &Context) -> Verdict {
    const MAX: usize = 3;
    const JOBS: usize = 20;
    let scenario = watch::spawn("scenario", move |report| {
        let sampler = TaskSampler::start();
        let before = sampler.now();
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
        let peak = sampler.stop();
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

fn panicking_job_does_not_kill_pool(_ctx: &Context) -> Verdict {
    const MAX: usize = 2;
    const AFTER: usize = 4;
    enum Step {
        /// Threads of this process before the pool, and right after it was made.
        Started(usize, usize),
        /// result() of each panicking job: true for Err.
        Panicked(Vec<bool>),
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
        report.send(Step::Panicked(bad.into_iter().map(|h| h.result().is_err()).collect()));
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
                if errs.iter().any(|e| !e) {
                    return Err(fail(
                        "result() of a job that panicked returned Ok",
                        "Err(JobPanicked)",
                        "a job that panicked must give Err(JobPanicked)",
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

/// Counts how many instrumented jobs run at once, and the most ever seen.
#[derive(Clone)]
struct Gauge {
    now: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Gauge {
    fn new() -> Gauge {
        Gauge { now: Arc::new(AtomicUsize::new(0)), peak: Arc::new(AtomicUsize::new(0)) }
    }

    /// The body of an instrumented job: counted as running while it sleeps for `d`.
    fn run(&self, d: Duration) {
        let running = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(running, Ordering::SeqCst);
        thread::sleep(d);
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// A thread sampling the number of threads of this process every millisecond.
struct TaskSampler {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<usize>,
}

impl TaskSampler {
    fn start() -> TaskSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::SeqCst) {
                peak = peak.max(thread_count());
                thread::sleep(Duration::from_millis(1));
            }
            peak
        });
        TaskSampler { stop, handle }
    }

    fn now(&self) -> usize {
        thread_count()
    }

    /// Stops sampling and returns the most threads seen.
    fn stop(self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.join().unwrap_or(0).max(thread_count())
    }
}

/// Threads of this process, from /proc/self/task.
fn thread_count() -> usize {
    proc::threads(std::process::id()).map(|t| t.len()).unwrap_or(0)
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

/// The CPU time this whole process uses while the check waits, to tell a busy-wait (a CPU
/// burned the whole time) from a block (no CPU at all).
struct CpuWatch {
    cpu: Duration,
    wall: Instant,
}

impl CpuWatch {
    fn start() -> CpuWatch {
        CpuWatch { cpu: process_cpu(), wall: Instant::now() }
    }

    /// CPU used since start, and wall time since start.
    fn used(&self) -> (Duration, Duration) {
        (process_cpu().saturating_sub(self.cpu), self.wall.elapsed())
    }

    /// Whether the process kept at least half a CPU busy since start.
    fn busy(&self) -> bool {
        let (cpu, wall) = self.used();
        cpu * 2 >= wall
    }

    /// ", and the process used 4990 ms of CPU in 5002 ms" when busy, else "".
    fn note(&self) -> String {
        let (cpu, wall) = self.used();
        if self.busy() {
            format!(
                ", and meanwhile the process used {} ms of CPU in {} ms (a thread spinning)",
                cpu.as_millis(),
                wall.as_millis()
            )
        } else {
            String::new()
        }
    }
}

fn process_cpu() -> Duration {
    proc::cpu_time(std::process::id()).unwrap_or_default()
}
