//! Running student code on a thread of its own, so that a check can stop waiting for it.
//!
//! A check that calls student code which may never return (a job that never runs, a `join`
//! that never comes back) starts that code as a [`Scenario`]: a thread that reports what it
//! sees through a channel. The check then waits for each report with a watchdog
//! ([`Scenario::next`]) and fails with an explanation when the watchdog fires, well inside the
//! manifest's time limit. The stuck thread is simply abandoned: the check program exits right
//! after its verdict, which ends every thread it still has.
//!
//! Checks that exist to exercise the checker's own hang diagnosis wait with
//! [`Scenario::next_blocking`] instead, so that a hang stays a hang.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

/// What a scenario reported next.
#[derive(Debug)]
pub enum Next<T> {
    /// A report sent with [`Reporter::send`].
    Item(T),
    /// The scenario panicked (in the check's code or in student code it called).
    Panicked(String),
    /// The scenario finished and will not report anything more.
    Ended,
    /// The watchdog fired before the next report.
    TimedOut,
}

/// The sending side, handed to the scenario's closure.
pub struct Reporter<T> {
    tx: Sender<Message<T>>,
}

impl<T> Reporter<T> {
    /// Reports `item` to the check. Never fails: a check that stopped listening is gone anyway.
    pub fn send(&self, item: T) {
        let _ = self.tx.send(Message::Item(item));
    }
}

enum Message<T> {
    Item(T),
    Panicked(String),
}

/// A thread running student code, and the channel it reports through.
pub struct Scenario<T> {
    rx: Receiver<Message<T>>,
}

/// Starts `body` on a new thread named `name`. A panic in `body` is caught and reported as
/// [`Next::Panicked`] rather than ending the check program.
pub fn spawn<T, F>(name: &str, body: F) -> Scenario<T>
where
    T: Send + 'static,
    F: FnOnce(&Reporter<T>) + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let reporter = Reporter { tx };
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| body(&reporter))) {
                let _ = reporter.tx.send(Message::Panicked(panic_text(payload.as_ref())));
            }
        })
        .expect("starting a scenario thread");
    Scenario { rx }
}

impl<T> Scenario<T> {
    /// The next report, waiting at most `timeout` for it.
    pub fn next(&self, timeout: Duration) -> Next<T> {
        match self.rx.recv_timeout(timeout) {
            Ok(Message::Item(item)) => Next::Item(item),
            Ok(Message::Panicked(text)) => Next::Panicked(text),
            Err(RecvTimeoutError::Timeout) => Next::TimedOut,
            Err(RecvTimeoutError::Disconnected) => Next::Ended,
        }
    }

    /// The next report, waiting for it as long as it takes (no watchdog).
    pub fn next_blocking(&self) -> Next<T> {
        match self.rx.recv() {
            Ok(Message::Item(item)) => Next::Item(item),
            Ok(Message::Panicked(text)) => Next::Panicked(text),
            Err(_) => Next::Ended,
        }
    }
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        crate::text!("support-panic-without-message")
    }
}

/// One call of student code (a `get` that should block, a `lock` that should wait) on a thread
/// of its own whose kernel thread id is known, so that the check can watch that very thread
/// through `/proc` while the call blocks: its state, the CPU it uses, how often it wakes up.
pub struct Call<T> {
    name: String,
    tid: u32,
    rx: Receiver<Message<T>>,
}

/// Starts `f` on a new thread named `name` and returns once the thread is running. A panic in
/// `f` is caught and reported as [`Next::Panicked`].
pub fn call<T, F>(name: &str, f: F) -> Call<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let (tid_tx, tid_rx) = mpsc::channel();
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let _ = tid_tx.send(crate::proc::current_tid());
            let message = match panic::catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) => Message::Item(value),
                Err(payload) => Message::Panicked(panic_text(payload.as_ref())),
            };
            let _ = tx.send(message);
        })
        .expect("starting a thread for a call");
    let tid = tid_rx.recv().expect("the call's thread reports its id first");
    Call { name: name.to_owned(), tid, rx }
}

/// What a thread used over a stretch of time: see [`Call::usage_over`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// CPU time (user + system), in clock ticks of usually 10 ms.
    pub cpu: Duration,
    /// Times the thread went to sleep by itself (voluntary context switches).
    pub sleeps: u64,
    /// The wall time measured over.
    pub wall: Duration,
    /// How many times the thread's state was looked at during the window (0: not looked at,
    /// as for a whole process's usage).
    pub looks: usize,
    /// In how many of those looks it was runnable (`R`: running, or ready and waiting for a
    /// core). A thread that spins is runnable nearly every time, however little CPU a crowded
    /// machine gives it; a blocked one almost never.
    pub runnable: usize,
}

impl<T> Call<T> {
    /// The thread's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The thread's kernel id (its entry in `/proc/self/task`).
    pub fn tid(&self) -> u32 {
        self.tid
    }

    /// What the call returned, waiting at most `timeout`; [`Next::TimedOut`] while it still
    /// runs. Once a value (or a panic) has been taken, later calls give [`Next::Ended`].
    pub fn outcome(&self, timeout: Duration) -> Next<T> {
        match self.rx.recv_timeout(timeout) {
            Ok(Message::Item(item)) => Next::Item(item),
            Ok(Message::Panicked(text)) => Next::Panicked(text),
            Err(RecvTimeoutError::Timeout) => Next::TimedOut,
            Err(RecvTimeoutError::Disconnected) => Next::Ended,
        }
    }

