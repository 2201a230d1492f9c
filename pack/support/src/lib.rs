//! The grading pack's support library: the protocol between a hidden-check program and the
//! checker, plus small helpers for observing processes through `/proc`.
//!
//! A hidden-check program (one per exercise, `pack/<exercise>/main.rs`) calls [`main`] with its
//! table of checks. The checker runs it as `PROGRAM run CHECK` under its supervisor:
//!
//! 1. the first line on standard input is a nonce, read before any student code runs, after
//!    the process has made itself non-dumpable (its memory is then out of its own code's reach);
//! 2. the check runs; a panic (in the check or in student code it calls) is a failure;
//! 3. the verdict is written as one JSON line carrying the nonce to the file descriptor named by
//!    `CHECKER_RESULT_FD`, which is closed on exec so the student's programs never inherit it.
//!
//! The checker accepts a verdict only with the right nonce, so a student's `exit(0)` or a fake
//! "test result: ok" on stdout yields no verdict at all, and the check fails as unfinished.
//! `PROGRAM list` prints the check names, one per line, so `checker verify` can compare them with
//! the course manifest.

pub mod accept;
pub mod cpu;
pub mod echo;
pub mod explore;
pub mod gauge;
pub mod metrics;
pub mod net;
pub mod proc;
pub mod rng;
pub mod text;
pub mod threads;
pub mod timing;
pub mod waits;
pub mod wakers;
pub mod watch;

use std::any::Any;
use std::fs::File;
use std::io::{BufRead, Write};
use std::os::fd::FromRawFd;
use std::path::{Path, PathBuf};

pub use checker_protocol::Failure;
use checker_protocol::{HangLine, Verdict as Wire, VerdictLine, RESULT_FD_VAR};

/// The result of one check.
pub type Verdict = Result<(), Failure>;

/// Builds a [`Failure`]; checks usually `return Err(fail(...))`.
pub fn fail(observed: impl Into<String>, expected: impl Into<String>, why: impl Into<String>) -> Failure {
    Failure { observed: observed.into(), expected: expected.into(), why: why.into() }
}

/// Fails with `failure` unless `condition` holds.
pub fn ensure(condition: bool, failure: impl FnOnce() -> Failure) -> Verdict {
    if condition {
        Ok(())
    } else {
        Err(failure())
    }
}

/// Measurements a check reports whatever its verdict (a table of times, a latency, how many
/// descriptors could be opened). The checker shows them under the check and puts them in the
/// report.
static MEASUREMENTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Records one line of measurements for the report (shown for passing checks too).
pub fn measured(line: impl Into<String>) {
    MEASUREMENTS.lock().unwrap_or_else(|e| e.into_inner()).push(line.into());
}

/// What a check asked to be told of its failure: observers that saw something the failure's
/// explanation should say (where a server's threads were asleep, say), each run once.
type FailureNote = Box<dyn FnOnce(&mut Failure) + Send>;
static ON_FAILURE: std::sync::Mutex<Vec<FailureNote>> = std::sync::Mutex::new(Vec::new());

/// Registers `note`, called with the check's failure if it fails (in the order registered),
/// before the verdict is sent: what an observer running beside the check saw becomes part of
/// the explanation, whichever scenario of the check failed.
pub fn on_failure(note: impl FnOnce(&mut Failure) + Send + 'static) {
    ON_FAILURE.lock().unwrap_or_else(|e| e.into_inner()).push(Box::new(note));
}

/// The name of the check this program runs (empty outside a run).
static CHECK_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The name of the running check, as registered with [`checks!`].
pub fn check_name() -> &'static str {
    CHECK_NAME.get().map(String::as_str).unwrap_or("")
}

/// Why the check could not judge, if it could not, and whether a busy machine was the reason
/// (see [`not_judged`] and [`not_judged_busy`]).
static NOT_JUDGED: std::sync::Mutex<Option<(String, bool)>> = std::sync::Mutex::new(None);

/// Marks the check as not judged because this machine cannot set up what it needs (an address
/// it cannot bind, buffers it cannot fill). A check that then returns `Ok` reports "not
/// judged" instead of a pass: no points, and an instructor sees it.
pub fn not_judged(why: impl Into<String>) {
    *NOT_JUDGED.lock().unwrap_or_else(|e| e.into_inner()) = Some((why.into(), false));
}

