//! Hidden checks of ex03_spawn: the student's `Process` is driven from this program, and each
//! started process is watched from outside through `/proc`.
//!
//! Like the exercise's demo binary, this program calls `ex03_spawn::child_main(ENTRIES)` first
//! thing, so a `Process` it starts re-executes it and runs one of the entries below. The
//! entries report what they are from inside (`whoami` writes its PID and parent PID to a file);
//! everything else is observed by the checker itself: `/proc/PID` of the child before and after
//! `join`, the children of this process after `Process` values are dropped, and signals sent
//! with `kill(2)`. Student code runs on a scenario thread watched by a watchdog, so a `join`
//! that never returns fails with an explanation instead of hanging the check.

use std::fs;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ex03_spawn::{child_main, Entry, Process};
use pack_support::watch::{self, Next};
use pack_support::{failure, proc, text, Context, Failure, Verdict};

/// The entries a started process can run.
const ENTRIES: &[(&str, Entry)] = &[
    ("whoami", whoami),
    ("exit_with", exit_with),
    ("panic", panic_entry),
    ("sleep_ms", sleep_ms),
    ("stdio_probe", stdio_probe),
    ("mark_after_ms", mark_after_ms),
    // Named like the first argument of every check's own command line (`run CHECK`): a
    // child_main that takes an argument for an entry name runs it in the checks' program.
    ("run", run_entry),
];

fn main() {
    // In a process started by Process::start, child_main runs the entry and exits (a panic in
    // the entry must end that process with 101, so it is passed on). In the check program
    // itself (`run CHECK` or `list`) a panic of child_main is remembered and reported by every
    // check, instead of ending the program before it can give a verdict.
    if let Err(payload) = std::panic::catch_unwind(|| child_main(ENTRIES)) {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let is_checker =
            matches!(args.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), ["run", _] | ["list"]);
        if !is_checker {
            std::panic::resume_unwind(payload);
        }
        let _ = CHILD_MAIN_PANIC.set(watch::panic_text(payload.as_ref()));
    }
    pack_support::main(pack_support::checks![
        runs_in_another_process,
        join_waits,
        exit_code_propagates,
        panic_propagates,
        signal_exit_code,
        no_process_left_behind,
        new_starts_nothing,
        child_stdio,
        join_twice_is_ok,
        is_alive_without_blocking
    ])
}

/// The panic message of child_main, if it panicked in the check program itself.
static CHILD_MAIN_PANIC: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Fails if child_main panicked when the check program started (for example a `todo!()`).
fn child_main_returned() -> Result<(), Failure> {
    match CHILD_MAIN_PANIC.get() {
        None => Ok(()),
        Some(message) => Err(failure!("ex03-child-main-panicked", message)),
    }
}

/// Writes "PID PPID" of the process running it to the file named by its first argument, and on
/// the next line its other arguments, each followed by ARG_END.
fn whoami(args: &[String]) -> i32 {
    let Some(path) = args.first() else { return 2 };
    let rest: String = args[1..].iter().map(|a| format!("{a}{ARG_END}")).collect();
    let text = format!("{} {}\n{rest}", std::process::id(), std::os::unix::process::parent_id());
    if fs::write(path, text).is_ok() {
        0
    } else {
        3
    }
}

/// Never started by a check: running means child_main took the checks' own command line
/// (`run CHECK`) for a request to run an entry.
fn run_entry(_args: &[String]) -> i32 {
    panic!("{}", text!("ex03-entry-from-command-line"))
}

/// Returns its argument as the exit code.
fn exit_with(args: &[String]) -> i32 {
    args.first().and_then(|a| a.parse().ok()).unwrap_or(2)
}

fn panic_entry(_args: &[String]) -> i32 {
    panic!("this entry panics on purpose (hidden check panic_propagates)")
}

/// Sleeps for its argument in milliseconds, then returns 0.
fn sleep_ms(args: &[String]) -> i32 {
    let ms = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    thread::sleep(Duration::from_millis(ms));
    0
}

