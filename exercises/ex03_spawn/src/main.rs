//! A demo program built on the library: `ex03_spawn <scenario> [args]`.
//!
//! Provided: you do not need to change this. The public tests run these scenarios.
//!
//! | scenario            | what it does                                                        |
//! |---------------------|---------------------------------------------------------------------|
//! | `demo-exit CODE`    | runs `exit_with CODE` in a child, joins it, prints its exit code    |
//! | `demo-panic`        | runs `panic` in a child, joins it, prints its exit code             |
//! | `demo-pid`          | runs `print_pid` in a child, prints the PID `Process::pid()` gives  |
//! | `demo-join MS`      | runs `sleep_ms MS`, prints `is_alive` before and after `join`       |
//! | `demo-kill`         | runs `sleep_ms 10000`, kills the child with SIGKILL, joins it       |
//! | `demo-drop N`       | starts N `sleep_ms 300` children, drops them, lists any left behind |

use std::path::Path;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use ex03_spawn::{child_main, Entry, Process};

/// The entries a child of this program can run.
const ENTRIES: &[(&str, Entry)] = &[
    ("exit_with", exit_with),
    ("panic", panic_entry),
    ("print_pid", print_pid),
    ("sleep_ms", sleep_ms),
];

/// Exits with the code given as the first argument.
fn exit_with(args: &[String]) -> i32 {
    args.first().and_then(|a| a.parse().ok()).unwrap_or(0)
}

fn panic_entry(_args: &[String]) -> i32 {
    panic!("this entry panics on purpose");
}

/// Prints the child's own PID and its parent's.
fn print_pid(_args: &[String]) -> i32 {
    println!("child pid: {}", std::process::id());
    println!("child's parent: {}", std::os::unix::process::parent_id());
    0
}

/// Sleeps for the number of milliseconds given as the first argument.
fn sleep_ms(args: &[String]) -> i32 {
    let ms = args.first().and_then(|a| a.parse().ok()).unwrap_or(0);
    thread::sleep(Duration::from_millis(ms));
    0
}

fn main() -> ExitCode {
    // In a child started by Process::start this runs the entry and never returns.
    child_main(ENTRIES);

    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["demo-exit", code] => {
            let mut p = Process::new("exit_with", &[code]);
            p.start().expect("start");
            p.join().expect("join");
            print_exit_code(&p);
        }
        ["demo-panic"] => {
            let mut p = Process::new("panic", &[]);
            p.start().expect("start");
            p.join().expect("join");
            print_exit_code(&p);
        }
        ["demo-pid"] => {
            let mut p = Process::new("print_pid", &[]);
            println!("pid before start: {}", show(p.pid()));
            p.start().expect("start");
            println!("parent pid: {}", std::process::id());
            println!("started pid: {}", show(p.pid()));
            p.join().expect("join");
            print_exit_code(&p);
        }
        ["demo-join", ms] => {
            let mut p = Process::new("sleep_ms", &[ms]);
            let began = Instant::now();
            p.start().expect("start");
            let pid = p.pid().expect("pid after start");
            println!("alive after start: {}", p.is_alive());
            println!("exit code before join: {}", show(p.exit_code()));
            p.join().expect("join");
            println!("joined after ms: {}", began.elapsed().as_millis());
            println!("alive after join: {}", p.is_alive());
            println!("in /proc after join: {}", in_proc(pid));
            p.join().expect("a second join");
            print_exit_code(&p);
        }
        ["demo-kill"] => {
            let mut p = Process::new("sleep_ms", &["10000"]);
            p.start().expect("start");
            let pid = p.pid().expect("pid after start");
            // Another process kills the child, as `kill -9 PID` in a terminal would. (The
            // crate is built without `unsafe`, so no libc::kill here.)
            let sent = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            assert!(sent.is_ok_and(|status| status.success()), "kill failed");
            p.join().expect("join");
            print_exit_code(&p);
        }
        ["demo-drop", count] => {
            let count: usize = count.parse().expect("demo-drop N: N is a number");
            let mut pids = Vec::new();
            let mut processes = Vec::new();
            for _ in 0..count {
                let mut p = Process::new("sleep_ms", &["300"]);
                p.start().expect("start");
                pids.push(p.pid().expect("pid after start"));
                processes.push(p);
            }
            drop(processes);
            let left: Vec<u32> = pids.into_iter().filter(|&pid| in_proc(pid)).collect();
            println!("left behind after drop: {left:?}");
        }
        _ => {
            eprintln!(
                "usage: ex03_spawn demo-exit CODE | demo-panic | demo-pid | demo-join MS \
                 | demo-kill | demo-drop N"
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn print_exit_code(p: &Process) {
    println!("exit code: {}", show(p.exit_code()));
}

/// `Some(x)` as `x`, `None` as `none`.
fn show<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

/// Whether the kernel still has a process `pid`, running or zombie (exited, not reaped).
fn in_proc(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}
