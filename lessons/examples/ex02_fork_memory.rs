//! Lesson ex02_fork: after `fork` the child has a copy of the parent's memory, not a share.
//!
//! The counterpart of the notes' `foo = "bar"` program: the child changes its copy of a
//! variable (`word` here), the parent's stays as it was. Since the child cannot hand its
//! value back through memory, it sends it through a pipe created before the fork; the parent
//! reads it, then reaps the child.
//!
//! Run it: `cargo run -p lessons --example ex02_fork_memory`

use std::io::Write;

use nix::sys::wait::waitpid;
use nix::unistd::{fork, pipe, read, write, ForkResult};

fn main() {
    let mut word = String::from("bar");
    // Both ends exist before the fork, so the child inherits copies of both descriptors.
    let (reader, writer) = pipe().expect("creating a pipe");
    std::io::stdout().flush().expect("flushing stdout");

    // SAFETY: single-threaded at this point; the child only writes to the pipe and calls _exit.
    match unsafe { fork() }.expect("fork failed") {
        ForkResult::Child => {
            drop(reader); // the child only writes
            word.replace_range(.., "baz"); // changes the child's copy only
            let status = match write(&writer, word.as_bytes()) {
                Ok(_) => 0,
                Err(_) => 1,
            };
            // SAFETY: _exit has no preconditions and does not return.
            unsafe { libc::_exit(status) }
        }
        ForkResult::Parent { child } => {
            // Close our copy of the write end: once the child has exited too, no write end is
            // left, and read() returns 0 (end of file) instead of waiting for ever.
            drop(writer);
            let mut buf = [0u8; 64];
            let mut got = Vec::new();
            loop {
                match read(&reader, &mut buf) {
                    Ok(0) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(nix::Error::EINTR) => continue,
                    Err(e) => panic!("reading the pipe: {e}"),
                }
            }
            waitpid(child, None).expect("waiting for the child");
            println!("child's word:  {}", String::from_utf8_lossy(&got));
            println!("parent's word: {word}");
        }
    }
}
