//! The sandbox: the one place where the checker starts, watches and stops student code.
//!
//! Every run of student code goes through [`run`], which starts a supervising copy of the checker
//! (`checker __supervise`, see [`supervisor`]) and hands it a [`Job`]. The supervisor makes itself
//! a child subreaper, starts the job in its own process group, captures its output with a cap,
//! enforces the time limit (diagnosing a hang thread by thread before killing), and afterwards
//! kills and names every process the job left behind. It answers with a [`RunRecord`].
//!
//! Keeping supervision in a separate process means orphans are reparented to a process that
//! reaps nothing else, and a crash of the checker still takes the student's processes down.

mod capture;
mod diagnose;
mod isolate;
mod load;
mod pidns;
mod proctree;
pub mod supervisor;

pub use capture::Captured;
// The integration tests wait for a quiet machine with the supervisor's own measure.
pub use diagnose::{Activity, HangDiagnosis, HangKind, ThreadReport};
pub use isolate::{Isolation, Limits, BUILD_UID, JOB_UID_BASE};
pub use load::Snapshot as LoadSnapshot;
pub use proctree::ProcessInfo;

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// One run of student code (or of a hidden-check program linked with it, or of the compiler
/// on student code). Made with [`Job::new`] and its setters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub program: PathBuf,
    /// The name the program is started under (its `argv[0]`); `None` gives its path.
    #[serde(default)]
    pub arg0: Option<String>,
    pub args: Vec<String>,
    /// The job's whole environment, beside the few variables of [`INHERITED_ENV`] and the
    /// supervisor's `TMPDIR` and `HOME` (the job's private temporary
    /// folder): nothing else of the checker's environment (a `GITHUB_TOKEN`) reaches the job.
    pub env: Vec<(String, String)>,
    /// The working folder; `None` runs the job in its private temporary folder.
    pub cwd: Option<PathBuf>,
    /// Written to the job's standard input, which is then closed.
    pub stdin: Vec<u8>,
    /// Open a verdict channel for the job as descriptor [`RESULT_FD`].
    pub result_channel: bool,
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Bytes kept from each of stdout and stderr (half from the start, half from the end).
    pub output_cap: usize,
    pub limits: Limits,
    /// Folders the job must not be able to read (the grading pack, the solutions).
    pub hide: Vec<PathBuf>,
    /// Folders the job may write to, in a file system that is otherwise read-only for it (a
    /// build's target folders).
    #[serde(default)]
    pub writable: Vec<PathBuf>,
    /// Files and folders the job reads (a toolchain, a course, the student's program): made
    /// reachable in its mount namespace where its user could not pass on the host (root's home,
    /// 0700), and kept in sight inside a hidden folder, with nothing else of the folders in the
    /// way. The program, the working folder and the writable folders always are.
    #[serde(default)]
    pub reach: Vec<PathBuf>,
    /// CPU seconds each process of the job may use; by default twice the wall limit plus 5 s.
    #[serde(default)]
    pub cpu_seconds: Option<u64>,
    /// The job's private folder, made by [`run`] so that it can remove it whatever happens to
    /// the supervisor.
    #[serde(default)]
    pub scratch: Option<PathBuf>,
    /// The user a root checker runs the job as (default: `CHECKER_SANDBOX_UID`, else a user of
    /// the job's own, see [`isolate`]). Builds name the build user.
    #[serde(default)]
    pub sandbox_uid: Option<u32>,
    /// The supervisor's descriptor to which it passes the job's standard error on as it comes
    /// (set by [`run_live`]; best effort: what the reader does not take in time is dropped).
    #[serde(default)]
    pub live_fd: Option<i32>,
}

/// The variables of the checker's environment a job inherits; everything else it is given by
/// name.
pub const INHERITED_ENV: &[&str] = &["PATH", "LANG", "LC_ALL", "LC_CTYPE"];

impl Job {
    /// A job with the default limits, no arguments and an empty environment.
    pub fn new(program: impl Into<PathBuf>, timeout: Duration) -> Job {
        Job {
            program: program.into(),
            arg0: None,
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            stdin: Vec::new(),
            result_channel: false,
            timeout,
            output_cap: 64 * 1024,
            limits: Limits::default(),
            hide: Vec::new(),
            writable: Vec::new(),
            reach: Vec::new(),
            cpu_seconds: None,
            scratch: None,
            sandbox_uid: None,
            live_fd: None,
        }
    }

