//! Building a working copy with cargo, and sorting what cargo says into the student's compile
//! errors (shown as cargo shows them), the hidden checks' build errors (shown without their
//! source), and the executables to run.
//!
//! The compiler works on student code, so every build runs in the sandbox like the code itself
//! ([`crate::sandbox`]): as the build user (not root), in a file system where only the target
//! folders are writable and the grading pack, the solutions and other submissions are out of
//! sight, without network, with limits on wall time, CPU time per process, memory and file
//! size. A build that hits a limit is the student's compile error, explained; never a machine
//! error. Three steps:
//!
//! 1. the student's crate and its public tests (`cargo test --no-run`);
//! 2. for a library exercise with hidden checks, the stand-in of the hidden-check package (see
//!    [`crate::workcopy::Harness`]): this compiles the student's crate exactly as step 3 needs it;
//! 3. the hidden checks themselves, with the pack in sight for this step only. The student's
//!    crate must be fresh here: no student code is compiled while the pack is in sight.

use crate::error::SetupError;
use crate::events::BuildProgress;
use crate::layout::Layout;
use crate::manifest::Exercise;
use crate::messages::Messages;
use crate::sandbox::{self, Exit, Job, Limits, BUILD_UID};
use crate::workcopy::{WorkCopy, SEED_LOCK};
use i18n_embed_fl::fl;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a build produced.
#[derive(Debug, Clone)]
pub enum BuildResult {
    Built(Artifacts),
    /// The student's code does not compile: cargo's rendered diagnostics.
    StudentErrors {
        rendered: String,
    },
    /// The hidden checks do not compile against the student's code: the error messages only,
    /// never the hidden source lines.
    HiddenErrors {
        messages: Vec<String>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Artifacts {
    pub test_executables: Vec<PathBuf>,
    pub student_bin: Option<PathBuf>,
    /// The hidden-check program: always there when the hidden checks were built.
    pub harness: Option<PathBuf>,
    pub duration: Duration,
    /// What the exercise's clippy lints found in the student's code, as clippy renders it.
    pub advice: Vec<String>,
}

/// How long one build may take, dependencies included (a cold build of tokio and the rest takes
/// about three minutes on two busy cores).
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(600);
/// CPU seconds one compiler process may use: several times what the largest dependency needs,
/// and the bound on a constant that never finishes.
pub const BUILD_CPU_SECONDS: u64 = 120;
/// What cargo's JSON messages may fill before the middle of them is dropped.
const BUILD_OUTPUT_CAP: usize = 16 << 20;

/// The crates a student added to their own `Cargo.toml` (`manifest`) beyond the exercise's
/// `allowed` ones that the compiler's errors (`rendered`) name: the build uses course.toml's
/// dependencies only, so those crates were never there.
pub fn foreign_crates(manifest: &Path, allowed: &[String], rendered: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(manifest) else { return Vec::new() };
    let Ok(table) = text.parse::<toml::Table>() else { return Vec::new() };
    let mut added = Vec::new();
    for section in ["dependencies", "dev-dependencies"] {
        for name in table.get(section).and_then(|d| d.as_table()).into_iter().flat_map(|d| d.keys()) {
            let in_code = name.replace('-', "_");
            let named = rendered.contains(&format!("`{in_code}`")) || rendered.contains(&format!("{in_code}::"));
            if !allowed.contains(name) && named && !added.contains(name) {
                added.push(name.clone());
            }
        }
    }
    added
}

/// What a build is for: the hidden checks too, clippy's advice, and the language its own refusals
/// are said in.
#[derive(Clone, Copy)]
pub struct Wanted<'a> {
    pub hidden: bool,
    pub advise: bool,
    pub messages: &'a Messages,
}

/// Builds the student crate with its public tests and, with `wanted.hidden`, the hidden checks.
/// `hide` are the folders the build must not see (the pack, the solutions, other submissions).
/// `progress` hears how far each cargo step is, as cargo counts it.
pub fn build(
    layout: &Layout,
    exercise: &Exercise,
    work: &WorkCopy,
    hide: &[PathBuf],
    wanted: Wanted<'_>,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<BuildResult, SetupError> {
    let Wanted { hidden, advise, messages } = wanted;
    let started = Instant::now();
    let student_manifest = work.crate_dir.join("Cargo.toml");
    let student_package = package_name(&student_manifest)?;
    let mut artifacts = Artifacts::default();
    if exercise.checks_link_crate() {
        if let Some(rendered) = forbidden_constructs(&work.crate_dir.join("src"), messages) {
            return Ok(BuildResult::StudentErrors { rendered });
        }
    }

    fetch(work)?;
    let builder = Builder::new(layout, work, hide, started)?;
    let student = builder.cargo(&["test", "--no-run", "--package", &student_package], progress)?;
    let mut rendered = as_in_the_students_copy(student.errors_of(&student_manifest), &layout.crates_folder());
    for message in &student.messages {
        if let Message::CompilerArtifact { manifest_path, executable: Some(exe), profile, target, .. } = message {
            if same(manifest_path, &student_manifest) {
                if profile.test {
                    artifacts.test_executables.push(exe.clone());
                } else if target.kind.iter().any(|k| k == "bin") {
                    artifacts.student_bin = Some(exe.clone());
                }
            }
        }
    }
    if rendered.is_empty() && !student.success {
        rendered = student.limit_hit(&student_package)?;
    }
    if !rendered.is_empty() {
        return Ok(BuildResult::StudentErrors { rendered });
    }
    if advise && !exercise.advice.is_empty() {
        artifacts.advice = advice(&builder, &student_package, &student_manifest, &exercise.advice, progress);
        artifacts.advice =
            artifacts.advice.into_iter().map(|a| as_in_the_students_copy(a, &layout.crates_folder())).collect();
    }
    seal_for_jobs(&artifacts.test_executables)?;
    let outside = files_read_outside(&student.messages, &student_manifest, &work.dir, &work.crate_dir);
    if !outside.is_empty() {
        let list: Vec<String> = outside.iter().map(|p| p.display().to_string()).collect();
        return Ok(BuildResult::StudentErrors {
            rendered: format!("{}\n", fl!(messages, "build-reads-outside", files = list.join(", "))),
        });
    }

    if let (true, Some(harness)) = (hidden, &work.harness) {
        if exercise.checks_link_crate() {
            // Step 2: the student's crate as the hidden checks link it.
            let linked = builder.cargo(&["build", "--package", &package_name(&harness.stand_in)?], progress)?;
            let mut rendered = as_in_the_students_copy(linked.errors_of(&student_manifest), &layout.crates_folder());
            if rendered.is_empty() && !linked.success {
                rendered = linked.limit_hit(&student_package)?;
            } else if !rendered.is_empty() {
                rendered = as_the_checks_build_it(rendered, messages);
            }
            if !rendered.is_empty() {
                return Ok(BuildResult::StudentErrors { rendered });
            }
        }
        // Step 3: the hidden checks, with the pack in sight and no student code to compile.
        let outcome = builder
            .with_visible(&layout.pack)
            .cargo(&["build", "--package", &package_name(&harness.manifest)?], progress)?;
        if let Some(recompiled) = outcome.recompiled(&student_manifest) {
            return Err(SetupError::Cargo(format!(
                "building the hidden checks recompiled the submission ({}), which must have been \
                 compiled without the pack in sight; this is a bug of the checker",
                recompiled.display()
            )));
        }
        let mut messages = Vec::new();
        for message in &outcome.messages {
            match message {
                Message::CompilerMessage { manifest_path, message }
                    if message.level == "error" && same(manifest_path, &harness.manifest) =>
                {
                    messages.push(message.message.clone());
                }
                Message::CompilerArtifact { manifest_path, executable: Some(exe), .. }
                    if same(manifest_path, &harness.manifest) =>
                {
                    artifacts.harness = Some(exe.clone());
                }
                _ => {}
            }
        }
        if !messages.is_empty() {
            return Ok(BuildResult::HiddenErrors { messages });
        }
        if !outcome.success {
            return Err(SetupError::Cargo(outcome.stderr_tail));
        }
        if artifacts.harness.is_none() {
            return Err(SetupError::Cargo(format!("building {} produced no program", harness.manifest.display())));
        }
    }
    artifacts.duration = started.elapsed();
    Ok(BuildResult::Built(artifacts))
}

/// Errors of the student's crate built as the hidden checks link it, after it built on its own:
/// said to come from that build. course_sync is one source in both builds (its `checker`
/// feature only adds schedule exploration), so this should not happen; if a difference is ever
/// found, the student learns that their own build was fine.
fn as_the_checks_build_it(rendered: String, messages: &Messages) -> String {
    format!("{}\n\n{rendered}", fl!(messages, "build-differs-for-the-checks"))
}

/// What a library exercise may not contain although it needs no `unsafe`, found on the token
/// level (so comments and strings do not count, and a renamed import or a macro's argument still
/// names it):
/// - `global_asm!` and `naked_asm!` put machine code and data of the student's choosing into the
///   program the hidden checks run in, before and beside them;
/// - an `extern` block: the only place where `#[link(...)]` takes effect, and a `#[link]` with the
///   `+verbatim` modifier hands the linker any file by its path — a file of the submission read
///   as a linker script (which can, say, move the program's entry point into the student's code,
///   ahead of the checks), when the hidden checks are linked with the pack in sight. An `extern`
///   that is part of `extern crate` or of an `extern "C" fn` is not a block and is allowed.
fn forbidden_constructs(src: &Path, messages: &Messages) -> Option<String> {
    let mut problems = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let rel = path.strip_prefix(src.parent().unwrap_or(src)).unwrap_or(&path).display().to_string();
            problems.extend(
                forbidden_in(&text).into_iter().map(|(what, line)| format!("{rel}:{line}: {}", what.said(messages))),
            );
        }
    }
    if problems.is_empty() {
        return None;
    }
    Some(format!("{}\n", fl!(messages, "build-not-allowed", found = problems.join(", "))))
}

