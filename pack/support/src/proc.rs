//! Reading a process from the outside through `/proc`: its threads, children, descriptors and
//! memory. Every function takes a PID and returns what the kernel says now.

use std::fs;
use std::io;

/// Process IDs of every thread of `pid` (`/proc/PID/task`).
pub fn threads(pid: u32) -> io::Result<Vec<u32>> {
    numeric_entries(&format!("/proc/{pid}/task"))
}

/// Open descriptor numbers of `pid` (`/proc/PID/fd`).
pub fn fds(pid: u32) -> io::Result<Vec<i32>> {
    Ok(numeric_entries(&format!("/proc/{pid}/fd"))?.into_iter().map(|fd| fd as i32).collect())
}

/// The lowest descriptor number `pid` does not have open: the number its next open, socket or
/// accept would get. A soft descriptor limit (RLIMIT_NOFILE) at this number makes that call
/// fail with EMFILE, whatever gaps lie above it.
pub fn lowest_free_descriptor(pid: u32) -> io::Result<u64> {
    let open: std::collections::BTreeSet<i32> = fds(pid)?.into_iter().collect();
    Ok((0..).find(|fd| !open.contains(fd)).unwrap_or(0) as u64)
}

/// Direct children of `pid`, found by scanning every process's parent.
pub fn children(pid: u32) -> Vec<u32> {
    all_pids().into_iter().filter(|&p| parent(p) == Some(pid)).collect()
}

/// The parent PID of `pid`, or `None` if it is gone.
pub fn parent(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

/// The one-letter state of `pid` (`R`, `S`, `D`, `Z`, `T`, ...), or `None` if it is gone.
pub fn state(pid: u32) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

/// A field of `/proc/PID/status` in kB (`VmRSS`, `VmSize`, ...).
pub fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// Every PID on the system.
pub fn all_pids() -> Vec<u32> {
    numeric_entries("/proc").unwrap_or_default()
}

/// The fields of `/proc/PID/stat` after the command name: index 0 is the state, 1 the parent.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself contain spaces or parentheses.
    let after = &stat[stat.rfind(')')? + 1..];
    Some(after.split_whitespace().map(str::to_owned).collect())
}

fn numeric_entries(dir: &str) -> io::Result<Vec<u32>> {
    let mut out: Vec<u32> = fs::read_dir(dir)?.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
    out.sort_unstable();
    Ok(out)
}

