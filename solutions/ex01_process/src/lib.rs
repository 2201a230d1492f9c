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
use std::fs;

/// Task: return the PID of this process.
pub fn pid() -> u32 {
    // The same number as the name of the directory /proc/self links to.
    std::process::id()
}

/// Task: return the PID of the process that started this one (the parent).
pub fn parent_pid() -> u32 {
    // getppid(2). If the parent dies first, the orphan is adopted (by init or a subreaper),
    // so the answer can change over the life of a process: ask the kernel each time.
    std::os::unix::process::parent_id()
}

/// Task: return the descriptors open in this process, sorted ascending — exactly those open
/// at the time of the call, without the one used to read `/proc/self/fd` itself.
pub fn open_fds() -> Vec<i32> {
    // Listing a directory opens it: while we read /proc/self/fd, one more descriptor (the
    // directory's own) shows up in the listing. So first collect the names, then close the
    // directory (the ReadDir is dropped at the end of this statement) ...
    let listed: Vec<i32> = fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd is readable on Linux")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();

    // ... and keep only the descriptors that are still open. fcntl(F_GETFD) is the cheapest
    // question to ask about a descriptor: it fails with EBADF when the number is not open,
    // which is now the case for the directory's descriptor and for no other.
    let mut fds: Vec<i32> = listed
        .into_iter()
        // SAFETY: F_GETFD only reads the descriptor's flags; it never touches memory.
        .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
        .collect();
    // The kernel lists them in no promised order.
    fds.sort_unstable();
    fds
}

/// Task: return the resident memory of this process in kB (the `VmRSS` line of
/// `/proc/self/status`).
pub fn resident_kb() -> u64 {
    // VmRSS is what is really in RAM now; VmSize (virtual) counts every mapping, mostly never
    // touched. The line looks like "VmRSS:\t    2048 kB": the kernel already gives kB.
    let status = fs::read_to_string("/proc/self/status").expect("/proc/self/status is readable");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .expect("/proc/self/status has a VmRSS line")
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
