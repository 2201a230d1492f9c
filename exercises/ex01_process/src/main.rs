//! Prints the report; with `--hold`, stays alive until stdin is closed.
//!
//! Provided: you do not need to change this.

use std::io::{self, Read, Write};

fn main() {
    let report = ex01_process::report();
    let mut out = io::stdout().lock();
    writeln!(out, "{report}").expect("writing the report to stdout");
    // Flush now: whoever reads the report must see it while this process is still alive.
    out.flush().expect("flushing stdout");
    drop(out);

    if std::env::args().skip(1).any(|arg| arg == "--hold") {
        // Block until stdin reaches end of file, so that an outside observer can look at
        // /proc/<pid>/ of this very process and compare it with the report.
        let mut sink = [0u8; 256];
        let mut stdin = io::stdin().lock();
        loop {
            match stdin.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    }
}