/// One construct a library exercise may not contain.
#[derive(Debug, PartialEq)]
enum Forbidden {
    /// `global_asm!`, `naked_asm!`.
    Macro(String),
    ExternBlock,
}

impl Forbidden {
    fn said(&self, messages: &Messages) -> String {
        match self {
            Forbidden::Macro(name) => format!("{name}!"),
            Forbidden::ExternBlock => fl!(messages, "build-extern-block"),
        }
    }
}

/// The forbidden constructs in one source file, each with its line (see [`forbidden_constructs`]).
fn forbidden_in(text: &str) -> Vec<(Forbidden, usize)> {
    const MACROS: &[&str] = &["global_asm", "naked_asm"];
    fn scan(stream: proc_macro2::TokenStream, found: &mut Vec<(Forbidden, usize)>) {
        use proc_macro2::TokenTree;
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let ident = |i: usize| match tokens.get(i) {
            Some(TokenTree::Ident(ident)) => Some(ident.to_string()),
            _ => None,
        };
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(word) => {
                    let name = word.to_string();
                    let line = word.span().start().line;
                    if MACROS.contains(&name.trim_start_matches("r#")) {
                        found.push((Forbidden::Macro(name.trim_start_matches("r#").to_owned()), line));
                    } else if name == "extern" {
                        // `extern crate`, `extern fn`, `extern "ABI" fn`: anything else is a block
                        // (or its pieces, handed to a macro).
                        let after_abi =
                            if matches!(tokens.get(i + 1), Some(TokenTree::Literal(_))) { i + 2 } else { i + 1 };
                        let allowed =
                            ident(i + 1).as_deref() == Some("crate") || ident(after_abi).as_deref() == Some("fn");
                        if !allowed {
                            found.push((Forbidden::ExternBlock, line));
                        }
                    }
                }
                TokenTree::Group(group) => scan(group.stream(), found),
                _ => {}
            }
        }
    }
    // Text that does not lex is left to the compiler, which says what is wrong with it.
    let Ok(stream) = text.parse::<proc_macro2::TokenStream>() else { return Vec::new() };
    let mut found = Vec::new();
    scan(stream, &mut found);
    found
}

