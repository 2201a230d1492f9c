//! Hidden checks of ex01_process: the program's report about itself is compared with what the
//! kernel says about that process, read from outside.
//!
//! Every check starts the student's binary with `--hold`, from this check program, with two
//! extra descriptors (6 and 9) that it inherits on purpose. It reads the four report lines from
//! the program's stdout; while the program is still alive (blocked reading its stdin) it reads
//! `/proc/PID/stat`, `/proc/PID/fd` and `/proc/PID/status` of that PID; then it closes the
//! program's stdin so it exits, and waits for it. Nothing the program prints is trusted unless
//! `/proc` confirms it.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use pack_support::{failure, proc, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        reports_own_pid,
        reports_parent_pid,
        reports_open_fds,
        reports_resident_memory,
        hold_until_stdin_closes
    ])
}

/// Descriptors the student's program inherits from the checker, besides 0, 1 and 2.
const INHERITED_FDS: [i32; 2] = [6, 9];
/// Another set for reports_open_fds: 3 and 4 are taken, so the descriptor that listing
/// /proc/self/fd opens is 5, between inherited ones (neither 3 nor the highest).
const INHERITED_LOW_FDS: [i32; 3] = [3, 4, 7];
/// How long the program may take to print its report.
const REPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// The name the held program runs under (the kernel keeps its first 15 bytes as the command):
/// spaces and a ')' make naive parsers of /proc/self/stat read the wrong field. No digits: a
/// word of the name read as a PID could be the right one by chance (the checks' own process
/// has a small PID in the job's PID namespace).
const ODD_NAME: &str = "ex01 ) x y (z";

/// Observes `reports-own-pid`, `report-format` and `hold-until-stdin-closes`.
fn reports_own_pid(ctx: &Context) -> Verdict {
    let held = Held::start(ctx)?;
    let real = held.pid;
    let reported = held.report.pid;
    held.finish();
    if reported == real {
        return Ok(());
    }
    let cause = if reported == std::process::id() {
        text!("ex01-pid-is-parents", reported)
    } else if !proc::exists(reported) {
        text!("ex01-pid-no-such-process", reported)
    } else {
        text!("ex01-pid-another-process", reported, name = ODD_NAME)
    };
    Err(failure!("ex01-wrong-pid", reported, real, cause))
}

/// Observes `reports-parent-pid` (the program runs in a process group of its own, so its
/// process group and session differ from its parent) and `report-format`.
fn reports_parent_pid(ctx: &Context) -> Verdict {
    let held = Held::start(ctx)?;
    let real = proc::parent(held.pid).unwrap_or(0);
    let own = held.pid;
    let reported = held.report.ppid;
    held.finish();
    if reported == real {
        return Ok(());
    }
    let cause =
        if reported == own { text!("ex01-ppid-is-own", reported) } else { text!("ex01-ppid-field", name = ODD_NAME) };
    Err(failure!("ex01-wrong-ppid", reported, own, real, cause))
}

/// Observes `fds-exactly-open`, `fds-include-inherited`, `fds-sorted` and `report-format`,
/// with two sets of inherited descriptors (so that the directory's own descriptor is 3 in one
/// run and 5, between inherited ones, in the other).
fn reports_open_fds(ctx: &Context) -> Verdict {
    open_fds_with(ctx, &INHERITED_FDS)?;
    open_fds_with(ctx, &INHERITED_LOW_FDS)
}