/// Sleeps for its first argument in milliseconds, then creates the file named by its second: a
/// child that was killed (not waited for) never writes it.
fn mark_after_ms(args: &[String]) -> i32 {
    let (Some(ms), Some(path)) = (args.first().and_then(|a| a.parse().ok()), args.get(1)) else { return 2 };
    thread::sleep(Duration::from_millis(ms));
    if fs::write(path, "done").is_ok() {
        0
    } else {
        3
    }
}

/// Ends each argument `whoami` writes back (a character none of the arguments contains).
const ARG_END: char = '\u{1e}';

/// The arguments `runs_in_another_process` gives the entry besides the file: spaces, an empty
/// one, what looks like an option, non-ASCII text — each must arrive as it was given.
const TRICKY_ARGS: &[&str] = &["two words", "", "  padded  ", "--help", "a=b", "ünïcödé ✓", "'quoted' \"too\""];

/// Writes a line to stdout and one to stderr, then sleeps for its argument in milliseconds
/// while the checker looks at its descriptors.
fn stdio_probe(args: &[String]) -> i32 {
    use std::io::Write;
    let pid = std::process::id();
    let out = writeln!(std::io::stdout(), "stdio_probe {pid} on stdout").and_then(|_| std::io::stdout().flush());
    let err = writeln!(std::io::stderr(), "stdio_probe {pid} on stderr");
    sleep_ms(args);
    if out.is_ok() && err.is_ok() {
        0
    } else {
        4
    }
}

/// How long a check waits for one step of student code (start, join, drop).
const WATCHDOG: Duration = Duration::from_secs(8);