/// Files the compiler read for the student's crate that are not part of the submission (an
/// `include_str!("/etc/passwd")`, or of the grading pack), from rustc's dependency files.
fn files_read_outside(messages: &[Message], manifest: &Path, workspace: &Path, crate_dir: &Path) -> Vec<PathBuf> {
    let inside = std::fs::canonicalize(crate_dir).unwrap_or_else(|_| crate_dir.to_path_buf());
    let mut outside = Vec::new();
    for message in messages {
        let Message::CompilerArtifact { manifest_path, filenames, .. } = message else { continue };
        if !same(manifest_path, manifest) {
            continue;
        }
        for file in filenames {
            for listed in dep_info(file) {
                // rustc writes paths relative to the workspace it was started in.
                let listed = workspace.join(listed);
                let path = std::fs::canonicalize(&listed).unwrap_or(listed);
                if !path.starts_with(&inside) && !outside.contains(&path) {
                    outside.push(path);
                }
            }
        }
    }
    outside
}

/// The source files rustc's dep-info lists for an artifact (`deps/NAME-HASH.d` beside it).
fn dep_info(artifact: &Path) -> Vec<PathBuf> {
    let Some(name) = artifact.file_name().and_then(|n| n.to_str()) else { return Vec::new() };
    let stem = name.strip_prefix("lib").filter(|_| name.ends_with(".rlib") || name.ends_with(".rmeta")).unwrap_or(name);
    let stem = stem.trim_end_matches(".rlib").trim_end_matches(".rmeta");
    let candidates = [artifact.with_file_name(format!("{stem}.d")), artifact.with_extension("d")];
    let Some(text) = candidates.iter().find_map(|c| std::fs::read_to_string(c).ok()) else { return Vec::new() };
    let mut files = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((_, deps)) = line.split_once(": ") else { continue };
        // Spaces inside paths are escaped as "\ ".
        let deps = deps.replace("\\ ", "\u{0}");
        files.extend(deps.split_whitespace().map(|d| PathBuf::from(d.replace('\u{0}', " "))));
    }
    files
}

