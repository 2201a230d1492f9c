//! Isolating a job from the machine, as far as the kernel allows without privileges.
//!
//! The supervisor calls [`prepare`] before it starts the job, so the job inherits everything:
//! - a new network namespace where only loopback is up (nothing leaves the machine);
//! - a new mount namespace where the whole file system is read-only except a private,
//!   size-limited temporary folder (the job's working folder, `TMPDIR` and `HOME`), and where the
//!   grading pack and the reference solutions are hidden under empty folders;
//! - as root, a dedicated unprivileged user (so per-user limits hold and root's exemptions do
//!   not apply); as anyone else, a user namespace that maps the user to itself.
//!
//! Each part that the kernel refuses (user namespaces disabled, a container without the
//! capability, ...) is recorded with its reason in [`Isolation`] and the job runs anyway, with
//! the resource limits of [`Limits`] still in force: a grade never fails for the machine's sake.

use nix::mount::{mount, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::resource::{getrlimit, setrlimit, Resource};
use nix::unistd::{Gid, Uid};
use serde::{Deserialize, Serialize};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Resource limits for one job. Defaults suit every exercise so far.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Processes (and threads) the job's user may have at once, above what it already has.
    pub processes: u64,
    /// Private writable memory per process (RLIMIT_DATA), which unlike an address-space limit
    /// does not count the reservations thread stacks and allocators make but do not touch.
    pub memory_bytes: u64,
    /// The largest file a job may write (RLIMIT_FSIZE).
    pub file_bytes: u64,
    /// Open descriptors per process (RLIMIT_NOFILE), never above the checker's own hard limit.
    pub open_files: u64,
    /// The size of the private temporary folder.
    pub scratch_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            processes: 256,
            memory_bytes: 4 << 30,
            file_bytes: 256 << 20,
            open_files: 4096,
            scratch_bytes: 256 << 20,
        }
    }
}

/// What isolation a job actually had, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isolation {
    /// `None` when isolated; otherwise why not.
    pub network: Option<String>,
    pub filesystem: Option<String>,
    /// `None` when a root checker switched to the sandbox user, or the checker is not root.
    pub user: Option<String>,
    /// `None` when a root checker bounded the job with control groups, or the checker is not root.
    #[serde(default)]
    pub cgroups: Option<String>,
    /// `None` when the job had a PID namespace of its own; otherwise why not.
    #[serde(default)]
    pub processes: Option<String>,
}

impl Isolation {
    /// One line per part that is missing, for a notice.
    pub fn gaps(&self) -> Vec<String> {
        [
            ("network", &self.network),
            ("file system", &self.filesystem),
            ("user", &self.user),
            ("cgroup", &self.cgroups),
            ("process", &self.processes),
        ]
        .into_iter()
        .filter_map(|(what, gap)| gap.as_ref().map(|why| format!("no {what} isolation: {why}")))
        .collect()
    }
}

/// The first of the users a root checker runs jobs as: job N's supervisor, whose PID is unique
/// on the machine while the job runs, gives it the user `JOB_UID_BASE + PID`. No two jobs share a
/// user, even of two checker runs at once, so one job can never signal another's processes, and
/// a per-user process limit counts exactly one job.
pub const JOB_UID_BASE: u32 = 10_000_000;

/// The user a root checker runs builds as: not root, so that a build cannot read what only root
/// may (`/etc/shadow`), and the same for every build, so that the shared target folder, which it
/// owns, serves them all. A build runs no student code (no build scripts, no procedural macros of
/// the student's), only the compiler on it.
pub const BUILD_UID: u32 = 9_999_999;

/// The uid and gid student code runs as when the checker runs as root: the job's own choice
/// (the build user), else `CHECKER_SANDBOX_UID`, else a user of the job's own.
fn sandbox_ids(chosen: Option<u32>) -> (Uid, Gid) {
    let uid = chosen
        .or_else(|| std::env::var("CHECKER_SANDBOX_UID").ok().and_then(|v| v.parse().ok()))
        .unwrap_or(JOB_UID_BASE + std::process::id());
    (Uid::from_raw(uid), Gid::from_raw(uid))
}

/// Everything the job's `pre_exec` needs, computed before the fork.
pub struct Prepared {
    pub scratch: PathBuf,
    pub isolation: Isolation,
    /// Switch to this user in the child (root only).
    pub run_as: Option<(Uid, Gid)>,
    /// RLIMIT_NPROC for the child.
    pub max_processes: u64,
    pub limits: Limits,
    /// Control groups the supervisor joined (root only); removed from outside afterwards.
    pub cgroups: Vec<PathBuf>,
}

