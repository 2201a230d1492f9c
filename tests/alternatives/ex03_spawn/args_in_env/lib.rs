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
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};

/// A function a child process can run: it gets the arguments given to [`Process::new`] and
/// returns the child's exit code.
///
/// Provided: you do not need to change this.
pub type Entry = fn(&[String]) -> i32;

/// The entry's name and its arguments travel in environment variables: the name in
/// `COURSE_ENTRY`, the number of arguments in `COURSE_ARGC` and each in `COURSE_ARG_<i>`.
const ENTRY_VAR: &str = "COURSE_ENTRY";
const ARGC_VAR: &str = "COURSE_ARGC";

/// Task: if this process was started by [`Process::start`], run the named entry with its
/// arguments and exit with its return value (never returning); otherwise return at once.
pub fn child_main(entries: &[(&str, Entry)]) {
    let Ok(name) = std::env::var(ENTRY_VAR) else {
        return;
    };
    let count: usize = std::env::var(ARGC_VAR).ok().and_then(|c| c.parse().ok()).unwrap_or(0);
    let args: Vec<String> = (0..count)
        .map(|i| std::env::var(format!("COURSE_ARG_{i}")).unwrap_or_default())
        .collect();
    match entries.iter().find(|(n, _)| *n == name) {
        Some((_, entry)) => std::process::exit(entry(&args)),
        None => std::process::exit(127),
    }
}

/// A child process running one entry of this program.
pub struct Process {
    entry: String,
    args: Vec<String>,
    child: Option<Child>,
    /// The exit code, once the child is known to have ended (by join or is_alive).
    code: Option<i32>,
    joined: bool,
}

fn code_of(status: ExitStatus) -> i32 {
    match status.code() {
        Some(code) => code,
        None => -status.signal().unwrap_or(0),
    }
}

impl Process {
    /// Task: describe a process that will run `entry` with `args` (nothing starts yet).
    pub fn new(entry: &str, args: &[&str]) -> Process {
        Process {
            entry: entry.to_owned(),
            args: args.iter().map(|a| a.to_string()).collect(),
            child: None,
            code: None,
            joined: false,
        }
    }

    /// Task: re-execute `std::env::current_exe()` with `std::process::Command`, telling the new
    /// process which entry to run and with which arguments (stdin null, stdout/stderr
    /// inherited).
    pub fn start(&mut self) -> io::Result<()> {
        if self.child.is_some() {
            return Err(io::Error::other("already started"));
        }
        let mut command = Command::new(std::env::current_exe()?);
        command
            .env(ENTRY_VAR, &self.entry)
            .env(ARGC_VAR, self.args.len().to_string())
            .stdin(Stdio::null());
        for (i, arg) in self.args.iter().enumerate() {
            command.env(format!("COURSE_ARG_{i}"), arg);
        }
        self.child = Some(command.spawn()?);
        Ok(())
    }

    /// Task: the child's PID once started, `None` before.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// Task: whether the child was started and has not exited yet (without blocking).
    pub fn is_alive(&mut self) -> bool {
        let Some(child) = self.child.as_mut() else {
            return false;
        };
        if self.code.is_some() {
            return false;
        }
        match child.try_wait() {
            Ok(None) => true,
            Ok(Some(status)) => {
                // Reaped now: remember how it ended for join.
                self.code = Some(code_of(status));
                false
            }
            Err(_) => false,
        }
    }

    /// Task: wait until the child has exited and reap it; `Ok(())` also if already joined.
    pub fn join(&mut self) -> io::Result<()> {
        let Some(child) = self.child.as_mut() else {
            return Err(io::Error::other("not started"));
        };
        if self.code.is_none() {
            self.code = Some(code_of(child.wait()?));
        }
        self.joined = true;
        Ok(())
    }

    /// Task: `None` until `join` saw the exit; then `Some(code)` for a normal exit, or
    /// `Some(-signal)` if a signal killed the child.
    pub fn exit_code(&self) -> Option<i32> {
        if self.joined {
            self.code
        } else {
            None
        }
    }
}

impl Drop for Process {
    /// Task: a started process that was not joined is joined (waited for) here, so that no
    /// child is left behind.
    fn drop(&mut self) {
        if !self.joined {
            let _ = self.join();
        }
    }
}
