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

use pack_support::{fail, proc, Context, Failure, Verdict};

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
        format!("{reported} is the PID of its parent (the checker): pid() returns the parent's PID instead of the process's own (std::process::id())")
    } else if !proc::exists(reported) {
        format!("no process with PID {reported} exists: the PID must come from the running process itself (std::process::id() or /proc/self)")
    } else {
        format!("PID {reported} is another process: pid() must return the PID of the process that calls it (std::process::id())")
    };
    Err(fail(
        format!("the program reported `pid: {reported}`, but the process the checker started has PID {real}"),
        format!("pid: {real}"),
        cause,
    ))
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
    let cause = if reported == own {
        format!("{reported} is the program's own PID: parent_pid() returns the PID of the process itself, not of the process that started it (std::os::unix::process::parent_id())")
    } else {
        "the parent PID is the PID of the process that started this one, as in field 4 of /proc/self/stat (std::os::unix::process::parent_id())".to_owned()
    };
    Err(fail(
        format!("the program reported `ppid: {reported}`, but /proc/{own}/stat says its parent is PID {real} (the checker, which started it)"),
        format!("ppid: {real}"),
        cause,
    ))
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
        causes.push(format!(
            "{} open but not reported{}",
            plural_fds(&missing),
            if is_inherited {
                format!(" (the checker passed descriptors {} down to the program: a process inherits its parent's open descriptors, so do not assume only 0 1 2, nor that the directory's own descriptor is 3 or the highest — list /proc/self/fd and leave out only the one that is closed again)", join(inherited))
            } else {
                String::new()
            }
        ));
    }
    if !extra.is_empty() {
        causes.push(format!(
            "{} reported but not open (most likely the descriptor that reading /proc/self/fd opened for the directory itself: it is closed once the listing is done, so leave it out)",
            plural_fds(&extra)
        ));
    }
    if missing.is_empty() && extra.is_empty() {
        causes.push("the same descriptors, but not sorted ascending or listed twice".to_owned());
    }
    Err(fail(
        format!("the program reported `fds: {}`, but /proc/{pid}/fd lists {}", join(&reported), join(&real)),
        format!("fds: {}", join(&real)),
        causes.join("; "),
    ))
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
        return Err(fail(
            format!("/proc/{pid}/status could not be read while the program held"),
            "the program stays alive until its stdin is closed (the provided main.rs with --hold)",
            "the checker compares the report with the live process",
        ));
    };
    // Resident memory moves a little between the report and the checker's look (the program
    // touches a few more pages to print and read stdin): allow a tenth, at least 128 kB.
    let tolerance = (rss / 10).max(128);
    if reported.abs_diff(rss) <= tolerance {
        return Ok(());
    }
    let cause = match (size, anon) {
        (Some(size), _) if reported.abs_diff(size) <= (size / 20).max(64) => format!(
            "{reported} kB is about VmSize ({size} kB): that is the virtual size (every mapping, most of it never touched), not the resident set: read the VmRSS line"
        ),
        (_, Some(anon)) if reported.abs_diff(anon) <= (anon / 10).max(64) => format!(
            "{reported} kB is about RssAnon ({anon} kB), only the anonymous part of the resident memory: read the VmRSS line"
        ),
        _ if reported.abs_diff(rss * 1024) <= rss * 256 => {
            "the value looks like bytes: /proc/self/status gives kB, report that number as is".to_owned()
        }
        _ if rss >= 4 && reported.abs_diff(rss / 4) <= (rss / 16).max(4) => {
            "the value looks like pages of 4 kB (as in /proc/self/statm): VmRSS in /proc/self/status is already in kB".to_owned()
        }
        _ => "resident memory is the VmRSS line of /proc/self/status, in kB".to_owned(),
    };
    Err(fail(
        format!("the program reported `rss_kb: {reported}`, but /proc/{pid}/status says VmRSS: {rss} kB"),
        format!("rss_kb within {tolerance} kB of {rss}"),
        cause,
    ))
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
        return Err(fail(
            format!("while holding (stdin open, nothing sent) the program used {} ms of CPU in {} ms", cpu.as_millis(), wall.as_millis()),
            "a process blocked reading its stdin: no CPU at all",
            "perhaps the hold loop reads a stdin that does not block, or goes round without reading; the provided main.rs blocks in read() until stdin is closed",
        ));
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
        return Err(fail(
            format!("the program ended ({status}) when a signal interrupted its read of stdin (the read returned EINTR); its stdin was still open"),
            "read() failing with ErrorKind::Interrupted is retried: the program holds until stdin is closed",
            "perhaps the hold loop stops at any error of read(), or at Interrupted in particular. An interrupted read is no end of input: a signal came, read again (the provided main.rs does)",
        ));
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
            return Err(fail(
                "the program was still running 3 s after its stdin was closed",
                "end of file on stdin ends the hold: the program exits",
                "perhaps the hold loop does not stop when read() returns 0 (end of file)",
            ));
        }
        Some(status) if !status.success() => {
            return Err(fail(
                format!("after its stdin was closed the program ended with {status}"),
                "exit status 0",
                "perhaps something after the hold panicked or exited with another code",
            ));
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
        .map_err(|e| {
            fail(
                format!("the program could not be started: {e}"),
                "a program that runs",
                "the checker runs your compiled binary",
            )
        })?;
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
        return Err(fail(
            format!(
                "started with --hold and a stdin that cannot be read (a directory: read() fails with EISDIR), the program was still running after 3 s, having used {} ms of CPU",
                cpu.as_millis()
            ),
            "a read error other than Interrupted ends the hold, as end of file does",
            "perhaps the hold loop retries every error of read(); an error that is not Interrupted comes back at once, every time, so the loop spins",
        ));
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() || !text.starts_with("pid:") {
        return Err(fail(
            format!("started with --hold and a stdin that cannot be read, the program ended with {status} and printed {text:?}"),
            "the report, then exit status 0",
            "the report comes first whatever stdin is; a read error on stdin ends the hold like end of file",
        ));
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
        let mut cmd = Command::new(ctx.student_bin());
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
        let mut child = cmd.spawn().map_err(|e| {
            fail(
                format!("the program could not be started: {e}"),
                "a program that runs",
                "the checker runs your compiled binary",
            )
        })?;
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
                    return Err(fail(
                        format!(
                            "after {} s the program had printed {} of the 4 report lines: {:?}",
                            REPORT_TIMEOUT.as_secs(),
                            lines.len(),
                            lines
                        ),
                        "the report printed and stdout flushed right away, before waiting on stdin",
                        "the checker reads the report while the program is still alive (--hold)",
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
            return Err(fail(
                format!("the program ended ({status}) after printing {} of the 4 report lines: {lines:?}", lines.len()),
                "four lines: `pid: N`, `ppid: N`, `fds: N N ...`, `rss_kb: N`, then the program waits on stdin (--hold)",
                "exit status 101 is a panic (its message is on stderr): maybe a todo!() that is not written yet, or an unwrap() that failed",
            ));
        }
        let report = match report {
            Ok(r) => r,
            Err(why) => {
                held.kill();
                return Err(fail(
                    format!("the program printed {lines:?}"),
                    "four lines: `pid: N`, `ppid: N`, `fds: N N ...`, `rss_kb: N`",
                    format!("{why}; the provided Display for Report prints this format"),
                ));
            }
        };
        if !alive {
            held.kill();
            return Err(fail(
                "the program printed its report and exited at once",
                "with --hold the program stays alive until its stdin is closed",
                "the checker compares the report with /proc/PID of the live process; keep the provided main.rs",
            ));
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
        let line = lines.get(i).ok_or_else(|| format!("line {} is missing", i + 1))?;
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
            .ok_or_else(|| format!("line {} should start with `{name}:`", i + 1))
    }
    fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
        text.parse().map_err(|_| format!("`{name}: {text}` is not a number"))
    }
    let pid = number(field(lines, 0, "pid")?, "pid")?;
    let ppid = number(field(lines, 1, "ppid")?, "ppid")?;
    let fds =
        field(lines, 2, "fds")?.split_whitespace().map(|fd| number(fd, "fds")).collect::<Result<Vec<i32>, String>>()?;
    let rss_kb = number(field(lines, 3, "rss_kb")?, "rss_kb")?;
    Ok(Report { pid, ppid, fds, rss_kb })
}

fn gone(pid: u32, e: &std::io::Error) -> Failure {
    fail(
        format!("/proc/{pid} could not be read while the program should have been holding: {e}"),
        "the program stays alive until its stdin is closed (--hold)",
        "the checker compares the report with the live process; keep the provided main.rs",
    )
}

fn join(fds: &[i32]) -> String {
    fds.iter().map(i32::to_string).collect::<Vec<_>>().join(" ")
}

fn plural_fds(fds: &[i32]) -> String {
    if fds.len() == 1 {
        format!("descriptor {} is", fds[0])
    } else {
        format!("descriptors {} are", join(fds))
    }
}