/// Settles the working copy's lock file and makes sure every pinned crate is in cargo's cache,
/// so that the build can then run `--offline --locked`. Offline first: once its crates are
/// cached, a course builds without network. The registry is asked only when the cache lacks a
/// crate, or when resolving offline strayed from the pinned versions (it takes what is cached);
/// when that fails, the error says what is missing and what to do.
fn fetch(work: &WorkCopy) -> Result<(), SetupError> {
    let lock = work.dir.join("Cargo.lock");
    let seed = work.dir.join(SEED_LOCK);
    let offline = cargo_fetch(work, true)?;
    if offline.status.success() && (!seed.is_file() || kept_to_pins(&lock, &seed)?) {
        return Ok(());
    }
    if seed.is_file() {
        std::fs::copy(&seed, &lock).map_err(SetupError::io(format!("restoring {}", lock.display())))?;
    }
    let online = cargo_fetch(work, false)?;
    if online.status.success() {
        return Ok(());
    }
    // Cargo's error lines and the innermost cause (its last line), without the retries.
    let said = |output: &std::process::Output| {
        let text = String::from_utf8_lossy(&output.stderr).into_owned();
        let mut lines: Vec<&str> = text.lines().filter(|l| l.starts_with("error")).collect();
        if let Some(last) = text.lines().rev().map(str::trim).find(|l| !l.is_empty()) {
            if !lines.contains(&last) {
                lines.push(last);
            }
        }
        indented(&lines)
    };
    // Both fetches fail alike when cargo cannot run at all (rustup without a default
    // toolchain): that is no network problem.
    let version = cargo_command()
        .arg("--version")
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    if let Some(version) = version.ok().filter(|v| !v.status.success()) {
        let text = String::from_utf8_lossy(&version.stderr).into_owned();
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("error") || l.starts_with("help")).collect();
        return Err(SetupError::NoCargo { said: indented(&lines) });
    }
    let cache =
        cargo_home().map(|h| h.join("registry").display().to_string()).unwrap_or_else(|| "~/.cargo/registry".into());
    Err(SetupError::Offline { cache, offline: said(&offline), online: said(&online) })
}

/// Whether the settled lock file `lock` took every registry crate at a version `seed` pins.
fn kept_to_pins(lock: &Path, seed: &Path) -> Result<bool, SetupError> {
    let pinned = crate::lockfile::registry_packages(seed)?;
    Ok(crate::lockfile::registry_packages(lock)?.is_subset(&pinned))
}

/// Cargo's lines as an error quotes them: indented, one per line.
fn indented(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("    {l}\n")).collect()
}

/// Cargo, as the checker runs it (`CARGO` when set).
fn cargo_command() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn cargo_fetch(work: &WorkCopy, offline: bool) -> Result<std::process::Output, SetupError> {
    let mut command = cargo_command();
    let cargo = PathBuf::from(command.get_program());
    command.arg("fetch");
    if offline {
        command.arg("--offline");
    }
    let child = crate::sandbox::spawn_own(
        command
            .arg("--manifest-path")
            .arg(work.dir.join("Cargo.toml"))
            .current_dir("/")
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    )
    .map_err(|e| {
        SetupError::Cargo(format!("cannot run {}: {e} (is Rust installed? see README.md)", cargo.display()))
    })?;
    let pid = child.id();
    let output = child.wait_with_output();
    crate::sandbox::forget_own(pid);
    output.map_err(SetupError::io("waiting for cargo fetch"))
}

