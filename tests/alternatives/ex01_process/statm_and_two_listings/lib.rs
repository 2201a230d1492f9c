//! # ex01_process: process attributes (lecture 1.1)
//!
//! A process is a running program plus everything the kernel keeps about it: its PID, the PID
//! of the process that started it, the files it has open (its file descriptors) and the memory
//! it really occupies in RAM (its resident set). Linux shows all of it as files under
//! `/proc/<pid>/`, and `/proc/self/` is always the process that is looking.
//!
//! You write the four functions below; `report()`, the `Display` of [`Report`] and `main.rs`
//! are provided. Run the program with `cargo run -p ex01_process` and compare with
//! `ls -l /proc/<pid>/fd` and `grep VmRSS /proc/<pid>/status` while it waits: started with
//! `--hold`, it prints its report and then waits until its stdin is closed (press Ctrl-D).
//!
//! How it is checked: the checker starts your program with `--hold` (handing it two extra
//! open descriptors, as any parent may), reads the report, and compares every value with
//! what the kernel says about that same process in `/proc/PID/`. Public tests:
//! `cargo test -p ex01_process`.

use std::fmt;
use std::fs;

/// Task: return the PID of this process.
pub fn pid() -> u32 {
    // The name /proc/self links to.
    fs::read_link("/proc/self")
        .ok()
        .and_then(|p| p.to_str()?.parse().ok())
        .expect("/proc/self links to the PID")
}

/// Task: return the PID of the process that started this one (the parent).
pub fn parent_pid() -> u32 {
    // Field 4 of /proc/self/stat, the second after the command name in parentheses.
    let stat = fs::read_to_string("/proc/self/stat").expect("/proc/self/stat is readable");
    let after = &stat[stat.rfind(')').expect("a command name") + 1..];
    after.split_whitespace().nth(1).and_then(|f| f.parse().ok()).expect("a parent PID")
}

/// Task: return the descriptors open in this process, sorted ascending — exactly those open
/// at the time of the call, without the one used to read `/proc/self/fd` itself.
pub fn open_fds() -> Vec<i32> {
    // Two listings: each opens the directory once, on the lowest free number, and closes it
    // again; what both listings show is what is open between them.
    let list = || -> Vec<i32> {
        let mut fds: Vec<i32> = fs::read_dir("/proc/self/fd")
            .expect("/proc/self/fd is readable")
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        fds.sort_unstable();
        fds
    };
    let first = list();
    // Hold the first listing's number open, so the second listing's directory gets another.
    let hold = fs::File::open("/dev/null").expect("/dev/null");
    use std::os::fd::AsRawFd;
    let held = hold.as_raw_fd();
    let second = list();
    drop(hold);
    first.into_iter().filter(|fd| *fd != held && second.contains(fd)).collect()
}

/// Task: return the resident memory of this process in kB (the `VmRSS` line of
/// `/proc/self/status`).
pub fn resident_kb() -> u64 {
    // /proc/self/statm gives the resident set in pages (its second field).
    let statm = fs::read_to_string("/proc/self/statm").expect("/proc/self/statm is readable");
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|f| f.parse().ok()).expect("resident pages");
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    pages * page / 1024
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