fn open_fds_with(ctx: &Context, inherited: &[i32]) -> Verdict {
    let held = Held::start_with(ctx, inherited)?;
    let pid = held.pid;
    let real = proc::fds(pid).map_err(|e| gone(pid, &e))?;
    let reported = held.report.fds.clone();
    held.finish();
    if reported == real {
        return Ok(());
    }
    let real_set: BTreeSet<i32> = real.iter().copied().collect();
    let reported_set: BTreeSet<i32> = reported.iter().copied().collect();
    let missing: Vec<i32> = real_set.difference(&reported_set).copied().collect();
    let extra: Vec<i32> = reported_set.difference(&real_set).copied().collect();
    let mut causes = Vec::new();
    if !missing.is_empty() {
        let is_inherited = missing.iter().any(|fd| inherited.contains(fd));
        let (count, fds) = (missing.len(), join(&missing));
        causes.push(if is_inherited {
            text!("ex01-fds-missing-inherited", count, fds, inherited = join(inherited))
        } else {
            text!("ex01-fds-missing", count, fds)
        });
    }
    if !extra.is_empty() {
        causes.push(text!("ex01-fds-extra", count = extra.len(), fds = join(&extra)));
    }
    if missing.is_empty() && extra.is_empty() {
        causes.push(text!("ex01-fds-unsorted"));
    }
    Err(failure!("ex01-wrong-fds", reported = join(&reported), pid, real = join(&real), causes = causes.join("; ")))
}

/// Observes `resident-kb` and `report-format`.
fn reports_resident_memory(ctx: &Context) -> Verdict {
    let held = Held::start(ctx)?;
    let pid = held.pid;
    let rss = proc::status_kb(pid, "VmRSS");
    let size = proc::status_kb(pid, "VmSize");
    let anon = proc::status_kb(pid, "RssAnon");
    let reported = held.report.rss_kb;
    held.finish();
    let Some(rss) = rss else {
        return Err(failure!("ex01-status-unreadable", pid));
    };
    // Resident memory moves a little between the report and the checker's look (the program
    // touches a few more pages to print and read stdin): allow a tenth, at least 128 kB.
    let tolerance = (rss / 10).max(128);
    if reported.abs_diff(rss) <= tolerance {
        return Ok(());
    }
    let cause = match (size, anon) {
        (Some(size), _) if reported.abs_diff(size) <= (size / 20).max(64) => {
            text!("ex01-rss-is-vmsize", reported = reported.to_string(), size)
        }
        (_, Some(anon)) if reported.abs_diff(anon) <= (anon / 10).max(64) => {
            text!("ex01-rss-is-anon", reported = reported.to_string(), anon)
        }
        _ if reported.abs_diff(rss * 1024) <= rss * 256 => text!("ex01-rss-in-bytes"),
        _ if rss >= 4 && reported.abs_diff(rss / 4) <= (rss / 16).max(4) => text!("ex01-rss-in-pages"),
        _ => text!("ex01-rss-where"),
    };
    Err(failure!("ex01-wrong-rss", reported = reported.to_string(), pid, rss, tolerance, cause))
}

/// Observes `hold-until-stdin-closes` and `hold-survives-signals`: held, the program sleeps
/// (no CPU) while its stdin is open, goes on holding after a signal interrupts its read
/// (EINTR), exits with status 0 soon after its stdin is closed, and ends at once (without
/// spinning) when its stdin cannot be read at all.
fn hold_until_stdin_closes(ctx: &Context) -> Verdict {
    const WINDOW: Duration = Duration::from_millis(300);
    let mut held = Held::start(ctx)?;
    let pid = held.pid;
    // The report is out: the program should now be blocked reading its stdin.
    let deadline = Instant::now() + Duration::from_secs(2);
    while proc::state(pid) == Some('R') && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    let cpu0 = proc::cpu_time(pid).unwrap_or_default();
    let start = Instant::now();
    thread::sleep(WINDOW);
    let cpu = proc::cpu_time(pid).unwrap_or_default().saturating_sub(cpu0);
    let wall = start.elapsed();
    if cpu * 4 >= wall && cpu >= Duration::from_millis(40) {
        held.kill();
        return Err(failure!("ex01-hold-spins", cpu = cpu.as_millis() as u64, wall = wall.as_millis() as u64));
    }
    // Rust's runtime handles SIGBUS (to report stack overflows) without SA_RESTART, so a
    // SIGBUS that is not a fault interrupts the blocked read with EINTR and is otherwise
    // harmless (the handler steps aside, once). Any signal with a handler does the same.
    // Only if the program does catch SIGBUS (/proc/PID/status, SigCgt): else the signal
    // would end a correct program, or be ignored.
    let catches_sigbus = caught_signals(pid).is_some_and(|mask| mask & (1 << (libc::SIGBUS - 1)) != 0);
    if catches_sigbus {
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(pid as i32, libc::SIGBUS) };
        thread::sleep(WINDOW);
    }
    if let Ok(Some(status)) = held.child.try_wait() {
        return Err(failure!("ex01-hold-ends-on-eintr", status = status.to_string()));
    }
    drop(held.stdin.take());
    let closed = Instant::now();
    let status = loop {
        match held.child.try_wait() {
            Ok(Some(status)) => break Some(status),
            _ if closed.elapsed() > Duration::from_secs(3) => break None,
            _ => thread::sleep(Duration::from_millis(5)),
        }
    };
    match status {
        None => {
            held.kill();
            return Err(failure!("ex01-hold-ignores-eof"));
        }
        Some(status) if !status.success() => {
            return Err(failure!("ex01-hold-bad-exit", status = status.to_string()));
        }
        Some(_) => {}
    }
    unreadable_stdin_ends_the_hold(ctx)
}

