//! Lesson ex02_fork: `fork` returns twice, and the parent waits for its child.
//!
//! The counterpart of the notes' first `os.fork()` program. There the child prints its PID
//! every five seconds for ever; here it prints three times, 100 ms apart, and leaves with
//! `_exit`. The parent blocks in `waitpid` (no CPU used) until the child is gone, then shows
//! the status the kernel kept for it.
//!
//! Run it: `cargo run -p lessons --example ex02_fork_and_wait`

use std::io::Write;
use std::thread;
use std::time::Duration;

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, getpid, getppid, ForkResult};

fn main() {
    // Anything still buffered in stdout would be copied into the child and printed twice.
    std::io::stdout().flush().expect("flushing stdout");

    // SAFETY: this program has a single thread when it forks, so the child is a complete
    // copy (no lock held by another thread is frozen in it). The child only prints, sleeps
    // and calls _exit.
    match unsafe { fork() }.expect("fork failed") {
        ForkResult::Child => {
            for round in 1..=3 {
                println!("child:  pid {}, parent {}, round {round}", getpid(), getppid());
                thread::sleep(Duration::from_millis(100));
            }
            std::io::stdout().flush().expect("flushing the child's stdout");
            // Leave here: returning from this match would run the parent's code below in the
            // child as well.
            // SAFETY: _exit has no preconditions and does not return.
            unsafe { libc::_exit(7) }
        }
        ForkResult::Parent { child } => {
            println!("parent: pid {}, forked child {child}", getpid());
            // Blocks in the kernel until the child exits, then reaps it: after this call the
            // child no longer exists, not even as a zombie.
            match waitpid(child, None).expect("waitpid failed") {
                WaitStatus::Exited(pid, code) => println!("parent: {pid} exited with {code}"),
                other => println!("parent: child ended otherwise: {other:?}"),
            }
        }
    }
}