/// Marks the check as not judged because the machine was too busy to measure (every timing
/// attempt spoiled). The checker runs such a check again, and when the machine outside the job
/// was quiet both times, the job spoiled its own measurement and the check fails: never a pass
/// or a "not judged" the code under test could bring about by keeping the machine busy.
pub fn not_judged_busy(why: impl Into<String>) {
    *NOT_JUDGED.lock().unwrap_or_else(|e| e.into_inner()) = Some((why.into(), true));
}

/// What a check can tell about a hang that only it can see (the course_sync facade's wait-for
/// cycle, say), asked when the checker stops the check at its time limit.
static HANG_REPORT: std::sync::Mutex<Option<HangReport>> = std::sync::Mutex::new(None);

/// A function that explains a hang in a few lines.
pub type HangReport = fn() -> Vec<String>;

/// Registers `report` to be asked, if this check is stopped at its time limit, for lines that
/// explain the hang; the checker shows them with its own diagnosis from `/proc`.
pub fn on_hang(report: HangReport) {
    *HANG_REPORT.lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
}

/// Set by the SIGTERM handler to wake the time-limit watcher, and the process it was set up in
/// (a child forked by the code under test must not use it).
static TERM_RECEIVED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static WATCHED_PID: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

extern "C" fn on_sigterm(_signal: libc::c_int) {
    use std::sync::atomic::Ordering::SeqCst;
    // SAFETY: only async-signal-safe calls: getpid, the futex system call, signal, raise.
    unsafe {
        if libc::getpid() == WATCHED_PID.load(SeqCst) {
            TERM_RECEIVED.store(1, SeqCst);
            libc::syscall(libc::SYS_futex, TERM_RECEIVED.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, 1);
        } else {
            // A forked child of the check: behave as if no handler were there.
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            libc::raise(libc::SIGTERM);
        }
    }
}

/// Catches the checker's SIGTERM at the time limit and hands it to a watcher thread, which
/// writes the [`on_hang`] report on the verdict channel before the process exits.
///
/// A handler, not a blocked signal: handlers are reset by exec, so the programs a check starts
/// (a student's server it must stop with SIGTERM) keep the default behaviour. The watcher waits
/// on a futex, as a thread blocked on a lock does, so that the checker's diagnosis of the hang
/// (all blocked, spinning, waiting on I/O) is the same with the watcher as without it.
fn watch_for_the_time_limit(nonce: String, check: String) {
    use std::sync::atomic::Ordering::SeqCst;
    // The channel's descriptor, duplicated so that the verdict's writer keeps its own.
    let fd: i32 = match std::env::var(RESULT_FD_VAR).ok().and_then(|v| v.parse().ok()) {
        Some(fd) => fd,
        None => return,
    };
    // SAFETY: plain libc calls on a descriptor this function duplicates and owns (the watcher's
    // File alone owns the copy), a futex on a static, and installing a handler.
    unsafe {
        let copy = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0);
        if copy < 0 {
            return;
        }
        let mut channel = File::from_raw_fd(copy);
        let watcher = std::thread::Builder::new().name("checker-time-limit".into()).spawn(move || {
            while TERM_RECEIVED.load(SeqCst) == 0 {
                let wait = libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG;
                libc::syscall(libc::SYS_futex, TERM_RECEIVED.as_ptr(), wait, 0, std::ptr::null::<libc::timespec>());
            }
            let report = *HANG_REPORT.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(report) = report {
                let lines: Vec<String> = report().into_iter().take(40).collect();
                let line = HangLine { nonce, check, hang: lines }.to_line();
                let _ = channel.write_all(line.as_bytes()).and_then(|_| channel.flush());
            }
            // 128 + SIGTERM, as if the signal had ended the process.
            libc::_exit(143);
        });
        if watcher.is_err() {
            return;
        }
        WATCHED_PID.store(libc::getpid(), SeqCst);
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigterm as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}

