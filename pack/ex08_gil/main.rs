//! Hidden checks of ex08_gil: the student's `Gil` is driven with this program's own
//! "interpreted code", and every step is watched.
//!
//! Each check runs the whole experiment once (the table of the lecture), in one run, on a
//! scenario thread under a watchdog:
//!
//! - for the table, the same CPU-bound steps on two plain threads with no `Gil` at all (what the
//!   machine gives two threads right now);
//! - CPU-bound steps serially and on two threads, through `Gil::disabled()` and through
//!   `Gil::new()`;
//! - I/O-bound steps (a sleep inside `allow_threads`) serially and on four threads, through
//!   `Gil::new()`.
//!
//! Every step is timestamped (start and end) per thread, so besides the times the checks see
//! facts the clock cannot blur: whether steps of two threads ever ran at the same time, how many
//! threads were inside a blocking call at once, and for how long each thread held the GIL
//! while the other one waited. Wall-clock ratios alone would not do on a loaded machine: the
//! scheduler gives threads that keep waking up (the GIL's hand-overs) more than a thread that
//! computes without a break, so a correct GIL can even come out faster than serial. The
//! speed-up without the GIL is judged only when `/proc/stat` shows that other processes left
//! two cores free while it ran; otherwise it is reported as not measurable, never failed.
//!
//! Each check judges its own row, re-measures (up to 3 times, `pack_support::timing`) when the
//! machine was too busy to tell, and reports the whole table with `pack_support::measured`,
//! passing or not.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use ex08_gil::Gil;
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next};
use pack_support::{fail, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        cpu_threads_without_gil_run_in_parallel,
        cpu_threads_with_gil_take_serial_time,
        io_threads_with_gil_overlap,
        gil_switches_every_interval
    ])
}

/// The switch interval of the GIL the checks use (the default, 5 ms).
const INTERVAL: Duration = Duration::from_millis(5);
/// CPU time one thread's count-down takes: long enough for eight switch intervals.
const CPU_RUN: Duration = Duration::from_millis(40);
/// CPU time of one step: short against the switch interval.
const CPU_STEP: Duration = Duration::from_micros(20);
/// The I/O-bound row: IO_THREADS threads, each IO_STEPS steps waiting IO_WAIT outside the GIL.
const IO_THREADS: usize = 4;
const IO_STEPS: usize = 6;
const IO_WAIT: Duration = Duration::from_millis(4);
/// How long one measurement (the whole table) may take before the check gives up on it.
const WATCHDOG: Duration = Duration::from_secs(8);
/// Other processes using more cores than this while the threads run without the GIL leave
/// fewer than two cores free: the speed-up is not judged.
const OTHERS_AT_MOST: f64 = 0.3;
/// Without the GIL, on two free cores, a threaded/serial ratio this high means no speed-up.
const NO_SPEED_UP: f64 = 0.95;

fn cpu_threads_without_gil_run_in_parallel(_ctx: &Context) -> Verdict {
    experiment_check(|t| {
        let free = &t.free_cpu;
        if free.overlapping_steps == 0 {
            return Judgement::Fail(fail(
                format!(
                    "without the GIL (Gil::disabled()), two threads of {} CPU-bound steps never ran a step at the same \
                     time, and took {:.2} x the serial time ({} vs {}); plain threads took {:.2} x",
                    t.cpu_steps,
                    free.ratio(),
                    ms(free.threaded),
                    ms(free.serial),
                    t.plain_cpu.ratio()
                ),
                "without a GIL the threads run their steps at the same time: about serial / 2 on two free cores",
                "Gil::disabled() is the free-threaded build (CPython 3.13t): acquire() must not wait and step() must \
                 not switch, so nothing serializes the threads; this one still makes them take turns",
            ));
        }
        // The steps did overlap; whether that made the threads faster depends on the machine.
        match t.others {
            Some(others) if others <= OTHERS_AT_MOST => {}
            Some(others) => {
                return Judgement::Unsure(format!(
                    "other processes used {others:.1} cores while the threads ran: two cores were not free, so the \
                     speed-up without the GIL could not be measured"
                ))
            }
            None => return Judgement::Unsure("/proc/stat could not tell how busy the machine was".to_owned()),
        }
        if free.ratio() < NO_SPEED_UP {
            Judgement::Pass
        } else {
            Judgement::Fail(fail(
                format!(
                    "without the GIL (Gil::disabled()), two CPU-bound threads took {:.2} x the serial time ({} vs {}), \
                     with two cores free (other processes used {:.1} cores meanwhile; plain threads took {:.2} x)",
                    free.ratio(),
                    ms(free.threaded),
                    ms(free.serial),
                    t.others.unwrap_or(0.0),
                    t.plain_cpu.ratio()
                ),
                format!("less than {NO_SPEED_UP} x: two cores, about half the time"),
                "without a GIL nothing should keep two threads from computing at once; something in Gil::disabled()'s \
                 acquire() or step() makes them wait for each other most of the time",
            ))
        }
    })
}

