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
use pack_support::{fail, measured, proc, wakers, Context, Failure, Verdict};

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
        delay_never_loses_a_wake_up
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

fn panicked(text: &str, doing: &str) -> Failure {
    fail(
        format!("the code panicked while {doing}: {text}"),
        "no panic",
        "a panic means the code under test hit a bug (or a todo!() that is not written yet)",
    )
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
                Next::Panicked(text) => return Err(panicked(&text, &format!("reading from {}", stage.expression()))),
                Next::Ended => break,
            }
        }
    }
    drop(feed); // The end of the input.
    loop {
        match scenario.next(REST_WAIT) {
            Next::Item(p) => got.push(p),
            Next::Ended => break,
            Next::Panicked(text) => return Err(panicked(&text, &format!("reading from {}", stage.expression()))),
            Next::TimedOut => {
                return Err(fail(
                    format!(
                        "{} yielded {} items for {LINES} numeric lines, then nothing more and did not end within {} s after the end of the input",
                        stage.expression(),
                        got.len(),
                        REST_WAIT.as_secs()
                    ),
                    format!("{LINES} items, then the end (None)"),
                    "when the input ends (read_line returns Ok(0)), every stage must end too: next() returns None",
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
        format!("read all {LINES} lines (and the end of the input)")
    } else if p.lines_read >= LINES {
        format!("read all {LINES} lines")
    } else {
        format!("had read {} lines", p.lines_read)
    };
    let when = if k == 1 { "its first item".to_owned() } else { format!("item {k}") };
    let culprit = match stage {
        Stage::Producer => "numbers_from reads ahead instead of one line per next()".to_owned(),
        other => format!(
            "numbers_from alone yields item by item (checked first), so it is this stage, {}, that takes more values than it needs before yielding",
            other.expression().split('(').next().unwrap_or_default()
        ),
    };
    Err(fail(
        format!(
            "the pipeline {read} before producing {when}: the checker fed {} one line at a time and waited for an item after each line",
            stage.expression()
        ),
        format!("item {k} as soon as line {k} is read (item k after at most k + 1 lines)"),
        format!(
            "{culprit}. A generator produces each value when it is asked for: next() takes just enough input for one item and returns it. Collecting the input first (collect() into a Vec, read_to_string, lines().collect()) makes the pipeline wait for the end of the input, forever on a socket or an endless stream, and hold all of it in memory"
        ),
    ))
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
    Err(fail(
        format!(
            "{} over the lines {inputs_text} yielded {} items: [{}]{}",
            stage.expression(),
            values.len(),
            show(&values),
            first.map(|i| format!("; item {} is wrong", i + 1)).unwrap_or_default()
        ),
        format!("{} items: [{}]", expected.len(), show(&expected)),
        match stage {
            Stage::Producer => "one number per line that parses as a number (after trimming), in input order",
            Stage::Running => "item k of running_average is the average of the first k values",
            Stage::Moving => {
                "item k of moving_average(_, 3) is the average of the last 3 values up to item k (fewer at the start)"
            }
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
        Next::Panicked(text) => return Err(panicked(&text, "taking items from the pipeline on an endless input")),
        Next::Ended => unreachable!("the scenario always reports"),
        Next::TimedOut => {
            return Err(fail(
                format!(
                    "taking {} items from moving_average(running_average(numbers_from(endless)), 16) did not finish within 15 s; the endless input had handed out {} lines by then",
                    thousands(TAKE as u64),
                    thousands(delivered.load(Ordering::SeqCst) as u64)
                ),
                format!("{} items in well under a second", thousands(TAKE as u64)),
                "each item must cost a constant amount of work: a stage that recomputes over everything it has seen gets slower with every item",
            ))
        }
    };
    let growth = run.heap_at_end - run.heap_at_warm_up;
    let rss = match (run.rss_at_warm_up, run.rss_at_end) {
        (Some(a), Some(b)) => format!(
            "VmRSS {a} kB at item {} and {b} kB at item {}",
            thousands(WARM_UP as u64),
            thousands(run.items as u64)
        ),
        _ => "VmRSS not readable".to_owned(),
    };
    measured(format!(
        "{} items from an endless input in {} ms: {} lines read, heap {}{} bytes between item {} and the last, {rss}",
        thousands(run.items as u64),
        run.took.as_millis(),
        thousands(run.lines_read as u64),
        if growth < 0 { "-" } else { "+" },
        thousands(growth.unsigned_abs() as u64),
        thousands(WARM_UP as u64)
    ));
    let pipeline = "moving_average(running_average(numbers_from(endless)), 16)";
    if run.lines_read > run.items + 64 {
        let all = if run.lines_read >= INPUT_LIMIT {
            format!(
                " — everything there was: the checker's endless input ends after {} lines only to stop a pipeline that would otherwise read forever and fill the memory",
                thousands(INPUT_LIMIT as u64)
            )
        } else {
            String::new()
        };
        return Err(fail(
            format!(
                "to produce {} items, {pipeline} asked the endless input for {} lines{all}",
                thousands(run.items as u64),
                thousands(run.lines_read as u64)
            ),
            format!("about one line per item: {} lines", thousands(run.items as u64)),
            "a stage read its whole input before yielding: on an endless input (a socket, a log being written) it never yields at all and its memory grows until the process dies. Each next() must take only what one item needs",
        ));
    }
    if run.items < TAKE {
        return Err(fail(
            format!("{pipeline} ended after {} items on an input that does not end", thousands(run.items as u64)),
            format!("{} items (the checker stopped asking there)", thousands(TAKE as u64)),
            "a stage must keep yielding as long as the stage before it does",
        ));
    }
    if growth > HEAP_GROWTH_LIMIT {
        return Err(fail(
            format!(
                "the heap grew by {} KB between item {} and item {} of {pipeline} (about {:.1} bytes per item; {rss})",
                growth / 1024,
                thousands(WARM_UP as u64),
                thousands(run.items as u64),
                growth as f64 / (run.items - WARM_UP) as f64
            ),
            format!("flat memory: at most {} KB of growth, whatever the number of items", HEAP_GROWTH_LIMIT / 1024),
            "a stage keeps every value it has seen (a Vec that only grows, then a slice of its last n values): on an endless input that is a memory leak. A moving average needs only its window: a VecDeque of at most n values (pop_front when it is full, then push_back)",
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
        Next::Panicked(text) => Err(panicked(&text, "awaiting Delay futures on a tokio runtime")),
        Next::Ended => unreachable!("the scenario always reports"),
        Next::TimedOut => {
            let stuck = delays.iter().find(|d| d.completed_after().is_none()).expect("a delay that did not complete");
            let ms = stuck.duration.as_millis();
            let polls = stuck.polls();
            Err(if polls <= 1 {
                fail(
                    format!(
                        "Delay::new({ms} ms) awaited on a tokio runtime returned Pending without arranging a wake-up: it was polled {polls} time{}, then never again, and had not completed {} ms later",
                        if polls == 1 { "" } else { "s" },
                        limit.as_millis()
                    ),
                    format!("completes about {ms} ms after it starts"),
                    "an executor polls a task again only when its waker is called. Before returning Poll::Pending, store cx.waker().clone() where the timer thread will find it (in the state you share with it, under the same lock as the done flag), and have the timer thread call waker.wake() after setting done",
                )
            } else {
                fail(
                    format!(
                        "Delay::new({ms} ms) was polled {polls} times on a tokio runtime but had not returned Ready {} ms later",
                        limit.as_millis()
                    ),
                    format!("Poll::Ready(()) once {ms} ms have passed"),
                    "poll must return Poll::Ready(()) when the timer thread has marked the delay done: check the shared done flag on every poll",
                )
            })
        }
    }
}

fn future_completes_under_tokio(_ctx: &Context) -> Verdict {
    let delays = [Watched::new(150), Watched::new(300)];
    run_delays(&delays, Duration::from_secs(3))?;
    for d in &delays {
        let after = d.completed_after().expect("every task completed");
        measured(format!(
            "Delay::new({} ms) completed after {} ms, {} polls",
            d.duration.as_millis(),
            after.as_millis(),
            d.polls()
        ));
        // thread::sleep never wakes early: a delay that completes sooner never waited.
        if after < d.duration.mul_f64(0.95) {
            return Err(fail(
                format!(
                    "Delay::new({} ms) completed after {} ms",
                    d.duration.as_millis(),
                    after.as_millis()
                ),
                format!("completes {} ms (or a little more) after Delay::new", d.duration.as_millis()),
                "poll must return Poll::Pending until the timer thread has marked the delay done; Ready before that is a delay that does not wait",
            ));
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
    let cpu_text =
        cpu.map(|c| format!(", and the process used {} ms of CPU time meanwhile", c.as_millis())).unwrap_or_default();
    measured(format!("Delay::new(200 ms): {polls} polls{cpu_text}"));
    if polls > MAX_POLLS {
        return Err(fail(
            format!(
                "Delay::new(200 ms) was polled {} times before it completed{cpu_text}",
                thousands(polls as u64)
            ),
            format!("a handful of polls (at most {MAX_POLLS}): once at the start, once after the timer wakes the task"),
            "poll returned Pending and woke its own task at once (cx.waker().wake_by_ref() on every Pending), so the executor polled it again immediately, in a busy loop that keeps a CPU at 100% for the whole delay. Store the waker instead, and let the timer thread call it when the time is up",
        ));
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
    let reader = Burst { data: text.clone(), consumed: consumed.clone(), error_at_end: true };
    let seen = consumed.clone();
    // (lines consumed when the generator was made, then per item: value and bytes consumed)
    let scenario = watch::spawn("numbers_from", move |report| {
        let mut numbers = numbers_from(reader);
        report.send((None, seen.load(Ordering::SeqCst)));
        // Bounded: eight lines and an error give eight numbers, then None.
        for _ in 0..12 {
            let item = numbers.next();
            report.send((Some(item), seen.load(Ordering::SeqCst)));
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
            Next::Item((None, at_start)) => {
                if at_start > 0 {
                    return Err(fail(
                        format!("numbers_from(reader) consumed {at_start} bytes of the input ({} lines) before the first next()", lines_in(at_start)),
                        "nothing read when the generator is made: reading happens in next()",
                        "a generator starts working when it is asked for an item: numbers_from only keeps the reader, and next() reads the line it needs",
                    ));
                }
            }
            Next::Item((Some(Some(value)), at)) => {
                values.push(value);
                let k = values.len();
                if lines_in(at) > k + 1 {
                    return Err(fail(
                        format!(
                            "with a reader that offers all its {} lines at once (fill_buf returns them together), numbers_from had consumed {} lines when it yielded item {k}",
                            lines.len(),
                            lines_in(at)
                        ),
                        format!("item {k} after at most {} lines consumed: one line per item (and one line of look-ahead at most)", k + 1),
                        "numbers_from takes more of the input than one item needs: perhaps it consumes the whole buffer fill_buf offers, or reads with read() into a large buffer and splits the lines itself. Read one line per next() (read_line, or lines().next()) and leave the rest in the reader",
                    ));
                }
            }
            Next::Item((Some(None), _)) => break,
            Next::Ended => break,
            Next::Panicked(text) => {
                return Err(fail(
                    format!("numbers_from panicked when its reader failed after {} lines, or before: {text}", lines.len()),
                    format!("the {} numbers, then None", lines.len()),
                    "a read error ends the input: next() returns None (an error is not a panic)",
                ))
            }
            Next::TimedOut => {
                return Err(fail(
                    format!(
                        "after {} numbers, the reader failed with an error at every read, and next() did not return within 3 s",
                        values.len()
                    ),
                    "None: a read error ends the input",
                    "next() seems to retry the failing read for ever (perhaps it skips errors as it skips lines that are not numbers): an Err from read_line must end the iteration",
                ))
            }
        }
    }
    let expected: Vec<f64> = (0..8).map(|i| (i * 3) as f64 + 0.5).collect();
    if values != expected {
        return Err(fail(
            format!("over the lines 0.5 3.5 ... 21.5 followed by a read error, numbers_from yielded {values:?}"),
            format!("{expected:?}, then None"),
            "one number per line, in order; a read error after the last line ends the input",
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
        Next::Item(items) => {
            return Err(fail(
                format!("moving_average([1, 2, 3], 2) yielded {items:?}"),
                "[1.0, 1.5, 2.5]",
                "item k is the average of the last 2 values up to item k (fewer at the start)",
            ))
        }
        Next::Panicked(text) => return Err(panicked(&text, "taking three items of moving_average([1, 2, 3], 2)")),
        Next::TimedOut | Next::Ended => {
            return Err(fail(
                "moving_average([1, 2, 3], 2) did not yield its three items within 3 s",
                "[1.0, 1.5, 2.5]",
                "each next() takes one value from the stage before and returns at once",
            ))
        }
    }
    let scenario = watch::spawn("moving_average", |report| {
        let mut averages = moving_average([1.0, 2.0, 3.0].into_iter(), 0);
        // The panic may come when the first item is asked for.
        report.send(averages.next());
    });
    match scenario.next(Duration::from_secs(3)) {
        Next::Panicked(_) => Ok(()),
        Next::Item(item) => Err(fail(
            format!("moving_average(numbers, 0) did not panic, and its first item was {item:?}"),
            "a panic: there is no average of the last 0 values",
            "check n at the start of moving_average (assert!(n > 0, ...)): averaging over a window of 0 values divides by zero (NaN) or yields nothing, and neither is an answer",
        )),
        Next::TimedOut | Next::Ended => Err(fail(
            "moving_average(numbers, 0) neither panicked nor yielded its first item within 3 s",
            "a panic: there is no average of the last 0 values",
            "check n at the start of moving_average (assert!(n > 0, ...))",
        )),
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
            Next::Panicked(text) => {
                return Measurement {
                    judgement: Judgement::Fatal(panicked(&text, "polling a Delay by hand")),
                    summary: "a panic".into(),
                }
            }
            _ => {
                return Measurement {
                    judgement: Judgement::Fatal(fail(
                        "polling Delay::new(100 ms) by hand, 250 ms after it was made, did not return within 5 s",
                        "poll returns at once",
                        "poll must never block: it checks the shared state and returns Ready or Pending",
                    )),
                    summary: "no answer".into(),
                }
            }
        };
        let summary = format!(
            "first poll {} ms after Delay::new(100 ms); ready {}",
            first_poll_at.as_millis(),
            ready_at.map(|t| format!("at {} ms", t.as_millis())).unwrap_or_else(|| "never (2 s)".into())
        );
        let judgement = match ready_at {
            // Ready at the first poll: the timer ran from new().
            Some(at) if at == first_poll_at => Judgement::Pass,
            // The first poll itself came late: the machine is too busy to tell.
            _ if first_poll_at > FIRST_POLL_AFTER + DURATION => Judgement::Unsure(format!(
                "the first poll came {} ms after new() instead of 250 ms",
                first_poll_at.as_millis()
            )),
            Some(at) => Judgement::Fail(fail(
                format!(
                    "Delay::new(100 ms) was made, first polled {} ms later, and was not ready then: it completed {} ms after new(), {} ms after that first poll",
                    first_poll_at.as_millis(),
                    at.as_millis(),
                    (at - first_poll_at).as_millis()
                ),
                "Ready at the first poll: 100 ms had passed since Delay::new",
                "the delay counts from its first poll, not from Delay::new. Perhaps the timer thread is started in poll(), or the deadline is computed there: start the timer (or fix the deadline) in new()",
            )),
            None => Judgement::Fail(fail(
                format!(
                    "Delay::new(100 ms) was made, first polled {} ms later, and was not ready then, nor within 2 s after",
                    first_poll_at.as_millis()
                ),
                "Ready at the first poll: 100 ms had passed since Delay::new",
                "the delay did not complete at all when its first poll came after its duration: perhaps the timer starts only at the first poll and never wakes the waker given then, or the delay waits for something else",
            )),
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
        let a = wakers::poll_with(delay.as_mut(), &first.waker());
        std::thread::sleep(Duration::from_millis(20));
        let b = wakers::poll_with(delay.as_mut(), &second.waker());
        second.wait_woken(Duration::from_secs(2));
        report.send((a.is_pending(), b.is_pending(), first.woken(), second.woken()));
    });
    match scenario.next(Duration::from_secs(5)) {
        Next::Item((false, _, _, _)) | Next::Item((_, false, _, _)) => Err(fail(
            "Delay::new(200 ms) returned Ready when polled at once",
            "Pending until 200 ms have passed",
            "poll must return Pending until the timer thread marks the delay done",
        )),
        Next::Item((true, true, first, 0)) => Err(fail(
            format!(
                "Delay::new(200 ms) was polled with a waker, then 20 ms later with another one (as when the task moves to another thread of the executor); after 2 s the second waker had not been woken{}",
                if first > 0 { " (the first one had)" } else { ", nor the first" }
            ),
            "the waker of the latest poll is woken when the time is up",
            "the future keeps the first waker it was given. An executor may poll a task with a different waker each time; store cx.waker().clone() on every Pending poll (or replace it unless the stored one will_wake() the new one), so the timer wakes the task where it is now",
        )),
        Next::Item(_) => Ok(()),
        Next::Panicked(text) => Err(panicked(&text, "polling a Delay by hand with two wakers")),
        _ => Err(fail(
            "polling Delay::new(200 ms) by hand did not return within 5 s",
            "poll returns at once",
            "poll must never block: it checks the shared state and returns Ready or Pending",
        )),
    }
}

/// How a race round between a timer and its polls ended badly.
struct LostWakeUp {
    round: usize,
    duration: Duration,
    last_pending: isize,
    latest_woken: isize,
}

/// Promise `delay-stores-waker` (under the same lock as `done`): thousands of delays of a few
/// microseconds, each polled in a tight loop, every poll with a new waker, until it is Ready,
/// so that the timer thread finishes at every point of `poll`. Only the waker of the most
/// recent poll counts (the `Future` contract): when the last poll that returned Pending was
/// number L, the timer must wake the waker of poll L or of a later one. A poll that lets the
/// lock go between its check and storing its waker sometimes returns Pending after the timer
/// has already woken an older waker: a lost wake-up, which the rounds make show up.
fn delay_never_loses_a_wake_up(_ctx: &Context) -> Verdict {
    const ROUNDS: usize = 3_000;
    const MAX_POLLS: isize = 200_000;
    const TIME_BUDGET: Duration = Duration::from_secs(4);
    const WAKE_WITHIN: Duration = Duration::from_secs(2);
    let seed = pack_support::rng::seed();
    let scenario = watch::spawn("delay race", move |report| {
        let mut rng = pack_support::rng::Rng::new(seed);
        let started = Instant::now();
        let mut rounds = 0;
        while rounds < ROUNDS && started.elapsed() < TIME_BUDGET {
            rounds += 1;
            let duration = Duration::from_micros(rng.below(40));
            let family = wakers::Numbered::new();
            let mut delay = Box::pin(Delay::new(duration));
            // Still pending after MAX_POLLS: the timer thread is late; only a Pending poll
            // followed by no wake-up is a lost one.
            let last_pending = match wakers::poll_tightly(delay.as_mut(), &family, MAX_POLLS) {
                wakers::TightPolls::Ready { last_pending: None, .. } => continue,
                wakers::TightPolls::Ready { last_pending: Some(last), .. } => last,
                wakers::TightPolls::StillPending { polls } => polls - 1,
            };
            if !family.wait_woken_from(last_pending, WAKE_WITHIN) {
                let latest_woken = family.latest_woken().unwrap_or(-1);
                report.send(Err(LostWakeUp { round: rounds, duration, last_pending, latest_woken }));
                return;
            }
        }
        report.send(Ok(rounds));
    });
    match scenario.next(TIME_BUDGET + WAKE_WITHIN * 2 + Duration::from_secs(10)) {
        Next::Item(Ok(rounds)) => {
            measured(format!(
                "{rounds} delays of 0-40 us, each polled until ready with a new waker every time: the latest Pending poll's waker (or a later one) was woken every time"
            ));
            Ok(())
        }
        Next::Item(Err(lost)) => Err(fail(
            format!(
                "in round {} of a race between timers and polls, Delay::new({} us) was polled again and again, each time with a new waker; poll number {} returned Pending, yet {} s later the only waker woken was {}; {}",
                lost.round,
                lost.duration.as_micros(),
                lost.last_pending + 1,
                WAKE_WITHIN.as_secs(),
                if lost.latest_woken < 0 {
                    "none at all".to_owned()
                } else {
                    format!("that of poll number {}, an older one", lost.latest_woken + 1)
                },
                pack_support::rng::replay_hint(seed, "ex13"),
            ),
            "the waker of the latest poll that returned Pending (or of a later poll) is woken when the time is up",
            "a lost wake-up: poll looked at `done` and let the lock go; the timer thread then set `done` and woke the waker it found (an older one, or none); only then did poll store its own waker and return Pending, and nobody will wake that one. Check `done` and store the waker in one critical section, under the lock the timer thread sets `done` and takes the waker under",
        )),
        Next::Panicked(text) => Err(panicked(&text, "racing short delays against polls")),
        _ => Err(fail(
            "racing short delays against polls did not finish in time",
            "each poll returns at once and each delay is ready within microseconds of its duration",
            "poll must never block, and Delay::new must return at once (the timer runs on its own thread)",
        )),
    }
}