// The variant names mirror the values of cargo's `reason` field.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum Message {
    CompilerMessage {
        manifest_path: PathBuf,
        message: Diagnostic,
    },
    CompilerArtifact {
        manifest_path: PathBuf,
        executable: Option<PathBuf>,
        #[serde(default)]
        fresh: bool,
        profile: Profile,
        target: Target,
        #[serde(default)]
        filenames: Vec<PathBuf>,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct Diagnostic {
    level: String,
    message: String,
    rendered: Option<String>,
    #[serde(default)]
    code: Option<DiagnosticCode>,
}

#[derive(Debug, Deserialize)]
struct DiagnosticCode {
    code: String,
}

#[derive(Debug, Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Debug, Deserialize)]
struct Target {
    kind: Vec<String>,
}

/// What one cargo command in the sandbox said.
struct CargoRun {
    success: bool,
    messages: Vec<Message>,
    stderr: String,
    stderr_tail: String,
    /// The build ran out of time.
    timed_out: bool,
    /// Limits the sandbox saw hit (memory, processes), in words.
    limits_hit: Vec<String>,
}

impl CargoRun {
    /// The rendered errors of the crate with this manifest.
    /// Each error once: `cargo test` compiles a library twice (as itself and as its unit tests),
    /// and the compiler reports the same error in both.
    /// The warnings of the crate with this manifest that carry one of `lints`, as rendered.
    fn lints_of(&self, manifest: &Path, lints: &[String]) -> Vec<String> {
        let mut shown: Vec<String> = Vec::new();
        for message in &self.messages {
            if let Message::CompilerMessage { manifest_path, message } = message {
                let code = message.code.as_ref().map(|c| c.code.as_str()).unwrap_or_default();
                let text = message.rendered.as_deref().unwrap_or(&message.message).trim_end().to_owned();
                if same(manifest_path, manifest) && lints.iter().any(|l| l == code) && !shown.contains(&text) {
                    shown.push(text);
                }
            }
        }
        shown
    }

    fn errors_of(&self, manifest: &Path) -> String {
        let mut shown: Vec<&str> = Vec::new();
        for message in &self.messages {
            if let Message::CompilerMessage { manifest_path, message } = message {
                let text = message.rendered.as_deref().unwrap_or(&message.message);
                if message.level == "error" && same(manifest_path, manifest) && !shown.contains(&text) {
                    shown.push(text);
                }
            }
        }
        shown.concat()
    }

    /// The first artifact of the crate with this manifest that this run compiled (not fresh).
    fn recompiled(&self, manifest: &Path) -> Option<PathBuf> {
        self.messages.iter().find_map(|message| match message {
            Message::CompilerArtifact { manifest_path, fresh: false, filenames, .. }
                if same(manifest_path, manifest) =>
            {
                Some(filenames.first().cloned().unwrap_or_else(|| manifest.to_path_buf()))
            }
            _ => None,
        })
    }

    /// A failed build without compiler errors: a limit hit while compiling the student's crate
    /// is the student's compile error, explained; anything else is the machine's problem.
    fn limit_hit(&self, package: &str) -> Result<String, SetupError> {
        let minutes = BUILD_TIMEOUT.as_secs() / 60;
        if self.timed_out {
            return Ok(format!(
                "error: compiling took more than {minutes} minutes and was stopped\n\
                 Is there a constant that never finishes computing (a loop in a `const` or `static` \
                 initialiser, with `long_running_const_eval` allowed)?\n"
            ));
        }
        let compiling_student = self.stderr.contains(&format!("could not compile `{package}`"));
        let signal = |name: &str| self.stderr.contains(name);
        let why = if signal("SIGXCPU") {
            Some(format!(
                "the compiler used more than {BUILD_CPU_SECONDS} s of CPU time on this code and was stopped. \
                 Is there a constant that never finishes computing (a loop in a `const` or `static` initialiser)?"
            ))
        } else if signal("SIGXFSZ") {
            Some("the compiler wrote a file larger than the build's file-size limit".to_owned())
        } else if signal("SIGKILL")
            || signal("SIGABRT")
            || signal("memory allocation of")
            || !self.limits_hit.is_empty()
        {
            Some(format!(
                "the compiler ran out of memory ({} MiB per process) on this code and was stopped. \
                 Does it include a huge file (include_bytes!), or compute a constant that is \
                 enormous or never finishes (a loop in a `const` or `static` initialiser)?",
                Limits::default().memory_bytes >> 20
            ))
        } else {
            None
        };
        match why {
            Some(why) if compiling_student => Ok(format!("error: could not compile `{package}`: {why}\n")),
            _ => Err(SetupError::Cargo(self.stderr_tail.clone())),
        }
    }
}

/// Runs cargo commands on one working copy in the build sandbox.
struct Builder {
    cargo: PathBuf,
    template: Job,
    manifest: PathBuf,
    /// When the build began: progress reports the time since.
    started: Instant,
}

impl Builder {
    fn new(layout: &Layout, work: &WorkCopy, hide: &[PathBuf], started: Instant) -> Result<Builder, SetupError> {
        let cargo = which(&std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))?;
        let writable = vec![layout.target.clone(), layout.artifacts.clone()];
        hand_to_build_user(&writable)?;
        let mut template = Job::new(&cargo, BUILD_TIMEOUT)
            .cpu_seconds(BUILD_CPU_SECONDS)
            .output_cap(BUILD_OUTPUT_CAP)
            .limits(Limits { file_bytes: 2 << 30, ..Limits::default() })
            .hide(hide.iter().cloned())
            .writable(writable)
            .sandbox_uid(Some(BUILD_UID))
            // Cargo and rustup read configuration (a `.cargo/config.toml` with a
            // `rustc-wrapper`, a `rust-toolchain.toml`) from the folders above the current one:
            // start from the root. Flags and wrappers come from nowhere but here.
            .cwd("/")
            .env("CARGO_TARGET_DIR", layout.artifacts.display().to_string())
            .env("CARGO_BUILD_BUILD_DIR", layout.target.display().to_string())
            .env("CARGO_TERM_COLOR", "never")
            // Cargo's progress line ("Building [==>  ] 12/84: tokio, nix"), also into a pipe,
            // wide enough to name every crate being compiled: the checker shows it as it comes.
            .env("CARGO_TERM_PROGRESS_WHEN", "always")
            .env("CARGO_TERM_PROGRESS_WIDTH", "1000")
            .env("CARGO_NET_OFFLINE", "true");
        // The toolchain and the dependency cache, where the checker's own environment has them,
        // and the course (its path dependencies) and the working copy.
        for (name, value) in [("CARGO_HOME", cargo_home()), ("RUSTUP_HOME", rustup_home())] {
            if let Some(value) = value {
                template = template.env(name, value.display().to_string()).reach([value]);
            }
        }
        template = template.reach([layout.root.clone(), work.dir.clone()]);
        if let Ok(toolchain) = std::env::var("RUSTUP_TOOLCHAIN") {
            template = template.env("RUSTUP_TOOLCHAIN", toolchain);
        }
        Ok(Builder { cargo, template, manifest: work.dir.join("Cargo.toml"), started })
    }

    /// The same builds with `folder` in sight.
    fn with_visible(&self, folder: &Path) -> Builder {
        let mut builder = Builder {
            cargo: self.cargo.clone(),
            template: self.template.clone(),
            manifest: self.manifest.clone(),
            started: self.started,
        };
        builder.template.hide.retain(|hidden| hidden != folder);
        builder
    }

    fn cargo(&self, args: &[&str], progress: &mut dyn FnMut(BuildProgress)) -> Result<CargoRun, SetupError> {
        self.cargo_then(args, &[], progress)
    }

    /// `cargo ARGS` with the build's own options, then `tail` (what follows `--`).
    fn cargo_then(
        &self,
        args: &[&str],
        tail: &[&str],
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<CargoRun, SetupError> {
        let job = self
            .template
            .clone()
            .args(args.iter().copied())
            .args([
                // The compiler's text in cargo's colours, for a terminal (see events::Rendered).
                "--message-format=json-diagnostic-rendered-ansi",
                // Everything was fetched, at the pinned versions: the build needs no network and
                // may not change the lock file.
                "--offline",
                "--locked",
                "--manifest-path",
                &self.manifest.display().to_string(),
            ])
            .args(tail.iter().copied());
        let started = self.started;
        let mut on_line = |line: &str| {
            if let Some((done, total, compiling)) = progress_line(line) {
                progress(BuildProgress { done, total, compiling, elapsed: started.elapsed() });
            }
        };
        let record = sandbox::run_live(&job, Some(&mut on_line))
            .map_err(|e| SetupError::Cargo(format!("cannot run {} in the build sandbox: {e}", self.cargo.display())))?;
        let messages = record
            .stdout
            .text()
            .lines()
            .filter_map(|line| serde_json::from_str::<Message>(line).ok())
            .filter(|message| !matches!(message, Message::Other))
            .collect();
        let stderr = record.stderr.text();
        let lines: Vec<&str> = stderr
            .split(['\n', '\r'])
            .filter(|l| !l.trim().is_empty() && progress_line(l).is_none())
            .filter(|l| !l.trim_start().starts_with("Compiling") && !l.trim_start().starts_with("Blocking"))
            .collect();
        let stderr_tail = lines[lines.len().saturating_sub(30)..].join("\n");
        Ok(CargoRun {
            success: record.exit == Exit::Code(0) && record.timed_out.is_none(),
            messages,
            stderr_tail,
            stderr,
            timed_out: record.timed_out.is_some(),
            limits_hit: record.limits_hit,
        })
    }
}

/// What `lints` (clippy's, from course.toml) find in the student's crate: clippy run where the
/// build runs, in the same sandbox, with every other lint off. Advice only: a toolchain without
/// clippy, or clippy failing, gives none.
fn advice(
    builder: &Builder,
    package: &str,
    manifest: &Path,
    lints: &[String],
    progress: &mut dyn FnMut(BuildProgress),
) -> Vec<String> {
    // rustc's own warnings stay as they are; `lints_of` keeps only the course's lints.
    let mut tail = vec!["--", "-A", "clippy::all"];
    for lint in lints {
        tail.extend(["-W", lint.as_str()]);
    }
    match builder.cargo_then(&["clippy", "--package", package], &tail, progress) {
        Ok(run) => run.lints_of(manifest, lints),
        Err(_) => Vec::new(),
    }
}

/// Paths in the compiler's messages as they are in the student's copy: a batch worker's
/// working copy keeps the crates in `exercises-worker-N/`, the student has them in `exercises/`.
fn as_in_the_students_copy(rendered: String, crates_folder: &str) -> String {
    if crates_folder == "exercises" {
        return rendered;
    }
    rendered.replace(&format!("{crates_folder}/"), "exercises/")
}

/// Cargo's progress line, `Building [=====>   ] 12/84: tokio, nix(build)`: how many of the
/// build's units are done, of how many, and the crates being compiled.
fn progress_line(line: &str) -> Option<(u32, u32, Vec<String>)> {
    let rest = line.trim_start().strip_prefix("Building [")?;
    let (_, counts) = rest.split_once("] ")?;
    let (counts, crates) = counts.split_once(':').unwrap_or((counts, ""));
    let (done, total) = counts.trim().split_once('/')?;
    let compiling = crates.split(", ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect();
    Some((done.parse().ok()?, total.parse().ok()?, compiling))
}

/// The full path of a program found on PATH (the sandbox checks that it can reach it).
fn which(program: &std::ffi::OsStr) -> Result<PathBuf, SetupError> {
    let given = Path::new(program);
    if given.components().count() > 1 {
        return Ok(given.to_path_buf());
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(given))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            SetupError::Cargo(format!("cannot find {} on PATH (is Rust installed? see README.md)", given.display()))
        })
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| std::env::home_dir().map(|h| h.join(".cargo")))
}

