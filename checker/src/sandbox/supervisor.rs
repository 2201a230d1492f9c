//! The supervising process (`checker __supervise`): starts one job, watches it, and cleans up.
//!
//! It reads a [`Job`] as JSON on stdin and writes a [`RunRecord`] as JSON on stdout. It is a
//! child subreaper, so every orphan or double-forked daemon of the job becomes its child and can
//! be named and killed. It ignores SIGINT/SIGTERM/SIGHUP (a Ctrl-C in the terminal must not kill
//! it before it has cleaned up) and instead notices when the checker that started it is gone.

use super::capture::{CappedBuffer, Captured};
use super::diagnose::{self, HangDiagnosis};
use super::isolate;
use super::load;
use super::pidns;
use super::proctree;
use super::{Exit, Job, RunRecord, RESULT_FD};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The hidden subcommand that runs this module.
pub const SUBCOMMAND: &str = "__supervise";

/// How long a job gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_millis(500);
/// How often the loop wakes up to sample, reap and check the deadline.
const TICK_MS: i32 = 5;

/// Entry point of `checker __supervise`; returns the process exit code.
pub fn main() -> i32 {
    let mut request = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut request) {
        eprintln!("supervisor: reading the job: {e}");
        return 2;
    }
    let job: Job = match serde_json::from_slice(&request) {
        Ok(job) => job,
        Err(e) => {
            eprintln!("supervisor: malformed job: {e}");
            return 2;
        }
    };
    match supervise(&job) {
        Ok(record) => {
            let mut out = std::io::stdout().lock();
            let written = serde_json::to_writer(&mut out, &record).is_ok() && out.flush().is_ok();
            if written {
                0
            } else {
                1
            }
        }
        Err(e) => {
            eprintln!("supervisor: {e}");
            kill_all_descendants();
            1
        }
    }
}

