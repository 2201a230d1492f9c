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

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use pack_support::{fail, proc, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![forks_n_children, reaps_every_child, memory_not_shared, correct_total])
}

/// Workers asked for on the command line.
const WORKERS: usize = 3;
/// How long each worker should compute, so that sampling every millisecond cannot miss it.
const TARGET_PER_WORKER: Duration = Duration::from_millis(200);
/// How long the program may run before the check gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(20);

fn forks_n_children(ctx: &Context) -> Verdict {
    let n = choose_n();
    let run = Run::observe(ctx, n)?;
    run.exited_ok()?;
    let pids = run.child_pids();
    let count = pids.len();
    if count != WORKERS {
        let observed = match count {
            0 => format!(
                "no child process of the program (PID {}) was seen during its {} ms run (sampled every millisecond)",
                run.pid,
                run.elapsed.as_millis()
            ),
            1 => format!("exactly one child process (PID {}) for {WORKERS} workers", pids[0]),
            _ => format!("{count} distinct child processes (PIDs {}) for {WORKERS} workers", list(&pids)),
        };
        let why = match count {
            0 => "the work must run in child processes made with fork(); threads or a plain loop run inside the program's own process and are no children".to_owned(),
            1 => "a single child did all the work: call fork() once per worker, in a loop, and give child i share(i, workers, n)".to_owned(),
            c if c < WORKERS => format!("only {c} of the {WORKERS} forks happened: fork once per worker"),
            _ => "more children than workers: a child that returns from fork() into the parent's loop forks again; the child must compute its share and leave with _exit(0)".to_owned(),
        };
        return Err(fail(observed, format!("{WORKERS} distinct child processes (`ex02_fork {WORKERS} {n}`)"), why));
    }
    // The children, not the parent, must do the work: compare their CPU time.
    let children_cpu: Duration = run.children.iter().map(|c| c.cpu).sum();
    if run.parent_cpu >= Duration::from_millis(60) && children_cpu * 2 < run.parent_cpu {
        return Err(fail(
            format!(
                "the program's own process used {} ms of CPU, its {count} children {} ms in all",
                run.parent_cpu.as_millis(),
                children_cpu.as_millis()
            ),
            "the children compute (each about a third of the work); the parent only waits for their shares",
            "the parent computed the work itself: each child must compute its share, share(i, workers, n), after fork() in the child branch, and send the sum through the pipe",
        ));
    }
    // Every child must have computed a share: compare the CPU time each one used.
    let busiest = run.children.iter().map(|c| c.cpu).max().unwrap_or_default();
    if busiest >= Duration::from_millis(40) {
        if let Some(idle) = run.children.iter().find(|c| c.cpu * 5 < busiest) {
            return Err(fail(
                format!(
                    "child {} used {} ms of CPU while another child used {} ms (CPU per child: {})",
                    idle.pid,
                    idle.cpu.as_millis(),
                    busiest.as_millis(),
                    run.children
                        .iter()
                        .map(|c| format!("{}: {} ms", c.pid, c.cpu.as_millis()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "each of the 3 children computes about a third of the work",
                "each child must compute its own share, share(i, workers, n), in the child process",
            ));
        }
    }
    Ok(())
}

fn reaps_every_child(ctx: &Context) -> Verdict {
    let run = Run::observe(ctx, choose_n())?;
    if run.children.is_empty() {
        run.exited_ok()?;
        return Err(no_children(&run, "nothing to reap"));
    }
    if !run.leftovers.is_empty() {
        let described: Vec<String> =
            run.leftovers.iter().map(|(pid, state)| format!("child {pid} was {}", describe_leftover(*state))).collect();
        let zombies = run.leftovers.iter().filter(|(_, s)| *s == 'Z').count();
        let running = run.leftovers.len() - zombies;
        let mut why = String::new();
        if zombies > 0 {
            why.push_str("a child that has exited stays a zombie until its parent waits for it; ");
        }
        if running > 0 {
            why.push_str("a child still running when its parent exits becomes an orphan and is re-parented (here to the checker); ");
        }
        why.push_str("the parent must call waitpid(child, None) for every PID that fork() returned before it exits");
        return Err(fail(
            format!(
                "when the program (PID {}) exited, {} of its {} children had not been waited for: {}",
                run.pid,
                run.leftovers.len(),
                run.children.len(),
                described.join("; ")
            ),
            "every child reaped by the program with waitpid before it exits",
            why,
        ));
    }
    run.exited_ok()
}

fn memory_not_shared(ctx: &Context) -> Verdict {
    let run = Run::observe(ctx, choose_n())?;
    run.exited_ok()?;
    let out = run.output()?;
    if out.parent_counter != 0 {
        let why = if run.children.is_empty() {
            "no child process was seen: the work ran in threads of one process, and threads share one memory, so the change shows; fork() gives each child its own copy".to_owned()
        } else if out.parent_counter == out.total {
            "the parent counter equals the total: the parent added the children's shares to its own `counter`. After fork() each child has its own copy of memory: a child's `counter += sum` changes only the child's copy, so the parent's counter stays 0; the parent adds what it reads from the pipe to `total` only".to_owned()
        } else {
            "after fork() each child has its own copy of memory: a child's `counter += sum` changes only the child's copy, so the parent's counter must stay 0; only the pipe carries values back".to_owned()
        };
        return Err(fail(
            format!("the program printed `parent counter: {}` (total: {})", out.parent_counter, out.total),
            "parent counter: 0",
            why,
        ));
    }
    if run.children.is_empty() {
        return Err(no_children(&run, "the parent's counter cannot show a child's change"));
    }
    Ok(())
}

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
        format!(
            "the numbers {}..{} were never computed: n = {n} is not a multiple of {WORKERS}, and n / workers = {chunk} per worker drops the remainder; use share(i, workers, n), which covers 0..n exactly",
            chunk * WORKERS as u64,
            n
        )
    } else if out.total == expected * WORKERS as u64 {
        "the total is 3 times too big: every child computed the whole range 0..n instead of its own share(i, workers, n)".to_owned()
    } else if let Some(i) = shares.iter().position(|&s| s == out.total) {
        format!("the total is exactly worker {i}'s share: the parent must read one u64 from the pipe per child and add them all")
    } else if out.total > expected {
        "the total is too big: some numbers were computed twice (shares overlap) or a share was read twice; the shares must cover 0..n exactly once (share(i, workers, n))".to_owned()
    } else {
        "the total is too small: some numbers were skipped (a gap between shares, or a lost pipe message); the shares must cover 0..n exactly once (share(i, workers, n)) and the parent must read 8 bytes per child".to_owned()
    };
    Err(fail(
        format!(
            "`ex02_fork {WORKERS} {n}` printed `total: {}`, {} than the right sum by {}",
            out.total,
            if out.total > expected { "more" } else { "less" },
            out.total.abs_diff(expected)
        ),
        format!("total: {expected} (the sum of work(k) for k in 0..{n})"),
        why,
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
}

/// What one run of the student's program showed.
struct Run {
    pid: u32,
    n: u64,
    status: ExitStatus,
    stdout: String,
    elapsed: Duration,
    /// CPU time the program's own process used (its children not included).
    parent_cpu: Duration,
    /// Distinct children, in the order they were first seen.
    children: Vec<Seen>,
    /// Children still there when the program had exited, with their state then.
    leftovers: Vec<(u32, char)>,
}

struct Output {
    total: u64,
    parent_counter: u64,
}

impl Run {
    fn observe(ctx: &Context, n: u64) -> Result<Run, Failure> {
        // SAFETY: prctl with integer arguments only.
        let rc = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
        assert_eq!(rc, 0, "prctl(PR_SET_CHILD_SUBREAPER) failed");

        let mut child = Command::new(ctx.student_bin())
            .arg(WORKERS.to_string())
            .arg(n.to_string())
            .stdin(Stdio::null())
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
            let _ = stdout.read_to_string(&mut text);
            text
        });

        let start = Instant::now();
        let mut children: Vec<Seen> = Vec::new();
        let mut parent_cpu = Duration::ZERO;
        let status = loop {
            parent_cpu = parent_cpu.max(proc::cpu_time(pid).unwrap_or_default());
            for c in proc::children_fast(pid) {
                let cpu = proc::cpu_time(c).unwrap_or_default();
                match children.iter_mut().find(|s| s.pid == c) {
                    Some(seen) => seen.cpu = seen.cpu.max(cpu),
                    None => children.push(Seen { pid: c, cpu }),
                }
            }
            if let Some(status) = child.try_wait().expect("waiting for the program") {
                break status;
            }
            if start.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                reap_leftovers();
                return Err(fail(
                    format!("`ex02_fork {WORKERS} {n}` was still running after {} s", RUN_LIMIT.as_secs()),
                    format!("the program finishes in about a second (each worker computes ~{} ms)", TARGET_PER_WORKER.as_millis()),
                    "the parent must not wait for something that never comes: read exactly one u64 per child (close the write end of the pipe in the parent), and every child must leave with _exit(0)",
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
                    children.push(Seen { pid: c, cpu: proc::cpu_time(c).unwrap_or_default() });
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
        eprintln!(
            "ran `ex02_fork {WORKERS} {n}` (PID {pid}) in {} ms: {status}; its CPU: {} ms; children (CPU used): {}; not reaped: {:?}",
            elapsed.as_millis(),
            parent_cpu.as_millis(),
            children.iter().map(|c| format!("{} ({} ms)", c.pid, c.cpu.as_millis())).collect::<Vec<_>>().join(", "),
            leftovers
        );
        Ok(Run { pid, n, status, stdout, elapsed, parent_cpu, children, leftovers })
    }

    fn child_pids(&self) -> Vec<u32> {
        self.children.iter().map(|c| c.pid).collect()
    }

    fn exited_ok(&self) -> Verdict {
        if self.status.success() {
            return Ok(());
        }
        Err(fail(
            format!("`ex02_fork {WORKERS} {}` ended with {} and printed {:?}", self.n, self.status, self.stdout),
            "exit status 0",
            "the program must finish normally: a child that returns from fork() into main (instead of _exit(0)) or a failed pipe read often ends it badly",
        ))
    }

    fn output(&self) -> Result<Output, Failure> {
        let value = |name: &str| -> Option<u64> {
            self.stdout.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.trim().parse().ok())
        };
        match (value("total"), value("parent counter")) {
            (Some(total), Some(parent_counter)) => Ok(Output { total, parent_counter }),
            _ => Err(fail(
                format!("`ex02_fork {WORKERS} {}` printed {:?}", self.n, self.stdout),
                "two lines: `total: <total>` and `parent counter: <parent_counter>`",
                "the provided main.rs prints the Outcome in this format: keep it",
            )),
        }
    }
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

fn no_children(run: &Run, consequence: &str) -> Failure {
    fail(
        format!(
            "no child process of the program (PID {}) was seen during its {} ms run: {consequence}",
            run.pid,
            run.elapsed.as_millis()
        ),
        format!("{WORKERS} child processes made with fork()"),
        "this check is about child processes: the work must run in children made with fork() (see forks_n_children)",
    )
}

fn describe_leftover(state: char) -> String {
    if state == 'Z' {
        "still a zombie (it had exited, but nobody waited for it)".to_owned()
    } else {
        format!("still running (state {state}): an orphan, re-parented to the checker")
    }
}

fn list(pids: &[u32]) -> String {
    pids.iter().map(u32::to_string).collect::<Vec<_>>().join(" ")
}
