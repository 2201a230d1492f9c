//! CPU accounting of waits: what the code under test burns while nothing is ready.
//!
//! Every waiting path a promise says blocks (a `get` on an empty queue, `as_completed` while no
//! job has finished, a server with no request) is judged the same way: over a window of wall
//! time, the CPU the whole process used and how often its threads woke up by themselves. A
//! blocked thread uses no CPU and does not wake; a busy-wait burns a core (a third of one at
//! least, even when two other busy loops share the machine); a sleep-poll (`sleep(1 ms)` and
//! look again) wakes hundreds of times a second. Both figures are ratios to the window, so a
//! loaded machine never makes correct code look busy.

use std::time::{Duration, Instant};

use crate::watch::Usage;

/// CPU time this whole process has used so far (every thread, user + system).
pub fn process_cpu() -> Duration {
    crate::proc::cpu_time(std::process::id()).unwrap_or_default()
}

/// Voluntary context switches of every thread of this process but the caller's.
fn others_sleeps(me: u32) -> u64 {
    let pid = std::process::id();
    crate::proc::threads(pid)
        .unwrap_or_default()
        .into_iter()
        .filter(|&tid| tid != me)
        .filter_map(|tid| crate::proc::thread_sleeps(pid, tid))
        .sum()
}

/// What the whole process (every thread but the caller's) used over the next `window`, while
/// the caller sleeps. Threads that end meanwhile take their wake-ups with them, so `sleeps` is
/// a lower bound; `cpu` is exact.
pub fn process_usage_over(window: Duration) -> Usage {
    let me = crate::proc::current_tid();
    let start = Instant::now();
    let (cpu0, sleeps0) = (process_cpu(), others_sleeps(me));
    std::thread::sleep(window);
    let (cpu1, sleeps1) = (process_cpu(), others_sleeps(me));
    Usage::of_process(cpu1.saturating_sub(cpu0), sleeps1.saturating_sub(sleeps0), start.elapsed())
}

impl Usage {
    /// The usage of a whole process (or a group of threads): CPU and wake-ups only, no thread's
    /// state looked at.
    pub fn of_process(cpu: Duration, sleeps: u64, wall: Duration) -> Usage {
        Usage { cpu, sleeps, wall, looks: 0, runnable: 0 }
    }

    /// The share of looks in which the thread was runnable; `None` if it was not looked at.
    pub fn runnable_share(&self) -> Option<f64> {
        (self.looks > 0).then(|| self.runnable as f64 / self.looks as f64)
    }

    /// The CPU used as a fraction of one core over the window.
    pub fn core_fraction(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }

    /// Wake-ups per second of wall time.
    pub fn wakeups_per_second(&self) -> f64 {
        self.sleeps as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Whether the window shows a busy-wait: a quarter of a core or more, or a thread found
    /// runnable at most looks (which holds however little CPU a crowded machine gives it).
    pub fn spins(&self) -> bool {
        self.busy(0.25)
    }

    /// Whether the thread kept running while it should have slept: `fraction` of a core or
    /// more, or runnable at more than half the looks.
    pub fn busy(&self, fraction: f64) -> bool {
        self.core_fraction() >= fraction || self.runnable_share().is_some_and(|share| share > 0.5)
    }

    /// Whether the window shows a sleep-poll: more than `per_second` wake-ups a second.
    pub fn polls(&self, per_second: f64) -> bool {
        self.wakeups_per_second() > per_second
    }

    /// "used 480 ms of CPU in 502 ms (96 % of a core) and woke up 3 times", and, for a thread
    /// looked at, ", and was runnable (not asleep) at 98 % of 100 looks".
    pub fn describe(&self) -> String {
        let usage = crate::text!(
            "support-usage",
            cpu_ms = self.cpu.as_millis() as u64,
            wall_ms = self.wall.as_millis() as u64,
            percent = format!("{:.0}", self.core_fraction() * 100.0),
            sleeps = self.sleeps
        );
        match self.runnable_share() {
            Some(share) => crate::text!(
                "support-usage-runnable",
                usage,
                percent = format!("{:.0}", share * 100.0),
                looks = self.looks
            ),
            None => usage,
        }
    }
}

/// The share of `samples` looks, one every `every`, in which thread `tid` of process `pid` was
/// runnable (`R`: running or waiting for a core) rather than asleep. A thread that spins, even
/// with `yield_now`, is runnable nearly every time however little CPU a crowded machine gives
/// it; a blocked one almost never. `None` if the thread is gone.
pub fn runnable_share(pid: u32, tid: u32, samples: usize, every: Duration) -> Option<f64> {
    let mut runnable = 0usize;
    for _ in 0..samples.max(1) {
        if crate::proc::thread_state(pid, tid)? == 'R' {
            runnable += 1;
        }
        std::thread::sleep(every);
    }
    Some(runnable as f64 / samples.max(1) as f64)
}

/// More separate moments of wake-up a second than this, with nothing to do, is a loop that sleeps
/// and looks again (a poll, a read or a tokio timer with a timeout). Moments, not wake-ups: a
/// runtime may wake one thread or three for the same timer, and ten threads whose timeouts were
/// set together wake together. Over [`IDLE_WINDOW`] a loop that wakes every 500 ms (or more
/// often) shows at least 5 moments (1.67 a second), one that wakes every second at most 4
/// (1.33): the usual timeouts are each judged one way, whatever the load.
pub const IDLE_MOMENTS_PER_SECOND: f64 = 1.5;

/// How long an idle server is watched (at least; the last look may end a little later).
pub const IDLE_WINDOW: Duration = Duration::from_secs(3);

/// What another process (a student's server) did while it had nothing to do: see [`idle_over`].
#[derive(Debug, Clone, Copy)]
pub struct Idle {
    /// CPU of the whole process, and wake-ups of every thread, over the looks.
    pub usage: Usage,
    /// The largest share of looks in which one of its threads was runnable.
    pub runnable: f64,
    /// How many looks were taken.
    pub looks: usize,
    /// Between how many pairs of successive looks some thread woke up: wake-ups of several
    /// threads at once (a runtime handing a task over) count once.
    pub moments: usize,
}

impl Idle {
    /// A loop that keeps running while nothing happens: a quarter of a core, or a thread found
    /// runnable at most looks (which holds however little CPU a crowded machine gives it).
    pub fn spins(&self) -> bool {
        self.usage.spins() || self.runnable > 0.5
    }

    /// A loop that sleeps briefly and looks again: more than [`IDLE_MOMENTS_PER_SECOND`].
    pub fn polls(&self) -> bool {
        self.moments as f64 / self.usage.wall.as_secs_f64().max(1e-3) > IDLE_MOMENTS_PER_SECOND
    }