/// Observes `runs-in-new-child`, `entry-gets-its-arguments`, `pid-once-started` and
/// `child-main-returns-in-parent`.
fn runs_in_another_process(ctx: &Context) -> Verdict {
    child_main_returned()?;
    let path = ctx.scratch_dir().join("whoami.txt");
    let _ = fs::remove_file(&path);
    let arg = path.to_string_lossy().into_owned();
    let (pid, code) = run_steps(&text!("ex03-step-join-whoami"), move || {
        let args: Vec<&str> = std::iter::once(arg.as_str()).chain(TRICKY_ARGS.iter().copied()).collect();
        let mut p = Process::new("whoami", &args);
        started(&mut p)?;
        let pid = p.pid();
        joined(&mut p)?;
        Ok((pid, p.exit_code()))
    })?;
    let own = std::process::id();
    // join() is graded by join_waits: if it returned early, give the child time to finish.
    if let Some(pid) = pid.filter(|&p| p != own) {
        let deadline = Instant::now() + Duration::from_secs(3);
        while proc::state(pid).is_some_and(|s| s != 'Z') && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
    }
    let Ok(text) = fs::read_to_string(&path) else {
        return Err(failure!("ex03-entry-never-ran", path = path.display().to_string(), code = format!("{code:?}")));
    };
    let (ids, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let mut words = ids.split_whitespace().map(|w| w.parse::<u32>().unwrap_or(0));
    let (ran_in, ran_parent) = (words.next().unwrap_or(0), words.next().unwrap_or(0));
    if ran_in == own {
        return Err(failure!("ex03-entry-in-own-process", own));
    }
    if pid != Some(ran_in) {
        return Err(failure!("ex03-pid-mismatch", ran_in, pid = format!("{pid:?}")));
    }
    if ran_parent != own {
        return Err(failure!("ex03-not-a-direct-child", ran_in, ran_parent, own));
    }
    let got: Vec<&str> = rest.split_terminator(ARG_END).collect();
    if got != TRICKY_ARGS {
        let show = |args: &[&str]| format!("{args:?}");
        return Err(failure!("ex03-arguments-changed", got = show(&got), given = show(TRICKY_ARGS)));
    }
    Ok(())
}

/// Observes `join-waits-and-reaps` (join blocks without burning CPU or polling, returns after
/// the child exited, and the child is reaped) and `pid-once-started`.
fn join_waits(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    join_blocks_quietly()?;
    const SLEEP: Duration = Duration::from_millis(500);
    let (pid, took, state, alive_before) =
        run_steps(&text!("ex03-step-join-sleeping", sleep = SLEEP.as_millis() as u64), || {
            let mut p = Process::new("sleep_ms", &[&SLEEP.as_millis().to_string()]);
            let start = Instant::now();
            started(&mut p)?;
            let pid = own_child_pid(&mut p)?;
            let alive_before = proc::state(pid);
            joined(&mut p)?;
            let took = start.elapsed();
            // Look right after join returned, before anything else can reap the child.
            let state = proc::state(pid);
            let result = Ok((pid, took, state, alive_before));
            if state.is_some() {
                // Leave nothing behind: stop the child, let Drop wait, reap it if Drop did not.
                kill_and_reap(pid, p);
            }
            result
        })?;
    let (took_ms, sleep) = (took.as_millis() as u64, SLEEP.as_millis() as u64);
    if let Some(state) = state {
        return Err(if state == 'Z' {
            failure!("ex03-join-left-zombie", took = took_ms, pid, sleep)
        } else {
            failure!("ex03-join-left-running", took = took_ms, pid, sleep)
        });
    }
    if alive_before.is_some() && took < SLEEP * 9 / 10 {
        return Err(failure!("ex03-join-returned-early", took = took_ms, sleep));
    }
    Ok(())
}

/// Observes `exit-code-is-entry-return` and `entry-gets-its-arguments`.
fn exit_code_propagates(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    for code in [7, 0, 42] {
        let got = run_steps(&text!("ex03-step-join-exit-with", code), move || {
            let mut p = Process::new("exit_with", &[&code.to_string()]);
            started(&mut p)?;
            joined(&mut p)?;
            Ok(p.exit_code())
        })?;
        if got != Some(code) {
            let why = match got {
                Some(0) => text!("ex03-exit-code-zero"),
                None => text!("ex03-exit-code-none"),
                _ => text!("ex03-exit-code-other"),
            };
            return Err(failure!("ex03-wrong-exit-code", got = format!("{got:?}"), code, why));
        }
    }
    Ok(())
}

/// Observes `panic-gives-101`.
fn panic_propagates(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    let got = run_steps(&text!("ex03-step-join-panic"), || {
        let mut p = Process::new("panic", &[]);
        started(&mut p)?;
        joined(&mut p)?;
        Ok(p.exit_code())
    })?;
    if got == Some(101) {
        return Ok(());
    }
    let why = match got {
        Some(0) => text!("ex03-panic-code-zero"),
        Some(1) => text!("ex03-panic-code-one"),
        None => text!("ex03-panic-code-none"),
        _ => text!("ex03-panic-code-other"),
    };
    Err(failure!("ex03-panic-wrong-code", got = format!("{got:?}"), why))
}

/// Observes `signal-gives-minus-signal`.
fn signal_exit_code(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    for (signal, name) in [(libc::SIGKILL, "SIGKILL"), (libc::SIGTERM, "SIGTERM")] {
        let got = run_steps(&text!("ex03-step-join-killed", name), move || {
            let mut p = Process::new("sleep_ms", &["30000"]);
            started(&mut p)?;
            let pid = own_child_pid(&mut p)?;
            // SAFETY: sending a signal to our own child, checked just above.
            unsafe { libc::kill(pid as i32, signal) };
            joined(&mut p)?;
            Ok(p.exit_code())
        })?;
        if got != Some(-signal) {
            let why = match got {
                Some(c) if c == 128 + signal => text!("ex03-signal-as-shell-code", code = c, signal),
                None => text!("ex03-signal-code-none"),
                _ => text!("ex03-signal-code-other", signal),
            };
            return Err(failure!("ex03-signal-wrong-code", got = format!("{got:?}"), name, signal, why));
        }
    }
    Ok(())
}

/// Observes `drop-joins-started`: after a drop, no child is left, and each one ran its entry to
/// the end (a child that is killed instead of waited for leaves nothing behind either).
fn no_process_left_behind(ctx: &Context) -> Verdict {
    child_main_returned()?;
    const SLEEP: Duration = Duration::from_millis(400);
    let marks: Vec<_> = (0..3).map(|i| ctx.scratch_dir().join(format!("dropped-{i}.done"))).collect();
    for mark in &marks {
        let _ = fs::remove_file(mark);
    }
    let paths: Vec<String> = marks.iter().map(|m| m.to_string_lossy().into_owned()).collect();
    let (pids, took, left) = run_steps(&text!("ex03-step-drop-three"), move || {
        let mut started_ones = Vec::new();
        let mut pids = Vec::new();
        for path in &paths {
            let mut p = Process::new("mark_after_ms", &[&SLEEP.as_millis().to_string(), path]);
            started(&mut p)?;
            pids.push(own_child_pid(&mut p)?);
            started_ones.push(p);
        }
        let never_started = Process::new("sleep_ms", &["10"]);
        let start = Instant::now();
        drop(started_ones);
        drop(never_started);
        let took = start.elapsed();
        let mut left: Vec<(u32, char)> = pids.iter().filter_map(|&pid| proc::state(pid).map(|s| (pid, s))).collect();
        for c in proc::children_fast(std::process::id()) {
            if !left.iter().any(|(p, _)| *p == c) {
                if let Some(s) = proc::state(c) {
                    left.push((c, s));
                }
            }
        }
        for (pid, _) in &left {
            // SAFETY: a child of ours: stop it and reap it, leaving nothing behind.
            unsafe {
                libc::kill(*pid as i32, libc::SIGKILL);
                libc::waitpid(*pid as i32, std::ptr::null_mut(), 0);
            }
        }
        Ok((pids, took, left))
    })?;
    if left.is_empty() {
        let unfinished: Vec<String> =
            pids.iter().zip(&marks).filter(|(_, mark)| !mark.exists()).map(|(pid, _)| pid.to_string()).collect();
        if unfinished.is_empty() {
            return Ok(());
        }
        return Err(failure!(
            "ex03-drop-ended-children",
            pids = pids.iter().map(u32::to_string).collect::<Vec<_>>().join(" "),
            took = took.as_millis() as u64,
            count = unfinished.len(),
            unfinished = unfinished.join(" "),
            sleep = SLEEP.as_millis() as u64
        ));
    }
    let described: Vec<String> = left
        .iter()
        .map(|&(pid, s)| if s == 'Z' { text!("ex03-left-zombie", pid) } else { text!("ex03-left-running", pid) })
        .collect();
    Err(failure!(
        "ex03-drop-left-children",
        pids = pids.iter().map(u32::to_string).collect::<Vec<_>>().join(" "),
        took = took.as_millis() as u64,
        count = left.len(),
        described = described.join(", "),
        sleep = SLEEP.as_millis() as u64
    ))
}

/// While join() waits for a child that sleeps, the thread calling it must be blocked in the
/// kernel (waitpid): no CPU burned, no wake-ups every few milliseconds.
fn join_blocks_quietly() -> Verdict {
    const SLEEP: Duration = Duration::from_millis(1000);
    const WINDOW: Duration = Duration::from_millis(500);
    let (tx, rx) = mpsc::channel();
    let call = watch::call("join", move || -> Result<(), Failure> {
        let mut p = Process::new("sleep_ms", &[&SLEEP.as_millis().to_string()]);
        started(&mut p)?;
        let _ = tx.send(());
        joined(&mut p)
    });
    if rx.recv_timeout(WATCHDOG).is_err() {
        // start() failed or hung: say what happened.
        return match call.outcome(Duration::ZERO) {
            Next::Item(result) => result,
            Next::Panicked(message) => Err(failure!("ex03-start-panicked", message)),
            _ => Err(failure!("ex03-start-hangs", seconds = WATCHDOG.as_secs())),
        };
    }
    // Let join() get into its wait before looking.
    thread::sleep(Duration::from_millis(50));
    let usage = call.usage_over(WINDOW);
    let outcome = call.outcome(WATCHDOG);
    if let Some(usage) = usage {
        if usage.spins() || usage.polls(50.0) {
            return Err(failure!("ex03-join-spins", sleep = SLEEP.as_millis() as u64, usage = usage.describe()));
        }
    }
    match outcome {
        Next::Item(result) => result,
        Next::Panicked(message) => Err(failure!("ex03-join-panicked", message)),
        Next::TimedOut => {
            Err(failure!("ex03-join-hangs", sleep = SLEEP.as_millis() as u64, seconds = WATCHDOG.as_secs()))
        }
        Next::Ended => Ok(()),
    }
}

/// Observes `new-starts-nothing`: Process::new creates no process (pid() is None and the
/// checker has no child), and start() then creates exactly one.
fn new_starts_nothing(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    let own = std::process::id();
    let before = proc::children_fast(own);
    let (after_new, pid_after_new, after_start, pid) = run_steps(&text!("ex03-step-new-then-start"), move || {
        let mut p = Process::new("sleep_ms", &["300"]);
        // Give a child that new() might have spawned time to show up in /proc.
        thread::sleep(Duration::from_millis(150));
        let after_new: Vec<u32> = proc::children_fast(own).into_iter().filter(|c| !before.contains(c)).collect();
        let pid_after_new = p.pid();
        started(&mut p)?;
        let after_start: Vec<u32> = proc::children_fast(own).into_iter().filter(|c| !before.contains(c)).collect();
        let pid = p.pid();
        for &c in after_new.iter().chain(&after_start) {
            // SAFETY: a child of this process (it was listed among its children): stop it.
            unsafe { libc::kill(c as i32, libc::SIGKILL) };
        }
        drop(p);
        for &c in after_new.iter().chain(&after_start) {
            // SAFETY: reaps our own child if Drop did not (ECHILD otherwise).
            unsafe { libc::waitpid(c as i32, std::ptr::null_mut(), libc::WNOHANG) };
        }
        Ok((after_new, pid_after_new, after_start, pid))
    })?;
    if !after_new.is_empty() || pid_after_new.is_some() {
        return Err(failure!(
            "ex03-new-spawns",
            count = after_new.len(),
            pids = list(&after_new),
            pid = format!("{pid_after_new:?}")
        ));
    }
    if after_start.len() != 1 || pid != after_start.first().copied() {
        return Err(failure!(
            "ex03-start-children",
            count = after_start.len(),
            pids = list(&after_start),
            pid = format!("{pid:?}")
        ));
    }
    Ok(())
}

/// Observes `child-stdio`: the child's stdin is /dev/null, its stdout and stderr are the very
/// files the parent has as stdout and stderr (here a scratch file as stdout, so that a child
/// whose stdout goes to /dev/null or to a pipe cannot look inherited by chance).
fn child_stdio(ctx: &Context) -> Verdict {
    child_main_returned()?;
    let path = ctx.scratch_dir().join("parent-stdout.txt");
    let file = fs::File::create(&path).expect("creating a file in the scratch directory");
    // Our own stdout becomes the scratch file for the length of the check.
    // SAFETY: plain descriptor calls on descriptors we own; fd 1 is restored below.
    let saved = unsafe { libc::dup(1) };
    assert!(saved >= 0, "dup(1) failed");
    // SAFETY: as above.
    unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&file), 1) };
    let result = run_steps(&text!("ex03-step-start-stdio-probe"), || {
        let mut p = Process::new("stdio_probe", &["1500"]);
        started(&mut p)?;
        let pid = own_child_pid(&mut p)?;
        // Let the child's exec happen: before it, /proc shows the parent's copy of the fds.
        let deadline = Instant::now() + Duration::from_secs(3);
        while exe_is_fresh(pid) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        thread::sleep(Duration::from_millis(100));
        let seen: Vec<(i32, Option<String>, Option<FileId>)> = (0..3)
            .map(|fd| (fd, link(&format!("/proc/{pid}/fd/{fd}")), identity(&format!("/proc/{pid}/fd/{fd}"))))
            .collect();
        kill_and_reap(pid, p);
        Ok(seen)
    });
    // SAFETY: restores our stdout.
    unsafe {
        libc::dup2(saved, 1);
        libc::close(saved);
    }
    let seen = result?;
    let ours: Vec<Option<(u64, u64)>> =
        vec![identity("/dev/null"), identity(&path.to_string_lossy()), identity("/proc/self/fd/2")];
    let names = ["stdin", "stdout", "stderr"];
    let expected = ["/dev/null".to_owned(), text!("ex03-parents-stdout"), text!("ex03-parents-stderr")];
    let mut wrong = Vec::new();
    for ((fd, target, id), (want, name)) in seen.iter().zip(ours.iter().zip(names)) {
        if id.is_none() || id != want {
            wrong.push(text!(
                "ex03-stdio-is",
                name,
                fd = *fd,
                target = target.clone().unwrap_or_else(|| text!("ex03-not-open")),
                expected = &expected[*fd as usize]
            ));
        }
    }
    if wrong.is_empty() {
        return Ok(());
    }
    Err(failure!("ex03-stdio-not-inherited", wrong = wrong.join("; ")))
}