/// The mask of signals `pid` has a handler for (SigCgt in /proc/PID/status).
fn caught_signals(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hex = status.lines().find_map(|line| line.strip_prefix("SigCgt:"))?.trim();
    u64::from_str_radix(hex, 16).ok()
}

/// With a stdin that cannot be read (a directory: read fails with EISDIR; std takes EBADF
/// for end of file, so a closed or write-only stdin would not do), the program must print its
/// report and end, not retry the failing read forever.
fn unreadable_stdin_ends_the_hold(ctx: &Context) -> Verdict {
    let directory = File::open(ctx.scratch_dir()).expect("opening the scratch directory");
    let mut child = Command::new(ctx.student_bin())
        .arg("--hold")
        .stdin(Stdio::from(directory))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failure!("ex01-could-not-start", error = e.to_string()))?;
    let pid = child.id();
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            _ if start.elapsed() > Duration::from_secs(3) => break None,
            _ => thread::sleep(Duration::from_millis(5)),
        }
    };
    let Some(status) = status else {
        let cpu = proc::cpu_time(pid).unwrap_or_default();
        let _ = child.kill();
        let _ = child.wait();
        return Err(failure!("ex01-unreadable-stdin-spins", cpu = cpu.as_millis() as u64));
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() || !text.starts_with("pid:") {
        return Err(failure!("ex01-unreadable-stdin-bad-end", status = status.to_string(), text = format!("{text:?}")));
    }
    Ok(())
}

/// The four values the program printed.
struct Report {
    pid: u32,
    ppid: u32,
    fds: Vec<i32>,
    rss_kb: u64,
}

/// The student's program, started with `--hold`, alive and blocked reading its stdin.
struct Held {
    child: Child,
    stdin: Option<ChildStdin>,
    pid: u32,
    report: Report,
}

impl Held {
    fn start(ctx: &Context) -> Result<Held, Failure> {
        Held::start_with(ctx, &INHERITED_FDS)
    }

