//! Diagnosing a job that ran out of time: what was each thread doing?
//!
//! Two samples of every thread's state, CPU time and current system call, a moment apart, tell
//! a spinning thread (CPU time grows) from one blocked on a lock (`futex`), waiting on I/O
//! (`read`, `poll`, `accept`, ...), sleeping, or stopped. The hang as a whole gets one
//! [`HangKind`], and every thread is named with what it was doing.

use super::proctree::{self, Stat};
use checker_protocol::syscall::{Syscall, EVENT_WAITS};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the threads of a hung job were doing, taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HangKind {
    /// Every thread blocked on a lock, condition variable or child: nothing can move.
    Deadlock,
    /// At least one thread kept running on the CPU: a busy loop or a livelock.
    Spinning,
    /// Threads waited for input or output that never came.
    #[serde(rename = "io")]
    WaitingIo,
    /// Threads were sleeping.
    Sleeping,
    /// The processes were stopped (SIGSTOP).
    Stopped,
    /// The job had already gone, or its threads could not be read.
    Unknown,
}

impl HangKind {
    /// A short static name for reports.
    pub fn name(self) -> &'static str {
        match self {
            HangKind::Deadlock => "deadlock",
            HangKind::Spinning => "spinning",
            HangKind::WaitingIo => "io",
            HangKind::Sleeping => "sleeping",
            HangKind::Stopped => "stopped",
            HangKind::Unknown => "unknown",
        }
    }
}

/// What one thread was doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Activity {
    Running,
    Lock,
    Io { call: String, target: Option<String> },
    Sleep,
    WaitChild,
    Stopped,
    Other { what: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadReport {
    pub pid: u32,
    pub tid: u32,
    pub process: String,
    pub thread: String,
    pub activity: Activity,
    /// Share of one core used between the two samples.
    pub cpu_percent: f64,
}

/// A hung job's threads. What it says to a student (one sentence per kind, one per thread's
/// activity) is worded in [`crate::explanation`], in the student's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HangDiagnosis {
    pub kind: HangKind,
    pub threads: Vec<ThreadReport>,
    /// What the hidden check itself saw of the hang when it was stopped, such as the
    /// course_sync facade's wait-for cycle ("thread `t1` holds account A and waits for ...").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by_the_check: Vec<String>,
}

/// Samples every thread of `pids` twice, `gap` apart, and classifies the hang.
pub fn diagnose(pids: &[u32], gap: Duration) -> HangDiagnosis {
    let first = sample(pids);
    std::thread::sleep(gap);
    let second = sample(pids);
    let ticks_per_second = clock_ticks_per_second();
    let mut threads = Vec::new();
    for (pid, process, stat) in &second {
        let before = first.iter().find(|(_, _, s)| s.pid == stat.pid).map(|(_, _, s)| s.cpu_ticks);
        let used = stat.cpu_ticks.saturating_sub(before.unwrap_or(stat.cpu_ticks));
        let cpu_percent = used as f64 / ticks_per_second / gap.as_secs_f64() * 100.0;
        let activity = if cpu_percent >= 30.0 || stat.state == 'R' {
            Activity::Running
        } else if matches!(stat.state, 'T' | 't') {
            Activity::Stopped
        } else {
            blocked_in(*pid, stat.pid)
        };
        threads.push(ThreadReport {
            pid: *pid,
            tid: stat.pid,
            process: process.clone(),
            thread: stat.name.clone(),
            activity,
            cpu_percent: (cpu_percent * 10.0).round() / 10.0,
        });
    }
    HangDiagnosis { kind: classify(&threads), threads, seen_by_the_check: Vec::new() }
}

fn classify(threads: &[ThreadReport]) -> HangKind {
    let any = |f: fn(&Activity) -> bool| threads.iter().any(|t| f(&t.activity));
    if threads.is_empty() {
        HangKind::Unknown
    } else if any(|a| *a == Activity::Running) {
        HangKind::Spinning
    } else if any(|a| matches!(a, Activity::Io { .. })) {
        HangKind::WaitingIo
    } else if any(|a| *a == Activity::Sleep) {
        HangKind::Sleeping
    } else if threads.iter().all(|t| t.activity == Activity::Stopped) {
        HangKind::Stopped
    } else {
        HangKind::Deadlock
    }
}

