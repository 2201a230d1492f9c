//! Hidden checks of ex13_generators: the student's pipeline stages and `Delay` future are driven
//! from this program and watched from inside the same process.
//!
//! - Laziness is seen through the input: the pipeline reads from a reader the check controls,
//!   which hands out one line per `read()` and counts the lines it has delivered. Each item the
//!   pipeline yields is stamped with that count, so "the first item came out after one line" is
//!   a fact about the reader, not a timing guess.
//! - Memory is seen through a counting global allocator (every byte the process holds on the
//!   heap, the student's included) while the pipeline runs on an endless input; VmRSS is
//!   reported alongside.
//! - The hand-written future is wrapped in a future that counts its polls, and run on a tokio
//!   runtime; a watchdog outside the runtime notices a future that is never woken.
//!
//! Student code runs on scenario threads (`pack_support::watch`) with watchdogs, so a hang is
//! explained rather than timed out.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::io::{self, BufRead, BufReader, Read};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use ex13_generators::{moving_average, numbers_from, running_average, Delay};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next};
use pack_support::{fail, failure, measured, proc, text, wakers, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        items_one_by_one,
        memory_flat_on_endless_input,
        future_completes_under_tokio,
        future_not_busy_polled,
        reads_only_what_an_item_needs,
        moving_average_of_zero_panics,
        delay_counts_from_new,
        delay_wakes_the_latest_waker,
        delay_never_loses_a_wake_up,
        poll_returns_at_once
    ])
}

// ---------------------------------------------------------------------------------------------
// Heap accounting
// ---------------------------------------------------------------------------------------------

/// The system allocator, counting the bytes held on the heap by the whole process.
struct Counting;

static HEAP_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            HEAP_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            HEAP_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        HEAP_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            HEAP_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn heap_bytes() -> isize {
    HEAP_BYTES.load(Ordering::Relaxed)
}

/// "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn panicked(message: &str, doing: &str) -> Failure {
    failure!("ex13-panicked", doing, message)
}

// ---------------------------------------------------------------------------------------------
// items_one_by_one
// ---------------------------------------------------------------------------------------------

/// Numeric lines fed to each pipeline, one at a time.
const LINES: usize = 20;
/// How long the check waits for an item after feeding a line before it feeds the rest anyway.
const ITEM_WAIT: Duration = Duration::from_millis(400);
/// How long the check waits for the remaining items once the whole input is fed.
const REST_WAIT: Duration = Duration::from_secs(3);

/// A reader fed by the check, one line per `read()`; it counts the lines it has handed out.
struct Feed {
    lines: mpsc::Receiver<Vec<u8>>,
    pending: Vec<u8>,
    delivered: Arc<AtomicUsize>,
    ended: Arc<AtomicBool>,
}

impl Read for Feed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            // Blocks until the check feeds the next line; the check dropping its sender is the
            // end of the input.
            match self.lines.recv() {
                Ok(line) => {
                    self.pending = line;
                    self.delivered.fetch_add(1, Ordering::SeqCst);
                }
                Err(_) => {
                    self.ended.store(true, Ordering::SeqCst);
                    return Ok(0);
                }
            }
        }
        let n = self.pending.len().min(buf.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// An item as the pipeline yielded it, with what the reader had handed out at that moment.
struct Produced {
    value: f64,
    lines_read: usize,
    input_ended: bool,
}

#[derive(Clone, Copy)]
enum Stage {
    Producer,
    Running,
    Moving,
}

impl Stage {
    fn expression(self) -> &'static str {
        match self {
            Stage::Producer => "numbers_from(reader)",
            Stage::Running => "running_average(numbers_from(reader))",
            Stage::Moving => "moving_average(numbers_from(reader), 3)",
        }
    }

    fn expected(self, inputs: &[f64]) -> Vec<f64> {
        (0..inputs.len())
            .map(|k| match self {
                Stage::Producer => inputs[k],
                Stage::Running => inputs[..=k].iter().sum::<f64>() / (k + 1) as f64,
                Stage::Moving => {
                    let from = (k + 1).saturating_sub(3);
                    inputs[from..=k].iter().sum::<f64>() / (k + 1 - from) as f64
                }
            })
            .collect()
    }
}

fn items_one_by_one(_ctx: &Context) -> Verdict {
    let inputs: Vec<f64> = (0..LINES).map(|i| ((i * 7) % 11) as f64 + 0.25).collect();
    for stage in [Stage::Producer, Stage::Running, Stage::Moving] {
        one_stage_lazily(stage, &inputs)?;
    }
    Ok(())
}