fn supervise(job: &Job) -> std::io::Result<RunRecord> {
    // SAFETY: plain syscalls with constant arguments.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGTERM, libc::SIG_IGN);
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
    }

    let cwd_given = job.cwd.clone();
    let reachable = cwd_given.as_deref().unwrap_or(&job.program);
    let mut prepared = isolate::prepare(job, reachable)?;
    // Not dumpable, now that the namespaces are set up (a user namespace is set up through
    // /proc/self files that a non-dumpable process no longer owns) and before the job starts:
    // a job of the same user (a checker run without root) can then neither read this process's
    // memory, where the job's nonce is, nor trace it.
    // SAFETY: prctl with constant arguments.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    // From here on, as process 1 of the job's PID namespace when the kernel allows it.
    if let pidns::Entered::Refused(why) = pidns::enter() {
        prepared.isolation.processes = Some(why);
    }
    let me = std::process::id();
    let parent = std::os::unix::process::parent_id();

    let (stdout_read, stdout_write) = std::io::pipe()?;
    let (stderr_read, stderr_write) = std::io::pipe()?;
    let result_pipe = if job.result_channel { Some(std::io::pipe()?) } else { None };
    let result_write_fd = result_pipe.as_ref().map(|(_, w)| w.as_raw_fd());
    let scratch = prepared.scratch.display().to_string();
    let mut command = Command::new(&job.program);
    if let Some(name) = &job.arg0 {
        command.arg0(name);
    }
    command.env_clear();
    for name in super::INHERITED_ENV {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
        .args(&job.args)
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .env("TMPDIR", &scratch)
        .env("HOME", &scratch)
        .current_dir(cwd_given.unwrap_or_else(|| prepared.scratch.clone()))
        .stdin(Stdio::piped())
        .stdout(stdout_write)
        .stderr(stderr_write);
    let (limits, max_processes, run_as) = (prepared.limits, prepared.max_processes, prepared.run_as);
    // A job on two cores may use up to twice its wall time in CPU time; beyond that (and a
    // margin) the kernel stops it even if the supervisor could not.
    let cpu_seconds = job.cpu_seconds.unwrap_or(job.timeout.as_secs() * 2 + 5);
    // SAFETY: the closure only makes async-signal-safe system calls.
    unsafe {
        command.pre_exec(move || {
            // Own process group, so the whole group can be signalled at once.
            libc::setpgid(0, 0);
            isolate::apply_in_child(&limits, max_processes, cpu_seconds, run_as)?;
            // Die with the supervisor, whatever kills it. (After the user switch, which clears it.)
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE] {
                libc::signal(signal, libc::SIG_DFL);
            }
            let first_to_close = match result_write_fd {
                Some(fd) => {
                    if fd == RESULT_FD {
                        libc::fcntl(fd, libc::F_SETFD, 0);
                    } else if libc::dup2(fd, RESULT_FD) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    RESULT_FD + 1
                }
                None => 3,
            };
            // Descriptors the checker itself inherited without close-on-exec (a jobserver from
            // cargo, a terminal's extra handles) are none of the job's business.
            close_from(first_to_close);
            Ok(())
        });
    }
    let load_before = load::Snapshot::take();
    let started = Instant::now();
    let mut child = command.spawn()?;
    drop(command);
    let target = child.id();
    let mut stdin = child.stdin.take().expect("piped");
    // A job that does not read its stdin must not block us: the nonce is tiny, and a broken
    // pipe just means the job did not want it.
    let _ = stdin.write_all(&job.stdin);
    drop(stdin);

    let result_read = result_pipe.map(|(r, w)| {
        drop(w);
        OwnedFd::from(r)
    });
    let mut job_stderr = Stream::new(OwnedFd::from(stderr_read), job.output_cap);
    if let Some(fd) = job.live_fd {
        // SAFETY: the checker handed this descriptor over for this use only (`run_live`); it
        // is made non-blocking so that a slow reader never holds up the supervision.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            libc::fcntl(fd, libc::F_SETFL, libc::fcntl(fd, libc::F_GETFL) | libc::O_NONBLOCK);
            job_stderr.forward = Some(OwnedFd::from_raw_fd(fd));
        }
    }
    let mut streams = vec![Stream::new(OwnedFd::from(stdout_read), job.output_cap), job_stderr];
    if let Some(fd) = result_read {
        // Verdicts are a line or two; 64 KiB is plenty and bounds a flood.
        streams.push(Stream::new(fd, 64 * 1024));
    }

    let deadline = started + job.timeout;
    let mut exit = None;
    let mut timed_out = None;
    let mut max_threads = 0;
    let mut most_processes = 0;
    let mut next_sample = Instant::now();
    while exit.is_none() {
        pump(&mut streams, TICK_MS);
        if Instant::now() >= next_sample {
            max_threads = max_threads.max(proctree::threads(target).len());
            most_processes = most_processes.max(proctree::descendants(me).len());
            next_sample = Instant::now() + Duration::from_millis(10);
        }
        exit = reap(target);
        if exit.is_some() {
            break;
        }
        if std::os::unix::process::parent_id() != parent {
            // The checker is gone: nobody will read a report, so just clean up.
            kill_all_descendants();
            std::process::exit(1);
        }
        if Instant::now() >= deadline {
            let diagnosis = diagnose_tree(me);
            most_processes = most_processes.max(diagnosis.threads.len());
            timed_out = Some(diagnosis);
            exit = Some(terminate(target));
        }
    }
    let wall = started.elapsed();

    // Whatever is still alive now was left behind by the job (or survived our SIGTERM).
    let left_behind: Vec<_> = proctree::descendants(me).iter().filter(|p| p.state != 'Z').map(proctree::info).collect();
    kill_all_descendants();
    // Every writer is dead now, so the pipes reach end-of-file quickly.
    let drain_until = Instant::now() + Duration::from_secs(2);
    while streams.iter().any(|s| s.open) && Instant::now() < drain_until {
        pump(&mut streams, 20);
    }
    // Every process of the job has been reaped now, so its time is in our children's account.
    let outside_load =
        load_before.zip(load::Snapshot::take()).map(|(before, after)| before.outside_share(&after, started.elapsed()));
    let result = if job.result_channel {
        streams.pop().map(|s| s.buffer.finish().head.into_bytes()).unwrap_or_default()
    } else {
        Vec::new()
    };
    let stderr = streams.pop().expect("stderr stream").buffer.finish();
    let stdout = streams.pop().expect("stdout stream").buffer.finish();
    let exit = exit.expect("the loop ends only with an exit");
    let mut limits_hit = limits_hit(&limits, exit, &stdout, &stderr, most_processes, job.output_cap);
    for hit in isolate::cgroup_events(&prepared.cgroups, &limits) {
        // The cgroup's word is better than the sampled count's, when both noticed.
        limits_hit.retain(|h| !(h.starts_with("the process limit") && hit.starts_with("the process limit")));
        limits_hit.push(hit);
    }
    Ok(RunRecord {
        exit,
        timed_out,
        left_behind,
        stdout,
        stderr,
        result,
        wall,
        max_threads,
        max_processes: most_processes,
        isolation: prepared.isolation,
        limits_hit,
        outside_load,
    })
}

/// Which limits the job ran into, told from how it ended and what it printed.
fn limits_hit(
    limits: &isolate::Limits,
    exit: Exit,
    stdout: &Captured,
    stderr: &Captured,
    processes: usize,
    cap: usize,
) -> Vec<String> {
    let mut hit = Vec::new();
    let mib = |bytes: u64| bytes >> 20;
    if exit == Exit::Signal(libc::SIGXFSZ) {
        hit.push(format!("a file grew past the {} MiB file-size limit", mib(limits.file_bytes)));
    }
    for (name, stream) in [("standard output", stdout), ("standard error", stderr)] {
        if stream.total_bytes > cap as u64 {
            hit.push(format!(
                "{name} was cut: {} bytes written, the first and last {} KiB kept",
                stream.total_bytes,
                cap >> 11
            ));
        }
    }
    // Test harnesses print a failing test's captured output on stdout: look at both.
    let errors = format!("{}{}{}{}", stderr.head, stderr.tail, stdout.head, stdout.tail);
    if errors.contains("memory allocation of") {
        hit.push(format!("the memory limit ({} MiB per process) was reached", mib(limits.memory_bytes)));
    }
    if errors.contains("Too many open files") {
        hit.push(format!("the open-file limit ({} per process) was reached", limits.open_files));
    }
    // The job may have had a few processes of its user to begin with, so a little below counts.
    if processes as u64 >= limits.processes * 9 / 10 {
        hit.push(format!(
            "the process limit was reached ({processes} processes and threads at once; {} allowed)",
            limits.processes
        ));
    }
    hit
}