    /// "used 0 ms of CPU in 2512 ms (0 % of a core) and woke up 2 times, at 1 separate moment,
    /// and its busiest thread was runnable (not asleep) at 0 % of 480 looks".
    pub fn describe(&self) -> String {
        crate::text!(
            "support-idle",
            usage = self.usage.describe(),
            moments = self.moments,
            percent = format!("{:.0}", self.runnable * 100.0),
            looks = self.looks
        )
    }
}

/// Watches process `pid` (every thread but the caller's) for `window` at least, with a look
/// every `every`: its CPU, its threads' wake-ups and the separate moments they happened at, and
/// how often each thread was runnable. `None` if the process is gone.
pub fn idle_over(pid: u32, window: Duration, every: Duration) -> Option<Idle> {
    use std::collections::HashMap;
    let me = (pid == std::process::id()).then(crate::proc::current_tid);
    let tids = || -> Vec<u32> {
        crate::proc::threads(pid).unwrap_or_default().into_iter().filter(|&t| Some(t) != me).collect()
    };
    let start = Instant::now();
    let cpu0 = crate::proc::cpu_time(pid)?;
    let mut sleeps: HashMap<u32, u64> =
        tids().into_iter().filter_map(|t| Some((t, crate::proc::thread_sleeps(pid, t)?))).collect();
    let (mut woke, mut moments, mut looks) = (0u64, 0usize, 0usize);
    let mut runnable: HashMap<u32, usize> = HashMap::new();
    while looks == 0 || start.elapsed() < window {
        std::thread::sleep(every);
        looks += 1;
        let mut now = HashMap::new();
        for tid in tids() {
            if crate::proc::thread_state(pid, tid) == Some('R') {
                *runnable.entry(tid).or_default() += 1;
            }
            if let Some(n) = crate::proc::thread_sleeps(pid, tid) {
                now.insert(tid, n);
            }
        }
        // A thread seen for the first time brings no wake-up of its own yet; threads that ended
        // take theirs with them: a lower bound.
        let grew: u64 = now.iter().map(|(t, n)| n.saturating_sub(sleeps.get(t).copied().unwrap_or(*n))).sum();
        woke += grew;
        moments += usize::from(grew > 0);
        sleeps = now;
    }
    let cpu1 = crate::proc::cpu_time(pid)?;
    let most = runnable.values().copied().max().unwrap_or(0);
    Some(Idle {
        usage: Usage::of_process(cpu1.saturating_sub(cpu0), woke, start.elapsed()),
        runnable: most as f64 / looks as f64,
        looks,
        moments,
    })
}

/// How often an idle server may wake up, by what its exercise asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleWakeUps {
    /// At most about once a second ([`IDLE_MOMENTS_PER_SECOND`]): an exercise that allows
    /// timers (a runtime's, a read timeout) but no polling.
    AboutOnceASecond,
    /// Not again and again: the exercise says to wait with no timeout at all. More than one
    /// moment in the window is a timer (one is let pass: a stray wake-up, the window's edge).
    NoTimer,
}

/// The shared judgement of a server with clients connected and nothing to do: watched for
/// [`IDLE_WINDOW`], it must use about no CPU and wake up no more than `wake_ups` allows.
/// `situation` says what the clients are doing ("with 9 clients connected and nothing to send
/// or receive"); `spins` and `polls` are the exercise's explanations of each wrong loop. The
/// figures are reported.
pub fn idle_server(
    server: &crate::net::Server,
    wake_ups: IdleWakeUps,
    situation: &str,
    spins: &str,
    polls: &str,
) -> crate::Verdict {
    let Some(idle) = idle_over(server.pid(), IDLE_WINDOW, Duration::from_millis(5)) else {
        let exit = server.describe_exit().unwrap_or_else(|| crate::text!("support-idle-it-was-gone"));
        return Err(crate::failure!("support-idle-gone", exit));
    };
    let seen = idle.describe();
    crate::measured(crate::text!("support-idle-measured", situation, seen = &seen));
    let polls_too_often = match wake_ups {
        IdleWakeUps::AboutOnceASecond => idle.polls(),
        IdleWakeUps::NoTimer => idle.moments > 1,
    };
    if idle.spins() || polls_too_often {
        let why = if idle.spins() { spins } else { polls };
        return Err(match wake_ups {
            IdleWakeUps::AboutOnceASecond => crate::failure!("support-idle-busy", situation, seen, why),
            IdleWakeUps::NoTimer => crate::failure!("support-idle-busy-no-timer", situation, seen, why),
        });
    }
    Ok(())
}

/// The CPU time the whole process uses from now on, to tell, when a wait ends badly, a
/// busy-wait (a core burned the whole time) from a block (no CPU at all).
pub struct CpuWatch {
    cpu: Duration,
    wall: Instant,
}

impl CpuWatch {
    pub fn start() -> CpuWatch {
        CpuWatch { cpu: process_cpu(), wall: Instant::now() }
    }

    /// CPU used since start, and wall time since start.
    pub fn used(&self) -> (Duration, Duration) {
        (process_cpu().saturating_sub(self.cpu), self.wall.elapsed())
    }

