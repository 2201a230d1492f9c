//! Public tests of ex01_process: run them with `checker check ex01`,
//! or `cargo test -p ex01_process` in `exercises/`.
//!
//! Each test starts the program with `--hold`, reads its four report lines, compares them with
//! what /proc says about that same (still running) process, then closes its stdin so it exits.

use std::io::{BufRead, BufReader};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The program, alive and blocked on its stdin, with the report it printed.
struct Held {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Vec<String>,
}

impl Held {
    /// Starts the program with `--hold`; `extra_fd` is passed down as descriptor 7.
    fn start(extra_fd: Option<i32>) -> Held {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ex01_process"));
        cmd.arg("--hold")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(src) = extra_fd {
            // SAFETY: dup2 and fcntl are async-signal-safe, the only kind of call allowed
            // between fork and exec. dup2 clears close-on-exec on the copy (and if the file
            // already is descriptor 7, fcntl clears it), so the program inherits descriptor 7.
            unsafe {
                cmd.pre_exec(move || {
                    let rc = if src == 7 {
                        libc::fcntl(7, libc::F_SETFD, 0)
                    } else {
                        libc::dup2(src, 7)
                    };
                    if rc < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn().expect("starting the program");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        // Read on a thread so that a program that never prints fails the test instead of hanging.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        while lines.len() < 4 {
            match rx.recv_timeout(Duration::from_secs(10)) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        Held {
            child,
            stdin,
            lines,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The value after `name: ` on the report line for `name`.
    fn field(&self, name: &str) -> String {
        let prefix = format!("{name}:");
        let line = self
            .lines
            .iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| {
                panic!("no `{name}:` line in the program's output {:?}", self.lines)
            });
        line[prefix.len()..].trim().to_owned()
    }

    fn number(&self, name: &str) -> u64 {
        let text = self.field(name);
        text.parse()
            .unwrap_or_else(|_| panic!("`{name}: {text}` is not a number"))
    }
}

impl Drop for Held {
    /// Closes the program's stdin so it exits, and reaps it; kills it if it does not exit.
    fn drop(&mut self) {
        drop(self.stdin.take());
        for _ in 0..300 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The descriptors /proc lists for `pid`, sorted.
fn proc_fds(pid: u32) -> Vec<i32> {
    let mut fds: Vec<i32> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("reading /proc/PID/fd of the running program")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    fds.sort_unstable();
    fds
}

#[test]
fn reports_its_own_pid() {
    let held = Held::start(None);
    assert_eq!(
        held.number("pid"),
        u64::from(held.pid()),
        "pid: must be the PID of the program itself"
    );
}

#[test]
fn reports_the_test_as_its_parent() {
    let held = Held::start(None);
    assert_eq!(
        held.number("ppid"),
        u64::from(std::process::id()),
        "ppid: the test process started the program, so it is the parent"
    );
}

#[test]
fn reports_exactly_the_open_descriptors() {
    let held = Held::start(None);
    let reported: Vec<i32> = held
        .field("fds")
        .split_whitespace()
        .map(|fd| fd.parse().expect("fds: numbers separated by spaces"))
        .collect();
    assert_eq!(
        reported,
        proc_fds(held.pid()),
        "fds: must be what /proc/PID/fd lists while the program is alive (sorted, without the \
         descriptor that was open only while /proc/self/fd was being read)"
    );
}

#[test]
fn reports_an_inherited_descriptor() {
    let file = tempfile_in_target();
    let held = Held::start(Some(file.as_raw_fd()));
    let reported: Vec<i32> = held
        .field("fds")
        .split_whitespace()
        .map(|fd| fd.parse().expect("fds: numbers separated by spaces"))
        .collect();
    assert!(
        reported.contains(&7),
        "descriptor 7 was inherited from the test, but the program reported fds: {reported:?}"
    );
    assert_eq!(reported, proc_fds(held.pid()));
}

#[test]
fn reports_resident_memory_like_proc() {
    let held = Held::start(None);
    let reported = held.number("rss_kb");
    let status = std::fs::read_to_string(format!("/proc/{}/status", held.pid()))
        .expect("reading /proc/PID/status of the running program");
    let real: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .expect("a VmRSS line");
    // Resident memory moves a little between the report and this look: allow some slack.
    let tolerance = (real / 4).max(256);
    assert!(
        reported.abs_diff(real) <= tolerance,
        "rss_kb: {reported}, but /proc/PID/status says VmRSS: {real} kB"
    );
}

/// An open file (close-on-exec, as Rust opens every file) to hand down to the program.
fn tempfile_in_target() -> std::fs::File {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("ex01_public_{}.txt", std::process::id()));
    let file = std::fs::File::create(&path).expect("creating a temporary file");
    // The open descriptor keeps the file alive; its name is not needed any more.
    let _ = std::fs::remove_file(&path);
    file
}