fn cpu_threads_with_gil_take_serial_time(_ctx: &Context) -> Verdict {
    experiment_check(|t| {
        let gil = &t.gil_cpu;
        // Overlapping steps are proof, whatever the load: a GIL that excludes never lets a step
        // start while another thread is inside one. No need to measure again.
        if gil.overlapping_steps > 0 {
            return Judgement::Fatal(fail(
                format!(
                    "with the GIL, two CPU-bound threads took {:.2} x the serial time ({} vs {}; without a GIL {:.2} x), \
                     and {} of their {} steps started while the other thread was in the middle of a step: two threads \
                     ran interpreted code at the same time",
                    gil.ratio(),
                    ms(gil.threaded),
                    ms(gil.serial),
                    t.plain_cpu.ratio(),
                    gil.overlapping_steps,
                    2 * t.cpu_steps
                ),
                "one step at a time: about the serial time or more, as in the lecture (18.1 s serially, 19.5 s on two \
                 threads)",
                "the GIL must exclude: acquire() waits while another thread holds it, so only the holder runs steps; \
                 a GIL that lets every thread in is no GIL at all",
            ));
        }
        // No step overlapped: the GIL excluded. The ratio is not judged on its own: on a loaded
        // machine the scheduler favours threads that keep waking up (the GIL's hand-overs) over
        // one that computes without a break, so even a correct GIL can come out below 1.
        Judgement::Pass
    })
}

fn io_threads_with_gil_overlap(_ctx: &Context) -> Verdict {
    experiment_check(|t| {
        let io = &t.gil_io;
        let ideal = 1.0 / IO_THREADS as f64;
        if io.most_blocked <= 1 {
            return Judgement::Fail(fail(
                format!(
                    "with the GIL, {IO_THREADS} I/O-bound threads ({IO_STEPS} waits of {} each in allow_threads) took \
                     {:.2} x the serial time ({} vs {}), and never more than one thread was inside its blocking call at \
                     a time",
                    ms(IO_WAIT),
                    io.ratio(),
                    ms(io.threaded),
                    ms(io.serial)
                ),
                format!("the waits overlap: about serial / {IO_THREADS} = {ideal:.2} x"),
                "a thread waiting for I/O does not need the GIL: allow_threads must release it before the blocking \
                 call and take it back afterwards, so that the other threads run meanwhile (that is why threads still \
                 help Python programs that wait for the network or the disk)",
            ));
        }
        if io.ratio() <= 0.6 {
            Judgement::Pass
        } else {
            Judgement::Fail(fail(
                format!(
                    "with the GIL, {IO_THREADS} I/O-bound threads took {:.2} x the serial time ({} vs {}); at most {} \
                     of them were inside their blocking call at once",
                    io.ratio(),
                    ms(io.threaded),
                    ms(io.serial),
                    io.most_blocked
                ),
                format!("about serial / {IO_THREADS} = {ideal:.2} x"),
                "the blocking calls overlap only partly: while a thread is in allow_threads, the others must be able to \
                 take the GIL at once (release it before the call, notify a waiter)",
            ))
        }
    })
}