fn one_stage_lazily(stage: Stage, inputs: &[f64]) -> Verdict {
    let (feed, lines) = mpsc::channel::<Vec<u8>>();
    let delivered = Arc::new(AtomicUsize::new(0));
    let ended = Arc::new(AtomicBool::new(false));
    let reader = Feed { lines, pending: Vec::new(), delivered: delivered.clone(), ended: ended.clone() };
    let scenario = watch::spawn("pipeline", move |report| {
        let reader = BufReader::new(reader);
        let pipeline: Box<dyn Iterator<Item = f64>> = match stage {
            Stage::Producer => Box::new(numbers_from(reader)),
            Stage::Running => Box::new(running_average(numbers_from(reader))),
            Stage::Moving => Box::new(moving_average(numbers_from(reader), 3)),
        };
        // Bounded: a pipeline that yields more items than lines is cut off.
        for value in pipeline.take(LINES + 5) {
            report.send(Produced {
                value,
                lines_read: delivered.load(Ordering::SeqCst),
                input_ended: ended.load(Ordering::SeqCst),
            });
        }
    });

    // Feed one line, wait for one item; once an item is late, feed the rest without waiting.
    let mut got: Vec<Produced> = Vec::new();
    let mut waiting = true;
    for x in inputs {
        let _ = feed.send(format!("{x}\n").into_bytes());
        if waiting {
            match scenario.next(ITEM_WAIT) {
                Next::Item(p) => got.push(p),
                Next::TimedOut => waiting = false,
                Next::Panicked(message) => {
                    return Err(panicked(&message, &text!("ex13-doing-reading-from", expression = stage.expression())))
                }
                Next::Ended => break,
            }
        }
    }
    drop(feed); // The end of the input.
    loop {
        match scenario.next(REST_WAIT) {
            Next::Item(p) => got.push(p),
            Next::Ended => break,
            Next::Panicked(message) => {
                return Err(panicked(&message, &text!("ex13-doing-reading-from", expression = stage.expression())))
            }
            Next::TimedOut => {
                return Err(failure!(
                    "ex13-stage-never-ends",
                    expression = stage.expression(),
                    items = got.len(),
                    lines = LINES,
                    secs = REST_WAIT.as_secs()
                ))
            }
        }
    }
    judge_laziness(stage, &got)?;
    judge_values(stage, inputs, &got)
}

fn judge_laziness(stage: Stage, got: &[Produced]) -> Verdict {
    // Item k (counting from 1) may need line k, and one line of look-ahead at most.
    let Some((k, p)) = got.iter().enumerate().map(|(i, p)| (i + 1, p)).find(|(k, p)| p.lines_read > k + 1) else {
        return Ok(());
    };
    let read = if p.lines_read >= LINES && p.input_ended {
        text!("ex13-read-all-lines-and-end", lines = LINES)
    } else if p.lines_read >= LINES {
        text!("ex13-read-all-lines", lines = LINES)
    } else {
        text!("ex13-had-read-lines", lines = p.lines_read)
    };
    let when = if k == 1 { text!("ex13-its-first-item") } else { text!("ex13-item-k", k) };
    let culprit = match stage {
        Stage::Producer => text!("ex13-culprit-numbers-from"),
        other => text!("ex13-culprit-stage", stage = other.expression().split('(').next().unwrap_or_default()),
    };
    Err(failure!("ex13-not-lazy", read, when, expression = stage.expression(), k, culprit))
}

