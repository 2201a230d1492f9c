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

/// A function a child process can run: it gets the arguments given to [`Process::new`] and
/// returns the child's exit code.
///
/// Provided: you do not need to change this.
pub type Entry = fn(&[String]) -> i32;

/// Task: if this process was started by [`Process::start`], run the named entry with its
/// arguments and exit with its return value (never returning); otherwise return at once.
///
/// Call it first thing in `main()`. A panic in the entry is not caught: the process exits
/// with 101, as any panicking Rust program does.
pub fn child_main(_entries: &[(&str, Entry)]) {
    todo!("run the requested entry and exit if this is a child, else return")
}

/// A child process running one entry of this program, like Python's
/// `multiprocessing.Process`.
pub struct Process {
    // Replace this with your fields: what `start` needs, then the running child and its
    // exit status.
    _todo: (),
}

impl Process {
    /// Task: describe a process that will run `entry` with `args` (nothing starts yet).
    pub fn new(_entry: &str, _args: &[&str]) -> Process {
        todo!("remember the entry and its arguments")
    }

    /// Task: re-execute `std::env::current_exe()` with `std::process::Command`, telling the new
    /// process which entry to run and with which arguments (stdin null, stdout/stderr
    /// inherited).
    pub fn start(&mut self) -> std::io::Result<()> {
        todo!("start the child process")
    }

    /// Task: the child's PID once started, `None` before.
    pub fn pid(&self) -> Option<u32> {
        todo!("return the child's PID")
    }

    /// Task: whether the child was started and has not exited yet (without blocking).
    pub fn is_alive(&mut self) -> bool {
        todo!("ask whether the child still runs, without waiting")
    }

    /// Task: wait until the child has exited and reap it; `Ok(())` also if already joined.
    pub fn join(&mut self) -> std::io::Result<()> {
        todo!("wait for the child and keep its exit status")
    }

    /// Task: `None` until `join` saw the exit; then `Some(code)` for a normal exit, or
    /// `Some(-signal)` if a signal killed the child.
    pub fn exit_code(&self) -> Option<i32> {
        todo!("turn the exit status into an exit code")
    }
}

impl Drop for Process {
    /// Task: a started process that was not joined is joined (waited for) here, so that no
    /// child is left behind.
    fn drop(&mut self) {
        // TODO: write this. (It is empty rather than `todo!()` on purpose: a panic inside a
        // destructor that runs while another panic unwinds aborts the whole program.)
    }
}