fn gil_switches_every_interval(_ctx: &Context) -> Verdict {
    experiment_check(|t| {
        let h = &t.holds;
        if h.window < INTERVAL * 4 {
            return Judgement::Unsure(format!(
                "the two threads wanted the GIL at the same time for only {}: too short to judge",
                ms(h.window)
            ));
        }
        if h.median > INTERVAL * 4 {
            Judgement::Fail(fail(
                format!(
                    "while both threads wanted the GIL ({} of the CPU-bound run), it changed hands {} time(s): a thread \
                     held the GIL for {} at a stretch (median hold {}) while the other waited",
                    ms(h.window),
                    h.count.saturating_sub(1),
                    ms(h.longest),
                    ms(h.median)
                ),
                format!(
                    "holds of about the switch interval, {}: about {} hand-overs",
                    ms(INTERVAL),
                    h.window.as_millis() / INTERVAL.as_millis()
                ),
                "at each safe point (the start of a step) the holder must check whether its switch interval is up and \
                 another thread waits, and then hand the GIL over (and make sure the waiter really gets it before \
                 queuing again); otherwise one CPU-bound thread starves the others, and a waiting thread (one that \
                 just got its I/O) stalls for the holder's whole run",
            ))
        } else {
            Judgement::Pass
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The experiment: one measurement of the whole table
// ---------------------------------------------------------------------------------------------

/// One row of the table, with what was seen of its steps.
struct Row {
    serial: Duration,
    threaded: Duration,
    /// Threaded run: steps that started while another thread was inside a step.
    overlapping_steps: usize,
    /// Threaded run: the most threads inside a blocking call (allow_threads) at once.
    most_blocked: usize,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.threaded.as_secs_f64() / self.serial.as_secs_f64().max(1e-9)
    }
}

/// How long each thread held the GIL while the other one waited (CPU-bound run with the GIL).
struct Holds {
    /// From when both threads wanted the GIL until the first one finished.
    window: Duration,
    /// Holds within the window.
    count: usize,
    median: Duration,
    longest: Duration,
}

/// One measurement of the whole experiment.
struct Table {
    cpu_steps: usize,
    plain_cpu: Row,
    free_cpu: Row,
    /// Cores used by other processes while the threads ran without the GIL.
    others: Option<f64>,
    gil_cpu: Row,
    gil_io: Row,
    holds: Holds,
}

impl Table {
    /// The table, one line per row, like the lecture's.
    fn lines(&self) -> Vec<String> {
        let row = |name: &str, r: &Row, note: &str| {
            let mut line = format!(
                "{name:<30} {:>8.1} ms {:>8.1} ms  {:>5.2}",
                r.serial.as_secs_f64() * 1e3,
                r.threaded.as_secs_f64() * 1e3,
                r.ratio()
            );
            if !note.is_empty() {
                let _ = write!(line, "   {note}");
            }
            line
        };
        vec![
            format!(
                "the GIL experiment: the same steps serially on one thread, then split over threads running at once \
                 (switch interval {})",
                ms(INTERVAL)
            ),
            format!("{:<30} {:>11} {:>11}  {:>5}", "", "serial", "threaded", "ratio"),
            row(
                "CPU-bound, 2 threads, no GIL",
                &self.free_cpu,
                &format!(
                    "(plain threads {:.2}; other processes used {} cores meanwhile)",
                    self.plain_cpu.ratio(),
                    self.others.map_or("?".to_owned(), |o| format!("{o:.1}"))
                ),
            ),
            row("CPU-bound, 2 threads, GIL", &self.gil_cpu, "(the lecture's Python: 18.1 s vs 19.5 s, 1.08)"),
            row(&format!("I/O-bound, {IO_THREADS} threads, GIL"), &self.gil_io, ""),
            format!(
                "GIL hand-overs while both CPU-bound threads wanted it: {} in {} (median hold {}, longest {})",
                self.holds.count.saturating_sub(1),
                ms(self.holds.window),
                ms(self.holds.median),
                ms(self.holds.longest)
            ),
        ]
    }
}

/// Measures the table up to three times, judging each with `judge`, and reports the table of
/// the last measurement.
fn experiment_check(judge: impl Fn(&Table) -> Judgement) -> Verdict {
    let spin = calibrate();
    let mut last: Option<Table> = None;
    let (mut undecided, mut why_undecided) = (0, String::new());
    let verdict = timing::decide(3, |_attempt| match measure(spin) {
        Ok(table) => {
            let judgement = judge(&table);
            if let Judgement::Unsure(why) = &judgement {
                undecided += 1;
                why_undecided.clone_from(why);
            }
            let summary = format!(
                "no GIL {:.2} (other processes {} cores), GIL {:.2}, I/O {:.2}, plain threads {:.2}; median hold {}",
                table.free_cpu.ratio(),
                table.others.map_or("?".to_owned(), |o| format!("{o:.1}")),
                table.gil_cpu.ratio(),
                table.gil_io.ratio(),
                table.plain_cpu.ratio(),
                ms(table.holds.median)
            );
            last = Some(table);
            Measurement { judgement, summary }
        }
        Err(failure) => Measurement { judgement: Judgement::Fatal(failure), summary: "no measurement".to_owned() },
    });
    if let Some(table) = &last {
        for line in table.lines() {
            pack_support::measured(line);
        }
        if verdict.is_ok() && undecided == 3 {
            // timing::decide has marked the check not judged.
            pack_support::measured(format!("not judged, after 3 attempts: {why_undecided}"));
        }
    }
    verdict
}

/// Runs the whole experiment once on a scenario thread, under a watchdog.
fn measure(spin: u64) -> Result<Table, Failure> {
    let scenario = watch::spawn("experiment", move |report| report.send(run_experiment(spin)));
    match scenario.next(WATCHDOG) {
        Next::Item(table) => Ok(table),
        Next::Panicked(message) => Err(fail(
            format!("the Gil's code panicked while the experiment ran: {message}"),
            "no panic",
            "a panic here means a bug in the Gil (or a todo!() that is not written yet)",
        )),
        Next::TimedOut => Err(fail(
            format!("the experiment (about half a second of steps) did not finish within {} s", WATCHDOG.as_secs()),
            "every thread gets the GIL in turn and finishes its steps",
            "a thread waits for the GIL forever: releasing it (dropping the guard, handing over at a safe point, \
             allow_threads) must notify a waiting thread, and a thread that handed the GIL over must be able to take \
             it back",
        )),
        Next::Ended => Err(fail("the experiment ended without a result", "a result", "internal error of the check")),
    }
}

fn run_experiment(spin: u64) -> Table {
    let cpu_steps = (CPU_RUN.as_nanos() / CPU_STEP.as_nanos()) as usize;
    let plain_cpu = plain_threads(spin, cpu_steps);
    // What other processes used while the threads ran without the GIL: the speed-up is only
    // judged when two cores were free for them.
    let load = Load::start();
    let (free_cpu, _) = cpu_row(&Gil::disabled(), spin, cpu_steps);
    let others = load.others();
    let (gil_cpu, holds) = cpu_row(&Gil::new(), spin, cpu_steps);
    let gil_io = io_row(&Gil::new(), spin);
    Table { cpu_steps, plain_cpu, free_cpu, others, gil_cpu, gil_io, holds }
}

/// The CPU time the whole machine and this check's job have used so far, to tell how much other
/// processes used in between (`/proc/stat` and the job's processes' stat, in clock ticks).
struct Load {
    machine: Option<u64>,
    own: Option<Duration>,
    at: Instant,
}

impl Load {
    fn start() -> Load {
        Load {
            machine: pack_support::proc::machine_busy_ticks(),
            own: pack_support::proc::job_cpu_time(),
            at: Instant::now(),
        }
    }

    /// Cores used by other processes since `start`, on average (None if /proc could not tell).
    fn others(&self) -> Option<f64> {
        let wall = self.at.elapsed().as_secs_f64().max(1e-3);
        let machine = pack_support::proc::machine_busy_ticks()?.checked_sub(self.machine?)?;
        // The whole job's processes, not only this one: the code under test may start others.
        let own = pack_support::proc::job_cpu_time()?.checked_sub(self.own?)?;
        // SAFETY: sysconf has no preconditions.
        let tick = 1.0 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        Some(((machine as f64 * tick - own.as_secs_f64()) / wall).max(0.0))
    }
}

/// What one thread saw in a threaded run.
struct Trace {
    /// When it called acquire().
    wants: Instant,
    /// Start and end of each of its steps.
    steps: Vec<(Instant, Instant)>,
}

/// Two CPU-bound count-downs of `steps` steps: serially under one acquire(), then on two
/// threads, each with its own acquire().
fn cpu_row(gil: &Gil, spin: u64, steps: usize) -> (Row, Holds) {
    let serial = timed(|| {
        let mut guard = gil.acquire();
        for _ in 0..2 * steps {
            guard.step(|| work(spin));
        }
    });
    let mut traces = Vec::new();
    let threaded = timed(|| {
        traces = thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|i| {
                    thread::Builder::new()
                        .name(format!("interpreter-{}", i + 1))
                        .spawn_scoped(s, || {
                            let mut steps_seen = Vec::with_capacity(steps);
                            let wants = Instant::now();
                            let mut guard = gil.acquire();
                            for _ in 0..steps {
                                guard.step(|| {
                                    let start = Instant::now();
                                    work(spin);
                                    steps_seen.push((start, Instant::now()));
                                });
                            }
                            drop(guard);
                            Trace { wants, steps: steps_seen }
                        })
                        .expect("starting a thread")
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        });
    });
    let row = Row { serial, threaded, overlapping_steps: overlapping_steps(&traces), most_blocked: 0 };
    (row, holds(&traces))
}

/// The calibration: the same two count-downs on plain threads, no Gil at all.
fn plain_threads(spin: u64, steps: usize) -> Row {
    let serial = timed(|| (0..2 * steps).for_each(|_| work(spin)));
    let threaded = timed(|| {
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| (0..steps).for_each(|_| work(spin)));
            }
        })
    });
    Row { serial, threaded, overlapping_steps: 0, most_blocked: 0 }
}

