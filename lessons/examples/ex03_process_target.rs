//! Lesson ex03_spawn: run a function in a new process without `fork`, by starting this same
//! program again and telling the copy what to run.
//!
//! The counterpart of the notes' `Process(target=f, args=("Bob",))`. Here the parent marks
//! the child's command line with `--run-greet`; the child, seeing the mark first thing in
//! `main`, runs `greet` and exits with its return value. The parent starts the child
//! (`spawn`), does something meanwhile, and then waits for it (`wait`, Python's `join`).
//!
//! Run it: `cargo run -p lessons --example ex03_process_target`

use std::env;
use std::process::{self, Command, Stdio};

/// The function the child runs (Python's `target`); its result becomes the exit code.
fn greet(name: &str) -> i32 {
    println!("hello {name} (from pid {})", process::id());
    0
}

fn main() {
    // The child's side: the same binary, recognised by its command line.
    let args: Vec<String> = env::args().skip(1).collect();
    if let [mark, name] = args.as_slice() {
        if mark == "--run-greet" {
            process::exit(greet(name));
        }
    }

    // The parent's side. Nothing runs until spawn(), as nothing runs before p.start().
    let exe = env::current_exe().expect("finding this program's own path");
    let mut cmd = Command::new(exe);
    cmd.args(["--run-greet", "Bob"]).stdin(Stdio::null());

    let mut child = cmd.spawn().expect("starting the child"); // p.start()
    println!("parent {} started child {}", process::id(), child.id());
    let status = child.wait().expect("waiting for the child"); // p.join()
    println!("child finished: {status} (code {:?})", status.code());
}