/// The table of an exercise's checks, each registered under its function's name (which must
/// match a `[[exercise.check]]` in `course.toml`): `pack_support::main(checks![a, b])`.
#[macro_export]
macro_rules! checks {
    ($($check:ident),+ $(,)?) => {
        &[$($crate::Check { name: stringify!($check), run: $check }),+]
    };
}

/// One named check of an exercise. The name must match a `[[exercise.check]]` in `course.toml`.
pub struct Check {
    pub name: &'static str,
    pub run: fn(&Context) -> Verdict,
}

/// What the checker hands to a check.
pub struct Context {
    student_bin: Option<PathBuf>,
    scratch: PathBuf,
}

impl Context {
    /// The student's compiled binary (binary exercises only).
    pub fn student_bin(&self) -> &Path {
        self.student_bin.as_deref().expect("CHECKER_STUDENT_BIN is not set: this exercise is not a binary exercise")
    }

    /// A private directory the check may write to; the checker removes it afterwards.
    pub fn scratch_dir(&self) -> &Path {
        &self.scratch
    }
}

/// The entry point of a hidden-check program. Never returns.
pub fn main(checks: &[Check]) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["list"] => {
            for check in checks {
                println!("{}", check.name);
            }
            std::process::exit(0)
        }
        ["run", name] => run_one(checks, name),
        _ => {
            eprintln!("usage: {} list | run CHECK", std::env::args().next().unwrap_or_default());
            std::process::exit(2)
        }
    }
}

fn run_one(checks: &[Check], name: &str) -> ! {
    // Not dumpable, before the nonce is read: the process's memory (/proc/self/mem) and
    // environment are then closed to its own code, which runs as an ordinary user and, in a
    // library exercise, without `unsafe`; so the code under test cannot read the nonce.
    // SAFETY: prctl with constant arguments.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    // Take the result channel and the nonce before any student code can run.
    let mut channel = open_result_channel();
    let mut nonce = String::new();
    std::io::stdin().lock().read_line(&mut nonce).expect("reading the nonce from stdin");
    let nonce = nonce.trim().to_owned();

    let Some(check) = checks.iter().find(|c| c.name == name) else {
        eprintln!("no check named {name}");
        std::process::exit(2)
    };
    let _ = CHECK_NAME.set(name.to_owned());
    watch_for_the_time_limit(nonce.clone(), name.to_owned());
    proc::open_early();
    text::load();
    let context = Context {
        student_bin: std::env::var_os("CHECKER_STUDENT_BIN").map(PathBuf::from),
        // The supervisor's TMPDIR: the job's private folder.
        scratch: std::env::temp_dir(),
    };
    let verdict = match std::panic::catch_unwind(|| (check.run)(&context)) {
        Ok(verdict) => verdict,
        Err(payload) => Err(crate::failure!("support-panicked", message = panic_message(payload.as_ref()))),
    };
    let notes = std::mem::take(&mut *ON_FAILURE.lock().unwrap_or_else(|e| e.into_inner()));
    let verdict = verdict.map_err(|mut failure| {
        for note in notes {
            note(&mut failure);
        }
        failure
    });
    let measurements = std::mem::take(&mut *MEASUREMENTS.lock().unwrap_or_else(|e| e.into_inner()));
    let not_judged = NOT_JUDGED.lock().unwrap_or_else(|e| e.into_inner()).take();
    let verdict = match (verdict, not_judged) {
        (Ok(()), Some((why, busy))) => Wire::NotJudged { why, busy },
        (Ok(()), None) => Wire::Pass,
        (Err(failure), _) => Wire::Fail { failure },
    };
    let line = VerdictLine { nonce, check: name.to_owned(), verdict, measurements }.to_line();
    // A failed write means the checker is gone; there is nobody left to tell.
    let _ = channel.write_all(line.as_bytes()).and_then(|_| channel.flush());
    std::process::exit(0)
}

fn open_result_channel() -> File {
    let fd: i32 = std::env::var(RESULT_FD_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("CHECKER_RESULT_FD is not set: hidden checks run only under the checker");
    // SAFETY: the checker opened this descriptor for us and nothing else in this process owns it.
    unsafe {
        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        File::from_raw_fd(fd)
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}
