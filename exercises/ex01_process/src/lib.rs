//! # ex01_process: process attributes (lecture 1.1)
//!
//! A process is a running program plus everything the kernel keeps about it: its PID, the PID
//! of the process that started it, the files it has open (its file descriptors) and the memory
//! it really occupies in RAM (its resident set). Linux shows all of it as files under
//! `/proc/<pid>/`, and `/proc/self/` is always the process that is looking.
//!
//! You write the four functions below; `report()`, the `Display` of [`Report`] and `main.rs` are
//! provided. Run the program with `cargo run -p ex01_process` (in `exercises/`) and compare with
//! `ls -l /proc/<pid>/fd` and `grep VmRSS /proc/<pid>/status` while it waits: started with
//! `--hold`, it prints its report and then waits until its stdin is closed (press Ctrl-D).
//!
//! How it is checked: the checker starts your program with `--hold` (handing it two extra
//! open descriptors, as any parent may), reads the report, and compares every value with
//! what the kernel says about that same process in `/proc/PID/`. Public tests:
//! `checker check ex01` (or `cargo test -p ex01_process` in `exercises/`).

use std::fmt;

/// Task: return the PID of this process.
pub fn pid() -> u32 {
    todo!("return the PID of this process")
}

/// Task: return the PID of the process that started this one (the parent).
pub fn parent_pid() -> u32 {
    todo!("return the parent's PID")
}

/// Task: return the descriptors open in this process, sorted ascending — exactly those open
/// at the time of the call, without the one used to read `/proc/self/fd` itself.
pub fn open_fds() -> Vec<i32> {
    todo!("list the open file descriptors from /proc/self/fd")
}

/// Task: return the resident memory of this process in kB (the `VmRSS` line of
/// `/proc/self/status`).
pub fn resident_kb() -> u64 {
    todo!("read VmRSS from /proc/self/status")
}

/// What the program reports about itself.
///
/// Provided: you do not need to change this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub pid: u32,
    pub ppid: u32,
    pub fds: Vec<i32>,
    pub rss_kb: u64,
}

/// Collects the report by calling the four functions above.
///
/// Provided: you do not need to change this.
pub fn report() -> Report {
    Report {
        pid: pid(),
        ppid: parent_pid(),
        fds: open_fds(),
        rss_kb: resident_kb(),
    }
}

/// Prints the four report lines (without a newline after the last one):
///
/// ```text
/// pid: 1234
/// ppid: 1200
/// fds: 0 1 2 5
/// rss_kb: 2048
/// ```
///
/// Provided: you do not need to change this.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pid: {}", self.pid)?;
        writeln!(f, "ppid: {}", self.ppid)?;
        write!(f, "fds:")?;
        for fd in &self.fds {
            write!(f, " {fd}")?;
        }
        writeln!(f)?;
        write!(f, "rss_kb: {}", self.rss_kb)
    }
}