fn rustup_home() -> Option<PathBuf> {
    std::env::var_os("RUSTUP_HOME").map(PathBuf::from).or_else(|| std::env::home_dir().map(|h| h.join(".rustup")))
}

/// As root, the build user owns the target folders (it writes them); they are handed over once,
/// and whenever something else left files there.
fn hand_to_build_user(folders: &[PathBuf]) -> Result<(), SetupError> {
    use std::os::unix::fs::MetadataExt;
    if !nix::unistd::Uid::effective().is_root() {
        for folder in folders {
            std::fs::create_dir_all(folder).map_err(SetupError::io(format!("creating {}", folder.display())))?;
        }
        return Ok(());
    }
    for folder in folders {
        std::fs::create_dir_all(folder).map_err(SetupError::io(format!("creating {}", folder.display())))?;
        // The folder and the two levels below it (cargo's lock files, the profile folders)
        // tell whether anything else wrote here since: then everything is handed over again.
        let owned = |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.uid() == BUILD_UID);
        let shallow = std::fs::read_dir(folder)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|entry| {
                let below = std::fs::read_dir(entry.path()).into_iter().flatten().flatten().map(|e| e.path());
                std::iter::once(entry.path()).chain(below)
            })
            .all(|path| owned(&path));
        if owned(folder) && shallow {
            continue;
        }
        let mut stack = vec![folder.clone()];
        while let Some(path) = stack.pop() {
            let meta =
                std::fs::symlink_metadata(&path).map_err(SetupError::io(format!("reading {}", path.display())))?;
            if meta.uid() != BUILD_UID {
                std::os::unix::fs::lchown(&path, Some(BUILD_UID), Some(BUILD_UID))
                    .map_err(SetupError::io(format!("handing {} to the build user", path.display())))?;
            }
            if meta.is_dir() {
                for entry in std::fs::read_dir(&path).map_err(SetupError::io(format!("reading {}", path.display())))? {
                    stack.push(entry.map_err(SetupError::io(format!("reading {}", path.display())))?.path());
                }
            }
        }
    }
    Ok(())
}

