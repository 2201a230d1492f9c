//! Lesson ex01_process: a process knows its own PID and can look at itself in `/proc/self`.
//!
//! The notes' first program prints its PID and the time every two seconds, for ever, so that
//! you can find it with `ps`. This one does the same three times, half a second apart, and
//! shows a few more things the kernel keeps about the process: its parent, its name and
//! state, and where `/proc/self` points. It never waits for you and exits with status 0.
//!
//! Run it: `cargo run -p lessons --example ex01_pid_and_time`
//! (in another terminal, `ps -o pid,ppid,rss,cmd -p <pid>` shows the same process).

use std::fs;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn main() {
    let pid = std::process::id(); // getpid(2)
    let ppid = std::os::unix::process::parent_id(); // getppid(2)
    println!("pid {pid}, started by pid {ppid}");

    // /proc/self is a symbolic link to /proc/<our pid>: the kernel resolves it differently
    // for every process that looks.
    match fs::read_link("/proc/self") {
        Ok(target) => println!("/proc/self -> {}", target.display()),
        Err(e) => println!("no /proc here ({e}): this example expects Linux"),
    }

    // /proc/self/status is text, one "Name:<tab>value" line per attribute.
    if let Ok(status) = fs::read_to_string("/proc/self/status") {
        for line in status.lines() {
            if line.starts_with("Name:") || line.starts_with("State:") || line.starts_with("Threads:") {
                println!("  {line}");
            }
        }
    }

    // The notes' loop, bounded: three lines instead of an endless stream.
    for _ in 0..3 {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("the clock is after 1970");
        println!("{pid} {:.3}", now.as_secs_f64());
        thread::sleep(Duration::from_millis(500));
    }
}
