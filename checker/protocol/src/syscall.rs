//! What a sleeping thread is doing, as `/proc/PID/task/TID/syscall` shows it: read by the
//! checker when it diagnoses a hang and by the grading pack when it watches where a server
//! waits, from one table of names so that both sides say the same.
//!
//! The kernel shows a thread's system call only while the thread sleeps: "NR ARG1 ... SP PC"
//! (numbers in hexadecimal but the first); a running or runnable thread reads as "running",
//! and one outside any system call as "-1 SP PC". Reading the file needs the right to trace the
//! thread (a process's own children qualify).

/// A system call a thread was found asleep in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syscall {
    /// Its number on this machine (`libc::SYS_*`).
    pub number: i64,
    /// Its first argument (the descriptor, for the calls that take one).
    pub first_arg: u64,
}

impl Syscall {
    /// Parses one line of a `syscall` file: `None` for "running", for "-1 ..." (not in a system
    /// call) and for anything unreadable.
    pub fn parse(line: &str) -> Option<Syscall> {
        let mut fields = line.split_whitespace();
        let number: i64 = fields.next()?.parse().ok()?;
        if number < 0 {
            return None;
        }
        let first_arg = u64::from_str_radix(fields.next()?.trim_start_matches("0x"), 16).ok()?;
        Some(Syscall { number, first_arg })
    }

    /// The call's name, for the calls a diagnosis tells apart; `None` for the others.
    pub fn name(&self) -> Option<&'static str> {
        NAMES.iter().find(|(n, _)| *n == self.number).map(|(_, name)| *name)
    }

    /// A read, write, send, receive, accept or connect: the calls that sleep waiting for one
    /// descriptor's peer.
    pub fn is_descriptor_io(&self) -> bool {
        self.name().is_some_and(|name| DESCRIPTOR_IO.contains(&name))
    }
}

/// The calls that wait on one descriptor, whose first argument is that descriptor.
pub const DESCRIPTOR_IO: &[&str] =
    &["read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg", "accept", "accept4", "connect"];

/// The calls an event loop waits in.
pub const EVENT_WAITS: &[&str] = &["poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2"];

const NAMES: &[(i64, &str)] = &[
    (libc::SYS_futex, "futex"),
    (libc::SYS_read, "read"),
    (libc::SYS_write, "write"),
    (libc::SYS_readv, "readv"),
    (libc::SYS_writev, "writev"),
    (libc::SYS_recvfrom, "recvfrom"),
    (libc::SYS_sendto, "sendto"),
    (libc::SYS_recvmsg, "recvmsg"),
    (libc::SYS_sendmsg, "sendmsg"),
    (libc::SYS_accept, "accept"),
    (libc::SYS_accept4, "accept4"),
    (libc::SYS_connect, "connect"),
    (libc::SYS_ppoll, "ppoll"),
    (libc::SYS_pselect6, "pselect6"),
    (libc::SYS_epoll_pwait, "epoll_pwait"),
    (libc::SYS_epoll_pwait2, "epoll_pwait2"),
    (libc::SYS_nanosleep, "nanosleep"),
    (libc::SYS_clock_nanosleep, "clock_nanosleep"),
    (libc::SYS_wait4, "wait4"),
    (libc::SYS_waitid, "waitid"),
    #[cfg(target_arch = "x86_64")]
    (libc::SYS_poll, "poll"),
    #[cfg(target_arch = "x86_64")]
    (libc::SYS_select, "select"),
    #[cfg(target_arch = "x86_64")]
    (libc::SYS_epoll_wait, "epoll_wait"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_only_while_asleep_in_a_call() {
        let read =
            Syscall::parse(&format!("{} 0x7 0x7ffd 0x4000 0x0 0x0 0x0 0x7ffc 0x7f12\n", libc::SYS_read)).unwrap();
        assert_eq!((read.first_arg, read.name()), (7, Some("read")));
        assert!(read.is_descriptor_io());
        assert_eq!(Syscall::parse("running\n"), None);
        assert_eq!(Syscall::parse("-1 0x7ffc 0x7f12\n"), None);
        let ppoll = Syscall::parse(&format!("{} 0x55d0 0x3 0x0 0x0 0x8 0x0 0x7ffc 0x7f12", libc::SYS_ppoll)).unwrap();
        assert_eq!(ppoll.name(), Some("ppoll"));
        assert!(!ppoll.is_descriptor_io());
        assert!(EVENT_WAITS.contains(&ppoll.name().unwrap()));
    }
}
