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
//! that uses your library; try `cargo run -p ex03_spawn -- demo-exit 7` (in `exercises/`).
//!
//! How it is checked: a test program links your library, calls `child_main` like the demo does,
//! starts processes and watches them from outside (their PIDs, parent, exit statuses, whether they
//! are still in /proc). Public tests: `checker check ex03` (or `cargo test -p ex03_spawn` in
//! `exercises/`); they run the demo with different scenarios.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};

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
    let Some(name) = std::env::var_os(ENTRY_VAR) else {
        // Not a child: main() goes on as the parent.
        return;
    };
    let Some(&(_, entry)) = entries.iter().find(|(n, _)| name == **n) else {
        eprintln!("child_main: this program has no entry named {name:?}");
        std::process::exit(UNKNOWN_ENTRY);
    };
    // The arguments were passed on the command line, after the program's name.
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A panic unwinds out of the entry and out of main: the process then exits with 101.
    let code = entry(&args);
    std::process::exit(code);
}

/// A child process running one entry of this program, like Python's
/// `multiprocessing.Process`.
pub struct Process {
    entry: String,
    args: Vec<String>,
    /// The running child, from `start` on.
    child: Option<Child>,
    /// How the child ended, once `join` has waited for it.
    status: Option<ExitStatus>,
}

impl Process {
    /// Task: describe a process that will run `entry` with `args` (nothing starts yet).
    pub fn new(entry: &str, args: &[&str]) -> Process {
        Process {
            entry: entry.to_owned(),
            args: args.iter().map(|&a| a.to_owned()).collect(),
            child: None,
            status: None,
        }
    }

    /// Task: re-execute `std::env::current_exe()` with `std::process::Command`, telling the new
    /// process which entry to run and with which arguments (stdin null, stdout/stderr
    /// inherited).
    pub fn start(&mut self) -> io::Result<()> {
        if self.child.is_some() {
            // As in Python: a Process object is started at most once.
            return Err(io::Error::other("process already started"));
        }
        // fork + exec of the same binary: the child starts from main() with fresh memory,
        // unlike a bare fork, so this works even in a multithreaded parent.
        let child = Command::new(std::env::current_exe()?)
            .args(&self.args)
            .env(ENTRY_VAR, &self.entry)
            // Like multiprocessing: the child does not compete with the parent for its stdin.
            .stdin(Stdio::null())
            .spawn()?;
        self.child = Some(child);
        Ok(())
    }

    /// Task: the child's PID once started, `None` before.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Task: whether the child was started and has not exited yet (without blocking).
    pub fn is_alive(&mut self) -> bool {
        // try_wait is waitpid(pid, WNOHANG): it never blocks. If the child has exited, it also
        // reaps it; std::process::Child remembers the status, so a later join still sees it.
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Task: wait until the child has exited and reap it; `Ok(())` also if already joined.
    pub fn join(&mut self) -> io::Result<()> {
        let Some(child) = &mut self.child else {
            return Err(io::Error::other(
                "cannot join a process that was not started",
            ));
        };
        if self.status.is_none() {
            // wait() blocks until the child exits, then reaps it: its entry in the process
            // table (the zombie holding the exit status) is gone afterwards.
            self.status = Some(child.wait()?);
        }
        Ok(())
    }

    /// Task: `None` until `join` saw the exit; then `Some(code)` for a normal exit, or
    /// `Some(-signal)` if a signal killed the child.
    pub fn exit_code(&self) -> Option<i32> {
        let status = self.status?;
        // A process ends either by exit(code) or killed by a signal, never both: code() is
        // None exactly when signal() is Some. Minus the signal is Python's convention.
        status
            .code()
            .or_else(|| status.signal().map(|signal| -signal))
    }
}

impl Drop for Process {
    /// Task: a started process that was not joined is joined (waited for) here, so that no
    /// child is left behind.
    fn drop(&mut self) {
        if self.child.is_some() && self.status.is_none() {
            // A destructor cannot report an error; the child is reaped in every case where
            // waitpid can do it at all.
            let _ = self.join();
        }
    }
}