/// IO_THREADS I/O-bound count-downs: each step computes a little, then waits IO_WAIT inside
/// allow_threads.
fn io_row(gil: &Gil, spin: u64) -> Row {
    let blocked = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let count_down = |guard: &mut ex08_gil::GilGuard<'_>| {
        for _ in 0..IO_STEPS {
            guard.step(|| work(spin));
            guard.allow_threads(|| {
                let now = blocked.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                thread::sleep(IO_WAIT);
                blocked.fetch_sub(1, Ordering::SeqCst);
            });
        }
    };
    let serial = timed(|| {
        let mut guard = gil.acquire();
        for _ in 0..IO_THREADS {
            count_down(&mut guard);
        }
    });
    most.store(0, Ordering::SeqCst);
    let threaded = timed(|| {
        thread::scope(|s| {
            for _ in 0..IO_THREADS {
                s.spawn(|| count_down(&mut gil.acquire()));
            }
        })
    });
    Row { serial, threaded, overlapping_steps: 0, most_blocked: most.load(Ordering::SeqCst) }
}

/// Steps that started while another thread was inside a step.
fn overlapping_steps(traces: &[Trace]) -> usize {
    let mut all: Vec<(Instant, Instant, usize)> =
        traces.iter().enumerate().flat_map(|(t, tr)| tr.steps.iter().map(move |&(s, e)| (s, e, t))).collect();
    all.sort_by_key(|&(start, _, _)| start);
    let mut last_end = vec![None::<Instant>; traces.len()];
    let mut overlapping = 0;
    for (start, end, thread) in all {
        let inside_other =
            last_end.iter().enumerate().any(|(other, e)| other != thread && e.is_some_and(|e| start < e));
        if inside_other {
            overlapping += 1;
        }
        last_end[thread] = Some(last_end[thread].map_or(end, |e: Instant| e.max(end)));
    }
    overlapping
}