/// (pid, process name, thread stat) for every thread of every process in `pids`.
fn sample(pids: &[u32]) -> Vec<(u32, String, Stat)> {
    let mut out = Vec::new();
    for &pid in pids {
        let Some(process) = proctree::stat(pid) else { continue };
        if process.state == 'Z' {
            continue;
        }
        for tid in proctree::threads(pid) {
            if let Some(stat) = proctree::stat_at(&format!("/proc/{pid}/task/{tid}/stat")) {
                out.push((pid, process.name.clone(), stat));
            }
        }
    }
    out
}

/// Where a sleeping thread is blocked, from its current system call.
fn blocked_in(pid: u32, tid: u32) -> Activity {
    let line = proctree::read_trimmed(&format!("/proc/{pid}/task/{tid}/syscall")).unwrap_or_default();
    let Some(syscall) = Syscall::parse(&line) else {
        // No syscall access (or not in a syscall): fall back on the kernel's wait channel.
        let wchan = proctree::read_trimmed(&format!("/proc/{pid}/task/{tid}/wchan")).unwrap_or_default();
        return from_wchan(&wchan);
    };
    let fd = syscall.first_arg;
    let fd_target =
        || std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok().map(|t| format!("fd {fd} ({})", t.display()));
    match syscall.name() {
        Some("futex") => Activity::Lock,
        Some(call) if syscall.is_descriptor_io() => Activity::Io { call: call.to_owned(), target: fd_target() },
        Some(call) if EVENT_WAITS.contains(&call) => Activity::Io { call: call.to_owned(), target: None },
        Some("nanosleep" | "clock_nanosleep") => Activity::Sleep,
        Some("wait4" | "waitid") => Activity::WaitChild,
        Some(other) => Activity::Other { what: other.to_owned() },
        None => Activity::Other { what: format!("system call {}", syscall.number) },
    }
}

fn from_wchan(wchan: &str) -> Activity {
    if wchan.contains("futex") {
        Activity::Lock
    } else if wchan.contains("sleep") {
        Activity::Sleep
    } else if wchan.contains("poll") || wchan.contains("pipe") || wchan.contains("sk_wait") || wchan.contains("tcp") {
        Activity::Io { call: wchan.to_owned(), target: None }
    } else if wchan.contains("wait") && !wchan.contains("futex") {
        Activity::WaitChild
    } else {
        Activity::Other { what: if wchan.is_empty() { "an unknown place".to_owned() } else { wchan.to_owned() } }
    }
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(activity: Activity) -> ThreadReport {
        ThreadReport { pid: 1, tid: 1, process: "p".into(), thread: "t".into(), activity, cpu_percent: 0.0 }
    }

    #[test]
    fn a_running_thread_makes_it_spinning() {
        let threads = [thread(Activity::Lock), thread(Activity::Running)];
        assert_eq!(classify(&threads), HangKind::Spinning);
    }

    #[test]
    fn locks_and_joins_only_make_a_deadlock() {
        let threads = [thread(Activity::Lock), thread(Activity::WaitChild), thread(Activity::Lock)];
        assert_eq!(classify(&threads), HangKind::Deadlock);
    }

    #[test]
    fn a_reader_makes_it_io() {
        let threads = [thread(Activity::Lock), thread(Activity::Io { call: "read".into(), target: None })];
        assert_eq!(classify(&threads), HangKind::WaitingIo);
    }

    #[test]
    fn a_sleeping_child_is_seen_sleeping() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().expect("spawn sleep");
        std::thread::sleep(Duration::from_millis(100));
        let diagnosis = diagnose(&[child.id()], Duration::from_millis(100));
        child.kill().ok();
        child.wait().ok();
        assert_eq!(diagnosis.kind, HangKind::Sleeping, "{diagnosis:?}");
    }
}