/// Sets up the supervisor's namespaces and the job's private folder. The job's program and
/// `cwd` must stay reachable; its `hide` folders it must not read, its `writable` ones it may
/// write.
pub fn prepare(job: &super::Job, cwd: &Path) -> std::io::Result<Prepared> {
    let (limits, program, hide, sandbox_uid) = (job.limits, job.program.as_path(), &job.hide, job.sandbox_uid);
    let root = Uid::effective().is_root();
    let scratch = match job.scratch.as_deref() {
        Some(dir) => dir.to_path_buf(),
        None => tempfile::Builder::new().prefix("checker-job-").tempdir()?.keep(),
    };
    let mut isolation = Isolation::default();

    let mut run_as = root.then(|| sandbox_ids(sandbox_uid));

    // Joined before the file system turns read-only; the job inherits them.
    let cgroups = if root {
        join_cgroups(&limits).unwrap_or_else(|why| {
            isolation.cgroups = Some(why);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    match enter_namespaces(root) {
        Err(why) => {
            isolation.network = Some(why.clone());
            isolation.filesystem = Some(why);
        }
        Ok(()) => {
            if let Err(why) = loopback_up() {
                isolation.network = Some(format!("the loopback interface could not be brought up: {why}"));
            }
            let needed: Vec<PathBuf> = [program, cwd]
                .into_iter()
                .map(Path::to_path_buf)
                .chain(job.writable.iter().cloned())
                .chain(job.reach.iter().cloned())
                .collect();
            let confined = if root { make_reachable(&needed) } else { Ok(()) }.and_then(|()| {
                confine_filesystem(&scratch, run_as, limits.scratch_bytes, hide, &job.writable, &needed)
            });
            if let Err(why) = confined {
                isolation.filesystem = Some(why);
            }
        }
    }
    if root && isolation.filesystem.is_some() {
        // Without a mount namespace of its own, the job reaches only what others can on the
        // host: run it as root rather than not at all, and say so.
        if let Err(why) = reachable_by_others(program).and_then(|()| reachable_by_others(cwd)) {
            isolation.user = Some(format!("runs as root, because {why}"));
            run_as = None;
        }
    }
    if let Some((uid, gid)) = run_as {
        // Without a mount namespace the folder is a plain one on the host: hand it over.
        if isolation.filesystem.is_some() {
            nix::unistd::chown(&scratch, Some(uid), Some(gid)).map_err(std::io::Error::from)?;
        }
    }
    let already = if run_as.is_some() { 0 } else { processes_of(Uid::current()) };
    Ok(Prepared { scratch, isolation, run_as, max_processes: already + limits.processes, limits, cgroups })
}

/// Applies the per-process part in the child, between fork and exec. Only async-signal-safe
/// system calls happen here.
pub fn apply_in_child(
    prepared_limits: &Limits,
    max_processes: u64,
    cpu_seconds: u64,
    run_as: Option<(Uid, Gid)>,
) -> std::io::Result<()> {
    let set = |resource: Resource, value: u64| {
        let (_, hard) = getrlimit(resource).unwrap_or((value, value));
        let value = value.min(hard);
        setrlimit(resource, value, value).map_err(std::io::Error::from)
    };
    set(Resource::RLIMIT_CORE, 0)?;
    set(Resource::RLIMIT_CPU, cpu_seconds)?;
    set(Resource::RLIMIT_DATA, prepared_limits.memory_bytes)?;
    set(Resource::RLIMIT_FSIZE, prepared_limits.file_bytes)?;
    set(Resource::RLIMIT_NOFILE, prepared_limits.open_files)?;
    set(Resource::RLIMIT_NPROC, max_processes)?;
    if let Some((uid, gid)) = run_as {
        nix::unistd::setgroups(&[]).map_err(std::io::Error::from)?;
        nix::unistd::setgid(gid).map_err(std::io::Error::from)?;
        nix::unistd::setuid(uid).map_err(std::io::Error::from)?;
    }
    Ok(())
}

/// New network, mount and IPC namespaces (and, without root, a user namespace to own them). The
/// IPC namespace takes every System V and POSIX IPC object the job makes with it when it ends.
fn enter_namespaces(root: bool) -> Result<(), String> {
    let base = CloneFlags::CLONE_NEWNET | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWIPC;
    if root {
        return unshare(base).map_err(|e| format!("the kernel refused new namespaces ({e})"));
    }
    let (uid, gid) = (Uid::current(), Gid::current());
    unshare(base | CloneFlags::CLONE_NEWUSER).map_err(|e| {
        format!("the kernel refused an unprivileged user namespace ({e}); some distributions disable them (sysctl kernel.unprivileged_userns_clone or AppArmor's userns restriction)")
    })?;
    // Map the user to itself, so files keep their owners and the job is no more privileged.
    let write = |file: &str, text: String| std::fs::write(file, text).map_err(|e| format!("writing {file}: {e}"));
    write("/proc/self/setgroups", "deny".into())?;
    write("/proc/self/uid_map", format!("{uid} {uid} 1"))?;
    write("/proc/self/gid_map", format!("{gid} {gid} 1"))?;
    Ok(())
}

/// Brings `lo` up in the new network namespace, where it starts down.
fn loopback_up() -> Result<(), String> {
    // SAFETY: plain socket and ioctl calls on a zeroed, correctly sized ifreq.
    unsafe {
        let socket = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if socket < 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
            *slot = *byte as libc::c_char;
        }
        let mut result = libc::ioctl(socket, libc::SIOCGIFFLAGS, &mut request);
        if result == 0 {
            request.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
            result = libc::ioctl(socket, libc::SIOCSIFFLAGS, &request);
        }
        let error = std::io::Error::last_os_error();
        libc::close(socket);
        if result != 0 {
            return Err(error.to_string());
        }
    }
    Ok(())
}

/// Everything read-only but the `writable` folders, a private tmpfs as the job's folder, and the
/// hidden folders emptied of all but the `needed` files in them (a job's own program in the
/// shared build folder).
fn confine_filesystem(
    scratch: &Path,
    owner: Option<(Uid, Gid)>,
    size: u64,
    hide: &[PathBuf],
    writable: &[PathBuf],
    needed: &[PathBuf],
) -> Result<(), String> {
    let none: Option<&str> = None;
    // Our mounts must not propagate back to the machine's namespace.
    mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)
        .map_err(|e| format!("making mounts private: {e}"))?;
    // Each writable folder becomes a mount of its own, so that it can keep its write access
    // when everything else turns read-only.
    for path in writable {
        std::fs::create_dir_all(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
        mount(Some(path), path, none, MsFlags::MS_BIND | MsFlags::MS_REC, none)
            .map_err(|e| format!("binding {}: {e}", path.display()))?;
    }
    set_read_only(Path::new("/"), true)?;
    for path in writable {
        set_read_only(path, false)?;
    }
    let (uid, gid) = owner.unwrap_or((Uid::current(), Gid::current()));
    let options = format!("size={size},mode=0700,uid={uid},gid={gid}");
    mount(Some("tmpfs"), scratch, Some("tmpfs"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some(options.as_str()))
        .map_err(|e| format!("mounting the private temporary folder: {e}"))?;
    for path in hide.iter().filter(|p| p.is_dir()) {
        hide_folder(path, needed)?;
    }
    Ok(())
}

/// Covers `folder` with an empty read-only tmpfs, into which the files of `needed` that lie
/// below it are bound back, each at its own path.
fn hide_folder(folder: &Path, needed: &[PathBuf]) -> Result<(), String> {
    let kept: Vec<&Path> =
        needed.iter().filter(|p| p.starts_with(folder) && *p != folder && p.is_file()).map(PathBuf::as_path).collect();
    cover_keeping(folder, &kept)?;
    set_read_only(folder, true)
}

/// Mounts an empty tmpfs over `folder` and binds each of `keep` (files or folders below it) back
/// at its own path: nothing else of the folder stays in sight. Each is opened before the folder
/// is covered and bound from that descriptor, since its path no longer leads to it afterwards.
fn cover_keeping(folder: &Path, keep: &[&Path]) -> Result<(), String> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let mut handles: Vec<(&Path, std::fs::File, bool)> = Vec::new();
    for path in keep {
        // A path can be needed twice (the program as the working folder's stand-in too).
        if handles.iter().any(|(known, _, _)| known == path) {
            continue;
        }
        let handle = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH | libc::O_CLOEXEC)
            .open(path)
            .map_err(|e| format!("opening {}: {e}", path.display()))?;
        let is_dir = handle.metadata().map_err(|e| format!("reading {}: {e}", path.display()))?.is_dir();
        handles.push((path, handle, is_dir));
    }
    let none: Option<&str> = None;
    mount(Some("tmpfs"), folder, Some("tmpfs"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some("size=64k,mode=0755"))
        .map_err(|e| format!("covering {}: {e}", folder.display()))?;
    for (path, handle, is_dir) in handles {
        let made = if is_dir {
            std::fs::create_dir_all(path)
        } else {
            path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(path, b""))
        };
        made.map_err(|e| format!("making {}: {e}", path.display()))?;
        let source = format!("/proc/self/fd/{}", handle.as_raw_fd());
        mount(Some(source.as_str()), path, none, MsFlags::MS_BIND | MsFlags::MS_REC, none)
            .map_err(|e| format!("binding {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY)` set or cleared on `path` and every mount
/// below it (Linux 5.12 and later).
fn set_read_only(path: &Path, read_only: bool) -> Result<(), String> {
    #[repr(C)]
    struct MountAttr {
        attr_set: u64,
        attr_clr: u64,
        propagation: u64,
        userns_fd: u64,
    }
    const MOUNT_ATTR_RDONLY: u64 = 0x1;
    const AT_RECURSIVE: libc::c_int = 0x8000;
    let (attr_set, attr_clr) = if read_only { (MOUNT_ATTR_RDONLY, 0) } else { (0, MOUNT_ATTR_RDONLY) };
    let attr = MountAttr { attr_set, attr_clr, propagation: 0, userns_fd: 0 };
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| format!("{} contains a NUL byte", path.display()))?;
    // SAFETY: the path is a NUL-terminated string and `attr` a correctly sized mount_attr.
    let result = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            libc::AT_FDCWD,
            c_path.as_ptr(),
            AT_RECURSIVE,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if result != 0 {
        let what = if read_only { "read-only" } else { "writable" };
        return Err(format!("making {} {what}: {}", path.display(), std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Makes each of `needed` reachable by the sandbox user in this mount namespace: a folder on the
/// way that other users cannot search (root's home, 0700, where rustup put the toolchain) is
/// covered by a searchable tmpfs into which only the entries on the way to the needed paths are
/// bound back. Nothing else of the covered folder is in sight.
fn make_reachable(needed: &[PathBuf]) -> Result<(), String> {
    let searchable = |dir: &Path| std::fs::metadata(dir).map(|m| m.permissions().mode() & 0o001 != 0).unwrap_or(true);
    // Each round covers the topmost blocked folder; a deeper one, if any, in a later round.
    for _ in 0..32 {
        let blocked = needed.iter().find_map(|path| {
            let above: Vec<&Path> = path.ancestors().skip(1).collect();
            above.into_iter().rev().find(|dir| !searchable(dir)).map(Path::to_path_buf)
        });
        let Some(blocked) = blocked else { return Ok(()) };
        // The entries of the blocked folder on the way to the needed paths.
        let entries: Vec<PathBuf> = needed
            .iter()
            .filter_map(|path| path.strip_prefix(&blocked).ok()?.components().next())
            .map(|first| blocked.join(first))
            .filter(|entry| entry.exists())
            .collect();
        let entries: Vec<&Path> = entries.iter().map(PathBuf::as_path).collect();
        cover_keeping(&blocked, &entries)?;
    }
    Err("too many folders that other users cannot search on the way to the job's files".into())
}

/// Whether an unprivileged user can reach `path`: every folder above it searchable by others.
fn reachable_by_others(path: &Path) -> Result<(), String> {
    for dir in path.ancestors().skip(1) {
        let Ok(meta) = std::fs::metadata(dir) else { continue };
        if meta.permissions().mode() & 0o001 == 0 {
            return Err(format!(
                "{} is not searchable by other users (chmod o+x it, or build elsewhere with CHECKER_TARGET_DIR)",
                dir.display()
            ));
        }
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() && meta.mode() & 0o005 != 0o005 {
        return Err(format!("{} is not readable and executable by other users", path.display()));
    }
    Ok(())
}

/// How many processes `uid` has now (the base for a per-user process limit).
fn processes_of(uid: Uid) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid.as_raw()))
        .map(|e| std::fs::read_dir(e.path().join("task")).map(|t| t.count() as u64).unwrap_or(1))
        .sum()
}

/// The cgroup v2 root, or the v1 hierarchies, the checker makes groups in.
fn cgroup_hierarchies() -> Vec<PathBuf> {
    let base = Path::new("/sys/fs/cgroup");
    if base.join("cgroup.controllers").is_file() {
        vec![base.to_path_buf()]
    } else {
        vec![base.join("pids"), base.join("memory")]
    }
}

/// The name of the groups a supervisor makes for its job.
fn cgroup_name(supervisor: u32) -> String {
    format!("checker-job-{supervisor}")
}

/// The limits to write in each hierarchy's group.
fn cgroup_settings(hierarchy: &Path, limits: &Limits) -> Vec<(&'static str, String)> {
    // The tree as a whole may use twice what one process may: a few large processes pass, a
    // multiplying hog does not.
    let memory = (limits.memory_bytes * 2).to_string();
    let pids = limits.processes.to_string();
    if hierarchy.join("cgroup.controllers").is_file() {
        vec![("pids.max", pids), ("memory.max", memory)]
    } else if hierarchy.ends_with("pids") {
        vec![("pids.max", pids)]
    } else {
        vec![("memory.limit_in_bytes", memory)]
    }
}

/// Removes the groups a supervisor made, once it has exited (it left them by exiting; its file
/// system view was read-only, so it could not remove them itself).
pub fn remove_cgroups(supervisor: u32) {
    for hierarchy in cgroup_hierarchies() {
        let _ = std::fs::remove_dir(hierarchy.join(cgroup_name(supervisor)));
    }
}

/// Creates this job's control groups, sets their limits and moves the supervisor into them.
fn join_cgroups(limits: &Limits) -> Result<Vec<PathBuf>, String> {
    let name = cgroup_name(std::process::id());
    let mut joined = Vec::new();
    let result = (|| {
        for hierarchy in cgroup_hierarchies() {
            let settings = cgroup_settings(&hierarchy, limits);
            if !hierarchy.join("cgroup.procs").is_file() {
                return Err(format!("{} is not a cgroup hierarchy", hierarchy.display()));
            }
            if hierarchy.join("cgroup.controllers").is_file() {
                // cgroup v2: the controllers must be enabled for the children of the root.
                let _ = std::fs::write(hierarchy.join("cgroup.subtree_control"), "+pids +memory");
            }
            let dir = hierarchy.join(&name);
            std::fs::create_dir(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
            joined.push(dir.clone());
            for (file, value) in settings {
                std::fs::write(dir.join(file), &value).map_err(|e| format!("writing {file}: {e}"))?;
            }
            std::fs::write(dir.join("cgroup.procs"), "0").map_err(|e| format!("joining {}: {e}", dir.display()))?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(joined),
        Err(why) => {
            // Nothing has joined a half-made group: remove it and fall back on the rlimits.
            for dir in joined.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            Err(format!("no control groups for the job ({why}); the per-process limits still apply"))
        }
    }
}

/// What the control groups saw: limits that were hit, in words.
pub fn cgroup_events(cgroups: &[PathBuf], limits: &Limits) -> Vec<String> {
    let mut hit = Vec::new();
    let count = |file: PathBuf, key: &str| -> u64 {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
            .unwrap_or(0)
    };
    for dir in cgroups {
        if count(dir.join("pids.events"), "max ") > 0 {
            hit.push(format!(
                "the process limit was reached ({} processes and threads for the whole check)",
                limits.processes
            ));
        }
        let oom = count(dir.join("memory.events"), "oom_kill ") + count(dir.join("memory.oom_control"), "oom_kill ");
        if oom > 0 {
            hit.push(format!(
                "the memory limit ({} MiB for the whole check) was reached: the kernel killed {oom} process(es)",
                (limits.memory_bytes * 2) >> 20
            ));
        }
    }
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_limits_a_cgroup_saw_hit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pids.events"), "max 3\n").unwrap();
        std::fs::write(dir.path().join("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n").unwrap();
        let hit = cgroup_events(&[dir.path().to_path_buf()], &Limits::default());
        assert_eq!(hit.len(), 2, "{hit:?}");
        assert!(hit[0].starts_with("the process limit was reached"));
        assert!(hit[1].contains("the kernel killed 2 process(es)"));
    }

    #[test]
    fn a_quiet_cgroup_reports_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pids.events"), "max 0\n").unwrap();
        std::fs::write(dir.path().join("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n").unwrap();
        assert!(cgroup_events(&[dir.path().to_path_buf()], &Limits::default()).is_empty());
    }
}
