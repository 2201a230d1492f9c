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
mod proctree;
pub mod supervisor;

pub use capture::Captured;
pub use diagnose::{Activity, HangDiagnosis, HangKind, ThreadReport};
pub use isolate::{Isolation, Limits};
pub use proctree::ProcessInfo;

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// One run of student code (or of a hidden-check program linked with it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Added to the checker's environment. The supervisor adds `CHECKER_SCRATCH_DIR`, `TMPDIR`
    /// and `HOME`, all naming the job's private temporary folder.
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
    /// The job's private folder, made by [`run`] so that it can remove it whatever happens to
    /// the supervisor.
    #[serde(default)]
    pub scratch: Option<PathBuf>,
    /// The user a root checker runs the job as (default: `CHECKER_SANDBOX_UID`, else nobody).
    /// Parallel grading gives each worker its own, so that one submission's code cannot signal
    /// another's processes.
    #[serde(default)]
    pub sandbox_uid: Option<u32>,
}

/// The descriptor number of the verdict channel inside the job.
pub const RESULT_FD: i32 = 3;

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
    let scratch = tempfile::Builder::new().prefix("checker-job-").tempdir().map_err(SandboxError::Spawn)?;
    let mut job = job.clone();
    job.scratch = Some(scratch.path().to_path_buf());
    // The running executable itself, even if its file has been rebuilt or removed since the
    // checker started (a `cargo build` during a long batch).
    let exe = PathBuf::from("/proc/self/exe");
    let mut child = spawn_own(
        Command::new(exe)
            .arg(supervisor::SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .map_err(SandboxError::Spawn)?;
    let supervisor_pid = child.id();
    let request = serde_json::to_vec(&job).expect("a Job always serialises");
    // The supervisor reads the whole request before doing anything else.
    let mut stdin = child.stdin.take().expect("piped");
    let sent = stdin.write_all(&request);
    drop(stdin);
    let mut answer = Vec::new();
    let _ = child.stdout.take().expect("piped").read_to_end(&mut answer);
    let mut errors = String::new();
    let _ = child.stderr.take().expect("piped").read_to_string(&mut errors);
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
/// orphans come to the checker, which [`run`] then kills, instead of escaping to init.
pub fn adopt_orphans() {
    // SAFETY: prctl with constant arguments.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
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
