//! Lesson ex03_spawn: the notes' second form, a `Process` subclass with its own `run`, in Rust.
//!
//! Rust has no inheritance; the counterpart of `class PrintProcess(Process)` is a trait that
//! says "this can run in a child" and a struct that implements it. A struct's fields live in
//! the parent's memory, which the new process does not share, so `start` passes them on the
//! command line and the child rebuilds the struct from there. The example also shows how a
//! parent learns the way its child ended: an exit code, or the signal that killed it.
//!
//! Run it: `cargo run -p lessons --example ex03_process_struct`

use std::env;
use std::os::unix::process::ExitStatusExt;
use std::process::{self, Child, Command, ExitStatus, Stdio};

/// Something that can run in a child process (Python's overridable `run`).
trait Runnable {
    /// The words that rebuild this value in the child.
    fn to_args(&self) -> Vec<String>;
    fn run(&self) -> i32;
}

struct PrintProcess {
    name: String,
}

impl Runnable for PrintProcess {
    fn to_args(&self) -> Vec<String> {
        vec![self.name.clone()]
    }
    fn run(&self) -> i32 {
        println!("hello {}", self.name);
        0
    }
}

/// Starts this program again as a child that rebuilds and runs `job`.
fn start(job: &dyn Runnable) -> std::io::Result<Child> {
    Command::new(env::current_exe()?).arg("--print-process").args(job.to_args()).stdin(Stdio::null()).spawn()
}

/// "exited with 0" or "killed by signal 9", from what wait() returned.
fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => "ended in an unknown way".to_owned(),
    }
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.as_slice() {
        [mark, name] if mark == "--print-process" => {
            let job = PrintProcess { name: name.clone() };
            process::exit(job.run());
        }
        [mark] if mark == "--sleep" => {
            std::thread::sleep(std::time::Duration::from_secs(10));
            process::exit(0);
        }
        _ => {}
    }

    let job = PrintProcess { name: "Mike".to_owned() };
    let mut child = start(&job).expect("starting the child");
    let status = child.wait().expect("waiting for the child");
    println!("PrintProcess child {}", describe(status));

    // A child that would sleep for 10 s, killed at once: wait() reports the signal, not a code.
    let mut sleeper = Command::new(env::current_exe().expect("finding this program"))
        .arg("--sleep")
        .stdin(Stdio::null())
        .spawn()
        .expect("starting the sleeper");
    sleeper.kill().expect("sending SIGKILL"); // kill(2) with SIGKILL
    let status = sleeper.wait().expect("waiting for the sleeper");
    println!("sleeper child {}", describe(status));
}