    /// Starts the program under `name` (its `argv[0]`) instead of its path.
    pub fn arg0(mut self, name: impl Into<String>) -> Job {
        self.arg0 = Some(name.into());
        self
    }

    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Job {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Job {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Job {
        self.cwd = Some(dir.into());
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Job {
        self.stdin = bytes.into();
        self
    }

    /// Opens the verdict channel as descriptor [`RESULT_FD`].
    pub fn result_channel(mut self) -> Job {
        self.result_channel = true;
        self
    }

    pub fn output_cap(mut self, bytes: usize) -> Job {
        self.output_cap = bytes;
        self
    }

    pub fn limits(mut self, limits: Limits) -> Job {
        self.limits = limits;
        self
    }

    pub fn hide(mut self, folders: impl IntoIterator<Item = PathBuf>) -> Job {
        self.hide.extend(folders);
        self
    }

    pub fn writable(mut self, folders: impl IntoIterator<Item = PathBuf>) -> Job {
        self.writable.extend(folders);
        self
    }

    pub fn reach(mut self, folders: impl IntoIterator<Item = PathBuf>) -> Job {
        self.reach.extend(folders);
        self
    }

    pub fn cpu_seconds(mut self, seconds: u64) -> Job {
        self.cpu_seconds = Some(seconds);
        self
    }

    pub fn sandbox_uid(mut self, uid: Option<u32>) -> Job {
        self.sandbox_uid = uid;
        self
    }
}

pub use checker_protocol::RESULT_FD;

/// How the job's main process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Code(code) => write!(f, "exit status {code}"),
            Exit::Signal(sig) => write!(f, "killed by signal {sig} ({})", signal_name(*sig)),
        }
    }
}

/// Everything the supervisor observed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub exit: Exit,
    /// Set when the time limit ran out; the job was then killed.
    pub timed_out: Option<HangDiagnosis>,
    /// Processes still running after the job's main process ended; all were killed.
    pub left_behind: Vec<ProcessInfo>,
    pub stdout: Captured,
    pub stderr: Captured,
    /// Raw bytes from the verdict channel (empty without one).
    pub result: Vec<u8>,
    #[serde(with = "humantime_serde")]
    pub wall: Duration,
    /// The most threads seen at once in the job's main process.
    pub max_threads: usize,
    /// The most processes seen at once in the job's tree.
    pub max_processes: usize,
    /// What isolation the job had.
    pub isolation: Isolation,
    /// Limits the job ran into, in words ("the output was cut: 3 GB written").
    pub limits_hit: Vec<String>,
    /// The share of the machine's processors (0 to 1) that processes outside the job used while
    /// it ran, which the job cannot raise; `None` when it could not be measured.
    #[serde(default)]
    pub outside_load: Option<f64>,
}

/// Why a job could not be run at all (as opposed to running and failing).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot start the supervisor")]
    Spawn(#[source] std::io::Error),
    #[error("the supervisor failed: {0}")]
    Supervisor(String),
}

/// Runs `job` under a fresh supervisor and returns what it observed.
pub fn run(job: &Job) -> Result<RunRecord, SandboxError> {
    run_live(job, None)
}

/// [`run`], and while the job runs, every line of its standard error goes to `on_line` as it
/// comes (a line ends at `\n` or `\r`, so a progress line that redraws itself is seen each
/// time): the build's progress, while the record still holds the whole output.
pub fn run_live(job: &Job, on_line: Option<&mut dyn FnMut(&str)>) -> Result<RunRecord, SandboxError> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let scratch = Scratch::new()?;
    let mut job = job.clone();
    job.scratch = Some(scratch.path().to_path_buf());
    let live = match on_line {
        Some(on_line) => Some((std::io::pipe().map_err(SandboxError::Spawn)?, on_line)),
        None => None,
    };
    job.live_fd = live.as_ref().map(|((_, write), _)| write.as_raw_fd());
    // The running executable itself, even if its file has been rebuilt or removed since the
    // checker started (a `cargo build` during a long batch).
    let exe = PathBuf::from("/proc/self/exe");
    let mut command = Command::new(exe);
    command.arg(supervisor::SUBCOMMAND).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(fd) = job.live_fd {
        // SAFETY: one fcntl, async-signal-safe: the supervisor inherits the live pipe's end.
        unsafe {
            command.pre_exec(move || {
                libc::fcntl(fd, libc::F_SETFD, 0);
                Ok(())
            });
        }
    }
    let mut child = spawn_own(&mut command).map_err(SandboxError::Spawn)?;
    let supervisor_pid = child.id();
    let request = serde_json::to_vec(&job).expect("a Job always serialises");
    // The supervisor reads the whole request before doing anything else.
    let mut stdin = child.stdin.take().expect("piped");
    let sent = stdin.write_all(&request);
    drop(stdin);
    let (stdout, stderr) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let collect = move || {
        let (mut stdout, mut stderr) = (stdout, stderr);
        let mut answer = Vec::new();
        let _ = stdout.read_to_end(&mut answer);
        let mut errors = String::new();
        let _ = stderr.read_to_string(&mut errors);
        (answer, errors)
    };
    let (answer, errors) = match live {
        None => collect(),
        Some(((read, write), on_line)) => {
            // Only the supervisor holds the writing end now: the pipe ends when it does.
            drop(write);
            std::thread::scope(|scope| {
                let collector = scope.spawn(collect);
                read_lines(read, on_line);
                collector.join().expect("the collecting thread does not panic")
            })
        }
    };
    let status = child.wait();
    forget_own(supervisor_pid);
    let status = status.map_err(SandboxError::Spawn)?;
    // Whatever happened to the supervisor, nothing of the job may outlive this call: orphans
    // of a killed supervisor are this process's children now (see `adopt_orphans`).
    kill_orphans();
    isolate::remove_cgroups(supervisor_pid);
    drop(scratch);
    sent.map_err(SandboxError::Spawn)?;
    if !status.success() {
        return Err(SandboxError::Supervisor(format!("{status}: {}", errors.trim())));
    }
    serde_json::from_slice(&answer).map_err(|e| SandboxError::Supervisor(format!("unreadable answer: {e}")))
}

