//! Hidden checks of ex02_fork: the process tree of the student's program, watched from outside.
//!
//! Every check runs `ex02_fork 3 N`, with N chosen so that each worker computes for about
//! 200 ms (calibrated by timing a copy of the exercise's `work` function here, in CPU time so
//! that a loaded machine does not shrink it). This check program makes itself a child subreaper
//! (`prctl(PR_SET_CHILD_SUBREAPER)`): a child the student's program leaves behind when it exits
//! is re-parented to the checker instead of to init, so it can be named by PID and reaped here.
//!
//! While the program runs, the checker samples `/proc/PID/task/*/children` every millisecond
//! and records each distinct child and the CPU time it used (and the program's own, to tell
//! who did the work). After the program exits, every child that still exists (a zombie nobody
//! waited for, or an orphan still running) was not reaped by the program. The output lines
//! `total:` and `parent counter:` are compared with a total computed here and with 0.

use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use pack_support::{failure, proc, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        forks_n_children,
        reaps_every_child,
        memory_not_shared,
        correct_total,
        parent_waits_without_spinning,
        shares_through_a_pipe,
        any_number_of_workers
    ])
}

/// Workers asked for on the command line.
const WORKERS: usize = 3;
/// How long each worker should compute, so that sampling every millisecond cannot miss it.
const TARGET_PER_WORKER: Duration = Duration::from_millis(200);
/// How long the program may run before the check gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(20);