/// Closes every descriptor from `first` up. Async-signal-safe: used between fork and exec.
fn close_from(first: i32) {
    // SAFETY: closing descriptors in the child between fork and exec; nothing uses them there.
    unsafe {
        if libc::syscall(libc::SYS_close_range, first as libc::c_uint, libc::c_uint::MAX, 0) != 0 {
            // Kernels before 5.9 have no close_range: close one by one up to the limit.
            let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
            let last = limit.rlim_cur.min(65_536) as i32;
            for fd in first..last {
                libc::close(fd);
            }
        }
    }
}

/// One pipe being read into a capped buffer (and passed on to `forward`, if set).
struct Stream {
    fd: OwnedFd,
    buffer: CappedBuffer,
    open: bool,
    forward: Option<OwnedFd>,
}

impl Stream {
    fn new(fd: OwnedFd, cap: usize) -> Self {
        // SAFETY: fcntl on a descriptor we own.
        unsafe {
            let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
        Stream { fd, buffer: CappedBuffer::new(cap), open: true, forward: None }
    }
}

/// Waits up to `timeout_ms` for output and reads whatever is there.
fn pump(streams: &mut [Stream], timeout_ms: i32) {
    let mut fds: Vec<libc::pollfd> = streams
        .iter()
        .filter(|s| s.open)
        .map(|s| libc::pollfd { fd: s.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 })
        .collect();
    if fds.is_empty() {
        std::thread::sleep(Duration::from_millis(timeout_ms as u64));
        return;
    }
    // SAFETY: `fds` is a valid array of pollfd for its length.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    let mut chunk = vec![0u8; 64 * 1024];
    for stream in streams.iter_mut().filter(|s| s.open) {
        // Read a bounded amount per tick, so a flood cannot starve the deadline check.
        for _ in 0..16 {
            // SAFETY: reading into a buffer we own, of the length we pass.
            let n = unsafe { libc::read(stream.fd.as_raw_fd(), chunk.as_mut_ptr().cast(), chunk.len()) };
            if n > 0 {
                stream.buffer.push(&chunk[..n as usize]);
                if let Some(forward) = &stream.forward {
                    // Best effort: what does not fit into the pipe now is not passed on.
                    // SAFETY: writing from a buffer we own, of the length we pass.
                    unsafe { libc::write(forward.as_raw_fd(), chunk.as_ptr().cast(), n as usize) };
                }
            } else if n == 0 {
                stream.open = false;
                break;
            } else {
                break; // EAGAIN: nothing more for now.
            }
        }
    }
}

/// Reaps every child that has exited; returns the target's exit if it was among them.
fn reap(target: u32) -> Option<Exit> {
    let mut target_exit = None;
    loop {
        let mut status = 0;
        // SAFETY: waitpid with a valid pointer.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return target_exit;
        }
        if pid as u32 == target {
            target_exit = Some(decode(status));
        }
    }
}

fn decode(status: i32) -> Exit {
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    }
}

/// The time is up: what was every thread doing?
fn diagnose_tree(me: u32) -> HangDiagnosis {
    let pids: Vec<u32> = proctree::descendants(me).iter().map(|p| p.pid).collect();
    diagnose::diagnose(&pids, Duration::from_millis(300))
}

/// SIGTERM to the job's group, a grace period, then SIGKILL to everything.
fn terminate(target: u32) -> Exit {
    // SAFETY: signalling a process group we created.
    unsafe { libc::kill(-(target as i32), libc::SIGTERM) };
    let until = Instant::now() + GRACE;
    while Instant::now() < until {
        if let Some(exit) = reap(target) {
            return exit;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    kill_all_descendants();
    let mut status = 0;
    // SAFETY: waiting for our own child, which SIGKILL has ended.
    let pid = unsafe { libc::waitpid(target as i32, &mut status, 0) };
    if pid == target as i32 {
        decode(status)
    } else {
        Exit::Signal(libc::SIGKILL)
    }
}

/// Kills every descendant, again and again until none is left, reaping as it goes.
/// Repeating catches processes forked while the previous round was being killed.
pub fn kill_all_descendants() {
    let me = std::process::id();
    for _ in 0..200 {
        let alive = proctree::descendants(me);
        if alive.is_empty() {
            return;
        }
        for process in &alive {
            // SAFETY: signalling a descendant; a stale PID is a harmless ESRCH.
            unsafe { libc::kill(process.pid as i32, libc::SIGKILL) };
        }
        reap(0);
        std::thread::sleep(Duration::from_millis(2));
    }
}