/// Observes `join-twice-is-ok`: a second join (of a child that exited, and of one killed by a
/// signal) returns Ok(()) and changes nothing: the same exit code, pid() still the child's.
fn join_twice_is_ok(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    for (what, args, kill) in [
        (text!("ex03-entry-returns-5"), ["exit_with", "5"], false),
        (text!("ex03-entry-killed"), ["sleep_ms", "30000"], true),
    ] {
        let report = run_steps(&text!("ex03-step-two-joins", what = &what), move || {
            let mut p = Process::new(args[0], &[args[1]]);
            started(&mut p)?;
            let pid = own_child_pid(&mut p)?;
            if kill {
                // SAFETY: sending a signal to our own child, checked just above.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            }
            let first = p.join().map_err(|e| e.to_string());
            let code1 = p.exit_code();
            let second = p.join().map_err(|e| e.to_string());
            let code2 = p.exit_code();
            let pid2 = p.pid();
            Ok((pid, first, code1, second, code2, pid2))
        })?;
        let (pid, first, code1, second, code2, pid2) = report;
        let expected_code = if kill { -libc::SIGKILL } else { 5 };
        if first.is_err() || code1 != Some(expected_code) {
            // The first join is judged by other checks; say what was seen and stop here.
            return Err(failure!(
                "ex03-first-join-failed",
                what,
                first = format!("{first:?}"),
                code1 = format!("{code1:?}"),
                expected_code
            ));
        }
        if second.is_err() || code2 != code1 || pid2 != Some(pid) {
            return Err(failure!(
                "ex03-second-join-differs",
                what,
                code1 = format!("{code1:?}"),
                second = format!("{second:?}"),
                code2 = format!("{code2:?}"),
                pid2 = format!("{pid2:?}"),
                pid
            ));
        }
    }
    Ok(())
}

/// Observes `is-alive-without-blocking`: is_alive() answers at once, true while the child runs,
/// and false once it has exited, even before anybody joined it (a zombie is not alive); and
/// `exit-code-none-before-join`: exit_code() stays None until join(), even after is_alive() saw
/// the exit.
fn is_alive_without_blocking(_ctx: &Context) -> Verdict {
    child_main_returned()?;
    const SLEEP: Duration = Duration::from_millis(400);
    let (running, asked_for, exited, zombie, before_join, joined_code) =
        run_steps(&text!("ex03-step-is-alive", sleep = SLEEP.as_millis() as u64), || {
            // Not started: not alive (and no panic).
            let mut unstarted = Process::new("sleep_ms", &["10"]);
            let never_started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unstarted.is_alive()))
                .map_err(|payload| watch::panic_text(payload.as_ref()));
            std::mem::forget(unstarted);
            match never_started {
                Ok(false) => {}
                Ok(true) => return Err(failure!("ex03-is-alive-before-start", answer = "true")),
                Err(message) => return Err(failure!("ex03-is-alive-before-start", answer = message)),
            }
            let mut p = Process::new("sleep_ms", &[&SLEEP.as_millis().to_string()]);
            started(&mut p)?;
            let pid = own_child_pid(&mut p)?;
            let (running, asked_for) = pack_support::timing::timed(|| p.is_alive());
            // Wait, without reaping, until the kernel shows the child exited (a zombie).
            let deadline = Instant::now() + Duration::from_secs(5);
            while proc::state(pid).is_some_and(|s| s != 'Z') && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            let zombie = proc::state(pid) == Some('Z');
            let exited = p.is_alive();
            // is_alive() may have reaped the child (try_wait does): the exit code is still
            // join()'s to give.
            let before_join = p.exit_code();
            let joined_code = joined(&mut p).map(|()| p.exit_code());
            drop(p);
            // SAFETY: reaps our own child if Drop did not (ECHILD otherwise).
            unsafe { libc::waitpid(pid as i32, std::ptr::null_mut(), libc::WNOHANG) };
            Ok((running, asked_for, exited, zombie, before_join, joined_code))
        })?;
    if asked_for >= SLEEP / 2 {
        return Err(failure!(
            "ex03-is-alive-blocks",
            sleep = SLEEP.as_millis() as u64,
            took = asked_for.as_millis() as u64,
            running = running.to_string()
        ));
    }
    if !running {
        return Err(failure!("ex03-is-alive-false-while-running", sleep = SLEEP.as_millis() as u64));
    }
    if exited && zombie {
        return Err(failure!("ex03-is-alive-true-for-zombie"));
    }
    if let Some(code) = before_join {
        return Err(failure!("ex03-exit-code-before-join", code));
    }
    match joined_code? {
        Some(0) => Ok(()),
        other => Err(failure!("ex03-exit-code-after-join", code = format!("{other:?}"))),
    }
}