    /// Whether the process kept at least half a core busy since start.
    pub fn busy(&self) -> bool {
        let (cpu, wall) = self.used();
        cpu * 2 >= wall
    }

    /// ", and meanwhile the process used 4990 ms of CPU in 5002 ms (a thread spinning)" when
    /// busy, else "".
    pub fn note(&self) -> String {
        let (cpu, wall) = self.used();
        if self.busy() {
            crate::text!("support-cpu-note", cpu_ms = cpu.as_millis() as u64, wall_ms = wall.as_millis() as u64)
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_spinning_thread_spins_a_sleep_poller_polls_and_a_blocked_one_does_neither() {
        let stop = Arc::new(AtomicBool::new(false));
        // (Whether a quiet process looks quiet is not asserted here: the other tests of this
        // binary run in the same process meanwhile. `watch`'s tests judge a single thread.)
        let s = Arc::clone(&stop);
        let poller = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let polling = process_usage_over(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        poller.join().unwrap();
        assert!(polling.polls(50.0), "{}", polling.describe());

        stop.store(false, Ordering::Relaxed);
        let s = Arc::clone(&stop);
        let spinner = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        let watch = CpuWatch::start();
        let spinning = process_usage_over(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
        // However loaded the machine, a spinner gets a fair share of a core in 300 ms.
        assert!(spinning.cpu > Duration::ZERO, "{}", spinning.describe());
        assert!(watch.used().0 >= spinning.cpu);
        // The caller is awake when it looks at itself; a sleeping thread is not.
        let me = crate::proc::current_tid();
        assert_eq!(runnable_share(std::process::id(), me, 3, Duration::from_millis(1)), Some(1.0));
    }

    #[test]
    fn another_process_asleep_is_idle() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().expect("sleep runs");
        let idle = idle_over(child.id(), IDLE_WINDOW, Duration::from_millis(5)).expect("it runs");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!idle.spins() && !idle.polls(), "{}", idle.describe());
        assert!(idle.looks >= 100, "{}", idle.looks);
        // (A child that has just started may still be settling in: one wake-up.)
        assert!(idle.moments <= 1, "{}", idle.describe());
        assert!(
            idle_over(child.id(), Duration::from_millis(2), Duration::from_millis(1)).is_none(),
            "a reaped process is gone"
        );
    }

    #[test]
    fn a_loop_that_wakes_every_100_ms_polls_and_one_that_wakes_every_second_does_not() {
        // A shell that sleeps in a loop wakes (in wait4) each time its `sleep` child ends.
        let looping = |period: &str| {
            std::process::Command::new("sh")
                .args(["-c", &format!("while :; do sleep {period}; done")])
                .spawn()
                .expect("sh runs")
        };
        let (mut fast, mut slow) = (looping("0.1"), looping("1"));
        let (fast_id, slow_id) = (fast.id(), slow.id());
        let watch_slow = std::thread::spawn(move || idle_over(slow_id, IDLE_WINDOW, Duration::from_millis(5)));
        let fast_idle = idle_over(fast_id, IDLE_WINDOW, Duration::from_millis(5)).expect("it runs");
        let slow_idle = watch_slow.join().unwrap().expect("it runs");
        for child in [&mut fast, &mut slow] {
            child.kill().unwrap();
            child.wait().unwrap();
        }
        assert!(fast_idle.polls() && fast_idle.moments >= 15, "{}", fast_idle.describe());
        assert!(!slow_idle.polls() && slow_idle.moments >= 1, "{}", slow_idle.describe());
    }

    #[test]
    fn a_thread_that_spins_with_yield_is_seen_runnable() {
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let spinner = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::thread::yield_now();
            }
        });
        // The caller's own thread (awake while it looks) is left out of the looks.
        let idle = idle_over(std::process::id(), Duration::from_millis(300), Duration::from_millis(5))
            .expect("this process runs");
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
        assert!(idle.spins(), "{}", idle.describe());
    }
}