fn judge_values(stage: Stage, inputs: &[f64], got: &[Produced]) -> Verdict {
    let expected = stage.expected(inputs);
    let values: Vec<f64> = got.iter().map(|p| p.value).collect();
    let wrong = values.len() != expected.len() || values.iter().zip(&expected).any(|(a, b)| (a - b).abs() > 1e-9);
    if !wrong {
        return Ok(());
    }
    let show = |v: &[f64]| v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(", ");
    let first = values.iter().zip(&expected).position(|(a, b)| (a - b).abs() > 1e-9);
    let inputs_text = inputs.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ");
    let wrong = first.map(|i| format!("; {}", text!("ex13-item-is-wrong", item = i + 1))).unwrap_or_default();
    Err(fail(
        text!(
            "ex13-wrong-values",
            expression = stage.expression(),
            inputs = inputs_text,
            count = values.len(),
            values = show(&values),
            wrong
        ),
        text!("ex13-wrong-values-expected", count = expected.len(), values = show(&expected)),
        match stage {
            Stage::Producer => text!("ex13-wrong-values-producer-why"),
            Stage::Running => text!("ex13-wrong-values-running-why"),
            Stage::Moving => text!("ex13-wrong-values-moving-why"),
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// memory_flat_on_endless_input
// ---------------------------------------------------------------------------------------------

/// Items taken from the pipeline on the endless input.
const TAKE: usize = 200_000;
/// The item at which the heap is measured the first time.
const WARM_UP: usize = 1_000;
/// Where the "endless" input ends after all, to stop a pipeline that reads it all.
const INPUT_LIMIT: usize = 1_000_000;
/// How much the heap may grow between WARM_UP and TAKE (a correct pipeline: nothing).
const HEAP_GROWTH_LIMIT: isize = 256 * 1024;

/// An input that never ends (until INPUT_LIMIT): one number per `read()`, counted.
struct Endless {
    next: usize,
    delivered: Arc<AtomicUsize>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.next >= INPUT_LIMIT {
            return Ok(0);
        }
        // Written into the caller's buffer without allocating, so the heap count is the
        // pipeline's alone.
        let mut cursor = io::Cursor::new(buf);
        io::Write::write_fmt(&mut cursor, format_args!("{}\n", self.next % 1000))?;
        self.next += 1;
        self.delivered.store(self.next, Ordering::SeqCst);
        Ok(cursor.position() as usize)
    }
}

struct MemoryRun {
    items: usize,
    heap_at_warm_up: isize,
    heap_at_end: isize,
    rss_at_warm_up: Option<u64>,
    rss_at_end: Option<u64>,
    lines_read: usize,
    took: Duration,
}

fn memory_flat_on_endless_input(_ctx: &Context) -> Verdict {
    let delivered = Arc::new(AtomicUsize::new(0));
    let counter = delivered.clone();
    let pid = std::process::id();
    let scenario = watch::spawn("pipeline", move |report| {
        let started = Instant::now();
        let input = BufReader::new(Endless { next: 0, delivered: counter.clone() });
        let mut pipeline = moving_average(running_average(numbers_from(input)), 16);
        let (mut heap_at_warm_up, mut rss_at_warm_up) = (heap_bytes(), None);
        let mut items = 0;
        while items < TAKE && pipeline.next().is_some() {
            items += 1;
            if items == WARM_UP {
                heap_at_warm_up = heap_bytes();
                rss_at_warm_up = proc::status_kb(pid, "VmRSS");
            }
        }
        // Measured while the pipeline is still alive, with everything it holds.
        let heap_at_end = heap_bytes();
        report.send(MemoryRun {
            items,
            heap_at_warm_up,
            heap_at_end,
            rss_at_warm_up,
            rss_at_end: proc::status_kb(pid, "VmRSS"),
            lines_read: counter.load(Ordering::SeqCst),
            took: started.elapsed(),
        });
        drop(pipeline);
    });
    let run = match scenario.next(Duration::from_secs(15)) {
        Next::Item(run) => run,
        Next::Panicked(message) => return Err(panicked(&message, &text!("ex13-doing-endless"))),
        Next::Ended => unreachable!("the scenario always reports"),
        Next::TimedOut => {
            return Err(failure!(
                "ex13-endless-too-slow",
                take = thousands(TAKE as u64),
                lines = thousands(delivered.load(Ordering::SeqCst) as u64)
            ))
        }
    };
    let growth = run.heap_at_end - run.heap_at_warm_up;
    let rss = match (run.rss_at_warm_up, run.rss_at_end) {
        (Some(a), Some(b)) => {
            text!("ex13-rss", a, warm_up = thousands(WARM_UP as u64), b, items = thousands(run.items as u64))
        }
        _ => text!("ex13-rss-unreadable"),
    };
    measured(text!(
        "ex13-endless-measured",
        items = thousands(run.items as u64),
        took = run.took.as_millis() as u64,
        lines = thousands(run.lines_read as u64),
        growth = format!("{}{}", if growth < 0 { "-" } else { "+" }, thousands(growth.unsigned_abs() as u64)),
        warm_up = thousands(WARM_UP as u64),
        rss = &rss
    ));
    let pipeline = "moving_average(running_average(numbers_from(endless)), 16)";
    if run.lines_read > run.items + 64 {
        let all = if run.lines_read >= INPUT_LIMIT {
            format!(" {}", text!("ex13-everything-there-was", limit = thousands(INPUT_LIMIT as u64)))
        } else {
            String::new()
        };
        return Err(failure!(
            "ex13-endless-read-ahead",
            items = thousands(run.items as u64),
            pipeline,
            lines = thousands(run.lines_read as u64),
            all
        ));
    }
    if run.items < TAKE {
        return Err(failure!(
            "ex13-endless-ended",
            pipeline,
            items = thousands(run.items as u64),
            take = thousands(TAKE as u64)
        ));
    }
    if growth > HEAP_GROWTH_LIMIT {
        return Err(failure!(
            "ex13-heap-grows",
            growth_kb = growth / 1024,
            warm_up = thousands(WARM_UP as u64),
            items = thousands(run.items as u64),
            pipeline,
            per_item = format!("{:.1}", growth as f64 / (run.items - WARM_UP) as f64),
            rss,
            limit_kb = HEAP_GROWTH_LIMIT / 1024
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The hand-written future
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

/// One delay under watch: its duration, its polls, and when it completed.
#[derive(Clone)]
struct Watched {
    duration: Duration,
    polls: Arc<AtomicUsize>,
    completed_after: Arc<Mutex<Option<Duration>>>,
}

impl Watched {
    fn new(ms: u64) -> Watched {
        Watched { duration: Duration::from_millis(ms), polls: Arc::default(), completed_after: Arc::default() }
    }

    fn polls(&self) -> usize {
        self.polls.load(Ordering::SeqCst)
    }

    fn completed_after(&self) -> Option<Duration> {
        *self.completed_after.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Awaits `Delay::new(duration)` (counted) as a task of the current runtime.
    fn spawn(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        let started = Instant::now();
        let delay = Counted { inner: Box::pin(Delay::new(this.duration)), polls: this.polls.clone() };
        tokio::spawn(async move {
            delay.await;
            *this.completed_after.lock().unwrap_or_else(|e| e.into_inner()) = Some(started.elapsed());
        })
    }
}

/// Runs the delays as tasks of a current-thread runtime (one thread, as asyncio's event loop: a
/// task that is not woken is not polled, and nothing else hides it) on a scenario thread, and
/// waits at most `limit` for all of them.
fn run_delays(delays: &[Watched], limit: Duration) -> Result<(), Failure> {
    let watched = delays.to_vec();
    let scenario = watch::spawn("runtime", move |report| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        runtime.block_on(async {
            let tasks: Vec<_> = watched.iter().map(Watched::spawn).collect();
            for task in tasks {
                if let Err(e) = task.await {
                    std::panic::resume_unwind(e.into_panic());
                }
            }
        });
        report.send(());
    });
    match scenario.next(limit) {
        Next::Item(()) => Ok(()),
        Next::Panicked(message) => Err(panicked(&message, &text!("ex13-doing-awaiting"))),
        Next::Ended => unreachable!("the scenario always reports"),
        Next::TimedOut => {
            let stuck = delays.iter().find(|d| d.completed_after().is_none()).expect("a delay that did not complete");
            let ms = stuck.duration.as_millis() as u64;
            let polls = stuck.polls();
            let limit = limit.as_millis() as u64;
            Err(if polls <= 1 {
                failure!("ex13-delay-never-woken", ms, polls, limit)
            } else {
                failure!("ex13-delay-never-ready", ms, polls, limit)
            })
        }
    }
}

fn future_completes_under_tokio(_ctx: &Context) -> Verdict {
    let delays = [Watched::new(150), Watched::new(300)];
    run_delays(&delays, Duration::from_secs(3))?;
    for d in &delays {
        let after = d.completed_after().expect("every task completed");
        let (ms, after_ms) = (d.duration.as_millis() as u64, after.as_millis() as u64);
        measured(text!("ex13-delay-completed-measured", ms, after = after_ms, polls = d.polls()));
        // thread::sleep never wakes early: a delay that completes sooner never waited.
        if after < d.duration.mul_f64(0.95) {
            return Err(failure!("ex13-delay-too-early", ms, after = after_ms));
        }
    }
    Ok(())
}

/// More polls than this for one delay is a busy loop (a correct one: 2, rarely 3).
const MAX_POLLS: usize = 10;

fn future_not_busy_polled(_ctx: &Context) -> Verdict {
    let delay = Watched::new(200);
    let cpu_before = proc::cpu_time(std::process::id());
    run_delays(std::slice::from_ref(&delay), Duration::from_secs(3))?;
    let cpu = proc::cpu_time(std::process::id()).zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
    let polls = delay.polls();
    let cpu_text = cpu.map(|c| format!(", {}", text!("ex13-cpu-used", cpu = c.as_millis() as u64))).unwrap_or_default();
    measured(text!("ex13-busy-poll-measured", polls, cpu_text = &cpu_text));
    if polls > MAX_POLLS {
        return Err(failure!("ex13-busy-polled", polls = thousands(polls as u64), cpu_text, max = MAX_POLLS));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// reads_only_what_an_item_needs
// ---------------------------------------------------------------------------------------------

/// A buffered reader that offers everything it holds at once (`fill_buf` returns every line
/// left, or the error it was given after them) and counts the bytes the code consumes: a
/// generator that takes several lines per item shows here, whatever reads it uses.
struct Burst {
    data: Vec<u8>,
    consumed: Arc<AtomicUsize>,
    /// Times the code asked for data (`fill_buf`, `read`), consumed or not: a look at the input
    /// is a read too (on a pipe or a terminal it waits for the input to come).
    looks: Arc<AtomicUsize>,
    /// Fail with this error once the data is consumed, instead of ending.
    error_at_end: bool,
}

impl Read for Burst {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Burst {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.looks.fetch_add(1, Ordering::SeqCst);
        let at = self.consumed.load(Ordering::SeqCst);
        if at >= self.data.len() && self.error_at_end {
            return Err(io::Error::other("the disk went away (an error the hidden check returns on purpose)"));
        }
        Ok(&self.data[at.min(self.data.len())..])
    }

    fn consume(&mut self, amount: usize) {
        self.consumed.fetch_add(amount, Ordering::SeqCst);
    }
}

/// Promises `numbers-from-reads-nothing-at-start`, `items-one-by-one` (with a reader that
/// offers every line at once) and `numbers-from-ends-on-read-error`.
fn reads_only_what_an_item_needs(_ctx: &Context) -> Verdict {
    let lines: Vec<String> = (0..8).map(|i| format!("{}.5\n", i * 3)).collect();
    let ends: Vec<usize> = lines
        .iter()
        .scan(0, |at, l| {
            *at += l.len();
            Some(*at)
        })
        .collect();
    let text = lines.concat().into_bytes();
    let consumed = Arc::new(AtomicUsize::new(0));
    let looks = Arc::new(AtomicUsize::new(0));
    let reader = Burst { data: text.clone(), consumed: consumed.clone(), looks: looks.clone(), error_at_end: true };
    let seen = consumed.clone();
    // (bytes consumed and looks at the input when the generator was made, then per item: value
    // and bytes consumed)
    let scenario = watch::spawn("numbers_from", move |report| {
        let mut numbers = numbers_from(reader);
        // What it consumed, and how many times it looked at the input, before the first next().
        report.send((None, seen.load(Ordering::SeqCst), looks.load(Ordering::SeqCst)));
        // Bounded: eight lines and an error give eight numbers, then None.
        for _ in 0..12 {
            let item = numbers.next();
            report.send((Some(item), seen.load(Ordering::SeqCst), 0));
            if item.is_none() {
                break;
            }
        }
    });
    let lines_in = |bytes: usize| {
        ends.iter().filter(|&&end| end <= bytes).count() + usize::from(bytes > 0 && !ends.contains(&bytes))
    };
    let mut values = Vec::new();
    loop {
        match scenario.next(Duration::from_secs(3)) {
            Next::Item((None, at_start, _)) if at_start > 0 => {
                return Err(failure!("ex13-reads-at-start", at_start, lines = lines_in(at_start)));
            }
            Next::Item((None, _, looks)) if looks > 0 => return Err(failure!("ex13-looks-at-start", looks)),
            Next::Item((None, _, _)) => {}
            Next::Item((Some(Some(value)), at, _)) => {
                values.push(value);
                let k = values.len();
                if lines_in(at) > k + 1 {
                    return Err(failure!(
                        "ex13-reads-too-much",
                        total = lines.len(),
                        consumed = lines_in(at),
                        k,
                        most = k + 1
                    ));
                }
            }
            Next::Item((Some(None), _, _)) => break,
            Next::Ended => break,
            Next::Panicked(message) => {
                return Err(failure!("ex13-panicked-on-read-error", lines = lines.len(), message))
            }
            Next::TimedOut => return Err(failure!("ex13-retries-read-error", numbers = values.len())),
        }
    }
    let expected: Vec<f64> = (0..8).map(|i| (i * 3) as f64 + 0.5).collect();
    if values != expected {
        return Err(failure!(
            "ex13-wrong-numbers-before-error",
            values = format!("{values:?}"),
            expected = format!("{expected:?}")
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// moving_average_of_zero_panics
// ---------------------------------------------------------------------------------------------

/// Promise `moving-average-zero-panics`.
fn moving_average_of_zero_panics(_ctx: &Context) -> Verdict {
    // First a window that is fine: a panic there is not the answer to n = 0.
    let working = watch::spawn("moving_average", |report| {
        report.send(moving_average([1.0, 2.0, 3.0].into_iter(), 2).take(3).collect::<Vec<f64>>())
    });
    match working.next(Duration::from_secs(3)) {
        Next::Item(items) if items == [1.0, 1.5, 2.5] => {}
        Next::Item(items) => return Err(failure!("ex13-moving-average-2-wrong", items = format!("{items:?}"))),
        Next::Panicked(message) => return Err(panicked(&message, &text!("ex13-doing-moving-average-2"))),
        Next::TimedOut | Next::Ended => return Err(failure!("ex13-moving-average-2-stuck")),
    }
    let scenario = watch::spawn("moving_average", |report| {
        let mut averages = moving_average([1.0, 2.0, 3.0].into_iter(), 0);
        // The panic may come when the first item is asked for.
        report.send(averages.next());
    });
    match scenario.next(Duration::from_secs(3)) {
        Next::Panicked(_) => Ok(()),
        Next::Item(item) => Err(failure!("ex13-zero-window-no-panic", item = format!("{item:?}"))),
        Next::TimedOut | Next::Ended => Err(failure!("ex13-zero-window-stuck")),
    }
}

// ---------------------------------------------------------------------------------------------
// delay_counts_from_new and delay_wakes_the_latest_waker
// ---------------------------------------------------------------------------------------------

/// Promise `delay-timer-starts-at-new`: a delay made, then first polled after its duration,
/// is ready at once; its lateness is bounded.
fn delay_counts_from_new(_ctx: &Context) -> Verdict {
    const DURATION: Duration = Duration::from_millis(100);
    const FIRST_POLL_AFTER: Duration = Duration::from_millis(250);
    timing::decide(3, |_attempt| {
        let scenario = watch::spawn("delay", |report| {
            let started = Instant::now();
            let mut delay = Box::pin(Delay::new(DURATION));
            std::thread::sleep(FIRST_POLL_AFTER);
            let counting = wakers::Counting::new();
            let waker = counting.waker();
            let first_poll_at = started.elapsed();
            let first = wakers::poll_with(delay.as_mut(), &waker);
            // If not ready, wait for the wake-up (or give up after 2 s) and poll again.
            let mut ready_at = first.is_ready().then_some(first_poll_at);
            let deadline = Instant::now() + Duration::from_secs(2);
            while ready_at.is_none() && Instant::now() < deadline {
                if counting.woken() > 0 && wakers::poll_with(delay.as_mut(), &waker).is_ready() {
                    ready_at = Some(started.elapsed());
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            report.send((first_poll_at, ready_at));
        });
        let (first_poll_at, ready_at) = match scenario.next(Duration::from_secs(5)) {
            Next::Item(v) => v,
            other => return no_report(other, || failure!("ex13-first-poll-blocks")),
        };
        let first = first_poll_at.as_millis() as u64;
        let ready = match ready_at {
            Some(t) => text!("ex13-ready-at", ms = t.as_millis() as u64),
            None => text!("ex13-ready-never"),
        };
        let summary = text!("ex13-first-poll-summary", first, ready);
        let judgement = match ready_at {
            // Ready at the first poll: the timer ran from new().
            Some(at) if at == first_poll_at => Judgement::Pass,
            // The first poll itself came late: the machine is too busy to tell.
            _ if first_poll_at > FIRST_POLL_AFTER + DURATION => Judgement::Unsure(text!("ex13-first-poll-late", first)),
            Some(at) => Judgement::Fail(failure!(
                "ex13-delay-counts-from-first-poll",
                first,
                at = at.as_millis() as u64,
                after_first = (at - first_poll_at).as_millis() as u64
            )),
            None => Judgement::Fail(failure!("ex13-delay-never-completes", first)),
        };
        Measurement { judgement, summary }
    })
}

/// The measurement of a Delay polled by hand whose scenario did not report: it panicked, or a
/// poll never returned (`hung`).
fn no_report<T>(next: Next<T>, hung: impl FnOnce() -> Failure) -> Measurement {
    match next {
        Next::Panicked(message) => Measurement {
            judgement: Judgement::Fatal(panicked(&message, &text!("ex13-doing-polling-by-hand"))),
            summary: text!("ex13-summary-a-panic"),
        },
        _ => Measurement { judgement: Judgement::Fatal(hung()), summary: text!("ex13-summary-no-answer") },
    }
}

/// Promise `poll-never-blocks`: a 300 ms Delay polled right after Delay::new and again 50 ms
/// later (with a new waker, as after a task moved) returns Pending at once both times. A poll
/// that waits for the time to pass blocks the executor's thread and every task on it, even if
/// it then returns Ready "on time". A poll that is merely slow on a busy machine is measured
/// again.
fn poll_returns_at_once(_ctx: &Context) -> Verdict {
    const DURATION: Duration = Duration::from_millis(300);
    const AT_ONCE: Duration = Duration::from_millis(100);
    timing::decide(3, |_attempt| {
        let scenario = watch::spawn("delay", |report| {
            let made = Instant::now();
            let mut delay = Box::pin(Delay::new(DURATION));
            // Whether the poll went to sleep (blocked) rather than being descheduled by a busy
            // machine while it ran: its thread's voluntary context switches.
            let (pid, tid) = (std::process::id(), proc::current_tid());
            let sleeps = || proc::thread_sleeps(pid, tid).unwrap_or(0);
            let mut slowest = (false, Duration::ZERO, Duration::ZERO, false);
            for pause in [Duration::ZERO, Duration::from_millis(50)] {
                std::thread::sleep(pause);
                let counting = wakers::Counting::new();
                let (started, before) = (Instant::now(), sleeps());
                let poll = wakers::poll_with(delay.as_mut(), &counting.waker());
                let (took, slept) = (started.elapsed(), sleeps() > before);
                if took >= slowest.1 || poll.is_ready() {
                    slowest = (poll.is_ready(), took, made.elapsed(), slept);
                }
                if poll.is_ready() {
                    break;
                }
            }
            report.send(slowest);
        });
        let (ready, took, since_new, slept) = match scenario.next(Duration::from_secs(5)) {
            Next::Item(v) => v,
            other => return no_report(other, || failure!("ex13-poll-hangs")),
        };
        let (took, duration) = (took.as_millis() as u64, DURATION.as_millis() as u64);
        let summary = text!("ex13-poll-took", took, ready = if ready { "Ready" } else { "Pending" });
        let judgement = match ready {
            // Ready only because the poll itself slept until the time had passed.
            true if took >= AT_ONCE.as_millis() as u64 && slept => {
                Judgement::Fatal(failure!("ex13-poll-waited", took, duration))
            }
            // Slow without sleeping: descheduled by a busy machine while it ran.
            true if took >= AT_ONCE.as_millis() as u64 => {
                Judgement::Unsure(text!("ex13-poll-slow", took, at_once = AT_ONCE.as_millis() as u64))
            }
            true if since_new < DURATION => Judgement::Fatal(failure!("ex13-ready-before-its-time", took, duration)),
            // The thread stalled between new() and the poll, and the time was up.
            true => Judgement::Unsure(text!("ex13-poll-came-late", since_new = since_new.as_millis() as u64)),
            false if took > AT_ONCE.as_millis() as u64 => {
                Judgement::Unsure(text!("ex13-poll-slow", took, at_once = AT_ONCE.as_millis() as u64))
            }
            false => Judgement::Pass,
        };
        Measurement { judgement, summary }
    })
}

/// Promise `delay-stores-waker` (keep the newest): a task that moved polls with a new waker;
/// the timer must wake that one.
fn delay_wakes_the_latest_waker(_ctx: &Context) -> Verdict {
    let scenario = watch::spawn("delay", |report| {
        let mut delay = Box::pin(Delay::new(Duration::from_millis(200)));
        let (first, second) = (wakers::Counting::new(), wakers::Counting::new());
        let polled_at = Instant::now();
        let a = wakers::poll_with(delay.as_mut(), &first.waker());
        let first_poll = polled_at.elapsed();
        std::thread::sleep(Duration::from_millis(20));
        let polled_at = Instant::now();
        let b = wakers::poll_with(delay.as_mut(), &second.waker());
        let longest_poll = first_poll.max(polled_at.elapsed());
        second.wait_woken(Duration::from_secs(2));
        report.send((a.is_pending(), b.is_pending(), first.woken(), second.woken(), longest_poll));
    });
    match scenario.next(Duration::from_secs(5)) {
        // Ready because a poll itself waited for the time to pass (a poll that waits for a lock
        // the sleeping timer holds): not a Ready that came too soon.
        Next::Item((a, b, _, _, longest_poll)) if !(a && b) && longest_poll >= Duration::from_millis(100) => {
            Err(failure!("ex13-poll-waited-for-the-timer", took = longest_poll.as_millis() as u64))
        }
        Next::Item((false, _, _, _, _)) | Next::Item((_, false, _, _, _)) => Err(failure!("ex13-delay-ready-at-once")),
        Next::Item((true, true, first, 0, _)) => {
            Err(if first > 0 { failure!("ex13-delay-woke-first-waker") } else { failure!("ex13-delay-woke-no-waker") })
        }
        Next::Item(_) => Ok(()),
        Next::Panicked(message) => Err(panicked(&message, &text!("ex13-doing-two-wakers"))),
        _ => Err(failure!("ex13-poll-blocks")),
    }
}

/// How a race round between a timer and its polls ended badly.
struct LostWakeUp {
    round: usize,
    duration: Duration,
    last_pending: isize,
    latest_woken: isize,
}

/// What the race caught: a lost wake-up, or a delay that was Ready before its time.
enum Caught {
    Lost(LostWakeUp),
    /// Ready this long after Delay::new was called, less than its duration.
    Early {
        round: usize,
        duration: Duration,
        took: Duration,
    },
}

/// Promise `delay-stores-waker` (under the same lock as `done`): thousands of delays of a few
/// microseconds, each polled in a tight loop, every poll with a new waker, until it is Ready,
/// so that the timer thread finishes at every point of `poll`. Only the waker of the most
/// recent poll counts (the `Future` contract): when the last poll that returned Pending was
/// number L, the timer must wake the waker of poll L or of a later one. A poll that lets the
/// lock go between its check and storing its waker sometimes returns Pending after the timer
/// has already woken an older waker: a lost wake-up, which the rounds make show up.
///
/// The timer is the student's thread: when it acted is not known here. A round in which no
/// waker at all was woken is therefore no evidence: a correct Delay built on a channel that
/// takes the old waker out before it stores the new one (tokio's oneshot) lets the timer find
/// no waker while poll L+1 runs, and that poll is Ready. Only an older waker woken while the
/// latest Pending poll's never is (`tests/alternatives/ex13_generators/oneshot_delay`).
///
/// Also `delay-completes-after-duration` for durations under a millisecond: a Ready before the
/// duration has passed since `Delay::new` was called is early on any machine (a clock read
/// before the call and after the Ready poll can only make the delay look longer).
fn delay_never_loses_a_wake_up(_ctx: &Context) -> Verdict {
    const ROUNDS: usize = 3_000;
    const MAX_POLLS: isize = 200_000;
    const TIME_BUDGET: Duration = Duration::from_secs(4);
    const WAKE_WITHIN: Duration = Duration::from_secs(2);
    const NOTHING_WOKEN_AFTER: Duration = Duration::from_millis(100);
    let seed = pack_support::rng::seed();
    let scenario = watch::spawn("delay race", move |report| {
        let mut rng = pack_support::rng::Rng::new(seed);
        let started = Instant::now();
        let mut rounds = 0;
        while rounds < ROUNDS && started.elapsed() < TIME_BUDGET {
            rounds += 1;
            let duration = Duration::from_micros(rng.below(40));
            let family = wakers::Numbered::new();
            let made = Instant::now();
            let mut delay = Box::pin(Delay::new(duration));
            let polled = wakers::poll_tightly(delay.as_mut(), &family, MAX_POLLS);
            if matches!(polled, wakers::TightPolls::Ready { .. }) && made.elapsed() < duration {
                report.send(Err(Caught::Early { round: rounds, duration, took: made.elapsed() }));
                return;
            }
            // Still pending after MAX_POLLS: the timer thread is late; only a Pending poll
            // followed by no wake-up is a lost one.
            let last_pending = match polled {
                wakers::TightPolls::Ready { last_pending: None, .. } => continue,
                wakers::TightPolls::Ready { last_pending: Some(last), .. } => last,
                wakers::TightPolls::StillPending { polls } => polls - 1,
            };
            // Nothing at all woken after a while: the duty went over to the Ready poll (see
            // above). An older waker woken: the latest Pending poll's gets its full time.
            if !family.wait_woken_from(last_pending, NOTHING_WOKEN_AFTER) {
                if let Some(latest_woken) = family.latest_woken() {
                    if !family.wait_woken_from(last_pending, WAKE_WITHIN) {
                        report.send(Err(Caught::Lost(LostWakeUp {
                            round: rounds,
                            duration,
                            last_pending,
                            latest_woken,
                        })));
                        return;
                    }
                }
            }
        }
        report.send(Ok(rounds));
    });
    match scenario.next(TIME_BUDGET + WAKE_WITHIN * 2 + Duration::from_secs(10)) {
        Next::Item(Ok(rounds)) => {
            measured(text!("ex13-race-measured", rounds));
            Ok(())
        }
        Next::Item(Err(Caught::Early { round, duration, took })) => Err(failure!(
            "ex13-delay-early",
            round,
            us = duration.as_micros() as u64,
            took = took.as_micros() as u64,
            replay = pack_support::rng::replay_hint(seed, "ex13")
        )),
        Next::Item(Err(Caught::Lost(lost))) => Err(failure!(
            "ex13-lost-wake-up",
            round = lost.round,
            us = lost.duration.as_micros() as u64,
            poll = lost.last_pending + 1,
            secs = WAKE_WITHIN.as_secs(),
            woken = text!("ex13-woken-older", poll = lost.latest_woken + 1),
            replay = pack_support::rng::replay_hint(seed, "ex13")
        )),
        Next::Panicked(message) => Err(panicked(&message, &text!("ex13-doing-racing"))),
        _ => Err(failure!("ex13-race-stuck")),
    }
}