/// The GIL's holds while both threads wanted it: a hold is a run of consecutive steps of one
/// thread, from its first step's start to its last step's end (so the time a hand-over takes is
/// not counted against the holder), clipped to the window in which both threads wanted it.
fn holds(traces: &[Trace]) -> Holds {
    let none = Holds { window: Duration::ZERO, count: 0, median: Duration::ZERO, longest: Duration::ZERO };
    if traces.len() < 2 || traces.iter().any(|t| t.steps.is_empty()) {
        return none;
    }
    let from = traces.iter().map(|t| t.wants).max().expect("two traces");
    let until = traces.iter().map(|t| t.steps.last().expect("steps").1).min().expect("two traces");
    if until <= from {
        return none;
    }
    let mut all: Vec<(Instant, Instant, usize)> =
        traces.iter().enumerate().flat_map(|(t, tr)| tr.steps.iter().map(move |&(s, e)| (s, e, t))).collect();
    all.sort_by_key(|&(start, _, _)| start);
    let mut spans: Vec<Duration> = Vec::new();
    let mut current: Option<(usize, Instant, Instant)> = None;
    let close = |run: (usize, Instant, Instant), spans: &mut Vec<Duration>| {
        let (start, end) = (run.1.max(from), run.2.min(until));
        if end > start {
            spans.push(end - start);
        }
    };
    for (start, end, thread) in all {
        current = match current {
            Some((t, s, e)) if t == thread => Some((t, s, e.max(end))),
            Some(run) => {
                close(run, &mut spans);
                Some((thread, start, end))
            }
            None => Some((thread, start, end)),
        };
    }
    if let Some(run) = current {
        close(run, &mut spans);
    }
    spans.sort_unstable();
    Holds {
        window: until - from,
        count: spans.len(),
        median: spans.get(spans.len() / 2).copied().unwrap_or_default(),
        longest: spans.last().copied().unwrap_or_default(),
    }
}

/// One CPU-bound step: `spin` rounds of arithmetic the compiler cannot remove.
fn work(spin: u64) {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for i in 0..spin {
        x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i));
    }
}

/// The number of rounds of `work` that take about CPU_STEP on this machine (best of a few
/// tries, so that a busy moment does not make the steps too short).
fn calibrate() -> u64 {
    let rounds = 20_000u64;
    let best =
        (0..5).map(|_| timed(|| work(rounds))).min().unwrap_or(Duration::from_micros(100)).max(Duration::from_nanos(1));
    ((rounds as f64 * CPU_STEP.as_secs_f64() / best.as_secs_f64()) as u64).max(100)
}

fn timed(f: impl FnOnce()) -> Duration {
    timing::timed(f).1
}

/// A duration for messages: "4.8 ms".
fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}