/// Observes `forks-n-children`, `children-run-together` (every child exists at one time),
/// `children-compute-their-shares` and `child-leaves-with-exit` (every child exits with status
/// 0, read while the parent is frozen and cannot reap it).
fn forks_n_children(ctx: &Context) -> Verdict {
    let n = choose_n();
    let run = Run::observe_with(ctx, WORKERS, n, true)?;
    run.exited_ok()?;
    let pids = run.child_pids();
    let count = pids.len();
    if count != WORKERS {
        let observed = match count {
            0 => text!("ex02-saw-no-child", pid = run.pid, elapsed = run.elapsed.as_millis() as u64),
            1 => text!("ex02-saw-one-child", pid = pids[0], workers = WORKERS),
            _ => text!("ex02-saw-children", count, pids = list(&pids), workers = WORKERS),
        };
        let why = match count {
            0 => text!("ex02-no-fork"),
            1 => text!("ex02-one-fork"),
            c if c < WORKERS => text!("ex02-too-few-forks", count = c, workers = WORKERS),
            _ => text!("ex02-too-many-forks"),
        };
        return Err(failure!("ex02-wrong-child-count", observed, workers = WORKERS, n, why));
    }
    // Each child computes for about TARGET_PER_WORKER: forked before the parent waits for any,
    // they all exist at once for that long, which sampling every millisecond cannot miss.
    if run.most_at_once < WORKERS {
        return Err(failure!(
            "ex02-children-one-at-a-time",
            count,
            most = run.most_at_once,
            workers = WORKERS,
            per_worker = TARGET_PER_WORKER.as_millis() as u64
        ));
    }
    // The children, not the parent, must do the work: compare their CPU time.
    let children_cpu: Duration = run.children.iter().map(|c| c.cpu).sum();
    if run.parent_cpu >= Duration::from_millis(60) && children_cpu * 2 < run.parent_cpu {
        return Err(failure!(
            "ex02-parent-did-the-work",
            parent_cpu = run.parent_cpu.as_millis() as u64,
            count,
            children_cpu = children_cpu.as_millis() as u64
        ));
    }
    // Every child must have computed a share: compare the CPU time each one used.
    let busiest = run.children.iter().map(|c| c.cpu).max().unwrap_or_default();
    if busiest >= Duration::from_millis(40) {
        if let Some(idle) = run.children.iter().find(|c| c.cpu * 5 < busiest) {
            return Err(failure!(
                "ex02-idle-child",
                pid = idle.pid,
                cpu = idle.cpu.as_millis() as u64,
                busiest = busiest.as_millis() as u64,
                per_child = run
                    .children
                    .iter()
                    .map(|c| format!("{}: {} ms", c.pid, c.cpu.as_millis()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    // Every child must leave with status 0 once its share is sent.
    let bad: Vec<String> = run
        .children
        .iter()
        .filter_map(|c| match c.exit {
            Some(status) if status != 0 => Some(describe_wait_status(c.pid, status)),
            _ => None,
        })
        .collect();
    if !bad.is_empty() {
        return Err(failure!("ex02-child-bad-exit", count, statuses = bad.join(", ")));
    }
    Ok(())
}

/// Observes `parent-blocks-while-waiting`: while the children compute, the program's own
/// process is blocked (reading the pipe, in waitpid): its CPU is small next to one child's and
/// it wakes up about once per message, not hundreds of times a second.
fn parent_waits_without_spinning(ctx: &Context) -> Verdict {
    let run = Run::observe(ctx, choose_n())?;
    run.exited_ok()?;
    if run.children.is_empty() {
        return Err(no_children(&run, text!("ex02-nothing-to-wait-for")));
    }
    let Some(wait) = &run.wait else { return Ok(()) };
    let count = run.children.len();
    let children_cpu: Duration = run.children.iter().map(|c| c.cpu).sum();
    let per_child = children_cpu / count as u32;
    let spins = wait.cpu >= Duration::from_millis(40) && wait.cpu * 4 >= per_child;
    // A blocked parent wakes for each share and each child's exit (and a few times more).
    let extra = wait.sleeps.saturating_sub(4 * count as u64 + 4);
    let polls = extra as f64 / wait.wall.as_secs_f64().max(0.05) > 100.0;
    if !spins && !polls {
        return Ok(());
    }
    Err(failure!(
        "ex02-parent-busy-waiting",
        count,
        per_child = per_child.as_millis() as u64,
        cpu = wait.cpu.as_millis() as u64,
        wall = wait.wall.as_millis() as u64,
        sleeps = wait.sleeps,
        why = if spins { text!("ex02-parent-spins") } else { text!("ex02-parent-polls") }
    ))
}

/// Observes `shares-through-a-pipe`: while the children compute, each of them and the parent
/// have one pipe (or socket) open in common, made before fork.
fn shares_through_a_pipe(ctx: &Context) -> Verdict {
    let run = Run::observe(ctx, choose_n())?;
    run.exited_ok()?;
    if run.children.is_empty() {
        return Err(no_children(&run, text!("ex02-nothing-to-share-a-pipe")));
    }
    let cut_off: Vec<&Seen> = run.children.iter().filter(|c| c.channels.is_disjoint(&run.parent_channels)).collect();
    if cut_off.is_empty() {
        return Ok(());
    }
    let show = |set: &BTreeSet<String>| {
        if set.is_empty() {
            text!("ex02-no-pipe-or-socket")
        } else {
            set.iter().cloned().collect::<Vec<_>>().join(" ")
        }
    };
    Err(failure!(
        "ex02-no-shared-pipe",
        parent = show(&run.parent_channels),
        children = cut_off
            .iter()
            .map(|c| text!("ex02-child-had", pid = c.pid, channels = show(&c.channels)))
            .collect::<Vec<_>>()
            .join("; ")
    ))
}

/// Observes `any-number-of-workers`, `refuses-zero-workers` and `forks-n-children`: one worker
/// alone, more workers than numbers (empty shares) and nothing to sum give the right total,
/// every child reaped, and as many children as workers, empty shares included (counted by the
/// process ids the kernel handed out: such a child may live too briefly to be seen); zero
/// workers is a usage error (status 2) that forks nothing.
fn any_number_of_workers(ctx: &Context) -> Verdict {
    let big = choose_n() / WORKERS as u64;
    for (workers, n) in [(1usize, big), (5, 3), (4, 0), (7, 5)] {
        let run = Run::observe_with(ctx, workers, n, false)?;
        run.exited_ok()?;
        let out = run.output()?;
        let expected: u64 = (0..n).map(work).sum();
        if out.total != expected {
            let why = if workers > n as usize { text!("ex02-empty-shares") } else { text!("ex02-whole-range") };
            return Err(failure!(
                "ex02-wrong-total-for-workers",
                workers,
                n,
                total = out.total.to_string(),
                expected = expected.to_string(),
                why
            ));
        }
        if workers == 1 && run.children.len() != 1 {
            return Err(failure!("ex02-single-worker-children", n, count = run.children.len()));
        }
        // Children with empty shares live too briefly to be seen; the ids the kernel handed out
        // count them. (More ids than children, from threads or from other processes, can only
        // hide a shortfall, never invent one.)
        if let Some(created) = run.created_at_least.filter(|created| *created < workers as u64) {
            return Err(failure!("ex02-fewer-children-than-workers", workers, n, created));
        }
        if !run.leftovers.is_empty() {
            return Err(failure!("ex02-workers-not-reaped", workers, n, count = run.leftovers.len()));
        }
    }
    // Zero workers: the provided main refuses it before fork_sum runs.
    let run = Run::observe_with(ctx, 0, 100, false)?;
    if run.status.code() != Some(2) || !run.children.is_empty() {
        return Err(failure!(
            "ex02-zero-workers-accepted",
            status = run.status.to_string(),
            stdout = format!("{:?}", run.stdout),
            count = run.children.len()
        ));
    }
    Ok(())
}

/// Observes `reaps-every-child`: no child of the program is left when it exits.
fn reaps_every_child(ctx: &Context) -> Verdict {
    let run = Run::observe(ctx, choose_n())?;
    if run.children.is_empty() {
        run.exited_ok()?;
        return Err(no_children(&run, text!("ex02-nothing-to-reap")));
    }
    if !run.leftovers.is_empty() {
        let described: Vec<String> = run.leftovers.iter().map(|(pid, state)| describe_leftover(*pid, *state)).collect();
        let zombies = run.leftovers.iter().filter(|(_, s)| *s == 'Z').count();
        let running = run.leftovers.len() - zombies;
        let mut why = Vec::new();
        if zombies > 0 {
            why.push(text!("ex02-why-zombie"));
        }
        if running > 0 {
            why.push(text!("ex02-why-orphan"));
        }
        why.push(text!("ex02-why-waitpid"));
        return Err(failure!(
            "ex02-not-reaped",
            pid = run.pid,
            count = run.leftovers.len(),
            children = run.children.len(),
            described = described.join("; "),
            why = why.join("; ")
        ));
    }
    run.exited_ok()
}

/// Observes `memory-copied-not-shared`.
fn memory_not_shared(ctx: &Context) -> Verdict {
    let run = Run::observe(ctx, choose_n())?;
    run.exited_ok()?;
    let out = run.output()?;
    if out.parent_counter != 0 {
        let why = if run.children.is_empty() {
            text!("ex02-counter-threads")
        } else if out.parent_counter == out.total {
            text!("ex02-counter-is-total")
        } else {
            text!("ex02-counter-copied")
        };
        return Err(failure!(
            "ex02-parent-counter-changed",
            parent_counter = out.parent_counter.to_string(),
            total = out.total.to_string(),
            why
        ));
    }
    if run.children.is_empty() {
        return Err(no_children(&run, text!("ex02-nothing-to-count")));
    }
    Ok(())
}

/// Observes `correct-total`, `shares-reach-the-parent` and `children-compute-their-shares`.
fn correct_total(ctx: &Context) -> Verdict {
    let n = choose_n();
    let run = Run::observe(ctx, n)?;
    run.exited_ok()?;
    let out = run.output()?;
    let expected: u64 = (0..n).map(work).sum();
    if out.total == expected {
        return Ok(());
    }
    let shares: Vec<u64> = (0..WORKERS).map(|i| share(i, WORKERS, n).map(work).sum()).collect();
    let chunk = n / WORKERS as u64;
    let tail: u64 = (chunk * WORKERS as u64..n).map(work).sum();
    let why = if out.total + tail == expected && tail > 0 {
        text!("ex02-remainder-dropped", from = chunk * WORKERS as u64, n, workers = WORKERS, chunk)
    } else if out.total == expected * WORKERS as u64 {
        text!("ex02-total-times-workers")
    } else if let Some(i) = shares.iter().position(|&s| s == out.total) {
        text!("ex02-total-is-one-share", worker = i)
    } else if out.total > expected {
        text!("ex02-total-too-big")
    } else {
        text!("ex02-total-too-small")
    };
    Err(failure!(
        "ex02-wrong-total",
        workers = WORKERS,
        n,
        total = out.total.to_string(),
        direction = if out.total > expected { "more" } else { "less" },
        difference = out.total.abs_diff(expected).to_string(),
        expected = expected.to_string(),
        why
    ))
}

/// A copy of the exercise's provided `work`: the number of Collatz steps of k + 1.
fn work(k: u64) -> u64 {
    let mut x = k + 1;
    let mut steps = 0;
    while x != 1 {
        x = if x.is_multiple_of(2) { x / 2 } else { 3 * x + 1 };
        steps += 1;
    }
    steps
}

/// A copy of the exercise's provided `share`: `workers` contiguous ranges covering 0..n.
fn share(worker: usize, workers: usize, n: u64) -> std::ops::Range<u64> {
    let bound = |i: usize| (u128::from(n) * i as u128 / workers as u128) as u64;
    bound(worker)..bound(worker + 1)
}

/// N such that each of the workers computes for about TARGET_PER_WORKER, and N % WORKERS != 0.
fn choose_n() -> u64 {
    let mut m = 5_000u64;
    let rate = loop {
        let start = thread_cpu();
        let sum: u64 = (0..m).map(work).sum();
        std::hint::black_box(sum);
        let spent = thread_cpu().saturating_sub(start);
        if spent >= Duration::from_millis(20) || m >= 1 << 30 {
            break m as f64 / spent.as_secs_f64().max(1e-6);
        }
        m *= 2;
    };
    let mut n = (rate * TARGET_PER_WORKER.as_secs_f64() * WORKERS as f64) as u64;
    n = n.max(3_000);
    // Leave a remainder, so that dropping it (n / workers per child) changes the total.
    n - n % WORKERS as u64 + 2
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A child of the student's program, as sampled.
struct Seen {
    pid: u32,
    cpu: Duration,
    /// Pipes and sockets it had open (beyond 0, 1 and 2), as /proc/PID/fd names them.
    channels: BTreeSet<String>,
    /// Its exit status as waitpid would give it, read while it was an unreaped zombie.
    exit: Option<i32>,
}

/// What the program's own process did while its children ran.
struct Wait {
    wall: Duration,
    cpu: Duration,
    /// Times its threads went to sleep by themselves (voluntary context switches).
    sleeps: u64,
}

/// What one run of the student's program showed.
struct Run {
    pid: u32,
    workers: usize,
    n: u64,
    status: ExitStatus,
    stdout: String,
    elapsed: Duration,
    /// CPU time the program's own process used (its children not included).
    parent_cpu: Duration,
    /// Distinct children, in the order they were first seen.
    children: Vec<Seen>,
    /// The most children (running or exited, not yet reaped) that the program had at one look.
    most_at_once: usize,
    /// Children still there when the program had exited, with their state then.
    leftovers: Vec<(u32, char)>,
    /// Pipes and sockets the program's own process had open (beyond 0, 1 and 2).
    parent_channels: BTreeSet<String>,
    /// The program's own CPU and wake-ups from its first child on.
    wait: Option<Wait>,
    /// At least how many processes and threads the program created (its children however
    /// briefly they lived): ids handed out in the job's PID namespace while it ran, less the
    /// program and this check's reader thread. More if anything else started meanwhile.
    created_at_least: Option<u64>,
}

struct Output {
    total: u64,
    parent_counter: u64,
}

impl Run {
    fn observe(ctx: &Context, n: u64) -> Result<Run, Failure> {
        Run::observe_with(ctx, WORKERS, n, false)
    }

    /// Runs `ex02_fork workers n` and watches it. With `freeze`, the program's own process is
    /// stopped (SIGSTOP) once `workers` children were seen, until every child has exited, so
    /// that the children's exit statuses can be read from /proc while they are zombies nobody
    /// has reaped yet; then it is let go on (SIGCONT).
    fn observe_with(ctx: &Context, workers: usize, n: u64, freeze: bool) -> Result<Run, Failure> {
        // SAFETY: prctl with integer arguments only.
        let rc = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
        assert_eq!(rc, 0, "prctl(PR_SET_CHILD_SUBREAPER) failed");
        let last_pid_before = proc::last_pid_in_namespace();

        let mut child = Command::new(ctx.student_bin())
            .arg(workers.to_string())
            .arg(n.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| failure!("ex02-could-not-start", error = e.to_string()))?;
        let pid = child.id();
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let reader = thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });

        let start = Instant::now();
        let mut children: Vec<Seen> = Vec::new();
        let mut most_at_once = 0;
        let mut parent_cpu = Duration::ZERO;
        let mut parent_channels: BTreeSet<String> = BTreeSet::new();
        // The parent's CPU and wake-ups when its first child was seen, and the latest values.
        let mut waiting: Option<(Instant, Duration, u64)> = None;
        let mut latest = (Instant::now(), Duration::ZERO, 0u64);
        let mut frozen = false;
        let mut samples = 0u64;
        let status = loop {
            samples += 1;
            let now_cpu = proc::cpu_time(pid).unwrap_or_default();
            parent_cpu = parent_cpu.max(now_cpu);
            if let Some(sleeps) = process_sleeps(pid) {
                latest = (Instant::now(), parent_cpu, sleeps);
            }
            if samples % 10 == 1 {
                parent_channels.extend(channels(pid));
            }
            let now_children = proc::children_fast(pid);
            most_at_once = most_at_once.max(now_children.len());
            for c in now_children {
                let cpu = proc::cpu_time(c).unwrap_or_default();
                match children.iter_mut().find(|s| s.pid == c) {
                    Some(seen) => {
                        seen.cpu = seen.cpu.max(cpu);
                        if samples % 10 == 1 {
                            seen.channels.extend(channels(c));
                        }
                    }
                    None => {
                        children.push(Seen { pid: c, cpu, channels: channels(c), exit: None });
                        if waiting.is_none() {
                            waiting = Some(latest);
                        }
                    }
                }
            }
            if freeze && !frozen && children.len() >= workers {
                frozen = true;
                freeze_until_children_exit(pid, &mut children);
            }
            if let Some(status) = child.try_wait().expect("waiting for the program") {
                break status;
            }
            if start.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                reap_leftovers();
                return Err(failure!(
                    "ex02-still-running",
                    workers,
                    n,
                    seconds = RUN_LIMIT.as_secs(),
                    per_worker = TARGET_PER_WORKER.as_millis() as u64
                ));
            }
            thread::sleep(Duration::from_millis(1));
        };
        let elapsed = start.elapsed();

        // The program is gone: whatever of its children still exists was not waited for. The
        // kernel has already re-parented them to this subreaper.
        let mut leftovers: Vec<(u32, char)> = children
            .iter()
            .filter_map(|c| {
                proc::state(c.pid).filter(|_| proc::parent(c.pid) == Some(std::process::id())).map(|s| (c.pid, s))
            })
            .collect();
        for c in proc::children_fast(std::process::id()) {
            if !leftovers.iter().any(|(p, _)| *p == c) {
                if let Some(s) = proc::state(c) {
                    leftovers.push((c, s));
                    children.push(Seen {
                        pid: c,
                        cpu: proc::cpu_time(c).unwrap_or_default(),
                        channels: BTreeSet::new(),
                        exit: None,
                    });
                }
            }
        }
        for (pid, _) in &leftovers {
            if let Some(seen) = children.iter_mut().find(|s| s.pid == *pid) {
                seen.cpu = seen.cpu.max(proc::cpu_time(*pid).unwrap_or_default());
            }
        }
        reap_leftovers();
        let stdout = reader.join().unwrap_or_default();
        // The program itself and the reader thread took two of the ids. A reading lower than
        // before means the ids wrapped around at pid_max: nothing is known then.
        let created_at_least = last_pid_before
            .zip(proc::last_pid_in_namespace())
            .and_then(|(before, after)| after.checked_sub(before))
            .map(|handed_out| handed_out.saturating_sub(2));
        eprintln!(
            "ran `ex02_fork {workers} {n}` (PID {pid}) in {} ms: {status}; its CPU: {} ms; children (CPU used): {}; not reaped: {:?}",
            elapsed.as_millis(),
            parent_cpu.as_millis(),
            children.iter().map(|c| format!("{} ({} ms)", c.pid, c.cpu.as_millis())).collect::<Vec<_>>().join(", "),
            leftovers
        );
        let wait = waiting.map(|(at, cpu, sleeps)| Wait {
            wall: latest.0.saturating_duration_since(at),
            cpu: latest.1.saturating_sub(cpu),
            sleeps: latest.2.saturating_sub(sleeps),
        });
        Ok(Run {
            pid,
            workers,
            n,
            status,
            stdout,
            elapsed,
            parent_cpu,
            children,
            most_at_once,
            leftovers,
            parent_channels,
            wait,
            created_at_least,
        })
    }

    fn child_pids(&self) -> Vec<u32> {
        self.children.iter().map(|c| c.pid).collect()
    }

    fn exited_ok(&self) -> Verdict {
        if self.status.success() {
            return Ok(());
        }
        Err(failure!(
            "ex02-bad-exit",
            workers = self.workers,
            n = self.n,
            status = self.status.to_string(),
            stdout = format!("{:?}", self.stdout)
        ))
    }

    fn output(&self) -> Result<Output, Failure> {
        let value = |name: &str| -> Option<u64> {
            self.stdout.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.trim().parse().ok())
        };
        match (value("total"), value("parent counter")) {
            (Some(total), Some(parent_counter)) => Ok(Output { total, parent_counter }),
            _ => Err(failure!(
                "ex02-output-malformed",
                workers = self.workers,
                n = self.n,
                stdout = format!("{:?}", self.stdout)
            )),
        }
    }
}

/// Sum of the voluntary context switches of every thread of `pid`.
fn process_sleeps(pid: u32) -> Option<u64> {
    let threads = proc::threads(pid).ok()?;
    Some(threads.into_iter().filter_map(|tid| proc::thread_sleeps(pid, tid)).sum())
}

/// Pipes and sockets `pid` has open beyond 0, 1 and 2 ("pipe:[1234]").
fn channels(pid: u32) -> BTreeSet<String> {
    let Ok(fds) = proc::fds(pid) else { return BTreeSet::new() };
    fds.into_iter()
        .filter(|&fd| fd > 2)
        .filter_map(|fd| std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok())
        .map(|target| target.to_string_lossy().into_owned())
        .filter(|target| target.starts_with("pipe:") || target.starts_with("socket:"))
        .collect()
}

/// The exit status of a zombie as waitpid would give it (field 52 of /proc/PID/stat).
fn zombie_status(pid: u32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 1..].split_whitespace().nth(49)?.parse().ok()
}

/// "child 1234 exited with status 1", "child 1234 was killed by signal 9".
fn describe_wait_status(pid: u32, status: i32) -> String {
    if status & 0x7f == 0 {
        text!("ex02-child-exited-with", pid, status = (status >> 8) & 0xff)
    } else {
        text!("ex02-child-killed-by", pid, signal = status & 0x7f)
    }
}

/// Stops the program (SIGSTOP), waits until each of its children seen so far has exited (is a
/// zombie), records their exit statuses, and lets the program go on (SIGCONT). A child that
/// does not exit within 5 s is left running, its status unknown.
fn freeze_until_children_exit(pid: u32, children: &mut [Seen]) {
    // SAFETY: signals to our own child process.
    unsafe { libc::kill(pid as i32, libc::SIGSTOP) };
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut running = false;
        for c in children.iter_mut().filter(|c| c.exit.is_none()) {
            c.cpu = c.cpu.max(proc::cpu_time(c.pid).unwrap_or_default());
            match proc::state(c.pid) {
                Some('Z') => c.exit = zombie_status(c.pid),
                Some(_) => running = true,
                None => {}
            }
        }
        if !running || Instant::now() >= deadline {
            break;
        }
        thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: as above.
    unsafe { libc::kill(pid as i32, libc::SIGCONT) };
}

/// Waits for every child this subreaper inherited, killing those still running after 3 s.
fn reap_leftovers() {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut status = 0;
        // SAFETY: waitpid with a valid pointer to our own int.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid > 0 {
            continue;
        }
        if pid < 0 {
            return; // ECHILD: nobody left.
        }
        if Instant::now() >= deadline {
            for c in proc::children_fast(std::process::id()) {
                // SAFETY: sending a signal to our own child.
                unsafe { libc::kill(c as i32, libc::SIGKILL) };
            }
            // SAFETY: as above; blocks until each killed child is reaped.
            while unsafe { libc::waitpid(-1, &mut status, 0) } > 0 {}
            return;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

fn no_children(run: &Run, consequence: String) -> Failure {
    failure!(
        "ex02-no-children",
        pid = run.pid,
        elapsed = run.elapsed.as_millis() as u64,
        consequence,
        workers = WORKERS
    )
}

fn describe_leftover(pid: u32, state: char) -> String {
    if state == 'Z' {
        text!("ex02-leftover-zombie", pid)
    } else {
        text!("ex02-leftover-running", pid, state)
    }
}

fn list(pids: &[u32]) -> String {
    pids.iter().map(u32::to_string).collect::<Vec<_>>().join(" ")
}
