//! Building a working copy with cargo, and sorting what cargo says into the student's compile
//! errors (shown as cargo shows them), the hidden checks' build errors (shown without their
//! source), and the executables to run.

use crate::error::SetupError;
use crate::layout::Layout;
use crate::workcopy::WorkCopy;
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
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
    pub harness: Option<PathBuf>,
    pub duration: Duration,
}

/// Builds the student crate with its public tests and, with `hidden`, the hidden checks.
pub fn build(layout: &Layout, work: &WorkCopy, hidden: bool) -> Result<BuildResult, SetupError> {
    let started = Instant::now();
    let student_manifest = work.crate_dir.join("Cargo.toml");
    let mut artifacts = Artifacts::default();

    fetch(work)?;
    let student = cargo(layout, work, &["test", "--no-run", "--package", &package_name(&student_manifest)?])?;
    let mut rendered = String::new();
    for message in &student.messages {
        match message {
            Message::CompilerMessage { manifest_path, message }
                if message.level == "error" && same(manifest_path, &student_manifest) =>
            {
                rendered.push_str(message.rendered.as_deref().unwrap_or(&message.message));
            }
            Message::CompilerArtifact { manifest_path, executable: Some(exe), profile, target, .. }
                if same(manifest_path, &student_manifest) =>
            {
                if profile.test {
                    artifacts.test_executables.push(exe.clone());
                } else if target.kind.iter().any(|k| k == "bin") {
                    artifacts.student_bin = Some(exe.clone());
                }
            }
            _ => {}
        }
    }
    if !rendered.is_empty() {
        return Ok(BuildResult::StudentErrors { rendered });
    }
    if !student.success {
        return Err(SetupError::Cargo(student.stderr_tail));
    }
    let outside = files_read_outside(&student.messages, &student_manifest, &work.dir, &work.crate_dir);
    if !outside.is_empty() {
        let list: Vec<String> = outside.iter().map(|p| p.display().to_string()).collect();
        return Ok(BuildResult::StudentErrors {
            rendered: format!(
                "error: the submission reads files outside itself while it compiles: {}\n\
                 Only the files under src/ are submitted; include_str!, include_bytes! and include! may name only those.\n",
                list.join(", ")
            ),
        });
    }

    if let (true, Some(harness_manifest)) = (hidden, &work.harness_manifest) {
        let outcome = cargo(layout, work, &["build", "--package", &package_name(harness_manifest)?])?;
        let mut messages = Vec::new();
        for message in &outcome.messages {
            match message {
                Message::CompilerMessage { manifest_path, message }
                    if message.level == "error" && same(manifest_path, harness_manifest) =>
                {
                    messages.push(message.message.clone());
                }
                Message::CompilerArtifact { manifest_path, executable: Some(exe), .. }
                    if same(manifest_path, harness_manifest) =>
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
    }
    artifacts.duration = started.elapsed();
    Ok(BuildResult::Built(artifacts))
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

/// Downloads the pinned dependencies (a no-op once they are cached) and settles the working
/// copy's lock file, so that the build can then run `--offline --locked`.
fn fetch(work: &WorkCopy) -> Result<(), SetupError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let child = crate::sandbox::spawn_own(
        Command::new(&cargo)
            .arg("fetch")
            .arg("--manifest-path")
            .arg(work.dir.join("Cargo.toml"))
            .current_dir("/")
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    )
    .map_err(|e| {
        SetupError::Cargo(format!("cannot run {}: {e} (is Rust installed? see README.md)", Path::new(&cargo).display()))
    })?;
    let pid = child.id();
    let output = child.wait_with_output();
    crate::sandbox::forget_own(pid);
    let output = output.map_err(SetupError::io("waiting for cargo fetch"))?;
    if !output.status.success() {
        return Err(SetupError::Cargo(format!(
            "fetching the course's dependencies failed (is crates.io reachable?):\n{}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

struct CargoRun {
    success: bool,
    messages: Vec<Message>,
    stderr_tail: String,
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
}

#[derive(Debug, Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Debug, Deserialize)]
struct Target {
    kind: Vec<String>,
}

/// How long a build may take before the checker gives up on it.
const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

fn cargo(layout: &Layout, work: &WorkCopy, args: &[&str]) -> Result<CargoRun, SetupError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .args(args)
        .arg("--message-format=json")
        // Everything was fetched, at the pinned versions: the build itself needs no network and
        // may not change the lock file.
        .arg("--offline")
        .arg("--locked")
        .arg("--manifest-path")
        .arg(work.dir.join("Cargo.toml"))
        // Cargo and rustup read configuration (a `.cargo/config.toml` with a `rustc-wrapper`, a
        // `rust-toolchain.toml`) from the folders above the current one: start from the root.
        .current_dir("/")
        .env("CARGO_TARGET_DIR", &layout.artifacts)
        .env("CARGO_BUILD_BUILD_DIR", &layout.target)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // The build must not pick up flags or wrappers from the environment it was started in.
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        command.env_remove(variable);
    }
    command.env("CARGO_TERM_COLOR", "never");
    let mut child = crate::sandbox::spawn_own(&mut command).map_err(|e| {
        SetupError::Cargo(format!("cannot run {}: {e} (is Rust installed? see README.md)", Path::new(&cargo).display()))
    })?;
    let stderr = child.stderr.take().expect("piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).take(1 << 20).read_to_string(&mut text);
        text
    });
    let stdout = child.stdout.take().expect("piped");
    let started = Instant::now();
    let mut messages = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Ok(message) = serde_json::from_str::<Message>(&line) {
            if !matches!(message, Message::Other) {
                messages.push(message);
            }
        }
        if started.elapsed() > BUILD_TIMEOUT {
            let _ = child.kill();
            break;
        }
    }
    let status = child.wait();
    crate::sandbox::forget_own(child.id());
    let status = status.map_err(SetupError::io("waiting for cargo"))?;
    let stderr = stderr_reader.join().unwrap_or_default();
    let tail: String = {
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim_start().starts_with("Compiling") && !l.trim_start().starts_with("Blocking"))
            .collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    };
    Ok(CargoRun { success: status.success(), messages, stderr_tail: tail })
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