/// Direct children of `pid`, read from `/proc/PID/task/*/children` (one small file per thread,
/// fast enough to sample every millisecond); falls back to [`children`] on kernels without it.
pub fn children_fast(pid: u32) -> Vec<u32> {
    let Ok(tasks) = numeric_entries(&format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for tid in tasks {
        match fs::read_to_string(format!("/proc/{pid}/task/{tid}/children")) {
            Ok(text) => out.extend(text.split_whitespace().filter_map(|p| p.parse::<u32>().ok())),
            Err(e) if e.kind() == io::ErrorKind::NotFound && tid == pid => {
                if fs::metadata(format!("/proc/{pid}/task/{tid}")).is_ok() {
                    // The thread exists but the file does not: no CONFIG_PROC_CHILDREN.
                    return children(pid);
                }
            }
            Err(_) => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// CPU time `pid` has used so far (user + system), or `None` if it is gone. A zombie still
/// shows the time it used.
pub fn cpu_time(pid: u32) -> Option<std::time::Duration> {
    cpu_from_stat(&stat_fields(pid)?)
}

/// `/proc/stat`, opened before any student code runs (see [`crate::main`]) and read again from
/// its start each time, so that code which uses up every descriptor cannot blind a load
/// measurement.
static MACHINE_STAT: std::sync::OnceLock<Option<fs::File>> = std::sync::OnceLock::new();

/// Opens what the load measurements read; called before the check runs.
pub(crate) fn open_early() {
    MACHINE_STAT.get_or_init(|| fs::File::open("/proc/stat").ok());
}

/// Clock ticks the machine's CPUs spent busy (anything but idle and waiting for I/O; time
/// stolen by a hypervisor counts as busy), from the first line of /proc/stat.
pub fn machine_busy_ticks() -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let file = MACHINE_STAT.get_or_init(|| fs::File::open("/proc/stat").ok()).as_ref()?;
    let mut buffer = vec![0u8; 4096];
    let read = file.read_at(&mut buffer, 0).ok()?;
    let text = String::from_utf8_lossy(&buffer[..read]);
    let fields: Vec<u64> =
        text.lines().next()?.strip_prefix("cpu ")?.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let total: u64 = fields.iter().take(8).sum();
    Some(total - fields.get(3)? - fields.get(4).unwrap_or(&0))
}

/// CPU time used so far by the whole job this check belongs to: every process below the
/// supervisor that started it (its parent), this one included, whatever the code under test
/// started or detached. A load measurement subtracts it, so the code under test cannot make
/// the machine look busy with processes of its own.
pub fn job_cpu_time() -> Option<std::time::Duration> {
    let supervisor = std::os::unix::process::parent_id();
    let mut total = std::time::Duration::ZERO;
    let mut stack = vec![std::process::id()];
    stack.extend(children_fast(supervisor));
    let mut seen = std::collections::BTreeSet::new();
    while let Some(pid) = stack.pop() {
        if !seen.insert(pid) {
            continue;
        }
        // With the time of its children that ended and were waited for, which the kernel
        // adds to their parent's.
        total += stat_fields(pid).and_then(|fields| cpu_from_stat_with_children(&fields)).unwrap_or_default();
        stack.extend(children_fast(pid));
    }
    Some(total)
}

/// The last process or thread id the kernel handed out in the caller's PID namespace
/// (`/proc/sys/kernel/ns_last_pid`). Every fork and every new thread takes the next free id, so
/// the difference between two readings is at least the number of processes and threads
/// created in between: exactly that in the job's own namespace while nothing else starts, more
/// when other processes share the namespace. `None` where it cannot be read.
pub fn last_pid_in_namespace() -> Option<u64> {
    fs::read_to_string("/proc/sys/kernel/ns_last_pid").ok()?.trim().parse().ok()
}

/// Whether `pid` still exists (running, stopped or zombie).
pub fn exists(pid: u32) -> bool {
    fs::metadata(format!("/proc/{pid}")).is_ok()
}

/// The kernel's id of the calling thread: its entry in `/proc/self/task`.
pub fn current_tid() -> u32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u32 }
}

/// CPU time (user + system) that thread `tid` of process `pid` has used so far, from
/// `/proc/PID/task/TID/stat`, or `None` if the thread is gone. The kernel counts it in clock
/// ticks (usually 10 ms).
pub fn thread_cpu_time(pid: u32, tid: u32) -> Option<std::time::Duration> {
    cpu_from_stat(&task_stat_fields(pid, tid)?)
}

/// The one-letter state of thread `tid` of process `pid` (`R` running, `S` sleeping, ...).
pub fn thread_state(pid: u32, tid: u32) -> Option<char> {
    task_stat_fields(pid, tid)?.first()?.chars().next()
}

/// CPU time the calling thread has used so far, by its own clock (`CLOCK_THREAD_CPUTIME_ID`:
/// nanoseconds, not ticks). Unlike wall time it does not grow while the thread waits for a core,
/// so a short measurement of work is the same on a crowded machine.
pub fn own_thread_cpu() -> std::time::Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a plain clock read into a local.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    std::time::Duration::new(now.tv_sec.max(0) as u64, now.tv_nsec.clamp(0, 999_999_999) as u32)
}

/// How many times the calling thread has gone to sleep by itself so far (voluntary context
/// switches, from getrusage(RUSAGE_THREAD)): a call that never waits adds none, one that waits
/// for something, however briefly, adds one each time.
pub fn own_thread_sleeps() -> u64 {
    // SAFETY: rusage is plain data; all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_THREAD asks about the calling thread; `usage` is a valid pointer.
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    usage.ru_nvcsw.max(0) as u64
}

