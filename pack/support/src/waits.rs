//! Where another process's threads wait: the system call each sleeping thread is in, read from
//! `/proc/PID/task/TID/syscall`.
//!
//! An event loop (ex12) promises that the only place it waits is `poll` (or `epoll_wait`,
//! `select`): every socket is non-blocking, so a `read`, `write` or `accept` that cannot go on
//! at once returns `WouldBlock` without sleeping. A thread seen *asleep* in a read or write on a
//! socket is therefore blocking on one connection, whatever the code that got it there (a
//! socket switched back to blocking mode, a read timeout to wait for the rest of a line, a
//! `BufReader::read_line`, a `write_all` to a client that does not read). The kernel shows the
//! system call of a thread only while it sleeps (a running or runnable one reads as "running"),
//! so a non-blocking call, which does not wait for its peer, is seen only by a rare fluke of
//! the kernel's own (see [`BLOCKING_SIGHTINGS`]), while a blocking one is seen at most looks
//! for as long as it waits, however crowded the machine.
//!
//! Reading another process's `syscall` file needs the right to trace it: the checks' own
//! children (the student's server) qualify. Where the file cannot be read, the watch reports
//! that it saw nothing it could judge ([`Waits::readable`]).

use std::collections::BTreeMap;
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

pub use checker_protocol::syscall::{Syscall, EVENT_WAITS};

/// The system call thread `tid` of process `pid` is asleep in: `None` when it is running or
/// runnable (the kernel then shows no call), not in a system call, gone, or not ours to look at.
pub fn sleeping_in(pid: u32, tid: u32) -> Option<Syscall> {
    Syscall::parse(&fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).ok()?)
}

/// Whether descriptor `fd` of process `pid` is a socket.
fn is_socket(pid: u32, fd: u64) -> bool {
    fs::read_link(format!("/proc/{pid}/fd/{fd}")).is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
}

/// What a [`WaitWatch`] saw.
#[derive(Debug, Clone, Default)]
pub struct Waits {
    /// How many times the threads were looked at.
    pub looks: usize,
    /// Looks at which a thread's `syscall` file could be read (running or asleep).
    pub readable: usize,
    /// Sightings of a thread asleep in a read, write or accept on a socket, by call name and
    /// descriptor.
    pub on_sockets: BTreeMap<(String, u64), usize>,
}

/// Sightings of threads asleep in socket I/O that make a blocking call: a blocking call shows
/// tens to hundreds of times in a scenario, while a non-blocking call can be caught asleep a
/// few times for reasons of the kernel's own (a page fault inside the call waiting for another
/// thread's change of the address space, reclaiming memory), more often on a crowded machine.
pub const BLOCKING_SIGHTINGS: usize = 10;

impl Waits {
    /// How many sightings of a thread asleep in I/O on one socket.
    pub fn blocked(&self) -> usize {
        self.on_sockets.values().sum()
    }

    /// Whether the threads were seen asleep in socket I/O often enough to be blocking calls
    /// ([`BLOCKING_SIGHTINGS`]).
    pub fn shows_blocking(&self) -> bool {
        self.blocked() >= BLOCKING_SIGHTINGS
    }

    /// "read on descriptor 7 (12 times), sendto on descriptor 9 (3 times)", most seen first.
    pub fn describe_blocked(&self) -> String {
        let mut seen: Vec<(&(String, u64), &usize)> = self.on_sockets.iter().collect();
        seen.sort_by(|a, b| b.1.cmp(a.1));
        seen.iter()
            .map(|((call, fd), times)| {
                crate::text!("support-waits-call", call = call.as_str(), fd = *fd, times = **times)
            })
            .collect::<Vec<String>>()
            .join(", ")
    }
}