fn package_name(manifest: &Path) -> Result<String, SetupError> {
    let text = std::fs::read_to_string(manifest).map_err(SetupError::io(format!("reading {}", manifest.display())))?;
    let value: toml::Table =
        toml::from_str(&text).map_err(|e| SetupError::Cargo(format!("{}: {e}", manifest.display())))?;
    value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_owned)
        .ok_or_else(|| SetupError::Cargo(format!("{} has no package name", manifest.display())))
}

fn same(a: &Path, b: &Path) -> bool {
    a == b || std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
}

/// Makes the public test programs executable but not readable for the jobs' users. A process
/// started from a file its user cannot read is not dumpable: its /proc/self files belong to
/// root, so the student code in a test process can neither read the process's memory (where
/// the first sentinel keeps the nonce) through /proc/self/mem nor reopen its standard input
/// through /proc/self/fd. Only a root checker can do this, whose jobs run as users of their
/// own; a student's own checker runs jobs as the student, who owns the files anyway.
fn seal_for_jobs(executables: &[PathBuf]) -> Result<(), SetupError> {
    use std::os::unix::fs::PermissionsExt;
    if !nix::unistd::Uid::effective().is_root() {
        return Ok(());
    }
    for exe in executables {
        std::fs::set_permissions(exe, std::fs::Permissions::from_mode(0o711))
            .map_err(SetupError::io(format!("sealing {}", exe.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::foreign_crates;

    #[test]
    fn a_crate_the_student_added_is_named_only_when_the_errors_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"ex04_pool\"\n[dependencies]\nlibc = \"0.2\"\nrand = \"0.8\"\ncrossbeam-channel = \"0.5\"\n",
        )
        .unwrap();
        let allowed = vec!["libc".to_owned()];
        let errors = "error[E0432]: unresolved import `rand`\n --> src/lib.rs:1:5\nuse crossbeam_channel::bounded;";
        assert_eq!(foreign_crates(&manifest, &allowed, errors), ["crossbeam-channel", "rand"]);
        assert!(foreign_crates(&manifest, &allowed, "error[E0308]: mismatched types").is_empty());
        assert!(foreign_crates(&dir.path().join("none.toml"), &allowed, errors).is_empty());
    }

    use super::{as_the_checks_build_it, forbidden_in};

    #[test]
    fn errors_of_the_checks_build_say_that_the_students_own_build_was_fine() {
        let other = "error[E0599]: no method named `lock_at` found\n";
        let said = as_the_checks_build_it(other.to_owned(), crate::messages::english());
        assert!(said.starts_with("error: your code builds on its own, but not as the hidden checks build it"));
        assert!(said.ends_with(other), "{said}");
    }

    #[test]
    fn extern_blocks_and_assembly_are_found_however_they_are_written() {
        let found = |text: &str| {
            forbidden_in(text)
                .into_iter()
                .map(|(what, line)| format!("{line}: {}", what.said(crate::messages::english())))
                .collect::<Vec<_>>()
        };
        let block = "an `extern` block";
        // The linker-script attack: a `#[link]` only takes effect on an extern block.
        let attack = "#[link(name = \"../../src/x.rs\", kind = \"dylib\", modifiers = \"+verbatim\")]\nextern \"C\" {}";
        assert_eq!(found(attack), [format!("2: {block}")]);
        assert_eq!(found("extern {}"), [format!("1: {block}")]);
        assert_eq!(found("unsafe extern \"C\" { fn f(); }"), [format!("1: {block}")]);
        // Pieces handed to a macro, which puts the block together.
        assert_eq!(found("m!(extern);\nm!{ x extern \"C\" }"), [format!("1: {block}"), format!("2: {block}")]);
        assert_eq!(found("use std::arch::global_asm as g;\ng!(\"nop\");"), ["1: global_asm!"]);
        assert_eq!(found("mod a { fn b() { r#naked_asm!(); } }"), ["1: naked_asm!"]);
        // Not blocks: a crate, functions with an ABI, a function pointer type; words in strings
        // and comments; raw identifiers.
        let fine = "extern crate std;\npub extern \"C\" fn f() {}\nextern fn g() {}\ntype P = extern \"C\" fn(i32);\n\
                    // extern {}\nconst S: &str = \"extern {} global_asm!\";\nlet r#extern = 1;";
        assert!(found(fine).is_empty(), "{:?}", found(fine));
        // Text that does not lex is the compiler's to explain.
        assert!(found("extern \"C\" { unclosed").is_empty());
    }

    use super::{as_in_the_students_copy, progress_line};

    #[test]
    fn a_workers_paths_are_shown_as_in_the_students_copy() {
        let rendered = "error[E0308]: mismatched types\n  --> exercises-worker-3/ex04_pool/src/lib.rs:108:22\n";
        assert_eq!(
            as_in_the_students_copy(rendered.into(), "exercises-worker-3"),
            "error[E0308]: mismatched types\n  --> exercises/ex04_pool/src/lib.rs:108:22\n"
        );
        assert_eq!(as_in_the_students_copy(rendered.into(), "exercises"), rendered);
    }

    #[test]
    fn cargos_progress_line_gives_the_count_and_the_crates() {
        let line = "    Building [=====>                ] 12/84: libc(build.rs), tokio, nix";
        assert_eq!(progress_line(line), Some((12, 84, vec!["libc(build.rs)".into(), "tokio".into(), "nix".into()])));
        assert_eq!(progress_line("    Building [>    ] 0/4"), Some((0, 4, vec![])));
        assert_eq!(progress_line("   Compiling tokio v1.48.0"), None);
        assert_eq!(progress_line("error: Building [x] is not a count"), None);
    }
}
