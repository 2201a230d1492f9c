//! # ex03_spawn: creating processes the portable way (lecture 1.2, `multiprocessing.Process`)
//!
//! Python's `multiprocessing.Process(target=f, args=...)` runs `f` in a new process; with the
//! "spawn" start method it does so by starting the *same program* again and telling the new
//! copy which function to run. That works everywhere (no `fork`), and it is what you build
//! here with `std::process::Command`:
//!
//! - the program registers its entries, functions a child may run, by name, and calls
//!   [`child_main`] first thing in `main()`;
//! - [`Process::start`] re-executes the current program (`std::env::current_exe()`) with the
//!   entry's name in an environment variable and its arguments on the command line;
//! - in the new process [`child_main`] sees the variable, runs the entry and exits with its
//!   return value; in the parent it sees nothing and returns;
//! - the parent can ask [`Process::is_alive`], wait with [`Process::join`] and read
//!   [`Process::exit_code`], as in Python: the exit code, or minus the signal number when a
//!   signal killed the child.
//!
//! You write everything in this file except [`Entry`]. `src/main.rs` is a provided demo program
//! that uses your library; try `cargo run -p ex03_spawn -- demo-exit 7`.
//!
//! How it is checked: a test program links your library, calls `child_main` like the demo
//! does, starts processes and watches them from outside (their PIDs, parent, exit statuses,
//! whether they are still in /proc). Public tests: `cargo test -p ex03_spawn` (they run the
//! demo with different scenarios).

use std::io;

/// A function a child process can run: it gets the arguments given to [`Process::new`] and
/// returns the child's exit code.
///
/// Provided: you do not need to change this.
pub type Entry = fn(&[String]) -> i32;

/// The environment variable through which a parent tells its child which entry to run.
/// Environment variables are inherited across exec, and a normal start of the program does
/// not have this one, which is how `child_main` tells a child from a normal start.
const ENTRY_VAR: &str = "COURSE_PROCESS_ENTRY";

/// The exit code of a child asked to run an entry that this program does not have (the
/// shells' "command not found").
const UNKNOWN_ENTRY: i32 = 127;

/// Task: if this process was started by [`Process::start`], run the named entry with its
/// arguments and exit with its return value (never returning); otherwise return at once.
///
/// Call it first thing in `main()`. A panic in the entry is not caught: the process exits
/// with 101, as any panicking Rust program does.
pub fn child_main(entries: &[(&str, Entry)]) {
    // MUTANT: remember the entries so that start() can run them on a thread of this process.
    let _ = ENTRIES.set(entries.iter().map(|&(n, e)| (n.to_owned(), e)).collect());
    let Some(name) = std::env::var_os(ENTRY_VAR) else {
        // Not a child: main() goes on as the parent.
        return;
    };
    let Some(&(_, entry)) = entries.iter().find(|(n, _)| name == **n) else {
        eprintln!("child_main: this program has no entry named {name:?}");
        std::process::exit(UNKNOWN_ENTRY);
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = entry(&args);
    std::process::exit(code);
}

/// MUTANT: the entries of this program, recorded by child_main.
static ENTRIES: std::sync::OnceLock<Vec<(String, Entry)>> = std::sync::OnceLock::new();

/// A child process running one entry of this program, like Python's
/// `multiprocessing.Process`.
pub struct Process {
    entry: String,
    args: Vec<String>,
    /// MUTANT: a thread running the entry, instead of a child process.
    thread: Option<std::thread::JoinHandle<i32>>,
    code: Option<i32>,
}

impl Process {
    /// Task: describe a process that will run `entry` with `args` (nothing starts yet).
    pub fn new(entry: &str, args: &[&str]) -> Process {
        Process {
            entry: entry.to_owned(),
            args: args.iter().map(|&a| a.to_owned()).collect(),
            thread: None,
            code: None,
        }
    }

    /// Task: re-execute `std::env::current_exe()` with `std::process::Command`, telling the new
    /// process which entry to run and with which arguments (stdin null, stdout/stderr
    /// inherited).
    pub fn start(&mut self) -> io::Result<()> {
        // MUTANT: "a thread is a lighter process": run the entry on a thread of this process.
        let entry = ENTRIES
            .get()
            .and_then(|all| all.iter().find(|(n, _)| *n == self.entry).map(|&(_, e)| e))
            .ok_or_else(|| io::Error::other("unknown entry"))?;
        let args = self.args.clone();
        self.thread = Some(std::thread::spawn(move || entry(&args)));
        Ok(())
    }

    /// Task: the child's PID once started, `None` before.
    pub fn pid(&self) -> Option<u32> {
        self.thread.as_ref().map(|_| std::process::id())
    }

    /// Task: whether the child was started and has not exited yet (without blocking).
    pub fn is_alive(&mut self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Task: wait until the child has exited and reap it; `Ok(())` also if already joined.
    pub fn join(&mut self) -> io::Result<()> {
        if let Some(thread) = self.thread.take() {
            // A panicking thread gives Err: report it as Rust's panic exit code.
            self.code = Some(thread.join().unwrap_or(101));
        }
        Ok(())
    }

    /// Task: `None` until `join` saw the exit; then `Some(code)` for a normal exit, or
    /// `Some(-signal)` if a signal killed the child.
    pub fn exit_code(&self) -> Option<i32> {
        self.code
    }
}

impl Drop for Process {
    /// Task: a started process that was not joined is joined (waited for) here, so that no
    /// child is left behind.
    fn drop(&mut self) {
        let _ = self.join();
    }
}