/// Whether `pid` is still the forked copy of this process that has not run exec yet (its
/// command line is still ours).
fn exe_is_fresh(pid: u32) -> bool {
    fs::read(format!("/proc/{pid}/cmdline")).ok() == fs::read("/proc/self/cmdline").ok()
}

/// Where a /proc/PID/fd/N link points ("/dev/null", "pipe:[1234]", a path).
fn link(path: &str) -> Option<String> {
    fs::read_link(path).ok().map(|p| p.to_string_lossy().into_owned())
}

/// A file's (device, inode): the same for every descriptor open on that file.
type FileId = (u64, u64);

/// The (device, inode) of the file a path (or a /proc/PID/fd/N link) leads to.
fn identity(path: &str) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

fn list(pids: &[u32]) -> String {
    if pids.is_empty() {
        return text!("ex03-none");
    }
    pids.iter().map(u32::to_string).collect::<Vec<_>>().join(" ")
}

/// Runs `steps` (student code) on a scenario thread, waiting at most WATCHDOG for it.
fn run_steps<T: Send + 'static>(
    what: &str,
    steps: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    let scenario = watch::spawn("scenario", move |report| report.send(steps()));
    match scenario.next(WATCHDOG) {
        Next::Item(result) => result,
        Next::Panicked(message) => Err(failure!("ex03-step-panicked", what, message)),
        Next::Ended => Err(failure!("ex03-step-ended", what)),
        Next::TimedOut => Err(failure!("ex03-step-timed-out", what, seconds = WATCHDOG.as_secs())),
    }
}