/// Watches the server's threads for as long as the check runs and, if the check fails after
/// they were seen asleep in I/O on a socket, says so in the failure: that sighting comes first
/// in the observed text, and `why` (the exercise's explanation of a blocking call where none
/// may wait: a std call inside an async task, say) comes before the check's own, which the
/// sighting makes less likely. A check that passes is not judged by it.
pub fn blame_blocking_on_failure(pid: u32, why: String) {
    let watch = WaitWatch::start(pid);
    crate::on_failure(move |failure| {
        let waits = watch.finish();
        if !waits.shows_blocking() {
            return;
        }
        failure.observed.push_str(&crate::text!("support-waits-meanwhile", seen = waits.describe_blocked()));
        failure.why = crate::text!("support-waits-why", blocking = why, otherwise = failure.why.as_str());
    });
}

/// Looks at every thread of a process every 2 ms, on a thread of its own, until
/// [`WaitWatch::finish`], noting each one found asleep in I/O on a socket.
pub struct WaitWatch {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<Waits>,
}

/// The longest a watch looks (a check's own limit is longer than any scenario it watches).
const WATCH_MOST: Duration = Duration::from_secs(60);

impl WaitWatch {
    /// Starts watching process `pid` (all its threads but the caller's, when it watches itself).
    pub fn start(pid: u32) -> WaitWatch {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let me = (pid == std::process::id()).then(crate::proc::current_tid);
        let handle = thread::spawn(move || {
            let mut waits = Waits::default();
            let started = Instant::now();
            while !flag.load(Ordering::Relaxed) && started.elapsed() < WATCH_MOST {
                waits.looks += 1;
                // A server with a thread per client has thousands: a few dozen of them show
                // where they wait, at a bounded cost.
                for tid in crate::proc::threads(pid).unwrap_or_default().into_iter().filter(|&t| Some(t) != me).take(64)
                {
                    look(pid, tid, &mut waits);
                }
                thread::sleep(Duration::from_millis(2));
            }
            waits
        });
        WaitWatch { stop, handle }
    }

    /// Stops watching and returns what was seen.
    pub fn finish(self) -> Waits {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or_default()
    }
}

fn look(pid: u32, tid: u32, waits: &mut Waits) {
    let Ok(line) = fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")) else { return };
    waits.readable += 1;
    let Some(call) = Syscall::parse(&line) else { return };
    // Asleep in a read or write on a pipe (stderr full, say) is no wait on a client.
    if call.is_descriptor_io() && is_socket(pid, call.first_arg) {
        let name = call.name().unwrap_or("?").to_owned();
        *waits.on_sockets.entry((name, call.first_arg)).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    /// A blocking read on a socket is seen, on that socket's descriptor; a thread asleep in
    /// poll on the same socket is not counted. (The test watches its own process, whose
    /// `syscall` files it may read.)
    #[test]
    fn a_thread_asleep_in_a_socket_read_is_seen_and_one_in_poll_is_not() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (served, _) = listener.accept().unwrap();
        let fd = client.as_raw_fd() as u64;

        // In poll only: nothing counted.
        let polling = {
            let fd = served.as_raw_fd();
            thread::spawn(move || {
                let mut fds = [libc::pollfd { fd, events: libc::POLLIN, revents: 0 }];
                // SAFETY: one valid pollfd, a 400 ms timeout.
                unsafe { libc::poll(fds.as_mut_ptr(), 1, 400) };
            })
        };
        let watch = WaitWatch::start(std::process::id());
        thread::sleep(Duration::from_millis(300));
        let waits = watch.finish();
        polling.join().unwrap();
        assert!(waits.readable > 0, "the test's own syscall files are readable: {waits:?}");
        assert_eq!(waits.blocked(), 0, "{waits:?}");

        // In a blocking read on the client's socket: seen, on its descriptor.
        let reading = thread::spawn(move || {
            let mut byte = [0u8; 1];
            let _ = client.read(&mut byte);
        });
        let watch = WaitWatch::start(std::process::id());
        thread::sleep(Duration::from_millis(300));
        let waits = watch.finish();
        drop(served);
        reading.join().unwrap();
        assert!(waits.blocked() >= 10, "{waits:?}");
        assert!(waits.on_sockets.keys().all(|(_, seen)| *seen == fd), "{waits:?}");
        assert!(waits.describe_blocked().contains(&format!("{fd}")));
    }
}
