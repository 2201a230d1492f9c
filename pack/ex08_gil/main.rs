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
//!
//! Besides the table: a race amplifier (four threads, a 50 µs switch interval, seeded random
//! blocking calls and re-acquires, steps that yield in the middle: no two threads ever inside a
//! step), the CPU of every kind of wait for the GIL read from /proc, the misuse that must panic
//! (a zero interval, acquiring twice), `experiment::run`'s table, and the facade probe.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ex08_gil::Gil;
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next};
use pack_support::{failure, text, Context, Failure, Verdict};

use pack_support::explore::{self, Doing};

fn main() {
    // The facade's recording (wait-for cycles, blocked threads) speaks the student's language.
    course_sync::check::speak_with(pack_support::text::speak);
    pack_support::main(pack_support::checks![
        cpu_threads_without_gil_run_in_parallel,
        cpu_threads_with_gil_take_serial_time,
        io_threads_with_gil_overlap,
        gil_switches_every_interval,
        steps_never_overlap_under_contention,
        waiting_for_the_gil_uses_no_cpu,
        misuse_panics_instead_of_hanging,
        disabled_gil_never_waits,
        count_down_and_compare_do_as_asked,
        experiment_table,
        built_on_the_facade,
        handovers_in_explored_schedules
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

/// Observes `disabled-runs-in-parallel` without a clock: two threads share `Gil::disabled()`
/// and meet at a barrier inside a step, inside allow_threads, and inside a step after it. Both
/// get to each meeting only if acquire, steps and the return from allow_threads never wait for
/// the other thread, which a GIL that is really taken would make them do.
fn disabled_gil_never_waits(_ctx: &Context) -> Verdict {
    const LIMIT: Duration = Duration::from_secs(5);
    // Where each thread is: 0 acquiring, then 1 to 3 inside the three meetings, 4 done.
    let stages: Arc<[AtomicUsize; 2]> = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let seen = stages.clone();
    let run = watch::call("disabled-gil", move || {
        let gil = Gil::disabled();
        let meet = std::sync::Barrier::new(2);
        thread::scope(|scope| {
            for stage in seen.iter() {
                let (gil, meet) = (&gil, &meet);
                scope.spawn(move || {
                    let mut guard = gil.acquire();
                    stage.store(1, Ordering::SeqCst);
                    guard.step(|| meet.wait());
                    stage.store(2, Ordering::SeqCst);
                    guard.allow_threads(|| meet.wait());
                    stage.store(3, Ordering::SeqCst);
                    guard.step(|| meet.wait());
                    stage.store(4, Ordering::SeqCst);
                });
            }
        });
    });
    match run.outcome(LIMIT) {
        Next::Item(()) => Ok(()),
        Next::Panicked(message) => Err(failure!("ex08-disabled-panicked", message)),
        Next::TimedOut | Next::Ended => {
            let at = |i: usize| text!("ex08-disabled-stage", stage = stages[i].load(Ordering::SeqCst));
            Err(failure!("ex08-disabled-waits", secs = LIMIT.as_secs(), first = at(0), second = at(1)))
        }
    }
}

/// Observes `experiment-count-down` and `experiment-compare` with I/O-bound count-downs, whose
/// waits the kernel counts (a sleep is a voluntary context switch of the sleeping thread) and
/// whose lower bounds no load can shorten:
/// - `count_down(guard, 0, ..)` makes no step and no wait; `count_down(guard, 3, ..)` waits at
///   least 3 times and for at least 3 pauses;
/// - `compare(gil, 4, 2, IoBound(250 ms))` runs its 4 threaded count-downs on 4 threads alive at
///   once (the process's threads are counted every few milliseconds while each lives ≥ 500 ms),
///   says `threads: 4`, and reports times no shorter than the waits they contain.
fn count_down_and_compare_do_as_asked(_ctx: &Context) -> Verdict {
    use ex08_gil::experiment::{self, Workload};
    const LIMIT: Duration = Duration::from_secs(20);
    // Long enough that an extra wait cannot pass for noise; a correct count-down from 0 waits
    // for nothing.
    const LONG_PAUSE: Duration = Duration::from_millis(300);
    const PAUSE: Duration = Duration::from_millis(50);
    /// Each count-down of the compare: its steps wait this long each.
    const COMPARE_PAUSE: Duration = Duration::from_millis(250);
    const COMPARE_THREADS: usize = 4;
    const COMPARE_N: u64 = 2;

    // One count-down on a thread of its own, with that thread's sleeps counted around it.
    let count_down = |n: u64, pause: Duration| -> Result<(u64, Duration), Failure> {
        let call = format!("count_down(&mut guard, {n}, Workload::IoBound({}))", ms(pause));
        let run = watch::call("count-down", move || {
            let gil = Gil::new();
            let mut guard = gil.acquire();
            let (sleeps, started) = (pack_support::proc::own_thread_sleeps(), Instant::now());
            experiment::count_down(&mut guard, n, Workload::IoBound(pause));
            (pack_support::proc::own_thread_sleeps().saturating_sub(sleeps), started.elapsed())
        });
        match run.outcome(LIMIT) {
            Next::Item(seen) => Ok(seen),
            Next::Panicked(message) => Err(failure!("ex08-call-panicked", call, message)),
            Next::TimedOut | Next::Ended => Err(failure!("ex08-call-stuck", call, secs = LIMIT.as_secs())),
        }
    };
    let (waits, took) = count_down(0, LONG_PAUSE)?;
    // Both witnesses: a wait is a sleep of the thread (no load adds one), and it lasts the pause.
    if waits > 0 && took >= LONG_PAUSE {
        return Err(failure!("ex08-count-down-from-zero-waits", waits, took = ms(took), pause = ms(LONG_PAUSE)));
    }
    let (waits, took) = count_down(3, PAUSE)?;
    if waits < 3 || took < PAUSE * 3 {
        return Err(failure!("ex08-count-down-waits-too-little", waits, took = ms(took), pause = ms(PAUSE)));
    }

    let call =
        format!("compare(&Gil::new(), {COMPARE_THREADS}, {COMPARE_N}, Workload::IoBound({}))", ms(COMPARE_PAUSE));
    let pid = std::process::id();
    let run = watch::call("compare", move || {
        experiment::compare(&Gil::new(), COMPARE_THREADS, COMPARE_N, Workload::IoBound(COMPARE_PAUSE))
    });
    // This process's threads now (this one, the call's and the check program's own); during the
    // threaded part, `COMPARE_THREADS` more at once.
    let before = pack_support::proc::threads(pid).map(|t| t.len()).unwrap_or(0);
    let mut most = before;
    let started = Instant::now();
    let timing = loop {
        match run.outcome(Duration::from_millis(3)) {
            Next::Item(timing) => break timing,
            Next::Panicked(message) => return Err(failure!("ex08-call-panicked", call, message)),
            Next::Ended => return Err(failure!("ex08-call-stuck", call, secs = LIMIT.as_secs())),
            Next::TimedOut if started.elapsed() > LIMIT => {
                return Err(failure!("ex08-call-stuck", call, secs = LIMIT.as_secs()))
            }
            Next::TimedOut => {
                most = most.max(pack_support::proc::threads(pid).map(|t| t.len()).unwrap_or(0));
            }
        }
    };
    let at_once = most.saturating_sub(before);
    if at_once < COMPARE_THREADS {
        return Err(failure!("ex08-compare-not-together", call, at_once, threads = COMPARE_THREADS));
    }
    let waits = COMPARE_PAUSE * COMPARE_N as u32;
    if timing.threads != COMPARE_THREADS || timing.serial < waits * COMPARE_THREADS as u32 || timing.threaded < waits {
        return Err(failure!(
            "ex08-compare-timing-impossible",
            call,
            threads = timing.threads,
            serial = ms(timing.serial),
            threaded = ms(timing.threaded),
            serial_least = ms(waits * COMPARE_THREADS as u32),
            threaded_least = ms(waits),
            expected_threads = COMPARE_THREADS
        ));
    }
    Ok(())
}

fn cpu_threads_without_gil_run_in_parallel(_ctx: &Context) -> Verdict {
    experiment_check(|t| {
        let free = &t.free_cpu;
        if free.overlapping_steps == 0 {
            return Judgement::Fail(failure!(
                "ex08-no-gil-never-overlapped",
                steps = t.cpu_steps,
                ratio = format!("{:.2}", free.ratio()),
                threaded = ms(free.threaded),
                serial = ms(free.serial),
                plain = format!("{:.2}", t.plain_cpu.ratio())
            ));
        }
        // The steps did overlap; whether that made the threads faster depends on the machine.
        match t.others {
            Some(others) if others <= OTHERS_AT_MOST => {}
            Some(others) => return Judgement::Unsure(text!("ex08-no-gil-busy", others = format!("{others:.1}"))),
            None => return Judgement::CannotMeasure(text!("ex08-proc-stat-unknown")),
        }
        if free.ratio() < NO_SPEED_UP {
            Judgement::Pass
        } else {
            Judgement::Fail(failure!(
                "ex08-no-gil-no-speed-up",
                ratio = format!("{:.2}", free.ratio()),
                threaded = ms(free.threaded),
                serial = ms(free.serial),
                others = format!("{:.1}", t.others.unwrap_or(0.0)),
                plain = format!("{:.2}", t.plain_cpu.ratio()),
                limit = NO_SPEED_UP
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
            return Judgement::Fatal(failure!(
                "ex08-gil-steps-overlapped",
                ratio = format!("{:.2}", gil.ratio()),
                threaded = ms(gil.threaded),
                serial = ms(gil.serial),
                plain = format!("{:.2}", t.plain_cpu.ratio()),
                overlapping = gil.overlapping_steps,
                steps = 2 * t.cpu_steps
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
        let ideal = format!("{:.2}", 1.0 / IO_THREADS as f64);
        if io.most_blocked <= 1 {
            return Judgement::Fail(failure!(
                "ex08-io-never-overlapped",
                threads = IO_THREADS,
                waits = IO_STEPS,
                wait = ms(IO_WAIT),
                ratio = format!("{:.2}", io.ratio()),
                threaded = ms(io.threaded),
                serial = ms(io.serial),
                ideal
            ));
        }
        if io.ratio() <= 0.6 {
            Judgement::Pass
        } else if t.io_others.is_none_or(|o| o > OTHERS_AT_MOST) {
            // Late wake-ups on a busy machine stretch the threaded run more than the serial one.
            Judgement::Unsure(text!(
                "ex08-io-busy",
                ratio = format!("{:.2}", io.ratio()),
                others = t.io_others.map_or("?".to_owned(), |o| format!("{o:.2}"))
            ))
        } else {
            Judgement::Fail(failure!(
                "ex08-io-partial-overlap",
                threads = IO_THREADS,
                ratio = format!("{:.2}", io.ratio()),
                threaded = ms(io.threaded),
                serial = ms(io.serial),
                most = io.most_blocked,
                ideal
            ))
        }
    })
}

/// Observes `switches-every-interval`: while both CPU-bound threads want the GIL, each hold
/// (a run of one thread's consecutive steps) lasts about the switch interval — not the whole
/// run (no safe point), and not a single step (a hand-over at every step, before the interval is
/// up). A hold is judged long only when it is long in steps too: a busy machine stretches holds
/// in wall time (the holder is descheduled while it holds the GIL) but never adds steps to them.
/// With three threads a hold is also measured in the holder's own CPU time, which a busy machine
/// cannot lengthen either: more than three intervals of it fails however busy the machine is.
fn gil_switches_every_interval(_ctx: &Context) -> Verdict {
    experiment_check_with(true, |t| {
        let h = &t.holds;
        if h.window < INTERVAL * 4 {
            return Judgement::Unsure(text!("ex08-switch-window-short", window = ms(h.window)));
        }
        let seen = text!(
            "ex08-switch-seen",
            window = ms(h.window),
            step = us(CPU_STEP),
            handovers = h.count.saturating_sub(1),
            median = ms(h.median),
            median_steps = h.median_steps,
            longest = ms(h.longest),
            longest_steps = h.longest_steps
        );
        let interval = ms(INTERVAL);
        let interval_steps = steps_per_interval();
        let expected_handovers = (h.window.as_millis() / INTERVAL.as_millis()) as u64;
        // A hold shorter than half the interval cannot happen with a correct GIL, however busy the
        // machine: the holder keeps the GIL until its interval is up. With three threads another one
        // is always queued, so a GIL that hands over too early does it at (nearly) every step.
        let h3 = &t.holds3;
        if h3.early + h.early >= 2 {
            return Judgement::Fatal(failure!(
                "ex08-switch-early",
                seen,
                early_three = h3.early,
                early_two = h.early,
                shortest = us(h3.shortest.min(if h.early > 0 { h.shortest } else { h3.shortest })),
                median = ms(h3.median),
                median_steps = h3.median_steps,
                interval,
                interval_steps,
                expected_handovers
            ));
        }
        // With three threads another one is always queued (after the first hold), so a hold
        // in which the holder computed for several intervals of its own CPU time means the
        // GIL was not handed over when the interval was up: judged however busy the machine
        // is, since a thread's CPU clock stands still while it is descheduled.
        if h3.longest_cpu > INTERVAL * 3 {
            return Judgement::Fatal(failure!(
                "ex08-switch-kept-computing",
                seen,
                cpu = ms(h3.longest_cpu),
                interval,
                expected_handovers
            ));
        }
        // With three threads another one is always queued, so no hold may be longer than the
        // interval in steps. Three intervals' worth: margin for steps that run faster than
        // calibrated. On a busy machine a correct GIL's hold can stretch in steps too (a holder
        // that keeps running until the thread it hands over to is scheduled): judged again then.
        if h3.longest_steps > 3 * steps_per_interval() {
            // One hold over the whole window, six intervals' worth of steps or more, while two
            // threads had asked for the GIL: nobody else ever ran. A busy machine delays the
            // thread the GIL is handed to by a few milliseconds, never for that long, so this
            // is judged however busy the machine is.
            let never_handed_over = h3.count == 1 && h3.longest_steps >= 6 * steps_per_interval();
            if !never_handed_over && t.others3.is_none_or(|o| o > OTHERS_AT_MOST) {
                return Judgement::Unsure(text!(
                    "ex08-switch-long-hold-busy",
                    longest_steps = h3.longest_steps,
                    longest = ms(h3.longest),
                    others = t.others3.map_or("?".to_owned(), |o| format!("{o:.2}"))
                ));
            }
            return Judgement::Fatal(failure!(
                "ex08-switch-no-handover",
                seen,
                longest_steps = h3.longest_steps,
                longest = ms(h3.longest),
                interval,
                interval_steps,
                expected_handovers
            ));
        }
        if h.median > INTERVAL * 4 {
            if h.median_steps <= 2 * steps_per_interval() {
                return Judgement::Unsure(text!("ex08-switch-descheduled", seen));
            }
            return Judgement::Fail(failure!(
                "ex08-switch-held-too-long",
                seen,
                interval,
                interval_steps,
                expected_handovers
            ));
        }
        Judgement::Pass
    })
}

/// How many steps of CPU_STEP fit in one switch interval on an idle core.
fn steps_per_interval() -> usize {
    (INTERVAL.as_nanos() / CPU_STEP.as_nanos()) as usize
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
    /// Steps in the median hold, and in the longest.
    median_steps: usize,
    longest_steps: usize,
    /// Holds (not the first or the last in the window) shorter than half the switch interval:
    /// the GIL changed hands before the holder's interval was up.
    early: usize,
    /// The shortest of those.
    shortest: Duration,
    /// The most CPU time the holder spent in its steps during one hold (the first hold left
    /// out). A correct GIL's holder gives the GIL up at the first step after the switch
    /// interval (wall time, which never runs slower than the thread's CPU clock), so this is
    /// at most about the interval plus one step, however busy the machine.
    longest_cpu: Duration,
}

impl Holds {
    /// No holds seen.
    fn none() -> Holds {
        Holds {
            window: Duration::ZERO,
            count: 0,
            median: Duration::ZERO,
            longest: Duration::ZERO,
            median_steps: 0,
            longest_steps: 0,
            early: 0,
            shortest: Duration::ZERO,
            longest_cpu: Duration::ZERO,
        }
    }
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
    /// Cores used by other processes while the I/O-bound threads ran.
    io_others: Option<f64>,
    holds: Holds,
    /// The same with three threads (always another one queued while one holds the GIL).
    holds3: Holds,
    /// Cores used by other processes while the three threads ran.
    others3: Option<f64>,
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
            text!("ex08-table-title", interval = ms(INTERVAL)),
            format!(
                "{:<30} {:>11} {:>11}  {:>5}",
                "",
                text!("ex08-table-serial"),
                text!("ex08-table-threaded"),
                text!("ex08-table-ratio")
            ),
            row(
                &text!("ex08-table-row-no-gil"),
                &self.free_cpu,
                &text!(
                    "ex08-table-row-no-gil-note",
                    plain = format!("{:.2}", self.plain_cpu.ratio()),
                    others = self.others.map_or("?".to_owned(), |o| format!("{o:.2}"))
                ),
            ),
            row(&text!("ex08-table-row-gil"), &self.gil_cpu, &text!("ex08-table-row-gil-note")),
            row(&text!("ex08-table-row-io", threads = IO_THREADS), &self.gil_io, ""),
            text!(
                "ex08-table-handovers",
                handovers = self.holds.count.saturating_sub(1),
                window = ms(self.holds.window),
                median = ms(self.holds.median),
                longest = ms(self.holds.longest),
                computing = ms(self.holds3.longest_cpu)
            ),
        ]
    }
}

/// Measures the table up to three times, judging each with `judge`, and reports the table of
/// the last measurement.
fn experiment_check(judge: impl Fn(&Table) -> Judgement) -> Verdict {
    experiment_check_with(false, judge)
}

/// The same, with the three-thread CPU-bound run too when `with_three` (only the switch check
/// needs it).
fn experiment_check_with(with_three: bool, judge: impl Fn(&Table) -> Judgement) -> Verdict {
    let spin = calibrate();
    let mut last: Option<Table> = None;
    let (mut undecided, mut why_undecided) = (0, String::new());
    let verdict = timing::decide(3, |_attempt| match measure(spin, with_three) {
        Ok(table) => {
            let judgement = judge(&table);
            if let Judgement::Unsure(why) = &judgement {
                undecided += 1;
                why_undecided.clone_from(why);
            }
            let summary = text!(
                "ex08-experiment-summary",
                free = format!("{:.2}", table.free_cpu.ratio()),
                others = table.others.map_or("?".to_owned(), |o| format!("{o:.2}")),
                gil = format!("{:.2}", table.gil_cpu.ratio()),
                io = format!("{:.2}", table.gil_io.ratio()),
                plain = format!("{:.2}", table.plain_cpu.ratio()),
                hold = ms(table.holds.median)
            );
            last = Some(table);
            Measurement { judgement, summary }
        }
        Err(failure) => Measurement { judgement: Judgement::Fatal(failure), summary: text!("ex08-no-measurement") },
    });
    if let Some(table) = &last {
        for line in table.lines() {
            pack_support::measured(line);
        }
        if verdict.is_ok() && undecided == 3 {
            // timing::decide has marked the check not judged.
            pack_support::measured(text!("ex08-not-judged-after", why = why_undecided));
        }
    }
    verdict
}

/// Runs the whole experiment once on a scenario thread, under a watchdog.
fn measure(spin: u64, with_three: bool) -> Result<Table, Failure> {
    let scenario = watch::spawn("experiment", move |report| report.send(run_experiment(spin, with_three)));
    match scenario.next(WATCHDOG) {
        Next::Item(table) => Ok(table),
        Next::Panicked(message) => Err(failure!("ex08-experiment-panicked", message)),
        Next::TimedOut => Err(failure!("ex08-experiment-stuck", secs = WATCHDOG.as_secs())),
        Next::Ended => Err(failure!("ex08-experiment-no-result")),
    }
}

fn run_experiment(spin: u64, with_three: bool) -> Table {
    let cpu_steps = (CPU_RUN.as_nanos() / CPU_STEP.as_nanos()) as usize;
    let plain_cpu = plain_threads(spin, cpu_steps);
    // What other processes used while the threads ran without the GIL: the speed-up is only
    // judged when two cores were free for them.
    let load = Load::start();
    let (free_cpu, _) = cpu_row(&Gil::disabled(), spin, cpu_steps);
    let others = load.others();
    let (gil_cpu, holds) = cpu_row(&Gil::new(), spin, cpu_steps);
    let load = Load::start();
    let holds3 = if with_three { cpu_row_on(3, &Gil::new(), spin, cpu_steps).1 } else { Holds::none() };
    let others3 = load.others();
    let load = Load::start();
    let gil_io = io_row(&Gil::new(), spin);
    let io_others = load.others();
    Table { cpu_steps, plain_cpu, free_cpu, others, gil_cpu, gil_io, io_others, holds, holds3, others3 }
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
    /// Start and end of each of its steps, and the CPU time the thread used in it (by its own
    /// clock: a descheduled thread's clock stands still).
    steps: Vec<(Instant, Instant, Duration)>,
}

/// Two CPU-bound count-downs of `steps` steps: serially under one acquire(), then on two
/// threads, each with its own acquire().
fn cpu_row(gil: &Gil, spin: u64, steps: usize) -> (Row, Holds) {
    cpu_row_on(2, gil, spin, steps)
}

/// `threads` CPU-bound count-downs of `steps` steps: serially, then on as many threads.
fn cpu_row_on(threads: usize, gil: &Gil, spin: u64, steps: usize) -> (Row, Holds) {
    let serial = timed(|| {
        let mut guard = gil.acquire();
        for _ in 0..threads * steps {
            guard.step(|| work(spin));
        }
    });
    let mut traces = Vec::new();
    let threaded = timed(|| {
        traces = thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    thread::Builder::new()
                        .name(format!("interpreter-{}", i + 1))
                        .spawn_scoped(s, || {
                            let mut steps_seen = Vec::with_capacity(steps);
                            let wants = Instant::now();
                            let mut guard = gil.acquire();
                            for _ in 0..steps {
                                guard.step(|| {
                                    let (start, cpu) = (Instant::now(), pack_support::proc::own_thread_cpu());
                                    work(spin);
                                    let used = pack_support::proc::own_thread_cpu().saturating_sub(cpu);
                                    steps_seen.push((start, Instant::now(), used));
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
        traces.iter().enumerate().flat_map(|(t, tr)| tr.steps.iter().map(move |&(s, e, _)| (s, e, t))).collect();
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
    let none = Holds::none();
    if traces.len() < 2 || traces.iter().any(|t| t.steps.is_empty()) {
        return none;
    }
    let from = traces.iter().map(|t| t.wants).max().expect("two traces");
    let until = traces.iter().map(|t| t.steps.last().expect("steps").1).min().expect("two traces");
    if until <= from {
        return none;
    }
    let mut all: Vec<(Instant, Instant, Duration, usize)> =
        traces.iter().enumerate().flat_map(|(t, tr)| tr.steps.iter().map(move |&(s, e, cpu)| (s, e, cpu, t))).collect();
    all.sort_by_key(|&(start, _, _, _)| start);
    // (duration, steps, the holder's CPU in its steps) of each hold within the window.
    let mut spans: Vec<(Duration, usize, Duration)> = Vec::new();
    // The thread, its first step's start, its last step's end, its steps within the window, and
    // their CPU time.
    let mut current: Option<(usize, Instant, Instant, usize, Duration)> = None;
    let close = |run: (usize, Instant, Instant, usize, Duration), spans: &mut Vec<(Duration, usize, Duration)>| {
        let (start, end) = (run.1.max(from), run.2.min(until));
        if end > start {
            spans.push((end - start, run.3, run.4));
        }
    };
    for (start, end, cpu, thread) in all {
        let inside = start >= from && end <= until;
        let (count, cpu) = if inside { (1, cpu) } else { (0, Duration::ZERO) };
        current = match current {
            Some((t, s, e, n, c)) if t == thread => Some((t, s, e.max(end), n + count, c + cpu)),
            Some(run) => {
                close(run, &mut spans);
                Some((thread, start, end, count, cpu))
            }
            None => Some((thread, start, end, count, cpu)),
        };
    }
    if let Some(run) = current {
        close(run, &mut spans);
    }
    // Every hold but the first: the first may begin before the other threads were really
    // waiting (a thread that wants the GIL can be descheduled on its way into acquire()).
    let longest_cpu = spans.iter().skip(1).map(|s| s.2).max().unwrap_or_default();
    // Interior holds only: the first and the last are cut by the window.
    let interior = if spans.len() > 2 { &spans[1..spans.len() - 1] } else { &[][..] };
    let early: Vec<Duration> = interior.iter().map(|s| s.0).filter(|&d| d < INTERVAL / 2).collect();
    let mut by_steps: Vec<usize> = spans.iter().map(|&(_, n, _)| n).collect();
    by_steps.sort_unstable();
    spans.sort_unstable();
    Holds {
        window: until - from,
        count: spans.len(),
        median: spans.get(spans.len() / 2).map(|s| s.0).unwrap_or_default(),
        longest: spans.last().map(|s| s.0).unwrap_or_default(),
        median_steps: by_steps.get(by_steps.len() / 2).copied().unwrap_or_default(),
        longest_steps: by_steps.last().copied().unwrap_or_default(),
        early: early.len(),
        shortest: early.iter().min().copied().unwrap_or_default(),
        longest_cpu,
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

/// A short duration for messages: "20 µs".
fn us(d: Duration) -> String {
    format!("{} µs", d.as_micros())
}

/// A duration for messages: "4.8 ms".
fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

// ---------------------------------------------------------------------------------------------
// Exclusion under contention: many threads, short intervals, blocking calls and re-acquires
// ---------------------------------------------------------------------------------------------

/// Threads that contend for one GIL in the race amplifier.
const CONTENDERS: usize = 4;
/// Steps each contender runs (between them: blocking calls, new acquires).
const CONTENTION_ROUNDS: usize = 2500;
/// A switch interval short enough that the GIL changes hands at many safe points.
const SHORT_INTERVAL: Duration = Duration::from_micros(50);
/// No step run by any contender for this long: one of them waits for the GIL for ever.
const STALLED_AFTER: Duration = Duration::from_secs(5);
/// A run still going after this long (a crowded machine: each hand-over waits for a core) is
/// stopped at its next step and judged on what it ran...
const CONTENTION_BUDGET: Duration = Duration::from_secs(10);
/// ...if it ran this many steps at least (hand-overs by the thousand); else it is not judged.
const CONTENTION_STEPS_JUDGED: usize = 4000;
/// No thread inside a step.
const NOBODY: usize = usize::MAX;

/// What a contender did just before a step (its index in `Contention::did`), for the
/// explanation of an overlap.
fn did(index: usize) -> String {
    match index {
        0 => text!("ex08-did-acquired"),
        1 => text!("ex08-did-step"),
        2 => text!("ex08-did-allow-threads"),
        _ => text!("ex08-did-reacquired"),
    }
}

/// Two threads seen inside a step at once.
#[derive(Clone)]
struct Overlap {
    intruder: usize,
    holder: usize,
    /// What each had done before the step (see [`did`]).
    intruder_did: usize,
    holder_did: usize,
    round: usize,
}

/// What the contenders share with the check (also readable when they hang).
struct Contention {
    /// The contender inside a step now, or NOBODY.
    inside: AtomicUsize,
    /// What each contender did before its current or last step (see [`did`]).
    did: Vec<AtomicUsize>,
    overlap: std::sync::Mutex<Option<Overlap>>,
    stop: std::sync::atomic::AtomicBool,
    steps: AtomicUsize,
    /// A guard whose gil() was not the Gil it was acquired from.
    wrong_gil: std::sync::atomic::AtomicBool,
}

/// Observes `one-thread-runs-steps`, `allow-threads-retakes`, `acquire-blocks-drop-releases` and
/// `guard-names-its-gil` under contention: CONTENDERS threads share one GIL with a 50 µs switch
/// interval and run tiny steps, with (at random, seeded) blocking calls through allow_threads,
/// drops and new acquires in between, so that the GIL is released and taken tens of thousands of
/// times and a thread often comes for it while a woken waiter is on its way. No step may start
/// while another thread is inside one.
fn steps_never_overlap_under_contention(_ctx: &Context) -> Verdict {
    let seed = pack_support::rng::seed();
    let shared = Arc::new(Contention {
        inside: AtomicUsize::new(NOBODY),
        did: (0..CONTENDERS).map(|_| AtomicUsize::new(0)).collect(),
        overlap: std::sync::Mutex::new(None),
        stop: std::sync::atomic::AtomicBool::new(false),
        steps: AtomicUsize::new(0),
        wrong_gil: std::sync::atomic::AtomicBool::new(false),
    });
    let scenario_shared = Arc::clone(&shared);
    let started = Instant::now();
    let scenario = watch::spawn("contention", move |report| {
        contend(&scenario_shared, seed);
        report.send(());
    });
    // The watchdog looks at progress, not at the clock: on a crowded machine every hand-over
    // waits for a core, and the 10,000 steps may take far longer than on a free one. No step for
    // STALLED_AFTER is a thread waiting for ever; a run still going after CONTENTION_BUDGET is
    // told to stop, and judged on the steps it ran.
    let (mut last_steps, mut last_step_at, mut cut_short) = (0, Instant::now(), false);
    let outcome = loop {
        match scenario.next(Duration::from_millis(250)) {
            Next::TimedOut => {}
            other => break other,
        }
        let steps = shared.steps.load(Ordering::SeqCst);
        if steps != last_steps {
            (last_steps, last_step_at) = (steps, Instant::now());
        } else if last_step_at.elapsed() >= STALLED_AFTER {
            break Next::TimedOut;
        }
        if !cut_short && started.elapsed() >= CONTENTION_BUDGET {
            cut_short = true;
            shared.stop.store(true, Ordering::SeqCst);
        }
    };
    let took = started.elapsed();
    let steps = shared.steps.load(Ordering::SeqCst);
    pack_support::measured(text!(
        "ex08-contention-summary",
        contenders = CONTENDERS,
        interval = us(SHORT_INTERVAL),
        steps,
        took = ms(took)
    ));
    let replay = pack_support::rng::replay_hint(seed, "ex08");
    let what = text!("ex08-contention-what", contenders = CONTENDERS, interval = us(SHORT_INTERVAL));
    if let Some(o) = shared.overlap.lock().unwrap_or_else(|e| e.into_inner()).clone() {
        return Err(failure!(
            "ex08-contention-overlap",
            what,
            round = o.round + 1,
            intruder = o.intruder + 1,
            intruder_did = did(o.intruder_did),
            holder = o.holder + 1,
            holder_did = did(o.holder_did),
            steps,
            replay
        ));
    }
    if shared.wrong_gil.load(Ordering::SeqCst) {
        return Err(failure!("ex08-contention-wrong-gil"));
    }
    match outcome {
        Next::Item(()) if cut_short && steps < CONTENTION_STEPS_JUDGED => {
            pack_support::not_judged_busy(text!(
                "ex08-contention-too-few",
                steps,
                took = ms(took),
                least = CONTENTION_STEPS_JUDGED
            ));
            Ok(())
        }
        Next::Item(()) => Ok(()),
        Next::Panicked(message) => Err(failure!("ex08-contention-panicked", what, message, replay)),
        Next::TimedOut | Next::Ended => {
            Err(failure!("ex08-contention-stuck", what, secs = STALLED_AFTER.as_secs(), steps, took = ms(took), replay))
        }
    }
}

/// The contenders' run: each acquires the GIL, runs CONTENTION_ROUNDS steps, and between steps
/// at random calls allow_threads or drops its guard and acquires again.
fn contend(shared: &Arc<Contention>, seed: u64) {
    let gil = Gil::with_switch_interval(SHORT_INTERVAL);
    let mut rng = pack_support::rng::Rng::new(seed);
    let rngs: Vec<_> = (0..CONTENDERS).map(|_| rng.split()).collect();
    thread::scope(|s| {
        for (me, mut rng) in rngs.into_iter().enumerate() {
            let gil = &gil;
            thread::Builder::new()
                .name(format!("contender-{}", me + 1))
                .spawn_scoped(s, move || {
                    let mut guard = gil.acquire();
                    if !std::ptr::eq(guard.gil(), gil) {
                        shared.wrong_gil.store(true, Ordering::SeqCst);
                    }
                    let mut did = 0;
                    for round in 0..CONTENTION_ROUNDS {
                        if shared.stop.load(Ordering::SeqCst) {
                            break;
                        }
                        shared.did[me].store(did, Ordering::SeqCst);
                        // Half the steps yield in the middle: if another thread wrongly believes
                        // it holds the GIL too, it gets the core and enters a step meanwhile.
                        let pause = rng.chance(50);
                        guard.step(|| {
                            match shared.inside.compare_exchange(NOBODY, me, Ordering::SeqCst, Ordering::SeqCst) {
                                Ok(_) => {
                                    work(300);
                                    if pause {
                                        thread::yield_now();
                                    }
                                    work(300);
                                    let _ =
                                        shared.inside.compare_exchange(me, NOBODY, Ordering::SeqCst, Ordering::SeqCst);
                                }
                                Err(holder) => {
                                    let mut overlap = shared.overlap.lock().unwrap_or_else(|e| e.into_inner());
                                    if overlap.is_none() && holder != NOBODY {
                                        *overlap = Some(Overlap {
                                            intruder: me,
                                            holder,
                                            intruder_did: did,
                                            holder_did: shared.did[holder].load(Ordering::SeqCst),
                                            round,
                                        });
                                    }
                                    shared.stop.store(true, Ordering::SeqCst);
                                }
                            }
                        });
                        shared.steps.fetch_add(1, Ordering::SeqCst);
                        did = 1;
                        match rng.below(10) {
                            0..=1 => {
                                guard.allow_threads(|| rng.jitter(Duration::from_micros(30)));
                                did = 2;
                            }
                            2 => {
                                drop(guard);
                                rng.jitter(Duration::from_micros(30));
                                guard = gil.acquire();
                                did = 3;
                            }
                            _ => {}
                        }
                    }
                })
                .expect("starting a contender");
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Waiting for the GIL without burning the CPU
// ---------------------------------------------------------------------------------------------

/// Observes `waiting-uses-no-cpu`: while one thread holds the GIL inside a long step (as a C
/// extension that computes without releasing it), the three kinds of thread that wait for it —
/// one in acquire(), one that handed it over at a safe point and queues to get it back, one
/// coming back from allow_threads — sleep: their CPU time and wake-ups are read from /proc over
/// half a second. Afterwards each of them gets the GIL.
fn waiting_for_the_gil_uses_no_cpu(_ctx: &Context) -> Verdict {
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;
    const WINDOW: Duration = Duration::from_millis(500);
    let limit = Duration::from_secs(3);
    let gil = Arc::new(Gil::with_switch_interval(Duration::from_millis(1)));
    let holder_in = Arc::new(AtomicBool::new(false));
    let holder_done = Arc::new(AtomicBool::new(false));

    // 1. A thread that takes the GIL and then waits for "I/O" in allow_threads until told.
    let (io_in_tx, io_in) = mpsc::channel();
    let (io_go, io_go_rx) = mpsc::channel::<()>();
    let g = Arc::clone(&gil);
    let io = watch::call("back-from-io", move || {
        let mut guard = g.acquire();
        guard.allow_threads(|| {
            let _ = io_in_tx.send(());
            let _ = io_go_rx.recv();
        });
        guard.step(|| ());
    });
    if io_in.recv_timeout(limit).is_err() {
        return Err(stuck(&io, &text!("ex08-what-acquire-then-allow-threads"), limit));
    }
    // 2. A thread that holds the GIL and runs steps until the holder below has taken it from
    // it at a safe point and finished.
    let (g, done) = (Arc::clone(&gil), Arc::clone(&holder_done));
    let (stepping_tx, stepping) = mpsc::channel();
    let stepper = watch::call("handed-over", move || {
        let mut guard = g.acquire();
        let _ = stepping_tx.send(());
        let started = Instant::now();
        while !done.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(6) {
            guard.step(|| work(50));
        }
    });
    if stepping.recv_timeout(limit).is_err() {
        return Err(stuck(&stepper, &text!("ex08-what-acquire-while-in-allow-threads"), limit));
    }
    // 3. The holder: takes the GIL from the stepper and keeps it inside one long step.
    let (g, inside, done) = (Arc::clone(&gil), Arc::clone(&holder_in), Arc::clone(&holder_done));
    let (release, release_rx) = mpsc::channel::<()>();
    let holder = watch::call("holder", move || {
        let mut guard = g.acquire();
        guard.step(|| {
            inside.store(true, Ordering::SeqCst);
            let _ = release_rx.recv();
        });
        done.store(true, Ordering::SeqCst);
    });
    let deadline = Instant::now() + limit;
    while !holder_in.load(Ordering::SeqCst) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    if !holder_in.load(Ordering::SeqCst) {
        return Err(failure!("ex08-wait-holder-never-got", secs = limit.as_secs()));
    }
    // 4. The I/O is done: back-from-io wants the GIL again; and a new thread acquires.
    let _ = io_go.send(());
    let g = Arc::clone(&gil);
    let acquirer = watch::call("acquirer", move || {
        let mut guard = g.acquire();
        guard.step(|| ());
    });
    thread::sleep(Duration::from_millis(50));
    let waiters = [&stepper, &io, &acquirer];
    let tids: Vec<u32> = waiters.iter().map(|c| c.tid()).collect();
    // Their CPU, wake-ups and states (every few ms): a blocked thread is asleep (S); a thread
    // that spins or yields in a loop is runnable (R) even when a busy machine gives it little CPU.
    let usage = watch::usage_over(&tids, WINDOW);
    let _ = release.send(());
    let what = [text!("ex08-waiter-handed-over"), text!("ex08-waiter-back-from-io"), text!("ex08-waiter-acquire")];
    for ((call, u), what) in waiters.iter().zip(&usage).zip(what) {
        let Some(u) = u else {
            return Err(failure!("ex08-wait-ended", name = call.name(), what));
        };
        let seen = text!("ex08-wait-seen", name = call.name(), what, usage = u.describe());
        if u.busy(0.1) {
            return Err(failure!("ex08-wait-burns-cpu", seen));
        }
        if u.polls(50.0) {
            return Err(failure!("ex08-wait-polls", seen));
        }
    }
    let _ = holder.outcome(limit);
    for (call, what) in [
        (&stepper, text!("ex08-what-next-step")),
        (&io, text!("ex08-what-step-after-allow-threads")),
        (&acquirer, text!("ex08-what-acquire-and-step")),
    ] {
        match call.outcome(limit) {
            Next::Item(()) => {}
            Next::Panicked(message) => return Err(failure!("ex08-wait-panicked", name = call.name(), what, message)),
            Next::TimedOut | Next::Ended => {
                return Err(failure!("ex08-wait-never-woken", name = call.name(), what, secs = limit.as_secs()))
            }
        }
    }
    Ok(())
}

/// The failure of a call that should have returned (or reported) at once.
fn stuck<T>(call: &watch::Call<T>, what: &str, limit: Duration) -> Failure {
    match call.outcome(Duration::ZERO) {
        Next::Panicked(message) => failure!("ex08-stuck-panicked", name = call.name(), what, message),
        _ => failure!("ex08-stuck", name = call.name(), what, secs = limit.as_secs()),
    }
}

// ---------------------------------------------------------------------------------------------
// Misuse: a zero interval, acquiring twice
// ---------------------------------------------------------------------------------------------

/// Observes `zero-interval-panics` and `acquire-twice-panics`: Gil::with_switch_interval(ZERO)
/// panics, and a thread that acquires a GIL it already holds panics instead of waiting for
/// itself for ever.
fn misuse_panics_instead_of_hanging(_ctx: &Context) -> Verdict {
    let limit = Duration::from_secs(3);
    // First the proper uses: a panic there (a todo!() not written yet) is no refusal of misuse.
    let proper = watch::call("proper-use", || {
        let gil = Gil::with_switch_interval(Duration::from_millis(5));
        drop(gil.acquire());
        drop(gil.acquire());
        gil.switch_interval()
    });
    match proper.outcome(limit) {
        Next::Item(_) => {}
        Next::Panicked(message) => return Err(failure!("ex08-proper-use-panicked", message)),
        Next::TimedOut | Next::Ended => return Err(failure!("ex08-proper-use-stuck", secs = limit.as_secs())),
    }
    let zero = watch::call("zero-interval", || {
        let gil = Gil::with_switch_interval(Duration::ZERO);
        gil.switch_interval()
    });
    match zero.outcome(limit) {
        Next::Panicked(_) => {}
        Next::Item(interval) => {
            return Err(failure!("ex08-zero-interval-accepted", interval = format!("{interval:?}")))
        }
        Next::TimedOut | Next::Ended => return Err(failure!("ex08-zero-interval-stuck", secs = limit.as_secs())),
    }
    // Two GILs are two locks: holding one says nothing about the other.
    let two = watch::call("two-gils", || {
        let (first, second) = (Gil::new(), Gil::new());
        let _held = first.acquire();
        drop(second.acquire());
    });
    match two.outcome(limit) {
        Next::Item(()) => {}
        Next::Panicked(message) => {
            return Err(failure!("ex08-second-gil-refused", seen = text!("ex08-second-gil-panicked", message)))
        }
        Next::TimedOut | Next::Ended => {
            return Err(failure!(
                "ex08-second-gil-refused",
                seen = text!("ex08-second-gil-stuck", secs = limit.as_secs())
            ))
        }
    }
    let twice = watch::call("acquires-twice", || {
        let gil = Gil::new();
        let _first = gil.acquire();
        let _second = gil.acquire();
    });
    match twice.outcome(limit) {
        Next::Panicked(_) => Ok(()),
        Next::Item(()) => Err(failure!("ex08-acquire-twice-accepted")),
        Next::TimedOut | Next::Ended => {
            let state = if twice.is_asleep() { text!("ex08-state-asleep") } else { text!("ex08-state-running") };
            Err(failure!("ex08-acquire-twice-stuck", secs = limit.as_secs(), state))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The experiment's table
// ---------------------------------------------------------------------------------------------

/// The I/O-bound row of experiment::run as this check runs it.
const RUN_IO_THREADS: usize = 3;
const RUN_IO_N: u64 = 4;
const RUN_IO_PAUSE: Duration = Duration::from_millis(3);
/// How long `experiment::run` may take: about 1.5 s on a quiet machine (the GIL rows are the
/// longest), several times that while other processes compete for the cores.
const RUN_WATCHDOG: Duration = Duration::from_secs(20);

/// Observes `experiment-run-table` and `experiment-table-printed`: experiment::run gives the
/// three rows (CPU-bound on 2 threads without and with the GIL, I/O-bound on `io_threads`), each
/// a real measurement (the I/O-bound waits really happen; two count-downs really run serially),
/// each row's ratio is its threaded / serial time, the printed table shows every row; and, when
/// two cores are free, the row without the GIL is the faster one.
fn experiment_table(_ctx: &Context) -> Verdict {
    use ex08_gil::experiment::{self, Workload};
    // One count-down from `n` alone, best of 3: the least two of them can take serially. Its
    // CPU time, not its wall time: a crowded machine that keeps the probe waiting for a core
    // would make it look slower than the count-downs of the run, which may find a core free.
    let probe_n = 200_000u64;
    let one = (0..3)
        .map(|_| {
            let gil = Gil::disabled();
            let mut guard = gil.acquire();
            let before = pack_support::proc::own_thread_cpu();
            experiment::count_down(&mut guard, probe_n, Workload::CpuBound);
            pack_support::proc::own_thread_cpu().saturating_sub(before)
        })
        .min()
        .unwrap_or_default()
        .max(Duration::from_micros(1));
    // About 40 ms per count-down without the GIL (with it, each step also looks at the clock:
    // several times that), at least the probe's n. Not shorter: another process that takes a
    // core for a few milliseconds (its average share of the run may still be small) would
    // spoil a 10 ms overlap, and a correct table would read "no speed-up without the GIL".
    let n = ((probe_n as f64 * 0.040 / one.as_secs_f64()) as u64).clamp(probe_n, 200_000_000);
    let one = one.mul_f64(n as f64 / probe_n as f64);
    timing::decide(3, |_| {
        let load = Load::start();
        let run = watch::spawn("experiment-run", move |report| {
            report.send(experiment::run(n, RUN_IO_THREADS, RUN_IO_N, RUN_IO_PAUSE))
        });
        let table = match run.next(RUN_WATCHDOG) {
            Next::Item(table) => table,
            Next::Panicked(message) => return fatal(failure!("ex08-run-panicked", call = run_call(n), message)),
            _ => return fatal(failure!("ex08-run-stuck", call = run_call(n), secs = RUN_WATCHDOG.as_secs())),
        };
        let others = load.others();
        judge_table(&table, n, one, others)
    })
}

fn fatal(failure: Failure) -> Measurement {
    Measurement { summary: failure.observed.clone(), judgement: Judgement::Fatal(failure) }
}

/// "experiment::run(2000000, 3, 4, 3 ms)": the call as this check makes it.
fn run_call(n: u64) -> String {
    format!("experiment::run({n}, {RUN_IO_THREADS}, {RUN_IO_N}, 3 ms)")
}

fn judge_table(table: &ex08_gil::experiment::Table, n: u64, one: Duration, others: Option<f64>) -> Measurement {
    let rows = table.rows();
    let call = run_call(n);
    let listing: Vec<String> = rows
        .iter()
        .map(|(name, t)| {
            text!(
                "ex08-run-row",
                name = name.as_str(),
                threads = t.threads,
                serial = ms(t.serial),
                threaded = ms(t.threaded)
            )
        })
        .collect();
    let summary = listing.join("; ");
    let fatal = |failure: Failure| Measurement { summary: summary.clone(), judgement: Judgement::Fatal(failure) };
    if rows.len() != 3 {
        return fatal(failure!("ex08-run-row-count", call, rows = rows.len(), summary = summary.as_str()));
    }
    let threads: Vec<usize> = rows.iter().map(|(_, t)| t.threads).collect();
    if threads != [2, 2, RUN_IO_THREADS] {
        return fatal(failure!(
            "ex08-run-row-threads",
            call,
            threads = format!("{threads:?}"),
            summary = summary.as_str(),
            io_threads = RUN_IO_THREADS
        ));
    }
    for (name, t) in rows {
        let expected = t.threaded.as_secs_f64() / t.serial.as_secs_f64().max(f64::MIN_POSITIVE);
        let got = t.ratio();
        if !(got - expected).abs().le(&(1e-9 * expected.abs().max(1.0))) {
            return fatal(failure!(
                "ex08-run-ratio",
                name = name.as_str(),
                serial = ms(t.serial),
                threaded = ms(t.threaded),
                got = format!("{got}"),
                ratio = format!("{expected:.3}")
            ));
        }
    }
    let printed = table.to_string();
    for (name, t) in rows {
        let ratio = format!("{:.2}", t.ratio());
        if !printed.lines().any(|line| line.contains(name.as_str()) && line.contains(&ratio)) {
            return fatal(failure!(
                "ex08-run-not-printed",
                name = name.as_str(),
                ratio,
                printed = format!("{printed:?}")
            ));
        }
    }
    let io = &rows[2].1;
    let io_waits = RUN_IO_PAUSE * (RUN_IO_N as u32);
    if io.serial < io_waits * RUN_IO_THREADS as u32 || io.threaded < io_waits {
        return fatal(failure!(
            "ex08-run-io-too-fast",
            call,
            serial = ms(io.serial),
            threaded = ms(io.threaded),
            least_serial = ms(io_waits * RUN_IO_THREADS as u32),
            threads = RUN_IO_THREADS,
            waits = RUN_IO_N,
            least_threaded = ms(io_waits)
        ));
    }
    for (name, t) in &rows[..2] {
        if t.serial < one.mul_f64(2.0 * 0.5) {
            return fatal(failure!(
                "ex08-run-serial-too-fast",
                call,
                name = name.as_str(),
                serial = ms(t.serial),
                n,
                one = ms(one)
            ));
        }
    }
    let (free, gil) = (rows[0].1.ratio(), rows[1].1.ratio());
    let summary = text!(
        "ex08-run-summary",
        rows = summary.as_str(),
        free = format!("{free:.2}"),
        gil = format!("{gil:.2}"),
        others = others.map_or("?".into(), |o| format!("{o:.2}"))
    );
    let judgement = match others {
        Some(o) if o <= OTHERS_AT_MOST => {
            if free < 0.8 && free < gil * 0.85 {
                Judgement::Pass
            } else {
                Judgement::Fail(failure!(
                    "ex08-run-rows-swapped",
                    call,
                    others = format!("{o:.2}"),
                    first = rows[0].0.as_str(),
                    free = format!("{free:.2}"),
                    second = rows[1].0.as_str(),
                    gil = format!("{gil:.2}")
                ))
            }
        }
        Some(o) => Judgement::Unsure(text!("ex08-run-busy", others = format!("{o:.2}"))),
        None => Judgement::CannotMeasure(text!("ex08-proc-stat-unknown")),
    };
    Measurement { judgement, summary }
}

// ---------------------------------------------------------------------------------------------
// The facade
// ---------------------------------------------------------------------------------------------

/// Observes `uses-the-facade`: acquiring the GIL, a step, allow_threads and dropping the guard,
/// on one thread in the facade's recording mode, lock course_sync primitives.
fn built_on_the_facade(_ctx: &Context) -> Verdict {
    let what = text!("ex08-what-facade-probe");
    match explore::uses_facade(Duration::from_secs(3), || {
        let gil = Gil::new();
        let mut guard = gil.acquire();
        guard.step(|| ());
        guard.allow_threads(|| ());
        guard.step(|| ());
    }) {
        Ok(0) => Err(failure!("ex08-facade-no-lock", what)),
        Ok(_) => Ok(()),
        Err(Some(message)) => Err(failure!("ex08-facade-panicked", what, message)),
        Err(None) => Err(failure!("ex08-facade-stuck", what)),
    }
}

// ---------------------------------------------------------------------------------------------
// Schedule exploration
// ---------------------------------------------------------------------------------------------

/// Threads of the explored scenario, and the steps each runs (an allow_threads after the second).
const EXPLORE_THREADS: usize = 3;
const EXPLORE_STEPS: usize = 3;

/// Observes `one-thread-runs-steps`, `acquire-blocks-drop-releases`, `switches-every-interval`
/// (a hand-over always reaches the thread it is for) and `allow-threads-retakes` in every
/// interleaving shuttle tries: three threads share a GIL whose switch interval is 1 ns, so that
/// every step is a safe point that hands the GIL over whenever another thread waits. A schedule
/// in which every thread is blocked (a wake-up that went to the wrong waiter, or was lost), two
/// threads are inside a step at once, or the GIL's code panics, fails with its replay token.
fn handovers_in_explored_schedules(ctx: &Context) -> Verdict {
    // Code that bypasses the facade would block shuttle's one thread instead of being explored.
    built_on_the_facade(ctx)?;
    let description = text!("ex08-explored-scenario", threads = EXPLORE_THREADS, steps = EXPLORE_STEPS);
    // The explored threads' phrases, rendered before the exploration starts.
    explore_phrases();
    explore::explore(&explore::Exploration {
        exercise: "ex08",
        seed: 8,
        scenario: explored_handovers,
        explain: &|failure, found| {
            let doing = Doing::last();
            let message = failure.message.lines().next().unwrap_or_default();
            match failure.kind {
                course_sync::check::FailureKind::Panic if message.contains("EXCLUSION") => {
                    failure!("ex08-schedule-exclusion", description = description.as_str(), doing, found)
                }
                course_sync::check::FailureKind::Panic => {
                    failure!("ex08-schedule-panic", description = description.as_str(), message, found)
                }
                course_sync::check::FailureKind::Deadlock => {
                    failure!("ex08-schedule-deadlock", description = description.as_str(), doing, found)
                }
                course_sync::check::FailureKind::TooManySteps => {
                    failure!("ex08-schedule-too-many-steps", description = description.as_str(), found)
                }
            }
        },
        bypass: failure!("ex08-bypass-explored"),
    })
}

struct ExplorePhrases {
    acquire: String,
    step: Vec<String>,
    allow_threads: String,
    drop: String,
}

fn explore_phrases() -> &'static ExplorePhrases {
    static PHRASES: std::sync::OnceLock<ExplorePhrases> = std::sync::OnceLock::new();
    PHRASES.get_or_init(|| ExplorePhrases {
        acquire: text!("ex08-doing-acquire"),
        step: (1..=EXPLORE_STEPS).map(|step| text!("ex08-doing-step", step)).collect(),
        allow_threads: text!("ex08-doing-allow-threads"),
        drop: text!("ex08-doing-drop"),
    })
}

fn explored_handovers() {
    let doing = explore_phrases();
    Doing::reset();
    let gil = Arc::new(Gil::with_switch_interval(Duration::from_nanos(1)));
    let inside = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (1..=EXPLORE_THREADS)
        .map(|t| {
            let (gil, inside) = (gil.clone(), inside.clone());
            let who = format!("interpreter-{t}");
            course_sync::thread::Builder::new()
                .name(who.clone())
                .spawn(move || {
                    Doing::now(&who, &doing.acquire);
                    let mut guard = gil.acquire();
                    for step in 0..EXPLORE_STEPS {
                        Doing::now(&who, &doing.step[step]);
                        guard.step(|| {
                            let before = inside.fetch_add(1, Ordering::SeqCst);
                            assert!(before == 0, "EXCLUSION: two threads were inside a step at once");
                            course_sync::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                        });
                        if step == 1 {
                            Doing::now(&who, &doing.allow_threads);
                            guard.allow_threads(course_sync::thread::yield_now);
                        }
                    }
                    Doing::now(&who, &doing.drop);
                    drop(guard);
                    Doing::now(&who, "finished");
                })
                .expect("starting an explored thread")
        })
        .collect();
    for thread in threads {
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
    }
}
