//! Errors that stop a command before it can grade anything, and the exit codes of the checker.

use crate::manifest::ManifestError;
use crate::messages::Messages;
use crate::sandbox::SandboxError;
use i18n_embed_fl::fl;
use std::path::PathBuf;

/// Exit codes, documented in README.md.
pub mod exit_code {
    /// Everything checked passed.
    pub const PASS: u8 = 0;
    /// The checker ran, and something failed: a test, a check, the build of the student's code.
    pub const CHECKS_FAILED: u8 = 1;
    /// The command line was wrong (unknown exercise, bad option).
    pub const USAGE: u8 = 2;
    /// The course or the machine is not set up: missing or corrupt manifest, cargo missing, ...
    pub const SETUP: u8 = 3;
}

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("no course found: there is no course.toml in {} or any folder above it (run the checker inside the course repository, or pass --root DIR)", .0.display())]
    NoCourse(PathBuf),
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("there is no exercise {query:?}; the exercises are: {}", valid.join(", "))]
    UnknownExercise { query: String, valid: Vec<String> },
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("the progress file {} is corrupt ({message}); fix it, or delete it to start the progress afresh", path.display())]
    Progress { path: PathBuf, message: String },
    #[error("{0}")]
    Missing(String),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    /// One of the course's own mutants cannot be read or no longer fits its solution.
    #[error(transparent)]
    Mutant(#[from] crate::mutant::MutantError),
    #[error("cargo could not build the working copy: {0}")]
    Cargo(String),
    #[error("{0}")]
    Refused(String),
    /// The submission itself cannot be graded (no sources, far too big): in a batch it gets no
    /// points, with this reason, and the batch goes on.
    #[error("{0}")]
    Submission(String),
}

impl SetupError {
    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> SetupError {
        let context = context.into();
        move |source| SetupError::Io { context, source }
    }

    /// The message in the language of `messages`: the errors a student meets (no course, an
    /// unknown exercise, a corrupt progress file, and those the commands word themselves) are
    /// translated; the rest, an instructor's or carrying the system's own words, are English.
    pub fn localized(&self, messages: &Messages) -> String {
        match self {
            SetupError::NoCourse(dir) => fl!(messages, "error-no-course", dir = dir.display().to_string()),
            SetupError::UnknownExercise { query, valid } => {
                fl!(messages, "error-unknown-exercise", query = format!("{query:?}"), exercises = valid.join(", "))
            }
            SetupError::Progress { path, message } => {
                fl!(messages, "error-progress", path = path.display().to_string(), problem = message.as_str())
            }
            other => other.to_string(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            SetupError::UnknownExercise { .. } | SetupError::Refused(_) => exit_code::USAGE,
            _ => exit_code::SETUP,
        }
    }
}
