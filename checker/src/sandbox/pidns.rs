//! A PID namespace of the job's own, with the supervisor as its first process.
//!
//! The supervisor forks itself into a new PID namespace (and a mount namespace, for the /proc
//! of that namespace) and the copy carries on with the supervision as process 1. So the job
//! sees its supervisor and its own processes only, numbered from 1, in a /proc of their own;
//! it cannot name, let alone signal, the checker or another job; and process 1, which its
//! namespace's processes cannot kill, is the one that names what the job leaves behind, since
//! every orphan of the namespace becomes its child. When it exits, the kernel kills whatever
//! is left in the namespace.
//!
//! The original process only waits: it exits with the copy's status, and kills the copy when
//! the checker that started it is gone. When the kernel refuses the namespace, or /proc cannot
//! be mounted in it, the original supervises the job itself, as before, and says why.

use nix::mount::{mount, MsFlags};
use std::time::Duration;

/// The exit status by which the copy says that it could not mount its /proc and did nothing.
const NO_PROC: i32 = 97;

/// Where the caller stands after [`enter`].
pub enum Entered {
    /// This is process 1 of the new namespace, with its own /proc: carry on.
    AsFirstProcess,
    /// No namespace: carry on in this process; the reason is for the report.
    Refused(String),
}

/// Forks into a new PID namespace. Returns in the copy (as process 1) or, when that failed, in
/// the original; the original of a copy that ran never returns: it exits with the copy's status.
///
/// Must be called while the process has a single thread.
pub fn enter() -> Entered {
    let checker = std::os::unix::process::parent_id();
    // clone(2) with the flags of a new PID and mount namespace and nothing else shared, used as
    // fork(2): unlike unshare(2) it leaves this process free to fork again into its own
    // namespace should the copy fail.
    // SAFETY: a fork of a single-threaded process; the child only makes system calls and goes
    // on with the same single-threaded program.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (libc::CLONE_NEWPID | libc::CLONE_NEWNS | libc::SIGCHLD) as libc::c_ulong,
            0,
            0,
            0,
            0,
        )
    };
    if pid < 0 {
        return Entered::Refused(format!(
            "the kernel refused a PID namespace ({}): the job can see the machine's other processes",
            std::io::Error::last_os_error()
        ));
    }
    if pid == 0 {
        // The copy. Die with the original, whatever kills it.
        // SAFETY: prctl with constant arguments.
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
        if mount_own_proc().is_err() {
            // SAFETY: leaving the copy at once, without running anything of the original's.
            unsafe { libc::_exit(NO_PROC) };
        }
        return Entered::AsFirstProcess;
    }
    match wait_for_copy(pid as libc::pid_t, checker) {
        Some(NO_PROC) => Entered::Refused(
            "/proc could not be mounted in a PID namespace of the job's own: the job can see the machine's other processes"
                .into(),
        ),
        Some(code) => std::process::exit(code),
        None => std::process::exit(1),
    }
}

/// A /proc of the new namespace over the machine's, in the copy's own mount namespace.
fn mount_own_proc() -> nix::Result<()> {
    let none: Option<&str> = None;
    mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)?;
    let flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    mount(Some("proc"), "/proc", Some("proc"), flags, none)?;
    // The one thing the supervisor relies on: /proc speaks of this namespace's processes.
    match std::fs::read_link("/proc/self") {
        Ok(link) if link.as_os_str() == "1" => Ok(()),
        _ => Err(nix::errno::Errno::EIO),
    }
}

/// Waits for the copy's exit status; kills it (and with it the whole namespace) if the checker
/// goes away first, since nobody would read its report. `None` when it died of a signal.
fn wait_for_copy(copy: libc::pid_t, checker: u32) -> Option<i32> {
    // A descriptor that turns readable when the copy exits, so that its end is noticed at once;
    // without one (kernels before 5.3), a short nap between looks.
    // SAFETY: pidfd_open of our own child; the result is a new descriptor or -1.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, copy, 0) } as libc::c_int;
    loop {
        let mut status = 0;
        // SAFETY: waitpid for our own child with a valid pointer.
        let done = unsafe { libc::waitpid(copy, &mut status, libc::WNOHANG) };
        if done == copy {
            return libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        }
        if done < 0 {
            return None;
        }
        if std::os::unix::process::parent_id() != checker {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(copy, libc::SIGKILL) };
        }
        if pidfd >= 0 {
            let mut ready = libc::pollfd { fd: pidfd, events: libc::POLLIN, revents: 0 };
            // SAFETY: one valid pollfd.
            unsafe { libc::poll(&mut ready, 1, 50) };
        } else {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
