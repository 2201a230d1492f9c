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
    /// The course's crates are not all cached and cannot be downloaded; what cargo said offline
    /// and online, each line indented.
    #[error(
        "the course's dependencies are not all in cargo's cache ({cache}), and downloading them failed.\n\
         Connect to the internet (crates.io) and run the same command again: the crates are downloaded \
         once, and from then on the checker works offline.\n\
         Offline, cargo said:\n{offline}Online, cargo said:\n{online}"
    )]
    Offline { cache: String, offline: String, online: String },
    /// Cargo itself does not run for this user (rustup with no default toolchain, a broken
    /// install): what it said, each line indented. Not a network problem, whatever fetch said.
    #[error(
        "cargo does not run for this user, so nothing can be built. Cargo said:\n{said}\
         Set Rust up for this user (with rustup: `rustup default stable`) and run the same command again."
    )]
    NoCargo { said: String },
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
    /// unknown exercise, a corrupt progress file, no network for the first build, and those the
    /// commands word themselves) are
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
            SetupError::Offline { cache, offline, online } => fl!(
                messages,
                "error-offline",
                cache = cache.as_str(),
                offline = offline.as_str(),
                online = online.as_str()
            ),
            SetupError::NoCargo { said } => fl!(messages, "error-no-cargo", said = said.as_str()),
            other => other.to_string(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            SetupError::UnknownExercise { .. } | SetupError::Refused(_) => exit_code::USAGE,
            // The student's own sources cannot be built (none under src/, far too big): their
            // work fails, as a build that does not compile does; the course is fine.
            SetupError::Submission(_) => exit_code::CHECKS_FAILED,
            _ => exit_code::SETUP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::messages::{english, of};

    fn translated() -> Vec<SetupError> {
        vec![
            SetupError::NoCourse("/home/student".into()),
            SetupError::UnknownExercise {
                query: "ex99".into(),
                valid: vec!["ex01_process".into(), "ex02_fork".into()],
            },
            SetupError::Progress { path: ".checker/progress.json".into(), message: "line 1".into() },
            SetupError::Offline {
                cache: "/root/.cargo/registry".into(),
                offline: "    error: no matching package named `tokio` found\n".into(),
                online: "    error: failed to get `tokio`\n    Could not resolve host: index.crates.io\n".into(),
            },
        ]
    }

    /// In English, the messages a student reads are the errors' own texts (what a log or an
    /// instructor's tool prints with `{}`).
    #[test]
    fn in_english_the_message_is_the_errors_own_text() {
        for error in translated() {
            assert_eq!(error.localized(english()), error.to_string());
        }
    }

    #[test]
    fn in_russian_the_errors_a_student_meets_are_russian_and_keep_their_details() {
        let russian: Vec<String> = translated().iter().map(|e| e.localized(of(Language::Ru))).collect();
        assert!(russian[0].starts_with("курс не найден: ни в /home/student"), "{}", russian[0]);
        assert_eq!(russian[1], "упражнения \"ex99\" нет; есть такие упражнения: ex01_process, ex02_fork");
        assert!(russian[3].contains("Без сети cargo сообщил:\n    error: no matching package"), "{}", russian[3]);
        assert!(russian[3].ends_with("По сети cargo сообщил:\n    error: failed to get `tokio`\n    Could not resolve host: index.crates.io\n"), "{}", russian[3]);
        // An error the checker does not translate keeps its English words.
        let other = SetupError::Cargo("no cargo".into());
        assert_eq!(other.localized(of(Language::Ru)), "cargo could not build the working copy: no cargo");
    }
}