fn started(p: &mut Process) -> Result<(), Failure> {
    p.start().map_err(|e| {
        // The checks run under a bare name, as a program found through PATH does.
        let argv0 = std::env::args().next().unwrap_or_default();
        failure!("ex03-start-err", error = e.to_string(), argv0)
    })
}

fn joined(p: &mut Process) -> Result<(), Failure> {
    p.join().map_err(|e| failure!("ex03-join-err", error = e.to_string()))
}

/// The PID of a started process, checked to be a child of this process (so it is safe to
/// signal). If it is not, the Process is forgotten rather than dropped: its Drop could wait
/// for an entry running on a thread of this very process.
fn own_child_pid(p: &mut Process) -> Result<u32, Failure> {
    let result = child_pid(p);
    if result.is_err() {
        std::mem::forget(std::mem::replace(p, Process::new("exit_with", &["0"])));
    }
    result
}

fn child_pid(p: &Process) -> Result<u32, Failure> {
    let own = std::process::id();
    match p.pid() {
        None => Err(failure!("ex03-pid-none")),
        Some(pid) if pid == own => Err(failure!("ex03-pid-is-own", own)),
        Some(pid) if proc::parent(pid) != Some(own) => {
            Err(failure!("ex03-pid-not-a-child", pid, parent = format!("{:?}", proc::parent(pid)), own))
        }
        Some(pid) => Ok(pid),
    }
}

/// Kills our child `pid`, drops the Process (which may wait), and reaps the child if Drop did
/// not (waitpid then fails with ECHILD at once).
fn kill_and_reap(pid: u32, p: Process) {
    // SAFETY: `pid` is our own child, checked by the caller through /proc.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    drop(p);
    // SAFETY: reaps our own child if Drop did not; ECHILD otherwise.
    unsafe { libc::waitpid(pid as i32, std::ptr::null_mut(), 0) };
}