/// How many times thread `tid` of process `pid` has gone to sleep by itself (voluntary context
/// switches: each wait, sleep or blocking call that had to wait), from `/proc/PID/task/TID/status`.
/// A thread blocked on a condition variable does not add any while it stays blocked; one that
/// polls (sleeps briefly and looks again) adds one per look.
pub fn thread_sleeps(pid: u32, tid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/task/{tid}/status")).ok()?;
    status.lines().find_map(|line| line.strip_prefix("voluntary_ctxt_switches:")?.trim().parse().ok())
}

/// Sets the soft descriptor limit (RLIMIT_NOFILE) of the running process `pid` to `soft` (the
/// hard limit stays) and returns the soft limit it had. A process of the same user may be
/// changed from outside (`prlimit`): a server whose limit is lowered below what it would open
/// meets EMFILE in its next accept, as a server that runs out of descriptors does.
pub fn set_descriptor_limit(pid: u32, soft: u64) -> io::Result<u64> {
    let mut old = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: prlimit reads and writes structs we own; a null new limit only reads.
    unsafe {
        if libc::prlimit(pid as libc::pid_t, libc::RLIMIT_NOFILE, std::ptr::null(), &mut old) != 0 {
            return Err(io::Error::last_os_error());
        }
        let new = libc::rlimit { rlim_cur: soft.min(old.rlim_max), rlim_max: old.rlim_max };
        if libc::prlimit(pid as libc::pid_t, libc::RLIMIT_NOFILE, &new, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(old.rlim_cur)
}

/// The fields of `/proc/PID/task/TID/stat` after the command name, as in [`stat_fields`].
fn task_stat_fields(pid: u32, tid: u32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    Some(after.split_whitespace().map(str::to_owned).collect())
}

/// utime + stime of a stat line's fields (after the command name), in wall-clock units.
/// utime + stime + cutime + cstime: a process's CPU time and that of its children it waited for.
fn cpu_from_stat_with_children(fields: &[String]) -> Option<std::time::Duration> {
    // After the command name: index 13 is cutime, 14 is cstime (fields 16 and 17 of stat(5)).
    let cutime: u64 = fields.get(13)?.parse().ok()?;
    let cstime: u64 = fields.get(14)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(cpu_from_stat(fields)? + std::time::Duration::from_millis((cutime + cstime) * 1000 / ticks))
}

fn cpu_from_stat(fields: &[String]) -> Option<std::time::Duration> {
    // After the command name: index 11 is utime, 12 is stime (fields 14 and 15 of stat(5)).
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(std::time::Duration::from_millis((utime + stime) * 1000 / ticks))
}

/// Stops `pid` (SIGSTOP) and lets it go on (SIGCONT) right away, as job control does (Ctrl-Z,
/// then `fg`). Every system call the process was blocked in is interrupted: most start again by
/// themselves, but a write that had already sent part of its bytes returns that part (a short
/// write), which a program must go on with. Waits until the process was seen stopped, at most
/// 100 ms, so that the stop really happened before the process goes on.
pub fn stop_and_continue(pid: u32) -> io::Result<()> {
    let signal = |sig| {
        // SAFETY: kill has no memory effects; a wrong PID is an error, not undefined behaviour.
        if unsafe { libc::kill(pid as libc::pid_t, sig) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    signal(libc::SIGSTOP)?;
    let until = std::time::Instant::now() + std::time::Duration::from_millis(100);
    while state(pid).is_some_and(|s| s != 'T') && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    signal(libc::SIGCONT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn every_new_thread_and_process_moves_the_last_pid() {
        let before = last_pid_in_namespace().expect("ns_last_pid is readable");
        std::thread::spawn(|| ()).join().unwrap();
        std::process::Command::new("true").status().unwrap();
        let after = last_pid_in_namespace().unwrap();
        // Ids wrap around at pid_max only after millions of them.
        assert!(after >= before + 2, "before {before}, after {after}");
    }

    #[test]
    fn the_lowest_free_descriptor_of_a_child_with_only_stdio_is_3() {
        // (Not this process: listing its own /proc/self/fd takes a descriptor meanwhile.)
        let mut child = std::process::Command::new("sleep").arg("5").spawn().expect("sleep runs");
        let free = lowest_free_descriptor(child.id());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(free.unwrap(), 3);
    }

    #[test]
    fn a_thread_that_waits_counts_a_sleep_per_wait_and_one_that_computes_none() {
        let before = own_thread_sleeps();
        for _ in 0..5 {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(own_thread_sleeps() >= before + 5);
        let before = own_thread_sleeps();
        let mut x = 0u64;
        for i in 0..1_000_000u64 {
            x = std::hint::black_box(x.wrapping_add(i));
        }
        // Preemption by another process is involuntary and not counted.
        assert!(own_thread_sleeps() <= before + 1, "{x}");
    }

    #[test]
    fn a_spinning_thread_uses_cpu_and_a_sleeping_one_does_not() {
        let pid = std::process::id();
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        // The spinner spins until it has used 80 ms of CPU by its own clock (however long a
        // crowded machine makes that take): what /proc says of it must agree.
        let spinner = std::thread::spawn(move || {
            let (start, end) = (Instant::now(), Instant::now() + Duration::from_secs(20));
            let mut cpu = Duration::ZERO;
            while cpu < Duration::from_millis(80) && Instant::now() < end {
                std::hint::spin_loop();
                cpu = own_thread_cpu();
            }
            tx.send((current_tid(), cpu, start.elapsed())).unwrap();
            stopped.recv().unwrap();
        });
        let (tid, own, took) = rx.recv().unwrap();
        assert!(threads(pid).unwrap().contains(&tid));
        let spun = thread_cpu_time(pid, tid).unwrap();
        assert!(
            spun >= Duration::from_millis(50),
            "a thread that spun until its own clock said {own:?} of CPU ({took:?} of wall time) used only {spun:?} by /proc"
        );
        stop.send(()).unwrap();
        spinner.join().unwrap();

        let me = current_tid();
        let before = thread_cpu_time(pid, me).unwrap();
        let sleeps = thread_sleeps(pid, me).unwrap();
        assert_eq!(thread_state(pid, me), Some('R'));
        std::thread::sleep(Duration::from_millis(200));
        let slept = thread_cpu_time(pid, me).unwrap() - before;
        assert!(slept < Duration::from_millis(100), "a sleeping thread used {slept:?} of CPU");
        for _ in 0..5 {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(thread_sleeps(pid, me).unwrap() >= sleeps + 5);
    }
}

#[cfg(test)]
mod job_tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_jobs_cpu_time_counts_the_processes_it_started_running_or_ended() {
        let before = job_cpu_time().expect("readable");
        let spinner = std::thread::spawn(|| {
            std::process::Command::new("timeout").args(["1", "sh", "-c", "while :; do :; done"]).status()
        });
        std::thread::sleep(Duration::from_millis(600));
        let running = job_cpu_time().expect("readable").saturating_sub(before);
        // However busy the machine, a spinner gets some of a core in 600 ms.
        assert!(running > Duration::ZERO, "a running spinner was not counted");
        assert!(spinner.join().is_ok_and(|status| status.is_ok()));
        let ended = job_cpu_time().expect("readable").saturating_sub(before);
        assert!(ended >= running, "an ended spinner: counted only {ended:?}, {running:?} while it ran");
        assert!(machine_busy_ticks().is_some());
    }

    #[test]
    fn a_stopped_and_continued_process_runs_on() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        for _ in 0..3 {
            stop_and_continue(child.id()).unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
        assert_ne!(state(child.id()), Some('T'), "the process was left stopped");
        assert!(child.try_wait().unwrap().is_none(), "the process ended");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(stop_and_continue(child.id()).is_err(), "a process that is gone is an error");
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn a_lowered_descriptor_limit_is_what_the_other_process_has_then() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().expect("sleep runs");
        let pid = child.id();
        let limit = || {
            let limits = fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
            let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap().to_owned();
            line.split_whitespace().nth(3).unwrap().parse::<u64>().unwrap()
        };
        let before = limit();
        assert_eq!(set_descriptor_limit(pid, 16).unwrap(), before);
        assert_eq!(limit(), 16);
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
