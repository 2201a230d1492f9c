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

    let student = cargo(layout, work, &["test", "--no-run", "--package", &package_name(&student_manifest)?])?;
    let mut rendered = String::new();
    for message in &student.messages {
        match message {
            Message::CompilerMessage { manifest_path, message }
                if message.level == "error" && same(manifest_path, &student_manifest) =>
            {
                rendered.push_str(message.rendered.as_deref().unwrap_or(&message.message));
            }
            Message::CompilerArtifact { manifest_path, executable: Some(exe), profile, target }
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
        .arg("--manifest-path")
        .arg(work.dir.join("Cargo.toml"))
        .current_dir(&work.dir)
        .env("CARGO_TARGET_DIR", &layout.target)
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
    let mut child = command.spawn().map_err(|e| {
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
    let status = child.wait().map_err(SetupError::io("waiting for cargo"))?;
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