    /// Whether the thread is asleep in the kernel now (state `S` or `D`): blocked on a lock,
    /// a condition variable, a sleep or I/O, rather than running.
    pub fn is_asleep(&self) -> bool {
        matches!(crate::proc::thread_state(std::process::id(), self.tid), Some('S' | 'D'))
    }

    /// The CPU time the thread used, how many times it went to sleep and how often it was
    /// runnable, over the next `window` (the caller's thread looks at it every few milliseconds
    /// and sleeps meanwhile). `None` if the thread ended.
    pub fn usage_over(&self, window: Duration) -> Option<Usage> {
        usage_over(&[self.tid], window).pop().flatten()
    }
}

/// How often [`usage_over`] looks at the threads' states.
pub const LOOK_EVERY: Duration = Duration::from_millis(5);

/// What each of the threads `tids` of this process used over the same `window`, and how often
/// each was runnable (the caller's thread looks at them every [`LOOK_EVERY`] and sleeps
/// meanwhile): `None` for a thread that ended.
pub fn usage_over(tids: &[u32], window: Duration) -> Vec<Option<Usage>> {
    let pid = std::process::id();
    let read = |tid: u32| Some((crate::proc::thread_cpu_time(pid, tid)?, crate::proc::thread_sleeps(pid, tid)?));
    let start = std::time::Instant::now();
    let before: Vec<_> = tids.iter().map(|&tid| read(tid)).collect();
    let (mut looks, mut runnable) = (0, vec![0; tids.len()]);
    loop {
        for (count, &tid) in runnable.iter_mut().zip(tids) {
            if crate::proc::thread_state(pid, tid) == Some('R') {
                *count += 1;
            }
        }
        looks += 1;
        let left = window.saturating_sub(start.elapsed());
        if left.is_zero() {
            break;
        }
        thread::sleep(left.min(LOOK_EVERY));
    }
    let after: Vec<_> = tids.iter().map(|&tid| read(tid)).collect();
    let wall = start.elapsed();
    before
        .into_iter()
        .zip(after)
        .zip(runnable)
        .map(|((b, a), runnable)| {
            let ((cpu0, sleeps0), (cpu1, sleeps1)) = (b?, a?);
            Some(Usage {
                cpu: cpu1.saturating_sub(cpu0),
                sleeps: sleeps1.saturating_sub(sleeps0),
                wall,
                looks,
                runnable,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn a_call_that_blocks_uses_nothing_and_one_that_spins_uses_cpu() {
        let gate = Arc::new(Barrier::new(2));
        let g = Arc::clone(&gate);
        let blocked = call("blocked", move || {
            g.wait();
            7
        });
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let spinning = call("spinning", move || {
            while !s.load(std::sync::atomic::Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        thread::sleep(Duration::from_millis(50));
        assert!(blocked.is_asleep());
        assert!(matches!(blocked.outcome(Duration::from_millis(10)), Next::TimedOut));
        let quiet = blocked.usage_over(Duration::from_millis(200)).unwrap();
        assert!(quiet.cpu < Duration::from_millis(50) && quiet.sleeps <= 2, "{quiet:?}");
        assert!(quiet.looks >= 5 && quiet.runnable_share().unwrap() < 0.2 && !quiet.spins(), "{quiet:?}");
        let busy = spinning.usage_over(Duration::from_millis(200)).unwrap();
        assert!(busy.cpu >= Duration::from_millis(20), "{busy:?}");
        assert!(busy.runnable_share().unwrap() > 0.5 && busy.spins(), "{busy:?}");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        gate.wait();
        assert!(matches!(blocked.outcome(Duration::from_secs(5)), Next::Item(7)));
        assert!(
            matches!(call("panics", || panic!("on purpose")).outcome(Duration::from_secs(5)), Next::Panicked(t) if t == "on purpose")
        );
    }

    /// A busy-wait on a crowded machine gets little CPU, but it is runnable whenever it is
    /// looked at: it still spins. Here the crowd is two busy threads at normal priority and the
    /// spinner at the lowest, so that on two cores it gets a few per cent of one.
    #[test]
    fn a_spinning_thread_given_little_cpu_still_spins() {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spin = |lowest: bool| {
            let s = Arc::clone(&stop);
            call("spinner", move || {
                if lowest {
                    // SAFETY: setpriority on this thread's own id (Linux gives threads their own nice).
                    unsafe { libc::setpriority(libc::PRIO_PROCESS, crate::proc::current_tid(), 19) };
                }
                while !s.load(std::sync::atomic::Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        };
        let crowd = [spin(false), spin(false)];
        let starved = spin(true);
        thread::sleep(Duration::from_millis(50));
        let usage = starved.usage_over(Duration::from_millis(300)).unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for call in crowd.iter().chain([&starved]) {
            assert!(matches!(call.outcome(Duration::from_secs(5)), Next::Item(())));
        }
        assert!(usage.runnable_share().unwrap() > 0.5, "{usage:?}");
        assert!(usage.spins(), "{usage:?}");
    }
}