    /// Starts the program with `--hold`, handing it the descriptors `inherited` (beyond 0, 1
    /// and 2) open on files of the scratch directory.
    fn start_with(ctx: &Context, inherited: &[i32]) -> Result<Held, Failure> {
        let targets: Vec<i32> = inherited.to_vec();
        let extra: Vec<OwnedFd> = inherited
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let path = ctx.scratch_dir().join(format!("inherited-{i}.txt"));
                let file = File::create(path).expect("creating a file in the scratch directory");
                // Move it far above 6 and 9 so that the dup2 below cannot clobber a source.
                // SAFETY: fcntl on a descriptor we own; the result is a new descriptor we own.
                let high = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 100) };
                assert!(high >= 0, "fcntl(F_DUPFD_CLOEXEC) failed");
                // SAFETY: `high` was just created and nothing else owns it.
                unsafe { OwnedFd::from_raw_fd(high) }
            })
            .collect();
        let sources: Vec<i32> = extra.iter().map(|f| f.as_raw_fd()).collect();
        // Started through a link whose name has spaces and parentheses, a name the kernel
        // shows as the command (in parentheses) in /proc/PID/stat: a program that reads its
        // numbers from there must find them after the last ')', as the stat(5) format asks.
        let link = ctx.scratch_dir().join(ODD_NAME);
        if !link.exists() {
            std::os::unix::fs::symlink(ctx.student_bin(), &link).expect("linking the program in the scratch directory");
        }
        let mut cmd = Command::new(&link);
        cmd.arg("--hold").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        // A process group of its own: its process group ID is then its own PID, not the
        // parent's, so that reading the wrong field of /proc/self/stat shows.
        cmd.process_group(0);
        // SAFETY: only async-signal-safe calls (dup2) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                for (&src, &dst) in sources.iter().zip(targets.iter()) {
                    // dup2 clears close-on-exec on the new descriptor: the program inherits it.
                    if libc::dup2(src, dst) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| failure!("ex01-could-not-start", error = e.to_string()))?;
        drop(extra);
        let pid = child.id();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");

        // Read the report on a thread so that a program that never prints cannot hang the check.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + REPORT_TIMEOUT;
        let mut lines = Vec::new();
        while lines.len() < 4 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let mut held = Held::dummy(child, stdin, pid);
                    held.kill();
                    return Err(failure!(
                        "ex01-report-timeout",
                        seconds = REPORT_TIMEOUT.as_secs(),
                        count = lines.len(),
                        lines = format!("{lines:?}")
                    ));
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let report = parse(&lines);
        let alive = proc::state(pid).is_some_and(|s| s != 'Z');
        let mut held = Held::dummy(child, stdin, pid);
        if lines.len() < 4 {
            // Standard output closed early: the program ended. Say how.
            drop(held.stdin.take());
            let status = held.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
            return Err(failure!("ex01-report-ended-early", status, count = lines.len(), lines = format!("{lines:?}")));
        }
        let report = match report {
            Ok(r) => r,
            Err(why) => {
                held.kill();
                return Err(failure!("ex01-report-malformed", lines = format!("{lines:?}"), why));
            }
        };
        if !alive {
            held.kill();
            return Err(failure!("ex01-exited-at-once"));
        }
        held.report = report;
        Ok(held)
    }

    fn dummy(child: Child, stdin: Option<ChildStdin>, pid: u32) -> Held {
        Held { child, stdin, pid, report: Report { pid: 0, ppid: 0, fds: Vec::new(), rss_kb: 0 } }
    }

    /// Closes the program's stdin so it exits, and waits for it (killing it after 3 s).
    fn finish(mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        self.kill();
    }

    fn kill(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(lines: &[String]) -> Result<Report, String> {
    fn field<'a>(lines: &'a [String], i: usize, name: &str) -> Result<&'a str, String> {
        let line = lines.get(i).ok_or_else(|| text!("ex01-report-line-missing", line = i + 1))?;
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
            .ok_or_else(|| text!("ex01-report-line-prefix", line = i + 1, name))
    }
    fn number<T: std::str::FromStr>(value: &str, name: &str) -> Result<T, String> {
        value.parse().map_err(|_| text!("ex01-report-not-a-number", name, value))
    }
    let pid = number(field(lines, 0, "pid")?, "pid")?;
    let ppid = number(field(lines, 1, "ppid")?, "ppid")?;
    let fds =
        field(lines, 2, "fds")?.split_whitespace().map(|fd| number(fd, "fds")).collect::<Result<Vec<i32>, String>>()?;
    let rss_kb = number(field(lines, 3, "rss_kb")?, "rss_kb")?;
    Ok(Report { pid, ppid, fds, rss_kb })
}

fn gone(pid: u32, e: &std::io::Error) -> Failure {
    failure!("ex01-proc-gone", pid, error = e.to_string())
}

fn join(fds: &[i32]) -> String {
    fds.iter().map(i32::to_string).collect::<Vec<_>>().join(" ")
}