/// The private folders of the jobs running now, which an interrupted checker removes.
static SCRATCH: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A job's private folder (`$TMPDIR/checker-job-*`), removed when the job is done, and by
/// [`interrupted`] should the checker be stopped first.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> Result<Scratch, SandboxError> {
        let mut live = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::Builder::new().prefix("checker-job-").tempdir().map_err(SandboxError::Spawn)?;
        live.push(dir.path().to_path_buf());
        Ok(Scratch(dir))
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        SCRATCH.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != self.0.path());
    }
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether [`interrupted`] has begun: whatever failed since is a consequence, not news.
pub fn was_interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// The checker was told to stop (Ctrl-C): kills every process it started with everything
/// they started (supervisors, their jobs, cargo), and removes the jobs' private folders, so
/// that nothing is left behind when it exits.
pub fn interrupted() {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    let own: Vec<u32> = own_children().iter().copied().collect();
    for _ in 0..3 {
        for child in &own {
            for process in proctree::descendants(*child).iter().rev() {
                // SAFETY: signalling a descendant of our own child; a stale PID is a harmless ESRCH.
                unsafe { libc::kill(process.pid as i32, libc::SIGKILL) };
            }
            // SAFETY: as above, our own child.
            unsafe { libc::kill(*child as i32, libc::SIGKILL) };
        }
    }
    kill_orphans();
    for child in &own {
        let mut status = 0;
        // SAFETY: waiting for our own child, which SIGKILL has ended.
        unsafe { libc::waitpid(*child as i32, &mut status, 0) };
    }
    for dir in SCRATCH.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Hands each line of `from` to `on_line` until it ends.
fn read_lines(mut from: impl Read, on_line: &mut dyn FnMut(&str)) {
    let mut pending = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.extend_from_slice(&chunk[..n]);
        while let Some(end) = pending.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            on_line(String::from_utf8_lossy(&line[..end]).as_ref());
        }
    }
    if !pending.is_empty() {
        on_line(String::from_utf8_lossy(&pending).as_ref());
    }
}

/// The children the checker started itself (supervisors, cargo) and waits for in some thread.
/// Any other child is an orphan it adopted. The lock is held from a spawn until its child is
/// registered, so an orphan hunt in another thread never takes a new child for an orphan.
static OWN_CHILDREN: std::sync::Mutex<BTreeSet<u32>> = std::sync::Mutex::new(BTreeSet::new());

fn own_children() -> std::sync::MutexGuard<'static, BTreeSet<u32>> {
    OWN_CHILDREN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Spawns one of the checker's own children; call [`forget_own`] once it has been waited for.
pub fn spawn_own(command: &mut Command) -> std::io::Result<std::process::Child> {
    let mut own = own_children();
    let child = command.spawn()?;
    own.insert(child.id());
    Ok(child)
}

pub fn forget_own(pid: u32) {
    own_children().remove(&pid);
}

/// Kills the checker's adopted orphans (every child it did not start itself) with everything
/// they started, again and again until none is left. Other threads' supervisors and builds are
/// left alone, so parallel workers can share the process.
fn kill_orphans() {
    let me = std::process::id();
    for _ in 0..200 {
        let orphans: Vec<u32> = {
            let own = own_children();
            let orphans: Vec<u32> =
                proctree::all().into_iter().filter(|p| p.ppid == me && !own.contains(&p.pid)).map(|p| p.pid).collect();
            for orphan in &orphans {
                for process in proctree::descendants(*orphan).iter().rev() {
                    // SAFETY: signalling a descendant of an orphan; a stale PID is a harmless ESRCH.
                    unsafe { libc::kill(process.pid as i32, libc::SIGKILL) };
                }
                // SAFETY: as above.
                unsafe { libc::kill(*orphan as i32, libc::SIGKILL) };
            }
            orphans
        };
        if orphans.is_empty() {
            return;
        }
        for orphan in orphans {
            let mut status = 0;
            // SAFETY: waitpid on one specific child with a valid pointer.
            unsafe { libc::waitpid(orphan as i32, &mut status, libc::WNOHANG) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Makes the checker a child subreaper, so that if a job kills its supervisor, the job's
/// orphans come to the checker, which [`run`] then kills, instead of escaping to init. And makes
/// it non-dumpable: where jobs run as the checker's own user (no root), they could otherwise
/// read its memory, where the nonces are.
pub fn adopt_orphans() {
    // SAFETY: prctl with constant arguments.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// The conventional name of a signal, for messages.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGXFSZ => "SIGXFSZ",
        _ => "signal",
    }
}
