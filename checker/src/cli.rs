//! The command line, as clap parses it.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Builds, runs and grades the exercises of the multithreaded and asynchronous programming course.
///
/// Exit status: 0 everything passed; 1 a test, check or build of the exercise failed;
/// 2 the command line was wrong (for example an unknown exercise); 3 the course or the machine
/// is not set up (missing or corrupt course.toml, cargo not found, ...).
#[derive(Debug, Parser)]
#[command(name = "checker", version)]
pub struct Cli {
    /// The course repository (default: the nearest folder upwards holding course.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The grading pack with the hidden checks (default: pack/ in the course).
    #[arg(long, global = true, value_name = "DIR")]
    pub pack: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every exercise with its title and status.
    List,
    /// Build an exercise and run its public tests.
    Check {
        /// The exercise: ex04, ex04_pool or 4.
        exercise: String,
        /// Grade the src/ folder of DIR instead of the exercise folder (progress is not touched).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Run the public tests and the hidden checks, score them and write a JSON report.
    Submit {
        /// The exercise: ex04, ex04_pool or 4.
        exercise: String,
        /// Grade the src/ folder of DIR instead of the exercise folder (progress is not touched).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Where to write the JSON report (default: .checker/reports/<exercise>.json).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Show the next hint for an exercise.
    Hint {
        exercise: String,
        /// Show every hint.
        #[arg(long)]
        all: bool,
    },
    /// Restore an exercise to its skeleton (your files are backed up first).
    Reset {
        exercise: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Re-run the public tests whenever a file of the exercise is saved; move on when it passes.
    Watch {
        /// The exercise to start with (default: the first one not done).
        exercise: Option<String>,
    },
    /// The course's self-check: every skeleton fails, every reference solution passes.
    Verify {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
    },
}
